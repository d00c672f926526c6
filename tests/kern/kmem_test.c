/*
 * kmem_map sizing (kmeminit), checked against FreeBSD's rule computed here
 * from the loader environment and the page count, so that one case covers
 * every combination of tunables that tests/plan.txt boots it with:
 *
 *   size = physical memory / vm.kmem_size_scale (below 1: the default)
 *   at least vm.kmem_size_min, at most vm.kmem_size_max (0: no maximum);
 *   kern.vm.kmem.size (the old name), then vm.kmem_size, replace it;
 *   at most twice physical memory; rounded to pages; never below
 *   VM_KMEM_SIZE_FLOOR (a vm.kmem_size_max, kern.vm.kmem.size or
 *   vm.kmem_size below it is raised to it).
 *
 * A malformed value keeps the default.  Defaults come from
 * machine/vmparam.h.  The map then holds what vm.kmem_size says.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <sys/vmmeter.h>
#include <machine/vmparam.h>
#include <vm/vm.h>

MALLOC_DEFINE(M_KTKMEM, "ktkmem", "kmem_map sizing tests");

/*
 * A loader size: digits (decimal, or 0x hex) and an optional K, M or G.
 * 1 and *v when well formed, else 0.
 */
static int
km_env(const char *name, u_long *v)
{
	const char *s, *p;
	u_long n = 0, d, shift = 0;
	int base = 10, digits = 0;

	s = kern_getenv(name);
	if (s == NULL)
		return (0);
	p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++, digits++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (n > (~0UL - d) / base)
			return (0);
		n = n * base + d;
	}
	if (digits == 0)
		return (0);
	switch (*p) {
	case 'k': case 'K':
		shift = 10;
		p++;
		break;
	case 'm': case 'M':
		shift = 20;
		p++;
		break;
	case 'g': case 'G':
		shift = 30;
		p++;
		break;
	}
	if (*p != '\0' || (shift != 0 && n > (~0UL >> shift)))
		return (0);
	*v = n << shift;
	return (1);
}

static u_long
km_sysctl(const char *name, size_t want)
{
	u_long v = 0;
	size_t len = want;

	if (kernel_sysctlbyname(name, &v, &len, NULL, 0) != 0 || len != want)
		return (~0UL);
	return (v);
}

KTEST(kmem, kmem_size_follows_tunables)
{
	u_long phys, size, scale, min, max, v;

	phys = ptoa((u_long)vm_cnt.v_page_count);
	scale = VM_KMEM_SIZE_SCALE;
	min = VM_KMEM_SIZE_MIN;
	max = VM_KMEM_SIZE_MAX;
	if (km_env("vm.kmem_size_scale", &v) && v >= 1 && v <= UINT_MAX)
		scale = v;
	if (km_env("vm.kmem_size_min", &v))
		min = v;
	if (km_env("vm.kmem_size_max", &v))
		max = v;
	if (max != 0 && max < VM_KMEM_SIZE_FLOOR)
		max = VM_KMEM_SIZE_FLOOR;
	size = phys / scale;
	if (size < min)
		size = min;
	if (max != 0 && size > max)
		size = max;
	if (km_env("kern.vm.kmem.size", &v) && v != 0)
		size = MAX(v, VM_KMEM_SIZE_FLOOR);
	if (km_env("vm.kmem_size", &v) && v != 0)
		size = MAX(v, VM_KMEM_SIZE_FLOOR);
	if (size / 2 > phys)
		size = 2 * phys;
	size = round_page(size);
	if (size < VM_KMEM_SIZE_FLOOR)
		size = VM_KMEM_SIZE_FLOOR;

	KT_EXPECT_EQ(km_sysctl("vm.kmem_size", sizeof(u_long)), size);
	/* The settings in use, as FreeBSD exports them. */
	KT_EXPECT_EQ(km_sysctl("vm.kmem_size_scale", sizeof(u_int)), scale);
	KT_EXPECT_EQ(km_sysctl("vm.kmem_size_min", sizeof(u_long)), min);
	KT_EXPECT_EQ(km_sysctl("vm.kmem_size_max", sizeof(u_long)), max);
}

/*
 * kmem_map holds what vm.kmem_size says: a request beyond it fails with
 * M_NOWAIT (and counts as a failure), one of half the free space (at most
 * 16M, for the pages) succeeds.
 */
KTEST(kmem, kmem_map_holds_kmem_size)
{
	u_long ks, fr, want;
	void *p;

	ks = km_sysctl("vm.kmem_size", sizeof(u_long));
	fr = km_sysctl("vm.kmem_map_free", sizeof(u_long));
	KT_ASSERT_NE(ks, ~0UL);
	KT_ASSERT_NE(fr, ~0UL);
	KT_EXPECT_LE(fr, ks);
	KT_EXPECT_NULL(malloc(ks + PAGE_SIZE, M_KTKMEM, M_NOWAIT));
	KT_EXPECT_LE(malloc_last_fail(), 1);
	want = MIN(fr / 2, 16UL * 1024 * 1024);
	p = malloc(want, M_KTKMEM, M_NOWAIT);
	KT_ASSERT_NOT_NULL(p);
	KT_EXPECT_LE(km_sysctl("vm.kmem_map_free", sizeof(u_long)) +
	    round_page(want), fr);
	free(p, M_KTKMEM);
}
