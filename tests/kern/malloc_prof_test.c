/*
 * MALLOC_PROFILE (options MALLOC_PROFILE): sysctl kern.mprof, FreeBSD's
 * table.  After a header line, one row per 16-byte request size,
 * "%6d%28llu%11d": the size (requests rounded up to a multiple of 16),
 * the requests counted since boot or malloc_profile_reset(), and the real
 * size handed out for it; then "Total memory used:" (the sum of real size
 * times requests) and "Total Memory wasted:" (the sum of real size minus
 * size, times requests).  Without the option every case skips.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/sysctl.h>

#include "opt_vm.h"

#ifdef MALLOC_PROFILE
#define	MP_ENABLED	1
#else
#define	MP_ENABLED	0
#endif

MALLOC_DEFINE(M_KTPROF, "ktprof", "MALLOC_PROFILE tests");

#define	MP_ZMAX		65536
#define	MP_NROWS	(MP_ZMAX / 16 + 1)

struct mp_table {
	int		nrows;
	int		first;		/* size of the first row */
	int		bad;		/* lines that are neither */
	int		header;		/* the header line was seen */
	int		has_used, has_wasted;
	uint64_t	req[MP_NROWS];	/* by size / 16 */
	int64_t		rsize[MP_NROWS];
	uint64_t	used, wasted;
};

static struct mp_table	mp_t;

/* A right-aligned unsigned field of width w at s, or -1. */
static int64_t
mp_field(const char *s, int w)
{
	int64_t v = 0;
	int i = 0;

	while (i < w && s[i] == ' ')
		i++;
	if (i == w)
		return (-1);
	for (; i < w; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	return (v);
}

/* A "Label:\t<number>" footer line's number, or -1. */
static int64_t
mp_total(const char *line, size_t len, const char *label)
{
	size_t l = strlen(label), i;
	int64_t v = 0;

	if (len <= l || strncmp(line, label, l) != 0 || line[l] != '\t')
		return (-1);
	for (i = l + 1; i < len && line[i] == ' '; i++)
		;
	if (i == len)
		return (-1);
	for (; i < len; i++) {
		if (line[i] < '0' || line[i] > '9')
			return (-1);
		v = v * 10 + (line[i] - '0');
	}
	return (v);
}

/* Read and parse kern.mprof into mp_t; 0 or an errno. */
static int
mp_read(void)
{
	const char *l, *e;
	char *buf;
	size_t len = 0, want, n;
	int64_t size, req, rsize, v;
	int error;

	memset(&mp_t, 0, sizeof(mp_t));
	mp_t.first = -1;
	error = kernel_sysctlbyname("kern.mprof", NULL, &len, NULL, 0);
	if (error != 0)
		return (error);
	want = len + 8192;
	buf = malloc(want, M_TEMP, M_WAITOK | M_ZERO);
	len = want - 1;
	error = kernel_sysctlbyname("kern.mprof", buf, &len, NULL, 0);
	if (error != 0) {
		free(buf, M_TEMP);
		return (error);
	}
	for (l = buf; *l != '\0'; l = *e != '\0' ? e + 1 : e) {
		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		n = e - l;
		if (n == 0)
			continue;
		if (strncmp(l, "  Size                    Requests  Real Size",
		    n) == 0 && n == 45) {
			mp_t.header = 1;
			continue;
		}
		if ((v = mp_total(l, n, "Total memory used:")) >= 0) {
			mp_t.used = v;
			mp_t.has_used = 1;
			continue;
		}
		if ((v = mp_total(l, n, "Total Memory wasted:")) >= 0) {
			mp_t.wasted = v;
			mp_t.has_wasted = 1;
			continue;
		}
		size = n == 45 ? mp_field(l, 6) : -1;
		req = n == 45 ? mp_field(l + 6, 28) : -1;
		rsize = n == 45 ? mp_field(l + 34, 11) : -1;
		if (size < 0 || req < 0 || rsize < 0 || size % 16 != 0 ||
		    size / 16 >= MP_NROWS ||
		    (mp_t.nrows > 0 && size != mp_t.first + 16 * mp_t.nrows)) {
			if (mp_t.bad++ < 3)
				printf("# kern.mprof: unexpected line \"%.*s\"\n",
				    (int)n, l);
			continue;
		}
		if (mp_t.nrows == 0)
			mp_t.first = size;
		mp_t.req[size / 16] = req;
		mp_t.rsize[size / 16] = rsize;
		mp_t.nrows++;
	}
	free(buf, M_TEMP);
	return (0);
}

/* The zone a request of size is charged for (M_KTPROF). */
static int64_t
mp_charge(size_t size)
{
	uint64_t a0 = 0, a1 = 0;
	void *p;
	int cpu;

	CPU_FOREACH(cpu)
		a0 += M_KTPROF->ks_stats[cpu].mts_memalloced;
	p = malloc(size, M_KTPROF, M_WAITOK);
	CPU_FOREACH(cpu)
		a1 += M_KTPROF->ks_stats[cpu].mts_memalloced;
	free(p, M_KTPROF);
	return (a1 - a0);
}

/*
 * The table's shape: the header, consecutive rows from size 0 or 16 up
 * to at least 65520, both footer lines, nothing else; the totals are the
 * sums the rows give.
 */
static void
mp_check_shape(struct ktest_ctx *kt)
{
	uint64_t used = 0, wasted = 0;
	int i;

	KT_EXPECT_EQ(mp_t.header, 1);
	KT_EXPECT_EQ(mp_t.bad, 0);
	KT_EXPECT(mp_t.first == 0 || mp_t.first == 16);
	KT_EXPECT_GE(mp_t.first + 16 * (mp_t.nrows - 1), MP_ZMAX - 16);
	KT_EXPECT_EQ(mp_t.has_used, 1);
	KT_EXPECT_EQ(mp_t.has_wasted, 1);
	for (i = 0; i < MP_NROWS; i++) {
		used += mp_t.req[i] * mp_t.rsize[i];
		wasted += mp_t.req[i] * (mp_t.rsize[i] - 16 * i);
	}
	KT_EXPECT_EQ(mp_t.used, used);
	KT_EXPECT_EQ(mp_t.wasted, wasted);
}

/*
 * After malloc_profile_reset(), 10 requests of 20 bytes count in the
 * row for 32 and 5 of 100 bytes in the row for 112; the totals hold at
 * least what they cost; a new reset clears those rows again.
 */
KTEST(malloc_prof, requests_counted_by_rounded_size)
{
	void *p[15];
	uint64_t r32, r112;
	int i;

	if (!MP_ENABLED)
		KT_SKIP("needs options MALLOC_PROFILE");
	malloc_profile_reset();
	KT_ASSERT_EQ(mp_read(), 0);
	mp_check_shape(kt);
	KT_EXPECT_EQ(mp_t.req[32 / 16], 0);
	KT_EXPECT_EQ(mp_t.req[112 / 16], 0);

	malloc_profile_reset();
	for (i = 0; i < 10; i++)
		p[i] = malloc(20, M_KTPROF, M_WAITOK);
	for (i = 10; i < 15; i++)
		p[i] = malloc(100, M_KTPROF, i & 1 ? M_NOWAIT : M_WAITOK);
	for (i = 0; i < 15; i++)
		free(p[i], M_KTPROF);
	KT_ASSERT_EQ(mp_read(), 0);
	mp_check_shape(kt);
	KT_EXPECT_EQ(mp_t.req[32 / 16], 10);
	KT_EXPECT_EQ(mp_t.req[112 / 16], 5);
	/* 20 and 100 are not rows of their own. */
	KT_EXPECT_EQ(mp_t.req[16 / 16], 0);
	KT_EXPECT_EQ(mp_t.req[96 / 16], 0);
	r32 = mp_t.rsize[32 / 16];
	r112 = mp_t.rsize[112 / 16];
	KT_EXPECT_GE(r32, 32);
	KT_EXPECT_GE(r112, 112);
	KT_EXPECT_GE(mp_t.used, 10 * r32 + 5 * r112);
	KT_EXPECT_GE(mp_t.wasted, 10 * (r32 - 32) + 5 * (r112 - 112));

	malloc_profile_reset();
	KT_ASSERT_EQ(mp_read(), 0);
	mp_check_shape(kt);
	KT_EXPECT_EQ(mp_t.req[32 / 16], 0);
	KT_EXPECT_EQ(mp_t.req[112 / 16], 0);
}

/*
 * The Real Size column is the block a request of that size is charged
 * for, for every row from 16 to 65536 that the table has.
 */
KTEST(malloc_prof, real_size_is_the_block_charged)
{
	int64_t z;
	int i, bad = 0;

	if (!MP_ENABLED)
		KT_SKIP("needs options MALLOC_PROFILE");
	KT_ASSERT_EQ(mp_read(), 0);
	mp_check_shape(kt);
	for (i = 1; i < MP_NROWS && bad < 5; i++) {
		if (16 * i < mp_t.first ||
		    16 * i > mp_t.first + 16 * (mp_t.nrows - 1))
			continue;
		z = mp_charge(16 * i);
		if (mp_t.rsize[i] != z) {
			KT_EXPECT_EQ(mp_t.rsize[i], z);
			printf("# row %d: Real Size %jd, malloc(%d) charged "
			    "%jd\n", 16 * i, (intmax_t)mp_t.rsize[i], 16 * i,
			    (intmax_t)z);
			bad++;
		}
	}
}

/*
 * Many requests of neighbouring sizes add up exactly in their rows; a
 * large request does not disturb them.
 */
KTEST(malloc_prof, totals_follow_many_requests)
{
	uint64_t r;
	void *p;
	int i;

	if (!MP_ENABLED)
		KT_SKIP("needs options MALLOC_PROFILE");
	malloc_profile_reset();
	for (i = 0; i < 1000; i++) {
		p = malloc(1000 + (i & 15), M_KTPROF, M_WAITOK);
		free(p, M_KTPROF);
	}
	p = malloc(200000, M_KTPROF, M_WAITOK);
	free(p, M_KTPROF);
	KT_ASSERT_EQ(mp_read(), 0);
	mp_check_shape(kt);
	/* 1000..1008 round to 1008, 1009..1015 to 1024. */
	KT_EXPECT_EQ(mp_t.req[1008 / 16], 1000 / 16 * 9 + MIN(1000 % 16, 9));
	KT_EXPECT_EQ(mp_t.req[1024 / 16], 1000 - mp_t.req[1008 / 16]);
	r = mp_t.req[1008 / 16] * mp_t.rsize[1008 / 16] +
	    mp_t.req[1024 / 16] * mp_t.rsize[1024 / 16];
	KT_EXPECT_GE(mp_t.used, r);
	KT_EXPECT_GE(mp_t.wasted, mp_t.req[1008 / 16] *
	    (mp_t.rsize[1008 / 16] - 1008) + mp_t.req[1024 / 16] *
	    (mp_t.rsize[1024 / 16] - 1024));
}
