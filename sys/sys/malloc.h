/*
 * malloc(9): general-purpose kernel memory, accounted by type.
 *
 * Small requests come from UMA zones of a fixed series of sizes (four per
 * power of two, "16" .. "65536"); larger ones come whole from kmem_map.
 * free() needs no size: the slab behind the address says it.  Statistics
 * are kept per CPU per type without atomic instructions and summed when
 * read (sysctl kern.malloc, vmstat -m).
 */
#ifndef _SYS_MALLOC_H_
#define	_SYS_MALLOC_H_

#include <sys/types.h>
#include <sys/linker_set.h>
#include <machine/param.h>

/* Flags (FreeBSD 6 values). */
#define	M_NOWAIT	0x0001	/* do not block */
#define	M_WAITOK	0x0002	/* ok to block; never returns NULL */
#define	M_ZERO		0x0100	/* zero the allocation */
#define	M_NOVM		0x0200	/* do not ask the VM for pages */
#define	M_USE_RESERVE	0x0400	/* may dip into the page reserve */

/* mbuf-era aliases. */
#define	M_DONTWAIT	M_NOWAIT
#define	M_TRYWAIT	M_WAITOK
#define	M_WAIT		M_WAITOK

#define	M_MAGIC		877983977	/* time when first defined :-) */

/* Per-CPU statistics of a type; only its own CPU writes it. */
struct malloc_type_stats {
	uint64_t	mts_memalloced;	/* bytes allocated */
	uint64_t	mts_memfreed;	/* bytes freed */
	uint64_t	mts_numallocs;	/* allocations */
	uint64_t	mts_numfrees;	/* frees */
	uint64_t	mts_size;	/* bitmask of malloc zones used */
	int64_t		mts_hwm_budget;	/* growth in use (allocated minus
					   freed here) until the next HighUse
					   check */
	uint64_t	_mts_reserved[2];
} __aligned(CACHE_LINE_SIZE);

struct malloc_type {
	u_long		ks_magic;	/* M_MAGIC */
	const char	*ks_shortdesc;	/* what vmstat -m prints */
	const char	*ks_longdesc;
	volatile u_long	ks_maxused;	/* high-water mark of bytes in use */
	struct malloc_type *ks_next;	/* malloc_init()'s list */
	struct malloc_type_stats ks_stats[MAXCPU];
};

/*
 * Every type is found through the "malloc_type_set" linker set, so a type
 * needs no registration at run time.  A type made at run time (its storage
 * zeroed, ks_magic, ks_shortdesc and ks_longdesc filled in) is registered
 * with malloc_init() and removed with malloc_uninit() once nothing of it
 * is allocated; vmstat -m lists it in between.
 */
#define	MALLOC_DEFINE(type, shortdesc, longdesc)			\
	struct malloc_type type[1] = {					\
		{ .ks_magic = M_MAGIC, .ks_shortdesc = (shortdesc),	\
		  .ks_longdesc = (longdesc) }				\
	};								\
	DATA_SET(malloc_type_set, type)

#define	MALLOC_DECLARE(type)	extern struct malloc_type type[1]

MALLOC_DECLARE(M_CACHE);
MALLOC_DECLARE(M_DEVBUF);
MALLOC_DECLARE(M_TEMP);

void	*malloc(size_t size, struct malloc_type *type, int flags);
void	free(void *addr, struct malloc_type *type);
void	*realloc(void *addr, size_t size, struct malloc_type *type, int flags);
void	*reallocf(void *addr, size_t size, struct malloc_type *type,
	    int flags);
size_t	malloc_usable_size(const void *addr);
/* Pages held by malloc: its zones' slabs and its large blocks. */
u_long	malloc_pages_held(void);
int	malloc_last_fail(void);
void	malloc_type_allocated(struct malloc_type *type, unsigned long size);
void	malloc_type_freed(struct malloc_type *type, unsigned long size);
void	malloc_init(void *type);
/* Warns (and still removes the type) if some of it is still allocated. */
void	malloc_uninit(void *type);

void	*contigmalloc(unsigned long size, struct malloc_type *type, int flags,
	    vm_paddr_t low, vm_paddr_t high, unsigned long alignment,
	    vm_paddr_t boundary);
void	contigfree(void *addr, unsigned long size, struct malloc_type *type);

/* The kern.malloc / vmstat -m table, written through out(arg, text). */
void	malloc_print_types(void (*out)(void *, const char *), void *arg);
/* options MALLOC_PROFILE: forget the requests counted so far. */
void	malloc_profile_reset(void);

/*
 * The size classes: kmemzones[] in order of size, the class of a size
 * (<= KMEM_ZMAX) by kmemsize[(size + KMEM_ZBASE - 1) >> KMEM_ZSHIFT].
 * kmemzones[i]'s slab pages carry &kmemzones[i] as their page cookie.
 */
#define	KMEM_ZSHIFT	4
#define	KMEM_ZBASE	16
#define	KMEM_ZMAX	65536
#define	KMEM_ZSIZE	(KMEM_ZMAX >> KMEM_ZSHIFT)
#define	KMEM_NZONES	44

struct uma_zone;
struct kmemzone {
	struct uma_zone	*kz_zone;
	uint64_t	kz_bit;		/* its bit in mts_size */
	uint32_t	kz_size;
	char		kz_name[12];
};
extern struct kmemzone	kmemzones[KMEM_NZONES];
extern uint8_t		kmemsize[KMEM_ZSIZE + 1];

/*
 * The class of size computed, for a size known at compile time: 16-byte
 * steps up to 128, then four per power of two.  malloc_test checks it
 * against kmemsize[] for every size.
 */
static __inline __always_inline u_int
malloc_size_class(size_t size)
{
	u_int k;

	if (size <= 128)
		return (size == 0 ? 0 : (u_int)((size + 15) >> 4) - 1);
	k = 63 - __builtin_clzl(size - 1);	/* 2^k < size <= 2^(k+1) */
	return (8 + (k - 7) * 4 + (u_int)((size - 1 - (1UL << k)) >>
	    (k - 2)));
}

/* Deprecated macros, for old code. */
#define	MALLOC(space, cast, size, type, flags)				\
	((space) = (cast)malloc((u_long)(size), (type), (flags)))
#define	FREE(addr, type)	free((addr), (type))

/*
 * The inline fast paths
 * =====================
 * malloc() and free() of a small block are inline: one pop from (or push
 * onto) this CPU's cache of the size zone and the type's per-CPU
 * statistics, in one critical section.  free() finds the zone through the
 * block's page in the direct map (uma_dmap_cookie()).  Anything else
 * (large blocks, an empty or full bucket, MemGuard, a block outside the
 * direct map) calls the functions malloc() and free() (kern_malloc.c).
 * INVARIANTS, MALLOC_MAKE_FAILURES and MALLOC_PROFILE see every request,
 * so with them the macros call the functions directly.
 */
#include "opt_vm.h"
#include <vm/uma.h>
#include <vm/memguard.h>

#if !defined(INVARIANTS) && !defined(MALLOC_MAKE_FAILURES) && \
    !defined(MALLOC_PROFILE)
#define	MALLOC_INLINE	1
#else
#define	MALLOC_INLINE	0
#endif

/* The zone flags a malloc zone may have (see uma_cache_pop()). */
#ifdef INVARIANTS
#define	MALLOC_ZONE_SLOW	UMA_ZFLAG_DEBUG
#else
#define	MALLOC_ZONE_SLOW	0
#endif

/* Refresh type's HighUse and this CPU's budget (mts) until the next. */
void	malloc_type_hwm_due(struct malloc_type *type,
	    struct malloc_type_stats *mts);

static __inline __always_inline u_int
malloc_zone_index(size_t size)
{
	if (__builtin_constant_p(size))
		return (malloc_size_class(size));
	return (kmemsize[(size + KMEM_ZBASE - 1) >> KMEM_ZSHIFT]);
}

/*
 * A block of class zi from this CPU's cache in *vap (1), counted in
 * type's statistics in the same critical section (zeroed for M_ZERO), or
 * 0 when the cache cannot serve it (then nothing was counted).  td is
 * curthread_fixed().
 */
static __inline __always_inline int
malloc_cached(struct thread *td, u_int zi, struct malloc_type *type,
    int flags, void **vap)
{
	struct malloc_type_stats *mts;
	struct kmemzone *kz = &kmemzones[zi];
	u_long cpu;
	void *va;

	critical_enter_td_fixed(td);
	cpu = curcpu_index();
	if (__predict_false(!uma_cache_pop(kz->kz_zone, cpu, MALLOC_ZONE_SLOW,
	    &va))) {
		critical_exit_td(td);
		return (0);
	}
	mts = &type->ks_stats[cpu];
	mts->mts_memalloced += kz->kz_size;
	mts->mts_numallocs++;
	mts->mts_size |= kz->kz_bit;
	if (__predict_false((mts->mts_hwm_budget -= kz->kz_size) < 0))
		malloc_type_hwm_due(type, mts);
	if (critical_exit_owed(td))
		(void)critical_exit_preempt(NULL);
	if ((flags & M_ZERO) != 0)
		bzero(va, kz->kz_size);
	*vap = va;
	return (1);
}

/*
 * Put addr, a block of class kz, in this CPU's cache and count the free
 * in type's statistics, in one critical section (1); 0 when the cache
 * cannot take it (then nothing was counted).  td is curthread_fixed().
 */
static __inline __always_inline int
free_cached(struct thread *td, struct kmemzone *kz, void *addr,
    struct malloc_type *type)
{
	struct malloc_type_stats *mts;
	u_long cpu;

	critical_enter_td_fixed(td);
	cpu = curcpu_index();
	if (__predict_false(!uma_cache_push(kz->kz_zone, cpu, MALLOC_ZONE_SLOW,
	    addr))) {
		critical_exit_td(td);
		return (0);
	}
	mts = &type->ks_stats[cpu];
	mts->mts_memfreed += kz->kz_size;
	mts->mts_numfrees++;
	mts->mts_hwm_budget += kz->kz_size;
	if (critical_exit_owed(td))
		(void)critical_exit_preempt(NULL);
	return (1);
}

/* A request MemGuard let pass, from the size zones or kmem_map. */
void	*malloc_unguarded(size_t size, struct malloc_type *type, int flags);

/*
 * curthread is read first, so that the compiler can share one load among
 * the fast paths of a function.  With only vm.memguard.frequency set, a
 * request its countdown lets pass stays inline too (memguard_mtp_pass()).
 * A request MemGuard let pass and the cache cannot serve goes straight to
 * malloc_unguarded().
 */
static __inline __always_inline void *
malloc_inline(size_t size, struct malloc_type *type, int flags)
{
	struct thread *td = curthread_fixed();
	void *va;

	if (MALLOC_INLINE && __predict_true(size <= KMEM_ZMAX) &&
	    __predict_true(memguard_mtp_pass(size))) {
		if (__predict_true(malloc_cached(td, malloc_zone_index(size),
		    type, flags, &va)))
			return (va);
		return (malloc_unguarded(size, type, flags));
	}
	return ((malloc)(size, type, flags));
}

static __inline __always_inline void
free_inline(void *addr, struct malloc_type *type)
{
	struct thread *td = curthread_fixed();
	struct kmemzone *kz;

	if (MALLOC_INLINE && __predict_true((kz = uma_dmap_cookie(addr)) !=
	    NULL) && __predict_true(free_cached(td, kz, addr, type)))
		return;
	(free)(addr, type);
}

#define	malloc(size, type, flags)	malloc_inline((size), (type), (flags))
#define	free(addr, type)		free_inline((addr), (type))

#endif /* !_SYS_MALLOC_H_ */
