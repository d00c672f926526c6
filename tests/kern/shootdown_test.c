/*
 * Shootdowns with idle CPUs (issue 11; mp_machdep.c, "Idle CPUs"): a free
 * of a large malloc block must leave no CPU able to read the freed pages,
 * whether that CPU was halted when the block was freed (its shootdown is
 * deferred to its wake-up) or busy (it gets the IPI and is waited for).
 * Each page is read on the CPU under test first, so that its TLB holds
 * the translations; after the free every read must fault.
 *
 * The reads use vm_test.c's probe (vt_probe: 0 when the word at va was
 * read, 1 when the read faulted; a fault at vt_probe_insn resumes at
 * vt_probe_fault) under this file's page-fault hook.  The halted case
 * reads from inside an smp_rendezvous action, i.e. in the interrupt that
 * woke the CPU and before it returns to its idle loop: the deferred flush
 * must already have happened there.  Tests of suite smp, so they boot with
 * 1, 2, 4 and 8 CPUs.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/smp.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <vm/vm.h>

#define	SD_PAGES	32		/* a 128 KiB block */

int	vt_probe(vm_offset_t va);	/* vm_test.c */
extern char vt_probe_insn[], vt_probe_fault[];

static pf_hook_t	*sd_hook_next;

static int
sd_pfault(struct trapframe *tf, vm_offset_t va)
{
	if (tf->tf_rip == (uintptr_t)vt_probe_insn) {
		tf->tf_rip = (uintptr_t)vt_probe_fault;
		return (1);
	}
	return (sd_hook_next != NULL ? sd_hook_next(tf, va) : 0);
}

/* Pages of the block that were read (did not fault), per CPU. */
static struct {
	vm_offset_t	va;
	volatile u_int	readable[MAXCPU];
} sd;

static u_int
sd_readable_pages(void)
{
	u_int i, n = 0;

	for (i = 0; i < SD_PAGES; i++)
		n += vt_probe(sd.va + ptoa(i)) == 0;
	return (n);
}

static void
sd_probe_action(void *arg __unused)
{
	sd.readable[curcpu] = sd_readable_pages();
}

/* Wait (sleeping) until cpu halts in cpu_idle(), up to about 20 s. */
static int
sd_wait_halted(u_int cpu)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if ((pcpu_find(cpu)->pc_idle & CPU_IDLE_HALTED) != 0)
			return (1);
		pause("sdidle", hz / 100 + 1);
	}
	return (0);
}

/*
 * A CPU halted while the block is freed: it gets no IPI, owes a flush,
 * and has made it when its wake-up interrupt runs a handler.
 */
KTEST(smp, free_with_cpu_halted_no_stale_mapping)
{
	u_int cpu, ipis0, flushes0;

	if (mp_ncpus < 2)
		KT_SKIP("needs two CPUs");
	sd_hook_next = trap_pfault_hook;
	trap_pfault_hook = sd_pfault;
	for (cpu = 1; cpu < (u_int)mp_ncpus; cpu++) {
		sd.va = (vm_offset_t)malloc(ptoa(SD_PAGES), M_TEMP, M_WAITOK);
		sched_bind(curthread, cpu);
		KT_EXPECT_EQ(sd_readable_pages(), SD_PAGES);	/* TLB filled */
		sched_bind(curthread, 0);
		KT_ASSERT_EQ(sd_wait_halted(cpu), 1);
		ipis0 = smp_ipis_served(cpu);
		flushes0 = smp_tlb_wake_flushes(cpu);
		free((void *)sd.va, M_TEMP);
		/* Deferred: marked, not interrupted. */
		KT_EXPECT_NE(pcpu_find(cpu)->pc_idle & CPU_IDLE_TLB_STALE, 0);
		KT_EXPECT_EQ(smp_ipis_served(cpu), ipis0);
		bzero(__DEVOLATILE(void *, sd.readable), sizeof(sd.readable));
		smp_rendezvous(NULL, sd_probe_action, NULL, NULL);
		KT_EXPECT_EQ(sd.readable[cpu], 0);
		KT_EXPECT_EQ(sd.readable[0], 0);
		KT_EXPECT_EQ(smp_tlb_wake_flushes(cpu), flushes0 + 1);
		KT_EXPECT_EQ(pcpu_find(cpu)->pc_idle & CPU_IDLE_TLB_STALE, 0);
	}
	sched_unbind(curthread);
	trap_pfault_hook = sd_hook_next;
}

/* A CPU that never halts: the free waits for its acknowledgement. */
static volatile u_int	sd_phase;

static void
sd_busy_reader(void *arg)
{
	u_int cpu = (u_int)(uintptr_t)arg;

	sched_bind(curthread, cpu);
	sd.readable[cpu] = sd_readable_pages();
	atomic_store_rel_int(&sd_phase, 1);
	while (atomic_load_acq_int(&sd_phase) != 2)
		cpu_pause();		/* no switch, no halt: TLB kept */
	sd.readable[cpu] = sd_readable_pages();
	atomic_store_rel_int(&sd_phase, 3);
	kthread_exit();
}

KTEST(smp, free_with_cpu_busy_no_stale_mapping)
{
	u_int cpu, ipis0;
	int i;

	if (mp_ncpus < 2)
		KT_SKIP("needs two CPUs");
	sd_hook_next = trap_pfault_hook;
	trap_pfault_hook = sd_pfault;
	sched_bind(curthread, 0);
	for (cpu = 1; cpu < (u_int)mp_ncpus; cpu++) {
		sd.va = (vm_offset_t)malloc(ptoa(SD_PAGES), M_TEMP, M_WAITOK);
		sd_phase = 0;
		kthread_add(sd_busy_reader, (void *)(uintptr_t)cpu, NULL, NULL,
		    0, 0, "sdbusy%u", cpu);
		for (i = 0; i < 2000 && atomic_load_acq_int(&sd_phase) != 1;
		    i++)
			pause("sdbusy", hz / 100 + 1);
		KT_ASSERT_EQ(sd_phase, 1);
		KT_EXPECT_EQ(sd.readable[cpu], SD_PAGES);
		KT_EXPECT_EQ(pcpu_find(cpu)->pc_idle, 0);
		ipis0 = smp_ipis_served(cpu);
		free((void *)sd.va, M_TEMP);
		KT_EXPECT_EQ(smp_ipis_served(cpu), ipis0 + 1);
		atomic_store_rel_int(&sd_phase, 2);
		for (i = 0; i < 2000 && atomic_load_acq_int(&sd_phase) != 3;
		    i++)
			pause("sdbusy", hz / 100 + 1);
		KT_ASSERT_EQ(sd_phase, 3);
		KT_EXPECT_EQ(sd.readable[cpu], 0);
		KT_EXPECT_EQ(sd_readable_pages(), 0);
	}
	sched_unbind(curthread);
	trap_pfault_hook = sd_hook_next;
}
