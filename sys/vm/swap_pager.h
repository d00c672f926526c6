/*
 * The swap pager: anonymous pages of VM objects on a disk.
 *
 * One swap device, a disk named by the tunable vm.swap_device (default
 * "vtbd0"), chosen at boot (SI_SUB_SWAP) or later with swapon(); without
 * one the kernel says "no swap device" and pages nothing out.  Swap space
 * is a bitmap of page-sized blocks; each object records, per page index,
 * the block holding that page (struct swblk, SWAP_META_PAGES indexes per
 * record, from the UMA zone "SWAPMETA").
 */
#ifndef _VM_SWAP_PAGER_H_
#define	_VM_SWAP_PAGER_H_

#include <sys/types.h>
#include <vm/vm.h>

#define	SWAP_META_PAGES	32		/* indexes per struct swblk */
#define	SWAPBLK_NONE	((daddr_t)-1)
#define	SWB_NPAGES	16		/* pages per write cluster */

struct swblk {
	vm_pindex_t	p;		/* first index covered */
	daddr_t		d[SWAP_META_PAGES]; /* block, or SWAPBLK_NONE */
};

struct vm_object;
struct disk;

/* Object hooks (vm_object.c): set up and tear down the metadata table. */
void	swap_pager_init_object(struct vm_object *obj);
void	swap_pager_fini_object(struct vm_object *obj);
/* Free the swap blocks of [start, start + n); object locked. */
void	swap_pager_freespace(struct vm_object *obj, vm_pindex_t start,
	    vm_pindex_t n);
/* Does pindex have a copy on swap?  Object locked. */
int	swap_pager_haspage(struct vm_object *obj, vm_pindex_t pindex);

/*
 * Read m (busy, in obj at its index, the object unlocked) from swap:
 * 0, or EIO after a read error (reported on the console as FreeBSD does:
 * "swap_pager: I/O error - pagein failed; ...").
 */
int	swap_pager_getpages(struct vm_object *obj, vm_page_t m);
/*
 * Write count busy pages of obj (consecutive indexes, object unlocked)
 * to swap: in one request when a run of count blocks is free, else in
 * smaller runs.  0 with every page clean and its block recorded; else
 * ENOSPC (no swap device or space) or EIO (a write failed: "swap_pager:
 * I/O error - pageout failed; ..."), the pages not written left dirty.
 */
int	swap_pager_putpages(struct vm_object *obj, vm_page_t *ma, int count);

/* Use disk dp for swap (NULL: stop; only when no block is in use). */
int	swapon_disk(struct disk *dp);
/* The swap device's name, or NULL. */
const char *swap_device_name(void);

/*
 * Swap reservation (vm.swap_reserved): pageable memory is charged when
 * it is created.  With vm.overcommit bit 0 set, a charge that would pass
 * swap space plus the unwired pages is refused (0); by default, as in
 * FreeBSD, it is only counted.
 */
int	swap_reserve(vm_size_t size);
void	swap_release(vm_size_t size);

/* Pages of swap in use and in total. */
void	swap_pager_status(u_long *used, u_long *total);
/* Swap I/O errors since boot (read, write). */
void	swap_pager_errors(u_long *rerr, u_long *werr);

#endif /* !_VM_SWAP_PAGER_H_ */
