/*
 * Context switch.  cpu_switch(&old->td_switchrsp, new->td_switchrsp)
 * saves the callee-saved registers on the old thread's stack, records its
 * stack pointer, and resumes the new thread where it last called
 * cpu_switch.  A new thread's stack is prepared (kern_thread.c) so that
 * the first "ret" lands in fork_trampoline with the function in %r12 and
 * its argument in %r13.  Called with sched_lock held and interrupts off.
 */
	.text
	.globl	cpu_switch
	.p2align 4
cpu_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.globl	fork_trampoline
	.p2align 4
fork_trampoline:
	xorl	%ebp, %ebp		/* end of the frame chain */
	movq	%r12, %rdi
	movq	%r13, %rsi
	call	fork_exit
	ud2
