/*
 * Trace replay tests: tests/replay/edge.trace (converted by the harness and
 * given as QEMU -initrd, see tests/plan.txt) replayed in every mode with
 * its statistics checked exactly, a byte changed behind the replay's back
 * caught by the pattern, and damaged copies of the image refused by
 * replay_check with the right reason.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/preload.h>
#include <sys/replay.h>
#include <sys/sysctl.h>
#include <vm/uma.h>

#ifdef INVARIANTS
#define	RT_INVARIANTS	1
#else
#define	RT_INVARIANTS	0
#endif

/* tests/replay/edge.trace, as tools/trace2bin.py --stats counts it. */
#define	EDGE_EVENTS		508
#define	EDGE_OBJECTS		280
#define	EDGE_FREES		228
#define	EDGE_PEAK_BYTES		1444425
#define	EDGE_PEAK_EVENT		97
#define	EDGE_PEAK_OBJECTS	94
#define	EDGE_LIVE_END		52
#define	EDGE_LIVE_BYTES_END	242425
#define	EDGE_SITES		15
#define	EDGE_CACHES		5
#define	EDGE_PHASES		5
#define	EDGE_CROSS_FREES	203	/* freed on another CPU than made */
#define	EDGE_KEPT_ID		2	/* live at the peak, freed later */

/* The image's first four events, which the refusal cases patch. */
static const uint8_t edge_prefix[] = {
	0x19, 0x00, 0x00,	/* a 0 0 8 1 0: zero-size, site 1 */
	0x03, 0x00,		/* f 0 0 */
	0x19, 0x08, 0x01,	/* a 1 8 8 2 0 */
	0x07, 0x00,		/* f 1 1: freed on CPU 1 */
};

MALLOC_DEFINE(M_REPLAYTEST, "replaytest", "replay tests");

static struct replay_trace	edge;
static struct replay_stats	edge_stats;

static int
edge_load(struct ktest_ctx *kt, struct replay_trace *rt)
{
	const void *data;
	char why[160];
	size_t size;
	int error;

	data = preload_data(0, &size);
	if (data == NULL) {
		ktest_fail(kt, __FILE__, __LINE__, "no trace module "
		    "(-initrd tests/replay/edge.trace)");
		return (ENOENT);
	}
	error = replay_check(data, size, rt, why, sizeof(why));
	if (error != 0)
		ktest_fail(kt, __FILE__, __LINE__, "refused: %s", why);
	return (error);
}

KTEST(replay, module_checked)
{
	KT_ASSERT_EQ(preload_count(), 1);
	KT_ASSERT_NE(preload_paddr(0), 0);
	if (edge_load(kt, &edge) != 0)
		return;
	KT_EXPECT_EQ(edge.rt_nevents, EDGE_EVENTS);
	KT_EXPECT_EQ(edge.rt_nobjects, EDGE_OBJECTS);
	KT_EXPECT_EQ(edge.rt_nfrees, EDGE_FREES);
	KT_EXPECT_EQ(edge.rt_nsites, EDGE_SITES);
	KT_EXPECT_EQ(edge.rt_ncaches, EDGE_CACHES);
	KT_EXPECT_EQ(edge.rt_nphases, EDGE_PHASES);
	KT_EXPECT_EQ(edge.rt_peak_bytes, EDGE_PEAK_BYTES);
	KT_EXPECT_EQ(edge.rt_peak_event, EDGE_PEAK_EVENT);
	KT_EXPECT_EQ(edge.rt_peak_objects, EDGE_PEAK_OBJECTS);
	KT_EXPECT_EQ(edge.rt_live_end, EDGE_LIVE_END);
	KT_EXPECT_EQ(edge.rt_live_bytes_end, EDGE_LIVE_BYTES_END);
	KT_EXPECT_EQ(edge.rt_maxcpu, 1);
	/* Only cache5, whose caches.txt line says "?", is marked unknown. */
	KT_EXPECT_EQ(edge.rt_caches[4 * 16 + 12], REPLAY_CACHE_UNKNOWN);
	KT_EXPECT_EQ(edge.rt_caches[1 * 16 + 12], 0);
	KT_ASSERT_EQ(memcmp(edge.rt_events, edge_prefix,
	    sizeof(edge_prefix)), 0);
}

/* What the at_peak callbacks saw. */
static struct {
	int	site_rows;	/* vmstat -m rows naming a replay site */
	int	zones_found;
	int	unknown_zone;	/* a zone for the unknown cache (cache5) */
	int	corrupted;
} peak;

static void
count_site_rows(void *arg __unused, const char *line)
{
	if (strstr(line, " edge_large ") != NULL ||
	    strstr(line, " edge_never ") != NULL)
		peak.site_rows++;
}

static void
at_peak_types(void *arg __unused)
{
	malloc_print_types(count_site_rows, NULL);
	peak.zones_found = (uma_zone_find("edge_hw") != NULL) +
	    (uma_zone_find("edge_maple") != NULL);
	peak.unknown_zone = uma_zone_find("cache5") != NULL;
}

/* The figures every clean replay of the edge trace must give. */
static void
check_clean(struct ktest_ctx *kt, const struct replay_stats *rs)
{
	KT_EXPECT_EQ(rs->rs_events, EDGE_EVENTS);
	KT_EXPECT_EQ(rs->rs_allocs, EDGE_OBJECTS);
	KT_EXPECT_EQ(rs->rs_frees, EDGE_FREES);
	KT_EXPECT_EQ(rs->rs_failed, 0);
	KT_EXPECT_EQ(rs->rs_pattern_errors, 0);
	KT_EXPECT_EQ(rs->rs_peak_bytes, EDGE_PEAK_BYTES);
	KT_EXPECT_EQ(rs->rs_peak_event, EDGE_PEAK_EVENT);
	KT_EXPECT_EQ(rs->rs_live_end, EDGE_LIVE_END);
	KT_EXPECT_EQ(rs->rs_live_bytes_end, EDGE_LIVE_BYTES_END);
	KT_EXPECT_EQ(rs->rs_types_nonzero, 0);
	KT_EXPECT_EQ(rs->rs_zones_leaked, 0);
	/* The timed pass replayed every event too. */
	KT_EXPECT_EQ(rs->rs_timed_failed, 0);
	KT_EXPECT_GT(rs->rs_tsc_loop, 0);
	KT_EXPECT_GT(rs->rs_tsc_loop_proof, 0);
	/*
	 * Every live byte sits in an item, and every item in a page of the
	 * kegs (unless MemGuard took it: its pages are its own).
	 */
	KT_EXPECT_GE(rs->rs_peak_handed, EDGE_PEAK_BYTES);
	if (rs->rs_guarded == 0) {
		KT_EXPECT_GE(rs->rs_footprint_peak_permille, 1000);
		KT_EXPECT_GE(rs->rs_footprint_end_permille, 1000);
	}
	KT_EXPECT_GE(rs->rs_pages_end_before_reclaim, rs->rs_pages_end);
	/* Back to where it started, within 2%. */
	KT_EXPECT_LE(rs->rs_pages_after, rs->rs_pages_base +
	    rs->rs_pages_base / 50 + 1);
	KT_EXPECT_GT(rs->rs_nsamples, 0);
}

static void
run_mode(struct ktest_ctx *kt, enum replay_mode mode)
{
	int error;

	if (edge_load(kt, &edge) != 0)
		return;
	bzero(&peak, sizeof(peak));
	error = replay_run(&edge, mode, &edge_stats, at_peak_types, NULL);
	if (error == ENXIO)
		KT_SKIP("mode %s needs MemGuard or a second CPU",
		    replay_mode_name(mode));
	KT_ASSERT_EQ(error, 0);
	check_clean(kt, &edge_stats);
	/* Only two CPUs take the cross-CPU path, and exactly the trace's. */
	KT_EXPECT_EQ(edge_stats.rs_cross_frees, mode == REPLAY_SMP2 ?
	    EDGE_CROSS_FREES : 0);
	/* The MemGuard boot sets vm.memguard.frequency=3 (tests/plan.txt). */
	if (mode == REPLAY_MEMGUARD || mode == REPLAY_MEMGUARD_ZONES)
		KT_EXPECT_GT(edge_stats.rs_guarded, 0);
	/* The sites were malloc types while the replay ran, and only then. */
	KT_EXPECT_EQ(peak.site_rows, 2);
	KT_EXPECT_EQ(peak.zones_found, mode == REPLAY_ZONES ||
	    mode == REPLAY_SMP2 || mode == REPLAY_MEMGUARD_ZONES ? 2 : 0);
	/* cache5's caches.txt line says "?": no zone, its objects via malloc. */
	KT_EXPECT_EQ(peak.unknown_zone, 0);
	/* Power-of-two requests are aligned to themselves (malloc(9)). */
	if (mode != REPLAY_MEMGUARD && mode != REPLAY_MEMGUARD_ZONES)
		KT_EXPECT_EQ(edge_stats.rs_misaligned, 0);
	peak.site_rows = 0;
	malloc_print_types(count_site_rows, NULL);
	KT_EXPECT_EQ(peak.site_rows, 0);
	KT_EXPECT_NULL(uma_zone_find("edge_hw"));
}

KTEST(replay, malloc_mode)
{
	run_mode(kt, REPLAY_MALLOC);
}

KTEST(replay, zones_mode)
{
	run_mode(kt, REPLAY_ZONES);
}

KTEST(replay, memguard_mode)
{
	run_mode(kt, REPLAY_MEMGUARD);
}

KTEST(replay, smp2_mode)
{
	run_mode(kt, REPLAY_SMP2);
}

KTEST(replay, memguard_zones_mode)
{
	run_mode(kt, REPLAY_MEMGUARD_ZONES);
}

static void
at_peak_corrupt(void *arg __unused)
{
	uint8_t *p = replay_object(EDGE_KEPT_ID);

	if (p != NULL) {
		p[0] ^= 0x40;
		peak.corrupted = 1;
	}
}

/* A byte changed behind the replay's back is found at the free. */
KTEST(replay, pattern_catches_a_changed_byte)
{
	if (edge_load(kt, &edge) != 0)
		return;
	bzero(&peak, sizeof(peak));
	KT_ASSERT_EQ(replay_run(&edge, REPLAY_ZONES, &edge_stats,
	    at_peak_corrupt, NULL), 0);
	KT_ASSERT_EQ(peak.corrupted, 1);
	KT_EXPECT_EQ(edge_stats.rs_pattern_errors, 1);
	KT_EXPECT_EQ(edge_stats.rs_types_nonzero, 0);
	KT_EXPECT_NULL(replay_object(EDGE_KEPT_ID));
}

/*
 * Refusals: damaged copies of the image.
 */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t
get32(const uint8_t *p)
{
	return (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
}

/* Fix the event stream's checksum after a patch. */
static void
resum(uint8_t *img)
{
	put32(img + 68, replay_fnv1a(img + get32(img + 60), get32(img + 64)));
}

enum damage {
	D_MAGIC, D_VERSION, D_SHORT, D_TRUNCATED, D_CHECKSUM, D_OP0,
	D_DOUBLE_FREE, D_FREE_BEFORE, D_SITE, D_NEVENTS, D_CACHE_SIZE,
	D_CACHE_ALIGN, D_STRINGS, D_SITE_NAME, D_EVENTS_OUTSIDE, D_CACHE_FLAGS,
	D_COUNT
};

static const char *const damage_reason[D_COUNT] = {
	[D_MAGIC] = "bad magic",
	[D_VERSION] = "version 2, want 1",
	[D_SHORT] = "shorter than the 96-byte header",
	[D_TRUNCATED] = "event stream outside the image",
	[D_CHECKSUM] = "event stream checksum",
	[D_OP0] = "event 0: unknown op 0",
	[D_DOUBLE_FREE] = "event 3: object 0 freed twice",
	[D_FREE_BEFORE] = "event 1: free of object -1 before",
	[D_SITE] = "event 0: site 128, only 15 sites",
	[D_NEVENTS] = "508 events, the header says 509",
	[D_CACHE_SIZE] = "cache 2 (edge_hw): object size 1048576 over",
	[D_CACHE_ALIGN] = "cache 2 (edge_hw): align 48 is not a power of two",
	[D_STRINGS] = "string table does not end in NUL",
	[D_SITE_NAME] = "site 1: name offset",
	[D_EVENTS_OUTSIDE] = "event stream outside the image",
	[D_CACHE_FLAGS] = "cache 2 (edge_hw): unknown flags 0x6",
};

KTEST(replay, damaged_images_refused)
{
	struct replay_trace rt;
	const uint8_t *orig;
	uint8_t *img, *ev;
	char why[160];
	size_t size, len;
	int d, error;

	orig = preload_data(0, &size);
	KT_ASSERT_NOT_NULL(orig);
	img = malloc(size, M_REPLAYTEST, M_WAITOK);
	for (d = 0; d < D_COUNT; d++) {
		memcpy(img, orig, size);
		len = size;
		ev = img + get32(img + 60);
		switch (d) {
		case D_MAGIC:
			img[0] = 'X';
			break;
		case D_VERSION:
			put32(img + 8, 2);
			break;
		case D_SHORT:
			len = 95;
			break;
		case D_TRUNCATED:
			len = size - 1;
			break;
		case D_CHECKSUM:
			ev[6] ^= 1;
			break;
		case D_OP0:
			ev[0] = 0x18;
			resum(img);
			break;
		case D_DOUBLE_FREE:
			ev[9] = 1;		/* f 1 -> f 0 */
			resum(img);
			break;
		case D_FREE_BEFORE:
			ev[4] = 1;		/* f 0 -> f -1 */
			resum(img);
			break;
		case D_SITE:
			ev[2] = 0x7f;
			resum(img);
			break;
		case D_NEVENTS:
			put32(img + 16, EDGE_EVENTS + 1);
			break;
		case D_CACHE_SIZE:
			put32(img + get32(img + 44) + 16 + 4, 1 << 20);
			break;
		case D_CACHE_ALIGN:
			put32(img + get32(img + 44) + 16 + 8, 48);
			break;
		case D_STRINGS:
			img[get32(img + 52) + get32(img + 56) - 1] = 'x';
			break;
		case D_SITE_NAME:
			put32(img + get32(img + 40), get32(img + 56));
			break;
		case D_EVENTS_OUTSIDE:
			put32(img + 64, 0xfffffff0);
			break;
		case D_CACHE_FLAGS:
			put32(img + get32(img + 44) + 16 + 12, 6);
			break;
		}
		error = replay_check(img, len, &rt, why, sizeof(why));
		if (error != EINVAL || strstr(why, damage_reason[d]) == NULL)
			ktest_fail(kt, __FILE__, __LINE__, "damage %d: "
			    "error %d, \"%s\", want \"%s\"", d, error, why,
			    damage_reason[d]);
		KT_EXPECT_NULL(rt.rt_base);
	}
	/* The undamaged copy passes: the damage, not the copy, was refused. */
	memcpy(img, orig, size);
	KT_EXPECT_EQ(replay_check(img, size, &rt, why, sizeof(why)), 0);
	/* An unknown cache (cache5) gets no zone, so no zone size limit. */
	put32(img + get32(img + 44) + 4 * 16 + 4, 1 << 20);
	KT_EXPECT_EQ(replay_check(img, size, &rt, why, sizeof(why)), 0);
	free(img, M_REPLAYTEST);
}

/* The module is mapped read-only: a write to it faults. */
KTEST_DEATH(replay, module_is_read_only, "page fault")
{
	size_t size;
	volatile uint8_t *p = __DECONST(uint8_t *, preload_data(0, &size));

	if (p == NULL)
		panic("replay test: no module to write to");
	p[size / 2] ^= 1;
	printf("replay test: the write went through\n");
}

/*
 * Runtime malloc types (malloc_init/malloc_uninit), which the replay makes
 * one per site.
 */

static int
malloc_count(void)
{
	size_t len = sizeof(int);
	int n = -1;

	if (kernel_sysctlbyname("kern.malloc_count", &n, &len, NULL, 0) != 0)
		return (-1);
	return (n);
}

static struct malloc_type *
rt_type_new(const char *name)
{
	struct malloc_type *t;

	t = malloc(sizeof(*t), M_REPLAYTEST, M_WAITOK | M_ZERO);
	t->ks_magic = M_MAGIC;
	t->ks_shortdesc = name;
	t->ks_longdesc = "replay test runtime type";
	malloc_init(t);
	return (t);
}

static void
rt_type_row(void *arg, const char *line)
{
	if (strstr(line, " rt_counted ") != NULL)
		(*(int *)arg)++;
}

KTEST(replay, runtime_types_listed_and_removed)
{
	struct malloc_type *t;
	int before, rows;
	void *p;

	before = malloc_count();
	KT_ASSERT_GT(before, 0);
	t = rt_type_new("rt_counted");
	KT_EXPECT_EQ(malloc_count(), before + 1);
	p = malloc(100, t, M_WAITOK);
	rows = 0;
	malloc_print_types(rt_type_row, &rows);
	KT_EXPECT_EQ(rows, 1);
	free(p, t);
	malloc_uninit(t);
	KT_EXPECT_EQ(malloc_count(), before);
	rows = 0;
	malloc_print_types(rt_type_row, &rows);
	KT_EXPECT_EQ(rows, 0);
	free(t, M_REPLAYTEST);
}

/* INVARIANTS names a runtime type (outside the kernel image) as owner. */
KTEST_DEATH(replay, runtime_type_mismatch, "was allocated as rt_owner, "
    "freed as rt_other")
{
	struct malloc_type *a, *b;
	void *p;

	if (!RT_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	a = rt_type_new("rt_owner");
	b = rt_type_new("rt_other");
	p = malloc(64, a, M_WAITOK);
	free(p, b);
	KT_FAIL("the free of %p as the wrong type went unnoticed", p);
}
