/*
 * Physical memory segments and their buddy free lists.
 */
#ifndef _VM_VM_PHYS_H_
#define	_VM_VM_PHYS_H_

#include <vm/vm_page.h>

#define	VM_NFREEORDER	13	/* blocks of 1 page .. 16 MiB */

struct vm_phys_seg {
	vm_paddr_t	start;
	vm_paddr_t	end;
	LIST_HEAD(, vm_page) free[VM_NFREEORDER];
	u_long		nfree[VM_NFREEORDER];
};

extern struct vm_phys_seg	vm_phys_segs[];
extern int			vm_phys_nsegs;

/* Free-list operations; the free queue lock must be held. */
vm_page_t vm_phys_alloc_pages(int order);
void	vm_phys_free_pages(vm_page_t m, int order);
void	vm_phys_free_contig(vm_page_t m, u_long npages);
vm_page_t vm_phys_alloc_contig(u_long npages, vm_paddr_t low, vm_paddr_t high,
	    u_long alignment, vm_paddr_t boundary);
/*
 * The first run start >= from inside [from, limit) of size bytes, aligned,
 * not crossing boundary (0: none), in *startp: 1, or 0 if there is none.
 */
int	vm_phys_fit(vm_paddr_t from, vm_paddr_t limit, vm_paddr_t size,
	    u_long alignment, vm_paddr_t boundary, vm_paddr_t *startp);
/* Take free page m out of the lists (0: m is not free). */
int	vm_phys_unfree_page(vm_page_t m);
void	vm_phys_add_seg(vm_paddr_t start, vm_paddr_t end);

#endif /* !_VM_VM_PHYS_H_ */
