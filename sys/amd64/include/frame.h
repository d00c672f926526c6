/*
 * The trap frame built by the exception stubs in exception.S: the general
 * registers pushed by software, then the vector and error code, then what
 * the CPU pushed.
 */
#ifndef _MACHINE_FRAME_H_
#define	_MACHINE_FRAME_H_

#include <sys/types.h>

struct trapframe {
	uint64_t	tf_rdi;
	uint64_t	tf_rsi;
	uint64_t	tf_rdx;
	uint64_t	tf_rcx;
	uint64_t	tf_r8;
	uint64_t	tf_r9;
	uint64_t	tf_rax;
	uint64_t	tf_rbx;
	uint64_t	tf_rbp;
	uint64_t	tf_r10;
	uint64_t	tf_r11;
	uint64_t	tf_r12;
	uint64_t	tf_r13;
	uint64_t	tf_r14;
	uint64_t	tf_r15;
	uint64_t	tf_trapno;
	uint64_t	tf_err;
	/* Pushed by the CPU. */
	uint64_t	tf_rip;
	uint64_t	tf_cs;
	uint64_t	tf_rflags;
	uint64_t	tf_rsp;
	uint64_t	tf_ss;
};

#endif /* !_MACHINE_FRAME_H_ */
