#!/usr/bin/env python3
"""`make bench`: boot the BENCH kernel with fixed QEMU flags, collect the
BENCH lines, print a table and save CSV under build/bench/.

Runs:
  icount   -icount shift=0 -smp 1   TSC ticks per op = instructions per op
  mttcg1   -accel tcg,thread=multi -smp 1   ops/s on one CPU
  mttcg2   -accel tcg,thread=multi -smp 2   ops/s; BENCH_ALLCPUS benches
           run on both CPUs (scaling = mttcg2 ops/s / mttcg1 ops/s)
Figures compare within one run of this script, never across days.

Issue 11's figures, computed here from the BENCH lines (derived()):
  uma_scaling_pct_of_ceiling  mttcg2: uma_scaling's in-boot scaling ratio
      (warm zone pairs on 1 CPU, then on both, same boot) over the per-CPU
      counter's, times 100: the median over the repetitions of each one's
      quotient (paired_permille_of_ceiling; a call of the pairs and a call
      of the counter, evened out to take as long, are timed back to back;
      each CPU's median of pair-call over counter-call when it ran alone
      over the same when all ran, mean over the CPUs, is a repetition's
      quotient; an all-CPU pair of calls counts only if the other CPUs ran
      alongside it; so host load touches both alike: subr_bench.c), or,
      from a kernel that does not print it, the quotient of the median
      ratios
  memguard_idle_overhead_pct  icount: malloc_pair_64 on the BENCH_MEMGUARD
      kernel (MemGuard compiled in, guarding nothing) over malloc_pair_64 on
      the BENCH kernel, minus 1, times 100
The BENCH_MEMGUARD kernel's rows for benches that are not memguard_* are
kept apart as run icount_memguard, so a selection may mix memguard_* names
with others.

Replay (issue 10): `bench.py` also converts the public allocation trace
(tools/trace2bin.py) and replays it as a boot module (-initrd): modes
malloc and zones under icount, memguard and memguard_zones (BENCH_MEMGUARD
kernel, MemGuard's frequency mode) under icount, smp2 under MTTCG with two
CPUs.  Each mode replays the trace twice: a proof pass (patterns checked,
footprint, the calls timed alone: figures insns_per_alloc, insns_per_free,
insns_per_event_proof, footprint_*) and a timed pass (the events alone:
the row's insns per event).  Rows replay_malloc, replay_zones,
replay_memguard, replay_memguard_zones, replay_smp2 (per event); the
footprint over the replay is drawn as SVG beside the CSV.
`bench.py replay TRACE` replays any trace (`make replay TRACE=path`);
`bench.py replay_malloc,replay_zones` runs just those modes.
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
    """Boot with bench.run=sel (or sel itself when it is a replay.run
    command line)."""
    append = sel if sel.startswith('replay.run=') else 'bench.run=' + sel
    cmd = QEMU + flags + ['-kernel', kernel, '-append', append]
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


# Benchmarks that need a kernel option of their own: (config, name prefix,
# the names `all' runs there, run name for other benches on that kernel,
# benches run on both kernels for a comparison).  They run under icount
# only.
EXTRA_KERNELS = [('BENCH_MEMGUARD', 'memguard_',
                  'memguard_pair_guarded,memguard_pair_unguarded,'
                  'memguard_mix_off,memguard_mix_freq1000',
                  'icount_memguard', ['malloc_pair_64'])]
RUN_NAMES = [r for r, _ in RUNS] + [e[3] for e in EXTRA_KERNELS]


def plan(sel):
    """The boots of a selection: [(run, flags, config, bench.run, run for
    benches outside the config's prefix or None)].  memguard_* names go to
    the BENCH_MEMGUARD kernel only, with the comparison benches beside
    them; every other name to the BENCH kernel."""
    boots = []
    names = [] if sel == 'all' else [n for n in sel.split(',') if n]
    base = names
    extra = []
    for conf, prefix, all_names, other_run, compare in EXTRA_KERNELS:
        mine = [n for n in names if n.startswith(prefix)]
        base = [n for n in base if not n.startswith(prefix)]
        if sel == 'all':
            extra.append((conf, ','.join(all_names.split(',') + compare),
                          other_run))
        elif mine:
            extra.append((conf, ','.join(mine + compare), other_run))
            base_only = not base
            base += [c for c in compare if c not in base]
            if base_only:
                # Only the comparison: one icount boot is enough.
                boots.append(('icount', RUNS[0][1], 'BENCH',
                              ','.join(base), None))
                base = []
    if sel == 'all':
        boots += [(run, flags, 'BENCH', 'all', None) for run, flags in RUNS]
    elif base:
        boots += [(run, flags, 'BENCH', ','.join(base), None)
                  for run, flags in RUNS]
    for conf, what, other_run in extra:
        boots.append(('icount', RUNS[0][1], conf, what, other_run))
    return boots


# Issue 11's computed figures: (figure, run, bench).
SCALING_BENCH = 'uma_scaling'
IDLE_BENCH = 'malloc_pair_64'


def derived(rows, figures):
    """Figures computed from others: [(run, bench, figure, value)], value
    rounded to 0.1."""
    out = []
    fig = {(f[0], f[1], f[2]): f[3] for f in figures}
    r = fig.get(('mttcg2', SCALING_BENCH, 'scaling_permille'))
    c = fig.get(('mttcg2', SCALING_BENCH, 'ceiling_scaling_permille'))
    p = fig.get(('mttcg2', SCALING_BENCH, 'paired_permille_of_ceiling'))
    if p is not None:
        out.append(('mttcg2', SCALING_BENCH, 'uma_scaling_pct_of_ceiling',
                    round(p / 10.0, 1)))
    elif r is not None and c:
        out.append(('mttcg2', SCALING_BENCH, 'uma_scaling_pct_of_ceiling',
                    round(r * 100.0 / c, 1)))
    d = rows.get(IDLE_BENCH, {})
    base = d.get('icount', {}).get('tsc')
    mg = d.get('icount_memguard', {}).get('tsc')
    if base and mg is not None:
        out.append(('icount', IDLE_BENCH, 'memguard_idle_overhead_pct',
                    round((mg - base) * 100.0 / base, 1)))
    return out


# The public trace, looked for beside the tree as the issue names it.
TRACE_CANDIDATES = ['../shared/traces/linux-public.trace.gz',
                    '../../shared/traces/linux-public.trace.gz']
REPLAY_MEMGUARD_FREQ = 100
# (run, QEMU flags, config, modes, extra tunables)
REPLAY_BOOTS = [
    ('icount', RUNS[0][1], 'BENCH', 'malloc,zones', ''),
    ('icount', RUNS[0][1], 'BENCH_MEMGUARD', 'memguard,memguard_zones',
     ' vm.memguard.frequency=%d' % REPLAY_MEMGUARD_FREQ),
    ('mttcg2', RUNS[2][1], 'BENCH', 'smp2', ''),
]
SAMPLE = re.compile(r'^REPLAY sample mode=(\S+) event=(\d+) live=(\d+) '
                    r'handed=(\d+) pages=(\d+)')
PHASE = re.compile(r'^REPLAY phase name=(\S+) event=(\d+)')
ZONES = re.compile(r'^REPLAY zones mode=(\S+) (.*)$')


def find_trace():
    env = os.environ.get('TRACE')
    if env:
        return env
    for c in TRACE_CANDIDATES:
        p = os.path.join(TOP, c)
        if os.path.exists(p):
            return p
    return None


def convert_trace(trace):
    """trace -> build/replay/NAME.bin (redone when the trace is newer)."""
    name = os.path.basename(trace)
    for ext in ('.gz', '.trace'):
        if name.endswith(ext):
            name = name[:-len(ext)]
    out = os.path.join(TOP, 'build', 'replay', name + '.bin')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    if not os.path.exists(out) or \
            os.path.getmtime(out) < os.path.getmtime(trace) or \
            os.path.getmtime(out) < os.path.getmtime(
                os.path.join(TOP, 'tools', 'trace2bin.py')):
        r = subprocess.run([sys.executable,
                            os.path.join(TOP, 'tools', 'trace2bin.py'),
                            trace, out])
        if r.returncode != 0:
            raise SystemExit('bench: %s refused by trace2bin' % trace)
    return out


def replay_boots(trace, only=None):
    """The replay boots of one trace: (run, flags, kernel, tunables).
    With only (a list of modes), just those modes."""
    image = convert_trace(trace)
    boots = []
    for run, flags, conf, modes, extra in REPLAY_BOOTS:
        modes = [m for m in modes.split(',') if only is None or m in only]
        if not modes:
            continue
        boots.append((run, flags + ['-initrd', image], build(conf),
                      'replay.run=' + ','.join(modes) + extra, None))
    return boots


def replay_modes(sel):
    """The replay modes a selection names (replay_MODE), and the rest."""
    names = [n for n in sel.split(',') if n]
    modes = [n[len('replay_'):] for n in names if n.startswith('replay_')]
    known = [m for _, _, _, ms, _ in REPLAY_BOOTS for m in ms.split(',')]
    bad = [m for m in modes if m not in known]
    if bad:
        raise SystemExit('bench: unknown replay mode(s) %s (known: %s)'
                         % (', '.join(bad), ', '.join(known)))
    return modes, ','.join(n for n in names if not n.startswith('replay_'))


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
                  'a byte copy; boot plans, BENCH_MEMGUARD rows apart, '
                  'issue 11 figures')
        return 1 if errors else 0
    sel = sys.argv[1] if len(sys.argv) > 1 else 'all'
    kernel = build('BENCH')
    boots, trace, only = [], None, None
    if sel not in ('all', 'replay'):
        only, sel = replay_modes(sel)
        if only:
            trace = find_trace()
            if trace is None:
                raise SystemExit('bench: no trace found (%s)'
                                 % ', '.join(TRACE_CANDIDATES))
    if sel == 'replay':
        if len(sys.argv) != 3:
            raise SystemExit('usage: bench.py replay TRACE')
        trace = sys.argv[2]
        if not os.path.exists(trace):
            raise SystemExit('bench: %s: no such trace' % trace)
    elif sel:
        for run, flags, conf, what, other in plan(sel):
            boots.append((run, flags, kernel if conf == 'BENCH' else
                          build(conf), what, other))
        if sel == 'all':
            trace = find_trace()
            if trace is None:
                print('bench: no trace found (%s); replay rows skipped'
                      % ', '.join(TRACE_CANDIDATES))
    if trace is not None:
        boots += replay_boots(trace, only or None)
    rows, figures, order = {}, [], []
    samples, phases, peak_zones = {}, [], {}
    for run, flags, kern, what, other in boots:
        text = boot(kern, flags, what)
        parse(text, run, rows, figures, order, other)
        parse_replay(text, samples, phases)
        for line in text.split('\n'):
            m = ZONES.match(line)
            if m:
                peak_zones.setdefault(m.group(1), []).append(m.group(2))
    print('%-28s %12s %14s %14s %8s' % ('bench', 'insns/op', 'ops/s smp1',
                                        'ops/s smp2', 'scaling'))
    print('%-28s %12s %14s %14s %8s' % ('', '(icount)', '(MTTCG)',
                                        '(MTTCG)', ''))
    inboot = {f[1]: f[3] for f in figures
              if f[0] == 'mttcg2' and f[2] == 'scaling_permille'}
    for name in order:
        d = rows[name]
        ic = d.get('icount', {}).get('tsc')
        o1 = d.get('mttcg1', {}).get('ops')
        o2 = d.get('mttcg2', {}).get('ops')
        n2 = d.get('mttcg2', {}).get('ncpu', 1)
        scale = '%.2fx' % (o2 / o1) if o1 and o2 and n2 > 1 else '-'
        if name in inboot:
            # BENCH_SCALING: the ratio measured within the mttcg2 boot.
            scale = '%.2fx*' % (inboot[name] / 1000)
        print('%-28s %12s %14s %14s %8s' % (
            name, '%.1f' % ic if ic is not None else '-',
            o1 if o1 is not None else '-', o2 if o2 is not None else '-',
            scale))
    if inboot:
        print('* scaling from 1 CPU to 2 measured within the mttcg2 boot')
    for func, size, count in fast_path_atomics(kernel):
        figures.append(('static', func, 'atomic_insns_of_%d' % size, count))
    figures += derived(rows, figures)
    if figures:
        print()
        print('%-8s %-28s %-28s %12s' % ('run', 'bench', 'figure', 'value'))
        for f in figures:
            if f[0] in ('icount', 'static') or f[2] in SCALING_FIGURES:
                print('%-8s %-28s %-28s %12s' % f)
    summary(rows, figures)
    stamp = time.strftime('%Y%m%d-%H%M%S')
    path = write_csv(OUT, stamp, rows, figures, order)
    print('\nsaved %s (and latest.csv)' % os.path.relpath(path, TOP))
    if samples:
        replay_note(rows, figures, trace)
        svg = os.path.join(OUT, 'replay-%s.svg' % stamp)
        with open(svg, 'w', newline='') as f:
            f.write(replay_svg(samples, phases, os.path.basename(trace)))
        shutil.copyfile(svg, os.path.join(OUT, 'replay-latest.svg'))
        with open(os.path.join(OUT, 'replay-%s-zones.txt' % stamp), 'w',
                  newline='') as f:
            for mode, lines in peak_zones.items():
                f.write('# vmstat -z at the peak event, mode %s\n' % mode)
                f.write('\n'.join(lines) + '\n')
        print('saved %s (and replay-latest.svg)' % os.path.relpath(svg, TOP))


SCALING_FIGURES = ('scaling_permille', 'ceiling_scaling_permille',
                   'paired_permille_of_ceiling', 'ops_per_s_1cpu',
                   'uma_scaling_pct_of_ceiling')


def summary(rows, figures):
    """Issue 11's two computed figures, with what they come from."""
    fig = {(f[1], f[2]): f[3] for f in figures}
    v = fig.get((SCALING_BENCH, 'uma_scaling_pct_of_ceiling'))
    if v is not None:
        print('\numa_scaling_pct_of_ceiling %.1f: warm zone pairs scale '
              '%.3fx from 1 to 2 CPUs in one boot, the per-CPU counter '
              '%.3fx (medians of the runs; mttcg2: %s)' % (
                  v, fig[(SCALING_BENCH, 'scaling_permille')] / 1000,
                  fig[(SCALING_BENCH, 'ceiling_scaling_permille')] / 1000,
                  ' '.join(RUNS[2][1])))
    v = fig.get((IDLE_BENCH, 'memguard_idle_overhead_pct'))
    if v is not None:
        d = rows[IDLE_BENCH]
        print('memguard_idle_overhead_pct %+.1f: %s %.2f insns on '
              'BENCH_MEMGUARD, %.2f on BENCH (icount: %s)' % (
                  v, IDLE_BENCH, d['icount_memguard']['tsc'],
                  d['icount']['tsc'], ' '.join(RUNS[0][1])))


def parse(text, run, rows, figures, order, other_run=None):
    """Add one boot's BENCH lines (console text, LF ends) to the tables.
    With other_run, benches outside EXTRA_KERNELS' prefixes are filed
    under other_run (the extra kernel's rows of ordinary benches)."""
    prefixes = tuple(e[1] for e in EXTRA_KERNELS)
    for line in text.split('\n'):
        m = LINE.match(line)
        if m:
            name = m.group(1)
            if name not in rows:
                rows[name] = {}
                order.append(name)
            where = run if other_run is None or \
                name.startswith(prefixes) else other_run
            rows[name][where] = {'iters': int(m.group(2)),
                               'ncpu': int(m.group(3)),
                               'tsc': float(m.group(4)),
                               'ns': int(m.group(5)),
                               'ops': int(m.group(6))}
        m = FIGURE.match(line)
        if m:
            where = run if other_run is None or \
                m.group(1).startswith(prefixes) else other_run
            fig = (where, m.group(1), m.group(2), int(m.group(3)))
            # Each bench runs several times: keep the last figure.
            figures[:] = [f for f in figures if f[:3] != fig[:3]]
            figures.append(fig)


def parse_replay(text, samples, phases):
    """The replay's footprint samples {mode: [(event, live, handed,
    pages)]} and phase markers [(event, name)] from one boot's text."""
    for line in text.split('\n'):
        m = SAMPLE.match(line)
        if m:
            samples.setdefault(m.group(1), []).append(
                tuple(int(m.group(i)) for i in range(2, 6)))
        m = PHASE.match(line)
        if m and (int(m.group(2)), m.group(1)) not in phases:
            phases.append((int(m.group(2)), m.group(1)))


# The Linux 6.1 replay of the public trace (traces README), for the note.
LINUX = {'replay_malloc': (326.4, 1353), 'replay_zones': (290.8, 1054)}


def replay_note(rows, figures, trace):
    """The closing note: per mode, instructions and footprints."""
    fig = {(f[1], f[2]): f[3] for f in figures}
    print('\nreplay of %s' % trace)
    print('%-16s %10s %10s %10s %10s %10s %8s %10s' % (
        'mode', 'insn/event', 'insn/alloc', 'insn/free', 'fp_peak',
        'fp_end', 'reclaim', 'ns/event'))
    print('(insn/event: the timed pass, the events alone; insn/alloc and '
          'insn/free: the proof pass, the calls alone between clock '
          'reads; footprints: the proof pass)')
    for name in ('replay_malloc', 'replay_zones', 'replay_memguard',
                 'replay_memguard_zones', 'replay_smp2'):
        if name not in rows:
            continue
        ic = rows[name].get('icount', {}).get('tsc')
        ns = rows[name].get('mttcg2', rows[name].get('icount', {})).get('ns')
        print('%-16s %10s %10s %10s %10s %10s %8s %10s' % (
            name[7:16 + 7], '%.1f' % ic if ic is not None else '-',
            fig.get((name, 'insns_per_alloc'), '-') if ic is not None
            else '-',
            fig.get((name, 'insns_per_free'), '-') if ic is not None
            else '-',
            '%.3f' % (fig[(name, 'footprint_peak_permille')] / 1000)
            if (name, 'footprint_peak_permille') in fig else '-',
            '%.3f' % (fig[(name, 'footprint_end_permille')] / 1000)
            if (name, 'footprint_end_permille') in fig else '-',
            fig.get((name, 'reclaim_pages'), '-'),
            ns if ns is not None else '-'))
    for name, (insns, fp) in LINUX.items():
        if name in rows and 'linux-public' in trace:
            print('Linux 6.1 %s: %.1f insns/event (ours %.1f), footprint '
                  '%.3f (ours %.3f)' % (
                      name[7:], insns, rows[name]['icount']['tsc'],
                      fp / 1000,
                      fig.get((name, 'footprint_peak_permille'), 0) / 1000))


def replay_svg(samples, phases, title):
    """Hand-written SVG: per mode, live requested bytes, bytes in items
    handed out and pages held over the events, with the phase markers."""
    width, height, left, top, gap = 900, 220, 70, 50, 50
    order = ('malloc', 'zones', 'memguard', 'memguard_zones', 'smp2')
    modes = [m for m in order if m in samples] + \
        [m for m in samples if m not in order]
    total = top + len(modes) * (height + gap) + 20
    series = [('live requested', 1, '#1f77b4'),
              ('in items handed out', 2, '#2ca02c'),
              ('pages held', 3, '#d62728')]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (width + left + 20,
                                                         total),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="14">Footprint over the replay of '
           '%s (MB above the start)</text>' % (left, esc(title))]
    for k, mode in enumerate(modes):
        pts = sorted(samples[mode])
        y0 = top + k * (height + gap)
        xmax = max(p[0] for p in pts) or 1
        vals = [(p[0], p[1], p[2], p[3] * 4096) for p in pts]
        ymax = max(max(v[1], v[2], v[3]) for v in vals) or 1
        ymax_mb = ymax / 1e6

        def xy(ev, val):
            return (left + width * ev / xmax,
                    y0 + height - height * val / ymax)
        out.append('<text x="%d" y="%d" font-size="12">%s</text>'
                   % (left, y0 - 6, esc(mode)))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
                   'stroke="#888"/>' % (left, y0, width, height))
        for i in range(5):
            yv = ymax_mb * i / 4
            y = y0 + height - height * i / 4
            out.append('<text x="%d" y="%.1f" text-anchor="end">%.1f</text>'
                       % (left - 4, y + 4, yv))
        for ev, name in phases:
            if ev > xmax:
                continue
            x = left + width * ev / xmax
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" '
                       'stroke="#bbb" stroke-dasharray="3,3"/>'
                       % (x, y0, x, y0 + height))
            out.append('<text x="%.1f" y="%d" font-size="9" fill="#666" '
                       'transform="rotate(-90 %.1f %d)">%s</text>'
                       % (x + 3, y0 + height - 4, x + 3, y0 + height - 4,
                          esc(name)))
        for label, idx, color in series:
            path = ' '.join('%.1f,%.1f' % xy(v[0], v[idx]) for v in vals)
            out.append('<polyline fill="none" stroke="%s" stroke-width="1.5"'
                       ' points="%s"/>' % (color, path))
        for j, (label, idx, color) in enumerate(series):
            x = left + width - 170
            y = y0 + 14 + 14 * j
            out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" '
                       'stroke-width="2"/>' % (x, y - 4, x + 18, y - 4,
                                                color))
            out.append('<text x="%d" y="%d">%s</text>' % (x + 22, y,
                                                          esc(label)))
        out.append('<text x="%d" y="%d" text-anchor="end">event %d</text>'
                   % (left + width, y0 + height + 14, xmax))
    out.append('</svg>')
    return '\n'.join(out) + '\n'


def esc(text):
    return (text.replace('&', '&amp;').replace('<', '&lt;')
            .replace('>', '&gt;'))


def write_csv(outdir, stamp, rows, figures, order):
    """Write outdir/bench-STAMP.csv (LF line ends only) and latest.csv as
    a byte-for-byte copy of it; return the dated file's path."""
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, 'bench-%s.csv' % stamp)
    with open(path, 'w', newline='') as f:
        f.write('# make bench, %s; QEMU %s\n' % (stamp, ' '.join(QEMU)))
        for run, flags in RUNS:
            f.write('# run %s: %s\n' % (run, ' '.join(flags)))
        for conf, _, _, run, _ in EXTRA_KERNELS:
            f.write('# run %s: %s, %s kernel\n' % (run, ' '.join(RUNS[0][1]),
                                                  conf))
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['bench', 'run', 'iters', 'ncpu', 'tsc_per_op',
                    'ns_per_op', 'ops_per_s'])
        for name in order:
            for run in RUN_NAMES:
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
    # Replay lines: samples, phases, and an SVG that parses as XML.
    raw = (b'REPLAY phase name=boot_done event=3\r\n'
           b'REPLAY sample mode=zones event=0 live=8 handed=16 pages=1\r\n'
           b'REPLAY sample mode=zones event=5 live=4096 handed=4096 '
           b'pages=2\r\n')
    samples, phases = {}, []
    parse_replay(console_text(raw), samples, phases)
    if samples != {'zones': [(0, 8, 16, 1), (5, 4096, 4096, 2)]} or \
            phases != [(3, 'boot_done')]:
        errors.append('replay parse: %r %r' % (samples, phases))
    errors += selftest_issue11()
    try:
        import xml.etree.ElementTree as ET
        root = ET.fromstring(replay_svg(samples, phases, 'a<b'))
        lines = [e for e in root.iter() if e.tag.endswith('polyline')]
        if len(lines) != 3:
            errors.append('SVG has %d series, want 3' % len(lines))
    except ET.ParseError as e:
        errors.append('SVG does not parse: %s' % e)
    return errors

def selftest_issue11():
    """The boot plan of mixed selections, the BENCH_MEMGUARD kernel's rows
    kept apart, and the two computed figures, from canned console output
    (CR LF).  No boot."""
    errors = []
    mg = 'memguard_pair_guarded'
    got = plan('uma_scaling,%s' % mg)
    want = [(r, f, 'BENCH', 'uma_scaling,malloc_pair_64', None)
            for r, f in RUNS] + \
        [('icount', RUNS[0][1], 'BENCH_MEMGUARD', mg + ',malloc_pair_64',
          'icount_memguard')]
    if got != want:
        errors.append('plan of a mixed selection: %r' % got)
    got = plan(mg)
    if [(b[0], b[2], b[3]) for b in got] != [
            ('icount', 'BENCH', 'malloc_pair_64'),
            ('icount', 'BENCH_MEMGUARD', mg + ',malloc_pair_64')]:
        errors.append('plan of memguard names only: %r' % got)
    got = plan('uma_pair_warm')
    if [(b[0], b[2], b[3]) for b in got] != [
            (r, 'BENCH', 'uma_pair_warm') for r, _ in RUNS]:
        errors.append('plan without memguard names: %r' % got)
    if [b[2] for b in plan('all')] != ['BENCH'] * 3 + ['BENCH_MEMGUARD'] or \
            'malloc_pair_64' not in plan('all')[3][3]:
        errors.append('plan of all: %r' % plan('all'))

    def line(name, tsc):
        return ('BENCH name=%s iters=100000 ncpu=1 tsc_per_op=%s '
                'ns_per_op=60 ops_per_s=16000000\r\n' % (name, tsc)).encode()
    rows, figures, order = {}, [], []
    parse(console_text(line('malloc_pair_64', '64.00')), 'icount', rows,
          figures, order)
    parse(console_text(line('malloc_pair_64', '66.56') +
                       line(mg, '5000.00') +
                       b'BENCH name=memguard_pair_guarded figure=x value=7'
                       b'\r\n'), 'icount', rows, figures, order,
          'icount_memguard')
    parse(console_text(
        b'BENCH name=uma_scaling iters=4000000 ncpu=2 tsc_per_op=300.00 '
        b'ns_per_op=115 ops_per_s=17000000\r\n'
        b'BENCH name=uma_scaling figure=ops_per_s_1cpu value=9000000\r\n'
        b'BENCH name=uma_scaling figure=scaling_permille value=1710\r\n'
        b'BENCH name=uma_scaling figure=ceiling_scaling_permille '
        b'value=1800\r\n'
        b'BENCH name=uma_scaling figure=paired_permille_of_ceiling '
        b'value=937\r\n'
        b'BENCH scaling name=uma_scaling ncpu=2 ratio=1.710 ceiling=1.800 '
        b'(pcpu_counter_scaling) pct_of_ceiling=95.0\r\n'), 'mttcg2', rows,
        figures, order)
    if rows.get('malloc_pair_64', {}).get('icount', {}).get('tsc') != 64.0 \
            or rows['malloc_pair_64'].get('icount_memguard', {}).get(
                'tsc') != 66.56 or \
            rows.get(mg, {}).get('icount', {}).get('tsc') != 5000.0 or \
            ('icount', mg, 'x', 7) not in figures:
        errors.append('BENCH_MEMGUARD rows not kept apart: %r %r'
                      % (rows, figures))
    got = derived(rows, figures)
    want = [('mttcg2', 'uma_scaling', 'uma_scaling_pct_of_ceiling', 93.7),
            ('icount', 'malloc_pair_64', 'memguard_idle_overhead_pct', 4.0)]
    if got != want:
        errors.append('derived figures: %r, want %r' % (got, want))
    # Without the paired figure: the quotient of the median ratios.
    unpaired = [f for f in figures if f[2] != 'paired_permille_of_ceiling']
    if derived({}, unpaired) != [('mttcg2', 'uma_scaling',
                                  'uma_scaling_pct_of_ceiling', 95.0)]:
        errors.append('derived figure without the paired one: %r'
                      % derived({}, unpaired))
    # A figure is computed only from the runs it names.
    figures2 = [('mttcg1', 'uma_scaling', 'scaling_permille', 1000),
                ('mttcg1', 'uma_scaling', 'ceiling_scaling_permille', 1000)]
    if derived({'malloc_pair_64': {'icount': rows['malloc_pair_64'][
            'icount']}}, figures2) != []:
        errors.append('derived figures from the wrong runs')
    with tempfile.TemporaryDirectory() as d:
        path = write_csv(d, '19700101-000000', rows, figures + got, order)
        with open(path, 'rb') as f:
            data = f.read()
    for want in (b'malloc_pair_64,icount_memguard,100000,1,66.56,60,'
                 b'16000000\n',
                 b'mttcg2,uma_scaling,uma_scaling_pct_of_ceiling,93.7\n',
                 b'icount,malloc_pair_64,memguard_idle_overhead_pct,4.0\n'):
        if want not in data:
            errors.append('CSV lacks %r' % want)
    return errors


if __name__ == '__main__':
    sys.exit(main())
