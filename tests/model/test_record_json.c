/*
 * Records as JSON: a record's text is one JSON value, refused when text
 * follows it, when a \u0000 would cut a string short, when it names a key
 * twice, or when its strings are not UTF-8; and what a record holds is
 * always written as valid JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rrdist.h"

static void expect_refused_n(const char *json, size_t len, const char *message)
{
	rrd_record *r = (rrd_record *)1;
	assert_int_equal(rrd_record_from_json(&r, json, len), RRD_E_PARSE);
	assert_null(r);
	assert_string_equal(rrd_error_last(), message);
}

static void expect_refused(const char *json, const char *message)
{
	expect_refused_n(json, strlen(json), message);
}

static void test_text_after_the_record_is_refused(void **state)
{
	(void)state;
	expect_refused("{\"id\":\"L-1\",\"kind\":\"lead\"}{\"id\":\"L-2\",\"kind\":\"lead\"}",
		       "$: not JSON: text after the document at line 1, column 27");
	expect_refused("{\"id\":\"L-1\",\"kind\":\"lead\"} x",
		       "$: not JSON: text after the document at line 1, column 28");
	static const char ok[] = "{\"id\":\"L-1\",\"kind\":\"lead\"}\n";
	rrd_record *r;
	assert_int_equal(rrd_record_from_json(&r, ok, sizeof ok), RRD_OK); /* NUL counted */
	rrd_record_free(r);
}

static void test_u0000_is_refused_never_cut_short(void **state)
{
	(void)state;
	expect_refused("{\"id\":\"L-1\\u0000x\",\"kind\":\"lead\"}",
		       "$.id: a string holds U+0000 (line 1, column 11)");
	static const char raw[] = "{\"id\":\"L-1\",\"kind\":\"lead\",\"source\":\"w\0eb\"}";
	expect_refused_n(raw, sizeof raw - 1, "$.source: a string holds U+0000 (line 1, column 38)");
}

static void test_a_key_named_twice_is_refused_at_the_second(void **state)
{
	(void)state;
	expect_refused("{\"id\":\"L-1\",\"kind\":\"lead\",\"owner\":\"a\",\"owner\":\"b\"}",
		       "$.owner: the object already has this key (line 1, column 39)");
	expect_refused("{\"id\":\"L-1\",\"kind\":\"lead\",\"attrs\":{\"zip\":\"1\",\"zip\":\"2\"}}",
		       "$.attrs.zip: the object already has this key (line 1, column 46)");
}

static void test_bytes_that_are_not_utf8_are_refused(void **state)
{
	(void)state;
	expect_refused("{\"id\":\"L-1\",\"kind\":\"lead\",\"attrs\":{\"note\":\"\xc3\x28\"}}",
		       "$: not JSON: bytes that are not UTF-8 at line 1, column 44");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_after_the_record_is_refused),
		cmocka_unit_test(test_u0000_is_refused_never_cut_short),
		cmocka_unit_test(test_a_key_named_twice_is_refused_at_the_second),
		cmocka_unit_test(test_bytes_that_are_not_utf8_are_refused),
	};
	return cmocka_run_group_tests_name("record_json", tests, NULL, NULL);
}
