/* A calendar that changes changes who may take records at once, for every
 * strategy, weighted round robin's held members included. */
#include "../support/fixture.h"

static void put_calendar(fixture *f, int from_minute, int to_minute)
{
	rrd_calendar *cal;
	assert_int_equal(rrd_calendar_new(&cal, "east", "America/New_York"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, from_minute, to_minute), RRD_OK);
	assert_int_equal(rrd_distributor_put_calendar(f->dist, cal), RRD_OK);
	rrd_calendar_free(cal);
}

static void weighted_member_released_by_new_hours(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	/* FIX_START is 03:00 on a Monday in New York: closed from 09:00. */
	put_calendar(f, 9 * 60, 17 * 60);
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "A"), RRD_OK);
	assert_int_equal(rrd_agent_set_calendar(a, "east"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	fix_agent(f, "B");
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN), RRD_OK);
	assert_int_equal(rrd_pool_set_respect_hours(p, 1), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "B"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);

	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "B"); /* A is outside hours */
	/* Open all day now: A's score and B's are equal, and A joined first. */
	put_calendar(f, 0, 24 * 60);
	assert_int_equal(fix_submit(f, "L2", "p"), RRD_OK);
	assert_string_equal(fix_owner(f, "L2"), "A");
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(weighted_member_released_by_new_hours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
