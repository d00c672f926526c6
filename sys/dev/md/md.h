/*
 * Memory disks (md(4), reduced): a disk whose sectors live in wired
 * kernel memory.  md0 is made at boot when vm.swap_md_size is set (a
 * swap device without QEMU disks); tests make more with md_create().
 */
#ifndef _DEV_MD_MD_H_
#define	_DEV_MD_MD_H_

#include <sys/types.h>

struct disk;

/* A new memory disk "mdN" of size bytes (rounded to pages), or NULL. */
struct disk *md_create(size_t size);
/* Destroy a disk made by md_create(); nothing may use it any more. */
void	md_destroy(struct disk *dp);
/*
 * Error injection for tests: the next count requests of kind cmd
 * (BIO_READ or BIO_WRITE) fail with EIO and move nothing.
 */
void	md_inject_error(struct disk *dp, int cmd, int count);
/* Make every request take at least usec microseconds (tests; 0: none). */
void	md_set_delay(struct disk *dp, u_int usec);
/* Requests served (reads, writes) and failed by injection. */
void	md_stats(struct disk *dp, u_long *reads, u_long *writes,
	    u_long *failed);

#endif /* !_DEV_MD_MD_H_ */
