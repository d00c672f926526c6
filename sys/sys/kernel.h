/*
 * Ordered start-up (SYSINIT) and loader tunables (TUNABLE_*).
 *
 * Every SYSINIT registers a function in the "sysinit_set" linker set with
 * a subsystem and an order; mi_startup() sorts the set and calls each one
 * in turn on the boot CPU, then becomes the console shell.
 */
#ifndef _SYS_KERNEL_H_
#define	_SYS_KERNEL_H_

#include <sys/linker_set.h>

enum sysinit_sub_id {
	SI_SUB_DUMMY		= 0x0000000,
	SI_SUB_DONE		= 0x0000001,
	SI_SUB_TUNABLES		= 0x0700000,	/* read the loader env */
	SI_SUB_COPYRIGHT	= 0x0800001,	/* banner */
	SI_SUB_VM		= 0x1000000,	/* page layer */
	SI_SUB_KMEM		= 0x1800000,	/* kernel_map, UMA, malloc */
	SI_SUB_VM_CONF		= 0x2300000,	/* VM objects, pageable map */
	SI_SUB_LOCK		= 0x1b00000,
	SI_SUB_SYSCTLS		= 0x1c00000,	/* the sysctl tree */
	SI_SUB_CPU		= 0x2100000,	/* CPU identification */
	SI_SUB_INTRINSIC	= 0x2800000,	/* thread0, scheduler */
	SI_SUB_MBUF		= 0x2700000,
	SI_SUB_DRIVERS		= 0x3100000,	/* driver globals */
	SI_SUB_CONFIGURE	= 0x3800000,	/* PCI scan, attach */
	SI_SUB_CLOCKS		= 0x4800000,	/* LAPIC timer, hz */
	SI_SUB_SMP		= 0xf000000,	/* start the APs */
	SI_SUB_KTHREAD_INIT	= 0xe000000,
	SI_SUB_KTEST		= 0xf800000,	/* in-kernel tests */
	SI_SUB_SWAP		= 0xc000000,	/* swapon */
	SI_SUB_KTHREAD_PAGE	= 0xe400000,	/* the page daemon */
	SI_SUB_LAST		= 0xfffffff
};

enum sysinit_elem_order {
	SI_ORDER_FIRST		= 0x0000000,
	SI_ORDER_SECOND		= 0x0000001,
	SI_ORDER_THIRD		= 0x0000002,
	SI_ORDER_FOURTH		= 0x0000003,
	SI_ORDER_MIDDLE		= 0x1000000,
	SI_ORDER_ANY		= 0xfffffff
};

typedef void (*sysinit_cfunc_t)(const void *);

struct sysinit {
	enum sysinit_sub_id	subsystem;
	enum sysinit_elem_order	order;
	sysinit_cfunc_t		func;
	const void		*udata;
	const char		*name;
};

#define	SYSINIT(uniquifier, subsystem, order, func, ident)		\
	static struct sysinit uniquifier ## _sys_init = {		\
		subsystem, order, (sysinit_cfunc_t)(func),		\
		(const void *)(ident), #func				\
	};								\
	DATA_SET(sysinit_set, uniquifier ## _sys_init)

/*
 * Tunables: fetch a loader variable into a kernel variable early in boot.
 * A missing or malformed value leaves the compiled-in default (and a
 * malformed one prints a warning naming the variable).
 */
struct tunable_int	{ const char *path; int *var; };
struct tunable_long	{ const char *path; long *var; };
struct tunable_ulong	{ const char *path; unsigned long *var; };
struct tunable_quad	{ const char *path; quad_t *var; };
struct tunable_str	{ const char *path; char *var; int size; };

/* Expands the generated name before SYSINIT pastes it. */
#define	TUNABLE_SYSINIT(uniq, func, arg)				\
	SYSINIT(uniq, SI_SUB_TUNABLES, SI_ORDER_MIDDLE, func, arg)

void	tunable_int_init(void *);
void	tunable_long_init(void *);
void	tunable_ulong_init(void *);
void	tunable_quad_init(void *);
void	tunable_str_init(void *);

#define	TUNABLE_INT(path, var)						\
	static struct tunable_int __CONCAT(__tunable_int_, __LINE__) =	\
	    { (path), (var) };						\
	TUNABLE_SYSINIT(__CONCAT(__Tunable_init_, __LINE__), tunable_int_init,	\
	    &__CONCAT(__tunable_int_, __LINE__))
#define	TUNABLE_LONG(path, var)						\
	static struct tunable_long __CONCAT(__tunable_long_, __LINE__) = \
	    { (path), (var) };						\
	TUNABLE_SYSINIT(__CONCAT(__Tunable_init_, __LINE__), tunable_long_init,	\
	    &__CONCAT(__tunable_long_, __LINE__))
#define	TUNABLE_ULONG(path, var)					\
	static struct tunable_ulong __CONCAT(__tunable_ulong_, __LINE__) = \
	    { (path), (var) };						\
	TUNABLE_SYSINIT(__CONCAT(__Tunable_init_, __LINE__), tunable_ulong_init,	\
	    &__CONCAT(__tunable_ulong_, __LINE__))
#define	TUNABLE_QUAD(path, var)						\
	static struct tunable_quad __CONCAT(__tunable_quad_, __LINE__) = \
	    { (path), (var) };						\
	TUNABLE_SYSINIT(__CONCAT(__Tunable_init_, __LINE__), tunable_quad_init,	\
	    &__CONCAT(__tunable_quad_, __LINE__))
#define	TUNABLE_STR(path, var, size)					\
	static struct tunable_str __CONCAT(__tunable_str_, __LINE__) =	\
	    { (path), (var), (size) };					\
	TUNABLE_SYSINIT(__CONCAT(__Tunable_init_, __LINE__), tunable_str_init,	\
	    &__CONCAT(__tunable_str_, __LINE__))

#define	TUNABLE_INT_FETCH(path, var)	getenv_int((path), (var))
#define	TUNABLE_LONG_FETCH(path, var)	getenv_long((path), (var))
#define	TUNABLE_ULONG_FETCH(path, var)	getenv_ulong((path), (var))
#define	TUNABLE_QUAD_FETCH(path, var)	getenv_quad((path), (var))
#define	TUNABLE_STR_FETCH(path, var, size) getenv_string((path), (var), (size))

#endif /* !_SYS_KERNEL_H_ */
