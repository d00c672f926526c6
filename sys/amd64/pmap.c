/*
 * The kernel pmap.  There is one address space: every CPU runs on
 * kernel_pml4, which maps
 *   - the kernel image at KERNBASE (2 MiB pages over the first 1 GiB),
 *   - all of physical memory (and the MMIO hole below 4 GiB, uncached) at
 *     the direct map, DMAP_MIN_ADDRESS, with 2 MiB pages,
 *   - kernel_map at VM_MIN_KERNEL_ADDRESS with 4 KiB pages, whose page
 *     table pages are allocated on demand.
 * Nothing is mapped at address 0, so a NULL dereference faults.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <machine/vmparam.h>
#include <vm/vm.h>
#include <vm/vm_page.h>

pml4_entry_t	*kernel_pml4;
vm_paddr_t	kernel_pml4_pa;

/*
 * Take npages zeroed pages from the start of the first phys_avail segment
 * big enough.  Only before the page layer is initialised.
 */
vm_paddr_t
pmap_bootstrap_steal(u_int npages)
{
	vm_paddr_t pa;
	int i;

	for (i = 0; phys_avail[i + 1] != 0; i += 2) {
		if (phys_avail[i + 1] - phys_avail[i] < ptoa(npages))
			continue;
		pa = phys_avail[i];
		phys_avail[i] += ptoa(npages);
		/* Below 1 GiB the KERNBASE window reaches it before the DMAP. */
		if (pa + ptoa(npages) <= NBPDP)
			memset((void *)(KERNBASE + pa), 0, ptoa(npages));
		else
			memset((void *)PHYS_TO_DMAP(pa), 0, ptoa(npages));
		return (pa);
	}
	panic("pmap_bootstrap_steal: out of memory for %u pages", npages);
}

static void *
boot_table(void)
{
	vm_paddr_t pa;

	pa = pmap_bootstrap_steal(1);
	KASSERT(pa + PAGE_SIZE <= NBPDP, ("boot page table above 1 GiB"));
	return ((void *)(KERNBASE + pa));
}

static vm_paddr_t
boot_table_pa(void *va)
{
	return ((vm_offset_t)va - KERNBASE);
}

void
pmap_bootstrap(void)
{
	pdp_entry_t *kpdpt, *dpdpt;
	pd_entry_t *pd;
	vm_paddr_t pa, dmap_end;
	uint64_t flags;
	u_int i, j, slot;

	kernel_pml4 = boot_table();
	kernel_pml4_pa = boot_table_pa(kernel_pml4);

	/* KERNBASE: 0 .. 1 GiB of physical memory. */
	kpdpt = boot_table();
	pd = boot_table();
	for (i = 0; i < NPDEPG; i++)
		pd[i] = ((vm_paddr_t)i << PDRSHIFT) | PG_V | PG_RW | PG_PS |
		    PG_G;
	kpdpt[pmap_pdpe_index(KERNBASE)] = boot_table_pa(pd) | PG_V | PG_RW;
	kernel_pml4[pmap_pml4e_index(KERNBASE)] = boot_table_pa(kpdpt) |
	    PG_V | PG_RW;

	/* DMAP: all RAM, and at least the 32-bit space for MMIO. */
	dmap_end = roundup2(MAX(ptoa(Maxmem), 1UL << 32), NBPDP);
	dpdpt = NULL;
	for (pa = 0; pa < dmap_end; pa += NBPDP) {
		slot = pmap_pml4e_index(PHYS_TO_DMAP(pa));
		if (dpdpt == NULL || pmap_pdpe_index(PHYS_TO_DMAP(pa)) == 0) {
			dpdpt = boot_table();
			kernel_pml4[slot] = boot_table_pa(dpdpt) | PG_V | PG_RW;
		}
		pd = boot_table();
		for (j = 0; j < NPDEPG; j++) {
			flags = PG_V | PG_RW | PG_PS | PG_G | PG_NX;
			/* The last 64 MiB below 4 GiB: LAPIC, IOAPIC, HPET. */
			if (pa + ((vm_paddr_t)j << PDRSHIFT) >= 0xfc000000UL &&
			    pa + ((vm_paddr_t)j << PDRSHIFT) < (1UL << 32))
				flags |= PG_NC_PCD | PG_NC_PWT;
			pd[j] = (pa + ((vm_paddr_t)j << PDRSHIFT)) | flags;
		}
		dpdpt[pmap_pdpe_index(PHYS_TO_DMAP(pa))] = boot_table_pa(pd) |
		    PG_V | PG_RW;
	}

	/* kernel_map: one PDPT now so that every CPU shares the slot. */
	kernel_pml4[pmap_pml4e_index(VM_MIN_KERNEL_ADDRESS)] =
	    boot_table_pa(boot_table()) | PG_V | PG_RW;

	load_cr4(rcr4() | CR4_PGE);
	load_cr3(kernel_pml4_pa);
	load_cr0(rcr0() | CR0_WP);	/* read-only mappings hold for us */
}

/*
 * Kernel mappings after boot.
 *
 * The kernel pmap lock serialises only the growth of page tables (and its
 * counter).  Entering and removing a mapping take no lock: page-table
 * pages are never freed, a new one is zeroed before the entry pointing at
 * it is stored, and a caller maps or unmaps only addresses it owns, so a
 * walk without the lock finds either no table (and takes the lock to grow
 * one) or the table that stays, and each PTE has one writer at a time.
 */
static struct mtx	pmap_kernel_mtx;

static void
pmap_init(void *dummy __unused)
{
	mtx_init(&pmap_kernel_mtx, "kernel pmap", NULL, MTX_SPIN);
}
SYSINIT(pmap, SI_SUB_VM, SI_ORDER_SECOND, pmap_init, NULL);

/* Page-table pages grown for kernel_map (never freed); pmap lock. */
static u_int	pmap_kernel_ptp;
SYSCTL_NODE(_vm, OID_AUTO, pmap, CTLFLAG_RD, NULL, "pmap");
SYSCTL_UINT(_vm_pmap, OID_AUTO, kernel_pt_page_count, CTLFLAG_RD,
    &pmap_kernel_ptp, 0, "Page-table pages allocated for the kernel pmap");

/* A zeroed page for a page table, through the direct map. */
static vm_paddr_t
pmap_alloc_ptp(void)
{
	vm_page_t m;

	pmap_kernel_ptp++;
	m = vm_page_alloc(NULL, 0, VM_ALLOC_INTERRUPT | VM_ALLOC_WIRED |
	    VM_ALLOC_ZERO);
	if (m == NULL)
		panic("pmap: no page for a kernel page table");
	return (VM_PAGE_TO_PHYS(m));
}

/*
 * The PTE for va in kernel_map, creating the page tables above it when
 * grow is set (kernel pmap lock held); NULL when absent.
 */
static __inline pt_entry_t *
pmap_kpte_walk(vm_offset_t va, int grow)
{
	pml4_entry_t *pml4e;
	pdp_entry_t *pdpe;
	pd_entry_t *pde;

	pml4e = &kernel_pml4[pmap_pml4e_index(va)];
	if ((*pml4e & PG_V) == 0)
		return (NULL);
	pdpe = (pdp_entry_t *)PHYS_TO_DMAP(*pml4e & PG_FRAME) +
	    pmap_pdpe_index(va);
	if ((*pdpe & PG_V) == 0) {
		if (!grow)
			return (NULL);
		*pdpe = pmap_alloc_ptp() | PG_V | PG_RW;
	}
	pde = (pd_entry_t *)PHYS_TO_DMAP(*pdpe & PG_FRAME) +
	    pmap_pde_index(va);
	if ((*pde & PG_V) == 0) {
		if (!grow)
			return (NULL);
		*pde = pmap_alloc_ptp() | PG_V | PG_RW;
	}
	KASSERT((*pde & PG_PS) == 0, ("pmap_kpte: 2 MiB page at %#lx", va));
	return ((pt_entry_t *)PHYS_TO_DMAP(*pde & PG_FRAME) +
	    pmap_pte_index(va));
}

/* The PTE for va, its page tables grown (under the lock) if missing. */
static pt_entry_t *
pmap_kpte(vm_offset_t va)
{
	pt_entry_t *pte;

	if ((pte = pmap_kpte_walk(va, 0)) != NULL)
		return (pte);
	mtx_lock_spin(&pmap_kernel_mtx);
	pte = pmap_kpte_walk(va, 1);
	mtx_unlock_spin(&pmap_kernel_mtx);
	return (pte);
}

void
pmap_kenter(vm_offset_t va, vm_paddr_t pa)
{
	KASSERT(va >= VM_MIN_KERNEL_ADDRESS && va < VM_MAX_KERNEL_ADDRESS,
	    ("pmap_kenter: %#lx is outside kernel_map", va));
	*pmap_kpte(va) = trunc_page(pa) | PG_V | PG_RW | PG_G | PG_A | PG_M |
	    PG_NX;
}

/* As pmap_kenter, without PG_RW: a read-only kernel mapping. */
void
pmap_kenter_ro(vm_offset_t va, vm_paddr_t pa)
{
	*pmap_kpte(va) = trunc_page(pa) | PG_V | PG_G | PG_A | PG_NX;
}

void
pmap_kremove(vm_offset_t va)
{
	pt_entry_t *pte;

	if ((pte = pmap_kpte_walk(va, 0)) != NULL)
		*pte = 0;
	pmap_invalidate_page(va);
}

vm_paddr_t
pmap_kextract(vm_offset_t va)
{
	pml4_entry_t e;
	pdp_entry_t *pdpe;
	pd_entry_t *pde;
	pt_entry_t *pte;

	if (VIRT_IN_DMAP(va))
		return (DMAP_TO_PHYS(va));
	if (va >= KERNBASE)
		return (va - KERNBASE);
	e = kernel_pml4[pmap_pml4e_index(va)];
	if ((e & PG_V) == 0)
		return (0);
	pdpe = (pdp_entry_t *)PHYS_TO_DMAP(e & PG_FRAME) + pmap_pdpe_index(va);
	if ((*pdpe & PG_V) == 0)
		return (0);
	pde = (pd_entry_t *)PHYS_TO_DMAP(*pdpe & PG_FRAME) +
	    pmap_pde_index(va);
	if ((*pde & PG_V) == 0)
		return (0);
	if ((*pde & PG_PS) != 0)
		return ((*pde & PG_PS_FRAME) | (va & PDRMASK));
	pte = (pt_entry_t *)PHYS_TO_DMAP(*pde & PG_FRAME) + pmap_pte_index(va);
	if ((*pte & PG_V) == 0)
		return (0);
	return ((*pte & PG_FRAME) | (va & PAGE_MASK));
}

void
pmap_qenter(vm_offset_t va, vm_page_t *m, int count)
{
	int i;

	KASSERT(va >= VM_MIN_KERNEL_ADDRESS &&
	    va + ptoa(count) <= VM_MAX_KERNEL_ADDRESS,
	    ("pmap_qenter: %#lx+%d pages is outside kernel_map", va, count));
	for (i = 0; i < count; i++)
		*pmap_kpte(va + ptoa(i)) = VM_PAGE_TO_PHYS(m[i]) | PG_V |
		    PG_RW | PG_G | PG_A | PG_M | PG_NX;
}

void
pmap_qremove(vm_offset_t va, int count)
{
	pt_entry_t *pte;
	int i;

	for (i = 0; i < count; i++)
		if ((pte = pmap_kpte_walk(va + ptoa(i), 0)) != NULL)
			*pte = 0;
	pmap_invalidate_range(va, va + ptoa(count));
}
