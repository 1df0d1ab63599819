/*
 * Proleptic Gregorian dates as day numbers (days since 1970-01-01).
 *
 * Pure arithmetic with no time zone: calendars key holidays and weekdays by
 * local day number, and only the conversion between a local day and UTC
 * needs the zone rules (time/zone.h).
 */
#ifndef RRD_TIME_CIVIL_H
#define RRD_TIME_CIVIL_H

#include <stdint.h>

/* The range of dates calendars accept: 0001-01-01 .. 9999-12-31. */
#define RRD__DAY_FIRST ((int64_t)-719162)
#define RRD__DAY_LAST ((int64_t)2932896)

/* 1 when y-m-d is a real date with 1 <= y <= 9999, else 0. */
int rrd__date_valid(int year, int month, int day);

/* Day number of a date; the date must be valid. */
int64_t rrd__days_from_civil(int year, int month, int day);

/* The date of a day number in RRD__DAY_FIRST..RRD__DAY_LAST. */
void rrd__civil_from_days(int64_t days, int *year, int *month, int *day);

/* The UTC day number of instant `t` (milliseconds since the epoch):
 * rounded down, so an instant before 1970 is in a day below zero. Any
 * int64_t is accepted. Its day begins at rrd__utc_day(t) * 86400000. */
int64_t rrd__utc_day(int64_t t);

/* Weekday of a day number: 0 = Monday .. 6 = Sunday (rrd_weekday). */
int rrd__weekday(int64_t days);

#endif
