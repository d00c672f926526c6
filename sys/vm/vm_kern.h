/*
 * Kernel virtual memory: kernel_map and its submaps.
 */
#ifndef _VM_VM_KERN_H_
#define	_VM_VM_KERN_H_

#include <vm/vm.h>

extern vm_map_t	kernel_map;

/* Wired, zeroed kernel memory of size bytes (page-rounded), or 0. */
vm_offset_t	kmem_alloc(vm_map_t map, vm_size_t size);
void		kmem_free(vm_map_t map, vm_offset_t addr, vm_size_t size);

#endif /* !_VM_VM_KERN_H_ */
