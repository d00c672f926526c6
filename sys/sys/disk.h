/*
 * Disks (FreeBSD's disk(9), reduced): a driver describes each disk it
 * finds with a struct disk and registers it with disk_create(); consumers
 * (the swap pager) find it by name ("vtbd0", "md0") with disk_lookup()
 * and queue requests with disk_strategy().
 */
#ifndef _SYS_DISK_H_
#define	_SYS_DISK_H_

#include <sys/types.h>
#include <sys/queue.h>

struct bio;

struct disk {
	/* Filled in by the driver before disk_create(). */
	const char	*d_name;	/* "vtbd", "md" */
	int		d_unit;
	u_int		d_sectorsize;	/* bytes, a power of 2 */
	off_t		d_mediasize;	/* bytes */
	u_int		d_maxsize;	/* largest bio_bcount accepted */
	void		(*d_strategy)(struct bio *);
	void		*d_drv1;	/* the driver's softc */

	/* Kept by subr_disk.c. */
	char		d_ident[16];	/* d_name and d_unit: "vtbd0" */
	LIST_ENTRY(disk) d_link;
};

void	disk_create(struct disk *dp);
void	disk_destroy(struct disk *dp);
struct disk *disk_lookup(const char *ident);
void	disk_strategy(struct disk *dp, struct bio *bp);

#endif /* !_SYS_DISK_H_ */
