#include <stdlib.h>

#include "calendar_test.h"
#include "rrdist/common.h"
#include "../support/failing_alloc.h"


/* Succeeds or fails with RRD_E_NOMEM, nothing else. */
static int step_ok(rrd_status rc)
{
	if (rc == RRD_E_NOMEM) {
		assert_int_equal(rrd_error_last_status(), RRD_E_NOMEM);
		return 0;
	}
	assert_int_equal(rc, RRD_OK);
	return 1;
}

/* Build, grow and copy a calendar; returns 1 when every step succeeded. */
static int scenario(void)
{
	rrd_calendar *cal = NULL, *copy = NULL;
	int done = 0;
	if (!step_ok(rrd_calendar_new(&cal, "office", "America/New_York"))) {
		assert_null(cal);
		goto out;
	}
	/* Enough intervals and holidays to make both arrays grow twice. */
	for (int i = 0; i < 9; i++) {
		size_t before = rrd_calendar_hours_count(cal, RRD_MONDAY);
		if (!step_ok(rrd_calendar_add_hours(cal, RRD_MONDAY, i * 100, i * 100 + 50))) {
			assert_int_equal(rrd_calendar_hours_count(cal, RRD_MONDAY), before);
			goto out;
		}
	}
	for (int i = 1; i <= 9; i++) {
		size_t before = rrd_calendar_holiday_count(cal);
		if (!step_ok(rrd_calendar_add_holiday(cal, 2026, i, 10 - i))) {
			assert_int_equal(rrd_calendar_holiday_count(cal), before);
			goto out;
		}
	}
	if (!step_ok(rrd_calendar_add_holiday(cal, 2026, 1, 9)))
		goto out;
	assert_int_equal(rrd_calendar_holiday_count(cal), 9);
	if (!step_ok(rrd_calendar_dup(&copy, cal))) {
		assert_null(copy);
		goto out;
	}
	assert_int_equal(rrd_calendar_hours_count(copy, RRD_MONDAY), 9);
	/* Queries allocate nothing of ours. */
	assert_int_equal(tt_next_open(copy, tt_utc(2026, 1, 1, 0, 0)), tt_utc(2026, 1, 5, 5, 0));
	done = 1;
out:
	rrd_calendar_free(copy);
	rrd_calendar_free(cal);
	return done;
}

static void test_every_allocation_failure_is_reported_and_leaks_nothing(void **state)
{
	(void)state;
	failing_alloc c = { 0 };
	int completed = 0;
	long n;
	for (n = 1; n < 1000 && !completed; n++) {
		failing_alloc_install(&c, n);
		completed = scenario();
		failing_alloc_remove();
		assert_int_equal(c.live, 0);
		/* Until the scenario completes, the Nth request is reached and
		 * refused; its failure must have stopped the scenario. */
		if (!completed)
			assert_int_equal(c.failures, 1);
	}
	assert_true(completed);
	/* The last run made fewer than n requests: every one was failed once. */
	assert_true(c.requests < c.fail_at);
	assert_true(n > 10);
}

static void test_scenario_without_failures_frees_everything(void **state)
{
	(void)state;
	failing_alloc c = { 0 };
	failing_alloc_install(&c, 0);
	assert_true(scenario());
	failing_alloc_remove();
	assert_true(c.requests > 0);
	assert_int_equal(c.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_failure_is_reported_and_leaks_nothing),
		cmocka_unit_test(test_scenario_without_failures_frees_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
