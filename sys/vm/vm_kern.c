/*
 * Kernel virtual memory.  (Bootstrap placeholder: kmem_alloc takes pages
 * from phys_avail through the direct map and kmem_free leaks them.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <machine/md_var.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>

vm_map_t	kernel_map;

vm_offset_t
kmem_alloc(vm_map_t map __unused, vm_size_t size)
{
	return (PHYS_TO_DMAP(pmap_bootstrap_steal(atop(round_page(size)))));
}

void
kmem_free(vm_map_t map __unused, vm_offset_t addr __unused,
    vm_size_t size __unused)
{
}
