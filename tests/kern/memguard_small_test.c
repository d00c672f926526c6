/*
 * MemGuard with a tiny map (booted with vm.memguard_divisor=1000, see
 * tests/plan.txt): when the map is full, a guarded type's requests fall
 * back to the normal allocator, counted in vm.memguard.fail_kva, and
 * nothing is lost: every block holds its contents, frees cleanly, and
 * the counters and the type's statistics come back to their baselines.
 * Freed ranges are released when room is needed, so the map serves again
 * after the frees.  Issue 6, "fallback when the submap is exhausted".
 *
 * Every case skips without DEBUG_MEMGUARD, or when the map is not tiny
 * (booted without the tunable).
 */
#include "opt_vm.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/sysctl.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/uma.h>
#include <vm/memguard.h>

#ifdef DEBUG_MEMGUARD
#define	MGS_ON	1
#else
#define	MGS_ON	0
#endif

MALLOC_DEFINE(M_MGSMALL, "mgsmall", "MemGuard tests: tiny map");

#define	MGS_MAX		512	/* blocks held at once, at most */

static u_long
mgs_get(const char *leaf)
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
mgs_set_desc(const char *s)
{
	return (kernel_sysctlbyname("vm.memguard.desc", NULL, NULL, s,
	    strlen(s) + 1));
}

/* Skip unless MemGuard is there with the tiny map of the plan line. */
static int
mgs_tiny(void)
{
	u_int divisor = 0;
	size_t len = sizeof(divisor);

	return (kernel_sysctlbyname("vm.memguard_divisor", &divisor, &len,
	    NULL, 0) == 0 && divisor == 1000);
}

#define	MGS_REQUIRE()	do {						\
	if (!MGS_ON)							\
		KT_SKIP("needs options DEBUG_MEMGUARD");		\
	if (!mgs_tiny())						\
		KT_SKIP("needs vm.memguard_divisor=1000 at boot");	\
} while (0)

struct mgs_stat {
	uint64_t	allocs, frees, memalloced, memfreed;
};

static struct mgs_stat
mgs_stat(struct malloc_type *type)
{
	struct mgs_stat s;
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

static void
mgs_fill(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + seed);
}

static size_t
mgs_check(const void *p, size_t n, uint8_t seed)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (uint8_t)(i * 7 + seed))
			return (i);
	return (n);
}

/*
 * The plan line boots with vm.memguard.desc=mgsmall as well: the loader
 * tunable selects the type from the first malloc on.
 */
KTEST(memguard_small, desc_from_boot)
{
	char buf[64];
	size_t len = sizeof(buf);
	void *p;

	MGS_REQUIRE();
	memset(buf, 0, sizeof(buf));
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.memguard.desc", buf, &len, NULL,
	    0), 0);
	if (strcmp(buf, "mgsmall") != 0)
		KT_SKIP("needs vm.memguard.desc=mgsmall at boot");
	p = malloc(50, M_MGSMALL, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(is_memguard_addr(p));
	KT_EXPECT_EQ(((vm_offset_t)p + roundup2(50, MEMGUARD_ALIGN)) %
	    PAGE_SIZE, 0);
	free(p, M_MGSMALL);
	KT_ASSERT_EQ(mgs_set_desc(""), 0);
}

/* The map is kmem_size / 1000, rounded to pages (at least 8 pages). */
KTEST(memguard_small, tiny_map)
{
	u_long kmem = 0, want;
	size_t len = sizeof(kmem);

	MGS_REQUIRE();
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.kmem_size", &kmem, &len, NULL,
	    0), 0);
	want = MAX(round_page(kmem / 1000), ptoa(8));
	KT_EXPECT_EQ(mgs_get("mapsize"), want);
	KT_EXPECT_LE(mgs_get("mapsize"), 32 * PAGE_SIZE);
}

static void	*mgs_blk[MGS_MAX];
static u_long	mgs_size[MGS_MAX];

/*
 * Allocate until fail_kva grows, then a few more: every request succeeds,
 * the ones MemGuard declined come from the normal allocator; all keep
 * their contents and free cleanly; numalloc/numfree/inuse and the type's
 * statistics balance; afterwards the map guards again.
 */
KTEST(memguard_small, fallback_when_full)
{
	struct mgs_stat s0, s1;
	u_long na0, nf0, iu0, fk0, guarded, fallback, extra, sum;
	void *p;
	int i, n;

	MGS_REQUIRE();
	KT_ASSERT_EQ(mgs_set_desc("mgsmall"), 0);
	s0 = mgs_stat(M_MGSMALL);
	na0 = mgs_get("numalloc");
	nf0 = mgs_get("numfree");
	iu0 = mgs_get("inuse");
	fk0 = mgs_get("fail_kva");
	guarded = fallback = sum = 0;
	extra = 0;
	for (n = 0; n < MGS_MAX && extra < 8; n++) {
		mgs_size[n] = 100 + (n % 5) * 900;	/* one page each */
		mgs_blk[n] = malloc(mgs_size[n], M_MGSMALL, M_WAITOK);
		KT_ASSERT_NOT_NULL(mgs_blk[n]);
		if (is_memguard_addr(mgs_blk[n])) {
			guarded++;
			KT_EXPECT_EQ(((vm_offset_t)mgs_blk[n] +
			    roundup2(mgs_size[n], MEMGUARD_ALIGN)) % PAGE_SIZE,
			    0);
		} else
			fallback++;
		KT_EXPECT_GE(malloc_usable_size(mgs_blk[n]), mgs_size[n]);
		mgs_fill(mgs_blk[n], mgs_size[n], (uint8_t)n);
		sum += mgs_size[n];
		if (mgs_get("fail_kva") != fk0)
			extra++;
	}
	KT_EXPECT_GT(mgs_get("fail_kva"), fk0);
	KT_EXPECT_GT(guarded, 0);
	KT_EXPECT_GE(fallback, 8);
	KT_EXPECT_EQ(mgs_get("fail_kva") - fk0, fallback);
	KT_EXPECT_EQ(mgs_get("numalloc") - na0, guarded);
	KT_EXPECT_EQ(mgs_get("inuse") - iu0, guarded);
	/* Live ranges, a data page and a guard page each, fit the map. */
	KT_EXPECT_LE(guarded * 2 * PAGE_SIZE, mgs_get("mapsize"));

	/* A request of more than half the map is never guarded. */
	p = malloc(mgs_get("mapsize"), M_MGSMALL, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(!is_memguard_addr(p));
	KT_EXPECT_EQ(mgs_get("fail_kva") - fk0, fallback + 1);
	mgs_fill(p, mgs_get("mapsize"), 99);
	KT_EXPECT_EQ(mgs_check(p, mgs_get("mapsize"), 99), mgs_get("mapsize"));
	sum += mgs_get("mapsize");
	free(p, M_MGSMALL);

	for (i = 0; i < n; i++) {
		KT_EXPECT_EQ(mgs_check(mgs_blk[i], mgs_size[i], (uint8_t)i),
		    mgs_size[i]);
		free(mgs_blk[i], M_MGSMALL);
	}
	KT_EXPECT_EQ(mgs_get("numfree") - nf0, guarded);
	KT_EXPECT_EQ(mgs_get("inuse"), iu0);
	s1 = mgs_stat(M_MGSMALL);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, (uint64_t)n + 1);
	KT_EXPECT_EQ(s1.frees - s0.frees, (uint64_t)n + 1);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced,
	    s1.memfreed - s0.memfreed);

	/*
	 * Room again: freed ranges are released as needed, so a full map's
	 * worth of guarded blocks, one at a time, never falls back.
	 */
	fk0 = mgs_get("fail_kva");
	for (i = 0; i < 4 * (int)guarded + 8; i++) {
		p = malloc(200, M_MGSMALL, M_WAITOK);
		KT_ASSERT_NOT_NULL(p);
		KT_EXPECT(is_memguard_addr(p));
		free(p, M_MGSMALL);
	}
	KT_EXPECT_EQ(mgs_get("fail_kva"), fk0);
	KT_EXPECT_GT(mgs_get("wrapcnt"), 0);
	KT_EXPECT_EQ(mgs_get("inuse"), iu0);
	(void)mgs_set_desc("");
}

/*
 * realloc of a guarded block to more than MemGuard can map: the new block
 * comes from the normal allocator (one fallback, counted once), the data
 * moves, the guarded block is freed, everything balances.
 */
KTEST(memguard_small, realloc_fallback)
{
	struct mgs_stat s0, s1;
	u_long fk0, iu0, na0, nf0, big;
	uint8_t *p, *q;

	MGS_REQUIRE();
	KT_ASSERT_EQ(mgs_set_desc("mgsmall"), 0);
	big = mgs_get("mapsize");
	s0 = mgs_stat(M_MGSMALL);
	iu0 = mgs_get("inuse");
	na0 = mgs_get("numalloc");
	nf0 = mgs_get("numfree");
	p = malloc(300, M_MGSMALL, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_ASSERT(is_memguard_addr(p));
	mgs_fill(p, 300, 11);
	fk0 = mgs_get("fail_kva");
	q = realloc(p, big, M_MGSMALL, M_WAITOK);
	KT_ASSERT_NOT_NULL(q);
	KT_EXPECT(!is_memguard_addr(q));
	KT_EXPECT_EQ(mgs_check(q, 300, 11), 300);
	KT_EXPECT_EQ(mgs_get("fail_kva") - fk0, 1);
	KT_EXPECT_EQ(mgs_get("inuse"), iu0);
	KT_EXPECT_EQ(pmap_kextract(trunc_page((vm_offset_t)p)), 0);
	free(q, M_MGSMALL);
	KT_EXPECT_EQ(mgs_get("numalloc") - na0, 1);
	KT_EXPECT_EQ(mgs_get("numfree") - nf0, 1);
	s1 = mgs_stat(M_MGSMALL);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, 2);
	KT_EXPECT_EQ(s1.frees - s0.frees, 2);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced,
	    s1.memfreed - s0.memfreed);
	(void)mgs_set_desc("");
}

/* The same with a zone: declined items come from the zone's slabs. */
KTEST(memguard_small, zone_fallback_when_full)
{
	uma_zone_t z;
	u_long fk0, iu0, guarded = 0, fallback = 0;
	int n, extra = 0;

	MGS_REQUIRE();
	KT_ASSERT_EQ(mgs_set_desc("mgszone"), 0);
	z = uma_zcreate("mgszone", 256, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	fk0 = mgs_get("fail_kva");
	iu0 = mgs_get("inuse");
	for (n = 0; n < MGS_MAX && extra < 8; n++) {
		mgs_blk[n] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(mgs_blk[n]);
		if (is_memguard_addr(mgs_blk[n]))
			guarded++;
		else
			fallback++;
		mgs_fill(mgs_blk[n], 256, (uint8_t)n);
		if (mgs_get("fail_kva") != fk0)
			extra++;
	}
	KT_EXPECT_GT(guarded, 0);
	KT_EXPECT_GE(fallback, 8);
	KT_EXPECT_EQ(mgs_get("fail_kva") - fk0, fallback);
	KT_EXPECT_EQ(uma_zone_get_cur(z), n);
	while (n-- > 0) {
		KT_EXPECT_EQ(mgs_check(mgs_blk[n], 256, (uint8_t)n), 256);
		uma_zfree(z, mgs_blk[n]);
	}
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	KT_EXPECT_EQ(mgs_get("inuse"), iu0);
	(void)mgs_set_desc("");
	uma_zdestroy(z);
}
