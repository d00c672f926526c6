/*
 * Critical sections: while td_critnest > 0 the thread is neither
 * preempted nor migrated; a preemption requested meanwhile (td_owepreempt)
 * happens at the outermost critical_exit().
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/sched.h>

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
	KASSERT(td->td_critnest > 0,
	    ("critical_exit: not in a critical section"));
	if (td->td_critnest == 1 && td->td_owepreempt &&
	    td->td_md.md_spinlock_count == 0 && !cold && panicstr == NULL) {
		td->td_critnest = 0;
		sched_preempt();
		return;
	}
	td->td_critnest--;
}

/*
 * The end of an inline critical section (critical_exit_owed) found a
 * preemption owed: take it now if nothing else still forbids it.
 * Returns ret, so callers can tail-call it.
 */
void *
critical_exit_preempt(void *ret)
{
	struct thread *td = curthread;

	if (td->td_critnest == 0 && td->td_owepreempt &&
	    td->td_md.md_spinlock_count == 0 && !cold && panicstr == NULL)
		sched_preempt();
	return (ret);
}
