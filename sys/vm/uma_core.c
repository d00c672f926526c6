/*
 * UMA core: zones, kegs, slabs, buckets, per-CPU caches, limits, reclaim,
 * bootstrap and statistics.  The design (objects, layers, lifecycle,
 * slab layout, lock order) is described at the top of uma_int.h.
 *
 * The two KPI entry points are written as a short fast path that touches
 * only this CPU's cache inside a critical section, and a slow path (the
 * functions named *_slow and zone_*) that is never inlined into them.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/kthread.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>
#include <vm/uma.h>
#include <vm/uma_int.h>
#include <vm/memguard.h>

/*
 * Globals.
 *   uma_mtx		kegs and zones lists (lock order: first)
 *   uma_reclaim_mtx	one uma_reclaim() at a time
 *   uma_leaked_items	items still allocated when their zone was destroyed
 */
static struct mtx	uma_mtx;
static struct mtx	uma_reclaim_mtx;
static LIST_HEAD(, uma_keg) uma_kegs = LIST_HEAD_INITIALIZER(uma_kegs);
static struct zonelist	uma_zones = TAILQ_HEAD_INITIALIZER(uma_zones);
static int		uma_zone_count;
u_long			uma_leaked_items;
static volatile u_int	uma_reclaims;		/* uma_reclaim() runs */
static volatile u_long	uma_pages_held;		/* by all kegs */
static u_long		uma_trim_next;		/* held that ends a period */
static volatile u_int	uma_trim_period;
static u_int		uma_trim_seen[MAXCPU];	/* period a CPU trimmed */
static volatile u_int	uma_trimming;		/* one trim at a time */
static volatile u_int	uma_trims;		/* trims run */
static volatile u_long	uma_trimmed_items;	/* items they gave back */
static volatile int	uma_reclaim_wanted;	/* lowmem asked for one */

/* The bootstrap zones: kegs and zones are themselves items of zones. */
static struct uma_keg	masterkeg_k, masterkeg_z;
static struct uma_zone	masterzone_k, masterzone_z;
static uma_zone_t	kegs = &masterzone_k;
static uma_zone_t	zones = &masterzone_z;
static uma_zone_t	slabzone;		/* "UMA Slabs" */
static uma_zone_t	slabrefzone;		/* "UMA RCntSlabs" */

/*
 * Bucket zones, named by their size in pointers: a bucket fills exactly
 * that many words (header included) and is cache-line aligned, so two
 * CPUs' buckets never share a line.
 */
#define	BUCKET_ENTRIES(words)						\
	(((words) * sizeof(void *) - sizeof(struct uma_bucket)) / sizeof(void *))

static struct bucket_zone {
	uma_zone_t	bz_zone;
	const char	*bz_name;
	int		bz_words;
	int		bz_entries;
} bucket_zones[BUCKET_ZONES] = {
	{ NULL, "16 Bucket", 16, BUCKET_ENTRIES(16) },
	{ NULL, "32 Bucket", 32, BUCKET_ENTRIES(32) },
	{ NULL, "64 Bucket", 64, BUCKET_ENTRIES(64) },
	{ NULL, "128 Bucket", 128, BUCKET_ENTRIES(128) },
};

/* uma.h's inline paths find the per-CPU caches at this offset. */
CTASSERT(__offsetof(struct uma_zone, uz_cpu) == UMA_ZONE_CPU_OFFSET);
CTASSERT(__offsetof(struct uma_zone, uz_head) == 0);

/*
 * An empty bucket with no room stands in for "no alloc bucket", so the
 * fast paths need no NULL test: it never has an item nor takes one.
 */
static struct uma_bucket uma_nobucket;

#define	SLAB_HDR_BASE	sizeof(struct uma_slab)
#define	SKIP_NONE	0
#define	SKIP_FINI	1

static void	zfree_cache(uma_zone_t, void *);
static void	*zone_alloc_item(uma_zone_t, void *, int);
static void	zone_release_item(uma_zone_t, void *, int);
static void	zone_count(uma_zone_t, int);
static void	*zone_alloc_guarded(uma_zone_t, void *, int, int *);
static void	zone_free_guarded(uma_zone_t, void *, void *);
static void	zone_drain_buckets(uma_zone_t);
static __inline void uma_trim_check(void);

/*
 * Slab geometry
 */

static uint32_t
slab_hdrsize(uint32_t ipers, uint32_t flags, uint32_t *refoff)
{
	uint32_t size;

	size = roundup2((uint32_t)SLAB_HDR_BASE + ipers, sizeof(uint32_t));
	if (refoff != NULL)
		*refoff = size;
	if ((flags & UMA_ZONE_REFCNT) != 0)
		size += ipers * sizeof(uint32_t);
	return (roundup2(size, sizeof(void *)));
}

/*
 * Choose pages per slab, items per slab and where the header goes: the
 * fewest pages where the space no item uses (alignment padding, spare
 * bytes and an on-page free-list index together) is at most UMA_MAX_WASTE
 * percent of the slab, the header on the page when that is good enough,
 * else the least wasteful layout found.  Of that space the index is slab
 * overhead and the rest waste (space no item can use); the bound holds
 * for both together.  A refcount keg's counters, when on the page,
 * count as its items'.
 * The index of one byte per item lets a one-page slab of 16-byte items
 * meet the bound (238 items, 7% left over).
 */
void
uma_keg_geometry(uint32_t size, uint32_t align, uint32_t flags,
    uint32_t *rsizep, uint32_t *pperap, uint32_t *ipersp, int *offpagep)
{
	uint32_t rsize, ppera, total, ipers, waste;
	uint32_t best_ppera = 0, best_ipers = 0, best_waste = ~0u;
	int best_off = 0, pass, off, onpage_only;

	rsize = roundup2(MAX(size, UMA_SMALLEST_UNIT), align + 1);
	onpage_only = (flags & (UMA_ZFLAG_INTERNAL | UMA_ZONE_VM)) != 0;
	for (ppera = 1; ppera <= UMA_MAX_PPERA; ppera++) {
		total = ppera * PAGE_SIZE;
		if (rsize > total)
			continue;
		for (pass = 0; pass < 2; pass++) {
			off = pass;
			if (off ? onpage_only : (flags & UMA_ZONE_OFFPAGE) != 0)
				continue;
			if (!off) {
				ipers = MIN((total - SLAB_HDR_BASE) /
				    (rsize + 1), UMA_MAX_IPERS);
				while (ipers > 0 && ipers * rsize +
				    slab_hdrsize(ipers, flags, NULL) > total)
					ipers--;
			} else
				ipers = MIN(total / rsize, UMA_OFFPAGE_MAXIPERS);
			if (ipers == 0)
				continue;
			waste = total - ipers * (MAX(size, 1) +
			    (!off && (flags & UMA_ZONE_REFCNT) != 0 ?
			    (uint32_t)sizeof(uint32_t) : 0));
			if (waste * 100 <= total * UMA_MAX_WASTE) {
				*rsizep = rsize;
				*pperap = ppera;
				*ipersp = ipers;
				*offpagep = off;
				return;
			}
			if (waste * 100 / total < best_waste) {
				best_waste = waste * 100 / total;
				best_ppera = ppera;
				best_ipers = ipers;
				best_off = off;
			}
		}
	}
	if (best_ppera == 0)
		panic("UMA: no slab layout for %u-byte items (flags %#x)",
		    size, flags);
	*rsizep = rsize;
	*pperap = best_ppera;
	*ipersp = best_ipers;
	*offpagep = best_off;
}

/*
 * Page suppliers
 */

/* One page through the direct map. */
static void *
page_alloc_small(uma_zone_t zone __unused, vm_size_t size, uint8_t *pflag,
    int wait)
{
	vm_page_t m;
	int req;

	KASSERT(size == PAGE_SIZE, ("page_alloc_small: size %lu", size));
	req = (wait & (M_NOWAIT | M_USE_RESERVE)) == M_NOWAIT ?
	    VM_ALLOC_INTERRUPT : VM_ALLOC_SYSTEM;
	req |= VM_ALLOC_WIRED | ((wait & M_ZERO) != 0 ? VM_ALLOC_ZERO : 0);
	while ((m = vm_page_alloc(NULL, 0, req)) == NULL) {
		if ((wait & M_NOWAIT) != 0)
			return (NULL);
		vm_wait();
	}
	*pflag = UMA_SLAB_DMAP;
	return ((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)));
}

/*
 * Several pages: physically contiguous through the direct map when a run
 * is free, so that a free finds the slab's page by arithmetic; else
 * mapped into kmem_map (a free then walks the page table).
 */
static void *
page_alloc_kmem(uma_zone_t zone __unused, vm_size_t size, uint8_t *pflag,
    int wait)
{
	vm_page_t m;

	m = vm_page_alloc_contig(atop(size), 0, ~(vm_paddr_t)0, PAGE_SIZE, 0);
	if (m != NULL) {
		*pflag = UMA_SLAB_DMAP;
		return ((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)));
	}
	*pflag = UMA_SLAB_KMEM;
	return ((void *)kmem_malloc(kmem_map, size, wait));
}

static void
page_free(void *mem, vm_size_t size, uint8_t flags)
{
	vm_page_t m;

	if ((flags & UMA_SLAB_DMAP) != 0) {
		m = PHYS_TO_VM_PAGE(DMAP_TO_PHYS((vm_offset_t)mem));
		if (size == PAGE_SIZE)
			vm_page_free(m);
		else
			vm_page_release_contig(m, atop(size));
	} else if ((flags & UMA_SLAB_KMEM) != 0)
		kmem_free(kmem_map, (vm_offset_t)mem, size);
	else if ((flags & UMA_SLAB_KERNEL) != 0)
		kmem_free(kernel_map, (vm_offset_t)mem, size);
	else
		panic("UMA: page_free used with invalid flags %d", flags);
}

static int
zero_init(void *mem, int size, int flags __unused)
{
	bzero(mem, size);
	return (0);
}

/*
 * Slabs.  Called with the keg lock held; keg_alloc_slab drops it while it
 * gets pages and runs the keg init, and takes it again.
 */

static void
keg_set_full(uma_keg_t keg, int full)
{
	uma_zone_t z;

	KEG_LOCK_ASSERT(keg);
	if (full) {
		keg->uk_flags |= UMA_ZFLAG_FULL;
		TAILQ_FOREACH(z, &keg->uk_zones, uz_klink)
			atomic_set_int(&z->uz_flags, UMA_ZFLAG_FULL);
	} else {
		keg->uk_flags &= ~UMA_ZFLAG_FULL;
		TAILQ_FOREACH(z, &keg->uk_zones, uz_klink)
			atomic_clear_int(&z->uz_flags, UMA_ZFLAG_FULL);
	}
}

/* Give the slab's pages to slab (or, NULL, take them back). */
static void
slab_set_pages(uma_keg_t keg, void *mem, uma_slab_t slab)
{
	uint32_t i;

	for (i = 0; i < keg->uk_ppera; i++)
		vm_page_set_owner(vtopage((vm_offset_t)mem + ptoa(i)),
		    slab != NULL ? VPO_UMA_SLAB : VPO_NONE, slab,
		    slab != NULL ? (u_long)keg->uk_cookie : 0);
}

/* Give a slab that is off the keg's lists back to the page layer. */
static void
slab_release(uma_keg_t keg, uma_slab_t slab, uint32_t ninit)
{
	uint8_t *mem;
	uint8_t flags;
	uint32_t i;

	if (keg->uk_fini != NULL)
		for (i = ninit; i > 0; i--)
			keg->uk_fini(slab->us_data + (i - 1) * keg->uk_rsize,
			    keg->uk_size);
	mem = (uint8_t *)((vm_offset_t)slab->us_data & ~UMA_SLAB_MASK);
	flags = slab->us_flags;
	slab_set_pages(keg, mem, NULL);
	if ((keg->uk_flags & UMA_ZONE_OFFPAGE) != 0)
		zone_release_item(keg->uk_slabzone, slab, SKIP_NONE);
	keg->uk_freef(mem, ptoa(keg->uk_ppera), flags);
	atomic_subtract_long(&uma_pages_held, keg->uk_ppera);
}

/*
 * Slab pages taken by any keg: a new trim period begins each time the
 * pages held pass their highest count by UMA_TRIM_PAGES (uma_int.h 4a).
 */
static void
uma_pages_count(u_int pages)
{
	u_long held;

	held = atomic_fetchadd_long(&uma_pages_held, pages) + pages;
	if (__predict_false(held >= uma_trim_next)) {
		uma_trim_next = held + UMA_TRIM_PAGES;
		atomic_add_int(&uma_trim_period, 1);
	}
}

static uma_slab_t
keg_alloc_slab(uma_keg_t keg, uma_zone_t zone, int wait)
{
	uma_slab_t slab;
	uint8_t *mem;
	uint8_t flags;
	uint32_t i, color;

	KEG_LOCK_ASSERT(keg);
	color = keg->uk_nextcolor;
	keg->uk_nextcolor = (color + 1) % keg->uk_colors;
	keg->uk_pages += keg->uk_ppera;		/* reserved against the limit */
	KEG_UNLOCK(keg);

	slab = NULL;
	if ((keg->uk_flags & UMA_ZONE_OFFPAGE) != 0) {
		slab = zone_alloc_item(keg->uk_slabzone, NULL,
		    wait & ~M_ZERO);
		if (slab == NULL)
			goto fail;
	}
	flags = 0;
	mem = keg->uk_allocf(zone, ptoa(keg->uk_ppera), &flags,
	    wait & ~M_ZERO);
	if (mem == NULL) {
		if (slab != NULL)
			zone_release_item(keg->uk_slabzone, slab, SKIP_NONE);
		goto fail;
	}
	uma_pages_count(keg->uk_ppera);
	if ((keg->uk_flags & UMA_ZONE_OFFPAGE) == 0)
		slab = (uma_slab_t)(mem + keg->uk_pgoff);
	slab->us_keg = keg;
	slab->us_data = mem + color * keg->uk_colorstep;
	slab->us_flags = flags;
	slab->us_freecount = keg->uk_ipers;
	slab->us_firstfree = 0;
	for (i = 0; i < keg->uk_ipers; i++)
		slab->us_freelist[i] = i + 1;
	slab->us_freelist[keg->uk_ipers - 1] = UMA_FREELIST_END;
	if ((keg->uk_flags & UMA_ZONE_REFCNT) != 0)
		bzero(slab_refcnts(keg, slab),
		    keg->uk_ipers * sizeof(uint32_t));
	slab_set_pages(keg, mem, slab);
	if (keg->uk_init != NULL)
		for (i = 0; i < keg->uk_ipers; i++)
			if (keg->uk_init(slab->us_data + i * keg->uk_rsize,
			    keg->uk_size, wait) != 0) {
				slab_release(keg, slab, i);
				goto fail;
			}
	KEG_LOCK(keg);
	keg->uk_free += keg->uk_ipers;
	keg->uk_slabs++;
	keg->uk_freeslabs++;
	LIST_INSERT_HEAD(&keg->uk_free_slab, slab, us_link);
	return (slab);

fail:
	KEG_LOCK(keg);
	keg->uk_pages -= keg->uk_ppera;
	if (keg->uk_sleepers != 0)
		wakeup(keg);
	return (NULL);
}

static void
zone_log_warning(uma_zone_t zone)
{
	if (zone->uz_warning == NULL)
		return;
	if (zone->uz_warnings != 0 && (u_int)(ticks - zone->uz_warn_ticks) <
	    (u_int)hz)
		return;
	zone->uz_warn_ticks = ticks;
	zone->uz_warnings++;
	printf("[zone: %s] %s\n", zone->uz_name, zone->uz_warning);
}

/*
 * A slab of the keg with a free item, or NULL (M_NOWAIT or M_NOVM and
 * nothing free, the limit reached with M_NOWAIT, or no memory).  At the
 * limit an M_WAITOK caller sleeps until an item comes back.
 */
static uma_slab_t
keg_fetch_slab(uma_keg_t keg, uma_zone_t zone, int flags)
{
	uma_slab_t slab;

	KEG_LOCK_ASSERT(keg);
	for (;;) {
		if ((slab = LIST_FIRST(&keg->uk_part_slab)) != NULL)
			return (slab);
		if ((slab = LIST_FIRST(&keg->uk_free_slab)) != NULL) {
			LIST_REMOVE(slab, us_link);
			keg->uk_freeslabs--;
			LIST_INSERT_HEAD(&keg->uk_part_slab, slab, us_link);
			return (slab);
		}
		if ((flags & M_NOVM) != 0)
			return (NULL);
		if (keg->uk_maxpages != 0 &&
		    keg->uk_pages + keg->uk_ppera > keg->uk_maxpages) {
			keg_set_full(keg, 1);
			zone_log_warning(zone);
			if ((flags & M_NOWAIT) != 0)
				return (NULL);
			atomic_add_64(&zone->uz_sleeps, 1);
			keg->uk_sleepers++;
			msleep(keg, &keg->uk_lock, PVM, "keglimit", 0);
			keg->uk_sleepers--;
			continue;
		}
		slab = keg_alloc_slab(keg, zone, flags);
		if (slab == NULL)
			return (NULL);
	}
}

static void *
slab_alloc_item(uma_keg_t keg, uma_slab_t slab)
{
	uint32_t i;

	KEG_LOCK_ASSERT(keg);
	i = slab->us_firstfree;
	KASSERT(i < keg->uk_ipers, ("UMA: keg %s slab %p free list index "
	    "%u out of range", keg->uk_name, slab, i));
	slab->us_firstfree = slab->us_freelist[i];
	slab->us_freecount--;
	keg->uk_free--;
	if (slab->us_freecount == 0) {
		LIST_REMOVE(slab, us_link);
		LIST_INSERT_HEAD(&keg->uk_full_slab, slab, us_link);
	}
	return (slab->us_data + i * keg->uk_rsize);
}

/* An emptied slab beyond the reserve, off the keg's lists: its pages back. */
static __noinline void
keg_release_slab(uma_keg_t keg, uma_slab_t slab)
{
	slab_release(keg, slab, keg->uk_ipers);
}

/*
 * The reserve of empty slabs a keg keeps for its next allocations
 * (uk_reserve, set by keg_setup): at most UMA_KEG_RESERVE_PAGES pages of
 * them, so one one-page slab and never a multi-page one.  Beyond it an
 * emptied slab goes back to the page layer at once, as Linux's SLUB frees
 * empty slabs beyond min_partial, rather than waiting for uma_reclaim()
 * as FreeBSD 5 did: the pages a keg holds then follow its live items, not
 * the sum of its past peaks.  The per-CPU buckets in front of the keg
 * absorb the churn the reserve would otherwise have to.  NOFREE kegs keep
 * every slab; UMA's own kegs (buckets, slab headers, kegs, zones), whose
 * items the caches themselves take and give back all the time, keep
 * their empty slabs until uma_reclaim(), as before.
 */
static __inline int
keg_keeps_slab(uma_keg_t keg)
{
	return (keg->uk_freeslabs < keg->uk_reserve);
}

/*
 * Put item back in its slab.  A slab left empty stays on the keg's free
 * list while the free list is within the keg's reserve (keg_keeps_slab);
 * beyond it the slab leaves the keg and is returned, for the caller to
 * give to slab_release() once the keg lock is dropped.  NULL otherwise.
 */
static uma_slab_t
slab_free_item(uma_keg_t keg, uma_slab_t slab, void *item)
{
	uma_slab_t gone = NULL;
	uint32_t i;

	KEG_LOCK_ASSERT(keg);
	i = slab_item_index(keg, slab, item);
	slab->us_freelist[i] = slab->us_firstfree;
	slab->us_firstfree = i;
	slab->us_freecount++;
	keg->uk_free++;
	if (slab->us_freecount == keg->uk_ipers) {
		LIST_REMOVE(slab, us_link);
		if (keg_keeps_slab(keg)) {
			LIST_INSERT_HEAD(&keg->uk_free_slab, slab, us_link);
			keg->uk_freeslabs++;
		} else {
			keg->uk_pages -= keg->uk_ppera;
			keg->uk_free -= keg->uk_ipers;
			keg->uk_slabs--;
			keg->uk_slabs_returned++;
			gone = slab;
		}
	} else if (slab->us_freecount == 1) {
		LIST_REMOVE(slab, us_link);
		LIST_INSERT_HEAD(&keg->uk_part_slab, slab, us_link);
	}
	if ((keg->uk_flags & UMA_ZFLAG_FULL) != 0)
		keg_set_full(keg, 0);
	if (keg->uk_sleepers != 0)
		wakeup(keg);
	return (gone);
}

uma_slab_t
uma_item_slab(void *item)
{
	return (vtoslab((vm_offset_t)item));
}

/* This CPU's cache of zone; the caller is in a critical section. */
static __inline uma_cache_t
zone_cache(uma_zone_t zone)
{
	CRITICAL_ASSERT(curthread);
	return (&zone->uz_cpu[curcpu]);
}

/*
 * Items between a zone and its keg
 */

/* One item straight from the keg, zinit'd and ctor'd; counted. */
static void *
zone_alloc_item(uma_zone_t zone, void *udata, int flags)
{
	uma_keg_t keg = zone->uz_keg;
	uma_slab_t slab;
	void *item;

	KEG_LOCK(keg);
	slab = keg_fetch_slab(keg, zone, flags);
	if (slab == NULL) {
		KEG_UNLOCK(keg);
		atomic_add_64(&zone->uz_fails, 1);
		return (NULL);
	}
	item = slab_alloc_item(keg, slab);
	KEG_UNLOCK(keg);
	if (zone->uz_init != NULL &&
	    zone->uz_init(item, zone->uz_size, flags) != 0) {
		zone_release_item(zone, item, SKIP_FINI);
		atomic_add_64(&zone->uz_fails, 1);
		return (NULL);
	}
	zone_count(zone, 1);
	if ((zone->uz_flags & UMA_ZFLAG_DEBUG) != 0)
		uma_dbg_alloc(zone, item);
	if (zone->uz_ctor != NULL &&
	    zone->uz_ctor(item, zone->uz_size, udata, flags) != 0) {
		if ((zone->uz_flags & UMA_ZFLAG_DEBUG) != 0)
			uma_dbg_free(zone, item);
		zone_release_item(zone, item, SKIP_NONE);
		zone_count(zone, 0);
		atomic_add_64(&zone->uz_fails, 1);
		return (NULL);
	}
	if ((flags & M_ZERO) != 0)
		bzero(item, zone->uz_size);
	return (item);
}

/* An item leaves the zone for its slab (zfini first unless skipped). */
static void
zone_release_item(uma_zone_t zone, void *item, int skip)
{
	uma_keg_t keg = zone->uz_keg;
	uma_slab_t slab;

	if (skip == SKIP_NONE && zone->uz_fini != NULL)
		zone->uz_fini(item, zone->uz_size);
	slab = uma_item_slab(item);
	KASSERT(slab != NULL && slab->us_keg == keg,
	    ("uma: Freed item %p did not belong to zone %s", item,
	    zone->uz_name));
	KEG_LOCK(keg);
	slab = slab_free_item(keg, slab, item);
	KEG_UNLOCK(keg);
	if (__predict_false(slab != NULL))
		keg_release_slab(keg, slab);
}

/* Count an allocation or a free on this CPU. */
static void
zone_count(uma_zone_t zone, int alloc)
{
	struct thread *td;
	uma_cache_t cache;

	td = critical_enter_td();
	cache = zone_cache(zone);
	if (alloc)
		cache->uc_allocs++;
	else
		cache->uc_frees++;
	critical_exit_td(td);
}

/*
 * Buckets
 */

/* The next bucket size up from count items. */
static uint32_t
bucket_grow(uint32_t count)
{
	int i;

	for (i = 0; i < BUCKET_ZONES - 1; i++)
		if (bucket_zones[i].bz_entries > (int)count)
			break;
	return (bucket_zones[i].bz_entries);
}

/* Set zone's bucket size, and the bucket zone its buckets come from. */
static void
zone_set_count(uma_zone_t zone, uint32_t count)
{
	int i;

	for (i = 0; i < BUCKET_ZONES - 1; i++)
		if (bucket_zones[i].bz_entries >= (int)count)
			break;
	zone->uz_count = count;
	zone->uz_bzone = i;
}

/* Make b, a bucket of zone's bucket zone, an empty bucket of zone. */
static __inline void
bucket_init(uma_zone_t zone, uma_bucket_t b)
{
	b->ub_cnt = 0;
	/* A zone of big items fills only part of the smallest bucket. */
	b->ub_entries = MIN(bucket_zones[zone->uz_bzone].bz_entries,
	    (int)zone->uz_count);
	b->ub_zone = zone->uz_bzone;
}

/*
 * An empty bucket for zone; flags may carry the caller's M_NOVM.  It comes
 * from the bucket zone's per-CPU cache, as any item, and has to take a
 * zone lock and the keg lock only once per bucket of buckets: a zone of
 * big items, whose buckets hold few, frees or refills one every few
 * items.  A bucket zone's own buckets come straight from its keg, so a
 * bucket allocation never recurses.
 */
static uma_bucket_t
bucket_alloc(uma_zone_t zone, int flags)
{
	uma_bucket_t bucket;
	uma_zone_t bz = bucket_zones[zone->uz_bzone].bz_zone;

	flags = M_NOWAIT | (flags & M_NOVM) |
	    ((zone->uz_flags & UMA_ZONE_VM) != 0 ? M_NOVM : 0);
	if ((zone->uz_flags & UMA_ZFLAG_BUCKET) != 0)
		bucket = zone_alloc_item(bz, NULL, flags);
	else
		bucket = uma_zalloc(bz, flags);
	if (bucket == NULL)
		return (NULL);
	bucket_init(zone, bucket);
	return (bucket);
}

/* An empty bucket of zone back to its bucket zone (see bucket_alloc). */
static void
bucket_free(uma_zone_t zone, uma_bucket_t bucket)
{
	KASSERT(bucket->ub_cnt == 0, ("uma: freeing a bucket with %d items",
	    bucket->ub_cnt));
	if ((zone->uz_flags & UMA_ZFLAG_BUCKET) != 0)
		zone_release_item(bucket_zones[bucket->ub_zone].bz_zone, bucket,
		    SKIP_NONE);
	else
		uma_zfree(bucket_zones[bucket->ub_zone].bz_zone, bucket);
}

/*
 * A bucket's items into the keg (zfini on each), the bucket back to its
 * bucket zone.
 */
static void
bucket_drain_free(uma_zone_t zone, uma_bucket_t bucket)
{
	while (bucket->ub_cnt > 0)
		zone_release_item(zone, bucket->ub_bucket[--bucket->ub_cnt],
		    SKIP_NONE);
	bucket_free(zone, bucket);
}

/* Keep a bucket on the zone's list (items) or free it (empty). */
static void
zone_put_bucket(uma_zone_t zone, uma_bucket_t bucket)
{
	if (bucket->ub_cnt == 0) {
		bucket_free(zone, bucket);
		return;
	}
	ZONE_LOCK(zone);
	LIST_INSERT_HEAD(&zone->uz_buckets, bucket, ub_link);
	zone->uz_bucketitems += bucket->ub_cnt;
	ZONE_UNLOCK(zone);
}

/*
 * The bucket exchanges, in the fast path's critical section, for zones
 * whose buckets come from a cached bucket zone: one zone-lock round trip
 * (only tried: a critical section never waits for the lock) and one
 * inline pop or push on the bucket zone's cache on this CPU, in place of
 * leaving the section, a bucket freed or allocated through the bucket
 * zone's own inline path, a zone-lock trip and a return to the section.
 * A 0 or NULL answer means the exchange could not be had so, and the
 * caller takes the long way, which may wait.
 */

/*
 * Alloc bucket empty, free bucket without items: a full bucket off the
 * zone's list, or NULL.  The empty alloc bucket is disposed of first:
 * it becomes the free bucket when there is none (the frees to come need
 * one), or goes back to its bucket zone's cache.
 */
/*
 * The zone lock in the exchanges: the uncontested case inline (mutex.h's
 * mtx_trylock_fast/mtx_unlock_fast).  The lock is never waited for here:
 * the callers are in a critical section.
 */
static __inline int
zone_trylock_fast(uma_zone_t zone)
{
	return (mtx_trylock_fast(&zone->uz_lock));
}

static __inline void
zone_unlock_fast(uma_zone_t zone)
{
	mtx_unlock_fast(&zone->uz_lock);
}

static uma_bucket_t
cache_alloc_exchange(uma_zone_t zone, uma_cache_t cache)
{
	uma_bucket_t empty = cache->uc_allocbucket, full;

	if ((zone->uz_flags & UMA_ZFLAG_BUCKET) != 0)
		return (NULL);
	if (empty != &uma_nobucket) {
		if (cache->uc_freebucket == NULL)
			cache->uc_freebucket = empty;
		else if (!uma_cache_push(bucket_zones[empty->ub_zone].bz_zone,
		    curcpu_index(), UMA_ZFLAG_SLOWPATH, empty))
			return (NULL);
		cache->uc_allocbucket = &uma_nobucket;
	}
	/* Unlocked, a hint: the long way fills a bucket when it is empty. */
	if (LIST_EMPTY(&zone->uz_buckets) || !zone_trylock_fast(zone))
		return (NULL);
	if ((full = LIST_FIRST(&zone->uz_buckets)) != NULL) {
		LIST_REMOVE(full, ub_link);
		zone->uz_bucketitems -= full->ub_cnt;
	}
	zone_unlock_fast(zone);
	return (full);
}

/*
 * Alloc bucket full (or none), free bucket full (or none), for a zone
 * without UMA_ZFLAG_SLOWPATH: the free bucket goes to the zone's list, an
 * empty bucket from the bucket zone's cache takes item and becomes the
 * alloc bucket, the full alloc bucket becomes the free bucket (1).
 */
static int
cache_free_exchange(uma_zone_t zone, uma_cache_t cache, void *item)
{
	uma_bucket_t ab, fb = cache->uc_freebucket;
	uma_zone_t bz = bucket_zones[zone->uz_bzone].bz_zone;
	void *mem;

	if ((zone->uz_flags & UMA_ZFLAG_BUCKET) != 0 ||
	    (fb != NULL && !zone_trylock_fast(zone)))
		return (0);
	if (!uma_cache_pop(bz, curcpu_index(), UMA_ZFLAG_SLOWALLOC, &mem)) {
		if (fb != NULL)
			zone_unlock_fast(zone);
		return (0);
	}
	if (fb != NULL) {
		LIST_INSERT_HEAD(&zone->uz_buckets, fb, ub_link);
		zone->uz_bucketitems += fb->ub_cnt;
		zone_unlock_fast(zone);
	}
	bucket_init(zone, mem);
	ab = cache->uc_allocbucket;
	cache->uc_allocbucket = mem;
	cache->uc_freebucket = ab != &uma_nobucket ? ab : NULL;
	cache->uc_allocbucket->ub_bucket[0] = item;
	cache->uc_allocbucket->ub_cnt = 1;
	cache->uc_frees++;
	return (1);
}

/*
 * A bucket filled from the keg with up to uz_count items, each zinit'd;
 * NULL if not even one item could be had (*nobucket set if that was for
 * want of a bucket).  Only the first slab may wait.
 */
static uma_bucket_t
zone_fill_bucket(uma_zone_t zone, int flags, int *nobucket)
{
	uma_keg_t keg = zone->uz_keg;
	uma_bucket_t bucket;
	uma_slab_t slab;
	int max, i, waitflags = flags;

	*nobucket = 0;
	if ((bucket = bucket_alloc(zone, flags)) == NULL) {
		*nobucket = 1;
		return (NULL);
	}
	max = MIN((int)zone->uz_count, bucket->ub_entries);
	KEG_LOCK(keg);
	while (bucket->ub_cnt < max &&
	    (slab = keg_fetch_slab(keg, zone, flags)) != NULL) {
		while (slab->us_freecount > 0 && bucket->ub_cnt < max)
			bucket->ub_bucket[bucket->ub_cnt++] =
			    slab_alloc_item(keg, slab);
		flags = (flags & ~M_WAITOK) | M_NOWAIT;
	}
	KEG_UNLOCK(keg);
	/* Only the first zinit may wait, as only the first slab may. */
	if (zone->uz_init != NULL) {
		for (i = 0; i < bucket->ub_cnt; i++, waitflags = flags)
			if (zone->uz_init(bucket->ub_bucket[i], zone->uz_size,
			    waitflags) != 0)
				break;
		while (bucket->ub_cnt > i)
			zone_release_item(zone,
			    bucket->ub_bucket[--bucket->ub_cnt], SKIP_FINI);
	}
	if (bucket->ub_cnt == 0) {
		bucket_free(zone, bucket);
		return (NULL);
	}
	return (bucket);
}

/*
 * Items on MemGuard's pages (vm.memguard.desc names the zone): they go
 * through keg init, zinit and ctor like any item, but never into a slab
 * or a bucket.  *declined is set when MemGuard had no room, so that the
 * caller serves the request from the caches instead.
 */
static void *
zone_alloc_guarded(uma_zone_t zone, void *udata, int flags, int *declined)
{
	uma_keg_t keg = zone->uz_keg;
	void *item;

	*declined = 0;
	/* At the zone's alignment, the rounded size ending at the page end. */
	if ((item = memguard_alloc_aligned(keg->uk_rsize, keg->uk_align + 1,
	    flags, zone->uz_name)) == NULL) {
		*declined = 1;
		return (NULL);
	}
	if (keg->uk_init != NULL &&
	    keg->uk_init(item, keg->uk_size, flags) != 0)
		goto fail;
	if (zone->uz_init != NULL &&
	    zone->uz_init(item, zone->uz_size, flags) != 0) {
		if (keg->uk_fini != NULL)
			keg->uk_fini(item, keg->uk_size);
		goto fail;
	}
	zone_count(zone, 1);
	if (zone->uz_ctor != NULL &&
	    zone->uz_ctor(item, zone->uz_size, udata, flags) != 0) {
		if (zone->uz_fini != NULL)
			zone->uz_fini(item, zone->uz_size);
		if (keg->uk_fini != NULL)
			keg->uk_fini(item, keg->uk_size);
		zone_count(zone, 0);
		goto fail;
	}
	if ((flags & M_ZERO) != 0)
		bzero(item, zone->uz_size);
	return (item);
fail:
	memguard_free(item);
	atomic_add_64(&zone->uz_fails, 1);
	return (NULL);
}

static void
zone_free_guarded(uma_zone_t zone, void *item, void *udata)
{
	(void)memguard_size(item);	/* a double free panics here */
	if (zone->uz_dtor != NULL)
		zone->uz_dtor(item, zone->uz_size, udata);
	if (zone->uz_fini != NULL)
		zone->uz_fini(item, zone->uz_size);
	if (zone->uz_keg->uk_fini != NULL)
		zone->uz_keg->uk_fini(item, zone->uz_keg->uk_size);
	memguard_free(item);
	zone_count(zone, 0);
}

/*
 * Allocation
 */

/* Debug checks, ctor and M_ZERO for an item taken from a cache. */
static __noinline void *
zalloc_finish(uma_zone_t zone, void *item, void *udata, int flags)
{
	if ((zone->uz_flags & UMA_ZFLAG_DEBUG) != 0)
		uma_dbg_alloc(zone, item);
	if (zone->uz_ctor != NULL &&
	    zone->uz_ctor(item, zone->uz_size, udata, flags) != 0) {
		if ((zone->uz_flags & UMA_ZFLAG_DEBUG) != 0)
			uma_dbg_free(zone, item);
		zfree_cache(zone, item);
		atomic_add_64(&zone->uz_fails, 1);
		return (NULL);
	}
	if ((flags & M_ZERO) != 0)
		bzero(item, zone->uz_size);
	return (item);
}

/*
 * The fast paths are inline in uma.h; these are the functions for a
 * caller that wants an address (and the disassembly bench.py reads).
 */
void *
(uma_zalloc_arg)(uma_zone_t zone, void *udata, int flags)
{
	return (uma_zalloc_inline(zone, udata, flags));
}

void
(uma_zfree_arg)(uma_zone_t zone, void *item, void *udata)
{
	uma_zfree_inline(zone, item, udata);
}

/*
 * Entered in the fast path's critical section.  Pop the alloc bucket (and
 * run the ctor), or swap in the free bucket, or exchange the empty one
 * for a full one from the zone's list without leaving the section
 * (cache_alloc_exchange), or get one the long way, or fill one from the
 * keg, or take one item from the keg.  Contention on the zone lock grows
 * the zone's bucket size.
 */
__noinline void *
uma_zalloc_slow(uma_zone_t zone, void *udata, int flags)
{
	struct thread *td;
	uma_cache_t cache;
	uma_bucket_t bucket;
	void *item;
	int contended, nobucket;

	/* The first round runs in the fast path's critical section. */
	KASSERT((flags & M_NOWAIT) != 0 || curthread->td_critnest == 1 ||
	    cold, ("uma_zalloc(%s, M_WAITOK) in a critical section",
	    zone->uz_name));
	td = curthread;
	if (__predict_false((zone->uz_flags & UMA_ZFLAG_MEMGUARD) != 0) &&
	    memguard_cmp_zone(zone)) {
		critical_exit();
		item = zone_alloc_guarded(zone, udata, flags, &nobucket);
		if (item != NULL || !nobucket)
			return (item);
		critical_enter();	/* MemGuard declined: the caches */
	}
	for (;;) {
		cache = zone_cache(zone);
		bucket = cache->uc_allocbucket;
		if (bucket->ub_cnt == 0 && cache->uc_freebucket != NULL &&
		    cache->uc_freebucket->ub_cnt > 0) {
			cache->uc_allocbucket = cache->uc_freebucket;
			cache->uc_freebucket = bucket != &uma_nobucket ?
			    bucket : NULL;
			bucket = cache->uc_allocbucket;
		}
		if (bucket->ub_cnt > 0) {
			item = bucket->ub_bucket[--bucket->ub_cnt];
			cache->uc_allocs++;
			critical_exit_td(td);
			if (((zone->uz_flags & (UMA_ZFLAG_CTORDTOR |
			    UMA_ZFLAG_DEBUG)) | (flags & M_ZERO)) != 0)
				return (zalloc_finish(zone, item, udata,
				    flags));
			return (item);
		}
		/* A zone without caching never has a bucket to give back. */
		if (zone->uz_count == 0) {
			critical_exit_td(td);
			return (zone_alloc_item(zone, udata, flags));
		}
		if ((bucket = cache_alloc_exchange(zone, cache)) != NULL) {
			cache->uc_allocbucket = bucket;
			continue;
		}
		bucket = cache->uc_allocbucket;
		cache->uc_allocbucket = &uma_nobucket;
		critical_exit_td(td);
		if (bucket != &uma_nobucket)
			bucket_free(zone, bucket);

		contended = 0;
		if (!ZONE_TRYLOCK(zone)) {
			ZONE_LOCK(zone);
			contended = 1;
		}
		if ((bucket = LIST_FIRST(&zone->uz_buckets)) != NULL) {
			LIST_REMOVE(bucket, ub_link);
			zone->uz_bucketitems -= bucket->ub_cnt;
		} else if (contended && zone->uz_count < zone->uz_count_max)
			zone_set_count(zone, bucket_grow(zone->uz_count));
		ZONE_UNLOCK(zone);
		if (bucket == NULL) {
			bucket = zone_fill_bucket(zone, flags, &nobucket);
			if (bucket == NULL) {
				/* No bucket: one item; none: the keg said no. */
				if (nobucket)
					return (zone_alloc_item(zone, udata,
					    flags));
				atomic_add_64(&zone->uz_fails, 1);
				return (NULL);
			}
			uma_trim_check();
		}

		td = critical_enter_td();
		cache = zone_cache(zone);
		if (cache->uc_allocbucket == &uma_nobucket) {
			cache->uc_allocbucket = bucket;
			continue;
		}
		critical_exit_td(td);
		zone_put_bucket(zone, bucket);
		td = critical_enter_td();
	}
}

/*
 * Free
 */

/*
 * In a critical section, for a zone without UMA_ZFLAG_SLOWPATH whose alloc
 * bucket is full: swap in the free bucket if it has room and push item
 * there (1), so that a CPU that only frees stays on the fast path; else
 * count a slow free (0).
 */
static int
cache_free_swap(uma_zone_t zone, uma_cache_t cache, void *item)
{
	uma_bucket_t ab, fb;

	fb = cache->uc_freebucket;
	/* No MemGuard test: only UMA_ZFLAG_MEMGUARD zones have guarded items. */
	if (fb != NULL && fb->ub_cnt < fb->ub_entries) {
		ab = cache->uc_allocbucket;
		cache->uc_allocbucket = fb;
		cache->uc_freebucket = ab != &uma_nobucket ? ab : NULL;
		fb->ub_bucket[fb->ub_cnt++] = item;
		cache->uc_frees++;
		return (1);
	}
	cache->uc_frees_slow++;
	return (0);
}

/*
 * Entered in the fast path's critical section.  A full alloc bucket is
 * swapped with the free bucket when that has room (cache_free_swap), or
 * exchanged for an empty one (cache_free_exchange); otherwise debug,
 * dtor, caches.
 */
__noinline void
uma_zfree_slow(uma_zone_t zone, void *item, void *udata)
{
	uma_cache_t cache;

	if ((zone->uz_flags & UMA_ZFLAG_SLOWPATH) == 0 && zone->uz_count != 0) {
		cache = zone_cache(zone);
		if (cache_free_swap(zone, cache, item) ||
		    cache_free_exchange(zone, cache, item)) {
			critical_exit();
			return;
		}
	}
	critical_exit();
	if (is_memguard_addr(item)) {
		zone_free_guarded(zone, item, udata);
		return;
	}
	if ((zone->uz_flags & UMA_ZFLAG_DEBUG) != 0)
		uma_dbg_free(zone, item);
	if (zone->uz_dtor != NULL)
		zone->uz_dtor(item, zone->uz_size, udata);
	zfree_cache(zone, item);
}

/*
 * Put a freed item in this CPU's alloc bucket, its free bucket, a fresh
 * empty bucket, or back in its slab.  A zone at its limit frees straight
 * to the slab so that sleepers see the item.
 */
static __noinline void
zfree_cache(uma_zone_t zone, void *item)
{
	struct thread *td;
	uma_cache_t cache;
	uma_bucket_t ab, bucket;

	for (;;) {
		if ((zone->uz_flags & UMA_ZFLAG_FULL) != 0 ||
		    zone->uz_count == 0)
			break;
		td = critical_enter_td();
		cache = zone_cache(zone);
		bucket = cache->uc_allocbucket;
		if (bucket->ub_cnt >= bucket->ub_entries)
			bucket = cache->uc_freebucket;
		if (bucket != NULL && bucket->ub_cnt < bucket->ub_entries) {
			bucket->ub_bucket[bucket->ub_cnt++] = item;
			cache->uc_frees++;
			critical_exit_td(td);
			return;
		}
		cache->uc_freebucket = NULL;
		critical_exit_td(td);
		if (bucket != NULL)
			zone_put_bucket(zone, bucket);
		if ((bucket = bucket_alloc(zone, 0)) == NULL)
			break;
		/*
		 * The new bucket takes item and becomes the alloc bucket, so
		 * that the frees that follow stay on the inline path; the
		 * alloc bucket (full) becomes the free bucket.
		 */
		td = critical_enter_td();
		cache = zone_cache(zone);
		if (cache->uc_freebucket == NULL) {
			bucket->ub_bucket[bucket->ub_cnt++] = item;
			ab = cache->uc_allocbucket;
			cache->uc_allocbucket = bucket;
			cache->uc_freebucket = ab != &uma_nobucket ? ab : NULL;
			cache->uc_frees++;
			critical_exit_td(td);
			return;
		}
		critical_exit_td(td);
		bucket_free(zone, bucket);
	}
	zone_release_item(zone, item, SKIP_NONE);
	zone_count(zone, 0);
}

/*
 * Idle caches (uma_int.h, 4a)
 */

/*
 * A zone the trim may drain: cached, and no fini to run but INVARIANTS'
 * trash_fini (a pattern check, no lock).
 */
static int
zone_trimmable(uma_zone_t zone)
{
	return (zone->uz_count != 0 &&
	    (zone->uz_fini == NULL || zone->uz_fini == UMA_DBG_TRASH_FINI) &&
	    (zone->uz_keg->uk_fini == NULL ||
	    zone->uz_keg->uk_fini == UMA_DBG_TRASH_FINI) &&
	    (zone->uz_flags & (UMA_ZFLAG_INTERNAL | UMA_ZFLAG_BUCKET)) == 0);
}

/* No CPU used the zone since that CPU's last trim (racy: a hint). */
static int
zone_idle_everywhere(uma_zone_t zone)
{
	uma_cache_t c;
	int cpu;

	CPU_FOREACH(cpu) {
		c = &zone->uz_cpu[cpu];
		if (c->uc_allocs + c->uc_frees != c->uc_trim_ops)
			return (0);
	}
	return (1);
}

/*
 * If this CPU's cache of zone saw no allocation and no free since this
 * CPU's last trim, give its items back to their slabs, and the zone's
 * full buckets too if no CPU used the zone since its own last trim; the
 * number of items given back.
 */
static u_int
zone_trim_cpu(uma_zone_t zone)
{
	struct thread *td;
	uma_cache_t cache;
	uma_bucket_t ab, fb;
	uint64_t ops;
	u_int items;

	td = critical_enter_td();
	cache = zone_cache(zone);
	ops = cache->uc_allocs + cache->uc_frees;
	if (ops != cache->uc_trim_ops) {
		cache->uc_trim_ops = ops;
		critical_exit_td(td);
		return (0);
	}
	ab = cache->uc_allocbucket;
	fb = cache->uc_freebucket;
	items = ab->ub_cnt + (fb != NULL ? fb->ub_cnt : 0);
	cache->uc_allocbucket = &uma_nobucket;
	cache->uc_freebucket = NULL;
	critical_exit_td(td);
	if (ab != &uma_nobucket)
		bucket_drain_free(zone, ab);
	if (fb != NULL)
		bucket_drain_free(zone, fb);
	if (!LIST_EMPTY(&zone->uz_buckets) && zone_idle_everywhere(zone)) {
		items += zone->uz_bucketitems;
		zone_drain_buckets(zone);
	}
	return (items);
}

static void
uma_trim(u_int period)
{
	uma_zone_t zone;
	u_long items;

	uma_trim_seen[curcpu] = period;
	if (cold || (read_rflags() & PSL_I) == 0 ||
	    !atomic_cmpset_int(&uma_trimming, 0, 1))
		return;
	if (mtx_trylock(&uma_mtx)) {
		items = 0;
		TAILQ_FOREACH(zone, &uma_zones, uz_link)
			if (zone_trimmable(zone))
				items += zone_trim_cpu(zone);
		mtx_unlock(&uma_mtx);
		atomic_add_int(&uma_trims, 1);
		atomic_add_long(&uma_trimmed_items, items);
	}
	atomic_store_rel_int(&uma_trimming, 0);
}

/* After a keg fill, outside locks and critical sections: trim if due. */
static __inline void
uma_trim_check(void)
{
	u_int period = uma_trim_period;

	if (__predict_false(period != uma_trim_seen[curcpu]))
		uma_trim(period);
}

/*
 * Draining
 */

/* Move this CPU's buckets of zone to the zone's list. */
static void
cache_drain_cpu(uma_zone_t zone)
{
	struct thread *td;
	uma_cache_t cache;
	uma_bucket_t ab, fb;

	td = critical_enter_td();
	cache = zone_cache(zone);
	ab = cache->uc_allocbucket;
	fb = cache->uc_freebucket;
	cache->uc_allocbucket = &uma_nobucket;
	cache->uc_freebucket = NULL;
	critical_exit_td(td);
	if (ab != &uma_nobucket)
		zone_put_bucket(zone, ab);
	if (fb != NULL)
		zone_put_bucket(zone, fb);
}

/* Run fn(arg) on every online CPU in turn, bound to it. */
static void
uma_on_each_cpu(void (*fn)(void *), void *arg)
{
	struct thread *td = curthread;
	int cpu, bound;

	if (cold || td->td_critnest != 0) {
		fn(arg);
		return;
	}
	bound = td->td_bound;
	CPU_FOREACH(cpu) {
		if (!pcpu_find(cpu)->pc_online)
			continue;
		sched_bind(td, cpu);
		fn(arg);
	}
	if (bound == NOCPU)
		sched_unbind(td);
	else
		sched_bind(td, bound);
}

static void
cache_drain_one(void *arg)
{
	cache_drain_cpu(arg);
}

static void
cache_drain_all(void *arg __unused)
{
	uma_zone_t zone;

	mtx_lock(&uma_mtx);
	TAILQ_FOREACH(zone, &uma_zones, uz_link)
		if (zone->uz_count != 0)
			cache_drain_cpu(zone);
	mtx_unlock(&uma_mtx);
}

/* This CPU's caches of the bucket zones to their lists. */
static void
cache_drain_buckets(void *arg __unused)
{
	int i;

	for (i = 0; i < BUCKET_ZONES; i++)
		cache_drain_cpu(bucket_zones[i].bz_zone);
}

/* Empty the zone's bucket list into the keg. */
static void
zone_drain_buckets(uma_zone_t zone)
{
	struct bucketlist list;
	uma_bucket_t bucket;

	ZONE_LOCK(zone);
	list = zone->uz_buckets;
	LIST_INIT(&zone->uz_buckets);
	if ((bucket = LIST_FIRST(&list)) != NULL)
		bucket->ub_link.le_prev = &LIST_FIRST(&list);
	zone->uz_bucketitems = 0;
	ZONE_UNLOCK(zone);
	while ((bucket = LIST_FIRST(&list)) != NULL) {
		LIST_REMOVE(bucket, ub_link);
		bucket_drain_free(zone, bucket);
	}
}

/* Give the keg's free slabs back (NOFREE kegs only when destroyed). */
static void
keg_drain(uma_keg_t keg, int destroying)
{
	struct slabhead freeslabs;
	uma_slab_t slab;

	if ((keg->uk_flags & UMA_ZONE_NOFREE) != 0 && !destroying)
		return;
	LIST_INIT(&freeslabs);
	KEG_LOCK(keg);
	while ((slab = LIST_FIRST(&keg->uk_free_slab)) != NULL) {
		LIST_REMOVE(slab, us_link);
		keg->uk_pages -= keg->uk_ppera;
		keg->uk_free -= keg->uk_ipers;
		keg->uk_slabs--;
		LIST_INSERT_HEAD(&freeslabs, slab, us_link);
	}
	keg->uk_freeslabs = 0;
	KEG_UNLOCK(keg);
	while ((slab = LIST_FIRST(&freeslabs)) != NULL) {
		LIST_REMOVE(slab, us_link);
		slab_release(keg, slab, keg->uk_ipers);
	}
}

void
uma_zone_drain(uma_zone_t zone)
{
	if (zone->uz_count != 0)
		uma_on_each_cpu(cache_drain_one, zone);
	zone_drain_buckets(zone);
	keg_drain(zone->uz_keg, 0);
}

/*
 * The zone after zone (the first if NULL).  Zones leave the list only
 * under uma_reclaim_mtx, which the caller holds, so no lock is held while
 * the caller works on a zone (and runs its zfini and fini).
 */
static uma_zone_t
zone_next(uma_zone_t zone)
{
	mtx_lock(&uma_mtx);
	zone = zone == NULL ? TAILQ_FIRST(&uma_zones) :
	    TAILQ_NEXT(zone, uz_link);
	mtx_unlock(&uma_mtx);
	return (zone);
}

/*
 * Drain every CPU's caches, then every zone's buckets and empty slabs.  A
 * zone's fini may free into a zone already drained (mbuf_packet's zfini
 * gives its clusters back to mbuf_cluster, through this CPU's cache), so
 * the pass repeats while the last one gave pages back, at most
 * UMA_RECLAIM_PASSES times: one uma_reclaim() leaves nothing behind.
 */
#define	UMA_RECLAIM_PASSES	4

void
uma_reclaim(void)
{
	uma_zone_t zone;
	u_int freed, pass;

	mtx_lock(&uma_reclaim_mtx);
	for (pass = 0; pass < UMA_RECLAIM_PASSES; pass++) {
		freed = vm_cnt.v_free_count;
		uma_on_each_cpu(cache_drain_all, NULL);
		for (zone = zone_next(NULL); zone != NULL;
		    zone = zone_next(zone)) {
			if ((zone->uz_flags & UMA_ZFLAG_BUCKET) != 0)
				continue;
			zone_drain_buckets(zone);
			keg_drain(zone->uz_keg, 0);
		}
		/*
		 * Draining the others gave their buckets to the bucket zones'
		 * caches and emptied slab headers: those last.
		 */
		uma_on_each_cpu(cache_drain_buckets, NULL);
		for (zone = zone_next(NULL); zone != NULL;
		    zone = zone_next(zone)) {
			if ((zone->uz_flags & UMA_ZFLAG_BUCKET) != 0)
				zone_drain_buckets(zone);
			if ((zone->uz_flags & UMA_ZFLAG_INTERNAL) != 0)
				keg_drain(zone->uz_keg, 0);
		}
		if (vm_cnt.v_free_count <= freed)
			break;
	}
	uma_reclaims++;
	/* Growth from here on is a new phase: trim periods count from it. */
	uma_trim_next = uma_pages_held + UMA_TRIM_PAGES;
	mtx_unlock(&uma_reclaim_mtx);
}

/*
 * Creation and destruction
 */

static void
keg_setup(uma_keg_t keg, const char *name, uint32_t size, uma_init init,
    uma_fini fini, int align, uint32_t flags)
{
	uint32_t rsize, ppera, ipers, spare;
	int offpage;

	KASSERT(powerof2(align + 1), ("uma_zcreate(%s): alignment mask %#x "
	    "is not a power of two less one", name, align));
	bzero(keg, sizeof(*keg));
	mtx_init(&keg->uk_lock, name, "UMA keg", MTX_DEF | MTX_DUPOK);
	TAILQ_INIT(&keg->uk_zones);
	LIST_INIT(&keg->uk_part_slab);
	LIST_INIT(&keg->uk_free_slab);
	LIST_INIT(&keg->uk_full_slab);
	keg->uk_name = name;
	if ((flags & UMA_ZONE_ZINIT) != 0 && init == NULL)
		init = zero_init;
	keg->uk_init = init;
	keg->uk_fini = fini;
	keg->uk_size = size;
	keg->uk_align = align;
	uma_keg_geometry(size, align, flags, &rsize, &ppera, &ipers, &offpage);
	if (offpage)
		flags |= UMA_ZONE_OFFPAGE;
	keg->uk_flags = flags;
	keg->uk_rsize = rsize;
	keg->uk_ppera = ppera;
	keg->uk_ipers = ipers;
	keg->uk_hdrsize = slab_hdrsize(ipers, flags, &keg->uk_refoff);
	spare = ptoa(ppera) - ipers * rsize;
	if (!offpage) {
		keg->uk_pgoff = ptoa(ppera) - keg->uk_hdrsize;
		spare -= keg->uk_hdrsize;
	} else
		keg->uk_slabzone = (flags & UMA_ZONE_REFCNT) != 0 ?
		    slabrefzone : slabzone;
	keg->uk_reserve = (flags & (UMA_ZONE_NOFREE | UMA_ZFLAG_INTERNAL)) != 0 ?
	    UINT32_MAX : UMA_KEG_RESERVE_PAGES / ppera;
	keg->uk_colorstep = MAX(CACHE_LINE_SIZE, align + 1);
	/* slab_release() finds the slab's base from us_data: stay in page 0. */
	keg->uk_colors = MIN(spare, PAGE_SIZE - 1) / keg->uk_colorstep + 1;
	keg->uk_allocf = ppera == 1 ? page_alloc_small : page_alloc_kmem;
	keg->uk_freef = page_free;
}

/*
 * The most items of rsize bytes a bucket may hold: the largest bucket
 * zone's capacity within UMA_BUCKET_BYTES, or for items too big for the
 * smallest bucket zone, what fits in UMA_BUCKET_BYTES (at least one).
 */
static uint32_t
zone_bucket_items(uint32_t rsize)
{
	int i;

	for (i = BUCKET_ZONES - 1; i >= 0; i--)
		if ((uint32_t)bucket_zones[i].bz_entries * rsize <=
		    UMA_BUCKET_BYTES)
			return (bucket_zones[i].bz_entries);
	return (MAX(UMA_BUCKET_BYTES / rsize, 1));
}

static void
zone_setup(uma_zone_t zone, uma_keg_t keg, const char *name, uma_ctor ctor,
    uma_dtor dtor, uma_init zinit, uma_fini zfini, uint32_t flags)
{
	uint32_t rsize = keg->uk_rsize;
	int cpu;

	bzero(zone, sizeof(*zone));
	for (cpu = 0; cpu < MAXCPU; cpu++)
		zone->uz_cpu[cpu].uc_allocbucket = &uma_nobucket;
	zone->uz_name = name;
	zone->uz_keg = keg;
	zone->uz_size = keg->uk_size;
	zone->uz_ctor = ctor;
	zone->uz_dtor = dtor;
	zone->uz_init = zinit;
	zone->uz_fini = zfini;
	mtx_init(&zone->uz_lock, name, "UMA zone", MTX_DEF | MTX_DUPOK);
	LIST_INIT(&zone->uz_buckets);
	zone->uz_flags = flags | (keg->uk_flags & UMA_ZFLAG_FULL);
	if (ctor != NULL || dtor != NULL)
		zone->uz_flags |= UMA_ZFLAG_CTORDTOR;
	if ((flags & UMA_ZFLAG_INTERNAL) == 0)
		zone->uz_flags |= UMA_DEBUG_FLAGS;
	if (memguard_zone_wanted(zone))
		zone->uz_flags |= UMA_ZFLAG_MEMGUARD;
	/*
	 * Bucket sizes by bytes, as FreeBSD's bucket_select() chooses them:
	 * a bucket holds at most UMA_BUCKET_BYTES of items (one item at
	 * least), so that an idle zone of big items pins little memory in
	 * its CPUs' caches and one allocation does not fill a bucket of a
	 * dozen multi-page slabs.
	 */
	if ((flags & (UMA_ZFLAG_INTERNAL | UMA_ZFLAG_BUCKET)) ==
	    UMA_ZFLAG_INTERNAL)
		zone->uz_count_max = 0;
	else if ((flags & UMA_ZONE_MAXBUCKET) != 0)
		zone->uz_count_max = bucket_zones[BUCKET_ZONES - 1].bz_entries;
	else
		zone->uz_count_max = zone_bucket_items(rsize);
	zone_set_count(zone, (flags & UMA_ZONE_MAXBUCKET) != 0 ?
	    zone->uz_count_max : MIN(bucket_zones[1].bz_entries,
	    zone->uz_count_max));
	KEG_LOCK(keg);
	TAILQ_INSERT_TAIL(&keg->uk_zones, zone, uz_klink);
	KEG_UNLOCK(keg);
	mtx_lock(&uma_mtx);
	TAILQ_INSERT_TAIL(&uma_zones, zone, uz_link);
	uma_zone_count++;
	mtx_unlock(&uma_mtx);
}

uma_zone_t
uma_zcreate(const char *name, size_t size, uma_ctor ctor, uma_dtor dtor,
    uma_init init, uma_fini fini, int align, uint32_t flags)
{
	uma_keg_t keg;
	uma_zone_t zone;

	KASSERT(size > 0 && size <= UMA_MAX_PPERA * PAGE_SIZE,
	    ("uma_zcreate(%s): bad item size %zu", name, size));
	flags &= ~(UMA_ZONE_SECONDARY | UMA_ZONE_HASH | UMA_ZFLAG_FULL |
	    UMA_ZFLAG_CTORDTOR | UMA_ZFLAG_DEBUG | UMA_ZFLAG_MEMGUARD);
	if ((flags & (UMA_ZONE_ZINIT | UMA_ZONE_NOFREE)) == 0 &&
	    (flags & UMA_ZFLAG_INTERNAL) == 0)
		uma_dbg_zcreate(flags, &ctor, &dtor, &init, &fini);
	keg = zone_alloc_item(kegs, NULL, M_WAITOK);
	keg_setup(keg, name, size, init, fini, align, flags);
	mtx_lock(&uma_mtx);
	LIST_INSERT_HEAD(&uma_kegs, keg, uk_link);
	mtx_unlock(&uma_mtx);
	zone = zone_alloc_item(zones, NULL, M_WAITOK);
	zone_setup(zone, keg, name, ctor, dtor, NULL, NULL, keg->uk_flags);
	return (zone);
}

uma_zone_t
uma_zsecond_create(const char *name, uma_ctor ctor, uma_dtor dtor,
    uma_init zinit, uma_fini zfini, uma_zone_t master)
{
	uma_zone_t zone;

	if ((master->uz_keg->uk_flags & (UMA_ZONE_ZINIT | UMA_ZONE_NOFREE)) == 0)
		uma_dbg_zcreate(master->uz_keg->uk_flags, &ctor, &dtor, &zinit,
		    &zfini);
	zone = zone_alloc_item(zones, NULL, M_WAITOK);
	zone_setup(zone, master->uz_keg, name, ctor, dtor, zinit, zfini,
	    (master->uz_keg->uk_flags | UMA_ZONE_SECONDARY) &
	    ~(UMA_ZFLAG_FULL | UMA_ZFLAG_PRIVALLOC | UMA_ZFLAG_MEMGUARD));
	return (zone);
}

void
uma_zdestroy(uma_zone_t zone)
{
	uma_keg_t keg = zone->uz_keg;
	struct uma_zone_stat zs;
	int lastzone;

	mtx_lock(&uma_reclaim_mtx);
	mtx_lock(&uma_mtx);
	TAILQ_REMOVE(&uma_zones, zone, uz_link);
	uma_zone_count--;
	mtx_unlock(&uma_mtx);
	mtx_unlock(&uma_reclaim_mtx);
	uma_zone_drain(zone);
	uma_zone_stat(zone, &zs);
	if (zs.zs_used != 0) {
		printf("uma_zdestroy: zone %s destroyed with %u items still "
		    "allocated\n", zone->uz_name, zs.zs_used);
		atomic_add_long(&uma_leaked_items, zs.zs_used);
	}
	KEG_LOCK(keg);
	TAILQ_REMOVE(&keg->uk_zones, zone, uz_klink);
	lastzone = TAILQ_EMPTY(&keg->uk_zones);
	KEG_UNLOCK(keg);
	mtx_destroy(&zone->uz_lock);
	zone_release_item(zones, zone, SKIP_NONE);
	if (!lastzone)
		return;
	keg_drain(keg, 1);
	if (keg->uk_pages != 0) {
		/* Items are still out: the keg must outlive them. */
		printf("Freed UMA keg (%s) was not empty (%u items).  Lost %u "
		    "pages of memory.\n", keg->uk_name,
		    keg->uk_slabs * keg->uk_ipers - keg->uk_free,
		    keg->uk_pages);
		return;
	}
	mtx_lock(&uma_mtx);
	LIST_REMOVE(keg, uk_link);
	mtx_unlock(&uma_mtx);
	mtx_destroy(&keg->uk_lock);
	zone_release_item(kegs, keg, SKIP_NONE);
}

/*
 * Limits and settings
 */

/*
 * The limit is kept in whole slabs, nitems rounded up.  When rounding up
 * would pass INT_MAX items it is rounded down instead, so that the
 * effective limit returned (and reported by uma_zone_get_max() and
 * vmstat -z) is always a positive int.
 */
int
uma_zone_set_max(uma_zone_t zone, int nitems)
{
	uma_keg_t keg = zone->uz_keg;
	uint64_t slabs, maxslabs;
	int limit;

	/* malloc(9)'s inline paths do not test for a limit. */
	if ((keg->uk_flags & UMA_ZONE_MALLOC) != 0)
		panic("uma_zone_set_max: %s is a malloc(9) zone, which takes "
		    "no limit", zone->uz_name);
	if (nitems <= 0)
		slabs = 0;
	else {
		slabs = howmany((uint64_t)nitems, keg->uk_ipers);
		maxslabs = (uint64_t)INT_MAX / keg->uk_ipers;
		if (slabs > maxslabs)
			slabs = maxslabs;
	}
	KEG_LOCK(keg);
	keg->uk_maxpages = slabs * keg->uk_ppera;
	limit = (int)(slabs * keg->uk_ipers);
	if ((keg->uk_flags & UMA_ZFLAG_FULL) != 0 && (keg->uk_maxpages == 0 ||
	    keg->uk_pages + keg->uk_ppera <= keg->uk_maxpages))
		keg_set_full(keg, 0);
	if (keg->uk_sleepers != 0)
		wakeup(keg);
	KEG_UNLOCK(keg);
	return (limit);
}

int
uma_zone_get_max(uma_zone_t zone)
{
	uma_keg_t keg = zone->uz_keg;

	return ((int)(keg->uk_maxpages / keg->uk_ppera * keg->uk_ipers));
}

int
uma_zone_get_cur(uma_zone_t zone)
{
	struct uma_zone_stat zs;

	uma_zone_stat(zone, &zs);
	return (zs.zs_used);
}

int
uma_zone_exhausted(uma_zone_t zone)
{
	uma_keg_t keg = zone->uz_keg;

	return (keg->uk_maxpages != 0 && keg->uk_free == 0 &&
	    keg->uk_pages + keg->uk_ppera > keg->uk_maxpages);
}

void
uma_zone_set_warning(uma_zone_t zone, const char *warning)
{
	zone->uz_warning = warning;
}

void
uma_zone_set_init(uma_zone_t zone, uma_init init)
{
	KASSERT(zone->uz_keg->uk_pages == 0,
	    ("uma_zone_set_init on non-empty keg"));
	zone->uz_keg->uk_init = init;
}

void
uma_zone_set_fini(uma_zone_t zone, uma_fini fini)
{
	KASSERT(zone->uz_keg->uk_pages == 0,
	    ("uma_zone_set_fini on non-empty keg"));
	zone->uz_keg->uk_fini = fini;
}

void
uma_zone_set_zinit(uma_zone_t zone, uma_init zinit)
{
	KASSERT(zone->uz_keg->uk_pages == 0,
	    ("uma_zone_set_zinit on non-empty keg"));
	zone->uz_init = zinit;
}

void
uma_zone_set_zfini(uma_zone_t zone, uma_fini zfini)
{
	KASSERT(zone->uz_keg->uk_pages == 0,
	    ("uma_zone_set_zfini on non-empty keg"));
	zone->uz_fini = zfini;
}

void
uma_zone_set_allocf(uma_zone_t zone, uma_alloc allocf)
{
	KEG_LOCK(zone->uz_keg);
	zone->uz_keg->uk_allocf = allocf;
	zone->uz_keg->uk_flags |= UMA_ZFLAG_PRIVALLOC;
	KEG_UNLOCK(zone->uz_keg);
}

void
uma_zone_set_freef(uma_zone_t zone, uma_free freef)
{
	KEG_LOCK(zone->uz_keg);
	zone->uz_keg->uk_freef = freef;
	KEG_UNLOCK(zone->uz_keg);
}

void
uma_prealloc(uma_zone_t zone, int itemcnt)
{
	uma_keg_t keg = zone->uz_keg;
	int slabs;

	KEG_LOCK(keg);
	slabs = howmany(itemcnt, keg->uk_ipers);
	if (keg->uk_maxpages != 0 &&
	    (uint32_t)slabs * keg->uk_ppera > keg->uk_maxpages)
		slabs = keg->uk_maxpages / keg->uk_ppera;
	slabs -= keg->uk_slabs;
	while (slabs-- > 0)
		if (keg_alloc_slab(keg, zone, M_WAITOK) == NULL)
			break;
	KEG_UNLOCK(keg);
}

uint32_t *
uma_find_refcnt(uma_zone_t zone, void *item)
{
	uma_keg_t keg = zone->uz_keg;
	uma_slab_t slab;

	KASSERT((keg->uk_flags & UMA_ZONE_REFCNT) != 0,
	    ("uma_find_refcnt(): zone possibly not UMA_ZONE_REFCNT"));
	slab = uma_item_slab(item);
	KASSERT(slab != NULL && slab->us_keg == keg,
	    ("uma_find_refcnt(): item %p not in zone %s", item,
	    zone->uz_name));
	return (&slab_refcnts(keg, slab)[slab_item_index(keg, slab, item)]);
}

void
uma_zone_set_page_cookie(uma_zone_t zone, void *cookie)
{
	KASSERT(zone->uz_keg->uk_pages == 0,
	    ("uma_zone_set_page_cookie on non-empty keg %s",
	    zone->uz_keg->uk_name));
	zone->uz_keg->uk_cookie = cookie;
}

const char *
uma_item_zone_name(void *item)
{
	uma_slab_t slab = uma_item_slab(item);

	return (slab != NULL ? slab->us_keg->uk_name : NULL);
}

void
uma_zone_cpu_stat(uma_zone_t zone, int cpu, struct uma_cache_stat *cs)
{
	uma_cache_t c = &zone->uz_cpu[cpu];
	uma_bucket_t b;

	cs->cs_allocs = c->uc_allocs;
	cs->cs_frees = c->uc_frees;
	cs->cs_frees_slow = c->uc_frees_slow;
	b = c->uc_allocbucket;
	cs->cs_alloccnt = b != NULL ? b->ub_cnt : 0;
	b = c->uc_freebucket;
	cs->cs_freecnt = b != NULL ? b->ub_cnt : 0;
}

const char *
uma_zone_name(uma_zone_t zone)
{
	return (zone->uz_name);
}

uint32_t
uma_zone_flags(uma_zone_t zone)
{
	uint32_t flags = zone->uz_flags;

	return ((flags & 0x0fff) |
	    ((flags & UMA_ZFLAG_INTERNAL) != 0 ? UMA_ZONE_INTERNAL : 0));
}

void
uma_zone_set_guarded(uma_zone_t zone)
{
	/* malloc(9) guards by type; its inline paths do not test for this. */
	if ((zone->uz_flags & UMA_ZONE_MALLOC) != 0)
		panic("uma_zone_set_guarded: %s is a malloc(9) zone",
		    zone->uz_name);
	atomic_set_int(&zone->uz_flags, UMA_ZFLAG_MEMGUARD);
}

int
uma_zone_size(uma_zone_t zone)
{
	return (zone->uz_size);
}

u_long
uma_zone_keg_pages(uma_zone_t zone)
{
	uma_keg_t keg = zone->uz_keg;
	u_long pages;

	KEG_LOCK(keg);
	pages = keg->uk_pages;
	KEG_UNLOCK(keg);
	return (pages);
}

int
uma_zone_rsize(uma_zone_t zone)
{
	return (zone->uz_keg->uk_rsize);
}

uma_zone_t
uma_zone_find(const char *name)
{
	uma_zone_t zone;

	mtx_lock(&uma_mtx);
	TAILQ_FOREACH(zone, &uma_zones, uz_link)
		if (strcmp(zone->uz_name, name) == 0)
			break;
	mtx_unlock(&uma_mtx);
	return (zone);
}

/*
 * Statistics
 */

void
uma_zone_stat(uma_zone_t zone, struct uma_zone_stat *zs)
{
	uma_keg_t keg = zone->uz_keg;
	uma_cache_t cache;
	uma_bucket_t b;
	int cpu;

	bzero(zs, sizeof(*zs));
	ZONE_LOCK(zone);
	CPU_FOREACH(cpu) {
		cache = &zone->uz_cpu[cpu];
		zs->zs_allocs += cache->uc_allocs;
		zs->zs_frees += cache->uc_frees;
		if ((b = cache->uc_allocbucket) != NULL)
			zs->zs_cached += b->ub_cnt;
		if ((b = cache->uc_freebucket) != NULL)
			zs->zs_cached += b->ub_cnt;
	}
	zs->zs_cached += zone->uz_bucketitems;
	ZONE_UNLOCK(zone);
	zs->zs_fails = zone->uz_fails;
	zs->zs_sleeps = zone->uz_sleeps;
	zs->zs_used = zs->zs_allocs > zs->zs_frees ?
	    zs->zs_allocs - zs->zs_frees : 0;
	zs->zs_bucketsize = zone->uz_count;
	zs->zs_warnings = zone->uz_warnings;
	KEG_LOCK(keg);
	zs->zs_size = keg->uk_size;
	zs->zs_rsize = keg->uk_rsize;
	zs->zs_ipers = keg->uk_ipers;
	zs->zs_ppera = keg->uk_ppera;
	zs->zs_limit = keg->uk_maxpages / keg->uk_ppera * keg->uk_ipers;
	zs->zs_kegfree = keg->uk_free;
	zs->zs_pages = keg->uk_pages;
	zs->zs_secondary = TAILQ_FIRST(&keg->uk_zones) != zone;
	KEG_UNLOCK(keg);
	zs->zs_free = zs->zs_cached + (zs->zs_secondary ? 0 : zs->zs_kegfree);
}

void
uma_zone_foreach(void (*fn)(uma_zone_t, void *), void *arg)
{
	uma_zone_t zone;

	mtx_lock(&uma_mtx);
	TAILQ_FOREACH(zone, &uma_zones, uz_link)
		fn(zone, arg);
	mtx_unlock(&uma_mtx);
}

static int
sysctl_vm_zone_count(SYSCTL_HANDLER_ARGS)
{
	int count = uma_zone_count;

	return (SYSCTL_OUT(req, &count, sizeof(count)));
}
SYSCTL_PROC(_vm, OID_AUTO, zone_count, CTLTYPE_INT | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_vm_zone_count, "I",
    "Number of UMA zones");

static int
sysctl_vm_uma_reclaim(SYSCTL_HANDLER_ARGS)
{
	int val = 0, error;

	error = SYSCTL_OUT(req, &val, sizeof(val));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if ((error = SYSCTL_IN(req, &val, sizeof(val))) != 0)
		return (error);
	if (val != 1)
		return (sysctl_refuse(req, EINVAL, "only 1 (reclaim) can be "
		    "written"));
	uma_reclaim();
	return (0);
}
SYSCTL_PROC(_vm, OID_AUTO, uma_reclaim, CTLTYPE_INT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_vm_uma_reclaim, "I",
    "Write 1 to drain UMA's caches and free its empty slabs");
SYSCTL_UINT(_vm, OID_AUTO, uma_reclaims, CTLFLAG_RD, (u_int *)&uma_reclaims,
    0, "Times uma_reclaim() ran");
SYSCTL_UINT(_vm, OID_AUTO, uma_trims, CTLFLAG_RD, (u_int *)&uma_trims, 0,
    "Times a CPU gave back the caches its idle zones held (uma_int.h 4a)");
SYSCTL_ULONG(_vm, OID_AUTO, uma_trimmed_items, CTLFLAG_RD,
    (u_long *)&uma_trimmed_items, 0, "Items those trims gave back");
SYSCTL_ULONG(_vm, OID_AUTO, uma_leaked_items, CTLFLAG_RD, &uma_leaked_items,
    0, "Items still allocated when their zone was destroyed");



/*
 * Bootstrap and the reclaim thread
 */

static void
uma_lowmem(void *arg __unused, int flags __unused)
{
	/* Called from the page allocator, perhaps under a keg lock. */
	uma_reclaim_wanted = 1;
	wakeup(__DEVOLATILE(void *, &uma_reclaim_wanted));
}

static void
uma_reclaim_thread(void *arg __unused)
{
	for (;;) {
		while (!uma_reclaim_wanted)
			tsleep(__DEVOLATILE(void *, &uma_reclaim_wanted), PVM, "umarcl", hz);
		uma_reclaim_wanted = 0;
		uma_reclaim();
	}
}

static void
uma_startup(void *dummy __unused)
{
	int i;

	mtx_init(&uma_mtx, "UMA lock", NULL, MTX_DEF);
	mtx_init(&uma_reclaim_mtx, "UMA reclaim", NULL, MTX_DEF |
	    MTX_RECURSE);
	keg_setup(&masterkeg_k, "UMA Kegs", sizeof(struct uma_keg), NULL,
	    NULL, 32 - 1, UMA_ZFLAG_INTERNAL);
	LIST_INSERT_HEAD(&uma_kegs, &masterkeg_k, uk_link);
	zone_setup(&masterzone_k, &masterkeg_k, "UMA Kegs", NULL, NULL, NULL,
	    NULL, UMA_ZFLAG_INTERNAL);
	keg_setup(&masterkeg_z, "UMA Zones", sizeof(struct uma_zone), NULL,
	    NULL, UMA_ALIGN_CACHE, UMA_ZFLAG_INTERNAL);
	LIST_INSERT_HEAD(&uma_kegs, &masterkeg_z, uk_link);
	zone_setup(&masterzone_z, &masterkeg_z, "UMA Zones", NULL, NULL, NULL,
	    NULL, UMA_ZFLAG_INTERNAL);
	slabzone = uma_zcreate("UMA Slabs", slab_hdrsize(UMA_OFFPAGE_MAXIPERS,
	    0, NULL), NULL, NULL, NULL, NULL, UMA_ALIGN_PTR,
	    UMA_ZFLAG_INTERNAL);
	slabrefzone = uma_zcreate("UMA RCntSlabs",
	    slab_hdrsize(UMA_OFFPAGE_MAXIPERS, UMA_ZONE_REFCNT, NULL),
	    NULL, NULL, NULL, NULL, UMA_ALIGN_PTR, UMA_ZFLAG_INTERNAL);
	for (i = 0; i < BUCKET_ZONES; i++)
		bucket_zones[i].bz_zone = uma_zcreate(bucket_zones[i].bz_name,
		    bucket_zones[i].bz_words * sizeof(void *), NULL, NULL,
		    NULL, NULL, UMA_ALIGN_CACHE,
		    UMA_ZFLAG_INTERNAL | UMA_ZFLAG_BUCKET);
	vm_lowmem_register(uma_lowmem, NULL);
}
SYSINIT(uma_startup, SI_SUB_KMEM, SI_ORDER_SECOND, uma_startup, NULL);

static void
uma_startup3(void *dummy __unused)
{
	if (kthread_add(uma_reclaim_thread, NULL, NULL, NULL, 0, 0, "uma") != 0)
		panic("uma_startup3: cannot start the reclaim thread");
}
SYSINIT(uma_startup3, SI_SUB_KTHREAD_INIT, SI_ORDER_ANY, uma_startup3, NULL);
