/*
 * contigmalloc(9): physically contiguous memory, mapped into kernel_map.
 *
 * Two algorithms find the pages; vm.old_contigmalloc (sysctl and loader
 * tunable, default 0) chooses, read once per request, so it may change at
 * any time.  Either way the bytes are accounted in the malloc type (vmstat
 * -m), the run is mapped into kernel_map, and when that map has no room
 * the pages go back (vm_page_release_contig) and NULL is returned.
 *
 * The new algorithm (0) works in passes; a candidate run is any run of
 * the request's size inside [low, high], aligned, not crossing boundary:
 *   0. free pages only: one free run from the buddy allocator
 *      (vm_page_alloc_contig); never blocks;
 *   1. relocation: the first candidate whose pages are all free or
 *      movable object pages (unwired, not busy, not held, on a page
 *      queue) is taken page by page: a free page is claimed off the free
 *      lists, an object page is copied to a free page outside the run,
 *      which takes its place in the object, its queue, and its mapping
 *      (unmapped first with a shootdown, so no write is lost).  No I/O,
 *      no sleep: M_NOWAIT runs it too;
 *   2, 3. laundering (M_WAITOK only; 3 after UMA gave its caches back):
 *      as 1, but an object page leaves its object instead: a clean one
 *      at once, a dirty one after it was written to swap, alone (never a
 *      neighbour outside the run), and waited for.
 * Every page obtained is off the free lists from then on (claimed, or
 * taken straight from its object), so nobody else gets it while a later
 * page-out blocks; if a page of the run cannot be had, the pages claimed
 * so far are given back and the next candidate is tried.  Wired pages,
 * busy pages (I/O in progress) and pages with no object (the kernel's
 * own) are never taken.  Runs are at most 2^(VM_NFREEORDER - 1) pages
 * for passes 1-3 (the buddy allocator's largest block).
 *
 * The old algorithm (1), FreeBSD 4's: a free run (as pass 0), and failing
 * that, with M_WAITOK, page out memory in general (the page queues, oldest
 * first, clean pages freed and dirty ones written in clusters, about the
 * free target plus twice the request) and try again, three times.
 *
 * Statistics per algorithm under vm.contig.new and vm.contig.old
 * (vm_contig.h).  Locks: an object page of a candidate run is found on
 * its page queue under the queue lock, which keeps its object alive long
 * enough to take a reference; then the object is locked (no other lock
 * held) and the page looked at again.  The old algorithm's page-out
 * trylocks objects from the queues, as the page daemon does.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_contig.h>
#include <vm/vm_kern.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_pageout.h>
#include <vm/vm_phys.h>
#include <vm/swap_pager.h>
#include <vm/uma.h>

#define	CONTIG_PASS_FREE	0
#define	CONTIG_PASS_RELOCATE	1
#define	CONTIG_PASS_LAUNDER	2
#define	CONTIG_NPASSES		4
#define	CONTIG_MAXPAGES		(1UL << (VM_NFREEORDER - 1))
#define	CONTIG_OLD_TRIES	3

struct vm_contig_stats	vm_contig_stats[2];
int			vm_old_contigmalloc;
volatile int		vm_contig_fail_kva;
volatile int		vm_contig_no_relocate;

/* The run being gathered: its first page and the pages held so far. */
struct contig_run {
	vm_page_t	cr_m;
	u_long		cr_npages;
	u_long		cr_held[howmany(CONTIG_MAXPAGES, 64)];
	struct vm_contig_stats *cr_st;
};

#define	CR_HELD(cr, i)	(((cr)->cr_held[(i) / 64] >> ((i) % 64)) & 1)
#define	CR_HOLD(cr, i)	((cr)->cr_held[(i) / 64] |= 1UL << ((i) % 64))

static int
sysctl_vm_old_contigmalloc(SYSCTL_HANDLER_ARGS)
{
	int error, val;

	val = vm_old_contigmalloc;
	error = sysctl_handle_int(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (val != 0 && val != 1)
		return (sysctl_refuse(req, EINVAL, "must be 0 or 1"));
	vm_old_contigmalloc = val;
	return (0);
}
SYSCTL_PROC(_vm, OID_AUTO, old_contigmalloc, CTLTYPE_INT | CTLFLAG_RWTUN |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_vm_old_contigmalloc, "I",
    "Use the old algorithm for contigmalloc(9)");

SYSCTL_NODE(_vm, OID_AUTO, contig, CTLFLAG_RD, NULL,
    "contigmalloc(9) statistics");
#define	CONTIG_STATS(alg, node, descr)					\
SYSCTL_NODE(_vm_contig, OID_AUTO, node, CTLFLAG_RD, NULL, descr);	\
SYSCTL_ULONG(_vm_contig_##node, OID_AUTO, requests, CTLFLAG_RD,		\
    &vm_contig_stats[alg].cs_requests, 0, "Requests");			\
SYSCTL_ULONG(_vm_contig_##node, OID_AUTO, successes, CTLFLAG_RD,	\
    &vm_contig_stats[alg].cs_successes, 0, "Requests satisfied");	\
SYSCTL_ULONG(_vm_contig_##node, OID_AUTO, failures, CTLFLAG_RD,		\
    &vm_contig_stats[alg].cs_failures, 0, "Requests failed");		\
SYSCTL_ULONG(_vm_contig_##node, OID_AUTO, passes, CTLFLAG_RD,		\
    &vm_contig_stats[alg].cs_passes, 0, "Passes (tries) run");		\
SYSCTL_ULONG(_vm_contig_##node, OID_AUTO, relocated, CTLFLAG_RD,	\
    &vm_contig_stats[alg].cs_relocated, 0, "Pages relocated");		\
SYSCTL_ULONG(_vm_contig_##node, OID_AUTO, laundered, CTLFLAG_RD,	\
    &vm_contig_stats[alg].cs_laundered, 0, "Object pages freed");	\
SYSCTL_ULONG(_vm_contig_##node, OID_AUTO, written, CTLFLAG_RD,		\
    &vm_contig_stats[alg].cs_written, 0, "Pages written to swap")
CONTIG_STATS(CONTIG_NEW, new, "The new algorithm (passes)");
CONTIG_STATS(CONTIG_OLD, old, "The old algorithm (vm.old_contigmalloc=1)");

/*
 * Unmap the object page m (object locked) if it is mapped; 1 if it was.
 * One ranged shootdown.
 */
static int
contig_unmap(vm_page_t m, vm_object_t obj)
{
	vm_offset_t va;

	if (obj->kva == 0)
		return (0);
	va = obj->kva + ptoa(vm_page_pindex(m));
	if (pmap_kextract(va) != VM_PAGE_TO_PHYS(m))
		return (0);
	pmap_qremove(va, 1);
	return (1);
}

/* Take the clean, unmapped object page m out of its object, wired. */
static void
contig_steal(vm_page_t m)
{
	vm_page_dequeue(m);
	vm_page_remove(m);
	m->dirty = 0;
	m->wire_count = 1;
	vm_page_wire_count_add(1);
}

/*
 * Copy the object page m (object locked, movable) to a free page outside
 * the run, which replaces it in the object, on its queue and in the
 * mapping; m is the run's.  Free pages of the run met on the way are
 * held too.  0 when no free page is left.
 */
static int
contig_relocate(struct contig_run *cr, vm_page_t m, vm_object_t obj)
{
	vm_pindex_t pindex;
	vm_page_t n;
	int mapped, q, dirty;

	for (;;) {
		n = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
		if (n == NULL)
			return (0);
		if (n < cr->cr_m || n >= cr->cr_m + cr->cr_npages)
			break;
		CR_HOLD(cr, n - cr->cr_m);	/* a free page of the run */
	}
	pindex = vm_page_pindex(m);
	mapped = contig_unmap(m, obj);
	memcpy((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(n)),
	    (void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)), PAGE_SIZE);
	q = m->queue;
	dirty = m->dirty;
	vm_page_dequeue(m);
	vm_page_remove(m);
	/* The wiring moves from n (as allocated) to m (the run's). */
	m->dirty = 0;
	m->wire_count = 1;
	n->wire_count = 0;
	vm_page_insert(n, obj, pindex);
	n->dirty = dirty;
	vm_page_lock_queues();
	vm_page_requeue_locked(n, q);
	vm_page_unlock_queues();
	if (mapped && dirty)
		pmap_kenter(obj->kva + ptoa(pindex), VM_PAGE_TO_PHYS(n));
	else if (mapped)
		pmap_kenter_ro(obj->kva + ptoa(pindex), VM_PAGE_TO_PHYS(n));
	atomic_add_long(&cr->cr_st->cs_relocated, 1);
	return (1);
}

/*
 * Take the object page m (object locked, movable) from its object: at
 * once when clean, after writing it alone to swap (and waiting) when
 * dirty.  0 when the write failed (m stays, dirty, in the laundry).
 */
static int
contig_launder(struct contig_run *cr, vm_page_t m, vm_object_t obj)
{
	int error;

	contig_unmap(m, obj);
	if (m->dirty) {
		vm_page_xbusy(m);	/* on its queue, skipped by scans */
		VM_OBJECT_UNLOCK(obj);
		error = swap_pager_putpages(obj, &m, 1);
		VM_OBJECT_LOCK(obj);
		vm_page_xunbusy(m);
		if (error != 0 || m->dirty) {
			vm_page_launder(m);
			return (0);
		}
		atomic_add_long(&cr->cr_st->cs_written, 1);
	}
	contig_steal(m);
	atomic_add_long(&cr->cr_st->cs_laundered, 1);
	return (1);
}

/* Can this pass have m?  A hint, read unlocked; taking it rechecks. */
static int
contig_page_ok(vm_page_t m)
{
	if ((m->flags & PG_MANAGED) == 0)
		return (0);
	if (m->owner == VPO_FREE)
		return (1);
	return (m->owner == VPO_OBJECT && m->wire_count == 0 && !m->busy &&
	    m->hold_count == 0 && m->queue != PQ_NONE);
}

/*
 * A reference on the object of m, found on a page queue (so the object is
 * alive), or NULL when m is not a queued object page or its object is
 * being destroyed.
 */
static vm_object_t
contig_page_object(vm_page_t m)
{
	vm_object_t obj = NULL;
	u_int ref;

	vm_page_lock_queues();
	if (m->owner == VPO_OBJECT && m->queue != PQ_NONE) {
		obj = vm_page_object(m);
		do {
			ref = obj->ref_count;
		} while (ref != 0 &&
		    !atomic_cmpset_int(&obj->ref_count, ref, ref + 1));
		if (ref == 0)
			obj = NULL;
	}
	vm_page_unlock_queues();
	return (obj);
}

/* Get page i of the run in this pass's way; 0 if it cannot be had. */
static int
contig_take_page(struct contig_run *cr, u_long i, int pass)
{
	vm_page_t m = &cr->cr_m[i];
	vm_object_t obj;
	int ok;

	if (m->owner == VPO_FREE)
		return (vm_page_claim_free(m));
	if ((obj = contig_page_object(m)) == NULL)
		return (m->owner == VPO_FREE ? vm_page_claim_free(m) : 0);
	VM_OBJECT_LOCK(obj);
	if (vm_page_object(m) != obj || m->queue == PQ_NONE || m->busy ||
	    m->hold_count != 0 || m->wire_count != 0)
		ok = 0;
	else if (pass == CONTIG_PASS_RELOCATE)
		ok = contig_relocate(cr, m, obj);
	else
		ok = contig_launder(cr, m, obj);
	VM_OBJECT_UNLOCK(obj);
	vm_object_deallocate(obj);
	return (ok);
}

/* Gather the whole run, or give back what was gathered: 1 or 0. */
static int
contig_take_run(struct contig_run *cr, int pass)
{
	u_long i;

	memset(cr->cr_held, 0, sizeof(cr->cr_held));
	for (i = 0; i < cr->cr_npages; i++) {
		if (CR_HELD(cr, i))
			continue;
		if (!contig_take_page(cr, i, pass))
			break;
		CR_HOLD(cr, i);
	}
	if (i == cr->cr_npages)
		return (1);
	for (i = 0; i < cr->cr_npages; i++)
		if (CR_HELD(cr, i))
			vm_page_release_contig(&cr->cr_m[i], 1);
	return (0);
}

/*
 * One relocation or laundering pass over the candidate runs: the first
 * run that can be gathered.  A page that cannot be had rules out every
 * candidate holding it.
 */
static vm_page_t
contig_scan(u_long npages, vm_paddr_t low, vm_paddr_t high, u_long alignment,
    vm_paddr_t boundary, int pass, struct vm_contig_stats *st)
{
	struct contig_run run, *cr = &run;
	struct vm_phys_seg *seg;
	vm_paddr_t size = ptoa(npages), s, lim;
	vm_page_t m;
	u_long i;
	int seg_i;

	for (seg_i = 0; seg_i < vm_phys_nsegs; seg_i++) {
		seg = &vm_phys_segs[seg_i];
		s = MAX(seg->start, low);
		lim = seg->end;
		if (high < lim - 1)
			lim = high + 1;
		while (s < lim &&
		    vm_phys_fit(s, lim, size, alignment, boundary, &s)) {
			m = PHYS_TO_VM_PAGE(s);
			for (i = 0; i < npages && contig_page_ok(&m[i]); i++)
				;
			if (i < npages) {
				s += ptoa(i + 1);
				continue;
			}
			cr->cr_m = m;
			cr->cr_npages = npages;
			cr->cr_st = st;
			if (contig_take_run(cr, pass))
				return (m);
			s += alignment;
		}
	}
	return (NULL);
}

/* The new algorithm's passes; the first run found, or NULL. */
static vm_page_t
contig_new(u_long npages, int flags, vm_paddr_t low, vm_paddr_t high,
    u_long alignment, vm_paddr_t boundary, struct vm_contig_stats *st)
{
	vm_page_t m;
	int pass;

	for (pass = CONTIG_PASS_FREE; pass < CONTIG_NPASSES; pass++) {
		if (pass >= CONTIG_PASS_LAUNDER && (flags & M_WAITOK) == 0)
			break;
		if (pass > CONTIG_PASS_FREE && npages > CONTIG_MAXPAGES)
			break;
		if (pass == CONTIG_PASS_RELOCATE && vm_contig_no_relocate)
			continue;
		if (pass == CONTIG_NPASSES - 1)
			uma_reclaim();
		atomic_add_long(&st->cs_passes, 1);
		if (pass == CONTIG_PASS_FREE)
			m = vm_page_alloc_contig(npages, low, high, alignment,
			    boundary);
		else
			m = contig_scan(npages, low, high, alignment, boundary,
			    pass, st);
		if (m != NULL)
			return (m);
	}
	return (NULL);
}

/*
 * The old algorithm's page-out: free about want pages from the page
 * queues, oldest first, wherever they are, writing dirty ones to swap in
 * clusters (vm_pageout_flush_page).  Returns the pages freed.
 */
static u_long
contig_old_pageout(u_long want, struct vm_contig_stats *st)
{
	static const int queues[] = { PQ_INACTIVE, PQ_LAUNDRY, PQ_ACTIVE };
	struct vm_pagequeue *pq;
	vm_object_t obj;
	vm_page_t m;
	u_long freed = 0;
	u_int before;
	int budget, error, q, i;

	before = vm_cnt.v_swappgsout;
	for (i = 0; i < (int)nitems(queues) && freed < want; i++) {
		q = queues[i];
		pq = &vm_pagequeues[q];
		for (budget = *pq->pq_cnt; budget > 0 && freed < want;
		    budget--) {
			vm_page_lock_queues();
			if ((m = TAILQ_FIRST(&pq->pq_pl)) == NULL) {
				vm_page_unlock_queues();
				break;
			}
			obj = vm_page_object(m);
			if (!VM_OBJECT_TRYLOCK(obj)) {
				vm_page_requeue_locked(m, q);
				vm_page_unlock_queues();
				continue;
			}
			vm_page_unlock_queues();
			if (m->queue != q || m->busy || m->hold_count != 0 ||
			    m->wire_count != 0) {
				/* Busy pages being written stay queued. */
				vm_pageout_skip(m, q);
				VM_OBJECT_UNLOCK(obj);
				continue;
			}
			contig_unmap(m, obj);
			error = m->dirty ? vm_pageout_flush_page(m, 1) : 0;
			if (error == 0) {
				vm_page_free(m);
				freed++;
			}
			VM_OBJECT_UNLOCK(obj);
			if (error == ENOSPC)
				break;
		}
	}
	atomic_add_long(&st->cs_laundered, freed);
	atomic_add_long(&st->cs_written, vm_cnt.v_swappgsout - before);
	return (freed);
}

/* The old algorithm: a free run, else page out in general and retry. */
static vm_page_t
contig_old(u_long npages, int flags, vm_paddr_t low, vm_paddr_t high,
    u_long alignment, vm_paddr_t boundary, struct vm_contig_stats *st)
{
	vm_page_t m;
	int tries;

	for (tries = 0;; tries++) {
		atomic_add_long(&st->cs_passes, 1);
		m = vm_page_alloc_contig(npages, low, high, alignment,
		    boundary);
		if (m != NULL || (flags & M_WAITOK) == 0 ||
		    tries == CONTIG_OLD_TRIES)
			return (m);
		uma_reclaim();
		contig_old_pageout(vm_cnt.v_free_target + 2 * npages, st);
	}
}

/* kernel_map space for the run; 0 when there is none (or a test says). */
static vm_offset_t
contig_kva(u_long npages)
{
	int n;

	while ((n = vm_contig_fail_kva) > 0)
		if (atomic_cmpset_int((volatile u_int *)&vm_contig_fail_kva,
		    n, n - 1))
			return (0);
	return (kmem_alloc_nofault(kernel_map, ptoa(npages)));
}

void *
contigmalloc(unsigned long size, struct malloc_type *type, int flags,
    vm_paddr_t low, vm_paddr_t high, unsigned long alignment,
    vm_paddr_t boundary)
{
	struct vm_contig_stats *st;
	vm_offset_t va;
	vm_page_t m;
	u_long npages, i;
	int old;

	if (size == 0)
		panic("contigmalloc: size must not be 0");
	if (alignment == 0 || !powerof2(alignment))
		panic("contigmalloc: alignment %#lx must be a power of 2",
		    alignment);
	if (!powerof2(boundary))
		panic("contigmalloc: boundary %#lx must be a power of 2",
		    (u_long)boundary);
	if (alignment < PAGE_SIZE)
		alignment = PAGE_SIZE;
	old = vm_old_contigmalloc;	/* once: it may change meanwhile */
	st = &vm_contig_stats[old ? CONTIG_OLD : CONTIG_NEW];
	atomic_add_long(&st->cs_requests, 1);
	npages = atop(round_page(size));
	if (npages > vm_cnt.v_page_count)
		m = NULL;
	else if (old)
		m = contig_old(npages, flags, low, high, alignment, boundary,
		    st);
	else
		m = contig_new(npages, flags, low, high, alignment, boundary,
		    st);
	if (m == NULL)
		goto fail;
	if ((va = contig_kva(npages)) == 0) {
		vm_page_release_contig(m, npages);
		goto fail;
	}
	for (i = 0; i < npages; i++)
		pmap_kenter(va + ptoa(i), VM_PAGE_TO_PHYS(&m[i]));
	if ((flags & M_ZERO) != 0)
		bzero((void *)va, ptoa(npages));
	malloc_type_allocated(type, ptoa(npages));
	atomic_add_long(&st->cs_successes, 1);
	return ((void *)va);
fail:
	atomic_add_long(&st->cs_failures, 1);
	return (NULL);
}

void
contigfree(void *addr, unsigned long size, struct malloc_type *type)
{
	vm_offset_t va = (vm_offset_t)addr;
	vm_paddr_t pa;
	u_long npages;

	npages = atop(round_page(size));
	pa = pmap_kextract(va);
	KASSERT(pa != 0, ("contigfree: %p is not mapped", addr));
	pmap_qremove(va, npages);	/* one ranged shootdown */
	kmem_free_nofault(kernel_map, va, ptoa(npages));
	vm_page_release_contig(PHYS_TO_VM_PAGE(pa), npages);
	malloc_type_freed(type, ptoa(npages));
}
