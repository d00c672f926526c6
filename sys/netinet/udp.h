/*
 * The UDP header (RFC 768; FreeBSD's netinet/udp.h).
 */
#ifndef _NETINET_UDP_H_
#define	_NETINET_UDP_H_

#include <sys/types.h>

struct udphdr {
	uint16_t	uh_sport;
	uint16_t	uh_dport;
	uint16_t	uh_ulen;	/* header and data */
	uint16_t	uh_sum;		/* 0: none */
} __packed;

#endif /* !_NETINET_UDP_H_ */
