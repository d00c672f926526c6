/*
 * Internet addresses, protocol numbers and byte order (FreeBSD's
 * netinet/in.h and sys/_endian.h, reduced).  Addresses are kept in network
 * byte order, as on the wire; ntohl/htonl convert for arithmetic.
 */
#ifndef _NETINET_IN_H_
#define	_NETINET_IN_H_

#include <sys/types.h>

#define	htons(x)	__builtin_bswap16((uint16_t)(x))
#define	ntohs(x)	__builtin_bswap16((uint16_t)(x))
#define	htonl(x)	__builtin_bswap32((uint32_t)(x))
#define	ntohl(x)	__builtin_bswap32((uint32_t)(x))

typedef uint32_t	in_addr_t;

struct in_addr {
	in_addr_t	s_addr;		/* network byte order */
};

#define	IPPROTO_ICMP	1
#define	IPPROTO_UDP	17

#define	INADDR_ANY		((in_addr_t)0x00000000)	/* host order */
#define	INADDR_BROADCAST	((in_addr_t)0xffffffff)
#define	IN_MULTICAST(i)		(((in_addr_t)(i) & 0xf0000000) == 0xe0000000)
#define	IN_LOOPBACK(i)		(((in_addr_t)(i) & 0xff000000) == 0x7f000000)

#define	INET_ADDRSTRLEN	16

/* "10.0.2.15" into buf (INET_ADDRSTRLEN bytes); returns buf. */
char	*inet_ntoa_r(struct in_addr ina, char *buf);
/* A strict dotted quad ("a.b.c.d", each 0..255) into *ina: 1, or 0. */
int	inet_aton(const char *cp, struct in_addr *ina);

#endif /* !_NETINET_IN_H_ */
