/*
 * GDT layout and IDT vector assignments.
 */
#ifndef _MACHINE_SEGMENTS_H_
#define	_MACHINE_SEGMENTS_H_

/* GDT slots: code at 0x20 and data at 0x28, as FreeBSD/amd64 prints them. */
#define	GNULL_SEL	0
#define	GCODE_SEL	4
#define	GDATA_SEL	5
#define	GPROC0_SEL	6	/* first TSS; two slots per CPU */
#define	NGDT(ncpu)	(GPROC0_SEL + 2 * (ncpu))
#define	GSEL(s)		((s) << 3)

/* Interrupt stack table slots. */
#define	IST_DBLFAULT	1
#define	IST_NMI		2

/* IDT vectors beyond the CPU exceptions. */
#define	IDT_NMI		2
#define	IDT_DF		8
#define	IDT_PF		14
/* Device interrupts (MSI-X) get vectors from intr_alloc_vector(). */
#define	IDT_DEV_BASE	0x30
#define	IDT_DEV_LAST	0xef
#define	IDT_IPI_BASE	0xf0	/* IPIs use 0xf0 .. 0xfd */
#define	IDT_TIMER	0xfe	/* LAPIC timer */
#define	IDT_SPURIOUS	0xff

#define	NIDT		256

#endif /* !_MACHINE_SEGMENTS_H_ */
