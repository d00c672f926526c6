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
     length or checksum errors; 64- and 1472-byte echoes' packets/s, and
     one mbuf allocation per echo (the receive ring's refill, vmstat -z);
  6. the nmbclusters flood: kern.ipc.nmbclusters is lowered to a few
     clusters above those in use and a burst arrives faster than replies
     drain: the receive side runs out (the limit warning is printed,
     cluster requests are denied, the driver's ring refills fail; packets
     are dropped when the host outruns the guest), nothing panics, and
     after the limit is restored echoes work again;
  7. netstat -m is back at the baseline (within the receive ring's refill).

Run alone (`python3 tests/net/net_udp_echo.py [--config TEST]`) it builds the
kernel and prints one line per check; tests/harness.py runs it as suite
"net_udp_echo" (run(kernel_of) -> [Result]).

Python 3 standard library only.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                'tools'))
import _netboot as nb       # noqa: E402
import udpecho              # noqa: E402

NAME = 'net_udp_echo'
COUNT = 10000
SIZES = '1-1472'


def run(kernel_of, conf='TEST', log=print):
    port = nb.free_udp_port()
    t = nb.NetBoot(kernel_of, conf, NAME,
                   '-netdev user,id=net0,hostfwd=udp:127.0.0.1:%d-:7 '
                   '-device virtio-net-pci,netdev=net0' % port)
    check, con = t.check, t.con
    try:
        if t.up() is None:
            return t.results
        # The first datagram waits for QEMU's ARP; retry until one is back.
        for _ in range(10):
            st = udpecho.run('127.0.0.1', port, [32], 1, timeout=1.0)
            if st.received == 1:
                break
        if not check(st.received == 1, 'a first datagram is echoed',
                     st.line()):
            return t.results
        base = nb.mbufs_in_use(con.cmd('netstat -m'))
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
        got = {k: (nb.counter(udp1, p) or 0) - (nb.counter(udp0, p) or 0)
               for k, p in (('in', r'datagrams? received'),
                            ('out', r'datagrams? output'),
                            ('badsum', 'with bad checksum'),
                            ('badlen', 'with bad data length field'))}
        check(got['in'] >= st.received and got['out'] >= st.received and
              got['badsum'] == 0 and got['badlen'] == 0,
              'netstat -s: every datagram received and sent, no errors',
              '%r\n%s' % (got, udp1))
        check(nb.counter(ip1, 'bad header checksums') == 0 and
              nb.counter(ip1, 'with data size < data length') == 0,
              'netstat -s: no IP header errors', ip1 or '')
        rate(t, port, log)
        flood(t, port, log)
        t.back_to_baseline(base)
    finally:
        t.finish()
    return t.results


def rate(t, port, log):
    """Packets/s for 64- and 1472-byte datagrams (reported, not judged),
    and mbuf allocations per echo: one, the receive ring's refill (the
    reply is the request's chain, and transmit gathers it without a copy);
    5% slack for a packet zone cache refilled from its kegs meanwhile."""
    check, con = t.check, t.con
    for size in (64, 1472):
        r0 = nb.mbuf_requests(con.cmd('vmstat -z'))
        st = udpecho.run('127.0.0.1', port, [size], 2000, window=32,
                         timeout=3.0)
        r1 = nb.mbuf_requests(con.cmd('vmstat -z'))
        per = (r1 - r0) / st.received if None not in (r0, r1) and \
            st.received else None
        log('%s: %d bytes: %s, %s mbuf allocations per echo' % (
            NAME, size, st.line(), per))
        check(st.received == 2000 and st.corrupt == 0 and per is not None and
              st.received <= r1 - r0 <= st.received * 1.05,
              '%d-byte echoes: %.0f packets/s, %.3f mbuf allocations per echo'
              % (size, st.pps(), per or -1), '%s; allocations %s -> %s'
              % (st.line(), r0, r1))


# The driver's failed receive-ring refills.
RX_FAILED = 'dev.vtnet.0.rx_mbuf_alloc_failed'


def flood(t, port, log):
    """Exhaust kern.ipc.nmbclusters with a burst; the stack must recover."""
    check, con = t.check, t.con
    out = con.cmd('sysctl kern.ipc.nmbclusters')
    orig = nb.sysctl_int(out, 'kern.ipc.nmbclusters')
    # No free cluster cached anywhere: the limit then leaves none to spare.
    con.cmd('sysctl vm.uma_reclaim=1')
    total = nb.clusters_total(con.cmd('netstat -m'))
    if not check(orig is not None and total is not None,
                 'flood: limit and clusters in use read', out or ''):
        return
    low = total         # the lowest the sysctl takes: no cluster to spare
    out = con.cmd('sysctl kern.ipc.nmbclusters=%d' % low)
    if not check(out is not None and '-> %d' % low in out,
                 'flood: kern.ipc.nmbclusters lowered to %d' % low,
                 out or ''):
        return
    failed0 = nb.sysctl_int(con.cmd('sysctl %s' % RX_FAILED), RX_FAILED)
    st = udpecho.run('127.0.0.1', port, [1472], 3000, window=512,
                     timeout=2.0)
    log('%s: flood at nmbclusters=%d: %s' % (NAME, low, st.line()))
    check(st.corrupt == 0, 'flood: no corrupt reply', st.line())
    warned = con.boot.wait_for(
        lambda t: 'kern.ipc.nmbclusters limit reached' in t)
    denied = nb.denied(con.cmd('netstat -m'))
    failed = nb.sysctl_int(con.cmd('sysctl %s' % RX_FAILED), RX_FAILED)
    # Whether packets are lost depends on how fast the host sends against
    # how fast the guest drains (QEMU holds frames while the ring is
    # empty); the driver's failed refills do not.
    check(warned and denied is not None and denied[1] + denied[2] > 0 and
          None not in (failed0, failed) and failed > failed0,
          'flood: clusters run out: the limit warning, requests denied '
          '(%s), receive refills failed (%s), packets dropped (%d)' % (
              denied, None if None in (failed0, failed) else
              failed - failed0, st.sent - st.received),
          'warned %s, denied %s, refills failed %s -> %s, %s' % (
              warned, denied, failed0, failed, st.line()))
    out = con.cmd('sysctl kern.ipc.nmbclusters=%d' % orig)
    check(out is not None and '-> %d' % orig in out,
          'flood: the limit restored', out or '')
    time.sleep(0.5)
    st = udpecho.run('127.0.0.1', port, udpecho.parse_sizes('1-1472'), 500,
                     window=16, timeout=3.0)
    check(st.received == 500 and st.corrupt == 0,
          'flood: echo works again after it', st.line())


if __name__ == '__main__':
    sys.exit(nb.main(run, __doc__))
