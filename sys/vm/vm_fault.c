/*
 * Page faults on pageable kernel memory.
 *
 * The trap hands a fault inside pageable_map to vm_fault(), which finds
 * the entry's object and the page's index, and then:
 *   - resident, not busy: a soft fault (the daemon had unmapped it to see
 *     whether it is used): reactivate and map it again;
 *   - busy (being read or written): sleep until it is not, look again;
 *   - not resident: allocate a page (waiting for the page daemon when
 *     none is free), read it from swap if the object has a copy there,
 *     else zero it.
 * A read fault maps the page read-only unless it is already dirty; a
 * write fault marks it dirty and maps it writable.  So a clean page
 * cannot be written behind the VM's back, and "dirty" needs no help from
 * the page tables.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>

#define	PGEX_W		0x02	/* page fault error code: a write */

int
vm_fault(vm_map_t map, vm_offset_t va, int fault_type, int wire)
{
	vm_object_t obj;
	vm_pindex_t pindex;
	vm_page_t m;
	int error;

	va = trunc_page(va);
	if (vm_map_lookup(map, va, &obj, &pindex) != KERN_SUCCESS)
		return (KERN_INVALID_ADDRESS);
	atomic_add_int(&vm_cnt.v_vm_faults, 1);
	VM_OBJECT_LOCK(obj);
	for (;;) {
		m = vm_page_lookup(obj, pindex);
		if (m != NULL) {
			if (!m->busy)
				break;
			vm_page_busy_sleep(m, "pgrbwt");
			continue;
		}
		m = vm_page_alloc(obj, pindex, VM_ALLOC_NORMAL);
		if (m == NULL) {
			VM_OBJECT_UNLOCK(obj);
			vm_wait();
			VM_OBJECT_LOCK(obj);
			continue;
		}
		if (swap_pager_haspage(obj, pindex)) {
			VM_OBJECT_UNLOCK(obj);
			error = swap_pager_getpages(obj, m);
			VM_OBJECT_LOCK(obj);
			if (error != 0) {
				vm_page_xunbusy(m);
				vm_page_free(m);
				VM_OBJECT_UNLOCK(obj);
				vm_object_deallocate(obj);
				return (KERN_FAILURE);
			}
		} else {
			memset((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)), 0,
			    PAGE_SIZE);
			atomic_add_int(&vm_cnt.v_zfod, 1);
		}
		vm_page_xunbusy(m);
		break;
	}
	if ((fault_type & VM_PROT_WRITE) != 0) {
		/* The copy on swap, if any, is stale from now on. */
		m->dirty = 1;
		swap_pager_freespace(obj, pindex, 1);
	}
	if (wire)
		vm_page_wire(m);
	else
		vm_page_activate(m);
	if (obj->kva != 0) {
		if (m->dirty)
			pmap_kenter(obj->kva + ptoa(pindex), VM_PAGE_TO_PHYS(m));
		else
			pmap_kenter_ro(obj->kva + ptoa(pindex),
			    VM_PAGE_TO_PHYS(m));
	}
	VM_OBJECT_UNLOCK(obj);
	vm_object_deallocate(obj);
	return (KERN_SUCCESS);
}

int
vm_fault_trap(struct trapframe *tf, vm_offset_t eva)
{
	struct thread *td = curthread;
	int rv;

	if (pageable_map == NULL || eva < pageable_map->min_offset ||
	    eva >= pageable_map->max_offset)
		return (0);
	if ((tf->tf_rflags & PSL_I) == 0 || td->td_critnest != 0) {
		printf("vm_fault: pageable address %#lx touched with "
		    "interrupts disabled or in a critical section\n", eva);
		return (0);
	}
	enable_intr();
	rv = vm_fault(pageable_map, eva, (tf->tf_err & PGEX_W) != 0 ?
	    VM_PROT_WRITE : VM_PROT_READ, 0);
	disable_intr();
	if (rv == KERN_FAILURE)
		printf("vm_fault: pager read error, pid 0 (%s)\n",
		    td->td_name);
	return (rv == KERN_SUCCESS);
}
