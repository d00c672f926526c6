/*
 * The kernel debugger (options KDB).
 *
 * kdb_enter() stops in a small line-oriented debugger on the console,
 * "db> ", with interrupts disabled on the calling CPU: bt, show pcpu,
 * show threads, continue, reset, halt, help.  On panic the debugger runs
 * after the other CPUs were stopped; its policy knobs are FreeBSD's:
 *   debug.trace_on_panic     print a backtrace on panic (options KDB_TRACE)
 *   debug.debugger_on_panic  enter the debugger on panic (default 1;
 *                            0 with options KDB_UNATTENDED, as in every
 *                            test kernel: the panic then exits QEMU);
 *                            also a loader tunable
 *
 * How a session ends, and QEMU's exit status (tools/run-status.sh):
 *   halt      "The operating system has halted."   33 (EXIT_OK)
 *   reset     "Rebooting..."                        39 (EXIT_RESET)
 *   continue  leaves the debugger; after a panic it is refused with a
 *             message and the prompt stays: a panic cannot be continued.
 */
#include "opt_kdb.h"

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/kdb.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

volatile int	kdb_active;
const char	*kdb_why;

#ifdef KDB_TRACE
int	trace_on_panic = 1;
#else
int	trace_on_panic = 0;
#endif
#ifdef KDB_UNATTENDED
int	debugger_on_panic = 0;
#else
int	debugger_on_panic = 1;
#endif
TUNABLE_INT("debug.debugger_on_panic", &debugger_on_panic);
TUNABLE_INT("debug.trace_on_panic", &trace_on_panic);

extern void	(*panic_hook)(void);

typedef void db_cmd_fn_t(char *arg);

struct db_cmd {
	const char	*name;
	db_cmd_fn_t	*func;
	const char	*help;
};

static int	db_leave;	/* set by commands that end the session */

static void
db_bt(char *arg __unused)
{
	kdb_backtrace();
}

static void
db_show(char *arg)
{
	struct pcpu *pc;
	struct thread *td;
	u_int cpu;

	if (arg != NULL && strncmp(arg, "pcpu", 4) == 0) {
		cpu = PCPU_GET(cpuid);
		if (arg[4] == ' ')
			cpu = strtoul(arg + 5, NULL, 0);
		if (cpu >= MAXCPU || pcpu_find(cpu)->pc_self == NULL) {
			printf("no such CPU\n");
			return;
		}
		pc = pcpu_find(cpu);
		td = pc->pc_curthread;
		printf("cpuid        = %u\n", pc->pc_cpuid);
		printf("curthread    = %p: tid %d \"%s\"\n", td,
		    td != NULL ? td->td_tid : -1, td != NULL ? td->td_name : "");
		printf("idlethread   = %p\n", pc->pc_idlethread);
		return;
	}
	if (arg != NULL && strcmp(arg, "threads") == 0) {
		/* No lock: the debugger runs with the world stopped. */
		TAILQ_FOREACH(td, &allthreads, td_list)
			printf("%6d  %-12s cpu %2d  %s\n", td->td_tid,
			    td->td_wmesg != NULL ? td->td_wmesg : "-",
			    td->td_oncpu, td->td_name);
		return;
	}
	printf("usage: show pcpu [cpu] | show threads\n");
}

static void
db_continue(char *arg __unused)
{
	if (panicstr != NULL) {
		printf("continue: a panic cannot be continued; "
		    "use halt or reset\n");
		return;
	}
	db_leave = 1;
}

static void
db_reset(char *arg __unused)
{
	printf("Rebooting...\n");
	shutdown_reset();
}

static void
db_halt(char *arg __unused)
{
	printf("The operating system has halted.\n");
	shutdown_halt(EXIT_OK);
}

static void db_help(char *);

static const struct db_cmd db_cmds[] = {
	{ "bt", db_bt, "print a backtrace of this CPU's thread" },
	{ "trace", db_bt, "same as bt" },
	{ "show", db_show, "show pcpu [cpu] | show threads" },
	{ "continue", db_continue, "leave the debugger (refused after a panic)" },
	{ "c", db_continue, "same as continue" },
	{ "reset", db_reset, "reboot (QEMU exits with status 39)" },
	{ "halt", db_halt, "stop (QEMU exits with status 33)" },
	{ "help", db_help, "this list" },
};

static void
db_help(char *arg __unused)
{
	size_t i;

	for (i = 0; i < nitems(db_cmds); i++)
		printf("%-10s %s\n", db_cmds[i].name, db_cmds[i].help);
}

/* Read one line with echo and backspace, polling the console. */
static void
db_readline(char *buf, size_t size)
{
	size_t n = 0;
	int c;

	for (;;) {
		c = cngetc();
		if (c == '\r' || c == '\n') {
			cnputc('\n');
			break;
		}
		if ((c == '\b' || c == 0x7f) && n > 0) {
			n--;
			cnputs("\b \b");
			continue;
		}
		if (isprint(c) && n + 1 < size) {
			buf[n++] = (char)c;
			cnputc(c);
		}
	}
	buf[n] = '\0';
}

static void
db_loop(void)
{
	char line[128], *arg;
	size_t i;

	db_leave = 0;
	while (!db_leave) {
		cnputs("db> ");
		db_readline(line, sizeof(line));
		arg = strchr(line, ' ');
		if (arg != NULL) {
			*arg++ = '\0';
			while (*arg == ' ')
				arg++;
		}
		if (line[0] == '\0')
			continue;
		for (i = 0; i < nitems(db_cmds); i++) {
			if (strcmp(line, db_cmds[i].name) == 0) {
				db_cmds[i].func(arg);
				break;
			}
		}
		if (i == nitems(db_cmds))
			printf("No such command; type help\n");
	}
}

void
kdb_enter(const char *why, const char *msg)
{
	uint64_t flags;

	flags = intr_disable();
	kdb_why = why;
	kdb_active++;
	printf("KDB: enter: %s\n", msg);
	printf("[ thread pid 0 tid %d ]\n", curthread->td_tid);
	db_loop();
	kdb_active--;
	kdb_why = KDB_WHY_UNSET;
	intr_restore(flags);
}

/* Installed as panic_hook: the message is printed, other CPUs stopped. */
static void
kdb_panic(void)
{
	if (trace_on_panic)
		kdb_backtrace();
	if (debugger_on_panic) {
		printf("KDB: a panic cannot be continued: type halt to stop "
		    "(QEMU status 33) or reset to reboot (status 39)\n");
		kdb_enter(KDB_WHY_PANIC, "panic");
	}
}

static void
kdb_init(void *dummy __unused)
{
	panic_hook = kdb_panic;
}
SYSINIT(kdb, SI_SUB_TUNABLES, SI_ORDER_FIRST, kdb_init, NULL);
