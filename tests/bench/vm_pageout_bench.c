/*
 * Pageable memory benchmarks (issue 12): a zero-fill fault, a page
 * written to swap (clustered, the page freed), a page faulted back in
 * from swap.  Without a swap device the benches make a memory disk and
 * swap on it for the duration.  Rows: vm_fault_zero_fill, pageout_page,
 * pagein_fault (per page: instructions under icount, pages/s under
 * MTTCG).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <sys/disk.h>
#include <machine/pmap.h>
#include <dev/md/md.h>
#include <vm/vm.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_pageout.h>
#include <vm/swap_pager.h>

#define	PO_PAGES	2048

static struct disk *pob_md;

/* Swap for the bench: the kernel's, or a memory disk made now. */
static int
pob_swap_begin(void)
{
	if (swap_device_name() != NULL)
		return (1);
	if ((pob_md = md_create(ptoa(PO_PAGES) * 2)) == NULL)
		return (0);
	if (swapon_disk(pob_md) != 0) {
		md_destroy(pob_md);
		pob_md = NULL;
		return (0);
	}
	return (1);
}

static void
pob_swap_end(void)
{
	if (pob_md == NULL)
		return;
	if (swapon_disk(NULL) == 0)
		md_destroy(pob_md);
	pob_md = NULL;
}

/* Deactivate (unmap) the pages of [va, va + n pages), as aging does. */
static void
pob_deactivate(vm_offset_t va, u_long n)
{
	vm_object_t obj;
	vm_pindex_t pi;
	u_long i;

	if (vm_map_lookup(pageable_map, va, &obj, &pi) != KERN_SUCCESS)
		return;
	pmap_qremove(va, n);
	VM_OBJECT_LOCK(obj);
	for (i = 0; i < n; i++)
		if (obj->pages[pi + i] != NULL)
			vm_page_deactivate(obj->pages[pi + i]);
	VM_OBJECT_UNLOCK(obj);
	vm_object_deallocate(obj);
}

/* Page out [va, va + n pages): clusters written, every page freed. */
static void
pob_pageout(vm_offset_t va, u_long n)
{
	vm_object_t obj;
	vm_pindex_t pi;
	vm_page_t m;
	u_long i;

	if (vm_map_lookup(pageable_map, va, &obj, &pi) != KERN_SUCCESS)
		return;
	VM_OBJECT_LOCK(obj);
	for (i = 0; i < n; i++) {
		if ((m = obj->pages[pi + i]) == NULL)
			continue;
		if (m->dirty && vm_pageout_flush_page(m, 1) != 0)
			continue;
		vm_page_free(m);
	}
	VM_OBJECT_UNLOCK(obj);
	vm_object_deallocate(obj);
}

static void
pob_touch(vm_offset_t va, u_long n, int write)
{
	u_long i;

	for (i = 0; i < n; i++) {
		if (write)
			*(volatile uint64_t *)(va + ptoa(i)) = i;
		else
			(void)*(volatile uint64_t *)(va + ptoa(i));
	}
}

BENCH_ITERS(vm_fault_zero_fill, "write fault on a fresh pageable page "
    "(zero-filled)", PO_PAGES)
{
	vm_offset_t va;
	uint64_t done, n;

	bench_start(b);
	for (done = 0; done < b->bc_iters; done += n) {
		n = MIN(b->bc_iters - done, PO_PAGES);
		va = kmem_alloc_pageable(pageable_map, ptoa(n));
		pob_touch(va, n, 1);
		kmem_free_pageable(pageable_map, va, ptoa(n));
	}
	bench_stop(b);
}

/* n dirty, unmapped, inactive pages on swap-backed memory, or 0. */
static vm_offset_t
pob_setup(uint64_t n)
{
	vm_offset_t va;

	if (!pob_swap_begin())
		return (0);
	va = kmem_alloc_pageable(pageable_map, ptoa(n));
	pob_touch(va, n, 1);
	pob_deactivate(va, n);
	return (va);
}

static void
pob_teardown(vm_offset_t va, uint64_t n)
{
	kmem_free_pageable(pageable_map, va, ptoa(n));
	pob_swap_end();
}

BENCH_ITERS(pageout_page, "one dirty page to swap (16-page clusters) "
    "and freed", PO_PAGES)
{
	uint64_t n = MIN(b->bc_iters, PO_PAGES);
	vm_offset_t va;

	if ((va = pob_setup(n)) == 0)
		return;
	bench_start(b);
	pob_pageout(va, n);
	bench_stop(b);
	b->bc_iters = n;
	pob_teardown(va, n);
}

BENCH_ITERS(pagein_fault, "read fault on a page on swap (read back)",
    PO_PAGES)
{
	uint64_t n = MIN(b->bc_iters, PO_PAGES);
	vm_offset_t va;

	if ((va = pob_setup(n)) == 0)
		return;
	pob_pageout(va, n);
	bench_start(b);
	pob_touch(va, n, 0);
	bench_stop(b);
	b->bc_iters = n;
	pob_teardown(va, n);
}
