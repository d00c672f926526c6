#!/usr/bin/env python3
"""framepeer.py: a host program on the other end of a guest NIC's wire.

QEMU's `-netdev socket,udp=127.0.0.1:PORT,localaddr=127.0.0.1:GPORT`
carries each Ethernet frame the guest sends as one UDP datagram to PORT,
and injects each datagram sent to GPORT as a received frame.  This peer
listens on PORT and answers frames of EtherType 0x88b5 (IEEE local
experimental) by their first payload byte:

  'E'  echo: the same frame back, destination and source swapped
       (source: the peer's MAC 02:00:00:00:00:01), every byte kept.
  'R'  runts: payload byte 1 is n; send frames of 1 .. n bytes (shorter
       than an Ethernet header), then the request itself back as a marker.

Everything else is ignored.  It runs until killed (the test harness
starts it for a boot with net=socket and stops it after), or for
--seconds.  Python 3 standard library only.
"""
import argparse
import socket
import sys
import time

ETHERTYPE = b'\x88\xb5'
PEER_MAC = bytes([2, 0, 0, 0, 0, 1])


def answer(frame):
    """The frames to send back for one received frame."""
    if len(frame) < 15 or frame[12:14] != ETHERTYPE:
        return []
    dst, src, cmd = frame[0:6], frame[6:12], frame[14:15]
    back = src + PEER_MAC + frame[12:]
    if cmd == b'E':
        return [back]
    if cmd == b'R' and len(frame) >= 16:
        return [back[:n] for n in range(1, frame[15] + 1)] + [back]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--listen', type=int, required=True,
                    help='UDP port QEMU sends the guest\'s frames to')
    ap.add_argument('--peer', type=int, required=True,
                    help='UDP port of QEMU\'s socket netdev (localaddr)')
    ap.add_argument('--seconds', type=float, default=0,
                    help='stop after this long (0: run until killed)')
    a = ap.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    except OSError:
        pass
    s.bind(('127.0.0.1', a.listen))
    s.settimeout(0.5)
    end = time.monotonic() + a.seconds if a.seconds else None
    while end is None or time.monotonic() < end:
        try:
            frame, _ = s.recvfrom(65536)
        except socket.timeout:
            continue
        for out in answer(frame):
            s.sendto(out, ('127.0.0.1', a.peer))
    return 0


if __name__ == '__main__':
    sys.exit(main())
