/*
 * ACPI: the CPUs the firmware lists in the MADT (found through the RSDP
 * machdep.c copied at boot: RSDT on pc/q35, XSDT when the RSDP has one).
 * Both the SMP start-up (mp_machdep.c) and the uniprocessor kernel
 * (up_machdep.c, which only counts them) ask here.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
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
 * The MADT found through the RSDP, or NULL (no ACPI, or no MADT).
 */
static const struct acpi_header *
madt_lookup(void)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_header *sdt, *t;
	int i, n, wide;
	uint64_t pa;
	uint32_t pa32;

	if (boot_rsdp_paddr == 0)
		return (NULL);
	rsdp = (const struct acpi_rsdp *)PHYS_TO_DMAP(boot_rsdp_paddr);
	if (memcmp(rsdp->sig, "RSD PTR ", 8) != 0)
		return (NULL);
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
			return (t);
	}
	return (NULL);
}

/*
 * A copy of the MADT, taken before the page layer starts (SI_SUB_VM): the
 * tables lie in RAM the firmware reserves in its own memory map, but when
 * the kernel had to take the map from fw_cfg (machdep.c: a damaged PVH
 * start info) that RAM looks free, and the page array, which is taken from
 * the top of memory, would overwrite them before the APs are started.
 */
static union {
	struct acpi_header	hdr;
	uint8_t			bytes[4096];
} madt_copy;
static int	madt_copied;

static void
madt_save(void *dummy __unused)
{
	const struct acpi_header *t;

	t = madt_lookup();
	if (t == NULL)
		return;
	if (t->length > sizeof(madt_copy) || t->length < sizeof(*t) + 8) {
		printf("madt: table of %u bytes ignored (max %zu)\n",
		    t->length, sizeof(madt_copy));
		return;
	}
	memcpy(madt_copy.bytes, t, t->length);
	madt_copied = 1;
}
SYSINIT(madt, SI_SUB_COPYRIGHT, SI_ORDER_ANY, madt_save, NULL);

/*
 * The number of enabled CPUs the MADT lists (1 without ACPI), with the
 * APIC IDs of the first max of them in ids[], the boot CPU first.
 */
int
madt_find_cpus(u_int *ids, int max)
{

	if (!madt_copied) {
		if (max > 0)
			ids[0] = lapic_id();
		return (1);
	}
	return (madt_parse(&madt_copy.hdr, ids, max));
}
