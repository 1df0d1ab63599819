/* One pool picked by several strategies in one transaction (a rule may
 * ask for a strategy other than its pool's): each strategy's saved state
 * is written as it was left, however many strategies the pool has seen. */
#include "../support/fixture.h"

static void rule(fixture *f, const char *id, const char *source, rrd_strategy s)
{
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, id, "p"), RRD_OK);
	assert_int_equal(rrd_rule_add_source(r, source), RRD_OK);
	if (s)
		assert_int_equal(rrd_rule_set_strategy(r, s), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
}

static rrd_record *lead(const char *id, const char *source)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_source(r, source), RRD_OK);
	return r;
}

static void every_strategy_state_survives_one_batch(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	fix_agent(f, "B");
	fix_agent(f, "C");
	fix_pool(f, "p", RRD_STRATEGY_ROUND_ROBIN, "A", "B", "C", NULL);
	rule(f, "rr", "web", 0);
	/* Strategies whose states come after round robin's, so that the
	 * pool's states grow while round robin's is waiting to be written. */
	rule(f, "rnd", "fair", RRD_STRATEGY_RANDOM);
	rule(f, "near", "map", RRD_STRATEGY_NEAREST);
	rrd_record *batch[] = { lead("L1", "web"), lead("L2", "fair"), lead("L3", "map"),
				lead("L4", "web") };
	size_t failed = 0;
	assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)batch,
						     4, NULL, &failed), RRD_OK);
	for (size_t i = 0; i < 4; i++)
		rrd_record_free(batch[i]);
	assert_string_equal(fix_owner(f, "L1"), "A");
	assert_string_equal(fix_owner(f, "L4"), "B");
	/* Round robin's cursor was stored: the next one goes to C. */
	rrd_record *next = lead("L5", "web");
	assert_int_equal(rrd_distributor_submit(f->dist, next, NULL), RRD_OK);
	rrd_record_free(next);
	assert_string_equal(fix_owner(f, "L5"), "C");
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_strategy_state_survives_one_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
