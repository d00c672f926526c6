/*
 * virtio-net with raw Ethernet frames from a host peer: the plan boots
 * this suite with net=socket, which puts the NIC on a QEMU UDP socket
 * netdev whose other end is tools/framepeer.py.  The peer echoes frames
 * of EtherType 0x88b5 whose payload starts with 'E' (addresses swapped,
 * every other byte kept) and, for 'R' n, sends runts of 1 .. n bytes and
 * then the request back as a marker (any 'R' frame received).  Without
 * that NIC the cases skip.
 *
 * Frame layout: destination, source, type 0x88b5, command, a 16-bit
 * sequence number, then a pattern of (sequence, offset).  The test's
 * if_input checks every echoed byte, the length, the receiving interface
 * and that a frame arrives in one mbuf; the frames are sent as chains
 * split at sizes that vary with the length, in plain mbufs and clusters.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <net/if_var.h>
#include <vm/vm.h>
#include <vm/uma.h>

#define	VF_TYPE_HI	0x88
#define	VF_TYPE_LO	0xb5
#define	VF_HDR		17		/* up to and with the sequence */
#define	VF_NSEQ		1100
#define	VF_WAIT_TICKS	(30 * hz)

static const uint8_t vf_peer_mac[ETHER_ADDR_LEN] =
    { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static void	(*vf_saved_input)(struct ifnet *, struct mbuf *);
static struct ifnet *vf_ifp;
static int	vf_len[VF_NSEQ];		/* expected length by seq */
static volatile u_int vf_got[VF_NSEQ];		/* good echoes by seq */
static volatile u_int vf_good, vf_bad, vf_markers, vf_short, vf_other;
static char	vf_why[128];

static uint8_t
vf_pat(int seq, int off)
{
	return ((uint8_t)(seq * 7 + off * 13 + (off >> 8)));
}

static void
vf_badframe(const char *fmt, int seq, int a, int b)
{
	if (atomic_fetchadd_int(&vf_bad, 1) == 0)
		snprintf(vf_why, sizeof(vf_why), fmt, seq, a, b);
}

/* The test's if_input: check an echo (or count a marker) and free it. */
static void
vf_input(struct ifnet *ifp, struct mbuf *m)
{
	const uint8_t *p = mtod(m, const uint8_t *);
	int len = m->m_pkthdr.len, seq, i;

	if (len < 14) {
		atomic_add_int(&vf_short, 1);
		goto out;
	}
	if (p[12] != VF_TYPE_HI || p[13] != VF_TYPE_LO || len < VF_HDR) {
		atomic_add_int(&vf_other, 1);
		goto out;
	}
	seq = p[15] << 8 | p[16];
	if (p[14] == 'R') {
		atomic_add_int(&vf_markers, 1);
		wakeup(__DEVOLATILE(void *, &vf_good));
		goto out;
	}
	if (p[14] != 'E' || seq >= VF_NSEQ) {
		vf_badframe("seq %d: command 0x%x, length %d", seq, p[14], len);
		goto out;
	}
	if (m->m_pkthdr.rcvif != ifp || m->m_len != len || m->m_next != NULL) {
		vf_badframe("seq %d: rcvif or not one mbuf (%d of %d)", seq,
		    m->m_len, len);
		goto out;
	}
	if (len != vf_len[seq]) {
		vf_badframe("seq %d: length %d, sent %d", seq, len,
		    vf_len[seq]);
		goto out;
	}
	if (memcmp(p, ifp->if_lladdr, 6) != 0 ||
	    memcmp(p + 6, vf_peer_mac, 6) != 0) {
		vf_badframe("seq %d: addresses (%d, %d)", seq, p[5], p[11]);
		goto out;
	}
	for (i = VF_HDR; i < len; i++)
		if (p[i] != vf_pat(seq, i)) {
			vf_badframe("seq %d: byte %d is 0x%02x", seq, i, p[i]);
			goto out;
		}
	atomic_add_int(&vf_got[seq], 1);
	atomic_add_int(&vf_good, 1);
	wakeup(__DEVOLATILE(void *, &vf_good));
out:
	m_freem(m);
}

static int
vf_hook(void)
{
	if ((vf_ifp = ifunit("vtnet0")) == NULL)
		return (0);
	vf_good = vf_bad = vf_markers = vf_short = vf_other = 0;
	memset(__DEVOLATILE(u_int *, vf_got), 0, sizeof(vf_got));
	vf_why[0] = '\0';
	vf_saved_input = vf_ifp->if_input;
	__atomic_store_n(&vf_ifp->if_input, vf_input, __ATOMIC_RELEASE);
	return (1);
}

static void
vf_unhook(void)
{
	__atomic_store_n(&vf_ifp->if_input, vf_saved_input, __ATOMIC_RELEASE);
}

/* Only on the socket netdev: the slirp peer would not echo. */
#define	VF_IFP()	do {						\
	if (!vf_hook())							\
		KT_SKIP("no vtnet0: boot with net=socket");		\
} while (0)

/*
 * Frame seq of len bytes with command cmd, as a chain whose pieces are
 * (len % 5) + 1 roughly equal parts, each in a cluster if it does not fit
 * a plain mbuf.
 */
static struct mbuf *
vf_frame(int cmd, int seq, int len)
{
	uint8_t *buf;
	struct mbuf *m, *n, *tail;
	int npieces, piece, off, i;

	buf = malloc(len, M_TEMP, M_WAITOK);
	memcpy(buf, vf_peer_mac, 6);
	memcpy(buf + 6, vf_ifp->if_lladdr, 6);
	buf[12] = VF_TYPE_HI;
	buf[13] = VF_TYPE_LO;
	buf[14] = cmd;
	buf[15] = seq >> 8;
	buf[16] = seq & 0xff;
	for (i = VF_HDR; i < len; i++)
		buf[i] = vf_pat(seq, i);
	npieces = len % 5 + 1;
	m = tail = NULL;
	for (off = 0; off < len; off += piece) {
		piece = MAX(len / npieces, 1);
		if (len - off < 2 * piece)
			piece = len - off;
		n = m == NULL ? m_gethdr(M_WAITOK, MT_DATA) :
		    m_get(M_WAITOK, MT_DATA);
		if (piece > (m == NULL ? MHLEN : MLEN))
			MCLGET(n, M_WAITOK);
		memcpy(mtod(n, void *), buf + off, piece);
		n->m_len = piece;
		if (m == NULL)
			m = n;
		else
			tail->m_next = n;
		tail = n;
	}
	m->m_pkthdr.len = len;
	free(buf, M_TEMP);
	return (m);
}

static int
vf_wait(volatile u_int *what, u_int n)
{
	int start = ticks;

	while (atomic_load_int(what) < n) {
		if (ticks - start > VF_WAIT_TICKS)
			return (ETIMEDOUT);
		tsleep(__DEVOLATILE(void *, &vf_good), 0, "vfwait", hz / 10);
	}
	return (0);
}

/* A counter, u_int or uint64_t (a 4-byte one fills the low half). */
static uint64_t
vf_sysctl(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof(v);

	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0)
		return (~0ULL);
	return (v);
}

static int
vf_settle(void)
{
	int start = ticks;

	while (vf_sysctl("dev.vtnet.0.tx_inflight") != 0 ||
	    vf_sysctl("dev.vtnet.0.tx_queued") != 0 ||
	    vf_sysctl("dev.vtnet.0.rx_posted") != 255) {
		if (ticks - start > VF_WAIT_TICKS)
			return (ETIMEDOUT);
		pause("vfsettle", hz / 20 + 1);
	}
	return (0);
}

/*
 * Every frame length from the smallest of ours (VF_HDR) to the Ethernet
 * maximum (1514) in steps, one at a time: each echo arrives whole and
 * exact, and afterwards every mbuf is back.
 */
KTEST(vtnet_frames, echo_every_size)
{
	static const int extra[] = { 59, 60, 61, 64, 127, 128, 129, 255, 256,
	    511, 512, 1023, 1024, 1499, 1500, 1513, 1514 };
	int seq, len, mb0, n;
	u_long ipk0, opk0, rxi0, txi0;

	VF_IFP();
	KT_ASSERT_EQ(vf_settle(), 0);
	mb0 = uma_zone_get_cur(zone_mbuf);
	ipk0 = vf_ifp->if_ipackets;
	opk0 = vf_ifp->if_opackets;
	rxi0 = vf_sysctl("dev.vtnet.0.rxq0.interrupts");
	txi0 = vf_sysctl("dev.vtnet.0.txq0.interrupts");
	n = 0;
	for (len = VF_HDR, seq = 0; len <= 1514 && seq < VF_NSEQ;
	    len += len < 80 ? 1 : 37, seq++) {
		vf_len[seq] = len;
		KT_EXPECT_EQ(vf_ifp->if_transmit(vf_ifp, vf_frame('E', seq,
		    len)), 0);
		n++;
		if (vf_wait(&vf_good, n) != 0 || vf_bad != 0)
			break;
	}
	for (len = 0; len < (int)nitems(extra) && seq < VF_NSEQ; len++) {
		vf_len[seq] = extra[len];
		KT_EXPECT_EQ(vf_ifp->if_transmit(vf_ifp, vf_frame('E', seq,
		    extra[len])), 0);
		n++;
		seq++;
		if (vf_wait(&vf_good, n) != 0 || vf_bad != 0)
			break;
	}
	KT_EXPECT_EQ(vf_settle(), 0);
	vf_unhook();
	if (vf_bad != 0)
		KT_FAIL("%u bad echoes; first: %s", vf_bad, vf_why);
	KT_EXPECT_EQ(vf_good, n);
	KT_EXPECT_EQ(vf_other, 0);
	KT_EXPECT_EQ(vf_ifp->if_opackets - opk0, n);
	KT_EXPECT_GE(vf_ifp->if_ipackets - ipk0, n);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_mbuf), mb0);
	/*
	 * Each echo comes from another process, well after its frame went
	 * out: over the whole run both queues' vectors must have fired.
	 */
	KT_EXPECT_GT(vf_sysctl("dev.vtnet.0.rxq0.interrupts"), rxi0);
	KT_EXPECT_GT(vf_sysctl("dev.vtnet.0.txq0.interrupts"), txi0);
}

/*
 * A burst of n frames of the given sizes, sent without waiting.  The
 * driver's side is exact: every frame accepted went to the device
 * (if_opackets), every one refused (ENOBUFS: ring and software queue
 * full) was freed and counted in if_oqdrops, and the ring, the queue and
 * the mbuf zone settle back.  The host's sockets may drop datagrams of a
 * burst (their buffers are small), so of the echoes only this is
 * required: none is bad, none comes twice, none for a refused frame, and
 * some come.  Returns the number refused, or -1 after a failure.
 */
static int
vf_burst(struct ktest_ctx *kt, int n, int minlen, int spread)
{
	int seq, nsent, nfull, err, mb0, i, start;
	u_int last;
	u_long oqd0, opk0;

	KT__CHECK(n <= VF_NSEQ, return (-1));
	KT__CMP(vf_settle(), ==, 0, return (-1));
	mb0 = uma_zone_get_cur(zone_mbuf);
	oqd0 = vf_ifp->if_oqdrops;
	opk0 = vf_ifp->if_opackets;
	nsent = nfull = 0;
	for (seq = 0; seq < n; seq++) {
		vf_len[seq] = minlen + seq * 7 % spread;
		err = vf_ifp->if_transmit(vf_ifp, vf_frame('E', seq,
		    vf_len[seq]));
		if (err == 0)
			nsent++;
		else {
			KT_EXPECT_EQ(err, ENOBUFS);
			vf_len[seq] = -1;	/* must not come back */
			nfull++;
		}
	}
	KT_EXPECT_EQ(vf_settle(), 0);
	/* Echoes still on their way: wait while they keep coming. */
	do {
		last = vf_good;
		start = ticks;
		while (vf_good < (u_int)nsent && ticks - start < 2 * hz)
			tsleep(__DEVOLATILE(void *, &vf_good), 0, "vfburst",
			    hz / 10);
	} while (vf_good != last && vf_good < (u_int)nsent);
	printf("# burst: %d frames sent, %d refused, %u echoed\n", nsent,
	    nfull, vf_good);
	if (vf_bad != 0) {
		ktest_fail(kt, __FILE__, __LINE__, "%u bad echoes; first: %s",
		    vf_bad, vf_why);
		return (-1);
	}
	KT_EXPECT_EQ(vf_ifp->if_opackets - opk0, nsent);
	KT_EXPECT_EQ(vf_ifp->if_oqdrops - oqd0, nfull);
	KT_EXPECT_GT(vf_good, 0);
	KT_EXPECT_LE(vf_good, nsent);
	for (i = 0; i < n; i++)
		KT_EXPECT_LE(vf_got[i], vf_len[i] < 0 ? 0 : 1);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_mbuf), mb0);
	return (nfull);
}

/*
 * 120 frames of 60 to 959 bytes at once: more than the ring holds, fewer
 * than ring and queue together, so none is refused.
 */
KTEST(vtnet_frames, burst_queued_none_refused)
{
	int nfull;

	VF_IFP();
	nfull = vf_burst(kt, 120, 60, 900);
	vf_unhook();
	KT_EXPECT_EQ(nfull, 0);
}

/* 512 more small frames than the queue holds: the excess is refused. */
KTEST(vtnet_frames, burst_overflow_refused_and_counted)
{
	VF_IFP();
	(void)vf_burst(kt, VF_NSEQ, VF_HDR, 40);
	vf_unhook();
}

/*
 * Runts of 1 .. 13 bytes (shorter than an Ethernet header) from the
 * peer: dropped by the driver and counted in if_ierrors, never handed
 * to if_input; the marker after them arrives.
 */
KTEST(vtnet_frames, runts_dropped_and_counted)
{
	struct mbuf *m;
	u_long ierr0;

	VF_IFP();
	KT_ASSERT_EQ(vf_settle(), 0);
	ierr0 = vf_ifp->if_ierrors;
	/* 'R' n (byte 15, the sequence's high byte): runts of 1 .. n bytes. */
	m = vf_frame('R', 13 << 8, VF_HDR + 1);
	KT_EXPECT_EQ(vf_ifp->if_transmit(vf_ifp, m), 0);
	KT_EXPECT_EQ(vf_wait(&vf_markers, 1), 0);
	KT_EXPECT_EQ(vf_settle(), 0);
	vf_unhook();
	KT_EXPECT_EQ(vf_short, 0);
	KT_EXPECT_EQ(vf_ifp->if_ierrors - ierr0, 13);
}
