/*
 * In-kernel tests (options KTEST).
 *
 * A test case is a function registered with KTEST(suite, name); it runs in
 * a kernel thread after boot and reports through KTAP on the console.  The
 * KT_ASSERT_* macros end the case on failure (they return from it) and
 * print both sides; KT_EXPECT_* record the failure and carry on.  A death
 * test, KTEST_DEATH(suite, name, "panic text"), must panic with a message
 * containing that text; it runs alone in its own boot and the host harness
 * checks the panic line.
 *
 * The loader variable ktest.run selects what runs: "all", a suite name, or
 * "suite:case" (the only way to run a death test); ktest.list=1 prints the
 * registry for the harness.
 */
#ifndef _SYS_KTEST_H_
#define	_SYS_KTEST_H_

#include <sys/types.h>
#include <sys/linker_set.h>

struct ktest_ctx {
	const struct ktest_case	*kc_case;
	int			kc_failed;	/* assertions failed */
	int			kc_skipped;	/* KT_SKIP called */
	char			kc_skipmsg[96];
};

typedef void ktest_fn_t(struct ktest_ctx *);

struct ktest_case {
	const char	*kt_suite;
	const char	*kt_name;
	ktest_fn_t	*kt_func;
	const char	*kt_death;	/* expected panic text, or NULL */
	const char	*kt_file;
	int		kt_line;
};

#define	KTEST_CASE(suite, name, death)					\
	static ktest_fn_t ktest_##suite##_##name;			\
	static struct ktest_case ktest_case_##suite##_##name = {	\
		#suite, #name, ktest_##suite##_##name, (death),		\
		__FILE__, __LINE__					\
	};								\
	DATA_SET(ktest_set, ktest_case_##suite##_##name);		\
	static void ktest_##suite##_##name(struct ktest_ctx *kt __unused)

#define	KTEST(suite, name)		KTEST_CASE(suite, name, NULL)
#define	KTEST_DEATH(suite, name, text)	KTEST_CASE(suite, name, (text))

/* Failure reporting (subr_ktest.c): one "# " diagnostic line per failure. */
void	ktest_fail(struct ktest_ctx *, const char *file, int line,
	    const char *fmt, ...) __printflike(4, 5);
void	ktest_fail_cmp(struct ktest_ctx *, const char *file, int line,
	    const char *expr_a, const char *op, const char *expr_b,
	    intmax_t a, intmax_t b);
void	ktest_skip(struct ktest_ctx *, const char *fmt, ...) __printflike(2, 3);
int	ktest_running(void);	/* nonzero while a test case runs */

#define	KT_FAIL(...)	do {						\
	ktest_fail(kt, __FILE__, __LINE__, __VA_ARGS__);		\
	return;								\
} while (0)

#define	KT_SKIP(...)	do {						\
	ktest_skip(kt, __VA_ARGS__);					\
	return;								\
} while (0)

#define	KT__CHECK(cond, onfail)	do {					\
	if (__predict_false(!(cond))) {					\
		ktest_fail(kt, __FILE__, __LINE__, "%s", #cond);	\
		onfail;							\
	}								\
} while (0)

#define	KT__CMP(a, op, b, onfail)	do {				\
	intmax_t _kta = (intmax_t)(a), _ktb = (intmax_t)(b);		\
	if (__predict_false(!(_kta op _ktb))) {				\
		ktest_fail_cmp(kt, __FILE__, __LINE__, #a, #op, #b,	\
		    _kta, _ktb);					\
		onfail;							\
	}								\
} while (0)

#define	KT__STREQ(a, b, onfail)	do {					\
	const char *_ktsa = (a), *_ktsb = (b);				\
	if (__predict_false(_ktsa == NULL || _ktsb == NULL ||		\
	    strcmp(_ktsa, _ktsb) != 0)) {				\
		ktest_fail(kt, __FILE__, __LINE__,			\
		    "%s == %s: \"%s\" != \"%s\"", #a, #b,		\
		    _ktsa ? _ktsa : "(null)", _ktsb ? _ktsb : "(null)"); \
		onfail;							\
	}								\
} while (0)

#define	KT_ASSERT(c)		KT__CHECK(c, return)
#define	KT_EXPECT(c)		KT__CHECK(c, (void)0)
#define	KT_ASSERT_EQ(a, b)	KT__CMP(a, ==, b, return)
#define	KT_ASSERT_NE(a, b)	KT__CMP(a, !=, b, return)
#define	KT_ASSERT_LT(a, b)	KT__CMP(a, <, b, return)
#define	KT_ASSERT_LE(a, b)	KT__CMP(a, <=, b, return)
#define	KT_ASSERT_GT(a, b)	KT__CMP(a, >, b, return)
#define	KT_ASSERT_GE(a, b)	KT__CMP(a, >=, b, return)
#define	KT_EXPECT_EQ(a, b)	KT__CMP(a, ==, b, (void)0)
#define	KT_EXPECT_NE(a, b)	KT__CMP(a, !=, b, (void)0)
#define	KT_EXPECT_LT(a, b)	KT__CMP(a, <, b, (void)0)
#define	KT_EXPECT_LE(a, b)	KT__CMP(a, <=, b, (void)0)
#define	KT_EXPECT_GT(a, b)	KT__CMP(a, >, b, (void)0)
#define	KT_EXPECT_GE(a, b)	KT__CMP(a, >=, b, (void)0)
#define	KT_ASSERT_NULL(p)	KT__CMP((uintptr_t)(p), ==, 0, return)
#define	KT_ASSERT_NOT_NULL(p)	KT__CMP((uintptr_t)(p), !=, 0, return)
#define	KT_EXPECT_NULL(p)	KT__CMP((uintptr_t)(p), ==, 0, (void)0)
#define	KT_EXPECT_NOT_NULL(p)	KT__CMP((uintptr_t)(p), !=, 0, (void)0)
#define	KT_ASSERT_STREQ(a, b)	KT__STREQ(a, b, return)
#define	KT_EXPECT_STREQ(a, b)	KT__STREQ(a, b, (void)0)

#endif /* !_SYS_KTEST_H_ */
