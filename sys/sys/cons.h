/*
 * Console shell commands.  A subsystem adds a command to the shell with
 * CONS_COMMAND(name, handler, "usage", "one-line help"); the handler gets
 * argc/argv (argv[0] is the command name) and returns 0, or nonzero after
 * printing a usage or error message.  Commands print with printf.
 */
#ifndef _SYS_CONS_H_
#define	_SYS_CONS_H_

#include <sys/linker_set.h>

typedef int cons_cmd_fn_t(int argc, char **argv);

struct cons_cmd {
	const char	*cc_name;
	cons_cmd_fn_t	*cc_func;
	const char	*cc_usage;	/* e.g. "sysctl [-adn] name[=value]" */
	const char	*cc_help;
};

#define	CONS_COMMAND(name, func, usage, help)				\
	static struct cons_cmd cons_cmd_##name = {		\
		#name, (func), (usage), (help)				\
	};								\
	DATA_SET(cons_cmd_set, cons_cmd_##name)

/* A subcommand of "show" (show NAME ...): argv[0] is NAME. */
#define	SHOW_COMMAND(name, func, usage, help)				\
	static struct cons_cmd cons_show_##name = {		\
		#name, (func), (usage), (help)				\
	};								\
	DATA_SET(cons_show_set, cons_show_##name)

#define	CONS_PROMPT	"# "

/*
 * Run one command line as if typed (used by tests and scripts): split as
 * sh(1) would (quotes, backslash); a line too long, with too many words or
 * an unterminated quote is refused with a message and not run.  Returns
 * the command's status (1 for a refused line, 127 for an unknown command).
 */
int	cons_execute(char *line);

/*
 * Parse a command argument as a decimal u_int: digits only, nothing after
 * them, no overflow.  Returns 0, EINVAL or ERANGE; *vp is set only on 0.
 */
int	cons_parse_uint(const char *s, u_int *vp);

#endif /* !_SYS_CONS_H_ */
