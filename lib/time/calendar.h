/*
 * What the rest of the library asks of a calendar beyond the public API.
 */
#ifndef RRD_TIME_CALENDAR_H
#define RRD_TIME_CALENDAR_H

#include "rrdist/calendar.h"
#include "util/id.h"

/*
 * RRD_OK when the calendar is open at some time of its week; else
 * RRD_E_INVALID, naming it. A calendar with no open hours never opens, so
 * a claim window counted in its open time would never end and routing
 * through it fails: the loaders and rrd_distributor_put_calendar refuse
 * one. Holidays only close days, so they do not count.
 */
rrd_status rrd__calendar_check_opens(const rrd_calendar *cal);

/* rrd_calendar_new with its id checked by `rule`: RRD_ID_STORED for a
 * calendar read back from a store. */
rrd_status rrd__calendar_new(rrd_calendar **out, const char *id, const char *timezone,
			     rrd_id_rule rule);

#endif
