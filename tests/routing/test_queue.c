/* The manual queue: listed oldest first with reasons; assigning from it. */
#include <string.h>

#include "../support/fixture.h"

static void test_queue_lists_oldest_first_with_reasons(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK); /* no members */
	rrd_pool_free(p);
	assert_int_equal(fix_submit(f, "L1", NULL), RRD_OK);
	f->now += RRD_MINUTE;
	assert_int_equal(fix_submit(f, "L2", "web"), RRD_OK);
	rrd_queue *q;
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	assert_int_equal(rrd_queue_count(q), 2);
	const char *id, *pool, *rule;
	rrd_queue_reason why;
	rrd_time since;
	assert_int_equal(rrd_queue_entry(q, 0, &id, &why, &since, &pool, &rule), RRD_OK);
	assert_string_equal(id, "L1");
	assert_int_equal(why, RRD_QUEUE_NO_RULE);
	assert_true(since == FIX_START);
	assert_null(pool);
	assert_int_equal(rrd_queue_entry(q, 1, &id, &why, &since, &pool, &rule), RRD_OK);
	assert_string_equal(id, "L2");
	assert_int_equal(why, RRD_QUEUE_NO_ELIGIBLE_AGENT);
	assert_string_equal(pool, "web");
	assert_int_equal(rrd_queue_entry(q, 2, &id, NULL, NULL, NULL, NULL), RRD_E_INVALID);
	rrd_queue_free(q);

	rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
	o.notify = 0;
	assert_int_equal(rrd_distributor_assign(f->dist, "L1", "A", &o), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "A");
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	assert_int_equal(rrd_queue_count(q), 1);
	assert_int_equal(rrd_queue_entry(q, 0, &id, NULL, NULL, NULL, NULL), RRD_OK);
	assert_string_equal(id, "L2");
	rrd_queue_free(q);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_lists_oldest_first_with_reasons),
	};
	return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
