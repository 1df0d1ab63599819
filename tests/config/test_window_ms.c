/*
 * Claim windows are milliseconds at the API, and the configuration a store
 * keeps (and a configuration document) writes one that is not whole
 * seconds with an "ms" unit: another distributor on the store, and a saved
 * document loaded again, get the window the host set, to the millisecond.
 */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

#define WINDOW ((rrd_time)1500)

static void put_pool(fixture *f, const char *id, const char *member, rrd_time window)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, RRD_KIND_LEAD), RRD_OK);
	if (member)
		assert_int_equal(rrd_pool_add_member(p, member), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, window), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

/* The saved configuration gives these two windows, as written. */
static void assert_saved(rrd_distributor *d, const char *first, const char *second)
{
	char *doc = NULL;
	assert_int_equal(rrd_distributor_save_config(d, &doc), RRD_OK);
	const char *const want[] = { first, second };
	for (int i = 0; i < 2; i++) {
		char field[64];
		snprintf(field, sizeof field, "\"claim_window\":\t\"%s\"", want[i]);
		if (!strstr(doc, field))
			fail_msg("no %s in:\n%s", field, doc);
	}
	rrd_free(doc);
}

/* Agent "a", pool "web" with a 1.5 s window, and rule "r" to it with
 * a window of 1.501 s. */
static void set_up(fixture *f)
{
	fix_agent(f, "a");
	put_pool(f, "web", "a", WINDOW);
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "r", "web"), RRD_OK);
	assert_int_equal(rrd_rule_set_claim_window(r, WINDOW + 1), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
}

static void assert_windows(rrd_distributor *d, rrd_time pool, rrd_time rule)
{
	rrd_pool *p;
	assert_int_equal(rrd_distributor_get_pool(d, "web", &p), RRD_OK);
	assert_int_equal(rrd_pool_claim_window(p), pool);
	rrd_pool_free(p);
	rrd_rule *r;
	assert_int_equal(rrd_distributor_get_rule(d, 0, &r), RRD_OK);
	assert_int_equal(rrd_rule_claim_window(r), rule);
	rrd_rule_free(r);
}

static void test_another_distributor_on_the_store_gets_the_milliseconds(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	set_up(f);
	assert_windows(f->dist, WINDOW, WINDOW + 1);
	fixture *g = fix_new_on(f->store, 0);
	assert_windows(g->dist, WINDOW, WINDOW + 1);
	/* An offer the other distributor makes runs for the same window. */
	assert_int_equal(fix_submit(g, "L1", "web"), RRD_OK);
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(g->dist, &due), RRD_OK);
	assert_int_equal(due, FIX_START + WINDOW);
	fix_free(g);
	fix_free(f);
}

static void test_a_saved_configuration_keeps_the_milliseconds(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	set_up(f);
	assert_saved(f->dist, "1s500ms", "1s501ms");
	char *doc = NULL;
	assert_int_equal(rrd_distributor_save_config(f->dist, &doc), RRD_OK);
	fixture *g = fix_new(0);
	if (rrd_distributor_load_config(g->dist, doc, strlen(doc)) != RRD_OK)
		fail_msg("refused: %s", rrd_error_last());
	assert_windows(g->dist, WINDOW, WINDOW + 1);
	rrd_free(doc);
	fix_free(g);
	fix_free(f);
}

static void test_a_document_may_give_milliseconds(void **state)
{
	(void)state;
	static const char doc[] =
		"{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}],"
		"\"pools\":[{\"id\":\"web\",\"kind\":\"lead\",\"members\":[\"a\"],"
		"\"claim_window\":\"500ms\"}],"
		"\"rules\":[{\"id\":\"r\",\"pool\":\"web\",\"claim_window\":\"1m0s250ms\"}]}";
	fixture *f = fix_new(0);
	if (rrd_distributor_load_config(f->dist, doc, sizeof doc - 1) != RRD_OK)
		fail_msg("refused: %s", rrd_error_last());
	assert_windows(f->dist, 500, RRD_MINUTE + 250);
	/* Written back in the shortest form. */
	assert_saved(f->dist, "500ms", "1m250ms");
	fix_free(f);
}

static void test_whole_seconds_are_written_as_before(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	put_pool(f, "web", NULL, RRD_HOUR + 30 * RRD_SECOND);
	put_pool(f, "none", NULL, 0);
	assert_saved(f->dist, "1h30s", "0s");
	fix_free(f);
}

static void test_a_bad_millisecond_duration_is_refused_with_its_path(void **state)
{
	(void)state;
	static const char *const bad[] = { "500 ms", "ms", "5mss", "1.5s", "-500ms",
					   "3162240000001ms", "36600d1ms" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char doc[256];
		snprintf(doc, sizeof doc,
			 "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}],"
			 "\"pools\":[{\"id\":\"web\",\"kind\":\"lead\",\"claim_window\":\"%s\"}]}",
			 bad[i]);
		fixture *f = fix_new(0);
		assert_int_equal(rrd_distributor_load_config(f->dist, doc, strlen(doc)),
				 RRD_E_PARSE);
		char want[128];
		snprintf(want, sizeof want,
			 "$.pools[0].claim_window: \"%s\" is not a duration of at most 36600d, "
			 "such as \"90s\", \"1h30m\" or \"1s500ms\"", bad[i]);
		assert_string_equal(rrd_error_last(), want);
		assert_int_equal(rrd_distributor_agent_count(f->dist), 0);
		fix_free(f);
	}
	/* The bound itself, in milliseconds. */
	static const char max[] =
		"{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"web\",\"kind\":\"lead\","
		"\"claim_window\":\"3162240000000ms\"}]}";
	fixture *f = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(f->dist, max, sizeof max - 1), RRD_OK);
	rrd_pool *p;
	assert_int_equal(rrd_distributor_get_pool(f->dist, "web", &p), RRD_OK);
	assert_int_equal(rrd_pool_claim_window(p), RRD_DURATION_MAX);
	rrd_pool_free(p);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_another_distributor_on_the_store_gets_the_milliseconds),
		cmocka_unit_test(test_a_saved_configuration_keeps_the_milliseconds),
		cmocka_unit_test(test_a_document_may_give_milliseconds),
		cmocka_unit_test(test_whole_seconds_are_written_as_before),
		cmocka_unit_test(test_a_bad_millisecond_duration_is_refused_with_its_path),
	};
	return cmocka_run_group_tests_name("config_window_ms", tests, NULL, NULL);
}
