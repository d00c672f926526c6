/*
 * sysctl(9) through kernel_sysctlbyname: reads, writes, refusals (value
 * unchanged), short buffers, handlers that validate, runtime OIDs.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/sysctl.h>

SYSCTL_DECL(_debug_test);

static int	t_int = 10, t_ro = 11;
static long	t_long = -12;
static char	t_str[8] = "abc";
static int	t_even = 4;

static int
sysctl_even(SYSCTL_HANDLER_ARGS)
{
	int error, v = t_even;

	error = sysctl_handle_int(oidp, &v, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v % 2 != 0)
		return (EINVAL);
	t_even = v;
	return (0);
}

SYSCTL_INT(_debug_test, OID_AUTO, t_int, CTLFLAG_RW, &t_int, 0, "an int");
SYSCTL_INT(_debug_test, OID_AUTO, t_ro, CTLFLAG_RD, &t_ro, 0, "read-only");
SYSCTL_INT(_debug_test, OID_AUTO, t_const, CTLFLAG_RD, NULL, 99,
    "a constant");
SYSCTL_LONG(_debug_test, OID_AUTO, t_long, CTLFLAG_RW, &t_long, 0, "a long");
SYSCTL_STRING(_debug_test, OID_AUTO, t_str, CTLFLAG_RW, t_str,
    sizeof(t_str), "a string");
SYSCTL_PROC(_debug_test, OID_AUTO, t_even, CTLTYPE_INT | CTLFLAG_RW, NULL,
    0, sysctl_even, "I", "even numbers only");

static int
read_int(const char *name, int *v)
{
	size_t len = sizeof(*v);

	return (kernel_sysctlbyname(name, v, &len, NULL, 0));
}

KTEST(sysctl, read_write_int_long_string)
{
	int v;
	long l;
	char buf[16];
	size_t len;

	KT_ASSERT_EQ(read_int("debug.test.t_int", &v), 0);
	KT_EXPECT_EQ(v, 10);
	v = 20;
	KT_ASSERT_EQ(kernel_sysctlbyname("debug.test.t_int", NULL, NULL, &v,
	    sizeof(v)), 0);
	KT_EXPECT_EQ(t_int, 20);
	KT_ASSERT_EQ(read_int("debug.test.t_const", &v), 0);
	KT_EXPECT_EQ(v, 99);
	len = sizeof(l);
	KT_ASSERT_EQ(kernel_sysctlbyname("debug.test.t_long", &l, &len, NULL,
	    0), 0);
	KT_EXPECT_EQ(l, -12);
	KT_EXPECT_EQ(len, sizeof(long));
	KT_ASSERT_EQ(kernel_sysctlbyname("debug.test.t_str", NULL, NULL,
	    "xyz", 4), 0);
	KT_EXPECT_STREQ(t_str, "xyz");
	len = sizeof(buf);
	KT_ASSERT_EQ(kernel_sysctlbyname("debug.test.t_str", buf, &len, NULL,
	    0), 0);
	KT_EXPECT_STREQ(buf, "xyz");
	KT_EXPECT_EQ(len, 4);
}

KTEST(sysctl, refusals_leave_value_unchanged)
{
	int v = 5;

	t_even = 4;
	KT_EXPECT_EQ(kernel_sysctlbyname("debug.test.t_even", NULL, NULL, &v,
	    sizeof(v)), EINVAL);
	KT_EXPECT_EQ(t_even, 4);
	v = 6;
	KT_EXPECT_EQ(kernel_sysctlbyname("debug.test.t_even", NULL, NULL, &v,
	    sizeof(v)), 0);
	KT_EXPECT_EQ(t_even, 6);
	KT_EXPECT_EQ(kernel_sysctlbyname("debug.test.t_ro", NULL, NULL, &v,
	    sizeof(v)), EPERM);
	KT_EXPECT_EQ(t_ro, 11);
	KT_EXPECT_EQ(kernel_sysctlbyname("debug.test.nope", NULL, NULL, &v,
	    sizeof(v)), ENOENT);
	KT_EXPECT_EQ(kernel_sysctlbyname("debug.test", NULL, NULL, NULL, 0),
	    EISDIR);
	/* A string longer than its buffer. */
	KT_EXPECT_EQ(kernel_sysctlbyname("debug.test.t_str", NULL, NULL,
	    "too long!", 10), EINVAL);
	KT_EXPECT_NE(strcmp(t_str, "too long!"), 0);
	/* A short new value for an int. */
	KT_EXPECT_EQ(kernel_sysctlbyname("debug.test.t_int", NULL, NULL, &v,
	    2), EINVAL);
}

KTEST(sysctl, short_old_buffer_enomem_reports_size)
{
	char buf[2];
	size_t len = sizeof(buf);

	KT_EXPECT_EQ(kernel_sysctlbyname("kern.ostype", buf, &len, NULL, 0),
	    ENOMEM);
	KT_EXPECT_EQ(len, strlen("FreeBSD") + 1);
	len = 0;
	KT_EXPECT_EQ(kernel_sysctlbyname("kern.ostype", NULL, &len, NULL, 0),
	    0);
	KT_EXPECT_EQ(len, strlen("FreeBSD") + 1);
}

KTEST(sysctl, names_and_descriptions)
{
	struct sysctl_oid *o;
	char name[64];

	o = sysctl_find_oid_byname("debug.test.t_int");
	KT_ASSERT_NOT_NULL(o);
	KT_EXPECT_STREQ(o->oid_descr, "an int");
	KT_ASSERT_EQ(sysctl_oid_name(o, name, sizeof(name)), 0);
	KT_EXPECT_STREQ(name, "debug.test.t_int");
	KT_EXPECT_NULL(sysctl_find_oid_byname("debug.test.t_int.x"));
	KT_EXPECT_NULL(sysctl_find_oid_byname("debug.tes"));
	KT_EXPECT_NOT_NULL(sysctl_find_oid_byname("vm.stats.vm"));
}

KTEST(sysctl, runtime_add_remove)
{
	static int dyn = 33;
	struct sysctl_oid *o;
	int v;

	o = sysctl_add_oid(SYSCTL_STATIC_CHILDREN(_debug_test), "dyn",
	    CTLTYPE_INT | CTLFLAG_RW, &dyn, 0, sysctl_handle_int, "I",
	    "runtime oid");
	KT_ASSERT_NOT_NULL(o);
	KT_ASSERT_EQ(read_int("debug.test.dyn", &v), 0);
	KT_EXPECT_EQ(v, 33);
	/* A second OID of the same name is refused. */
	KT_EXPECT_NULL(sysctl_add_oid(SYSCTL_STATIC_CHILDREN(_debug_test),
	    "dyn", CTLTYPE_INT | CTLFLAG_RW, &dyn, 0, sysctl_handle_int, "I",
	    "dup"));
	sysctl_remove_oid(o);
	KT_EXPECT_EQ(read_int("debug.test.dyn", &v), ENOENT);
}
