/*
 * An id is checked a word at a time when it is plain ASCII: an id of any
 * length with any one byte changed is refused exactly when that byte is a
 * control character or not ASCII (a lone byte above 0x7F is not UTF-8),
 * for ids typed in and ids read from a store alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/id.h"

static void test_one_byte_decides_at_every_place(void **state)
{
	(void)state;
	char id[40];
	for (size_t n = 1; n < sizeof id; n++) {
		for (size_t i = 0; i < n; i++)
			id[i] = (char)('!' + (i * 7) % 94);
		assert_int_equal(rrd__id_check_bytes(id, n, "id", RRD_ID_INPUT), RRD_OK);
		for (size_t at = 0; at < n; at++) {
			char keep = id[at];
			for (int v = 0; v < 256; v++) {
				id[at] = (char)v;
				rrd_status want = v >= 0x20 && v < 0x7F ? RRD_OK : RRD_E_INVALID;
				assert_int_equal(rrd__id_check_bytes(id, n, "id", RRD_ID_INPUT), want);
				assert_int_equal(rrd__id_check_bytes(id, n, "id", RRD_ID_STORED), want);
			}
			id[at] = keep;
		}
	}
}

static void test_utf8_and_c1_still_go_by_the_rules(void **state)
{
	(void)state;
	/* Long enough for a word at a time, not ASCII: looked at byte by byte. */
	const char accented[] = "agent-caf\xc3\xa9-0001";
	const char nel[] = "agent-\xc2\x85-0000001";
	const char broken[] = "agent-\xc3-000000001";
	assert_int_equal(rrd__id_check_bytes(accented, strlen(accented), "id", RRD_ID_INPUT), RRD_OK);
	assert_int_equal(rrd__id_check_bytes(nel, strlen(nel), "id", RRD_ID_INPUT), RRD_E_INVALID);
	assert_int_equal(rrd__id_check_bytes(nel, strlen(nel), "id", RRD_ID_STORED), RRD_OK);
	assert_int_equal(rrd__id_check_bytes(broken, strlen(broken), "id", RRD_ID_STORED),
			 RRD_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_byte_decides_at_every_place),
		cmocka_unit_test(test_utf8_and_c1_still_go_by_the_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
