/*
 * sysctl(9) through kernel_sysctlbyname: reads, writes, refusals (value
 * unchanged), short buffers, handlers that validate, runtime OIDs.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cons.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
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
		return (sysctl_refuse(req, EINVAL, "must be even"));
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

/*
 * 256 KB of text (twice the shell's old fixed buffer), in 64-byte lines of
 * one letter each; hidden from listings.
 */
#define	T_LONG_LEN	(256 * 1024)

static char
t_long_byte(size_t pos)
{
	if (pos >= T_LONG_LEN)
		return ('\0');
	return (pos % 64 == 63 ? '\n' : 'a' + (pos / 64) % 26);
}

static int
sysctl_t_longtext(SYSCTL_HANDLER_ARGS)
{
	char line[64];
	size_t pos;
	int error = 0;

	for (pos = 0; pos < T_LONG_LEN && error == 0; pos += sizeof(line)) {
		memset(line, t_long_byte(pos), sizeof(line) - 1);
		line[sizeof(line) - 1] = '\n';
		error = SYSCTL_OUT(req, line, sizeof(line));
	}
	if (error == 0)
		error = SYSCTL_OUT(req, "", 1);
	return (error);
}
SYSCTL_PROC(_debug_test, OID_AUTO, t_longtext, CTLTYPE_STRING | CTLFLAG_RD |
    CTLFLAG_SKIP, NULL, 0, sysctl_t_longtext, "A", "256 KB of text");

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

/* What a malloc type holds: live allocations and bytes, summed. */
struct t_mstat {
	int64_t		tm_inuse;
	int64_t		tm_bytes;
};

static void
t_mstat(struct malloc_type *mt, struct t_mstat *tm)
{
	int cpu;

	bzero(tm, sizeof(*tm));
	for (cpu = 0; cpu < MAXCPU; cpu++) {
		tm->tm_inuse += mt->ks_stats[cpu].mts_numallocs -
		    mt->ks_stats[cpu].mts_numfrees;
		tm->tm_bytes += mt->ks_stats[cpu].mts_memalloced -
		    mt->ks_stats[cpu].mts_memfreed;
	}
}

static int t_rt_int = 33;
static char t_rt_str[16] = "runtime";

static int
sysctl_t_rt_proc(SYSCTL_HANDLER_ARGS)
{
	int v = (int)arg2 * 2;

	return (SYSCTL_OUT(req, &v, sizeof(v)));
}

KTEST(sysctl, runtime_add_remove)
{
	struct t_mstat oid0, str0, oid1, str1;
	struct sysctl_ctx_list ctx;
	struct sysctl_oid *node, *o, *again;
	struct sysctl_oid_list *kids;
	char buf[16];
	size_t len;
	int v;

	t_mstat(M_SYSCTLOID, &oid0);
	t_mstat(M_SYSCTL, &str0);
	KT_ASSERT_EQ(sysctl_ctx_init(&ctx), 0);
	node = SYSCTL_ADD_NODE(&ctx, SYSCTL_STATIC_CHILDREN(_debug_test),
	    OID_AUTO, "rt", CTLFLAG_RW, NULL, "runtime node");
	KT_ASSERT_NOT_NULL(node);
	kids = SYSCTL_CHILDREN(node);
	KT_ASSERT_NOT_NULL(SYSCTL_ADD_INT(&ctx, kids, OID_AUTO, "i",
	    CTLFLAG_RW, &t_rt_int, 0, "runtime int"));
	KT_ASSERT_NOT_NULL(SYSCTL_ADD_STRING(&ctx, kids, OID_AUTO, "s",
	    CTLFLAG_RW, t_rt_str, sizeof(t_rt_str), "runtime string"));
	KT_ASSERT_NOT_NULL(SYSCTL_ADD_PROC(&ctx, kids, OID_AUTO, "p",
	    CTLTYPE_INT | CTLFLAG_RD, NULL, 21, sysctl_t_rt_proc, "I",
	    "runtime handler"));
	/*
	 * From the kernel's own allocator: 4 OIDs, the node's list and 4
	 * context entries in M_SYSCTLOID; 4 names and 4 descriptions in
	 * M_SYSCTL.
	 */
	t_mstat(M_SYSCTLOID, &oid1);
	t_mstat(M_SYSCTL, &str1);
	KT_EXPECT_EQ(oid1.tm_inuse - oid0.tm_inuse, 9);
	KT_EXPECT_EQ(str1.tm_inuse - str0.tm_inuse, 8);
	KT_ASSERT_EQ(read_int("debug.test.rt.i", &v), 0);
	KT_EXPECT_EQ(v, 33);
	KT_ASSERT_EQ(read_int("debug.test.rt.p", &v), 0);
	KT_EXPECT_EQ(v, 42);
	len = sizeof(buf);
	KT_ASSERT_EQ(kernel_sysctlbyname("debug.test.rt.s", buf, &len, NULL,
	    0), 0);
	KT_EXPECT_STREQ(buf, "runtime");
	o = sysctl_find_oid_byname("debug.test.rt.i");
	KT_ASSERT_NOT_NULL(o);
	KT_EXPECT_STREQ(o->oid_descr, "runtime int");
	KT_EXPECT_NE((o->oid_kind & CTLFLAG_DYN), 0);
	KT_ASSERT_EQ(sysctl_oid_name(o, buf, sizeof(buf)), 0);
	KT_EXPECT_STREQ(buf, "debug.test.rt.i");
	/* A second leaf of the same name is refused, and costs nothing. */
	KT_EXPECT_NULL(SYSCTL_ADD_INT(NULL, kids, OID_AUTO, "i", CTLFLAG_RW,
	    &t_rt_int, 0, "dup"));
	KT_EXPECT_NULL(SYSCTL_ADD_INT(NULL, kids, OID_AUTO, "a.b", CTLFLAG_RW,
	    &t_rt_int, 0, "dotted"));
	t_mstat(M_SYSCTLOID, &oid1);
	t_mstat(M_SYSCTL, &str1);
	KT_EXPECT_EQ(oid1.tm_inuse - oid0.tm_inuse, 9);
	KT_EXPECT_EQ(str1.tm_inuse - str0.tm_inuse, 8);
	/* A node added again is shared: one removal leaves it. */
	again = SYSCTL_ADD_NODE(NULL, SYSCTL_STATIC_CHILDREN(_debug_test),
	    OID_AUTO, "rt", CTLFLAG_RW, NULL, "runtime node");
	KT_EXPECT_EQ((uintptr_t)again, (uintptr_t)node);
	KT_EXPECT_EQ(sysctl_remove_oid(node, 1, 0), 0);
	KT_EXPECT_EQ(read_int("debug.test.rt.i", &v), 0);
	/* A node with children is not removed without recurse. */
	KT_EXPECT_EQ(sysctl_remove_oid(node, 1, 0), ENOTEMPTY);
	KT_EXPECT_EQ(read_int("debug.test.rt.i", &v), 0);
	/* A static OID cannot be removed. */
	KT_EXPECT_EQ(sysctl_remove_oid(sysctl_find_oid_byname(
	    "debug.test.t_int"), 1, 0), EINVAL);
	KT_EXPECT_EQ(read_int("debug.test.t_int", &v), 0);
	/* The context frees all, children first; the counters are back. */
	KT_EXPECT_EQ(sysctl_ctx_free(&ctx), 0);
	KT_EXPECT_EQ(read_int("debug.test.rt.i", &v), ENOENT);
	KT_EXPECT_NULL(sysctl_find_oid_byname("debug.test.rt"));
	t_mstat(M_SYSCTLOID, &oid1);
	t_mstat(M_SYSCTL, &str1);
	KT_EXPECT_EQ(oid1.tm_inuse, oid0.tm_inuse);
	KT_EXPECT_EQ(oid1.tm_bytes, oid0.tm_bytes);
	KT_EXPECT_EQ(str1.tm_inuse, str0.tm_inuse);
	KT_EXPECT_EQ(str1.tm_bytes, str0.tm_bytes);
}

KTEST(sysctl, runtime_remove_recurse)
{
	struct t_mstat oid0, str0, oid1, str1;
	struct sysctl_oid *top, *sub;
	int i, v;

	t_mstat(M_SYSCTLOID, &oid0);
	t_mstat(M_SYSCTL, &str0);
	/* Without a context: a node, a node in it, leaves in both. */
	top = SYSCTL_ADD_NODE(NULL, SYSCTL_STATIC_CHILDREN(_debug_test),
	    OID_AUTO, "rtr", CTLFLAG_RW, NULL, NULL);
	KT_ASSERT_NOT_NULL(top);
	sub = SYSCTL_ADD_NODE(NULL, SYSCTL_CHILDREN(top), OID_AUTO, "sub",
	    CTLFLAG_RW, NULL, "a node in a node");
	KT_ASSERT_NOT_NULL(sub);
	for (i = 0; i < 3; i++) {
		KT_ASSERT_NOT_NULL(SYSCTL_ADD_INT(NULL, SYSCTL_CHILDREN(sub),
		    OID_AUTO, i == 0 ? "a" : i == 1 ? "b" : "c", CTLFLAG_RD,
		    NULL, i, "constant"));
	}
	KT_ASSERT_NOT_NULL(SYSCTL_ADD_INT(NULL, SYSCTL_CHILDREN(top),
	    OID_AUTO, "x", CTLFLAG_RD, NULL, 7, NULL));
	KT_ASSERT_EQ(read_int("debug.test.rtr.sub.c", &v), 0);
	KT_EXPECT_EQ(v, 2);
	KT_EXPECT_EQ(sysctl_remove_name(sysctl_find_oid_byname("debug.test"),
	    "rtr", 1, 0), ENOTEMPTY);
	KT_EXPECT_EQ(sysctl_remove_name(sysctl_find_oid_byname("debug.test"),
	    "rtr", 1, 1), 0);
	KT_EXPECT_EQ(read_int("debug.test.rtr.sub.c", &v), ENOENT);
	KT_EXPECT_EQ(read_int("debug.test.rtr.x", &v), ENOENT);
	KT_EXPECT_NULL(sysctl_find_oid_byname("debug.test.rtr"));
	t_mstat(M_SYSCTLOID, &oid1);
	t_mstat(M_SYSCTL, &str1);
	KT_EXPECT_EQ(oid1.tm_inuse, oid0.tm_inuse);
	KT_EXPECT_EQ(oid1.tm_bytes, oid0.tm_bytes);
	KT_EXPECT_EQ(str1.tm_inuse, str0.tm_inuse);
	KT_EXPECT_EQ(str1.tm_bytes, str0.tm_bytes);
}

/* Refuses negative values, with a reason. */
static int
sysctl_t_nonneg(SYSCTL_HANDLER_ARGS)
{
	int error, v = *(int *)arg1;

	error = sysctl_handle_int(oidp, &v, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 0)
		return (sysctl_refuse(req, EINVAL, "must be 0 or more"));
	*(int *)arg1 = v;
	return (0);
}

KTEST(sysctl, refusals_give_reasons)
{
	struct sysctl_oid *o;
	const char *reason;
	int v;

	o = sysctl_find_oid_byname("debug.test.t_even");
	KT_ASSERT_NOT_NULL(o);
	t_even = 4;
	v = 5;
	KT_EXPECT_EQ(sysctl_write_oid(o, &v, sizeof(v), &reason), EINVAL);
	KT_ASSERT_NOT_NULL(reason);
	KT_EXPECT_STREQ(reason, "must be even");
	KT_EXPECT_EQ(t_even, 4);
	v = 8;
	KT_EXPECT_EQ(sysctl_write_oid(o, &v, sizeof(v), &reason), 0);
	KT_EXPECT_NULL(reason);
	KT_EXPECT_EQ(t_even, 8);
	o = sysctl_find_oid_byname("debug.test.t_ro");
	KT_ASSERT_NOT_NULL(o);
	KT_EXPECT_EQ(sysctl_write_oid(o, &v, sizeof(v), &reason), EPERM);
	KT_EXPECT_EQ(t_ro, 11);
	o = sysctl_find_oid_byname("debug.test.t_str");
	KT_ASSERT_NOT_NULL(o);
	KT_EXPECT_EQ(sysctl_write_oid(o, "much too long", 14, &reason),
	    EINVAL);
	KT_ASSERT_NOT_NULL(reason);
	KT_EXPECT_STREQ(reason, "too long");
}

KTEST(sysctl, tunable_goes_through_handler)
{
	static int bad = 3, good = 3;
	struct sysctl_oid *o1, *o2;

	/* A value the handler refuses: warned about, the default kept. */
	KT_ASSERT_EQ(kern_setenv("debug.test.rt_tun_bad", "-5"), 0);
	o1 = SYSCTL_ADD_PROC(NULL, SYSCTL_STATIC_CHILDREN(_debug_test),
	    OID_AUTO, "rt_tun_bad", CTLTYPE_INT | CTLFLAG_RWTUN, &bad, 0,
	    sysctl_t_nonneg, "I", "tunable, refused");
	KT_ASSERT_NOT_NULL(o1);
	KT_EXPECT_EQ(bad, 3);
	/* One it accepts, even on a read-only tunable. */
	KT_ASSERT_EQ(kern_setenv("debug.test.rt_tun_good", "9"), 0);
	o2 = SYSCTL_ADD_PROC(NULL, SYSCTL_STATIC_CHILDREN(_debug_test),
	    OID_AUTO, "rt_tun_good", CTLTYPE_INT | CTLFLAG_RDTUN, &good, 0,
	    sysctl_t_nonneg, "I", "tunable, accepted");
	KT_ASSERT_NOT_NULL(o2);
	KT_EXPECT_EQ(good, 9);
	KT_EXPECT_EQ(sysctl_remove_oid(o1, 1, 0), 0);
	KT_EXPECT_EQ(sysctl_remove_oid(o2, 1, 0), 0);
}

/* What a streaming reader saw. */
struct t_stream {
	size_t	ts_bytes;
	size_t	ts_bad;		/* bytes that differ from t_long_byte() */
	int	ts_calls;
	size_t	ts_stop_after;	/* 0, or fail with EIO past this many bytes */
};

static int
t_stream_out(void *arg, const void *p, size_t len)
{
	struct t_stream *ts = arg;
	const char *c = p;
	size_t i;

	ts->ts_calls++;
	for (i = 0; i < len; i++)
		if (c[i] != t_long_byte(ts->ts_bytes + i))
			ts->ts_bad++;
	ts->ts_bytes += len;
	if (ts->ts_stop_after != 0 && ts->ts_bytes > ts->ts_stop_after)
		return (EIO);
	return (0);
}

KTEST(sysctl, stream_long_value)
{
	struct sysctl_oid *o;
	struct t_stream ts;
	char small[4096];
	size_t len;

	o = sysctl_find_oid_byname("debug.test.t_longtext");
	KT_ASSERT_NOT_NULL(o);
	/* Streamed: every byte, in order, in the handler's pieces. */
	bzero(&ts, sizeof(ts));
	len = 0;
	KT_EXPECT_EQ(sysctl_call_oid_stream(o, t_stream_out, &ts, &len), 0);
	KT_EXPECT_EQ(ts.ts_bytes, T_LONG_LEN + 1);
	KT_EXPECT_EQ(len, T_LONG_LEN + 1);
	KT_EXPECT_EQ(ts.ts_bad, 0);
	KT_EXPECT_EQ(ts.ts_calls, T_LONG_LEN / 64 + 1);
	/* A writer's error ends the handler at once and is returned. */
	bzero(&ts, sizeof(ts));
	ts.ts_stop_after = 1000;
	KT_EXPECT_EQ(sysctl_call_oid_stream(o, t_stream_out, &ts, NULL), EIO);
	KT_EXPECT_EQ(ts.ts_calls, 1000 / 64 + 1);
	/* Into a fixed buffer it does not fit: ENOMEM, the buffer filled. */
	len = sizeof(small);
	KT_EXPECT_EQ(kernel_sysctlbyname("debug.test.t_longtext", small, &len,
	    NULL, 0), ENOMEM);
	KT_EXPECT_GT(len, sizeof(small));
	KT_EXPECT_EQ(small[sizeof(small) - 1], t_long_byte(sizeof(small) - 1));
	/* Nodes are refused as by sysctl_call_oid. */
	o = sysctl_find_oid_byname("debug.test");
	KT_ASSERT_NOT_NULL(o);
	KT_EXPECT_EQ(sysctl_call_oid_stream(o, t_stream_out, &ts, NULL),
	    EISDIR);
}

/* Counts lines and the rows naming "sysctltest", which is never used. */
struct t_rows {
	int	tr_lines;
	int	tr_unused_rows;
};

static void
t_count_rows(void *arg, const char *text)
{
	struct t_rows *tr = arg;
	char name[16];
	int i;

	for (; *text != '\0'; text++) {
		if (text[0] == '\n')
			tr->tr_lines++;
		/* A row starts with the short name, right-aligned. */
		if (text[0] != ' ' || text[1] == ' ')
			continue;
		for (i = 0; i < (int)sizeof(name) - 1 && text[1 + i] != ' ' &&
		    text[1 + i] != '\0'; i++)
			name[i] = text[1 + i];
		name[i] = '\0';
		if (strcmp(name, "sysctltest") == 0 &&
		    strncmp(text + 1 + i, "     0     0K      0K        0",
		    30) == 0)
			tr->tr_unused_rows++;
	}
}

MALLOC_DEFINE(M_SYSCTLTEST, "sysctltest", "sysctl tests: never used");

KTEST(sysctl, vmstat_m_lists_every_type)
{
	struct t_rows tr;
	size_t len;
	int count;

	/* One row per registered malloc type, used or not, and the header. */
	len = sizeof(count);
	KT_ASSERT_EQ(kernel_sysctlbyname("kern.malloc_count", &count, &len,
	    NULL, 0), 0);
	bzero(&tr, sizeof(tr));
	malloc_print_types(t_count_rows, &tr);
	KT_EXPECT_EQ(tr.tr_lines, count + 1);
	KT_EXPECT_EQ(tr.tr_unused_rows, 1);
}

KTEST(sysctl, pcpu_nodes_made_at_boot)
{
	struct t_mstat tm;
	struct sysctl_oid *o;
	char name[48];
	uint64_t sw;
	size_t len;
	int cpu, ncpu, v;

	ncpu = 0;
	CPU_FOREACH(cpu) {
		ncpu++;
		snprintf(name, sizeof(name), "debug.pcpu.%d.cpuid", cpu);
		KT_ASSERT_EQ(read_int(name, &v), 0);
		KT_EXPECT_EQ(v, cpu);
		snprintf(name, sizeof(name), "debug.pcpu.%d.apic_id", cpu);
		KT_ASSERT_EQ(read_int(name, &v), 0);
		KT_EXPECT_EQ((u_int)v, pcpu_find(cpu)->pc_apic_id);
		snprintf(name, sizeof(name), "debug.pcpu.%d.switches", cpu);
		len = sizeof(sw);
		KT_ASSERT_EQ(kernel_sysctlbyname(name, &sw, &len, NULL, 0), 0);
		KT_EXPECT_EQ(len, sizeof(sw));
		KT_EXPECT_LE(sw, pcpu_find(cpu)->pc_cnt_switches);
		snprintf(name, sizeof(name), "debug.pcpu.%d", cpu);
		o = sysctl_find_oid_byname(name);
		KT_ASSERT_NOT_NULL(o);
		KT_EXPECT_NE(o->oid_kind & CTLFLAG_DYN, 0);
	}
	snprintf(name, sizeof(name), "debug.pcpu.%d.cpuid", mp_maxid + 1);
	KT_EXPECT_EQ(read_int(name, &v), ENOENT);
	/* Per CPU: 6 OIDs, a child list, 6 context entries. */
	t_mstat(M_SYSCTLOID, &tm);
	KT_EXPECT_GE(tm.tm_inuse, 13 * ncpu);
	t_mstat(M_SYSCTL, &tm);
	KT_EXPECT_GE(tm.tm_inuse, 12 * ncpu);
}

/*
 * The console's word splitting, through cons_execute: a test command
 * records what it was given.
 */
static int	t_argc;
static char	t_argv[10][32];

static int
t_cmd_args(int argc, char **argv)
{
	int i;

	t_argc = argc;
	for (i = 0; i < argc && i < (int)nitems(t_argv); i++)
		strlcpy(t_argv[i], argv[i], sizeof(t_argv[i]));
	return (0);
}
CONS_COMMAND(ktargs, t_cmd_args, "ktargs [word ...]",
    "test kernels: count the words it is given");

KTEST(sysctl, console_word_splitting)
{
	char line[1100];
	int i;

	strlcpy(line, "ktargs a \"b  c\" 'd\"e' f\\ g \"\" h\"i\"'j'\tk "
	    "\"\\\"\\\\\\x\"", sizeof(line));
	t_argc = -1;
	KT_ASSERT_EQ(cons_execute(line), 0);
	KT_ASSERT_EQ(t_argc, 9);
	KT_EXPECT_STREQ(t_argv[0], "ktargs");
	KT_EXPECT_STREQ(t_argv[1], "a");
	KT_EXPECT_STREQ(t_argv[2], "b  c");
	KT_EXPECT_STREQ(t_argv[3], "d\"e");
	KT_EXPECT_STREQ(t_argv[4], "f g");
	KT_EXPECT_STREQ(t_argv[5], "");
	KT_EXPECT_STREQ(t_argv[6], "hij");
	KT_EXPECT_STREQ(t_argv[7], "k");		/* after a tab */
	KT_EXPECT_STREQ(t_argv[8], "\"\\\\x");	/* "\"\\\x" */
	/* 64 words run; 65 are refused and nothing runs. */
	strlcpy(line, "ktargs", sizeof(line));
	for (i = 1; i < 64; i++)
		strlcat(line, " w", sizeof(line));
	t_argc = -1;
	KT_EXPECT_EQ(cons_execute(line), 0);	/* splits line in place */
	KT_EXPECT_EQ(t_argc, 64);
	strlcpy(line, "ktargs", sizeof(line));
	for (i = 1; i < 65; i++)
		strlcat(line, " w", sizeof(line));
	t_argc = -1;
	KT_EXPECT_EQ(cons_execute(line), 1);
	KT_EXPECT_EQ(t_argc, -1);
	/* 1024 characters run; 1025 are refused. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "ktargs ", 7);
	line[1024] = '\0';
	KT_EXPECT_EQ(cons_execute(line), 0);
	KT_EXPECT_EQ(t_argc, 2);
	memset(line, 'x', sizeof(line));
	memcpy(line, "ktargs ", 7);
	line[1025] = '\0';
	t_argc = -1;
	KT_EXPECT_EQ(cons_execute(line), 1);
	KT_EXPECT_EQ(t_argc, -1);
	/* Unterminated quotes and a last backslash: refused. */
	strlcpy(line, "ktargs \"open", sizeof(line));
	KT_EXPECT_EQ(cons_execute(line), 1);
	strlcpy(line, "ktargs 'open", sizeof(line));
	KT_EXPECT_EQ(cons_execute(line), 1);
	strlcpy(line, "ktargs end\\", sizeof(line));
	KT_EXPECT_EQ(cons_execute(line), 1);
	KT_EXPECT_EQ(t_argc, -1);
	/* Blank lines run nothing. */
	strlcpy(line, " \t ", sizeof(line));
	KT_EXPECT_EQ(cons_execute(line), 0);
	KT_EXPECT_EQ(t_argc, -1);
}

KTEST(sysctl, console_strict_numbers)
{
	u_int v;

	v = 7;
	KT_EXPECT_EQ(cons_parse_uint("0", &v), 0);
	KT_EXPECT_EQ(v, 0);
	KT_EXPECT_EQ(cons_parse_uint("4294967295", &v), 0);
	KT_EXPECT_EQ(v, 4294967295u);
	v = 7;
	KT_EXPECT_EQ(cons_parse_uint("4294967296", &v), ERANGE);
	KT_EXPECT_EQ(cons_parse_uint("4294967297", &v), ERANGE);
	KT_EXPECT_EQ(cons_parse_uint("99999999999999999999999", &v), ERANGE);
	KT_EXPECT_EQ(cons_parse_uint("1abc", &v), EINVAL);
	KT_EXPECT_EQ(cons_parse_uint("", &v), EINVAL);
	KT_EXPECT_EQ(cons_parse_uint("-1", &v), EINVAL);
	KT_EXPECT_EQ(cons_parse_uint("+1", &v), EINVAL);
	KT_EXPECT_EQ(cons_parse_uint(" 1", &v), EINVAL);
	KT_EXPECT_EQ(cons_parse_uint("1 ", &v), EINVAL);
	KT_EXPECT_EQ(cons_parse_uint("0x1", &v), EINVAL);
	KT_EXPECT_EQ(v, 7);
}
