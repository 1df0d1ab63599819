#include "time/zone.h"

#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "util/error.h"

/* Julian day number of 1970-01-01. ICU's UCAL_JULIAN_DAY field counts
 * local days continuously, which sidesteps its Julian/Gregorian cutover. */
#define JULIAN_DAY_1970 2440588

#define MS_PER_MINUTE 60000

static const UChar unknown_zone[] = {
	'E', 't', 'c', '/', 'U', 'n', 'k', 'n', 'o', 'w', 'n', 0
};

/* IANA names use only these characters; checking them first also keeps the
 * conversion to UTF-16 below within ICU's invariant character set. */
static int name_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
	       c == '+';
}

static rrd_status icu_failure(UErrorCode status, const char *what)
{
	if (status == U_MEMORY_ALLOCATION_ERROR)
		return rrd__nomem();
	return rrd__fail(RRD_E_INVALID, "%s failed: %s", what,
			 u_errorName(status));
}

rrd_status rrd__zone_open(rrd_zone *zone, const char *name)
{
	size_t len = strnlen(name, RRD_ID_MAX + 1);
	if (len == 0 || len > RRD_ID_MAX)
		return rrd__fail(RRD_E_INVALID,
				 "time zone name must be 1..%d bytes", RRD_ID_MAX);
	for (size_t i = 0; i < len; i++)
		if (!name_char_ok(name[i]))
			return rrd__fail(RRD_E_INVALID,
					 "time zone name has a character no IANA name uses");

	UChar id[RRD_ID_MAX + 1];
	u_charsToUChars(name, id, (int32_t)len);
	id[len] = 0;

	UChar canonical[RRD_ID_MAX + 1];
	UBool is_system = 0;
	UErrorCode status = U_ZERO_ERROR;
	int32_t n = ucal_getCanonicalTimeZoneID(id, (int32_t)len, canonical,
						RRD_ID_MAX + 1, &is_system,
						&status);
	if (status == U_MEMORY_ALLOCATION_ERROR)
		return rrd__nomem();
	if (U_FAILURE(status) || !is_system || n > RRD_ID_MAX ||
	    u_strcmp(canonical, unknown_zone) == 0)
		return rrd__fail(RRD_E_INVALID, "unknown time zone \"%s\"", name);

	status = U_ZERO_ERROR;
	UCalendar *cal = ucal_open(id, (int32_t)len, "en_US_POSIX",
				   UCAL_GREGORIAN, &status);
	if (U_FAILURE(status)) {
		if (cal)
			ucal_close(cal);
		return icu_failure(status, "opening the time zone");
	}
	/* ICU falls back to "Etc/Unknown" (UTC) rather than failing; a zone
	 * that passed the check above should never get there, but a silent
	 * UTC calendar would be far worse than a refusal. */
	UChar opened[RRD_ID_MAX + 1];
	status = U_ZERO_ERROR;
	ucal_getTimeZoneID(cal, opened, RRD_ID_MAX + 1, &status);
	if (U_FAILURE(status) || u_strcmp(opened, unknown_zone) == 0) {
		ucal_close(cal);
		return rrd__fail(RRD_E_INVALID, "unknown time zone \"%s\"", name);
	}
	ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
	ucal_setAttribute(cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_NEXT_VALID);
	zone->ucal = cal;
	return RRD_OK;
}

void rrd__zone_close(rrd_zone *zone)
{
	if (zone->ucal) {
		ucal_close(zone->ucal);
		zone->ucal = NULL;
	}
}

rrd_status rrd__zone_to_utc(rrd_zone *zone, int64_t day, int minute,
			    rrd_time *out)
{
	if (minute >= 24 * 60) {
		day += minute / (24 * 60);
		minute %= 24 * 60;
	}
	UErrorCode status = U_ZERO_ERROR;
	ucal_clear(zone->ucal);
	ucal_set(zone->ucal, UCAL_JULIAN_DAY, (int32_t)(day + JULIAN_DAY_1970));
	ucal_set(zone->ucal, UCAL_MILLISECONDS_IN_DAY, minute * MS_PER_MINUTE);
	UDate ms = ucal_getMillis(zone->ucal, &status);
	if (U_FAILURE(status))
		return icu_failure(status, "local to UTC conversion");
	*out = (rrd_time)ms;
	return RRD_OK;
}

rrd_status rrd__zone_day_of(rrd_zone *zone, rrd_time t, int64_t *day)
{
	UErrorCode status = U_ZERO_ERROR;
	ucal_setMillis(zone->ucal, (UDate)t, &status);
	int32_t jd = ucal_get(zone->ucal, UCAL_JULIAN_DAY, &status);
	if (U_FAILURE(status))
		return icu_failure(status, "UTC to local conversion");
	*day = (int64_t)jd - JULIAN_DAY_1970;
	return RRD_OK;
}
