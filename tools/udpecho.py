#!/usr/bin/env python3
"""udpecho.py: a UDP echo client that checks every byte of every reply.

The host end of the kernel's UDP echo (port 7, reached through `make
run`'s forward 127.0.0.1:ECHO_PORT, default 7777).  It sends --count
datagrams whose sizes cycle through --sizes, keeps at most --window of
them in flight (1: one at a time), at most --rate a second (0: as fast as
the window allows), and matches each reply to a datagram sent by its
exact bytes (every datagram's bytes are a pattern of its sequence number,
which its first 4 bytes carry when it has room).  A reply that matches
nothing outstanding is bad; a datagram without a reply after --timeout
seconds is lost.  The last line is

  udpecho: sent N, received N, lost N (P%), bad N; R packets/s, B bytes/s

and the exit status is 0 only if nothing was bad and the loss was at most
--max-loss percent.  --selftest checks the tool against echo servers of
its own (one good, one that corrupts, one that drops).

Python 3 standard library only.
"""
import argparse
import socket
import struct
import sys
import threading
import time


_BASE = bytes((i * 7 + (i >> 8)) & 0xff for i in range(65536))
_SHIFT = [bytes((b + k) & 0xff for b in range(256)) for k in range(256)]


def payload(seq, size):
    """Datagram seq of size bytes: its sequence number, then a pattern."""
    body = _BASE[:size].translate(_SHIFT[seq * 131 & 0xff])
    if size < 4:
        return body
    return struct.pack('>I', seq & 0xffffffff) + body[4:]


def parse_sizes(text):
    """'1-1472', '64', '64,1472' or '1-8,1472' -> list of sizes."""
    out = []
    for part in text.split(','):
        lo, _, hi = part.partition('-')
        lo, hi = int(lo), int(hi or lo)
        if not 1 <= lo <= hi <= 65507:
            raise ValueError('size range %r not within 1..65507' % part)
        out.extend(range(lo, hi + 1))
    return out


def run(host, port, count, sizes, window=1, rate=0.0, timeout=1.0,
        out=sys.stdout):
    """Send and check; returns a dict of the counts."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((host, port))
    s.setblocking(False)
    pending = {}            # bytes -> [send times], oldest first
    inflight = 0
    sent = received = bad = lost = nbytes = 0
    start = time.monotonic()
    next_send = start
    seq = 0
    while seq < count or inflight > 0:
        now = time.monotonic()
        # Expire the oldest datagrams that waited too long.
        if inflight > 0:
            for key in list(pending):
                times = pending[key]
                while times and now - times[0] > timeout:
                    times.pop(0)
                    lost += 1
                    inflight -= 1
                if not times:
                    del pending[key]
        if seq < count and inflight < window and now >= next_send:
            data = payload(seq, sizes[seq % len(sizes)])
            try:
                s.send(data)
            except (BlockingIOError, ConnectionRefusedError):
                pass        # counted as lost if no reply comes
            pending.setdefault(data, []).append(now)
            inflight += 1
            sent += 1
            seq += 1
            if rate > 0:
                next_send = max(next_send + 1.0 / rate, now - 1.0)
            continue
        try:
            reply = s.recv(65536)
        except BlockingIOError:
            time.sleep(0.0002)
            continue
        except ConnectionRefusedError:
            continue
        times = pending.get(reply)
        if times:
            times.pop(0)
            if not times:
                del pending[reply]
            inflight -= 1
            received += 1
            nbytes += len(reply)
        else:
            bad += 1
    elapsed = max(time.monotonic() - start, 1e-9)
    res = {'sent': sent, 'received': received, 'lost': lost, 'bad': bad,
           'pps': received / elapsed, 'bps': nbytes / elapsed,
           'seconds': elapsed}
    print('udpecho: sent %d, received %d, lost %d (%.2f%%), bad %d; '
          '%.1f packets/s, %.0f bytes/s' % (
              sent, received, lost, 100.0 * lost / max(sent, 1), bad,
              res['pps'], res['bps']), file=out)
    return res


def echo_server(corrupt_every=0, drop_every=0):
    """A local echo server thread; returns (port, stop)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    s.settimeout(0.1)
    stop = threading.Event()

    def serve():
        n = 0
        while not stop.is_set():
            try:
                data, addr = s.recvfrom(65536)
            except socket.timeout:
                continue
            n += 1
            if drop_every and n % drop_every == 0:
                continue
            if corrupt_every and n % corrupt_every == 0:
                data = data[:-1] + bytes([data[-1] ^ 0x40])
            s.sendto(data, addr)
        s.close()

    threading.Thread(target=serve, daemon=True).start()
    return s.getsockname()[1], stop


def selftest():
    """Failures of the tool against its own servers, as strings."""
    errs = []

    class Null:
        def write(self, _):
            pass

    def check(what, cond):
        if not cond:
            errs.append(what)

    check('sizes parse', parse_sizes('1-3,1472') == [1, 2, 3, 1472])
    check('payloads differ by sequence',
          payload(1, 64) != payload(2, 64) and len(payload(5, 3)) == 3)
    for kw, want in (({}, (1000, 0, 0)), ({'corrupt_every': 100},
                                            (990, 0, 10)),
                     ({'drop_every': 50}, (980, 20, 0))):
        port, stop = echo_server(**kw)
        r = run('127.0.0.1', port, 1000, parse_sizes('1-1472'), window=8,
                timeout=0.5, out=Null())
        stop.set()
        got = (r['received'], r['lost'], r['bad'])
        # A corrupted reply leaves its datagram unanswered: lost too.
        if kw.get('corrupt_every'):
            want = (990, 10, 10)
        check('server %s: received/lost/bad %s, expected %s' % (kw, got,
                                                                 want),
              got == want)
    return errs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=7777)
    ap.add_argument('--count', type=int, default=1000)
    ap.add_argument('--sizes', default='1-1472',
                    help='sizes to cycle through: 64, 1-1472, 64,1472')
    ap.add_argument('--window', type=int, default=1,
                    help='datagrams in flight at most')
    ap.add_argument('--rate', type=float, default=0,
                    help='datagrams a second at most (0: no limit)')
    ap.add_argument('--timeout', type=float, default=2.0,
                    help='seconds before an unanswered datagram is lost')
    ap.add_argument('--max-loss', type=float, default=0.0,
                    help='percent of loss still counted as success')
    ap.add_argument('--selftest', action='store_true')
    a = ap.parse_args()
    if a.selftest:
        errs = selftest()
        for e in errs:
            print('udpecho selftest: FAIL: %s' % e)
        print('udpecho selftest: %s' % ('failed' if errs else 'passed'))
        return 1 if errs else 0
    try:
        sizes = parse_sizes(a.sizes)
    except ValueError as e:
        ap.error(str(e))
    if a.count < 1 or a.window < 1 or a.timeout <= 0 or a.rate < 0:
        ap.error('count and window must be 1 or more, timeout above 0, '
                 'rate 0 or more')
    r = run(a.host, a.port, a.count, sizes, a.window, a.rate, a.timeout)
    ok = r['bad'] == 0 and 100.0 * r['lost'] / r['sent'] <= a.max_loss
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
