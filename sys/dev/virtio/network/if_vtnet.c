/*
 * vtnet: the virtio network device (virtio 1.0, 5.1), interface
 * "vtnet<unit>" (net/if_var.h).
 *
 * 1. Queues.  Receive queue 0 ("rxq0") and transmit queue 1 ("txq0"),
 *    each with its own MSI-X vector.  No offloads, no mergeable buffers:
 *    with VIRTIO_F_VERSION_1 every frame is preceded by a 12-byte
 *    virtio_net_hdr, all zeros on transmit.
 * 2. Receive buffers are packet-zone mbufs (m_getcl(M_NOWAIT, MT_DATA,
 *    M_PKTHDR): mbuf and cluster in one allocation), the whole cluster
 *    posted writable: the device puts the header and the frame in it, and
 *    on completion m_data is moved past the header.  Each buffer consumed
 *    is replaced at once; a failed allocation is counted
 *    (rx_mbuf_alloc_failed) and retried from the thread every hz / 10
 *    until the ring is full again, never waited for.  Frames shorter than
 *    an Ethernet header are dropped and counted (if_ierrors).
 * 3. Transmit takes the chain as it is: one descriptor for the shared
 *    zeroed header, then one per physically contiguous run of every
 *    mbuf's data (no copy into a bounce buffer).  The chain is the
 *    descriptor chain's cookie and is freed when the device hands it
 *    back.  When the ring is full, chains wait in a software queue (at
 *    most VTNET_TXQ_MAXLEN, in order) and go on the ring as completions
 *    make room.  A chain of more than VTNET_TX_MAXSEGS runs (EFBIG), or
 *    one that finds the queue full too (ENOBUFS), is freed and counted in
 *    if_oqdrops, as if_var.h says.
 * 4. Threads and interrupts.  The two MSI-X handlers only set a flag and
 *    wake the interface's thread ("vtnet0 taskq"), which reclaims
 *    transmitted chains, takes received frames, refills the ring, and
 *    then, holding no lock, hands each frame to ifp->if_input.  While it
 *    has work it asks the device for no interrupts (a hint; it looks again
 *    after turning them back on).  mbufs are never allocated or freed in
 *    interrupt context.
 * 5. Locks: vtnet_mtx (MTX_DEF) covers both rings and the counters;
 *    vtnet_intr_mtx (spin) only the pending flag the handlers set.  Lock
 *    order: vtnet_mtx, then UMA's (m_getcl/m_freem under it).
 * 6. Memory: softc, transmit header and rings are M_DEVBUF ("devbuf" in
 *    vmstat -m).  Counters: dev.vtnet.<unit>.{rx_posted,
 *    rx_mbuf_alloc_failed, tx_inflight, tx_queued} and
 *    {rxq0,txq0}.interrupts; the interface counters in struct ifnet.
 *
 * Until the stack (sys/net) provides them, ether_ifattach, ether_ifdetach
 * and ifunit have weak defaults here: a list of interfaces and an if_input
 * that counts the frame in if_noproto and frees it.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <net/if_var.h>
#include <dev/pci/pcivar.h>
#include <dev/virtio/virtio.h>
#include <dev/virtio/virtqueue.h>

#define	VIRTIO_NET_F_MAC	(1ULL << 5)
#define	VTNET_CFG_MAC		0

#define	VTNET_RXQ		0
#define	VTNET_TXQ		1
#define	VTNET_QSIZE		256
#define	VTNET_RX_MAXSEGS	2	/* a cluster may cross a page */
#define	VTNET_TX_MAXSEGS	64
#define	VTNET_TXQ_MAXLEN	512	/* chains waiting for the ring */
#define	ETHER_HDR_LEN		14

/* virtio 1.0, 5.1.6: the header before every frame. */
struct virtio_net_hdr_v1 {
	uint8_t		flags;
	uint8_t		gso_type;
	uint16_t	hdr_len;
	uint16_t	gso_size;
	uint16_t	csum_start;
	uint16_t	csum_offset;
	uint16_t	num_buffers;
};

struct vtnet_softc {
	struct ifnet		vtnet_ifp;
	struct vtpci_softc	*vtnet_vt;
	struct virtqueue	*vtnet_rxvq;
	struct virtqueue	*vtnet_txvq;
	struct mtx		vtnet_mtx;
	struct mtx		vtnet_intr_mtx;
	int			vtnet_intr_pending;
	int			vtnet_refill_pending;
	struct thread		*vtnet_td;
	uint64_t		vtnet_features;
	struct virtio_net_hdr_v1 *vtnet_txhdr;	/* zeroed, read only */
	u_int			vtnet_rx_posted; /* buffers in the ring */
	u_int			vtnet_tx_inflight;	/* chains in the ring */
	struct mbuf		*vtnet_txq_head;	/* waiting for room */
	struct mbuf		*vtnet_txq_tail;
	u_int			vtnet_txq_len;
	u_long			vtnet_rx_mbuf_alloc_failed;
};

static int	vtnet_units;

/*
 * Weak defaults for the stack's attach, detach and lookup (see above).
 */
static TAILQ_HEAD(, ifnet) vtnet_stub_ifnet =
    TAILQ_HEAD_INITIALIZER(vtnet_stub_ifnet);

static void
vtnet_stub_input(struct ifnet *ifp, struct mbuf *m)
{
	ifp->if_noproto++;
	m_freem(m);
}

__weak_symbol void
ether_ifattach(struct ifnet *ifp, const uint8_t *lla)
{
	memcpy(ifp->if_lladdr, lla, ETHER_ADDR_LEN);
	ifp->if_input = vtnet_stub_input;
	TAILQ_INSERT_TAIL(&vtnet_stub_ifnet, ifp, if_link);
	printf("%s: Ethernet address: %02x:%02x:%02x:%02x:%02x:%02x\n",
	    ifp->if_xname, lla[0], lla[1], lla[2], lla[3], lla[4], lla[5]);
}

__weak_symbol void
ether_ifdetach(struct ifnet *ifp)
{
	TAILQ_REMOVE(&vtnet_stub_ifnet, ifp, if_link);
}

__weak_symbol struct ifnet *
ifunit(const char *name)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &vtnet_stub_ifnet, if_link)
		if (strcmp(ifp->if_xname, name) == 0)
			return (ifp);
	return (NULL);
}

/* Post receive buffers until the ring is full or an allocation fails. */
static int
vtnet_rx_fill(struct vtnet_softc *sc)
{
	struct vq_sgseg segs[VTNET_RX_MAXSEGS];
	struct vq_sglist sg;
	struct mbuf *m;
	int n, error;

	mtx_assert(&sc->vtnet_mtx, MA_OWNED);
	n = 0;
	sc->vtnet_refill_pending = 0;
	while (virtqueue_nfree(sc->vtnet_rxvq) >= VTNET_RX_MAXSEGS) {
		m = m_getcl(M_NOWAIT, MT_DATA, M_PKTHDR);
		if (m == NULL) {
			sc->vtnet_rx_mbuf_alloc_failed++;
			sc->vtnet_refill_pending = 1;
			break;
		}
		m->m_len = m->m_pkthdr.len = MCLBYTES;
		VQ_SGLIST_INIT(&sg, segs, VTNET_RX_MAXSEGS);
		error = vq_sglist_append(&sg, mtod(m, void *), MCLBYTES);
		if (error == 0)
			error = virtqueue_enqueue(sc->vtnet_rxvq, m, &sg, 0,
			    sg.vs_nseg);
		if (error != 0) {
			/* Cannot happen: a cluster is at most two pages. */
			m_freem(m);
			break;
		}
		sc->vtnet_rx_posted++;
		n++;
	}
	if (n > 0)
		virtqueue_notify(sc->vtnet_rxvq);
	return (n);
}

/* Completed receive buffers, as frames linked by m_nextpkt. */
static struct mbuf *
vtnet_rxeof(struct vtnet_softc *sc)
{
	struct ifnet *ifp = &sc->vtnet_ifp;
	struct mbuf *m, *head, **tail;
	uint32_t len;

	mtx_assert(&sc->vtnet_mtx, MA_OWNED);
	head = NULL;
	tail = &head;
	while ((m = virtqueue_dequeue(sc->vtnet_rxvq, &len)) != NULL) {
		sc->vtnet_rx_posted--;
		if (len < sizeof(struct virtio_net_hdr_v1) + ETHER_HDR_LEN ||
		    len > MCLBYTES) {
			ifp->if_ierrors++;
			m_freem(m);
			continue;
		}
		len -= sizeof(struct virtio_net_hdr_v1);
		m->m_data += sizeof(struct virtio_net_hdr_v1);
		m->m_len = m->m_pkthdr.len = len;
		m->m_pkthdr.rcvif = ifp;
		m->m_nextpkt = NULL;
		ifp->if_ipackets++;
		ifp->if_ibytes += len;
		*tail = m;
		tail = &m->m_nextpkt;
	}
	return (head);
}

/*
 * Put chain m on the transmit ring: 0, EFBIG (more than VTNET_TX_MAXSEGS
 * runs) or ENOSPC (ring full); on 0 it is counted as sent.
 */
static int
vtnet_encap(struct vtnet_softc *sc, struct mbuf *m)
{
	struct ifnet *ifp = &sc->vtnet_ifp;
	struct vq_sgseg segs[VTNET_TX_MAXSEGS];
	struct vq_sglist sg;
	struct mbuf *n;
	int error;

	mtx_assert(&sc->vtnet_mtx, MA_OWNED);
	VQ_SGLIST_INIT(&sg, segs, VTNET_TX_MAXSEGS);
	error = vq_sglist_append(&sg, sc->vtnet_txhdr,
	    sizeof(struct virtio_net_hdr_v1));
	for (n = m; n != NULL && error == 0; n = n->m_next)
		if (n->m_len > 0)
			error = vq_sglist_append(&sg, mtod(n, void *),
			    n->m_len);
	if (error == 0)
		error = virtqueue_enqueue(sc->vtnet_txvq, m, &sg, sg.vs_nseg,
		    0);
	if (error == 0) {
		sc->vtnet_tx_inflight++;
		ifp->if_opackets++;
		ifp->if_obytes += m->m_pkthdr.len;
	}
	return (error);
}

/*
 * Free the chains the device has sent, then move waiting chains from the
 * software queue onto the ring while there is room.
 */
static void
vtnet_txeof(struct vtnet_softc *sc)
{
	struct mbuf *m;
	int n;

	mtx_assert(&sc->vtnet_mtx, MA_OWNED);
	while ((m = virtqueue_dequeue(sc->vtnet_txvq, NULL)) != NULL) {
		sc->vtnet_tx_inflight--;
		m_freem(m);
	}
	for (n = 0; (m = sc->vtnet_txq_head) != NULL; n++) {
		if (vtnet_encap(sc, m) != 0)
			break;		/* ENOSPC: it fitted once it had room */
		sc->vtnet_txq_head = m->m_nextpkt;
		m->m_nextpkt = NULL;
		sc->vtnet_txq_len--;
	}
	if (sc->vtnet_txq_head == NULL)
		sc->vtnet_txq_tail = NULL;
	if (n > 0)
		virtqueue_notify(sc->vtnet_txvq);
}

static int
vtnet_transmit(struct ifnet *ifp, struct mbuf *m)
{
	struct vtnet_softc *sc = ifp->if_softc;
	int error;

	KASSERT((m->m_flags & M_PKTHDR) != 0, ("vtnet_transmit: no pkthdr"));
	mtx_lock(&sc->vtnet_mtx);
	vtnet_txeof(sc);
	/* Behind chains already waiting, to keep the order. */
	error = sc->vtnet_txq_head != NULL ? ENOSPC : vtnet_encap(sc, m);
	if (error == 0)
		virtqueue_notify(sc->vtnet_txvq);
	else if (error == ENOSPC && sc->vtnet_txq_len < VTNET_TXQ_MAXLEN) {
		m->m_nextpkt = NULL;
		if (sc->vtnet_txq_tail != NULL)
			sc->vtnet_txq_tail->m_nextpkt = m;
		else
			sc->vtnet_txq_head = m;
		sc->vtnet_txq_tail = m;
		sc->vtnet_txq_len++;
		error = 0;
	} else {
		if (error == ENOSPC)
			error = ENOBUFS;
		ifp->if_oqdrops++;
		mtx_unlock(&sc->vtnet_mtx);
		m_freem(m);
		return (error);
	}
	mtx_unlock(&sc->vtnet_mtx);
	return (0);
}

/* Both queues' MSI-X handler: wake the thread. */
static void
vtnet_intr(void *arg)
{
	struct vtnet_softc *sc = arg;

	mtx_lock_spin(&sc->vtnet_intr_mtx);
	sc->vtnet_intr_pending = 1;
	wakeup(&sc->vtnet_intr_pending);
	mtx_unlock_spin(&sc->vtnet_intr_mtx);
}

static void
vtnet_thread(void *arg)
{
	struct vtnet_softc *sc = arg;
	struct ifnet *ifp = &sc->vtnet_ifp;
	struct mbuf *m, *next;
	int more;

	for (;;) {
		mtx_lock_spin(&sc->vtnet_intr_mtx);
		while (!sc->vtnet_intr_pending)
			if (msleep_spin(&sc->vtnet_intr_pending,
			    &sc->vtnet_intr_mtx, "vtnetw",
			    sc->vtnet_refill_pending ? MAX(hz / 10, 1) : 0) ==
			    EWOULDBLOCK)
				break;
		sc->vtnet_intr_pending = 0;
		mtx_unlock_spin(&sc->vtnet_intr_mtx);

		/* No interrupts while there is work to take. */
		do {
			mtx_lock(&sc->vtnet_mtx);
			virtqueue_disable_intr(sc->vtnet_rxvq);
			virtqueue_disable_intr(sc->vtnet_txvq);
			vtnet_txeof(sc);
			m = vtnet_rxeof(sc);
			vtnet_rx_fill(sc);
			more = virtqueue_enable_intr(sc->vtnet_rxvq) |
			    virtqueue_enable_intr(sc->vtnet_txvq);
			mtx_unlock(&sc->vtnet_mtx);
			for (; m != NULL; m = next) {
				next = m->m_nextpkt;
				m->m_nextpkt = NULL;
				ifp->if_input(ifp, m);
			}
		} while (more);
	}
}

static void
vtnet_sysctls(struct vtnet_softc *sc)
{
	struct sysctl_oid_list *top;

	if ((top = vtpci_sysctl_tree(sc->vtnet_vt)) == NULL)
		return;
	SYSCTL_ADD_UINT(NULL, top, OID_AUTO, "rx_posted", CTLFLAG_RD,
	    &sc->vtnet_rx_posted, 0, "Receive buffers in the ring");
	SYSCTL_ADD_UINT(NULL, top, OID_AUTO, "tx_inflight", CTLFLAG_RD,
	    &sc->vtnet_tx_inflight, 0, "Transmitted chains not yet freed");
	SYSCTL_ADD_UINT(NULL, top, OID_AUTO, "tx_queued", CTLFLAG_RD,
	    &sc->vtnet_txq_len, 0, "Chains waiting for room in the ring");
	SYSCTL_ADD_ULONG(NULL, top, OID_AUTO, "rx_mbuf_alloc_failed",
	    CTLFLAG_RD, &sc->vtnet_rx_mbuf_alloc_failed,
	    "Receive buffer allocations that failed (retried)");
}

static int
vtnet_attach(struct pci_device *dev, int unit)
{
	struct vtnet_softc *sc;
	struct ifnet *ifp;
	uint8_t mac[ETHER_ADDR_LEN];

	sc = malloc(sizeof(*sc), M_DEVBUF, M_WAITOK | M_ZERO);
	mtx_init(&sc->vtnet_mtx, "vtnet", NULL, MTX_DEF);
	mtx_init(&sc->vtnet_intr_mtx, "vtnet intr", NULL, MTX_SPIN);
	sc->vtnet_txhdr = malloc(sizeof(*sc->vtnet_txhdr), M_DEVBUF,
	    M_WAITOK | M_ZERO);
	sc->vtnet_vt = vtpci_attach(dev, "vtnet", unit);
	if (sc->vtnet_vt == NULL)
		goto fail;
	if (vtpci_negotiate(sc->vtnet_vt, VIRTIO_NET_F_MAC,
	    &sc->vtnet_features) != 0)
		goto fail;
	sc->vtnet_rxvq = vtpci_alloc_vq(sc->vtnet_vt, VTNET_RXQ, VTNET_QSIZE,
	    vtnet_intr, sc, "rxq0");
	sc->vtnet_txvq = vtpci_alloc_vq(sc->vtnet_vt, VTNET_TXQ, VTNET_QSIZE,
	    vtnet_intr, sc, "txq0");
	if (sc->vtnet_rxvq == NULL || sc->vtnet_txvq == NULL) {
		printf("vtnet%d: no virtqueues\n", unit);
		goto fail;
	}
	if ((sc->vtnet_features & VIRTIO_NET_F_MAC) != 0)
		vtpci_read_device_config(sc->vtnet_vt, VTNET_CFG_MAC, mac,
		    sizeof(mac));
	else {
		/* A locally administered address of our own. */
		mac[0] = 0x02;
		mac[1] = 0x00;
		mac[2] = 0x00;
		mac[3] = 0x00;
		mac[4] = 0x00;
		mac[5] = unit;
	}
	ifp = &sc->vtnet_ifp;
	snprintf(ifp->if_xname, sizeof(ifp->if_xname), "vtnet%d", unit);
	ifp->if_dname = "vtnet";
	ifp->if_dunit = unit;
	ifp->if_mtu = 1500;
	ifp->if_softc = sc;
	ifp->if_transmit = vtnet_transmit;
	vtpci_driver_ok(sc->vtnet_vt);
	mtx_lock(&sc->vtnet_mtx);
	vtnet_rx_fill(sc);
	mtx_unlock(&sc->vtnet_mtx);
	printf("vtnet%d: <VirtIO Networking Adapter> on pci%d slot %d\n",
	    unit, dev->pd_bus, dev->pd_slot);
	ether_ifattach(ifp, mac);
	ifp->if_flags |= IFF_UP | IFF_RUNNING;
	vtnet_sysctls(sc);
	if (kthread_add(vtnet_thread, sc, NULL, &sc->vtnet_td, 0, 0,
	    "%s taskq", ifp->if_xname) != 0)
		panic("vtnet%d: no thread", unit);
	return (0);
fail:
	if (sc->vtnet_vt != NULL)
		vtpci_detach(sc->vtnet_vt);
	free(sc->vtnet_txhdr, M_DEVBUF);
	mtx_destroy(&sc->vtnet_intr_mtx);
	mtx_destroy(&sc->vtnet_mtx);
	free(sc, M_DEVBUF);
	return (ENXIO);
}

static void
vtnet_probe(void *dummy __unused)
{
	vtpci_probe(VIRTIO_ID_NETWORK, vtnet_attach, &vtnet_units);
}
SYSINIT(vtnet, SI_SUB_CONFIGURE, SI_ORDER_MIDDLE, vtnet_probe, NULL);
