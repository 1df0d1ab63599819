/* Records in a store (a compact binary form, read on every cache miss)
 * and as JSON (for people and for hosts that want to look inside). */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "config/json_text.h"
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

static void read_kv(rrd_reader *rd, rrd_kvlist *l, int *nomem)
{
	uint64_t n = rrd__read_uvar(rd);
	if (n > rd->left)
		rd->failed = 1;
	for (uint64_t i = 0; i < n && !rd->failed; i++) {
		char *k = read_copy(rd, nomem);
		char *v = rd->failed ? NULL : read_copy(rd, nomem);
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

static int add_opt_str(cJSON *o, const char *name, const char *v)
{
	if (!v)
		return 1;
	return cJSON_AddStringToObject(o, name, v) != NULL;
}

static int add_kv(cJSON *o, const char *name, const rrd_kvlist *l)
{
	if (!l->count)
		return 1;
	cJSON *m = cJSON_AddObjectToObject(o, name);
	if (!m)
		return 0;
	for (size_t i = 0; i < l->count; i++)
		if (!cJSON_AddStringToObject(m, l->items[i].key, l->items[i].value))
			return 0;
	return 1;
}

RRD_API rrd_status rrd_record_to_json(const rrd_record *r, char **out)
{
	if (!r || !out)
		return rrd__fail(RRD_E_INVALID, "record and out must not be NULL");
	*out = NULL;
	cJSON *o = cJSON_CreateObject();
	int ok = o && cJSON_AddStringToObject(o, "id", r->id) &&
		 cJSON_AddStringToObject(o, "kind", rrd_kind_name(r->kind)) &&
		 cJSON_AddStringToObject(o, "status", rrd_record_status_name(r->status)) &&
		 add_opt_str(o, "source", r->source) && add_opt_str(o, "owner", r->owner) &&
		 add_opt_str(o, "partner", r->partner) &&
		 add_opt_str(o, "follow_up", r->follow_up) &&
		 add_opt_str(o, "replaced_by", r->replaced_by) &&
		 add_kv(o, "attrs", &r->attrs) && add_kv(o, "roles", &r->roles);
	if (ok && r->created_at != RRD_TIME_NONE)
		ok = cJSON_AddNumberToObject(o, "created_at", (double)r->created_at) != NULL;
	if (ok && r->reassigned_at != RRD_TIME_NONE)
		ok = cJSON_AddNumberToObject(o, "reassigned_at", (double)r->reassigned_at) != NULL;
	if (ok && r->has_location) {
		cJSON *loc = cJSON_AddObjectToObject(o, "location");
		ok = loc && cJSON_AddNumberToObject(loc, "lat", r->lat) &&
		     cJSON_AddNumberToObject(loc, "lon", r->lon);
	}
	char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (!text)
		return rrd__nomem();
	*out = rrd__strdup(text);
	cJSON_free(text);
	return *out ? RRD_OK : rrd__nomem();
}

static rrd_status parse_fail(const char *what)
{
	return rrd__fail(RRD_E_PARSE, "record JSON: %s", what);
}

static const char *opt_string(const cJSON *o, const char *name, int *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = 1;
		return NULL;
	}
	return v->valuestring;
}

static rrd_status parse_kv(rrd_record *r, const cJSON *o, const char *name, int roles)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!m)
		return RRD_OK;
	if (!cJSON_IsObject(m))
		return parse_fail(roles ? "roles must be an object" : "attrs must be an object");
	const cJSON *e;
	cJSON_ArrayForEach(e, m) {
		if (!cJSON_IsString(e))
			return parse_fail("attribute and role values must be strings");
		rrd_status rc = roles ? rrd_record_set_role(r, e->string, e->valuestring)
				      : rrd_record_set_attr(r, e->string, e->valuestring);
		if (rc)
			return rc;
	}
	return RRD_OK;
}

static rrd_status parse_time(const cJSON *o, const char *name, rrd_time *t)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!v)
		return RRD_OK;
	/* Within the library's bounds, so the conversion is defined and
	 * arithmetic on the time cannot overflow either. */
	double ms = v->valuedouble;
	if (!cJSON_IsNumber(v) || !isfinite(ms) || ms != floor(ms) || ms < (double)RRD_TIME_MIN ||
	    ms > (double)RRD_TIME_MAX)
		return parse_fail("times must be whole numbers of milliseconds from RRD_TIME_MIN "
				  "to RRD_TIME_MAX (the years 1 to 9999)");
	*t = (rrd_time)v->valuedouble;
	return RRD_OK;
}

static rrd_status fill_from_json(rrd_record *r, const cJSON *o)
{
	int bad = 0;
	const char *status = opt_string(o, "status", &bad);
	rrd_status rc = RRD_OK;
	if (status && (rc = rrd_record_status_parse(status, &r->status)))
		return rc;
	if ((rc = rrd_record_set_source(r, opt_string(o, "source", &bad))) ||
	    (rc = rrd_record_set_owner(r, opt_string(o, "owner", &bad))) ||
	    (rc = rrd_record_set_partner(r, opt_string(o, "partner", &bad))) ||
	    (rc = rrd_record_set_follow_up(r, opt_string(o, "follow_up", &bad))) ||
	    (rc = rrd__record_set_replaced_by(r, opt_string(o, "replaced_by", &bad))))
		return rc;
	if (bad)
		return parse_fail("a text field is not a string");
	if ((rc = parse_kv(r, o, "attrs", 0)) || (rc = parse_kv(r, o, "roles", 1)) ||
	    (rc = parse_time(o, "created_at", &r->created_at)) ||
	    (rc = parse_time(o, "reassigned_at", &r->reassigned_at)))
		return rc;
	const cJSON *loc = cJSON_GetObjectItemCaseSensitive(o, "location");
	if (loc) {
		const cJSON *lat = cJSON_GetObjectItemCaseSensitive(loc, "lat");
		const cJSON *lon = cJSON_GetObjectItemCaseSensitive(loc, "lon");
		if (!cJSON_IsNumber(lat) || !cJSON_IsNumber(lon))
			return parse_fail("location needs numbers lat and lon");
		return rrd_record_set_location(r, lat->valuedouble, lon->valuedouble);
	}
	return RRD_OK;
}

RRD_API rrd_status rrd_record_from_json(rrd_record **out, const char *json, size_t len)
{
	if (!out || !json)
		return rrd__fail(RRD_E_INVALID, "out and json must not be NULL");
	*out = NULL;
	cJSON *o;
	rrd_status rc = rrd__json_parse(json, len, &o);
	if (rc)
		return rc;
	int bad = 0;
	const char *id = opt_string(o, "id", &bad);
	const char *kind_name = opt_string(o, "kind", &bad);
	rrd_kind kind;
	rrd_record *r = NULL;
	if (!id || !kind_name)
		rc = parse_fail("id and kind are required strings");
	else if (!(rc = rrd_kind_parse(kind_name, &kind)) && !(rc = rrd_record_new(&r, id, kind)))
		rc = fill_from_json(r, o);
	cJSON_Delete(o);
	if (rc) {
		rrd_record_free(r);
		/* A value the record refuses is a fault of the document. */
		if (rc == RRD_E_INVALID)
			rc = rrd__fail_prefix(RRD_E_PARSE, "record JSON: ");
		return rc;
	}
	*out = r;
	return RRD_OK;
}
