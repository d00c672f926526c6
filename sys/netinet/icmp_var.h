/*
 * ICMP statistics (net.inet.icmp.stats, netstat -s), FreeBSD's names.
 */
#ifndef _NETINET_ICMP_VAR_H_
#define	_NETINET_ICMP_VAR_H_

#include <sys/types.h>
#include <machine/atomic.h>
#include <netinet/ip_icmp.h>

struct icmpstat {
	uint64_t	icps_error;	/* calls to icmp_error */
	uint64_t	icps_oldshort;
	uint64_t	icps_oldicmp;
	uint64_t	icps_outhist[ICMP_MAXTYPE + 1];	/* sent, by type */
	uint64_t	icps_badcode;
	uint64_t	icps_tooshort;	/* shorter than ICMP_MINLEN */
	uint64_t	icps_checksum;	/* bad checksum */
	uint64_t	icps_badlen;
	uint64_t	icps_reflect;	/* responses generated */
	uint64_t	icps_inhist[ICMP_MAXTYPE + 1];	/* received, by type */
	uint64_t	icps_bmcastecho; /* echo to broadcast, ignored */
	uint64_t	icps_bmcasttstamp;
	uint64_t	icps_badaddr;
	uint64_t	icps_noroute;	/* response could not be sent */
};

extern struct icmpstat	icmpstat;
#define	ICMPSTAT_INC(name)	atomic_add_64(&icmpstat.name, 1)

struct mbuf;

/* m starts at the IP header, whose length is off. */
void	icmp_input(struct mbuf *m, int off);

#endif /* !_NETINET_ICMP_VAR_H_ */
