#!/usr/bin/env python3
"""The test harness behind `make test`.

It builds the test kernels, asks each for its list of in-kernel test cases
(ktest.list=1), then boots QEMU once per (suite, config, CPU count) as
tests/plan.txt says, once per death test, and once per shell transcript in
tests/shell/*.txt.  It prints one line per test result and closes with
`N passed, N failed` (and `, N skipped`); it exits non-zero on any
failure, hang, crash or missing result.  Console logs go to
build/test-logs/.

Python 3 standard library only.
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGDIR = os.path.join(TOP, 'build', 'test-logs')

EXIT_OK, EXIT_FAIL, EXIT_PANIC = 33, 35, 37
DEFAULTS = {'configs': 'TEST,TEST_DEBUG', 'smp': '2', 'mem': '256M',
            'timeout': '120', 'tunables': ''}
QEMU_BASE = ['qemu-system-x86_64', '-M', 'pc', '-nodefaults', '-display',
             'none', '-serial', 'stdio', '-no-reboot', '-device',
             'isa-debug-exit,iobase=0xf4,iosize=0x04']
PROMPT = '# '
# How a transcript ends the lines it types (header key eol=).
EOLS = {'cr': '\r', 'lf': '\n', 'crlf': '\r\n'}


class Result:
    def __init__(self, name, status, detail=''):
        self.name = name
        self.status = status        # PASS, FAIL, SKIP
        self.detail = detail


def parse_kv(text):
    """key=value words (shell quoting allowed) into a dict."""
    out = {}
    for word in shlex.split(text):
        if '=' not in word:
            raise ValueError('expected key=value, got %r' % word)
        k, v = word.split('=', 1)
        out[k] = v
    return out


def read_plan(path):
    plan = {}
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            suite, _, rest = line.partition(' ')
            try:
                plan.setdefault(suite, []).append(parse_kv(rest))
            except ValueError as e:
                raise SystemExit('%s:%d: %s' % (path, lineno, e))
    return plan


def tcg_flags(opts):
    """QEMU's TCG for the plan or transcript key tcg=: single (the
    default) runs every vCPU of a boot in turns on one host thread, so
    that `make test -j N` keeps N host CPUs busy and no vCPU spins for a
    shootdown's answer while another boot holds the host CPU its peer
    needs (memguard_maps went from 9 s alone to 63 s beside another
    multi-threaded boot); multi (MTTCG, a host thread per vCPU) is for
    the suites that are about CPUs running at the same instant."""
    mode = opts.get('tcg', 'single')
    if mode not in ('single', 'multi'):
        raise SystemExit('harness: tcg=%s: want single or multi' % mode)
    return ['-accel', 'tcg,thread=' + mode]


def initrd_flags(words):
    """QEMU flags with each "-initrd X.trace[.gz]" (relative to the top of
    the tree) converted by tools/trace2bin.py to build/replay/X.bin."""
    out = list(words)
    for i in range(len(out) - 1):
        if out[i] != '-initrd':
            continue
        path = out[i + 1]
        if not os.path.isabs(path):
            path = os.path.join(TOP, path)
        base = os.path.basename(path)
        if base.endswith('.gz'):
            base = base[:-3]
        if base.endswith('.trace'):
            image = os.path.join(TOP, 'build', 'replay', base[:-6] + '.bin')
            os.makedirs(os.path.dirname(image), exist_ok=True)
            subprocess.run([sys.executable, os.path.join(
                TOP, 'tools', 'trace2bin.py'), path, image], check=True,
                stdout=subprocess.DEVNULL)
            path = image
        out[i + 1] = path
    return out


def parse_size(text):
    """'64M' -> bytes (K, M, G suffixes)."""
    m = re.fullmatch(r'(\d+)([KMG]?)', text.strip().upper())
    if not m:
        raise SystemExit('harness: bad size %r (want e.g. 64M)' % text)
    return int(m.group(1)) << {'': 0, 'K': 10, 'M': 20, 'G': 30}[m.group(2)]


def device_flags(opts, name):
    """QEMU flags for the plan or transcript keys disk= and net=.

    disk=SIZE: a fresh zeroed (sparse) image build/test-disks/NAME.img on
    virtio-blk-pci, as `make run` attaches build/swap.img; disk=swap:
    twice the boot's mem (make run's default SWAP).  diskerr=SECTOR (with
    disk=): QEMU's blkdebug fails with EIO every read and write touching
    that 512-byte sector, once the disk has seen its first write (that is
    when blkdebug arms its rules).
    net=user: virtio-net-pci on QEMU's user networking (slirp: the guest
    is 10.0.2.15, the gateway 10.0.2.2 answers ARP and ping).
    net=socket: virtio-net-pci on a UDP socket netdev whose other end is
    tools/framepeer.py (started with the boot, stopped after it), which
    echoes and makes raw Ethernet frames on request.
    Returns (QEMU flags, host commands to run beside QEMU).
    """
    out, helpers = [], []
    if opts.get('disk'):
        image = os.path.join(TOP, 'build', 'test-disks', name + '.img')
        os.makedirs(os.path.dirname(image), exist_ok=True)
        if opts['disk'] == 'swap':
            mem = opts.get('mem', '256M')
            size = 2 * parse_size(mem + ('M' if mem.isdigit() else ''))
        else:
            size = parse_size(opts['disk'])
        with open(image, 'wb') as f:
            f.truncate(size)
        if opts.get('diskerr'):
            conf = image[:-4] + '.blkdebug'
            with open(conf, 'w') as f:
                for iotype in ('write', 'read'):
                    f.write('[inject-error]\nevent = "pwritev"\n'
                            'iotype = "%s"\nerrno = "5"\nsector = "%d"\n'
                            % (iotype, int(opts['diskerr'])))
            image = 'blkdebug:%s:%s' % (conf, image)
        out += ['-drive', 'file=%s,if=none,id=swap0,format=raw' % image,
                '-device', 'virtio-blk-pci,drive=swap0']
    net = opts.get('net')
    if net == 'user':
        out += ['-netdev', 'user,id=net0',
                '-device', 'virtio-net-pci,netdev=net0']
    elif net == 'socket':
        host, guest = free_udp_port(), free_udp_port()
        out += ['-netdev', 'socket,id=net0,udp=127.0.0.1:%d,'
                'localaddr=127.0.0.1:%d' % (host, guest),
                '-device', 'virtio-net-pci,netdev=net0']
        helpers.append([sys.executable, os.path.join(TOP, 'tools',
                                                     'framepeer.py'),
                        '--listen', str(host), '--peer', str(guest)])
    elif net:
        raise SystemExit('harness: net=%s: net=user or net=socket' % net)
    return out, helpers


def free_udp_port():
    """A UDP port on 127.0.0.1 free at the time of asking."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Boot:
    """One QEMU run with the serial console on a pipe."""

    def __init__(self, kernel, smp, mem, tunables, timeout, log_name,
                 qemuflags='', eol='\r', devices=None):
        devflags, self.helper_cmds = device_flags(devices or {}, log_name)
        self.helpers = []
        self.cmd = QEMU_BASE + tcg_flags(devices or {}) + \
            initrd_flags(shlex.split(qemuflags)) + devflags + [
            '-smp', str(smp), '-m', mem, '-kernel', kernel, '-append',
            tunables]
        self.timeout = float(timeout)
        self.log_path = os.path.join(LOGDIR, log_name + '.log')
        self.out = []
        self.lock = threading.Condition()
        self.status = None
        self.hung = False
        self.eol = eol

    def start(self):
        for cmd in self.helper_cmds:
            self.helpers.append(subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                start_new_session=True))
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.deadline = time.monotonic() + self.timeout
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                break
            with self.lock:
                self.out.append(chunk.decode('utf-8', 'replace')
                                .replace('\r', ''))
                self.lock.notify_all()
        with self.lock:
            self.lock.notify_all()

    def text(self):
        with self.lock:
            return ''.join(self.out)

    def wait_for(self, pred):
        """Wait until pred(text) is true, QEMU exits or the deadline passes."""
        with self.lock:
            while True:
                text = ''.join(self.out)
                if pred(text):
                    return True
                if self.proc.poll() is not None and not self.reader.is_alive():
                    return pred(''.join(self.out))
                left = self.deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(min(left, 0.2))

    def send(self, line):
        try:
            self.proc.stdin.write((line + self.eol).encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def finish(self):
        left = max(0.0, self.deadline - time.monotonic())
        try:
            self.status = self.proc.wait(timeout=left)
        except subprocess.TimeoutExpired:
            self.hung = True
            self.kill()
        self.reader.join(timeout=5)
        for h in self.helpers:
            h.kill()
            h.wait()
        os.makedirs(LOGDIR, exist_ok=True)
        with open(self.log_path, 'w') as f:
            f.write('# %s\n' % ' '.join(shlex.quote(c) for c in self.cmd))
            f.write(self.text())
            f.write('\n# exit status %s%s\n' % (self.status,
                                                ' (killed: timeout)'
                                                if self.hung else ''))
        return self.status

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def run(self):
        self.start()
        self.wait_for(lambda t: False)
        return self.finish()


def tail(text, n=20):
    lines = text.rstrip('\n').split('\n')
    return '\n'.join('    | ' + l for l in lines[-n:])


def status_word(boot):
    if boot.hung:
        return 'hang (timeout %ds)' % boot.timeout
    return {EXIT_OK: 'exit ok', EXIT_FAIL: 'tests failed',
            EXIT_PANIC: 'panic'}.get(boot.status,
                                     'unexpected exit status %s' % boot.status)


# KTAP parsing, shared with --selftest.
KTAP_LINE = re.compile(r'^(ok|not ok) (\d+) (\S+?)(?: # (SKIP)\b ?(.*))?$')


def parse_ktap(text, expected, label, status, hung):
    """Results for the expected cases from one boot's console text."""
    results = []
    seen = {}
    diag = {}
    current = None
    for line in text.split('\n'):
        m = KTAP_LINE.match(line)
        if m:
            seen[m.group(3)] = (m.group(1), m.group(4), m.group(5) or '')
            current = None
            continue
        m = re.match(r'^# running (\S+)$', line)
        if m:
            current = m.group(1)
            continue
        if line.startswith('# ') and current is not None:
            diag.setdefault(current, []).append(line)
    shown_tail = False
    for case in expected:
        name = '%s %s' % (label, case)
        if case in seen:
            verdict, skip, why = seen[case]
            if verdict == 'ok' and skip:
                results.append(Result(name, 'SKIP', why))
            elif verdict == 'ok':
                results.append(Result(name, 'PASS'))
            else:
                results.append(Result(name, 'FAIL',
                                      '\n'.join('    ' + d for d in
                                                diag.get(case, []))))
        else:
            why = 'no result (%s)' % ('hang' if hung else
                                      'boot ended: status %s' % status)
            if current == case:
                why += '; it was running'
            results.append(Result(name, 'FAIL', '    ' + why + (
                '' if shown_tail else '\n' + tail(text))))
            shown_tail = True
    if not hung and status != EXIT_OK and all(
            r.status != 'FAIL' for r in results):
        results.append(Result(label + ' (boot)', 'FAIL',
                              '    unexpected exit status %s\n%s'
                              % (status, tail(text))))
    return results


def check_death(text, expect, status, hung, name):
    panics = re.findall(r'^panic: (.*)$', text, re.M)
    # A death test may skip itself (KT_SKIP) where its check is compiled
    # out, e.g. without INVARIANTS: it then exits cleanly with a SKIP line.
    skip = re.search(r'^ok \d+ \S+ # SKIP\b ?(.*)$', text, re.M)
    if skip and not hung and status == EXIT_OK and not panics:
        return Result(name, 'SKIP', skip.group(1))
    if hung:
        return Result(name, 'FAIL', '    hang, expected a panic\n' +
                      tail(text))
    if status != EXIT_PANIC or not panics:
        return Result(name, 'FAIL', '    expected a panic with "%s", got '
                      'status %s\n%s' % (expect, status, tail(text)))
    if not any(expect in p for p in panics) and expect not in text:
        return Result(name, 'FAIL', '    panic message "%s" lacks "%s"'
                      % (panics[0], expect))
    return Result(name, 'PASS')


class Harness:
    def __init__(self, args):
        self.args = args
        self.results = []
        self.lock = threading.Lock()
        self.start = time.monotonic()

    def kernel(self, conf):
        return os.path.join(TOP, 'build', conf, 'kernel')

    def build(self, conf):
        cmd = ['make', '-s', '--no-print-directory', '-j%d' % self.args.jobs,
               'KERNCONF=' + conf, 'kernel']
        if self.args.extra:
            cmd.append('KTEST_EXTRA=' + ' '.join(self.args.extra))
        p = subprocess.run(cmd, cwd=TOP, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            lines = [l for l in p.stdout.split('\n')
                     if not l.startswith(('  CC ', '  AS ', '  LD '))]
            print('harness: building kernel %s failed:\n%s' % (
                conf, '\n'.join(lines[-30:])))
            return False
        return True

    def report(self, results):
        with self.lock:
            for r in results:
                self.results.append(r)
                print('%-5s %s' % (r.status, r.name))
                if r.status != 'PASS' and r.detail:
                    print(r.detail)
            sys.stdout.flush()

    def list_cases(self, conf):
        boot = Boot(self.kernel(conf), 1, '128M', 'ktest.list=1', 60,
                    'list-' + conf)
        boot.run()
        cases = []
        for line in boot.text().split('\n'):
            m = re.match(r'^KTEST (\S+) (\S+) (\S.*?) (\S+:\d+)$', line)
            if m:
                death = None if m.group(3) == '-' else m.group(3)
                cases.append((m.group(1), m.group(2), death))
        if boot.status != EXIT_OK:
            self.report([Result('list %s' % conf, 'FAIL',
                                '    %s\n%s' % (status_word(boot),
                                                tail(boot.text())))])
        return cases

    def suite_job(self, conf, suite, cases, smp, opts):
        label = '%s/smp%s' % (conf, smp)
        log = '%s-smp%s-%s' % (conf, smp, suite)
        tun = 'ktest.run=%s %s' % (suite,
                                   opts['tunables'].replace('{smp}', smp))
        boot = Boot(self.kernel(conf), smp, opts['mem'], tun.strip(),
                    opts['timeout'], log, opts.get('qemuflags', ''),
                    devices=opts)
        boot.run()
        expected = ['%s:%s' % (suite, c) for c in cases]
        self.report(parse_ktap(boot.text(), expected, label, boot.status,
                               boot.hung))

    def death_job(self, conf, suite, case, text, opts):
        name = '%s/death %s:%s' % (conf, suite, case)
        tun = 'ktest.run=%s:%s %s' % (suite, case, opts['tunables'])
        boot = Boot(self.kernel(conf), opts['smp'].split(',')[0],
                    opts['mem'], tun.strip(), opts['timeout'],
                    '%s-death-%s-%s' % (conf, suite, case),
                    opts.get('qemuflags', ''), devices=opts)
        boot.run()
        self.report([check_death(boot.text(), text, boot.status, boot.hung,
                                 name)])

    def transcript_job(self, path):
        self.report(run_transcript(path, self.kernel))

    def host_job(self, name, path):
        """A host-side test (tests/net/NAME.py): its run(kernel_of) boots
        the TEST kernel and drives it from the host."""
        import importlib.util
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        self.report(mod.run(self.kernel, 'TEST', log=lambda s: None))

    def nopanic_job(self, conf, name, opts):
        """A plan line "@name": boot every suite with the line's tunables;
        tests may fail, but the kernel must neither panic nor hang."""
        label = '%s/%s (all suites, no panic)' % (conf, name)
        tun = 'ktest.run=all%s %s' % (''.join(
            ',-' + x for x in opts.get('exclude', '').split(',') if x),
            opts['tunables'])
        boot = Boot(self.kernel(conf), opts['smp'].split(',')[0],
                    opts['mem'], tun.strip(), opts['timeout'],
                    '%s-%s' % (conf, name), devices=opts)
        boot.run()
        panics = re.findall(r'^panic: (.*)$', boot.text(), re.M)
        if boot.hung or panics or boot.status not in (EXIT_OK, EXIT_FAIL):
            self.report([Result(label, 'FAIL', '    %s%s\n%s' % (
                status_word(boot), ': ' + panics[0] if panics else '',
                tail(boot.text())))])
        else:
            self.report([Result(label, 'PASS')])

    def run(self):
        a = self.args
        errors = check_args(a, known_suites(a.extra), known_configs())
        if errors:
            for e in errors:
                print('harness: %s' % e, file=sys.stderr)
            return 2
        plan = read_plan(os.path.join(TOP, 'tests', 'plan.txt'))
        transcripts = sorted(
            os.path.join(TOP, 'tests', 'shell', f)
            for f in os.listdir(os.path.join(TOP, 'tests', 'shell'))
            if f.endswith('.txt')) if os.path.isdir(
                os.path.join(TOP, 'tests', 'shell')) else []
        if a.suite:
            transcripts = [t for t in transcripts
                           if os.path.basename(t)[:-4] in a.suite]
        # Only the configs the selected suites boot.
        if a.suite:
            ksuites = kernel_suites(a.extra)
            selected = [x for x in a.suite if x in plan or x in ksuites]
        else:
            selected = list(plan) + ['']    # '': suites not in the plan
        configs = set()
        for suite in selected:
            for e in plan.get(suite, [{}]):
                configs.update(e.get('configs', DEFAULTS['configs'])
                               .split(','))
        for t in transcripts:
            configs.add(transcript_header(t).get('config', 'TEST'))
        hosts = {n: p for n, p in host_tests().items()
                 if not a.suite or n in a.suite}
        if hosts:
            configs.add('TEST')
        configs.discard('')
        if a.config:
            configs &= set(a.config)
        if configs:
            print('harness: building %s' % ', '.join(sorted(configs)))
            sys.stdout.flush()
        built = {c for c in sorted(configs) if self.build(c)}
        if built != configs:
            for c in configs - built:
                self.report([Result('build %s' % c, 'FAIL')])
        listing = {}
        for c in sorted(built):
            listing[c] = self.list_cases(c)

        jobs = []
        for conf in sorted(built):
            suites = {}
            for suite, case, death in listing.get(conf, []):
                suites.setdefault(suite, []).append((case, death))
            for suite, cases in sorted(suites.items()):
                if a.suite and suite not in a.suite:
                    continue
                entries = plan.get(suite, [{}])
                for entry in entries:
                    opts = dict(DEFAULTS)
                    opts.update(entry)
                    if conf not in opts['configs'].split(','):
                        continue
                    normal = [c for c, d in cases if d is None]
                    if normal:
                        for smp in opts['smp'].split(','):
                            jobs.append((self.suite_job, conf, suite,
                                         normal, smp, opts))
                    for c, d in cases:
                        if d is not None and entry is entries[0]:
                            jobs.append((self.death_job, conf, suite, c, d,
                                         opts))
        for name, entries in sorted(plan.items()):
            if not name.startswith('@') or (a.suite and name not in a.suite):
                continue
            for entry in entries:
                opts = dict(DEFAULTS)
                opts.update(entry)
                for conf in opts['configs'].split(','):
                    if conf in built:
                        jobs.append((self.nopanic_job, conf, name[1:], opts))
        for t in transcripts:
            if transcript_header(t).get('config', 'TEST') in built:
                jobs.append((self.transcript_job, t))
        for n, p in sorted(hosts.items()):
            if 'TEST' in built:
                jobs.append((self.host_job, n, p))
        if not jobs and built == configs:
            print('harness: nothing to run: no boot of suite %s under '
                  'config %s (see tests/plan.txt)' % (
                      ','.join(a.suite or ['(all)']),
                      ','.join(a.config or ['(all)'])), file=sys.stderr)
            return 1
        if a.list:
            for j in jobs:
                print(' '.join(str(x) for x in j[1:5]))
            return 0
        times = []

        def timed(job):
            t0 = time.monotonic()
            job[0](*job[1:])
            times.append((time.monotonic() - t0, ' '.join(
                str(x) for x in job[1:3] if not isinstance(x, list)) +
                (' smp%s' % job[4] if job[0] == self.suite_job else '')))

        jobs.sort(key=job_estimate, reverse=True)
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            futures = [pool.submit(timed, j) for j in jobs]
            for f in futures:
                f.result()
        passed = sum(r.status == 'PASS' for r in self.results)
        failed = sum(r.status == 'FAIL' for r in self.results)
        skipped = sum(r.status == 'SKIP' for r in self.results)
        print('harness: %d boots in %.0f s' % (len(jobs) + len(built),
                                              time.monotonic() - self.start))
        os.makedirs(LOGDIR, exist_ok=True)
        with open(os.path.join(LOGDIR, 'times.txt'), 'w') as f:
            for t, n in sorted(times, reverse=True):
                f.write('%6.1f %s\n' % (t, n))
        if len(times) > 10:
            print('harness: slowest: ' + ', '.join(
                '%s %.0f s' % (n, t) for t, n in sorted(times)[-5:][::-1]))
        line = '%d passed, %d failed' % (passed, failed)
        if skipped:
            line += ', %d skipped' % skipped
        print(line)
        return 1 if failed or passed == 0 else 0


def job_estimate(job):
    """The longest boots start first, so that none is left running alone
    at the end: a suite's plan timeout (the long ones name theirs) is its
    estimate; death tests and transcripts are short."""
    opts = job[-1] if isinstance(job[-1], dict) else {}
    t = int(opts.get('timeout', DEFAULTS['timeout']))
    return t if job[0].__name__ in ('suite_job', 'nopanic_job') else 0


def kernel_suites(extra=()):
    """The in-kernel suites: KTEST cases in tests/kern and --extra dirs."""
    names = set()
    dirs = [os.path.join(TOP, 'tests', 'kern')] + [
        os.path.join(TOP, d) for d in extra or []]
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for f in os.listdir(d):
            if f.endswith('.c'):
                with open(os.path.join(d, f), errors='replace') as fh:
                    names.update(re.findall(
                        r'^KTEST(?:_DEATH)?\(\s*(\w+)\s*,', fh.read(),
                        re.M))
    return names


def host_tests():
    """Host-side tests: tests/net/NAME.py, each a suite named NAME."""
    d = os.path.join(TOP, 'tests', 'net')
    if not os.path.isdir(d):
        return {}
    return {f[:-3]: os.path.join(d, f) for f in sorted(os.listdir(d))
            if f.endswith('.py') and not f.startswith('_')}


def known_suites(extra=()):
    """Every name --suite accepts: in-kernel suites, plan lines ("@name"
    too) and transcripts (tests/shell/NAME.txt)."""
    names = kernel_suites(extra)
    names.update(read_plan(os.path.join(TOP, 'tests', 'plan.txt')))
    shell = os.path.join(TOP, 'tests', 'shell')
    if os.path.isdir(shell):
        names.update(f[:-4] for f in os.listdir(shell) if f.endswith('.txt'))
    names.update(host_tests())
    return names


def known_configs():
    confdir = os.path.join(TOP, 'sys', 'amd64', 'conf')
    return {f for f in os.listdir(confdir)
            if os.path.isfile(os.path.join(confdir, f))}


def check_args(a, suites, configs):
    """Errors in the command line, each a sentence, before anything runs."""
    errors = []
    for d in a.extra or []:
        path = os.path.join(TOP, d)     # relative to the top, as make does
        if not os.path.isdir(path):
            errors.append('--extra %s: no such directory' % d)
        elif not any(f.endswith('.c') for f in os.listdir(path)):
            errors.append('--extra %s: no .c files in it' % d)
    for s in a.suite or []:
        if s not in suites:
            errors.append('--suite %s: unknown suite; valid suites: %s'
                          % (s, ' '.join(sorted(suites))))
    for c in a.config or []:
        if c not in configs:
            errors.append('--config %s: unknown kernel config (no '
                          'sys/amd64/conf/%s); valid configs: %s'
                          % (c, c, ' '.join(sorted(configs))))
    return errors


def transcript_header(path):
    opts = {}
    with open(path) as f:
        for line in f:
            if line.startswith('#!'):
                opts.update(parse_kv(line[2:]))
    return opts


def parse_transcript(path):
    """[(command or None for the boot, [(kind, text)])]"""
    blocks = [(None, [])]
    with open(path) as f:
        for raw in f:
            line = raw.rstrip('\n')
            if line.startswith('#') or not line.strip():
                continue
            kind, text = line[0], line[2:] if len(line) > 1 else ''
            if kind == '>':
                blocks.append((text, []))
            elif kind in '=~!':
                blocks[-1][1].append((kind, text))
            else:
                raise SystemExit('%s: bad line %r' % (path, line))
    return blocks


def check_block(output, expects):
    """Failure messages for one block's expectations."""
    lines = output.split('\n')
    bad = []
    for kind, text in expects:
        if kind == '=':
            if text not in (l.rstrip() for l in lines):
                bad.append('missing line: %s' % text)
        elif kind == '~':
            if not any(re.search(text, l) for l in lines):
                bad.append('no line matches /%s/' % text)
        elif kind == '!':
            hits = [l for l in lines if re.search(text, l)]
            if hits:
                bad.append('line should not match /%s/: %s' % (text,
                                                               hits[0]))
    return bad


def split_at_prompts(text):
    """Text between prompts: [boot output, after 1st prompt, ...]."""
    return re.split(r'(?:^|\n)(?:' + re.escape(PROMPT) + '|db> )', text)


def run_transcript(path, kernel_of):
    hdr = transcript_header(path)
    name = os.path.basename(path)[:-4]
    conf = hdr.get('config', 'TEST')
    boot = Boot(kernel_of(conf), hdr.get('smp', '2'), hdr.get('mem', '256M'),
                hdr.get('tunables', ''), hdr.get('timeout', '60'),
                'shell-' + name, hdr.get('qemuflags', ''),
                EOLS[hdr.get('eol', 'cr')], devices=hdr)
    blocks = parse_transcript(path)
    boot.start()
    results = []
    nprompts = 1
    for i, (cmd, expects) in enumerate(blocks):
        got_prompt = boot.wait_for(
            lambda t: len(split_at_prompts(t)) > nprompts)
        parts = split_at_prompts(boot.text())
        label = 'shell/%s: %s' % (name, cmd if cmd is not None else '(boot)')
        if cmd is None:
            output = parts[0]
        else:
            # Drop the echoed command line.
            output = parts[nprompts - 1].split('\n', 1)
            output = output[1] if len(output) > 1 else ''
        if not got_prompt and cmd is None:
            boot.kill()
            results.append(Result(label, 'FAIL', '    no prompt (%s)\n%s' % (
                'timeout' if time.monotonic() > boot.deadline else
                'exited', tail(boot.text()))))
            break
        if i > 0 or cmd is not None:
            pass
        bad = check_block(output, expects)
        results.append(Result(label, 'FAIL' if bad else 'PASS',
                              '\n'.join('    ' + b for b in bad) +
                              ('\n' + tail(output, 15) if bad else '')))
        if i + 1 < len(blocks):
            boot.send(blocks[i + 1][0])
            nprompts += 1
            if not got_prompt:
                break
    else:
        pass
    # Evaluate the block whose command ended the run (panic, halt).
    if boot.proc.poll() is None:
        boot.send('halt')
    boot.finish()
    if 'status' in hdr and boot.status != int(hdr['status']):
        results.append(Result('shell/%s: (exit status)' % name, 'FAIL',
                              '    QEMU exit status %s, expected %s%s'
                              % (boot.status, hdr['status'],
                                 ' (killed: timeout)' if boot.hung else '')))
    return results


def selftest():
    """The harness must report failures: feed it canned broken runs."""
    counts = [0, 0]

    def expect(cond, what):
        print('%-5s selftest: %s' % ('PASS' if cond else 'FAIL', what))
        counts[0 if cond else 1] += 1

    text = ('KTAP version 1\n1..3\n# running s:a\nok 1 s:a\n# running s:b\n'
            '# x.c:3: FAIL: 1 == 2\nnot ok 2 s:b\n# running s:c\n')
    r = parse_ktap(text, ['s:a', 's:b', 's:c'], 'T', EXIT_FAIL, False)
    expect([x.status for x in r] == ['PASS', 'FAIL', 'FAIL'],
           'a failing and a missing case are failures')
    expect('x.c:3' in r[1].detail, 'the failure diagnostic is shown')
    r = parse_ktap('ok 1 s:a\n', ['s:a'], 'T', None, True)
    expect([x.status for x in r] == ['PASS'], 'a reported case survives a '
           'later hang')
    r = parse_ktap('# running s:a\n', ['s:a'], 'T', None, True)
    expect(r[0].status == 'FAIL' and 'hang' in r[0].detail,
           'a hang mid-case is a failure naming the hang')
    r = parse_ktap('ok 1 s:a\n', ['s:a'], 'T', 0, False)
    expect(any(x.status == 'FAIL' for x in r),
           'a triple fault (status 0) after all cases is a failure')
    r = parse_ktap('ok 1 s:a # SKIP no SMP\n', ['s:a'], 'T', EXIT_OK, False)
    expect(r[0].status == 'SKIP', 'skips are reported as skips')
    d = check_death('panic: other message\n', 'expected', EXIT_PANIC, False,
                    'd')
    expect(d.status == 'FAIL', 'a death test with the wrong panic fails')
    d = check_death('all fine\n', 'expected', EXIT_OK, False, 'd')
    expect(d.status == 'FAIL', 'a death test that does not panic fails')
    d = check_death('panic: the expected one\n', 'expected', EXIT_PANIC,
                    False, 'd')
    expect(d.status == 'PASS', 'a death test with the right panic passes')
    d = check_death('ok 1 s:d # SKIP needs INVARIANTS\n', 'expected',
                    EXIT_OK, False, 'd')
    expect(d.status == 'SKIP', 'a death test that skips itself is skipped')
    d = check_death('ok 1 s:d # SKIP x\n', 'expected', EXIT_FAIL, False,
                    'd')
    expect(d.status == 'FAIL', 'a skipping death test that fails the boot '
           'fails')
    bad = check_block('a\nb: 2\n', [('=', 'b: 2'), ('~', r'^a$'),
                                   ('!', 'b')])
    expect(len(bad) == 1, 'a transcript block with a forbidden line fails')
    bad = check_block('x\n', [('=', 'y')])
    expect(len(bad) == 1, 'a transcript block missing a line fails')
    # Bad command lines are refused before anything is built or booted.
    bad = argparse.Namespace(suite=['sysctl', 'nope'], config=['NOPE'],
                             extra=['/nonexistent'])
    errs = check_args(bad, {'sysctl', 'vmstat'}, {'TEST'})
    expect(len(errs) == 3, 'an unknown suite, config and --extra directory '
           'are three errors')
    expect(any('--suite nope' in e and 'sysctl vmstat' in e for e in errs),
           'an unknown suite is named with the valid ones listed')
    expect(any('--config NOPE' in e and 'TEST' in e for e in errs),
           'an unknown config is named with the valid ones listed')
    expect(any('/nonexistent' in e for e in errs),
           'a missing --extra directory is an error')
    good = argparse.Namespace(suite=['sysctl'], config=['TEST'], extra=None)
    expect(check_args(good, {'sysctl'}, {'TEST'}) == [],
           'known suites and configs are accepted')
    expect({'sysctl', 'commands', '@malloc_failures'} <= known_suites() and
           'nope' not in known_suites(), 'the valid suites come from '
           'tests/kern, tests/plan.txt and tests/shell')
    expect({'TEST', 'GENERIC'} <= known_configs(), 'the valid configs come '
           'from sys/amd64/conf')
    # Device keys: sizes, the images made, the QEMU flags, refusals.
    expect(parse_size('64M') == 64 << 20 and parse_size('3k') == 3 << 10,
           'disk sizes take K/M/G suffixes')
    flags, helpers = device_flags({'disk': 'swap', 'mem': '128M',
                                   'diskerr': '7'}, 'selftest-disk')
    image = os.path.join(TOP, 'build', 'test-disks', 'selftest-disk.img')
    expect(os.path.getsize(image) == 256 << 20 and not helpers and
           'virtio-blk-pci,drive=swap0' in flags and
           any(f.startswith('file=blkdebug:') for f in flags),
           'disk=swap is twice mem, diskerr puts blkdebug in front')
    os.unlink(image)
    os.unlink(image[:-4] + '.blkdebug')
    flags, helpers = device_flags({'net': 'socket'}, 'selftest-net')
    expect(len(helpers) == 1 and 'framepeer.py' in helpers[0][1] and
           'virtio-net-pci,netdev=net0' in flags,
           'net=socket starts tools/framepeer.py beside QEMU')
    for bad in ({'net': 'tap'}, {'disk': '12Q'}):
        try:
            device_flags(bad, 'selftest-bad')
            refused = False
        except SystemExit:
            refused = True
        expect(refused, 'bad device key %s refused' % bad)
    # The bench CSV (tests/bench.py), from canned console output.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench
    errs = bench.selftest()
    expect(not errs, 'bench: CSV lines end in LF and latest.csv is a byte '
           'copy%s' % (': ' + '; '.join(errs) if errs else ''))
    # The replay's trace converter: good and malformed traces.
    sys.path.insert(0, os.path.join(TOP, 'tools'))
    import trace2bin
    errs = trace2bin.selftest()
    expect(not errs, 'trace2bin: malformed traces refused with their line '
           'numbers%s' % (': ' + '; '.join(errs) if errs else ''))
    # The UDP echo client against echo servers of its own.
    import udpecho
    errs = udpecho.selftest()
    expect(not errs, 'udpecho: replies checked, loss and corruption '
           'counted%s' % (': ' + '; '.join(errs) if errs else ''))
    print('%d passed, %d failed' % tuple(counts))
    return 0 if counts[1] == 0 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2)
    p.add_argument('--suite', action='append',
                   help='only this suite or transcript (repeatable)')
    p.add_argument('--config', action='append',
                   help='only this kernel config (repeatable)')
    p.add_argument('--list', action='store_true', help='list the boots')
    p.add_argument('--extra', action='append',
                   help='compile DIR/*.c into the test kernels')
    p.add_argument('--selftest', action='store_true')
    a = p.parse_args()
    if a.selftest:
        return selftest()
    return Harness(a).run()


if __name__ == '__main__':
    sys.exit(main())
