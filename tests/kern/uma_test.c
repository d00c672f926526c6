/*
 * UMA (uma(9)), tested from the contract in sys/vm/uma.h and the design
 * notes in sys/vm/uma_int.h: item geometry and alignment across slabs,
 * the exact number of ctor/dtor/init/fini and zinit/zfini calls, failing
 * ctors and inits, M_ZERO and UMA_ZONE_ZINIT, limits with M_NOWAIT and
 * M_WAITOK, secondary zones, refcounts, preallocation, private page
 * suppliers, reclaim, zdestroy, bucket exchange, alloc/free on every
 * CPU with cross-CPU frees, huge limits, refcount counters of reused
 * dirty slab headers, unbound migrating threads ending with exact
 * accounting of a zone and a malloc type, and the inline fast paths
 * (an owed preemption taken at their end, M_ZERO, a free on another CPU).
 *
 * Cases that count pages first empty every cache (ut_settle: uma_reclaim)
 * and compare vm_cnt.v_free_count with that baseline at the end.  The
 * death tests need options INVARIANTS; without it they skip.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/smp.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_page.h>
#include <vm/uma.h>
#include <vm/uma_int.h>

#ifdef INVARIANTS
#define	UT_INVARIANTS	1
#else
#define	UT_INVARIANTS	0
#endif

/* Items outstanding when their zone was destroyed (uma_core.c). */

#define	UT_MAXITEMS	4096
/*
 * Page-table pages that kmem_malloc may grow for multi-page slabs and
 * never gives back: the only slack allowed against a page baseline.
 */
#define	UT_PT_SLACK	3

static void	*ut_items[UT_MAXITEMS];
static uintptr_t ut_addrs[UT_MAXITEMS];
static uintptr_t ut_aux[UT_MAXITEMS];

/* Sleep-wait until *counter reaches want, up to about 20 s. */
static int
ut_wait_count(volatile u_int *counter, u_int want)
{
	int i;

	for (i = 0; i < 2000 && *counter < want; i++)
		pause("utwait", hz / 100 + 1);
	return (*counter >= want);
}

static volatile u_int ut_reaped;

static void
ut_reaper(void *arg __unused)
{
	atomic_add_int(&ut_reaped, 1);
	kthread_exit();
}

/*
 * Give back the stacks of exited threads: a new thread reaps them (see
 * kthread_add), then exits itself, so exactly one zombie is left.
 */
static void
ut_reap_threads(void)
{
	u_int n = ut_reaped;

	if (kthread_add(ut_reaper, NULL, NULL, NULL, 0, 0, "utreap") != 0)
		return;
	ut_wait_count(&ut_reaped, n + 1);
	pause("utreap", 2);
}

static struct uma_zone_stat
ut_stat(uma_zone_t zone)
{
	struct uma_zone_stat zs;

	memset(&zs, 0, sizeof(zs));
	uma_zone_stat(zone, &zs);
	return (zs);
}

/* Empty every cache and every empty slab; the free page count after. */
static u_int
ut_settle(void)
{
	uma_reclaim();
	return (vm_cnt.v_free_count);
}

/*
 * A page baseline: make and destroy a zone of this size first, so the
 * zone and keg structures, buckets and page tables that any new zone
 * needs already exist, then settle.
 */
static u_int
ut_baseline(size_t size)
{
	uma_zone_t z;

	z = uma_zcreate("uma test warmup", size, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	uma_zfree(z, uma_zalloc(z, M_WAITOK));
	uma_zdestroy(z);
	return (ut_settle());
}

/* Shell sort, ascending. */
static void
ut_sort(uintptr_t *a, int n)
{
	static const int gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
	uintptr_t v;
	size_t g;
	int gap, i, j;

	for (g = 0; g < nitems(gaps); g++) {
		gap = gaps[g];
		for (i = gap; i < n; i++) {
			v = a[i];
			for (j = i; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
	}
}

/* Sorted addresses of size-byte objects: how many overlap the next. */
static int
ut_overlaps(const uintptr_t *a, int n, size_t size)
{
	int i, bad = 0;

	for (i = 0; i + 1 < n; i++)
		bad += a[i] + size > a[i + 1];
	return (bad);
}

/* Distinct values in a sorted array. */
static int
ut_distinct(const uintptr_t *a, int n)
{
	int i, d = n > 0;

	for (i = 1; i < n; i++)
		d += a[i] != a[i - 1];
	return (d);
}

static uint8_t
ut_pat(int i)
{
	return ((uint8_t)(i * 7 + 0x5a) | 1);
}

/* Bytes of [p, p + size) that differ from c. */
static int
ut_count_not(const void *p, size_t size, uint8_t c)
{
	const uint8_t *b = p;
	size_t i;
	int bad = 0;

	for (i = 0; i < size; i++)
		bad += b[i] != c;
	return (bad);
}

/*
 * Callbacks that count their calls and check the item lifecycle through
 * the first three words of an item: keg init stamps word 0 (and clears
 * 1 and 2), zinit stamps word 1, ctor marks word 2 live and dtor dead.
 */
#define	UT_INIT_MAGIC	0x1417a11d1417a11dUL
#define	UT_ZINIT_MAGIC	0x2217a11d2217a11dUL
#define	UT_LIVE		0x11fe11fe11fe11feUL
#define	UT_DEAD		0xdeadbeefdeadbeefUL

static struct {
	volatile u_int	ctor, dtor, init, init_ok, fini, zinit, zfini;
	volatile u_int	bad;		/* order or argument violations */
	u_int		size;		/* the size the callbacks must see */
	int		want_init;	/* the keg has ut_init */
	int		want_zinit;	/* the zone has ut_zinit */
	int		ctor_fail;	/* ctor calls still to fail */
	u_int		init_fail_at;	/* this init call fails, 0: none */
	void		*ctor_arg, *dtor_arg;
} cb;

static void
ut_cb_reset(u_int size, int want_init, int want_zinit)
{
	memset(__DEVOLATILE(void *, &cb), 0, sizeof(cb));
	cb.size = size;
	cb.want_init = want_init;
	cb.want_zinit = want_zinit;
}

static int
ut_ctor(void *mem, int size, void *arg, int flags __unused)
{
	uint64_t *w = mem;

	atomic_add_int(&cb.ctor, 1);
	cb.ctor_arg = arg;
	if (cb.ctor_fail > 0) {
		cb.ctor_fail--;
		return (ENOMEM);
	}
	if ((u_int)size != cb.size)
		atomic_add_int(&cb.bad, 1);
	if (cb.want_init && (w[0] != UT_INIT_MAGIC || w[2] == UT_LIVE))
		atomic_add_int(&cb.bad, 1);
	if (cb.want_zinit && w[1] != UT_ZINIT_MAGIC)
		atomic_add_int(&cb.bad, 1);
	w[2] = UT_LIVE;
	return (0);
}

static void
ut_dtor(void *mem, int size, void *arg)
{
	uint64_t *w = mem;

	atomic_add_int(&cb.dtor, 1);
	cb.dtor_arg = arg;
	if ((u_int)size != cb.size || w[2] != UT_LIVE)
		atomic_add_int(&cb.bad, 1);
	w[2] = UT_DEAD;
}

static int
ut_init(void *mem, int size, int flags __unused)
{
	uint64_t *w = mem;
	u_int n;

	n = atomic_fetchadd_int(&cb.init, 1) + 1;
	if ((u_int)size != cb.size)
		atomic_add_int(&cb.bad, 1);
	if (n == cb.init_fail_at)
		return (ENOMEM);
	w[0] = UT_INIT_MAGIC;
	w[1] = 0;
	w[2] = 0;
	atomic_add_int(&cb.init_ok, 1);
	return (0);
}

static void
ut_fini(void *mem, int size)
{
	uint64_t *w = mem;

	atomic_add_int(&cb.fini, 1);
	if ((u_int)size != cb.size || w[0] != UT_INIT_MAGIC ||
	    w[1] == UT_ZINIT_MAGIC || w[2] == UT_LIVE)
		atomic_add_int(&cb.bad, 1);
	w[0] = 0;
}

static int
ut_zinit(void *mem, int size, int flags __unused)
{
	uint64_t *w = mem;

	atomic_add_int(&cb.zinit, 1);
	if ((u_int)size != cb.size || w[1] == UT_ZINIT_MAGIC ||
	    (cb.want_init && w[0] != UT_INIT_MAGIC))
		atomic_add_int(&cb.bad, 1);
	w[1] = UT_ZINIT_MAGIC;
	return (0);
}

static void
ut_zfini(void *mem, int size)
{
	uint64_t *w = mem;

	atomic_add_int(&cb.zfini, 1);
	if ((u_int)size != cb.size || w[1] != UT_ZINIT_MAGIC ||
	    w[2] == UT_LIVE)
		atomic_add_int(&cb.bad, 1);
	w[1] = 0;
}

/*
 * Geometry: for several sizes and alignments, the layout (written out:
 * one-byte index entries put 238 16-byte items on one page), and more
 * items than fill three slabs, each aligned, at an item boundary of a
 * slab of the zone's keg, clear of the slab header, pairwise disjoint,
 * and holding what was written into it.
 */
KTEST(uma, items_aligned_disjoint_across_slabs)
{
	static const struct {
		uint32_t	size;
		int		align;
		uint32_t	flags;
		uint32_t	rsize, ppera, ipers;	/* expected, */
		int		offpage;		/* literally */
	} g[] = {
		{ 1, UMA_ALIGN_CHAR, 0,			16, 1, 238, 0 },
		{ 16, UMA_ALIGN_PTR, 0,			16, 1, 238, 0 },
		{ 24, UMA_ALIGN_LONG, 0,		24, 1, 162, 0 },
		{ 33, UMA_ALIGN_CHAR, 0,		33, 1, 119, 0 },
		{ 100, UMA_ALIGN_INT, 0,		100, 1, 40, 0 },
		{ 200, UMA_ALIGN_SHORT, 0,		200, 1, 20, 0 },
		{ 64, UMA_ALIGN_CACHE, 0,		64, 1, 62, 0 },
		{ 100, UMA_ALIGN_CACHE, 0,		128, 1, 32, 1 },
		{ 256, UMA_ALIGN_PTR, UMA_ZONE_OFFPAGE,	256, 1, 16, 1 },
		{ 1000, UMA_ALIGN_PTR, 0,		1000, 1, 4, 0 },
		{ 2048, UMA_ALIGN_PTR, 0,		2048, 1, 2, 1 },
		{ 2048, UMA_ALIGN_CACHE, UMA_ZONE_REFCNT, 2048, 1, 2, 1 },
		{ 3000, UMA_ALIGN_PTR, 0,		3000, 3, 4, 0 },
		{ PAGE_SIZE, UMA_ALIGN_PTR, 0,		4096, 1, 1, 1 },
		{ 5000, UMA_ALIGN_PTR, 0,		5000, 5, 4, 0 },
		{ 9000, UMA_ALIGN_CACHE, 0,		9024, 9, 4, 0 },
		{ 3 * PAGE_SIZE, UMA_ALIGN_PTR, 0,	12288, 3, 1, 1 },
	};
	uint32_t rsize, ppera, ipers, size;
	int offpage, n, j, align, misaligned, corrupt, foreign, boundary;
	int hdr, colour, nslabs;
	u_int free0, free1;
	uintptr_t p;
	uma_zone_t z;
	uma_keg_t keg;
	uma_slab_t s;
	size_t i;

	free0 = ut_baseline(64);
	for (i = 0; i < nitems(g); i++) {
		size = g[i].size;
		align = g[i].align;
		z = uma_zcreate("uma test geometry", size, NULL, NULL, NULL,
		    NULL, align, g[i].flags);
		KT_ASSERT_NOT_NULL(z);
		keg = z->uz_keg;
		KT_EXPECT_EQ(uma_zone_size(z), size);
		KT_EXPECT_STREQ(uma_zone_name(z), "uma test geometry");
		KT_EXPECT_GE(keg->uk_rsize, size);
		KT_EXPECT_EQ(keg->uk_rsize & align, 0);
		KT_ASSERT_GT(keg->uk_ipers, 0);
		KT_ASSERT_GT(keg->uk_ppera, 0);
		KT_EXPECT_LE(keg->uk_ppera, UMA_MAX_PPERA);
		KT_EXPECT_LE((uint64_t)keg->uk_ipers * keg->uk_rsize,
		    (uint64_t)keg->uk_ppera * PAGE_SIZE);
		rsize = ppera = ipers = 0;
		offpage = -1;
		uma_keg_geometry(size, align, g[i].flags, &rsize, &ppera,
		    &ipers, &offpage);
		KT_EXPECT_EQ(rsize, keg->uk_rsize);
		KT_EXPECT_EQ(ppera, keg->uk_ppera);
		KT_EXPECT_EQ(ipers, keg->uk_ipers);
		KT_EXPECT_EQ(offpage != 0, keg->uk_slabzone != NULL);
		KT_EXPECT_EQ(keg->uk_rsize, g[i].rsize);
		KT_EXPECT_EQ(keg->uk_ppera, g[i].ppera);
		KT_EXPECT_EQ(keg->uk_ipers, g[i].ipers);
		KT_EXPECT_EQ(keg->uk_slabzone != NULL, g[i].offpage);
		if ((g[i].flags & UMA_ZONE_OFFPAGE) != 0)
			KT_EXPECT_NOT_NULL(keg->uk_slabzone);
		if (keg->uk_slabzone != NULL)
			KT_EXPECT_LE(keg->uk_ipers, UMA_OFFPAGE_MAXIPERS);

		n = imin(3 * keg->uk_ipers + 1, UT_MAXITEMS);
		misaligned = corrupt = foreign = boundary = hdr = colour = 0;
		for (j = 0; j < n; j++) {
			ut_items[j] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(ut_items[j]);
			misaligned += ((uintptr_t)ut_items[j] & align) != 0;
			memset(ut_items[j], ut_pat(j), size);
		}
		for (j = 0; j < n; j++) {
			p = (uintptr_t)ut_items[j];
			corrupt += ut_count_not(ut_items[j], size,
			    ut_pat(j)) != 0;
			ut_addrs[j] = p;
			s = uma_item_slab(ut_items[j]);
			ut_aux[j] = (uintptr_t)s;
			if (s == NULL || s->us_keg != keg) {
				foreign++;
				continue;
			}
			/* Every page of a slab leads to its header. */
			if (uma_item_slab((void *)(p + size - 1)) != s)
				boundary++;
			if (p < (uintptr_t)s->us_data ||
			    (p - (uintptr_t)s->us_data) % keg->uk_rsize != 0 ||
			    slab_item_index(keg, s, ut_items[j]) >=
			    (int)keg->uk_ipers)
				boundary++;
			if ((uintptr_t)s < p + size &&
			    (uintptr_t)s + keg->uk_hdrsize > p)
				hdr++;
			/* A colour is a multiple of the cache line. */
			if (keg->uk_ppera == 1 && ((uintptr_t)s->us_data &
			    PAGE_MASK) % CACHE_LINE_SIZE != 0)
				colour++;
		}
		KT_EXPECT_EQ(misaligned, 0);
		KT_EXPECT_EQ(corrupt, 0);
		KT_EXPECT_EQ(foreign, 0);
		KT_EXPECT_EQ(boundary, 0);
		KT_EXPECT_EQ(hdr, 0);
		KT_EXPECT_EQ(colour, 0);
		ut_sort(ut_addrs, n);
		KT_EXPECT_EQ(ut_overlaps(ut_addrs, n, size), 0);
		ut_sort(ut_aux, n);
		nslabs = ut_distinct(ut_aux, n);
		KT_EXPECT_GE(nslabs, (int)howmany(n, keg->uk_ipers));
		KT_EXPECT_GE(ut_stat(z).zs_pages, nslabs * keg->uk_ppera);
		/* Successive slabs use different colours when there are some. */
		if (keg->uk_colors > 1 && keg->uk_ppera == 1 &&
		    keg->uk_slabzone == NULL) {
			for (j = 0; j < n; j++)
				ut_aux[j] = (uintptr_t)uma_item_slab(
				    ut_items[j])->us_data & PAGE_MASK;
			ut_sort(ut_aux, n);
			KT_EXPECT_GE(ut_distinct(ut_aux, n), 2);
		}
		KT_EXPECT_EQ(uma_zone_get_cur(z), n);
		for (j = 0; j < n; j++)
			uma_zfree(z, ut_items[j]);
		KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
		uma_zdestroy(z);
	}
	free1 = ut_settle();
	KT_EXPECT_GE(free1 + UT_PT_SLACK, free0);
}

/*
 * ctor/dtor run once per allocation and free, with the caller's arg and
 * the zone's size; keg init runs uk_ipers times per slab made, fini once
 * per item of a slab released (uma_zone_drain, uma_zdestroy); every item
 * is inited before its ctor and destructed before its fini.
 */
KTEST(uma, ctor_dtor_init_fini_counts)
{
	static int arg_alloc, arg_free;
	int j, n;
	u_int free0, ipers, slabs;
	uma_zone_t z;
	uma_keg_t keg;

	free0 = ut_baseline(128);
	ut_cb_reset(128, 1, 0);
	z = uma_zcreate("uma test callbacks", 128, ut_ctor, ut_dtor, ut_init,
	    ut_fini, UMA_ALIGN_PTR, 0);
	keg = z->uz_keg;
	ipers = keg->uk_ipers;
	KT_EXPECT_EQ(cb.init, 0);
	KT_EXPECT_EQ(keg->uk_slabs, 0);

	ut_items[0] = uma_zalloc_arg(z, &arg_alloc, M_WAITOK);
	KT_ASSERT_NOT_NULL(ut_items[0]);
	KT_EXPECT_EQ(cb.ctor, 1);
	KT_EXPECT_EQ((uintptr_t)cb.ctor_arg, (uintptr_t)&arg_alloc);
	KT_EXPECT_GE(keg->uk_slabs, 1);
	KT_EXPECT_EQ(cb.init, keg->uk_slabs * ipers);

	n = 3 * ipers + 5;
	for (j = 1; j < n; j++) {
		ut_items[j] = uma_zalloc_arg(z, &arg_alloc, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	KT_EXPECT_EQ(cb.ctor, n);
	KT_EXPECT_EQ(cb.dtor, 0);
	KT_EXPECT_EQ(cb.init - cb.fini, keg->uk_slabs * ipers);
	KT_EXPECT_GE(cb.init_ok, n);
	KT_EXPECT_EQ(uma_zone_get_cur(z), n);

	/* Half back and out again: ctor/dtor each time, init never. */
	slabs = keg->uk_slabs;
	for (j = 0; j < n; j += 2)
		uma_zfree_arg(z, ut_items[j], &arg_free);
	KT_EXPECT_EQ(cb.dtor, (n + 1) / 2);
	KT_EXPECT_EQ((uintptr_t)cb.dtor_arg, (uintptr_t)&arg_free);
	for (j = 0; j < n; j += 2)
		ut_items[j] = uma_zalloc(z, M_WAITOK);
	KT_EXPECT_EQ(cb.ctor, n + (n + 1) / 2);
	KT_EXPECT_NULL(cb.ctor_arg);
	KT_EXPECT_EQ(keg->uk_slabs, slabs);
	KT_EXPECT_EQ(cb.init - cb.fini, keg->uk_slabs * ipers);

	for (j = 0; j < n; j++)
		uma_zfree(z, ut_items[j]);
	KT_EXPECT_EQ(cb.dtor, cb.ctor);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	KT_EXPECT_EQ(cb.init - cb.fini, keg->uk_slabs * ipers);

	/* Drain: every slab released, every item finied. */
	uma_zone_drain(z);
	KT_EXPECT_EQ(keg->uk_slabs, 0);
	KT_EXPECT_EQ(ut_stat(z).zs_pages, 0);
	KT_EXPECT_EQ(ut_stat(z).zs_cached, 0);
	KT_EXPECT_EQ(cb.fini, cb.init);

	/* A new slab after the drain: exactly ipers more inits. */
	ut_items[0] = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(ut_items[0]);
	KT_EXPECT_GE(keg->uk_slabs, 1);
	KT_EXPECT_EQ(cb.init - cb.fini, keg->uk_slabs * ipers);
	uma_zfree(z, ut_items[0]);
	uma_zdestroy(z);
	KT_EXPECT_EQ(cb.fini, cb.init);
	KT_EXPECT_EQ(cb.dtor, cb.ctor);
	KT_EXPECT_EQ(cb.bad, 0);
	KT_EXPECT_EQ(ut_settle(), free0);
}

/*
 * A secondary zone shares its master's keg, slabs and limit, with its own
 * ctor/dtor, zinit/zfini and statistics.  zinit runs as an item moves
 * from the keg into the zone's caches, zfini as it goes back.
 */
KTEST(uma, secondary_zone_shares_keg)
{
	int j;
	u_int free0, ipers;
	uma_zone_t m, s;
	uma_keg_t keg;
	struct uma_zone_stat zm, zs;
	void *mi[5], *si[7];

	free0 = ut_baseline(256);
	ut_cb_reset(256, 1, 1);
	m = uma_zcreate("uma test master", 256, NULL, NULL, ut_init, ut_fini,
	    UMA_ALIGN_PTR, 0);
	s = uma_zsecond_create("uma test secondary", ut_ctor, ut_dtor,
	    ut_zinit, ut_zfini, m);
	KT_ASSERT_NOT_NULL(s);
	keg = m->uz_keg;
	ipers = keg->uk_ipers;
	KT_EXPECT_EQ((uintptr_t)s->uz_keg, (uintptr_t)keg);
	KT_EXPECT((s->uz_flags & UMA_ZONE_SECONDARY) != 0);
	KT_EXPECT((m->uz_flags & UMA_ZONE_SECONDARY) == 0);
	KT_EXPECT_EQ(uma_zone_size(s), 256);
	KT_EXPECT_STREQ(uma_zone_name(s), "uma test secondary");
	KT_EXPECT_EQ((uintptr_t)uma_zone_find("uma test secondary"),
	    (uintptr_t)s);
	KT_EXPECT_EQ((uintptr_t)TAILQ_FIRST(&keg->uk_zones), (uintptr_t)m);
	KT_EXPECT_EQ(ut_stat(m).zs_secondary, 0);
	KT_EXPECT_NE(ut_stat(s).zs_secondary, 0);
	/* Zone locks carry the zone's name, the keg's its first zone's. */
	KT_EXPECT_STREQ(mtx_name(&m->uz_lock), "uma test master");
	KT_EXPECT_STREQ(mtx_name(&s->uz_lock), "uma test secondary");
	KT_EXPECT_STREQ(mtx_name(&keg->uk_lock), "uma test master");
	KT_EXPECT_STREQ(keg->uk_name, "uma test master");

	for (j = 0; j < 5; j++)
		mi[j] = uma_zalloc(m, M_WAITOK);
	for (j = 0; j < 7; j++)
		si[j] = uma_zalloc(s, M_WAITOK);
	for (j = 0; j < 5; j++)
		KT_EXPECT_EQ((uintptr_t)uma_item_slab(mi[j])->us_keg,
		    (uintptr_t)keg);
	for (j = 0; j < 7; j++)
		KT_EXPECT_EQ((uintptr_t)uma_item_slab(si[j])->us_keg,
		    (uintptr_t)keg);
	/* The master's allocations ran no secondary callback. */
	KT_EXPECT_EQ(cb.ctor, 7);
	KT_EXPECT_EQ(cb.init - cb.fini, keg->uk_slabs * ipers);
	zm = ut_stat(m);
	zs = ut_stat(s);
	KT_EXPECT_EQ(zm.zs_allocs, 5);
	KT_EXPECT_EQ(zs.zs_allocs, 7);
	KT_EXPECT_EQ(zm.zs_used, 5);
	KT_EXPECT_EQ(zs.zs_used, 7);
	KT_EXPECT_EQ(uma_zone_get_cur(m), 5);
	KT_EXPECT_EQ(uma_zone_get_cur(s), 7);
	KT_EXPECT_EQ(zm.zs_pages, zs.zs_pages);
	KT_EXPECT_GE(cb.zinit, 7);
	KT_EXPECT_EQ(cb.zinit - cb.zfini, zs.zs_used + zs.zs_cached);

	for (j = 0; j < 7; j++)
		uma_zfree(s, si[j]);
	KT_EXPECT_EQ(cb.dtor, 7);
	zs = ut_stat(s);
	KT_EXPECT_EQ(zs.zs_frees, 7);
	KT_EXPECT_EQ(ut_stat(m).zs_frees, 0);
	KT_EXPECT_EQ(cb.zinit - cb.zfini, zs.zs_cached);
	uma_zone_drain(s);
	KT_EXPECT_EQ(ut_stat(s).zs_cached, 0);
	KT_EXPECT_EQ(cb.zfini, cb.zinit);

	for (j = 0; j < 5; j++)
		uma_zfree(m, mi[j]);
	uma_zone_drain(m);
	KT_EXPECT_EQ(keg->uk_slabs, 0);
	KT_EXPECT_EQ(cb.fini, cb.init);
	uma_zdestroy(s);
	uma_zdestroy(m);
	KT_EXPECT_EQ(cb.bad, 0);
	KT_EXPECT_EQ(ut_settle(), free0);
}

/*
 * The limit is per keg: the master's items exhaust the secondary, which
 * fails on its own statistics, and a free of the master (going straight
 * to the slabs at the limit) lets the secondary allocate again.
 */
KTEST(uma, secondary_zone_shares_limit)
{
	int eff, j;
	uma_zone_t m, s;
	void *p;

	sched_bind(curthread, 0);
	m = uma_zcreate("uma test lmaster", 512, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	s = uma_zsecond_create("uma test lsecond", NULL, NULL, NULL, NULL, m);
	eff = uma_zone_set_max(m, 10);
	KT_EXPECT_GE(eff, 10);
	KT_EXPECT_EQ(eff % m->uz_keg->uk_ipers, 0);
	KT_EXPECT_EQ(uma_zone_get_max(s), eff);
	KT_ASSERT_LE(eff, UT_MAXITEMS);
	for (j = 0; j < eff; j++) {
		ut_items[j] = uma_zalloc(m, M_NOWAIT);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	KT_EXPECT_NULL(uma_zalloc(m, M_NOWAIT));
	KT_EXPECT_NULL(uma_zalloc(s, M_NOWAIT));
	KT_EXPECT_NE(uma_zone_exhausted(s), 0);
	KT_EXPECT_EQ(ut_stat(m).zs_fails, 1);
	KT_EXPECT_EQ(ut_stat(s).zs_fails, 1);
	uma_zfree(m, ut_items[eff - 1]);
	p = uma_zalloc(s, M_NOWAIT);
	KT_EXPECT_EQ((uintptr_t)p, (uintptr_t)ut_items[eff - 1]);
	KT_EXPECT_EQ(uma_zone_get_cur(s), p != NULL);
	uma_zfree(s, p);
	for (j = 0; j < eff - 1; j++)
		uma_zfree(m, ut_items[j]);
	KT_EXPECT_EQ(uma_zone_get_cur(m), 0);
	uma_zdestroy(s);
	uma_zdestroy(m);
	sched_unbind(curthread);
}

/* A failing ctor makes uma_zalloc return NULL; the item is not lost. */
KTEST(uma, ctor_failure_returns_null_no_leak)
{
	int eff, j;
	uma_zone_t z;

	sched_bind(curthread, 0);
	ut_cb_reset(128, 0, 0);
	z = uma_zcreate("uma test ctorfail", 128, ut_ctor, ut_dtor, NULL,
	    NULL, UMA_ALIGN_PTR, 0);
	/* One slab's worth, so a lost item would show at the limit. */
	eff = uma_zone_set_max(z, 1);
	KT_EXPECT_EQ(eff, z->uz_keg->uk_ipers);
	KT_ASSERT_LE(eff, UT_MAXITEMS);

	cb.ctor_fail = 1;
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT));
	KT_EXPECT_EQ(cb.ctor, 1);
	KT_EXPECT_EQ(cb.dtor, 0);		/* no dtor without a ctor */
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	cb.ctor_fail = 1;
	KT_EXPECT_NULL(uma_zalloc(z, M_WAITOK));
	KT_EXPECT_EQ(cb.ctor, 2);
	KT_EXPECT_EQ(cb.dtor, 0);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	KT_EXPECT_EQ(ut_stat(z).zs_used, 0);

	/* Every item of the slab can still be had, then the limit holds. */
	for (j = 0; j < eff; j++) {
		ut_items[j] = uma_zalloc(z, M_NOWAIT);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	KT_EXPECT_EQ(uma_zone_get_cur(z), eff);
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT));
	KT_EXPECT_EQ(uma_zone_get_cur(z), eff);
	for (j = 0; j < eff; j++)
		uma_zfree(z, ut_items[j]);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	KT_EXPECT_EQ(cb.dtor, eff);
	KT_EXPECT_EQ(cb.ctor, eff + 2);	/* none at the limit */
	KT_EXPECT_EQ(cb.bad, 0);
	uma_zdestroy(z);
	sched_unbind(curthread);
}

/*
 * A failing keg init makes the allocation return NULL: the slab is given
 * back, and every item whose init succeeded is finied.
 */
KTEST(uma, init_failure_returns_null_no_leak)
{
	u_int free0;
	uma_zone_t z;
	uma_keg_t keg;
	void *p;

	free0 = ut_baseline(128);
	ut_cb_reset(128, 1, 0);
	z = uma_zcreate("uma test initfail", 128, NULL, NULL, ut_init,
	    ut_fini, UMA_ALIGN_PTR, 0);
	keg = z->uz_keg;
	KT_ASSERT_GE(keg->uk_ipers, 3);

	cb.init_fail_at = 3;
	p = uma_zalloc(z, M_NOWAIT);
	KT_EXPECT_NULL(p);
	uma_zfree(z, p);		/* if it came anyway */
	KT_EXPECT_GE(cb.init, 3);
	KT_EXPECT_EQ(cb.fini, cb.init_ok);
	KT_EXPECT_EQ(keg->uk_slabs, 0);
	KT_EXPECT_EQ(ut_stat(z).zs_pages, 0);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);

	cb.init_fail_at = cb.init + 1;
	p = uma_zalloc(z, M_WAITOK);
	KT_EXPECT_NULL(p);
	uma_zfree(z, p);
	KT_EXPECT_GE(cb.init, cb.init_fail_at);
	KT_EXPECT_EQ(cb.fini, cb.init_ok);
	KT_EXPECT_EQ(keg->uk_slabs, 0);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);

	cb.init_fail_at = 0;
	p = uma_zalloc(z, M_NOWAIT);
	KT_EXPECT_NOT_NULL(p);
	KT_EXPECT_GE(keg->uk_slabs, 1);
	KT_EXPECT_EQ(cb.init_ok - cb.fini, keg->uk_slabs * keg->uk_ipers);
	uma_zfree(z, p);
	uma_zdestroy(z);
	KT_EXPECT_EQ(cb.fini, cb.init_ok);
	KT_EXPECT_EQ(cb.bad, 0);
	KT_EXPECT_EQ(ut_settle(), free0);
}

/* A ctor that scribbles over the whole item. */
static int
ut_fill_ctor(void *mem, int size, void *arg __unused, int flags __unused)
{
	memset(mem, 0xab, size);
	return (0);
}

/* M_ZERO zeroes items that were dirtied and freed, after the ctor. */
KTEST(uma, mzero_after_dirty_use)
{
	static const uint32_t sizes[] = { 64, 3000, 5000 };
	int j, n, bad;
	size_t i;
	uma_zone_t z;

	for (i = 0; i < nitems(sizes); i++) {
		z = uma_zcreate("uma test mzero", sizes[i], NULL, NULL, NULL,
		    NULL, UMA_ALIGN_PTR, 0);
		n = imin(40, UT_MAXITEMS);
		for (j = 0; j < n; j++) {
			ut_items[j] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(ut_items[j]);
			memset(ut_items[j], 0xff, sizes[i]);
		}
		for (j = 0; j < n; j++)
			uma_zfree(z, ut_items[j]);
		bad = 0;
		for (j = 0; j < n; j++) {
			ut_items[j] = uma_zalloc(z, M_WAITOK | M_ZERO);
			KT_ASSERT_NOT_NULL(ut_items[j]);
			bad += ut_count_not(ut_items[j], sizes[i], 0) != 0;
		}
		KT_EXPECT_EQ(bad, 0);
		for (j = 0; j < n; j++)
			uma_zfree(z, ut_items[j]);
		uma_zdestroy(z);
	}

	/* The zeroing comes after the ctor. */
	z = uma_zcreate("uma test mzero ctor", 200, ut_fill_ctor, NULL, NULL,
	    NULL, UMA_ALIGN_PTR, 0);
	ut_items[0] = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(ut_items[0]);
	KT_EXPECT_EQ(ut_count_not(ut_items[0], 200, 0xab), 0);
	uma_zfree(z, ut_items[0]);
	ut_items[0] = uma_zalloc(z, M_NOWAIT | M_ZERO);
	KT_ASSERT_NOT_NULL(ut_items[0]);
	KT_EXPECT_EQ(ut_count_not(ut_items[0], 200, 0), 0);
	uma_zfree(z, ut_items[0]);
	uma_zdestroy(z);
}

/*
 * UMA_ZONE_ZINIT: items come zeroed from a dirty page.  The page supplier
 * hands out a page the test filled with 0xff first (ut_stash, below), so
 * the items checked are known to lie on dirty memory.
 */
static void	*ut_stash_allocf(uma_zone_t, vm_size_t, uint8_t *, int);
static void	ut_stash_freef(void *, vm_size_t, uint8_t);
static void	*ut_stash;
static volatile u_int ut_stash_hits;

KTEST(uma, zinit_zone_items_zeroed)
{
	int j, n, bad, onpage;
	uma_zone_t z;
	vm_page_t m;

	m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL | VM_ALLOC_WIRED);
	KT_ASSERT_NOT_NULL(m);
	ut_stash = (void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
	memset(ut_stash, 0xff, PAGE_SIZE);
	ut_stash_hits = 0;
	z = uma_zcreate("uma test zinit", 200, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, UMA_ZONE_ZINIT);
	KT_ASSERT_EQ(z->uz_keg->uk_ppera, 1);
	uma_zone_set_allocf(z, ut_stash_allocf);
	uma_zone_set_freef(z, ut_stash_freef);
	n = imin(3 * z->uz_keg->uk_ipers + 1, UT_MAXITEMS);
	bad = onpage = 0;
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
		bad += ut_count_not(ut_items[j], 200, 0) != 0;
		onpage += trunc_page((uintptr_t)ut_items[j]) ==
		    (uintptr_t)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
	}
	KT_EXPECT_EQ(ut_stash_hits, 1);
	KT_EXPECT_GT(onpage, 0);	/* items on the dirtied page */
	KT_EXPECT_EQ(bad, 0);
	for (j = 0; j < n; j++)
		uma_zfree(z, ut_items[j]);
	uma_zdestroy(z);
	if (ut_stash != NULL)
		vm_page_free(PHYS_TO_VM_PAGE(DMAP_TO_PHYS(
		    (vm_offset_t)ut_stash)));
	ut_stash = NULL;
}

/*
 * uma_zone_set_max rounds up to whole slabs and returns the effective
 * limit; M_NOWAIT at the limit fails and counts it; the warning is
 * printed at most once a second; uma_zone_set_max(0) lifts the limit.
 */
KTEST(uma, limit_nowait_fails_and_warns)
{
	int eff, ipers, req, j;
	uint64_t fails0;
	uma_zone_t z;
	void *p;

	sched_bind(curthread, 0);
	z = uma_zcreate("uma test limit", 256, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	ipers = z->uz_keg->uk_ipers;
	KT_EXPECT_EQ(uma_zone_get_max(z), 0);
	req = ipers + 1;
	eff = uma_zone_set_max(z, req);
	KT_EXPECT_EQ(eff, roundup(req, ipers));
	KT_EXPECT_EQ(uma_zone_get_max(z), eff);
	KT_EXPECT_EQ(ut_stat(z).zs_limit, eff);
	KT_ASSERT_LT(eff, UT_MAXITEMS);
	uma_zone_set_warning(z, "uma test: zone limit reached");
	fails0 = ut_stat(z).zs_fails;
	KT_EXPECT_EQ(fails0, 0);

	for (j = 0; j < eff; j++) {
		ut_items[j] = uma_zalloc(z, M_NOWAIT);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	KT_EXPECT_EQ(uma_zone_get_cur(z), eff);
	KT_EXPECT_EQ(ut_stat(z).zs_fails, 0);
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT));
	KT_EXPECT_EQ(ut_stat(z).zs_fails, 1);
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT));
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT | M_ZERO));
	KT_EXPECT_EQ(ut_stat(z).zs_fails, 3);
	KT_EXPECT_EQ(ut_stat(z).zs_warnings, 1);
	KT_EXPECT_NE(uma_zone_exhausted(z), 0);
	KT_EXPECT_EQ(ut_stat(z).zs_used, eff);
	KT_EXPECT_EQ(uma_zone_get_cur(z), eff);

	/* A second later the warning may be printed again, once. */
	pause("utwarn", hz + hz / 5);
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT));
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT));
	KT_EXPECT_EQ(ut_stat(z).zs_warnings, 2);
	KT_EXPECT_EQ(ut_stat(z).zs_fails, 5);

	/* One free makes room for exactly one. */
	uma_zfree(z, ut_items[0]);
	ut_items[0] = uma_zalloc(z, M_NOWAIT);
	KT_EXPECT_NOT_NULL(ut_items[0]);
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT));
	KT_EXPECT_EQ(ut_stat(z).zs_fails, 6);

	/* No limit: more than eff items. */
	KT_EXPECT_EQ(uma_zone_set_max(z, 0), 0);
	KT_EXPECT_EQ(uma_zone_get_max(z), 0);
	p = uma_zalloc(z, M_NOWAIT);
	KT_EXPECT_NOT_NULL(p);
	KT_EXPECT_EQ(uma_zone_exhausted(z), 0);
	uma_zfree(z, p);
	for (j = 0; j < eff; j++)
		uma_zfree(z, ut_items[j]);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	uma_zdestroy(z);
	sched_unbind(curthread);
}

/*
 * Huge limits (issue 9): rounding nitems up to whole slabs must not
 * overflow.  Up to INT_MAX the effective limit is a positive int, a
 * whole number of slabs, at most one slab short of the request (rounded
 * down only when rounding up would pass INT_MAX), and uma_zone_get_max()
 * and the statistics report the same number.  Geometries: many items per
 * one-page slab, an off-page refcount keg (the cluster zone's), and one
 * item per 16-page slab.
 */
KTEST(uma, limit_huge_values)
{
	static const struct {
		uint32_t	size, flags;
	} g[] = {
		{ 64, 0 },
		{ 2048, UMA_ZONE_REFCNT },
		{ 3000, 0 },
		{ 16 * PAGE_SIZE, 0 },
	};
	static const int req[] = { INT_MAX, INT_MAX - 1, INT_MAX / 2 + 1,
	    1 << 30, 2000000001 };
	int eff, ipers;
	size_t i, j;
	uma_zone_t z;
	void *p;

	for (i = 0; i < nitems(g); i++) {
		z = uma_zcreate("uma test huge limit", g[i].size, NULL, NULL,
		    NULL, NULL, UMA_ALIGN_PTR, g[i].flags);
		ipers = z->uz_keg->uk_ipers;
		for (j = 0; j < nitems(req); j++) {
			eff = uma_zone_set_max(z, req[j]);
			KT_EXPECT_GT(eff, 0);
			KT_EXPECT_EQ(eff % ipers, 0);
			KT_EXPECT_GT((int64_t)eff, (int64_t)req[j] - ipers);
			if ((int64_t)req[j] + ipers - 1 <= INT_MAX)
				KT_EXPECT_GE(eff, req[j]);
			KT_EXPECT_EQ(uma_zone_get_max(z), eff);
			KT_EXPECT_EQ(ut_stat(z).zs_limit, (uint32_t)eff);
			/* Far from the limit: allocations work. */
			KT_EXPECT_EQ(uma_zone_exhausted(z), 0);
			p = uma_zalloc(z, M_NOWAIT);
			KT_EXPECT_NOT_NULL(p);
			uma_zfree(z, p);
		}
		/* INT_MAX itself, for the cluster zone's geometry, literally. */
		if (g[i].size == 2048 && ipers == 2)
			KT_EXPECT_EQ(uma_zone_set_max(z, INT_MAX), 2147483646);
		KT_EXPECT_EQ(uma_zone_set_max(z, -1), 0);
		KT_EXPECT_EQ(uma_zone_get_max(z), 0);
		KT_EXPECT_EQ(ut_stat(z).zs_fails, 0);
		uma_zdestroy(z);
	}
}

/*
 * M_WAITOK at the limit sleeps (counted) until another thread frees an
 * item, then returns that item; never NULL.  If the sleeper is not woken
 * within seconds the helper drains the zone to rescue it, and the case
 * fails instead of hanging.
 */
static struct {
	uma_zone_t	zone;
	void		*item, *spare;
	uint64_t	sleeps0;
	volatile int	done, rescued, saw_sleeper;
	volatile u_int	exited;
} lw;

static void
ut_limit_freer(void *arg)
{
	int i;

	sched_bind(curthread, (int)(uintptr_t)arg);
	for (i = 0; i < 5 * hz; i++) {
		if (lw.zone->uz_keg->uk_sleepers > 0 ||
		    ut_stat(lw.zone).zs_sleeps > lw.sleeps0) {
			lw.saw_sleeper = 1;
			break;
		}
		pause("utfree", 1);
	}
	uma_zfree(lw.zone, lw.item);
	for (i = 0; i < 5 * hz && !lw.done; i++)
		pause("utfree", 1);
	if (!lw.done) {
		lw.rescued = 1;
		uma_zfree(lw.zone, lw.spare);
		uma_zone_drain(lw.zone);
	}
	atomic_add_int(&lw.exited, 1);
	kthread_exit();
}

KTEST(uma, limit_waitok_sleeps_until_free)
{
	int eff, j, other;
	uma_zone_t z;
	void *p;

	sched_bind(curthread, 0);
	z = uma_zcreate("uma test sleep", 256, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	eff = uma_zone_set_max(z, 1);
	KT_ASSERT_GE(eff, 2);
	KT_ASSERT_LE(eff, UT_MAXITEMS);
	for (j = 0; j < eff; j++) {
		ut_items[j] = uma_zalloc(z, M_NOWAIT);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	memset(&lw, 0, sizeof(lw));
	lw.zone = z;
	lw.item = ut_items[eff - 1];
	lw.spare = ut_items[eff - 2];
	lw.sleeps0 = ut_stat(z).zs_sleeps;
	KT_EXPECT_EQ(lw.sleeps0, 0);
	/* The freer runs on another CPU when there is one. */
	other = mp_ncpus > 1 ? 1 : 0;
	KT_ASSERT_EQ(kthread_add(ut_limit_freer, (void *)(uintptr_t)other,
	    NULL, NULL, 0, 0, "utfreer"), 0);
	p = uma_zalloc(z, M_WAITOK);
	lw.done = 1;
	KT_EXPECT(ut_wait_count(&lw.exited, 1));
	KT_EXPECT_NOT_NULL(p);
	KT_EXPECT_EQ(lw.rescued, 0);
	KT_EXPECT_EQ(lw.saw_sleeper, 1);
	/* The only free item of the keg was the one the helper freed. */
	if (!lw.rescued)
		KT_EXPECT_EQ((uintptr_t)p, (uintptr_t)lw.item);
	/*
	 * One sleep, counted once per msleep; msleep may return before the
	 * free (seen once in many runs on a loaded host: 2), and the
	 * allocator then sleeps again.
	 */
	KT_EXPECT_GE(ut_stat(z).zs_sleeps, 1);
	KT_EXPECT_LE(ut_stat(z).zs_sleeps, 3);
	KT_EXPECT_EQ(ut_stat(z).zs_fails, 0);
	KT_EXPECT_EQ(uma_zone_get_cur(z), eff - lw.rescued);
	KT_EXPECT_EQ(z->uz_keg->uk_sleepers, 0);
	uma_zfree(z, p);
	for (j = 0; j < eff - 1 - lw.rescued; j++)
		uma_zfree(z, ut_items[j]);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	uma_zdestroy(z);
	sched_unbind(curthread);
}

/*
 * UMA_ZONE_REFCNT: one distinct, stable, writable 32-bit counter per
 * item, in the slab header, clear of every item.
 */
KTEST(uma, refcnt_counter_per_item)
{
	static const uint32_t sizes[] = { 64, 2048 };
	uint32_t *r, *r2;
	int j, k, n, bad, overlap, same_slab, size;
	size_t i;
	uma_zone_t z;
	uma_keg_t keg;
	uma_slab_t s;

	for (i = 0; i < nitems(sizes); i++) {
		size = sizes[i];
		z = uma_zcreate("uma test refcnt", size, NULL, NULL, NULL,
		    NULL, UMA_ALIGN_PTR, UMA_ZONE_REFCNT);
		keg = z->uz_keg;
		if (keg->uk_slabzone != NULL)
			KT_EXPECT_EQ((uintptr_t)keg->uk_slabzone,
			    (uintptr_t)uma_zone_find("UMA RCntSlabs"));
		n = imin(2 * keg->uk_ipers + 1, UT_MAXITEMS / 2);
		bad = 0;
		for (j = 0; j < n; j++) {
			ut_items[j] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(ut_items[j]);
			r = uma_find_refcnt(z, ut_items[j]);
			KT_ASSERT_NOT_NULL(r);
			s = uma_item_slab(ut_items[j]);
			KT_ASSERT_NOT_NULL(s);
			if (r != uma_find_refcnt(z, ut_items[j]))
				bad++;		/* not stable */
			if (r != &slab_refcnts(keg, s)[slab_item_index(keg, s,
			    ut_items[j])])
				bad++;		/* not the slab's counter */
			if ((uintptr_t)r < (uintptr_t)s || (uintptr_t)(r + 1) >
			    (uintptr_t)s + keg->uk_hdrsize)
				bad++;		/* outside the header */
			ut_addrs[j] = (uintptr_t)r;
			ut_aux[j] = (uintptr_t)s;
			*r = 0xc0de0000 + j;
		}
		KT_EXPECT_EQ(bad, 0);
		/* Two items of one slab have different counters. */
		same_slab = 0;
		for (j = 1; j < n && keg->uk_ipers > 1; j++)
			for (k = 0; k < j; k++)
				if (ut_aux[j] == ut_aux[k]) {
					same_slab++;
					KT_EXPECT_NE(ut_addrs[j], ut_addrs[k]);
				}
		if (keg->uk_ipers > 1)
			KT_EXPECT_GT(same_slab, 0);
		/* No counter inside any item. */
		overlap = 0;
		for (j = 0; j < n; j++)
			for (k = 0; k < n; k++)
				overlap += ut_addrs[j] + sizeof(uint32_t) >
				    (uintptr_t)ut_items[k] && ut_addrs[j] <
				    (uintptr_t)ut_items[k] + size;
		KT_EXPECT_EQ(overlap, 0);
		memcpy(&ut_addrs[UT_MAXITEMS / 2], ut_addrs,
		    n * sizeof(ut_addrs[0]));
		ut_sort(&ut_addrs[UT_MAXITEMS / 2], n);
		KT_EXPECT_EQ(ut_overlaps(&ut_addrs[UT_MAXITEMS / 2], n,
		    sizeof(uint32_t)), 0);
		/* Scribbling over items leaves the counters alone. */
		for (j = 0; j < n; j++)
			memset(ut_items[j], 0xee, size);
		/* Free half, allocate again: the rest keep their values. */
		for (j = 0; j < n; j += 2)
			uma_zfree(z, ut_items[j]);
		for (j = 0; j < n; j += 2) {
			ut_items[j] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(ut_items[j]);
			r2 = uma_find_refcnt(z, ut_items[j]);
			*r2 = 0xc0de0000 + j;
			ut_addrs[j] = (uintptr_t)r2;
		}
		bad = 0;
		for (j = 0; j < n; j++) {
			r = uma_find_refcnt(z, ut_items[j]);
			bad += (uintptr_t)r != ut_addrs[j] ||
			    *r != 0xc0de0000 + (uint32_t)j;
		}
		KT_EXPECT_EQ(bad, 0);
		for (j = 0; j < n; j++)
			uma_zfree(z, ut_items[j]);
		uma_zdestroy(z);
	}
}

/*
 * A slab header is reused dirty: the page of an on-page header, or the
 * "UMA RCntSlabs" item of an off-page one, still holds the counters of
 * the slab it served before.  A new slab's counters must start at zero
 * all the same.  The page supplier keeps the first page given back and
 * hands it out again, so the on-page case really reuses a page whose
 * header counters the test had set; the off-page headers come back from
 * their internal zone last in, first out.  The test checks that a
 * header was reused and that it was dirty before being reused.
 */
static void *
ut_stash_allocf(uma_zone_t zone __unused, vm_size_t size, uint8_t *pflag,
    int wait __unused)
{
	vm_page_t m;
	void *p;

	if (size != PAGE_SIZE)
		return (NULL);
	*pflag = UMA_SLAB_PRIV;
	if ((p = ut_stash) != NULL) {
		ut_stash = NULL;
		atomic_add_int(&ut_stash_hits, 1);
		return (p);
	}
	m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL | VM_ALLOC_WIRED);
	return (m != NULL ? (void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)) : NULL);
}

static void
ut_stash_freef(void *item, vm_size_t size __unused, uint8_t pflag __unused)
{
	if (ut_stash == NULL) {
		ut_stash = item;
		return;
	}
	vm_page_free(PHYS_TO_VM_PAGE(DMAP_TO_PHYS((vm_offset_t)item)));
}

#define	UT_NHDR		16

KTEST(uma, refcnt_zero_in_reused_dirty_header)
{
	static const uint32_t sizes[] = { 128, 2048 };
	uma_slab_t hdr[UT_NHDR], s;
	uint32_t *r;
	int j, k, n, nhdr, dirty, reused, bad, offpage;
	size_t i;
	uma_zone_t z;
	uma_keg_t keg;

	for (i = 0; i < nitems(sizes); i++) {
		z = uma_zcreate("uma test refcnt reuse", sizes[i], NULL, NULL,
		    NULL, NULL, UMA_ALIGN_PTR, UMA_ZONE_REFCNT);
		keg = z->uz_keg;
		KT_ASSERT_EQ(keg->uk_ppera, 1);
		offpage = (keg->uk_flags & UMA_ZONE_OFFPAGE) != 0;
		/* 128-byte items keep the header on the page, 2048 off it. */
		KT_EXPECT_EQ(offpage, sizes[i] == 2048);
		ut_stash = NULL;
		ut_stash_hits = 0;
		uma_zone_set_allocf(z, ut_stash_allocf);
		uma_zone_set_freef(z, ut_stash_freef);
		n = imin(2 * keg->uk_ipers, UT_MAXITEMS);
		nhdr = 0;
		for (j = 0; j < n; j++) {
			ut_items[j] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(ut_items[j]);
			*uma_find_refcnt(z, ut_items[j]) = 0xc0de0000 + j;
			s = uma_item_slab(ut_items[j]);
			for (k = 0; k < nhdr && hdr[k] != s; k++)
				;
			if (k == nhdr && nhdr < UT_NHDR)
				hdr[nhdr++] = s;
		}
		for (j = 0; j < n; j++)
			uma_zfree(z, ut_items[j]);
		/* Every slab goes back; the first page is kept in ut_stash. */
		uma_zone_drain(z);
		KT_EXPECT_EQ(keg->uk_slabs, 0);
		KT_ASSERT_NOT_NULL(ut_stash);
		dirty = 0;
		for (k = 0; k < nhdr; k++) {
			if (!offpage && trunc_page((uintptr_t)hdr[k]) !=
			    (uintptr_t)ut_stash)
				continue;
			r = slab_refcnts(keg, hdr[k]);
			for (j = 0; j < (int)keg->uk_ipers; j++)
				dirty += r[j] != 0;
		}
		KT_EXPECT_GT(dirty, 0);

		reused = bad = 0;
		for (j = 0; j < n; j++) {
			ut_items[j] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(ut_items[j]);
			bad += *uma_find_refcnt(z, ut_items[j]) != 0;
			s = uma_item_slab(ut_items[j]);
			for (k = 0; k < nhdr; k++)
				reused += hdr[k] == s;
		}
		KT_EXPECT_EQ(ut_stash_hits, 1);
		KT_EXPECT_GT(reused, 0);
		KT_EXPECT_EQ(bad, 0);
		for (j = 0; j < n; j++)
			uma_zfree(z, ut_items[j]);
		uma_zdestroy(z);
		if (ut_stash != NULL)
			vm_page_free(PHYS_TO_VM_PAGE(DMAP_TO_PHYS(
			    (vm_offset_t)ut_stash)));
		ut_stash = NULL;
	}
}

/*
 * uma_reclaim empties every CPU's cache and the bucket lists and gives
 * empty slabs back (not for UMA_ZONE_NOFREE); so does the sysctl
 * vm.uma_reclaim=1.  Destroying the last zone of a keg releases its
 * slabs, NOFREE or not.
 */
KTEST(uma, reclaim_returns_pages)
{
	int cpu, j, n, share, one = 1;
	u_int base, free0, before, after, nfpages, pages;
	uma_zone_t z, nofree;

	base = ut_baseline(64);
	z = uma_zcreate("uma test reclaim", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	nofree = uma_zcreate("uma test nofree", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, UMA_ZONE_NOFREE);
	free0 = ut_settle();
	nfpages = ut_stat(nofree).zs_pages;
	n = 2000;

	/*
	 * The NOFREE zone first: its growth may trim (uma_int.h 4a) what
	 * the other zone would have cached had it come first.
	 */
	sched_bind(curthread, 0);
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(nofree, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	for (j = 0; j < n; j++)
		uma_zfree(nofree, ut_items[j]);

	/* Allocate on CPU 0, free a share on every CPU: caches everywhere. */
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	share = howmany(n, mp_ncpus);
	j = 0;
	CPU_FOREACH(cpu) {
		sched_bind(curthread, cpu);
		for (; j < n && j < (cpu + 1) * share; j++)
			uma_zfree(z, ut_items[j]);
	}
	sched_bind(curthread, 0);
	for (; j < n; j++)
		uma_zfree(z, ut_items[j]);
	sched_unbind(curthread);
	pages = ut_stat(z).zs_pages;
	KT_EXPECT_GE(pages, n * 64 / PAGE_SIZE);
	KT_EXPECT_EQ(ut_stat(z).zs_used, 0);
	nfpages = ut_stat(nofree).zs_pages;
	KT_EXPECT_GE(nfpages, n * 64 / PAGE_SIZE);

	before = vm_cnt.v_free_count;
	uma_reclaim();
	after = vm_cnt.v_free_count;
	KT_EXPECT_GE(after, before + pages);
	KT_EXPECT_EQ(ut_stat(z).zs_pages, 0);
	KT_EXPECT_EQ(ut_stat(z).zs_cached, 0);
	KT_EXPECT_EQ(ut_stat(z).zs_kegfree, 0);
	KT_EXPECT_EQ(z->uz_keg->uk_slabs, 0);
	KT_EXPECT_EQ(ut_stat(nofree).zs_pages, nfpages);
	KT_EXPECT_EQ(ut_stat(nofree).zs_cached, 0);
	/* All that is held now is the NOFREE zone's pages. */
	KT_EXPECT_EQ(after + nfpages, free0);

	/* The same through sysctl. */
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	for (j = 0; j < n; j++)
		uma_zfree(z, ut_items[j]);
	KT_EXPECT_GT(ut_stat(z).zs_pages, 0);
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.uma_reclaim", NULL, NULL, &one,
	    sizeof(one)), 0);
	KT_EXPECT_EQ(ut_stat(z).zs_pages, 0);
	KT_EXPECT_EQ(vm_cnt.v_free_count + nfpages, free0);
	uma_zdestroy(z);
	uma_zdestroy(nofree);
	KT_EXPECT_EQ(ut_settle(), base);
}

/* uma_zdestroy reports items still allocated and counts them. */
KTEST(uma, zdestroy_with_items_outstanding_diagnosed)
{
	u_long leaked0;
	uma_zone_t z;
	void *p[5];
	int j;

	leaked0 = uma_leaked_items;
	z = uma_zcreate("uma test leak", 96, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	for (j = 0; j < 5; j++) {
		p[j] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(p[j]);
	}
	uma_zfree(z, p[1]);
	uma_zfree(z, p[3]);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 3);
	uma_zdestroy(z);
	KT_EXPECT_EQ(uma_leaked_items, leaked0 + 3);
	KT_EXPECT_NULL(uma_zone_find("uma test leak"));
}

/* uma_zdestroy of an empty zone gives its pages back. */
KTEST(uma, zdestroy_empty_zone_returns_pages)
{
	u_int free0, before, pages;
	uma_zone_t z;
	int j, n = 200;

	free0 = ut_baseline(512);
	z = uma_zcreate("uma test destroy", 512, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	for (j = 0; j < n; j++)
		uma_zfree(z, ut_items[j]);
	pages = ut_stat(z).zs_pages;
	KT_EXPECT_GE(pages, n * 512 / PAGE_SIZE);
	before = vm_cnt.v_free_count;
	uma_zdestroy(z);
	KT_EXPECT_GE(vm_cnt.v_free_count, before + pages);
	KT_EXPECT_NULL(uma_zone_find("uma test destroy"));
	KT_EXPECT_EQ(ut_settle(), free0);
}

/* uma_zfree(zone, NULL) does nothing: no dtor, no count. */
KTEST(uma, zfree_null_does_nothing)
{
	struct uma_zone_stat zs0, zs1;
	static int arg;
	uma_zone_t z;

	ut_cb_reset(64, 0, 0);
	z = uma_zcreate("uma test null", 64, ut_ctor, ut_dtor, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	zs0 = ut_stat(z);
	uma_zfree(z, NULL);
	uma_zfree_arg(z, NULL, &arg);
	zs1 = ut_stat(z);
	KT_EXPECT_EQ(cb.dtor, 0);
	KT_EXPECT_EQ(zs1.zs_frees, zs0.zs_frees);
	KT_EXPECT_EQ(zs1.zs_allocs, zs0.zs_allocs);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	/* The zone still works. */
	ut_items[0] = uma_zalloc(z, M_WAITOK);
	KT_EXPECT_NOT_NULL(ut_items[0]);
	uma_zfree(z, ut_items[0]);
	KT_EXPECT_EQ(cb.dtor, 1);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	uma_zdestroy(z);
}

static int
ut_sysctl_int(const char *name, int64_t *val)
{
	union {
		int32_t	i;
		int64_t	l;
	} u;
	size_t len = sizeof(u);
	int error;

	u.l = 0;
	error = kernel_sysctlbyname(name, &u, &len, NULL, 0);
	if (error == 0)
		*val = len == sizeof(int32_t) ? u.i : u.l;
	return (error);
}

static char ut_text[65536];

/*
 * UMA builds itself from its own zones, which uma_zone_find knows; they
 * are internal (no per-CPU caches).  New zones are found, counted in
 * vm.zone_count and listed in vm.zone until destroyed.
 */
KTEST(uma, bootstrap_zones_and_lookup)
{
	static const struct {
		const char	*name;
		u_int		entries;	/* bucket pointers, 0: not a bucket */
	} boot[] = {
		{ "UMA Kegs", 0 }, { "UMA Zones", 0 }, { "UMA Slabs", 0 },
		{ "UMA RCntSlabs", 0 }, { "16 Bucket", 16 },
		{ "32 Bucket", 32 }, { "64 Bucket", 64 },
		{ "128 Bucket", 128 },
	};
	int64_t count0, count1;
	size_t i, len;
	uma_zone_t z;

	for (i = 0; i < nitems(boot); i++) {
		z = uma_zone_find(boot[i].name);
		KT_EXPECT_NOT_NULL(z);
		if (z == NULL)
			continue;
		KT_EXPECT_STREQ(uma_zone_name(z), boot[i].name);
		KT_EXPECT((z->uz_flags & UMA_ZFLAG_INTERNAL) != 0);
		/* Only the bucket zones are cached. */
		if (boot[i].entries == 0) {
			KT_EXPECT_EQ(z->uz_count, 0);
			KT_EXPECT_EQ(z->uz_flags & UMA_ZFLAG_BUCKET, 0);
			continue;
		}
		KT_EXPECT_NE(z->uz_flags & UMA_ZFLAG_BUCKET, 0);
		KT_EXPECT_GT(z->uz_count, 0);
		/* "N Bucket" is N pointers long, header included. */
		KT_EXPECT_EQ(uma_zone_size(z), boot[i].entries * sizeof(void *));
	}
	z = uma_zone_find("UMA Kegs");
	if (z != NULL)
		KT_EXPECT_GE(uma_zone_size(z), sizeof(struct uma_keg));
	z = uma_zone_find("UMA Zones");
	if (z != NULL)
		KT_EXPECT_GE(uma_zone_size(z),
		    __offsetof(struct uma_zone, uz_cpu) +
		    (mp_maxid + 1) * sizeof(struct uma_cache));
	if (uma_zone_find("UMA Slabs") != NULL &&
	    uma_zone_find("UMA RCntSlabs") != NULL)
		KT_EXPECT_GT(uma_zone_size(uma_zone_find("UMA RCntSlabs")),
		    uma_zone_size(uma_zone_find("UMA Slabs")));
	KT_EXPECT_NULL(uma_zone_find("uma test no such zone"));

	KT_ASSERT_EQ(ut_sysctl_int("vm.zone_count", &count0), 0);
	KT_EXPECT_GE(count0, (int64_t)nitems(boot));
	z = uma_zcreate("uma test find", 48, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_EXPECT_EQ((uintptr_t)uma_zone_find("uma test find"), (uintptr_t)z);
	KT_ASSERT_EQ(ut_sysctl_int("vm.zone_count", &count1), 0);
	KT_EXPECT_EQ(count1, count0 + 1);
	len = sizeof(ut_text) - 1;
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.zone", ut_text, &len, NULL, 0),
	    0);
	ut_text[imin(len, sizeof(ut_text) - 1)] = '\0';
	KT_EXPECT_NOT_NULL(strstr(ut_text, "uma test find"));
	KT_EXPECT_NOT_NULL(strstr(ut_text, "UMA Kegs"));
	uma_zdestroy(z);
	KT_EXPECT_NULL(uma_zone_find("uma test find"));
	KT_ASSERT_EQ(ut_sysctl_int("vm.zone_count", &count1), 0);
	KT_EXPECT_EQ(count1, count0);
}

/* uma_prealloc makes the slabs for n items now, allocating none. */
KTEST(uma, prealloc_covers_items)
{
	struct uma_zone_stat zs;
	u_int ipers, slabs;
	uma_zone_t z;
	int j, n = 50;

	ut_cb_reset(300, 1, 0);
	z = uma_zcreate("uma test prealloc", 300, NULL, NULL, ut_init,
	    ut_fini, UMA_ALIGN_PTR, 0);
	ipers = z->uz_keg->uk_ipers;
	slabs = howmany(n, ipers);
	uma_prealloc(z, n);
	zs = ut_stat(z);
	KT_EXPECT_EQ(zs.zs_allocs, 0);
	KT_EXPECT_EQ(zs.zs_used, 0);
	KT_EXPECT_EQ(zs.zs_pages, slabs * z->uz_keg->uk_ppera);
	KT_EXPECT_EQ(z->uz_keg->uk_slabs, slabs);
	KT_EXPECT_EQ(zs.zs_kegfree, slabs * ipers);
	KT_EXPECT_EQ(cb.init, slabs * ipers);
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(z, M_NOWAIT);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	KT_EXPECT_EQ(ut_stat(z).zs_allocs, n);
	for (j = 0; j < n; j++)
		uma_zfree(z, ut_items[j]);
	uma_zdestroy(z);
	KT_EXPECT_EQ(cb.fini, cb.init);
	KT_EXPECT_EQ(cb.bad, 0);
}

/*
 * M_NOVM: items from the caches or the keg's slabs only, never new pages;
 * NULL when there are none.
 */
KTEST(uma, novm_takes_no_new_pages)
{
	uma_zone_t z;
	void *p;

	sched_bind(curthread, 0);
	z = uma_zcreate("uma test novm", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_EXPECT_NULL(uma_zalloc(z, M_NOWAIT | M_NOVM));
	KT_EXPECT_EQ(ut_stat(z).zs_pages, 0);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	/* Free items in a slab will do. */
	uma_prealloc(z, 1);
	KT_EXPECT_EQ(ut_stat(z).zs_pages, z->uz_keg->uk_ppera);
	p = uma_zalloc(z, M_NOWAIT | M_NOVM);
	KT_EXPECT_NOT_NULL(p);
	KT_EXPECT_EQ(ut_stat(z).zs_pages, z->uz_keg->uk_ppera);
	/* And so will a cached one. */
	uma_zfree(z, p);
	p = uma_zalloc(z, M_NOWAIT | M_NOVM);
	KT_EXPECT_NOT_NULL(p);
	uma_zfree(z, p);
	KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	uma_zdestroy(z);
	sched_unbind(curthread);
}

/* A private page supplier gets every slab's pages and takes them back. */
static volatile u_int ut_allocf_calls, ut_freef_calls, ut_pf_bad;

static void *
ut_allocf(uma_zone_t zone __unused, vm_size_t size, uint8_t *pflag,
    int wait __unused)
{
	vm_page_t m;

	if (size != PAGE_SIZE) {
		atomic_add_int(&ut_pf_bad, 1);
		return (NULL);
	}
	m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL | VM_ALLOC_WIRED);
	if (m == NULL)
		return (NULL);
	atomic_add_int(&ut_allocf_calls, 1);
	*pflag = UMA_SLAB_PRIV;
	return ((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)));
}

static void
ut_freef(void *item, vm_size_t size, uint8_t pflag)
{
	if (size != PAGE_SIZE || (pflag & UMA_SLAB_PRIV) == 0 ||
	    !VIRT_IN_DMAP((vm_offset_t)item))
		atomic_add_int(&ut_pf_bad, 1);
	atomic_add_int(&ut_freef_calls, 1);
	vm_page_free(PHYS_TO_VM_PAGE(DMAP_TO_PHYS((vm_offset_t)item)));
}

KTEST(uma, private_page_supplier)
{
	uma_zone_t z;
	int j, n;

	ut_allocf_calls = ut_freef_calls = ut_pf_bad = 0;
	z = uma_zcreate("uma test allocf", 128, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_EQ(z->uz_keg->uk_ppera, 1);
	uma_zone_set_allocf(z, ut_allocf);
	uma_zone_set_freef(z, ut_freef);
	KT_EXPECT((z->uz_keg->uk_flags & UMA_ZFLAG_PRIVALLOC) != 0);
	n = 3 * z->uz_keg->uk_ipers + 1;
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
		KT_EXPECT(VIRT_IN_DMAP((vm_offset_t)ut_items[j]));
	}
	KT_EXPECT_EQ(ut_allocf_calls, z->uz_keg->uk_slabs);
	KT_EXPECT_GE(ut_allocf_calls, 4);
	for (j = 0; j < n; j++)
		uma_zfree(z, ut_items[j]);
	uma_zone_drain(z);
	KT_EXPECT_EQ(ut_freef_calls, ut_allocf_calls);
	uma_zdestroy(z);
	KT_EXPECT_EQ(ut_freef_calls, ut_allocf_calls);
	KT_EXPECT_EQ(ut_pf_bad, 0);
}

/*
 * More items than a bucket holds, freed and allocated again, on one CPU
 * and then freed on another: never the same item twice.
 */
KTEST(uma, bucket_exchange_no_duplicates)
{
	int round, j, bad, n = 1000;
	u_int free0;
	uma_zone_t z;

	free0 = ut_baseline(64);
	z = uma_zcreate("uma test buckets", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	sched_bind(curthread, 0);
	for (round = 0; round < 4; round++) {
		for (j = 0; j < n; j++) {
			ut_items[j] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(ut_items[j]);
			ut_addrs[j] = (uintptr_t)ut_items[j];
			*(int *)ut_items[j] = j;
		}
		ut_sort(ut_addrs, n);
		KT_EXPECT_EQ(ut_overlaps(ut_addrs, n, 64), 0);
		bad = 0;
		for (j = 0; j < n; j++)
			bad += *(int *)ut_items[j] != j;
		KT_EXPECT_EQ(bad, 0);
		KT_EXPECT_EQ(uma_zone_get_cur(z), n);
		/* Rounds 2 and 3 free on another CPU, when there is one. */
		if (round >= 2)
			sched_bind(curthread, mp_ncpus > 1 ? 1 : 0);
		if (round & 1)
			for (j = n - 1; j >= 0; j--)
				uma_zfree(z, ut_items[j]);
		else
			for (j = 0; j < n; j++)
				uma_zfree(z, ut_items[j]);
		KT_EXPECT_EQ(uma_zone_get_cur(z), 0);
	}
	sched_unbind(curthread);
	KT_EXPECT_EQ(ut_stat(z).zs_allocs, 4 * n);
	KT_EXPECT_EQ(ut_stat(z).zs_frees, 4 * n);
	KT_EXPECT_GT(ut_stat(z).zs_bucketsize, 0);
	KT_EXPECT_LE(ut_stat(z).zs_bucketsize, BUCKET_MAX);
	uma_zdestroy(z);
	KT_EXPECT_EQ(ut_settle(), free0);
	/* UMA_ZONE_MAXBUCKET zones start with the largest bucket. */
	z = uma_zcreate("uma test maxbucket", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, UMA_ZONE_MAXBUCKET);
	KT_EXPECT_EQ(ut_stat(z).zs_bucketsize, BUCKET_MAX);
	uma_zdestroy(z);
}

/*
 * Every CPU allocates batches, stamps each item with its owner and a
 * checksum, checks and frees half itself and hands the other half to the
 * next CPU's thread, which checks and frees them there.
 */
#define	CC_SIZE		120
#define	CC_WORDS	(CC_SIZE / 8)
#define	CC_BATCH	32
#define	CC_ROUNDS	4000
#define	CC_QLEN		256

struct cc_queue {
	struct mtx	lock;
	int		n;
	void		*q[CC_QLEN];
};

static struct {
	uma_zone_t	zone;
	int		nthreads;
	struct cc_queue	queue[MAXCPU];
	volatile u_int	started, finished, exited;
	volatile int	go;
	volatile u_long	allocs, frees, remote, bad, nulls;
} cc;

static void
cc_fill(uint64_t *w, uint64_t tag)
{
	uint64_t sum = 0;
	int i;

	w[0] = tag;
	for (i = 1; i < CC_WORDS - 1; i++)
		w[i] = tag * 0x9e3779b97f4a7c15UL + i;
	for (i = 0; i < CC_WORDS - 1; i++)
		sum = (sum ^ w[i]) * 0x100000001b3UL;
	w[CC_WORDS - 1] = sum;
}

static int
cc_check(const uint64_t *w)
{
	uint64_t sum = 0;
	int i;

	for (i = 1; i < CC_WORDS - 1; i++)
		if (w[i] != w[0] * 0x9e3779b97f4a7c15UL + i)
			return (0);
	for (i = 0; i < CC_WORDS - 1; i++)
		sum = (sum ^ w[i]) * 0x100000001b3UL;
	return (w[CC_WORDS - 1] == sum);
}

/* Check and free what other CPUs handed to this one. */
static u_long
cc_drain(int cpu, u_long *bad)
{
	struct cc_queue *q = &cc.queue[cpu];
	void *local[CC_QLEN];
	int i, n;

	mtx_lock(&q->lock);
	n = q->n;
	memcpy(local, q->q, n * sizeof(void *));
	q->n = 0;
	mtx_unlock(&q->lock);
	for (i = 0; i < n; i++) {
		if (!cc_check(local[i]))
			(*bad)++;
		uma_zfree(cc.zone, local[i]);
	}
	return (n);
}

static void
cc_worker(void *arg)
{
	int cpu = (int)(uintptr_t)arg, next, r, i;
	struct cc_queue *nq;
	void *batch[CC_BATCH];
	u_long allocs = 0, frees = 0, remote = 0, bad = 0, nulls = 0;
	uint64_t seq = 0;

	sched_bind(curthread, cpu);
	next = cpu + 1 > mp_maxid ? 0 : cpu + 1;
	nq = &cc.queue[next];
	atomic_add_int(&cc.started, 1);
	while (!cc.go)
		pause("ccgo", 1);
	for (r = 0; r < CC_ROUNDS; r++) {
		remote += cc_drain(cpu, &bad);
		for (i = 0; i < CC_BATCH; i++) {
			batch[i] = uma_zalloc(cc.zone, M_WAITOK);
			if (batch[i] == NULL) {
				nulls++;
				continue;
			}
			allocs++;
			cc_fill(batch[i], ((uint64_t)cpu << 48) | seq++);
		}
		for (i = 0; i < CC_BATCH; i++) {
			if (batch[i] == NULL)
				continue;
			if (!cc_check(batch[i]) ||
			    *(uint64_t *)batch[i] >> 48 != (uint64_t)cpu)
				bad++;
			if ((i & 1) == 0) {
				uma_zfree(cc.zone, batch[i]);
				frees++;
				continue;
			}
			mtx_lock(&nq->lock);
			if (nq->n < CC_QLEN) {
				nq->q[nq->n++] = batch[i];
				batch[i] = NULL;
			}
			mtx_unlock(&nq->lock);
			if (batch[i] != NULL) {
				uma_zfree(cc.zone, batch[i]);
				frees++;
			}
		}
		if ((r & 15) == 15)
			sched_yield();
	}
	atomic_add_int(&cc.finished, 1);
	/* Producers push only before finishing: drain until all are done. */
	while (cc.finished < (u_int)cc.nthreads) {
		remote += cc_drain(cpu, &bad);
		pause("ccdrain", 1);
	}
	remote += cc_drain(cpu, &bad);
	atomic_add_long(&cc.allocs, allocs);
	atomic_add_long(&cc.frees, frees + remote);
	atomic_add_long(&cc.remote, remote);
	atomic_add_long(&cc.bad, bad);
	atomic_add_long(&cc.nulls, nulls);
	atomic_add_int(&cc.exited, 1);
	kthread_exit();
}

KTEST(uma, concurrent_alloc_free_all_cpus)
{
	struct uma_zone_stat zs;
	u_int free0, free1;
	int cpu;

	ut_reap_threads();
	free0 = ut_baseline(CC_SIZE);
	memset(&cc, 0, sizeof(cc));
	cc.zone = uma_zcreate("uma test concurrent", CC_SIZE, NULL, NULL,
	    NULL, NULL, UMA_ALIGN_PTR, 0);
	CPU_FOREACH(cpu) {
		mtx_init(&cc.queue[cpu].lock, "uma test queue", NULL, MTX_DEF);
		KT_ASSERT_EQ(kthread_add(cc_worker, (void *)(uintptr_t)cpu,
		    NULL, NULL, 0, 0, "utcc%d", cpu), 0);
		cc.nthreads++;
	}
	KT_ASSERT(ut_wait_count(&cc.started, cc.nthreads));
	cc.go = 1;
	KT_ASSERT(ut_wait_count(&cc.exited, cc.nthreads));
	KT_EXPECT_EQ(cc.bad, 0);
	KT_EXPECT_EQ(cc.nulls, 0);
	KT_EXPECT_EQ(cc.allocs, (u_long)cc.nthreads * CC_ROUNDS * CC_BATCH);
	KT_EXPECT_EQ(cc.frees, cc.allocs);
	if (mp_ncpus > 1)
		KT_EXPECT_GT(cc.remote, 0);
	zs = ut_stat(cc.zone);
	KT_EXPECT_EQ(zs.zs_allocs, cc.allocs);
	KT_EXPECT_EQ(zs.zs_frees, cc.frees);
	KT_EXPECT_EQ(zs.zs_used, 0);
	KT_EXPECT_EQ(uma_zone_get_cur(cc.zone), 0);
	/* Every item made it back: draining frees every slab. */
	uma_zone_drain(cc.zone);
	KT_EXPECT_EQ(ut_stat(cc.zone).zs_pages, 0);
	KT_EXPECT_EQ(cc.zone->uz_keg->uk_slabs, 0);
	uma_zdestroy(cc.zone);
	CPU_FOREACH(cpu)
		mtx_destroy(&cc.queue[cpu].lock);
	/*
	 * The workers' stacks come back when they are reaped; the page of
	 * thread structures the kernel may have added stays.
	 */
	ut_reap_threads();
	free1 = ut_settle();
	KT_EXPECT_LE(free1, free0);
	KT_EXPECT_GE(free1 + 1, free0);
}

/* A malloc type's statistics, summed over the CPUs. */
MALLOC_DEFINE(M_KTEST_MIG, "ktestmig", "UMA tests: migrating threads");

struct ut_mstat {
	uint64_t	allocs, frees, memalloced, memfreed;
};

static struct ut_mstat
ut_mstat(struct malloc_type *type)
{
	struct ut_mstat s;
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

/*
 * Unbound threads, more than CPUs, that yield and sleep often so that
 * they migrate and are preempted in the middle of their work, malloc and
 * free blocks of every kind (small classes, large blocks, realloc) and
 * items of a UMA zone, keeping up to MG_LIVE of each alive.  Every block
 * and item carries its owner's tag at both ends, checked before it is
 * freed, so an item handed out twice shows.  At the end the accounting
 * is exact: the type's allocations equal its frees and the threads'
 * count, the bytes charged equal the bytes given back and the usable
 * sizes the threads saw, the zone's allocations equal its frees, and
 * once drained the zone holds no page.  With INVARIANTS, per-CPU data
 * touched outside a critical section panics at once (CRITICAL_ASSERT);
 * without, a lost update shows in the totals.
 */
#define	MG_LIVE		16
#define	MG_OPS		6000
#define	MG_ZSIZE	96

static struct {
	uma_zone_t	zone;
	volatile u_int	started, exited, go;
	volatile u_long	allocs, frees, zallocs, zfrees, bytes_out,
			bytes_back, bad, moves;
} mg_st;

static uint32_t
mg_rand(uint32_t *r)
{
	*r ^= *r << 13;
	*r ^= *r >> 17;
	*r ^= *r << 5;
	return (*r);
}

/* The tag at both ends of a block of n >= 16 bytes. */
static void
mg_tag(uint8_t *p, size_t n, uint64_t tag)
{
	memcpy(p, &tag, sizeof(tag));
	memcpy(p + n - sizeof(tag), &tag, sizeof(tag));
}

static int
mg_tag_ok(const uint8_t *p, size_t n, uint64_t tag)
{
	uint64_t a, b;

	memcpy(&a, p, sizeof(a));
	memcpy(&b, p + n - sizeof(b), sizeof(b));
	return (a == tag && b == tag);
}

static void
mg_worker(void *arg)
{
	int id = (int)(uintptr_t)arg, i, k, lastcpu;
	uint8_t *blk[MG_LIVE], *it[MG_LIVE], *q;
	size_t bsz[MG_LIVE];
	uint64_t btag[MG_LIVE], itag[MG_LIVE], seq = 0;
	u_long allocs = 0, frees = 0, zallocs = 0, zfrees = 0, out = 0;
	u_long back = 0, bad = 0, moves = 0;
	uint32_t r = 0x9e3779b9u * (id + 1), x;
	size_t size, u;

	memset(blk, 0, sizeof(blk));
	memset(it, 0, sizeof(it));
	atomic_add_int(&mg_st.started, 1);
	while (!mg_st.go)
		pause("mggo", 1);
	lastcpu = curcpu;
	for (i = 0; i < MG_OPS; i++) {
		x = mg_rand(&r);
		k = x % MG_LIVE;
		if ((x >> 8) % 4 == 0) {
			/* A zone item. */
			if (it[k] != NULL) {
				bad += !mg_tag_ok(it[k], MG_ZSIZE, itag[k]);
				uma_zfree(mg_st.zone, it[k]);
				it[k] = NULL;
				zfrees++;
			} else if ((it[k] = uma_zalloc(mg_st.zone,
			    M_WAITOK)) != NULL) {
				itag[k] = ((uint64_t)id << 48) | ++seq;
				mg_tag(it[k], MG_ZSIZE, itag[k]);
				zallocs++;
			} else
				bad++;
		} else if (blk[k] != NULL && (x >> 12) % 8 == 0) {
			/* realloc: the tag moves with the data. */
			bad += !mg_tag_ok(blk[k], bsz[k], btag[k]);
			size = 16 + (x >> 16) % 3000;
			u = malloc_usable_size(blk[k]);
			q = realloc(blk[k], size, M_KTEST_MIG, M_WAITOK);
			if (q == NULL) {
				bad++;
				continue;
			}
			if (memcmp(q, &btag[k], sizeof(btag[k])) != 0)
				bad++;
			/* Kept in place, it is neither freed nor allocated. */
			if (q != blk[k]) {
				back += u;
				frees++;
				allocs++;
				out += malloc_usable_size(q);
			}
			blk[k] = q;
			bsz[k] = size;
			mg_tag(q, size, btag[k]);
		} else if (blk[k] != NULL) {
			bad += !mg_tag_ok(blk[k], bsz[k], btag[k]);
			back += malloc_usable_size(blk[k]);
			free(blk[k], M_KTEST_MIG);
			blk[k] = NULL;
			frees++;
		} else {
			size = (x >> 12) % 64 == 0 ? 65537 + (x >> 18) % 40000 :
			    16 + (x >> 12) % 2048;
			if ((blk[k] = malloc(size, M_KTEST_MIG, M_WAITOK)) ==
			    NULL) {
				bad++;
				continue;
			}
			bsz[k] = size;
			btag[k] = ((uint64_t)id << 48) | ++seq;
			mg_tag(blk[k], size, btag[k]);
			out += malloc_usable_size(blk[k]);
			allocs++;
		}
		if (curcpu != lastcpu) {
			moves++;
			lastcpu = curcpu;
		}
		/* Give the CPU up often: threads move between CPUs. */
		if ((x >> 24) % 16 == 0)
			sched_yield();
		else if ((x >> 24) % 64 == 1)
			pause("mgmig", 1);
	}
	for (k = 0; k < MG_LIVE; k++) {
		if (blk[k] != NULL) {
			bad += !mg_tag_ok(blk[k], bsz[k], btag[k]);
			back += malloc_usable_size(blk[k]);
			free(blk[k], M_KTEST_MIG);
			frees++;
		}
		if (it[k] != NULL) {
			bad += !mg_tag_ok(it[k], MG_ZSIZE, itag[k]);
			uma_zfree(mg_st.zone, it[k]);
			zfrees++;
		}
	}
	atomic_add_long(&mg_st.allocs, allocs);
	atomic_add_long(&mg_st.frees, frees);
	atomic_add_long(&mg_st.zallocs, zallocs);
	atomic_add_long(&mg_st.zfrees, zfrees);
	atomic_add_long(&mg_st.bytes_out, out);
	atomic_add_long(&mg_st.bytes_back, back);
	atomic_add_long(&mg_st.bad, bad);
	atomic_add_long(&mg_st.moves, moves);
	atomic_add_int(&mg_st.exited, 1);
	kthread_exit();
}

KTEST(uma, migrating_threads_exact_accounting)
{
	struct uma_zone_stat zs;
	struct ut_mstat s0, s1;
	int i, n;

	memset(__DEVOLATILE(void *, &mg_st), 0, sizeof(mg_st));
	mg_st.zone = uma_zcreate("ktest migrate", MG_ZSIZE, NULL, NULL, NULL,
	    NULL, UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(mg_st.zone);
	s0 = ut_mstat(M_KTEST_MIG);
	n = 2 * mp_ncpus + 1;
	for (i = 0; i < n; i++)
		KT_ASSERT_EQ(kthread_add(mg_worker, (void *)(uintptr_t)i,
		    NULL, NULL, 0, 0, "mtmig%d", i), 0);
	for (i = 0; i < 6000 && mg_st.started < (u_int)n; i++)
		pause("mgst", 1);
	KT_ASSERT_EQ(mg_st.started, n);
	mg_st.go = 1;
	for (i = 0; i < 60000 && mg_st.exited < (u_int)n; i++)
		pause("mgwait", hz / 100 + 1);
	KT_ASSERT_EQ(mg_st.exited, n);
	KT_EXPECT_EQ(mg_st.bad, 0);
	KT_EXPECT_GT(mg_st.allocs, 0);
	KT_EXPECT_GT(mg_st.zallocs, 0);
	if (mp_ncpus > 1)
		KT_EXPECT_GT(mg_st.moves, 0);
	s1 = ut_mstat(M_KTEST_MIG);
	KT_EXPECT_EQ(s1.allocs - s0.allocs, mg_st.allocs);
	KT_EXPECT_EQ(s1.frees - s0.frees, mg_st.frees);
	KT_EXPECT_EQ(mg_st.allocs, mg_st.frees);
	KT_EXPECT_EQ(mg_st.bytes_out, mg_st.bytes_back);
	KT_EXPECT_EQ(s1.memalloced - s0.memalloced, mg_st.bytes_out);
	KT_EXPECT_EQ(s1.memfreed - s0.memfreed, mg_st.bytes_back);
	zs = ut_stat(mg_st.zone);
	KT_EXPECT_EQ(mg_st.zallocs, mg_st.zfrees);
	KT_EXPECT_EQ(zs.zs_allocs, mg_st.zallocs);
	KT_EXPECT_EQ(zs.zs_frees, mg_st.zfrees);
	KT_EXPECT_EQ(zs.zs_used, 0);
	uma_zone_drain(mg_st.zone);
	KT_EXPECT_EQ(ut_stat(mg_st.zone).zs_pages, 0);
	uma_zdestroy(mg_st.zone);
	printf("# %d threads, %lu mallocs, %lu zone items, %lu moves seen\n",
	    n, mg_st.allocs, mg_st.zallocs, mg_st.moves);
}

/*
 * No UMA lock is held while a fini or zfini runs (uma_int.h, locks): a
 * callback may call back into UMA, here uma_zone_find, which takes the
 * zone list lock.  A violation shows as a "recursed" panic, so this case
 * comes last.
 */
static volatile u_int ut_reentry_calls, ut_reentry_bad;
static uma_zone_t ut_reentry_zone;

static void
ut_reentry_fini(void *mem __unused, int size __unused)
{
	atomic_add_int(&ut_reentry_calls, 1);
	if (uma_zone_find("uma test reentry") != ut_reentry_zone)
		atomic_add_int(&ut_reentry_bad, 1);
}

KTEST(uma, fini_may_call_into_uma)
{
	uma_zone_t s;
	int j, n;

	ut_reentry_calls = ut_reentry_bad = 0;
	ut_reentry_zone = uma_zcreate("uma test reentry", 128, NULL, NULL,
	    NULL, ut_reentry_fini, UMA_ALIGN_PTR, 0);
	s = uma_zsecond_create("uma test reentry2", NULL, NULL, NULL,
	    ut_reentry_fini, ut_reentry_zone);
	n = 2 * ut_reentry_zone->uz_keg->uk_ipers;
	/* Through uma_zone_drain, then uma_reclaim. */
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(j & 1 ? s : ut_reentry_zone,
		    M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	for (j = 0; j < n; j++)
		uma_zfree(j & 1 ? s : ut_reentry_zone, ut_items[j]);
	uma_zone_drain(s);
	uma_zone_drain(ut_reentry_zone);
	KT_EXPECT_GT(ut_reentry_calls, 0);
	ut_reentry_calls = 0;
	for (j = 0; j < n; j++) {
		ut_items[j] = uma_zalloc(j & 1 ? s : ut_reentry_zone,
		    M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[j]);
	}
	for (j = 0; j < n; j++)
		uma_zfree(j & 1 ? s : ut_reentry_zone, ut_items[j]);
	uma_reclaim();
	KT_EXPECT_GT(ut_reentry_calls, 0);
	KT_EXPECT_EQ(ut_reentry_zone->uz_keg->uk_slabs, 0);
	KT_EXPECT_EQ(ut_reentry_bad, 0);
	uma_zdestroy(s);
	uma_zdestroy(ut_reentry_zone);
}

/*
 * The geometry of malloc(9)'s 44 size classes, written out: pages and
 * items per slab (items with and without INVARIANTS, whose malloc zones
 * are refcount zones).  Every class leaves at most UMA_MAX_WASTE percent
 * of a slab to no item (index included; a refcount keg's counters on the
 * page count as its items'), but 16: 238 items (the one-byte index's
 * most on a page) leave 7.0% (193 with counters, 5.8%), and more pages
 * only hold 252.  Power-of-two classes are aligned to their size (a page at most).
 * Classes up to a page use one page except 320, 384, 640, 768, 896,
 * 1280, 1536, 1792, 2560, 3072 and 3584, which one page cannot hold
 * within the bound.
 * Every slab, one page or several, is in the direct map, so a free finds
 * its page by arithmetic, never by walking kmem_map's page table.
 */
KTEST(uma, malloc_zone_geometry)
{
	static const struct {
		uint32_t	size;
		uint32_t	ppera;
		uint32_t	ipers, ipers_refcnt;
	} g[] = {
		{ 16, 1, 238, 193 },
		{ 32, 1, 122, 109 },
		{ 48, 1, 82, 76 },
		{ 64, 1, 62, 58 },
		{ 80, 1, 50, 47 },
		{ 96, 1, 41, 40 },
		{ 112, 1, 35, 34 },
		{ 128, 1, 31, 30 },
		{ 160, 1, 25, 24 },
		{ 192, 1, 21, 20 },
		{ 224, 1, 18, 18 },
		{ 256, 1, 16, 15 },
		{ 320, 2, 25, 25 },
		{ 384, 2, 21, 21 },
		{ 448, 1, 9, 9 },
		{ 512, 1, 8, 8 },
		{ 640, 3, 19, 19 },
		{ 768, 3, 16, 16 },
		{ 896, 2, 9, 9 },
		{ 1024, 1, 4, 4 },
		{ 1280, 5, 16, 16 },
		{ 1536, 3, 8, 8 },
		{ 1792, 4, 9, 9 },
		{ 2048, 1, 2, 2 },
		{ 2560, 5, 8, 8 },
		{ 3072, 3, 4, 4 },
		{ 3584, 7, 8, 8 },
		{ 4096, 1, 1, 1 },
		{ 5120, 5, 4, 4 },
		{ 6144, 3, 2, 2 },
		{ 7168, 7, 4, 4 },
		{ 8192, 2, 1, 1 },
		{ 10240, 5, 2, 2 },
		{ 12288, 3, 1, 1 },
		{ 14336, 7, 2, 2 },
		{ 16384, 4, 1, 1 },
		{ 20480, 5, 1, 1 },
		{ 24576, 6, 1, 1 },
		{ 28672, 7, 1, 1 },
		{ 32768, 8, 1, 1 },
		{ 40960, 10, 1, 1 },
		{ 49152, 12, 1, 1 },
		{ 57344, 14, 1, 1 },
		{ 65536, 16, 1, 1 },
	};
	char name[16];
	uint64_t total, items;
	uint32_t ipers;
	int onepage;
	uma_zone_t z;
	uma_keg_t keg;
	uma_slab_t s;
	size_t i;
	void *p;

	onepage = 0;
	for (i = 0; i < nitems(g); i++) {
		snprintf(name, sizeof(name), "%u", g[i].size);
		z = uma_zone_find(name);
		KT_ASSERT_NOT_NULL(z);
		keg = z->uz_keg;
		ipers = (keg->uk_flags & UMA_ZONE_REFCNT) != 0 ?
		    g[i].ipers_refcnt : g[i].ipers;
		KT_EXPECT_EQ(keg->uk_size, g[i].size);
		KT_EXPECT_EQ(keg->uk_ppera, g[i].ppera);
		KT_EXPECT_EQ(keg->uk_ipers, ipers);
		KT_EXPECT_LE(keg->uk_ipers, UMA_MAX_IPERS);
		total = ptoa((uint64_t)keg->uk_ppera);
		items = (uint64_t)keg->uk_ipers * (keg->uk_size +
		    ((keg->uk_flags & UMA_ZONE_REFCNT) != 0 &&
		    keg->uk_slabzone == NULL ? 4 : 0));
		if (keg->uk_size != 16)
			KT_EXPECT_LE((total - items) * 100,
			    total * UMA_MAX_WASTE);
		else
			KT_EXPECT_LE((total - items) * 1000, total * 71);
		/* Natural alignment of power-of-two sizes. */
		if (powerof2(keg->uk_size))
			KT_EXPECT_EQ(keg->uk_align + 1, MIN(keg->uk_size,
			    PAGE_SIZE));
		onepage += keg->uk_ppera == 1;
		p = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(p);
		KT_EXPECT(VIRT_IN_DMAP((vm_offset_t)p));
		s = uma_item_slab(p);
		KT_ASSERT_NOT_NULL(s);
		KT_EXPECT_EQ((uintptr_t)s->us_keg, (uintptr_t)keg);
		KT_EXPECT_EQ(s->us_flags & UMA_SLAB_DMAP, UMA_SLAB_DMAP);
		/* The last byte of the slab's last item leads there too. */
		KT_EXPECT_EQ((uintptr_t)uma_item_slab(s->us_data +
		    keg->uk_ipers * keg->uk_rsize - 1), (uintptr_t)s);
		uma_zfree(z, p);
	}
	KT_EXPECT_EQ(onepage, 17);
}

/*
 * Death tests: the INVARIANTS checks of uma_dbg.c.  Without INVARIANTS
 * they skip (the harness reports a skipped death test as skipped).
 */
KTEST_DEATH(uma, duplicate_free, "Duplicate free of")
{
	uma_zone_t z;
	void *p;

	if (!UT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	z = uma_zcreate("uma test dupfree", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	p = uma_zalloc(z, M_WAITOK);
	uma_zfree(z, p);
	uma_zfree(z, p);
	KT_FAIL("the duplicate free of %p went unnoticed", p);
}

/*
 * A duplicate free of an item that is no longer in a bucket but back in
 * its slab (drained there, its slab kept by a neighbour still allocated):
 * the slab's freelist entry holds a free-list link, not the "allocated"
 * mark, and that must be caught as well.
 */
KTEST_DEATH(uma, duplicate_free_after_drain, "Duplicate free of")
{
	uma_zone_t z;
	uma_slab_t s;
	void *p, *q;

	if (!UT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	z = uma_zcreate("uma test dupfree2", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	p = uma_zalloc(z, M_WAITOK);
	q = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	KT_ASSERT_NOT_NULL(q);
	s = uma_item_slab(p);
	KT_ASSERT_EQ((uintptr_t)s, (uintptr_t)uma_item_slab(q));
	uma_zfree(z, p);
	uma_zone_drain(z);
	/* p is in its slab now: counted free there, its page still held. */
	KT_ASSERT_EQ(ut_stat(z).zs_cached, 0);
	KT_ASSERT_EQ((uintptr_t)uma_item_slab(p), (uintptr_t)s);
	KT_ASSERT_EQ(s->us_freecount, z->uz_keg->uk_ipers - 1);
	uma_zfree(z, p);
	KT_FAIL("the duplicate free of %p (back in its slab) went unnoticed",
	    p);
}

KTEST_DEATH(uma, free_to_wrong_zone, "did not belong to zone")
{
	uma_zone_t a, b;
	void *p;

	if (!UT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	a = uma_zcreate("uma test zone a", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	b = uma_zcreate("uma test zone b", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	p = uma_zalloc(a, M_WAITOK);
	uma_zfree(b, p);
	KT_FAIL("the free of %p to the wrong zone went unnoticed", p);
}

KTEST_DEATH(uma, interior_pointer_free, "Unaligned free of")
{
	uma_zone_t z;
	char *p;

	if (!UT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	z = uma_zcreate("uma test interior", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	p = uma_zalloc(z, M_WAITOK);
	uma_zfree(z, p + 8);
	KT_FAIL("the free of interior pointer %p went unnoticed", p + 8);
}

KTEST_DEATH(uma, write_after_free, "Memory modified after free")
{
	uma_zone_t z;
	void *p[8];
	int j;

	if (!UT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	sched_bind(curthread, 0);
	z = uma_zcreate("uma test trash", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	for (j = 0; j < 8; j++)
		p[j] = uma_zalloc(z, M_WAITOK);
	for (j = 0; j < 8; j++)
		uma_zfree(z, p[j]);
	/* Scribble on every freed item, then take them again. */
	for (j = 0; j < 8; j++)
		((volatile uint32_t *)p[j])[5] = 0x12345678;
	for (j = 0; j < 8; j++)
		p[j] = uma_zalloc(z, M_WAITOK);
	KT_FAIL("writes after free went unnoticed");
}

/*
 * A CPU that only frees keeps its bucket cache: with the alloc bucket
 * full, a free swaps in the free bucket instead of leaving the fast path,
 * so at most one free per bucket's worth finds both buckets full
 * (uma_cache_stat's cs_frees_slow).  Debug zones (INVARIANTS) always take
 * the slow path.
 */
#define	UT_FREER_N	2000

KTEST(uma, pure_freer_stays_on_fast_path)
{
	static void *items[UT_FREER_N];
	struct uma_cache_stat cs0, cs1;
	struct uma_zone_stat zs;
	uma_zone_t z;
	int i, round;

	if (UT_INVARIANTS)
		KT_SKIP("debug zones always take the slow path");
	z = uma_zcreate("uma test freer", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	sched_bind(curthread, 0);
	/* Round 0 warms the caches; round 1 is measured. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < UT_FREER_N; i++) {
			items[i] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(items[i]);
		}
		uma_zone_cpu_stat(z, 0, &cs0);
		for (i = 0; i < UT_FREER_N; i++)
			uma_zfree(z, items[i]);
		uma_zone_cpu_stat(z, 0, &cs1);
	}
	sched_unbind(curthread);
	uma_zone_stat(z, &zs);
	KT_EXPECT_EQ(cs1.cs_frees - cs0.cs_frees, UT_FREER_N);
	KT_ASSERT_GT(zs.zs_bucketsize, 1);
	KT_EXPECT_LE(cs1.cs_frees_slow - cs0.cs_frees_slow,
	    UT_FREER_N / (zs.zs_bucketsize - 1) + 2);
	uma_zdestroy(z);
}

/*
 * A free that finds both buckets full puts the free bucket on the zone's
 * list and makes a new bucket, holding the item, the alloc bucket; the
 * full alloc bucket becomes the free bucket.  So the frees that follow
 * stay on the inline path until the new bucket is full.
 */
KTEST(uma, full_buckets_exchange_keeps_frees_inline)
{
	struct uma_cache_stat cs0, cs;
	uma_zone_t z;
	void *items[16];
	int i;

	if (UT_INVARIANTS)
		KT_SKIP("debug zones always take the slow path");
	/* 4 KiB items: a bucket of two, so a few frees fill both. */
	z = uma_zcreate("uma test exchange", 4096, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	KT_ASSERT_EQ(z->uz_count, 2);
	sched_bind(curthread, 0);
	for (i = 0; i < (int)nitems(items); i++) {
		items[i] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(items[i]);
	}
	uma_zone_cpu_stat(z, 0, &cs0);
	for (i = 0; i < (int)nitems(items); i++) {
		uma_zfree(z, items[i]);
		uma_zone_cpu_stat(z, 0, &cs);
		if (cs.cs_frees_slow != cs0.cs_frees_slow)
			break;
	}
	KT_ASSERT_LT(i, (int)nitems(items));
	/* The exchange just happened: one item new, one bucket full. */
	KT_EXPECT_EQ(cs.cs_alloccnt, 1);
	KT_EXPECT_EQ(cs.cs_freecnt, 2);
	/* The next free is inline (no slow free), into the new bucket. */
	uma_zfree(z, items[++i]);
	uma_zone_cpu_stat(z, 0, &cs0);
	KT_EXPECT_EQ(cs0.cs_frees_slow, cs.cs_frees_slow);
	KT_EXPECT_EQ(cs0.cs_alloccnt, 2);
	for (i++; i < (int)nitems(items); i++)
		uma_zfree(z, items[i]);
	sched_unbind(curthread);
	uma_zdestroy(z);
}

/*
 * The lean exchanges (cache_alloc_exchange, cache_free_exchange) lose no
 * item and no count: 40 items of 4 KiB (buckets of two) freed on one CPU
 * all wait in the zone's buckets, the zone's list holds all but the CPU's
 * two buckets, and 40 allocations get exactly those items back, none from
 * the keg.
 */
KTEST(uma, lean_exchange_keeps_every_item)
{
	struct uma_zone_stat zs;
	uma_zone_t z;
	void **got;
	uint32_t kegfree;
	int i, j, n = 40, found;

	if (UT_INVARIANTS)
		KT_SKIP("debug zones always take the slow path");
	z = uma_zcreate("uma test lean exchange", 4096, NULL, NULL, NULL,
	    NULL, UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	KT_ASSERT_EQ(z->uz_count, 2);
	got = &ut_items[n];
	sched_bind(curthread, 0);
	/* Twice: the second round runs on warm bucket caches. */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < n; i++) {
			ut_items[i] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(ut_items[i]);
		}
		for (i = 0; i < n; i++)
			uma_zfree(z, ut_items[i]);
	}
	zs = ut_stat(z);
	KT_EXPECT_EQ(zs.zs_used, 0);
	KT_EXPECT_EQ(zs.zs_cached, (uint32_t)n);
	/* Two full buckets on the CPU, the rest on the list. */
	KT_EXPECT_EQ(z->uz_bucketitems, (uint32_t)n - 4);
	kegfree = zs.zs_kegfree;
	for (i = 0; i < n; i++) {
		got[i] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(got[i]);
	}
	zs = ut_stat(z);
	KT_EXPECT_EQ(zs.zs_used, (uint32_t)n);
	KT_EXPECT_EQ(zs.zs_cached, 0);
	KT_EXPECT_EQ(zs.zs_kegfree, kegfree);
	KT_EXPECT_EQ(z->uz_bucketitems, 0);
	/* Each item freed comes back once. */
	for (i = 0; i < n; i++) {
		found = 0;
		for (j = 0; j < n; j++)
			found += got[j] == ut_items[i];
		KT_EXPECT_EQ(found, 1);
	}
	for (i = 0; i < n; i++)
		uma_zfree(z, got[i]);
	sched_unbind(curthread);
	uma_zdestroy(z);
}

/*
 * The bucket zones are cached like any zone (FreeBSD's are): the empty
 * buckets a zone of big items gives back wait in the bucket zone's
 * caches for the next free, and uma_reclaim() empties those caches after
 * the other zones' (which give their buckets back) and frees their slabs.
 */
KTEST(uma, bucket_zones_cached_and_reclaimed)
{
	static const char *const names[] = {
		"16 Bucket", "32 Bucket", "64 Bucket", "128 Bucket",
	};
	uma_zone_t z, bz;
	int i, n = 64;
	size_t k;

	bz = uma_zone_find("16 Bucket");
	KT_ASSERT_NOT_NULL(bz);
	z = uma_zcreate("uma test bucket cache", 4096, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	sched_bind(curthread, 0);
	for (i = 0; i < n; i++) {
		ut_items[i] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[i]);
	}
	/* The frees fill buckets of two: dozens of them on the zone's list. */
	for (i = 0; i < n; i++)
		uma_zfree(z, ut_items[i]);
	KT_EXPECT_GE(ut_stat(z).zs_cached, (uint32_t)n - 4);
	/* The allocations empty them: back to the bucket zone's cache. */
	for (i = 0; i < n; i++) {
		ut_items[i] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[i]);
	}
	KT_EXPECT_GT(ut_stat(bz).zs_cached, 0);
	for (i = 0; i < n; i++)
		uma_zfree(z, ut_items[i]);
	sched_unbind(curthread);
	uma_zdestroy(z);
	uma_reclaim();
	for (k = 0; k < nitems(names); k++) {
		bz = uma_zone_find(names[k]);
		KT_ASSERT_NOT_NULL(bz);
		KT_EXPECT_EQ(ut_stat(bz).zs_cached, 0);
	}
}

/*
 * The inline fast paths (uma.h).  A preemption owed while an inline path
 * runs is taken when its critical section ends, and not before the
 * outermost one ends: critical_exit_owed() tests nesting and the owed
 * preemption in one decrement (td_critowe).
 */
KTEST(uma, inline_exit_takes_owed_preemption)
{
	struct thread *td = curthread;
	uma_zone_t z;
	void *item;

	z = uma_zcreate("uma test owe", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	uma_zfree(z, uma_zalloc(z, M_WAITOK));		/* warm */
	KT_ASSERT_EQ(td->td_critnest, 0);

	/* Nested: owed, but not taken until the outer section ends. */
	critical_enter();
	td->td_owepreempt = 1;		/* as a clock interrupt would */
	item = uma_zalloc(z, M_NOWAIT);
	KT_EXPECT_NOT_NULL(item);
	KT_EXPECT_EQ(td->td_critnest, 1);
	KT_EXPECT_EQ(td->td_owepreempt, 1);
	uma_zfree(z, item);
	KT_EXPECT_EQ(td->td_critnest, 1);
	KT_EXPECT_EQ(td->td_owepreempt, 1);
	critical_exit();		/* mi_switch() clears it */
	KT_EXPECT_EQ(td->td_critnest, 0);
	KT_EXPECT_EQ(td->td_owepreempt, 0);

	/* Outermost: the inline path's own exit takes it. */
	item = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(item);
	critical_enter();
	td->td_owepreempt = 1;
	td->td_critnest--;		/* leave owed, as if set just now */
	uma_zfree(z, item);
	KT_EXPECT_EQ(td->td_critnest, 0);
	KT_EXPECT_EQ(td->td_owepreempt, 0);
	critical_enter();
	td->td_owepreempt = 1;
	td->td_critnest--;
	item = uma_zalloc(z, M_NOWAIT);
	KT_EXPECT_NOT_NULL(item);
	KT_EXPECT_EQ(td->td_critnest, 0);
	KT_EXPECT_EQ(td->td_owepreempt, 0);
	uma_zfree(z, item);
	uma_zdestroy(z);
}

/*
 * M_ZERO on the inline path: a zone with no ctor zeroes the whole item
 * (its size) after taking it from the cache.
 */
KTEST(uma, inline_m_zero_clears_the_item)
{
	volatile int vflags = M_WAITOK | M_ZERO;
	uma_zone_t z;
	uint8_t *p;
	int i, bad, round;

	z = uma_zcreate("uma test zero", 200, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	for (round = 0; round < 4; round++) {
		p = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(p);
		memset(p, 0x5a, 200);
		uma_zfree(z, p);
		p = round & 1 ? uma_zalloc(z, vflags) :
		    uma_zalloc(z, M_WAITOK | M_ZERO);
		KT_ASSERT_NOT_NULL(p);
		for (i = 0, bad = 0; i < 200; i++)
			if (p[i] != 0)
				bad++;
		KT_EXPECT_EQ(bad, 0);
		uma_zfree(z, p);
	}
	uma_zdestroy(z);
}

/*
 * An item allocated on one CPU and freed on another goes into the freeing
 * CPU's cache, counted there, and comes back first there.
 */
KTEST(uma, inline_free_on_another_cpu)
{
	static void *items[100];
	struct uma_cache_stat cs0, cs1, ca0, ca1;
	uma_zone_t z;
	void *q;
	int i, other;

	if (mp_maxid < 1)
		KT_SKIP("needs 2 CPUs");
	other = mp_maxid;
	z = uma_zcreate("uma test xcpu", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	sched_bind(curthread, 0);
	uma_zone_cpu_stat(z, 0, &ca0);
	for (i = 0; i < (int)nitems(items); i++) {
		items[i] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(items[i]);
	}
	uma_zone_cpu_stat(z, 0, &ca1);
	sched_bind(curthread, other);
	uma_zone_cpu_stat(z, other, &cs0);
	for (i = 0; i < (int)nitems(items); i++)
		uma_zfree(z, items[i]);
	uma_zone_cpu_stat(z, other, &cs1);
	q = uma_zalloc(z, M_WAITOK);
	if (!UT_INVARIANTS)
		KT_EXPECT_EQ((uintptr_t)q, (uintptr_t)items[nitems(items) - 1]);
	uma_zfree(z, q);
	sched_unbind(curthread);
	KT_EXPECT_EQ(ca1.cs_allocs - ca0.cs_allocs, nitems(items));
	KT_EXPECT_EQ(cs1.cs_frees - cs0.cs_frees, nitems(items));
	uma_zdestroy(z);
}

/*
 * Emptied slabs go back to the page layer at once beyond the keg's
 * reserve (UMA_KEG_RESERVE_PAGES: one one-page slab), not at the next
 * uma_reclaim().  The zone's caches are off (uz_count 0) so that every
 * free reaches its slab.  One-page slabs: the first slab emptied stays,
 * each one after it leaves the keg and its page is free again; a
 * multi-page slab is never kept.
 */
#define	UT_RET_SLABS	4
KTEST(uma, emptied_slab_returns_its_pages)
{
	static void *items[UT_RET_SLABS * UMA_MAX_IPERS];
	struct { uint32_t size; int ppera; } k[] = { { 200, 1 }, { 3000, 3 } };
	uint64_t returned;
	u_int free0, free1;
	uma_zone_t z;
	uma_keg_t keg;
	vm_page_t m;
	void *base;
	uintptr_t page;
	uint32_t ipers, n, s, i;
	size_t c;

	for (c = 0; c < nitems(k); c++) {
		free0 = ut_baseline(k[c].size);
		z = uma_zcreate("uma test slab return", k[c].size, NULL, NULL,
		    NULL, NULL, UMA_ALIGN_PTR, 0);
		KT_ASSERT_NOT_NULL(z);
		keg = z->uz_keg;
		z->uz_count = z->uz_count_max = 0;	/* no caches */
		KT_ASSERT_EQ(keg->uk_ppera, (uint32_t)k[c].ppera);
		ipers = keg->uk_ipers;
		n = UT_RET_SLABS * ipers;
		for (i = 0; i < n; i++) {
			items[i] = uma_zalloc(z, M_WAITOK);
			KT_ASSERT_NOT_NULL(items[i]);
		}
		KT_ASSERT_EQ(keg->uk_slabs, UT_RET_SLABS);
		KT_EXPECT_EQ(keg->uk_pages, UT_RET_SLABS * keg->uk_ppera);
		returned = keg->uk_slabs_returned;
		free1 = vm_cnt.v_free_count;
		/* Items of one slab are found by their slab, whatever order. */
		for (s = 0; s < UT_RET_SLABS; s++) {
			base = NULL;
			page = 0;
			for (i = 0; i < n; i++) {
				if (items[i] == NULL)
					continue;
				if (base == NULL) {
					base = uma_item_slab(items[i]);
					page = trunc_page((uintptr_t)items[i]);
				}
				if (uma_item_slab(items[i]) != base)
					continue;
				uma_zfree(z, items[i]);
				items[i] = NULL;
			}
			KT_ASSERT_NOT_NULL(base);
			/* A kept slab's page is still its; a returned one is not. */
			m = vtopage(page);
			KT_ASSERT_NOT_NULL(m);
			KT_EXPECT_EQ(vm_page_owner(m) == VPO_UMA_SLAB &&
			    m->po_ptr == base, keg->uk_ppera == 1 && s == 0);
			if (keg->uk_ppera == 1 && s == 0) {
				/* The reserve: kept, its page still a slab's. */
				KT_EXPECT_EQ(keg->uk_freeslabs, 1);
				KT_EXPECT_EQ(keg->uk_pages,
				    UT_RET_SLABS * keg->uk_ppera);
				continue;
			}
			KT_EXPECT_EQ(keg->uk_slabs_returned, returned + 1);
			returned = keg->uk_slabs_returned;
			KT_EXPECT_EQ(keg->uk_pages, (UT_RET_SLABS - s - 1 +
			    (keg->uk_ppera == 1)) * keg->uk_ppera);
		}
		KT_EXPECT_EQ(keg->uk_free, keg->uk_ppera == 1 ? ipers : 0);
		/*
		 * The pages are the page layer's again, before any reclaim
		 * (two pages of slack for whatever else runs meanwhile).
		 */
		KT_EXPECT_GE(vm_cnt.v_free_count + 2, free1 + (UT_RET_SLABS - 1) *
		    keg->uk_ppera);
		uma_zdestroy(z);
		KT_EXPECT_GE(ut_settle() + 1, free0);
	}
}

/*
 * A bucket holds at most UMA_BUCKET_BYTES of items (one at least), so a
 * zone of big items neither fills a bucket of a dozen multi-page slabs
 * for one allocation nor keeps more than a bucket's bytes in a CPU's
 * alloc or free bucket.
 */
KTEST(uma, bucket_bytes_bounded)
{
	static const struct { uint32_t size, count_max; } b[] = {
		{ 64, 124 }, { 128, 60 }, { 256, 28 }, { 512, 12 },
		{ 1024, 8 }, { 4096, 2 }, { 8192, 1 }, { 57344, 1 },
	};
	struct uma_cache_stat cs;
	uma_zone_t z;
	void *items[8];
	size_t i;
	int j, cpu;

	for (i = 0; i < nitems(b); i++) {
		z = uma_zcreate("uma test bucket bytes", b[i].size, NULL, NULL,
		    NULL, NULL, UMA_ALIGN_PTR, 0);
		KT_ASSERT_NOT_NULL(z);
		KT_EXPECT_EQ(z->uz_count_max, b[i].count_max);
		KT_EXPECT_LE(z->uz_count, z->uz_count_max);
		KT_EXPECT_LE((uint64_t)z->uz_count_max * z->uz_keg->uk_rsize,
		    MAX(UMA_BUCKET_BYTES, z->uz_keg->uk_rsize));
		sched_bind(curthread, 0);
		items[0] = uma_zalloc(z, M_WAITOK);
		KT_ASSERT_NOT_NULL(items[0]);
		/* One allocation takes at most a bucket's worth of slabs. */
		KT_EXPECT_LE(z->uz_keg->uk_slabs, MAX(1, howmany(UMA_BUCKET_BYTES /
		    z->uz_keg->uk_rsize, z->uz_keg->uk_ipers)));
		for (j = 1; j < (int)nitems(items); j++)
			items[j] = uma_zalloc(z, M_WAITOK);
		for (j = 0; j < (int)nitems(items); j++)
			uma_zfree(z, items[j]);
		cpu = curcpu;
		uma_zone_cpu_stat(z, cpu, &cs);
		KT_EXPECT_LE((uint32_t)cs.cs_alloccnt, z->uz_count_max);
		KT_EXPECT_LE((uint32_t)cs.cs_freecnt, z->uz_count_max);
		sched_unbind(curthread);
		uma_zdestroy(z);
	}
}

/*
 * Idle caches (uma_int.h, 4a): when UMA's memory grows past its peak, a
 * zone whose cache on this CPU saw no allocation and no free for a whole
 * trim period gives its cached items back to its slabs; a zone in use
 * keeps its cache.
 */
/* A counter's value through ut_sysctl_int(), -1 if it cannot be read. */
static int64_t
ut_counter(const char *name)
{
	int64_t v;

	return (ut_sysctl_int(name, &v) == 0 ? v : -1);
}

KTEST(uma, idle_caches_trimmed_as_memory_grows)
{
	uma_zone_t idle, busy, grow;
	int64_t trims0, items0;
	void *it, *b;
	int i, n = 100, ngrow = 4 * UMA_TRIM_PAGES;

	idle = uma_zcreate("uma test idle", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	busy = uma_zcreate("uma test busy", 64, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	grow = uma_zcreate("uma test grow", PAGE_SIZE, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(idle);
	KT_ASSERT_NOT_NULL(busy);
	KT_ASSERT_NOT_NULL(grow);
	KT_ASSERT_LE(ngrow, (int)nitems(ut_items));
	uma_reclaim();		/* periods count from here */
	sched_bind(curthread, 0);
	for (i = 0; i < n; i++)
		ut_items[i] = uma_zalloc(idle, M_WAITOK);
	for (i = 0; i < n; i++)
		uma_zfree(idle, ut_items[i]);
	b = uma_zalloc(busy, M_WAITOK);
	uma_zfree(busy, b);
	KT_EXPECT_GE(ut_stat(idle).zs_cached, (uint32_t)n);
	KT_EXPECT_GT(ut_stat(busy).zs_cached, 0);
	trims0 = ut_counter("vm.uma_trims");
	items0 = ut_counter("vm.uma_trimmed_items");
	KT_ASSERT_GE(trims0, 0);
	KT_ASSERT_GE(items0, 0);
	/* Four periods of growth; busy is used in each, idle never. */
	for (i = 0; i < ngrow; i++) {
		ut_items[i] = uma_zalloc(grow, M_WAITOK);
		KT_ASSERT_NOT_NULL(ut_items[i]);
		b = uma_zalloc(busy, M_WAITOK);
		uma_zfree(busy, b);
	}
	KT_EXPECT_GE(ut_counter("vm.uma_trims"), trims0 + 2);
	KT_EXPECT_GE(ut_counter("vm.uma_trimmed_items"), items0 + n);
	KT_EXPECT_EQ(ut_stat(idle).zs_cached, 0);
	KT_EXPECT_EQ(ut_stat(idle).zs_used, 0);
	KT_EXPECT_GT(ut_stat(busy).zs_cached, 0);
	/* Memory that churns below its peak trims nothing. */
	for (i = 0; i < ngrow; i++)
		uma_zfree(grow, ut_items[i]);
	uma_zone_drain(grow);
	KT_EXPECT_EQ(ut_stat(grow).zs_pages, 0);
	trims0 = ut_counter("vm.uma_trims");
	for (i = 0; i < ngrow; i++)
		ut_items[i] = uma_zalloc(grow, M_WAITOK);
	for (i = 0; i < ngrow; i++)
		uma_zfree(grow, ut_items[i]);
	KT_EXPECT_EQ(ut_counter("vm.uma_trims"), trims0);
	it = uma_zalloc(idle, M_WAITOK);	/* a trimmed zone still works */
	KT_EXPECT_NOT_NULL(it);
	uma_zfree(idle, it);
	sched_unbind(curthread);
	uma_zdestroy(grow);
	uma_zdestroy(busy);
	uma_zdestroy(idle);
}
