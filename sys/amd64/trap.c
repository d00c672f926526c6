/*
 * Trap dispatch.  Vectors 32 and up go to the handler registered for them
 * (timer, IPIs).  A CPU exception in the kernel is fatal unless a hook
 * claims it: the report follows FreeBSD's "Fatal trap" format, then panics.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <machine/segments.h>
#include <vm/vm_fault.h>

static intr_handler_t	*intr_handlers[NIDT];
pf_hook_t		*trap_pfault_hook;

/* FreeBSD's trap numbers (T_*) and messages, by x86 vector. */
static const struct {
	int		code;
	const char	*msg;
} trap_info[32] = {
	[0] = { 18, "integer divide fault" },
	[1] = { 10, "trace trap" },
	[2] = { 19, "non-maskable interrupt trap" },
	[3] = { 3, "breakpoint instruction fault" },
	[4] = { 20, "overflow trap" },
	[5] = { 21, "FPU bounds check fault" },
	[6] = { 1, "privileged instruction fault" },
	[7] = { 22, "FPU device not available" },
	[8] = { 23, "double fault" },
	[9] = { 24, "FPU operand fetch fault" },
	[10] = { 25, "invalid TSS fault" },
	[11] = { 26, "segment not present fault" },
	[12] = { 27, "stack fault" },
	[13] = { 9, "general protection fault" },
	[14] = { 12, "page fault" },
	[16] = { 6, "arithmetic trap" },
	[17] = { 14, "alignment fault" },
	[18] = { 28, "machine check trap" },
	[19] = { 29, "SIMD floating-point exception" },
};

void	trap(struct trapframe *);

void
intr_register(int vec, intr_handler_t *h)
{
	KASSERT(vec >= 32 && vec < NIDT, ("intr_register: vector %d", vec));
	intr_handlers[vec] = h;
}

int
intr_alloc_vector(intr_handler_t *h)
{
	int vec;

	for (vec = IDT_DEV_BASE; vec <= IDT_DEV_LAST; vec++)
		if (atomic_cmpset_ptr((volatile uintptr_t *)&intr_handlers[vec],
		    0, (uintptr_t)h))
			return (vec);
	return (0);
}

static void
trap_fatal(struct trapframe *tf, vm_offset_t eva)
{
	struct thread *td = curthread;
	const char *msg;
	int code;

	code = tf->tf_trapno < 32 ? trap_info[tf->tf_trapno].code : 30;
	msg = tf->tf_trapno < 32 ? trap_info[tf->tf_trapno].msg : NULL;
	if (msg == NULL)
		msg = "reserved (unknown) fault";
	printf("\n\nFatal trap %d: %s while in kernel mode\n", code, msg);
	printf("cpuid = %u; apic id = %02x\n", PCPU_GET(cpuid),
	    PCPU_GET(apic_id));
	if (tf->tf_trapno == IDT_PF) {
		printf("fault virtual address\t= 0x%lx\n", eva);
		printf("fault code\t\t= %s %s %s, %s\n",
		    "supervisor",
		    (tf->tf_err & 0x2) ? "write" : "read",
		    (tf->tf_err & 0x10) ? "instruction" : "data",
		    (tf->tf_err & 0x1) ? "protection violation" :
		    "page not present");
	}
	printf("instruction pointer\t= 0x%lx:0x%lx\n", tf->tf_cs, tf->tf_rip);
	printf("stack pointer\t        = 0x%lx:0x%lx\n", tf->tf_ss, tf->tf_rsp);
	printf("frame pointer\t        = 0x%lx:0x%lx\n", tf->tf_ss, tf->tf_rbp);
	printf("processor eflags\t= %s%sIOPL = %lu\n",
	    (tf->tf_rflags & 0x200) ? "interrupt enabled, " : "",
	    (tf->tf_rflags & 0x10000) ? "resume, " : "",
	    (tf->tf_rflags >> 12) & 3);
	printf("current process\t\t= 0 (%s)\n",
	    td != NULL ? td->td_name : "?");
	printf("current thread\t\t= %d (%s)\n", td != NULL ? td->td_tid : -1,
	    td != NULL ? td->td_name : "?");
	printf("trap number\t\t= %d\n", code);
	panic("%s", msg);
}

void
trap(struct trapframe *tf)
{
	vm_offset_t eva = 0;
	intr_handler_t *h;
	struct thread *td;

	/* Woken from cpu_idle(): the TLB first (mp_machdep.c). */
	if (PCPU_GET(idle) != 0)
		cpu_idle_exit();
	if (tf->tf_trapno >= 32) {
		h = intr_handlers[tf->tf_trapno];
		PCPU_GET(self)->pc_cnt_intr++;
		if (h != NULL)
			h(tf);
		/* Preempt on the way out, unless in a critical section. */
		td = curthread;
		if (td->td_owepreempt && td->td_critnest == 0 && !cold &&
		    panicstr == NULL)
			sched_preempt();
		return;
	}
	if (tf->tf_trapno == IDT_NMI && cpu_stopping_nmi()) {
		/* Stopped by the panicking CPU. */
		for (;;)
			halt();
	}
	if (tf->tf_trapno == IDT_PF) {
		eva = rcr2();
		if (vm_fault_trap(tf, eva))
			return;
		if (trap_pfault_hook != NULL && trap_pfault_hook(tf, eva))
			return;
	}
	trap_fatal(tf, eva);
}
