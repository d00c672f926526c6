/*
 * Physical pages.  Every page frame below Maxmem has a struct vm_page in
 * vm_page_array (holes in the physical map included, marked unmanaged), so
 * PHYS_TO_VM_PAGE is one index.  A free page is on a buddy free list of its
 * segment; an allocated page may point at the UMA slab that uses it.
 */
#ifndef _VM_VM_PAGE_H_
#define	_VM_VM_PAGE_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <machine/param.h>
#include <machine/vmparam.h>
#include <vm/vm.h>

struct vm_page {
	LIST_ENTRY(vm_page) plinks;	/* buddy free list */
	vm_paddr_t	phys_addr;
	void		*slab;		/* UMA slab using this page, or NULL */
	uint16_t	flags;		/* PG_* */
	uint8_t		order;		/* buddy order, on a free block head */
	uint8_t		segind;		/* physical segment */
	uint32_t	wire_count;
};

/* Page flags. */
#define	PG_FREE		0x0001	/* head of a free buddy block */
#define	PG_MANAGED	0x0002	/* inside a physical segment */
#define	PG_ZERO		0x0004	/* known to be zero */

/* vm_page_alloc() request classes and flags. */
#define	VM_ALLOC_NORMAL		0x0000	/* fails below v_free_reserved */
#define	VM_ALLOC_INTERRUPT	0x0001	/* may take the last page */
#define	VM_ALLOC_SYSTEM		0x0002	/* fails below v_interrupt_free_min */
#define	VM_ALLOC_CLASS_MASK	0x0003
#define	VM_ALLOC_WIRED		0x0020	/* count the page as wired */
#define	VM_ALLOC_ZERO		0x0040	/* zero the page */
#define	VM_ALLOC_NOOBJ		0x0100	/* no object (the only kind here) */

struct vm_object;
typedef struct vm_object *vm_object_t;

extern struct vm_page	*vm_page_array;
extern u_long		vm_page_array_size;

#define	VM_PAGE_TO_PHYS(m)	((m)->phys_addr)
#define	PHYS_TO_VM_PAGE(pa)	(&vm_page_array[atop(pa)])

/*
 * One page.  obj must be NULL and pindex is ignored (there are no VM
 * objects); req is a class plus VM_ALLOC_* flags.  NULL when the class's
 * reserve would be broken.  Never sleeps; safe with spin locks held.
 */
vm_page_t vm_page_alloc(vm_object_t obj, vm_pindex_t pindex, int req);
void	vm_page_free(vm_page_t m);

/*
 * npages physically contiguous pages within [low, high], starting on an
 * alignment boundary and not crossing a multiple of boundary (0: none);
 * alignment and boundary are powers of two.  NULL if there is no such run.
 */
vm_page_t vm_page_alloc_contig(u_long npages, vm_paddr_t low, vm_paddr_t high,
	    u_long alignment, vm_paddr_t boundary);
void	vm_page_release_contig(vm_page_t m, u_long npages);

/* Sleep briefly until pages may have been freed (kicks the lowmem event). */
void	vm_wait(void);

/*
 * Low-memory handlers run (outside any page-layer lock) each time the free
 * count falls below v_free_min.
 */
typedef void vm_lowmem_handler_t(void *arg, int flags);
void	vm_lowmem_register(vm_lowmem_handler_t *fn, void *arg);
void	vm_lowmem_fire(void);

/* The page behind a kernel virtual address (DMAP, KERNBASE or kernel_map). */
vm_page_t vm_page_lookup_va(vm_offset_t va);

/* The UMA slab recorded for the page of va, or NULL. */
static __inline void *
vtoslab(vm_offset_t va)
{
	vm_page_t m;

	/* The direct map (one-page slabs) is one index away. */
	if (__predict_true(VIRT_IN_DMAP(va) &&
	    atop(DMAP_TO_PHYS(va)) < vm_page_array_size))
		return (vm_page_array[atop(DMAP_TO_PHYS(va))].slab);
	m = vm_page_lookup_va(va);
	return (m != NULL ? m->slab : NULL);
}

void	vsetslab(vm_offset_t va, void *slab);

#endif /* !_VM_VM_PAGE_H_ */
