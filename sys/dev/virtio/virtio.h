/*
 * The virtio transport KPI shared by the virtio drivers (virtio 1.0 over
 * PCI: virtio_pci.c; the split virtqueues: virtqueue.h).
 *
 * A driver's SYSINIT (SI_SUB_CONFIGURE, SI_ORDER_MIDDLE) calls
 * vtpci_probe(type, attach, &units), which calls attach(dev, unit) for
 * each PCI function of that device type; attach then does:
 *
 *   vt = vtpci_attach(dev, "vtblk", unit);	  reset, ACK, DRIVER
 *   vtpci_negotiate(vt, wanted, &features);	  FEATURES_OK, VERSION_1
 *   vq = vtpci_alloc_vq(vt, 0, max, intr, arg, "vq"); ring, MSI-X, on
 *   vtpci_read_device_config(vt, off, &v, len);
 *   vtpci_driver_ok(vt);			  DRIVER_OK: it runs
 *
 * Each queue has its own MSI-X entry and vector (pcivar.h): intr(arg) runs
 * in interrupt context.  Any failure before DRIVER_OK sets FAILED and the
 * driver gives the device up (vtpci_detach).
 */
#ifndef _DEV_VIRTIO_VIRTIO_H_
#define	_DEV_VIRTIO_VIRTIO_H_

#include <sys/types.h>
#include <dev/pci/pcivar.h>

#define	VIRTIO_VENDOR		0x1af4
/* Transitional devices are 0x1000 + (type - 1); modern ones 0x1040 + type. */
#define	VIRTIO_ID_NETWORK	1
#define	VIRTIO_ID_BLOCK		2
#define	VIRTIO_PCI_TRANS_ID(type)	(0x1000 + (type) - 1)
#define	VIRTIO_PCI_MODERN_ID(type)	(0x1040 + (type))

/* Device status (virtio 1.0, 2.1). */
#define	VIRTIO_CONFIG_STATUS_RESET	0x00
#define	VIRTIO_CONFIG_STATUS_ACK	0x01
#define	VIRTIO_CONFIG_STATUS_DRIVER	0x02
#define	VIRTIO_CONFIG_STATUS_DRIVER_OK	0x04
#define	VIRTIO_CONFIG_STATUS_FEATURES_OK 0x08
#define	VIRTIO_CONFIG_STATUS_NEEDS_RESET 0x40
#define	VIRTIO_CONFIG_STATUS_FAILED	0x80

/* Transport feature bits. */
#define	VIRTIO_RING_F_INDIRECT_DESC	(1ULL << 28)
#define	VIRTIO_RING_F_EVENT_IDX		(1ULL << 29)
#define	VIRTIO_F_VERSION_1		(1ULL << 32)

struct virtqueue;
struct vtpci_softc;
struct sysctl_oid_list;

/*
 * Call attach(dev, unit) for every unclaimed PCI function of virtio device
 * type (transitional and modern IDs), units counted from *unitp, which
 * grows by the attaches that returned 0.
 */
void	vtpci_probe(int type, int (*attach)(struct pci_device *, int),
	    int *unitp);
struct vtpci_softc *vtpci_attach(struct pci_device *dev, const char *name,
	    int unit);
void	vtpci_detach(struct vtpci_softc *vt);	/* reset, FAILED, free */
/* Offered & wanted, plus VERSION_1 (required); 0 or ENXIO. */
int	vtpci_negotiate(struct vtpci_softc *vt, uint64_t wanted,
	    uint64_t *negotiated);
/* Queue index, at most maxsize entries; NULL if the device has none. */
struct virtqueue *vtpci_alloc_vq(struct vtpci_softc *vt, int index,
	    int maxsize, pci_intr_t *intr, void *arg, const char *name);
void	vtpci_driver_ok(struct vtpci_softc *vt);
uint8_t	vtpci_get_status(struct vtpci_softc *vt);
/* len bytes of the device-specific configuration at off (a stable copy). */
void	vtpci_read_device_config(struct vtpci_softc *vt, int off, void *dst,
	    int len);
/* Interrupts taken by queue index's vector. */
uint64_t vtpci_intr_count(struct vtpci_softc *vt, int index);
const char *vtpci_name(struct vtpci_softc *vt);	/* "vtblk0" */
/*
 * The driver's sysctl node dev.<name>.<unit> (made on first use; each
 * queue adds <queue name>.interrupts under it), or NULL.
 */
struct sysctl_oid_list *vtpci_sysctl_tree(struct vtpci_softc *vt);

#endif /* !_DEV_VIRTIO_VIRTIO_H_ */
