/*
 * Time.  (Bootstrap version: the TSC uncalibrated; the SMP/timer work
 * calibrates it against the PIT and drives hz from the LAPIC timer.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/sysctl.h>
#include <machine/cpufunc.h>

int		hz = 1000;
TUNABLE_INT("kern.hz", &hz);
SYSCTL_INT(_kern, OID_AUTO, hz, CTLFLAG_RDTUN | CTLFLAG_NOFETCH, &hz, 0,
    "Number of clock ticks per second");
volatile int	ticks;
volatile time_t	time_uptime;
static uint64_t	tsc_freq = 1000000000;	/* until calibrated */

uint64_t
cpu_ticks(void)
{
	return (rdtsc());
}

uint64_t
cpu_tickrate(void)
{
	return (tsc_freq);
}

uint64_t
uptime_ns(void)
{
	return (rdtsc() * 1000 / (tsc_freq / 1000000));
}

void
DELAY(int usec)
{
	uint64_t end = rdtsc() + (uint64_t)usec * (tsc_freq / 1000000);

	while (rdtsc() < end)
		cpu_pause();
}
