/* Helpers shared by the calendar tests. */
#ifndef RRD_TESTS_TIME_CALENDAR_TEST_H
#define RRD_TESTS_TIME_CALENDAR_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rrdist/calendar.h"

/* Days since 1970-01-01, counted year by year and month by month: slow,
 * but a different method from the library's, so it checks rather than
 * repeats it. */
static inline int64_t tt_days(int year, int month, int day)
{
	static const int month_days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int64_t n = 0;
	for (int y = 1970; y < year; y++)
		n += 365 + ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
	for (int y = year; y < 1970; y++)
		n -= 365 + ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	for (int m = 1; m < month; m++)
		n += month_days[m - 1] + (m == 2 && leap);
	return n + day - 1;
}

/* A UTC instant, e.g. tt_utc(2026, 3, 8, 7, 0) for 2026-03-08T07:00Z. */
static inline rrd_time tt_utc(int year, int month, int day, int hour, int minute)
{
	return tt_days(year, month, day) * RRD_DAY + hour * RRD_HOUR +
	       minute * RRD_MINUTE;
}

/* A calendar open Monday to Friday, 09:00-17:00 local. */
static inline rrd_calendar *tt_office(const char *zone)
{
	rrd_calendar *cal = NULL;
	assert_int_equal(rrd_calendar_new(&cal, "office", zone), RRD_OK);
	for (int d = RRD_MONDAY; d <= RRD_FRIDAY; d++)
		assert_int_equal(rrd_calendar_add_hours(cal, (rrd_weekday)d,
							9 * 60, 17 * 60), RRD_OK);
	return cal;
}

/* A calendar open 09:00-17:00 local every day of the week. */
static inline rrd_calendar *tt_daily(const char *zone)
{
	rrd_calendar *cal = tt_office(zone);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SATURDAY, 9 * 60, 17 * 60),
			 RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SUNDAY, 9 * 60, 17 * 60),
			 RRD_OK);
	return cal;
}

static inline int tt_is_open(const rrd_calendar *cal, rrd_time t)
{
	int open = -1;
	assert_int_equal(rrd_calendar_is_open(cal, t, &open), RRD_OK);
	return open;
}

static inline rrd_time tt_next_open(const rrd_calendar *cal, rrd_time t)
{
	rrd_time out = -1;
	assert_int_equal(rrd_calendar_next_open(cal, t, &out), RRD_OK);
	return out;
}

static inline rrd_time tt_next_close(const rrd_calendar *cal, rrd_time t)
{
	rrd_time out = -1;
	assert_int_equal(rrd_calendar_next_close(cal, t, &out), RRD_OK);
	return out;
}

static inline rrd_time tt_add(const rrd_calendar *cal, rrd_time t, rrd_time d)
{
	rrd_time out = -1;
	assert_int_equal(rrd_calendar_add_open_time(cal, t, d, &out), RRD_OK);
	return out;
}

#endif
