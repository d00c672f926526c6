/*
 * MemGuard: catch use after free and overruns with guard pages
 * (options DEBUG_MEMGUARD; memguard(9)).
 *
 * MemGuard owns a submap of kernel_map of vm.kmem_size divided by
 * vm.memguard_divisor (default 10).  A guarded allocation of size bytes
 * takes the pages that hold it, an unmapped guard page after them and,
 * with vm.memguard.options & MG_GUARD_AROUND, one before.  The object is
 * placed MEMGUARD_ALIGN (16) bytes aligned, as malloc(9) promises (a UMA
 * zone asks for its own alignment instead): its size rounded up to that
 * alignment ends exactly at the end of its last page, so an overrun
 * faults once it passes the rounded size (at most 15 bytes of padding go
 * unwatched for malloc; none when size is a multiple of 16):
 *
 *   [guard before]  [ data page ... | ...object pad ]  [guard after]
 *
 * A free unmaps the data pages but keeps the range reserved, on a FIFO of
 * freed ranges, so that a late access still faults and is reported as a
 * use after free; the oldest freed ranges are released when room is
 * needed.  Every page of a range records the range it belongs to, so the
 * page-fault hook can say which object, which malloc type or zone, and
 * whether the access was after free, past the end or before the start.
 *
 * What is guarded (loader tunables and sysctls under vm.memguard):
 *   desc       a malloc type's short description, or a UMA zone's name
 *   minsize    only requests of at least this many bytes (default 0)
 *   frequency  also a random 1 in N requests of every malloc type and
 *              of every zone MemGuard may guard (0: off), as FreeBSD's
 *              memguard_cmp_zone does; those zones take UMA's slow path
 *   options    MG_GUARD_AROUND (1): a guard page before as well;
 *              MG_GUARD_ALLLARGE (2): every request of a page or more
 * When the map is full MemGuard declines and the caller's own allocator
 * serves the request (counted in fail_kva; fail_pgs when no page).
 *
 * Lock: memguard_mtx protects the map's records and the FIFO.
 */
#include "opt_vm.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>
#include <vm/uma.h>
#include <vm/memguard.h>

/* The record of a range, kept at the range's first page. */
struct mg_slot {
	uint32_t	ms_owner;	/* first page of its range + 1, or 0 */
	uint32_t	ms_next;	/* FIFO of freed ranges: next + 1 */
	uint32_t	ms_total;	/* pages of the range, guards included */
	uint32_t	ms_npages;	/* data pages */
	u_long		ms_size;	/* bytes asked for */
	u_long		ms_rsize;	/* ms_size rounded to the alignment */
	const char	*ms_what;	/* malloc type or zone name */
	uint8_t		ms_before;	/* a guard page before the data */
	uint8_t		ms_freed;	/* freed, on the FIFO */
};

static struct mtx	memguard_mtx;
static vm_map_t		memguard_map;
u_long			memguard_base, memguard_end;
volatile u_int		memguard_mtp_active;
static struct mg_slot	*memguard_slots;
static uint32_t		fifo_head, fifo_tail;	/* index + 1, 0: empty */
static uint64_t		memguard_rand = 0x853c49e6748fea9bULL;
u_long			memguard_freq_skip;	/* memguard.h */
static int		memguard_freq_hit_next;

/*
 * Knobs and counters (vm.memguard.*).
 */
static u_int	memguard_divisor = 10;
static char	memguard_desc[128];
u_long		memguard_minsize;		/* memguard.h */
static u_long	memguard_frequency;
static u_int	memguard_options;
static u_long	memguard_mapsize;
static u_long	memguard_mapused;	/* bytes reserved, freed ones too */
static u_long	memguard_numalloc, memguard_numfree, memguard_inuse;
static u_long	memguard_fail_kva, memguard_fail_pgs, memguard_wrapcnt;
static u_long	memguard_frequency_hits, memguard_faults;

SYSCTL_NODE(_vm, OID_AUTO, memguard, CTLFLAG_RW, NULL, "MemGuard data");
SYSCTL_UINT(_vm, OID_AUTO, memguard_divisor, CTLFLAG_RDTUN,
    &memguard_divisor, 0, "(kmem_size/memguard_divisor) == memguard submap size");

static void	memguard_frequency_undraw(void);
static void	memguard_mark_zones(void);
static void	memguard_update_active(void);

static int
sysctl_memguard_desc(SYSCTL_HANDLER_ARGS)
{
	char desc[sizeof(memguard_desc)];
	int error;

	strlcpy(desc, memguard_desc, sizeof(desc));
	error = sysctl_handle_string(oidp, desc, sizeof(desc), req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	mtx_lock(&memguard_mtx);
	strlcpy(memguard_desc, desc, sizeof(memguard_desc));
	mtx_unlock(&memguard_mtx);
	memguard_update_active();
	memguard_mark_zones();
	return (0);
}
SYSCTL_PROC(_vm_memguard, OID_AUTO, desc, CTLTYPE_STRING | CTLFLAG_RW |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_memguard_desc, "A",
    "Short description of the malloc type (or name of the UMA zone) to guard");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, minsize, CTLFLAG_RWTUN,
    &memguard_minsize, 0, "Minimum size of a request to guard");
static int
sysctl_memguard_frequency(SYSCTL_HANDLER_ARGS)
{
	u_long val = memguard_frequency;
	int error;

	error = sysctl_handle_long(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	memguard_frequency_undraw();
	memguard_frequency = val;
	memguard_update_active();
	if (memguard_map != NULL)	/* else memguard_init_zones will */
		memguard_mark_zones();
	return (0);
}
SYSCTL_PROC(_vm_memguard, OID_AUTO, frequency, CTLTYPE_ULONG | CTLFLAG_RWTUN |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_memguard_frequency, "LU",
    "Guard a random 1 in N allocations of every malloc type and UMA zone "
    "(0: off)");
static int
sysctl_memguard_options(SYSCTL_HANDLER_ARGS)
{
	u_int val = memguard_options;
	int error;

	error = sysctl_handle_int(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if ((val & ~(MG_GUARD_AROUND | MG_GUARD_ALLLARGE)) != 0)
		return (sysctl_refuse(req, EINVAL, "unknown bits: only 0x1 "
		    "and 0x2 are defined"));
	memguard_options = val;
	memguard_update_active();
	return (0);
}
SYSCTL_PROC(_vm_memguard, OID_AUTO, options, CTLTYPE_UINT | CTLFLAG_RWTUN |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_memguard_options, "IU",
    "1: a guard page before as well; 2: guard all requests of a page or more");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, mapsize, CTLFLAG_RD, &memguard_mapsize,
    0, "Bytes of MemGuard's map");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, mapused, CTLFLAG_RD, &memguard_mapused,
    0, "Bytes of the map reserved (live and recently freed)");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, numalloc, CTLFLAG_RD,
    &memguard_numalloc, 0, "Allocations guarded");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, numfree, CTLFLAG_RD, &memguard_numfree,
    0, "Guarded allocations freed");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, inuse, CTLFLAG_RD, &memguard_inuse, 0,
    "Guarded allocations live");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, fail_kva, CTLFLAG_RD,
    &memguard_fail_kva, 0, "Fallbacks: no room in the map");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, fail_pgs, CTLFLAG_RD,
    &memguard_fail_pgs, 0, "Fallbacks: no page");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, wrapcnt, CTLFLAG_RD, &memguard_wrapcnt,
    0, "Freed ranges released for reuse");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, frequency_hits, CTLFLAG_RD,
    &memguard_frequency_hits, 0, "Allocations guarded by frequency");
SYSCTL_ULONG(_vm_memguard, OID_AUTO, faults, CTLFLAG_RD, &memguard_faults,
    0, "Faults caught");

static __inline uint32_t
mg_index(vm_offset_t va)
{
	return ((va - memguard_base) >> PAGE_SHIFT);
}

static __inline vm_offset_t
mg_data_start(uint32_t first)
{
	return (memguard_base + ptoa(first + memguard_slots[first].ms_before));
}

/* Where a range's object starts: its rounded size ends at the page end. */
static __inline vm_offset_t
mg_obj_start(uint32_t first)
{
	struct mg_slot *s = &memguard_slots[first];

	return (mg_data_start(first) + ptoa(s->ms_npages) - s->ms_rsize);
}


/*
 * Selection
 */

/* Recompute memguard_mtp_active after a knob changed. */
static void
memguard_update_active(void)
{
	if (memguard_map == NULL)
		memguard_mtp_active = 0;
	else if (memguard_desc[0] != '\0' ||
	    (memguard_options & MG_GUARD_ALLLARGE) != 0)
		memguard_mtp_active = MG_MTP_ALL;
	else if (memguard_frequency != 0)
		memguard_mtp_active = MG_MTP_FREQ;
	else
		memguard_mtp_active = 0;
}

static int	memguard_frequency_hit(void);

int
memguard_cmp_mtp_slow(struct malloc_type *type, unsigned long size)
{
	if (memguard_map == NULL || size < memguard_minsize)
		return (0);
	if ((memguard_options & MG_GUARD_ALLLARGE) != 0 && size >= PAGE_SIZE)
		return (1);
	if (memguard_desc[0] != '\0' &&
	    strcmp(memguard_desc, type->ks_shortdesc) == 0)
		return (1);
	return (memguard_frequency_hit());
}

/*
 * With vm.memguard.frequency N, 1 in N calls at random (counted): each
 * call has a draw of its own, (r >> 33) % N == 0 for a hit.  The draws
 * are made ahead, up to MG_DRAW_AHEAD at a time: memguard_freq_skip
 * calls pass before the next one that draws (or that is a hit, if
 * memguard_freq_hit_next), so that malloc(9)'s inline path can count
 * them down (memguard_mtp_pass()).  A racy generator and countdown are
 * fine: only the spread matters.
 */
#define	MG_DRAW_AHEAD	256
#define	MG_RAND_MUL	6364136223846793005ULL
#define	MG_RAND_MUL_INV	13877824140714322085ULL	/* MG_RAND_MUL^-1 mod 2^64 */
#define	MG_RAND_ADD	1442695040888963407ULL

/*
 * Forget the draws made ahead and not used (the frequency is about to
 * change): the generator steps back over them, so that the draws stay
 * one per call, as if none had been made ahead.
 */
static void
memguard_frequency_undraw(void)
{
	u_long n;

	n = memguard_freq_skip + (memguard_freq_hit_next != 0);
	memguard_freq_skip = 0;
	memguard_freq_hit_next = 0;
	while (n-- > 0)
		memguard_rand = (memguard_rand - MG_RAND_ADD) *
		    MG_RAND_MUL_INV;
}

static int
memguard_frequency_hit(void)
{
	u_long freq = memguard_frequency;
	uint64_t r;
	u_int i;

	if (freq == 0)
		return (0);
	if (memguard_freq_pass())
		return (0);
	if (memguard_freq_hit_next) {
		memguard_freq_hit_next = 0;
		goto hit;
	}
	/* This call's draw, and the next calls' up to the first hit. */
	r = memguard_rand;
	for (i = 0; i < MG_DRAW_AHEAD; i++) {
		r = r * MG_RAND_MUL + MG_RAND_ADD;
		if ((r >> 33) % freq == 0)
			break;
	}
	memguard_rand = r;
	if (i == 0)
		goto hit;
	/* Draw i is the first hit (or none was, i == MG_DRAW_AHEAD). */
	memguard_freq_skip = i - 1;
	memguard_freq_hit_next = i < MG_DRAW_AHEAD;
	return (0);
hit:
	atomic_add_long(&memguard_frequency_hits, 1);
	return (1);
}

/*
 * May this zone's items be guarded?  malloc(9)'s own zones are guarded by
 * malloc type, not by name; NOFREE zones promise type-stable memory,
 * which unmapping breaks.
 */
static int
memguard_zone_eligible(uma_zone_t zone)
{
	return (memguard_map != NULL &&
	    (uma_zone_flags(zone) & (UMA_ZONE_REFCNT | UMA_ZONE_MALLOC |
	    UMA_ZONE_NOFREE | UMA_ZONE_INTERNAL)) == 0 &&
	    (u_long)uma_zone_size(zone) >= memguard_minsize);
}

int
memguard_zone_wanted(uma_zone_t zone)
{
	return (memguard_zone_eligible(zone) && (memguard_frequency != 0 ||
	    (memguard_desc[0] != '\0' &&
	    strcmp(memguard_desc, uma_zone_name(zone)) == 0)));
}

/*
 * As FreeBSD's: the zone named by desc, and 1 in N of any by frequency,
 * but for a zone with a limit (uma_zone_set_max): a guarded item does not
 * count against it, so frequency would let the zone pass its limit.
 */
int
memguard_cmp_zone(uma_zone_t zone)
{
	if (!memguard_zone_eligible(zone))
		return (0);
	if (memguard_desc[0] != '\0' &&
	    strcmp(memguard_desc, uma_zone_name(zone)) == 0)
		return (1);
	return (uma_zone_get_max(zone) == 0 && memguard_frequency_hit());
}

/*
 * Zones named by vm.memguard.desc, and every eligible zone while a
 * frequency is set, take the slow path from now on.
 */
static void
memguard_mark_one(uma_zone_t zone, void *arg __unused)
{
	if (memguard_zone_wanted(zone))
		uma_zone_set_guarded(zone);
}

static void
memguard_mark_zones(void)
{
	uma_zone_foreach(memguard_mark_one, NULL);
}

/*
 * Ranges
 */

/* Release the oldest freed range; 0 if there is none. */
static int
memguard_release_oldest(void)
{
	struct mg_slot *s;
	uint32_t first, i;

	mtx_assert(&memguard_mtx, MA_OWNED);
	if (fifo_head == 0)
		return (0);
	first = fifo_head - 1;
	s = &memguard_slots[first];
	fifo_head = s->ms_next;
	if (fifo_head == 0)
		fifo_tail = 0;
	for (i = 0; i < s->ms_total; i++)
		memguard_slots[first + i].ms_owner = 0;
	vm_map_release(memguard_map, memguard_base + ptoa(first),
	    ptoa(s->ms_total));
	memguard_mapused -= ptoa(s->ms_total);
	memguard_wrapcnt++;
	return (1);
}

void *
memguard_alloc(unsigned long size, int flags, const char *what)
{
	return (memguard_alloc_aligned(size, MEMGUARD_ALIGN, flags, what));
}

void *
memguard_alloc_aligned(unsigned long size, unsigned long align, int flags,
    const char *what)
{
	vm_page_t pages[16], *pv, m;
	vm_offset_t va, data;
	void *obj = NULL;
	uint32_t npages, total, before, first, i;
	u_long rsize;
	int req;

	KASSERT(powerof2(align) && align <= PAGE_SIZE,
	    ("memguard_alloc: alignment %lu", align));
	if (memguard_map == NULL || size == 0 || (flags & M_NOVM) != 0)
		return (NULL);
	/* Too big for the map (and for the page arithmetic). */
	if (size > memguard_mapsize / 2) {
		atomic_add_long(&memguard_fail_kva, 1);
		return (NULL);
	}
	rsize = roundup2(size, align);
	npages = atop(round_page(rsize));
	before = (memguard_options & MG_GUARD_AROUND) != 0;
	total = npages + 1 + before;
	if (total > atop(memguard_mapsize) / 2) {
		atomic_add_long(&memguard_fail_kva, 1);
		return (NULL);
	}
	/* Pages first: M_WAITOK may wait for them, with no lock held. */
	pv = npages <= nitems(pages) ? pages : malloc(npages * sizeof(*pv),
	    M_TEMP, M_NOWAIT);
	if (pv == NULL) {
		atomic_add_long(&memguard_fail_pgs, 1);
		return (NULL);
	}
	req = ((flags & (M_NOWAIT | M_USE_RESERVE)) == M_NOWAIT ?
	    VM_ALLOC_INTERRUPT : VM_ALLOC_SYSTEM) | VM_ALLOC_WIRED |
	    ((flags & M_ZERO) != 0 ? VM_ALLOC_ZERO : 0);
	for (i = 0; i < npages; i++) {
		while ((m = vm_page_alloc(NULL, 0, req)) == NULL) {
			if ((flags & M_NOWAIT) != 0)
				break;
			vm_wait();
		}
		if (m == NULL) {
			while (i > 0)
				vm_page_free(pv[--i]);
			atomic_add_long(&memguard_fail_pgs, 1);
			goto out;
		}
		pv[i] = m;
	}
	mtx_lock(&memguard_mtx);
	while ((va = vm_map_findspace(memguard_map, ptoa(total),
	    PAGE_SIZE)) == 0)
		if (!memguard_release_oldest())
			break;
	if (va == 0) {
		mtx_unlock(&memguard_mtx);
		for (i = 0; i < npages; i++)
			vm_page_free(pv[i]);
		atomic_add_long(&memguard_fail_kva, 1);
		goto out;
	}
	first = mg_index(va);
	for (i = 0; i < total; i++)
		memguard_slots[first + i].ms_owner = first + 1;
	memguard_slots[first].ms_total = total;
	memguard_slots[first].ms_npages = npages;
	memguard_slots[first].ms_size = size;
	memguard_slots[first].ms_rsize = rsize;
	memguard_slots[first].ms_what = what;
	memguard_slots[first].ms_before = before;
	memguard_slots[first].ms_freed = 0;
	memguard_slots[first].ms_next = 0;
	memguard_mapused += ptoa(total);
	memguard_numalloc++;
	memguard_inuse++;
	mtx_unlock(&memguard_mtx);
	data = va + ptoa(before);
	for (i = 0; i < npages; i++)
		vm_page_set_owner(pv[i], VPO_MEMGUARD, __DECONST(char *, what),
		    0);
	pmap_qenter(data, pv, npages);
	obj = (void *)(data + ptoa(npages) - rsize);
out:
	if (pv != pages)
		free(pv, M_TEMP);
	return (obj);
}

/* The record of the live object at addr; panics on anything else. */
static struct mg_slot *
memguard_object(void *addr, const char *who)
{
	struct mg_slot *s;
	uint32_t owner;

	owner = memguard_slots[mg_index((vm_offset_t)addr)].ms_owner;
	if (owner == 0)
		panic("MemGuard: %s of %p, which is not allocated", who, addr);
	s = &memguard_slots[owner - 1];
	if (s->ms_freed)
		panic("MemGuard detected double-free of %p (%s)", addr,
		    s->ms_what);
	if ((vm_offset_t)addr != mg_obj_start(owner - 1))
		panic("MemGuard: %s of %p, inside the %lu-byte object at %p "
		    "(%s)", who, addr, s->ms_size,
		    (void *)mg_obj_start(owner - 1), s->ms_what);
	return (s);
}

unsigned long
memguard_free(void *addr)
{
	LIST_HEAD(, vm_page) pages = LIST_HEAD_INITIALIZER(pages);
	struct mg_slot *s;
	vm_offset_t data;
	vm_paddr_t pa;
	vm_page_t m;
	uint32_t first, i;
	u_long size;

	mtx_lock(&memguard_mtx);
	s = memguard_object(addr, "free");
	size = s->ms_size;
	first = s - memguard_slots;
	data = mg_data_start(first);
	/* One ranged shootdown; the pages are freed after it. */
	for (i = 0; i < s->ms_npages; i++) {
		pa = pmap_kextract(data + ptoa(i));
		m = PHYS_TO_VM_PAGE(pa);
		vm_page_set_owner(m, VPO_NONE, NULL, 0);
		LIST_INSERT_HEAD(&pages, m, plinks);
	}
	pmap_qremove(data, s->ms_npages);
	while ((m = LIST_FIRST(&pages)) != NULL) {
		LIST_REMOVE(m, plinks);
		vm_page_free(m);
	}
	s->ms_freed = 1;
	s->ms_next = 0;
	if (fifo_tail != 0)
		memguard_slots[fifo_tail - 1].ms_next = first + 1;
	else
		fifo_head = first + 1;
	fifo_tail = first + 1;
	memguard_numfree++;
	memguard_inuse--;
	/* Keep freed ranges for a while, but never more than half the map. */
	while (memguard_mapused > memguard_mapsize / 2 &&
	    memguard_release_oldest())
		;
	mtx_unlock(&memguard_mtx);
	return (size);
}

unsigned long
memguard_size(void *addr)
{
	unsigned long size;

	mtx_lock(&memguard_mtx);
	size = memguard_object(addr, "size")->ms_size;
	mtx_unlock(&memguard_mtx);
	return (size);
}

const char *
memguard_owner(void *addr)
{
	const char *what;

	mtx_lock(&memguard_mtx);
	what = memguard_object(addr, "lookup")->ms_what;
	mtx_unlock(&memguard_mtx);
	return (what);
}

/*
 * The page-fault hook: a fault in MemGuard's map is a caught bug.
 */
static int
memguard_fault(struct trapframe *tf, vm_offset_t va)
{
	struct mg_slot *s;
	vm_offset_t start, end, obj;
	const char *access;
	uint32_t owner;

	if (!is_memguard_addr((void *)va))
		return (0);
	memguard_faults++;
	access = (tf->tf_err & 0x2) != 0 ? "write" : "read";
	owner = memguard_slots[mg_index(va)].ms_owner;
	if (owner == 0)
		panic("MemGuard: %s at %p, in MemGuard's map but in no "
		    "allocation", access, (void *)va);
	s = &memguard_slots[owner - 1];
	start = mg_data_start(owner - 1);
	end = start + ptoa(s->ms_npages);
	obj = mg_obj_start(owner - 1);
	/* The offset is from the object's start; the rounded size faults. */
	panic("MemGuard: %s %s at %p: %lu-byte object %p of %s, offset %ld",
	    access, s->ms_freed ? "after free" : va >= end ? "past the end" :
	    "before the start", (void *)va, s->ms_size, (void *)obj,
	    s->ms_what, (long)(va - obj));
}

/*
 * Boot and show memguard
 */

static void
memguard_init(void *dummy __unused)
{
	vm_offset_t min, max;
	u_long npages;

	mtx_init(&memguard_mtx, "memguard", NULL, MTX_DEF);
	/* desc has a handler of its own: fetch its tunable here. */
	TUNABLE_STR_FETCH("vm.memguard.desc", memguard_desc,
	    sizeof(memguard_desc));
	if (memguard_divisor == 0) {
		tunable_warn("vm.memguard_divisor", "zero is not a divisor",
		    "10");
		memguard_divisor = 10;
	}
	memguard_mapsize = round_page(vm_kmem_size / memguard_divisor);
	npages = atop(memguard_mapsize);
	if (npages < 8)
		npages = 8;
	memguard_mapsize = ptoa(npages);
	memguard_slots = (struct mg_slot *)kmem_alloc(kernel_map,
	    npages * sizeof(struct mg_slot));
	if (memguard_slots == 0)
		panic("memguard_init: no memory for %lu records", npages);
	memguard_map = kmem_suballoc(kernel_map, &min, &max, memguard_mapsize);
	memguard_base = min;
	memguard_end = max;
	memguard_update_active();
	trap_pfault_hook = memguard_fault;
	printf("MEMGUARD DEBUGGING ALLOCATOR INITIALIZED:\n");
	printf("\tMEMGUARD map base: %p\n", (void *)memguard_base);
	printf("\tMEMGUARD map size: %lu KBytes\n", memguard_mapsize / 1024);
}
SYSINIT(memguard_init, SI_SUB_KMEM, SI_ORDER_FOURTH, memguard_init, NULL);

static void
memguard_init_zones(void *dummy __unused)
{
	memguard_mark_zones();
}
SYSINIT(memguard_zones, SI_SUB_KMEM, SI_ORDER_ANY, memguard_init_zones,
    NULL);

static int
show_memguard(int argc, char **argv __unused)
{
	if (argc != 1) {
		printf("usage: show memguard\n");
		return (1);
	}
	printf("MemGuard map: %p-%p, %lu KB, %lu KB reserved\n",
	    (void *)memguard_base, (void *)memguard_end,
	    memguard_mapsize / 1024, memguard_mapused / 1024);
	printf("guarding: desc \"%s\", minsize %lu, frequency %lu, "
	    "options %#x\n", memguard_desc, memguard_minsize,
	    memguard_frequency, memguard_options);
	printf("allocations %lu, frees %lu, live %lu, by frequency %lu\n",
	    memguard_numalloc, memguard_numfree, memguard_inuse,
	    memguard_frequency_hits);
	printf("fallbacks: no room %lu, no page %lu; ranges reused %lu; "
	    "faults %lu\n", memguard_fail_kva, memguard_fail_pgs,
	    memguard_wrapcnt, memguard_faults);
	return (0);
}
SHOW_COMMAND(memguard, show_memguard, "show memguard",
    "MemGuard's map, settings and counters");
