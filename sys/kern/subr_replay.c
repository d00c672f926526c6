/*
 * Allocation trace replay: a real kernel's slab allocation trace run
 * through malloc(9) and UMA (interface and modes in sys/replay.h; the
 * image format in tools/trace2bin.py).
 *
 * 1. Trust.  The image comes from outside.  replay_check() walks all of
 *    it before anything is allocated for the replay: header, tables,
 *    strings, the event stream's checksum, every varint, every index, and
 *    the objects' life (a free names a live object).  A bad image is
 *    refused with one reason.  The replay loop then decodes without checks.
 *
 * 2. Objects.  IDs are dense, in allocation order, so the replay keeps one
 *    table of nobjects entries (pointer, requested size, bytes handed out,
 *    site, cache).  The replay's own tables come from kmem_malloc on
 *    kernel_map, never from malloc(9), so they stay out of what is
 *    measured.
 *
 * 3. Allocators.  One malloc type per site (malloc_init at the start,
 *    named by the site's symbol, malloc_uninit at the end once its counts
 *    are back to zero); in the zone modes one UMA zone per cache with the
 *    cache's size and alignment (uma_zcreate, uma_zdestroy once its items
 *    are all back); a cache the trace marks unknown (REPLAY_CACHE_UNKNOWN:
 *    no object size, its objects vary) gets no zone, its objects go
 *    through malloc.  Objects still live at the end of the trace are
 *    freed after the end figures are taken.
 *
 * 4. Proof.  Each object is filled with a 64-bit pattern derived from its
 *    ID and checked at its free: a byte lost or shared shows as a pattern
 *    error naming object, site, size and offset.
 *
 * 5. Two passes, each from a fresh set of types and zones.  The proof
 *    pass does all of the above and measures; the timed pass replays the
 *    same events with nothing around the calls (no pattern, no clock
 *    read, no sampling: the pointer table a free needs and a count of
 *    failures), so that its loop is what a replay costs.  Figures:
 *    instructions are TSC ticks (QEMU -icount shift=0).  Per event: the
 *    timed pass's whole loop (and, for reference, the proof pass's loop
 *    without pattern work and sampling); per allocation and per free: the
 *    proof pass's calls alone, between clock reads.  Footprint (proof
 *    pass): pages held by malloc's kegs and large blocks plus the replay
 *    zones' kegs (free items in slabs and caches included), above what was
 *    held before the replay (after a uma_reclaim), at the event where the
 *    live requested bytes peak, divided by those bytes; the same at the
 *    end after uma_reclaim.
 *
 * 6. Two CPUs (REPLAY_SMP2).  One thread bound to each CPU; both decode
 *    the whole stream, each performs the events that name its CPU, and a
 *    turn counter (release store, acquire load) keeps the trace's order:
 *    a thread waits until every earlier event is done.
 */
#include "opt_vm.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/kthread.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/preload.h>
#include <sys/proc.h>
#include <sys/replay.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/uma.h>
#include <vm/memguard.h>

#ifdef DEBUG_MEMGUARD
static const int replay_have_memguard = 1;
#else
static const int replay_have_memguard = 0;
#endif

#define	REPLAY_NOCACHE	0xffff
#define	REPLAY_FREED	0xffffffffU	/* replay_check's size of a freed ID */
#define	REPLAY_MAXERR	8		/* pattern errors printed */

struct replay_obj {
	void		*ro_ptr;
	void		*ro_owner;	/* timed pass: its zone or malloc type */
	uint32_t	ro_size;	/* requested */
	uint32_t	ro_handed;	/* bytes in the item handed out */
	uint16_t	ro_site;
	uint16_t	ro_cache;	/* REPLAY_NOCACHE: through malloc */
	uint8_t		ro_cpu;		/* the CPU that allocated it */
	uint8_t		ro_pad[3];
};

/* One replay's state, shared by its threads. */
struct replay_state {
	const struct replay_trace *rp_rt;
	struct replay_stats	*rp_rs;
	enum replay_mode	rp_mode;
	struct malloc_type	*rp_types;	/* one per site */
	uma_zone_t		*rp_zones;	/* one per cache, or NULL */
	struct replay_obj	*rp_objs;
	uint64_t		rp_live_bytes;
	uint64_t		rp_handed_bytes;
	uint64_t		rp_sample_every;
	uint64_t		rp_next_sample;
	void			(*rp_at_peak)(void *);
	void			*rp_arg;
	volatile uint64_t	rp_turn;	/* REPLAY_SMP2: next event */
	volatile u_int		rp_ready, rp_done;
	volatile int		rp_go;
	int			rp_timed;	/* the timed pass is running */
	struct replay_cpu {
		uint64_t	rc_tsc_alloc, rc_tsc_free, rc_tsc_skip;
		uint64_t	rc_tsc_start, rc_tsc_stop;
		uint64_t	rc_ns_start, rc_ns_stop;
	} rp_cpu[2];
};

static struct replay_state	*replay_cur;	/* the replay running */
static int			replay_dump_zones; /* vm.zone at the peak */

static const char *const replay_mode_names[REPLAY_NMODES] = {
	"malloc", "zones", "memguard", "smp2", "memguard_zones"
};

const char *
replay_mode_name(enum replay_mode mode)
{
	return (mode < REPLAY_NMODES ? replay_mode_names[mode] : "?");
}

/*
 * Reading the image
 */

static __inline uint32_t
le32(const uint8_t *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

static __inline uint64_t
le64(const uint8_t *p)
{
	return ((uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32);
}

uint32_t
replay_fnv1a(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t h = 0x811c9dc5;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x01000193;
	return (h);
}

/* A checked varint of at most 32 bits; -1 if it runs off the end. */
static int
varint_checked(const uint8_t **pp, const uint8_t *end, uint32_t *vp)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	int shift;

	for (shift = 0; shift < 35; shift += 7) {
		if (p >= end)
			return (-1);
		v |= (uint64_t)(*p & 0x7f) << shift;
		if ((*p++ & 0x80) == 0) {
			if (v > 0xffffffffUL)
				return (-1);
			*vp = (uint32_t)v;
			*pp = p;
			return (0);
		}
	}
	return (-1);
}

/* A varint of a checked stream; one or two bytes are the common case. */
static __inline uint32_t
varint(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t v;
	int shift;

	v = *p++;
	if ((v & 0x80) != 0) {
		v = (v & 0x7f) | (uint32_t)(*p & 0x7f) << 7;
		if (__predict_false((*p++ & 0x80) != 0)) {
			shift = 14;
			do {
				v |= (uint32_t)(*p & 0x7f) << shift;
				shift += 7;
			} while ((*p++ & 0x80) != 0);
		}
	}
	*pp = p;
	return (v);
}

static int
name_ok(const struct replay_trace *rt, uint32_t off)
{
	return (off < rt->rt_strsize);
}

static const char *
site_name(const struct replay_trace *rt, uint32_t i)
{
	return (rt->rt_strings + le32(rt->rt_sites + i * 8));
}

static const char *
cache_name(const struct replay_trace *rt, uint32_t i)
{
	return (rt->rt_strings + le32(rt->rt_caches + i * 16));
}

#define	REFUSE(...)	do {						\
	snprintf(why, whylen, __VA_ARGS__);				\
	error = EINVAL;							\
	goto out;							\
} while (0)

/* Does [off, off + len) lie in an image of size bytes? */
static int
in_image(uint64_t off, uint64_t len, size_t size)
{
	return (off <= size && len <= size - off);
}

int
replay_check(const void *image, size_t size, struct replay_trace *rt,
    char *why, size_t whylen)
{
	const uint8_t *h = image, *p, *end;
	uint32_t *sizes = NULL;
	uint64_t ev, nalloc, na, nc, nf, live, live_bytes, prev;
	uint32_t i, op, cpu, sz, site, cache, dist, id, csize, calign;
	size_t sizes_len = 0;
	int error = 0;

	bzero(rt, sizeof(*rt));
	snprintf(why, whylen, "ok");
	if (image == NULL || size < REPLAY_HDR_SIZE)
		REFUSE("image of %zu bytes is shorter than the %d-byte header",
		    size, REPLAY_HDR_SIZE);
	if (memcmp(h, REPLAY_MAGIC, 8) != 0)
		REFUSE("bad magic (not a trace2bin image)");
	if (le32(h + 8) != REPLAY_VERSION)
		REFUSE("version %u, want %d", le32(h + 8), REPLAY_VERSION);
	if (le32(h + 12) != REPLAY_HDR_SIZE)
		REFUSE("header size %u, want %d", le32(h + 12),
		    REPLAY_HDR_SIZE);
	rt->rt_base = h;
	rt->rt_size = size;
	rt->rt_nevents = le64(h + 16);
	rt->rt_nobjects = le32(h + 24);
	rt->rt_nsites = le32(h + 28);
	rt->rt_ncaches = le32(h + 32);
	rt->rt_nphases = le32(h + 36);
	rt->rt_strsize = le32(h + 56);
	rt->rt_evsize = le32(h + 64);
	rt->rt_nallocs_a = le64(h + 72);
	rt->rt_nallocs_c = le64(h + 80);
	rt->rt_nfrees = le64(h + 88);
	if (rt->rt_nsites > REPLAY_MAXSITES)
		REFUSE("%u sites, at most %d", rt->rt_nsites, REPLAY_MAXSITES);
	if (rt->rt_ncaches > REPLAY_MAXCACHES)
		REFUSE("%u caches, at most %d", rt->rt_ncaches,
		    REPLAY_MAXCACHES);
	if (rt->rt_nphases > REPLAY_MAXPHASES)
		REFUSE("%u phases, at most %d", rt->rt_nphases,
		    REPLAY_MAXPHASES);
	if (rt->rt_nobjects > REPLAY_MAXOBJECTS)
		REFUSE("%u objects, at most %d", rt->rt_nobjects,
		    REPLAY_MAXOBJECTS);
	if (!in_image(le32(h + 40), (uint64_t)rt->rt_nsites * 8, size))
		REFUSE("site table outside the image");
	if (!in_image(le32(h + 44), (uint64_t)rt->rt_ncaches * 16, size))
		REFUSE("cache table outside the image");
	if (!in_image(le32(h + 48), (uint64_t)rt->rt_nphases * 16, size))
		REFUSE("phase table outside the image");
	if (!in_image(le32(h + 52), rt->rt_strsize, size))
		REFUSE("string table outside the image");
	if (!in_image(le32(h + 60), rt->rt_evsize, size))
		REFUSE("event stream outside the image");
	rt->rt_sites = h + le32(h + 40);
	rt->rt_caches = h + le32(h + 44);
	rt->rt_phases = h + le32(h + 48);
	rt->rt_strings = (const char *)h + le32(h + 52);
	rt->rt_events = h + le32(h + 60);
	if (rt->rt_strsize == 0 || rt->rt_strings[rt->rt_strsize - 1] != '\0')
		REFUSE("string table does not end in NUL");
	for (i = 0; i < rt->rt_nsites; i++)
		if (!name_ok(rt, le32(rt->rt_sites + i * 8)))
			REFUSE("site %u: name offset %u outside the strings",
			    i + 1, le32(rt->rt_sites + i * 8));
	for (i = 0; i < rt->rt_ncaches; i++) {
		p = rt->rt_caches + i * 16;
		csize = le32(p + 4);
		calign = le32(p + 8);
		if (!name_ok(rt, le32(p)))
			REFUSE("cache %u: name offset %u outside the strings",
			    i + 1, le32(p));
		/* An unknown cache gets no zone: its objects go via malloc. */
		if (csize > REPLAY_MAXCACHESIZE &&
		    (le32(p + 12) & REPLAY_CACHE_UNKNOWN) == 0)
			REFUSE("cache %u (%s): object size %u over %d", i + 1,
			    cache_name(rt, i), csize, REPLAY_MAXCACHESIZE);
		if (calign == 0 || (calign & (calign - 1)) != 0 ||
		    calign > PAGE_SIZE)
			REFUSE("cache %u (%s): align %u is not a power of two "
			    "up to %d", i + 1, cache_name(rt, i), calign,
			    PAGE_SIZE);
		if ((le32(p + 12) & ~REPLAY_CACHE_UNKNOWN) != 0)
			REFUSE("cache %u (%s): unknown flags %#x", i + 1,
			    cache_name(rt, i), le32(p + 12));
	}
	for (i = 0, prev = 0; i < rt->rt_nphases; i++) {
		p = rt->rt_phases + i * 16;
		if (!name_ok(rt, le32(p + 8)))
			REFUSE("phase %u: name offset outside the strings", i);
		if (le64(p) > rt->rt_nevents || le64(p) < prev)
			REFUSE("phase %u: event %ju out of order or past the "
			    "end", i, (uintmax_t)le64(p));
		prev = le64(p);
	}
	if (replay_fnv1a(rt->rt_events, rt->rt_evsize) != le32(h + 68))
		REFUSE("event stream checksum %#x, header says %#x",
		    replay_fnv1a(rt->rt_events, rt->rt_evsize), le32(h + 68));

	/* The events: each decoded and checked, and every object's life. */
	sizes_len = round_page(((size_t)rt->rt_nobjects + 1) *
	    sizeof(*sizes));
	sizes = (uint32_t *)kmem_malloc(kernel_map, sizes_len, M_WAITOK);
	p = rt->rt_events;
	end = p + rt->rt_evsize;
	nalloc = na = nc = nf = live = live_bytes = 0;
	for (ev = 0; p < end; ev++) {
		if (ev >= rt->rt_nevents)
			REFUSE("more events than the %ju the header says",
			    (uintmax_t)rt->rt_nevents);
		op = *p & 3;
		cpu = (*p >> 2) & 1;
		rt->rt_maxcpu = MAX(rt->rt_maxcpu, cpu);
		if (op == 0)
			REFUSE("event %ju: unknown op 0", (uintmax_t)ev);
		if (op == REPLAY_OP_F) {
			if ((*p >> 3) != 0)
				REFUSE("event %ju: free with align bits %u",
				    (uintmax_t)ev, *p >> 3);
			p++;
			if (varint_checked(&p, end, &dist) != 0)
				REFUSE("event %ju: truncated free",
				    (uintmax_t)ev);
			if (dist >= nalloc)
				REFUSE("event %ju: free of object -%u before "
				    "the first allocation", (uintmax_t)ev,
				    dist);
			id = nalloc - 1 - dist;
			if (sizes[id] == REPLAY_FREED)
				REFUSE("event %ju: object %u freed twice",
				    (uintmax_t)ev, id);
			live--;
			live_bytes -= sizes[id];
			sizes[id] = REPLAY_FREED;
			nf++;
			continue;
		}
		if ((*p >> 3) > 30)
			REFUSE("event %ju: alignment 2^%u", (uintmax_t)ev,
			    *p >> 3);
		p++;
		if (varint_checked(&p, end, &sz) != 0 ||
		    varint_checked(&p, end, &site) != 0 ||
		    (op == REPLAY_OP_C && varint_checked(&p, end, &cache) != 0))
			REFUSE("event %ju: truncated allocation",
			    (uintmax_t)ev);
		if (nalloc >= rt->rt_nobjects)
			REFUSE("event %ju: more allocations than the %u "
			    "objects the header says", (uintmax_t)ev,
			    rt->rt_nobjects);
		if (sz > REPLAY_MAXSIZE)
			REFUSE("event %ju: size %u over %d", (uintmax_t)ev, sz,
			    REPLAY_MAXSIZE);
		if (site >= rt->rt_nsites)
			REFUSE("event %ju: site %u, only %u sites",
			    (uintmax_t)ev, site + 1, rt->rt_nsites);
		if (op == REPLAY_OP_C) {
			if (cache >= rt->rt_ncaches)
				REFUSE("event %ju: cache %u, only %u caches",
				    (uintmax_t)ev, cache + 1, rt->rt_ncaches);
			if (sz > le32(rt->rt_caches + cache * 16 + 4))
				REFUSE("event %ju: size %u over cache %u's "
				    "object size %u", (uintmax_t)ev, sz,
				    cache + 1,
				    le32(rt->rt_caches + cache * 16 + 4));
			nc++;
		} else
			na++;
		sizes[nalloc++] = sz;
		live++;
		live_bytes += sz;
		if (live_bytes > rt->rt_peak_bytes) {
			rt->rt_peak_bytes = live_bytes;
			rt->rt_peak_event = ev;
			rt->rt_peak_objects = live;
		}
	}
	if (ev != rt->rt_nevents)
		REFUSE("%ju events, the header says %ju", (uintmax_t)ev,
		    (uintmax_t)rt->rt_nevents);
	if (nalloc != rt->rt_nobjects || na != rt->rt_nallocs_a ||
	    nc != rt->rt_nallocs_c || nf != rt->rt_nfrees)
		REFUSE("counts (objects %ju, a %ju, c %ju, f %ju) differ from "
		    "the header's (%u, %ju, %ju, %ju)", (uintmax_t)nalloc,
		    (uintmax_t)na, (uintmax_t)nc, (uintmax_t)nf,
		    rt->rt_nobjects, (uintmax_t)rt->rt_nallocs_a,
		    (uintmax_t)rt->rt_nallocs_c, (uintmax_t)rt->rt_nfrees);
	rt->rt_live_end = live;
	rt->rt_live_bytes_end = live_bytes;
out:
	if (sizes != NULL)
		kmem_free(kernel_map, (vm_offset_t)sizes, sizes_len);
	if (error != 0)
		rt->rt_base = NULL;
	return (error);
}

/*
 * The pattern
 */

static __inline uint64_t
replay_seed(uint32_t id)
{
	return (((uint64_t)id + 1) * 0x9e3779b97f4a7c15UL);
}

static void
pattern_fill(void *mem, uint32_t size, uint64_t seed)
{
	uint64_t *w = mem;
	uint8_t *b;
	uint32_t i, n = size / 8;

	for (i = 0; i < n; i++)
		w[i] = seed;
	b = (uint8_t *)&w[n];
	for (i = 0; i < size % 8; i++)
		b[i] = (uint8_t)(seed >> (8 * i));
}

/* The first offset whose byte differs from the pattern, or -1. */
static int64_t
pattern_check(const void *mem, uint32_t size, uint64_t seed)
{
	const uint64_t *w = mem;
	const uint8_t *b = mem;
	uint32_t i, n = size / 8;

	for (i = 0; i < n; i++)
		if (w[i] != seed)
			break;
	for (i *= 8; i < size; i++)
		if (b[i] != (uint8_t)(seed >> (8 * (i % 8))))
			return (i);
	return (-1);
}

/*
 * Footprint
 */

static u_long
replay_pages(struct replay_state *rp)
{
	u_long pages;
	uint32_t i;

	pages = malloc_pages_held();
	if (rp->rp_zones != NULL)
		for (i = 0; i < rp->rp_rt->rt_ncaches; i++)
			if (rp->rp_zones[i] != NULL)
				pages += uma_zone_keg_pages(rp->rp_zones[i]);
	return (pages);
}

/* Print vm.zone (vmstat -z) as "REPLAY zones mode=M LINE" lines. */
static void
replay_print_zones(struct replay_state *rp)
{
	const size_t bufsize = 256 * 1024;
	char *buf, *line, *next;
	size_t len = bufsize - 1;

	buf = (char *)kmem_malloc(kernel_map, bufsize, M_WAITOK | M_ZERO);
	if (kernel_sysctlbyname("vm.zone", buf, &len, NULL, 0) == 0) {
		buf[MIN(len, bufsize - 1)] = '\0';
		for (line = buf; line != NULL; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if (*line != '\0')
				printf("REPLAY zones mode=%s %s\n",
				    replay_mode_name(rp->rp_mode), line);
		}
	}
	kmem_free(kernel_map, (vm_offset_t)buf, bufsize);
}

/* One "REPLAY keg" line per zone with pages: where the footprint is. */
static void
replay_print_keg(uma_zone_t zone, void *arg)
{
	struct replay_state *rp = arg;
	struct uma_zone_stat zs;
	struct uma_cache_stat cs;
	int cpu, percpu;

	uma_zone_stat(zone, &zs);
	if (zs.zs_pages == 0 || zs.zs_secondary)
		return;
	percpu = 0;
	CPU_FOREACH(cpu) {
		uma_zone_cpu_stat(zone, cpu, &cs);
		percpu += cs.cs_alloccnt + cs.cs_freecnt;
	}
	printf("REPLAY keg mode=%s name=%s pages=%u used=%u cached=%u "
	    "percpu=%d kegfree=%u rsize=%u ipers=%u ppera=%u\n",
	    replay_mode_name(rp->rp_mode), uma_zone_name(zone), zs.zs_pages,
	    zs.zs_used, zs.zs_cached, percpu, zs.zs_kegfree, zs.zs_rsize,
	    zs.zs_ipers, zs.zs_ppera);
}

static void
replay_sample(struct replay_state *rp, uint64_t ev)
{
	struct replay_stats *rs = rp->rp_rs;
	struct replay_sample *s;
	u_long pages;

	pages = replay_pages(rp);
	if (ev == rp->rp_rt->rt_peak_event) {
		rs->rs_pages_peak = pages;
		rs->rs_free_peak = vm_cnt.v_free_count;
		rs->rs_peak_handed = rp->rp_handed_bytes;
		if (rp->rp_at_peak != NULL)
			rp->rp_at_peak(rp->rp_arg);
		if (replay_dump_zones) {
			replay_print_zones(rp);
			uma_zone_foreach(replay_print_keg, rp);
		}
	}
	if (rs->rs_nsamples < REPLAY_NSAMPLES + 2) {
		s = &rs->rs_samples[rs->rs_nsamples++];
		s->event = ev;
		s->live_bytes = rp->rp_live_bytes;
		s->handed_bytes = rp->rp_handed_bytes;
		s->pages = pages - MIN(pages, rs->rs_pages_base);
	}
}

/*
 * The events
 */

static void
replay_pattern_error(struct replay_state *rp, uint32_t id, int64_t off)
{
	struct replay_obj *o = &rp->rp_objs[id];

	if (rp->rp_rs->rs_pattern_errors++ < REPLAY_MAXERR)
		printf("replay: pattern error: object %u (site %s, size %u) "
		    "at %p: byte %jd is %#x, expected %#x\n", id,
		    site_name(rp->rp_rt, o->ro_site), o->ro_size, o->ro_ptr,
		    (intmax_t)off, ((const uint8_t *)o->ro_ptr)[off],
		    (uint8_t)(replay_seed(id) >> (8 * (off % 8))));
}

static __inline void
replay_alloc(struct replay_state *rp, struct replay_cpu *rc, uint32_t id,
    uint32_t size, uint32_t align, uint32_t site, uint32_t cache)
{
	struct replay_obj *o = &rp->rp_objs[id];
	uint64_t t0, t1, t2;
	void *p;

	t0 = rdtsc();
	if (cache != REPLAY_NOCACHE)
		p = uma_zalloc(rp->rp_zones[cache], M_NOWAIT);
	else
		p = malloc(size, &rp->rp_types[site], M_NOWAIT);
	t1 = rdtsc();
	rc->rc_tsc_alloc += t1 - t0;
	o->ro_ptr = p;
	o->ro_size = size;
	o->ro_site = site;
	o->ro_cache = cache;
	o->ro_cpu = curcpu;
	if (p == NULL) {
		rp->rp_rs->rs_failed++;
		return;
	}
	rp->rp_live_bytes += size;
	o->ro_handed = cache != REPLAY_NOCACHE ?
	    (uint32_t)uma_zone_rsize(rp->rp_zones[cache]) :
	    (uint32_t)malloc_usable_size(p);
	rp->rp_handed_bytes += o->ro_handed;
	if (((uintptr_t)p & (MIN(align, PAGE_SIZE) - 1)) != 0) {
		rp->rp_rs->rs_misaligned++;
		rp->rp_rs->rs_misaligned_by[__builtin_ctz(MIN(align,
		    PAGE_SIZE))]++;
	}
	if (is_memguard_addr(p))
		rp->rp_rs->rs_guarded++;
	pattern_fill(p, size, replay_seed(id));
	t2 = rdtsc();
	rc->rc_tsc_skip += t2 - t1;
}

static __inline void
replay_free(struct replay_state *rp, struct replay_cpu *rc, uint32_t id)
{
	struct replay_obj *o = &rp->rp_objs[id];
	uint64_t t0, t1, t2;
	int64_t off;

	if (o->ro_ptr == NULL)
		return;
	t0 = rdtsc();
	off = pattern_check(o->ro_ptr, o->ro_size, replay_seed(id));
	if (__predict_false(off >= 0))
		replay_pattern_error(rp, id, off);
	rp->rp_live_bytes -= o->ro_size;
	rp->rp_handed_bytes -= o->ro_handed;
	if (o->ro_cpu != curcpu)
		rp->rp_rs->rs_cross_frees++;
	t1 = rdtsc();
	rc->rc_tsc_skip += t1 - t0;
	if (o->ro_cache != REPLAY_NOCACHE)
		uma_zfree(rp->rp_zones[o->ro_cache], o->ro_ptr);
	else
		free(o->ro_ptr, &rp->rp_types[o->ro_site]);
	t2 = rdtsc();
	rc->rc_tsc_free += t2 - t1;
	o->ro_ptr = NULL;
}

/*
 * Run the events; with cpu >= 0 only those naming that CPU, each in its
 * turn.
 */
static void
replay_loop(struct replay_state *rp, int cpu)
{
	const struct replay_trace *rt = rp->rp_rt;
	struct replay_cpu *rc = &rp->rp_cpu[cpu < 0 ? 0 : cpu];
	const uint8_t *p = rt->rt_events;
	uint64_t ev, nalloc, t0;
	uint32_t op, size, site, cache, dist, align;
	int zones, mine;

	zones = rp->rp_zones != NULL;
	nalloc = 0;
	rc->rc_ns_start = uptime_ns();
	rc->rc_tsc_start = rdtsc();
	for (ev = 0; ev < rt->rt_nevents; ev++) {
		op = *p & 3;
		mine = cpu < 0 || (int)((*p >> 2) & 1) == cpu;
		align = 1U << (*p >> 3);
		p++;
		if (op == REPLAY_OP_F)
			dist = varint(&p);
		else {
			size = varint(&p);
			site = varint(&p);
			cache = op == REPLAY_OP_C ? varint(&p) : 0;
			nalloc++;
		}
		if (!mine)
			continue;
		if (cpu >= 0)
			while (atomic_load_acq_64(&rp->rp_turn) != ev)
				cpu_pause();
		if (op == REPLAY_OP_F)
			replay_free(rp, rc, nalloc - 1 - dist);
		else
			replay_alloc(rp, rc, nalloc - 1, size, align, site,
			    zones && op == REPLAY_OP_C &&
			    rp->rp_zones[cache] != NULL ? cache :
			    REPLAY_NOCACHE);
		if (__predict_false(ev == rp->rp_next_sample ||
		    ev == rt->rt_peak_event)) {
			t0 = rdtsc();
			replay_sample(rp, ev);
			if (ev == rp->rp_next_sample)
				rp->rp_next_sample += rp->rp_sample_every;
			rc->rc_tsc_skip += rdtsc() - t0;
		}
		if (cpu >= 0)
			atomic_store_rel_64(&rp->rp_turn, ev + 1);
	}
	rc->rc_tsc_stop = rdtsc();
	rc->rc_ns_stop = uptime_ns();
}

/*
 * Two CPUs, timed pass: is event ev (first byte b) this CPU's?  If it is,
 * wait until every earlier event is done.
 */
static __always_inline int
replay_timed_turn(struct replay_state *rp, uint32_t b, int cpu, uint64_t ev)
{
	if ((int)((b >> 2) & 1) != cpu)
		return (0);
	while (atomic_load_acq_64(&rp->rp_turn) != ev)
		cpu_pause();
	return (1);
}

/*
 * The timed pass: the events and nothing else.  No pattern, no clock
 * reads, no sampling; the only bookkeeping is what a free needs (the
 * pointer and where it came from) and a count of failures.  Inlined into
 * a one-CPU and a two-CPU body so that the one-CPU loop carries no turn
 * test.
 */
static __always_inline void
replay_timed_events(struct replay_state *rp, int cpu)
{
	struct replay_obj *next = rp->rp_objs, *o;
	struct malloc_type *types = rp->rp_types;
	uma_zone_t *zones = rp->rp_zones;
	const uint8_t *p = rp->rp_rt->rt_events;
	uint64_t left;
	uint32_t b, size, site, cache;

	/* Few values live across the calls: no spills in the loop. */
	for (left = rp->rp_rt->rt_nevents; left > 0; left--) {
		b = *p++;
		if ((b & 3) == REPLAY_OP_F) {
			o = next - 1 - varint(&p);
			if (cpu >= 0 && !replay_timed_turn(rp, b, cpu,
			    rp->rp_rt->rt_nevents - left))
				continue;
			if (o->ro_cache != REPLAY_NOCACHE)
				uma_zfree(o->ro_owner, o->ro_ptr);
			else
				free(o->ro_ptr, o->ro_owner);
			o->ro_ptr = NULL;
		} else {
			size = varint(&p);
			site = varint(&p);
			cache = (b & 3) == REPLAY_OP_C ? varint(&p) :
			    REPLAY_NOCACHE;
			o = next++;
			if (cpu >= 0 && !replay_timed_turn(rp, b, cpu,
			    rp->rp_rt->rt_nevents - left))
				continue;
			if (cache != REPLAY_NOCACHE && zones != NULL &&
			    zones[cache] != NULL) {
				o->ro_owner = zones[cache];
				o->ro_ptr = uma_zalloc(o->ro_owner, M_NOWAIT);
				o->ro_cache = cache;
			} else {
				o->ro_owner = &types[site];
				o->ro_ptr = malloc(size, o->ro_owner,
				    M_NOWAIT);
				o->ro_cache = REPLAY_NOCACHE;
				o->ro_site = site;
			}
			if (__predict_false(o->ro_ptr == NULL))
				atomic_add_64(&rp->rp_rs->rs_timed_failed, 1);
		}
		if (cpu >= 0)
			atomic_store_rel_64(&rp->rp_turn,
			    rp->rp_rt->rt_nevents - left + 1);
	}
}

static __noinline void
replay_timed_up(struct replay_state *rp)
{
	replay_timed_events(rp, -1);
}

static __noinline void
replay_timed_mp(struct replay_state *rp, int cpu)
{
	replay_timed_events(rp, cpu);
}

/* Run a pass on cpu (-1: the only one), clocked. */
static void
replay_pass(struct replay_state *rp, int cpu)
{
	struct replay_cpu *rc = &rp->rp_cpu[cpu < 0 ? 0 : cpu];

	if (!rp->rp_timed) {
		replay_loop(rp, cpu);
		return;
	}
	rc->rc_ns_start = uptime_ns();
	rc->rc_tsc_start = rdtsc();
	if (cpu < 0)
		replay_timed_up(rp);
	else
		replay_timed_mp(rp, cpu);
	rc->rc_tsc_stop = rdtsc();
	rc->rc_ns_stop = uptime_ns();
}

static void
replay_thread(void *arg)
{
	struct replay_state *rp = arg;
	int cpu;

	cpu = atomic_fetchadd_int(&rp->rp_ready, 1);
	sched_bind(curthread, cpu);
	while (!rp->rp_go)
		cpu_pause();
	replay_pass(rp, cpu);
	atomic_add_int(&rp->rp_done, 1);
	kthread_exit();
}

void *
replay_object(uint32_t id)
{
	struct replay_state *rp = replay_cur;

	if (rp == NULL || id >= rp->rp_rt->rt_nobjects)
		return (NULL);
	return (rp->rp_objs[id].ro_ptr);
}

/*
 * Set-up and tear-down
 */

static void *
replay_table(size_t size)
{
	return ((void *)kmem_malloc(kernel_map, round_page(MAX(size, 1)),
	    M_WAITOK | M_ZERO));
}

static void
replay_table_free(void *p, size_t size)
{
	if (p != NULL)
		kmem_free(kernel_map, (vm_offset_t)p, round_page(MAX(size, 1)));
}

static int
replay_type_busy(struct malloc_type *type)
{
	uint64_t allocs = 0, frees = 0, alloced = 0, freed = 0;
	int cpu;

	CPU_FOREACH(cpu) {
		allocs += type->ks_stats[cpu].mts_numallocs;
		frees += type->ks_stats[cpu].mts_numfrees;
		alloced += type->ks_stats[cpu].mts_memalloced;
		freed += type->ks_stats[cpu].mts_memfreed;
	}
	return (allocs != frees || alloced != freed);
}

/*
 * The replay's malloc types (one per site) and, in the zone modes, zones
 * (one per cache whose object size is known; the objects of an unknown
 * cache, which share no size, go through malloc).
 */
static void
replay_setup(struct replay_state *rp)
{
	const struct replay_trace *rt = rp->rp_rt;
	const uint8_t *c;
	uint32_t i;

	bzero(rp->rp_types, (size_t)rt->rt_nsites * sizeof(*rp->rp_types));
	for (i = 0; i < rt->rt_nsites; i++) {
		rp->rp_types[i].ks_magic = M_MAGIC;
		rp->rp_types[i].ks_shortdesc = site_name(rt, i);
		rp->rp_types[i].ks_longdesc = "replayed call site";
		malloc_init(&rp->rp_types[i]);
	}
	if (rp->rp_zones == NULL)
		return;
	for (i = 0; i < rt->rt_ncaches; i++) {
		c = rt->rt_caches + i * 16;
		rp->rp_zones[i] = (le32(c + 12) & REPLAY_CACHE_UNKNOWN) != 0 ?
		    NULL : uma_zcreate(cache_name(rt, i), MAX(le32(c + 4), 1),
		    NULL, NULL, NULL, NULL, le32(c + 8) - 1, 0);
	}
}

/* Free what the trace left live, then undo replay_setup. */
static void
replay_teardown(struct replay_state *rp)
{
	const struct replay_trace *rt = rp->rp_rt;
	struct replay_stats *rs = rp->rp_rs;
	struct replay_obj *o;
	uint32_t i;

	for (i = 0; i < rt->rt_nobjects; i++) {
		o = &rp->rp_objs[i];
		if (o->ro_ptr == NULL)
			continue;
		if (o->ro_cache != REPLAY_NOCACHE)
			uma_zfree(rp->rp_zones[o->ro_cache], o->ro_ptr);
		else
			free(o->ro_ptr, &rp->rp_types[o->ro_site]);
		o->ro_ptr = NULL;
	}
	if (rp->rp_zones != NULL) {
		for (i = 0; i < rt->rt_ncaches; i++) {
			if (rp->rp_zones[i] == NULL)
				continue;
			if (uma_zone_get_cur(rp->rp_zones[i]) != 0) {
				printf("replay: zone %s: %d items still "
				    "allocated; not destroyed\n",
				    uma_zone_name(rp->rp_zones[i]),
				    uma_zone_get_cur(rp->rp_zones[i]));
				rs->rs_zones_leaked++;
				continue;
			}
			uma_zdestroy(rp->rp_zones[i]);
		}
	}
	for (i = 0; i < rt->rt_nsites; i++) {
		if (replay_type_busy(&rp->rp_types[i])) {
			printf("replay: malloc type %s: counts not back to "
			    "zero\n", rp->rp_types[i].ks_shortdesc);
			rs->rs_types_nonzero++;
		}
		malloc_uninit(&rp->rp_types[i]);
	}
}

static void
replay_end(struct replay_state *rp)
{
	const struct replay_trace *rt = rp->rp_rt;
	struct replay_stats *rs = rp->rp_rs;
	struct replay_cpu *rc = &rp->rp_cpu[0];
	uint64_t cross;
	uint32_t i;

	/* Figures at the end of the trace, then free what is left. */
	rs->rs_live_bytes_end = rp->rp_live_bytes;
	rs->rs_pages_end_before_reclaim = replay_pages(rp);
	uma_reclaim();
	rs->rs_pages_end = replay_pages(rp);
	cross = rs->rs_cross_frees;	/* the trace's, not the clean-up's */
	for (i = 0; i < rt->rt_nobjects; i++) {
		if (rp->rp_objs[i].ro_ptr != NULL) {
			rs->rs_live_end++;
			replay_free(rp, rc, i);
		}
	}
	rs->rs_cross_frees = cross;
	replay_teardown(rp);
	uma_reclaim();
	rs->rs_pages_after = malloc_pages_held();
}

/* Run the pass set up in rp on ncpu CPUs and wait for it. */
static void
replay_go(struct replay_state *rp, int ncpu)
{
	int cpu;

	rp->rp_ready = rp->rp_done = 0;
	rp->rp_go = 0;
	rp->rp_turn = 0;
	if (ncpu == 1) {
		sched_bind(curthread, 0);
		replay_pass(rp, -1);
		sched_unbind(curthread);
		return;
	}
	for (cpu = 0; cpu < ncpu; cpu++)
		kthread_add(replay_thread, rp, NULL, NULL, 0, 0, "replay%d",
		    cpu);
	while (rp->rp_ready < (u_int)ncpu)
		pause("replayr", 1);
	rp->rp_go = 1;
	while (rp->rp_done < (u_int)ncpu)
		pause("replayw", 1);
}

int
replay_run(const struct replay_trace *rt, enum replay_mode mode,
    struct replay_stats *rs, void (*at_peak)(void *), void *arg)
{
	static struct replay_state state;
	struct replay_state *rp = &state;
	struct replay_cpu *rc;
	int cpu, ncpu;

	if (rt->rt_base == NULL || mode >= REPLAY_NMODES)
		return (EINVAL);
	if ((mode == REPLAY_MEMGUARD || mode == REPLAY_MEMGUARD_ZONES) &&
	    !replay_have_memguard)
		return (ENXIO);
	ncpu = mode == REPLAY_SMP2 ? 2 : 1;
	if (ncpu > mp_ncpus)
		return (ENXIO);
	bzero(rp, sizeof(*rp));
	bzero(rs, sizeof(*rs));
	rp->rp_rt = rt;
	rp->rp_rs = rs;
	rp->rp_mode = mode;
	rp->rp_at_peak = at_peak;
	rp->rp_arg = arg;
	rs->rs_mode = mode;
	rs->rs_events = rt->rt_nevents;
	rs->rs_allocs = rt->rt_nobjects;
	rs->rs_frees = rt->rt_nfrees;
	rs->rs_peak_bytes = rt->rt_peak_bytes;
	rs->rs_peak_event = rt->rt_peak_event;
	rp->rp_sample_every = MAX(rt->rt_nevents / REPLAY_NSAMPLES, 1);

	rp->rp_objs = replay_table((size_t)rt->rt_nobjects *
	    sizeof(*rp->rp_objs));
	rp->rp_types = replay_table((size_t)rt->rt_nsites *
	    sizeof(*rp->rp_types));
	if (mode == REPLAY_ZONES || mode == REPLAY_SMP2 ||
	    mode == REPLAY_MEMGUARD_ZONES)
		rp->rp_zones = replay_table((size_t)rt->rt_ncaches *
		    sizeof(*rp->rp_zones));

	/* The proof pass: patterns, footprint, the calls' own cost. */
	replay_setup(rp);
	uma_reclaim();
	rs->rs_pages_base = replay_pages(rp);
	rs->rs_free_base = vm_cnt.v_free_count;
	replay_cur = rp;
	replay_go(rp, ncpu);
	for (cpu = 0; cpu < ncpu; cpu++) {
		rc = &rp->rp_cpu[cpu];
		rs->rs_tsc_alloc += rc->rc_tsc_alloc;
		rs->rs_tsc_free += rc->rc_tsc_free;
		rs->rs_tsc_loop_proof = MAX(rs->rs_tsc_loop_proof,
		    rc->rc_tsc_stop - rc->rc_tsc_start - rc->rc_tsc_skip);
	}
	replay_cur = NULL;
	replay_end(rp);

	/* The timed pass: the same events with nothing around them. */
	bzero(rp->rp_objs, (size_t)rt->rt_nobjects * sizeof(*rp->rp_objs));
	bzero(rp->rp_cpu, sizeof(rp->rp_cpu));
	replay_setup(rp);
	uma_reclaim();
	rp->rp_timed = 1;
	replay_go(rp, ncpu);
	for (cpu = 0; cpu < ncpu; cpu++) {
		rc = &rp->rp_cpu[cpu];
		rs->rs_tsc_loop = MAX(rs->rs_tsc_loop, rc->rc_tsc_stop -
		    rc->rc_tsc_start);
		rs->rs_ns = MAX(rs->rs_ns, rc->rc_ns_stop - rc->rc_ns_start);
	}
	replay_teardown(rp);
	uma_reclaim();
	if (rs->rs_peak_bytes != 0)
		rs->rs_footprint_peak_permille = (uint64_t)(rs->rs_pages_peak -
		    MIN(rs->rs_pages_peak, rs->rs_pages_base)) * PAGE_SIZE *
		    1000 / rs->rs_peak_bytes;
	if (rs->rs_peak_bytes != 0)
		rs->rs_footprint_sys_permille = (uint64_t)(rs->rs_free_base -
		    MIN(rs->rs_free_base, rs->rs_free_peak)) * PAGE_SIZE *
		    1000 / rs->rs_peak_bytes;
	if (rs->rs_live_bytes_end != 0)
		rs->rs_footprint_end_permille = (uint64_t)(rs->rs_pages_end -
		    MIN(rs->rs_pages_end, rs->rs_pages_base)) * PAGE_SIZE *
		    1000 / rs->rs_live_bytes_end;
	replay_table_free(rp->rp_zones, (size_t)rt->rt_ncaches *
	    sizeof(*rp->rp_zones));
	replay_table_free(rp->rp_types, (size_t)rt->rt_nsites *
	    sizeof(*rp->rp_types));
	replay_table_free(rp->rp_objs, (size_t)rt->rt_nobjects *
	    sizeof(*rp->rp_objs));
	return (0);
}

/*
 * Reporting
 */

static void
print_centi(const char *name, uint64_t num, uint64_t den)
{
	uint64_t c = den != 0 ? num * 100 / den : 0;

	printf(" %s=%ju.%02ju", name, (uintmax_t)(c / 100),
	    (uintmax_t)(c % 100));
}

void
replay_print(const struct replay_trace *rt, const struct replay_stats *rs,
    int bench)
{
	const char *m = replay_mode_name(rs->rs_mode);
	const struct replay_sample *s;
	uint64_t centi;
	uint32_t i;
	int k;

	printf("REPLAY mode=%s events=%ju allocs=%ju frees=%ju failed=%ju "
	    "pattern_errors=%ju misaligned=%ju guarded=%ju\n", m,
	    (uintmax_t)rs->rs_events, (uintmax_t)rs->rs_allocs,
	    (uintmax_t)rs->rs_frees, (uintmax_t)rs->rs_failed,
	    (uintmax_t)rs->rs_pattern_errors, (uintmax_t)rs->rs_misaligned,
	    (uintmax_t)rs->rs_guarded);
	printf("REPLAY mode=%s misaligned_by_align", m);
	for (k = 1; k <= PAGE_SHIFT; k++)
		if (rs->rs_misaligned_by[k] != 0)
			printf(" %d:%ju", 1 << k,
			    (uintmax_t)rs->rs_misaligned_by[k]);
	printf("\n");
	/* Timed pass: the loop; proof pass: its loop and the calls. */
	printf("REPLAY mode=%s", m);
	print_centi("insns_per_event", rs->rs_tsc_loop, rs->rs_events);
	print_centi("insns_per_event_proof", rs->rs_tsc_loop_proof,
	    rs->rs_events);
	print_centi("insns_per_alloc", rs->rs_tsc_alloc, rs->rs_allocs);
	print_centi("insns_per_free", rs->rs_tsc_free, rs->rs_frees +
	    rs->rs_live_end);
	printf(" ns_per_event=%ju timed_failed=%ju\n",
	    (uintmax_t)(rs->rs_events != 0 ? rs->rs_ns / rs->rs_events : 0),
	    (uintmax_t)rs->rs_timed_failed);
	printf("REPLAY mode=%s peak_event=%ju peak_bytes=%ju peak_handed=%ju "
	    "pages_base=%lu pages_peak=%lu footprint_peak_permille=%lu\n", m,
	    (uintmax_t)rs->rs_peak_event, (uintmax_t)rs->rs_peak_bytes,
	    (uintmax_t)rs->rs_peak_handed, rs->rs_pages_base,
	    rs->rs_pages_peak, rs->rs_footprint_peak_permille);
	printf("REPLAY mode=%s free_pages_base=%lu free_pages_peak=%lu "
	    "footprint_sys_permille=%lu\n", m, rs->rs_free_base,
	    rs->rs_free_peak, rs->rs_footprint_sys_permille);
	printf("REPLAY mode=%s live_end=%ju live_bytes_end=%ju "
	    "pages_end_before_reclaim=%lu pages_end=%lu reclaim_pages=%lu "
	    "footprint_end_permille=%lu\n", m, (uintmax_t)rs->rs_live_end,
	    (uintmax_t)rs->rs_live_bytes_end, rs->rs_pages_end_before_reclaim,
	    rs->rs_pages_end, rs->rs_pages_end_before_reclaim -
	    MIN(rs->rs_pages_end, rs->rs_pages_end_before_reclaim),
	    rs->rs_footprint_end_permille);
	printf("REPLAY mode=%s pages_after=%lu pages_after_permille=%lu "
	    "types_nonzero=%lu zones_leaked=%lu cross_cpu_frees=%ju\n", m,
	    rs->rs_pages_after, rs->rs_pages_base != 0 ?
	    rs->rs_pages_after * 1000 / rs->rs_pages_base : 0,
	    rs->rs_types_nonzero, rs->rs_zones_leaked,
	    (uintmax_t)rs->rs_cross_frees);
	if (!bench)
		return;
	for (i = 0; i < rt->rt_nphases; i++)
		printf("REPLAY phase name=%s event=%ju\n", rt->rt_strings +
		    le32(rt->rt_phases + i * 16 + 8),
		    (uintmax_t)le64(rt->rt_phases + i * 16));
	for (k = 0; k < rs->rs_nsamples; k++) {
		s = &rs->rs_samples[k];
		printf("REPLAY sample mode=%s event=%ju live=%ju handed=%ju "
		    "pages=%lu\n", m, (uintmax_t)s->event,
		    (uintmax_t)s->live_bytes, (uintmax_t)s->handed_bytes,
		    s->pages);
	}
	centi = rs->rs_events != 0 ? rs->rs_tsc_loop * 100 / rs->rs_events :
	    0;
	printf("BENCH name=replay_%s iters=%ju ncpu=%d tsc_per_op=%ju.%02ju "
	    "ns_per_op=%ju ops_per_s=%ju\n", m, (uintmax_t)rs->rs_events,
	    rs->rs_mode == REPLAY_SMP2 ? 2 : 1, (uintmax_t)(centi / 100),
	    (uintmax_t)(centi % 100), (uintmax_t)(rs->rs_events != 0 ?
	    rs->rs_ns / rs->rs_events : 0), (uintmax_t)(rs->rs_ns != 0 ?
	    rs->rs_events * 1000000000 / rs->rs_ns : 0));
	printf("BENCH name=replay_%s figure=insns_per_event_proof value=%ju\n",
	    m, (uintmax_t)(rs->rs_events != 0 ? rs->rs_tsc_loop_proof /
	    rs->rs_events : 0));
	printf("BENCH name=replay_%s figure=insns_per_alloc value=%ju\n", m,
	    (uintmax_t)(rs->rs_allocs != 0 ? rs->rs_tsc_alloc /
	    rs->rs_allocs : 0));
	printf("BENCH name=replay_%s figure=insns_per_free value=%ju\n", m,
	    (uintmax_t)(rs->rs_frees + rs->rs_live_end != 0 ?
	    rs->rs_tsc_free / (rs->rs_frees + rs->rs_live_end) : 0));
	printf("BENCH name=replay_%s figure=footprint_peak_permille "
	    "value=%lu\n", m, rs->rs_footprint_peak_permille);
	printf("BENCH name=replay_%s figure=footprint_sys_permille "
	    "value=%lu\n", m, rs->rs_footprint_sys_permille);
	printf("BENCH name=replay_%s figure=footprint_end_permille "
	    "value=%lu\n", m, rs->rs_footprint_end_permille);
	printf("BENCH name=replay_%s figure=reclaim_pages value=%lu\n", m,
	    rs->rs_pages_end_before_reclaim - MIN(rs->rs_pages_end,
	    rs->rs_pages_end_before_reclaim));
	printf("BENCH name=replay_%s figure=pages_after_permille value=%lu\n",
	    m, rs->rs_pages_base != 0 ? rs->rs_pages_after * 1000 /
	    rs->rs_pages_base : 0);
	printf("BENCH name=replay_%s figure=pattern_errors value=%ju\n", m,
	    (uintmax_t)rs->rs_pattern_errors);
	printf("BENCH name=replay_%s figure=guarded value=%ju\n", m,
	    (uintmax_t)rs->rs_guarded);
	printf("BENCH name=replay_%s figure=misaligned value=%ju\n", m,
	    (uintmax_t)rs->rs_misaligned);
}

/*
 * The boot hook and the shell command
 */

static struct replay_stats	replay_last;
static struct replay_trace	replay_trace;

/* Check module 0; 0 and replay_trace filled in, or an errno (printed). */
static int
replay_module(void)
{
	const void *data;
	char why[160];
	size_t size;
	int error;

	data = preload_data(0, &size);
	if (data == NULL) {
		printf("replay: no trace module (boot with -initrd "
		    "FILE.bin)\n");
		return (ENOENT);
	}
	error = replay_check(data, size, &replay_trace, why, sizeof(why));
	if (error != 0)
		printf("replay: trace refused: %s\n", why);
	else
		printf("replay: trace of %ju events, %u objects, %u sites, "
		    "%u caches, peak %ju bytes at event %ju\n",
		    (uintmax_t)replay_trace.rt_nevents,
		    replay_trace.rt_nobjects, replay_trace.rt_nsites,
		    replay_trace.rt_ncaches,
		    (uintmax_t)replay_trace.rt_peak_bytes,
		    (uintmax_t)replay_trace.rt_peak_event);
	return (error);
}

static int
replay_parse_mode(const char *name, enum replay_mode *modep)
{
	int i;

	for (i = 0; i < REPLAY_NMODES; i++)
		if (strcmp(name, replay_mode_names[i]) == 0) {
			*modep = i;
			return (0);
		}
	return (EINVAL);
}

/* Replay in one mode and print; nonzero if it failed or found errors. */
static int
replay_one(enum replay_mode mode, int bench)
{
	int error;

	error = replay_run(&replay_trace, mode, &replay_last, NULL, NULL);
	if (error == ENXIO) {
		printf("replay: mode %s skipped: this kernel has no %s\n",
		    replay_mode_name(mode), mode == REPLAY_MEMGUARD ||
		    mode == REPLAY_MEMGUARD_ZONES ?
		    "MemGuard (options DEBUG_MEMGUARD)" : "second CPU");
		return (0);
	}
	if (error != 0)
		return (error);
	replay_print(&replay_trace, &replay_last, bench);
	return (replay_last.rs_pattern_errors != 0 ||
	    replay_last.rs_failed != 0 || replay_last.rs_timed_failed != 0 ||
	    replay_last.rs_types_nonzero != 0 ||
	    replay_last.rs_zones_leaked != 0);
}

static void
replay_boot(void *dummy __unused)
{
	enum replay_mode mode;
	char sel[128], *p, *word;
	int bad = 0;

	if (!getenv_string("replay.run", sel, sizeof(sel)))
		return;
	if (replay_module() != 0)
		shutdown_halt(EXIT_FAIL);
	replay_dump_zones = 1;
	for (p = sel; (word = strsep(&p, ",")) != NULL; ) {
		if (replay_parse_mode(word, &mode) != 0) {
			printf("replay: unknown mode \"%s\" in replay.run\n",
			    word);
			bad = 1;
			continue;
		}
		bad |= replay_one(mode, 1);
	}
	printf("REPLAY end\n");
	shutdown_halt(bad ? EXIT_FAIL : EXIT_OK);
}
SYSINIT(replay, SI_SUB_KTEST, SI_ORDER_THIRD, replay_boot, NULL);

static int
cmd_replay(int argc, char **argv)
{
	enum replay_mode mode = REPLAY_MALLOC;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "check") != 0 &&
	    replay_parse_mode(argv[1], &mode) != 0)) {
		printf("usage: replay [check | malloc | zones | memguard | "
		    "smp2 | memguard_zones]\n");
		return (1);
	}
	if (replay_module() != 0)
		return (1);
	if (argc == 2 && strcmp(argv[1], "check") == 0)
		return (0);
	return (replay_one(mode, 0));
}
CONS_COMMAND(replay, cmd_replay, "replay [check | mode]",
    "replay the boot module's allocation trace (modes: malloc, zones, "
    "memguard, smp2, memguard_zones)");
