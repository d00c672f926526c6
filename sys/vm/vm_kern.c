/*
 * Kernel virtual memory.
 *
 * kernel_map covers [VM_MIN_KERNEL_ADDRESS, VM_MAX_KERNEL_ADDRESS) and is
 * set up at SI_SUB_KMEM (SI_ORDER_FIRST), after the page layer.  kmem_*
 * allocate address space from a map and back it with wired pages entered
 * with pmap_kenter; kmem_free undoes both.  Submaps come from a small
 * static pool: there are only a few (kmem_map, the MemGuard map, tests).
 *
 * kmem_map is sized at boot by kmeminit() from physical memory and the
 * loader tunables below (FreeBSD's names and rule):
 *   vm.kmem_size	bytes; when set, used as is (still at most twice
 *			physical memory)
 *   vm.kmem_size_scale	physical memory / scale (default 3)
 *   vm.kmem_size_min	at least this (default 12M)
 *   vm.kmem_size_max	at most this (default 400M)
 *   kern.vm.kmem.size	the old name of vm.kmem_size: read first, with a
 *			warning; vm.kmem_size wins when both are set
 * The result is never below VM_KMEM_SIZE_FLOOR (4M), the smallest map the
 * kernel runs with: a size tunable below it is raised, with a warning.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>
#include <vm/uma.h>

#define	VM_NSUBMAPS	8

static struct vm_map	kernel_map_store;
static struct vm_map	submaps[VM_NSUBMAPS];
static int		nsubmaps;
vm_map_t		kernel_map;
vm_map_t		kmem_map;

u_long		vm_kmem_size;
static u_long	vm_kmem_size_min = VM_KMEM_SIZE_MIN;
static u_long	vm_kmem_size_max = VM_KMEM_SIZE_MAX;
static u_int	vm_kmem_size_scale = VM_KMEM_SIZE_SCALE;

SYSCTL_ULONG(_vm, OID_AUTO, kmem_size, CTLFLAG_RD, &vm_kmem_size, 0,
    "Size of kernel memory");
SYSCTL_ULONG(_vm, OID_AUTO, kmem_size_min, CTLFLAG_RD, &vm_kmem_size_min,
    0, "Minimum size of kernel memory");
SYSCTL_ULONG(_vm, OID_AUTO, kmem_size_max, CTLFLAG_RD, &vm_kmem_size_max,
    0, "Maximum size of kernel memory");
SYSCTL_UINT(_vm, OID_AUTO, kmem_size_scale, CTLFLAG_RD, &vm_kmem_size_scale,
    0, "Scale factor for kernel memory size");

static int
sysctl_kmem_map_size(SYSCTL_HANDLER_ARGS)
{
	u_long size = kmem_map->size;

	return (SYSCTL_OUT(req, &size, sizeof(size)));
}
SYSCTL_PROC(_vm, OID_AUTO, kmem_map_size, CTLTYPE_ULONG | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_kmem_map_size, "LU",
    "Current kmem allocation size");

static int
sysctl_kmem_map_free(SYSCTL_HANDLER_ARGS)
{
	u_long size = vm_map_max_size(kmem_map) - kmem_map->size;

	return (SYSCTL_OUT(req, &size, sizeof(size)));
}
SYSCTL_PROC(_vm, OID_AUTO, kmem_map_free, CTLTYPE_ULONG | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_kmem_map_free, "LU",
    "Free space in kmem");

/*
 * A size tunable that would leave kmem_map too small to run with: raise it
 * to VM_KMEM_SIZE_FLOOR and say so.  Zero is "unset" for the caller.
 */
static void
kmem_size_floor(const char *name, u_long *size)
{
	if (*size == 0 || *size >= VM_KMEM_SIZE_FLOOR)
		return;
	tunable_warn(name, "below the smallest kmem_map the kernel runs with",
	    "%lu", VM_KMEM_SIZE_FLOOR);
	*size = VM_KMEM_SIZE_FLOOR;
}

/*
 * The size of kmem_map, by FreeBSD's rule (see the top of this file), and
 * never below VM_KMEM_SIZE_FLOOR.  A malformed tunable keeps its default
 * (getenv_* prints the warning); a size of 0 for vm.kmem_size or
 * kern.vm.kmem.size means "computed", with a warning naming the result.
 */
static u_long
kmem_size_compute(void)
{
	u_long phys, size, tun;
	int zero_new, zero_old;

	phys = ptoa((u_long)vm_cnt.v_page_count);
	TUNABLE_ULONG_FETCH("vm.kmem_size_min", &vm_kmem_size_min);
	TUNABLE_ULONG_FETCH("vm.kmem_size_max", &vm_kmem_size_max);
	kmem_size_floor("vm.kmem_size_max", &vm_kmem_size_max);
	getenv_uint("vm.kmem_size_scale", &vm_kmem_size_scale);
	if (vm_kmem_size_scale < 1) {
		tunable_warn("vm.kmem_size_scale", "below 1", "%u",
		    VM_KMEM_SIZE_SCALE);
		vm_kmem_size_scale = VM_KMEM_SIZE_SCALE;
	}
	size = phys / vm_kmem_size_scale;
	if (size < vm_kmem_size_min)
		size = vm_kmem_size_min;
	if (vm_kmem_size_max != 0 && size > vm_kmem_size_max)
		size = vm_kmem_size_max;
	/* tun starts as the size so far: what a malformed value keeps. */
	tun = size;
	zero_old = zero_new = 0;
	if (getenv_ulong("kern.vm.kmem.size", &tun)) {
		printf("kern.vm.kmem.size is now called vm.kmem_size!\n");
		zero_old = tun == 0;
		kmem_size_floor("kern.vm.kmem.size", &tun);
		if (tun != 0)
			size = tun;
	}
	tun = size;
	if (getenv_ulong("vm.kmem_size", &tun)) {
		zero_new = tun == 0;
		kmem_size_floor("vm.kmem_size", &tun);
		if (tun != 0)
			size = tun;
	}
	if (size / 2 > phys)
		size = 2 * phys;
	size = round_page(size);
	if (size < VM_KMEM_SIZE_FLOOR)
		size = VM_KMEM_SIZE_FLOOR;
	if (zero_old)
		tunable_warn("kern.vm.kmem.size", "zero is not a size",
		    "%lu", size);
	if (zero_new)
		tunable_warn("vm.kmem_size", "zero is not a size", "%lu", size);
	return (size);
}

static void
kmem_init(void *dummy __unused)
{
	vm_offset_t min, max;

	kernel_map = &kernel_map_store;
	vm_map_init(kernel_map, "kernel_map", VM_MIN_KERNEL_ADDRESS,
	    VM_MAX_KERNEL_ADDRESS);
	vm_kmem_size = kmem_size_compute();
	kmem_map = kmem_suballoc(kernel_map, &min, &max, vm_kmem_size);
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

/*
 * Unmap and free the pages of [addr, addr + size) with one ranged TLB
 * shootdown: the pages are gathered (on their free-list links, unused
 * while allocated), unmapped together, and freed only once no CPU can
 * still reach them; as one run when they are physically contiguous (as
 * kmem_back mostly makes them), under one lock.
 */
static void
kmem_unback(vm_offset_t addr, vm_size_t size)
{
	LIST_HEAD(, vm_page) pages = LIST_HEAD_INITIALIZER(pages);
	vm_offset_t va;
	vm_paddr_t pa;
	vm_page_t m, first;
	u_long n;
	int run;

	if (size == 0)
		return;
	first = NULL;
	n = 0;
	run = 1;
	for (va = addr; va < addr + size; va += PAGE_SIZE) {
		pa = pmap_kextract(va);
		if (pa == 0) {
			run = 0;
			continue;
		}
		m = PHYS_TO_VM_PAGE(pa);
		if (first == NULL)
			first = m;
		else if (m != first + n)
			run = 0;
		n++;
		LIST_INSERT_HEAD(&pages, m, plinks);
	}
	pmap_qremove(addr, atop(size));
	if (run && n > 1) {
		vm_page_release_contig(first, n);
		return;
	}
	while ((m = LIST_FIRST(&pages)) != NULL) {
		LIST_REMOVE(m, plinks);
		vm_page_free(m);
	}
}

/*
 * Back [addr, addr + size) with wired pages; 0 or ENOMEM (nothing left).
 * Several pages come as one physically contiguous run when one is free
 * (one lock instead of one per page); else page by page.
 */
static int
kmem_back(vm_offset_t addr, vm_size_t size, int flags)
{
	vm_offset_t va;
	vm_page_t m;
	u_long i;
	int req;

	if (size > PAGE_SIZE && (m = vm_page_alloc_contig(atop(size), 0,
	    ~(vm_paddr_t)0, PAGE_SIZE, 0)) != NULL) {
		for (i = 0; i < atop(size); i++) {
			if ((flags & M_ZERO) != 0)
				bzero((void *)PHYS_TO_DMAP(
				    VM_PAGE_TO_PHYS(&m[i])), PAGE_SIZE);
			pmap_kenter(addr + ptoa(i), VM_PAGE_TO_PHYS(&m[i]));
		}
		return (0);
	}
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
		vm_lowmem_fire();
		uma_reclaim();
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
