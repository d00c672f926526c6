/*
 * MemGuard's map beside the other kernel maps, on every CPU at once.
 *
 * Each guarded malloc and free takes and releases a range of MemGuard's
 * submap (vm_map_findspace / vm_map_release) under that map's lock, while
 * large mallocs do the same in kmem_map under kmem_map's lock.  Splitting
 * or merging holes takes or gives back hole records, so two maps used at
 * once must not corrupt each other's hole lists: every block must hold
 * its tag, every range must be released once, and the counters balance.
 *
 * The second case is the control without MemGuard: kernel_map (kmem_alloc)
 * beside kmem_map (large malloc).  If both fail, the fault is in the map
 * layer shared by all maps, not in MemGuard.
 *
 * Each case runs its workers for MGM_SECONDS, then checks.  They need two
 * CPUs and run in the MemGuard kernel only (both skip without
 * DEBUG_MEMGUARD).  A broken map layer shows as a panic in vm_map_release
 * ("is already free"), a fault, or a hang.
 */
#include "opt_vm.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <machine/atomic.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/memguard.h>

#ifdef DEBUG_MEMGUARD
#define	MGM_ON	1
#else
#define	MGM_ON	0
#endif

MALLOC_DEFINE(M_MGMAPS, "mgmaps", "MemGuard tests: guarded, two maps");
MALLOC_DEFINE(M_MGMLARGE, "mgmlarge", "MemGuard tests: kmem_map traffic");

#define	MGM_SECONDS	4
#define	MGM_HELD	32		/* blocks each worker holds */

enum mgm_kind { MGM_GUARDED, MGM_LARGE, MGM_KERNEL_MAP };

static struct {
	volatile u_int	started, exited, errors, go;
	volatile u_long	ops;
	int		mode;		/* 0: guarded + large; 1: kernel_map + large */
} mgm;

static enum mgm_kind
mgm_kind(int cpu)
{
	if ((cpu & 1) == 0)
		return (MGM_LARGE);
	return (mgm.mode == 0 ? MGM_GUARDED : MGM_KERNEL_MAP);
}

static void *
mgm_get(enum mgm_kind k, size_t *sizep, uint32_t r)
{
	switch (k) {
	case MGM_GUARDED:
		*sizep = 1 + r % 6000;
		return (malloc(*sizep, M_MGMAPS, M_WAITOK));
	case MGM_LARGE:
		*sizep = 70000 + (r % 24) * PAGE_SIZE;
		return (malloc(*sizep, M_MGMLARGE, M_WAITOK));
	default:
		*sizep = ptoa(1 + r % 6);
		return ((void *)kmem_alloc(kernel_map, *sizep));
	}
}

static void
mgm_put(enum mgm_kind k, void *p, size_t size)
{
	switch (k) {
	case MGM_GUARDED:
		free(p, M_MGMAPS);
		break;
	case MGM_LARGE:
		free(p, M_MGMLARGE);
		break;
	default:
		kmem_free(kernel_map, (vm_offset_t)p, size);
		break;
	}
}

static void
mgm_worker(void *arg)
{
	int cpu = (int)(uintptr_t)arg, j;
	enum mgm_kind k = mgm_kind(cpu);
	void *held[MGM_HELD];
	size_t size[MGM_HELD];
	uint32_t r = 2463534242u + cpu * 7919;
	u_long ops = 0;
	int t0;

	sched_bind(curthread, cpu);
	memset(held, 0, sizeof(held));
	atomic_add_int(&mgm.started, 1);
	while (!mgm.go)
		pause("mgmgo", 1);
	t0 = ticks;
	while (ticks - t0 < MGM_SECONDS * hz && mgm.errors == 0) {
		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5;
		j = r % MGM_HELD;
		if (held[j] != NULL) {
			if (*(volatile uint8_t *)held[j] != (uint8_t)(j + cpu))
				atomic_add_int(&mgm.errors, 1);
			mgm_put(k, held[j], size[j]);
			held[j] = NULL;
		} else {
			held[j] = mgm_get(k, &size[j], r >> 8);
			if (held[j] == NULL ||
			    (k == MGM_GUARDED) != is_memguard_addr(held[j])) {
				atomic_add_int(&mgm.errors, 1);
				continue;
			}
			*(volatile uint8_t *)held[j] = (uint8_t)(j + cpu);
		}
		ops++;
	}
	for (j = 0; j < MGM_HELD; j++)
		if (held[j] != NULL)
			mgm_put(k, held[j], size[j]);
	atomic_add_long(&mgm.ops, ops);
	atomic_add_int(&mgm.exited, 1);
	kthread_exit();
}

/* Start a worker per CPU, wait for them; 0 or the number of errors. */
static int
mgm_run(struct ktest_ctx *kt, int mode)
{
	int cpu, i, n = 0;

	memset(__DEVOLATILE(void *, &mgm), 0, sizeof(mgm));
	mgm.mode = mode;
	CPU_FOREACH(cpu) {
		if (kthread_add(mgm_worker, (void *)(uintptr_t)cpu, NULL, NULL,
		    0, 0, "mgm%d", cpu) != 0) {
			ktest_fail(kt, __FILE__, __LINE__, "kthread_add");
			return (-1);
		}
		n++;
	}
	for (i = 0; i < 2000 && mgm.started < (u_int)n; i++)
		pause("mgmst", 1);
	mgm.go = 1;
	for (i = 0; i < 100 * (MGM_SECONDS + 30) && mgm.exited < (u_int)n;
	    i++)
		pause("mgmw", hz / 100 + 1);
	if (mgm.exited != (u_int)n) {
		ktest_fail(kt, __FILE__, __LINE__, "%u of %d workers ended",
		    mgm.exited, n);
		return (-1);
	}
	printf("# %lu operations on %d CPUs\n", mgm.ops, n);
	return (mgm.errors);
}

static u_long
mgm_get_ulong(const char *name)
{
	u_long v = 0;
	size_t len = sizeof(v);

	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0)
		return (~0UL);
	return (v);
}

KTEST(memguard_maps, guarded_beside_kmem_map)
{
	u_long inuse0, na0, nf0;

	if (!MGM_ON)
		KT_SKIP("needs options DEBUG_MEMGUARD");
	if (mp_ncpus < 2)
		KT_SKIP("needs two CPUs");
	KT_ASSERT_EQ(kernel_sysctlbyname("vm.memguard.desc", NULL, NULL,
	    "mgmaps", sizeof("mgmaps")), 0);
	inuse0 = mgm_get_ulong("vm.memguard.inuse");
	na0 = mgm_get_ulong("vm.memguard.numalloc");
	nf0 = mgm_get_ulong("vm.memguard.numfree");
	KT_EXPECT_EQ(mgm_run(kt, 0), 0);
	KT_EXPECT_EQ(mgm_get_ulong("vm.memguard.inuse"), inuse0);
	KT_EXPECT_EQ(mgm_get_ulong("vm.memguard.numalloc") - na0,
	    mgm_get_ulong("vm.memguard.numfree") - nf0);
	KT_EXPECT_EQ(mgm_get_ulong("vm.memguard.fail_kva"), 0);
	(void)kernel_sysctlbyname("vm.memguard.desc", NULL, NULL, "", 1);
}

KTEST(memguard_maps, kernel_map_beside_kmem_map)
{
	/* Only where the first case runs (not in @ boots of other kernels). */
	if (!MGM_ON)
		KT_SKIP("runs beside guarded_beside_kmem_map only");
	if (mp_ncpus < 2)
		KT_SKIP("needs two CPUs");
	KT_EXPECT_EQ(mgm_run(kt, 1), 0);
}
