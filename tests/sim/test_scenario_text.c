/*
 * A scenario's text: a key named twice, a \u0000 and bytes that are not
 * UTF-8 are refused wherever they are, in events read one at a time or in
 * a document parsed whole, by a load and by a check for every fault, with
 * the same message; and nothing runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rrdist/simulation.h"
#include "sim_test.h"
#include "../support/fault_log.h"

#define HEAD "{\"format\":\"rrdist-scenario/1\",\"start\":\"2026-03-02T08:00:00Z\""
/* A first key the event scanner cannot read (it might be `events`), so
 * that the document is parsed whole. */
#define WHOLE_HEAD "{\"\\u0066ormat\":\"rrdist-scenario/1\",\"start\":\"2026-03-02T08:00:00Z\""

static void no_line(void *user, const char *line, size_t len)
{
	(void)user;
	(void)line;
	(void)len;
	fail_msg("a refused scenario wrote a line");
}

/* Refused with `message` by every way in; `len` counts the text's bytes. */
static void expect_refused_n(const char *doc, size_t len, const char *message)
{
	rrd_scenario *s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load(&s, doc, len, NULL), RRD_E_PARSE);
	assert_null(s);
	assert_string_equal(rrd_error_last(), message);
	fault_log f = FAULT_LOG_INIT;
	assert_int_equal(rrd_scenario_check_each(doc, len, NULL, fault_log_note, &f), RRD_E_PARSE);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.last, message);
	rrd_simulation_options opts = RRD_SIMULATION_OPTIONS_INIT;
	opts.on_line = no_line;
	assert_int_equal(rrd_simulate(doc, len, &opts), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), message);
}

static void expect_refused(const char *doc, const char *message)
{
	expect_refused_n(doc, strlen(doc), message);
}

static void test_an_event_naming_a_key_twice_is_refused(void **state)
{
	(void)state;
	/* The first `at` would win, and the event would not go back in time. */
#define EVENTS ",\"events\":[{\"at\":\"+0s\",\"op\":\"advance\"}," \
	       "{\"at\":\"+1m\",\"op\":\"advance\",\"at\":\"-5m\"}]}"
	char msg[128];
	snprintf(msg, sizeof msg, "$.events[1].at: the object already has this key "
		 "(line 1, column %zu)", strlen(HEAD) + 67);
	expect_refused(HEAD EVENTS, msg);
	snprintf(msg, sizeof msg, "$.events[1].at: the object already has this key "
		 "(line 1, column %zu)", strlen(WHOLE_HEAD) + 67);
	expect_refused(WHOLE_HEAD EVENTS, msg);
}

static void test_a_section_named_twice_is_refused(void **state)
{
	(void)state;
	expect_refused(HEAD ",\"events\":[],\"events\":[{\"at\":\"+0s\",\"op\":\"teleport\"}]}",
		       "$.events: the object already has this key (line 1, column 74)");
	expect_refused(HEAD ",\"start\":\"2027-01-01T00:00:00Z\"}",
		       "$.start: the object already has this key (line 1, column 62)");
}

static void test_u0000_is_refused_never_cut_short(void **state)
{
	(void)state;
#define LEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"lead\",\"id\":\"L-1\\u0000x\"}]}"
	char msg[128];
	snprintf(msg, sizeof msg, "$.events[0].id: a string holds U+0000 (line 1, column %zu)",
		 strlen(HEAD) + 45);
	expect_refused(HEAD LEAD, msg);
	static const char raw[] = HEAD ",\"records\":[{\"id\":\"C\0-1\",\"kind\":\"customer\"}]}";
	snprintf(msg, sizeof msg, "$.records[0].id: a string holds U+0000 (line 1, column %zu)",
		 strlen(HEAD) + 21);
	expect_refused_n(raw, sizeof raw - 1, msg);
}

static void test_bytes_that_are_not_utf8_are_refused(void **state)
{
	(void)state;
	static const char doc[] = HEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"lead\",\"id\":\"L-1\","
				  "\"attrs\":{\"note\":\"caf\xe9\"}}]}";
	char msg[128];
	snprintf(msg, sizeof msg, "$: not JSON: bytes that are not UTF-8 at line 1, column %zu",
		 strlen(HEAD) + 67);
	expect_refused(doc, msg);
}

/* Ids take no control characters: C1 ones (U+0080..U+009F) neither,
 * escaped or written as they are. */
static void test_a_c1_control_in_an_id_is_refused(void **state)
{
	(void)state;
	expect_refused(HEAD ",\"agents\":[{\"id\":\"a\\u0085\"}]}",
		       "$.agents[0].id: agent id contains a control character");
	expect_refused(HEAD ",\"agents\":[{\"id\":\"a\",\"skills\":[\"x\xc2\x9b\"]}]}",
		       "$.agents[0].skills[0]: skill contains a control character");
	expect_refused(HEAD ",\"events\":[{\"at\":\"+0s\",\"op\":\"lead\","
		       "\"id\":\"L\xc2\x85\"}]}",
		       "$.events[0].id: id contains a control character");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_event_naming_a_key_twice_is_refused),
		cmocka_unit_test(test_a_section_named_twice_is_refused),
		cmocka_unit_test(test_u0000_is_refused_never_cut_short),
		cmocka_unit_test(test_bytes_that_are_not_utf8_are_refused),
		cmocka_unit_test(test_a_c1_control_in_an_id_is_refused),
	};
	return sim_main(argc, argv, "sim_scenario_text", tests, sizeof tests / sizeof *tests);
}
