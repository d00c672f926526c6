/*
 * TLB invalidation.  (Uniprocessor version until the SMP code adds the
 * shootdown IPI: it invalidates the calling CPU's TLB only.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <machine/cpufunc.h>
#include <machine/pmap.h>

void
pmap_invalidate_page(vm_offset_t va)
{
	invlpg(va);
}

void
pmap_invalidate_range(vm_offset_t sva, vm_offset_t eva)
{
	vm_offset_t va;

	if (eva - sva > 64 * PAGE_SIZE) {
		invltlb();
		return;
	}
	for (va = sva; va < eva; va += PAGE_SIZE)
		invlpg(va);
}

void
pmap_invalidate_all(void)
{
	invltlb();
}
