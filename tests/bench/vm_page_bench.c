/*
 * Page layer benchmarks.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <vm/vm.h>
#include <vm/vm_page.h>

BENCH(vm_page_alloc_free, "vm_page_alloc + vm_page_free of one page")
{
	vm_page_t m;
	uint64_t i;

	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		m = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
		vm_page_free(m);
	}
	bench_stop(b);
}

BENCH_ITERS(vm_page_contig16, "vm_page_alloc_contig + release, 16 pages",
    20000)
{
	vm_page_t m;
	uint64_t i;

	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		m = vm_page_alloc_contig(16, 0, ~(vm_paddr_t)0, PAGE_SIZE, 0);
		vm_page_release_contig(m, 16);
	}
	bench_stop(b);
}
