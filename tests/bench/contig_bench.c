/*
 * contigmalloc(9) under fragmentation (issue 13), one row per algorithm:
 * contig_frag_new (vm.old_contigmalloc=0) and contig_frag_old (=1).
 *
 * Setup, the same for both: swap on a 128 MiB memory disk made for the
 * bench; pageable memory filling 90% of the free RAM, one word written
 * in every page (so every page is dirty), its page-table pages taken
 * first (one touch every 2 MiB) so they do not split the pages between
 * them; then every free page is taken and every other one given back, so
 * no two free pages are buddies and kernel pages lie between them.  The
 * measured operation is one M_WAITOK request, 1 MiB and 4 MiB in turn,
 * anywhere in memory, kept until the series ends (so a run freed cannot
 * serve the next request).  Figures: success_pct (requests
 * served), pages_written (pages written to swap during the series, per
 * request served), pages_relocated (pages the series copied).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <sys/disk.h>
#include <sys/malloc.h>
#include <sys/vmmeter.h>
#include <dev/md/md.h>
#include <vm/vm.h>
#include <vm/vm_contig.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>
#include <vm/uma.h>

static MALLOC_DEFINE(M_CONTIGBENCH, "contigbench", "contigmalloc bench");

#define	CFB_SWAP	(128UL * 1024 * 1024)
#define	CFB_PT_SPAN	512	/* pages one page-table page maps */
#define	CFB_MAXREQ	64
#define	CFB_SIZE(i)	(((i) & 1) != 0 ? 4UL << 20 : 1UL << 20)

static struct {
	struct disk	*md;
	vm_offset_t	va;
	u_long		npages;
	vm_page_t	*held;
	u_int		nheld;
} cfb;

static int
cfb_setup(void)
{
	vm_page_t m;
	u_long i;
	u_int max, k;

	cfb.md = NULL;
	if (swap_device_name() == NULL) {
		if ((cfb.md = md_create(CFB_SWAP)) == NULL)
			return (0);
		if (swapon_disk(cfb.md) != 0) {
			md_destroy(cfb.md);
			cfb.md = NULL;
			return (0);
		}
	}
	uma_reclaim();
	cfb.npages = (u_long)vm_cnt.v_free_count * 9 / 10;
	cfb.va = kmem_alloc_pageable(pageable_map, ptoa(cfb.npages));
	if (cfb.va == 0)
		return (0);
	for (i = 0; i < cfb.npages; i += CFB_PT_SPAN)
		*(volatile u_long *)(cfb.va + ptoa(i)) = i;
	for (i = 0; i < cfb.npages; i++)
		*(volatile u_long *)(cfb.va + ptoa(i)) = i;
	max = vm_cnt.v_free_count;
	cfb.held = malloc(sizeof(*cfb.held) * max, M_CONTIGBENCH, M_WAITOK);
	for (cfb.nheld = 0; cfb.nheld < max; cfb.nheld++)
		if ((cfb.held[cfb.nheld] = vm_page_alloc(NULL, 0,
		    VM_ALLOC_INTERRUPT)) == NULL)
			break;
	for (i = 0, k = 0; i < cfb.nheld; i++) {
		m = cfb.held[i];
		if (atop(VM_PAGE_TO_PHYS(m)) & 1)
			vm_page_free(m);
		else
			cfb.held[k++] = m;
	}
	cfb.nheld = k;
	return (1);
}

static void
cfb_teardown(void)
{
	u_int k;

	for (k = 0; k < cfb.nheld; k++)
		vm_page_free(cfb.held[k]);
	free(cfb.held, M_CONTIGBENCH);
	if (cfb.va != 0)
		kmem_free_pageable(pageable_map, cfb.va, ptoa(cfb.npages));
	cfb.va = 0;
	if (cfb.md != NULL && swapon_disk(NULL) == 0)
		md_destroy(cfb.md);
	cfb.md = NULL;
}

static void
cfb_run(struct bench_ctx *b, int old)
{
	struct vm_contig_stats *st = &vm_contig_stats[old ? CONTIG_OLD :
	    CONTIG_NEW];
	static void *got[CFB_MAXREQ];
	u_long reloc0, done = 0;
	u_int out0;
	uint64_t i;
	int old0;

	if (!cfb_setup()) {
		cfb_teardown();
		return;
	}
	old0 = vm_old_contigmalloc;
	vm_old_contigmalloc = old;
	reloc0 = st->cs_relocated;
	out0 = vm_cnt.v_swappgsout;
	if (b->bc_iters > CFB_MAXREQ)
		b->bc_iters = CFB_MAXREQ;
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		got[i] = contigmalloc(CFB_SIZE(i), M_CONTIGBENCH, M_WAITOK, 0,
		    ~(vm_paddr_t)0, PAGE_SIZE, 0);
		if (got[i] != NULL)
			done++;
	}
	bench_stop(b);
	for (i = 0; i < b->bc_iters; i++)
		if (got[i] != NULL)
			contigfree(got[i], CFB_SIZE(i), M_CONTIGBENCH);
	vm_old_contigmalloc = old0;
	bench_report(b, "success_pct", (intmax_t)(done * 100 / b->bc_iters));
	bench_report(b, "pages_written", done == 0 ? 0 :
	    (intmax_t)((vm_cnt.v_swappgsout - out0) / done));
	bench_report(b, "pages_relocated",
	    (intmax_t)(st->cs_relocated - reloc0));
	cfb_teardown();
}

BENCH_ITERS(contig_frag_new, "contigmalloc 1M/4M M_WAITOK, 90% of RAM "
    "pageable, fragmented: passes (free, relocate, launder)", 8)
{
	cfb_run(b, 0);
}

BENCH_ITERS(contig_frag_old, "contigmalloc 1M/4M M_WAITOK, 90% of RAM "
    "pageable, fragmented: vm.old_contigmalloc=1", 8)
{
	cfb_run(b, 1);
}
