/*
 * sysctl(9): the tree of named kernel values.
 *
 * Static OIDs come from the "sysctl_set" linker set; sysctl_register_all()
 * links each into its parent's list, sorted by number (OID_AUTO gets the
 * next number from CTL_AUTO_START), early in boot.  A CTLFLAG_TUN OID takes
 * its initial value from the loader variable of the same dotted name when
 * it is registered (unless CTLFLAG_NOFETCH), with the environment's
 * malformed-value warning.  Runtime OIDs (sysctl_add_oid, SYSCTL_ADD_*)
 * are allocated from M_SYSCTLOID, their names and descriptions from
 * M_SYSCTL, and freed by sysctl_remove_oid or sysctl_ctx_free.
 *
 * Access is by name (kernel_sysctlbyname); a request moves the old value
 * out through SYSCTL_OUT and the new one in through SYSCTL_IN.  The old
 * value goes into a caller's buffer, or (sysctl_call_oid_stream) piece by
 * piece to a caller's writer, as the console prints long text values.  Errors:
 * ENOENT unknown name, EISDIR a node, EPERM a read-only OID, ENOMEM an old
 * buffer too short (oldidx then says how much is needed), or the handler's
 * own errno, in which case the handler has changed nothing.
 *
 * sysctl_mtx protects the lists; handlers run without it, so they may
 * sleep.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>

#include "ident.h"

SET_DECLARE(sysctl_set, struct sysctl_oid);

MALLOC_DEFINE(M_SYSCTL, "sysctl", "sysctl internal magic");
MALLOC_DEFINE(M_SYSCTLOID, "sysctloid", "sysctl dynamic oids");

struct sysctl_oid_list	sysctl__children;
static struct mtx	sysctl_mtx;
static int		sysctl_next_auto = CTL_AUTO_START;

SYSCTL_NODE(, CTL_KERN, kern, CTLFLAG_RW, 0,
    "High kernel, proc, limits &c");
SYSCTL_NODE(, CTL_VM, vm, CTLFLAG_RW, 0, "Virtual memory");
SYSCTL_NODE(, CTL_NET, net, CTLFLAG_RW, 0, "Network, (see socket.h)");
SYSCTL_NODE(, CTL_DEBUG, debug, CTLFLAG_RW, 0, "Debugging");
SYSCTL_NODE(, CTL_HW, hw, CTLFLAG_RW, 0, "hardware");
SYSCTL_NODE(, CTL_MACHDEP, machdep, CTLFLAG_RW, 0, "machine dependent");
SYSCTL_NODE(_vm, OID_AUTO, stats, CTLFLAG_RW, 0, "VM meter stats");
SYSCTL_NODE(_vm_stats, OID_AUTO, vm, CTLFLAG_RW, 0, "VM meter vm stats");
SYSCTL_NODE(_kern, OID_AUTO, ipc, CTLFLAG_RW, 0, "IPC");

SYSCTL_STRING(_kern, OID_AUTO, ostype, CTLFLAG_RD, "FreeBSD", 0,
    "Operating system type");
SYSCTL_STRING(_kern, OID_AUTO, version, CTLFLAG_RD, version, 0,
    "Kernel version");
SYSCTL_STRING(_kern, OID_AUTO, ident, CTLFLAG_RD, KERN_IDENT, 0,
    "Kernel identifier");

/* The full dotted name of an OID. */
int
sysctl_oid_name(struct sysctl_oid *oidp, char *buf, size_t len)
{
	struct sysctl_oid *chain[16];
	struct sysctl_oid *o;
	int depth, i;
	size_t n;

	depth = 0;
	for (o = oidp; o != NULL && depth < (int)nitems(chain);
	    o = sysctl_parent_oid(o))
		chain[depth++] = o;
	n = 0;
	buf[0] = '\0';
	for (i = depth - 1; i >= 0; i--) {
		n = strlcat(buf, chain[i]->oid_name, len);
		if (i > 0)
			n = strlcat(buf, ".", len);
	}
	return (n < len ? 0 : ENAMETOOLONG);
}

/*
 * The OID whose children list is oidp's parent list.  Nodes record their
 * children list in oid_arg1; a search over the tree finds it (the tree
 * is small and this is used only for naming).
 */
static struct sysctl_oid *
find_owner(struct sysctl_oid_list *list, struct sysctl_oid_list *target)
{
	struct sysctl_oid *o, *r;

	SLIST_FOREACH(o, list, oid_link) {
		if ((o->oid_kind & CTLTYPE) != CTLTYPE_NODE ||
		    o->oid_handler != NULL)
			continue;
		if (SYSCTL_CHILDREN(o) == target)
			return (o);
		if ((r = find_owner(SYSCTL_CHILDREN(o), target)) != NULL)
			return (r);
	}
	return (NULL);
}

struct sysctl_oid *
sysctl_parent_oid(struct sysctl_oid *oidp)
{
	if (oidp->oid_parent == &sysctl__children)
		return (NULL);
	return (find_owner(&sysctl__children, oidp->oid_parent));
}

static int	sysctl_call_req(struct sysctl_oid *, void *, size_t *,
		    const void *, size_t, const char **);

union sysctl_tunable_value {
	int	i;
	u_int	u;
	long	l;
	u_long	ul;
	quad_t	q;
};

/* A loader value the handler refused: tunable_warn(9)'s one format. */
static void
sysctl_tunable_refused(struct sysctl_oid *oidp, const char *name,
    const char *reason, const union sysctl_tunable_value *def)
{
	if (reason == NULL)
		reason = "invalid value";
	switch (oidp->oid_kind & CTLTYPE) {
	case CTLTYPE_INT:
		tunable_warn(name, reason, "%d", def->i);
		break;
	case CTLTYPE_UINT:
		tunable_warn(name, reason, "%u", def->u);
		break;
	case CTLTYPE_LONG:
		tunable_warn(name, reason, "%ld", def->l);
		break;
	case CTLTYPE_ULONG:
		tunable_warn(name, reason, "%lu", def->ul);
		break;
	case CTLTYPE_QUAD:
		tunable_warn(name, reason, "%jd", (intmax_t)def->q);
		break;
	case CTLTYPE_U64:
		tunable_warn(name, reason, "%ju", (uintmax_t)(uint64_t)def->q);
		break;
	default:
		tunable_warn(name, reason, "the default");
		break;
	}
}

/*
 * Give a CTLFLAG_TUN OID its loader value, written through its handler as
 * sysctl(8) would write it (read-only or not), so the handler's checks
 * hold: a value it refuses is named in a warning and the default stays.
 * A malformed number is the environment's to warn about (getenv_*).
 */
static void
sysctl_fetch_tunable(struct sysctl_oid *oidp)
{
	union sysctl_tunable_value v, def;
	const char *reason;
	const void *newp;
	char name[128], *value;
	size_t deflen, len;
	int error, ok;

	if ((oidp->oid_kind & (CTLFLAG_TUN | CTLFLAG_NOFETCH)) != CTLFLAG_TUN ||
	    oidp->oid_handler == NULL)
		return;
	if (sysctl_oid_name(oidp, name, sizeof(name)) != 0)
		return;
	if ((value = kern_getenv(name)) == NULL)
		return;
	/* Start from the current value: a warning names it as the one used. */
	bzero(&def, sizeof(def));
	deflen = sizeof(def);
	if ((oidp->oid_kind & CTLTYPE) != CTLTYPE_STRING)
		(void)sysctl_call_req(oidp, &def, &deflen, NULL, 0, NULL);
	v = def;
	newp = &v;
	switch (oidp->oid_kind & CTLTYPE) {
	case CTLTYPE_INT:
		ok = getenv_int(name, &v.i);
		len = sizeof(v.i);
		break;
	case CTLTYPE_UINT:
		ok = getenv_uint(name, &v.u);
		len = sizeof(v.u);
		break;
	case CTLTYPE_LONG:
		ok = getenv_long(name, &v.l);
		len = sizeof(v.l);
		break;
	case CTLTYPE_ULONG:
		ok = getenv_ulong(name, &v.ul);
		len = sizeof(v.ul);
		break;
	case CTLTYPE_QUAD:
	case CTLTYPE_U64:
		ok = getenv_quad(name, &v.q);
		len = sizeof(v.q);
		break;
	case CTLTYPE_STRING:
		ok = 1;
		newp = value;
		len = strlen(value) + 1;
		break;
	default:
		ok = 0;
		break;
	}
	if (ok) {
		error = sysctl_call_req(oidp, NULL, NULL, newp, len, &reason);
		if (error != 0)
			sysctl_tunable_refused(oidp, name, reason, &def);
	}
	freeenv(value);
}

/* Link an OID into its parent list, sorted by number. */
static void
sysctl_register_oid(struct sysctl_oid *oidp)
{
	struct sysctl_oid_list *parent = oidp->oid_parent;
	struct sysctl_oid *p, *q;

	if (oidp->oid_number == OID_AUTO)
		oidp->oid_number = sysctl_next_auto++;
	q = NULL;
	SLIST_FOREACH(p, parent, oid_link) {
		if (oidp->oid_number < p->oid_number)
			break;
		q = p;
	}
	if (q != NULL)
		SLIST_INSERT_AFTER(q, oidp, oid_link);
	else
		SLIST_INSERT_HEAD(parent, oidp, oid_link);
}

static void
sysctl_register_all(void *dummy __unused)
{
	struct sysctl_oid **oidp;

	mtx_init(&sysctl_mtx, "sysctl lock", NULL, MTX_DEF);
	SET_FOREACH(oidp, sysctl_set)
		sysctl_register_oid(*oidp);
	/* Names need the whole tree, so tunables are fetched afterwards. */
	SET_FOREACH(oidp, sysctl_set)
		sysctl_fetch_tunable(*oidp);
}
SYSINIT(sysctl, SI_SUB_TUNABLES, SI_ORDER_ANY, sysctl_register_all, NULL);

/* Find a child by name in one list. */
static struct sysctl_oid *
sysctl_find_child(struct sysctl_oid_list *list, const char *name, size_t len)
{
	struct sysctl_oid *o;

	SLIST_FOREACH(o, list, oid_link)
		if (strlen(o->oid_name) == len &&
		    strncmp(o->oid_name, name, len) == 0)
			return (o);
	return (NULL);
}

struct sysctl_oid *
sysctl_find_oid_byname(const char *name)
{
	struct sysctl_oid_list *list = &sysctl__children;
	struct sysctl_oid *o = NULL;
	const char *dot;
	size_t len;

	mtx_lock(&sysctl_mtx);
	for (;;) {
		dot = strchr(name, '.');
		len = dot != NULL ? (size_t)(dot - name) : strlen(name);
		o = sysctl_find_child(list, name, len);
		if (o == NULL || dot == NULL)
			break;
		if ((o->oid_kind & CTLTYPE) != CTLTYPE_NODE ||
		    o->oid_handler != NULL) {
			o = NULL;
			break;
		}
		list = SYSCTL_CHILDREN(o);
		name = dot + 1;
	}
	mtx_unlock(&sysctl_mtx);
	return (o);
}

/* In-kernel request buffers. */
static int
sysctl_old_kernel(struct sysctl_req *req, const void *p, size_t l)
{
	size_t i = 0;

	if (req->oldptr != NULL) {
		i = l;
		if (req->oldidx >= req->oldlen)
			i = 0;
		else if (i > req->oldlen - req->oldidx)
			i = req->oldlen - req->oldidx;
		if (i > 0)
			memcpy((char *)req->oldptr + req->oldidx, p, i);
	}
	req->oldidx += l;
	if (req->oldptr != NULL && i != l)
		return (ENOMEM);
	return (0);
}

static int
sysctl_new_kernel(struct sysctl_req *req, void *p, size_t l)
{
	if (req->newptr == NULL)
		return (0);
	if (req->newlen - req->newidx < l)
		return (EINVAL);
	memcpy(p, (const char *)req->newptr + req->newidx, l);
	req->newidx += l;
	return (0);
}

/*
 * One request to an OID's handler, without the write-permission check
 * (sysctl_fetch_tunable writes read-only tunables); *reasonp gets the
 * handler's reason for a refusal.
 */
static int
sysctl_call_req(struct sysctl_oid *oidp, void *old, size_t *oldlenp,
    const void *new, size_t newlen, const char **reasonp)
{
	struct sysctl_req req;
	int error;

	if (reasonp != NULL)
		*reasonp = NULL;
	if ((oidp->oid_kind & CTLTYPE) == CTLTYPE_NODE &&
	    oidp->oid_handler == NULL)
		return (EISDIR);
	if (oidp->oid_handler == NULL)
		return (EINVAL);
	bzero(&req, sizeof(req));
	req.oldptr = old;
	req.oldlen = oldlenp != NULL ? *oldlenp : 0;
	req.oldfunc = sysctl_old_kernel;
	req.newptr = new;
	req.newlen = newlen;
	req.newfunc = sysctl_new_kernel;
	error = oidp->oid_handler(oidp, oidp->oid_arg1, oidp->oid_arg2, &req);
	if (oldlenp != NULL)
		*oldlenp = req.oldidx;
	if (error != 0 && reasonp != NULL)
		*reasonp = req.reason;
	return (error);
}

int
sysctl_call_oid(struct sysctl_oid *oidp, void *old, size_t *oldlenp,
    const void *new, size_t newlen)
{
	if ((oidp->oid_kind & CTLTYPE) == CTLTYPE_NODE &&
	    oidp->oid_handler == NULL)
		return (EISDIR);
	if (new != NULL && (oidp->oid_kind & CTLFLAG_WR) == 0)
		return (EPERM);
	return (sysctl_call_req(oidp, old, oldlenp, new, newlen, NULL));
}

int
sysctl_write_oid(struct sysctl_oid *oidp, const void *new, size_t newlen,
    const char **reasonp)
{
	if (reasonp != NULL)
		*reasonp = NULL;
	if ((oidp->oid_kind & CTLTYPE) == CTLTYPE_NODE &&
	    oidp->oid_handler == NULL)
		return (EISDIR);
	if ((oidp->oid_kind & CTLFLAG_WR) == 0)
		return (EPERM);
	return (sysctl_call_req(oidp, NULL, NULL, new, newlen, reasonp));
}

/* A streamed request: each piece goes straight to the caller's writer. */
static int
sysctl_old_stream(struct sysctl_req *req, const void *p, size_t l)
{
	int error = 0;

	if (l > 0)
		error = req->streamfunc(req->streamarg, p, l);
	req->oldidx += l;
	return (error);
}

int
sysctl_call_oid_stream(struct sysctl_oid *oidp,
    int (*out)(void *, const void *, size_t), void *arg, size_t *lenp)
{
	struct sysctl_req req;
	int error;

	if ((oidp->oid_kind & CTLTYPE) == CTLTYPE_NODE &&
	    oidp->oid_handler == NULL)
		return (EISDIR);
	if (oidp->oid_handler == NULL)
		return (EINVAL);
	bzero(&req, sizeof(req));
	req.oldfunc = sysctl_old_stream;
	req.streamfunc = out;
	req.streamarg = arg;
	req.newfunc = sysctl_new_kernel;
	error = oidp->oid_handler(oidp, oidp->oid_arg1, oidp->oid_arg2, &req);
	if (lenp != NULL)
		*lenp = req.oldidx;
	return (error);
}

int
kernel_sysctlbyname(const char *name, void *old, size_t *oldlenp,
    const void *new, size_t newlen)
{
	struct sysctl_oid *oidp;

	if ((oidp = sysctl_find_oid_byname(name)) == NULL)
		return (ENOENT);
	return (sysctl_call_oid(oidp, old, oldlenp, new, newlen));
}

/*
 * Standard handlers.  Each copies the current value out, then takes the
 * new one in if there is one; a short or missing new value changes nothing.
 */
int
sysctl_handle_int(SYSCTL_HANDLER_ARGS)
{
	int tmp, error;

	tmp = arg1 != NULL ? *(int *)arg1 : (int)arg2;
	error = SYSCTL_OUT(req, &tmp, sizeof(tmp));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (arg1 == NULL)
		return (EPERM);
	error = SYSCTL_IN(req, &tmp, sizeof(tmp));
	if (error == 0)
		*(int *)arg1 = tmp;
	return (error);
}

int
sysctl_handle_long(SYSCTL_HANDLER_ARGS)
{
	long tmp;
	int error;

	tmp = arg1 != NULL ? *(long *)arg1 : (long)arg2;
	error = SYSCTL_OUT(req, &tmp, sizeof(tmp));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (arg1 == NULL)
		return (EPERM);
	error = SYSCTL_IN(req, &tmp, sizeof(tmp));
	if (error == 0)
		*(long *)arg1 = tmp;
	return (error);
}

int
sysctl_handle_64(SYSCTL_HANDLER_ARGS)
{
	int64_t tmp;
	int error;

	tmp = arg1 != NULL ? *(int64_t *)arg1 : (int64_t)arg2;
	error = SYSCTL_OUT(req, &tmp, sizeof(tmp));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (arg1 == NULL)
		return (EPERM);
	error = SYSCTL_IN(req, &tmp, sizeof(tmp));
	if (error == 0)
		*(int64_t *)arg1 = tmp;
	return (error);
}

/* arg2 is the buffer size for a writable string, 0 for a read-only one. */
int
sysctl_handle_string(SYSCTL_HANDLER_ARGS)
{
	char *s = arg1;
	size_t len;
	int error;

	error = SYSCTL_OUT(req, s, strlen(s) + 1);
	if (error != 0 || req->newptr == NULL)
		return (error);
	len = req->newlen - req->newidx;
	if (arg2 <= 0)
		return (EPERM);
	if (len > 0 && ((const char *)req->newptr)[req->newidx + len - 1] ==
	    '\0')
		len--;		/* a NUL-terminated new value */
	if (len >= (size_t)arg2)
		return (sysctl_refuse(req, EINVAL, "too long"));
	error = SYSCTL_IN(req, s, len);
	if (error == 0)
		s[len] = '\0';
	return (error);
}

int
sysctl_handle_opaque(SYSCTL_HANDLER_ARGS)
{
	int error;

	error = SYSCTL_OUT(req, arg1, arg2);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (req->newlen - req->newidx != (size_t)arg2)
		return (EINVAL);
	return (SYSCTL_IN(req, arg1, arg2));
}

/*
 * Runtime OIDs.  Each is a struct sysctl_oid from M_SYSCTLOID (with, for a
 * node, its children list), its name and description copied into
 * M_SYSCTL; context entries come from M_SYSCTLOID.
 */
static char *
sysctl_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	p = malloc(len, M_SYSCTL, M_WAITOK);
	memcpy(p, s, len);
	return (p);
}

static int
oid_is_dyn_node(struct sysctl_oid *oidp)
{
	return ((oidp->oid_kind & CTLTYPE) == CTLTYPE_NODE &&
	    oidp->oid_handler == NULL);
}

static void
sysctl_free_oid(struct sysctl_oid *oidp)
{
	if (oid_is_dyn_node(oidp))
		free(SYSCTL_CHILDREN(oidp), M_SYSCTLOID);
	free(__DECONST(char *, oidp->oid_name), M_SYSCTL);
	if (oidp->oid_descr != NULL)
		free(__DECONST(char *, oidp->oid_descr), M_SYSCTL);
	free(oidp, M_SYSCTLOID);
}

struct sysctl_oid *
sysctl_add_oid(struct sysctl_ctx_list *clist, struct sysctl_oid_list *parent,
    int nbr, const char *name, int kind, void *arg1, intmax_t arg2,
    sysctl_handler_t *handler, const char *fmt, const char *descr,
    const char *label __unused)
{
	struct sysctl_oid *oidp, *old;
	struct sysctl_oid_list *children;

	if (parent == NULL || name == NULL || name[0] == '\0' ||
	    strchr(name, '.') != NULL)
		return (NULL);
	/* Allocate first: malloc may sleep, sysctl_mtx is held briefly. */
	oidp = malloc(sizeof(*oidp), M_SYSCTLOID, M_WAITOK | M_ZERO);
	oidp->oid_parent = parent;
	oidp->oid_number = nbr;
	oidp->oid_kind = (u_int)kind | CTLFLAG_DYN;
	oidp->oid_arg1 = arg1;
	oidp->oid_arg2 = arg2;
	oidp->oid_name = sysctl_strdup(name);
	oidp->oid_handler = handler;
	oidp->oid_fmt = fmt;
	oidp->oid_descr = descr != NULL ? sysctl_strdup(descr) : NULL;
	oidp->oid_refcnt = 1;
	if (oid_is_dyn_node(oidp)) {
		children = malloc(sizeof(*children), M_SYSCTLOID, M_WAITOK);
		SLIST_INIT(children);
		oidp->oid_arg1 = children;
	}
	mtx_lock(&sysctl_mtx);
	old = sysctl_find_child(parent, name, strlen(name));
	if (old != NULL) {
		/* A node may be added again (and is then shared). */
		if (oid_is_dyn_node(old) && oid_is_dyn_node(oidp) &&
		    (old->oid_kind & CTLFLAG_DYN) != 0)
			old->oid_refcnt++;
		else
			old = NULL;
		mtx_unlock(&sysctl_mtx);
		sysctl_free_oid(oidp);
		if (old == NULL) {
			printf("sysctl_add_oid: %s: can't re-use a leaf\n",
			    name);
			return (NULL);
		}
		if (clist != NULL)
			sysctl_ctx_entry_add(clist, old);
		return (old);
	}
	sysctl_register_oid(oidp);
	mtx_unlock(&sysctl_mtx);
	if (clist != NULL)
		sysctl_ctx_entry_add(clist, oidp);
	sysctl_fetch_tunable(oidp);
	return (oidp);
}

/* Unlink (and with del free) oidp; sysctl_mtx held, dropped to free. */
static int
sysctl_remove_oid_locked(struct sysctl_oid *oidp, int del, int recurse)
{
	struct sysctl_oid *child;
	int error;

	mtx_assert(&sysctl_mtx, MA_OWNED);
	if ((oidp->oid_kind & CTLFLAG_DYN) == 0) {
		printf("sysctl_remove_oid: %s: can't remove a static OID\n",
		    oidp->oid_name);
		return (EINVAL);
	}
	if (oidp->oid_refcnt > 1) {
		oidp->oid_refcnt--;
		return (0);
	}
	if (oid_is_dyn_node(oidp) && !SLIST_EMPTY(SYSCTL_CHILDREN(oidp))) {
		if (!recurse)
			return (ENOTEMPTY);
		while ((child = SLIST_FIRST(SYSCTL_CHILDREN(oidp))) != NULL) {
			child->oid_refcnt = 1;
			error = sysctl_remove_oid_locked(child, del, recurse);
			if (error != 0)
				return (error);
		}
	}
	SLIST_REMOVE(oidp->oid_parent, oidp, sysctl_oid, oid_link);
	if (del) {
		mtx_unlock(&sysctl_mtx);
		sysctl_free_oid(oidp);
		mtx_lock(&sysctl_mtx);
	}
	return (0);
}

int
sysctl_remove_oid(struct sysctl_oid *oidp, int del, int recurse)
{
	int error;

	if (oidp == NULL)
		return (EINVAL);
	mtx_lock(&sysctl_mtx);
	error = sysctl_remove_oid_locked(oidp, del, recurse);
	mtx_unlock(&sysctl_mtx);
	return (error);
}

int
sysctl_remove_name(struct sysctl_oid *parent, const char *name, int del,
    int recurse)
{
	struct sysctl_oid *oidp;
	int error;

	mtx_lock(&sysctl_mtx);
	oidp = sysctl_find_child(SYSCTL_CHILDREN(parent), name, strlen(name));
	error = oidp != NULL ? sysctl_remove_oid_locked(oidp, del, recurse) :
	    ENOENT;
	mtx_unlock(&sysctl_mtx);
	return (error);
}

int
sysctl_ctx_init(struct sysctl_ctx_list *clist)
{
	if (clist == NULL)
		return (EINVAL);
	TAILQ_INIT(clist);
	return (0);
}

struct sysctl_ctx_entry *
sysctl_ctx_entry_add(struct sysctl_ctx_list *clist, struct sysctl_oid *oidp)
{
	struct sysctl_ctx_entry *e;

	if (clist == NULL || oidp == NULL)
		return (NULL);
	e = malloc(sizeof(*e), M_SYSCTLOID, M_WAITOK);
	e->entry = oidp;
	TAILQ_INSERT_HEAD(clist, e, link);
	return (e);
}

struct sysctl_ctx_entry *
sysctl_ctx_entry_find(struct sysctl_ctx_list *clist, struct sysctl_oid *oidp)
{
	struct sysctl_ctx_entry *e;

	if (clist == NULL || oidp == NULL)
		return (NULL);
	TAILQ_FOREACH(e, clist, link)
		if (e->entry == oidp)
			return (e);
	return (NULL);
}

int
sysctl_ctx_entry_del(struct sysctl_ctx_list *clist, struct sysctl_oid *oidp)
{
	struct sysctl_ctx_entry *e;

	if ((e = sysctl_ctx_entry_find(clist, oidp)) == NULL)
		return (ENOENT);
	TAILQ_REMOVE(clist, e, link);
	free(e, M_SYSCTLOID);
	return (0);
}

/*
 * Remove and free every OID of a context, newest first, so children go
 * before their nodes.  Returns 0 or the first error (the rest are still
 * tried, the failed ones left registered).
 */
int
sysctl_ctx_free(struct sysctl_ctx_list *clist)
{
	struct sysctl_ctx_entry *e;
	int error, first = 0;

	if (clist == NULL)
		return (EINVAL);
	while ((e = TAILQ_FIRST(clist)) != NULL) {
		error = sysctl_remove_oid(e->entry, 1, 0);
		if (error != 0 && first == 0)
			first = error;
		TAILQ_REMOVE(clist, e, link);
		free(e, M_SYSCTLOID);
	}
	return (first);
}

void
sysctl_out_text(void *arg, const char *text)
{
	struct sysctl_req *req = arg;

	(void)SYSCTL_OUT(req, text, strlen(text));
}
