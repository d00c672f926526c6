/*
 * The interface list, for the stack and netstat (sys/net/if.c).  Drivers
 * use net/if_var.h only: ether_ifattach() puts an interface on the list.
 */
#ifndef _NET_IF_H_
#define	_NET_IF_H_

#include <net/if_var.h>

#define	IF_MAXINDEX	16		/* interfaces at once */

/* Put ifp on the list and give it an index; EBUSY if its name is taken. */
int	if_attach(struct ifnet *ifp);
void	if_detach(struct ifnet *ifp);
/* ifp's index (<Link#N>), 1 up; 0 if it is not on the list. */
u_int	if_index(struct ifnet *ifp);
/* Call fn for each interface in attach order, with the list locked. */
void	if_foreach(void (*fn)(struct ifnet *, void *), void *arg);

/* The shell's netstat -i and -s (sys/net/netstat.c); argv as netstat's. */
int	netstat_net(int argc, char **argv);

#endif /* !_NET_IF_H_ */
