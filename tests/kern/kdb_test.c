/*
 * Panics, assertions, faults and the backtrace machinery.  The death tests
 * each run in their own boot; the harness checks the panic message.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kdb.h>
#include <sys/ktest.h>

static volatile int *volatile kdb_test_null;

/* Defeat inlining so the function shows up in a backtrace. */
static __noinline int
kdb_test_fault_here(void)
{
	return (*kdb_test_null);
}

KTEST(kdb, symbol_lookup)
{
	uintptr_t off;
	const char *name;

	name = kdb_symbol((uintptr_t)kdb_symbol + 3, &off);
	KT_ASSERT_NOT_NULL(name);
	KT_ASSERT_STREQ(name, "kdb_symbol");
	KT_ASSERT_EQ(off, 3);
	name = kdb_symbol((uintptr_t)panic, &off);
	KT_ASSERT_STREQ(name, "panic");
	KT_ASSERT_EQ(off, 0);
	/* Below the kernel's text there is no symbol. */
	KT_ASSERT_NULL(kdb_symbol(0x1000, &off));
}

/*
 * kdb_backtrace() names its callers: it is called two functions deep and
 * returns, and the case then panics from its own body, so the harness
 * finds "at kdb_test_bt_inner+" in the output only if the explicit
 * backtrace walked past kdb_backtrace into its caller.
 */
static volatile int kdb_test_bt_depth;

static __noinline void
kdb_test_bt_inner(void)
{
	kdb_backtrace();
	kdb_test_bt_depth++;
}

static __noinline void
kdb_test_bt_outer(void)
{
	kdb_test_bt_inner();
	kdb_test_bt_depth++;
}

KTEST_DEATH(kdb, backtrace_names_callers, "at kdb_test_bt_inner+")
{
	kdb_test_bt_outer();
	panic("kdb test: backtrace returned, depth %d", kdb_test_bt_depth);
}

KTEST_DEATH(kdb, panic_message, "panic: kdb test panic 7 abc")
{
	panic("kdb test panic %d %s", 7, "abc");
}

KTEST_DEATH(kdb, null_dereference, "panic: page fault")
{
	printf("value %d\n", kdb_test_fault_here());
}

#ifdef INVARIANTS
KTEST_DEATH(kdb, kassert_fires, "panic: kdb test assertion 5")
{
	int x = 5;

	KASSERT(x == 4, ("kdb test assertion %d", x));
}

KTEST_DEATH(kdb, mpass_fires, "Assertion kdb_test_null != NULL failed")
{
	MPASS(kdb_test_null != NULL);
}
#else
KTEST(kdb, kassert_compiled_out)
{
	int x = 5;

	/* Without INVARIANTS the check and its side effects vanish. */
	KASSERT(x++ == 4, ("never"));
	KT_ASSERT_EQ(x, 5);
}
#endif
