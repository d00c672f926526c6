/*
 * UMA, the zone allocator: the public KPI (uma(9)).
 *
 * A zone hands out items of one size.  uma_zcreate() makes a zone on a
 * keg of its own; uma_zsecond_create() stacks another zone on an existing
 * zone's keg, so the two share slabs and the limit but keep their own
 * ctor/dtor, per-CPU caches and statistics.  Items live in the caches
 * between a free and the next allocation; init/fini run when an item
 * enters or leaves the cache (slab creation and release for a keg,
 * import into and export out of a zone's buckets for zinit/zfini),
 * ctor/dtor on every allocation and free.  The private structures and
 * the design notes are in uma_int.h.
 */
/*
 * M_NOWAIT, M_WAITOK, M_ZERO.  Included before the guard: malloc.h's
 * inline fast path includes this file in turn and needs all of it.
 */
#include <sys/malloc.h>

#ifndef _VM_UMA_H_
#define	_VM_UMA_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <machine/param.h>
#include <machine/vmparam.h>
#include <vm/vm_page.h>

struct uma_zone;
typedef struct uma_zone *uma_zone_t;

/*
 * Item callbacks.  ctor and init return 0 or an errno; a failure makes
 * the allocation return NULL with nothing leaked.  size is the zone's
 * item size; arg is the argument of uma_zalloc_arg/uma_zfree_arg.
 */
typedef int	(*uma_ctor)(void *mem, int size, void *arg, int flags);
typedef void	(*uma_dtor)(void *mem, int size, void *arg);
typedef int	(*uma_init)(void *mem, int size, int flags);
typedef void	(*uma_fini)(void *mem, int size);

/*
 * Back-end page supplier of a keg: size bytes of wired, mapped memory for
 * one slab, or NULL.  *pflag receives UMA_SLAB_* flags that come back to
 * the matching uma_free.  wait is M_NOWAIT or M_WAITOK.
 */
typedef void	*(*uma_alloc)(uma_zone_t zone, vm_size_t size, uint8_t *pflag,
		    int wait);
typedef void	(*uma_free)(void *item, vm_size_t size, uint8_t pflag);

/* uma_zcreate() flags (FreeBSD 5 values). */
#define	UMA_ZONE_PAGEABLE	0x0001	/* accepted, not implemented */
#define	UMA_ZONE_ZINIT		0x0002	/* zero items when the keg inits them */
#define	UMA_ZONE_STATIC		0x0004	/* statically sized zone */
#define	UMA_ZONE_OFFPAGE	0x0008	/* slab header off the page */
#define	UMA_ZONE_MALLOC		0x0010	/* a malloc(9) size zone */
#define	UMA_ZONE_NOFREE		0x0020	/* never give slabs back to the VM */
#define	UMA_ZONE_MTXCLASS	0x0040	/* lock named after the zone */
#define	UMA_ZONE_VM		0x0080	/* VM-internal: no off-page headers,
					   buckets taken with M_NOVM */
#define	UMA_ZONE_HASH		0x0100	/* accepted: slabs are always found
					   through their vm_page */
#define	UMA_ZONE_SECONDARY	0x0200	/* set by uma_zsecond_create */
#define	UMA_ZONE_REFCNT		0x0400	/* a 32-bit counter per item */
#define	UMA_ZONE_MAXBUCKET	0x0800	/* always use the largest bucket */
#define	UMA_ZONE_INTERNAL	0x1000	/* uma_zone_flags() only: one of
					   UMA's own zones */

/* Alignment masks (alignment - 1) for uma_zcreate(). */
#define	UMA_ALIGN_PTR	(sizeof(void *) - 1)
#define	UMA_ALIGN_LONG	(sizeof(long) - 1)
#define	UMA_ALIGN_INT	(sizeof(int) - 1)
#define	UMA_ALIGN_SHORT	(sizeof(short) - 1)
#define	UMA_ALIGN_CHAR	(sizeof(char) - 1)
#define	UMA_ALIGN_CACHE	(64 - 1)

/* Page flags a uma_alloc returns through *pflag. */
#define	UMA_SLAB_BOOT	0x01	/* never freed */
#define	UMA_SLAB_KMEM	0x02	/* from kmem_map */
#define	UMA_SLAB_KERNEL	0x04	/* from kernel_map */
#define	UMA_SLAB_PRIV	0x08	/* from a private allocator */
#define	UMA_SLAB_OFFP	0x10	/* header managed separately */
#define	UMA_SLAB_MALLOC	0x20	/* a large malloc(9) allocation */
#define	UMA_SLAB_DMAP	0x40	/* one page through the direct map */

/*
 * Create a zone of size-byte items aligned to align + 1 bytes.  May sleep;
 * never returns NULL.  name must stay valid for the zone's lifetime.
 */
uma_zone_t uma_zcreate(const char *name, size_t size, uma_ctor ctor,
	    uma_dtor dtor, uma_init init, uma_fini fini, int align,
	    uint32_t flags);

/* A zone on master's keg, with its own ctor/dtor and zinit/zfini. */
uma_zone_t uma_zsecond_create(const char *name, uma_ctor ctor, uma_dtor dtor,
	    uma_init zinit, uma_fini zfini, uma_zone_t master);

/*
 * Destroy a zone: its caches are drained and, for the last zone on a keg,
 * the slabs are released.  Items still allocated are reported.
 */
void	uma_zdestroy(uma_zone_t zone);

/*
 * An item, or NULL: only with M_NOWAIT (no memory, or the limit reached),
 * when the ctor or an init fails, or with M_NOVM and nothing cached.
 * M_WAITOK sleeps for memory and never returns NULL for want of it.
 * M_ZERO zeroes the item after the ctor.
 */
void	*uma_zalloc_arg(uma_zone_t zone, void *arg, int flags);

/* Give an item back; arg goes to the dtor.  A NULL item does nothing. */
void	uma_zfree_arg(uma_zone_t zone, void *item, void *arg);

/*
 * The inline fast paths
 * =====================
 * uma_zalloc_arg() and uma_zfree_arg() are inline: a warm allocation pops
 * this CPU's alloc bucket and a free pushes onto it, in one critical
 * section, with no call (M_ZERO clears the item after it, when the zone
 * has no ctor).  Everything else (an empty or full bucket, a ctor or
 * dtor, debugging, MemGuard, a keg at its limit) goes to
 * uma_zalloc_slow()/uma_zfree_slow(), entered inside that critical
 * section.  (The functions uma_zalloc_arg and uma_zfree_arg exist too,
 * for their addresses.)
 *
 * What the inlines see of a zone is its head (the flags that send a
 * request to the slow path, and the item size) and its per-CPU caches,
 * which follow the zone's first cache line, at UMA_ZONE_CPU_OFFSET
 * (uma_core.c asserts it, so a change to struct uma_zone that moves them
 * fails to compile).  The rest of struct uma_zone is private (uma_int.h);
 * consumers call the functions and never touch these fields.
 */
struct uma_bucket {
	LIST_ENTRY(uma_bucket) ub_link;	/* on the zone's bucket list */
	int		ub_cnt;		/* items present */
	int		ub_entries;	/* capacity */
	int		ub_zone;	/* index of its bucket zone */
	int		ub_pad;
	void		*ub_bucket[];	/* LIFO: pushed and popped at ub_cnt */
};

/*
 * One CPU's cache of a zone.  Only that CPU touches it, in a critical
 * section.
 */
struct uma_cache {
	struct uma_bucket *uc_allocbucket;	/* never NULL (see uma_core.c) */
	struct uma_bucket *uc_freebucket;
	uint64_t	uc_allocs;
	uint64_t	uc_frees;
	uint64_t	uc_frees_slow;	/* fast-path zones: frees that found
					   both buckets full */
	uint64_t	uc_trim_ops;	/* allocs + frees at the last trim */
} __aligned(CACHE_LINE_SIZE);

struct uma_zone_head {
	uint32_t	uzh_flags;	/* UMA_ZONE_* and UMA_ZFLAG_* */
	uint32_t	uzh_size;	/* item size (M_ZERO, callbacks) */
};

#define	UMA_ZONE_CPU_OFFSET	64	/* offsetof(struct uma_zone, uz_cpu) */

/* CPU cpu's cache of zone. */
static __inline __always_inline struct uma_cache *
uma_zone_cpu_cache(uma_zone_t zone, u_long cpu)
{
	/* One address computation, so that none of it is hoisted apart. */
	return ((struct uma_cache *)((char *)zone + (cpu *
	    sizeof(struct uma_cache) + UMA_ZONE_CPU_OFFSET)));
}

/* Zone flags the fast paths test (the others are in uma_int.h). */
#define	UMA_ZFLAG_FULL		0x40000000	/* keg at its limit */
#define	UMA_ZFLAG_CTORDTOR	0x01000000	/* zone: has a ctor or dtor */
#define	UMA_ZFLAG_DEBUG		0x02000000	/* zone: INVARIANTS checks */
#define	UMA_ZFLAG_MEMGUARD	0x04000000	/* zone: MemGuard may guard it
						   (never cleared) */
#define	UMA_ZFLAG_SLOWALLOC	(UMA_ZFLAG_CTORDTOR | UMA_ZFLAG_DEBUG |	\
				 UMA_ZFLAG_MEMGUARD)
#define	UMA_ZFLAG_SLOWPATH	(UMA_ZFLAG_SLOWALLOC | UMA_ZFLAG_FULL)

/*
 * The slow paths, entered in the critical section the inline paths
 * opened, which they leave.  uma_zalloc_slow() returns what
 * uma_zalloc_arg() does.
 */
void	*uma_zalloc_slow(uma_zone_t zone, void *arg, int flags);
void	uma_zfree_slow(uma_zone_t zone, void *item, void *arg);

/*
 * The per-CPU cache alone, for a caller that keeps statistics of its own
 * in the same critical section (malloc(9)); cpu is curcpu_index(), read
 * in that section.  uma_cache_pop() takes an item (1; M_ZERO is the
 * caller's to do, with uma_zone_item_size()), or returns 0 when the
 * request needs more (empty bucket, or one of the zone flags slow: a
 * ctor, debugging, MemGuard).  uma_cache_push() puts item in (1), or
 * returns 0 when the free needs more (full bucket, or one of slow: a
 * dtor, debugging, MemGuard, a limit).  On 0 nothing changed: leave the
 * section and call uma_zalloc_arg() or uma_zfree_arg().  slow is
 * UMA_ZFLAG_SLOWALLOC or UMA_ZFLAG_SLOWPATH, or (a constant) the flags the
 * caller's zones may have at all: for UMA_ZONE_MALLOC zones, which never
 * have a ctor, dtor, limit or MemGuard, UMA_ZFLAG_DEBUG with INVARIANTS
 * and 0 without (then the flag test compiles away).
 */
static __inline __always_inline int
uma_cache_pop(uma_zone_t zone, u_long cpu, uint32_t slow, void **itemp)
{
	struct uma_zone_head *zh = (struct uma_zone_head *)zone;
	struct uma_cache *cache = uma_zone_cpu_cache(zone, cpu);
	struct uma_bucket *bucket = cache->uc_allocbucket;
	long cnt = bucket->ub_cnt - 1;

	CRITICAL_ASSERT(curthread);
	if (__predict_false(cnt < 0 || (zh->uzh_flags & slow) != 0))
		return (0);
	bucket->ub_cnt = (int)cnt;
	*itemp = bucket->ub_bucket[cnt];
	cache->uc_allocs++;
	return (1);
}

static __inline __always_inline int
uma_cache_push(uma_zone_t zone, u_long cpu, uint32_t slow, void *item)
{
	struct uma_zone_head *zh = (struct uma_zone_head *)zone;
	struct uma_cache *cache = uma_zone_cpu_cache(zone, cpu);
	struct uma_bucket *bucket = cache->uc_allocbucket;
	int cnt = bucket->ub_cnt;

	CRITICAL_ASSERT(curthread);
	if (__predict_false(cnt >= bucket->ub_entries ||
	    (zh->uzh_flags & slow) != 0))
		return (0);
	bucket->ub_bucket[cnt] = item;
	bucket->ub_cnt = cnt + 1;
	cache->uc_frees++;
	return (1);
}

/* The zone's item size (what M_ZERO clears). */
static __inline __always_inline uint32_t
uma_zone_item_size(uma_zone_t zone)
{
	return (((struct uma_zone_head *)zone)->uzh_size);
}

/*
 * The page cookie (uma_zone_set_page_cookie()) of the slab that holds
 * item, when item lies in the direct map: one index into the page array,
 * no page-table walk.  NULL for any other address (NULL included), a page
 * that is not a slab's, or a zone without a cookie.
 */
static __inline __always_inline void *
uma_dmap_cookie(const void *item)
{
	u_long pi = atop((vm_offset_t)item - DMAP_MIN_ADDRESS);
	vm_page_t m;

	if (__predict_false(pi >= vm_page_array_size))
		return (NULL);
	m = &vm_page_array[pi];
	if (__predict_false(m->owner != VPO_UMA_SLAB))
		return (NULL);
	return ((void *)m->po_arg);
}

static __inline __always_inline void *
uma_zalloc_inline(uma_zone_t zone, void *arg, int flags)
{
	struct thread *td;
	void *item;

	td = critical_enter_td();
	if (__predict_false(!uma_cache_pop(zone, curcpu_index(),
	    UMA_ZFLAG_SLOWALLOC, &item)))
		return (uma_zalloc_slow(zone, arg, flags));
	if (critical_exit_owed(td))
		(void)critical_exit_preempt(NULL);
	if ((flags & M_ZERO) != 0)
		bzero(item, uma_zone_item_size(zone));
	return (item);
}

static __inline __always_inline void
uma_zfree_inline(uma_zone_t zone, void *item, void *arg)
{
	struct thread *td;

	if (__predict_false(item == NULL))
		return;
	td = critical_enter_td();
	if (__predict_false(!uma_cache_push(zone, curcpu_index(),
	    UMA_ZFLAG_SLOWPATH, item))) {
		uma_zfree_slow(zone, item, arg);
		return;
	}
	if (critical_exit_owed(td))
		(void)critical_exit_preempt(NULL);
}

#define	uma_zalloc_arg(zone, arg, flags)				\
	uma_zalloc_inline((zone), (arg), (flags))
#define	uma_zfree_arg(zone, item, arg)					\
	uma_zfree_inline((zone), (item), (arg))

static __inline void *
uma_zalloc(uma_zone_t zone, int flags)
{
	return (uma_zalloc_inline(zone, NULL, flags));
}

static __inline void
uma_zfree(uma_zone_t zone, void *item)
{
	uma_zfree_inline(zone, item, NULL);
}

/*
 * Limit the items a zone's keg hands out (0: no limit).  The limit is
 * rounded up to whole slabs; the effective limit is returned.
 */
int	uma_zone_set_max(uma_zone_t zone, int nitems);
int	uma_zone_get_max(uma_zone_t zone);
/* Items allocated and not yet freed. */
int	uma_zone_get_cur(uma_zone_t zone);
/* Printed (at most once a second) when an allocation hits the limit. */
void	uma_zone_set_warning(uma_zone_t zone, const char *warning);
/* Set the keg's init/fini; only while the keg has no slabs. */
void	uma_zone_set_init(uma_zone_t zone, uma_init init);
void	uma_zone_set_fini(uma_zone_t zone, uma_fini fini);
/* Set the zone's zinit/zfini; only while the keg has no slabs. */
void	uma_zone_set_zinit(uma_zone_t zone, uma_init zinit);
void	uma_zone_set_zfini(uma_zone_t zone, uma_fini zfini);
/* Replace the keg's page supplier. */
void	uma_zone_set_allocf(uma_zone_t zone, uma_alloc allocf);
void	uma_zone_set_freef(uma_zone_t zone, uma_free freef);
/* Nonzero while the zone's keg is at its limit with no free item. */
int	uma_zone_exhausted(uma_zone_t zone);

/* Allocate slabs for itemcnt items now (may sleep). */
void	uma_prealloc(uma_zone_t zone, int itemcnt);

/*
 * Give memory back: drain every CPU's cache and the bucket caches of every
 * zone, and free empty slabs (except for UMA_ZONE_NOFREE kegs).
 */
void	uma_reclaim(void);

/* The reference counter of an item of a UMA_ZONE_REFCNT zone. */
uint32_t *uma_find_refcnt(uma_zone_t zone, void *item);

/* Zone name, item size, and lookups for diagnostics and tools. */
const char *uma_zone_name(uma_zone_t zone);
/*
 * Pages in the slabs of the zone's keg (free items in slabs and in the
 * per-CPU and zone caches included), and the keg's item size with its
 * alignment padding (what one item takes in a slab).
 */
u_long	uma_zone_keg_pages(uma_zone_t zone);
int	uma_zone_rsize(uma_zone_t zone);
int	uma_zone_size(uma_zone_t zone);
/* The zone's UMA_ZONE_* flags (with UMA_ZONE_INTERNAL for UMA's own). */
uint32_t uma_zone_flags(uma_zone_t zone);
/*
 * MemGuard: send the zone's allocations through memguard_cmp_zone() (set
 * on zones whose name vm.memguard.desc names).
 */
void	uma_zone_set_guarded(uma_zone_t zone);
uma_zone_t uma_zone_find(const char *name);

/*
 * Pages.  Every page of a zone's slabs is owned by the slab (VPO_UMA_SLAB
 * in vm_page.h); its owner argument (po_arg) is the keg's page cookie,
 * set once, before the keg has slabs, by the zone's creator (malloc(9)
 * keeps its size class there so that free() needs one page lookup).
 */
void	uma_zone_set_page_cookie(uma_zone_t zone, void *cookie);
/* The name of the zone whose slab holds item, or NULL when none does. */
const char *uma_item_zone_name(void *item);

/*
 * Statistics, for vmstat -z, netstat -m, show uma and tests: a consistent
 * picture of a zone, and of one CPU's cache of it.
 */
struct uma_zone_stat {
	uint64_t	zs_allocs;
	uint64_t	zs_frees;
	uint64_t	zs_fails;
	uint64_t	zs_sleeps;
	uint32_t	zs_size;	/* item size */
	uint32_t	zs_rsize;	/* item size in the slab */
	uint32_t	zs_ipers;
	uint32_t	zs_ppera;
	uint32_t	zs_limit;	/* items, 0: none */
	uint32_t	zs_used;	/* allocated, not freed */
	uint32_t	zs_cached;	/* in this zone's buckets (CPUs, list) */
	uint32_t	zs_kegfree;	/* free in the keg's slabs */
	uint32_t	zs_free;	/* cached, plus kegfree on the master */
	uint32_t	zs_pages;	/* pages of the keg */
	uint32_t	zs_bucketsize;	/* uz_count */
	uint32_t	zs_warnings;
	int		zs_secondary;	/* not the first zone on its keg */
};

struct uma_cache_stat {
	uint64_t	cs_allocs;	/* through this CPU's cache */
	uint64_t	cs_frees;
	uint64_t	cs_frees_slow;	/* frees that found both buckets full */
	int		cs_alloccnt;	/* items in the alloc bucket */
	int		cs_freecnt;	/* items in the free bucket */
};

void	uma_zone_stat(uma_zone_t zone, struct uma_zone_stat *zs);
/* CPU cpu's cache of zone (racy snapshot of another CPU's counters). */
void	uma_zone_cpu_stat(uma_zone_t zone, int cpu, struct uma_cache_stat *cs);
/* Call fn for every zone, in creation order, with the zone list locked. */
void	uma_zone_foreach(void (*fn)(uma_zone_t, void *), void *arg);
/* Drain one zone: every CPU's cache, the bucket list, the empty slabs. */
void	uma_zone_drain(uma_zone_t zone);
/* Items still allocated when their zone was destroyed (vm.uma_leaked_items). */
extern u_long	uma_leaked_items;

#endif /* !_VM_UMA_H_ */
