/*
 * panic(9) and halting.  The first CPU to panic records the message and
 * prints it; a CPU that panics while another is panicking stops.  What
 * happens next (backtrace, debugger, exit code) is the shutdown hooks' to
 * say: kdb installs itself in panic_hook.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

const char	*panicstr;
static char	panic_buf[256];
static volatile u_int panic_cpu = NOCPU;

/* Called once the message is printed; does not return if it handles it. */
void	(*panic_hook)(void);
/* Stop the other CPUs (installed by the SMP code). */
void	(*stop_cpus_hook)(void);

/*
 * Exit QEMU through isa-debug-exit with status (code << 1) | 1; if there
 * is no such device, reset.
 */
void
shutdown_halt(int code)
{
	disable_intr();
	outl(DEBUG_EXIT_PORT, code);
	cpu_reset();
}

/*
 * A reset asked for (db> reset): QEMU runs with -no-reboot, so say so with
 * EXIT_RESET rather than a silent status 0; without the device, reset.
 */
void
shutdown_reset(void)
{
	shutdown_halt(EXIT_RESET);
}

void
panic(const char *fmt, ...)
{
	struct thread *td = curthread;
	va_list ap;
	u_int me;
	int first;

	disable_intr();
	me = PCPU_GET(cpuid);
	first = atomic_cmpset_int(&panic_cpu, NOCPU, me);
	if (!first && panic_cpu != me) {
		/* Another CPU owns the panic: stop here. */
		for (;;)
			halt();
	}
	va_start(ap, fmt);
	if (first) {
		vsnprintf(panic_buf, sizeof(panic_buf), fmt, ap);
		panicstr = panic_buf;
		printf("panic: %s\n", panic_buf);
	} else {
		printf("panic: ");
		vprintf(fmt, ap);
		printf("\n");
	}
	va_end(ap);
	printf("cpuid = %u\n", me);
	if (td != NULL)
		printf("time = %jd\n", (intmax_t)time_uptime);
	if (first) {
		if (td != NULL)
			td->td_flags |= TDF_INPANIC;
		if (stop_cpus_hook != NULL)
			stop_cpus_hook();
		if (panic_hook != NULL)
			panic_hook();
	}
	/* No debugger took over: there is no wait and no key to press. */
	printf("Uptime: %jds\n", (intmax_t)time_uptime);
	printf("Exiting QEMU with status 37 (panic)\n");
	shutdown_halt(EXIT_PANIC);
}

void
kassert_panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	panic("%s", buf);
}
