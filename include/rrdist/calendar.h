/*
 * librrdist: calendars (working hours, holidays, IANA time zones).
 *
 * A calendar is a value object: the host builds it, hands a copy to a
 * distributor (rrd_distributor_put_calendar) and frees its own. Time-zone
 * rules come from ICU, so daylight-saving transitions follow the zone's
 * real history.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_CALENDAR_H
#define RRDIST_CALENDAR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Days of the week, as the scenario format names them. Values are fixed. */
typedef enum rrd_weekday {
	RRD_MONDAY = 0,
	RRD_TUESDAY = 1,
	RRD_WEDNESDAY = 2,
	RRD_THURSDAY = 3,
	RRD_FRIDAY = 4,
	RRD_SATURDAY = 5,
	RRD_SUNDAY = 6
} rrd_weekday;

/**
 * Create a calendar with no open hours.
 *
 * @param out       receives the calendar; the caller owns it (rrd_calendar_free).
 * @param id        UTF-8, 1..RRD_ID_MAX bytes; copied.
 * @param timezone  an IANA zone name such as "America/New_York", 1..255
 *                  bytes; copied and kept as given (aliases such as
 *                  "US/Eastern" are accepted; offsets such as "GMT+05:00"
 *                  are not zones and are refused).
 * @return RRD_OK; RRD_E_INVALID (bad id, or a zone ICU does not know);
 *         RRD_E_NOMEM.
 * Thread-safe: yes (touches only the new object). Queries on one calendar
 * may run in several threads at once; adding hours or holidays while
 * another thread queries it is not allowed.
 */
RRD_API rrd_status rrd_calendar_new(rrd_calendar **out, const char *id,
				    const char *timezone);

/** Free a calendar. NULL is ignored. */
RRD_API void rrd_calendar_free(rrd_calendar *cal);

/**
 * Copy a calendar. @param out receives the copy; the caller owns it.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_calendar_dup(rrd_calendar **out, const rrd_calendar *cal);

/** The calendar's id; owned by the calendar. NULL for a NULL calendar. */
RRD_API const char *rrd_calendar_id(const rrd_calendar *cal);

/** The calendar's IANA zone name; owned by the calendar. */
RRD_API const char *rrd_calendar_timezone(const rrd_calendar *cal);

/**
 * Add an opening interval on a weekday, in local minutes since midnight:
 * open from `start_minute` (included) to `end_minute` (excluded).
 * 0 <= start < end <= 1440 (1440 is "24:00"). Intervals of one day may not
 * overlap. A local time that does not exist on a given date (spring-forward
 * gap) means the first instant after the gap; one that occurs twice (fall
 * back) means its first occurrence.
 *
 * @return RRD_OK; RRD_E_INVALID (bad day, bounds, or an overlap);
 *         RRD_E_NOMEM. On failure the calendar is unchanged.
 */
RRD_API rrd_status rrd_calendar_add_hours(rrd_calendar *cal, rrd_weekday day,
					  int start_minute, int end_minute);

/**
 * Close the calendar all day on a local date. Adding a date twice keeps
 * one (and returns RRD_OK).
 * @return RRD_OK; RRD_E_INVALID (not a real date, or a year outside
 *         1..9999); RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_calendar_add_holiday(rrd_calendar *cal, int year,
					    int month, int day);

/** Number of intervals on `day` (0 for a bad day). */
RRD_API size_t rrd_calendar_hours_count(const rrd_calendar *cal, rrd_weekday day);

/**
 * Interval `index` of `day`, sorted by start.
 * @return RRD_OK or RRD_E_INVALID (bad day or index, or a NULL output);
 *         outputs are left unchanged on failure.
 */
RRD_API rrd_status rrd_calendar_hours(const rrd_calendar *cal, rrd_weekday day,
				      size_t index, int *start_minute,
				      int *end_minute);

/** Number of holidays. */
RRD_API size_t rrd_calendar_holiday_count(const rrd_calendar *cal);

/** Holiday `index`, in ascending date order. @return RRD_OK or RRD_E_INVALID. */
RRD_API rrd_status rrd_calendar_holiday(const rrd_calendar *cal, size_t index,
					int *year, int *month, int *day);

/*
 * The queries below take times from 0001-01-03T00:00:00Z to
 * 9999-12-28T23:59:59.999Z (UTC): RRD_TIME_MIN and RRD_TIME_MAX less two
 * days at either end, so that the local date at any of them, in any
 * zone, and the day after it are dates of the years 1 to 9999. A time
 * outside gives RRD_E_INVALID. Searches look ten years ahead at most. On
 * failure, outputs are left unchanged.
 */

/**
 * Is the calendar open at `t`?
 * @param open receives 1 or 0.
 * @return RRD_OK; RRD_E_INVALID (NULL argument).
 * Thread-safe: yes for concurrent reads of one calendar.
 */
RRD_API rrd_status rrd_calendar_is_open(const rrd_calendar *cal, rrd_time t,
					int *open);

/**
 * The first instant at or after `t` when the calendar is open (`t` itself
 * when open at `t`).
 * @return RRD_OK; RRD_E_NOTFOUND when it never opens again (no hours at all,
 *         or a search horizon of ten years without an opening);
 *         RRD_E_INVALID.
 */
RRD_API rrd_status rrd_calendar_next_open(const rrd_calendar *cal, rrd_time t,
					  rrd_time *out);

/**
 * The first instant after `t` when the calendar closes, if open at `t`; `t`
 * when closed at `t`.
 * @return RRD_OK; RRD_E_NOTFOUND when it never closes in ten years;
 *         RRD_E_INVALID.
 */
RRD_API rrd_status rrd_calendar_next_close(const rrd_calendar *cal, rrd_time t,
					   rrd_time *out);

/**
 * The instant at which `duration` of open time has passed since `t`: a claim
 * window that counts only open hours. An offer made at 16:58 with a
 * 5-minute window on a 09:00-17:00 calendar is due at 09:03 on the next open
 * day. A zero duration gives the next opening.
 * @return RRD_OK; RRD_E_NOTFOUND (the window cannot be completed within ten
 *         years, e.g. never open again); RRD_E_INVALID (a duration that is
 *         negative or longer than RRD_DURATION_MAX).
 */
RRD_API rrd_status rrd_calendar_add_open_time(const rrd_calendar *cal,
					      rrd_time t, rrd_time duration,
					      rrd_time *out);

/**
 * The local calendar date at `t` as days since 1970-01-01 (for per-day
 * capacity), and the instant the next local day begins.
 * @param day        receives the local day number; may be NULL.
 * @param next_day   receives the UTC instant of the next local midnight
 *                   (the first instant of the next day; where a time-zone
 *                   change skips midnight, the end of the gap); may be NULL.
 * @return RRD_OK or RRD_E_INVALID.
 */
RRD_API rrd_status rrd_calendar_local_day(const rrd_calendar *cal, rrd_time t,
					  int64_t *day, rrd_time *next_day);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_CALENDAR_H */
