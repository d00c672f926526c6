/*
 * The page layer, the kernel pmap and kernel_map: exhaustion and return
 * to baseline, buddy coalescing, contiguous runs under constraints,
 * reserves, mappings, submaps, kmem_malloc failure, the lowmem event.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>
#include <vm/uma.h>

/*
 * Pages taken in the exhaustion test, chained through their first word.
 * UMA's caches are drained first: running out of pages fires the lowmem
 * event, whose reclaim would otherwise give back slabs the kernel's own
 * allocations (kenv, sysctl nodes, threads) left free, and move the
 * baseline.
 */
KTEST(vm, alloc_every_page_then_free_all)
{
	u_int free0, wired0;
	vm_paddr_t head = 0, pa, prev;
	vm_page_t m;
	u_long n = 0, bad = 0;

	uma_reclaim();
	free0 = vm_cnt.v_free_count;
	wired0 = vm_cnt.v_wire_count;

	while ((m = vm_page_alloc(NULL, 0, VM_ALLOC_INTERRUPT |
	    VM_ALLOC_WIRED)) != NULL) {
		uint64_t *p = (uint64_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));

		KT_EXPECT_EQ(VM_PAGE_TO_PHYS(m) & PAGE_MASK, 0);
		p[0] = head;			/* chain */
		p[1] = VM_PAGE_TO_PHYS(m) ^ 0x5a5a5a5a5a5a5a5aUL;
		p[511] = ~VM_PAGE_TO_PHYS(m);
		head = VM_PAGE_TO_PHYS(m);
		n++;
	}
	KT_EXPECT_EQ(vm_cnt.v_free_count, 0);
	KT_EXPECT_EQ(n, free0);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wired0 + n);
	/* Every page intact (so no page was handed out twice), then free. */
	for (pa = head; pa != 0; pa = prev) {
		uint64_t *p = (uint64_t *)PHYS_TO_DMAP(pa);

		if (p[1] != (pa ^ 0x5a5a5a5a5a5a5a5aUL) || p[511] != ~pa)
			bad++;
		prev = p[0];
		vm_page_free(PHYS_TO_VM_PAGE(pa));
	}
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
	KT_EXPECT_EQ(vm_cnt.v_wire_count, wired0);
	/* Everything coalesced again: a 4 MiB run is available. */
	m = vm_page_alloc_contig(1024, 0, ~(vm_paddr_t)0, PAGE_SIZE, 0);
	KT_ASSERT_NOT_NULL(m);
	vm_page_release_contig(m, 1024);
	KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
}

static int
run_ok(vm_page_t m, u_long npages, vm_paddr_t low, vm_paddr_t high,
    u_long align, vm_paddr_t boundary)
{
	vm_paddr_t pa = VM_PAGE_TO_PHYS(m), last = pa + ptoa(npages) - 1;
	u_long i;

	if (pa < low || last > high || (pa & (align - 1)) != 0)
		return (0);
	if (boundary != 0 && (pa & ~(boundary - 1)) != (last & ~(boundary - 1)))
		return (0);
	for (i = 0; i < npages; i++)
		if (VM_PAGE_TO_PHYS(&m[i]) != pa + ptoa(i) ||
		    (m[i].flags & PG_FREE) != 0)
			return (0);
	return (1);
}

KTEST(vm, contig_honours_low_high_alignment_boundary)
{
	static const struct {
		u_long npages;
		vm_paddr_t low, high;
		u_long align;
		vm_paddr_t boundary;
	} c[] = {
		{ 1, 0, ~0UL, PAGE_SIZE, 0 },
		{ 3, 0, ~0UL, PAGE_SIZE, 0 },
		{ 16, 0, ~0UL, 64 * 1024, 0 },
		{ 5, 0, ~0UL, PAGE_SIZE, 32 * 1024 },
		{ 8, 0x2000000, 0x3ffffff, 2 * 1024 * 1024, 0 },
		{ 2, 0x1000000, 0x1ffffff, PAGE_SIZE, 8192 },
		{ 33, 0, 0x5ffffff, 1024 * 1024, 256 * 1024 },
		{ 256, 0, ~0UL, 1024 * 1024, 1024 * 1024 },
	};
	u_int free0 = vm_cnt.v_free_count;
	vm_page_t m;
	size_t i;

	for (i = 0; i < nitems(c); i++) {
		m = vm_page_alloc_contig(c[i].npages, c[i].low, c[i].high,
		    c[i].align, c[i].boundary);
		KT_ASSERT_NOT_NULL(m);
		KT_EXPECT(run_ok(m, c[i].npages, c[i].low, c[i].high,
		    c[i].align, c[i].boundary));
		KT_EXPECT_EQ(vm_cnt.v_free_count, free0 - c[i].npages);
		vm_page_release_contig(m, c[i].npages);
		KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
	}
}

KTEST(vm, contig_impossible_fails_cleanly)
{
	u_int free0 = vm_cnt.v_free_count;

	/* More than exists. */
	KT_EXPECT_NULL(vm_page_alloc_contig(vm_cnt.v_page_count + 1, 0,
	    ~0UL, PAGE_SIZE, 0));
	/* A window smaller than the request. */
	KT_EXPECT_NULL(vm_page_alloc_contig(4, 0x200000, 0x202fff, PAGE_SIZE,
	    0));
	/* A run that cannot avoid crossing its boundary. */
	KT_EXPECT_NULL(vm_page_alloc_contig(4, 0, ~0UL, PAGE_SIZE, 8192));
	/* Below the kernel: no managed memory under 1 MiB. */
	KT_EXPECT_NULL(vm_page_alloc_contig(1, 0, 0xfffff, PAGE_SIZE, 0));
	KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
}

#define	VT_NDIRTY	32
#define	VT_NHELD	512

/*
 * VM_ALLOC_ZERO zeroes the page even when it was dirty: pages are
 * dirtied and freed, then taken again with VM_ALLOC_ZERO (holding each)
 * until one of the dirtied ones comes back; every page taken is all
 * zero, and at least one of them is known to have been dirty.
 */
static vm_page_t vt_dirty[VT_NDIRTY], vt_held[VT_NHELD];

KTEST(vm, alloc_zero_zeroes)
{
	vm_page_t m;
	uint8_t *p;
	int i, j, k, n, bad = 0, hits = 0;

	for (i = 0; i < VT_NDIRTY; i++) {
		vt_dirty[i] = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
		KT_ASSERT_NOT_NULL(vt_dirty[i]);
		memset((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(vt_dirty[i])),
		    0xcc, PAGE_SIZE);
	}
	for (i = 0; i < VT_NDIRTY; i++)
		vm_page_free(vt_dirty[i]);
	for (n = 0; n < VT_NHELD && hits == 0; n++) {
		m = vt_held[n] = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL |
		    VM_ALLOC_ZERO);
		if (m == NULL)
			break;
		p = (uint8_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
		for (j = 0; j < PAGE_SIZE; j++)
			bad += p[j] != 0;
		for (k = 0; k < VT_NDIRTY; k++)
			hits += m == vt_dirty[k];
	}
	for (i = 0; i < n; i++)
		if (vt_held[i] != NULL)
			vm_page_free(vt_held[i]);
	KT_EXPECT_EQ(hits, 1);		/* a dirtied page came back */
	KT_EXPECT_EQ(bad, 0);
}

static volatile int lowmem_calls;

static void
lowmem_test_handler(void *arg, int flags __unused)
{
	if (arg == &lowmem_calls)
		lowmem_calls++;
}

static int lowmem_registered;

KTEST(vm, reserves_and_lowmem_event)
{
	vm_page_t *held, m;
	u_long n = 0, cap;
	u_int free0 = vm_cnt.v_free_count;

	if (!lowmem_registered) {
		vm_lowmem_register(lowmem_test_handler, (void *)&lowmem_calls);
		lowmem_registered = 1;
	}
	lowmem_calls = 0;
	held = (vm_page_t *)kmem_alloc(kernel_map, free0 * sizeof(*held));
	KT_ASSERT_NOT_NULL(held);
	cap = free0 = vm_cnt.v_free_count;	/* less the array's pages */
	/* NORMAL stops at the reserve. */
	while ((m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL)) != NULL)
		held[n++] = m;
	KT_EXPECT_EQ(vm_cnt.v_free_count, vm_cnt.v_free_reserved);
	KT_EXPECT_GE(lowmem_calls, 1);
	/* SYSTEM may go further, down to v_interrupt_free_min. */
	while ((m = vm_page_alloc(NULL, 0, VM_ALLOC_SYSTEM)) != NULL)
		held[n++] = m;
	KT_EXPECT_EQ(vm_cnt.v_free_count, vm_cnt.v_interrupt_free_min);
	/* INTERRUPT takes the rest. */
	while ((m = vm_page_alloc(NULL, 0, VM_ALLOC_INTERRUPT)) != NULL)
		held[n++] = m;
	KT_EXPECT_EQ(vm_cnt.v_free_count, 0);
	KT_EXPECT_EQ(n, cap);
	while (n > 0)
		vm_page_free(held[--n]);
	KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
	kmem_free(kernel_map, (vm_offset_t)held, cap * sizeof(*held));
}

/*
 * The low-memory event fires on the allocation that takes the free count
 * below v_free_min (one page, or a run), not before: also with the page
 * daemon's threshold, which shares the allocation's one comparison, set
 * to 0 through its sysctl (0 also keeps the daemon from running here).
 */
KTEST(vm, lowmem_event_at_v_free_min_crossing)
{
	vm_page_t *held, m;
	u_long n = 0, cap;
	u_int thresh0, zero = 0;
	size_t len = sizeof(thresh0);

	if (!lowmem_registered) {
		vm_lowmem_register(lowmem_test_handler, (void *)&lowmem_calls);
		lowmem_registered = 1;
	}
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.pageout_wakeup_thresh", &thresh0,
	    &len, &zero, sizeof(zero)), 0);
	cap = vm_cnt.v_free_count;
	held = (vm_page_t *)kmem_alloc(kernel_map, cap * sizeof(*held));
	KT_ASSERT_NOT_NULL(held);
	KT_ASSERT_GT(vm_cnt.v_free_count, vm_cnt.v_free_min + 8);
	/* Single pages: down to v_free_min exactly, then one below. */
	lowmem_calls = 0;
	while (vm_cnt.v_free_count > vm_cnt.v_free_min && n < cap &&
	    (m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL)) != NULL)
		held[n++] = m;
	KT_EXPECT_EQ(vm_cnt.v_free_count, vm_cnt.v_free_min);
	KT_EXPECT_EQ(lowmem_calls, 0);
	held[n++] = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
	KT_EXPECT_NOT_NULL(held[n - 1]);
	KT_EXPECT_EQ(lowmem_calls, 1);
	while (n > 0)
		vm_page_free(held[--n]);
	/* A run of 4 that ends 2 below v_free_min. */
	while (vm_cnt.v_free_count > vm_cnt.v_free_min + 2 && n < cap &&
	    (m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL)) != NULL)
		held[n++] = m;
	KT_EXPECT_EQ(vm_cnt.v_free_count, vm_cnt.v_free_min + 2);
	lowmem_calls = 0;
	m = vm_page_alloc_contig(4, 0, ~(vm_paddr_t)0, PAGE_SIZE, 0);
	KT_EXPECT_NOT_NULL(m);
	KT_EXPECT_EQ(lowmem_calls, 1);
	if (m != NULL)
		vm_page_release_contig(m, 4);
	while (n > 0)
		vm_page_free(held[--n]);
	kmem_free(kernel_map, (vm_offset_t)held, cap * sizeof(*held));
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.pageout_wakeup_thresh", NULL,
	    NULL, &thresh0, sizeof(thresh0)), 0);
}

KTEST(vm, pmap_kenter_kextract_kremove)
{
	vm_offset_t va;
	vm_page_t m;
	vm_paddr_t pa;
	int i;

	KT_EXPECT_EQ(pmap_kextract(PHYS_TO_DMAP(0x123456)), 0x123456);
	KT_EXPECT_EQ(pmap_kextract((vm_offset_t)&lowmem_calls),
	    (vm_offset_t)&lowmem_calls - KERNBASE);
	/* Cross a 2 MiB and a 1 GiB boundary, growing page tables. */
	for (i = 0; i < 2; i++) {
		va = VM_MIN_KERNEL_ADDRESS + 0x4000000000UL +
		    (i == 0 ? 0x3ff000UL : 0x3ffff000UL);
		m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
		pa = VM_PAGE_TO_PHYS(m);
		KT_EXPECT_EQ(pmap_kextract(va), 0);
		pmap_kenter(va, pa);
		pmap_kenter(va + PAGE_SIZE, pa);	/* alias, next table */
		KT_EXPECT_EQ(pmap_kextract(va + 0x123), pa + 0x123);
		KT_EXPECT_EQ(pmap_kextract(va + PAGE_SIZE), pa);
		*(volatile uint32_t *)va = 0xabcd1234;
		KT_EXPECT_EQ(*(volatile uint32_t *)(va + PAGE_SIZE),
		    0xabcd1234);
		KT_EXPECT_EQ(*(uint32_t *)PHYS_TO_DMAP(pa), 0xabcd1234);
		pmap_kremove(va);
		pmap_kremove(va + PAGE_SIZE);
		KT_EXPECT_EQ(pmap_kextract(va), 0);
		KT_EXPECT_EQ(pmap_kextract(va + PAGE_SIZE), 0);
		vm_page_free(m);
	}
}

KTEST(vm, kernel_map_alloc_free_coalesce)
{
	vm_offset_t a, b, c, d;
	u_int holes0 = kernel_map->nholes;
	vm_size_t size0 = kernel_map->size;

	a = kmem_alloc_nofault(kernel_map, 3 * PAGE_SIZE);
	b = kmem_alloc_nofault(kernel_map, PAGE_SIZE);
	c = kmem_alloc_nofault(kernel_map, 5 * PAGE_SIZE);
	KT_ASSERT(a != 0 && b != 0 && c != 0);
	KT_EXPECT(b >= a + 3 * PAGE_SIZE || b + PAGE_SIZE <= a);
	KT_EXPECT_EQ(kernel_map->size, size0 + 9 * PAGE_SIZE);
	kmem_free_nofault(kernel_map, b, PAGE_SIZE);
	/* First fit reuses b's hole. */
	d = kmem_alloc_nofault(kernel_map, PAGE_SIZE);
	KT_EXPECT_EQ(d, b);
	kmem_free_nofault(kernel_map, a, 3 * PAGE_SIZE);
	kmem_free_nofault(kernel_map, c, 5 * PAGE_SIZE);
	kmem_free_nofault(kernel_map, d, PAGE_SIZE);
	KT_EXPECT_EQ(kernel_map->size, size0);
	KT_EXPECT_EQ(kernel_map->nholes, holes0);
}

KTEST(vm, kmem_alloc_zeroed_and_freed)
{
	u_int free0 = vm_cnt.v_free_count;
	uint8_t *p;
	int i, bad = 0;

	p = (uint8_t *)kmem_alloc(kernel_map, 5 * PAGE_SIZE);
	KT_ASSERT_NOT_NULL(p);
	for (i = 0; i < 5 * PAGE_SIZE; i++)
		bad += p[i] != 0;
	KT_EXPECT_EQ(bad, 0);
	memset(p, 0xff, 5 * PAGE_SIZE);
	kmem_free(kernel_map, (vm_offset_t)p, 5 * PAGE_SIZE);
	/* Page-table pages grown for the mapping are kept. */
	KT_EXPECT_GE(vm_cnt.v_free_count + 3, free0);
	KT_EXPECT_LE(vm_cnt.v_free_count, free0);
}

KTEST(vm, submap_kmem_malloc_nowait_full)
{
	static vm_map_t sub;
	static vm_offset_t smin, smax;
	vm_offset_t a, b;
	u_int free0;

	if (sub == NULL)
		sub = kmem_suballoc(kernel_map, &smin, &smax, 8 * PAGE_SIZE);
	KT_EXPECT_EQ(smax - smin, 8 * PAGE_SIZE);
	free0 = vm_cnt.v_free_count;
	a = kmem_malloc(sub, 6 * PAGE_SIZE, M_NOWAIT | M_ZERO);
	KT_ASSERT_NE(a, 0);
	KT_EXPECT(a >= smin && a + 6 * PAGE_SIZE <= smax);
	KT_EXPECT_EQ(*(uint64_t *)a, 0);
	b = kmem_malloc(sub, 3 * PAGE_SIZE, M_NOWAIT);
	KT_EXPECT_EQ(b, 0);			/* does not fit: no leak */
	KT_EXPECT_EQ(kmem_map_used(sub), 6 * PAGE_SIZE);
	kmem_free(sub, a, 6 * PAGE_SIZE);
	KT_EXPECT_EQ(kmem_map_used(sub), 0);
	b = kmem_malloc(sub, 8 * PAGE_SIZE, M_WAITOK);
	KT_EXPECT_NE(b, 0);
	kmem_free(sub, b, 8 * PAGE_SIZE);
	KT_EXPECT_GE(vm_cnt.v_free_count + 3, free0);
}

KTEST(vm, vsetslab_vtoslab)
{
	vm_page_t m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
	vm_offset_t va = PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
	int cookie;

	KT_EXPECT_NULL(vtoslab(va));
	vsetslab(va, &cookie);
	KT_EXPECT_EQ((uintptr_t)vtoslab(va + 100), (uintptr_t)&cookie);
	KT_EXPECT_EQ(vm_page_owner(m), VPO_UMA_SLAB);
	vsetslab(va, NULL);
	KT_EXPECT_EQ(vm_page_owner(m), VPO_NONE);
	KT_EXPECT_NULL(vtoslab((vm_offset_t)&cookie));	/* a stack page */
	vm_page_free(m);
}

/* The page owner through each page-layer transition, and its names. */
KTEST(vm, page_owner_transitions)
{
	static int object;	/* stands in for a VM object */
	vm_page_t m, c;
	vm_offset_t va;
	u_long i;

	m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_EQ(vm_page_owner(m), VPO_NONE);
	va = PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
	KT_EXPECT_EQ((uintptr_t)vtopage(va + 5), (uintptr_t)m);
	vm_page_set_owner(m, VPO_OBJECT, &object, 7);
	KT_EXPECT_EQ(vm_page_owner_va(va), VPO_OBJECT);
	KT_EXPECT_EQ((uintptr_t)m->po_ptr, (uintptr_t)&object);
	KT_EXPECT_EQ(m->po_arg, 7);
	KT_EXPECT_NULL(vtoslab(va));		/* not UMA's */
	vm_page_set_owner(m, VPO_NONE, NULL, 0);
	vm_page_free(m);
	KT_EXPECT_EQ(vm_page_owner(m), VPO_FREE);
	c = vm_page_alloc_contig(4, 0, ~(vm_paddr_t)0, PAGE_SIZE, 0);
	KT_ASSERT_NOT_NULL(c);
	for (i = 0; i < 4; i++)
		KT_EXPECT_EQ(vm_page_owner(&c[i]), VPO_NONE);
	vm_page_release_contig(c, 4);
	for (i = 0; i < 4; i++)
		KT_EXPECT_EQ(vm_page_owner(&c[i]), VPO_FREE);
	/* kmem_malloc keeps no per-page owner; its pages are not free. */
	va = kmem_malloc(kernel_map, 2 * PAGE_SIZE, M_WAITOK);
	KT_EXPECT_EQ(vm_page_owner_va(va + PAGE_SIZE), VPO_NONE);
	kmem_free(kernel_map, va, 2 * PAGE_SIZE);
	/* The kernel image is unmanaged: no owner. */
	KT_EXPECT_EQ(vm_page_owner_va((vm_offset_t)&object), VPO_NONE);
	KT_EXPECT_STREQ(vm_page_owner_name(VPO_MALLOC_LARGE),
	    "large malloc block");
	KT_EXPECT_STREQ(vm_page_owner_name(VPO_NKINDS + 3), "(bad owner)");
}

KTEST_DEATH(vm, page_owner_conflict, "is owned by UMA slab, cannot become")
{
	vm_page_t m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
	int cookie;

	KT_ASSERT_NOT_NULL(m);
	vm_page_set_owner(m, VPO_UMA_SLAB, &cookie, 0);
	vm_page_set_owner(m, VPO_MALLOC_LARGE, NULL, PAGE_SIZE);
	KT_FAIL("a UMA slab page was given to a large malloc block");
}

#ifdef INVARIANTS
KTEST_DEATH(vm, double_page_free, "already free")
{
	vm_page_t m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);

	vm_page_free(m);
	vm_page_free(m);
}
#endif

/*
 * A UMA item's page belongs to its slab until the zone gives it back, and
 * carries the keg's page cookie; the zone KPIs that replace uma_int.h for
 * consumers report the item's zone, its flags and this CPU's counts.
 */
KTEST(vm, page_owner_uma_slab)
{
	static int cookie;
	struct uma_cache_stat cs0, cs1;
	uma_zone_t z;
	vm_page_t m;
	void *item, *item2;
	int cpu;

	z = uma_zcreate("ktest owner", 128, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	KT_ASSERT_NOT_NULL(z);
	uma_zone_set_page_cookie(z, &cookie);
	KT_EXPECT_EQ(uma_zone_flags(z), 0);
	KT_EXPECT_NE(uma_zone_flags(uma_zone_find("UMA Zones")) &
	    UMA_ZONE_INTERNAL, 0);
	sched_bind(curthread, 0);
	cpu = curcpu;
	uma_zone_cpu_stat(z, cpu, &cs0);
	item = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(item);
	item2 = uma_zalloc(z, M_WAITOK);
	KT_ASSERT_NOT_NULL(item2);
	uma_zone_cpu_stat(z, cpu, &cs1);
	KT_EXPECT_EQ(cs1.cs_allocs, cs0.cs_allocs + 2);
	KT_EXPECT_EQ(cs1.cs_frees, cs0.cs_frees);
	uma_zfree(z, item2);
	m = vtopage((vm_offset_t)item);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_EQ(vm_page_owner(m), VPO_UMA_SLAB);
	KT_EXPECT_EQ((uintptr_t)m->po_ptr, (uintptr_t)vtoslab((vm_offset_t)item));
	KT_EXPECT_EQ(m->po_arg, (u_long)&cookie);
	KT_EXPECT_STREQ(uma_item_zone_name(item), "ktest owner");
	KT_EXPECT_NULL(uma_item_zone_name(&cookie));
	uma_zfree(z, item);
	uma_zone_cpu_stat(z, cpu, &cs1);
	sched_unbind(curthread);
	KT_EXPECT_EQ(cs1.cs_allocs, cs0.cs_allocs + 2);
	KT_EXPECT_EQ(cs1.cs_frees, cs0.cs_frees + 2);
	KT_EXPECT_EQ(vm_page_owner(m), VPO_UMA_SLAB);
	uma_zdestroy(z);
	KT_EXPECT_EQ(vm_page_owner(m), VPO_FREE);
}

/*
 * Ranged shootdowns.  vt_probe() reads one word at va and returns 0, or 1
 * when the read faulted: the test's page-fault hook resumes a fault at
 * vt_probe_insn at vt_probe_fault.  A block is read on every CPU (so each
 * has its translations cached), freed, then read again on every CPU: each
 * read must fault, or a CPU kept a stale mapping of a freed page.
 */
int	vt_probe(vm_offset_t va);
extern char vt_probe_insn[], vt_probe_fault[];
__asm__(
"	.text\n"
"	.globl	vt_probe\n"
"vt_probe:\n"
"	xorl	%eax, %eax\n"
"	.globl	vt_probe_insn\n"
"vt_probe_insn:\n"
"	movq	(%rdi), %rdx\n"
"	ret\n"
"	.globl	vt_probe_fault\n"
"vt_probe_fault:\n"
"	movl	$1, %eax\n"
"	ret\n");

static pf_hook_t	*vt_hook_next;

static int
vt_pfault(struct trapframe *tf, vm_offset_t va)
{
	if (tf->tf_rip == (uintptr_t)vt_probe_insn) {
		tf->tf_rip = (uintptr_t)vt_probe_fault;
		return (1);
	}
	return (vt_hook_next != NULL ? vt_hook_next(tf, va) : 0);
}

/* Pages of [va, va + npages) that read (0) or fault (1) on every CPU. */
static int
vt_probe_all_cpus(vm_offset_t va, int npages, int want)
{
	int bad = 0, cpu, i;

	CPU_FOREACH(cpu) {
		sched_bind(curthread, cpu);
		for (i = 0; i < npages; i++)
			bad += vt_probe(va + ptoa(i)) != want;
	}
	sched_unbind(curthread);
	return (bad);
}

enum vt_kind { VT_KMEM, VT_MALLOC_LARGE, VT_CONTIG };

static void
vt_shootdown_case(struct ktest_ctx *kt, enum vt_kind kind)
{
	vm_offset_t va;
	int npages = 32;

	switch (kind) {
	case VT_KMEM:
		va = kmem_malloc(kernel_map, ptoa(npages), M_WAITOK);
		break;
	case VT_MALLOC_LARGE:
		va = (vm_offset_t)malloc(ptoa(npages), M_TEMP, M_WAITOK);
		break;
	default:
		va = (vm_offset_t)contigmalloc(ptoa(npages), M_TEMP, M_WAITOK,
		    0, ~(vm_paddr_t)0, PAGE_SIZE, 0);
		break;
	}
	KT_ASSERT_NE(va, 0);
	KT_EXPECT_EQ(vt_probe_all_cpus(va, npages, 0), 0);
	switch (kind) {
	case VT_KMEM:
		kmem_free(kernel_map, va, ptoa(npages));
		break;
	case VT_MALLOC_LARGE:
		free((void *)va, M_TEMP);
		break;
	default:
		contigfree((void *)va, ptoa(npages), M_TEMP);
		break;
	}
	/* Every CPU must fault on every page. */
	KT_EXPECT_EQ(vt_probe_all_cpus(va, npages, 1), 0);
}

KTEST(vm, ranged_shootdown_no_stale_mapping)
{
	vt_hook_next = trap_pfault_hook;
	trap_pfault_hook = vt_pfault;
	vt_shootdown_case(kt, VT_KMEM);
	vt_shootdown_case(kt, VT_MALLOC_LARGE);
	vt_shootdown_case(kt, VT_CONTIG);
	trap_pfault_hook = vt_hook_next;
}
