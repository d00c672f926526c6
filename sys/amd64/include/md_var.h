/*
 * Machine-dependent interfaces shared by the amd64 files.
 */
#ifndef _MACHINE_MD_VAR_H_
#define	_MACHINE_MD_VAR_H_

#include <sys/types.h>
#include <machine/vmparam.h>

struct trapframe;

/* Physical memory from the boot map: [start, end) pairs, 0-terminated. */
extern vm_paddr_t	phys_avail[PHYS_AVAIL_ENTRIES * 2 + 2];
extern vm_paddr_t	dump_avail[PHYS_AVAIL_ENTRIES * 2 + 2];
extern uint64_t		realmem;	/* bytes of RAM in the e820 map */
extern uint64_t		Maxmem;		/* highest RAM page frame + 1 */
extern vm_paddr_t	boot_rsdp_paddr;	/* ACPI RSDP, or 0 */
/*
 * The loader environment's source, copied at boot: the -append text (from
 * the PVH start info, or fw_cfg when the start info was overwritten) and
 * fw_cfg's "opt/kenv", as one string; boot_cmdline_len is its full length,
 * which may exceed what was kept (BOOT_CMDLINE_MAX - 1 bytes).
 */
#define	BOOT_CMDLINE_MAX	(64 * 1024)
extern char		boot_cmdline[BOOT_CMDLINE_MAX];
extern size_t		boot_cmdline_len;
/* All boot_cmdline_len bytes again into buf: 0 or ENOMEM (machdep.c). */
int	boot_cmdline_reread(char *buf, size_t size);

/* QEMU's fw_cfg device (fw_cfg.c). */
int	fw_cfg_present(void);
void	fw_cfg_read(uint16_t key, size_t off, void *buf, size_t len);
int	fw_cfg_find_file(const char *name, uint16_t *key, uint32_t *size);
#define	FW_CFG_CMDLINE_SIZE	0x0014
#define	FW_CFG_CMDLINE_DATA	0x0015

extern char		kernel_phys_start[], _end[], etext[];
extern char		bootstack[], bootstack_top[];

void	hammer_time(uint32_t start_info_pa);
void	cpu_init_tables(u_int cpu);	/* GDT, TSS, IDT for this CPU */
void	setidt(int vec, int ist);
void	cpu_reset(void) __dead2;

/* Interrupt vectors above 31 are dispatched to registered handlers. */
typedef void intr_handler_t(struct trapframe *);
void	intr_register(int vec, intr_handler_t *h);
/* Claim a free device vector (IDT_DEV_BASE..IDT_DEV_LAST) for h; 0 if none. */
int	intr_alloc_vector(intr_handler_t *h);

/* Page fault hook: returns nonzero if it handled the fault (e.g. MemGuard). */
typedef int pf_hook_t(struct trapframe *, vm_offset_t va);
extern pf_hook_t	*trap_pfault_hook;

/* CPUs in the ACPI MADT; APIC IDs of the first max in ids (madt.c). */
int	madt_find_cpus(u_int *ids, int max);

/*
 * The idle thread's halt (mp_machdep.c, up_machdep.c): called with
 * interrupts off after finding nothing to run, halts until an interrupt
 * has been served, returns with interrupts off.
 */
void	cpu_idle(void);
/*
 * Leave the idle state: flush the whole TLB if a shootdown was deferred,
 * restart the timer if it was stopped.  Interrupts off; trap() calls it
 * first thing whenever pc_idle is set.
 */
void	cpu_idle_exit(void);
/* Whole-TLB flushes a CPU owed on waking from cpu_idle() (mp_machdep.c). */
u_int	smp_tlb_wake_flushes(u_int cpu);
/* Busy-wait step that also serves pending IPI requests (mp_machdep.c). */
void	cpu_spinwait_hook(void);
/* Nonzero once the panicking CPU has asked the others to stop. */
int	cpu_stopping_nmi(void);

/* The console UART (uart.c). */
void	uart_init(void);
void	uart_putc(int c);
int	uart_getc_nowait(void);

/* Early page tables (pmap.c). */
void	pmap_bootstrap(void);
vm_paddr_t pmap_bootstrap_steal(u_int npages);	/* zeroed, before VM */

/* QEMU isa-debug-exit (iobase 0xf4): QEMU exits with (code << 1) | 1. */
#define	DEBUG_EXIT_PORT	0xf4
#define	EXIT_OK		0x10	/* QEMU status 33 */
#define	EXIT_FAIL	0x11	/* QEMU status 35: tests failed */
#define	EXIT_PANIC	0x12	/* QEMU status 37: panic */
#define	EXIT_RESET	0x13	/* QEMU status 39: reset asked for (db> reset) */
void	shutdown_reset(void) __dead2;	/* kern_shutdown.c: exit EXIT_RESET */

#endif /* !_MACHINE_MD_VAR_H_ */
