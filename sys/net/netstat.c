/*
 * netstat -i and netstat -s for the console shell, in FreeBSD's formats:
 * a presentation file over the stack's counters (struct ipstat, icmpstat,
 * udpstat, arpstat, the ifnet counters); the stack itself prints nothing.
 * subr_vmstat.c's netstat command (netstat -m) hands these options here.
 *
 *   netstat -i              one link row per interface, and the address
 *                           row under the interface it is bound to
 *   netstat -s [-p proto]   udp, ip, icmp, arp (or the one named), every
 *                           counter, zeros included (FreeBSD's single -s)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <netinet/icmp_var.h>
#include <netinet/udp_var.h>
#include <netinet/if_ether.h>

/* Plural endings, as FreeBSD's plural(), pluralies() and plurales(). */
enum { PL_NONE, PL_S, PL_IES, PL_ES };

struct ns_row {
	size_t		nr_off;		/* of the uint64_t counter */
	const char	*nr_text;	/* "%s" takes the plural ending */
	int		nr_plural;
};

static void
ns_rows(const void *stats, const struct ns_row *rows, int n)
{
	static const char *ends[][2] = { { "", "" }, { "", "s" },
	    { "y", "ies" }, { "", "es" } };
	uint64_t v;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(&v, (const char *)stats + rows[i].nr_off, sizeof(v));
		printf("\t%ju ", (uintmax_t)v);
		printf(rows[i].nr_text, ends[rows[i].nr_plural][v != 1]);
		printf("\n");
	}
}

#define	NS(t, f, text, pl)	{ __offsetof(struct t, f), (text), (pl) }
#define	NROWS(a)		((int)(sizeof(a) / sizeof((a)[0])))

static const struct ns_row udp_rows1[] = {
	NS(udpstat, udps_ipackets, "datagram%s received", PL_S),
	NS(udpstat, udps_hdrops, "with incomplete header", PL_NONE),
	NS(udpstat, udps_badlen, "with bad data length field", PL_NONE),
	NS(udpstat, udps_badsum, "with bad checksum", PL_NONE),
	NS(udpstat, udps_nosum, "with no checksum", PL_NONE),
	NS(udpstat, udps_noport, "dropped due to no socket", PL_NONE),
	NS(udpstat, udps_noportbcast,
	    "broadcast/multicast datagram%s undelivered", PL_S),
	NS(udpstat, udps_fullsock, "dropped due to full socket buffers",
	    PL_NONE),
	NS(udpstat, udpps_pcbhashmiss, "not for hashed pcb", PL_NONE),
};
static const struct ns_row udp_rows2[] = {
	NS(udpstat, udps_opackets, "datagram%s output", PL_S),
	NS(udpstat, udps_filtermcast,
	    "time%s multicast source filter matched", PL_S),
};

static void
udp_stats(void)
{
	struct udpstat s = udpstat;
	uint64_t delivered;

	delivered = s.udps_ipackets - s.udps_hdrops - s.udps_badlen -
	    s.udps_badsum - s.udps_noport - s.udps_noportbcast -
	    s.udps_fullsock;
	printf("udp:\n");
	ns_rows(&s, udp_rows1, NROWS(udp_rows1));
	printf("\t%ju delivered\n", (uintmax_t)delivered);
	ns_rows(&s, udp_rows2, NROWS(udp_rows2));
}

static const struct ns_row ip_rows1[] = {
	NS(ipstat, ips_total, "total packet%s received", PL_S),
	NS(ipstat, ips_badsum, "bad header checksum%s", PL_S),
	NS(ipstat, ips_toosmall, "with size smaller than minimum", PL_NONE),
	NS(ipstat, ips_tooshort, "with data size < data length", PL_NONE),
	NS(ipstat, ips_toolong, "with ip length > max ip packet size",
	    PL_NONE),
	NS(ipstat, ips_badhlen, "with header length < data size", PL_NONE),
	NS(ipstat, ips_badlen, "with data length < header length", PL_NONE),
	NS(ipstat, ips_badoptions, "with bad options", PL_NONE),
	NS(ipstat, ips_badvers, "with incorrect version number", PL_NONE),
	NS(ipstat, ips_fragments, "fragment%s received", PL_S),
	NS(ipstat, ips_fragdropped, "fragment%s dropped (dup or out of space)",
	    PL_S),
	NS(ipstat, ips_fragtimeout, "fragment%s dropped after timeout", PL_S),
	NS(ipstat, ips_reassembled, "packet%s reassembled ok", PL_S),
	NS(ipstat, ips_delivered, "packet%s for this host", PL_S),
	NS(ipstat, ips_noproto, "packet%s for unknown/unsupported protocol",
	    PL_S),
};
static const struct ns_row ip_rows2[] = {
	NS(ipstat, ips_cantforward, "packet%s not forwardable", PL_S),
	NS(ipstat, ips_notmember,
	    "packet%s received for unknown multicast group", PL_S),
	NS(ipstat, ips_redirectsent, "redirect%s sent", PL_S),
	NS(ipstat, ips_localout, "packet%s sent from this host", PL_S),
	NS(ipstat, ips_rawout, "packet%s sent with fabricated ip header",
	    PL_S),
	NS(ipstat, ips_odropped,
	    "output packet%s dropped due to no bufs, etc.", PL_S),
	NS(ipstat, ips_noroute, "output packet%s discarded due to no route",
	    PL_S),
	NS(ipstat, ips_fragmented, "output datagram%s fragmented", PL_S),
	NS(ipstat, ips_ofragments, "fragment%s created", PL_S),
	NS(ipstat, ips_cantfrag, "datagram%s that can't be fragmented",
	    PL_S),
	NS(ipstat, ips_nogif, "tunneling packet%s that can't find gif",
	    PL_S),
	NS(ipstat, ips_badaddr, "datagram%s with bad address in header",
	    PL_S),
};

static void
ip_stats(void)
{
	struct ipstat s = ipstat;

	printf("ip:\n");
	ns_rows(&s, ip_rows1, NROWS(ip_rows1));
	printf("\t%ju packet%s forwarded (%ju packet%s fast forwarded)\n",
	    (uintmax_t)s.ips_forward, s.ips_forward != 1 ? "s" : "",
	    (uintmax_t)s.ips_fastforward, s.ips_fastforward != 1 ? "s" : "");
	ns_rows(&s, ip_rows2, NROWS(ip_rows2));
}

static const char *icmpnames[ICMP_MAXTYPE + 1] = {
	"echo reply", "#1", "#2", "destination unreachable",
	"source quench", "routing redirect", "#6", "#7", "echo",
	"router advertisement", "router solicitation", "time exceeded",
	"parameter problem", "time stamp", "time stamp reply",
	"information request", "information request reply",
	"address mask request", "address mask reply",
};

static void
icmp_hist(const uint64_t *hist, const char *title)
{
	int first = 1, i;

	for (i = 0; i <= ICMP_MAXTYPE; i++) {
		if (hist[i] == 0)
			continue;
		if (first)
			printf("\t%s histogram:\n", title);
		first = 0;
		printf("\t\t%s: %ju\n", icmpnames[i], (uintmax_t)hist[i]);
	}
}

static const struct ns_row icmp_rows1[] = {
	NS(icmpstat, icps_error, "call%s to icmp_error", PL_S),
	NS(icmpstat, icps_oldicmp,
	    "error%s not generated in response to an icmp message", PL_S),
};
static const struct ns_row icmp_rows2[] = {
	NS(icmpstat, icps_badcode, "message%s with bad code fields", PL_S),
	NS(icmpstat, icps_tooshort, "message%s less than the minimum length",
	    PL_S),
	NS(icmpstat, icps_checksum, "message%s with bad checksum", PL_S),
	NS(icmpstat, icps_badlen, "message%s with bad length", PL_S),
	NS(icmpstat, icps_bmcastecho, "multicast echo requests ignored",
	    PL_NONE),
	NS(icmpstat, icps_bmcasttstamp,
	    "multicast timestamp requests ignored", PL_NONE),
};
static const struct ns_row icmp_rows3[] = {
	NS(icmpstat, icps_reflect, "message response%s generated", PL_S),
	NS(icmpstat, icps_badaddr, "invalid return address%s", PL_ES),
	NS(icmpstat, icps_noroute, "no return route%s", PL_S),
};

static void
icmp_stats(void)
{
	struct icmpstat s = icmpstat;

	printf("icmp:\n");
	ns_rows(&s, icmp_rows1, NROWS(icmp_rows1));
	icmp_hist(s.icps_outhist, "Output");
	ns_rows(&s, icmp_rows2, NROWS(icmp_rows2));
	icmp_hist(s.icps_inhist, "Input");
	ns_rows(&s, icmp_rows3, NROWS(icmp_rows3));
}

static const struct ns_row arp_rows[] = {
	NS(arpstat, txrequests, "ARP request%s sent", PL_S),
	NS(arpstat, txerrors, "ARP request%s failed to sent", PL_S),
	NS(arpstat, txreplies, "ARP repl%s sent", PL_IES),
	NS(arpstat, rxrequests, "ARP request%s received", PL_S),
	NS(arpstat, rxreplies, "ARP repl%s received", PL_IES),
	NS(arpstat, received, "ARP packet%s received", PL_S),
	NS(arpstat, dropped, "total packet%s dropped due to no ARP entry",
	    PL_S),
	NS(arpstat, timeouts, "ARP entr%s timed out", PL_IES),
	NS(arpstat, dupips, "Duplicate IP%s seen", PL_S),
};

static void
arp_stats(void)
{
	struct arpstat s = arpstat;

	printf("arp:\n");
	ns_rows(&s, arp_rows, NROWS(arp_rows));
}

/*
 * netstat -i
 */

static void
ns_namewidth(struct ifnet *ifp, void *arg)
{
	int *w = arg;

	*w = imax(*w, (int)strlen(ifp->if_xname));
}

static void
ns_ifrow(struct ifnet *ifp, void *arg)
{
	struct in_ifaddr *ia = &in_ifaddr;
	char lla[18], link[16], net[32], a[INET_ADDRSTRLEN];
	struct in_addr netaddr;
	int w = *(int *)arg, bits;

	snprintf(link, sizeof(link), "<Link#%u>", if_index(ifp));
	printf("%-*.*s %5u %-13.13s %-17.17s %8lu %5lu %5lu %8lu %5lu %5lu\n",
	    w, w, ifp->if_xname, ifp->if_mtu, link,
	    ether_sprintf(ifp->if_lladdr, lla), ifp->if_ipackets,
	    ifp->if_ierrors, ifp->if_iqdrops, ifp->if_opackets,
	    ifp->if_oerrors, 0ul);
	if (ia->ia_ifp != ifp)
		return;
	netaddr.s_addr = ia->ia_addr.s_addr & ia->ia_netmask.s_addr;
	bits = __builtin_popcount(ia->ia_netmask.s_addr);
	inet_ntoa_r(netaddr, a);
	snprintf(net, sizeof(net), "%s/%d", a, bits);
	printf("%-*.*s %5s %-13.13s %-17.17s %8lu %5s %5s %8lu %5s %5s\n",
	    w, w, ifp->if_xname, "-", net, inet_ntoa_r(ia->ia_addr, a),
	    ia->ia_ipackets, "-", "-", ia->ia_opackets, "-", "-");
}

static void
if_stats(void)
{
	int w = 5;

	if_foreach(ns_namewidth, &w);
	printf("%-*.*s %5s %-13.13s %-17.17s %8.8s %5s %5s %8.8s %5s %5s\n",
	    w, w, "Name", "Mtu", "Network", "Address", "Ipkts", "Ierrs",
	    "Idrop", "Opkts", "Oerrs", "Coll");
	if_foreach(ns_ifrow, &w);
}

int
netstat_net(int argc, char **argv)
{
	static const struct {
		const char	*name;
		void		(*fn)(void);
	} protos[] = {
		{ "udp", udp_stats }, { "ip", ip_stats },
		{ "icmp", icmp_stats }, { "arp", arp_stats },
	};
	int i, found = 0;

	if (argc == 2 && strcmp(argv[1], "-i") == 0) {
		if_stats();
		return (0);
	}
	if (argc == 2 && strcmp(argv[1], "-s") == 0) {
		for (i = 0; i < NROWS(protos); i++)
			protos[i].fn();
		return (0);
	}
	if (argc == 4 && strcmp(argv[1], "-s") == 0 &&
	    strcmp(argv[2], "-p") == 0) {
		for (i = 0; i < NROWS(protos); i++) {
			if (strcmp(argv[3], protos[i].name) == 0) {
				protos[i].fn();
				found = 1;
			}
		}
		if (found)
			return (0);
		printf("netstat: %s: unknown protocol (udp, ip, icmp, arp)\n",
		    argv[3]);
		return (1);
	}
	printf("usage: netstat -i | -s [-p udp|ip|icmp|arp] | -m [-v]\n");
	return (1);
}
