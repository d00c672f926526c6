#!/usr/bin/env python3
"""trace2bin: a slab allocation trace (text, plain or gzip) to the compact
binary form the kernel's replay engine (sys/kern/subr_replay.c) reads as a
boot module.

    trace2bin.py TRACE OUT.bin [--sites F] [--caches F]
    trace2bin.py --stats TRACE       print the figures a replay must find
    trace2bin.py --selftest

The text format is described in the traces' README:
    a ID SIZE ALIGN SITE CPU
    c ID SIZE ALIGN SITE CACHE CPU
    f ID CPU
    # phase NAME event=N
SITE and CACHE names come from NAME.sites.txt and NAME.caches.txt beside
NAME.trace[.gz] when they exist (else "site<N>" and "cache<N>").

A malformed trace (unknown op, wrong field count, a number that is not
one, an ID allocated twice, a free of an unknown or already freed ID, a
CPU other than 0 or 1, an alignment that is not a power of two, a phase
marker whose event count is wrong, a truncated file) is refused with its
line number before anything is written.

Binary format, version 1, all integers little-endian:

  header (96 bytes)
    0   char[8]  magic "RPLYTRC\\0"
    8   u32      version (1)
    12  u32      header size (96)
    16  u64      events
    24  u32      objects (allocations; IDs are 0 .. objects-1, dense, in
                 allocation order: the converter renumbers them)
    28  u32      sites
    32  u32      caches
    36  u32      phases
    40  u32      site table offset      (sites x 8 bytes)
    44  u32      cache table offset     (caches x 16 bytes)
    48  u32      phase table offset     (phases x 16 bytes)
    52  u32      string table offset
    56  u32      string table size
    60  u32      event stream offset
    64  u32      event stream size
    68  u32      FNV-1a 32 of the event stream
    72  u64      allocations of kind a
    80  u64      allocations of kind c
    88  u64      frees
  site entry:  u32 name offset (in the string table), u32 kinds (1 a, 2 c)
  cache entry: u32 name offset, u32 object size, u32 align, u32 flags
               (size and align: the largest of caches.txt's and the events';
               flags: 1 = unknown cache, its caches.txt line says "?" for
               the object size: its objects share no size, so a replay
               sends them through malloc; other bits must be 0)
  phase entry: u64 event index (events before the marker), u32 name
               offset, u32 reserved
  strings:     NUL-terminated names
  events, one record each; the first byte is
               bits 0-1 op (1 a, 2 c, 3 f), bit 2 CPU, bits 3-7 log2(align)
               (0 for f), followed by unsigned LEB128 varints:
    a: size, site index (0-based)
    c: size, site index, cache index (0-based)
    f: distance back from the newest allocation (allocations so far - 1
       - ID)
"""
import gzip
import io
import os
import re
import struct
import sys
import tempfile
import zlib

MAGIC = b'RPLYTRC\0'
VERSION = 1
HDR = struct.Struct('<8sIIQIIIIIIIIIIIIQQQ')
assert HDR.size == 96
OP_A, OP_C, OP_F = 1, 2, 3
CACHE_UNKNOWN = 1
MAX_SIZE = (1 << 32) - 1


class TraceError(Exception):
    """A malformed trace: the message names the line."""


def fnv1a(data):
    """FNV-1a, 32 bits: the kernel checks the event stream with it."""
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h


def varint(n, out):
    while n >= 0x80:
        out.append((n & 0x7f) | 0x80)
        n >>= 7
    out.append(n)


def read_names(path, kind):
    """SITE or CACHE table: {number: (name, size, align)}."""
    names = {}
    if path is None or not os.path.exists(path):
        return names
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            w = line.split()
            if not w or w[0].startswith('#'):
                continue
            try:
                num = int(w[0])
                if kind == 'site':
                    names[num] = (w[3], 0, 0)
                else:
                    # Size 0: "?", no object size known.
                    size = int(w[3]) if w[3] != '?' else 0
                    align = int(w[4]) if w[4] != '?' else 0
                    names[num] = (w[2], size, align)
            except (ValueError, IndexError):
                raise TraceError('%s:%d: malformed %s line'
                                 % (path, lineno, kind))
    return names


def number(word, what, lineno, lo=0, hi=None):
    if not word.isdigit():
        raise TraceError('line %d: %s "%s" is not a decimal number'
                         % (lineno, what, word))
    v = int(word)
    if v < lo or (hi is not None and v > hi):
        raise TraceError('line %d: %s %d out of range (%d-%s)'
                         % (lineno, what, v, lo, hi))
    return v


def open_lines(path):
    if path.endswith('.gz'):
        return io.TextIOWrapper(gzip.open(path, 'rb'), encoding='ascii',
                                errors='strict', newline='\n')
    return open(path, encoding='ascii', errors='strict', newline='\n')


class Trace:
    """A parsed, checked trace."""

    def __init__(self):
        self.events = bytearray()
        self.nevents = 0
        self.na = self.nc = self.nf = 0
        self.phases = []            # (event index, name)
        self.site_kinds = {}        # trace site number -> kinds bits
        self.cache_max = {}         # trace cache number -> (size, align)
        # Figures a replay must find.
        self.live = 0
        self.live_bytes = 0
        self.peak_bytes = 0
        self.peak_event = 0
        self.peak_objects = 0
        self.max_size = 0
        self.cross = 0              # frees on another CPU than the alloc


def parse(path):
    """Parse and check a trace file; raise TraceError naming the line."""
    t = Trace()
    ids = {}            # trace ID -> dense ID
    size_of = []        # dense ID -> size, or -1 once freed
    cpu_of = []         # dense ID -> the CPU that allocated it
    lineno = 0
    f = open_lines(path)
    try:
        while True:
            try:
                line = f.readline()
            except (EOFError, zlib.error, OSError) as e:
                raise TraceError('line %d: truncated or corrupt file after '
                                 'this line (%s)' % (lineno, e))
            except UnicodeDecodeError:
                raise TraceError('line %d: not ASCII text' % (lineno + 1))
            if line == '':
                break
            lineno += 1
            if not line.endswith('\n'):
                raise TraceError('line %d: truncated (no line end)'
                                 % lineno)
            w = line.split()
            if not w:
                raise TraceError('line %d: empty line' % lineno)
            op = w[0]
            if op.startswith('#'):
                if len(w) >= 2 and w[1] == 'phase':
                    if len(w) != 4 or not w[3].startswith('event='):
                        raise TraceError('line %d: malformed phase marker'
                                         % lineno)
                    n = number(w[3][6:], 'phase event', lineno)
                    if n != t.nevents:
                        raise TraceError('line %d: phase %s says event=%d '
                                         'but %d events precede it'
                                         % (lineno, w[2], n, t.nevents))
                    t.phases.append((t.nevents, w[2]))
                continue
            if op in ('a', 'c'):
                want = 6 if op == 'a' else 7
                if len(w) != want:
                    raise TraceError('line %d: "%s" wants %d fields, has %d'
                                     % (lineno, op, want, len(w)))
                tid = number(w[1], 'ID', lineno)
                size = number(w[2], 'SIZE', lineno, 0, MAX_SIZE)
                align = number(w[3], 'ALIGN', lineno, 1, 1 << 31)
                if align & (align - 1):
                    raise TraceError('line %d: ALIGN %d is not a power of '
                                     'two' % (lineno, align))
                site = number(w[4], 'SITE', lineno, 1, 1 << 24)
                cpu = number(w[-1], 'CPU', lineno, 0, 1)
                if tid in ids:
                    raise TraceError('line %d: ID %d allocated twice'
                                     % (lineno, tid))
                ids[tid] = len(size_of)
                size_of.append(size)
                cpu_of.append(cpu)
                rec = t.events
                rec.append((OP_A if op == 'a' else OP_C) | cpu << 2 |
                           (align.bit_length() - 1) << 3)
                varint(size, rec)
                varint(site - 1, rec)
                kind = 1 if op == 'a' else 2
                t.site_kinds[site] = t.site_kinds.get(site, 0) | kind
                if op == 'a':
                    t.na += 1
                else:
                    cache = number(w[5], 'CACHE', lineno, 1, 1 << 24)
                    varint(cache - 1, rec)
                    s, a = t.cache_max.get(cache, (0, 1))
                    t.cache_max[cache] = (max(s, size), max(a, align))
                    t.nc += 1
                t.live += 1
                t.live_bytes += size
                t.max_size = max(t.max_size, size)
                if t.live_bytes > t.peak_bytes:
                    t.peak_bytes = t.live_bytes
                    t.peak_event = t.nevents
                    t.peak_objects = t.live
            elif op == 'f':
                if len(w) != 3:
                    raise TraceError('line %d: "f" wants 3 fields, has %d'
                                     % (lineno, len(w)))
                tid = number(w[1], 'ID', lineno)
                cpu = number(w[2], 'CPU', lineno, 0, 1)
                dense = ids.get(tid)
                if dense is None:
                    raise TraceError('line %d: free of unknown ID %d'
                                     % (lineno, tid))
                if size_of[dense] < 0:
                    raise TraceError('line %d: ID %d freed twice'
                                     % (lineno, tid))
                t.live -= 1
                t.live_bytes -= size_of[dense]
                if cpu != cpu_of[dense]:
                    t.cross += 1
                size_of[dense] = -1
                t.events.append(OP_F | cpu << 2)
                varint(len(size_of) - 1 - dense, t.events)
                t.nf += 1
            else:
                raise TraceError('line %d: unknown op "%s"'
                                 % (lineno, op[:20]))
            t.nevents += 1
    finally:
        f.close()
    t.objects = len(size_of)
    return t


def encode(t, sites, caches):
    """The binary image of a parsed trace (bytes)."""
    strings = bytearray()
    stroff = {}

    def intern(name):
        if name not in stroff:
            stroff[name] = len(strings)
            strings.extend(name.encode('ascii', 'replace') + b'\0')
        return stroff[name]

    nsites = max(list(t.site_kinds) + [0])
    ncaches = max(list(t.cache_max) + [0])
    sitetab = bytearray()
    for s in range(1, nsites + 1):
        name = sites.get(s, ('site%d' % s, 0, 0))[0]
        sitetab += struct.pack('<II', intern(name), t.site_kinds.get(s, 0))
    cachetab = bytearray()
    for c in range(1, ncaches + 1):
        name, size, align = caches.get(c, ('cache%d' % c, 0, 0))
        flags = CACHE_UNKNOWN if c in caches and size == 0 else 0
        if name == '?':
            name = 'cache%d' % c
        es, ea = t.cache_max.get(c, (0, 1))
        size = max(size, es)
        align = max(align, ea, 1)
        cachetab += struct.pack('<IIII', intern(name), size, align, flags)
    phasetab = bytearray()
    for ev, name in t.phases:
        phasetab += struct.pack('<QII', ev, intern(name), 0)
    # The kernel wants a NUL-terminated table, even an empty one.
    strings.append(0)
    while len(strings) % 8:
        strings.append(0)
    off = HDR.size
    site_off = off
    off += len(sitetab)
    cache_off = off
    off += len(cachetab)
    phase_off = off
    off += len(phasetab)
    str_off = off
    off += len(strings)
    ev_off = off
    if ev_off + len(t.events) >= 1 << 32:
        raise TraceError('the binary would exceed 4 GiB')
    hdr = HDR.pack(MAGIC, VERSION, HDR.size, t.nevents, t.objects, nsites,
                   ncaches, len(t.phases), site_off, cache_off, phase_off,
                   str_off, len(strings), ev_off, len(t.events),
                   fnv1a(t.events), t.na, t.nc, t.nf)
    return bytes(hdr + sitetab + cachetab + phasetab + strings + t.events)


def side_file(path, suffix):
    base = path
    for ext in ('.gz', '.trace'):
        if base.endswith(ext):
            base = base[:-len(ext)]
    return base + suffix


def convert(path, out, sites_path=None, caches_path=None):
    t = parse(path)
    sites = read_names(sites_path or side_file(path, '.sites.txt'), 'site')
    caches = read_names(caches_path or side_file(path, '.caches.txt'),
                        'cache')
    data = encode(t, sites, caches)
    d = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(dir=d, prefix='.trace2bin')
    with os.fdopen(fd, 'wb') as f:
        f.write(data)
    os.replace(tmp, out)
    return t, data


def stats_line(t):
    """The figures the kernel's replay prints on its REPLAY stats line."""
    return ('events=%d allocs=%d frees=%d objects=%d peak_bytes=%d '
            'peak_event=%d peak_objects=%d live_end=%d live_bytes_end=%d '
            'cross_cpu_frees=%d'
            % (t.nevents, t.na + t.nc, t.nf, t.objects, t.peak_bytes,
               t.peak_event, t.peak_objects, t.live, t.live_bytes, t.cross))


def selftest():
    """Good and malformed traces through parse/encode; no kernel."""
    errors = []
    good = ('# linux-slab-trace v1\n'
            'a 0 0 8 1 0\n'
            'c 1 152 8 2 1 1\n'
            '# phase work event=2\n'
            'a 2 4096 4096 1 1\n'
            'f 1 0\n'
            'f 0 1\n'
            'c 3 200 64 2 2 0\n')
    bad = [
        ('a 0 8 8 1 0\nx 1 2\n', 2, 'unknown op'),
        ('a 0 8 8 1 0\nf 5 0\n', 2, 'unknown ID'),
        ('a 0 8 8 1 0\nf 0 0\nf 0 1\n', 3, 'freed twice'),
        ('a 0 8 8 1 0\na 0 8 8 1 0\n', 2, 'allocated twice'),
        ('a 0 8 8 1\n', 1, 'wants 6 fields'),
        ('c 0 8 8 1 1 0 9\n', 1, 'wants 7 fields'),
        ('f 0\n', 1, 'wants 3 fields'),
        ('a 0 8 12 1 0\n', 1, 'not a power of two'),
        ('a 0 8 8 1 2\n', 1, 'CPU 2 out of range'),
        ('a 0 -8 8 1 0\n', 1, 'not a decimal'),
        ('a 0 8 8 1 0\n# phase x event=0\n', 2, 'event=0'),
        ('a 0 8 8 1 0\na 1 8 8 1 0', 2, 'truncated'),
    ]
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, 'good.trace')
        with open(p, 'w') as f:
            f.write(good)
        t, data = convert(p, os.path.join(d, 'good.bin'))
        if (t.nevents, t.na, t.nc, t.nf, t.objects, t.peak_bytes,
                t.peak_event, t.live, t.live_bytes) != (6, 2, 2, 2, 4, 4296,
                                                      5, 2, 4096 + 200):
            errors.append('good trace figures: %s' % stats_line(t))
        h = HDR.unpack_from(data)
        if h[0] != MAGIC or h[3] != 6 or h[4] != 4 or h[5] != 2 or \
                h[6] != 2 or h[7] != 1:
            errors.append('header %r' % (h,))
        ev = data[h[13]:h[13] + h[14]]
        # a 0 0 8 1 0: op a, cpu 0, align log2 3; size 0; site 0.
        # f 1 0 (dense 1, 3 allocated so far): distance 1.
        want = bytes([1 | 3 << 3, 0, 0, 2 | 4 | 3 << 3, 152, 1, 1, 0,
                      1 | 4 | 12 << 3, 0x80, 0x20, 0, 3, 1, 3 | 4, 2,
                      2 | 6 << 3, 200, 1, 1, 1])
        if ev != want:
            errors.append('event stream %s, want %s' % (ev.hex(),
                                                         want.hex()))
        if h[15] != fnv1a(ev):
            errors.append('checksum')
        ph = struct.unpack_from('<QII', data, h[10])
        if ph[0] != 2:
            errors.append('phase at %d' % ph[0])
        for i, (text, line, what) in enumerate(bad):
            for gz in (False, True):
                p = os.path.join(d, 'bad%d.trace%s' % (i, '.gz' if gz
                                                       else ''))
                raw = text.encode()
                with open(p, 'wb') as f:
                    f.write(gzip.compress(raw) if gz else raw)
                out = os.path.join(d, 'bad%d.bin' % i)
                try:
                    convert(p, out)
                    errors.append('%r accepted' % text)
                except TraceError as e:
                    if not str(e).startswith('line %d:' % line) or \
                            what not in str(e):
                        errors.append('%r: "%s", want line %d, %s'
                                      % (text, e, line, what))
                if os.path.exists(out):
                    errors.append('%r: output written' % text)
        # An empty trace converts, with a NUL-terminated string table.
        p = os.path.join(d, 'empty.trace')
        with open(p, 'w') as f:
            f.write('# nothing\n')
        t, data = convert(p, os.path.join(d, 'empty.bin'))
        h = HDR.unpack_from(data)
        if t.nevents != 0 or h[12] == 0 or data[h[11] + h[12] - 1] != 0:
            errors.append('empty trace: header %r' % (h,))
        # A gzip stream cut short is refused too.
        p = os.path.join(d, 'cut.trace.gz')
        z = gzip.compress((good * 50).encode())
        with open(p, 'wb') as f:
            f.write(z[:len(z) // 2])
        try:
            convert(p, os.path.join(d, 'cut.bin'))
            errors.append('a cut gzip stream was accepted')
        except TraceError as e:
            if 'truncated' not in str(e) and 'twice' not in str(e):
                errors.append('cut gzip: %s' % e)
        errors += check_bad_files(d)
    return errors


def check_bad_files(tmpdir):
    """tests/replay/bad/*: each file's first line says "# expect: TEXT";
    converting it must fail with a message starting with TEXT ("line ?"
    stands for the line a cut gzip stream happens to end at)."""
    errors = []
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bad = os.path.join(top, 'tests', 'replay', 'bad')
    names = sorted(os.listdir(bad)) if os.path.isdir(bad) else []
    for name in names:
        path = os.path.join(bad, name)
        opener = gzip.open if name.endswith('.gz') else open
        with opener(path, 'rb') as f:
            first = f.readline().decode('ascii', 'replace').strip()
        if not first.startswith('# expect: '):
            errors.append('%s: no "# expect:" line' % name)
            continue
        want = first[len('# expect: '):]
        out = os.path.join(tmpdir, name + '.bin')
        try:
            convert(path, out)
            errors.append('%s accepted' % name)
        except TraceError as e:
            pat = re.escape(want).replace(re.escape('line ?'),
                                          r'line \d+')
            if not re.match(pat, str(e)):
                errors.append('%s: "%s", want "%s"' % (name, e, want))
        if os.path.exists(out):
            errors.append('%s: output written' % name)
    if len(names) < 7:
        errors.append('only %d files in tests/replay/bad' % len(names))
    return errors


def main(argv):
    if argv == ['--selftest']:
        errors = selftest()
        for e in errors:
            print('FAIL  trace2bin selftest: %s' % e)
        if not errors:
            print('PASS  trace2bin selftest: good trace encoded, malformed '
                  'ones refused with their line numbers')
        return 1 if errors else 0
    try:
        if len(argv) == 2 and argv[0] == '--stats':
            t = parse(argv[1])
            print(stats_line(t))
            return 0
        args, opts = [], {}
        i = 0
        while i < len(argv):
            if argv[i] in ('--sites', '--caches') and i + 1 < len(argv):
                opts[argv[i][2:]] = argv[i + 1]
                i += 2
            else:
                args.append(argv[i])
                i += 1
        if len(args) != 2:
            print(__doc__.split('\n\n')[1], file=sys.stderr)
            return 2
        t, data = convert(args[0], args[1], opts.get('sites'),
                          opts.get('caches'))
        print('trace2bin: %s: %d bytes; %s' % (args[1], len(data),
                                              stats_line(t)))
        return 0
    except TraceError as e:
        print('trace2bin: %s: %s' % (argv[-1] if argv[0] == '--stats'
                                     else args[0], e), file=sys.stderr)
        return 1
    except OSError as e:
        print('trace2bin: %s' % e, file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
