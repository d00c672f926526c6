/*
 * MemGuard benchmarks (BENCH_MEMGUARD kernel only): a guarded malloc+free
 * against an unguarded one of the same type, and a malloc mix with and
 * without frequency mode at 1 in 1000.
 */
#include "opt_vm.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bench.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>

#ifdef DEBUG_MEMGUARD
MALLOC_DEFINE(M_MGBENCH, "mgbench", "MemGuard benchmarks");

static void
mg_set(const char *name, const void *val, size_t len)
{
	if (kernel_sysctlbyname(name, NULL, NULL, val, len) != 0)
		panic("memguard bench: cannot set %s", name);
}

static void
mg_pairs(struct bench_ctx *b, const char *desc)
{
	uint64_t i;

	mg_set("vm.memguard.desc", desc, strlen(desc) + 1);
	free(malloc(100, M_MGBENCH, M_WAITOK), M_MGBENCH);
	bench_start(b);
	for (i = 0; i < b->bc_iters; i++)
		free(malloc(100, M_MGBENCH, M_WAITOK), M_MGBENCH);
	bench_stop(b);
	mg_set("vm.memguard.desc", "", 1);
}

BENCH_ITERS(memguard_pair_guarded, "malloc + free of 100 bytes, guarded",
    20000)
{
	mg_pairs(b, "mgbench");
}

BENCH_ITERS(memguard_pair_unguarded,
    "malloc + free of 100 bytes, same type unguarded", 20000)
{
	mg_pairs(b, "");
}

/* The log-uniform [1, 65536] mix of malloc_bench.c, 1,000 live at a time. */
static void
mg_mix(struct bench_ctx *b, u_long frequency)
{
	static void *live[1000];
	uint64_t seed = 0x9e3779b97f4a7c15ULL, n;
	int j, bits;

	mg_set("vm.memguard.frequency", &frequency, sizeof(frequency));
	bench_start(b);
	for (n = 0; n < b->bc_iters; n += 1000) {
		for (j = 0; j < 1000; j++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			bits = seed % 16;
			live[j] = malloc(((size_t)1 << bits) +
			    (seed >> 8) % ((size_t)1 << bits), M_MGBENCH,
			    M_WAITOK);
		}
		for (j = 0; j < 1000; j++)
			free(live[j], M_MGBENCH);
	}
	bench_stop(b);
	frequency = 0;
	mg_set("vm.memguard.frequency", &frequency, sizeof(frequency));
}

BENCH_ITERS(memguard_mix_off, "malloc mix (log-uniform), MemGuard idle",
    20000)
{
	mg_mix(b, 0);
}

BENCH_ITERS(memguard_mix_freq1000, "malloc mix, vm.memguard.frequency=1000",
    20000)
{
	mg_mix(b, 1000);
}
#endif
