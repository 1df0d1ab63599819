/* Records in a store: a compact binary form, read on every cache miss.
 * Their JSON form is config/json_record.c's. */
#include <math.h>
#include <string.h>

#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

/* Format 2 is what records are written in: varints, and only the fields
 * a record has, so a routed lead takes about 20 bytes instead of 109 (a
 * store holding millions of records pays for every byte). Format 1 (fixed
 * 8-byte integers, every field) is still read. */
#define RECORD_FORMAT_V1 1
#define RECORD_FORMAT 2

/* Which optional fields follow, in this order. */
enum {
	HAS_SOURCE = 1 << 0,
	HAS_OWNER = 1 << 1,
	HAS_PARTNER = 1 << 2,
	HAS_FOLLOW_UP = 1 << 3,
	HAS_REPLACED_BY = 1 << 4,
	HAS_CREATED_AT = 1 << 5,
	HAS_REASSIGNED_AT = 1 << 6,
	HAS_LOCATION = 1 << 7,
	HAS_ATTRS = 1 << 8,
	HAS_ROLES = 1 << 9,
	HAS_ALL = (1 << 10) - 1
};

/* A string, or nothing for NULL (the field bits say which are there). */
static void encode_opt(rrd_buf *b, const char *s)
{
	if (s)
		rrd__buf_bytes(b, s, strlen(s));
}

static void encode_kv(rrd_buf *b, const rrd_kvlist *l)
{
	rrd__buf_uvar(b, l->count);
	for (size_t i = 0; i < l->count; i++) {
		encode_opt(b, l->items[i].key);
		encode_opt(b, l->items[i].value);
	}
}

void rrd__record_encode(const rrd_record *r, rrd_buf *b)
{
	unsigned has = (r->source ? HAS_SOURCE : 0) | (r->owner ? HAS_OWNER : 0) |
		       (r->partner ? HAS_PARTNER : 0) | (r->follow_up ? HAS_FOLLOW_UP : 0) |
		       (r->replaced_by ? HAS_REPLACED_BY : 0) |
		       (r->created_at != RRD_TIME_NONE ? HAS_CREATED_AT : 0) |
		       (r->reassigned_at != RRD_TIME_NONE ? HAS_REASSIGNED_AT : 0) |
		       (r->has_location ? HAS_LOCATION : 0) | (r->attrs.count ? HAS_ATTRS : 0) |
		       (r->roles.count ? HAS_ROLES : 0);
	rrd__buf_u8(b, RECORD_FORMAT);
	encode_opt(b, r->id);
	rrd__buf_u8(b, (uint8_t)r->kind);
	rrd__buf_u8(b, (uint8_t)r->status);
	rrd__buf_uvar(b, has);
	encode_opt(b, r->source);
	encode_opt(b, r->owner);
	encode_opt(b, r->partner);
	encode_opt(b, r->follow_up);
	encode_opt(b, r->replaced_by);
	if (has & HAS_CREATED_AT)
		rrd__buf_svar(b, r->created_at);
	if (has & HAS_REASSIGNED_AT)
		rrd__buf_svar(b, r->reassigned_at);
	if (has & HAS_LOCATION) {
		rrd__buf_f64(b, r->lat);
		rrd__buf_f64(b, r->lon);
	}
	if (has & HAS_ATTRS)
		encode_kv(b, &r->attrs);
	if (has & HAS_ROLES)
		encode_kv(b, &r->roles);
}

/* ---- decoding ---------------------------------------------------------- */

/*
 * A record is read in two steps: its fields are found where they lie in
 * the bytes, checked and measured, and then copied into one allocation
 * that holds the record, its lists' items and every string. A record read
 * from a store (which happens on every cache miss, and for every record a
 * redistribution looks at) so costs one allocation and one free, whatever
 * its attributes and roles; what is changed later is allocated on its own
 * (rrd__record_release, rrd__kvlist_set).
 */

/* A string where it lies in the bytes; p NULL: absent. */
typedef struct slice {
	const char *p;
	size_t n;
} slice;

/* Pairs of a list whose strings are kept where they were found, so that
 * copying them reads the bytes no second time; further pairs are read
 * again from where these end. */
#define PAIRS_KEPT 8

typedef struct pairs {
	size_t count;
	slice kept[2 * PAIRS_KEPT];
	rrd_reader rest;   /* the pairs after the kept ones */
} pairs;

/* The fields of a stored record, pointing into its bytes. */
typedef struct fields {
	slice id, source, owner, partner, follow_up, replaced_by;
	rrd_kind kind;
	rrd_record_status status;
	rrd_time created_at, reassigned_at;
	int has_location;
	double lat, lon;
	pairs attrs, roles;
	int v1;            /* format 1: strings have 8-byte lengths */
	size_t text;       /* every string's bytes and NUL, the id's and source's too */
} fields;

/* Format 2's strings: a varint length and the bytes, no NUL among them.
 * Inline, for the one-byte length most strings have. */
static inline void read_slice(rrd_reader *rd, slice *s)
{
	if (!rd->failed && rd->left && rd->p[0] < 0x80 && rd->p[0] < rd->left) {
		s->n = rd->p[0];
		s->p = (const char *)rd->p + 1;
		rd->p += s->n + 1;
		rd->left -= s->n + 1;
	} else {
		s->p = rrd__read_bytes(rd, &s->n);
	}
	if (!rd->failed && memchr(s->p, 0, s->n))
		rd->failed = 1;
	if (rd->failed)
		s->p = NULL;
}

/* Format 1's: an 8-byte length (-1: none) and the bytes, which end at a
 * NUL if they hold one, as that format was always read. */
static void read_slice_v1(rrd_reader *rd, slice *s)
{
	s->p = NULL;
	s->n = 0;
	int64_t n = rrd__read_i64(rd);
	if (rd->failed || n == -1)
		return;
	if (n < 0 || (uint64_t)n > rd->left) {
		rd->failed = 1;
		return;
	}
	s->p = (const char *)rd->p;
	s->n = strnlen(s->p, (size_t)n);
	rd->p += n;
	rd->left -= (size_t)n;
}

static inline void read_either(rrd_reader *rd, int v1, slice *s)
{
	if (v1)
		read_slice_v1(rd, s);
	else
		read_slice(rd, s);
}

static inline void count_text(fields *f, const slice *s)
{
	if (s->p)
		f->text += s->n + 1;
}

/* Read a list of n pairs, checking and measuring them, into *l. */
static void read_pairs(rrd_reader *rd, fields *f, uint64_t n, pairs *l)
{
	if (n > rd->left)
		rd->failed = 1;
	l->count = rd->failed ? 0 : (size_t)n;
	for (uint64_t i = 0; i < n && !rd->failed; i++) {
		if (i == PAIRS_KEPT)
			l->rest = *rd;
		slice k, v;
		read_either(rd, f->v1, &k);
		read_either(rd, f->v1, &v);
		if (!k.p || !v.p)
			rd->failed = 1;
		count_text(f, &k);
		count_text(f, &v);
		if (i < PAIRS_KEPT) {
			l->kept[2 * i] = k;
			l->kept[2 * i + 1] = v;
		}
	}
}

static void read_v2(rrd_reader *rd, fields *f)
{
	read_slice(rd, &f->id);
	f->kind = (rrd_kind)rrd__read_u8(rd);
	f->status = (rrd_record_status)rrd__read_u8(rd);
	uint64_t has64 = rrd__read_uvar(rd);
	unsigned has = (unsigned)(has64 & HAS_ALL);
	if (has64 != has)
		rd->failed = 1;
	slice *opt[] = { &f->source, &f->owner, &f->partner, &f->follow_up, &f->replaced_by };
	const unsigned bit[] = { HAS_SOURCE, HAS_OWNER, HAS_PARTNER, HAS_FOLLOW_UP,
				 HAS_REPLACED_BY };
	for (size_t i = 0; i < 5; i++)
		if (has & bit[i])
			read_slice(rd, opt[i]);
	if (has & HAS_CREATED_AT)
		f->created_at = rrd__read_svar(rd);
	if (has & HAS_REASSIGNED_AT)
		f->reassigned_at = rrd__read_svar(rd);
	if (has & HAS_LOCATION) {
		f->has_location = 1;
		f->lat = rrd__read_f64(rd);
		f->lon = rrd__read_f64(rd);
	}
	if (has & HAS_ATTRS)
		read_pairs(rd, f, rrd__read_uvar(rd), &f->attrs);
	if (has & HAS_ROLES)
		read_pairs(rd, f, rrd__read_uvar(rd), &f->roles);
}

static void read_v1(rrd_reader *rd, fields *f)
{
	f->v1 = 1;
	read_slice_v1(rd, &f->id);
	f->kind = (rrd_kind)rrd__read_u8(rd);
	f->status = (rrd_record_status)rrd__read_u8(rd);
	read_slice_v1(rd, &f->source);
	read_slice_v1(rd, &f->owner);
	read_slice_v1(rd, &f->partner);
	read_slice_v1(rd, &f->follow_up);
	read_slice_v1(rd, &f->replaced_by);
	f->created_at = rrd__read_i64(rd);
	f->reassigned_at = rrd__read_i64(rd);
	f->has_location = rrd__read_u8(rd) != 0;
	f->lat = rrd__read_f64(rd);
	f->lon = rrd__read_f64(rd);
	int64_t n = rrd__read_i64(rd);
	read_pairs(rd, f, n < 0 ? UINT64_MAX : (uint64_t)n, &f->attrs);
	n = rrd__read_i64(rd);
	read_pairs(rd, f, n < 0 ? UINT64_MAX : (uint64_t)n, &f->roles);
}

/* Find and check the fields: 0, or -1 when the bytes are not a record.
 * Only what the format has is set here (fields is large). */
static int read_fields(const void *data, size_t len, fields *f)
{
	rrd_reader rd = { data, len, 0 };
	static const slice none = { NULL, 0 };
	f->id = f->source = f->owner = f->partner = f->follow_up = f->replaced_by = none;
	f->created_at = f->reassigned_at = RRD_TIME_NONE;
	f->has_location = 0;
	f->lat = f->lon = 0;
	f->attrs.count = f->roles.count = 0;
	f->v1 = 0;
	f->text = 0;
	uint8_t format = rrd__read_u8(&rd);
	if (format == RECORD_FORMAT)
		read_v2(&rd, f);
	else
		read_v1(&rd, f);
	if (rd.failed || rd.left || !f->id.p || !f->id.n || !rrd_kind_name(f->kind) ||
	    !rrd_record_status_name(f->status))
		return -1;
	const slice *all[] = { &f->id, &f->source, &f->owner, &f->partner, &f->follow_up,
			       &f->replaced_by };
	for (size_t i = 0; i < 6; i++)
		count_text(f, all[i]);
	return 0;
}

/* Copy s, with a NUL, to *at, moving it on; NULL for an absent one. */
static inline char *put_text(char **at, const slice *s)
{
	if (!s->p)
		return NULL;
	char *to = *at;
	memcpy(to, s->p, s->n);
	to[s->n] = '\0';
	*at += s->n + 1;
	return to;
}

/* The pairs of a list into items[0..count), their strings at *at. 1 when
 * each key comes after the one before, as the encoder writes them. */
static int put_pairs(const pairs *l, int v1, rrd_kv *items, char **at)
{
	int sorted = 1;
	rrd_reader rest = l->rest;
	for (size_t i = 0; i < l->count; i++) {
		slice k, v;
		if (i < PAIRS_KEPT) {
			k = l->kept[2 * i];
			v = l->kept[2 * i + 1];
		} else {
			read_either(&rest, v1, &k);
			read_either(&rest, v1, &v);
		}
		items[i] = (rrd_kv){ put_text(at, &k), put_text(at, &v) };
		if (i && strcmp(items[i - 1].key, items[i].key) >= 0)
			sorted = 0;
	}
	return sorted;
}

/* A list whose pairs came out of order (bytes written by anything else)
 * is sorted where it lies, the later of two alike winning, as
 * rrd__kvlist_set keeps a list. */
static void sort_pairs(rrd_kvlist *l)
{
	size_t m = 0;
	for (size_t i = 0; i < l->count; i++) {
		rrd_kv x = l->items[i];
		size_t j = 0;
		while (j < m && strcmp(l->items[j].key, x.key) < 0)
			j++;
		if (j < m && strcmp(l->items[j].key, x.key) == 0) {
			l->items[j] = x;
			continue;
		}
		memmove(&l->items[j + 1], &l->items[j], (m - j) * sizeof *l->items);
		l->items[j] = x;
		m++;
	}
	l->count = m;
}

/* The record `f` describes, built in `block` (room for record_size(f)). */
static size_t record_size(const fields *f)
{
	return sizeof(rrd_record) + (f->attrs.count + f->roles.count) * sizeof(rrd_kv) + f->text;
}

static rrd_record *build(const fields *f, void *block)
{
	rrd_record *r = block;
	size_t nattrs = f->attrs.count, nroles = f->roles.count, nkv = nattrs + nroles;
	rrd_kv *items = (rrd_kv *)(void *)(r + 1);
	char *at = (char *)(items + nkv);
	*r = (rrd_record){ .kind = f->kind, .status = f->status, .created_at = f->created_at,
			   .reassigned_at = f->reassigned_at, .has_location = f->has_location,
			   .lat = f->lat, .lon = f->lon, .block_end = at + f->text };
	r->id = put_text(&at, &f->id);
	r->source = put_text(&at, &f->source);
	r->owner = put_text(&at, &f->owner);
	r->partner = put_text(&at, &f->partner);
	r->follow_up = put_text(&at, &f->follow_up);
	r->replaced_by = put_text(&at, &f->replaced_by);
	/* Lent from the block (rrd_kvlist). */
	r->attrs = (rrd_kvlist){ .items = nattrs ? items : NULL, .count = nattrs, .lent = block,
				 .lent_end = r->block_end };
	r->roles = (rrd_kvlist){ .items = nroles ? items + nattrs : NULL, .count = nroles,
				 .lent = block, .lent_end = r->block_end };
	if (!put_pairs(&f->attrs, f->v1, items, &at))
		sort_pairs(&r->attrs);
	if (!put_pairs(&f->roles, f->v1, items + nattrs, &at))
		sort_pairs(&r->roles);
	return r;
}

/* Find and check the fields of a stored record. */
static rrd_status read_record(const void *data, size_t len, fields *f)
{
	const unsigned char *bytes = data;
	if (!len || (bytes[0] != RECORD_FORMAT && bytes[0] != RECORD_FORMAT_V1))
		return rrd__fail(RRD_E_STORE, "stored record has an unknown format");
	if (read_fields(data, len, f))
		return rrd__fail(RRD_E_STORE, "stored record is malformed");
	return RRD_OK;
}

/* The id is checked once the record is built, as it has a NUL there. */
static rrd_status check_id(const rrd_record *r)
{
	if (rrd__id_check_as(r->id, "record id", RRD_ID_STORED))
		return rrd__fail(RRD_E_STORE, "stored record is malformed");
	return RRD_OK;
}

rrd_status rrd__record_decode(const void *data, size_t len, rrd_record **out)
{
	*out = NULL;
	fields f;
	rrd_status rc = read_record(data, len, &f);
	if (rc)
		return rc;
	void *block = rrd__malloc(record_size(&f));
	if (!block)
		return rrd__nomem();
	rrd_record *r = build(&f, block);
	if ((rc = check_id(r))) {
		rrd_record_free(r);
		return rc;
	}
	*out = r;
	return RRD_OK;
}

rrd_status rrd__record_decode_arena(const void *data, size_t len, rrd_arena *arena,
				    rrd_record **out)
{
	*out = NULL;
	fields f;
	rrd_status rc = read_record(data, len, &f);
	if (rc)
		return rc;
	void *block = rrd__arena_alloc(arena, record_size(&f));
	if (!block)
		return rrd__nomem();
	rrd_record *r = build(&f, block);
	r->arena = r->attrs.arena = r->roles.arena = arena;
	if ((rc = check_id(r)))
		return rc;
	*out = r;
	return RRD_OK;
}

rrd_status rrd__record_decode_in(const void *data, size_t len, rrd_buf *room, rrd_record **out)
{
	*out = NULL;
	fields f;
	rrd_status rc = read_record(data, len, &f);
	if (rc)
		return rc;
	room->len = 0;
	room->failed = 0;
	void *block = rrd__buf_room(room, record_size(&f));
	if (!block)
		return rrd__nomem();
	rrd_record *r = build(&f, block);
	if ((rc = check_id(r)))
		return rc;
	*out = r;
	return RRD_OK;
}
