#include "sim/split.h"

#include <string.h>

#include "util/alloc.h"

typedef struct scan {
	const unsigned char *p;
	size_t len, i;
} scan;

static void blanks(scan *s)
{
	while (s->i < s->len && s->p[s->i] <= 32)
		s->i++;
}

static int at(const scan *s, unsigned char c)
{
	return s->i < s->len && s->p[s->i] == c;
}

/* Past a string starting at s->i, the way cJSON finds its end: a backslash
 * hides the byte after it, so a quote ends the string when an even run of
 * backslashes comes before it. -1 when the text ends first. */
static int skip_string(scan *s)
{
	size_t from = s->i + 1;
	for (;;) {
		const unsigned char *q = memchr(s->p + from, '"', s->len - from);
		if (!q)
			return -1;
		size_t quote = (size_t)(q - s->p), b = quote;
		while (b > from && s->p[b - 1] == '\\')
			b--;
		if ((quote - b) % 2 == 0) {
			s->i = quote + 1;
			return 0;
		}
		from = quote + 1;
	}
}

enum { PLAIN, QUOTE, OPEN, CLOSE };

/* What a byte is to skip_value's walk through an object or array. */
static const unsigned char byte_kind[256] = {
	['"'] = QUOTE, ['{'] = OPEN, ['['] = OPEN, ['}'] = CLOSE, [']'] = CLOSE,
};

/* Past the value starting at s->i, found `depth` levels deep. Only its
 * extent is found: brackets are counted, not matched, and a scalar runs to
 * the next blank or delimiter; parsing it tells whether it is one value. */
static int skip_value(scan *s, int depth)
{
	unsigned char c = s->p[s->i];
	if (c == '"')
		return skip_string(s);
	if (c != '{' && c != '[') {
		while (s->i < s->len && s->p[s->i] > 32 && s->p[s->i] != ',' &&
		       s->p[s->i] != ']' && s->p[s->i] != '}')
			s->i++;
		return 0;
	}
	int inside = 0;
	while (s->i < s->len) {
		switch (byte_kind[s->p[s->i]]) {
		case QUOTE:
			if (skip_string(s))
				return -1;
			continue;
		case OPEN:
			if (depth + ++inside > RRD_SPLIT_DEPTH_MAX)
				return -1;
			break;
		case CLOSE:
			if (--inside == 0) {
				s->i++;
				return 0;
			}
			break;
		}
		s->i++;
	}
	return -1;
}

/* A byte a JSON value can begin with. cJSON skips a byte order mark before
 * the value it parses, so an entry must not begin with anything else. */
static int value_start(unsigned char c)
{
	return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
	       c == 't' || c == 'f' || c == 'n';
}

static rrd_split_result entries(scan *s, rrd_split *out)
{
	out->open = s->i++;
	blanks(s);
	if (at(s, ']')) {
		out->close = ++s->i;
		return RRD_SPLIT_DONE;
	}
	for (;;) {
		if (s->i >= s->len || !value_start(s->p[s->i]))
			return RRD_SPLIT_GAVE_UP;
		size_t start = s->i;
		if (skip_value(s, 2))
			return RRD_SPLIT_GAVE_UP;
		if (rrd__grow((void **)&out->spans, &out->cap, out->count + 1, sizeof *out->spans))
			return RRD_SPLIT_NOMEM;
		out->spans[out->count++] = (rrd_split_span){ (uint32_t)start,
							     (uint32_t)(s->i - start) };
		blanks(s);
		if (at(s, ']')) {
			out->close = ++s->i;
			return RRD_SPLIT_DONE;
		}
		if (!at(s, ','))
			return RRD_SPLIT_GAVE_UP;
		s->i++;
		blanks(s);
	}
}

static rrd_split_result split(scan *s, rrd_split *out)
{
	/* As cJSON does, a byte order mark is skipped when 5 bytes or more. */
	if (s->len >= 5 && memcmp(s->p, "\xEF\xBB\xBF", 3) == 0)
		s->i = 3;
	blanks(s);
	if (!at(s, '{'))
		return RRD_SPLIT_GAVE_UP;
	s->i++;
	blanks(s);
	if (at(s, '}'))
		return RRD_SPLIT_NO_ARRAY;
	for (;;) {
		if (!at(s, '"'))
			return RRD_SPLIT_GAVE_UP;
		size_t key = s->i + 1;
		if (skip_string(s))
			return RRD_SPLIT_GAVE_UP;
		size_t key_len = s->i - 1 - key;
		if (memchr(s->p + key, '\\', key_len) || memchr(s->p + key, '\0', key_len))
			return RRD_SPLIT_GAVE_UP;
		blanks(s);
		if (!at(s, ':'))
			return RRD_SPLIT_GAVE_UP;
		s->i++;
		blanks(s);
		if (s->i >= s->len)
			return RRD_SPLIT_GAVE_UP;
		/* What follows `events` is left to parsing the rest of the
		 * document, which finds any fault there. */
		if (key_len == 6 && memcmp(s->p + key, "events", 6) == 0)
			return at(s, '[') ? entries(s, out) : RRD_SPLIT_NO_ARRAY;
		if (skip_value(s, 1))
			return RRD_SPLIT_GAVE_UP;
		blanks(s);
		if (at(s, '}'))
			return RRD_SPLIT_NO_ARRAY;
		if (!at(s, ','))
			return RRD_SPLIT_GAVE_UP;
		s->i++;
		blanks(s);
	}
}

rrd_split_result rrd__split_events(const char *text, size_t len, rrd_split *out)
{
	memset(out, 0, sizeof *out);
	if (!text || len > UINT32_MAX)
		return RRD_SPLIT_GAVE_UP;
	scan s = { (const unsigned char *)text, len, 0 };
	rrd_split_result r = split(&s, out);
	if (r != RRD_SPLIT_DONE)
		rrd__split_free(out);
	return r;
}

void rrd__split_free(rrd_split *sp)
{
	rrd__free(sp->spans);
	memset(sp, 0, sizeof *sp);
}
