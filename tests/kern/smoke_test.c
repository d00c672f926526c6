/*
 * Smoke tests: the framework itself and the most basic kernel services.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/ktest.h>

KTEST(smoke, snprintf_formats)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%d|%5s|%-3x|%#lx|%05u", -42, "ab", 10,
	    0xbeefUL, 7);
	KT_ASSERT_STREQ(buf, "-42|   ab|a  |0xbeef|00007");
	KT_ASSERT_EQ(snprintf(buf, 4, "%s", "truncate"), 8);
	KT_ASSERT_STREQ(buf, "tru");
}

KTEST_DEATH(smoke, panic_message, "smoke test panic 42")
{
	panic("smoke test panic %d", 42);
}
