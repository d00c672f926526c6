/*
 * The swap pager on a memory disk (this suite boots with
 * vm.swap_md_size, so md0 is the swap device): pages written and read
 * back exactly, clean pages freed without I/O, a written page's stale
 * copy dropped, injected write errors keeping the page dirty and
 * resident, injected read errors failing the fault cleanly, swapinfo,
 * and nothing left on swap at the end.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/kthread.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <dev/md/md.h>
#include <vm/vm.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>

#include "vm_testutil.h"

#define	NPG	64

static void
fill(vm_offset_t va, int npages, u_int seed)
{
	vm_offset_t p;

	for (p = va; p < va + ptoa(npages); p += sizeof(uint64_t))
		*(uint64_t *)p = vmt_pattern(p, seed);
}

/* Words that differ from the pattern. */
static u_long
check(vm_offset_t va, int npages, u_int seed)
{
	vm_offset_t p;
	u_long bad = 0;

	for (p = va; p < va + ptoa(npages); p += sizeof(uint64_t))
		if (*(uint64_t *)p != vmt_pattern(p, seed))
			bad++;
	return (bad);
}

static struct disk *
swapdisk(void)
{
	const char *name = swap_device_name();

	return (name != NULL && strncmp(name, "md", 2) == 0 ?
	    disk_lookup(name) : NULL);
}

KTEST(swap, device_and_swapinfo)
{
	char buf[256];
	size_t len = sizeof(buf);
	u_long total, used, tot;

	KT_ASSERT_NOT_NULL(swap_device_name());
	KT_EXPECT_STREQ(swap_device_name(), "md0");
	len = sizeof(total);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.swap_total", &total, &len, NULL,
	    0), 0);
	KT_EXPECT_EQ(total, disk_lookup("md0")->d_mediasize);
	swap_pager_status(&used, &tot);
	KT_EXPECT_EQ(ptoa(tot), total);
	len = sizeof(buf);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.swap_info", buf, &len, NULL, 0),
	    0);
	KT_EXPECT_NOT_NULL(strstr(buf, "Device          1K-blocks     Used"));
	KT_EXPECT_NOT_NULL(strstr(buf, "/dev/md0"));
}

KTEST(swap, pageout_pagein_roundtrip)
{
	vm_offset_t va;
	u_int out0, in0, ops0;
	u_long used0, used, total;
	int i;

	KT_ASSERT_NOT_NULL(swapdisk());
	swap_pager_status(&used0, &total);
	va = kmem_alloc_pageable(pageable_map, ptoa(NPG));
	KT_ASSERT_NE(va, 0);
	fill(va, NPG, 7);
	out0 = vm_cnt.v_swappgsout;
	ops0 = vm_cnt.v_swapout;
	for (i = 0; i < NPG; i++)
		vmt_deactivate(va + ptoa(i));
	for (i = 0; i < NPG; i++)
		KT_EXPECT_EQ(vmt_page_out(va + ptoa(i)), 0);
	for (i = 0; i < NPG; i++)
		KT_EXPECT(!vmt_resident(va + ptoa(i)));
	KT_EXPECT_EQ(vm_cnt.v_swappgsout, out0 + NPG);
	/* Written in clusters of neighbours: one request per cluster. */
	KT_EXPECT_EQ(vm_cnt.v_swapout - ops0, NPG / SWB_NPAGES);
	swap_pager_status(&used, &total);
	KT_EXPECT_EQ(used, used0 + NPG);
	KT_EXPECT(vmt_counts_ok(kt, 0, "paged out"));
	in0 = vm_cnt.v_swappgsin;
	KT_EXPECT_EQ(check(va, NPG, 7), 0);
	KT_EXPECT_EQ(vm_cnt.v_swappgsin, in0 + NPG);
	/* Clean now, with a copy on swap: out again without a write. */
	out0 = vm_cnt.v_swappgsout;
	for (i = 0; i < NPG; i++)
		KT_EXPECT_EQ(vmt_page_out(va + ptoa(i)), 0);
	KT_EXPECT_EQ(vm_cnt.v_swappgsout, out0);
	KT_EXPECT_EQ(check(va, NPG, 7), 0);
	/* Writing a page drops its stale copy. */
	*(volatile uint64_t *)va = 1;
	swap_pager_status(&used, &total);
	KT_EXPECT_EQ(used, used0 + NPG - 1);
	kmem_free_pageable(pageable_map, va, ptoa(NPG));
	swap_pager_status(&used, &total);
	KT_EXPECT_EQ(used, used0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "freed"));
}

KTEST(swap, write_error_keeps_page_dirty_and_resident)
{
	struct disk *dp = swapdisk();
	vm_offset_t va;
	u_long rerr, werr0, werr, used0, used, total;
	u_int out0;

	KT_ASSERT_NOT_NULL(dp);
	swap_pager_status(&used0, &total);
	swap_pager_errors(&rerr, &werr0);
	va = kmem_alloc_pageable(pageable_map, ptoa(4));
	KT_ASSERT_NE(va, 0);
	fill(va, 4, 11);
	out0 = vm_cnt.v_swappgsout;
	md_inject_error(dp, BIO_WRITE, 1);
	KT_EXPECT_EQ(vmt_page_out(va), EIO);
	swap_pager_errors(&rerr, &werr);
	KT_EXPECT_EQ(werr, werr0 + 1);
	KT_EXPECT_EQ(vm_cnt.v_swappgsout, out0);
	swap_pager_status(&used, &total);
	KT_EXPECT_EQ(used, used0);
	KT_EXPECT(vmt_resident(va));
	KT_EXPECT(vmt_counts_ok(kt, 0, "after the error"));
	/* Still dirty, on the laundry queue, contents intact. */
	KT_EXPECT_EQ(check(va, 4, 11), 0);
	/* The next write works. */
	KT_EXPECT_EQ(vmt_page_out(va), 0);
	KT_EXPECT(!vmt_resident(va));
	KT_EXPECT_EQ(check(va, 4, 11), 0);
	kmem_free_pageable(pageable_map, va, ptoa(4));
}

KTEST(swap, read_error_fails_the_fault)
{
	struct disk *dp = swapdisk();
	vm_offset_t va;
	u_long rerr0, rerr, werr;

	KT_ASSERT_NOT_NULL(dp);
	swap_pager_errors(&rerr0, &werr);
	va = kmem_alloc_pageable(pageable_map, ptoa(2));
	KT_ASSERT_NE(va, 0);
	fill(va, 2, 13);
	KT_EXPECT_EQ(vmt_page_out(va), 0);
	KT_EXPECT(!vmt_resident(va));
	md_inject_error(dp, BIO_READ, 1);
	KT_EXPECT_EQ(vm_fault(pageable_map, va, VM_PROT_READ, 0),
	    KERN_FAILURE);
	swap_pager_errors(&rerr, &werr);
	KT_EXPECT_EQ(rerr, rerr0 + 1);
	KT_EXPECT(!vmt_resident(va));
	KT_EXPECT(vmt_counts_ok(kt, 0, "after the read error"));
	/* The copy on swap is still there: the next fault gets it. */
	KT_EXPECT_EQ(vm_fault(pageable_map, va, VM_PROT_READ, 0),
	    KERN_SUCCESS);
	KT_EXPECT_EQ(check(va, 2, 13), 0);
	kmem_free_pageable(pageable_map, va, ptoa(2));
}

/* Two threads fault the same pages in from swap at once. */
static struct {
	vm_offset_t	va;
	volatile u_int	done;
	u_long		bad;
} twin;

static void
twin_reader(void *arg __unused)
{
	u_long bad;

	bad = check(twin.va, NPG, 19);
	atomic_add_long(&twin.bad, bad);
	atomic_add_int(&twin.done, 1);
	wakeup(__DEVOLATILE(void *, &twin.done));
	kthread_exit();
}

KTEST(swap, two_threads_fault_the_same_pages)
{
	u_int in0;
	int i;

	KT_ASSERT_NOT_NULL(swapdisk());
	twin.va = kmem_alloc_pageable(pageable_map, ptoa(NPG));
	KT_ASSERT_NE(twin.va, 0);
	fill(twin.va, NPG, 19);
	for (i = 0; i < NPG; i++)
		vmt_deactivate(twin.va + ptoa(i));
	for (i = 0; i < NPG; i++)
		KT_ASSERT_EQ(vmt_page_out(twin.va + ptoa(i)), 0);
	in0 = vm_cnt.v_swappgsin;
	/* Slow reads: the second thread finds pages still being read. */
	md_set_delay(swapdisk(), 500);
	twin.done = 0;
	twin.bad = 0;
	for (i = 0; i < 2; i++)
		KT_ASSERT_EQ(kthread_add(twin_reader, NULL, NULL, NULL, 0, 0,
		    "twin%d", i), 0);
	while (twin.done < 2)
		tsleep(__DEVOLATILE(void *, &twin.done), 0, "twinw", hz);
	md_set_delay(swapdisk(), 0);
	KT_EXPECT_EQ(twin.bad, 0);
	/* Each page was read from swap once, whoever faulted first. */
	KT_EXPECT_EQ(vm_cnt.v_swappgsin - in0, NPG);
	KT_EXPECT(vmt_counts_ok(kt, 0, "after the twins"));
	kmem_free_pageable(pageable_map, twin.va, ptoa(NPG));
}

/* A read error on a real touch is a fatal kernel page fault. */
KTEST_DEATH(swap, read_error_on_touch_panics, "page fault")
{
	struct disk *dp = swapdisk();
	vm_offset_t va;

	if (dp == NULL)
		panic("no md swap device: cannot test");
	va = kmem_alloc_pageable(pageable_map, ptoa(1));
	fill(va, 1, 17);
	if (vmt_page_out(va) != 0)
		panic("page-out failed: cannot test");
	md_inject_error(dp, BIO_READ, 1);
	(void)*(volatile uint64_t *)va;
}

KTEST(swap, nothing_left_on_swap)
{
	u_long used, total;
	size_t len;
	u_long reserved;

	swap_pager_status(&used, &total);
	KT_EXPECT_EQ(used, 0);
	len = sizeof(reserved);
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.swap_reserved", &reserved, &len,
	    NULL, 0), 0);
	KT_EXPECT_EQ(reserved, 0);
	KT_EXPECT(vmt_counts_ok(kt, 0, "end"));
}
