/*
 * mbufs (mbuf(9)): network memory on UMA ("mbuma").
 *
 * An mbuf is an MSIZE-byte header-plus-data block; a packet is a chain of
 * them (m_next), and a packet's first mbuf carries a packet header
 * (M_PKTHDR).  Data that does not fit goes in external storage (M_EXT):
 * an MCLBYTES cluster, shared between mbufs by reference count, or a
 * caller's buffer with a free routine (MEXTADD).
 *
 * The memory comes from three UMA zones on two kegs (kern_mbuf.c):
 *   "mbuf"          mbufs (zone_mbuf)
 *   "mbuf_cluster"  clusters, a refcount zone: each cluster's counter
 *                   lives in its slab header (uma_find_refcnt)
 *   "mbuf_packet"   a secondary zone on the mbuf keg whose items are mbufs
 *                   with a cluster already attached: m_getcl() is one
 *                   allocation, and the pair stays together in the caches
 * and three zones of jumbo clusters for drivers with large receive
 * buffers (m_getjcl, m_cljget): "mbuf_jumbo_page" (MJUMPAGESIZE),
 * "mbuf_jumbo_9k" and "mbuf_jumbo_16k" (physically contiguous), each a
 * refcount zone with its limit (kern.ipc.nmbjumbop, nmbjumbo9, nmbjumbo16).
 *
 * Packet tags (mbuf_tags(9), uipc_mbuf2.c) hang off the packet header
 * (m_pkthdr.tags), are malloc'd from M_PACKET_TAGS, and are freed with
 * the header's mbuf (its zone's dtor).  m_move_pkthdr moves them;
 * m_dup_pkthdr, m_copym from offset 0, m_copypacket, m_dup and m_defrag
 * copy them; m_split's tail gets a header without them.
 */
#ifndef _SYS_MBUF_H_
#define	_SYS_MBUF_H_

#include <sys/types.h>
#include <sys/malloc.h>
#include <sys/queue.h>

#define	MSIZE		256		/* size of an mbuf */
#define	MCLSHIFT	11
#define	MCLBYTES	(1 << MCLSHIFT)	/* size of a cluster */
#define	MJUMPAGESIZE	PAGE_SIZE	/* jumbo cluster of a page */
#define	MJUM9BYTES	(9 * 1024)	/* jumbo cluster for 9k frames */
#define	MJUM16BYTES	(16 * 1024)	/* jumbo cluster for 16k frames */

struct mbuf;
struct ifnet;

/*
 * A packet tag: this header, then m_tag_len bytes of the tag's data.
 * (cookie, id) names the kind of tag; m_tag_free frees the whole tag.
 */
struct m_tag {
	SLIST_ENTRY(m_tag)	m_tag_link;	/* the packet's tag list */
	uint16_t		m_tag_id;	/* type */
	uint16_t		m_tag_len;	/* bytes of data after this */
	uint32_t		m_tag_cookie;	/* module (ABI) of the type */
	void			(*m_tag_free)(struct m_tag *);
};

struct m_hdr {
	struct mbuf	*mh_next;	/* next mbuf of the chain */
	struct mbuf	*mh_nextpkt;	/* next chain of the queue */
	caddr_t		mh_data;	/* start of the data */
	int		mh_len;		/* bytes of data in this mbuf */
	int		mh_flags;	/* M_* */
	short		mh_type;	/* MT_* */
	short		mh_pad[3];
};

/* The packet header of a chain's first mbuf. */
struct pkthdr {
	void		*rcvif;		/* receiving interface */
	int		len;		/* length of the whole packet */
	int		csum_flags;
	int		csum_data;
	SLIST_HEAD(packet_tags, m_tag) tags;	/* packet tags */
};

/* External storage. */
struct m_ext {
	caddr_t		ext_buf;	/* start of the buffer */
	void		(*ext_free)(void *, void *); /* free routine, or NULL */
	void		*ext_args;	/* its second argument */
	u_int		ext_size;	/* size of the buffer */
	int		ext_type;	/* EXT_* */
	volatile u_int	*ref_cnt;	/* references to the buffer */
};

#define	MLEN		((int)(MSIZE - sizeof(struct m_hdr)))
#define	MHLEN		((int)(MLEN - sizeof(struct pkthdr)))
#define	MINCLSIZE	(MHLEN + 1)	/* smallest data that gets a cluster */

struct mbuf {
	struct m_hdr	m_hdr;
	union {
		struct {
			struct pkthdr	MH_pkthdr;
			union {
				struct m_ext	MH_ext;
				char		MH_databuf[MHLEN];
			} MH_dat;
		} MH;
		char	M_databuf[MLEN];
	} M_dat;
};

#define	m_next		m_hdr.mh_next
#define	m_len		m_hdr.mh_len
#define	m_data		m_hdr.mh_data
#define	m_type		m_hdr.mh_type
#define	m_flags		m_hdr.mh_flags
#define	m_nextpkt	m_hdr.mh_nextpkt
#define	m_act		m_nextpkt
#define	m_pkthdr	M_dat.MH.MH_pkthdr
#define	m_ext		M_dat.MH.MH_dat.MH_ext
#define	m_pktdat	M_dat.MH.MH_dat.MH_databuf
#define	m_dat		M_dat.M_databuf

/* m_flags. */
#define	M_EXT		0x0001	/* external storage attached */
#define	M_PKTHDR	0x0002	/* first mbuf of a packet */
#define	M_EOR		0x0004	/* end of record */
#define	M_RDONLY	0x0008	/* data may not be written */
#define	M_PROTO1	0x0010	/* protocol-specific */
#define	M_COPYFLAGS	(M_PKTHDR | M_EOR | M_PROTO1)

/* m_type. */
#define	MT_NOTMBUF	0	/* not an mbuf (freed) */
#define	MT_DATA		1	/* dynamic data */
#define	MT_HEADER	2	/* packet header */
#define	MT_SONAME	3	/* socket name */
#define	MT_CONTROL	4	/* extra-data protocol message */
#define	MT_OOBDATA	5	/* expedited data */
#define	MT_NTYPES	6
#define	MT_NOINIT	255	/* ctor: do not initialise (a flag) */

/* ext_type. */
#define	EXT_CLUSTER	1	/* a cluster of zone_clust */
#define	EXT_JUMBOP	3	/* a cluster of zone_jumbop */
#define	EXT_JUMBO9	4	/* a cluster of zone_jumbo9 */
#define	EXT_JUMBO16	5	/* a cluster of zone_jumbo16 */
#define	EXT_PACKET	6	/* a cluster of an mbuf of zone_pack */
#define	EXT_NET_DRV	100	/* a driver's buffer (MEXTADD) */
#define	EXT_MOD_TYPE	200	/* a module's buffer (MEXTADD) */
#define	EXT_EXTREF	400	/* a caller's buffer (a label, as above) */

#define	M_COPYALL	1000000000	/* m_copym: copy to the end */

#define	mtod(m, t)	((t)((m)->m_data))

/* Room before the data, and after it, for a writable mbuf. */
#define	M_WRITABLE(m)	(((m)->m_flags & M_RDONLY) == 0 &&		\
	(((m)->m_flags & M_EXT) == 0 || *(m)->m_ext.ref_cnt == 1))
#define	M_LEADINGSPACE(m)						\
	(((m)->m_flags & M_EXT) != 0 ?					\
	    (M_WRITABLE(m) ? (m)->m_data - (m)->m_ext.ext_buf : 0) :	\
	    ((m)->m_flags & M_PKTHDR) != 0 ?				\
	    (m)->m_data - (m)->m_pktdat : (m)->m_data - (m)->m_dat)
#define	M_TRAILINGSPACE(m)						\
	(((m)->m_flags & M_EXT) != 0 ?					\
	    (M_WRITABLE(m) ? (m)->m_ext.ext_buf + (m)->m_ext.ext_size -	\
	    ((m)->m_data + (m)->m_len) : 0) :				\
	    &(m)->m_dat[MLEN] - ((m)->m_data + (m)->m_len))

/* Put len bytes at the end of a fresh mbuf (for later prepends). */
#define	M_ALIGN(m, len)	do {						\
	(m)->m_data += (MLEN - (len)) & ~(sizeof(long) - 1);		\
} while (0)
#define	MH_ALIGN(m, len) do {						\
	(m)->m_data += (MHLEN - (len)) & ~(sizeof(long) - 1);		\
} while (0)

/* The zones (kern_mbuf.c). */
struct uma_zone;
extern struct uma_zone	*zone_mbuf;
extern struct uma_zone	*zone_clust;
extern struct uma_zone	*zone_pack;
extern struct uma_zone	*zone_jumbop;
extern struct uma_zone	*zone_jumbo9;
extern struct uma_zone	*zone_jumbo16;
extern int		nmbclusters;
extern int		nmbjumbop;
extern int		nmbjumbo9;
extern int		nmbjumbo16;

MALLOC_DECLARE(M_MBUF);
MALLOC_DECLARE(M_PACKET_TAGS);

/* Allocation: how is M_NOWAIT or M_WAITOK (M_DONTWAIT, M_TRYWAIT). */
struct mbuf	*m_get(int how, short type);
struct mbuf	*m_gethdr(int how, short type);
struct mbuf	*m_getclr(int how, short type);
struct mbuf	*m_getcl(int how, short type, int flags);
void		m_clget(struct mbuf *m, int how);
struct mbuf	*m_getm(struct mbuf *m, int len, int how, short type);
/*
 * Jumbo clusters: an mbuf with a cluster of size bytes (MCLBYTES,
 * MJUMPAGESIZE, MJUM9BYTES or MJUM16BYTES), or NULL with nothing held;
 * m_cljget attaches one to m (NULL: returns a bare cluster) and returns
 * the cluster, or NULL (then M_EXT stays clear).
 */
struct mbuf	*m_getjcl(int how, short type, int flags, int size);
void		*m_cljget(struct mbuf *m, int how, int size);
/* The zone of size-byte clusters, or NULL for another size. */
struct uma_zone	*m_getzone(int size);
void		m_extadd(struct mbuf *m, caddr_t buf, u_int size,
		    void (*freef)(void *, void *), void *args, int flags,
		    int type);

/* Freeing: m_free returns the next mbuf of the chain. */
struct mbuf	*m_free(struct mbuf *m);
/* m_free of an M_EXT mbuf: drop a reference, free the storage on the last. */
void		mb_free_ext(struct mbuf *m);
void		m_freem(struct mbuf *m);

/* Chains. */
struct mbuf	*m_prepend(struct mbuf *m, int len, int how);
struct mbuf	*m_pullup(struct mbuf *m, int len);
void		m_adj(struct mbuf *m, int len);
struct mbuf	*m_copym(struct mbuf *m, int off, int len, int how);
struct mbuf	*m_copypacket(struct mbuf *m, int how);
void		m_copydata(const struct mbuf *m, int off, int len, caddr_t cp);
void		m_copyback(struct mbuf *m, int off, int len, caddr_t cp);
void		m_cat(struct mbuf *m, struct mbuf *n);
u_int		m_length(struct mbuf *m, struct mbuf **last);
/* Packet headers: moved (with the tags) or duplicated (tags copied). */
void		m_move_pkthdr(struct mbuf *to, struct mbuf *from);
int		m_dup_pkthdr(struct mbuf *to, struct mbuf *from, int how);

/* More chain routines (mbuf(9)); see uipc_mbuf.c for each contract. */
struct mbuf	*m_split(struct mbuf *m0, int len0, int how);
struct mbuf	*m_dup(struct mbuf *m, int how);
struct mbuf	*m_pulldown(struct mbuf *m, int off, int len, int *offp);
struct mbuf	*m_copyup(struct mbuf *m, int len, int dstoff);
int		m_append(struct mbuf *m, int len, c_caddr_t cp);
int		m_apply(struct mbuf *m, int off, int len,
		    int (*f)(void *arg, void *data, u_int len), void *arg);
struct mbuf	*m_getptr(struct mbuf *m, int loc, int *off);
struct mbuf	*m_devget(char *buf, int totlen, int off, struct ifnet *ifp,
		    void (*copy)(char *from, caddr_t to, u_int len));
u_int		m_fixhdr(struct mbuf *m);
struct mbuf	*m_defrag(struct mbuf *m0, int how);
void		m_print(const struct mbuf *m, int maxlen);
int		m_sanity(struct mbuf *m, int sanitize);

#define	MGET(m, how, type)	((m) = m_get((how), (type)))
#define	MGETHDR(m, how, type)	((m) = m_gethdr((how), (type)))
#define	MCLGET(m, how)		m_clget((m), (how))
#define	MEXTADD(m, buf, size, free, args, flags, type)			\
	m_extadd((m), (caddr_t)(buf), (size), (free), (args), (flags), (type))
#define	MFREE(m, n)		((n) = m_free(m))
#define	M_MOVE_PKTHDR(to, from)	m_move_pkthdr((to), (from))
#define	M_DUP_PKTHDR(to, from, how) m_dup_pkthdr((to), (from), (how))
/* The old name for a header copy: the tags are duplicated (M_NOWAIT). */
#define	M_COPY_PKTHDR(to, from)	m_dup_pkthdr((to), (from), M_NOWAIT)
#define	M_PREPEND(m, plen, how) do {					\
	struct mbuf **_mmp = &(m);					\
	struct mbuf *_mm = *_mmp;					\
	int _mplen = (plen);						\
									\
	if (M_LEADINGSPACE(_mm) >= _mplen) {				\
		_mm->m_data -= _mplen;					\
		_mm->m_len += _mplen;					\
	} else								\
		_mm = m_prepend(_mm, _mplen, (how));			\
	if (_mm != NULL && (_mm->m_flags & M_PKTHDR) != 0)		\
		_mm->m_pkthdr.len += _mplen;				\
	*_mmp = _mm;							\
} while (0)

/*
 * Statistics (kern.ipc.mbstat).  The per-type counts are kept per CPU by
 * the zones' ctors and dtors, without atomics, and summed when read.
 */
struct mbstat {
	u_long	m_mbufs;	/* mbufs in use */
	u_long	m_mclusts;	/* clusters in use */
	u_long	m_drain;	/* times the protocols were asked to drain */
	u_long	m_mcfail;	/* cluster requests denied */
	u_long	m_mpfail;	/* mbuf requests denied */
	u_long	m_msize;	/* MSIZE */
	u_long	m_mclbytes;	/* MCLBYTES */
	u_long	m_minclsize;	/* MINCLSIZE */
	u_long	m_mlen;		/* MLEN */
	u_long	m_mhlen;	/* MHLEN */
	short	m_numtypes;	/* MT_NTYPES */
	u_long	m_mbtypes[MT_NTYPES];	/* mbufs in use per type */
};

void	mbstat_get(struct mbstat *mbs);

/*
 * Packet tags (mbuf_tags(9)).  m_tag_alloc returns a tag of len data
 * bytes, or NULL; the *_find/locate searches start after t (NULL: at the
 * first tag).  m_tag_copy_chain returns 1, or 0 with every tag of to
 * deleted.  m_tag_get and m_tag_find are the cookie-less (OpenBSD) names.
 */
#define	MTAG_ABI_COMPAT		0	/* the cookie of m_tag_get tags */
#define	MTAG_PERSISTENT		0x800	/* in m_tag_id: kept by
					   m_tag_delete_nonpersistent */
#define	PACKET_TAG_NONE		0

struct m_tag	*m_tag_alloc(uint32_t cookie, int type, int len, int wait);
void		m_tag_free_default(struct m_tag *t);
void		m_tag_delete(struct mbuf *m, struct m_tag *t);
void		m_tag_delete_chain(struct mbuf *m, struct m_tag *t);
void		m_tag_delete_nonpersistent(struct mbuf *m);
struct m_tag	*m_tag_locate(struct mbuf *m, uint32_t cookie, int type,
		    struct m_tag *t);
struct m_tag	*m_tag_copy(struct m_tag *t, int how);
int		m_tag_copy_chain(struct mbuf *to, struct mbuf *from, int how);

static __inline void
m_tag_init(struct mbuf *m)
{
	SLIST_INIT(&m->m_pkthdr.tags);
}

static __inline void
m_tag_setup(struct m_tag *t, uint32_t cookie, int type, int len)
{
	t->m_tag_id = type;
	t->m_tag_len = len;
	t->m_tag_cookie = cookie;
}

static __inline void
m_tag_free(struct m_tag *t)
{
	(*t->m_tag_free)(t);
}

static __inline struct m_tag *
m_tag_first(struct mbuf *m)
{
	return (SLIST_FIRST(&m->m_pkthdr.tags));
}

static __inline struct m_tag *
m_tag_next(struct mbuf *m __unused, struct m_tag *t)
{
	return (SLIST_NEXT(t, m_tag_link));
}

static __inline void
m_tag_prepend(struct mbuf *m, struct m_tag *t)
{
	SLIST_INSERT_HEAD(&m->m_pkthdr.tags, t, m_tag_link);
}

static __inline void
m_tag_unlink(struct mbuf *m, struct m_tag *t)
{
	SLIST_REMOVE(&m->m_pkthdr.tags, t, m_tag, m_tag_link);
}

static __inline struct m_tag *
m_tag_get(int type, int len, int wait)
{
	return (m_tag_alloc(MTAG_ABI_COMPAT, type, len, wait));
}

static __inline struct m_tag *
m_tag_find(struct mbuf *m, int type, struct m_tag *start)
{
	return (SLIST_EMPTY(&m->m_pkthdr.tags) ? NULL :
	    m_tag_locate(m, MTAG_ABI_COMPAT, type, start));
}

#endif /* !_SYS_MBUF_H_ */
