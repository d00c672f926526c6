/*
 * Multiprocessor services.
 */
#ifndef _SYS_SMP_H_
#define	_SYS_SMP_H_

#include <sys/types.h>

extern volatile int	smp_started;	/* the APs are running */

/*
 * Run setup, then action, then teardown on every CPU, each step starting
 * on all CPUs only when every CPU has finished the previous one.  NULL
 * steps are skipped.  Interrupts are off while the functions run.
 */
void	smp_rendezvous(void (*setup)(void *), void (*action)(void *),
	    void (*teardown)(void *), void *arg);
/* The rendezvous on this CPU alone (no other CPU running): interrupts off. */
void	smp_rendezvous_cpu(void (*setup)(void *), void (*action)(void *),
	    void (*teardown)(void *), void *arg);

/* Send an IPI vector to one CPU, or every CPU but this one. */
void	ipi_cpu(int cpu, u_int ipi);
void	ipi_all_but_self(u_int ipi);

/* Shootdowns and rendezvous delivered to this CPU so far. */
u_int	smp_ipis_served(u_int cpu);

#endif /* !_SYS_SMP_H_ */
