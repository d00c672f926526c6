/*
 * VM objects and page queues: objects from "VM OBJECT" with references,
 * pages by index, a page through every state with the counters adding
 * up to v_page_count after each step, the paging targets (FreeBSD's
 * formulas, refused sysctl writes), and pageable memory with no swap
 * device (this suite boots without a disk).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <vm/vm.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>
#include <vm/uma.h>

#include "vm_testutil.h"

struct zone_find {
	const char	*name;
	uint64_t	used;
	int		found;
};

static void
zone_find_cb(uma_zone_t z, void *arg)
{
	struct zone_find *zf = arg;
	struct uma_zone_stat zs;

	if (strcmp(uma_zone_name(z), zf->name) != 0)
		return;
	uma_zone_stat(z, &zs);
	zf->found = 1;
	zf->used = zs.zs_used;
}

static int
zone_used(const char *name, uint64_t *used)
{
	struct zone_find zf = { name, 0, 0 };

	uma_zone_foreach(zone_find_cb, &zf);
	*used = zf.used;
	return (zf.found);
}

KTEST(vm_object, zones_references_and_teardown)
{
	vm_object_t obj;
	uint64_t used0, used1, sw0;
	u_int count0 = vm_object_count();

	KT_ASSERT(zone_used("VM OBJECT", &used0));
	KT_ASSERT(zone_used("SWAPMETA", &sw0));
	obj = vm_object_allocate(OBJT_DEFAULT, 8);
	KT_ASSERT_NOT_NULL(obj);
	KT_EXPECT_EQ(obj->ref_count, 1);
	KT_EXPECT_EQ(obj->size, 8);
	KT_EXPECT_EQ(obj->type, OBJT_DEFAULT);
	KT_EXPECT_EQ(vm_object_count(), count0 + 1);
	KT_ASSERT(zone_used("VM OBJECT", &used1));
	KT_EXPECT_EQ(used1, used0 + 1);
	vm_object_reference(obj);
	KT_EXPECT_EQ(obj->ref_count, 2);
	vm_object_deallocate(obj);
	KT_EXPECT_EQ(obj->ref_count, 1);
	KT_EXPECT_EQ(vm_object_count(), count0 + 1);
	vm_object_deallocate(obj);
	KT_EXPECT_EQ(vm_object_count(), count0);
	KT_ASSERT(zone_used("VM OBJECT", &used1));
	KT_EXPECT_EQ(used1, used0);
}

KTEST(vm_object, page_through_every_state)
{
	vm_object_t obj;
	vm_page_t m, m2;
	u_int free0, act0, inact0, laun0, wire0;

	obj = vm_object_allocate(OBJT_DEFAULT, 4);
	KT_ASSERT(vmt_counts_ok(kt, 0, "start"));
	free0 = vm_cnt.v_free_count;
	act0 = vm_cnt.v_active_count;
	inact0 = vm_cnt.v_inactive_count;
	laun0 = vm_cnt.v_laundry_count;
	wire0 = vm_cnt.v_wire_count;
	VM_OBJECT_LOCK(obj);
	m = vm_page_alloc(obj, 2, VM_ALLOC_NORMAL);
	KT_ASSERT_NOT_NULL(m);
	/* Allocated: busy, in the object, on no queue, not wired. */
	KT_EXPECT_EQ(vm_page_owner(m), VPO_OBJECT);
	KT_EXPECT_EQ((uintptr_t)vm_page_object(m), (uintptr_t)obj);
	KT_EXPECT_EQ(vm_page_pindex(m), 2);
	KT_EXPECT_EQ((uintptr_t)vm_page_lookup(obj, 2), (uintptr_t)m);
	KT_EXPECT_NULL(vm_page_lookup(obj, 1));
	KT_EXPECT_NULL(vm_page_lookup(obj, 4));
	KT_EXPECT(m->busy);
	KT_EXPECT_EQ(m->queue, PQ_NONE);
	KT_EXPECT_EQ(m->wire_count, 0);
	KT_EXPECT_EQ(obj->resident_page_count, 1);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wire0);
	KT_EXPECT(vmt_counts_ok(kt, 1, "allocated"));
	vm_page_xunbusy(m);
	vm_page_activate(m);
	KT_EXPECT_EQ(m->queue, PQ_ACTIVE);
	KT_EXPECT_EQ(vm_cnt.v_active_count, act0 + 1);
	KT_EXPECT(vmt_counts_ok(kt, 0, "active"));
	vm_page_deactivate(m);
	KT_EXPECT_EQ(m->queue, PQ_INACTIVE);
	KT_EXPECT_EQ(vm_cnt.v_active_count, act0);
	KT_EXPECT_EQ(vm_cnt.v_inactive_count, inact0 + 1);
	KT_EXPECT(vmt_counts_ok(kt, 0, "inactive"));
	m->dirty = 1;
	vm_page_launder(m);
	KT_EXPECT_EQ(m->queue, PQ_LAUNDRY);
	KT_EXPECT_EQ(vm_cnt.v_inactive_count, inact0);
	KT_EXPECT_EQ(vm_cnt.v_laundry_count, laun0 + 1);
	KT_EXPECT(vmt_counts_ok(kt, 0, "laundry"));
	vm_page_wire(m);
	vm_page_wire(m);
	KT_EXPECT_EQ(m->queue, PQ_NONE);
	KT_EXPECT_EQ(m->wire_count, 2);
	KT_EXPECT_EQ(vm_cnt.v_laundry_count, laun0);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wire0 + 1);
	KT_EXPECT(vmt_counts_ok(kt, 0, "wired twice"));
	/* A wired page stays off the queues. */
	vm_page_activate(m);
	KT_EXPECT_EQ(m->queue, PQ_NONE);
	vm_page_unwire(m);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wire0 + 1);
	vm_page_unwire(m);
	KT_EXPECT_EQ(m->queue, PQ_ACTIVE);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wire0);
	KT_EXPECT_EQ(vm_cnt.v_active_count, act0 + 1);
	KT_EXPECT(vmt_counts_ok(kt, 0, "unwired"));
	/* A second page; then freeing one leaves the other in place. */
	m2 = vm_page_alloc(obj, 0, VM_ALLOC_NORMAL);
	KT_ASSERT_NOT_NULL(m2);
	vm_page_xunbusy(m2);
	vm_page_deactivate(m2);
	vm_page_free(m);
	KT_EXPECT_NULL(vm_page_lookup(obj, 2));
	KT_EXPECT_EQ((uintptr_t)vm_page_lookup(obj, 0), (uintptr_t)m2);
	KT_EXPECT_EQ(obj->resident_page_count, 1);
	KT_EXPECT_EQ(vm_cnt.v_active_count, act0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "one freed"));
	VM_OBJECT_UNLOCK(obj);
	/* The last reference frees the rest. */
	vm_object_deallocate(obj);
	KT_EXPECT_EQ(vm_cnt.v_inactive_count, inact0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "object gone"));
	KT_EXPECT_GE(vm_cnt.v_free_count + 2, free0);
}

/* FreeBSD's vm_pageout_init() arithmetic, written out again. */
KTEST(vm_object, targets_follow_freebsd_formulas)
{
	u_int n = vm_cnt.v_page_count, min, reserved, target;

	min = 4 + (n > 1024 ? (n - 1024) / 200 : 0);
	reserved = (n < 2000 ? 8 : 32) + 34 + n / 768;
	target = 4 * min + reserved;
	KT_EXPECT_EQ(vm_cnt.v_pageout_free_min, 34);
	KT_EXPECT_EQ(vm_cnt.v_free_reserved, reserved);
	KT_EXPECT_EQ(vm_cnt.v_free_min, min + reserved);
	KT_EXPECT_EQ(vm_cnt.v_free_target, target);
	KT_EXPECT_EQ(vm_cnt.v_free_severe, min / 2 + reserved);
	KT_EXPECT_EQ(vm_cnt.v_inactive_target, MIN(3 * target / 2, n / 3));
}

KTEST(vm_object, target_sysctls_refuse_bad_values)
{
	u_int min0 = vm_cnt.v_free_min, target0 = vm_cnt.v_free_target;
	u_int v, r;
	size_t len = sizeof(r);

	KT_ASSERT_EQ(kernel_sysctlbyname("vm.v_free_min", &r, &len, NULL, 0),
	    0);
	KT_EXPECT_EQ(r, min0);
	/* Below the reserve, above the target, above half of memory. */
	v = vm_cnt.v_free_reserved - 1;
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.v_free_min", NULL, NULL, &v,
	    sizeof(v)), EINVAL);
	v = target0 + 1;
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.v_free_min", NULL, NULL, &v,
	    sizeof(v)), EINVAL);
	v = vm_cnt.v_page_count / 2 + 1;
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.v_free_target", NULL, NULL, &v,
	    sizeof(v)), EINVAL);
	v = 0;
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.v_free_reserved", NULL, NULL,
	    &v, sizeof(v)), EINVAL);
	KT_EXPECT_EQ(vm_cnt.v_free_min, min0);
	KT_EXPECT_EQ(vm_cnt.v_free_target, target0);
	/* A good value is taken, and the old one put back. */
	v = target0 + 100;
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.v_free_target", NULL, NULL, &v,
	    sizeof(v)), 0);
	KT_EXPECT_EQ(vm_cnt.v_free_target, target0 + 100);
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.v_free_target", NULL, NULL,
	    &target0, sizeof(target0)), 0);
	KT_EXPECT_EQ(vm_cnt.v_free_target, target0);
}

/*
 * With no swap device: pageable memory is zero-filled on first touch,
 * keeps what is written, and is all given back.
 */
KTEST(vm_object, pageable_memory_without_swap)
{
	vm_offset_t va, p;
	u_int zfod0, faults0, free0;
	u_long used, total;
	vm_size_t size = 64 * PAGE_SIZE;
	u_int objs0 = vm_object_count();

	swap_pager_status(&used, &total);
	if (swap_device_name() != NULL)
		KT_SKIP("this boot has swap on %s", swap_device_name());
	KT_EXPECT_EQ(total, 0);
	free0 = vm_cnt.v_free_count;
	zfod0 = vm_cnt.v_zfod;
	faults0 = vm_cnt.v_vm_faults;
	va = kmem_alloc_pageable(pageable_map, size);
	KT_ASSERT_NE(va, 0);
	KT_EXPECT_EQ(vm_object_count(), objs0 + 1);
	for (p = va; p < va + size; p += PAGE_SIZE)
		KT_EXPECT_EQ(*(volatile uint64_t *)(p + 8), 0);
	KT_EXPECT_EQ(vm_cnt.v_zfod, zfod0 + 64);
	for (p = va; p < va + size; p += sizeof(uint64_t))
		*(uint64_t *)p = vmt_pattern(p, 1);
	/* Every read fault mapped read-only: each page faulted twice. */
	KT_EXPECT_EQ(vm_cnt.v_vm_faults, faults0 + 128);
	for (p = va; p < va + size; p += sizeof(uint64_t))
		if (*(uint64_t *)p != vmt_pattern(p, 1))
			KT_FAIL("word at %#lx lost", p);
	KT_EXPECT(vmt_counts_ok(kt, 0, "resident"));
	/* A dirty page cannot go anywhere without swap. */
	KT_EXPECT_EQ(vmt_page_out(va), ENOSPC);
	KT_EXPECT(vmt_resident(va));
	KT_EXPECT_EQ(*(uint64_t *)va, vmt_pattern(va, 1));
	kmem_free_pageable(pageable_map, va, size);
	KT_EXPECT_EQ(vm_object_count(), objs0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "freed"));
	KT_EXPECT_GE(vm_cnt.v_free_count + 4, free0);
}

/* Wiring: the pages are resident, off the queues, counted wired. */
KTEST(vm_object, wire_and_unwire)
{
	vm_offset_t va;
	u_int wire0 = vm_cnt.v_wire_count;

	va = kmem_alloc_pageable(pageable_map, 8 * PAGE_SIZE);
	KT_ASSERT_NE(va, 0);
	KT_EXPECT_EQ(vm_map_wire(pageable_map, va, va + 4 * PAGE_SIZE),
	    KERN_SUCCESS);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wire0 + 4);
	KT_EXPECT_NE(pmap_kextract(va + 3 * PAGE_SIZE), 0);
	KT_EXPECT_EQ(pmap_kextract(va + 4 * PAGE_SIZE), 0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "wired"));
	/* Unwiring a range with an unwired page is refused whole. */
	KT_EXPECT_EQ(vm_map_unwire(pageable_map, va, va + 5 * PAGE_SIZE),
	    KERN_INVALID_ARGUMENT);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wire0 + 4);
	KT_EXPECT_EQ(vm_map_unwire(pageable_map, va, va + 4 * PAGE_SIZE),
	    KERN_SUCCESS);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wire0);
	KT_EXPECT_EQ(vm_map_wire(pageable_map, va + 64 * PAGE_SIZE,
	    va + 65 * PAGE_SIZE), KERN_INVALID_ADDRESS);
	KT_EXPECT(vmt_counts_ok(kt, 0, "unwired"));
	kmem_free_pageable(pageable_map, va, 8 * PAGE_SIZE);
}

/* A page that belongs to an object cannot be given to another. */
KTEST_DEATH(vm_object, page_in_two_objects,
    "is owned by VM object, cannot become VM object")
{
	vm_object_t a, b;
	vm_page_t m;

	a = vm_object_allocate(OBJT_DEFAULT, 1);
	b = vm_object_allocate(OBJT_DEFAULT, 1);
	VM_OBJECT_LOCK(a);
	VM_OBJECT_LOCK(b);
	m = vm_page_alloc(a, 0, VM_ALLOC_NORMAL);
	vm_page_insert(m, b, 0);
}

/*
 * Pageable memory cannot be faulted in where the thread may not sleep:
 * a touch of a page that is not resident inside a critical section is
 * a fatal kernel page fault, as in FreeBSD.
 */
KTEST_DEATH(vm_object, pageable_touch_in_critical_section, "page fault")
{
	vm_offset_t va;

	va = kmem_alloc_pageable(pageable_map, PAGE_SIZE);
	critical_enter();
	(void)*(volatile uint64_t *)va;
	critical_exit();
}

/*
 * vm.swap_reserved counts pageable memory; with vm.overcommit bit 0 a
 * request beyond swap plus unwired memory is refused, by default only
 * counted (FreeBSD's rule).
 */
KTEST(vm_object, swap_reservation_and_overcommit)
{
	u_long res0, res, used, total;
	size_t len = sizeof(res);
	vm_size_t big;
	vm_offset_t va;
	int one = 1, zero = 0;

	KT_ASSERT_EQ(kernel_sysctlbyname("vm.swap_reserved", &res0, &len,
	    NULL, 0), 0);
	swap_pager_status(&used, &total);
	big = ptoa(total) + ptoa((u_long)vm_cnt.v_page_count) + ptoa(256);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.overcommit", NULL, NULL, &one,
	    sizeof(one)), 0);
	KT_EXPECT_EQ(kmem_alloc_pageable(pageable_map, big), 0);
	len = sizeof(res);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.swap_reserved", &res, &len,
	    NULL, 0), 0);
	KT_EXPECT_EQ(res, res0);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.overcommit", NULL, NULL, &zero,
	    sizeof(zero)), 0);
	va = kmem_alloc_pageable(pageable_map, big);
	KT_ASSERT_NE(va, 0);
	len = sizeof(res);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.swap_reserved", &res, &len,
	    NULL, 0), 0);
	KT_EXPECT_EQ(res, res0 + big);
	kmem_free_pageable(pageable_map, va, big);
	len = sizeof(res);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.swap_reserved", &res, &len,
	    NULL, 0), 0);
	KT_EXPECT_EQ(res, res0);
}
