/*
 * mbuf chain routines (mbuf(9)): building, freeing, copying (m_copym
 * shares clusters by reference count; m_dup and m_defrag copy the data),
 * splitting, trimming, appending, reading chains, and the debugging aids
 * m_print and m_sanity.  The zones and their callbacks are in kern_mbuf.c;
 * m_pulldown and packet tags in uipc_mbuf2.c.
 *
 * Routines that take "how" may sleep with M_WAITOK and then never fail
 * for want of memory; with M_NOWAIT they return NULL.  What a failure
 * leaves is part of each contract: m_prepend, m_pullup, m_copyup and
 * m_pulldown free the chain they were given; m_split, m_dup, m_copym and
 * m_defrag leave it as it was; m_append keeps what it appended.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <machine/atomic.h>
#include <vm/uma.h>

struct mbuf *
m_getclr(int how, short type)
{
	struct mbuf *m;

	if ((m = m_get(how, type)) != NULL)
		bzero(mtod(m, caddr_t), MLEN);
	return (m);
}

struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *n = m->m_next;

	if ((m->m_flags & M_EXT) != 0)
		mb_free_ext(m);
	else
		uma_zfree(zone_mbuf, m);
	return (n);
}

void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

/*
 * Attach a caller's buffer of size bytes; freef(buf, args) runs when its
 * last reference goes.  The reference counter is malloc'd: if it cannot
 * be had, M_EXT stays clear.
 */
void
m_extadd(struct mbuf *m, caddr_t buf, u_int size,
    void (*freef)(void *, void *), void *args, int flags, int type)
{
	u_int *refcnt;

	refcnt = malloc(sizeof(*refcnt), M_MBUF, M_NOWAIT);
	if (refcnt == NULL)
		return;
	*refcnt = 1;
	m->m_flags |= M_EXT | (flags & M_RDONLY);
	m->m_data = buf;
	m->m_ext.ext_buf = buf;
	m->m_ext.ext_free = freef;
	m->m_ext.ext_args = args;
	m->m_ext.ext_size = size;
	m->m_ext.ext_type = type;
	m->m_ext.ref_cnt = refcnt;
}

/*
 * Give to (its own tags freed) from's packet header, the very tags
 * included, and from's copied flags.
 */
static void
m_pkthdr_take(struct mbuf *to, struct mbuf *from)
{
	if ((to->m_flags & M_PKTHDR) != 0)
		m_tag_delete_chain(to, NULL);
	to->m_flags = (from->m_flags & M_COPYFLAGS) |
	    (to->m_flags & M_EXT);
	if ((to->m_flags & M_EXT) == 0)
		to->m_data = to->m_pktdat;
	to->m_pkthdr = from->m_pkthdr;
}

/*
 * Move the packet header of from, tags included, to to; from keeps no
 * pkthdr (and no tags).
 */
void
m_move_pkthdr(struct mbuf *to, struct mbuf *from)
{
	m_pkthdr_take(to, from);
	m_tag_init(from);
	from->m_flags &= ~M_PKTHDR;
}

/*
 * Give to a copy of from's packet header and of its tags.  Returns 1, or
 * 0 when a tag could not be copied (to then has the header, no tags).
 */
int
m_dup_pkthdr(struct mbuf *to, struct mbuf *from, int how)
{
	KASSERT((from->m_flags & M_PKTHDR) != 0,
	    ("m_dup_pkthdr: %p has no packet header", from));
	m_pkthdr_take(to, from);
	m_tag_init(to);
	return (m_tag_copy_chain(to, from, how));
}

/*
 * Room for len more bytes after m (a new chain when m is NULL): mbufs and
 * clusters appended so that their trailing space adds up to at least len.
 * Returns the head of the chain, or NULL (with nothing added) on failure.
 */
struct mbuf *
m_getm(struct mbuf *m, int len, int how, short type)
{
	struct mbuf *head = NULL, *tail = NULL, *n, *last;

	if (len < 0)
		return (NULL);
	if (m != NULL) {
		for (last = m; last->m_next != NULL; last = last->m_next)
			;
		len -= M_TRAILINGSPACE(last);
	}
	while (len > 0) {
		if (len >= MINCLSIZE)
			n = m_getcl(how, type, 0);
		else
			n = m_get(how, type);
		if (n == NULL) {
			m_freem(head);
			return (NULL);
		}
		len -= M_TRAILINGSPACE(n);
		if (head == NULL)
			head = n;
		else
			tail->m_next = n;
		tail = n;
	}
	if (m == NULL)
		return (head != NULL ? head : m_get(how, type));
	last->m_next = head;
	return (m);
}

/*
 * A new mbuf in front of m with len bytes of data at its end; the packet
 * header moves to it.  On failure the chain is freed.
 */
struct mbuf *
m_prepend(struct mbuf *m, int len, int how)
{
	struct mbuf *mn;

	if ((m->m_flags & M_PKTHDR) != 0)
		mn = m_gethdr(how, m->m_type);
	else
		mn = m_get(how, m->m_type);
	if (mn == NULL) {
		m_freem(m);
		return (NULL);
	}
	if ((m->m_flags & M_PKTHDR) != 0) {
		m_move_pkthdr(mn, m);
		if (len < MHLEN)
			MH_ALIGN(mn, len);
	} else if (len < MLEN)
		M_ALIGN(mn, len);
	mn->m_next = m;
	mn->m_len = len;
	return (mn);
}

/*
 * Move len bytes from the front of chain n to the end of m's data (an
 * mbuf without external storage), freeing the mbufs emptied, and put m in
 * front of the rest.  When n runs out first both m and n are freed and
 * NULL returned.
 */
static struct mbuf *
m_pull_into(struct mbuf *m, struct mbuf *n, int len)
{
	int count, space;

	space = &m->m_dat[MLEN] - (m->m_data + m->m_len);
	do {
		count = imin(imin(len, space), n->m_len);
		memcpy(mtod(m, caddr_t) + m->m_len, mtod(n, caddr_t), count);
		len -= count;
		m->m_len += count;
		n->m_len -= count;
		space -= count;
		if (n->m_len != 0)
			n->m_data += count;
		else
			n = m_free(n);
	} while (len > 0 && n != NULL);
	if (len > 0) {
		(void)m_free(m);
		m_freem(n);
		return (NULL);
	}
	m->m_next = n;
	return (m);
}

/*
 * Make the first len bytes of the chain contiguous in its first mbuf: in
 * place when that mbuf has the room, else in a new mbuf (at most MHLEN
 * bytes).  On failure the chain is freed and NULL returned.
 */
struct mbuf *
m_pullup(struct mbuf *n, int len)
{
	struct mbuf *m;

	if (n->m_len >= len)
		return (n);
	/* Pull into the first mbuf if it has the room, else into a new one. */
	if ((n->m_flags & M_EXT) == 0 && n->m_next != NULL &&
	    n->m_data + len < &n->m_dat[MLEN]) {
		m = n;
		n = n->m_next;
		len -= m->m_len;
	} else {
		if (len > MHLEN)
			goto bad;
		if ((m = m_get(M_NOWAIT, n->m_type)) == NULL)
			goto bad;
		if ((n->m_flags & M_PKTHDR) != 0)
			m_move_pkthdr(m, n);
	}
	return (m_pull_into(m, n, len));
bad:
	m_freem(n);
	return (NULL);
}

/* Trim len bytes from the head (len > 0) or -len from the tail. */
void
m_adj(struct mbuf *mp, int req_len)
{
	struct mbuf *m;
	int len = req_len, count;

	if ((m = mp) == NULL)
		return;
	if (len >= 0) {
		while (m != NULL && len > 0) {
			if (m->m_len <= len) {
				len -= m->m_len;
				m->m_len = 0;
				m = m->m_next;
			} else {
				m->m_len -= len;
				m->m_data += len;
				len = 0;
			}
		}
		if ((mp->m_flags & M_PKTHDR) != 0)
			mp->m_pkthdr.len -= req_len - len;
		return;
	}
	/* From the tail: keep the first (total - trim) bytes. */
	len = -len;
	count = 0;
	for (m = mp; m != NULL; m = m->m_next)
		count += m->m_len;
	if (len > count)
		len = count;
	count -= len;
	if ((mp->m_flags & M_PKTHDR) != 0)
		mp->m_pkthdr.len = count;
	for (m = mp; m != NULL; m = m->m_next) {
		if (m->m_len >= count) {
			m->m_len = count;
			for (m = m->m_next; m != NULL; m = m->m_next)
				m->m_len = 0;
			break;
		}
		count -= m->m_len;
	}
}

/*
 * A copy of len bytes from offset off (M_COPYALL: to the end).  Data in
 * clusters is shared: the copy references the same cluster and its count
 * goes up.  From offset 0 of a packet the copy gets the packet header and
 * copies of its tags.  NULL if an mbuf (or a tag) could not be had.
 */
struct mbuf *
m_copym(struct mbuf *m, int off, int len, int how)
{
	struct mbuf *top = NULL, **np = &top, *n;
	int copyhdr = off == 0 && (m->m_flags & M_PKTHDR) != 0;

	KASSERT(off >= 0 && len >= 0, ("m_copym: off %d len %d", off, len));
	while (off > 0) {
		KASSERT(m != NULL, ("m_copym: offset past the chain"));
		if (off < m->m_len)
			break;
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0 && m != NULL) {
		n = copyhdr ? m_gethdr(how, m->m_type) : m_get(how, m->m_type);
		if (n == NULL) {
			m_freem(top);
			return (NULL);
		}
		*np = n;
		if (copyhdr) {
			if (!m_dup_pkthdr(n, m, how)) {
				m_freem(top);
				return (NULL);
			}
			if (len != M_COPYALL)
				n->m_pkthdr.len = len;
			copyhdr = 0;
		}
		n->m_len = imin(len, m->m_len - off);
		if ((m->m_flags & M_EXT) != 0) {
			n->m_data = m->m_data + off;
			n->m_ext = m->m_ext;
			n->m_flags |= M_EXT | (m->m_flags & M_RDONLY);
			atomic_add_int(m->m_ext.ref_cnt, 1);
		} else
			memcpy(mtod(n, caddr_t), mtod(m, caddr_t) + off,
			    n->m_len);
		if (len != M_COPYALL)
			len -= n->m_len;
		off = 0;
		m = m->m_next;
		np = &n->m_next;
	}
	KASSERT(len <= 0 || len == M_COPYALL,
	    ("m_copym: %d bytes past the end of the chain", len));
	return (top);
}

struct mbuf *
m_copypacket(struct mbuf *m, int how)
{
	return (m_copym(m, 0, M_COPYALL, how));
}

/* Copy len bytes from offset off of the chain to cp. */
void
m_copydata(const struct mbuf *m, int off, int len, caddr_t cp)
{
	u_int count;

	KASSERT(off >= 0 && len >= 0, ("m_copydata: off %d len %d", off,
	    len));
	while (off > 0) {
		KASSERT(m != NULL, ("m_copydata: offset past the chain"));
		if (off < m->m_len)
			break;
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		KASSERT(m != NULL, ("m_copydata: length past the chain"));
		count = imin(m->m_len - off, len);
		memcpy(cp, mtod(m, caddr_t) + off, count);
		len -= count;
		cp += count;
		off = 0;
		m = m->m_next;
	}
}

/*
 * Copy len bytes from cp into the chain at offset off, extending it with
 * mbufs (M_NOWAIT) where it is too short.
 */
void
m_copyback(struct mbuf *m0, int off, int len, caddr_t cp)
{
	struct mbuf *m = m0, *n;
	int mlen, total = 0;

	if (m0 == NULL)
		return;
	while (off > (mlen = m->m_len)) {
		off -= mlen;
		total += mlen;
		if (m->m_next == NULL) {
			if ((n = m_getclr(M_NOWAIT, m->m_type)) == NULL)
				goto out;
			n->m_len = imin(MLEN, len + off);
			m->m_next = n;
		}
		m = m->m_next;
	}
	while (len > 0) {
		if (m->m_next == NULL && m->m_len < off + len &&
		    M_TRAILINGSPACE(m) > 0)
			m->m_len += imin(off + len - m->m_len,
			    M_TRAILINGSPACE(m));
		mlen = imin(m->m_len - off, len);
		memcpy(off + mtod(m, caddr_t), cp, mlen);
		cp += mlen;
		len -= mlen;
		mlen += off;
		off = 0;
		total += mlen;
		if (len == 0)
			break;
		if (m->m_next == NULL) {
			if ((n = m_get(M_NOWAIT, m->m_type)) == NULL)
				break;
			n->m_len = imin(MLEN, len);
			m->m_next = n;
		}
		m = m->m_next;
	}
out:
	if ((m0->m_flags & M_PKTHDR) != 0 && m0->m_pkthdr.len < total)
		m0->m_pkthdr.len = total;
}

/* Append chain n to chain m (packet headers are not updated). */
void
m_cat(struct mbuf *m, struct mbuf *n)
{
	while (m->m_next != NULL)
		m = m->m_next;
	m->m_next = n;
}

/* Bytes of data in the chain; *last gets its last mbuf. */
u_int
m_length(struct mbuf *m0, struct mbuf **last)
{
	struct mbuf *m;
	u_int len = 0;

	for (m = m0; m != NULL; m = m->m_next) {
		len += m->m_len;
		if (m->m_next == NULL)
			break;
	}
	if (last != NULL)
		*last = m;
	return (len);
}

/*
 * Share m's external storage (from offset off of its data) with n: one
 * more reference, the same read-only flag.
 */
static void
m_share_ext(struct mbuf *n, struct mbuf *m, int off)
{
	n->m_ext = m->m_ext;
	n->m_data = m->m_data + off;
	n->m_flags |= M_EXT | (m->m_flags & M_RDONLY);
	atomic_add_int(m->m_ext.ref_cnt, 1);
}

/*
 * Split the chain after its first len0 bytes and return the tail (the
 * rest of the chain).  Clusters are shared between the two halves, never
 * copied.  When m0 has a packet header the tail gets one too (rcvif and
 * its length; no tags) and m0's length becomes len0.  NULL, with the
 * chain as it was, when len0 is past the end or an mbuf could not be
 * had; without a packet header, also when there is nothing after len0.
 */
struct mbuf *
m_split(struct mbuf *m0, int len0, int how)
{
	struct mbuf *m, *n, *n2;
	int len = len0, remain, hdr;

	KASSERT(len0 >= 0, ("m_split: len0 %d", len0));
	for (m = m0; m != NULL && len > m->m_len; m = m->m_next)
		len -= m->m_len;
	if (m == NULL)
		return (NULL);
	remain = m->m_len - len;
	hdr = (m0->m_flags & M_PKTHDR) != 0;
	if (!hdr && remain == 0) {
		n = m->m_next;
		m->m_next = NULL;
		return (n);
	}
	n = hdr ? m_gethdr(how, m0->m_type) : m_get(how, m->m_type);
	if (n == NULL)
		return (NULL);
	n2 = n;
	if (remain > 0 && (m->m_flags & M_EXT) != 0)
		m_share_ext(n, m, len);
	else if (remain > 0) {
		if (hdr && remain > MHLEN) {
			/* The bytes go in a second mbuf after the header. */
			n2 = m_get(how, m->m_type);
			if (n2 == NULL) {
				m_free(n);
				return (NULL);
			}
			n->m_next = n2;
			M_ALIGN(n2, remain);
		} else if (hdr)
			MH_ALIGN(n, remain);
		else
			M_ALIGN(n, remain);
		memcpy(mtod(n2, caddr_t), mtod(m, caddr_t) + len, remain);
	}
	n2->m_len = remain;
	n2->m_next = m->m_next;
	m->m_next = NULL;
	m->m_len = len;
	if (hdr) {
		n->m_pkthdr.rcvif = m0->m_pkthdr.rcvif;
		n->m_pkthdr.len = m0->m_pkthdr.len - len0;
		m0->m_pkthdr.len = len0;
	}
	return (n);
}

/*
 * A deep, writable copy of the chain: data copied into new mbufs and
 * clusters (none shared), packed as tightly as clusters allow, with the
 * packet header and copies of its tags.  NULL when memory ran out (the
 * original is untouched).
 */
struct mbuf *
m_dup(struct mbuf *m, int how)
{
	struct mbuf *top = NULL, **np = &top, *n;
	int remain, moff = 0, chunk, room;

	if (m == NULL)
		return (NULL);
	remain = m_length(m, NULL);
	do {
		if (top == NULL && (m->m_flags & M_PKTHDR) != 0)
			n = remain > MHLEN ? m_getcl(how, m->m_type, M_PKTHDR) :
			    m_gethdr(how, m->m_type);
		else
			n = remain > MLEN ? m_getcl(how, m->m_type, 0) :
			    m_get(how, m->m_type);
		if (n == NULL)
			goto nospace;
		*np = n;
		np = &n->m_next;
		if (n == top && (m->m_flags & M_PKTHDR) != 0 &&
		    !m_dup_pkthdr(n, m, how))
			goto nospace;
		room = M_TRAILINGSPACE(n);
		while (room > 0 && m != NULL) {
			chunk = imin(room, m->m_len - moff);
			memcpy(mtod(n, caddr_t) + n->m_len,
			    mtod(m, caddr_t) + moff, chunk);
			n->m_len += chunk;
			room -= chunk;
			remain -= chunk;
			moff += chunk;
			if (moff == m->m_len) {
				m = m->m_next;
				moff = 0;
			}
		}
	} while (remain > 0);
	return (top);
nospace:
	m_freem(top);
	return (NULL);
}

/*
 * Like m_pullup, but the len bytes go dstoff bytes into a new first mbuf
 * (room kept for headers to prepend); len + dstoff must fit in MHLEN.
 * On failure the chain is freed and NULL returned.
 */
struct mbuf *
m_copyup(struct mbuf *n, int len, int dstoff)
{
	struct mbuf *m;

	KASSERT(len >= 0 && dstoff >= 0, ("m_copyup: len %d dstoff %d",
	    len, dstoff));
	if (len > MHLEN - dstoff)
		goto bad;
	if ((m = m_get(M_NOWAIT, n->m_type)) == NULL)
		goto bad;
	if ((n->m_flags & M_PKTHDR) != 0)
		m_move_pkthdr(m, n);
	m->m_data += dstoff;
	return (m_pull_into(m, n, len));
bad:
	m_freem(n);
	return (NULL);
}

/*
 * Append len bytes from cp at the end of the chain, in its last mbuf's
 * room and then in new mbufs or clusters (M_NOWAIT); the packet length
 * grows by what was appended.  Returns 1, or 0 when not everything could
 * be appended (what was is kept).
 */
int
m_append(struct mbuf *m0, int len, c_caddr_t cp)
{
	struct mbuf *m, *n;
	int remain = len, space;

	if (m0 == NULL || len < 0)
		return (0);
	for (m = m0; m->m_next != NULL; m = m->m_next)
		;
	space = imin(M_TRAILINGSPACE(m), remain);
	if (space > 0) {
		memcpy(mtod(m, caddr_t) + m->m_len, cp, space);
		m->m_len += space;
		cp += space;
		remain -= space;
	}
	while (remain > 0) {
		n = remain >= MINCLSIZE ? m_getcl(M_NOWAIT, m->m_type, 0) :
		    m_get(M_NOWAIT, m->m_type);
		if (n == NULL)
			break;
		n->m_len = imin(M_TRAILINGSPACE(n), remain);
		memcpy(mtod(n, caddr_t), cp, n->m_len);
		cp += n->m_len;
		remain -= n->m_len;
		m->m_next = n;
		m = n;
	}
	if ((m0->m_flags & M_PKTHDR) != 0)
		m0->m_pkthdr.len += len - remain;
	return (remain == 0);
}

/*
 * Call f(arg, data, count) on each contiguous piece of the len bytes at
 * offset off; stop at, and return, the first nonzero value f returns.
 */
int
m_apply(struct mbuf *m, int off, int len,
    int (*f)(void *arg, void *data, u_int len), void *arg)
{
	u_int count;
	int rval;

	KASSERT(off >= 0 && len >= 0, ("m_apply: off %d len %d", off, len));
	m = m_getptr(m, off, &off);
	KASSERT(m != NULL, ("m_apply: offset past the chain"));
	while (len > 0) {
		KASSERT(m != NULL, ("m_apply: length past the chain"));
		count = imin(m->m_len - off, len);
		if (count > 0) {
			rval = f(arg, mtod(m, caddr_t) + off, count);
			if (rval != 0)
				return (rval);
		}
		len -= count;
		off = 0;
		m = m->m_next;
	}
	return (0);
}

/*
 * The mbuf holding byte loc of the chain, with the byte's offset in it
 * in *off; loc equal to the chain's length gives the last mbuf and its
 * length.  NULL when loc is past that.
 */
struct mbuf *
m_getptr(struct mbuf *m, int loc, int *off)
{
	if (loc < 0)
		return (NULL);
	while (m != NULL) {
		if (m->m_len > loc) {
			*off = loc;
			return (m);
		}
		loc -= m->m_len;
		if (m->m_next == NULL && loc == 0) {
			*off = m->m_len;
			return (m);
		}
		m = m->m_next;
	}
	return (NULL);
}

/*
 * Copy a driver's totlen-byte buffer into a new packet (M_NOWAIT): the
 * first mbuf has the packet header (rcvif ifp, len totlen) and off bytes
 * of leading room; pieces of MINCLSIZE or more go in packet-zone
 * clusters.  copy(from, to, len) copies (NULL: memcpy).  NULL, with
 * nothing held, on failure or an off outside 0..MHLEN.
 */
struct mbuf *
m_devget(char *buf, int totlen, int off, struct ifnet *ifp,
    void (*copy)(char *from, caddr_t to, u_int len))
{
	struct mbuf *top = NULL, **mp = &top, *m;
	int len;

	if (off < 0 || off > MHLEN || totlen < 0)
		return (NULL);
	while (totlen > 0) {
		if (top == NULL) {
			m = totlen + off >= MINCLSIZE ?
			    m_getcl(M_NOWAIT, MT_DATA, M_PKTHDR) :
			    m_gethdr(M_NOWAIT, MT_DATA);
			if (m == NULL)
				return (NULL);
			m->m_pkthdr.rcvif = ifp;
			m->m_pkthdr.len = totlen;
		} else {
			m = totlen >= MINCLSIZE ?
			    m_getcl(M_NOWAIT, MT_DATA, 0) :
			    m_get(M_NOWAIT, MT_DATA);
			if (m == NULL) {
				m_freem(top);
				return (NULL);
			}
		}
		m->m_data += off;
		off = 0;
		len = imin(totlen, M_TRAILINGSPACE(m));
		if (copy != NULL)
			copy(buf, mtod(m, caddr_t), (u_int)len);
		else
			memcpy(mtod(m, caddr_t), buf, len);
		m->m_len = len;
		buf += len;
		totlen -= len;
		*mp = m;
		mp = &m->m_next;
	}
	return (top);
}

/* Set the packet length to the chain's length, and return it. */
u_int
m_fixhdr(struct mbuf *m0)
{
	u_int len;

	len = m_length(m0, NULL);
	m0->m_pkthdr.len = len;
	return (len);
}

/*
 * Compact a packet into as few mbufs and clusters as hold it: a header
 * mbuf (or a cluster) first, then clusters, a plain mbuf for a short
 * end.  Returns the new chain and frees the old; on failure returns NULL
 * and the old chain is untouched.  A chain without a packet header is
 * returned as it is.
 */
struct mbuf *
m_defrag(struct mbuf *m0, int how)
{
	struct mbuf *top, *m, *last;
	int total, done, len;

	if ((m0->m_flags & M_PKTHDR) == 0)
		return (m0);
	total = m_fixhdr(m0);
	top = total > MHLEN ? m_getcl(how, m0->m_type, M_PKTHDR) :
	    m_gethdr(how, m0->m_type);
	if (top == NULL)
		return (NULL);
	if (!m_dup_pkthdr(top, m0, how))
		goto nospace;
	m = last = top;
	for (done = 0; done < total; done += len) {
		if (m == NULL) {
			m = total - done > MLEN ?
			    m_getcl(how, m0->m_type, 0) :
			    m_get(how, m0->m_type);
			if (m == NULL)
				goto nospace;
			last->m_next = m;
			last = m;
		}
		len = imin(total - done, M_TRAILINGSPACE(m));
		m_copydata(m0, done, len, mtod(m, caddr_t));
		m->m_len = len;
		m = NULL;
	}
	m_freem(m0);
	return (top);
nospace:
	m_freem(top);
	return (NULL);
}

/* n bytes as "xx-xx-..." into buf. */
static void
m_print_hex(const u_char *p, int n, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t pos = 0;
	int i;

	for (i = 0; i < n && pos + 4 <= size; i++) {
		if (i > 0)
			buf[pos++] = '-';
		buf[pos++] = hex[p[i] >> 4];
		buf[pos++] = hex[p[i] & 0xf];
	}
	buf[pos] = '\0';
}

/* flags as "0x3<EXT,PKTHDR>" into buf, the way %b prints them. */
static void
m_print_flags(int flags, char *buf, size_t size)
{
	static const struct {
		int		bit;
		const char	*name;
	} names[] = { { M_EXT, "EXT" }, { M_PKTHDR, "PKTHDR" },
	    { M_EOR, "EOR" }, { M_RDONLY, "RDONLY" }, { M_PROTO1, "PROTO1" } };
	size_t i, pos;
	int sep = '<';

	pos = snprintf(buf, size, "%#x", flags);
	for (i = 0; i < nitems(names) && pos < size; i++) {
		if ((flags & names[i].bit) == 0)
			continue;
		pos += snprintf(buf + pos, size - pos, "%c%s", sep,
		    names[i].name);
		sep = ',';
	}
	if (sep == ',' && pos < size)
		snprintf(buf + pos, size - pos, ">");
}

/*
 * Print the chain (at most maxlen data bytes of each mbuf; -1: all), as
 * FreeBSD's m_print: one line per mbuf, its bytes in hex.
 */
void
m_print(const struct mbuf *m, int maxlen)
{
	const u_char *p;
	char line[64];
	int len, pdata, i, n;

	if (m == NULL) {
		printf("mbuf: %p\n", m);
		return;
	}
	len = (m->m_flags & M_PKTHDR) != 0 ? m->m_pkthdr.len : -1;
	for (; m != NULL && len != 0; m = m->m_next) {
		pdata = m->m_len;
		if (maxlen != -1 && pdata > maxlen)
			pdata = maxlen;
		m_print_flags(m->m_flags, line, sizeof(line));
		printf("mbuf: %p len: %d, next: %p, %s\n", m, m->m_len,
		    m->m_next, line);
		p = mtod(m, const u_char *);
		for (i = 0; i < pdata; i += n) {
			n = imin(pdata - i, 16);
			m_print_hex(p + i, n, line, sizeof(line));
			printf("  %s\n", line);
		}
		if (len != -1)
			len -= m->m_len;
	}
	if (len > 0)
		printf("%d bytes unaccounted for.\n", len);
}

/*
 * m_sanity's verdict on a fault it cannot (or was not asked to) repair:
 * a panic under INVARIANTS, else a console line and 0.
 */
#ifdef INVARIANTS
#define	M_SANITY_PANICS	1
#else
#define	M_SANITY_PANICS	0
#endif

static int
m_sanity_fault(const struct mbuf *m, const char *what)
{
	if (M_SANITY_PANICS)
		panic("mbuf %p: %s", m, what);
	printf("mbuf %p: %s\n", m, what);
	return (0);
}

/*
 * Check a chain: every m_data and m_len inside its storage, external
 * storage referenced, m_nextpkt and packet headers only on the first
 * mbuf, the packet length equal to the chain's.  Returns 1 when the chain
 * is sane.  With sanitize set, a stray m_nextpkt is cleared, a stray
 * packet header (and its tags) removed and a wrong packet length set to
 * the chain's; the other faults (and, without sanitize, every fault)
 * panic under INVARIANTS and return 0 otherwise.
 */
int
m_sanity(struct mbuf *m0, int sanitize)
{
	struct mbuf *m;
	caddr_t a, b;
	int pktlen = 0;

	for (m = m0; m != NULL; m = m->m_next) {
		if ((m->m_flags & M_EXT) != 0) {
			a = m->m_ext.ext_buf;
			b = a + m->m_ext.ext_size;
			if (m->m_ext.ref_cnt == NULL || *m->m_ext.ref_cnt == 0)
				return (m_sanity_fault(m,
				    "external storage without a reference"));
		} else if ((m->m_flags & M_PKTHDR) != 0) {
			a = m->m_pktdat;
			b = a + MHLEN;
		} else {
			a = m->m_dat;
			b = a + MLEN;
		}
		if (m->m_data < a)
			return (m_sanity_fault(m,
			    "m_data outside mbuf data range left"));
		if (m->m_data > b)
			return (m_sanity_fault(m,
			    "m_data outside mbuf data range right"));
		if (m->m_len < 0)
			return (m_sanity_fault(m, "negative m_len"));
		if (m->m_data + m->m_len > b)
			return (m_sanity_fault(m,
			    "m_data + m_len exceeds mbuf space"));
		if (m != m0 && m->m_nextpkt != NULL) {
			if (!sanitize)
				return (m_sanity_fault(m,
				    "m->m_nextpkt on in-chain mbuf"));
			m->m_nextpkt = NULL;
		}
		if (m != m0 && (m->m_flags & M_PKTHDR) != 0) {
			if (!sanitize)
				return (m_sanity_fault(m,
				    "M_PKTHDR on in-chain mbuf"));
			m_tag_delete_chain(m, NULL);
			m->m_flags &= ~M_PKTHDR;
		}
		pktlen += m->m_len;
	}
	if ((m0->m_flags & M_PKTHDR) != 0 && m0->m_pkthdr.len != pktlen) {
		if (!sanitize)
			return (m_sanity_fault(m0,
			    "m_pkthdr.len != mbuf chain length"));
		m0->m_pkthdr.len = pktlen;
	}
	return (1);
}
