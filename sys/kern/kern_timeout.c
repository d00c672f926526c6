/*
 * Callouts and sleep timeouts, driven by the boot CPU's clock tick.
 *
 * Pending callouts hang on a callwheel, as in FreeBSD: an array of
 * callwheelsize lists (a power of two, at least kern.ncallout), malloc'd
 * from M_CALLOUT at boot, indexed by the tick a callout is due at.  Each
 * tick callout_tick() advances softticks, the wheel's hand, to ticks and
 * runs the callouts due at each tick it passes; the others on that list
 * are due a turn or more later.  A callout is never queued at or behind
 * the hand, so every one runs exactly once, at the first tick at or after
 * its time.  callout_lock is a spin mutex; functions run with it dropped.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/callout.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/sched.h>
#include <sys/sysctl.h>

static MALLOC_DEFINE(M_CALLOUT, "callout", "Callout datastructures");

TAILQ_HEAD(callout_tailq, callout);

/*
 * kern.ncallout (loader tunable): callouts the wheel is sized for; the
 * wheel has the next power of two of lists, 16 .. 65536 (default 256).
 */
#define	NCALLOUT_DEFAULT	256
#define	NCALLOUT_MIN		16
#define	NCALLOUT_MAX		65536
static int	ncallout = NCALLOUT_DEFAULT;
SYSCTL_INT(_kern, OID_AUTO, ncallout, CTLFLAG_RDTUN, &ncallout, 0,
    "Number of entries in callwheel");

static struct callout_tailq *callwheel;	/* callwheelsize lists */
static int	callwheelsize, callwheelmask;
static int	softticks;		/* the last tick run */
static struct mtx callout_lock;
MTX_SYSINIT(callout, &callout_lock, "callout", MTX_SPIN);

#define	CALLWHEEL(t)	(&callwheel[(t) & callwheelmask])

/* The wheel, before the clock starts. */
static void
callout_callwheel_init(void *dummy __unused)
{
	int i;

	if (ncallout < NCALLOUT_MIN || ncallout > NCALLOUT_MAX) {
		tunable_warn("kern.ncallout", "value not in "
		    __XSTRING(NCALLOUT_MIN) ".." __XSTRING(NCALLOUT_MAX), "%d",
		    NCALLOUT_DEFAULT);
		ncallout = NCALLOUT_DEFAULT;
	}
	for (callwheelsize = 1; callwheelsize < ncallout; callwheelsize <<= 1)
		;
	callwheelmask = callwheelsize - 1;
	callwheel = malloc(sizeof(*callwheel) * callwheelsize, M_CALLOUT,
	    M_WAITOK);
	for (i = 0; i < callwheelsize; i++)
		TAILQ_INIT(&callwheel[i]);
	softticks = ticks;
}
SYSINIT(callwheel, SI_SUB_INTRINSIC, SI_ORDER_ANY, callout_callwheel_init,
    NULL);

void
callout_init(struct callout *c, int mpsafe __unused)
{
	bzero(c, sizeof(*c));
}

void
callout_reset(struct callout *c, int to_ticks, void (*func)(void *),
    void *arg)
{
	KASSERT(callwheel != NULL, ("callout_reset before the callwheel"));
	mtx_lock_spin(&callout_lock);
	if ((c->c_flags & CALLOUT_PENDING) != 0)
		TAILQ_REMOVE(CALLWHEEL(c->c_time), c, c_link);
	c->c_time = ticks + MAX(to_ticks, 1);
	/* The hand may lag ticks by a tick being run: stay ahead of it. */
	if (c->c_time - softticks <= 0)
		c->c_time = softticks + 1;
	c->c_func = func;
	c->c_arg = arg;
	c->c_flags |= CALLOUT_PENDING;
	TAILQ_INSERT_TAIL(CALLWHEEL(c->c_time), c, c_link);
	mtx_unlock_spin(&callout_lock);
}

int
callout_stop(struct callout *c)
{
	int was;

	mtx_lock_spin(&callout_lock);
	was = (c->c_flags & CALLOUT_PENDING) != 0;
	if (was) {
		TAILQ_REMOVE(CALLWHEEL(c->c_time), c, c_link);
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

/* From the clock: move the hand up to ticks, running what is due. */
void
callout_tick(void)
{
	struct callout_tailq *bucket;
	struct callout *c;
	void (*func)(void *);
	void *arg;

	sleepq_timeout_tick();
	if (callwheel == NULL)
		return;
	mtx_lock_spin(&callout_lock);
	while (softticks != ticks) {
		softticks++;
		bucket = CALLWHEEL(softticks);
		for (;;) {
			TAILQ_FOREACH(c, bucket, c_link)
				if (c->c_time == softticks)
					break;
			if (c == NULL)
				break;
			TAILQ_REMOVE(bucket, c, c_link);
			c->c_flags &= ~CALLOUT_PENDING;
			func = c->c_func;
			arg = c->c_arg;
			mtx_unlock_spin(&callout_lock);
			func(arg);
			mtx_lock_spin(&callout_lock);
		}
	}
	mtx_unlock_spin(&callout_lock);
}
