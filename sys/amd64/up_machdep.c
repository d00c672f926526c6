/*
 * The uniprocessor kernel (no options SMP): the interface mp_machdep.c
 * provides, for the boot CPU alone.  The application processors the MADT
 * lists are counted, announced as unused, and never started: they stay
 * waiting for a start-up IPI that does not come.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/pcpu.h>
#include <sys/smp.h>
#include <machine/apicvar.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>
#include <machine/pmap.h>

volatile int	smp_started;		/* never: there are no APs */

void
cpu_spinwait_hook(void)
{
	cpu_pause();
}

u_int
smp_ipis_served(u_int cpu __unused)
{
	return (0);
}

void
pmap_invalidate_range(vm_offset_t sva, vm_offset_t eva)
{
	pmap_invalidate_local(sva, eva);
}

/* No other CPU shoots this one down, and the timer keeps running. */
void
cpu_idle_exit(void)
{
	PCPU_SET(idle, 0);
}

void
cpu_idle(void)
{
	/* "sti; hlt" is atomic with respect to interrupts. */
	__asm__ __volatile__("sti; hlt; cli" : : : "memory");
}

u_int
smp_tlb_wake_flushes(u_int cpu __unused)
{
	return (0);
}

/* Every CPU is this one. */
void
smp_rendezvous(void (*setup)(void *), void (*action)(void *),
    void (*teardown)(void *), void *arg)
{
	smp_rendezvous_cpu(setup, action, teardown, arg);
}

void
ipi_cpu(int cpu, u_int ipi)
{
	lapic_ipi(pcpu_find(cpu)->pc_apic_id, ipi);
}

void
ipi_all_but_self(u_int ipi __unused)
{
}

int
cpu_stopping_nmi(void)
{
	return (0);
}

/* Say how many CPUs there are and that only the boot CPU is used. */
static void
cpu_mp_start(void *dummy __unused)
{
	u_int id;
	int total;

	PCPU_SET(apic_id, lapic_id());
	total = madt_find_cpus(&id, 1);
	printf("SMP: not compiled in (no options SMP): using 1 of %d CPU%s\n",
	    total, total == 1 ? "" : "s");
}
SYSINIT(mp_start, SI_SUB_SMP, SI_ORDER_FIRST, cpu_mp_start, NULL);
