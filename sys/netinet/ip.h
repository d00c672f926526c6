/*
 * The IPv4 header (RFC 791; FreeBSD's netinet/ip.h).
 */
#ifndef _NETINET_IP_H_
#define	_NETINET_IP_H_

#include <sys/types.h>
#include <netinet/in.h>

#define	IPVERSION	4
#define	IP_MAXPACKET	65535

struct ip {
	uint8_t		ip_hl:4,	/* header length, in 32-bit words */
			ip_v:4;		/* version */
	uint8_t		ip_tos;
	uint16_t	ip_len;		/* total length */
	uint16_t	ip_id;
	uint16_t	ip_off;		/* flags and fragment offset */
#define	IP_RF		0x8000
#define	IP_DF		0x4000
#define	IP_MF		0x2000
#define	IP_OFFMASK	0x1fff
	uint8_t		ip_ttl;
	uint8_t		ip_p;		/* protocol */
	uint16_t	ip_sum;		/* header checksum */
	struct in_addr	ip_src, ip_dst;
} __packed __aligned(2);

#define	IPDEFTTL	64

#endif /* !_NETINET_IP_H_ */
