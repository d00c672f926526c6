/*
 * The AP trampoline, copied to physical MP_TRAMP (0x8000) and entered in
 * real mode by the STARTUP IPI with CS = 0x0800.  It switches to protected
 * mode and then long mode on a temporary page table (the kernel's, plus an
 * identity map of low memory), loads the stack the BSP left in
 * mptramp_stack and jumps to mptramp_entry (init_secondary).  The data
 * words at the end are filled in by the BSP before each start.
 */
#define	MP_TRAMP	0x8000
#define	ABS(x)		(MP_TRAMP + ((x) - mptramp_start))

	.data
	.p2align 12
	.globl	mptramp_start
mptramp_start:
	.code16
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	mptramp_gdtdesc - mptramp_start
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $ABS(mptramp_pm)

	.code32
mptramp_pm:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$0xa0, %eax		/* PAE, PGE */
	movl	%eax, %cr4
	movl	ABS(mptramp_cr3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	rdmsr
	orl	$0x900, %eax		/* LME, NXE */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000001, %eax
	movl	%eax, %cr0
	ljmp	$0x18, $ABS(mptramp_lm)

	.code64
mptramp_lm:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movq	ABS(mptramp_stack), %rsp
	xorl	%ebp, %ebp
	pushq	$0
	movq	ABS(mptramp_entry), %rax
	jmp	*%rax

	.p2align 3
mptramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
mptramp_gdtdesc:
	.word	mptramp_gdtdesc - mptramp_gdt - 1
	.long	ABS(mptramp_gdt)
	.p2align 3
	.globl	mptramp_cr3, mptramp_stack, mptramp_entry
mptramp_cr3:	.quad	0
mptramp_stack:	.quad	0
mptramp_entry:	.quad	0
	.globl	mptramp_end
mptramp_end:
