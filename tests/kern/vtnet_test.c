/*
 * virtio-net (sys/dev/virtio/network/if_vtnet.c) on QEMU's user
 * networking (plan key net=user).  Without a NIC every case skips.
 *
 * Frames cannot loop back inside user networking, so the peer is QEMU's
 * slirp: it answers an ARP request for its gateway 10.0.2.2.  The cases
 * replace ifp->if_input with a hook that keeps the ARP reply and frees
 * every frame (and put the old one back), so they work with the weak
 * stub stack of if_vtnet.c and with the real one.  The request is sent
 * as a chain of several mbufs of different kinds: slirp answers only a
 * well-formed frame, so the answer proves the gather of every mbuf.
 *
 * Checked: the attach (name, MAC, MTU, flags, M_DEVBUF memory), the
 * receive ring full of packet-zone mbufs, counters and interrupts of both
 * queues, transmitted chains freed when the device returns them (mbuf
 * and cluster zones back to their counts), a chain with too many
 * segments refused EFBIG and freed, and receive refills that fail under
 * kern.ipc.nmbclusters: counted, retried, and the ring full again once
 * clusters are back.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <net/if_var.h>
#include <vm/vm.h>
#include <vm/uma.h>

#define	VN_WAIT_TICKS	(20 * hz)
#define	ETHERTYPE_ARP	0x0806
#define	VN_ARPLEN	42		/* Ethernet + ARP for IPv4 */

static const uint8_t vn_qemu_mac[ETHER_ADDR_LEN] =
    { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };	/* QEMU's first NIC */
static const uint8_t vn_our_ip[4] = { 10, 0, 2, 15 };
static const uint8_t vn_gw_ip[4] = { 10, 0, 2, 2 };

static void	(*vn_saved_input)(struct ifnet *, struct mbuf *);
static volatile u_int vn_frames, vn_replies, vn_bad_rcvif;
static uint8_t	vn_reply[VN_ARPLEN];
/* While vn_keeping, vn_input keeps frames here instead of freeing them. */
#define	VN_KEEP		32
static struct mbuf *vn_kept[VN_KEEP];
static volatile u_int vn_nkept;
static volatile int vn_keeping;

static uint64_t
vn_sysctl(const char *name)
{
	uint64_t v;
	u_int i;
	u_long l;
	size_t len;

	v = 0;
	len = sizeof(v);
	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0)
		return (~0ULL);
	if (len == sizeof(i)) {
		memcpy(&i, &v, sizeof(i));
		return (i);
	}
	memcpy(&l, &v, sizeof(l));
	return (l);
}

/* The test's if_input: keep ARP replies from the gateway, free all. */
static void
vn_input(struct ifnet *ifp, struct mbuf *m)
{
	const uint8_t *p;

	atomic_add_int(&vn_frames, 1);
	if (m->m_pkthdr.rcvif != ifp || (m->m_flags & M_PKTHDR) == 0)
		atomic_add_int(&vn_bad_rcvif, 1);
	p = mtod(m, const uint8_t *);
	if (m->m_len >= VN_ARPLEN && p[12] == ETHERTYPE_ARP >> 8 &&
	    p[13] == (ETHERTYPE_ARP & 0xff) && p[20] == 0 && p[21] == 2 &&
	    memcmp(p + 28, vn_gw_ip, 4) == 0) {
		memcpy(vn_reply, p, VN_ARPLEN);
		atomic_add_int(&vn_replies, 1);
		wakeup(__DEVOLATILE(void *, &vn_replies));
	}
	if (vn_keeping && vn_nkept < VN_KEEP) {
		vn_kept[vn_nkept] = m;
		atomic_add_int(&vn_nkept, 1);
		return;
	}
	m_freem(m);
}

static struct ifnet *
vn_hook(void)
{
	struct ifnet *ifp;

	if ((ifp = ifunit("vtnet0")) == NULL)
		return (NULL);
	vn_saved_input = ifp->if_input;
	vn_frames = vn_replies = vn_bad_rcvif = 0;
	__atomic_store_n(&ifp->if_input, vn_input, __ATOMIC_RELEASE);
	return (ifp);
}

static void
vn_unhook(struct ifnet *ifp)
{
	__atomic_store_n(&ifp->if_input, vn_saved_input, __ATOMIC_RELEASE);
}

#define	VN_IFP(ifp)	do {						\
	(ifp) = vn_hook();						\
	if ((ifp) == NULL)						\
		KT_SKIP("no vtnet0: boot with a NIC (plan key net=user)"); \
} while (0)

/* External storage of our own whose free routine counts. */
static uint8_t	vn_extbuf[2 * PAGE_SIZE] __aligned(PAGE_SIZE);
static volatile u_int vn_ext_freed;

static void
vn_ext_free(void *buf __unused, void *arg __unused)
{
	atomic_add_int(&vn_ext_freed, 1);
}

static struct mbuf *
vn_append(struct mbuf *tail, const void *p, int len, int ext)
{
	struct mbuf *m;

	m = m_get(M_WAITOK, MT_DATA);
	if (ext) {
		MEXTADD(m, vn_extbuf, sizeof(vn_extbuf), vn_ext_free, NULL, 0,
		    EXT_NET_DRV);
		/* Across the page boundary of the buffer. */
		m->m_data += PAGE_SIZE - 5;
	} else
		m->m_data += 3;	/* Not at the start: any offset works. */
	memcpy(mtod(m, void *), p, len);
	m->m_len = len;
	tail->m_next = m;
	return (m);
}

/*
 * "Who has 10.0.2.2? Tell 10.0.2.15" as a chain: Ethernet header in the
 * packet header mbuf, the ARP fixed part in a plain mbuf, the addresses
 * in external storage across a page boundary (if ext) or a plain mbuf,
 * the hardware target in an empty mbuf and a plain one.
 */
static struct mbuf *
vn_arp_request(struct ifnet *ifp, int ext)
{
	uint8_t eth[14], fixed[8], addrs[14], target[6 + 4];
	struct mbuf *m, *t;

	memset(eth, 0xff, 6);
	memcpy(eth + 6, ifp->if_lladdr, 6);
	eth[12] = ETHERTYPE_ARP >> 8;
	eth[13] = ETHERTYPE_ARP & 0xff;
	fixed[0] = 0; fixed[1] = 1;		/* Ethernet */
	fixed[2] = 0x08; fixed[3] = 0x00;	/* IPv4 */
	fixed[4] = 6; fixed[5] = 4;
	fixed[6] = 0; fixed[7] = 1;		/* request */
	memcpy(addrs, ifp->if_lladdr, 6);
	memcpy(addrs + 6, vn_our_ip, 4);
	memset(addrs + 10, 0, 4);		/* first 4 bytes of tha */
	memset(target, 0, 2);			/* last 2 bytes of tha */
	memcpy(target + 2, vn_gw_ip, 4);

	m = m_gethdr(M_WAITOK, MT_DATA);
	memcpy(mtod(m, void *), eth, sizeof(eth));
	m->m_len = sizeof(eth);
	t = vn_append(m, fixed, sizeof(fixed), 0);
	t = vn_append(t, addrs, sizeof(addrs), ext);
	t = vn_append(t, target, 0, 0);		/* an empty mbuf */
	t = vn_append(t, target, 6, 0);
	m->m_pkthdr.len = VN_ARPLEN;
	return (m);
}

static int
vn_wait_replies(u_int n)
{
	int start = ticks;

	while (atomic_load_int(&vn_replies) < n) {
		if (ticks - start > VN_WAIT_TICKS)
			return (ETIMEDOUT);
		tsleep(__DEVOLATILE(void *, &vn_replies), 0, "vnarp", hz / 10);
	}
	return (0);
}

static int
vn_wait_sysctl(const char *name, uint64_t want)
{
	int start = ticks;

	while (vn_sysctl(name) != want) {
		if (ticks - start > VN_WAIT_TICKS)
			return (ETIMEDOUT);
		pause("vnwait", hz / 20 + 1);
	}
	return (0);
}

KTEST(vtnet, attach_mac_and_flags)
{
	struct ifnet *ifp;

	VN_IFP(ifp);
	vn_unhook(ifp);
	KT_EXPECT_STREQ(ifp->if_xname, "vtnet0");
	KT_EXPECT_STREQ(ifp->if_dname, "vtnet");
	KT_EXPECT_EQ(ifp->if_dunit, 0);
	KT_EXPECT_EQ(memcmp(ifp->if_lladdr, vn_qemu_mac, ETHER_ADDR_LEN), 0);
	KT_EXPECT_EQ(ifp->if_mtu, 1500);
	KT_EXPECT_EQ(ifp->if_flags & (IFF_UP | IFF_RUNNING),
	    IFF_UP | IFF_RUNNING);
	KT_EXPECT_NOT_NULL(ifp->if_transmit);
	KT_EXPECT_NOT_NULL(ifp->if_input);
	KT_EXPECT_NULL(ifunit("vtnet1"));
	KT_EXPECT_EQ(ifp->if_ierrors, 0);
}

/* The ring is full of packet-zone mbufs, each one of the zone's. */
KTEST(vtnet, rx_ring_full_of_packet_mbufs)
{
	struct ifnet *ifp;
	uint64_t posted;

	VN_IFP(ifp);
	vn_unhook(ifp);
	KT_ASSERT_EQ(vn_wait_sysctl("dev.vtnet.0.rx_posted", 255), 0);
	posted = vn_sysctl("dev.vtnet.0.rx_posted");
	KT_EXPECT_GE(uma_zone_get_cur(zone_pack), (int)posted);
	KT_EXPECT_GE(uma_zone_get_cur(zone_clust), (int)posted);
}

/*
 * An ARP request sent as a five-mbuf chain is answered by the gateway:
 * transmit gathered the chain, receive delivered the reply to if_input
 * from the thread, both queues interrupted, the counters moved, and the
 * chain went back to the zones once the device was done with it.
 */
KTEST(vtnet, arp_gateway_answers_chain)
{
	struct ifnet *ifp;
	uint64_t rxi0, txi0;
	u_long opk, obytes, ipk;
	int mb0;

	VN_IFP(ifp);
	KT_ASSERT_EQ(vn_wait_sysctl("dev.vtnet.0.tx_inflight", 0), 0);
	mb0 = uma_zone_get_cur(zone_mbuf);
	vn_ext_freed = 0;
	rxi0 = vn_sysctl("dev.vtnet.0.rxq0.interrupts");
	txi0 = vn_sysctl("dev.vtnet.0.txq0.interrupts");
	opk = ifp->if_opackets;
	obytes = ifp->if_obytes;
	ipk = ifp->if_ipackets;
	KT_EXPECT_EQ(ifp->if_transmit(ifp, vn_arp_request(ifp, 1)), 0);
	KT_EXPECT_EQ(vn_wait_replies(1), 0);
	vn_unhook(ifp);
	KT_ASSERT_GE(vn_replies, 1);
	/* Reply: to us, from 10.0.2.2, with its MAC as the sender's. */
	KT_EXPECT_EQ(memcmp(vn_reply, ifp->if_lladdr, 6), 0);
	KT_EXPECT_EQ(memcmp(vn_reply + 22, vn_reply + 6, 6), 0);
	KT_EXPECT_EQ(memcmp(vn_reply + 32, ifp->if_lladdr, 6), 0);
	KT_EXPECT_EQ(memcmp(vn_reply + 38, vn_our_ip, 4), 0);
	KT_EXPECT_EQ(vn_bad_rcvif, 0);
	KT_EXPECT_EQ(ifp->if_opackets - opk, 1);
	KT_EXPECT_EQ(ifp->if_obytes - obytes, VN_ARPLEN);
	KT_EXPECT_GE(ifp->if_ipackets - ipk, 1);
	/*
	 * An interrupt woke the thread (it sleeps without a timeout here);
	 * which queue's depends on timing: the reply may come in while the
	 * thread, woken by the transmit's completion, has interrupts off.
	 */
	KT_EXPECT_GT(vn_sysctl("dev.vtnet.0.rxq0.interrupts") +
	    vn_sysctl("dev.vtnet.0.txq0.interrupts"), rxi0 + txi0);
	/* The chain is freed once the device hands it back. */
	KT_EXPECT_EQ(vn_wait_sysctl("dev.vtnet.0.tx_inflight", 0), 0);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_mbuf), mb0);
	KT_EXPECT_EQ(vn_ext_freed, 1);
	KT_EXPECT_EQ(vn_wait_sysctl("dev.vtnet.0.rx_posted", 255), 0);
}

/* More segments than a transmit chain may have: EFBIG, freed, counted. */
KTEST(vtnet, tx_too_many_segments_refused)
{
	struct ifnet *ifp;
	struct mbuf *m, *t;
	u_long oqd, opk;
	int i, mb0;
	uint8_t byte = 0x5a;

	VN_IFP(ifp);
	vn_unhook(ifp);
	mb0 = uma_zone_get_cur(zone_mbuf);
	oqd = ifp->if_oqdrops;
	opk = ifp->if_opackets;
	m = m_gethdr(M_WAITOK, MT_DATA);
	m->m_len = 0;
	for (t = m, i = 0; i < 100; i++)
		t = vn_append(t, &byte, 1, 0);
	m->m_pkthdr.len = 100;
	KT_EXPECT_EQ(ifp->if_transmit(ifp, m), EFBIG);
	KT_EXPECT_EQ(ifp->if_oqdrops - oqd, 1);
	KT_EXPECT_EQ(ifp->if_opackets, opk);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_mbuf), mb0);
}

static int
vn_nmb(int set)
{
	int val = -1;
	size_t len = sizeof(val);

	if (set >= 0)
		return (kernel_sysctlbyname("kern.ipc.nmbclusters", NULL, NULL,
		    &set, sizeof(set)));
	if (kernel_sysctlbyname("kern.ipc.nmbclusters", &val, &len, NULL,
	    0) != 0)
		return (-1);
	return (val);
}

/*
 * No packet mbufs to be had (kern.ipc.nmbclusters at what is in use and
 * every cache emptied by holding what it had, on every CPU; received
 * frames kept, not freed): frames still arrive in the buffers already
 * posted, each refill that fails is counted, nothing crashes, and once
 * the mbufs are back the driver's own retry fills the ring again,
 * without any new frame or interrupt to prompt it.
 */
#define	VN_HOLD		2048
static struct mbuf *vn_hold[VN_HOLD];

KTEST(vtnet, rx_refill_failure_retried)
{
	struct ifnet *ifp;
	struct mbuf *m;
	u_long fail0;
	int orig, i, cpu, nhold, error;

	VN_IFP(ifp);
	orig = vn_nmb(-1);
	KT_ASSERT_GT(orig, 0);
	fail0 = vn_sysctl("dev.vtnet.0.rx_mbuf_alloc_failed");
	error = vn_nmb(uma_zone_get_cur(zone_clust));
	nhold = 0;
	for (cpu = 0; cpu < mp_ncpus && error == 0; cpu++) {
		sched_bind(curthread, cpu);
		while (nhold < VN_HOLD &&
		    (m = m_getcl(M_NOWAIT, MT_DATA, M_PKTHDR)) != NULL)
			vn_hold[nhold++] = m;
	}
	sched_unbind(curthread);
	vn_nkept = 0;
	vn_keeping = 1;
	if (error == 0 && nhold < VN_HOLD) {
		/* No cluster in the requests: M_WAITOK would wait. */
		for (i = 0; i < 3; i++) {
			KT_EXPECT_EQ(ifp->if_transmit(ifp,
			    vn_arp_request(ifp, 0)), 0);
			if (vn_wait_replies(i + 1) != 0)
				break;
		}
	}
	/*
	 * Let the thread finish with the last frames and transmit
	 * completions first: from here on only its retry refills the ring.
	 */
	(void)vn_wait_sysctl("dev.vtnet.0.tx_inflight", 0);
	pause("vnsettle", hz / 5 + 1);
	KT_EXPECT_LT(vn_sysctl("dev.vtnet.0.rx_posted"), 255);
	vn_keeping = 0;
	for (i = 0; i < (int)vn_nkept; i++)
		m_freem(vn_kept[i]);
	for (i = 0; i < nhold; i++)
		m_freem(vn_hold[i]);
	if (error == 0)
		KT_EXPECT_EQ(vn_nmb(orig), 0);
	vn_unhook(ifp);
	KT_ASSERT_EQ(error, 0);
	KT_ASSERT_LT(nhold, VN_HOLD);
	KT_EXPECT_EQ(vn_nmb(-1), orig);
	KT_EXPECT_EQ(vn_replies, 3);
	KT_EXPECT_GT(vn_sysctl("dev.vtnet.0.rx_mbuf_alloc_failed"), fail0);
	KT_EXPECT_EQ(vn_wait_sysctl("dev.vtnet.0.rx_posted", 255), 0);
}

/* The driver's memory is M_DEVBUF: vmstat -m's "devbuf" is in use. */
KTEST(vtnet, memory_is_devbuf)
{
	struct ifnet *ifp;
	char *buf, *p;
	size_t len;
	int error;

	VN_IFP(ifp);
	vn_unhook(ifp);
	len = 65536;
	buf = malloc(len, M_TEMP, M_WAITOK | M_ZERO);
	error = kernel_sysctlbyname("kern.malloc", buf, &len, NULL, 0);
	buf[65535] = '\0';
	p = error == 0 ? strstr(buf, " devbuf ") : NULL;
	if (p != NULL) {
		/* "devbuf InUse ...": at least softc, header and the rings. */
		p += strlen(" devbuf ");
		while (*p == ' ')
			p++;
		KT_EXPECT_GE(strtol(p, NULL, 10), 4);
	}
	free(buf, M_TEMP);
	KT_EXPECT_EQ(error, 0);
	KT_EXPECT_NOT_NULL(p);
}
