/*
 * amd64 start-up: hammer_time() runs on the boot CPU straight from
 * locore, in long mode on the boot page tables.  It sets up the boot CPU's
 * per-CPU area, descriptor tables and console, copies what it needs out of
 * the PVH start info (command line, memory map, RSDP), builds phys_avail,
 * switches to the kernel page tables and hands over to mi_startup().
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/pcpu.h>
#include <sys/preload.h>
#include <sys/proc.h>
#include <sys/smp.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <machine/segments.h>
#include <machine/vmparam.h>

void	mi_startup(void) __dead2;

/* PVH boot information (Xen's struct hvm_start_info, version 1). */
#define	HVM_START_MAGIC		0x336ec578
struct hvm_start_info {
	uint32_t	magic;
	uint32_t	version;
	uint32_t	flags;
	uint32_t	nr_modules;
	uint64_t	modlist_paddr;
	uint64_t	cmdline_paddr;
	uint64_t	rsdp_paddr;
	uint64_t	memmap_paddr;
	uint32_t	memmap_entries;
	uint32_t	reserved;
};

struct hvm_memmap_entry {
	uint64_t	addr;
	uint64_t	size;
	uint32_t	type;		/* e820 type: 1 = RAM */
	uint32_t	reserved;
};
#define	E820_RAM	1

struct amd64tss {
	uint32_t	tss_rsvd0;
	uint64_t	tss_rsp0;
	uint64_t	tss_rsp1;
	uint64_t	tss_rsp2;
	uint64_t	tss_rsvd1;
	uint64_t	tss_ist[7];
	uint64_t	tss_rsvd2;
	uint16_t	tss_rsvd3;
	uint16_t	tss_iobase;
} __packed;

struct gate_descriptor {
	uint16_t	gd_looffset;
	uint16_t	gd_selector;
	uint8_t		gd_ist;
	uint8_t		gd_type;	/* type, DPL, present */
	uint16_t	gd_midoffset;
	uint32_t	gd_hioffset;
	uint32_t	gd_rsvd;
} __packed;

struct region_descriptor {
	uint16_t	rd_limit;
	uint64_t	rd_base;
} __packed;

struct pcpu		__pcpu[MAXCPU];
struct thread		thread0;
int			mp_ncpus = 1;
int			mp_maxid = 0;

vm_paddr_t		phys_avail[PHYS_AVAIL_ENTRIES * 2 + 2];
vm_paddr_t		dump_avail[PHYS_AVAIL_ENTRIES * 2 + 2];
uint64_t		realmem;
uint64_t		Maxmem;
vm_paddr_t		boot_rsdp_paddr;
static uint64_t		boot_modlist_paddr;	/* PVH module list, or 0 */
static uint32_t		boot_nr_modules;
char			boot_cmdline[BOOT_CMDLINE_MAX];
size_t			boot_cmdline_len;

/* The e820 map, copied out of low memory (or fw_cfg) by hammer_time(). */
#define	BOOT_MEMMAP_MAX		128
static struct hvm_memmap_entry boot_memmap[BOOT_MEMMAP_MAX];
static u_int		boot_memmap_n;
#define	BOOT_LOW_LIMIT		(1UL << 30)	/* mapped by locore's tables */
#define	PVH_CMDLINE_ROOM	4096		/* QEMU pvh.bin's buffer */

static uint64_t		gdt[NGDT(MAXCPU)] __aligned(16) = {
	[GCODE_SEL] = 0x00af9a000000ffffUL,	/* 64-bit kernel code */
	[GDATA_SEL] = 0x00cf92000000ffffUL,	/* kernel data */
};
static struct gate_descriptor idt[NIDT] __aligned(16);
static struct amd64tss	common_tss[MAXCPU] __aligned(16);
static char		dblfault_stack[MAXCPU][PAGE_SIZE] __aligned(16);
static char		nmi_stack[MAXCPU][PAGE_SIZE] __aligned(16);
extern uint64_t		trap_stubs[NIDT];

#define	GATE_INTR	0x8e		/* present, DPL 0, 64-bit interrupt gate */
#define	TSS_TYPE	0x89		/* present, available 64-bit TSS */

/* Install the stub for a vector, optionally on an interrupt stack. */
void
setidt(int vec, int ist)
{
	struct gate_descriptor *gd = &idt[vec];
	uint64_t off = trap_stubs[vec];

	gd->gd_looffset = off & 0xffff;
	gd->gd_selector = GSEL(GCODE_SEL);
	gd->gd_ist = ist;
	gd->gd_type = GATE_INTR;
	gd->gd_midoffset = (off >> 16) & 0xffff;
	gd->gd_hioffset = off >> 32;
	gd->gd_rsvd = 0;
}

static void
tss_descriptor(u_int cpu)
{
	uint64_t base = (uint64_t)&common_tss[cpu];
	uint64_t limit = sizeof(struct amd64tss) - 1;
	int slot = GPROC0_SEL + 2 * cpu;

	gdt[slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	    ((uint64_t)TSS_TYPE << 40) | (((limit >> 16) & 0xf) << 48) |
	    (((base >> 24) & 0xff) << 56);
	gdt[slot + 1] = base >> 32;
}

/*
 * Load the descriptor tables and task register on the calling CPU, whose
 * %gs must already point at its struct pcpu.
 */
void
cpu_init_tables(u_int cpu)
{
	struct region_descriptor rd;
	struct amd64tss *tss = &common_tss[cpu];
	struct pcpu *pc = pcpu_find(cpu);

	tss->tss_ist[IST_DBLFAULT - 1] =
	    (uint64_t)&dblfault_stack[cpu][PAGE_SIZE];
	tss->tss_ist[IST_NMI - 1] = (uint64_t)&nmi_stack[cpu][PAGE_SIZE];
	tss->tss_iobase = sizeof(struct amd64tss);
	pc->pc_tss = tss;
	pc->pc_dblfault_stack = tss->tss_ist[IST_DBLFAULT - 1];
	pc->pc_nmi_stack = tss->tss_ist[IST_NMI - 1];
	tss_descriptor(cpu);

	rd.rd_limit = sizeof(gdt) - 1;
	rd.rd_base = (uint64_t)gdt;
	lgdt(&rd);
	__asm__ __volatile__(
	    "movl %0, %%ds; movl %0, %%es; movl %0, %%ss;"
	    "pushq %1; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
	    : : "r"(GSEL(GDATA_SEL)), "i"(GSEL(GCODE_SEL)) : "rax", "memory");
	ltr(GSEL(GPROC0_SEL + 2 * cpu));
	rd.rd_limit = sizeof(idt) - 1;
	rd.rd_base = (uint64_t)idt;
	lidt(&rd);
}

/* Point %gs at a CPU's per-CPU area. */
static void
pcpu_init(u_int cpu, struct thread *td)
{
	struct pcpu *pc = pcpu_find(cpu);

	pc->pc_self = pc;
	pc->pc_cpuid = cpu;
	pc->pc_curthread = td;
	wrmsr(MSR_GSBASE, (uint64_t)pc);
}

/* Copy the e820 map into phys_avail, leaving out low memory and the kernel. */
static void
getmemsize(void)
{
	const struct hvm_memmap_entry *map = boot_memmap;
	vm_paddr_t kstart, kend, start, end;
	u_int i, n;

	kstart = trunc_page((vm_paddr_t)kernel_phys_start);
	kend = round_page((vm_offset_t)_end - KERNBASE);
	n = 0;
	for (i = 0; i < boot_memmap_n; i++) {
		if (map[i].type != E820_RAM)
			continue;
		realmem += map[i].size;
		start = round_page(map[i].addr);
		end = trunc_page(map[i].addr + map[i].size);
		if (end > ptoa(Maxmem))
			Maxmem = atop(end);
		if (n / 2 < PHYS_AVAIL_ENTRIES) {
			dump_avail[n] = start;
			dump_avail[n + 1] = end;
		}
		if (start < 0x100000)		/* BIOS area, AP trampoline */
			start = 0x100000;
		if (start < kend && end > kstart) {
			/* Split around the kernel image. */
			if (start < kstart && n / 2 < PHYS_AVAIL_ENTRIES) {
				phys_avail[n] = start;
				phys_avail[n + 1] = kstart;
				n += 2;
			}
			start = kend;
		}
		if (start >= end || n / 2 >= PHYS_AVAIL_ENTRIES)
			continue;
		phys_avail[n] = start;
		phys_avail[n + 1] = end;
		n += 2;
	}
	phys_avail[n] = phys_avail[n + 1] = 0;
}

/* Physical [pa, pa + len) as seen through locore's map, or NULL. */
static const void *
boot_low(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa >= BOOT_LOW_LIMIT || len > BOOT_LOW_LIMIT - pa)
		return (NULL);
	return ((const void *)(KERNBASE + pa));
}

/* Whether the start info is intact: magic and pointers that make sense. */
static int
pvh_start_info_ok(const struct hvm_start_info *si)
{
	if (si == NULL || si->magic != HVM_START_MAGIC || si->version < 1)
		return (0);
	if (si->memmap_entries == 0 || si->memmap_entries > BOOT_MEMMAP_MAX ||
	    boot_low(si->memmap_paddr, (uint64_t)si->memmap_entries *
	    sizeof(struct hvm_memmap_entry)) == NULL)
		return (0);
	if (si->cmdline_paddr != 0 && boot_low(si->cmdline_paddr, 1) == NULL)
		return (0);
	return (1);
}

/* The ACPI RSDP in [pa, pa + len): signature and checksum, as ACPI says. */
static vm_paddr_t
rsdp_search(vm_paddr_t pa, size_t len)
{
	const uint8_t *p;
	uint8_t sum;
	size_t off;
	int i;

	for (off = 0; off + 20 <= len; off += 16) {
		p = boot_low(pa + off, 20);
		if (p == NULL || memcmp(p, "RSD PTR ", 8) != 0)
			continue;
		for (sum = 0, i = 0; i < 20; i++)
			sum += p[i];
		if (sum == 0)
			return (pa + off);
	}
	return (0);
}

/* Where boot_cmdline came from, to read it again whole (kenv). */
static size_t		boot_text_len;	/* leading text from the start info */
static struct {
	uint16_t	key;
	size_t		len;
}			boot_src[2];
static int		boot_nsrc;

/* Append fw_cfg item or file bytes to boot_cmdline, as far as they fit. */
static void
cmdline_append_fw_cfg(uint16_t key, size_t len)
{
	size_t have = strlen(boot_cmdline), room;

	if (boot_nsrc < (int)nitems(boot_src)) {
		boot_src[boot_nsrc].key = key;
		boot_src[boot_nsrc].len = len;
		boot_nsrc++;
	}

	if (have > 0 && len > 0) {
		if (have + 1 < sizeof(boot_cmdline))
			boot_cmdline[have++] = ' ';
		boot_cmdline_len++;
	}
	room = sizeof(boot_cmdline) - 1 - have;
	fw_cfg_read(key, 0, boot_cmdline + have, MIN(len, room));
	boot_cmdline[have + MIN(len, room)] = '\0';
	boot_cmdline_len += len;
}

/*
 * The whole boot text again, from its sources, into buf (size bytes):
 * 0, or ENOMEM when it does not fit.  For the dynamic kenv when the text
 * was longer than boot_cmdline.
 */
int
boot_cmdline_reread(char *buf, size_t size)
{
	size_t n;
	int i;

	n = boot_text_len;
	if (n + 1 > size)
		return (ENOMEM);
	memcpy(buf, boot_cmdline, n);
	for (i = 0; i < boot_nsrc; i++) {
		if (n > 0 && boot_src[i].len > 0)
			buf[n++] = ' ';
		if (n + boot_src[i].len + 1 > size)
			return (ENOMEM);
		fw_cfg_read(boot_src[i].key, 0, buf + n, boot_src[i].len);
		n += boot_src[i].len;
	}
	buf[n] = '\0';
	return (0);
}

/*
 * Copy what the kernel needs out of the PVH start info (command line,
 * memory map, RSDP) before anything can reuse low memory.  When QEMU's
 * loader overwrote the start info with a long command line (fw_cfg.c
 * says how), take all three from fw_cfg instead and say so.
 */
static void
pvh_copy_start_info(uint32_t start_info_pa)
{
	const struct hvm_start_info *si;
	const struct hvm_memmap_entry *map;
	struct {
		uint64_t addr, size;
		uint32_t type;
	} __packed e;
	const char *cmdline;
	uint32_t size, i;
	uint16_t key;
	int fwcfg;

	si = boot_low(start_info_pa, sizeof(*si));
	fwcfg = fw_cfg_present();
	if (pvh_start_info_ok(si)) {
		map = boot_low(si->memmap_paddr, 1);
		for (i = 0; i < si->memmap_entries; i++)
			boot_memmap[i] = map[i];
		boot_memmap_n = si->memmap_entries;
		boot_rsdp_paddr = si->rsdp_paddr;
		boot_modlist_paddr = si->modlist_paddr;
		boot_nr_modules = si->nr_modules;
		cmdline = si->cmdline_paddr != 0 ?
		    boot_low(si->cmdline_paddr, 1) : "";
		strlcpy(boot_cmdline, cmdline, sizeof(boot_cmdline));
		boot_cmdline_len = boot_text_len = strlen(boot_cmdline);
		/* A line longer than ours: fw_cfg has all of it. */
		if (fwcfg && boot_cmdline_len >= sizeof(boot_cmdline) - 1) {
			fw_cfg_read(FW_CFG_CMDLINE_SIZE, 0, &size, 4);
			boot_cmdline[0] = '\0';
			boot_cmdline_len = boot_text_len = 0;
			cmdline_append_fw_cfg(FW_CFG_CMDLINE_DATA,
			    size > 0 ? size - 1 : 0);
		}
	} else {
		if (!fwcfg)
			panic("bad PVH start info at %#x (magic %#x) and no "
			    "fw_cfg to recover from", start_info_pa,
			    si != NULL ? si->magic : 0);
		fw_cfg_read(FW_CFG_CMDLINE_SIZE, 0, &size, 4);
		cmdline_append_fw_cfg(FW_CFG_CMDLINE_DATA,
		    size > 0 ? size - 1 : 0);
		if (fw_cfg_find_file("etc/e820", &key, &size)) {
			for (i = 0; i < size / sizeof(e) &&
			    i < BOOT_MEMMAP_MAX; i++) {
				fw_cfg_read(key, i * sizeof(e), &e, sizeof(e));
				boot_memmap[i].addr = e.addr;
				boot_memmap[i].size = e.size;
				boot_memmap[i].type = e.type;
			}
			boot_memmap_n = i;
		}
		if (boot_memmap_n == 0)
			panic("bad PVH start info and no e820 map in fw_cfg");
		boot_rsdp_paddr = rsdp_search(0xe0000, 0x20000);
		printf("WARNING: PVH start info overwritten by a %zu-byte "
		    "command line (QEMU's PVH loader has room for %d): "
		    "took the command line, memory map and RSDP from "
		    "fw_cfg\n", boot_cmdline_len, PVH_CMDLINE_ROOM);
		printf("WARNING: PVH start info overwritten: its boot module "
		    "list (-initrd) is lost\n");
	}
	if (fwcfg && fw_cfg_find_file("opt/kenv", &key, &size))
		cmdline_append_fw_cfg(key, size);
}

void
hammer_time(uint32_t start_info_pa)
{
	int vec;

	pcpu_init(0, &thread0);
	strlcpy(thread0.td_name, "swapper", sizeof(thread0.td_name));
	thread0.td_tid = 100000;
	thread0.td_kstack = (vm_offset_t)bootstack;
	thread0.td_kstack_pages = (bootstack_top - bootstack) / PAGE_SIZE;
	thread0.td_oncpu = 0;
	thread0.td_bound = NOCPU;
	thread0.td_state = TDS_RUNNING;

	for (vec = 0; vec < NIDT; vec++)
		setidt(vec, 0);
	setidt(IDT_DF, IST_DBLFAULT);
	setidt(IDT_NMI, IST_NMI);
	cpu_init_tables(0);
	uart_init();

	pvh_copy_start_info(start_info_pa);
	getmemsize();
	preload_pvh_record(boot_modlist_paddr, boot_nr_modules);

	pmap_bootstrap();	/* the boot identity map is gone after this */
	mi_startup();
}

static u_long	physmem_bytes;
SYSCTL_ULONG(_hw, OID_AUTO, physmem, CTLFLAG_RD, &physmem_bytes, 0,
    "Amount of physical memory (in bytes)");
SYSCTL_ULONG(_hw, OID_AUTO, realmem, CTLFLAG_RD, &realmem, 0,
    "Amount of memory (in bytes) reported by the firmware");
SYSCTL_INT(_hw, OID_AUTO, pagesize, CTLFLAG_RD, NULL, PAGE_SIZE,
    "System memory page size");
SYSCTL_INT(_hw, OID_AUTO, ncpu, CTLFLAG_RD, &mp_ncpus, 0,
    "Number of active CPUs");
SYSCTL_STRING(_hw, OID_AUTO, machine, CTLFLAG_RD, MACHINE, 0,
    "Machine class");

/*
 * Print the banner and the memory lines, as FreeBSD's cpu_startup does,
 * once the page layer has counted the free pages.
 */
static void
cpu_startup(void *dummy __unused)
{
	physmem_bytes = realmem;
	printf("real memory  = %ju (%ju MB)\n", (uintmax_t)realmem,
	    (uintmax_t)realmem / (1024 * 1024));
	printf("avail memory = %ju (%ju MB)\n",
	    (uintmax_t)ptoa(vm_cnt.v_free_count),
	    (uintmax_t)ptoa(vm_cnt.v_free_count) / (1024 * 1024));
}
SYSINIT(cpu, SI_SUB_CPU, SI_ORDER_FIRST, cpu_startup, NULL);

/*
 * Spin locks disable interrupts; the first entry saves the interrupt
 * state and the last exit restores it.
 */
void
spinlock_enter(void)
{
	struct thread *td = curthread;
	uint64_t flags;

	if (td->td_md.md_spinlock_count == 0) {
		flags = intr_disable();
		td->td_md.md_spinlock_count = 1;
		td->td_md.md_saved_flags = flags;
		critical_enter();
	} else
		td->td_md.md_spinlock_count++;
}

void
spinlock_exit(void)
{
	struct thread *td = curthread;
	uint64_t flags;

	flags = td->td_md.md_saved_flags;
	if (--td->td_md.md_spinlock_count == 0) {
		critical_exit();
		intr_restore(flags);
	}
}

/*
 * smp_rendezvous() when this CPU is the only one running (the
 * uniprocessor kernel, or before the APs start): the steps in order,
 * interrupts off.
 */
void
smp_rendezvous_cpu(void (*setup)(void *), void (*action)(void *),
    void (*teardown)(void *), void *arg)
{
	uint64_t flags;

	flags = intr_disable();
	if (setup != NULL)
		setup(arg);
	if (action != NULL)
		action(arg);
	if (teardown != NULL)
		teardown(arg);
	intr_restore(flags);
}

/* Reset through the keyboard controller, then by triple fault. */
void
cpu_reset(void)
{
	struct region_descriptor rd = { 0, 0 };

	disable_intr();
	outb(0x64, 0xfe);
	DELAY(100000);
	lidt(&rd);
	__asm__ __volatile__("int3");
	for (;;)
		halt();
}
