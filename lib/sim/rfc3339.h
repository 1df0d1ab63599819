/*
 * RFC 3339 timestamps, the form scenario files and their output use.
 *
 * Parsing accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" ('t' and
 * 'z' may be lower case, as RFC 3339 allows) for instants from
 * RRD_TIME_MIN to RRD_TIME_MAX (0001-01-01T00:00:00Z to
 * 9999-12-31T23:59:59.999Z). Fractions finer than a millisecond are
 * dropped (towards the past). Leap seconds (":60") are refused: rrd_time
 * ignores them.
 */
#ifndef RRD_SIM_RFC3339_H
#define RRD_SIM_RFC3339_H

#include <stddef.h>

#include "rrdist/common.h"

/* Room rrd__time_format needs, NUL included. */
#define RRD_TIME_TEXT_MAX 32

/* 0 and *out on success; -1 (and *out untouched) for anything else: bad
 * syntax, a date that does not exist, an hour over 23, an out-of-range
 * result. */
int rrd__time_parse(const char *text, rrd_time *out);

/* "2026-03-02T08:00:00Z": UTC, second precision, rounded down. Returns the
 * length written (without the NUL). A time outside RRD_TIME_MIN ..
 * RRD_TIME_MAX is written as the nearest bound: never a year past 9999. */
size_t rrd__time_format(rrd_time t, char buf[RRD_TIME_TEXT_MAX]);

#endif
