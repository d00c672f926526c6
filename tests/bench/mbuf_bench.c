/*
 * mbuf benchmarks: a packet with a cluster through the packet zone against
 * an mbuf plus a cluster attached; a plain mbuf; a producer CPU handing
 * chains to a consumer CPU.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <sys/mbuf.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>

BENCH(mbuf_getcl_freem, "m_getcl + m_freem (packet zone)")
{
	struct mbuf *m;
	uint64_t i;

	m_freem(m_getcl(M_WAITOK, MT_DATA, M_PKTHDR));
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		m = m_getcl(M_NOWAIT, MT_DATA, M_PKTHDR);
		m_freem(m);
	}
	bench_stop(b);
}

BENCH(mbuf_gethdr_clget_freem, "m_gethdr + m_clget + m_freem")
{
	struct mbuf *m;
	uint64_t i;

	m = m_gethdr(M_WAITOK, MT_DATA);
	m_clget(m, M_WAITOK);
	m_freem(m);
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		m = m_gethdr(M_NOWAIT, MT_DATA);
		m_clget(m, M_NOWAIT);
		m_freem(m);
	}
	bench_stop(b);
}

BENCH(mbuf_get_free, "m_get + m_free")
{
	uint64_t i;

	m_free(m_get(M_WAITOK, MT_DATA));
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++)
		m_free(m_get(M_NOWAIT, MT_DATA));
	bench_stop(b);
}

/*
 * CPU 0 builds two-mbuf chains (a header mbuf and a packet with a cluster)
 * and hands them through a ring to CPU 1, which frees them: packets/s.
 */
#define	RING	512
static struct mbuf * volatile pring[RING];
static volatile uint64_t phead, ptail;
static volatile u_int pready;

BENCH_FLAGS(mbuf_producer_consumer, "chains from CPU 0 freed on CPU 1", 0,
    BENCH_ALLCPUS)
{
	struct mbuf *m;
	uint64_t i;

	if (b->bc_ncpu < 2) {
		bench_start(b);
		bench_stop(b);
		bench_report(b, "skipped_needs_2_cpus", 1);
		return;
	}
	if (b->bc_cpu == 0) {
		phead = ptail = 0;
		atomic_store_rel_int(&pready, 1);
	} else
		while (atomic_load_acq_int(&pready) == 0)
			cpu_pause();
	bench_start(b);
	if (b->bc_cpu == 0) {
		for (i = 0; i < b->bc_iters; i++) {
			m = m_gethdr(M_WAITOK, MT_HEADER);
			m->m_next = m_getcl(M_WAITOK, MT_DATA, 0);
			m->m_len = 64;
			m->m_next->m_len = 1400;
			m->m_pkthdr.len = 1464;
			while (phead - ptail >= RING)
				cpu_pause();
			pring[phead % RING] = m;
			atomic_store_rel_64(&phead, phead + 1);
		}
	} else if (b->bc_cpu == 1) {
		for (i = 0; i < b->bc_iters; i++) {
			while (atomic_load_acq_64(&phead) == ptail)
				cpu_pause();
			m = pring[ptail % RING];
			atomic_store_rel_64(&ptail, ptail + 1);
			m_freem(m);
		}
	}
	bench_stop(b);
	if (b->bc_cpu == 1)
		atomic_store_rel_int(&pready, 0);
}
