/*
 * Per-CPU sysctl nodes, made at run time once the CPUs are up:
 *
 *	debug.pcpu.N.cpuid		the CPU's id (N)
 *	debug.pcpu.N.apic_id		its local APIC id
 *	debug.pcpu.N.switches		context switches on it
 *	debug.pcpu.N.interrupts		interrupts it took
 *	debug.pcpu.N.ipis		IPIs it received
 *
 * The same figures as "show pcpu N", for scripts.  The nodes come from
 * sysctl_add_oid (M_SYSCTLOID, names in M_SYSCTL) and stay for the life of
 * the kernel; CPUs never go away.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/sysctl.h>

static SYSCTL_NODE(_debug, OID_AUTO, pcpu, CTLFLAG_RD, NULL,
    "Per-CPU data (one node per CPU, made at boot)");

static struct sysctl_ctx_list	pcpu_sysctl_ctx;

static void
pcpu_sysctl_init(void *dummy __unused)
{
	struct sysctl_oid_list *kids;
	struct sysctl_oid *node;
	struct pcpu *pc;
	char name[16];
	int cpu;

	sysctl_ctx_init(&pcpu_sysctl_ctx);
	CPU_FOREACH(cpu) {
		pc = pcpu_find(cpu);
		if (pc->pc_self == NULL)
			continue;
		snprintf(name, sizeof(name), "%d", cpu);
		node = SYSCTL_ADD_NODE(&pcpu_sysctl_ctx,
		    SYSCTL_STATIC_CHILDREN(_debug_pcpu), OID_AUTO, name,
		    CTLFLAG_RD, NULL, "One CPU");
		if (node == NULL)
			continue;
		kids = SYSCTL_CHILDREN(node);
		SYSCTL_ADD_UINT(&pcpu_sysctl_ctx, kids, OID_AUTO, "cpuid",
		    CTLFLAG_RD, &pc->pc_cpuid, 0, "CPU id");
		SYSCTL_ADD_UINT(&pcpu_sysctl_ctx, kids, OID_AUTO, "apic_id",
		    CTLFLAG_RD, &pc->pc_apic_id, 0, "Local APIC id");
		SYSCTL_ADD_U64(&pcpu_sysctl_ctx, kids, OID_AUTO, "switches",
		    CTLFLAG_RD, __DEVOLATILE(uint64_t *, &pc->pc_cnt_switches),
		    0, "Context switches");
		SYSCTL_ADD_U64(&pcpu_sysctl_ctx, kids, OID_AUTO, "interrupts",
		    CTLFLAG_RD, __DEVOLATILE(uint64_t *, &pc->pc_cnt_intr), 0,
		    "Interrupts taken");
		SYSCTL_ADD_U64(&pcpu_sysctl_ctx, kids, OID_AUTO, "ipis",
		    CTLFLAG_RD, __DEVOLATILE(uint64_t *, &pc->pc_cnt_ipi), 0,
		    "IPIs received");
	}
}
SYSINIT(pcpu_sysctl, SI_SUB_SMP, SI_ORDER_ANY, pcpu_sysctl_init, NULL);
