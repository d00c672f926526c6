/*
 * The interface list (FreeBSD's ifnet list and ifindex table, reduced).
 *
 * Interfaces are kept in attach order on one TAILQ under ifnet_mtx, each
 * with an index (1 up, the lowest free) that netstat -i shows as <Link#N>.
 * The list owns no memory: a struct ifnet is its driver's.  The stack's
 * address is bound to the first interface on the list (in_ifaddr.ia_ifp),
 * so it moves when that one detaches.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <net/if.h>
#include <netinet/in_var.h>

static TAILQ_HEAD(, ifnet) ifnet_list = TAILQ_HEAD_INITIALIZER(ifnet_list);
static struct ifnet *ifindex_table[IF_MAXINDEX + 1];
static struct mtx ifnet_mtx;
MTX_SYSINIT(ifnet, &ifnet_mtx, "ifnet", MTX_DEF);

static struct ifnet *
ifunit_locked(const char *name)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &ifnet_list, if_link)
		if (strcmp(ifp->if_xname, name) == 0)
			return (ifp);
	return (NULL);
}

struct ifnet *
ifunit(const char *name)
{
	struct ifnet *ifp;

	mtx_lock(&ifnet_mtx);
	ifp = ifunit_locked(name);
	mtx_unlock(&ifnet_mtx);
	return (ifp);
}

int
if_attach(struct ifnet *ifp)
{
	u_int i;

	mtx_lock(&ifnet_mtx);
	if (ifunit_locked(ifp->if_xname) != NULL) {
		mtx_unlock(&ifnet_mtx);
		return (EBUSY);
	}
	for (i = 1; i <= IF_MAXINDEX && ifindex_table[i] != NULL; i++)
		continue;
	if (i > IF_MAXINDEX) {
		mtx_unlock(&ifnet_mtx);
		return (ENOSPC);
	}
	ifindex_table[i] = ifp;
	TAILQ_INSERT_TAIL(&ifnet_list, ifp, if_link);
	if (in_ifaddr.ia_ifp == NULL)
		in_ifaddr.ia_ifp = ifp;
	mtx_unlock(&ifnet_mtx);
	return (0);
}

void
if_detach(struct ifnet *ifp)
{
	u_int i;

	mtx_lock(&ifnet_mtx);
	for (i = 1; i <= IF_MAXINDEX; i++) {
		if (ifindex_table[i] == ifp) {
			ifindex_table[i] = NULL;
			TAILQ_REMOVE(&ifnet_list, ifp, if_link);
			break;
		}
	}
	if (in_ifaddr.ia_ifp == ifp)
		in_ifaddr.ia_ifp = TAILQ_FIRST(&ifnet_list);
	mtx_unlock(&ifnet_mtx);
}

u_int
if_index(struct ifnet *ifp)
{
	u_int i;

	for (i = 1; i <= IF_MAXINDEX; i++)
		if (ifindex_table[i] == ifp)
			return (i);
	return (0);
}

void
if_foreach(void (*fn)(struct ifnet *, void *), void *arg)
{
	struct ifnet *ifp;

	mtx_lock(&ifnet_mtx);
	TAILQ_FOREACH(ifp, &ifnet_list, if_link)
		fn(ifp, arg);
	mtx_unlock(&ifnet_mtx);
}
