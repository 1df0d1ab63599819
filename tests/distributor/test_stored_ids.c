/*
 * Ids that earlier releases stored may hold C1 control characters
 * (U+0080..U+009F), which the API and documents now refuse. A store that
 * holds such ids stays usable: its configuration loads, its records are
 * read, routed and redistributed, and copies of its objects are handed
 * out. Only what enters anew is held to the stricter rule.
 */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "model/record.h"
#include "store/store.h"

#define NEL "\xc2\x85"
#define CSI "\xc2\x9b"

static void put(rrd_store *st, rrd_store_ns ns, const char *key, const char *value, int64_t order)
{
	assert_int_equal(st->m.put(st->self, ns, key, value, strlen(value), order), RRD_OK);
}

/* The stored form of a pending lead owned by `owner`, with a follow-up
 * status (or NULL), written as the record codec writes it, with no check
 * of its ids. */
static void put_record(rrd_store *st, const char *id, const char *owner,
		       const char *follow_up, int64_t order)
{
	rrd_record *r;
	assert_int_equal(rrd__record_alloc(&r, id, strlen(id), RRD_KIND_LEAD, NULL, 0), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
	if (follow_up)
		assert_non_null(r->follow_up = strdup(follow_up));
	rrd_buf b = { 0 };
	rrd__record_encode(r, &b);
	assert_false(b.failed);
	assert_int_equal(st->m.put(st->self, RRD_NS_RECORD, id, b.data, b.len, order), RRD_OK);
	rrd__buf_free(&b);
	rrd_record_free(r);
}

/*
 * Agents A, B and N (of partner "north") and lead L-ok (pending, A) as
 * the API makes them; then, as an earlier release could have stored them:
 * calendar "c<NEL>", agent "ag<NEL>" on it, pool "w<NEL>" of that agent, a
 * rule "r<NEL>" to the pool that every record matches, pool "x" of a
 * custom strategy "mine<NEL>", lead "L<CSI>" (pending, A) and lead F-1
 * (pending, A, follow-up "called<NEL>").
 */
static rrd_store *old_store(void)
{
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	fixture *f = fix_new_on(st, 0);
	fix_agent(f, "A");
	fix_agent(f, "B");
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "N"), RRD_OK);
	assert_int_equal(rrd_agent_set_partner(a, "north"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L-ok", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, "A"), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
	fix_free(f);

	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	put(st, RRD_NS_CALENDAR, "c" NEL,
	    "{\"id\":\"c\\u0085\",\"timezone\":\"UTC\","
	    "\"hours\":{\"mon\":[[\"00:00\",\"24:00\"]]}}", 10);
	put(st, RRD_NS_AGENT, "ag" NEL,
	    "{\"id\":\"ag\\u0085\",\"calendar\":\"c\\u0085\",\"types\":[\"t" CSI "\"],"
	    "\"skills\":[\"s\\u0085\"],\"partner\":\"p" NEL "\"}", 10);
	put(st, RRD_NS_POOL, "w" NEL,
	    "{\"id\":\"w\\u0085\",\"kind\":\"lead\",\"members\":[\"ag\\u0085\"],"
	    "\"join\":[0],\"next_join\":1}", 10);
	put(st, RRD_NS_POOL, "x",
	    "{\"id\":\"x\",\"kind\":\"lead\",\"strategy\":\"mine\\u0085\",\"members\":[],"
	    "\"join\":[],\"next_join\":0}", 11);
	put(st, RRD_NS_RULE, "r" NEL,
	    "{\"id\":\"r\\u0085\",\"pool\":\"w\\u0085\",\"calendar\":\"c\\u0085\","
	    "\"skills\":[\"s\\u0085\"]}", 0);
	put_record(st, "L" CSI, "A", NULL, 100);
	put_record(st, "F-1", "A", "called" NEL, 101);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	return st;
}

static void test_stored_configuration_with_c1_ids_loads(void **state)
{
	(void)state;
	rrd_store *st = old_store();
	fixture *f = fix_new_on(st, 0);
	assert_int_equal(rrd_distributor_agent_count(f->dist), 4);
	char id[RRD_ID_MAX + 1];
	assert_int_equal(rrd_distributor_agent_at(f->dist, 3, id, sizeof id), RRD_OK);
	assert_string_equal(id, "ag" NEL);
	/* The stored strategy name is known, for the host to register. */
	rrd_strategy s = 0;
	assert_int_equal(rrd_distributor_strategy_parse(f->dist, "mine" NEL, &s), RRD_OK);
	assert_true(s >= RRD_STRATEGY_CUSTOM);
	/* Copies of stored objects are handed out as they are. */
	rrd_rule *r;
	assert_int_equal(rrd_distributor_get_rule(f->dist, 0, &r), RRD_OK);
	assert_string_equal(rrd_rule_id(r), "r" NEL);
	assert_string_equal(rrd_rule_pool(r), "w" NEL);
	assert_string_equal(rrd_rule_calendar(r), "c" NEL);
	assert_string_equal(rrd_rule_skill(r, 0), "s" NEL);
	rrd_rule_free(r);
	/* A new lead routes through them: the rule's skill is the agent's. */
	assert_int_equal(fix_submit(f, "L1", NULL), RRD_OK);
	assert_int_equal(f->nevents, 1);
	assert_string_equal(fix_event(f, 0), "assigned L1 ag" NEL " via=route pool=w" NEL);
	/* Adding a rule copies the stored ones. */
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "A", NULL);
	assert_int_equal(rrd_rule_new(&r, "r2", "web"), RRD_OK);
	if (rrd_distributor_add_rule(f->dist, r) != RRD_OK)
		fail_msg("refused: %s", rrd_error_last());
	rrd_rule_free(r);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 2);
	/* Written out as they were read. */
	char *doc = NULL;
	assert_int_equal(rrd_distributor_save_config(f->dist, &doc), RRD_OK);
	assert_non_null(strstr(doc, "\"types\":\t[\"t" CSI "\"]"));
	assert_non_null(strstr(doc, "\"partner\":\t\"p" NEL "\""));
	rrd_free(doc);
	fix_free(f);
	rrd_store_free(st);
}

static void test_stored_records_with_c1_ids_are_read(void **state)
{
	(void)state;
	rrd_store *st = old_store();
	fixture *f = fix_new_on(st, 0);
	/* The selection reads every stored record. */
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, "A", NULL, 0), RRD_OK);
	const char *to[] = { "B" };
	assert_int_equal(rrd_redistribution_to_agents(rd, to, 1), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	if (rrd_distributor_redistribute(f->dist, rd, job, sizeof job) != RRD_OK)
		fail_msg("refused: %s", rrd_error_last());
	rrd_redistribution_free(rd);
	int moved = 0;
	for (size_t i = 0; i < f->nevents; i++)
		moved += strncmp(fix_event(f, i), "assigned L" CSI " B ", 13) == 0;
	assert_int_equal(moved, 1);
	assert_string_equal(fix_owner(f, "L-ok"), "B");
	fix_free(f);
	rrd_store_free(st);
}

/* A transfer's copy takes the stored follow-up status as it is. */
static void test_a_stored_follow_up_is_copied_by_a_transfer(void **state)
{
	(void)state;
	rrd_store *st = old_store();
	fixture *f = fix_new_on(st, 0);
	if (rrd_distributor_transfer(f->dist, "F-1", "north", "N", "F-2", NULL) != RRD_OK)
		fail_msg("refused: %s", rrd_error_last());
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, "F-2", &r), RRD_OK);
	assert_string_equal(rrd_record_follow_up(r), "called" NEL);
	assert_string_equal(rrd_record_owner(r), "N");
	rrd_record_free(r);
	fix_free(f);
	rrd_store_free(st);
}

/* A document is input: saved from such a store, it names the id a load
 * would refuse, with its path. */
static void test_a_saved_document_is_held_to_the_input_rule(void **state)
{
	(void)state;
	rrd_store *st = old_store();
	fixture *f = fix_new_on(st, 0);
	char *doc = NULL;
	assert_int_equal(rrd_distributor_save_config(f->dist, &doc), RRD_OK);
	fixture *g = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(g->dist, doc, strlen(doc)), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(),
			    "$.calendars[0].id: calendar id contains a control character");
	rrd_free(doc);
	fix_free(g);
	fix_free(f);
	rrd_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stored_configuration_with_c1_ids_loads),
		cmocka_unit_test(test_stored_records_with_c1_ids_are_read),
		cmocka_unit_test(test_a_stored_follow_up_is_copied_by_a_transfer),
		cmocka_unit_test(test_a_saved_document_is_held_to_the_input_rule),
	};
	return cmocka_run_group_tests_name("distributor_stored_ids", tests, NULL, NULL);
}
