/*
 * MemGuard (options DEBUG_MEMGUARD): allocations on pages of their own,
 * followed (and optionally preceded) by an unmapped guard page, and
 * unmapped when freed, so that a use after free or an overrun faults at
 * once and the fault is reported with the allocation's malloc type.
 *
 * malloc(9) and UMA call the hooks below; without the option they are
 * inline stubs that cost nothing.  See memguard.c and memguard(9).
 */
#ifndef _VM_MEMGUARD_H_
#define	_VM_MEMGUARD_H_

#include "opt_vm.h"

#include <sys/types.h>

struct malloc_type;
struct uma_zone;

/* vm.memguard.options bits. */
#define	MG_GUARD_AROUND		0x0001	/* a guard page before, too */
#define	MG_GUARD_ALLLARGE	0x0002	/* guard every request >= a page */

/* A guarded block's alignment: malloc(9)'s. */
#define	MEMGUARD_ALIGN		16

#ifdef DEBUG_MEMGUARD
/*
 * A guarded block of size bytes, MEMGUARD_ALIGN aligned, its size rounded
 * up to MEMGUARD_ALIGN ending at the end of its last page; or NULL when
 * MemGuard has no room (the caller then uses its own memory; counted as a
 * fallback).  owner names the type or zone in reports.
 */
void	*memguard_alloc(unsigned long size, int flags, const char *owner);
/* The same at another alignment (a power of two up to a page). */
void	*memguard_alloc_aligned(unsigned long size, unsigned long align,
	    int flags, const char *owner);
/* Free a guarded block, returning the size it was asked for; a second
   free panics. */
unsigned long memguard_free(void *addr);
/* The size asked for by a live guarded block. */
unsigned long memguard_size(void *addr);
/* The owner recorded for a guarded block (a malloc type's short name). */
const char *memguard_owner(void *addr);
/*
 * Idle MemGuard costs two inline tests: MemGuard's map is
 * [memguard_base, memguard_end) (both 0 before it exists), and
 * memguard_mtp_active is nonzero only while some malloc(9) request may be
 * guarded: MG_MTP_FREQ while only vm.memguard.frequency can select one,
 * MG_MTP_ALL while vm.memguard.desc or MG_GUARD_ALLLARGE can too.
 *
 * The frequency mode draws its random numbers ahead, in batches:
 * memguard_freq_skip is how many of the next requests the draws made so
 * far let pass, so most requests cost a countdown and stay on malloc(9)'s
 * inline path; the selection is the same as one draw per request.
 */
#define	MG_MTP_FREQ		1	/* memguard_mtp_active: frequency only */
#define	MG_MTP_ALL		2	/* desc or MG_GUARD_ALLLARGE as well */

extern u_long		memguard_base, memguard_end;
extern volatile u_int	memguard_mtp_active;
extern u_long		memguard_freq_skip;
extern u_long		memguard_minsize;

/* Is addr inside MemGuard's map?  One compare. */
static __inline int
is_memguard_addr(void *addr)
{
	return ((u_long)addr - memguard_base < memguard_end - memguard_base);
}

int	memguard_cmp_mtp_slow(struct malloc_type *type, unsigned long size);

/*
 * The frequency mode's countdown: 1 (and one request counted) if the
 * draws made ahead let the next request pass.
 */
static __inline int
memguard_freq_pass(void)
{
	if (memguard_freq_skip == 0)
		return (0);
	memguard_freq_skip--;
	return (1);
}

/*
 * May a malloc(9) request of size bytes go unguarded without asking
 * memguard_cmp_mtp()?  One load when idle; with only a frequency set, a
 * countdown, which counts the request: the caller must not ask
 * memguard_cmp_mtp() about it as well (that would count it twice).
 */
static __inline int
memguard_mtp_pass(unsigned long size)
{
	if (__predict_true(memguard_mtp_active == 0))
		return (1);
	if (memguard_mtp_active != MG_MTP_FREQ)
		return (0);
	if (size < memguard_minsize)
		return (1);
	return (memguard_freq_pass());
}

/* May any malloc(9) request be guarded now?  One load. */
static __inline int
memguard_mtp_maybe(void)
{
	return (memguard_mtp_active != 0);
}

/* Should this malloc(9) request be guarded?  One load when idle. */
static __inline int
memguard_cmp_mtp(struct malloc_type *type, unsigned long size)
{
	if (__predict_true(memguard_mtp_active == 0))
		return (0);
	return (memguard_cmp_mtp_slow(type, size));
}
/* Should this allocation from a UMA zone be guarded (desc or frequency)? */
int	memguard_cmp_zone(struct uma_zone *zone);
/* May this zone's items be guarded (it must take the slow path)? */
int	memguard_zone_wanted(struct uma_zone *zone);
#else
static __inline void *
memguard_alloc(unsigned long size __unused, int flags __unused,
    const char *owner __unused)
{
	return (NULL);
}
static __inline void *
memguard_alloc_aligned(unsigned long size __unused,
    unsigned long align __unused, int flags __unused,
    const char *owner __unused)
{
	return (NULL);
}
static __inline unsigned long
memguard_free(void *addr __unused)
{
	return (0);
}
static __inline unsigned long
memguard_size(void *addr __unused)
{
	return (0);
}
static __inline const char *
memguard_owner(void *addr __unused)
{
	return (NULL);
}
static __inline int
is_memguard_addr(void *addr __unused)
{
	return (0);
}
static __inline int
memguard_mtp_pass(unsigned long size __unused)
{
	return (1);
}
static __inline int
memguard_mtp_maybe(void)
{
	return (0);
}
static __inline int
memguard_cmp_mtp(struct malloc_type *type __unused, unsigned long size __unused)
{
	return (0);
}
static __inline int
memguard_cmp_zone(struct uma_zone *zone __unused)
{
	return (0);
}
static __inline int
memguard_zone_wanted(struct uma_zone *zone __unused)
{
	return (0);
}
#endif

#endif /* !_VM_MEMGUARD_H_ */
