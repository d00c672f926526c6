/*
 * malloc(9) failure injection (options MALLOC_MAKE_FAILURES), from issue 4
 * and FreeBSD's debug.malloc sysctls:
 *
 *   debug.malloc.failure_rate     int, RW, tunable: 0 off; N: one in N
 *                                 M_NOWAIT mallocs fails
 *   debug.malloc.failure_count    int, RD: failures imposed so far
 *   debug.malloc.failure_type     string, RW, tunable: only the type with
 *                                 this short description (empty: every type)
 *   debug.malloc.failure_verbose  int, RW: report each imposed failure
 *
 * Any N consecutive M_NOWAIT calls that the injector counts hold exactly
 * one multiple of N, so K*N calls fail exactly K times wherever the count
 * started.  With a type named, only that type's calls count and fail.
 * M_WAITOK calls never fail.  Forced failures are not allocations: the
 * type's statistics do not count them.
 *
 * Every case saves the settings and puts them back, and runs bound to one
 * CPU.  Without the option every case skips.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/sysctl.h>

#include "opt_vm.h"

#ifdef MALLOC_MAKE_FAILURES
#define	MF_ENABLED	1
#else
#define	MF_ENABLED	0
#endif

MALLOC_DEFINE(M_KTFAIL, "ktfail", "malloc(9) failure injection tests");
MALLOC_DEFINE(M_KTFAIL2, "ktfail2", "malloc(9) failure injection: bystander");

#define	MF_RATE		"debug.malloc.failure_rate"
#define	MF_COUNT	"debug.malloc.failure_count"
#define	MF_TYPE		"debug.malloc.failure_type"
#define	MF_VERBOSE	"debug.malloc.failure_verbose"

/* An int sysctl, or -12345 when it cannot be read as one. */
static int
mf_get(const char *name)
{
	int v = 0;
	size_t len = sizeof(v);

	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0 ||
	    len != sizeof(v))
		return (-12345);
	return (v);
}

static int
mf_set(const char *name, int v)
{
	return (kernel_sysctlbyname(name, NULL, NULL, &v, sizeof(v)));
}

static int
mf_get_type(char *buf, size_t size)
{
	size_t len = size;
	int error;

	error = kernel_sysctlbyname(MF_TYPE, buf, &len, NULL, 0);
	if (error == 0 && (len == 0 || buf[len - 1] != '\0'))
		error = EINVAL;
	return (error);
}

static int
mf_set_type(const char *s)
{
	return (kernel_sysctlbyname(MF_TYPE, NULL, NULL, s, strlen(s) + 1));
}

struct mf_saved {
	int	rate;
	int	verbose;
	char	type[64];
};

static void
mf_save(struct mf_saved *sv)
{
	sv->rate = mf_get(MF_RATE);
	sv->verbose = mf_get(MF_VERBOSE);
	if (mf_get_type(sv->type, sizeof(sv->type)) != 0)
		sv->type[0] = '\0';
	/* Quiet while the cases force thousands of failures. */
	mf_set(MF_VERBOSE, 0);
}

static void
mf_restore(const struct mf_saved *sv)
{
	mf_set(MF_RATE, sv->rate);
	mf_set(MF_VERBOSE, sv->verbose);
	mf_set_type(sv->type);
}

/*
 * A case body runs with the settings saved, bound to CPU 0; whatever it
 * does, they are put back.
 */
#define	MF_CASE(name)							\
static void mf_##name(struct ktest_ctx *kt);				\
KTEST(malloc_fail, name)						\
{									\
	struct mf_saved sv;						\
									\
	if (!MF_ENABLED)						\
		KT_SKIP("needs options MALLOC_MAKE_FAILURES");		\
	mf_save(&sv);							\
	sched_bind(curthread, 0);					\
	mf_##name(kt);							\
	sched_unbind(curthread);					\
	mf_restore(&sv);						\
}									\
static void								\
mf_##name(struct ktest_ctx *kt)

/* n mallocs of size (each freed at once); how many returned NULL. */
static int
mf_run(struct malloc_type *type, int n, size_t size, int flags)
{
	void *p;
	int i, failed = 0;

	for (i = 0; i < n; i++) {
		p = malloc(size, type, flags);
		if (p == NULL)
			failed++;
		else
			free(p, type);
	}
	return (failed);
}

static uint64_t
mf_allocs(struct malloc_type *type)
{
	uint64_t n = 0;
	int cpu;

	CPU_FOREACH(cpu)
		n += type->ks_stats[cpu].mts_numallocs;
	return (n);
}

static uint64_t
mf_inuse(struct malloc_type *type)
{
	uint64_t n = 0;
	int cpu;

	CPU_FOREACH(cpu)
		n += type->ks_stats[cpu].mts_numallocs -
		    type->ks_stats[cpu].mts_numfrees;
	return (n);
}

/*
 * The defaults (off, every type) or the boot's tunables, the types and
 * access of the four sysctls.
 */
MF_CASE(sysctls_and_boot_tunables)
{
	char type[64], *env;
	int v;

	env = kern_getenv(MF_RATE);
	KT_EXPECT_EQ(mf_get(MF_RATE), env != NULL ? strtol(env, NULL, 0) :
	    0);
	KT_ASSERT_EQ(mf_get_type(type, sizeof(type)), 0);
	env = kern_getenv(MF_TYPE);
	KT_EXPECT_STREQ(type, env != NULL ? env : "");
	KT_EXPECT_GE(mf_get(MF_COUNT), 0);
	KT_EXPECT_GE(mf_get(MF_VERBOSE), 0);
	/* failure_count is read-only; the others take new values. */
	v = 5;
	KT_EXPECT_EQ(kernel_sysctlbyname(MF_COUNT, NULL, NULL, &v, sizeof(v)),
	    EPERM);
	KT_EXPECT_EQ(mf_set(MF_RATE, 13), 0);
	KT_EXPECT_EQ(mf_get(MF_RATE), 13);
	KT_EXPECT_EQ(mf_set(MF_VERBOSE, 1), 0);
	KT_EXPECT_EQ(mf_get(MF_VERBOSE), 1);
	KT_EXPECT_EQ(mf_set(MF_VERBOSE, 0), 0);
	KT_EXPECT_EQ(mf_set_type("ktfail"), 0);
	KT_ASSERT_EQ(mf_get_type(type, sizeof(type)), 0);
	KT_EXPECT_STREQ(type, "ktfail");
	KT_EXPECT_EQ(mf_set_type(""), 0);
	KT_ASSERT_EQ(mf_get_type(type, sizeof(type)), 0);
	KT_EXPECT_STREQ(type, "");
	KT_EXPECT_EQ(mf_set(MF_RATE, 0), 0);
	KT_EXPECT_EQ(mf_get(MF_RATE), 0);
}

/*
 * One in N: K*N M_NOWAIT mallocs fail exactly K times, small and large,
 * with and without M_ZERO; failure_count grows by K; the forced failures
 * are not counted as allocations and leave nothing in use.
 */
MF_CASE(one_in_n_nowait_calls_fail)
{
	static const struct {
		int	n, k;
		size_t	size;
		int	flags;
	} c[] = {
		{ 1, 20, 64, M_NOWAIT },
		{ 2, 50, 64, M_NOWAIT },
		{ 3, 17, 1000, M_NOWAIT | M_ZERO },
		{ 7, 10, 64, M_NOWAIT },
		{ 10, 10, 4096, M_NOWAIT },
		{ 5, 4, 100000, M_NOWAIT },
		{ 100, 3, 16, M_NOWAIT },
	};
	uint64_t a0, in0;
	size_t i;
	int count0, failed;

	KT_ASSERT_EQ(mf_set_type(""), 0);
	for (i = 0; i < nitems(c); i++) {
		KT_ASSERT_EQ(mf_set(MF_RATE, c[i].n), 0);
		count0 = mf_get(MF_COUNT);
		a0 = mf_allocs(M_KTFAIL);
		in0 = mf_inuse(M_KTFAIL);
		failed = mf_run(M_KTFAIL, c[i].k * c[i].n, c[i].size,
		    c[i].flags);
		KT_EXPECT_EQ(mf_set(MF_RATE, 0), 0);
		KT_EXPECT_EQ(failed, c[i].k);
		KT_EXPECT_EQ(mf_get(MF_COUNT) - count0, c[i].k);
		KT_EXPECT_EQ(mf_allocs(M_KTFAIL) - a0,
		    c[i].k * c[i].n - c[i].k);
		KT_EXPECT_EQ(mf_inuse(M_KTFAIL), in0);
		if (failed != c[i].k)
			printf("# rate %d, %d calls of %zu bytes: %d failed\n",
			    c[i].n, c[i].k * c[i].n, c[i].size, failed);
	}
}

/* M_WAITOK calls never fail, even when every M_NOWAIT call does. */
MF_CASE(waitok_never_fails)
{
	static const size_t sizes[] = { 1, 64, 1000, 65536, 100000 };
	size_t i;
	int count0, failed = 0;

	KT_ASSERT_EQ(mf_set_type(""), 0);
	count0 = mf_get(MF_COUNT);
	KT_ASSERT_EQ(mf_set(MF_RATE, 1), 0);
	for (i = 0; i < nitems(sizes); i++) {
		failed += mf_run(M_KTFAIL, 40, sizes[i], M_WAITOK);
		failed += mf_run(M_KTFAIL, 10, sizes[i], M_WAITOK | M_ZERO);
	}
	/* ... while M_NOWAIT ones all fail. */
	KT_EXPECT_EQ(mf_run(M_KTFAIL, 10, 64, M_NOWAIT), 10);
	KT_EXPECT_EQ(mf_set(MF_RATE, 0), 0);
	KT_EXPECT_EQ(failed, 0);
	KT_EXPECT_EQ(mf_get(MF_COUNT) - count0, 10);
}

/*
 * Restricted to one type: only that type's M_NOWAIT calls count and
 * fail (one in N of them, with other types' calls interleaved); a name
 * is matched whole, so a prefix or an unknown name fails nobody; the
 * empty name means every type again.
 */
MF_CASE(restricted_to_one_type)
{
	const int n = 5, k = 8;
	int count0, f1, f2, ft, i;
	void *p;

	KT_ASSERT_EQ(mf_set_type("ktfail"), 0);
	KT_ASSERT_EQ(mf_set(MF_RATE, n), 0);
	count0 = mf_get(MF_COUNT);
	f1 = f2 = ft = 0;
	for (i = 0; i < k * n; i++) {
		if ((p = malloc(64, M_KTFAIL, M_NOWAIT)) == NULL)
			f1++;
		else
			free(p, M_KTFAIL);
		if ((p = malloc(64, M_KTFAIL2, M_NOWAIT)) == NULL)
			f2++;
		else
			free(p, M_KTFAIL2);
		if ((p = malloc(200, M_TEMP, M_NOWAIT)) == NULL)
			ft++;
		else
			free(p, M_TEMP);
	}
	KT_EXPECT_EQ(f1, k);
	KT_EXPECT_EQ(f2, 0);
	KT_EXPECT_EQ(ft, 0);
	KT_EXPECT_EQ(mf_get(MF_COUNT) - count0, k);

	/* A prefix of the name, and a name no type has. */
	KT_ASSERT_EQ(mf_set_type("ktfai"), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL, k * n, 64, M_NOWAIT), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL2, k * n, 64, M_NOWAIT), 0);
	KT_ASSERT_EQ(mf_set_type("nosuchtype"), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL, k * n, 64, M_NOWAIT), 0);
	KT_EXPECT_EQ(mf_run(M_TEMP, k * n, 64, M_NOWAIT), 0);
	KT_EXPECT_EQ(mf_get(MF_COUNT) - count0, k);

	/* The other type alone. */
	KT_ASSERT_EQ(mf_set_type("ktfail2"), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL, k * n, 64, M_NOWAIT), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL2, k * n, 64, M_NOWAIT), k);

	/* Every type. */
	KT_ASSERT_EQ(mf_set_type(""), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL2, k * n, 64, M_NOWAIT), k);
	KT_EXPECT_EQ(mf_set(MF_RATE, 0), 0);
	KT_EXPECT_EQ(mf_get(MF_COUNT) - count0, 3 * k);
}

/*
 * Restricted to one type, the injector's count must move only for that
 * type's M_NOWAIT calls.  Each round interleaves, per matching call, m
 * calls that must not count (other types' M_NOWAIT calls, or the type's
 * own M_WAITOK ones); the rates and mixes are chosen so that m + 1 and
 * the rate share a factor, so a count moved by the wrong calls makes the
 * matching calls fail always, never, or twice as often, rather than
 * still one in N.  The failures must come exactly N calls apart, and
 * failure_count must grow by exactly their number.
 */
MF_CASE(restricted_type_counts_only_its_calls)
{
	static const struct {
		int	rate;		/* one in rate */
		int	others;		/* other types' M_NOWAIT calls */
		int	waitok;		/* the type's own M_WAITOK calls */
	} c[] = {
		{ 2, 1, 0 }, { 2, 0, 1 }, { 3, 2, 0 }, { 3, 1, 1 },
		{ 4, 1, 0 }, { 4, 3, 0 }, { 6, 2, 3 }, { 5, 4, 0 },
	};
	const int k = 12;
	int count0, failed, first, last, spacing_bad, i, j, other;
	size_t t;
	void *p;

	KT_ASSERT_EQ(mf_set_type("ktfail"), 0);
	for (t = 0; t < nitems(c); t++) {
		KT_ASSERT_EQ(mf_set(MF_RATE, c[t].rate), 0);
		count0 = mf_get(MF_COUNT);
		failed = other = spacing_bad = 0;
		first = last = -1;
		for (i = 0; i < k * c[t].rate; i++) {
			if ((p = malloc(64, M_KTFAIL, M_NOWAIT)) == NULL) {
				if (first < 0)
					first = i;
				else if (i - last != c[t].rate)
					spacing_bad++;
				last = i;
				failed++;
			} else
				free(p, M_KTFAIL);
			for (j = 0; j < c[t].others; j++) {
				p = malloc(32 + 16 * j, j & 1 ? M_TEMP :
				    M_KTFAIL2, M_NOWAIT);
				if (p == NULL)
					other++;
				else
					free(p, j & 1 ? M_TEMP : M_KTFAIL2);
			}
			for (j = 0; j < c[t].waitok; j++) {
				p = malloc(48, M_KTFAIL, M_WAITOK);
				if (p == NULL)
					other++;
				else
					free(p, M_KTFAIL);
			}
		}
		KT_EXPECT_EQ(mf_set(MF_RATE, 0), 0);
		KT_EXPECT_EQ(failed, k);
		KT_EXPECT_EQ(other, 0);
		KT_EXPECT_GE(first, 0);
		KT_EXPECT_LT(first, c[t].rate);
		KT_EXPECT_EQ(spacing_bad, 0);
		KT_EXPECT_EQ(mf_get(MF_COUNT) - count0, k);
		if (failed != k || spacing_bad != 0)
			printf("# rate %d, %d others, %d M_WAITOK per call: "
			    "%d of %d failed (first %d)\n", c[t].rate,
			    c[t].others, c[t].waitok, failed, k * c[t].rate,
			    first);
	}
}

/* Rate 0 is off: nothing fails and nothing is counted. */
MF_CASE(rate_zero_is_off)
{
	int count0;

	KT_ASSERT_EQ(mf_set_type(""), 0);
	KT_ASSERT_EQ(mf_set(MF_RATE, 0), 0);
	count0 = mf_get(MF_COUNT);
	KT_EXPECT_EQ(mf_run(M_KTFAIL, 500, 64, M_NOWAIT), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL, 20, 100000, M_NOWAIT), 0);
	KT_EXPECT_EQ(mf_get(MF_COUNT), count0);
	/* Off again after being on. */
	KT_ASSERT_EQ(mf_set(MF_RATE, 2), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL, 20, 64, M_NOWAIT), 10);
	KT_ASSERT_EQ(mf_set(MF_RATE, 0), 0);
	KT_EXPECT_EQ(mf_run(M_KTFAIL, 500, 64, M_NOWAIT), 0);
	KT_EXPECT_EQ(mf_get(MF_COUNT) - count0, 10);
}

/*
 * realloc and reallocf with M_NOWAIT when the new block's malloc is
 * failed: realloc keeps the old block intact, reallocf frees it.
 * malloc_last_fail() sees the forced failure.
 */
MF_CASE(realloc_and_reallocf_under_forced_failure)
{
	uint64_t in0;
	uint8_t *p, *q;
	int i;

	in0 = mf_inuse(M_KTFAIL);
	p = malloc(100, M_KTFAIL, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	for (i = 0; i < 100; i++)
		p[i] = i;
	KT_ASSERT_EQ(mf_set_type("ktfail"), 0);
	KT_ASSERT_EQ(mf_set(MF_RATE, 1), 0);
	q = realloc(p, 5000, M_KTFAIL, M_NOWAIT);
	KT_EXPECT_NULL(q);
	KT_EXPECT_LE(malloc_last_fail(), 1);
	KT_EXPECT_EQ(mf_inuse(M_KTFAIL), in0 + 1);
	for (i = 0; i < 100; i++)
		if (p[i] != i)
			break;
	KT_EXPECT_EQ(i, 100);
	q = reallocf(p, 5000, M_KTFAIL, M_NOWAIT);
	KT_EXPECT_NULL(q);
	KT_EXPECT_EQ(mf_inuse(M_KTFAIL), in0);
	/* M_WAITOK realloc is not failed. */
	p = realloc(NULL, 100, M_KTFAIL, M_WAITOK);
	KT_ASSERT_NOT_NULL(p);
	q = realloc(p, 5000, M_KTFAIL, M_WAITOK);
	KT_EXPECT_NOT_NULL(q);
	KT_EXPECT_EQ(mf_set(MF_RATE, 0), 0);
	free(q, M_KTFAIL);
	KT_EXPECT_EQ(mf_inuse(M_KTFAIL), in0);
}
