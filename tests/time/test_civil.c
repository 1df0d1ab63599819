#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "time/civil.h"

static void test_epoch_is_day_zero_and_a_thursday(void **state)
{
	(void)state;
	assert_int_equal(rrd__days_from_civil(1970, 1, 1), 0);
	assert_int_equal(rrd__weekday(0), 3);
	assert_int_equal(rrd__weekday(-1), 2);
	assert_int_equal(rrd__weekday(-7), 3);
}

static void test_range_ends(void **state)
{
	(void)state;
	assert_int_equal(rrd__days_from_civil(1, 1, 1), RRD__DAY_FIRST);
	assert_int_equal(rrd__days_from_civil(9999, 12, 31), RRD__DAY_LAST);
	/* 0001-01-01 was a Monday in the proleptic Gregorian calendar. */
	assert_int_equal(rrd__weekday(RRD__DAY_FIRST), 0);
}

static void test_known_dates(void **state)
{
	(void)state;
	assert_int_equal(rrd__days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(rrd__days_from_civil(2026, 1, 12), 20465);
	assert_int_equal(rrd__weekday(20465), 0);
	assert_int_equal(rrd__days_from_civil(1969, 12, 31), -1);
}

static void test_every_day_round_trips_and_counts_up(void **state)
{
	(void)state;
	int py = 0, pm = 12, pd = 31;
	for (int64_t day = RRD__DAY_FIRST; day <= RRD__DAY_LAST; day++) {
		int y, m, d;
		rrd__civil_from_days(day, &y, &m, &d);
		if (!rrd__date_valid(y, m, d) || rrd__days_from_civil(y, m, d) != day)
			fail_msg("day %lld -> %d-%d-%d", (long long)day, y, m, d);
		int next_is_new_month = d == 1;
		if (next_is_new_month) {
			int new_year = m == 1;
			if (new_year ? (y != py + 1 || pm != 12)
				     : (y != py || m != pm + 1))
				fail_msg("%d-%d-%d does not follow %d-%d-%d", y, m, d, py, pm, pd);
		} else if (y != py || m != pm || d != pd + 1) {
			fail_msg("%d-%d-%d does not follow %d-%d-%d", y, m, d, py, pm, pd);
		}
		py = y;
		pm = m;
		pd = d;
	}
}

static void test_date_validity(void **state)
{
	(void)state;
	assert_true(rrd__date_valid(2024, 2, 29));
	assert_true(rrd__date_valid(2000, 2, 29));
	assert_false(rrd__date_valid(1900, 2, 29));
	assert_false(rrd__date_valid(2026, 2, 29));
	assert_false(rrd__date_valid(2026, 2, 30));
	assert_false(rrd__date_valid(2026, 4, 31));
	assert_true(rrd__date_valid(2026, 12, 31));
	assert_false(rrd__date_valid(2026, 13, 1));
	assert_false(rrd__date_valid(2026, 0, 1));
	assert_false(rrd__date_valid(2026, 1, 0));
	assert_false(rrd__date_valid(0, 1, 1));
	assert_false(rrd__date_valid(10000, 1, 1));
	assert_true(rrd__date_valid(1, 1, 1));
	assert_true(rrd__date_valid(9999, 12, 31));
}

static void test_utc_day_rounds_down(void **state)
{
	(void)state;
	const int64_t day = 86400000;
	assert_int_equal(rrd__utc_day(0), 0);
	assert_int_equal(rrd__utc_day(day - 1), 0);
	assert_int_equal(rrd__utc_day(day), 1);
	/* Before 1970: the millisecond before midnight, midnight itself. */
	assert_int_equal(rrd__utc_day(-1), -1);
	assert_int_equal(rrd__utc_day(-day), -1);
	assert_int_equal(rrd__utc_day(-day - 1), -2);
	assert_int_equal(rrd__utc_day(-day + 1), -1);
	assert_int_equal(rrd__utc_day(-36 * 3600000LL), -2);
	/* The ends of the calendars' range, and of int64_t. */
	assert_int_equal(rrd__utc_day(RRD__DAY_FIRST * day), RRD__DAY_FIRST);
	assert_int_equal(rrd__utc_day(RRD__DAY_FIRST * day - 1), RRD__DAY_FIRST - 1);
	assert_int_equal(rrd__utc_day((RRD__DAY_LAST + 1) * day - 1), RRD__DAY_LAST);
	assert_int_equal(rrd__utc_day(INT64_MIN), INT64_MIN / day - 1);
	assert_int_equal(rrd__utc_day(INT64_MAX), INT64_MAX / day);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_is_day_zero_and_a_thursday),
		cmocka_unit_test(test_range_ends),
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_every_day_round_trips_and_counts_up),
		cmocka_unit_test(test_date_validity),
		cmocka_unit_test(test_utc_day_rounds_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
