/*
 * ARP for IPv4 over Ethernet (FreeBSD's netinet/if_ether.h, reduced).
 *
 * The cache (if_ether.c) holds ARPTAB_SIZE entries of (interface, address)
 * -> hardware address.  An entry is made for the sender of a request for
 * our address (that is how the gateway gets cached: QEMU's asks first) and
 * for every address we resolve; a reply or request from a cached host
 * refreshes it.  Resolved entries live net.link.ether.inet.max_age seconds
 * (FreeBSD's default 1200).  A packet sent to an unresolved address waits
 * in its entry (one per entry: a newer one replaces it, counted in
 * arpstat.dropped) while a request goes out at most once a second.
 */
#ifndef _NETINET_IF_ETHER_H_
#define	_NETINET_IF_ETHER_H_

#include <sys/types.h>
#include <machine/atomic.h>
#include <netinet/in.h>

#define	ARPTAB_SIZE	32

struct arpstat {
	uint64_t	txrequests;	/* requests sent */
	uint64_t	txreplies;	/* replies sent */
	uint64_t	rxrequests;	/* requests received */
	uint64_t	rxreplies;	/* replies received */
	uint64_t	received;	/* ARP packets received */
	uint64_t	txerrors;	/* requests that could not be sent */
	uint64_t	arp_spares[3];
	uint64_t	dropped;	/* held packets dropped (no reply) */
	uint64_t	timeouts;	/* entries expired */
	uint64_t	dupips;		/* our address claimed by another */
};

extern struct arpstat	arpstat;
#define	ARPSTAT_INC(name)	atomic_add_64(&arpstat.name, 1)

struct ifnet;
struct mbuf;

/* An ARP packet (m starts at the ARP header). */
void	arp_input(struct ifnet *ifp, struct mbuf *m);
/*
 * The hardware address of dst on ifp into desten: 0 if known; else m is
 * kept until the answer comes (or dropped) and EWOULDBLOCK returned; m is
 * consumed on any nonzero return.
 */
int	arpresolve(struct ifnet *ifp, struct in_addr dst, struct mbuf *m,
	    uint8_t *desten);
/* Broadcast a request for tip from sip (a gratuitous one: tip == sip). */
void	arprequest(struct ifnet *ifp, struct in_addr sip, struct in_addr tip);
/* Forget ifp's entries, freeing the packets they hold. */
void	arp_ifdetach(struct ifnet *ifp);
/* Look dst up without side effects: 1 and its address if resolved. */
int	arp_lookup(struct ifnet *ifp, struct in_addr dst, uint8_t *lla);

#endif /* !_NETINET_IF_ETHER_H_ */
