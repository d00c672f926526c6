/*
 * Machine-dependent constants for amd64.
 */
#ifndef _MACHINE_PARAM_H_
#define	_MACHINE_PARAM_H_

#define	MACHINE		"amd64"
#define	MACHINE_ARCH	"amd64"

#ifndef MAXCPU
#define	MAXCPU		16
#endif

#define	CACHE_LINE_SHIFT	6
#define	CACHE_LINE_SIZE		(1 << CACHE_LINE_SHIFT)

#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1 << PAGE_SHIFT)
#define	PAGE_MASK	(PAGE_SIZE - 1)
#define	NPTEPG		(PAGE_SIZE / 8)
#define	NPDEPG		(PAGE_SIZE / 8)
#define	NPDPEPG		(PAGE_SIZE / 8)
#define	NPML4EPG	(PAGE_SIZE / 8)
#define	PDRSHIFT	21
#define	NBPDR		(1UL << PDRSHIFT)
#define	PDRMASK		(NBPDR - 1)
#define	PDPSHIFT	30
#define	NBPDP		(1UL << PDPSHIFT)
#define	PML4SHIFT	39
#define	NBPML4		(1UL << PML4SHIFT)

#define	KSTACK_PAGES	4		/* pages of kernel stack per thread */

#define	trunc_page(x)	((unsigned long)(x) & ~(unsigned long)PAGE_MASK)
#define	round_page(x)	(((unsigned long)(x) + PAGE_MASK) & ~(unsigned long)PAGE_MASK)
#define	atop(x)		((unsigned long)(x) >> PAGE_SHIFT)
#define	ptoa(x)		((unsigned long)(x) << PAGE_SHIFT)

#endif /* !_MACHINE_PARAM_H_ */
