/*
 * In-kernel test runner (options KTEST).
 *
 * At SI_SUB_KTEST, when the loader variable ktest.run is set, the boot
 * thread runs the selected cases and prints KTAP on the console, then
 * exits QEMU: EXIT_OK when every case passed or was skipped, EXIT_FAIL
 * otherwise.  ktest.run is "all", a comma-separated list of suites, or
 * "suite:case"; death tests run only when named as "suite:case".  A
 * selector "-suite" takes a suite out of what the others select
 * ("all,-pageout").
 * ktest.list=1 prints the registry, one "KTEST suite case death file:line"
 * line per case ("-" for no death text), for the host harness.  Each case
 * is announced with "# running suite:case" so a hang can be attributed.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <machine/md_var.h>

SET_DECLARE(ktest_set, struct ktest_case);

static int	ktest_active;

void
ktest_fail(struct ktest_ctx *kc, const char *file, int line,
    const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("# %s:%d: FAIL: %s\n", file, line, buf);
	kc->kc_failed++;
}

void
ktest_fail_cmp(struct ktest_ctx *kc, const char *file, int line,
    const char *ea, const char *op, const char *eb, intmax_t a, intmax_t b)
{
	printf("# %s:%d: FAIL: %s %s %s\n", file, line, ea, op, eb);
	printf("#   left:  %jd (%#jx)\n#   right: %jd (%#jx)\n", a,
	    (uintmax_t)a, b, (uintmax_t)b);
	kc->kc_failed++;
}

void
ktest_skip(struct ktest_ctx *kc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kc->kc_skipmsg, sizeof(kc->kc_skipmsg), fmt, ap);
	va_end(ap);
	kc->kc_skipped = 1;
}

int
ktest_running(void)
{
	return (ktest_active);
}

/* Does one selector, "all", "suite" or "suite:case", select the case? */
static int
ktest_selected_one(const char *sel, size_t len, const struct ktest_case *tc)
{
	size_t n = strlen(tc->kt_suite);

	if (len == 3 && strncmp(sel, "all", 3) == 0)
		return (tc->kt_death == NULL);
	if (len < n || strncmp(sel, tc->kt_suite, n) != 0)
		return (0);
	if (len == n)
		return (tc->kt_death == NULL);
	return (sel[n] == ':' && strlen(tc->kt_name) == len - n - 1 &&
	    strncmp(sel + n + 1, tc->kt_name, len - n - 1) == 0);
}

/*
 * Does the comma-separated list of selectors select the case?  One of
 * them must, and no "-suite" among them may name its suite.
 */
static int
ktest_selected(const char *sel, const struct ktest_case *tc)
{
	const char *end;
	size_t len;
	int in = 0;

	for (;;) {
		end = strchr(sel, ',');
		len = end != NULL ? (size_t)(end - sel) : strlen(sel);
		if (len > 1 && sel[0] == '-') {
			if (len - 1 == strlen(tc->kt_suite) &&
			    strncmp(sel + 1, tc->kt_suite, len - 1) == 0)
				return (0);
		} else if (ktest_selected_one(sel, len, tc))
			in = 1;
		if (end == NULL)
			return (in);
		sel = end + 1;
	}
}

static void
ktest_list(void)
{
	struct ktest_case **tcp;

	SET_FOREACH(tcp, ktest_set)
		printf("KTEST %s %s %s %s:%d\n", (*tcp)->kt_suite,
		    (*tcp)->kt_name, (*tcp)->kt_death != NULL ?
		    (*tcp)->kt_death : "-", (*tcp)->kt_file, (*tcp)->kt_line);
	shutdown_halt(EXIT_OK);
}

static void
ktest_main(void *dummy __unused)
{
	struct ktest_case **tcp;
	struct ktest_ctx kc;
	char sel[128], *p;
	int n, total, failed;

	if (strstr(boot_cmdline, "ktest.list=1") != NULL)
		ktest_list();
	p = strstr(boot_cmdline, "ktest.run=");
	if (p == NULL)
		return;
	strlcpy(sel, p + strlen("ktest.run="), sizeof(sel));
	if ((p = strchr(sel, ' ')) != NULL)
		*p = '\0';
	total = 0;
	SET_FOREACH(tcp, ktest_set)
		if (ktest_selected(sel, *tcp))
			total++;
	printf("KTAP version 1\n1..%d\n", total);
	n = failed = 0;
	SET_FOREACH(tcp, ktest_set) {
		if (!ktest_selected(sel, *tcp))
			continue;
		memset(&kc, 0, sizeof(kc));
		kc.kc_case = *tcp;
		printf("# running %s:%s\n", (*tcp)->kt_suite, (*tcp)->kt_name);
		ktest_active = 1;
		(*tcp)->kt_func(&kc);
		ktest_active = 0;
		n++;
		if (kc.kc_skipped)
			printf("ok %d %s:%s # SKIP %s\n", n, (*tcp)->kt_suite,
			    (*tcp)->kt_name, kc.kc_skipmsg);
		else if (kc.kc_failed)
			printf("not ok %d %s:%s\n", n, (*tcp)->kt_suite,
			    (*tcp)->kt_name);
		else
			printf("ok %d %s:%s\n", n, (*tcp)->kt_suite,
			    (*tcp)->kt_name);
		failed += kc.kc_failed != 0;
	}
	shutdown_halt(failed ? EXIT_FAIL : EXIT_OK);
}
SYSINIT(ktest, SI_SUB_KTEST, SI_ORDER_FIRST, ktest_main, NULL);
