/*
 * Every public call that takes a string refuses one that is not UTF-8
 * (RRD_E_INVALID, the object unchanged), since what it holds must stay
 * writable as JSON: ids and names also refuse control characters; free
 * text (attribute values) may hold them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rrdist.h"

static const char *const not_utf8[] = {
	"caf\xe9",         /* Latin-1 */
	"\xc3",            /* cut short */
	"\xc0\xae",        /* overlong */
	"\xed\xa0\x80",    /* a surrogate */
	"\xf4\x90\x80\x80" /* past U+10FFFF */
};
#define NOT_UTF8_COUNT (sizeof not_utf8 / sizeof *not_utf8)

static void test_record_attribute_values_must_be_utf8(void **state)
{
	(void)state;
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L-1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_attr(r, "note", "first"), RRD_OK);
	for (size_t i = 0; i < NOT_UTF8_COUNT; i++) {
		assert_int_equal(rrd_record_set_attr(r, "note", not_utf8[i]), RRD_E_INVALID);
		assert_string_equal(rrd_error_last(), "attribute value is not valid UTF-8");
		assert_int_equal(rrd_record_set_attr(r, "other", not_utf8[i]), RRD_E_INVALID);
	}
	assert_string_equal(rrd_record_attr(r, "note"), "first");
	assert_int_equal(rrd_record_attr_count(r), 1);
	/* Free text may hold control characters; written out, they are
	 * escaped, and what is written reads back. */
	assert_int_equal(rrd_record_set_attr(r, "note", "line 1\nline 2\x1b\x7f \xc3\xa9"), RRD_OK);
	char *json;
	assert_int_equal(rrd_record_to_json(r, &json), RRD_OK);
	rrd_record *back;
	assert_int_equal(rrd_record_from_json(&back, json, strlen(json)), RRD_OK);
	assert_string_equal(rrd_record_attr(back, "note"), "line 1\nline 2\x1b\x7f \xc3\xa9");
	rrd_free(json);
	rrd_record_free(back);
	rrd_record_free(r);
}

static void test_record_ids_and_names_must_be_utf8(void **state)
{
	(void)state;
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L-1", RRD_KIND_LEAD), RRD_OK);
	for (size_t i = 0; i < NOT_UTF8_COUNT; i++) {
		const char *s = not_utf8[i];
		rrd_record *bad = NULL;
		assert_int_equal(rrd_record_new(&bad, s, RRD_KIND_LEAD), RRD_E_INVALID);
		assert_int_equal(rrd_record_set_source(r, s), RRD_E_INVALID);
		assert_int_equal(rrd_record_set_owner(r, s), RRD_E_INVALID);
		assert_int_equal(rrd_record_set_partner(r, s), RRD_E_INVALID);
		assert_int_equal(rrd_record_set_follow_up(r, s), RRD_E_INVALID);
		assert_int_equal(rrd_record_set_attr(r, s, "v"), RRD_E_INVALID);
		assert_int_equal(rrd_record_set_role(r, s, "a"), RRD_E_INVALID);
		assert_int_equal(rrd_record_set_role(r, "closer", s), RRD_E_INVALID);
	}
	assert_null(rrd_record_source(r));
	assert_int_equal(rrd_record_attr_count(r), 0);
	assert_int_equal(rrd_record_role_count(r), 0);
	rrd_record_free(r);
}

static void test_agent_pool_and_calendar_strings_must_be_utf8(void **state)
{
	(void)state;
	rrd_agent *a;
	rrd_pool *p;
	assert_int_equal(rrd_agent_new(&a, "ann"), RRD_OK);
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	for (size_t i = 0; i < NOT_UTF8_COUNT; i++) {
		const char *s = not_utf8[i];
		rrd_agent *bad_agent = NULL;
		rrd_pool *bad_pool = NULL;
		rrd_calendar *bad_cal = NULL;
		assert_int_equal(rrd_agent_new(&bad_agent, s), RRD_E_INVALID);
		assert_int_equal(rrd_agent_set_calendar(a, s), RRD_E_INVALID);
		assert_int_equal(rrd_agent_set_partner(a, s), RRD_E_INVALID);
		assert_int_equal(rrd_agent_add_type(a, s), RRD_E_INVALID);
		assert_int_equal(rrd_agent_add_skill(a, s), RRD_E_INVALID);
		assert_int_equal(rrd_pool_new(&bad_pool, s, RRD_KIND_LEAD), RRD_E_INVALID);
		assert_int_equal(rrd_pool_add_member(p, s), RRD_E_INVALID);
		assert_int_equal(rrd_calendar_new(&bad_cal, s, "UTC"), RRD_E_INVALID);
		assert_int_not_equal(rrd_calendar_new(&bad_cal, "c", s), RRD_OK);
		assert_null(bad_cal);
	}
	assert_int_equal(rrd_agent_type_count(a), 0);
	assert_int_equal(rrd_agent_skill_count(a), 0);
	assert_null(rrd_agent_calendar(a));
	assert_int_equal(rrd_pool_member_count(p), 0);
	rrd_agent_free(a);
	rrd_pool_free(p);
}

static void test_rule_strings_must_be_utf8(void **state)
{
	(void)state;
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "r", "web"), RRD_OK);
	for (size_t i = 0; i < NOT_UTF8_COUNT; i++) {
		const char *s = not_utf8[i];
		rrd_rule *bad = NULL;
		assert_int_equal(rrd_rule_new(&bad, s, "web"), RRD_E_INVALID);
		assert_int_equal(rrd_rule_new(&bad, "r2", s), RRD_E_INVALID);
		assert_int_equal(rrd_rule_add_source(r, s), RRD_E_INVALID);
		assert_int_equal(rrd_rule_add_attr(r, s, "v"), RRD_E_INVALID);
		assert_int_equal(rrd_rule_add_attr(r, "zip", s), RRD_E_INVALID);
		assert_int_equal(rrd_rule_set_calendar(r, s), RRD_E_INVALID);
		assert_int_equal(rrd_rule_add_skill(r, s), RRD_E_INVALID);
		assert_int_equal(rrd_rule_add_overflow(r, s), RRD_E_INVALID);
	}
	assert_int_equal(rrd_rule_source_count(r), 0);
	assert_int_equal(rrd_rule_attr_count(r), 0);
	assert_int_equal(rrd_rule_skill_count(r), 0);
	assert_int_equal(rrd_rule_overflow_count(r), 0);
	assert_null(rrd_rule_calendar(r));
	rrd_rule_free(r);
}

static void test_redistribution_strings_must_be_utf8(void **state)
{
	(void)state;
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	for (size_t i = 0; i < NOT_UTF8_COUNT; i++) {
		const char *s = not_utf8[i];
		assert_int_equal(rrd_redistribution_from_agent(rd, s, NULL, 0), RRD_E_INVALID);
		assert_int_equal(rrd_redistribution_filter_owner(rd, s), RRD_E_INVALID);
		assert_int_equal(rrd_redistribution_filter_owner_types(rd, &s, 1), RRD_E_INVALID);
		assert_int_equal(rrd_redistribution_filter_attr(rd, s, "v"), RRD_E_INVALID);
		assert_int_equal(rrd_redistribution_filter_attr(rd, "zip", s), RRD_E_INVALID);
		assert_int_equal(rrd_redistribution_to_agents(rd, &s, 1), RRD_E_INVALID);
		assert_int_equal(rrd_redistribution_to_types(rd, &s, 1), RRD_E_INVALID);
	}
	/* An attribute name is a name: no control characters either. */
	assert_int_equal(rrd_redistribution_filter_attr(rd, "z\x1bip", "v"), RRD_E_INVALID);
	assert_int_equal(rrd_redistribution_filter_attr(rd, "zip", "line\nbreak"), RRD_OK);
	rrd_redistribution_free(rd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_attribute_values_must_be_utf8),
		cmocka_unit_test(test_record_ids_and_names_must_be_utf8),
		cmocka_unit_test(test_agent_pool_and_calendar_strings_must_be_utf8),
		cmocka_unit_test(test_rule_strings_must_be_utf8),
		cmocka_unit_test(test_redistribution_strings_must_be_utf8),
	};
	return cmocka_run_group_tests_name("setters_text", tests, NULL, NULL);
}
