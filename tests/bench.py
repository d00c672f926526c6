#!/usr/bin/env python3
"""`make bench`: boot the BENCH kernel with fixed QEMU flags, collect the
BENCH lines, print a table and save CSV under build/bench/.

Runs:
  icount   -icount shift=0 -smp 1   TSC ticks per op = instructions per op
  mttcg1   -accel tcg,thread=multi -smp 1   ops/s on one CPU
  mttcg2   -accel tcg,thread=multi -smp 2   ops/s; BENCH_ALLCPUS benches
           run on both CPUs (scaling = mttcg2 ops/s / mttcg1 ops/s)
Figures compare within one run of this script, never across days.
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, 'build', 'bench')
QEMU = ['qemu-system-x86_64', '-M', 'pc', '-nodefaults', '-display', 'none',
        '-serial', 'stdio', '-no-reboot', '-device',
        'isa-debug-exit,iobase=0xf4,iosize=0x04', '-m', '512M']
RUNS = [
    ('icount', ['-icount', 'shift=0', '-smp', '1']),
    ('mttcg1', ['-accel', 'tcg,thread=multi', '-smp', '1']),
    ('mttcg2', ['-accel', 'tcg,thread=multi', '-smp', '2']),
]
LINE = re.compile(r'^BENCH name=(\S+) iters=(\d+) ncpu=(\d+) '
                  r'tsc_per_op=([\d.]+) ns_per_op=(\d+) ops_per_s=(\d+)')
FIGURE = re.compile(r'^BENCH name=(\S+) figure=(\S+) value=(-?\d+)')


def console_text(raw):
    """The serial console's bytes as text with LF line ends (the console
    sends CR LF)."""
    return raw.decode('utf-8', 'replace').replace('\r', '')


def boot(kernel, flags, sel):
    cmd = QEMU + flags + ['-kernel', kernel, '-append', 'bench.run=' + sel]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=1500)
    text = console_text(p.stdout)
    if p.returncode != 33:
        sys.stdout.write(text[-3000:])
        raise SystemExit('bench: boot %s exited with status %d'
                         % (' '.join(flags), p.returncode))
    return text


def fast_path_atomics(kernel):
    """Lock-prefixed (or implicitly locked xchg) instructions in UMA's two
    fast-path functions, read from the BENCH kernel's disassembly."""
    try:
        dis = subprocess.run(['objdump', '-d', '--no-show-raw-insn', kernel],
                             stdout=subprocess.PIPE, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    out, func, count, size = [], None, 0, 0
    for line in dis.decode('utf-8', 'replace').split('\n'):
        m = re.match(r'^[0-9a-f]+ <(\w+)>:', line)
        if m:
            if func:
                out.append((func, size, count))
            func = m.group(1) if m.group(1) in (
                'uma_zalloc_arg', 'uma_zfree_arg') else None
            count = size = 0
        elif func and '\t' in line:
            size += 1
            if re.search(r'\block\b|\txchg', line):
                count += 1
    if func:
        out.append((func, size, count))
    return out


# Benchmarks that need a kernel option of their own: (config, name prefix).
# They run under icount only.
EXTRA_KERNELS = [('BENCH_MEMGUARD', 'memguard_',
                  'memguard_pair_guarded,memguard_pair_unguarded,'
                  'memguard_mix_off,memguard_mix_freq1000')]


def build(conf):
    r = subprocess.run(['make', '-s', '--no-print-directory',
                        'KERNCONF=' + conf, 'kernel'], cwd=TOP)
    if r.returncode != 0:
        raise SystemExit('bench: building the %s kernel failed' % conf)
    return os.path.join(TOP, 'build', conf, 'kernel')


def main():
    if sys.argv[1:] == ['--selftest']:
        errors = selftest()
        for e in errors:
            print('FAIL  bench selftest: %s' % e)
        if not errors:
            print('PASS  bench selftest: CSV lines end in LF, latest.csv is '
                  'a byte copy')
        return 1 if errors else 0
    sel = sys.argv[1] if len(sys.argv) > 1 else 'all'
    kernel = build('BENCH')
    boots = [(run, flags, kernel, sel) for run, flags in RUNS]
    for conf, prefix, names in EXTRA_KERNELS:
        if sel == 'all' or prefix in sel:
            boots.append(('icount', RUNS[0][1], build(conf),
                          names if sel == 'all' else sel))
    rows, figures, order = {}, [], []
    for run, flags, kern, what in boots:
        parse(boot(kern, flags, what), run, rows, figures, order)
    print('%-28s %12s %14s %14s %8s' % ('bench', 'insns/op', 'ops/s smp1',
                                        'ops/s smp2', 'scaling'))
    print('%-28s %12s %14s %14s %8s' % ('', '(icount)', '(MTTCG)',
                                        '(MTTCG)', ''))
    for name in order:
        d = rows[name]
        ic = d.get('icount', {}).get('tsc')
        o1 = d.get('mttcg1', {}).get('ops')
        o2 = d.get('mttcg2', {}).get('ops')
        n2 = d.get('mttcg2', {}).get('ncpu', 1)
        scale = '%.2fx' % (o2 / o1) if o1 and o2 and n2 > 1 else '-'
        print('%-28s %12s %14s %14s %8s' % (
            name, '%.1f' % ic if ic is not None else '-',
            o1 if o1 is not None else '-', o2 if o2 is not None else '-',
            scale))
    for func, size, count in fast_path_atomics(kernel):
        figures.append(('static', func, 'atomic_insns_of_%d' % size, count))
    if figures:
        print()
        print('%-8s %-28s %-28s %12s' % ('run', 'bench', 'figure', 'value'))
        for f in figures:
            if f[0] in ('icount', 'static'):
                print('%-8s %-28s %-28s %12d' % f)
    path = write_csv(OUT, time.strftime('%Y%m%d-%H%M%S'), rows, figures,
                     order)
    print('\nsaved %s (and latest.csv)' % os.path.relpath(path, TOP))


def parse(text, run, rows, figures, order):
    """Add one boot's BENCH lines (console text, LF ends) to the tables."""
    for line in text.split('\n'):
        m = LINE.match(line)
        if m:
            name = m.group(1)
            if name not in rows:
                rows[name] = {}
                order.append(name)
            rows[name][run] = {'iters': int(m.group(2)),
                               'ncpu': int(m.group(3)),
                               'tsc': float(m.group(4)),
                               'ns': int(m.group(5)),
                               'ops': int(m.group(6))}
        m = FIGURE.match(line)
        if m:
            fig = (run, m.group(1), m.group(2), int(m.group(3)))
            # Each bench runs several times: keep the last figure.
            figures[:] = [f for f in figures if f[:3] != fig[:3]]
            figures.append(fig)


def write_csv(outdir, stamp, rows, figures, order):
    """Write outdir/bench-STAMP.csv (LF line ends only) and latest.csv as
    a byte-for-byte copy of it; return the dated file's path."""
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, 'bench-%s.csv' % stamp)
    with open(path, 'w', newline='') as f:
        f.write('# make bench, %s; QEMU %s\n' % (stamp, ' '.join(QEMU)))
        for run, flags in RUNS:
            f.write('# run %s: %s\n' % (run, ' '.join(flags)))
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['bench', 'run', 'iters', 'ncpu', 'tsc_per_op',
                    'ns_per_op', 'ops_per_s'])
        for name in order:
            for run, _ in RUNS:
                d = rows[name].get(run)
                if d:
                    w.writerow([name, run, d['iters'], d['ncpu'], d['tsc'],
                                d['ns'], d['ops']])
        w.writerow([])
        w.writerow(['figure_run', 'bench', 'figure', 'value'])
        for fig in figures:
            w.writerow(list(fig))
    shutil.copyfile(path, os.path.join(outdir, 'latest.csv'))
    return path


def selftest():
    """The CSV from canned console output (CR LF, as the serial console
    sends it): LF only, and latest.csv a byte copy.  No boot."""
    raw = (b'BENCH start ncpu=1\r\n'
           b'BENCH name=uma_pair iters=100 ncpu=1 tsc_per_op=12.5 '
           b'ns_per_op=3 ops_per_s=1000\r\n'
           b'BENCH name=uma_pair figure=bytes value=-4\r\n'
           b'BENCH end\r\n')
    rows, figures, order = {}, [], []
    parse(console_text(raw), 'icount', rows, figures, order)
    errors = []
    if order != ['uma_pair'] or figures != [('icount', 'uma_pair', 'bytes',
                                              -4)]:
        errors.append('parse: rows %r figures %r' % (order, figures))
    with tempfile.TemporaryDirectory() as d:
        path = write_csv(d, '19700101-000000', rows, figures, order)
        with open(path, 'rb') as f:
            data = f.read()
        with open(os.path.join(d, 'latest.csv'), 'rb') as f:
            latest = f.read()
    if b'\r' in data:
        errors.append('the CSV has CR bytes: %r' % data[:200])
    if latest != data:
        errors.append('latest.csv is not a byte copy of the dated CSV')
    if b'uma_pair,icount,100,1,12.5,3,1000\n' not in data:
        errors.append('the bench row is missing: %r' % data)
    return errors

if __name__ == '__main__':
    sys.exit(main())
