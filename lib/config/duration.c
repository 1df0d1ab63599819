#include "config/duration.h"

#include <stdio.h>

/* Anything longer could not be given to the API either. */
#define LIMIT RRD_DURATION_MAX

int rrd__duration_parse(const char *text, rrd_time *out)
{
	if (!text || !*text)
		return -1;
	rrd_time total = 0;
	const char *p = text;
	while (*p) {
		if (*p < '0' || *p > '9')
			return -1;
		rrd_time n = 0;
		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (*p - '0');
			if (n > LIMIT / RRD_SECOND)
				return -1;
			p++;
		}
		rrd_time unit;
		switch (*p) {
		case 'd': unit = RRD_DAY; break;
		case 'h': unit = RRD_HOUR; break;
		case 'm': unit = RRD_MINUTE; break;
		case 's': unit = RRD_SECOND; break;
		default: return -1;
		}
		p++;
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
	static const struct { rrd_time unit; char name; } units[] = {
		{ RRD_DAY, 'd' }, { RRD_HOUR, 'h' }, { RRD_MINUTE, 'm' }, { RRD_SECOND, 's' }
	};
	size_t used = 0;
	if (d < RRD_SECOND) {
		snprintf(buf, cap, "0s");
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < 4 && used < cap; i++) {
		rrd_time n = d / units[i].unit;
		if (!n)
			continue;
		d -= n * units[i].unit;
		int w = snprintf(buf + used, cap - used, "%lld%c", (long long)n, units[i].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
