/*
 * The kernel debugger interface (kdb(4)).
 *
 * Backtraces and symbol lookup are always built (subr_stack.c); the
 * debugger itself, its prompt and the panic hook come with options KDB
 * (subr_kdb.c).  Without KDB, kdb_enter() only prints its message.
 */
#ifndef _SYS_KDB_H_
#define	_SYS_KDB_H_

#include <sys/types.h>

#define	KDB_WHY_UNSET	NULL
#define	KDB_WHY_PANIC	"panic"
#define	KDB_WHY_BREAK	"break"
#define	KDB_WHY_TRAP	"trap"
#define	KDB_WHY_SYSCTL	"sysctl"

/* Backtraces (subr_stack.c). */
void	kdb_backtrace(void);
/* Print the frames from (pc, rbp); pc 0 means start at rbp's caller. */
void	kdb_backtrace_from(uintptr_t pc, uintptr_t rbp);
/* Name and offset of the function containing addr, or NULL. */
const char *kdb_symbol(uintptr_t addr, uintptr_t *offp);

#ifdef KDB
extern volatile int	kdb_active;	/* nonzero while in the debugger */
extern const char	*kdb_why;

void	kdb_enter(const char *why, const char *msg);
#else
#define	kdb_active	0
void	printf_kdb_disabled(const char *why, const char *msg);
static __inline void
kdb_enter(const char *why, const char *msg)
{
	printf_kdb_disabled(why, msg);
}
#endif

#endif /* !_SYS_KDB_H_ */
