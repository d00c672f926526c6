#ifndef _SYS_ERRNO_H_
#define	_SYS_ERRNO_H_

#define	EPERM		1
#define	ENOENT		2
#define	ESRCH		3
#define	EINTR		4
#define	EIO		5
#define	ENXIO		6
#define	E2BIG		7
#define	ENOMEM		12
#define	EFAULT		14
#define	EBUSY		16
#define	EEXIST		17
#define	ENODEV		19
#define	ENOTDIR		20
#define	EISDIR		21
#define	EINVAL		22
#define	EFBIG		27
#define	ENOSPC		28
#define	EROFS		30
#define	ERANGE		34
#define	EAGAIN		35
#define	EWOULDBLOCK	EAGAIN
#define	EOPNOTSUPP	45
#define	ENOBUFS		55
#define	ETIMEDOUT	60
#define	ENAMETOOLONG	63
#define	ENOTEMPTY	66
#define	ENOSYS		78
#define	ERESTART	(-1)
#define	EJUSTRETURN	(-2)

#endif /* !_SYS_ERRNO_H_ */
