/*
 * Callouts and sleep timeouts, driven by the boot CPU's clock tick.
 * The pending list is unsorted; each tick scans it (there are few).
 * callout_lock is a spin mutex; functions run with it dropped.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/callout.h>
#include <sys/mutex.h>
#include <sys/sched.h>

static TAILQ_HEAD(, callout) callout_pending_list =
    TAILQ_HEAD_INITIALIZER(callout_pending_list);
static struct mtx callout_lock;
MTX_SYSINIT(callout, &callout_lock, "callout", MTX_SPIN);

void
callout_init(struct callout *c, int mpsafe __unused)
{
	bzero(c, sizeof(*c));
}

void
callout_reset(struct callout *c, int to_ticks, void (*func)(void *),
    void *arg)
{
	mtx_lock_spin(&callout_lock);
	if ((c->c_flags & CALLOUT_PENDING) != 0)
		TAILQ_REMOVE(&callout_pending_list, c, c_link);
	c->c_time = ticks + MAX(to_ticks, 1);
	c->c_func = func;
	c->c_arg = arg;
	c->c_flags |= CALLOUT_PENDING;
	TAILQ_INSERT_TAIL(&callout_pending_list, c, c_link);
	mtx_unlock_spin(&callout_lock);
}

int
callout_stop(struct callout *c)
{
	int was;

	mtx_lock_spin(&callout_lock);
	was = (c->c_flags & CALLOUT_PENDING) != 0;
	if (was) {
		TAILQ_REMOVE(&callout_pending_list, c, c_link);
		c->c_flags &= ~CALLOUT_PENDING;
	}
	mtx_unlock_spin(&callout_lock);
	return (was);
}

int
callout_pending(struct callout *c)
{
	return ((c->c_flags & CALLOUT_PENDING) != 0);
}

void
callout_tick(void)
{
	struct callout *c;
	void (*func)(void *);
	void *arg;

	sleepq_timeout_tick();
	for (;;) {
		mtx_lock_spin(&callout_lock);
		TAILQ_FOREACH(c, &callout_pending_list, c_link)
			if (ticks - c->c_time >= 0)
				break;
		if (c == NULL) {
			mtx_unlock_spin(&callout_lock);
			return;
		}
		TAILQ_REMOVE(&callout_pending_list, c, c_link);
		c->c_flags &= ~CALLOUT_PENDING;
		func = c->c_func;
		arg = c->c_arg;
		mtx_unlock_spin(&callout_lock);
		func(arg);
	}
}
