/*
 * The virtio 1.0 ("modern") PCI transport (virtio.h).
 *
 * Why modern and not legacy: QEMU 7.2's virtio-*-pci devices are
 * transitional and offer both.  Interrupts must be MSI-X here (there is no
 * IOAPIC driver, and virtio-pci has no plain MSI), and the MSI-X table is
 * in a memory BAR anyway, so the legacy transport's one advantage (port
 * I/O only) is gone.  Modern gives 64-bit ring addresses set part by part
 * (no single 32-bit page frame number for a contiguous legacy ring), a
 * defined little-endian layout, a device configuration at a fixed place
 * (legacy moves it by 4 bytes when MSI-X is on), a generation counter for
 * consistent configuration reads, and a real feature handshake
 * (FEATURES_OK).  VIRTIO_F_VERSION_1 is always negotiated; a device
 * without it is refused.
 *
 * The vendor capabilities (type 0x09) say where the four register blocks
 * live: COMMON (features, status, queue set-up), NOTIFY (a doorbell per
 * queue at notify_off * multiplier), ISR (unused: with MSI-X every queue
 * has its own vector) and DEVICE (the device-specific configuration).
 * They sit in a memory BAR reached through pci_bar_map().
 *
 * Set-up order (virtio 1.0, 3.1.1): reset; ACKNOWLEDGE; DRIVER; features;
 * FEATURES_OK (read back); queues with their MSI-X vectors; DRIVER_OK.
 * Configuration-change interrupts are not used (msix_config = NO_VECTOR).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <machine/cpufunc.h>
#include <dev/pci/pcireg.h>
#include <dev/pci/pcivar.h>
#include <dev/virtio/virtio.h>
#include <dev/virtio/virtqueue.h>

/* Vendor capability: cfg_type, bar, offset, length (virtio 1.0, 4.1.4). */
#define	VIRTIO_PCI_CAP_CFG_TYPE		3
#define	VIRTIO_PCI_CAP_BAR		4
#define	VIRTIO_PCI_CAP_OFFSET		8
#define	VIRTIO_PCI_CAP_LENGTH		12
#define	VIRTIO_PCI_NOTIFY_MULTIPLIER	16
#define	VIRTIO_PCI_CAP_COMMON_CFG	1
#define	VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define	VIRTIO_PCI_CAP_ISR_CFG		3
#define	VIRTIO_PCI_CAP_DEVICE_CFG	4

#define	VIRTIO_MSI_NO_VECTOR		0xffff
#define	VTPCI_MAXQUEUES			8

/* The common configuration block (virtio 1.0, 4.1.4.3). */
struct virtio_pci_common_cfg {
	uint32_t	device_feature_select;
	uint32_t	device_feature;
	uint32_t	driver_feature_select;
	uint32_t	driver_feature;
	uint16_t	msix_config;
	uint16_t	num_queues;
	uint8_t		device_status;
	uint8_t		config_generation;
	uint16_t	queue_select;
	uint16_t	queue_size;
	uint16_t	queue_msix_vector;
	uint16_t	queue_enable;
	uint16_t	queue_notify_off;
	uint32_t	queue_desc_lo, queue_desc_hi;
	uint32_t	queue_avail_lo, queue_avail_hi;
	uint32_t	queue_used_lo, queue_used_hi;
};

struct vtpci_softc {
	struct pci_device	*vt_dev;
	char			vt_name[16];
	const char		*vt_drvname;	/* "vtblk" */
	int			vt_unit;
	struct sysctl_oid	*vt_oid;	/* dev.<drvname>.<unit> */
	volatile struct virtio_pci_common_cfg *vt_common;
	volatile uint8_t	*vt_notify;
	uint32_t		vt_notify_mult;
	volatile uint8_t	*vt_device;
	uint32_t		vt_device_len;
	uint64_t		vt_features;
	int			vt_msix_on;
	struct virtqueue	*vt_vqs[VTPCI_MAXQUEUES];
};

/* The first vendor capability of type; its VA and length, or NULL. */
static volatile uint8_t *
vtpci_map_cap(struct vtpci_softc *vt, int type, uint32_t *lenp, int *capp)
{
	struct pci_device *dev = vt->vt_dev;
	vm_offset_t va;
	uint32_t off, len;
	int cap, bar;

	for (cap = 0; pci_find_cap(dev, PCIY_VENDOR, cap, &cap) == 0; ) {
		if (pci_read_config(dev, cap + VIRTIO_PCI_CAP_CFG_TYPE, 1) !=
		    type)
			continue;
		bar = pci_read_config(dev, cap + VIRTIO_PCI_CAP_BAR, 1);
		off = pci_read_config(dev, cap + VIRTIO_PCI_CAP_OFFSET, 4);
		len = pci_read_config(dev, cap + VIRTIO_PCI_CAP_LENGTH, 4);
		if (bar >= PCI_MAXBARS || (va = pci_bar_map(dev, bar)) == 0 ||
		    (uint64_t)off + len > dev->pd_bar[bar].pb_size)
			continue;
		if (lenp != NULL)
			*lenp = len;
		if (capp != NULL)
			*capp = cap;
		return ((volatile uint8_t *)(va + off));
	}
	return (NULL);
}

static void
vtpci_set_status(struct vtpci_softc *vt, uint8_t status)
{
	if (status != VIRTIO_CONFIG_STATUS_RESET)
		status |= vt->vt_common->device_status;
	vt->vt_common->device_status = status;
}

uint8_t
vtpci_get_status(struct vtpci_softc *vt)
{
	return (vt->vt_common->device_status);
}

static void
vtpci_reset(struct vtpci_softc *vt)
{
	int i;

	vt->vt_common->device_status = VIRTIO_CONFIG_STATUS_RESET;
	for (i = 0; i < 1000000 && vt->vt_common->device_status != 0; i++)
		cpu_pause();
}

struct vtpci_softc *
vtpci_attach(struct pci_device *dev, const char *name, int unit)
{
	struct vtpci_softc *vt;
	int cap;

	vt = malloc(sizeof(*vt), M_DEVBUF, M_WAITOK | M_ZERO);
	vt->vt_dev = dev;
	snprintf(vt->vt_name, sizeof(vt->vt_name), "%s%d", name, unit);
	vt->vt_drvname = name;
	vt->vt_unit = unit;
	pci_enable_busmaster(dev);
	vt->vt_common = (volatile struct virtio_pci_common_cfg *)
	    vtpci_map_cap(vt, VIRTIO_PCI_CAP_COMMON_CFG, NULL, NULL);
	vt->vt_notify = vtpci_map_cap(vt, VIRTIO_PCI_CAP_NOTIFY_CFG, NULL,
	    &cap);
	if (vt->vt_notify != NULL)
		vt->vt_notify_mult = pci_read_config(dev,
		    cap + VIRTIO_PCI_NOTIFY_MULTIPLIER, 4);
	vt->vt_device = vtpci_map_cap(vt, VIRTIO_PCI_CAP_DEVICE_CFG,
	    &vt->vt_device_len, NULL);
	if (vt->vt_common == NULL || vt->vt_notify == NULL ||
	    dev->pd_msix_cap == 0) {
		printf("%s: no virtio 1.0 registers or no MSI-X: not "
		    "attached\n", vt->vt_name);
		free(vt, M_DEVBUF);
		return (NULL);
	}
	dev->pd_driver = name;
	vtpci_reset(vt);
	vtpci_set_status(vt, VIRTIO_CONFIG_STATUS_ACK);
	vtpci_set_status(vt, VIRTIO_CONFIG_STATUS_DRIVER);
	vt->vt_common->msix_config = VIRTIO_MSI_NO_VECTOR;
	return (vt);
}

void
vtpci_detach(struct vtpci_softc *vt)
{
	int i;

	vtpci_reset(vt);
	vtpci_set_status(vt, VIRTIO_CONFIG_STATUS_FAILED);
	for (i = 0; i < VTPCI_MAXQUEUES; i++)
		if (vt->vt_vqs[i] != NULL)
			virtqueue_free(vt->vt_vqs[i]);
	vt->vt_dev->pd_driver = NULL;
	free(vt, M_DEVBUF);
}

int
vtpci_negotiate(struct vtpci_softc *vt, uint64_t wanted, uint64_t *negotiated)
{
	volatile struct virtio_pci_common_cfg *c = vt->vt_common;
	uint64_t offered, features;

	c->device_feature_select = 0;
	offered = c->device_feature;
	c->device_feature_select = 1;
	offered |= (uint64_t)c->device_feature << 32;
	if ((offered & VIRTIO_F_VERSION_1) == 0) {
		printf("%s: the device does not offer VIRTIO_F_VERSION_1\n",
		    vt->vt_name);
		vtpci_set_status(vt, VIRTIO_CONFIG_STATUS_FAILED);
		return (ENXIO);
	}
	features = (offered & wanted) | VIRTIO_F_VERSION_1;
	c->driver_feature_select = 0;
	c->driver_feature = (uint32_t)features;
	c->driver_feature_select = 1;
	c->driver_feature = (uint32_t)(features >> 32);
	vtpci_set_status(vt, VIRTIO_CONFIG_STATUS_FEATURES_OK);
	if ((vtpci_get_status(vt) & VIRTIO_CONFIG_STATUS_FEATURES_OK) == 0) {
		printf("%s: features 0x%jx refused by the device\n",
		    vt->vt_name, (uintmax_t)features);
		vtpci_set_status(vt, VIRTIO_CONFIG_STATUS_FAILED);
		return (ENXIO);
	}
	vt->vt_features = features;
	*negotiated = features;
	return (0);
}

struct sysctl_oid_list *
vtpci_sysctl_tree(struct vtpci_softc *vt)
{
	struct sysctl_oid *dev, *drv;
	char unit[12];

	if (vt->vt_oid != NULL)
		return (SYSCTL_CHILDREN(vt->vt_oid));
	dev = SYSCTL_ADD_NODE(NULL, SYSCTL_STATIC_CHILDREN(), OID_AUTO, "dev",
	    CTLFLAG_RD, NULL, "Devices");
	drv = dev == NULL ? NULL : SYSCTL_ADD_NODE(NULL, SYSCTL_CHILDREN(dev),
	    OID_AUTO, vt->vt_drvname, CTLFLAG_RD, NULL, "virtio driver");
	snprintf(unit, sizeof(unit), "%d", vt->vt_unit);
	vt->vt_oid = drv == NULL ? NULL : SYSCTL_ADD_NODE(NULL,
	    SYSCTL_CHILDREN(drv), OID_AUTO, unit, CTLFLAG_RD, NULL, "unit");
	return (vt->vt_oid != NULL ? SYSCTL_CHILDREN(vt->vt_oid) : NULL);
}

static int
sysctl_vtpci_intrs(SYSCTL_HANDLER_ARGS)
{
	uint64_t n;

	n = vtpci_intr_count(arg1, arg2);
	return (sysctl_handle_64(oidp, &n, 0, req));
}

/* dev.<drv>.<unit>.<queue>.interrupts */
static void
vtpci_sysctl_vq(struct vtpci_softc *vt, int index, const char *name)
{
	struct sysctl_oid_list *top;
	struct sysctl_oid *q;

	if ((top = vtpci_sysctl_tree(vt)) == NULL)
		return;
	q = SYSCTL_ADD_NODE(NULL, top, OID_AUTO, name, CTLFLAG_RD, NULL,
	    "virtqueue");
	if (q != NULL)
		SYSCTL_ADD_PROC(NULL, SYSCTL_CHILDREN(q), OID_AUTO,
		    "interrupts", CTLTYPE_U64 | CTLFLAG_RD | CTLFLAG_MPSAFE,
		    vt, index, sysctl_vtpci_intrs, "QU",
		    "MSI-X interrupts taken by this queue's vector");
}

struct virtqueue *
vtpci_alloc_vq(struct vtpci_softc *vt, int index, int maxsize,
    pci_intr_t *intr, void *arg, const char *name)
{
	volatile struct virtio_pci_common_cfg *c = vt->vt_common;
	struct virtqueue *vq;
	vm_paddr_t desc, avail, used;
	uint16_t size, noff;

	if (index >= VTPCI_MAXQUEUES || index >= c->num_queues)
		return (NULL);
	c->queue_select = index;
	size = c->queue_size;
	if (size == 0)
		return (NULL);
	while (size > maxsize)
		size >>= 1;
	noff = c->queue_notify_off;
	vq = virtqueue_alloc(name, index, size,
	    (volatile uint16_t *)(vt->vt_notify + noff * vt->vt_notify_mult));
	if (vq == NULL)
		return (NULL);
	if (pci_msix_alloc(vt->vt_dev, index, intr, arg, name) != 0) {
		printf("%s: no MSI-X vector for queue %d\n", vt->vt_name,
		    index);
		virtqueue_free(vq);
		return (NULL);
	}
	if (!vt->vt_msix_on) {
		pci_msix_enable(vt->vt_dev);
		vt->vt_msix_on = 1;
	}
	c->queue_select = index;
	c->queue_size = size;
	c->queue_msix_vector = index;
	if (c->queue_msix_vector != index) {
		printf("%s: queue %d: MSI-X entry refused\n", vt->vt_name,
		    index);
		virtqueue_free(vq);
		return (NULL);
	}
	vtpci_sysctl_vq(vt, index, name);
	virtqueue_ring_paddrs(vq, &desc, &avail, &used);
	c->queue_desc_lo = (uint32_t)desc;
	c->queue_desc_hi = (uint32_t)(desc >> 32);
	c->queue_avail_lo = (uint32_t)avail;
	c->queue_avail_hi = (uint32_t)(avail >> 32);
	c->queue_used_lo = (uint32_t)used;
	c->queue_used_hi = (uint32_t)(used >> 32);
	c->queue_enable = 1;
	vt->vt_vqs[index] = vq;
	return (vq);
}

void
vtpci_driver_ok(struct vtpci_softc *vt)
{
	vtpci_set_status(vt, VIRTIO_CONFIG_STATUS_DRIVER_OK);
}

void
vtpci_read_device_config(struct vtpci_softc *vt, int off, void *dst, int len)
{
	uint8_t gen, *d = dst;
	int i;

	KASSERT(vt->vt_device != NULL && off >= 0 &&
	    (uint32_t)(off + len) <= vt->vt_device_len,
	    ("%s: device config [%d, %d) out of range", vt->vt_name, off,
	    off + len));
	do {
		gen = vt->vt_common->config_generation;
		for (i = 0; i < len; i++)
			d[i] = vt->vt_device[off + i];
	} while (gen != vt->vt_common->config_generation);
}

uint64_t
vtpci_intr_count(struct vtpci_softc *vt, int index)
{
	return (pci_intr_count(vt->vt_dev, index));
}

const char *
vtpci_name(struct vtpci_softc *vt)
{
	return (vt->vt_name);
}
