/*
 * String and memory routines, and number parsing, for a kernel without
 * libc.  The strto* functions report overflow through an error flag as
 * well as by clamping, so getenv can refuse a value that does not fit.
 */
#include <sys/param.h>
#include <sys/systm.h>

void *
memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;

	__asm__ __volatile__("rep movsb"
	    : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return (ret);
}

void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return (dst);
	if (d < s || d >= s + n)
		return (memcpy(dst, src, n));
	d += n - 1;
	s += n - 1;
	__asm__ __volatile__("std; rep movsb; cld"
	    : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return (dst);
}

void *
memset(void *dst, int c, size_t n)
{
	void *ret = dst;

	__asm__ __volatile__("rep stosb"
	    : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	return (ret);
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return (*p - *q);
	return (0);
}

size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (p - s);
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n;

	for (n = 0; n < max && s[n] != '\0'; n++)
		;
	return (n);
}

int
strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return ((unsigned char)*a - (unsigned char)*b);
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return ((unsigned char)*a - (unsigned char)*b);
		if (*a == '\0')
			break;
	}
	return (0);
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (__DECONST(char *, s));
		if (*s == '\0')
			return (NULL);
	}
}

char *
strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (__DECONST(char *, last));
	}
}

char *
strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncmp(hay, needle, n) == 0)
			return (__DECONST(char *, hay));
	return (n == 0 ? __DECONST(char *, hay) : NULL);
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}

size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	if (dlen == size)
		return (size + strlen(src));
	return (dlen + strlcpy(dst + dlen, src, size - dlen));
}

char *
strsep(char **stringp, const char *delim)
{
	char *s = *stringp, *p;

	if (s == NULL)
		return (NULL);
	for (p = s; *p != '\0'; p++) {
		if (strchr(delim, *p) != NULL) {
			*p = '\0';
			*stringp = p + 1;
			return (s);
		}
	}
	*stringp = NULL;
	return (s);
}

int
isspace(int c)
{
	return (c == ' ' || (c >= '\t' && c <= '\r'));
}

int
isdigit(int c)
{
	return (c >= '0' && c <= '9');
}

int
isalpha(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

int
isprint(int c)
{
	return (c >= 0x20 && c < 0x7f);
}

static int
digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (c - 'A' + 10);
	return (99);
}

/*
 * Parse an unsigned magnitude with an optional sign in base 0 (prefix
 * chosen: 0x hex, 0 octal), 8, 10 or 16.  *overflow is set when the
 * magnitude does not fit in uintmax_t; *endp points past the last digit
 * (at the start when there are none).
 */
static uintmax_t
parse_magnitude(const char *s, char **endp, int base, int *neg,
    int *overflow)
{
	const char *p = s, *digits;
	uintmax_t v = 0;
	int d;

	*neg = 0;
	*overflow = 0;
	while (isspace(*p))
		p++;
	if (*p == '-' || *p == '+')
		*neg = (*p++ == '-');
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0)
		base = (p[0] == '0') ? 8 : 10;
	digits = p;
	for (; (d = digit_value(*p)) < base; p++) {
		if (v > (UINTMAX_MAX - d) / base)
			*overflow = 1;
		v = v * base + d;
	}
	if (endp != NULL)
		*endp = __DECONST(char *, p == digits ? s : p);
	return (v);
}


intmax_t
strtoimax_k(const char *s, char **endp, int base, int *err)
{
	uintmax_t mag;
	int neg, ovf;

	mag = parse_magnitude(s, endp, base, &neg, &ovf);
	if (ovf || (!neg && mag > (uintmax_t)INTMAX_MAX) ||
	    (neg && mag > (uintmax_t)INTMAX_MAX + 1)) {
		if (err != NULL)
			*err = ERANGE;
		return (neg ? INT64_MIN : INT64_MAX);
	}
	if (err != NULL)
		*err = 0;
	return (neg ? -(intmax_t)mag : (intmax_t)mag);
}

uintmax_t
strtoumax_k(const char *s, char **endp, int base, int *err)
{
	uintmax_t mag;
	int neg, ovf;

	mag = parse_magnitude(s, endp, base, &neg, &ovf);
	if (err != NULL)
		*err = ovf ? ERANGE : 0;
	if (ovf)
		return (UINTMAX_MAX);
	return (neg ? -mag : mag);
}

long
strtol(const char *s, char **endp, int base)
{
	return (strtoimax_k(s, endp, base, NULL));
}

unsigned long
strtoul(const char *s, char **endp, int base)
{
	return (strtoumax_k(s, endp, base, NULL));
}

quad_t
strtoq(const char *s, char **endp, int base)
{
	return (strtoimax_k(s, endp, base, NULL));
}

u_quad_t
strtouq(const char *s, char **endp, int base)
{
	return (strtoumax_k(s, endp, base, NULL));
}
