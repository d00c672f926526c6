#!/usr/bin/env python3
"""udpecho.py: a UDP echo client that checks every byte of every reply.

The host-side client for the kernel's UDP echo service (port 7, reached
from the host through QEMU's user networking: `make run` forwards
127.0.0.1:ECHO_PORT, 7777 by default).  It sends COUNT datagrams whose
sizes cycle through SIZES, keeps at most WINDOW of them outstanding, paces
them to RATE per second if asked, and matches each reply to what was sent:

  payload   bytes 0..3 are the sequence number (little-endian, cut to the
            datagram's size), every later byte i is a function of the
            sequence number and i, so a reply carrying another datagram's
            bytes, a shifted or truncated one, is caught
  sent      datagrams sent
  received  replies identical to what was sent
  lost      sent and never answered (within TIMEOUT after the last send)
  corrupt   replies that match no outstanding datagram byte for byte
  duplicate replies to a datagram already answered

It prints one summary line with packets/s (answered datagrams over the
time from the first send to the last reply) and exits 1 on any corrupt
reply or when the loss is over --max-loss (a fraction, default 0), 2 on a
bad command line.  `--selftest` runs it against echo servers in this
process: a faithful one, one that drops, one that corrupts, one that
duplicates (make test runs it; selftest() returns the failures, for the
harness's selftest).  `make echo` runs it against `make run`'s forwarded
port.

Python 3 standard library only.
"""
import argparse
import select
import socket
import sys
import threading
import time

MAX_UDP = 65507


def parse_sizes(spec):
    """'1-1472', '64', '1,64,1472' or a mix ('1-3,100'): a list of sizes.
    Raises ValueError with a sentence for anything else."""
    sizes = []
    for part in spec.split(','):
        part = part.strip()
        lo, sep, hi = part.partition('-')
        try:
            a = int(lo)
            b = int(hi) if sep else a
        except ValueError:
            raise ValueError('bad size %r: expected N or N-M' % part)
        if a < 0 or b > MAX_UDP or a > b:
            raise ValueError('bad size range %r: need 0 <= N <= M <= %d'
                             % (part, MAX_UDP))
        sizes.extend(range(a, b + 1))
    if not sizes:
        raise ValueError('no sizes')
    return sizes


# payload(): byte i >= 4 is (base[i] + seq * 131) mod 256, made at C speed
# with bytes.translate and one of 256 byte-rotation tables.
_BASE = bytes((i * 7 + (i >> 8)) & 0xff for i in range(MAX_UDP + 1))
_ROT = [bytes((b + k) & 0xff for b in range(256)) for k in range(256)]


def payload(seq, size):
    """The datagram for sequence number seq and its size."""
    head = (seq & 0xffffffff).to_bytes(4, 'little')[:size]
    return head + _BASE[4:max(size, 4)].translate(_ROT[(seq * 131) & 0xff])


class Stats:
    def __init__(self):
        self.sent = 0
        self.received = 0
        self.corrupt = 0
        self.duplicate = 0
        self.lost = 0
        self.elapsed = 0.0
        self.first_bad = None       # a description of the first corrupt one

    def pps(self):
        return self.received / self.elapsed if self.elapsed > 0 else 0.0

    def loss(self):
        return self.lost / self.sent if self.sent else 0.0

    def line(self):
        return ('udpecho: sent %d, received %d, lost %d (%.2f%%), corrupt '
                '%d, duplicate %d, %.1f packets/s' % (
                    self.sent, self.received, self.lost, 100 * self.loss(),
                    self.corrupt, self.duplicate, self.pps()))


def run(host, port, sizes, count, rate=0.0, window=32, timeout=2.0,
        log=None):
    """Send count datagrams, check the replies; returns Stats.  A datagram
    unanswered for timeout seconds counts as lost (its window slot is
    freed); should its reply come later after all, it counts as received."""
    st = Stats()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    except OSError:
        pass
    sock.connect((host, port))
    sock.setblocking(False)
    waiting = {}            # seq -> time sent, oldest first
    by_key = {}             # (size, first 4 bytes) -> [seq, ...]
    lost = set()            # given up on (a late reply still counts)
    answered = set()
    start = time.monotonic()
    last_reply = start
    seq = 0

    def take(key, pool):
        for s in by_key.get(key, ()):
            if s in pool:
                by_key[key].remove(s)
                if not by_key[key]:
                    del by_key[key]
                return s
        return None

    def receive(wait):
        nonlocal last_reply
        r, _, _ = select.select([sock], [], [], max(wait, 0))
        if not r:
            return False
        while True:
            try:
                data = sock.recv(MAX_UDP + 1)
            except (BlockingIOError, InterruptedError):
                return True
            except ConnectionRefusedError:
                continue        # ICMP port unreachable: keep going
            last_reply = time.monotonic()
            key = (len(data), data[:4])
            s = take(key, waiting)
            if s is None:
                s = take(key, lost)
            if s is not None:
                waiting.pop(s, None)
                if s in lost:
                    lost.discard(s)
                    st.lost -= 1
                if data == payload(s, len(data)):
                    st.received += 1
                    answered.add(s)
                    continue
                note = 'seq %d size %d: bytes differ' % (s, len(data))
            elif len(data) >= 4 and int.from_bytes(data[:4], 'little') in \
                    answered and data == payload(int.from_bytes(
                        data[:4], 'little'), len(data)):
                st.duplicate += 1
                continue
            else:
                note = 'a %d-byte reply matching nothing sent' % len(data)
            st.corrupt += 1
            if st.first_bad is None:
                st.first_bad = note
            if log:
                log('udpecho: corrupt: %s' % note)

    def expire():
        now = time.monotonic()
        for s, t in list(waiting.items()):
            if now - t < timeout:
                break
            del waiting[s]
            lost.add(s)
            st.lost += 1

    while seq < count:
        expire()
        if len(waiting) >= window:
            receive(min(timeout, 0.05))
            continue
        if rate > 0:
            due = start + seq / rate
            now = time.monotonic()
            if due > now:
                receive(due - now)
                continue
        size = sizes[seq % len(sizes)]
        data = payload(seq, size)
        try:
            sock.send(data)
        except (BlockingIOError, InterruptedError):
            receive(0.01)
            continue
        except ConnectionRefusedError:
            continue
        waiting[seq] = time.monotonic()
        by_key.setdefault((size, data[:4]), []).append(seq)
        st.sent += 1
        seq += 1
        receive(0)
    while waiting:
        expire()
        receive(0.05)
    receive(0)              # late duplicates
    st.elapsed = max(last_reply - start, 1e-9)
    sock.close()
    return st


def verdict(st, max_loss):
    """Exit status and the reason for a failure."""
    if st.corrupt:
        return 1, 'FAIL: %d corrupt repl%s (first: %s)' % (
            st.corrupt, 'y' if st.corrupt == 1 else 'ies', st.first_bad)
    if st.sent == 0:
        return 1, 'FAIL: nothing was sent'
    if st.loss() > max_loss:
        return 1, 'FAIL: loss %.2f%% is over --max-loss %.2f%%' % (
            100 * st.loss(), 100 * max_loss)
    return 0, 'ok'


# Self-test: echo servers in threads on 127.0.0.1.

class EchoServer:
    """A UDP echo server; mangle(n, data) returns the replies to send for
    the n-th datagram (a list)."""

    def __init__(self, mangle=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.mangle = mangle or (lambda n, d: [d])
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        n = 0
        while not self.stop:
            try:
                data, addr = self.sock.recvfrom(MAX_UDP + 1)
            except socket.timeout:
                continue
            except OSError:
                return
            for reply in self.mangle(n, data):
                self.sock.sendto(reply, addr)
            n += 1

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def selftest(verbose=False):
    """The failures (a list of sentences, empty when all is well); verbose
    prints a PASS or FAIL line for each check."""
    counts = [0, 0]
    failures = []

    def expect(cond, what):
        if verbose:
            print('%-5s udpecho selftest: %s' % ('PASS' if cond else 'FAIL',
                                                 what))
        counts[0 if cond else 1] += 1
        if not cond:
            failures.append(what)

    def with_server(mangle, **kw):
        srv = EchoServer(mangle)
        try:
            return run('127.0.0.1', srv.port, timeout=0.5, **kw)
        finally:
            srv.close()

    expect(parse_sizes('1-4,10') == [1, 2, 3, 4, 10], 'sizes: a range and '
           'a list')
    for bad in ('5-1', 'x', '', '1-', '-3', '70000', '1,,2'):
        try:
            parse_sizes(bad)
            expect(False, 'sizes: %r refused' % bad)
        except ValueError:
            expect(True, 'sizes: %r refused' % bad)
    p = [payload(s, 1472) for s in range(3)]
    expect(len(set(p)) == 3 and len(payload(7, 1)) == 1 and
           payload(7, 0) == b'', 'payloads differ by sequence number and '
           'have their size')

    st = with_server(None, sizes=parse_sizes('0-1472'), count=3000)
    expect(st.sent == 3000 and st.received == 3000 and st.lost == 0 and
           st.corrupt == 0 and verdict(st, 0)[0] == 0,
           'a faithful server: all 3000 back, sizes 0..1472 (%s)' % st.line())
    st = with_server(None, sizes=[64], count=200, rate=2000.0)
    expect(st.received == 200 and st.elapsed >= 0.09,
           'rate 2000/s paces 200 datagrams over ~0.1 s (%.3f s)'
           % st.elapsed)

    def drop(n, d):
        return [] if n % 10 == 3 else [d]
    st = with_server(drop, sizes=parse_sizes('1-100'), count=500)
    expect(st.lost == 50 and st.received == 450 and st.corrupt == 0,
           'a server dropping 1 in 10: 50 lost (%s)' % st.line())
    expect(verdict(st, 0.0)[0] == 1 and verdict(st, 0.11)[0] == 0,
           'loss over --max-loss fails, under it passes')

    def corrupt(n, d):
        if n == 77 and len(d) > 10:
            d = d[:10] + bytes([d[10] ^ 1]) + d[11:]
        if n == 78:
            d = d[:-1]
        return [d]
    st = with_server(corrupt, sizes=parse_sizes('20-40'), count=200)
    expect(st.corrupt == 2 and verdict(st, 1.0)[0] == 1,
           'a flipped bit and a truncated reply are corrupt, and fail '
           'even with --max-loss 1 (%s)' % st.line())

    def dup(n, d):
        return [d, d] if n % 50 == 0 else [d]
    st = with_server(dup, sizes=[100], count=200)
    expect(st.duplicate == 4 and st.received == 200 and st.corrupt == 0,
           'duplicated replies are counted apart (%s)' % st.line())

    def swap(n, d):
        return [payload(int.from_bytes(d[:4], 'little') + 1000, len(d))]
    st = with_server(swap, sizes=[64], count=8, window=8)
    expect(st.corrupt == 8 and st.received == 0,
           "another datagram's bytes are corrupt (%s)" % st.line())

    srv = EchoServer(lambda n, d: [])
    st = run('127.0.0.1', srv.port, [10], 16, window=8, timeout=0.3)
    srv.close()
    expect(st.received == 0 and st.lost == st.sent and st.sent >= 8 and
           verdict(st, 0.5)[0] == 1,
           'a silent server: everything sent is lost (%s)' % st.line())
    if verbose:
        print('%d passed, %d failed' % tuple(counts))
    return failures


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='UDP echo client: checks every byte of every reply.')
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=7777)
    ap.add_argument('-n', '--count', type=int, default=1000,
                    help='datagrams to send (default 1000)')
    ap.add_argument('-s', '--sizes', default='1-1472',
                    help='payload sizes, cycled: N, N-M, or a comma list '
                    '(default 1-1472)')
    ap.add_argument('-r', '--rate', type=float, default=0.0,
                    help='datagrams per second (default 0: as fast as the '
                    'window allows)')
    ap.add_argument('-w', '--window', type=int, default=32,
                    help='datagrams outstanding at most (default 32)')
    ap.add_argument('-t', '--timeout', type=float, default=2.0,
                    help='seconds to wait for a reply before counting the '
                    'rest lost (default 2)')
    ap.add_argument('--max-loss', type=float, default=0.0,
                    help='fraction of datagrams that may be lost '
                    '(default 0)')
    ap.add_argument('-v', '--verbose', action='store_true',
                    help='name every corrupt reply')
    ap.add_argument('--selftest', action='store_true')
    a = ap.parse_args(argv)
    if a.selftest:
        return 1 if selftest(verbose=True) else 0
    try:
        sizes = parse_sizes(a.sizes)
    except ValueError as e:
        ap.error('--sizes: %s' % e)
    if a.count <= 0 or a.window <= 0 or a.timeout <= 0 or a.rate < 0 or \
            not 0 <= a.max_loss <= 1 or not 0 < a.port < 65536:
        ap.error('--count, --window and --timeout must be positive, --rate '
                 '0 or more, --max-loss within 0..1, --port 1..65535')
    st = run(a.host, a.port, sizes, a.count, a.rate, a.window, a.timeout,
             log=print if a.verbose else None)
    status, why = verdict(st, a.max_loss)
    print(st.line())
    if status:
        print('udpecho: %s' % why)
    return status


if __name__ == '__main__':
    sys.exit(main())
