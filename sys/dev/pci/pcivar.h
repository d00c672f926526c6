/*
 * The PCI bus, reduced: no newbus.  pci.c scans configuration space once
 * at boot (SI_SUB_CONFIGURE, SI_ORDER_FIRST) and keeps one struct
 * pci_device per function found; drivers (SYSINITs at SI_SUB_CONFIGURE,
 * SI_ORDER_MIDDLE) walk the list with pci_find_device() and claim a
 * device by setting pd_driver.  Configuration access is mechanism #1
 * (ports 0xcf8/0xcfc) under a spin lock.
 *
 * Interrupts are MSI-X only (the kernel has no IOAPIC driver): the driver
 * asks pci_msix_alloc() for one table entry at a time; each gets its own
 * IDT vector (intr_alloc_vector()) aimed at the boot CPU's local APIC, and
 * a handler(arg) that runs in interrupt context with interrupts disabled:
 * it must not sleep or take a sleep mutex.  pci.c sends the EOI and counts
 * every interrupt (pci_intr_count(); the shell's "show intrcnt" lists
 * them, named "irq<vector>: <driver><unit>:<queue>").
 */
#ifndef _DEV_PCI_PCIVAR_H_
#define	_DEV_PCI_PCIVAR_H_

#include <sys/types.h>
#include <sys/queue.h>

typedef void pci_intr_t(void *arg);

struct pci_bar {
	vm_paddr_t	pb_base;	/* 0: not implemented */
	vm_size_t	pb_size;
	int		pb_io;		/* I/O ports, not memory */
	vm_offset_t	pb_va;		/* memory BARs: mapped by pci_bar_map */
};

struct pci_device {
	uint8_t		pd_bus, pd_slot, pd_func;
	uint8_t		pd_class, pd_subclass, pd_progif, pd_revid;
	uint16_t	pd_vendor, pd_device;
	uint16_t	pd_subvendor, pd_subdevice;
	struct pci_bar	pd_bar[6];
	const char	*pd_driver;	/* the claiming driver, or NULL */
	int		pd_unit;	/* its unit number */
	int		pd_msix_cap;	/* capability offset, 0: none */
	u_int		pd_msix_count;	/* table entries */
	STAILQ_ENTRY(pci_device) pd_link;
};

uint32_t pci_read_config(struct pci_device *dev, int reg, int width);
void	pci_write_config(struct pci_device *dev, int reg, uint32_t val,
	    int width);
/* The next unclaimed device after prev (NULL: from the start), or NULL. */
struct pci_device *pci_find_device(uint16_t vendor, uint16_t device,
	    struct pci_device *prev);
void	pci_enable_busmaster(struct pci_device *dev);
/* Offset of the first capability cap after start (0: from the list head). */
int	pci_find_cap(struct pci_device *dev, int cap, int start, int *capreg);
/* A memory BAR's kernel VA (mapped once, uncached use), or 0 if none. */
vm_offset_t pci_bar_map(struct pci_device *dev, int bar);

/* MSI-X entry index -> handler(arg) on a new vector; 0 or an errno. */
int	pci_msix_alloc(struct pci_device *dev, u_int index, pci_intr_t *h,
	    void *arg, const char *name);
void	pci_msix_enable(struct pci_device *dev);
/* Interrupts taken so far by the entry index of dev (0 if none). */
uint64_t pci_intr_count(struct pci_device *dev, u_int index);

/* Every device vector: out(arg, "irqN: driverU:queue", count). */
void	pci_intr_list(void (*out)(void *, const char *, uint64_t), void *arg);

/*
 * pciconf -l's lines for every function (unclaimed ones as none<n>),
 * each handed to out(arg, line) without its newline.
 */
void	pci_list(void (*out)(void *, const char *), void *arg);

#endif /* !_DEV_PCI_PCIVAR_H_ */
