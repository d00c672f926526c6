/*
 * Mutexes (mutex(9)).  A spin mutex (MTX_SPIN) disables interrupts and spins;
 * a default mutex (MTX_DEF) spins briefly and then sleeps.  The lock word
 * holds the owning thread, or MTX_UNOWNED.  Every mutex carries a name,
 * printed by diagnostics.
 */
#ifndef _SYS_MUTEX_H_
#define	_SYS_MUTEX_H_

#include <sys/types.h>

struct thread;

struct mtx {
	volatile uintptr_t	mtx_lock;	/* owner thread, or 0 */
	const char		*mtx_name;
	u_int			mtx_flags;	/* MTX_* type and opts */
	u_int			mtx_recurse;	/* recursion depth */
	volatile u_int		mtx_waiters;	/* threads asleep on it */
	u_int			mtx_spare;
	uint64_t		mtx_contested;	/* times found held */
};

#define	MTX_UNOWNED	((uintptr_t)0)

/* Types and options for mtx_init(). */
#define	MTX_DEF		0x00000000
#define	MTX_SPIN	0x00000001
#define	MTX_RECURSE	0x00000004
#define	MTX_QUIET	0x00040000
#define	MTX_DUPOK	0x00400000
#define	MTX_NOWITNESS	0x00000008
#define	MTX_NOPROFILE	0x00000020

/* mtx_assert() conditions. */
#define	MA_OWNED	0x01
#define	MA_NOTOWNED	0x02
#define	MA_RECURSED	0x04
#define	MA_NOTRECURSED	0x08

void	mtx_init(struct mtx *m, const char *name, const char *type, int opts);
void	mtx_destroy(struct mtx *m);
void	_mtx_lock(struct mtx *m, const char *file, int line);
void	_mtx_unlock(struct mtx *m, const char *file, int line);
int	_mtx_trylock(struct mtx *m, const char *file, int line);
void	_mtx_lock_spin(struct mtx *m, const char *file, int line);
void	_mtx_unlock_spin(struct mtx *m, const char *file, int line);
void	_mtx_assert(const struct mtx *m, int what, const char *file, int line);
int	mtx_owned(const struct mtx *m);
int	mtx_recursed(const struct mtx *m);

#define	mtx_lock(m)		_mtx_lock((m), __FILE__, __LINE__)
#define	mtx_unlock(m)		_mtx_unlock((m), __FILE__, __LINE__)
#define	mtx_trylock(m)		_mtx_trylock((m), __FILE__, __LINE__)
#define	mtx_lock_spin(m)	_mtx_lock_spin((m), __FILE__, __LINE__)
#define	mtx_unlock_spin(m)	_mtx_unlock_spin((m), __FILE__, __LINE__)

/*
 * The uncontested cases inline, in the shape of FreeBSD's __mtx_trylock
 * and __mtx_unlock: one compare-and-set on the lock word; a held,
 * recursed or contested mutex goes to the functions above.  Sleep
 * mutexes only; m is evaluated more than once.  The caller includes
 * <machine/atomic.h> and <sys/pcpu.h>.
 */
#define	mtx_trylock_fast(m)						\
	(atomic_cmpset_ptr(&(m)->mtx_lock, MTX_UNOWNED,		\
	    (uintptr_t)curthread) || mtx_trylock(m))
#define	mtx_unlock_fast(m) do {						\
	if ((m)->mtx_recurse != 0 ||					\
	    !atomic_cmpset_ptr(&(m)->mtx_lock, (uintptr_t)curthread,	\
	    MTX_UNOWNED))						\
		mtx_unlock(m);						\
} while (0)

#define	mtx_name(m)		((m)->mtx_name)

#ifdef INVARIANTS
#define	mtx_assert(m, what)	_mtx_assert((m), (what), __FILE__, __LINE__)
#else
#define	mtx_assert(m, what)	do { } while (0)
#endif

/* Static initialisation: MTX_SYSINIT(name, &mtx, "desc", opts). */
struct mtx_args {
	struct mtx	*ma_mtx;
	const char	*ma_desc;
	int		ma_opts;
};
void	mtx_sysinit(void *arg);
#define	MTX_SYSINIT(name, mtx, desc, opts)				\
	static struct mtx_args name##_args = { (mtx), (desc), (opts) };	\
	SYSINIT(name##_mtx_sysinit, SI_SUB_LOCK, SI_ORDER_MIDDLE,	\
	    mtx_sysinit, &name##_args)

#endif /* !_SYS_MUTEX_H_ */
