/*
 * Loader environment and tunables.  The boot passes (tests/plan.txt):
 *   test.env.int=0x10 test.env.neg=-42 test.env.size=64M test.env.k=3k
 *   test.env.bad=abc test.env.huge=99999999999999999999 test.env.big=5000000000
 *   test.env.suffix=12Q test.env.empty= test.env.str="two words"
 *   test.env.oct=010 test.rdtun=7 test.rwtun=-3 test.rdtun.bad=x1
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/sysctl.h>

static int	tun_int = 5;
static long	tun_long = 6;
static char	tun_str[16] = "default";
TUNABLE_INT("test.env.int", &tun_int);
TUNABLE_LONG("test.env.size", &tun_long);
TUNABLE_STR("test.env.str", tun_str, sizeof(tun_str));

static int	rdtun = 1, rwtun = 2, rdtun_bad = 3;
SYSCTL_NODE(_debug, OID_AUTO, test, CTLFLAG_RW, 0, "Test-only OIDs");
SYSCTL_INT(_debug_test, OID_AUTO, rdtun, CTLFLAG_RDTUN, &rdtun, 0,
    "read-only tunable");
SYSCTL_INT(_debug_test, OID_AUTO, rwtun, CTLFLAG_RWTUN, &rwtun, 0,
    "read-write tunable");
SYSCTL_INT(_debug_test, OID_AUTO, rdtun_bad, CTLFLAG_RDTUN, &rdtun_bad, 0,
    "malformed tunable keeps default");

KTEST(env, numbers_all_bases_and_suffixes)
{
	int i = -1;
	long l = -1;
	unsigned long ul = 0;
	quad_t q = 0;

	KT_ASSERT_EQ(getenv_int("test.env.int", &i), 1);
	KT_EXPECT_EQ(i, 16);
	KT_ASSERT_EQ(getenv_int("test.env.neg", &i), 1);
	KT_EXPECT_EQ(i, -42);
	KT_ASSERT_EQ(getenv_int("test.env.oct", &i), 1);
	KT_EXPECT_EQ(i, 8);
	KT_ASSERT_EQ(getenv_long("test.env.size", &l), 1);
	KT_EXPECT_EQ(l, 64L * 1024 * 1024);
	KT_ASSERT_EQ(getenv_ulong("test.env.k", &ul), 1);
	KT_EXPECT_EQ(ul, 3072);
	KT_ASSERT_EQ(getenv_quad("test.env.big", &q), 1);
	KT_EXPECT_EQ(q, 5000000000L);
}

KTEST(env, malformed_values_keep_default)
{
	int i = 77;
	long l = 78;
	unsigned int u = 79;
	quad_t q = 80;

	KT_EXPECT_EQ(getenv_int("test.env.bad", &i), 0);
	KT_EXPECT_EQ(i, 77);
	KT_EXPECT_EQ(getenv_long("test.env.huge", &l), 0);
	KT_EXPECT_EQ(l, 78);
	KT_EXPECT_EQ(getenv_quad("test.env.huge", &q), 0);
	KT_EXPECT_EQ(q, 80);
	/* Fits a quad but not an int. */
	KT_EXPECT_EQ(getenv_int("test.env.big", &i), 0);
	KT_EXPECT_EQ(i, 77);
	KT_EXPECT_EQ(getenv_int("test.env.suffix", &i), 0);
	KT_EXPECT_EQ(getenv_int("test.env.empty", &i), 0);
	KT_EXPECT_EQ(i, 77);
	/* Negative into unsigned. */
	KT_EXPECT_EQ(getenv_uint("test.env.neg", &u), 0);
	KT_EXPECT_EQ(u, 79);
	/* Unset. */
	KT_EXPECT_EQ(getenv_int("test.env.unset", &i), 0);
	KT_EXPECT_EQ(i, 77);
}

KTEST(env, strings_quotes_and_setenv)
{
	char buf[8];

	KT_ASSERT_EQ(getenv_string("test.env.str", buf, sizeof(buf)), 1);
	KT_EXPECT_STREQ(buf, "two wor");	/* truncated to the buffer */
	KT_EXPECT_STREQ(kern_getenv("test.env.str"), "two words");
	KT_EXPECT_EQ(testenv("test.env.empty"), 1);
	KT_EXPECT_STREQ(kern_getenv("test.env.empty"), "");
	KT_EXPECT_EQ(testenv("test.env.nothere"), 0);
	KT_EXPECT_NULL(kern_getenv("test.env.nothere"));
	KT_ASSERT_EQ(kern_setenv("test.env.new", "v1"), 0);
	KT_EXPECT_STREQ(kern_getenv("test.env.new"), "v1");
	KT_ASSERT_EQ(kern_setenv("test.env.new", "v2"), 0);
	KT_EXPECT_STREQ(kern_getenv("test.env.new"), "v2");
}

KTEST(env, tunable_macros_and_tun_oids)
{
	KT_EXPECT_EQ(tun_int, 16);
	KT_EXPECT_EQ(tun_long, 64L * 1024 * 1024);
	KT_EXPECT_STREQ(tun_str, "two words");
	KT_EXPECT_EQ(rdtun, 7);
	KT_EXPECT_EQ(rwtun, -3);
	KT_EXPECT_EQ(rdtun_bad, 3);
}

/*
 * The dynamic environment (M_KENV) has no table limit: 600 new variables
 * (more than the old 128-slot table) all read back, replacing one keeps
 * one entry, and kern_setenv keeps FreeBSD's name and value limits.
 */
KTEST(env, dynamic_kenv_has_no_table_limit)
{
	char name[32], value[32], longname[200];
	const char *v;
	int i, bad;

	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "test.env.many%d", i);
		snprintf(value, sizeof(value), "val%d", i * 7);
		KT_ASSERT_EQ(kern_setenv(name, value), 0);
	}
	bad = 0;
	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "test.env.many%d", i);
		snprintf(value, sizeof(value), "val%d", i * 7);
		v = kern_getenv(name);
		if (v == NULL || strcmp(v, value) != 0)
			bad++;
	}
	KT_EXPECT_EQ(bad, 0);
	KT_ASSERT_EQ(kern_setenv("test.env.many5", "again"), 0);
	KT_EXPECT_STREQ(kern_getenv("test.env.many5"), "again");
	KT_EXPECT_STREQ(kern_getenv("test.env.many599"), "val4193");
	/* Boot variables are still there. */
	KT_EXPECT_STREQ(kern_getenv("test.env.str"), "two words");
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	KT_EXPECT_EQ(kern_setenv(longname, "x"), ENAMETOOLONG);
	KT_EXPECT_EQ(kern_setenv("", "x"), EINVAL);
	KT_EXPECT_NULL(kern_getenv(longname));
}
