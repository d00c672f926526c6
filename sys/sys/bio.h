/*
 * Block I/O requests (FreeBSD's struct bio, reduced).
 *
 * A consumer (the swap pager) fills in a bio and hands it to a disk's
 * d_strategy (sys/disk.h).  The driver moves bio_bcount bytes between
 * bio_data and the disk at byte offset bio_offset, sets bio_error (0 or
 * an errno) and bio_resid, and calls biodone(), which calls bio_done.
 * bio_done may run in interrupt context: it must not sleep.  biowait()
 * sleeps until biodone() has run, for callers without a bio_done.
 *
 * Offsets and counts are multiples of the disk's d_sectorsize; bio_data
 * is a kernel virtual address of wired memory (the driver translates it
 * page by page: the buffer need not be physically contiguous).
 */
#ifndef _SYS_BIO_H_
#define	_SYS_BIO_H_

#include <sys/types.h>

#define	BIO_READ	0x01
#define	BIO_WRITE	0x02

#define	BIO_ERROR	0x01		/* bio_flags: bio_error is set */
#define	BIO_DONE	0x02		/* bio_flags: biodone() has run */

struct disk;

struct bio {
	int		bio_cmd;	/* BIO_READ or BIO_WRITE */
	int		bio_flags;	/* BIO_ERROR, BIO_DONE */
	off_t		bio_offset;	/* byte offset on the disk */
	long		bio_bcount;	/* bytes to move */
	long		bio_resid;	/* bytes not moved */
	void		*bio_data;	/* kernel VA of the buffer */
	int		bio_error;	/* 0 or an errno */
	struct disk	*bio_disk;	/* set by disk_strategy() */
	void		(*bio_done)(struct bio *); /* completion, or NULL */
	void		*bio_caller1;	/* for the consumer */
	void		*bio_caller2;
	void		*bio_driver1;	/* for the driver */
};

void	biodone(struct bio *bp);	/* driver: the request is finished */
int	biowait(struct bio *bp, const char *wmesg); /* sleep; bio_error */

#endif /* !_SYS_BIO_H_ */
