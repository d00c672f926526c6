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
 * Scaling within one boot (BENCH_SCALE): the bench on CPU 0 alone, then
 * on every CPU at once, in thousandths of "ncpu times as fast" (ncpu *
 * 1000 is perfect), and the same for its ceiling (a per-CPU counter: what
 * perfect scaling looks like on this host), and the bench's figure over
 * the ceiling's.
 *
 * Host load.  Under MTTCG each virtual CPU is a host thread; on a loaded
 * host (the CI machine has 2 cores for several QEMUs) the threads are
 * descheduled for milliseconds, or share one core, while the TSC, which
 * is host time, runs on.  Timing whole runs measured the host's scheduler
 * more than the guest: run ratios of 0.6 to 2.4, and a figure of 69.6 in
 * one boot and 97.0 in the next.  So:
 *   - the bench and its ceiling run interleaved, chunk by chunk, on each
 *     CPU, in the same runs: whatever the host does to a run it does to
 *     both alike, and the figure that matters, the bench's ratio over the
 *     ceiling's, is a quotient of costs measured side by side;
 *   - each CPU times chunks of a few hundred microseconds (the function
 *     called SCALE_SUBCHUNKS times with bc_iters a share of the chunk)
 *     and a run's figure is each CPU's 10th percentile chunk: the host
 *     only ever adds time to a chunk (a vCPU descheduled, or sharing a
 *     core), and on the loaded CI host more than half of the chunks were
 *     hit, so even the median was the host's;
 *   - in the all-CPU run a chunk counts only if every other CPU went
 *     through about as many calls meanwhile (scale_instance): the cost of
 *     an operation while the CPUs really run at once, which is what
 *     scaling is about;
 *   - every run lasts a fixed guest time, SCALE_RUN_MS of TSC time,
 *     whatever the load, and the figures are medians over SCALE_REPS
 *     repetitions of a one-CPU run and an all-CPU run.
 * Each CPU's record is cache lines apart from the others' (it writes its
 * chunk times and progress counter as it goes), so the measurement adds
 * no false sharing of its own.
 */
#define	SCALE_REPS		11
#define	SCALE_CALIB		3	/* one-CPU runs to even out the calls */
#define	SCALE_RUN_MS		80	/* guest time of one run */
#define	SCALE_CHUNK_DIV		3000	/* b_iters / this: ops per call */
#define	SCALE_SUBCHUNKS		8	/* calls per timed chunk */
#define	SCALE_MAX_CHUNKS	512	/* per kind and CPU: ~200 fill a run */
#define	SCALE_PCTILE		10	/* a run's figure: chunk n / this */

struct scale_kind {
	const struct bench	*bench;
	uint64_t		ops;		/* per call */
};

static struct scale_cpu {
	struct bench_ctx	ctx[2];		/* the bench, its ceiling */
	u_int			n[2];		/* chunks kept */
	uint64_t		chunk[2][SCALE_MAX_CHUNKS];	/* TSC ticks */
	volatile uint64_t	progress __aligned(CACHE_LINE_SIZE);
} __aligned(CACHE_LINE_SIZE) scale_cpus[MAXCPU];

static struct {
	struct scale_kind	kind[2];
	int			nkind;
	u_int			ncpu;
	uint64_t		deadline;	/* TSC */
	volatile u_int		ready, done;
	volatile int		go;
} scale;

/*
 * One timed chunk of kind k on this CPU: SCALE_SUBCHUNKS calls, the CPU's
 * progress counter bumped after each.  The chunk is kept when every other
 * CPU went through between half and twice as many calls meanwhile: they
 * really ran side by side.  Fewer: another was descheduled (this chunk
 * ran alone).  More: this one was (the others ran on while this chunk's
 * clock did).
 */
static void
scale_chunk(u_int cpu, int k)
{
	struct scale_cpu *sc = &scale_cpus[cpu];
	struct bench_ctx *b = &sc->ctx[k];
	uint64_t seen[MAXCPU], t, d;
	u_int c, i;
	int ok;

	for (c = 0; c < scale.ncpu; c++)
		seen[c] = scale_cpus[c].progress;
	t = 0;
	for (i = 0; i < SCALE_SUBCHUNKS; i++) {
		b->bc_iters = scale.kind[k].ops;
		scale.kind[k].bench->b_func(b);
		t += b->bc_tsc_stop - b->bc_tsc_start;
		sc->progress++;
	}
	ok = sc->n[k] < SCALE_MAX_CHUNKS;
	for (c = 0; c < scale.ncpu; c++) {
		d = scale_cpus[c].progress - seen[c];
		if (c != cpu && (d < SCALE_SUBCHUNKS / 2 ||
		    d > 2 * SCALE_SUBCHUNKS))
			ok = 0;
	}
	if (ok)
		sc->chunk[k][sc->n[k]++] = t;
}

/* Chunks of the bench and its ceiling, in turn, until the deadline. */
static void
scale_instance(void *arg)
{
	u_int cpu = (u_int)(uintptr_t)arg;
	int k;

	sched_bind(curthread, cpu);
	atomic_add_int(&scale.ready, 1);
	while (!scale.go)
		cpu_pause();
	while (rdtsc() < scale.deadline)
		for (k = 0; k < scale.nkind; k++)
			scale_chunk(cpu, k);
	mtx_lock(&bench_mtx);
	scale.done++;
	wakeup(&scale);
	mtx_unlock(&bench_mtx);
	kthread_exit();
}

/*
 * One run on CPUs 0 to ncpu - 1: in ticks[k], the mean over the CPUs of
 * each one's 10th percentile chunk of kind k (TSC ticks per
 * SCALE_SUBCHUNKS calls).
 * 0 when a CPU kept no chunk (never ran alongside the others).
 */
static int
scale_run(u_int ncpu, uint64_t *ticks)
{
	struct scale_cpu *sc;
	u_int cpu;
	int k;

	bzero(scale_cpus, sizeof(scale_cpus[0]) * ncpu);
	scale.ncpu = ncpu;
	scale.ready = scale.done = 0;
	scale.go = 0;
	for (cpu = 0; cpu < ncpu; cpu++) {
		sc = &scale_cpus[cpu];
		for (k = 0; k < scale.nkind; k++) {
			sc->ctx[k].bc_bench = scale.kind[k].bench;
			sc->ctx[k].bc_cpu = cpu;
			sc->ctx[k].bc_ncpu = ncpu;
		}
		kthread_add(scale_instance, (void *)(uintptr_t)cpu, NULL, NULL,
		    0, 0, "bench%u", cpu);
	}
	while (scale.ready < ncpu)
		pause("benchrdy", 1);
	scale.deadline = rdtsc() + cpu_tickrate() * SCALE_RUN_MS / 1000;
	mtx_lock(&bench_mtx);
	scale.go = 1;
	while (scale.done < ncpu)
		msleep(&scale, &bench_mtx, 0, "benchrun", 0);
	mtx_unlock(&bench_mtx);
	for (k = 0; k < scale.nkind; k++) {
		ticks[k] = 0;
		for (cpu = 0; cpu < ncpu; cpu++) {
			sc = &scale_cpus[cpu];
			if (sc->n[k] == 0)
				return (0);
			sort_u64(sc->chunk[k], sc->n[k]);
			ticks[k] += sc->chunk[k][sc->n[k] / SCALE_PCTILE];
		}
		ticks[k] /= ncpu;
	}
	return (1);
}

static void
scale_line(const struct bench *bench, uint64_t ops, u_int ncpu,
    uint64_t ticks)
{
	struct bench_result r;

	r.tsc = ticks;
	r.ns = ticks * 1000000000 / cpu_tickrate();
	bench_line(bench, ops, ncpu, &r);
}

static void
bench_run_scaling(const struct bench *bench, uint64_t iters)
{
	static uint64_t one[2][SCALE_REPS], all[2][SCALE_REPS];
	static uint64_t ratio[2][SCALE_REPS], paired[SCALE_REPS];
	const struct bench *ref = bench->b_ceiling;
	uint64_t t1[2], tn[2], r, c, pct, ops, calib[SCALE_CALIB];
	u_int ncpu;
	int rep, n, bad, k;

	ncpu = (u_int)mp_ncpus;
	if (ncpu < 2)
		ref = NULL;
	scale.kind[0].bench = bench;
	scale.kind[0].ops = MAX(iters / SCALE_CHUNK_DIV, 1);
	scale.nkind = 1;
	if (ref != NULL) {
		/* The reference keeps the proportion of the default counts. */
		scale.kind[1].bench = ref;
		scale.kind[1].ops = scale.kind[0].ops;
		if (ref->b_iters != 0 && bench->b_iters != 0)
			scale.kind[1].ops = MAX(scale.kind[0].ops *
			    ref->b_iters / bench->b_iters, 1);
		scale.nkind = 2;
	}
	ops = scale.kind[0].ops * SCALE_SUBCHUNKS;
	if (bench->b_setup != NULL)
		bench->b_setup();
	if (ref != NULL && ref->b_setup != NULL)
		ref->b_setup();
	/*
	 * Warm-up, on CPU 0 alone, which also evens out the two kinds' calls
	 * so that "as many calls" means "as long" in scale_chunk: the median
	 * over SCALE_CALIB runs of the ceiling's ops per bench call's time.
	 */
	for (rep = n = 0; rep < SCALE_CALIB; rep++)
		if (scale_run(1, t1) && ref != NULL && t1[1] != 0)
			calib[n++] = scale.kind[1].ops * t1[0] / t1[1];
	if (n > 0) {
		sort_u64(calib, n);
		scale.kind[1].ops = MAX(calib[n / 2], 1);
	}
	n = bad = 0;
	for (rep = 0; rep < SCALE_REPS; rep++) {
		if (!scale_run(1, t1) || (ncpu > 1 && !scale_run(ncpu, tn))) {
			bad++;
			continue;
		}
		for (k = 0; k < scale.nkind; k++) {
			one[k][n] = t1[k];
			all[k][n] = ncpu > 1 ? tn[k] : t1[k];
			ratio[k][n] = ncpu * one[k][n] * 1000 / all[k][n];
		}
		paired[n] = ref != NULL ? ratio[0][n] * 1000 / ratio[1][n] : 0;
		n++;
	}
	if (ref != NULL && ref->b_teardown != NULL)
		ref->b_teardown();
	if (bench->b_teardown != NULL)
		bench->b_teardown();
	if (n == 0) {
		printf("BENCH name=%s figure=failed_no_concurrent_chunks "
		    "value=%d\n", bench->b_name, bad);
		return;
	}
	sort_u64(one[0], n);
	sort_u64(all[0], n);
	sort_u64(ratio[0], n);
	if (ncpu < 2) {
		scale_line(bench, ops, 1, one[0][n / 2]);
		printf("BENCH name=%s figure=skipped_needs_2_cpus value=1\n",
		    bench->b_name);
		return;
	}
	scale_line(bench, ops, ncpu, all[0][n / 2]);
	r = ratio[0][n / 2];
	printf("BENCH name=%s figure=ops_per_s_1cpu value=%ju\n",
	    bench->b_name, (uintmax_t)(ops * cpu_tickrate() / one[0][n / 2]));
	printf("BENCH name=%s figure=scaling_permille value=%ju\n",
	    bench->b_name, (uintmax_t)r);
	if (ref == NULL) {
		printf("BENCH scaling name=%s ncpu=%u ratio=%ju.%03ju\n",
		    bench->b_name, ncpu, (uintmax_t)(r / 1000),
		    (uintmax_t)(r % 1000));
		return;
	}
	sort_u64(ratio[1], n);
	sort_u64(paired, n);
	c = ratio[1][n / 2];
	pct = paired[n / 2];
	printf("BENCH name=%s figure=ceiling_scaling_permille value=%ju\n",
	    bench->b_name, (uintmax_t)c);
	printf("BENCH name=%s figure=paired_permille_of_ceiling "
	    "value=%ju\n", bench->b_name, (uintmax_t)pct);
	printf("BENCH scaling name=%s ncpu=%u ratio=%ju.%03ju ceiling=%ju.%03ju "
	    "(%s) pct_of_ceiling=%ju.%ju\n", bench->b_name, ncpu,
	    (uintmax_t)(r / 1000), (uintmax_t)(r % 1000), (uintmax_t)(c / 1000),
	    (uintmax_t)(c % 1000), ref->b_name, (uintmax_t)(pct / 10),
	    (uintmax_t)(pct % 10));
	/* The spread over the repetitions, and what was thrown away. */
	printf("BENCH scaling name=%s reps=%d of %d run_ratios=%ju-%ju "
	    "ceiling_run_ratios=%ju-%ju paired=%ju-%ju (thousandths) "
	    "chunk_ops=%ju ceiling_chunk_ops=%ju run_ms=%d\n", bench->b_name,
	    n, SCALE_REPS,
	    (uintmax_t)ratio[0][0], (uintmax_t)ratio[0][n - 1],
	    (uintmax_t)ratio[1][0], (uintmax_t)ratio[1][n - 1],
	    (uintmax_t)paired[0], (uintmax_t)paired[n - 1], (uintmax_t)ops,
	    (uintmax_t)(scale.kind[1].ops * SCALE_SUBCHUNKS), SCALE_RUN_MS);
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
