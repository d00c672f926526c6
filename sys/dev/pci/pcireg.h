/*
 * PCI configuration space registers (FreeBSD's pcireg.h names, just the
 * ones the kernel uses: the type 0 header, the capability list, MSI-X).
 */
#ifndef _DEV_PCI_PCIREG_H_
#define	_DEV_PCI_PCIREG_H_

#define	PCIR_VENDOR		0x00
#define	PCIR_DEVICE		0x02
#define	PCIR_COMMAND		0x04
#define	PCIM_CMD_PORTEN		0x0001
#define	PCIM_CMD_MEMEN		0x0002
#define	PCIM_CMD_BUSMASTEREN	0x0004
#define	PCIM_CMD_INTxDIS	0x0400
#define	PCIR_STATUS		0x06
#define	PCIM_STATUS_CAPPRESENT	0x0010
#define	PCIR_REVID		0x08
#define	PCIR_PROGIF		0x09
#define	PCIR_SUBCLASS		0x0a
#define	PCIR_CLASS		0x0b
#define	PCIR_HDRTYPE		0x0e
#define	PCIM_HDRTYPE		0x7f
#define	PCIM_MFDEV		0x80
#define	PCIR_BAR(x)		(0x10 + (x) * 4)
#define	PCIM_BAR_SPACE		0x01	/* 1: I/O ports */
#define	PCIM_BAR_MEM_TYPE	0x06
#define	PCIM_BAR_MEM_64		0x04
#define	PCIR_SUBVEND_0		0x2c
#define	PCIR_SUBDEV_0		0x2e
#define	PCIR_CAP_PTR		0x34
#define	PCIR_INTLINE		0x3c
#define	PCIR_SECBUS_1		0x19	/* bridge (header type 1) */

#define	PCIV_INVALID		0xffff
#define	PCI_MAXBARS		6

/* Capabilities. */
#define	PCICAP_ID		0x0
#define	PCICAP_NEXTPTR		0x1
#define	PCIY_VENDOR		0x09
#define	PCIY_MSIX		0x11

/* MSI-X capability and table. */
#define	PCIR_MSIX_CTRL		0x2
#define	PCIM_MSIXCTRL_MSIX_ENABLE	0x8000
#define	PCIM_MSIXCTRL_FUNCTION_MASK	0x4000
#define	PCIM_MSIXCTRL_TABLE_SIZE	0x07ff
#define	PCIR_MSIX_TABLE		0x4
#define	PCIM_MSIX_BIR_MASK	0x7
#define	PCI_MSIX_ENTRY_SIZE	16
#define	PCI_MSIX_ENTRY_LOWER_ADDR	0x0
#define	PCI_MSIX_ENTRY_UPPER_ADDR	0x4
#define	PCI_MSIX_ENTRY_DATA	0x8
#define	PCI_MSIX_ENTRY_VECTOR_CONTROL	0xc
#define	PCIM_MSIX_VCTRL_MASK	0x1

/* The x86 MSI message: address 0xfee00000 | destination APIC ID << 12. */
#define	MSI_INTEL_ADDR_BASE	0xfee00000UL

#endif /* !_DEV_PCI_PCIREG_H_ */
