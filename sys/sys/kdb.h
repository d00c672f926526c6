/*
 * The kernel debugger interface (kdb(4)).
 */
#ifndef _SYS_KDB_H_
#define	_SYS_KDB_H_

#include <sys/types.h>

extern volatile int	kdb_active;	/* nonzero while in the debugger */
extern const char	*kdb_why;

#define	KDB_WHY_UNSET	NULL
#define	KDB_WHY_PANIC	"panic"
#define	KDB_WHY_BREAK	"break"
#define	KDB_WHY_TRAP	"trap"

void	kdb_enter(const char *why, const char *msg);
void	kdb_backtrace(void);
/* Print a backtrace starting at frame pointer rbp (and pc, if nonzero). */
void	kdb_backtrace_from(uintptr_t pc, uintptr_t rbp);
/* Symbol lookup: name and offset of the function containing addr. */
const char *kdb_symbol(uintptr_t addr, uintptr_t *offp);

#endif /* !_SYS_KDB_H_ */
