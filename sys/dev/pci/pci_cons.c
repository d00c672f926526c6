/*
 * PCI in the console shell.  "pciconf -l" lists every PCI function found
 * at boot in pciconf(8)'s format, with the driver and unit that claimed it
 * (none<n> for the unclaimed); "show intrcnt" (as ddb's) the interrupts
 * each device vector has taken.  Presentation only: the figures come from
 * pci_list() and pci_intr_list() (pci.c).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cons.h>
#include <dev/pci/pcivar.h>

static void
pciconf_out(void *arg __unused, const char *line)
{
	printf("%s\n", line);
}

static int
pciconf_cmd(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "-l") != 0) {
		printf("usage: pciconf -l\n");
		return (1);
	}
	pci_list(pciconf_out, NULL);
	return (0);
}
CONS_COMMAND(pciconf, pciconf_cmd, "pciconf -l", "list PCI functions");

static void
intrcnt_out(void *arg __unused, const char *name, uint64_t count)
{
	printf("%s\t%ju\n", name, (uintmax_t)count);
}

static int
show_intrcnt(int argc, char **argv __unused)
{
	if (argc != 1) {
		printf("usage: show intrcnt\n");
		return (1);
	}
	pci_intr_list(intrcnt_out, NULL);
	return (0);
}
SHOW_COMMAND(intrcnt, show_intrcnt, "show intrcnt",
    "interrupts taken by each device vector");
