#include "by_owner_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/record.h"
#include "store/store.h"

#define COUNTERS 33

typedef struct lines {
	char **items;
	size_t count, cap;
} lines;

static void push_text(lines *l, const char *text)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		assert_non_null(l->items = realloc(l->items, l->cap * sizeof *l->items));
	}
	assert_non_null(l->items[l->count++] = strdup(text));
}

/* One entry as text: owner, order, id and status, each byte that is not
 * printable as \xNN, so that a difference reads. */
static void push(lines *l, const char *owner, size_t on, int64_t order, const char *id, size_t n,
		 unsigned status)
{
	char buf[4 * 2 * 256 + 64];
	size_t k = 0;
	const unsigned char *parts[2] = { (const unsigned char *)owner, (const unsigned char *)id };
	size_t lens[2] = { on, n };
	for (int p = 0; p < 2; p++) {
		for (size_t i = 0; i < lens[p]; i++)
			k += (size_t)snprintf(buf + k, sizeof buf - k,
					      parts[p][i] < 0x20 || parts[p][i] >= 0x7F ? "\\x%02X" : "%c",
					      parts[p][i]);
		if (!p)
			k += (size_t)snprintf(buf + k, sizeof buf - k, " @%lld ", (long long)order);
	}
	snprintf(buf + k, sizeof buf - k, " = %u", status);
	push_text(l, buf);
}

static void clear(lines *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort(lines *l)
{
	if (l->count)
		qsort(l->items, l->count, sizeof *l->items, by_text);
}

/* Whether an owner is one an agent id could be: 1..RRD_ID_MAX bytes, no
 * control character (C1 let through, as earlier releases stored them),
 * UTF-8 (which every record read here is). */
static int owner_id(const char *p, size_t n)
{
	if (!n || n > RRD_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] == 0x7F)
			return 0;
	return 1;
}

static int want_entry(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	(void)key;
	rrd_record_view v;
	if (rrd__record_view(value, len, &v) || !v.owner.p || !owner_id(v.owner.p, v.owner.n))
		return 0;
	push(ctx, v.owner.p, v.owner.n, order, v.id.p, v.id.n, (unsigned)v.status);
	return 0;
}

/* A varint as the library writes them: 7 bits a byte, low first. */
static uint64_t uvar(const unsigned char **p, const unsigned char *end)
{
	uint64_t v = 0;
	for (int shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char b = *(*p)++;
		v |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80))
			return v;
	}
	fail_msg("a varint runs past its end");
	return 0;
}

static int64_t svar(const unsigned char **p, const unsigned char *end)
{
	uint64_t u = uvar(p, end);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* Entries, one after another: each the record's order (zigzag varint),
 * status (a byte) and id (varint length, bytes), held under `owner`.
 * Their least and greatest order go to *min and *max. */
static size_t entries(lines *l, const char *owner, size_t on, const unsigned char *p,
		      const unsigned char *end, int64_t *min, int64_t *max)
{
	size_t count = 0;
	*min = INT64_MAX;
	*max = INT64_MIN;
	while (p < end) {
		int64_t o = svar(&p, end);
		assert_true(p < end);
		unsigned status = *p++;
		uint64_t n = uvar(&p, end);
		assert_true(n > 0 && n <= (uint64_t)(end - p));
		push(l, owner, on, o, (const char *)p, (size_t)n, status);
		p += n;
		*min = o < *min ? o : *min;
		*max = o > *max ? o : *max;
		count++;
	}
	return count;
}

/* What a read of both parts found. */
typedef struct found {
	lines entries;   /* every entry, from lists and blocks */
	lines listed;    /* those of lists */
	lines blocks;    /* "owner/id min max count", one a block */
	lines dirs;      /* "owner/id min max", one a directory row */
	lines next;      /* "owner next", one an agent with a next block id */
	const char *bad; /* a row of a form there is none of */
} found;

static int agent_row(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	found *f = ctx;
	(void)order;
	if (len <= COUNTERS)
		return 0;
	const unsigned char *p = (const unsigned char *)value + COUNTERS, *end = p + len - COUNTERS;
	uint64_t next = uvar(&p, end);
	char buf[RRD_ID_MAX + 32];
	snprintf(buf, sizeof buf, "%s %llu", key, (unsigned long long)next);
	push_text(&f->next, buf);
	int64_t min, max;
	size_t before = f->entries.count;
	entries(&f->entries, key, strlen(key), p, end, &min, &max);
	for (size_t i = before; i < f->entries.count; i++)
		push_text(&f->listed, f->entries.items[i]);
	return 0;
}

static int index_row(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	found *f = ctx;
	const char *sep = strchr(key, 0x1F);
	size_t on = sep ? (size_t)(sep - key) : 0;
	size_t klen = strlen(key);
	if (!sep || order != 0 || klen != on + 3 + 16 || sep[2] != 0x1F ||
	    (sep[1] != 'b' && sep[1] != 'd')) {
		f->bad = "a row of RRD_NS_BY_OWNER of no known form";
		return 0;
	}
	char buf[RRD_ID_MAX + 128];
	const unsigned char *p = value, *end = p + len;
	if (sep[1] == 'b') {
		int64_t min, max;
		size_t n = entries(&f->entries, key, on, p, end, &min, &max);
		snprintf(buf, sizeof buf, "%.*s/%s %lld %lld %zu", (int)on, key, sep + 3,
			 (long long)min, (long long)max, n);
		push_text(&f->blocks, buf);
	} else {
		int64_t min = svar(&p, end), max = svar(&p, end);
		assert_true(p == end);
		snprintf(buf, sizeof buf, "%.*s/%s %lld %lld", (int)on, key, sep + 3, (long long)min,
			 (long long)max);
		push_text(&f->dirs, buf);
	}
	return 0;
}

static void read_index(rrd_store *st, found *f, lines *want)
{
	uint64_t gen;
	assert_int_equal(st->m.begin(st->self, RRD_TXN_READ_ONLY, &gen), RRD_OK);
	if (want)
		assert_int_equal(st->m.scan(st->self, RRD_NS_RECORD, "", want_entry, want), RRD_OK);
	assert_int_equal(st->m.scan(st->self, RRD_NS_AGENT_STATE, "", agent_row, f), RRD_OK);
	assert_int_equal(st->m.scan(st->self, RRD_NS_BY_OWNER, "", index_row, f), RRD_OK);
	st->m.rollback(st->self);
}

static void found_clear(found *f)
{
	clear(&f->entries);
	clear(&f->listed);
	clear(&f->blocks);
	clear(&f->dirs);
	clear(&f->next);
}

/* The block or directory row `text` names ("owner/id ..."), its owner
 * and id apart; 0 when `text` is not such. */
static int split(const char *text, char *owner, size_t cap, unsigned long long *id, long long *min,
		 long long *max)
{
	const char *slash = strrchr(text, '/');
	if (!slash || (size_t)(slash - text) >= cap)
		return 0;
	memcpy(owner, text, (size_t)(slash - text));
	owner[slash - text] = '\0';
	return sscanf(slash + 1, "%16llx %lld %lld", id, min, max) == 3;
}

/* A block's directory row, and the ids an agent gives out next. */
static const char *blocks_differ(const found *f, char *out, size_t cap)
{
	if (f->blocks.count != f->dirs.count) {
		snprintf(out, cap, "%zu blocks, %zu directory rows", f->blocks.count, f->dirs.count);
		return out;
	}
	for (size_t i = 0; i < f->blocks.count; i++) {
		char bo[RRD_ID_MAX + 1], dow[RRD_ID_MAX + 1];
		unsigned long long bid, did;
		long long bmin, bmax, dmin, dmax;
		size_t n;
		assert_true(split(f->blocks.items[i], bo, sizeof bo, &bid, &bmin, &bmax));
		assert_true(split(f->dirs.items[i], dow, sizeof dow, &did, &dmin, &dmax));
		assert_int_equal(sscanf(strrchr(f->blocks.items[i], ' ') + 1, "%zu", &n), 1);
		if (strcmp(bo, dow) || bid != did) {
			snprintf(out, cap, "block \"%s\" and directory row \"%s\"", f->blocks.items[i],
				 f->dirs.items[i]);
			return out;
		}
		if (!n || bmin < dmin || bmax > dmax) {
			snprintf(out, cap, "block \"%s\" is empty or outside its directory row \"%s\"",
				 f->blocks.items[i], f->dirs.items[i]);
			return out;
		}
		if (bid >> 63)
			continue; /* a build's */
		unsigned long long next = 0;
		for (size_t k = 0; k < f->next.count; k++) {
			const char *sp = strrchr(f->next.items[k], ' ');
			if ((size_t)(sp - f->next.items[k]) == strlen(bo) &&
			    !strncmp(f->next.items[k], bo, strlen(bo)))
				next = strtoull(sp + 1, NULL, 10);
		}
		if (bid >= next) {
			snprintf(out, cap, "block \"%s\" has an id its agent gives out again (next %llu)",
				 f->blocks.items[i], next);
			return out;
		}
	}
	return NULL;
}

/* Whether the store holds the marker that says the index is complete. */
static int marker(rrd_store *st)
{
	uint64_t gen;
	assert_int_equal(st->m.begin(st->self, RRD_TXN_READ_ONLY, &gen), RRD_OK);
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, RRD_NS_META, "index.by_owner", &v, &len, NULL);
	st->m.rollback(st->self);
	return rc == RRD_OK;
}

const char *by_owner_differs(rrd_store *st)
{
	static char out[4 * 2048];
	lines want = { 0 };
	found f = { 0 };
	read_index(st, &f, &want);
	int marked = marker(st);
	sort(&want);
	sort(&f.entries);
	sort(&f.blocks);
	sort(&f.dirs);
	const char *r = NULL;
	if (!marked) {
		r = "no marker says the index is complete";
	} else if (f.bad) {
		r = f.bad;
	} else if (!(r = blocks_differ(&f, out, sizeof out))) {
		size_t i = 0;
		while (i < want.count && i < f.entries.count &&
		       strcmp(want.items[i], f.entries.items[i]) == 0)
			i++;
		if (i < want.count || i < f.entries.count) {
			snprintf(out, sizeof out,
				 "%zu entries wanted, %zu held; at %zu wanted \"%s\", held \"%s\"",
				 want.count, f.entries.count, i,
				 i < want.count ? want.items[i] : "(none)",
				 i < f.entries.count ? f.entries.items[i] : "(none)");
			r = out;
		}
	}
	clear(&want);
	found_clear(&f);
	return r;
}

void by_owner_agrees(rrd_store *st, const char *when)
{
	const char *d = by_owner_differs(st);
	if (d)
		fail_msg("%s: the index of records by owner differs from the records: %s", when, d);
}

by_owner_counts by_owner_count(rrd_store *st)
{
	found f = { 0 };
	read_index(st, &f, NULL);
	by_owner_counts n = { f.entries.count, f.listed.count, f.blocks.count };
	found_clear(&f);
	return n;
}

int by_owner_kept(rrd_store *st)
{
	return marker(st) || by_owner_count(st).entries > 0;
}
