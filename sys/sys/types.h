/*
 * Basic kernel types.
 */
#ifndef _SYS_TYPES_H_
#define	_SYS_TYPES_H_

#include <sys/cdefs.h>

typedef signed char		int8_t;
typedef unsigned char		uint8_t;
typedef short			int16_t;
typedef unsigned short		uint16_t;
typedef int			int32_t;
typedef unsigned int		uint32_t;
typedef long			int64_t;
typedef unsigned long		uint64_t;
typedef long			intptr_t;
typedef unsigned long		uintptr_t;
typedef long			intmax_t;
typedef unsigned long		uintmax_t;
typedef unsigned long		size_t;
typedef long			ssize_t;
typedef long			ptrdiff_t;
typedef int64_t			quad_t;
typedef uint64_t		u_quad_t;

typedef uint8_t			u_int8_t;
typedef uint16_t		u_int16_t;
typedef uint32_t		u_int32_t;
typedef uint64_t		u_int64_t;
typedef unsigned char		u_char;
typedef unsigned short		u_short;
typedef unsigned int		u_int;
typedef unsigned long		u_long;

typedef uint64_t		vm_offset_t;
typedef uint64_t		vm_size_t;
typedef uint64_t		vm_paddr_t;
typedef uint64_t		vm_pindex_t;
typedef long			off_t;
typedef int			pid_t;
typedef long			time_t;
typedef long			sbintime_t;
typedef int			boolean_t;
typedef char			*caddr_t;
typedef const char		*c_caddr_t;

#ifndef __cplusplus
#define	bool	_Bool
#define	true	1
#define	false	0
#endif

#define	NULL	((void *)0)

#define	INT8_MAX	0x7f
#define	INT16_MAX	0x7fff
#define	INT32_MAX	0x7fffffff
#define	INT32_MIN	(-0x7fffffff - 1)
#define	INT64_MAX	0x7fffffffffffffffL
#define	INT64_MIN	(-0x7fffffffffffffffL - 1)
#define	UINT8_MAX	0xff
#define	UINT16_MAX	0xffff
#define	UINT32_MAX	0xffffffffU
#define	UINT64_MAX	0xffffffffffffffffUL
#define	INT_MAX		INT32_MAX
#define	INT_MIN		INT32_MIN
#define	UINT_MAX	UINT32_MAX
#define	LONG_MAX	INT64_MAX
#define	LONG_MIN	INT64_MIN
#define	ULONG_MAX	UINT64_MAX
#define	QUAD_MAX	INT64_MAX
#define	QUAD_MIN	INT64_MIN
#define	SIZE_MAX	UINT64_MAX
#define	INTMAX_MAX	INT64_MAX
#define	INTMAX_MIN	INT64_MIN
#define	UINTMAX_MAX	UINT64_MAX

#endif /* !_SYS_TYPES_H_ */
