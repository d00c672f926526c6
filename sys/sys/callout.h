/*
 * Callouts: functions run from the clock interrupt after a number of
 * ticks, on the boot CPU, with interrupts disabled.  They must not sleep.
 */
#ifndef _SYS_CALLOUT_H_
#define	_SYS_CALLOUT_H_

#include <sys/queue.h>

struct callout {
	TAILQ_ENTRY(callout) c_link;
	int		c_time;		/* tick to run at */
	void		(*c_func)(void *);
	void		*c_arg;
	int		c_flags;	/* CALLOUT_PENDING */
};

#define	CALLOUT_PENDING	0x0001

void	callout_init(struct callout *c, int mpsafe);
void	callout_reset(struct callout *c, int ticks, void (*func)(void *),
	    void *arg);
int	callout_stop(struct callout *c);
int	callout_pending(struct callout *c);
void	callout_tick(void);		/* from the clock interrupt */

#endif /* !_SYS_CALLOUT_H_ */
