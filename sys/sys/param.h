#ifndef _SYS_PARAM_H_
#define	_SYS_PARAM_H_

#include <sys/types.h>
#include <machine/param.h>

#define	MAXCOMLEN	19
#define	NBBY		8

#define	howmany(x, y)	(((x) + ((y) - 1)) / (y))
#define	roundup(x, y)	((((x) + ((y) - 1)) / (y)) * (y))
#define	rounddown(x, y)	(((x) / (y)) * (y))
#define	roundup2(x, y)	(((x) + ((y) - 1)) & ~((__typeof__(x))(y) - 1))
#define	rounddown2(x, y) ((x) & ~((__typeof__(x))(y) - 1))
#define	powerof2(x)	((((x) - 1) & (x)) == 0)
#define	nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define	MIN(a, b)	(((a) < (b)) ? (a) : (b))
#define	MAX(a, b)	(((a) > (b)) ? (a) : (b))

#endif /* !_SYS_PARAM_H_ */
