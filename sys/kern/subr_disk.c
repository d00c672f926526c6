/*
 * The disk list and block I/O completion (sys/disk.h, sys/bio.h).
 *
 * Drivers register disks; consumers look them up by "name unit" and queue
 * bios.  biodone() is called by the driver, usually from its interrupt
 * handler: it marks the bio done and either calls the consumer's bio_done
 * or wakes the thread in biowait().  The done flag is set and tested under
 * a spin mutex, so a wakeup can never fall between biowait()'s test and
 * its sleep.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <sys/mutex.h>

static LIST_HEAD(, disk) disk_list = LIST_HEAD_INITIALIZER(disk_list);
static struct mtx	disk_list_mtx;
MTX_SYSINIT(disk_list, &disk_list_mtx, "disk list", MTX_DEF);
static struct mtx	bio_done_mtx;
MTX_SYSINIT(bio_done, &bio_done_mtx, "bio done", MTX_SPIN);

void
disk_create(struct disk *dp)
{

	KASSERT(dp->d_strategy != NULL && dp->d_sectorsize != 0 &&
	    powerof2(dp->d_sectorsize), ("disk_create: bad disk %s",
	    dp->d_name));
	snprintf(dp->d_ident, sizeof(dp->d_ident), "%s%d", dp->d_name,
	    dp->d_unit);
	mtx_lock(&disk_list_mtx);
	LIST_INSERT_HEAD(&disk_list, dp, d_link);
	mtx_unlock(&disk_list_mtx);
	printf("%s: %jdMB (%ju %u byte sectors)\n", dp->d_ident,
	    (intmax_t)(dp->d_mediasize >> 20),
	    (uintmax_t)(dp->d_mediasize / dp->d_sectorsize),
	    dp->d_sectorsize);
}

void
disk_destroy(struct disk *dp)
{

	mtx_lock(&disk_list_mtx);
	LIST_REMOVE(dp, d_link);
	mtx_unlock(&disk_list_mtx);
}

/* The disk named ident ("vtbd0"), or NULL. */
struct disk *
disk_lookup(const char *ident)
{
	struct disk *dp;

	mtx_lock(&disk_list_mtx);
	LIST_FOREACH(dp, &disk_list, d_link)
		if (strcmp(dp->d_ident, ident) == 0)
			break;
	mtx_unlock(&disk_list_mtx);
	return (dp);
}

/* Queue bp on dp; a request off the end or not in sectors fails EINVAL. */
void
disk_strategy(struct disk *dp, struct bio *bp)
{

	bp->bio_disk = dp;
	bp->bio_flags = 0;
	bp->bio_error = 0;
	bp->bio_resid = bp->bio_bcount;
	if (bp->bio_offset < 0 || bp->bio_bcount <= 0 ||
	    (bp->bio_offset | bp->bio_bcount) % dp->d_sectorsize != 0 ||
	    bp->bio_offset + bp->bio_bcount > dp->d_mediasize ||
	    (dp->d_maxsize != 0 && bp->bio_bcount > dp->d_maxsize) ||
	    (bp->bio_cmd != BIO_READ && bp->bio_cmd != BIO_WRITE)) {
		bp->bio_error = EINVAL;
		bp->bio_flags |= BIO_ERROR;
		biodone(bp);
		return;
	}
	dp->d_strategy(bp);
}

void
biodone(struct bio *bp)
{
	void (*done)(struct bio *);

	if (bp->bio_error != 0)
		bp->bio_flags |= BIO_ERROR;
	done = bp->bio_done;
	if (done != NULL) {
		bp->bio_flags |= BIO_DONE;
		done(bp);
		return;
	}
	mtx_lock_spin(&bio_done_mtx);
	bp->bio_flags |= BIO_DONE;
	wakeup(bp);
	mtx_unlock_spin(&bio_done_mtx);
}

int
biowait(struct bio *bp, const char *wmesg)
{

	mtx_lock_spin(&bio_done_mtx);
	while ((bp->bio_flags & BIO_DONE) == 0)
		msleep_spin(bp, &bio_done_mtx, wmesg, 0);
	mtx_unlock_spin(&bio_done_mtx);
	return (bp->bio_error);
}
