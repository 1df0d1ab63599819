#include "sim/rfc3339.h"

#include <stdint.h>

#include "time/civil.h"
#include "time/instant.h"

/* Exactly `n` decimal digits at p; -1 when any is not a digit. */
static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int rrd__time_parse(const char *s, rrd_time *out)
{
	if (!s)
		return -1;
	/* Every fixed position is checked before the next is read, so a short
	 * string stops at its NUL and is never read past. */
	int y = digits(s, 4);
	if (y < 0 || s[4] != '-')
		return -1;
	int mo = digits(s + 5, 2);
	if (mo < 0 || s[7] != '-')
		return -1;
	int d = digits(s + 8, 2);
	if (d < 0 || (s[10] != 'T' && s[10] != 't'))
		return -1;
	int h = digits(s + 11, 2);
	if (h < 0 || s[13] != ':')
		return -1;
	int mi = digits(s + 14, 2);
	if (mi < 0 || s[16] != ':')
		return -1;
	int sec = digits(s + 17, 2);
	if (sec < 0)
		return -1;
	const char *p = s + 19;
	int ms = 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		int n = 0;
		for (; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 3)
				ms = ms * 10 + (*p - '0');
		/* Scale a short fraction (".5") to milliseconds. */
		for (; n < 3; n++)
			ms *= 10;
	}
	int64_t offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh = digits(p + 1, 2);
		if (oh < 0 || p[3] != ':')
			return -1;
		int om = digits(p + 4, 2);
		if (om < 0 || oh > 23 || om > 59)
			return -1;
		offset = (int64_t)(oh * 60 + om) * 60 * 1000;
		if (*p == '-')
			offset = -offset;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	/* Year 0 (a leap year, as 400 is) can still name an instant of year 1
	 * with an offset west of UTC. */
	if (!rrd__date_valid(y ? y : 400, mo, d) || h > 23 || mi > 59 || sec > 59)
		return -1;
	int64_t secs = rrd__days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	/* The local time minus its offset from UTC is the UTC instant. */
	rrd_time t = secs * 1000 + ms - offset;
	if (t < RRD_TIME_MIN || t > RRD_TIME_MAX)
		return -1;
	*out = t;
	return 0;
}

static char *put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

size_t rrd__time_format(rrd_time t, char buf[RRD_TIME_TEXT_MAX])
{
	t = rrd__time_clamp(t);
	int64_t days = rrd__utc_day(t);
	/* Rounded down to the second: a time before 1970 belongs to the
	 * second that starts at or before it. */
	int64_t sod = (t - days * RRD_DAY) / 1000;
	int y, m, d;
	rrd__civil_from_days(days, &y, &m, &d);
	int hh = (int)(sod / 3600), mm = (int)(sod / 60 % 60), ss = (int)(sod % 60);
	/* By hand: the output writes one of these per event line. */
	char *p = buf;
	p = put2(p, y / 100);
	p = put2(p, y % 100);
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, hh);
	*p++ = ':';
	p = put2(p, mm);
	*p++ = ':';
	p = put2(p, ss);
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - buf);
}
