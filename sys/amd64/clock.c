/*
 * Time.  (Bootstrap version: the TSC uncalibrated; the SMP/timer work
 * calibrates it against the PIT and drives hz from the LAPIC timer.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <machine/cpufunc.h>

int		hz = 1000;
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
