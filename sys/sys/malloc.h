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
	uint64_t	mts_hwm_mark;	/* memalloced at the last HighUse check */
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

/* Deprecated macros, for old code. */
#define	MALLOC(space, cast, size, type, flags)				\
	((space) = (cast)malloc((u_long)(size), (type), (flags)))
#define	FREE(addr, type)	free((addr), (type))

#endif /* !_SYS_MALLOC_H_ */
