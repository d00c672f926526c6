/*
 * virtio-blk (sys/dev/virtio/block/virtio_blk.c) through disk(9): the
 * plan boots this suite with a 16M QEMU drive (plan key disk=16M, a fresh
 * zeroed image each boot); without a drive every case skips.
 *
 * Data are a pattern of the absolute disk byte offset and a generation
 * number, so a request that lands at the wrong sector, reads or writes
 * the wrong page of a buffer, or returns stale data is caught: reads are
 * checked against what the disk must hold, often through a different
 * split of the range than the one that wrote it.  Buffers are malloc'd
 * (not physically contiguous) and used at odd sector offsets so requests
 * cross page boundaries.  Every request's completion comes from the
 * driver's interrupt handler (there is no polling path): the interrupt
 * and request counters under dev.vtblk.0 must move by what was issued.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>

#define	VB_DISKSIZE	(16 * 1024 * 1024)	/* plan.txt: disk=16M */
/* More bios at once than a 256-entry ring holds (3 descriptors each). */
#define	VB_NCONC	128
#define	VB_CONCSIZE	(32 * 1024)
#define	VB_WAIT_TICKS	(60 * hz)		/* a hang fails, not hangs */

static uint8_t
vb_pat(off_t o, int gen)
{
	return ((uint8_t)((o >> 9) * 31 + (o & 511) * 7 + gen * 13 +
	    (o >> 17)));
}

static void
vb_fill(uint8_t *buf, off_t off, long len, int gen)
{
	long i;

	for (i = 0; i < len; i++)
		buf[i] = vb_pat(off + i, gen);
}

/* The first byte index that differs from the pattern, or -1. */
static long
vb_check(const uint8_t *buf, off_t off, long len, int gen)
{
	long i;

	for (i = 0; i < len; i++)
		if (buf[i] != vb_pat(off + i, gen))
			return (i);
	return (-1);
}

static int
vb_io(struct disk *dp, int cmd, off_t off, void *buf, long len)
{
	struct bio b;

	bzero(&b, sizeof(b));
	b.bio_cmd = cmd;
	b.bio_offset = off;
	b.bio_bcount = len;
	b.bio_data = buf;
	disk_strategy(dp, &b);
	return (biowait(&b, "vbio"));
}

static uint64_t
vb_sysctl(const char *name)
{
	uint64_t v;
	u_long l;
	size_t len;

	len = sizeof(v);
	v = 0;
	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0)
		return (~0ULL);
	if (len == sizeof(l)) {
		memcpy(&l, &v, sizeof(l));
		return (l);
	}
	return (v);
}

#define	VB_DISK(dp)	do {						\
	(dp) = disk_lookup("vtbd0");					\
	if ((dp) == NULL)						\
		KT_SKIP("no vtbd0: boot with a disk (plan key disk=)");	\
} while (0)

KTEST(vtblk, attach_geometry)
{
	struct disk *dp;

	VB_DISK(dp);
	KT_EXPECT_STREQ(dp->d_ident, "vtbd0");
	KT_EXPECT_EQ(dp->d_sectorsize, 512);
	KT_EXPECT_EQ(dp->d_mediasize, VB_DISKSIZE);
	KT_EXPECT_GE(dp->d_maxsize, 64 * 1024);
	KT_EXPECT_EQ(dp->d_maxsize % PAGE_SIZE, 0);
	KT_EXPECT_NOT_NULL(disk_lookup("vtbd0"));
	KT_EXPECT_NULL(disk_lookup("vtbd1"));
}

/*
 * Many sizes at many offsets and buffer alignments: write, read back the
 * same range, then the whole span in one read.
 */
KTEST(vtblk, write_read_sizes)
{
	static const long sizes[] = { 512, 1024, 3584, 4096, 4608, 8192,
	    12800, 65536, 65536 + 512 };
	static const int bufoffs[] = { 0, 512, 4096 - 512, 1536 };
	struct disk *dp;
	uint8_t *buf;
	off_t off, base;
	long len, bad;
	u_int i, j;
	int gen;

	VB_DISK(dp);
	buf = malloc(dp->d_maxsize + 2 * PAGE_SIZE, M_TEMP, M_WAITOK);
	base = 1024 * 1024;
	gen = 1;
	for (i = 0; i < nitems(sizes); i++) {
		for (j = 0; j < nitems(bufoffs); j++, gen++) {
			len = MIN(sizes[i], (long)dp->d_maxsize);
			off = base + (off_t)(i * nitems(bufoffs) + j) * 512 * 3;
			vb_fill(buf + bufoffs[j], off, len, gen);
			KT_ASSERT_EQ(vb_io(dp, BIO_WRITE, off,
			    buf + bufoffs[j], len), 0);
			memset(buf, 0xa5, dp->d_maxsize + 2 * PAGE_SIZE);
			KT_ASSERT_EQ(vb_io(dp, BIO_READ, off,
			    buf + bufoffs[(j + 1) % nitems(bufoffs)], len), 0);
			bad = vb_check(buf + bufoffs[(j + 1) % nitems(bufoffs)],
			    off, len, gen);
			if (bad >= 0)
				KT_FAIL("size %ld at %jd (buffer +%d): byte "
				    "%ld is 0x%02x, wrote 0x%02x", len,
				    (intmax_t)off, bufoffs[j], bad,
				    buf[bufoffs[(j + 1) % nitems(bufoffs)] +
				    bad], vb_pat(off + bad, gen));
		}
	}
	/* One more pass, one big write, read back as 512-byte pieces. */
	len = dp->d_maxsize;
	off = 4 * 1024 * 1024 + 512;
	vb_fill(buf + 512, off, len, 99);
	KT_ASSERT_EQ(vb_io(dp, BIO_WRITE, off, buf + 512, len), 0);
	for (i = 0; i < (u_int)(len / 512); i += 37) {
		memset(buf, 0, 512);
		KT_ASSERT_EQ(vb_io(dp, BIO_READ, off + i * 512, buf, 512), 0);
		KT_ASSERT_EQ(vb_check(buf, off + i * 512, 512, 99), -1);
	}
	free(buf, M_TEMP);
}

/*
 * Data persist across requests: two neighbouring writes (the second
 * starts where the first ends), then both read back by one request; a
 * rewrite of the first leaves the second as it was.
 */
KTEST(vtblk, persistence_across_requests)
{
	struct disk *dp;
	uint8_t *a, *b;
	off_t off;

	VB_DISK(dp);
	a = malloc(3 * 8192, M_TEMP, M_WAITOK);
	b = malloc(8192, M_TEMP, M_WAITOK);
	off = 6 * 1024 * 1024 + 1024;
	vb_fill(a, off, 8192, 5);
	vb_fill(b, off + 8192, 8192, 6);
	KT_ASSERT_EQ(vb_io(dp, BIO_WRITE, off, a, 8192), 0);
	KT_ASSERT_EQ(vb_io(dp, BIO_WRITE, off + 8192, b, 8192), 0);
	memset(a, 0, 3 * 8192);
	KT_ASSERT_EQ(vb_io(dp, BIO_READ, off, a, 2 * 8192), 0);
	KT_EXPECT_EQ(vb_check(a, off, 8192, 5), -1);
	KT_EXPECT_EQ(vb_check(a + 8192, off + 8192, 8192, 6), -1);
	vb_fill(a, off, 8192, 7);
	KT_ASSERT_EQ(vb_io(dp, BIO_WRITE, off, a, 8192), 0);
	memset(a, 0, 3 * 8192);
	KT_ASSERT_EQ(vb_io(dp, BIO_READ, off, a, 2 * 8192), 0);
	KT_EXPECT_EQ(vb_check(a, off, 8192, 7), -1);
	KT_EXPECT_EQ(vb_check(a + 8192, off + 8192, 8192, 6), -1);
	free(b, M_TEMP);
	free(a, M_TEMP);
}

static volatile u_int	vb_ndone, vb_nerr;

/* bio_done: runs in the driver's interrupt handler. */
static void
vb_done(struct bio *bp)
{
	if (bp->bio_error != 0 || bp->bio_resid != 0)
		atomic_add_int(&vb_nerr, 1);
	atomic_add_int(&vb_ndone, 1);
	wakeup(__DEVOLATILE(void *, &vb_ndone));
}

static int
vb_wait_done(u_int n)
{
	int start = ticks;

	while (atomic_load_int(&vb_ndone) < n) {
		if (ticks - start > VB_WAIT_TICKS)
			return (ETIMEDOUT);
		tsleep(__DEVOLATILE(void *, &vb_ndone), 0, "vbconc", hz / 10);
	}
	return (0);
}

/*
 * VB_NCONC requests in flight at once, more than the ring holds: all
 * complete, without error, with the right data, and some had to wait for
 * the ring (queue_waits grows).  Then the same range read concurrently
 * in a different split.
 */
KTEST(vtblk, concurrent_requests)
{
	static struct bio bios[VB_NCONC];
	struct disk *dp;
	uint8_t *buf;
	off_t base;
	uint64_t waits0;
	int i, nreq;
	long bad;

	VB_DISK(dp);
	buf = malloc(VB_NCONC * VB_CONCSIZE, M_TEMP, M_WAITOK);
	base = 8 * 1024 * 1024 - 3 * 512;
	vb_fill(buf, base, VB_NCONC * VB_CONCSIZE, 21);
	waits0 = vb_sysctl("dev.vtblk.0.queue_waits");
	vb_ndone = vb_nerr = 0;
	bzero(bios, sizeof(bios));
	for (i = 0; i < VB_NCONC; i++) {
		bios[i].bio_cmd = BIO_WRITE;
		bios[i].bio_offset = base + (off_t)i * VB_CONCSIZE;
		bios[i].bio_bcount = VB_CONCSIZE;
		bios[i].bio_data = buf + i * VB_CONCSIZE;
		bios[i].bio_done = vb_done;
		disk_strategy(dp, &bios[i]);
	}
	KT_ASSERT_EQ(vb_wait_done(VB_NCONC), 0);
	KT_EXPECT_EQ(vb_nerr, 0);
	KT_EXPECT_GT(vb_sysctl("dev.vtblk.0.queue_waits"), waits0);

	/* Read it back as twice as many half-size requests. */
	memset(buf, 0, VB_NCONC * VB_CONCSIZE);
	vb_ndone = vb_nerr = 0;
	nreq = 0;
	for (i = 0; i < VB_NCONC; i++) {
		bzero(&bios[i], sizeof(bios[i]));
		bios[i].bio_cmd = BIO_READ;
		bios[i].bio_offset = base + (off_t)i * VB_CONCSIZE / 2;
		bios[i].bio_bcount = VB_CONCSIZE / 2;
		bios[i].bio_data = buf + i * VB_CONCSIZE / 2;
		bios[i].bio_done = vb_done;
		disk_strategy(dp, &bios[i]);
		nreq++;
	}
	KT_ASSERT_EQ(vb_wait_done(nreq), 0);
	KT_EXPECT_EQ(vb_nerr, 0);
	bad = vb_check(buf, base, (long)nreq * VB_CONCSIZE / 2, 21);
	if (bad >= 0)
		KT_FAIL("byte %ld (request %ld) is 0x%02x, wrote 0x%02x", bad,
		    bad / (VB_CONCSIZE / 2), buf[bad], vb_pat(base + bad, 21));
	free(buf, M_TEMP);
}

/*
 * The last sectors of the disk are usable; a request past the end, at a
 * negative offset, not in whole sectors, empty or over d_maxsize is
 * refused EINVAL and does not touch the disk.
 */
KTEST(vtblk, end_of_disk_and_refusals)
{
	struct disk *dp;
	uint8_t *buf;
	off_t end;
	long len;

	VB_DISK(dp);
	end = dp->d_mediasize;
	len = dp->d_maxsize;
	buf = malloc(len + 1024, M_TEMP, M_WAITOK);
	vb_fill(buf, end - len, len, 33);
	KT_ASSERT_EQ(vb_io(dp, BIO_WRITE, end - len, buf, len), 0);
	vb_fill(buf, end - 512, 512, 34);
	KT_ASSERT_EQ(vb_io(dp, BIO_WRITE, end - 512, buf, 512), 0);

	vb_fill(buf, end - 512, 1024, 35);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, end - 512, buf, 1024), EINVAL);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, end, buf, 512), EINVAL);
	KT_EXPECT_EQ(vb_io(dp, BIO_READ, end + 4096, buf, 512), EINVAL);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, -512, buf, 512), EINVAL);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, end - 1024, buf, 100), EINVAL);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, 100, buf, 512), EINVAL);
	KT_EXPECT_EQ(vb_io(dp, BIO_READ, 0, buf, 0), EINVAL);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, 0, buf, len + 512), EINVAL);

	memset(buf, 0, len);
	KT_ASSERT_EQ(vb_io(dp, BIO_READ, end - len, buf, len), 0);
	KT_EXPECT_EQ(vb_check(buf, end - len, len - 512, 33), -1);
	KT_EXPECT_EQ(vb_check(buf + len - 512, end - 512, 512, 34), -1);
	free(buf, M_TEMP);
}

/*
 * A device error (the plan's diskerr=SECTOR: QEMU's blkdebug fails every
 * request touching that sector, once a first write has armed it; the
 * same sector in the tunable test.vtblk.errsector) ends the bio with EIO
 * and is counted; requests beside it still work.
 */
KTEST(vtblk, device_error_is_eio)
{
	struct disk *dp;
	uint8_t *buf;
	uint64_t err0;
	long errsector;
	off_t bad;

	VB_DISK(dp);
	errsector = -1;
	if (getenv_long("test.vtblk.errsector", &errsector) == 0 ||
	    errsector < 0)
		KT_SKIP("no injected error (plan keys diskerr=, "
		    "test.vtblk.errsector=)");
	bad = (off_t)errsector * 512;
	buf = malloc(3 * 4096, M_TEMP, M_WAITOK);
	err0 = vb_sysctl("dev.vtblk.0.errors");
	/* The first write arms blkdebug's rules. */
	vb_fill(buf, 0, 4096, 41);
	KT_ASSERT_EQ(vb_io(dp, BIO_WRITE, 0, buf, 4096), 0);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, bad, buf, 512), EIO);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, bad - 4096, buf, 3 * 4096), EIO);
	KT_EXPECT_EQ(vb_io(dp, BIO_READ, bad, buf, 512), EIO);
	KT_EXPECT_EQ(vb_io(dp, BIO_READ, bad - 512, buf, 4096), EIO);
	KT_EXPECT_EQ(vb_sysctl("dev.vtblk.0.errors") - err0, 4);
	/* Its neighbours are fine. */
	vb_fill(buf, bad + 512, 4096, 42);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, bad + 512, buf, 4096), 0);
	vb_fill(buf, bad - 4096, 4096, 43);
	KT_EXPECT_EQ(vb_io(dp, BIO_WRITE, bad - 4096, buf, 4096), 0);
	memset(buf, 0, 3 * 4096);
	KT_EXPECT_EQ(vb_io(dp, BIO_READ, bad + 512, buf, 4096), 0);
	KT_EXPECT_EQ(vb_check(buf, bad + 512, 4096, 42), -1);
	KT_EXPECT_EQ(vb_io(dp, BIO_READ, bad - 4096, buf, 4096), 0);
	KT_EXPECT_EQ(vb_check(buf, bad - 4096, 4096, 43), -1);
	KT_EXPECT_EQ(vb_sysctl("dev.vtblk.0.errors") - err0, 4);
	free(buf, M_TEMP);
}

/*
 * At boot, before interrupts are on, the driver polls: a SYSINIT right
 * after the attach (in boots of this suite only) writes and reads back a
 * pattern while cold; the case checks what it found.
 */
#define	VB_COLD_OFF	(3 * 1024 * 1024)
static int	vb_cold_was, vb_cold_werr = -1, vb_cold_rerr = -1;
static long	vb_cold_bad = -2;
static uint64_t	vb_cold_intrs;

static void
vb_cold_io(void *dummy __unused)
{
	struct disk *dp;
	uint8_t *buf;
	char run[16];

	/* Only in this suite's boots: others may have a disk of their own. */
	if (getenv_string("ktest.run", run, sizeof(run)) == 0 ||
	    strncmp(run, "vtblk", 5) != 0 || (run[5] != '\0' &&
	    run[5] != ':'))
		return;
	if ((dp = disk_lookup("vtbd0")) == NULL)
		return;
	vb_cold_was = cold;
	buf = malloc(8192, M_TEMP, M_WAITOK);
	vb_fill(buf, VB_COLD_OFF, 8192, 77);
	vb_cold_werr = vb_io(dp, BIO_WRITE, VB_COLD_OFF, buf, 8192);
	memset(buf, 0, 8192);
	vb_cold_rerr = vb_io(dp, BIO_READ, VB_COLD_OFF, buf, 8192);
	vb_cold_bad = vb_check(buf, VB_COLD_OFF, 8192, 77);
	vb_cold_intrs = vb_sysctl("dev.vtblk.0.vq.interrupts");
	free(buf, M_TEMP);
}
SYSINIT(vb_cold_io, SI_SUB_CONFIGURE, SI_ORDER_ANY, vb_cold_io, NULL);

KTEST(vtblk, io_at_boot_before_interrupts)
{
	struct disk *dp;

	VB_DISK(dp);
	KT_EXPECT_EQ(vb_cold_was, 1);
	KT_EXPECT_EQ(vb_cold_werr, 0);
	KT_EXPECT_EQ(vb_cold_rerr, 0);
	KT_EXPECT_EQ(vb_cold_bad, -1);
	/* No interrupt was taken then: the completions were polled. */
	KT_EXPECT_EQ(vb_cold_intrs, 0);
}

/* Completions come by interrupt: both counters move with the I/O. */
KTEST(vtblk, interrupts_counted)
{
	struct disk *dp;
	uint64_t intr0, req0, intr1, req1, err0;
	uint8_t *buf;
	int i;

	VB_DISK(dp);
	buf = malloc(4096, M_TEMP, M_WAITOK);
	intr0 = vb_sysctl("dev.vtblk.0.vq.interrupts");
	req0 = vb_sysctl("dev.vtblk.0.requests");
	err0 = vb_sysctl("dev.vtblk.0.errors");
	KT_ASSERT_NE(intr0, ~0ULL);
	KT_ASSERT_NE(req0, ~0ULL);
	for (i = 0; i < 10; i++) {
		vb_fill(buf, 512 * i, 4096, i);
		KT_ASSERT_EQ(vb_io(dp, i & 1 ? BIO_READ : BIO_WRITE, 512 * i,
		    buf, 4096), 0);
	}
	/* A refused request never reaches the driver. */
	KT_ASSERT_EQ(vb_io(dp, BIO_READ, dp->d_mediasize, buf, 512), EINVAL);
	intr1 = vb_sysctl("dev.vtblk.0.vq.interrupts");
	req1 = vb_sysctl("dev.vtblk.0.requests");
	/* At least: a consumer of the disk (swap) may add its own. */
	KT_EXPECT_GE(req1 - req0, 10);
	/* One request at a time: one interrupt each. */
	KT_EXPECT_GE(intr1 - intr0, 10);
	KT_EXPECT_GT(intr0, 0);
	KT_EXPECT_EQ(vb_sysctl("dev.vtblk.0.errors"), err0);
	free(buf, M_TEMP);
}
