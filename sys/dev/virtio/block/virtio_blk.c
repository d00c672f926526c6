/*
 * vtblk: the virtio block device (virtio 1.0, 5.2), disk(9) "vtbd<unit>".
 *
 * 1. Objects.  One softc per device, one virtqueue ("vq"), a fixed pool of
 *    requests (vtblk_request: the device header, the bio, the status byte)
 *    from M_DEVBUF, and a FIFO of bios waiting for a request or for
 *    descriptors (linked through bio_driver1).
 * 2. A request is one descriptor chain: the header (device reads), the
 *    bio's data page by page (device reads for a write, writes for a
 *    read; bio_data is a kernel VA translated with pmap_kextract, so the
 *    buffer need not be physically contiguous), and the status byte
 *    (device writes).  d_maxsize (VTBLK_MAXPHYS, less if the device's
 *    seg_max is small) bounds the data to VTBLK_MAXSEGS - 2 segments.
 * 3. Completion: the queue's MSI-X handler dequeues every finished chain,
 *    sets bio_error (status IOERR: EIO, UNSUPP: EOPNOTSUPP), refills the
 *    queue from the FIFO, drops the lock and calls biodone() for each, so
 *    a bio_done that queues the next request does not recurse on the lock.
 *    The only polling is at boot, before interrupts are on (cold): then
 *    vtblk_strategy() runs the handler itself until its bio is done, so a
 *    consumer may read the disk from a SYSINIT.
 * 4. Lock: vtblk_mtx, a spin mutex (the interrupt handler takes it);
 *    nothing else is taken under it.
 * 5. Counters: dev.vtblk.<unit>.{requests,errors,queue_waits} and
 *    dev.vtblk.<unit>.vq.interrupts.
 *
 * Bounds (offset, length, sector multiples) are checked by disk_strategy()
 * before a bio reaches vtblk_strategy(); a write to a read-only device
 * (VIRTIO_BLK_F_RO) fails EROFS here.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <machine/cpufunc.h>
#include <dev/pci/pcivar.h>
#include <dev/virtio/virtio.h>
#include <dev/virtio/virtqueue.h>

/* Device configuration (virtio 1.0, 5.2.4). */
#define	VTBLK_CFG_CAPACITY	0	/* le64, 512-byte sectors */
#define	VTBLK_CFG_SIZE_MAX	8
#define	VTBLK_CFG_SEG_MAX	12
#define	VTBLK_CFG_BLK_SIZE	20

#define	VIRTIO_BLK_F_SIZE_MAX	(1ULL << 1)
#define	VIRTIO_BLK_F_SEG_MAX	(1ULL << 2)
#define	VIRTIO_BLK_F_RO		(1ULL << 5)
#define	VIRTIO_BLK_F_BLK_SIZE	(1ULL << 6)

#define	VIRTIO_BLK_T_IN		0
#define	VIRTIO_BLK_T_OUT	1
#define	VIRTIO_BLK_S_OK		0
#define	VIRTIO_BLK_S_IOERR	1
#define	VIRTIO_BLK_S_UNSUPP	2

#define	VTBLK_MAXPHYS		(128 * 1024)	/* FreeBSD's old MAXPHYS */
#define	VTBLK_MAXSEGS		(VTBLK_MAXPHYS / PAGE_SIZE + 1 + 2)
#define	VTBLK_QSIZE		256

struct virtio_blk_outhdr {
	uint32_t	type;
	uint32_t	ioprio;
	uint64_t	sector;
};

struct vtblk_request {
	struct virtio_blk_outhdr vbr_hdr;
	struct bio		*vbr_bp;
	struct vtblk_request	*vbr_next;	/* free list */
	uint8_t			vbr_status;
};

struct vtblk_softc {
	struct vtpci_softc	*vtblk_vt;
	struct virtqueue	*vtblk_vq;
	struct mtx		vtblk_mtx;
	struct disk		vtblk_disk;
	uint64_t		vtblk_features;
	struct vtblk_request	*vtblk_free;	/* free requests */
	struct bio		*vtblk_bioq_head;	/* waiting bios */
	struct bio		*vtblk_bioq_tail;
	u_long			vtblk_requests;	/* completed */
	u_long			vtblk_errors;	/* completed with an error */
	u_long			vtblk_queue_waits; /* bios that had to wait */
};

static int	vtblk_units;

/* Start as many waiting bios as requests and descriptors allow. */
static void
vtblk_startio(struct vtblk_softc *sc)
{
	/* One more for a header across a page boundary. */
	struct vq_sgseg segs[VTBLK_MAXSEGS + 1];
	struct vq_sglist sg;
	struct vtblk_request *req;
	struct bio *bp;
	int enq, nhdr, ndata, error, writing;

	mtx_assert(&sc->vtblk_mtx, MA_OWNED);
	enq = 0;
	while ((bp = sc->vtblk_bioq_head) != NULL &&
	    (req = sc->vtblk_free) != NULL) {
		writing = bp->bio_cmd == BIO_WRITE;
		req->vbr_hdr.type = writing ? VIRTIO_BLK_T_OUT :
		    VIRTIO_BLK_T_IN;
		req->vbr_hdr.ioprio = 0;
		req->vbr_hdr.sector = bp->bio_offset / 512;
		req->vbr_status = 0xff;
		req->vbr_bp = bp;
		VQ_SGLIST_INIT(&sg, segs, nitems(segs));
		error = vq_sglist_append(&sg, &req->vbr_hdr,
		    sizeof(req->vbr_hdr));
		KASSERT(error == 0, ("vtblk: header segments"));
		nhdr = sg.vs_nseg;
		error = vq_sglist_append(&sg, bp->bio_data, bp->bio_bcount);
		KASSERT(error == 0, ("vtblk: %ld bytes over d_maxsize",
		    bp->bio_bcount));
		ndata = sg.vs_nseg - nhdr;
		error = vq_sglist_append(&sg, &req->vbr_status, 1);
		KASSERT(error == 0, ("vtblk: status segment"));
		error = virtqueue_enqueue(sc->vtblk_vq, req, &sg,
		    writing ? nhdr + ndata : nhdr, writing ? 1 : ndata + 1);
		if (error != 0)
			break;		/* ENOSPC: wait for a completion */
		sc->vtblk_free = req->vbr_next;
		sc->vtblk_bioq_head = bp->bio_driver1;
		if (sc->vtblk_bioq_head == NULL)
			sc->vtblk_bioq_tail = NULL;
		enq++;
	}
	if (enq > 0)
		virtqueue_notify(sc->vtblk_vq);
}

static void	vtblk_intr(void *arg);

static void
vtblk_strategy(struct bio *bp)
{
	struct vtblk_softc *sc = bp->bio_disk->d_drv1;

	if (bp->bio_cmd == BIO_WRITE &&
	    (sc->vtblk_features & VIRTIO_BLK_F_RO) != 0) {
		bp->bio_error = EROFS;
		biodone(bp);
		return;
	}
	bp->bio_driver1 = NULL;
	mtx_lock_spin(&sc->vtblk_mtx);
	if (sc->vtblk_bioq_tail != NULL)
		sc->vtblk_bioq_tail->bio_driver1 = bp;
	else
		sc->vtblk_bioq_head = bp;
	sc->vtblk_bioq_tail = bp;
	vtblk_startio(sc);
	if (sc->vtblk_bioq_head != NULL)
		sc->vtblk_queue_waits++;
	mtx_unlock_spin(&sc->vtblk_mtx);
	/* Interrupts are not on yet: poll for the completion. */
	while (cold && (bp->bio_flags & BIO_DONE) == 0) {
		vtblk_intr(sc);
		cpu_pause();
	}
}

/* The queue's interrupt: finish every completed request. */
static void
vtblk_intr(void *arg)
{
	struct vtblk_softc *sc = arg;
	struct vtblk_request *req;
	struct bio *bp, *done, **tail;

	done = NULL;
	tail = &done;
	mtx_lock_spin(&sc->vtblk_mtx);
	while ((req = virtqueue_dequeue(sc->vtblk_vq, NULL)) != NULL) {
		bp = req->vbr_bp;
		switch (req->vbr_status) {
		case VIRTIO_BLK_S_OK:
			bp->bio_error = 0;
			bp->bio_resid = 0;
			break;
		case VIRTIO_BLK_S_UNSUPP:
			bp->bio_error = EOPNOTSUPP;
			break;
		default:
			bp->bio_error = EIO;
			break;
		}
		if (bp->bio_error != 0)
			sc->vtblk_errors++;
		sc->vtblk_requests++;
		req->vbr_bp = NULL;
		req->vbr_next = sc->vtblk_free;
		sc->vtblk_free = req;
		bp->bio_driver1 = NULL;
		*tail = bp;
		tail = (struct bio **)&bp->bio_driver1;
	}
	vtblk_startio(sc);
	mtx_unlock_spin(&sc->vtblk_mtx);
	while ((bp = done) != NULL) {
		done = bp->bio_driver1;
		bp->bio_driver1 = NULL;
		biodone(bp);
	}
}

static void
vtblk_sysctls(struct vtblk_softc *sc)
{
	struct sysctl_oid_list *top;

	if ((top = vtpci_sysctl_tree(sc->vtblk_vt)) == NULL)
		return;
	SYSCTL_ADD_ULONG(NULL, top, OID_AUTO, "requests", CTLFLAG_RD,
	    &sc->vtblk_requests, "Requests completed");
	SYSCTL_ADD_ULONG(NULL, top, OID_AUTO, "errors", CTLFLAG_RD,
	    &sc->vtblk_errors, "Requests completed with an error");
	SYSCTL_ADD_ULONG(NULL, top, OID_AUTO, "queue_waits", CTLFLAG_RD,
	    &sc->vtblk_queue_waits, "Requests that waited for the ring");
}

static int
vtblk_attach(struct pci_device *dev, int unit)
{
	struct vtblk_softc *sc;
	struct vtblk_request *req;
	struct disk *dp;
	uint64_t capacity;
	uint32_t blksize, segmax;
	int i, nreq, maxsegs;

	sc = malloc(sizeof(*sc), M_DEVBUF, M_WAITOK | M_ZERO);
	mtx_init(&sc->vtblk_mtx, "vtblk", NULL, MTX_SPIN);
	sc->vtblk_vt = vtpci_attach(dev, "vtblk", unit);
	if (sc->vtblk_vt == NULL)
		goto fail;
	if (vtpci_negotiate(sc->vtblk_vt, VIRTIO_BLK_F_SEG_MAX |
	    VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_RO,
	    &sc->vtblk_features) != 0)
		goto fail;
	sc->vtblk_vq = vtpci_alloc_vq(sc->vtblk_vt, 0, VTBLK_QSIZE,
	    vtblk_intr, sc, "vq");
	if (sc->vtblk_vq == NULL) {
		printf("vtblk%d: no virtqueue\n", unit);
		goto fail;
	}
	vtpci_read_device_config(sc->vtblk_vt, VTBLK_CFG_CAPACITY, &capacity,
	    sizeof(capacity));
	blksize = 512;
	if ((sc->vtblk_features & VIRTIO_BLK_F_BLK_SIZE) != 0)
		vtpci_read_device_config(sc->vtblk_vt, VTBLK_CFG_BLK_SIZE,
		    &blksize, sizeof(blksize));
	if (blksize < 512 || !powerof2(blksize))
		blksize = 512;
	/* Data segments per request: ours, the device's, the ring's. */
	maxsegs = MIN(VTBLK_MAXSEGS, virtqueue_size(sc->vtblk_vq));
	if ((sc->vtblk_features & VIRTIO_BLK_F_SEG_MAX) != 0) {
		vtpci_read_device_config(sc->vtblk_vt, VTBLK_CFG_SEG_MAX,
		    &segmax, sizeof(segmax));
		if (segmax >= 1)
			maxsegs = MIN(maxsegs, (int)segmax + 2);
	}
	if (maxsegs < 4) {
		printf("vtblk%d: too few segments per request (%d)\n", unit,
		    maxsegs);
		goto fail;
	}
	/* Every request needs at least header, one page, status. */
	nreq = virtqueue_size(sc->vtblk_vq) / 3;
	for (i = 0; i < nreq; i++) {
		req = malloc(sizeof(*req), M_DEVBUF, M_WAITOK | M_ZERO);
		req->vbr_next = sc->vtblk_free;
		sc->vtblk_free = req;
	}
	vtpci_driver_ok(sc->vtblk_vt);
	printf("vtblk%d: <VirtIO Block Adapter> on pci%d slot %d%s\n", unit,
	    dev->pd_bus, dev->pd_slot,
	    (sc->vtblk_features & VIRTIO_BLK_F_RO) != 0 ? " (read-only)" : "");
	vtblk_sysctls(sc);
	dp = &sc->vtblk_disk;
	dp->d_name = "vtbd";
	dp->d_unit = unit;
	dp->d_sectorsize = blksize;
	dp->d_mediasize = (off_t)(capacity * 512);
	/* A buffer of n bytes spans at most n / PAGE_SIZE + 1 pages. */
	dp->d_maxsize = (maxsegs - 3) * PAGE_SIZE;
	dp->d_strategy = vtblk_strategy;
	dp->d_drv1 = sc;
	disk_create(dp);
	return (0);
fail:
	if (sc->vtblk_vt != NULL)
		vtpci_detach(sc->vtblk_vt);
	mtx_destroy(&sc->vtblk_mtx);
	free(sc, M_DEVBUF);
	return (ENXIO);
}

static void
vtblk_probe(void *dummy __unused)
{
	vtpci_probe(VIRTIO_ID_BLOCK, vtblk_attach, &vtblk_units);
}
SYSINIT(vtblk, SI_SUB_CONFIGURE, SI_ORDER_MIDDLE, vtblk_probe, NULL);
