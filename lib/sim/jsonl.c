#include "sim/jsonl.h"

#include <stdio.h>
#include <string.h>

#include "sim/plain.h"
#include "sim/rfc3339.h"

/* A comma is owed before the next member unless the last byte opened a
 * container. */
static int comma_owed(const rrd_buf *b)
{
	return b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[';
}

static void sep(rrd_buf *b)
{
	if (comma_owed(b))
		rrd__buf_put(b, ",", 1);
}

/* The length of the run of s that needs no escape: all of it (s[n] is the
 * NUL) for almost every string written. */
static size_t plain_len(const char *s)
{
	size_t n = 0;
	while (!rrd__json_stop[(unsigned char)s[n]])
		n++;
	return n;
}

/* `s` quoted and escaped, then `tail` unless it is 0. Almost every string
 * written needs no escape: it is measured, then copied in one piece. */
static void put_string(rrd_buf *b, const char *s, char tail)
{
	size_t n = plain_len(s);
	if (!s[n]) {
		unsigned char *to = rrd__buf_room(b, n + 3);
		if (!to)
			return;
		to[0] = '"';
		memcpy(to + 1, s, n);
		to[n + 1] = '"';
		to[n + 2] = (unsigned char)tail;
		b->len += n + 2 + (tail != 0);
		return;
	}
	rrd__buf_put(b, "\"", 1);
	/* Plain runs, each followed by the byte that ended it, escaped. */
	for (const char *run = s;; run += n + 1) {
		n = plain_len(run);
		rrd__buf_put(b, run, n);
		unsigned char c = (unsigned char)run[n];
		if (!c)
			break;
		char esc[8];
		if (c == '"' || c == '\\')
			snprintf(esc, sizeof esc, "\\%c", c);
		else
			snprintf(esc, sizeof esc, "\\u%04x", c);
		rrd__buf_put(b, esc, strlen(esc));
	}
	rrd__buf_put(b, "\"", 1);
	if (tail)
		rrd__buf_put(b, &tail, 1);
}

/* Keys are names of the format, or agents' ids in the summary. */
static void key(rrd_buf *b, const char *k)
{
	sep(b);
	if (k)
		put_string(b, k, ':');
}

void rrd__jl_begin(rrd_buf *b, rrd_time at, const char *event)
{
	b->len = 0;
	rrd__buf_put(b, "{", 1);
	rrd__jl_time(b, "at", at);
	rrd__jl_str(b, "event", event);
}

void rrd__jl_str(rrd_buf *b, const char *k, const char *value)
{
	/* The common member, a key and a value that need no escape, is
	 * written in one piece: ,"key":"value" */
	size_t kn = k ? plain_len(k) : 0, vn = value ? plain_len(value) : 0;
	unsigned char *to;
	if (k && value && !k[kn] && !value[vn] && (to = rrd__buf_room(b, kn + vn + 6))) {
		size_t at = 0;
		if (comma_owed(b))
			to[at++] = ',';
		to[at++] = '"';
		memcpy(to + at, k, kn);
		at += kn;
		memcpy(to + at, "\":\"", 3);
		at += 3;
		memcpy(to + at, value, vn);
		at += vn;
		to[at++] = '"';
		b->len += at;
		return;
	}
	key(b, k);
	if (value)
		put_string(b, value, 0);
	else
		rrd__buf_put(b, "null", 4);
}

void rrd__jl_int(rrd_buf *b, const char *k, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", (long long)v);
	key(b, k);
	rrd__buf_put(b, num, (size_t)n);
}

void rrd__jl_bool(rrd_buf *b, const char *k, int v)
{
	key(b, k);
	rrd__buf_put(b, v ? "true" : "false", v ? 4 : 5);
}

/* Written in place: a time's text needs no escape. */
void rrd__jl_time(rrd_buf *b, const char *k, rrd_time t)
{
	key(b, k);
	unsigned char *to = rrd__buf_room(b, RRD_TIME_TEXT_MAX + 2);
	if (!to)
		return;
	to[0] = '"';
	size_t n = rrd__time_format(t, (char *)to + 1);
	to[n + 1] = '"';
	b->len += n + 2;
}

void rrd__jl_open(rrd_buf *b, const char *k, char bracket)
{
	key(b, k);
	rrd__buf_put(b, &bracket, 1);
}

void rrd__jl_close(rrd_buf *b, char bracket)
{
	rrd__buf_put(b, &bracket, 1);
}

void rrd__jl_item_open(rrd_buf *b)
{
	sep(b);
	rrd__buf_put(b, "{", 1);
}

void rrd__jl_end(rrd_buf *b)
{
	rrd__buf_put(b, "}\n", 2);
}
