/*
 * Kernel address maps: ranges of kernel virtual address space handed out
 * first-fit.  kernel_map covers [VM_MIN_KERNEL_ADDRESS,
 * VM_MAX_KERNEL_ADDRESS); submaps (kmem_map, the MemGuard map) are ranges
 * carved out of it once and managed on their own.
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

struct vm_map {
	struct mtx	lock;
	const char	*name;
	vm_offset_t	min_offset;
	vm_offset_t	max_offset;
	vm_size_t	size;		/* bytes handed out */
	u_int		nholes;
	TAILQ_HEAD(vm_map_holes, vm_map_hole) holes;
};

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
