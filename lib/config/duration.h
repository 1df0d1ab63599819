/* Durations as the scenario format writes them: "90s", "1h30m", "0s". */
#ifndef RRD_CONFIG_DURATION_H
#define RRD_CONFIG_DURATION_H

#include <stddef.h>

#include "rrdist/common.h"

/* Parse one or more <digits><unit> (units d h m s). 0 or -1 when malformed
 * or longer than RRD_DURATION_MAX (36600 days). */
int rrd__duration_parse(const char *text, rrd_time *out);
/* Write the shortest form ("1h30m", "0s") into buf; whole seconds only. */
void rrd__duration_format(rrd_time d, char *buf, size_t cap);

#endif
