/*
 * Multiprocessor support (options SMP): starting the CPUs the ACPI MADT
 * lists (madt.c; at most MAXCPU, saying how many are ignored), and the IPI
 * protocols (TLB shootdown, smp_rendezvous, stopping CPUs on panic).
 * Without options SMP, up_machdep.c provides the same interface for the
 * boot CPU alone.
 *
 * APs.  The BSP copies mpboot.S to MP_TRAMP, gives it a page table that
 * maps low memory 1:1 beside the kernel, and sends INIT-SIPI-SIPI to each
 * AP in turn with the AP's idle thread stack; the AP enters
 * init_secondary(), sets up its per-CPU area and LAPIC, says it is up and
 * becomes its idle thread.
 *
 * IPIs.  One request at a time, under smp_ipi_lock: the initiator posts
 * the request, sets a pending bit in every target's pcpu, sends the IPI
 * and waits for all acknowledgements.  A CPU that spins with interrupts
 * off (on a spin mutex, or on smp_ipi_lock itself) serves its pending
 * requests while it spins (cpu_spinwait_hook), so two initiators, or an
 * initiator and a lock holder, cannot deadlock.
 *
 * Idle CPUs.  A CPU with nothing to run halts in cpu_idle() with
 * CPU_IDLE_HALTED set in its pc_idle; trap() calls cpu_idle_exit() first
 * thing on the next interrupt, which clears the word and catches up.
 * Two costs of an idle CPU are avoided this way (under QEMU each wake-up
 * of a halted CPU is a host thread woken, more than the work it does):
 *   - Ticks.  An application processor stops its LAPIC timer while it
 *     halts (CPU_IDLE_NOTICK): its tick only charges a time slice, and a
 *     thread queued for it comes with IPI_RESCHED.  CPU 0 keeps ticking
 *     (ticks, time_uptime, callouts).
 *   - Shootdowns ("lazy shootdowns").  pmap_invalidate_range() neither
 *     interrupts nor waits for a CPU it finds halted: it adds
 *     CPU_IDLE_TLB_STALE (tlb_defer), and the CPU flushes its whole TLB,
 *     global entries included, when it wakes.
 * Why no CPU uses a stale translation:
 *   - Once HALTED is set the word changes only by atomic read-modify-
 *     write: the shooter's compare-and-set adding STALE, the waker's swap
 *     to 0.  Either the shooter's comes first, and the waker sees STALE
 *     and flushes; or the waker's does, the shooter's fails, and the CPU
 *     gets the IPI and is waited for as usual.  The shooter cleared the
 *     PTEs before its locked compare-and-set, so a waker that saw STALE
 *     refills its TLB from the cleared PTEs.
 *   - The flush comes before anything on the woken CPU can touch a freed
 *     kernel_map address: trap() calls cpu_idle_exit() before the
 *     interrupt's handler runs, and before a preemption at the end of the
 *     interrupt switches to another thread (the handler, a callout, or
 *     that thread could allocate the freed range anew, mapped to other
 *     pages).  cpu_idle() calls it again after the halt, with interrupts
 *     off, in case the halt ended without an interrupt.  From the halt to
 *     that call the CPU uses only the idle thread's stack (mapped for the
 *     thread's whole life, so never in a freed range), its pcpu, the IDT,
 *     GDT and TSS, and kernel text and data (the KERNBASE mapping, which
 *     never changes).
 *   - From setting HALTED to the halt the CPU runs only cpu_idle(), with
 *     interrupts off, touching the same things; a translation it cached
 *     before is flushed when it wakes anyway.
 *   - Only the CPU itself sets HALTED, with a plain store: nobody else
 *     writes the word while it is 0, and every wake-up returns it to 0.
 * The flush is of the whole TLB because a halted CPU may miss several
 * shootdowns; it costs one flush per wake-up that missed any.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/smp.h>
#include <machine/apicvar.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <machine/segments.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_page.h>

#define	MP_TRAMP	0x8000
#define	IPI_PEND_TLB	0x1
#define	IPI_PEND_RV	0x2

CTASSERT(MAXCPU <= 32);		/* smp_invalidate_range's CPU mask */

volatile int	smp_started;
static volatile u_int ap_booted;
static volatile u_int ap_boot_cpu;
static volatile u_int cpus_stopping;
static volatile u_int smp_ipi_lock;
static u_int	cpu_apic_ids[MAXCPU];
static int	ncpus_found = 1;
static volatile u_int ipis_served[MAXCPU];
static u_int	tlb_wake_flushes[MAXCPU];	/* by cpu_idle_exit() */

extern char	mptramp_start[], mptramp_end[], mptramp_cr3[], mptramp_stack[],
		mptramp_entry[], boot_pml4[];
extern void	(*stop_cpus_hook)(void);

/* The request being delivered. */
static volatile vm_offset_t tlb_sva, tlb_eva;
static volatile u_int	ipi_acks;
static struct {
	void	(*setup)(void *);
	void	(*action)(void *);
	void	(*teardown)(void *);
	void	*arg;
	volatile u_int entered, acted, left;
} rv;

void	init_secondary(void) __dead2;

/*
 * IPI delivery.
 */

/* Serve the requests pending for this CPU (interrupts off). */
static void
smp_serve_pending(void)
{
	struct pcpu *pc = PCPU_GET(self);
	u_int pend;

	if (pc->pc_ipi_pending == 0)
		return;
	pend = atomic_swap_int(&pc->pc_ipi_pending, 0);
	if ((pend & IPI_PEND_TLB) != 0) {
		pmap_invalidate_local(tlb_sva, tlb_eva);
		ipis_served[pc->pc_cpuid]++;
		atomic_add_int(&ipi_acks, 1);
	}
	if ((pend & IPI_PEND_RV) != 0) {
		ipis_served[pc->pc_cpuid]++;
		if (rv.setup != NULL)
			rv.setup(rv.arg);
		atomic_add_int(&rv.entered, 1);
		while (rv.entered < (u_int)mp_ncpus)
			cpu_pause();
		if (rv.action != NULL)
			rv.action(rv.arg);
		atomic_add_int(&rv.acted, 1);
		while (rv.acted < (u_int)mp_ncpus)
			cpu_pause();
		if (rv.teardown != NULL)
			rv.teardown(rv.arg);
		atomic_add_int(&rv.left, 1);
	}
}

/* Called by every busy-wait with interrupts possibly off. */
void
cpu_spinwait_hook(void)
{
	struct pcpu *pc;

	cpu_pause();
	if (!smp_started)
		return;
	pc = PCPU_GET(self);
	if (pc->pc_ipi_pending != 0)
		smp_serve_pending();
	if (cpus_stopping && panicstr != NULL &&
	    pc->pc_cpuid != (u_int)PCPU_GET(cpuid))
		return;
}

u_int
smp_ipis_served(u_int cpu)
{
	return (ipis_served[cpu]);
}

static uint64_t
smp_ipi_begin(void)
{
	uint64_t flags = intr_disable();

	while (!atomic_cmpset_int(&smp_ipi_lock, 0, 1))
		cpu_spinwait_hook();
	return (flags);
}

static void
smp_ipi_end(uint64_t flags)
{
	atomic_store_rel_int(&smp_ipi_lock, 0);
	intr_restore(flags);
}

/* Post a request to every other online CPU and send it the vector. */
static void
smp_post(u_int bit, u_int vector)
{
	u_int cpu, me = PCPU_GET(cpuid);

	CPU_FOREACH(cpu)
		if (cpu != me && pcpu_find(cpu)->pc_online)
			atomic_set_int(&pcpu_find(cpu)->pc_ipi_pending, bit);
	lapic_ipi_all_but_self(vector);
}

static void
ipi_request_intr(struct trapframe *tf __unused)
{
	lapic_eoi();
	PCPU_GET(self)->pc_cnt_ipi++;
	smp_serve_pending();
}

/*
 * Nonzero when the CPU of pc is halted in cpu_idle() and now owes a TLB
 * flush on waking, so it needs no shootdown IPI (see the top of the file).
 */
static int
tlb_defer(struct pcpu *pc)
{
	u_int s;

	for (;;) {
		s = pc->pc_idle;
		if ((s & CPU_IDLE_HALTED) == 0)
			return (0);
		if ((s & CPU_IDLE_TLB_STALE) != 0 ||
		    atomic_cmpset_int(&pc->pc_idle, s, s | CPU_IDLE_TLB_STALE))
			return (1);
	}
}

void
cpu_idle_exit(void)
{
	struct pcpu *pc = PCPU_GET(self);
	u_int s;

	s = atomic_swap_int(&pc->pc_idle, 0);
	if ((s & CPU_IDLE_TLB_STALE) != 0) {
		invltlb_glob();
		tlb_wake_flushes[pc->pc_cpuid]++;
	}
	if ((s & CPU_IDLE_NOTICK) != 0)
		lapic_timer_start();
}

void
cpu_idle(void)
{
	struct pcpu *pc = PCPU_GET(self);
	u_int s;

	KASSERT(pc->pc_idle == 0, ("cpu_idle: cpu%u idle state %#x",
	    pc->pc_cpuid, pc->pc_idle));
	s = CPU_IDLE_HALTED;
	if (pc->pc_cpuid != 0 && smp_started) {
		lapic_timer_stop();
		s |= CPU_IDLE_NOTICK;
	}
	pc->pc_idle = s;
	/* "sti; hlt" is atomic with respect to interrupts. */
	__asm__ __volatile__("sti; hlt; cli" : : : "memory");
	if (pc->pc_idle != 0)
		cpu_idle_exit();
}

u_int
smp_tlb_wake_flushes(u_int cpu)
{
	return (tlb_wake_flushes[cpu]);
}

/* The other CPUs' part of a shootdown. */
static void __noinline
smp_invalidate_range(vm_offset_t sva, vm_offset_t eva)
{
	struct pcpu *pc;
	uint64_t flags;
	u_int cpu, me, nwait, targets;

	/* The idle CPUs are marked; only the others need the IPI. */
	me = PCPU_GET(cpuid);
	targets = 0;
	CPU_FOREACH(cpu) {
		pc = pcpu_find(cpu);
		if (cpu != me && pc->pc_online && !tlb_defer(pc))
			targets |= 1u << cpu;
	}
	if (targets == 0)
		return;
	flags = smp_ipi_begin();
	tlb_sva = sva;
	tlb_eva = eva;
	ipi_acks = 0;
	nwait = 0;
	CPU_FOREACH(cpu) {
		if ((targets & (1u << cpu)) == 0)
			continue;
		pc = pcpu_find(cpu);
		atomic_set_int(&pc->pc_ipi_pending, IPI_PEND_TLB);
		lapic_ipi(pc->pc_apic_id, IPI_INVLTLB);
		nwait++;
	}
	while (ipi_acks < nwait)
		cpu_pause();
	smp_ipi_end(flags);
}

void
pmap_invalidate_range(vm_offset_t sva, vm_offset_t eva)
{
	pmap_invalidate_local(sva, eva);
	if (smp_started && mp_ncpus > 1)
		smp_invalidate_range(sva, eva);
}

void
smp_rendezvous(void (*setup)(void *), void (*action)(void *),
    void (*teardown)(void *), void *arg)
{
	uint64_t flags;

	if (!smp_started || mp_ncpus == 1) {
		smp_rendezvous_cpu(setup, action, teardown, arg);
		return;
	}
	flags = smp_ipi_begin();
	rv.setup = setup;
	rv.action = action;
	rv.teardown = teardown;
	rv.arg = arg;
	rv.entered = rv.acted = rv.left = 0;
	smp_post(IPI_PEND_RV, IPI_RENDEZVOUS);
	atomic_set_int(&PCPU_GET(self)->pc_ipi_pending, IPI_PEND_RV);
	smp_serve_pending();
	while (rv.left < (u_int)mp_ncpus)
		cpu_pause();
	smp_ipi_end(flags);
}

void
ipi_cpu(int cpu, u_int ipi)
{
	lapic_ipi(pcpu_find(cpu)->pc_apic_id, ipi);
}

void
ipi_all_but_self(u_int ipi)
{
	lapic_ipi_all_but_self(ipi);
}

/* On panic: NMI every other CPU into a halt loop (trap.c). */
static void
mp_stop_cpus(void)
{
	if (!smp_started || mp_ncpus == 1)
		return;
	cpus_stopping = 1;
	lapic_nmi_all_but_self();
	DELAY(10000);
}

int
cpu_stopping_nmi(void)
{
	return (cpus_stopping);
}

/*
 * AP start-up.
 */
void
init_secondary(void)
{
	u_int cpu = ap_boot_cpu;
	struct pcpu *pc = pcpu_find(cpu);
	struct thread *td = pc->pc_idlethread;

	load_cr3(kernel_pml4_pa);
	load_cr0(rcr0() | CR0_WP);
	pc->pc_self = pc;
	pc->pc_cpuid = cpu;
	pc->pc_curthread = td;
	wrmsr(MSR_GSBASE, (uint64_t)pc);
	cpu_init_tables(cpu);
	lapic_init();
	td->td_state = TDS_RUNNING;
	td->td_oncpu = cpu;
	td->td_lastcpu = cpu;
	td->td_critnest = 0;
	td->td_md.md_spinlock_count = 0;
	pc->pc_online = 1;
	atomic_add_int((volatile u_int *)&mp_ncpus, 1);
	if ((int)cpu > mp_maxid)
		mp_maxid = cpu;
	atomic_store_rel_int(&ap_booted, 1);
	enable_intr();
	sched_idle_loop();
}

static void
cpu_mp_start(void *dummy __unused)
{
	pml4_entry_t *tramp_pml4, *bootpml4;
	struct thread *td;
	vm_page_t m;
	char *tramp;
	u_int cpu;
	int i, total;

	intr_register(IPI_INVLTLB, ipi_request_intr);
	intr_register(IPI_RENDEZVOUS, ipi_request_intr);
	stop_cpus_hook = mp_stop_cpus;
	PCPU_SET(apic_id, lapic_id());
	total = madt_find_cpus(cpu_apic_ids, MAXCPU);
	ncpus_found = MIN(total, MAXCPU);
	if (total > MAXCPU)
		printf("SMP: MAXCPU is %d: using %d of %d CPUs, ignoring %d\n",
		    MAXCPU, ncpus_found, total, total - ncpus_found);
	if (ncpus_found == 1)
		return;
	printf("FreeBSD/SMP: Multiprocessor System Detected: %d CPUs\n",
	    ncpus_found);

	/* The trampoline's page table: the kernel's, plus low memory 1:1. */
	m = vm_page_alloc_contig(1, 0, 0xffffffffUL, PAGE_SIZE, 0);
	if (m == NULL)
		panic("cpu_mp_start: no page for the AP page table");
	tramp_pml4 = (pml4_entry_t *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m));
	memcpy(tramp_pml4, kernel_pml4, PAGE_SIZE);
	bootpml4 = (pml4_entry_t *)(KERNBASE + (vm_offset_t)boot_pml4);
	tramp_pml4[0] = bootpml4[0];
	tramp = (char *)PHYS_TO_DMAP(MP_TRAMP);
	memcpy(tramp, mptramp_start, mptramp_end - mptramp_start);
	*(uint64_t *)(tramp + (mptramp_cr3 - mptramp_start)) =
	    VM_PAGE_TO_PHYS(m);
	*(uint64_t *)(tramp + (mptramp_entry - mptramp_start)) =
	    (uint64_t)init_secondary;

	for (cpu = 1; cpu < (u_int)ncpus_found; cpu++) {
		sched_new_idle(cpu);
		td = pcpu_find(cpu)->pc_idlethread;
		pcpu_find(cpu)->pc_apic_id = cpu_apic_ids[cpu];
		*(uint64_t *)(tramp + (mptramp_stack - mptramp_start)) =
		    td->td_kstack + ptoa(td->td_kstack_pages) - 16;
		ap_boot_cpu = cpu;
		ap_booted = 0;
		lapic_startup_ap(cpu_apic_ids[cpu], MP_TRAMP);
		for (i = 0; i < 5000 && ap_booted == 0; i++)
			DELAY(1000);
		if (ap_booted == 0) {
			printf("SMP: AP CPU #%u (APIC %u) failed to start\n",
			    cpu, cpu_apic_ids[cpu]);
			continue;
		}
		printf("SMP: AP CPU #%u Launched!\n", cpu);
	}
	vm_page_release_contig(m, 1);
	smp_started = 1;
}
SYSINIT(mp_start, SI_SUB_SMP, SI_ORDER_FIRST, cpu_mp_start, NULL);
