/*
 * In-kernel benchmarks (options KBENCH); the interface is in sys/bench.h.
 *
 * When bench.run is set, at SI_SUB_KTEST (after the test runner) the boot
 * thread runs the selected benchmarks and exits QEMU.  A single-CPU bench
 * runs in the boot thread bound to CPU 0; a BENCH_ALLCPUS bench runs in
 * one thread per CPU, released together, and its time is the slowest
 * instance's.  A BENCH_SCALE bench runs through the same threads on CPU 0
 * alone and then on every CPU, with its ceiling bench interleaved, and
 * reports the ratios.  TSC ticks per operation are instructions per operation
 * under QEMU -icount shift=0; nanoseconds come from the calibrated TSC.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/bench.h>
#include <sys/cons.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

SET_DECLARE(bench_set, struct bench);

#define	BENCH_REPS		5
#define	BENCH_SCALE_REPS	25
#define	BENCH_DEFAULT_ITERS	100000

struct bench_result {
	uint64_t	tsc;		/* slowest instance */
	uint64_t	ns;
};

static void	bench_run_scaling(const struct bench *, uint64_t);

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

static struct mtx	bench_mtx;	/* bench_all.done, its wakeup */
MTX_SYSINIT(bench_mtx, &bench_mtx, "bench", MTX_DEF);

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
	mtx_lock(&bench_mtx);
	bench_all.done++;
	wakeup(&bench_all);
	mtx_unlock(&bench_mtx);
	kthread_exit();
}

/*
 * Run one instance on each of CPUs 0 to ncpu - 1.  With threaded false and
 * one CPU the boot thread runs it; otherwise one thread bound to each CPU,
 * released together.  r gets the slowest instance's time.
 */
static void
bench_once(const struct bench *bench, uint64_t iters, u_int ncpu,
    int threaded, struct bench_result *r)
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
	if (ncpu == 1 && !threaded) {
		sched_bind(curthread, 0);
		bench->b_func(&bench_all.ctx[0]);
		sched_unbind(curthread);
	} else {
		for (cpu = 0; cpu < ncpu; cpu++)
			kthread_add(bench_instance, (void *)(uintptr_t)cpu,
			    NULL, NULL, 0, 0, "bench%u", cpu);
		while (bench_all.ready < ncpu)
			pause("benchrdy", 1);
		/* Sleep, not poll: a waking runner would steal a CPU. */
		mtx_lock(&bench_mtx);
		bench_all.go = 1;
		while (bench_all.done < ncpu)
			msleep(&bench_all, &bench_mtx, 0, "benchrun", 0);
		mtx_unlock(&bench_mtx);
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
bench_line(const struct bench *bench, uint64_t iters, u_int ncpu,
    const struct bench_result *med)
{
	uint64_t ops, centi;

	centi = med->tsc * 100 / iters;
	ops = med->ns != 0 ? iters * ncpu * 1000000000 / med->ns : 0;
	printf("BENCH name=%s iters=%ju ncpu=%u tsc_per_op=%ju.%02ju "
	    "ns_per_op=%ju ops_per_s=%ju\n", bench->b_name, (uintmax_t)iters,
	    ncpu, (uintmax_t)(centi / 100), (uintmax_t)(centi % 100),
	    (uintmax_t)(med->ns / iters), (uintmax_t)ops);
}

static void
bench_run_one(const struct bench *bench, uint64_t iters_override)
{
	struct bench_result r[BENCH_REPS], *med;
	uint64_t iters;
	u_int ncpu;
	int rep;

	iters = iters_override != 0 ? iters_override :
	    bench->b_iters != 0 ? bench->b_iters : BENCH_DEFAULT_ITERS;
	if ((bench->b_flags & BENCH_SCALE) != 0) {
		bench_run_scaling(bench, iters);
		return;
	}
	ncpu = (bench->b_flags & BENCH_ALLCPUS) != 0 ? (u_int)mp_ncpus : 1;
	for (rep = 0; rep < BENCH_REPS; rep++)
		bench_once(bench, iters, ncpu, 0, &r[rep]);
	sort_results(r, BENCH_REPS);
	med = &r[BENCH_REPS / 2];
	bench_line(bench, iters, ncpu, med);
}

static void
sort_u64(uint64_t *v, int n)
{
	uint64_t t;
	int i, j;

	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/*
 * Scaling of one bench in thousandths: ncpu times the one-CPU time over
 * the all-CPU time (the same work per thread).  Each run takes a one-CPU
 * and an all-CPU measurement back to back, and the bench's run is followed
 * at once by its ceiling's, so host load, which comes and goes over
 * seconds, mostly touches both sides of a run's quotient alike: the
 * figures are medians of per-run ratios and of per-run quotients.
 */
struct bench_scale {
	struct bench_result	one[BENCH_SCALE_REPS];
	struct bench_result	all[BENCH_SCALE_REPS];
	uint64_t		ratio[BENCH_SCALE_REPS];
};

static void
bench_scale_rep(const struct bench *bench, uint64_t iters, u_int ncpu,
    struct bench_scale *s, int rep)
{
	struct bench_result one, all;

	bench_once(bench, iters, 1, 1, &one);
	if (ncpu > 1)
		bench_once(bench, iters, ncpu, 1, &all);
	else
		all = one;
	if (rep < 0)
		return;			/* the warm-up run */
	s->one[rep] = one;
	s->all[rep] = all;
	s->ratio[rep] = all.tsc != 0 ? ncpu * one.tsc * 1000 / all.tsc : 0;
}

static void
bench_run_scaling(const struct bench *bench, uint64_t iters)
{
	static struct bench_scale op, ceil;
	const struct bench *ref = bench->b_ceiling;
	uint64_t r, c, pct, ref_iters, paired[BENCH_SCALE_REPS];
	u_int ncpu;
	int rep;

	ncpu = (u_int)mp_ncpus;
	if (ncpu < 2) {
		/* No ratio to take: the one-CPU figure, at the usual count. */
		iters = MIN(iters, BENCH_DEFAULT_ITERS);
		ref = NULL;
	}
	/*
	 * The reference keeps the proportion of the default counts, so both
	 * take about as long and host load has the same chance at each.
	 */
	ref_iters = iters;
	if (ref != NULL && ref->b_iters != 0 && bench->b_iters != 0)
		ref_iters = iters * ref->b_iters / bench->b_iters;
	if (bench->b_setup != NULL)
		bench->b_setup();
	if (ref != NULL && ref->b_setup != NULL)
		ref->b_setup();
	for (rep = -1; rep < (ncpu < 2 ? BENCH_REPS : BENCH_SCALE_REPS);
	    rep++) {
		bench_scale_rep(bench, iters, ncpu, &op, rep);
		if (ref != NULL)
			bench_scale_rep(ref, ref_iters, ncpu, &ceil, rep);
	}
	if (ref != NULL && ref->b_teardown != NULL)
		ref->b_teardown();
	if (bench->b_teardown != NULL)
		bench->b_teardown();
	if (ncpu < 2) {
		sort_results(op.one, BENCH_REPS);
		bench_line(bench, iters, 1, &op.one[BENCH_REPS / 2]);
		printf("BENCH name=%s figure=skipped_needs_2_cpus value=1\n",
		    bench->b_name);
		return;
	}
	for (rep = 0; rep < BENCH_SCALE_REPS; rep++)
		paired[rep] = ceil.ratio[rep] != 0 ?
		    op.ratio[rep] * 1000 / ceil.ratio[rep] : 0;
	sort_u64(paired, BENCH_SCALE_REPS);
	sort_results(op.one, BENCH_SCALE_REPS);
	sort_results(op.all, BENCH_SCALE_REPS);
	sort_u64(op.ratio, BENCH_SCALE_REPS);
	sort_u64(ceil.ratio, BENCH_SCALE_REPS);
	bench_line(bench, iters, ncpu, &op.all[BENCH_SCALE_REPS / 2]);
	r = op.ratio[BENCH_SCALE_REPS / 2];
	printf("BENCH name=%s figure=ops_per_s_1cpu value=%ju\n",
	    bench->b_name, (uintmax_t)(op.one[BENCH_SCALE_REPS / 2].ns != 0 ?
	    iters * 1000000000 / op.one[BENCH_SCALE_REPS / 2].ns : 0));
	printf("BENCH name=%s figure=scaling_permille value=%ju\n",
	    bench->b_name, (uintmax_t)r);
	if (ref == NULL) {
		printf("BENCH scaling name=%s ncpu=%u ratio=%ju.%03ju\n",
		    bench->b_name, ncpu, (uintmax_t)(r / 1000),
		    (uintmax_t)(r % 1000));
		return;
	}
	c = ceil.ratio[BENCH_SCALE_REPS / 2];
	pct = paired[BENCH_SCALE_REPS / 2];
	printf("BENCH name=%s figure=ceiling_scaling_permille value=%ju\n",
	    bench->b_name, (uintmax_t)c);
	printf("BENCH name=%s figure=paired_permille_of_ceiling "
	    "value=%ju\n", bench->b_name, (uintmax_t)pct);
	printf("BENCH scaling name=%s ncpu=%u ratio=%ju.%03ju ceiling=%ju.%03ju "
	    "(%s) pct_of_ceiling=%ju.%ju\n", bench->b_name, ncpu,
	    (uintmax_t)(r / 1000), (uintmax_t)(r % 1000), (uintmax_t)(c / 1000),
	    (uintmax_t)(c % 1000), ref->b_name, (uintmax_t)(pct / 10),
	    (uintmax_t)(pct % 10));
	/* The spread of the per-run ratios: how much host load moved them. */
	printf("BENCH scaling name=%s runs=%d run_ratios=%ju-%ju "
	    "ceiling_run_ratios=%ju-%ju (thousandths)\n", bench->b_name,
	    BENCH_SCALE_REPS, (uintmax_t)op.ratio[0],
	    (uintmax_t)op.ratio[BENCH_SCALE_REPS - 1], (uintmax_t)ceil.ratio[0],
	    (uintmax_t)ceil.ratio[BENCH_SCALE_REPS - 1]);
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
