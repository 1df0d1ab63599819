#include "time/instant.h"

#include "util/error.h"

rrd_status rrd__time_check(rrd_time t, const char *what)
{
	if (t < RRD_TIME_MIN || t > RRD_TIME_MAX)
		return rrd__fail(RRD_E_INVALID,
				 "%s %lld is outside the years 1 to 9999 "
				 "(RRD_TIME_MIN to RRD_TIME_MAX)",
				 what, (long long)t);
	return RRD_OK;
}

rrd_status rrd__duration_check(rrd_time d, const char *what)
{
	if (d < 0)
		return rrd__fail(RRD_E_INVALID, "%s %lld ms is negative", what, (long long)d);
	if (d > RRD_DURATION_MAX)
		return rrd__fail(RRD_E_INVALID,
				 "%s %lld ms is longer than 36600 days (RRD_DURATION_MAX)", what,
				 (long long)d);
	return RRD_OK;
}

rrd_time rrd__time_clamp(rrd_time t)
{
	return t < RRD_TIME_MIN ? RRD_TIME_MIN : t > RRD_TIME_MAX ? RRD_TIME_MAX : t;
}

rrd_time rrd__time_after(rrd_time t, rrd_time d)
{
	d = d < 0 ? 0 : d > RRD_DURATION_MAX ? RRD_DURATION_MAX : d;
	return rrd__time_clamp(rrd__time_clamp(t) + d);
}
