/*
 * pciconf(8) in the console shell: "pciconf -l" lists every PCI function
 * found at boot in FreeBSD's format, the driver and unit that claimed it
 * first (none<n> for the unclaimed).  Presentation only: the lines come
 * from pci_list() (pci.c).
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
