/*
 * Memory disks (md.h).
 *
 * The backing store is wired kernel memory from kernel_map; d_strategy
 * copies between it and the bio's buffer in the caller's context and
 * completes with biodone() at once, so a consumer's biowait() returns
 * without sleeping.  Injected errors (md_inject_error) complete requests
 * with EIO and leave both buffers alone, so the consumer's error paths
 * can be tested; md_set_delay() makes requests slow, so that races with
 * I/O in progress can be.
 *
 * Tunable vm.swap_md_size (bytes, K/M/G suffixes; default 0 = none):
 * make md0 at boot, which the swap pager then uses when vm.swap_device
 * names no other disk.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <dev/md/md.h>

static MALLOC_DEFINE(M_MD, "md_disk", "Memory disk");

struct md_softc {
	struct disk	sc_disk;
	char		*sc_data;	/* the sectors */
	size_t		sc_size;
	struct mtx	sc_mtx;		/* counts and injected errors */
	int		sc_fail[2];	/* BIO_READ, BIO_WRITE: to fail */
	u_int		sc_delay;	/* microseconds per request */
	u_long		sc_reads;
	u_long		sc_writes;
	u_long		sc_failed;
};

static int	md_nextunit;

static void
md_strategy(struct bio *bp)
{
	struct md_softc *sc = bp->bio_disk->d_drv1;
	char *p = sc->sc_data + bp->bio_offset;
	int fail, k = bp->bio_cmd == BIO_READ ? 0 : 1;

	mtx_lock_spin(&sc->sc_mtx);
	if ((fail = sc->sc_fail[k] > 0) != 0) {
		sc->sc_fail[k]--;
		sc->sc_failed++;
	} else if (k == 0)
		sc->sc_reads++;
	else
		sc->sc_writes++;
	mtx_unlock_spin(&sc->sc_mtx);
	if (sc->sc_delay != 0)
		DELAY(sc->sc_delay);
	if (fail)
		bp->bio_error = EIO;
	else {
		if (k == 0)
			memcpy(bp->bio_data, p, bp->bio_bcount);
		else
			memcpy(p, bp->bio_data, bp->bio_bcount);
		bp->bio_resid = 0;
	}
	biodone(bp);
}

struct disk *
md_create(size_t size)
{
	struct md_softc *sc;

	size = round_page(size);
	if (size == 0)
		return (NULL);
	sc = malloc(sizeof(*sc), M_MD, M_WAITOK | M_ZERO);
	sc->sc_data = (char *)kmem_malloc(kernel_map, size, M_NOWAIT |
	    M_ZERO);
	if (sc->sc_data == NULL) {
		free(sc, M_MD);
		return (NULL);
	}
	sc->sc_size = size;
	mtx_init(&sc->sc_mtx, "md", NULL, MTX_SPIN);
	sc->sc_disk.d_name = "md";
	sc->sc_disk.d_unit = md_nextunit++;
	sc->sc_disk.d_sectorsize = 512;
	sc->sc_disk.d_mediasize = size;
	sc->sc_disk.d_maxsize = 0;
	sc->sc_disk.d_strategy = md_strategy;
	sc->sc_disk.d_drv1 = sc;
	disk_create(&sc->sc_disk);
	return (&sc->sc_disk);
}

void
md_destroy(struct disk *dp)
{
	struct md_softc *sc = dp->d_drv1;

	disk_destroy(dp);
	kmem_free(kernel_map, (vm_offset_t)sc->sc_data, sc->sc_size);
	free(sc, M_MD);
}

void
md_inject_error(struct disk *dp, int cmd, int count)
{
	struct md_softc *sc = dp->d_drv1;

	mtx_lock_spin(&sc->sc_mtx);
	sc->sc_fail[cmd == BIO_READ ? 0 : 1] = count;
	mtx_unlock_spin(&sc->sc_mtx);
}

void
md_set_delay(struct disk *dp, u_int usec)
{
	struct md_softc *sc = dp->d_drv1;

	sc->sc_delay = usec;
}

void
md_stats(struct disk *dp, u_long *reads, u_long *writes, u_long *failed)
{
	struct md_softc *sc = dp->d_drv1;

	*reads = sc->sc_reads;
	*writes = sc->sc_writes;
	*failed = sc->sc_failed;
}

static void
md_boot(void *dummy __unused)
{
	u_long size = 0;

	if (!TUNABLE_ULONG_FETCH("vm.swap_md_size", &size) || size == 0)
		return;
	if (md_create(size) == NULL)
		tunable_warn("vm.swap_md_size", "no memory for a disk that "
		    "large", "%d", 0);
}
SYSINIT(md_boot, SI_SUB_DRIVERS, SI_ORDER_ANY, md_boot, NULL);
