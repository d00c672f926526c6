/*
 * The long stress: `make stress` (STRESS kernel, stress.time seconds) and
 * a short run in `make test` (plan.txt).
 *
 * Workers, stress.threads of them per CPU (default 2) and never bound (so
 * they share CPUs, are preempted and migrate), each run a random mix drawn
 * from a seeded generator (stress.seed, printed) over a table of live
 * objects:
 *   - malloc(9) of every size class, exact class sizes too, large blocks,
 *     M_ZERO, M_NOWAIT (NULL is normal) and M_WAITOK (never NULL), and
 *     realloc growing and shrinking;
 *   - four UMA zones made for the stress (sizes and alignments differ,
 *     one off-page, one with a limit that must hold), whose ctor and dtor
 *     check and mark ownership and count themselves;
 *   - mbuf chains: m_getcl packets, m_gethdr + m_get chains put through
 *     m_pullup, and m_copym copies (sharing the cluster) handed to another
 *     worker's mailbox, so a cluster's last reference drops on any CPU, or
 *     taken by another worker to be freed at the same moment as the
 *     original (two CPUs drop the cluster's references at once);
 *   - objects given to another worker to check and free, and bursts of
 *     up to 256 items, so that buckets overflow to the zone and the keg;
 *   - contigmalloc/contigfree of one to four pages at various alignments.
 * When the kernel has them (their sysctls exist), failure injection
 * (debug.malloc.failure_rate, stress.failure_rate: default 1 in 20) and
 * MemGuard's frequency mode (vm.memguard.frequency, stress.memguard_
 * frequency: default 1 in 64) are on during the run, and the time slice
 * (kern.sched.slice, stress.slice: default 1 tick) is short, so that
 * workers sharing a CPU preempt each other at every tick.
 *
 * Every block is filled with a pattern computed from its tag (worker and
 * serial number) and offset, and checked before it is freed; blocks of 16
 * bytes or more start with a header {magic, size, tag}: LIVE while owned,
 * FREED (or MOVING for a realloc) before it goes back, so an allocation
 * that returns a block still marked LIVE is an item handed out twice.
 *
 * Accounting: a one-second warm-up first makes whatever the run needs
 * once (threads, zones, page tables); then, after uma_reclaim, a baseline
 * is taken, the run goes, the workers free everything and exit, and after
 * reaping and uma_reclaim every count must be back exactly: per malloc
 * type allocations == frees and bytes out == bytes back, every malloc
 * zone, the mbuf zones and THREAD at their baseline, the stress zones at
 * zero with ctors == dtors, mbufs and clusters in use, MemGuard's blocks
 * in use, and the free page count (less the kernel page-table pages grown
 * meanwhile, vm.pmap.kernel_pt_page_count, which are never freed).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/linker_set.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/stdarg.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <vm/vm.h>
#include <vm/uma.h>

MALLOC_DEFINE(M_STRESS, "stress", "the allocator stress (stress_test.c)");

#define	STRESS_SLOTS		32	/* live objects per worker */
#define	STRESS_MAXWORKERS	(MAXCPU * 4)
#define	STRESS_MBOX_MAX		64	/* chains waiting in a mailbox */
#define	STRESS_GIFTS		64	/* objects waiting in a mailbox */
#define	STRESS_BURST		256	/* items of a burst, at most */
#define	STRESS_MAXERRORS	20	/* reports printed */
#define	STRESS_LARGE_MAX	(160 * 1024)

/* Header magics. */
#define	SH_LIVE		0x5713e55aU	/* owned by a worker */
#define	SH_FREED	0xf7eef7eeU	/* given back */
#define	SH_MOVING	0x6d0e6d0eU	/* being reallocated */

struct stress_hdr {
	uint32_t	sh_magic;
	uint32_t	sh_size;
	uint64_t	sh_tag;
};

enum stress_kind { SK_NONE, SK_MALLOC, SK_ZONE, SK_MBUF, SK_CONTIG };

struct stress_slot {
	enum stress_kind ss_kind;
	int		ss_zone;	/* SK_ZONE: index in stress_zones */
	void		*ss_ptr;	/* block, item or chain */
	size_t		ss_size;
	uint64_t	ss_tag;
};

/* Operation counters, per worker, summed at the end. */
enum {
	SOP_MALLOC, SOP_MALLOC_NULL, SOP_FREE, SOP_REALLOC, SOP_REALLOC_NULL,
	SOP_ZALLOC, SOP_ZALLOC_NULL, SOP_ZFREE, SOP_MBUF, SOP_MBUF_NULL,
	SOP_PULLUP, SOP_PULLUP_NULL, SOP_COPY, SOP_COPY_NULL, SOP_RECV,
	SOP_MFREE, SOP_CONTIG, SOP_CONTIG_NULL, SOP_CONTIGFREE, SOP_GIVE,
	SOP_BURST, SOP_RV, SOP_MIGRATE, SOP_N
};
static const char *stress_opnames[SOP_N] = {
	"malloc", "malloc NULL", "free", "realloc", "realloc NULL",
	"zalloc", "zalloc NULL", "zfree", "m_getcl", "m_getcl NULL",
	"m_pullup", "m_pullup NULL", "m_copym", "m_copym NULL", "received",
	"m_freem", "contigmalloc", "contigmalloc NULL", "contigfree",
	"given away", "burst items", "together freed", "migrations"
};

struct stress_worker {
	int		sw_id;
	uint64_t	sw_rng;
	uint64_t	sw_serial;
	int		sw_lastcpu;
	struct stress_slot sw_slots[STRESS_SLOTS];
	struct mtx	sw_mbox_mtx;
	struct mbuf	*sw_mbox;	/* chains, linked by m_nextpkt */
	int		sw_mbox_len;
	struct stress_slot sw_gifts[STRESS_GIFTS];	/* under sw_mbox_mtx */
	int		sw_ngifts;
	void		*sw_burst[STRESS_BURST];
	u_long		sw_ops[SOP_N];
};

/* The stress zones. */
struct stress_zone {
	const char	*sz_name;
	int		sz_size;
	int		sz_align;
	uint32_t	sz_flags;
	int		sz_max;		/* limit, 0: none */
	int		sz_effmax;	/* the limit uma_zone_set_max made */
	volatile u_int	sz_live;	/* items between ctor and dtor */
	uma_zone_t	sz_zone;
	volatile u_long	sz_ctors;
	volatile u_long	sz_dtors;
};
static struct stress_zone stress_zones[] = {
	{ "stress 24", 24, UMA_ALIGN_PTR, 0, 0 },
	{ "stress 200", 200, UMA_ALIGN_CACHE, 0, 0 },
	{ "stress 600", 600, UMA_ALIGN_LONG, UMA_ZONE_OFFPAGE, 0 },
	{ "stress 3000", 3000, 16 - 1, 0, 48 },
};
#define	STRESS_NZONES	nitems(stress_zones)

static struct stress_worker *stress_workers[STRESS_MAXWORKERS];
static int		stress_nworkers;
static volatile int	stress_stop;
static volatile u_int	stress_stopped, stress_exited;
static volatile u_int	stress_errors;
static u_long		stress_cpu_ops[MAXCPU];	/* under critical_enter */

/* One report per problem, the first STRESS_MAXERRORS printed. */
static void
stress_error(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	if (atomic_fetchadd_int(&stress_errors, 1) >= STRESS_MAXERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("stress: FAIL: %s\n", buf);
}

/* splitmix64. */
static uint64_t
stress_mix(uint64_t *state)
{
	uint64_t z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

static u_int
stress_rand(struct stress_worker *w, u_int n)
{
	return ((u_int)(stress_mix(&w->sw_rng) >> 32) % n);
}

static uint64_t
stress_newtag(struct stress_worker *w)
{
	return (((uint64_t)(w->sw_id + 1) << 48) | ++w->sw_serial);
}

/*
 * The pattern: byte pos of a block tagged tag.  Words are computed eight
 * bytes at a time; a block need not be aligned.
 */
static __inline uint64_t
pat_word(uint64_t tag, size_t widx)
{
	return ((tag ^ (widx * 0xff51afd7ed558ccdULL)) * 0xc4ceb9fe1a85ec53ULL);
}

static void
pat_fill(uint8_t *p, size_t from, size_t to, uint64_t tag)
{
	uint64_t v;
	size_t pos;

	for (pos = from; pos < to && (pos & 7) != 0; pos++)
		p[pos] = (uint8_t)(pat_word(tag, pos >> 3) >> ((pos & 7) * 8));
	for (; pos + 8 <= to; pos += 8) {
		v = pat_word(tag, pos >> 3);
		__builtin_memcpy(p + pos, &v, sizeof(v));
	}
	for (; pos < to; pos++)
		p[pos] = (uint8_t)(pat_word(tag, pos >> 3) >> ((pos & 7) * 8));
}

/* The first offset in [from, to) not holding the pattern, or -1. */
static long
pat_check(const uint8_t *p, size_t from, size_t to, uint64_t tag)
{
	uint64_t v;
	size_t pos;

	for (pos = from; pos < to && (pos & 7) != 0; pos++)
		if (p[pos] != (uint8_t)(pat_word(tag, pos >> 3) >>
		    ((pos & 7) * 8)))
			return ((long)pos);
	for (; pos + 8 <= to; pos += 8) {
		__builtin_memcpy(&v, p + pos, sizeof(v));
		if (v != pat_word(tag, pos >> 3))
			break;
	}
	for (; pos < to; pos++)
		if (p[pos] != (uint8_t)(pat_word(tag, pos >> 3) >>
		    ((pos & 7) * 8)))
			return ((long)pos);
	return (-1);
}

/*
 * A block just handed out: was it still someone's?  Only blocks with a
 * header can tell.
 */
static void
blk_claim(const char *what, void *p, size_t size)
{
	struct stress_hdr h;

	if (size < sizeof(h))
		return;
	__builtin_memcpy(&h, p, sizeof(h));
	if (h.sh_magic == SH_LIVE)
		stress_error("%s %p (%zu bytes) handed out twice: it is live "
		    "with tag %#jx (%u bytes)", what, p, size,
		    (uintmax_t)h.sh_tag, h.sh_size);
}

/* Mark a block as owned (tag) and fill it. */
static void
blk_fill(void *p, size_t size, uint64_t tag)
{
	struct stress_hdr h;

	if (size < sizeof(h)) {
		pat_fill(p, 0, size, tag);
		return;
	}
	h.sh_magic = SH_LIVE;
	h.sh_size = (uint32_t)size;
	h.sh_tag = tag;
	__builtin_memcpy(p, &h, sizeof(h));
	pat_fill(p, sizeof(h), size, tag);
}

/* Check a block's header (magic expected) and its first len bytes. */
static int
blk_check(const char *what, const void *p, size_t size, size_t len,
    uint64_t tag, uint32_t magic)
{
	struct stress_hdr h;
	long bad;

	if (size >= sizeof(h)) {
		__builtin_memcpy(&h, p, sizeof(h));
		if (h.sh_magic != magic || h.sh_tag != tag ||
		    h.sh_size != (uint32_t)size) {
			stress_error("%s %p: header {%#x, %u, %#jx}, expected "
			    "{%#x, %zu, %#jx}", what, p, h.sh_magic, h.sh_size,
			    (uintmax_t)h.sh_tag, magic, size, (uintmax_t)tag);
			return (0);
		}
		bad = pat_check(p, sizeof(h), len, tag);
	} else
		bad = pat_check(p, 0, len, tag);
	if (bad >= 0) {
		stress_error("%s %p (%zu bytes, tag %#jx): corrupt at offset "
		    "%ld", what, p, size, (uintmax_t)tag, bad);
		return (0);
	}
	return (1);
}

/* Stamp a block about to go back, so a second handout is seen. */
static void
blk_release(void *p, size_t size, uint32_t magic)
{
	if (size >= sizeof(struct stress_hdr))
		__builtin_memcpy(p, &magic, sizeof(magic));
}

static int
blk_zeroed(const uint8_t *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != 0)
			return (0);
	return (1);
}

/*
 * Zone callbacks: the ctor checks alignment and that the item is nobody's,
 * the dtor that it was the stress's and marks it free.
 */
static int
stress_zctor(void *mem, int size, void *arg, int flags __unused)
{
	struct stress_zone *sz = arg;

	if (sz == NULL) {
		stress_error("zone ctor of item %p without its argument", mem);
		return (0);
	}
	if (((uintptr_t)mem & sz->sz_align) != 0)
		stress_error("zone %s: item %p misaligned (mask %#x)",
		    sz->sz_name, mem, sz->sz_align);
	if (size != sz->sz_size)
		stress_error("zone %s: ctor size %d", sz->sz_name, size);
	blk_claim(sz->sz_name, mem, size);
	if (atomic_fetchadd_int(&sz->sz_live, 1) + 1 > (u_int)sz->sz_effmax &&
	    sz->sz_effmax != 0)
		stress_error("zone %s: %u items out, over its limit %d",
		    sz->sz_name, sz->sz_live, sz->sz_effmax);
	atomic_add_long(&sz->sz_ctors, 1);
	return (0);
}

static void
stress_zdtor(void *mem, int size, void *arg)
{
	struct stress_zone *sz = arg;
	struct stress_hdr h;

	if (sz == NULL) {
		stress_error("zone dtor of item %p without its argument", mem);
		return;
	}
	__builtin_memcpy(&h, mem, sizeof(h));
	if (h.sh_magic != SH_LIVE)
		stress_error("zone %s: dtor of item %p not live (magic %#x)",
		    sz->sz_name, mem, h.sh_magic);
	blk_release(mem, size, SH_FREED);
	atomic_subtract_int(&sz->sz_live, 1);
	atomic_add_long(&sz->sz_dtors, 1);
}

/* Count an operation on the CPU that did it. */
static void
stress_count(struct stress_worker *w, int op)
{
	int cpu;

	w->sw_ops[op]++;
	critical_enter();
	cpu = curcpu;
	stress_cpu_ops[cpu]++;
	critical_exit();
	if (cpu != w->sw_lastcpu) {
		if (w->sw_lastcpu != NOCPU)
			w->sw_ops[SOP_MIGRATE]++;
		w->sw_lastcpu = cpu;
	}
}

/* The sizes malloc(9) rounds to (its 44 classes). */
static size_t
stress_class_size(u_int i)
{
	size_t p;

	if (i < 8)
		return (16 * (i + 1));
	i -= 8;
	p = (size_t)128 << (i / 4);
	return (p + (i % 4 + 1) * p / 4);
}
#define	STRESS_NCLASSES	44

static size_t
stress_malloc_size(struct stress_worker *w)
{
	u_int r = stress_rand(w, 100);
	size_t s;

	if (r < 60)
		return (1 + stress_rand(w, 1024));
	if (r < 80)
		return (1025 + stress_rand(w, 8192 - 1024));
	if (r < 98) {
		s = stress_class_size(stress_rand(w, STRESS_NCLASSES));
		return (s + stress_rand(w, 3) - 1);	/* s - 1 .. s + 1 */
	}
	return (65537 + stress_rand(w, STRESS_LARGE_MAX - 65536));
}

/*
 * mbuf chains: bytes [0, 8) of the packet hold its tag, byte pos >= 8 the
 * pattern; a chain's tag lets the receiver check a copy.
 */
static void
chain_fill(struct mbuf *m, uint64_t tag)
{
	size_t pos = 0, i;
	uint8_t *d;

	for (; m != NULL; m = m->m_next) {
		d = mtod(m, uint8_t *);
		for (i = 0; i < (size_t)m->m_len; i++, pos++)
			d[i] = pos < 8 ? (uint8_t)(tag >> (pos * 8)) :
			    (uint8_t)(pat_word(tag, pos >> 3) >>
			    ((pos & 7) * 8));
	}
}

static int
chain_check(const char *what, struct mbuf *m, int len, uint64_t *tagp)
{
	struct mbuf *n;
	uint64_t tag = 0;
	size_t pos = 0, i;
	uint8_t *d, want;
	int total = 0;

	if ((m->m_flags & M_PKTHDR) == 0 || m->m_pkthdr.len != len) {
		stress_error("%s %p: packet header len %d, expected %d", what,
		    m, (m->m_flags & M_PKTHDR) != 0 ? m->m_pkthdr.len : -1,
		    len);
		return (0);
	}
	for (n = m; n != NULL; n = n->m_next)
		total += n->m_len;
	if (total != len || len < 8) {
		stress_error("%s %p: chain holds %d bytes, expected %d", what,
		    m, total, len);
		return (0);
	}
	m_copydata(m, 0, 8, (caddr_t)&tag);
	if (tagp != NULL && *tagp != 0 && tag != *tagp) {
		stress_error("%s %p: tag %#jx, expected %#jx", what, m,
		    (uintmax_t)tag, (uintmax_t)*tagp);
		return (0);
	}
	for (n = m; n != NULL; n = n->m_next) {
		d = mtod(n, uint8_t *);
		for (i = 0; i < (size_t)n->m_len; i++, pos++) {
			if (pos < 8)
				continue;
			want = (uint8_t)(pat_word(tag, pos >> 3) >>
			    ((pos & 7) * 8));
			if (d[i] != want) {
				stress_error("%s %p (tag %#jx, %d bytes): "
				    "corrupt at packet offset %zu: %#x, "
				    "expected %#x", what, m, (uintmax_t)tag,
				    len, pos, d[i], want);
				return (0);
			}
		}
	}
	if (tagp != NULL)
		*tagp = tag;
	return (1);
}

static void	stress_release(struct stress_worker *w, struct stress_slot *s);

/* Receive: check and free every object in w's mailbox. */
static void
stress_mbox_drain(struct stress_worker *w)
{
	struct stress_slot gift;
	struct mbuf *m, *next;

	mtx_lock(&w->sw_mbox_mtx);
	m = w->sw_mbox;
	w->sw_mbox = NULL;
	w->sw_mbox_len = 0;
	while (w->sw_ngifts > 0) {
		gift = w->sw_gifts[--w->sw_ngifts];
		mtx_unlock(&w->sw_mbox_mtx);
		stress_release(w, &gift);
		mtx_lock(&w->sw_mbox_mtx);
	}
	mtx_unlock(&w->sw_mbox_mtx);
	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		chain_check("received chain", m, m->m_pkthdr.len, NULL);
		m_freem(m);
		stress_count(w, SOP_RECV);
	}
}

/* Copy a chain (sharing its cluster) to a random worker's mailbox. */
static void
stress_send(struct stress_worker *w, struct stress_slot *s)
{
	struct stress_worker *to;
	struct mbuf *c;

	c = m_copym(s->ss_ptr, 0, M_COPYALL, M_NOWAIT);
	if (c == NULL) {
		stress_count(w, SOP_COPY_NULL);
		return;
	}
	stress_count(w, SOP_COPY);
	to = stress_workers[stress_rand(w, stress_nworkers)];
	mtx_lock(&to->sw_mbox_mtx);
	if (to->sw_mbox_len < STRESS_MBOX_MAX) {
		c->m_nextpkt = to->sw_mbox;
		to->sw_mbox = c;
		to->sw_mbox_len++;
		c = NULL;
	}
	mtx_unlock(&to->sw_mbox_mtx);
	if (c != NULL) {
		chain_check("copied chain", c, c->m_pkthdr.len, &s->ss_tag);
		m_freem(c);
		stress_count(w, SOP_MFREE);
	}
}

static void
stress_alloc_malloc(struct stress_worker *w, struct stress_slot *s)
{
	size_t size;
	void *p;
	int flags;

	size = stress_malloc_size(w);
	flags = stress_rand(w, 8) == 0 && size <= 65536 ? M_WAITOK : M_NOWAIT;
	if (stress_rand(w, 4) == 0)
		flags |= M_ZERO;
	p = malloc(size, M_STRESS, flags);
	if (p == NULL) {
		if ((flags & M_WAITOK) != 0)
			stress_error("malloc(%zu, M_WAITOK) returned NULL",
			    size);
		stress_count(w, SOP_MALLOC_NULL);
		return;
	}
	stress_count(w, SOP_MALLOC);
	if ((flags & M_ZERO) != 0 && !blk_zeroed(p, size))
		stress_error("malloc(%zu, M_ZERO) %p not zeroed", size, p);
	if ((flags & M_ZERO) == 0)
		blk_claim("malloc block", p, size);
	if (malloc_usable_size(p) < size)
		stress_error("malloc(%zu) %p: usable size %zu", size, p,
		    malloc_usable_size(p));
	s->ss_kind = SK_MALLOC;
	s->ss_ptr = p;
	s->ss_size = size;
	s->ss_tag = stress_newtag(w);
	blk_fill(p, size, s->ss_tag);
}

static void
stress_alloc_zone(struct stress_worker *w, struct stress_slot *s)
{
	struct stress_zone *sz;
	void *p;
	int i, flags;

	i = stress_rand(w, STRESS_NZONES);
	sz = &stress_zones[i];
	flags = sz->sz_max == 0 && stress_rand(w, 4) == 0 ? M_WAITOK :
	    M_NOWAIT;
	p = uma_zalloc_arg(sz->sz_zone, sz, flags);
	if (p == NULL) {
		if ((flags & M_WAITOK) != 0)
			stress_error("zone %s: M_WAITOK returned NULL",
			    sz->sz_name);
		stress_count(w, SOP_ZALLOC_NULL);
		return;
	}
	stress_count(w, SOP_ZALLOC);
	s->ss_kind = SK_ZONE;
	s->ss_zone = i;
	s->ss_ptr = p;
	s->ss_size = sz->sz_size;
	s->ss_tag = stress_newtag(w);
	blk_fill(p, s->ss_size, s->ss_tag);
}

static void
stress_alloc_mbuf(struct stress_worker *w, struct stress_slot *s)
{
	struct mbuf *m, *n;
	int len, a, b;

	s->ss_tag = stress_newtag(w);
	if (stress_rand(w, 3) != 0) {
		m = m_getcl(M_NOWAIT, MT_DATA, M_PKTHDR);
		if (m == NULL) {
			stress_count(w, SOP_MBUF_NULL);
			return;
		}
		stress_count(w, SOP_MBUF);
		len = 8 + stress_rand(w, MCLBYTES - 7);
		m->m_len = m->m_pkthdr.len = len;
		chain_fill(m, s->ss_tag);
	} else {
		/* Two mbufs, then m_pullup of a prefix into the first. */
		m = m_gethdr(M_NOWAIT, MT_DATA);
		n = m != NULL ? m_get(M_NOWAIT, MT_DATA) : NULL;
		if (n == NULL) {
			m_freem(m);
			stress_count(w, SOP_MBUF_NULL);
			return;
		}
		a = 8 + stress_rand(w, MHLEN - 8);
		b = 1 + stress_rand(w, MLEN);
		m->m_len = a;
		n->m_len = b;
		m->m_next = n;
		len = m->m_pkthdr.len = a + b;
		chain_fill(m, s->ss_tag);
		m = m_pullup(m, imin(len, a + 1 + stress_rand(w, MHLEN - a)));
		if (m == NULL) {
			stress_count(w, SOP_PULLUP_NULL);
			return;
		}
		stress_count(w, SOP_PULLUP);
	}
	s->ss_kind = SK_MBUF;
	s->ss_ptr = m;
	s->ss_size = len;
	chain_check("new chain", m, len, &s->ss_tag);
}

static void
stress_alloc_contig(struct stress_worker *w, struct stress_slot *s)
{
	u_long size, align;
	void *p;
	int flags;

	size = ptoa(1 + stress_rand(w, 4));
	align = PAGE_SIZE << stress_rand(w, 3);
	flags = M_NOWAIT | (stress_rand(w, 4) == 0 ? M_ZERO : 0);
	p = contigmalloc(size, M_STRESS, flags, 0, ~(vm_paddr_t)0, align, 0);
	if (p == NULL) {
		stress_count(w, SOP_CONTIG_NULL);
		return;
	}
	stress_count(w, SOP_CONTIG);
	if (((uintptr_t)p & (PAGE_SIZE - 1)) != 0)
		stress_error("contigmalloc(%lu) %p not page-aligned", size, p);
	if ((flags & M_ZERO) != 0 && !blk_zeroed(p, size))
		stress_error("contigmalloc(%lu, M_ZERO) %p not zeroed", size,
		    p);
	if ((flags & M_ZERO) == 0)
		blk_claim("contig block", p, size);
	s->ss_kind = SK_CONTIG;
	s->ss_ptr = p;
	s->ss_size = size;
	s->ss_tag = stress_newtag(w);
	blk_fill(p, size, s->ss_tag);
}

static void
stress_alloc(struct stress_worker *w, struct stress_slot *s)
{
	u_int r = stress_rand(w, 100);

	if (r < 50)
		stress_alloc_malloc(w, s);
	else if (r < 75)
		stress_alloc_zone(w, s);
	else if (r < 95)
		stress_alloc_mbuf(w, s);
	else
		stress_alloc_contig(w, s);
}

/* Check an object and give it back. */
static void
stress_release(struct stress_worker *w, struct stress_slot *s)
{
	struct stress_zone *sz;

	switch (s->ss_kind) {
	case SK_MALLOC:
		blk_check("malloc block", s->ss_ptr, s->ss_size, s->ss_size,
		    s->ss_tag, SH_LIVE);
		blk_release(s->ss_ptr, s->ss_size, SH_FREED);
		free(s->ss_ptr, M_STRESS);
		stress_count(w, SOP_FREE);
		break;
	case SK_ZONE:
		sz = &stress_zones[s->ss_zone];
		blk_check(sz->sz_name, s->ss_ptr, s->ss_size, s->ss_size,
		    s->ss_tag, SH_LIVE);
		uma_zfree_arg(sz->sz_zone, s->ss_ptr, sz);	/* dtor marks */
		stress_count(w, SOP_ZFREE);
		break;
	case SK_MBUF:
		chain_check("chain", s->ss_ptr, (int)s->ss_size, &s->ss_tag);
		m_freem(s->ss_ptr);
		stress_count(w, SOP_MFREE);
		break;
	case SK_CONTIG:
		blk_check("contig block", s->ss_ptr, s->ss_size, s->ss_size,
		    s->ss_tag, SH_LIVE);
		blk_release(s->ss_ptr, s->ss_size, SH_FREED);
		contigfree(s->ss_ptr, s->ss_size, M_STRESS);
		stress_count(w, SOP_CONTIGFREE);
		break;
	case SK_NONE:
		return;
	}
	s->ss_kind = SK_NONE;
	s->ss_ptr = NULL;
}

/* realloc: the prefix survives, a NULL (M_NOWAIT) leaves the old block. */
static void
stress_realloc(struct stress_worker *w, struct stress_slot *s)
{
	struct stress_hdr hdr;
	size_t nsize, keep;
	void *p;
	int flags;

	nsize = stress_malloc_size(w);
	flags = stress_rand(w, 8) == 0 && nsize <= 65536 ? M_WAITOK :
	    M_NOWAIT;
	blk_check("block to realloc", s->ss_ptr, s->ss_size, s->ss_size,
	    s->ss_tag, SH_LIVE);
	blk_release(s->ss_ptr, s->ss_size, SH_MOVING);
	p = realloc(s->ss_ptr, nsize, M_STRESS, flags);
	if (p == NULL) {
		if ((flags & M_WAITOK) != 0)
			stress_error("realloc(%zu, M_WAITOK) returned NULL",
			    nsize);
		stress_count(w, SOP_REALLOC_NULL);
		blk_check("block realloc kept", s->ss_ptr, s->ss_size,
		    s->ss_size, s->ss_tag, SH_MOVING);
		blk_release(s->ss_ptr, s->ss_size, SH_LIVE);
		return;
	}
	stress_count(w, SOP_REALLOC);
	keep = MIN(s->ss_size, nsize);
	if (s->ss_size < sizeof(hdr)) {
		if (pat_check(p, 0, keep, s->ss_tag) >= 0)
			stress_error("realloc'd block %p (%zu -> %zu bytes): "
			    "prefix corrupt", p, s->ss_size, nsize);
	} else if (keep >= sizeof(hdr))
		blk_check("realloc'd block", p, s->ss_size, keep, s->ss_tag,
		    SH_MOVING);
	else {
		/* Only part of the header is kept. */
		hdr.sh_magic = SH_MOVING;
		hdr.sh_size = (uint32_t)s->ss_size;
		hdr.sh_tag = s->ss_tag;
		if (memcmp(p, &hdr, keep) != 0)
			stress_error("realloc'd block %p (%zu -> %zu bytes): "
			    "header prefix corrupt", p, s->ss_size, nsize);
	}
	if (malloc_usable_size(p) < nsize)
		stress_error("realloc(%zu) %p: usable size %zu", nsize, p,
		    malloc_usable_size(p));
	s->ss_ptr = p;
	s->ss_size = nsize;
	s->ss_tag = stress_newtag(w);
	blk_fill(p, nsize, s->ss_tag);
}

/* Move to a random online CPU, then be unbound again. */
static void
stress_hop(struct stress_worker *w)
{
	struct thread *td = curthread;
	int cpu;

	cpu = stress_rand(w, mp_maxid + 1);
	if (!pcpu_find(cpu)->pc_online)
		return;
	sched_bind(td, cpu);
	sched_unbind(td);
}

/* Hand an object to a random worker, which checks and frees it. */
static void
stress_give(struct stress_worker *w, struct stress_slot *s)
{
	struct stress_worker *to;

	to = stress_workers[stress_rand(w, stress_nworkers)];
	mtx_lock(&to->sw_mbox_mtx);
	if (to->sw_ngifts < STRESS_GIFTS) {
		to->sw_gifts[to->sw_ngifts++] = *s;
		s->ss_kind = SK_NONE;
		s->ss_ptr = NULL;
	}
	mtx_unlock(&to->sw_mbox_mtx);
	if (s->ss_kind == SK_NONE)
		stress_count(w, SOP_GIVE);
	else
		stress_release(w, s);
}

/*
 * A burst: many items of one zone or malloc size at once, freed perhaps
 * on another CPU, so that buckets overflow to the zone and the keg.
 */
static void
stress_burst(struct stress_worker *w)
{
	struct stress_zone *sz;
	uint64_t tag;
	size_t size;
	int i, n, zi;

	n = 32 + stress_rand(w, STRESS_BURST - 31);
	zi = stress_rand(w, STRESS_NZONES + 1);
	sz = zi < (int)STRESS_NZONES ? &stress_zones[zi] : NULL;
	size = sz != NULL ? (size_t)sz->sz_size :
	    stress_class_size(stress_rand(w, 24));
	tag = stress_newtag(w);
	for (i = 0; i < n; i++) {
		w->sw_burst[i] = sz != NULL ?
		    uma_zalloc_arg(sz->sz_zone, sz, M_NOWAIT) :
		    malloc(size, M_STRESS, M_NOWAIT);
		if (w->sw_burst[i] == NULL)
			break;
		if (sz == NULL)
			blk_claim("burst block", w->sw_burst[i], size);
		blk_fill(w->sw_burst[i], size, tag + i);
		stress_count(w, SOP_BURST);
	}
	n = i;
	if (stress_rand(w, 2) == 0)
		stress_hop(w);
	for (i = 0; i < n; i++) {
		blk_check(sz != NULL ? sz->sz_name : "burst block",
		    w->sw_burst[i], size, size, tag + i, SH_LIVE);
		if (sz != NULL)
			uma_zfree_arg(sz->sz_zone, w->sw_burst[i], sz);
		else {
			blk_release(w->sw_burst[i], size, SH_FREED);
			free(w->sw_burst[i], M_STRESS);
		}
	}
	w->sw_serial += STRESS_BURST;
}

/*
 * Free together: a chain's copy is offered to any other worker; when one
 * takes it, both free their mbuf at the same moment, so the cluster's
 * reference count drops on two CPUs at once.  The offer lives on the
 * offerer's stack until the taker says it is done.
 */
struct stress_rv {
	struct mbuf	*rv_chain;
	volatile u_int	rv_taken;
	volatile u_int	rv_go;
	volatile u_int	rv_done;
};
static struct stress_rv * volatile stress_rv_offer;

static void
stress_together(struct stress_worker *w, struct stress_slot *s)
{
	struct stress_rv rv;
	int t0;

	rv.rv_chain = m_copym(s->ss_ptr, 0, M_COPYALL, M_NOWAIT);
	if (rv.rv_chain == NULL) {
		stress_count(w, SOP_COPY_NULL);
		return;
	}
	stress_count(w, SOP_COPY);
	rv.rv_taken = rv.rv_go = rv.rv_done = 0;
	if (!atomic_cmpset_ptr((volatile uintptr_t *)&stress_rv_offer, 0,
	    (uintptr_t)&rv)) {
		m_freem(rv.rv_chain);		/* another offer is out */
		stress_count(w, SOP_MFREE);
		return;
	}
	for (t0 = ticks; rv.rv_taken == 0 && ticks - t0 < 3; )
		cpu_pause();
	if (rv.rv_taken == 0 && atomic_cmpset_ptr(
	    (volatile uintptr_t *)&stress_rv_offer, (uintptr_t)&rv, 0)) {
		m_freem(rv.rv_chain);		/* nobody came */
		stress_count(w, SOP_MFREE);
		return;
	}
	while (rv.rv_taken == 0)
		cpu_pause();
	chain_check("chain freed together", s->ss_ptr, (int)s->ss_size,
	    &s->ss_tag);
	atomic_store_rel_int(&rv.rv_go, 1);
	m_freem(s->ss_ptr);
	s->ss_kind = SK_NONE;
	s->ss_ptr = NULL;
	stress_count(w, SOP_RV);
	while (rv.rv_done == 0)
		cpu_pause();
}

/* Take an offer, if there is one, and free at the offerer's signal. */
static void
stress_take(struct stress_worker *w)
{
	struct stress_rv *rv;
	struct mbuf *m;

	rv = stress_rv_offer;
	if (rv == NULL || !atomic_cmpset_ptr(
	    (volatile uintptr_t *)&stress_rv_offer, (uintptr_t)rv, 0))
		return;
	m = rv->rv_chain;
	chain_check("chain taken", m, m->m_pkthdr.len, NULL);
	atomic_store_rel_int(&rv->rv_taken, 1);
	while (atomic_load_acq_int(&rv->rv_go) == 0)
		cpu_pause();
	m_freem(m);
	atomic_store_rel_int(&rv->rv_done, 1);
	stress_count(w, SOP_RV);
}

/* One random operation. */
static void
stress_step(struct stress_worker *w)
{
	struct stress_slot *s;
	u_int r;

	if (stress_rv_offer != NULL)
		stress_take(w);
	r = stress_rand(w, 1000);
	if (r < 30) {
		stress_mbox_drain(w);
		return;
	}
	if (r < 35) {
		stress_burst(w);
		return;
	}
	s = &w->sw_slots[stress_rand(w, STRESS_SLOTS)];
	if (s->ss_kind == SK_NONE) {
		stress_alloc(w, s);
		return;
	}
	r = stress_rand(w, 100);
	if (s->ss_kind == SK_MALLOC && r < 25)
		stress_realloc(w, s);
	else if (s->ss_kind == SK_MBUF && r < 30)
		stress_send(w, s);
	else if (s->ss_kind == SK_MBUF && r < 45)
		stress_together(w, s);
	else if (r >= 75)
		stress_give(w, s);
	else
		stress_release(w, s);
}

static void
stress_worker_main(void *arg)
{
	struct stress_worker *w = arg;
	u_int n = 0;
	int i;

	while (!stress_stop) {
		stress_step(w);
		/*
		 * Now and then sleep (the wakeup may land on another CPU) or
		 * hop to a random CPU and let go of it again.
		 */
		if ((++n & 127) == 0) {
			if (stress_rand(w, 2) == 0)
				pause("strmig", 1);
			else
				stress_hop(w);
		}
	}
	for (i = 0; i < STRESS_SLOTS; i++)
		stress_release(w, &w->sw_slots[i]);
	/* Nobody sends once everyone has stopped: then drain for good. */
	atomic_add_int(&stress_stopped, 1);
	while (atomic_load_int(&stress_stopped) < (u_int)stress_nworkers) {
		stress_take(w);
		stress_mbox_drain(w);
		pause("strstop", 1);
	}
	stress_mbox_drain(w);
	atomic_add_int(&stress_exited, 1);
	kthread_exit();
}

/*
 * Start the workers, let them run secs seconds, wait for them to end; the
 * milliseconds they ran.  Time is the TSC's (uptime_ns), not the tick
 * count: when the CPUs spend long stretches with interrupts off (TLB
 * shootdowns on an overloaded emulator), ticks fall behind the wall clock.
 */
static uint64_t
stress_run(int secs, uint64_t seed, int quiet)
{
	struct stress_worker *w;
	uint64_t t0, t1, next;
	int i;

	stress_stop = 0;
	stress_stopped = stress_exited = 0;
	for (i = 0; i < stress_nworkers; i++) {
		w = stress_workers[i];
		w->sw_id = i;
		w->sw_rng = seed ^ ((uint64_t)i * 0x632be59bd9b4e019ULL);
		w->sw_lastcpu = NOCPU;
		w->sw_mbox = NULL;
		w->sw_mbox_len = 0;
		w->sw_ngifts = 0;
		memset(w->sw_slots, 0, sizeof(w->sw_slots));
		memset(w->sw_ops, 0, sizeof(w->sw_ops));
	}
	memset(stress_cpu_ops, 0, sizeof(stress_cpu_ops));
	t0 = uptime_ns();
	for (i = 0; i < stress_nworkers; i++)
		if (kthread_add(stress_worker_main, stress_workers[i], NULL,
		    NULL, 0, 0, "stress%d", i) != 0) {
			stress_error("kthread_add of worker %d failed", i);
			stress_nworkers = i;	/* the others run */
			break;
		}
	next = 10;
	while ((t1 = uptime_ns()) - t0 < (uint64_t)secs * 1000000000) {
		pause("stress", hz / 10 + 1);
		if (!quiet && secs >= 20 && (t1 - t0) / 1000000000 >= next) {
			printf("stress: %ju s of %d, %u problems\n",
			    (uintmax_t)next, secs, stress_errors);
			next += 10;
		}
	}
	stress_stop = 1;
	t1 = uptime_ns();
	for (i = 0; i < 6000 && stress_exited < (u_int)stress_nworkers; i++)
		pause("strwait", hz / 100 + 1);
	if (stress_exited < (u_int)stress_nworkers)
		stress_error("%u of %d workers did not finish in 6000 waits",
		    stress_nworkers - stress_exited, stress_nworkers);
	return (MAX((t1 - t0) / 1000000, 1));
}

/* Sysctl helpers: 0 when the OID does not exist. */
static int
stress_get(const char *name, void *val, size_t len)
{
	size_t l = len;

	return (kernel_sysctlbyname(name, val, &l, NULL, 0) == 0 && l == len);
}

static int
stress_set_int(const char *name, int val)
{
	return (kernel_sysctlbyname(name, NULL, NULL, &val, sizeof(val)) ==
	    0);
}

static int
stress_set_ulong(const char *name, u_long val)
{
	return (kernel_sysctlbyname(name, NULL, NULL, &val, sizeof(val)) ==
	    0);
}

/* What must come back: a snapshot. */
#define	STRESS_MAXTYPES	64
#define	STRESS_NWATCH	(STRESS_NCLASSES + 4)

SET_DECLARE(malloc_type_set, struct malloc_type);

struct stress_snap {
	int		ntypes;
	struct malloc_type *type[STRESS_MAXTYPES];
	uint64_t	allocs[STRESS_MAXTYPES], frees[STRESS_MAXTYPES];
	uint64_t	bout[STRESS_MAXTYPES], bback[STRESS_MAXTYPES];
	char		zname[STRESS_NWATCH][16];
	int		zcur[STRESS_NWATCH];
	u_long		mbufs, clusters;
	u_int		free_pages;
	u_int		ptpages;
	int		has_ptp;
	u_long		mg_inuse, mg_numalloc, mg_numfree, mg_hits;
	int		has_mg;
	int		fail_count;
	int		has_fail;
};

static void
stress_snapshot(struct stress_snap *ss)
{
	struct malloc_type **tp, *t;
	struct mbstat mbs;
	uma_zone_t z;
	int c, i, n;

	memset(ss, 0, sizeof(*ss));
	n = 0;
	SET_FOREACH(tp, malloc_type_set) {
		if (n == STRESS_MAXTYPES)
			break;
		t = *tp;
		ss->type[n] = t;
		for (c = 0; c < MAXCPU; c++) {
			ss->allocs[n] += t->ks_stats[c].mts_numallocs;
			ss->frees[n] += t->ks_stats[c].mts_numfrees;
			ss->bout[n] += t->ks_stats[c].mts_memalloced;
			ss->bback[n] += t->ks_stats[c].mts_memfreed;
		}
		n++;
	}
	ss->ntypes = n;
	for (i = 0; i < STRESS_NCLASSES; i++)
		snprintf(ss->zname[i], sizeof(ss->zname[i]), "%zu",
		    stress_class_size(i));
	strlcpy(ss->zname[i++], "mbuf", sizeof(ss->zname[0]));
	strlcpy(ss->zname[i++], "mbuf_cluster", sizeof(ss->zname[0]));
	strlcpy(ss->zname[i++], "mbuf_packet", sizeof(ss->zname[0]));
	strlcpy(ss->zname[i++], "THREAD", sizeof(ss->zname[0]));
	for (i = 0; i < STRESS_NWATCH; i++) {
		z = uma_zone_find(ss->zname[i]);
		ss->zcur[i] = z != NULL ? uma_zone_get_cur(z) : -1;
	}
	mbstat_get(&mbs);
	ss->mbufs = mbs.m_mbufs;
	ss->clusters = mbs.m_mclusts;
	ss->has_ptp = stress_get("vm.pmap.kernel_pt_page_count",
	    &ss->ptpages, sizeof(ss->ptpages));
	ss->has_mg = stress_get("vm.memguard.inuse", &ss->mg_inuse,
	    sizeof(ss->mg_inuse)) &&
	    stress_get("vm.memguard.numalloc", &ss->mg_numalloc,
	    sizeof(u_long)) &&
	    stress_get("vm.memguard.numfree", &ss->mg_numfree,
	    sizeof(u_long)) &&
	    stress_get("vm.memguard.frequency_hits", &ss->mg_hits,
	    sizeof(u_long));
	ss->has_fail = stress_get("debug.malloc.failure_count",
	    &ss->fail_count, sizeof(ss->fail_count));
	ss->free_pages = vm_cnt.v_free_count;	/* last: the others allocate */
}

/* Reap the workers and empty every cache. */
static void
stress_settle(uma_zone_t tz, int tbase)
{
	u_int free0;
	int i;

	for (i = 0; i < 2000; i++) {
		thread_reap();
		if (tz == NULL || uma_zone_get_cur(tz) <= tbase)
			break;
		pause("strreap", hz / 100 + 1);
	}
	/*
	 * Draining one zone can fill another drained before it (a packet's
	 * cluster goes back to mbuf_cluster): reclaim until nothing moves.
	 */
	for (i = 0; i < 8; i++) {
		free0 = vm_cnt.v_free_count;
		uma_reclaim();
		if (vm_cnt.v_free_count == free0)
			break;
	}
}

/*
 * Is everything back in a as it was in b?  Prints each difference; pages
 * only when asked (the warm-up may grow slabs and page tables for good).
 */
static int
stress_compare(struct stress_snap *b, struct stress_snap *a,
    const char *when, int pages)
{
	int i, ok;

	ok = 1;
	for (i = 0; i < a->ntypes; i++) {
		if (a->allocs[i] - b->allocs[i] == a->frees[i] - b->frees[i] &&
		    a->bout[i] - b->bout[i] == a->bback[i] - b->bback[i])
			continue;
		printf("stress: FAIL: malloc type %s: %ju allocs, %ju frees, "
		    "%ju bytes out, %ju bytes back since %s\n",
		    a->type[i]->ks_shortdesc,
		    (uintmax_t)(a->allocs[i] - b->allocs[i]),
		    (uintmax_t)(a->frees[i] - b->frees[i]),
		    (uintmax_t)(a->bout[i] - b->bout[i]),
		    (uintmax_t)(a->bback[i] - b->bback[i]), when);
		ok = 0;
	}
	for (i = 0; i < STRESS_NWATCH; i++)
		if (a->zcur[i] != b->zcur[i]) {
			printf("stress: FAIL: zone %s: %d items in use, %d at "
			    "%s\n", a->zname[i], a->zcur[i], b->zcur[i], when);
			ok = 0;
		}
	if (a->mbufs != b->mbufs || a->clusters != b->clusters) {
		printf("stress: FAIL: %lu mbufs and %lu clusters in use, %lu "
		    "and %lu at %s\n", a->mbufs, a->clusters, b->mbufs,
		    b->clusters, when);
		ok = 0;
	}
	if (b->has_mg && (a->mg_inuse != b->mg_inuse ||
	    a->mg_numalloc - b->mg_numalloc !=
	    a->mg_numfree - b->mg_numfree)) {
		printf("stress: FAIL: MemGuard: %lu guarded allocations, %lu "
		    "frees, %lu in use (%lu at %s)\n",
		    a->mg_numalloc - b->mg_numalloc,
		    a->mg_numfree - b->mg_numfree, a->mg_inuse, b->mg_inuse,
		    when);
		ok = 0;
	}
	if (pages && a->free_pages + (a->has_ptp ? a->ptpages - b->ptpages :
	    0) != b->free_pages) {
		printf("stress: FAIL: %u free pages after reclaim, %u at %s "
		    "(%u kernel page-table pages grown)\n", a->free_pages,
		    b->free_pages, when, a->has_ptp ? a->ptpages - b->ptpages :
		    0);
		ok = 0;
	}
	return (ok);
}

static struct stress_snap stress_before, stress_after;

KTEST(stress, run)
{
	struct stress_snap *b = &stress_before, *a = &stress_after;
	struct stress_zone *sz;
	u_long ops[SOP_N], total, mgfreq0, mgfreq;
	uma_zone_t tz;
	u_long seed;
	uint64_t elapsed;
	int secs, per_cpu, rate0, rate, has_rate, has_mg;
	int slice, slice0, has_slice;
	int cpu, i, j, tbase, ok;

	secs = 5;
	TUNABLE_INT_FETCH("stress.time", &secs);
	if (secs < 1) {
		printf("stress: stress.time=%d is not a positive number of "
		    "seconds; using 5\n", secs);
		secs = 5;
	}
	per_cpu = 2;
	TUNABLE_INT_FETCH("stress.threads", &per_cpu);
	if (per_cpu < 1 || per_cpu * mp_ncpus > STRESS_MAXWORKERS) {
		printf("stress: stress.threads=%d out of range 1..%d; using "
		    "2\n", per_cpu, STRESS_MAXWORKERS / mp_ncpus);
		per_cpu = 2;
	}
	seed = rdtsc() * 0x9e3779b97f4a7c15ULL;
	TUNABLE_ULONG_FETCH("stress.seed", &seed);
	rate = 20;
	TUNABLE_INT_FETCH("stress.failure_rate", &rate);
	mgfreq = 64;
	TUNABLE_ULONG_FETCH("stress.memguard_frequency", &mgfreq);
	slice = 1;
	TUNABLE_INT_FETCH("stress.slice", &slice);
	stress_nworkers = per_cpu * mp_ncpus;
	printf("stress: seed %#jx (stress.seed=%#jx repeats the mix), %d s, "
	    "%d workers on %d CPUs\n", (uintmax_t)seed, (uintmax_t)seed,
	    secs, stress_nworkers, mp_ncpus);

	for (i = 0; i < stress_nworkers; i++) {
		stress_workers[i] = malloc(sizeof(struct stress_worker),
		    M_TEMP, M_WAITOK | M_ZERO);
		mtx_init(&stress_workers[i]->sw_mbox_mtx, "stress mailbox",
		    NULL, MTX_DEF);
	}
	for (i = 0; i < (int)STRESS_NZONES; i++) {
		sz = &stress_zones[i];
		sz->sz_zone = uma_zcreate(sz->sz_name, sz->sz_size,
		    stress_zctor, stress_zdtor, NULL, NULL, sz->sz_align,
		    sz->sz_flags);
		sz->sz_effmax = sz->sz_max != 0 ?
		    uma_zone_set_max(sz->sz_zone, sz->sz_max) : 0;
		sz->sz_ctors = sz->sz_dtors = 0;
		sz->sz_live = 0;
	}
	/* Failure injection and MemGuard, where the kernel has them. */
	rate0 = 0;
	has_rate = stress_get("debug.malloc.failure_rate", &rate0,
	    sizeof(rate0));
	if (has_rate && rate0 == 0 && rate > 0)
		stress_set_int("debug.malloc.failure_rate", rate);
	if (has_rate)
		stress_get("debug.malloc.failure_rate", &rate, sizeof(rate));
	mgfreq0 = 0;
	has_mg = stress_get("vm.memguard.frequency", &mgfreq0,
	    sizeof(mgfreq0));
	if (has_mg && mgfreq0 == 0 && mgfreq > 0)
		stress_set_ulong("vm.memguard.frequency", mgfreq);
	if (has_mg)
		stress_get("vm.memguard.frequency", &mgfreq, sizeof(mgfreq));
	/* Preempt often: at every tick by default. */
	slice0 = 0;
	has_slice = stress_get("kern.sched.slice", &slice0, sizeof(slice0));
	if (has_slice && !stress_set_int("kern.sched.slice", slice))
		printf("stress: stress.slice=%d refused by kern.sched.slice; "
		    "keeping %d\n", slice, slice0);
	if (has_slice)
		stress_get("kern.sched.slice", &slice, sizeof(slice));
	printf("stress: time slice %d ticks (hz %d)\n", has_slice ? slice :
	    -1, hz);
	printf("stress: malloc failure injection ");
	if (!has_rate)
		printf("not compiled in");
	else if (rate > 0)
		printf("1 in %d", rate);
	else
		printf("off");
	printf(", MemGuard frequency ");
	if (!has_mg)
		printf("not compiled in\n");
	else if (mgfreq > 0)
		printf("1 in %lu\n", mgfreq);
	else
		printf("off\n");

	/* Warm up, then the baseline. */
	tz = uma_zone_find("THREAD");
	tbase = tz != NULL ? uma_zone_get_cur(tz) : 0;
	stress_settle(tz, tbase);
	tbase = tz != NULL ? uma_zone_get_cur(tz) : 0;
	stress_snapshot(a);
	stress_run(1, seed ^ 0x5eed, 1);
	stress_settle(tz, tbase);
	stress_snapshot(b);
	KT_EXPECT(stress_compare(a, b, "the warm-up's start", 0));
	for (i = 0; i < (int)STRESS_NZONES; i++)
		stress_zones[i].sz_ctors = stress_zones[i].sz_dtors = 0;
	stress_snapshot(b);

	elapsed = stress_run(secs, seed, 0);

	/* The stress zones must be empty before anything is reclaimed. */
	for (i = 0; i < (int)STRESS_NZONES; i++) {
		sz = &stress_zones[i];
		KT_EXPECT_EQ(uma_zone_get_cur(sz->sz_zone), 0);
		KT_EXPECT_EQ(sz->sz_ctors, sz->sz_dtors);
		if (uma_zone_get_cur(sz->sz_zone) != 0 ||
		    sz->sz_ctors != sz->sz_dtors)
			printf("stress: zone %s: %d items out, %lu ctors, "
			    "%lu dtors\n", sz->sz_name,
			    uma_zone_get_cur(sz->sz_zone), sz->sz_ctors,
			    sz->sz_dtors);
	}
	stress_settle(tz, tbase);
	stress_snapshot(a);

	/* Operations per CPU, then what was done. */
	total = 0;
	CPU_FOREACH(cpu) {
		if (!pcpu_find(cpu)->pc_online)
			continue;
		printf("stress: cpu%d %lu ops, %ju ops/s\n", cpu,
		    stress_cpu_ops[cpu],
		    (uintmax_t)(stress_cpu_ops[cpu] * 1000 / elapsed));
		total += stress_cpu_ops[cpu];
	}
	printf("stress: total %lu ops in %ju.%02ju s, %ju ops/s\n", total,
	    (uintmax_t)(elapsed / 1000), (uintmax_t)(elapsed % 1000 / 10),
	    (uintmax_t)(total * 1000 / elapsed));
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < stress_nworkers; i++)
		for (j = 0; j < SOP_N; j++)
			ops[j] += stress_workers[i]->sw_ops[j];
	for (j = 0; j < SOP_N; j++)
		printf("stress:   %-18s %lu\n", stress_opnames[j], ops[j]);
	if (b->has_fail)
		printf("stress:   %-18s %d\n", "imposed failures",
		    a->fail_count - b->fail_count);
	if (b->has_mg)
		printf("stress:   %-18s %lu\n", "guarded (memguard)",
		    a->mg_numalloc - b->mg_numalloc);
	KT_EXPECT_EQ(stress_errors, 0);
	KT_EXPECT_GT(total, 0);

	/* Exact accounting. */
	ok = stress_compare(b, a, "the baseline", 1);
	KT_EXPECT(ok);
	/* The mix must have reached what it claims to exercise. */
	KT_EXPECT_GT(ops[SOP_MALLOC], 0);
	KT_EXPECT_GT(ops[SOP_ZALLOC], 0);
	KT_EXPECT_GT(ops[SOP_MBUF], 0);
	KT_EXPECT_GT(ops[SOP_RECV], 0);
	KT_EXPECT_GT(ops[SOP_CONTIG], 0);
	KT_EXPECT_GT(ops[SOP_REALLOC], 0);
	if (b->has_fail && rate > 0 && ops[SOP_MALLOC] > (u_long)rate * 10)
		KT_EXPECT_GT(a->fail_count - b->fail_count, 0);
	if (b->has_mg && mgfreq > 0 && ops[SOP_MALLOC] > mgfreq * 10)
		KT_EXPECT_GT(a->mg_hits - b->mg_hits, 0);
	printf("stress: %s (seed %#jx)\n", ok && stress_errors == 0 ?
	    "accounting exact, no corruption" : "FAILED", (uintmax_t)seed);

	/* Put things back. */
	if (has_rate)
		stress_set_int("debug.malloc.failure_rate", rate0);
	if (has_mg)
		stress_set_ulong("vm.memguard.frequency", mgfreq0);
	if (has_slice)
		stress_set_int("kern.sched.slice", slice0);
	for (i = 0; i < (int)STRESS_NZONES; i++) {
		uma_zdestroy(stress_zones[i].sz_zone);
		stress_zones[i].sz_zone = NULL;
	}
	for (i = 0; i < stress_nworkers; i++) {
		mtx_destroy(&stress_workers[i]->sw_mbox_mtx);
		free(stress_workers[i], M_TEMP);
		stress_workers[i] = NULL;
	}
}
