/*
 * UMA and the page layer's low-memory event: when free pages fall below
 * v_free_min, the "uma" thread runs uma_reclaim() and the empty slabs of
 * every zone go back to the page layer.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_page.h>
#include <vm/uma.h>

#define	NITEMS	4000

static u_int
reclaims(void)
{
	u_int n = 0;
	size_t len = sizeof(n);

	if (kernel_sysctlbyname("vm.uma_reclaims", &n, &len, NULL, 0) != 0)
		return (~0u);
	return (n);
}

KTEST(uma_lowmem, lowmem_event_runs_reclaim)
{
	static void *items[NITEMS];
	struct uma_zone_stat zs;
	uma_zone_t zone;
	vm_paddr_t head = 0, pa, next;
	vm_page_t m;
	u_int before;
	int i, waited;

	zone = uma_zcreate("test lowmem", 256, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	for (i = 0; i < NITEMS; i++) {
		items[i] = uma_zalloc(zone, M_WAITOK);
		KT_ASSERT_NOT_NULL(items[i]);
	}
	for (i = 0; i < NITEMS; i++)
		uma_zfree(zone, items[i]);
	uma_zone_stat(zone, &zs);
	KT_ASSERT_GT(zs.zs_pages, 0);
	KT_ASSERT_EQ(zs.zs_used, 0);
	before = reclaims();
	KT_ASSERT_NE(before, ~0u);

	/* Take pages until the page layer refuses: that fires lowmem. */
	while ((m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL)) != NULL) {
		*(vm_paddr_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)) = head;
		head = VM_PAGE_TO_PHYS(m);
	}
	KT_EXPECT_LT(vm_cnt.v_free_count, vm_cnt.v_free_min);
	for (waited = 0; waited < 200 && reclaims() == before; waited++)
		pause("lowmem", hz / 100 + 1);
	/* The reclaim gave the zone's slabs back while we held the rest. */
	uma_zone_stat(zone, &zs);
	for (pa = head; pa != 0; pa = next) {
		next = *(vm_paddr_t *)PHYS_TO_DMAP(pa);
		vm_page_free(PHYS_TO_VM_PAGE(pa));
	}
	KT_EXPECT_GT(reclaims(), before);
	KT_EXPECT_EQ(zs.zs_pages, 0);
	KT_EXPECT_EQ(zs.zs_cached, 0);
	uma_zdestroy(zone);
}
