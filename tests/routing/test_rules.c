/* Rules: first match wins, matching on source, kind and attributes;
 * overflow pools; the queue when nothing matches or nobody can take it. */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

static int setup(void **state)
{
	fixture *f = fix_new(0);
	fix_agent(f, "ana");
	fix_agent(f, "ben");
	fix_agent(f, "cy");
	fix_pool(f, "spanish", RRD_STRATEGY_ROUND_ROBIN, "ana", NULL);
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "ben", "cy", NULL);
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "es", "spanish"), RRD_OK);
	assert_int_equal(rrd_rule_add_source(r, "zillow"), RRD_OK);
	assert_int_equal(rrd_rule_add_source(r, "trulia"), RRD_OK);
	assert_int_equal(rrd_rule_add_attr(r, "language", "es"), RRD_OK);
	assert_int_equal(rrd_rule_add_overflow(r, "web"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
	assert_int_equal(rrd_rule_new(&r, "leads", "web"), RRD_OK);
	assert_int_equal(rrd_rule_set_kind(r, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix_free(*state);
	return 0;
}

static rrd_status route(fixture *f, const char *id, rrd_kind kind, const char *source,
			const char *lang)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, kind), RRD_OK);
	if (source)
		assert_int_equal(rrd_record_set_source(r, source), RRD_OK);
	if (lang)
		assert_int_equal(rrd_record_set_attr(r, "language", lang), RRD_OK);
	rrd_status rc = rrd_distributor_submit(f->dist, r, NULL);
	rrd_record_free(r);
	return rc;
}

static void test_first_matching_rule_routes(void **state)
{
	fixture *f = *state;
	assert_int_equal(route(f, "L1", RRD_KIND_LEAD, "zillow", "es"), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "ana");
	/* Same source, no language: the first rule does not match. */
	assert_int_equal(route(f, "L2", RRD_KIND_LEAD, "zillow", NULL), RRD_OK);
	assert_string_equal(fix_owner(f, "L2"), "ben");
	/* A source the first rule does not list. */
	assert_int_equal(route(f, "L3", RRD_KIND_LEAD, "web", "es"), RRD_OK);
	assert_string_equal(fix_owner(f, "L3"), "cy");
}

static void test_no_matching_rule_queues(void **state)
{
	fixture *f = *state;
	assert_int_equal(route(f, "D1", RRD_KIND_DEAL, "zillow", NULL), RRD_OK);
	assert_string_equal(fix_event(f, 0), "queued D1 reason=no_rule");
	assert_string_equal(fix_owner(f, "D1"), "");
}

static void test_overflow_when_nobody_is_eligible(void **state)
{
	fixture *f = *state;
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "ana", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_paused(a, 1), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	assert_int_equal(route(f, "L1", RRD_KIND_LEAD, "trulia", "es"), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "ben");
	assert_string_equal(fix_event(f, 0), "assigned L1 ben via=route pool=web");
}

static void test_rule_errors_change_nothing(void **state)
{
	fixture *f = *state;
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "bad", "nowhere"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_E_UNKNOWN_POOL);
	assert_non_null(strstr(rrd_error_last(), "nowhere"));
	rrd_rule_free(r);
	assert_int_equal(rrd_rule_new(&r, "es", "web"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_E_EXISTS);
	rrd_rule_free(r);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "deals", RRD_KIND_DEAL), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	assert_int_equal(rrd_rule_new(&r, "mixed", "web"), RRD_OK);
	assert_int_equal(rrd_rule_add_overflow(r, "deals"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_E_KIND_MISMATCH);
	rrd_rule_free(r);
	assert_int_equal(rrd_rule_new(&r, "cal", "web"), RRD_OK);
	assert_int_equal(rrd_rule_set_calendar(r, "nope"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_E_UNKNOWN_CALENDAR);
	rrd_rule_free(r);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 2);
	assert_int_equal(rrd_distributor_get_rule(f->dist, 0, &r), RRD_OK);
	assert_string_equal(rrd_rule_id(r), "es");
	rrd_rule_free(r);
	assert_int_equal(rrd_distributor_get_rule(f->dist, 2, &r), RRD_E_NOTFOUND);
}

static void test_a_second_condition_on_one_attribute_is_refused(void **state)
{
	(void)state;
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "es", "spanish"), RRD_OK);
	assert_int_equal(rrd_rule_add_attr(r, "language", "es"), RRD_OK);
	assert_int_equal(rrd_rule_add_attr(r, "language", "es"), RRD_E_EXISTS);
	assert_non_null(strstr(rrd_error_last(), "already matches attribute \"language\""));
	assert_int_equal(rrd_rule_add_attr(r, "language", "fr"), RRD_E_EXISTS);
	assert_int_equal(rrd_rule_attr_count(r), 1);
	const char *value;
	assert_int_equal(rrd_rule_attr(r, 0, NULL, &value), RRD_OK);
	assert_string_equal(value, "es");
	rrd_rule_free(r);
}

static void test_set_rules_replaces_all_or_nothing(void **state)
{
	fixture *f = *state;
	rrd_rule *a, *b;
	assert_int_equal(rrd_rule_new(&a, "all", "web"), RRD_OK);
	assert_int_equal(rrd_rule_new(&b, "broken", "nowhere"), RRD_OK);
	const rrd_rule *both[] = { a, b };
	assert_int_equal(rrd_distributor_set_rules(f->dist, both, 2), RRD_E_UNKNOWN_POOL);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 2);
	assert_int_equal(rrd_distributor_set_rules(f->dist, both, 1), RRD_OK);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 1);
	rrd_rule_free(a);
	rrd_rule_free(b);
	assert_int_equal(route(f, "L1", RRD_KIND_LEAD, "zillow", "es"), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "ben");
	assert_int_equal(rrd_distributor_set_rules(f->dist, NULL, 0), RRD_OK);
	assert_int_equal(route(f, "L2", RRD_KIND_LEAD, "zillow", "es"), RRD_OK);
	assert_string_equal(fix_owner(f, "L2"), "");
}

static void test_rules_survive_reopening_the_store(void **state)
{
	fixture *f = *state;
	rrd_distributor *again;
	assert_int_equal(rrd_distributor_new(&again, f->store, NULL), RRD_OK);
	assert_int_equal(rrd_distributor_rule_count(again), 2);
	rrd_rule *r;
	assert_int_equal(rrd_distributor_get_rule(again, 0, &r), RRD_OK);
	assert_string_equal(rrd_rule_id(r), "es");
	assert_int_equal(rrd_rule_source_count(r), 2);
	assert_string_equal(rrd_rule_overflow(r, 0), "web");
	rrd_rule_free(r);
	rrd_distributor_free(again);
}

/* The source index must pick exactly the rule a scan in order would, for
 * one record and for a batch. */
static void test_indexed_match_equals_scan(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	enum { RULES = 150, RECORDS = 400 };
	static const char *sources[] = { "web", "zillow", "trulia", "phone", "walk-in", "partner" };
	struct { int src[3]; int nsrc; int kind; int lang; } spec[RULES];
	uint64_t s = 0x853C49E6748FEA9Bull;
#define RND() (s ^= s << 13, s ^= s >> 7, s ^= s << 17, s)
	rrd_rule **rules = calloc(RULES, sizeof *rules);
	assert_non_null(rules);
	for (int i = 0; i < RULES; i++) {
		char id[16];
		snprintf(id, sizeof id, "r%d", i);
		fix_agent(f, id);
		rrd_pool *p;
		assert_int_equal(rrd_pool_new(&p, id, RRD_KIND_LEAD), RRD_OK);
		assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
		assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
		rrd_pool_free(p);
		assert_int_equal(rrd_rule_new(&rules[i], id, id), RRD_OK);
		/* Few rules name no source: those match so much that they
		 * would hide which of the others a record reached. */
		spec[i].nsrc = RND() % 20 == 0 ? 0 : 1 + (int)(RND() % 3);
		for (int k = 0; k < spec[i].nsrc; k++) {
			spec[i].src[k] = (int)(RND() % 6);
			assert_int_equal(rrd_rule_add_source(rules[i], sources[spec[i].src[k]]), RRD_OK);
		}
		spec[i].lang = RND() % 4 == 0;
		if (spec[i].lang)
			assert_int_equal(rrd_rule_add_attr(rules[i], "language", "es"), RRD_OK);
		spec[i].kind = RND() % 5 == 0;
		if (spec[i].kind)
			assert_int_equal(rrd_rule_set_kind(rules[i], RRD_KIND_LEAD), RRD_OK);
	}
	assert_int_equal(rrd_distributor_set_rules(f->dist, (const rrd_rule *const *)rules, RULES),
			 RRD_OK);
	for (int i = 0; i < RULES; i++)
		rrd_rule_free(rules[i]);
	free(rules);
	/* The second half goes in batches, whose rules are matched many at
	 * a time: odd sizes, so that batches end mid-way through the
	 * matcher's groups. */
	rrd_record *batch[37];
	char want_of[37][16];
	size_t nbatch = 0;
	for (int n = 0; n < RECORDS; n++) {
		int src = (int)(RND() % 7); /* 6: no source */
		int es = RND() % 2 == 0;
		int want = -1;
		for (int i = 0; i < RULES && want < 0; i++) {
			int ok = !spec[i].lang || es;
			if (spec[i].nsrc) {
				int any = 0;
				for (int k = 0; k < spec[i].nsrc; k++)
					any |= spec[i].src[k] == src;
				ok = ok && any;
			}
			if (ok)
				want = i;
		}
		char id[16];
		snprintf(id, sizeof id, "L%d", n);
		rrd_record *r;
		assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
		if (src < 6)
			assert_int_equal(rrd_record_set_source(r, sources[src]), RRD_OK);
		if (es)
			assert_int_equal(rrd_record_set_attr(r, "language", "es"), RRD_OK);
		char expect[16] = "";
		if (want >= 0)
			snprintf(expect, sizeof expect, "r%d", want);
		if (n < RECORDS / 2) {
			assert_int_equal(rrd_distributor_submit(f->dist, r, NULL), RRD_OK);
			rrd_record_free(r);
			assert_string_equal(fix_owner(f, id), expect);
			continue;
		}
		batch[nbatch] = r;
		memcpy(want_of[nbatch++], expect, sizeof expect);
		if (nbatch < sizeof batch / sizeof *batch && n < RECORDS - 1)
			continue;
		assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)batch,
							     nbatch, NULL, NULL),
				 RRD_OK);
		for (size_t i = 0; i < nbatch; i++) {
			assert_string_equal(fix_owner(f, rrd_record_id(batch[i])), want_of[i]);
			rrd_record_free(batch[i]);
		}
		nbatch = 0;
	}
#undef RND
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_first_matching_rule_routes),
		T(test_no_matching_rule_queues),
		T(test_overflow_when_nobody_is_eligible),
		T(test_rule_errors_change_nothing),
		T(test_set_rules_replaces_all_or_nothing),
		cmocka_unit_test(test_a_second_condition_on_one_attribute_is_refused),
		T(test_rules_survive_reopening_the_store),
#undef T
		cmocka_unit_test(test_indexed_match_equals_scan),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
