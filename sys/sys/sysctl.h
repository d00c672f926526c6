/*
 * sysctl(9): a tree of named values.  Static OIDs are declared with the
 * SYSCTL_* macros, which put them in the "sysctl_set" linker set; the tree
 * is linked together at boot (kern_sysctl.c).  A CTLFLAG_TUN OID takes its
 * initial value from the loader variable of the same dotted name.
 *
 * Handlers move values with SYSCTL_OUT (to the reader) and SYSCTL_IN (from
 * the writer); a handler's errno refuses a write and leaves the value as it
 * was, and sysctl_refuse() says why.  A CTLFLAG_TUN OID's loader value goes
 * through its handler too, so a handler's checks hold for tunables.
 */
#ifndef _SYS_SYSCTL_H_
#define	_SYS_SYSCTL_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/linker_set.h>

struct sysctl_req;
struct sysctl_oid;

#define	SYSCTL_HANDLER_ARGS	struct sysctl_oid *oidp, void *arg1,	\
	intmax_t arg2, struct sysctl_req *req

typedef int sysctl_handler_t(SYSCTL_HANDLER_ARGS);

/* Types, in the low bits of oid_kind. */
#define	CTLTYPE		0xf
#define	CTLTYPE_NODE	1
#define	CTLTYPE_INT	2
#define	CTLTYPE_STRING	3
#define	CTLTYPE_QUAD	4
#define	CTLTYPE_S64	CTLTYPE_QUAD
#define	CTLTYPE_OPAQUE	5
#define	CTLTYPE_STRUCT	CTLTYPE_OPAQUE
#define	CTLTYPE_UINT	6
#define	CTLTYPE_LONG	7
#define	CTLTYPE_ULONG	8
#define	CTLTYPE_U64	9

/* Flags, in the high bits of oid_kind. */
#define	CTLFLAG_RD	0x80000000
#define	CTLFLAG_WR	0x40000000
#define	CTLFLAG_RW	(CTLFLAG_RD | CTLFLAG_WR)
#define	CTLFLAG_ANYBODY	0x10000000
#define	CTLFLAG_SECURE	0x08000000
#define	CTLFLAG_DYN	0x02000000
#define	CTLFLAG_SKIP	0x01000000	/* hidden from listings */
#define	CTLFLAG_TUN	0x00080000	/* initial value from the loader */
#define	CTLFLAG_MPSAFE	0x00040000
#define	CTLFLAG_STATS	0x00002000
#define	CTLFLAG_NOFETCH	0x00001000	/* TUN, but fetched by hand */
#define	CTLFLAG_RDTUN	(CTLFLAG_RD | CTLFLAG_TUN)
#define	CTLFLAG_RWTUN	(CTLFLAG_RW | CTLFLAG_TUN)

#define	OID_AUTO	(-1)
#define	CTL_AUTO_START	0x100

/* Top-level numbers. */
#define	CTL_KERN	1
#define	CTL_VM		2
#define	CTL_VFS		3
#define	CTL_NET		4
#define	CTL_DEBUG	5
#define	CTL_HW		6
#define	CTL_MACHDEP	7

SLIST_HEAD(sysctl_oid_list, sysctl_oid);

struct sysctl_oid {
	struct sysctl_oid_list	*oid_parent;
	SLIST_ENTRY(sysctl_oid)	oid_link;
	int			oid_number;
	u_int			oid_kind;
	void			*oid_arg1;
	intmax_t		oid_arg2;
	const char		*oid_name;
	sysctl_handler_t	*oid_handler;
	const char		*oid_fmt;
	const char		*oid_descr;
	u_int			oid_refcnt;	/* adds of a dynamic node */
};

/*
 * A context: the runtime OIDs a consumer created, freed together by
 * sysctl_ctx_free() (newest first, so children go before their node).
 */
struct sysctl_ctx_entry {
	struct sysctl_oid		*entry;
	TAILQ_ENTRY(sysctl_ctx_entry)	link;
};
TAILQ_HEAD(sysctl_ctx_list, sysctl_ctx_entry);

/*
 * One request: the old value goes out through oldfunc into oldptr (or is
 * only measured when oldptr is NULL), the new value comes in through
 * newfunc from newptr (NULL for a read).
 */
struct sysctl_req {
	void		*oldptr;
	size_t		oldlen;
	size_t		oldidx;
	int		(*oldfunc)(struct sysctl_req *, const void *, size_t);
	const void	*newptr;
	size_t		newlen;
	size_t		newidx;
	int		(*newfunc)(struct sysctl_req *, void *, size_t);
	int		flags;
	/* A streamed request's writer (sysctl_call_oid_stream). */
	int		(*streamfunc)(void *, const void *, size_t);
	void		*streamarg;
	const char	*reason;	/* why a write was refused, or NULL */
};

#define	SYSCTL_IN(r, p, l)	((r)->newfunc)((r), (p), (l))
#define	SYSCTL_OUT(r, p, l)	((r)->oldfunc)((r), (p), (l))
#define	SYSCTL_OUT_STR(r, p)	SYSCTL_OUT((r), (p), strlen(p) + 1)

/*
 * Refuse a write: a handler that has changed nothing returns
 * sysctl_refuse(req, EINVAL, "must be 0 or more").  The reason, a short
 * phrase in static storage, ends the message sysctl(8) prints
 * ("sysctl: NAME: VALUE: Invalid argument (REASON)") and is the REASON of
 * the warning for a refused loader tunable (tunable_warn():
 * "WARNING: tunable NAME: REASON "VALUE", using DEFAULT").
 */
static __inline int
sysctl_refuse(struct sysctl_req *req, int error, const char *reason)
{
	req->reason = reason;
	return (error);
}

int	sysctl_handle_int(SYSCTL_HANDLER_ARGS);
int	sysctl_handle_long(SYSCTL_HANDLER_ARGS);
int	sysctl_handle_64(SYSCTL_HANDLER_ARGS);
#define	sysctl_handle_quad	sysctl_handle_64
int	sysctl_handle_string(SYSCTL_HANDLER_ARGS);
int	sysctl_handle_opaque(SYSCTL_HANDLER_ARGS);
/*
 * Append text (without its NUL) to a request: the out(arg, text) writer
 * for table printers behind string OIDs (vm.zone, kern.malloc); arg is
 * the struct sysctl_req.
 */
void	sysctl_out_text(void *req, const char *text);

/*
 * In-kernel access by name (what the console's sysctl(8) uses).  Returns 0
 * or an errno: ENOENT for an unknown name, EPERM for a read-only OID, or
 * the handler's error.
 */
int	kernel_sysctlbyname(const char *name, void *old, size_t *oldlenp,
	    const void *new, size_t newlen);
struct sysctl_oid *sysctl_find_oid_byname(const char *name);

/* Call an OID's handler as kernel_sysctlbyname() does. */
int	sysctl_call_oid(struct sysctl_oid *oidp, void *old, size_t *oldlenp,
	    const void *new, size_t newlen);
/*
 * Read an OID with its old value handed to out(arg, p, len) piece by piece
 * as the handler produces it, with no buffer and no size limit (how the
 * console prints kern.mprof or vm.zone).  out returns 0 or an errno that
 * the handler's SYSCTL_OUT then returns.  *lenp (if not NULL) gets the
 * bytes produced.  Returns 0 or the handler's errno.
 */
int	sysctl_call_oid_stream(struct sysctl_oid *oidp,
	    int (*out)(void *arg, const void *p, size_t len), void *arg,
	    size_t *lenp);
/*
 * Write an OID as sysctl(8) does (sysctl_call_oid with no old value);
 * after a refusal *reasonp (if not NULL) is the handler's reason, or NULL.
 */
int	sysctl_write_oid(struct sysctl_oid *oidp, const void *new,
	    size_t newlen, const char **reasonp);
/* The full dotted name; 0 or ENAMETOOLONG. */
int	sysctl_oid_name(struct sysctl_oid *oidp, char *buf, size_t len);
/* The node an OID hangs off, or NULL at the top. */
struct sysctl_oid *sysctl_parent_oid(struct sysctl_oid *oidp);

/*
 * Runtime OIDs, FreeBSD's KPI.  sysctl_add_oid() links a new OID under
 * parent (NULL if one of that name exists, unless both are nodes: then the
 * node is shared and counted) and records it in clist if not NULL.  The
 * OID comes from M_SYSCTLOID and copies of its name and description from
 * M_SYSCTL, so vmstat -m shows them.  label is accepted and unused.  A
 * CTLFLAG_TUN OID takes its loader value through its handler.  May sleep.
 *
 * sysctl_remove_oid() unlinks a runtime OID and, with del, frees it; a
 * node with children is refused (ENOTEMPTY) unless recurse.  EINVAL for a
 * static OID.  Nothing may be using the OID (its handler running) then.
 */
struct sysctl_oid *sysctl_add_oid(struct sysctl_ctx_list *clist,
	    struct sysctl_oid_list *parent, int nbr, const char *name, int kind,
	    void *arg1, intmax_t arg2, sysctl_handler_t *handler,
	    const char *fmt, const char *descr, const char *label);
int	sysctl_remove_oid(struct sysctl_oid *oidp, int del, int recurse);
int	sysctl_remove_name(struct sysctl_oid *parent, const char *name,
	    int del, int recurse);
int	sysctl_ctx_init(struct sysctl_ctx_list *clist);
int	sysctl_ctx_free(struct sysctl_ctx_list *clist);
struct sysctl_ctx_entry *sysctl_ctx_entry_add(struct sysctl_ctx_list *clist,
	    struct sysctl_oid *oidp);
struct sysctl_ctx_entry *sysctl_ctx_entry_find(struct sysctl_ctx_list *clist,
	    struct sysctl_oid *oidp);
int	sysctl_ctx_entry_del(struct sysctl_ctx_list *clist,
	    struct sysctl_oid *oidp);

#define	SYSCTL_ADD_OID(ctx, parent, nbr, name, kind, a1, a2, handler,	\
	    fmt, descr)							\
	sysctl_add_oid((ctx), (parent), (nbr), (name), (kind), (a1), (a2), \
	    (handler), (fmt), (descr), NULL)
#define	SYSCTL_ADD_NODE(ctx, parent, nbr, name, access, handler, descr) \
	SYSCTL_ADD_OID(ctx, parent, nbr, name, CTLTYPE_NODE | (access),	\
	    NULL, 0, handler, "N", descr)
#define	SYSCTL_ADD_INT(ctx, parent, nbr, name, access, ptr, val, descr)	\
	SYSCTL_ADD_OID(ctx, parent, nbr, name, CTLTYPE_INT | (access),	\
	    (ptr), (val), sysctl_handle_int, "I", descr)
#define	SYSCTL_ADD_UINT(ctx, parent, nbr, name, access, ptr, val, descr) \
	SYSCTL_ADD_OID(ctx, parent, nbr, name, CTLTYPE_UINT | (access),	\
	    (ptr), (val), sysctl_handle_int, "IU", descr)
#define	SYSCTL_ADD_LONG(ctx, parent, nbr, name, access, ptr, descr)	\
	SYSCTL_ADD_OID(ctx, parent, nbr, name, CTLTYPE_LONG | (access),	\
	    (ptr), 0, sysctl_handle_long, "L", descr)
#define	SYSCTL_ADD_ULONG(ctx, parent, nbr, name, access, ptr, descr)	\
	SYSCTL_ADD_OID(ctx, parent, nbr, name, CTLTYPE_ULONG | (access), \
	    (ptr), 0, sysctl_handle_long, "LU", descr)
#define	SYSCTL_ADD_U64(ctx, parent, nbr, name, access, ptr, val, descr)	\
	SYSCTL_ADD_OID(ctx, parent, nbr, name, CTLTYPE_U64 | (access),	\
	    (ptr), (val), sysctl_handle_64, "QU", descr)
#define	SYSCTL_ADD_STRING(ctx, parent, nbr, name, access, arg, len, descr) \
	SYSCTL_ADD_OID(ctx, parent, nbr, name, CTLTYPE_STRING | (access), \
	    (arg), (len), sysctl_handle_string, "A", descr)
#define	SYSCTL_ADD_PROC(ctx, parent, nbr, name, access, ptr, arg, handler, \
	    fmt, descr)							\
	SYSCTL_ADD_OID(ctx, parent, nbr, name, (access), (ptr), (arg),	\
	    handler, fmt, descr)

#define	SYSCTL_DECL(name)	extern struct sysctl_oid_list sysctl_##name##_children
#define	SYSCTL_CHILDREN(oidp)	((struct sysctl_oid_list *)(oidp)->oid_arg1)
#define	SYSCTL_STATIC_CHILDREN(oid_name) (&sysctl_##oid_name##_children)

#define	SYSCTL_OID(parent, nbr, name, kind, a1, a2, handler, fmt, descr) \
	static struct sysctl_oid sysctl_##parent##_##name = {		\
		.oid_parent = &sysctl_##parent##_children,		\
		.oid_number = (nbr),					\
		.oid_kind = (kind),					\
		.oid_arg1 = (a1),					\
		.oid_arg2 = (a2),					\
		.oid_name = #name,					\
		.oid_handler = (handler),				\
		.oid_fmt = (fmt),					\
		.oid_descr = (descr)					\
	};								\
	DATA_SET(sysctl_set, sysctl_##parent##_##name)

#define	SYSCTL_NODE(parent, nbr, name, access, handler, descr)		\
	struct sysctl_oid_list sysctl_##parent##_##name##_children;	\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_NODE | (access),		\
	    (void *)&sysctl_##parent##_##name##_children, 0, handler,	\
	    "N", descr)
#define	SYSCTL_INT(parent, nbr, name, access, ptr, val, descr)		\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_INT | (access),		\
	    (ptr), (val), sysctl_handle_int, "I", descr)
#define	SYSCTL_UINT(parent, nbr, name, access, ptr, val, descr)		\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_UINT | (access),		\
	    (ptr), (val), sysctl_handle_int, "IU", descr)
#define	SYSCTL_LONG(parent, nbr, name, access, ptr, val, descr)		\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_LONG | (access),		\
	    (ptr), (val), sysctl_handle_long, "L", descr)
#define	SYSCTL_ULONG(parent, nbr, name, access, ptr, val, descr)	\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_ULONG | (access),		\
	    (ptr), (val), sysctl_handle_long, "LU", descr)
#define	SYSCTL_QUAD(parent, nbr, name, access, ptr, val, descr)		\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_QUAD | (access),		\
	    (ptr), (val), sysctl_handle_64, "Q", descr)
#define	SYSCTL_UQUAD(parent, nbr, name, access, ptr, val, descr)	\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_U64 | (access),		\
	    (ptr), (val), sysctl_handle_64, "QU", descr)
#define	SYSCTL_STRING(parent, nbr, name, access, arg, len, descr)	\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_STRING | (access),	\
	    (arg), (len), sysctl_handle_string, "A", descr)
#define	SYSCTL_OPAQUE(parent, nbr, name, access, ptr, len, fmt, descr)	\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_OPAQUE | (access),	\
	    (ptr), (len), sysctl_handle_opaque, fmt, descr)
#define	SYSCTL_STRUCT(parent, nbr, name, access, ptr, type, descr)	\
	SYSCTL_OID(parent, nbr, name, CTLTYPE_OPAQUE | (access),	\
	    (ptr), sizeof(struct type), sysctl_handle_opaque,		\
	    "S," #type, descr)
#define	SYSCTL_PROC(parent, nbr, name, access, ptr, arg, handler, fmt, descr) \
	SYSCTL_OID(parent, nbr, name, (access), (ptr), (arg), handler,	\
	    fmt, descr)

/* The root and the top-level nodes. */
extern struct sysctl_oid_list sysctl__children;
SYSCTL_DECL(_kern);
SYSCTL_DECL(_vm);
SYSCTL_DECL(_vm_stats);
SYSCTL_DECL(_vm_stats_vm);
SYSCTL_DECL(_hw);
SYSCTL_DECL(_debug);
SYSCTL_DECL(_machdep);
SYSCTL_DECL(_net);
SYSCTL_DECL(_kern_ipc);

#ifdef MALLOC_DECLARE		/* include <sys/malloc.h> first */
MALLOC_DECLARE(M_SYSCTL);	/* runtime OIDs' names and descriptions */
MALLOC_DECLARE(M_SYSCTLOID);	/* runtime OIDs, node lists, contexts */
#endif

#endif /* !_SYS_SYSCTL_H_ */
