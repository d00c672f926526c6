/*
 * In-kernel benchmarks (options KBENCH); the interface is in sys/bench.h.
 *
 * When bench.run is set, at SI_SUB_KTEST (after the test runner) the boot
 * thread runs the selected benchmarks and exits QEMU.  A single-CPU bench
 * runs in the boot thread bound to CPU 0; a BENCH_ALLCPUS bench runs in
 * one thread per CPU, released together, and its time is the slowest
 * instance's.  TSC ticks per operation are instructions per operation
 * under QEMU -icount shift=0; nanoseconds come from the calibrated TSC.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/bench.h>
#include <sys/cons.h>
#include <sys/kthread.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

SET_DECLARE(bench_set, struct bench);

#define	BENCH_REPS		5
#define	BENCH_DEFAULT_ITERS	100000

struct bench_result {
	uint64_t	tsc;		/* slowest instance */
	uint64_t	ns;
};

void
bench_start(struct bench_ctx *b)
{
	b->bc_ns_start = uptime_ns();
	b->bc_tsc_start = rdtsc();
}

void
bench_stop(struct bench_ctx *b)
{
	b->bc_tsc_stop = rdtsc();
	b->bc_ns_stop = uptime_ns();
}

void
bench_report(struct bench_ctx *b, const char *figure, intmax_t value)
{
	printf("BENCH name=%s figure=%s value=%jd\n", b->bc_bench->b_name,
	    figure, value);
}

static struct {
	const struct bench	*bench;
	uint64_t		iters;
	volatile u_int		ready, done;
	volatile int		go;
	struct bench_ctx	ctx[MAXCPU];
} bench_all;

static void
bench_instance(void *arg)
{
	u_int cpu = (u_int)(uintptr_t)arg;
	struct bench_ctx *b = &bench_all.ctx[cpu];

	sched_bind(curthread, cpu);
	atomic_add_int(&bench_all.ready, 1);
	while (!bench_all.go)
		cpu_pause();
	bench_all.bench->b_func(b);
	atomic_add_int(&bench_all.done, 1);
	kthread_exit();
}

static void
bench_once(const struct bench *bench, uint64_t iters, u_int ncpu,
    struct bench_result *r)
{
	struct bench_ctx *b;
	u_int cpu;

	bzero(&bench_all, sizeof(bench_all));
	bench_all.bench = bench;
	for (cpu = 0; cpu < ncpu; cpu++) {
		b = &bench_all.ctx[cpu];
		b->bc_bench = bench;
		b->bc_iters = iters;
		b->bc_cpu = cpu;
		b->bc_ncpu = ncpu;
	}
	if (ncpu == 1) {
		sched_bind(curthread, 0);
		bench->b_func(&bench_all.ctx[0]);
		sched_unbind(curthread);
	} else {
		for (cpu = 0; cpu < ncpu; cpu++)
			kthread_add(bench_instance, (void *)(uintptr_t)cpu,
			    NULL, NULL, 0, 0, "bench%u", cpu);
		while (bench_all.ready < ncpu)
			pause("benchrdy", 1);
		bench_all.go = 1;
		while (bench_all.done < ncpu)
			pause("benchrun", 1);
	}
	r->tsc = r->ns = 0;
	for (cpu = 0; cpu < ncpu; cpu++) {
		b = &bench_all.ctx[cpu];
		r->tsc = MAX(r->tsc, b->bc_tsc_stop - b->bc_tsc_start);
		r->ns = MAX(r->ns, b->bc_ns_stop - b->bc_ns_start);
	}
}

static void
sort_results(struct bench_result *r, int n)
{
	struct bench_result t;
	int i, j;

	for (i = 1; i < n; i++) {
		t = r[i];
		for (j = i; j > 0 && r[j - 1].tsc > t.tsc; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
}

static void
bench_run_one(const struct bench *bench, uint64_t iters_override)
{
	struct bench_result r[BENCH_REPS], *med;
	uint64_t iters, ops, centi;
	u_int ncpu;
	int rep;

	iters = iters_override != 0 ? iters_override :
	    bench->b_iters != 0 ? bench->b_iters : BENCH_DEFAULT_ITERS;
	ncpu = (bench->b_flags & BENCH_ALLCPUS) != 0 ? (u_int)mp_ncpus : 1;
	for (rep = 0; rep < BENCH_REPS; rep++)
		bench_once(bench, iters, ncpu, &r[rep]);
	sort_results(r, BENCH_REPS);
	med = &r[BENCH_REPS / 2];
	centi = med->tsc * 100 / iters;
	ops = med->ns != 0 ? iters * ncpu * 1000000000 / med->ns : 0;
	printf("BENCH name=%s iters=%ju ncpu=%u tsc_per_op=%ju.%02ju "
	    "ns_per_op=%ju ops_per_s=%ju\n", bench->b_name, (uintmax_t)iters,
	    ncpu, (uintmax_t)(centi / 100), (uintmax_t)(centi % 100),
	    (uintmax_t)(med->ns / iters), (uintmax_t)ops);
}

static int
bench_selected(const char *sel, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (strcmp(sel, "all") == 0)
		return (1);
	for (p = sel; (p = strstr(p, name)) != NULL; p += n)
		if ((p == sel || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return (1);
	return (0);
}

static void
bench_run(const char *sel, uint64_t iters)
{
	struct bench **bp;

	SET_FOREACH(bp, bench_set)
		if (bench_selected(sel, (*bp)->b_name))
			bench_run_one(*bp, iters);
}

static void
bench_main(void *dummy __unused)
{
	char sel[256];
	u_long iters = 0;

	if (!getenv_string("bench.run", sel, sizeof(sel)))
		return;
	getenv_ulong("bench.iters", &iters);
	printf("BENCH start ncpu=%d tsc_freq=%ju\n", mp_ncpus,
	    (uintmax_t)cpu_tickrate());
	bench_run(sel, iters);
	printf("BENCH end\n");
	shutdown_halt(EXIT_OK);
}
SYSINIT(bench, SI_SUB_KTEST, SI_ORDER_SECOND, bench_main, NULL);

static int
cmd_bench(int argc, char **argv)
{
	struct bench **bp;

	if (argc == 1) {
		SET_FOREACH(bp, bench_set)
			printf("  %-24s %s\n", (*bp)->b_name, (*bp)->b_desc);
		return (0);
	}
	if (argc != 2 || argv[1][0] == '-') {
		printf("usage: bench [name[,name...]|all]\n");
		return (1);
	}
	bench_run(argv[1], 0);
	return (0);
}
CONS_COMMAND(bench, cmd_bench, "bench [name,...|all]",
    "list or run the benchmarks");

/* The plumbing's own reference point: an empty loop. */
BENCH(empty_loop, "an empty loop iteration (the measurement floor)")
{
	uint64_t i;

	bench_start(b);
	for (i = 0; i < b->bc_iters; i++)
		__compiler_membar();
	bench_stop(b);
}
