/*
 * ACPI: the CPUs the firmware lists in the MADT (found through the RSDP
 * machdep.c copied at boot: RSDT on pc/q35, XSDT when the RSDP has one).
 * Both the SMP start-up (mp_machdep.c) and the uniprocessor kernel
 * (up_machdep.c, which only counts them) ask here.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <machine/apicvar.h>
#include <machine/md_var.h>
#include <machine/vmparam.h>

struct acpi_header {
	char		sig[4];
	uint32_t	length;
	uint8_t		revision;
	uint8_t		checksum;
	char		oem[6];
	char		oemtable[8];
	uint32_t	oemrev;
	uint32_t	creator;
	uint32_t	creatorrev;
} __packed;

struct acpi_rsdp {
	char		sig[8];
	uint8_t		checksum;
	char		oem[6];
	uint8_t		revision;
	uint32_t	rsdt;
	uint32_t	length;
	uint64_t	xsdt;
} __packed;

/* Enabled processor local APICs, the boot CPU first; returns the count. */
static int
madt_parse(const struct acpi_header *madt, u_int *ids, int max)
{
	const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8;
	const uint8_t *end = (const uint8_t *)madt + madt->length;
	u_int bsp = lapic_id(), id;
	int n = 1;

	if (max > 0)
		ids[0] = bsp;
	for (; p + 2 <= end && p[1] >= 2; p += p[1]) {
		if (p[0] != 0 || p[1] < 8)	/* processor local APIC */
			continue;
		id = p[3];
		if ((p[4] & 1) == 0 || id == bsp)
			continue;
		if (n < max)
			ids[n] = id;
		n++;
	}
	return (n);
}

/*
 * The number of enabled CPUs the MADT lists (1 without ACPI), with the
 * APIC IDs of the first max of them in ids[], the boot CPU first.
 */
int
madt_find_cpus(u_int *ids, int max)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_header *sdt, *t;
	int i, n, wide;
	uint64_t pa;
	uint32_t pa32;

	if (max > 0)
		ids[0] = lapic_id();
	if (boot_rsdp_paddr == 0)
		return (1);
	rsdp = (const struct acpi_rsdp *)PHYS_TO_DMAP(boot_rsdp_paddr);
	if (memcmp(rsdp->sig, "RSD PTR ", 8) != 0)
		return (1);
	wide = rsdp->revision >= 2 && rsdp->xsdt != 0;
	sdt = (const struct acpi_header *)PHYS_TO_DMAP(wide ? rsdp->xsdt :
	    rsdp->rsdt);
	n = (sdt->length - sizeof(*sdt)) / (wide ? 8 : 4);
	for (i = 0; i < n; i++) {
		if (wide)
			memcpy(&pa, (const char *)(sdt + 1) + 8 * i, 8);
		else {
			memcpy(&pa32, (const char *)(sdt + 1) + 4 * i, 4);
			pa = pa32;
		}
		t = (const struct acpi_header *)PHYS_TO_DMAP(pa);
		if (memcmp(t->sig, "APIC", 4) == 0)
			return (madt_parse(t, ids, max));
	}
	return (1);
}
