/*
 * Physical memory: a binary buddy allocator per memory segment.
 *
 * Each segment (a range of RAM from the boot memory map) keeps free lists
 * of blocks of 2^order pages, order 0 .. VM_NFREEORDER - 1, each block
 * naturally aligned within physical memory.  The head page of a free block
 * has PG_FREE and its order; the other pages of the block carry nothing, so
 * splitting and merging cost O(1) per level.  A freed block merges with
 * its buddy (the block whose address differs in bit order + PAGE_SHIFT)
 * while the buddy is a free head of the same order in the same segment.
 *
 * Contiguous runs (vm_phys_alloc_contig) are carved out of one free block
 * of sufficient order that contains a run satisfying the address window,
 * alignment and boundary; the rest of the block goes back to the lists.
 * Runs are therefore limited to the largest block, 16 MiB.
 *
 * Locking: the caller holds the free queue lock (vm_page.c).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <vm/vm.h>
#include <vm/vm_page.h>
#include <vm/vm_phys.h>

#define	VM_PHYSSEG_MAX	PHYS_AVAIL_ENTRIES

struct vm_phys_seg	vm_phys_segs[VM_PHYSSEG_MAX];
int			vm_phys_nsegs;

void
vm_phys_add_seg(vm_paddr_t start, vm_paddr_t end)
{
	struct vm_phys_seg *seg;
	int i;

	KASSERT(vm_phys_nsegs < VM_PHYSSEG_MAX, ("too many memory segments"));
	seg = &vm_phys_segs[vm_phys_nsegs++];
	seg->start = start;
	seg->end = end;
	for (i = 0; i < VM_NFREEORDER; i++)
		LIST_INIT(&seg->free[i]);
}

/*
 * The list operations with the block's segment and order given (the
 * callers know them), so the per-level loops of the one-page paths do
 * not read them back from the page.  They are LIST_INSERT_HEAD and
 * LIST_REMOVE with each link read once: the macros read a link again
 * after a store through another, which the compiler must assume aliases.
 */
static __always_inline void
seg_freelist_add(struct vm_phys_seg *seg, vm_page_t m, int order)
{
	struct vm_page **head = &LIST_FIRST(&seg->free[order]);
	vm_page_t next = *head;

	m->flags |= PG_FREE;
	m->order = order;
	m->plinks.le_next = next;
	m->plinks.le_prev = head;
	if (next != NULL)
		next->plinks.le_prev = &m->plinks.le_next;
	*head = m;
	seg->nfree[order]++;
}

static __always_inline void
seg_freelist_remove(struct vm_phys_seg *seg, vm_page_t m, int order)
{
	vm_page_t next = m->plinks.le_next;
	struct vm_page **prev = m->plinks.le_prev;

	m->flags &= ~PG_FREE;
	seg->nfree[order]--;
	if (next != NULL)
		next->plinks.le_prev = prev;
	*prev = next;
}

static void
freelist_add(vm_page_t m, int order)
{
	seg_freelist_add(&vm_phys_segs[m->segind], m, order);
}

static void
freelist_remove(vm_page_t m)
{
	seg_freelist_remove(&vm_phys_segs[m->segind], m, m->order);
}

/* Give back the upper halves of a block of seg being split down to order. */
static __always_inline void
split_block(struct vm_phys_seg *seg, vm_page_t m, int from, int to)
{
	while (from > to) {
		from--;
		seg_freelist_add(seg, &m[1UL << from], from);
	}
}

vm_page_t
vm_phys_alloc_pages(int order)
{
	struct vm_phys_seg *seg;
	vm_page_t m;
	int s, o;

	for (s = 0; s < vm_phys_nsegs; s++) {
		seg = &vm_phys_segs[s];
		for (o = order; o < VM_NFREEORDER; o++) {
			if ((m = LIST_FIRST(&seg->free[o])) == NULL)
				continue;
			seg_freelist_remove(seg, m, o);
			split_block(seg, m, o, order);
			return (m);
		}
	}
	return (NULL);
}

void
vm_phys_free_pages(vm_page_t m, int order)
{
	struct vm_phys_seg *seg = &vm_phys_segs[m->segind];
	vm_paddr_t pa, bpa;
	vm_page_t buddy;

	KASSERT((m->flags & (PG_FREE | PG_MANAGED)) == PG_MANAGED,
	    ("vm_phys_free_pages: page %#lx is free or unmanaged",
	    m->phys_addr));
	pa = m->phys_addr;
	while (order < VM_NFREEORDER - 1) {
		bpa = pa ^ (1UL << (order + PAGE_SHIFT));
		if (bpa < seg->start || bpa + (1UL << (order + PAGE_SHIFT)) >
		    seg->end)
			break;
		buddy = PHYS_TO_VM_PAGE(bpa);
		if ((buddy->flags & PG_FREE) == 0 || buddy->order != order)
			break;
		seg_freelist_remove(seg, buddy, order);
		order++;
		pa &= ~(1UL << (order - 1 + PAGE_SHIFT));
	}
	seg_freelist_add(seg, PHYS_TO_VM_PAGE(pa), order);
}

/* Free a run page by page in the largest aligned blocks that fit. */
void
vm_phys_free_contig(vm_page_t m, u_long npages)
{
	u_long n;
	int order;

	while (npages > 0) {
		for (order = VM_NFREEORDER - 1; order > 0; order--) {
			n = 1UL << order;
			if (n <= npages && (atop(m->phys_addr) & (n - 1)) == 0)
				break;
		}
		vm_phys_free_pages(m, order);
		m += 1UL << order;
		npages -= 1UL << order;
	}
}

int
vm_phys_fit(vm_paddr_t from, vm_paddr_t limit, vm_paddr_t size,
    u_long alignment, vm_paddr_t boundary, vm_paddr_t *startp)
{
	vm_paddr_t s;

	s = roundup2(from, alignment);
	while (s + size <= limit && s + size > s) {
		if (boundary == 0 ||
		    ((s ^ (s + size - 1)) & ~(boundary - 1)) == 0) {
			*startp = s;
			return (1);
		}
		/* Skip to the next boundary, then realign. */
		s = roundup2(roundup2(s + 1, boundary), alignment);
	}
	return (0);
}

vm_page_t
vm_phys_alloc_contig(u_long npages, vm_paddr_t low, vm_paddr_t high,
    u_long alignment, vm_paddr_t boundary)
{
	struct vm_phys_seg *seg;
	vm_paddr_t size = ptoa(npages), bstart, bend, start;
	vm_page_t m, head;
	int s, o, order;

	for (order = 0; (1UL << order) < npages; order++)
		;
	if (order >= VM_NFREEORDER)
		return (NULL);
	for (s = 0; s < vm_phys_nsegs; s++) {
		seg = &vm_phys_segs[s];
		for (o = order; o < VM_NFREEORDER; o++) {
			LIST_FOREACH(head, &seg->free[o], plinks) {
				bstart = MAX(head->phys_addr, low);
				bend = head->phys_addr + ptoa(1UL << o);
				if (high < bend - 1)
					bend = high + 1;
				if (bend <= bstart ||
				    !vm_phys_fit(bstart, bend, size, alignment,
				    boundary, &start))
					continue;
				/* Take the block, keep the run, free the rest. */
				freelist_remove(head);
				m = PHYS_TO_VM_PAGE(start);
				if (start > head->phys_addr)
					vm_phys_free_contig(head,
					    atop(start - head->phys_addr));
				if (start + size < head->phys_addr +
				    ptoa(1UL << o))
					vm_phys_free_contig(&m[npages],
					    atop(head->phys_addr +
					    ptoa(1UL << o) - start - size));
				return (m);
			}
		}
	}
	return (NULL);
}

/*
 * Take the single free page m out of the free block holding it, splitting
 * the block and giving back the halves that do not hold m.  0 if m is not
 * free.
 */
int
vm_phys_unfree_page(vm_page_t m)
{
	vm_paddr_t pa = m->phys_addr, hpa;
	vm_page_t head;
	int o, order;

	for (o = 0; o < VM_NFREEORDER; o++) {
		hpa = pa & ~((vm_paddr_t)ptoa(1UL << o) - 1);
		if (atop(hpa) >= vm_page_array_size)
			continue;
		head = PHYS_TO_VM_PAGE(hpa);
		if ((head->flags & PG_FREE) != 0 && head->segind == m->segind &&
		    head->order >= o &&
		    pa < hpa + ptoa(1UL << head->order))
			break;
	}
	if (o == VM_NFREEORDER)
		return (0);
	order = head->order;
	freelist_remove(head);
	while (order > 0) {
		order--;
		if (pa < head->phys_addr + ptoa(1UL << order))
			freelist_add(&head[1UL << order], order);
		else {
			freelist_add(head, order);
			head = &head[1UL << order];
		}
	}
	return (1);
}
