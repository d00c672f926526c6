/*
 * Common VM types.
 */
#ifndef _VM_VM_H_
#define	_VM_VM_H_

#include <sys/types.h>

struct vm_map;
typedef struct vm_map	*vm_map_t;
struct vm_page;
typedef struct vm_page	*vm_page_t;
struct vm_object;
typedef struct vm_object *vm_object_t;

#ifndef _DADDR_T_DECLARED
typedef int64_t		daddr_t;	/* a disk block number */
#define	_DADDR_T_DECLARED
#endif

/* Access types (vm_fault's fault_type). */
#define	VM_PROT_NONE	0x00
#define	VM_PROT_READ	0x01
#define	VM_PROT_WRITE	0x02

/* Mach's return codes, as FreeBSD's VM uses them. */
#define	KERN_SUCCESS		0
#define	KERN_INVALID_ADDRESS	1
#define	KERN_PROTECTION_FAILURE	2
#define	KERN_NO_SPACE		3
#define	KERN_INVALID_ARGUMENT	4
#define	KERN_FAILURE		5
#define	KERN_RESOURCE_SHORTAGE	6

#endif /* !_VM_VM_H_ */
