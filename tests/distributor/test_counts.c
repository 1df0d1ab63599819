/* rrd_distributor_agent_count and rule_count return a count, not a
 * status: a store that fails leaves the count known after the failure,
 * with the failure as the last error; one that answers leaves the last
 * error as it was. */
#include "../support/fixture.h"
#include "../support/faulty_store.h"

static void add_rule(fixture *f, const char *id)
{
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, id, "p"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
}

static void counts_report_store_failures(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new();
	fixture *f = fix_new_on(fs->store, 0);
	fix_agent(f, "A");
	fix_agent(f, "B");
	fix_pool(f, "p", RRD_STRATEGY_ROUND_ROBIN, "A", "B", NULL);
	add_rule(f, "r1");

	rrd_error_clear();
	assert_int_equal(rrd_distributor_agent_count(f->dist), 2);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 1);
	assert_int_equal(rrd_error_last_status(), RRD_OK);

	faulty_store_arm(fs, FAULTY_BEGIN, 0, 1);
	assert_int_equal(rrd_distributor_agent_count(f->dist), 2);
	assert_int_equal(rrd_error_last_status(), RRD_E_STORE);
	faulty_store_arm(fs, FAULTY_BEGIN, 0, 1);
	rrd_error_clear();
	assert_int_equal(rrd_distributor_rule_count(f->dist), 1);
	assert_int_equal(rrd_error_last_status(), RRD_E_STORE);
	assert_int_equal(fs->failed[FAULTY_BEGIN], 2);

	rrd_error_clear();
	assert_int_equal(rrd_distributor_agent_count(f->dist), 2);
	assert_int_equal(rrd_error_last_status(), RRD_OK);
	fix_free(f);
	faulty_store_free(fs);
}

static void counts_follow_other_distributors(void **state)
{
	(void)state;
	rrd_store *store;
	assert_int_equal(rrd_store_memory_new(&store), RRD_OK);
	fixture *a = fix_new_on(store, 0);
	fixture *b = fix_new_on(store, 0);
	fix_agent(a, "A");
	fix_pool(a, "p", RRD_STRATEGY_ROUND_ROBIN, "A", NULL);
	assert_int_equal(rrd_distributor_agent_count(b->dist), 1);
	assert_int_equal(rrd_distributor_rule_count(b->dist), 0);
	fix_agent(a, "B");
	add_rule(a, "r1");
	add_rule(a, "r2");
	assert_int_equal(rrd_distributor_agent_count(b->dist), 2);
	assert_int_equal(rrd_distributor_rule_count(b->dist), 2);
	fix_free(a);
	fix_free(b);
	rrd_store_free(store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_report_store_failures),
		cmocka_unit_test(counts_follow_other_distributors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
