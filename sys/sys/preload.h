/*
 * Boot modules: files the boot loader put in memory beside the kernel
 * (QEMU's -initrd reaches a PVH kernel as the first module of the
 * hvm_start_info module list).
 *
 * The machine-dependent start-up records the modules before the page
 * layer exists and keeps their pages out of phys_avail, so no allocator
 * ever hands them out.  At SI_SUB_KMEM each module is mapped read-only in
 * kernel_map; from then on preload_data() gives its bytes.  A module is
 * never freed.
 */
#ifndef _SYS_PRELOAD_H_
#define	_SYS_PRELOAD_H_

#include <sys/types.h>

#define	PRELOAD_MAX		4	/* modules kept; more are ignored */
#define	PRELOAD_CMDLINE_MAX	64	/* bytes of a module's command line */

/*
 * From hammer_time(), after phys_avail is built and before anything
 * steals pages from it: copy the PVH module list (modlist_paddr,
 * nr_modules of struct hvm_start_info) and take the modules' pages out of
 * phys_avail.  The list must lie in the boot map's first GiB.
 */
void	preload_pvh_record(uint64_t modlist_paddr, uint32_t nr_modules);

/* Modules recorded (0 .. PRELOAD_MAX). */
u_int	preload_count(void);

/*
 * Module idx's bytes, mapped read-only, and its size in *sizep; NULL
 * (and *sizep 0) if there is no such module or it is not mapped yet.
 */
const void *preload_data(u_int idx, size_t *sizep);

/* Module idx's physical address, and its command line ("" if none). */
vm_paddr_t preload_paddr(u_int idx);
const char *preload_cmdline(u_int idx);

#endif /* !_SYS_PRELOAD_H_ */
