#include <stdio.h>
#include <string.h>

#include "config/json_objects.h"
#include "config/json_read.h"
#include "time/calendar.h"

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static void format_minute(int m, char *buf)
{
	/* m is 0..1440, so each part has two digits. */
	buf[0] = (char)('0' + m / 600);
	buf[1] = (char)('0' + m / 60 % 10);
	buf[2] = ':';
	buf[3] = (char)('0' + m % 60 / 10);
	buf[4] = (char)('0' + m % 10);
	buf[5] = '\0';
}

cJSON *rrd__calendar_to_json(const rrd_calendar *c)
{
	cJSON *o = cJSON_CreateObject();
	int ok = o && cJSON_AddStringToObject(o, "id", rrd_calendar_id(c)) &&
		 cJSON_AddStringToObject(o, "timezone", rrd_calendar_timezone(c));
	cJSON *hours = ok ? cJSON_AddObjectToObject(o, "hours") : NULL;
	ok = ok && hours;
	for (int d = 0; ok && d < 7; d++) {
		size_t n = rrd_calendar_hours_count(c, (rrd_weekday)d);
		if (!n)
			continue;
		cJSON *day = cJSON_AddArrayToObject(hours, day_names[d]);
		ok = day != NULL;
		for (size_t i = 0; ok && i < n; i++) {
			int s, e;
			char a[8], b[8];
			rrd_calendar_hours(c, (rrd_weekday)d, i, &s, &e);
			format_minute(s, a);
			format_minute(e, b);
			const char *pair[2] = { a, b };
			cJSON *iv = cJSON_CreateStringArray(pair, 2);
			ok = iv != NULL;
			if (ok)
				cJSON_AddItemToArray(day, iv);
		}
	}
	size_t nh = ok ? rrd_calendar_holiday_count(c) : 0;
	cJSON *hol = ok ? cJSON_AddArrayToObject(o, "holidays") : NULL;
	ok = ok && hol;
	for (size_t i = 0; ok && i < nh; i++) {
		int y, m, d;
		char buf[16];
		rrd_calendar_holiday(c, i, &y, &m, &d);
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
		cJSON *s = cJSON_CreateString(buf);
		ok = s != NULL;
		if (ok)
			cJSON_AddItemToArray(hol, s);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* "HH:MM" to minutes; "24:00" allowed only as an end. */
static int parse_minute(const char *s, int is_end)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !is_end)))
		return -1;
	return h * 60 + m;
}

static rrd_status parse_hours(rrd_calendar *c, const cJSON *hours, const char *path)
{
	if (!hours || cJSON_IsNull(hours))
		return RRD_OK;
	rrd_status rc = rrd__json_object(hours, path);
	if (rc)
		return rc;
	const cJSON *day;
	cJSON_ArrayForEach(day, hours) {
		int d = -1;
		for (int i = 0; i < 7; i++)
			if (strcmp(day->string, day_names[i]) == 0)
				d = i;
		if (d < 0)
			return rrd__json_fail(path, day->string,
					      "not a day (mon tue wed thu fri sat sun)");
		char at[RRD_PATH_MAX];
		rrd__json_path(at, path, day->string);
		if (!cJSON_IsArray(day))
			return rrd__json_fail(at, NULL, "expected an array of [\"HH:MM\",\"HH:MM\"]");
		size_t i = 0;
		const cJSON *iv;
		cJSON_ArrayForEach(iv, day) {
			char ia[RRD_PATH_MAX];
			rrd__json_path_index(ia, at, i++);
			const cJSON *a = cJSON_GetArrayItem(iv, 0), *b = cJSON_GetArrayItem(iv, 1);
			int s = cJSON_IsString(a) ? parse_minute(a->valuestring, 0) : -1;
			int e = cJSON_IsString(b) ? parse_minute(b->valuestring, 1) : -1;
			if (!cJSON_IsArray(iv) || cJSON_GetArraySize(iv) != 2 || s < 0 || e < 0)
				return rrd__json_fail(ia, NULL, "expected [\"HH:MM\",\"HH:MM\"]");
			if (s >= e)
				return rrd__json_fail(ia, NULL, "an interval must start before it ends");
			rc = rrd_calendar_add_hours(c, (rrd_weekday)d, s, e);
			if (rc == RRD_E_NOMEM)
				return rc;
			if (rc)
				return rrd__json_wrap(ia, NULL);
		}
	}
	return RRD_OK;
}

static rrd_status parse_holidays(rrd_calendar *c, const cJSON *hol, const char *path)
{
	if (!hol || cJSON_IsNull(hol))
		return RRD_OK;
	if (!cJSON_IsArray(hol))
		return rrd__json_fail(path, NULL, "expected an array of \"YYYY-MM-DD\"");
	size_t i = 0;
	const cJSON *h;
	cJSON_ArrayForEach(h, hol) {
		char at[RRD_PATH_MAX];
		rrd__json_path_index(at, path, i++);
		int y, m, d;
		char tail;
		if (!cJSON_IsString(h) || strlen(h->valuestring) != 10 ||
		    sscanf(h->valuestring, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
			return rrd__json_fail(at, NULL, "expected a date \"YYYY-MM-DD\"");
		rrd_status rc = rrd_calendar_add_holiday(c, y, m, d);
		if (rc == RRD_E_NOMEM)
			return rc;
		if (rc)
			return rrd__json_fail(at, NULL, "\"%s\" is not a real date", h->valuestring);
	}
	return RRD_OK;
}

rrd_status rrd__calendar_from_json(const cJSON *o, const char *path, rrd_json_origin origin,
				   rrd_calendar **out)
{
	*out = NULL;
	const char *id, *tz;
	rrd_status rc = rrd__json_object(o, path);
	if (rc || (rc = rrd__json_req_string(o, path, "id", &id)) ||
	    (rc = rrd__json_req_string(o, path, "timezone", &tz)))
		return rc;
	rrd_id_rule rule = rrd__json_id_rule(origin);
	/* The id first, so that a fault in it is not taken for the zone's. */
	if ((rc = rrd__id_check_as(id, "calendar id", rule)))
		return rrd__json_wrap(path, "id");
	rrd_calendar *c;
	if ((rc = rrd__calendar_new(&c, id, tz, rule)))
		return rc == RRD_E_NOMEM ? rc
					 : rrd__json_wrap(path, "timezone");
	char at[RRD_PATH_MAX];
	rrd__json_path(at, path, "hours");
	rc = parse_hours(c, rrd__json_get(o, "hours"), at);
	if (!rc) {
		rrd__json_path(at, path, "holidays");
		rc = parse_holidays(c, rrd__json_get(o, "holidays"), at);
	}
	if (rc) {
		rrd_calendar_free(c);
		return rc;
	}
	*out = c;
	return RRD_OK;
}
