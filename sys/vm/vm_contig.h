/*
 * contigmalloc(9)'s two algorithms (vm_contig.c): statistics and test
 * hooks.  The KPI itself is in <sys/malloc.h>.
 */
#ifndef _VM_VM_CONTIG_H_
#define	_VM_VM_CONTIG_H_

#include <sys/types.h>

#define	CONTIG_NEW	0	/* passes: free, relocate, launder */
#define	CONTIG_OLD	1	/* free run, else page out in general */

/* vm.contig.{new,old}.*: one set per algorithm, updated atomically. */
struct vm_contig_stats {
	u_long	cs_requests;	/* contigmalloc() calls */
	u_long	cs_successes;	/* ... that returned memory */
	u_long	cs_failures;	/* ... that returned NULL */
	u_long	cs_passes;	/* passes run (new) or retries (old) */
	u_long	cs_relocated;	/* pages copied out of a range (new) */
	u_long	cs_laundered;	/* object pages freed to make room */
	u_long	cs_written;	/* pages written to swap to make room */
};
extern struct vm_contig_stats vm_contig_stats[2];
extern int	vm_old_contigmalloc;	/* vm.old_contigmalloc */

/*
 * Test hooks: the next N kernel_map allocations of contigmalloc fail
 * (as when kernel_map is full); with no_relocate set the new algorithm
 * skips its relocation pass (so a test can make it launder).
 */
extern volatile int	vm_contig_fail_kva;
extern volatile int	vm_contig_no_relocate;

#endif /* !_VM_VM_CONTIG_H_ */
