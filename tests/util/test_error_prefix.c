/*
 * Putting a prefix before the last error: the message reads once, whole,
 * after the prefix, whatever their lengths, and takes the new status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/error.h"

static void test_prefix_goes_before_the_message(void **state)
{
	(void)state;
	rrd__fail(RRD_E_KIND_MISMATCH, "rule \"r\": pool \"sales\" holds leads, not deals");
	assert_int_equal(rrd__fail_prefix(RRD_E_PARSE, "$.rules[%d]: ", 2), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(),
			    "$.rules[2]: rule \"r\": pool \"sales\" holds leads, not deals");
	assert_int_equal(rrd_error_last_status(), RRD_E_PARSE);
}

static void test_prefixes_stack(void **state)
{
	(void)state;
	rrd__fail(RRD_E_INVALID, "bad");
	rrd__fail_prefix(RRD_E_INVALID, "b: ");
	rrd__fail_prefix(RRD_E_PARSE, "%s: ", "a");
	assert_string_equal(rrd_error_last(), "a: b: bad");
}

static void test_prefix_of_an_empty_message(void **state)
{
	(void)state;
	rrd_error_clear();
	rrd__fail_prefix(RRD_E_STORE, "stored %s", "agent");
	assert_string_equal(rrd_error_last(), "stored agent");
	assert_int_equal(rrd_error_last_status(), RRD_E_STORE);
}

static void test_long_message_is_cut_at_its_end(void **state)
{
	(void)state;
	char longer[700];
	memset(longer, 'm', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	rrd__fail(RRD_E_INVALID, "%s", longer);
	rrd__fail_prefix(RRD_E_PARSE, "$.x: ");
	const char *msg = rrd_error_last();
	assert_int_equal(strncmp(msg, "$.x: mmm", 8), 0);
	size_t n = strlen(msg);
	assert_int_equal(n, sizeof ((rrd_error_saved *)0)->message - 1);
	for (size_t i = 5; i < n; i++)
		assert_int_equal(msg[i], 'm');
}

static void test_long_prefix_is_cut_and_ends_the_message(void **state)
{
	(void)state;
	char longer[700];
	memset(longer, 'p', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	rrd__fail(RRD_E_INVALID, "tail");
	rrd__fail_prefix(RRD_E_PARSE, "%s", longer);
	const char *msg = rrd_error_last();
	size_t n = strlen(msg);
	assert_int_equal(n, sizeof ((rrd_error_saved *)0)->message - 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(msg[i], 'p');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_goes_before_the_message),
		cmocka_unit_test(test_prefixes_stack),
		cmocka_unit_test(test_prefix_of_an_empty_message),
		cmocka_unit_test(test_long_message_is_cut_at_its_end),
		cmocka_unit_test(test_long_prefix_is_cut_and_ends_the_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
