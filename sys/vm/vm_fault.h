/*
 * Page faults on pageable kernel memory (vm_fault.c).
 */
#ifndef _VM_VM_FAULT_H_
#define	_VM_VM_FAULT_H_

#include <vm/vm.h>

struct trapframe;

/*
 * Make the page behind va in map resident and mapped for fault_type
 * (VM_PROT_READ or VM_PROT_WRITE); wire: also wire it.  KERN_SUCCESS;
 * KERN_INVALID_ADDRESS (no pageable memory there); KERN_FAILURE (the
 * swap read failed: the page stays on swap, the error was reported).
 * May sleep.
 */
int	vm_fault(vm_map_t map, vm_offset_t va, int fault_type, int wire);

/*
 * The trap's hook: 1 when the page fault at eva was in pageable memory
 * and is resolved; 0 to let the trap go on (and be fatal).  Faults with
 * interrupts disabled or in a critical section cannot sleep for a page
 * and are left fatal, as FreeBSD does.
 */
int	vm_fault_trap(struct trapframe *tf, vm_offset_t eva);

#endif /* !_VM_VM_FAULT_H_ */
