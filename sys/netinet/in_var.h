/*
 * The stack's one IPv4 address (FreeBSD's in_ifaddr, reduced to one).
 *
 * The address, netmask and default router come from loader tunables
 * (net.inet.ip.addr, net.inet.ip.netmask, net.inet.ip.gateway; QEMU user
 * networking's 10.0.2.15/24 via 10.0.2.2 by default) and are bound to the
 * first Ethernet interface attached (ia_ifp, NULL until then; the next one
 * in the list when it detaches).  Input is accepted for the address on any
 * interface; a reply leaves by the interface its request came in on.
 */
#ifndef _NETINET_IN_VAR_H_
#define	_NETINET_IN_VAR_H_

#include <sys/types.h>
#include <netinet/in.h>

struct ifnet;

struct in_ifaddr {
	struct in_addr	ia_addr;	/* our address */
	struct in_addr	ia_netmask;
	struct in_addr	ia_gateway;	/* default router; 0: none */
	struct ifnet	*ia_ifp;	/* bound interface, or NULL */
	/* Per-address counters (netstat -i's inet row). */
	u_long		ia_ipackets, ia_ibytes;
	u_long		ia_opackets, ia_obytes;
};

extern struct in_ifaddr	in_ifaddr;

/* ina is the subnet's broadcast, all ones, or all zeros. */
int	in_broadcast(struct in_addr ina);
/* The first hop towards dst: dst on the subnet, else the gateway (0: none). */
struct in_addr in_nexthop(struct in_addr dst);

#endif /* !_NETINET_IN_VAR_H_ */
