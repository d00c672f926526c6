/*
 * UMA debugging (options INVARIANTS).
 *
 * Two detectors, each with a fixed first line that tests can match:
 *
 *   trash_ctor/dtor/init/fini fill a free item with UMA_JUNK (0xdeadc0de)
 *   and check the pattern when it is allocated again:
 *     "Memory modified after free <item>(<size>) val=<found> @ <address>"
 *
 *   uma_dbg_alloc/uma_dbg_free keep each item's state in its slab's
 *   free-list index entry (UMA_DBG_ALLOCATED while a consumer holds it,
 *   UMA_DBG_FREED once given back), changed with a one-byte compare-and-
 *   swap and no lock (the keg writes the entry only while the item is in
 *   its slab), and check every free:
 *     "uma: Freed item <item> did not belong to zone <name>"
 *     "Unaligned free of <item> from zone <zone>(<name>) slab <slab>(<index>)"
 *     "Duplicate free of <item> from zone <zone>(<name>) slab <slab>(<index>)"
 *
 * uma_dbg_zcreate() gives the trash functions to zones created with no
 * callbacks at all.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <vm/uma.h>
#include <vm/uma_int.h>

static void
trash_fill(void *mem, int size)
{
	uint32_t *p = mem;
	int i;

	for (i = 0; i < size / (int)sizeof(uint32_t); i++)
		p[i] = UMA_JUNK;
}

static void
trash_check(void *mem, int size)
{
	uint32_t *p = mem;
	int i;

	for (i = 0; i < size / (int)sizeof(uint32_t); i++)
		if (p[i] != UMA_JUNK)
			panic("Memory modified after free %p(%d) val=%x @ %p",
			    mem, size, p[i], &p[i]);
}

int
trash_ctor(void *mem, int size, void *arg __unused, int flags __unused)
{
	trash_check(mem, size);
	return (0);
}

void
trash_dtor(void *mem, int size, void *arg __unused)
{
	trash_fill(mem, size);
}

int
trash_init(void *mem, int size, int flags __unused)
{
	trash_fill(mem, size);
	return (0);
}

void
trash_fini(void *mem, int size)
{
	trash_check(mem, size);
}

void
uma_dbg_zcreate(uint32_t flags __unused, uma_ctor *ctor, uma_dtor *dtor,
    uma_init *init, uma_fini *fini)
{
	if (*ctor != NULL || *dtor != NULL || *init != NULL || *fini != NULL)
		return;
	*ctor = trash_ctor;
	*dtor = trash_dtor;
	*init = trash_init;
	*fini = trash_fini;
}

/*
 * The item's slab, checked to belong to the zone's keg, found with one
 * page lookup.  No lock: an item's free-list entry is written by the keg
 * only while the item is in its slab, and by these checks only while a
 * consumer holds or frees it; the checks change it with one
 * compare-and-swap, so two CPUs freeing the same item cannot both pass.
 */
static uma_slab_t
uma_dbg_slab(uma_zone_t zone, void *item, int *idx)
{
	uma_keg_t keg = zone->uz_keg;
	uma_slab_t slab;

	slab = uma_item_slab(item);
	if (slab == NULL || slab->us_keg != keg ||
	    (uint8_t *)item < slab->us_data ||
	    (uint8_t *)item >= slab->us_data + keg->uk_ipers * keg->uk_rsize)
		panic("uma: Freed item %p did not belong to zone %s", item,
		    zone->uz_name);
	*idx = slab_item_index(keg, slab, item);
	if (slab->us_data + *idx * keg->uk_rsize != (uint8_t *)item)
		panic("Unaligned free of %p from zone %p(%s) slab %p(%d)",
		    item, zone, zone->uz_name, slab, *idx);
	return (slab);
}

/* Set the entry to mark unless it holds mark already; its old value. */
static uint8_t
uma_dbg_mark(uint8_t *entry, uint8_t mark)
{
	uint8_t old;

	old = __atomic_load_n(entry, __ATOMIC_RELAXED);
	do {
		if (old == mark)
			break;
	} while (!__atomic_compare_exchange_n(entry, &old, mark, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return (old);
}

void
uma_dbg_alloc(uma_zone_t zone, void *item)
{
	uma_slab_t slab;
	int idx;

	slab = uma_dbg_slab(zone, item, &idx);
	if (uma_dbg_mark(&slab->us_freelist[idx], UMA_DBG_ALLOCATED) ==
	    UMA_DBG_ALLOCATED)
		panic("Duplicate alloc of %p from zone %p(%s) slab %p(%d)",
		    item, zone, zone->uz_name, slab, idx);
}

void
uma_dbg_free(uma_zone_t zone, void *item)
{
	uma_slab_t slab;
	int idx;

	slab = uma_dbg_slab(zone, item, &idx);
	if (!__atomic_compare_exchange_n(&slab->us_freelist[idx],
	    &(uint8_t){ UMA_DBG_ALLOCATED }, UMA_DBG_FREED, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		panic("Duplicate free of %p from zone %p(%s) slab %p(%d)",
		    item, zone, zone->uz_name, slab, idx);
}
