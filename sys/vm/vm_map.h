/*
 * Kernel address maps: ranges of kernel virtual address space handed out
 * first-fit.  kernel_map covers [VM_MIN_KERNEL_ADDRESS,
 * VM_MAX_KERNEL_ADDRESS); submaps (kmem_map, the MemGuard map) are ranges
 * carved out of it once and managed on their own.
 *
 * The pageable map (pageable_map) also keeps entries: each allocation of
 * kmem_alloc_pageable() is an entry mapping a VM object of its size, whose
 * pages vm_fault() brings in on first touch (zero-filled) or from swap,
 * and the page daemon may take away unless they are wired
 * (vm_map_wire()).
 */
#ifndef _VM_VM_MAP_H_
#define	_VM_VM_MAP_H_

#include <sys/queue.h>
#include <sys/mutex.h>
#include <vm/vm.h>

struct vm_map_hole {
	TAILQ_ENTRY(vm_map_hole) link;	/* address order */
	vm_offset_t	start;
	vm_offset_t	end;
};

struct vm_map_entry {
	TAILQ_ENTRY(vm_map_entry) link;
	vm_offset_t	start;
	vm_offset_t	end;
	vm_object_t	object;		/* index 0 at start */
};

struct vm_map {
	struct mtx	lock;
	const char	*name;
	vm_offset_t	min_offset;
	vm_offset_t	max_offset;
	vm_size_t	size;		/* bytes handed out */
	u_int		nholes;
	TAILQ_HEAD(vm_map_holes, vm_map_hole) holes;
	TAILQ_HEAD(, vm_map_entry) entries; /* pageable map only */
};

extern vm_map_t	pageable_map;

/*
 * Pageable kernel memory: size bytes (rounded up to pages) of pageable_map
 * backed by a new anonymous object, zero-filled on first touch; 0 when
 * the map has no room or the swap reservation is refused.  May sleep.
 * kmem_free_pageable() frees the pages, the swap space and the range.
 */
vm_offset_t	kmem_alloc_pageable(vm_map_t map, vm_size_t size);
void		kmem_free_pageable(vm_map_t map, vm_offset_t addr,
		    vm_size_t size);

/*
 * The object and index behind va in map, with a reference the caller
 * drops (vm_object_deallocate); KERN_SUCCESS or KERN_INVALID_ADDRESS.
 */
int		vm_map_lookup(vm_map_t map, vm_offset_t va, vm_object_t *objp,
		    vm_pindex_t *pindexp);
/*
 * Wire [start, end) of pageable memory: fault every page in (for write)
 * and keep it off the page queues until vm_map_unwire(); wirings nest.
 * KERN_SUCCESS, KERN_INVALID_ADDRESS (not pageable memory),
 * KERN_INVALID_ARGUMENT (unwire of a page that is not wired: nothing is
 * changed) or vm_fault()'s error.  May sleep.
 */
int		vm_map_wire(vm_map_t map, vm_offset_t start, vm_offset_t end);
int		vm_map_unwire(vm_map_t map, vm_offset_t start,
		    vm_offset_t end);

void		vm_map_init(vm_map_t map, const char *name, vm_offset_t min,
		    vm_offset_t max);
/* size bytes aligned to align (a power of two >= PAGE_SIZE), or 0. */
vm_offset_t	vm_map_findspace(vm_map_t map, vm_size_t size,
		    vm_size_t align);
void		vm_map_release(vm_map_t map, vm_offset_t addr, vm_size_t size);

static __inline vm_size_t
vm_map_max_size(vm_map_t map)
{
	return (map->max_offset - map->min_offset);
}

#endif /* !_VM_VM_MAP_H_ */
