/*
 * Split virtqueues (virtqueue.h).
 *
 * One physically contiguous allocation (contigmalloc, M_DEVBUF) holds the
 * three parts the device reads and writes:
 *
 *   +---------------------+ 0
 *   | desc[size]          |  16 bytes each: addr, len, flags, next
 *   +---------------------+ 16 * size
 *   | avail: flags, idx,  |  driver -> device: heads of new chains
 *   |   ring[size], event |
 *   +---------------------+ VQ_USED_OFF (64-byte aligned)
 *   | used: flags, idx,   |  device -> driver: (head, bytes written)
 *   |   ring[size], event |
 *   +---------------------+
 *
 * Free descriptors form a list through their next fields, headed by
 * vq_free_head.  A chain's head index names it: vq_cookie[head] and
 * vq_ndesc[head] remember the caller's cookie and the chain's length, so
 * dequeue can put the whole chain back on the free list.  Indexes into
 * the rings run freely (16 bits) and are reduced modulo size on use.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <dev/virtio/virtqueue.h>

#define	VRING_DESC_F_NEXT	1
#define	VRING_DESC_F_WRITE	2
#define	VRING_USED_F_NO_NOTIFY	1

struct vring_desc {
	uint64_t	addr;
	uint32_t	len;
	uint16_t	flags;
	uint16_t	next;
};

struct vring_avail {
	uint16_t	flags;
	uint16_t	idx;
	uint16_t	ring[];
};

struct vring_used_elem {
	uint32_t	id;
	uint32_t	len;
};

struct vring_used {
	uint16_t	flags;
	uint16_t	idx;
	struct vring_used_elem ring[];
};

struct virtqueue {
	const char		*vq_name;
	int			vq_index;
	uint16_t		vq_size;
	uint16_t		vq_nfree;
	uint16_t		vq_free_head;
	uint16_t		vq_avail_idx;	/* our copy of avail->idx */
	uint16_t		vq_used_cons;	/* next used entry to read */
	volatile uint16_t	*vq_notify;
	struct vring_desc	*vq_desc;
	struct vring_avail	*vq_avail;
	volatile struct vring_used *vq_used;
	void			*vq_mem;
	size_t			vq_memsize;
	void			**vq_cookie;	/* by chain head */
	uint16_t		*vq_ndesc;	/* by chain head */
};

#define	VQ_AVAIL_OFF(n)	((size_t)(n) * sizeof(struct vring_desc))
#define	VQ_USED_OFF(n)	roundup2(VQ_AVAIL_OFF(n) + 6 + 2 * (size_t)(n), 64)
#define	VQ_MEMSIZE(n)	(VQ_USED_OFF(n) + 6 + 8 * (size_t)(n))

#define	vq_compiler_barrier()	__asm__ __volatile__("" : : : "memory")
#define	vq_full_barrier()	__asm__ __volatile__("mfence" : : : "memory")

int
vq_sglist_append(struct vq_sglist *sg, const void *buf, size_t len)
{
	vm_offset_t va = (vm_offset_t)buf;
	struct vq_sgseg *last;
	vm_paddr_t pa;
	size_t chunk;
	int nseg;

	nseg = sg->vs_nseg;
	while (len > 0) {
		chunk = MIN(len, PAGE_SIZE - (va & PAGE_MASK));
		pa = pmap_kextract(va);
		KASSERT(pa != 0, ("vq_sglist_append: %p not mapped",
		    (void *)va));
		last = nseg > 0 ? &sg->vs_segs[nseg - 1] : NULL;
		if (last != NULL && nseg > sg->vs_nseg &&
		    last->ss_paddr + last->ss_len == pa)
			last->ss_len += chunk;
		else {
			if (nseg == sg->vs_maxseg)
				return (EFBIG);
			sg->vs_segs[nseg].ss_paddr = pa;
			sg->vs_segs[nseg].ss_len = chunk;
			nseg++;
		}
		va += chunk;
		len -= chunk;
	}
	sg->vs_nseg = nseg;
	return (0);
}

struct virtqueue *
virtqueue_alloc(const char *name, int index, int size,
    volatile uint16_t *notify)
{
	struct virtqueue *vq;
	char *mem;
	int i;

	KASSERT(powerof2(size) && size > 0 && size <= 32768,
	    ("virtqueue_alloc: size %d", size));
	vq = malloc(sizeof(*vq), M_DEVBUF, M_WAITOK | M_ZERO);
	vq->vq_cookie = malloc(size * sizeof(void *), M_DEVBUF,
	    M_WAITOK | M_ZERO);
	vq->vq_ndesc = malloc(size * sizeof(uint16_t), M_DEVBUF,
	    M_WAITOK | M_ZERO);
	vq->vq_memsize = VQ_MEMSIZE(size);
	mem = contigmalloc(vq->vq_memsize, M_DEVBUF, M_WAITOK | M_ZERO, 0,
	    ~(vm_paddr_t)0, PAGE_SIZE, 0);
	if (mem == NULL) {
		free(vq->vq_ndesc, M_DEVBUF);
		free(vq->vq_cookie, M_DEVBUF);
		free(vq, M_DEVBUF);
		return (NULL);
	}
	vq->vq_mem = mem;
	vq->vq_desc = (struct vring_desc *)mem;
	vq->vq_avail = (struct vring_avail *)(mem + VQ_AVAIL_OFF(size));
	vq->vq_used = (struct vring_used *)(mem + VQ_USED_OFF(size));
	vq->vq_name = name;
	vq->vq_index = index;
	vq->vq_size = size;
	vq->vq_nfree = size;
	vq->vq_notify = notify;
	for (i = 0; i < size - 1; i++)
		vq->vq_desc[i].next = i + 1;
	return (vq);
}

void
virtqueue_free(struct virtqueue *vq)
{
	contigfree(vq->vq_mem, vq->vq_memsize, M_DEVBUF);
	free(vq->vq_ndesc, M_DEVBUF);
	free(vq->vq_cookie, M_DEVBUF);
	free(vq, M_DEVBUF);
}

/* Physically contiguous, so one translation gives all three. */
void
virtqueue_ring_paddrs(struct virtqueue *vq, vm_paddr_t *desc,
    vm_paddr_t *avail, vm_paddr_t *used)
{
	vm_paddr_t pa = pmap_kextract((vm_offset_t)vq->vq_mem);

	*desc = pa;
	*avail = pa + VQ_AVAIL_OFF(vq->vq_size);
	*used = pa + VQ_USED_OFF(vq->vq_size);
}

int
virtqueue_enqueue(struct virtqueue *vq, void *cookie, struct vq_sglist *sg,
    int readable, int writable)
{
	struct vring_desc *dp;
	uint16_t head, idx;
	int i, n;

	n = readable + writable;
	KASSERT(n > 0 && n == sg->vs_nseg && cookie != NULL,
	    ("virtqueue_enqueue: %s: %d+%d segments of %d", vq->vq_name,
	    readable, writable, sg->vs_nseg));
	if (n > vq->vq_nfree)
		return (ENOSPC);
	head = idx = vq->vq_free_head;
	for (i = 0; i < n; i++) {
		dp = &vq->vq_desc[idx];
		dp->addr = sg->vs_segs[i].ss_paddr;
		dp->len = sg->vs_segs[i].ss_len;
		dp->flags = (i < n - 1 ? VRING_DESC_F_NEXT : 0) |
		    (i >= readable ? VRING_DESC_F_WRITE : 0);
		idx = dp->next;
	}
	vq->vq_free_head = idx;
	vq->vq_nfree -= n;
	vq->vq_cookie[head] = cookie;
	vq->vq_ndesc[head] = n;
	vq->vq_avail->ring[vq->vq_avail_idx & (vq->vq_size - 1)] = head;
	vq_compiler_barrier();
	vq->vq_avail_idx++;
	*(volatile uint16_t *)&vq->vq_avail->idx = vq->vq_avail_idx;
	return (0);
}

void
virtqueue_notify(struct virtqueue *vq)
{
	vq_full_barrier();
	if ((vq->vq_used->flags & VRING_USED_F_NO_NOTIFY) == 0)
		*vq->vq_notify = vq->vq_index;
}

void *
virtqueue_dequeue(struct virtqueue *vq, uint32_t *len)
{
	volatile struct vring_used_elem *ue;
	uint16_t head, idx, n;
	void *cookie;

	if (vq->vq_used_cons == vq->vq_used->idx)
		return (NULL);
	vq_compiler_barrier();
	ue = &vq->vq_used->ring[vq->vq_used_cons & (vq->vq_size - 1)];
	head = ue->id;
	if (len != NULL)
		*len = ue->len;
	vq->vq_used_cons++;
	KASSERT(head < vq->vq_size && vq->vq_cookie[head] != NULL,
	    ("virtqueue_dequeue: %s: bad used id %u", vq->vq_name, head));
	cookie = vq->vq_cookie[head];
	vq->vq_cookie[head] = NULL;
	/* Put the chain back at the head of the free list. */
	n = vq->vq_ndesc[head];
	for (idx = head; --n > 0; idx = vq->vq_desc[idx].next)
		;
	vq->vq_desc[idx].next = vq->vq_free_head;
	vq->vq_free_head = head;
	vq->vq_nfree += vq->vq_ndesc[head];
	return (cookie);
}

int
virtqueue_size(struct virtqueue *vq)
{
	return (vq->vq_size);
}

int
virtqueue_nfree(struct virtqueue *vq)
{
	return (vq->vq_nfree);
}

int
virtqueue_empty(struct virtqueue *vq)
{
	return (vq->vq_nfree == vq->vq_size);
}
