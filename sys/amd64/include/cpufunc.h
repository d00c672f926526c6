/*
 * Inline access to amd64 instructions that C cannot express.
 */
#ifndef _MACHINE_CPUFUNC_H_
#define	_MACHINE_CPUFUNC_H_

#include <sys/types.h>

static __inline void
outb(u_int port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %w1" : : "a"(v), "Nd"(port));
}

static __inline uint8_t
inb(u_int port)
{
	uint8_t v;

	__asm__ __volatile__("inb %w1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static __inline uint16_t
inw(u_int port)
{
	uint16_t v;

	__asm__ __volatile__("inw %w1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static __inline uint32_t
inl(u_int port)
{
	uint32_t v;

	__asm__ __volatile__("inl %w1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static __inline void
outw(u_int port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %w1" : : "a"(v), "Nd"(port));
}

static __inline void
outl(u_int port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %w1" : : "a"(v), "Nd"(port));
}

static __inline uint64_t
rdmsr(u_int msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (lo | ((uint64_t)hi << 32));
}

static __inline void
wrmsr(u_int msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	    "d"((uint32_t)(v >> 32)));
}

static __inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (lo | ((uint64_t)hi << 32));
}

static __inline void
disable_intr(void)
{
	__asm__ __volatile__("cli" : : : "memory");
}

static __inline void
enable_intr(void)
{
	__asm__ __volatile__("sti" : : : "memory");
}

#define	PSL_I		0x00000200	/* rflags: interrupts enabled */

static __inline uint64_t
read_rflags(void)
{
	uint64_t f;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(f));
	return (f);
}

static __inline void
write_rflags(uint64_t f)
{
	__asm__ __volatile__("pushq %0; popfq" : : "r"(f) : "memory", "cc");
}

static __inline uint64_t
intr_disable(void)
{
	uint64_t f;

	f = read_rflags();
	disable_intr();
	return (f);
}

static __inline void
intr_restore(uint64_t f)
{
	write_rflags(f);
}

static __inline void
cpu_pause(void)
{
	__asm__ __volatile__("pause");
}

static __inline void
halt(void)
{
	__asm__ __volatile__("hlt");
}

static __inline uint64_t
rcr0(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%cr0, %0" : "=r"(v));
	return (v);
}

#define	CR0_WP		0x00010000	/* supervisor writes obey PG_RW */

static __inline void
load_cr0(uint64_t v)
{
	__asm__ __volatile__("movq %0, %%cr0" : : "r"(v) : "memory");
}

static __inline uint64_t
rcr2(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%cr2, %0" : "=r"(v));
	return (v);
}

static __inline uint64_t
rcr3(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%cr3, %0" : "=r"(v));
	return (v);
}

static __inline void
load_cr3(uint64_t v)
{
	__asm__ __volatile__("movq %0, %%cr3" : : "r"(v) : "memory");
}

static __inline uint64_t
rcr4(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%cr4, %0" : "=r"(v));
	return (v);
}

static __inline void
load_cr4(uint64_t v)
{
	__asm__ __volatile__("movq %0, %%cr4" : : "r"(v));
}

static __inline void
invlpg(vm_offset_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static __inline void
invltlb(void)
{
	load_cr3(rcr3());
}

#define	CR4_PGE		0x00000080	/* global pages */

/*
 * Flush every TLB entry, global ones too: reloading %cr3 keeps the
 * entries of PG_G mappings, and every kernel_map mapping is PG_G.
 */
static __inline void
invltlb_glob(void)
{
	uint64_t cr4;

	cr4 = rcr4();
	__asm__ __volatile__("movq %0, %%cr4" : : "r"(cr4 & ~CR4_PGE) :
	    "memory");
	__asm__ __volatile__("movq %0, %%cr4" : : "r"(cr4) : "memory");
}

static __inline void
cpuid_count(u_int ax, u_int cx, u_int *p)
{
	__asm__ __volatile__("cpuid"
	    : "=a"(p[0]), "=b"(p[1]), "=c"(p[2]), "=d"(p[3])
	    : "0"(ax), "c"(cx));
}

static __inline void
lidt(void *desc)
{
	__asm__ __volatile__("lidt (%0)" : : "r"(desc));
}

static __inline void
lgdt(void *desc)
{
	__asm__ __volatile__("lgdt (%0)" : : "r"(desc));
}

static __inline void
ltr(uint16_t sel)
{
	__asm__ __volatile__("ltr %0" : : "r"(sel));
}

static __inline void
mfence(void)
{
	__asm__ __volatile__("mfence" : : : "memory");
}

static __inline vm_offset_t
read_rbp(void)
{
	vm_offset_t v;

	__asm__ __volatile__("movq %%rbp, %0" : "=r"(v));
	return (v);
}

#define	MSR_EFER	0xc0000080
#define	MSR_FSBASE	0xc0000100
#define	MSR_GSBASE	0xc0000101
#define	MSR_KGSBASE	0xc0000102
#define	MSR_APICBASE	0x01b

#endif /* !_MACHINE_CPUFUNC_H_ */
