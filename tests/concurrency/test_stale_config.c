/*
 * Two distributors on one store, taking turns on one thread: A has read the
 * configuration, B changes it and commits, then A changes it too. A's call
 * must act on the configuration as B left it (never on what A had cached,
 * which the reload at the start of A's transaction replaces), and both
 * changes must be in the store afterwards, as a third distributor reads it.
 * What A built from the configuration it had (the rule index, the tree of
 * agents by location, where each agent is a member) must follow B's
 * change too.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

typedef struct pair {
	rrd_store *store;
	rrd_distributor *a, *b;
} pair;

static int setup(void **state)
{
	pair *p = calloc(1, sizeof *p);
	assert_non_null(p);
	assert_int_equal(rrd_store_memory_new(&p->store), RRD_OK);
	assert_int_equal(rrd_distributor_new(&p->a, p->store, NULL), RRD_OK);
	assert_int_equal(rrd_distributor_new(&p->b, p->store, NULL), RRD_OK);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	pair *p = *state;
	rrd_distributor_free(p->a);
	rrd_distributor_free(p->b);
	rrd_store_free(p->store);
	free(p);
	return 0;
}

static void put_agent(rrd_distributor *d, const char *id, int64_t weight, const char *calendar)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, weight), RRD_OK);
	if (calendar)
		assert_int_equal(rrd_agent_set_calendar(a, calendar), RRD_OK);
	rrd_status rc = rrd_distributor_put_agent(d, a);
	rrd_agent_free(a);
	if (rc)
		fail_msg("put_agent %s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
}

/* A lead pool with the given members (NULL-terminated). */
static void put_pool(rrd_distributor *d, const char *id, rrd_strategy s, ...)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, s), RRD_OK);
	va_list ap;
	va_start(ap, s);
	for (const char *m; (m = va_arg(ap, const char *));)
		assert_int_equal(rrd_pool_add_member(p, m), RRD_OK);
	va_end(ap);
	rrd_status rc = rrd_distributor_put_pool(d, p);
	rrd_pool_free(p);
	if (rc)
		fail_msg("put_pool %s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
}

/* A calendar open on Mondays from `start` to 17:00 (local minutes). */
static void put_calendar(rrd_distributor *d, const char *id, int start)
{
	rrd_calendar *c;
	assert_int_equal(rrd_calendar_new(&c, id, "UTC"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(c, RRD_MONDAY, start, 17 * 60), RRD_OK);
	rrd_status rc = rrd_distributor_put_calendar(d, c);
	rrd_calendar_free(c);
	if (rc)
		fail_msg("put_calendar %s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
}

static void add_rule(rrd_distributor *d, const char *id, const char *pool)
{
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, id, pool), RRD_OK);
	rrd_status rc = rrd_distributor_add_rule(d, r);
	rrd_rule_free(r);
	if (rc)
		fail_msg("add_rule %s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
}

/* A pool's members in join order, comma-separated (static buffer). */
static const char *members_of(rrd_distributor *d, const char *pool)
{
	static char out[256];
	rrd_pool *p;
	assert_int_equal(rrd_distributor_get_pool(d, pool, &p), RRD_OK);
	out[0] = '\0';
	for (size_t i = 0; i < rrd_pool_member_count(p); i++) {
		if (i)
			strcat(out, ",");
		strcat(out, rrd_pool_member(p, i));
	}
	rrd_pool_free(p);
	return out;
}

static int64_t weight_of(rrd_distributor *d, const char *agent)
{
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(d, agent, &a), RRD_OK);
	int64_t w = rrd_agent_weight(a);
	rrd_agent_free(a);
	return w;
}

/* Where Monday's first interval of a calendar opens. */
static int opening_of(rrd_distributor *d, const char *calendar)
{
	rrd_calendar *c;
	assert_int_equal(rrd_distributor_get_calendar(d, calendar, &c), RRD_OK);
	int start = -1, end = -1;
	assert_int_equal(rrd_calendar_hours_count(c, RRD_MONDAY), 1);
	assert_int_equal(rrd_calendar_hours(c, RRD_MONDAY, 0, &start, &end), RRD_OK);
	rrd_calendar_free(c);
	return start;
}

/* How many objects of that id the saved configuration lists in `list`
 * ("calendars", "pools"). */
static int listed(rrd_distributor *d, const char *list, const char *id)
{
	char *text;
	assert_int_equal(rrd_distributor_save_config(d, &text), RRD_OK);
	cJSON *root = cJSON_Parse(text);
	free(text);
	assert_non_null(root);
	int n = 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(root, list))
		n += strcmp(cJSON_GetObjectItemCaseSensitive(p, "id")->valuestring, id) == 0;
	cJSON_Delete(root);
	return n;
}

/* What the store holds, read by a distributor that cached nothing. */
static rrd_distributor *fresh(const pair *p)
{
	rrd_distributor *c;
	assert_int_equal(rrd_distributor_new(&c, p->store, NULL), RRD_OK);
	return c;
}

static void test_new_agent_another_added_is_listed_once(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->b, "x", 1, NULL);
	put_agent(p->a, "x", 2, NULL);
	assert_string_equal(fix_agents(p->a), "a0,x");
	assert_int_equal(weight_of(p->a, "x"), 2);
	rrd_distributor *c = fresh(p);
	assert_string_equal(fix_agents(c), "a0,x");
	assert_int_equal(weight_of(c, "x"), 2);
	rrd_distributor_free(c);
}

static void test_agent_update_after_another_commit_is_kept(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->b, "y", 1, NULL);
	put_agent(p->a, "a0", 5, NULL);
	assert_int_equal(weight_of(p->a, "a0"), 5);
	assert_int_equal(weight_of(p->b, "a0"), 5);
	assert_string_equal(fix_agents(p->a), "a0,y");
}

static void test_agent_may_name_a_calendar_another_added(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_calendar(p->b, "c", 9 * 60);
	put_agent(p->a, "a1", 1, "c");
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(p->b, "a1", &a), RRD_OK);
	assert_string_equal(rrd_agent_calendar(a), "c");
	rrd_agent_free(a);
}

static void test_calendar_update_after_another_commit_is_kept(void **state)
{
	pair *p = *state;
	put_calendar(p->a, "c", 9 * 60);
	put_agent(p->b, "y", 1, NULL);
	put_calendar(p->a, "c", 8 * 60);
	assert_int_equal(opening_of(p->a, "c"), 8 * 60);
	assert_int_equal(opening_of(p->b, "c"), 8 * 60);
}

static void test_new_calendar_another_added_is_kept_once(void **state)
{
	pair *p = *state;
	put_calendar(p->a, "c0", 9 * 60);
	put_calendar(p->b, "c", 9 * 60);
	put_calendar(p->a, "c", 10 * 60);
	/* An agent on the calendar: its index must name "c", not a copy. */
	put_agent(p->a, "a0", 1, "c");
	assert_int_equal(opening_of(p->a, "c"), 10 * 60);
	assert_int_equal(listed(p->a, "calendars", "c"), 1);
	rrd_distributor *c = fresh(p);
	assert_int_equal(opening_of(c, "c"), 10 * 60);
	rrd_distributor_free(c);
}

static void test_pool_update_after_another_commit_is_kept(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->a, "a1", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_ROUND_ROBIN, "a0", NULL);
	put_agent(p->b, "y", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, "a0", "a1", "y", NULL);
	rrd_pool *got;
	assert_int_equal(rrd_distributor_get_pool(p->a, "p", &got), RRD_OK);
	assert_int_equal(rrd_pool_strategy(got), RRD_STRATEGY_WEIGHTED_ROUND_ROBIN);
	rrd_pool_free(got);
	assert_string_equal(members_of(p->a, "p"), "a0,a1,y");
	assert_string_equal(members_of(p->b, "p"), "a0,a1,y");
}

static void test_new_pool_another_added_is_kept_once(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_pool(p->b, "q", RRD_STRATEGY_ROUND_ROBIN, "a0", NULL);
	put_pool(p->a, "q", RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, "a0", NULL);
	assert_int_equal(listed(p->a, "pools", "q"), 1);
	rrd_distributor *c = fresh(p);
	assert_int_equal(listed(c, "pools", "q"), 1);
	rrd_distributor_free(c);
}

static void test_pool_may_take_an_agent_another_added(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->b, "y", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_ROUND_ROBIN, "a0", "y", NULL);
	assert_string_equal(members_of(p->b, "p"), "a0,y");
}

static void test_member_added_keeps_the_one_another_added(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->a, "a1", 1, NULL);
	put_agent(p->a, "a2", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_ROUND_ROBIN, "a0", NULL);
	assert_int_equal(rrd_distributor_pool_add_member(p->b, "p", "a1"), RRD_OK);
	assert_int_equal(rrd_distributor_pool_add_member(p->a, "p", "a2"), RRD_OK);
	assert_string_equal(members_of(p->a, "p"), "a0,a1,a2");
	rrd_distributor *c = fresh(p);
	assert_string_equal(members_of(c, "p"), "a0,a1,a2");
	rrd_distributor_free(c);
}

static void test_member_removed_keeps_the_one_another_added(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->a, "a1", 1, NULL);
	put_agent(p->a, "a2", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_ROUND_ROBIN, "a0", "a1", NULL);
	assert_int_equal(rrd_distributor_pool_add_member(p->b, "p", "a2"), RRD_OK);
	assert_int_equal(rrd_distributor_pool_remove_member(p->a, "p", "a0"), RRD_OK);
	assert_string_equal(members_of(p->a, "p"), "a1,a2");
	rrd_distributor *c = fresh(p);
	assert_string_equal(members_of(c, "p"), "a1,a2");
	rrd_distributor_free(c);
}

static void test_member_another_removed_is_not_found(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->a, "a1", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_ROUND_ROBIN, "a0", "a1", NULL);
	assert_int_equal(rrd_distributor_pool_remove_member(p->b, "p", "a0"), RRD_OK);
	assert_int_equal(rrd_distributor_pool_remove_member(p->a, "p", "a0"), RRD_E_NOTFOUND);
	assert_int_equal(rrd_distributor_pool_add_member(p->a, "p", "a0"), RRD_OK);
	assert_string_equal(members_of(p->b, "p"), "a1,a0");
}

static void test_rule_added_keeps_the_one_another_added(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_ROUND_ROBIN, "a0", NULL);
	add_rule(p->a, "r1", "p");
	add_rule(p->b, "r2", "p");
	add_rule(p->a, "r3", "p");
	rrd_distributor *c = fresh(p);
	assert_int_equal(rrd_distributor_rule_count(c), 3);
	const char *want[] = { "r1", "r2", "r3" };
	for (size_t i = 0; i < 3; i++) {
		rrd_rule *r;
		assert_int_equal(rrd_distributor_get_rule(c, i, &r), RRD_OK);
		assert_string_equal(rrd_rule_id(r), want[i]);
		rrd_rule_free(r);
	}
	rrd_distributor_free(c);
}

static void test_rule_may_name_a_pool_another_added(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_pool(p->b, "q", RRD_STRATEGY_ROUND_ROBIN, "a0", NULL);
	add_rule(p->a, "r", "q");
	assert_int_equal(rrd_distributor_rule_count(p->b), 1);
}

static void test_config_document_may_name_an_agent_another_added(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->b, "y", 1, NULL);
	const char *doc = "{\"format\": \"rrdist-config/1\", \"pools\": [{\"id\": \"p\", "
			  "\"kind\": \"lead\", \"strategy\": \"round_robin\", "
			  "\"members\": [\"a0\", \"y\"]}]}";
	rrd_status rc = rrd_distributor_load_config(p->a, doc, strlen(doc));
	if (rc)
		fail_msg("load_config: %s: %s", rrd_status_name(rc), rrd_error_last());
	assert_string_equal(members_of(p->b, "p"), "a0,y");
}

/* ---- what A built from the configuration it had --------------------- */

/* A record submitted through d, to `pool` (NULL: by the rules); its owner
 * (static buffer), "" for none. */
static const char *submitted_to(rrd_distributor *d, const char *id, const char *pool)
{
	static char owner[RRD_ID_MAX + 1];
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = pool;
	rrd_status rc = rrd_distributor_submit(d, r, &o);
	rrd_record_free(r);
	if (rc)
		fail_msg("submit %s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
	assert_int_equal(rrd_distributor_get_record(d, id, &r), RRD_OK);
	snprintf(owner, sizeof owner, "%s", rrd_record_owner(r) ? rrd_record_owner(r) : "");
	rrd_record_free(r);
	return owner;
}

static void test_routing_follows_rules_another_replaced(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->a, "a1", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_ROUND_ROBIN, "a0", NULL);
	put_pool(p->a, "q", RRD_STRATEGY_ROUND_ROBIN, "a1", NULL);
	add_rule(p->a, "r", "p");
	assert_string_equal(submitted_to(p->a, "L1", NULL), "a0");
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "s", "q"), RRD_OK);
	const rrd_rule *list[] = { r };
	assert_int_equal(rrd_distributor_set_rules(p->b, list, 1), RRD_OK);
	rrd_rule_free(r);
	assert_string_equal(submitted_to(p->a, "L2", NULL), "a1");
}

/* Least busy keeps counting A's own assignments after A read B's change. */
static void test_least_busy_counts_after_another_changed_the_configuration(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->a, "a1", 1, NULL);
	put_pool(p->a, "p", RRD_STRATEGY_LEAST_BUSY, "a0", "a1", NULL);
	assert_string_equal(submitted_to(p->a, "L1", "p"), "a0");
	put_agent(p->b, "y", 1, NULL);
	assert_string_equal(submitted_to(p->a, "L2", "p"), "a1");
	assert_string_equal(submitted_to(p->a, "L3", "p"), "a0");
}

/* A record near New York, pending for `owner`, reassigned through d to
 * the nearest agent: who that is. */
static const char *nearest_for(rrd_distributor *d, const char *id, const char *owner)
{
	static char to[RRD_ID_MAX + 1];
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_location(r, 40.7, -74.0), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(d, r), RRD_OK);
	rrd_record_free(r);
	rrd_status rc = rrd_distributor_reassign_to_nearest(d, id, NULL, 0, NULL);
	if (rc)
		fail_msg("reassign %s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
	assert_int_equal(rrd_distributor_get_record(d, id, &r), RRD_OK);
	snprintf(to, sizeof to, "%s", rrd_record_owner(r));
	rrd_record_free(r);
	return to;
}

static void put_agent_at(rrd_distributor *d, const char *id, double lat, double lon)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	assert_int_equal(rrd_agent_set_location(a, lat, lon), RRD_OK);
	rrd_status rc = rrd_distributor_put_agent(d, a);
	rrd_agent_free(a);
	if (rc)
		fail_msg("put_agent %s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
}

static void test_nearest_agent_is_where_another_moved_it(void **state)
{
	pair *p = *state;
	put_agent(p->a, "owner", 1, NULL);
	put_agent_at(p->a, "newark", 40.73, -74.17);
	put_agent_at(p->a, "boston", 42.36, -71.06);
	assert_string_equal(nearest_for(p->a, "L1", "owner"), "newark");
	put_agent_at(p->b, "newark", 34.05, -118.24); /* to Los Angeles */
	assert_string_equal(nearest_for(p->a, "L2", "owner"), "boston");
}

/* ---- a job's batches, each in its own transaction --------------------- */

#define JOB_RECORDS (RRD_REDISTRIBUTE_BATCH + 10)

static rrd_distributor *changer; /* changes the configuration mid-job */

static void change_mid_job(void *user, const rrd_event *ev)
{
	(void)user;
	/* Between the job's first batch and the next: a new agent, whose
	 * stored order ties with z's (see below), so that after the reload
	 * it sorts before z and every agent after it moves one place. */
	if (rrd_event_type_of(ev) == RRD_EVENT_REDISTRIBUTION_PROGRESS)
		put_agent(changer, "b", 1, NULL);
}

static void test_job_targets_the_agents_it_chose_across_batches(void **state)
{
	pair *p = *state;
	put_agent(p->a, "a0", 1, NULL);
	put_agent(p->a, "a1", 1, NULL);
	/* A document naming an agent it does not add leaves a gap in the
	 * stored order: z is stored after a place nobody holds. */
	const char *doc = "{\"format\": \"rrdist-config/1\", \"agents\": [{\"id\": \"a0\"}, "
			  "{\"id\": \"z\"}]}";
	assert_int_equal(rrd_distributor_load_config(p->a, doc, strlen(doc)), RRD_OK);
	put_pool(p->a, "p", RRD_STRATEGY_ROUND_ROBIN, "a0", NULL);
	for (int i = 0; i < JOB_RECORDS; i++) {
		char id[16];
		snprintf(id, sizeof id, "L%d", i);
		rrd_record *r;
		assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
		rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
		o.pool = "p";
		assert_int_equal(rrd_distributor_submit(p->a, r, &o), RRD_OK);
		rrd_record_free(r);
	}

	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.on_event = change_mid_job;
	rrd_distributor *j;
	assert_int_equal(rrd_distributor_new(&j, p->store, &o), RRD_OK);
	changer = p->b;
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, "a0", NULL, 0), RRD_OK);
	const char *to[] = { "z" };
	assert_int_equal(rrd_redistribution_to_agents(rd, to, 1), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	rrd_status rc = rrd_distributor_redistribute(j, rd, job, sizeof job);
	if (rc)
		fail_msg("redistribute: %s: %s", rrd_status_name(rc), rrd_error_last());
	rrd_redistribution_free(rd);
	rrd_distributor_free(j);

	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(p->a, "z", &a), RRD_OK);
	assert_int_equal(rrd_agent_open_count(a), JOB_RECORDS);
	rrd_agent_free(a);
	assert_int_equal(rrd_distributor_get_agent(p->a, "b", &a), RRD_OK);
	assert_int_equal(rrd_agent_open_count(a), 0);
	rrd_agent_free(a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_new_agent_another_added_is_listed_once),
		T(test_agent_update_after_another_commit_is_kept),
		T(test_agent_may_name_a_calendar_another_added),
		T(test_calendar_update_after_another_commit_is_kept),
		T(test_new_calendar_another_added_is_kept_once),
		T(test_pool_update_after_another_commit_is_kept),
		T(test_new_pool_another_added_is_kept_once),
		T(test_pool_may_take_an_agent_another_added),
		T(test_member_added_keeps_the_one_another_added),
		T(test_member_removed_keeps_the_one_another_added),
		T(test_member_another_removed_is_not_found),
		T(test_rule_added_keeps_the_one_another_added),
		T(test_rule_may_name_a_pool_another_added),
		T(test_config_document_may_name_an_agent_another_added),
		T(test_routing_follows_rules_another_replaced),
		T(test_least_busy_counts_after_another_changed_the_configuration),
		T(test_nearest_agent_is_where_another_moved_it),
		T(test_job_targets_the_agents_it_chose_across_batches),
	};
	return cmocka_run_group_tests_name("stale configuration", tests, NULL, NULL);
}
