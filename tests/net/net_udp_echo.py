#!/usr/bin/env python3
"""End-to-end UDP echo through a real NIC: one boot, the host as the client.

The kernel boots to its shell with a virtio-net NIC on QEMU's user
networking, host UDP 127.0.0.1:PORT forwarded to the guest's port 7 (PORT
a free one, picked per boot).  Then, from the host:

  1. the NIC is up (netstat -i shows vtnet0 and the address row);
  2. a first datagram is echoed (QEMU's gateway ARPs for us first);
  3. netstat -m's mbufs and clusters in use are the baseline;
  4. tools/udpecho.py sends 10,000 datagrams of sizes 1..1472 and checks
     every byte of every reply: no corruption, no loss;
  5. netstat -s agrees: every datagram delivered and answered, no header,
     length or checksum errors;
  6. the nmbclusters flood: kern.ipc.nmbclusters is lowered to a few
     clusters above those in use and a burst arrives faster than replies
     drain: the receive side runs out (the limit warning is printed,
     packets are dropped), nothing panics, and after the limit is restored
     echoes work again;
  7. netstat -m is back at the baseline (within the receive ring's refill).

Run alone (`python3 tests/net/net_udp_echo.py [--config TEST]`) it builds the
kernel and prints one line per check; tests/harness.py runs it as suite
"net_udp_echo" (run(kernel_of) -> [Result]).

Python 3 standard library only.
"""
import argparse
import os
import re
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'tests'))
sys.path.insert(0, os.path.join(TOP, 'tools'))
import harness              # noqa: E402  Boot, Result, split_at_prompts
import udpecho              # noqa: E402

NAME = 'net_udp_echo'
COUNT = 10000
SIZES = '1-1472'


def free_udp_port():
    """A UDP port free on 127.0.0.1 now (QEMU binds it a moment later)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


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


def counter(text, pattern):
    """The number before pattern on a netstat -s line, or None."""
    m = re.search(r'^\t(\d+) ' + pattern + '$', text or '', re.M)
    return int(m.group(1)) if m else None


def run(kernel_of, conf='TEST', log=print):
    R = harness.Result
    results = []

    def check(ok, what, detail=''):
        results.append(R('%s/%s: %s' % (conf, NAME, what),
                         'PASS' if ok else 'FAIL',
                         '' if ok else '    ' + detail))
        return ok

    port = free_udp_port()
    flags = ('-netdev user,id=net0,hostfwd=udp:127.0.0.1:%d-:7 '
             '-device virtio-net-pci,netdev=net0' % port)
    boot = harness.Boot(kernel_of(conf), 2, '256M', '', 150,
                        'net-%s-%s' % (conf, NAME), flags)
    boot.start()
    con = Console(boot)
    try:
        if not check(con.wait_prompt(), 'boot to the shell',
                     'no prompt\n' + harness.tail(boot.text())):
            return results
        out = con.cmd('netstat -i')
        if not check(out is not None and re.search(
                r'^vtnet0 +1500 <Link#\d+> +([0-9a-f]{2}:){5}[0-9a-f]{2} ',
                out, re.M) and re.search(
                r'^vtnet0 +- 10\.0\.2\.0/24 +10\.0\.2\.15 ', out, re.M),
                'netstat -i shows vtnet0 and 10.0.2.15',
                'got:\n' + harness.tail(out or boot.text())):
            return results
        # The first datagram waits for QEMU's ARP; retry until one is back.
        for _ in range(10):
            st = udpecho.run('127.0.0.1', port, [32], 1, timeout=1.0)
            if st.received == 1:
                break
        if not check(st.received == 1, 'a first datagram is echoed',
                     st.line()):
            return results
        base = mbufs_in_use(con.cmd('netstat -m'))
        udp0 = con.cmd('netstat -s -p udp')
        check(base is not None, 'netstat -m baseline', repr(base))
        t0 = time.monotonic()
        st = udpecho.run('127.0.0.1', port, udpecho.parse_sizes(SIZES),
                         COUNT, window=32, timeout=3.0)
        log('%s: %s (%.1f s)' % (NAME, st.line(), time.monotonic() - t0))
        status, why = udpecho.verdict(st, 0.0)
        check(status == 0 and st.sent == COUNT and st.received == COUNT,
              '%d datagrams of %s bytes, every reply checked (%.0f '
              'packets/s)' % (COUNT, SIZES, st.pps()),
              '%s: %s' % (st.line(), why))
        udp1 = con.cmd('netstat -s -p udp')
        ip1 = con.cmd('netstat -s -p ip')
        got = {k: (counter(udp1, p) or 0) - (counter(udp0, p) or 0)
               for k, p in (('in', r'datagrams? received'),
                            ('out', r'datagrams? output'),
                            ('badsum', 'with bad checksum'),
                            ('badlen', 'with bad data length field'),
                            ('noport', 'dropped due to no socket'))}
        check(got['in'] >= st.received and got['out'] >= st.received and
              got['badsum'] == 0 and got['badlen'] == 0,
              'netstat -s: every datagram received and sent, no errors',
              '%r\n%s' % (got, udp1))
        check(counter(ip1, 'bad header checksums') == 0 and
              counter(ip1, 'with data size < data length') == 0,
              'netstat -s: no IP header errors', ip1 or '')
        flood(con, port, check, log)
        # Back to the baseline: transmit completions may lag a moment.
        now = None
        for _ in range(20):
            now = mbufs_in_use(con.cmd('netstat -m'))
            if now == base:
                break
            time.sleep(0.25)
        check(base is not None and now == base,
              'netstat -m back to the baseline (mbufs, clusters in use)',
              'baseline %r, now %r' % (base, now))
        con.cmd('netstat -i')
    finally:
        if boot.proc.poll() is None:
            boot.send('halt')
        boot.finish()
        panics = re.findall(r'^panic: .*$', boot.text(), re.M)
        check(not panics and not boot.hung and boot.status == 33,
              'clean halt', '%s %s\n%s' % (harness.status_word(boot),
                                           panics[:1], harness.tail(
                                               boot.text())))
    return results


def flood(con, port, check, log):
    """Exhaust kern.ipc.nmbclusters with a burst; the stack must recover."""
    out = con.cmd('sysctl kern.ipc.nmbclusters')
    m = re.search(r'kern\.ipc\.nmbclusters: (\d+)', out or '')
    used = mbufs_in_use(con.cmd('netstat -m'))
    if not check(m is not None and used is not None,
                 'flood: limit and clusters in use read', out or ''):
        return
    orig = int(m.group(1))
    low = used[1] + 8
    out = con.cmd('sysctl kern.ipc.nmbclusters=%d' % low)
    if not check(out is not None and '-> %d' % low in out,
                 'flood: kern.ipc.nmbclusters lowered to %d' % low,
                 out or ''):
        return
    st = udpecho.run('127.0.0.1', port, [1472], 3000, window=512,
                     timeout=2.0)
    log('%s: flood at nmbclusters=%d: %s' % (NAME, low, st.line()))
    text = con.boot.text()
    check(st.corrupt == 0, 'flood: no corrupt reply', st.line())
    check('kern.ipc.nmbclusters limit reached' in text,
          'flood: the limit warning is printed',
          harness.tail(text, 10))
    out = con.cmd('sysctl kern.ipc.nmbclusters=%d' % orig)
    check(out is not None and '-> %d' % orig in out,
          'flood: the limit restored', out or '')
    time.sleep(0.5)
    st = udpecho.run('127.0.0.1', port, udpecho.parse_sizes('1-1472'), 500,
                     window=16, timeout=3.0)
    check(st.received == 500 and st.corrupt == 0,
          'flood: echo works again after it', st.line())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
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


if __name__ == '__main__':
    sys.exit(main())
