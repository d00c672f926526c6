/*
 * The Internet checksum (RFC 1071) over mbuf chains.
 *
 * The one's complement sum does not depend on byte order, so words are
 * loaded as the CPU loads them (little-endian) and the complemented result
 * is stored into a header as it is.  A chain's mbufs may hold any number of
 * bytes: an odd byte left at the end of one mbuf is paired with the first
 * byte of the next.  Four-byte loads go into a 64-bit accumulator, folded
 * to 16 bits at the end (2^16 and 2^32 are both 1 modulo 0xffff).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <netinet/in_cksum.h>

static uint16_t
cksum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)sum);
}

/*
 * Add len bytes at p to *sum.  *pending is -1, or the byte left over from
 * the previous buffer, which pairs with p[0] as the low half of a word.
 */
static void
cksum_add(const uint8_t *p, int len, uint64_t *sum, int *pending)
{
	uint64_t s = *sum;
	uint32_t w;

	if (len <= 0)
		return;
	if (*pending >= 0) {
		s += (uint32_t)*pending | ((uint32_t)p[0] << 8);
		*pending = -1;
		p++;
		len--;
	}
	for (; len >= 4; p += 4, len -= 4) {
		__builtin_memcpy(&w, p, 4);
		s += w;
	}
	if (len >= 2) {
		s += (uint32_t)p[0] | ((uint32_t)p[1] << 8);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		*pending = p[0];
	*sum = s;
}

uint16_t
in_cksum_skip(struct mbuf *m, int len, int off, uint32_t initial)
{
	uint64_t sum = initial;
	int n, pending = -1;

	for (; m != NULL && off >= m->m_len; m = m->m_next)
		off -= m->m_len;
	for (; m != NULL && len > 0; m = m->m_next, off = 0) {
		n = imin(m->m_len - off, len);
		cksum_add(mtod(m, const uint8_t *) + off, n, &sum, &pending);
		len -= n;
	}
	KASSERT(len == 0, ("in_cksum_skip: chain %d bytes short", len));
	if (pending >= 0)
		sum += (uint32_t)pending;
	return ((uint16_t)~cksum_fold(sum));
}

uint16_t
in_cksum_buf(const void *buf, int len)
{
	uint64_t sum = 0;
	int pending = -1;

	cksum_add(buf, len, &sum, &pending);
	if (pending >= 0)
		sum += (uint32_t)pending;
	return ((uint16_t)~cksum_fold(sum));
}

uint32_t
in_pseudo(uint32_t a, uint32_t b, uint32_t c)
{
	return (cksum_fold((uint64_t)a + b + c));
}
