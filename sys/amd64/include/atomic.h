/*
 * Atomic operations on amd64.  Every read-modify-write is lock-prefixed;
 * the _acq/_rel forms are plain on x86 (TSO) but keep the compiler from
 * reordering.
 */
#ifndef _MACHINE_ATOMIC_H_
#define	_MACHINE_ATOMIC_H_

#include <sys/types.h>

#define	ATOMIC_OPS(NAME, TYPE, SFX)					\
static __inline void							\
atomic_add_##NAME(volatile TYPE *p, TYPE v)				\
{									\
	__asm__ __volatile__("lock; add" SFX " %1, %0"			\
	    : "+m"(*p) : "ir"(v) : "cc", "memory");			\
}									\
static __inline void							\
atomic_subtract_##NAME(volatile TYPE *p, TYPE v)			\
{									\
	__asm__ __volatile__("lock; sub" SFX " %1, %0"			\
	    : "+m"(*p) : "ir"(v) : "cc", "memory");			\
}									\
static __inline void							\
atomic_set_##NAME(volatile TYPE *p, TYPE v)				\
{									\
	__asm__ __volatile__("lock; or" SFX " %1, %0"			\
	    : "+m"(*p) : "ir"(v) : "cc", "memory");			\
}									\
static __inline void							\
atomic_clear_##NAME(volatile TYPE *p, TYPE v)				\
{									\
	__asm__ __volatile__("lock; and" SFX " %1, %0"			\
	    : "+m"(*p) : "ir"(~v) : "cc", "memory");			\
}									\
static __inline TYPE							\
atomic_fetchadd_##NAME(volatile TYPE *p, TYPE v)			\
{									\
	__asm__ __volatile__("lock; xadd" SFX " %0, %1"			\
	    : "+r"(v), "+m"(*p) : : "cc", "memory");			\
	return (v);							\
}									\
static __inline int							\
atomic_cmpset_##NAME(volatile TYPE *p, TYPE expect, TYPE src)		\
{									\
	return (__atomic_compare_exchange_n(p, &expect, src, 0,		\
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));			\
}									\
static __inline int							\
atomic_fcmpset_##NAME(volatile TYPE *p, TYPE *expect, TYPE src)	\
{									\
	return (__atomic_compare_exchange_n(p, expect, src, 0,		\
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));			\
}									\
static __inline TYPE							\
atomic_swap_##NAME(volatile TYPE *p, TYPE v)				\
{									\
	return (__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST));		\
}									\
static __inline TYPE							\
atomic_load_acq_##NAME(volatile TYPE *p)				\
{									\
	return (__atomic_load_n(p, __ATOMIC_ACQUIRE));			\
}									\
static __inline void							\
atomic_store_rel_##NAME(volatile TYPE *p, TYPE v)			\
{									\
	__atomic_store_n(p, v, __ATOMIC_RELEASE);			\
}

ATOMIC_OPS(int, u_int, "l")
ATOMIC_OPS(long, u_long, "q")
ATOMIC_OPS(ptr, uintptr_t, "q")
ATOMIC_OPS(32, uint32_t, "l")
ATOMIC_OPS(64, uint64_t, "q")

#define	atomic_load_int(p)	(*(volatile u_int *)(p))
#define	atomic_load_ptr(p)	(*(volatile uintptr_t *)(p))
#define	atomic_thread_fence_seq_cst()	__atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif /* !_MACHINE_ATOMIC_H_ */
