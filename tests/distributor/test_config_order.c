/* The order calendars, agents and pools are listed in: the order they
 * were first added, whichever call added or changed them, as every
 * distributor on the store sees it. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../support/failing_alloc.h"
#include "../support/faulty_store.h"
#include "../support/fixture.h"
#include "store/store.h"

#define LIST_MAX 512

/* ---- what the distributor lists ------------------------------------- */

/* The ids of one array of save_config's document, comma-separated. */
static const char *saved(rrd_distributor *d, const char *array)
{
	static char out[LIST_MAX];
	out[0] = '\0';
	char *text = NULL;
	assert_int_equal(rrd_distributor_save_config(d, &text), RRD_OK);
	cJSON *root = cJSON_Parse(text);
	assert_non_null(root);
	const cJSON *e;
	int first = 1;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root, array)) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
		assert_true(cJSON_IsString(id));
		if (!first)
			strcat(out, ",");
		strcat(out, id->valuestring);
		first = 0;
	}
	cJSON_Delete(root);
	rrd_free(text);
	return out;
}

/* What a distributor opened now on `store` lists (save_config). */
static const char *listed_afresh(rrd_store *store, const char *array)
{
	fixture *g = fix_new_on(store, 0);
	const char *out = saved(g->dist, array);
	fix_free(g);
	return out;
}

/* ---- making configuration ------------------------------------------- */

static void put_agent(rrd_distributor *d, const char *id, const char *type, int64_t weight)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	if (type)
		assert_int_equal(rrd_agent_add_type(a, type), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, weight), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(d, a), RRD_OK);
	rrd_agent_free(a);
}

static void put_calendar(rrd_distributor *d, const char *id, int closes_at)
{
	rrd_calendar *c;
	assert_int_equal(rrd_calendar_new(&c, id, "UTC"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(c, RRD_MONDAY, 9 * 60, closes_at), RRD_OK);
	assert_int_equal(rrd_distributor_put_calendar(d, c), RRD_OK);
	rrd_calendar_free(c);
}

static void put_pool(rrd_distributor *d, const char *id, rrd_strategy s)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, s), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(d, p), RRD_OK);
	rrd_pool_free(p);
}

static void load(rrd_distributor *d, const char *json)
{
	assert_int_equal(rrd_distributor_load_config(d, json, strlen(json)), RRD_OK);
}

/* Write one configuration object straight into the store, with the order
 * number given: a store as an earlier release could leave it, with gaps
 * between the numbers. */
static void seed(rrd_store *st, rrd_store_ns ns, const char *id, const char *json,
		 int64_t order)
{
	uint64_t gen;
	assert_int_equal(st->m.begin(st->self, 0, &gen), RRD_OK);
	assert_int_equal(st->m.put(st->self, ns, id, json, strlen(json), order), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
}

static int64_t stored_order(rrd_store *st, rrd_store_ns ns, const char *id)
{
	uint64_t gen;
	const void *v;
	size_t len;
	int64_t order = -1;
	assert_int_equal(st->m.begin(st->self, 0, &gen), RRD_OK);
	assert_int_equal(st->m.get(st->self, ns, id, &v, &len, &order), RRD_OK);
	assert_int_equal(st->m.rollback(st->self), RRD_OK);
	return order;
}

/* Agents "c", "b", "a" stored at 0, 5 and 9: listed c, b, a. */
static rrd_store *gapped_agents(void)
{
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	seed(st, RRD_NS_AGENT, "c", "{\"id\":\"c\"}", 0);
	seed(st, RRD_NS_AGENT, "b", "{\"id\":\"b\"}", 5);
	seed(st, RRD_NS_AGENT, "a", "{\"id\":\"a\"}", 9);
	return st;
}

#define CALENDAR(id) "{\"id\":\"" id "\",\"timezone\":\"UTC\"," \
		     "\"hours\":{\"mon\":[[\"09:00\",\"17:00\"]]}}"
#define POOL(id) "{\"id\":\"" id "\",\"kind\":\"lead\",\"strategy\":\"round_robin\"," \
		 "\"members\":[],\"join\":[],\"next_join\":0}"

/* Calendars k3, k2, k1 and pools p3, p2, p1 stored at 0, 4 and 8, and
 * agent a. */
static rrd_store *gapped_calendars_and_pools(void)
{
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	seed(st, RRD_NS_CALENDAR, "k3", CALENDAR("k3"), 0);
	seed(st, RRD_NS_CALENDAR, "k2", CALENDAR("k2"), 4);
	seed(st, RRD_NS_CALENDAR, "k1", CALENDAR("k1"), 8);
	seed(st, RRD_NS_AGENT, "a", "{\"id\":\"a\"}", 0);
	seed(st, RRD_NS_POOL, "p3", POOL("p3"), 0);
	seed(st, RRD_NS_POOL, "p2", POOL("p2"), 4);
	seed(st, RRD_NS_POOL, "p1", POOL("p1"), 8);
	return st;
}

/* ---- agents ----------------------------------------------------------- */

/* A document that replaces m1 and brings z, then a call that adds a: each
 * newcomer goes after every agent there before it. */
static void test_agents_added_by_document_then_call_keep_their_order(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	put_agent(f->dist, "m1", NULL, 1);
	put_agent(f->dist, "m2", NULL, 1);
	load(f->dist, "{\"format\":\"rrdist-config/1\","
		      "\"agents\":[{\"id\":\"m1\",\"weight\":3},{\"id\":\"z\"}]}");
	put_agent(f->dist, "a", NULL, 1);
	assert_string_equal(fix_agents(f->dist), "m1,m2,z,a");
	assert_string_equal(saved(f->dist, "agents"), "m1,m2,z,a");

	fixture *g = fix_new_on(f->store, 0);
	assert_string_equal(fix_agents(g->dist), "m1,m2,z,a");
	assert_string_equal(saved(g->dist, "agents"), "m1,m2,z,a");
	/* A change from the other distributor makes the first read it all again. */
	put_agent(g->dist, "m2", NULL, 2);
	assert_string_equal(fix_agents(f->dist), "m1,m2,z,a");
	assert_string_equal(fix_agents(g->dist), "m1,m2,z,a");
	fix_free(g);
	fix_free(f);
}

/* Updating the last agent of a store whose numbers have gaps. */
static void test_updated_agent_keeps_its_place_among_gapped_numbers(void **state)
{
	(void)state;
	rrd_store *st = gapped_agents();
	fixture *f = fix_new_on(st, 0);
	assert_string_equal(fix_agents(f->dist), "c,b,a");
	put_agent(f->dist, "a", NULL, 4);
	assert_int_equal(stored_order(st, RRD_NS_AGENT, "a"), 9);
	assert_string_equal(listed_afresh(st, "agents"), "c,b,a");
	/* A newcomer goes after the largest number. */
	put_agent(f->dist, "0", NULL, 1);
	assert_int_equal(stored_order(st, RRD_NS_AGENT, "0"), 10);
	assert_string_equal(fix_agents(f->dist), "c,b,a,0");
	assert_string_equal(listed_afresh(st, "agents"), "c,b,a,0");
	fix_free(f);
	rrd_store_free(st);
}

/* The same gaps made by documents: the second brings two newcomers after
 * replacing three agents; then the last newcomer changes. */
static void test_updated_agent_keeps_its_place_after_documents(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	load(f->dist, "{\"format\":\"rrdist-config/1\","
		      "\"agents\":[{\"id\":\"x0\"},{\"id\":\"x1\"},{\"id\":\"x2\"}]}");
	load(f->dist, "{\"format\":\"rrdist-config/1\","
		      "\"agents\":[{\"id\":\"x0\"},{\"id\":\"x1\"},{\"id\":\"x2\"},"
		      "{\"id\":\"n1\"},{\"id\":\"n2\"}]}");
	assert_string_equal(fix_agents(f->dist), "x0,x1,x2,n1,n2");
	put_agent(f->dist, "n2", NULL, 5);
	assert_string_equal(fix_agents(f->dist), "x0,x1,x2,n1,n2");
	assert_string_equal(listed_afresh(f->store, "agents"), "x0,x1,x2,n1,n2");
	fix_free(f);
}

/* A document replacing agents of a gapped store keeps their places and
 * puts its newcomer last. */
static void test_document_keeps_stored_places_and_puts_newcomers_last(void **state)
{
	(void)state;
	rrd_store *st = gapped_agents();
	fixture *f = fix_new_on(st, 0);
	load(f->dist, "{\"format\":\"rrdist-config/1\","
		      "\"agents\":[{\"id\":\"a\",\"weight\":2},{\"id\":\"0\"},{\"id\":\"c\"}]}");
	assert_string_equal(fix_agents(f->dist), "c,b,a,0");
	assert_string_equal(listed_afresh(st, "agents"), "c,b,a,0");
	fix_free(f);
	rrd_store_free(st);
}

/* Two distributors on one store of gapped numbers add an agent each: the
 * second to write sees the number the first took. */
static void test_two_distributors_add_agents_in_turn(void **state)
{
	(void)state;
	rrd_store *st = gapped_agents();
	fixture *f = fix_new_on(st, 0);
	fixture *g = fix_new_on(st, 0);
	put_agent(g->dist, "y", NULL, 1);
	put_agent(f->dist, "x", NULL, 1);
	put_agent(g->dist, "w", NULL, 1);
	assert_int_equal(stored_order(st, RRD_NS_AGENT, "y"), 10);
	assert_int_equal(stored_order(st, RRD_NS_AGENT, "x"), 11);
	assert_int_equal(stored_order(st, RRD_NS_AGENT, "w"), 12);
	assert_string_equal(fix_agents(f->dist), "c,b,a,y,x,w");
	assert_string_equal(fix_agents(g->dist), "c,b,a,y,x,w");
	assert_string_equal(listed_afresh(st, "agents"), "c,b,a,y,x,w");
	fix_free(g);
	fix_free(f);
	rrd_store_free(st);
}

/* A newcomer whose commit fails takes no number: the next one gets it. */
static void test_failed_addition_leaves_no_number_taken(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new();
	fixture *f = fix_new_on(fs->store, 0);
	put_agent(f->dist, "a", NULL, 1);
	faulty_store_arm(fs, FAULTY_COMMIT, 0, 1);
	rrd_agent *x;
	assert_int_equal(rrd_agent_new(&x, "x"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, x), RRD_E_STORE);
	rrd_agent_free(x);
	faulty_store_disarm(fs, FAULTY_COMMIT);
	put_agent(f->dist, "b", NULL, 1);
	assert_int_equal(stored_order(fs->store, RRD_NS_AGENT, "a"), 0);
	assert_int_equal(stored_order(fs->store, RRD_NS_AGENT, "b"), 1);
	assert_string_equal(fix_agents(f->dist), "a,b");
	fix_free(f);
	faulty_store_free(fs);
}

/* A store holding the largest order number takes no newcomer, says why,
 * and still takes changes to what it holds. */
static void test_no_number_left_refuses_a_newcomer(void **state)
{
	(void)state;
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	seed(st, RRD_NS_AGENT, "a", "{\"id\":\"a\"}", 0);
	seed(st, RRD_NS_AGENT, "b", "{\"id\":\"b\"}", INT64_MAX);
	fixture *f = fix_new_on(st, 0);
	rrd_agent *x;
	assert_int_equal(rrd_agent_new(&x, "x"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, x), RRD_E_STORE);
	assert_non_null(strstr(rrd_error_last(), "no order number left"));
	rrd_agent_free(x);
	static const char doc[] = "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"x\"}]}";
	assert_int_equal(rrd_distributor_load_config(f->dist, doc, sizeof doc - 1), RRD_E_STORE);
	put_agent(f->dist, "b", NULL, 3);
	assert_int_equal(stored_order(st, RRD_NS_AGENT, "b"), INT64_MAX);
	assert_string_equal(listed_afresh(st, "agents"), "a,b");
	fix_free(f);
	rrd_store_free(st);
}

/* A distributor whose rereading of the configuration failed reads it
 * again at its next call, rather than going on with what the failure left
 * (nothing), so a newcomer it adds then still goes last. */
static void test_failed_reload_is_tried_again(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fixture *g = fix_new_on(f->store, 0);
	put_agent(f->dist, "a", NULL, 1);
	put_agent(g->dist, "b", NULL, 1);
	long failed = 0;
	for (long n = 1;; n++) {
		/* g changes something: f must read the configuration again. */
		put_agent(g->dist, "b", NULL, n % 2 + 1);
		failing_alloc c;
		failing_alloc_install(&c, n);
		(void)rrd_distributor_agent_count(f->dist);
		failing_alloc_remove();
		assert_string_equal(fix_agents(f->dist), "a,b");
		if (!c.failures)
			break;
		failed++;
	}
	assert_true(failed > 0);
	put_agent(f->dist, "c", NULL, 1);
	assert_int_equal(stored_order(f->store, RRD_NS_AGENT, "c"), 2);
	assert_string_equal(fix_agents(f->dist), "a,b,c");
	assert_string_equal(fix_agents(g->dist), "a,b,c");
	fix_free(g);
	fix_free(f);
}

/* ---- calendars and pools -------------------------------------------- */

static void test_updated_calendar_keeps_its_place(void **state)
{
	(void)state;
	rrd_store *st = gapped_calendars_and_pools();
	fixture *f = fix_new_on(st, 0);
	assert_string_equal(saved(f->dist, "calendars"), "k3,k2,k1");
	put_calendar(f->dist, "k1", 18 * 60);
	assert_int_equal(stored_order(st, RRD_NS_CALENDAR, "k1"), 8);
	assert_string_equal(listed_afresh(st, "calendars"), "k3,k2,k1");
	put_calendar(f->dist, "k0", 18 * 60);
	assert_int_equal(stored_order(st, RRD_NS_CALENDAR, "k0"), 9);
	assert_string_equal(saved(f->dist, "calendars"), "k3,k2,k1,k0");
	assert_string_equal(listed_afresh(st, "calendars"), "k3,k2,k1,k0");
	fix_free(f);
	rrd_store_free(st);
}

static void test_updated_pool_keeps_its_place(void **state)
{
	(void)state;
	rrd_store *st = gapped_calendars_and_pools();
	fixture *f = fix_new_on(st, 0);
	assert_string_equal(saved(f->dist, "pools"), "p3,p2,p1");
	put_pool(f->dist, "p1", RRD_STRATEGY_LEAST_BUSY);
	assert_int_equal(stored_order(st, RRD_NS_POOL, "p1"), 8);
	assert_string_equal(listed_afresh(st, "pools"), "p3,p2,p1");
	put_pool(f->dist, "p0", RRD_STRATEGY_ROUND_ROBIN);
	assert_int_equal(stored_order(st, RRD_NS_POOL, "p0"), 9);
	assert_string_equal(saved(f->dist, "pools"), "p3,p2,p1,p0");
	assert_string_equal(listed_afresh(st, "pools"), "p3,p2,p1,p0");
	fix_free(f);
	rrd_store_free(st);
}

static void test_member_change_keeps_the_pools_place(void **state)
{
	(void)state;
	rrd_store *st = gapped_calendars_and_pools();
	fixture *f = fix_new_on(st, 0);
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "p1", "a"), RRD_OK);
	assert_int_equal(stored_order(st, RRD_NS_POOL, "p1"), 8);
	assert_string_equal(listed_afresh(st, "pools"), "p3,p2,p1");
	assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "p2", "a"), RRD_E_NOTFOUND);
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "p2", "a"), RRD_OK);
	assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "p1", "a"), RRD_OK);
	assert_int_equal(stored_order(st, RRD_NS_POOL, "p1"), 8);
	assert_int_equal(stored_order(st, RRD_NS_POOL, "p2"), 4);
	assert_string_equal(listed_afresh(st, "pools"), "p3,p2,p1");
	fix_free(f);
	rrd_store_free(st);
}

/* A document replacing the last calendar and pool of a gapped store, and
 * bringing one of each. */
static void test_document_keeps_calendar_and_pool_places(void **state)
{
	(void)state;
	rrd_store *st = gapped_calendars_and_pools();
	fixture *f = fix_new_on(st, 0);
	load(f->dist, "{\"format\":\"rrdist-config/1\","
		      "\"calendars\":[" CALENDAR("k0") "," CALENDAR("k1") "],"
		      "\"pools\":[{\"id\":\"p0\",\"kind\":\"lead\"},"
		      "{\"id\":\"p1\",\"kind\":\"lead\",\"members\":[\"a\"]}]}");
	assert_string_equal(saved(f->dist, "calendars"), "k3,k2,k1,k0");
	assert_string_equal(saved(f->dist, "pools"), "p3,p2,p1,p0");
	assert_int_equal(stored_order(st, RRD_NS_CALENDAR, "k0"), 9);
	assert_int_equal(stored_order(st, RRD_NS_POOL, "p0"), 9);
	fix_free(f);
	rrd_store_free(st);
}

/* ---- what the order decides ------------------------------------------- */

static void import(fixture *f, const char *id, const char *owner, int located)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
	if (located)
		assert_int_equal(rrd_record_set_location(r, 40.7, -74.0), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
}

/* Closers added as m1, m2 (calls), z (a document replacing m1), a (a
 * call); src owns what moves. */
static fixture *closers(void)
{
	fixture *f = fix_new(0);
	put_agent(f->dist, "src", NULL, 1);
	put_agent(f->dist, "m1", "closer", 1);
	put_agent(f->dist, "m2", "closer", 1);
	load(f->dist, "{\"format\":\"rrdist-config/1\",\"agents\":["
		      "{\"id\":\"m1\",\"types\":[\"closer\"],\"weight\":2},"
		      "{\"id\":\"z\",\"types\":[\"closer\"],"
		      "\"location\":{\"lat\":40.7,\"lon\":-74}}]}");
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "a"), RRD_OK);
	assert_int_equal(rrd_agent_add_type(a, "closer"), RRD_OK);
	assert_int_equal(rrd_agent_set_location(a, 40.7, -74.0), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	return f;
}

static void test_redistribution_to_types_follows_the_order_of_addition(void **state)
{
	(void)state;
	fixture *f = closers();
	for (int i = 1; i <= 4; i++) {
		char id[8];
		snprintf(id, sizeof id, "C-%d", i);
		import(f, id, "src", 0);
	}
	/* Another process plans it, from the store alone. */
	fixture *g = fix_new_on(f->store, 0);
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	const char *types[] = { "closer" };
	assert_int_equal(rrd_redistribution_from_agent(rd, "src", NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_types(rd, types, 1), RRD_OK);
	rrd_plan *plan;
	assert_int_equal(rrd_distributor_preview(g->dist, rd, &plan), RRD_OK);
	assert_int_equal(rrd_plan_target_count(plan), 4);
	const char *want[] = { "m1", "m2", "z", "a" };
	for (size_t i = 0; i < 4; i++) {
		const char *id;
		int64_t n;
		assert_int_equal(rrd_plan_target(plan, i, &id, &n), RRD_OK);
		assert_string_equal(id, want[i]);
	}
	rrd_plan_free(plan);
	rrd_redistribution_free(rd);
	fix_free(g);
	fix_free(f);
}

static void test_nearest_tie_goes_to_the_agent_added_first(void **state)
{
	(void)state;
	fixture *f = closers();
	import(f, "C-1", "src", 1);
	fixture *g = fix_new_on(f->store, 0);
	const char *types[] = { "closer" };
	assert_int_equal(rrd_distributor_reassign_to_nearest(g->dist, "C-1", types, 1, NULL),
			 RRD_OK);
	assert_string_equal(fix_owner(g, "C-1"), "z");
	fix_free(g);
	fix_free(f);
}

/* ---- rules ------------------------------------------------------------ */

/* Rules are written whole at their positions: two distributors adding in
 * turn list them in the order added. */
static void test_rules_added_from_two_distributors_keep_their_order(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	put_pool(f->dist, "web", RRD_STRATEGY_ROUND_ROBIN);
	fixture *g = fix_new_on(f->store, 0);
	const char *ids[] = { "r9", "r5", "r1", "r7" };
	for (size_t i = 0; i < 4; i++) {
		rrd_rule *r;
		assert_int_equal(rrd_rule_new(&r, ids[i], "web"), RRD_OK);
		assert_int_equal(rrd_distributor_add_rule(i % 2 ? g->dist : f->dist, r), RRD_OK);
		rrd_rule_free(r);
	}
	assert_string_equal(saved(f->dist, "rules"), "r9,r5,r1,r7");
	assert_string_equal(saved(g->dist, "rules"), "r9,r5,r1,r7");
	assert_string_equal(listed_afresh(f->store, "rules"), "r9,r5,r1,r7");
	fix_free(g);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agents_added_by_document_then_call_keep_their_order),
		cmocka_unit_test(test_updated_agent_keeps_its_place_among_gapped_numbers),
		cmocka_unit_test(test_updated_agent_keeps_its_place_after_documents),
		cmocka_unit_test(test_document_keeps_stored_places_and_puts_newcomers_last),
		cmocka_unit_test(test_two_distributors_add_agents_in_turn),
		cmocka_unit_test(test_failed_addition_leaves_no_number_taken),
		cmocka_unit_test(test_no_number_left_refuses_a_newcomer),
		cmocka_unit_test(test_failed_reload_is_tried_again),
		cmocka_unit_test(test_updated_calendar_keeps_its_place),
		cmocka_unit_test(test_updated_pool_keeps_its_place),
		cmocka_unit_test(test_member_change_keeps_the_pools_place),
		cmocka_unit_test(test_document_keeps_calendar_and_pool_places),
		cmocka_unit_test(test_redistribution_to_types_follows_the_order_of_addition),
		cmocka_unit_test(test_nearest_tie_goes_to_the_agent_added_first),
		cmocka_unit_test(test_rules_added_from_two_distributors_keep_their_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
