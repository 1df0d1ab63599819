/* Pools: join order, the shared cursor, membership changes. */
#include <string.h>

#include "../support/fixture.h"

static int setup(void **state)
{
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	fix_agent(f, "B");
	fix_agent(f, "C");
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "A", "B", "C", NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix_free(*state);
	return 0;
}

static void test_four_leads_go_a_b_c_a(void **state)
{
	fixture *f = *state;
	const char *want[] = { "A", "B", "C", "A" };
	char id[8];
	for (int i = 0; i < 4; i++) {
		snprintf(id, sizeof id, "L%d", i + 1);
		assert_int_equal(fix_submit(f, id, "web"), RRD_OK);
		assert_string_equal(fix_owner(f, id), want[i]);
	}
	assert_int_equal(f->nevents, 4);
	assert_string_equal(fix_event(f, 0), "assigned L1 A via=route pool=web");
	assert_string_equal(fix_event(f, 3), "assigned L4 A via=route pool=web");
}

static void test_reassignment_to_pool_shares_the_cursor(void **state)
{
	fixture *f = *state;
	for (int i = 1; i <= 4; i++) {
		char id[8];
		snprintf(id, sizeof id, "L%d", i);
		assert_int_equal(fix_submit(f, id, "web"), RRD_OK);
	}
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "C-1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, "C"), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
	fix_clear_events(f);
	assert_int_equal(rrd_distributor_reassign_to_pool(f->dist, "C-1", "web", NULL), RRD_OK);
	assert_string_equal(fix_owner(f, "C-1"), "B");
	assert_string_equal(fix_event(f, 0), "assigned C-1 B via=reassign previous=C pool=web");
	/* The next new lead continues after B. */
	assert_int_equal(fix_submit(f, "L5", "web"), RRD_OK);
	assert_string_equal(fix_owner(f, "L5"), "C");
}

static void test_new_member_joins_at_the_end(void **state)
{
	fixture *f = *state;
	fix_agent(f, "D");
	assert_string_equal(fix_next(f, "web"), "A");
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "web", "D"), RRD_OK);
	assert_string_equal(fix_next(f, "web"), "B");
	assert_string_equal(fix_next(f, "web"), "C");
	assert_string_equal(fix_next(f, "web"), "D");
	assert_string_equal(fix_next(f, "web"), "A");
}

static void test_removed_member_is_skipped_and_rotation_goes_on(void **state)
{
	fixture *f = *state;
	assert_string_equal(fix_next(f, "web"), "A");
	assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "web", "B"), RRD_OK);
	assert_string_equal(fix_next(f, "web"), "C");
	assert_string_equal(fix_next(f, "web"), "A");
	assert_string_equal(fix_next(f, "web"), "C");
}

static void test_removing_the_member_at_the_cursor_keeps_the_turn(void **state)
{
	fixture *f = *state;
	assert_string_equal(fix_next(f, "web"), "A");
	assert_string_equal(fix_next(f, "web"), "B");
	/* B served last; removing B must not make anyone wait or go twice. */
	assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "web", "B"), RRD_OK);
	assert_string_equal(fix_next(f, "web"), "C");
	assert_string_equal(fix_next(f, "web"), "A");
}

static void test_rejoining_member_goes_to_the_end(void **state)
{
	fixture *f = *state;
	assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "web", "A"), RRD_OK);
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "web", "A"), RRD_OK);
	rrd_pool *p;
	assert_int_equal(rrd_distributor_get_pool(f->dist, "web", &p), RRD_OK);
	assert_int_equal(rrd_pool_member_count(p), 3);
	assert_string_equal(rrd_pool_member(p, 0), "B");
	assert_string_equal(rrd_pool_member(p, 2), "A");
	rrd_pool_free(p);
	assert_string_equal(fix_next(f, "web"), "B");
}

static void test_membership_errors_change_nothing(void **state)
{
	fixture *f = *state;
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "web", "A"), RRD_E_EXISTS);
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "web", "nobody"),
			 RRD_E_UNKNOWN_AGENT);
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "nopool", "A"),
			 RRD_E_UNKNOWN_POOL);
	assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "web", "nobody"),
			 RRD_E_UNKNOWN_AGENT);
	fix_agent(f, "D");
	assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "web", "D"), RRD_E_NOTFOUND);
	assert_non_null(strstr(rrd_error_last(), "not a member"));
	assert_string_equal(fix_next(f, "web"), "A");
}

static void test_record_of_another_kind_is_refused(void **state)
{
	fixture *f = *state;
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "D-1", RRD_KIND_DEAL), RRD_OK);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "web";
	assert_int_equal(rrd_distributor_submit(f->dist, r, &o), RRD_E_KIND_MISMATCH);
	assert_non_null(strstr(rrd_error_last(), "takes leads"));
	rrd_record_free(r);
	rrd_record *none;
	assert_int_equal(rrd_distributor_get_record(f->dist, "D-1", &none), RRD_E_UNKNOWN_RECORD);
	assert_int_equal(f->nevents, 0);
	assert_string_equal(fix_next(f, "web"), "A");
}

static void test_duplicate_record_is_refused(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "web"), RRD_OK);
	assert_int_equal(fix_submit(f, "L1", "web"), RRD_E_EXISTS);
	assert_int_equal(f->nevents, 1);
	assert_string_equal(fix_next(f, "web"), "B");
}

static void test_nobody_eligible_queues_the_record(void **state)
{
	fixture *f = *state;
	rrd_agent *a;
	const char *ids[] = { "A", "B", "C" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rrd_distributor_get_agent(f->dist, ids[i], &a), RRD_OK);
		assert_int_equal(rrd_agent_set_paused(a, 1), RRD_OK);
		assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
		rrd_agent_free(a);
	}
	assert_int_equal(fix_submit(f, "L1", "web"), RRD_OK);
	assert_string_equal(fix_event(f, 0), "queued L1 reason=no_eligible_agent");
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, "L1", &r), RRD_OK);
	assert_int_equal(rrd_record_status_of(r), RRD_RECORD_QUEUED);
	rrd_record_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_four_leads_go_a_b_c_a, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reassignment_to_pool_shares_the_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_member_joins_at_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_member_is_skipped_and_rotation_goes_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removing_the_member_at_the_cursor_keeps_the_turn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejoining_member_goes_to_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_membership_errors_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_of_another_kind_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_record_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nobody_eligible_queues_the_record, setup, teardown),
	};
	return cmocka_run_group_tests_name("pools", tests, NULL, NULL);
}
