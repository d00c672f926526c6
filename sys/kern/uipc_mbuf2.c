/*
 * mbuf chain routines of IPv6 descent, as FreeBSD splits them off
 * uipc_mbuf.c: m_pulldown, and packet tags (mbuf_tags(9)).
 *
 * m_pulldown makes a region of a chain contiguous without moving the
 * chain's head or any byte before the region, so a caller may keep
 * pointers into the headers it already parsed.  Where the region already
 * lies in one writable mbuf nothing moves; otherwise the bytes come
 * together in the mbuf holding the region's start (trailing room), in
 * the next one (leading room), or in a new mbuf or cluster linked in
 * between.  Clusters shared with another chain are never written.
 *
 * A packet tag is one malloc(9) block of M_PACKET_TAGS ("mbuf_tag" in
 * vmstat -m): a struct m_tag and its data.  Tags hang off the packet
 * header (m_pkthdr.tags, an SLIST, newest first) and are freed with it:
 * the mbuf zones' dtors call m_tag_delete_chain (kern_mbuf.c).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

MALLOC_DEFINE(M_PACKET_TAGS, "mbuf_tag", "packet-attached information");

/* Can m's data be written in place (its own data, or a sole cluster)? */
static int
m_pd_writable(const struct mbuf *m)
{
	return ((m->m_flags & M_RDONLY) == 0 && ((m->m_flags & M_EXT) == 0 ||
	    *m->m_ext.ref_cnt == 1));
}

/*
 * Make the len bytes at offset off of the chain contiguous.  Returns the
 * mbuf holding them; they start at *offp in it (offp NULL: at its start).
 * The chain keeps its head and the bytes before off stay where they are.
 * On failure (len > MCLBYTES, a chain too short, no memory) the chain
 * is freed and NULL returned.
 */
struct mbuf *
m_pulldown(struct mbuf *m, int off, int len, int *offp)
{
	struct mbuf *n, *o, *r, *next;
	int hlen, tlen, avail, rest;

	KASSERT(m != NULL && off >= 0 && len >= 0,
	    ("m_pulldown: m %p off %d len %d", m, off, len));
	if (len > MCLBYTES)
		goto fail;
	/* The mbuf n holding byte off, at offset off in it. */
	for (n = m; n != NULL && off >= n->m_len; n = n->m_next)
		off -= n->m_len;
	if (n == NULL)
		goto fail;
	hlen = imin(n->m_len - off, len);	/* the region's bytes in n */
	tlen = len - hlen;			/* and after n */
	avail = 0;
	for (o = n->m_next; o != NULL && avail < tlen; o = o->m_next)
		avail += o->m_len;
	if (avail < tlen)
		goto fail;
	next = n->m_next;
	if (off == 0 || offp != NULL) {
		if (tlen == 0 && (len == 0 || m_pd_writable(n)))
			goto done;
		if (tlen > 0 && m_pd_writable(n) &&
		    M_TRAILINGSPACE(n) >= tlen) {
			/* Pull the rest into n's trailing room. */
			m_copydata(next, 0, tlen, mtod(n, caddr_t) + n->m_len);
			n->m_len += tlen;
			m_adj(next, tlen);
			goto done;
		}
	}
	if (tlen > 0 && next->m_len >= tlen && m_pd_writable(next) &&
	    M_LEADINGSPACE(next) >= hlen) {
		/* Push n's part into the next mbuf's leading room. */
		next->m_data -= hlen;
		next->m_len += hlen;
		memcpy(mtod(next, caddr_t), mtod(n, caddr_t) + off, hlen);
		n->m_len -= hlen;
		n = next;
		off = 0;
		goto done;
	}
	/*
	 * A new mbuf (or cluster) o for the region, after n, which keeps
	 * its first off bytes; what n held after the region follows o (r).
	 */
	o = len > MLEN ? m_getcl(M_NOWAIT, m->m_type, 0) :
	    m_get(M_NOWAIT, m->m_type);
	if (o == NULL)
		goto fail;
	rest = n->m_len - off - hlen;
	r = NULL;
	if (rest > 0) {
		r = m_copym(n, off + hlen, rest, M_NOWAIT);
		if (r == NULL) {
			m_free(o);
			goto fail;
		}
	}
	memcpy(mtod(o, caddr_t), mtod(n, caddr_t) + off, hlen);
	if (tlen > 0) {
		m_copydata(next, 0, tlen, mtod(o, caddr_t) + hlen);
		m_adj(next, tlen);
	}
	o->m_len = len;
	if (r != NULL) {
		o->m_next = r;
		while (r->m_next != NULL)
			r = r->m_next;
		r->m_next = next;
	} else
		o->m_next = next;
	n->m_next = o;
	n->m_len = off;
	n = o;
	off = 0;
done:
	if (offp != NULL)
		*offp = off;
	return (n);
fail:
	m_freem(m);
	return (NULL);
}

/*
 * Packet tags
 */

void
m_tag_free_default(struct m_tag *t)
{
	free(t, M_PACKET_TAGS);
}

struct m_tag *
m_tag_alloc(uint32_t cookie, int type, int len, int wait)
{
	struct m_tag *t;

	if (len < 0 || len > UINT16_MAX)
		return (NULL);
	t = malloc(sizeof(*t) + len, M_PACKET_TAGS, wait);
	if (t == NULL)
		return (NULL);
	m_tag_setup(t, cookie, type, len);
	t->m_tag_free = m_tag_free_default;
	return (t);
}

void
m_tag_delete(struct mbuf *m, struct m_tag *t)
{
	KASSERT(m != NULL && t != NULL, ("m_tag_delete: m %p t %p", m, t));
	m_tag_unlink(m, t);
	m_tag_free(t);
}

/* Delete t and every tag after it (t NULL: all of m's tags). */
void
m_tag_delete_chain(struct mbuf *m, struct m_tag *t)
{
	struct m_tag *next;

	if (t == NULL)
		t = SLIST_FIRST(&m->m_pkthdr.tags);
	while (t != NULL) {
		next = SLIST_NEXT(t, m_tag_link);
		m_tag_delete(m, t);
		t = next;
	}
}

void
m_tag_delete_nonpersistent(struct mbuf *m)
{
	struct m_tag *t, *next;

	SLIST_FOREACH_SAFE(t, &m->m_pkthdr.tags, m_tag_link, next)
		if ((t->m_tag_id & MTAG_PERSISTENT) == 0)
			m_tag_delete(m, t);
}

struct m_tag *
m_tag_locate(struct mbuf *m, uint32_t cookie, int type, struct m_tag *t)
{
	t = t == NULL ? SLIST_FIRST(&m->m_pkthdr.tags) :
	    SLIST_NEXT(t, m_tag_link);
	for (; t != NULL; t = SLIST_NEXT(t, m_tag_link))
		if (t->m_tag_cookie == cookie && t->m_tag_id == type)
			return (t);
	return (NULL);
}

/* A new tag with t's cookie, type and data, or NULL. */
struct m_tag *
m_tag_copy(struct m_tag *t, int how)
{
	struct m_tag *p;

	p = m_tag_alloc(t->m_tag_cookie, t->m_tag_id, t->m_tag_len, how);
	if (p != NULL)
		memcpy(p + 1, t + 1, t->m_tag_len);
	return (p);
}

/*
 * Replace to's tags with copies of from's, in the same order.  Returns 1,
 * or 0 (no memory) with to left without any tag.
 */
int
m_tag_copy_chain(struct mbuf *to, struct mbuf *from, int how)
{
	struct m_tag *t, *p, *last = NULL;

	KASSERT((to->m_flags & M_PKTHDR) != 0 &&
	    (from->m_flags & M_PKTHDR) != 0,
	    ("m_tag_copy_chain: %p or %p without a packet header", to, from));
	m_tag_delete_chain(to, NULL);
	SLIST_FOREACH(t, &from->m_pkthdr.tags, m_tag_link) {
		p = m_tag_copy(t, how);
		if (p == NULL) {
			m_tag_delete_chain(to, NULL);
			return (0);
		}
		if (last == NULL)
			SLIST_INSERT_HEAD(&to->m_pkthdr.tags, p, m_tag_link);
		else
			SLIST_INSERT_AFTER(last, p, m_tag_link);
		last = p;
	}
	return (1);
}
