#include "time/calendar_impl.h"
#include "time/calendar.h"

#include <string.h>

#include "time/civil.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

/* The weekday as an index, or -1; enums may be unsigned, hence the int. */
static int day_index(rrd_weekday day)
{
	int d = (int)day;
	return d >= 0 && d < RRD__WEEKDAYS ? d : -1;
}

static void free_members(rrd_calendar *cal)
{
	rrd__free(cal->id);
	rrd__free(cal->timezone);
	for (int d = 0; d < RRD__WEEKDAYS; d++)
		rrd__free(cal->hours[d]);
	rrd__free(cal->holidays);
}

RRD_API rrd_status rrd_calendar_new(rrd_calendar **out, const char *id,
				    const char *timezone)
{
	return rrd__calendar_new(out, id, timezone, RRD_ID_INPUT);
}

rrd_status rrd__calendar_new(rrd_calendar **out, const char *id, const char *timezone,
			     rrd_id_rule rule)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "calendar out pointer is NULL");
	rrd_status rc = rrd__id_check_as(id, "calendar id", rule);
	if (rc != RRD_OK)
		return rc;
	if (!timezone)
		return rrd__fail(RRD_E_INVALID, "time zone is NULL");
	/* The zone first: it validates the name, so a bad one costs no
	 * allocation. */
	rrd_zone zone = { NULL };
	rc = rrd__zone_open(&zone, timezone);
	if (rc != RRD_OK)
		return rc;

	rrd_calendar *cal = rrd__calloc(1, sizeof *cal);
	if (!cal) {
		rrd__zone_close(&zone);
		return rrd__nomem();
	}
	cal->id = rrd__strdup(id);
	cal->timezone = rrd__strdup(timezone);
	if (!cal->id || !cal->timezone) {
		rrd__zone_close(&zone);
		free_members(cal);
		rrd__free(cal);
		return rrd__nomem();
	}
	rc = rrd__calendar_init_query(cal, zone);
	if (rc != RRD_OK) {
		free_members(cal);
		rrd__free(cal);
		return rc;
	}
	*out = cal;
	return RRD_OK;
}

RRD_API void rrd_calendar_free(rrd_calendar *cal)
{
	if (!cal)
		return;
	rrd__calendar_fini_query(cal);
	free_members(cal);
	rrd__free(cal);
}

static void *copy_array(const void *src, size_t count, size_t elem, int *failed)
{
	if (count == 0)
		return NULL;
	void *p = rrd__malloc(count * elem);
	if (!p) {
		*failed = 1;
		return NULL;
	}
	memcpy(p, src, count * elem);
	return p;
}

RRD_API rrd_status rrd_calendar_dup(rrd_calendar **out, const rrd_calendar *cal)
{
	if (!out || !cal)
		return rrd__fail(RRD_E_INVALID, "calendar or out pointer is NULL");
	rrd_calendar *copy = rrd__calloc(1, sizeof *copy);
	if (!copy)
		return rrd__nomem();
	int failed = 0;
	copy->id = rrd__strdup(cal->id);
	copy->timezone = rrd__strdup(cal->timezone);
	failed = !copy->id || !copy->timezone;
	for (int d = 0; d < RRD__WEEKDAYS && !failed; d++) {
		copy->hours[d] = copy_array(cal->hours[d], cal->nhours[d],
					    sizeof *cal->hours[d], &failed);
		copy->nhours[d] = copy->caphours[d] = failed ? 0 : cal->nhours[d];
	}
	if (!failed) {
		copy->holidays = copy_array(cal->holidays, cal->nholidays,
					    sizeof *cal->holidays, &failed);
		copy->nholidays = copy->capholidays = failed ? 0 : cal->nholidays;
	}
	if (failed) {
		free_members(copy);
		rrd__free(copy);
		return rrd__nomem();
	}
	/* A fresh ICU calendar rather than ucal_clone: cloning would read the
	 * source's ICU state, which another thread may be using. */
	rrd_zone zone = { NULL };
	rrd_status rc = rrd__zone_open(&zone, cal->timezone);
	if (rc == RRD_OK)
		rc = rrd__calendar_init_query(copy, zone);
	if (rc != RRD_OK) {
		free_members(copy);
		rrd__free(copy);
		return rc;
	}
	*out = copy;
	return RRD_OK;
}

RRD_API const char *rrd_calendar_id(const rrd_calendar *cal)
{
	return cal ? cal->id : NULL;
}

RRD_API const char *rrd_calendar_timezone(const rrd_calendar *cal)
{
	return cal ? cal->timezone : NULL;
}

RRD_API rrd_status rrd_calendar_add_hours(rrd_calendar *cal, rrd_weekday day,
					  int start_minute, int end_minute)
{
	if (!cal)
		return rrd__fail(RRD_E_INVALID, "calendar is NULL");
	int d = day_index(day);
	if (d < 0)
		return rrd__fail(RRD_E_INVALID, "weekday %d is not 0..6", (int)day);
	if (start_minute < 0 || end_minute > 24 * 60 || start_minute >= end_minute)
		return rrd__fail(RRD_E_INVALID,
				 "hours %d..%d are not 0 <= start < end <= 1440",
				 start_minute, end_minute);

	size_t n = cal->nhours[d];
	rrd_hours *h = cal->hours[d];
	size_t pos = 0;
	while (pos < n && h[pos].start < start_minute)
		pos++;
	if ((pos > 0 && h[pos - 1].end > start_minute) ||
	    (pos < n && h[pos].start < end_minute))
		return rrd__fail(RRD_E_INVALID,
				 "hours %d..%d overlap hours already on weekday %d",
				 start_minute, end_minute, d);

	void *items = cal->hours[d];
	if (rrd__grow(&items, &cal->caphours[d], n + 1, sizeof *h) != 0)
		return rrd__nomem();
	h = cal->hours[d] = items;
	memmove(h + pos + 1, h + pos, (n - pos) * sizeof *h);
	h[pos].start = start_minute;
	h[pos].end = end_minute;
	cal->nhours[d] = n + 1;
	rrd__calendar_hours_changed(cal);
	return RRD_OK;
}

RRD_API rrd_status rrd_calendar_add_holiday(rrd_calendar *cal, int year,
					    int month, int day)
{
	if (!cal)
		return rrd__fail(RRD_E_INVALID, "calendar is NULL");
	if (!rrd__date_valid(year, month, day))
		return rrd__fail(RRD_E_INVALID,
				 "%04d-%02d-%02d is not a date in years 1..9999",
				 year, month, day);
	int64_t date = rrd__days_from_civil(year, month, day);
	size_t lo = 0, hi = cal->nholidays;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->holidays[mid] < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < cal->nholidays && cal->holidays[lo] == date)
		return RRD_OK;

	void *items = cal->holidays;
	if (rrd__grow(&items, &cal->capholidays, cal->nholidays + 1,
		      sizeof *cal->holidays) != 0)
		return rrd__nomem();
	cal->holidays = items;
	memmove(cal->holidays + lo + 1, cal->holidays + lo,
		(cal->nholidays - lo) * sizeof *cal->holidays);
	cal->holidays[lo] = date;
	cal->nholidays++;
	rrd__calendar_hours_changed(cal);
	return RRD_OK;
}

RRD_API size_t rrd_calendar_hours_count(const rrd_calendar *cal, rrd_weekday day)
{
	int d = day_index(day);
	return cal && d >= 0 ? cal->nhours[d] : 0;
}

rrd_status rrd__calendar_check_opens(const rrd_calendar *cal)
{
	for (int d = 0; d < RRD__WEEKDAYS; d++)
		if (cal->nhours[d])
			return RRD_OK;
	return rrd__fail(RRD_E_INVALID, "calendar \"%s\" has no open hours, so it would never open",
			 cal->id);
}

RRD_API rrd_status rrd_calendar_hours(const rrd_calendar *cal, rrd_weekday day,
				      size_t index, int *start_minute,
				      int *end_minute)
{
	if (!cal || !start_minute || !end_minute)
		return rrd__fail(RRD_E_INVALID, "calendar or out pointer is NULL");
	int d = day_index(day);
	if (d < 0)
		return rrd__fail(RRD_E_INVALID, "weekday %d is not 0..6", (int)day);
	if (index >= cal->nhours[d])
		return rrd__fail(RRD_E_INVALID, "weekday %d has %zu intervals, no %zu",
				 d, cal->nhours[d], index);
	*start_minute = cal->hours[d][index].start;
	*end_minute = cal->hours[d][index].end;
	return RRD_OK;
}

RRD_API size_t rrd_calendar_holiday_count(const rrd_calendar *cal)
{
	return cal ? cal->nholidays : 0;
}

RRD_API rrd_status rrd_calendar_holiday(const rrd_calendar *cal, size_t index,
					int *year, int *month, int *day)
{
	if (!cal || !year || !month || !day)
		return rrd__fail(RRD_E_INVALID, "calendar or out pointer is NULL");
	if (index >= cal->nholidays)
		return rrd__fail(RRD_E_INVALID, "calendar has %zu holidays, no %zu",
				 cal->nholidays, index);
	rrd__civil_from_days(cal->holidays[index], year, month, day);
	return RRD_OK;
}
