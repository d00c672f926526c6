/*
 * UMA private structures.  Not for use outside sys/vm/uma_*.c, the UMA
 * tests and the tools that print UMA's state; consumers use uma.h.
 *
 * Design
 * ======
 * 1. Objects.  A zone (struct uma_zone) is what a consumer holds: a name,
 *    ctor/dtor, zone-level zinit/zfini, one struct uma_cache per CPU and a
 *    list of full buckets.  A keg (struct uma_keg) owns the memory: item
 *    geometry, slabs, keg-level init/fini, the page supplier and the
 *    limit.  Every zone sits on one keg; a secondary zone shares its
 *    master's keg.  A slab is uk_ppera pages holding uk_ipers items plus a
 *    header; a bucket is an array of free item pointers.
 *
 * 2. Layers, fastest first:
 *      per-CPU alloc/free bucket   no lock, no atomic: a critical section
 *      zone bucket list            zone lock
 *      keg slabs                   keg lock
 *      pages                       vm_page_alloc (one page) or
 *                                  vm_page_alloc_contig (several), both
 *                                  through the direct map; kmem_malloc
 *                                  when no contiguous run is free
 *    An allocation pops the CPU's alloc bucket; when it is empty the free
 *    bucket is swapped in, then a full bucket comes from the zone's list,
 *    then a new bucket is filled from the keg.  A free pushes onto the
 *    alloc bucket, then the free bucket; when both are full the free
 *    bucket goes on the zone's list, an empty one takes the item and
 *    becomes the alloc bucket and the full alloc bucket the free bucket,
 *    so the frees that follow are inline again.  The pop and the push are
 *    inline in uma.h (and, with the type statistics, in malloc.h); they
 *    see only the zone's head (struct uma_zone_head: flags, item size,
 *    per-CPU caches) and call uma_zalloc_slow()/uma_zfree_slow() inside
 *    their critical section for everything else.
 *
 * 3. Item lifecycle:
 *      pages --(keg init)--> free in a slab --(zinit)--> cached in a
 *      bucket --(ctor)--> allocated --(dtor)--> cached --(zfini)--> free
 *      in a slab --(keg fini)--> pages
 *    A slab whose last item comes back is kept while the keg holds fewer
 *    than uk_reserve empty slabs (UMA_KEG_RESERVE_PAGES of them: one
 *    one-page slab, no multi-page one) and otherwise goes back to the
 *    page layer at once; uma_reclaim() frees the reserve too.  NOFREE
 *    kegs and UMA's own keep every empty slab until uma_reclaim().
 *    Internal zones (UMA_ZFLAG_INTERNAL: UMA's own kegs, zones and slab
 *    headers) have no caches: they go to the keg every time.  The bucket
 *    zones (UMA_ZFLAG_BUCKET) are internal but cached, as FreeBSD's are:
 *    a zone's bucket comes from its bucket zone's per-CPU cache, and a
 *    bucket zone's own buckets come from the keg, so it never recurses.
 *
 * 4. Slab layout.  Small items keep the header at the end of the slab;
 *    when that would waste more than UMA_MAX_WASTE, or the items are
 *    large, the header comes from "UMA Slabs" ("UMA RCntSlabs" for
 *    refcount kegs).  A keg may use several pages per slab to keep what
 *    no item uses (waste, and the index as overhead) under UMA_MAX_WASTE
 *    (5%: a layout that leaves 10% unused, FreeBSD's bound, alone would
 *    miss a 5% footprint target for a workload of that class).  Every
 *    page of a slab points at its header (vm_page.slab), which is how a
 *    free finds its slab: no hash, no search; a slab in the direct map
 *    (all of malloc's) is found without a page-table walk.
 *
 *      +--------+--------+--------+-- ... --+--------+------+-----------+
 *      | colour | item 0 | item 1 |         | item n | spare| header    |
 *      +--------+--------+--------+-- ... --+--------+------+-----------+
 *      ^ slab base (us_data = base + colour)              ^ uk_pgoff
 *      header: struct uma_slab, us_freelist[ipers] (uint8_t index
 *              links), then for UMA_ZONE_REFCNT kegs uint32_t
 *              refcnt[ipers].
 *
 *    The colour offset (a multiple of the cache line, cycling per slab)
 *    uses the spare bytes so equal items of successive slabs do not all
 *    fall on the same cache sets.
 *
 * 4a. Idle caches.  UMA counts the slab pages all kegs hold
 *    (uma_pages_held); each time they pass their highest count since the
 *    last uma_reclaim() by UMA_TRIM_PAGES, a trim period ends.  A CPU
 *    whose allocation has just filled a bucket from a keg (so no lock is
 *    held and no critical section is open) and finds that a period ended
 *    trims: each zone whose cache on this CPU saw no allocation and no
 *    free during the whole last period gives that cache's items back to
 *    their slabs, and the zone's full buckets too if no CPU used it
 *    since that CPU's last trim.  So what a finished
 *    phase of the workload left in caches is not held while another
 *    phase grows memory to a new peak; a kernel whose memory churns below
 *    its peak never pays for a trim.  Only zones without zfini or keg fini
 *    are trimmed (a fini may take locks the allocating thread holds),
 *    never UMA's own, never with interrupts off, and uma_mtx is only
 *    tried.  Time plays no part.  Counters: vm.uma_trims,
 *    vm.uma_trimmed_items.
 *
 * 5. Locks, in the order they are taken:
 *      uma_mtx     the lists of kegs and zones (all zones, creation order)
 *      uz_lock     a zone's bucket list and bucket size; named after the
 *                  zone
 *      uk_lock     a keg's slabs, counters, limit and FULL flag; named
 *                  after the keg's first zone
 *    uma_reclaim_mtx serialises uma_reclaim() and the removal of zones
 *    from the list, so a reclaim walks the zones without uma_mtx held.
 *    No lock is held while a ctor, dtor, zinit or zfini runs.  Keg init
 *    and fini run with no lock held, on a slab not yet (or no longer)
 *    on the keg's lists.
 *
 * 6. Statistics.  uc_allocs and uc_frees are per-CPU, bumped inside the
 *    critical section without atomics and summed when read; fails and
 *    sleeps are rare and counted atomically.  A CPU's cache is reached
 *    only through zone_cache() here and uma_cache_pop()/uma_cache_push()
 *    in uma.h, which assert the critical section (CRITICAL_ASSERT) under
 *    INVARIANTS.
 *
 * 7. Debugging (options INVARIANTS, uma_dbg.c).  Each slab's freelist
 *    entry of an item allocated to a consumer holds UMA_DBG_ALLOCATED and
 *    one freed by a consumer UMA_DBG_FREED (set by compare-and-swap, with
 *    no keg lock), so a free checks that the item belongs to the zone's
 *    keg, is at an item boundary, and is not already free.  Zones made
 *    with no callbacks get trash_ctor/dtor/init/fini, which fill free
 *    items with UMA_JUNK and check the pattern on allocation.  Without
 *    INVARIANTS the hooks are empty inlines.
 *
 * 8. Limits.  uk_maxpages bounds the keg: whole slabs, at most INT_MAX
 *    items (uma_zone_set_max rounds down rather than pass it).  At the
 *    limit the keg is FULL: M_NOWAIT fails (counted in uz_fails),
 *    M_WAITOK sleeps on the keg (counted in uz_sleeps), and frees bypass
 *    the caches and go straight to the slabs so that sleepers are woken.
 */
#ifndef _VM_UMA_INT_H_
#define	_VM_UMA_INT_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <machine/param.h>
#include <vm/uma.h>

/* Poison: what a free item of a trash-checked zone is filled with. */
#define	UMA_JUNK		0xdeadc0de

#define	UMA_SLAB_SIZE		PAGE_SIZE
#define	UMA_SLAB_MASK		(PAGE_SIZE - 1)
#define	UMA_SMALLEST_UNIT	(PAGE_SIZE / 256)	/* 16 bytes */
#define	UMA_MAX_WASTE		5	/* percent of a slab, at most */
#define	UMA_MAX_PPERA		16	/* pages in one slab, at most */
#define	UMA_OFFPAGE_MAXIPERS	64	/* items of an off-page slab, at most */
#define	UMA_KEG_RESERVE_PAGES	1	/* empty slabs a keg keeps, in pages */
#define	UMA_BUCKET_BYTES	(8 * 1024) /* items a bucket holds, in bytes */
#define	UMA_TRIM_PAGES		128	/* growth past the peak per trim */

/*
 * Bucket zones: 16, 32, 64 and 128 pointers long, header included, so
 * they hold 12, 28, 60 and 124 items.  A zone's bucket size (uz_count)
 * starts at 28 (124 for UMA_ZONE_MAXBUCKET) and grows a step when the zone
 * lock is contended, up to uz_count_max: the largest of those that holds
 * at most UMA_BUCKET_BYTES of items (124 items of 64 bytes, 60 of 128,
 * 28 of 256, 12 of 512), and for bigger items what fits in
 * UMA_BUCKET_BYTES, at least one (8 of 1 KiB, 4 of 2 KiB, 2 of 4 KiB, 1
 * of 8 KiB and up), in a 12-item bucket whose ub_entries is cut to that.
 * FreeBSD's bucket_select() has the same shape (about 16 KiB for small
 * items, 8 KiB for 4 KiB items, one item beyond).
 *
 * Small buckets mean frequent exchanges, so an exchange stays in the fast
 * path's critical section: an empty alloc bucket is traded for a full one
 * off the zone's list, and a full free bucket put on the list for an
 * empty one from the bucket zone's cache on this CPU, under one zone lock
 * taken only if free (inline compare-and-set), with no wait; when the
 * lock is held or a cache is empty the slow path takes the long way.
 */
#define	BUCKET_ZONES		4
#define	BUCKET_MAX		124	/* largest bucket size, items */

/* Internal zone and keg flags, above the uma_zcreate() flags. */
#define	UMA_ZFLAG_INTERNAL	0x10000000	/* UMA's own: no caches */
#define	UMA_ZFLAG_PRIVALLOC	0x20000000	/* uma_zone_set_allocf used */
#define	UMA_ZFLAG_BUCKET	0x08000000	/* a bucket zone: cached */
/*
 * UMA_ZFLAG_FULL, _CTORDTOR, _DEBUG, _MEMGUARD and the masks of the zones
 * whose allocations (UMA_ZFLAG_SLOWALLOC) or frees (UMA_ZFLAG_SLOWPATH)
 * cannot stay on the fast path are in uma.h, beside the inline paths.
 */

/*
 * Free-list index entries are one byte, so a slab holds at most
 * UMA_MAX_IPERS items; the top three values are markers: end of list and
 * the INVARIANTS marks.  (No layout within the bound needs more: the
 * most, 251, is for 32-byte items on four pages.)
 */
#define	UMA_MAX_IPERS		252
#define	UMA_FREELIST_END	0xfd
#define	UMA_DBG_FREED		0xfe	/* freed by a consumer, cached */
#define	UMA_DBG_ALLOCATED	0xff	/* held by a consumer */

/* struct uma_bucket and struct uma_cache are in uma.h (the fast paths). */
typedef struct uma_bucket *uma_bucket_t;
typedef struct uma_cache *uma_cache_t;

struct uma_keg;

struct uma_slab {
	struct uma_keg	*us_keg;
	LIST_ENTRY(uma_slab) us_link;	/* on a keg's full/part/free list */
	uint8_t		*us_data;	/* item 0 */
	uint16_t	us_freecount;
	uint16_t	us_firstfree;	/* index, or UMA_FREELIST_END */
	uint8_t		us_flags;	/* UMA_SLAB_* from the page supplier */
	uint8_t		us_pad[3];
	uint8_t		us_freelist[];	/* next free index, per item */
};
typedef struct uma_slab *uma_slab_t;

LIST_HEAD(slabhead, uma_slab);
LIST_HEAD(bucketlist, uma_bucket);
TAILQ_HEAD(zonelist, uma_zone);

struct uma_keg {
	struct mtx	uk_lock;
	LIST_ENTRY(uma_keg) uk_link;	/* all kegs */
	struct zonelist	uk_zones;	/* zones on this keg, master first */
	struct slabhead	uk_part_slab;
	struct slabhead	uk_free_slab;
	struct slabhead	uk_full_slab;
	const char	*uk_name;	/* the master zone's name */
	uint32_t	uk_flags;	/* UMA_ZONE_* and UMA_ZFLAG_* */
	uint32_t	uk_size;	/* requested item size */
	uint32_t	uk_rsize;	/* item size with alignment */
	uint32_t	uk_align;	/* alignment mask */
	uint32_t	uk_ppera;	/* pages per slab */
	uint32_t	uk_ipers;	/* items per slab */
	uint32_t	uk_pgoff;	/* on-page header offset in the slab */
	uint32_t	uk_hdrsize;	/* header size */
	uint32_t	uk_refoff;	/* refcount array offset in the header */
	uint32_t	uk_colors;	/* colour offsets available */
	uint32_t	uk_colorstep;	/* bytes between colours */
	uint32_t	uk_nextcolor;
	uint32_t	uk_pages;	/* pages held in slabs */
	void		*uk_cookie;	/* each slab page's po_arg */
	uint64_t	uk_maxpages;	/* limit, 0: none */
	uint32_t	uk_free;	/* free items in slabs */
	uint32_t	uk_slabs;	/* slabs held */
	uint32_t	uk_freeslabs;	/* of them, empty on uk_free_slab */
	uint32_t	uk_reserve;	/* empty slabs kept, at most */
	uint64_t	uk_slabs_returned; /* emptied beyond the reserve */
	uint32_t	uk_sleepers;	/* threads waiting for the limit */
	uma_init	uk_init;
	uma_fini	uk_fini;
	uma_alloc	uk_allocf;
	uma_free	uk_freef;
	struct uma_zone	*uk_slabzone;	/* off-page headers, or NULL */
};
typedef struct uma_keg *uma_keg_t;

/*
 * A zone begins with what the inline fast paths use (struct uma_zone_head
 * in uma.h): uz_flags, keg flags plus UMA_ZFLAG_*; uz_size, the item
 * size passed to callbacks; the per-CPU caches uz_cpu[] follow the first
 * cache line, at UMA_ZONE_CPU_OFFSET (uma.h), which uma_core.c asserts.
 */
#define	uz_flags	uz_head.uzh_flags
#define	uz_size		uz_head.uzh_size

struct uma_zone {
	/* First cache line: what every allocation and free reads. */
	struct uma_zone_head uz_head;
	const char	*uz_name;
	uma_keg_t	uz_keg;
	uma_ctor	uz_ctor;
	uma_dtor	uz_dtor;
	uma_init	uz_init;	/* zinit: keg -> zone */
	uma_fini	uz_fini;	/* zfini: zone -> keg */
	uint32_t	uz_count;	/* bucket size now, 0: no caching */
	uint32_t	uz_count_max;	/* bucket size at most */
	struct uma_cache uz_cpu[MAXCPU];	/* at UMA_ZONE_CPU_OFFSET */
	struct mtx	uz_lock;
	TAILQ_ENTRY(uma_zone) uz_link;	/* all zones */
	TAILQ_ENTRY(uma_zone) uz_klink;	/* zones of the keg */
	struct bucketlist uz_buckets;	/* full (or partly full) buckets */
	uint32_t	uz_bucketitems;	/* items in uz_buckets */
	uint32_t	uz_bzone;	/* bucket_zones[] index for uz_count */
	volatile uint64_t uz_fails;	/* allocations that failed */
	volatile uint64_t uz_sleeps;	/* sleeps for the limit */
	uint64_t	uz_allocs_gone;	/* counts of CPUs folded at destroy */
	const char	*uz_warning;	/* printed when the limit is hit */
	int		uz_warn_ticks;	/* when it was last printed */
	volatile u_int	uz_warnings;	/* times it was printed */
};

/* Geometry for a hypothetical keg (tests and the waste benchmark). */
void	uma_keg_geometry(uint32_t size, uint32_t align, uint32_t flags,
	    uint32_t *rsize, uint32_t *ppera, uint32_t *ipers, int *offpage);

/* The slab of an item, through the vm_page of its page. */
uma_slab_t uma_item_slab(void *item);

static __inline uint32_t *
slab_refcnts(uma_keg_t keg, uma_slab_t slab)
{
	return ((uint32_t *)((uint8_t *)slab + keg->uk_refoff));
}

static __inline int
slab_item_index(uma_keg_t keg, uma_slab_t slab, void *item)
{
	return (((uint8_t *)item - slab->us_data) / keg->uk_rsize);
}

#define	ZONE_LOCK(z)		mtx_lock(&(z)->uz_lock)
#define	ZONE_TRYLOCK(z)		mtx_trylock(&(z)->uz_lock)
#define	ZONE_UNLOCK(z)		mtx_unlock(&(z)->uz_lock)
#define	ZONE_LOCK_ASSERT(z)	mtx_assert(&(z)->uz_lock, MA_OWNED)
#define	KEG_LOCK(k)		mtx_lock(&(k)->uk_lock)
#define	KEG_UNLOCK(k)		mtx_unlock(&(k)->uk_lock)
#define	KEG_LOCK_ASSERT(k)	mtx_assert(&(k)->uk_lock, MA_OWNED)

/*
 * Debugging hooks (uma_dbg.c).  With INVARIANTS they check every
 * allocation and free; without, they are empty and cost nothing.  The
 * trash callbacks, which consumers use too, are in uma_dbg.h.
 */
#include <vm/uma_dbg.h>

#ifdef INVARIANTS
#define	UMA_DEBUG_FLAGS		UMA_ZFLAG_DEBUG
void	uma_dbg_alloc(uma_zone_t zone, void *item);
void	uma_dbg_free(uma_zone_t zone, void *item);
void	uma_dbg_zcreate(uint32_t flags, uma_ctor *ctor, uma_dtor *dtor,
	    uma_init *init, uma_fini *fini);
#else
#define	UMA_DEBUG_FLAGS		0
static __inline void
uma_dbg_alloc(uma_zone_t zone __unused, void *item __unused)
{
}
static __inline void
uma_dbg_free(uma_zone_t zone __unused, void *item __unused)
{
}
static __inline void
uma_dbg_zcreate(uint32_t flags __unused, uma_ctor *ctor __unused,
    uma_dtor *dtor __unused, uma_init *init __unused, uma_fini *fini __unused)
{
}
#endif

#endif /* !_VM_UMA_INT_H_ */
