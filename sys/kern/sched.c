/*
 * The scheduler.
 *
 * Each CPU has a FIFO run queue; a thread runs for a slice of
 * SCHED_SLICE_MS and then, if others wait on its CPU, goes to the tail
 * (round robin; there are no priorities).  A thread made runnable goes to
 * the CPU it is bound or pinned to, otherwise to the least loaded CPU
 * (ties: the one it last ran on); an idle target CPU is woken with
 * IPI_RESCHED.  Each CPU has an idle thread that halts with interrupts on
 * while its queue is empty.
 *
 * sched_lock (a recursive spin mutex) protects every run queue, every
 * thread's state and the sleep queues.  mi_switch() is entered with it
 * held exactly once; ownership passes to the thread switched to, which
 * releases it.  Preemption happens at the end of an interrupt (trap.c) or
 * at critical_exit(), never inside a critical section or spin lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <machine/apicvar.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/md_var.h>

struct mtx	sched_lock;

static struct sched_cpu {
	TAILQ_HEAD(, thread) runq;
	u_int		len;
	int		slice;		/* ticks left for the running thread */
} __aligned(CACHE_LINE_SIZE) sched_cpus[MAXCPU];

/*
 * kern.sched.slice: the time slice in ticks (default SCHED_SLICE_MS);
 * a stress sets 1 to preempt at every tick.
 */
static int	sched_slice_ticks;

static int
sysctl_sched_slice(SYSCTL_HANDLER_ARGS)
{
	int error, val;

	val = sched_slice_ticks;
	error = sysctl_handle_int(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (val < 1 || val > hz)
		return (sysctl_refuse(req, EINVAL, "not in 1..hz ticks"));
	sched_slice_ticks = val;
	return (0);
}
SYSCTL_NODE(_kern, OID_AUTO, sched, CTLFLAG_RD, NULL, "Scheduler");
SYSCTL_PROC(_kern_sched, OID_AUTO, slice, CTLTYPE_INT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_sched_slice, "I",
    "Time slice in ticks (1 .. hz)");

void	cpu_switch(vm_offset_t *oldrsp, vm_offset_t newrsp);

u_int
sched_load(u_int cpu)
{
	struct pcpu *pc = pcpu_find(cpu);
	struct thread *td = pc->pc_curthread;

	return (sched_cpus[cpu].len + (td != NULL &&
	    (td->td_flags & TDF_IDLETD) == 0 ? 1 : 0));
}

static u_int
sched_pickcpu(struct thread *td)
{
	u_int cpu, best, load, bestload;

	if (td->td_bound != NOCPU)
		return (td->td_bound);
	if (td->td_pinned > 0 && td->td_lastcpu != NOCPU)
		return (td->td_lastcpu);
	best = td->td_lastcpu != NOCPU && pcpu_find(td->td_lastcpu)->pc_online ?
	    td->td_lastcpu : PCPU_GET(cpuid);
	bestload = sched_load(best);
	CPU_FOREACH(cpu) {
		if (!pcpu_find(cpu)->pc_online)
			continue;
		load = sched_load(cpu);
		if (load < bestload) {
			best = cpu;
			bestload = load;
		}
	}
	return (best);
}

void
sched_add(struct thread *td)
{
	struct sched_cpu *sc;
	struct thread *ctd;
	u_int cpu;

	mtx_assert(&sched_lock, MA_OWNED);
	KASSERT(td->td_state != TDS_RUNQ, ("sched_add: %s already queued",
	    td->td_name));
	cpu = sched_pickcpu(td);
	sc = &sched_cpus[cpu];
	td->td_state = TDS_RUNQ;
	TAILQ_INSERT_TAIL(&sc->runq, td, td_runq);
	sc->len++;
	ctd = pcpu_find(cpu)->pc_curthread;
	if (cpu == PCPU_GET(cpuid)) {
		if ((ctd->td_flags & TDF_IDLETD) != 0)
			ctd->td_owepreempt = 1;
	} else if (ctd == NULL || (ctd->td_flags & TDF_IDLETD) != 0)
		lapic_ipi(pcpu_find(cpu)->pc_apic_id, IPI_RESCHED);
}

void
mi_switch(void)
{
	struct thread *td = curthread, *newtd;
	struct sched_cpu *sc;
	u_int cpu = PCPU_GET(cpuid);

	mtx_assert(&sched_lock, MA_OWNED | MA_NOTRECURSED);
	KASSERT(td->td_critnest == 1 && td->td_md.md_spinlock_count == 1,
	    ("mi_switch: %s holds a spin lock or is in a critical section "
	    "(critnest %d spinlocks %d)", td->td_name, td->td_critnest,
	    td->td_md.md_spinlock_count));
	sc = &sched_cpus[cpu];
	td->td_owepreempt = 0;
	newtd = TAILQ_FIRST(&sc->runq);
	if (newtd != NULL) {
		TAILQ_REMOVE(&sc->runq, newtd, td_runq);
		sc->len--;
	} else if (td->td_state == TDS_RUNNING)
		newtd = td;		/* nothing else to run */
	else
		newtd = PCPU_GET(idlethread);
	sc->slice = sched_slice_ticks;
	if (newtd == td) {
		td->td_state = TDS_RUNNING;
		return;
	}
	if (td->td_state == TDS_RUNNING)
		td->td_state = TDS_CANRUN;	/* the idle thread */
	td->td_lastcpu = cpu;
	td->td_oncpu = NOCPU;
	newtd->td_state = TDS_RUNNING;
	newtd->td_oncpu = cpu;
	PCPU_GET(self)->pc_cnt_switches++;
	PCPU_GET(self)->pc_curthread = newtd;
	cpu_switch(&td->td_switchrsp, newtd->td_switchrsp);
	/* Resumed, perhaps on another CPU: the lock is ours now. */
	sched_lock.mtx_lock = (uintptr_t)td;
}

/* Requeue the running thread on its CPU and switch. */
void
sched_preempt(void)
{
	struct thread *td = curthread;
	struct sched_cpu *sc;

	mtx_lock_spin(&sched_lock);
	if ((td->td_flags & TDF_IDLETD) == 0) {
		sc = &sched_cpus[PCPU_GET(cpuid)];
		td->td_state = TDS_RUNQ;
		TAILQ_INSERT_TAIL(&sc->runq, td, td_runq);
		sc->len++;
	}
	mi_switch();
	mtx_unlock_spin(&sched_lock);
}

void
sched_yield(void)
{
	sched_preempt();
}

/* A clock tick on this CPU (interrupts off). */
void
sched_clock(void)
{
	struct sched_cpu *sc = &sched_cpus[PCPU_GET(cpuid)];
	struct thread *td = curthread;

	if ((td->td_flags & TDF_IDLETD) != 0) {
		if (sc->len > 0)
			td->td_owepreempt = 1;
		return;
	}
	if (--sc->slice <= 0) {
		if (sc->len > 0)
			td->td_owepreempt = 1;
		else
			sc->slice = sched_slice_ticks;
	}
}

/* Move curthread to its target CPU if it is not there. */
static void
sched_migrate(struct thread *td)
{
	mtx_lock_spin(&sched_lock);
	if (td->td_bound != NOCPU && td->td_bound != (int)PCPU_GET(cpuid)) {
		sched_add(td);
		mi_switch();
	}
	mtx_unlock_spin(&sched_lock);
}

void
sched_bind(struct thread *td, int cpu)
{
	KASSERT(td == curthread, ("sched_bind: only curthread"));
	KASSERT(cpu >= 0 && cpu < MAXCPU && pcpu_find(cpu)->pc_online,
	    ("sched_bind: CPU %d is not online", cpu));
	td->td_bound = cpu;
	sched_migrate(td);
}

void
sched_unbind(struct thread *td)
{
	td->td_bound = NOCPU;
}

int
sched_is_bound(struct thread *td)
{
	return (td->td_bound != NOCPU);
}

void
sched_pin(void)
{
	curthread->td_pinned++;
}

void
sched_unpin(void)
{
	KASSERT(curthread->td_pinned > 0, ("sched_unpin: not pinned"));
	curthread->td_pinned--;
}

/*
 * Run other threads while there are any; halt otherwise.  The queue is
 * checked with interrupts off and cpu_idle() enables them only in the
 * instruction before the halt ("sti; hlt"), so a wakeup IPI between the
 * check and the halt is not lost.
 */
void
sched_idle_loop(void)
{
	struct sched_cpu *sc = &sched_cpus[PCPU_GET(cpuid)];

	for (;;) {
		disable_intr();
		if (sc->len == 0) {
			cpu_idle();
			continue;
		}
		enable_intr();
		mtx_lock_spin(&sched_lock);
		mi_switch();
		mtx_unlock_spin(&sched_lock);
	}
}

static void
sched_idle_thread(void *arg __unused)
{
	sched_idle_loop();
}

void	thread_prepare_start(struct thread *td, void (*func)(void *),
	    void *arg);

/* Make the idle thread of a CPU. */
void
sched_new_idle(u_int cpu)
{
	struct thread *td;
	char name[MAXCOMLEN + 1];

	snprintf(name, sizeof(name), "idle: cpu%u", cpu);
	td = thread_alloc(name);
	td->td_flags |= TDF_IDLETD;
	td->td_bound = cpu;
	td->td_state = TDS_CANRUN;
	thread_prepare_start(td, sched_idle_thread, NULL);
	pcpu_find(cpu)->pc_idlethread = td;
	mtx_lock_spin(&allthreads_mtx);
	TAILQ_INSERT_TAIL(&allthreads, td, td_list);
	mtx_unlock_spin(&allthreads_mtx);
}

/* IPI_RESCHED: a thread was queued here; switch at interrupt return. */
static void
sched_ipi_resched(struct trapframe *tf __unused)
{
	lapic_eoi();
	PCPU_GET(self)->pc_cnt_ipi++;
	curthread->td_owepreempt = 1;
}

static void
sched_init(void *dummy __unused)
{
	u_int cpu;

	mtx_init(&sched_lock, "sched lock", NULL, MTX_SPIN | MTX_RECURSE);
	for (cpu = 0; cpu < MAXCPU; cpu++)
		TAILQ_INIT(&sched_cpus[cpu].runq);
	sched_slice_ticks = MAX(hz * SCHED_SLICE_MS / 1000, 1);
	intr_register(IPI_RESCHED, sched_ipi_resched);
	thread0.td_oncpu = 0;
	thread0.td_lastcpu = 0;
	pcpu_find(0)->pc_online = 1;
	sched_new_idle(0);
}
SYSINIT(sched, SI_SUB_INTRINSIC, SI_ORDER_SECOND, sched_init, NULL);
