/*
 * The PCI bus (pcivar.h): configuration access, the boot-time scan, BARs,
 * the capability list and MSI-X.
 *
 * 1. Configuration mechanism #1: the address (enable bit, bus, slot,
 *    function, dword) goes to port 0xcf8 and the dword is read or written
 *    at 0xcfc + (reg & 3).  The pair of port accesses is one transaction
 *    under pci_cfg_mtx (a spin mutex: drivers may touch config space from
 *    any context).
 * 2. The scan (pci_scan, SI_SUB_CONFIGURE, SI_ORDER_FIRST) walks bus 0
 *    and every bus behind a PCI-PCI bridge, records vendor, device,
 *    class, subsystem IDs and the BARs (sized by writing all ones with
 *    decoding off, as the PCI spec says) and the MSI-X capability.  The
 *    firmware (SeaBIOS under QEMU) has already assigned addresses; we keep
 *    them.  Devices come from M_DEVBUF and are never freed.
 * 3. Memory BARs are reached through the direct map, which covers the
 *    whole 32-bit space; a BAR above 4 GiB is mapped into kernel_map page
 *    by page.
 * 4. MSI-X: each table entry a driver asks for gets a vector of its own in
 *    IDT_DEV_BASE..IDT_DEV_LAST, a message to the boot CPU's local APIC
 *    (fixed delivery, edge), and a slot in pci_intrs[], which the common
 *    entry pci_intr() uses to call the handler, count and send the EOI.
 *    The vector numbers sit below the IPIs and the timer (segments.h), so
 *    a device never blocks them by priority.
 *
 * Observability: hw.pci.devices lists what the scan found; the per-entry
 * interrupt counts are read with pci_intr_count() and shown by drivers
 * under dev.<driver>.<unit>.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/sysctl.h>
#include <machine/apicvar.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <machine/segments.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <dev/pci/pcireg.h>
#include <dev/pci/pcivar.h>

#define	PCI_CONF_ADDR	0xcf8
#define	PCI_CONF_DATA	0xcfc
#define	PCI_MAXBUS	256
#define	PCI_MAXSLOT	32
#define	PCI_MAXFUNC	8

static STAILQ_HEAD(, pci_device) pci_devices =
    STAILQ_HEAD_INITIALIZER(pci_devices);
static struct mtx	pci_cfg_mtx;
MTX_SYSINIT(pci_cfg, &pci_cfg_mtx, "pci config", MTX_SPIN);

/* One slot per device vector. */
static struct pci_intr {
	pci_intr_t		*pi_handler;
	void			*pi_arg;
	struct pci_device	*pi_dev;
	u_int			pi_index;
	uint64_t		pi_count;
	const char		*pi_name;
} pci_intrs[IDT_DEV_LAST - IDT_DEV_BASE + 1];

static __inline uint32_t
pci_inl(u_int port)
{
	uint32_t v;

	__asm__ __volatile__("inl %w1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static __inline uint16_t
pci_inw(u_int port)
{
	uint16_t v;

	__asm__ __volatile__("inw %w1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static void
pci_cfg_addr(int bus, int slot, int func, int reg)
{
	outl(PCI_CONF_ADDR, 0x80000000U | bus << 16 | slot << 11 | func << 8 |
	    (reg & 0xfc));
}

static uint32_t
pci_cfgread(int bus, int slot, int func, int reg, int width)
{
	u_int port = PCI_CONF_DATA + (reg & 3);
	uint32_t v;

	mtx_lock_spin(&pci_cfg_mtx);
	pci_cfg_addr(bus, slot, func, reg);
	switch (width) {
	case 1:
		v = inb(port);
		break;
	case 2:
		v = pci_inw(port);
		break;
	default:
		v = pci_inl(PCI_CONF_DATA);
		break;
	}
	mtx_unlock_spin(&pci_cfg_mtx);
	return (v);
}

static void
pci_cfgwrite(int bus, int slot, int func, int reg, uint32_t v, int width)
{
	u_int port = PCI_CONF_DATA + (reg & 3);

	mtx_lock_spin(&pci_cfg_mtx);
	pci_cfg_addr(bus, slot, func, reg);
	switch (width) {
	case 1:
		outb(port, (uint8_t)v);
		break;
	case 2:
		outw(port, (uint16_t)v);
		break;
	default:
		outl(PCI_CONF_DATA, v);
		break;
	}
	mtx_unlock_spin(&pci_cfg_mtx);
}

uint32_t
pci_read_config(struct pci_device *dev, int reg, int width)
{
	return (pci_cfgread(dev->pd_bus, dev->pd_slot, dev->pd_func, reg,
	    width));
}

void
pci_write_config(struct pci_device *dev, int reg, uint32_t val, int width)
{
	pci_cfgwrite(dev->pd_bus, dev->pd_slot, dev->pd_func, reg, val, width);
}

/* Base and size of BAR i (and i + 1 for a 64-bit one); returns BARs used. */
static int
pci_read_bar(struct pci_device *dev, int i)
{
	struct pci_bar *b = &dev->pd_bar[i];
	uint32_t lo, hi, szlo, szhi;
	uint64_t mask;
	int is64;

	lo = pci_read_config(dev, PCIR_BAR(i), 4);
	pci_write_config(dev, PCIR_BAR(i), 0xffffffff, 4);
	szlo = pci_read_config(dev, PCIR_BAR(i), 4);
	pci_write_config(dev, PCIR_BAR(i), lo, 4);
	if ((lo & PCIM_BAR_SPACE) != 0) {
		b->pb_io = 1;
		b->pb_base = lo & ~0x3U;
		mask = szlo & ~0x3U & 0xffff;
		b->pb_size = mask != 0 ? (~mask & 0xffff) + 1 : 0;
		return (1);
	}
	is64 = (lo & PCIM_BAR_MEM_TYPE) == PCIM_BAR_MEM_64 && i + 1 < 6;
	hi = szhi = 0;
	if (is64) {
		hi = pci_read_config(dev, PCIR_BAR(i + 1), 4);
		pci_write_config(dev, PCIR_BAR(i + 1), 0xffffffff, 4);
		szhi = pci_read_config(dev, PCIR_BAR(i + 1), 4);
		pci_write_config(dev, PCIR_BAR(i + 1), hi, 4);
	} else
		szhi = 0xffffffff;
	mask = ((uint64_t)szhi << 32 | (szlo & ~0xfU));
	b->pb_base = ((uint64_t)hi << 32 | (lo & ~0xfU));
	b->pb_size = (szlo & ~0xfU) != 0 ? ~mask + 1 : 0;
	if (b->pb_size == 0)
		b->pb_base = 0;
	return (is64 ? 2 : 1);
}

static void
pci_add_device(int bus, int slot, int func)
{
	struct pci_device *dev;
	uint16_t cmd;
	int i, cap;

	dev = malloc(sizeof(*dev), M_DEVBUF, M_WAITOK | M_ZERO);
	dev->pd_bus = bus;
	dev->pd_slot = slot;
	dev->pd_func = func;
	dev->pd_vendor = pci_read_config(dev, PCIR_VENDOR, 2);
	dev->pd_device = pci_read_config(dev, PCIR_DEVICE, 2);
	dev->pd_revid = pci_read_config(dev, PCIR_REVID, 1);
	dev->pd_progif = pci_read_config(dev, PCIR_PROGIF, 1);
	dev->pd_subclass = pci_read_config(dev, PCIR_SUBCLASS, 1);
	dev->pd_class = pci_read_config(dev, PCIR_CLASS, 1);
	if ((pci_read_config(dev, PCIR_HDRTYPE, 1) & PCIM_HDRTYPE) == 0) {
		dev->pd_subvendor = pci_read_config(dev, PCIR_SUBVEND_0, 2);
		dev->pd_subdevice = pci_read_config(dev, PCIR_SUBDEV_0, 2);
		/* Size the BARs with decoding off. */
		cmd = pci_read_config(dev, PCIR_COMMAND, 2);
		pci_write_config(dev, PCIR_COMMAND, cmd &
		    ~(PCIM_CMD_PORTEN | PCIM_CMD_MEMEN), 2);
		for (i = 0; i < PCI_MAXBARS; )
			i += pci_read_bar(dev, i);
		pci_write_config(dev, PCIR_COMMAND, cmd, 2);
		if (pci_find_cap(dev, PCIY_MSIX, 0, &cap) == 0) {
			dev->pd_msix_cap = cap;
			dev->pd_msix_count = (pci_read_config(dev,
			    cap + PCIR_MSIX_CTRL, 2) &
			    PCIM_MSIXCTRL_TABLE_SIZE) + 1;
		}
	}
	STAILQ_INSERT_TAIL(&pci_devices, dev, pd_link);
	if (bootverbose)
		printf("pci%d: <%04x:%04x class %02x.%02x> at device %d.%d\n",
		    bus, dev->pd_vendor, dev->pd_device, dev->pd_class,
		    dev->pd_subclass, slot, func);
}

static void
pci_scan_bus(int bus, int depth)
{
	int slot, func, nfunc;
	uint8_t hdr;

	for (slot = 0; slot < PCI_MAXSLOT; slot++) {
		if (pci_cfgread(bus, slot, 0, PCIR_VENDOR, 2) == PCIV_INVALID)
			continue;
		hdr = pci_cfgread(bus, slot, 0, PCIR_HDRTYPE, 1);
		nfunc = (hdr & PCIM_MFDEV) != 0 ? PCI_MAXFUNC : 1;
		for (func = 0; func < nfunc; func++) {
			if (pci_cfgread(bus, slot, func, PCIR_VENDOR, 2) ==
			    PCIV_INVALID)
				continue;
			pci_add_device(bus, slot, func);
			hdr = pci_cfgread(bus, slot, func, PCIR_HDRTYPE, 1);
			if ((hdr & PCIM_HDRTYPE) == 1 && depth < 8)
				pci_scan_bus(pci_cfgread(bus, slot, func,
				    PCIR_SECBUS_1, 1), depth + 1);
		}
	}
}

static void
pci_scan(void *dummy __unused)
{
	pci_scan_bus(0, 0);
}
SYSINIT(pci_scan, SI_SUB_CONFIGURE, SI_ORDER_FIRST, pci_scan, NULL);

struct pci_device *
pci_find_device(uint16_t vendor, uint16_t device, struct pci_device *prev)
{
	struct pci_device *dev;

	dev = prev != NULL ? STAILQ_NEXT(prev, pd_link) :
	    STAILQ_FIRST(&pci_devices);
	for (; dev != NULL; dev = STAILQ_NEXT(dev, pd_link))
		if (dev->pd_vendor == vendor && dev->pd_device == device &&
		    dev->pd_driver == NULL)
			return (dev);
	return (NULL);
}

void
pci_enable_busmaster(struct pci_device *dev)
{
	uint16_t cmd;

	cmd = pci_read_config(dev, PCIR_COMMAND, 2);
	pci_write_config(dev, PCIR_COMMAND, cmd | PCIM_CMD_BUSMASTEREN |
	    PCIM_CMD_MEMEN | PCIM_CMD_PORTEN, 2);
}

int
pci_find_cap(struct pci_device *dev, int cap, int start, int *capreg)
{
	int ptr, n;

	if ((pci_read_config(dev, PCIR_STATUS, 2) &
	    PCIM_STATUS_CAPPRESENT) == 0)
		return (ENXIO);
	ptr = start == 0 ? pci_read_config(dev, PCIR_CAP_PTR, 1) :
	    pci_read_config(dev, start + PCICAP_NEXTPTR, 1);
	/* At most 48 capabilities fit in the 192 bytes after the header. */
	for (n = 0; ptr != 0 && n < 48; n++) {
		ptr &= 0xfc;
		if (pci_read_config(dev, ptr + PCICAP_ID, 1) == cap) {
			*capreg = ptr;
			return (0);
		}
		ptr = pci_read_config(dev, ptr + PCICAP_NEXTPTR, 1);
	}
	return (ENOENT);
}

vm_offset_t
pci_bar_map(struct pci_device *dev, int bar)
{
	struct pci_bar *b;
	vm_offset_t va;
	vm_size_t off;

	if (bar < 0 || bar >= PCI_MAXBARS)
		return (0);
	b = &dev->pd_bar[bar];
	if (b->pb_io || b->pb_base == 0)
		return (0);
	if (b->pb_va != 0)
		return (b->pb_va);
	if (b->pb_base + b->pb_size <= (1UL << 32)) {
		b->pb_va = PHYS_TO_DMAP(b->pb_base);
		return (b->pb_va);
	}
	va = kmem_alloc_nofault(kernel_map, round_page(b->pb_size));
	if (va == 0)
		return (0);
	for (off = 0; off < b->pb_size; off += PAGE_SIZE)
		pmap_kenter(va + off, b->pb_base + off);
	b->pb_va = va;
	return (va);
}

/* The common entry of every device vector. */
static void
pci_intr(struct trapframe *tf)
{
	struct pci_intr *pi = &pci_intrs[tf->tf_trapno - IDT_DEV_BASE];

	pi->pi_count++;
	if (pi->pi_handler != NULL)
		pi->pi_handler(pi->pi_arg);
	lapic_eoi();
}

/* The MSI-X table entry index of dev, or NULL. */
static volatile uint32_t *
pci_msix_entry(struct pci_device *dev, u_int index)
{
	uint32_t tbl;
	vm_offset_t va;

	if (dev->pd_msix_cap == 0 || index >= dev->pd_msix_count)
		return (NULL);
	tbl = pci_read_config(dev, dev->pd_msix_cap + PCIR_MSIX_TABLE, 4);
	va = pci_bar_map(dev, tbl & PCIM_MSIX_BIR_MASK);
	if (va == 0)
		return (NULL);
	return ((volatile uint32_t *)(va + (tbl & ~PCIM_MSIX_BIR_MASK) +
	    index * PCI_MSIX_ENTRY_SIZE));
}

int
pci_msix_alloc(struct pci_device *dev, u_int index, pci_intr_t *h, void *arg,
    const char *name)
{
	volatile uint32_t *ent;
	struct pci_intr *pi;
	int vec;

	if ((ent = pci_msix_entry(dev, index)) == NULL)
		return (ENXIO);
	if ((vec = intr_alloc_vector(pci_intr)) == 0)
		return (ENOSPC);
	pi = &pci_intrs[vec - IDT_DEV_BASE];
	pi->pi_dev = dev;
	pi->pi_index = index;
	pi->pi_name = name;
	pi->pi_arg = arg;
	__atomic_store_n(&pi->pi_handler, h, __ATOMIC_RELEASE);
	ent[PCI_MSIX_ENTRY_LOWER_ADDR / 4] = MSI_INTEL_ADDR_BASE |
	    pcpu_find(0)->pc_apic_id << 12;
	ent[PCI_MSIX_ENTRY_UPPER_ADDR / 4] = 0;
	ent[PCI_MSIX_ENTRY_DATA / 4] = vec;
	ent[PCI_MSIX_ENTRY_VECTOR_CONTROL / 4] &= ~PCIM_MSIX_VCTRL_MASK;
	if (bootverbose)
		printf("pci%d:%d:%d: MSI-X entry %u: vector %d (%s)\n",
		    dev->pd_bus, dev->pd_slot, dev->pd_func, index, vec, name);
	return (0);
}

/* MSI-X on, INTx off. */
void
pci_msix_enable(struct pci_device *dev)
{
	uint16_t ctl, cmd;

	cmd = pci_read_config(dev, PCIR_COMMAND, 2);
	pci_write_config(dev, PCIR_COMMAND, cmd | PCIM_CMD_INTxDIS, 2);
	ctl = pci_read_config(dev, dev->pd_msix_cap + PCIR_MSIX_CTRL, 2);
	ctl &= ~PCIM_MSIXCTRL_FUNCTION_MASK;
	pci_write_config(dev, dev->pd_msix_cap + PCIR_MSIX_CTRL,
	    ctl | PCIM_MSIXCTRL_MSIX_ENABLE, 2);
}

uint64_t
pci_intr_count(struct pci_device *dev, u_int index)
{
	u_int i;

	for (i = 0; i < nitems(pci_intrs); i++)
		if (pci_intrs[i].pi_dev == dev && pci_intrs[i].pi_index ==
		    index)
			return (pci_intrs[i].pi_count);
	return (0);
}

/* hw.pci.devices: one line per function, as pciconf -l prints it. */
static int
sysctl_pci_devices(SYSCTL_HANDLER_ARGS)
{
	struct pci_device *dev;
	char buf[1024], *p;
	size_t left;
	int n;

	p = buf;
	left = sizeof(buf);
	buf[0] = '\0';
	STAILQ_FOREACH(dev, &pci_devices, pd_link) {
		n = snprintf(p, left, "\n%s@pci0:%d:%d:%d:\tclass=0x%02x%02x%02x"
		    " rev=0x%02x hdr=0x00 vendor=0x%04x device=0x%04x"
		    " subvendor=0x%04x subdevice=0x%04x",
		    dev->pd_driver != NULL ? dev->pd_driver : "none",
		    dev->pd_bus, dev->pd_slot, dev->pd_func, dev->pd_class,
		    dev->pd_subclass, dev->pd_progif, dev->pd_revid,
		    dev->pd_vendor, dev->pd_device, dev->pd_subvendor,
		    dev->pd_subdevice);
		if (n < 0 || (size_t)n >= left)
			break;
		p += n;
		left -= n;
	}
	return (sysctl_handle_string(oidp, buf, sizeof(buf), req));
}
SYSCTL_NODE(_hw, OID_AUTO, pci, CTLFLAG_RD, 0, "PCI bus tuning");
SYSCTL_PROC(_hw_pci, OID_AUTO, devices, CTLTYPE_STRING | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_pci_devices, "A",
    "PCI functions found at boot (pciconf -l)");
