/*
 * The IPv4 stack (sys/net, sys/netinet) without a NIC: a fake interface
 * ("kti0") whose if_transmit keeps every frame on a list, and frames
 * built here by hand, fed to ether_input as a driver would.
 *
 * What is checked, from issue 14 and FreeBSD's behaviour:
 *   - ARP: a request for our address is answered with the right fields,
 *     in the request's own mbuf; the asker is cached; an unresolved
 *     destination holds its packet and asks, and the answer sends it.
 *   - ICMP echo and UDP echo (port 7, every size 0..1472) come back with
 *     addresses and ports swapped, the same payload and right checksums.
 *     Checksums are verified here with a separate, byte-at-a-time sum, so
 *     a bug in in_cksum.c cannot hide behind itself.
 *   - A reply reuses its request's chain: no cluster is allocated, and for
 *     a one-cluster request (a driver's layout) the reply's first mbuf is
 *     the request's.  Requests are also fed split over several mbufs (a
 *     7-byte-mbuf chain, a small header mbuf, the UDP header in a second
 *     cluster), so every m_pullup path runs.
 *   - Every malformed frame is dropped, nothing is sent, and exactly its
 *     FreeBSD counter moves (table kti_bad).
 *   - Two interfaces fed from two CPUs at once: every reply right, the
 *     shared counters exact.
 *   - 6000 fuzzed frames: no panic, no leak, only well-formed answers.
 *   - Each case ends with the mbufs and clusters in use back at the
 *     baseline taken before it (netstat -m's "in use").
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/mbuf.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/smp.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <vm/uma.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <netinet/ip_var.h>
#include <netinet/icmp_var.h>
#include <netinet/udp_var.h>
#include <netinet/if_ether.h>

#define	KTI_MAXFRAME	1600
#define	KTI_MAXPAY	1472		/* 1500 - 20 - 8 */

/* The fake interface: transmitted frames are queued on kti_q. */
static struct ifnet	kti_ifp;
static struct mbuf	*kti_q, **kti_qtail = &kti_q;
static int		kti_nq;

static const uint8_t kti_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t kti_peermac[ETHER_ADDR_LEN] =
    { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
static const uint8_t kti_othermac[ETHER_ADDR_LEN] =
    { 0x02, 0, 0, 0, 0, 0x77 };

static uint8_t	kti_in[KTI_MAXFRAME], kti_out[KTI_MAXFRAME];

static int
kti_transmit(struct ifnet *ifp, struct mbuf *m)
{
	m->m_nextpkt = NULL;
	*kti_qtail = m;
	kti_qtail = &m->m_nextpkt;
	kti_nq++;
	ifp->if_opackets++;
	return (0);
}

/* The first queued frame, copied to kti_out; its length, or -1. */
static int
kti_take(struct mbuf **firstp)
{
	struct mbuf *m = kti_q;
	int len;

	if (m == NULL)
		return (-1);
	kti_q = m->m_nextpkt;
	if (kti_q == NULL)
		kti_qtail = &kti_q;
	kti_nq--;
	m->m_nextpkt = NULL;
	len = m->m_pkthdr.len;
	if (len > KTI_MAXFRAME || len != (int)m_length(m, NULL))
		len = -2;		/* a bad packet header length */
	else
		m_copydata(m, 0, len, (caddr_t)kti_out);
	if (firstp != NULL)
		*firstp = m;
	m_freem(m);
	return (len);
}

static void
kti_flush(void)
{
	while (kti_take(NULL) != -1)
		continue;
}

/*
 * Addresses (network order)
 */

static struct in_addr
kti_ip(in_addr_t host)
{
	struct in_addr a;

	a.s_addr = htonl(host);
	return (a);
}

#define	KTI_PEER	0x0a000202	/* 10.0.2.2, the gateway */
#define	KTI_HOST2	0x0a000209	/* 10.0.2.9, another on the subnet */
#define	KTI_FAR		0xc0a80505	/* 192.168.5.5, off the subnet */

/*
 * A checksum independent of in_cksum.c: big-endian 16-bit words, one byte
 * pair at a time.  Returns the folded, uncomplemented sum.
 */
static uint32_t
kti_sum(const uint8_t *p, int len, uint32_t sum)
{
	int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (sum);
}

static uint32_t
kti_pseudo(const uint8_t *ip, int proto, int len)
{
	return (kti_sum(ip + 12, 8, (uint32_t)proto + (uint32_t)len));
}

static void
kti_put16(uint8_t *p, int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int
kti_get16(const uint8_t *p)
{
	return (p[0] << 8 | p[1]);
}

static uint8_t
kti_pat(int i, int seq)
{
	return ((uint8_t)(i * 7 + seq * 13 + (i >> 8)));
}

/*
 * Frame building.  A spec's zero fields take the defaults: a valid UDP
 * datagram from the peer (10.0.2.2:5000) to our port 7.
 */
struct kti_pkt {
	const uint8_t	*edst;		/* our MAC */
	const uint8_t	*esrc;		/* kti_peermac */
	int		etype;		/* ETHERTYPE_IP */
	int		ip_v;		/* 4 */
	int		ip_hl;		/* 5 */
	int		ip_len;		/* header + transport */
	int		ip_off;		/* host order */
	int		proto;		/* IPPROTO_UDP */
	in_addr_t	src, dst;	/* KTI_PEER, our address (host order) */
	int		badipsum;
	int		sport, dport;	/* 5000, 7 */
	int		ulen;		/* 8 + paylen */
	int		sum;		/* 0 right, 1 none (UDP 0), 2 wrong */
	int		icmp_reply;	/* ICMP: an echo reply, not a request */
	int		paylen;
	int		seq;
	int		cut;		/* frame cut to this length (if > 0) */
	int		pad;		/* bytes after the IP packet */
};

static int
kti_build(const struct kti_pkt *s, uint8_t *f)
{
	int hl = s->ip_hl != 0 ? s->ip_hl : 5, proto, tlen, iplen, len, i;
	uint8_t *ip = f + ETHER_HDR_LEN, *t;
	in_addr_t src, dst;
	uint32_t sum;

	memcpy(f, s->edst != NULL ? s->edst : kti_mac, ETHER_ADDR_LEN);
	memcpy(f + 6, s->esrc != NULL ? s->esrc : kti_peermac, ETHER_ADDR_LEN);
	kti_put16(f + 12, s->etype != 0 ? s->etype : ETHERTYPE_IP);
	proto = s->proto != 0 ? s->proto : IPPROTO_UDP;
	tlen = 8 + s->paylen;
	iplen = s->ip_len != 0 ? s->ip_len : hl * 4 + tlen;
	src = s->src != 0 ? s->src : KTI_PEER;
	dst = s->dst != 0 ? s->dst : ntohl(in_ifaddr.ia_addr.s_addr);
	memset(ip, 0, hl * 4);
	ip[0] = (uint8_t)((s->ip_v != 0 ? s->ip_v : 4) << 4 | hl);
	kti_put16(ip + 2, iplen);
	kti_put16(ip + 4, 0x1234);
	kti_put16(ip + 6, s->ip_off);
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	kti_put16(ip + 12, (int)(src >> 16));
	kti_put16(ip + 14, (int)(src & 0xffff));
	kti_put16(ip + 16, (int)(dst >> 16));
	kti_put16(ip + 18, (int)(dst & 0xffff));
	kti_put16(ip + 10, (int)(~kti_sum(ip, hl * 4, 0) & 0xffff) ^
	    (s->badipsum ? 0x0101 : 0));
	t = ip + hl * 4;
	for (i = 0; i < s->paylen; i++)
		t[8 + i] = kti_pat(i, s->seq);
	if (proto == IPPROTO_ICMP) {
		t[0] = s->icmp_reply ? ICMP_ECHOREPLY : ICMP_ECHO;
		t[1] = 0;
		kti_put16(t + 2, 0);
		kti_put16(t + 4, 0x4242);
		kti_put16(t + 6, s->seq);
		sum = ~kti_sum(t, tlen, 0) & 0xffff;
		kti_put16(t + 2, (int)sum ^ (s->sum == 2 ? 0x00ff : 0));
	} else {
		kti_put16(t, s->sport != 0 ? s->sport : 5000);
		kti_put16(t + 2, s->dport != 0 ? s->dport : UDP_ECHO_PORT);
		kti_put16(t + 4, s->ulen != 0 ? s->ulen : tlen);
		kti_put16(t + 6, 0);
		sum = ~kti_sum(t, tlen, kti_pseudo(ip, IPPROTO_UDP, tlen)) &
		    0xffff;
		if (sum == 0)
			sum = 0xffff;
		if (s->sum == 1)
			sum = 0;
		else if (s->sum == 2)
			sum ^= 0x5a5a;
		kti_put16(t + 6, (int)sum);
	}
	len = ETHER_HDR_LEN + hl * 4 + tlen;
	for (i = 0; i < s->pad; i++)
		f[len + i] = 0xee;
	len += s->pad;
	if (s->cut > 0 && s->cut < len)
		len = s->cut;
	return (len);
}

static int
kti_build_arp(uint8_t *f, int op, const uint8_t *sha, in_addr_t spa,
    in_addr_t tpa)
{
	uint8_t *a = f + ETHER_HDR_LEN;

	memcpy(f, op == ARPOP_REQUEST ? etherbroadcastaddr : kti_mac,
	    ETHER_ADDR_LEN);
	memcpy(f + 6, sha, ETHER_ADDR_LEN);
	kti_put16(f + 12, ETHERTYPE_ARP);
	kti_put16(a, ARPHRD_ETHER);
	kti_put16(a + 2, ETHERTYPE_IP);
	a[4] = ETHER_ADDR_LEN;
	a[5] = 4;
	kti_put16(a + 6, op);
	memcpy(a + 8, sha, ETHER_ADDR_LEN);
	kti_put16(a + 14, (int)(spa >> 16));
	kti_put16(a + 16, (int)(spa & 0xffff));
	memset(a + 18, 0, ETHER_ADDR_LEN);
	kti_put16(a + 24, (int)(tpa >> 16));
	kti_put16(a + 26, (int)(tpa & 0xffff));
	return (ETHER_HDR_LEN + 28);
}

/*
 * Chains: how a frame is laid out in mbufs before ether_input sees it.
 */
enum {
	L_CLUSTER,	/* one packet-zone cluster, as the driver receives */
	L_SMALLHDR,	/* 10 bytes in a header mbuf, then clusters */
	L_TINY,		/* 7 bytes per mbuf */
	L_SPLIT,	/* 34 bytes (Ethernet and IP) in a cluster, then one */
	L_NLAYOUTS
};

static struct mbuf *
kti_chain(const uint8_t *p, int len, int layout)
{
	struct mbuf *top, *m, **np;
	int first, off, n, room;

	if (layout == L_CLUSTER || layout == L_SPLIT)
		top = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
	else
		top = m_gethdr(M_WAITOK, MT_DATA);
	first = layout == L_CLUSTER ? len : layout == L_SMALLHDR ? 10 :
	    layout == L_TINY ? 7 : 34;
	first = imin(first, len);
	memcpy(mtod(top, caddr_t), p, first);
	top->m_len = first;
	top->m_pkthdr.len = len;
	top->m_pkthdr.rcvif = NULL;
	np = &top->m_next;
	for (off = first; off < len; off += n) {
		if (layout == L_TINY) {
			m = m_get(M_WAITOK, MT_DATA);
			room = 7;
		} else {
			m = m_getcl(M_WAITOK, MT_DATA, 0);
			room = MCLBYTES;
		}
		n = imin(room, len - off);
		memcpy(mtod(m, caddr_t), p + off, n);
		m->m_len = n;
		*np = m;
		np = &m->m_next;
	}
	return (top);
}

/*
 * Allocation counters and the baseline
 */

static uint64_t
kti_allocs(uma_zone_t z)
{
	struct uma_zone_stat zs;

	memset(&zs, 0, sizeof(zs));
	uma_zone_stat(z, &zs);
	return (zs.zs_allocs);
}

static uint64_t
kti_clallocs(void)
{
	return (kti_allocs(zone_clust) + kti_allocs(zone_pack));
}

static uint64_t
kti_mballocs(void)
{
	return (kti_allocs(zone_mbuf) + kti_allocs(zone_pack));
}

/* Attach kti0, run body, detach, and check mbufs are back. */
static void
kti_run(struct ktest_ctx *kt, void (*body)(struct ktest_ctx *))
{
	struct mbstat before, after;

	mbstat_get(&before);
	memset(&kti_ifp, 0, sizeof(kti_ifp));
	strlcpy(kti_ifp.if_xname, "kti0", IFNAMSIZ);
	kti_ifp.if_dname = "kti";
	kti_ifp.if_transmit = kti_transmit;
	kti_ifp.if_flags = IFF_UP | IFF_RUNNING;
	ether_ifattach(&kti_ifp, kti_mac);
	KT_EXPECT(kti_ifp.if_input == ether_input);
	KT_EXPECT(ifunit("kti0") == &kti_ifp);
	if (ifunit("kti0") == &kti_ifp)
		body(kt);
	kti_flush();
	ether_ifdetach(&kti_ifp);
	KT_EXPECT(ifunit("kti0") == NULL);
	mbstat_get(&after);
	KT_EXPECT_EQ(after.m_mbufs, before.m_mbufs);
	KT_EXPECT_EQ(after.m_mclusts, before.m_mclusts);
}

static void
kti_feed(const uint8_t *f, int len, int layout)
{
	kti_ifp.if_input(&kti_ifp, kti_chain(f, len, layout));
}

/* Tell the stack the peer's address, by an ARP request for ours. */
static void
kti_learn_peer(struct ktest_ctx *kt)
{
	int len;

	len = kti_build_arp(kti_in, ARPOP_REQUEST, kti_peermac, KTI_PEER,
	    ntohl(in_ifaddr.ia_addr.s_addr));
	kti_feed(kti_in, len, L_CLUSTER);
	KT_EXPECT_EQ(kti_take(NULL), ETHER_HDR_LEN + 28);
}

/*
 * Reply checks
 */

/* An IPv4 frame from us to dstmac/dst: returns the IP header length. */
static int
kti_check_ip(struct ktest_ctx *kt, const uint8_t *f, int len,
    const uint8_t *dstmac, in_addr_t dst, int proto, int iplen)
{
	const uint8_t *ip = f + ETHER_HDR_LEN;

	KT_EXPECT_EQ(len, ETHER_HDR_LEN + iplen);
	KT_EXPECT(memcmp(f, dstmac, ETHER_ADDR_LEN) == 0);
	KT_EXPECT(memcmp(f + 6, kti_mac, ETHER_ADDR_LEN) == 0);
	KT_EXPECT_EQ(kti_get16(f + 12), ETHERTYPE_IP);
	KT_EXPECT_EQ(ip[0], 0x45);
	KT_EXPECT_EQ(kti_get16(ip + 2), iplen);
	KT_EXPECT_EQ(kti_get16(ip + 6), 0);
	KT_EXPECT_GT(ip[8], 0);
	KT_EXPECT_EQ(ip[9], proto);
	KT_EXPECT_EQ(kti_sum(ip, 20, 0), 0xffff);	/* header checksum */
	KT_EXPECT_EQ((in_addr_t)kti_get16(ip + 12) << 16 | kti_get16(ip + 14),
	    ntohl(in_ifaddr.ia_addr.s_addr));
	KT_EXPECT_EQ((in_addr_t)kti_get16(ip + 16) << 16 | kti_get16(ip + 18),
	    dst);
	return (20);
}

static int
kti_payload_bad(const uint8_t *p, int n, int seq)
{
	int i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i] != kti_pat(i, seq);
	return (bad);
}

/* The echo of kti_build(s) came back right. */
static void
kti_check_udp_echo(struct ktest_ctx *kt, const struct kti_pkt *s, int len)
{
	const uint8_t *ip = kti_out + ETHER_HDR_LEN, *u = ip + 20;
	int ulen = 8 + s->paylen;

	kti_check_ip(kt, kti_out, len, kti_peermac, KTI_PEER, IPPROTO_UDP,
	    20 + ulen);
	if (len != ETHER_HDR_LEN + 20 + ulen)
		return;
	KT_EXPECT_EQ(kti_get16(u), UDP_ECHO_PORT);
	KT_EXPECT_EQ(kti_get16(u + 2), s->sport != 0 ? s->sport : 5000);
	KT_EXPECT_EQ(kti_get16(u + 4), ulen);
	KT_EXPECT_NE(kti_get16(u + 6), 0);		/* computed on send */
	KT_EXPECT_EQ(kti_sum(u, ulen, kti_pseudo(ip, IPPROTO_UDP, ulen)),
	    0xffff);
	KT_EXPECT_EQ(kti_payload_bad(u + 8, s->paylen, s->seq), 0);
}

/*
 * Cases
 */

KTEST(inet, address_defaults)
{
	char buf[INET_ADDRSTRLEN + 8];
	struct in_addr a;
	size_t len;
	static const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1",
	    "01.2.3.4", "a.b.c.d", "1.2.3.4 ", "1..3.4", "-1.2.3.4",
	    "1.2.3.1000" };
	u_int i;

	if (kern_getenv("net.inet.ip.addr") != NULL)
		KT_SKIP("net.inet.ip.addr is set");
	KT_EXPECT_EQ(ntohl(in_ifaddr.ia_addr.s_addr), 0x0a00020f);
	KT_EXPECT_EQ(ntohl(in_ifaddr.ia_netmask.s_addr), 0xffffff00);
	KT_EXPECT_EQ(ntohl(in_ifaddr.ia_gateway.s_addr), KTI_PEER);
	len = sizeof(buf);
	KT_ASSERT_EQ(kernel_sysctlbyname("net.inet.ip.addr", buf, &len, NULL,
	    0), 0);
	KT_EXPECT_STREQ(buf, "10.0.2.15");
	len = sizeof(buf);
	KT_ASSERT_EQ(kernel_sysctlbyname("net.inet.ip.gateway", buf, &len,
	    NULL, 0), 0);
	KT_EXPECT_STREQ(buf, "10.0.2.2");
	/* Read-only at run time. */
	KT_EXPECT_NE(kernel_sysctlbyname("net.inet.ip.addr", NULL, NULL,
	    "10.0.2.16", 10), 0);
	KT_EXPECT_EQ(ntohl(in_ifaddr.ia_addr.s_addr), 0x0a00020f);
	KT_EXPECT_EQ(inet_aton("192.168.0.255", &a), 1);
	KT_EXPECT_EQ(ntohl(a.s_addr), 0xc0a800ff);
	KT_EXPECT_EQ(inet_aton("0.0.0.0", &a), 1);
	KT_EXPECT_EQ(a.s_addr, 0);
	for (i = 0; i < nitems(bad); i++) {
		a.s_addr = 0x12345678;
		if (inet_aton(bad[i], &a) != 0)
			KT_FAIL("inet_aton took \"%s\"", bad[i]);
		KT_EXPECT_EQ(a.s_addr, 0x12345678);
	}
	KT_EXPECT(in_broadcast(kti_ip(0x0a0002ff)));
	KT_EXPECT(in_broadcast(kti_ip(INADDR_BROADCAST)));
	KT_EXPECT(!in_broadcast(kti_ip(KTI_PEER)));
	KT_EXPECT_EQ(in_nexthop(kti_ip(KTI_HOST2)).s_addr,
	    kti_ip(KTI_HOST2).s_addr);
	KT_EXPECT_EQ(in_nexthop(kti_ip(KTI_FAR)).s_addr,
	    kti_ip(KTI_PEER).s_addr);
}

static void
kti_attach_body(struct ktest_ctx *kt)
{
	struct ifnet dup;

	KT_EXPECT_EQ(kti_ifp.if_mtu, ETHERMTU);
	KT_EXPECT(memcmp(kti_ifp.if_lladdr, kti_mac, ETHER_ADDR_LEN) == 0);
	KT_EXPECT_GT(if_index(&kti_ifp), 0);
	/* A second interface with the same name is not attached. */
	memset(&dup, 0, sizeof(dup));
	strlcpy(dup.if_xname, "kti0", IFNAMSIZ);
	dup.if_transmit = kti_transmit;
	ether_ifattach(&dup, kti_othermac);
	KT_EXPECT(ifunit("kti0") == &kti_ifp);
	KT_EXPECT_EQ(if_index(&dup), 0);
	/* Attach gave no frame. */
	KT_EXPECT_EQ(kti_nq, 0);
	if (in_ifaddr.ia_ifp != &kti_ifp) {
		printf("# note: the address is on %s, not kti0\n",
		    ((struct ifnet *)in_ifaddr.ia_ifp)->if_xname);
		return;
	}
	/* The address moves to the next interface when its own detaches. */
	memset(&dup, 0, sizeof(dup));
	strlcpy(dup.if_xname, "kti1", IFNAMSIZ);
	dup.if_transmit = kti_transmit;
	ether_ifattach(&dup, kti_othermac);
	KT_EXPECT(ifunit("kti1") == &dup);
	KT_EXPECT_GT(if_index(&dup), if_index(&kti_ifp));
	if_detach(&kti_ifp);
	KT_EXPECT(in_ifaddr.ia_ifp == &dup);
	KT_EXPECT_EQ(if_attach(&kti_ifp), 0);
	KT_EXPECT(in_ifaddr.ia_ifp == &dup);
	ether_ifdetach(&dup);
	KT_EXPECT(in_ifaddr.ia_ifp == &kti_ifp);
	KT_EXPECT(ifunit("kti1") == NULL);
}

KTEST(inet, attach_detach)
{
	struct ifnet *before = in_ifaddr.ia_ifp;

	kti_run(kt, kti_attach_body);
	KT_EXPECT(in_ifaddr.ia_ifp == before);
	KT_EXPECT(ifunit("kti0") == NULL);
}

static void
kti_arp_body(struct ktest_ctx *kt)
{
	struct arpstat a0 = arpstat;
	const uint8_t *a = kti_out + ETHER_HDR_LEN;
	uint8_t lla[ETHER_ADDR_LEN];
	struct mbuf *fed, *sent;
	in_addr_t me = ntohl(in_ifaddr.ia_addr.s_addr);
	int len, layout;

	KT_EXPECT(!arp_lookup(&kti_ifp, kti_ip(KTI_PEER), lla));
	for (layout = 0; layout < L_NLAYOUTS; layout++) {
		len = kti_build_arp(kti_in, ARPOP_REQUEST, kti_peermac,
		    KTI_PEER, me);
		fed = kti_chain(kti_in, len, layout);
		kti_ifp.if_input(&kti_ifp, fed);
		KT_ASSERT_EQ(kti_nq, 1);
		len = kti_take(&sent);
		KT_ASSERT_EQ(len, ETHER_HDR_LEN + 28);
		if (layout == L_CLUSTER)
			KT_EXPECT(sent == fed);	/* answered in place */
		KT_EXPECT(memcmp(kti_out, kti_peermac, 6) == 0);
		KT_EXPECT(memcmp(kti_out + 6, kti_mac, 6) == 0);
		KT_EXPECT_EQ(kti_get16(kti_out + 12), ETHERTYPE_ARP);
		KT_EXPECT_EQ(kti_get16(a), ARPHRD_ETHER);
		KT_EXPECT_EQ(kti_get16(a + 2), ETHERTYPE_IP);
		KT_EXPECT_EQ(a[4], 6);
		KT_EXPECT_EQ(a[5], 4);
		KT_EXPECT_EQ(kti_get16(a + 6), ARPOP_REPLY);
		KT_EXPECT(memcmp(a + 8, kti_mac, 6) == 0);	/* sha */
		KT_EXPECT_EQ((in_addr_t)kti_get16(a + 14) << 16 |
		    kti_get16(a + 16), me);			/* spa */
		KT_EXPECT(memcmp(a + 18, kti_peermac, 6) == 0);	/* tha */
		KT_EXPECT_EQ((in_addr_t)kti_get16(a + 24) << 16 |
		    kti_get16(a + 26), KTI_PEER);		/* tpa */
	}
	KT_EXPECT_EQ(arpstat.rxrequests - a0.rxrequests, L_NLAYOUTS);
	KT_EXPECT_EQ(arpstat.txreplies - a0.txreplies, L_NLAYOUTS);
	KT_EXPECT_EQ(arpstat.received - a0.received, L_NLAYOUTS);
	/* The asker is cached. */
	KT_EXPECT(arp_lookup(&kti_ifp, kti_ip(KTI_PEER), lla));
	KT_EXPECT(memcmp(lla, kti_peermac, 6) == 0);
	/* A request for another host: no answer, the asker not cached. */
	len = kti_build_arp(kti_in, ARPOP_REQUEST, kti_othermac, KTI_HOST2,
	    KTI_PEER);
	kti_feed(kti_in, len, L_CLUSTER);
	KT_EXPECT_EQ(kti_nq, 0);
	KT_EXPECT(!arp_lookup(&kti_ifp, kti_ip(KTI_HOST2), lla));
	/* Padding after the ARP packet (a 60-byte frame) is fine. */
	len = kti_build_arp(kti_in, ARPOP_REQUEST, kti_peermac, KTI_PEER, me);
	memset(kti_in + len, 0, 60 - len);
	kti_feed(kti_in, 60, L_TINY);
	KT_EXPECT_EQ(kti_take(NULL), ETHER_HDR_LEN + 28);
}

KTEST(inet, arp_answers_and_caches)
{
	kti_run(kt, kti_arp_body);
}

static void
kti_resolve_body(struct ktest_ctx *kt)
{
	struct arpstat a0 = arpstat;
	struct kti_pkt s;
	const uint8_t *a = kti_out + ETHER_HDR_LEN;
	uint8_t lla[ETHER_ADDR_LEN];
	int len;

	/* An echo to an unknown peer waits for ARP. */
	memset(&s, 0, sizeof(s));
	s.paylen = 100;
	s.seq = 1;
	kti_feed(kti_in, kti_build(&s, kti_in), L_CLUSTER);
	KT_ASSERT_EQ(kti_nq, 1);
	len = kti_take(NULL);
	KT_ASSERT_EQ(len, ETHER_HDR_LEN + 28);
	KT_EXPECT(memcmp(kti_out, etherbroadcastaddr, 6) == 0);
	KT_EXPECT_EQ(kti_get16(kti_out + 12), ETHERTYPE_ARP);
	KT_EXPECT_EQ(kti_get16(a + 6), ARPOP_REQUEST);
	KT_EXPECT(memcmp(a + 8, kti_mac, 6) == 0);
	KT_EXPECT_EQ((in_addr_t)kti_get16(a + 24) << 16 | kti_get16(a + 26),
	    KTI_PEER);
	KT_EXPECT_EQ(arpstat.txrequests - a0.txrequests, 1);
	/* A second one replaces the first (dropped), no second request. */
	s.seq = 2;
	kti_feed(kti_in, kti_build(&s, kti_in), L_TINY);
	KT_EXPECT_EQ(kti_nq, 0);
	KT_EXPECT_EQ(arpstat.dropped - a0.dropped, 1);
	KT_EXPECT_EQ(arpstat.txrequests - a0.txrequests, 1);
	/* The answer releases the held reply. */
	len = kti_build_arp(kti_in, ARPOP_REPLY, kti_peermac, KTI_PEER,
	    ntohl(in_ifaddr.ia_addr.s_addr));
	kti_feed(kti_in, len, L_CLUSTER);
	KT_ASSERT_EQ(kti_nq, 1);
	len = kti_take(NULL);
	kti_check_udp_echo(kt, &s, len);
	KT_EXPECT_EQ(arpstat.rxreplies - a0.rxreplies, 1);
	KT_EXPECT(arp_lookup(&kti_ifp, kti_ip(KTI_PEER), lla));
	/* Off the subnet: the gateway's address frames it, no new request. */
	s.src = KTI_FAR;
	s.seq = 3;
	kti_feed(kti_in, kti_build(&s, kti_in), L_CLUSTER);
	KT_ASSERT_EQ(kti_nq, 1);
	len = kti_take(NULL);
	KT_EXPECT(memcmp(kti_out, kti_peermac, 6) == 0);
	KT_EXPECT_EQ((in_addr_t)kti_get16(kti_out + ETHER_HDR_LEN + 16) << 16 |
	    kti_get16(kti_out + ETHER_HDR_LEN + 18), KTI_FAR);
	/* A host on the subnet is asked for; detach frees what it held. */
	s.src = KTI_HOST2;
	kti_feed(kti_in, kti_build(&s, kti_in), L_CLUSTER);
	KT_ASSERT_EQ(kti_nq, 1);
	(void)kti_take(NULL);
	KT_EXPECT_EQ(arpstat.txrequests - a0.txrequests, 2);
	ether_ifdetach(&kti_ifp);
	KT_EXPECT_EQ(arpstat.dropped - a0.dropped, 2);
	KT_EXPECT_EQ(if_attach(&kti_ifp), 0);
}

KTEST(inet, arp_resolves_and_holds)
{
	kti_run(kt, kti_resolve_body);
}

static void
kti_icmp_body(struct ktest_ctx *kt)
{
	static const int sizes[] = { 0, 1, 56, 57, 1000, KTI_MAXPAY };
	struct icmpstat i0 = icmpstat;
	struct kti_pkt s;
	const uint8_t *ic = kti_out + ETHER_HDR_LEN + 20;
	struct mbuf *fed, *sent;
	uint64_t cl;
	int i, len, n = 0;

	kti_learn_peer(kt);
	for (i = 0; i < (int)nitems(sizes); i++) {
		memset(&s, 0, sizeof(s));
		s.proto = IPPROTO_ICMP;
		s.paylen = sizes[i];
		s.seq = i + 1;
		len = kti_build(&s, kti_in);
		fed = kti_chain(kti_in, len, i % L_NLAYOUTS);
		cl = kti_clallocs();
		kti_ifp.if_input(&kti_ifp, fed);
		KT_ASSERT_EQ(kti_nq, 1);
		len = kti_take(&sent);
		KT_EXPECT_EQ(kti_clallocs(), cl);
		if (i % L_NLAYOUTS == L_CLUSTER)
			KT_EXPECT(sent == fed);
		kti_check_ip(kt, kti_out, len, kti_peermac, KTI_PEER,
		    IPPROTO_ICMP, 20 + 8 + sizes[i]);
		KT_EXPECT_EQ(ic[0], ICMP_ECHOREPLY);
		KT_EXPECT_EQ(ic[1], 0);
		KT_EXPECT_EQ(kti_get16(ic + 4), 0x4242);
		KT_EXPECT_EQ(kti_get16(ic + 6), s.seq);
		KT_EXPECT_EQ(kti_sum(ic, 8 + sizes[i], 0), 0xffff);
		KT_EXPECT_EQ(kti_payload_bad(ic + 8, sizes[i], s.seq), 0);
		n++;
	}
	KT_EXPECT_EQ(icmpstat.icps_inhist[ICMP_ECHO] -
	    i0.icps_inhist[ICMP_ECHO], n);
	KT_EXPECT_EQ(icmpstat.icps_outhist[ICMP_ECHOREPLY] -
	    i0.icps_outhist[ICMP_ECHOREPLY], n);
	KT_EXPECT_EQ(icmpstat.icps_reflect - i0.icps_reflect, n);
	/* An echo reply is counted and not answered. */
	s.icmp_reply = 1;
	kti_feed(kti_in, kti_build(&s, kti_in), L_CLUSTER);
	KT_EXPECT_EQ(kti_nq, 0);
	KT_EXPECT_EQ(icmpstat.icps_inhist[ICMP_ECHOREPLY] -
	    i0.icps_inhist[ICMP_ECHOREPLY], 1);
}

KTEST(inet, icmp_echo)
{
	kti_run(kt, kti_icmp_body);
}

/*
 * Every UDP size, rotating the layouts; a tenth without a checksum.  The
 * reply allocates no cluster, and no mbuf at all when the request is one
 * cluster (its first mbuf is the reply's).
 */
static void
kti_udp_body(struct ktest_ctx *kt)
{
	struct udpstat u0 = udpstat;
	struct ipstat i0 = ipstat;
	struct kti_pkt s;
	struct mbuf *fed, *sent;
	uint64_t cl, mb;
	int size, len, layout, nosum = 0, bad = 0;

	kti_learn_peer(kt);
	for (size = 0; size <= KTI_MAXPAY; size++) {
		memset(&s, 0, sizeof(s));
		s.paylen = size;
		s.seq = size;
		s.sport = 1024 + size;
		s.sum = size % 10 == 3 ? 1 : 0;
		nosum += s.sum;
		layout = size % L_NLAYOUTS;
		len = kti_build(&s, kti_in);
		fed = kti_chain(kti_in, len, layout);
		cl = kti_clallocs();
		mb = kti_mballocs();
		kti_ifp.if_input(&kti_ifp, fed);
		if (kti_nq != 1) {
			KT_FAIL("size %d layout %d: %d frames sent", size,
			    layout, kti_nq);
		}
		len = kti_take(&sent);
		if (kti_clallocs() != cl)
			KT_FAIL("size %d layout %d: a cluster was allocated",
			    size, layout);
		if (layout == L_CLUSTER && (sent != fed ||
		    kti_mballocs() != mb))
			KT_FAIL("size %d: the reply is not the request's chain",
			    size);
		kti_check_udp_echo(kt, &s, len);
		if (kt->kc_failed != 0 && bad++ == 0)
			printf("# first failure at size %d layout %d\n", size,
			    layout);
		if (bad > 0)
			return;
	}
	KT_EXPECT_EQ(udpstat.udps_ipackets - u0.udps_ipackets, KTI_MAXPAY + 1);
	KT_EXPECT_EQ(udpstat.udps_opackets - u0.udps_opackets, KTI_MAXPAY + 1);
	KT_EXPECT_EQ(udpstat.udps_nosum - u0.udps_nosum, nosum);
	KT_EXPECT_EQ(ipstat.ips_delivered - i0.ips_delivered, KTI_MAXPAY + 1);
	KT_EXPECT_EQ(ipstat.ips_localout - i0.ips_localout, KTI_MAXPAY + 1);
	KT_EXPECT_EQ(udpstat.udps_badsum - u0.udps_badsum, 0);
}

KTEST(inet, udp_echo_every_size)
{
	kti_run(kt, kti_udp_body);
}

/*
 * Padding after the packet and a datagram shorter than its IP payload are
 * trimmed; a request with IP options is answered without them.
 */
static void
kti_trim_body(struct ktest_ctx *kt)
{
	uint8_t *ip = kti_in + ETHER_HDR_LEN, *u = ip + 20;
	struct kti_pkt s;
	int len, layout;

	kti_learn_peer(kt);
	for (layout = 0; layout < L_NLAYOUTS; layout++) {
		memset(&s, 0, sizeof(s));
		s.paylen = 5;
		s.seq = 9;
		s.pad = 31;		/* a 60-byte minimum frame and more */
		kti_feed(kti_in, kti_build(&s, kti_in), layout);
		KT_ASSERT_EQ(kti_nq, 1);
		len = kti_take(NULL);
		kti_check_udp_echo(kt, &s, len);
		/* uh_ulen 8 + 10 inside an IP payload of 8 + 30. */
		s.paylen = 30;
		s.pad = 0;
		s.ulen = 8 + 10;
		len = kti_build(&s, kti_in);
		/* Its checksum is over the 18 bytes uh_ulen says. */
		kti_put16(u + 6, 0);
		kti_put16(u + 6, (int)(~kti_sum(u, 18, kti_pseudo(ip,
		    IPPROTO_UDP, 18)) & 0xffff));
		kti_feed(kti_in, len, layout);
		KT_ASSERT_EQ(kti_nq, 1);
		len = kti_take(NULL);
		s.paylen = 10;
		s.ulen = 0;
		kti_check_udp_echo(kt, &s, len);
		/* IP options (40 bytes): the reply goes without them. */
		memset(&s, 0, sizeof(s));
		s.ip_hl = 15;
		s.paylen = 200;
		s.seq = 4;
		kti_feed(kti_in, kti_build(&s, kti_in), layout);
		KT_ASSERT_EQ(kti_nq, 1);
		kti_check_udp_echo(kt, &s, kti_take(NULL));
	}
}

KTEST(inet, padding_short_ulen_and_options)
{
	kti_run(kt, kti_trim_body);
}

/*
 * Malformed frames: each dropped, nothing sent, its counter up by one.
 */
enum {
	B_RUNT, B_OVERSIZE, B_NOTUS, B_ETHERTYPE, B_IPSMALL, B_VERSION,
	B_HLEN_SMALL, B_HLEN_PAST, B_IPSUM, B_IPLEN_SMALL, B_TRUNCATED,
	B_FRAG_MF, B_FRAG_OFF, B_NOTFORUS, B_SRC_BCAST, B_SRC_MCAST,
	B_SRC_LOOP, B_SRC_SELF, B_PROTO, B_UDP_SHORT, B_ULEN_LONG, B_ULEN_SMALL,
	B_UDP_SUM, B_UDP_NOPORT, B_UDP_BCAST_NOPORT, B_ICMP_SHORT,
	B_ICMP_SUM, B_ICMP_BCAST, B_ARP_SHORT, B_ARP_HLN, B_ARP_DUPIP,
	B_NCASES
};

static const char *kti_bad_names[B_NCASES] = {
	"runt", "oversize", "notus", "ethertype", "ipsmall", "version",
	"hlen_small", "hlen_past", "ipsum", "iplen_small", "truncated",
	"frag_mf", "frag_off", "notforus", "src_bcast", "src_mcast",
	"src_loop", "src_self", "proto", "udp_short", "ulen_long", "ulen_small",
	"udp_sum", "udp_noport", "udp_bcast_noport", "icmp_short",
	"icmp_sum", "icmp_bcast", "arp_short", "arp_hln", "arp_dupip",
};

/* Build case c into kti_in; the counter that must move, via c64 or cl. */
static int
kti_bad(int c, volatile uint64_t **c64, u_long **cl)
{
	in_addr_t me = ntohl(in_ifaddr.ia_addr.s_addr);
	in_addr_t bcast = me | ~ntohl(in_ifaddr.ia_netmask.s_addr);
	struct kti_pkt s;
	int len;

	memset(&s, 0, sizeof(s));
	s.paylen = 40;
	*c64 = NULL;
	*cl = NULL;
	switch (c) {
	case B_RUNT:
		s.cut = 10;
		*cl = &kti_ifp.if_ierrors;
		break;
	case B_OVERSIZE:
		s.paylen = KTI_MAXPAY + 1;
		*cl = &kti_ifp.if_ierrors;
		break;
	case B_NOTUS:
		s.edst = kti_othermac;
		*cl = &kti_ifp.if_iqdrops;
		break;
	case B_ETHERTYPE:
		s.etype = 0x86dd;
		*cl = &kti_ifp.if_noproto;
		break;
	case B_IPSMALL:
		s.cut = ETHER_HDR_LEN + 19;
		*c64 = &ipstat.ips_toosmall;
		break;
	case B_VERSION:
		s.ip_v = 6;
		*c64 = &ipstat.ips_badvers;
		break;
	case B_HLEN_SMALL:
		s.ip_hl = 4;
		*c64 = &ipstat.ips_badhlen;
		break;
	case B_HLEN_PAST:
		s.ip_hl = 15;		/* 60 bytes of header ... */
		s.cut = ETHER_HDR_LEN + 40;	/* ... in 40 */
		*c64 = &ipstat.ips_badhlen;
		break;
	case B_IPSUM:
		s.badipsum = 1;
		*c64 = &ipstat.ips_badsum;
		break;
	case B_IPLEN_SMALL:
		s.ip_len = 19;
		*c64 = &ipstat.ips_badlen;
		break;
	case B_TRUNCATED:
		s.cut = ETHER_HDR_LEN + 20 + 8 + 39;	/* one byte short */
		*c64 = &ipstat.ips_tooshort;
		break;
	case B_FRAG_MF:
		s.ip_off = IP_MF;
		*c64 = &ipstat.ips_fragdropped;
		break;
	case B_FRAG_OFF:
		s.ip_off = 185;
		*c64 = &ipstat.ips_fragments;
		break;
	case B_NOTFORUS:
		s.dst = KTI_HOST2;
		*c64 = &ipstat.ips_cantforward;
		break;
	case B_SRC_BCAST:
		s.src = bcast;
		*c64 = &ipstat.ips_badaddr;
		break;
	case B_SRC_MCAST:
		s.src = 0xe0000001;
		*c64 = &ipstat.ips_badaddr;
		break;
	case B_SRC_LOOP:
		s.src = 0x7f000001;
		*c64 = &ipstat.ips_badaddr;
		break;
	case B_SRC_SELF:
		s.src = me;
		*c64 = &ipstat.ips_badaddr;
		break;
	case B_PROTO:
		s.proto = 6;
		*c64 = &ipstat.ips_noproto;
		break;
	case B_UDP_SHORT:
		s.paylen = 0;
		s.ip_len = 20 + 4;
		s.cut = ETHER_HDR_LEN + 24;
		*c64 = &udpstat.udps_hdrops;
		break;
	case B_ULEN_LONG:
		s.ulen = 8 + 41;
		*c64 = &udpstat.udps_badlen;
		break;
	case B_ULEN_SMALL:
		s.ulen = 7;
		*c64 = &udpstat.udps_badlen;
		break;
	case B_UDP_SUM:
		s.sum = 2;
		*c64 = &udpstat.udps_badsum;
		break;
	case B_UDP_NOPORT:
		s.dport = 9;
		*c64 = &udpstat.udps_noport;
		break;
	case B_UDP_BCAST_NOPORT:
		s.dport = 9;
		s.dst = bcast;
		*c64 = &udpstat.udps_noportbcast;
		break;
	case B_ICMP_SHORT:
		s.proto = IPPROTO_ICMP;
		s.paylen = 0;
		s.ip_len = 20 + 7;
		s.cut = ETHER_HDR_LEN + 27;
		*c64 = &icmpstat.icps_tooshort;
		break;
	case B_ICMP_SUM:
		s.proto = IPPROTO_ICMP;
		s.sum = 2;
		*c64 = &icmpstat.icps_checksum;
		break;
	case B_ICMP_BCAST:
		s.proto = IPPROTO_ICMP;
		s.dst = INADDR_BROADCAST;
		*c64 = &icmpstat.icps_bmcastecho;
		break;
	case B_ARP_SHORT:
		len = kti_build_arp(kti_in, ARPOP_REQUEST, kti_peermac,
		    KTI_PEER, me);
		*cl = &kti_ifp.if_iqdrops;
		return (len - 9);
	case B_ARP_HLN:
		len = kti_build_arp(kti_in, ARPOP_REQUEST, kti_peermac,
		    KTI_PEER, me);
		kti_in[ETHER_HDR_LEN + 4] = 8;
		*cl = &kti_ifp.if_iqdrops;
		return (len);
	case B_ARP_DUPIP:
		len = kti_build_arp(kti_in, ARPOP_REQUEST, kti_othermac, me,
		    me);
		*c64 = &arpstat.dupips;
		return (len);
	}
	return (kti_build(&s, kti_in));
}

static void
kti_bad_body(struct ktest_ctx *kt)
{
	volatile uint64_t *c64;
	struct kti_pkt s;
	struct ipstat i0;
	u_long *cl;
	uint64_t before;
	int c, layout, len;

	kti_learn_peer(kt);
	for (c = 0; c < B_NCASES; c++) {
		for (layout = 0; layout < L_NLAYOUTS; layout++) {
			len = kti_bad(c, &c64, &cl);
			before = c64 != NULL ? *c64 : *cl;
			i0 = ipstat;
			kti_feed(kti_in, len, layout);
			if (kti_nq != 0)
				KT_FAIL("%s (layout %d): %d frames sent",
				    kti_bad_names[c], layout, kti_nq);
			if ((c64 != NULL ? *c64 : *cl) != before + 1)
				KT_FAIL("%s (layout %d): its counter moved by "
				    "%jd, not 1", kti_bad_names[c], layout,
				    (intmax_t)((c64 != NULL ? *c64 : *cl) -
				    before));
			/* A dropped IP packet is not delivered. */
			if (c >= B_IPSMALL && c <= B_SRC_SELF &&
			    ipstat.ips_delivered != i0.ips_delivered)
				KT_FAIL("%s: counted as delivered",
				    kti_bad_names[c]);
		}
	}
	/* After all that, an echo still works. */
	memset(&s, 0, sizeof(s));
	s.paylen = 64;
	kti_feed(kti_in, kti_build(&s, kti_in), L_TINY);
	KT_ASSERT_EQ(kti_nq, 1);
	kti_check_udp_echo(kt, &s, kti_take(NULL));
}

KTEST(inet, malformed_dropped_and_counted)
{
	kti_run(kt, kti_bad_body);
}

/* A transmit that fails (ring full) frees the reply and is counted. */
static int
kti_transmit_full(struct ifnet *ifp, struct mbuf *m)
{
	m_freem(m);
	ifp->if_oqdrops++;
	return (ENOBUFS);
}

static void
kti_full_body(struct ktest_ctx *kt)
{
	struct ipstat i0;
	struct kti_pkt s;
	int i;

	kti_learn_peer(kt);
	i0 = ipstat;
	kti_ifp.if_transmit = kti_transmit_full;
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 10; i++) {
		s.paylen = i * 100;
		kti_feed(kti_in, kti_build(&s, kti_in), i % L_NLAYOUTS);
	}
	kti_ifp.if_transmit = kti_transmit;
	KT_EXPECT_EQ(kti_ifp.if_oqdrops, 10);
	KT_EXPECT_EQ(ipstat.ips_odropped - i0.ips_odropped, 10);
	KT_EXPECT_EQ(kti_nq, 0);
}

KTEST(inet, transmit_failure_frees)
{
	kti_run(kt, kti_full_body);
}

/*
 * Two interfaces fed at once from two CPUs (as two drivers' receive
 * threads would): every reply checked in if_transmit, the shared counters
 * exact, the ARP table consistent, mbufs back.
 */
#define	KTI_WN	3000

struct kti_worker {
	struct ifnet	w_ifp;
	int		w_cpu;
	int		w_seq;		/* the request being fed */
	int		w_paylen;
	volatile int	w_done;
	u_long		w_good, w_bad;
	uint8_t		w_in[KTI_MAXFRAME], w_out[KTI_MAXFRAME];
};

static struct kti_worker kti_w[2];

static int
kti_w_transmit(struct ifnet *ifp, struct mbuf *m)
{
	struct kti_worker *w = ifp->if_softc;
	const uint8_t *ip = w->w_out + ETHER_HDR_LEN, *u = ip + 20;
	int len = m->m_pkthdr.len, ulen = 8 + w->w_paylen;

	if (len <= KTI_MAXFRAME)
		m_copydata(m, 0, len, (caddr_t)w->w_out);
	m_freem(m);
	if (len >= ETHER_HDR_LEN && kti_get16(w->w_out + 12) == ETHERTYPE_ARP)
		return (0);
	if (len == ETHER_HDR_LEN + 20 + ulen && kti_sum(ip, 20, 0) == 0xffff &&
	    kti_get16(u + 2) == 2000 + w->w_cpu &&
	    kti_sum(u, ulen, kti_pseudo(ip, IPPROTO_UDP, ulen)) == 0xffff &&
	    kti_payload_bad(u + 8, w->w_paylen, w->w_seq) == 0)
		w->w_good++;
	else
		w->w_bad++;
	return (0);
}

static void
kti_w_main(void *arg)
{
	struct kti_worker *w = arg;
	struct kti_pkt s;
	int i, len;

	sched_bind(curthread, w->w_cpu);
	len = kti_build_arp(w->w_in, ARPOP_REQUEST, kti_peermac, KTI_PEER,
	    ntohl(in_ifaddr.ia_addr.s_addr));
	memcpy(w->w_in, w->w_ifp.if_lladdr, ETHER_ADDR_LEN);
	w->w_ifp.if_input(&w->w_ifp, kti_chain(w->w_in, len, L_CLUSTER));
	for (i = 0; i < KTI_WN; i++) {
		memset(&s, 0, sizeof(s));
		s.edst = w->w_ifp.if_lladdr;
		s.paylen = (i * 37 + w->w_cpu * 11) % (KTI_MAXPAY + 1);
		s.seq = i;
		s.sport = 2000 + w->w_cpu;
		w->w_seq = i;
		w->w_paylen = s.paylen;
		len = kti_build(&s, w->w_in);
		w->w_ifp.if_input(&w->w_ifp, kti_chain(w->w_in, len,
		    i % L_NLAYOUTS));
	}
	sched_unbind(curthread);
	atomic_store_rel_int((volatile u_int *)&w->w_done, 1);
	kthread_exit();
}

KTEST(inet, two_cpus_at_once)
{
	static const uint8_t macs[2][ETHER_ADDR_LEN] = {
	    { 0x02, 0, 0, 0, 0x0a, 1 }, { 0x02, 0, 0, 0, 0x0b, 1 } };
	struct mbstat before, after;
	struct udpstat u0 = udpstat;
	struct kti_worker *w;
	int i, waited;

	if (mp_ncpus < 2)
		KT_SKIP("needs two CPUs");
	mbstat_get(&before);
	for (i = 0; i < 2; i++) {
		w = &kti_w[i];
		memset(w, 0, sizeof(*w));
		snprintf(w->w_ifp.if_xname, IFNAMSIZ, "ktw%d", i);
		w->w_ifp.if_softc = w;
		w->w_ifp.if_transmit = kti_w_transmit;
		w->w_cpu = i;
		ether_ifattach(&w->w_ifp, macs[i]);
	}
	for (i = 0; i < 2; i++)
		KT_ASSERT_EQ(kthread_add(kti_w_main, &kti_w[i], NULL, NULL, 0,
		    0, "ktw%d", i), 0);
	for (waited = 0; waited < 1200 && (atomic_load_acq_int((volatile
	    u_int *)&kti_w[0].w_done) == 0 || atomic_load_acq_int(
	    (volatile u_int *)&kti_w[1].w_done) == 0); waited++)
		pause("ktiw", hz / 10);
	for (i = 0; i < 2; i++) {
		w = &kti_w[i];
		KT_ASSERT_EQ(w->w_done, 1);	/* else the threads still run */
		ether_ifdetach(&w->w_ifp);
		KT_EXPECT_EQ(w->w_good, KTI_WN);
		KT_EXPECT_EQ(w->w_bad, 0);
	}
	KT_EXPECT_EQ(udpstat.udps_ipackets - u0.udps_ipackets, 2 * KTI_WN);
	KT_EXPECT_EQ(udpstat.udps_opackets - u0.udps_opackets, 2 * KTI_WN);
	mbstat_get(&after);
	KT_EXPECT_EQ(after.m_mbufs, before.m_mbufs);
	KT_EXPECT_EQ(after.m_mclusts, before.m_mclusts);
}

/*
 * A resolved entry lives net.link.ether.inet.max_age seconds, then is asked
 * for again; the sysctl refuses 0.
 */
static void
kti_expire_body(struct ktest_ctx *kt)
{
	struct arpstat a0;
	struct kti_pkt s;
	uint8_t lla[ETHER_ADDR_LEN];
	int one = 1, orig = 0, len;
	size_t olen = sizeof(orig);

	KT_ASSERT_EQ(kernel_sysctlbyname("net.link.ether.inet.max_age", &orig,
	    &olen, &one, sizeof(one)), 0);
	KT_EXPECT_EQ(orig, 1200);
	kti_learn_peer(kt);
	KT_EXPECT(arp_lookup(&kti_ifp, kti_ip(KTI_PEER), lla));
	pause("ktiarp", hz + hz / 2);
	a0 = arpstat;
	KT_EXPECT(!arp_lookup(&kti_ifp, kti_ip(KTI_PEER), lla));
	KT_EXPECT_EQ(arpstat.timeouts - a0.timeouts, 1);
	/* An echo now waits for a new answer: a request goes out. */
	memset(&s, 0, sizeof(s));
	s.paylen = 20;
	kti_feed(kti_in, kti_build(&s, kti_in), L_CLUSTER);
	KT_EXPECT_EQ(kti_nq, 1);
	len = kti_take(NULL);
	KT_EXPECT_EQ(len, ETHER_HDR_LEN + 28);
	KT_EXPECT_EQ(kti_get16(kti_out + ETHER_HDR_LEN + 6), ARPOP_REQUEST);
	KT_EXPECT_EQ(arpstat.txrequests - a0.txrequests, 1);
	KT_EXPECT_EQ(kernel_sysctlbyname("net.link.ether.inet.max_age", NULL,
	    NULL, &orig, sizeof(orig)), 0);
	/* Refused: the value stays. */
	one = 0;
	KT_EXPECT_EQ(kernel_sysctlbyname("net.link.ether.inet.max_age", NULL,
	    NULL, &one, sizeof(one)), EINVAL);
	len = 0;
	olen = sizeof(len);
	KT_EXPECT_EQ(kernel_sysctlbyname("net.link.ether.inet.max_age", &len,
	    &olen, NULL, 0), 0);
	KT_EXPECT_EQ(len, orig);
}

KTEST(inet, arp_entry_expires)
{
	kti_run(kt, kti_expire_body);
}

/*
 * Fuzz: valid UDP, ICMP and ARP frames with 1 to 4 random bytes changed
 * (half of them in the first 42, the headers), cut or padded at random,
 * fed over every layout.  Nothing may panic or leak, and whatever goes out
 * must be well formed: an IPv4 frame from us with a right header checksum
 * and a right UDP or ICMP checksum, or an ARP reply or request.
 */
#define	KTI_FUZZ	6000

static uint32_t kti_rng = 0x2545f491;

static uint32_t
kti_rand(void)
{
	kti_rng ^= kti_rng << 13;
	kti_rng ^= kti_rng >> 17;
	kti_rng ^= kti_rng << 5;
	return (kti_rng);
}

/* 0 if the frame in kti_out (len bytes) is one we may send. */
static int
kti_sane(int len)
{
	const uint8_t *ip = kti_out + ETHER_HDR_LEN, *t = ip + 20;
	int iplen, tl;

	if (len < ETHER_HDR_LEN || memcmp(kti_out + 6, kti_mac, 6) != 0)
		return (1);
	if (kti_get16(kti_out + 12) == ETHERTYPE_ARP)
		return (len == ETHER_HDR_LEN + 28 ? 0 : 2);
	if (kti_get16(kti_out + 12) != ETHERTYPE_IP || len < ETHER_HDR_LEN + 28)
		return (3);
	iplen = kti_get16(ip + 2);
	tl = iplen - 20;
	if (ip[0] != 0x45 || iplen != len - ETHER_HDR_LEN ||
	    kti_sum(ip, 20, 0) != 0xffff)
		return (4);
	if (((in_addr_t)kti_get16(ip + 12) << 16 | kti_get16(ip + 14)) !=
	    ntohl(in_ifaddr.ia_addr.s_addr))
		return (5);
	if (ip[9] == IPPROTO_UDP)
		return (kti_get16(t + 4) == tl && kti_sum(t, tl,
		    kti_pseudo(ip, IPPROTO_UDP, tl)) == 0xffff ? 0 : 6);
	if (ip[9] == IPPROTO_ICMP)
		return (t[0] == ICMP_ECHOREPLY && kti_sum(t, tl, 0) == 0xffff ?
		    0 : 7);
	return (8);
}

static void
kti_fuzz_body(struct ktest_ctx *kt)
{
	struct kti_pkt s;
	int i, j, len, why, sent = 0;

	kti_learn_peer(kt);
	for (i = 0; i < KTI_FUZZ; i++) {
		memset(&s, 0, sizeof(s));
		s.paylen = kti_rand() % 200;
		s.seq = i;
		switch (kti_rand() % 3) {
		case 0:
			len = kti_build(&s, kti_in);
			break;
		case 1:
			s.proto = IPPROTO_ICMP;
			len = kti_build(&s, kti_in);
			break;
		default:
			len = kti_build_arp(kti_in, ARPOP_REQUEST, kti_peermac,
			    KTI_PEER, ntohl(in_ifaddr.ia_addr.s_addr));
			break;
		}
		for (j = kti_rand() % 4; j >= 0; j--)
			kti_in[kti_rand() % (kti_rand() % 2 ? 42 : len)] ^=
			    (uint8_t)(1 + kti_rand() % 255);
		memcpy(kti_in, kti_mac, ETHER_ADDR_LEN);	/* for us */
		switch (kti_rand() % 4) {
		case 0:
			len = kti_rand() % len;			/* cut */
			break;
		case 1:
			for (j = kti_rand() % 64; j > 0 && len < KTI_MAXFRAME;
			    j--)
				kti_in[len++] = (uint8_t)kti_rand();
			break;
		}
		kti_feed(kti_in, len, kti_rand() % L_NLAYOUTS);
		while (kti_nq > 0) {
			len = kti_take(NULL);
			if ((why = kti_sane(len)) != 0)
				KT_FAIL("frame %d: a bad frame sent (%d), %d "
				    "bytes", i, why, len);
			sent++;
		}
	}
	printf("# %d fuzzed frames, %d answers\n", KTI_FUZZ, sent);
	KT_EXPECT_GT(sent, 0);
}

KTEST(inet, fuzzed_frames)
{
	kti_run(kt, kti_fuzz_body);
}
