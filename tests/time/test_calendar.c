#include <string.h>

#include "calendar_test.h"
#include "rrdist/common.h"

/* In UTC, so that local times read as the instants themselves. Week of
 * Monday 2026-01-12 .. Sunday 2026-01-18. */
#define UTC_ZONE "Etc/UTC"

static rrd_time mon(int hour, int minute) { return tt_utc(2026, 1, 12, hour, minute); }
static rrd_time tue(int hour, int minute) { return tt_utc(2026, 1, 13, hour, minute); }
static rrd_time wed(int hour, int minute) { return tt_utc(2026, 1, 14, hour, minute); }
static rrd_time thu(int hour, int minute) { return tt_utc(2026, 1, 15, hour, minute); }
static rrd_time fri(int hour, int minute) { return tt_utc(2026, 1, 16, hour, minute); }
static rrd_time sat(int hour, int minute) { return tt_utc(2026, 1, 17, hour, minute); }
static rrd_time next_mon(int hour, int minute) { return tt_utc(2026, 1, 19, hour, minute); }

/* Every interval of every day, for comparing calendars. */
typedef struct snapshot {
	size_t count[7];
	int start[7][16], end[7][16];
	size_t nholidays;
	int hy[16], hm[16], hd[16];
} snapshot;

static void take(const rrd_calendar *cal, snapshot *s)
{
	memset(s, 0, sizeof *s);
	for (int d = 0; d < 7; d++) {
		s->count[d] = rrd_calendar_hours_count(cal, (rrd_weekday)d);
		assert_true(s->count[d] <= 16);
		for (size_t i = 0; i < s->count[d]; i++)
			assert_int_equal(rrd_calendar_hours(cal, (rrd_weekday)d, i,
							    &s->start[d][i],
							    &s->end[d][i]), RRD_OK);
	}
	s->nholidays = rrd_calendar_holiday_count(cal);
	assert_true(s->nholidays <= 16);
	for (size_t i = 0; i < s->nholidays; i++)
		assert_int_equal(rrd_calendar_holiday(cal, i, &s->hy[i], &s->hm[i],
						      &s->hd[i]), RRD_OK);
}

static void assert_unchanged(const rrd_calendar *cal, const snapshot *before)
{
	snapshot after;
	take(cal, &after);
	assert_memory_equal(before, &after, sizeof after);
}

/* ---- construction and accessors --------------------------------------- */

static void test_new_copies_id_and_zone(void **state)
{
	(void)state;
	char id[] = "team-east";
	char zone[] = "America/New_York";
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, id, zone), RRD_OK);
	id[0] = 'X';
	zone[0] = 'X';
	assert_string_equal(rrd_calendar_id(cal), "team-east");
	assert_string_equal(rrd_calendar_timezone(cal), "America/New_York");
	rrd_calendar_free(cal);
}

static void test_new_calendar_is_never_open(void **state)
{
	(void)state;
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "empty", UTC_ZONE), RRD_OK);
	for (int d = 0; d < 7; d++)
		assert_int_equal(rrd_calendar_hours_count(cal, (rrd_weekday)d), 0);
	assert_int_equal(rrd_calendar_holiday_count(cal), 0);
	assert_false(tt_is_open(cal, mon(10, 0)));
	rrd_time out = 42;
	assert_int_equal(rrd_calendar_next_open(cal, mon(10, 0), &out), RRD_E_NOTFOUND);
	assert_int_equal(out, 42);
	assert_int_equal(rrd_calendar_add_open_time(cal, mon(10, 0), 0, &out),
			 RRD_E_NOTFOUND);
	assert_int_equal(rrd_error_last_status(), RRD_E_NOTFOUND);
	assert_int_equal(tt_next_close(cal, mon(10, 0)), mon(10, 0));
	rrd_calendar_free(cal);
}

static void test_hours_are_kept_sorted_by_start(void **state)
{
	(void)state;
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "c", UTC_ZONE), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_TUESDAY, 13 * 60, 17 * 60), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_TUESDAY, 0, 60), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_TUESDAY, 9 * 60, 12 * 60), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_TUESDAY, 22 * 60, 1440), RRD_OK);
	assert_int_equal(rrd_calendar_hours_count(cal, RRD_TUESDAY), 4);
	assert_int_equal(rrd_calendar_hours_count(cal, RRD_MONDAY), 0);
	static const int want[4][2] = {
		{ 0, 60 }, { 540, 720 }, { 780, 1020 }, { 1320, 1440 }
	};
	for (size_t i = 0; i < 4; i++) {
		int s = -1, e = -1;
		assert_int_equal(rrd_calendar_hours(cal, RRD_TUESDAY, i, &s, &e), RRD_OK);
		assert_int_equal(s, want[i][0]);
		assert_int_equal(e, want[i][1]);
	}
	int s, e;
	assert_int_equal(rrd_calendar_hours(cal, RRD_TUESDAY, 4, &s, &e), RRD_E_INVALID);
	rrd_calendar_free(cal);
}

static void test_touching_intervals_are_accepted(void **state)
{
	(void)state;
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "c", UTC_ZONE), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 12 * 60, 17 * 60), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 9 * 60, 12 * 60), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 17 * 60, 18 * 60), RRD_OK);
	assert_int_equal(rrd_calendar_hours_count(cal, RRD_MONDAY), 3);
	rrd_calendar_free(cal);
}

static void test_overlapping_hours_are_refused_and_change_nothing(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 18 * 60, 20 * 60), RRD_OK);
	snapshot before;
	take(cal, &before);
	static const int bad[][2] = {
		{ 8 * 60, 9 * 60 + 1 },   /* overlaps the start */
		{ 16 * 60 + 59, 18 * 60 },/* overlaps the end */
		{ 10 * 60, 11 * 60 },     /* inside */
		{ 8 * 60, 21 * 60 },      /* covers both */
		{ 9 * 60, 17 * 60 },      /* the same again */
		{ 17 * 60, 18 * 60 + 1 }, /* overlaps the next one */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, bad[i][0],
							bad[i][1]), RRD_E_INVALID);
		assert_int_equal(rrd_error_last_status(), RRD_E_INVALID);
		assert_unchanged(cal, &before);
	}
	rrd_calendar_free(cal);
}

static void test_out_of_range_hours_are_refused(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	snapshot before;
	take(cal, &before);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SATURDAY, 600, 600), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SATURDAY, 700, 600), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SATURDAY, -1, 600), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SATURDAY, 600, 1441), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_hours(cal, (rrd_weekday)7, 600, 700), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_hours(cal, (rrd_weekday)-1, 600, 700), RRD_E_INVALID);
	assert_unchanged(cal, &before);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SATURDAY, 0, 1440), RRD_OK);
	rrd_calendar_free(cal);
}

static void test_bad_weekday_queries_give_nothing(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	int s, e;
	assert_int_equal(rrd_calendar_hours_count(cal, (rrd_weekday)7), 0);
	assert_int_equal(rrd_calendar_hours_count(cal, (rrd_weekday)-1), 0);
	assert_int_equal(rrd_calendar_hours(cal, (rrd_weekday)7, 0, &s, &e), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_hours(cal, (rrd_weekday)-3, 0, &s, &e), RRD_E_INVALID);
	rrd_calendar_free(cal);
}

static void test_holidays_are_sorted_and_deduplicated(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 12, 25), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 1, 1), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 12, 25), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 1999, 7, 4), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 1, 1), RRD_OK);
	assert_int_equal(rrd_calendar_holiday_count(cal), 3);
	static const int want[3][3] = { { 1999, 7, 4 }, { 2026, 1, 1 }, { 2026, 12, 25 } };
	for (size_t i = 0; i < 3; i++) {
		int y, m, d;
		assert_int_equal(rrd_calendar_holiday(cal, i, &y, &m, &d), RRD_OK);
		assert_int_equal(y, want[i][0]);
		assert_int_equal(m, want[i][1]);
		assert_int_equal(d, want[i][2]);
	}
	int y, m, d;
	assert_int_equal(rrd_calendar_holiday(cal, 3, &y, &m, &d), RRD_E_INVALID);
	rrd_calendar_free(cal);
}

static void test_bad_dates_are_refused_and_change_nothing(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 7, 3), RRD_OK);
	snapshot before;
	take(cal, &before);
	static const int bad[][3] = {
		{ 2026, 2, 30 }, { 2026, 13, 1 }, { 2026, 0, 1 }, { 2026, 1, 0 },
		{ 2026, 4, 31 }, { 2025, 2, 29 }, { 1900, 2, 29 }, { 0, 1, 1 },
		{ 10000, 1, 1 }, { -5, 1, 1 }, { 2026, 1, 32 }, { 2026, -1, 1 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(rrd_calendar_add_holiday(cal, bad[i][0], bad[i][1],
							  bad[i][2]), RRD_E_INVALID);
		assert_unchanged(cal, &before);
	}
	assert_int_equal(rrd_calendar_add_holiday(cal, 2024, 2, 29), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2000, 2, 29), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 1, 1, 1), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 9999, 12, 31), RRD_OK);
	assert_int_equal(rrd_calendar_holiday_count(cal), 5);
	rrd_calendar_free(cal);
}

static void test_unknown_zones_are_refused(void **state)
{
	(void)state;
	static const char *bad[] = {
		"Mars/Olympus", "", "Etc/Unknown", "GMT+05:00", "America/New York",
		"america/new_york_city", "../../etc/passwd", "America/New_York\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rrd_calendar *cal = (rrd_calendar *)&cal; /* must stay untouched */
		assert_int_equal(rrd_calendar_new(&cal, "c", bad[i]), RRD_E_INVALID);
		assert_ptr_equal(cal, (rrd_calendar *)&cal);
		assert_int_equal(rrd_error_last_status(), RRD_E_INVALID);
	}
	char longzone[300];
	memset(longzone, 'A', sizeof longzone - 1);
	longzone[sizeof longzone - 1] = '\0';
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "c", longzone), RRD_E_INVALID);
	assert_null(cal);
}

static void test_known_zones_and_aliases_are_accepted(void **state)
{
	(void)state;
	static const char *good[] = {
		"America/New_York", "Europe/London", "Asia/Kolkata", "Asia/Calcutta",
		"Australia/Adelaide", "UTC", "Etc/UTC", "US/Eastern", "Etc/GMT+5",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		rrd_calendar *cal = NULL;
		assert_int_equal(rrd_calendar_new(&cal, "c", good[i]), RRD_OK);
		assert_string_equal(rrd_calendar_timezone(cal), good[i]);
		rrd_calendar_free(cal);
	}
}

static void test_id_must_be_1_to_255_bytes(void **state)
{
	(void)state;
	char id[RRD_ID_MAX + 2];
	memset(id, 'x', sizeof id);
	rrd_calendar *cal = NULL;

	id[RRD_ID_MAX + 1] = '\0';
	assert_int_equal(rrd_calendar_new(&cal, id, UTC_ZONE), RRD_E_INVALID);
	assert_null(cal);
	assert_int_equal(rrd_calendar_new(&cal, "", UTC_ZONE), RRD_E_INVALID);
	assert_null(cal);
	assert_int_equal(rrd_calendar_new(&cal, "\xff\xfe", UTC_ZONE), RRD_E_INVALID);
	assert_null(cal);

	id[RRD_ID_MAX] = '\0';
	assert_int_equal(rrd_calendar_new(&cal, id, UTC_ZONE), RRD_OK);
	assert_int_equal(strlen(rrd_calendar_id(cal)), RRD_ID_MAX);
	rrd_calendar_free(cal);
}

static void test_null_arguments_are_refused(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	rrd_calendar *out = NULL;
	rrd_time t = mon(10, 0), r;
	int i, s, e, y, m, d;
	int64_t day;

	assert_int_equal(rrd_calendar_new(NULL, "c", UTC_ZONE), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_new(&out, NULL, UTC_ZONE), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_new(&out, "c", NULL), RRD_E_INVALID);
	assert_null(out);
	assert_int_equal(rrd_calendar_dup(NULL, cal), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_dup(&out, NULL), RRD_E_INVALID);
	assert_null(out);
	assert_null(rrd_calendar_id(NULL));
	assert_null(rrd_calendar_timezone(NULL));
	rrd_calendar_free(NULL);

	assert_int_equal(rrd_calendar_add_hours(NULL, RRD_MONDAY, 0, 60), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_holiday(NULL, 2026, 1, 1), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_hours_count(NULL, RRD_MONDAY), 0);
	assert_int_equal(rrd_calendar_hours(NULL, RRD_MONDAY, 0, &s, &e), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_hours(cal, RRD_MONDAY, 0, NULL, &e), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_hours(cal, RRD_MONDAY, 0, &s, NULL), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_holiday_count(NULL), 0);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 1, 1), RRD_OK);
	assert_int_equal(rrd_calendar_holiday(NULL, 0, &y, &m, &d), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_holiday(cal, 0, NULL, &m, &d), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_holiday(cal, 0, &y, NULL, &d), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_holiday(cal, 0, &y, &m, NULL), RRD_E_INVALID);

	assert_int_equal(rrd_calendar_is_open(NULL, t, &i), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_is_open(cal, t, NULL), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_next_open(NULL, t, &r), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_next_open(cal, t, NULL), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_next_close(NULL, t, &r), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_next_close(cal, t, NULL), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_open_time(NULL, t, 0, &r), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_open_time(cal, t, 0, NULL), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_local_day(NULL, t, &day, &r), RRD_E_INVALID);
	assert_int_equal(rrd_error_last_status(), RRD_E_INVALID);
	rrd_calendar_free(cal);
}

static void test_negative_duration_is_refused(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	rrd_time out = 7;
	assert_int_equal(rrd_calendar_add_open_time(cal, mon(10, 0), -1, &out),
			 RRD_E_INVALID);
	assert_int_equal(out, 7);
	rrd_calendar_free(cal);
}

static void test_times_outside_years_1_to_9999_are_refused(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	int open;
	rrd_time out;
	assert_int_equal(rrd_calendar_is_open(cal, INT64_MAX, &open), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_is_open(cal, INT64_MIN, &open), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_next_open(cal, INT64_MAX, &out), RRD_E_INVALID);
	assert_int_equal(rrd_calendar_add_open_time(cal, tt_utc(10000, 1, 1, 0, 0),
						    0, &out), RRD_E_INVALID);
	/* Well inside the range, even far from today, works. */
	assert_true(tt_is_open(cal, tt_utc(1066, 10, 14, 10, 0)) == 0 ||
		    tt_is_open(cal, tt_utc(1066, 10, 14, 10, 0)) == 1);
	assert_int_equal(tt_next_open(cal, tt_utc(9990, 1, 1, 0, 0)) >=
			 tt_utc(9990, 1, 1, 0, 0), 1);
	rrd_calendar_free(cal);
}

static void test_error_message_names_the_problem(void **state)
{
	(void)state;
	rrd_calendar *cal = NULL;
	rrd_error_clear();
	assert_int_equal(rrd_calendar_new(&cal, "c", "Mars/Olympus"), RRD_E_INVALID);
	assert_non_null(strstr(rrd_error_last(), "Mars/Olympus"));
}

/* ---- open / closed ---------------------------------------------------- */

static void test_open_from_start_included_to_end_excluded(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_false(tt_is_open(cal, mon(9, 0) - 1));
	assert_true(tt_is_open(cal, mon(9, 0)));
	assert_true(tt_is_open(cal, mon(12, 34)));
	assert_true(tt_is_open(cal, mon(17, 0) - 1));
	assert_false(tt_is_open(cal, mon(17, 0)));
	assert_false(tt_is_open(cal, mon(23, 0)));
	assert_true(tt_is_open(cal, fri(16, 0)));
	rrd_calendar_free(cal);
}

static void test_day_without_hours_is_closed(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_false(tt_is_open(cal, sat(12, 0)));
	assert_false(tt_is_open(cal, tt_utc(2026, 1, 18, 12, 0)));
	rrd_calendar_free(cal);
}

static void test_holiday_is_closed_all_day(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 1, 14), RRD_OK);
	assert_true(tt_is_open(cal, tue(12, 0)));
	assert_false(tt_is_open(cal, wed(9, 0)));
	assert_false(tt_is_open(cal, wed(12, 0)));
	assert_true(tt_is_open(cal, thu(9, 0)));
	rrd_calendar_free(cal);
}

static void test_sunday_hours_apply_on_sundays(void **state)
{
	(void)state;
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "c", UTC_ZONE), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SUNDAY, 600, 660), RRD_OK);
	assert_true(tt_is_open(cal, tt_utc(2026, 1, 18, 10, 30)));
	assert_false(tt_is_open(cal, tt_utc(2026, 1, 17, 10, 30)));
	assert_false(tt_is_open(cal, tt_utc(2026, 1, 19, 10, 30)));
	assert_int_equal(tt_next_open(cal, mon(0, 0)), tt_utc(2026, 1, 18, 10, 0));
	rrd_calendar_free(cal);
}

static void test_answers_follow_hours_added_later(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_false(tt_is_open(cal, sat(10, 0)));
	assert_int_equal(tt_next_open(cal, sat(10, 0)), next_mon(9, 0));
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SATURDAY, 600, 720), RRD_OK);
	assert_true(tt_is_open(cal, sat(10, 0)));
	assert_int_equal(tt_next_close(cal, sat(10, 0)), sat(12, 0));
	assert_true(tt_is_open(cal, mon(10, 0)));
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 1, 12), RRD_OK);
	assert_false(tt_is_open(cal, mon(10, 0)));
	rrd_calendar_free(cal);
}

/* ---- next_open / next_close ------------------------------------------- */

static void test_next_open_is_t_when_open(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_next_open(cal, mon(9, 0)), mon(9, 0));
	assert_int_equal(tt_next_open(cal, mon(15, 7)), mon(15, 7));
	rrd_calendar_free(cal);
}

static void test_next_open_skips_to_the_next_opening(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_next_open(cal, mon(3, 0)), mon(9, 0));
	assert_int_equal(tt_next_open(cal, mon(17, 0)), tue(9, 0));
	assert_int_equal(tt_next_open(cal, fri(17, 0)), next_mon(9, 0));
	assert_int_equal(tt_next_open(cal, sat(12, 0)), next_mon(9, 0));
	rrd_calendar_free(cal);
}

static void test_next_close_is_t_when_closed(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_next_close(cal, mon(8, 0)), mon(8, 0));
	assert_int_equal(tt_next_close(cal, mon(17, 0)), mon(17, 0));
	rrd_calendar_free(cal);
}

static void test_next_close_is_the_end_of_the_interval(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_next_close(cal, mon(9, 0)), mon(17, 0));
	assert_int_equal(tt_next_close(cal, mon(17, 0) - 1), mon(17, 0));
	rrd_calendar_free(cal);
}

static void test_adjacent_intervals_are_one_span(void **state)
{
	(void)state;
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "split", UTC_ZONE), RRD_OK);
	for (int d = RRD_MONDAY; d <= RRD_FRIDAY; d++) {
		assert_int_equal(rrd_calendar_add_hours(cal, (rrd_weekday)d, 540, 720), RRD_OK);
		assert_int_equal(rrd_calendar_add_hours(cal, (rrd_weekday)d, 720, 1020), RRD_OK);
	}
	assert_true(tt_is_open(cal, mon(12, 0)));
	assert_int_equal(tt_next_close(cal, mon(10, 0)), mon(17, 0));
	assert_int_equal(tt_add(cal, mon(11, 0), 3 * RRD_HOUR), mon(14, 0));
	assert_int_equal(tt_add(cal, mon(16, 58), 5 * RRD_MINUTE), tue(9, 3));
	rrd_calendar_free(cal);
}

static void test_interval_ending_at_midnight_joins_next_days_midnight_start(void **state)
{
	(void)state;
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "night", UTC_ZONE), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 18 * 60, 1440), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_TUESDAY, 0, 2 * 60), RRD_OK);
	assert_true(tt_is_open(cal, mon(23, 59)));
	assert_true(tt_is_open(cal, tue(0, 0)));
	assert_int_equal(tt_next_close(cal, mon(20, 0)), tue(2, 0));
	assert_int_equal(tt_add(cal, mon(23, 0), 2 * RRD_HOUR), tue(1, 0));
	assert_int_equal(tt_add(cal, mon(18, 0), 8 * RRD_HOUR), tue(2, 0));
	assert_false(tt_is_open(cal, tue(2, 0)));
	rrd_calendar_free(cal);
}

static void test_always_open_calendar_never_closes(void **state)
{
	(void)state;
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "24x7", UTC_ZONE), RRD_OK);
	for (int d = 0; d < 7; d++)
		assert_int_equal(rrd_calendar_add_hours(cal, (rrd_weekday)d, 0, 1440), RRD_OK);
	assert_true(tt_is_open(cal, mon(3, 0)));
	rrd_time out = 5;
	assert_int_equal(rrd_calendar_next_close(cal, mon(3, 0), &out), RRD_E_NOTFOUND);
	assert_int_equal(out, 5);
	assert_int_equal(tt_add(cal, mon(3, 0), 30 * RRD_DAY), mon(3, 0) + 30 * RRD_DAY);
	assert_int_equal(tt_next_open(cal, sat(12, 0)), sat(12, 0));
	rrd_calendar_free(cal);
}

static void test_search_stops_after_ten_years(void **state)
{
	(void)state;
	/* Open only on Mondays, and every Monday from 2026-01-12 on for 21
	 * years is a holiday but one, so that even ten years after that one
	 * there is no opening. */
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "rare", UTC_ZONE), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 540, 1020), RRD_OK);
	rrd_calendar *dup = NULL;
	int64_t first = tt_days(2026, 1, 12);
	int64_t kept = first + 7 * 520; /* 2035-12-31, inside ten years */
	for (int64_t day = first; day < first + 21 * 366; day += 7) {
		if (day == kept)
			continue;
		/* Back to a date through the epoch-based helper's inverse. */
		int y = 1970, m = 1;
		int64_t rest = day;
		for (;;) {
			int64_t len = tt_days(y + 1, 1, 1) - tt_days(y, 1, 1);
			if (rest < len)
				break;
			rest -= len;
			y++;
		}
		rest = day - tt_days(y, 1, 1);
		while (m < 12 && tt_days(y, m + 1, 1) - tt_days(y, 1, 1) <= rest)
			m++;
		int d = (int)(day - tt_days(y, m, 1)) + 1;
		assert_int_equal(rrd_calendar_add_holiday(cal, y, m, d), RRD_OK);
	}
	assert_int_equal(rrd_calendar_dup(&dup, cal), RRD_OK);
	assert_int_equal(tt_next_open(cal, mon(0, 0)), kept * RRD_DAY + 9 * RRD_HOUR);

	rrd_time out;
	assert_int_equal(rrd_calendar_next_open(cal, kept * RRD_DAY + 17 * RRD_HOUR, &out),
			 RRD_E_NOTFOUND);
	assert_int_equal(rrd_calendar_add_open_time(cal, mon(0, 0), 9 * RRD_HOUR, &out),
			 RRD_E_NOTFOUND);
	assert_int_equal(tt_add(cal, mon(0, 0), 8 * RRD_HOUR), kept * RRD_DAY + 17 * RRD_HOUR);

	/* Without the kept Monday nothing opens within ten years. */
	assert_int_equal(kept, tt_days(2035, 12, 31));
	assert_int_equal(rrd_calendar_add_holiday(dup, 2035, 12, 31), RRD_OK);
	assert_int_equal(rrd_calendar_next_open(dup, mon(0, 0), &out), RRD_E_NOTFOUND);
	assert_false(tt_is_open(dup, kept * RRD_DAY + 10 * RRD_HOUR));
	rrd_calendar_free(dup);
	rrd_calendar_free(cal);
}

/* ---- open-time windows ------------------------------------------------ */

static void test_window_of_5_minutes_at_1658_is_due_0903_next_day(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_add(cal, thu(16, 58), 5 * RRD_MINUTE), fri(9, 3));
	rrd_calendar_free(cal);
}

static void test_window_within_one_interval(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_add(cal, mon(10, 0), 90 * RRD_MINUTE), mon(11, 30));
	rrd_calendar_free(cal);
}

static void test_window_spanning_a_weekend(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_add(cal, fri(16, 58), 5 * RRD_MINUTE), next_mon(9, 3));
	assert_int_equal(tt_add(cal, fri(15, 0), 4 * RRD_HOUR), next_mon(11, 0));
	rrd_calendar_free(cal);
}

static void test_window_spanning_a_holiday_and_a_weekend(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 1, 16), RRD_OK);
	assert_int_equal(tt_add(cal, thu(16, 58), 5 * RRD_MINUTE), next_mon(9, 3));
	rrd_calendar_free(cal);
}

static void test_window_made_while_closed_starts_at_the_next_opening(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_add(cal, sat(11, 0), 5 * RRD_MINUTE), next_mon(9, 5));
	assert_int_equal(tt_add(cal, mon(6, 0), RRD_HOUR), mon(10, 0));
	rrd_calendar_free(cal);
}

static void test_window_consumes_several_days(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_add(cal, mon(9, 0), 20 * RRD_HOUR), wed(13, 0));
	assert_int_equal(tt_add(cal, mon(9, 0), 40 * RRD_HOUR), fri(17, 0));
	assert_int_equal(tt_add(cal, mon(9, 0), 40 * RRD_HOUR + 1), next_mon(9, 0) + 1);
	rrd_calendar_free(cal);
}

static void test_zero_duration_when_open_is_t(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_add(cal, mon(9, 0), 0), mon(9, 0));
	assert_int_equal(tt_add(cal, mon(13, 21), 0), mon(13, 21));
	rrd_calendar_free(cal);
}

static void test_zero_duration_when_closed_is_the_next_opening(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_add(cal, mon(17, 0), 0), tue(9, 0));
	assert_int_equal(tt_add(cal, sat(1, 0), 0), next_mon(9, 0));
	rrd_calendar_free(cal);
}

static void test_window_ending_exactly_at_close_is_due_at_the_close(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office(UTC_ZONE);
	assert_int_equal(tt_add(cal, mon(16, 55), 5 * RRD_MINUTE), mon(17, 0));
	assert_int_equal(tt_add(cal, fri(9, 0), 8 * RRD_HOUR), fri(17, 0));
	assert_int_equal(tt_add(cal, thu(16, 0), 9 * RRD_HOUR), fri(17, 0));
	rrd_calendar_free(cal);
}

static void test_repeated_queries_agree_with_fresh_ones(void **state)
{
	(void)state;
	/* The second calendar never answers from remembered spans in the same
	 * order, so both paths get compared. */
	rrd_calendar *a = tt_office(UTC_ZONE);
	rrd_calendar *b = NULL;
	assert_int_equal(rrd_calendar_add_holiday(a, 2026, 1, 14), RRD_OK);
	for (rrd_time t = mon(0, 0); t < next_mon(0, 0); t += 13 * RRD_MINUTE) {
		assert_int_equal(rrd_calendar_dup(&b, a), RRD_OK);
		int open_a = tt_is_open(a, t);
		assert_int_equal(open_a, tt_is_open(b, t));
		rrd_calendar_free(b);
		assert_int_equal(rrd_calendar_dup(&b, a), RRD_OK);
		assert_int_equal(tt_add(a, t, 20 * RRD_MINUTE), tt_add(b, t, 20 * RRD_MINUTE));
		assert_int_equal(tt_next_close(a, t), tt_next_close(b, t));
		rrd_calendar_free(b);
		assert_int_equal(rrd_calendar_dup(&b, a), RRD_OK);
		assert_int_equal(tt_next_open(a, t), tt_next_open(b, t));
		rrd_calendar_free(b);
	}
	rrd_calendar_free(a);
}

static void test_dup_copies_everything_and_is_independent(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office("America/New_York");
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 7, 3), RRD_OK);
	rrd_calendar *copy = NULL;
	assert_int_equal(rrd_calendar_dup(&copy, cal), RRD_OK);
	snapshot a, b;
	take(cal, &a);
	take(copy, &b);
	assert_memory_equal(&a, &b, sizeof a);
	assert_string_equal(rrd_calendar_id(copy), "office");
	assert_string_equal(rrd_calendar_timezone(copy), "America/New_York");
	assert_int_equal(rrd_calendar_add_hours(copy, RRD_SATURDAY, 600, 660), RRD_OK);
	assert_unchanged(cal, &a);
	rrd_calendar_free(cal);
	assert_true(tt_is_open(copy, tt_utc(2026, 1, 17, 15, 30)));
	rrd_calendar_free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_copies_id_and_zone),
		cmocka_unit_test(test_new_calendar_is_never_open),
		cmocka_unit_test(test_hours_are_kept_sorted_by_start),
		cmocka_unit_test(test_touching_intervals_are_accepted),
		cmocka_unit_test(test_overlapping_hours_are_refused_and_change_nothing),
		cmocka_unit_test(test_out_of_range_hours_are_refused),
		cmocka_unit_test(test_bad_weekday_queries_give_nothing),
		cmocka_unit_test(test_holidays_are_sorted_and_deduplicated),
		cmocka_unit_test(test_bad_dates_are_refused_and_change_nothing),
		cmocka_unit_test(test_unknown_zones_are_refused),
		cmocka_unit_test(test_known_zones_and_aliases_are_accepted),
		cmocka_unit_test(test_id_must_be_1_to_255_bytes),
		cmocka_unit_test(test_null_arguments_are_refused),
		cmocka_unit_test(test_negative_duration_is_refused),
		cmocka_unit_test(test_times_outside_years_1_to_9999_are_refused),
		cmocka_unit_test(test_error_message_names_the_problem),
		cmocka_unit_test(test_open_from_start_included_to_end_excluded),
		cmocka_unit_test(test_day_without_hours_is_closed),
		cmocka_unit_test(test_holiday_is_closed_all_day),
		cmocka_unit_test(test_sunday_hours_apply_on_sundays),
		cmocka_unit_test(test_answers_follow_hours_added_later),
		cmocka_unit_test(test_next_open_is_t_when_open),
		cmocka_unit_test(test_next_open_skips_to_the_next_opening),
		cmocka_unit_test(test_next_close_is_t_when_closed),
		cmocka_unit_test(test_next_close_is_the_end_of_the_interval),
		cmocka_unit_test(test_adjacent_intervals_are_one_span),
		cmocka_unit_test(test_interval_ending_at_midnight_joins_next_days_midnight_start),
		cmocka_unit_test(test_always_open_calendar_never_closes),
		cmocka_unit_test(test_search_stops_after_ten_years),
		cmocka_unit_test(test_window_of_5_minutes_at_1658_is_due_0903_next_day),
		cmocka_unit_test(test_window_within_one_interval),
		cmocka_unit_test(test_window_spanning_a_weekend),
		cmocka_unit_test(test_window_spanning_a_holiday_and_a_weekend),
		cmocka_unit_test(test_window_made_while_closed_starts_at_the_next_opening),
		cmocka_unit_test(test_window_consumes_several_days),
		cmocka_unit_test(test_zero_duration_when_open_is_t),
		cmocka_unit_test(test_zero_duration_when_closed_is_the_next_opening),
		cmocka_unit_test(test_window_ending_exactly_at_close_is_due_at_the_close),
		cmocka_unit_test(test_repeated_queries_agree_with_fresh_ones),
		cmocka_unit_test(test_dup_copies_everything_and_is_independent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
