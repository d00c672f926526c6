/*
 * Critical sections.  (Bootstrap version: a nesting count; the scheduler
 * work adds deferred preemption at critical_exit.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>

void
critical_enter(void)
{
	curthread->td_critnest++;
	__compiler_membar();
}

void
critical_exit(void)
{
	struct thread *td = curthread;

	__compiler_membar();
	KASSERT(td->td_critnest > 0, ("critical_exit: not in a critical section"));
	td->td_critnest--;
}
