/*
 * SMP, threads, the scheduler and locks: every CPU online with its own
 * per-CPU data, the clock, mutual exclusion under contention on all CPUs,
 * critical sections, sleep and wakeup with timeouts, thread lifetimes,
 * smp_rendezvous and TLB shootdown.  The plan passes test.ncpu, the CPU
 * count QEMU was given.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/smp.h>
#include <sys/vmmeter.h>
#include <machine/apicvar.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>

/* Wait (sleeping) until *counter reaches want, up to about 20 s. */
static int
wait_count(volatile u_int *counter, u_int want)
{
	int i;

	for (i = 0; i < 2000 && *counter < want; i++)
		pause("ktwait", hz / 100 + 1);
	return (*counter >= want);
}

KTEST(smp, all_cpus_online)
{
	int expect = -1, cpu, n = 0;

	if (!getenv_int("test.ncpu", &expect))
		KT_SKIP("test.ncpu not given");
	KT_EXPECT_EQ(mp_ncpus, expect);
	KT_EXPECT_EQ(mp_maxid, expect - 1);
	CPU_FOREACH(cpu)
		n += pcpu_find(cpu)->pc_online != 0;
	KT_EXPECT_EQ(n, expect);
}

KTEST(smp, per_cpu_data_distinct)
{
	u_int seen_apic[MAXCPU];
	int cpu, other;

	CPU_FOREACH(cpu) {
		sched_bind(curthread, cpu);
		KT_EXPECT_EQ(curcpu, cpu);
		KT_EXPECT_EQ((uintptr_t)PCPU_GET(self),
		    (uintptr_t)pcpu_find(cpu));
		KT_EXPECT_EQ((uintptr_t)curthread,
		    (uintptr_t)pcpu_find(cpu)->pc_curthread);
		seen_apic[cpu] = PCPU_GET(apic_id);
		KT_EXPECT_NOT_NULL(PCPU_GET(idlethread));
		for (other = 0; other < cpu; other++)
			KT_EXPECT_NE(seen_apic[cpu], seen_apic[other]);
	}
	sched_unbind(curthread);
}

/*
 * The clock interrupt and the TSC agree.  Under host load ticks come late
 * (QEMU coalesces timer interrupts) but never early, and DELAY never ends
 * early; so the test asserts only what load cannot break: hz/5 ticks do
 * come, and they take at least the TSC time they stand for.
 */
KTEST(smp, clock_ticks_at_about_hz)
{
	int t0, t1;
	uint64_t n0, n1;

	n0 = uptime_ns();
	DELAY(200000);			/* 0.2 s of TSC time */
	n1 = uptime_ns();
	KT_EXPECT_GE(n1 - n0, 200000000);
	KT_EXPECT_LT(n1 - n0, 20 * 200000000UL);
	t0 = ticks;
	n0 = uptime_ns();
	while ((t1 = ticks) - t0 < hz / 5 && uptime_ns() - n0 < 20000000000UL)
		cpu_pause();
	n1 = uptime_ns();
	KT_EXPECT_GE(t1 - t0, hz / 5);
	/* One tick of slack at each end of the window. */
	KT_EXPECT_GE(n1 - n0, (uint64_t)(hz / 5 - 2) * 1000000000UL / hz);
	KT_EXPECT_GT(cpu_tickrate(), 10000000);
}

/* Contention: threads on every CPU increment a plain counter. */
#define	CONTEND_ITERS	20000

static struct {
	struct mtx	def;
	struct mtx	spin;
	volatile u_int	counter;
	volatile u_int	done;
	volatile u_int	started;
	volatile int	go;
	int		use_spin;
	volatile u_int	max_critical_violations;
} contend;

static void
contend_worker(void *arg)
{
	int i;

	sched_bind(curthread, (int)(uintptr_t)arg);
	atomic_add_int(&contend.started, 1);
	while (!contend.go)
		cpu_pause();
	for (i = 0; i < CONTEND_ITERS; i++) {
		if (contend.use_spin) {
			mtx_lock_spin(&contend.spin);
			contend.counter++;
			mtx_unlock_spin(&contend.spin);
		} else {
			mtx_lock(&contend.def);
			contend.counter++;
			mtx_unlock(&contend.def);
		}
	}
	atomic_add_int(&contend.done, 1);
	kthread_exit();
}

static int
run_contention(int use_spin)
{
	int cpu, nthreads = 0;

	bzero(&contend, sizeof(contend));
	mtx_init(&contend.def, "contend def", NULL, MTX_DEF);
	mtx_init(&contend.spin, "contend spin", NULL, MTX_SPIN);
	contend.use_spin = use_spin;
	/* Two threads per CPU, so sleep mutexes really sleep. */
	CPU_FOREACH(cpu) {
		kthread_add(contend_worker, (void *)(uintptr_t)cpu, NULL, NULL,
		    0, 0, "contend%d", nthreads++);
		kthread_add(contend_worker, (void *)(uintptr_t)cpu, NULL, NULL,
		    0, 0, "contend%d", nthreads++);
	}
	wait_count(&contend.started, nthreads);
	contend.go = 1;
	wait_count(&contend.done, nthreads);
	return (nthreads);
}

KTEST(smp, sleep_mutex_exclusion_all_cpus)
{
	int n = run_contention(0);

	KT_EXPECT_EQ(contend.done, n);
	KT_EXPECT_EQ(contend.counter, (u_int)n * CONTEND_ITERS);
	KT_EXPECT(!mtx_owned(&contend.def));
	mtx_destroy(&contend.def);
}

KTEST(smp, spin_mutex_exclusion_all_cpus)
{
	int n = run_contention(1);

	KT_EXPECT_EQ(contend.done, n);
	KT_EXPECT_EQ(contend.counter, (u_int)n * CONTEND_ITERS);
}

KTEST(smp, mutex_recursion_and_trylock)
{
	struct mtx m;

	mtx_init(&m, "test recurse", NULL, MTX_DEF | MTX_RECURSE);
	mtx_lock(&m);
	mtx_lock(&m);
	KT_EXPECT(mtx_recursed(&m));
	mtx_assert(&m, MA_OWNED | MA_RECURSED);
	mtx_unlock(&m);
	KT_EXPECT(!mtx_recursed(&m));
	KT_EXPECT(mtx_owned(&m));
	mtx_unlock(&m);
	KT_EXPECT(!mtx_owned(&m));
	KT_EXPECT_EQ(mtx_trylock(&m), 1);
	mtx_unlock(&m);
	mtx_destroy(&m);
}

/*
 * A critical section keeps its thread on the CPU: a busy thread bound to
 * the same CPU must not run (and the CPU must not switch) until it ends.
 */
static volatile u_int crit_other_ran;

static void
crit_spinner(void *arg)
{
	sched_bind(curthread, (int)(uintptr_t)arg);
	atomic_add_int(&crit_other_ran, 1);
	kthread_exit();
}

KTEST(smp, critical_section_blocks_preemption)
{
	struct thread *td;
	uint64_t sw0, sw1;
	int t0;

	sched_bind(curthread, 0);
	crit_other_ran = 0;
	/* kthread_add may sleep: make the thread first, start it inside. */
	KT_ASSERT_EQ(kthread_add(crit_spinner, (void *)0, NULL, &td,
	    RFSTOPPED, 0, "critspin"), 0);
	critical_enter();
	sw0 = PCPU_GET(cnt_switches);
	kthread_start(td);
	t0 = ticks;
	while (ticks - t0 < 5 * SCHED_SLICE_MS * hz / 1000)
		cpu_pause();			/* several slices */
	sw1 = PCPU_GET(cnt_switches);
	KT_EXPECT_EQ(crit_other_ran, 0);
	KT_EXPECT_EQ(sw1, sw0);
	KT_EXPECT_EQ(curcpu, 0);
	critical_exit();
	/* Now the other thread gets the CPU. */
	KT_EXPECT(wait_count(&crit_other_ran, 1));
	sched_unbind(curthread);
}

static volatile u_int sleepers_up, sleepers_woken;
static char chan_a, chan_b;

static void
sleeper(void *arg)
{
	atomic_add_int(&sleepers_up, 1);
	tsleep(arg, 0, "ktslp", 0);
	atomic_add_int(&sleepers_woken, 1);
	kthread_exit();
}

/* Threads asleep on chan (sched_lock-free peek at the thread list). */
static int
asleep_on(const void *chan)
{
	struct thread *td;
	int n = 0;

	mtx_lock_spin(&allthreads_mtx);
	TAILQ_FOREACH(td, &allthreads, td_list)
		n += td->td_wchan == chan;
	mtx_unlock_spin(&allthreads_mtx);
	return (n);
}

KTEST(smp, wakeup_wakes_exactly_its_channel)
{
	int i;

	sleepers_up = sleepers_woken = 0;
	for (i = 0; i < 3; i++)
		kthread_add(sleeper, &chan_a, NULL, NULL, 0, 0, "slpa%d", i);
	kthread_add(sleeper, &chan_b, NULL, NULL, 0, 0, "slpb");
	KT_ASSERT(wait_count(&sleepers_up, 4));
	for (i = 0; i < 500 && (asleep_on(&chan_a) < 3 ||
	    asleep_on(&chan_b) < 1); i++)
		pause("ktwait", 1);
	KT_ASSERT_EQ(asleep_on(&chan_a), 3);
	wakeup_one(&chan_a);
	KT_EXPECT(wait_count(&sleepers_woken, 1));
	pause("ktwait", hz / 20 + 1);
	KT_EXPECT_EQ(sleepers_woken, 1);
	KT_EXPECT_EQ(asleep_on(&chan_a), 2);
	wakeup(&chan_a);
	KT_EXPECT(wait_count(&sleepers_woken, 3));
	pause("ktwait", hz / 20 + 1);
	KT_EXPECT_EQ(sleepers_woken, 3);
	KT_EXPECT_EQ(asleep_on(&chan_b), 1);	/* untouched */
	wakeup(&chan_b);
	KT_EXPECT(wait_count(&sleepers_woken, 4));
}

KTEST(smp, sleep_timeout_returns_ewouldblock)
{
	int t0, t1, ret;

	t0 = ticks;
	ret = tsleep(&chan_a, 0, "kttmo", hz / 10);
	t1 = ticks;
	KT_EXPECT_EQ(ret, EWOULDBLOCK);
	KT_EXPECT_GE(t1 - t0, hz / 10);
	KT_EXPECT_LT(t1 - t0, hz * 5);
}

static struct mtx interlock;
static volatile int cond_ready;
static char cond_chan;

static void
cond_signaller(void *arg __unused)
{
	mtx_lock(&interlock);
	cond_ready = 1;
	wakeup(&cond_chan);
	mtx_unlock(&interlock);
	kthread_exit();
}

KTEST(smp, msleep_releases_and_retakes_interlock)
{
	int ret = 0;

	mtx_init(&interlock, "test interlock", NULL, MTX_DEF);
	cond_ready = 0;
	mtx_lock(&interlock);
	kthread_add(cond_signaller, NULL, NULL, NULL, 0, 0, "signaller");
	while (!cond_ready && ret == 0)
		ret = msleep(&cond_chan, &interlock, 0, "ktcond", hz * 10);
	KT_EXPECT_EQ(ret, 0);
	KT_EXPECT_EQ(cond_ready, 1);
	KT_EXPECT(mtx_owned(&interlock));
	mtx_unlock(&interlock);
	mtx_destroy(&interlock);
}

static volatile u_int short_lived;

static void
short_thread(void *arg __unused)
{
	atomic_add_int(&short_lived, 1);
	kthread_exit();
}

KTEST(smp, kthreads_come_and_go)
{
	int before, i;
	u_int free0;

	short_lived = 0;
	/* Reap earlier zombies first, then measure. */
	kthread_add(short_thread, NULL, NULL, NULL, 0, 0, "warm");
	KT_ASSERT(wait_count(&short_lived, 1));
	pause("ktwait", 2);
	before = kthread_count();
	for (i = 0; i < 20; i++)
		KT_ASSERT_EQ(kthread_add(short_thread, NULL, NULL, NULL, 0, 0,
		    "short%d", i), 0);
	KT_EXPECT(wait_count(&short_lived, 21));
	pause("ktwait", 2);
	KT_EXPECT_EQ(kthread_count(), before);
	/* Stacks come back when zombies are reaped by the next create. */
	free0 = vm_cnt.v_free_count;
	short_lived = 0;
	kthread_add(short_thread, NULL, NULL, NULL, 0, 0, "last");
	KT_EXPECT(wait_count(&short_lived, 1));
	pause("ktwait", 2);
	kthread_add(short_thread, NULL, NULL, NULL, 0, 0, "reaper");
	KT_EXPECT(wait_count(&short_lived, 2));
	KT_EXPECT_GE(vm_cnt.v_free_count + 2 * (KSTACK_PAGES + 1), free0);
}

static volatile u_int rv_ran[MAXCPU], rv_setup, rv_teardown;

static void
rv_setup_fn(void *arg __unused)
{
	atomic_add_int(&rv_setup, 1);
}

static void
rv_action_fn(void *arg)
{
	/* Every setup has run before any action. */
	if (rv_setup == (u_int)mp_ncpus)
		rv_ran[curcpu] += (uintptr_t)arg;
}

static void
rv_teardown_fn(void *arg __unused)
{
	atomic_add_int(&rv_teardown, 1);
}

KTEST(smp, rendezvous_runs_everywhere)
{
	int cpu;

	bzero(__DEVOLATILE(void *, rv_ran), sizeof(rv_ran));
	rv_setup = rv_teardown = 0;
	smp_rendezvous(rv_setup_fn, rv_action_fn, rv_teardown_fn, (void *)7);
	CPU_FOREACH(cpu)
		KT_EXPECT_EQ(rv_ran[cpu], 7);
	KT_EXPECT_EQ(rv_setup, mp_ncpus);
	KT_EXPECT_EQ(rv_teardown, mp_ncpus);
}

/*
 * TLB shootdown: another CPU caches a translation by reading through it;
 * after the page is remapped here, it must read the new page.
 */
static struct {
	vm_offset_t	va;
	volatile u_int	phase;
	volatile uint64_t seen[2];
} shoot;

static void
shoot_reader(void *arg)
{
	sched_bind(curthread, (int)(uintptr_t)arg);
	shoot.seen[0] = *(volatile uint64_t *)shoot.va;	/* fill the TLB */
	shoot.phase = 1;
	while (shoot.phase != 2)
		cpu_pause();		/* keep the TLB warm: no switch */
	shoot.seen[1] = *(volatile uint64_t *)shoot.va;
	shoot.phase = 3;
	kthread_exit();
}

KTEST(smp, tlb_shootdown_reaches_other_cpus)
{
	vm_page_t a, b;
	u_int served0;
	int i;

	if (mp_ncpus < 2)
		KT_SKIP("needs two CPUs");
	sched_bind(curthread, 0);
	a = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
	b = vm_page_alloc(NULL, 0, VM_ALLOC_NORMAL);
	*(uint64_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(a)) = 0xaaaa;
	*(uint64_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(b)) = 0xbbbb;
	shoot.va = kmem_alloc_nofault(kernel_map, PAGE_SIZE);
	pmap_kenter(shoot.va, VM_PAGE_TO_PHYS(a));
	shoot.phase = 0;
	served0 = smp_ipis_served(1);
	kthread_add(shoot_reader, (void *)1, NULL, NULL, 0, 0, "shoot");
	for (i = 0; i < 100000000 && shoot.phase != 1; i++)
		cpu_pause();
	KT_ASSERT_EQ(shoot.phase, 1);
	pmap_kremove(shoot.va);		/* shoots down CPU 1's entry */
	pmap_kenter(shoot.va, VM_PAGE_TO_PHYS(b));
	shoot.phase = 2;
	for (i = 0; i < 100000000 && shoot.phase != 3; i++)
		cpu_pause();
	KT_EXPECT_EQ(shoot.seen[0], 0xaaaa);
	KT_EXPECT_EQ(shoot.seen[1], 0xbbbb);
	KT_EXPECT_GT(smp_ipis_served(1), served0);
	pmap_kremove(shoot.va);
	kmem_free_nofault(kernel_map, shoot.va, PAGE_SIZE);
	vm_page_free(a);
	vm_page_free(b);
	sched_unbind(curthread);
}

KTEST_DEATH(smp, sleep_mutex_recursion_panics, "recursed at")
{
	struct mtx m;

	mtx_init(&m, "norecurse", NULL, MTX_DEF);
	mtx_lock(&m);
	mtx_lock(&m);
}

#ifdef INVARIANTS
KTEST_DEATH(smp, mtx_assert_owned_unowned, "not owned at")
{
	struct mtx m;

	mtx_init(&m, "unowned", NULL, MTX_DEF);
	mtx_assert(&m, MA_OWNED);
}

KTEST_DEATH(smp, sleep_in_critical_section, "in a critical section")
{
	critical_enter();
	tsleep(&chan_a, 0, "bad", 1);
}
#endif

/*
 * TSC calibration (lapic.c): the median of the sane windows, so a window
 * stretched by a host stall (the 16.8 GHz seen under load) or a wrapped
 * one (0) cannot move the figure.
 */
KTEST(smp, tsc_calibration_median_rejects_outliers)
{
	uint64_t f[7] = { 2596000000ULL, 16800000000ULL, 2597000000ULL,
	    2595000000ULL, 0, 2596000000ULL, 3003000000ULL };
	uint64_t g[3] = { 0, 50000000ULL, 20000000000ULL };
	uint64_t h[4] = { 4, 1, 3, 2 };
	int used;

	KT_EXPECT_EQ(calib_median(f, 7, 100000000ULL, 10000000000ULL, &used),
	    2596000000ULL);
	KT_EXPECT_EQ(used, 5);
	KT_EXPECT_EQ(calib_median(g, 3, 100000000ULL, 10000000000ULL, &used),
	    0);
	KT_EXPECT_EQ(used, 0);
	/* An even count takes the lower middle one. */
	KT_EXPECT_EQ(calib_median(h, 4, 1, 4, &used), 2);
	KT_EXPECT_EQ(used, 4);
}

/* The figure in use is inside the sanity range the calibration enforces. */
KTEST(smp, tsc_freq_is_sane)
{
	KT_EXPECT_GE(tsc_freq, 100000000ULL);
	KT_EXPECT_LE(tsc_freq, 10000000000ULL);
	KT_EXPECT_EQ(cpu_tickrate(), tsc_freq);
}
