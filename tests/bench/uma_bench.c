/*
 * UMA benchmarks: the per-CPU fast path, the keg path without caches,
 * the slab path in bulk, scaling over CPUs, cross-CPU frees, slab waste.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/smp.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <vm/uma.h>
#include <vm/uma_int.h>

#define	BENCH_ITEM_SIZE	128

static uma_zone_t
bench_zone(const char *name, int cached)
{
	uma_zone_t zone;
	void *item;

	zone = uma_zcreate(name, BENCH_ITEM_SIZE, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	if (!cached)
		zone->uz_count = zone->uz_count_max = 0;
	/* Warm: one item through the whole path, so buckets exist. */
	item = uma_zalloc(zone, M_WAITOK);
	uma_zfree(zone, item);
	return (zone);
}

static void
bench_pairs(struct bench_ctx *b, uma_zone_t zone)
{
	uint64_t i;
	void *item;

	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		item = uma_zalloc(zone, M_NOWAIT);
		uma_zfree(zone, item);
	}
	bench_stop(b);
}

BENCH(uma_pair_warm, "uma_zalloc + uma_zfree, warm per-CPU cache")
{
	uma_zone_t zone = bench_zone("bench warm", 1);

	bench_pairs(b, zone);
	uma_zdestroy(zone);
}

BENCH(uma_pair_nocache, "uma_zalloc + uma_zfree, per-CPU cache bypassed")
{
	uma_zone_t zone = bench_zone("bench nocache", 0);

	bench_pairs(b, zone);
	uma_zdestroy(zone);
}

#define	BATCH	100000

BENCH_ITERS(uma_batch_100k, "allocate 100,000 items then free them (per item)",
    BATCH)
{
	static void *items[BATCH];
	uma_zone_t zone = bench_zone("bench batch", 1);
	uint64_t i, n = MIN(b->bc_iters, BATCH);

	b->bc_iters = n;
	bench_start(b);
	for (i = 0; i < n; i++)
		items[i] = uma_zalloc(zone, M_WAITOK);
	for (i = 0; i < n; i++)
		uma_zfree(zone, items[i]);
	bench_stop(b);
	uma_zdestroy(zone);
}

/*
 * A CPU that only frees: 100,000 items allocated (untimed), then freed
 * (per free).  The alloc bucket is full after the first frees, so this is
 * the cost of a free into a full alloc bucket.
 */
BENCH_ITERS(uma_free_full_bucket, "free of 100,000 items, alloc bucket full "
    "(per free)", BATCH)
{
	static void *items[BATCH];
	uma_zone_t zone = bench_zone("bench freer", 1);
	uint64_t i, n = MIN(b->bc_iters, BATCH);

	b->bc_iters = n;
	for (i = 0; i < n; i++)
		items[i] = uma_zalloc(zone, M_WAITOK);
	bench_start(b);
	for (i = 0; i < n; i++)
		uma_zfree(zone, items[i]);
	bench_stop(b);
	uma_zdestroy(zone);
}

/* Every CPU doing pairs on one zone; the zone is made by the first in. */
static uma_zone_t	shared_zone;
static volatile u_int	shared_users;

BENCH_FLAGS(uma_pair_allcpus, "uma_zalloc + uma_zfree on every CPU, one zone",
    0, BENCH_ALLCPUS)
{
	static struct mtx shared_mtx;
	static int inited;

	if (atomic_cmpset_int((volatile u_int *)&inited, 0, 1))
		mtx_init(&shared_mtx, "bench shared", NULL, MTX_DEF);
	while (atomic_load_acq_int((volatile u_int *)&inited) != 1)
		;
	mtx_lock(&shared_mtx);
	if (shared_users++ == 0)
		shared_zone = bench_zone("bench shared", 1);
	mtx_unlock(&shared_mtx);
	bench_pairs(b, shared_zone);
	mtx_lock(&shared_mtx);
	if (--shared_users == 0) {
		uma_zdestroy(shared_zone);
		shared_zone = NULL;
	}
	mtx_unlock(&shared_mtx);
}

/*
 * Cross-CPU free: the instance on CPU 0 allocates and passes items through
 * a ring to the instance on CPU 1, which frees them.  Per item handed over.
 */
#define	RING	1024
static void * volatile	xring[RING];
static volatile uint64_t xhead, xtail;
static uma_zone_t	xzone;
static volatile u_int	xready;

BENCH_FLAGS(uma_xcpu_free, "CPU 0 allocates, CPU 1 frees (per item)", 0,
    BENCH_ALLCPUS)
{
	uint64_t i;
	void *item;

	if (b->bc_ncpu < 2) {
		bench_start(b);
		bench_stop(b);
		bench_report(b, "skipped_needs_2_cpus", 1);
		return;
	}
	if (b->bc_cpu == 0) {
		xhead = xtail = 0;
		xzone = bench_zone("bench xcpu", 1);
		atomic_store_rel_int(&xready, 1);
	} else
		while (atomic_load_acq_int(&xready) == 0)
			cpu_pause();
	bench_start(b);
	if (b->bc_cpu == 0) {
		for (i = 0; i < b->bc_iters; i++) {
			item = uma_zalloc(xzone, M_WAITOK);
			while (xhead - xtail >= RING)
				cpu_pause();
			xring[xhead % RING] = item;
			atomic_store_rel_64(&xhead, xhead + 1);
		}
	} else if (b->bc_cpu == 1) {
		for (i = 0; i < b->bc_iters; i++) {
			while (atomic_load_acq_64(&xhead) == xtail)
				cpu_pause();
			item = xring[xtail % RING];
			atomic_store_rel_64(&xtail, xtail + 1);
			uma_zfree(xzone, item);
		}
	}
	bench_stop(b);
	if (b->bc_cpu == 1) {
		atomic_store_rel_int(&xready, 2);
	} else if (b->bc_cpu == 0) {
		while (atomic_load_acq_int(&xready) != 2)
			cpu_pause();
		uma_zdestroy(xzone);
		atomic_store_rel_int(&xready, 0);
	}
}

/*
 * Slab waste of every zone, in tenths of a percent (FreeBSD's bound: 100):
 * the bytes of a slab that hold no item (alignment padding and spare
 * bytes), over the slab's size.  An on-page header (struct uma_slab and
 * its free-list index, and a refcount keg's counters) is the slab's
 * overhead, not waste (issue 11, item 5), and is not counted; an off-page
 * header lives in "UMA Slabs", whose own slabs are reported.
 */
static void
waste_one(uma_zone_t zone, void *arg)
{
	struct bench_ctx *b = arg;
	uma_keg_t keg = zone->uz_keg;
	char name[64], *p;
	uint64_t slab, used;

	slab = ptoa(keg->uk_ppera);
	used = (uint64_t)keg->uk_ipers * keg->uk_size;
	if ((keg->uk_flags & UMA_ZONE_OFFPAGE) == 0)
		used += keg->uk_hdrsize;
	snprintf(name, sizeof(name), "waste_permille:%s", zone->uz_name);
	for (p = name; *p != '\0'; p++)
		if (*p == ' ')
			*p = '_';
	bench_report(b, name, (slab - used) * 1000 / slab);
}

BENCH_ITERS(uma_slab_waste, "slab waste of every zone at boot", 1)
{
	bench_start(b);
	bench_stop(b);
	uma_zone_foreach(waste_one, b);
}

/* The ideal for scaling: a critical section and a per-CPU counter. */
static struct { uint64_t n; } __aligned(64) pcpu_cnt[MAXCPU];

static void
pcpu_counter_loop(struct bench_ctx *b)
{
	uint64_t i;
	struct thread *td;

	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		td = critical_enter_td();
		pcpu_cnt[curcpu].n++;
		critical_exit_td(td);
	}
	bench_stop(b);
}

BENCH_FLAGS(pcpu_counter_allcpus,
    "critical section + per-CPU counter on every CPU (scaling reference)", 0,
    BENCH_ALLCPUS)
{
	pcpu_counter_loop(b);
}

/*
 * Scaling within one boot (issue 11): the same loops on CPU 0 alone and
 * then on every CPU, the per-CPU counter giving the ceiling, i.e. what
 * perfect scaling of a per-CPU operation looks like on this host.
 */
#define	SCALE_ITERS	1500000

/*
 * Five times the pair's count: a counter step is about a fourth as long
 * (the runner measures the proportion and evens the calls out).
 */
BENCH_SCALING(pcpu_counter_scaling, "per-CPU counter, 1 CPU then all CPUs "
    "in one boot (the scaling ceiling)", 5 * SCALE_ITERS, NULL, NULL, NULL)
{
	pcpu_counter_loop(b);
}

static uma_zone_t	scale_zone;

static void
scale_setup(void)
{
	scale_zone = bench_zone("bench scaling", 1);
}

static void
scale_teardown(void)
{
	uma_zdestroy(scale_zone);
	scale_zone = NULL;
}

BENCH_SCALING(uma_scaling, "uma_pair_warm's loop on 1 CPU then on all CPUs "
    "in one boot, one zone, against the per-CPU counter", SCALE_ITERS,
    BENCH_REF(pcpu_counter_scaling), scale_setup, scale_teardown)
{
	bench_pairs(b, scale_zone);
}

