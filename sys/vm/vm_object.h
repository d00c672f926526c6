/*
 * VM objects: anonymous memory, a set of pages by index.
 *
 * An object is made by vm_object_allocate(type, size) with one reference
 * and lives until vm_object_deallocate() drops the last, which frees its
 * pages and its swap space.  An OBJT_DEFAULT object becomes OBJT_SWAP
 * when the swap pager first writes one of its pages.  Objects come from
 * the UMA zone "VM OBJECT"; their swap metadata from "SWAPMETA"
 * (swap_pager.c).  Pages are found by index in one array of size slots.
 *
 * Locking: the object lock (a sleep mutex) protects the page array, the
 * swap metadata, and the fields of the object's pages other than the
 * queue (vm_page.h).  Order: object lock, then the page queue lock, then
 * the free page lock.  ref_count is atomic.
 */
#ifndef _VM_VM_OBJECT_H_
#define	_VM_VM_OBJECT_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <vm/vm.h>
#include <vm/vm_page.h>

typedef u_char objtype_t;
#define	OBJT_DEFAULT	0	/* anonymous, zero-filled, no swap yet */
#define	OBJT_SWAP	1	/* anonymous, some pages on swap */

struct swblk;

struct vm_object {
	struct mtx	lock;
	TAILQ_ENTRY(vm_object) object_list; /* every object */
	objtype_t	type;		/* OBJT_* */
	volatile u_int	ref_count;
	vm_pindex_t	size;		/* pages */
	u_int		resident_page_count;
	vm_page_t	*pages;		/* by index; NULL: not resident */
	struct swblk	**swblks;	/* swap metadata (swap_pager.c) */
	u_int		swp_bcount;	/* swap blocks held */
	vm_offset_t	kva;		/* mapped at, in the pageable map; or 0 */
};

#define	VM_OBJECT_LOCK(o)	mtx_lock(&(o)->lock)
#define	VM_OBJECT_UNLOCK(o)	mtx_unlock(&(o)->lock)
#define	VM_OBJECT_TRYLOCK(o)	mtx_trylock(&(o)->lock)
#define	VM_OBJECT_ASSERT_LOCKED(o) mtx_assert(&(o)->lock, MA_OWNED)

/* A new object of size pages, one reference.  May sleep. */
vm_object_t vm_object_allocate(objtype_t type, vm_pindex_t size);
void	vm_object_reference(vm_object_t object);
/* Drop a reference; the last frees the pages and swap.  May sleep. */
void	vm_object_deallocate(vm_object_t object);
/* Objects alive (vm.stats.object.count's value). */
u_int	vm_object_count(void);

/* The page at pindex, or NULL; the object is locked. */
static __inline vm_page_t
vm_page_lookup(vm_object_t object, vm_pindex_t pindex)
{
	VM_OBJECT_ASSERT_LOCKED(object);
	return (pindex < object->size ? object->pages[pindex] : NULL);
}

/* Put m (allocated, no owner) at pindex / take it out; object locked. */
void	vm_page_insert(vm_page_t m, vm_object_t object, vm_pindex_t pindex);
void	vm_page_remove(vm_page_t m);

#endif /* !_VM_VM_OBJECT_H_ */
