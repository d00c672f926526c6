/*
 * Compiler glue: attributes and helpers used throughout the kernel.
 */
#ifndef _SYS_CDEFS_H_
#define	_SYS_CDEFS_H_

#define	__packed		__attribute__((__packed__))
#define	__aligned(x)		__attribute__((__aligned__(x)))
#define	__section(x)		__attribute__((__section__(x)))
#define	__used			__attribute__((__used__))
#define	__unused		__attribute__((__unused__))
#define	__dead2			__attribute__((__noreturn__))
#define	__noinline		__attribute__((__noinline__))
#define	__always_inline		__attribute__((__always_inline__))
#define	__weak_symbol		__attribute__((__weak__))
#define	__printflike(f, a)	__attribute__((__format__(__printf__, f, a)))
#define	__predict_true(e)	__builtin_expect(!!(e), 1)
#define	__predict_false(e)	__builtin_expect(!!(e), 0)
#define	__containerof(p, s, m)	((s *)(void *)((char *)(p) - __offsetof(s, m)))
#define	__offsetof(t, m)	__builtin_offsetof(t, m)
#define	__DEVOLATILE(t, v)	((t)(unsigned long)(volatile void *)(v))
#define	__DECONST(t, v)		((t)(unsigned long)(const void *)(v))
#define	__CONCAT1(x, y)		x ## y
#define	__CONCAT(x, y)		__CONCAT1(x, y)
#define	__STRING(x)		#x
#define	__XSTRING(x)		__STRING(x)
#define	__compiler_membar()	__asm__ __volatile__("" : : : "memory")
#define	__nitems(a)		(sizeof(a) / sizeof((a)[0]))

#endif /* !_SYS_CDEFS_H_ */
