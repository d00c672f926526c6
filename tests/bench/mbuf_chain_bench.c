/*
 * Benchmarks of the chain routines of issue 15: m_dup and m_defrag of a
 * 64 KB chain, m_split and m_pulldown of a 1500-byte packet, and
 * m_getjcl + m_freem at each jumbo size.  Each loop undoes its operation
 * cheaply so that every iteration sees the same chain; what the undo
 * costs is named in the description.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <sys/mbuf.h>

#define	B64K	(64 * 1024)

static uint8_t	bench_buf[MCLBYTES];

/* A packet of len bytes in pieces of at most piece bytes (clusters). */
static struct mbuf *
bench_chain(int len, int piece)
{
	struct mbuf *m, *n;

	m = m_getcl(M_WAITOK, MT_DATA, M_PKTHDR);
	m->m_pkthdr.len = 0;
	while (len > 0) {
		n = m->m_pkthdr.len == 0 ? m : m_getcl(M_WAITOK, MT_DATA, 0);
		n->m_len = imin(len, piece);
		memcpy(mtod(n, void *), bench_buf, n->m_len);
		if (n != m)
			m_cat(m, n);
		m->m_pkthdr.len += n->m_len;
		len -= n->m_len;
	}
	return (m);
}

BENCH_ITERS(mbuf_dup_64k, "m_dup + m_freem of a 64 KB chain (1 KB pieces)",
    200)
{
	struct mbuf *m;
	uint64_t i;

	m = bench_chain(B64K, 1024);
	m_freem(m_dup(m, M_WAITOK));
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++)
		m_freem(m_dup(m, M_NOWAIT));
	bench_stop(b);
	m_freem(m);
}

BENCH_ITERS(mbuf_defrag_64k, "m_defrag of a 64 KB chain (into 32 clusters)",
    200)
{
	struct mbuf *m, *d;
	uint64_t i;

	m = bench_chain(B64K, 1024);
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		d = m_defrag(m, M_NOWAIT);
		if (d != NULL)
			m = d;
	}
	bench_stop(b);
	m_freem(m);
}

BENCH_ITERS(mbuf_split_1500,
    "m_split of a 1500-byte packet at 750, + m_freem", 20000)
{
	struct mbuf *m, *n;
	uint64_t i;

	m = bench_chain(1500, MCLBYTES);
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		n = m_split(m, 750, M_NOWAIT);
		m->m_len = m->m_pkthdr.len = 1500;
		m_freem(n);
	}
	bench_stop(b);
	m_freem(m);
}

BENCH_ITERS(mbuf_pulldown_1500,
    "m_pulldown of 28 bytes across two mbufs of a 1500-byte packet", 20000)
{
	struct mbuf *m, *c, *n;
	uint64_t i;
	int off;

	/* 34 header bytes in the header mbuf, 1466 in a cluster. */
	m = m_gethdr(M_WAITOK, MT_DATA);
	c = m_getcl(M_WAITOK, MT_DATA, 0);
	m->m_len = 34;
	c->m_data += 64;
	c->m_len = 1466;
	m->m_next = c;
	m->m_pkthdr.len = 1500;
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		n = m_pulldown(m, 14, 28, &off);
		/* Undo: the 8 bytes pulled go back to the cluster. */
		if (n == m) {
			m->m_len -= 8;
			c->m_data -= 8;
			c->m_len += 8;
		}
	}
	bench_stop(b);
	m_freem(m);
}

static void
bench_getjcl(struct bench_ctx *b, int size)
{
	uint64_t i;

	m_freem(m_getjcl(M_WAITOK, MT_DATA, M_PKTHDR, size));
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++)
		m_freem(m_getjcl(M_NOWAIT, MT_DATA, M_PKTHDR, size));
	bench_stop(b);
}

BENCH_ITERS(mbuf_getjcl_page, "m_getjcl(MJUMPAGESIZE) + m_freem",
    20000)
{
	bench_getjcl(b, MJUMPAGESIZE);
}

BENCH_ITERS(mbuf_getjcl_9k, "m_getjcl(MJUM9BYTES) + m_freem",
    20000)
{
	bench_getjcl(b, MJUM9BYTES);
}

BENCH_ITERS(mbuf_getjcl_16k, "m_getjcl(MJUM16BYTES) + m_freem",
    20000)
{
	bench_getjcl(b, MJUM16BYTES);
}
