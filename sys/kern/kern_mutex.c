/*
 * Mutexes.  (Bootstrap version: both kinds spin; the scheduler work
 * replaces MTX_DEF with adaptive sleep mutexes.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>

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

static void
mtx_spin_acquire(struct mtx *m, const char *file, int line)
{
	uintptr_t me = (uintptr_t)curthread;

	if (m->mtx_lock == me) {
		if ((m->mtx_flags & MTX_RECURSE) == 0)
			panic("mutex %s recursed at %s:%d", m->mtx_name, file,
			    line);
		m->mtx_recurse++;
		return;
	}
	while (!atomic_cmpset_ptr(&m->mtx_lock, MTX_UNOWNED, me)) {
		m->mtx_contested++;
		while (m->mtx_lock != MTX_UNOWNED)
			cpu_pause();
	}
}

static void
mtx_spin_release(struct mtx *m, const char *file, int line)
{
	if (m->mtx_lock != (uintptr_t)curthread)
		panic("mutex %s not owned at %s:%d", m->mtx_name, file, line);
	if (m->mtx_recurse > 0) {
		m->mtx_recurse--;
		return;
	}
	atomic_store_rel_ptr(&m->mtx_lock, MTX_UNOWNED);
}

void
_mtx_lock(struct mtx *m, const char *file, int line)
{
	spinlock_enter();
	mtx_spin_acquire(m, file, line);
}

void
_mtx_unlock(struct mtx *m, const char *file, int line)
{
	mtx_spin_release(m, file, line);
	spinlock_exit();
}

int
_mtx_trylock(struct mtx *m, const char *file __unused, int line __unused)
{
	spinlock_enter();
	if (atomic_cmpset_ptr(&m->mtx_lock, MTX_UNOWNED,
	    (uintptr_t)curthread))
		return (1);
	spinlock_exit();
	return (0);
}

void
_mtx_lock_spin(struct mtx *m, const char *file, int line)
{
	spinlock_enter();
	mtx_spin_acquire(m, file, line);
}

void
_mtx_unlock_spin(struct mtx *m, const char *file, int line)
{
	mtx_spin_release(m, file, line);
	spinlock_exit();
}

int
mtx_owned(const struct mtx *m)
{
	return (m->mtx_lock == (uintptr_t)curthread);
}

int
mtx_recursed(const struct mtx *m)
{
	return (m->mtx_recurse != 0);
}

void
_mtx_assert(const struct mtx *m, int what, const char *file, int line)
{
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
