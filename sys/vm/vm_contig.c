/*
 * contigmalloc(9): physically contiguous memory, mapped into kernel_map.
 *
 * The pages come from vm_page_alloc_contig() (a run within [low, high],
 * aligned, not crossing a boundary); the address space from kernel_map.
 * The bytes are accounted in the malloc type's statistics, so they show
 * in vmstat -m.  Nothing is paged out to make room (there is no pager):
 * when no free run fits, M_NOWAIT and M_WAITOK alike return NULL after
 * M_WAITOK has asked UMA to give back what it caches and tried again.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>
#include <vm/uma.h>

void *
contigmalloc(unsigned long size, struct malloc_type *type, int flags,
    vm_paddr_t low, vm_paddr_t high, unsigned long alignment,
    vm_paddr_t boundary)
{
	vm_offset_t va;
	vm_page_t m;
	u_long npages, i;

	if (size == 0)
		panic("contigmalloc: size must not be 0");
	if (alignment == 0 || !powerof2(alignment))
		panic("contigmalloc: alignment %#lx must be a power of 2",
		    alignment);
	if (!powerof2(boundary))
		panic("contigmalloc: boundary %#lx must be a power of 2",
		    (u_long)boundary);
	npages = atop(round_page(size));
	m = vm_page_alloc_contig(npages, low, high, alignment, boundary);
	if (m == NULL && (flags & M_WAITOK) != 0) {
		uma_reclaim();
		m = vm_page_alloc_contig(npages, low, high, alignment,
		    boundary);
	}
	if (m == NULL)
		return (NULL);
	va = kmem_alloc_nofault(kernel_map, ptoa(npages));
	if (va == 0) {
		vm_page_release_contig(m, npages);
		return (NULL);
	}
	for (i = 0; i < npages; i++)
		pmap_kenter(va + ptoa(i), VM_PAGE_TO_PHYS(&m[i]));
	if ((flags & M_ZERO) != 0)
		bzero((void *)va, ptoa(npages));
	malloc_type_allocated(type, ptoa(npages));
	return ((void *)va);
}

void
contigfree(void *addr, unsigned long size, struct malloc_type *type)
{
	vm_offset_t va = (vm_offset_t)addr;
	vm_paddr_t pa;
	u_long npages;

	npages = atop(round_page(size));
	pa = pmap_kextract(va);
	KASSERT(pa != 0, ("contigfree: %p is not mapped", addr));
	pmap_qremove(va, npages);	/* one ranged shootdown */
	kmem_free_nofault(kernel_map, va, ptoa(npages));
	vm_page_release_contig(PHYS_TO_VM_PAGE(pa), npages);
	malloc_type_freed(type, ptoa(npages));
}
