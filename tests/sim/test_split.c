#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/json_text.h"
#include "sim/split.h"
#include "sim_test.h"
#include "../support/fault_log.h"

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

/* What the check of the whole text reports for `doc`, which it refuses:
 * the first fault, with its line and column. */
static const char *whole_syntax_error(const char *doc, size_t len)
{
	static char msg[512];
	assert_int_equal(rrd__json_text_check(doc, len), RRD_E_PARSE);
	snprintf(msg, sizeof msg, "%s", rrd_error_last());
	return msg;
}

/* `doc` is refused as not JSON, with what the text check says, by load
 * and by a check for every fault, which tells that one fault only. */
static void expect_not_json(const char *doc)
{
	size_t len = strlen(doc);
	char want[512];
	snprintf(want, sizeof want, "%s", whole_syntax_error(doc, len));
	rrd_scenario *s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load(&s, doc, len, NULL), RRD_E_PARSE);
	assert_null(s);
	assert_string_equal(rrd_error_last(), want);
	fault_log f = FAULT_LOG_INIT;
	s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load_each(&s, doc, len, NULL, fault_log_note, &f),
			 RRD_E_PARSE);
	assert_null(s);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.last, want);
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

/* ---- Loading split documents as the whole would load. ---- */

static void test_a_truncated_document_says_what_the_whole_parse_says(void **state)
{
	(void)state;
	const char *json = sim_json(SIM_FULL_DOC);
	size_t n = strlen(json);
	char *doc = malloc(n + 1);
	assert_non_null(doc);
	/* Cut anywhere, in `events` or out of it. */
	for (size_t k = 0; k < n; k++) {
		memcpy(doc, json, k);
		doc[k] = '\0';
		expect_not_json(doc);
	}
	free(doc);
	rrd_scenario *s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load(&s, json, 1, NULL), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$: not JSON: the document ends early at line 1, column 2");
}

static void test_an_entry_that_is_not_json_says_what_the_whole_parse_says(void **state)
{
	(void)state;
	expect_not_json(HEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"advance\"},\n"
			     "{\"at\" \"+1s\",\"op\":\"advance\"}]}");
	expect_not_json(HEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"advance\"},2x]}");
	expect_not_json(HEAD ",\"events\":[tru]}");
	expect_not_json(HEAD ",\"events\":[{\"a\":[1}]}]}");
	expect_not_json(HEAD ",\"events\":[\"\\q\"]}");
	/* The message is exact: */
	static const char doc[] = HEAD ",\"events\":[{},\n  {\"at\":}]}";
	rrd_scenario *s;
	assert_int_equal(rrd__scenario_load(&s, doc, sizeof doc - 1, NULL), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$: not JSON: syntax error at line 2, column 9");
}

static void test_the_rest_of_the_document_is_still_parsed(void **state)
{
	(void)state;
	expect_not_json(HEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"advance\"}],\"seed\":}");
	expect_not_json(HEAD ",\"seed\":tru,\"events\":[]}");
	expect_not_json(HEAD ",\"events\":[] x");
	static const char doc[] = HEAD ",\"events\":[]} x";
	rrd_scenario *s;
	assert_int_equal(rrd__scenario_load(&s, doc, sizeof doc - 1, NULL), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(),
			    "$: not JSON: text after the document at line 1, column 75");
}

static void test_a_syntax_error_wins_over_faults_before_it(void **state)
{
	(void)state;
	/* Bad rules and a bad first event, then an entry that is not JSON:
	 * the document is not JSON, and nothing else is told. */
	expect_not_json(HEAD ",\"rules\":[{\"id\":\"r\",\"pool\":\"nope\"}],\"events\":["
			     "{\"at\":\"+0s\",\"op\":\"teleport\"},"
			     "{\"at\":\"+1s\",\"op\":\"advance\"},"
			     "{\"at\":\"+2s\",\"op\":\"advance\"");
	expect_not_json(HEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"teleport\"},{\"at\":\"+1s\","
			     "\"op\":\"advance\"},{\"op\":nope}]}");
	expect_not_json("{\"format\":1,\"events\":[{\"op\":nope}]}");
}

static void test_a_check_tells_each_event_its_own_fault(void **state)
{
	(void)state;
	static const char doc[] = HEAD ",\"events\":["
				  "{\"at\":\"+0s\",\"op\":\"teleport\"},"
				  "{\"at\":\"+1s\",\"op\":\"advance\"},7,"
				  "{\"at\":\"+2s\",\"op\":\"lead\",\"id\":\"L\","
				  "\"attrs\":{\"k\":1}},"
				  "{\"at\":\"+0s\",\"op\":\"advance\"},"
				  "{\"at\":\"+3s\",\"op\":\"claim\",\"lead\":\"L\"}]}";
	fault_log f = FAULT_LOG_INIT;
	assert_int_equal(rrd_scenario_check_each(doc, sizeof doc - 1, NULL, fault_log_note, &f),
			 RRD_E_PARSE);
	assert_string_equal(f.text, "$.events[0].op: unknown op \"teleport\"\n"
				    "$.events[2]: expected an object\n"
				    "$.events[3].attrs.k: expected a string\n"
				    "$.events[4].at: earlier than the event before it\n"
				    "$.events[5].agent: required string is missing\n");
	assert_string_equal(rrd_error_last(), "5 faults in the document");
	/* A load stops at the first. */
	rrd_scenario *s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load(&s, doc, sizeof doc - 1, NULL), RRD_E_PARSE);
	assert_null(s);
	assert_string_equal(rrd_error_last(), "$.events[0].op: unknown op \"teleport\"");
}

/* Loaded split or whole, a document gives the same events. */
static void expect_same_events(const rrd_scenario *a, const rrd_scenario *b)
{
	assert_int_equal(a->event_count, b->event_count);
	assert_int_equal(a->end, b->end);
	for (size_t i = 0; i < a->event_count; i++) {
		assert_int_equal(a->events[i].at, b->events[i].at);
		assert_int_equal(a->events[i].op, b->events[i].op);
		assert_int_equal(a->events[i].index, b->events[i].index);
		rrd_sim_entry en_a, en_b;
		const cJSON *ea = rrd__scenario_event_json(a, i, &en_a);
		const cJSON *eb = rrd__scenario_event_json(b, i, &en_b);
		assert_non_null(ea);
		assert_non_null(eb);
		/* Printed, as cJSON_Compare takes duplicate keys for a difference. */
		char *pa = cJSON_PrintUnformatted(ea), *pb = cJSON_PrintUnformatted(eb);
		assert_non_null(pa);
		assert_non_null(pb);
		assert_string_equal(pa, pb);
		cJSON_free(pa);
		cJSON_free(pb);
		rrd__sim_entry_done(&en_a);
		rrd__sim_entry_done(&en_b);
	}
}

/* Events a scanner must read with care, after a key `k` spelled as given. */
#define UNUSUAL_EVENTS(k) \
	HEAD ",\"" k "\":1,\"events\":[{\"at\":\"+0s\",\"op\":\"lead\",\"id\":\"L\\u0031\"," \
	"\"attrs\":{\"k\":\"\\\"]\"}},{\"at\":\"+1s\",\"op\":\"advance\"}]}"

static void test_a_document_that_cannot_be_split_loads_whole(void **state)
{
	(void)state;
	static const char split[] = UNUSUAL_EVENTS("a");
	/* The same, but for a key the scanner cannot read. */
	static const char whole[] = UNUSUAL_EVENTS("\\u0061");
	rrd_scenario *a = NULL, *b = NULL;
	assert_int_equal(rrd__scenario_load(&a, split, sizeof split - 1, NULL), RRD_OK);
	assert_int_equal(rrd__scenario_load(&b, whole, sizeof whole - 1, NULL), RRD_OK);
	assert_null(a->doc);
	assert_null(a->event_json);
	assert_non_null(b->doc);
	assert_non_null(b->event_json);
	assert_int_equal(b->events[0].len, 0);
	expect_same_events(a, b);
	rrd_sim_entry en;
	const cJSON *e = rrd__scenario_event_json(a, 0, &en);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "id")->valuestring, "L1");
	rrd__sim_entry_done(&en);
	rrd__scenario_free(a);
	rrd__scenario_free(b);
}

static void test_events_deeper_than_the_scanner_goes_load_whole(void **state)
{
	(void)state;
	/* cJSON takes 1000 levels: the document, `events`, the entry and
	 * `x`'s array make 4, and 996 more. */
	size_t deep = 996;
	static const char before[] = HEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"advance\",\"x\":[";
	const char *doc = nested(before, deep, "]}]}");
	rrd_scenario *s = NULL;
	assert_int_equal(rrd__scenario_load(&s, doc, strlen(doc), NULL), RRD_OK);
	assert_non_null(s->event_json);
	assert_int_equal(s->event_count, 1);
	rrd__scenario_free(s);
	/* One more is too deep for the whole parse, though not for the
	 * entry parsed alone: the text check refuses it first. */
	expect_not_json(nested(before, deep + 1, "]}]}"));
	assert_string_equal(rrd_error_last(), "$: nested deeper than 1000 levels at line 1, column 1100");
}

/* Blanks and a byte order mark, after a first key `k`. */
#define UNUSUAL_LAYOUT(k) \
	"\xEF\xBB\xBF\n{ \"" k "\" : \"rrdist-scenario/1\" ,\n" \
	"\"start\":\"2026-03-02T08:00:00Z\",\"events\" :\n[\n" \
	"  {\"at\":\"+0s\",\"op\":\"advance\"} ,\n" \
	"  {\"at\":\"+1s\" , \"op\":\"follow_up\",\"leads\":[\"a\",\"b\"],\"status\":\"x\"}\t]\n" \
	", \"end\":\"+1m\"}\n"

static void test_split_documents_load_like_whole_ones(void **state)
{
	(void)state;
	/* Split, against the same whole for a key the scanner cannot read. */
	static const char split[] = UNUSUAL_LAYOUT("format");
	static const char whole[] = UNUSUAL_LAYOUT("\\u0066ormat");
	rrd_scenario *a = NULL, *b = NULL;
	assert_int_equal(rrd__scenario_load(&a, split, sizeof split - 1, NULL), RRD_OK);
	assert_int_equal(rrd__scenario_load(&b, whole, sizeof whole - 1, NULL), RRD_OK);
	assert_null(a->event_json);
	assert_non_null(b->event_json);
	assert_int_equal(a->event_count, 2);
	assert_int_equal(a->events[0].op, RRD_SIM_ADVANCE);
	assert_int_equal(a->end, SIM_START + RRD_MINUTE);
	expect_same_events(a, b);
	rrd__scenario_free(a);
	rrd__scenario_free(b);
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
		cmocka_unit_test(test_a_truncated_document_says_what_the_whole_parse_says),
		cmocka_unit_test(test_an_entry_that_is_not_json_says_what_the_whole_parse_says),
		cmocka_unit_test(test_the_rest_of_the_document_is_still_parsed),
		cmocka_unit_test(test_a_syntax_error_wins_over_faults_before_it),
		cmocka_unit_test(test_a_check_tells_each_event_its_own_fault),
		cmocka_unit_test(test_a_document_that_cannot_be_split_loads_whole),
		cmocka_unit_test(test_events_deeper_than_the_scanner_goes_load_whole),
		cmocka_unit_test(test_split_documents_load_like_whole_ones),
	};
	return sim_main(argc, argv, "sim_split", tests, sizeof tests / sizeof *tests);
}
