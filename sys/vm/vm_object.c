/*
 * VM objects (vm_object.h): allocation, references, pages by index.
 *
 * The object records where each page is (pages[]) and, through the swap
 * pager, where each paged-out page went.  It does not map anything: the
 * pageable map (vm_map.c) maps an object at obj->kva and vm_fault() fills
 * its pages.  The last reference waits for busy pages (I/O in progress),
 * frees every page, wired ones included, and gives back its swap space.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <vm/vm.h>
#include <vm/vm_page.h>
#include <vm/vm_object.h>
#include <vm/swap_pager.h>
#include <vm/uma.h>

static MALLOC_DEFINE(M_VMOBJPG, "vm_object_pages", "VM object page arrays");

static uma_zone_t	obj_zone;
static struct mtx	vm_object_list_mtx;
static TAILQ_HEAD(, vm_object) vm_object_list =
    TAILQ_HEAD_INITIALIZER(vm_object_list);
static u_int		vm_object_live;

SYSCTL_NODE(_vm_stats, OID_AUTO, object, CTLFLAG_RD, NULL,
    "VM object statistics");
SYSCTL_UINT(_vm_stats_object, OID_AUTO, count, CTLFLAG_RD, &vm_object_live,
    0, "VM objects alive");

static void
vm_object_init(void *dummy __unused)
{
	mtx_init(&vm_object_list_mtx, "vm object list", NULL, MTX_DEF);
	obj_zone = uma_zcreate("VM OBJECT", sizeof(struct vm_object), NULL,
	    NULL, NULL, NULL, UMA_ALIGN_PTR, 0);
}
SYSINIT(vm_object, SI_SUB_VM_CONF, SI_ORDER_FIRST, vm_object_init, NULL);

vm_object_t
vm_object_allocate(objtype_t type, vm_pindex_t size)
{
	vm_object_t obj;

	KASSERT(type == OBJT_DEFAULT || type == OBJT_SWAP,
	    ("vm_object_allocate: bad type %d", type));
	obj = uma_zalloc(obj_zone, M_WAITOK | M_ZERO);
	mtx_init(&obj->lock, "vm object", NULL, MTX_DEF | MTX_DUPOK);
	obj->type = type;
	obj->ref_count = 1;
	obj->size = size;
	obj->pages = malloc(MAX(size, 1) * sizeof(vm_page_t), M_VMOBJPG,
	    M_WAITOK | M_ZERO);
	swap_pager_init_object(obj);
	mtx_lock(&vm_object_list_mtx);
	TAILQ_INSERT_TAIL(&vm_object_list, obj, object_list);
	vm_object_live++;
	mtx_unlock(&vm_object_list_mtx);
	return (obj);
}

void
vm_object_reference(vm_object_t obj)
{
	KASSERT(obj->ref_count > 0, ("vm_object_reference: dead object %p",
	    obj));
	atomic_add_int(&obj->ref_count, 1);
}

/* The last reference is gone: free every page and the swap space. */
static void
vm_object_terminate(vm_object_t obj)
{
	vm_pindex_t i;
	vm_page_t m;

	VM_OBJECT_LOCK(obj);
	for (i = 0; i < obj->size; i++) {
		while ((m = obj->pages[i]) != NULL && m->busy)
			vm_page_busy_sleep(m, "objterm");
		if (m != NULL)
			vm_page_free(m);	/* wired or not */
	}
	KASSERT(obj->resident_page_count == 0,
	    ("vm_object_terminate: %u pages left", obj->resident_page_count));
	swap_pager_freespace(obj, 0, obj->size);
	VM_OBJECT_UNLOCK(obj);
	swap_pager_fini_object(obj);
	mtx_lock(&vm_object_list_mtx);
	TAILQ_REMOVE(&vm_object_list, obj, object_list);
	vm_object_live--;
	mtx_unlock(&vm_object_list_mtx);
	free(obj->pages, M_VMOBJPG);
	mtx_destroy(&obj->lock);
	uma_zfree(obj_zone, obj);
}

void
vm_object_deallocate(vm_object_t obj)
{
	KASSERT(obj->ref_count > 0, ("vm_object_deallocate: dead object %p",
	    obj));
	if (atomic_fetchadd_int(&obj->ref_count, -1) == 1)
		vm_object_terminate(obj);
}

u_int
vm_object_count(void)
{
	return (vm_object_live);
}

void
vm_page_insert(vm_page_t m, vm_object_t obj, vm_pindex_t pindex)
{
	VM_OBJECT_ASSERT_LOCKED(obj);
	KASSERT(pindex < obj->size && obj->pages[pindex] == NULL,
	    ("vm_page_insert: index %ju of object %p is taken or outside it",
	    (uintmax_t)pindex, obj));
	vm_page_set_owner(m, VPO_OBJECT, obj, pindex);
	obj->pages[pindex] = m;
	obj->resident_page_count++;
}

void
vm_page_remove(vm_page_t m)
{
	vm_object_t obj = vm_page_object(m);

	KASSERT(obj != NULL, ("vm_page_remove: page %#lx has no object",
	    m->phys_addr));
	VM_OBJECT_ASSERT_LOCKED(obj);
	KASSERT(obj->pages[vm_page_pindex(m)] == m,
	    ("vm_page_remove: page %#lx is not at index %ju of object %p",
	    m->phys_addr, (uintmax_t)vm_page_pindex(m), obj));
	obj->pages[vm_page_pindex(m)] = NULL;
	obj->resident_page_count--;
	vm_page_set_owner(m, VPO_NONE, NULL, 0);
}
