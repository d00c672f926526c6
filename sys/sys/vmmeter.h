/*
 * System-wide page counts and paging targets (vm.stats.vm.*, vm.v_free_*).
 *
 * Every managed page is counted in exactly one of v_free_count,
 * v_wire_count, v_active_count, v_inactive_count and v_laundry_count,
 * except an object page while it is being filled or written (busy, off
 * the queues): at rest the five add up to v_page_count.
 *
 * Targets (pages), FreeBSD's names and formulas (vm_page.c):
 *   v_free_reserved	VM_ALLOC_NORMAL allocations stop here
 *   v_free_min		below it the low-memory event fires
 *   v_free_target	the page daemon frees until this many are free
 *   v_free_severe	allocations that may wait, wait below it
 *   v_inactive_target	the daemon keeps this many pages inactive
 */
#ifndef _SYS_VMMETER_H_
#define	_SYS_VMMETER_H_

#include <sys/types.h>

struct vmmeter {
	volatile u_int	v_page_count;	/* pages managed by the page layer */
	volatile u_int	v_free_count;	/* pages on the free lists */
	volatile u_int	v_wire_count;	/* pages allocated and wired */
	volatile u_int	v_active_count;	/* object pages recently used */
	volatile u_int	v_inactive_count; /* object pages to be reclaimed */
	volatile u_int	v_laundry_count; /* dirty pages waiting for swap */
	volatile u_int	v_free_min;	/* low-memory threshold */
	volatile u_int	v_free_reserved; /* NORMAL allocations stop here */
	volatile u_int	v_free_target;	/* the page daemon's goal */
	volatile u_int	v_free_severe;	/* waiting allocations sleep here */
	volatile u_int	v_inactive_target; /* pages kept inactive */
	volatile u_int	v_pageout_free_min; /* reserved for page-out */
	volatile u_int	v_interrupt_free_min; /* SYSTEM allocations stop here */
	volatile u_int	v_swappgsin;	/* pages read from swap */
	volatile u_int	v_swappgsout;	/* pages written to swap */
	volatile u_int	v_swapin;	/* swap read operations */
	volatile u_int	v_swapout;	/* swap write operations */
	volatile u_int	v_pdwakeups;	/* page daemon wakeups */
	volatile u_int	v_pdpages;	/* pages examined by the daemon */
	volatile u_int	v_pdshortfalls;	/* passes that missed the target */
	volatile u_int	v_reactivated;	/* inactive pages used again */
	volatile u_int	v_vm_faults;	/* vm_fault calls */
	volatile u_int	v_zfod;		/* zero-filled on first touch */
	volatile u_int	v_dfree;	/* pages freed by the daemon */
};

extern struct vmmeter	vm_cnt;

#endif /* !_SYS_VMMETER_H_ */
