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

/* ---- format 2 -------------------------------------------------------- */

/* A string rrd__buf_bytes wrote, as a fresh copy; NULL (and rd->failed)
 * when it is cut short, holds a NUL, or memory runs out (*nomem). */
static char *read_copy(rrd_reader *rd, int *nomem)
{
	size_t n;
	const char *p = rrd__read_bytes(rd, &n);
	if (rd->failed || memchr(p, 0, n)) {
		rd->failed = 1;
		return NULL;
	}
	char *s = rrd__strndup(p, n);
	if (!s) {
		*nomem = 1;
		rd->failed = 1;
	}
	return s;
}

/* An optional string: a copy when `bit` is in `has`, else NULL. */
static char *read_opt(rrd_reader *rd, unsigned has, unsigned bit, int *nomem)
{
	return (has & bit) && !rd->failed ? read_copy(rd, nomem) : NULL;
}

/* The encoder writes a list as it is kept, sorted by key: each pair read
 * in order is taken into an array of the list's length as it is, with no
 * copy. A pair out of order (bytes written by anything else) goes through
 * rrd__kvlist_set, which sorts it in, the later of two alike winning. */
static void read_kv(rrd_reader *rd, rrd_kvlist *l, int *nomem)
{
	uint64_t n = rrd__read_uvar(rd);
	if (n > rd->left) {
		rd->failed = 1;
		return;
	}
	if (n && !(l->items = rrd__malloc((size_t)n * sizeof *l->items))) {
		*nomem = 1;
		rd->failed = 1;
		return;
	}
	l->cap = (size_t)n;
	for (uint64_t i = 0; i < n && !rd->failed; i++) {
		char *k = read_copy(rd, nomem);
		char *v = rd->failed ? NULL : read_copy(rd, nomem);
		if (!rd->failed && (!l->count || strcmp(l->items[l->count - 1].key, k) < 0)) {
			l->items[l->count++] = (rrd_kv){ k, v };
			continue;
		}
		if (!rd->failed && rrd__kvlist_set(l, k, v)) {
			*nomem = 1;
			rd->failed = 1;
		}
		rrd__free(k);
		rrd__free(v);
	}
}

static rrd_status decode_v2(rrd_reader *rd, rrd_record **out, int *nomem)
{
	size_t nid, nsrc = 0;
	const char *id = rrd__read_bytes(rd, &nid);
	rrd_kind kind = (rrd_kind)rrd__read_u8(rd);
	rrd_record_status status = (rrd_record_status)rrd__read_u8(rd);
	uint64_t has64 = rrd__read_uvar(rd);
	unsigned has = (unsigned)(has64 & HAS_ALL);
	const char *source = has & HAS_SOURCE ? rrd__read_bytes(rd, &nsrc) : NULL;
	if (rd->failed || has64 != has || !nid || memchr(id, 0, nid) ||
	    (source && memchr(source, 0, nsrc)))
		return RRD_E_STORE;
	rrd_record *r;
	if (rrd__record_alloc(&r, id, nid, kind, source, nsrc)) {
		*nomem = 1;
		return RRD_E_NOMEM;
	}
	r->status = status;
	r->owner = read_opt(rd, has, HAS_OWNER, nomem);
	r->partner = read_opt(rd, has, HAS_PARTNER, nomem);
	r->follow_up = read_opt(rd, has, HAS_FOLLOW_UP, nomem);
	r->replaced_by = read_opt(rd, has, HAS_REPLACED_BY, nomem);
	if (has & HAS_CREATED_AT)
		r->created_at = rrd__read_svar(rd);
	if (has & HAS_REASSIGNED_AT)
		r->reassigned_at = rrd__read_svar(rd);
	if (has & HAS_LOCATION) {
		r->has_location = 1;
		r->lat = rrd__read_f64(rd);
		r->lon = rrd__read_f64(rd);
	}
	if (has & HAS_ATTRS)
		read_kv(rd, &r->attrs, nomem);
	if (has & HAS_ROLES)
		read_kv(rd, &r->roles, nomem);
	*out = r;
	return RRD_OK;
}

/* ---- format 1 -------------------------------------------------------- */

static void decode_kv_v1(rrd_reader *rd, rrd_kvlist *l, int *nomem)
{
	int64_t n = rrd__read_i64(rd);
	if (n < 0 || (uint64_t)n > rd->left)
		rd->failed = 1;
	for (int64_t i = 0; i < n && !rd->failed; i++) {
		char *k = rrd__read_str(rd, nomem);
		char *v = rrd__read_str(rd, nomem);
		if (!rd->failed && (!k || !v))
			rd->failed = 1;
		if (!rd->failed && rrd__kvlist_set(l, k, v)) {
			*nomem = 1;
			rd->failed = 1;
		}
		rrd__free(k);
		rrd__free(v);
	}
}

static rrd_status decode_v1(rrd_reader *rd, rrd_record **out, int *nomem)
{
	char *id = rrd__read_str(rd, nomem);
	rrd_kind kind = (rrd_kind)rrd__read_u8(rd);
	rrd_record *r = NULL;
	if (!rd->failed && id && *id && rrd__record_alloc(&r, id, strlen(id), kind, NULL, 0))
		*nomem = 1;
	rrd__free(id);
	if (!r)
		return *nomem ? RRD_E_NOMEM : RRD_E_STORE;
	r->status = (rrd_record_status)rrd__read_u8(rd);
	r->source = rrd__read_str(rd, nomem);
	r->owner = rrd__read_str(rd, nomem);
	r->partner = rrd__read_str(rd, nomem);
	r->follow_up = rrd__read_str(rd, nomem);
	r->replaced_by = rrd__read_str(rd, nomem);
	r->created_at = rrd__read_i64(rd);
	r->reassigned_at = rrd__read_i64(rd);
	r->has_location = rrd__read_u8(rd) != 0;
	r->lat = rrd__read_f64(rd);
	r->lon = rrd__read_f64(rd);
	decode_kv_v1(rd, &r->attrs, nomem);
	decode_kv_v1(rd, &r->roles, nomem);
	*out = r;
	return RRD_OK;
}

rrd_status rrd__record_decode(const void *data, size_t len, rrd_record **out)
{
	rrd_reader rd = { data, len, 0 };
	int nomem = 0;
	*out = NULL;
	uint8_t format = rrd__read_u8(&rd);
	if (format != RECORD_FORMAT && format != RECORD_FORMAT_V1)
		return rrd__fail(RRD_E_STORE, "stored record has an unknown format");
	rrd_record *r = NULL;
	rrd_status rc = format == RECORD_FORMAT ? decode_v2(&rd, &r, &nomem)
						: decode_v1(&rd, &r, &nomem);
	if (!rc && (rd.failed || rd.left || !rrd_kind_name(r->kind) ||
		    !rrd_record_status_name(r->status) || rrd__id_check_as(r->id, "record id", RRD_ID_STORED)))
		rc = RRD_E_STORE;
	if (rc) {
		rrd_record_free(r);
		return nomem ? rrd__nomem() : rrd__fail(RRD_E_STORE, "stored record is malformed");
	}
	*out = r;
	return RRD_OK;
}
