/*
 * Per-CPU data.  Each CPU's struct pcpu is reached through %gs on amd64
 * (PCPU_GET/PCPU_SET, curcpu, curthread) or by index with pcpu_find().
 * Counters that only their own CPU writes live here or in per-CPU arrays
 * indexed by curcpu, inside a critical section, so they need no atomics.
 */
#ifndef _SYS_PCPU_H_
#define	_SYS_PCPU_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <machine/param.h>
#include <machine/pcpu.h>

struct thread;

struct pcpu {
	struct pcpu	*pc_self;	/* must be first: %gs:0 */
	struct thread	*pc_curthread;
	struct thread	*pc_idlethread;
	u_int		pc_cpuid;
	u_int		pc_online;	/* set once the CPU runs threads */
	volatile uint64_t pc_switchtime;
	volatile uint64_t pc_cnt_switches;	/* context switches */
	volatile uint64_t pc_cnt_intr;		/* interrupts taken */
	volatile uint64_t pc_cnt_ipi;		/* IPIs received */
	void		*pc_sched;	/* scheduler's per-CPU state */
	PCPU_MD_FIELDS;
} __aligned(CACHE_LINE_SIZE);

extern struct pcpu	__pcpu[MAXCPU];
extern int		mp_ncpus;	/* CPUs online */
extern int		mp_maxid;	/* highest CPU id in use */

#define	CPU_FOREACH(i)	for ((i) = 0; (i) <= mp_maxid; (i)++)

static __inline struct pcpu *
pcpu_find(u_int cpuid)
{
	return (&__pcpu[cpuid]);
}

#endif /* !_SYS_PCPU_H_ */
