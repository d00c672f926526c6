/*
 * The Internet checksum (RFC 1071) over mbuf chains (in_cksum.c).
 *
 * Sums are of 16-bit words as they lie in memory, so a result is stored
 * into a header field as it is, without a byte swap.
 */
#ifndef _NETINET_IN_CKSUM_H_
#define	_NETINET_IN_CKSUM_H_

#include <sys/types.h>

struct mbuf;

/*
 * The complemented sum of len bytes at offset off of chain m, started from
 * the partial sum initial (a pseudo-header, or 0).  Over data that holds
 * its own checksum the result is 0 when that checksum is right.  The chain
 * must hold off + len bytes.
 */
uint16_t	in_cksum_skip(struct mbuf *m, int len, int off,
		    uint32_t initial);
/* The complemented sum of a contiguous buffer. */
uint16_t	in_cksum_buf(const void *buf, int len);
/* The folded, uncomplemented sum of three 32-bit words (pseudo-headers). */
uint32_t	in_pseudo(uint32_t a, uint32_t b, uint32_t c);

#endif /* !_NETINET_IN_CKSUM_H_ */
