/*
 * ARP for IPv4 over Ethernet (RFC 826): the cache, resolution, and the
 * answer for our address.  The cache's rules are in netinet/if_ether.h.
 *
 * Lock: arp_mtx covers the table, including each entry's held packet.  It
 * is never held across if_transmit or ip/ether output: what is to be sent
 * is taken off the table first.
 *
 * A request for our address is answered in its own mbuf: the ARP payload
 * is rewritten in place and the Ethernet header goes back into the room
 * ether_input left in front of it.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/mbuf.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

struct llentry {
	struct ifnet	*la_ifp;	/* NULL: a free slot */
	struct in_addr	la_addr;
	uint8_t		la_lla[ETHER_ADDR_LEN];
	int		la_valid;	/* la_lla is known */
	int		la_expire;	/* ticks: valid until */
	int		la_used;	/* ticks: last looked up (LRU) */
	int		la_asked;	/* ticks: last request sent */
	struct mbuf	*la_hold;	/* a packet waiting for la_lla */
};

struct arpstat arpstat;
static struct llentry arptab[ARPTAB_SIZE];
static struct mtx arp_mtx;
MTX_SYSINIT(arp, &arp_mtx, "arp", MTX_DEF);

static int arpt_keep = 1200;		/* seconds a resolved entry lives */

SYSCTL_DECL(_net_inet);
SYSCTL_NODE(_net, OID_AUTO, link, CTLFLAG_RW, NULL, "Link layers");
SYSCTL_NODE(_net_link, OID_AUTO, ether, CTLFLAG_RW, NULL, "Ethernet");
SYSCTL_NODE(_net_link_ether, OID_AUTO, inet, CTLFLAG_RW, NULL, "ARP");
SYSCTL_NODE(_net_link_ether, OID_AUTO, arp, CTLFLAG_RW, NULL, "ARP");
static int
sysctl_arpt_keep(SYSCTL_HANDLER_ARGS)
{
	int error, val = arpt_keep;

	error = sysctl_handle_int(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (val < 1 || val > INT_MAX / hz)
		return (sysctl_refuse(req, EINVAL, "must be 1 second or more, "
		    "and fit in ticks"));
	arpt_keep = val;
	return (0);
}
SYSCTL_PROC(_net_link_ether_inet, OID_AUTO, max_age, CTLTYPE_INT |
    CTLFLAG_RWTUN | CTLFLAG_MPSAFE, NULL, 0, sysctl_arpt_keep, "I",
    "ARP entry lifetime in seconds");
SYSCTL_STRUCT(_net_link_ether_arp, OID_AUTO, stats, CTLFLAG_RD, &arpstat,
    arpstat, "ARP statistics (struct arpstat, netinet/if_ether.h)");

static struct llentry *
arp_find(struct ifnet *ifp, struct in_addr addr)
{
	struct llentry *la;

	mtx_assert(&arp_mtx, MA_OWNED);
	for (la = arptab; la < &arptab[ARPTAB_SIZE]; la++)
		if (la->la_ifp == ifp && la->la_addr.s_addr == addr.s_addr)
			return (la);
	return (NULL);
}

/* Empty a slot; its held packet is returned to be freed unlocked. */
static struct mbuf *
arp_clear(struct llentry *la)
{
	struct mbuf *m = la->la_hold;

	memset(la, 0, sizeof(*la));
	return (m);
}

/*
 * A slot for (ifp, addr): the existing one, else a free one, else the
 * least recently used (its held packet goes to *freep).
 */
static struct llentry *
arp_create(struct ifnet *ifp, struct in_addr addr, struct mbuf **freep)
{
	struct llentry *la, *victim = NULL;

	*freep = NULL;
	if ((la = arp_find(ifp, addr)) != NULL)
		return (la);
	for (la = arptab; la < &arptab[ARPTAB_SIZE]; la++) {
		if (la->la_ifp == NULL) {
			victim = la;
			break;
		}
		if (victim == NULL || la->la_used - victim->la_used < 0)
			victim = la;
	}
	*freep = arp_clear(victim);
	victim->la_ifp = ifp;
	victim->la_addr = addr;
	victim->la_used = ticks;
	victim->la_asked = ticks - hz;	/* a request may go at once */
	return (victim);
}

static void
arp_drop_held(struct mbuf *m)
{
	if (m != NULL) {
		ARPSTAT_INC(dropped);
		m_freem(m);
	}
}

/* An entry found valid, or expired now. */
static int
arp_valid(struct llentry *la)
{
	if (la->la_valid && ticks - la->la_expire >= 0) {
		la->la_valid = 0;
		ARPSTAT_INC(timeouts);
	}
	return (la->la_valid);
}

int
arp_lookup(struct ifnet *ifp, struct in_addr dst, uint8_t *lla)
{
	struct llentry *la;
	int found = 0;

	mtx_lock(&arp_mtx);
	if ((la = arp_find(ifp, dst)) != NULL && arp_valid(la)) {
		memcpy(lla, la->la_lla, ETHER_ADDR_LEN);
		found = 1;
	}
	mtx_unlock(&arp_mtx);
	return (found);
}

int
arpresolve(struct ifnet *ifp, struct in_addr dst, struct mbuf *m,
    uint8_t *desten)
{
	struct llentry *la;
	struct mbuf *old;
	int ask;

	if (dst.s_addr == INADDR_ANY) {
		m_freem(m);
		return (EHOSTUNREACH);
	}
	if (in_broadcast(dst)) {
		memcpy(desten, etherbroadcastaddr, ETHER_ADDR_LEN);
		return (0);
	}
	mtx_lock(&arp_mtx);
	la = arp_create(ifp, dst, &old);
	la->la_used = ticks;
	if (arp_valid(la)) {
		memcpy(desten, la->la_lla, ETHER_ADDR_LEN);
		mtx_unlock(&arp_mtx);
		arp_drop_held(old);
		return (0);
	}
	if (la->la_hold != NULL) {
		KASSERT(old == NULL, ("arpresolve: two held packets"));
		old = la->la_hold;
	}
	la->la_hold = m;
	ask = ticks - la->la_asked >= hz;
	if (ask)
		la->la_asked = ticks;
	mtx_unlock(&arp_mtx);
	arp_drop_held(old);
	if (ask)
		arprequest(ifp, in_ifaddr.ia_addr, dst);
	return (EWOULDBLOCK);
}

void
arprequest(struct ifnet *ifp, struct in_addr sip, struct in_addr tip)
{
	struct ether_arp *ea;
	struct mbuf *m;

	if ((m = m_gethdr(M_NOWAIT, MT_DATA)) == NULL) {
		ARPSTAT_INC(txerrors);
		return;
	}
	m->m_len = m->m_pkthdr.len = sizeof(*ea);
	MH_ALIGN(m, sizeof(*ea));
	ea = mtod(m, struct ether_arp *);
	ea->ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
	ea->ea_hdr.ar_pro = htons(ETHERTYPE_IP);
	ea->ea_hdr.ar_hln = ETHER_ADDR_LEN;
	ea->ea_hdr.ar_pln = sizeof(struct in_addr);
	ea->ea_hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(ea->arp_sha, ifp->if_lladdr, ETHER_ADDR_LEN);
	memcpy(ea->arp_spa, &sip, sizeof(sip));
	memset(ea->arp_tha, 0, ETHER_ADDR_LEN);
	memcpy(ea->arp_tpa, &tip, sizeof(tip));
	if (ether_output_frame(ifp, m, etherbroadcastaddr, ETHERTYPE_ARP) !=
	    0)
		ARPSTAT_INC(txerrors);
	else
		ARPSTAT_INC(txrequests);
}

/*
 * Record isaddr at enaddr when it is cached already, or when create is set
 * (the sender asked for us).  The packet it held is returned to be sent.
 */
static struct mbuf *
arp_update(struct ifnet *ifp, struct in_addr isaddr, const uint8_t *enaddr,
    int create)
{
	struct llentry *la;
	struct mbuf *held = NULL, *old = NULL;

	mtx_lock(&arp_mtx);
	la = arp_find(ifp, isaddr);
	if (la == NULL && create)
		la = arp_create(ifp, isaddr, &old);
	if (la != NULL) {
		memcpy(la->la_lla, enaddr, ETHER_ADDR_LEN);
		la->la_valid = 1;
		la->la_expire = ticks + arpt_keep * hz;
		la->la_used = ticks;
		held = la->la_hold;
		la->la_hold = NULL;
	}
	mtx_unlock(&arp_mtx);
	arp_drop_held(old);
	return (held);
}

/* Another station claims our address: count it, say so once a second. */
static void
arp_dupip(struct ifnet *ifp, const uint8_t *enaddr, struct in_addr myaddr)
{
	static int last;
	char lla[18], ip[INET_ADDRSTRLEN];

	ARPSTAT_INC(dupips);
	if (last != 0 && ticks - last < hz)
		return;
	last = ticks;
	printf("arp: %s is using my IP address %s on %s!\n",
	    ether_sprintf(enaddr, lla), inet_ntoa_r(myaddr, ip),
	    ifp->if_xname);
}

void
arp_input(struct ifnet *ifp, struct mbuf *m)
{
	struct in_addr isaddr, itaddr, myaddr = in_ifaddr.ia_addr;
	struct ether_arp *ea;
	uint8_t enaddr[ETHER_ADDR_LEN];
	struct mbuf *held;
	int op;

	if (m->m_pkthdr.len < (int)sizeof(*ea) ||
	    (m = m_pullup(m, sizeof(*ea))) == NULL)
		goto bad;
	ea = mtod(m, struct ether_arp *);
	if (ntohs(ea->ea_hdr.ar_hrd) != ARPHRD_ETHER ||
	    ntohs(ea->ea_hdr.ar_pro) != ETHERTYPE_IP ||
	    ea->ea_hdr.ar_hln != ETHER_ADDR_LEN ||
	    ea->ea_hdr.ar_pln != sizeof(struct in_addr))
		goto bad;
	op = ntohs(ea->ea_hdr.ar_op);
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY)
		goto bad;
	ARPSTAT_INC(received);
	if (op == ARPOP_REQUEST)
		ARPSTAT_INC(rxrequests);
	else
		ARPSTAT_INC(rxreplies);
	memcpy(&isaddr, ea->arp_spa, sizeof(isaddr));
	memcpy(&itaddr, ea->arp_tpa, sizeof(itaddr));
	memcpy(enaddr, ea->arp_sha, ETHER_ADDR_LEN);
	if (memcmp(enaddr, ifp->if_lladdr, ETHER_ADDR_LEN) == 0 ||
	    ETHER_IS_MULTICAST(enaddr)) {
		m_freem(m);			/* our own, or nonsense */
		return;
	}
	if (isaddr.s_addr == myaddr.s_addr) {
		arp_dupip(ifp, enaddr, myaddr);
		m_freem(m);
		return;
	}
	held = NULL;
	if (isaddr.s_addr != INADDR_ANY && !in_broadcast(isaddr))
		held = arp_update(ifp, isaddr, enaddr,
		    itaddr.s_addr == myaddr.s_addr);
	if (op == ARPOP_REQUEST && itaddr.s_addr == myaddr.s_addr) {
		/* The answer, in place. */
		ea->ea_hdr.ar_op = htons(ARPOP_REPLY);
		memcpy(ea->arp_tha, enaddr, ETHER_ADDR_LEN);
		memcpy(ea->arp_tpa, &isaddr, sizeof(isaddr));
		memcpy(ea->arp_sha, ifp->if_lladdr, ETHER_ADDR_LEN);
		memcpy(ea->arp_spa, &myaddr, sizeof(myaddr));
		if (m->m_pkthdr.len > (int)sizeof(*ea))
			m_adj(m, (int)sizeof(*ea) - m->m_pkthdr.len);
		if (ether_output_frame(ifp, m, enaddr, ETHERTYPE_ARP) == 0)
			ARPSTAT_INC(txreplies);
	} else
		m_freem(m);
	if (held != NULL)
		(void)ether_output_frame(ifp, held, enaddr, ETHERTYPE_IP);
	return;
bad:
	ifp->if_iqdrops++;
	if (m != NULL)
		m_freem(m);
}

void
arp_ifdetach(struct ifnet *ifp)
{
	struct llentry *la;
	struct mbuf *m;

	for (la = arptab; la < &arptab[ARPTAB_SIZE]; la++) {
		mtx_lock(&arp_mtx);
		m = la->la_ifp == ifp ? arp_clear(la) : NULL;
		mtx_unlock(&arp_mtx);
		arp_drop_held(m);
	}
}
