/*
 * Split virtqueues (virtio 1.0, 2.4), the ring both directions of every
 * virtio device use.
 *
 * The driver owns a virtqueue and serializes every call on it with its own
 * lock.  virtqueue_enqueue() takes a scatter/gather list (readable
 * segments first, then writable ones), builds a descriptor chain from the
 * free list and publishes its head in the available ring under the
 * caller's cookie; virtqueue_notify() tells the device (unless it asked
 * not to be told); virtqueue_dequeue() returns, in completion order, the
 * cookie of each chain the device has put in the used ring, with the
 * bytes it wrote, and gives the chain's descriptors back.
 *
 * Memory ordering: x86 keeps stores in order, so a compiler barrier puts
 * the descriptors before the available index; the store of the index and
 * the load of the device's NO_NOTIFY flag need a full fence.
 */
#ifndef _DEV_VIRTIO_VIRTQUEUE_H_
#define	_DEV_VIRTIO_VIRTQUEUE_H_

#include <sys/types.h>

/* A scatter/gather list of physical segments (at most vs_maxseg). */
struct vq_sgseg {
	vm_paddr_t	ss_paddr;
	size_t		ss_len;
};

struct vq_sglist {
	int		vs_nseg;
	int		vs_maxseg;
	struct vq_sgseg	*vs_segs;
};

#define	VQ_SGLIST_INIT(sg, segs, max)	do {				\
	(sg)->vs_nseg = 0;						\
	(sg)->vs_maxseg = (max);					\
	(sg)->vs_segs = (segs);						\
} while (0)

/*
 * Append the kernel VA range [buf, buf + len) (wired memory), one segment
 * per physically contiguous run; 0, or EFBIG with sg unchanged.
 */
int	vq_sglist_append(struct vq_sglist *sg, const void *buf, size_t len);

struct virtqueue;

/* Allocated and freed by the transport (vtpci_alloc_vq). */
struct virtqueue *virtqueue_alloc(const char *name, int index, int size,
	    volatile uint16_t *notify);
void	virtqueue_free(struct virtqueue *vq);
void	virtqueue_ring_paddrs(struct virtqueue *vq, vm_paddr_t *desc,
	    vm_paddr_t *avail, vm_paddr_t *used);

/* 0, or ENOSPC when fewer than readable + writable descriptors are free. */
int	virtqueue_enqueue(struct virtqueue *vq, void *cookie,
	    struct vq_sglist *sg, int readable, int writable);
void	virtqueue_notify(struct virtqueue *vq);
/* The next completed chain's cookie and bytes written, or NULL. */
void	*virtqueue_dequeue(struct virtqueue *vq, uint32_t *len);
int	virtqueue_size(struct virtqueue *vq);
int	virtqueue_nfree(struct virtqueue *vq);	/* free descriptors */
int	virtqueue_empty(struct virtqueue *vq);	/* no chain outstanding */

#endif /* !_DEV_VIRTIO_VIRTQUEUE_H_ */
