/*
 * Kernel printf.  One formatting engine (kvprintf) writes through a
 * per-call sink: a bounded buffer for snprintf, the console for printf.
 * Conversions: d i u o x X c s p %, flags - 0 + space #, width and
 * precision (also *), length modifiers hh h l ll j z t q.
 *
 * printf formats a whole line into a local buffer and writes it under the
 * console lock, so lines from different CPUs do not interleave; output
 * longer than the buffer is streamed to the console under the lock.  A panicking
 * CPU takes the lock by force after a bounded wait.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/pcpu.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

struct prf_sink {
	void	(*put)(struct prf_sink *, int);
	char	*buf;
	size_t	len;		/* capacity, including the NUL */
	size_t	pos;		/* characters produced (may exceed len) */
};

static const char hexlower[] = "0123456789abcdef";
static const char hexupper[] = "0123456789ABCDEF";

static void
sink_put(struct prf_sink *s, int c)
{
	s->put(s, c);
	s->pos++;
}

static void
sink_pad(struct prf_sink *s, int c, int n)
{
	while (n-- > 0)
		sink_put(s, c);
}

/* Format one integer conversion. */
static void
prf_number(struct prf_sink *s, uintmax_t uv, int neg, int base, int upper,
    int width, int prec, int ladjust, int zeropad, int sign, int space,
    int alt)
{
	char tmp[72], *p;
	const char *digits = upper ? hexupper : hexlower;
	int ndig, nprefix, pad;
	char prefix[3];

	p = tmp + sizeof(tmp);
	ndig = 0;
	do {
		*--p = digits[uv % base];
		uv /= base;
		ndig++;
	} while (uv != 0);
	if (prec == 0 && ndig == 1 && *p == '0' && !alt) {
		ndig = 0;
		p++;
	}
	nprefix = 0;
	if (neg)
		prefix[nprefix++] = '-';
	else if (sign)
		prefix[nprefix++] = '+';
	else if (space)
		prefix[nprefix++] = ' ';
	if (alt && base == 16 && ndig > 0 && !(ndig == 1 && *p == '0')) {
		prefix[nprefix++] = '0';
		prefix[nprefix++] = upper ? 'X' : 'x';
	} else if (alt && base == 8 && *p != '0') {
		*--p = '0';
		ndig++;
	}
	if (prec > ndig)
		pad = prec - ndig;
	else
		pad = 0;
	if (prec < 0 && zeropad && !ladjust && width > ndig + nprefix)
		pad = width - ndig - nprefix;
	width -= ndig + nprefix + pad;
	if (!ladjust)
		sink_pad(s, ' ', width);
	for (int i = 0; i < nprefix; i++)
		sink_put(s, prefix[i]);
	sink_pad(s, '0', pad);
	while (ndig-- > 0)
		sink_put(s, *p++);
	if (ladjust)
		sink_pad(s, ' ', width);
}

static int
kvprintf(struct prf_sink *s, const char *fmt, va_list ap)
{
	const char *str;
	uintmax_t uv;
	intmax_t sv;
	int c, width, prec, ladjust, zeropad, sign, space, alt, lflag;
	int base, upper, n;
	size_t start = s->pos;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			sink_put(s, *fmt);
			continue;
		}
		width = 0;
		prec = -1;
		ladjust = zeropad = sign = space = alt = 0;
		lflag = 0;
		for (;;) {
			c = *++fmt;
			if (c == '-')
				ladjust = 1;
			else if (c == '0')
				zeropad = 1;
			else if (c == '+')
				sign = 1;
			else if (c == ' ')
				space = 1;
			else if (c == '#')
				alt = 1;
			else
				break;
		}
		if (c == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				ladjust = 1;
				width = -width;
			}
			c = *++fmt;
		} else {
			while (c >= '0' && c <= '9') {
				width = width * 10 + (c - '0');
				c = *++fmt;
			}
		}
		if (c == '.') {
			c = *++fmt;
			prec = 0;
			if (c == '*') {
				prec = va_arg(ap, int);
				c = *++fmt;
			} else {
				while (c >= '0' && c <= '9') {
					prec = prec * 10 + (c - '0');
					c = *++fmt;
				}
			}
		}
		/* Length: 'h' -1, 'hh' -2, 'l'/'j'/'z'/'t' 1, 'll'/'q' 2. */
		for (;; c = *++fmt) {
			if (c == 'h')
				lflag--;
			else if (c == 'l')
				lflag++;
			else if (c == 'j' || c == 'z' || c == 't' || c == 'q')
				lflag = 2;
			else
				break;
		}
		base = 10;
		upper = 0;
		switch (c) {
		case 'd':
		case 'i':
			if (lflag >= 1)
				sv = va_arg(ap, long);
			else {
				sv = va_arg(ap, int);
				if (lflag == -1)
					sv = (short)sv;
				else if (lflag <= -2)
					sv = (signed char)sv;
			}
			prf_number(s, sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv,
			    sv < 0, 10, 0, width, prec, ladjust, zeropad, sign,
			    space, alt);
			break;
		case 'X':
			upper = 1;
			/* FALLTHROUGH */
		case 'x':
			base = 16;
			goto number;
		case 'o':
			base = 8;
			goto number;
		case 'u':
number:
			if (lflag >= 1)
				uv = va_arg(ap, unsigned long);
			else {
				uv = va_arg(ap, unsigned int);
				if (lflag == -1)
					uv = (unsigned short)uv;
				else if (lflag <= -2)
					uv = (unsigned char)uv;
			}
			prf_number(s, uv, 0, base, upper, width, prec, ladjust,
			    zeropad, 0, 0, alt);
			break;
		case 'p':
			uv = (uintptr_t)va_arg(ap, void *);
			prf_number(s, uv, 0, 16, 0, width, prec, ladjust,
			    zeropad, 0, 0, 1);
			break;
		case 'c':
			if (!ladjust)
				sink_pad(s, ' ', width - 1);
			sink_put(s, va_arg(ap, int));
			if (ladjust)
				sink_pad(s, ' ', width - 1);
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (str == NULL)
				str = "(null)";
			n = prec >= 0 ? (int)strnlen(str, prec) :
			    (int)strlen(str);
			if (!ladjust)
				sink_pad(s, ' ', width - n);
			for (int i = 0; i < n; i++)
				sink_put(s, str[i]);
			if (ladjust)
				sink_pad(s, ' ', width - n);
			break;
		case '%':
			sink_put(s, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			sink_put(s, '%');
			sink_put(s, c);
			break;
		}
	}
	return ((int)(s->pos - start));
}

static void
buf_put(struct prf_sink *s, int c)
{
	if (s->pos + 1 < s->len)
		s->buf[s->pos] = (char)c;
}

int
vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct prf_sink s = { buf_put, buf, len, 0 };
	int n;

	n = kvprintf(&s, fmt, ap);
	if (len > 0)
		buf[s.pos < len ? s.pos : len - 1] = '\0';
	return (n);
}

int
snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return (n);
}

int
sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, 1024, fmt, ap);
	va_end(ap);
	return (n);
}

/*
 * The console lock: a CPU id + 1 in cn_owner, recursive for the owner
 * (a fault while printing), taken by force by a panicking CPU.
 */
static volatile u_int	cn_owner;
static u_int		cn_depth;

static uint64_t
cn_lock(void)
{
	uint64_t flags;
	u_int me, spins;

	flags = intr_disable();
	me = PCPU_GET(cpuid) + 1;
	if (cn_owner == me) {
		cn_depth++;
		return (flags);
	}
	for (spins = 0; !atomic_cmpset_int(&cn_owner, 0, me); spins++) {
		if (panicstr != NULL && spins > 10000000) {
			cn_owner = me;	/* the owner is stopped: take it */
			break;
		}
		cpu_pause();
	}
	cn_depth = 1;
	return (flags);
}

static void
cn_unlock(uint64_t flags)
{
	if (--cn_depth == 0)
		atomic_store_rel_int(&cn_owner, 0);
	intr_restore(flags);
}

void
cnputc(int c)
{
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
}

void
cnputs(const char *s)
{
	uint64_t flags;

	flags = cn_lock();
	while (*s != '\0')
		cnputc(*s++);
	cn_unlock(flags);
}

int
cncheckc(void)
{
	return (uart_getc_nowait());
}

int
cngetc(void)
{
	int c;

	while ((c = uart_getc_nowait()) < 0)
		cpu_pause();
	return (c);
}

static void
cons_put(struct prf_sink *s __unused, int c)
{
	cnputc(c);
}

/*
 * Output that fits the local buffer is written whole under the console
 * lock; longer output is formatted again straight to the console, still
 * under the lock, so nothing is ever cut.
 */
int
vprintf(const char *fmt, va_list ap)
{
	struct prf_sink s = { cons_put, NULL, 0, 0 };
	char buf[512];
	uint64_t flags;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	if (n < (int)sizeof(buf)) {
		cnputs(buf);
		return (n);
	}
	flags = cn_lock();
	n = kvprintf(&s, fmt, ap);
	cn_unlock(flags);
	return (n);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return (n);
}
