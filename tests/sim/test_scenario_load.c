#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rfc3339.h"
#include "sim_test.h"
#include "../support/fault_log.h"

/* Event i's string `name`, copied (the event's object may be parsed for
 * the call), or NULL. */
static const char *str_field(const rrd_scenario *s, size_t i, const char *name)
{
	static char buf[256];
	rrd_sim_entry en;
	const cJSON *o = rrd__scenario_event_json(s, i, &en);
	assert_non_null(o);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	const char *found = NULL;
	if (cJSON_IsString(v)) {
		snprintf(buf, sizeof buf, "%s", v->valuestring);
		found = buf;
	}
	rrd__sim_entry_done(&en);
	return found;
}

/* ---- Documents that load. ---- */

static void test_full_document_head_reads_back(void **state)
{
	(void)state;
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load(SIM_FULL_DOC, &s), RRD_OK);
	assert_int_equal(s->start, SIM_START);
	assert_int_equal(s->end, SIM_START + RRD_DAY);
	assert_int_equal(s->seed, 7);
	assert_int_equal(s->redistribute_max, 500);
	assert_int_equal(s->explain, 1);
	assert_ptr_equal(s->postal, sim_postal);
	rrd__scenario_free(s);
}

static void test_full_document_calendars_read_back(void **state)
{
	(void)state;
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load(SIM_FULL_DOC, &s), RRD_OK);
	assert_int_equal(s->calendar_count, 1);
	const rrd_calendar *c = s->calendars[0];
	assert_string_equal(rrd_calendar_id(c), "east");
	assert_string_equal(rrd_calendar_timezone(c), "America/New_York");
	assert_int_equal(rrd_calendar_hours_count(c, RRD_MONDAY), 1);
	assert_int_equal(rrd_calendar_hours_count(c, RRD_TUESDAY), 2);
	assert_int_equal(rrd_calendar_hours_count(c, RRD_SATURDAY), 0);
	int a, b;
	assert_int_equal(rrd_calendar_hours(c, RRD_TUESDAY, 1, &a, &b), RRD_OK);
	assert_int_equal(a, 13 * 60);
	assert_int_equal(b, 17 * 60);
	assert_int_equal(rrd_calendar_holiday_count(c), 2);
	assert_int_equal(rrd__scenario_calendar(s, "east"), 0);
	rrd__scenario_free(s);
}

static void test_full_document_agents_read_back(void **state)
{
	(void)state;
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load(SIM_FULL_DOC, &s), RRD_OK);
	assert_int_equal(s->agent_count, 6);
	const rrd_agent *alice = s->agents[0];
	assert_string_equal(rrd_agent_id(alice), "alice");
	assert_string_equal(rrd_agent_calendar(alice), "east");
	assert_string_equal(rrd_agent_partner(alice), "dealer-12");
	assert_int_equal(rrd_agent_capacity_open(alice), 25);
	assert_int_equal(rrd_agent_capacity_per_day(alice), 40);
	assert_true(rrd_agent_has_type(alice, "salesperson"));
	assert_true(rrd_agent_has_skill(alice, "spanish"));
	assert_int_equal(rrd_agent_weight(s->agents[1]), 3);
	assert_true(rrd_agent_paused(s->agents[2]));
	assert_false(rrd_agent_active(s->agents[4]));
	assert_int_equal(rrd__scenario_agent(s, "mgr"), 5);
	assert_int_equal(rrd__scenario_agent(s, "nobody"), -1);
	rrd__scenario_free(s);
}

static void test_agent_postal_code_resolves_to_its_centroid(void **state)
{
	(void)state;
	assert_non_null(sim_postal);
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load(SIM_FULL_DOC, &s), RRD_OK);
	double lat, lon;
	assert_true(rrd_agent_location(s->agents[0], &lat, &lon));
	assert_true(fabs(lat - 40.75) < 0.01);
	assert_true(fabs(lon - -73.99) < 0.01);
	assert_true(rrd_agent_location(s->agents[1], &lat, &lon));
	assert_true(lat == 34.05 && lon == -118.24);
	assert_false(rrd_agent_location(s->agents[2], NULL, NULL));
	rrd__scenario_free(s);
}

static void test_agent_location_wins_over_postal_code(void **state)
{
	(void)state;
	rrd_scenario *s = sim_expect_load(
		"'agents':[{'id':'a','location':{'lat':1.5,'lon':2.5},'postal_code':'10001'}]");
	double lat, lon;
	assert_true(rrd_agent_location(s->agents[0], &lat, &lon));
	assert_true(lat == 1.5 && lon == 2.5);
	rrd__scenario_free(s);
}

static void test_full_document_pools_read_back(void **state)
{
	(void)state;
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load(SIM_FULL_DOC, &s), RRD_OK);
	assert_int_equal(s->pool_count, 4);
	const rrd_pool *web = s->pools[0];
	assert_string_equal(rrd_pool_id(web), "web");
	assert_int_equal(rrd_pool_kind(web), RRD_KIND_LEAD);
	assert_int_equal(rrd_pool_strategy(web), RRD_STRATEGY_ROUND_ROBIN);
	assert_int_equal(rrd_pool_claim_window(web), 5 * RRD_MINUTE);
	assert_true(rrd_pool_auto_drain(web));
	assert_int_equal(rrd_pool_member_count(web), 3);
	assert_string_equal(rrd_pool_member(web, 2), "carol");
	assert_int_equal(rrd_pool_strategy(s->pools[1]), RRD_STRATEGY_LEAST_BUSY);
	assert_int_equal(rrd_pool_claim_window(s->pools[2]), RRD_NO_WINDOW);
	assert_int_equal(rrd_pool_kind(s->pools[3]), RRD_KIND_CUSTOMER);
	assert_int_equal(rrd_pool_strategy(s->pools[3]), RRD_STRATEGY_PIRANHA);
	assert_int_equal(rrd__scenario_pool(s, "service"), 3);
	rrd__scenario_free(s);
}

static void test_full_document_rules_read_back(void **state)
{
	(void)state;
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load(SIM_FULL_DOC, &s), RRD_OK);
	assert_int_equal(s->rule_count, 2);
	const rrd_rule *r = s->rules[0];
	assert_string_equal(rrd_rule_id(r), "zillow");
	assert_string_equal(rrd_rule_pool(r), "web");
	assert_int_equal(rrd_rule_source_count(r), 2);
	assert_string_equal(rrd_rule_source(r, 1), "trulia");
	assert_int_equal(rrd_rule_kind(r), RRD_KIND_LEAD);
	assert_int_equal(rrd_rule_attr_count(r), 1);
	assert_int_equal(rrd_rule_strategy(r), RRD_STRATEGY_PIRANHA);
	assert_int_equal(rrd_rule_claim_window(r), 10 * RRD_MINUTE);
	assert_string_equal(rrd_rule_calendar(r), "east");
	assert_int_equal(rrd_rule_max_offers(r), 3);
	assert_int_equal(rrd_rule_overflow_count(r), 2);
	assert_string_equal(rrd_rule_overflow(r, 1), "managers");
	assert_int_equal(rrd_rule_strategy(s->rules[1]), RRD_STRATEGY_INHERIT);
	assert_int_equal(rrd_rule_claim_window(s->rules[1]), RRD_WINDOW_INHERIT);
	assert_int_equal(rrd__scenario_rule(s, "default"), 1);
	rrd__scenario_free(s);
}

static void test_full_document_records_read_back(void **state)
{
	(void)state;
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load(SIM_FULL_DOC, &s), RRD_OK);
	assert_int_equal(s->record_count, 2);
	const rrd_record *r = s->records[0];
	assert_string_equal(rrd_record_id(r), "C-1001");
	assert_int_equal(rrd_record_kind(r), RRD_KIND_CUSTOMER);
	assert_int_equal(rrd_record_status_of(r), RRD_RECORD_PENDING);
	assert_string_equal(rrd_record_owner(r), "alice");
	assert_int_equal(rrd_record_role_count(r), 3);
	assert_string_equal(rrd_record_role(r, "sales_bdc"), "dan");
	assert_string_equal(rrd_record_role(r, "closer"), "erin");
	assert_string_equal(rrd_record_attr(r, "segment"), "service");
	assert_int_equal(rrd_record_created_at(r), SIM_START);
	double lat, lon;
	assert_true(rrd_record_location(r, &lat, &lon));
	assert_true(fabs(lat - 33.75) < 0.01 && fabs(lon - -84.39) < 0.01);
	assert_int_equal(rrd__scenario_record(s, "C-1002"), 1);
	rrd__scenario_free(s);
}

static void test_record_status_defaults_to_pending_with_owner_else_queued(void **state)
{
	(void)state;
	rrd_scenario *s = sim_expect_load("'agents':[{'id':'a'}],'records':[{'id':'R1','owner':'a'},"
					  "{'id':'R2'}]");
	assert_int_equal(rrd_record_status_of(s->records[0]), RRD_RECORD_PENDING);
	assert_int_equal(rrd_record_status_of(s->records[1]), RRD_RECORD_QUEUED);
	assert_int_equal(rrd_record_kind(s->records[1]), RRD_KIND_LEAD);
	rrd__scenario_free(s);
}

static void test_full_document_events_read_back(void **state)
{
	(void)state;
	static const rrd_sim_op ops[] = {
		RRD_SIM_LEAD, RRD_SIM_CLAIM, RRD_SIM_DECLINE, RRD_SIM_ASSIGN, RRD_SIM_REASSIGN,
		RRD_SIM_TRANSFER, RRD_SIM_REDISTRIBUTE, RRD_SIM_UNDO, RRD_SIM_FOLLOW_UP,
		RRD_SIM_AGENT, RRD_SIM_POOL_ADD, RRD_SIM_POOL_REMOVE, RRD_SIM_ADVANCE,
	};
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load(SIM_FULL_DOC, &s), RRD_OK);
	assert_int_equal(s->event_count, 13);
	for (size_t i = 0; i < 13; i++) {
		assert_int_equal(s->events[i].op, ops[i]);
		assert_int_equal(s->events[i].index, i);
		/* Each event is its object's text in the document. */
		assert_true(s->events[i].len >= 2);
		assert_int_equal(s->text[s->events[i].off], '{');
		assert_int_equal(s->text[s->events[i].off + s->events[i].len - 1], '}');
	}
	/* Nothing is held parsed once loaded. */
	assert_null(s->doc);
	assert_null(s->event_json);
	assert_memory_equal(s->text + s->events[0].off, "{\"at\":\"+0s\",\"op\":\"lead\"", 23);
	assert_memory_equal(s->text + s->events[12].off + s->events[12].len - 15,
			    "\"op\":\"advance\"}", 15);
	assert_int_equal(s->events[0].at, SIM_START);
	assert_string_equal(str_field(s, 0, "id"), "L1");
	assert_int_equal(s->events[1].at, SIM_START + RRD_MINUTE);
	assert_int_equal(s->events[2].at, SIM_START + RRD_MINUTE);
	/* 09:05 at +01:00 is 08:05 UTC. */
	assert_int_equal(s->events[3].at, SIM_START + 5 * RRD_MINUTE);
	assert_string_equal(str_field(s, 5, "new_id"), "L1-b");
	assert_int_equal(s->events[12].at, SIM_START + 30 * RRD_MINUTE + 750);
	rrd__scenario_free(s);
}

static void test_op_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < RRD_SIM_OP_COUNT; i++) {
		rrd_sim_op op;
		const char *name = rrd__sim_op_name((rrd_sim_op)i);
		assert_non_null(name);
		assert_int_equal(rrd__sim_op_parse(name, &op), 0);
		assert_int_equal(op, i);
	}
	assert_null(rrd__sim_op_name((rrd_sim_op)RRD_SIM_OP_COUNT));
	rrd_sim_op op;
	assert_int_equal(rrd__sim_op_parse("pool_add", &op), -1);
}

static void test_minimal_document_takes_defaults(void **state)
{
	(void)state;
	rrd_scenario *s = sim_expect_load("");
	assert_int_equal(s->start, SIM_START);
	assert_int_equal(s->end, SIM_START);
	assert_int_equal(s->seed, 0);
	assert_int_equal(s->redistribute_max, RRD_SCENARIO_REDISTRIBUTE_MAX_DEFAULT);
	assert_int_equal(s->explain, 0);
	assert_int_equal(s->agent_count + s->pool_count + s->rule_count + s->record_count +
				 s->calendar_count + s->event_count, 0);
	rrd__scenario_free(s);
}

static void test_empty_and_null_sections_load(void **state)
{
	(void)state;
	rrd_scenario *s = sim_expect_load("'agents':[],'pools':null,'events':[]");
	assert_int_equal(s->agent_count, 0);
	assert_int_equal(s->event_count, 0);
	rrd__scenario_free(s);
}

static void test_end_defaults_to_last_event(void **state)
{
	(void)state;
	rrd_scenario *s = sim_expect_load("'events':[{'at':'+1h','op':'advance'},"
					  "{'at':'+2h30m','op':'advance'}]");
	assert_int_equal(s->end, SIM_START + 2 * RRD_HOUR + 30 * RRD_MINUTE);
	rrd__scenario_free(s);
}

static void test_end_may_be_absolute(void **state)
{
	(void)state;
	rrd_scenario *s = sim_expect_load("'end':'2026-03-02T12:00:00-05:00'");
	assert_int_equal(s->end, SIM_START + 9 * RRD_HOUR);
	rrd__scenario_free(s);
}

static void test_start_with_offset_and_fraction(void **state)
{
	(void)state;
	rrd_scenario *s = NULL;
	assert_int_equal(sim_load("{'format':'rrdist-scenario/1',"
				  "'start':'2026-03-02T09:00:00.250+01:00'}", &s), RRD_OK);
	assert_int_equal(s->start, SIM_START + 250);
	rrd__scenario_free(s);
}

static void test_references_inside_events_are_not_checked(void **state)
{
	(void)state;
	rrd_scenario *s = sim_expect_load(
		"'events':[{'at':'+0s','op':'claim','lead':'nope','agent':'nobody'},"
		"{'at':'+0s','op':'lead','id':'L1','pool':'no-pool','postal_code':'00000'},"
		"{'at':'+0s','op':'agent','id':'new','calendar':'no-cal','postal_code':'00000'},"
		"{'at':'+0s','op':'transfer','lead':'L1','partner':'p','new_id':'L2'},"
		"{'at':'+0s','op':'undo','job':'J9'}]");
	assert_int_equal(s->event_count, 5);
	rrd__scenario_free(s);
}

static void test_events_at_the_same_instant_load(void **state)
{
	(void)state;
	rrd_scenario *s = sim_expect_load("'events':[{'at':'+5s','op':'advance'},"
					  "{'at':'2026-03-02T08:00:05Z','op':'advance'}]");
	assert_int_equal(s->events[0].at, s->events[1].at);
	rrd__scenario_free(s);
}

static void test_document_with_trailing_newline_and_nul_loads(void **state)
{
	(void)state;
	static const char doc[] = "{\"format\":\"rrdist-scenario/1\","
				  "\"start\":\"2026-03-02T08:00:00Z\"}\n";
	rrd_scenario *s = NULL;
	assert_int_equal(rrd__scenario_load(&s, doc, sizeof doc, NULL), RRD_OK);
	rrd__scenario_free(s);
}

static void test_without_postal_table_postal_codes_are_unknown(void **state)
{
	(void)state;
	static const char doc[] = "{\"format\":\"rrdist-scenario/1\","
				  "\"start\":\"2026-03-02T08:00:00Z\","
				  "\"agents\":[{\"id\":\"a\",\"postal_code\":\"10001\"}]}";
	rrd_scenario *s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load(&s, doc, strlen(doc), NULL), RRD_E_PARSE);
	assert_null(s);
	/* The code exists: the message says what is missing. */
	assert_string_equal(rrd_error_last(), "$.agents[0].postal_code: unknown postal code "
					      "\"10001\": no postal table is loaded (give one "
					      "with --postal FILE)");
}

static void test_null_arguments_are_invalid(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(rrd__scenario_load(NULL, "{}", 2, NULL), RRD_E_INVALID);
	assert_int_equal(rrd__scenario_load(&s, NULL, 2, NULL), RRD_E_INVALID);
	rrd__scenario_free(NULL);
}

/* ---- The document as a whole. ---- */

static void test_truncated_json_is_refused(void **state)
{
	(void)state;
	const char *json = sim_json(SIM_FULL_DOC);
	rrd_scenario *s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load(&s, json, strlen(json) / 2, sim_postal), RRD_E_PARSE);
	assert_null(s);
	assert_non_null(strstr(rrd_error_last(), "$: not JSON"));
	assert_non_null(strstr(rrd_error_last(), "line 1, column"));
}

static void test_empty_input_is_not_json(void **state)
{
	(void)state;
	rrd_scenario *s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load(&s, "", 0, NULL), RRD_E_PARSE);
	assert_null(s);
	assert_non_null(strstr(rrd_error_last(), "$: not JSON"));
}

static void test_syntax_error_names_its_line(void **state)
{
	(void)state;
	static const char doc[] = "{\n\"format\": \"rrdist-scenario/1\",\n\"start\": ,\n}";
	rrd_scenario *s;
	assert_int_equal(rrd__scenario_load(&s, doc, strlen(doc), NULL), RRD_E_PARSE);
	assert_non_null(strstr(rrd_error_last(), "line 3"));
}

static void test_text_after_the_document_is_refused(void **state)
{
	(void)state;
	static const char doc[] = "{\"format\":\"rrdist-scenario/1\","
				  "\"start\":\"2026-03-02T08:00:00Z\"} {}";
	rrd_scenario *s;
	assert_int_equal(rrd__scenario_load(&s, doc, strlen(doc), NULL), RRD_E_PARSE);
	assert_non_null(strstr(rrd_error_last(), "$: not JSON: text after the document"));
}

static void test_top_level_array_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(rrd__scenario_load(&s, "[]", 2, NULL), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$: expected an object");
}

static void test_document_over_the_size_cap_is_refused(void **state)
{
	(void)state;
	/* Refused on its length alone, before a byte is read. */
	char *big = malloc(RRD_SCENARIO_BYTES_MAX + 1);
	assert_non_null(big);
	rrd_scenario *s = (rrd_scenario *)1;
	assert_int_equal(rrd__scenario_load(&s, big, RRD_SCENARIO_BYTES_MAX + 1, NULL),
			 RRD_E_PARSE);
	assert_null(s);
	assert_non_null(strstr(rrd_error_last(), "$: the document is"));
	free(big);
}

/* A check tells that fault too, as the one fault of the document. */
static void test_check_each_tells_a_document_over_the_size_cap(void **state)
{
	(void)state;
	char *big = malloc(RRD_SCENARIO_BYTES_MAX + 1);
	assert_non_null(big);
	fault_log f = FAULT_LOG_INIT;
	assert_int_equal(rrd_scenario_check_each(big, RRD_SCENARIO_BYTES_MAX + 1, NULL,
						 fault_log_note, &f),
			 RRD_E_PARSE);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.last, "$: the document is 268435457 bytes; at most 268435456 are "
				    "allowed");
	free(big);
}

static void test_unknown_format_version_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'format':'rrdist-scenario/2','start':'2026-03-02T08:00:00Z'}",
				  &s), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$.format: expected \"rrdist-scenario/1\"");
}

static void test_missing_format_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'start':'2026-03-02T08:00:00Z'}", &s), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$.format: expected \"rrdist-scenario/1\"");
}

static void test_format_of_wrong_type_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'format':1,'start':'2026-03-02T08:00:00Z'}", &s), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$.format: expected \"rrdist-scenario/1\"");
}

static void test_missing_start_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'format':'rrdist-scenario/1'}", &s), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$.start: required time is missing");
}

static void test_relative_start_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'format':'rrdist-scenario/1','start':'+1d'}", &s), RRD_E_PARSE);
	assert_non_null(strstr(rrd_error_last(), "$.start: expected an RFC 3339 time"));
}

static void test_start_on_a_date_that_does_not_exist_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'format':'rrdist-scenario/1','start':'2026-02-30T08:00:00Z'}",
				  &s), RRD_E_PARSE);
	assert_non_null(strstr(rrd_error_last(), "$.start: "));
}

static void test_negative_seed_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'seed':-1", "$.seed");
}

static void test_fractional_seed_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'seed':1.5", "$.seed");
}

static void test_limits_of_wrong_type_are_refused(void **state)
{
	(void)state;
	sim_expect_fault("'limits':[1]", "$.limits");
}

static void test_negative_redistribute_max_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'limits':{'redistribute_max':-5}", "$.limits.redistribute_max");
}

static void test_explain_of_wrong_type_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'explain':'yes'", "$.explain");
}

static void test_section_of_wrong_type_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'agents':{'id':'a'}", "$.agents", "expected an array");
	sim_expect_fault("'events':'soon'", "$.events");
}

static void test_end_before_last_event_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'end':'+1h','events':[{'at':'+30m','op':'advance'},"
			     "{'at':'+2h','op':'advance'}]",
			     "$.end", "earlier than the last event ($.events[1].at)");
}

static void test_end_before_start_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'end':'2026-03-01T08:00:00Z'", "$.end", "earlier than start");
}

static void test_malformed_end_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'end':'tomorrow'", "$.end");
	sim_expect_fault("'end':'-1d'", "$.end");
	sim_expect_fault("'end':86400", "$.end");
}

/* ---- calendars ---- */

static void test_calendar_interval_ending_before_it_starts_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'calendars':[{'id':'c','timezone':'UTC',"
			     "'hours':{'mon':[['09:00','17:00']],'tue':[['12:00','12:00']]}}]",
			     "$.calendars[0].hours.tue[0]", "start before it ends");
}

static void test_calendar_with_no_open_hours_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'calendars':[{'id':'c','timezone':'UTC','hours':{'sat':[]}}]",
			 "$.calendars[0].hours");
	sim_expect_fault("'calendars':[{'id':'c','timezone':'UTC'}]", "$.calendars[0].hours");
}

static void test_calendar_with_unknown_zone_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'calendars':[{'id':'c','timezone':'Mars/Olympus',"
			 "'hours':{'mon':[['09:00','17:00']]}}]",
			 "$.calendars[0].timezone");
}

static void test_calendar_with_bad_holiday_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'calendars':[{'id':'c','timezone':'UTC',"
			 "'hours':{'mon':[['09:00','17:00']]},'holidays':['2026-02-30']}]",
			 "$.calendars[0].holidays[0]");
}

static void test_repeated_calendar_id_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'calendars':[{'id':'c','timezone':'UTC','hours':{'mon':[['09:00','17:00']]}},"
			     "{'id':'c','timezone':'UTC','hours':{'mon':[['09:00','17:00']]}}]",
			     "$.calendars[1].id", "$.calendars[0]");
}

/* ---- agents ---- */

static void test_agent_without_id_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'agents':[{'types':['closer']}]", "$.agents[0].id");
}

static void test_agent_id_longer_than_255_bytes_is_refused(void **state)
{
	(void)state;
	char body[600];
	char id[300];
	memset(id, 'x', 256);
	id[256] = '\0';
	snprintf(body, sizeof body, "'agents':[{'id':'%s'}]", id);
	sim_expect_fault(body, "$.agents[0].id");
}

static void test_agent_field_of_wrong_type_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'agents':[{'id':'a','weight':'heavy'}]", "$.agents[0].weight");
	sim_expect_fault("'agents':[{'id':'a','active':1}]", "$.agents[0].active");
	sim_expect_fault("'agents':[{'id':'a','types':'closer'}]", "$.agents[0].types");
}

static void test_agent_weight_of_zero_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'agents':[{'id':'a','weight':0}]", "$.agents[0].weight");
	sim_expect_fault("'agents':[{'id':'a','weight':-2}]", "$.agents[0].weight");
}

static void test_huge_agent_weight_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'agents':[{'id':'a','weight':1e300}]", "$.agents[0].weight");
}

static void test_negative_capacity_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'agents':[{'id':'a','capacity':{'open':-1}}]",
			 "$.agents[0].capacity.open");
	sim_expect_fault("'agents':[{'id':'a','capacity':{'per_day':-3}}]",
			 "$.agents[0].capacity.per_day");
}

static void test_repeated_agent_id_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'agents':[{'id':'a'},{'id':'b'},{'id':'a'}]", "$.agents[2].id",
			     "repeats the id \"a\" of $.agents[0]");
}

static void test_agent_with_unknown_calendar_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'agents':[{'id':'a','calendar':'east'}]", "$.agents[0].calendar",
			     "unknown calendar \"east\"");
}

static void test_agent_with_unknown_postal_code_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'agents':[{'id':'a','postal_code':'00000'}]",
			     "$.agents[0].postal_code", "unknown postal code \"00000\"");
	/* A table is loaded: the code is not in it, and that is all. */
	assert_string_equal(rrd_error_last(),
			    "$.agents[0].postal_code: unknown postal code \"00000\"");
}

static void test_agent_location_out_of_range_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'agents':[{'id':'a','location':{'lat':91,'lon':0}}]",
			 "$.agents[0].location");
}

/* ---- pools ---- */

#define TWO_AGENTS "'agents':[{'id':'alice'},{'id':'bob'}],"

static void test_pool_with_unknown_strategy_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(TWO_AGENTS "'pools':[{'id':'p','kind':'lead','strategy':'fastest'}]",
			     "$.pools[0].strategy", "unknown strategy \"fastest\"");
}

static void test_pool_with_unknown_kind_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'pools':[{'id':'p','kind':'prospect'}]", "$.pools[0].kind");
}

static void test_negative_claim_window_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'pools':[{'id':'p','kind':'lead','claim_window':'-5m'}]",
			 "$.pools[0].claim_window");
}

static void test_malformed_claim_window_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'pools':[{'id':'p','kind':'lead','claim_window':'5 minutes'}]",
			 "$.pools[0].claim_window");
	sim_expect_fault("'pools':[{'id':'p','kind':'lead','claim_window':300}]",
			 "$.pools[0].claim_window");
}

/* The scenario format's units are d h m s: the "ms" a configuration
 * document takes is not one of them, for windows and times alike. */
static void test_a_millisecond_duration_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'pools':[{'id':'p','kind':'lead','claim_window':'500ms'}]",
			     "$.pools[0].claim_window",
			     ": \"500ms\" is not a duration of at most 36600d, such as \"90s\" "
			     "or \"1h30m\"");
	sim_expect_fault_msg("'pools':[{'id':'p','kind':'lead'}],"
			     "'rules':[{'id':'r','pool':'p','claim_window':'1s500ms'}]",
			     "$.rules[0].claim_window",
			     ": \"1s500ms\" is not a duration of at most 36600d, such as \"90s\" "
			     "or \"1h30m\"");
	sim_expect_fault("'events':[{'at':'+500ms','op':'advance'}]", "$.events[0].at");
	sim_expect_fault("'end':'+1s500ms'", "$.end");
}

static void test_huge_claim_window_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'pools':[{'id':'p','kind':'lead','claim_window':'99999999999d'}]",
			 "$.pools[0].claim_window");
}

static void test_pool_with_unknown_member_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(TWO_AGENTS "'pools':[{'id':'p','kind':'lead',"
			     "'members':['alice','zed']}]",
			     "$.pools[0].members[1]", "unknown agent \"zed\"");
}

static void test_pool_with_repeated_member_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(TWO_AGENTS "'pools':[{'id':'p','kind':'lead','members':['bob','bob']}]",
			 "$.pools[0].members[1]");
}

static void test_repeated_pool_id_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'pools':[{'id':'p','kind':'lead'},{'id':'p','kind':'deal'}]",
			 "$.pools[1].id");
}

static void test_auto_drain_on_piranha_pool_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(TWO_AGENTS "'pools':[{'id':'p','kind':'lead','strategy':'piranha',"
			     "'members':['alice'],'auto_drain':true}]",
			     "$.pools[0].auto_drain", "piranha");
}

/* ---- rules ---- */

#define POOLS                                                                   \
	TWO_AGENTS "'pools':[{'id':'web','kind':'lead','members':['alice']},"   \
	"{'id':'backup','kind':'lead','members':['bob']},"                    \
	"{'id':'deals','kind':'deal','members':['bob']}],"

static void test_rule_with_unknown_pool_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'format':'rrdist-scenario/1','start':'2026-03-02T08:00:00Z',"
				  POOLS "'rules':[{'id':'a','pool':'web'},{'id':'b','pool':'web'},"
				  "{'id':'c','pool':'west'}]}", &s), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$.rules[2].pool: unknown pool \"west\"");
}

static void test_rule_without_pool_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(POOLS "'rules':[{'id':'a'}]", "$.rules[0].pool");
}

static void test_rule_with_unknown_overflow_pool_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(POOLS "'rules':[{'id':'a','pool':'web','overflow':['backup','gone']}]",
			     "$.rules[0].overflow[1]", "unknown pool \"gone\"");
}

static void test_rule_with_unknown_calendar_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(POOLS "'rules':[{'id':'a','pool':'web','calendar':'east'}]",
			     "$.rules[0].calendar", "unknown calendar \"east\"");
}

static void test_rule_mixing_kinds_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(POOLS "'rules':[{'id':'a','pool':'web','overflow':['backup','deals']}]",
			     "$.rules[0].overflow[1]", "one kind");
}

static void test_rule_whose_kind_is_not_its_pools_is_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'format':'rrdist-scenario/1','start':'2026-03-02T08:00:00Z',"
				  POOLS "'rules':[{'id':'a','pool':'web'},{'id':'b','pool':'deals'},"
				  "{'id':'c','pool':'web','match':{'kind':'deal'}}]}", &s),
			 RRD_E_PARSE);
	assert_string_equal(rrd_error_last(),
			    "$.rules[2].match.kind: pool \"web\" holds leads, not deals");
	/* Its overflow pools are of the pool's kind, so the first names it. */
	sim_expect_fault_msg(POOLS "'rules':[{'id':'a','pool':'backup','overflow':['web'],"
			     "'match':{'kind':'customer'}}]",
			     "$.rules[0].match.kind", "pool \"backup\" holds leads, not customers");
	rrd__scenario_free(sim_expect_load(POOLS "'rules':[{'id':'a','pool':'deals',"
					   "'match':{'kind':'deal'}}]"));
}

static void test_rule_with_unknown_strategy_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(POOLS "'rules':[{'id':'a','pool':'web','strategy':'telepathy'}]",
			 "$.rules[0].strategy");
}

static void test_rule_with_negative_window_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(POOLS "'rules':[{'id':'a','pool':'web','claim_window':'-5m'}]",
			 "$.rules[0].claim_window");
}

static void test_rule_match_of_wrong_type_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(POOLS "'rules':[{'id':'a','pool':'web','match':{'kind':'house'}}]",
			 "$.rules[0].match.kind");
	sim_expect_fault(POOLS "'rules':[{'id':'a','pool':'web','match':{'attrs':{'x':1}}}]",
			 "$.rules[0].match.attrs.x");
}

static void test_rule_with_empty_source_or_calendar_is_a_parse_fault(void **state)
{
	(void)state;
	sim_expect_fault(POOLS "'rules':[{'id':'a','pool':'web','match':{'source':''}}]",
			 "$.rules[0].match.source");
	sim_expect_fault(POOLS "'rules':[{'id':'a','pool':'web','calendar':''}]", "$.rules[0].calendar");
}

static void test_repeated_rule_id_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(POOLS "'rules':[{'id':'a','pool':'web'},{'id':'a','pool':'backup'}]",
			 "$.rules[1].id");
}

/* ---- records ---- */

#define PEOPLE "'agents':[{'id':'alice'},{'id':'dan'}],"

static void test_record_with_unknown_status_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(PEOPLE "'records':[{'id':'R','status':'won'}]", "$.records[0].status",
			     "\"won\" is not one of");
}

/* Imported records whose status and owner disagree would be stuck: an
 * offered one without an offer, a claimed one without an owner. */
static void test_record_whose_status_and_owner_disagree_is_refused(void **state)
{
	(void)state;
	static const struct {
		const char *record, *message;
	} bad[] = {
		{ "'status':'pending'", "a pending record needs an owner" },
		{ "'status':'claimed'", "a claimed record needs an owner" },
		{ "'status':'new','owner':'alice'",
		  "a new record has no owner, but this one names \"alice\"" },
		{ "'status':'queued','owner':'alice'",
		  "a queued record has no owner, but this one names \"alice\"" },
		{ "'status':'offered','owner':'alice'",
		  "an offered record cannot be imported: there is no offer to import" },
		{ "'status':'offered'",
		  "an offered record cannot be imported: there is no offer to import" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char body[256];
		snprintf(body, sizeof body, PEOPLE "'records':[{'id':'Q'},{'id':'R',%s}]",
			 bad[i].record);
		sim_expect_fault_msg(body, "$.records[1].status", bad[i].message);
	}
	rrd_scenario *s = sim_expect_load(PEOPLE "'records':[{'id':'A','status':'new'},"
					  "{'id':'B','status':'queued'},"
					  "{'id':'C','status':'pending','owner':'alice'},"
					  "{'id':'D','status':'claimed','owner':'dan'},"
					  "{'id':'E','status':'deactivated','owner':'dan'},"
					  "{'id':'F','status':'deactivated'}]");
	assert_int_equal(s->record_count, 6);
	rrd__scenario_free(s);
}

static void test_record_with_unknown_kind_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(PEOPLE "'records':[{'id':'R','kind':'house'}]", "$.records[0].kind");
}

static void test_record_with_unknown_owner_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(PEOPLE "'records':[{'id':'R','owner':'zed'}]", "$.records[0].owner",
			     "unknown agent \"zed\"");
}

static void test_record_with_unknown_role_agent_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(PEOPLE "'records':[{'id':'R','owner':'alice',"
			     "'roles':{'salesperson':'alice','closer':'erin'}}]",
			     "$.records[0].roles.closer", "unknown agent \"erin\"");
}

static void test_record_with_unknown_postal_code_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg(PEOPLE "'records':[{'id':'R','postal_code':'00000'}]",
			     "$.records[0].postal_code", "unknown postal code");
}

static void test_record_attrs_of_wrong_type_are_refused(void **state)
{
	(void)state;
	sim_expect_fault(PEOPLE "'records':[{'id':'R','attrs':{'segment':3}}]",
			 "$.records[0].attrs.segment");
	sim_expect_fault(PEOPLE "'records':[{'id':'R','attrs':['a']}]", "$.records[0].attrs");
}

static void test_repeated_record_id_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(PEOPLE "'records':[{'id':'R'},{'id':'S'},{'id':'R'}]", "$.records[2].id");
}

static void test_record_without_id_is_refused(void **state)
{
	(void)state;
	sim_expect_fault(PEOPLE "'records':[{'kind':'lead'}]", "$.records[0].id");
	sim_expect_fault(PEOPLE "'records':['R1']", "$.records[0]");
}

/* ---- events ---- */

static void test_event_that_is_not_an_object_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'advance'},42]", "$.events[1]");
}

static void test_event_without_at_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'op':'advance'}]", "$.events[0].at");
}

static void test_event_with_malformed_at_is_refused(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'noon','op':'advance'}]", "$.events[0].at");
	sim_expect_fault("'events':[{'at':'-5m','op':'advance'}]", "$.events[0].at");
	sim_expect_fault("'events':[{'at':'2026-03-02T24:00:00Z','op':'advance'}]",
			 "$.events[0].at");
}

static void test_events_going_back_in_time_are_refused(void **state)
{
	(void)state;
	rrd_scenario *s;
	assert_int_equal(sim_load("{'format':'rrdist-scenario/1','start':'2026-03-02T08:00:00Z',"
				  "'events':[{'at':'+1m','op':'advance'},{'at':'+2m','op':'advance'},"
				  "{'at':'+3m','op':'advance'},{'at':'+2m59s','op':'advance'}]}", &s),
			 RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "$.events[3].at: earlier than the event before it");
}

static void test_event_before_start_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'events':[{'at':'2026-03-02T07:59:59Z','op':'advance'}]",
			     "$.events[0].at", "earlier than start");
}

static void test_unknown_op_is_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'events':[{'at':'+0s','op':'teleport'}]", "$.events[0].op",
			     "unknown op \"teleport\"");
	sim_expect_fault("'events':[{'at':'+0s'}]", "$.events[0].op");
	sim_expect_fault("'events':[{'at':'+0s','op':7}]", "$.events[0].op");
}

static void test_lead_fields_of_wrong_type_are_refused(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'lead'}]", "$.events[0].id");
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':5}]", "$.events[0].id");
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':'L','kind':'house'}]",
			 "$.events[0].kind");
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':'L','source':['web']}]",
			 "$.events[0].source");
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':'L','attrs':{'lang':true}}]",
			 "$.events[0].attrs.lang");
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':'L','postal_code':10001}]",
			 "$.events[0].postal_code");
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':'L','pool':{}}]",
			 "$.events[0].pool");
}

static void test_lead_location_must_be_numbers_in_range(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':'L',"
			 "'location':{'lat':'40','lon':-73}}]", "$.events[0].location.lat");
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':'L',"
			 "'location':{'lat':40}}]", "$.events[0].location");
	sim_expect_fault("'events':[{'at':'+0s','op':'lead','id':'L',"
			 "'location':{'lat':40,'lon':181}}]", "$.events[0].location");
}

static void test_lead_id_longer_than_255_bytes_is_refused(void **state)
{
	(void)state;
	char body[700];
	char id[300];
	memset(id, 'L', 256);
	id[256] = '\0';
	snprintf(body, sizeof body, "'events':[{'at':'+0s','op':'lead','id':'%s'}]", id);
	sim_expect_fault(body, "$.events[0].id");
}

static void test_claim_decline_assign_need_lead_and_agent(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'claim','lead':'L'}]", "$.events[0].agent");
	sim_expect_fault("'events':[{'at':'+0s','op':'decline','agent':'a'}]", "$.events[0].lead");
	sim_expect_fault("'events':[{'at':'+0s','op':'assign','lead':'L','agent':['a']}]",
			 "$.events[0].agent");
}

static void test_flags_of_wrong_type_are_refused(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'assign','lead':'L','agent':'a',"
			 "'notify':'no'}]", "$.events[0].notify");
	sim_expect_fault("'events':[{'at':'+0s','op':'reassign','lead':'L','to':{'agent':'a'},"
			 "'force':1}]", "$.events[0].force");
}

static void test_reassign_needs_one_of_lead_and_leads(void **state)
{
	(void)state;
	sim_expect_fault_msg("'events':[{'at':'+0s','op':'reassign','lead':'L','leads':['M'],"
			     "'to':{'agent':'a'}}]", "$.events[0]", "exactly one of lead, leads");
	sim_expect_fault("'events':[{'at':'+0s','op':'reassign','to':{'agent':'a'}}]",
			 "$.events[0]");
	sim_expect_fault("'events':[{'at':'+0s','op':'reassign','leads':['M',3],"
			 "'to':{'agent':'a'}}]", "$.events[0].leads[1]");
}

static void test_reassign_target_must_be_exactly_one(void **state)
{
	(void)state;
	sim_expect_fault_msg("'events':[{'at':'+0s','op':'reassign','lead':'L',"
			     "'to':{'agent':'a','pool':'p'}}]",
			     "$.events[0].to", "exactly one of agent, pool, nearest");
	sim_expect_fault("'events':[{'at':'+0s','op':'reassign','lead':'L'}]", "$.events[0].to");
	sim_expect_fault("'events':[{'at':'+0s','op':'reassign','lead':'L','to':'a'}]",
			 "$.events[0].to");
	sim_expect_fault("'events':[{'at':'+0s','op':'reassign','lead':'L',"
			 "'to':{'nearest':{'types':'closer'}}}]", "$.events[0].to.nearest.types");
}

static void test_transfer_needs_lead_partner_and_new_id(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'transfer','lead':'L','partner':'p'}]",
			 "$.events[0].new_id");
	sim_expect_fault("'events':[{'at':'+0s','op':'transfer','lead':'L','new_id':'M'}]",
			 "$.events[0].partner");
	sim_expect_fault("'events':[{'at':'+0s','op':'transfer','lead':'L','partner':'p',"
			 "'new_id':'M','agent':7}]", "$.events[0].agent");
}

static void test_redistribute_from_and_to_are_checked(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'redistribute','to':{'agents':['a']}}]",
			 "$.events[0].from");
	sim_expect_fault("'events':[{'at':'+0s','op':'redistribute','from':{'agent':'a'}}]",
			 "$.events[0].to");
	sim_expect_fault_msg("'events':[{'at':'+0s','op':'redistribute',"
			     "'from':{'agent':'a','records':['R']},'to':{'agents':['b']}}]",
			     "$.events[0].from", "exactly one of agent, records, filter");
	sim_expect_fault("'events':[{'at':'+0s','op':'redistribute',"
			 "'from':{'agent':'a','roles':'closer'},'to':{'agents':['b']}}]",
			 "$.events[0].from.roles");
	sim_expect_fault("'events':[{'at':'+0s','op':'redistribute',"
			 "'from':{'records':['R']},'to':{'types':'closer'}}]",
			 "$.events[0].to.types");
	sim_expect_fault("'events':[{'at':'+0s','op':'redistribute',"
			 "'from':{'records':['R']},'to':{}}]", "$.events[0].to");
}

static void test_redistribute_filter_is_checked(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'redistribute',"
			 "'from':{'filter':{'status':'won'}},'to':{'agents':['b']}}]",
			 "$.events[0].from.filter.status");
	sim_expect_fault("'events':[{'at':'+0s','op':'redistribute',"
			 "'from':{'filter':{'kind':'house'}},'to':{'agents':['b']}}]",
			 "$.events[0].from.filter.kind");
	sim_expect_fault("'events':[{'at':'+0s','op':'redistribute',"
			 "'from':{'filter':{'reassigned_since':'yesterday'}},'to':{'agents':['b']}}]",
			 "$.events[0].from.filter.reassigned_since");
	rrd_scenario *s = sim_expect_load(
		"'events':[{'at':'+0s','op':'redistribute','from':{'filter':{'kind':'lead',"
		"'owner':'a','status':'pending','types':['closer'],'attrs':{'x':'y'},"
		"'reassigned_since':'+0s'}},'to':{'agents':['b']}}]");
	rrd__scenario_free(s);
}

static void test_undo_follow_up_and_membership_fields_are_checked(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'undo'}]", "$.events[0].job");
	sim_expect_fault("'events':[{'at':'+0s','op':'follow_up','status':'called'}]",
			 "$.events[0].leads");
	sim_expect_fault("'events':[{'at':'+0s','op':'follow_up','leads':['L'],'status':1}]",
			 "$.events[0].status");
	sim_expect_fault("'events':[{'at':'+0s','op':'pool.add','agent':'a'}]", "$.events[0].pool");
	sim_expect_fault("'events':[{'at':'+0s','op':'pool.remove','pool':'p'}]",
			 "$.events[0].agent");
}

static void test_agent_event_fields_are_checked_like_agents(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'+0s','op':'agent'}]", "$.events[0].id");
	sim_expect_fault("'events':[{'at':'+0s','op':'agent','id':'a','weight':0}]",
			 "$.events[0].weight");
	sim_expect_fault("'events':[{'at':'+0s','op':'agent','id':'a','capacity':{'open':-1}}]",
			 "$.events[0].capacity.open");
	sim_expect_fault("'events':[{'at':'+0s','op':'agent','id':'a','postal_code':false}]",
			 "$.events[0].postal_code");
}

static void test_check_each_reports_every_fault(void **state)
{
	(void)state;
	const char *doc = "{\"format\":\"rrdist-scenario/1\",\"start\":\"2026-03-02T08:00:00Z\","
			  "\"agents\":[{\"id\":\"a\",\"weight\":0},{\"id\":\"b\"}],"
			  "\"pools\":[{\"id\":\"p\",\"kind\":\"lead\",\"members\":[\"a\",\"b\"]}],"
			  "\"events\":[{\"at\":\"+1m\",\"op\":\"nope\"}]}";
	fault_log f = FAULT_LOG_INIT;
	assert_int_equal(rrd_scenario_check_each(doc, strlen(doc), NULL, fault_log_note, &f),
			 RRD_E_PARSE);
	/* a is left out, so the pool naming it faults too; b is fine. */
	assert_string_equal(f.text, "$.agents[0].weight: expected an integer from 1 to 1000000\n"
				    "$.pools[0].members[0]: unknown agent \"a\"\n"
				    "$.events[0].op: unknown op \"nope\"\n");
	assert_string_equal(rrd_error_last(), "3 faults in the document");

	/* The last event is named by its place in the document, though an
	 * event before it was left out. */
	const char *late = "{\"format\":\"rrdist-scenario/1\",\"start\":\"2026-03-02T08:00:00Z\","
			   "\"end\":\"+1m\",\"events\":[{\"at\":\"+0s\",\"op\":\"nope\"},"
			   "{\"at\":\"+2m\",\"op\":\"advance\"}]}";
	memset(&f, 0, sizeof f);
	assert_int_equal(rrd_scenario_check_each(late, strlen(late), NULL, fault_log_note, &f),
			 RRD_E_PARSE);
	assert_string_equal(f.text, "$.events[0].op: unknown op \"nope\"\n"
				    "$.end: earlier than the last event ($.events[1].at)\n");

	const char *good = "{\"format\":\"rrdist-scenario/1\",\"start\":\"2026-03-02T08:00:00Z\"}";
	f.n = 0;
	assert_int_equal(rrd_scenario_check_each(good, strlen(good), NULL, fault_log_note, &f), RRD_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(rrd_scenario_check_each(good, strlen(good), NULL, NULL, NULL),
			 RRD_E_INVALID);
	assert_int_equal(rrd_scenario_check_each(NULL, 0, NULL, fault_log_note, &f), RRD_E_INVALID);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_document_head_reads_back),
		cmocka_unit_test(test_full_document_calendars_read_back),
		cmocka_unit_test(test_full_document_agents_read_back),
		cmocka_unit_test(test_agent_postal_code_resolves_to_its_centroid),
		cmocka_unit_test(test_agent_location_wins_over_postal_code),
		cmocka_unit_test(test_full_document_pools_read_back),
		cmocka_unit_test(test_full_document_rules_read_back),
		cmocka_unit_test(test_full_document_records_read_back),
		cmocka_unit_test(test_record_status_defaults_to_pending_with_owner_else_queued),
		cmocka_unit_test(test_full_document_events_read_back),
		cmocka_unit_test(test_op_names_round_trip),
		cmocka_unit_test(test_minimal_document_takes_defaults),
		cmocka_unit_test(test_empty_and_null_sections_load),
		cmocka_unit_test(test_end_defaults_to_last_event),
		cmocka_unit_test(test_end_may_be_absolute),
		cmocka_unit_test(test_start_with_offset_and_fraction),
		cmocka_unit_test(test_references_inside_events_are_not_checked),
		cmocka_unit_test(test_events_at_the_same_instant_load),
		cmocka_unit_test(test_document_with_trailing_newline_and_nul_loads),
		cmocka_unit_test(test_without_postal_table_postal_codes_are_unknown),
		cmocka_unit_test(test_null_arguments_are_invalid),
		cmocka_unit_test(test_truncated_json_is_refused),
		cmocka_unit_test(test_empty_input_is_not_json),
		cmocka_unit_test(test_syntax_error_names_its_line),
		cmocka_unit_test(test_text_after_the_document_is_refused),
		cmocka_unit_test(test_top_level_array_is_refused),
		cmocka_unit_test(test_document_over_the_size_cap_is_refused),
		cmocka_unit_test(test_check_each_tells_a_document_over_the_size_cap),
		cmocka_unit_test(test_unknown_format_version_is_refused),
		cmocka_unit_test(test_missing_format_is_refused),
		cmocka_unit_test(test_format_of_wrong_type_is_refused),
		cmocka_unit_test(test_missing_start_is_refused),
		cmocka_unit_test(test_relative_start_is_refused),
		cmocka_unit_test(test_start_on_a_date_that_does_not_exist_is_refused),
		cmocka_unit_test(test_negative_seed_is_refused),
		cmocka_unit_test(test_fractional_seed_is_refused),
		cmocka_unit_test(test_limits_of_wrong_type_are_refused),
		cmocka_unit_test(test_negative_redistribute_max_is_refused),
		cmocka_unit_test(test_explain_of_wrong_type_is_refused),
		cmocka_unit_test(test_section_of_wrong_type_is_refused),
		cmocka_unit_test(test_end_before_last_event_is_refused),
		cmocka_unit_test(test_end_before_start_is_refused),
		cmocka_unit_test(test_malformed_end_is_refused),
		cmocka_unit_test(test_calendar_interval_ending_before_it_starts_is_refused),
		cmocka_unit_test(test_calendar_with_no_open_hours_is_refused),
		cmocka_unit_test(test_calendar_with_unknown_zone_is_refused),
		cmocka_unit_test(test_calendar_with_bad_holiday_is_refused),
		cmocka_unit_test(test_repeated_calendar_id_is_refused),
		cmocka_unit_test(test_agent_without_id_is_refused),
		cmocka_unit_test(test_agent_id_longer_than_255_bytes_is_refused),
		cmocka_unit_test(test_agent_field_of_wrong_type_is_refused),
		cmocka_unit_test(test_agent_weight_of_zero_is_refused),
		cmocka_unit_test(test_huge_agent_weight_is_refused),
		cmocka_unit_test(test_negative_capacity_is_refused),
		cmocka_unit_test(test_repeated_agent_id_is_refused),
		cmocka_unit_test(test_agent_with_unknown_calendar_is_refused),
		cmocka_unit_test(test_agent_with_unknown_postal_code_is_refused),
		cmocka_unit_test(test_agent_location_out_of_range_is_refused),
		cmocka_unit_test(test_pool_with_unknown_strategy_is_refused),
		cmocka_unit_test(test_pool_with_unknown_kind_is_refused),
		cmocka_unit_test(test_negative_claim_window_is_refused),
		cmocka_unit_test(test_malformed_claim_window_is_refused),
		cmocka_unit_test(test_huge_claim_window_is_refused),
		cmocka_unit_test(test_a_millisecond_duration_is_refused),
		cmocka_unit_test(test_pool_with_unknown_member_is_refused),
		cmocka_unit_test(test_pool_with_repeated_member_is_refused),
		cmocka_unit_test(test_repeated_pool_id_is_refused),
		cmocka_unit_test(test_auto_drain_on_piranha_pool_is_refused),
		cmocka_unit_test(test_rule_with_unknown_pool_is_refused),
		cmocka_unit_test(test_rule_without_pool_is_refused),
		cmocka_unit_test(test_rule_with_unknown_overflow_pool_is_refused),
		cmocka_unit_test(test_rule_with_unknown_calendar_is_refused),
		cmocka_unit_test(test_rule_mixing_kinds_is_refused),
		cmocka_unit_test(test_rule_whose_kind_is_not_its_pools_is_refused),
		cmocka_unit_test(test_rule_with_unknown_strategy_is_refused),
		cmocka_unit_test(test_rule_with_negative_window_is_refused),
		cmocka_unit_test(test_rule_match_of_wrong_type_is_refused),
		cmocka_unit_test(test_rule_with_empty_source_or_calendar_is_a_parse_fault),
		cmocka_unit_test(test_repeated_rule_id_is_refused),
		cmocka_unit_test(test_record_with_unknown_status_is_refused),
		cmocka_unit_test(test_record_whose_status_and_owner_disagree_is_refused),
		cmocka_unit_test(test_record_with_unknown_kind_is_refused),
		cmocka_unit_test(test_record_with_unknown_owner_is_refused),
		cmocka_unit_test(test_record_with_unknown_role_agent_is_refused),
		cmocka_unit_test(test_record_with_unknown_postal_code_is_refused),
		cmocka_unit_test(test_record_attrs_of_wrong_type_are_refused),
		cmocka_unit_test(test_repeated_record_id_is_refused),
		cmocka_unit_test(test_record_without_id_is_refused),
		cmocka_unit_test(test_event_that_is_not_an_object_is_refused),
		cmocka_unit_test(test_event_without_at_is_refused),
		cmocka_unit_test(test_event_with_malformed_at_is_refused),
		cmocka_unit_test(test_events_going_back_in_time_are_refused),
		cmocka_unit_test(test_event_before_start_is_refused),
		cmocka_unit_test(test_unknown_op_is_refused),
		cmocka_unit_test(test_lead_fields_of_wrong_type_are_refused),
		cmocka_unit_test(test_lead_location_must_be_numbers_in_range),
		cmocka_unit_test(test_lead_id_longer_than_255_bytes_is_refused),
		cmocka_unit_test(test_claim_decline_assign_need_lead_and_agent),
		cmocka_unit_test(test_flags_of_wrong_type_are_refused),
		cmocka_unit_test(test_reassign_needs_one_of_lead_and_leads),
		cmocka_unit_test(test_reassign_target_must_be_exactly_one),
		cmocka_unit_test(test_transfer_needs_lead_partner_and_new_id),
		cmocka_unit_test(test_redistribute_from_and_to_are_checked),
		cmocka_unit_test(test_redistribute_filter_is_checked),
		cmocka_unit_test(test_undo_follow_up_and_membership_fields_are_checked),
		cmocka_unit_test(test_agent_event_fields_are_checked_like_agents),
		cmocka_unit_test(test_check_each_reports_every_fault),
	};
	return sim_main(argc, argv, "sim_scenario_load", tests, sizeof tests / sizeof *tests);
}
