/*
 * Presentation of the allocator's statistics: the console commands
 * vmstat -z / -m, netstat -m [-v] and show uma, and the vm.zone sysctl
 * text, in FreeBSD's formats.  Everything here reads statistics KPIs only
 * (uma_zone_stat, uma_zone_cpu_stat, uma_zone_foreach, mbstat_get,
 * malloc_print_types); no allocator's private header is included.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/cons.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/pcpu.h>
#include <sys/sysctl.h>
#include <vm/uma.h>
#include <net/if.h>

/*
 * vmstat -z and vm.zone: one row per zone.
 */

/* Lines of text, to the console or into a sysctl request. */
struct uma_print {
	void	(*up_out)(void *, const char *);
	void	*up_arg;
};

static void
uma_print_zone_row(uma_zone_t zone, void *arg)
{
	struct uma_print *up = arg;
	struct uma_zone_stat zs;
	char name[64], line[160];

	uma_zone_stat(zone, &zs);
	snprintf(name, sizeof(name), "%s:", uma_zone_name(zone));
	snprintf(line, sizeof(line),
	    "%-20s %6ju, %6ju,%8ju,%8ju,%8ju,%4ju,%4ju\n", name,
	    (uintmax_t)zs.zs_size, (uintmax_t)zs.zs_limit,
	    (uintmax_t)zs.zs_used, (uintmax_t)zs.zs_free,
	    (uintmax_t)zs.zs_allocs, (uintmax_t)zs.zs_fails,
	    (uintmax_t)zs.zs_sleeps);
	up->up_out(up->up_arg, line);
}

static void
vmstat_print_zones(void (*out)(void *, const char *), void *arg)
{
	struct uma_print up = { out, arg };

	out(arg, "ITEM                   SIZE  LIMIT     USED     FREE"
	    "      REQ FAIL SLEEP\n\n");
	uma_zone_foreach(uma_print_zone_row, &up);
}

static int
sysctl_vm_zone(SYSCTL_HANDLER_ARGS)
{
	vmstat_print_zones(sysctl_out_text, req);
	return (SYSCTL_OUT(req, "", 1));
}
SYSCTL_PROC(_vm, OID_AUTO, zone, CTLTYPE_STRING | CTLFLAG_RD | CTLFLAG_MPSAFE,
    NULL, 0, sysctl_vm_zone, "A", "Zone Info");

static void
vmstat_out_console(void *arg __unused, const char *text)
{
	printf("%s", text);
}

/* vmstat -z (UMA's zones) and -m (malloc types), as vmstat(8) prints them. */
static int
vmstat_cmd(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-z") == 0) {
		vmstat_print_zones(vmstat_out_console, NULL);
		return (0);
	}
	if (argc == 2 && strcmp(argv[1], "-m") == 0) {
		malloc_print_types(vmstat_out_console, NULL);
		return (0);
	}
	printf("usage: vmstat -z | -m\n");
	return (1);
}
CONS_COMMAND(vmstat, vmstat_cmd, "vmstat -z | -m",
    "zone (-z) or malloc type (-m) statistics");

/*
 * show uma
 */

static void
show_uma_row(uma_zone_t zone, void *arg __unused)
{
	struct uma_zone_stat zs;

	uma_zone_stat(zone, &zs);
	printf("%18s %8u %8ju %8u %12ju %8ju %8u\n", uma_zone_name(zone),
	    zs.zs_size, (uintmax_t)zs.zs_used, zs.zs_free,
	    (uintmax_t)zs.zs_allocs, (uintmax_t)zs.zs_sleeps,
	    zs.zs_bucketsize);
}

static int
show_uma(int argc, char **argv __unused)
{
	if (argc != 1) {
		printf("usage: show uma\n");
		return (1);
	}
	printf("%18s %8s %8s %8s %12s %8s %8s\n", "Zone", "Size", "Used",
	    "Free", "Requests", "Sleeps", "Bucket");
	uma_zone_foreach(show_uma_row, NULL);
	return (0);
}
SHOW_COMMAND(uma, show_uma, "show uma", "UMA zones: size, use, requests");

/*
 * netstat -m
 */

static void
netstat_percpu(void)
{
	static const char *names[] = { "mbuf", "mbuf_cluster", "mbuf_packet" };
	uma_zone_t zones[] = { zone_mbuf, zone_clust, zone_pack };
	struct uma_cache_stat cs;
	int cpu, i;

	printf("%-4s %-14s %12s %12s %6s %6s\n", "cpu", "zone", "allocs",
	    "frees", "alloc", "free");
	CPU_FOREACH(cpu) {
		if (!pcpu_find(cpu)->pc_online)
			continue;
		for (i = 0; i < 3; i++) {
			uma_zone_cpu_stat(zones[i], cpu, &cs);
			printf("cpu %-2d %-12s %12ju %12ju %6d %6d\n", cpu,
			    names[i], (uintmax_t)cs.cs_allocs,
			    (uintmax_t)cs.cs_frees, cs.cs_alloccnt,
			    cs.cs_freecnt);
		}
	}
}

/* One jumbo cluster line; adds the zone's bytes to *used and *cache. */
static void
netstat_jumbo(uma_zone_t zone, const char *what, struct uma_zone_stat *zs,
    uint64_t *used, uint64_t *cache)
{
	uma_zone_stat(zone, zs);
	printf("%u/%u/%u/%u %s jumbo clusters in use "
	    "(current/cache/total/max)\n", zs->zs_used, zs->zs_free,
	    zs->zs_used + zs->zs_free, zs->zs_limit, what);
	*used += (uint64_t)zs->zs_used * zs->zs_size;
	*cache += (uint64_t)zs->zs_free * zs->zs_size;
}

static int
netstat_cmd(int argc, char **argv)
{
	struct uma_zone_stat zm, zc, zp, zjp, zj9, zj16;
	uint64_t used, cache;
	char what[32];
	struct mbstat mbs;
	int verbose;

	if (argc >= 2 && (strcmp(argv[1], "-i") == 0 ||
	    strcmp(argv[1], "-s") == 0))
		return (netstat_net(argc, argv));	/* sys/net/netstat.c */
	verbose = argc == 3 && strcmp(argv[2], "-v") == 0;
	if (argc < 2 || argc > 3 || strcmp(argv[1], "-m") != 0 ||
	    (argc == 3 && !verbose)) {
		printf("usage: netstat -i | -s [-p udp|ip|icmp|arp] | "
		    "-m [-v]\n");
		return (1);
	}
	uma_zone_stat(zone_mbuf, &zm);
	uma_zone_stat(zone_clust, &zc);
	uma_zone_stat(zone_pack, &zp);
	mbstat_get(&mbs);
	printf("%u/%u/%u mbufs in use (current/cache/total)\n",
	    zm.zs_used + zp.zs_used, zm.zs_free + zp.zs_free,
	    zm.zs_used + zp.zs_used + zm.zs_free + zp.zs_free);
	printf("%u/%u/%u/%u mbuf clusters in use (current/cache/total/max)\n",
	    zc.zs_used - zp.zs_free, zc.zs_free + zp.zs_free,
	    zc.zs_used + zc.zs_free, zc.zs_limit);
	printf("%u/%u mbuf+clusters out of packet secondary zone in use "
	    "(current/cache)\n", zp.zs_used, zp.zs_free);
	used = (uint64_t)(zm.zs_used + zp.zs_used) * MSIZE +
	    (uint64_t)(zc.zs_used - zp.zs_free) * MCLBYTES;
	cache = (uint64_t)(zm.zs_free + zp.zs_free) * MSIZE +
	    (uint64_t)(zc.zs_free + zp.zs_free) * MCLBYTES;
	snprintf(what, sizeof(what), "%dk (page size)", MJUMPAGESIZE / 1024);
	netstat_jumbo(zone_jumbop, what, &zjp, &used, &cache);
	netstat_jumbo(zone_jumbo9, "9k", &zj9, &used, &cache);
	netstat_jumbo(zone_jumbo16, "16k", &zj16, &used, &cache);
	printf("%juK/%juK/%juK bytes allocated to network "
	    "(current/cache/total)\n", (uintmax_t)used / 1024,
	    (uintmax_t)cache / 1024, (uintmax_t)(used + cache) / 1024);
	printf("%ju/%ju/%ju requests for mbufs denied "
	    "(mbufs/clusters/mbuf+clusters)\n", (uintmax_t)zm.zs_fails,
	    (uintmax_t)zc.zs_fails, (uintmax_t)zp.zs_fails);
	printf("%ju/%ju/%ju requests for mbufs delayed "
	    "(mbufs/clusters/mbuf+clusters)\n", (uintmax_t)zm.zs_sleeps,
	    (uintmax_t)zc.zs_sleeps, (uintmax_t)zp.zs_sleeps);
	printf("%ju/%ju/%ju requests for jumbo clusters delayed "
	    "(4k/9k/16k)\n", (uintmax_t)zjp.zs_sleeps,
	    (uintmax_t)zj9.zs_sleeps, (uintmax_t)zj16.zs_sleeps);
	printf("%ju/%ju/%ju requests for jumbo clusters denied "
	    "(4k/9k/16k)\n", (uintmax_t)zjp.zs_fails,
	    (uintmax_t)zj9.zs_fails, (uintmax_t)zj16.zs_fails);
	printf("%lu calls to protocol drain routines\n", mbs.m_drain);
	if (verbose) {
		printf("mbufs by type: data %lu, header %lu, other %lu\n",
		    mbs.m_mbtypes[MT_DATA], mbs.m_mbtypes[MT_HEADER],
		    mbs.m_mbtypes[MT_SONAME] + mbs.m_mbtypes[MT_CONTROL] +
		    mbs.m_mbtypes[MT_OOBDATA]);
		netstat_percpu();
	}
	return (0);
}
CONS_COMMAND(netstat, netstat_cmd, "netstat -i | -s [-p proto] | -m [-v]",
    "interfaces, protocol statistics, mbuf statistics (-v: by type, per CPU)");
