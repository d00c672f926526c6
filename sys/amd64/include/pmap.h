/*
 * amd64 page table entries and the kernel pmap interface.
 */
#ifndef _MACHINE_PMAP_H_
#define	_MACHINE_PMAP_H_

#include <sys/types.h>
#include <machine/param.h>
#include <machine/cpufunc.h>

#define	PG_V		0x001	/* present */
#define	PG_RW		0x002	/* writable */
#define	PG_U		0x004
#define	PG_NC_PWT	0x008	/* write-through */
#define	PG_NC_PCD	0x010	/* cache disable */
#define	PG_A		0x020
#define	PG_M		0x040
#define	PG_PS		0x080	/* 2 MiB / 1 GiB page */
#define	PG_G		0x100	/* global */
#define	PG_NX		(1UL << 63)
#define	PG_FRAME	0x000ffffffffff000UL
#define	PG_PS_FRAME	0x000fffffffe00000UL

typedef uint64_t	pml4_entry_t;
typedef uint64_t	pdp_entry_t;
typedef uint64_t	pd_entry_t;
typedef uint64_t	pt_entry_t;

#define	pmap_pml4e_index(va)	(((va) >> 39) & 511)
#define	pmap_pdpe_index(va)	(((va) >> 30) & 511)
#define	pmap_pde_index(va)	(((va) >> 21) & 511)
#define	pmap_pte_index(va)	(((va) >> 12) & 511)

extern pml4_entry_t	*kernel_pml4;	/* the one kernel page table root */
extern vm_paddr_t	kernel_pml4_pa;

struct vm_page;

/*
 * Kernel mappings in kernel_map (4 KiB pages, global, no-execute).  Page
 * table pages are allocated on demand and never freed.  pmap_kremove and
 * pmap_qremove invalidate the TLB entries on every CPU.
 */
void		pmap_kenter(vm_offset_t va, vm_paddr_t pa);
void		pmap_kenter_ro(vm_offset_t va, vm_paddr_t pa);
void		pmap_kremove(vm_offset_t va);
vm_paddr_t	pmap_kextract(vm_offset_t va);	/* 0 if unmapped */
void		pmap_qenter(vm_offset_t va, struct vm_page **m, int count);
void		pmap_qremove(vm_offset_t va, int count);

/*
 * TLB invalidation on every CPU (the local one, then the others):
 * mp_machdep.c, or up_machdep.c for the uniprocessor kernel.  A CPU halted
 * in cpu_idle() is not interrupted: it is marked, and flushes its whole
 * TLB when it wakes (cpu_idle_exit), before it runs anything that could
 * use the range (see "Lazy shootdowns" in mp_machdep.c).  On return no CPU can reach
 * the old translations, so the pages may be reused.
 */
void		pmap_invalidate_range(vm_offset_t sva, vm_offset_t eva);

/* [sva, eva) out of this CPU's TLB: page by page up to 64 pages. */
static __inline void
pmap_invalidate_local(vm_offset_t sva, vm_offset_t eva)
{
	vm_offset_t va;

	if (eva - sva > 64 * PAGE_SIZE)
		invltlb_glob();
	else
		for (va = sva; va < eva; va += PAGE_SIZE)
			invlpg(va);
}

static __inline void
pmap_invalidate_page(vm_offset_t va)
{
	pmap_invalidate_range(va, va + PAGE_SIZE);
}

static __inline void
pmap_invalidate_all(void)
{
	pmap_invalidate_range(0, ~(vm_offset_t)0);
}

#endif /* !_MACHINE_PMAP_H_ */
