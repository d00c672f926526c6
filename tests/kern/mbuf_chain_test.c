/*
 * The rest of mbuf(9) (issue 15), tested from FreeBSD's mbuf(9) and
 * mbuf_tags(9) contracts: m_split, m_dup, m_pulldown, m_copyup, m_append,
 * m_apply, m_getptr, m_devget, m_fixhdr, m_defrag, m_print, m_sanity,
 * the packet header moves and copies with their tag rules, packet tags,
 * and jumbo clusters (zones, physical contiguity, sharing, limits).
 *
 * Chains are built from a shape: a list of segments, each a plain mbuf,
 * a packet-zone cluster, an MCLGET cluster, a caller's buffer (MEXTADD),
 * a cluster shared with a second reference (as after m_copym) or a 9k
 * jumbo cluster, with some leading room, filled with a position-keyed
 * byte pattern so that any byte out of place shows.  Every operation is
 * run on every shape, with and without a packet header, at every
 * interesting offset, and m_sanity checks the chains it leaves (under
 * INVARIANTS a bad chain panics there).
 *
 * Failure paths: mt_exhaust() fills the mbuf and cluster zones up to a
 * limit set just above what is in use (this thread is bound to CPU 0,
 * whose cache then holds nothing), and mt_allow() frees a chosen number
 * of mbufs, packets and clusters back into CPU 0's cache, so an operation
 * gets exactly that many and fails on the next.  Each failure sweep goes
 * k = 0, 1, 2, ... until the operation succeeds, checking each failure
 * leaves what mbuf(9) documents (the chain intact, or freed).
 *
 * Every case starts from a baseline (all caches drained) and ends by
 * checking that mbufs, clusters of each size, packet tags and caller
 * buffers are back to it: nothing leaked, nothing freed twice.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/smp.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/uma.h>

#ifdef INVARIANTS
#define	MC_INVARIANTS	1
#else
#define	MC_INVARIANTS	0
#endif

MALLOC_DEFINE(M_MCTEST, "mbuf_chain_test", "mbuf chain test buffers");

#define	MC_MAXLEN	12000
static uint8_t	mc_got[MC_MAXLEN];

static uint8_t
mc_pat(int i)
{
	return ((uint8_t)(i * 13 + 7 + (i >> 8)));
}

/* Bytes of the chain from off that differ from the pattern from first. */
static int
mc_bad_bytes(struct mbuf *m, int off, int len, int first)
{
	int i, bad = 0;

	m_copydata(m, off, len, (caddr_t)mc_got);
	for (i = 0; i < len; i++)
		bad += mc_got[i] != mc_pat(first + i);
	return (bad);
}

/*
 * Counters: mbufs, clusters of each zone, tags and caller buffers.
 */

static volatile u_int mc_ext_allocs, mc_ext_frees;

static int64_t
mc_used(uma_zone_t zone)
{
	struct uma_zone_stat zs;

	uma_zone_stat(zone, &zs);
	return ((int64_t)zs.zs_allocs - (int64_t)zs.zs_frees);
}

static int64_t
mc_allocs(uma_zone_t zone)
{
	struct uma_zone_stat zs;

	uma_zone_stat(zone, &zs);
	return ((int64_t)zs.zs_allocs);
}

static int64_t
mc_cached(uma_zone_t zone)
{
	struct uma_zone_stat zs;

	uma_zone_stat(zone, &zs);
	return (zs.zs_cached);
}

static int64_t
mc_tags(void)
{
	int64_t n = 0;
	int cpu;

	CPU_FOREACH(cpu)
		n += (int64_t)M_PACKET_TAGS->ks_stats[cpu].mts_numallocs -
		    (int64_t)M_PACKET_TAGS->ks_stats[cpu].mts_numfrees;
	return (n);
}

struct mc_base {
	int64_t	mbufs, clusters, jp, j9, j16, tags;
	u_int	ext;
	int	cur_mbuf, cur_clust;
};

static void
mc_baseline(struct mc_base *b)
{
	uma_reclaim();
	b->mbufs = mc_used(zone_mbuf) + mc_used(zone_pack);
	b->clusters = mc_used(zone_clust) - mc_cached(zone_pack);
	b->jp = mc_used(zone_jumbop);
	b->j9 = mc_used(zone_jumbo9);
	b->j16 = mc_used(zone_jumbo16);
	b->tags = mc_tags();
	b->ext = mc_ext_allocs - mc_ext_frees;
	b->cur_mbuf = uma_zone_get_cur(zone_mbuf);
	b->cur_clust = uma_zone_get_cur(zone_clust);
}

static void
mc_check_baseline(struct ktest_ctx *kt, const struct mc_base *b)
{
	KT_EXPECT_EQ(mc_used(zone_mbuf) + mc_used(zone_pack), b->mbufs);
	KT_EXPECT_EQ(mc_used(zone_clust) - mc_cached(zone_pack), b->clusters);
	KT_EXPECT_EQ(mc_used(zone_jumbop), b->jp);
	KT_EXPECT_EQ(mc_used(zone_jumbo9), b->j9);
	KT_EXPECT_EQ(mc_used(zone_jumbo16), b->j16);
	KT_EXPECT_EQ(mc_tags(), b->tags);
	KT_EXPECT_EQ(mc_ext_allocs - mc_ext_frees, b->ext);
	uma_reclaim();
	KT_EXPECT_EQ(uma_zone_get_cur(zone_mbuf), b->cur_mbuf);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_clust), b->cur_clust);
}

/*
 * Chains from shapes.
 */

struct mc_seg {
	char	kind;	/* p plain, c m_getcl, g MCLGET, x MEXTADD, s shared,
			   j 9k jumbo */
	int	len;
	int	lead;	/* leading room left before the data */
};

#define	MC_MAXSEG	6
struct mc_shape {
	const char	*name;
	struct mc_seg	seg[MC_MAXSEG];
};

static const struct mc_shape mc_shapes[] = {
	{ "p", { { 'p', 40, 0 } } },
	{ "pp", { { 'p', 100, 8 }, { 'p', 200, 0 } } },
	{ "cp", { { 'c', 1000, 0 }, { 'p', 50, 4 } } },
	{ "pgc", { { 'p', 20, 0 }, { 'g', 2000, 0 }, { 'c', 300, 0 } } },
	{ "xsp", { { 'x', 700, 0 }, { 's', 900, 16 }, { 'p', 10, 0 } } },
	{ "p0cp0p", { { 'p', 0, 0 }, { 'c', 500, 0 }, { 'p', 0, 0 },
	    { 'p', 60, 0 } } },
	{ "jp", { { 'j', 5000, 0 }, { 'p', 30, 0 } } },
	{ "s", { { 's', 1500, 0 } } },
	{ "ppppp", { { 'p', 180, 0 }, { 'p', 200, 0 }, { 'p', 200, 0 },
	    { 'p', 200, 0 }, { 'p', 200, 0 } } },
};
#define	MC_NSHAPES	nitems(mc_shapes)

/* A chain, and the second references of its shared clusters. */
struct mc_chain {
	struct mbuf	*m;
	struct mbuf	*refs[MC_MAXSEG];
	int		nrefs;
	int		len;
	int		hdr;
};

static void
mc_ext_free(void *buf, void *arg __unused)
{
	free(buf, M_MCTEST);
	atomic_add_int(&mc_ext_frees, 1);
}

static int	mc_rcvif_dummy;
static void	mc_free_refs(struct mc_chain *c);

/* Build shape sh (hdr: with a packet header); NULL only on a bug. */
static struct mbuf *
mc_build(const struct mc_shape *sh, int hdr, struct mc_chain *c)
{
	struct mbuf *m, **np;
	const struct mc_seg *sg;
	caddr_t buf;
	int i, j, first, pos = 0;

	memset(c, 0, sizeof(*c));
	c->hdr = hdr;
	np = &c->m;
	for (i = 0; i < MC_MAXSEG && sh->seg[i].kind != 0; i++) {
		sg = &sh->seg[i];
		first = hdr && i == 0;
		switch (sg->kind) {
		case 'c':
		case 's':
			m = m_getcl(M_WAITOK, MT_DATA, first ? M_PKTHDR : 0);
			break;
		case 'j':
			m = m_getjcl(M_WAITOK, MT_DATA, first ? M_PKTHDR : 0,
			    MJUM9BYTES);
			break;
		default:
			m = first ? m_gethdr(M_WAITOK, MT_DATA) :
			    m_get(M_WAITOK, MT_DATA);
			if (m != NULL && sg->kind == 'g')
				MCLGET(m, M_WAITOK);
			if (m != NULL && sg->kind == 'x') {
				buf = malloc(MCLBYTES, M_MCTEST, M_WAITOK);
				atomic_add_int(&mc_ext_allocs, 1);
				MEXTADD(m, buf, MCLBYTES, mc_ext_free, NULL, 0,
				    EXT_NET_DRV);
				/* Its counter is malloc'd M_NOWAIT. */
				if ((m->m_flags & M_EXT) == 0) {
					mc_ext_free(buf, NULL);
					m_free(m);
					m = NULL;
				}
			}
			break;
		}
		if (m == NULL) {
			m_freem(c->m);
			mc_free_refs(c);
			return (NULL);
		}
		*np = m;
		np = &m->m_next;
		m->m_data += sg->lead;
		for (j = 0; j < sg->len; j++)
			mtod(m, uint8_t *)[j] = mc_pat(pos + j);
		m->m_len = sg->len;
		pos += sg->len;
		if (sg->kind == 's')
			c->refs[c->nrefs++] = m_copym(m, 0, M_COPYALL,
			    M_WAITOK);
	}
	c->len = pos;
	if (hdr) {
		c->m->m_pkthdr.len = pos;
		c->m->m_pkthdr.rcvif = &mc_rcvif_dummy;
		c->m->m_pkthdr.csum_flags = 0x5;
		c->m->m_pkthdr.csum_data = 0x1234;
	}
	return (c->m);
}

static void
mc_free_refs(struct mc_chain *c)
{
	int i;

	for (i = 0; i < c->nrefs; i++)
		m_freem(c->refs[i]);
	c->nrefs = 0;
}

/* The shared references must still see their pattern bytes. */
static int
mc_refs_intact(const struct mc_shape *sh, struct mc_chain *c)
{
	int i, pos = 0, r = 0, bad = 0;

	for (i = 0; i < MC_MAXSEG && sh->seg[i].kind != 0; i++) {
		if (sh->seg[i].kind == 's')
			bad += mc_bad_bytes(c->refs[r++], 0, sh->seg[i].len,
			    pos);
		pos += sh->seg[i].len;
	}
	return (bad);
}

/* m_sanity must pass (under INVARIANTS a failure panics inside it). */
#define	MC_SANE(m)	KT_EXPECT_EQ(m_sanity((m), 0), 1)

/* A chain holds exactly the pattern bytes [first, first + len). */
static void
mc_expect_data(struct ktest_ctx *kt, struct mbuf *m, int first, int len)
{
	KT_EXPECT_EQ(m_length(m, NULL), len);
	if ((m->m_flags & M_PKTHDR) != 0)
		KT_EXPECT_EQ(m->m_pkthdr.len, len);
	KT_EXPECT_EQ(mc_bad_bytes(m, 0, len, first), 0);
	MC_SANE(m);
}

static int
mc_count(struct mbuf *m, int *next)
{
	int n = 0;

	*next = 0;
	for (; m != NULL; m = m->m_next) {
		n++;
		*next += (m->m_flags & M_EXT) != 0;
	}
	return (n);
}

/* Is buf the storage of some mbuf of chain m? */
static int
mc_holds_ext(struct mbuf *m, caddr_t buf)
{
	for (; m != NULL; m = m->m_next)
		if ((m->m_flags & M_EXT) != 0 && m->m_ext.ext_buf == buf)
			return (1);
	return (0);
}

/* The split points worth trying: all for short chains, else a sample. */
static int
mc_next_point(const struct mc_shape *sh, int total, int p)
{
	int i, b = 0, q;

	if (total <= 600)
		return (p + 1);
	q = p + 37;
	for (i = 0; i < MC_MAXSEG && sh->seg[i].kind != 0; i++) {
		b += sh->seg[i].len;
		if (p + 1 >= b - 3 && p + 1 <= b + 3)
			return (p + 1);
		if (b - 3 > p && b - 3 < q)
			q = b - 3;
	}
	return (imin(q, p + 37));
}

/*
 * Failure injection: the zones at a limit, exactly k of each kind free.
 */
#define	MC_HOLD	2048
static struct {
	struct mbuf	*mb[MC_HOLD], *pk[MC_HOLD];
	void		*cl[MC_HOLD];
	int		nmb, npk, ncl;
	int		max_mbuf, max_clust;
} mx;

static void
mt_exhaust(void)
{
	struct mbuf *m;
	void *cl;

	uma_reclaim();
	mx.nmb = mx.npk = mx.ncl = 0;
	mx.max_mbuf = uma_zone_get_max(zone_mbuf);
	mx.max_clust = uma_zone_get_max(zone_clust);
	/* Room for some 32 packets, then some 96 more mbufs. */
	(void)uma_zone_set_max(zone_mbuf, uma_zone_get_cur(zone_mbuf) + 128);
	(void)uma_zone_set_max(zone_clust, uma_zone_get_cur(zone_clust) + 32);
	while (mx.npk < MC_HOLD &&
	    (m = m_getcl(M_NOWAIT, MT_DATA, 0)) != NULL)
		mx.pk[mx.npk++] = m;
	while (mx.nmb < MC_HOLD && (m = m_get(M_NOWAIT, MT_DATA)) != NULL)
		mx.mb[mx.nmb++] = m;
	while (mx.ncl < MC_HOLD &&
	    (cl = m_cljget(NULL, M_NOWAIT, MCLBYTES)) != NULL)
		mx.cl[mx.ncl++] = cl;
}

/* Let k mbufs, k packets and k clusters be allocated again. */
static void
mt_allow(int k)
{
	int i;

	for (i = 0; i < k && mx.nmb > 0; i++)
		m_free(mx.mb[--mx.nmb]);
	for (i = 0; i < k && mx.npk > 0; i++)
		m_free(mx.pk[--mx.npk]);
	for (i = 0; i < k && mx.ncl > 0; i++)
		uma_zfree(zone_clust, mx.cl[--mx.ncl]);
}

static void
mt_unexhaust(void)
{
	while (mx.nmb > 0)
		m_free(mx.mb[--mx.nmb]);
	while (mx.npk > 0)
		m_free(mx.pk[--mx.npk]);
	while (mx.ncl > 0)
		uma_zfree(zone_clust, mx.cl[--mx.ncl]);
	(void)uma_zone_set_max(zone_mbuf, mx.max_mbuf);
	(void)uma_zone_set_max(zone_clust, mx.max_clust);
}

/* The exhausted zones really refuse an mbuf, a packet and a cluster. */
KTEST(mbuf_chain, failure_injection_works)
{
	struct mc_base b;
	struct mbuf *m1, *m2;
	void *c;

	mc_baseline(&b);
	sched_bind(curthread, 0);
	mt_exhaust();
	m1 = m_get(M_NOWAIT, MT_DATA);
	m2 = m_getcl(M_NOWAIT, MT_DATA, 0);
	c = m_cljget(NULL, M_NOWAIT, MCLBYTES);
	KT_EXPECT_NULL(m1);
	KT_EXPECT_NULL(m2);
	KT_EXPECT_NULL(c);
	KT_EXPECT_GT(mx.nmb, 0);
	KT_EXPECT_GT(mx.npk, 0);
	KT_EXPECT_GE(mx.npk, 8);
	KT_EXPECT_GE(mx.nmb, 8);
	mt_allow(1);
	m1 = m_get(M_NOWAIT, MT_DATA);
	m2 = m_get(M_NOWAIT, MT_DATA);
	KT_EXPECT_NOT_NULL(m1);
	KT_EXPECT_NULL(m2);
	m_freem(m1);
	m_freem(m2);
	m1 = m_getcl(M_NOWAIT, MT_DATA, 0);
	m2 = m_getcl(M_NOWAIT, MT_DATA, 0);
	KT_EXPECT_NOT_NULL(m1);
	KT_EXPECT_NULL(m2);
	m_freem(m1);
	m_freem(m2);

	mt_unexhaust();
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}

/*
 * m_split
 */

static void
mc_split_one(struct ktest_ctx *kt, const struct mc_shape *sh, int hdr,
    int len0)
{
	struct mc_chain c;
	struct mbuf *m, *n, *last;
	struct m_tag *t;
	int64_t cl0, jp0, nm;
	int total, next0, next1, nn;

	m = mc_build(sh, hdr, &c);
	KT_ASSERT_NOT_NULL(m);
	total = c.len;
	t = NULL;
	if (hdr) {
		t = m_tag_get(7, 4, M_WAITOK);
		m_tag_prepend(m, t);
	}
	nm = mc_count(m, &next0);
	cl0 = mc_allocs(zone_clust) + mc_allocs(zone_pack);
	jp0 = mc_allocs(zone_jumbo9);
	n = m_split(m, len0, M_WAITOK);
	/* No cluster is ever allocated: they are shared. */
	KT_EXPECT_EQ(mc_allocs(zone_clust) + mc_allocs(zone_pack), cl0);
	KT_EXPECT_EQ(mc_allocs(zone_jumbo9), jp0);
	if (len0 > total || (!hdr && len0 == total)) {
		KT_EXPECT_NULL(n);
		mc_expect_data(kt, m, 0, total);
	} else {
		KT_ASSERT_NOT_NULL(n);
		mc_expect_data(kt, m, 0, len0);
		mc_expect_data(kt, n, len0, total - len0);
		KT_EXPECT_EQ((n->m_flags & M_PKTHDR) != 0, hdr);
		if (hdr) {
			KT_EXPECT_EQ((uintptr_t)n->m_pkthdr.rcvif,
			    (uintptr_t)&mc_rcvif_dummy);
			/* The head keeps its tag; the tail gets none. */
			KT_EXPECT_EQ((uintptr_t)m_tag_first(m), (uintptr_t)t);
			KT_EXPECT_NULL(m_tag_first(n));
		}
		/* A cut inside a cluster: both halves reference it. */
		(void)m_length(m, &last);
		if ((n->m_flags & M_EXT) != 0 && (last->m_flags & M_EXT) != 0 &&
		    n->m_ext.ext_buf == last->m_ext.ext_buf)
			KT_EXPECT_GE(*n->m_ext.ref_cnt, 2);
		nn = mc_count(n, &next1);
		KT_EXPECT_LE(mc_count(m, &next0) + nn, nm + 2);
		m_freem(n);
	}
	KT_EXPECT_EQ(mc_refs_intact(sh, &c), 0);
	m_freem(m);
	mc_free_refs(&c);
}

KTEST(mbuf_chain, split_every_point)
{
	struct mc_base b;
	struct mc_chain c;
	size_t s;
	int hdr, total, p;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		KT_ASSERT_NOT_NULL(mc_build(&mc_shapes[s], 0, &c));
		total = c.len;
		m_freem(c.m);
		mc_free_refs(&c);
		for (hdr = 0; hdr < 2; hdr++) {
			for (p = 0; p <= total + 1;
			    p = mc_next_point(&mc_shapes[s], total, p))
				mc_split_one(kt, &mc_shapes[s], hdr, p);
			mc_split_one(kt, &mc_shapes[s], hdr, total);
		}
	}
	mc_check_baseline(kt, &b);
}

/* Splits that need one or two mbufs, at every failure point. */
KTEST(mbuf_chain, split_failure_keeps_chain)
{
	static const struct mc_shape big = { "P", { { 'p', 20, 0 },
	    { 'p', 210, 0 } } };
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *n;
	int k, hdr, fails;

	mc_baseline(&b);
	sched_bind(curthread, 0);
	for (hdr = 0; hdr < 2; hdr++) {
		fails = 0;
		for (k = 0; k < 4; k++) {
			m = mc_build(&big, hdr, &c);
			KT_ASSERT_NOT_NULL(m);
			mt_exhaust();
			mt_allow(k);
			/* Cut at 25: 205 bytes left, more than MHLEN. */
			n = m_split(m, 25, M_NOWAIT);
			mt_unexhaust();
			if (n == NULL) {
				fails++;
				mc_expect_data(kt, m, 0, c.len);
			} else {
				mc_expect_data(kt, m, 0, 25);
				mc_expect_data(kt, n, 25, c.len - 25);
				m_freem(n);
			}
			m_freem(m);
			if (n != NULL)
				break;
		}
		/* With a header the tail needs two mbufs: fails at 0 and 1. */
		KT_EXPECT_EQ(fails, hdr ? 2 : 1);
	}
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}

/*
 * m_dup
 */

KTEST(mbuf_chain, dup_deep_copy)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *d, *x, *o;
	struct m_tag *t, *u;
	size_t s;
	int hdr, nd, next, shared;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		for (hdr = 0; hdr < 2; hdr++) {
			m = mc_build(&mc_shapes[s], hdr, &c);
			KT_ASSERT_NOT_NULL(m);
			if (hdr) {
				t = m_tag_alloc(0x1234, 3, 8, M_WAITOK);
				memcpy(t + 1, "tagdata", 8);
				m_tag_prepend(m, t);
				m_tag_prepend(m, m_tag_get(9, 0, M_WAITOK));
			}
			d = m_dup(m, M_WAITOK);
			KT_ASSERT_NOT_NULL(d);
			mc_expect_data(kt, d, 0, c.len);
			mc_expect_data(kt, m, 0, c.len);
			KT_EXPECT_EQ((d->m_flags & M_PKTHDR) != 0, hdr);
			/* Nothing shared, everything writable. */
			shared = 0;
			for (x = d; x != NULL; x = x->m_next) {
				KT_EXPECT(M_WRITABLE(x));
				for (o = m; o != NULL; o = o->m_next)
					if ((x->m_flags & M_EXT) != 0 &&
					    mc_holds_ext(o, x->m_ext.ext_buf))
						shared++;
			}
			KT_EXPECT_EQ(shared, 0);
			/* Packed: as few mbufs as clusters allow. */
			nd = mc_count(d, &next);
			KT_EXPECT_LE(nd, howmany(c.len, MCLBYTES) + 1);
			if (hdr) {
				KT_EXPECT_EQ((uintptr_t)d->m_pkthdr.rcvif,
				    (uintptr_t)&mc_rcvif_dummy);
				KT_EXPECT_EQ(d->m_pkthdr.csum_flags, 0x5);
				KT_EXPECT_EQ(d->m_pkthdr.csum_data, 0x1234);
				/* The tags, copied in order. */
				u = m_tag_first(d);
				KT_ASSERT_NOT_NULL(u);
				KT_EXPECT_NE((uintptr_t)u,
				    (uintptr_t)m_tag_first(m));
				KT_EXPECT_EQ(u->m_tag_id, 9);
				u = m_tag_next(d, u);
				KT_ASSERT_NOT_NULL(u);
				KT_EXPECT_EQ(u->m_tag_id, 3);
				KT_EXPECT_EQ(u->m_tag_cookie, 0x1234);
				KT_EXPECT_EQ(u->m_tag_len, 8);
				KT_EXPECT_EQ(memcmp(u + 1, "tagdata", 8), 0);
				KT_EXPECT_NULL(m_tag_next(d, u));
			}
			/* Writing the copy leaves the original alone. */
			for (x = d; x != NULL; x = x->m_next)
				memset(mtod(x, void *), 0xee, x->m_len);
			mc_expect_data(kt, m, 0, c.len);
			KT_EXPECT_EQ(mc_refs_intact(&mc_shapes[s], &c), 0);
			m_freem(d);
			m_freem(m);
			mc_free_refs(&c);
		}
	}
	mc_check_baseline(kt, &b);
}

KTEST(mbuf_chain, dup_failure_leaves_original)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *d;
	int k, s, fails;

	mc_baseline(&b);
	sched_bind(curthread, 0);
	for (s = 0; s < (int)MC_NSHAPES; s++) {
		fails = 0;
		for (k = 0; k < 8; k++) {
			m = mc_build(&mc_shapes[s], 1, &c);
			KT_ASSERT_NOT_NULL(m);
			mt_exhaust();
			mt_allow(k);
			d = m_dup(m, M_NOWAIT);
			mt_unexhaust();
			mc_expect_data(kt, m, 0, c.len);
			if (d == NULL)
				fails++;
			else
				mc_expect_data(kt, d, 0, c.len);
			m_freem(d);
			m_freem(m);
			mc_free_refs(&c);
			if (d != NULL)
				break;
		}
		KT_EXPECT_GE(fails, 1);
		KT_EXPECT_LT(k, 8);
	}
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}

/*
 * m_pulldown
 */

static const int mc_pd_lens[] = { 0, 1, 2, 7, 40, 100, MLEN, MLEN + 1,
    1000, MCLBYTES };

/*
 * One m_pulldown: the region contiguous and writable at the returned
 * place, the chain's head, data and length unchanged, and every byte
 * before off at the same address.
 */
static void
mc_pulldown_one(struct ktest_ctx *kt, const struct mc_shape *sh, int hdr,
    int off, int len, int useoffp)
{
	struct mc_chain c;
	struct mbuf *m, *n, *p;
	uint8_t *before[3];
	int idx[3], offp = -1, i, po;

	m = mc_build(sh, hdr, &c);
	KT_ASSERT_NOT_NULL(m);
	idx[0] = 0;
	idx[1] = off / 2;
	idx[2] = off - 1;
	for (i = 0; i < 3; i++) {
		before[i] = NULL;
		if (idx[i] >= 0 && idx[i] < off) {
			p = m_getptr(m, idx[i], &po);
			KT_ASSERT_NOT_NULL(p);
			before[i] = mtod(p, uint8_t *) + po;
		}
	}
	n = m_pulldown(m, off, len, useoffp ? &offp : NULL);
	if (off + len > c.len || off >= c.len) {
		/* Past the end: the chain is gone. */
		KT_EXPECT_NULL(n);
		mc_free_refs(&c);
		return;
	}
	KT_ASSERT_NOT_NULL(n);
	if (!useoffp)
		offp = 0;
	KT_EXPECT_GE(offp, 0);
	KT_EXPECT_GE(n->m_len - offp, len);
	for (i = 0; i < len; i++)
		if (mtod(n, uint8_t *)[offp + i] != mc_pat(off + i))
			break;
	KT_EXPECT_EQ(i, len);
	KT_EXPECT(M_WRITABLE(n) || len == 0);
	/* n is in the chain, which keeps its head and bytes. */
	for (p = m; p != NULL && p != n; p = p->m_next)
		;
	KT_EXPECT_EQ((uintptr_t)p, (uintptr_t)n);
	mc_expect_data(kt, m, 0, c.len);
	for (i = 0; i < 3; i++)
		if (before[i] != NULL)
			KT_EXPECT_EQ(*before[i], mc_pat(idx[i]));
	KT_EXPECT_EQ(mc_refs_intact(sh, &c), 0);
	m_freem(m);
	mc_free_refs(&c);
}

KTEST(mbuf_chain, pulldown_offsets_and_lengths)
{
	struct mc_base b;
	struct mc_chain c;
	size_t s, l;
	int hdr, total, off, useoffp;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		KT_ASSERT_NOT_NULL(mc_build(&mc_shapes[s], 0, &c));
		total = c.len;
		m_freem(c.m);
		mc_free_refs(&c);
		for (hdr = 0; hdr < 2; hdr++)
			for (off = 0; off <= total; off = mc_next_point(
			    &mc_shapes[s], total, off + 2))
				for (l = 0; l < nitems(mc_pd_lens); l++)
					for (useoffp = 0; useoffp < 2;
					    useoffp++)
						mc_pulldown_one(kt,
						    &mc_shapes[s], hdr, off,
						    mc_pd_lens[l], useoffp);
	}
	mc_check_baseline(kt, &b);
}

/* More than MCLBYTES, or past the end: NULL and the chain freed. */
KTEST(mbuf_chain, pulldown_refusals_free_chain)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m;

	mc_baseline(&b);
	m = mc_build(&mc_shapes[6], 1, &c);	/* 5030 bytes */
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_NULL(m_pulldown(m, 0, MCLBYTES + 1, NULL));
	m = mc_build(&mc_shapes[1], 1, &c);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_NULL(m_pulldown(m, 250, 51, NULL));
	m = mc_build(&mc_shapes[1], 0, &c);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_NULL(m_pulldown(m, 300, 1, NULL));
	mc_check_baseline(kt, &b);
}

KTEST(mbuf_chain, pulldown_failure_frees_chain)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *n;
	int k, fails = 0, s;

	mc_baseline(&b);
	sched_bind(curthread, 0);
	for (s = 0; s < 2; s++) {
		for (k = 0; k < 4; k++) {
			/*
			 * Inside a shared cluster (a new cluster, and an
			 * mbuf for the rest), or across plain mbufs past
			 * MLEN (a new cluster).
			 */
			m = mc_build(&mc_shapes[s == 0 ? 7 : 8], 1, &c);
			KT_ASSERT_NOT_NULL(m);
			mt_exhaust();
			mt_allow(k);
			n = m_pulldown(m, 100, s == 0 ? 1000 : MLEN + 20,
			    NULL);
			mt_unexhaust();
			if (n == NULL)
				fails++;
			else {
				mc_expect_data(kt, m, 0, c.len);
				m_freem(m);
			}
			mc_free_refs(&c);
			if (n != NULL)
				break;
		}
		KT_EXPECT_LT(k, 4);
	}
	KT_EXPECT_GE(fails, 2);
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}

/*
 * m_copyup
 */

KTEST(mbuf_chain, copyup)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *n;
	struct m_tag *t;
	size_t s;
	int len, dstoff, hdr;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		for (hdr = 0; hdr < 2; hdr++) {
			for (dstoff = 0; dstoff <= 64; dstoff += 16) {
				for (len = 1; len <= MHLEN - dstoff;
				    len += 37) {
					m = mc_build(&mc_shapes[s], hdr, &c);
					KT_ASSERT_NOT_NULL(m);
					t = NULL;
					if (hdr) {
						t = m_tag_get(1, 0, M_WAITOK);
						m_tag_prepend(m, t);
					}
					n = m_copyup(m, len, dstoff);
					if (len > c.len) {
						KT_EXPECT_NULL(n);
						mc_free_refs(&c);
						continue;
					}
					KT_ASSERT_NOT_NULL(n);
					KT_EXPECT_GE(n->m_len, len);
					KT_EXPECT_EQ(M_LEADINGSPACE(n), dstoff);
					KT_EXPECT_EQ((n->m_flags & M_PKTHDR) !=
					    0, hdr);
					if (hdr)
						KT_EXPECT_EQ((uintptr_t)
						    m_tag_first(n),
						    (uintptr_t)t);
					mc_expect_data(kt, n, 0, c.len);
					m_freem(n);
					mc_free_refs(&c);
				}
			}
		}
		/* len + dstoff past MHLEN: refused, chain freed. */
		m = mc_build(&mc_shapes[s], 1, &c);
		KT_ASSERT_NOT_NULL(m);
		KT_EXPECT_NULL(m_copyup(m, MHLEN - 7, 8));
		mc_free_refs(&c);
	}
	/* No mbuf to be had: NULL, the chain freed. */
	sched_bind(curthread, 0);
	m = mc_build(&mc_shapes[1], 1, &c);
	KT_ASSERT_NOT_NULL(m);
	mt_exhaust();
	n = m_copyup(m, 10, 16);
	mt_unexhaust();
	KT_EXPECT_NULL(n);
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}

/*
 * m_append
 */

static uint8_t	mc_src[MC_MAXLEN];

KTEST(mbuf_chain, append)
{
	static const int lens[] = { 0, 1, 50, MLEN, MINCLSIZE, MCLBYTES + 5,
	    5000 };
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m;
	size_t s, l;
	int hdr, i, n0, next0, n1, next1;

	for (i = 0; i < MC_MAXLEN; i++)
		mc_src[i] = mc_pat(i);
	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		for (hdr = 0; hdr < 2; hdr++) {
			for (l = 0; l < nitems(lens); l++) {
				m = mc_build(&mc_shapes[s], hdr, &c);
				KT_ASSERT_NOT_NULL(m);
				n0 = mc_count(m, &next0);
				KT_EXPECT_EQ(m_append(m, lens[l],
				    (c_caddr_t)mc_src + c.len), 1);
				mc_expect_data(kt, m, 0, c.len + lens[l]);
				/* Big appends go in clusters. */
				n1 = mc_count(m, &next1);
				KT_EXPECT_LE(n1 - n0, howmany(lens[l],
				    MCLBYTES) + 1);
				KT_EXPECT_EQ(mc_refs_intact(&mc_shapes[s],
				    &c), 0);
				m_freem(m);
				mc_free_refs(&c);
			}
		}
	}
	mc_check_baseline(kt, &b);
}

KTEST(mbuf_chain, append_failure_keeps_what_fit)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m;
	int k, r, got, i;

	for (i = 0; i < MC_MAXLEN; i++)
		mc_src[i] = mc_pat(i);
	mc_baseline(&b);
	sched_bind(curthread, 0);
	for (k = 0; k < 6; k++) {
		m = mc_build(&mc_shapes[1], 1, &c);	/* 300 bytes */
		KT_ASSERT_NOT_NULL(m);
		mt_exhaust();
		mt_allow(k);
		r = m_append(m, 5000, (c_caddr_t)mc_src + c.len);
		mt_unexhaust();
		got = m_length(m, NULL);
		/* What was appended is there, and counted. */
		mc_expect_data(kt, m, 0, got);
		if (r == 0)
			KT_EXPECT_LT(got, c.len + 5000);
		else
			KT_EXPECT_EQ(got, c.len + 5000);
		m_freem(m);
		if (r != 0)
			break;
	}
	KT_EXPECT_GE(k, 1);
	KT_EXPECT_LT(k, 6);
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}

/*
 * m_apply and m_getptr
 */

#define	MC_STOP	12345

struct mc_apply_arg {
	int	pos, calls, bad, stop_at;
};

static int
mc_apply_fn(void *arg, void *data, u_int len)
{
	struct mc_apply_arg *a = arg;
	u_int i;

	a->calls++;
	if (a->stop_at != 0 && a->calls == a->stop_at)
		return (MC_STOP);
	for (i = 0; i < len; i++)
		a->bad += ((uint8_t *)data)[i] != mc_pat(a->pos + i);
	a->pos += len;
	return (0);
}

KTEST(mbuf_chain, apply_and_getptr)
{
	struct mc_base b;
	struct mc_chain c;
	struct mc_apply_arg a;
	struct mbuf *m, *n, *last;
	size_t s;
	int off, len, po;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		m = mc_build(&mc_shapes[s], 1, &c);
		KT_ASSERT_NOT_NULL(m);
		for (off = 0; off <= c.len; off = mc_next_point(&mc_shapes[s],
		    c.len, off)) {
			for (len = 0; off + len <= c.len; len += 97) {
				memset(&a, 0, sizeof(a));
				a.pos = off;
				KT_EXPECT_EQ(m_apply(m, off, len, mc_apply_fn,
				    &a), 0);
				KT_EXPECT_EQ(a.pos, off + len);
				KT_EXPECT_EQ(a.bad, 0);
			}
			/* m_getptr: byte off is where it says. */
			n = m_getptr(m, off, &po);
			KT_ASSERT_NOT_NULL(n);
			if (off < c.len) {
				KT_EXPECT_LT(po, n->m_len);
				KT_EXPECT_EQ(mtod(n, uint8_t *)[po],
				    mc_pat(off));
			} else {
				(void)m_length(m, &last);
				KT_EXPECT_EQ((uintptr_t)n, (uintptr_t)last);
				KT_EXPECT_EQ(po, n->m_len);
			}
		}
		KT_EXPECT_NULL(m_getptr(m, c.len + 1, &po));
		/* An error from f stops the walk and comes back. */
		if (m->m_next != NULL && c.len > 1) {
			memset(&a, 0, sizeof(a));
			a.stop_at = 2;
			KT_EXPECT_EQ(m_apply(m, 0, c.len, mc_apply_fn, &a),
			    MC_STOP);
			KT_EXPECT_EQ(a.calls, 2);
		}
		m_freem(m);
		mc_free_refs(&c);
	}
	mc_check_baseline(kt, &b);
}

/*
 * m_devget
 */

static u_int mc_copy_bytes;

static void
mc_copy(char *from, caddr_t to, u_int len)
{
	memcpy(to, from, len);
	mc_copy_bytes += len;
}

KTEST(mbuf_chain, devget)
{
	static const int lens[] = { 1, 60, MHLEN, MINCLSIZE - 1, MINCLSIZE,
	    1500, MCLBYTES, 4000, 9000 };
	static const int offs[] = { 0, 2, 16, MHLEN };
	struct mc_base b;
	struct mbuf *m;
	size_t l, o;
	int i, usecopy, n, next;

	for (i = 0; i < MC_MAXLEN; i++)
		mc_src[i] = mc_pat(i);
	mc_baseline(&b);
	for (l = 0; l < nitems(lens); l++) {
		for (o = 0; o < nitems(offs); o++) {
			for (usecopy = 0; usecopy < 2; usecopy++) {
				mc_copy_bytes = 0;
				m = m_devget((char *)mc_src, lens[l], offs[o],
				    (struct ifnet *)&mc_rcvif_dummy,
				    usecopy ? mc_copy : NULL);
				KT_ASSERT_NOT_NULL(m);
				KT_EXPECT_NE(m->m_flags & M_PKTHDR, 0);
				KT_EXPECT_EQ((uintptr_t)m->m_pkthdr.rcvif,
				    (uintptr_t)&mc_rcvif_dummy);
				mc_expect_data(kt, m, 0, lens[l]);
				KT_EXPECT_EQ(M_LEADINGSPACE(m), offs[o]);
				KT_EXPECT_EQ(mc_copy_bytes, usecopy ?
				    (u_int)lens[l] : 0);
				/* A cluster (of the packet zone) when due. */
				KT_EXPECT_EQ((m->m_flags & M_EXT) != 0,
				    lens[l] + offs[o] >= MINCLSIZE);
				if ((m->m_flags & M_EXT) != 0)
					KT_EXPECT_EQ(m->m_ext.ext_type,
					    EXT_PACKET);
				n = mc_count(m, &next);
				KT_EXPECT_LE(n, howmany(lens[l] + offs[o],
				    MCLBYTES) + 1);
				m_freem(m);
			}
		}
	}
	KT_EXPECT_NULL(m_devget((char *)mc_src, 100, MHLEN + 1, NULL, NULL));
	KT_EXPECT_NULL(m_devget((char *)mc_src, 100, -1, NULL, NULL));
	/* Out of mbufs: NULL, nothing held. */
	sched_bind(curthread, 0);
	for (i = 0; i < 8; i++) {
		mt_exhaust();
		mt_allow(i);
		m = m_devget((char *)mc_src, 9000, 0, NULL, NULL);
		mt_unexhaust();
		if (m == NULL)
			continue;
		mc_expect_data(kt, m, 0, 9000);
		m_freem(m);
		break;
	}
	/* Five packet-zone clusters: 4 x 2048 + 808. */
	KT_EXPECT_EQ(i, 5);
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}

/*
 * m_fixhdr and m_defrag
 */

KTEST(mbuf_chain, fixhdr)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m;
	size_t s;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		m = mc_build(&mc_shapes[s], 1, &c);
		KT_ASSERT_NOT_NULL(m);
		m->m_pkthdr.len = 3;
		KT_EXPECT_EQ(m_fixhdr(m), c.len);
		KT_EXPECT_EQ(m->m_pkthdr.len, c.len);
		m_freem(m);
		mc_free_refs(&c);
	}
	mc_check_baseline(kt, &b);
}

KTEST(mbuf_chain, defrag)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *d;
	struct m_tag *t;
	size_t s;
	int n, next, want;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		m = mc_build(&mc_shapes[s], 1, &c);
		KT_ASSERT_NOT_NULL(m);
		t = m_tag_get(5, 16, M_WAITOK);
		memset(t + 1, 0x5a, 16);
		m_tag_prepend(m, t);
		d = m_defrag(m, M_WAITOK);
		KT_ASSERT_NOT_NULL(d);
		mc_expect_data(kt, d, 0, c.len);
		/* The shortest chain: one mbuf, or clusters (last maybe not). */
		want = c.len <= MHLEN ? 1 : howmany(c.len, MCLBYTES);
		n = mc_count(d, &next);
		KT_EXPECT_EQ(n, want);
		KT_EXPECT_EQ((uintptr_t)d->m_pkthdr.rcvif,
		    (uintptr_t)&mc_rcvif_dummy);
		t = m_tag_find(d, 5, NULL);
		KT_ASSERT_NOT_NULL(t);
		KT_EXPECT_EQ(((uint8_t *)(t + 1))[15], 0x5a);
		KT_EXPECT_EQ(mc_refs_intact(&mc_shapes[s], &c), 0);
		/* The original is gone: only d and the references remain. */
		m_freem(d);
		mc_free_refs(&c);
		/* Without a packet header: returned as it is. */
		m = mc_build(&mc_shapes[s], 0, &c);
		KT_ASSERT_NOT_NULL(m);
		KT_EXPECT_EQ((uintptr_t)m_defrag(m, M_NOWAIT), (uintptr_t)m);
		mc_expect_data(kt, m, 0, c.len);
		m_freem(m);
		mc_free_refs(&c);
	}
	mc_check_baseline(kt, &b);
}

KTEST(mbuf_chain, defrag_failure_leaves_original)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *d;
	int k, fails = 0;

	mc_baseline(&b);
	sched_bind(curthread, 0);
	for (k = 0; k < 8; k++) {
		m = mc_build(&mc_shapes[6], 1, &c);	/* 5030 bytes */
		KT_ASSERT_NOT_NULL(m);
		mt_exhaust();
		mt_allow(k);
		d = m_defrag(m, M_NOWAIT);
		mt_unexhaust();
		if (d == NULL) {
			fails++;
			mc_expect_data(kt, m, 0, c.len);
			m_freem(m);
		} else {
			mc_expect_data(kt, d, 0, c.len);
			m_freem(d);
		}
		mc_free_refs(&c);
		if (d != NULL)
			break;
	}
	/* Three packet-zone clusters: 2048 + 2048 + 934. */
	KT_EXPECT_EQ(fails, 3);
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}

/*
 * Packet tags
 */

static int mc_custom_frees;

static void
mc_custom_free(struct m_tag *t)
{
	mc_custom_frees++;
	m_tag_free_default(t);
}

KTEST(mbuf_chain, tags_api)
{
	struct mc_base b;
	struct mbuf *m;
	struct m_tag *t1, *t2, *t3, *t4, *t;

	mc_baseline(&b);
	m = m_gethdr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_NULL(m_tag_first(m));
	KT_EXPECT_NULL(m_tag_find(m, 1, NULL));
	KT_EXPECT_NULL(m_tag_alloc(0, 1, -1, M_NOWAIT));
	t1 = m_tag_alloc(77, 1, 10, M_WAITOK);
	t2 = m_tag_get(1, 0, M_WAITOK);
	t3 = m_tag_alloc(77, 2, 100, M_WAITOK);
	t4 = m_tag_alloc(77, 1 | MTAG_PERSISTENT, 4, M_WAITOK);
	KT_ASSERT_NOT_NULL(t1);
	KT_ASSERT_NOT_NULL(t2);
	KT_ASSERT_NOT_NULL(t3);
	KT_ASSERT_NOT_NULL(t4);
	KT_EXPECT_EQ(mc_tags(), b.tags + 4);
	KT_EXPECT_EQ(t1->m_tag_cookie, 77);
	KT_EXPECT_EQ(t1->m_tag_id, 1);
	KT_EXPECT_EQ(t1->m_tag_len, 10);
	KT_EXPECT_EQ(t2->m_tag_cookie, MTAG_ABI_COMPAT);
	KT_EXPECT_GE(malloc_usable_size(t3), sizeof(*t3) + 100);
	memset(t3 + 1, 0x77, 100);
	/* Prepend: newest first. */
	m_tag_prepend(m, t1);
	m_tag_prepend(m, t2);
	m_tag_prepend(m, t3);
	m_tag_prepend(m, t4);
	KT_EXPECT_EQ((uintptr_t)m_tag_first(m), (uintptr_t)t4);
	KT_EXPECT_EQ((uintptr_t)m_tag_next(m, t4), (uintptr_t)t3);
	KT_EXPECT_EQ((uintptr_t)m_tag_next(m, t2), (uintptr_t)t1);
	KT_EXPECT_NULL(m_tag_next(m, t1));
	/* Locate by cookie and type, resuming after a tag. */
	KT_EXPECT_EQ((uintptr_t)m_tag_locate(m, 77, 1, NULL), (uintptr_t)t1);
	KT_EXPECT_EQ((uintptr_t)m_tag_locate(m, 77, 2, NULL), (uintptr_t)t3);
	KT_EXPECT_NULL(m_tag_locate(m, 77, 2, t3));
	KT_EXPECT_NULL(m_tag_locate(m, 78, 1, NULL));
	KT_EXPECT_EQ((uintptr_t)m_tag_locate(m, 77, 1 | MTAG_PERSISTENT,
	    NULL), (uintptr_t)t4);
	/* m_tag_find: the cookie-less ones only. */
	KT_EXPECT_EQ((uintptr_t)m_tag_find(m, 1, NULL), (uintptr_t)t2);
	KT_EXPECT_NULL(m_tag_find(m, 1, t2));
	/* Unlink and delete. */
	m_tag_unlink(m, t3);
	KT_EXPECT_NULL(m_tag_locate(m, 77, 2, NULL));
	m_tag_prepend(m, t3);
	m_tag_delete(m, t3);
	KT_EXPECT_EQ(mc_tags(), b.tags + 3);
	KT_EXPECT_EQ((uintptr_t)m_tag_first(m), (uintptr_t)t4);
	/* Non-persistent ones go; the persistent one stays. */
	m_tag_delete_nonpersistent(m);
	KT_EXPECT_EQ((uintptr_t)m_tag_first(m), (uintptr_t)t4);
	KT_EXPECT_NULL(m_tag_next(m, t4));
	KT_EXPECT_EQ(mc_tags(), b.tags + 1);
	/* delete_chain from a tag: that tag and those after it. */
	t1 = m_tag_get(1, 0, M_WAITOK);
	t2 = m_tag_get(2, 0, M_WAITOK);
	m_tag_prepend(m, t1);
	m_tag_prepend(m, t2);		/* t2, t1, t4 */
	m_tag_delete_chain(m, t1);
	KT_EXPECT_EQ((uintptr_t)m_tag_first(m), (uintptr_t)t2);
	KT_EXPECT_NULL(m_tag_next(m, t2));
	KT_EXPECT_EQ(mc_tags(), b.tags + 1);
	m_tag_delete_chain(m, NULL);
	KT_EXPECT_NULL(m_tag_first(m));
	KT_EXPECT_EQ(mc_tags(), b.tags);
	/* A tag's own free method runs, also when the mbuf is freed. */
	t = m_tag_get(3, 0, M_WAITOK);
	t->m_tag_free = mc_custom_free;
	m_tag_prepend(m, t);
	mc_custom_frees = 0;
	m_freem(m);
	KT_EXPECT_EQ(mc_custom_frees, 1);
	mc_check_baseline(kt, &b);
}

/* Tags go with the header's mbuf, whatever zone it came from. */
KTEST(mbuf_chain, tags_freed_with_header)
{
	struct mc_base b;
	struct mbuf *m;
	size_t s;
	int i;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++) {
		struct mc_chain c;

		m = mc_build(&mc_shapes[s], 1, &c);
		KT_ASSERT_NOT_NULL(m);
		for (i = 0; i < 3; i++)
			m_tag_prepend(m, m_tag_get(i, 32, M_WAITOK));
		KT_EXPECT_EQ(mc_tags(), b.tags + 3);
		m_freem(m);
		mc_free_refs(&c);
		KT_EXPECT_EQ(mc_tags(), b.tags);
	}
	m = m_getjcl(M_WAITOK, MT_DATA, M_PKTHDR, MJUM16BYTES);
	KT_ASSERT_NOT_NULL(m);
	m_tag_prepend(m, m_tag_get(1, 8, M_WAITOK));
	m_free(m);
	KT_EXPECT_EQ(mc_tags(), b.tags);
	mc_check_baseline(kt, &b);
}

/*
 * Header moves and copies: m_move_pkthdr/M_MOVE_PKTHDR move the tags,
 * m_dup_pkthdr/M_DUP_PKTHDR/M_COPY_PKTHDR and m_copypacket copy them,
 * m_copym from inside the packet has no header, m_prepend and m_pullup
 * keep them with the header.
 */
KTEST(mbuf_chain, pkthdr_moves_and_tag_rules)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *to, *cp;
	struct m_tag *t, *u;

	mc_baseline(&b);
	m = mc_build(&mc_shapes[2], 1, &c);	/* header cluster + mbuf */
	KT_ASSERT_NOT_NULL(m);
	t = m_tag_alloc(5, 6, 4, M_WAITOK);
	memcpy(t + 1, "abc", 4);
	m_tag_prepend(m, t);

	/* m_copypacket and m_copym(0): the copy has its own tag copy. */
	cp = m_copypacket(m, M_WAITOK);
	KT_ASSERT_NOT_NULL(cp);
	u = m_tag_first(cp);
	KT_ASSERT_NOT_NULL(u);
	KT_EXPECT_NE((uintptr_t)u, (uintptr_t)t);
	KT_EXPECT_EQ(u->m_tag_id, 6);
	KT_EXPECT_EQ(memcmp(u + 1, "abc", 4), 0);
	KT_EXPECT_EQ(mc_tags(), b.tags + 2);
	mc_expect_data(kt, cp, 0, c.len);
	m_freem(cp);
	KT_EXPECT_EQ(mc_tags(), b.tags + 1);
	cp = m_copym(m, 10, 100, M_WAITOK);
	KT_ASSERT_NOT_NULL(cp);
	KT_EXPECT_EQ(cp->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(mc_tags(), b.tags + 1);
	m_freem(cp);

	/* m_dup_pkthdr and the macros. */
	to = m_gethdr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(to);
	m_tag_prepend(to, m_tag_get(99, 0, M_WAITOK));
	KT_EXPECT_EQ(m_dup_pkthdr(to, m, M_WAITOK), 1);
	KT_EXPECT_EQ(to->m_pkthdr.len, c.len);
	KT_EXPECT_EQ(to->m_pkthdr.csum_data, 0x1234);
	KT_EXPECT_EQ((uintptr_t)to->m_data, (uintptr_t)to->m_pktdat);
	KT_EXPECT_NULL(m_tag_find(to, 99, NULL));	/* replaced */
	u = m_tag_locate(to, 5, 6, NULL);
	KT_ASSERT_NOT_NULL(u);
	KT_EXPECT_NE((uintptr_t)u, (uintptr_t)t);
	KT_EXPECT_EQ((uintptr_t)m_tag_first(m), (uintptr_t)t);
	KT_EXPECT_EQ(mc_tags(), b.tags + 2);
	M_COPY_PKTHDR(to, m);
	KT_EXPECT_EQ(mc_tags(), b.tags + 2);
	KT_EXPECT_EQ(M_DUP_PKTHDR(to, m, M_NOWAIT), 1);
	KT_EXPECT_EQ(mc_tags(), b.tags + 2);
	m_free(to);
	KT_EXPECT_EQ(mc_tags(), b.tags + 1);

	/* M_MOVE_PKTHDR: the very tags move; from has none left. */
	to = m_get(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(to);
	M_MOVE_PKTHDR(to, m);
	KT_EXPECT_NE(to->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(m->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ((uintptr_t)m_tag_first(to), (uintptr_t)t);
	KT_EXPECT_EQ(to->m_pkthdr.len, c.len);
	to->m_next = m;
	m = to;
	KT_EXPECT_EQ(mc_tags(), b.tags + 1);

	/* M_PREPEND (no room) and m_pullup keep the tags on the header. */
	M_PREPEND(m, 20, M_WAITOK);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_EQ((uintptr_t)m_tag_first(m), (uintptr_t)t);
	m_adj(m, 20);
	m = m_pullup(m, 60);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_EQ((uintptr_t)m_tag_first(m), (uintptr_t)t);
	mc_expect_data(kt, m, 0, c.len);
	m_freem(m);
	mc_free_refs(&c);
	KT_EXPECT_EQ(mc_tags(), b.tags);
	mc_check_baseline(kt, &b);
}

/*
 * Tag copies that fail: with options MALLOC_MAKE_FAILURES (config
 * TEST_MALLOC_FAIL), debug.malloc.failure_type=mbuf_tag and rate 1 make
 * every M_NOWAIT tag allocation fail; elsewhere the case skips.
 */
static struct {
	int	rate;
	char	type[32];
} mc_fail_saved;

/* Save debug.malloc.failure_{rate,type}; ENOENT without the option. */
static int
mc_tag_failures_save(void)
{
	size_t len = sizeof(mc_fail_saved.rate);
	int error;

	error = kernel_sysctlbyname("debug.malloc.failure_rate",
	    &mc_fail_saved.rate, &len, NULL, 0);
	len = sizeof(mc_fail_saved.type);
	if (error == 0)
		error = kernel_sysctlbyname("debug.malloc.failure_type",
		    mc_fail_saved.type, &len, NULL, 0);
	return (error);
}

/* Fail one in rate M_NOWAIT tag allocations (rate 0: restore). */
static int
mc_tag_failures(int rate)
{
	const char *type = rate != 0 ? "mbuf_tag" : mc_fail_saved.type;
	int error;

	if (rate == 0)
		rate = mc_fail_saved.rate;
	error = kernel_sysctlbyname("debug.malloc.failure_type", NULL, NULL,
	    __DECONST(char *, type), strlen(type) + 1);
	if (error == 0)
		error = kernel_sysctlbyname("debug.malloc.failure_rate", NULL,
		    NULL, &rate, sizeof(rate));
	return (error);
}

KTEST(mbuf_chain, tag_copy_failures)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *to, *x;
	struct m_tag *t;
	int i, zeros;

	if (mc_tag_failures_save() != 0)
		KT_SKIP("needs options MALLOC_MAKE_FAILURES");
	mc_baseline(&b);
	m = mc_build(&mc_shapes[3], 1, &c);	/* 2320 bytes */
	KT_ASSERT_NOT_NULL(m);
	m_tag_prepend(m, m_tag_get(1, 8, M_WAITOK));
	m_tag_prepend(m, m_tag_get(2, 8, M_WAITOK));
	to = m_gethdr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(to);
	m_tag_prepend(to, m_tag_get(3, 0, M_WAITOK));
	if (mc_tag_failures(1) != 0) {
		(void)mc_tag_failures(0);
		KT_FAIL("cannot set debug.malloc.failure_*");
	}

	KT_EXPECT_NULL(m_tag_get(4, 4, M_NOWAIT));
	KT_EXPECT_NULL(m_tag_copy(m_tag_first(m), M_NOWAIT));
	/* to loses every tag, even its own; keeps the header. */
	KT_EXPECT_EQ(m_tag_copy_chain(to, m, M_NOWAIT), 0);
	KT_EXPECT_NULL(m_tag_first(to));
	m_tag_prepend(to, m_tag_get(3, 0, M_WAITOK));
	KT_EXPECT_EQ(m_dup_pkthdr(to, m, M_NOWAIT), 0);
	KT_EXPECT_NULL(m_tag_first(to));
	KT_EXPECT_NE(to->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(to->m_pkthdr.len, c.len);
	/* The copies that need the tags fail, leaving the original. */
	KT_EXPECT_NULL(m_copypacket(m, M_NOWAIT));
	KT_EXPECT_NULL(m_copym(m, 0, 100, M_NOWAIT));
	KT_EXPECT_NULL(m_dup(m, M_NOWAIT));
	KT_EXPECT_EQ((uintptr_t)m_defrag(m, M_NOWAIT), 0);
	/* One from inside the packet needs none. */
	x = m_copym(m, 10, 100, M_NOWAIT);
	KT_EXPECT_NOT_NULL(x);
	m_freem(x);
	/* M_WAITOK is never made to fail. */
	x = m_dup(m, M_WAITOK);
	KT_EXPECT_NOT_NULL(x);
	if (x != NULL)
		KT_EXPECT_NOT_NULL(m_tag_find(x, 2, NULL));
	m_freem(x);
	/*
	 * Every other tag allocation fails: some copy gets its first tag
	 * and fails on the second, and must not leave the first behind.
	 */
	KT_EXPECT_EQ(mc_tag_failures(2), 0);
	for (i = 0, zeros = 0; i < 4; i++) {
		if (m_tag_copy_chain(to, m, M_NOWAIT) != 0)
			continue;
		zeros++;
		KT_EXPECT_NULL(m_tag_first(to));
		KT_EXPECT_EQ(mc_tags(), b.tags + 2);
	}
	KT_EXPECT_EQ(zeros, 4);
	KT_EXPECT_EQ(mc_tag_failures(0), 0);

	mc_expect_data(kt, m, 0, c.len);
	t = m_tag_first(m);
	KT_ASSERT_NOT_NULL(t);
	KT_EXPECT_EQ(t->m_tag_id, 2);
	KT_EXPECT_NOT_NULL(m_tag_next(m, t));
	m_freem(to);
	m_freem(m);
	mc_free_refs(&c);
	mc_check_baseline(kt, &b);
}

/*
 * m_sanity and m_print
 */

KTEST(mbuf_chain, sanity_accepts_good_chains)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m;
	size_t s;
	int hdr;

	mc_baseline(&b);
	for (s = 0; s < MC_NSHAPES; s++)
		for (hdr = 0; hdr < 2; hdr++) {
			m = mc_build(&mc_shapes[s], hdr, &c);
			KT_ASSERT_NOT_NULL(m);
			KT_EXPECT_EQ(m_sanity(m, 0), 1);
			KT_EXPECT_EQ(m_sanity(m, 1), 1);
			m_print(m, 8);
			m_freem(m);
			mc_free_refs(&c);
		}
	m_print(NULL, -1);
	mc_check_baseline(kt, &b);
}

/* Repairs with sanitize set: the chain comes back sane. */
KTEST(mbuf_chain, sanity_sanitize_repairs)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *n, *stray;

	mc_baseline(&b);
	m = mc_build(&mc_shapes[1], 1, &c);
	KT_ASSERT_NOT_NULL(m);
	n = m->m_next;
	m->m_pkthdr.len = 7;
	KT_EXPECT_EQ(m_sanity(m, 1), 1);
	KT_EXPECT_EQ(m->m_pkthdr.len, c.len);
	stray = m_get(M_WAITOK, MT_DATA);
	n->m_nextpkt = stray;
	KT_EXPECT_EQ(m_sanity(m, 1), 1);
	KT_EXPECT_NULL(n->m_nextpkt);
	m_free(stray);
	/* A stray header in the chain (with a tag): removed. */
	stray = m_gethdr(M_WAITOK, MT_DATA);
	m_tag_prepend(stray, m_tag_get(1, 0, M_WAITOK));
	n->m_next = stray;
	m->m_pkthdr.len = c.len;
	KT_EXPECT_EQ(m_sanity(m, 1), 1);
	KT_EXPECT_EQ(stray->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(mc_tags(), b.tags);
	KT_EXPECT_EQ(m_sanity(m, 0), 1);
	m_freem(m);
	mc_check_baseline(kt, &b);
}

/* Without INVARIANTS, each fault found with sanitize 0 returns 0. */
KTEST(mbuf_chain, sanity_reports_faults)
{
	struct mc_base b;
	struct mc_chain c;
	struct mbuf *m, *n;
	caddr_t save;

	if (MC_INVARIANTS)
		KT_SKIP("under INVARIANTS a fault panics (death tests)");
	mc_baseline(&b);
	m = mc_build(&mc_shapes[2], 1, &c);
	KT_ASSERT_NOT_NULL(m);
	n = m->m_next;
	m->m_pkthdr.len++;
	KT_EXPECT_EQ(m_sanity(m, 0), 0);
	m->m_pkthdr.len--;
	n->m_nextpkt = n;
	KT_EXPECT_EQ(m_sanity(m, 0), 0);
	n->m_nextpkt = NULL;
	save = n->m_data;
	n->m_data = n->m_dat - 1;
	KT_EXPECT_EQ(m_sanity(m, 0), 0);
	n->m_data = n->m_dat + MLEN - 10;
	KT_EXPECT_EQ(m_sanity(m, 0), 0);	/* 50 bytes do not fit */
	n->m_data = save;
	m->m_len = MCLBYTES + 1;
	KT_EXPECT_EQ(m_sanity(m, 1), 0);	/* cannot be repaired */
	m->m_len = 1000;
	n->m_flags |= M_PKTHDR;
	KT_EXPECT_EQ(m_sanity(m, 0), 0);
	n->m_flags &= ~M_PKTHDR;
	KT_EXPECT_EQ(m_sanity(m, 0), 1);
	m_freem(m);
	mc_check_baseline(kt, &b);
}

KTEST_DEATH(mbuf_chain, sanity_panics_on_bad_length,
    "m_pkthdr.len != mbuf chain length")
{
	struct mbuf *m;

	if (!MC_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	m = m_gethdr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	m->m_len = 10;
	m->m_pkthdr.len = 11;
	(void)m_sanity(m, 0);
	KT_FAIL("m_sanity returned on a bad chain");
}

/*
 * Jumbo clusters
 */

static int
mc_sysctl_get(const char *name)
{
	int val = -1;
	size_t len = sizeof(val);

	if (kernel_sysctlbyname(name, &val, &len, NULL, 0) != 0)
		return (-1);
	return (val);
}

static int
mc_sysctl_set(const char *name, int val)
{
	return (kernel_sysctlbyname(name, NULL, NULL, &val, sizeof(val)));
}

KTEST(mbuf_chain, jumbo_zones_and_clusters)
{
	static const int sizes[] = { MCLBYTES, MJUMPAGESIZE, MJUM9BYTES,
	    MJUM16BYTES };
	static const int types[] = { EXT_PACKET, EXT_JUMBOP, EXT_JUMBO9,
	    EXT_JUMBO16 };
	static const char *names[] = { "mbuf_packet", "mbuf_jumbo_page",
	    "mbuf_jumbo_9k", "mbuf_jumbo_16k" };
	struct mc_base b;
	struct mbuf *m, *cp, *n;
	vm_paddr_t pa;
	size_t i;
	int flags, pg, contig, j;
	void *cl;

	mc_baseline(&b);
	KT_EXPECT_EQ((uintptr_t)uma_zone_find("mbuf_jumbo_page"),
	    (uintptr_t)zone_jumbop);
	KT_EXPECT_EQ((uintptr_t)uma_zone_find("mbuf_jumbo_9k"),
	    (uintptr_t)zone_jumbo9);
	KT_EXPECT_EQ((uintptr_t)uma_zone_find("mbuf_jumbo_16k"),
	    (uintptr_t)zone_jumbo16);
	KT_EXPECT_EQ(uma_zone_size(zone_jumbop), MJUMPAGESIZE);
	KT_EXPECT_EQ(uma_zone_size(zone_jumbo9), 9216);
	KT_EXPECT_EQ(uma_zone_size(zone_jumbo16), 16384);
	KT_EXPECT_EQ((uintptr_t)m_getzone(MCLBYTES), (uintptr_t)zone_clust);
	KT_EXPECT_NULL(m_getzone(3000));
	for (i = 0; i < nitems(sizes); i++) {
		for (flags = 0; flags <= M_PKTHDR; flags += M_PKTHDR) {
			m = m_getjcl(M_WAITOK, MT_DATA, flags, sizes[i]);
			KT_ASSERT_NOT_NULL(m);
			KT_EXPECT_EQ(m->m_flags, M_EXT | flags);
			KT_EXPECT_EQ(m->m_ext.ext_size, sizes[i]);
			KT_EXPECT_EQ(m->m_ext.ext_type, types[i]);
			KT_EXPECT_EQ(*m->m_ext.ref_cnt, 1);
			KT_EXPECT_EQ(M_TRAILINGSPACE(m), sizes[i]);
			KT_EXPECT_EQ(m->m_len, 0);
			if (i > 0)
				KT_EXPECT_STREQ(uma_item_zone_name(
				    m->m_ext.ext_buf), names[i]);
			/* Physically contiguous, page by page. */
			pa = pmap_kextract((vm_offset_t)m->m_ext.ext_buf);
			contig = 1;
			for (pg = 1; pg < howmany(sizes[i], PAGE_SIZE); pg++)
				contig &= pmap_kextract((vm_offset_t)
				    m->m_ext.ext_buf + ptoa(pg)) ==
				    pa + ptoa(pg);
			if (sizes[i] > PAGE_SIZE)
				KT_EXPECT(contig);
			/* All of it writable; shared by m_copym. */
			for (j = 0; j < sizes[i]; j++)
				mtod(m, uint8_t *)[j] = mc_pat(j);
			m->m_len = sizes[i];
			if (flags)
				m->m_pkthdr.len = sizes[i];
			cp = m_copym(m, 100, imin(5000, sizes[i] - 100),
			    M_WAITOK);
			KT_ASSERT_NOT_NULL(cp);
			KT_EXPECT_EQ(*m->m_ext.ref_cnt, 2);
			KT_EXPECT_EQ((uintptr_t)cp->m_ext.ext_buf,
			    (uintptr_t)m->m_ext.ext_buf);
			KT_EXPECT(!M_WRITABLE(cp));
			KT_EXPECT_EQ(mc_bad_bytes(cp, 0, imin(5000,
			    sizes[i] - 100), 100), 0);
			/* Free in either order. */
			if (flags) {
				m_freem(m);
				KT_EXPECT_EQ(*cp->m_ext.ref_cnt, 1);
				m_freem(cp);
			} else {
				m_freem(cp);
				KT_EXPECT_EQ(*m->m_ext.ref_cnt, 1);
				/* m_split shares it as well. */
				n = m_split(m, sizes[i] / 2, M_WAITOK);
				KT_ASSERT_NOT_NULL(n);
				KT_EXPECT_EQ(*m->m_ext.ref_cnt, 2);
				m_freem(m);
				m_freem(n);
			}
		}
	}
	/* m_cljget: onto an mbuf, or bare. */
	m = m_get(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	cl = m_cljget(m, M_WAITOK, MJUM9BYTES);
	KT_ASSERT_NOT_NULL(cl);
	KT_EXPECT_EQ((uintptr_t)m->m_ext.ext_buf, (uintptr_t)cl);
	KT_EXPECT_EQ(m->m_ext.ext_type, EXT_JUMBO9);
	KT_EXPECT_NULL(m_cljget(m, M_WAITOK, MJUM9BYTES));	/* has one */
	m_free(m);
	cl = m_cljget(NULL, M_WAITOK, MJUM16BYTES);
	KT_ASSERT_NOT_NULL(cl);
	KT_EXPECT_EQ(mc_used(zone_jumbo16), b.j16 + 1);
	uma_zfree(zone_jumbo16, cl);
	mc_check_baseline(kt, &b);
}

static const struct {
	const char	*name;
	uma_zone_t	*zone;
	int		size;
} mc_jumbo[] = {
	{ "kern.ipc.nmbjumbop", &zone_jumbop, MJUMPAGESIZE },
	{ "kern.ipc.nmbjumbo9", &zone_jumbo9, MJUM9BYTES },
	{ "kern.ipc.nmbjumbo16", &zone_jumbo16, MJUM16BYTES },
};

/*
 * Limits: FreeBSD's defaults, refusals (negative, below the clusters in
 * use) with nothing changed, M_NOWAIT refused and counted at the limit.
 */
KTEST(mbuf_chain, jumbo_limits)
{
	struct mbuf *held[16], *m;
	struct uma_zone_stat zs0, zs1;
	struct mc_base b;
	size_t i;
	int orig, nheld, j, eff;

	mc_baseline(&b);
	KT_EXPECT_EQ(mc_sysctl_get("kern.ipc.nmbjumbop"), nmbjumbop);
	KT_EXPECT_EQ(mc_sysctl_get("kern.ipc.nmbjumbo9"), nmbjumbo9);
	KT_EXPECT_EQ(mc_sysctl_get("kern.ipc.nmbjumbo16"), nmbjumbo16);
	/* The defaults halve down, rounded up to whole slabs. */
	KT_EXPECT_GE(nmbjumbop, nmbclusters / 2);
	KT_EXPECT_LT(nmbjumbop, nmbclusters / 2 + 16);
	KT_EXPECT_GE(nmbjumbo9, nmbjumbop / 2 - 16);
	KT_EXPECT_GE(nmbjumbo16, nmbjumbo9 / 2 - 16);
	KT_EXPECT_GT(nmbjumbo16, 0);
	sched_bind(curthread, 0);
	for (i = 0; i < nitems(mc_jumbo); i++) {
		orig = mc_sysctl_get(mc_jumbo[i].name);
		KT_EXPECT_GT(orig, 0);
		KT_EXPECT_EQ(uma_zone_get_max(*mc_jumbo[i].zone), orig);
		KT_EXPECT_EQ(mc_sysctl_set(mc_jumbo[i].name, -1), EINVAL);
		KT_EXPECT_EQ(mc_sysctl_get(mc_jumbo[i].name), orig);
		/* Hold 5; a limit of 4 is below what is in use. */
		for (nheld = 0; nheld < 5; nheld++) {
			held[nheld] = m_getjcl(M_WAITOK, MT_DATA, 0,
			    mc_jumbo[i].size);
			KT_ASSERT_NOT_NULL(held[nheld]);
		}
		if (uma_zone_get_cur(*mc_jumbo[i].zone) > 4) {
			KT_EXPECT_EQ(mc_sysctl_set(mc_jumbo[i].name, 4),
			    EINVAL);
			KT_EXPECT_EQ(mc_sysctl_get(mc_jumbo[i].name), orig);
		}
		/* At the limit: M_NOWAIT refused and counted. */
		uma_reclaim();		/* no cached cluster beyond the 5 */
		KT_EXPECT_EQ(uma_zone_get_cur(*mc_jumbo[i].zone), 5);
		KT_EXPECT_EQ(mc_sysctl_set(mc_jumbo[i].name,
		    uma_zone_get_cur(*mc_jumbo[i].zone)), 0);
		eff = mc_sysctl_get(mc_jumbo[i].name);
		KT_EXPECT_EQ(uma_zone_get_max(*mc_jumbo[i].zone), eff);
		uma_zone_stat(*mc_jumbo[i].zone, &zs0);
		for (j = 0; j < 16 && nheld < 16; j++) {
			m = m_getjcl(M_NOWAIT, MT_DATA, M_PKTHDR,
			    mc_jumbo[i].size);
			if (m == NULL)
				break;
			held[nheld++] = m;
		}
		KT_EXPECT_LT(j, 16);
		uma_zone_stat(*mc_jumbo[i].zone, &zs1);
		/* i * 100 names the zone in a failure. */
		KT_EXPECT_EQ(i * 100 + zs1.zs_fails - zs0.zs_fails, i * 100 + 1);
		KT_EXPECT_EQ(i * 100 + j, i * 100 + eff - 5);
		/* The mbuf of a refused request is not kept either. */
		while (nheld > 0)
			m_freem(held[--nheld]);
		KT_EXPECT_EQ(mc_sysctl_set(mc_jumbo[i].name, orig), 0);
		KT_EXPECT_EQ(mc_sysctl_get(mc_jumbo[i].name), orig);
		KT_EXPECT_EQ(mc_sysctl_set(mc_jumbo[i].name, 0), 0);
		KT_EXPECT_EQ(uma_zone_get_max(*mc_jumbo[i].zone), 0);
		KT_EXPECT_EQ(mc_sysctl_set(mc_jumbo[i].name, orig), 0);
	}
	sched_unbind(curthread);
	mc_check_baseline(kt, &b);
}
