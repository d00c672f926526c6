/*
 * Kernel address maps.  A map is a sorted list of holes (free ranges);
 * an allocation takes the first hole that fits, splitting it; a release
 * inserts the range and merges it with the holes beside it.  Hole records
 * come from a pool refilled a page at a time from the page layer.  The map
 * lock is a spin mutex, so maps may be used anywhere the page layer may.
 * The pool is shared by every map: its own spin mutex (taken inside a map
 * lock) keeps two maps used on two CPUs from corrupting it.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_fault.h>
#include <vm/vm_kern.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>

/* Address space of the pageable map: room for several times any RAM. */
#define	VM_PAGEABLE_SIZE	(16UL * 1024 * 1024 * 1024)

static MALLOC_DEFINE(M_VMMAPENT, "vm_map_entry", "pageable map entries");
vm_map_t	pageable_map;

static SLIST_HEAD(, vm_map_hole_free) hole_pool =
    SLIST_HEAD_INITIALIZER(hole_pool);
static struct mtx	hole_pool_mtx;	/* set up by the first vm_map_init */
struct vm_map_hole_free {
	SLIST_ENTRY(vm_map_hole_free) next;
};

/* A hole record; the map lock is held, so a page is taken without sleep. */
static struct vm_map_hole *
hole_get(void)
{
	struct vm_map_hole_free *f;
	vm_page_t m;
	char *p;
	size_t i;

	mtx_lock_spin(&hole_pool_mtx);
	if (SLIST_EMPTY(&hole_pool)) {
		m = vm_page_alloc(NULL, 0, VM_ALLOC_INTERRUPT | VM_ALLOC_WIRED);
		if (m == NULL) {
			mtx_unlock_spin(&hole_pool_mtx);
			return (NULL);
		}
		p = (char *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
		for (i = 0; i + sizeof(struct vm_map_hole) <= PAGE_SIZE;
		    i += sizeof(struct vm_map_hole))
			SLIST_INSERT_HEAD(&hole_pool,
			    (struct vm_map_hole_free *)(p + i), next);
	}
	f = SLIST_FIRST(&hole_pool);
	SLIST_REMOVE_HEAD(&hole_pool, next);
	mtx_unlock_spin(&hole_pool_mtx);
	return ((struct vm_map_hole *)f);
}

static void
hole_put(struct vm_map_hole *h)
{
	mtx_lock_spin(&hole_pool_mtx);
	SLIST_INSERT_HEAD(&hole_pool, (struct vm_map_hole_free *)h, next);
	mtx_unlock_spin(&hole_pool_mtx);
}

void
vm_map_init(vm_map_t map, const char *name, vm_offset_t min, vm_offset_t max)
{
	struct vm_map_hole *h;

	/* The first map is made at boot, on one CPU. */
	if (mtx_name(&hole_pool_mtx) == NULL)
		mtx_init(&hole_pool_mtx, "vm map holes", NULL, MTX_SPIN);
	mtx_init(&map->lock, name, "vm map", MTX_SPIN | MTX_DUPOK);
	map->name = name;
	map->min_offset = min;
	map->max_offset = max;
	map->size = 0;
	TAILQ_INIT(&map->holes);
	TAILQ_INIT(&map->entries);
	mtx_lock_spin(&map->lock);
	h = hole_get();
	if (h == NULL)
		panic("vm_map_init: no memory for map %s", name);
	h->start = min;
	h->end = max;
	TAILQ_INSERT_HEAD(&map->holes, h, link);
	map->nholes = 1;
	mtx_unlock_spin(&map->lock);
}

vm_offset_t
vm_map_findspace(vm_map_t map, vm_size_t size, vm_size_t align)
{
	struct vm_map_hole *h, *n;
	vm_offset_t start;

	KASSERT(size > 0 && (size & PAGE_MASK) == 0,
	    ("vm_map_findspace: bad size %#lx", size));
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	mtx_lock_spin(&map->lock);
	TAILQ_FOREACH(h, &map->holes, link) {
		start = roundup2(h->start, align);
		if (start < h->start || start + size > h->end ||
		    start + size < start)
			continue;
		if (start > h->start && start + size < h->end) {
			/* The middle of a hole: keep the tail in a new one. */
			if ((n = hole_get()) == NULL)
				break;
			n->start = start + size;
			n->end = h->end;
			TAILQ_INSERT_AFTER(&map->holes, h, n, link);
			map->nholes++;
			h->end = start;
		} else if (start > h->start)
			h->end = start;
		else if (start + size < h->end)
			h->start = start + size;
		else {
			TAILQ_REMOVE(&map->holes, h, link);
			map->nholes--;
			hole_put(h);
		}
		map->size += size;
		mtx_unlock_spin(&map->lock);
		return (start);
	}
	mtx_unlock_spin(&map->lock);
	return (0);
}

void
vm_map_release(vm_map_t map, vm_offset_t addr, vm_size_t size)
{
	struct vm_map_hole *h, *prev, *n;
	vm_offset_t end = addr + size;

	KASSERT(addr >= map->min_offset && end <= map->max_offset,
	    ("vm_map_release: %#lx+%#lx outside map %s", addr, size,
	    map->name));
	mtx_lock_spin(&map->lock);
	TAILQ_FOREACH(h, &map->holes, link)
		if (h->start >= end)
			break;
	prev = h != NULL ? TAILQ_PREV(h, vm_map_holes, link) : NULL;
	if (h == NULL)
		prev = TAILQ_LAST(&map->holes, vm_map_holes);
	KASSERT(prev == NULL || prev->end <= addr,
	    ("vm_map_release: %#lx+%#lx in map %s is already free", addr,
	    size, map->name));
	if (prev != NULL && prev->end == addr) {
		prev->end = end;
		if (h != NULL && h->start == end) {
			prev->end = h->end;
			TAILQ_REMOVE(&map->holes, h, link);
			map->nholes--;
			hole_put(h);
		}
	} else if (h != NULL && h->start == end)
		h->start = addr;
	else {
		n = hole_get();
		KASSERT(n != NULL, ("vm_map_release: no hole record"));
		n->start = addr;
		n->end = end;
		if (h != NULL)
			TAILQ_INSERT_BEFORE(h, n, link);
		else
			TAILQ_INSERT_TAIL(&map->holes, n, link);
		map->nholes++;
	}
	map->size -= size;
	mtx_unlock_spin(&map->lock);
}

/*
 * The pageable map and its entries.
 */

static void
pageable_map_init(void *dummy __unused)
{
	vm_offset_t min, max;

	pageable_map = kmem_suballoc(kernel_map, &min, &max,
	    VM_PAGEABLE_SIZE);
	pageable_map->name = "pageable_map";
}
SYSINIT(pageable_map, SI_SUB_VM_CONF, SI_ORDER_SECOND, pageable_map_init,
    NULL);

vm_offset_t
kmem_alloc_pageable(vm_map_t map, vm_size_t size)
{
	struct vm_map_entry *e;
	vm_offset_t addr;

	size = round_page(size);
	if (size == 0 || !swap_reserve(size))
		return (0);
	addr = vm_map_findspace(map, size, PAGE_SIZE);
	if (addr == 0) {
		swap_release(size);
		return (0);
	}
	e = malloc(sizeof(*e), M_VMMAPENT, M_WAITOK | M_ZERO);
	e->start = addr;
	e->end = addr + size;
	e->object = vm_object_allocate(OBJT_DEFAULT, atop(size));
	e->object->kva = addr;
	mtx_lock_spin(&map->lock);
	TAILQ_INSERT_TAIL(&map->entries, e, link);
	mtx_unlock_spin(&map->lock);
	return (addr);
}

/* The entry holding va; the map is locked. */
static struct vm_map_entry *
vm_map_entry_find(vm_map_t map, vm_offset_t va)
{
	struct vm_map_entry *e;

	TAILQ_FOREACH(e, &map->entries, link)
		if (va >= e->start && va < e->end)
			return (e);
	return (NULL);
}

void
kmem_free_pageable(vm_map_t map, vm_offset_t addr, vm_size_t size)
{
	struct vm_map_entry *e;
	vm_object_t obj;

	size = round_page(size);
	mtx_lock_spin(&map->lock);
	e = vm_map_entry_find(map, addr);
	if (e == NULL || e->start != addr || e->end != addr + size)
		panic("kmem_free_pageable: %#lx+%#lx is not an allocation of "
		    "%s", addr, size, map->name);
	TAILQ_REMOVE(&map->entries, e, link);
	mtx_unlock_spin(&map->lock);
	obj = e->object;
	/* The daemon unmaps through obj->kva: stop it before the range goes. */
	VM_OBJECT_LOCK(obj);
	obj->kva = 0;
	VM_OBJECT_UNLOCK(obj);
	pmap_qremove(addr, atop(size));
	vm_object_deallocate(obj);
	free(e, M_VMMAPENT);
	vm_map_release(map, addr, size);
	swap_release(size);
}

int
vm_map_lookup(vm_map_t map, vm_offset_t va, vm_object_t *objp,
    vm_pindex_t *pindexp)
{
	struct vm_map_entry *e;

	mtx_lock_spin(&map->lock);
	if ((e = vm_map_entry_find(map, va)) == NULL) {
		mtx_unlock_spin(&map->lock);
		return (KERN_INVALID_ADDRESS);
	}
	vm_object_reference(e->object);
	*objp = e->object;
	*pindexp = atop(va - e->start);
	mtx_unlock_spin(&map->lock);
	return (KERN_SUCCESS);
}

int
vm_map_wire(vm_map_t map, vm_offset_t start, vm_offset_t end)
{
	vm_offset_t va;
	int rv;

	for (va = trunc_page(start); va < end; va += PAGE_SIZE) {
		rv = vm_fault(map, va, VM_PROT_WRITE, 1);
		if (rv != KERN_SUCCESS) {
			if (va > trunc_page(start))
				(void)vm_map_unwire(map, start, va);
			return (rv);
		}
	}
	return (KERN_SUCCESS);
}

int
vm_map_unwire(vm_map_t map, vm_offset_t start, vm_offset_t end)
{
	vm_object_t obj;
	vm_pindex_t pindex;
	vm_offset_t va;
	vm_page_t m;
	int bad, pass;

	/* Pass 0 checks every page is wired; pass 1 unwires. */
	for (pass = 0; pass < 2; pass++) {
		for (va = trunc_page(start); va < end; va += PAGE_SIZE) {
			if (vm_map_lookup(map, va, &obj, &pindex) !=
			    KERN_SUCCESS)
				return (KERN_INVALID_ADDRESS);
			VM_OBJECT_LOCK(obj);
			m = vm_page_lookup(obj, pindex);
			bad = pass == 0 && (m == NULL || m->wire_count == 0);
			if (pass == 1)
				vm_page_unwire(m);
			VM_OBJECT_UNLOCK(obj);
			vm_object_deallocate(obj);
			if (bad)
				return (KERN_INVALID_ARGUMENT);
		}
	}
	return (KERN_SUCCESS);
}
