#include "config/duration.h"

#include <stdio.h>

/* Anything longer could not be given to the API either. */
#define LIMIT RRD_DURATION_MAX

/* The unit at *p and its length in bytes (0: none). "ms" is one unit, not
 * minutes then a stray "s": a count must follow every unit, so the two
 * readings never both fit. */
static size_t unit_at(const char *p, rrd_duration_units units, rrd_time *unit)
{
	switch (*p) {
	case 'd': *unit = RRD_DAY; return 1;
	case 'h': *unit = RRD_HOUR; return 1;
	case 's': *unit = RRD_SECOND; return 1;
	case 'm':
		if (p[1] == 's' && units == RRD_UNITS_CONFIG) {
			*unit = 1;
			return 2;
		}
		*unit = RRD_MINUTE;
		return 1;
	default: return 0;
	}
}

int rrd__duration_parse(const char *text, rrd_duration_units units, rrd_time *out)
{
	if (!text || !*text)
		return -1;
	rrd_time total = 0;
	const char *p = text;
	while (*p) {
		if (*p < '0' || *p > '9')
			return -1;
		/* No count may pass LIMIT (the smallest unit is 1 ms), so
		 * neither n * 10 + 9 nor n * unit below can overflow. */
		rrd_time n = 0;
		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (*p - '0');
			if (n > LIMIT)
				return -1;
			p++;
		}
		rrd_time unit;
		size_t len = unit_at(p, units, &unit);
		if (!len)
			return -1;
		p += len;
		if (n > LIMIT / unit)
			return -1;
		total += n * unit;
		if (total > LIMIT)
			return -1;
	}
	*out = total;
	return 0;
}

void rrd__duration_format(rrd_time d, char *buf, size_t cap)
{
	static const struct { rrd_time unit; const char *name; } units[] = {
		{ RRD_DAY, "d" }, { RRD_HOUR, "h" }, { RRD_MINUTE, "m" }, { RRD_SECOND, "s" },
		{ 1, "ms" }
	};
	size_t used = 0;
	if (d <= 0) {
		snprintf(buf, cap, "0s");
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof units / sizeof *units && used < cap; i++) {
		rrd_time n = d / units[i].unit;
		if (!n)
			continue;
		d -= n * units[i].unit;
		int w = snprintf(buf + used, cap - used, "%lld%s", (long long)n, units[i].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
