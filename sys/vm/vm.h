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

#endif /* !_VM_VM_H_ */
