/*
 * Sleeping and waking.
 *
 * A sleeping thread is on the sleep queue hashed from its wait channel,
 * and on the timed list if it has a timeout; both are protected by
 * sched_lock.  msleep() queues the thread and then releases the interlock,
 * all under sched_lock, so a wakeup() issued after the interlock is
 * dropped always finds the sleeper.  Timeouts are checked every tick by
 * the boot CPU's clock (callout_tick).  Before the clock starts ("cold")
 * nothing can sleep: pause() spins and msleep() returns at once.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sched.h>

#define	SLEEPQ_HASH	64
#define	SLEEPQ_INDEX(c)	((((uintptr_t)(c)) >> 6) & (SLEEPQ_HASH - 1))

static TAILQ_HEAD(, thread) sleepq[SLEEPQ_HASH];
static TAILQ_HEAD(, thread) sleepq_timed = TAILQ_HEAD_INITIALIZER(sleepq_timed);
static char	pause_wchan;

static void
sleepq_init(void *dummy __unused)
{
	int i;

	for (i = 0; i < SLEEPQ_HASH; i++)
		TAILQ_INIT(&sleepq[i]);
}
SYSINIT(sleepq, SI_SUB_LOCK, SI_ORDER_FIRST, sleepq_init, NULL);

/* Take td off its sleep queue and make it runnable; sched_lock held. */
static void
sleepq_resume(struct thread *td, int ret)
{
	TAILQ_REMOVE(&sleepq[SLEEPQ_INDEX(td->td_wchan)], td, td_slpq);
	if ((td->td_flags & TDF_TIMEOUT) != 0) {
		TAILQ_REMOVE(&sleepq_timed, td, td_timeq);
		td->td_flags &= ~TDF_TIMEOUT;
	}
	td->td_wchan = NULL;
	td->td_wmesg = NULL;
	td->td_slpret = ret;
	sched_add(td);
}

/*
 * Queue curthread on chan and switch; sched_lock held once, the caller
 * releases it.  Returns 0 when woken, EWOULDBLOCK on timeout.
 */
int
sleepq_block(const void *chan, const char *wmesg, int timo)
{
	struct thread *td = curthread;

	mtx_assert(&sched_lock, MA_OWNED);
	td->td_wchan = chan;
	td->td_wmesg = wmesg;
	td->td_slpret = 0;
	TAILQ_INSERT_TAIL(&sleepq[SLEEPQ_INDEX(chan)], td, td_slpq);
	if (timo > 0) {
		td->td_timo = ticks + timo;
		td->td_flags |= TDF_TIMEOUT;
		TAILQ_INSERT_TAIL(&sleepq_timed, td, td_timeq);
	}
	td->td_state = TDS_INHIBITED;
	return (td->td_slpret);
}

static int
sleep_cold(int timo)
{
	if (timo > 0)
		DELAY(timo * (1000000 / hz));
	return (timo > 0 ? EWOULDBLOCK : 0);
}

int
msleep(const void *chan, struct mtx *mtx, int pri, const char *wmesg,
    int timo)
{
	struct thread *td = curthread;
	int ret;

	if (cold || panicstr != NULL)
		return (sleep_cold(timo));
	KASSERT(td->td_critnest == 0, ("msleep(%s) in a critical section or "
	    "with a spin lock held", wmesg));
	KASSERT(mtx == NULL || (mtx->mtx_flags & MTX_SPIN) == 0,
	    ("msleep(%s): interlock %s is a spin mutex", wmesg,
	    mtx->mtx_name));
	mtx_lock_spin(&sched_lock);
	sleepq_block(chan, wmesg, timo);
	if (mtx != NULL)
		mtx_unlock(mtx);
	mi_switch();
	ret = td->td_slpret;
	mtx_unlock_spin(&sched_lock);
	if (mtx != NULL && (pri & PDROP) == 0)
		mtx_lock(mtx);
	return (ret);
}

int
msleep_spin(const void *chan, struct mtx *mtx, const char *wmesg, int timo)
{
	struct thread *td = curthread;
	int ret;

	if (cold || panicstr != NULL)
		return (sleep_cold(timo));
	KASSERT(td->td_critnest == 1 && td->td_md.md_spinlock_count == 1,
	    ("msleep_spin(%s): hold exactly the interlock", wmesg));
	mtx_lock_spin(&sched_lock);
	sleepq_block(chan, wmesg, timo);
	mtx_unlock_spin(mtx);
	mi_switch();
	ret = td->td_slpret;
	mtx_unlock_spin(&sched_lock);
	mtx_lock_spin(mtx);
	return (ret);
}

int
tsleep(const void *chan, int pri, const char *wmesg, int timo)
{
	return (msleep(chan, NULL, pri, wmesg, timo));
}

int
pause(const char *wmesg, int timo)
{
	if (cold || panicstr != NULL || curthread->td_critnest != 0) {
		sleep_cold(timo);
		return (0);
	}
	tsleep(&pause_wchan, 0, wmesg, timo > 0 ? timo : 1);
	return (0);
}

/* Wake every thread on chan; sched_lock held. */
int
wakeup_locked(const void *chan, int one)
{
	struct thread *td, *next;
	int n = 0;

	mtx_assert(&sched_lock, MA_OWNED);
	TAILQ_FOREACH_SAFE(td, &sleepq[SLEEPQ_INDEX(chan)], td_slpq, next) {
		if (td->td_wchan != chan)
			continue;
		sleepq_resume(td, 0);
		n++;
		if (one)
			break;
	}
	return (n);
}

void
wakeup(const void *chan)
{
	mtx_lock_spin(&sched_lock);
	wakeup_locked(chan, 0);
	mtx_unlock_spin(&sched_lock);
}

void
wakeup_one(const void *chan)
{
	mtx_lock_spin(&sched_lock);
	wakeup_locked(chan, 1);
	mtx_unlock_spin(&sched_lock);
}

/* From the clock: wake sleepers whose timeout has come. */
void
sleepq_timeout_tick(void)
{
	struct thread *td, *next;

	mtx_lock_spin(&sched_lock);
	TAILQ_FOREACH_SAFE(td, &sleepq_timed, td_timeq, next)
		if (ticks - td->td_timo >= 0)
			sleepq_resume(td, EWOULDBLOCK);
	mtx_unlock_spin(&sched_lock);
}
