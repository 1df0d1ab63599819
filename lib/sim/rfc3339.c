#include "sim/rfc3339.h"

#include <stdint.h>
#include <stdio.h>

/* Proleptic Gregorian day numbers (days since 1970-01-01) in 64 bits, so
 * that formatting works for every rrd_time, not only the calendars' range.
 * The arithmetic is H. Hinnant's days_from_civil / civil_from_days. */
static int64_t days_from_ymd(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void ymd_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

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
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
	    sec > 59)
		return -1;
	int64_t secs = days_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	/* The local time minus its offset from UTC is the UTC instant. */
	rrd_time t = secs * 1000 + ms - offset;
	if (t < RRD_TIME_RFC3339_MIN || t > RRD_TIME_RFC3339_MAX)
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
	/* Floor division: a time before 1970 belongs to the second that
	 * starts at or before it. */
	int64_t secs = t / 1000;
	if (t % 1000 < 0)
		secs--;
	int64_t days = secs / 86400;
	int64_t sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	ymd_from_days(days, &y, &m, &d);
	int hh = (int)(sod / 3600), mm = (int)(sod / 60 % 60), ss = (int)(sod % 60);
	if (y < 0 || y > 9999) {
		int w = snprintf(buf, RRD_TIME_TEXT_MAX, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
				 (long long)y, m, d, hh, mm, ss);
		return w < 0 ? 0 : (size_t)w;
	}
	/* By hand: the output writes one of these per event line. */
	char *p = buf;
	p = put2(p, (int)(y / 100));
	p = put2(p, (int)(y % 100));
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
