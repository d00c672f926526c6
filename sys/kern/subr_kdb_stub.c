/*
 * kdb_enter() without options KDB: print the reason and carry on.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kdb.h>

void
printf_kdb_disabled(const char *why, const char *msg)
{
	printf("KDB: enter (%s): %s: no debugger in this kernel\n",
	    why != NULL ? why : "unset", msg);
}
