/*
 * The kmem_map cap between once and twice physical memory (issue 9).
 * FreeBSD caps vm.kmem_size at twice physical memory: a vm.kmem_size
 * above physical memory but below twice it is used as is.  The expected
 * sizes are written here literally, one per boot of tests/plan.txt (the
 * boot's vm.kmem_size picks the row), never recomputed from a copy of
 * the formula.  Each row is checked against the sysctl, the map's real
 * size and the machine's memory (64M: about 60M of pages), so the row
 * really lies between 1x and 2x.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <vm/vm.h>
#include <vm/vm_kern.h>

static u_long
kc_sysctl(const char *name)
{
	u_long v = 0;
	size_t len = sizeof(v);

	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0 ||
	    len != sizeof(v))
		return (~0UL);
	return (v);
}

KTEST(kmem_cap, between_once_and_twice_physical)
{
	static const struct {
		const char	*tunable;	/* vm.kmem_size at boot */
		u_long		expect;		/* vm.kmem_size, bytes */
	} rows[] = {
		{ "100M", 104857600 },		/* about 1.6x of 60M */
		{ "112M", 117440512 },		/* just under 2x */
		{ "80000000", 80003072 },	/* rounded up to a page */
	};
	const char *env;
	u_long phys, size, mapfree;
	size_t i;

	env = kern_getenv("vm.kmem_size");
	for (i = 0; i < nitems(rows); i++)
		if (env != NULL && strcmp(env, rows[i].tunable) == 0)
			break;
	if (i == nitems(rows))
		KT_SKIP("boot with vm.kmem_size=100M, 112M or 80000000");
	/* The machine: 64M, of which 57M to 64M are pages. */
	phys = ptoa((u_long)vm_cnt.v_page_count);
	KT_ASSERT_GT(phys, 59768832);
	KT_ASSERT_LE(phys, 67108864);
	/* The row is between 1x and 2x physical memory. */
	KT_ASSERT_GT(rows[i].expect, phys);
	KT_ASSERT_LT(rows[i].expect, 2 * phys);
	size = kc_sysctl("vm.kmem_size");
	KT_EXPECT_EQ(size, rows[i].expect);
	KT_EXPECT_EQ(vm_kmem_size, rows[i].expect);
	/* The map was made that size: its free space fits in it. */
	mapfree = kc_sysctl("vm.kmem_map_free");
	KT_EXPECT_LE(mapfree, rows[i].expect);
	KT_EXPECT_GT(mapfree, rows[i].expect / 2);
}
