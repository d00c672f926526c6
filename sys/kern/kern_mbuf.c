/*
 * mbufs on UMA ("mbuma"): the zones, their callbacks, the cluster limit,
 * statistics and netstat -m.
 *
 * Two kegs, three zones:
 *
 *   "mbuf"          keg of MSIZE items (MSIZE-aligned, largest buckets)
 *   "mbuf_packet"   secondary zone on that keg: an item leaving the keg
 *                   for this zone gets a cluster attached (mb_zinit_pack)
 *                   and loses it when it goes back (mb_zfini_pack), so a
 *                   packet cached in the zone costs no cluster attach or
 *                   detach, and a reclaim gives the clusters back
 *   "mbuf_cluster"  keg of MCLBYTES items, UMA_ZONE_REFCNT: the cluster's
 *                   reference count lives in its slab header, found with
 *                   uma_find_refcnt(); limited by kern.ipc.nmbclusters
 *
 * The ctors take the type and flags (struct mb_args) and set the header;
 * the dtors keep the per-type counts.  Under INVARIANTS the ctors and
 * dtors also run UMA's trash checks over the mbuf and the cluster.
 *
 * Jumbo clusters, three more keg-and-zone pairs sharing the cluster
 * callbacks (the size tells them apart) and UMA_ZONE_REFCNT:
 *
 *   "mbuf_jumbo_page"  MJUMPAGESIZE, limit kern.ipc.nmbjumbop
 *   "mbuf_jumbo_9k"    MJUM9BYTES, limit kern.ipc.nmbjumbo9
 *   "mbuf_jumbo_16k"   MJUM16BYTES, limit kern.ipc.nmbjumbo16
 *
 * The 9k and 16k kegs take their slabs from mb_alloc_contig: physically
 * contiguous runs only (a driver DMAs a cluster as one segment), never
 * kmem_map's page-by-page fallback.
 *
 * kern.ipc.nmbclusters: a boot tunable (default 1024 + 64 * maxusers,
 * maxusers scaled from physical memory as FreeBSD does; 0: no limit) and
 * a runtime sysctl that changes the cluster zone's limit, refusing (EINVAL,
 * nothing changed) a value below the clusters in use.  The jumbo limits
 * work the same way; their defaults halve down the sizes as FreeBSD's
 * did: nmbjumbop = nmbclusters / 2, nmbjumbo9 = nmbjumbop / 2, nmbjumbo16
 * = nmbjumbo9 / 2.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/pcpu.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <vm/vm.h>
#include <vm/vm_page.h>
#include <machine/vmparam.h>
#include <vm/uma.h>
#include <vm/uma_dbg.h>

MALLOC_DEFINE(M_MBUF, "mbuf", "mbuf external reference counters");

uma_zone_t	zone_mbuf;
uma_zone_t	zone_clust;
uma_zone_t	zone_pack;
uma_zone_t	zone_jumbop;
uma_zone_t	zone_jumbo9;
uma_zone_t	zone_jumbo16;
int		nmbclusters;
int		nmbjumbop;	/* kern.ipc.nmbjumbop: page-size clusters */
int		nmbjumbo9;	/* kern.ipc.nmbjumbo9: 9k clusters */
int		nmbjumbo16;	/* kern.ipc.nmbjumbo16: 16k clusters */
static int	maxusers;
static volatile u_long mbuf_drains;
static volatile u_long mb_mcfail;	/* cluster requests refused */
static volatile u_long mb_mpfail;	/* mbuf requests refused */

/* Per-CPU mbuf counts by type: only their CPU writes them. */
static struct mb_pcpu {
	u_long	mp_types[MT_NTYPES];	/* mbufs allocated minus freed */
} __aligned(CACHE_LINE_SIZE) mb_pcpu[MAXCPU];

struct mb_args {
	int	flags;
	short	type;
};

/*
 * Debugging: under INVARIANTS the mbuf and cluster zones get UMA's trash
 * pattern through their own ctor/dtor (they have callbacks, so UMA does
 * not add the trash ones by itself): uma_dbg.h's inline hooks, which
 * are empty without INVARIANTS.
 */

/* This CPU's counts; the caller is in a critical section. */
static __inline struct mb_pcpu *
mb_pcpu_cur(void)
{
	CRITICAL_ASSERT(curthread);
	return (&mb_pcpu[curcpu]);
}

static void
mb_count_type(short type, int delta)
{
	struct thread *td;

	if (type < 0 || type >= MT_NTYPES)
		return;
	td = critical_enter_td();
	mb_pcpu_cur()->mp_types[type] += delta;
	critical_exit_td(td);
}

/* mb_init_hdr() sets each field of the packet header: a new one goes there. */
CTASSERT(sizeof(struct pkthdr) == 32);

static void
mb_init_hdr(struct mbuf *m, int flags, short type)
{
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	m->m_len = 0;
	m->m_flags = flags;
	m->m_type = type;
	if ((flags & M_PKTHDR) != 0) {
		/* Field by field: cheaper than bzero's byte loop. */
		m->m_data = m->m_pktdat;
		m->m_pkthdr.rcvif = NULL;
		m->m_pkthdr.len = 0;
		m->m_pkthdr.csum_flags = 0;
		m->m_pkthdr.csum_data = 0;
		SLIST_INIT(&m->m_pkthdr.tags);
	} else
		m->m_data = m->m_dat;
}

static int
mb_ctor_mbuf(void *mem, int size, void *arg, int how __unused)
{
	struct mb_args *args = arg;
	struct mbuf *m = mem;

	(void)uma_dbg_trash_ctor(mem, size);
	if (args->type == MT_NOINIT)
		return (0);
	mb_init_hdr(m, args->flags, args->type);
	mb_count_type(args->type, 1);
	return (0);
}

static void
mb_dtor_mbuf(void *mem, int size, void *arg __unused)
{
	struct mbuf *m = mem;

	KASSERT((m->m_flags & M_EXT) == 0, ("mb_dtor_mbuf: %p has M_EXT", m));
	if ((m->m_flags & M_PKTHDR) != 0 && !SLIST_EMPTY(&m->m_pkthdr.tags))
		m_tag_delete_chain(m, NULL);
	mb_count_type(m->m_type, -1);
	uma_dbg_trash_dtor(mem, size);
}

/* The cluster sizes: zone and ext_type of each. */
static const struct mb_clsize {
	int		cs_size;
	int		cs_type;
	uma_zone_t	*cs_zone;
} mb_clsizes[] = {
	{ MCLBYTES, EXT_CLUSTER, &zone_clust },
	{ MJUMPAGESIZE, EXT_JUMBOP, &zone_jumbop },
	{ MJUM9BYTES, EXT_JUMBO9, &zone_jumbo9 },
	{ MJUM16BYTES, EXT_JUMBO16, &zone_jumbo16 },
};

/* The entry for a cluster size, or NULL; the common 2 KiB one first. */
static __inline const struct mb_clsize *
mb_clsize(int size)
{
	size_t i;

	if (__predict_true(size == MCLBYTES))
		return (&mb_clsizes[0]);
	for (i = 1; i < nitems(mb_clsizes); i++)
		if (mb_clsizes[i].cs_size == size)
			return (&mb_clsizes[i]);
	return (NULL);
}

uma_zone_t
m_getzone(int size)
{
	const struct mb_clsize *cs = mb_clsize(size);

	return (cs != NULL ? *cs->cs_zone : NULL);
}

/*
 * Attach the cluster mem (of any cluster zone: size says which) to the
 * mbuf arg, if any; its count becomes 1.
 */
static int
mb_ctor_clust(void *mem, int size, void *arg, int how __unused)
{
	const struct mb_clsize *cs = mb_clsize(size);
	struct mbuf *m = arg;
	uint32_t *refcnt;

	KASSERT(cs != NULL, ("mb_ctor_clust: unknown cluster size %d", size));
	(void)uma_dbg_trash_ctor(mem, size);
	refcnt = uma_find_refcnt(*cs->cs_zone, mem);
	*refcnt = 1;
	if (m != NULL) {
		m->m_ext.ext_buf = mem;
		m->m_ext.ext_free = NULL;
		m->m_ext.ext_args = NULL;
		m->m_ext.ext_size = size;
		m->m_ext.ext_type = cs->cs_type;
		m->m_ext.ref_cnt = refcnt;
		m->m_data = mem;
		m->m_flags |= M_EXT;
	}
	return (0);
}

static void
mb_dtor_clust(void *mem, int size, void *arg __unused)
{
	KASSERT(*uma_find_refcnt(m_getzone(size), mem) <= 1,
	    ("mb_dtor_clust: cluster %p still has %u references", mem,
	    *uma_find_refcnt(m_getzone(size), mem)));
	uma_dbg_trash_dtor(mem, size);
}

/*
 * Slabs of the 9k and 16k kegs: a physically contiguous run through the
 * direct map (freed by UMA's page_free as any UMA_SLAB_DMAP run).  With
 * M_WAITOK the page daemon gets two chances to make a run free.
 */
static void *
mb_alloc_contig(uma_zone_t zone __unused, vm_size_t size, uint8_t *pflag,
    int wait)
{
	vm_page_t m;
	int tries;

	for (tries = 0;; tries++) {
		m = vm_page_alloc_contig(atop(size), 0, ~(vm_paddr_t)0,
		    PAGE_SIZE, 0);
		if (m != NULL)
			break;
		if ((wait & M_NOWAIT) != 0 || tries == 2)
			return (NULL);
		vm_wait();
	}
	*pflag = UMA_SLAB_DMAP;
	return ((void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)));
}

/* An mbuf enters the packet zone: give it a cluster. */
static int
mb_zinit_pack(void *mem, int size __unused, int how)
{
	struct mbuf *m = mem;

	m->m_ext.ext_buf = NULL;
	(void)uma_zalloc_arg(zone_clust, m, how);
	if (m->m_ext.ext_buf == NULL) {
		/* It goes back to the keg as it came: a free mbuf. */
		uma_dbg_trash_dtor(mem, MSIZE);
		return (ENOMEM);
	}
	m->m_ext.ext_type = EXT_PACKET;
	m->m_flags &= ~M_EXT;		/* set again by the ctor */
	return (0);
}

/* An mbuf leaves the packet zone: its cluster goes back to its zone. */
static void
mb_zfini_pack(void *mem, int size __unused)
{
	struct mbuf *m = mem;

	uma_zfree_arg(zone_clust, m->m_ext.ext_buf, NULL);
	/* Back in the mbuf keg, it must look like a free mbuf. */
	uma_dbg_trash_dtor(mem, MSIZE);
}

static int
mb_ctor_pack(void *mem, int size __unused, void *arg, int how __unused)
{
	struct mb_args *args = arg;
	struct mbuf *m = mem;

	(void)uma_dbg_trash_ctor(m->m_ext.ext_buf, MCLBYTES);
	mb_init_hdr(m, args->flags | M_EXT, args->type);
	m->m_data = m->m_ext.ext_buf;
	m->m_ext.ext_free = NULL;
	m->m_ext.ext_args = NULL;
	m->m_ext.ext_size = MCLBYTES;
	m->m_ext.ext_type = EXT_PACKET;
	*m->m_ext.ref_cnt = 1;
	mb_count_type(args->type, 1);
	return (0);
}

static void
mb_dtor_pack(void *mem, int size __unused, void *arg __unused)
{
	struct mbuf *m = mem;

	KASSERT((m->m_flags & M_EXT) != 0 && m->m_ext.ext_buf != NULL &&
	    m->m_ext.ext_size == MCLBYTES && *m->m_ext.ref_cnt == 1,
	    ("mb_dtor_pack: %p does not hold a pristine cluster", m));
	if ((m->m_flags & M_PKTHDR) != 0 && !SLIST_EMPTY(&m->m_pkthdr.tags))
		m_tag_delete_chain(m, NULL);
	mb_count_type(m->m_type, -1);
	m->m_flags &= ~M_EXT;
	uma_dbg_trash_dtor(m->m_ext.ext_buf, MCLBYTES);
}

/*
 * The cluster limit
 */

/*
 * Set a cluster zone's limit (0: none); *limit (nmbclusters, nmbjumbop,
 * ...) gets the effective one, rounded up to whole slabs.
 */
static void
mb_set_limit(uma_zone_t zone, int *limit, int n)
{
	*limit = uma_zone_set_max(zone, n > 0 ? n : 0);
}

/*
 * The limit sysctls: arg2 is the cluster size, naming the zone.  A value
 * below 0, or below the clusters in use, is refused with nothing changed.
 */
static int
sysctl_nmbclust_size(SYSCTL_HANDLER_ARGS)
{
	int *limit = arg1, val = *limit, error;
	uma_zone_t zone = m_getzone(arg2);

	error = sysctl_handle_int(oidp, &val, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (val < 0)
		return (sysctl_refuse(req, EINVAL, "must be 0 (no limit) or "
		    "more"));
	if (val != 0 && val < uma_zone_get_cur(zone))
		return (sysctl_refuse(req, EINVAL, "below the clusters in "
		    "use"));
	mb_set_limit(zone, limit, val);
	return (0);
}
SYSCTL_PROC(_kern_ipc, OID_AUTO, nmbclusters, CTLTYPE_INT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, &nmbclusters, MCLBYTES, sysctl_nmbclust_size, "I",
    "Maximum number of mbuf clusters allowed (0: no limit)");
SYSCTL_PROC(_kern_ipc, OID_AUTO, nmbjumbop, CTLTYPE_INT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, &nmbjumbop, MJUMPAGESIZE, sysctl_nmbclust_size, "I",
    "Maximum number of mbuf page size jumbo clusters allowed (0: no limit)");
SYSCTL_PROC(_kern_ipc, OID_AUTO, nmbjumbo9, CTLTYPE_INT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, &nmbjumbo9, MJUM9BYTES, sysctl_nmbclust_size, "I",
    "Maximum number of mbuf 9k jumbo clusters allowed (0: no limit)");
SYSCTL_PROC(_kern_ipc, OID_AUTO, nmbjumbo16, CTLTYPE_INT | CTLFLAG_RW |
    CTLFLAG_MPSAFE, &nmbjumbo16, MJUM16BYTES, sysctl_nmbclust_size, "I",
    "Maximum number of mbuf 16k jumbo clusters allowed (0: no limit)");
SYSCTL_INT(_kern_ipc, OID_AUTO, maxusers, CTLFLAG_RD, &maxusers, 0,
    "Hint for kernel tuning (scales nmbclusters)");

/* A jumbo limit tunable: def unless set to 0 or more. */
static void
mb_jumbo_tunable(const char *name, int *limit, int def)
{
	*limit = def;
	if (TUNABLE_INT_FETCH(name, limit) && *limit < 0) {
		tunable_warn(name, "negative", "%d", def);
		*limit = def;
	}
}

/* FreeBSD's maxusers rule: one per 2 MiB of memory, 32 to 384. */
static void
tunable_mbinit(void *dummy __unused)
{
	int def;

	maxusers = (int)(ptoa((u_long)vm_cnt.v_page_count) / (2 * 1024 * 1024));
	maxusers = imax(32, imin(maxusers, 384));
	def = 1024 + maxusers * 64;
	nmbclusters = def;
	if (TUNABLE_INT_FETCH("kern.ipc.nmbclusters", &nmbclusters) &&
	    nmbclusters < 0) {
		tunable_warn("kern.ipc.nmbclusters", "negative", "%d", def);
		nmbclusters = def;
	}
	mb_jumbo_tunable("kern.ipc.nmbjumbop", &nmbjumbop, nmbclusters / 2);
	mb_jumbo_tunable("kern.ipc.nmbjumbo9", &nmbjumbo9, nmbjumbop / 2);
	mb_jumbo_tunable("kern.ipc.nmbjumbo16", &nmbjumbo16, nmbjumbo9 / 2);
}
SYSINIT(tunable_mbinit, SI_SUB_KMEM, SI_ORDER_ANY, tunable_mbinit, NULL);

/* A jumbo cluster zone, its limit (if any), physically contiguous slabs. */
static uma_zone_t
mb_jumbo_zone(const char *name, int size, int *limit, const char *warning,
    int contig)
{
	uma_zone_t zone;

	zone = uma_zcreate(name, size, mb_ctor_clust, mb_dtor_clust,
	    UMA_DBG_TRASH_INIT, UMA_DBG_TRASH_FINI, UMA_ALIGN_PTR,
	    UMA_ZONE_REFCNT);
	if (contig)
		uma_zone_set_allocf(zone, mb_alloc_contig);
	if (*limit > 0)
		mb_set_limit(zone, limit, *limit);
	uma_zone_set_warning(zone, warning);
	return (zone);
}

static void
mbuf_init(void *dummy __unused)
{
	zone_mbuf = uma_zcreate("mbuf", MSIZE, mb_ctor_mbuf, mb_dtor_mbuf,
	    UMA_DBG_TRASH_INIT, UMA_DBG_TRASH_FINI, MSIZE - 1, UMA_ZONE_MAXBUCKET);
	zone_clust = uma_zcreate("mbuf_cluster", MCLBYTES, mb_ctor_clust,
	    mb_dtor_clust, UMA_DBG_TRASH_INIT, UMA_DBG_TRASH_FINI, UMA_ALIGN_PTR,
	    UMA_ZONE_REFCNT);
	if (nmbclusters > 0)
		mb_set_limit(zone_clust, &nmbclusters, nmbclusters);
	uma_zone_set_warning(zone_clust,
	    "kern.ipc.nmbclusters limit reached");
	zone_pack = uma_zsecond_create("mbuf_packet", mb_ctor_pack,
	    mb_dtor_pack, mb_zinit_pack, mb_zfini_pack, zone_mbuf);

	zone_jumbop = mb_jumbo_zone("mbuf_jumbo_page", MJUMPAGESIZE,
	    &nmbjumbop, "kern.ipc.nmbjumbop limit reached", 0);
	zone_jumbo9 = mb_jumbo_zone("mbuf_jumbo_9k", MJUM9BYTES, &nmbjumbo9,
	    "kern.ipc.nmbjumbo9 limit reached", 1);
	zone_jumbo16 = mb_jumbo_zone("mbuf_jumbo_16k", MJUM16BYTES,
	    &nmbjumbo16, "kern.ipc.nmbjumbo16 limit reached", 1);
}
SYSINIT(mbuf, SI_SUB_MBUF, SI_ORDER_FIRST, mbuf_init, NULL);

/*
 * Allocation entry points that need the private struct mb_args.
 */

/* Refusals are counted here, once per request, on the failure path. */
static struct mbuf *
mb_refused(volatile u_long *counter)
{
	atomic_add_long(counter, 1);
	return (NULL);
}

struct mbuf *
m_get(int how, short type)
{
	struct mb_args args = { 0, type };
	struct mbuf *m;

	if ((m = uma_zalloc_arg(zone_mbuf, &args, how)) == NULL)
		return (mb_refused(&mb_mpfail));
	return (m);
}

struct mbuf *
m_gethdr(int how, short type)
{
	struct mb_args args = { M_PKTHDR, type };
	struct mbuf *m;

	if ((m = uma_zalloc_arg(zone_mbuf, &args, how)) == NULL)
		return (mb_refused(&mb_mpfail));
	return (m);
}

struct mbuf *
m_getcl(int how, short type, int flags)
{
	struct mb_args args = { flags & M_COPYFLAGS, type };
	struct mbuf *m;

	if ((m = uma_zalloc_arg(zone_pack, &args, how)) == NULL)
		return (mb_refused(&mb_mcfail));
	return (m);
}

void
m_clget(struct mbuf *m, int how)
{
	if ((m->m_flags & M_EXT) != 0) {
		printf("%s: %p mbuf already has cluster\n", __func__, m);
		return;
	}
	m->m_ext.ext_buf = NULL;
	if (uma_zalloc_arg(zone_clust, m, how) == NULL)
		(void)mb_refused(&mb_mcfail);
}

/*
 * An mbuf with a size-byte cluster: the packet zone for MCLBYTES, else
 * an mbuf and a cluster of the jumbo zone (both refused together).
 */
struct mbuf *
m_getjcl(int how, short type, int flags, int size)
{
	struct mb_args args = { flags & M_COPYFLAGS, type };
	uma_zone_t zone;
	struct mbuf *m;

	if (size == MCLBYTES)
		return (m_getcl(how, type, flags));
	zone = m_getzone(size);
	KASSERT(zone != NULL, ("m_getjcl: unknown cluster size %d", size));
	if ((m = uma_zalloc_arg(zone_mbuf, &args, how)) == NULL)
		return (mb_refused(&mb_mpfail));
	m->m_ext.ext_buf = NULL;
	if (uma_zalloc_arg(zone, m, how) == NULL) {
		uma_zfree(zone_mbuf, m);
		return (mb_refused(&mb_mcfail));
	}
	return (m);
}

/*
 * A size-byte cluster attached to m (m NULL: a bare cluster, to go back
 * with uma_zfree(m_getzone(size), ...)); NULL if none could be had or m
 * already has one.
 */
void *
m_cljget(struct mbuf *m, int how, int size)
{
	uma_zone_t zone;
	void *mem;

	if (m != NULL && (m->m_flags & M_EXT) != 0) {
		printf("%s: %p mbuf already has cluster\n", __func__, m);
		return (NULL);
	}
	zone = m_getzone(size);
	KASSERT(zone != NULL, ("m_cljget: unknown cluster size %d", size));
	if (m != NULL)
		m->m_ext.ext_buf = NULL;
	if ((mem = uma_zalloc_arg(zone, m, how)) == NULL)
		(void)mb_refused(&mb_mcfail);
	return (mem);
}

void
mb_free_ext(struct mbuf *m)
{
	volatile u_int *refcnt = m->m_ext.ref_cnt;

	if (*refcnt == 1 || atomic_fetchadd_int(refcnt, -1) == 1) {
		switch (m->m_ext.ext_type) {
		case EXT_PACKET:
			/* The mbuf and its cluster go back together. */
			*refcnt = 1;
			uma_zfree(zone_pack, m);
			return;
		case EXT_CLUSTER:
		case EXT_JUMBOP:
		case EXT_JUMBO9:
		case EXT_JUMBO16:
			*refcnt = 0;
			uma_zfree(m_getzone(m->m_ext.ext_size),
			    m->m_ext.ext_buf);
			break;
		default:
			if (m->m_ext.ext_free != NULL)
				m->m_ext.ext_free(m->m_ext.ext_buf,
				    m->m_ext.ext_args);
			free(__DEVOLATILE(u_int *, refcnt), M_MBUF);
			break;
		}
	}
	m->m_flags &= ~M_EXT;
	uma_zfree(zone_mbuf, m);
}

/*
 * Statistics and netstat -m
 */

void
mbstat_get(struct mbstat *mbs)
{
	struct uma_zone_stat zm, zc, zp;
	long types[MT_NTYPES];
	int cpu, i;

	bzero(mbs, sizeof(*mbs));
	bzero(types, sizeof(types));
	CPU_FOREACH(cpu)
		for (i = 0; i < MT_NTYPES; i++)
			types[i] += (long)mb_pcpu[cpu].mp_types[i];
	for (i = 0; i < MT_NTYPES; i++)
		mbs->m_mbtypes[i] = types[i] > 0 ? types[i] : 0;
	uma_zone_stat(zone_mbuf, &zm);
	uma_zone_stat(zone_clust, &zc);
	uma_zone_stat(zone_pack, &zp);
	mbs->m_mbufs = zm.zs_used + zp.zs_used;
	mbs->m_mclusts = zc.zs_used - zp.zs_cached;
	mbs->m_drain = mbuf_drains;
	mbs->m_mcfail = mb_mcfail;
	mbs->m_mpfail = mb_mpfail;
	mbs->m_msize = MSIZE;
	mbs->m_mclbytes = MCLBYTES;
	mbs->m_minclsize = MINCLSIZE;
	mbs->m_mlen = MLEN;
	mbs->m_mhlen = MHLEN;
	mbs->m_numtypes = MT_NTYPES;
}

static int
sysctl_mbstat(SYSCTL_HANDLER_ARGS)
{
	struct mbstat mbs;

	mbstat_get(&mbs);
	return (SYSCTL_OUT(req, &mbs, sizeof(mbs)));
}
SYSCTL_PROC(_kern_ipc, OID_AUTO, mbstat, CTLTYPE_OPAQUE | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_mbstat, "S,mbstat",
    "Mbuf general information and statistics");

/* The low-memory event: there are no protocols to drain, only count. */
static void
mb_lowmem(void *arg __unused, int flags __unused)
{
	atomic_add_long(&mbuf_drains, 1);
}

static void
mb_lowmem_init(void *dummy __unused)
{
	vm_lowmem_register(mb_lowmem, NULL);
}
SYSINIT(mb_lowmem, SI_SUB_MBUF, SI_ORDER_SECOND, mb_lowmem_init, NULL);

