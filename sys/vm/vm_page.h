/*
 * Physical pages.  Every page frame below Maxmem has a struct vm_page in
 * vm_page_array (holes in the physical map included, marked unmanaged), so
 * PHYS_TO_VM_PAGE is one index.  A free page is on a buddy free list of its
 * segment.  Every page says who owns it (struct vm_page's owner, one of
 * the VPO_* kinds below), so a free() finds its way from an address to the
 * allocator that handed it out through one page lookup, and a page handed
 * to the wrong layer is caught by name.
 */
#ifndef _VM_VM_PAGE_H_
#define	_VM_VM_PAGE_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <machine/param.h>
#include <machine/vmparam.h>
#include <vm/vm.h>

/*
 * Page owners.  A page is VPO_FREE on the free lists, VPO_NONE when it was
 * allocated by a layer that keeps no per-page record (kmem_malloc,
 * contigmalloc, page tables, the boot allocator), or claimed by one of the
 * others with vm_page_set_owner(), which refuses (panics, naming both
 * owners) to take a page that already has one.  vm_page_free() refuses an
 * owned page.  The owner's word (po_ptr) and argument (po_arg) mean:
 *   VPO_UMA_SLAB	the struct uma_slab using the page; po_arg unused
 *   VPO_MALLOC_LARGE	first page: po_arg the block's size in bytes, po_ptr
 *			the allocating malloc type (INVARIANTS; else NULL);
 *			other pages (INVARIANTS only; else VPO_NONE): po_arg
 *			0, po_ptr the block's address
 *   VPO_MEMGUARD	po_ptr: the owner's name (a type's short description)
 *   VPO_OBJECT		po_ptr: the VM object; po_arg: the page's index in
 *			it (reserved for pageable memory: nothing yet
 *			allocates such pages)
 */
enum vm_page_owner {
	VPO_NONE = 0,		/* allocated, no owner recorded (or unmanaged) */
	VPO_FREE,		/* on the free lists */
	VPO_UMA_SLAB,		/* a page of a UMA slab */
	VPO_MALLOC_LARGE,	/* a page of a large malloc(9) block */
	VPO_MEMGUARD,		/* a page of a MemGuard block */
	VPO_OBJECT,		/* a page of a VM object */
	VPO_NKINDS
};

struct vm_page {
	LIST_ENTRY(vm_page) plinks;	/* buddy free list */
	vm_paddr_t	phys_addr;
	void		*po_ptr;	/* owner's word, see VPO_* */
	u_long		po_arg;		/* owner's argument, see VPO_* */
	uint8_t		flags;		/* PG_* */
	uint8_t		owner;		/* enum vm_page_owner */
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

/* As vm_page_lookup_va(); the direct map (one-page slabs) is one index. */
static __inline vm_page_t
vtopage(vm_offset_t va)
{
	if (__predict_true(VIRT_IN_DMAP(va) &&
	    atop(DMAP_TO_PHYS(va)) < vm_page_array_size))
		return (&vm_page_array[atop(DMAP_TO_PHYS(va))]);
	return (vm_page_lookup_va(va));
}

/* Who owns m (VPO_*). */
static __inline enum vm_page_owner
vm_page_owner(vm_page_t m)
{
	return ((enum vm_page_owner)m->owner);
}

/* The owner of the page behind va; VPO_NONE when no page is behind it. */
static __inline enum vm_page_owner
vm_page_owner_va(vm_offset_t va)
{
	vm_page_t m = vtopage(va);

	return (m != NULL ? vm_page_owner(m) : VPO_NONE);
}

/* "free", "UMA slab", ...: for messages. */
const char *vm_page_owner_name(enum vm_page_owner owner);

/*
 * Give m (allocated, VPO_NONE) to owner with its word and argument, or
 * (owner VPO_NONE) take it back from its owner.  Panics on a free or
 * unmanaged page and when a page that has an owner would get another.
 */
void	vm_page_owner_refuse(vm_page_t m, enum vm_page_owner owner)
	    __dead2;

static __inline void
vm_page_set_owner(vm_page_t m, enum vm_page_owner owner, void *ptr,
    u_long arg)
{
	if (__predict_false((m->flags & PG_MANAGED) == 0 ||
	    m->owner == VPO_FREE || (u_int)owner >= VPO_NKINDS ||
	    owner == VPO_FREE || (owner != VPO_NONE && m->owner != VPO_NONE)))
		vm_page_owner_refuse(m, owner);
	m->owner = owner;
	m->po_ptr = ptr;
	m->po_arg = arg;
}

/* The UMA slab using the page of va, or NULL when UMA does not own it. */
static __inline void *
vtoslab(vm_offset_t va)
{
	vm_page_t m = vtopage(va);

	if (m == NULL || m->owner != VPO_UMA_SLAB)
		return (NULL);
	return (m->po_ptr);
}

/* Give the page of va to (slab != NULL) or take it from a UMA slab. */
void	vsetslab(vm_offset_t va, void *slab);

#endif /* !_VM_VM_PAGE_H_ */
