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
#include <sys/mutex.h>
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
 *			it (vm_page_object(), vm_page_pindex())
 *
 * Object pages (pageable memory) also live on one of the page queues:
 *
 *   alloc (busy, PQ_NONE) --fault done--> PQ_ACTIVE (mapped)
 *   PQ_ACTIVE --daemon ages it, unmapped--> PQ_INACTIVE
 *   PQ_INACTIVE --touched (soft fault)--> PQ_ACTIVE
 *   PQ_INACTIVE --clean--> freed;  --dirty--> PQ_LAUNDRY
 *   PQ_LAUNDRY --written to swap (busy, PQ_NONE)--> PQ_INACTIVE, clean
 *   any --vm_page_wire--> wired (PQ_NONE, counted in v_wire_count)
 *
 * Only an active or wired page is mapped: the daemon unmaps a page when
 * it deactivates it, so a later touch faults and tells it the page was
 * used.  A page is dirty when it was mapped writable (a write fault)
 * since its contents were last written to swap.  The queue a page is on,
 * and the queues themselves, are protected by the page queue lock; the
 * other fields of an object page by its object's lock.
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
	union {
		/* Buddy free list (free), gathering lists (kmem pages). */
		LIST_ENTRY(vm_page) plinks;
		/* Page queue (PQ_*): object pages only. */
		TAILQ_ENTRY(vm_page) pageq;
	};
	vm_paddr_t	phys_addr;
	void		*po_ptr;	/* owner's word, see VPO_* */
	u_long		po_arg;		/* owner's argument, see VPO_* */
	uint8_t		flags;		/* PG_* */
	uint8_t		owner;		/* enum vm_page_owner */
	uint8_t		order;		/* buddy order, on a free block head */
	uint8_t		segind;		/* physical segment */
	uint8_t		queue;		/* PQ_* (page queue lock) */
	uint8_t		dirty;		/* newer than its swap copy (object) */
	uint8_t		busy;		/* being filled or written (object) */
	uint8_t		hold_count;	/* holds: the daemon leaves it alone */
	uint32_t	wire_count;
};

/* Page queues. */
#define	PQ_NONE		0
#define	PQ_INACTIVE	1
#define	PQ_ACTIVE	2
#define	PQ_LAUNDRY	3
#define	PQ_COUNT	4

struct vm_pagequeue {
	TAILQ_HEAD(, vm_page) pq_pl;	/* oldest first */
	volatile u_int	*pq_cnt;	/* its vm_cnt counter */
	const char	*pq_name;
};
extern struct vm_pagequeue vm_pagequeues[PQ_COUNT];
extern struct mtx	vm_page_queue_mtx;	/* spin: queues, m->queue */
#define	vm_page_lock_queues()	mtx_lock_spin(&vm_page_queue_mtx)
#define	vm_page_unlock_queues()	mtx_unlock_spin(&vm_page_queue_mtx)

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

extern struct vm_page	*vm_page_array;
extern u_long		vm_page_array_size;

#define	VM_PAGE_TO_PHYS(m)	((m)->phys_addr)
#define	PHYS_TO_VM_PAGE(pa)	(&vm_page_array[atop(pa)])

/*
 * One page; req is a class plus VM_ALLOC_* flags.  NULL when the class's
 * reserve would be broken.  Never sleeps; safe with spin locks held.
 * Without an object the page is wired (counted in v_wire_count) whatever
 * the flags say.  With one (its lock held) the page is inserted at
 * pindex, busy, on no queue and unwired unless VM_ALLOC_WIRED: the
 * caller fills it, then vm_page_xunbusy() and vm_page_activate().
 */
vm_page_t vm_page_alloc(vm_object_t obj, vm_pindex_t pindex, int req);
/* Free m; an object page (object locked) leaves its object and queue. */
void	vm_page_free(vm_page_t m);

/*
 * Object pages; the object's lock is held.  activate, deactivate and
 * launder move m to the tail of a queue (deactivate unmaps nothing: the
 * caller has unmapped it); dequeue takes it off its queue; wire takes it
 * off the queues into v_wire_count, unwire (the last wiring) puts it on
 * the active queue.  hold/unhold keep the daemon away without wiring.
 */
void	vm_page_activate(vm_page_t m);
void	vm_page_deactivate(vm_page_t m);
void	vm_page_launder(vm_page_t m);
void	vm_page_dequeue(vm_page_t m);
void	vm_page_wire(vm_page_t m);
void	vm_page_unwire(vm_page_t m);
void	vm_page_hold(vm_page_t m);
void	vm_page_unhold(vm_page_t m);
/* The page queue lock held: move m to queue (PQ_NONE: off the queues). */
void	vm_page_requeue_locked(vm_page_t m, int queue);

/* Busy: filled or written with the object unlocked. */
void	vm_page_xbusy(vm_page_t m);
void	vm_page_xunbusy(vm_page_t m);	/* and wake sleepers */
/* Sleep until m is not busy; drops and retakes the object lock. */
void	vm_page_busy_sleep(vm_page_t m, const char *wmesg);

/* The object of an object page, and its index there. */
static __inline vm_object_t
vm_page_object(vm_page_t m)
{
	return (m->owner == VPO_OBJECT ? (vm_object_t)m->po_ptr : NULL);
}

static __inline vm_pindex_t
vm_page_pindex(vm_page_t m)
{
	return ((vm_pindex_t)m->po_arg);
}

/*
 * The paging targets (vm.v_free_*): 0 when reserved <= min <= target <=
 * page count and reserved is at least v_interrupt_free_min, else the
 * reason, a short phrase for sysctl_refuse() and tunable_warn().
 */
const char *vm_page_targets_check(u_int reserved, u_int min, u_int target);
/* Is the free count below the daemon's wakeup threshold? */
int	vm_paging_needed(void);

/*
 * npages physically contiguous pages within [low, high], starting on an
 * alignment boundary and not crossing a multiple of boundary (0: none);
 * alignment and boundary are powers of two.  NULL if there is no such run.
 */
vm_page_t vm_page_alloc_contig(u_long npages, vm_paddr_t low, vm_paddr_t high,
	    u_long alignment, vm_paddr_t boundary);
void	vm_page_release_contig(vm_page_t m, u_long npages);
/*
 * Take the free page m off the free lists as vm_page_alloc_contig() would
 * (wired, no owner): 1, or 0 when m is not free or the reserve would be
 * broken.  For contigmalloc's passes over a candidate range.
 */
int	vm_page_claim_free(vm_page_t m);

/*
 * Add n (negative: take) to v_wire_count, whose writers all hold the free
 * queue lock; for wirings made outside the allocation and free paths.
 */
void	vm_page_wire_count_add(int n);

/*
 * Sleep until the page daemon has freed pages (vm_pageout.c); before the
 * daemon runs, fire the lowmem event and sleep briefly.  May sleep: not
 * with a spin lock held.
 */
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
