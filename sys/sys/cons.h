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

/* Run one command line as if typed (used by tests and scripts). */
int	cons_execute(char *line);

#endif /* !_SYS_CONS_H_ */
