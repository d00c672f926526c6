/*
 * sysctl(9): the tree of named kernel values.
 *
 * Static OIDs come from the "sysctl_set" linker set; sysctl_register_all()
 * links each into its parent's list, sorted by number (OID_AUTO gets the
 * next number from CTL_AUTO_START), early in boot.  A CTLFLAG_TUN OID takes
 * its initial value from the loader variable of the same dotted name when
 * it is registered (unless CTLFLAG_NOFETCH), with the environment's
 * malformed-value warning.  Runtime OIDs (sysctl_add_oid) come from a small
 * static pool.
 *
 * Access is by name (kernel_sysctlbyname); a request moves the old value
 * out through SYSCTL_OUT and the new one in through SYSCTL_IN.  Errors:
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
#include <sys/mutex.h>
#include <sys/sysctl.h>

#include "ident.h"

SET_DECLARE(sysctl_set, struct sysctl_oid);

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

/* Give a CTLFLAG_TUN OID its loader value. */
static void
sysctl_fetch_tunable(struct sysctl_oid *oidp)
{
	char name[128];
	quad_t q;

	if ((oidp->oid_kind & (CTLFLAG_TUN | CTLFLAG_NOFETCH)) != CTLFLAG_TUN ||
	    oidp->oid_arg1 == NULL)
		return;
	if (sysctl_oid_name(oidp, name, sizeof(name)) != 0)
		return;
	switch (oidp->oid_kind & CTLTYPE) {
	case CTLTYPE_INT:
		getenv_int(name, oidp->oid_arg1);
		break;
	case CTLTYPE_UINT:
		getenv_uint(name, oidp->oid_arg1);
		break;
	case CTLTYPE_LONG:
		getenv_long(name, oidp->oid_arg1);
		break;
	case CTLTYPE_ULONG:
		getenv_ulong(name, oidp->oid_arg1);
		break;
	case CTLTYPE_QUAD:
	case CTLTYPE_U64:
		q = *(quad_t *)oidp->oid_arg1;	/* the default, for a warning */
		if (getenv_quad(name, &q))
			*(quad_t *)oidp->oid_arg1 = q;
		break;
	case CTLTYPE_STRING:
		if (oidp->oid_arg2 > 0)
			getenv_string(name, oidp->oid_arg1, oidp->oid_arg2);
		break;
	}
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

int
sysctl_call_oid(struct sysctl_oid *oidp, void *old, size_t *oldlenp,
    const void *new, size_t newlen)
{
	struct sysctl_req req;
	int error;

	if ((oidp->oid_kind & CTLTYPE) == CTLTYPE_NODE &&
	    oidp->oid_handler == NULL)
		return (EISDIR);
	if (new != NULL && (oidp->oid_kind & CTLFLAG_WR) == 0)
		return (EPERM);
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
		return (EINVAL);
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
 * Runtime OIDs.
 */
#define	SYSCTL_DYN_MAX	64

static struct sysctl_oid	sysctl_dyn[SYSCTL_DYN_MAX];
static char			sysctl_dyn_names[SYSCTL_DYN_MAX][32];

struct sysctl_oid *
sysctl_add_oid(struct sysctl_oid_list *parent, const char *name, u_int kind,
    void *arg1, intmax_t arg2, sysctl_handler_t *handler, const char *fmt,
    const char *descr)
{
	struct sysctl_oid *oidp = NULL;
	int i;

	if (strlen(name) >= sizeof(sysctl_dyn_names[0]))
		return (NULL);
	mtx_lock(&sysctl_mtx);
	if (sysctl_find_child(parent, name, strlen(name)) != NULL)
		goto out;
	for (i = 0; i < SYSCTL_DYN_MAX; i++) {
		if (sysctl_dyn[i].oid_name == NULL) {
			oidp = &sysctl_dyn[i];
			break;
		}
	}
	if (oidp == NULL)
		goto out;
	strlcpy(sysctl_dyn_names[i], name, sizeof(sysctl_dyn_names[i]));
	bzero(oidp, sizeof(*oidp));
	oidp->oid_parent = parent;
	oidp->oid_number = OID_AUTO;
	oidp->oid_kind = kind | CTLFLAG_DYN;
	oidp->oid_arg1 = arg1;
	oidp->oid_arg2 = arg2;
	oidp->oid_name = sysctl_dyn_names[i];
	oidp->oid_handler = handler;
	oidp->oid_fmt = fmt;
	oidp->oid_descr = descr;
	sysctl_register_oid(oidp);
out:
	mtx_unlock(&sysctl_mtx);
	if (oidp != NULL)
		sysctl_fetch_tunable(oidp);
	return (oidp);
}

void
sysctl_remove_oid(struct sysctl_oid *oidp)
{
	KASSERT((oidp->oid_kind & CTLFLAG_DYN) != 0,
	    ("sysctl_remove_oid: %s is static", oidp->oid_name));
	mtx_lock(&sysctl_mtx);
	SLIST_REMOVE(oidp->oid_parent, oidp, sysctl_oid, oid_link);
	oidp->oid_name = NULL;
	mtx_unlock(&sysctl_mtx);
}

void
sysctl_out_text(void *arg, const char *text)
{
	struct sysctl_req *req = arg;

	(void)SYSCTL_OUT(req, text, strlen(text));
}
