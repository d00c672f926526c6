/*
 * The swap pager (swap_pager.h).
 *
 * Space.  The swap device is cut into page-sized blocks; a bitmap (one
 * bit a block, set when in use) under swap_mtx hands out runs first-fit
 * from a rotor, so a cluster of pages is one request.  When no run is
 * free, "swap_pager_getswapspace(N): failed" is printed, at most once a
 * second, as FreeBSD does.
 *
 * Metadata.  obj->swblks[i] covers indexes [i * SWAP_META_PAGES, ...):
 * a struct swblk from the UMA zone "SWAPMETA", made when the first of its
 * pages goes to swap and freed when the last block goes.  A block holds
 * the page's current contents: vm_fault() frees it when the page is
 * written (the copy is stale), so a clean resident page with a block
 * can be freed at once, and a dirty page never has one.  When swap is
 * almost full (90%), a page read back gives up its block and is dirty
 * again, as FreeBSD's swap_pager_almost_full does, so swap holds only
 * pages that are not in memory.
 *
 * I/O.  A write maps its pages into one of NSWBUF windows of kernel VA
 * (pmap_qenter) and sends one bio; a read goes to the page's direct-map
 * address.  Both wait (biowait).  Errors are reported with FreeBSD's
 * messages and counted (vm.swap_read_errors, vm.swap_write_errors); a
 * failed write frees its blocks and changes nothing else.
 *
 * Reservation.  vm.swap_reserved counts the pageable memory created;
 * with vm.overcommit bit 0 (SWAP_RESERVE_FORCE_ON) set, a reservation
 * past swap plus unwired memory is refused; by default, as in FreeBSD,
 * it is only counted.
 *
 * Lock order: object lock, then swap_mtx.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/bio.h>
#include <sys/cons.h>
#include <sys/disk.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/atomic.h>
#include <machine/pmap.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/swap_pager.h>
#include <vm/uma.h>

#define	NSWBUF			4	/* I/O windows */
#define	SWAP_RESERVE_FORCE_ON	0x1	/* vm.overcommit bit */

static MALLOC_DEFINE(M_SWAPTAB, "swap_tables", "swap bitmap and tables");

static uma_zone_t	swblk_zone;
static struct mtx	swap_mtx;
static struct disk	*swdev;		/* the swap device, or NULL */
static uint64_t		*swap_bitmap;	/* one bit a block: in use */
static u_long		swap_nblks;	/* blocks on the device */
static u_long		swap_used;	/* blocks in use */
static u_long		swap_rotor;	/* where the next search starts */
static int		swap_fail_tick;	/* last "failed" message */
static int		swap_fail_said;	/* ... and there was one */
static u_long		swap_reserved;	/* bytes reserved */
static u_long		swap_total;	/* bytes of swap */
static int		overcommit;
static u_long		swap_read_errors, swap_write_errors;
static char		swap_device_tun[16] = "vtbd0";

/* The I/O windows: kernel VA for SWB_NPAGES pages each. */
static vm_offset_t	swbuf_kva[NSWBUF];
static int		swbuf_busy[NSWBUF];
static struct mtx	swbuf_mtx;

SYSCTL_ULONG(_vm, OID_AUTO, swap_reserved, CTLFLAG_RD, &swap_reserved, 0,
    "Amount of swap storage needed to back all allocated anonymous memory.");
SYSCTL_ULONG(_vm, OID_AUTO, swap_total, CTLFLAG_RD, &swap_total, 0,
    "Total amount of available swap storage.");
SYSCTL_INT(_vm, OID_AUTO, overcommit, CTLFLAG_RW, &overcommit, 0,
    "Configure virtual memory overcommit behavior. See tuning(7) "
    "for details.");
SYSCTL_ULONG(_vm, OID_AUTO, swap_read_errors, CTLFLAG_RD,
    &swap_read_errors, 0, "Swap reads that failed");
SYSCTL_ULONG(_vm, OID_AUTO, swap_write_errors, CTLFLAG_RD,
    &swap_write_errors, 0, "Swap writes that failed");

static void
swap_pager_init(void *dummy __unused)
{
	int i;

	mtx_init(&swap_mtx, "swap", NULL, MTX_DEF);
	mtx_init(&swbuf_mtx, "swbuf", NULL, MTX_DEF);
	swblk_zone = uma_zcreate("SWAPMETA", sizeof(struct swblk), NULL,
	    NULL, NULL, NULL, UMA_ALIGN_PTR, 0);
	for (i = 0; i < NSWBUF; i++) {
		swbuf_kva[i] = kmem_alloc_nofault(kernel_map,
		    ptoa(SWB_NPAGES));
		if (swbuf_kva[i] == 0)
			panic("swap_pager_init: no KVA for I/O windows");
	}
}
SYSINIT(swap_pager, SI_SUB_VM_CONF, SI_ORDER_THIRD, swap_pager_init, NULL);

/*
 * Metadata.
 */

void
swap_pager_init_object(vm_object_t obj)
{
	obj->swblks = malloc(MAX(howmany(obj->size, SWAP_META_PAGES), 1) *
	    sizeof(struct swblk *), M_SWAPTAB, M_WAITOK | M_ZERO);
}

void
swap_pager_fini_object(vm_object_t obj)
{
	KASSERT(obj->swp_bcount == 0, ("swap_pager_fini_object: object %p "
	    "holds %u blocks", obj, obj->swp_bcount));
	free(obj->swblks, M_SWAPTAB);
	obj->swblks = NULL;
}

static daddr_t
swp_lookup(vm_object_t obj, vm_pindex_t pindex)
{
	struct swblk *sb;

	if (pindex >= obj->size)
		return (SWAPBLK_NONE);
	sb = obj->swblks[pindex / SWAP_META_PAGES];
	return (sb != NULL ? sb->d[pindex % SWAP_META_PAGES] : SWAPBLK_NONE);
}

int
swap_pager_haspage(vm_object_t obj, vm_pindex_t pindex)
{
	VM_OBJECT_ASSERT_LOCKED(obj);
	return (swp_lookup(obj, pindex) != SWAPBLK_NONE);
}

static void
swp_freeblks(daddr_t blk, u_long n)
{
	u_long b;

	mtx_lock(&swap_mtx);
	for (b = blk; b < blk + n; b++) {
		KASSERT((swap_bitmap[b / 64] & (1UL << (b % 64))) != 0,
		    ("swp_freeblks: block %lu is free", b));
		swap_bitmap[b / 64] &= ~(1UL << (b % 64));
	}
	swap_used -= n;
	mtx_unlock(&swap_mtx);
}

/* Record blk (or SWAPBLK_NONE) for pindex; frees the old block. */
static int
swp_setblk(vm_object_t obj, vm_pindex_t pindex, daddr_t blk)
{
	struct swblk **sbp, *sb;
	daddr_t old;
	int i;

	sbp = &obj->swblks[pindex / SWAP_META_PAGES];
	if ((sb = *sbp) == NULL) {
		if (blk == SWAPBLK_NONE)
			return (0);
		sb = uma_zalloc(swblk_zone, M_NOWAIT);
		if (sb == NULL)
			return (ENOMEM);
		sb->p = rounddown(pindex, SWAP_META_PAGES);
		for (i = 0; i < SWAP_META_PAGES; i++)
			sb->d[i] = SWAPBLK_NONE;
		*sbp = sb;
	}
	old = sb->d[pindex % SWAP_META_PAGES];
	sb->d[pindex % SWAP_META_PAGES] = blk;
	if (old != SWAPBLK_NONE) {
		swp_freeblks(old, 1);
		obj->swp_bcount--;
	}
	if (blk != SWAPBLK_NONE) {
		obj->swp_bcount++;
		obj->type = OBJT_SWAP;
		return (0);
	}
	for (i = 0; i < SWAP_META_PAGES; i++)
		if (sb->d[i] != SWAPBLK_NONE)
			return (0);
	*sbp = NULL;
	uma_zfree(swblk_zone, sb);
	return (0);
}

void
swap_pager_freespace(vm_object_t obj, vm_pindex_t start, vm_pindex_t n)
{
	vm_pindex_t i;

	VM_OBJECT_ASSERT_LOCKED(obj);
	for (i = start; i < start + n && i < obj->size; i++) {
		if (obj->swblks[i / SWAP_META_PAGES] == NULL) {
			i = roundup(i + 1, SWAP_META_PAGES) - 1;
			continue;
		}
		(void)swp_setblk(obj, i, SWAPBLK_NONE);
	}
}

/*
 * Space.
 */

static int
swp_isfree(u_long b)
{
	return ((swap_bitmap[b / 64] & (1UL << (b % 64))) == 0);
}

/* A run of n free blocks, or SWAPBLK_NONE. */
static daddr_t
swp_getswapspace(int n)
{
	u_long b, start, tried, run;

	mtx_lock(&swap_mtx);
	if (swdev == NULL || swap_nblks - swap_used < (u_long)n)
		goto fail;
	run = 0;
	start = b = swap_rotor;
	for (tried = 0; tried < swap_nblks + n; tried++, b++) {
		if (b == swap_nblks) {
			b = 0;
			run = 0;
		}
		if (!swp_isfree(b)) {
			run = 0;
			continue;
		}
		if (run++ == 0)
			start = b;
		if (run == (u_long)n) {
			for (b = start; b < start + n; b++)
				swap_bitmap[b / 64] |= 1UL << (b % 64);
			swap_used += n;
			swap_rotor = start + n == swap_nblks ? 0 : start + n;
			mtx_unlock(&swap_mtx);
			return ((daddr_t)start);
		}
	}
fail:
	if (swdev != NULL && n == 1 && (!swap_fail_said ||
	    ticks - swap_fail_tick >= hz)) {
		swap_fail_said = 1;
		swap_fail_tick = ticks;
		printf("swap_pager_getswapspace(%d): failed\n", n);
	}
	mtx_unlock(&swap_mtx);
	return (SWAPBLK_NONE);
}

/*
 * I/O.
 */

static int
swbuf_get(void)
{
	int i;

	mtx_lock(&swbuf_mtx);
	for (;;) {
		for (i = 0; i < NSWBUF; i++)
			if (!swbuf_busy[i]) {
				swbuf_busy[i] = 1;
				mtx_unlock(&swbuf_mtx);
				return (i);
			}
		msleep(swbuf_busy, &swbuf_mtx, 0, "swbufw", 0);
	}
}

static void
swbuf_put(int i)
{
	mtx_lock(&swbuf_mtx);
	swbuf_busy[i] = 0;
	wakeup(swbuf_busy);
	mtx_unlock(&swbuf_mtx);
}

static int
swp_io(int cmd, daddr_t blk, void *data, int npages)
{
	struct bio bio;

	memset(&bio, 0, sizeof(bio));
	bio.bio_cmd = cmd;
	bio.bio_offset = (off_t)blk * PAGE_SIZE;
	bio.bio_bcount = ptoa(npages);
	bio.bio_data = data;
	disk_strategy(swdev, &bio);
	return (biowait(&bio, cmd == BIO_READ ? "swread" : "swwrite"));
}

int
swap_pager_getpages(vm_object_t obj, vm_page_t m)
{
	daddr_t blk;
	int error;

	KASSERT(m->busy && vm_page_object(m) == obj,
	    ("swap_pager_getpages: page %#lx not busy in object %p",
	    m->phys_addr, obj));
	VM_OBJECT_LOCK(obj);
	blk = swp_lookup(obj, vm_page_pindex(m));
	VM_OBJECT_UNLOCK(obj);
	if (blk == SWAPBLK_NONE || swdev == NULL)
		return (EIO);
	error = swp_io(BIO_READ, blk,
	    (void *)PHYS_TO_DMAP(VM_PAGE_TO_PHYS(m)), 1);
	if (error != 0) {
		atomic_add_long(&swap_read_errors, 1);
		printf("swap_pager: I/O error - pagein failed; blkno %jd,"
		    "size %ld, error %d\n", (intmax_t)blk, (long)PAGE_SIZE,
		    error);
		return (EIO);
	}
	atomic_add_int(&vm_cnt.v_swapin, 1);
	atomic_add_int(&vm_cnt.v_swappgsin, 1);
	if (swap_used > swap_nblks - swap_nblks / 10) {
		/* Almost full: the copy goes, the page is dirty again. */
		VM_OBJECT_LOCK(obj);
		(void)swp_setblk(obj, vm_page_pindex(m), SWAPBLK_NONE);
		m->dirty = 1;
		VM_OBJECT_UNLOCK(obj);
	}
	return (0);
}

/* Write n pages to the run at blk and record it; 0 or EIO. */
static int
swp_write(vm_object_t obj, vm_page_t *ma, int n, daddr_t blk)
{
	int error, i, w;

	w = swbuf_get();
	pmap_qenter(swbuf_kva[w], ma, n);
	error = swp_io(BIO_WRITE, blk, (void *)swbuf_kva[w], n);
	pmap_qremove(swbuf_kva[w], n);
	swbuf_put(w);
	if (error != 0) {
		atomic_add_long(&swap_write_errors, 1);
		printf("swap_pager: I/O error - pageout failed; blkno %jd,"
		    "size %ld, error %d\n", (intmax_t)blk, (long)ptoa(n),
		    error);
		swp_freeblks(blk, n);
		return (EIO);
	}
	VM_OBJECT_LOCK(obj);
	for (i = 0; i < n; i++) {
		if (swp_setblk(obj, vm_page_pindex(ma[i]), blk + i) != 0) {
			/* No metadata: forget this copy, the page stays dirty. */
			swp_freeblks(blk + i, 1);
			continue;
		}
		ma[i]->dirty = 0;
	}
	VM_OBJECT_UNLOCK(obj);
	atomic_add_int(&vm_cnt.v_swapout, 1);
	atomic_add_int(&vm_cnt.v_swappgsout, n);
	return (0);
}

/*
 * One request when a run of count blocks is free; else runs of half the
 * size, down to single blocks.  Pages written are clean; the others are
 * left dirty and the error (ENOSPC, EIO) returned.
 */
int
swap_pager_putpages(vm_object_t obj, vm_page_t *ma, int count)
{
	daddr_t blk;
	int error, i, n;

	KASSERT(count > 0 && count <= SWB_NPAGES,
	    ("swap_pager_putpages: %d pages", count));
	if (swdev == NULL)
		return (ENOSPC);
	for (i = 0; i < count; i += n) {
		n = count - i;
		while ((blk = swp_getswapspace(n)) == SWAPBLK_NONE && n > 1)
			n /= 2;
		if (blk == SWAPBLK_NONE)
			return (ENOSPC);
		if ((error = swp_write(obj, ma + i, n, blk)) != 0)
			return (error);
	}
	return (0);
}

/*
 * The device.
 */

int
swapon_disk(struct disk *dp)
{
	uint64_t *bm;
	u_long n;

	n = dp != NULL ? (u_long)(dp->d_mediasize / PAGE_SIZE) : 0;
	bm = n != 0 ? malloc(howmany(n, 64) * sizeof(uint64_t), M_SWAPTAB,
	    M_WAITOK | M_ZERO) : NULL;
	if (dp != NULL && n == 0)
		return (EINVAL);
	mtx_lock(&swap_mtx);
	if (swap_used != 0) {
		mtx_unlock(&swap_mtx);
		free(bm, M_SWAPTAB);
		return (EBUSY);
	}
	free(swap_bitmap, M_SWAPTAB);
	swap_bitmap = bm;
	swap_nblks = n;
	swap_rotor = 0;
	swdev = dp;
	swap_total = ptoa(n);
	mtx_unlock(&swap_mtx);
	return (0);
}

const char *
swap_device_name(void)
{
	return (swdev != NULL ? swdev->d_ident : NULL);
}

/*
 * Boot: the device named by vm.swap_device, else vtbd0, else md0 (made
 * by vm.swap_md_size).
 */
static void
swap_pager_swapon(void *dummy __unused)
{
	struct disk *dp;
	int set;

	set = TUNABLE_STR_FETCH("vm.swap_device", swap_device_tun,
	    sizeof(swap_device_tun));
	dp = disk_lookup(swap_device_tun);
	if (dp == NULL && !set)
		dp = disk_lookup("md0");
	if (dp == NULL) {
		if (set)
			printf("swap device %s not found\n", swap_device_tun);
		printf("no swap device\n");
		return;
	}
	if (swapon_disk(dp) != 0) {
		printf("swapon: %s is too small; no swap device\n",
		    dp->d_ident);
		return;
	}
	printf("swapon: adding %s as swap device (%lu MB)\n", dp->d_ident,
	    swap_total >> 20);
}
SYSINIT(swapon, SI_SUB_SWAP, SI_ORDER_FIRST, swap_pager_swapon, NULL);

/*
 * Reservation and status.
 */

int
swap_reserve(vm_size_t size)
{
	u_long limit;

	limit = swap_total + ptoa((u_long)(vm_cnt.v_page_count -
	    vm_cnt.v_wire_count));
	if ((overcommit & SWAP_RESERVE_FORCE_ON) != 0 &&
	    swap_reserved + size > limit)
		return (0);
	atomic_add_long(&swap_reserved, size);
	return (1);
}

void
swap_release(vm_size_t size)
{
	KASSERT(swap_reserved >= size, ("swap_release: %#lx of %#lx",
	    size, swap_reserved));
	atomic_subtract_long(&swap_reserved, size);
}

void
swap_pager_status(u_long *used, u_long *total)
{
	*used = swap_used;
	*total = swap_nblks;
}

void
swap_pager_errors(u_long *rerr, u_long *werr)
{
	*rerr = swap_read_errors;
	*werr = swap_write_errors;
}

/* swapinfo(8)'s table. */
static void
swap_print_info(void (*out)(void *, const char *), void *arg)
{
	char line[96], dev[32];
	u_long used, total;

	out(arg, "Device          1K-blocks     Used    Avail Capacity\n");
	if (swdev == NULL)
		return;
	swap_pager_status(&used, &total);
	snprintf(dev, sizeof(dev), "/dev/%s", swdev->d_ident);
	snprintf(line, sizeof(line), "%-15s %9lu %8lu %8lu %5lu%%\n", dev,
	    total * (PAGE_SIZE / 1024), used * (PAGE_SIZE / 1024),
	    (total - used) * (PAGE_SIZE / 1024),
	    total != 0 ? (used * 100 + total / 2) / total : 0);
	out(arg, line);
}

static int
sysctl_vm_swap_info(SYSCTL_HANDLER_ARGS)
{
	swap_print_info(sysctl_out_text, req);
	return (SYSCTL_OUT(req, "", 1));
}
SYSCTL_PROC(_vm, OID_AUTO, swap_info, CTLTYPE_STRING | CTLFLAG_RD |
    CTLFLAG_MPSAFE, NULL, 0, sysctl_vm_swap_info, "A",
    "Swap devices (swapinfo)");

static void
swap_out_console(void *arg __unused, const char *text)
{
	printf("%s", text);
}

static int
swapinfo_cmd(int argc, char **argv __unused)
{
	if (argc != 1) {
		printf("usage: swapinfo\n");
		return (1);
	}
	swap_print_info(swap_out_console, NULL);
	return (0);
}
CONS_COMMAND(swapinfo, swapinfo_cmd, "swapinfo",
    "swap devices: size, use, capacity");
