/*
 * The console shell.
 *
 * After boot the boot thread reads lines from the serial console with a
 * small line editor and runs them as commands.  Commands register
 * themselves with CONS_COMMAND (sys/sys/cons.h) from any file; "show"
 * subcommands with SHOW_COMMAND.  Built here: help, sysctl, kenv, show
 * pcpu, show threads, bt, panic, halt.  sysctl(8) follows FreeBSD's output
 * and error wording; a write its handler refuses changes nothing and prints
 * "sysctl: NAME: VALUE: Invalid argument (REASON)" (sysctl_refuse(9)
 * gives the reason; other errnos and no reason print the same way).
 *
 * The line editor: printable characters are echoed and kept; a tab is kept
 * as a tab (it separates words as a space does, and is part of a quoted
 * word, as in sh) and echoed as a space; backspace or DEL erases one
 * character, ^U the line, ^C abandons it.  CR, LF or CR LF ends a line
 * (the LF of a CR LF pair is swallowed, even when it arrives late).
 *
 * A line holds at most CONS_MAXLINE characters and CONS_MAXARGS words.  A
 * line over either limit, or with an unterminated quote, is refused with
 * a message and not run: a command is never run cut short.
 *
 * Words are split as sh(1) does, without expansions: '...' keeps every
 * character, "..." keeps every character but \ before " \ $ or `, and
 * outside quotes a backslash keeps the next character.  Quotes may start
 * anywhere in a word: name="two words" is one word, name=two words.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/cons.h>
#include <sys/kdb.h>
#include <sys/mutex.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <machine/md_var.h>

SET_DECLARE(cons_cmd_set, struct cons_cmd);
SET_DECLARE(cons_show_set, struct cons_cmd);

#define	CONS_MAXLINE	1024	/* characters in a line */
#define	CONS_MAXARGS	64	/* words in a line, the command included */

static const char *
errno_text(int error)
{
	switch (error) {
	case EPERM: return ("Operation not permitted");
	case ENOENT: return ("No such file or directory");
	case EIO: return ("Input/output error");
	case EEXIST: return ("File exists");
	case ENOMEM: return ("Cannot allocate memory");
	case EBUSY: return ("Device busy");
	case EINVAL: return ("Invalid argument");
	case ENOSPC: return ("No space left on device");
	case ERANGE: return ("Result too large");
	case EOPNOTSUPP: return ("Operation not supported");
	case EISDIR: return ("Is a directory");
	case ENOTDIR: return ("Not a directory");
	case ENOTEMPTY: return ("Directory not empty");
	default: return ("Unknown error");
	}
}

/*
 * sysctl(8).
 */
struct sysctl_opts {
	int	all, descr, nameonly, valueonly, equals, hex;
};

/*
 * One value on its way to the console.  Text and opaque values are
 * streamed from the handler (sysctl_call_oid_stream), so a value of any
 * length prints (kern.mprof is about 190 KB); the prefix (name and
 * separator) is printed before the first byte.
 */
struct cons_value {
	const char	*cv_name;	/* printed first, unless NULL */
	const char	*cv_sep;	/* then this, unless NULL */
	int		cv_started;
};

static void
value_start(struct cons_value *cv)
{
	if (cv->cv_started)
		return;
	cv->cv_started = 1;
	if (cv->cv_name != NULL)
		cnputs(cv->cv_name);
	if (cv->cv_sep != NULL)
		cnputs(cv->cv_sep);
}

/* Text, without its NUL. */
static int
value_text(void *arg, const void *p, size_t len)
{
	const char *s = p;
	char chunk[128];
	size_t n;

	value_start(arg);
	while (len > 0) {
		for (n = 0; n < sizeof(chunk) - 1 && len > 0; s++, len--)
			if (*s != '\0')
				chunk[n++] = *s;
		chunk[n] = '\0';
		cnputs(chunk);
	}
	return (0);
}

/* Bytes in hex (sysctl -x). */
static int
value_hex(void *arg, const void *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const u_char *b = p;
	char chunk[129];
	size_t n;

	value_start(arg);
	while (len > 0) {
		for (n = 0; n + 2 < sizeof(chunk) && len > 0; b++, len--) {
			chunk[n++] = digits[*b >> 4];
			chunk[n++] = digits[*b & 0xf];
		}
		chunk[n] = '\0';
		cnputs(chunk);
	}
	return (0);
}

static int
oid_is_node(struct sysctl_oid *oidp)
{
	return ((oidp->oid_kind & CTLTYPE) == CTLTYPE_NODE &&
	    oidp->oid_handler == NULL);
}

/* Print one value; returns 0, or -1 when the type has no printer. */
static int
print_value(struct sysctl_oid *oidp, const void *buf, size_t len)
{
	switch (oidp->oid_kind & CTLTYPE) {
	case CTLTYPE_INT:
		printf("%d", *(const int *)buf);
		return (0);
	case CTLTYPE_UINT:
		printf("%u", *(const u_int *)buf);
		return (0);
	case CTLTYPE_LONG:
		printf("%ld", *(const long *)buf);
		return (0);
	case CTLTYPE_ULONG:
		printf("%lu", *(const u_long *)buf);
		return (0);
	case CTLTYPE_QUAD:
		printf("%jd", (intmax_t)*(const int64_t *)buf);
		return (0);
	case CTLTYPE_U64:
		printf("%ju", (uintmax_t)*(const uint64_t *)buf);
		return (0);
	case CTLTYPE_STRING:
		cnputs(len > 0 ? (const char *)buf : "");
		return (0);
	default:
		return (-1);
	}
}

/*
 * Print an OID's value after cv's prefix.  Returns 0 or the handler's
 * errno; output may have started (cv_started) before an error.
 */
static int
print_oid_value(struct sysctl_oid *oidp, struct cons_value *cv)
{
	uint64_t num[2];
	size_t len;
	int error;

	switch (oidp->oid_kind & CTLTYPE) {
	case CTLTYPE_STRING:
		return (sysctl_call_oid_stream(oidp, value_text, cv, NULL));
	case CTLTYPE_OPAQUE:
		len = 0;
		error = sysctl_call_oid(oidp, NULL, &len, NULL, 0);
		if (error != 0)
			return (error);
		value_start(cv);
		printf("Format:%s Length:%zu Dump:0x",
		    oidp->oid_fmt != NULL ? oidp->oid_fmt : "", len);
		return (sysctl_call_oid_stream(oidp, value_hex, cv, NULL));
	default:
		len = sizeof(num);
		error = sysctl_call_oid(oidp, num, &len, NULL, 0);
		if (error != 0)
			return (error);
		value_start(cv);
		if (print_value(oidp, num, len) != 0)
			printf("(type %d)", oidp->oid_kind & CTLTYPE);
		return (0);
	}
}

/* Show a leaf; with print_errors, say why it cannot be read. */
static void
show_leaf(struct sysctl_oid *oidp, const char *name,
    const struct sysctl_opts *o, int print_errors)
{
	struct cons_value cv;
	int error;

	if (o->nameonly) {
		printf("%s\n", name);
		return;
	}
	if (o->descr) {
		printf("%s%s%s\n", name, o->equals ? "=" : ": ",
		    oidp->oid_descr != NULL ? oidp->oid_descr : "");
		return;
	}
	if ((oidp->oid_kind & CTLTYPE) == CTLTYPE_OPAQUE && !o->hex) {
		if (print_errors && !o->all)
			printf("sysctl: %s: opaque value not shown (use -x)\n",
			    name);
		return;
	}
	bzero(&cv, sizeof(cv));
	cv.cv_name = o->valueonly ? NULL : name;
	cv.cv_sep = o->valueonly ? NULL : o->equals ? "=" : ": ";
	error = print_oid_value(oidp, &cv);
	if (error != 0) {
		if (cv.cv_started)
			printf("\n");
		if (print_errors)
			printf("sysctl: %s: %s\n", name, errno_text(error));
		return;
	}
	value_start(&cv);		/* an empty value */
	printf("\n");
}

/* Every leaf under a list, depth first, in number order. */
static void
show_tree(struct sysctl_oid_list *list, char *prefix, size_t plen,
    const struct sysctl_opts *o)
{
	struct sysctl_oid *oidp;
	size_t n;

	SLIST_FOREACH(oidp, list, oid_link) {
		if ((oidp->oid_kind & CTLFLAG_SKIP) != 0)
			continue;
		n = strlen(prefix);
		if (n > 0)
			strlcat(prefix, ".", plen);
		strlcat(prefix, oidp->oid_name, plen);
		if (oid_is_node(oidp))
			show_tree(SYSCTL_CHILDREN(oidp), prefix, plen, o);
		else
			show_leaf(oidp, prefix, o, 0);
		prefix[n] = '\0';
	}
}

/* Parse text for the OID's type into buf; 0 or -1 after a message. */
static int
parse_value(struct sysctl_oid *oidp, const char *text, void *buf,
    size_t size, size_t *lenp)
{
	static const struct {
		int type;
		const char *what;
		int is_signed;
		intmax_t min;
		uintmax_t max;
		size_t size;
	} kinds[] = {
		{ CTLTYPE_INT, "integer", 1, INT_MIN, INT_MAX, sizeof(int) },
		{ CTLTYPE_UINT, "unsigned integer", 0, 0, UINT_MAX,
		    sizeof(u_int) },
		{ CTLTYPE_LONG, "long integer", 1, LONG_MIN, LONG_MAX,
		    sizeof(long) },
		{ CTLTYPE_ULONG, "unsigned long integer", 0, 0, ULONG_MAX,
		    sizeof(u_long) },
		{ CTLTYPE_QUAD, "quad integer", 1, QUAD_MIN, QUAD_MAX,
		    sizeof(int64_t) },
		{ CTLTYPE_U64, "unsigned quad integer", 0, 0, UINT64_MAX,
		    sizeof(uint64_t) },
	};
	int type = oidp->oid_kind & CTLTYPE;
	intmax_t s;
	uintmax_t u;
	char *end;
	size_t i;
	int err;

	if (type == CTLTYPE_STRING) {
		if (strlcpy(buf, text, size) >= size) {
			printf("sysctl: string value too long\n");
			return (-1);
		}
		*lenp = strlen(text) + 1;
		return (0);
	}
	for (i = 0; i < nitems(kinds); i++)
		if (kinds[i].type == type)
			break;
	if (i == nitems(kinds)) {
		printf("sysctl: oid '%s' is type %d, cannot set that\n",
		    oidp->oid_name, type);
		return (-1);
	}
	if (*text == '\0') {
		printf("sysctl: empty numeric value\n");
		return (-1);
	}
	if (kinds[i].is_signed) {
		s = strtoimax_k(text, &end, 0, &err);
		if (err != 0 || *end != '\0' || end == text ||
		    s < kinds[i].min || s > (intmax_t)kinds[i].max)
			goto bad;
		u = (uintmax_t)s;
	} else {
		u = strtoumax_k(text, &end, 0, &err);
		if (err != 0 || *end != '\0' || end == text || *text == '-' ||
		    u > kinds[i].max)
			goto bad;
	}
	memcpy(buf, &u, kinds[i].size);		/* little-endian */
	*lenp = kinds[i].size;
	return (0);
bad:
	printf("sysctl: invalid %s '%s'\n", kinds[i].what, text);
	return (-1);
}

static int
sysctl_one(char *arg, const struct sysctl_opts *o)
{
	static char newbuf[CONS_MAXLINE + 1];
	struct cons_value cv;
	struct sysctl_oid *oidp;
	const char *reason;
	char prefix[128], *value;
	size_t newlen;
	int error;

	value = strchr(arg, '=');
	if (value != NULL)
		*value++ = '\0';
	oidp = sysctl_find_oid_byname(arg);
	if (oidp == NULL) {
		printf("sysctl: unknown oid '%s'\n", arg);
		return (1);
	}
	if (value == NULL) {
		if (oid_is_node(oidp)) {
			strlcpy(prefix, arg, sizeof(prefix));
			show_tree(SYSCTL_CHILDREN(oidp), prefix, sizeof(prefix),
			    o);
		} else
			show_leaf(oidp, arg, o, 1);
		return (0);
	}
	if (oid_is_node(oidp)) {
		printf("sysctl: oid '%s' isn't a leaf node\n", arg);
		return (1);
	}
	if ((oidp->oid_kind & CTLFLAG_WR) == 0) {
		if ((oidp->oid_kind & CTLFLAG_TUN) != 0) {
			printf("sysctl: oid '%s' is a read only tunable\n", arg);
			printf("sysctl: Tunable values are set in "
			    "/boot/loader.conf\n");
		} else
			printf("sysctl: oid '%s' is read only\n", arg);
		return (1);
	}
	if (parse_value(oidp, value, newbuf, sizeof(newbuf), &newlen) != 0)
		return (1);
	/* Old value first, as sysctl(8) prints it. */
	bzero(&cv, sizeof(cv));
	cv.cv_name = o->valueonly ? NULL : arg;
	cv.cv_sep = o->valueonly ? NULL : ": ";
	(void)print_oid_value(oidp, &cv);
	error = sysctl_write_oid(oidp, newbuf, newlen, &reason);
	if (error != 0) {
		/* Every refused write, one format; the value is unchanged. */
		printf("\nsysctl: %s: %s: %s%s%s%s\n", arg, value,
		    errno_text(error), reason != NULL ? " (" : "",
		    reason != NULL ? reason : "", reason != NULL ? ")" : "");
		return (1);
	}
	bzero(&cv, sizeof(cv));
	cv.cv_sep = " -> ";
	if (print_oid_value(oidp, &cv) == 0)
		value_start(&cv);
	printf("\n");
	return (0);
}

static int
cmd_sysctl(int argc, char **argv)
{
	struct sysctl_opts o;
	char prefix[128];
	int i, j, rv = 0;

	bzero(&o, sizeof(o));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		for (j = 1; argv[i][j] != '\0'; j++) {
			switch (argv[i][j]) {
			case 'a': o.all = 1; break;
			case 'd': o.descr = 1; break;
			case 'e': o.equals = 1; break;
			case 'n': o.valueonly = 1; break;
			case 'N': o.nameonly = 1; break;
			case 'x': o.hex = 1; break;
			default:
				goto usage;
			}
		}
	}
	if (o.all && i == argc) {
		prefix[0] = '\0';
		show_tree(&sysctl__children, prefix, sizeof(prefix), &o);
		return (0);
	}
	if (i == argc)
		goto usage;
	for (; i < argc; i++)
		rv |= sysctl_one(argv[i], &o);
	return (rv);
usage:
	printf("usage: sysctl [-adeNnx] name[=value] ...\n"
	    "       sysctl [-deNnx] -a\n");
	return (1);
}
CONS_COMMAND(sysctl, cmd_sysctl, "sysctl [-adeNnx] name[=value] ...",
    "get or set kernel state");

static void
kenv_print(const char *name, const char *value, void *arg __unused)
{
	printf("%s=\"%s\"\n", name, value);
}

static int
cmd_kenv(int argc, char **argv)
{
	char *v;

	if (argc == 1) {
		kenv_foreach(kenv_print, NULL);
		return (0);
	}
	if (argc != 2 || argv[1][0] == '-') {
		printf("usage: kenv [name]\n");
		return (1);
	}
	if ((v = kern_getenv(argv[1])) == NULL) {
		printf("kenv: unable to get %s\n", argv[1]);
		return (1);
	}
	printf("%s\n", v);
	return (0);
}
CONS_COMMAND(kenv, cmd_kenv, "kenv [name]", "list the loader environment");

/*
 * show: ddb-like views.
 */
static const char *
td_state_name(struct thread *td)
{
	switch (td->td_state) {
	case TDS_INACTIVE: return ("Inactive");
	case TDS_INHIBITED: return ("Sleep");
	case TDS_CANRUN: return ("CanRun");
	case TDS_RUNQ: return ("RunQ");
	case TDS_RUNNING: return ("Running");
	default: return ("?");
	}
}

static int
show_pcpu(int argc, char **argv)
{
	struct pcpu *pc;
	struct thread *td;
	u_int cpu;

	cpu = curcpu;
	if (argc > 2 || (argc == 2 && cons_parse_uint(argv[1], &cpu) != 0)) {
		printf("usage: show pcpu [cpu]\n");
		return (1);
	}
	if (cpu >= MAXCPU || pcpu_find(cpu)->pc_self == NULL) {
		printf("show pcpu: no CPU %u\n", cpu);
		return (1);
	}
	pc = pcpu_find(cpu);
	td = pc->pc_curthread;
	printf("cpuid        = %u\n", pc->pc_cpuid);
	printf("apic id      = %u\n", pc->pc_apic_id);
	printf("curthread    = %p: tid %d \"%s\"\n", td,
	    td != NULL ? td->td_tid : -1, td != NULL ? td->td_name : "");
	td = pc->pc_idlethread;
	printf("idlethread   = %p: tid %d \"%s\"\n", td,
	    td != NULL ? td->td_tid : -1, td != NULL ? td->td_name : "");
	printf("switches     = %ju\n", (uintmax_t)pc->pc_cnt_switches);
	printf("interrupts   = %ju\n", (uintmax_t)pc->pc_cnt_intr);
	printf("ipis         = %ju\n", (uintmax_t)pc->pc_cnt_ipi);
	return (0);
}
SHOW_COMMAND(pcpu, show_pcpu, "show pcpu [cpu]", "per-CPU data");

static int
show_threads(int argc, char **argv __unused)
{
	struct thread *td;

	if (argc != 1) {
		printf("usage: show threads\n");
		return (1);
	}
	printf("%6s  %-8s %3s  %-10s %s\n", "tid", "state", "cpu", "wchan",
	    "name");
	mtx_lock_spin(&allthreads_mtx);
	TAILQ_FOREACH(td, &allthreads, td_list)
		printf("%6d  %-8s %3d  %-10s %s\n", td->td_tid,
		    td_state_name(td), td->td_oncpu,
		    td->td_wmesg != NULL ? td->td_wmesg : "-", td->td_name);
	mtx_unlock_spin(&allthreads_mtx);
	return (0);
}
SHOW_COMMAND(threads, show_threads, "show threads", "every kernel thread");

static int
cmd_show(int argc, char **argv)
{
	struct cons_cmd **ccp;

	if (argc >= 2) {
		SET_FOREACH(ccp, cons_show_set)
			if (strcmp((*ccp)->cc_name, argv[1]) == 0)
				return ((*ccp)->cc_func(argc - 1, argv + 1));
	}
	printf("usage: show what; what is one of:");
	SET_FOREACH(ccp, cons_show_set)
		printf(" %s", (*ccp)->cc_name);
	printf("\n");
	return (1);
}
CONS_COMMAND(show, cmd_show, "show what [args]", "ddb-like views");

static int
cmd_bt(int argc, char **argv __unused)
{
	if (argc != 1) {
		printf("usage: bt\n");
		return (1);
	}
	kdb_backtrace();
	return (0);
}
CONS_COMMAND(bt, cmd_bt, "bt", "backtrace of the shell's thread");

static int
cmd_panic(int argc, char **argv)
{
	char msg[CONS_MAXLINE];
	int i;

	msg[0] = '\0';
	for (i = 1; i < argc; i++) {
		if (i > 1)
			strlcat(msg, " ", sizeof(msg));
		strlcat(msg, argv[i], sizeof(msg));
	}
	panic("%s", argc > 1 ? msg : "from console");
}
CONS_COMMAND(panic, cmd_panic, "panic [message]", "panic the kernel");

static int
cmd_halt(int argc, char **argv __unused)
{
	if (argc != 1) {
		printf("usage: halt\n");
		return (1);
	}
	printf("The operating system has halted.\n");
	shutdown_halt(EXIT_OK);
}
CONS_COMMAND(halt, cmd_halt, "halt", "stop the machine (exit QEMU)");

static int
cmd_help(int argc __unused, char **argv __unused)
{
	struct cons_cmd **ccp;

	SET_FOREACH(ccp, cons_cmd_set)
		printf("  %-34s %s\n", (*ccp)->cc_usage, (*ccp)->cc_help);
	SET_FOREACH(ccp, cons_show_set)
		printf("  %-34s %s\n", (*ccp)->cc_usage, (*ccp)->cc_help);
	return (0);
}
CONS_COMMAND(help, cmd_help, "help", "this list");

/*
 * The shell proper.
 */
int
cons_parse_uint(const char *s, u_int *vp)
{
	uintmax_t v;
	char *end;
	int err;

	if (!isdigit((unsigned char)s[0]))
		return (EINVAL);
	v = strtoumax_k(s, &end, 10, &err);
	if (*end != '\0')
		return (EINVAL);
	if (err != 0 || v > UINT_MAX)
		return (ERANGE);
	*vp = (u_int)v;
	return (0);
}

/*
 * Split a line into words in place, as the comment at the top says.
 * Returns the number of words (which may exceed max: only the first max
 * are stored) or -1 with *errp set.
 */
static int
cons_split(char *line, char **argv, int max, const char **errp)
{
	char *p, *q, quote;
	int argc;

	argc = 0;
	p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		q = p;
		if (argc < max)
			argv[argc] = q;
		argc++;
		quote = '\0';
		for (;;) {
			if (*p == '\0') {
				if (quote != '\0') {
					*errp = quote == '"' ?
					    "unterminated \" quote" :
					    "unterminated ' quote";
					return (-1);
				}
				break;
			}
			if (quote == '\'') {
				if (*p == '\'')
					quote = '\0';
				else
					*q++ = *p;
				p++;
			} else if (quote == '"') {
				if (*p == '"') {
					quote = '\0';
					p++;
				} else if (*p == '\\' && p[1] != '\0' &&
				    strchr("\"\\$`", p[1]) != NULL) {
					*q++ = p[1];
					p += 2;
				} else
					*q++ = *p++;
			} else if (*p == ' ' || *p == '\t') {
				p++;
				break;
			} else if (*p == '\'' || *p == '"') {
				quote = *p++;
			} else if (*p == '\\') {
				if (p[1] == '\0') {
					*errp = "line ends with a backslash";
					return (-1);
				}
				*q++ = p[1];
				p += 2;
			} else
				*q++ = *p++;
		}
		*q = '\0';		/* q < p or *p == '\0' here */
	}
	return (argc);
}

int
cons_execute(char *line)
{
	struct cons_cmd **ccp;
	char *argv[CONS_MAXARGS + 1];
	const char *err;
	size_t len;
	int argc;

	len = strlen(line);
	if (len > CONS_MAXLINE) {
		printf("line too long (%zu chars, max %d): not run\n", len,
		    CONS_MAXLINE);
		return (1);
	}
	argc = cons_split(line, argv, CONS_MAXARGS, &err);
	if (argc < 0) {
		printf("%s: not run\n", err);
		return (1);
	}
	if (argc > CONS_MAXARGS) {
		printf("too many arguments (%d words, max %d): not run\n",
		    argc, CONS_MAXARGS);
		return (1);
	}
	argv[argc] = NULL;
	if (argc == 0)
		return (0);
	SET_FOREACH(ccp, cons_cmd_set)
		if (strcmp((*ccp)->cc_name, argv[0]) == 0)
			return ((*ccp)->cc_func(argc, argv));
	printf("%s: Command not found.  Type help for the list.\n", argv[0]);
	return (127);
}

/* Wait for one console character, letting other threads run. */
static int
cons_getc(void)
{
	int c;

	while ((c = cncheckc()) < 0)
		pause("cnpoll", 1);
	return (c);
}

/*
 * Read one line into buf (size bytes).  Returns the number of characters
 * typed, which is size or more when the line did not fit: then only the
 * first size - 1 are in buf.
 */
static size_t
cons_readline(char *buf, size_t size)
{
	static int last_cr;	/* the previous line ended with CR */
	size_t n = 0;
	int c;

	for (;;) {
		c = cons_getc();
		if (c == '\n' && last_cr) {
			last_cr = 0;
			continue;		/* the LF of CR LF */
		}
		last_cr = 0;
		switch (c) {
		case '\r':
		case '\n':
			last_cr = c == '\r';
			cnputc('\n');
			buf[MIN(n, size - 1)] = '\0';
			return (n);
		case '\b':
		case 0x7f:
			if (n > 0) {
				n--;
				cnputs("\b \b");
			}
			break;
		case 0x15:			/* ^U */
			while (n > 0) {
				n--;
				cnputs("\b \b");
			}
			break;
		case 0x03:			/* ^C */
			cnputs("^C\n");
			n = 0;
			cnputs(CONS_PROMPT);
			break;
		case '\t':
		default:
			if (c != '\t' && !isprint(c))
				break;
			/* Past the end, count (and echo) but do not keep. */
			if (n + 1 < size)
				buf[n] = (char)c;
			n++;
			cnputc(c == '\t' ? ' ' : c);
			break;
		}
	}
}

static void
cons_shell(void *dummy __unused)
{
	char line[CONS_MAXLINE + 1];
	size_t n;

	for (;;) {
		cnputs(CONS_PROMPT);
		n = cons_readline(line, sizeof(line));
		if (n > CONS_MAXLINE) {
			printf("line too long (%zu chars, max %d): not run\n",
			    n, CONS_MAXLINE);
			continue;
		}
		cons_execute(line);
	}
}
SYSINIT(cons, SI_SUB_LAST, SI_ORDER_ANY, cons_shell, NULL);
