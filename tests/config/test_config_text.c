/*
 * A configuration document is one JSON value: text after it, a \u0000 that
 * would cut a string short, a key named twice and bytes that are not UTF-8
 * are refused, by a load (which then changes nothing) and by a check alike,
 * with the same message.
 */
#include <stdlib.h>
#include <string.h>

#include "../support/fault_log.h"
#include "../support/fixture.h"

#define AGENT_A "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}]}"

static void expect_refused_n(const char *doc, size_t len, const char *message)
{
	fixture *f = fix_new(0);
	rrd_error_clear();
	assert_int_equal(rrd_distributor_load_config(f->dist, doc, len), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), message);
	assert_int_equal(rrd_distributor_agent_count(f->dist), 0);
	fault_log log = FAULT_LOG_INIT;
	assert_int_equal(rrd_config_check_each(doc, len, fault_log_note, &log), RRD_E_PARSE);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.last, message);
	fix_free(f);
}

static void expect_refused(const char *doc, const char *message)
{
	expect_refused_n(doc, strlen(doc), message);
}

static void expect_loads_n(const char *doc, size_t len)
{
	fixture *f = fix_new(0);
	if (rrd_distributor_load_config(f->dist, doc, len) != RRD_OK)
		fail_msg("refused: %s", rrd_error_last());
	assert_int_equal(rrd_distributor_agent_count(f->dist), 1);
	fault_log log = FAULT_LOG_INIT;
	assert_int_equal(rrd_config_check_each(doc, len, fault_log_note, &log), RRD_OK);
	fix_free(f);
}

static void test_text_after_the_document_is_refused(void **state)
{
	(void)state;
	/* A second document after the first: neither is loaded. */
	expect_refused(AGENT_A "\n{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"b\"}]}",
		       "$: not JSON: text after the document at line 2, column 1");
	expect_refused(AGENT_A " x", "$: not JSON: text after the document at line 1, column 52");
	expect_refused(AGENT_A "]", "$: not JSON: text after the document at line 1, column 51");
}

static void test_blanks_and_a_counted_nul_after_the_document_load(void **state)
{
	(void)state;
	static const char doc[] = AGENT_A " \n\t";
	expect_loads_n(doc, sizeof doc); /* the NUL too */
}

static void test_u0000_is_refused_never_cut_short(void **state)
{
	(void)state;
	expect_refused("{\"format\":\"rrdist-config/1\\u0000junk\"}",
		       "$.format: a string holds U+0000 (line 1, column 27)");
	expect_refused("{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\\u0000b\"}]}",
		       "$.agents[0].id: a string holds U+0000 (line 1, column 47)");
	static const char raw[] = "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\0b\"}]}";
	expect_refused_n(raw, sizeof raw - 1,
			 "$.agents[0].id: a string holds U+0000 (line 1, column 47)");
}

static void test_a_key_named_twice_is_refused_at_the_second(void **state)
{
	(void)state;
	expect_refused("{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\",\"weight\":2,"
		       "\"weight\":3}]}",
		       "$.agents[0].weight: the object already has this key (line 1, column 60)");
	expect_refused("{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}],\"agents\":[]}",
		       "$.agents: the object already has this key (line 1, column 51)");
}

static void test_bytes_that_are_not_utf8_are_refused(void **state)
{
	(void)state;
	expect_refused("{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}],"
		       "\"pools\":[{\"id\":\"p\",\"kind\":\"lead\"}],"
		       "\"rules\":[{\"id\":\"r\",\"pool\":\"p\",\"match\":{\"attrs\":{\"zip\":\"\xff\"}}}]}",
		       "$: not JSON: bytes that are not UTF-8 at line 1, column 141");
}

/* Ids take no control characters: C1 ones (U+0080..U+009F) neither,
 * escaped or written as they are. */
static void test_a_c1_control_in_an_id_is_refused(void **state)
{
	(void)state;
	expect_refused("{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\\u0085\"}]}",
		       "$.agents[0].id: agent id contains a control character");
	expect_refused("{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}],"
		       "\"pools\":[{\"id\":\"p\xc2\x9b\",\"kind\":\"lead\"}]}",
		       "$.pools[0].id: pool id contains a control character");
	expect_refused("{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}],"
		       "\"pools\":[{\"id\":\"p\",\"kind\":\"lead\"}],"
		       "\"rules\":[{\"id\":\"r\",\"pool\":\"p\",\"match\":{\"source\":\"w\\u009b\"}}]}",
		       "$.rules[0].match.source: source contains a control character");
	expect_refused("{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}],"
		       "\"calendars\":[{\"id\":\"c\\u009b\",\"timezone\":\"UTC\","
		       "\"hours\":{\"mon\":[[\"09:00\",\"17:00\"]]}}]}",
		       "$.calendars[0].id: calendar id contains a control character");
}

static void test_an_escaped_format_is_the_format(void **state)
{
	(void)state;
	expect_loads_n("{\"format\":\"rrdist\\u002dconfig/1\",\"agents\":[{\"id\":\"a\"}]}", 56);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_after_the_document_is_refused),
		cmocka_unit_test(test_blanks_and_a_counted_nul_after_the_document_load),
		cmocka_unit_test(test_u0000_is_refused_never_cut_short),
		cmocka_unit_test(test_a_key_named_twice_is_refused_at_the_second),
		cmocka_unit_test(test_bytes_that_are_not_utf8_are_refused),
		cmocka_unit_test(test_an_escaped_format_is_the_format),
		cmocka_unit_test(test_a_c1_control_in_an_id_is_refused),
	};
	return cmocka_run_group_tests_name("config_text", tests, NULL, NULL);
}
