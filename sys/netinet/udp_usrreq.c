/*
 * UDP: the echo service (RFC 862) on port 7, and nothing else bound.
 *
 * A datagram is checked (header present: else udps_hdrops; 8 <= uh_ulen
 * <= the IP payload: else udps_badlen; the checksum when it is not 0: else
 * udps_badsum, and udps_nosum counts the datagrams without one); bytes past
 * uh_ulen are trimmed.  One for port 7 is answered in its own mbuf chain:
 * ports swapped, the IP header trimmed off (m_adj), the checksum computed
 * over the new pseudo-header, and ip_output prepends the new IP header in
 * the room the old one left (M_PREPEND), so an echo allocates nothing.
 * Any other port counts in udps_noport (udps_noportbcast for broadcasts).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/sysctl.h>
#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_cksum.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/udp.h>
#include <netinet/udp_var.h>

struct udpstat udpstat;

SYSCTL_DECL(_net_inet);
SYSCTL_NODE(_net_inet, OID_AUTO, udp, CTLFLAG_RW, NULL, "UDP");
SYSCTL_STRUCT(_net_inet_udp, OID_AUTO, stats, CTLFLAG_RD, &udpstat,
    udpstat, "UDP statistics (struct udpstat, netinet/udp_var.h)");

/* Send m (a UDP header and data) from src to dst, the checksum filled in. */
static int
udp_output(struct mbuf *m, struct ifnet *ifp, struct in_addr src,
    struct in_addr dst)
{
	struct udphdr *uh = mtod(m, struct udphdr *);
	int ulen = m->m_pkthdr.len;

	uh->uh_ulen = htons(ulen);
	uh->uh_sum = 0;
	uh->uh_sum = in_cksum_skip(m, ulen, 0, in_pseudo(src.s_addr,
	    dst.s_addr, htons(ulen + IPPROTO_UDP)));
	if (uh->uh_sum == 0)
		uh->uh_sum = 0xffff;
	UDPSTAT_INC(udps_opackets);
	return (ip_output(m, ifp, IPPROTO_UDP, src, dst));
}

void
udp_input(struct mbuf *m, int off)
{
	struct in_addr src;
	struct udphdr *uh;
	struct ip *ip;
	uint16_t port;
	int len, ulen;

	UDPSTAT_INC(udps_ipackets);
	len = m->m_pkthdr.len - off;
	if (len < (int)sizeof(struct udphdr)) {
		UDPSTAT_INC(udps_hdrops);
		goto bad;
	}
	if (m->m_len < off + (int)sizeof(struct udphdr) &&
	    (m = m_pullup(m, off + sizeof(struct udphdr))) == NULL) {
		UDPSTAT_INC(udps_hdrops);
		return;
	}
	ip = mtod(m, struct ip *);
	uh = (struct udphdr *)(mtod(m, caddr_t) + off);
	ulen = ntohs(uh->uh_ulen);
	if (ulen > len || ulen < (int)sizeof(struct udphdr)) {
		UDPSTAT_INC(udps_badlen);
		goto bad;
	}
	if (ulen < len)
		m_adj(m, ulen - len);
	if (uh->uh_sum != 0) {
		if (in_cksum_skip(m, ulen, off, in_pseudo(ip->ip_src.s_addr,
		    ip->ip_dst.s_addr, htons(ulen + IPPROTO_UDP))) != 0) {
			UDPSTAT_INC(udps_badsum);
			goto bad;
		}
	} else
		UDPSTAT_INC(udps_nosum);
	if (ntohs(uh->uh_dport) != UDP_ECHO_PORT) {
		if (in_broadcast(ip->ip_dst))
			UDPSTAT_INC(udps_noportbcast);
		else
			UDPSTAT_INC(udps_noport);
		goto bad;
	}
	port = uh->uh_sport;
	uh->uh_sport = uh->uh_dport;
	uh->uh_dport = port;
	src = ip->ip_src;
	m_adj(m, off);
	(void)udp_output(m, m->m_pkthdr.rcvif, in_ifaddr.ia_addr, src);
	return;
bad:
	m_freem(m);
}
