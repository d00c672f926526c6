/*
 * The local APIC: timer, IPIs and AP start-up.
 *
 * The 8259 PICs are masked; the only interrupts are the LAPIC timer
 * (IDT_TIMER, periodic at hz on every CPU) and IPIs.  The TSC and the
 * LAPIC timer are calibrated once against PIT channel 2 (gate method,
 * 1/20 s); under -icount the PIT runs on virtual time, so the figures stay
 * consistent with the instruction count.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/pcpu.h>
#include <machine/apicvar.h>
#include <machine/cpufunc.h>
#include <machine/segments.h>
#include <machine/vmparam.h>

uint64_t	tsc_freq;
static uint32_t	lapic_timer_hz;		/* timer ticks per second, div 16 */

static __inline uint32_t
lapic_read(u_int reg)
{
	return (*(volatile uint32_t *)(PHYS_TO_DMAP(LAPIC_PADDR) + reg));
}

static __inline void
lapic_write(u_int reg, uint32_t v)
{
	*(volatile uint32_t *)(PHYS_TO_DMAP(LAPIC_PADDR) + reg) = v;
}

u_int
lapic_id(void)
{
	return (lapic_read(LAPIC_ID) >> 24);
}

void
lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* Wait for the previous IPI to be accepted. */
static void
lapic_icr_wait(void)
{
	int i;

	for (i = 0; i < 1000000; i++) {
		if ((lapic_read(LAPIC_ICR_LO) & APIC_ICR_PENDING) == 0)
			return;
		cpu_pause();
	}
	printf("lapic: IPI not accepted\n");
}

void
lapic_ipi(u_int apic_id, u_int vector)
{
	uint64_t flags = intr_disable();

	lapic_icr_wait();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, APIC_ICR_ASSERT | vector);
	intr_restore(flags);
}

void
lapic_ipi_all_but_self(u_int vector)
{
	uint64_t flags = intr_disable();

	lapic_icr_wait();
	lapic_write(LAPIC_ICR_LO, APIC_ICR_ALLBUTSELF | APIC_ICR_ASSERT |
	    vector);
	intr_restore(flags);
}

void
lapic_nmi_all_but_self(void)
{
	lapic_icr_wait();
	lapic_write(LAPIC_ICR_LO, APIC_ICR_ALLBUTSELF | APIC_ICR_ASSERT |
	    APIC_ICR_NMI);
}

/* INIT, then two STARTUPs at the trampoline page. */
void
lapic_startup_ap(u_int apic_id, vm_paddr_t tramp)
{
	lapic_icr_wait();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, APIC_ICR_INIT | APIC_ICR_LEVEL |
	    APIC_ICR_ASSERT);
	lapic_icr_wait();
	DELAY(10000);
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, APIC_ICR_STARTUP | (tramp >> PAGE_SHIFT));
	lapic_icr_wait();
	DELAY(200);
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, APIC_ICR_STARTUP | (tramp >> PAGE_SHIFT));
	lapic_icr_wait();
}

#define	PIT_HZ		1193182
#define	PIT_CALIB_DIV	20		/* measure 1/20 s */

void
lapic_calibrate(void)
{
	uint64_t t0, t1;
	uint32_t c0, c1, count = PIT_HZ / PIT_CALIB_DIV;
	uint8_t gate;

	/* Mask the 8259s: every interrupt comes through the LAPIC. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	lapic_write(LAPIC_SVR, APIC_SVR_ENABLE | IDT_SPURIOUS);
	lapic_write(LAPIC_TIMER_DCR, 0x3);		/* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, APIC_LVT_MASKED | IDT_TIMER);

	/* PIT channel 2, mode 0, gate off; speaker off. */
	gate = inb(0x61);
	outb(0x61, (gate & ~0x03));
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	lapic_write(LAPIC_TIMER_ICR, 0xffffffff);
	c0 = lapic_read(LAPIC_TIMER_CCR);
	t0 = rdtsc();
	outb(0x61, (gate & ~0x02) | 0x01);		/* gate on: count */
	while ((inb(0x61) & 0x20) == 0)
		cpu_pause();
	t1 = rdtsc();
	c1 = lapic_read(LAPIC_TIMER_CCR);
	outb(0x61, gate);
	tsc_freq = (t1 - t0) * PIT_CALIB_DIV;
	lapic_timer_hz = (c0 - c1) * PIT_CALIB_DIV;
	if (tsc_freq == 0)
		tsc_freq = 1000000000;
	if (lapic_timer_hz == 0)
		lapic_timer_hz = 62500000;
}

/* Enable this CPU's LAPIC and start its periodic timer at hz. */
void
lapic_init(void)
{
	lapic_write(LAPIC_SVR, APIC_SVR_ENABLE | IDT_SPURIOUS);
	lapic_write(LAPIC_TIMER_DCR, 0x3);
	lapic_write(LAPIC_LVT_TIMER, APIC_LVT_PERIODIC | IDT_TIMER);
	lapic_write(LAPIC_TIMER_ICR, MAX(lapic_timer_hz / hz, 1));
	PCPU_SET(apic_id, lapic_id());
}
