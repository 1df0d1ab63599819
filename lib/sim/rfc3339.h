/*
 * RFC 3339 timestamps, the form scenario files and their output use.
 *
 * Parsing accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" ('t' and
 * 'z' may be lower case, as RFC 3339 allows) for instants from
 * 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, the range calendars
 * accept. Fractions finer than a millisecond are dropped (towards the
 * past). Leap seconds (":60") are refused: rrd_time ignores them.
 */
#ifndef RRD_SIM_RFC3339_H
#define RRD_SIM_RFC3339_H

#include <stddef.h>

#include "rrdist/common.h"

/* The bounds of what rrd__time_parse accepts, in rrd_time. */
#define RRD_TIME_RFC3339_MIN ((rrd_time)-62135596800000)  /* 0001-01-01T00:00:00Z */
#define RRD_TIME_RFC3339_MAX ((rrd_time)253402300799999)  /* 9999-12-31T23:59:59.999Z */

/* Room rrd__time_format needs for any rrd_time, NUL included. */
#define RRD_TIME_TEXT_MAX 32

/* 0 and *out on success; -1 (and *out untouched) for anything else: bad
 * syntax, a date that does not exist, an hour over 23, an out-of-range
 * result. */
int rrd__time_parse(const char *text, rrd_time *out);

/* "2026-03-02T08:00:00Z": UTC, second precision, rounded down. Returns the
 * length written (without the NUL). Years outside 0..9999 are written
 * with as many digits as they need (not RFC 3339, but never truncated). */
size_t rrd__time_format(rrd_time t, char buf[RRD_TIME_TEXT_MAX]);

#endif
