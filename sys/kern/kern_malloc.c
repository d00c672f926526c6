/*
 * malloc(9): general-purpose kernel memory over UMA, accounted by type.
 *
 * Size classes.  Requests up to KMEM_ZMAX (64 KiB) come from one of 44 UMA
 * zones: every 16 bytes up to 128, then four classes per power of two
 * (160, 192, 224, 256, 320, ... 57344, 65536).  Power-of-two buckets waste
 * a quarter of each block on average for uniform sizes; quarter steps
 * bring that to about a twelfth.  The class of a size is one table load,
 * kmemsize[(size + 15) >> 4].  The power-of-two classes are aligned to
 * their size (a page at most), so a power-of-two request is naturally
 * aligned, as FreeBSD's malloc(9) promises.  Larger requests are rounded to pages and
 * taken whole from kmem_map; their first page is owned by a large malloc
 * block (VPO_MALLOC_LARGE) and carries the size (under INVARIANTS the
 * others are owned too, carrying the block's address).  free() needs no size: the page's owner says which
 * zone (through the slab) or how big, or that the address is inside a
 * block, in MemGuard's hands, or a VM object's.
 *
 * Statistics.  Each type keeps one struct malloc_type_stats per CPU,
 * written inside a critical section without atomics and summed when read
 * (kern.malloc, vmstat -m).  The high-water mark (HighUse) is refreshed
 * whenever what a CPU allocated minus what it freed has grown by
 * MALLOC_HWM_STEP since its last refresh (a budget counted down by
 * allocations and up by frees), and whenever the statistics are read.
 *
 * Fast paths.  A small malloc() and free() are inline (malloc.h): this
 * CPU's bucket of the size zone and the type's statistics in one critical
 * section; free() finds the zone through the page of a direct-map address
 * (its slab's page cookie is the kmemzone).  Everything else comes here,
 * to the functions malloc() and free().
 *
 * Debugging (options INVARIANTS).  Each allocation's type is recorded
 * beside it (in its slab, or its second page), so free() names a wrong
 * type; an address that is not the start of a malloc block is named too;
 * flags must hold exactly one of M_NOWAIT and M_WAITOK, and M_WAITOK is
 * refused in a critical section.  The inline fast paths are compiled out,
 * so every request reaches these checks.  The malloc zones get UMA's trash callbacks,
 * which catch writes after free.
 *
 * Options: MALLOC_MAKE_FAILURES (debug.malloc.failure_*: fail one in N
 * M_NOWAIT requests, of every type or of one) and MALLOC_PROFILE
 * (kern.mprof: requests per 16-byte size and the waste).  Both are hooks
 * that compile to nothing when the option is off.
 */
#include "opt_vm.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/linker_set.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>
#include <vm/uma.h>
#include <vm/memguard.h>

MALLOC_DEFINE(M_CACHE, "cache", "Various Dynamically allocated caches");
MALLOC_DEFINE(M_DEVBUF, "devbuf", "device driver memory");
MALLOC_DEFINE(M_TEMP, "temp", "misc temporary data buffers");

#define	MALLOC_HWM_STEP	(64 * 1024)	/* bytes between HighUse refreshes */

/* The size classes (struct kmemzone and KMEM_* are in malloc.h). */
struct kmemzone	kmemzones[KMEM_NZONES];

/* Zone index of each size, by (size + 15) >> 4. */
uint8_t		kmemsize[KMEM_ZSIZE + 1];

static volatile time_t t_malloc_fail;	/* uptime of the last failure */
static volatile u_long	malloc_large_pages;	/* pages in large blocks */

SYSCTL_NODE(_debug, OID_AUTO, malloc, CTLFLAG_RD, NULL,
    "Kernel malloc debugging options");

/*
 * Debugging hooks: with INVARIANTS the last word of a small block holds
 * the type that allocated it.
 */
#ifdef INVARIANTS
/*
 * Small blocks: their zones are refcount zones, whose per-item word (in
 * the slab header, not in the block) holds the low half of the type's
 * address; a mismatch looks the owner up by that half among the types
 * (runtime types live outside the kernel image).  Large blocks: the first
 * page's owner word holds the type.
 */
#define	MALLOC_ZONE_FLAGS	UMA_ZONE_REFCNT

static struct malloc_type *malloc_type_by_tag(uint32_t tag);

static __inline void
malloc_tag_set(struct kmemzone *kz, void *addr, struct malloc_type *type)
{
	*uma_find_refcnt(kz->kz_zone, addr) = (uint32_t)(uintptr_t)type;
}

static void
malloc_type_mismatch(void *addr, struct malloc_type *owner,
    struct malloc_type *type)
{
	panic("free: type mismatch: %p was allocated as %s, freed as %s",
	    addr, owner != NULL && owner->ks_magic == M_MAGIC ?
	    owner->ks_shortdesc : "(unknown)", type->ks_shortdesc);
}

static void
malloc_tag_check(struct kmemzone *kz, void *addr, struct malloc_type *type)
{
	uint32_t *tag = uma_find_refcnt(kz->kz_zone, addr);
	struct malloc_type *owner;

	/* Not live (0): UMA reports the double free. */
	if (*tag == 0)
		return;
	if (*tag != (uint32_t)(uintptr_t)type) {
		/* A type made at run time lies outside the kernel image. */
		owner = malloc_type_by_tag(*tag);
		malloc_type_mismatch(addr, owner, type);
	}
	*tag = 0;
}

static __inline void *
malloc_large_tag(struct malloc_type *type)
{
	return (type);
}

/*
 * The other pages of a large block point at its first (so that free() of
 * an address inside it is named), or (owner VPO_NONE) are let go.
 */
static void
malloc_large_interior(vm_offset_t va, size_t size, enum vm_page_owner owner)
{
	u_long i;

	for (i = 1; i < atop(size); i++)
		vm_page_set_owner(vtopage(va + ptoa(i)), owner,
		    owner != VPO_NONE ? (void *)va : NULL, 0);
}

static void
malloc_large_tag_check(vm_page_t m, struct malloc_type *type)
{
	struct malloc_type *owner = m->po_ptr;

	if (owner != type)
		malloc_type_mismatch((void *)PHYS_TO_DMAP(m->phys_addr), owner,
		    type);
}

/* A guarded block records its type's short description (by pointer). */
static void
malloc_guarded_type_check(void *addr, struct malloc_type *type)
{
	const char *owner = memguard_owner(addr);

	if (owner != type->ks_shortdesc)
		panic("free: type mismatch: %p was allocated as %s, freed as "
		    "%s", addr, owner, type->ks_shortdesc);
}

static void
malloc_flags_check(int flags)
{
	if ((flags & (M_NOWAIT | M_WAITOK)) == 0 ||
	    (flags & (M_NOWAIT | M_WAITOK)) == (M_NOWAIT | M_WAITOK))
		panic("malloc: bad flags %#x: exactly one of M_NOWAIT and "
		    "M_WAITOK is needed", flags);
	if ((flags & M_WAITOK) != 0 && curthread->td_critnest != 0 && !cold)
		panic("malloc(M_WAITOK) in a critical section");
}
#else
#define	MALLOC_ZONE_FLAGS	0

static __inline void
malloc_tag_set(struct kmemzone *kz __unused, void *addr __unused,
    struct malloc_type *type __unused)
{
}

static __inline void
malloc_tag_check(struct kmemzone *kz __unused, void *addr __unused,
    struct malloc_type *type __unused)
{
}

static __inline void *
malloc_large_tag(struct malloc_type *type __unused)
{
	return (NULL);
}

static __inline void
malloc_large_interior(vm_offset_t va __unused, size_t size __unused,
    enum vm_page_owner owner __unused)
{
}

static __inline void
malloc_large_tag_check(vm_page_t m __unused,
    struct malloc_type *type __unused)
{
}

static __inline void
malloc_guarded_type_check(void *addr __unused,
    struct malloc_type *type __unused)
{
}

static __inline void
malloc_flags_check(int flags __unused)
{
}
#endif

/*
 * Failure injection (options MALLOC_MAKE_FAILURES).
 *   debug.malloc.failure_rate	one in N M_NOWAIT requests fails; 0: off
 *   debug.malloc.failure_count	requests failed on purpose
 *   debug.malloc.failure_type	only this type (short description); "": all
 *   debug.malloc.failure_verbose print the thread that got each failure
 */
#ifdef MALLOC_MAKE_FAILURES
static int	malloc_failure_rate;
static int	malloc_failure_count;
static int	malloc_failure_verbose;
static char	malloc_failure_type[32];
static volatile u_int malloc_nowait_count;

static int
sysctl_malloc_failure_rate(SYSCTL_HANDLER_ARGS)
{
	int error, val = malloc_failure_rate;

	error = sysctl_handle_int(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (val < 0)
		return (sysctl_refuse(req, EINVAL, "must be 0 (off) or more"));
	malloc_failure_rate = val;
	return (0);
}
SYSCTL_PROC(_debug_malloc, OID_AUTO, failure_rate, CTLTYPE_INT |
    CTLFLAG_RWTUN | CTLFLAG_MPSAFE, NULL, 0, sysctl_malloc_failure_rate, "I",
    "Every (n) mallocs with M_NOWAIT will fail");
SYSCTL_INT(_debug_malloc, OID_AUTO, failure_count, CTLFLAG_RD,
    &malloc_failure_count, 0, "Number of imposed M_NOWAIT malloc failures");
SYSCTL_STRING(_debug_malloc, OID_AUTO, failure_type, CTLFLAG_RWTUN,
    malloc_failure_type, sizeof(malloc_failure_type),
    "Fail only this malloc type (short description); empty: every type");
SYSCTL_INT(_debug_malloc, OID_AUTO, failure_verbose, CTLFLAG_RWTUN,
    &malloc_failure_verbose, 0, "Print the thread given each imposed failure");

static int
malloc_should_fail(struct malloc_type *type, int flags)
{
	if (malloc_failure_rate <= 0 || (flags & M_NOWAIT) == 0)
		return (0);
	if (malloc_failure_type[0] != '\0' &&
	    strcmp(malloc_failure_type, type->ks_shortdesc) != 0)
		return (0);
	if (atomic_fetchadd_int(&malloc_nowait_count, 1) %
	    (u_int)malloc_failure_rate != 0)
		return (0);
	atomic_add_int((volatile u_int *)&malloc_failure_count, 1);
	if (malloc_failure_verbose)
		printf("malloc: imposed failure of a %s allocation for thread "
		    "%d (%s)\n", type->ks_shortdesc, curthread->td_tid,
		    curthread->td_name);
	return (1);
}
#else
static __inline int
malloc_should_fail(struct malloc_type *type __unused, int flags __unused)
{
	return (0);
}
#endif

/*
 * Profiling (options MALLOC_PROFILE): requests of up to KMEM_ZMAX bytes
 * counted per size rounded up to 16 bytes, printed by kern.mprof with the
 * size handed out.  Larger requests have no row.
 */
#ifdef MALLOC_PROFILE
static volatile u_long	krequests[KMEM_ZSIZE + 1];

static __inline void
malloc_profile_count(size_t size)
{
	if (size <= KMEM_ZMAX)
		atomic_add_long(&krequests[(size + KMEM_ZBASE - 1) >>
		    KMEM_ZSHIFT], 1);
}

void
malloc_profile_reset(void)
{
	int i;

	for (i = 0; i <= KMEM_ZSIZE; i++)
		krequests[i] = 0;
}

static int
sysctl_kern_mprof(SYSCTL_HANDLER_ARGS)
{
	uint64_t used = 0, wasted = 0, count;
	uint32_t rsize;
	char line[160];
	int i, error;

	error = SYSCTL_OUT(req, "\n  Size                    Requests  Real Size\n",
	    strlen("\n  Size                    Requests  Real Size\n"));
	for (i = 1; i <= KMEM_ZSIZE && error == 0; i++) {
		count = krequests[i];
		rsize = kmemzones[kmemsize[i]].kz_size;
		snprintf(line, sizeof(line), "%6d%28ju%11u\n",
		    i << KMEM_ZSHIFT, (uintmax_t)count, rsize);
		error = SYSCTL_OUT(req, line, strlen(line));
		used += (uint64_t)rsize * count;
		wasted += (uint64_t)(rsize - (i << KMEM_ZSHIFT)) * count;
	}
	if (error != 0)
		return (error);
	snprintf(line, sizeof(line), "\nTotal memory used:\t%30ju\n"
	    "Total Memory wasted:\t%30ju\n", (uintmax_t)used,
	    (uintmax_t)wasted);
	error = SYSCTL_OUT(req, line, strlen(line));
	if (error == 0)
		error = SYSCTL_OUT(req, "", 1);
	return (error);
}
SYSCTL_PROC(_kern, OID_AUTO, mprof, CTLTYPE_STRING | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_kern_mprof, "A", "Malloc Profiling");
#else
static __inline void
malloc_profile_count(size_t size __unused)
{
}

void
malloc_profile_reset(void)
{
}
#endif

/*
 * Statistics
 */

static void
malloc_type_hwm(struct malloc_type *type)
{
	uint64_t alloced = 0, freed = 0;
	u_long inuse, old;
	int cpu;

	CPU_FOREACH(cpu) {
		alloced += type->ks_stats[cpu].mts_memalloced;
		freed += type->ks_stats[cpu].mts_memfreed;
	}
	inuse = alloced > freed ? alloced - freed : 0;
	while ((old = type->ks_maxused) < inuse)
		if (atomic_cmpset_long(&type->ks_maxused, old, inuse))
			break;
}

/*
 * Called in a critical section when this CPU's budget mts ran out: the
 * next refresh of type's HighUse after MALLOC_HWM_STEP more bytes.
 */
void
malloc_type_hwm_due(struct malloc_type *type, struct malloc_type_stats *mts)
{
	CRITICAL_ASSERT(curthread);
	mts->mts_hwm_budget = MALLOC_HWM_STEP;
	malloc_type_hwm(type);
}

/* This CPU's statistics of type; the caller is in a critical section. */
static __inline struct malloc_type_stats *
malloc_type_stats_cpu(struct malloc_type *type)
{
	CRITICAL_ASSERT(curthread);
	return (&type->ks_stats[curcpu]);
}

/* Count a free of size bytes on this CPU, in a critical section. */
static __inline void
malloc_type_count_free(struct malloc_type *type, unsigned long size)
{
	struct malloc_type_stats *mts;

	mts = malloc_type_stats_cpu(type);
	mts->mts_memfreed += size;
	mts->mts_numfrees++;
	mts->mts_hwm_budget += size;
}

/* Count an allocation of size bytes from zone index zindx (-1: none). */
static void
malloc_type_zone_allocated(struct malloc_type *type, unsigned long size,
    int zindx)
{
	struct malloc_type_stats *mts;
	struct thread *td;

	td = critical_enter_td();
	mts = malloc_type_stats_cpu(type);
	mts->mts_memalloced += size;
	mts->mts_numallocs++;
	if (zindx >= 0)
		mts->mts_size |= (uint64_t)1 << zindx;
	if ((mts->mts_hwm_budget -= size) < 0)
		malloc_type_hwm_due(type, mts);
	critical_exit_td(td);
}

void
malloc_type_allocated(struct malloc_type *type, unsigned long size)
{
	if (size > 0)
		malloc_type_zone_allocated(type, size, -1);
}

void
malloc_type_freed(struct malloc_type *type, unsigned long size)
{
	struct thread *td;

	td = critical_enter_td();
	malloc_type_count_free(type, size);
	critical_exit_td(td);
}

static void
malloc_failed(void)
{
	t_malloc_fail = time_uptime;
}

int
malloc_last_fail(void)
{
	return (time_uptime - t_malloc_fail);
}

/*
 * Large allocations: whole pages of kmem_map owned by the block; the first
 * page holds the size.  Under INVARIANTS it also holds the type, and the
 * other pages are owned too, holding the block's address (and a size of
 * 0); without, they are left without an owner, which saves a page-table
 * walk per page on each malloc and free.
 */

static void *
malloc_large(size_t size, struct malloc_type *type, int flags)
{
	vm_offset_t va;

	size = round_page(size);
	if (size == 0 || (flags & M_NOVM) != 0)	/* overflow, or no VM */
		return (NULL);
	va = kmem_malloc(kmem_map, size, flags);
	if (va == 0)
		return (NULL);
	vm_page_set_owner(vtopage(va), VPO_MALLOC_LARGE, malloc_large_tag(type),
	    size);
	malloc_large_interior(va, size, VPO_MALLOC_LARGE);
	atomic_add_long(&malloc_large_pages, atop(size));
	malloc_type_zone_allocated(type, size, -1);
	return ((void *)va);
}

static void
free_large(vm_page_t m, void *addr, size_t size, struct malloc_type *type)
{
	malloc_large_tag_check(m, type);
	vm_page_set_owner(m, VPO_NONE, NULL, 0);
	malloc_large_interior((vm_offset_t)addr, size, VPO_NONE);
	kmem_free(kmem_map, (vm_offset_t)addr, size);
	atomic_subtract_long(&malloc_large_pages, atop(size));
}

/*
 * malloc, free, realloc
 */

/*
 * A block from the size zones or kmem_map (no MemGuard), or NULL.  The
 * common case takes the item from this CPU's cache and counts it in one
 * critical section (malloc_cached(), malloc.h).  Inline in malloc(), and
 * as malloc_unguarded() for malloc.h's inline path: a request MemGuard
 * let pass that the cache could not serve.
 */
static __inline __always_inline void *
malloc_unguarded_inline(size_t size, struct malloc_type *type, int flags)
{
	struct kmemzone *kz;
	void *va;
	int zi;

	if (__predict_true(size <= KMEM_ZMAX)) {
		zi = kmemsize[(size + KMEM_ZBASE - 1) >> KMEM_ZSHIFT];
		kz = &kmemzones[zi];
		if (malloc_cached(curthread_fixed(), zi, type, flags, &va))
			return (va);
		va = uma_zalloc(kz->kz_zone, flags);
		if (__predict_true(va != NULL)) {
			malloc_tag_set(kz, va, type);
			malloc_type_zone_allocated(type, kz->kz_size, zi);
			return (va);
		}
	} else if ((va = malloc_large(size, type, flags)) != NULL)
		return (va);
	KASSERT((flags & M_WAITOK) == 0, ("malloc(M_WAITOK) returned NULL"));
	malloc_failed();
	return (NULL);
}

void *
malloc_unguarded(size_t size, struct malloc_type *type, int flags)
{
	return (malloc_unguarded_inline(size, type, flags));
}

/*
 * A request while MemGuard may guard some: out of line, so that malloc()
 * keeps a frameless fast path (one load and a tail call) when it is idle.
 */
static __noinline void *
malloc_maybe_guarded(size_t size, struct malloc_type *type, int flags)
{
	void *va;

	if (memguard_cmp_mtp(type, size) &&
	    (va = memguard_alloc(size, flags, type->ks_shortdesc)) != NULL) {
		malloc_type_zone_allocated(type, size, -1);
		return (va);
	}
	return (malloc_unguarded(size, type, flags));
}

/*
 * The function behind malloc.h's inline fast path: every request the
 * inline path does not serve, and every request when it is compiled out.
 */
void *
(malloc)(size_t size, struct malloc_type *type, int flags)
{
	malloc_flags_check(flags);
	if (__predict_false(malloc_should_fail(type, flags))) {
		malloc_failed();
		return (NULL);
	}
	malloc_profile_count(size);
	if (__predict_false(memguard_mtp_maybe()))
		return (malloc_maybe_guarded(size, type, flags));
	return (malloc_unguarded_inline(size, type, flags));
}

/* addr's page (owned by m) is not a malloc block's: say whose it is. */
static __noinline void
malloc_block_bad(void *addr, vm_page_t m, const char *who)
{
	vm_offset_t head;

	if (m == NULL)
		panic("%s: address %p(%p) has not been allocated", who, addr,
		    (void *)((vm_offset_t)addr & ~PAGE_MASK));
	switch (vm_page_owner(m)) {
	case VPO_MALLOC_LARGE:
		head = m->po_arg != 0 ? (vm_offset_t)addr & ~PAGE_MASK :
		    (vm_offset_t)m->po_ptr;
		panic("%s: address %p is inside the large malloc block at "
		    "%p, not its start", who, addr, (void *)head);
	case VPO_MEMGUARD:
		panic("%s: address %p is a MemGuard page, but MemGuard does "
		    "not guard it (MemGuard is off)", who, addr);
	case VPO_OBJECT:
		panic("%s: address %p is a page of VM object %p, not a malloc "
		    "block", who, addr, m->po_ptr);
	case VPO_UMA_SLAB:
		panic("%s: address %p is an item of UMA zone %s, not a malloc "
		    "block", who, addr, uma_item_zone_name(addr));
	default:
		panic("%s: address %p(%p) has not been allocated (page %s)",
		    who, addr, (void *)((vm_offset_t)addr & ~PAGE_MASK),
		    vm_page_owner_name(vm_page_owner(m)));
	}
}

/*
 * What malloc handed out at addr: its zone index (or -1 for a large
 * allocation), its size and its page.  Panics, naming the page's owner, on
 * an address malloc never returned.
 */
static int
malloc_block(void *addr, size_t *sizep, vm_page_t *mp, const char *who)
{
	struct kmemzone *kz;
	vm_page_t m;

	m = vtopage((vm_offset_t)addr);
	*mp = m;
	/* A malloc zone's slab pages carry its kmemzone (the page cookie). */
	if (__predict_false(m == NULL || m->owner != VPO_UMA_SLAB ||
	    (kz = (struct kmemzone *)m->po_arg) == NULL)) {
		if (m != NULL && m->owner == VPO_MALLOC_LARGE &&
		    ((vm_offset_t)addr & PAGE_MASK) == 0 && m->po_arg != 0) {
			*sizep = m->po_arg;
			return (-1);
		}
		malloc_block_bad(addr, m, who);
	}
	KASSERT(kz >= kmemzones && kz < kmemzones + KMEM_NZONES,
	    ("%s: %p's page cookie %p is not a malloc size class", who, addr,
	    kz));
	*sizep = kz->kz_size;
	return (kz - kmemzones);
}

/* The function behind malloc.h's inline free(). */
void
(free)(void *addr, struct malloc_type *type)
{
	vm_page_t m;
	size_t size;
	int zindx;

	if (addr == NULL)
		return;
	if (__predict_false(is_memguard_addr(addr))) {
		malloc_guarded_type_check(addr, type);
		malloc_type_freed(type, memguard_free(addr));
		return;
	}
	zindx = malloc_block(addr, &size, &m, "free");
	if (zindx >= 0) {
		malloc_tag_check(&kmemzones[zindx], addr, type);
		/* The common case: cache and statistics in one section. */
		if (free_cached(curthread_fixed(), &kmemzones[zindx], addr,
		    type))
			return;
		uma_zfree(kmemzones[zindx].kz_zone, addr);
	} else
		free_large(m, addr, size, type);
	malloc_type_freed(type, size);
}

u_long
malloc_pages_held(void)
{
	u_long pages;
	int i;

	pages = malloc_large_pages;
	for (i = 0; i < KMEM_NZONES; i++)
		pages += uma_zone_keg_pages(kmemzones[i].kz_zone);
	return (pages);
}

size_t
malloc_usable_size(const void *addr)
{
	vm_page_t m;
	size_t size;

	if (addr == NULL)
		return (0);
	if (is_memguard_addr(__DECONST(void *, addr)))
		return (memguard_size(__DECONST(void *, addr)));
	(void)malloc_block(__DECONST(void *, addr), &size, &m,
	    "malloc_usable_size");
	return (size);
}

void *
realloc(void *addr, size_t size, struct malloc_type *type, int flags)
{
	vm_page_t m;
	size_t alloc;
	void *newaddr;

	if (addr == NULL)
		return (malloc(size, type, flags));
	if (is_memguard_addr(addr)) {
		/* A guarded block stays guarded. */
		alloc = memguard_size(addr);
		if ((newaddr = memguard_alloc(size, flags,
		    type->ks_shortdesc)) != NULL)
			malloc_type_zone_allocated(type, size, -1);
		else if ((newaddr = malloc_unguarded(size, type, flags)) ==
		    NULL)
			return (NULL);
		memcpy(newaddr, addr, MIN(size, alloc));
		free(addr, type);
		return (newaddr);
	}
	(void)malloc_block(addr, &alloc, &m, "realloc");
	/* Keep the block if the new size still uses more than half of it. */
	if (size <= alloc && (size > (alloc >> 1) || alloc <= KMEM_ZBASE))
		return (addr);
	if ((newaddr = malloc(size, type, flags)) == NULL)
		return (NULL);
	memcpy(newaddr, addr, MIN(size, alloc));
	free(addr, type);
	return (newaddr);
}

void *
reallocf(void *addr, size_t size, struct malloc_type *type, int flags)
{
	void *newaddr;

	if ((newaddr = realloc(addr, size, type, flags)) == NULL)
		free(addr, type);
	return (newaddr);
}

/*
 * Boot: the size classes and their zones (after UMA, before any type is
 * used: malloc types need no registration, they are found in a linker set).
 */

static void
kmeminit(void *dummy __unused)
{
	struct kmemzone *kz;
	uint32_t size, step;
	int i, n;

	n = 0;
	for (size = KMEM_ZBASE; size <= 128; size += KMEM_ZBASE)
		kmemzones[n++].kz_size = size;
	for (size = 128; size < KMEM_ZMAX; size *= 2)
		for (step = size / 4, i = 1; i <= 4; i++)
			kmemzones[n++].kz_size = size + i * step;
	KASSERT(n == KMEM_NZONES && kmemzones[n - 1].kz_size == KMEM_ZMAX,
	    ("kmeminit: %d size classes, last %u", n,
	    kmemzones[n - 1].kz_size));
	for (i = 0, kz = kmemzones; i < KMEM_NZONES; i++, kz++) {
		snprintf(kz->kz_name, sizeof(kz->kz_name), "%u", kz->kz_size);
		kz->kz_bit = (uint64_t)1 << i;
		/* Power-of-two sizes are aligned to themselves (a page at most). */
		kz->kz_zone = uma_zcreate(kz->kz_name, kz->kz_size, NULL, NULL,
		    NULL, NULL, powerof2(kz->kz_size) ?
		    (int)MIN(kz->kz_size, PAGE_SIZE) - 1 : UMA_ALIGN_PTR,
		    UMA_ZONE_MALLOC | MALLOC_ZONE_FLAGS);
		uma_zone_set_page_cookie(kz->kz_zone, kz);
	}
	for (i = 0, n = 0; i <= KMEM_ZSIZE; i++) {
		while ((uint32_t)i << KMEM_ZSHIFT > kmemzones[n].kz_size)
			n++;
		kmemsize[i] = n;
	}
}
SYSINIT(kmeminit, SI_SUB_KMEM, SI_ORDER_THIRD, kmeminit, NULL);

/*
 * kern.malloc and vmstat -m
 */

SET_DECLARE(malloc_type_set, struct malloc_type);

/* Types registered with malloc_init(), newest first. */
static struct malloc_type	*malloc_types_rt;
static struct mtx		malloc_types_mtx;
MTX_SYSINIT(malloc_types, &malloc_types_mtx, "malloc types", MTX_DEF);

void
malloc_init(void *data)
{
	struct malloc_type *type = data;

	KASSERT(type->ks_magic == M_MAGIC, ("malloc_init: bad magic"));
	mtx_lock(&malloc_types_mtx);
	type->ks_next = malloc_types_rt;
	malloc_types_rt = type;
	mtx_unlock(&malloc_types_mtx);
}

void
malloc_uninit(void *data)
{
	struct malloc_type *type = data, **tpp;
	uint64_t alloced = 0, freed = 0;
	int cpu;

	mtx_lock(&malloc_types_mtx);
	for (tpp = &malloc_types_rt; *tpp != NULL; tpp = &(*tpp)->ks_next)
		if (*tpp == type) {
			*tpp = type->ks_next;
			break;
		}
	mtx_unlock(&malloc_types_mtx);
	CPU_FOREACH(cpu) {
		alloced += type->ks_stats[cpu].mts_memalloced;
		freed += type->ks_stats[cpu].mts_memfreed;
	}
	if (alloced != freed)
		printf("malloc_uninit: %ju bytes of '%s' still allocated\n",
		    (uintmax_t)(alloced - freed), type->ks_shortdesc);
}

#ifdef INVARIANTS
/* The type whose address ends in tag, or NULL. */
static struct malloc_type *
malloc_type_by_tag(uint32_t tag)
{
	struct malloc_type **tp, *type;

	SET_FOREACH(tp, malloc_type_set)
		if ((uint32_t)(uintptr_t)*tp == tag)
			return (*tp);
	for (type = malloc_types_rt; type != NULL; type = type->ks_next)
		if ((uint32_t)(uintptr_t)type == tag)
			return (type);
	return (NULL);
}
#endif

static void
malloc_print_type(struct malloc_type *type,
    void (*out)(void *, const char *), void *arg)
{
	uint64_t alloced, freed, allocs, frees, sizes;
	char line[256];
	int cpu, i, len, first;

	alloced = freed = allocs = frees = sizes = 0;
	malloc_type_hwm(type);
	CPU_FOREACH(cpu) {
		alloced += type->ks_stats[cpu].mts_memalloced;
		freed += type->ks_stats[cpu].mts_memfreed;
		allocs += type->ks_stats[cpu].mts_numallocs;
		frees += type->ks_stats[cpu].mts_numfrees;
		sizes |= type->ks_stats[cpu].mts_size;
	}
	/* Every registered type, unused ones too, as FreeBSD does. */
	len = snprintf(line, sizeof(line), "%13s %5ju %5juK %6luK "
	    "%8ju ", type->ks_shortdesc, (uintmax_t)(allocs - frees),
	    (uintmax_t)((alloced - freed + 1023) / 1024),
	    (type->ks_maxused + 1023) / 1024, (uintmax_t)allocs);
	for (i = 0, first = 1; i < KMEM_NZONES; i++) {
		if ((sizes & ((uint64_t)1 << i)) == 0)
			continue;
		len += snprintf(line + len, sizeof(line) - len, "%s%s",
		    first ? " " : ",", kmemzones[i].kz_name);
		first = 0;
		if (len >= (int)sizeof(line) - 8)
			break;
	}
	snprintf(line + len, sizeof(line) - len, "\n");
	out(arg, line);
}

void
malloc_print_types(void (*out)(void *, const char *), void *arg)
{
	struct malloc_type **tp, *type;
	char line[80];

	snprintf(line, sizeof(line), "%13s %5s %6s %7s %8s  Size(s)\n",
	    "Type", "InUse", "MemUse", "HighUse", "Requests");
	out(arg, line);
	SET_FOREACH(tp, malloc_type_set)
		malloc_print_type(*tp, out, arg);
	mtx_lock(&malloc_types_mtx);
	for (type = malloc_types_rt; type != NULL; type = type->ks_next)
		malloc_print_type(type, out, arg);
	mtx_unlock(&malloc_types_mtx);
}

static int
sysctl_kern_malloc(SYSCTL_HANDLER_ARGS)
{
	(void)SYSCTL_OUT(req, "\n", 1);
	malloc_print_types(sysctl_out_text, req);
	return (SYSCTL_OUT(req, "", 1));
}
SYSCTL_PROC(_kern, OID_AUTO, malloc, CTLTYPE_STRING | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_kern_malloc, "A", "Malloc Stats");

static int
sysctl_kern_malloc_count(SYSCTL_HANDLER_ARGS)
{
	struct malloc_type **tp, *type;
	int count = 0;

	SET_FOREACH(tp, malloc_type_set)
		count++;
	mtx_lock(&malloc_types_mtx);
	for (type = malloc_types_rt; type != NULL; type = type->ks_next)
		count++;
	mtx_unlock(&malloc_types_mtx);
	return (SYSCTL_OUT(req, &count, sizeof(count)));
}
SYSCTL_PROC(_kern, OID_AUTO, malloc_count, CTLTYPE_INT | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_kern_malloc_count, "I",
    "Count of kernel malloc types");

