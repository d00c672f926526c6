/*
 * PVH entry.  QEMU's -kernel finds the XEN_ELFNOTE_PHYS32_ENTRY note and
 * jumps to pvh_start in 32-bit protected mode with paging off and %ebx
 * pointing at struct hvm_start_info.  We build boot page tables that map
 * the first 1 GiB both at 0 (identity, to survive turning paging on) and at
 * KERNBASE, enter long mode, and call hammer_time() on the boot stack.
 * pmap_bootstrap() later replaces these tables with the real ones, which
 * have no identity map.
 */
#include <machine/segments.h>

#define	KERNBASE	0xffffffff80000000
#define	PG_V		0x001
#define	PG_RW		0x002
#define	PG_PS		0x080
#define	CR0_PE		0x00000001
#define	CR0_PG		0x80000000
#define	CR4_PAE		0x00000020
#define	EFER_LME	0x00000100
#define	EFER_NXE	0x00000800

	.section .note.Xen, "a", @note
	.p2align 2
	.long	4			/* name size */
	.long	4			/* descriptor size */
	.long	18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	pvh_start

	.section .boot.text, "ax", @progbits
	.code32
	.globl	pvh_start
pvh_start:
	cli
	cld
	movl	%ebx, boot_start_info
	movl	$boot_stack32_top, %esp

	/* PD: 512 x 2 MiB identity pages covering 0 .. 1 GiB. */
	movl	$boot_pd, %edi
	xorl	%eax, %eax
	movl	$512, %ecx
1:	movl	%eax, %edx
	orl	$(PG_V | PG_RW | PG_PS), %edx
	movl	%edx, (%edi)
	movl	$0, 4(%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	1b

	/* PDPT low[0] and PDPT high[510] both point at the PD. */
	movl	$boot_pd, %eax
	orl	$(PG_V | PG_RW), %eax
	movl	%eax, boot_pdpt_lo
	movl	%eax, boot_pdpt_hi + 510 * 8
	/* PML4[0] -> low PDPT, PML4[511] -> high PDPT. */
	movl	$boot_pdpt_lo, %eax
	orl	$(PG_V | PG_RW), %eax
	movl	%eax, boot_pml4
	movl	$boot_pdpt_hi, %eax
	orl	$(PG_V | PG_RW), %eax
	movl	%eax, boot_pml4 + 511 * 8

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_PG), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_desc
	ljmp	$GSEL(GCODE_SEL), $boot_long

	.code64
boot_long:
	movl	$GSEL(GDATA_SEL), %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movabsq	$btext64, %rax
	jmp	*%rax

	.section .boot.data, "aw", @progbits
	.p2align 3
	.globl	boot_start_info
boot_start_info:
	.long	0
	.long	0
	.p2align 3
boot_gdt:
	.quad	0			/* 0: null */
	.quad	0
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x20: 64-bit kernel code */
	.quad	0x00cf92000000ffff	/* 0x28: kernel data */
boot_gdt_end:
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
	.p2align 4
	.space	1024
boot_stack32_top:

	.section .boot.pagetables, "aw", @progbits
	.p2align 12
	.globl	boot_pml4
boot_pml4:	.space	4096
boot_pdpt_lo:	.space	4096
boot_pdpt_hi:	.space	4096
boot_pd:	.space	4096

	.text
	.code64
btext64:
	movabsq	$bootstack_top, %rsp
	xorl	%ebp, %ebp
	pushq	$0			/* terminate backtraces */
	movl	boot_start_info, %edi
	call	hammer_time
2:	cli
	hlt
	jmp	2b

	.bss
	.p2align 12
	.globl	bootstack
bootstack:
	.space	4 * 4096
	.globl	bootstack_top
bootstack_top:
