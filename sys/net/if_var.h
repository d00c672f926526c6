/*
 * Network interfaces (FreeBSD's struct ifnet, reduced).
 *
 * The meeting point of a NIC driver (sys/dev/virtio/network) and the
 * stack (sys/net, sys/netinet):
 *
 *   driver -> stack   the driver calls ether_ifattach(ifp, lladdr) once, then
 *                     ifp->if_input(ifp, m) for every received frame: m is a
 *                     packet-header mbuf chain holding the whole Ethernet
 *                     frame (no FCS), m_pkthdr.len set, m_pkthdr.rcvif = ifp.
 *                     if_input consumes m.  The driver calls it from thread
 *                     context (its receive thread, woken by the interrupt),
 *                     holding none of its own locks, so the stack may
 *                     transmit a reply from inside it.
 *   stack -> driver   ifp->if_transmit(ifp, m) queues a whole frame (a
 *                     packet-header chain, any number of mbufs) and always
 *                     consumes m: on error it frees m, counts if_oqdrops
 *                     and returns an errno (ENOBUFS when the ring is full).
 *
 * Counters are kept by whoever sees the event (driver: if_ipackets,
 * if_ibytes, if_ierrors, if_opackets, if_obytes, if_oerrors, if_oqdrops;
 * stack: if_iqdrops for frames it drops, if_noproto).  They are plain
 * u_long updated under the driver's or the stack's own lock; netstat -i
 * reads them without one.
 */
#ifndef _NET_IF_VAR_H_
#define	_NET_IF_VAR_H_

#include <sys/types.h>
#include <sys/queue.h>

#define	IFNAMSIZ	16
#define	ETHER_ADDR_LEN	6

struct mbuf;

struct ifnet {
	char		if_xname[IFNAMSIZ];	/* "vtnet0" */
	const char	*if_dname;		/* driver name: "vtnet" */
	int		if_dunit;		/* unit: 0 */
	u_int		if_mtu;			/* 1500 */
	int		if_flags;		/* IFF_UP, IFF_RUNNING */
	uint8_t		if_lladdr[ETHER_ADDR_LEN];
	void		*if_softc;		/* the driver's */

	int		(*if_transmit)(struct ifnet *, struct mbuf *);
	void		(*if_input)(struct ifnet *, struct mbuf *);

	u_long		if_ipackets, if_ierrors, if_ibytes, if_iqdrops;
	u_long		if_opackets, if_oerrors, if_obytes, if_oqdrops;
	u_long		if_noproto;

	TAILQ_ENTRY(ifnet) if_link;		/* the interface list */
};

#define	IFF_UP		0x1
#define	IFF_RUNNING	0x40

/* Provided by the stack (sys/net/if.c, if_ethersubr.c). */
void	ether_ifattach(struct ifnet *ifp, const uint8_t *lla); /* sets if_input */
void	ether_ifdetach(struct ifnet *ifp);
struct ifnet *ifunit(const char *name);

#endif /* !_NET_IF_VAR_H_ */
