/*
 * Symbolized backtraces.
 *
 * The kernel is linked twice: tools/mksymtab.py extracts the function
 * symbols of the first link into the .ksyms section of the second (layout
 * in that script: a count, then sorted {address, size, name offset}
 * records, then the names).  kdb_symbol() binary-searches it.
 *
 * Stacks are walked through the frame-pointer chain (the kernel is built
 * with -fno-omit-frame-pointer): each frame holds the caller's %rbp and the
 * return address.  Trap entry pushes a fake frame whose return address is
 * the trapping %rip, so a walk from a fault handler continues into the
 * faulting function.  The walk stops at a NULL or misaligned %rbp, at one
 * that does not move up the stack, or after a fixed depth.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kdb.h>
#include <machine/cpufunc.h>
#include <machine/vmparam.h>

struct ksym {
	uint64_t	ks_addr;
	uint32_t	ks_size;
	uint32_t	ks_name;	/* offset from the start of the table */
};

extern char	ksyms_start[], ksyms_end[];

#define	BT_MAXDEPTH	32
#define	BT_MAXFRAME	(64 * 1024)	/* largest step between frames */

const char *
kdb_symbol(uintptr_t addr, uintptr_t *offp)
{
	const struct ksym *tab;
	uint64_t count;
	size_t lo, hi, mid;

	if (ksyms_end - ksyms_start < (ptrdiff_t)sizeof(uint64_t))
		return (NULL);
	count = *(const uint64_t *)ksyms_start;
	tab = (const struct ksym *)(ksyms_start + sizeof(uint64_t));
	lo = 0;
	hi = count;
	while (lo < hi) {		/* first entry with ks_addr > addr */
		mid = (lo + hi) / 2;
		if (tab[mid].ks_addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return (NULL);
	tab = &tab[lo - 1];
	/* Past the end of a sized function: not ours (e.g. padding). */
	if (tab->ks_size != 0 && addr >= tab->ks_addr + tab->ks_size)
		return (NULL);
	if (offp != NULL)
		*offp = addr - tab->ks_addr;
	return (ksyms_start + tab->ks_name);
}

/*
 * A return address may sit just past the end of a function whose last
 * instruction is a call to a __dead2 function, so look up pc - 1 for
 * every frame but the first.
 */
static void
print_frame(int depth, uintptr_t pc, int is_return)
{
	const char *name;
	uintptr_t off;

	name = kdb_symbol(pc - (is_return ? 1 : 0), &off);
	if (name != NULL)
		printf("#%d %#lx at %s+%#lx\n", depth, pc, name,
		    off + (is_return ? 1 : 0));
	else
		printf("#%d %#lx at ??\n", depth, pc);
}

static int
frame_plausible(uintptr_t rbp, uintptr_t prev)
{
	if (rbp == 0 || (rbp & 7) != 0 || rbp < DMAP_MIN_ADDRESS)
		return (0);
	if (prev != 0 && (rbp <= prev || rbp - prev > BT_MAXFRAME))
		return (0);
	return (1);
}

void
kdb_backtrace_from(uintptr_t pc, uintptr_t rbp)
{
	uintptr_t *frame, prev;
	int depth;

	depth = 0;
	if (pc != 0)
		print_frame(depth++, pc, 0);
	prev = 0;
	while (depth < BT_MAXDEPTH && frame_plausible(rbp, prev)) {
		frame = (uintptr_t *)rbp;
		if (frame[1] == 0)
			break;
		print_frame(depth++, frame[1], 1);
		prev = rbp;
		rbp = frame[0];
	}
}

void
kdb_backtrace(void)
{
	printf("KDB: stack backtrace:\n");
	kdb_backtrace_from((uintptr_t)kdb_backtrace, read_rbp());
}
