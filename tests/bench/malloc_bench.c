/*
 * malloc(9) benchmarks: a malloc+free pair per size class against a
 * uma_zalloc+uma_zfree pair of the same size, a large allocation, and the
 * waste of the size classes on two request mixes.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <sys/malloc.h>
#include <vm/uma.h>

MALLOC_DEFINE(M_BENCH, "bench", "malloc benchmarks");

static void
malloc_pairs(struct bench_ctx *b, size_t size)
{
	uint64_t i;
	void *p;

	free(malloc(size, M_BENCH, M_WAITOK), M_BENCH);	/* warm */
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		p = malloc(size, M_BENCH, M_NOWAIT);
		free(p, M_BENCH);
	}
	bench_stop(b);
}

static void
zone_pairs(struct bench_ctx *b, size_t size)
{
	uma_zone_t zone;
	uint64_t i;
	void *p;

	zone = uma_zcreate("bench pair", size, NULL, NULL, NULL, NULL,
	    UMA_ALIGN_PTR, 0);
	uma_zfree(zone, uma_zalloc(zone, M_WAITOK));	/* warm */
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++) {
		p = uma_zalloc(zone, M_NOWAIT);
		uma_zfree(zone, p);
	}
	bench_stop(b);
	uma_zdestroy(zone);
}

#define	MALLOC_PAIR_BENCH(sz)						\
BENCH(malloc_pair_##sz, "malloc + free of " #sz " bytes")		\
{									\
	malloc_pairs(b, sz);						\
}

#define	PAIR_BENCH(sz)							\
MALLOC_PAIR_BENCH(sz)							\
BENCH(zone_pair_##sz, "uma_zalloc + uma_zfree of " #sz " bytes")	\
{									\
	zone_pairs(b, sz);						\
}

PAIR_BENCH(16)
PAIR_BENCH(64)
PAIR_BENCH(256)
PAIR_BENCH(1024)
PAIR_BENCH(4096)
/* The largest classes: multi-page slabs, the last one KMEM_ZMAX. */
MALLOC_PAIR_BENCH(16384)
MALLOC_PAIR_BENCH(65536)

BENCH_ITERS(malloc_pair_large, "malloc + free of 128 KiB (kmem_map)", 20000)
{
	malloc_pairs(b, 128 * 1024);
}

/*
 * Waste: (size handed out - size asked) / size handed out, in tenths of a
 * percent, over 100,000 requests, held 10,000 at a time.
 */
#define	WASTE_REQUESTS	100000
#define	WASTE_LIVE	10000

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

static void
malloc_waste(struct bench_ctx *b, int loguniform)
{
	static void *live[WASTE_LIVE];
	uint64_t seed = 0x9e3779b97f4a7c15ULL, asked = 0, real = 0;
	size_t size;
	int i, j, bits;

	bench_start(b);
	for (i = 0; i < WASTE_REQUESTS; i += WASTE_LIVE) {
		for (j = 0; j < WASTE_LIVE; j++) {
			if (loguniform) {
				bits = xorshift(&seed) % 16;
				size = ((size_t)1 << bits) +
				    xorshift(&seed) % ((size_t)1 << bits);
			} else
				size = 1 + xorshift(&seed) % 4096;
			live[j] = malloc(size, M_BENCH, M_WAITOK);
			asked += size;
			real += malloc_usable_size(live[j]);
		}
		for (j = 0; j < WASTE_LIVE; j++)
			free(live[j], M_BENCH);
	}
	bench_stop(b);
	bench_report(b, "waste_permille", (real - asked) * 1000 / real);
}

BENCH_ITERS(malloc_waste_uniform4k, "waste, sizes uniform in [1, 4096]",
    WASTE_REQUESTS)
{
	malloc_waste(b, 0);
}

BENCH_ITERS(malloc_waste_log64k, "waste, sizes log-uniform in [1, 65536]",
    WASTE_REQUESTS)
{
	malloc_waste(b, 1);
}
