#!/usr/bin/env python3
"""Write the long-environment transcripts tests/shell/kenv_long.txt,
kenv_20k.txt and kenv_fwcfg.txt (issue 9, items 1 and 5): their tunables
are too long to write by hand."""
import os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                      'tests', 'shell'))
longname = 'n' + 'abcdefghij'*10  # 101 chars
vars300 = ' '.join('v%d=%d' % (i, i) for i in range(1, 301))
longval = 'L' * 500
pad = 'pad=' + 'x' * 3000
tun = '%s %s=named longval=%s %s kern.hz=250' % (vars300, longname, longval, pad)
assert len(tun) > 6000, len(tun)
open('kenv_long.txt','w').write('''#! config=TEST smp=2 mem=128M timeout=60 tunables="%s"
# A %d-byte -append (items 1 and 5 of issue 9): QEMU's PVH loader overwrites
# its start info past 4096 bytes, so the kernel takes the command line,
# memory map and RSDP from fw_cfg and says so; nothing in the environment
# is dropped or cut: 303 variables, a %d-character name, a 500-character
# value, and kern.hz at the very end.  The copies are M_KENV allocations.
~ ^WARNING: PVH start info overwritten by a %d-byte command line \\(QEMU's PVH loader has room for 4096\\): took the command line, memory map and RSDP from fw_cfg$
~ hz = 250$
! ^panic
! ^WARNING: loader environment
> sysctl kern.hz hw.ncpu
= kern.hz: 250
= hw.ncpu: 2
> kenv v1
= 1
> kenv v300
= 300
> kenv %s
= named
> kenv longval
= %s
> vmstat -m
~ ^ +kenv +30\\d +[1-9]\\d*K +[1-9]\\d*K +30\\d +
''' % (tun, len(tun), len(longname), len(tun), longname, longval))

pad = 'pad=' + 'y' * 20000
tun = '%s kern.hz=300 test.last=yes' % pad
open('kenv_20k.txt','w').write('''#! config=TEST smp=2 mem=128M timeout=60 tunables="%s"
# A %d-byte -append: taken from fw_cfg, all kept (issue 9 item 1); a
# 20000-byte value prints whole (printf streams what its buffer cannot hold).
~ ^WARNING: PVH start info overwritten by a %d-byte command line
~ hz = 300$
! ^panic
> kenv test.last
= yes
> kenv pad
= %s
''' % (tun, len(tun), len(tun), pad[4:]))

body = ' '.join('w%05d=%s' % (i, 'z' * 90) for i in range(1000))
tun = 'kern.hz=400 ' + body + ' test.tail=yes'
assert len(tun) > 90000
open('kenv_fwcfg.txt','w').write('''#! config=TEST smp=1 mem=128M timeout=90 tunables="test.head=1" qemuflags="-fw_cfg \\"name=opt/kenv,string=%s\\""
# %d bytes of loader variables in fw_cfg's opt/kenv (how make run passes
# TUNABLES too long for -append): the early environment keeps the first
# 65535 bytes of -append + opt/kenv; once malloc is up the dynamic kenv
# reads all of it again, and names each variable early tunables missed.
~ hz = 400$
~ ^WARNING: loader environment: tunables read before malloc\\(9\\) saw only the first 65535 of %d bytes$
~ ^WARNING: loader environment: w00\\d\\d\\d cut: early tunables saw "z+"$
~ ^WARNING: loader environment: not seen early: .*\\bw00999\\b
~ ^WARNING: loader environment: not seen early: .*\\btest\\.tail$
! ^WARNING: loader environment: .*\\bw00001\\b
! ^panic
> kenv test.head
= 1
> kenv w00999
= %s
> kenv test.tail
= yes
''' % (tun, len(tun), len(tun) + 12, 'z'*90))
