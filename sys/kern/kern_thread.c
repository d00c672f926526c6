/*
 * Kernel threads.
 *
 * A thread is a struct thread from the UMA zone "THREAD" plus a kernel
 * stack of KSTACK_PAGES pages with an unmapped guard page below it, so an
 * overflow faults instead of corrupting memory.  The stack belongs to the
 * zone item, not to one thread's life: the ctor gives an item without one
 * a stack, the dtor leaves it, and the zone's fini (thread_zfini) frees it
 * when the item leaves the zone's caches for its slab (uma_reclaim, low
 * memory).  So a thread reused from the caches keeps the stack it had, and
 * only threads ever created cost stack pages (a slab's other items cost
 * none).  The zone is UMA_ZONE_NOFREE, which makes thread structures
 * type-stable: their memory is never given back, so a lock's spinning
 * waiter may still read the state of an owner that has just exited
 * (kern_mutex.c).  The ctor clears everything but the stack; the dtor
 * checks (INVARIANTS) that the thread is off every queue.
 *
 * kthread_add() prepares the new stack so that the first switch to the
 * thread enters fork_trampoline (swtch.S) and then fork_exit(), which
 * releases sched_lock (held across every switch) and calls the function.
 * kthread_exit() leaves the thread on a zombie list, because it still
 * runs on its stack; thread_reap() gives zombies back to the zone once
 * they have switched away for good (taking sched_lock proves it).  Every
 * kthread_add() and kthread_exit() reaps first, so only the latest exits
 * wait as zombies, and anyone may call thread_reap().
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/stdarg.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>
#include <vm/uma.h>

static uma_zone_t	thread_zone;
static TAILQ_HEAD(, thread) thread_zombies =
    TAILQ_HEAD_INITIALIZER(thread_zombies);	/* under sched_lock */
static volatile u_int	thread_next_tid = 100001;

void	fork_trampoline(void);
void	fork_exit(void (*func)(void *), void *arg);
void	thread_prepare_start(struct thread *td, void (*func)(void *),
	    void *arg);

/* A guarded kernel stack; 0 when memory is short. */
static vm_offset_t
kstack_alloc(int pages)
{
	vm_offset_t va;
	vm_page_t m;
	int i;

	va = kmem_alloc_nofault(kernel_map, ptoa(pages + 1));
	if (va == 0)
		return (0);
	for (i = 1; i <= pages; i++) {
		m = vm_page_alloc(NULL, 0, VM_ALLOC_SYSTEM | VM_ALLOC_WIRED);
		if (m == NULL) {
			while (--i >= 1) {
				vm_page_free(PHYS_TO_VM_PAGE(
				    pmap_kextract(va + ptoa(i))));
				pmap_kremove(va + ptoa(i));
			}
			kmem_free_nofault(kernel_map, va, ptoa(pages + 1));
			return (0);
		}
		pmap_kenter(va + ptoa(i), VM_PAGE_TO_PHYS(m));
	}
	return (va + PAGE_SIZE);
}

static void
kstack_free(vm_offset_t stack, int pages)
{
	vm_offset_t va;

	for (va = stack; va < stack + ptoa(pages); va += PAGE_SIZE) {
		vm_page_free(PHYS_TO_VM_PAGE(pmap_kextract(va)));
		pmap_kremove(va);
	}
	kmem_free_nofault(kernel_map, stack - PAGE_SIZE, ptoa(pages + 1));
}

/* Keg init: an item enters the zone with no stack. */
static int
thread_init(void *mem, int size __unused, int flags __unused)
{
	struct thread *td = mem;

	td->td_kstack = 0;
	td->td_kstack_pages = 0;
	return (0);
}

/* Zone fini: an item leaving the caches for its slab gives its stack back. */
static void
thread_zfini(void *mem, int size __unused)
{
	struct thread *td = mem;

	if (td->td_kstack != 0)
		kstack_free(td->td_kstack, td->td_kstack_pages);
	td->td_kstack = 0;
	td->td_kstack_pages = 0;
}

/*
 * Ctor: a clean thread with a new tid, on the stack the item kept from
 * its last life, or on a new one; ENOMEM when no stack can be had.
 */
static int
thread_ctor(void *mem, int size __unused, void *arg __unused,
    int flags __unused)
{
	struct thread *td = mem;
	vm_offset_t kstack;
	int pages;

	kstack = td->td_kstack;
	pages = td->td_kstack_pages;
	if (kstack == 0) {
		pages = KSTACK_PAGES;
		kstack = kstack_alloc(pages);
		if (kstack == 0)
			return (ENOMEM);
	}
	bzero(td, sizeof(*td));
	td->td_kstack = kstack;
	td->td_kstack_pages = pages;
	td->td_tid = atomic_fetchadd_int(&thread_next_tid, 1);
	td->td_oncpu = NOCPU;
	td->td_lastcpu = NOCPU;
	td->td_bound = NOCPU;
	td->td_state = TDS_INACTIVE;
	return (0);
}

/* Dtor: only a thread that can never run again goes back. */
static void
thread_dtor(void *mem, int size __unused, void *arg __unused)
{
	struct thread *td = mem;

	KASSERT(td->td_state == TDS_INACTIVE, ("thread_free: %s (tid %d) "
	    "is in state %d", td->td_name, td->td_tid, td->td_state));
	KASSERT(td->td_wchan == NULL && (td->td_flags & TDF_TIMEOUT) == 0,
	    ("thread_free: %s (tid %d) is on a sleep queue", td->td_name,
	    td->td_tid));
	KASSERT(td != curthread, ("thread_free: %s frees itself",
	    td->td_name));
	td->td_oncpu = NOCPU;
}

/* The zone, before the scheduler makes the first idle thread. */
static void
threadinit(void *dummy __unused)
{
	thread_zone = uma_zcreate("THREAD", sizeof(struct thread),
	    thread_ctor, thread_dtor, thread_init, NULL, UMA_ALIGN_CACHE,
	    UMA_ZONE_NOFREE);
	uma_zone_set_zfini(thread_zone, thread_zfini);
}
SYSINIT(thread_zone, SI_SUB_INTRINSIC, SI_ORDER_FIRST, threadinit, NULL);

struct thread *
thread_alloc(const char *name)
{
	struct thread *td;

	td = uma_zalloc(thread_zone, M_WAITOK);
	if (td == NULL)
		return (NULL);	/* no stack: the ctor failed */
	strlcpy(td->td_name, name, sizeof(td->td_name));
	return (td);
}

void
thread_free(struct thread *td)
{
	uma_zfree(thread_zone, td);
}

/*
 * Lay out the stack for the first cpu_switch into the thread: six saved
 * registers (r15 .. rbp, with func in r12 and arg in r13), the return
 * address fork_trampoline, then padding so that fork_exit is entered
 * with a 16-byte aligned stack, and a zero frame to end backtraces.  The
 * thread starts holding sched_lock once, in a critical section, with
 * interrupts to be enabled when it releases the lock.
 */
void
thread_prepare_start(struct thread *td, void (*func)(void *), void *arg)
{
	uint64_t *sp;

	sp = (uint64_t *)(td->td_kstack + ptoa(td->td_kstack_pages));
	*--sp = 0;			/* fake return address */
	*--sp = 0;			/* alignment */
	*--sp = (uint64_t)fork_trampoline;
	*--sp = 0;			/* rbp */
	*--sp = 0;			/* rbx */
	*--sp = (uint64_t)func;		/* r12 */
	*--sp = (uint64_t)arg;		/* r13 */
	*--sp = 0;			/* r14 */
	*--sp = 0;			/* r15 */
	td->td_switchrsp = (vm_offset_t)sp;
	td->td_critnest = 1;
	td->td_md.md_spinlock_count = 1;
	td->td_md.md_saved_flags = 0x202;	/* PSL_I */
}

void
fork_exit(void (*func)(void *), void *arg)
{
	sched_lock.mtx_lock = (uintptr_t)curthread;
	mtx_unlock_spin(&sched_lock);
	func(arg);
	kthread_exit();
}

/* Give every zombie back to the zone. */
void
thread_reap(void)
{
	TAILQ_HEAD(, thread) dead = TAILQ_HEAD_INITIALIZER(dead);
	struct thread *td;

	mtx_lock_spin(&sched_lock);
	while ((td = TAILQ_FIRST(&thread_zombies)) != NULL) {
		TAILQ_REMOVE(&thread_zombies, td, td_runq);
		TAILQ_INSERT_TAIL(&dead, td, td_runq);
	}
	mtx_unlock_spin(&sched_lock);
	while ((td = TAILQ_FIRST(&dead)) != NULL) {
		TAILQ_REMOVE(&dead, td, td_runq);
		thread_free(td);
	}
}

int
kthread_add(void (*func)(void *), void *arg, struct proc *p,
    struct thread **newtdp, int flags, int pages __unused, const char *fmt,
    ...)
{
	struct thread *td;
	char name[MAXCOMLEN + 1];
	va_list ap;

	KASSERT(p == NULL, ("kthread_add: there are no processes"));
	thread_reap();
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	td = thread_alloc(name);
	if (td == NULL)
		return (ENOMEM);
	thread_prepare_start(td, func, arg);
	td->td_func = func;
	td->td_arg = arg;
	mtx_lock_spin(&allthreads_mtx);
	TAILQ_INSERT_TAIL(&allthreads, td, td_list);
	mtx_unlock_spin(&allthreads_mtx);
	if (newtdp != NULL)
		*newtdp = td;
	if ((flags & RFSTOPPED) == 0) {
		mtx_lock_spin(&sched_lock);
		sched_add(td);
		mtx_unlock_spin(&sched_lock);
	}
	return (0);
}

/* Start a thread made with RFSTOPPED. */
void
kthread_start(struct thread *td)
{
	mtx_lock_spin(&sched_lock);
	sched_add(td);
	mtx_unlock_spin(&sched_lock);
}

void
kthread_exit(void)
{
	struct thread *td = curthread;

	/* Earlier zombies first: at most the latest exits wait for a reap. */
	thread_reap();
	mtx_lock_spin(&allthreads_mtx);
	TAILQ_REMOVE(&allthreads, td, td_list);
	mtx_unlock_spin(&allthreads_mtx);
	mtx_lock_spin(&sched_lock);
	td->td_state = TDS_INACTIVE;
	TAILQ_INSERT_TAIL(&thread_zombies, td, td_runq);
	mi_switch();
	panic("kthread_exit: zombie %s ran again", td->td_name);
}

/* Threads alive (for tests and show threads). */
int
kthread_count(void)
{
	struct thread *td;
	int n = 0;

	mtx_lock_spin(&allthreads_mtx);
	TAILQ_FOREACH(td, &allthreads, td_list)
		n++;
	mtx_unlock_spin(&allthreads_mtx);
	return (n);
}
