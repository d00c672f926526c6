/*
 * The local APIC: timer, IPIs and AP start-up.
 *
 * The 8259 PICs are masked; the only interrupts are the LAPIC timer
 * (IDT_TIMER, periodic at hz on every CPU) and IPIs.  The TSC and the
 * LAPIC timer are calibrated once against PIT channel 2 (several windows,
 * median; see lapic_calibrate()).
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

/*
 * Calibration of the TSC and the LAPIC timer against PIT channel 2.
 *
 * Under TCG the vCPU thread can be descheduled at any moment for longer
 * than a calibration window.  A single window timed by the PIT's gate
 * counted that stall in the TSC but not in the PIT (4x-8x too fast under
 * host load).  Here each window is bracketed by two readings of the PIT's
 * latched count, each taken with the TSC and the LAPIC count just before
 * and after it: of CALIB_TRIES readings the tightest bracket is kept, so a
 * stall inside a reading is left out, and a stall between the readings
 * counts in both clocks alike.  A window whose PIT count wrapped (its
 * output went high: over 54 ms) or whose figure is outside the sanity
 * range is rejected; the result is the median of the rest.  Under -icount
 * the PIT runs on virtual time and the figures stay consistent with the
 * instruction count.
 */
#define	PIT_HZ		1193182
#define	CALIB_WINDOWS	7
#define	CALIB_TRIES	5
#define	CALIB_TICKS	(PIT_HZ / 100)		/* 10 ms a window */
#define	TSC_SANE_MIN	100000000ULL		/* 100 MHz */
#define	TSC_SANE_MAX	10000000000ULL		/* 10 GHz */

struct calib_reading {
	uint64_t	tsc;
	uint32_t	lapic;
	uint16_t	pit;
};

static uint16_t
pit2_count(void)
{
	uint8_t lo, hi;

	outb(0x43, 0x80);		/* latch channel 2 */
	lo = inb(0x42);
	hi = inb(0x42);
	return ((uint16_t)(hi << 8 | lo));
}

/* The PIT count, TSC and LAPIC count at one instant, the tightest of tries. */
static void
calib_read(struct calib_reading *r)
{
	uint64_t t0, t1, best;
	uint32_t l;
	uint16_t c;
	int i;

	best = UINT64_MAX;
	for (i = 0; i < CALIB_TRIES; i++) {
		t0 = rdtsc();
		l = lapic_read(LAPIC_TIMER_CCR);
		c = pit2_count();
		t1 = rdtsc();
		if (t1 - t0 < best) {
			best = t1 - t0;
			r->tsc = t0 + (t1 - t0) / 2;
			r->lapic = l;
			r->pit = c;
		}
	}
}

/*
 * The median of the n figures within [lo, hi] (the lower middle one for
 * an even count), or 0 if none is; *used is how many were.  Sorts f.
 */
uint64_t
calib_median(uint64_t *f, int n, uint64_t lo, uint64_t hi, int *used)
{
	uint64_t t;
	int i, j, k;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && f[j - 1] > f[j]; j--) {
			t = f[j];
			f[j] = f[j - 1];
			f[j - 1] = t;
		}
	for (i = 0; i < n && f[i] < lo; i++)
		;
	for (k = n; k > i && f[k - 1] > hi; k--)
		;
	*used = k - i;
	return (k > i ? f[i + (k - i - 1) / 2] : 0);
}

void
lapic_calibrate(void)
{
	struct calib_reading a, b;
	uint64_t tsc[CALIB_WINDOWS], tmr[CALIB_WINDOWS];
	uint32_t ticks;
	uint8_t gate;
	int w, used, tused;

	/* Mask the 8259s: every interrupt comes through the LAPIC. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	lapic_write(LAPIC_SVR, APIC_SVR_ENABLE | IDT_SPURIOUS);
	lapic_write(LAPIC_TIMER_DCR, 0x3);		/* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, APIC_LVT_MASKED | IDT_TIMER);

	gate = inb(0x61);
	for (w = 0; w < CALIB_WINDOWS; w++) {
		/* PIT channel 2, mode 0 from 0xffff, gate on, speaker off. */
		outb(0x61, gate & ~0x03);
		outb(0x43, 0xb0);
		outb(0x42, 0xff);
		outb(0x42, 0xff);
		outb(0x61, (gate & ~0x02) | 0x01);
		lapic_write(LAPIC_TIMER_ICR, 0xffffffff);
		calib_read(&a);
		do {
			calib_read(&b);
		} while ((uint16_t)(a.pit - b.pit) < CALIB_TICKS &&
		    (inb(0x61) & 0x20) == 0);
		ticks = (uint16_t)(a.pit - b.pit);
		if ((inb(0x61) & 0x20) != 0 || ticks == 0) {
			tsc[w] = tmr[w] = 0;	/* wrapped: rejected */
			continue;
		}
		tsc[w] = (b.tsc - a.tsc) * PIT_HZ / ticks;
		tmr[w] = (uint64_t)(a.lapic - b.lapic) * PIT_HZ / ticks;
	}
	outb(0x61, gate);
	tsc_freq = calib_median(tsc, CALIB_WINDOWS, TSC_SANE_MIN,
	    TSC_SANE_MAX, &used);
	lapic_timer_hz = calib_median(tmr, CALIB_WINDOWS, 1000000,
	    4000000000ULL, &tused);
	if (tsc_freq == 0) {
		printf("TSC: no calibration window was sane; assuming "
		    "1000 MHz\n");
		tsc_freq = 1000000000;
	} else
		printf("TSC: %ju.%03ju MHz (median of %d windows%s)\n",
		    (uintmax_t)(tsc_freq / 1000000),
		    (uintmax_t)(tsc_freq / 1000 % 1000), used,
		    used < CALIB_WINDOWS ? ", some rejected" : "");
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
	lapic_timer_start();
	PCPU_SET(apic_id, lapic_id());
}

/* A zero initial count stops the timer; a new one restarts the period. */
void
lapic_timer_stop(void)
{
	lapic_write(LAPIC_TIMER_ICR, 0);
}

void
lapic_timer_start(void)
{
	lapic_write(LAPIC_TIMER_ICR, MAX(lapic_timer_hz / hz, 1));
}
