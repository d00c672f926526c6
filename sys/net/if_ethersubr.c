/*
 * Ethernet: attach, input demultiplexing, output framing.
 *
 * Input (ether_input, every Ethernet interface's if_input) takes a whole
 * frame without FCS and drops, counting on the interface:
 *   if_ierrors   runts (shorter than a header) and oversized frames (more
 *                than if_mtu + 14 bytes)
 *   if_iqdrops   frames for another station, and frames whose header could
 *                not be made contiguous (m_pullup without an mbuf)
 *   if_noproto   types other than IPv4 and ARP
 * The header is then trimmed off (m_adj: the room stays in front of the
 * data, so a reply prepends its headers without allocating) and the
 * payload goes to ip_input or arp_input in the same thread.  The frame's
 * first mbuf must be writable (M_WRITABLE: its own storage, or a cluster
 * nobody else references): an answer is written over its request's headers
 * there.  A driver's receive buffers are.
 *
 * Output prepends the header with M_PREPEND and hands the frame to
 * if_transmit, which consumes it.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/if_ether.h>
#include <netinet/ip_var.h>

const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN] =
    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

char *
ether_sprintf(const uint8_t *a, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2],
	    a[3], a[4], a[5]);
	return (buf);
}

void
ether_ifattach(struct ifnet *ifp, const uint8_t *lla)
{
	char buf[18];

	if (ifp->if_xname[0] == '\0')
		snprintf(ifp->if_xname, IFNAMSIZ, "%s%d", ifp->if_dname,
		    ifp->if_dunit);
	if (ifp->if_mtu == 0)
		ifp->if_mtu = ETHERMTU;
	memcpy(ifp->if_lladdr, lla, ETHER_ADDR_LEN);
	ifp->if_input = ether_input;
	if (if_attach(ifp) != 0) {
		printf("%s: not attached: the name is taken or the interface "
		    "list is full (%d)\n", ifp->if_xname, IF_MAXINDEX);
		return;
	}
	printf("%s: Ethernet address: %s\n", ifp->if_xname,
	    ether_sprintf(lla, buf));
}

void
ether_ifdetach(struct ifnet *ifp)
{
	if_detach(ifp);
	arp_ifdetach(ifp);
}

void
ether_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ether_header *eh;
	uint16_t type;

	KASSERT((m->m_flags & M_PKTHDR) != 0,
	    ("ether_input: %s: no packet header", ifp->if_xname));
	if (m->m_pkthdr.len < ETHER_HDR_LEN ||
	    m->m_pkthdr.len > (int)ifp->if_mtu + ETHER_HDR_LEN) {
		ifp->if_ierrors++;		/* runt or oversized */
		m_freem(m);
		return;
	}
	if (m->m_len < ETHER_HDR_LEN &&
	    (m = m_pullup(m, ETHER_HDR_LEN)) == NULL) {
		ifp->if_iqdrops++;
		return;
	}
	eh = mtod(m, struct ether_header *);
	if (memcmp(eh->ether_dhost, ifp->if_lladdr, ETHER_ADDR_LEN) != 0 &&
	    !ETHER_IS_BROADCAST(eh->ether_dhost)) {
		ifp->if_iqdrops++;		/* not for us */
		m_freem(m);
		return;
	}
	type = ntohs(eh->ether_type);
	m->m_pkthdr.rcvif = ifp;
	m_adj(m, ETHER_HDR_LEN);
	switch (type) {
	case ETHERTYPE_IP:
		ip_input(m);
		break;
	case ETHERTYPE_ARP:
		arp_input(ifp, m);
		break;
	default:
		ifp->if_noproto++;
		m_freem(m);
		break;
	}
}

int
ether_output_frame(struct ifnet *ifp, struct mbuf *m, const uint8_t *dst,
    uint16_t type)
{
	struct ether_header *eh;

	M_PREPEND(m, ETHER_HDR_LEN, M_NOWAIT);
	if (m == NULL)
		return (ENOBUFS);
	eh = mtod(m, struct ether_header *);
	memcpy(eh->ether_dhost, dst, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN);
	eh->ether_type = htons(type);
	return (ifp->if_transmit(ifp, m));
}

int
ether_output(struct ifnet *ifp, struct mbuf *m, struct in_addr nexthop)
{
	uint8_t edst[ETHER_ADDR_LEN];
	int error;

	if ((error = arpresolve(ifp, nexthop, m, edst)) != 0)
		return (error == EWOULDBLOCK ? 0 : error);
	return (ether_output_frame(ifp, m, edst, ETHERTYPE_IP));
}
