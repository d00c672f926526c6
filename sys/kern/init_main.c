/*
 * mi_startup(): run every SYSINIT in (subsystem, order) order on the boot
 * CPU.  The last ones never return: the test runner (when ktest.run is
 * set) or the console shell.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/proc.h>

SET_DECLARE(sysinit_set, struct sysinit);

int	cold = 1;
int	bootverbose = 0;
char	version[] = "FreeBSD-style allocator kernel (amd64)";

struct threadlist allthreads = TAILQ_HEAD_INITIALIZER(allthreads);
struct mtx	allthreads_mtx;

static int
sysinit_before(const struct sysinit *a, const struct sysinit *b)
{
	if (a->subsystem != b->subsystem)
		return (a->subsystem < b->subsystem);
	return (a->order < b->order);
}

void	mi_startup(void) __dead2;

void
mi_startup(void)
{
	struct sysinit **sipp, **xipp, *save;

	mtx_init(&allthreads_mtx, "allthreads", NULL, MTX_SPIN);
	TAILQ_INSERT_TAIL(&allthreads, &thread0, td_list);

	/* Insertion sort: the set is small and mostly ordered by file. */
	for (sipp = SET_BEGIN(sysinit_set) + 1; sipp < SET_LIMIT(sysinit_set);
	    sipp++) {
		save = *sipp;
		for (xipp = sipp; xipp > SET_BEGIN(sysinit_set) &&
		    sysinit_before(save, *(xipp - 1)); xipp--)
			*xipp = *(xipp - 1);
		*xipp = save;
	}

	SET_FOREACH(sipp, sysinit_set) {
		if ((*sipp)->subsystem == SI_SUB_DUMMY ||
		    (*sipp)->subsystem == SI_SUB_DONE)
			continue;
		(*((*sipp)->func))((*sipp)->udata);
		(*sipp)->subsystem = SI_SUB_DONE;
	}
	panic("mi_startup: nothing took over the boot thread");
}

static void
print_banner(void *dummy __unused)
{
	printf("Copyright (c) the allocator kernel authors.\n");
	printf("%s\n", version);
}
SYSINIT(announce, SI_SUB_COPYRIGHT, SI_ORDER_FIRST, print_banner, NULL);
