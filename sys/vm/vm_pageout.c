/*
 * The page daemon.
 *
 * A kernel thread, "pagedaemon", sleeps until free pages fall below
 * vm.pageout_wakeup_thresh (10% above v_free_min), an allocation must
 * wait (vm_wait), or a tenth of a second passes with the inactive queue
 * short.  Each pass, until v_free_target pages are free or a pass makes
 * no progress:
 *   1. the inactive queue, oldest first: clean pages are freed, dirty
 *      ones go to the laundry queue;
 *   2. the laundry queue: dirty pages are written to swap in clusters of
 *      up to SWB_NPAGES neighbours of one object (vm_pageout_flush_page)
 *      and, clean, go back to the inactive queue for step 1;
 *   3. the active queue, oldest first: pages are unmapped (runs of
 *      neighbours with one TLB shootdown) and deactivated, so that the
 *      inactive queue holds v_inactive_target pages; a deactivated page
 *      that is touched again faults and is reactivated (v_reactivated),
 *      which is how the daemon learns a page is in use.
 * Below v_free_min, or with threads waiting, a pass fires the low-memory
 * event first, so UMA gives back its cached items and empty slabs.
 * Busy, held and wired pages are never taken.  Pages being written stay
 * on their queue, busy, so that the queue counts always add up.  When
 * dirty pages cannot be written (no swap, or swap full) and the target is
 * missed, the daemon says so at most once a second.
 *
 * The daemon takes object locks with trylock while holding the page
 * queue lock (the order is object first), and skips the page when that
 * fails.  Scans are serialized by vm_pageout_scan_mtx.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_pageout.h>
#include <vm/swap_pager.h>

static struct thread	*pagedaemon_td;
static volatile u_int	vm_pageout_wanted;
static volatile u_int	vm_pages_needed;	/* threads in vm_wait */
static struct mtx	vm_pageout_scan_mtx;
static int		vm_pageout_oom_tick;	/* last "out of swap" */
static int		vm_pageout_oom_said;	/* ... and there was one */
static int		vm_pageout_nospace;	/* this pass: no swap */

void
vm_pageout_wakeup(void)
{
	if (pagedaemon_td == NULL || vm_pageout_wanted)
		return;
	vm_pageout_wanted = 1;
	wakeup(__DEVOLATILE(void *, &vm_pageout_wanted));
}

int
vm_pageout_curthread(void)
{
	return (curthread == pagedaemon_td);
}

void
vm_wait(void)
{
	if (pagedaemon_td == NULL || curthread == pagedaemon_td || cold) {
		vm_lowmem_fire();
		pause("vmwait", hz / 100 + 1);
		return;
	}
	atomic_add_int(&vm_pages_needed, 1);
	vm_pageout_wakeup();
	tsleep(__DEVOLATILE(void *, &vm_cnt.v_free_count), 0, "vmwait", hz / 10 + 1);
	atomic_subtract_int(&vm_pages_needed, 1);
}

/*
 * Take the first page of queue q with its object locked, or NULL.  A page
 * whose object is busy elsewhere goes to the tail; *budget counts pages
 * looked at.
 */
static vm_page_t
vm_pageout_next(int q, int *budget)
{
	struct vm_pagequeue *pq = &vm_pagequeues[q];
	vm_object_t obj;
	vm_page_t m;

	vm_page_lock_queues();
	while (*budget > 0 && (m = TAILQ_FIRST(&pq->pq_pl)) != NULL) {
		(*budget)--;
		vm_cnt.v_pdpages++;
		obj = vm_page_object(m);
		if (VM_OBJECT_TRYLOCK(obj)) {
			vm_page_unlock_queues();
			return (m);
		}
		vm_page_requeue_locked(m, q);
	}
	vm_page_unlock_queues();
	return (NULL);
}

/* May the daemon take m (object locked) now? */
static int
vm_pageout_movable(vm_page_t m, int q)
{
	return (m->queue == q && !m->busy && m->hold_count == 0 &&
	    m->wire_count == 0);
}

void
vm_pageout_skip(vm_page_t m, int q)
{
	if (m->queue != q)
		return;
	vm_page_lock_queues();
	vm_page_requeue_locked(m, q);
	vm_page_unlock_queues();
}

/* Is m (object locked) a page a laundering cluster may take? */
static int
vm_pageout_clusterable(vm_page_t m)
{
	return (m != NULL && m->dirty && !m->busy && m->hold_count == 0 &&
	    m->wire_count == 0 &&
	    (m->queue == PQ_INACTIVE || m->queue == PQ_LAUNDRY));
}

int
vm_pageout_flush_page(vm_page_t m, int take)
{
	vm_page_t ma[SWB_NPAGES];
	vm_object_t obj = vm_page_object(m);
	vm_pindex_t pi = vm_page_pindex(m), lo, hi;
	int error, i, n;

	VM_OBJECT_ASSERT_LOCKED(obj);
	KASSERT(m->dirty && !m->busy && m->wire_count == 0,
	    ("vm_pageout_flush_page: page %#lx is clean, busy or wired",
	    m->phys_addr));
	/* A run of dirty unmapped neighbours around m. */
	lo = hi = pi;
	while (hi - lo + 1 < SWB_NPAGES && hi + 1 < obj->size &&
	    vm_pageout_clusterable(obj->pages[hi + 1]))
		hi++;
	while (hi - lo + 1 < SWB_NPAGES && lo > 0 &&
	    vm_pageout_clusterable(obj->pages[lo - 1]))
		lo--;
	n = hi - lo + 1;
	for (i = 0; i < n; i++) {
		ma[i] = obj->pages[lo + i];
		vm_page_xbusy(ma[i]);	/* stays on its queue: scans skip it */
	}
	VM_OBJECT_UNLOCK(obj);
	error = swap_pager_putpages(obj, ma, n);
	VM_OBJECT_LOCK(obj);
	for (i = 0; i < n; i++) {
		vm_page_xunbusy(ma[i]);
		if (ma[i]->dirty)
			vm_page_launder(ma[i]);
		else if (ma[i] != m || !take)
			vm_page_deactivate(ma[i]);
	}
	/* m's own fate decides: its neighbours may have fared otherwise. */
	if (!m->dirty)
		return (0);
	return (error != 0 ? error : ENOMEM);	/* ENOMEM: no swap metadata */
}

/* Step 1: free clean inactive pages, send dirty ones to the laundry. */
static int
vm_pageout_scan_inactive(int shortage)
{
	vm_object_t obj;
	vm_page_t m;
	int budget = vm_cnt.v_inactive_count, freed = 0;

	while (freed < shortage &&
	    (m = vm_pageout_next(PQ_INACTIVE, &budget)) != NULL) {
		obj = vm_page_object(m);
		if (!vm_pageout_movable(m, PQ_INACTIVE))
			vm_pageout_skip(m, PQ_INACTIVE);
		else if (m->dirty)
			vm_page_launder(m);
		else {
			vm_page_free(m);
			atomic_add_int(&vm_cnt.v_dfree, 1);
			freed++;
		}
		VM_OBJECT_UNLOCK(obj);
	}
	return (freed);
}

/* Step 2: write laundry to swap; pages written, or -1 for no swap. */
static int
vm_pageout_launder(int shortage)
{
	vm_object_t obj;
	vm_page_t m;
	int budget = vm_cnt.v_laundry_count, written = 0, before, error;

	while (written < shortage &&
	    (m = vm_pageout_next(PQ_LAUNDRY, &budget)) != NULL) {
		obj = vm_page_object(m);
		if (!vm_pageout_movable(m, PQ_LAUNDRY) || !m->dirty) {
			if (vm_pageout_movable(m, PQ_LAUNDRY))
				vm_page_deactivate(m);	/* clean: to step 1 */
			else
				vm_pageout_skip(m, PQ_LAUNDRY);
			VM_OBJECT_UNLOCK(obj);
			continue;
		}
		before = vm_cnt.v_swappgsout;
		error = vm_pageout_flush_page(m, 0);
		VM_OBJECT_UNLOCK(obj);
		if (error == ENOSPC) {
			vm_pageout_nospace = 1;
			break;
		}
		written += vm_cnt.v_swappgsout - before;
	}
	return (written);
}

/* Step 3: unmap and deactivate active pages, in runs of neighbours. */
static void
vm_pageout_scan_active(int count)
{
	vm_object_t obj;
	vm_pindex_t pi;
	vm_page_t m, r;
	int budget = vm_cnt.v_active_count, i, n;

	while (count > 0 &&
	    (m = vm_pageout_next(PQ_ACTIVE, &budget)) != NULL) {
		obj = vm_page_object(m);
		if (!vm_pageout_movable(m, PQ_ACTIVE)) {
			vm_pageout_skip(m, PQ_ACTIVE);
			VM_OBJECT_UNLOCK(obj);
			continue;
		}
		pi = vm_page_pindex(m);
		for (n = 1; n < SWB_NPAGES && n < count && pi + n < obj->size;
		    n++) {
			r = obj->pages[pi + n];
			if (r == NULL || !vm_pageout_movable(r, PQ_ACTIVE))
				break;
		}
		if (obj->kva != 0)
			pmap_qremove(obj->kva + ptoa(pi), n);
		for (i = 0; i < n; i++)
			vm_page_deactivate(obj->pages[pi + i]);
		count -= n;
		VM_OBJECT_UNLOCK(obj);
	}
}

static int
vm_pageout_shortage(void)
{
	int s;

	s = (int)vm_cnt.v_free_target - (int)vm_cnt.v_free_count;
	if (vm_pages_needed != 0 && s < (int)SWB_NPAGES)
		s = SWB_NPAGES;
	return (s);
}

/* Passes until the free target is met or a pass does nothing. */
static void
vm_pageout_scan(void)
{
	int deficit, pass, progress, shortage;

	mtx_lock(&vm_pageout_scan_mtx);
	vm_pageout_nospace = 0;
	for (pass = 0; pass < 8; pass++) {
		shortage = vm_pageout_shortage();
		if (vm_cnt.v_free_count < vm_cnt.v_free_min ||
		    vm_pages_needed != 0)
			vm_lowmem_fire();
		progress = 0;
		if (shortage > 0) {
			progress += vm_pageout_scan_inactive(shortage);
			shortage = vm_pageout_shortage();
		}
		if (shortage > 0)
			progress += vm_pageout_launder(shortage);
		deficit = (int)vm_cnt.v_inactive_target -
		    (int)(vm_cnt.v_inactive_count + vm_cnt.v_laundry_count);
		if (shortage > deficit)
			deficit = shortage;
		if (deficit > 0) {
			vm_pageout_scan_active(deficit);
			progress++;
		}
		if (vm_pageout_shortage() <= 0 || progress == 0)
			break;
	}
	if (vm_pageout_shortage() > 0) {
		vm_cnt.v_pdshortfalls++;
		if (vm_pageout_nospace && (!vm_pageout_oom_said ||
		    ticks - vm_pageout_oom_tick >= hz)) {
			vm_pageout_oom_said = 1;
			vm_pageout_oom_tick = ticks;
			printf("pagedaemon: out of swap space: %u dirty pages "
			    "cannot be paged out (%u free, target %u)\n",
			    vm_cnt.v_laundry_count, vm_cnt.v_free_count,
			    vm_cnt.v_free_target);
		}
	}
	mtx_unlock(&vm_pageout_scan_mtx);
	wakeup(__DEVOLATILE(void *, &vm_cnt.v_free_count));
}

void
vm_pageout_scan_once(void)
{
	vm_pageout_scan();
}

static void
vm_pageout(void *arg __unused)
{
	for (;;) {
		if (!vm_pageout_wanted && !vm_paging_needed() &&
		    vm_pages_needed == 0)
			tsleep(__DEVOLATILE(void *, &vm_pageout_wanted), 0,
			    "psleep", hz / 10 + 1);
		vm_pageout_wanted = 0;
		if (!vm_paging_needed() && vm_pages_needed == 0 &&
		    vm_cnt.v_inactive_count + vm_cnt.v_laundry_count >=
		    vm_cnt.v_inactive_target / 2)
			continue;
		if (vm_cnt.v_active_count + vm_cnt.v_inactive_count +
		    vm_cnt.v_laundry_count == 0 && !vm_paging_needed() &&
		    vm_pages_needed == 0)
			continue;
		atomic_add_int(&vm_cnt.v_pdwakeups, 1);
		vm_pageout_scan();
	}
}

static void
vm_pageout_init(void *dummy __unused)
{
	mtx_init(&vm_pageout_scan_mtx, "pagedaemon scan", NULL, MTX_DEF);
	if (kthread_add(vm_pageout, NULL, NULL, &pagedaemon_td, 0, 0,
	    "pagedaemon") != 0)
		panic("vm_pageout_init: cannot start the page daemon");
}
SYSINIT(pagedaemon, SI_SUB_KTHREAD_PAGE, SI_ORDER_FIRST, vm_pageout_init,
    NULL);
