/*
 * MemGuard (options DEBUG_MEMGUARD, sys/vm/memguard.c), tested from
 * issue 6 and the contract in sys/vm/memguard.h:
 *
 * - a type named by vm.memguard.desc (set at runtime) is guarded, another
 *   type beside it is not; a guarded block keeps its contents, is 16-byte
 *   aligned (malloc's promise) with its size rounded up to 16 ending at
 *   the end of its last page (every size 1..300 and around one and two
 *   pages), has an unmapped page after it, malloc_usable_size() is its
 *   size, realloc keeps it guarded, free unmaps it; vm.memguard.*
 *   counters move by exactly one per malloc and free and the type's
 *   statistics balance;
 * - changing vm.memguard.desc at runtime starts and stops guarding;
 *   vm.memguard.minsize;
 * - UMA zones named by vm.memguard.desc: guarded items, exact
 *   ctor/dtor/init/fini counts, zone statistics, back to normal when
 *   desc moves away; a zone created while named;
 * - frequency mode guards about 1 in N, counting each request once, also
 *   on malloc(9)'s inline path (suite memguard_freq, which boots
 *   TEST_MEMGUARD_INLINE too), and not those under minsize; options 2
 *   guards every request of a page or more; options 1 puts an unmapped
 *   page before the data too;
 * - guarded malloc/free on every CPU at once, beside kmem_map traffic;
 * - death tests, one boot each: read and write after free, one byte past
 *   the end, one byte before the start (options 1), double free, an
 *   interior free, a use after free on another CPU, a zone item's write
 *   after free.  Each checks first that the block is recorded under the
 *   right type (memguard_owner), which is the name the panic prints.
 *
 * Every case skips without DEBUG_MEMGUARD, and puts vm.memguard.desc,
 * frequency, minsize and options back to their defaults when it ends.
 * The exhausted-map fallback needs a tiny map, chosen at boot: it is the
 * suite memguard_small (memguard_small_test.c).
 */
#include "opt_vm.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_page.h>
#include <vm/uma.h>
#include <vm/memguard.h>

#ifdef DEBUG_MEMGUARD
#define	MG_ON	1
#else
#define	MG_ON	0
#endif

#define	MG_REQUIRE()	do {						\
	if (!MG_ON)							\
		KT_SKIP("needs options DEBUG_MEMGUARD");		\
} while (0)

MALLOC_DEFINE(M_MGTEST, "mgtest", "MemGuard tests: the guarded type");
MALLOC_DEFINE(M_MGOTHER, "mgother", "MemGuard tests: an unguarded type");
MALLOC_DEFINE(M_MGFREQ, "mgfreq", "MemGuard tests: frequency mode");
MALLOC_DEFINE(M_MGMP, "mgmp", "MemGuard tests: every CPU");

/*
 * vm.memguard.* access
 */

static u_long
mg_get(const char *leaf)
{
	char name[64];
	u_long v = 0;
	size_t len = sizeof(v);

	snprintf(name, sizeof(name), "vm.memguard.%s", leaf);
	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0 ||
	    len != sizeof(v))
		return (~0UL);
	return (v);
}

static int
mg_set_ulong(const char *leaf, u_long v)
{
	char name[64];

	snprintf(name, sizeof(name), "vm.memguard.%s", leaf);
	return (kernel_sysctlbyname(name, NULL, NULL, &v, sizeof(v)));
}

static int
mg_set_options(u_int v)
{
	return (kernel_sysctlbyname("vm.memguard.options", NULL, NULL, &v,
	    sizeof(v)));
}

static u_int
mg_get_options(void)
{
	u_int v = ~0U;
	size_t len = sizeof(v);

	if (kernel_sysctlbyname("vm.memguard.options", &v, &len, NULL, 0) !=
	    0 || len != sizeof(v))
		return (~0U);
	return (v);
}

/* Set vm.memguard.desc, the new value with or without its NUL. */
static int
mg_set_desc_len(const char *s, size_t len)
{
	return (kernel_sysctlbyname("vm.memguard.desc", NULL, NULL, s, len));
}

static int
mg_set_desc(const char *s)
{
	return (mg_set_desc_len(s, strlen(s) + 1));
}

static int
mg_get_desc(char *buf, size_t size)
{
	size_t len = size;
	int error;

	memset(buf, 0, size);
	error = kernel_sysctlbyname("vm.memguard.desc", buf, &len, NULL, 0);
	buf[size - 1] = '\0';
	return (error);
}

/* Back to the defaults: nothing guarded. */
static void
mg_reset(void)
{
	(void)mg_set_desc("");
	(void)mg_set_ulong("frequency", 0);
	(void)mg_set_ulong("minsize", 0);
	(void)mg_set_options(0);
}

/* The counters a case compares before and after. */
struct mg_cnt {
	u_long	numalloc, numfree, inuse, fail_kva, fail_pgs, hits, mapused;
};

static struct mg_cnt
mg_cnt(void)
{
	struct mg_cnt c;

	c.numalloc = mg_get("numalloc");
	c.numfree = mg_get("numfree");
	c.inuse = mg_get("inuse");
	c.fail_kva = mg_get("fail_kva");
	c.fail_pgs = mg_get("fail_pgs");
	c.hits = mg_get("frequency_hits");
	c.mapused = mg_get("mapused");
	return (c);
}

/* A malloc type's statistics, summed over the CPUs. */
struct mg_stat {
	uint64_t	allocs, frees, memalloced, memfreed;
};

static struct mg_stat
mg_stat(struct malloc_type *type)
{
	struct mg_stat s;
	int cpu;

	memset(&s, 0, sizeof(s));
	CPU_FOREACH(cpu) {
		s.allocs += type->ks_stats[cpu].mts_numallocs;
		s.frees += type->ks_stats[cpu].mts_numfrees;
		s.memalloced += type->ks_stats[cpu].mts_memalloced;
		s.memfreed += type->ks_stats[cpu].mts_memfreed;
	}
	return (s);
}

/* Fill p[0..n) with a pattern of its own; where it differs later, or n. */
static void
mg_fill(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31 + (i >> 8) + seed);
}

static size_t
mg_check(const void *p, size_t n, uint8_t seed)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (uint8_t)(i * 31 + (i >> 8) + seed))
			return (i);
	return (n);
}

/* Is every page of [p, p + n) mapped? */
static int
mg_mapped(const void *p, size_t n)
{
	vm_offset_t va;

	for (va = trunc_page((vm_offset_t)p); va < (vm_offset_t)p + n;
	    va += PAGE_SIZE)
		if (pmap_kextract(va) == 0)
			return (0);
	return (1);
}

/* Where a guarded object of size bytes ends: its size rounded up to 16. */
static u_long
mg_rounded(u_long size)
{
	return (roundup2(size, MEMGUARD_ALIGN));
}

/*
 * The map and its knobs: sized kmem_size / vm.memguard_divisor (10 by
 * default), every counter readable, desc readable and writable both ways
 * (new value with and without its NUL), a too-long desc refused.
 */
KTEST(memguard, map_and_knobs)
{
	char buf[160], longdesc[200];
	u_long kmem = 0;
	u_int divisor = 0;
	size_t len;
	static const char *const leaves[] = { "minsize", "frequency",
	    "mapsize", "mapused", "numalloc", "numfree", "inuse", "fail_kva",
	    "fail_pgs", "wrapcnt", "frequency_hits", "faults" };
	size_t i;

	MG_REQUIRE();
	mg_reset();
	len = sizeof(kmem);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.kmem_size", &kmem, &len, NULL,
	    0), 0);
	len = sizeof(divisor);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.memguard_divisor", &divisor,
	    &len, NULL, 0), 0);
	KT_EXPECT_EQ(divisor, 10);
	KT_EXPECT_EQ(mg_get("mapsize"), round_page(kmem / 10));
	for (i = 0; i < nitems(leaves); i++)
		if (mg_get(leaves[i]) == ~0UL)
			KT_FAIL("vm.memguard.%s is missing or not a u_long",
			    leaves[i]);
	/* The boot tunable is read-only at runtime. */
	KT_EXPECT_NE(kernel_sysctlbyname("vm.memguard_divisor", NULL, NULL,
	    &divisor, sizeof(divisor)), 0);

	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	KT_ASSERT_EQ(mg_get_desc(buf, sizeof(buf)), 0);
	KT_EXPECT_STREQ(buf, "mgtest");
	KT_ASSERT_EQ(mg_set_desc_len("mgother", strlen("mgother")), 0);
	KT_ASSERT_EQ(mg_get_desc(buf, sizeof(buf)), 0);
	KT_EXPECT_STREQ(buf, "mgother");
	KT_ASSERT_EQ(mg_set_desc_len("", 0), 0);
	KT_ASSERT_EQ(mg_get_desc(buf, sizeof(buf)), 0);
	KT_EXPECT_STREQ(buf, "");
	/* 150 characters do not fit: refused, desc unchanged. */
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	memset(longdesc, 'x', 150);
	longdesc[150] = '\0';
	KT_EXPECT_NE(mg_set_desc(longdesc), 0);
	KT_ASSERT_EQ(mg_get_desc(buf, sizeof(buf)), 0);
	KT_EXPECT_STREQ(buf, "mgtest");
	mg_reset();
}

/*
 * vm.memguard.desc=mgtest: mgtest's blocks are guarded, mgother's are not.
 * Each guarded block holds its pattern, is 16-byte aligned with its
 * rounded size ending at its page end, has its size as usable size, an
 * unmapped page after it, and is unmapped once freed.
 * numalloc/numfree/inuse move by one per call, and both types'
 * statistics come back to their baselines,
 * mgtest charged exactly the sizes asked for.
 */
KTEST(memguard, guarded_beside_unguarded)
{
	/* 100000: more pages than memguard_alloc keeps on its stack. */
	static const u_long sizes[] = { 1, 24, 100, 4096, 5000, 8192, 12345,
	    100000 };
	struct mg_stat s0, o0, s1, o1;
	struct mg_cnt c0, c;
	uint8_t *p, *q;
	vm_offset_t end;
	vm_page_t m;
	u_long size, sum = 0;
	size_t i;

	MG_REQUIRE();
	mg_reset();
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	s0 = mg_stat(M_MGTEST);
	o0 = mg_stat(M_MGOTHER);
	for (i = 0; i < nitems(sizes); i++) {
		size = sizes[i];
		c0 = mg_cnt();
		p = malloc(size, M_MGTEST, M_WAITOK);
		KT_ASSERT_NOT_NULL(p);
		c = mg_cnt();
		KT_EXPECT(is_memguard_addr(p));
		KT_EXPECT_EQ(c.numalloc, c0.numalloc + 1);
		KT_EXPECT_EQ(c.inuse, c0.inuse + 1);
		KT_EXPECT_EQ(c.numfree, c0.numfree);
		KT_EXPECT_EQ(c.fail_kva, c0.fail_kva);
		KT_EXPECT_GE(c.mapused, c0.mapused + ptoa(atop(round_page(size))
		    + 1));
		end = (vm_offset_t)p + mg_rounded(size);
		KT_EXPECT_EQ(end % PAGE_SIZE, 0);
		KT_EXPECT_EQ((vm_offset_t)p % 16, 0);
		KT_EXPECT_EQ(malloc_usable_size(p), size);
		KT_EXPECT_STREQ(memguard_owner(p), "mgtest");
		/* Its pages are MemGuard's, and say for whom. */
		m = vtopage((vm_offset_t)p);
		KT_ASSERT_NOT_NULL(m);
		KT_EXPECT_EQ(vm_page_owner(m), VPO_MEMGUARD);
		KT_EXPECT_STREQ((const char *)m->po_ptr, "mgtest");
		KT_EXPECT(mg_mapped(p, size));
		KT_EXPECT_EQ(pmap_kextract(end), 0);	/* the guard page */
		mg_fill(p, size, (uint8_t)i);

		q = malloc(size, M_MGOTHER, M_WAITOK);
		KT_ASSERT_NOT_NULL(q);
		KT_EXPECT(!is_memguard_addr(q));
		KT_EXPECT_EQ(mg_cnt().numalloc, c.numalloc);
		mg_fill(q, size, (uint8_t)(i + 100));
		KT_EXPECT_EQ(mg_check(p, size, (uint8_t)i), size);
		KT_EXPECT_EQ(mg_check(q, size, (uint8_t)(i + 100)), size);
		free(q, M_MGOTHER);

		free(p, M_MGTEST);
		c = mg_cnt();
		KT_EXPECT_EQ(c.numfree, c0.numfree + 1);
		KT_EXPECT_EQ(c.inuse, c0.inuse);
		KT_EXPECT_EQ(c.numalloc, c0.numalloc + 1);
		/* Unmapped once freed, though the range stays reserved. */
		KT_EXPECT_EQ(pmap_kextract(trunc_page((vm_offset_t)p)), 0);
		KT_EXPECT_EQ(pmap_kextract(end - 1), 0);
		KT_EXPECT_EQ(vm_page_owner(m), VPO_FREE);
		sum += size;
	}
	/* M_ZERO on a guarded block. */
	p = malloc(3000, M_MGTEST, M_WAITOK | M_ZERO);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(is_memguard_addr(p));
	for (i = 0; i < 3000 && p[i] == 0; i++)
		;
	KT_EXPECT_EQ(i, 3000);
	free(p, M_MGTEST);
	sum += 3000;
	/* M_NOWAIT is guarded too. */
	p = malloc(64, M_MGTEST, M_NOWAIT);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(is_memguard_addr(p));
	free(p, M_MGTEST);
	sum += 64;

	s1 = mg_stat(M_MGTEST);
	o1 = mg_stat(M_MGOTHER);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, nitems(sizes) + 2);
	KT_EXPECT_EQ(s1.frees - s0.frees, nitems(sizes) + 2);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced, sum);
	KT_EXPECT_EQ(s1.memfreed - s0.memfreed, sum);
	KT_EXPECT_EQ(o1.allocs - o0.allocs, nitems(sizes));
	KT_EXPECT_EQ(o1.frees - o0.frees, nitems(sizes));
	KT_EXPECT_EQ(o1.memalloced - o0.memalloced,
	    o1.memfreed - o0.memfreed);
	mg_reset();
}

/*
 * Alignment of guarded malloc blocks (issue 9): every size from 1 to
 * MG_ALIGN_MAX, and the sizes around one and two pages, is 16-byte
 * aligned (malloc(17) used to return an odd address); the size rounded
 * up to 16 ends at the page end, its last byte is mapped and the first
 * byte past it is in the unmapped guard page, so an overrun of even one
 * byte past the rounded size faults.  malloc_usable_size() is still the
 * size asked for.
 */
#define	MG_ALIGN_MAX	300

KTEST(memguard, every_size_16_aligned)
{
	u_long size, bad_align, bad_end, bad_map, bad_guard, bad_usable, n;
	vm_offset_t end;
	uint8_t *p;
	int pass;

	MG_REQUIRE();
	mg_reset();
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	bad_align = bad_end = bad_map = bad_guard = bad_usable = n = 0;
	for (pass = 0; pass < 3; pass++) {
		for (size = pass == 0 ? 1 : ptoa(pass) - 20;
		    size <= (pass == 0 ? MG_ALIGN_MAX : ptoa(pass) + 20);
		    size++) {
			p = malloc(size, M_MGTEST, M_WAITOK);
			KT_ASSERT_NOT_NULL(p);
			KT_ASSERT(is_memguard_addr(p));
			end = (vm_offset_t)p + mg_rounded(size);
			bad_align += (vm_offset_t)p % 16 != 0;
			bad_end += end % PAGE_SIZE != 0;
			bad_map += pmap_kextract(end - 1) == 0 ||
			    !mg_mapped(p, size);
			bad_guard += pmap_kextract(end) != 0;
			bad_usable += malloc_usable_size(p) != size;
			p[size - 1] = 0x5a;
			free(p, M_MGTEST);
			n++;
		}
	}
	KT_EXPECT_EQ(n, MG_ALIGN_MAX + 2 * 41);
	KT_EXPECT_EQ(bad_align, 0);
	KT_EXPECT_EQ(bad_end, 0);
	KT_EXPECT_EQ(bad_map, 0);
	KT_EXPECT_EQ(bad_guard, 0);
	KT_EXPECT_EQ(bad_usable, 0);
	/* The example: 17 bytes lie 32 before the page end. */
	p = malloc(17, M_MGTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT_EQ((vm_offset_t)p & PAGE_MASK, PAGE_SIZE - 32);
	free(p, M_MGTEST);
	mg_reset();
}

/*
 * realloc of a guarded block gives a guarded block (growing, shrinking,
 * and after desc no longer names the type), with the data kept, the old
 * block unmapped, and everything balanced.
 */
KTEST(memguard, realloc_stays_guarded)
{
	struct mg_stat s0, s1;
	struct mg_cnt c0, c;
	uint8_t *p, *q;

	MG_REQUIRE();
	mg_reset();
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	s0 = mg_stat(M_MGTEST);
	c0 = mg_cnt();
	p = malloc(100, M_MGTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_ASSERT(is_memguard_addr(p));
	mg_fill(p, 100, 7);

	/* Grow to two pages and a bit. */
	q = realloc(p, 9000, M_MGTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	KT_EXPECT(is_memguard_addr(q));
	KT_EXPECT_EQ(((vm_offset_t)q + mg_rounded(9000)) % PAGE_SIZE, 0);
	KT_EXPECT_EQ(malloc_usable_size(q), 9000);
	KT_EXPECT_EQ(mg_check(q, 100, 7), 100);
	if (q != p)
		KT_EXPECT_EQ(pmap_kextract(trunc_page((vm_offset_t)p)), 0);
	mg_fill(q, 9000, 9);

	/* Shrink to 10 bytes. */
	p = realloc(q, 10, M_MGTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(is_memguard_addr(p));
	KT_EXPECT_EQ(((vm_offset_t)p + mg_rounded(10)) % PAGE_SIZE, 0);
	KT_EXPECT_EQ(malloc_usable_size(p), 10);
	KT_EXPECT_EQ(mg_check(p, 10, 9), 10);

	/* The type is no longer selected: the guarded block stays guarded. */
	KT_ASSERT_EQ(mg_set_desc(""), 0);
	q = realloc(p, 300, M_MGTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	KT_EXPECT(is_memguard_addr(q));
	KT_EXPECT_EQ(malloc_usable_size(q), 300);
	KT_EXPECT_EQ(mg_check(q, 10, 9), 10);
	/* ... while a new one is not guarded. */
	p = malloc(100, M_MGTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(!is_memguard_addr(p));
	free(p, M_MGTEST);
	free(q, M_MGTEST);

	c = mg_cnt();
	KT_EXPECT_EQ(c.numalloc - c0.numalloc, 4);
	KT_EXPECT_EQ(c.numfree - c0.numfree, 4);
	KT_EXPECT_EQ(c.inuse, c0.inuse);
	s1 = mg_stat(M_MGTEST);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, s1.frees - s0.frees);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced,
	    s1.memfreed - s0.memfreed);
	mg_reset();
}

/*
 * vm.memguard.desc changed at runtime: "" stops guarding, another name
 * moves the guard to that type; blocks guarded before the change still
 * free as guarded ones.  minsize leaves smaller requests alone.
 */
KTEST(memguard, desc_runtime_change)
{
	struct mg_cnt c0;
	void *g, *p, *q;

	MG_REQUIRE();
	mg_reset();
	c0 = mg_cnt();
	p = malloc(200, M_MGTEST, M_WAITOK);
	KT_EXPECT(!is_memguard_addr(p));
	free(p, M_MGTEST);

	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	g = malloc(200, M_MGTEST, M_WAITOK);
	KT_EXPECT(is_memguard_addr(g));

	KT_ASSERT_EQ(mg_set_desc_len("", 0), 0);
	p = malloc(200, M_MGTEST, M_WAITOK);
	KT_EXPECT(!is_memguard_addr(p));
	free(p, M_MGTEST);

	KT_ASSERT_EQ(mg_set_desc("mgother"), 0);
	p = malloc(200, M_MGTEST, M_WAITOK);
	q = malloc(200, M_MGOTHER, M_WAITOK);
	KT_EXPECT(!is_memguard_addr(p));
	KT_EXPECT(is_memguard_addr(q));
	KT_EXPECT_STREQ(memguard_owner(q), "mgother");
	free(p, M_MGTEST);
	free(q, M_MGOTHER);
	/* A prefix of a name is not the name. */
	KT_ASSERT_EQ(mg_set_desc("mgt"), 0);
	p = malloc(200, M_MGTEST, M_WAITOK);
	KT_EXPECT(!is_memguard_addr(p));
	free(p, M_MGTEST);

	/* Guarded before the change, freed after it. */
	KT_ASSERT_EQ(mg_set_desc(""), 0);
	free(g, M_MGTEST);
	KT_EXPECT_EQ(pmap_kextract(trunc_page((vm_offset_t)g)), 0);

	/* minsize: only requests of at least that many bytes. */
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	KT_ASSERT_EQ(mg_set_ulong("minsize", 1000), 0);
	KT_EXPECT_EQ(mg_get("minsize"), 1000);
	p = malloc(999, M_MGTEST, M_WAITOK);
	q = malloc(1000, M_MGTEST, M_WAITOK);
	KT_EXPECT(!is_memguard_addr(p));
	KT_EXPECT(is_memguard_addr(q));
	free(p, M_MGTEST);
	free(q, M_MGTEST);

	KT_EXPECT_EQ(mg_get("numalloc") - c0.numalloc, 3);
	KT_EXPECT_EQ(mg_get("numfree") - c0.numfree, 3);
	KT_EXPECT_EQ(mg_get("inuse"), c0.inuse);
	mg_reset();
}

/*
 * Zones by name.  Callbacks count and check that init ran before ctor
 * and that the size is right; the test writes only after the first
 * word, which holds init's mark.
 */
#define	MG_INIT_MAGIC	0x6d67696e69740001UL
#define	MG_ZSIZE	100
#define	MG_NZ		8

static struct {
	volatile u_int	ctor, dtor, init, fini, bad;
} mgcb;

static int
mg_zctor(void *mem, int size, void *arg __unused, int flags __unused)
{
	atomic_add_int(&mgcb.ctor, 1);
	if (size != MG_ZSIZE || *(uint64_t *)mem != MG_INIT_MAGIC)
		atomic_add_int(&mgcb.bad, 1);
	return (0);
}

static void
mg_zdtor(void *mem, int size, void *arg __unused)
{
	atomic_add_int(&mgcb.dtor, 1);
	if (size != MG_ZSIZE || *(uint64_t *)mem != MG_INIT_MAGIC)
		atomic_add_int(&mgcb.bad, 1);
}

static int
mg_zinit(void *mem, int size, int flags __unused)
{
	atomic_add_int(&mgcb.init, 1);
	if (size != MG_ZSIZE)
		atomic_add_int(&mgcb.bad, 1);
	*(uint64_t *)mem = MG_INIT_MAGIC;
	return (0);
}

static void
mg_zfini(void *mem, int size)
{
	atomic_add_int(&mgcb.fini, 1);
	if (size != MG_ZSIZE || *(uint64_t *)mem != MG_INIT_MAGIC)
		atomic_add_int(&mgcb.bad, 1);
	*(uint64_t *)mem = 0;
}

/*
 * A zone named by vm.memguard.desc after it was made: its items come
 * guarded (ends at page end, the zone's alignment, owner "mgzone"), each
 * with its own init and ctor (no slab), dtor and fini at free; the zone's
 * used count follows.  When desc moves away, new items come from slabs
 * again and the guarded ones still free as guarded ones.
 */
/* The size of the zone's items in its slabs. */
static u_long
mg_zone_rsize(uma_zone_t z)
{
	struct uma_zone_stat zs;

	uma_zone_stat(z, &zs);
	return (zs.zs_rsize);
}

KTEST(memguard, zone_by_name)
{
	struct mg_cnt c0, c;
	uma_zone_t z;
	uint8_t *g[MG_NZ], *n[MG_NZ / 2], *p;
	u_int ctor0, dtor0, init0, fini0;
	int i, cur0, misaligned = 0;
	u_long align, rsize;

	MG_REQUIRE();
	mg_reset();
	memset(__DEVOLATILE(void *, &mgcb), 0, sizeof(mgcb));
	z = uma_zcreate("mgzone", MG_ZSIZE, mg_zctor, mg_zdtor, mg_zinit,
	    mg_zfini, UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	align = UMA_ALIGN_PTR + 1;
	rsize = mg_zone_rsize(z);
	/* Not named yet: an item from a slab. */
	p = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(!is_memguard_addr(p));
	uma_zfree(z, p);
	cur0 = uma_zone_get_cur(z);
	KT_EXPECT_EQ(cur0, 0);

	KT_ASSERT_EQ(mg_set_desc("mgzone"), 0);
	c0 = mg_cnt();
	ctor0 = mgcb.ctor;
	dtor0 = mgcb.dtor;
	init0 = mgcb.init;
	fini0 = mgcb.fini;
	for (i = 0; i < MG_NZ; i++) {
		g[i] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(g[i]);
		KT_EXPECT(is_memguard_addr(g[i]));
		/* Guarded at the item size rounded to the zone's alignment. */
		KT_EXPECT_EQ(((vm_offset_t)g[i] + rsize) %
		    PAGE_SIZE, 0);
		if ((vm_offset_t)g[i] % align != 0)
			misaligned++;
		KT_EXPECT_STREQ(memguard_owner(g[i]), "mgzone");
		KT_EXPECT_EQ(pmap_kextract((vm_offset_t)g[i] +
		    rsize), 0);
		mg_fill(g[i] + 8, MG_ZSIZE - 8, (uint8_t)i);
	}
	/* The zone's alignment (UMA_ALIGN_PTR) holds for guarded items too. */
	KT_EXPECT_EQ(misaligned, 0);
	c = mg_cnt();
	KT_EXPECT_EQ(c.numalloc - c0.numalloc, MG_NZ);
	KT_EXPECT_EQ(c.inuse - c0.inuse, MG_NZ);
	KT_EXPECT_EQ(mgcb.ctor - ctor0, MG_NZ);
	KT_EXPECT_EQ(mgcb.init - init0, MG_NZ);	/* one per item: no slab */
	KT_EXPECT_EQ(mgcb.dtor, dtor0);
	KT_EXPECT_EQ(mgcb.fini, fini0);
	KT_EXPECT_EQ(uma_zone_get_cur(z), cur0 + MG_NZ);

	/* desc moves away: new items from the slab, without a new init. */
	KT_ASSERT_EQ(mg_set_desc("mgother"), 0);
	init0 = mgcb.init;
	for (i = 0; i < MG_NZ / 2; i++) {
		n[i] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(n[i]);
		KT_EXPECT(!is_memguard_addr(n[i]));
	}
	KT_EXPECT_EQ(mgcb.init, init0);
	KT_EXPECT_EQ(mg_get("numalloc"), c.numalloc);
	KT_EXPECT_EQ(uma_zone_get_cur(z), cur0 + MG_NZ + MG_NZ / 2);

	/* The guarded items free as guarded ones: dtor, fini, unmapped. */
	for (i = 0; i < MG_NZ; i++) {
		KT_EXPECT_EQ(mg_check(g[i] + 8, MG_ZSIZE - 8, (uint8_t)i),
		    MG_ZSIZE - 8);
		uma_zfree(z, g[i]);
		KT_EXPECT_EQ(pmap_kextract(trunc_page((vm_offset_t)g[i])), 0);
	}
	c = mg_cnt();
	KT_EXPECT_EQ(c.numfree - c0.numfree, MG_NZ);
	KT_EXPECT_EQ(c.inuse, c0.inuse);
	KT_EXPECT_EQ(mgcb.dtor - dtor0, MG_NZ);
	KT_EXPECT_EQ(mgcb.fini - fini0, MG_NZ);
	for (i = 0; i < MG_NZ / 2; i++)
		uma_zfree(z, n[i]);
	KT_EXPECT_EQ(uma_zone_get_cur(z), cur0);
	KT_EXPECT_EQ(mgcb.ctor, mgcb.dtor);
	uma_zdestroy(z);
	KT_EXPECT_EQ(mgcb.fini, mgcb.init);
	KT_EXPECT_EQ(mgcb.bad, 0);
	mg_reset();
}

/*
 * A zone made while vm.memguard.desc already names it (no callbacks: under
 * INVARIANTS it gets the trash ones), cache-line aligned: guarded from
 * the first item, M_ZERO honoured, M_NOWAIT too, balanced at the end.
 */
KTEST(memguard, zone_named_at_creation)
{
	struct mg_cnt c0;
	uma_zone_t z;
	uint8_t *p, *q;
	int i;

	MG_REQUIRE();
	mg_reset();
	KT_ASSERT_EQ(mg_set_desc("mgzone2"), 0);
	c0 = mg_cnt();
	z = uma_zcreate("mgzone2", 192, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_CACHE, 0);
	KT_ASSERT_NOT_NULL(z);
	p = uma_zalloc(z, M_WAITOK | M_ZERO);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(is_memguard_addr(p));
	KT_EXPECT_EQ((vm_offset_t)p % (UMA_ALIGN_CACHE + 1), 0);
	KT_EXPECT_EQ(((vm_offset_t)p + 192) % PAGE_SIZE, 0);
	for (i = 0; i < 192 && p[i] == 0; i++)
		;
	KT_EXPECT_EQ(i, 192);
	q = uma_zalloc(z, M_NOWAIT);
	KT_ASSERT_NOT_NULL(q);
	KT_EXPECT(is_memguard_addr(q));
	KT_EXPECT_EQ(uma_zone_get_cur(z), 2);
	uma_zfree(z, p);
	uma_zfree(z, q);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	KT_EXPECT_EQ(mg_get("numalloc") - c0.numalloc, 2);
	KT_EXPECT_EQ(mg_get("inuse"), c0.inuse);
	uma_zdestroy(z);
	mg_reset();
}

/* Find a zone by name (uma_zone_foreach). */
struct mg_zfind {
	const char	*name;
	uma_zone_t	zone;
};

static void
mg_zfind_one(uma_zone_t zone, void *arg)
{
	struct mg_zfind *f = arg;

	if (f->zone == NULL && strcmp(uma_zone_name(zone), f->name) == 0)
		f->zone = zone;
}

/*
 * A malloc size class is a UMA zone with a name too ("64").  Under
 * INVARIANTS its items carry a refcount word (the type tag), and
 * MemGuard leaves refcount zones alone; otherwise naming it guards the
 * requests it serves.  Either way free(9) must leave the zone's used
 * count, MemGuard's counters and the type's statistics where they were.
 */
KTEST(memguard, malloc_size_zone_by_name)
{
	struct mg_zfind f = { "64", NULL };
	struct mg_stat s0, s1;
	struct mg_cnt c0;
	void *p;
	int cur0, refcnt;

	MG_REQUIRE();
	mg_reset();
	uma_zone_foreach(mg_zfind_one, &f);
	KT_ASSERT_NOT_NULL(f.zone);
	refcnt = (uma_zone_flags(f.zone) & UMA_ZONE_REFCNT) != 0;
	KT_ASSERT_EQ(mg_set_desc("64"), 0);
	s0 = mg_stat(M_MGOTHER);
	c0 = mg_cnt();
	cur0 = uma_zone_get_cur(f.zone);
	p = malloc(56, M_MGOTHER, M_WAITOK);	/* the 64-byte class */
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT_EQ(is_memguard_addr(p), !refcnt);
	KT_EXPECT_GE(malloc_usable_size(p), 56);
	mg_fill(p, 56, 3);
	KT_EXPECT_EQ(mg_check(p, 56, 3), 56);
	KT_ASSERT_EQ(mg_set_desc(""), 0);
	free(p, M_MGOTHER);
	KT_EXPECT_EQ(mg_get("inuse"), c0.inuse);
	KT_EXPECT_EQ(uma_zone_get_cur(f.zone), cur0);
	s1 = mg_stat(M_MGOTHER);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, 1);
	KT_EXPECT_EQ(s1.frees - s0.frees, 1);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced,
	    s1.memfreed - s0.memfreed);
	mg_reset();
}

/*
 * vm.memguard.frequency=10 with no desc: about 1 in 10 of 2000 small
 * mallocs of one type are guarded (100..330), frequency_hits grows by the
 * number guarded, every block keeps its contents and all free cleanly.
 */
#define	MG_NFREQ	2000
static uint8_t	*mg_freq[MG_NFREQ];

KTEST(memguard, frequency_mode)
{
	struct mg_stat s0, s1;
	struct mg_cnt c0, c;
	int i, guarded, bad;

	MG_REQUIRE();
	mg_reset();
	s0 = mg_stat(M_MGFREQ);
	c0 = mg_cnt();
	KT_ASSERT_EQ(mg_set_ulong("frequency", 10), 0);
	KT_EXPECT_EQ(mg_get("frequency"), 10);
	for (i = 0; i < MG_NFREQ; i++) {
		mg_freq[i] = malloc(40, M_MGFREQ, M_WAITOK);
		if (mg_freq[i] == NULL)
			break;
		mg_fill(mg_freq[i], 40, (uint8_t)i);
	}
	c = mg_cnt();
	KT_ASSERT_EQ(mg_set_ulong("frequency", 0), 0);
	KT_ASSERT_EQ(i, MG_NFREQ);
	guarded = bad = 0;
	for (i = 0; i < MG_NFREQ; i++) {
		if (is_memguard_addr(mg_freq[i])) {
			guarded++;
			if (((vm_offset_t)mg_freq[i] + 48) % PAGE_SIZE != 0 ||
			    strcmp(memguard_owner(mg_freq[i]), "mgfreq") != 0)
				bad++;
		}
		if (mg_check(mg_freq[i], 40, (uint8_t)i) != 40)
			bad++;
	}
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_GE(guarded, 100);
	KT_EXPECT_LE(guarded, 330);
	/* Other threads' mallocs may be picked too, never fewer. */
	KT_EXPECT_GE(c.hits - c0.hits, guarded);
	KT_EXPECT_LE(c.hits - c0.hits, guarded + 10);
	KT_EXPECT_EQ(c.fail_kva, c0.fail_kva);
	for (i = 0; i < MG_NFREQ; i++)
		free(mg_freq[i], M_MGFREQ);
	/* Off again: nothing more is picked. */
	c0 = mg_cnt();
	for (i = 0; i < 200; i++) {
		mg_freq[i] = malloc(40, M_MGFREQ, M_WAITOK);
		if (is_memguard_addr(mg_freq[i]))
			bad++;
		free(mg_freq[i], M_MGFREQ);
	}
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(mg_get("frequency_hits"), c0.hits);
	s1 = mg_stat(M_MGFREQ);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, MG_NFREQ + 200);
	KT_EXPECT_EQ(s1.frees - s0.frees, MG_NFREQ + 200);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced,
	    s1.memfreed - s0.memfreed);
	mg_reset();
}

/*
 * Frequency mode counts each request once, on every path: requests the
 * malloc cache cannot serve (40000 bytes, in rounds of 16 live: the
 * class's buckets hold one item) are guarded 1 in 10 as the cached ones
 * are (2000 requests: 140..270, mean 200; one count on the inline path
 * and another out of line would guard about 330).  Requests under
 * vm.memguard.minsize are neither guarded nor counted: with minsize 1000,
 * 2000 small requests interleaved with 2000 big ones leave the big ones
 * guarded 1 in 10 (140..270; counting the small ones too would guard
 * about 340 of the big ones).
 */
#define	MG_NROUND	16

KTEST(memguard_freq, each_request_once)
{
	struct mg_cnt c0, c;
	void *big[MG_NROUND], *small[MG_NROUND];
	int i, j, guarded, smallguarded;

	MG_REQUIRE();
	mg_reset();
	c0 = mg_cnt();
	KT_ASSERT_EQ(mg_set_ulong("frequency", 10), 0);
	guarded = 0;
	for (i = 0; i < MG_NFREQ / MG_NROUND; i++) {
		for (j = 0; j < MG_NROUND; j++) {
			big[j] = malloc(40000, M_MGFREQ, M_WAITOK);
			if (is_memguard_addr(big[j]))
				guarded++;
		}
		for (j = 0; j < MG_NROUND; j++)
			free(big[j], M_MGFREQ);
	}
	c = mg_cnt();
	KT_ASSERT_EQ(mg_set_ulong("frequency", 0), 0);
	KT_EXPECT_GE(guarded, 140);
	KT_EXPECT_LE(guarded, 270);
	KT_EXPECT_GE(c.hits - c0.hits, guarded);
	KT_EXPECT_LE(c.hits - c0.hits, guarded + 10);
	KT_EXPECT_EQ(c.fail_kva, c0.fail_kva);

	KT_ASSERT_EQ(mg_set_ulong("minsize", 1000), 0);
	KT_ASSERT_EQ(mg_set_ulong("frequency", 10), 0);
	guarded = smallguarded = 0;
	for (i = 0; i < MG_NFREQ / MG_NROUND; i++) {
		for (j = 0; j < MG_NROUND; j++) {
			small[j] = malloc(40, M_MGFREQ, M_WAITOK);
			big[j] = malloc(40000, M_MGFREQ, M_WAITOK);
			if (is_memguard_addr(small[j]))
				smallguarded++;
			if (is_memguard_addr(big[j]))
				guarded++;
		}
		for (j = 0; j < MG_NROUND; j++) {
			free(small[j], M_MGFREQ);
			free(big[j], M_MGFREQ);
		}
	}
	KT_ASSERT_EQ(mg_set_ulong("frequency", 0), 0);
	KT_EXPECT_EQ(smallguarded, 0);
	KT_EXPECT_GE(guarded, 140);
	KT_EXPECT_LE(guarded, 270);
	KT_EXPECT_EQ(mg_get("inuse"), c0.inuse);
	mg_reset();
}

/*
 * vm.memguard.options=2 (MG_GUARD_ALLLARGE): every request of a page or
 * more is guarded, whatever its type; smaller ones are not.
 */
KTEST(memguard, options_all_large)
{
	struct mg_cnt c0;
	uint8_t *a, *b, *c, *d;

	MG_REQUIRE();
	mg_reset();
	KT_ASSERT_EQ(mg_set_options(MG_GUARD_ALLLARGE), 0);
	KT_EXPECT_EQ(mg_get_options(), MG_GUARD_ALLLARGE);
	c0 = mg_cnt();
	a = malloc(2 * PAGE_SIZE, M_MGOTHER, M_WAITOK);
	b = malloc(100, M_MGOTHER, M_WAITOK);
	c = malloc(PAGE_SIZE, M_MGOTHER, M_WAITOK);
	d = malloc(PAGE_SIZE - 1, M_MGOTHER, M_WAITOK);
	KT_ASSERT(a != NULL && b != NULL && c != NULL && d != NULL);
	KT_EXPECT(is_memguard_addr(a));
	KT_EXPECT(!is_memguard_addr(b));
	KT_EXPECT(is_memguard_addr(c));
	KT_EXPECT(!is_memguard_addr(d));
	KT_EXPECT_EQ((vm_offset_t)a % PAGE_SIZE, 0);
	KT_EXPECT_EQ(pmap_kextract((vm_offset_t)a + 2 * PAGE_SIZE), 0);
	mg_fill(a, 2 * PAGE_SIZE, 1);
	KT_EXPECT_EQ(mg_check(a, 2 * PAGE_SIZE, 1), 2 * PAGE_SIZE);
	KT_EXPECT_EQ(mg_get("numalloc") - c0.numalloc, 2);
	free(a, M_MGOTHER);
	free(b, M_MGOTHER);
	free(c, M_MGOTHER);
	free(d, M_MGOTHER);
	KT_EXPECT_EQ(mg_get("inuse"), c0.inuse);
	mg_reset();
}

/*
 * vm.memguard.options=1 (MG_GUARD_AROUND): the object (rounded up to 16)
 * still ends at its page end, with an unmapped page before its first
 * data page and one after its end; the range is its data pages and the
 * two guards.
 */
KTEST(memguard, options_guard_before)
{
	static const u_long sizes[] = { 100, PAGE_SIZE, 5000 };
	struct mg_cnt c0, c;
	uint8_t *p;
	vm_offset_t first, end;
	u_long size, npages;
	size_t i;

	MG_REQUIRE();
	mg_reset();
	KT_ASSERT_EQ(mg_set_options(MG_GUARD_AROUND), 0);
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	for (i = 0; i < nitems(sizes); i++) {
		size = sizes[i];
		npages = atop(round_page(size));
		c0 = mg_cnt();
		p = malloc(size, M_MGTEST, M_WAITOK);
		KT_ASSERT_NOT_NULL(p);
		KT_EXPECT(is_memguard_addr(p));
		c = mg_cnt();
		KT_EXPECT_EQ(c.mapused - c0.mapused, ptoa(npages + 2));
		end = (vm_offset_t)p + mg_rounded(size);
		first = trunc_page((vm_offset_t)p);
		KT_EXPECT_EQ(end % PAGE_SIZE, 0);
		KT_EXPECT_EQ(first, end - ptoa(npages));
		KT_EXPECT(mg_mapped(p, size));
		KT_EXPECT_EQ(pmap_kextract(first - PAGE_SIZE), 0);
		KT_EXPECT_EQ(pmap_kextract(end), 0);
		KT_EXPECT(is_memguard_addr((void *)(first - PAGE_SIZE)));
		mg_fill(p, size, 5);
		KT_EXPECT_EQ(mg_check(p, size, 5), size);
		free(p, M_MGTEST);
		KT_EXPECT_EQ(mg_get("inuse"), c0.inuse);
	}
	/* Without the option: data pages and the guard after only. */
	KT_ASSERT_EQ(mg_set_options(0), 0);
	c0 = mg_cnt();
	p = malloc(100, M_MGTEST, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(is_memguard_addr(p));
	KT_EXPECT_EQ(mg_cnt().mapused - c0.mapused, ptoa(2));
	free(p, M_MGTEST);
	mg_reset();
}

/*
 * Guarded malloc/free on every CPU at once (the map lock, the TLB
 * shootdown of freed pages), while this thread also exercises kmem_map
 * with large mallocs of an unguarded type.
 */
#define	MG_MP_ITERS	400

static struct {
	volatile u_int	started, exited, errors, go;
} mg_mp;

static void
mg_mp_worker(void *arg)
{
	int cpu = (int)(uintptr_t)arg, i, j;
	uint8_t *p[3];
	size_t size[3];

	sched_bind(curthread, cpu);
	atomic_add_int(&mg_mp.started, 1);
	while (!mg_mp.go)
		pause("mgmpgo", 1);
	for (i = 0; i < MG_MP_ITERS; i++) {
		for (j = 0; j < 3; j++) {
			size[j] = 1 + (i * 97 + j * 1031 + cpu * 13) % 6000;
			p[j] = malloc(size[j], M_MGTEST, M_WAITOK);
			if (p[j] == NULL || !is_memguard_addr(p[j])) {
				atomic_add_int(&mg_mp.errors, 1);
				if (p[j] != NULL)
					free(p[j], M_MGTEST);
				p[j] = NULL;
				continue;
			}
			mg_fill(p[j], size[j], (uint8_t)(cpu + j));
		}
		for (j = 0; j < 3; j++) {
			if (p[j] == NULL)
				continue;
			if (mg_check(p[j], size[j], (uint8_t)(cpu + j)) !=
			    size[j])
				atomic_add_int(&mg_mp.errors, 1);
			free(p[j], M_MGTEST);
		}
	}
	atomic_add_int(&mg_mp.exited, 1);
	kthread_exit();
}

KTEST(memguard, every_cpu)
{
	struct mg_stat s0, s1;
	struct mg_cnt c0, c;
	void *big;
	int cpu, i, n = 0;

	MG_REQUIRE();
	mg_reset();
	memset(__DEVOLATILE(void *, &mg_mp), 0, sizeof(mg_mp));
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	s0 = mg_stat(M_MGTEST);
	c0 = mg_cnt();
	CPU_FOREACH(cpu) {
		KT_ASSERT_EQ(kthread_add(mg_mp_worker, (void *)(uintptr_t)cpu,
		    NULL, NULL, 0, 0, "mgmp%d", cpu), 0);
		n++;
	}
	for (i = 0; i < 2000 && mg_mp.started < (u_int)n; i++)
		pause("mgmps", 1);
	KT_ASSERT_EQ(mg_mp.started, n);
	mg_mp.go = 1;
	for (i = 0; i < 20000 && mg_mp.exited < (u_int)n; i++) {
		big = malloc(100000 + (i % 7) * PAGE_SIZE, M_MGOTHER,
		    M_WAITOK);
		free(big, M_MGOTHER);
		if ((i & 15) == 15)
			pause("mgmpw", 1);
	}
	KT_ASSERT_EQ(mg_mp.exited, n);
	KT_EXPECT_EQ(mg_mp.errors, 0);
	c = mg_cnt();
	KT_EXPECT_EQ(c.numalloc - c0.numalloc, (u_long)n * MG_MP_ITERS * 3);
	KT_EXPECT_EQ(c.numfree - c0.numfree, (u_long)n * MG_MP_ITERS * 3);
	KT_EXPECT_EQ(c.inuse, c0.inuse);
	s1 = mg_stat(M_MGTEST);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, (uint64_t)n * MG_MP_ITERS * 3);
	KT_EXPECT_EQ(s1.frees - s0.frees, (uint64_t)n * MG_MP_ITERS * 3);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced,
	    s1.memfreed - s0.memfreed);
	mg_reset();
}

/*
 * `show memguard` is a shell command; its output is checked by the
 * transcript tests/shell/memguard.txt.
 */

/*
 * Death tests.  Each panic must name MemGuard, the kind of access and the
 * type: the harness matches the kind; the type printed is the owner
 * recorded for the block, checked here before the bad access.
 */
static uint8_t *
mg_death_block(struct ktest_ctx *kt, u_long size)
{
	uint8_t *p;

	if (mg_set_desc("mgtest") != 0) {
		ktest_fail(kt, __FILE__, __LINE__, "cannot set desc");
		return (NULL);
	}
	p = malloc(size, M_MGTEST, M_WAITOK);
	if (p == NULL || !is_memguard_addr(p) || memguard_owner(p) == NULL ||
	    strcmp(memguard_owner(p), "mgtest") != 0) {
		ktest_fail(kt, __FILE__, __LINE__,
		    "%p is not a guarded mgtest block", p);
		return (NULL);
	}
	mg_fill(p, size, 1);
	return (p);
}

KTEST_DEATH(memguard, read_after_free, "MemGuard: read after free")
{
	volatile uint8_t *p;
	uint8_t c;

	MG_REQUIRE();
	if ((p = mg_death_block(kt, 100)) == NULL)
		return;
	free(__DEVOLATILE(void *, p), M_MGTEST);
	c = p[10];
	KT_FAIL("a read after free of %p went unnoticed (%#x)", p, c);
}

KTEST_DEATH(memguard, write_after_free, "MemGuard: write after free")
{
	volatile uint8_t *p;

	MG_REQUIRE();
	if ((p = mg_death_block(kt, 100)) == NULL)
		return;
	free(__DEVOLATILE(void *, p), M_MGTEST);
	p[0] = 0x5a;
	KT_FAIL("a write after free of %p went unnoticed", p);
}

KTEST_DEATH(memguard, overrun_one_byte, "MemGuard: write past the end")
{
	volatile uint8_t *p;

	MG_REQUIRE();
	if ((p = mg_death_block(kt, 100)) == NULL)
		return;
	/*
	 * 100 bytes are placed as 112 (16-byte granularity): the padding up
	 * to 112 is mapped, and one byte past it is in the guard page.
	 */
	p[99] = 1;
	p[111] = 1;
	p[112] = 1;
	KT_FAIL("a write one byte past %p+112 (100 rounded to 16) went "
	    "unnoticed", p);
}

KTEST_DEATH(memguard, overread_one_byte, "MemGuard: read past the end")
{
	volatile uint8_t *p;
	uint8_t c;

	MG_REQUIRE();
	if ((p = mg_death_block(kt, 4000)) == NULL)
		return;
	c = p[4000];
	KT_FAIL("a read one byte past %p+4000 went unnoticed (%#x)", p, c);
}

KTEST_DEATH(memguard, underrun_guard_before, "MemGuard: write before the start")
{
	volatile uint8_t *p;

	MG_REQUIRE();
	if (mg_set_options(MG_GUARD_AROUND) != 0)
		KT_FAIL("cannot set vm.memguard.options=1");
	/* A page-sized object starts at its page start: p[-1] is the guard. */
	if ((p = mg_death_block(kt, PAGE_SIZE)) == NULL)
		return;
	p[0] = 1;
	p[-1] = 1;
	KT_FAIL("a write one byte before %p went unnoticed", p);
}

KTEST_DEATH(memguard, double_free, "MemGuard detected double-free")
{
	uint8_t *p;

	MG_REQUIRE();
	if ((p = mg_death_block(kt, 100)) == NULL)
		return;
	free(p, M_MGTEST);
	free(p, M_MGTEST);
	KT_FAIL("the double free of %p went unnoticed", p);
}

KTEST_DEATH(memguard, interior_free, "inside the 100-byte object")
{
	uint8_t *p;

	MG_REQUIRE();
	if ((p = mg_death_block(kt, 100)) == NULL)
		return;
	free(p + 8, M_MGTEST);
	KT_FAIL("the free of interior pointer %p went unnoticed", p + 8);
}

/*
 * A use after free on another CPU: CPU 1 reads the block (its TLB now
 * holds the mapping), CPU 0 frees it, CPU 1 reads again and must fault.
 */
static struct {
	volatile uint8_t	*p;
	volatile u_int		state;	/* 1 read once, 2 freed */
} mg_remote;

static void
mg_remote_reader(void *arg __unused)
{
	uint8_t c;

	sched_bind(curthread, 1);
	c = mg_remote.p[5];
	mg_remote.state = 1;
	while (mg_remote.state != 2)
		cpu_pause();
	c += mg_remote.p[5];
	printf("mg_remote_reader: read %#x after free went unnoticed\n", c);
	mg_remote.state = 3;
	kthread_exit();
}

KTEST_DEATH(memguard, read_after_free_other_cpu, "MemGuard: read after free")
{
	int i;

	MG_REQUIRE();
	if (mp_ncpus < 2)
		KT_SKIP("needs two CPUs");
	sched_bind(curthread, 0);
	if ((mg_remote.p = mg_death_block(kt, 100)) == NULL)
		return;
	KT_ASSERT_EQ(kthread_add(mg_remote_reader, NULL, NULL, NULL, 0, 0,
	    "mgremote"), 0);
	for (i = 0; i < 2000 && mg_remote.state != 1; i++)
		pause("mgrem", 1);
	KT_ASSERT_EQ(mg_remote.state, 1);
	free(__DEVOLATILE(void *, mg_remote.p), M_MGTEST);
	mg_remote.state = 2;
	for (i = 0; i < 2000 && mg_remote.state != 3; i++)
		pause("mgrem", 1);
	KT_FAIL("CPU 1's read after free went unnoticed (state %u)",
	    mg_remote.state);
}

/* A guarded zone item written after uma_zfree. */
KTEST_DEATH(memguard, zone_write_after_free, "MemGuard: write after free")
{
	volatile uint8_t *p;
	uma_zone_t z;

	MG_REQUIRE();
	if (mg_set_desc("mgdzone") != 0)
		KT_FAIL("cannot set desc");
	z = uma_zcreate("mgdzone", 48, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	p = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_ASSERT(is_memguard_addr(__DEVOLATILE(void *, p)));
	KT_ASSERT_STREQ(memguard_owner(__DEVOLATILE(void *, p)), "mgdzone");
	uma_zfree(z, __DEVOLATILE(void *, p));
	p[4] = 1;
	KT_FAIL("a write after uma_zfree of %p went unnoticed", p);
}

/*
 * INVARIANTS checks the type given to free(9) ("free: type mismatch");
 * a guarded block must not escape that check.
 */
KTEST_DEATH(memguard, free_wrong_type, "free: type mismatch")
{
	uint8_t *p;

	MG_REQUIRE();
#ifndef INVARIANTS
	KT_SKIP("needs options INVARIANTS");
#endif
	if ((p = mg_death_block(kt, 100)) == NULL)
		return;
	free(p, M_MGOTHER);
	KT_FAIL("the free of mgtest block %p as mgother went unnoticed", p);
}

#ifdef DEBUG_MEMGUARD
/*
 * Idle MemGuard: memguard_mtp_active is what malloc(9) tests, inline, and
 * must follow every knob that can select a request: vm.memguard.desc,
 * vm.memguard.frequency and MG_GUARD_ALLLARGE (MG_GUARD_AROUND alone
 * selects nothing).  The inline address test agrees with the map's ends.
 */
KTEST(memguard, idle_flag_follows_knobs)
{
	void *p;

	MG_REQUIRE();
	mg_reset();
	KT_EXPECT_EQ(memguard_mtp_active, 0);
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	KT_EXPECT_NE(memguard_mtp_active, 0);
	KT_ASSERT_EQ(mg_set_desc(""), 0);
	KT_EXPECT_EQ(memguard_mtp_active, 0);
	KT_ASSERT_EQ(mg_set_ulong("frequency", 1000), 0);
	KT_EXPECT_EQ(mg_get("frequency"), 1000);
	/* Frequency alone: malloc(9)'s inline countdown; with desc: all. */
	KT_EXPECT_EQ(memguard_mtp_active, MG_MTP_FREQ);
	KT_ASSERT_EQ(mg_set_desc("mgtest"), 0);
	KT_EXPECT_EQ(memguard_mtp_active, MG_MTP_ALL);
	KT_ASSERT_EQ(mg_set_desc(""), 0);
	KT_EXPECT_EQ(memguard_mtp_active, MG_MTP_FREQ);
	KT_ASSERT_EQ(mg_set_ulong("frequency", 0), 0);
	KT_EXPECT_EQ(memguard_mtp_active, 0);
	KT_ASSERT_EQ(mg_set_options(MG_GUARD_AROUND), 0);
	KT_EXPECT_EQ(memguard_mtp_active, 0);
	KT_ASSERT_EQ(mg_set_options(MG_GUARD_ALLLARGE), 0);
	KT_EXPECT_EQ(memguard_mtp_active, MG_MTP_ALL);
	/* Idle: a request of the guarded type's size is not guarded. */
	mg_reset();
	KT_EXPECT_EQ(memguard_mtp_active, 0);
	p = malloc(100, M_MGTEST, M_WAITOK);
	KT_EXPECT(!is_memguard_addr(p));
	free(p, M_MGTEST);
	KT_EXPECT(is_memguard_addr((void *)memguard_base));
	KT_EXPECT(is_memguard_addr((void *)(memguard_end - 1)));
	KT_EXPECT(!is_memguard_addr((void *)memguard_end));
	KT_EXPECT(!is_memguard_addr((void *)(memguard_base - 1)));
	KT_EXPECT(!is_memguard_addr(NULL));
}
#endif /* DEBUG_MEMGUARD */
