/*
 * ARP packet format (RFC 826; FreeBSD's net/if_arp.h).  Only Ethernet
 * hardware and IPv4 protocol addresses are spoken: the fixed-size layout
 * below is the whole packet (28 bytes).
 */
#ifndef _NET_IF_ARP_H_
#define	_NET_IF_ARP_H_

#include <sys/types.h>
#include <net/if_var.h>

#define	ARPHRD_ETHER	1
#define	ARPOP_REQUEST	1
#define	ARPOP_REPLY	2

struct arphdr {
	uint16_t	ar_hrd;		/* hardware type: ARPHRD_ETHER */
	uint16_t	ar_pro;		/* protocol: ETHERTYPE_IP */
	uint8_t		ar_hln;		/* hardware address length: 6 */
	uint8_t		ar_pln;		/* protocol address length: 4 */
	uint16_t	ar_op;		/* ARPOP_* */
} __packed;

/* An Ethernet/IPv4 ARP packet. */
struct ether_arp {
	struct arphdr	ea_hdr;
	uint8_t		arp_sha[ETHER_ADDR_LEN];	/* sender hardware */
	uint8_t		arp_spa[4];			/* sender protocol */
	uint8_t		arp_tha[ETHER_ADDR_LEN];	/* target hardware */
	uint8_t		arp_tpa[4];			/* target protocol */
} __packed;

#endif /* !_NET_IF_ARP_H_ */
