/*
 * The page daemon (vm_pageout.c).
 */
#ifndef _VM_VM_PAGEOUT_H_
#define	_VM_VM_PAGEOUT_H_

#include <vm/vm.h>

/* Ask the daemon to run (cheap; safe with spin locks held). */
void	vm_pageout_wakeup(void);

/*
 * Write m (a dirty object page, its object locked, not busy, not wired)
 * and the dirty unwired neighbours in its object that are not active, up
 * to SWB_NPAGES, to swap, and wait.  While written they stay on their
 * queues, busy.  Pages written are clean and inactive (m, if take, left
 * on its queue for the caller to free); pages not written stay dirty on
 * the laundry queue.  Returns 0 when m was written, else why not (ENOSPC,
 * EIO, ENOMEM).  Drops and retakes the object lock.  For the daemon and
 * for contigmalloc's laundering.
 */
int	vm_pageout_flush_page(vm_page_t m, int take);
/* A page (object locked) a scan cannot move now: to its queue's tail. */
void	vm_pageout_skip(vm_page_t m, int q);

/* One pass of the daemon's scan toward the free target, for tests. */
void	vm_pageout_scan_once(void);

/* Is the calling thread the page daemon? */
int	vm_pageout_curthread(void);

#endif /* !_VM_VM_PAGEOUT_H_ */
