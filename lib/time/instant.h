/*
 * Instants and durations within the library's bounds (RRD_TIME_MIN ..
 * RRD_TIME_MAX, 0 .. RRD_DURATION_MAX), and arithmetic that stays there:
 * the bounds are far enough from INT64_MIN and INT64_MAX that a time
 * plus a duration never overflows, so sums only need clamping.
 */
#ifndef RRD_TIME_INSTANT_H
#define RRD_TIME_INSTANT_H

#include "rrdist/common.h"

/* RRD_OK for a time within the bounds; else records why, naming `what`,
 * and returns RRD_E_INVALID. */
rrd_status rrd__time_check(rrd_time t, const char *what);
/* The same for a duration: 0 .. RRD_DURATION_MAX. */
rrd_status rrd__duration_check(rrd_time d, const char *what);
/* The nearest time within the bounds. */
rrd_time rrd__time_clamp(rrd_time t);
/* `d` after `t`, RRD_TIME_MAX when that is later. Any arguments are safe:
 * they are first brought within their bounds. */
rrd_time rrd__time_after(rrd_time t, rrd_time d);

#endif
