/*
 * Ethernet framing (FreeBSD's net/ethernet.h, the part the stack uses).
 *
 * A frame as the stack sees it has no preamble and no FCS: 14 bytes of
 * header, then 46 to 1500 bytes of payload.  Shorter frames than a header
 * are runts, longer ones than ETHER_MAX_LEN_NOCRC are oversized; both are
 * counted in if_ierrors and dropped by ether_input().
 */
#ifndef _NET_ETHERNET_H_
#define	_NET_ETHERNET_H_

#include <sys/types.h>
#include <net/if_var.h>

#define	ETHER_TYPE_LEN		2
#define	ETHER_CRC_LEN		4
#define	ETHER_HDR_LEN		(ETHER_ADDR_LEN * 2 + ETHER_TYPE_LEN)
#define	ETHER_MIN_LEN		64	/* with the FCS */
#define	ETHER_MAX_LEN		1518	/* with the FCS */
#define	ETHER_MAX_LEN_NOCRC	(ETHER_MAX_LEN - ETHER_CRC_LEN)
#define	ETHERMTU		(ETHER_MAX_LEN - ETHER_HDR_LEN - ETHER_CRC_LEN)

#define	ETHERTYPE_IP		0x0800
#define	ETHERTYPE_ARP		0x0806

struct ether_header {
	uint8_t		ether_dhost[ETHER_ADDR_LEN];
	uint8_t		ether_shost[ETHER_ADDR_LEN];
	uint16_t	ether_type;	/* network byte order */
} __packed;

#define	ETHER_IS_BROADCAST(a)						\
	(((a)[0] & (a)[1] & (a)[2] & (a)[3] & (a)[4] & (a)[5]) == 0xff)
#define	ETHER_IS_MULTICAST(a)	(((a)[0] & 0x01) != 0)

extern const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN];

struct mbuf;
struct in_addr;

/*
 * Output of an IP packet (m starts at the IP header) to the host or router
 * nexthop on ifp: resolved by ARP (the packet may wait for the answer),
 * framed and handed to if_transmit.  Always consumes m.
 */
int	ether_output(struct ifnet *ifp, struct mbuf *m, struct in_addr nexthop);
/* Frame m (a payload) for dst with type (host order) and transmit it. */
int	ether_output_frame(struct ifnet *ifp, struct mbuf *m,
	    const uint8_t *dst, uint16_t type);
/* The if_input of every Ethernet interface. */
void	ether_input(struct ifnet *ifp, struct mbuf *m);
/* "52:54:00:12:34:56" into buf (at least 18 bytes). */
char	*ether_sprintf(const uint8_t *lla, char *buf);

#endif /* !_NET_ETHERNET_H_ */
