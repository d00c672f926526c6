/*
 * A swap device too small for the dirty memory (tests/plan.txt boots
 * it with a 2M disk): with free memory
 * held down, a thread dirties more pageable memory than swap and RAM
 * can take; swap fills, the daemon reports the shortfall and the thread
 * waits instead of anything being lost; when memory comes back, the
 * thread finishes and every word is intact.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/kthread.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <vm/vm.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>
#include <vm/uma.h>

#include "vm_testutil.h"

#define	FREE_LEFT	1500	/* pages left free by the ballast */

static struct {
	vm_offset_t	va;
	u_long		npages;
	u_long		bad;
	volatile u_int	filled;
	volatile u_int	done;
} sf;

static void
sf_worker(void *arg __unused)
{
	vm_offset_t p;

	for (p = sf.va; p < sf.va + ptoa(sf.npages); p += PAGE_SIZE)
		*(uint64_t *)p = vmt_pattern(p, 23);
	sf.filled = 1;
	for (p = sf.va; p < sf.va + ptoa(sf.npages); p += PAGE_SIZE)
		if (*(uint64_t *)p != vmt_pattern(p, 23))
			sf.bad++;
	sf.done = 1;
	kthread_exit();
}

KTEST(swap_full, fills_reports_and_survives)
{
	vm_page_t held = NULL, m;
	u_long used, total;
	u_int short0;
	int i;

	swap_pager_status(&used, &total);
	if (total == 0 || total > 4096)
		KT_SKIP("needs a small swap device (have %lu pages)", total);
	uma_reclaim();
	while (vm_cnt.v_free_count > FREE_LEFT &&
	    (m = vm_page_alloc(NULL, 0, VM_ALLOC_INTERRUPT)) != NULL) {
		*(vm_page_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)) = held;
		held = m;
	}
	short0 = vm_cnt.v_pdshortfalls;
	sf.npages = FREE_LEFT + total + 500;
	sf.va = kmem_alloc_pageable(pageable_map, ptoa(sf.npages));
	KT_ASSERT_NE(sf.va, 0);
	KT_ASSERT_EQ(kthread_add(sf_worker, NULL, NULL, NULL, 0, 0, "swfill"),
	    0);
	for (i = 0; i < 600 && !sf.done; i++) {
		swap_pager_status(&used, &total);
		if (used == total && vm_cnt.v_pdshortfalls > short0 + 2)
			break;
		pause("swfull", hz / 10);
	}
	printf("# swap %lu/%lu, free %u, active %u, inactive %u, laundry %u, "
	    "out %u, shortfalls %u\n", used, total, vm_cnt.v_free_count,
	    vm_cnt.v_active_count, vm_cnt.v_inactive_count,
	    vm_cnt.v_laundry_count, vm_cnt.v_swappgsout,
	    vm_cnt.v_pdshortfalls - short0);
	/* Swap is full, the daemon said so, and the writer waits. */
	KT_EXPECT(!sf.filled);
	KT_EXPECT_EQ(used, total);
	KT_EXPECT_GT(vm_cnt.v_pdshortfalls, short0 + 2);
	KT_EXPECT(vmt_counts_ok(kt, 0, "swap full"));
	/* Memory comes back: the writer finishes, nothing lost. */
	while ((m = held) != NULL) {
		held = *(vm_page_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
		vm_page_free(m);
	}
	for (i = 0; i < 1200 && !sf.done; i++)
		pause("swdone", hz / 10);
	KT_ASSERT(sf.done);
	KT_EXPECT_EQ(sf.bad, 0);
	kmem_free_pageable(pageable_map, sf.va, ptoa(sf.npages));
	swap_pager_status(&used, &total);
	KT_EXPECT_EQ(used, 0);
}
