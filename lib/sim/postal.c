#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"
#include "util/alloc.h"
#include "util/error.h"

#define ZIP_MAX 15
#define LINE_MAX_BYTES 256

typedef struct postal_entry {
	char zip[ZIP_MAX + 1];
	double lat, lon;
	uint32_t line; /* for naming both lines of a repeated code */
} postal_entry;

struct rrd_postal_table {
	postal_entry *items; /* sorted by zip */
	size_t count;
	size_t cap;
};

/*
 * A decimal such as "-73.997293". Not strtod: that follows the process's
 * locale, and a host that set LC_NUMERIC would read "40.75" as 40. The
 * digits are gathered into an integer and divided once by a power of ten;
 * both are exact doubles up to 15 significant digits, so the one rounding
 * gives the correctly rounded value, as strtod would.
 */
static int parse_decimal(const char *s, const char *end, double *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
					1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	int neg = 0;
	if (s < end && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	uint64_t mant = 0;
	int ndigits = 0, nfrac = 0, dot = 0;
	for (; s < end; s++) {
		if (*s == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		if (ndigits == 15)
			return -1;
		mant = mant * 10 + (uint64_t)(*s - '0');
		ndigits++;
		nfrac += dot;
	}
	if (!ndigits)
		return -1;
	double v = (double)mant / pow10[nfrac];
	*out = neg ? -v : v;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const postal_entry *x = a, *y = b;
	int c = strcmp(x->zip, y->zip);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Splits "zip,lat,lon" (the end of line already cut off) into an entry. */
static int parse_line(char *line, size_t len, postal_entry *e)
{
	char *c1 = memchr(line, ',', len);
	if (!c1)
		return -1;
	char *c2 = memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - line));
	if (!c2)
		return -1;
	size_t zlen = (size_t)(c1 - line);
	if (zlen == 0 || zlen > ZIP_MAX)
		return -1;
	for (size_t i = 0; i < zlen; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return -1;
	memcpy(e->zip, line, zlen);
	e->zip[zlen] = '\0';
	if (parse_decimal(c1 + 1, c2, &e->lat) || parse_decimal(c2 + 1, line + len, &e->lon))
		return -1;
	if (e->lat < -90 || e->lat > 90 || e->lon < -180 || e->lon > 180)
		return -1;
	return 0;
}

static rrd_status read_table(rrd_postal_table *t, FILE *f, const char *path)
{
	char line[LINE_MAX_BYTES + 2];
	uint32_t lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f))
			return rrd__fail(RRD_E_PARSE, "%s:%u: line longer than %d bytes", path,
					 (unsigned)lineno, LINE_MAX_BYTES);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0 || (lineno == 1 && strcmp(line, "zip,lat,lon") == 0))
			continue;
		postal_entry e;
		if (parse_line(line, len, &e))
			return rrd__fail(RRD_E_PARSE,
					 "%s:%u: expected zip,lat,lon with lat in [-90, 90] and "
					 "lon in [-180, 180]", path, (unsigned)lineno);
		e.line = lineno;
		if (rrd__grow((void **)&t->items, &t->cap, t->count + 1, sizeof e))
			return rrd__nomem();
		t->items[t->count++] = e;
	}
	if (ferror(f))
		return rrd__fail(RRD_E_PARSE, "%s:%u: read error", path, (unsigned)lineno);
	/* It would make every code unknown, as if no table were given, while
	 * looking like one was. */
	if (!t->count)
		return rrd__fail(RRD_E_PARSE, "no postal codes in %s", path);
	qsort(t->items, t->count, sizeof *t->items, cmp_entry);
	for (size_t i = 1; i < t->count; i++)
		if (strcmp(t->items[i - 1].zip, t->items[i].zip) == 0)
			return rrd__fail(RRD_E_PARSE, "%s:%u: postal code \"%s\" repeats line %u",
					 path, (unsigned)t->items[i].line, t->items[i].zip,
					 (unsigned)t->items[i - 1].line);
	return RRD_OK;
}

rrd_status rrd__postal_load(rrd_postal_table **out, const char *csv_path)
{
	if (!out || !csv_path)
		return rrd__fail(RRD_E_INVALID, "postal table: out and path must not be NULL");
	*out = NULL;
	rrd_postal_table *t = rrd__calloc(1, sizeof *t);
	if (!t)
		return rrd__nomem();
	FILE *f = fopen(csv_path, "rb");
	if (!f) {
		int err = errno;
		rrd__free(t);
		return rrd__fail(RRD_E_NOTFOUND, "%s: cannot open: %s", csv_path, strerror(err));
	}
	rrd_status rc = read_table(t, f, csv_path);
	fclose(f);
	if (rc) {
		rrd__postal_free(t);
		return rc;
	}
	*out = t;
	return RRD_OK;
}

int rrd__postal_find(const rrd_postal_table *t, const char *zip, double *lat, double *lon)
{
	if (!t || !zip)
		return 0;
	size_t lo = 0, hi = t->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->items[mid].zip, zip);
		if (c == 0) {
			if (lat)
				*lat = t->items[mid].lat;
			if (lon)
				*lon = t->items[mid].lon;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

rrd_status rrd__postal_unknown(const rrd_postal_table *t, const char *zip)
{
	if (!t)
		return rrd__fail(RRD_E_INVALID, "unknown postal code \"%s\": no postal table is loaded "
				 "(give one with --postal FILE)", zip);
	return rrd__fail(RRD_E_INVALID, "unknown postal code \"%s\"", zip);
}

size_t rrd__postal_count(const rrd_postal_table *t)
{
	return t ? t->count : 0;
}

void rrd__postal_free(rrd_postal_table *t)
{
	if (!t)
		return;
	rrd__free(t->items);
	rrd__free(t);
}
