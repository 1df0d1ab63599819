#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/split.h"
#include "sim_test.h"

#define HEAD "{\"format\":\"rrdist-scenario/1\",\"start\":\"2026-03-02T08:00:00Z\""

/* Split `doc` (`len` bytes) and expect `n` entries whose text is want[]. */
static void expect_entries_n(const char *doc, size_t len, const char *const *want, size_t n)
{
	rrd_split sp;
	assert_int_equal(rrd__split_events(doc, len, &sp), RRD_SPLIT_DONE);
	assert_int_equal(doc[sp.open], '[');
	assert_int_equal(doc[sp.close - 1], ']');
	if (sp.count != n)
		fail_msg("expected %zu entries, found %zu", n, sp.count);
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(want[i]);
		if (sp.spans[i].len != k || memcmp(doc + sp.spans[i].off, want[i], k) != 0)
			fail_msg("entry %zu: expected %s, found %.*s", i, want[i],
				 (int)sp.spans[i].len, doc + sp.spans[i].off);
	}
	rrd__split_free(&sp);
	assert_null(sp.spans);
}

static void expect_entries(const char *doc, const char *const *want, size_t n)
{
	expect_entries_n(doc, strlen(doc), want, n);
}

static void expect_result(const char *doc, rrd_split_result want)
{
	rrd_split sp;
	assert_int_equal(rrd__split_events(doc, strlen(doc), &sp), want);
	assert_null(sp.spans);
	assert_int_equal(sp.count, 0);
}

/* ---- Where the entries are. ---- */

static void test_entries_are_found_in_order(void **state)
{
	(void)state;
	static const char *const want[] = { "{\"at\":\"+0s\",\"op\":\"advance\"}",
					    "{\"at\":\"+1s\",\"op\":\"advance\"}" };
	expect_entries(HEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"advance\"},"
			    "{\"at\":\"+1s\",\"op\":\"advance\"}]}",
		       want, 2);
}

static void test_escaped_quotes_and_brackets_in_strings_do_not_end_an_entry(void **state)
{
	(void)state;
	static const char *const want[] = {
		"{\"id\":\"a\\\"],{\\\"\",\"x\":\"}]\"}",
		"{\"id\":\"\\\\\"}",
		"\"\\\\\\\"]\"",
	};
	expect_entries("{\"events\":[{\"id\":\"a\\\"],{\\\"\",\"x\":\"}]\"},"
		       "{\"id\":\"\\\\\"},\"\\\\\\\"]\"]}",
		       want, 3);
}

static void test_nested_arrays_and_objects_stay_in_their_entry(void **state)
{
	(void)state;
	static const char *const want[] = {
		"{\"to\":{\"nearest\":{\"types\":[\"a\",[\"b\",{}]]}},\"leads\":[[],[[]]]}",
		"[[1,2],{\"a\":[3]}]",
		"{}",
	};
	expect_entries("{\"events\":[{\"to\":{\"nearest\":{\"types\":[\"a\",[\"b\",{}]]}},"
		       "\"leads\":[[],[[]]]},[[1,2],{\"a\":[3]}],{}]}",
		       want, 3);
}

static void test_blanks_anywhere_are_skipped(void **state)
{
	(void)state;
	static const char *const want[] = { "{ \"at\" :\t\"+0s\" }", "{\n}", "-1.5e3", "true",
					    "null" };
	/* Bytes up to 32 are blanks to cJSON, NUL included. */
	static const char doc[] = " \t\r\n{ \"events\"\n:\r[\x01 { \"at\" :\t\"+0s\" }\n,\x1f{\n}"
				  " ,-1.5e3,\ttrue\0,null \x0b] \n}\n";
	expect_entries_n(doc, sizeof doc - 1, want, 5);
}

static void test_scalars_end_at_the_next_delimiter(void **state)
{
	(void)state;
	static const char *const want[] = { "1", "\"x\"", "false", "2x", "0" };
	/* "2x" is not one value: parsing the entry tells. */
	expect_entries("{\"events\":[1,\"x\",false,2x,0]}", want, 5);
}

static void test_the_first_events_member_wins(void **state)
{
	(void)state;
	static const char *const want[] = { "1" };
	expect_entries("{\"a\":{\"events\":[9]},\"events\":[1],\"events\":[2,3]}", want, 1);
	/* As cJSON_GetObjectItemCaseSensitive has it: a later array does not
	 * stand in for a first `events` that is not one. */
	expect_result("{\"events\":{\"x\":[1]},\"events\":[2]}", RRD_SPLIT_NO_ARRAY);
	expect_result("{\"events\":null,\"events\":[2]}", RRD_SPLIT_NO_ARRAY);
	/* A key that only begins with events is another member. */
	expect_result("{\"eventsx\":[1],\"Events\":[2],\"event\":[3]}", RRD_SPLIT_NO_ARRAY);
}

static void test_an_events_member_that_is_not_an_array_is_not_split(void **state)
{
	(void)state;
	expect_result("{\"events\":1}", RRD_SPLIT_NO_ARRAY);
	expect_result("{\"events\":\"[1]\"}", RRD_SPLIT_NO_ARRAY);
	expect_result("{\"events\":{}}", RRD_SPLIT_NO_ARRAY);
}

static void test_a_document_without_events_is_not_split(void **state)
{
	(void)state;
	expect_result("{}", RRD_SPLIT_NO_ARRAY);
	expect_result(" { } ", RRD_SPLIT_NO_ARRAY);
	expect_result(HEAD ",\"agents\":[{\"id\":\"events\"}],\"x\":\"events\"}",
		      RRD_SPLIT_NO_ARRAY);
}

static void test_an_empty_events_array_has_no_entries(void **state)
{
	(void)state;
	expect_entries("{\"events\":[]}", NULL, 0);
	expect_entries("{\"events\":[ \n\t]}", NULL, 0);
}

static void test_an_escaped_key_before_events_gives_up(void **state)
{
	(void)state;
	/* Unescaped, the key might be `events` itself. */
	expect_result("{\"event\\u0073\":[1],\"events\":[2]}", RRD_SPLIT_GAVE_UP);
	expect_result("{\"a\\\"\":1,\"events\":[2]}", RRD_SPLIT_GAVE_UP);
	/* cJSON compares keys up to a NUL. */
	static const char nul[] = "{\"events\0x\":[1],\"events\":[2]}";
	rrd_split sp;
	assert_int_equal(rrd__split_events(nul, sizeof nul - 1, &sp), RRD_SPLIT_GAVE_UP);
	/* After `events`, keys no longer matter. */
	static const char *const want[] = { "2" };
	expect_entries("{\"events\":[2],\"event\\u0073\":[1]}", want, 1);
}

static void test_what_is_not_a_top_level_object_gives_up(void **state)
{
	(void)state;
	expect_result("", RRD_SPLIT_GAVE_UP);
	expect_result("   ", RRD_SPLIT_GAVE_UP);
	expect_result("[{\"events\":[]}]", RRD_SPLIT_GAVE_UP);
	expect_result("\"events\"", RRD_SPLIT_GAVE_UP);
	expect_result("{events:[1]}", RRD_SPLIT_GAVE_UP);
	expect_result("{\"a\" 1,\"events\":[1]}", RRD_SPLIT_GAVE_UP);
	expect_result("{\"a\":1 \"events\":[1]}", RRD_SPLIT_GAVE_UP);
	rrd_split sp;
	assert_int_equal(rrd__split_events(NULL, 0, &sp), RRD_SPLIT_GAVE_UP);
}

static void test_an_entry_that_cannot_begin_a_value_gives_up(void **state)
{
	(void)state;
	/* cJSON would skip a byte order mark before an entry parsed alone. */
	expect_result("{\"events\":[\xEF\xBB\xBF{\"at\":\"+0s\"}]}", RRD_SPLIT_GAVE_UP);
	expect_result("{\"events\":[1,,2]}", RRD_SPLIT_GAVE_UP);
	expect_result("{\"events\":[1,]}", RRD_SPLIT_GAVE_UP);
	expect_result("{\"events\":[,1]}", RRD_SPLIT_GAVE_UP);
	expect_result("{\"events\":[}]}", RRD_SPLIT_GAVE_UP);
	expect_result("{\"events\":[1 2]}", RRD_SPLIT_GAVE_UP);
}

static void test_a_byte_order_mark_before_the_document_is_skipped(void **state)
{
	(void)state;
	static const char *const want[] = { "{}" };
	expect_entries("\xEF\xBB\xBF{\"events\":[{}]}", want, 1);
}

static void test_truncated_text_gives_up(void **state)
{
	(void)state;
	static const char doc[] = HEAD ",\"records\":[{\"id\":\"r\\\"]}\"}],"
				  "\"events\":[{\"at\":\"+0s\",\"op\":\"advance\",\"x\":[[\"]\"]]},"
				  "{\"at\":\"+1s\",\"op\":\"advance\"}]}";
	size_t n = sizeof doc - 1;
	rrd_split sp;
	assert_int_equal(rrd__split_events(doc, n, &sp), RRD_SPLIT_DONE);
	size_t close = sp.close;
	rrd__split_free(&sp);
	/* Cut anywhere before the array closes, there is nothing to split. */
	for (size_t k = 0; k < close; k++) {
		rrd_split_result r = rrd__split_events(doc, k, &sp);
		if (r != RRD_SPLIT_GAVE_UP)
			fail_msg("cut at %zu: %d", k, (int)r);
		assert_null(sp.spans);
	}
	/* Cut after it, the rest is for parsing to find fault with. */
	for (size_t k = close; k <= n; k++) {
		assert_int_equal(rrd__split_events(doc, k, &sp), RRD_SPLIT_DONE);
		rrd__split_free(&sp);
	}
}

/* `before`, `depth` arrays one inside the other, then `after`, in a static
 * buffer. */
static const char *nested(const char *before, size_t depth, const char *after)
{
	static char doc[4096];
	size_t n = strlen(before);
	assert_true(n + 2 * depth + strlen(after) < sizeof doc);
	memcpy(doc, before, n);
	memset(doc + n, '[', depth);
	memset(doc + n + depth, ']', depth);
	strcpy(doc + n + 2 * depth, after);
	return doc;
}

static void test_nesting_deeper_than_the_limit_gives_up(void **state)
{
	(void)state;
	/* The entry opens at depth 3, below the document and `events`. */
	size_t deep = RRD_SPLIT_DEPTH_MAX - 2;
	const char *doc = nested("{\"events\":[", deep, "]}");
	rrd_split sp;
	assert_int_equal(rrd__split_events(doc, strlen(doc), &sp), RRD_SPLIT_DONE);
	assert_int_equal(sp.count, 1);
	rrd__split_free(&sp);
	expect_result(nested("{\"events\":[", deep + 1, "]}"), RRD_SPLIT_GAVE_UP);
	/* Before `events` too: skipping a member counts its depth. */
	expect_result(nested("{\"a\":", deep + 2, ",\"events\":[]}"), RRD_SPLIT_GAVE_UP);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_are_found_in_order),
		cmocka_unit_test(test_escaped_quotes_and_brackets_in_strings_do_not_end_an_entry),
		cmocka_unit_test(test_nested_arrays_and_objects_stay_in_their_entry),
		cmocka_unit_test(test_blanks_anywhere_are_skipped),
		cmocka_unit_test(test_scalars_end_at_the_next_delimiter),
		cmocka_unit_test(test_the_first_events_member_wins),
		cmocka_unit_test(test_an_events_member_that_is_not_an_array_is_not_split),
		cmocka_unit_test(test_a_document_without_events_is_not_split),
		cmocka_unit_test(test_an_empty_events_array_has_no_entries),
		cmocka_unit_test(test_an_escaped_key_before_events_gives_up),
		cmocka_unit_test(test_what_is_not_a_top_level_object_gives_up),
		cmocka_unit_test(test_an_entry_that_cannot_begin_a_value_gives_up),
		cmocka_unit_test(test_a_byte_order_mark_before_the_document_is_skipped),
		cmocka_unit_test(test_truncated_text_gives_up),
		cmocka_unit_test(test_nesting_deeper_than_the_limit_gives_up),
	};
	return sim_main(argc, argv, "sim_split", tests, sizeof tests / sizeof *tests);
}
