/* Configuration documents: round trips, references, all or nothing. */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

static const char doc1[] =
	"{\"format\":\"rrdist-config/1\","
	"\"calendars\":[{\"id\":\"east\",\"timezone\":\"America/New_York\","
	"  \"hours\":{\"mon\":[[\"09:00\",\"17:00\"]]},\"holidays\":[\"2026-12-25\"]}],"
	"\"agents\":[{\"id\":\"alice\",\"types\":[\"salesperson\"],\"calendar\":\"east\","
	"  \"capacity\":{\"open\":25,\"per_day\":40},\"weight\":2,\"skills\":[\"spanish\"],"
	"  \"location\":{\"lat\":40.75,\"lon\":-73.99},\"partner\":\"dealer-12\"},"
	"  {\"id\":\"bob\"},{\"id\":\"carol\"}],"
	"\"pools\":[{\"id\":\"web\",\"kind\":\"lead\",\"strategy\":\"round_robin\","
	"  \"members\":[\"alice\",\"bob\"],\"claim_window\":\"5m\",\"respect_hours\":true}],"
	"\"rules\":[{\"id\":\"z\",\"match\":{\"source\":[\"zillow\"],\"kind\":\"lead\","
	"  \"attrs\":{\"language\":\"es\"}},\"pool\":\"web\",\"calendar\":\"east\",\"max_offers\":3}]}";

static char *save(rrd_distributor *d)
{
	char *text = NULL;
	assert_int_equal(rrd_distributor_save_config(d, &text), RRD_OK);
	assert_non_null(text);
	return text;
}

static void test_round_trip_is_canonical(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(f->dist, doc1, sizeof doc1 - 1), RRD_OK);
	/* What was loaded is what the distributor reports at once. */
	assert_int_equal(rrd_distributor_agent_count(f->dist), 3);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 1);
	char *once = save(f->dist);
	fixture *g = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(g->dist, once, strlen(once)), RRD_OK);
	char *twice = save(g->dist);
	assert_string_equal(once, twice);
	assert_non_null(strstr(once, "\"claim_window\":\t\"5m\""));
	rrd_free(once);
	rrd_free(twice);
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(g->dist, "alice", &a), RRD_OK);
	assert_int_equal(rrd_agent_capacity_per_day(a), 40);
	assert_string_equal(rrd_agent_calendar(a), "east");
	rrd_agent_free(a);
	assert_int_equal(rrd_distributor_rule_count(g->dist), 1);
	fix_free(g);
	fix_free(f);
}

static void test_reload_keeps_join_order_and_replaces_rules(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(f->dist, doc1, sizeof doc1 - 1), RRD_OK);
	static const char doc2[] =
		"{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"web\",\"kind\":\"lead\","
		"\"members\":[\"carol\",\"bob\",\"alice\"]}],\"rules\":[]}";
	assert_int_equal(rrd_distributor_load_config(f->dist, doc2, sizeof doc2 - 1), RRD_OK);
	rrd_pool *p;
	assert_int_equal(rrd_distributor_get_pool(f->dist, "web", &p), RRD_OK);
	/* alice and bob were in already: they keep their places; carol joins. */
	assert_string_equal(rrd_pool_member(p, 0), "alice");
	assert_string_equal(rrd_pool_member(p, 1), "bob");
	assert_string_equal(rrd_pool_member(p, 2), "carol");
	rrd_pool_free(p);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 0);
	fix_free(f);
}

static void test_bad_document_changes_nothing(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(f->dist, doc1, sizeof doc1 - 1), RRD_OK);
	char *before = save(f->dist);
	static const struct { const char *doc, *path; } bad[] = {
		{ "{\"format\":\"rrdist-config/2\"}", "$.format" },
		{ "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"dave\"}],"
		  "\"rules\":[{\"id\":\"r\",\"pool\":\"west\"}]}", "$.rules[0].pool: unknown pool \"west\"" },
		{ "{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"web\",\"kind\":\"deal\"}]}",
		  "$.pools[0].kind" },
		{ "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"x\",\"weight\":0}]}",
		  "$.agents[0].weight" },
		{ "{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"p\",\"kind\":\"lead\","
		  "\"members\":[\"nobody\"]}]}", "$.pools[0].members[0]" },
		{ "{\"format\":", "$" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(rrd_distributor_load_config(f->dist, bad[i].doc, strlen(bad[i].doc)),
				 RRD_E_PARSE);
		if (!strstr(rrd_error_last(), bad[i].path))
			fail_msg("case %zu: \"%s\" does not name %s", i, rrd_error_last(), bad[i].path);
		char *after = save(f->dist);
		assert_string_equal(before, after);
		rrd_free(after);
	}
	rrd_free(before);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_is_canonical),
		cmocka_unit_test(test_reload_keeps_join_order_and_replaces_rules),
		cmocka_unit_test(test_bad_document_changes_nothing),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
