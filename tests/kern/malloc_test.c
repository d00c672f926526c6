/*
 * malloc(9) and contigmalloc(9), tested from the contract in
 * sys/sys/malloc.h, FreeBSD's manual pages and issue 4:
 *
 * - every size 1..65536 (each size up to 1024, then a stride plus both
 *   sides of every size class) and large sizes: aligned, writable over the
 *   whole usable size, never overlapping a live neighbour;
 * - malloc_usable_size, the size classes (a request goes to the smallest
 *   zone that holds it; four zones per power of two), the per-type
 *   statistics (exact per malloc and free, bucket bitmask, exact under
 *   concurrent malloc/free on every CPU, cross-CPU frees);
 * - M_ZERO after dirty reuse, realloc/reallocf, free(NULL), M_NOWAIT
 *   failure, malloc_last_fail, M_WAITOK under page pressure;
 * - kern.malloc's table and vm.kmem_*;
 * - contigmalloc: address window, alignment, boundary, contiguity page by
 *   page, M_ZERO, a clean M_NOWAIT failure, accounting;
 * - the inline fast paths (malloc.h): the compile-time size class against
 *   kmemsize[] for every size, exact statistics per class for constant and
 *   variable sizes, a free on another CPU, M_ZERO, the page cookie, and
 *   HighUse moved by growth alone;
 * - death tests: the INVARIANTS checks (they skip without INVARIANTS),
 *   kmem_map exhaustion with M_WAITOK and contigmalloc's argument panics,
 *   a limit on a malloc zone.
 *
 * Each test that counts uses its own malloc type, so its statistics move
 * only with what the test does.  The bytes a malloc charges to its type
 * (mts_memalloced) are the block it got: the zone's size, or the pages of
 * a large block.  That is at least malloc_usable_size(), which may be less
 * where a debug kernel keeps something of its own in the block.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_page.h>
#include <vm/uma.h>

#ifdef INVARIANTS
#define	MT_INVARIANTS	1
#else
#define	MT_INVARIANTS	0
#endif

MALLOC_DEFINE(M_KTEST, "ktest", "malloc(9) tests");
MALLOC_DEFINE(M_KTEST_SWEEP, "ktestsweep", "malloc(9) tests: size sweep");
MALLOC_DEFINE(M_KTEST_LARGE, "ktestlarge", "malloc(9) tests: large sizes");
MALLOC_DEFINE(M_KTEST_TBL, "ktesttbl", "malloc(9) tests: kern.malloc row");
MALLOC_DEFINE(M_KTEST_CLS, "ktestcls", "malloc(9) tests: size classes");
MALLOC_DEFINE(M_KTEST_MP, "ktestmp", "malloc(9) tests: every CPU");
MALLOC_DEFINE(M_KTEST_CONTIG, "ktestcontig", "contigmalloc(9) tests");
MALLOC_DEFINE(M_KTEST_OTHER, "ktestother", "malloc(9) tests: wrong type");

#define	MT_HUGE		(1UL << 40)	/* more than any kmem_map */
#define	MT_KMEM_ZMAX	65536		/* largest size served by a zone */
#define	MT_BATCH	64		/* blocks kept alive at once */
/* Page-table pages a new kernel mapping may add and never give back. */
#define	MT_PT_SLACK	3

/* A type's statistics, summed over the CPUs. */
struct mt_stat {
	uint64_t	allocs;
	uint64_t	frees;
	uint64_t	memalloced;
	uint64_t	memfreed;
	uint64_t	sizemask;	/* OR of the per-CPU masks */
};

static struct mt_stat
mt_stat(struct malloc_type *type)
{
	struct mt_stat s;
	int cpu;

	memset(&s, 0, sizeof(s));
	CPU_FOREACH(cpu) {
		s.allocs += type->ks_stats[cpu].mts_numallocs;
		s.frees += type->ks_stats[cpu].mts_numfrees;
		s.memalloced += type->ks_stats[cpu].mts_memalloced;
		s.memfreed += type->ks_stats[cpu].mts_memfreed;
		s.sizemask |= type->ks_stats[cpu].mts_size;
	}
	return (s);
}

#define	MT_INUSE(s)	((s).allocs - (s).frees)
#define	MT_MEMUSE(s)	((s).memalloced - (s).memfreed)

static int
mt_popcount(uint64_t x)
{
	int n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return (n);
}

/* A u_long sysctl; ~0UL when it is missing or not a u_long. */
static u_long
mt_sysctl_ulong(const char *name)
{
	u_long v = 0;
	size_t len = sizeof(v);

	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0 ||
	    len != sizeof(v))
		return (~0UL);
	return (v);
}

/*
 * The text of a string sysctl in a malloc(M_TEMP) buffer (the caller
 * frees it), or NULL.
 */
static char *
mt_sysctl_text(const char *name)
{
	size_t len = 0, want;
	char *buf;
	int i;

	for (i = 0; i < 4; i++) {
		if (kernel_sysctlbyname(name, NULL, &len, NULL, 0) != 0)
			return (NULL);
		want = len + 4096;
		buf = malloc(want, M_TEMP, M_WAITOK | M_ZERO);
		len = want - 1;
		if (kernel_sysctlbyname(name, buf, &len, NULL, 0) == 0) {
			buf[MIN(len, want - 1)] = '\0';
			return (buf);
		}
		free(buf, M_TEMP);
	}
	return (NULL);
}

/* Where the first byte of p[0..n) differs from c, or n. */
static size_t
mt_find_not(const void *p, size_t n, uint8_t c)
{
	const uint8_t *b = p;
	uint64_t w = 0x0101010101010101UL * c;
	size_t i = 0;

	if (((uintptr_t)b & 7) == 0)
		for (; i + 8 <= n; i += 8)
			if (*(const uint64_t *)(b + i) != w)
				break;
	for (; i < n; i++)
		if (b[i] != c)
			return (i);
	return (n);
}

/*
 * Batches of live blocks: each is filled over its whole usable size with
 * its own byte, then all are checked (pattern intact, no overlap) and
 * freed.
 */
struct mt_blk {
	uint8_t		*p;
	size_t		size;
	size_t		usable;
	uint64_t	charged;	/* mts_memalloced it added */
	uint8_t		seed;
};

static struct mt_blk	mt_blks[MT_BATCH];
static int		mt_nblks;
static uint8_t		mt_seed;

/* Shell sort of the batch by address. */
static void
mt_sort_blks(struct mt_blk *a, int n)
{
	static const int gaps[] = { 23, 10, 4, 1 };
	struct mt_blk v;
	size_t g;
	int gap, i, j;

	for (g = 0; g < nitems(gaps); g++) {
		gap = gaps[g];
		for (i = gap; i < n; i++) {
			v = a[i];
			for (j = i; j >= gap && a[j - gap].p > v.p; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
	}
}

/* Check and free the batch; the number of problems found. */
static int
mt_flush(struct ktest_ctx *kt, struct malloc_type *type)
{
	struct mt_stat s0, s1;
	uint64_t bytes = 0;
	size_t off;
	int i, bad = 0;

	mt_sort_blks(mt_blks, mt_nblks);
	for (i = 0; i < mt_nblks; i++) {
		off = mt_find_not(mt_blks[i].p, mt_blks[i].usable,
		    mt_blks[i].seed);
		if (off != mt_blks[i].usable) {
			KT_EXPECT_EQ(off, mt_blks[i].usable);
			printf("# block %p of size %zu (usable %zu): byte %zu "
			    "is %#x, not %#x\n", mt_blks[i].p, mt_blks[i].size,
			    mt_blks[i].usable, off, mt_blks[i].p[off],
			    mt_blks[i].seed);
			bad++;
		}
		if (i + 1 < mt_nblks && mt_blks[i].p + mt_blks[i].usable >
		    mt_blks[i + 1].p) {
			KT_EXPECT_LE((uintptr_t)mt_blks[i].p +
			    mt_blks[i].usable, (uintptr_t)mt_blks[i + 1].p);
			printf("# blocks %p (size %zu, usable %zu) and %p "
			    "(size %zu) overlap\n", mt_blks[i].p,
			    mt_blks[i].size, mt_blks[i].usable,
			    mt_blks[i + 1].p, mt_blks[i + 1].size);
			bad++;
		}
		bytes += mt_blks[i].charged;
	}
	s0 = mt_stat(type);
	for (i = 0; i < mt_nblks; i++)
		free(mt_blks[i].p, type);
	s1 = mt_stat(type);
	/* free() gives back exactly what malloc charged. */
	KT_EXPECT_EQ(s1.frees - s0.frees, mt_nblks);
	KT_EXPECT_EQ(s1.memfreed - s0.memfreed, bytes);
	bad += s1.frees - s0.frees != (uint64_t)mt_nblks ||
	    s1.memfreed - s0.memfreed != bytes;
	mt_nblks = 0;
	return (bad);
}

/*
 * malloc one block of size into the batch and check what can be checked
 * at once: alignment (16 bytes from size 16 on, pages for large blocks),
 * usable size, one allocation counted, the bytes charged (a zone of at
 * most 64K, or the request rounded up to pages); the number of problems.
 */
static int
mt_add(struct ktest_ctx *kt, struct malloc_type *type, size_t size,
    int flags)
{
	struct mt_stat s0, s1;
	struct mt_blk *b;
	uint64_t charged;
	uint8_t *p;
	size_t usable;
	int bad = 0;

	if (mt_nblks == MT_BATCH)
		bad += mt_flush(kt, type);
	s0 = mt_stat(type);
	p = malloc(size, type, flags);
	s1 = mt_stat(type);
	if (p == NULL) {
		KT_EXPECT_NOT_NULL(p);
		printf("# malloc(%zu, %#x) returned NULL\n", size, flags);
		return (1);
	}
	usable = malloc_usable_size(p);
	charged = s1.memalloced - s0.memalloced;
	if (usable < size || (size >= 16 && ((uintptr_t)p & 15) != 0) ||
	    ((uintptr_t)p & 7) != 0 || charged < usable ||
	    (usable > MT_KMEM_ZMAX && (((uintptr_t)p & PAGE_MASK) != 0 ||
	    usable != round_page(size) || charged != usable)) ||
	    s1.allocs - s0.allocs != 1) {
		KT_EXPECT_GE(usable, size);
		if (size >= 16)
			KT_EXPECT_EQ((uintptr_t)p & 15, 0);
		KT_EXPECT_EQ((uintptr_t)p & 7, 0);
		KT_EXPECT_GE(charged, usable);
		if (usable > MT_KMEM_ZMAX) {
			KT_EXPECT_EQ((uintptr_t)p & PAGE_MASK, 0);
			KT_EXPECT_EQ(usable, round_page(size));
			KT_EXPECT_EQ(charged, usable);
		}
		KT_EXPECT_EQ(s1.allocs - s0.allocs, 1);
		printf("# malloc(%zu) = %p, usable %zu, charged %ju\n", size,
		    p, usable, (uintmax_t)charged);
		bad++;
	}
	if ((flags & M_ZERO) != 0 && mt_find_not(p, size, 0) != size) {
		KT_EXPECT_EQ(mt_find_not(p, size, 0), size);
		bad++;
	}
	b = &mt_blks[mt_nblks++];
	b->p = p;
	b->size = size;
	b->usable = usable;
	b->charged = charged;
	b->seed = ++mt_seed == 0 ? ++mt_seed : mt_seed;
	memset(p, b->seed, usable);
	return (bad);
}

/* The usable size malloc gives a request of size (in M_TEMP). */
static size_t
mt_class(size_t size)
{
	void *p;
	size_t u;

	p = malloc(size, M_TEMP, M_WAITOK);
	u = malloc_usable_size(p);
	free(p, M_TEMP);
	return (u);
}

/* The bytes a malloc of size charges to its type (M_KTEST_CLS). */
static uint64_t
mt_charge(size_t size)
{
	struct mt_stat s0, s1;
	void *p;

	s0 = mt_stat(M_KTEST_CLS);
	p = malloc(size, M_KTEST_CLS, M_WAITOK);
	s1 = mt_stat(M_KTEST_CLS);
	free(p, M_KTEST_CLS);
	return (s1.memalloced - s0.memalloced);
}

/*
 * The zones, ascending: the distinct blocks of at most 64K that requests
 * of 1..65536 bytes are charged for.  Returns how many (more than max
 * means some were not stored).
 */
static int
mt_zones(uint64_t *zones, int max)
{
	uint64_t z, prev = 0;
	size_t size;
	int n = 0;

	for (size = 1; size <= MT_KMEM_ZMAX; size++) {
		z = mt_charge(size);
		if (z != prev && z <= MT_KMEM_ZMAX) {
			if (n < max)
				zones[n] = z;
			n++;
		}
		prev = z;
	}
	return (n);
}

/*
 * Every size from 1 to 1024, each kept alive with 63 others, written over
 * its whole usable size and checked before it is freed.
 */
KTEST(malloc, every_size_to_1024)
{
	struct mt_stat s0, s1;
	size_t size;
	int bad = 0;

	s0 = mt_stat(M_KTEST_SWEEP);
	for (size = 1; size <= 1024 && bad < 10; size++)
		bad += mt_add(kt, M_KTEST_SWEEP, size, M_WAITOK);
	bad += mt_flush(kt, M_KTEST_SWEEP);
	KT_EXPECT_EQ(bad, 0);
	s1 = mt_stat(M_KTEST_SWEEP);
	KT_EXPECT_EQ(MT_INUSE(s1), MT_INUSE(s0));
	KT_EXPECT_EQ(MT_MEMUSE(s1), MT_MEMUSE(s0));
	/*
	 * Exactly: 1024 allocations and frees, charged the class sizes
	 * (16 sizes each of 16..128, 32 each of 160..256, 64 each of
	 * 320..512, 128 each of 640..1024: 568320 bytes), and the first 20
	 * size classes, 16 to 1024, marked used, and no other.
	 */
	KT_EXPECT_EQ(s1.allocs - s0.allocs, 1024);
	KT_EXPECT_EQ(s1.frees - s0.frees, 1024);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced, 568320);
	KT_EXPECT_EQ(s1.memfreed - s0.memfreed, 568320);
	KT_EXPECT_EQ(s1.sizemask & 0xfffff, 0xfffff);
	KT_EXPECT_EQ(s1.sizemask & ~s0.sizemask & ~(uint64_t)0xfffff, 0);
}

/*
 * 1025..65536: a stride of 61 bytes, plus every class size and both its
 * neighbours (the class sizes are found by walking: the size after a
 * class is the first size of the next one).
 */
KTEST(malloc, every_size_class_to_65536)
{
	size_t size, u;
	int bad = 0;

	for (size = 1025; size <= MT_KMEM_ZMAX && bad < 10; size += 61)
		bad += mt_add(kt, M_KTEST_SWEEP, size, M_WAITOK);
	for (size = 1025; size <= MT_KMEM_ZMAX && bad < 10; size = u + 1) {
		u = mt_class(size);
		KT_ASSERT_GE(u, size);
		bad += mt_add(kt, M_KTEST_SWEEP, size, M_WAITOK);
		bad += mt_add(kt, M_KTEST_SWEEP, u - 1, M_WAITOK);
		bad += mt_add(kt, M_KTEST_SWEEP, u, M_WAITOK);
		if (u + 1 <= MT_KMEM_ZMAX + 1)
			bad += mt_add(kt, M_KTEST_SWEEP, u + 1, M_WAITOK);
	}
	bad += mt_flush(kt, M_KTEST_SWEEP);
	KT_EXPECT_EQ(bad, 0);
}

/*
 * The size classes, seen through the bytes charged per request: they
 * never shrink as the request grows; the zones run from 16 to 65536, in
 * multiples of 16, four per power of two from 64 up (sys/sys/malloc.h),
 * so no request is charged more than a quarter of itself plus the
 * 16-byte granule beyond its size; one bit of the type's bucket mask per
 * zone used.
 */
KTEST(malloc, size_classes_four_per_power_of_two)
{
	uint64_t zones[64], z, prev, lo;
	struct mt_stat s0, s1;
	size_t size;
	int i, n, in, bad = 0;

	s0 = mt_stat(M_KTEST_CLS);
	prev = 0;
	for (size = 1; size <= MT_KMEM_ZMAX; size++) {
		z = mt_charge(size);
		if (z < prev || z < size ||
		    (size > 64 && z > size + size / 4 + 16)) {
			KT_EXPECT_GE(z, prev);
			KT_EXPECT_GE(z, size);
			if (size > 64)
				KT_EXPECT_LE(z, size + size / 4 + 16);
			printf("# size %zu: charged %ju (previous %ju)\n", size,
			    (uintmax_t)z, (uintmax_t)prev);
			if (++bad == 5)
				return;
		}
		prev = z;
	}
	s1 = mt_stat(M_KTEST_CLS);
	n = mt_zones(zones, nitems(zones));
	KT_ASSERT_LE(n, 64);
	KT_ASSERT_GT(n, 0);
	KT_EXPECT_EQ(zones[0], 16);
	KT_EXPECT_EQ(zones[n - 1], MT_KMEM_ZMAX);
	for (i = 0; i < n; i++)
		KT_EXPECT_EQ(zones[i] & 15, 0);
	for (lo = 64; lo < MT_KMEM_ZMAX; lo *= 2) {
		in = 0;
		prev = 0;
		for (i = 0; i < n; i++)
			if (zones[i] > lo && zones[i] <= 2 * lo) {
				in++;
				prev = zones[i];
			}
		KT_EXPECT_EQ(in, 4);
		KT_EXPECT_EQ(prev, 2 * lo);
		if (in != 4 || prev != 2 * lo)
			printf("# (%ju, %ju]: %d zones, last %ju\n",
			    (uintmax_t)lo, (uintmax_t)(2 * lo), in,
			    (uintmax_t)prev);
	}
	/* Every zone was used by this type: one mask bit each. */
	KT_EXPECT_EQ(s0.sizemask, 0);
	KT_EXPECT_EQ(mt_popcount(s1.sizemask), n);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, MT_KMEM_ZMAX);
	KT_EXPECT_EQ(MT_INUSE(s1), 0);
	KT_EXPECT_EQ(MT_MEMUSE(s1), 0);
}

/*
 * A request goes to the smallest zone that holds it, as FreeBSD rounds a
 * size up to its bucket: a request of exactly a zone's size is served by
 * that zone (65536 included: it is not a large allocation), and the byte
 * after it by the next one.
 */
KTEST(malloc, request_of_a_zone_size_uses_that_zone)
{
	uint64_t zones[64], z;
	int i, n, bad = 0;

	n = mt_zones(zones, nitems(zones));
	KT_ASSERT_LE(n, 64);
	for (i = 0; i < n && bad < 5; i++) {
		z = mt_charge(zones[i]);
		if (z != zones[i]) {
			KT_EXPECT_EQ(z, zones[i]);
			printf("# malloc(%ju) is charged %ju\n",
			    (uintmax_t)zones[i], (uintmax_t)z);
			bad++;
		}
		if (i + 1 < n)
			KT_EXPECT_EQ(mt_charge(zones[i] + 1), zones[i + 1]);
	}
	KT_EXPECT_EQ(mt_charge(MT_KMEM_ZMAX), MT_KMEM_ZMAX);
	KT_EXPECT_EQ(mt_charge(MT_KMEM_ZMAX + 1),
	    round_page(MT_KMEM_ZMAX + 1));
}

/*
 * Large sizes come whole from kmem_map: page aligned, usable size the
 * request rounded up to pages, all alive at once without overlap.
 */
KTEST(malloc, large_sizes)
{
	static const size_t sizes[] = { 65537, 65536 + PAGE_SIZE, 100000,
	    1024 * 1024, 1024 * 1024 + 1, 2 * 1024 * 1024 - 1, 65537 };
	struct mt_stat s0, s1;
	size_t i;
	int bad = 0;

	s0 = mt_stat(M_KTEST_LARGE);
	for (i = 0; i < nitems(sizes); i++)
		bad += mt_add(kt, M_KTEST_LARGE, sizes[i],
		    i & 1 ? M_NOWAIT : M_WAITOK);
	bad += mt_flush(kt, M_KTEST_LARGE);
	KT_EXPECT_EQ(bad, 0);
	s1 = mt_stat(M_KTEST_LARGE);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, nitems(sizes));
	KT_EXPECT_EQ(MT_INUSE(s1), MT_INUSE(s0));
	KT_EXPECT_EQ(MT_MEMUSE(s1), MT_MEMUSE(s0));
}

/*
 * Per-type statistics: one allocation and the usable size per malloc,
 * one free and the same size per free, the bucket mask set by small
 * sizes, and everything back to the baseline once all is freed.
 * free(NULL) changes nothing.
 */
KTEST(malloc, stats_back_to_baseline)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 1000, 4096, 4097,
	    65536, 65537, 1024 * 1024 };
	void *p[nitems(sizes)];
	struct mt_stat s0, s1, s2, s3, sa;
	uint64_t bytes = 0;
	size_t i;

	s0 = mt_stat(M_KTEST);
	for (i = 0; i < nitems(sizes); i++) {
		sa = mt_stat(M_KTEST);
		p[i] = malloc(sizes[i], M_KTEST, i & 1 ? M_NOWAIT : M_WAITOK);
		KT_ASSERT_NOT_NULL(p[i]);
		KT_EXPECT_GE(mt_stat(M_KTEST).memalloced - sa.memalloced,
		    malloc_usable_size(p[i]));
		bytes += mt_stat(M_KTEST).memalloced - sa.memalloced;
	}
	s1 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, nitems(sizes));
	KT_EXPECT_EQ(s1.frees, s0.frees);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced, bytes);
	KT_EXPECT_EQ(s1.memfreed, s0.memfreed);
	KT_EXPECT_EQ(MT_INUSE(s1) - MT_INUSE(s0), nitems(sizes));
	KT_EXPECT_NE(s1.sizemask, 0);
	for (i = 0; i < nitems(sizes); i++)
		free(p[i], M_KTEST);
	s2 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(s2.allocs, s1.allocs);
	KT_EXPECT_EQ(s2.frees - s1.frees, nitems(sizes));
	KT_EXPECT_EQ(s2.memfreed - s1.memfreed, bytes);
	KT_EXPECT_EQ(MT_INUSE(s2), MT_INUSE(s0));
	KT_EXPECT_EQ(MT_MEMUSE(s2), MT_MEMUSE(s0));
	KT_EXPECT_EQ(s2.sizemask, s1.sizemask);
	free(NULL, M_KTEST);
	free(NULL, M_KTEST_OTHER);
	s3 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(s3.allocs, s2.allocs);
	KT_EXPECT_EQ(s3.frees, s2.frees);
	KT_EXPECT_EQ(s3.memalloced, s2.memalloced);
	KT_EXPECT_EQ(s3.memfreed, s2.memfreed);
	KT_EXPECT_EQ(mt_stat(M_KTEST_OTHER).frees, 0);
}

/*
 * M_ZERO after dirty reuse: blocks are filled with 0xff over their usable
 * size and freed, then the same size is asked for with M_ZERO (on the
 * same CPU, so small blocks come back from its cache).
 */
KTEST(malloc, m_zero_after_dirty_reuse)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 1000, 4096, 5000,
	    65536, 65537, 100000, 1024 * 1024 };
	uint8_t *p[8];
	uintptr_t old[8];
	size_t i, off;
	int j, k, reused = 0;

	sched_bind(curthread, 0);
	for (i = 0; i < nitems(sizes); i++) {
		for (j = 0; j < 8; j++) {
			p[j] = malloc(sizes[i], M_KTEST, M_WAITOK);
			KT_ASSERT_NOT_NULL(p[j]);
			memset(p[j], 0xff, malloc_usable_size(p[j]));
			old[j] = (uintptr_t)p[j];
		}
		for (j = 7; j >= 0; j--)
			free(p[j], M_KTEST);
		for (j = 0; j < 8; j++) {
			p[j] = malloc(sizes[i], M_KTEST, (j & 1 ? M_NOWAIT :
			    M_WAITOK) | M_ZERO);
			KT_ASSERT_NOT_NULL(p[j]);
			off = mt_find_not(p[j], sizes[i], 0);
			if (off != sizes[i]) {
				KT_EXPECT_EQ(off, sizes[i]);
				printf("# M_ZERO malloc(%zu) = %p: byte %zu is "
				    "%#x\n", sizes[i], p[j], off, p[j][off]);
			}
			for (k = 0; k < 8; k++)
				reused += (uintptr_t)p[j] == old[k];
		}
		for (j = 0; j < 8; j++)
			free(p[j], M_KTEST);
	}
	sched_unbind(curthread);
	/* The check means something only if dirty blocks came back. */
	KT_EXPECT_GT(reused, 0);
}

/* Fill p[0..n) with a pattern that depends on the offset and a seed. */
static void
mt_pattern(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

/* Where p[0..n) first departs from the pattern, or n. */
static size_t
mt_pattern_check(const uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (uint8_t)(i * 7 + seed + (i >> 8)))
			return (i);
	return (n);
}

/*
 * realloc: NULL acts as malloc; growing moves and keeps the data; the
 * same size, or shrinking to more than half of the allocated size, keeps
 * the block; shrinking to half or less moves to a smaller block, keeping
 * the data that fits; the statistics stay balanced throughout.
 */
KTEST(malloc, realloc_grow_shrink_null_same)
{
	struct mt_stat s0, s1;
	uint8_t *p, *q;
	size_t u, u2;

	s0 = mt_stat(M_KTEST);
	p = realloc(NULL, 100, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT_GE(malloc_usable_size(p), 100);
	s1 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, 1);
	KT_EXPECT_GE(s1.memalloced - s0.memalloced, malloc_usable_size(p));
	KT_EXPECT_EQ(s1.frees, s0.frees);
	mt_pattern(p, 100, 1);

	/* Grow, small to small and small to large. */
	q = realloc(p, 5000, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	KT_EXPECT_GE(malloc_usable_size(q), 5000);
	KT_EXPECT_EQ(mt_pattern_check(q, 100, 1), 100);
	mt_pattern(q, 5000, 2);
	p = realloc(q, 300000, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT_EQ(malloc_usable_size(p), round_page(300000));
	KT_EXPECT_EQ(mt_pattern_check(p, 5000, 2), 5000);
	mt_pattern(p, 300000, 3);

	/* Same size, and the allocated size: the same block. */
	u = malloc_usable_size(p);
	KT_EXPECT_EQ((uintptr_t)realloc(p, 300000, M_KTEST, M_WAITOK),
	    (uintptr_t)p);
	KT_EXPECT_EQ((uintptr_t)realloc(p, u, M_KTEST, M_WAITOK),
	    (uintptr_t)p);
	/* Large: more than half stays put. */
	q = realloc(p, u / 2 + 1, M_KTEST, M_WAITOK);
	KT_EXPECT_EQ((uintptr_t)q, (uintptr_t)p);
	KT_EXPECT_EQ(mt_pattern_check(q, u / 2 + 1, 3), u / 2 + 1);
	KT_EXPECT_EQ(malloc_usable_size(q), u);
	/* Large: half moves, down to a small block. */
	p = realloc(q, 20000, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT_NE((uintptr_t)p, (uintptr_t)q);
	KT_EXPECT_LT(malloc_usable_size(p), u);
	KT_EXPECT_EQ(mt_pattern_check(p, 20000, 3), 20000);

	/* Small: more than half of the allocated size stays put. */
	q = realloc(p, 1000, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	KT_EXPECT_EQ(mt_pattern_check(q, 1000, 3), 1000);
	u = malloc_usable_size(q);
	mt_pattern(q, u, 4);
	p = realloc(q, u / 2 + 1, M_KTEST, M_WAITOK);
	KT_EXPECT_EQ((uintptr_t)p, (uintptr_t)q);
	p = realloc(q, u, M_KTEST, M_WAITOK);
	KT_EXPECT_EQ((uintptr_t)p, (uintptr_t)q);
	KT_EXPECT_EQ(mt_pattern_check(p, u, 4), u);
	/* Small: half or less moves to a smaller block. */
	q = realloc(p, u / 2, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	u2 = malloc_usable_size(q);
	KT_EXPECT_LT(u2, u);
	KT_EXPECT_NE((uintptr_t)q, (uintptr_t)p);
	KT_EXPECT_EQ(mt_pattern_check(q, u / 2, 4), u / 2);
	free(q, M_KTEST);
	/* A block of the smallest zone is never traded for another. */
	p = malloc(1, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	p[0] = 0x5e;
	q = realloc(p, 1, M_KTEST, M_WAITOK);
	KT_EXPECT_EQ((uintptr_t)q, (uintptr_t)p);
	KT_EXPECT_EQ(q[0], 0x5e);
	free(q, M_KTEST);

	/* One block was live at any time; all is balanced. */
	s1 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(MT_INUSE(s1), MT_INUSE(s0));
	KT_EXPECT_EQ(MT_MEMUSE(s1), MT_MEMUSE(s0));
}

/*
 * realloc growth: what lies past the old block.  The old block's usable
 * bytes are copied; with M_ZERO the rest of the new block, up to the new
 * size, is zero; without it, on a debug kernel, a new block from a zone
 * holds the trash pattern (UMA_JUNK, 0xdeadc0de) there, untouched by the
 * copy.  The old block sits among live neighbours filled with 0xa5, and
 * the block the new size will get was dirtied (0xee) and freed just
 * before on this CPU, so it comes back dirty: a realloc that dropped
 * M_ZERO, or copied more than the old block, shows.
 */
#define	MT_NNEIGH	6

static int
mt_words_not(const uint8_t *p, size_t from, size_t to, uint32_t w)
{
	size_t i;
	int bad = 0;

	for (i = from; i + 4 <= to; i += 4)
		bad += *(const uint32_t *)(p + i) != w;
	return (bad);
}

KTEST(malloc, realloc_growth_past_old_size)
{
	static const struct {
		size_t	from, to;
	} c[] = {
		{ 20, 100 }, { 17, 4096 }, { 100, 1000 }, { 1000, 5000 },
		{ 3000, 65536 }, { 5000, 70000 }, { 70000, 300000 },
	};
	uint8_t *nb[MT_NNEIGH], *p, *q, *dirty;
	size_t i, uo, off;
	int j, pass, zero, reused = 0;

	sched_bind(curthread, 0);
	for (pass = 0; pass < 2; pass++) {
		zero = pass == 0;
		if (!zero && !MT_INVARIANTS)
			break;
		for (i = 0; i < nitems(c); i++) {
			/* Without M_ZERO only zone blocks carry the pattern. */
			if (!zero && c[i].to > MT_KMEM_ZMAX)
				continue;
			for (j = 0; j < MT_NNEIGH; j++) {
				nb[j] = malloc(c[i].from, M_KTEST, M_WAITOK);
				KT_ASSERT_NOT_NULL(nb[j]);
				memset(nb[j], 0xa5, malloc_usable_size(nb[j]));
			}
			p = nb[MT_NNEIGH / 2];
			uo = malloc_usable_size(p);
			KT_ASSERT_LT(uo, c[i].to);
			dirty = malloc(c[i].to, M_KTEST, M_WAITOK);
			KT_ASSERT_NOT_NULL(dirty);
			memset(dirty, 0xee, malloc_usable_size(dirty));
			free(dirty, M_KTEST);
			q = realloc(p, c[i].to, M_KTEST, M_WAITOK |
			    (zero ? M_ZERO : 0));
			KT_ASSERT_NOT_NULL(q);
			nb[MT_NNEIGH / 2] = q;
			reused += q == dirty;
			off = mt_find_not(q, uo, 0xa5);
			KT_EXPECT_EQ(off, uo);
			if (zero) {
				off = mt_find_not(q + uo, c[i].to - uo, 0);
				if (off != c[i].to - uo) {
					KT_EXPECT_EQ(off, c[i].to - uo);
					printf("# realloc(%zu -> %zu, M_ZERO): "
					    "byte %zu is %#x\n", c[i].from,
					    c[i].to, uo + off, q[uo + off]);
				}
			} else
				KT_EXPECT_EQ(mt_words_not(q, uo, c[i].to,
				    0xdeadc0de), 0);
			for (j = 0; j < MT_NNEIGH; j++)
				free(nb[j], M_KTEST);
		}
	}
	sched_unbind(curthread);
	/* The dirty block came back at least for the zone sizes. */
	KT_EXPECT_GE(reused, 4);
}

/*
 * A realloc that cannot be satisfied returns NULL and leaves the block
 * alone; reallocf frees it.  M_NOWAIT malloc of more than kmem_map holds
 * returns NULL without counting an allocation.
 */
KTEST(malloc, realloc_failure_keeps_reallocf_frees)
{
	struct mt_stat s0, s1, s2;
	uint64_t charged;
	uint8_t *p, *q;
	size_t u;

	s0 = mt_stat(M_KTEST);
	KT_EXPECT_NULL(malloc(MT_HUGE, M_KTEST, M_NOWAIT));
	KT_EXPECT_NULL(malloc(MT_HUGE, M_KTEST, M_NOWAIT | M_ZERO));
	s1 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(MT_INUSE(s1), MT_INUSE(s0));
	KT_EXPECT_EQ(MT_MEMUSE(s1), MT_MEMUSE(s0));

	/* realloc: NULL, the old block intact and still ours. */
	p = malloc(300, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	u = malloc_usable_size(p);
	mt_pattern(p, u, 5);
	s1 = mt_stat(M_KTEST);
	charged = MT_MEMUSE(s1) - MT_MEMUSE(s0);
	KT_EXPECT_GE(charged, u);
	q = realloc(p, MT_HUGE, M_KTEST, M_NOWAIT);
	KT_EXPECT_NULL(q);
	s2 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(MT_INUSE(s2), MT_INUSE(s1));
	KT_EXPECT_EQ(MT_MEMUSE(s2), MT_MEMUSE(s1));
	KT_EXPECT_EQ(malloc_usable_size(p), u);
	KT_EXPECT_EQ(mt_pattern_check(p, u, 5), u);
	/* Large too. */
	q = malloc(200000, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	mt_pattern(q, 200000, 6);
	KT_EXPECT_NULL(realloc(q, MT_HUGE, M_KTEST, M_NOWAIT));
	KT_EXPECT_EQ(mt_pattern_check(q, 200000, 6), 200000);
	free(q, M_KTEST);

	/* reallocf: NULL, and the block is gone. */
	s1 = mt_stat(M_KTEST);
	q = reallocf(p, MT_HUGE, M_KTEST, M_NOWAIT);
	KT_EXPECT_NULL(q);
	s2 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(s2.frees - s1.frees, 1);
	KT_EXPECT_EQ(s2.memfreed - s1.memfreed, charged);
	KT_EXPECT_EQ(MT_INUSE(s2), MT_INUSE(s0));
	KT_EXPECT_EQ(MT_MEMUSE(s2), MT_MEMUSE(s0));

	/* reallocf that succeeds behaves as realloc. */
	p = malloc(50, M_KTEST, M_WAITOK);
	mt_pattern(p, 50, 7);
	q = reallocf(p, 5000, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	KT_EXPECT_EQ(mt_pattern_check(q, 50, 7), 50);
	free(q, M_KTEST);
	s2 = mt_stat(M_KTEST);
	KT_EXPECT_EQ(MT_INUSE(s2), MT_INUSE(s0));
	KT_EXPECT_EQ(MT_MEMUSE(s2), MT_MEMUSE(s0));
}

/*
 * malloc_last_fail(): the seconds of uptime since malloc last failed.
 * Bounded by time_uptime read around the failure and around each read,
 * so the check holds however slowly the host runs this guest: after a
 * failure at f, with t0 <= f <= t1 and r0 <= now <= r1, the answer lies
 * in [r0 - t1, r1 - t0].  Waits until uptime has moved two seconds on.
 */
KTEST(malloc, last_fail_moves)
{
	time_t t0, t1, r0, r1;
	int a, b, i;

	t0 = time_uptime;
	KT_ASSERT_NULL(malloc(MT_HUGE, M_KTEST, M_NOWAIT));
	t1 = time_uptime;
	r0 = time_uptime;
	a = malloc_last_fail();
	r1 = time_uptime;
	KT_EXPECT_GE(a, r0 - t1);
	KT_EXPECT_LE(a, r1 - t0);
	for (i = 0; i < 6000 && time_uptime < t1 + 2; i++)
		pause("mlastf", hz / 10 + 1);
	KT_ASSERT_GE(time_uptime, t1 + 2);
	r0 = time_uptime;
	b = malloc_last_fail();
	r1 = time_uptime;
	KT_EXPECT_GE(b, 2);
	KT_EXPECT_GE(b, r0 - t1);
	KT_EXPECT_LE(b, r1 - t0);
	/* A new failure starts the count again. */
	t0 = time_uptime;
	KT_ASSERT_NULL(malloc(MT_HUGE, M_KTEST, M_NOWAIT));
	t1 = time_uptime;
	r0 = time_uptime;
	a = malloc_last_fail();
	r1 = time_uptime;
	KT_EXPECT_GE(a, r0 - t1);
	KT_EXPECT_LE(a, r1 - t0);
	KT_EXPECT_LT(a, b);
}

/* The whitespace-separated words of a line, up to max. */
static int
mt_words(const char *line, const char *end, char words[][24], int max)
{
	int n = 0;
	size_t l;

	while (line < end && n < max) {
		while (line < end && *line == ' ')
			line++;
		if (line == end)
			break;
		for (l = 0; line + l < end && line[l] != ' '; l++)
			;
		strlcpy(words[n], line, MIN(l + 1, 24));
		n++;
		line += l;
	}
	return (n);
}

/* The line of text whose first word is name: [*start, *end). */
static int
mt_find_row(const char *text, const char *name, const char **start,
    const char **end)
{
	const char *l, *e;
	char w[1][24];

	for (l = text; *l != '\0'; l = *e != '\0' ? e + 1 : e) {
		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		if (mt_words(l, e, w, 1) == 1 && strcmp(w[0], name) == 0) {
			*start = l;
			*end = e;
			return (1);
		}
	}
	return (0);
}

static uintmax_t
mt_num(const char *s, char suffix)
{
	char *end;
	uintmax_t v;

	v = strtoul(s, &end, 10);
	if (end == s || *end != suffix || (suffix != '\0' && end[1] != '\0'))
		return (~(uintmax_t)0);
	return (v);
}

/*
 * A type's kern.malloc row against its summed statistics: InUse,
 * MemUse (K, rounded up), HighUse (K, at least MemUse), Requests.
 * Returns the HighUse figure.
 */
static uintmax_t
mt_check_row(struct ktest_ctx *kt, const char *text, struct malloc_type *type,
    char sizes[24])
{
	char w[8][24], pad[32];
	const char *l, *e;
	struct mt_stat s;
	uintmax_t high;
	int n;

	s = mt_stat(type);
	if (!mt_find_row(text, type->ks_shortdesc, &l, &e)) {
		ktest_fail(kt, __FILE__, __LINE__, "no kern.malloc row for %s",
		    type->ks_shortdesc);
		return (0);
	}
	/* The name is right-aligned in 13 columns, as vmstat -m prints. */
	snprintf(pad, sizeof(pad), "%13s ", type->ks_shortdesc);
	KT_EXPECT_EQ(strncmp(l, pad, strlen(pad)), 0);
	n = mt_words(l, e, w, 8);
	KT_EXPECT_GE(n, 5);
	if (n < 5)
		return (0);
	KT_EXPECT_EQ(mt_num(w[1], '\0'), MT_INUSE(s));
	KT_EXPECT_EQ(mt_num(w[2], 'K'), howmany(MT_MEMUSE(s), 1024));
	high = mt_num(w[3], 'K');
	KT_EXPECT_NE(high, ~(uintmax_t)0);
	KT_EXPECT_GE(high, howmany(MT_MEMUSE(s), 1024));
	KT_EXPECT_EQ(mt_num(w[4], '\0'), s.allocs);
	if (sizes != NULL)
		strlcpy(sizes, n > 5 ? w[5] : "", 24);
	return (high);
}

/*
 * sysctl kern.malloc: FreeBSD's table, a header then one row per type,
 * each row agreeing with the type's statistics; contigmalloc'd bytes
 * show in their type's row.
 */
KTEST(malloc, kern_malloc_table)
{
	static const char *hdr[] = { "Type", "InUse", "MemUse", "HighUse",
	    "Requests", "Size(s)" };
	char w[8][24], sizes[24], want[24];
	const char *l, *e;
	void *p[3], *c;
	char *text;
	uintmax_t high;
	size_t i, u;

	free(malloc(10, M_KTEST, M_WAITOK), M_KTEST);
	for (i = 0; i < 3; i++) {
		p[i] = malloc(100, M_KTEST_TBL, M_WAITOK);
		KT_ASSERT_NOT_NULL(p[i]);
	}
	u = MT_MEMUSE(mt_stat(M_KTEST_TBL)) / 3;
	KT_EXPECT_EQ(MT_MEMUSE(mt_stat(M_KTEST_TBL)), 3 * u);
	KT_EXPECT_GE(u, malloc_usable_size(p[0]));
	c = contigmalloc(3 * PAGE_SIZE, M_KTEST_CONTIG, M_WAITOK, 0, ~0UL,
	    PAGE_SIZE, 0);
	KT_ASSERT_NOT_NULL(c);
	text = mt_sysctl_text("kern.malloc");
	KT_ASSERT_NOT_NULL(text);
	/* The header: the six words in order, on one line. */
	KT_EXPECT(mt_find_row(text, "Type", &l, &e));
	if (mt_find_row(text, "Type", &l, &e)) {
		KT_EXPECT_EQ(mt_words(l, e, w, 8), 6);
		for (i = 0; i < nitems(hdr); i++)
			KT_EXPECT_STREQ(w[i], hdr[i]);
	}
	mt_check_row(kt, text, M_KTEST, NULL);
	high = mt_check_row(kt, text, M_KTEST_TBL, sizes);
	KT_EXPECT_GE(high, howmany(3 * u, 1024));
	/* One zone used: its size alone. */
	snprintf(want, sizeof(want), "%zu", u);
	KT_EXPECT_STREQ(sizes, want);
	mt_check_row(kt, text, M_KTEST_CONTIG, NULL);
	KT_EXPECT_EQ(MT_MEMUSE(mt_stat(M_KTEST_CONTIG)), 3 * PAGE_SIZE);
	free(text, M_TEMP);

	/* Freed: MemUse back to 0K, the high-water mark kept. */
	for (i = 0; i < 3; i++)
		free(p[i], M_KTEST_TBL);
	contigfree(c, 3 * PAGE_SIZE, M_KTEST_CONTIG);
	text = mt_sysctl_text("kern.malloc");
	KT_ASSERT_NOT_NULL(text);
	KT_EXPECT_GE(mt_check_row(kt, text, M_KTEST_TBL, NULL), high);
	if (mt_find_row(text, "ktesttbl", &l, &e)) {
		KT_EXPECT_EQ(mt_words(l, e, w, 8), 6);
		KT_EXPECT_STREQ(w[1], "0");
		KT_EXPECT_STREQ(w[2], "0K");
		KT_EXPECT_STREQ(w[4], "3");
	}
	mt_check_row(kt, text, M_KTEST_CONTIG, NULL);
	free(text, M_TEMP);
}

/*
 * vm.kmem_size, vm.kmem_map_size and vm.kmem_map_free: u_longs; the size
 * fixed at boot, page-aligned, at most twice physical memory and
 * read-only (the map size may be 0 at rest: UMA's slabs, one page or a
 * contiguous run, come from the direct map); a 1 MiB malloc moves at
 * least 1 MiB from free to used and its free moves it back.
 */
KTEST(malloc, kmem_sysctls)
{
	u_long ks, sz0, fr0, sz1, fr1, sz2, fr2, v = 1;
	void *p;

	ks = mt_sysctl_ulong("vm.kmem_size");
	KT_ASSERT_NE(ks, ~0UL);
	KT_EXPECT_GT(ks, 0);
	KT_EXPECT_EQ(ks & PAGE_MASK, 0);
	KT_EXPECT_LE(ks, 2 * ptoa((u_long)vm_cnt.v_page_count));
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.kmem_size", NULL, NULL, &v,
	    sizeof(v)), EPERM);
	KT_EXPECT_EQ(mt_sysctl_ulong("vm.kmem_size"), ks);
	sz0 = mt_sysctl_ulong("vm.kmem_map_size");
	fr0 = mt_sysctl_ulong("vm.kmem_map_free");
	KT_ASSERT_NE(sz0, ~0UL);
	KT_ASSERT_NE(fr0, ~0UL);
	KT_EXPECT_LE(sz0, ks);
	KT_EXPECT_LE(fr0, ks);
	KT_EXPECT_GE(fr0, 1024 * 1024);

	p = malloc(1024 * 1024, M_KTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	sz1 = mt_sysctl_ulong("vm.kmem_map_size");
	fr1 = mt_sysctl_ulong("vm.kmem_map_free");
	KT_EXPECT_GE(sz1, sz0 + 1024 * 1024);
	KT_EXPECT_LE(fr1 + 1024 * 1024, fr0);
	free(p, M_KTEST);
	sz2 = mt_sysctl_ulong("vm.kmem_map_size");
	fr2 = mt_sysctl_ulong("vm.kmem_map_free");
	KT_EXPECT_LE(sz2 + 1024 * 1024, sz1);
	KT_EXPECT_GE(fr2, fr1 + 1024 * 1024);
	KT_EXPECT_EQ(mt_sysctl_ulong("vm.kmem_size"), ks);
}

/*
 * M_WAITOK under page pressure: every page a VM_ALLOC_NORMAL and then a
 * VM_ALLOC_SYSTEM request can take is held, so a malloc(64K, M_WAITOK)
 * that needs a new slab must wait; a helper thread gives the pages back a
 * few at a time from 50 ms on.  The malloc returns a usable block.
 */
static struct {
	vm_paddr_t	head;		/* held pages, chained by first word */
	volatile int	go;
	volatile u_int	freed;
	volatile int	done;
} mt_press;

static void
mt_press_freer(void *arg __unused)
{
	vm_paddr_t pa;
	int i;

	while (!mt_press.go)
		pause("mtpgo", 1);
	pause("mtp50", hz / 20 + 1);
	while (mt_press.head != 0) {
		for (i = 0; i < 16 && mt_press.head != 0; i++) {
			pa = mt_press.head;
			mt_press.head = *(vm_paddr_t *)PHYS_TO_DMAP(pa);
			vm_page_free(PHYS_TO_VM_PAGE(pa));
			atomic_add_int(&mt_press.freed, 1);
		}
		pause("mtpfree", 1);
	}
	mt_press.done = 1;
	kthread_exit();
}

static void
mt_hold_pages(int req)
{
	vm_page_t m;

	while ((m = vm_page_alloc(NULL, 0, req)) != NULL) {
		*(vm_paddr_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)) = mt_press.head;
		mt_press.head = VM_PAGE_TO_PHYS(m);
	}
}

KTEST(malloc, waitok_under_page_pressure)
{
	uint8_t *p;
	int i;

	memset(&mt_press, 0, sizeof(mt_press));
	KT_ASSERT_EQ(kthread_add(mt_press_freer, NULL, NULL, NULL, 0, 0,
	    "mtfreer"), 0);
	/* No 64K block cached anywhere: the malloc needs new pages. */
	uma_reclaim();
	mt_hold_pages(VM_ALLOC_NORMAL);
	mt_hold_pages(VM_ALLOC_SYSTEM);
	KT_EXPECT_LE(vm_cnt.v_free_count, vm_cnt.v_interrupt_free_min);
	mt_press.go = 1;
	p = malloc(65536, M_KTEST, M_WAITOK);
	KT_EXPECT_NOT_NULL(p);
	for (i = 0; i < 2000 && !mt_press.done; i++)
		pause("mtpdone", hz / 100 + 1);
	KT_EXPECT_EQ(mt_press.done, 1);
	if (p == NULL)
		return;
	KT_EXPECT_GE(malloc_usable_size(p), 65536);
	memset(p, 0xa5, 65536);
	KT_EXPECT_EQ(mt_find_not(p, 65536, 0xa5), 65536);
	free(p, M_KTEST);
	/* A large one once pages are back. */
	p = malloc(512 * 1024, M_KTEST, M_WAITOK | M_ZERO);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT_EQ(mt_find_not(p, 512 * 1024, 0), 512 * 1024);
	free(p, M_KTEST);
}

/*
 * M_NOVM: malloc does not ask the VM for pages.  With every cache drained
 * there is no free block of the 57344 and 40960 zones (one block per
 * slab, and empty slabs are gone), so M_NOWAIT|M_NOVM fails and takes no
 * page, where plain M_NOWAIT succeeds.
 */
KTEST(malloc, m_novm_takes_no_pages)
{
	static const size_t sizes[] = { 57344, 40960 };
	struct mt_stat s0;
	u_int free0;
	size_t i;
	void *p;

	sched_bind(curthread, 0);
	for (i = 0; i < nitems(sizes); i++) {
		uma_reclaim();
		s0 = mt_stat(M_KTEST);
		free0 = vm_cnt.v_free_count;
		p = malloc(sizes[i], M_KTEST, M_NOWAIT | M_NOVM);
		KT_EXPECT_NULL(p);
		KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
		KT_EXPECT_EQ(mt_stat(M_KTEST).allocs, s0.allocs);
		if (p != NULL)
			free(p, M_KTEST);
		p = malloc(sizes[i], M_KTEST, M_NOWAIT);
		KT_EXPECT_NOT_NULL(p);
		free(p, M_KTEST);
	}
	sched_unbind(curthread);
}

/*
 * Statistics without atomics stay exact: one thread per CPU mallocs and
 * frees blocks of many sizes, checking each block's contents; then one
 * CPU mallocs and another frees.  The summed counts match exactly.
 */
#define	MT_MP_ITERS	3000

static struct {
	volatile u_int	started;
	volatile u_int	exited;
	volatile u_int	errors;
	volatile int	go;
	void		*handoff[256];
	volatile int	handed;
} mt_mp;

static void
mt_mp_worker(void *arg)
{
	int cpu = (int)(uintptr_t)arg, i, j;
	uint8_t *p[4];
	size_t size;
	uint32_t r = 2463534242u + cpu;

	sched_bind(curthread, cpu);
	atomic_add_int(&mt_mp.started, 1);
	while (!mt_mp.go)
		pause("mtmpgo", 1);
	for (i = 0; i < MT_MP_ITERS; i++) {
		for (j = 0; j < 4; j++) {
			r ^= r << 13;
			r ^= r >> 17;
			r ^= r << 5;
			size = (j == 3 && (i & 63) == 0) ? 70000 + (r & 0xffff) :
			    1 + (r % (j == 2 ? 8192 : 512));
			p[j] = malloc(size, M_KTEST_MP, M_WAITOK);
			if (p[j] == NULL) {
				atomic_add_int(&mt_mp.errors, 1);
				continue;
			}
			memset(p[j], (uint8_t)(cpu * 4 + j + 1), size);
		}
		for (j = 0; j < 4; j++) {
			if (p[j] == NULL)
				continue;
			if (p[j][0] != (uint8_t)(cpu * 4 + j + 1))
				atomic_add_int(&mt_mp.errors, 1);
			free(p[j], M_KTEST_MP);
		}
	}
	atomic_add_int(&mt_mp.exited, 1);
	kthread_exit();
}

static void
mt_mp_freer(void *arg __unused)
{
	int i;

	sched_bind(curthread, mp_maxid);
	for (i = 0; i < 200 && !mt_mp.handed; i++)
		pause("mtmph", 1);
	for (i = 0; i < (int)nitems(mt_mp.handoff); i++)
		free(mt_mp.handoff[i], M_KTEST_MP);
	atomic_add_int(&mt_mp.exited, 1);
	kthread_exit();
}

KTEST(malloc, concurrent_stats_exact)
{
	struct mt_stat s0, s1;
	int cpu, i, n = 0;

	memset(&mt_mp, 0, sizeof(mt_mp));
	s0 = mt_stat(M_KTEST_MP);
	CPU_FOREACH(cpu) {
		KT_ASSERT_EQ(kthread_add(mt_mp_worker, (void *)(uintptr_t)cpu,
		    NULL, NULL, 0, 0, "mtmp%d", cpu), 0);
		n++;
	}
	for (i = 0; i < 2000 && mt_mp.started < (u_int)n; i++)
		pause("mtmps", 1);
	KT_ASSERT_EQ(mt_mp.started, n);
	mt_mp.go = 1;
	for (i = 0; i < 6000 && mt_mp.exited < (u_int)n; i++)
		pause("mtmpw", hz / 100 + 1);
	KT_ASSERT_EQ(mt_mp.exited, n);
	KT_EXPECT_EQ(mt_mp.errors, 0);
	s1 = mt_stat(M_KTEST_MP);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, (uint64_t)n * MT_MP_ITERS * 4);
	KT_EXPECT_EQ(s1.frees - s0.frees, (uint64_t)n * MT_MP_ITERS * 4);
	KT_EXPECT_EQ(MT_MEMUSE(s1), MT_MEMUSE(s0));

	/* Cross-CPU frees: malloc on CPU 0, free on the last CPU. */
	sched_bind(curthread, 0);
	s0 = mt_stat(M_KTEST_MP);
	for (i = 0; i < (int)nitems(mt_mp.handoff); i++) {
		mt_mp.handoff[i] = malloc(i < 8 ? 100000 : 16 + i * 3,
		    M_KTEST_MP, M_WAITOK);
		KT_ASSERT_NOT_NULL(mt_mp.handoff[i]);
	}
	sched_unbind(curthread);
	KT_ASSERT_EQ(kthread_add(mt_mp_freer, NULL, NULL, NULL, 0, 0,
	    "mtmpfree"), 0);
	mt_mp.handed = 1;
	for (i = 0; i < 2000 && mt_mp.exited < (u_int)n + 1; i++)
		pause("mtmpx", hz / 100 + 1);
	KT_ASSERT_EQ(mt_mp.exited, n + 1);
	s1 = mt_stat(M_KTEST_MP);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, nitems(mt_mp.handoff));
	KT_EXPECT_EQ(s1.frees - s0.frees, nitems(mt_mp.handoff));
	KT_EXPECT_EQ(MT_MEMUSE(s1), MT_MEMUSE(s0));
}

/*
 * contigmalloc(9): each case's run lies in [low, high], starts on its
 * alignment, does not cross a multiple of its boundary, is physically
 * contiguous page by page (checked through the mapping), writable, and
 * its round_page(size) bytes are accounted to the type until contigfree.
 */
struct mt_contig_case {
	u_long		size;
	vm_paddr_t	low, high;
	u_long		align;
	vm_paddr_t	boundary;
};

static const struct mt_contig_case mt_contig_cases[] = {
	{ PAGE_SIZE, 0, ~0UL, PAGE_SIZE, 0 },
	{ 1, 0, ~0UL, PAGE_SIZE, 0 },
	{ 5000, 0, ~0UL, PAGE_SIZE, 0 },
	{ 3 * PAGE_SIZE, 0, ~0UL, 16, 0 },
	{ 64 * 1024, 0, ~0UL, 64 * 1024, 0 },
	{ 5 * PAGE_SIZE, 0, ~0UL, PAGE_SIZE, 32 * 1024 },
	{ 8 * PAGE_SIZE, 0x2000000, 0x3ffffff, 2 * 1024 * 1024, 0 },
	{ 2 * PAGE_SIZE, 0x1000000, 0x1ffffff, PAGE_SIZE, 8192 },
	{ 33 * PAGE_SIZE, 0, 0x5ffffff, 1024 * 1024, 256 * 1024 },
	{ 1024 * 1024, 0, ~0UL, 1024 * 1024, 1024 * 1024 },
	{ 3 * PAGE_SIZE, 0x4000000, 0x4003fff, PAGE_SIZE, 0 },
	{ 4 * 1024 * 1024, 0, ~0UL, PAGE_SIZE, 0 },
};

/* Check one contigmalloc'd run; the number of problems found. */
static int
mt_contig_check(struct ktest_ctx *kt, const struct mt_contig_case *c,
    uint8_t *va)
{
	vm_paddr_t pa, last;
	u_long i, npages = atop(round_page(c->size));
	int bad = 0;

	KT_EXPECT_EQ((uintptr_t)va & PAGE_MASK, 0);
	pa = pmap_kextract((vm_offset_t)va);
	last = pa + ptoa(npages) - 1;
	if (pa < c->low || last > c->high || (pa & (c->align - 1)) != 0 ||
	    (c->boundary != 0 && (pa & ~(c->boundary - 1)) !=
	    (last & ~(c->boundary - 1)))) {
		KT_EXPECT_GE(pa, c->low);
		KT_EXPECT_LE(last, c->high);
		KT_EXPECT_EQ(pa & (c->align - 1), 0);
		printf("# contigmalloc(%#lx, low %#lx, high %#lx, align %#lx, "
		    "boundary %#lx): run %#lx-%#lx\n", c->size,
		    (u_long)c->low, (u_long)c->high, c->align,
		    (u_long)c->boundary, (u_long)pa, (u_long)last);
		bad++;
	}
	for (i = 0; i < npages; i++) {
		if (pmap_kextract((vm_offset_t)va + ptoa(i)) != pa + ptoa(i)) {
			KT_EXPECT_EQ(pmap_kextract((vm_offset_t)va + ptoa(i)),
			    pa + ptoa(i));
			bad++;
			break;
		}
	}
	/* Writable, and the writes land in those physical pages. */
	memset(va, 0x3c, ptoa(npages));
	for (i = 0; i < npages; i++) {
		if (*(uint8_t *)PHYS_TO_DMAP(pa + ptoa(i) + i % PAGE_SIZE) !=
		    0x3c) {
			KT_EXPECT_EQ(*(uint8_t *)PHYS_TO_DMAP(pa + ptoa(i)),
			    0x3c);
			bad++;
			break;
		}
	}
	return (bad);
}

KTEST(malloc, contigmalloc_constraints_and_contiguity)
{
	const struct mt_contig_case *c;
	struct mt_stat s0, s1, s2;
	uint8_t *va;
	u_int free0;
	size_t i;
	int bad = 0;

	for (i = 0; i < nitems(mt_contig_cases); i++) {
		c = &mt_contig_cases[i];
		/* Warm up whatever the mapping needs, then count pages. */
		va = contigmalloc(c->size, M_KTEST_CONTIG, M_WAITOK, c->low,
		    c->high, c->align, c->boundary);
		KT_ASSERT_NOT_NULL(va);
		contigfree(va, c->size, M_KTEST_CONTIG);
		free0 = vm_cnt.v_free_count;
		s0 = mt_stat(M_KTEST_CONTIG);
		va = contigmalloc(c->size, M_KTEST_CONTIG,
		    i & 1 ? M_NOWAIT : M_WAITOK, c->low, c->high, c->align,
		    c->boundary);
		KT_ASSERT_NOT_NULL(va);
		s1 = mt_stat(M_KTEST_CONTIG);
		KT_EXPECT_EQ(s1.allocs - s0.allocs, 1);
		KT_EXPECT_EQ(s1.memalloced - s0.memalloced,
		    round_page(c->size));
		KT_EXPECT_LE(vm_cnt.v_free_count + atop(round_page(c->size)),
		    free0);
		bad += mt_contig_check(kt, c, va);
		contigfree(va, c->size, M_KTEST_CONTIG);
		s2 = mt_stat(M_KTEST_CONTIG);
		KT_EXPECT_EQ(s2.frees - s1.frees, 1);
		KT_EXPECT_EQ(s2.memfreed - s1.memfreed, round_page(c->size));
		KT_EXPECT_EQ(MT_MEMUSE(s2), MT_MEMUSE(s0));
		KT_EXPECT_GE(vm_cnt.v_free_count + MT_PT_SLACK, free0);
	}
	KT_EXPECT_EQ(bad, 0);
}

/* Several runs alive at once do not share a page. */
KTEST(malloc, contigmalloc_runs_disjoint)
{
	uint8_t *va[6];
	vm_paddr_t pa[6];
	int i, j;

	for (i = 0; i < 6; i++) {
		va[i] = contigmalloc((i + 1) * PAGE_SIZE, M_KTEST_CONTIG,
		    M_WAITOK, 0, ~0UL, PAGE_SIZE, 0);
		KT_ASSERT_NOT_NULL(va[i]);
		pa[i] = pmap_kextract((vm_offset_t)va[i]);
		memset(va[i], i + 1, (i + 1) * PAGE_SIZE);
	}
	for (i = 0; i < 6; i++) {
		KT_EXPECT_EQ(mt_find_not(va[i], (i + 1) * PAGE_SIZE, i + 1),
		    (size_t)(i + 1) * PAGE_SIZE);
		for (j = 0; j < 6; j++)
			if (i != j)
				KT_EXPECT(pa[i] + ptoa(i + 1) <= pa[j] ||
				    pa[j] + ptoa(j + 1) <= pa[i]);
	}
	for (i = 0; i < 6; i++)
		contigfree(va[i], (i + 1) * PAGE_SIZE, M_KTEST_CONTIG);
}

/* M_ZERO zeroes pages that were just dirtied and freed. */
KTEST(malloc, contigmalloc_m_zero)
{
	uint8_t *va, *old;
	vm_paddr_t pa0;
	int reused = 0, i;

	for (i = 0; i < 4; i++) {
		old = contigmalloc(4 * PAGE_SIZE, M_KTEST_CONTIG, M_WAITOK, 0,
		    ~0UL, PAGE_SIZE, 0);
		KT_ASSERT_NOT_NULL(old);
		pa0 = pmap_kextract((vm_offset_t)old);
		memset(old, 0xee, 4 * PAGE_SIZE);
		contigfree(old, 4 * PAGE_SIZE, M_KTEST_CONTIG);
		va = contigmalloc(4 * PAGE_SIZE, M_KTEST_CONTIG,
		    (i & 1 ? M_NOWAIT : M_WAITOK) | M_ZERO, 0, ~0UL,
		    PAGE_SIZE, 0);
		KT_ASSERT_NOT_NULL(va);
		reused += pmap_kextract((vm_offset_t)va) == pa0;
		KT_EXPECT_EQ(mt_find_not(va, 4 * PAGE_SIZE, 0),
		    4 * PAGE_SIZE);
		contigfree(va, 4 * PAGE_SIZE, M_KTEST_CONTIG);
	}
	KT_EXPECT_GT(reused, 0);
}

/*
 * An impossible M_NOWAIT request (a window smaller than the size, a run
 * that must cross its boundary, more than memory holds) returns NULL,
 * takes no page and counts nothing.
 */
KTEST(malloc, contigmalloc_impossible_nowait)
{
	struct mt_stat s0, s1;
	u_int free0;

	s0 = mt_stat(M_KTEST_CONTIG);
	free0 = vm_cnt.v_free_count;
	KT_EXPECT_NULL(contigmalloc(4 * PAGE_SIZE, M_KTEST_CONTIG, M_NOWAIT,
	    0x200000, 0x202fff, PAGE_SIZE, 0));
	KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
	KT_EXPECT_NULL(contigmalloc(4 * PAGE_SIZE, M_KTEST_CONTIG, M_NOWAIT,
	    0, ~0UL, PAGE_SIZE, 8192));
	KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
	KT_EXPECT_NULL(contigmalloc(ptoa((u_long)vm_cnt.v_page_count + 1),
	    M_KTEST_CONTIG, M_NOWAIT | M_ZERO, 0, ~0UL, PAGE_SIZE, 0));
	KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
	s1 = mt_stat(M_KTEST_CONTIG);
	KT_EXPECT_EQ(s1.allocs, s0.allocs);
	KT_EXPECT_EQ(s1.memalloced, s0.memalloced);
	KT_EXPECT_EQ(MT_MEMUSE(s1), MT_MEMUSE(s0));
}

/*
 * Death tests.  The malloc(9) checks are INVARIANTS checks: without it
 * they skip.  kmem_map exhaustion and contigmalloc's argument checks
 * panic in every kernel.
 */
KTEST_DEATH(malloc, free_wrong_type, "free: type mismatch")
{
	void *p;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	p = malloc(64, M_KTEST, M_WAITOK);
	free(p, M_KTEST_OTHER);
	KT_FAIL("free of %p with the wrong type went unnoticed", p);
}

KTEST_DEATH(malloc, free_wrong_type_large, "free: type mismatch")
{
	void *p;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	p = malloc(100000, M_KTEST, M_WAITOK);
	free(p, M_KTEST_OTHER);
	KT_FAIL("free of %p with the wrong type went unnoticed", p);
}

KTEST_DEATH(malloc, free_stack_address, "free: address")
{
	char buf[128];

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	memset(buf, 0, sizeof(buf));
	free(buf, M_KTEST);
	KT_FAIL("free of stack address %p went unnoticed", buf);
}

KTEST_DEATH(malloc, malloc_both_wait_flags, "malloc: bad flags")
{
	void *p;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	p = malloc(64, M_KTEST, M_NOWAIT | M_WAITOK);
	KT_FAIL("malloc with M_NOWAIT|M_WAITOK went unnoticed (%p)", p);
}

KTEST_DEATH(malloc, malloc_no_wait_flag, "malloc: bad flags")
{
	void *p;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	p = malloc(64, M_KTEST, M_ZERO);
	KT_FAIL("malloc without M_NOWAIT or M_WAITOK went unnoticed (%p)", p);
}

KTEST_DEATH(malloc, waitok_in_critical_section,
    "malloc(M_WAITOK) in a critical section")
{
	void *p;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	critical_enter();
	p = malloc(64, M_KTEST, M_WAITOK);
	critical_exit();
	KT_FAIL("malloc(M_WAITOK) in a critical section went unnoticed (%p)",
	    p);
}

KTEST_DEATH(malloc, write_after_free, "Memory modified after free")
{
	void *p[8];
	int j;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	sched_bind(curthread, 0);
	for (j = 0; j < 8; j++)
		p[j] = malloc(64, M_KTEST, M_WAITOK);
	for (j = 0; j < 8; j++)
		free(p[j], M_KTEST);
	/* Scribble inside each freed block, then take them back. */
	for (j = 0; j < 8; j++)
		((volatile uint32_t *)p[j])[5] = 0x12345678;
	for (j = 0; j < 8; j++)
		p[j] = malloc(64, M_KTEST, M_WAITOK);
	KT_FAIL("writes after free went unnoticed");
}

KTEST_DEATH(malloc, waitok_kmem_map_too_small, "kmem_map too small")
{
	u_long ks;
	void *p;

	ks = mt_sysctl_ulong("vm.kmem_size");
	if (ks == ~0UL)
		KT_FAIL("no vm.kmem_size");
	p = malloc(ks + 1024 * 1024, M_KTEST, M_WAITOK);
	KT_FAIL("malloc(%lu, M_WAITOK) beyond kmem_map returned %p",
	    ks + 1024 * 1024, p);
}

KTEST_DEATH(malloc, contigmalloc_size_zero, "contigmalloc: size must not be 0")
{
	void *p;

	p = contigmalloc(0, M_KTEST_CONTIG, M_WAITOK, 0, ~0UL, PAGE_SIZE, 0);
	KT_FAIL("contigmalloc of 0 bytes returned %p", p);
}

KTEST_DEATH(malloc, contigmalloc_bad_alignment, "contigmalloc: alignment")
{
	void *p;

	p = contigmalloc(PAGE_SIZE, M_KTEST_CONTIG, M_WAITOK, 0, ~0UL,
	    3 * PAGE_SIZE, 0);
	KT_FAIL("contigmalloc with alignment 3 pages returned %p", p);
}

KTEST_DEATH(malloc, contigmalloc_bad_boundary, "contigmalloc: boundary")
{
	void *p;

	p = contigmalloc(PAGE_SIZE, M_KTEST_CONTIG, M_WAITOK, 0, ~0UL,
	    PAGE_SIZE, 48 * 1024);
	KT_FAIL("contigmalloc with boundary 48K returned %p", p);
}

/*
 * Page owners: every kind of malloc block is found by its page's owner,
 * and an address whose page belongs to something else is refused by name.
 */
KTEST(malloc, page_owner_of_each_kind)
{
	vm_page_t m[17];
	char *small, *large;
	int i;

	small = malloc(64, M_KTEST, M_WAITOK);
	large = malloc(17 * PAGE_SIZE, M_KTEST, M_WAITOK);	/* > 64 KiB */
	KT_EXPECT_EQ(vm_page_owner_va((vm_offset_t)small), VPO_UMA_SLAB);
	KT_EXPECT_NOT_NULL(vtoslab((vm_offset_t)small));
	/* Without INVARIANTS only the first page is owned. */
	for (i = 0; i < 17; i++) {
		m[i] = vtopage((vm_offset_t)large + ptoa(i));
		KT_ASSERT_NOT_NULL(m[i]);
		KT_EXPECT_EQ(vm_page_owner(m[i]), i == 0 || MT_INVARIANTS ?
		    VPO_MALLOC_LARGE : VPO_NONE);
	}
	KT_EXPECT_EQ(m[0]->po_arg, 17 * PAGE_SIZE);
	KT_EXPECT_EQ((uintptr_t)m[0]->po_ptr,
	    MT_INVARIANTS ? (uintptr_t)M_KTEST : 0);
	KT_EXPECT_EQ(m[16]->po_arg, 0);
	KT_EXPECT_EQ((uintptr_t)m[16]->po_ptr, MT_INVARIANTS ?
	    (uintptr_t)large : 0);
	KT_EXPECT_NULL(vtoslab((vm_offset_t)large));
	KT_EXPECT_EQ(malloc_usable_size(large), 17 * PAGE_SIZE);
	free(large, M_KTEST);
	/* The pages went back to the free lists. */
	for (i = 0; i < 17; i++)
		KT_EXPECT_EQ(vm_page_owner(m[i]), VPO_FREE);
	free(small, M_KTEST);
	/* A freed item's page stays its slab's. */
	KT_EXPECT_EQ(vm_page_owner_va((vm_offset_t)small), VPO_UMA_SLAB);
}

KTEST_DEATH(malloc, free_inside_large_block,
    "is inside the large malloc block at")
{
	char *p;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	p = malloc(100000, M_KTEST, M_WAITOK);	/* > 64 KiB */
	free(p + 2 * PAGE_SIZE, M_KTEST);
	KT_FAIL("free of %p inside the large block %p went unnoticed",
	    p + 2 * PAGE_SIZE, p);
}

/*
 * An address inside a small block: in the 16 KiB class, on another page
 * of the block's multi-page slab.  UMA's debug free refuses it.
 */
KTEST_DEATH(malloc, free_inside_small_block, "Unaligned free of")
{
	char *p;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	p = malloc(16384, M_KTEST, M_WAITOK);
	free(p + 2 * PAGE_SIZE, M_KTEST);
	KT_FAIL("free of %p inside the 16 KiB block %p went unnoticed",
	    p + 2 * PAGE_SIZE, p);
}

KTEST_DEATH(malloc, free_memguard_page_memguard_off,
    "is a MemGuard page, but MemGuard does not guard it")
{
	vm_page_t m;

	m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
	KT_ASSERT_NOT_NULL(m);
	vm_page_set_owner(m, VPO_MEMGUARD, __DECONST(char *, "ktest"), 0);
	free((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)), M_KTEST);
	KT_FAIL("free of a MemGuard page outside MemGuard went unnoticed");
}

KTEST_DEATH(malloc, free_vm_object_page, "is a page of VM object")
{
	static int object;	/* stands in for a VM object */
	vm_page_t m;

	m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
	KT_ASSERT_NOT_NULL(m);
	vm_page_set_owner(m, VPO_OBJECT, &object, 0);
	free((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)), M_KTEST);
	KT_FAIL("free of a VM object's page went unnoticed");
}

/*
 * The inline fast paths (malloc.h: malloc_inline, free_inline).  Without
 * INVARIANTS a warm small malloc and free never call a function; these
 * tests hold them to the same contract as the functions (with INVARIANTS
 * the inlines are compiled out and the same checks cover the functions).
 */
MALLOC_DEFINE(M_KTEST_FAST, "ktestfast", "malloc(9) tests: inline paths");
MALLOC_DEFINE(M_KTEST_HWM, "ktesthwm", "malloc(9) tests: HighUse");

#define	MT_FAST_N	150	/* more than a bucket of the small classes */

/*
 * A size known at compile time takes its class from malloc_size_class();
 * any other from kmemsize[].  Both agree for every size 0..KMEM_ZMAX.
 */
KTEST(malloc, size_class_formula_matches_table)
{
	size_t size;
	u_int c, t, bad = 0;

	for (size = 0; size <= KMEM_ZMAX; size++) {
		c = malloc_size_class(size);
		t = kmemsize[(size + KMEM_ZBASE - 1) >> KMEM_ZSHIFT];
		if (c != t || kmemzones[c].kz_size < size) {
			if (bad++ < 4)
				printf("# size %zu: computed class %u, table "
				    "class %u (%u bytes)\n", size, c, t,
				    kmemzones[t].kz_size);
		}
	}
	KT_EXPECT_EQ(bad, 0);
	/* Constant sizes at the edges of classes. */
	KT_EXPECT_EQ(malloc_size_class(0), 0);
	KT_EXPECT_EQ(malloc_size_class(16), 0);
	KT_EXPECT_EQ(malloc_size_class(17), 1);
	KT_EXPECT_EQ(malloc_size_class(128), 7);
	KT_EXPECT_EQ(malloc_size_class(129), 8);
	KT_EXPECT_EQ(malloc_size_class(65536), KMEM_NZONES - 1);
}

/*
 * N blocks of one size, allocated then freed: the type's statistics move
 * by exactly N blocks of the class, and the class's bit is set.  size is
 * a constant at every use (the macro), so the compile-time class is used.
 */
#define	MT_FAST_ROUND(kt, p, size, flags) do {				\
	struct mt_stat _s0, _s1, _s2;					\
	u_int _cls = kmemsize[((size) + KMEM_ZBASE - 1) >> KMEM_ZSHIFT];\
	uint64_t _bytes = kmemzones[_cls].kz_size;			\
	int _i;								\
									\
	_s0 = mt_stat(M_KTEST_FAST);					\
	for (_i = 0; _i < MT_FAST_N; _i++) {				\
		(p)[_i] = malloc((size), M_KTEST_FAST, (flags));	\
		KT_ASSERT_NOT_NULL((p)[_i]);				\
	}								\
	_s1 = mt_stat(M_KTEST_FAST);					\
	for (_i = 0; _i < MT_FAST_N; _i++)				\
		free((p)[_i], M_KTEST_FAST);				\
	_s2 = mt_stat(M_KTEST_FAST);					\
	KT_EXPECT_EQ(_s1.allocs - _s0.allocs, MT_FAST_N);		\
	KT_EXPECT_EQ(_s1.memalloced - _s0.memalloced, MT_FAST_N * _bytes); \
	KT_EXPECT_EQ(_s1.frees, _s0.frees);				\
	KT_EXPECT_EQ(_s2.frees - _s1.frees, MT_FAST_N);		\
	KT_EXPECT_EQ(_s2.memfreed - _s1.memfreed, MT_FAST_N * _bytes);	\
	KT_EXPECT_EQ(_s2.allocs, _s1.allocs);				\
	KT_EXPECT_NE(_s2.sizemask & ((uint64_t)1 << _cls), 0);		\
	mask |= (uint64_t)1 << _cls;					\
} while (0)

KTEST(malloc, inline_stats_exact_per_class)
{
	static void *p[MT_FAST_N];
	volatile size_t vsize;
	struct mt_stat s;
	uint64_t mask = 0;
	int round;

	/* Round 0 warms the caches; both rounds are counted exactly. */
	for (round = 0; round < 2; round++) {
		MT_FAST_ROUND(kt, p, 16, M_WAITOK);
		MT_FAST_ROUND(kt, p, 100, M_NOWAIT);
		MT_FAST_ROUND(kt, p, 1000, M_WAITOK);
		MT_FAST_ROUND(kt, p, 4096, M_WAITOK);
		MT_FAST_ROUND(kt, p, 5000, M_WAITOK);
		MT_FAST_ROUND(kt, p, 16384, M_WAITOK);
		MT_FAST_ROUND(kt, p, 65536, M_WAITOK);
		/* A size the compiler cannot see: the table's class. */
		vsize = 300;
		MT_FAST_ROUND(kt, p, vsize, M_WAITOK);
		vsize = 40000;
		MT_FAST_ROUND(kt, p, vsize, M_WAITOK);
	}
	s = mt_stat(M_KTEST_FAST);
	KT_EXPECT_EQ(s.sizemask, mask);
	KT_EXPECT_EQ(MT_INUSE(s), 0);
	KT_EXPECT_EQ(MT_MEMUSE(s), 0);
}

/*
 * A block allocated on one CPU and freed on another goes into the freeing
 * CPU's cache (the next allocation there gets it back) and is counted on
 * that CPU, type and zone alike.
 */
KTEST(malloc, inline_free_on_another_cpu)
{
	static void *p[MT_FAST_N];
	struct uma_cache_stat cs0, cs1;
	uint64_t f0, f1, a0, a1;
	uma_zone_t z;
	void *q;
	int i, other;

	if (mp_maxid < 1)
		KT_SKIP("needs 2 CPUs");
	other = mp_maxid;
	z = uma_zone_find("64");
	KT_ASSERT_NOT_NULL(z);
	sched_bind(curthread, 0);
	a0 = M_KTEST_FAST->ks_stats[0].mts_numallocs;
	for (i = 0; i < MT_FAST_N; i++) {
		p[i] = malloc(64, M_KTEST_FAST, M_WAITOK);
		KT_ASSERT_NOT_NULL(p[i]);
	}
	a1 = M_KTEST_FAST->ks_stats[0].mts_numallocs;
	sched_bind(curthread, other);
	f0 = M_KTEST_FAST->ks_stats[other].mts_numfrees;
	uma_zone_cpu_stat(z, other, &cs0);
	for (i = 0; i < MT_FAST_N; i++)
		free(p[i], M_KTEST_FAST);
	uma_zone_cpu_stat(z, other, &cs1);
	f1 = M_KTEST_FAST->ks_stats[other].mts_numfrees;
	/*
	 * LIFO: the last block freed here is the first handed out here (the
	 * debug zones' slow path may keep it in the other bucket).
	 */
	q = malloc(64, M_KTEST_FAST, M_WAITOK);
	if (!MT_INVARIANTS)
		KT_EXPECT_EQ((uintptr_t)q, (uintptr_t)p[MT_FAST_N - 1]);
	free(q, M_KTEST_FAST);
	sched_unbind(curthread);
	KT_EXPECT_EQ(a1 - a0, MT_FAST_N);
	KT_EXPECT_EQ(f1 - f0, MT_FAST_N);
	KT_EXPECT_EQ(cs1.cs_frees - cs0.cs_frees, MT_FAST_N);
}

/*
 * M_ZERO on the inline path clears the whole block (the class size), for
 * flags known at compile time and not.
 */
KTEST(malloc, inline_m_zero_clears_the_block)
{
	volatile int vflags = M_WAITOK | M_ZERO;
	uint8_t *p;
	size_t i, bad;
	int round;

	for (round = 0; round < 4; round++) {
		p = malloc(200, M_KTEST_FAST, M_WAITOK);	/* class 224 */
		KT_ASSERT_NOT_NULL(p);
		memset(p, 0xa5, 224);
		free(p, M_KTEST_FAST);
		/* LIFO: the same block comes back, dirty unless zeroed. */
		p = round & 1 ? malloc(200, M_KTEST_FAST, vflags) :
		    malloc(200, M_KTEST_FAST, M_WAITOK | M_ZERO);
		KT_ASSERT_NOT_NULL(p);
		for (i = 0, bad = 0; i < 224; i++)
			if (p[i] != 0)
				bad++;
		KT_EXPECT_EQ(bad, 0);
		free(p, M_KTEST_FAST);
	}
}

/*
 * uma_dmap_cookie(): a small block's page names its class; NULL for
 * NULL, a stack address, a large block, another zone's item.
 */
KTEST(malloc, page_cookie_names_the_class)
{
	static const size_t sizes[] = { 1, 64, 1000, 4096, 16384, 65536 };
	uma_zone_t z;
	void *p, *q;
	int local, i;

	for (i = 0; i < (int)nitems(sizes); i++) {
		p = malloc(sizes[i], M_KTEST_FAST, M_WAITOK);
		KT_ASSERT_NOT_NULL(p);
		if (VIRT_IN_DMAP((vm_offset_t)p))
			KT_EXPECT_EQ((uintptr_t)uma_dmap_cookie(p),
			    (uintptr_t)&kmemzones[kmemsize[(sizes[i] +
			    KMEM_ZBASE - 1) >> KMEM_ZSHIFT]]);
		else
			KT_EXPECT_NULL(uma_dmap_cookie(p));
		free(p, M_KTEST_FAST);
	}
	KT_EXPECT_NULL(uma_dmap_cookie(NULL));
	KT_EXPECT_NULL(uma_dmap_cookie(&local));
	p = malloc(100000, M_KTEST_FAST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT_NULL(uma_dmap_cookie(p));
	free(p, M_KTEST_FAST);
	z = uma_zcreate("ktest cookie", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	q = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	KT_EXPECT_NULL(uma_dmap_cookie(q));
	uma_zfree(z, q);
	uma_zdestroy(z);
}

/*
 * HighUse follows growth without a read of the statistics: a type that
 * grows by twice the refresh step on one CPU has its high-water mark
 * moved at least one step, by the allocations alone.
 */
#define	MT_HWM_BLOCKS	128		/* of 1 KiB: twice the 64 KiB step */

KTEST(malloc, highuse_follows_growth)
{
	static void *p[MT_HWM_BLOCKS];
	int i;

	KT_ASSERT_EQ(M_KTEST_HWM->ks_maxused, 0);
	sched_bind(curthread, 0);
	for (i = 0; i < MT_HWM_BLOCKS; i++) {
		p[i] = malloc(1024, M_KTEST_HWM, M_WAITOK);
		KT_ASSERT_NOT_NULL(p[i]);
	}
	KT_EXPECT_GE(M_KTEST_HWM->ks_maxused, 64 * 1024);
	KT_EXPECT_LE(M_KTEST_HWM->ks_maxused, MT_HWM_BLOCKS * 1024);
	for (i = 0; i < MT_HWM_BLOCKS; i++)
		free(p[i], M_KTEST_HWM);
	sched_unbind(curthread);
	KT_EXPECT_GE(M_KTEST_HWM->ks_maxused, 64 * 1024);
}

/* malloc's inline paths test no limit: a malloc zone refuses one. */
KTEST_DEATH(malloc, malloc_zone_takes_no_limit,
    "is a malloc(9) zone, which takes no limit")
{
	uma_zone_t z = uma_zone_find("64");

	KT_ASSERT_NOT_NULL(z);
	uma_zone_set_max(z, 100);
	KT_FAIL("uma_zone_set_max on malloc's zone 64 was accepted");
}

/*
 * Power-of-two requests are aligned to their size, up to a page (larger
 * ones are page aligned), as FreeBSD's malloc(9) promises: 40 blocks of
 * each power of two from 16 to 128 KiB, all held at once so that several
 * slabs (and slab colours) are used.
 */
#define	MT_ALIGN_N	40
KTEST(malloc, power_of_two_naturally_aligned)
{
	static void *p[MT_ALIGN_N];
	size_t size, align;
	int i, bad;

	for (size = 16; size <= 128 * 1024; size *= 2) {
		align = MIN(size, PAGE_SIZE);
		bad = 0;
		for (i = 0; i < MT_ALIGN_N; i++) {
			p[i] = malloc(size, M_KTEST, M_WAITOK);
			KT_ASSERT_NOT_NULL(p[i]);
			if (((uintptr_t)p[i] & (align - 1)) != 0) {
				if (bad++ == 0)
					ktest_fail(kt, __FILE__, __LINE__,
					    "malloc(%zu) returned %p, not "
					    "aligned to %zu", size, p[i],
					    align);
			}
		}
		for (i = 0; i < MT_ALIGN_N; i++)
			free(p[i], M_KTEST);
	}
}
