/*
 * The only place that talks to ICU: IANA zone validation and the two
 * conversions calendars need, local (day, minute) to UTC and UTC to local
 * day. The rules for skipped and repeated wall times are ICU's
 * UCAL_WALLTIME_NEXT_VALID and UCAL_WALLTIME_FIRST.
 *
 * A zone wraps one ICU calendar, which keeps mutable state: callers must not
 * use one zone from two threads at once.
 */
#ifndef RRD_TIME_ZONE_H
#define RRD_TIME_ZONE_H

#include <stdint.h>

#include "rrdist/common.h"

typedef struct rrd_zone {
	void *ucal; /* UCalendar, which ICU defines as void * */
} rrd_zone;

/*
 * Open the IANA zone `name`. RRD_E_INVALID for a name ICU does not know as a
 * system zone (custom "GMT+05:00" ids and the "Etc/Unknown" fallback
 * included); RRD_E_NOMEM when ICU runs out of memory.
 */
rrd_status rrd__zone_open(rrd_zone *zone, const char *name);

/* Release the zone; a zone never opened (ucal NULL) is ignored. */
void rrd__zone_close(rrd_zone *zone);

/*
 * The UTC instant of local `minute` (0..1440, 1440 being the next day's
 * 00:00) on local day `day` (days since 1970-01-01). A minute inside a
 * spring-forward gap gives the first instant after the gap; one that occurs
 * twice gives its first occurrence.
 */
rrd_status rrd__zone_to_utc(rrd_zone *zone, int64_t day, int minute,
			    rrd_time *out);

/* The local date at `t` as days since 1970-01-01. */
rrd_status rrd__zone_day_of(rrd_zone *zone, rrd_time t, int64_t *day);

#endif
