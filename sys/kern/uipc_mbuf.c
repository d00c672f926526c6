/*
 * mbuf chain routines (mbuf(9)): building, freeing, copying (clusters are
 * shared by reference count, never copied), trimming, and reading chains.
 * The zones and their callbacks are in kern_mbuf.c.
 *
 * Routines that take "how" may sleep with M_WAITOK and then never fail
 * for want of memory; with M_NOWAIT they return NULL, and those documented
 * to do so (m_prepend, m_pullup) free the chain they were given.
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

/* Move the packet header of from to to (from keeps no pkthdr). */
void
m_move_pkthdr(struct mbuf *to, struct mbuf *from)
{
	to->m_flags = (from->m_flags & M_COPYFLAGS) |
	    (to->m_flags & M_EXT);
	if ((to->m_flags & M_EXT) == 0)
		to->m_data = to->m_pktdat;
	to->m_pkthdr = from->m_pkthdr;
	from->m_flags &= ~M_PKTHDR;
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
 * Make the first len bytes of the chain contiguous in its first mbuf: in
 * place when that mbuf has the room, else in a new mbuf (at most MHLEN
 * bytes).  On failure the chain is freed and NULL returned.
 */
struct mbuf *
m_pullup(struct mbuf *n, int len)
{
	struct mbuf *m;
	int count, space;

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
		goto bad;
	}
	m->m_next = n;
	return (m);
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
 * goes up.  NULL if an mbuf could not be had.
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
			n->m_pkthdr = m->m_pkthdr;
			n->m_flags |= m->m_flags & M_COPYFLAGS;
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
