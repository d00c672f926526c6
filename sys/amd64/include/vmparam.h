/*
 * amd64 kernel address space layout.
 *
 *   0xffffffff80000000  KERNBASE: the kernel image (loaded at 1 MiB
 *                       physical, KERNBASE + pa maps the first 1 GiB).
 *   0xfffffe0000000000  VM_MIN_KERNEL_ADDRESS: kernel_map and its
 *                       submaps (kmem_map, memguard), 512 GiB.
 *   0xfffff80000000000  DMAP_MIN_ADDRESS: the direct map of all RAM.
 *   0x0000000000000000  unmapped: a NULL dereference faults.
 */
#ifndef _MACHINE_VMPARAM_H_
#define	_MACHINE_VMPARAM_H_

#define	KERNBASE		0xffffffff80000000UL
#define	KERNLOAD		0x100000UL	/* physical load address */
#define	DMAP_MIN_ADDRESS	0xfffff80000000000UL
#define	DMAP_MAX_ADDRESS	0xfffffc0000000000UL
#define	VM_MIN_KERNEL_ADDRESS	0xfffffe0000000000UL
#define	VM_MAX_KERNEL_ADDRESS	0xffffff0000000000UL

/*
 * kmem_map sizing (kmeminit): physical memory / VM_KMEM_SIZE_SCALE, at
 * least VM_KMEM_SIZE_MIN, at most VM_KMEM_SIZE_MAX and twice physical
 * memory.  FreeBSD/amd64's values of 2005.
 */
#define	VM_KMEM_SIZE_MIN	(12UL * 1024 * 1024)
#define	VM_KMEM_SIZE_SCALE	3
#define	VM_KMEM_SIZE_MAX	(400UL * 1024 * 1024)
/*
 * The smallest kmem_map the kernel runs with: a vm.kmem_size,
 * kern.vm.kmem.size or vm.kmem_size_max below it is raised to it, with a
 * warning.  Booting to the shell took about 512K (issue 9, with -smp 8);
 * the rest is room for the kernel's own consumers.
 */
#define	VM_KMEM_SIZE_FLOOR	(4UL * 1024 * 1024)

#define	PHYS_TO_DMAP(pa)	((vm_offset_t)(pa) + DMAP_MIN_ADDRESS)
#define	DMAP_TO_PHYS(va)	((vm_paddr_t)(va) - DMAP_MIN_ADDRESS)
#define	VIRT_IN_DMAP(va)	((va) >= DMAP_MIN_ADDRESS && (va) < DMAP_MAX_ADDRESS)

/* Physical memory segments handed from machdep to the page layer. */
#define	PHYS_AVAIL_ENTRIES	32

#endif /* !_MACHINE_VMPARAM_H_ */
