/*
 * The console shell.  (Bootstrap placeholder.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <machine/md_var.h>

static void
cons_shell(void *dummy __unused)
{
	printf("boot complete\n");
	shutdown_halt(EXIT_OK);
}
SYSINIT(cons, SI_SUB_LAST, SI_ORDER_ANY, cons_shell, NULL);
