#!/usr/bin/env python3
"""Write edge.trace, the replay test's hand-made trace (run once; the
output is committed).  Every edge the replay must get right:

  events 0-3    the tiny prefix the kernel's refusal tests patch: a zero-size
                request freed at once, an 8-byte one freed from the other CPU
  boot          sizes 1..9, every malloc class edge around 16..128, the
                largest malloc class (65536) and one byte more, large
                allocations (65537, 128 KiB aligned to itself, 1 MiB)
  reverse       50 objects (one per cache and site in turn) freed in
                reverse order
  cross         objects allocated on CPU 0 and freed on CPU 1 and back
  never         objects never freed (live at the end)
"""
import random

rnd = random.Random(10)
lines = ['# linux-slab-trace v1: a ID SIZE ALIGN SITE CPU | '
         'c ID SIZE ALIGN SITE CACHE CPU | f ID CPU']
nev = 0
nid = 0
live = {}
CACHES = {1: (24, 8), 2: (192, 64), 3: (256, 256), 4: (4096, 64),
          5: (100, 8)}


def ev(text):
    global nev
    lines.append(text)
    nev += 1


def kalign(size):
    return size if size and size & (size - 1) == 0 else 8


def a(size, site, cpu=0, align=None):
    global nid
    ev('a %d %d %d %d %d' % (nid, size, align or kalign(size), site, cpu))
    live[nid] = size
    nid += 1
    return nid - 1


def c(cache, site, cpu=0, size=None):
    global nid
    s, al = CACHES[cache]
    ev('c %d %d %d %d %d %d' % (nid, size if size is not None else s, al,
                                 site, cache, cpu))
    live[nid] = s
    nid += 1
    return nid - 1


def f(i, cpu=0):
    del live[i]
    ev('f %d %d' % (i, cpu))


def phase(name):
    lines.append('# phase %s event=%d' % (name, nev))


# The prefix the kernel tests patch (keep it first and exactly so).
x = a(0, 1)
f(x)
x = a(8, 2)
f(x, 1)
phase('boot')
keep = []
for s in list(range(1, 10)) + [15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128,
                               129, 160, 192, 255, 256, 257, 4095, 4096,
                               4097, 65535, 65536]:
    keep.append(a(s, 3 + s % 4))
big = [a(65537, 7), a(131072, 7), a(1 << 20, 8)]
for i in range(10):
    keep.append(c(1 + i % 5, 9 + i % 3))
phase('reverse')
objs = []
for i in range(50):
    if i % 2:
        objs.append(c(1 + i % 5, 9 + i % 3, i % 2))
    else:
        objs.append(a(rnd.choice([24, 100, 200, 1000, 3000]), 12, i % 2))
for o in reversed(objs):
    f(o, rnd.randint(0, 1))
phase('cross')
for i in range(80):
    o = a(rnd.randint(1, 2048), 13, 0) if i % 3 else c(2, 14, 0)
    f(o, 1)
    o = c(4, 14, 1) if i % 2 else a(rnd.randint(1, 600), 13, 1)
    f(o, 0)
f(big[0], 1)
f(big[2], 0)
for o in keep[::3]:
    f(o, 1)
phase('never')
for i in range(12):
    a(rnd.randint(1, 5000), 15, i % 2)
    c(5, 15, i % 2, size=rnd.randint(0, 100))
phase('end')
with open('edge.trace', 'w') as out:
    out.write('\n'.join(lines) + '\n')
