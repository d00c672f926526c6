/*
 * Sleeping and waking.  (Bootstrap placeholder: pause() spins.)
 */
#include <sys/param.h>
#include <sys/systm.h>

int
pause(const char *wmesg __unused, int timo)
{
	DELAY(timo * (1000000 / hz));
	return (0);
}
