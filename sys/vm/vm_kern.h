/*
 * Kernel virtual memory: kernel_map, its submaps, and wired allocations.
 */
#ifndef _VM_VM_KERN_H_
#define	_VM_VM_KERN_H_

#include <vm/vm.h>

extern vm_map_t	kernel_map;
extern vm_map_t	kmem_map;	/* malloc(9) and multi-page UMA slabs */
extern u_long	vm_kmem_size;	/* size of kmem_map (vm.kmem_size) */

/*
 * Wired, zeroed memory of size bytes (rounded up to pages) in map, or 0.
 * Does not sleep.
 */
vm_offset_t	kmem_alloc(vm_map_t map, vm_size_t size);
void		kmem_free(vm_map_t map, vm_offset_t addr, vm_size_t size);

/*
 * Wired memory with malloc(9) flags: M_NOWAIT returns 0 when the map has
 * no room or there are no pages; M_WAITOK waits for pages and panics
 * "kmem_malloc(N): kmem_map too small: M total allocated" when the map is
 * full; M_ZERO zeroes.  Freed with kmem_free().
 */
vm_offset_t	kmem_malloc(vm_map_t map, vm_size_t size, int flags);

/* Address space only, no pages; kmem_free_nofault releases it. */
vm_offset_t	kmem_alloc_nofault(vm_map_t map, vm_size_t size);
void		kmem_free_nofault(vm_map_t map, vm_offset_t addr,
		    vm_size_t size);

/* Carve a submap of size bytes out of parent; [*min, *max) is its range. */
vm_map_t	kmem_suballoc(vm_map_t parent, vm_offset_t *min,
		    vm_offset_t *max, vm_size_t size);

/* Bytes handed out from a map. */
vm_size_t	kmem_map_used(vm_map_t map);

#endif /* !_VM_VM_KERN_H_ */
