/*
 * Kernel threads.
 *
 * A thread is a struct thread plus a kernel stack of KSTACK_PAGES pages
 * with an unmapped guard page below it, so an overflow faults instead of
 * corrupting memory.  Thread structures are type-stable: freed ones go to
 * a free list and are never unmapped, so a lock's spinning waiter may
 * still read the state of an owner that has just exited.
 *
 * kthread_add() prepares the new stack so that the first switch to the
 * thread enters fork_trampoline (swtch.S) and then fork_exit(), which
 * releases sched_lock (held across every switch) and calls the function.
 * kthread_exit() leaves the thread on a zombie list; the next
 * kthread_add() frees zombies, which by then have switched away for good
 * (taking sched_lock proves it).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/stdarg.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>

static TAILQ_HEAD(, thread) thread_freelist =
    TAILQ_HEAD_INITIALIZER(thread_freelist);
static TAILQ_HEAD(, thread) thread_zombies =
    TAILQ_HEAD_INITIALIZER(thread_zombies);
static struct mtx	thread_free_mtx;
static volatile u_int	thread_next_tid = 100001;
MTX_SYSINIT(thread_free, &thread_free_mtx, "thread free list", MTX_SPIN);

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

struct thread *
thread_alloc(const char *name)
{
	struct thread *td;
	char *page;
	size_t i;

	mtx_lock_spin(&thread_free_mtx);
	td = TAILQ_FIRST(&thread_freelist);
	if (td != NULL)
		TAILQ_REMOVE(&thread_freelist, td, td_runq);
	mtx_unlock_spin(&thread_free_mtx);
	if (td == NULL) {
		page = (char *)kmem_alloc(kernel_map, PAGE_SIZE);
		if (page == NULL)
			return (NULL);
		td = (struct thread *)page;
		mtx_lock_spin(&thread_free_mtx);
		for (i = 1; i < PAGE_SIZE / sizeof(*td); i++)
			TAILQ_INSERT_TAIL(&thread_freelist,
			    (struct thread *)(page + i * sizeof(*td)), td_runq);
		mtx_unlock_spin(&thread_free_mtx);
	}
	bzero(td, sizeof(*td));
	td->td_kstack = kstack_alloc(KSTACK_PAGES);
	if (td->td_kstack == 0) {
		thread_free(td);
		return (NULL);
	}
	td->td_kstack_pages = KSTACK_PAGES;
	td->td_tid = atomic_fetchadd_int(&thread_next_tid, 1);
	strlcpy(td->td_name, name, sizeof(td->td_name));
	td->td_oncpu = NOCPU;
	td->td_lastcpu = NOCPU;
	td->td_bound = NOCPU;
	td->td_state = TDS_INACTIVE;
	return (td);
}

void
thread_free(struct thread *td)
{
	if (td->td_kstack != 0)
		kstack_free(td->td_kstack, td->td_kstack_pages);
	td->td_kstack = 0;
	td->td_state = TDS_INACTIVE;
	mtx_lock_spin(&thread_free_mtx);
	TAILQ_INSERT_TAIL(&thread_freelist, td, td_runq);
	mtx_unlock_spin(&thread_free_mtx);
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

static void
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
