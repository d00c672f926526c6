/*
 * The scheduler: per-CPU run queues of kernel threads, round-robin time
 * slices, binding and pinning.  All run queues, thread states and sleep
 * queues are protected by sched_lock, a spin mutex; mi_switch() is called
 * with it held exactly once and the next thread releases it.
 */
#ifndef _SYS_SCHED_H_
#define	_SYS_SCHED_H_

#include <sys/types.h>

struct thread;
struct mtx;

extern struct mtx	sched_lock;

#define	SCHED_SLICE_MS	10	/* time slice */

/* With sched_lock held. */
void	sched_add(struct thread *td);		/* make runnable */
void	mi_switch(void);			/* give up the CPU */

void	sched_preempt(void);		/* requeue curthread and switch */
void	sched_clock(void);		/* a timer tick on this CPU */
void	sched_yield(void);

/* Run td (which must be curthread) only on cpu; migrates at once. */
void	sched_bind(struct thread *td, int cpu);
void	sched_unbind(struct thread *td);
int	sched_is_bound(struct thread *td);
/* Keep curthread on this CPU until sched_unpin. */
void	sched_pin(void);
void	sched_unpin(void);

/* Threads. */
struct thread *thread_alloc(const char *name);
void	thread_free(struct thread *td);
void	sched_new_idle(u_int cpu);	/* the idle thread of a CPU */
void	sched_idle_loop(void) __dead2;
u_int	sched_load(u_int cpu);

/* Sleep queues (kern_synch.c), with sched_lock held. */
int	sleepq_block(const void *chan, const char *wmesg, int timo);
int	wakeup_locked(const void *chan, int one);
void	sleepq_timeout_tick(void);

#endif /* !_SYS_SCHED_H_ */
