/*
 * Boot modules from the PVH start info (see sys/preload.h).
 *
 * QEMU's -initrd FILE becomes entry 0 of the hvm_start_info module list:
 * struct hvm_modlist_entry { paddr, size, cmdline_paddr, reserved }.  The
 * list and the command lines live in low memory that the kernel reuses,
 * so preload_pvh_record() copies them at once and cuts the modules' pages
 * out of phys_avail before pmap_bootstrap() steals its first page.
 * preload_map() enters each module read-only in kernel_map once that map
 * exists.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/preload.h>
#include <sys/sysctl.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>

struct hvm_modlist_entry {
	uint64_t	paddr;
	uint64_t	size;
	uint64_t	cmdline_paddr;
	uint64_t	reserved;
};

struct preload_mod {
	vm_paddr_t	pm_paddr;
	size_t		pm_size;
	vm_offset_t	pm_va;		/* read-only mapping, or 0 */
	char		pm_cmdline[PRELOAD_CMDLINE_MAX];
};

static struct preload_mod	preload_mods[PRELOAD_MAX];
static u_int			preload_nmods;
static u_int			preload_ignored;	/* past PRELOAD_MAX */

/* The boot map reaches physical memory below 1 GiB at KERNBASE. */
#define	PRELOAD_BOOTMAP_END	(1UL << 30)

/* Take [start, end) out of phys_avail, splitting a segment if needed. */
static void
preload_cut(vm_paddr_t start, vm_paddr_t end)
{
	vm_paddr_t s, e;
	int i, n;

	for (n = 0; phys_avail[n + 1] != 0; n += 2)
		;
	for (i = 0; i < n; i += 2) {
		s = phys_avail[i];
		e = phys_avail[i + 1];
		if (end <= s || start >= e)
			continue;
		if (start > s && end < e) {
			/* Split: keep [s, start) here and [end, e) after it. */
			if (n / 2 >= PHYS_AVAIL_ENTRIES) {
				/* No room to split: lose the tail. */
				phys_avail[i + 1] = start;
				continue;
			}
			memmove(&phys_avail[i + 2], &phys_avail[i],
			    (n - i + 2) * sizeof(phys_avail[0]));
			phys_avail[i + 1] = start;
			phys_avail[i + 2] = end;
			n += 2;
			i += 2;
			continue;
		}
		if (start <= s)
			phys_avail[i] = MIN(end, e);
		if (end >= e)
			phys_avail[i + 1] = MAX(start, s);
	}
	/* Drop the segments that became empty. */
	for (i = 0; i < n; ) {
		if (phys_avail[i] >= phys_avail[i + 1]) {
			memmove(&phys_avail[i], &phys_avail[i + 2],
			    (n - i) * sizeof(phys_avail[0]));
			n -= 2;
		} else
			i += 2;
	}
	phys_avail[n] = phys_avail[n + 1] = 0;
}

void
preload_pvh_record(uint64_t modlist_paddr, uint32_t nr_modules)
{
	const struct hvm_modlist_entry *ml;
	struct preload_mod *pm;
	const char *cl;
	uint32_t i;

	if (nr_modules == 0 || modlist_paddr == 0)
		return;
	if (modlist_paddr + nr_modules * sizeof(*ml) > PRELOAD_BOOTMAP_END)
		return;
	ml = (const struct hvm_modlist_entry *)(KERNBASE + modlist_paddr);
	for (i = 0; i < nr_modules; i++) {
		if (preload_nmods == PRELOAD_MAX) {
			preload_ignored++;
			continue;
		}
		if (ml[i].size == 0 || ml[i].paddr + ml[i].size < ml[i].paddr)
			continue;
		pm = &preload_mods[preload_nmods++];
		pm->pm_paddr = ml[i].paddr;
		pm->pm_size = ml[i].size;
		if (ml[i].cmdline_paddr != 0 &&
		    ml[i].cmdline_paddr < PRELOAD_BOOTMAP_END -
		    PRELOAD_CMDLINE_MAX) {
			cl = (const char *)(KERNBASE + ml[i].cmdline_paddr);
			strlcpy(pm->pm_cmdline, cl, sizeof(pm->pm_cmdline));
		}
		preload_cut(trunc_page(pm->pm_paddr),
		    round_page(pm->pm_paddr + pm->pm_size));
	}
}

/* Map every module read-only in kernel_map. */
static void
preload_map(void *dummy __unused)
{
	struct preload_mod *pm;
	vm_offset_t va;
	vm_paddr_t pa;
	u_int i;

	for (i = 0; i < preload_nmods; i++) {
		pm = &preload_mods[i];
		pa = trunc_page(pm->pm_paddr);
		va = kmem_alloc_nofault(kernel_map,
		    round_page(pm->pm_paddr + pm->pm_size) - pa);
		if (va == 0) {
			printf("preload: no address space for module %u "
			    "(%zu bytes)\n", i, pm->pm_size);
			continue;
		}
		pm->pm_va = va + (pm->pm_paddr - pa);
		for (; pa < pm->pm_paddr + pm->pm_size; pa += PAGE_SIZE,
		    va += PAGE_SIZE)
			pmap_kenter_ro(va, pa);
		printf("preload: module %u at %#jx, %zu bytes%s%s\n", i,
		    (uintmax_t)pm->pm_paddr, pm->pm_size,
		    pm->pm_cmdline[0] != '\0' ? ": " : "", pm->pm_cmdline);
	}
	if (preload_ignored != 0)
		printf("preload: %u modules past the first %d ignored\n",
		    preload_ignored, PRELOAD_MAX);
}
SYSINIT(preload_map, SI_SUB_KMEM, SI_ORDER_ANY, preload_map, NULL);

u_int
preload_count(void)
{
	return (preload_nmods);
}

const void *
preload_data(u_int idx, size_t *sizep)
{
	if (idx >= preload_nmods || preload_mods[idx].pm_va == 0) {
		*sizep = 0;
		return (NULL);
	}
	*sizep = preload_mods[idx].pm_size;
	return ((const void *)preload_mods[idx].pm_va);
}

vm_paddr_t
preload_paddr(u_int idx)
{
	return (idx < preload_nmods ? preload_mods[idx].pm_paddr : 0);
}

const char *
preload_cmdline(u_int idx)
{
	return (idx < preload_nmods ? preload_mods[idx].pm_cmdline : "");
}

SYSCTL_UINT(_debug, OID_AUTO, preload_modules, CTLFLAG_RD, &preload_nmods, 0,
    "Boot modules recorded (QEMU -initrd)");
