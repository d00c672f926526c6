/*
 * Kernel-wide services: printing, panics and assertions, string and memory
 * routines, and the globals every subsystem may read.
 */
#ifndef _SYS_SYSTM_H_
#define	_SYS_SYSTM_H_

#include <sys/types.h>
#include <sys/stdarg.h>
#include <sys/errno.h>

extern int	cold;		/* nonzero until the scheduler runs */
extern int	bootverbose;
extern const char *panicstr;	/* the panic message once panicking */
extern int	hz;		/* clock ticks per second */
extern volatile int ticks;	/* ticks since boot (wraps) */
extern char	version[];

/* Printing (subr_prf.c). */
int	printf(const char *, ...) __printflike(1, 2);
int	vprintf(const char *, va_list) __printflike(1, 0);
int	snprintf(char *, size_t, const char *, ...) __printflike(3, 4);
int	vsnprintf(char *, size_t, const char *, va_list) __printflike(3, 0);
int	sprintf(char *, const char *, ...) __printflike(2, 3);
void	cnputc(int);
void	cnputs(const char *);
int	cngetc(void);		/* blocking read of one console character */
int	cncheckc(void);		/* one character or -1 */

/* Panics and assertions (kern_shutdown.c). */
void	panic(const char *, ...) __dead2 __printflike(1, 2);
void	kassert_panic(const char *fmt, ...) __printflike(1, 2);
void	shutdown_halt(int code) __dead2;

#ifdef INVARIANTS
#define	KASSERT(exp, msg) do {						\
	if (__predict_false(!(exp)))					\
		kassert_panic msg;					\
} while (0)
#else
#define	KASSERT(exp, msg) do { } while (0)
#endif
#define	MPASS(ex)	MPASS4(ex, #ex, __FILE__, __LINE__)
#define	MPASS4(ex, what, file, line)					\
	KASSERT((ex), ("Assertion %s failed at %s:%d", what, file, line))
#define	CTASSERT(x)	_Static_assert(x, "compile-time assertion failed")

/* Critical sections: no preemption and no migration while held. */
void	critical_enter(void);
void	critical_exit(void);

/* Spin-lock interrupt state (machdep). */
void	spinlock_enter(void);
void	spinlock_exit(void);

/* libkern. */
void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	memcmp(const void *, const void *, size_t);
size_t	strlen(const char *);
size_t	strnlen(const char *, size_t);
int	strcmp(const char *, const char *);
int	strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);
char	*strrchr(const char *, int);
char	*strstr(const char *, const char *);
size_t	strlcpy(char *, const char *, size_t);
size_t	strlcat(char *, const char *, size_t);
char	*strsep(char **, const char *);
intmax_t strtoimax_k(const char *, char **, int, int *);
uintmax_t strtoumax_k(const char *, char **, int, int *);
long	strtol(const char *, char **, int);
unsigned long strtoul(const char *, char **, int);
quad_t	strtoq(const char *, char **, int);
u_quad_t strtouq(const char *, char **, int);
int	isspace(int);
int	isdigit(int);
int	isalpha(int);
int	isprint(int);
#define	bzero(p, n)	memset((p), 0, (n))
#define	bcopy(s, d, n)	memmove((d), (s), (n))
#define	bcmp(a, b, n)	memcmp((a), (b), (n))

static __inline int imin(int a, int b) { return (a < b ? a : b); }
static __inline int imax(int a, int b) { return (a > b ? a : b); }
static __inline u_long ulmin(u_long a, u_long b) { return (a < b ? a : b); }
static __inline u_long ulmax(u_long a, u_long b) { return (a > b ? a : b); }

/* The loader environment (kern_environment.c). */
char	*kern_getenv(const char *name);
void	freeenv(char *env);
int	getenv_int(const char *name, int *data);
int	getenv_uint(const char *name, unsigned int *data);
int	getenv_long(const char *name, long *data);
int	getenv_ulong(const char *name, unsigned long *data);
int	getenv_quad(const char *name, quad_t *data);
int	getenv_string(const char *name, char *data, int size);
int	testenv(const char *name);
int	kern_setenv(const char *name, const char *value);
#define	getenv(n)	kern_getenv(n)
/* Every loader variable, in order (kenv(1)). */
void	kenv_foreach(void (*fn)(const char *name, const char *value, void *arg),
	    void *arg);
/*
 * The one warning for a tunable that cannot be used as given:
 * "WARNING: tunable NAME: REASON "VALUE", using USED" (USED from fmt).
 */
void	tunable_warn(const char *name, const char *reason, const char *fmt,
	    ...) __printflike(3, 4);
/* Parse a number with an optional k/m/g/t suffix: 0 or an errno. */
int	kenv_parse_number(const char *value, int is_signed, intmax_t *sval,
	    uintmax_t *uval);

/*
 * Sleeping (kern_synch.c).  timo is in ticks (0: no timeout); a timeout
 * returns EWOULDBLOCK.  PDROP leaves the interlock released on return.
 * Priorities are accepted and ignored (the scheduler is round robin).
 */
struct mtx;
#define	PVM	4
#define	PWAIT	32
#define	PZERO	22
#define	PSOCK	24
#define	PCATCH	0x100
#define	PDROP	0x200
int	msleep(const void *chan, struct mtx *mtx, int pri, const char *wmesg,
	    int timo);
int	msleep_spin(const void *chan, struct mtx *mtx, const char *wmesg,
	    int timo);
int	tsleep(const void *chan, int pri, const char *wmesg, int timo);
void	wakeup(const void *chan);
void	wakeup_one(const void *chan);
int	pause(const char *wmesg, int timo);

/* Uptime clock (machine-dependent clock code). */
uint64_t	cpu_ticks(void);	/* raw TSC */
uint64_t	cpu_tickrate(void);	/* TSC ticks per second */
uint64_t	uptime_ns(void);	/* nanoseconds since boot */
extern volatile time_t	time_uptime;	/* seconds since boot */
void	DELAY(int usec);

#endif /* !_SYS_SYSTM_H_ */
