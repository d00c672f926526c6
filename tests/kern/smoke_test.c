/*
 * Smoke tests: the framework itself and the most basic kernel services,
 * including the kernel's own use of its allocator: threads come from the
 * UMA zone "THREAD" (kern_thread.c) and go back to it when reaped, with
 * their kernel stacks cached by the zone.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/uma.h>

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
