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
#include <sys/mutex.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>

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
