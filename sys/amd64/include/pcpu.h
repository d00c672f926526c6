/*
 * amd64 per-CPU data access: %gs points at the CPU's struct pcpu, whose
 * first member points at itself.
 */
#ifndef _MACHINE_PCPU_H_
#define	_MACHINE_PCPU_H_

struct amd64tss;
struct user_segment_descriptor;

#define	PCPU_MD_FIELDS							\
	u_int	pc_apic_id;						\
	u_int	pc_acpi_id;						\
	struct amd64tss *pc_tss;					\
	uint64_t pc_rsp0;						\
	vm_offset_t pc_dblfault_stack;					\
	vm_offset_t pc_nmi_stack;					\
	volatile u_int pc_ipi_pending;	/* bitmask of pending IPI kinds */ \
	volatile u_int pc_idle;		/* CPU_IDLE_*: in cpu_idle() */	\
	uint64_t pc_lapic_timer_count

/*
 * pc_idle (mp_machdep.c): set by the CPU itself in cpu_idle() before it
 * halts, cleared by cpu_idle_exit() when it wakes.
 */
#define	CPU_IDLE_HALTED		0x1	/* halted: shootdowns are deferred */
#define	CPU_IDLE_TLB_STALE	0x2	/* one was: flush the TLB on waking */
#define	CPU_IDLE_NOTICK		0x4	/* timer stopped: restart on waking */

#define	__PCPU_OFFSET(name)	__offsetof(struct pcpu, pc_##name)
#define	__PCPU_TYPE(name)	__typeof__(((struct pcpu *)0)->pc_##name)

#define	PCPU_GET(name) __extension__ ({					\
	__PCPU_TYPE(name) __res;					\
	__asm__ __volatile__("mov %%gs:%c1, %0"				\
	    : "=r"(__res) : "i"(__PCPU_OFFSET(name)));			\
	__res;								\
})

#define	PCPU_SET(name, val) do {					\
	__PCPU_TYPE(name) __val = (val);				\
	__asm__ __volatile__("mov %0, %%gs:%c1"				\
	    : : "r"(__val), "i"(__PCPU_OFFSET(name)) : "memory");	\
} while (0)

#define	PCPU_PTR(name)	(&PCPU_GET(self)->pc_##name)

#define	curthread	(PCPU_GET(curthread))
#define	curcpu		(PCPU_GET(cpuid))

/*
 * For the allocator's inline fast paths.  curcpu_index() is curcpu
 * already zero-extended by its load, ready to index a per-CPU array.
 * curthread_fixed() is curthread for a running thread, whose value never
 * changes under it: the load is not volatile, so the compiler may share
 * one load among several fast paths (and hoist it out of a loop).  Not
 * for code that sets %gs or switches threads.
 */
#define	curcpu_index() __extension__ ({					\
	u_long __res;							\
	__asm__ __volatile__("movl %%gs:%c1, %k0"			\
	    : "=r"(__res) : "i"(__PCPU_OFFSET(cpuid)));			\
	__res;								\
})

#define	curthread_fixed() __extension__ ({				\
	struct thread *__res;						\
	__asm__("movq %%gs:%c1, %0"					\
	    : "=r"(__res) : "i"(__PCPU_OFFSET(curthread)));		\
	__res;								\
})

#endif /* !_MACHINE_PCPU_H_ */
