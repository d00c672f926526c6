/*
 * Helpers shared by the pageable-memory suites (vm_object, pageout, swap).
 */
#ifndef _TESTS_KERN_VM_TESTUTIL_H_
#define	_TESTS_KERN_VM_TESTUTIL_H_

#include <sys/ktest.h>
#include <sys/vmmeter.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_pageout.h>

/* Pages counted free, wired or on a queue: v_page_count when all are. */
static __inline u_int
vmt_pages_counted(void)
{
	return (vm_cnt.v_free_count + vm_cnt.v_wire_count +
	    vm_cnt.v_active_count + vm_cnt.v_inactive_count +
	    vm_cnt.v_laundry_count);
}

/*
 * The page-count invariant: each queue's length is its counter (checked
 * under the queue lock), and free + wired + active + inactive + laundry +
 * offq (pages the caller holds off the queues) is v_page_count.  The sum
 * is read again a few times while other threads may hold pages off the
 * queues (a fault between allocating a page and queueing it; pages being
 * written to swap stay on their queues).  1 if it holds, else 0 with a
 * failure.
 */
static __unused int
vmt_counts_ok(struct ktest_ctx *kt, u_int offq, const char *where)
{
	struct vm_pagequeue *pq;
	u_int n, sum, q, tries;
	vm_page_t m;

	vm_page_lock_queues();
	for (q = PQ_INACTIVE; q < PQ_COUNT; q++) {
		pq = &vm_pagequeues[q];
		n = 0;
		TAILQ_FOREACH(m, &pq->pq_pl, pageq) {
			n++;
			if (m->queue != q || m->owner != VPO_OBJECT ||
			    m->wire_count != 0)
				break;
		}
		if (m != NULL || n != *pq->pq_cnt) {
			vm_page_unlock_queues();
			ktest_fail(kt, __FILE__, __LINE__, "%s: queue %s: "
			    "%u pages walked, counter %u%s", where,
			    pq->pq_name, n, *pq->pq_cnt, m != NULL ?
			    ", a page of another queue or wired on it" : "");
			return (0);
		}
	}
	vm_page_unlock_queues();
	for (tries = 0;; tries++) {
		sum = vmt_pages_counted() + offq;
		if (sum == vm_cnt.v_page_count)
			return (1);
		if (tries == 50)
			break;
		pause("vmtcnt", 1);
	}
	ktest_fail(kt, __FILE__, __LINE__, "%s: free %u + wired %u + active "
	    "%u + inactive %u + laundry %u + held %u = %u, not v_page_count "
	    "%u", where, vm_cnt.v_free_count, vm_cnt.v_wire_count,
	    vm_cnt.v_active_count, vm_cnt.v_inactive_count,
	    vm_cnt.v_laundry_count, offq, sum, vm_cnt.v_page_count);
	return (0);
}

/*
 * Page out the page behind va of pageable memory now, as the daemon
 * would: unmap, write it to swap if dirty (its cluster with it), free.
 * 0, or the write's errno (the page then stays resident and dirty).
 */
static __unused int
vmt_page_out(vm_offset_t va)
{
	vm_object_t obj;
	vm_pindex_t pi;
	vm_page_t m;
	int error = 0;

	if (vm_map_lookup(pageable_map, va, &obj, &pi) != KERN_SUCCESS)
		return (EFAULT);
	VM_OBJECT_LOCK(obj);
	while ((m = vm_page_lookup(obj, pi)) != NULL && m->busy)
		vm_page_busy_sleep(m, "vmtout");
	if (m != NULL && m->wire_count == 0) {
		pmap_kremove(trunc_page(va));
		vm_page_deactivate(m);
		if (m->dirty)
			error = vm_pageout_flush_page(m, 1);
		if (error == 0)
			vm_page_free(m);
	}
	VM_OBJECT_UNLOCK(obj);
	vm_object_deallocate(obj);
	return (error);
}

/* Unmap and deactivate the page behind va, as the daemon's aging does. */
static __unused void
vmt_deactivate(vm_offset_t va)
{
	vm_object_t obj;
	vm_pindex_t pi;
	vm_page_t m;

	if (vm_map_lookup(pageable_map, va, &obj, &pi) != KERN_SUCCESS)
		return;
	VM_OBJECT_LOCK(obj);
	m = vm_page_lookup(obj, pi);
	if (m != NULL && !m->busy && m->wire_count == 0) {
		pmap_kremove(trunc_page(va));
		vm_page_deactivate(m);
	}
	VM_OBJECT_UNLOCK(obj);
	vm_object_deallocate(obj);
}

/* Is the page behind va resident (in its object)? */
static __unused int
vmt_resident(vm_offset_t va)
{
	vm_object_t obj;
	vm_pindex_t pi;
	int r;

	if (vm_map_lookup(pageable_map, va, &obj, &pi) != KERN_SUCCESS)
		return (0);
	VM_OBJECT_LOCK(obj);
	r = vm_page_lookup(obj, pi) != NULL;
	VM_OBJECT_UNLOCK(obj);
	vm_object_deallocate(obj);
	return (r);
}

/* A word that depends on the page, the word and a seed. */
static __inline uint64_t
vmt_pattern(vm_offset_t va, u_int seed)
{
	uint64_t x = (va >> 3) * 0x9e3779b97f4a7c15ULL + seed;

	return (x ^ (x >> 29));
}

#endif /* !_TESTS_KERN_VM_TESTUTIL_H_ */
