/*
 * Kernel threads.  There are no user processes: every thread runs in the
 * kernel on its own kernel stack.  The scheduler owns td_runq, td_state and
 * the switch frame; sleep queues own td_wchan/td_wmesg.
 */
#ifndef _SYS_PROC_H_
#define	_SYS_PROC_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/pcpu.h>

enum td_states {
	TDS_INACTIVE = 0,	/* created, never run, or exited */
	TDS_INHIBITED,		/* sleeping */
	TDS_CANRUN,		/* runnable, not on a run queue */
	TDS_RUNQ,		/* on a run queue */
	TDS_RUNNING		/* on a CPU */
};

struct mdthread {
	int		md_spinlock_count;	/* spinlock_enter nesting */
	uint64_t	md_saved_flags;		/* rflags at first entry */
};

struct thread {
	TAILQ_ENTRY(thread) td_runq;	/* scheduler run queue */
	TAILQ_ENTRY(thread) td_slpq;	/* sleep queue */
	TAILQ_ENTRY(thread) td_timeq;	/* sleepers with a timeout */
	TAILQ_ENTRY(thread) td_list;	/* all threads */
	int		td_tid;
	char		td_name[MAXCOMLEN + 1];
	volatile enum td_states td_state;
	int		td_flags;	/* TDF_* */
	union {
		struct {
			volatile int td_critnest; /* critical_enter nesting */
			volatile int td_owepreempt; /* preempt at
						       critical_exit */
		};
		/*
		 * Both: 0 when neither nested nor owed (critical_exit_owed).
		 * Only the thread's own CPU writes td_owepreempt.
		 */
		volatile uint64_t td_critowe;
	};
	int		td_pinned;	/* sched_pin nesting */
	int		td_oncpu;	/* CPU running it, or NOCPU */
	int		td_lastcpu;
	int		td_bound;	/* CPU bound to, or NOCPU */
	int		td_priority;
	const void	*td_wchan;	/* sleep channel */
	const char	*td_wmesg;	/* sleep message */
	int		td_slptick;
	int		td_timo;	/* tick of a sleep timeout, or 0 */
	int		td_slpret;	/* why the sleep ended */
	vm_offset_t	td_kstack;	/* base of kernel stack */
	int		td_kstack_pages;
	vm_offset_t	td_switchrsp;	/* saved stack at context switch */
	void		(*td_func)(void *);
	void		*td_arg;
	struct mdthread	td_md;
	void		*td_sched;	/* scheduler's private data */
	uint64_t	td_runtime;	/* TSC ticks on CPU */
	uint64_t	td_switchin;
};

#define	NOCPU		(-1)

#define	TDF_INPANIC	0x0001
#define	TDF_IDLETD	0x0002
#define	TDF_TIMEOUT	0x0004
#define	TDF_NEEDRESCHED	0x0008
#define	TDF_SINTR	0x0010

extern struct thread	thread0;

/* Every thread, for "show threads"; protected by allthreads_mtx. */
TAILQ_HEAD(threadlist, thread);
extern struct threadlist allthreads;
struct mtx;
extern struct mtx	allthreads_mtx;

/* Give exited threads (zombies) back to the THREAD zone; may sleep. */
void	thread_reap(void);

/*
 * Per-CPU data (UMA's caches, malloc's and the mbufs' per-CPU statistics)
 * is touched only inside a critical section: with INVARIANTS the code
 * that touches it says so with CRITICAL_ASSERT(curthread), which panics
 * "Not in critical section"; without INVARIANTS it compiles to nothing.
 */
#define	CRITICAL_ASSERT(td)						\
	KASSERT((td)->td_critnest >= 1, ("Not in critical section"))

/*
 * critical_enter()/critical_exit() for hot paths (UMA's per-CPU caches):
 * inline, with the preemption owed at the end left to critical_exit().
 */
void	critical_exit(void);

/* Enter a critical section; td is curthread (curthread_fixed()). */
static __inline void
critical_enter_td_fixed(struct thread *td)
{
	td->td_critnest++;
	__compiler_membar();
}

/* As critical_enter(), returning curthread (for critical_exit_owed()). */
static __inline struct thread *
critical_enter_td(void)
{
	struct thread *td = curthread_fixed();

	critical_enter_td_fixed(td);
	return (td);
}

/*
 * Leave an inline critical section; nonzero when a preemption may be owed
 * (or the section was nested), which the caller settles with
 * critical_exit_preempt() (a tail call).  One decrement of td_critowe
 * tests both halves: nesting in the low word, the preemption owed in the
 * high word.  This relies on td_owepreempt being written only on the
 * thread's own CPU (the scheduler, an interrupt; sched_add() sends another
 * CPU an IPI instead of writing its thread): the decrement is one
 * instruction, so an interrupt cannot fall inside it, and the low word is
 * at least 1, so nothing borrows from the high word.
 */
void	*critical_exit_preempt(void *ret);

static __inline int
critical_exit_owed(struct thread *td)
{
	__compiler_membar();
	return (__predict_false(--td->td_critowe != 0));
}

static __inline void
critical_exit_td(struct thread *td)
{
	__compiler_membar();
	if (__predict_false(td->td_owepreempt != 0)) {
		critical_exit();
		return;
	}
	td->td_critnest--;
}

#endif /* !_SYS_PROC_H_ */
