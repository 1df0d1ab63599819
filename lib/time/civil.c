#include "time/civil.h"

/*
 * The era-based algorithms (400-year cycles of 146097 days) stay exact for
 * every year without loops or tables; see H. Hinnant, "chrono-Compatible
 * Low-Level Date Algorithms".
 */

static int is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int rrd__date_valid(int year, int month, int day)
{
	static const int month_days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
		return 0;
	int last = month_days[month - 1] + (month == 2 && is_leap(year));
	return day <= last;
}

int64_t rrd__days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void rrd__civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int64_t rrd__utc_day(int64_t t)
{
	const int64_t ms_per_day = 86400000;
	/* C division truncates towards zero; a remainder below zero means
	 * the quotient was rounded up. */
	return t / ms_per_day - (t % ms_per_day < 0);
}

int rrd__weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = (days + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}
