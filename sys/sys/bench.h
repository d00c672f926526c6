/*
 * In-kernel benchmarks (options KBENCH).
 *
 * BENCH(name, "description") registers a function that performs the
 * measured operation b->bc_iters times between bench_start(b) and
 * bench_stop(b).  The runner reports TSC ticks per operation (under QEMU
 * -icount shift=0 the TSC counts guest instructions, so this is the
 * instruction path length) and operations per second (meaningful under
 * MTTCG), plus any extra named figures the function records with
 * bench_report(b, "name", value).  BENCH_FLAGS(..., BENCH_ALLCPUS) runs
 * one instance bound to each CPU at the same time (scaling figures).
 * BENCH_SCALING(name, desc, iters, ceiling, setup, teardown) measures
 * scaling within one boot: the runner runs the function on each CPU alone
 * in turn and then on every CPU at once (one thread bound to each CPU for
 * all the runs, a start barrier), in pairs of timed calls with the
 * reference bench `ceiling' (BENCH_REF(name), or NULL): bc_iters is
 * iters / 10000 for the function, and the ceiling's count is evened out
 * to take as long; setup and teardown (or NULL) run once around them.
 * How host load is kept out of the figures is explained in subr_bench.c
 * ("Scaling within one boot"); the loader variable bench.verbose=1 prints
 * a line per run.
 *
 * The loader variable bench.run ("all" or a comma-separated list of names)
 * runs them at boot and exits QEMU; bench.iters overrides the count.  Each
 * bench runs BENCH_REPS times and the median is reported, one line each:
 *   BENCH name=N iters=I ncpu=C tsc_per_op=T ns_per_op=S ops_per_s=O
 *   BENCH name=N figure=F value=V
 * and a scaling bench adds (in thousandths, medians over the repetitions
 * of the ratio, of the ceiling's, and of the bench's scaling over the
 * ceiling's, measured pair by pair):
 *   BENCH name=N figure=scaling_permille value=R
 *   BENCH name=N figure=ceiling_scaling_permille value=C
 *   BENCH name=N figure=paired_permille_of_ceiling value=P
 *   BENCH scaling name=N ncpu=C ratio=R ceiling=C pct_of_ceiling=P
 */
#ifndef _SYS_BENCH_H_
#define	_SYS_BENCH_H_

#include <sys/types.h>
#include <sys/linker_set.h>

struct bench_ctx {
	const struct bench	*bc_bench;
	uint64_t		bc_iters;	/* operations to perform */
	u_int			bc_cpu;		/* CPU this instance runs on */
	u_int			bc_ncpu;	/* instances running at once */
	uint64_t		bc_tsc_start;
	uint64_t		bc_tsc_stop;
	uint64_t		bc_ns_start;
	uint64_t		bc_ns_stop;
	void			*bc_arg;	/* bench's own state */
};

typedef void bench_fn_t(struct bench_ctx *);

struct bench {
	const char	*b_name;
	bench_fn_t	*b_func;
	const char	*b_desc;
	uint64_t	b_iters;	/* default iteration count, or 0 */
	int		b_flags;	/* BENCH_* */
	const struct bench *b_ceiling;	/* BENCH_SCALE: reference, or NULL */
	void		(*b_setup)(void);	/* BENCH_SCALE: before the runs */
	void		(*b_teardown)(void);	/* BENCH_SCALE: after them */
};

/* Run one instance per CPU at once; ops/s is the sum over CPUs. */
#define	BENCH_ALLCPUS	0x0001
/* Run on CPU 0 alone, then on every CPU, in the same boot; ratio. */
#define	BENCH_SCALE	0x0002

#define	BENCH_FLAGS(name, desc, iters, flags)				\
	static bench_fn_t bench_fn_##name;				\
	static struct bench bench_##name = {				\
		#name, bench_fn_##name, (desc), (iters), (flags)	\
	};								\
	DATA_SET(bench_set, bench_##name);				\
	static void bench_fn_##name(struct bench_ctx *b __unused)

#define	BENCH_REF(name)	(&bench_##name)

#define	BENCH_SCALING(name, desc, iters, ceiling, setup, teardown)	\
	static bench_fn_t bench_fn_##name;				\
	static struct bench bench_##name = {				\
		#name, bench_fn_##name, (desc), (iters), BENCH_SCALE,	\
		(ceiling), (setup), (teardown)				\
	};								\
	DATA_SET(bench_set, bench_##name);				\
	static void bench_fn_##name(struct bench_ctx *b __unused)

#define	BENCH_ITERS(name, desc, iters) BENCH_FLAGS(name, desc, iters, 0)
#define	BENCH(name, desc)	BENCH_FLAGS(name, desc, 0, 0)

void	bench_start(struct bench_ctx *);
void	bench_stop(struct bench_ctx *);
void	bench_report(struct bench_ctx *, const char *figure, intmax_t value);

#endif /* !_SYS_BENCH_H_ */
