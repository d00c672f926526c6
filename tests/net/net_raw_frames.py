#!/usr/bin/env python3
"""Raw Ethernet frames from the host to the kernel's NIC: one boot.

QEMU's socket backend (-netdev socket,udp=...,localaddr=...) carries each
Ethernet frame of the guest's virtio-net NIC as one UDP datagram on
127.0.0.1, so this program is the other station on the wire and writes
whole frames itself (two free ports, picked per boot).  It checks:

  - ARP: a request for 10.0.2.15 is answered with the right fields;
  - ICMP echo (0, 56 and 1472 bytes of data): the reply's addresses,
    identifier, sequence, data and both checksums;
  - UDP echo: addresses and ports swapped, data the same, checksum right;
  - malformed frames (runt, oversized, bad IP checksum, bad header length,
    truncated, UDP length past the packet, bad UDP checksum, fragment, bad
    ICMP checksum): no answer to any, and netstat -s / netstat -i count
    each under its reason;
  - netstat -m back to the baseline taken before the frames.

Run alone: `python3 tests/net/net_raw_frames.py [--config TEST]`; the
harness runs it as suite net_raw_frames.  Python 3 standard library only.
"""
import os
import re
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _netboot as nb       # noqa: E402

NAME = 'net_raw_frames'
MYMAC = bytes.fromhex('020000000099')
MYIP = bytes([10, 0, 2, 2])
GUESTIP = bytes([10, 0, 2, 15])
BCAST = b'\xff' * 6


def cksum(data):
    """The Internet checksum (complemented), big-endian words."""
    if len(data) & 1:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ether(dst, typ, payload):
    return dst + MYMAC + struct.pack('!H', typ) + payload


def arp_request(target):
    return ether(BCAST, 0x0806, struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) +
                 MYMAC + MYIP + b'\0' * 6 + target)


def ipv4(proto, payload, src=MYIP, dst=GUESTIP, hl=5, total=None, off=0,
         badsum=False):
    hdr = struct.pack('!BBHHHBBH4s4s', 0x40 | hl, 0,
                      total if total is not None else hl * 4 + len(payload),
                      0x4321, off, 64, proto, 0, src, dst)
    hdr += b'\0' * (hl * 4 - 20)
    s = cksum(hdr) ^ (0x0101 if badsum else 0)
    return hdr[:10] + struct.pack('!H', s) + hdr[12:] + payload


def udp(sport, dport, data, ulen=None, badsum=False, src=MYIP,
        dst=GUESTIP):
    n = 8 + len(data)
    u = struct.pack('!HHHH', sport, dport, ulen or n, 0) + data
    s = cksum(src + dst + struct.pack('!BBH', 0, 17, n) + u) or 0xffff
    return u[:6] + struct.pack('!H', s ^ (0x5a5a if badsum else 0)) + u[8:]


def icmp_echo(ident, seq, data, badsum=False):
    m = struct.pack('!BBHHH', 8, 0, 0, ident, seq) + data
    s = cksum(m) ^ (0x00ff if badsum else 0)
    return m[:2] + struct.pack('!H', s) + m[4:]


def data_of(n, seed):
    return bytes((i * 7 + seed * 13) & 0xff for i in range(n))


class Wire:
    """Our end of QEMU's socket netdev."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.port = self.sock.getsockname()[1]
        self.qemu_port = nb.free_udp_port()

    def send(self, frame):
        self.sock.sendto(frame, ('127.0.0.1', self.qemu_port))

    def recv(self, timeout, pred=lambda f: True):
        """The next frame pred accepts within timeout, or None; frames
        it does not accept (the guest's own ARP requests) are skipped."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                f = self.sock.recv(65536)
                if pred(f):
                    return f

    def drain(self):
        while self.recv(0.05) is not None:
            pass


def for_us(f):
    return f[:6] == MYMAC


def run(kernel_of, conf='TEST', log=print):
    wire = Wire()
    t = nb.NetBoot(kernel_of, conf, NAME,
                   '-netdev socket,id=net0,udp=127.0.0.1:%d,localaddr='
                   '127.0.0.1:%d -device virtio-net-pci,netdev=net0'
                   % (wire.port, wire.qemu_port))
    check, con = t.check, t.con
    try:
        row = t.up()
        if row is None:
            return t.results
        gmac = bytes.fromhex(row['lla'].replace(':', ''))
        base = nb.mbufs_in_use(con.cmd('netstat -m'))
        s0 = con.cmd('netstat -s')
        i0 = nb.ifrow(con.cmd('netstat -i'))

        # ARP.
        wire.drain()
        wire.send(arp_request(GUESTIP))
        f = wire.recv(5.0, lambda f: for_us(f) and f[12:14] == b'\x08\x06')
        check(f is not None and len(f) >= 42 and f[6:12] == gmac and
              f[14:22] == struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) and
              f[22:28] == gmac and f[28:32] == GUESTIP and
              f[32:38] == MYMAC and f[38:42] == MYIP,
              'ARP request answered with the right fields',
              repr(f and f[:42].hex()))

        # ICMP echo.
        for n in (0, 56, 1472):
            data = data_of(n, n)
            wire.send(ether(gmac, 0x0800, ipv4(1, icmp_echo(0x77, n, data))))
            f = wire.recv(5.0, lambda f: for_us(f) and f[12:14] ==
                          b'\x08\x00' and f[23] == 1)
            ok = f is not None and len(f) == 14 + 28 + n
            if ok:
                ip, ic = f[14:34], f[34:]
                ok = (cksum(ip) == 0 and ip[12:16] == GUESTIP and
                      ip[16:20] == MYIP and ic[0] == 0 and cksum(ic) == 0 and
                      ic[4:8] == struct.pack('!HH', 0x77, n) and
                      ic[8:] == data)
            check(ok, 'ICMP echo of %d bytes answered' % n,
                  repr(f and f[:64].hex()))

        # UDP echo.
        for n in (1, 100, 1472):
            data = data_of(n, n + 1)
            wire.send(ether(gmac, 0x0800, ipv4(17, udp(4000 + n, 7, data))))
            f = wire.recv(5.0, lambda f: for_us(f) and f[12:14] ==
                          b'\x08\x00' and f[23] == 17)
            ok = f is not None and len(f) == 14 + 28 + n
            if ok:
                ip, u = f[14:34], f[34:]
                ok = (cksum(ip) == 0 and u[:4] == struct.pack(
                    '!HH', 7, 4000 + n) and u[8:] == data and
                    cksum(GUESTIP + MYIP + struct.pack('!BBH', 0, 17, 8 + n)
                          + u) == 0)
            check(ok, 'UDP echo of %d bytes answered' % n,
                  repr(f and f[:64].hex()))

        # Malformed frames: (name, frame, netstat pattern or None: Ierrs).
        good_udp = udp(5000, 7, data_of(40, 3))
        bad = [
            ('runt', gmac + MYMAC[:4], None),
            ('oversized', ether(gmac, 0x0800, ipv4(17, udp(
                5000, 7, data_of(1500, 1)))), None),
            ('bad IP checksum', ether(gmac, 0x0800, ipv4(
                17, good_udp, badsum=True)), 'bad header checksums?'),
            ('IP header length 4', ether(gmac, 0x0800, ipv4(
                17, good_udp, hl=4)), 'with header length < data size'),
            ('truncated', ether(gmac, 0x0800, ipv4(
                17, good_udp, total=20 + len(good_udp) + 100)),
             r'with data size < data length'),
            ('UDP length past the packet', ether(gmac, 0x0800, ipv4(
                17, udp(5000, 7, data_of(40, 3), ulen=200))),
             'with bad data length field'),
            ('bad UDP checksum', ether(gmac, 0x0800, ipv4(
                17, udp(5000, 7, data_of(40, 3), badsum=True))),
             'with bad checksum'),
            ('fragment', ether(gmac, 0x0800, ipv4(17, good_udp,
                                                   off=0x2000)),
             r'fragments? received'),
            ('bad ICMP checksum', ether(gmac, 0x0800, ipv4(
                1, icmp_echo(1, 1, data_of(20, 1), badsum=True))),
             r'messages? with bad checksum'),
        ]
        wire.drain()
        for name, frame, _ in bad:
            wire.send(frame)
        f = wire.recv(1.5, for_us)
        check(f is None, 'no answer to any malformed frame',
              repr(f and f[:64].hex()))
        s1 = con.cmd('netstat -s')
        i1 = nb.ifrow(con.cmd('netstat -i'))
        for name, frame, pat in bad:
            if pat is None:
                continue
            d = (nb.counter(s1, pat) or 0) - (nb.counter(s0, pat) or 0)
            check(d == 1, '%s: dropped and counted ("%s")' % (name, pat),
                  'counter moved by %d' % d)
        d = (i1 or {}).get('ierrs', 0) - (i0 or {}).get('ierrs', 0)
        check(i0 is not None and i1 is not None and d == 2,
              'runt and oversized: dropped, counted in Ierrs',
              'Ierrs moved by %d' % d)
        t.back_to_baseline(base)
    finally:
        t.finish()
        wire.sock.close()
    return t.results


if __name__ == '__main__':
    sys.exit(nb.main(run, __doc__))
