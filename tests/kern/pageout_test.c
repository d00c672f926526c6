/*
 * The page daemon under real pressure (this suite boots with swap on a
 * memory disk, and on virtio-blk, see tests/plan.txt): two threads fill
 * pageable memory beyond RAM (twice the free RAM on md0, five times on
 * vtbd0) with per-page patterns and read all of it back; wired pages stay where they are; malloc(M_WAITOK) waits for the
 * daemon and succeeds, with UMA reclaiming; at the end nothing is left.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/kthread.h>
#include <sys/sched.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <vm/vm.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>
#include <vm/uma.h>

#include "vm_testutil.h"

#define	NWORKERS	2
#define	NWIRED		16

static struct {
	vm_offset_t	va;
	u_long		npages;		/* per worker */
	volatile u_int	done;
	u_long		bad[NWORKERS];
	u_long		first_bad[NWORKERS];
} po;

static void
po_worker(void *arg)
{
	int w = (int)(uintptr_t)arg;
	vm_offset_t base = po.va + ptoa(po.npages) * w, p, end;
	uint64_t *q;
	u_int i;

	end = base + ptoa(po.npages);
	for (p = base; p < end; p += PAGE_SIZE) {
		q = (uint64_t *)p;
		for (i = 0; i < PAGE_SIZE / sizeof(*q); i++)
			q[i] = vmt_pattern(p + i * sizeof(*q), w + 100);
	}
	for (p = base; p < end; p += PAGE_SIZE) {
		q = (uint64_t *)p;
		for (i = 0; i < PAGE_SIZE / sizeof(*q); i++)
			if (q[i] != vmt_pattern(p + i * sizeof(*q), w + 100)) {
				if (po.bad[w]++ == 0)
					po.first_bad[w] = p + i * sizeof(*q);
			}
	}
	atomic_add_int(&po.done, 1);
	wakeup(__DEVOLATILE(void *, &po.done));
	kthread_exit();
}

static u_int
uma_reclaims(void)
{
	u_int n = 0;
	size_t len = sizeof(n);

	(void)kernel_sysctlbyname("vm.uma_reclaims", &n, &len, NULL, 0);
	return (n);
}

/*
 * A page being written to swap stays on its queue, busy: the queue
 * counts plus free and wired add up to v_page_count while a cluster's
 * write is in flight (a test that reads the counts then, as the daemon's
 * own checks and the fill test below do, would otherwise find the
 * cluster missing).  A thread writes a cluster of SWB_NPAGES dirty
 * inactive pages; this thread reads the counts, under the queue lock,
 * while the cluster's last page is busy before and after the read.
 */
static struct {
	vm_offset_t	va;
	volatile u_int	done;
} pw;

static void
pw_writer(void *arg __unused)
{
	(void)vmt_page_out(pw.va);
	pw.done = 1;
	kthread_exit();
}

/* vmt_pages_counted() with no page between two queues. */
static u_int
pw_counted(void)
{
	u_int sum;

	vm_page_lock_queues();
	sum = vmt_pages_counted();
	vm_page_unlock_queues();
	return (sum);
}

KTEST(pageout, page_counts_add_up_while_a_cluster_is_written)
{
	vm_object_t obj;
	vm_pindex_t pi;
	vm_page_t last;
	u_long used, total;
	u_int windows, bad, sum, tries, i, out0, short0 = 0;

	swap_pager_status(&used, &total);
	if (total == 0)
		KT_SKIP("no swap device");
	pw.va = kmem_alloc_pageable(pageable_map, ptoa(SWB_NPAGES));
	KT_ASSERT_NE(pw.va, 0);
	for (i = 0; i < SWB_NPAGES; i++)
		*(uint64_t *)(pw.va + ptoa(i)) = vmt_pattern(pw.va, i);
	for (i = 0; i < SWB_NPAGES; i++)
		vmt_deactivate(pw.va + ptoa(i));
	KT_ASSERT_EQ(vm_map_lookup(pageable_map, pw.va, &obj, &pi),
	    KERN_SUCCESS);
	VM_OBJECT_LOCK(obj);
	last = vm_page_lookup(obj, pi + SWB_NPAGES - 1);
	VM_OBJECT_UNLOCK(obj);
	KT_ASSERT(last != NULL && last->dirty && last->queue == PQ_INACTIVE);
	out0 = vm_cnt.v_swappgsout;
	pw.done = 0;
	KT_ASSERT_EQ(kthread_add(pw_writer, NULL, NULL, NULL, 0, 0, "pwrite"),
	    0);
	windows = bad = 0;
	while (!pw.done) {
		if (!last->busy) {
			sched_yield();
			continue;
		}
		/* Other CPUs' allocations may move free/wired: read again. */
		for (tries = 0; tries < 4; tries++)
			if ((sum = pw_counted()) == vm_cnt.v_page_count)
				break;
		if (!last->busy)
			continue;
		windows++;
		if (tries == 4 && bad++ == 0)
			short0 = vm_cnt.v_page_count - sum;
	}
	printf("# %u reads during the write, %u short (first by %u "
	    "pages)\n", windows, bad, short0);
	KT_EXPECT_GE(vm_cnt.v_swappgsout - out0, SWB_NPAGES);
	KT_EXPECT_GT(windows, 0);
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "after the write"));
	/* Written and clean: back on the inactive queue, not busy. */
	VM_OBJECT_LOCK(obj);
	KT_EXPECT(!last->busy && !last->dirty && last->queue == PQ_INACTIVE);
	VM_OBJECT_UNLOCK(obj);
	vm_object_deallocate(obj);
	for (i = 0; i < SWB_NPAGES; i++)
		KT_EXPECT_EQ(*(uint64_t *)(pw.va + ptoa(i)),
		    vmt_pattern(pw.va, i));
	kmem_free_pageable(pageable_map, pw.va, ptoa(SWB_NPAGES));
}

KTEST(pageout, fill_beyond_ram_from_two_cpus)
{
	vm_offset_t wired, p;
	vm_paddr_t wpa[NWIRED];
	u_long used, total, npages;
	u_int out0, in0, wake0, dfree0, objs0, free0, reclaims0;
	static void *items[64];
	uma_zone_t zone;
	vm_page_t held, m;
	void *blocks;
	u_int n;
	int i, k, w;
	vm_size_t size;

	swap_pager_status(&used, &total);
	if (total == 0)
		KT_SKIP("no swap device");
	uma_reclaim();
	free0 = vm_cnt.v_free_count;
	objs0 = vm_object_count();
	out0 = vm_cnt.v_swappgsout;
	in0 = vm_cnt.v_swappgsin;
	wake0 = vm_cnt.v_pdwakeups;
	dfree0 = vm_cnt.v_dfree;

	/* A wired range, set up before the pressure. */
	wired = kmem_alloc_pageable(pageable_map, ptoa(NWIRED));
	KT_ASSERT_NE(wired, 0);
	KT_ASSERT_EQ(vm_map_wire(pageable_map, wired, wired + ptoa(NWIRED)),
	    KERN_SUCCESS);
	for (i = 0; i < NWIRED; i++) {
		p = wired + ptoa(i);
		*(uint64_t *)p = vmt_pattern(p, 5);
		wpa[i] = pmap_kextract(p);
	}

	/*
	 * Twice the free memory on a memory disk (its swap takes RAM), five
	 * times on a real disk; within what swap can take either way.
	 */
	k = strncmp(swap_device_name(), "md", 2) == 0 ? 1 : 4;
	npages = vm_cnt.v_free_count + MIN((total - used) * 3 / 4,
	    (u_long)k * vm_cnt.v_free_count);
	npages = rounddown(npages, NWORKERS);
	size = ptoa(npages);
	po.va = kmem_alloc_pageable(pageable_map, size);
	KT_ASSERT_NE(po.va, 0);
	po.npages = npages / NWORKERS;
	po.done = 0;
	for (w = 0; w < NWORKERS; w++) {
		po.bad[w] = 0;
		KT_ASSERT_EQ(kthread_add(po_worker, (void *)(uintptr_t)w, NULL,
		    NULL, 0, 0, "pofill%d", w), 0);
	}
	while (po.done < NWORKERS)
		tsleep(__DEVOLATILE(void *, &po.done), 0, "powait", hz);
	for (w = 0; w < NWORKERS; w++)
		if (po.bad[w] != 0)
			KT_FAIL("worker %d: %lu words lost, first at %#lx", w,
			    po.bad[w], po.first_bad[w]);
	printf("# %lu pages filled (%lu free at the start): %u out, %u in, "
	    "%u daemon wakeups, %u freed by it\n", npages, (u_long)free0,
	    vm_cnt.v_swappgsout - out0, vm_cnt.v_swappgsin - in0,
	    vm_cnt.v_pdwakeups - wake0, vm_cnt.v_dfree - dfree0);
	KT_EXPECT_GT(vm_cnt.v_swappgsout - out0, npages / 4);
	KT_EXPECT_GT(vm_cnt.v_swappgsin - in0, npages / 4);
	KT_EXPECT_GT(vm_cnt.v_pdwakeups, wake0);
	KT_EXPECT_GT(vm_cnt.v_dfree, dfree0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "after the fill"));

	/* The wired pages never moved. */
	for (i = 0; i < NWIRED; i++) {
		p = wired + ptoa(i);
		KT_EXPECT_EQ(pmap_kextract(p), wpa[i]);
		KT_EXPECT_EQ(*(uint64_t *)p, vmt_pattern(p, 5));
	}

	/*
	 * malloc(M_WAITOK) with no page free: it waits for the daemon to
	 * free pageable pages, and the low-memory event makes UMA give
	 * back its caches.
	 */
	reclaims0 = uma_reclaims();
	dfree0 = vm_cnt.v_dfree;
	held = NULL;
	for (n = vm_cnt.v_free_count; n > 0; n--) {
		if ((m = vm_page_alloc(NULL, 0, VM_ALLOC_INTERRUPT)) == NULL)
			break;
		*(vm_page_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)) = held;
		held = m;
	}
	blocks = malloc(ptoa(64), M_TEMP, M_WAITOK);
	KT_EXPECT_NOT_NULL(blocks);
	memset(blocks, 0x5a, ptoa(64));
	/* A zone's M_WAITOK needs new slabs: it waits and succeeds too. */
	zone = uma_zcreate("test pressure", PAGE_SIZE, NULL, NULL, NULL,
	    NULL, UMA_ALIGN_PTR, 0);
	for (i = 0; i < 64; i++) {
		items[i] = uma_zalloc(zone, M_WAITOK);
		KT_EXPECT_NOT_NULL(items[i]);
	}
	for (i = 0; i < 64; i++)
		uma_zfree(zone, items[i]);
	uma_zdestroy(zone);
	KT_EXPECT_GT(vm_cnt.v_dfree, dfree0);
	/* The "uma" thread reclaims on its own time. */
	for (i = 0; i < 500 && uma_reclaims() == reclaims0; i++)
		pause("porecl", 1);
	KT_EXPECT_GT(uma_reclaims(), reclaims0);
	free(blocks, M_TEMP);
	while ((m = held) != NULL) {
		held = *(vm_page_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
		vm_page_free(m);
	}

	/* Everything back: the data once more, then no leak. */
	for (w = 0; w < NWORKERS; w++)
		for (p = po.va + ptoa(po.npages) * w;
		    p < po.va + ptoa(po.npages) * (w + 1); p += PAGE_SIZE)
			if (*(uint64_t *)(p + 64) !=
			    vmt_pattern(p + 64, w + 100))
				KT_FAIL("page %#lx lost after malloc", p);
	kmem_free_pageable(pageable_map, po.va, size);
	KT_EXPECT_EQ(vm_map_unwire(pageable_map, wired, wired +
	    ptoa(NWIRED)), KERN_SUCCESS);
	kmem_free_pageable(pageable_map, wired, ptoa(NWIRED));
	swap_pager_status(&used, &total);
	KT_EXPECT_EQ(used, 0);
	KT_EXPECT_EQ(vm_object_count(), objs0);
	KT_EXPECT_EQ(vm_cnt.v_active_count + vm_cnt.v_inactive_count +
	    vm_cnt.v_laundry_count, 0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "the end"));
	uma_reclaim();
	/* Less the page-table pages for the range (the pmap keeps them). */
	KT_EXPECT_GE(vm_cnt.v_free_count + 64 + npages / 512 + 2, free0);
}
