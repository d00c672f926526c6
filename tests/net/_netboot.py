"""What the host-side tests (tests/net/net_*.py) share: a boot of the TEST
kernel with a NIC, its shell as a Console, results as harness Results,
netstat parsing, the clean-halt and netstat -m baseline checks, and the
command line for running one test alone.  Not a suite itself (the harness
skips files starting with "_")."""
import argparse
import os
import re
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'tests'))
import harness              # noqa: E402


free_udp_port = harness.free_udp_port    # QEMU binds it a moment later


class Console:
    """Commands typed into the kernel's shell over Boot's serial pipe."""

    def __init__(self, boot):
        self.boot = boot
        self.prompts = 1

    def wait_prompt(self):
        return self.boot.wait_for(
            lambda t: len(harness.split_at_prompts(t)) > self.prompts)

    def cmd(self, line):
        """The command's output (without its echo), or None on no prompt."""
        self.boot.send(line)
        self.prompts += 1
        if not self.wait_prompt():
            return None
        out = harness.split_at_prompts(self.boot.text())[self.prompts - 1]
        return out.split('\n', 1)[1] if '\n' in out else ''


def mbufs_in_use(text):
    """(mbufs, clusters) in use from netstat -m, or None."""
    m = re.search(r'^(\d+)/\d+/\d+ mbufs in use', text or '', re.M)
    c = re.search(r'^(\d+)/\d+/\d+/\d+ mbuf clusters in use', text or '',
                  re.M)
    return (int(m.group(1)), int(c.group(1))) if m and c else None


def clusters_total(text):
    """netstat -m's clusters current + cache (the zone's items), or None."""
    c = re.search(r'^\d+/\d+/(\d+)/\d+ mbuf clusters in use', text or '',
                  re.M)
    return int(c.group(1)) if c else None


def denied(text):
    """netstat -m's requests denied (mbufs, clusters, mbuf+clusters)."""
    c = re.search(r'^(\d+)/(\d+)/(\d+) requests for mbufs denied', text or '',
                  re.M)
    return tuple(int(x) for x in c.groups()) if c else None


def mbuf_requests(text):
    """vmstat -z's REQ summed over mbuf, mbuf_cluster and mbuf_packet:
    every mbuf or cluster allocation, or None."""
    reqs = re.findall(r'^(?:mbuf|mbuf_cluster|mbuf_packet): +\d+, +\d+, '
                      r'+\d+, +\d+, +(\d+),', text or '', re.M)
    return sum(int(r) for r in reqs) if len(reqs) == 3 else None


def sysctl_int(text, name):
    """The value of `sysctl name` (integer) in the shell's output, or
    None."""
    m = re.search(re.escape(name) + r': (\d+)', text or '')
    return int(m.group(1)) if m else None


def counter(text, pattern):
    """The number before pattern on a netstat -s line, or None."""
    m = re.search(r'^\t(\d+) ' + pattern + '$', text or '', re.M)
    return int(m.group(1)) if m else None


def ifrow(text, name='vtnet0'):
    """An interface's link-row counters from netstat -i, or None."""
    m = re.search(r'^' + name + r' +\d+ <Link#\d+> +(\S+) +(\d+) +(\d+) +'
                  r'(\d+) +(\d+) +(\d+)', text or '', re.M)
    if not m:
        return None
    return dict(zip(('lla', 'ipkts', 'ierrs', 'idrop', 'opkts', 'oerrs'),
                    [m.group(1)] + [int(x) for x in m.groups()[1:]]))


class NetBoot:
    """One boot with netflags (the NIC); check() records results."""

    def __init__(self, kernel_of, conf, name, netflags, timeout=150):
        self.conf, self.name = conf, name
        self.results = []
        self.boot = harness.Boot(kernel_of(conf), 2, '256M', '', timeout,
                                 'net-%s-%s' % (conf, name), netflags)
        self.boot.start()
        self.con = Console(self.boot)

    def check(self, ok, what, detail=''):
        self.results.append(harness.Result(
            '%s/%s: %s' % (self.conf, self.name, what),
            'PASS' if ok else 'FAIL', '' if ok else '    ' + str(detail)))
        return bool(ok)

    def up(self):
        """The shell answers and netstat -i shows vtnet0: its row."""
        if not self.check(self.con.wait_prompt(), 'boot to the shell',
                          harness.tail(self.boot.text())):
            return None
        out = self.con.cmd('netstat -i')
        row = ifrow(out)
        self.check(row is not None and re.search(
            r'^vtnet0 +- 10\.0\.2\.0/24 +10\.0\.2\.15 ', out, re.M),
            'netstat -i shows vtnet0 and 10.0.2.15',
            'got:\n' + harness.tail(out or self.boot.text()))
        return row

    def back_to_baseline(self, base):
        """netstat -m's in-use counts equal base (transmit completions may
        lag a moment)."""
        now = None
        for _ in range(20):
            now = mbufs_in_use(self.con.cmd('netstat -m'))
            if now == base:
                break
            time.sleep(0.25)
        self.check(base is not None and now == base,
                   'netstat -m back to the baseline (mbufs, clusters in use)',
                   'baseline %r, now %r' % (base, now))

    def finish(self):
        """Halt; the boot must end cleanly.  Returns the results."""
        b = self.boot
        if b.proc.poll() is None:
            b.send('halt')
        b.finish()
        panics = re.findall(r'^panic: .*$', b.text(), re.M)
        self.check(not panics and not b.hung and b.status == 33,
                   'clean halt', '%s %s\n%s' % (harness.status_word(b),
                                                panics[:1],
                                                harness.tail(b.text())))
        return self.results


def main(run, doc):
    """Run one host-side test alone: build the kernel, print the results."""
    ap = argparse.ArgumentParser(description=doc.split('\n')[0])
    ap.add_argument('--config', default='TEST')
    a = ap.parse_args()
    h = harness.Harness(argparse.Namespace(extra=None))
    if not h.build(a.config):
        return 1
    results = run(h.kernel, a.config)
    for r in results:
        print('%-5s %s' % (r.status, r.name))
        if r.status != 'PASS' and r.detail:
            print(r.detail)
    failed = sum(r.status == 'FAIL' for r in results)
    print('%d passed, %d failed' % (len(results) - failed, failed))
    return 1 if failed else 0
