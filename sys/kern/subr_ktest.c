/*
 * In-kernel test runner (options KTEST).  (Bootstrap version: runs the
 * cases that ktest.run selects in the boot thread and prints KTAP.)
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

/* Does "suite" or "suite:case" or "all" select this case? */
static int
ktest_selected(const char *sel, const struct ktest_case *tc)
{
	size_t n = strlen(tc->kt_suite);

	if (strcmp(sel, "all") == 0)
		return (tc->kt_death == NULL);
	if (strncmp(sel, tc->kt_suite, n) != 0)
		return (0);
	if (sel[n] == '\0')
		return (tc->kt_death == NULL);
	return (sel[n] == ':' && strcmp(sel + n + 1, tc->kt_name) == 0);
}

static void
ktest_main(void *dummy __unused)
{
	struct ktest_case **tcp;
	struct ktest_ctx kc;
	char sel[128], *p;
	int n, total, failed;

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
