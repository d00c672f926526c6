/*
 * IPv4 input: header checks, then delivery to ICMP or UDP.
 *
 * Every packet is counted in ips_total; one that fails a check is dropped
 * and counted under exactly one reason (FreeBSD's names, netstat -s):
 *   ips_toosmall   shorter than a header (20 bytes), or no mbuf to make
 *                  the header contiguous
 *   ips_badvers    version not 4
 *   ips_badhlen    ip_hl below 5, or a header longer than the packet
 *   ips_badsum     header checksum wrong
 *   ips_badlen     ip_len shorter than the header
 *   ips_tooshort   the packet shorter than ip_len (truncated)
 *   ips_fragments  a fragment (MF set or an offset): also ips_fragdropped,
 *                  there is no reassembly
 *   ips_badaddr    a broadcast, multicast, loopback or zero source, or
 *                  our own address (an answer would come back to us)
 *   ips_cantforward  not for us (we do not forward)
 * Bytes past ip_len (Ethernet padding) are trimmed.  Packets for us or
 * for a broadcast address count in ips_delivered; a protocol other than
 * ICMP and UDP then in ips_noproto.
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
#include <netinet/icmp_var.h>
#include <netinet/udp_var.h>

struct ipstat ipstat;

SYSCTL_DECL(_net_inet_ip);
SYSCTL_STRUCT(_net_inet_ip, OID_AUTO, stats, CTLFLAG_RD, &ipstat, ipstat,
    "IP statistics (struct ipstat, netinet/ip_var.h)");

void
ip_input(struct mbuf *m)
{
	struct ip *ip;
	uint32_t src;
	int hlen, len;

	IPSTAT_INC(ips_total);
	if (m->m_pkthdr.len < (int)sizeof(struct ip)) {
		IPSTAT_INC(ips_toosmall);
		goto bad;
	}
	if (m->m_len < (int)sizeof(struct ip) &&
	    (m = m_pullup(m, sizeof(struct ip))) == NULL) {
		IPSTAT_INC(ips_toosmall);
		return;
	}
	ip = mtod(m, struct ip *);
	if (ip->ip_v != IPVERSION) {
		IPSTAT_INC(ips_badvers);
		goto bad;
	}
	hlen = ip->ip_hl << 2;
	if (hlen < (int)sizeof(struct ip) || hlen > m->m_pkthdr.len) {
		IPSTAT_INC(ips_badhlen);
		goto bad;
	}
	if (hlen > m->m_len) {
		if ((m = m_pullup(m, hlen)) == NULL) {
			IPSTAT_INC(ips_badhlen);
			return;
		}
		ip = mtod(m, struct ip *);
	}
	if (in_cksum_buf(ip, hlen) != 0) {
		IPSTAT_INC(ips_badsum);
		goto bad;
	}
	len = ntohs(ip->ip_len);
	if (len < hlen) {
		IPSTAT_INC(ips_badlen);
		goto bad;
	}
	if (m->m_pkthdr.len < len) {
		IPSTAT_INC(ips_tooshort);
		goto bad;
	}
	if (m->m_pkthdr.len > len)
		m_adj(m, len - m->m_pkthdr.len);
	if ((ip->ip_off & htons(IP_MF | IP_OFFMASK)) != 0) {
		IPSTAT_INC(ips_fragments);
		IPSTAT_INC(ips_fragdropped);
		goto bad;
	}
	src = ntohl(ip->ip_src.s_addr);
	if (src == INADDR_ANY || in_broadcast(ip->ip_src) ||
	    IN_MULTICAST(src) || IN_LOOPBACK(src) ||
	    ip->ip_src.s_addr == in_ifaddr.ia_addr.s_addr) {
		IPSTAT_INC(ips_badaddr);
		goto bad;
	}
	if (ip->ip_dst.s_addr != in_ifaddr.ia_addr.s_addr &&
	    !in_broadcast(ip->ip_dst)) {
		IPSTAT_INC(ips_cantforward);
		goto bad;
	}
	in_ifaddr.ia_ipackets++;
	in_ifaddr.ia_ibytes += len;
	IPSTAT_INC(ips_delivered);
	switch (ip->ip_p) {
	case IPPROTO_ICMP:
		icmp_input(m, hlen);
		return;
	case IPPROTO_UDP:
		udp_input(m, hlen);
		return;
	default:
		IPSTAT_INC(ips_noproto);
		break;
	}
bad:
	m_freem(m);
}
