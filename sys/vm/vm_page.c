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
 * Page queues.  Object pages that are not wired sit on the active,
 * inactive or laundry queue (vm_page.h shows a page's path); the page
 * daemon (vm_pageout.c) scans them.  A page without an object is always
 * wired: so at rest free + wired + active + inactive + laundry is the page
 * count.
 *
 * Targets.  vm_page_startup() computes v_free_reserved, v_free_min,
 * v_free_target, v_free_severe and v_inactive_target from the page count
 * with FreeBSD's formulas (vm_pageout_init()), then takes the loader
 * tunables vm.v_free_reserved, vm.v_free_min and vm.v_free_target; each
 * is also a sysctl (vm.v_free_*, CTLFLAG_RW as in FreeBSD).  A value that
 * would break reserved <= min <= target <= half the pages is refused
 * (the tunable keeps its default and the kernel says so).
 *
 * Locking: vm_page_queue_free_mtx, a spin mutex, protects the free lists
 * and the free count, so the allocator may be called with spin locks held
 * or in a critical section.  It never sleeps; vm_wait() is for callers
 * that may.  vm_page_queue_mtx (spin) protects the page queues and their
 * counts; it is taken inside an object's lock and before the free lock.
 * v_wire_count changes only under the free queue lock (a plain add there:
 * the allocation paths hold it anyway; vm_page_wire_count_add() for the
 * others).
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
#include <vm/vm_object.h>
#include <vm/vm_pageout.h>

struct vmmeter	vm_cnt;
struct mtx	vm_page_queue_mtx;
struct vm_pagequeue vm_pagequeues[PQ_COUNT] = {
	[PQ_NONE] = { .pq_cnt = NULL, .pq_name = "none" },
	[PQ_INACTIVE] = { .pq_cnt = &vm_cnt.v_inactive_count,
	    .pq_name = "inactive" },
	[PQ_ACTIVE] = { .pq_cnt = &vm_cnt.v_active_count,
	    .pq_name = "active" },
	[PQ_LAUNDRY] = { .pq_cnt = &vm_cnt.v_laundry_count,
	    .pq_name = "laundry" },
};
u_int		vm_pageout_wakeup_thresh;
/*
 * An allocation that leaves fewer pages free than this takes the slow
 * path (vm_page_alloc_low_slow()): the larger of vm_pageout_wakeup_thresh
 * and v_free_min, so one comparison covers the daemon's wakeup and the
 * low-memory event.  vm_page_slow_update() whenever either changes.
 */
static u_int	vm_page_slow_free;
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

/* The counters of vm.stats.vm, FreeBSD's names and descriptions. */
#define	VM_STATS_VM(name, descr)					\
	SYSCTL_UINT(_vm_stats_vm, OID_AUTO, name, CTLFLAG_RD,		\
	    (u_int *)&vm_cnt.name, 0, descr)
VM_STATS_VM(v_active_count, "Active pages");
VM_STATS_VM(v_inactive_count, "Inactive pages");
VM_STATS_VM(v_laundry_count, "Pages eligible for laundering");
VM_STATS_VM(v_free_target, "Pages desired free");
VM_STATS_VM(v_free_severe, "Severe page depletion point");
VM_STATS_VM(v_inactive_target, "Desired inactive pages");
VM_STATS_VM(v_pageout_free_min, "Min pages reserved for kernel");
VM_STATS_VM(v_swappgsin, "Swap pages swapped in");
VM_STATS_VM(v_swappgsout, "Swap pages swapped out");
VM_STATS_VM(v_swapin, "Swap pager pageins");
VM_STATS_VM(v_swapout, "Swap pager pageouts");
VM_STATS_VM(v_pdwakeups, "Pagedaemon wakeups");
VM_STATS_VM(v_pdpages, "Pages analyzed by pagedaemon");
VM_STATS_VM(v_pdshortfalls, "Page reclamation shortfalls");
VM_STATS_VM(v_reactivated, "Pages reactivated by pagedaemon");
VM_STATS_VM(v_vm_faults, "Address memory faults");
VM_STATS_VM(v_zfod, "Pages zero-filled on demand");
VM_STATS_VM(v_dfree, "Pages freed by pagedaemon");

static void
vm_page_slow_update(void)
{
	vm_page_slow_free = MAX(vm_pageout_wakeup_thresh, vm_cnt.v_free_min);
}

/*
 * The paging targets: the loader tunables and RW sysctls vm.v_free_*.
 */
const char *
vm_page_targets_check(u_int reserved, u_int min, u_int target)
{
	if (reserved < vm_cnt.v_interrupt_free_min)
		return ("v_free_reserved below v_interrupt_free_min");
	if (min < reserved)
		return ("v_free_min below v_free_reserved");
	if (target < min)
		return ("v_free_target below v_free_min");
	if (target > vm_cnt.v_page_count / 2)
		return ("v_free_target above half the pages");
	return (NULL);
}

/* Set one target (which: 0 reserved, 1 min, 2 target); NULL or why not. */
static const char *
vm_page_target_set(int which, u_int val)
{
	u_int t[3] = { vm_cnt.v_free_reserved, vm_cnt.v_free_min,
	    vm_cnt.v_free_target };
	const char *why;

	t[which] = val;
	if ((why = vm_page_targets_check(t[0], t[1], t[2])) != NULL)
		return (why);
	vm_cnt.v_free_reserved = t[0];
	vm_cnt.v_free_min = t[1];
	vm_cnt.v_free_target = t[2];
	vm_pageout_wakeup_thresh = (vm_cnt.v_free_min / 10) * 11;
	vm_page_slow_update();
	return (NULL);
}

static const char *const vm_page_target_names[3] = {
	"vm.v_free_reserved", "vm.v_free_min", "vm.v_free_target"
};

static int
sysctl_vm_free_target(SYSCTL_HANDLER_ARGS)
{
	volatile u_int *p[3] = { &vm_cnt.v_free_reserved, &vm_cnt.v_free_min,
	    &vm_cnt.v_free_target };
	const char *why;
	u_int val;
	int error;

	val = *p[arg2];
	error = sysctl_handle_int(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if ((why = vm_page_target_set(arg2, val)) != NULL)
		return (sysctl_refuse(req, EINVAL, why));
	return (0);
}
SYSCTL_PROC(_vm, OID_AUTO, v_free_reserved, CTLTYPE_UINT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_vm_free_target, "IU",
    "Pages reserved for deadlock");
SYSCTL_PROC(_vm, OID_AUTO, v_free_min, CTLTYPE_UINT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, NULL, 1, sysctl_vm_free_target, "IU",
    "Minimum low-free-pages threshold");
SYSCTL_PROC(_vm, OID_AUTO, v_free_target, CTLTYPE_UINT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, NULL, 2, sysctl_vm_free_target, "IU",
    "Desired free pages");
SYSCTL_UINT(_vm, OID_AUTO, v_free_severe, CTLFLAG_RW,
    (u_int *)&vm_cnt.v_free_severe, 0, "Severe page depletion point");
SYSCTL_UINT(_vm, OID_AUTO, v_inactive_target, CTLFLAG_RW,
    (u_int *)&vm_cnt.v_inactive_target, 0, "Pages desired inactive");
SYSCTL_UINT(_vm, OID_AUTO, v_pageout_free_min, CTLFLAG_RW,
    (u_int *)&vm_cnt.v_pageout_free_min, 0,
    "Min pages reserved for kernel");

static int
sysctl_vm_pageout_wakeup_thresh(SYSCTL_HANDLER_ARGS)
{
	u_int val;
	int error;

	val = vm_pageout_wakeup_thresh;
	error = sysctl_handle_int(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	vm_pageout_wakeup_thresh = val;
	vm_page_slow_update();
	return (0);
}
SYSCTL_PROC(_vm, OID_AUTO, pageout_wakeup_thresh, CTLTYPE_UINT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_vm_pageout_wakeup_thresh, "IU",
    "Free page count below which the page daemon runs");

/*
 * FreeBSD's vm_pageout_init() formulas, then the loader tunables, each
 * checked against the others as a sysctl write would be.
 */
static void
vm_page_targets_init(u_int npages)
{
	u_int ppc, val;
	char buf[16];
	const char *why;
	int i;

	ppc = npages < 2000 ? 8 : 32;	/* vm_pageout_page_count */
	vm_cnt.v_interrupt_free_min = 2;
	vm_cnt.v_free_min = 4 + (npages > 1024 ? (npages - 1024) / 200 : 0);
	vm_cnt.v_pageout_free_min = (2 * 65536) / PAGE_SIZE +
	    vm_cnt.v_interrupt_free_min;	/* 2 * MAXBSIZE */
	vm_cnt.v_free_reserved = ppc + vm_cnt.v_pageout_free_min +
	    npages / 768;
	vm_cnt.v_free_severe = vm_cnt.v_free_min / 2;
	vm_cnt.v_free_target = 4 * vm_cnt.v_free_min + vm_cnt.v_free_reserved;
	vm_cnt.v_free_min += vm_cnt.v_free_reserved;
	vm_cnt.v_free_severe += vm_cnt.v_free_reserved;
	vm_cnt.v_inactive_target = (3 * vm_cnt.v_free_target) / 2;
	if (vm_cnt.v_inactive_target > npages / 3)
		vm_cnt.v_inactive_target = npages / 3;
	vm_pageout_wakeup_thresh = (vm_cnt.v_free_min / 10) * 11;
	vm_page_slow_update();
	for (i = 0; i < 3; i++) {
		val = i == 0 ? vm_cnt.v_free_reserved : i == 1 ?
		    vm_cnt.v_free_min : vm_cnt.v_free_target;
		snprintf(buf, sizeof(buf), "%u", val);
		if (!getenv_uint(vm_page_target_names[i], &val))
			continue;
		if ((why = vm_page_target_set(i, val)) != NULL)
			tunable_warn(vm_page_target_names[i], why, "%s", buf);
	}
}

int
vm_paging_needed(void)
{
	return (vm_cnt.v_free_count < vm_pageout_wakeup_thresh);
}

/*
 * The page array comes from the top of the highest segment that holds it,
 * as in FreeBSD, so that low memory stays free for contiguous requests
 * with address limits.
 */
static vm_paddr_t
vm_page_array_steal(u_long npages)
{
	vm_paddr_t pa;
	int i, last;

	last = -1;
	for (i = 0; phys_avail[i + 1] != 0; i += 2)
		if (trunc_page(phys_avail[i + 1]) >= round_page(phys_avail[i]) +
		    ptoa(npages))
			last = i;
	if (last < 0)
		return (pmap_bootstrap_steal(npages));
	pa = trunc_page(phys_avail[last + 1]) - ptoa(npages);
	phys_avail[last + 1] = pa;
	return (pa);
}

static void
vm_page_startup(void *dummy __unused)
{
	vm_paddr_t start, end, pa;
	u_long i, npages, arraypages;
	vm_page_t m;
	int seg;

	mtx_init(&vm_page_queue_free_mtx, "vm page free queue", NULL,
	    MTX_SPIN);
	mtx_init(&vm_page_queue_mtx, "vm page queue", NULL, MTX_SPIN);
	for (i = 0; i < PQ_COUNT; i++)
		TAILQ_INIT(&vm_pagequeues[i].pq_pl);
	vm_page_array_size = Maxmem;
	arraypages = atop(round_page(vm_page_array_size *
	    sizeof(struct vm_page)));
	vm_page_array = (struct vm_page *)PHYS_TO_DMAP(
	    vm_page_array_steal(arraypages));
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
	vm_page_targets_init(npages);
}
SYSINIT(vm_page, SI_SUB_VM, SI_ORDER_FIRST, vm_page_startup, NULL);

/*
 * The free pages each request class leaves (VM_ALLOC_CLASS_MASK): one
 * load instead of a switch on the allocation path.  Class 3 is NORMAL's.
 */
static volatile u_int vm_page_no_floor;		/* always 0 */
static volatile u_int *const vm_page_class_floor[VM_ALLOC_CLASS_MASK + 1] = {
	[VM_ALLOC_NORMAL] = &vm_cnt.v_free_reserved,
	[VM_ALLOC_INTERRUPT] = &vm_page_no_floor,
	[VM_ALLOC_SYSTEM] = &vm_cnt.v_interrupt_free_min,
	[VM_ALLOC_CLASS_MASK] = &vm_cnt.v_free_reserved,
};

/* Would taking n pages break the reserve of this request class? */
static __always_inline int
vm_page_reserve_hit(int req, u_long n)
{
	return (vm_cnt.v_free_count <
	    n + *vm_page_class_floor[req & VM_ALLOC_CLASS_MASK]);
}

/*
 * Account n pages taken (wired: counted in v_wire_count too); the free
 * count left, for vm_page_alloc_low() when it is below vm_page_slow_free.
 */
static __always_inline u_int
vm_page_taken(u_long n, int wired)
{
	u_int left;

	left = vm_cnt.v_free_count - n;
	vm_cnt.v_free_count = left;
	if (wired)
		vm_cnt.v_wire_count += n;
	return (left);
}

/*
 * After taking n pages left fewer than vm_page_slow_free free: wake the
 * page daemon below its threshold, fire the low-memory event when this
 * allocation crossed v_free_min.  Not with the free queue lock held.
 */
static __noinline void
vm_page_alloc_low_slow(u_int left, u_long n, int daemon)
{
	if (daemon && left < vm_pageout_wakeup_thresh)
		vm_pageout_wakeup();
	if (left < vm_cnt.v_free_min && left + n >= vm_cnt.v_free_min)
		vm_lowmem_fire();
}

/* After taking n pages with left free: the slow path only below the mark. */
static __always_inline void
vm_page_alloc_low(u_int left, u_long n, int daemon)
{
	if (__predict_false(left < vm_page_slow_free))
		vm_page_alloc_low_slow(left, n, daemon);
}

static __always_inline void
vm_page_prepare(vm_page_t m, int req)
{
	KASSERT(m->owner == VPO_FREE,
	    ("vm_page_alloc: page %#lx from the free lists is owned by %s",
	    m->phys_addr, vm_page_owner_name(m->owner)));
	m->owner = VPO_NONE;	/* po_ptr and po_arg mean nothing now */
	m->flags &= ~PG_ZERO;
	/* An object page leaves these clear when it is freed. */
	KASSERT(m->queue == PQ_NONE && !m->dirty && !m->busy &&
	    m->hold_count == 0, ("vm_page_alloc: free page %#lx has object "
	    "state", m->phys_addr));
	m->wire_count = (req & VM_ALLOC_WIRED) != 0 ? 1 : 0;
	if ((req & VM_ALLOC_ZERO) != 0)
		memset((void *)PHYS_TO_DMAP(m->phys_addr), 0, PAGE_SIZE);
}

static __noinline void
vm_page_alloc_refused(void)
{
	vm_pageout_wakeup();
	vm_lowmem_fire();
}

/*
 * The free-list part of vm_page_alloc(): one page taken and prepared, or
 * NULL (the reserve); *leftp is the free count it left (UINT_MAX after
 * NULL).
 */
static __always_inline vm_page_t
vm_page_alloc_page(int req, u_int *leftp)
{
	vm_page_t m;

	mtx_lock_spin(&vm_page_queue_free_mtx);
	if (__predict_false(vm_page_reserve_hit(req, 1))) {
		mtx_unlock_spin(&vm_page_queue_free_mtx);
		vm_page_alloc_refused();
		*leftp = UINT_MAX;	/* no slow path after this */
		return (NULL);
	}
	m = vm_phys_alloc_pages(0);
	KASSERT(m != NULL, ("vm_page_alloc: free count %u but no page",
	    vm_cnt.v_free_count));
	*leftp = vm_page_taken(1, (req & VM_ALLOC_WIRED) != 0);
	mtx_unlock_spin(&vm_page_queue_free_mtx);
	vm_page_prepare(m, req);
	return (m);
}

/* vm_page_alloc() with an object: the page goes in it, busy. */
static __noinline vm_page_t
vm_page_alloc_object(vm_object_t obj, vm_pindex_t pindex, int req)
{
	vm_page_t m;
	u_int left;

	if ((m = vm_page_alloc_page(req, &left)) == NULL)
		return (NULL);
	vm_page_insert(m, obj, pindex);
	m->busy = 1;
	vm_page_alloc_low(left, 1, 1);
	return (m);
}

vm_page_t
vm_page_alloc(vm_object_t obj, vm_pindex_t pindex, int req)
{
	vm_page_t m;
	u_int left;

	if (obj != NULL)
		return (vm_page_alloc_object(obj, pindex, req));
	m = vm_page_alloc_page(req | VM_ALLOC_WIRED, &left);
	vm_page_alloc_low(left, 1, 1);
	return (m);
}

void
vm_page_free(vm_page_t m)
{
	KASSERT((m->flags & (PG_MANAGED | PG_FREE)) == PG_MANAGED &&
	    m->owner != VPO_FREE,
	    ("vm_page_free: page %#lx is %s", m->phys_addr,
	    (m->flags & PG_MANAGED) == 0 ? "unmanaged" : "already free"));
	if (m->owner == VPO_OBJECT) {
		KASSERT(m->hold_count == 0,
		    ("vm_page_free: page %#lx is held", m->phys_addr));
		vm_page_dequeue(m);
		vm_page_remove(m);
		m->busy = 0;
		m->dirty = 0;
	}
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
	u_int left;

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
	if (m == NULL) {
		mtx_unlock_spin(&vm_page_queue_free_mtx);
		return (NULL);
	}
	left = vm_page_taken(npages, 1);
	mtx_unlock_spin(&vm_page_queue_free_mtx);
	for (i = 0; i < npages; i++)
		vm_page_prepare(&m[i], VM_ALLOC_WIRED);
	vm_page_alloc_low(left, npages, 0);
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

int
vm_page_claim_free(vm_page_t m)
{
	u_int left;

	mtx_lock_spin(&vm_page_queue_free_mtx);
	if (m->owner != VPO_FREE || vm_page_reserve_hit(VM_ALLOC_NORMAL, 1) ||
	    !vm_phys_unfree_page(m)) {
		mtx_unlock_spin(&vm_page_queue_free_mtx);
		return (0);
	}
	left = vm_page_taken(1, 1);
	mtx_unlock_spin(&vm_page_queue_free_mtx);
	vm_page_prepare(m, VM_ALLOC_WIRED);
	vm_page_alloc_low(left, 1, 0);
	return (1);
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

/*
 * Page queues and busy state of object pages.
 */

void
vm_page_requeue_locked(vm_page_t m, int queue)
{
	struct vm_pagequeue *pq;

	mtx_assert(&vm_page_queue_mtx, MA_OWNED);
	if (m->queue != PQ_NONE) {
		pq = &vm_pagequeues[m->queue];
		TAILQ_REMOVE(&pq->pq_pl, m, pageq);
		(*pq->pq_cnt)--;
	}
	m->queue = queue;
	if (queue != PQ_NONE) {
		pq = &vm_pagequeues[queue];
		TAILQ_INSERT_TAIL(&pq->pq_pl, m, pageq);
		(*pq->pq_cnt)++;
	}
}

/* Move an unwired object page to queue. */
static void
vm_page_enqueue(vm_page_t m, int queue)
{
	KASSERT(m->owner == VPO_OBJECT, ("vm_page_enqueue: page %#lx is "
	    "owned by %s", m->phys_addr, vm_page_owner_name(m->owner)));
	VM_OBJECT_ASSERT_LOCKED(vm_page_object(m));
	if (m->wire_count != 0)
		return;
	vm_page_lock_queues();
	if (queue == PQ_ACTIVE && m->queue == PQ_INACTIVE)
		vm_cnt.v_reactivated++;
	vm_page_requeue_locked(m, queue);
	vm_page_unlock_queues();
}

void
vm_page_activate(vm_page_t m)
{
	vm_page_enqueue(m, PQ_ACTIVE);
}

void
vm_page_deactivate(vm_page_t m)
{
	vm_page_enqueue(m, PQ_INACTIVE);
}

void
vm_page_launder(vm_page_t m)
{
	vm_page_enqueue(m, PQ_LAUNDRY);
}

void
vm_page_dequeue(vm_page_t m)
{
	if (m->queue == PQ_NONE)
		return;
	vm_page_lock_queues();
	vm_page_requeue_locked(m, PQ_NONE);
	vm_page_unlock_queues();
}

void
vm_page_wire_count_add(int n)
{
	mtx_lock_spin(&vm_page_queue_free_mtx);
	vm_cnt.v_wire_count += n;
	mtx_unlock_spin(&vm_page_queue_free_mtx);
}

void
vm_page_wire(vm_page_t m)
{
	VM_OBJECT_ASSERT_LOCKED(vm_page_object(m));
	if (m->wire_count++ != 0)
		return;
	vm_page_dequeue(m);
	vm_page_wire_count_add(1);
}

void
vm_page_unwire(vm_page_t m)
{
	VM_OBJECT_ASSERT_LOCKED(vm_page_object(m));
	KASSERT(m->wire_count > 0, ("vm_page_unwire: page %#lx is not wired",
	    m->phys_addr));
	if (--m->wire_count != 0)
		return;
	vm_page_wire_count_add(-1);
	vm_page_activate(m);
}

void
vm_page_hold(vm_page_t m)
{
	VM_OBJECT_ASSERT_LOCKED(vm_page_object(m));
	KASSERT(m->hold_count < UINT8_MAX, ("vm_page_hold: page %#lx held "
	    "too often", m->phys_addr));
	m->hold_count++;
}

void
vm_page_unhold(vm_page_t m)
{
	VM_OBJECT_ASSERT_LOCKED(vm_page_object(m));
	KASSERT(m->hold_count > 0, ("vm_page_unhold: page %#lx is not held",
	    m->phys_addr));
	m->hold_count--;
}

void
vm_page_xbusy(vm_page_t m)
{
	VM_OBJECT_ASSERT_LOCKED(vm_page_object(m));
	KASSERT(!m->busy, ("vm_page_xbusy: page %#lx is busy", m->phys_addr));
	m->busy = 1;
}

void
vm_page_xunbusy(vm_page_t m)
{
	VM_OBJECT_ASSERT_LOCKED(vm_page_object(m));
	KASSERT(m->busy, ("vm_page_xunbusy: page %#lx is not busy",
	    m->phys_addr));
	m->busy = 0;
	wakeup(m);
}

void
vm_page_busy_sleep(vm_page_t m, const char *wmesg)
{
	vm_object_t obj = vm_page_object(m);

	VM_OBJECT_ASSERT_LOCKED(obj);
	msleep(m, &obj->lock, 0, wmesg, 0);
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
