#include "calendar_test.h"
#include "rrdist/common.h"

/*
 * Expected instants were worked out from the IANA rules independently of
 * ICU (Python's zoneinfo). Dates in 2026 follow long-standing rules; the
 * skipped-midnight cases use past transitions so later tzdata releases
 * cannot move them.
 */

static rrd_calendar *only_on(const char *zone, rrd_weekday day, int start, int end)
{
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "c", zone), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, day, start, end), RRD_OK);
	return cal;
}

static void assert_local_day(const rrd_calendar *cal, rrd_time t, int64_t want_day,
			     rrd_time want_next)
{
	int64_t day = -1;
	rrd_time next = -1;
	assert_int_equal(rrd_calendar_local_day(cal, t, &day, &next), RRD_OK);
	assert_int_equal(day, want_day);
	assert_int_equal(next, want_next);
}

/* ---- America/New_York: spring forward 2026-03-08 02:00 EST -> 03:00 EDT */

static void test_new_york_interval_starting_in_the_gap_opens_after_it(void **state)
{
	(void)state;
	rrd_calendar *cal = only_on("America/New_York", RRD_SUNDAY, 2 * 60 + 30, 4 * 60);
	rrd_time sat_noon = tt_utc(2026, 3, 7, 17, 0);
	assert_int_equal(tt_next_open(cal, sat_noon), tt_utc(2026, 3, 8, 7, 0));
	assert_false(tt_is_open(cal, tt_utc(2026, 3, 8, 7, 0) - 1));
	assert_true(tt_is_open(cal, tt_utc(2026, 3, 8, 7, 0)));
	assert_int_equal(tt_next_close(cal, tt_utc(2026, 3, 8, 7, 0)), tt_utc(2026, 3, 8, 8, 0));
	/* An ordinary Sunday: 02:30 EST is 07:30Z. */
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 2, 28, 17, 0)), tt_utc(2026, 3, 1, 7, 30));
	rrd_calendar_free(cal);
}

static void test_new_york_interval_ending_in_the_gap_lasts_to_its_end(void **state)
{
	(void)state;
	/* 01:30 exists (EST); 03:00 is the first instant after the gap. */
	rrd_calendar *cal = only_on("America/New_York", RRD_SUNDAY, 90, 180);
	rrd_time open = tt_utc(2026, 3, 8, 6, 30);
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 3, 8, 0, 0)), open);
	assert_int_equal(tt_next_close(cal, open), tt_utc(2026, 3, 8, 7, 0));
	assert_int_equal(tt_add(cal, open, 30 * RRD_MINUTE), tt_utc(2026, 3, 8, 7, 0));
	/* Thirty real minutes: the 31st falls on the next Sunday. */
	assert_int_equal(tt_add(cal, open, 31 * RRD_MINUTE), tt_utc(2026, 3, 15, 5, 31));
	rrd_calendar_free(cal);
}

static void test_new_york_interval_inside_the_gap_never_opens_that_day(void **state)
{
	(void)state;
	rrd_calendar *cal = only_on("America/New_York", RRD_SUNDAY, 2 * 60 + 10, 2 * 60 + 50);
	/* Both ends map to 03:00 EDT: no instant that day; the next Sunday
	 * (EDT) opens at 02:10 = 06:10Z. */
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 3, 8, 0, 0)), tt_utc(2026, 3, 15, 6, 10));
	assert_false(tt_is_open(cal, tt_utc(2026, 3, 8, 7, 0)));
	rrd_calendar_free(cal);
}

static void test_new_york_fall_back_time_means_its_first_occurrence(void **state)
{
	(void)state;
	/* 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens at 05:30Z and again
	 * at 06:30Z. */
	rrd_calendar *cal = only_on("America/New_York", RRD_SUNDAY, 90, 180);
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 11, 1, 0, 0)), tt_utc(2026, 11, 1, 5, 30));
	assert_false(tt_is_open(cal, tt_utc(2026, 11, 1, 5, 30) - 1));
	assert_true(tt_is_open(cal, tt_utc(2026, 11, 1, 6, 30)));
	/* 03:00 EST = 08:00Z: two and a half real hours. */
	assert_int_equal(tt_next_close(cal, tt_utc(2026, 11, 1, 5, 30)), tt_utc(2026, 11, 1, 8, 0));
	assert_int_equal(tt_add(cal, tt_utc(2026, 11, 1, 5, 30), 150 * RRD_MINUTE),
			 tt_utc(2026, 11, 1, 8, 0));
	rrd_calendar_free(cal);
}

static void test_new_york_office_hours_keep_local_0900_across_spring_forward(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_daily("America/New_York");
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 3, 7, 5, 0)), tt_utc(2026, 3, 7, 14, 0));
	assert_int_equal(tt_next_close(cal, tt_utc(2026, 3, 7, 14, 0)), tt_utc(2026, 3, 7, 22, 0));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 3, 7, 22, 0)), tt_utc(2026, 3, 8, 13, 0));
	assert_int_equal(tt_next_close(cal, tt_utc(2026, 3, 8, 13, 0)), tt_utc(2026, 3, 8, 21, 0));
	/* 16:58 EST Saturday + 5 min: 2 today, 3 on Sunday morning (EDT). */
	assert_int_equal(tt_add(cal, tt_utc(2026, 3, 7, 21, 58), 5 * RRD_MINUTE),
			 tt_utc(2026, 3, 8, 13, 3));
	rrd_calendar_free(cal);
}

static void test_new_york_office_hours_keep_local_0900_across_fall_back(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_daily("America/New_York");
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 31, 4, 0)), tt_utc(2026, 10, 31, 13, 0));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 31, 21, 0)), tt_utc(2026, 11, 1, 14, 0));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 11, 1, 22, 0)), tt_utc(2026, 11, 2, 14, 0));
	/* Eight hours Saturday, then on into Sunday: the window counts open
	 * time, not wall-clock time. */
	assert_int_equal(tt_add(cal, tt_utc(2026, 10, 31, 13, 0), 10 * RRD_HOUR),
			 tt_utc(2026, 11, 1, 16, 0));
	rrd_calendar_free(cal);
}

/* ---- Europe/London: 2026-03-29 01:00 GMT -> 02:00 BST; 2026-10-25 back */

static void test_london_spring_forward(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_daily("Europe/London");
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 3, 28, 0, 0)), tt_utc(2026, 3, 28, 9, 0));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 3, 29, 0, 0)), tt_utc(2026, 3, 29, 8, 0));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 3, 30, 0, 0)), tt_utc(2026, 3, 30, 8, 0));
	rrd_calendar_free(cal);

	/* 01:30 does not exist that night: the first instant after the gap
	 * is 02:00 BST = 01:00Z. */
	cal = only_on("Europe/London", RRD_SUNDAY, 90, 4 * 60);
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 3, 28, 12, 0)), tt_utc(2026, 3, 29, 1, 0));
	assert_int_equal(tt_next_close(cal, tt_utc(2026, 3, 29, 1, 0)), tt_utc(2026, 3, 29, 3, 0));
	rrd_calendar_free(cal);
}

static void test_london_fall_back(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_daily("Europe/London");
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 24, 0, 0)), tt_utc(2026, 10, 24, 8, 0));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 25, 0, 0)), tt_utc(2026, 10, 25, 9, 0));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 26, 0, 0)), tt_utc(2026, 10, 26, 9, 0));
	rrd_calendar_free(cal);

	/* 01:30 happens at 00:30Z (BST) and 01:30Z (GMT): the first counts. */
	cal = only_on("Europe/London", RRD_SUNDAY, 90, 150);
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 24, 12, 0)), tt_utc(2026, 10, 25, 0, 30));
	assert_int_equal(tt_next_close(cal, tt_utc(2026, 10, 25, 0, 30)), tt_utc(2026, 10, 25, 2, 30));
	rrd_calendar_free(cal);
}

/* ---- half-hour offsets ------------------------------------------------ */

static void test_kolkata_half_hour_offset(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office("Asia/Kolkata");
	/* Monday 2026-01-12 09:00 IST = 03:30Z, 17:00 IST = 11:30Z. */
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 1, 12, 0, 0)), tt_utc(2026, 1, 12, 3, 30));
	assert_true(tt_is_open(cal, tt_utc(2026, 1, 12, 3, 30)));
	assert_false(tt_is_open(cal, tt_utc(2026, 1, 12, 3, 29)));
	assert_int_equal(tt_next_close(cal, tt_utc(2026, 1, 12, 4, 0)), tt_utc(2026, 1, 12, 11, 30));
	assert_int_equal(tt_add(cal, tt_utc(2026, 1, 12, 11, 28), 5 * RRD_MINUTE),
			 tt_utc(2026, 1, 13, 3, 33));
	/* Local midnight is 18:30Z the day before. */
	assert_local_day(cal, tt_utc(2026, 1, 12, 18, 30) - 1, tt_days(2026, 1, 12),
			 tt_utc(2026, 1, 12, 18, 30));
	assert_local_day(cal, tt_utc(2026, 1, 12, 18, 30), tt_days(2026, 1, 13),
			 tt_utc(2026, 1, 13, 18, 30));
	rrd_calendar_free(cal);
}

static void test_adelaide_dst_end_and_start(void **state)
{
	(void)state;
	/* +10:30 (ACDT) until 2026-04-05 03:00 -> 02:00 (+09:30), then back to
	 * +10:30 on 2026-10-04 at 02:00 -> 03:00. */
	rrd_calendar *cal = tt_daily("Australia/Adelaide");
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 4, 3, 12, 0)), tt_utc(2026, 4, 3, 22, 30));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 4, 5, 12, 0)), tt_utc(2026, 4, 5, 23, 30));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 2, 12, 0)), tt_utc(2026, 10, 2, 23, 30));
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 4, 12, 0)), tt_utc(2026, 10, 4, 22, 30));
	rrd_calendar_free(cal);

	/* 02:30 on 2026-04-05 happens twice: first at 16:00Z (ACDT). */
	cal = only_on("Australia/Adelaide", RRD_SUNDAY, 150, 240);
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 4, 4, 0, 0)), tt_utc(2026, 4, 4, 16, 0));
	/* 02:30 on 2026-10-04 does not exist: 03:00 ACDT = 16:30Z. */
	assert_int_equal(tt_next_open(cal, tt_utc(2026, 10, 3, 0, 0)), tt_utc(2026, 10, 3, 16, 30));
	rrd_calendar_free(cal);
}

/* ---- local days ------------------------------------------------------- */

static void test_local_day_changes_at_local_midnight(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office("America/New_York");
	/* 2026-01-15 23:59:59.999 EST is 2026-01-16T04:59:59.999Z. */
	assert_local_day(cal, tt_utc(2026, 1, 16, 5, 0) - 1, tt_days(2026, 1, 15),
			 tt_utc(2026, 1, 16, 5, 0));
	assert_local_day(cal, tt_utc(2026, 1, 16, 5, 0), tt_days(2026, 1, 16),
			 tt_utc(2026, 1, 17, 5, 0));
	assert_local_day(cal, tt_utc(2026, 1, 16, 12, 0), tt_days(2026, 1, 16),
			 tt_utc(2026, 1, 17, 5, 0));
	rrd_calendar_free(cal);
}

static void test_local_day_next_day_on_dst_days(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office("America/New_York");
	/* 2026-03-08 has 23 hours, 2026-11-01 has 25. */
	assert_local_day(cal, tt_utc(2026, 3, 8, 12, 0), tt_days(2026, 3, 8),
			 tt_utc(2026, 3, 9, 4, 0));
	assert_local_day(cal, tt_utc(2026, 11, 1, 12, 0), tt_days(2026, 11, 1),
			 tt_utc(2026, 11, 2, 5, 0));
	assert_local_day(cal, tt_utc(2026, 11, 1, 4, 0), tt_days(2026, 11, 1),
			 tt_utc(2026, 11, 2, 5, 0));
	rrd_calendar_free(cal);
}

static void test_local_day_when_midnight_is_skipped_havana(void **state)
{
	(void)state;
	/* Cuba, 2015-03-08: at 00:00 CST (-5) clocks went to 01:00 CDT (-4).
	 * The day's first instant is 01:00 CDT = 05:00Z. */
	rrd_calendar *cal = only_on("America/Havana", RRD_SUNDAY, 0, 2 * 60);
	assert_local_day(cal, tt_utc(2015, 3, 8, 5, 0) - 1, tt_days(2015, 3, 7),
			 tt_utc(2015, 3, 8, 5, 0));
	assert_local_day(cal, tt_utc(2015, 3, 8, 5, 0), tt_days(2015, 3, 8),
			 tt_utc(2015, 3, 9, 4, 0));
	/* Open from the day's first instant to 02:00 CDT (06:00Z). */
	assert_int_equal(tt_next_open(cal, tt_utc(2015, 3, 7, 12, 0)), tt_utc(2015, 3, 8, 5, 0));
	assert_int_equal(tt_next_close(cal, tt_utc(2015, 3, 8, 5, 0)), tt_utc(2015, 3, 8, 6, 0));
	rrd_calendar_free(cal);
}

static void test_local_day_when_midnight_is_skipped_santiago(void **state)
{
	(void)state;
	/* Chile, 2019-09-08: 00:00 (-4) became 01:00 (-3), so 09-07 began and
	 * 09-08 began at the same hour of UTC, 04:00Z. */
	rrd_calendar *cal = tt_office("America/Santiago");
	assert_local_day(cal, tt_utc(2019, 9, 7, 4, 0), tt_days(2019, 9, 7),
			 tt_utc(2019, 9, 8, 4, 0));
	assert_local_day(cal, tt_utc(2019, 9, 8, 4, 0) - 1, tt_days(2019, 9, 7),
			 tt_utc(2019, 9, 8, 4, 0));
	assert_local_day(cal, tt_utc(2019, 9, 8, 4, 0), tt_days(2019, 9, 8),
			 tt_utc(2019, 9, 9, 3, 0));
	rrd_calendar_free(cal);
}

static void test_local_day_outputs_may_be_null(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office("Europe/London");
	int64_t day = -1;
	rrd_time next = -1;
	assert_int_equal(rrd_calendar_local_day(cal, tt_utc(2026, 6, 1, 12, 0), NULL, NULL),
			 RRD_OK);
	assert_int_equal(rrd_calendar_local_day(cal, tt_utc(2026, 6, 1, 12, 0), &day, NULL),
			 RRD_OK);
	assert_int_equal(day, tt_days(2026, 6, 1));
	assert_int_equal(rrd_calendar_local_day(cal, tt_utc(2026, 6, 1, 12, 0), NULL, &next),
			 RRD_OK);
	assert_int_equal(next, tt_utc(2026, 6, 1, 23, 0));
	rrd_calendar_free(cal);
}

static void test_local_day_is_monotonic_through_a_year(void **state)
{
	(void)state;
	static const char *zones[] = {
		"America/New_York", "Australia/Adelaide", "America/Havana", "Asia/Kolkata",
	};
	for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		rrd_calendar *cal = tt_office(zones[z]);
		rrd_time t = tt_utc(2015, 1, 1, 0, 0);
		int64_t day, prev = 0;
		rrd_time next;
		assert_int_equal(rrd_calendar_local_day(cal, t, &prev, &next), RRD_OK);
		for (int i = 0; i < 400; i++) {
			t = next;
			assert_int_equal(rrd_calendar_local_day(cal, t, &day, &next), RRD_OK);
			assert_int_equal(day, prev + 1);
			assert_true(next > t);
			prev = day;
		}
		rrd_calendar_free(cal);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_york_interval_starting_in_the_gap_opens_after_it),
		cmocka_unit_test(test_new_york_interval_ending_in_the_gap_lasts_to_its_end),
		cmocka_unit_test(test_new_york_interval_inside_the_gap_never_opens_that_day),
		cmocka_unit_test(test_new_york_fall_back_time_means_its_first_occurrence),
		cmocka_unit_test(test_new_york_office_hours_keep_local_0900_across_spring_forward),
		cmocka_unit_test(test_new_york_office_hours_keep_local_0900_across_fall_back),
		cmocka_unit_test(test_london_spring_forward),
		cmocka_unit_test(test_london_fall_back),
		cmocka_unit_test(test_kolkata_half_hour_offset),
		cmocka_unit_test(test_adelaide_dst_end_and_start),
		cmocka_unit_test(test_local_day_changes_at_local_midnight),
		cmocka_unit_test(test_local_day_next_day_on_dst_days),
		cmocka_unit_test(test_local_day_when_midnight_is_skipped_havana),
		cmocka_unit_test(test_local_day_when_midnight_is_skipped_santiago),
		cmocka_unit_test(test_local_day_outputs_may_be_null),
		cmocka_unit_test(test_local_day_is_monotonic_through_a_year),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
