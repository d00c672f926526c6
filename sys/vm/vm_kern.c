/*
 * Kernel virtual memory.
 *
 * kernel_map covers [VM_MIN_KERNEL_ADDRESS, VM_MAX_KERNEL_ADDRESS) and is
 * set up at SI_SUB_KMEM (SI_ORDER_FIRST), after the page layer.  kmem_*
 * allocate address space from a map and back it with wired pages entered
 * with pmap_kenter; kmem_free undoes both.  Submaps come from a small
 * static pool: there are only a few (kmem_map, the MemGuard map, tests).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>

#define	VM_NSUBMAPS	8

static struct vm_map	kernel_map_store;
static struct vm_map	submaps[VM_NSUBMAPS];
static int		nsubmaps;
vm_map_t		kernel_map;

static void
kmem_init(void *dummy __unused)
{
	kernel_map = &kernel_map_store;
	vm_map_init(kernel_map, "kernel_map", VM_MIN_KERNEL_ADDRESS,
	    VM_MAX_KERNEL_ADDRESS);
}
SYSINIT(kmem_init, SI_SUB_KMEM, SI_ORDER_FIRST, kmem_init, NULL);

vm_map_t
kmem_suballoc(vm_map_t parent, vm_offset_t *min, vm_offset_t *max,
    vm_size_t size)
{
	vm_map_t map;
	vm_offset_t va;

	size = round_page(size);
	if (nsubmaps == VM_NSUBMAPS)
		panic("kmem_suballoc: too many submaps");
	va = vm_map_findspace(parent, size, PAGE_SIZE);
	if (va == 0)
		panic("kmem_suballoc: no room for %#lx bytes in %s", size,
		    parent->name);
	map = &submaps[nsubmaps++];
	vm_map_init(map, parent == kernel_map && nsubmaps == 1 ? "kmem_map" :
	    "submap", va, va + size);
	*min = va;
	*max = va + size;
	return (map);
}

vm_size_t
kmem_map_used(vm_map_t map)
{
	return (map->size);
}

/* Unmap and free the pages of [addr, addr + size). */
static void
kmem_unback(vm_offset_t addr, vm_size_t size)
{
	vm_offset_t va;
	vm_paddr_t pa;

	for (va = addr; va < addr + size; va += PAGE_SIZE) {
		pa = pmap_kextract(va);
		if (pa == 0)
			continue;
		pmap_kremove(va);
		vm_page_free(PHYS_TO_VM_PAGE(pa));
	}
}

/* Back [addr, addr + size) with wired pages; 0 or ENOMEM (nothing left). */
static int
kmem_back(vm_offset_t addr, vm_size_t size, int flags)
{
	vm_offset_t va;
	vm_page_t m;
	int req;

	req = (flags & (M_NOWAIT | M_USE_RESERVE)) == M_NOWAIT ?
	    VM_ALLOC_INTERRUPT : VM_ALLOC_SYSTEM;
	req |= VM_ALLOC_WIRED;
	if ((flags & M_ZERO) != 0)
		req |= VM_ALLOC_ZERO;
	for (va = addr; va < addr + size; va += PAGE_SIZE) {
		while ((m = vm_page_alloc(NULL, 0, req)) == NULL) {
			if ((flags & M_NOWAIT) != 0) {
				kmem_unback(addr, va - addr);
				return (ENOMEM);
			}
			vm_wait();
		}
		pmap_kenter(va, VM_PAGE_TO_PHYS(m));
	}
	return (0);
}

vm_offset_t
kmem_alloc(vm_map_t map, vm_size_t size)
{
	vm_offset_t addr;

	size = round_page(size);
	addr = vm_map_findspace(map, size, PAGE_SIZE);
	if (addr == 0)
		return (0);
	if (kmem_back(addr, size, M_NOWAIT | M_USE_RESERVE | M_ZERO) != 0) {
		vm_map_release(map, addr, size);
		return (0);
	}
	return (addr);
}

vm_offset_t
kmem_malloc(vm_map_t map, vm_size_t size, int flags)
{
	vm_offset_t addr;
	int tries;

	size = round_page(size);
	for (tries = 0;; tries++) {
		addr = vm_map_findspace(map, size, PAGE_SIZE);
		if (addr != 0)
			break;
		if ((flags & M_NOWAIT) != 0)
			return (0);
		if (tries > 0)
			panic("kmem_malloc(%ld): kmem_map too small: %ld total "
			    "allocated", (long)size, (long)map->size);
		/* Let UMA give back what it caches, then try once more. */
		vm_wait();
	}
	if (kmem_back(addr, size, flags) != 0) {
		vm_map_release(map, addr, size);
		return (0);
	}
	return (addr);
}

void
kmem_free(vm_map_t map, vm_offset_t addr, vm_size_t size)
{
	size = round_page(size);
	kmem_unback(addr, size);
	vm_map_release(map, addr, size);
}

vm_offset_t
kmem_alloc_nofault(vm_map_t map, vm_size_t size)
{
	return (vm_map_findspace(map, round_page(size), PAGE_SIZE));
}

void
kmem_free_nofault(vm_map_t map, vm_offset_t addr, vm_size_t size)
{
	vm_map_release(map, addr, round_page(size));
}
