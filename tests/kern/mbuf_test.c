/*
 * mbufs (mbuf(9)) on UMA, tested from the contract in sys/sys/mbuf.h,
 * mbuf(9) and issue 5: the three zones ("mbuf", "mbuf_cluster" with its
 * per-slab reference counts, and the secondary "mbuf_packet"), the header
 * fields each allocator sets, cluster sharing by m_copym, chain building
 * and editing (m_getm, m_copyback, M_PREPEND, m_pullup, m_adj), external
 * storage with a free routine (MEXTADD), kern.ipc.nmbclusters (M_NOWAIT
 * denied and counted, one warning a second, M_WAITOK woken by a free,
 * runtime changes accepted and refused), packet zone reclaim, the mbuf type
 * statistics, and a producer/consumer across CPUs.
 *
 * Every case takes a baseline of the three zones after draining every
 * cache (mt_baseline: one uma_reclaim, which also drains the clusters the
 * packet zone's zfini frees into the cluster zone's caches) and checks at
 * the end that the mbufs and clusters in use, and then each zone's
 * uma_zone_get_cur, are back to it.  "In use" counts as netstat -m does:
 * mbufs = mbuf zone + packet zone; clusters = cluster zone minus the
 * clusters of packets cached in the packet zone.  The death tests need
 * options INVARIANTS; without it they skip.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/mbuf.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/smp.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <vm/vm.h>
#include <vm/uma.h>

#ifdef INVARIANTS
#define	MT_INVARIANTS	1
#else
#define	MT_INVARIANTS	0
#endif

#define	MT_MAXITEMS	512
#define	MT_BUFSIZE	(8 * MCLBYTES)

static struct mbuf *mt_m[MT_MAXITEMS];
static uint8_t	mt_src[MT_BUFSIZE];
static uint8_t	mt_dst[MT_BUFSIZE];

static uint8_t
mt_pat(int i)
{
	return ((uint8_t)(i * 13 + 7 + (i >> 8)));
}

static void
mt_fill_src(void)
{
	int i;

	for (i = 0; i < MT_BUFSIZE; i++)
		mt_src[i] = mt_pat(i);
}

/* Bytes of p[0, n) that differ from the pattern starting at index first. */
static int
mt_count_bad(const uint8_t *p, int n, int first)
{
	int i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i] != mt_pat(first + i);
	return (bad);
}

/* Append n pattern bytes (from index first) at the end of m's data. */
static void
mt_put(struct mbuf *m, int n, int first)
{
	uint8_t *p = mtod(m, uint8_t *) + m->m_len;
	int i;

	for (i = 0; i < n; i++)
		p[i] = mt_pat(first + i);
	m->m_len += n;
}

/*
 * Zone counters
 */

static struct uma_zone_stat
mt_stat(uma_zone_t zone)
{
	struct uma_zone_stat zs;

	memset(&zs, 0, sizeof(zs));
	uma_zone_stat(zone, &zs);
	return (zs);
}

/* Allocations minus frees, unclamped. */
static int64_t
mt_used(uma_zone_t zone)
{
	struct uma_zone_stat zs = mt_stat(zone);

	return ((int64_t)zs.zs_allocs - (int64_t)zs.zs_frees);
}

static int64_t
mt_mbufs(void)
{
	return (mt_used(zone_mbuf) + mt_used(zone_pack));
}

static int64_t
mt_clusters(void)
{
	return (mt_used(zone_clust) - (int64_t)mt_stat(zone_pack).zs_cached);
}

/* Empty every cache: one uma_reclaim() leaves nothing behind. */
static void
mt_settle(void)
{
	uma_reclaim();
}

struct mt_base {
	int	cur_mbuf, cur_clust, cur_pack;
	int64_t	mbufs, clusters;
	u_long	types[MT_NTYPES];
};

static void
mt_baseline(struct mt_base *b)
{
	struct mbstat mbs;
	int i;

	mt_settle();
	b->cur_mbuf = uma_zone_get_cur(zone_mbuf);
	b->cur_clust = uma_zone_get_cur(zone_clust);
	b->cur_pack = uma_zone_get_cur(zone_pack);
	b->mbufs = mt_mbufs();
	b->clusters = mt_clusters();
	mbstat_get(&mbs);
	for (i = 0; i < MT_NTYPES; i++)
		b->types[i] = mbs.m_mbtypes[i];
}

/* Everything back: in use, the type counts, then each zone drained. */
static void
mt_check_baseline(struct ktest_ctx *kt, const struct mt_base *b)
{
	struct mbstat mbs;
	int i;

	KT_EXPECT_EQ(mt_mbufs(), b->mbufs);
	KT_EXPECT_EQ(mt_clusters(), b->clusters);
	mbstat_get(&mbs);
	for (i = 0; i < MT_NTYPES; i++)
		KT_EXPECT_EQ(mbs.m_mbtypes[i], b->types[i]);
	mt_settle();
	KT_EXPECT_EQ(uma_zone_get_cur(zone_mbuf), b->cur_mbuf);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_pack), b->cur_pack);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_clust), b->cur_clust);
	KT_EXPECT_EQ(mt_stat(zone_pack).zs_cached, 0);
}

/* Count a chain's mbufs, clusters (M_EXT) and packet headers. */
static int
mt_chain(struct mbuf *m, int *next, int *npkthdr, int *space)
{
	int n = 0;

	if (next != NULL)
		*next = 0;
	if (npkthdr != NULL)
		*npkthdr = 0;
	if (space != NULL)
		*space = 0;
	for (; m != NULL; m = m->m_next) {
		n++;
		if (next != NULL && (m->m_flags & M_EXT) != 0)
			(*next)++;
		if (npkthdr != NULL && (m->m_flags & M_PKTHDR) != 0)
			(*npkthdr)++;
		if (space != NULL)
			*space += M_TRAILINGSPACE(m);
	}
	return (n);
}

static int
mt_sum_len(struct mbuf *m)
{
	int len = 0;

	for (; m != NULL; m = m->m_next)
		len += m->m_len;
	return (len);
}

static struct mbuf *
mt_last(struct mbuf *m)
{
	while (m != NULL && m->m_next != NULL)
		m = m->m_next;
	return (m);
}

/*
 * kern.ipc.nmbclusters through sysctl, as an int.
 */
static int
mt_nmb_get(void)
{
	int val = -1;
	size_t len = sizeof(val);

	if (kernel_sysctlbyname("kern.ipc.nmbclusters", &val, &len, NULL,
	    0) != 0 || len != sizeof(val))
		return (-1);
	return (val);
}

static int
mt_nmb_set(int val)
{
	return (kernel_sysctlbyname("kern.ipc.nmbclusters", NULL, NULL, &val,
	    sizeof(val)));
}

static int
mt_ipers(void)
{
	return (mt_stat(zone_clust).zs_ipers);
}

/*
 * The cases that change kern.ipc.nmbclusters run their body through this:
 * whatever assertion ends the body early, the original limit comes back
 * (a failure to restore it is a failure of the case) and the thread is
 * unbound.
 */
static void
mt_with_limit(struct ktest_ctx *kt,
    void (*body)(struct ktest_ctx *, int, int), int arg)
{
	int orig;

	orig = mt_nmb_get();
	KT_ASSERT_GT(orig, 0);
	body(kt, orig, arg);
	sched_unbind(curthread);
	if (mt_nmb_get() != orig) {
		KT_EXPECT_EQ(mt_nmb_set(orig), 0);
		KT_FAIL("kern.ipc.nmbclusters left at %d, restored to %d",
		    nmbclusters, orig);
	}
}

/*
 * The zones: names, sizes, the packet zone on the mbuf keg, the cluster
 * keg with reference counts, and the constants of mbuf.h.
 */
KTEST(mbuf, zones_and_constants)
{
	struct uma_zone_stat zs;
	struct mbuf *m;

	KT_ASSERT_NOT_NULL(zone_mbuf);
	KT_ASSERT_NOT_NULL(zone_clust);
	KT_ASSERT_NOT_NULL(zone_pack);
	KT_EXPECT_STREQ(uma_zone_name(zone_mbuf), "mbuf");
	KT_EXPECT_STREQ(uma_zone_name(zone_clust), "mbuf_cluster");
	KT_EXPECT_STREQ(uma_zone_name(zone_pack), "mbuf_packet");
	KT_EXPECT_EQ((uintptr_t)uma_zone_find("mbuf"), (uintptr_t)zone_mbuf);
	KT_EXPECT_EQ((uintptr_t)uma_zone_find("mbuf_cluster"),
	    (uintptr_t)zone_clust);
	KT_EXPECT_EQ((uintptr_t)uma_zone_find("mbuf_packet"),
	    (uintptr_t)zone_pack);
	KT_EXPECT_EQ(uma_zone_size(zone_mbuf), MSIZE);
	KT_EXPECT_EQ(uma_zone_size(zone_clust), MCLBYTES);
	KT_EXPECT_EQ(uma_zone_size(zone_pack), MSIZE);
	/* Two kegs: the packet zone is a secondary zone on the mbuf keg. */
	m = m_gethdr(M_WAITOK, MT_DATA);	/* from the packet zone's keg */
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_STREQ(uma_item_zone_name(m), "mbuf");
	m_free(m);
	m = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);	/* the packet zone */
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_STREQ(uma_item_zone_name(m), "mbuf");
	KT_EXPECT_STREQ(uma_item_zone_name(m->m_ext.ext_buf), "mbuf_cluster");
	m_freem(m);
	zs = mt_stat(zone_pack);
	KT_EXPECT_EQ(zs.zs_secondary, 1);
	KT_EXPECT_EQ(mt_stat(zone_mbuf).zs_secondary, 0);
	KT_EXPECT_NE(uma_zone_flags(zone_clust) & UMA_ZONE_REFCNT, 0);

	KT_EXPECT_EQ(MSIZE, 256);
	KT_EXPECT_EQ(MCLBYTES, 2048);
	KT_EXPECT_EQ(sizeof(struct mbuf), MSIZE);
	KT_EXPECT_EQ(MLEN, MSIZE - (int)sizeof(struct m_hdr));
	KT_EXPECT_EQ(MHLEN, MLEN - (int)sizeof(struct pkthdr));
	KT_EXPECT_EQ(MINCLSIZE, MHLEN + 1);
	KT_EXPECT_EQ(__offsetof(struct mbuf, m_dat) + MLEN, MSIZE);
	KT_EXPECT_EQ(__offsetof(struct mbuf, m_pktdat) + MHLEN, MSIZE);
	KT_EXPECT_EQ(M_COPYALL, 1000000000);
}

/*
 * m_get and m_gethdr set every header field, even on an mbuf that was
 * dirtied and freed just before (the same CPU gets it back).
 */
KTEST(mbuf, get_gethdr_fields)
{
	static const short types[] = { MT_DATA, MT_HEADER, MT_SONAME,
	    MT_CONTROL, MT_OOBDATA };
	struct mt_base b;
	struct mbuf *m;
	size_t i;
	int hdr;

	mt_baseline(&b);
	sched_bind(curthread, 0);
	for (i = 0; i < nitems(types); i++) {
		for (hdr = 0; hdr < 2; hdr++) {
			/* Dirty one, free it, and take one again. */
			m = hdr ? m_gethdr(M_WAITOK, types[i]) :
			    m_get(M_WAITOK, types[i]);
			KT_ASSERT_NOT_NULL(m);
			m->m_next = (struct mbuf *)(uintptr_t)0x1234;
			m->m_nextpkt = (struct mbuf *)(uintptr_t)0x5678;
			m->m_len = 77;
			m->m_data += 16;
			m->m_flags |= M_EOR | M_PROTO1;
			if (hdr) {
				m->m_pkthdr.len = 99;
				m->m_pkthdr.rcvif = (void *)(uintptr_t)0x9;
				m->m_pkthdr.csum_flags = 3;
				m->m_pkthdr.csum_data = 4;
			}
			/* The data area (a header's tag list stays valid). */
			if (hdr)
				memset(m->m_pktdat + 16, 0xa5, MHLEN - 16);
			else
				memset(m->m_dat + 16, 0xa5, MLEN - 16);
			m->m_next = m->m_nextpkt = NULL;
			m->m_flags &= ~(M_EOR | M_PROTO1);
			m_free(m);

			m = hdr ? m_gethdr(M_NOWAIT, types[i]) :
			    m_get(M_NOWAIT, types[i]);
			KT_ASSERT_NOT_NULL(m);
			KT_EXPECT_NULL(m->m_next);
			KT_EXPECT_NULL(m->m_nextpkt);
			KT_EXPECT_EQ(m->m_len, 0);
			KT_EXPECT_EQ(m->m_type, types[i]);
			KT_EXPECT_EQ(m->m_flags, hdr ? M_PKTHDR : 0);
			KT_EXPECT_EQ(M_LEADINGSPACE(m), 0);
			KT_EXPECT(M_WRITABLE(m));
			if (hdr) {
				KT_EXPECT_EQ((uintptr_t)m->m_data,
				    (uintptr_t)m->m_pktdat);
				KT_EXPECT_EQ(M_TRAILINGSPACE(m), MHLEN);
				KT_EXPECT_EQ(m->m_pkthdr.len, 0);
				KT_EXPECT_NULL(m->m_pkthdr.rcvif);
				KT_EXPECT_EQ(m->m_pkthdr.csum_flags, 0);
				KT_EXPECT_EQ(m->m_pkthdr.csum_data, 0);
			} else {
				KT_EXPECT_EQ((uintptr_t)m->m_data,
				    (uintptr_t)m->m_dat);
				KT_EXPECT_EQ(M_TRAILINGSPACE(m), MLEN);
			}
			/* FreeBSD's keg alignment: an mbuf is MSIZE-aligned. */
			KT_EXPECT_EQ((uintptr_t)m & (MSIZE - 1), 0);
			m_free(m);
		}
	}
	/* MGET/MGETHDR are the same calls. */
	MGET(m, M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_EQ(m->m_flags, 0);
	KT_EXPECT_EQ(M_TRAILINGSPACE(m), MLEN);
	m_free(m);
	MGETHDR(m, M_WAITOK, MT_HEADER);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_EQ(m->m_flags, M_PKTHDR);
	KT_EXPECT_EQ(m->m_type, MT_HEADER);
	KT_EXPECT_EQ(M_TRAILINGSPACE(m), MHLEN);
	m_free(m);
	/* m_getclr: MLEN zero bytes, even after a dirty free. */
	m = m_get(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	memset(m->m_dat, 0x5a, MLEN);
	m_free(m);
	m = m_getclr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	memset(mt_dst, 0, MLEN);
	KT_EXPECT_EQ(memcmp(mtod(m, void *), mt_dst, MLEN), 0);
	KT_EXPECT_EQ(m->m_len, 0);
	KT_EXPECT_EQ(m->m_flags, 0);
	m_free(m);
	sched_unbind(curthread);
	mt_check_baseline(kt, &b);
}

/*
 * m_getcl: one allocation from the packet zone (none from the mbuf zone)
 * giving an mbuf with a cluster of count 1, header set as asked.
 */
KTEST(mbuf, getcl_one_packet_zone_allocation)
{
	struct uma_zone_stat zm0, zp0, zm1, zp1;
	struct mt_base b;
	struct mbuf *m;
	int flags;

	mt_baseline(&b);
	sched_bind(curthread, 0);
	for (flags = 0; flags <= M_PKTHDR; flags += M_PKTHDR) {
		zm0 = mt_stat(zone_mbuf);
		zp0 = mt_stat(zone_pack);
		m = m_getcl(M_WAITOK, MT_DATA, flags);
		zm1 = mt_stat(zone_mbuf);
		zp1 = mt_stat(zone_pack);
		KT_ASSERT_NOT_NULL(m);
		KT_EXPECT_EQ(zp1.zs_allocs - zp0.zs_allocs, 1);
		KT_EXPECT_EQ(zm1.zs_allocs - zm0.zs_allocs, 0);
		KT_EXPECT_EQ(m->m_flags, M_EXT | flags);
		KT_EXPECT_EQ(m->m_type, MT_DATA);
		KT_EXPECT_NULL(m->m_next);
		KT_EXPECT_NULL(m->m_nextpkt);
		KT_EXPECT_EQ(m->m_len, 0);
		KT_ASSERT_NOT_NULL(m->m_ext.ext_buf);
		KT_EXPECT_EQ(m->m_ext.ext_size, MCLBYTES);
		KT_EXPECT_EQ(m->m_ext.ext_type, EXT_PACKET);
		KT_EXPECT_NULL(m->m_ext.ext_free);
		KT_EXPECT_NULL(m->m_ext.ext_args);
		KT_EXPECT_EQ((uintptr_t)m->m_data, (uintptr_t)m->m_ext.ext_buf);
		KT_ASSERT_NOT_NULL(m->m_ext.ref_cnt);
		KT_EXPECT_EQ(*m->m_ext.ref_cnt, 1);
		KT_EXPECT_EQ((uintptr_t)m->m_ext.ref_cnt,
		    (uintptr_t)uma_find_refcnt(zone_clust, m->m_ext.ext_buf));
		KT_EXPECT(M_WRITABLE(m));
		KT_EXPECT_EQ(M_TRAILINGSPACE(m), MCLBYTES);
		KT_EXPECT_EQ(M_LEADINGSPACE(m), 0);
		if (flags != 0)
			KT_EXPECT_EQ(m->m_pkthdr.len, 0);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 1);
		KT_EXPECT_EQ(mt_clusters(), b.clusters + 1);
		/* The whole cluster is writable. */
		memset(mtod(m, void *), 0x3c, MCLBYTES);
		m->m_len = MCLBYTES;
		m_freem(m);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs);
		KT_EXPECT_EQ(mt_clusters(), b.clusters);
	}
	sched_unbind(curthread);
	mt_check_baseline(kt, &b);
}

/* m_clget/MCLGET attach a cluster of the cluster zone to an mbuf. */
KTEST(mbuf, clget_attaches_cluster)
{
	struct uma_zone_stat zc0, zc1;
	struct mt_base b;
	struct mbuf *m;
	int hdr;

	mt_baseline(&b);
	sched_bind(curthread, 0);
	for (hdr = 0; hdr < 2; hdr++) {
		m = hdr ? m_gethdr(M_WAITOK, MT_DATA) : m_get(M_WAITOK, MT_DATA);
		KT_ASSERT_NOT_NULL(m);
		zc0 = mt_stat(zone_clust);
		if (hdr)
			MCLGET(m, M_WAITOK);
		else
			m_clget(m, M_NOWAIT);
		zc1 = mt_stat(zone_clust);
		KT_ASSERT_NE(m->m_flags & M_EXT, 0);
		KT_EXPECT_EQ(zc1.zs_allocs - zc0.zs_allocs, 1);
		KT_EXPECT_EQ(m->m_flags, M_EXT | (hdr ? M_PKTHDR : 0));
		KT_EXPECT_EQ(m->m_ext.ext_type, EXT_CLUSTER);
		KT_EXPECT_EQ(m->m_ext.ext_size, MCLBYTES);
		KT_EXPECT_NULL(m->m_ext.ext_free);
		KT_EXPECT_EQ((uintptr_t)m->m_data, (uintptr_t)m->m_ext.ext_buf);
		KT_ASSERT_NOT_NULL(m->m_ext.ref_cnt);
		KT_EXPECT_EQ(*m->m_ext.ref_cnt, 1);
		KT_EXPECT_EQ((uintptr_t)m->m_ext.ref_cnt,
		    (uintptr_t)uma_find_refcnt(zone_clust, m->m_ext.ext_buf));
		KT_EXPECT_STREQ(uma_item_zone_name(m->m_ext.ext_buf),
		    "mbuf_cluster");
		KT_EXPECT_EQ(M_TRAILINGSPACE(m), MCLBYTES);
		KT_EXPECT_EQ(M_LEADINGSPACE(m), 0);
		if (hdr)
			KT_EXPECT_EQ(m->m_pkthdr.len, 0);
		KT_EXPECT_EQ(mt_clusters(), b.clusters + 1);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 1);
		memset(mtod(m, void *), 0xc3, MCLBYTES);
		/* A second MCLGET leaves the first cluster in place. */
		zc0 = mt_stat(zone_clust);
		{
			caddr_t buf = m->m_ext.ext_buf;

			MCLGET(m, M_NOWAIT);
			KT_EXPECT_EQ((uintptr_t)m->m_ext.ext_buf,
			    (uintptr_t)buf);
		}
		KT_EXPECT_EQ(mt_stat(zone_clust).zs_allocs, zc0.zs_allocs);
		m_freem(m);
		KT_EXPECT_EQ(mt_clusters(), b.clusters);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs);
	}
	sched_unbind(curthread);
	mt_check_baseline(kt, &b);
}

/* m_free returns the next mbuf; m_freem(NULL) does nothing. */
KTEST(mbuf, free_returns_next_freem_null)
{
	struct mt_base b;
	struct mbuf *m1, *m2, *m3;

	mt_baseline(&b);
	m1 = m_gethdr(M_WAITOK, MT_DATA);
	m2 = m_get(M_WAITOK, MT_DATA);
	m3 = m_getcl(M_WAITOK, MT_DATA, 0);
	KT_ASSERT_NOT_NULL(m1);
	KT_ASSERT_NOT_NULL(m2);
	KT_ASSERT_NOT_NULL(m3);
	m1->m_next = m2;
	m2->m_next = m3;
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 3);
	KT_EXPECT_EQ((uintptr_t)m_free(m1), (uintptr_t)m2);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 2);
	KT_EXPECT_EQ((uintptr_t)m_free(m2), (uintptr_t)m3);
	KT_EXPECT_EQ((uintptr_t)m_free(m3), 0);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs);
	KT_EXPECT_EQ(mt_clusters(), b.clusters);
	MFREE(m_get(M_WAITOK, MT_DATA), m1);
	KT_EXPECT_NULL(m1);
	m_freem(NULL);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs);
	mt_check_baseline(kt, &b);
}

/*
 * m_copym shares a cluster: count 2, the same bytes seen through both,
 * the cluster outlives the original and goes when the copy goes.  Both
 * for a packet-zone cluster and for an MCLGET one, freeing in either
 * order; and three references.
 */
KTEST(mbuf, copym_shares_cluster)
{
	struct mt_base b;
	struct mbuf *m, *n, *n2;
	volatile u_int *rc;
	int pass;

	mt_baseline(&b);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			m = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
		else {
			m = m_gethdr(M_WAITOK, MT_DATA);
			KT_ASSERT_NOT_NULL(m);
			MCLGET(m, M_WAITOK);
		}
		KT_ASSERT_NOT_NULL(m);
		KT_ASSERT_NE(m->m_flags & M_EXT, 0);
		mt_put(m, 1000, 0);
		m->m_pkthdr.len = 1000;
		rc = m->m_ext.ref_cnt;
		n = m_copym(m, 0, M_COPYALL, M_WAITOK);
		KT_ASSERT_NOT_NULL(n);
		KT_EXPECT_NE((uintptr_t)n, (uintptr_t)m);
		KT_EXPECT_NE(n->m_flags & M_EXT, 0);
		KT_EXPECT_NE(n->m_flags & M_PKTHDR, 0);
		KT_EXPECT_EQ(n->m_pkthdr.len, 1000);
		KT_EXPECT_EQ(n->m_len, 1000);
		KT_EXPECT_NULL(n->m_next);
		KT_EXPECT_EQ((uintptr_t)n->m_ext.ext_buf,
		    (uintptr_t)m->m_ext.ext_buf);
		KT_EXPECT_EQ((uintptr_t)n->m_ext.ref_cnt, (uintptr_t)rc);
		KT_EXPECT_EQ(n->m_ext.ext_size, MCLBYTES);
		KT_EXPECT_EQ((uintptr_t)mtod(n, caddr_t),
		    (uintptr_t)mtod(m, caddr_t));
		KT_EXPECT_EQ(*rc, 2);
		/* Shared: neither may write. */
		KT_EXPECT(!M_WRITABLE(m));
		KT_EXPECT(!M_WRITABLE(n));
		KT_EXPECT_EQ(M_TRAILINGSPACE(m), 0);
		KT_EXPECT_EQ(M_TRAILINGSPACE(n), 0);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 2);
		KT_EXPECT_EQ(mt_clusters(), b.clusters + 1);
		/* The same memory. */
		mtod(m, uint8_t *)[5] = 0x77;
		KT_EXPECT_EQ(mtod(n, uint8_t *)[5], 0x77);
		mtod(m, uint8_t *)[5] = mt_pat(5);

		/* A third reference. */
		n2 = m_copypacket(n, M_WAITOK);
		KT_ASSERT_NOT_NULL(n2);
		KT_EXPECT_EQ(*rc, 3);
		KT_EXPECT_EQ(n2->m_pkthdr.len, 1000);
		m_freem(n2);
		KT_EXPECT_EQ(*rc, 2);

		if (pass == 0) {
			/* The original first: the cluster stays with n. */
			m_freem(m);
			KT_EXPECT_EQ(*rc, 1);
			KT_EXPECT(M_WRITABLE(n));
			KT_EXPECT_EQ(mt_count_bad(mtod(n, uint8_t *), 1000, 0),
			    0);
			KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 1);
			KT_EXPECT_EQ(mt_clusters(), b.clusters + 1);
			m_freem(n);
		} else {
			/* The copy first: the cluster stays with m. */
			m_freem(n);
			KT_EXPECT_EQ(*rc, 1);
			KT_EXPECT(M_WRITABLE(m));
			KT_EXPECT_EQ(mt_count_bad(mtod(m, uint8_t *), 1000, 0),
			    0);
			KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 1);
			KT_EXPECT_EQ(mt_clusters(), b.clusters + 1);
			m_freem(m);
		}
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs);
		KT_EXPECT_EQ(mt_clusters(), b.clusters);
	}
	mt_check_baseline(kt, &b);
}

/*
 * m_copym of a mixed chain (plain mbufs, an MCLGET cluster, a packet
 * cluster) with offsets and lengths: the bytes match, clusters are
 * shared (counts go up by one and come back), plain data is copied, and
 * only a copy from offset 0 carries the packet header.
 */
KTEST(mbuf, copym_chain_offsets)
{
	static const struct {
		int	off, len;
	} c[] = {
		{ 0, M_COPYALL }, { 0, 2550 }, { 0, 1 }, { 50, 100 },
		{ 120, 500 }, { 1000, 1200 }, { 2549, 1 }, { 300, M_COPYALL },
		{ 99, 2 }, { 249, 1502 },
	};
	struct mt_base b;
	struct mbuf *m, *m2, *m3, *m4, *n, *x;
	int i, total, nm, next, nhdr, shared, bad;

	mt_baseline(&b);
	m = m_gethdr(M_WAITOK, MT_DATA);
	m2 = m_get(M_WAITOK, MT_DATA);
	m3 = m_get(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	KT_ASSERT_NOT_NULL(m2);
	KT_ASSERT_NOT_NULL(m3);
	MCLGET(m3, M_WAITOK);
	KT_ASSERT_NE(m3->m_flags & M_EXT, 0);
	m4 = m_getcl(M_WAITOK, MT_DATA, 0);
	KT_ASSERT_NOT_NULL(m4);
	mt_put(m, 100, 0);
	mt_put(m2, 150, 100);
	mt_put(m3, 1500, 250);
	mt_put(m4, 800, 1750);
	m->m_next = m2;
	m2->m_next = m3;
	m3->m_next = m4;
	m->m_pkthdr.len = 2550;
	KT_EXPECT_EQ(m_length(m, NULL), 2550);

	for (i = 0; i < (int)nitems(c); i++) {
		total = c[i].len == M_COPYALL ? 2550 - c[i].off : c[i].len;
		n = m_copym(m, c[i].off, c[i].len, M_WAITOK);
		KT_ASSERT_NOT_NULL(n);
		KT_EXPECT_EQ(m_length(n, NULL), total);
		memset(mt_dst, 0, total);
		m_copydata(n, 0, total, (caddr_t)mt_dst);
		bad = mt_count_bad(mt_dst, total, c[i].off);
		if (bad != 0)
			KT_FAIL("copy %d (off %d len %d): %d bytes differ", i,
			    c[i].off, c[i].len, bad);
		/* m_copydata of the source agrees, at the same offset. */
		m_copydata(m, c[i].off, total, (caddr_t)mt_dst);
		KT_EXPECT_EQ(mt_count_bad(mt_dst, total, c[i].off), 0);
		nm = mt_chain(n, &next, &nhdr, NULL);
		KT_EXPECT_EQ(nhdr, c[i].off == 0 ? 1 : 0);
		KT_EXPECT_EQ((n->m_flags & M_PKTHDR) != 0, c[i].off == 0);
		if (c[i].off == 0)
			KT_EXPECT_EQ(n->m_pkthdr.len, total);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 4 + nm);
		/* No cluster was copied, and each shared one counts 2. */
		KT_EXPECT_EQ(mt_clusters(), b.clusters + 2);
		shared = 0;
		for (x = n; x != NULL; x = x->m_next) {
			if ((x->m_flags & M_EXT) == 0)
				continue;
			shared++;
			KT_EXPECT_EQ(*x->m_ext.ref_cnt, 2);
			KT_EXPECT(x->m_ext.ext_buf == m3->m_ext.ext_buf ||
			    x->m_ext.ext_buf == m4->m_ext.ext_buf);
		}
		KT_EXPECT_EQ(shared, next);
		KT_EXPECT_EQ(*m3->m_ext.ref_cnt, 1 + (c[i].off +
		    total > 250 && c[i].off < 1750));
		KT_EXPECT_EQ(*m4->m_ext.ref_cnt, 1 + (c[i].off + total > 1750));
		m_freem(n);
		KT_EXPECT_EQ(*m3->m_ext.ref_cnt, 1);
		KT_EXPECT_EQ(*m4->m_ext.ref_cnt, 1);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 4);
	}
	/* The source is intact. */
	m_copydata(m, 0, 2550, (caddr_t)mt_dst);
	KT_EXPECT_EQ(mt_count_bad(mt_dst, 2550, 0), 0);
	m_freem(m);
	mt_check_baseline(kt, &b);
}

/*
 * m_getm: a chain for a size, with room (trailing space) for at least
 * that many bytes, clusters for large sizes, no packet header unless the
 * caller gave one.  Filled through the trailing space it holds exactly
 * len bytes; m_length and its last mbuf agree with the chain.
 */
KTEST(mbuf, getm_chain_capacity)
{
	static const int sizes[] = { 1, MHLEN - 1, MHLEN, MHLEN + 1, MLEN - 1,
	    MLEN, MLEN + 1, MCLBYTES - 1, MCLBYTES, MCLBYTES + 1,
	    2 * MCLBYTES + MLEN, 5 * MCLBYTES };
	struct mt_base b;
	struct mbuf *m, *x, *last, *r;
	int i, len, nm, next, nhdr, space, left, n, off, bad;

	mt_baseline(&b);
	for (i = 0; i < (int)nitems(sizes); i++) {
		len = sizes[i];
		m = m_getm(NULL, len, M_WAITOK, MT_DATA);
		KT_ASSERT_NOT_NULL(m);
		nm = mt_chain(m, &next, &nhdr, &space);
		if (space < len)
			KT_FAIL("m_getm(%d): room for %d bytes only", len,
			    space);
		KT_EXPECT_EQ(nhdr, 0);
		KT_EXPECT_LE(nm, howmany(len, MLEN));
		if (len >= MCLBYTES) {
			KT_EXPECT_GE(next, 1);
			KT_EXPECT_LE(nm, howmany(len, MCLBYTES) + 1);
		}
		for (x = m; x != NULL; x = x->m_next) {
			KT_EXPECT_EQ(x->m_len, 0);
			KT_EXPECT_EQ(x->m_type, MT_DATA);
			KT_EXPECT_NULL(x->m_nextpkt);
			if ((x->m_flags & M_EXT) != 0)
				KT_EXPECT_EQ(*x->m_ext.ref_cnt, 1);
		}
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs + nm);
		KT_EXPECT_EQ(mt_clusters(), b.clusters + next);
		/* Fill it the way a driver does. */
		left = len;
		off = 0;
		for (x = m; x != NULL && left > 0; x = x->m_next) {
			n = imin(left, M_TRAILINGSPACE(x));
			mt_put(x, n, off);
			off += n;
			left -= n;
		}
		KT_EXPECT_EQ(left, 0);
		last = NULL;
		KT_EXPECT_EQ(m_length(m, &last), len);
		KT_EXPECT_EQ((uintptr_t)last, (uintptr_t)mt_last(m));
		KT_EXPECT_EQ(mt_sum_len(m), len);
		KT_EXPECT_EQ(mt_chain(m, NULL, NULL, NULL), nm);
		m_copydata(m, 0, len, (caddr_t)mt_dst);
		bad = mt_count_bad(mt_dst, len, 0);
		if (bad != 0)
			KT_FAIL("m_getm(%d): %d bytes differ", len, bad);
		m_freem(m);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs);
		KT_EXPECT_EQ(mt_clusters(), b.clusters);
	}

	/* Appending to a chain keeps its head, header and data. */
	m = m_gethdr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	mt_put(m, 100, 0);
	m->m_pkthdr.len = 100;
	r = m_getm(m, 3000, M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(r);
	KT_ASSERT_NOT_NULL(m->m_next);
	nm = mt_chain(m, &next, &nhdr, &space);
	KT_EXPECT_GE(space, 3000);
	KT_EXPECT_EQ(nhdr, 1);
	KT_EXPECT_NE(m->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(m->m_len, 100);
	KT_EXPECT_EQ(m_length(m, NULL), 100);
	KT_EXPECT_EQ(mt_count_bad(mtod(m, uint8_t *), 100, 0), 0);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs + nm);
	/* m_cat appends a chain. */
	x = m_get(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(x);
	mt_put(x, 10, 0);
	m_cat(m, x);
	KT_EXPECT_EQ((uintptr_t)mt_last(m), (uintptr_t)x);
	KT_EXPECT_EQ(m_length(m, &last), 110);
	KT_EXPECT_EQ((uintptr_t)last, (uintptr_t)x);
	m_freem(m);
	mt_check_baseline(kt, &b);
}

/*
 * m_copyback writes len bytes at an offset, growing the chain as needed
 * and the packet header length with it; a gap it opens past the end
 * reads as zeros.
 */
KTEST(mbuf, copyback_grows_chain)
{
	static const int sizes[] = { 1, MHLEN, MHLEN + 1, MLEN, MLEN + 1,
	    MCLBYTES - 1, MCLBYTES, MCLBYTES + 1, 3 * MCLBYTES + 5 };
	struct mt_base b;
	struct mbuf *m, *last;
	int i, len, bad, z;

	mt_baseline(&b);
	mt_fill_src();
	for (i = 0; i < (int)nitems(sizes); i++) {
		len = sizes[i];
		m = m_gethdr(M_WAITOK, MT_DATA);
		KT_ASSERT_NOT_NULL(m);
		m_copyback(m, 0, len, (caddr_t)mt_src);
		KT_EXPECT_EQ(m->m_pkthdr.len, len);
		last = NULL;
		KT_EXPECT_EQ(m_length(m, &last), len);
		KT_EXPECT_EQ((uintptr_t)last, (uintptr_t)mt_last(m));
		KT_EXPECT_EQ(mt_sum_len(m), len);
		memset(mt_dst, 0, len);
		m_copydata(m, 0, len, (caddr_t)mt_dst);
		bad = mt_count_bad(mt_dst, len, 0);
		if (bad != 0)
			KT_FAIL("m_copyback(%d): %d bytes differ", len, bad);
		/* Overwrite in the middle: the length stays. */
		if (len > 20) {
			m_copyback(m, len / 2, 10, (caddr_t)mt_src + 1000);
			KT_EXPECT_EQ(m->m_pkthdr.len, len);
			KT_EXPECT_EQ(m_length(m, NULL), len);
			m_copydata(m, len / 2, 10, (caddr_t)mt_dst);
			KT_EXPECT_EQ(mt_count_bad(mt_dst, 10, 1000), 0);
		}
		/* Past the end, leaving a 10-byte gap. */
		m_copyback(m, len + 10, 20, (caddr_t)mt_src + 500);
		KT_EXPECT_EQ(m->m_pkthdr.len, len + 30);
		KT_EXPECT_EQ(m_length(m, &last), len + 30);
		KT_EXPECT_EQ((uintptr_t)last, (uintptr_t)mt_last(m));
		m_copydata(m, len, 30, (caddr_t)mt_dst);
		for (z = 0, bad = 0; z < 10; z++)
			bad += mt_dst[z] != 0;
		KT_EXPECT_EQ(bad, 0);
		KT_EXPECT_EQ(mt_count_bad(mt_dst + 10, 20, 500), 0);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs + mt_chain(m, NULL, NULL,
		    NULL));
		m_freem(m);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs);
	}
	mt_check_baseline(kt, &b);
}

/*
 * M_PREPEND: with leading space the same mbuf grows backwards; without,
 * a new mbuf goes in front and takes the packet header, with its data at
 * the end of its buffer (room for the next prepend).
 */
KTEST(mbuf, prepend_with_and_without_room)
{
	struct mt_base b;
	struct mbuf *m, *m0, *n;
	caddr_t data0;
	int i, nhdr;

	mt_baseline(&b);

	/* Room: a packet header mbuf with its 20 bytes at the end. */
	m = m_gethdr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	MH_ALIGN(m, 20);
	mt_put(m, 20, 8);
	m->m_pkthdr.len = 20;
	KT_ASSERT_GE(M_LEADINGSPACE(m), 8);
	m0 = m;
	data0 = m->m_data;
	M_PREPEND(m, 8, M_NOWAIT);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_EQ((uintptr_t)m, (uintptr_t)m0);
	KT_EXPECT_EQ((uintptr_t)m->m_data, (uintptr_t)(data0 - 8));
	KT_EXPECT_EQ(m->m_len, 28);
	KT_EXPECT_EQ(m->m_pkthdr.len, 28);
	KT_EXPECT_NULL(m->m_next);
	for (i = 0; i < 8; i++)
		mtod(m, uint8_t *)[i] = mt_pat(i);
	KT_EXPECT_EQ(mt_count_bad(mtod(m, uint8_t *), 28, 0), 0);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 1);
	m_freem(m);

	/* No room: a full packet header mbuf. */
	m = m_gethdr(M_WAITOK, MT_HEADER);
	KT_ASSERT_NOT_NULL(m);
	mt_put(m, MHLEN, 8);
	m->m_pkthdr.len = MHLEN;
	m->m_pkthdr.csum_flags = 0x55;
	KT_ASSERT_EQ(M_LEADINGSPACE(m), 0);
	m0 = m;
	M_PREPEND(m, 8, M_WAITOK);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_NE((uintptr_t)m, (uintptr_t)m0);
	KT_EXPECT_EQ((uintptr_t)m->m_next, (uintptr_t)m0);
	KT_EXPECT_NE(m->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(m0->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(m->m_pkthdr.len, MHLEN + 8);
	KT_EXPECT_EQ(m->m_pkthdr.csum_flags, 0x55);
	KT_EXPECT_EQ(m->m_type, MT_HEADER);
	KT_EXPECT_EQ(m->m_len, 8);
	KT_EXPECT_EQ(m0->m_len, MHLEN);
	/* The 8 bytes sit at the end, leaving room in front. */
	KT_EXPECT_GE(M_LEADINGSPACE(m), MHLEN - 8 - (int)sizeof(long) + 1);
	KT_EXPECT_EQ(M_LEADINGSPACE(m) + m->m_len + M_TRAILINGSPACE(m),
	    MHLEN);
	KT_EXPECT_EQ(m_length(m, NULL), MHLEN + 8);
	mt_chain(m, NULL, &nhdr, NULL);
	KT_EXPECT_EQ(nhdr, 1);
	KT_EXPECT_EQ(mt_count_bad(mtod(m0, uint8_t *), MHLEN, 8), 0);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 2);
	m_freem(m);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs);

	/* m_prepend on a plain mbuf: no header anywhere. */
	m = m_get(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	mt_put(m, MLEN, 0);
	n = m_prepend(m, 4, M_WAITOK);
	KT_ASSERT_NOT_NULL(n);
	KT_EXPECT_EQ((uintptr_t)n->m_next, (uintptr_t)m);
	KT_EXPECT_EQ(n->m_len, 4);
	KT_EXPECT_EQ(n->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(m->m_flags & M_PKTHDR, 0);
	KT_EXPECT_GE(M_LEADINGSPACE(n), MLEN - 4 - (int)sizeof(long) + 1);
	KT_EXPECT_EQ(m_length(n, NULL), MLEN + 4);
	m_freem(n);

	/* A cluster with room in front: M_PREPEND uses it. */
	m = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
	KT_ASSERT_NOT_NULL(m);
	m->m_data += 64;
	mt_put(m, 100, 14);
	m->m_pkthdr.len = 100;
	m0 = m;
	M_PREPEND(m, 14, M_NOWAIT);
	KT_ASSERT_NOT_NULL(m);
	KT_EXPECT_EQ((uintptr_t)m, (uintptr_t)m0);
	KT_EXPECT_EQ(m->m_len, 114);
	KT_EXPECT_EQ(m->m_pkthdr.len, 114);
	KT_EXPECT_EQ(M_LEADINGSPACE(m), 50);
	/* Shared, the cluster's room may not be used: a new mbuf. */
	n = m_copypacket(m, M_WAITOK);
	KT_ASSERT_NOT_NULL(n);
	KT_EXPECT_EQ(M_LEADINGSPACE(n), 0);
	m0 = n;
	M_PREPEND(n, 14, M_WAITOK);
	KT_ASSERT_NOT_NULL(n);
	KT_EXPECT_NE((uintptr_t)n, (uintptr_t)m0);
	KT_EXPECT_EQ((uintptr_t)n->m_next, (uintptr_t)m0);
	KT_EXPECT_EQ(n->m_pkthdr.len, 128);
	KT_EXPECT_EQ(n->m_len, 14);
	KT_EXPECT_EQ(m0->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ(m->m_len, 114);	/* the original is untouched */
	KT_EXPECT_EQ((uintptr_t)m->m_data, (uintptr_t)m0->m_data);
	m_freem(n);
	KT_EXPECT_EQ(*m->m_ext.ref_cnt, 1);
	m_freem(m);
	mt_check_baseline(kt, &b);
}

/*
 * m_pullup: 10 + 100 bytes; the first 60 made contiguous, the length and
 * the bytes unchanged, one packet header.  With a cluster first (no room
 * to pull into) a new mbuf takes the header.  Past the packet's end it
 * fails, frees the chain and returns NULL.
 */
KTEST(mbuf, pullup)
{
	struct mt_base b;
	struct mbuf *m, *m2, *r;
	int pass, nhdr, nm;

	mt_baseline(&b);
	for (pass = 0; pass < 2; pass++) {
		m = pass == 0 ? m_gethdr(M_WAITOK, MT_DATA) :
		    m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
		m2 = m_get(M_WAITOK, MT_DATA);
		KT_ASSERT_NOT_NULL(m);
		KT_ASSERT_NOT_NULL(m2);
		mt_put(m, 10, 0);
		mt_put(m2, 100, 10);
		m->m_next = m2;
		m->m_pkthdr.len = 110;
		r = m_pullup(m, 60);
		KT_ASSERT_NOT_NULL(r);
		KT_EXPECT_GE(r->m_len, 60);
		KT_EXPECT_EQ(mt_count_bad(mtod(r, uint8_t *), 60, 0), 0);
		KT_EXPECT_NE(r->m_flags & M_PKTHDR, 0);
		KT_EXPECT_EQ(r->m_pkthdr.len, 110);
		KT_EXPECT_EQ(m_length(r, NULL), 110);
		nm = mt_chain(r, NULL, &nhdr, NULL);
		KT_EXPECT_EQ(nhdr, 1);
		m_copydata(r, 0, 110, (caddr_t)mt_dst);
		KT_EXPECT_EQ(mt_count_bad(mt_dst, 110, 0), 0);
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs + nm);
		/* Already contiguous: the same chain back. */
		KT_EXPECT_EQ((uintptr_t)m_pullup(r, 60), (uintptr_t)r);
		/* More than the packet holds: the chain is freed. */
		KT_EXPECT_NULL(m_pullup(r, 111));
		KT_EXPECT_EQ(mt_mbufs(), b.mbufs);
		KT_EXPECT_EQ(mt_clusters(), b.clusters);
	}
	mt_check_baseline(kt, &b);
}

/* m_adj: trim the head (len > 0) and the tail (len < 0) of a chain. */
KTEST(mbuf, adj_head_and_tail)
{
	struct mt_base b;
	struct mbuf *m, *m2, *m3;

	mt_baseline(&b);
	m = m_gethdr(M_WAITOK, MT_DATA);
	m2 = m_get(M_WAITOK, MT_DATA);
	m3 = m_getcl(M_WAITOK, MT_DATA, 0);
	KT_ASSERT_NOT_NULL(m);
	KT_ASSERT_NOT_NULL(m2);
	KT_ASSERT_NOT_NULL(m3);
	mt_put(m, 50, 0);
	mt_put(m2, 100, 50);
	mt_put(m3, 1000, 150);
	m->m_next = m2;
	m2->m_next = m3;
	m->m_pkthdr.len = 1150;

	/* Head: all of the first mbuf and 20 bytes of the second. */
	m_adj(m, 70);
	KT_EXPECT_EQ(m->m_pkthdr.len, 1080);
	KT_EXPECT_EQ(m_length(m, NULL), 1080);
	KT_EXPECT_EQ(m->m_len, 0);
	KT_EXPECT_EQ(m2->m_len, 80);
	KT_EXPECT_NE(m->m_flags & M_PKTHDR, 0);
	m_copydata(m, 0, 1080, (caddr_t)mt_dst);
	KT_EXPECT_EQ(mt_count_bad(mt_dst, 1080, 70), 0);

	/* Tail: within the last mbuf. */
	m_adj(m, -100);
	KT_EXPECT_EQ(m->m_pkthdr.len, 980);
	KT_EXPECT_EQ(m_length(m, NULL), 980);
	KT_EXPECT_EQ(m3->m_len, 900);

	/* Tail: across mbufs, all of the cluster and 30 of the second. */
	m_adj(m, -930);
	KT_EXPECT_EQ(m->m_pkthdr.len, 50);
	KT_EXPECT_EQ(m_length(m, NULL), 50);
	KT_EXPECT_EQ(m2->m_len, 50);
	KT_EXPECT_EQ(m3->m_len, 0);
	m_copydata(m, 0, 50, (caddr_t)mt_dst);
	KT_EXPECT_EQ(mt_count_bad(mt_dst, 50, 70), 0);

	/* Head again, within the second mbuf. */
	m_adj(m, 5);
	KT_EXPECT_EQ(m->m_pkthdr.len, 45);
	KT_EXPECT_EQ(m_length(m, NULL), 45);
	m_copydata(m, 0, 45, (caddr_t)mt_dst);
	KT_EXPECT_EQ(mt_count_bad(mt_dst, 45, 75), 0);

	/* More than there is, from the tail: empty. */
	m_adj(m, -1000);
	KT_EXPECT_EQ(m->m_pkthdr.len, 0);
	KT_EXPECT_EQ(m_length(m, NULL), 0);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs + 3);
	m_freem(m);
	mt_check_baseline(kt, &b);
}

/*
 * m_adj trimming more than the whole packet, from the tail and from the
 * head, on fresh three-mbuf chains (plain, plain, cluster): the packet
 * becomes empty, every mbuf's length is 0 (none negative), the header
 * length is 0.  Exactly the whole packet too.
 */
KTEST(mbuf, adj_more_than_packet)
{
	static const int trims[] = { -1151, -5000, -1150, 1151, 5000, 1150,
	    0x7fffffff };
	struct mt_base b;
	struct mbuf *m, *m2, *m3, *x;
	caddr_t d[3];
	size_t i;
	int bad;

	mt_baseline(&b);
	for (i = 0; i < nitems(trims); i++) {
		m = m_gethdr(M_WAITOK, MT_DATA);
		m2 = m_get(M_WAITOK, MT_DATA);
		m3 = m_getcl(M_WAITOK, MT_DATA, 0);
		KT_ASSERT_NOT_NULL(m);
		KT_ASSERT_NOT_NULL(m2);
		KT_ASSERT_NOT_NULL(m3);
		mt_put(m, 50, 0);
		mt_put(m2, 100, 50);
		mt_put(m3, 1000, 150);
		m->m_next = m2;
		m2->m_next = m3;
		m->m_pkthdr.len = 1150;
		d[0] = m->m_data;
		d[1] = m2->m_data;
		d[2] = m3->m_data;
		m_adj(m, trims[i]);
		KT_EXPECT_EQ(m->m_pkthdr.len, 0);
		KT_EXPECT_EQ(m_length(m, NULL), 0);
		bad = 0;
		for (x = m; x != NULL; x = x->m_next)
			bad += x->m_len != 0;
		KT_EXPECT_EQ(bad, 0);
		KT_EXPECT_NE(m->m_flags & M_PKTHDR, 0);
		/* An mbuf emptied whole keeps its data pointer (FreeBSD's). */
		KT_EXPECT_EQ((uintptr_t)m->m_data, (uintptr_t)d[0]);
		KT_EXPECT_EQ((uintptr_t)m2->m_data, (uintptr_t)d[1]);
		KT_EXPECT_EQ((uintptr_t)m3->m_data, (uintptr_t)d[2]);
		if (m->m_pkthdr.len != 0 || bad != 0)
			printf("# m_adj(m, %d) of 1150 bytes: pkthdr.len %d, "
			    "m_len %d/%d/%d\n", trims[i], m->m_pkthdr.len,
			    m->m_len, m2->m_len, m3->m_len);
		m_freem(m);
	}
	/* Without a packet header, from the head and the tail. */
	m = m_get(M_WAITOK, MT_DATA);
	m2 = m_get(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	KT_ASSERT_NOT_NULL(m2);
	mt_put(m, 30, 0);
	mt_put(m2, 40, 30);
	m->m_next = m2;
	m_adj(m, 100);
	KT_EXPECT_EQ(m->m_len, 0);
	KT_EXPECT_EQ(m2->m_len, 0);
	mt_put(m, 30, 0);
	mt_put(m2, 40, 30);
	m_adj(m, -100);
	KT_EXPECT_EQ(m->m_len, 0);
	KT_EXPECT_EQ(m2->m_len, 0);
	m_freem(m);
	mt_check_baseline(kt, &b);
}

/*
 * MEXTADD: a caller's buffer with a free routine called exactly once,
 * with (buf, args), when the last reference goes.
 */
static struct {
	int	calls;
	void	*buf, *args;
} mt_ext;

static void
mt_ext_free(void *buf, void *args)
{
	mt_ext.calls++;
	mt_ext.buf = buf;
	mt_ext.args = args;
}

KTEST(mbuf, extadd_free_routine_once)
{
	static char extbuf[1500] __aligned(64);
	static int extarg;
	struct mt_base b;
	struct mbuf *m, *n, *n2;
	volatile u_int *rc;

	mt_baseline(&b);
	memset(&mt_ext, 0, sizeof(mt_ext));
	m = m_gethdr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	MEXTADD(m, extbuf, sizeof(extbuf), mt_ext_free, &extarg, 0,
	    EXT_NET_DRV);
	KT_ASSERT_NE(m->m_flags & M_EXT, 0);
	KT_EXPECT_NE(m->m_flags & M_PKTHDR, 0);
	KT_EXPECT_EQ((uintptr_t)m->m_ext.ext_buf, (uintptr_t)extbuf);
	KT_EXPECT_EQ((uintptr_t)m->m_data, (uintptr_t)extbuf);
	KT_EXPECT_EQ(m->m_ext.ext_size, sizeof(extbuf));
	KT_EXPECT_EQ(m->m_ext.ext_type, EXT_NET_DRV);
	KT_EXPECT_EQ((uintptr_t)m->m_ext.ext_free, (uintptr_t)mt_ext_free);
	KT_EXPECT_EQ((uintptr_t)m->m_ext.ext_args, (uintptr_t)&extarg);
	KT_ASSERT_NOT_NULL(m->m_ext.ref_cnt);
	rc = m->m_ext.ref_cnt;
	KT_EXPECT_EQ(*rc, 1);
	KT_EXPECT_EQ(M_TRAILINGSPACE(m), sizeof(extbuf));
	mt_put(m, 1000, 0);
	m->m_pkthdr.len = 1000;
	/* No cluster was taken for it. */
	KT_EXPECT_EQ(mt_clusters(), b.clusters);

	n = m_copym(m, 0, M_COPYALL, M_WAITOK);
	KT_ASSERT_NOT_NULL(n);
	n2 = m_copym(m, 100, 200, M_WAITOK);
	KT_ASSERT_NOT_NULL(n2);
	KT_EXPECT_EQ(*rc, 3);
	KT_EXPECT_EQ((uintptr_t)n->m_ext.ext_buf, (uintptr_t)extbuf);
	KT_EXPECT_EQ((uintptr_t)n2->m_data, (uintptr_t)(extbuf + 100));
	KT_EXPECT_EQ(mt_count_bad(mtod(n2, uint8_t *), 200, 100), 0);
	m_freem(m);
	KT_EXPECT_EQ(mt_ext.calls, 0);
	KT_EXPECT_EQ(*rc, 2);
	m_freem(n2);
	KT_EXPECT_EQ(mt_ext.calls, 0);
	KT_EXPECT_EQ(*rc, 1);
	KT_EXPECT_EQ(mt_count_bad(mtod(n, uint8_t *), 1000, 0), 0);
	m_freem(n);
	KT_EXPECT_EQ(mt_ext.calls, 1);
	KT_EXPECT_EQ((uintptr_t)mt_ext.buf, (uintptr_t)extbuf);
	KT_EXPECT_EQ((uintptr_t)mt_ext.args, (uintptr_t)&extarg);
	KT_EXPECT_EQ(mt_mbufs(), b.mbufs);

	/* A single reference: one call at the first free. */
	memset(&mt_ext, 0, sizeof(mt_ext));
	m = m_get(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	MEXTADD(m, extbuf, 512, mt_ext_free, NULL, 0, EXT_MOD_TYPE);
	KT_ASSERT_NE(m->m_flags & M_EXT, 0);
	KT_EXPECT_EQ(m->m_ext.ext_type, EXT_MOD_TYPE);
	m_freem(m);
	KT_EXPECT_EQ(mt_ext.calls, 1);
	KT_EXPECT_EQ((uintptr_t)mt_ext.buf, (uintptr_t)extbuf);
	KT_EXPECT_NULL(mt_ext.args);

	/*
	 * A read-only buffer (M_RDONLY): never writable, no room either
	 * side, and copies of it stay read-only after the original goes.
	 */
	memset(&mt_ext, 0, sizeof(mt_ext));
	m = m_gethdr(M_WAITOK, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	MEXTADD(m, extbuf, sizeof(extbuf), mt_ext_free, &extarg, M_RDONLY,
	    EXT_NET_DRV);
	KT_ASSERT_NE(m->m_flags & M_EXT, 0);
	KT_EXPECT_NE(m->m_flags & M_RDONLY, 0);
	KT_EXPECT_EQ(*m->m_ext.ref_cnt, 1);
	KT_EXPECT(!M_WRITABLE(m));
	KT_EXPECT_EQ(M_TRAILINGSPACE(m), 0);
	m->m_data += 100;
	m->m_len = 200;
	KT_EXPECT_EQ(M_LEADINGSPACE(m), 0);
	n = m_copym(m, 0, M_COPYALL, M_WAITOK);
	KT_ASSERT_NOT_NULL(n);
	m_freem(m);
	KT_EXPECT_EQ(*n->m_ext.ref_cnt, 1);
	KT_EXPECT_NE(n->m_flags & M_RDONLY, 0);
	KT_EXPECT(!M_WRITABLE(n));
	KT_EXPECT_EQ(M_TRAILINGSPACE(n), 0);
	KT_EXPECT_EQ(M_LEADINGSPACE(n), 0);
	/* M_PREPEND cannot use the buffer: a new mbuf goes in front. */
	m = n;
	M_PREPEND(n, 8, M_WAITOK);
	KT_ASSERT_NOT_NULL(n);
	KT_EXPECT_EQ((uintptr_t)n->m_next, (uintptr_t)m);
	KT_EXPECT_EQ((uintptr_t)m->m_data, (uintptr_t)(extbuf + 100));
	KT_EXPECT_EQ(mt_ext.calls, 0);
	m_freem(n);
	KT_EXPECT_EQ(mt_ext.calls, 1);
	mt_check_baseline(kt, &b);
}

/*
 * The type statistics: mbstat_get()'s per-type counts (kept per CPU)
 * grow by the mbufs held of each type, whichever zone they came from,
 * and come back when they are freed; kern.ipc.mbstat returns the same
 * structure.
 */
KTEST(mbuf, type_statistics)
{
	struct mbstat mbs0, mbs1, mbs2;
	struct mt_base b;
	size_t len;
	int i, j, cpu;

	mt_baseline(&b);
	mbstat_get(&mbs0);
	KT_EXPECT_EQ(mbs0.m_msize, MSIZE);
	KT_EXPECT_EQ(mbs0.m_mclbytes, MCLBYTES);
	KT_EXPECT_EQ(mbs0.m_minclsize, MINCLSIZE);
	KT_EXPECT_EQ(mbs0.m_mlen, MLEN);
	KT_EXPECT_EQ(mbs0.m_mhlen, MHLEN);
	KT_EXPECT_EQ(mbs0.m_numtypes, MT_NTYPES);
	KT_EXPECT_EQ(mbs0.m_mbufs, b.mbufs);
	KT_EXPECT_EQ(mbs0.m_mclusts, b.clusters);
	/* Spread over the CPUs: the per-CPU counts are summed. */
	j = 0;
	CPU_FOREACH(cpu) {
		sched_bind(curthread, cpu);
		for (i = 0; i < 10; i++)
			mt_m[j++] = m_get(M_WAITOK, MT_DATA);
		for (i = 0; i < 5; i++)
			mt_m[j++] = m_gethdr(M_WAITOK, MT_DATA);
		for (i = 0; i < 5; i++)
			mt_m[j++] = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
		for (i = 0; i < 3; i++)
			mt_m[j++] = m_get(M_WAITOK, MT_HEADER);
		for (i = 0; i < 2; i++) {
			mt_m[j] = m_get(M_WAITOK, MT_CONTROL);
			KT_ASSERT_NOT_NULL(mt_m[j]);
			MCLGET(mt_m[j], M_WAITOK);
			j++;
		}
	}
	sched_unbind(curthread);
	for (i = 0; i < j; i++)
		KT_ASSERT_NOT_NULL(mt_m[i]);
	mbstat_get(&mbs1);
	KT_EXPECT_EQ(mbs1.m_mbtypes[MT_DATA] - mbs0.m_mbtypes[MT_DATA],
	    20 * mp_ncpus);
	KT_EXPECT_EQ(mbs1.m_mbtypes[MT_HEADER] - mbs0.m_mbtypes[MT_HEADER],
	    3 * mp_ncpus);
	KT_EXPECT_EQ(mbs1.m_mbtypes[MT_CONTROL] - mbs0.m_mbtypes[MT_CONTROL],
	    2 * mp_ncpus);
	KT_EXPECT_EQ(mbs1.m_mbtypes[MT_SONAME], mbs0.m_mbtypes[MT_SONAME]);
	KT_EXPECT_EQ(mbs1.m_mbufs - mbs0.m_mbufs, 25 * mp_ncpus);
	KT_EXPECT_EQ(mbs1.m_mclusts - mbs0.m_mclusts, 7 * mp_ncpus);
	len = sizeof(mbs2);
	memset(&mbs2, 0, sizeof(mbs2));
	KT_EXPECT_EQ(kernel_sysctlbyname("kern.ipc.mbstat", &mbs2, &len, NULL,
	    0), 0);
	KT_EXPECT_EQ(len, sizeof(mbs2));
	KT_EXPECT_EQ(mbs2.m_mbtypes[MT_DATA], mbs1.m_mbtypes[MT_DATA]);
	KT_EXPECT_EQ(mbs2.m_mbufs, mbs1.m_mbufs);
	KT_EXPECT_EQ(mbs2.m_msize, MSIZE);
	/* Freed on CPU 0, whatever CPU allocated them. */
	sched_bind(curthread, 0);
	for (i = 0; i < j; i++)
		m_freem(mt_m[i]);
	sched_unbind(curthread);
	mbstat_get(&mbs2);
	for (i = 0; i < MT_NTYPES; i++)
		KT_EXPECT_EQ(mbs2.m_mbtypes[i], mbs0.m_mbtypes[i]);
	KT_EXPECT_EQ(mbs2.m_mbufs, mbs0.m_mbufs);
	KT_EXPECT_EQ(mbs2.m_mclusts, mbs0.m_mclusts);
	mt_check_baseline(kt, &b);
}

/*
 * Packet zone reclaim: freed m_getcl packets stay cached in mbuf_packet
 * with their clusters (the cluster zone counts them used); uma_reclaim
 * empties the packet zone and gives the clusters back to their zone.
 */
KTEST(mbuf, packet_reclaim_returns_clusters)
{
	struct mt_base b;
	int i, n = 200;

	mt_baseline(&b);
	KT_ASSERT_EQ(mt_stat(zone_pack).zs_cached, 0);
	sched_bind(curthread, 0);
	for (i = 0; i < n; i++) {
		mt_m[i] = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
		KT_ASSERT_NOT_NULL(mt_m[i]);
	}
	KT_EXPECT_GE(uma_zone_get_cur(zone_clust), b.cur_clust + n);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_pack), b.cur_pack + n);
	for (i = 0; i < n; i++)
		m_freem(mt_m[i]);
	sched_unbind(curthread);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_pack), b.cur_pack);
	KT_EXPECT_GE(mt_stat(zone_pack).zs_cached, n);
	KT_EXPECT_GE(uma_zone_get_cur(zone_clust), b.cur_clust + n);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_clust) -
	    (int)mt_stat(zone_pack).zs_cached, b.cur_clust);
	KT_EXPECT_EQ(mt_clusters(), b.clusters);
	/*
	 * One reclaim: the packet zone's zfini gives the clusters back to
	 * their zone after it was drained, and their pages go back too.
	 */
	uma_reclaim();
	KT_EXPECT_EQ(mt_stat(zone_pack).zs_cached, 0);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_clust), b.cur_clust);
	KT_EXPECT_EQ(uma_zone_get_cur(zone_pack), b.cur_pack);
	KT_EXPECT_EQ(mt_stat(zone_clust).zs_cached, 0);
	mt_check_baseline(kt, &b);
}

/*
 * kern.ipc.nmbclusters
 */

/* The boot value: the cluster zone's effective limit, scaled default. */
KTEST(mbuf, nmbclusters_default)
{
	int val;

	val = mt_nmb_get();
	KT_EXPECT_GT(val, 0);
	KT_EXPECT_EQ(val, nmbclusters);
	KT_EXPECT_EQ(uma_zone_get_max(zone_clust), val);
	KT_EXPECT_EQ(mt_stat(zone_clust).zs_limit, val);
	KT_EXPECT_EQ(val % mt_ipers(), 0);
	/* 1024 + 64 * maxusers, maxusers from 32 to 384. */
	KT_EXPECT_GE(val, 1024 + 64 * 32);
	KT_EXPECT_LE(val, roundup(1024 + 64 * 384, mt_ipers()));
}

/*
 * At a limit of (in use + 5, rounded up to whole slabs) M_NOWAIT gets
 * exactly the clusters left, through MCLGET and then through m_getcl;
 * each refusal is counted as denied and in the zones' failures, and the
 * warning prints once a second at most.
 */
static void
mt_limit_nowait(struct ktest_ctx *kt, int orig, int arg __unused)
{
	struct uma_zone_stat zc0, zp0, zc1, zp1;
	struct mbstat mbs0, mbs1;
	struct mt_base b;
	int want, eff, used, got, nulls, i, t0, elapsed, err;
	uint32_t warn0;
	struct mbuf *m;

	/* Let a warning from before be over a second old. */
	pause("mtwarn", hz + hz / 5);
	sched_bind(curthread, 0);
	mt_baseline(&b);
	KT_ASSERT_EQ(mt_stat(zone_clust).zs_cached, 0);
	KT_ASSERT_EQ(mt_stat(zone_pack).zs_cached, 0);
	used = uma_zone_get_cur(zone_clust);
	want = used + 5;
	err = mt_nmb_set(want);
	KT_ASSERT_EQ(err, 0);
	eff = mt_nmb_get();
	KT_EXPECT_EQ(eff, roundup(want, mt_ipers()));
	KT_EXPECT_EQ(nmbclusters, eff);
	KT_EXPECT_EQ(uma_zone_get_max(zone_clust), eff);
	KT_EXPECT_EQ(mt_stat(zone_clust).zs_limit, eff);
	if (eff - used + 8 > MT_MAXITEMS)
		KT_FAIL("limit %d, %d in use: too many to hold", eff, used);

	/* MCLGET until refused. */
	zc0 = mt_stat(zone_clust);
	zp0 = mt_stat(zone_pack);
	mbstat_get(&mbs0);
	warn0 = zc0.zs_warnings;
	got = nulls = 0;
	t0 = 0;
	for (i = 0; i < MT_MAXITEMS; i++) {
		m = m_get(M_NOWAIT, MT_DATA);
		KT_ASSERT_NOT_NULL(m);
		MCLGET(m, M_NOWAIT);
		if ((m->m_flags & M_EXT) == 0) {
			m_free(m);
			if (nulls++ == 0)
				t0 = ticks;
			if (nulls == 5)
				break;
			continue;
		}
		KT_EXPECT_EQ(nulls, 0);		/* no success after a refusal */
		mt_m[got++] = m;
	}
	zc1 = mt_stat(zone_clust);
	mbstat_get(&mbs1);
	KT_EXPECT_EQ(got, eff - used);
	KT_EXPECT_EQ(nulls, 5);
	KT_EXPECT_EQ(zc1.zs_fails - zc0.zs_fails, 5);
	KT_EXPECT_EQ(mbs1.m_mcfail - mbs0.m_mcfail, 5);
	KT_EXPECT_EQ(mbs1.m_mpfail - mbs0.m_mpfail, 0);
	KT_EXPECT_EQ(zc1.zs_warnings - warn0, 1);
	KT_EXPECT_NE(uma_zone_exhausted(zone_clust), 0);
	KT_EXPECT_EQ(mt_clusters(), b.clusters + got);
	for (i = 0; i < got; i++)
		m_freem(mt_m[i]);
	KT_EXPECT_EQ(mt_clusters(), b.clusters);

	/* m_getcl until refused. */
	mt_settle();
	zc0 = mt_stat(zone_clust);
	zp0 = mt_stat(zone_pack);
	mbstat_get(&mbs0);
	got = nulls = 0;
	for (i = 0; i < MT_MAXITEMS; i++) {
		m = m_getcl(M_NOWAIT, MT_DATA, M_PKTHDR);
		if (m == NULL) {
			if (++nulls == 3)
				break;
			continue;
		}
		KT_EXPECT_EQ(nulls, 0);
		mt_m[got++] = m;
	}
	zc1 = mt_stat(zone_clust);
	zp1 = mt_stat(zone_pack);
	mbstat_get(&mbs1);
	KT_EXPECT_EQ(got, eff - used);
	KT_EXPECT_EQ(nulls, 3);
	KT_EXPECT_EQ(zp1.zs_fails - zp0.zs_fails, 3);
	/*
	 * The zone may count more failures than refusals (a packet bucket
	 * fill that got some clusters and then none); mbstat counts the
	 * requests denied: each refused m_getcl once, as a cluster, and no
	 * mbuf was refused.
	 */
	KT_EXPECT_GE(zc1.zs_fails - zc0.zs_fails, 3);
	KT_EXPECT_EQ(mbs1.m_mcfail - mbs0.m_mcfail, 3);
	KT_EXPECT_EQ(mbs1.m_mpfail - mbs0.m_mpfail, 0);
	elapsed = ticks - t0;
	KT_EXPECT_GE(zc1.zs_warnings - warn0, 1);
	KT_EXPECT_LE(zc1.zs_warnings - warn0, 1 + elapsed / hz);
	/* MCLGET is refused as well. */
	m = m_get(M_NOWAIT, MT_DATA);
	KT_ASSERT_NOT_NULL(m);
	MCLGET(m, M_NOWAIT);
	KT_EXPECT_EQ(m->m_flags & M_EXT, 0);
	m_free(m);
	for (i = 0; i < got; i++)
		m_freem(mt_m[i]);
	KT_EXPECT_EQ(mt_nmb_set(orig), 0);
	KT_EXPECT_EQ(mt_nmb_get(), orig);
	KT_EXPECT_EQ(uma_zone_get_max(zone_clust), orig);
	mt_check_baseline(kt, &b);
}

KTEST(mbuf, nmbclusters_limit_nowait)
{
	mt_with_limit(kt, mt_limit_nowait, 0);
}

/*
 * Runtime changes: a value below the clusters in use (or negative) is
 * refused with EINVAL and changes nothing; exactly the number in use is
 * accepted (rounded up to whole slabs) and leaves exactly the rounding
 * free; the original value comes back.
 */
static void
mt_runtime_change(struct ktest_ctx *kt, int orig, int arg __unused)
{
	struct mt_base b;
	int n, used, eff, i, got;
	struct mbuf *m;

	sched_bind(curthread, 0);
	mt_baseline(&b);
	n = 3 * mt_ipers() + 1;
	for (i = 0; i < n; i++) {
		mt_m[i] = m_get(M_WAITOK, MT_DATA);
		KT_ASSERT_NOT_NULL(mt_m[i]);
		MCLGET(mt_m[i], M_WAITOK);
		KT_ASSERT_NE(mt_m[i]->m_flags & M_EXT, 0);
	}
	mt_settle();
	used = uma_zone_get_cur(zone_clust);
	KT_EXPECT_EQ(used, b.cur_clust + n);
	KT_EXPECT_EQ(mt_nmb_set(used - 1), EINVAL);
	KT_EXPECT_EQ(mt_nmb_get(), orig);
	KT_EXPECT_EQ(uma_zone_get_max(zone_clust), orig);
	KT_EXPECT_EQ(mt_nmb_set(1), EINVAL);
	KT_EXPECT_EQ(mt_nmb_get(), orig);
	KT_EXPECT_EQ(mt_nmb_set(-5), EINVAL);
	KT_EXPECT_EQ(mt_nmb_get(), orig);
	KT_EXPECT_EQ(uma_zone_get_max(zone_clust), orig);
	KT_EXPECT_EQ(nmbclusters, orig);

	KT_EXPECT_EQ(mt_nmb_set(used), 0);
	eff = mt_nmb_get();
	KT_EXPECT_EQ(eff, roundup(used, mt_ipers()));
	KT_EXPECT_EQ(uma_zone_get_max(zone_clust), eff);
	/* What is left is the rounding. */
	got = 0;
	for (i = 0; i < 8; i++) {
		m = m_getcl(M_NOWAIT, MT_DATA, 0);
		if (m == NULL)
			break;
		mt_m[n + got++] = m;
	}
	KT_EXPECT_EQ(got, eff - used);
	for (i = 0; i < got; i++)
		m_freem(mt_m[n + i]);
	/* Larger again. */
	KT_EXPECT_EQ(mt_nmb_set(orig + 2 * mt_ipers()), 0);
	KT_EXPECT_EQ(mt_nmb_get(), orig + 2 * mt_ipers());
	KT_EXPECT_EQ(mt_nmb_set(orig), 0);
	KT_EXPECT_EQ(mt_nmb_get(), orig);
	KT_EXPECT_EQ(uma_zone_get_max(zone_clust), orig);
	for (i = 0; i < n; i++)
		m_freem(mt_m[i]);
	mt_check_baseline(kt, &b);
}

KTEST(mbuf, nmbclusters_runtime_change)
{
	mt_with_limit(kt, mt_runtime_change, 0);
}

/*
 * M_WAITOK at the limit sleeps until another thread frees a cluster
 * (about 50 ms later, once the sleeper is seen), then returns non-NULL.
 * If the sleeper is still asleep seconds after the free, the helper
 * rescues it by restoring the limit, and the case fails instead of
 * hanging.
 */
static struct {
	struct mbuf	*victim;
	int		cpu, restore;
	uint64_t	sleeps0;
	volatile int	done, rescued, saw_sleeper;
	volatile u_int	exited;
} mw;

static void
mt_limit_freer(void *arg __unused)
{
	int i, val;

	sched_bind(curthread, mw.cpu);
	pause("mtfree", hz / 20 + 1);
	for (i = 0; i < 5 * hz; i++) {
		if (mt_stat(zone_clust).zs_sleeps > mw.sleeps0) {
			mw.saw_sleeper = 1;
			break;
		}
		pause("mtfree", 1);
	}
	m_freem(mw.victim);
	for (i = 0; i < 5 * hz && !mw.done; i++)
		pause("mtfree", 1);
	if (!mw.done) {
		mw.rescued = 1;
		val = mw.restore;
		(void)kernel_sysctlbyname("kern.ipc.nmbclusters", NULL, NULL,
		    &val, sizeof(val));
	}
	atomic_add_int(&mw.exited, 1);
	kthread_exit();
}

static int
mt_wait_count(volatile u_int *counter, u_int want)
{
	int i;

	for (i = 0; i < 2000 && *counter < want; i++)
		pause("mtwait", hz / 100 + 1);
	return (*counter >= want);
}

/* Fill the clusters up to the limit with MCLGET mbufs; how many held. */
static int
mt_fill_to_limit(void)
{
	struct mbuf *m;
	int n = 0;

	while (n < MT_MAXITEMS) {
		m = m_get(M_NOWAIT, MT_DATA);
		if (m == NULL)
			break;
		MCLGET(m, M_NOWAIT);
		if ((m->m_flags & M_EXT) == 0) {
			m_free(m);
			break;
		}
		mt_m[n++] = m;
	}
	return (n);
}

static void
mt_limit_waitok(struct ktest_ctx *kt, int orig, int packet)
{
	struct mt_base b;
	struct mbuf *m;
	int eff, used, n, i;

	sched_bind(curthread, 0);
	mt_baseline(&b);
	used = uma_zone_get_cur(zone_clust);
	KT_ASSERT_EQ(mt_nmb_set(used + 3), 0);
	eff = mt_nmb_get();
	n = mt_fill_to_limit();
	KT_EXPECT_EQ(n, eff - used);
	KT_ASSERT_GE(n, 1);
	memset(&mw, 0, sizeof(mw));
	mw.victim = mt_m[--n];
	mw.cpu = mp_ncpus > 1 ? 1 : 0;
	mw.restore = orig;
	mw.sleeps0 = mt_stat(zone_clust).zs_sleeps;
	KT_ASSERT_EQ(kthread_add(mt_limit_freer, NULL, NULL, NULL, 0, 0,
	    "mtfreer"), 0);
	if (packet)
		m = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
	else {
		m = m_gethdr(M_WAITOK, MT_DATA);
		if (m != NULL)
			MCLGET(m, M_WAITOK);
	}
	mw.done = 1;
	KT_EXPECT(mt_wait_count(&mw.exited, 1));
	KT_EXPECT_NOT_NULL(m);
	KT_EXPECT_EQ(mw.rescued, 0);
	KT_EXPECT_EQ(mw.saw_sleeper, 1);
	KT_EXPECT_EQ(mt_stat(zone_clust).zs_sleeps - mw.sleeps0, 1);
	if (m != NULL) {
		KT_EXPECT_NE(m->m_flags & M_EXT, 0);
		KT_EXPECT_NE(m->m_flags & M_PKTHDR, 0);
		m_freem(m);
	}
	for (i = 0; i < n; i++)
		m_freem(mt_m[i]);
	KT_EXPECT_EQ(mt_nmb_set(orig), 0);
	KT_EXPECT_EQ(mt_nmb_get(), orig);
	mt_check_baseline(kt, &b);
}

KTEST(mbuf, nmbclusters_limit_waitok_clget)
{
	mt_with_limit(kt, mt_limit_waitok, 0);
}

KTEST(mbuf, nmbclusters_limit_waitok_getcl)
{
	mt_with_limit(kt, mt_limit_waitok, 1);
}

/*
 * A producer bound to CPU 0 builds packets (header mbuf + packet-zone
 * cluster, a sequence number and a pattern) and queues them through
 * m_nextpkt to a consumer bound to CPU 1, which checks and frees them.
 */
#define	PC_PACKETS	20000
#define	PC_QMAX		256
#define	PC_HDRLEN	40
#define	PC_DATALEN	1000

static struct {
	struct mtx	lock;
	struct mbuf	*head, *tail;
	int		qlen, qmax;
	volatile int	stop, produced_all;
	int		produced, consumed, bad, nulls, order;
	volatile u_int	exited;
} pc;

static uint8_t
pc_pat(int seq, int i)
{
	return ((uint8_t)(seq * 31 + i * 7 + 1));
}

static void
pc_producer(void *arg __unused)
{
	struct mbuf *m, *c;
	uint8_t *p;
	int seq, i;

	sched_bind(curthread, 0);
	for (seq = 0; seq < PC_PACKETS && !pc.stop; seq++) {
		m = m_gethdr(M_WAITOK, MT_DATA);
		c = m_getcl(M_WAITOK, MT_DATA, 0);
		if (m == NULL || c == NULL) {
			pc.nulls++;
			m_freem(m);
			m_freem(c);
			continue;
		}
		p = mtod(m, uint8_t *);
		memcpy(p, &seq, sizeof(seq));
		for (i = sizeof(seq); i < PC_HDRLEN; i++)
			p[i] = pc_pat(seq, i);
		m->m_len = PC_HDRLEN;
		p = mtod(c, uint8_t *);
		for (i = 0; i < PC_DATALEN; i++)
			p[i] = pc_pat(seq, i + PC_HDRLEN);
		c->m_len = PC_DATALEN;
		m->m_next = c;
		m->m_pkthdr.len = PC_HDRLEN + PC_DATALEN;
		mtx_lock(&pc.lock);
		while (pc.qlen >= PC_QMAX && !pc.stop)
			msleep(&pc.tail, &pc.lock, 0, "pcfull", hz);
		if (pc.tail == NULL)
			pc.head = m;
		else
			pc.tail->m_nextpkt = m;
		pc.tail = m;
		pc.qlen++;
		if (pc.qlen > pc.qmax)
			pc.qmax = pc.qlen;
		pc.produced++;
		wakeup(&pc.head);
		mtx_unlock(&pc.lock);
	}
	mtx_lock(&pc.lock);
	pc.produced_all = 1;
	wakeup(&pc.head);
	mtx_unlock(&pc.lock);
	atomic_add_int(&pc.exited, 1);
	kthread_exit();
}

static void
pc_consumer(void *arg)
{
	struct mbuf *m, *c;
	uint8_t *p;
	int expect = 0, seq, i, bad;

	sched_bind(curthread, (int)(uintptr_t)arg);
	for (;;) {
		mtx_lock(&pc.lock);
		while (pc.head == NULL && !pc.produced_all && !pc.stop)
			msleep(&pc.head, &pc.lock, 0, "pcempty", hz);
		m = pc.head;
		if (m == NULL) {
			mtx_unlock(&pc.lock);
			break;
		}
		pc.head = m->m_nextpkt;
		if (pc.head == NULL)
			pc.tail = NULL;
		pc.qlen--;
		wakeup(&pc.tail);
		mtx_unlock(&pc.lock);
		m->m_nextpkt = NULL;

		bad = 0;
		c = m->m_next;
		memcpy(&seq, mtod(m, void *), sizeof(seq));
		if (seq != expect)
			pc.order++;
		expect = seq + 1;
		if ((m->m_flags & M_PKTHDR) == 0 || c == NULL ||
		    (c->m_flags & (M_EXT | M_PKTHDR)) != M_EXT ||
		    c->m_next != NULL ||
		    m->m_pkthdr.len != PC_HDRLEN + PC_DATALEN ||
		    m_length(m, NULL) != PC_HDRLEN + PC_DATALEN ||
		    *c->m_ext.ref_cnt != 1)
			bad++;
		else {
			p = mtod(m, uint8_t *);
			for (i = sizeof(seq); i < PC_HDRLEN; i++)
				bad += p[i] != pc_pat(seq, i);
			p = mtod(c, uint8_t *);
			for (i = 0; i < PC_DATALEN; i++)
				bad += p[i] != pc_pat(seq, i + PC_HDRLEN);
		}
		if (bad != 0)
			pc.bad++;
		m_freem(m);
		pc.consumed++;
	}
	atomic_add_int(&pc.exited, 1);
	kthread_exit();
}

KTEST(mbuf, producer_consumer_across_cpus)
{
	struct mt_base b;
	int i;

	mt_baseline(&b);
	memset(&pc, 0, sizeof(pc));
	mtx_init(&pc.lock, "mbuf test queue", NULL, MTX_DEF);
	KT_ASSERT_EQ(kthread_add(pc_consumer,
	    (void *)(uintptr_t)(mp_ncpus > 1 ? 1 : 0), NULL, NULL, 0, 0,
	    "mtcons"), 0);
	KT_ASSERT_EQ(kthread_add(pc_producer, NULL, NULL, NULL, 0, 0,
	    "mtprod"), 0);
	/* Up to 40 s. */
	for (i = 0; i < 4000 && pc.exited < 2; i++)
		pause("mtpc", hz / 100 + 1);
	if (pc.exited < 2) {
		pc.stop = 1;
		mtx_lock(&pc.lock);
		wakeup(&pc.head);
		wakeup(&pc.tail);
		mtx_unlock(&pc.lock);
		mt_wait_count(&pc.exited, 2);
		KT_FAIL("not done in 40 s: %d produced, %d consumed",
		    pc.produced, pc.consumed);
	}
	KT_EXPECT_EQ(pc.produced, PC_PACKETS);
	KT_EXPECT_EQ(pc.consumed, PC_PACKETS);
	KT_EXPECT_EQ(pc.nulls, 0);
	KT_EXPECT_EQ(pc.bad, 0);
	KT_EXPECT_EQ(pc.order, 0);
	KT_EXPECT_EQ(pc.qlen, 0);
	KT_EXPECT_LE(pc.qmax, PC_QMAX);
	KT_EXPECT_NULL(pc.head);
	mtx_destroy(&pc.lock);
	mt_check_baseline(kt, &b);
}

/*
 * Concurrent frees of one shared cluster: each round this thread (bound
 * to CPU 0) makes a cluster, a packet-zone cluster or a driver buffer
 * (MEXTADD, whose free routine counts its calls), gives a reference to
 * a thread bound on every other CPU (m_copym), and all release theirs at
 * the same moment.  Exactly one of them must free the cluster: the free
 * routine runs once per round, and in the end every mbuf and cluster is
 * back (a lost decrement leaks a cluster, a double free makes the count
 * go below the baseline, or panics under INVARIANTS).
 */
#define	SC_ROUNDS	2000

static struct {
	struct mbuf	*slot[MAXCPU];
	volatile u_int	gen, done, ready, exited, extfree;
	volatile int	stop;
	int		nthreads;
} sc;

static void
sc_ext_free(void *buf __unused, void *args __unused)
{
	atomic_add_int(&sc.extfree, 1);
}

static void
sc_worker(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	u_int r;
	struct mbuf *m;

	sched_bind(curthread, cpu);
	atomic_add_int(&sc.ready, 1);
	for (r = 1; r <= SC_ROUNDS; r++) {
		/* No pause: the CPUs must leave the loop at the same moment. */
		while (sc.gen < r && !sc.stop)
			__compiler_membar();
		if (sc.stop)
			break;
		m = sc.slot[cpu];
		sc.slot[cpu] = NULL;
		m_freem(m);
		atomic_add_int(&sc.done, 1);
	}
	atomic_add_int(&sc.exited, 1);
	kthread_exit();
}

KTEST(mbuf, shared_cluster_concurrent_frees)
{
	static char extbuf[2048] __aligned(64);
	struct mt_base b;
	struct mbuf *m;
	u_int r, kind, extrounds = 0, spins;
	int cpu, n = 1, bad = 0;

	mt_baseline(&b);
	memset(__DEVOLATILE(void *, &sc), 0, sizeof(sc));
	sched_bind(curthread, 0);
	CPU_FOREACH(cpu) {
		if (cpu == 0 || !pcpu_find(cpu)->pc_online)
			continue;
		if (kthread_add(sc_worker, (void *)(uintptr_t)cpu, NULL, NULL,
		    0, 0, "mtsc%d", cpu) != 0) {
			sc.stop = 1;
			sched_unbind(curthread);
			KT_FAIL("cannot start a thread on CPU %d", cpu);
		}
		n++;
	}
	sc.nthreads = n - 1;
	if (!mt_wait_count(&sc.ready, n - 1)) {
		sc.stop = 1;
		sched_unbind(curthread);
		KT_FAIL("%u of %d threads started", sc.ready, n - 1);
	}
	for (r = 1; r <= SC_ROUNDS && bad == 0; r++) {
		kind = r % 3;
		if (kind == 0)
			m = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
		else {
			m = m_gethdr(M_WAITOK, MT_DATA);
			if (m != NULL && kind == 1)
				MCLGET(m, M_WAITOK);
			else if (m != NULL) {
				MEXTADD(m, extbuf, sizeof(extbuf), sc_ext_free,
				    NULL, 0, EXT_NET_DRV);
				extrounds++;
			}
		}
		if (m == NULL || (m->m_flags & M_EXT) == 0) {
			bad++;
			break;
		}
		m->m_len = m->m_pkthdr.len = 100;
		CPU_FOREACH(cpu) {
			if (cpu == 0 || !pcpu_find(cpu)->pc_online)
				continue;
			sc.slot[cpu] = m_copym(m, 0, M_COPYALL, M_WAITOK);
			if (sc.slot[cpu] == NULL)
				bad++;
		}
		if (*m->m_ext.ref_cnt != (u_int)n)
			bad++;
		/*
		 * Go: every CPU frees its reference at once.  This CPU waits
		 * a varying while first, so that across the rounds its free
		 * meets the others' at every offset.
		 */
		atomic_store_rel_int(&sc.gen, r);
		for (spins = 0; spins < (r * 7) % 97; spins++)
			__compiler_membar();
		m_freem(m);
		for (spins = 0; sc.done < r * (n - 1); spins++) {
			cpu_pause();
			if ((spins & 0xfffff) == 0xfffff)
				pause("mtscw", 1);
		}
	}
	sc.stop = 1;
	KT_EXPECT(mt_wait_count(&sc.exited, n - 1));
	sched_unbind(curthread);
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(r, SC_ROUNDS + 1);
	KT_EXPECT_EQ(sc.done, SC_ROUNDS * (n - 1));
	KT_EXPECT_EQ(sc.extfree, extrounds);
	mt_check_baseline(kt, &b);
}

/*
 * Death tests: under INVARIANTS the mbuf and cluster zones' ctors check
 * UMA's trash pattern, so a write into a freed cluster (or mbuf) panics
 * when the item is allocated again.  Without INVARIANTS they skip.
 */
KTEST_DEATH(mbuf, write_after_free_cluster, "Memory modified after free")
{
	struct mbuf *m[8];
	caddr_t buf[8];
	int j;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	sched_bind(curthread, 0);
	for (j = 0; j < 8; j++) {
		m[j] = m_get(M_WAITOK, MT_DATA);
		MCLGET(m[j], M_WAITOK);
		KT_ASSERT_NE(m[j]->m_flags & M_EXT, 0);
		KT_ASSERT_EQ(m[j]->m_ext.ext_type, EXT_CLUSTER);
		buf[j] = m[j]->m_ext.ext_buf;
	}
	for (j = 0; j < 8; j++)
		m_freem(m[j]);
	/* Scribble on every freed cluster, then take clusters again. */
	for (j = 0; j < 8; j++)
		((volatile uint32_t *)buf[j])[300] = 0x12345678;
	for (j = 0; j < 8; j++) {
		m[j] = m_get(M_WAITOK, MT_DATA);
		MCLGET(m[j], M_WAITOK);
	}
	KT_FAIL("writes into freed clusters went unnoticed");
}

KTEST_DEATH(mbuf, write_after_free_packet, "Memory modified after free")
{
	struct mbuf *m[8];
	caddr_t buf[8];
	int j;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	sched_bind(curthread, 0);
	for (j = 0; j < 8; j++) {
		m[j] = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
		KT_ASSERT_NOT_NULL(m[j]);
		buf[j] = m[j]->m_ext.ext_buf;
	}
	for (j = 0; j < 8; j++)
		m_freem(m[j]);
	for (j = 0; j < 8; j++)
		((volatile uint32_t *)buf[j])[100] = 0x12345678;
	for (j = 0; j < 8; j++)
		m[j] = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
	KT_FAIL("writes into freed packet clusters went unnoticed");
}

KTEST_DEATH(mbuf, write_after_free_mbuf, "Memory modified after free")
{
	struct mbuf *m[8];
	int j;

	if (!MT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	sched_bind(curthread, 0);
	for (j = 0; j < 8; j++) {
		m[j] = m_get(M_WAITOK, MT_DATA);
		KT_ASSERT_NOT_NULL(m[j]);
	}
	for (j = 0; j < 8; j++)
		m_free(m[j]);
	/* Into the data area of each freed mbuf. */
	for (j = 0; j < 8; j++)
		((volatile uint32_t *)m[j])[30] = 0x12345678;
	for (j = 0; j < 8; j++)
		m[j] = m_get(M_WAITOK, MT_DATA);
	KT_FAIL("writes into freed mbufs went unnoticed");
}
