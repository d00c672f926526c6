/*
 * Kernel threads (kthread(9)).  There are no processes: the proc argument
 * of kthread_add() is accepted for source compatibility and must be NULL.
 */
#ifndef _SYS_KTHREAD_H_
#define	_SYS_KTHREAD_H_

#include <sys/types.h>

struct proc;
struct thread;

/*
 * Start func(arg) in a new thread; 0 or an errno.  pages: stack (0 =
 * default).  May sleep (the thread comes from the UMA zone THREAD): not
 * in a critical section or with a spin lock held.
 */
int	kthread_add(void (*func)(void *), void *arg, struct proc *p,
	    struct thread **newtdp, int flags, int pages, const char *fmt, ...)
	    __printflike(7, 8);
void	kthread_exit(void) __dead2;
void	kthread_start(struct thread *td);	/* one made with RFSTOPPED */
int	kthread_count(void);		/* threads alive */

#define	RFSTOPPED	0x20000		/* create, do not run yet */

#endif /* !_SYS_KTHREAD_H_ */
