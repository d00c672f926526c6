/*
 * ICMP: echo reply, nothing else.  An echo request is turned into its
 * reply in its own mbuf chain: the type changes, the checksum is computed
 * again, the IP header is trimmed off and ip_output puts a new one (from
 * our address to the sender) in its room.  Counters (FreeBSD's names):
 * icps_tooshort (under 8 bytes), icps_checksum, icps_inhist and
 * icps_outhist by type, icps_reflect (replies), icps_bmcastecho (echo
 * requests to a broadcast address, ignored).
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
#include <netinet/ip_icmp.h>
#include <netinet/ip_var.h>
#include <netinet/icmp_var.h>

struct icmpstat icmpstat;

SYSCTL_DECL(_net_inet);
SYSCTL_NODE(_net_inet, OID_AUTO, icmp, CTLFLAG_RW, NULL, "ICMP");
SYSCTL_STRUCT(_net_inet_icmp, OID_AUTO, stats, CTLFLAG_RD, &icmpstat,
    icmpstat, "ICMP statistics (struct icmpstat, netinet/icmp_var.h)");

void
icmp_input(struct mbuf *m, int off)
{
	struct in_addr src, dst;
	struct icmp *icp;
	struct ip *ip;
	int icmplen = m->m_pkthdr.len - off;

	if (icmplen < ICMP_MINLEN) {
		ICMPSTAT_INC(icps_tooshort);
		goto freeit;
	}
	if (m->m_len < off + ICMP_MINLEN &&
	    (m = m_pullup(m, off + ICMP_MINLEN)) == NULL) {
		ICMPSTAT_INC(icps_tooshort);
		return;
	}
	ip = mtod(m, struct ip *);
	icp = (struct icmp *)(mtod(m, caddr_t) + off);
	if (in_cksum_skip(m, icmplen, off, 0) != 0) {
		ICMPSTAT_INC(icps_checksum);
		goto freeit;
	}
	if (icp->icmp_type > ICMP_MAXTYPE)
		goto freeit;
	ICMPSTAT_INC(icps_inhist[icp->icmp_type]);
	if (icp->icmp_type != ICMP_ECHO)
		goto freeit;
	if (in_broadcast(ip->ip_dst)) {
		ICMPSTAT_INC(icps_bmcastecho);
		goto freeit;
	}
	icp->icmp_type = ICMP_ECHOREPLY;
	icp->icmp_cksum = 0;
	icp->icmp_cksum = in_cksum_skip(m, icmplen, off, 0);
	src = in_ifaddr.ia_addr;
	dst = ip->ip_src;
	m_adj(m, off);
	ICMPSTAT_INC(icps_reflect);
	ICMPSTAT_INC(icps_outhist[ICMP_ECHOREPLY]);
	(void)ip_output(m, m->m_pkthdr.rcvif, IPPROTO_ICMP, src, dst);
	return;
freeit:
	m_freem(m);
}
