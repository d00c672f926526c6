/*
 * The page layer.
 *
 * vm_page_startup() (SI_SUB_VM) sizes vm_page_array to cover every page
 * frame below Maxmem, steals it from phys_avail, marks the pages of each
 * remaining phys_avail segment managed and frees them to the buddy lists
 * (vm_phys.c).  Pages outside the segments (the kernel image, low memory,
 * holes) stay unmanaged: never free, never allocated.
 *
 * Reserves.  vm_page_alloc() refuses a VM_ALLOC_NORMAL request when fewer
 * than v_free_reserved pages are free, a VM_ALLOC_SYSTEM one below
 * v_interrupt_free_min; VM_ALLOC_INTERRUPT may take the last page.
 * When the free count drops below v_free_min the registered low-memory
 * handlers run (UMA reclaims there), once per crossing.
 *
 * Locking: vm_page_queue_free_mtx, a spin mutex, protects the free lists
 * and the counts, so the allocator may be called with spin locks held or
 * in a critical section.  It never sleeps; vm_wait() is for callers that
 * may.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_page.h>
#include <vm/vm_phys.h>

struct vmmeter	vm_cnt;
struct vm_page	*vm_page_array;
u_long		vm_page_array_size;
static struct mtx vm_page_queue_free_mtx;

#define	VM_LOWMEM_MAX	8
static struct {
	vm_lowmem_handler_t	*fn;
	void			*arg;
} vm_lowmem_handlers[VM_LOWMEM_MAX];
static int	vm_lowmem_count;
static volatile u_int vm_lowmem_events;

SYSCTL_UINT(_vm_stats_vm, OID_AUTO, v_page_count, CTLFLAG_RD,
    (u_int *)&vm_cnt.v_page_count, 0,
    "Total number of pages in system");
SYSCTL_UINT(_vm_stats_vm, OID_AUTO, v_free_count, CTLFLAG_RD,
    (u_int *)&vm_cnt.v_free_count, 0, "Free pages");
SYSCTL_UINT(_vm_stats_vm, OID_AUTO, v_wire_count, CTLFLAG_RD,
    (u_int *)&vm_cnt.v_wire_count, 0, "Wired pages");
SYSCTL_UINT(_vm_stats_vm, OID_AUTO, v_free_min, CTLFLAG_RD,
    (u_int *)&vm_cnt.v_free_min, 0,
    "Minimum low-free-pages threshold");
SYSCTL_UINT(_vm_stats_vm, OID_AUTO, v_free_reserved, CTLFLAG_RD,
    (u_int *)&vm_cnt.v_free_reserved, 0,
    "Pages reserved for deadlock");
SYSCTL_UINT(_vm_stats_vm, OID_AUTO, v_interrupt_free_min, CTLFLAG_RD,
    (u_int *)&vm_cnt.v_interrupt_free_min, 0,
    "Reserved pages for interrupt code");
SYSCTL_UINT(_vm, OID_AUTO, lowmem_events, CTLFLAG_RD,
    (u_int *)&vm_lowmem_events, 0,
    "Times free memory fell below v_free_min");

static void
vm_page_startup(void *dummy __unused)
{
	vm_paddr_t start, end, pa;
	u_long i, npages, arraypages;
	vm_page_t m;
	int seg;

	mtx_init(&vm_page_queue_free_mtx, "vm page free queue", NULL,
	    MTX_SPIN);
	vm_page_array_size = Maxmem;
	arraypages = atop(round_page(vm_page_array_size *
	    sizeof(struct vm_page)));
	vm_page_array = (struct vm_page *)PHYS_TO_DMAP(
	    pmap_bootstrap_steal(arraypages));
	for (i = 0; i < vm_page_array_size; i++) {
		memset(&vm_page_array[i], 0, sizeof(vm_page_array[i]));
		vm_page_array[i].phys_addr = ptoa(i);
		vm_page_array[i].owner = VPO_NONE;
	}

	npages = 0;
	for (i = 0; phys_avail[i + 1] != 0; i += 2) {
		start = round_page(phys_avail[i]);
		end = trunc_page(phys_avail[i + 1]);
		if (end <= start)
			continue;
		seg = vm_phys_nsegs;
		vm_phys_add_seg(start, end);
		for (pa = start; pa < end; pa += PAGE_SIZE) {
			m = PHYS_TO_VM_PAGE(pa);
			m->flags = PG_MANAGED;
			m->owner = VPO_FREE;
			m->segind = seg;
		}
		vm_phys_free_contig(PHYS_TO_VM_PAGE(start), atop(end - start));
		npages += atop(end - start);
	}
	vm_cnt.v_page_count = npages;
	vm_cnt.v_free_count = npages;
	vm_cnt.v_interrupt_free_min = 2;
	vm_cnt.v_free_min = 4 + (npages > 1024 ? (npages - 1024) / 200 : 0);
	vm_cnt.v_free_reserved = 8 + npages / 768;
}
SYSINIT(vm_page, SI_SUB_VM, SI_ORDER_FIRST, vm_page_startup, NULL);

/* Would taking n pages break the reserve of this request class? */
static int
vm_page_reserve_hit(int req, u_long n)
{
	u_int floor;

	switch (req & VM_ALLOC_CLASS_MASK) {
	case VM_ALLOC_INTERRUPT:
		floor = 0;
		break;
	case VM_ALLOC_SYSTEM:
		floor = vm_cnt.v_interrupt_free_min;
		break;
	default:
		floor = vm_cnt.v_free_reserved;
		break;
	}
	return (vm_cnt.v_free_count < n + floor);
}

/* Account pages taken; returns whether the lowmem threshold was crossed. */
static int
vm_page_taken(u_long n, int wired)
{
	u_int before = vm_cnt.v_free_count;

	vm_cnt.v_free_count -= n;
	if (wired)
		vm_cnt.v_wire_count += n;
	return (before >= vm_cnt.v_free_min &&
	    vm_cnt.v_free_count < vm_cnt.v_free_min);
}

static void
vm_page_prepare(vm_page_t m, int req)
{
	KASSERT(m->owner == VPO_FREE,
	    ("vm_page_alloc: page %#lx from the free lists is owned by %s",
	    m->phys_addr, vm_page_owner_name(m->owner)));
	m->owner = VPO_NONE;	/* po_ptr and po_arg mean nothing now */
	m->flags &= ~PG_ZERO;
	m->wire_count = (req & VM_ALLOC_WIRED) != 0 ? 1 : 0;
	if ((req & VM_ALLOC_ZERO) != 0)
		memset((void *)PHYS_TO_DMAP(m->phys_addr), 0, PAGE_SIZE);
}

vm_page_t
vm_page_alloc(vm_object_t obj, vm_pindex_t pindex __unused, int req)
{
	vm_page_t m;
	int low;

	KASSERT(obj == NULL, ("vm_page_alloc: objects are not supported"));
	mtx_lock_spin(&vm_page_queue_free_mtx);
	if (vm_page_reserve_hit(req, 1)) {
		mtx_unlock_spin(&vm_page_queue_free_mtx);
		vm_lowmem_fire();
		return (NULL);
	}
	m = vm_phys_alloc_pages(0);
	KASSERT(m != NULL, ("vm_page_alloc: free count %u but no page",
	    vm_cnt.v_free_count));
	low = vm_page_taken(1, (req & VM_ALLOC_WIRED) != 0);
	mtx_unlock_spin(&vm_page_queue_free_mtx);
	vm_page_prepare(m, req);
	if (low)
		vm_lowmem_fire();
	return (m);
}

void
vm_page_free(vm_page_t m)
{
	KASSERT((m->flags & (PG_MANAGED | PG_FREE)) == PG_MANAGED &&
	    m->owner != VPO_FREE,
	    ("vm_page_free: page %#lx is %s", m->phys_addr,
	    (m->flags & PG_MANAGED) == 0 ? "unmanaged" : "already free"));
	KASSERT(m->owner == VPO_NONE,
	    ("vm_page_free: page %#lx is still owned by %s", m->phys_addr,
	    vm_page_owner_name(m->owner)));
	m->owner = VPO_FREE;
	mtx_lock_spin(&vm_page_queue_free_mtx);
	if (m->wire_count != 0) {
		m->wire_count = 0;
		vm_cnt.v_wire_count--;
	}
	vm_phys_free_pages(m, 0);
	vm_cnt.v_free_count++;
	mtx_unlock_spin(&vm_page_queue_free_mtx);
}

vm_page_t
vm_page_alloc_contig(u_long npages, vm_paddr_t low, vm_paddr_t high,
    u_long alignment, vm_paddr_t boundary)
{
	vm_page_t m;
	u_long i;
	int lowmem;

	KASSERT(npages > 0, ("vm_page_alloc_contig: no pages"));
	KASSERT(powerof2(alignment) && alignment != 0,
	    ("vm_page_alloc_contig: alignment %#lx is not a power of two",
	    alignment));
	KASSERT(powerof2(boundary),
	    ("vm_page_alloc_contig: boundary %#lx is not a power of two",
	    boundary));
	if (alignment < PAGE_SIZE)
		alignment = PAGE_SIZE;
	mtx_lock_spin(&vm_page_queue_free_mtx);
	if (vm_page_reserve_hit(VM_ALLOC_NORMAL, npages)) {
		mtx_unlock_spin(&vm_page_queue_free_mtx);
		return (NULL);
	}
	m = vm_phys_alloc_contig(npages, low, high, alignment, boundary);
	lowmem = m != NULL ? vm_page_taken(npages, 1) : 0;
	mtx_unlock_spin(&vm_page_queue_free_mtx);
	if (m == NULL)
		return (NULL);
	for (i = 0; i < npages; i++)
		vm_page_prepare(&m[i], VM_ALLOC_WIRED);
	if (lowmem)
		vm_lowmem_fire();
	return (m);
}

void
vm_page_release_contig(vm_page_t m, u_long npages)
{
	u_long i;

	for (i = 0; i < npages; i++) {
		KASSERT((m[i].flags & (PG_MANAGED | PG_FREE)) == PG_MANAGED &&
		    m[i].owner != VPO_FREE,
		    ("vm_page_release_contig: page %#lx not allocated",
		    m[i].phys_addr));
		KASSERT(m[i].owner == VPO_NONE,
		    ("vm_page_release_contig: page %#lx is still owned by %s",
		    m[i].phys_addr, vm_page_owner_name(m[i].owner)));
		m[i].owner = VPO_FREE;
		m[i].wire_count = 0;
	}
	mtx_lock_spin(&vm_page_queue_free_mtx);
	vm_phys_free_contig(m, npages);
	vm_cnt.v_free_count += npages;
	vm_cnt.v_wire_count -= npages;
	mtx_unlock_spin(&vm_page_queue_free_mtx);
}

void
vm_lowmem_register(vm_lowmem_handler_t *fn, void *arg)
{
	KASSERT(vm_lowmem_count < VM_LOWMEM_MAX, ("too many lowmem handlers"));
	vm_lowmem_handlers[vm_lowmem_count].arg = arg;
	vm_lowmem_handlers[vm_lowmem_count].fn = fn;
	vm_lowmem_count++;
}

void
vm_lowmem_fire(void)
{
	int i;

	atomic_add_int(&vm_lowmem_events, 1);
	for (i = 0; i < vm_lowmem_count; i++)
		vm_lowmem_handlers[i].fn(vm_lowmem_handlers[i].arg, 0);
}

void
vm_wait(void)
{
	vm_lowmem_fire();
	pause("vmwait", hz / 100 + 1);
}

vm_page_t
vm_page_lookup_va(vm_offset_t va)
{
	vm_paddr_t pa;

	if (VIRT_IN_DMAP(va))
		pa = DMAP_TO_PHYS(va);
	else if ((pa = pmap_kextract(va)) == 0)
		return (NULL);
	if (atop(pa) >= vm_page_array_size)
		return (NULL);
	return (PHYS_TO_VM_PAGE(pa));
}

static const char *const vm_page_owner_names[VPO_NKINDS] = {
	[VPO_NONE] = "no owner",
	[VPO_FREE] = "free",
	[VPO_UMA_SLAB] = "UMA slab",
	[VPO_MALLOC_LARGE] = "large malloc block",
	[VPO_MEMGUARD] = "MemGuard",
	[VPO_OBJECT] = "VM object",
};

const char *
vm_page_owner_name(enum vm_page_owner owner)
{
	if ((u_int)owner >= VPO_NKINDS)
		return ("(bad owner)");
	return (vm_page_owner_names[owner]);
}

void
vm_page_owner_refuse(vm_page_t m, enum vm_page_owner owner)
{
	if ((m->flags & PG_MANAGED) == 0 || m->owner == VPO_FREE ||
	    (u_int)owner >= VPO_NKINDS || owner == VPO_FREE)
		panic("vm_page_set_owner: page %#lx (%s%s) cannot be given to "
		    "%s", m->phys_addr, (m->flags & PG_MANAGED) == 0 ?
		    "unmanaged, " : "", vm_page_owner_name(m->owner),
		    vm_page_owner_name(owner));
	panic("vm_page_set_owner: page %#lx is owned by %s, cannot become %s",
	    m->phys_addr, vm_page_owner_name(m->owner),
	    vm_page_owner_name(owner));
}

void
vsetslab(vm_offset_t va, void *slab)
{
	vm_page_t m = vtopage(va);

	KASSERT(m != NULL && (m->flags & PG_MANAGED) != 0,
	    ("vsetslab: %#lx is not a managed page", va));
	KASSERT(slab != NULL || m->owner == VPO_UMA_SLAB,
	    ("vsetslab: page of %#lx is owned by %s, not UMA", va,
	    vm_page_owner_name(m->owner)));
	vm_page_set_owner(m, slab != NULL ? VPO_UMA_SLAB : VPO_NONE, slab, 0);
}
