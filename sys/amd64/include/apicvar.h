/*
 * The local APIC (xAPIC, memory-mapped through the direct map).
 */
#ifndef _MACHINE_APICVAR_H_
#define	_MACHINE_APICVAR_H_

#include <sys/types.h>

#define	LAPIC_PADDR		0xfee00000UL
#define	LAPIC_ID		0x020
#define	LAPIC_EOI		0x0b0
#define	LAPIC_SVR		0x0f0
#define	LAPIC_ICR_LO		0x300
#define	LAPIC_ICR_HI		0x310
#define	LAPIC_LVT_TIMER		0x320
#define	LAPIC_TIMER_ICR		0x380
#define	LAPIC_TIMER_CCR		0x390
#define	LAPIC_TIMER_DCR		0x3e0

#define	APIC_SVR_ENABLE		0x100
#define	APIC_LVT_MASKED		0x10000
#define	APIC_LVT_PERIODIC	0x20000
#define	APIC_ICR_PENDING	0x1000
#define	APIC_ICR_INIT		0x0500
#define	APIC_ICR_STARTUP	0x0600
#define	APIC_ICR_NMI		0x0400
#define	APIC_ICR_ASSERT		0x4000
#define	APIC_ICR_LEVEL		0x8000
#define	APIC_ICR_ALLBUTSELF	0xc0000

/* IPI vectors. */
#define	IPI_RESCHED		0xf1	/* a thread was queued for this CPU */
#define	IPI_INVLTLB		0xf2	/* TLB shootdown */
#define	IPI_RENDEZVOUS		0xf3	/* smp_rendezvous */

u_int	lapic_id(void);
void	lapic_init(void);	/* this CPU: enable, timer at hz */
void	lapic_eoi(void);
/* This CPU's periodic timer off, and on again at hz (from now). */
void	lapic_timer_stop(void);
void	lapic_timer_start(void);
void	lapic_ipi(u_int apic_id, u_int vector);
void	lapic_ipi_all_but_self(u_int vector);
void	lapic_nmi_all_but_self(void);
void	lapic_startup_ap(u_int apic_id, vm_paddr_t tramp);
void	lapic_calibrate(void);	/* TSC and timer rates, once, on the BSP */
extern uint64_t	tsc_freq;
/* The median of the figures of f[0..n) within [lo, hi]; sorts f (lapic.c). */
uint64_t calib_median(uint64_t *f, int n, uint64_t lo, uint64_t hi,
	    int *used);

#endif /* !_MACHINE_APICVAR_H_ */
