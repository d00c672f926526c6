/*
 * contigmalloc(9)'s two algorithms under pressure (this suite boots with
 * swap on a memory disk, see tests/plan.txt).
 *
 * Pageable memory (a pattern in every word of every page) fills much of
 * RAM; the tests then ask for runs that only moving that memory can
 * give: a window of physical memory all of whose pages belong to the
 * pageable object.  M_NOWAIT relocates them (no swap write), M_WAITOK
 * without relocation launders them (exactly the window's pages written),
 * wired and kernel pages are never taken, both algorithms serve a matrix
 * of sizes, alignments and boundaries, switched between requests, while
 * another CPU faults the pageable memory back and asks for runs too, a bad sysctl
 * value is refused, a kernel_map failure gives the pages back; after
 * each test every word of the pageable memory is read back through
 * faults and nothing is left behind.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/kthread.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_contig.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>
#include <vm/uma.h>

#include "vm_testutil.h"

static MALLOC_DEFINE(M_CTTEST, "contigtest", "contigmalloc tests");

#define	CT_SEED		77
#define	NWIRED		512

static struct {
	vm_offset_t	va;		/* the pageable memory */
	u_long		npages;
	vm_object_t	obj;		/* its object (pointer only) */
	u_int		free0;		/* free pages before it */
	u_int		objs0;
	u_long		swap0;
	int		old0;		/* vm.old_contigmalloc before */
} ct;

static int
ct_set_old(int val)
{
	return (kernel_sysctlbyname("vm.old_contigmalloc", NULL, NULL, &val,
	    sizeof(val)));
}

/* Pageable memory of about frac/100 of the free pages, every word set. */
static int
ct_fill(u_int frac)
{
	vm_pindex_t pi;
	vm_offset_t p;
	uint64_t *q;
	u_long total;
	u_int i;

	uma_reclaim();
	ct.old0 = vm_old_contigmalloc;
	ct.free0 = vm_cnt.v_free_count;
	ct.objs0 = vm_object_count();
	swap_pager_status(&ct.swap0, &total);
	ct.npages = (u_long)vm_cnt.v_free_count * frac / 100;
	ct.va = kmem_alloc_pageable(pageable_map, ptoa(ct.npages));
	if (ct.va == 0)
		return (0);
	/*
	 * Page-table pages first (one touch every 2 MiB), so they do not
	 * split the pageable pages into 2 MiB pieces.
	 */
	for (p = ct.va; p < ct.va + ptoa(ct.npages); p += NBPDR)
		*(volatile uint64_t *)p = vmt_pattern(p, CT_SEED);
	for (p = ct.va; p < ct.va + ptoa(ct.npages); p += PAGE_SIZE) {
		q = (uint64_t *)p;
		for (i = 0; i < PAGE_SIZE / sizeof(*q); i++)
			q[i] = vmt_pattern(p + i * sizeof(*q), CT_SEED);
	}
	if (vm_map_lookup(pageable_map, ct.va, &ct.obj, &pi) != KERN_SUCCESS)
		return (0);
	vm_object_deallocate(ct.obj);
	return (1);
}

/* Words of the pageable memory that lost their pattern. */
static u_long
ct_bad_words(void)
{
	vm_offset_t p;
	uint64_t *q;
	u_long bad = 0;
	u_int i;

	for (p = ct.va; p < ct.va + ptoa(ct.npages); p += PAGE_SIZE) {
		q = (uint64_t *)p;
		for (i = 0; i < PAGE_SIZE / sizeof(*q); i++)
			if (q[i] != vmt_pattern(p + i * sizeof(*q), CT_SEED))
				bad++;
	}
	return (bad);
}

/* Free the pageable memory; 1 if objects and swap are back. */
static void
ct_done(struct ktest_ctx *kt)
{
	u_long used, total;
	int i;

	KT_EXPECT_EQ(ct_bad_words(), 0);
	kmem_free_pageable(pageable_map, ct.va, ptoa(ct.npages));
	ct.va = 0;
	KT_EXPECT_EQ(ct_set_old(ct.old0), 0);
	vm_contig_no_relocate = 0;
	vm_contig_fail_kva = 0;
	KT_EXPECT_EQ(vm_object_count(), ct.objs0);
	swap_pager_status(&used, &total);
	KT_EXPECT_EQ(used, ct.swap0);
	/* UMA may keep a few pages cached; give it a moment. */
	for (i = 0; i < 50 && vm_cnt.v_free_count + 64 < ct.free0; i++) {
		uma_reclaim();
		pause("ctleak", 1);
	}
	KT_EXPECT_GE(vm_cnt.v_free_count + 64, ct.free0);
	vmt_counts_ok(kt, 0, "end");
}

/*
 * Is page m one of the pageable memory's, wired (want_wired) or on a
 * queue (movable)?
 */
static int
ct_ours(vm_page_t m, int want_wired)
{
	if (vm_page_owner(m) != VPO_OBJECT || vm_page_object(m) != ct.obj)
		return (0);
	return (want_wired ? m->wire_count != 0 :
	    m->wire_count == 0 && !m->busy && m->queue != PQ_NONE);
}

/*
 * A physical window of n pages, aligned to n pages, all of them pages of
 * the pageable memory (wired or movable); ~0 if there is none.
 */
static vm_paddr_t
ct_window(u_long n, int wired)
{
	vm_offset_t p;
	vm_paddr_t pa, w;
	u_long j;

	for (p = ct.va; p < ct.va + ptoa(ct.npages); p += PAGE_SIZE) {
		if ((pa = pmap_kextract(p)) == 0)
			continue;
		w = rounddown2(pa, ptoa(n));
		for (j = 0; j < n; j++)
			if (!ct_ours(PHYS_TO_VM_PAGE(w + ptoa(j)), wired))
				break;
		if (j == n)
			return (w);
	}
	return (~(vm_paddr_t)0);
}

/* The run at va: contiguous, in range, aligned, inside one boundary. */
static int
ct_run_ok(void *va, u_long size, vm_paddr_t low, vm_paddr_t high,
    u_long align, vm_paddr_t boundary)
{
	vm_paddr_t pa = pmap_kextract((vm_offset_t)va);
	u_long i;

	if (pa < low || pa + size - 1 > high || (pa & (align - 1)) != 0)
		return (0);
	if (boundary != 0 && ((pa ^ (pa + size - 1)) & ~(boundary - 1)) != 0)
		return (0);
	for (i = 0; i < atop(size); i++) {
		if (pmap_kextract((vm_offset_t)va + ptoa(i)) != pa + ptoa(i))
			return (0);
		/* Taken off the free lists, no owner, wired. */
		if (vm_page_owner(PHYS_TO_VM_PAGE(pa + ptoa(i))) != VPO_NONE ||
		    PHYS_TO_VM_PAGE(pa + ptoa(i))->wire_count != 1)
			return (0);
	}
	return (1);
}

#define	CS(alg)		(vm_contig_stats[(alg)])

KTEST(contig, boot_value_and_bad_sysctl_refused)
{
	int boot, val;
	size_t len = sizeof(val);

	if (getenv_int("vm.old_contigmalloc", &boot))
		KT_EXPECT_EQ(vm_old_contigmalloc, boot);
	else
		KT_EXPECT_EQ(vm_old_contigmalloc, 0);
	boot = vm_old_contigmalloc;
	val = 2;
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.old_contigmalloc", NULL, NULL,
	    &val, sizeof(val)), EINVAL);
	val = -1;
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.old_contigmalloc", NULL, NULL,
	    &val, sizeof(val)), EINVAL);
	KT_EXPECT_EQ(vm_old_contigmalloc, boot);
	KT_EXPECT_EQ(ct_set_old(!boot), 0);
	KT_EXPECT_EQ(kernel_sysctlbyname("vm.old_contigmalloc", &val, &len,
	    NULL, 0), 0);
	KT_EXPECT_EQ(val, !boot);
	KT_EXPECT_EQ(ct_set_old(boot), 0);
}

KTEST(contig, nowait_relocates_without_io)
{
	struct vm_contig_stats n0, o0;
	u_int out0;
	vm_paddr_t w;
	void *p;
	u_long sz;
	int k;

	if (!ct_fill(50))
		KT_FAIL("no pageable memory");
	KT_ASSERT_EQ(ct_set_old(0), 0);
	for (k = 0; k < 2; k++) {
		sz = k == 0 ? 64 * 1024 : 1024 * 1024;
		w = ct_window(atop(sz), 0);
		KT_ASSERT_NE(w, ~(vm_paddr_t)0);
		n0 = CS(CONTIG_NEW);
		out0 = vm_cnt.v_swappgsout;
		p = contigmalloc(sz, M_CTTEST, M_NOWAIT, w, w + sz - 1, sz,
		    k == 0 ? 0 : sz);
		if (p == NULL) {
			printf("# %lu bytes at %#lx: %lu passes, %lu relocated, "
			    "%u free\n", sz, w,
			    CS(CONTIG_NEW).cs_passes - n0.cs_passes,
			    CS(CONTIG_NEW).cs_relocated - n0.cs_relocated,
			    vm_cnt.v_free_count);
			ktest_fail(kt, __FILE__, __LINE__, "no run");
			break;
		}
		KT_EXPECT_EQ(pmap_kextract((vm_offset_t)p), w);
		KT_EXPECT(ct_run_ok(p, sz, w, w + sz - 1, sz, 0));
		KT_EXPECT_EQ(CS(CONTIG_NEW).cs_relocated - n0.cs_relocated,
		    atop(sz));
		KT_EXPECT_EQ(CS(CONTIG_NEW).cs_written, n0.cs_written);
		KT_EXPECT_EQ(CS(CONTIG_NEW).cs_laundered, n0.cs_laundered);
		KT_EXPECT_EQ(CS(CONTIG_NEW).cs_successes - n0.cs_successes, 1);
		KT_EXPECT_EQ(CS(CONTIG_NEW).cs_passes - n0.cs_passes, 2);
		KT_EXPECT_EQ(vm_cnt.v_swappgsout, out0);
		memset(p, 0xa5, sz);
		KT_EXPECT_EQ(ct_bad_words(), 0);
		contigfree(p, sz, M_CTTEST);
	}

	/* The old algorithm cannot move anything without sleeping. */
	KT_ASSERT_EQ(ct_set_old(1), 0);
	w = ct_window(16, 0);
	KT_ASSERT_NE(w, ~(vm_paddr_t)0);
	o0 = CS(CONTIG_OLD);
	p = contigmalloc(ptoa(16), M_CTTEST, M_NOWAIT, w, w + ptoa(16) - 1,
	    ptoa(16), 0);
	KT_EXPECT_NULL(p);
	KT_EXPECT_EQ(CS(CONTIG_OLD).cs_failures - o0.cs_failures, 1);
	KT_EXPECT_EQ(CS(CONTIG_OLD).cs_requests - o0.cs_requests, 1);
	KT_EXPECT_EQ(CS(CONTIG_OLD).cs_written, o0.cs_written);
	ct_done(kt);
}

KTEST(contig, waitok_launders_only_the_range)
{
	struct vm_contig_stats n0;
	u_int out0, in0;
	vm_paddr_t w;
	void *p;

	if (!ct_fill(50))
		KT_FAIL("no pageable memory");
	KT_ASSERT_EQ(ct_set_old(0), 0);
	vm_contig_no_relocate = 1;
	w = ct_window(16, 0);
	KT_ASSERT_NE(w, ~(vm_paddr_t)0);
	n0 = CS(CONTIG_NEW);
	out0 = vm_cnt.v_swappgsout;
	in0 = vm_cnt.v_swappgsin;
	p = contigmalloc(ptoa(16), M_CTTEST, M_WAITOK, w, w + ptoa(16) - 1,
	    ptoa(16), 0);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT(ct_run_ok(p, ptoa(16), w, w + ptoa(16) - 1, ptoa(16), 0));
	/* Every page of the window was dirty: written alone, nothing else. */
	KT_EXPECT_EQ(CS(CONTIG_NEW).cs_laundered - n0.cs_laundered, 16);
	KT_EXPECT_EQ(CS(CONTIG_NEW).cs_written - n0.cs_written, 16);
	KT_EXPECT_EQ(CS(CONTIG_NEW).cs_relocated, n0.cs_relocated);
	KT_EXPECT_EQ(vm_cnt.v_swappgsout - out0, 16);
	memset(p, 0x5a, ptoa(16));
	/* Reading everything back faults exactly those 16 in from swap. */
	KT_EXPECT_EQ(ct_bad_words(), 0);
	KT_EXPECT_EQ(vm_cnt.v_swappgsin - in0, 16);
	contigfree(p, ptoa(16), M_CTTEST);
	ct_done(kt);
}

KTEST(contig, wired_and_kernel_pages_never_taken)
{
	vm_paddr_t wpa[NWIRED], w, kpa;
	vm_offset_t wva;
	void *p, *kbuf;
	int i, old;

	if (!ct_fill(30))
		KT_FAIL("no pageable memory");
	wva = ct.va + ptoa(ct.npages / 2);
	KT_ASSERT_EQ(vm_map_wire(pageable_map, wva, wva + ptoa(NWIRED)),
	    KERN_SUCCESS);
	for (i = 0; i < NWIRED; i++)
		wpa[i] = pmap_kextract(wva + ptoa(i));
	w = ct_window(4, 1);
	KT_ASSERT_NE(w, ~(vm_paddr_t)0);
	kbuf = malloc(128 * 1024, M_CTTEST, M_WAITOK);
	kpa = pmap_kextract((vm_offset_t)kbuf);
	for (old = 0; old < 2; old++) {
		KT_ASSERT_EQ(ct_set_old(old), 0);
		p = contigmalloc(ptoa(4), M_CTTEST, M_WAITOK, w,
		    w + ptoa(4) - 1, PAGE_SIZE, 0);
		KT_EXPECT_NULL(p);
		p = contigmalloc(PAGE_SIZE, M_CTTEST, M_WAITOK, kpa,
		    kpa + PAGE_SIZE - 1, PAGE_SIZE, 0);
		KT_EXPECT_NULL(p);
	}
	/* Impossible: more than RAM. */
	p = contigmalloc(ptoa((u_long)vm_cnt.v_page_count + 1), M_CTTEST,
	    M_WAITOK, 0, ~(vm_paddr_t)0, PAGE_SIZE, 0);
	KT_EXPECT_NULL(p);
	for (i = 0; i < NWIRED; i++)
		KT_EXPECT_EQ(pmap_kextract(wva + ptoa(i)), wpa[i]);
	free(kbuf, M_CTTEST);
	KT_EXPECT_EQ(vm_map_unwire(pageable_map, wva, wva + ptoa(NWIRED)),
	    KERN_SUCCESS);
	ct_done(kt);
}

KTEST(contig, kva_failure_gives_pages_back)
{
	struct vm_contig_stats n0;
	vm_paddr_t w;
	u_int free0;
	void *p;
	int i;

	if (!ct_fill(30))
		KT_FAIL("no pageable memory");
	KT_ASSERT_EQ(ct_set_old(0), 0);
	for (i = 0; i < 2; i++) {
		/* A free run (pass 0), then a relocated one. */
		w = i == 0 ? 0 : ct_window(16, 0);
		KT_ASSERT_NE(w, ~(vm_paddr_t)0);
		n0 = CS(CONTIG_NEW);
		free0 = vm_cnt.v_free_count;
		vm_contig_fail_kva = 1;
		p = contigmalloc(ptoa(16), M_CTTEST, M_NOWAIT, w,
		    i == 0 ? ~(vm_paddr_t)0 : w + ptoa(16) - 1, ptoa(16), 0);
		KT_EXPECT_NULL(p);
		KT_EXPECT_EQ(vm_contig_fail_kva, 0);
		KT_EXPECT_EQ(CS(CONTIG_NEW).cs_failures - n0.cs_failures, 1);
		KT_EXPECT_EQ(CS(CONTIG_NEW).cs_relocated - n0.cs_relocated,
		    i == 0 ? 0 : 16);
		/* Relocation used 16 free pages and gave 16 back. */
		KT_EXPECT_EQ(vm_cnt.v_free_count, free0);
	}
	ct_done(kt);
}

static struct {
	volatile u_int	done;
	volatile u_int	stop;
	u_long		bad;
	u_long		reads;
	u_long		allocs;
	u_long		badruns;
} ctr;

/*
 * The other CPU: read the pageable memory back, faulting, and ask for
 * small runs without sleeping, until told.
 */
static void
ct_reader(void *arg __unused)
{
	void *p;

	while (!ctr.stop) {
		ctr.bad += ct_bad_words();
		ctr.reads++;
		p = contigmalloc(ptoa(4), M_CTTEST, M_NOWAIT, 0,
		    ~(vm_paddr_t)0, PAGE_SIZE, 0);
		if (p == NULL)
			continue;
		if (!ct_run_ok(p, ptoa(4), 0, ~(vm_paddr_t)0, PAGE_SIZE, 0))
			ctr.badruns++;
		ctr.allocs++;
		contigfree(p, ptoa(4), M_CTTEST);
	}
	atomic_add_int(&ctr.done, 1);
	wakeup(__DEVOLATILE(void *, &ctr.done));
	kthread_exit();
}

KTEST(contig, sizes_both_algorithms_switched_at_runtime)
{
	static const u_long sizes[] = { 16 * 1024, 64 * 1024, 1024 * 1024,
	    4 * 1024 * 1024 };
	struct vm_contig_stats n0, o0;
	vm_paddr_t lo, hi, pa, low, high, bnd;
	vm_offset_t v;
	u_long sz, align, fails[2] = { 0, 0 }, smallfails = 0, used, total;
	vm_page_t *held;
	u_int nheld, max, k;
	void *p;
	int i, c, round;

	/* Most of RAM: what is left is the daemon's target and some. */
	if (!ct_fill(93))
		KT_FAIL("no pageable memory");
	/*
	 * Fragment the rest on purpose: take every free page and give back
	 * every other one, so no two free pages are buddies and the kernel
	 * pages kept lie between them.
	 */
	nheld = 0;
	held = malloc(sizeof(*held) * vm_cnt.v_free_count, M_CTTEST, M_WAITOK);
	max = vm_cnt.v_free_count;
	while (nheld < max &&
	    (held[nheld] = vm_page_alloc(NULL, 0, VM_ALLOC_INTERRUPT)) != NULL)
		nheld++;
	for (i = 0, k = 0; i < nheld; i++) {
		if ((VM_PAGE_TO_PHYS(held[i]) >> PAGE_SHIFT) & 1)
			vm_page_free(held[i]);
		else
			held[k++] = held[i];
	}
	nheld = k;
	printf("# %lu pageable pages, %u free, %u kernel pages between them\n",
	    ct.npages, vm_cnt.v_free_count, nheld);
	lo = ~(vm_paddr_t)0;
	hi = 0;
	for (v = ct.va; v < ct.va + ptoa(ct.npages); v += PAGE_SIZE) {
		if ((pa = pmap_kextract(v)) == 0)
			continue;
		lo = MIN(lo, pa);
		hi = MAX(hi, pa + PAGE_SIZE - 1);
	}
	n0 = CS(CONTIG_NEW);
	o0 = CS(CONTIG_OLD);
	ctr.done = ctr.stop = 0;
	ctr.bad = ctr.reads = ctr.allocs = ctr.badruns = 0;
	KT_ASSERT_EQ(kthread_add(ct_reader, NULL, NULL, NULL, 0, 0,
	    "ctreader"), 0);
	for (round = 0; round < 2; round++)
	for (i = 0; i < (int)nitems(sizes); i++)
	for (c = 0; c < 3; c++) {
		/* The switch, between any two requests. */
		KT_ASSERT_EQ(ct_set_old((i + c + round) & 1), 0);
		sz = sizes[i];
		low = c == 2 ? 0 : lo;
		high = c == 2 ? ~(vm_paddr_t)0 : hi;
		align = c == 1 ? sz : PAGE_SIZE;
		bnd = c == 2 ? 2 * sz : 0;
		p = contigmalloc(sz, M_CTTEST, M_WAITOK, low, high, align,
		    bnd);
		if (p == NULL) {
			/*
			 * Once the old algorithm has filled swap, a run that
			 * needs laundering cannot be had: not the new one's
			 * failure.
			 */
			swap_pager_status(&used, &total);
			printf("# %lu bytes [%#lx, %#lx] align %#lx boundary "
			    "%#lx (%s): failed, swap %lu/%lu\n", sz, low, high,
			    align, bnd, ((i + c + round) & 1) ? "old" : "new",
			    used, total);
			if (used * 10 < total * 9)
				fails[(i + c + round) & 1]++;
			if (sz <= 64 * 1024)
				smallfails++;
			continue;
		}
		KT_EXPECT(ct_run_ok(p, sz, low, high, align, bnd));
		memset(p, 0x3c, sz);
		contigfree(p, sz, M_CTTEST);
	}
	ctr.stop = 1;
	while (ctr.done == 0)
		tsleep(__DEVOLATILE(void *, &ctr.done), 0, "ctwait", hz);
	for (k = 0; k < nheld; k++)
		vm_page_free(held[k]);
	free(held, M_CTTEST);
	KT_EXPECT_EQ(ctr.bad, 0);
	/*
	 * The new algorithm serves every request; the old one at least the
	 * small ones (its page-out in general may not free a whole run).
	 */
	KT_EXPECT_EQ(fails[0], 0);
	KT_EXPECT_EQ(smallfails, 0);
	printf("# new: %lu requests, %lu passes, %lu relocated, %lu "
	    "laundered, %lu written; old: %lu requests, %lu passes, %lu "
	    "laundered, %lu written; %lu reads and %lu runs by the other "
	    "CPU\n",
	    CS(CONTIG_NEW).cs_requests - n0.cs_requests,
	    CS(CONTIG_NEW).cs_passes - n0.cs_passes,
	    CS(CONTIG_NEW).cs_relocated - n0.cs_relocated,
	    CS(CONTIG_NEW).cs_laundered - n0.cs_laundered,
	    CS(CONTIG_NEW).cs_written - n0.cs_written,
	    CS(CONTIG_OLD).cs_requests - o0.cs_requests,
	    CS(CONTIG_OLD).cs_passes - o0.cs_passes,
	    CS(CONTIG_OLD).cs_laundered - o0.cs_laundered,
	    CS(CONTIG_OLD).cs_written - o0.cs_written, ctr.reads,
	    ctr.allocs);
	/* 12 each from this CPU, the other's on top. */
	KT_EXPECT_EQ(CS(CONTIG_NEW).cs_requests - n0.cs_requests +
	    CS(CONTIG_OLD).cs_requests - o0.cs_requests, 24 + ctr.reads);
	KT_EXPECT_GE(CS(CONTIG_NEW).cs_requests - n0.cs_requests, 12);
	KT_EXPECT_GE(CS(CONTIG_OLD).cs_requests - o0.cs_requests, 12);
	/* The memory was full: the new algorithm had to move pages. */
	KT_EXPECT_GT(CS(CONTIG_NEW).cs_relocated - n0.cs_relocated +
	    CS(CONTIG_NEW).cs_laundered - n0.cs_laundered, 0);
	ct_done(kt);
}
