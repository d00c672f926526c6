/*
 * ICMP (RFC 792; FreeBSD's netinet/ip_icmp.h): the echo header only.
 */
#ifndef _NETINET_IP_ICMP_H_
#define	_NETINET_IP_ICMP_H_

#include <sys/types.h>

struct icmp {
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	uint16_t	icmp_cksum;
	uint16_t	icmp_id;	/* echo: identifier */
	uint16_t	icmp_seq;	/* echo: sequence number */
} __packed;

#define	ICMP_MINLEN	8		/* the header above */
#define	ICMP_ECHOREPLY	0
#define	ICMP_UNREACH	3
#define	ICMP_ECHO	8
#define	ICMP_MAXTYPE	18

#endif /* !_NETINET_IP_ICMP_H_ */
