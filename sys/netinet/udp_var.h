/*
 * UDP statistics (net.inet.udp.stats, netstat -s), FreeBSD's names.  There
 * are no sockets: port 7 (echo) is the one bound port.
 */
#ifndef _NETINET_UDP_VAR_H_
#define	_NETINET_UDP_VAR_H_

#include <sys/types.h>
#include <machine/atomic.h>

struct udpstat {
	uint64_t	udps_ipackets;	/* datagrams received */
	uint64_t	udps_hdrops;	/* shorter than a header */
	uint64_t	udps_badsum;	/* checksum wrong */
	uint64_t	udps_nosum;	/* no checksum */
	uint64_t	udps_badlen;	/* uh_ulen below 8 or past the packet */
	uint64_t	udps_noport;	/* no socket (not port 7) */
	uint64_t	udps_noportbcast; /* broadcast, no socket */
	uint64_t	udps_fullsock;
	uint64_t	udpps_pcbcachemiss;
	uint64_t	udpps_pcbhashmiss;
	uint64_t	udps_opackets;	/* datagrams sent */
	uint64_t	udps_fastout;
	uint64_t	udps_noportmcast;
	uint64_t	udps_filtermcast;
};

extern struct udpstat	udpstat;
#define	UDPSTAT_INC(name)	atomic_add_64(&udpstat.name, 1)

#define	UDP_ECHO_PORT	7

struct mbuf;

/* m starts at the IP header, whose length is off. */
void	udp_input(struct mbuf *m, int off);

#endif /* !_NETINET_UDP_VAR_H_ */
