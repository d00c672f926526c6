/*
 * The stack's echo path (sys/net, sys/netinet) without a NIC: each
 * operation is what one echoed datagram costs between the driver's hands,
 * a receive buffer taken from the packet zone (m_getcl, as virtio-net
 * refills its ring) and filled with the request frame, ether_input to the
 * reply handed to if_transmit, and the reply freed as a device would free
 * it once sent.  Under -icount the figure is guest instructions per echoed
 * packet, checksums included; "mbuf_allocs_per_echo_permille" counts the
 * mbuf and cluster allocations per echo (1000: the receive buffer only;
 * the reply reuses the request's chain).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <sys/mbuf.h>
#include <vm/uma.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/in_cksum.h>
#include <netinet/ip.h>
#include <netinet/udp.h>

static struct ifnet	ib_ifp;
static int		ib_sent;
static uint8_t		ib_frame[ETHER_HDR_LEN + 20 + 8 + 1472];
static const uint8_t	ib_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0xbe, 1 };
static const uint8_t	ib_peer[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0xbe, 2 };

static int
ib_transmit(struct ifnet *ifp __unused, struct mbuf *m)
{
	ib_sent++;
	m_freem(m);
	return (0);
}

static uint64_t
ib_allocs(void)
{
	struct uma_zone_stat zs;
	uint64_t n = 0;

	memset(&zs, 0, sizeof(zs));
	uma_zone_stat(zone_mbuf, &zs);
	n += zs.zs_allocs;
	uma_zone_stat(zone_clust, &zs);
	n += zs.zs_allocs;
	uma_zone_stat(zone_pack, &zs);
	n += zs.zs_allocs;
	return (n);
}

static void
ib_input(const uint8_t *f, int len)
{
	struct mbuf *m;

	if ((m = m_getcl(M_NOWAIT, MT_DATA, M_PKTHDR)) == NULL)
		return;
	memcpy(mtod(m, caddr_t), f, len);
	m->m_len = m->m_pkthdr.len = len;
	ib_ifp.if_input(&ib_ifp, m);
}

/* Attach bnet0 and teach it the peer (10.0.2.2) by an ARP request. */
static void
ib_attach(void)
{
	struct ether_arp *ea = (struct ether_arp *)(ib_frame + ETHER_HDR_LEN);
	struct ether_header *eh = (struct ether_header *)ib_frame;
	struct in_addr peer;

	memset(&ib_ifp, 0, sizeof(ib_ifp));
	strlcpy(ib_ifp.if_xname, "bnet0", IFNAMSIZ);
	ib_ifp.if_transmit = ib_transmit;
	ether_ifattach(&ib_ifp, ib_mac);
	peer.s_addr = htonl(0x0a000202);
	memcpy(eh->ether_dhost, etherbroadcastaddr, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, ib_peer, ETHER_ADDR_LEN);
	eh->ether_type = htons(ETHERTYPE_ARP);
	ea->ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
	ea->ea_hdr.ar_pro = htons(ETHERTYPE_IP);
	ea->ea_hdr.ar_hln = ETHER_ADDR_LEN;
	ea->ea_hdr.ar_pln = 4;
	ea->ea_hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(ea->arp_sha, ib_peer, ETHER_ADDR_LEN);
	memcpy(ea->arp_spa, &peer, 4);
	memset(ea->arp_tha, 0, ETHER_ADDR_LEN);
	memcpy(ea->arp_tpa, &in_ifaddr.ia_addr, 4);
	ib_input(ib_frame, ETHER_HDR_LEN + sizeof(*ea));
}

/* A UDP echo request of size bytes from 10.0.2.2:5000; its length. */
static int
ib_udp_frame(int size)
{
	struct ether_header *eh = (struct ether_header *)ib_frame;
	struct ip *ip = (struct ip *)(ib_frame + ETHER_HDR_LEN);
	struct udphdr *uh = (struct udphdr *)(ip + 1);
	struct mbuf *m;
	int i, ulen = (int)sizeof(*uh) + size;

	memcpy(eh->ether_dhost, ib_mac, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, ib_peer, ETHER_ADDR_LEN);
	eh->ether_type = htons(ETHERTYPE_IP);
	memset(ip, 0, sizeof(*ip));
	ip->ip_v = IPVERSION;
	ip->ip_hl = 5;
	ip->ip_len = htons(sizeof(*ip) + ulen);
	ip->ip_ttl = 64;
	ip->ip_p = IPPROTO_UDP;
	ip->ip_src.s_addr = htonl(0x0a000202);
	ip->ip_dst = in_ifaddr.ia_addr;
	ip->ip_sum = in_cksum_buf(ip, sizeof(*ip));
	uh->uh_sport = htons(5000);
	uh->uh_dport = htons(7);
	uh->uh_ulen = htons(ulen);
	uh->uh_sum = 0;
	for (i = 0; i < size; i++)
		((uint8_t *)(uh + 1))[i] = (uint8_t)(i * 7);
	/* The checksum, over the datagram in an mbuf. */
	m = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
	memcpy(mtod(m, caddr_t), uh, ulen);
	m->m_len = m->m_pkthdr.len = ulen;
	uh->uh_sum = in_cksum_skip(m, ulen, 0, in_pseudo(ip->ip_src.s_addr,
	    ip->ip_dst.s_addr, htons(ulen + IPPROTO_UDP)));
	m_freem(m);
	return (ETHER_HDR_LEN + (int)sizeof(*ip) + ulen);
}

static void
ib_echo(struct bench_ctx *b, int size)
{
	uint64_t i, a0;
	int len, sent0;

	ib_attach();
	len = ib_udp_frame(size);
	ib_input(ib_frame, len);		/* warm */
	sent0 = ib_sent;
	a0 = ib_allocs();
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++)
		ib_input(ib_frame, len);
	bench_stop(b);
	bench_report(b, "mbuf_allocs_per_echo_permille",
	    (intmax_t)((ib_allocs() - a0) * 1000 / b->bc_iters));
	bench_report(b, "echoed_permille",
	    (intmax_t)((uint64_t)(ib_sent - sent0) * 1000 / b->bc_iters));
	ether_ifdetach(&ib_ifp);
}

BENCH(inet_udp_echo_64, "UDP echo of 64 bytes through the stack (no NIC)")
{
	ib_echo(b, 64);
}

BENCH(inet_udp_echo_1472, "UDP echo of 1472 bytes through the stack (no NIC)")
{
	ib_echo(b, 1472);
}
