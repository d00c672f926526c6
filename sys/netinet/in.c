/*
 * The stack's IPv4 address: tunables, sysctls, and address helpers.
 *
 * Tunables (read once at boot; a malformed value keeps the default and a
 * warning names it):
 *   net.inet.ip.addr      our address            default 10.0.2.15
 *   net.inet.ip.netmask   contiguous mask        default 255.255.255.0
 *   net.inet.ip.gateway   default router, on the subnet, or 0.0.0.0 for
 *                         none                   default 10.0.2.2
 * The same names are read-only sysctls showing the values in use.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/sysctl.h>
#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>

SYSCTL_NODE(_net, OID_AUTO, inet, CTLFLAG_RW, NULL, "Internet Family");
SYSCTL_NODE(_net_inet, OID_AUTO, ip, CTLFLAG_RW, NULL, "IP");
SYSCTL_DECL(_net_inet_ip);

struct in_ifaddr in_ifaddr;

#define	IN_DEF_ADDR	"10.0.2.15"
#define	IN_DEF_NETMASK	"255.255.255.0"
#define	IN_DEF_GATEWAY	"10.0.2.2"

char *
inet_ntoa_r(struct in_addr ina, char *buf)
{
	uint32_t a = ntohl(ina.s_addr);

	snprintf(buf, INET_ADDRSTRLEN, "%u.%u.%u.%u", a >> 24,
	    (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return (buf);
}

int
inet_aton(const char *cp, struct in_addr *ina)
{
	uint32_t a = 0, part;
	int i, digits;

	for (i = 0; i < 4; i++) {
		part = 0;
		for (digits = 0; *cp >= '0' && *cp <= '9'; cp++, digits++) {
			part = part * 10 + (uint32_t)(*cp - '0');
			if (digits >= 3 || part > 255)
				return (0);
		}
		if (digits == 0 || (digits > 1 && cp[-digits] == '0'))
			return (0);	/* empty, or a leading zero */
		a = a << 8 | part;
		if (i < 3 && *cp++ != '.')
			return (0);
	}
	if (*cp != '\0')
		return (0);
	ina->s_addr = htonl(a);
	return (1);
}

static int
in_mask_ok(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);

	return (m != 0 && (~m & (~m + 1)) == 0);	/* ones, then zeros */
}

int
in_broadcast(struct in_addr ina)
{
	uint32_t a = ntohl(ina.s_addr), m = ntohl(in_ifaddr.ia_netmask.s_addr);
	uint32_t net = ntohl(in_ifaddr.ia_addr.s_addr) & m;

	return (a == INADDR_BROADCAST || a == INADDR_ANY ||
	    a == (net | ~m));
}

struct in_addr
in_nexthop(struct in_addr dst)
{
	if (((dst.s_addr ^ in_ifaddr.ia_addr.s_addr) &
	    in_ifaddr.ia_netmask.s_addr) == 0)
		return (dst);
	return (in_ifaddr.ia_gateway);
}

/*
 * Tunables
 */

/* Fetch name into *ina: 1 if given and taken, 0 if absent or refused. */
static int
in_fetch(const char *name, struct in_addr *ina, int (*ok)(struct in_addr),
    const char *reason)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr v;
	const char *s;

	if ((s = kern_getenv(name)) == NULL)
		return (0);
	if (!inet_aton(s, &v)) {
		tunable_warn(name, "not a dotted-quad IPv4 address", "%s",
		    inet_ntoa_r(*ina, buf));
		return (0);
	}
	if (ok != NULL && !ok(v)) {
		tunable_warn(name, reason, "%s", inet_ntoa_r(*ina, buf));
		return (0);
	}
	*ina = v;
	return (1);
}

static int
in_addr_ok(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h != INADDR_ANY && h != INADDR_BROADCAST && !IN_MULTICAST(h) &&
	    !IN_LOOPBACK(h));
}

static int
in_gateway_ok(struct in_addr g)
{
	return (g.s_addr == INADDR_ANY || (in_addr_ok(g) &&
	    in_nexthop(g).s_addr == g.s_addr && !in_broadcast(g) &&
	    g.s_addr != in_ifaddr.ia_addr.s_addr));
}

static void
in_tunables(void *dummy __unused)
{
	struct in_ifaddr *ia = &in_ifaddr;

	(void)inet_aton(IN_DEF_ADDR, &ia->ia_addr);
	(void)inet_aton(IN_DEF_NETMASK, &ia->ia_netmask);
	(void)inet_aton(IN_DEF_GATEWAY, &ia->ia_gateway);
	(void)in_fetch("net.inet.ip.addr", &ia->ia_addr, in_addr_ok,
	    "not a unicast address");
	(void)in_fetch("net.inet.ip.netmask", &ia->ia_netmask, in_mask_ok,
	    "not a contiguous netmask");
	if (!in_gateway_ok(ia->ia_gateway))
		ia->ia_gateway.s_addr = INADDR_ANY;	/* default is off-net */
	(void)in_fetch("net.inet.ip.gateway", &ia->ia_gateway, in_gateway_ok,
	    "not a host on the subnet");
}
SYSINIT(in_tunables, SI_SUB_TUNABLES, SI_ORDER_ANY, in_tunables, NULL);

static int
sysctl_in_addr(SYSCTL_HANDLER_ARGS)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntoa_r(*(struct in_addr *)arg1, buf);
	return (SYSCTL_OUT_STR(req, buf));
}
SYSCTL_PROC(_net_inet_ip, OID_AUTO, addr, CTLTYPE_STRING | CTLFLAG_RD |
    CTLFLAG_MPSAFE, &in_ifaddr.ia_addr, 0, sysctl_in_addr, "A",
    "Our IPv4 address (tunable)");
SYSCTL_PROC(_net_inet_ip, OID_AUTO, netmask, CTLTYPE_STRING | CTLFLAG_RD |
    CTLFLAG_MPSAFE, &in_ifaddr.ia_netmask, 0, sysctl_in_addr, "A",
    "Netmask of our subnet (tunable)");
SYSCTL_PROC(_net_inet_ip, OID_AUTO, gateway, CTLTYPE_STRING | CTLFLAG_RD |
    CTLFLAG_MPSAFE, &in_ifaddr.ia_gateway, 0, sysctl_in_addr, "A",
    "Default router, 0.0.0.0 for none (tunable)");
