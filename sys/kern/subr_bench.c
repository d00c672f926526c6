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
 * Scaling within one boot (BENCH_SCALE): the bench on each CPU alone, then
 * on every CPU at once, in thousandths of "ncpu times as fast" (ncpu *
 * 1000 is perfect), and the same for its ceiling (a per-CPU counter: what
 * perfect scaling looks like on this host), and the bench's figure over
 * the ceiling's.
 *
 * Host load.  Under MTTCG each virtual CPU is a host thread, and the TSC
 * is host time.  On a loaded host (2 cores shared by several QEMUs) the
 * vCPU threads run in turns of a millisecond or so: at load average 5 to
 * 10 the two vCPUs of one QEMU often overlapped in 0 to 2 of 4,000 or
 * more pairs of calls in a second, one running while the other waited.  An
 * all-CPU run of fixed length then holds almost no concurrent
 * execution; chunks of a few hundred microseconds, each kind's 10th
 * percentile (the previous runner), were nearly all stretched, each kind
 * a different draw, and the figure came out anywhere from 65 to 150.  So:
 *   - the unit is a pair of short calls (the function with bc_iters a
 *     share of b_iters, ~10 us), one of the bench and one of its ceiling,
 *     back to back on the same CPU, in alternating order, and a pair's
 *     figure is the quotient of the two call times: the bench's cost in
 *     units of the ceiling's, measured side by side;
 *   - the ceiling's calls are evened out to take as long as the bench's,
 *     so a host interruption hits either call of a pair alike: larger
 *     quotients and smaller ones, and the median quotient is the clean
 *     one even with many pairs hit;
 *   - in the all-CPU run a pair counts only if every other CPU went
 *     through about as many calls meanwhile (scale_pair): the cost of an
 *     operation while the CPUs really run at once, which is what scaling
 *     is about;
 *   - a run goes on until every CPU has kept SCALE_KEEP pairs (or
 *     SCALE_RUN_MS of guest time passed), however rare concurrent
 *     execution is; a run with fewer than SCALE_MIN_KEPT pairs on a CPU
 *     does not count;
 *   - the bench's scaling over the ceiling's, (t1 / tn) / (t1' / tn'), is
 *     (t1 / t1') / (tn / tn'): a CPU's median quotient when it ran alone
 *     over its median quotient when all ran;
 *   - what one loop costs relative to another differs between vCPUs and
 *     threads, for a whole boot: the zone pairs' quotient was 1.0 on CPU 0
 *     and 1.2 or 2.5 on CPU 1, alone or not, or (a new thread per run)
 *     1.0 alone and 2.0 to 2.3 in the all-CPU run's thread; an effect of
 *     the emulation (each vCPU has its own software TLB, each thread its
 *     own stack, bucket and struct thread; which one was not pinned
 *     down), taken as scaling it gave figures of 73 and 91.  So each CPU
 *     in turn runs alone, then all together, with the same thread on each
 *     CPU for all the runs (scale_instance); each CPU is compared with
 *     itself, a repetition's figure is the mean over the CPUs, and the
 *     figure is the median over SCALE_REPS repetitions.
 * Each kind's own ratio (scaling_permille, ceiling_scaling_permille) is
 * printed too: ncpu times the mean over the CPUs of each one's
 * 10th-percentile call alone, over the same when all ran.
 * Each CPU's record is cache lines apart from the others' (it writes its
 * call times and progress counter as it goes), so the measurement adds
 * no false sharing of its own.
 */
#define	SCALE_REPS		11
#define	SCALE_CALIB		3	/* one-CPU runs to even out the calls */
#define	SCALE_CHUNK_DIV		10000	/* b_iters / this: ops per call */
#define	SCALE_KEEP		512	/* pairs per CPU that end a run */
#define	SCALE_MIN_KEPT		32	/* fewer on a CPU: the run is void */
#define	SCALE_RUN_MS		1000	/* guest time that ends a run */
#define	SCALE_PCTILE		10	/* a kind's figure: call n / this */
#define	SCALE_ONE		(1 << 20)	/* fixed point of quotients */

struct scale_kind {
	const struct bench	*bench;
	uint64_t		ops;		/* per call */
};

static struct scale_cpu {
	struct bench_ctx	ctx[2];		/* the bench, its ceiling */
	u_int			turn;		/* pairs run */
	uint32_t		t[2][SCALE_KEEP];	/* TSC ticks per call */
	volatile uint64_t	progress __aligned(CACHE_LINE_SIZE);
	volatile u_int		kept;		/* pairs in t[][] */
} __aligned(CACHE_LINE_SIZE) scale_cpus[MAXCPU];

static struct {
	struct scale_kind	kind[2];
	int			nkind;
	u_int			first, ncpu;	/* the run's CPUs */
	uint64_t		deadline;	/* TSC */
	u_int			gen;		/* runs started */
	u_int			started;	/* threads */
	int			quit;
	volatile u_int		ready, done;
	volatile int		go;
	uint64_t		v[SCALE_KEEP];	/* scale_run's sorting */
} scale;

static int	scale_verbose;		/* bench.verbose: a line per run */

/*
 * One pair on this CPU: a call of each kind, the CPU's progress counter
 * bumped after each.  The pair is kept when every other CPU went through
 * between half and twice as many calls meanwhile: they really ran side by
 * side.  Fewer: another was descheduled (this pair ran alone).  More: this
 * one was (the others ran on while this pair's clock did).
 */
static void
scale_pair(u_int cpu)
{
	struct scale_cpu *sc = &scale_cpus[cpu];
	struct bench_ctx *b;
	uint64_t seen[MAXCPU], t[2], d;
	u_int c, calls;
	int j, k, ok;

	for (c = scale.first; c < scale.first + scale.ncpu; c++)
		seen[c] = scale_cpus[c].progress;
	for (j = 0; j < scale.nkind; j++) {
		k = (j + sc->turn) % scale.nkind;
		b = &sc->ctx[k];
		b->bc_iters = scale.kind[k].ops;
		scale.kind[k].bench->b_func(b);
		t[k] = b->bc_tsc_stop - b->bc_tsc_start;
		sc->progress++;
	}
	sc->turn++;
	calls = scale.nkind;
	ok = sc->kept < SCALE_KEEP;
	for (c = scale.first; c < scale.first + scale.ncpu; c++) {
		d = scale_cpus[c].progress - seen[c];
		if (c != cpu && (d < (calls + 1) / 2 || d > 2 * calls))
			ok = 0;
	}
	if (!ok)
		return;
	for (k = 0; k < scale.nkind; k++)
		sc->t[k][sc->kept] = MIN(t[k], UINT32_MAX);
	sc->kept++;
}

/* Every CPU kept its pairs. */
static int
scale_full(void)
{
	u_int c;

	for (c = scale.first; c < scale.first + scale.ncpu; c++)
		if (scale_cpus[c].kept < SCALE_KEEP)
			return (0);
	return (1);
}

/*
 * One thread per CPU for all the runs of a bench, so that a CPU runs the
 * same thread (stack, struct thread) alone and alongside the others: the
 * cost of a loop under QEMU depends on the pages it touches (its software
 * TLB), and only the company may differ between the two runs.  Between
 * runs the thread sleeps; in a run it does pairs until every CPU kept its
 * share, or the deadline.
 */
static void
scale_instance(void *arg)
{
	u_int cpu = (u_int)(uintptr_t)arg;
	u_int gen = 0;

	sched_bind(curthread, cpu);
	mtx_lock(&bench_mtx);
	scale.started++;
	wakeup(&scale);
	for (;;) {
		while (scale.gen == gen)
			msleep(&scale.gen, &bench_mtx, 0, "benchidle", 0);
		gen = scale.gen;
		if (scale.quit)
			break;
		if (cpu < scale.first || cpu >= scale.first + scale.ncpu)
			continue;
		scale.ready++;
		wakeup(&scale);
		mtx_unlock(&bench_mtx);
		while (!scale.go)
			cpu_pause();
		while (!scale_full() && rdtsc() < scale.deadline)
			scale_pair(cpu);
		mtx_lock(&bench_mtx);
		scale.done++;
		wakeup(&scale);
	}
	scale.started--;
	wakeup(&scale);
	mtx_unlock(&bench_mtx);
	kthread_exit();
}

/* Start the threads of scale_instance(), or (quit) end them. */
static void
scale_threads(u_int ncpu, int quit)
{
	u_int cpu;

	if (!quit)
		for (cpu = 0; cpu < ncpu; cpu++)
			kthread_add(scale_instance, (void *)(uintptr_t)cpu,
			    NULL, NULL, 0, 0, "bench%u", cpu);
	mtx_lock(&bench_mtx);
	if (quit) {
		scale.quit = 1;
		scale.gen++;
		wakeup(&scale.gen);
	}
	while (scale.started != (quit ? 0 : ncpu))
		msleep(&scale, &bench_mtx, 0, "benchthr", 0);
	scale.quit = 0;
	mtx_unlock(&bench_mtx);
}

/* What one run found on one CPU. */
struct scale_res {
	uint64_t	ticks[2];	/* 10th percentile call, per kind */
	uint64_t	rel;		/* median quotient, times SCALE_ONE */
};

/*
 * One run on CPUs first to first + ncpu - 1: in res[cpu].ticks[k], the
 * CPU's 10th percentile call of kind k in the pairs it kept; in
 * res[cpu].rel (with a ceiling), its median quotient of the bench's call
 * over the ceiling's in the same pair, times SCALE_ONE; in *kept, the
 * fewest pairs a CPU kept.  0 when a CPU kept fewer than SCALE_MIN_KEPT
 * (hardly ever ran alongside the others).
 */
static int
scale_run(u_int first, u_int ncpu, struct scale_res *res, u_int *kept)
{
	struct scale_cpu *sc;
	uint64_t *v = scale.v, start;
	u_int cpu, i, n;
	int k;

	bzero(&scale_cpus[first], sizeof(scale_cpus[0]) * ncpu);
	for (cpu = first; cpu < first + ncpu; cpu++) {
		sc = &scale_cpus[cpu];
		for (k = 0; k < scale.nkind; k++) {
			sc->ctx[k].bc_bench = scale.kind[k].bench;
			sc->ctx[k].bc_cpu = cpu;
			sc->ctx[k].bc_ncpu = ncpu;
		}
	}
	mtx_lock(&bench_mtx);
	scale.first = first;
	scale.ncpu = ncpu;
	scale.ready = scale.done = 0;
	scale.go = 0;
	scale.gen++;
	wakeup(&scale.gen);
	while (scale.ready < ncpu)
		msleep(&scale, &bench_mtx, 0, "benchrdy", 0);
	start = rdtsc();
	scale.deadline = start + cpu_tickrate() * SCALE_RUN_MS / 1000;
	scale.go = 1;
	while (scale.done < ncpu)
		msleep(&scale, &bench_mtx, 0, "benchrun", 0);
	mtx_unlock(&bench_mtx);
	*kept = SCALE_KEEP;
	for (cpu = first; cpu < first + ncpu; cpu++) {
		sc = &scale_cpus[cpu];
		n = sc->kept;
		if (scale_verbose)
			printf("BENCH run ncpu=%u cpu=%u pairs_kept=%u of %u "
			    "ms=%ju\n", ncpu, cpu, n, sc->turn,
			    (uintmax_t)((rdtsc() - start) * 1000 /
			    cpu_tickrate()));
		*kept = MIN(*kept, n);
		if (n < SCALE_MIN_KEPT)
			continue;
		res[cpu].rel = 0;
		if (scale.nkind > 1) {
			for (i = 0; i < n; i++)
				v[i] = (uint64_t)sc->t[0][i] * SCALE_ONE /
				    MAX(sc->t[1][i], 1);
			sort_u64(v, n);
			res[cpu].rel = MAX(v[n / 2], 1);
			if (scale_verbose)
				printf("BENCH run ncpu=%u cpu=%u quotient=%ju "
				    "(thousandths; quartiles %ju-%ju)\n", ncpu,
				    cpu, (uintmax_t)(v[n / 2] * 1000 / SCALE_ONE),
				    (uintmax_t)(v[n / 4] * 1000 / SCALE_ONE),
				    (uintmax_t)(v[3 * n / 4] * 1000 / SCALE_ONE));
		}
		for (k = 0; k < scale.nkind; k++) {
			for (i = 0; i < n; i++)
				v[i] = sc->t[k][i];
			sort_u64(v, n);
			res[cpu].ticks[k] = MAX(v[n / SCALE_PCTILE], 1);
		}
	}
	return (*kept >= SCALE_MIN_KEPT);
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
	static uint64_t rel1[SCALE_REPS], reln[SCALE_REPS];
	static struct scale_res r1[MAXCPU], rn[MAXCPU];
	const struct bench *ref = bench->b_ceiling;
	uint64_t t1[2], tn[2], r, c, pct, ops, q1, qn, p, calib[SCALE_CALIB];
	u_int ncpu, cpu, kept1, keptn, fewest;
	u_long verbose = 0;
	int rep, n, bad, k;

	getenv_ulong("bench.verbose", &verbose);
	scale_verbose = verbose != 0;
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
	ops = scale.kind[0].ops;
	if (bench->b_setup != NULL)
		bench->b_setup();
	if (ref != NULL && ref->b_setup != NULL)
		ref->b_setup();
	scale_threads(ncpu, 0);
	/*
	 * Warm-up, on CPU 0 alone, which also evens out the two kinds' calls
	 * to take as long (the median quotient relies on it): the ceiling's
	 * ops per call times the median over SCALE_CALIB runs of the runs'
	 * median quotients, so the host cannot skew it either.
	 */
	for (rep = n = 0; rep < SCALE_CALIB; rep++)
		if (scale_run(0, 1, r1, &kept1) && ref != NULL)
			calib[n++] = scale.kind[1].ops * r1[0].rel / SCALE_ONE;
	if (n > 0) {
		sort_u64(calib, n);
		scale.kind[1].ops = MAX(calib[n / 2], 1);
	}
	n = bad = 0;
	fewest = SCALE_KEEP;
	for (rep = 0; rep < SCALE_REPS; rep++) {
		/* One CPU at a time, each in turn; then all at once. */
		for (cpu = 0, k = 1; cpu < ncpu && k; cpu++)
			k = scale_run(cpu, 1, r1, &kept1);
		if (!k || (ncpu > 1 && !scale_run(0, ncpu, rn, &keptn))) {
			bad++;
			continue;
		}
		if (ncpu == 1)
			rn[0] = r1[0];
		/*
		 * Each CPU's figures against its own one-CPU run's, then the
		 * mean over the CPUs: what one vCPU's loops cost relative to
		 * each other can differ from another's for a whole boot
		 * (18% seen), and must not pass for scaling.
		 */
		t1[0] = t1[1] = tn[0] = tn[1] = q1 = qn = p = 0;
		for (cpu = 0; cpu < ncpu; cpu++) {
			for (k = 0; k < scale.nkind; k++) {
				t1[k] += r1[cpu].ticks[k];
				tn[k] += rn[cpu].ticks[k];
			}
			q1 += r1[cpu].rel;
			qn += rn[cpu].rel;
			if (ref != NULL)
				p += r1[cpu].rel * 1000 / rn[cpu].rel;
		}
		for (k = 0; k < scale.nkind; k++) {
			one[k][n] = t1[k] / ncpu;
			all[k][n] = tn[k] / ncpu;
			ratio[k][n] = ncpu * t1[k] * 1000 / tn[k];
		}
		if (ref != NULL) {
			rel1[n] = q1 / ncpu * 1000 / SCALE_ONE;
			reln[n] = qn / ncpu * 1000 / SCALE_ONE;
			paired[n] = p / ncpu;
			fewest = MIN(fewest, keptn);
		}
		n++;
	}
	scale_threads(ncpu, 1);
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
	sort_u64(rel1, n);
	sort_u64(reln, n);
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
	/*
	 * What the figure comes from (the bench's call over the ceiling's,
	 * medians), the spread over the repetitions, and what was kept.
	 */
	printf("BENCH scaling name=%s reps=%d of %d pair_over_ceiling_1cpu=%ju "
	    "pair_over_ceiling_allcpus=%ju paired=%ju-%ju run_ratios=%ju-%ju "
	    "ceiling_run_ratios=%ju-%ju (thousandths) fewest_pairs_kept=%u "
	    "of %d call_ops=%ju ceiling_call_ops=%ju\n", bench->b_name, n,
	    SCALE_REPS, (uintmax_t)rel1[n / 2], (uintmax_t)reln[n / 2],
	    (uintmax_t)paired[0], (uintmax_t)paired[n - 1],
	    (uintmax_t)ratio[0][0], (uintmax_t)ratio[0][n - 1],
	    (uintmax_t)ratio[1][0], (uintmax_t)ratio[1][n - 1], fewest,
	    SCALE_KEEP, (uintmax_t)ops, (uintmax_t)scale.kind[1].ops);
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

/*
 * The in-boot scaling benches (BENCH_SCALE) first, then the rest: what
 * the others leave behind (the page daemon laundering after the pageout
 * benches, threads finishing, fragmented memory) would run on some CPUs
 * and not others and skew the one-CPU against all-CPU comparison.
 */
static void
bench_run(const char *sel, uint64_t iters)
{
	struct bench **bp;
	int pass;

	for (pass = 0; pass < 2; pass++)
		SET_FOREACH(bp, bench_set)
			if ((((*bp)->b_flags & BENCH_SCALE) != 0) ==
			    (pass == 0) && bench_selected(sel, (*bp)->b_name))
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
