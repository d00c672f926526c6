/*
 * The loader environment.
 *
 * The PVH command line (boot_cmdline, the -append text) is the static
 * environment: words "name=value" separated by blanks, a value optionally
 * in double quotes.  It is parsed once, at the first lookup, into a table;
 * kern_setenv() adds or replaces entries in a small dynamic area.
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
#include <sys/mutex.h>
#include <machine/md_var.h>

#define	KENV_MAXVARS	128
#define	KENV_MNAMELEN	64
#define	KENV_MVALLEN	128

struct kenv_var {
	char	name[KENV_MNAMELEN];
	char	value[KENV_MVALLEN];
};

static struct kenv_var	kenv_vars[KENV_MAXVARS];
static int		kenv_count;
static int		kenv_parsed;
static struct mtx	kenv_mtx;

/* Split boot_cmdline into name=value pairs; words without '=' are set to "". */
static void
kenv_parse(void)
{
	const char *p = boot_cmdline;
	struct kenv_var *v;
	size_t n;

	mtx_init(&kenv_mtx, "kenv", NULL, MTX_SPIN);
	while (*p != '\0' && kenv_count < KENV_MAXVARS) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		v = &kenv_vars[kenv_count];
		for (n = 0; *p != '\0' && *p != '=' && *p != ' ' &&
		    *p != '\t'; p++)
			if (n + 1 < sizeof(v->name))
				v->name[n++] = *p;
		v->name[n] = '\0';
		n = 0;
		if (*p == '=') {
			p++;
			if (*p == '"') {
				for (p++; *p != '\0' && *p != '"'; p++)
					if (n + 1 < sizeof(v->value))
						v->value[n++] = *p;
				if (*p == '"')
					p++;
			} else {
				for (; *p != '\0' && *p != ' ' && *p != '\t';
				    p++)
					if (n + 1 < sizeof(v->value))
						v->value[n++] = *p;
			}
		}
		v->value[n] = '\0';
		if (v->name[0] != '\0')
			kenv_count++;
	}
	kenv_parsed = 1;
}

static struct kenv_var *
kenv_lookup(const char *name)
{
	int i;

	if (!kenv_parsed)
		kenv_parse();
	for (i = kenv_count - 1; i >= 0; i--)
		if (strcmp(kenv_vars[i].name, name) == 0)
			return (&kenv_vars[i]);
	return (NULL);
}

/*
 * The value of name, or NULL.  The pointer stays valid until the same
 * name is set again; freeenv() is a no-op kept for source compatibility.
 */
char *
kern_getenv(const char *name)
{
	struct kenv_var *v = kenv_lookup(name);

	return (v != NULL ? v->value : NULL);
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

int
kern_setenv(const char *name, const char *value)
{
	struct kenv_var *v;

	if (strlen(name) >= KENV_MNAMELEN || strlen(value) >= KENV_MVALLEN)
		return (ENAMETOOLONG);
	if ((v = kenv_lookup(name)) == NULL) {
		mtx_lock_spin(&kenv_mtx);
		if (kenv_count == KENV_MAXVARS) {
			mtx_unlock_spin(&kenv_mtx);
			return (ENOMEM);
		}
		v = &kenv_vars[kenv_count];
		strlcpy(v->name, name, sizeof(v->name));
		strlcpy(v->value, value, sizeof(v->value));
		kenv_count++;
		mtx_unlock_spin(&kenv_mtx);
		return (0);
	}
	strlcpy(v->value, value, sizeof(v->value));
	return (0);
}

/* Call fn for every variable in order (kenv(1)). */
void
kenv_foreach(void (*fn)(const char *name, const char *value, void *arg),
    void *arg)
{
	int i;

	if (!kenv_parsed)
		kenv_parse();
	for (i = 0; i < kenv_count; i++)
		fn(kenv_vars[i].name, kenv_vars[i].value, arg);
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
