/*
 * System-wide page counts (vm.stats.vm.*).
 */
#ifndef _SYS_VMMETER_H_
#define	_SYS_VMMETER_H_

#include <sys/types.h>

struct vmmeter {
	volatile u_int	v_page_count;	/* pages managed by the page layer */
	volatile u_int	v_free_count;	/* pages on the free lists */
	volatile u_int	v_wire_count;	/* pages allocated and wired */
	volatile u_int	v_free_min;	/* low-memory threshold */
	volatile u_int	v_free_reserved; /* NORMAL allocations stop here */
	volatile u_int	v_interrupt_free_min; /* SYSTEM allocations stop here */
};

extern struct vmmeter	vm_cnt;

#endif /* !_SYS_VMMETER_H_ */
