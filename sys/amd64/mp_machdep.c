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

volatile int	smp_started;
static volatile u_int ap_booted;
static volatile u_int ap_boot_cpu;
static volatile u_int cpus_stopping;
static volatile u_int smp_ipi_lock;
static u_int	cpu_apic_ids[MAXCPU];
static int	ncpus_found = 1;
static volatile u_int ipis_served[MAXCPU];

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
	vm_offset_t va;

	if (pc->pc_ipi_pending == 0)
		return;
	pend = atomic_swap_int(&pc->pc_ipi_pending, 0);
	if ((pend & IPI_PEND_TLB) != 0) {
		if (tlb_eva - tlb_sva > 64 * PAGE_SIZE)
			invltlb();
		else
			for (va = tlb_sva; va < tlb_eva; va += PAGE_SIZE)
				invlpg(va);
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

void
pmap_invalidate_range(vm_offset_t sva, vm_offset_t eva)
{
	uint64_t flags;
	vm_offset_t va;

	if (eva - sva > 64 * PAGE_SIZE)
		invltlb();
	else
		for (va = sva; va < eva; va += PAGE_SIZE)
			invlpg(va);
	if (!smp_started || mp_ncpus == 1)
		return;
	flags = smp_ipi_begin();
	tlb_sva = sva;
	tlb_eva = eva;
	ipi_acks = 0;
	smp_post(IPI_PEND_TLB, IPI_INVLTLB);
	while (ipi_acks < (u_int)mp_ncpus - 1)
		cpu_pause();
	smp_ipi_end(flags);
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
