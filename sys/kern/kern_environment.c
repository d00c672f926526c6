/*
 * The loader environment.
 *
 * The PVH command line (boot_cmdline: the -append text, then fw_cfg's
 * opt/kenv; machdep.c copies it at boot) is the static environment: words
 * "name=value" separated by blanks, a value optionally in double quotes; a
 * word without '=' is set to "".  When a name appears twice the last one
 * wins.  Nothing in it is dropped or shortened: there is no limit on the
 * number of variables or on the length of a name or a value.
 *
 * Storage, as FreeBSD's (static env, then init_dynamic_kenv):
 *  - Until malloc(9) is up, the text is parsed once, at the first lookup,
 *    into static_env: packed "name\0value\0" pairs, sized for the whole
 *    boot text (and a little room for kern_setenv).
 *  - kenv_init_dynamic() (SI_SUB_KMEM, after kmeminit) copies every pair
 *    into an allocation of its own from M_KENV ("kenv" in vmstat -m),
 *    indexed by a growing array of pointers, and from then on lookups and
 *    kern_setenv use those.
 * Only what machdep.c could not copy before malloc is cut: a boot text
 * longer than BOOT_CMDLINE_MAX - 1 bytes.  Then the dynamic environment
 * re-reads all of it (machdep's boot_cmdline_reread()), and every variable
 * that early tunables could not see is named in a warning.
 *
 * Numbers (getenv_int/uint/long/ulong/quad) are decimal, 0x hex or
 * leading-0 octal, with at most one suffix k, m, g or t (K, M, G, T)
 * multiplying by a power of 1024, and must use the whole string and fit
 * the target type.  Anything else leaves the caller's variable alone,
 * returns 0 and prints (tunable_warn(), the one format every subsystem
 * uses for a tunable it cannot take as given)
 *     WARNING: tunable NAME: invalid value "VALUE", using DEFAULT
 *     WARNING: tunable NAME: value out of range "VALUE", using DEFAULT
 * so a typo never silently changes a setting.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <machine/md_var.h>

MALLOC_DEFINE(M_KENV, "kenv", "kernel environment");

/* kern_setenv's limits (FreeBSD's); the boot text has none. */
#define	KENV_MNAMELEN	128
#define	KENV_MVALLEN	128
#define	KENV_STATIC_SLACK 4096		/* kern_setenv before malloc */

/* Packed pairs: at most 3 bytes per 2 of boot text, plus the slack. */
static char		static_env[BOOT_CMDLINE_MAX / 2 * 3 + KENV_STATIC_SLACK];
static size_t		static_env_len;
static size_t		static_boot_len;	/* the boot text's pairs */
static int		kenv_parsed;

/* The dynamic environment: kenvp[i] is "name\0value\0" from M_KENV. */
static char		**kenvp;
static int		kenv_count, kenv_cap;
static int		dynamic_kenv;
static struct mtx	kenv_mtx;

#define	KENV_NAME(e)	(e)
#define	KENV_VALUE(e)	((e) + strlen(e) + 1)

/*
 * Parse text into packed pairs at out (room for 3 bytes per 2 of text);
 * returns the bytes used.  Blanks are spaces, tabs and newlines.
 */
static size_t
kenv_pack(const char *p, char *out)
{
	char *o = out;

#define	KENV_BLANK(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
	for (;;) {
		while (KENV_BLANK(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p == '=') {	/* no name: skip the word */
			while (*p != '\0' && !KENV_BLANK(*p))
				p++;
			continue;
		}
		while (*p != '\0' && *p != '=' && !KENV_BLANK(*p))
			*o++ = *p++;
		*o++ = '\0';
		if (*p == '=') {
			p++;
			if (*p == '"') {
				for (p++; *p != '\0' && *p != '"'; p++)
					*o++ = *p;
				if (*p == '"')
					p++;
			} else {
				while (*p != '\0' && !KENV_BLANK(*p))
					*o++ = *p++;
			}
		}
		*o++ = '\0';
	}
#undef KENV_BLANK
	return (o - out);
}

static void
kenv_parse(void)
{
	mtx_init(&kenv_mtx, "kenv", NULL, MTX_SPIN);
	static_env_len = kenv_pack(boot_cmdline, static_env);
	static_boot_len = static_env_len;
	kenv_parsed = 1;
}

/* The static pair named name (the last one), or NULL. */
static char *
kenv_static_lookup(const char *name)
{
	char *p, *found = NULL;

	for (p = static_env; p < static_env + static_env_len;
	    p = KENV_VALUE(p) + strlen(KENV_VALUE(p)) + 1)
		if (strcmp(p, name) == 0)
			found = p;
	return (found);
}

/* The index of name in kenvp (the last one), or -1; kenv_mtx held. */
static int
kenv_dynamic_index(const char *name)
{
	int i;

	for (i = kenv_count - 1; i >= 0; i--)
		if (strcmp(KENV_NAME(kenvp[i]), name) == 0)
			return (i);
	return (-1);
}

static char *
kenv_lookup(const char *name)
{
	char *e;
	int i;

	if (!kenv_parsed)
		kenv_parse();
	if (!dynamic_kenv)
		return (kenv_static_lookup(name));
	mtx_lock_spin(&kenv_mtx);
	i = kenv_dynamic_index(name);
	e = i >= 0 ? kenvp[i] : NULL;
	mtx_unlock_spin(&kenv_mtx);
	return (e);
}

/* A new "name\0value\0" from M_KENV. */
static char *
kenv_entry(const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	char *e;

	e = malloc(nl + vl + 2, M_KENV, M_WAITOK);
	memcpy(e, name, nl + 1);
	memcpy(e + nl + 1, value, vl + 1);
	return (e);
}

/*
 * Set name to value in the dynamic environment.  The old entry, if any,
 * is freed: a pointer kern_getenv() returned for it is then stale.
 */
static void
kenv_dynamic_set(const char *name, const char *value)
{
	char *e, *old, **grown, **stale;
	int i, cap;

	e = kenv_entry(name, value);
	mtx_lock_spin(&kenv_mtx);
	while ((i = kenv_dynamic_index(name)) < 0 && kenv_count == kenv_cap) {
		/* Grow outside the spin lock; someone else may grow it too. */
		cap = kenv_cap * 2 + 64;
		mtx_unlock_spin(&kenv_mtx);
		grown = malloc(sizeof(*grown) * cap, M_KENV, M_WAITOK);
		stale = NULL;
		mtx_lock_spin(&kenv_mtx);
		if (cap > kenv_cap) {
			if (kenv_count > 0)
				memcpy(grown, kenvp, sizeof(*grown) *
				    kenv_count);
			stale = kenvp;
			kenvp = grown;
			kenv_cap = cap;
			grown = NULL;
		}
		mtx_unlock_spin(&kenv_mtx);
		if (grown != NULL)
			free(grown, M_KENV);
		if (stale != NULL)
			free(stale, M_KENV);
		mtx_lock_spin(&kenv_mtx);
	}
	old = NULL;
	if (i >= 0) {
		old = kenvp[i];
		kenvp[i] = e;
	} else
		kenvp[kenv_count++] = e;
	mtx_unlock_spin(&kenv_mtx);
	if (old != NULL)
		free(old, M_KENV);
}

/*
 * Move the environment to M_KENV storage once malloc(9) is up (FreeBSD's
 * init_dynamic_kenv).  A boot text that did not fit the early buffer is
 * re-read whole; each variable early tunables missed or saw cut is named.
 */
/*
 * Name a variable early tunables did not see whole.  Those they missed
 * are listed a line at a time: "not seen early: a b c".
 */
#define	KENV_WARN	"WARNING: loader environment: "
static void
kenv_warn_early(const char *name, const char *value, size_t *col)
{
	const char *e = kenv_static_lookup(name);

	if (e != NULL && strcmp(KENV_VALUE(e), value) != 0) {
		if (*col != 0)
			printf("\n");
		*col = 0;
		printf(KENV_WARN "%s cut: early tunables saw \"%s\"\n", name,
		    KENV_VALUE(e));
	} else if (e == NULL) {
		if (*col != 0 && *col + strlen(name) > 100) {
			printf("\n");
			*col = 0;
		}
		if (*col == 0)
			*col = printf(KENV_WARN "not seen early:");
		*col += printf(" %s", name);
	}
}

static void
kenv_init_dynamic(void *dummy __unused)
{
	char *p, *full, *packed, *end;
	size_t col, kept, len;

	if (!kenv_parsed)
		kenv_parse();
	full = packed = NULL;
	kept = strlen(boot_cmdline);
	if (boot_cmdline_len > kept) {
		full = malloc(boot_cmdline_len + 1, M_KENV, M_WAITOK);
		printf(KENV_WARN "tunables read before malloc(9) saw only "
		    "the first %zu of %zu bytes\n", kept, boot_cmdline_len);
		if (boot_cmdline_reread(full, boot_cmdline_len + 1) == 0) {
			packed = malloc((boot_cmdline_len + 1) / 2 * 3 + 2,
			    M_KENV, M_WAITOK);
			len = kenv_pack(full, packed);
		} else
			printf(KENV_WARN "the rest could not be read again: "
			    "lost\n");
	}
	if (packed != NULL) {
		/* The whole boot text, then any kern_setenv before malloc. */
		col = 0;
		for (p = packed; p < packed + len;
		    p = KENV_VALUE(p) + strlen(KENV_VALUE(p)) + 1) {
			kenv_dynamic_set(KENV_NAME(p), KENV_VALUE(p));
			kenv_warn_early(KENV_NAME(p), KENV_VALUE(p), &col);
		}
		if (col != 0)
			printf("\n");
		p = static_env + static_boot_len;
		free(packed, M_KENV);
	} else
		p = static_env;
	for (end = static_env + static_env_len; p < end;
	    p = KENV_VALUE(p) + strlen(KENV_VALUE(p)) + 1)
		kenv_dynamic_set(KENV_NAME(p), KENV_VALUE(p));
	if (full != NULL)
		free(full, M_KENV);
	dynamic_kenv = 1;
}
SYSINIT(kenv_dynamic, SI_SUB_KMEM, SI_ORDER_ANY, kenv_init_dynamic, NULL);

/*
 * The value of name, or NULL.  The pointer stays valid until the same
 * name is set again; freeenv() is a no-op kept for source compatibility.
 */
char *
kern_getenv(const char *name)
{
	char *e = kenv_lookup(name);

	return (e != NULL ? KENV_VALUE(e) : NULL);
}

void
freeenv(char *env __unused)
{
}

int
testenv(const char *name)
{
	return (kenv_lookup(name) != NULL);
}

/* Set or replace name; limits are FreeBSD's KENV_MNAMELEN/KENV_MVALLEN. */
int
kern_setenv(const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);

	if (nl == 0)
		return (EINVAL);
	if (nl >= KENV_MNAMELEN || vl >= KENV_MVALLEN)
		return (ENAMETOOLONG);
	if (!kenv_parsed)
		kenv_parse();
	if (dynamic_kenv) {
		kenv_dynamic_set(name, value);
		return (0);
	}
	/* Before malloc: append a pair; the last one wins. */
	mtx_lock_spin(&kenv_mtx);
	if (static_env_len + nl + vl + 2 > sizeof(static_env)) {
		mtx_unlock_spin(&kenv_mtx);
		return (ENOMEM);
	}
	memcpy(static_env + static_env_len, name, nl + 1);
	memcpy(static_env + static_env_len + nl + 1, value, vl + 1);
	static_env_len += nl + vl + 2;
	mtx_unlock_spin(&kenv_mtx);
	return (0);
}

/*
 * Call fn for every variable in order (kenv(1)); a name set twice is
 * listed once, with the value in use.  For the shell: not for concurrent
 * use with kern_setenv.
 */
void
kenv_foreach(void (*fn)(const char *name, const char *value, void *arg),
    void *arg)
{
	char *p;
	int i;

	if (!kenv_parsed)
		kenv_parse();
	if (dynamic_kenv) {
		for (i = 0; i < kenv_count; i++)
			fn(KENV_NAME(kenvp[i]), KENV_VALUE(kenvp[i]), arg);
		return;
	}
	for (p = static_env; p < static_env + static_env_len;
	    p = KENV_VALUE(p) + strlen(KENV_VALUE(p)) + 1)
		if (kenv_static_lookup(p) == p)
			fn(KENV_NAME(p), KENV_VALUE(p), arg);
}

/*
 * Say that tunable name was not taken as given: why (reason), its text in
 * the environment, and what the kernel uses instead (fmt and arguments).
 */
void
tunable_warn(const char *name, const char *reason, const char *fmt, ...)
{
	const char *value = kern_getenv(name);
	va_list ap;

	printf("WARNING: tunable %s: %s \"%s\", using ", name, reason,
	    value != NULL ? value : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * Parse a number with an optional size suffix.  Returns 0 and sets *val
 * (as a signed value if is_signed) or returns an errno.
 */
int
kenv_parse_number(const char *value, int is_signed, intmax_t *sval,
    uintmax_t *uval)
{
	char *end;
	int err, shift;
	uintmax_t u;
	intmax_t s;

	if (*value == '\0' || isspace(*value))
		return (EINVAL);
	if (is_signed)
		s = strtoimax_k(value, &end, 0, &err);
	else {
		if (*value == '-')
			return (EINVAL);
		u = strtoumax_k(value, &end, 0, &err);
	}
	if (err != 0)
		return (err);
	if (end == value)
		return (EINVAL);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: shift = 0; break;
	}
	if (*end != '\0')
		return (EINVAL);
	if (is_signed) {
		if (s > (INTMAX_MAX >> shift) || s < (INTMAX_MIN >> shift))
			return (ERANGE);
		*sval = s * ((intmax_t)1 << shift);
	} else {
		if (u > (UINTMAX_MAX >> shift))
			return (ERANGE);
		*uval = u << shift;
	}
	return (0);
}

/*
 * Fetch name as a signed number within [min, max] into *out, which holds
 * the default on entry; warn and keep it when the value is malformed.
 */
static int
getenv_signed(const char *name, intmax_t min, intmax_t max, intmax_t *out)
{
	const char *value = kern_getenv(name);
	intmax_t v;
	int error;

	if (value == NULL)
		return (0);
	error = kenv_parse_number(value, 1, &v, NULL);
	if (error == 0 && (v < min || v > max))
		error = ERANGE;
	if (error != 0) {
		tunable_warn(name, error == ERANGE ? "value out of range" :
		    "invalid value", "%jd", *out);
		return (0);
	}
	*out = v;
	return (1);
}

static int
getenv_unsigned(const char *name, uintmax_t max, uintmax_t *out)
{
	const char *value = kern_getenv(name);
	uintmax_t v;
	int error;

	if (value == NULL)
		return (0);
	error = kenv_parse_number(value, 0, NULL, &v);
	if (error == 0 && v > max)
		error = ERANGE;
	if (error != 0) {
		tunable_warn(name, error == ERANGE ? "value out of range" :
		    "invalid value", "%ju", *out);
		return (0);
	}
	*out = v;
	return (1);
}

int
getenv_int(const char *name, int *data)
{
	intmax_t v = *data;

	if (!getenv_signed(name, INT_MIN, INT_MAX, &v))
		return (0);
	*data = (int)v;
	return (1);
}

int
getenv_uint(const char *name, unsigned int *data)
{
	uintmax_t v = *data;

	if (!getenv_unsigned(name, UINT_MAX, &v))
		return (0);
	*data = (unsigned int)v;
	return (1);
}

int
getenv_long(const char *name, long *data)
{
	intmax_t v = *data;

	if (!getenv_signed(name, LONG_MIN, LONG_MAX, &v))
		return (0);
	*data = (long)v;
	return (1);
}

int
getenv_ulong(const char *name, unsigned long *data)
{
	uintmax_t v = *data;

	if (!getenv_unsigned(name, ULONG_MAX, &v))
		return (0);
	*data = (unsigned long)v;
	return (1);
}

int
getenv_quad(const char *name, quad_t *data)
{
	intmax_t v = *data;

	if (!getenv_signed(name, QUAD_MIN, QUAD_MAX, &v))
		return (0);
	*data = v;
	return (1);
}

/* Copy the value into data (size bytes, NUL-terminated); 0 if unset. */
int
getenv_string(const char *name, char *data, int size)
{
	const char *value = kern_getenv(name);

	if (value == NULL)
		return (0);
	strlcpy(data, value, size);
	return (1);
}

void
tunable_int_init(void *data)
{
	struct tunable_int *d = data;

	TUNABLE_INT_FETCH(d->path, d->var);
}

void
tunable_long_init(void *data)
{
	struct tunable_long *d = data;

	TUNABLE_LONG_FETCH(d->path, d->var);
}

void
tunable_ulong_init(void *data)
{
	struct tunable_ulong *d = data;

	TUNABLE_ULONG_FETCH(d->path, d->var);
}

void
tunable_quad_init(void *data)
{
	struct tunable_quad *d = data;

	TUNABLE_QUAD_FETCH(d->path, d->var);
}

void
tunable_str_init(void *data)
{
	struct tunable_str *d = data;

	TUNABLE_STR_FETCH(d->path, d->var, d->size);
}
