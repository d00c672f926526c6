/*
 * Mutexes.
 *
 * The lock word holds the owning thread, or 0.  A spin mutex (MTX_SPIN)
 * disables interrupts (spinlock_enter) and spins.  A default mutex
 * (MTX_DEF) is adaptive: a waiter spins while the owner is running on a
 * CPU, and otherwise sets MTX_CONTESTED in the lock word and sleeps on the
 * mutex's address, all under sched_lock; an owner that finds the bit set
 * when unlocking wakes the sleepers under sched_lock, so no wakeup is
 * lost.  Owners' struct thread are type-stable, so spinning on an owner
 * that exits is safe.  Recursion needs MTX_RECURSE.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

#define	MTX_CONTESTED	((uintptr_t)1)
#define	MTX_OWNER(v)	((struct thread *)((v) & ~MTX_CONTESTED))
#define	MTX_SPINS	10000	/* adaptive spins before sleeping */


void
mtx_init(struct mtx *m, const char *name, const char *type __unused,
    int opts)
{
	m->mtx_lock = MTX_UNOWNED;
	m->mtx_name = name;
	m->mtx_flags = opts;
	m->mtx_recurse = 0;
	m->mtx_waiters = 0;
	m->mtx_contested = 0;
}

void
mtx_destroy(struct mtx *m)
{
	KASSERT(m->mtx_lock == MTX_UNOWNED,
	    ("mtx_destroy: mutex %s held", m->mtx_name));
	m->mtx_name = "destroyed";
}

void
mtx_sysinit(void *arg)
{
	struct mtx_args *ma = arg;

	mtx_init(ma->ma_mtx, ma->ma_desc, NULL, ma->ma_opts);
}

/* Recursion on an owned mutex; panics unless MTX_RECURSE. */
static int
mtx_recurse_owned(struct mtx *m, const char *file, int line)
{
	if (MTX_OWNER(m->mtx_lock) != curthread)
		return (0);
	if ((m->mtx_flags & MTX_RECURSE) == 0)
		panic("mutex %s recursed at %s:%d", m->mtx_name, file, line);
	m->mtx_recurse++;
	return (1);
}

void
_mtx_lock_spin(struct mtx *m, const char *file, int line)
{
	uintptr_t me = (uintptr_t)curthread;

	KASSERT((m->mtx_flags & MTX_SPIN) != 0,
	    ("mtx_lock_spin() of sleep mutex %s at %s:%d", m->mtx_name,
	    file, line));
	spinlock_enter();
	if (m->mtx_lock == me && mtx_recurse_owned(m, file, line))
		return;
	while (!atomic_cmpset_ptr(&m->mtx_lock, MTX_UNOWNED, me)) {
		m->mtx_contested++;
		while (m->mtx_lock != MTX_UNOWNED)
			cpu_spinwait_hook();
	}
}

void
_mtx_unlock_spin(struct mtx *m, const char *file, int line)
{
	if (m->mtx_lock != (uintptr_t)curthread)
		panic("mutex %s not owned at %s:%d", m->mtx_name, file, line);
	if (m->mtx_recurse > 0)
		m->mtx_recurse--;
	else
		atomic_store_rel_ptr(&m->mtx_lock, MTX_UNOWNED);
	spinlock_exit();
}

/* The contested path of a sleep mutex. */
static void
mtx_lock_sleep(struct mtx *m, const char *file, int line)
{
	struct thread *td = curthread, *owner;
	uintptr_t v;
	int spins = 0;

	for (;;) {
		v = m->mtx_lock;
		if (v == MTX_UNOWNED) {
			if (atomic_cmpset_ptr(&m->mtx_lock, 0, (uintptr_t)td))
				return;
			continue;
		}
		owner = MTX_OWNER(v);
		if (cold || (spins < MTX_SPINS && owner->td_oncpu != NOCPU &&
		    owner->td_state == TDS_RUNNING)) {
			spins++;
			cpu_pause();
			continue;
		}
		KASSERT(td->td_critnest == 0, ("mutex %s: would sleep in a "
		    "critical section at %s:%d", m->mtx_name, file, line));
		mtx_lock_spin(&sched_lock);
		v = m->mtx_lock;
		if (v == MTX_UNOWNED || ((v & MTX_CONTESTED) == 0 &&
		    !atomic_cmpset_ptr(&m->mtx_lock, v, v | MTX_CONTESTED))) {
			mtx_unlock_spin(&sched_lock);
			continue;
		}
		m->mtx_contested++;
		m->mtx_waiters++;
		sleepq_block(m, m->mtx_name, 0);
		mi_switch();
		m->mtx_waiters--;
		mtx_unlock_spin(&sched_lock);
		spins = 0;
	}
}

void
_mtx_lock(struct mtx *m, const char *file, int line)
{
	struct thread *td = curthread;

	KASSERT((m->mtx_flags & MTX_SPIN) == 0,
	    ("mtx_lock() of spin mutex %s at %s:%d", m->mtx_name, file, line));
	if (atomic_cmpset_ptr(&m->mtx_lock, MTX_UNOWNED, (uintptr_t)td))
		return;
	if (mtx_recurse_owned(m, file, line))
		return;
	mtx_lock_sleep(m, file, line);
}

void
_mtx_unlock(struct mtx *m, const char *file, int line)
{
	struct thread *td = curthread;

	if (MTX_OWNER(m->mtx_lock) != td)
		panic("mutex %s not owned at %s:%d", m->mtx_name, file, line);
	if (m->mtx_recurse > 0) {
		m->mtx_recurse--;
		return;
	}
	if (atomic_cmpset_ptr(&m->mtx_lock, (uintptr_t)td, MTX_UNOWNED))
		return;
	/* Contested: release and wake the sleepers under sched_lock. */
	mtx_lock_spin(&sched_lock);
	atomic_store_rel_ptr(&m->mtx_lock, MTX_UNOWNED);
	wakeup_locked(m, 0);
	mtx_unlock_spin(&sched_lock);
}

int
_mtx_trylock(struct mtx *m, const char *file, int line)
{
	struct thread *td = curthread;

	if ((m->mtx_flags & MTX_SPIN) != 0) {
		spinlock_enter();
		if (atomic_cmpset_ptr(&m->mtx_lock, 0, (uintptr_t)td))
			return (1);
		spinlock_exit();
		return (0);
	}
	if (atomic_cmpset_ptr(&m->mtx_lock, MTX_UNOWNED, (uintptr_t)td))
		return (1);
	if (MTX_OWNER(m->mtx_lock) == td &&
	    (m->mtx_flags & MTX_RECURSE) != 0) {
		m->mtx_recurse++;
		return (1);
	}
	(void)file;
	(void)line;
	return (0);
}

int
mtx_owned(const struct mtx *m)
{
	return (MTX_OWNER(m->mtx_lock) == curthread);
}

int
mtx_recursed(const struct mtx *m)
{
	return (m->mtx_recurse != 0);
}

void
_mtx_assert(const struct mtx *m, int what, const char *file, int line)
{
	if (panicstr != NULL)
		return;
	if ((what & MA_OWNED) && !mtx_owned(m))
		panic("mutex %s not owned at %s:%d", m->mtx_name, file, line);
	if ((what & MA_NOTOWNED) && mtx_owned(m))
		panic("mutex %s owned at %s:%d", m->mtx_name, file, line);
	if ((what & MA_RECURSED) && !mtx_recursed(m))
		panic("mutex %s not recursed at %s:%d", m->mtx_name, file,
		    line);
	if ((what & MA_NOTRECURSED) && mtx_recursed(m))
		panic("mutex %s recursed at %s:%d", m->mtx_name, file, line);
}
