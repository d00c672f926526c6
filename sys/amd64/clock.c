/*
 * Time: the TSC (calibrated against the PIT) gives uptime; the LAPIC
 * timer interrupts every CPU hz times a second.  The boot CPU counts ticks,
 * keeps time_uptime and runs the callouts and sleep timeouts; every CPU
 * charges its running thread's time slice.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/callout.h>
#include <sys/pcpu.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <machine/apicvar.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <machine/segments.h>

#define	HZ_DEFAULT	1000
#define	HZ_MAX		10000

int		hz = HZ_DEFAULT;
volatile int	ticks;
volatile time_t	time_uptime;
static uint64_t	tsc_boot;

TUNABLE_INT("kern.hz", &hz);
SYSCTL_INT(_kern, OID_AUTO, hz, CTLFLAG_RDTUN | CTLFLAG_NOFETCH, &hz, 0,
    "Number of clock ticks per second");
SYSCTL_ULONG(_machdep, OID_AUTO, tsc_freq, CTLFLAG_RD, &tsc_freq, 0,
    "Time Stamp Counter frequency");

uint64_t
cpu_ticks(void)
{
	return (rdtsc());
}

uint64_t
cpu_tickrate(void)
{
	return (tsc_freq != 0 ? tsc_freq : 1000000000);
}

uint64_t
uptime_ns(void)
{
	uint64_t d = rdtsc() - tsc_boot, f = cpu_tickrate();

	/* Split so nothing overflows 64 bits for f below 18 GHz. */
	return (d / f * 1000000000 + d % f * 1000000000 / f);
}

void
DELAY(int usec)
{
	uint64_t end = rdtsc() + (uint64_t)usec * cpu_tickrate() / 1000000;

	while (rdtsc() < end)
		cpu_pause();
}

static void
clock_intr(struct trapframe *tf __unused)
{
	lapic_eoi();
	if (PCPU_GET(cpuid) == 0) {
		ticks++;
		time_uptime = uptime_ns() / 1000000000;
		callout_tick();
	}
	sched_clock();
}

/* Calibrate and start the boot CPU's timer; then interrupts are on. */
static void
cpu_initclocks(void *dummy __unused)
{
	if (hz < 1 || hz > HZ_MAX) {
		tunable_warn("kern.hz", "value not in 1.." __XSTRING(HZ_MAX),
		    "%d", HZ_DEFAULT);
		hz = HZ_DEFAULT;
	}
	tsc_boot = rdtsc();
	lapic_calibrate();
	printf("Timecounter \"TSC\" frequency %ju Hz; hz = %d\n",
	    (uintmax_t)tsc_freq, hz);
	intr_register(IDT_TIMER, clock_intr);
	lapic_init();
	cold = 0;
	enable_intr();
}
SYSINIT(clocks, SI_SUB_CLOCKS, SI_ORDER_FIRST, cpu_initclocks, NULL);
