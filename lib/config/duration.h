/*
 * Durations as documents write them: "90s", "1h30m", "0s". Scenario files
 * take the units d h m s; configuration documents (and the configuration
 * a store keeps) also take ms, since the API counts windows in
 * milliseconds and a window must read back as it was set.
 */
#ifndef RRD_CONFIG_DURATION_H
#define RRD_CONFIG_DURATION_H

#include <stddef.h>

#include "rrdist/common.h"

/* Which units a duration may use. */
typedef enum rrd_duration_units {
	RRD_UNITS_SCENARIO, /* d h m s */
	RRD_UNITS_CONFIG    /* d h m s ms */
} rrd_duration_units;

/* Parse one or more <digits><unit>, units in any order, as the scenario
 * format has always read them. 0, or -1 when malformed, when a unit is not
 * one of `units`, or when longer than RRD_DURATION_MAX (36600 days). */
int rrd__duration_parse(const char *text, rrd_duration_units units, rrd_time *out);
/* Write the shortest form ("1h30m", "0s") of d (0..RRD_DURATION_MAX) into
 * buf: whole seconds as the scenario format writes them, and a remainder
 * of milliseconds after them ("1s500ms", "500ms"), which only
 * RRD_UNITS_CONFIG reads. 32 bytes hold any. */
void rrd__duration_format(rrd_time d, char *buf, size_t cap);

#endif
