/*
 * Smoke tests: the framework itself and the most basic kernel services,
 * including the kernel's own use of its allocator: threads come from the
 * UMA zone "THREAD" (kern_thread.c) and go back to it when reaped, with
 * their kernel stacks cached by the zone; the callwheel is malloc'd from
 * M_CALLOUT.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/linker_set.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/uma.h>

SET_DECLARE(malloc_type_set, struct malloc_type);

KTEST(smoke, snprintf_formats)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%d|%5s|%-3x|%#lx|%05u", -42, "ab", 10,
	    0xbeefUL, 7);
	KT_ASSERT_STREQ(buf, "-42|   ab|a  |0xbeef|00007");
	KT_ASSERT_EQ(snprintf(buf, 4, "%s", "truncate"), 8);
	KT_ASSERT_STREQ(buf, "tru");
}

KTEST_DEATH(smoke, panic_message, "smoke test panic 42")
{
	panic("smoke test panic %d", 42);
}

/*
 * Give every exited thread back and wait until the THREAD zone counts
 * want items (a thread that has just left the thread list may not be a
 * zombie yet); the count at the end.
 */
static int
smoke_reap_to(uma_zone_t z, int want)
{
	int i;

	for (i = 0; i < 2000; i++) {
		thread_reap();
		if (uma_zone_get_cur(z) == want)
			break;
		pause("smkreap", hz / 100 + 1);
	}
	return (uma_zone_get_cur(z));
}

/* Every thread but thread0 (static) is an item of the THREAD zone. */
KTEST(smoke, thread_zone_counts_threads)
{
	uma_zone_t z;
	int cur;

	z = uma_zone_find("THREAD");
	KT_ASSERT_NOT_NULL(z);
	KT_EXPECT_EQ(uma_zone_size(z), sizeof(struct thread));
	cur = smoke_reap_to(z, kthread_count() - 1);
	KT_EXPECT_EQ(cur, kthread_count() - 1);
	/* The idle thread of each CPU, UMA's reclaim thread, and more. */
	KT_EXPECT_GE(cur, mp_ncpus + 1);
}

#define	SMOKE_NTHREADS	200
#define	SMOKE_WAVE	8

static volatile u_int	smoke_ran, smoke_onstack;

/* Count the run, and that the thread runs on its own stack. */
static void
smoke_thread(void *arg __unused)
{
	struct thread *td = curthread;
	vm_offset_t here = (vm_offset_t)&td;

	if (here >= td->td_kstack && here < td->td_kstack +
	    ptoa(td->td_kstack_pages))
		atomic_add_int(&smoke_onstack, 1);
	atomic_add_int(&smoke_ran, 1);
	kthread_exit();
}

/*
 * Many threads, made and reaped in waves: the zone goes back to its count,
 * a reused item keeps its stack (with its guard page unmapped), and after
 * uma_reclaim the cached stacks are given back.
 */
KTEST(smoke, thread_zone_reaps_and_caches_stacks)
{
	static struct thread *seen[SMOKE_NTHREADS];
	static vm_offset_t stack[SMOKE_NTHREADS];
	struct thread *td;
	uma_zone_t z;
	u_int free0, free1;
	int base, i, j, nseen, reused, wave;

	z = uma_zone_find("THREAD");
	KT_ASSERT_NOT_NULL(z);
	base = smoke_reap_to(z, kthread_count() - 1);
	KT_ASSERT_EQ(base, kthread_count() - 1);
	uma_reclaim();
	free0 = vm_cnt.v_free_count;
	smoke_ran = smoke_onstack = 0;
	nseen = reused = 0;
	for (wave = 0; wave < SMOKE_NTHREADS / SMOKE_WAVE; wave++) {
		for (i = 0; i < SMOKE_WAVE; i++) {
			KT_ASSERT_EQ(kthread_add(smoke_thread, NULL, NULL, &td,
			    RFSTOPPED, 0, "smoke%d", wave * SMOKE_WAVE + i), 0);
			KT_EXPECT_NE(td->td_kstack, 0);
			KT_EXPECT_EQ(td->td_kstack_pages, KSTACK_PAGES);
			KT_EXPECT_EQ(pmap_kextract(td->td_kstack - PAGE_SIZE),
			    0);
			for (j = 0; j < nseen && seen[j] != td; j++)
				;
			if (j < nseen) {
				KT_EXPECT_EQ(stack[j], td->td_kstack);
				reused++;
			} else if (nseen < SMOKE_NTHREADS) {
				seen[nseen] = td;
				stack[nseen++] = td->td_kstack;
			}
			kthread_start(td);
		}
		for (i = 0; i < 2000 && smoke_ran < (u_int)(wave + 1) *
		    SMOKE_WAVE; i++)
			pause("smkwave", hz / 100 + 1);
		KT_ASSERT_EQ(smoke_ran, (wave + 1) * SMOKE_WAVE);
	}
	KT_EXPECT_EQ(smoke_onstack, SMOKE_NTHREADS);
	/* The waves reused items, and so their stacks. */
	KT_EXPECT_GT(reused, 0);
	KT_EXPECT_LT(nseen, SMOKE_NTHREADS);
	KT_EXPECT_EQ(smoke_reap_to(z, base), base);
	uma_reclaim();
	free1 = vm_cnt.v_free_count;
	/*
	 * Every stack is back; only page-table pages grown for new stack
	 * addresses may stay (a few).
	 */
	KT_EXPECT_GE(free1 + 3, free0);
}

/* An exiting thread gives earlier zombies back: only it stays one. */
KTEST(smoke, thread_exit_reaps_earlier_zombies)
{
	struct thread *a, *b;
	uma_zone_t z;
	int base, i;

	z = uma_zone_find("THREAD");
	KT_ASSERT_NOT_NULL(z);
	base = smoke_reap_to(z, kthread_count() - 1);
	KT_ASSERT_EQ(base, kthread_count() - 1);
	smoke_ran = 0;
	KT_ASSERT_EQ(kthread_add(smoke_thread, NULL, NULL, &a, RFSTOPPED, 0,
	    "smokea"), 0);
	KT_ASSERT_EQ(kthread_add(smoke_thread, NULL, NULL, &b, RFSTOPPED, 0,
	    "smokeb"), 0);
	kthread_start(a);
	/* a is a zombie once it has left the thread list and switched. */
	for (i = 0; i < 2000 && (smoke_ran < 1 ||
	    kthread_count() - 1 != base + 1); i++)
		pause("smkwait", hz / 100 + 1);
	pause("smkwait", 2);
	KT_EXPECT_EQ(uma_zone_get_cur(z), base + 2);
	kthread_start(b);
	for (i = 0; i < 2000 && (smoke_ran < 2 ||
	    uma_zone_get_cur(z) != base + 1); i++)
		pause("smkwait", hz / 100 + 1);
	KT_EXPECT_EQ(smoke_ran, 2);
	KT_EXPECT_EQ(uma_zone_get_cur(z), base + 1);
	KT_EXPECT_EQ(smoke_reap_to(z, base), base);
}

#ifdef INVARIANTS
#define	SMOKE_INVARIANTS	1
#else
#define	SMOKE_INVARIANTS	0
#endif

static volatile u_int	smoke_sleeping;
static char		smoke_forever;

static void
smoke_sleeper(void *arg __unused)
{
	atomic_add_int(&smoke_sleeping, 1);
	tsleep(&smoke_forever, 0, "smkslp", 0);
	kthread_exit();
}

/* The THREAD zone's dtor refuses a thread that may still run. */
KTEST_DEATH(smoke, thread_free_of_a_sleeping_thread, "is in state")
{
	struct thread *td;
	int i;

	if (!SMOKE_INVARIANTS)
		KT_SKIP("needs options INVARIANTS");
	KT_ASSERT_EQ(kthread_add(smoke_sleeper, NULL, NULL, &td, 0, 0,
	    "smksleeper"), 0);
	for (i = 0; i < 2000 && (smoke_sleeping == 0 ||
	    td->td_state != TDS_INHIBITED); i++)
		pause("smkwait", hz / 100 + 1);
	KT_ASSERT_EQ(td->td_state, TDS_INHIBITED);
	thread_free(td);
}

/*
 * Callouts (kern_timeout.c): a callwheel malloc'd from M_CALLOUT.  Each
 * callout records the tick it ran at; none may run early or twice, every
 * one must run, including those due more than a wheel turn away.
 */
#define	SMOKE_NCALLOUT	64

static struct callout	smoke_co[SMOKE_NCALLOUT];
static volatile int	smoke_co_ran[SMOKE_NCALLOUT];
static volatile int	smoke_co_at[SMOKE_NCALLOUT];
static volatile u_int	smoke_co_total;

static void
smoke_callout_fn(void *arg)
{
	int i = (int)(uintptr_t)arg;

	smoke_co_ran[i]++;
	smoke_co_at[i] = ticks;
	atomic_add_int(&smoke_co_total, 1);
}

/* Wait (sleeping) until n callouts have run, up to about 20 s. */
static void
smoke_callout_wait(u_int n)
{
	int i;

	for (i = 0; i < 2000 && smoke_co_total < n; i++)
		pause("smkco", hz / 100 + 1);
}

KTEST(smoke, callouts_run_once_never_early)
{
	int due[SMOKE_NCALLOUT], i, set, wheel;

	/* Just beyond two turns of any wheel up to 512 lists. */
	wheel = 1025;
	smoke_co_total = 0;
	for (i = 0; i < SMOKE_NCALLOUT; i++) {
		callout_init(&smoke_co[i], 1);
		smoke_co_ran[i] = 0;
	}
	for (i = 0; i < SMOKE_NCALLOUT; i++) {
		/*
		 * The two to be stopped and reset are due half a second
		 * ahead, not a tick: on a slow host a tick can pass before
		 * the test stops or resets them.  Still due before the
		 * latest ones, so a reset that left the old entry would be
		 * seen running twice.
		 */
		if (i < 2)
			set = hz / 2;
		else
			set = i % 8 == 7 ? wheel + i : 1 + i % 13;
		due[i] = ticks + set;
		callout_reset(&smoke_co[i], set, smoke_callout_fn,
		    (void *)(uintptr_t)i);
		KT_EXPECT(callout_pending(&smoke_co[i]));
	}
	/* Stopped ones never run; a reset one runs once, at its new time. */
	KT_EXPECT_EQ(callout_stop(&smoke_co[0]), 1);
	KT_EXPECT_EQ(callout_stop(&smoke_co[0]), 0);
	KT_EXPECT(!callout_pending(&smoke_co[0]));
	/* Later than it was due: a reset that kept the old time runs early. */
	due[1] = ticks + hz * 3 / 4;
	callout_reset(&smoke_co[1], hz * 3 / 4, smoke_callout_fn, (void *)1);
	smoke_callout_wait(SMOKE_NCALLOUT - 1);
	pause("smkco", 5);
	KT_EXPECT_EQ(smoke_co_total, SMOKE_NCALLOUT - 1);
	KT_EXPECT_EQ(smoke_co_ran[0], 0);
	for (i = 1; i < SMOKE_NCALLOUT; i++) {
		KT_EXPECT_EQ(smoke_co_ran[i], 1);
		KT_EXPECT_GE(smoke_co_at[i] - due[i], 0);
		KT_EXPECT(!callout_pending(&smoke_co[i]));
	}
}

/* A callout that resets itself runs again; the wheel is malloc'd memory. */
static struct callout	smoke_co_self;
static volatile int	smoke_co_self_runs;

static void
smoke_callout_self(void *arg __unused)
{
	if (++smoke_co_self_runs < 5)
		callout_reset(&smoke_co_self, 1, smoke_callout_self, NULL);
}

KTEST(smoke, callout_resets_itself_and_wheel_is_malloced)
{
	struct malloc_type **tp;
	uint64_t allocs;
	int c, i, found;

	callout_init(&smoke_co_self, 1);
	smoke_co_self_runs = 0;
	callout_reset(&smoke_co_self, 1, smoke_callout_self, NULL);
	for (i = 0; i < 2000 && smoke_co_self_runs < 5; i++)
		pause("smkco", hz / 100 + 1);
	KT_EXPECT_EQ(smoke_co_self_runs, 5);
	KT_EXPECT(!callout_pending(&smoke_co_self));
	found = 0;
	SET_FOREACH(tp, malloc_type_set) {
		if (strcmp((*tp)->ks_shortdesc, "callout") != 0)
			continue;
		allocs = 0;
		for (c = 0; c < MAXCPU; c++)
			allocs += (*tp)->ks_stats[c].mts_numallocs -
			    (*tp)->ks_stats[c].mts_numfrees;
		KT_EXPECT_EQ(allocs, 1);
		found = 1;
	}
	KT_EXPECT(found);
}
