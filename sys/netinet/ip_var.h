/*
 * IPv4 input and output, and their statistics (net.inet.ip.stats, netstat
 * -s), with FreeBSD's field names.  Every counter is a uint64_t bumped
 * atomically by whichever thread sees the event.
 */
#ifndef _NETINET_IP_VAR_H_
#define	_NETINET_IP_VAR_H_

#include <sys/types.h>
#include <machine/atomic.h>
#include <netinet/in.h>

struct ipstat {
	uint64_t	ips_total;	/* total packets received */
	uint64_t	ips_badsum;	/* header checksum wrong */
	uint64_t	ips_tooshort;	/* packet shorter than ip_len */
	uint64_t	ips_toosmall;	/* not even a header */
	uint64_t	ips_badhlen;	/* ip_hl below 5 or past the packet */
	uint64_t	ips_badlen;	/* ip_len below the header length */
	uint64_t	ips_fragments;	/* fragments received */
	uint64_t	ips_fragdropped; /* fragments dropped (no reassembly) */
	uint64_t	ips_fragtimeout;
	uint64_t	ips_forward;
	uint64_t	ips_fastforward;
	uint64_t	ips_cantforward; /* not for us, and we do not forward */
	uint64_t	ips_redirectsent;
	uint64_t	ips_noproto;	/* neither ICMP nor UDP */
	uint64_t	ips_delivered;	/* for us, to a protocol */
	uint64_t	ips_localout;	/* sent by us */
	uint64_t	ips_odropped;	/* output dropped: no mbuf, ring full */
	uint64_t	ips_reassembled;
	uint64_t	ips_fragmented;
	uint64_t	ips_ofragments;
	uint64_t	ips_cantfrag;
	uint64_t	ips_badoptions;
	uint64_t	ips_noroute;	/* output with no interface or router */
	uint64_t	ips_badvers;	/* version not 4 */
	uint64_t	ips_rawout;
	uint64_t	ips_toolong;
	uint64_t	ips_notmember;
	uint64_t	ips_nogif;
	uint64_t	ips_badaddr;	/* bad source: bcast, mcast, lo, ours */
};

extern struct ipstat	ipstat;
#define	IPSTAT_INC(name)	atomic_add_64(&ipstat.name, 1)

struct ifnet;
struct mbuf;

/* A packet that starts at its IP header (the Ethernet header is gone). */
void	ip_input(struct mbuf *m);
/*
 * Send m (the payload: transport header and data) from src to dst with
 * protocol proto: an IP header is prepended (M_PREPEND: in the room the
 * received headers left when a reply reuses its request's chain), the
 * packet goes out ifp (NULL: the address's interface) to the next hop.
 * Always consumes m; 0 or an errno (ENOBUFS, EHOSTUNREACH, ...).
 */
int	ip_output(struct mbuf *m, struct ifnet *ifp, int proto,
	    struct in_addr src, struct in_addr dst);

#endif /* !_NETINET_IP_VAR_H_ */
