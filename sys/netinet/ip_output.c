/*
 * IPv4 output: one header in front of a transport payload, no options, no
 * fragmentation (a packet over the interface's MTU is refused and counted
 * in ips_cantfrag).  The header goes in with M_PREPEND, so a reply whose
 * request's headers were trimmed off (m_adj) takes their room back and
 * allocates nothing.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/sysctl.h>
#include <net/ethernet.h>
#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_cksum.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>

static int ip_defttl = IPDEFTTL;
static volatile u_int ip_id;

SYSCTL_DECL(_net_inet_ip);
SYSCTL_INT(_net_inet_ip, OID_AUTO, ttl, CTLFLAG_RW, &ip_defttl, 0,
    "Maximum TTL on IP packets");

int
ip_output(struct mbuf *m, struct ifnet *ifp, int proto, struct in_addr src,
    struct in_addr dst)
{
	struct in_addr nexthop;
	struct ip *ip;
	int error, len;

	if (ifp == NULL)
		ifp = in_ifaddr.ia_ifp;
	nexthop = in_nexthop(dst);
	if (ifp == NULL || nexthop.s_addr == INADDR_ANY) {
		IPSTAT_INC(ips_noroute);
		m_freem(m);
		return (EHOSTUNREACH);
	}
	len = m->m_pkthdr.len + (int)sizeof(struct ip);
	if (len > (int)ifp->if_mtu) {
		IPSTAT_INC(ips_cantfrag);
		m_freem(m);
		return (EMSGSIZE);
	}
	M_PREPEND(m, sizeof(struct ip), M_NOWAIT);
	if (m == NULL) {
		IPSTAT_INC(ips_odropped);
		return (ENOBUFS);
	}
	ip = mtod(m, struct ip *);
	ip->ip_v = IPVERSION;
	ip->ip_hl = sizeof(struct ip) >> 2;
	ip->ip_tos = 0;
	ip->ip_len = htons(len);
	ip->ip_id = htons(atomic_fetchadd_int(&ip_id, 1));
	ip->ip_off = 0;
	ip->ip_ttl = ip_defttl;
	ip->ip_p = proto;
	ip->ip_sum = 0;
	ip->ip_src = src;
	ip->ip_dst = dst;
	ip->ip_sum = in_cksum_buf(ip, sizeof(struct ip));
	IPSTAT_INC(ips_localout);
	in_ifaddr.ia_opackets++;
	in_ifaddr.ia_obytes += len;
	error = ether_output(ifp, m, nexthop);
	if (error == ENOBUFS)
		IPSTAT_INC(ips_odropped);
	return (error);
}
