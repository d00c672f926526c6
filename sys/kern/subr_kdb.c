/*
 * The kernel debugger.  (Bootstrap placeholder.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kdb.h>

volatile int	kdb_active;
const char	*kdb_why;

void
kdb_enter(const char *why, const char *msg)
{
	kdb_why = why;
	printf("KDB: enter: %s\n", msg);
}

void
kdb_backtrace(void)
{
}

void
kdb_backtrace_from(uintptr_t pc __unused, uintptr_t rbp __unused)
{
}

const char *
kdb_symbol(uintptr_t addr __unused, uintptr_t *offp __unused)
{
	return (NULL);
}
