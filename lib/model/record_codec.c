/* Records in a store: a compact binary form, read on every cache miss.
 * Their JSON form is config/json_record.c's. */
#include <math.h>
#include <string.h>

#include "model/record.h"
#include "util/alloc.h"
#include "util/bytes.h"
#include "util/compiler.h"
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

/*
 * The encoder measures the record first and makes room for all of it at
 * once; then every write is a store through a pointer of its own, which
 * the compiler keeps in a register (through the buffer's fields, each
 * store would make it read them again).
 */

static RRD_ALWAYS_INLINE unsigned char *put_uvar(unsigned char *to, uint64_t v)
{
	if (v < 0x80) {
		*to = (unsigned char)v;
		return to + 1;
	}
	return to + rrd__put_uvar(to, v);
}

static RRD_ALWAYS_INLINE unsigned char *put_svar(unsigned char *to, int64_t v)
{
	uint64_t u = (uint64_t)v;
	return put_uvar(to, (u << 1) ^ (v < 0 ? ~(uint64_t)0 : 0));
}

static RRD_ALWAYS_INLINE unsigned char *put_bytes(unsigned char *to, const char *s, size_t n)
{
	to = put_uvar(to, n);
	rrd__copy_short(to, s, n);
	return to + n;
}

static unsigned char *put_f64(unsigned char *to, double v)
{
	int64_t bits;
	memcpy(&bits, &v, sizeof bits);
	rrd__put_i64(to, bits);
	return to + 8;
}

/* The room a list takes at most. A string in the block [lo, hi) is not
 * measured (rrd__text_len). */
static size_t kv_room(const rrd_kvlist *l)
{
	size_t n = RRD_UVAR_MAX;
	for (size_t i = 0; i < l->count; i++)
		n += 2 * RRD_UVAR_MAX + rrd__text_len(l->lent, l->lent_end, l->items[i].key) +
		     rrd__text_len(l->lent, l->lent_end, l->items[i].value);
	return n;
}

static unsigned char *put_kv(unsigned char *to, const rrd_kvlist *l)
{
	to = put_uvar(to, l->count);
	for (size_t i = 0; i < l->count; i++) {
		const rrd_kv *kv = &l->items[i];
		to = put_bytes(to, kv->key, rrd__text_len(l->lent, l->lent_end, kv->key));
		to = put_bytes(to, kv->value, rrd__text_len(l->lent, l->lent_end, kv->value));
	}
	return to;
}

void rrd__record_encode(const rrd_record *r, rrd_buf *b)
{
	const char *str[] = { r->id, r->source, r->owner, r->partner, r->follow_up,
			      r->replaced_by };
	size_t len[6];
	/* The format, kind, status, field bits, times, location. */
	size_t need = 3 + 3 * RRD_UVAR_MAX + 16;
	for (size_t i = 0; i < 6; i++)
		if (str[i])
			need += RRD_UVAR_MAX + (len[i] = rrd__text_len(r, r->block_end, str[i]));
	if (r->attrs.count)
		need += kv_room(&r->attrs);
	if (r->roles.count)
		need += kv_room(&r->roles);
	unsigned char *start = rrd__buf_room(b, need), *to = start;
	if (!to)
		return;
	unsigned has = (r->source ? HAS_SOURCE : 0) | (r->owner ? HAS_OWNER : 0) |
		       (r->partner ? HAS_PARTNER : 0) | (r->follow_up ? HAS_FOLLOW_UP : 0) |
		       (r->replaced_by ? HAS_REPLACED_BY : 0) |
		       (r->created_at != RRD_TIME_NONE ? HAS_CREATED_AT : 0) |
		       (r->reassigned_at != RRD_TIME_NONE ? HAS_REASSIGNED_AT : 0) |
		       (r->has_location ? HAS_LOCATION : 0) | (r->attrs.count ? HAS_ATTRS : 0) |
		       (r->roles.count ? HAS_ROLES : 0);
	*to++ = RECORD_FORMAT;
	to = put_bytes(to, r->id, len[0]);
	*to++ = (unsigned char)r->kind;
	*to++ = (unsigned char)r->status;
	to = put_uvar(to, has);
	for (size_t i = 1; i < 6; i++)
		if (str[i])
			to = put_bytes(to, str[i], len[i]);
	if (has & HAS_CREATED_AT)
		to = put_svar(to, r->created_at);
	if (has & HAS_REASSIGNED_AT)
		to = put_svar(to, r->reassigned_at);
	if (has & HAS_LOCATION) {
		to = put_f64(to, r->lat);
		to = put_f64(to, r->lon);
	}
	if (has & HAS_ATTRS)
		to = put_kv(to, &r->attrs);
	if (has & HAS_ROLES)
		to = put_kv(to, &r->roles);
	b->len += (size_t)(to - start);
}

/* ---- decoding ---------------------------------------------------------- */

/*
 * A record is read in two steps: its fields are found where they lie in
 * the bytes, checked and measured (rrd__record_view), and then copied
 * into one block that holds the record, its lists' items and every
 * string. A record read from a store (which happens on every cache miss,
 * and for every record a job moves) so costs one allocation and one free,
 * whatever its attributes and roles, or none in a buffer or an arena;
 * what is changed later is allocated on its own (rrd__record_release,
 * rrd__kvlist_set). A reader that only looks, as a redistribution's
 * selection looks at every record, stops after the first step.
 */

/* Format 2's strings: a varint length and the bytes, no NUL among them
 * (what cur_slice reads, for a reader that goes on where a view left
 * off). Inline, for the one-byte length most strings have. */
static inline void read_slice(rrd_reader *rd, rrd_slice *s)
{
	if (!rd->failed && rd->left && rd->p[0] < 0x80 && rd->p[0] < rd->left) {
		s->n = rd->p[0];
		s->p = (const char *)rd->p + 1;
		rd->p += s->n + 1;
		rd->left -= s->n + 1;
	} else {
		s->p = rrd__read_bytes(rd, &s->n);
	}
	if (!rd->failed && rrd__has_nul(s->p, s->n))
		rd->failed = 1;
	if (rd->failed)
		s->p = NULL;
}

/* Format 1's: an 8-byte length (-1: none) and the bytes, which end at a
 * NUL if they hold one, as that format was always read. */
static void read_slice_v1(rrd_reader *rd, rrd_slice *s)
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

static inline void read_either(rrd_reader *rd, int v1, rrd_slice *s)
{
	if (v1)
		read_slice_v1(rd, s);
	else
		read_slice(rd, s);
}

/* Its length byte, bytes and NUL (rrd__text_put). */
static inline void count_text(rrd_record_view *v, const rrd_slice *s)
{
	if (s->p)
		v->text += s->n + 2;
}

/* Pair i of a list, read and checked, into *l: whether the list is in
 * order so far, and the pair itself while it is one of those kept. */
static RRD_ALWAYS_INLINE void take_pair(rrd_view_pairs *l, size_t i, rrd_slice *last, rrd_slice k,
					rrd_slice val)
{
	/* Bytes compare as strings do: a string holds no NUL. */
	if (i && rrd__slice_cmp(*last, k.p, k.n) >= 0)
		l->ordered = 0;
	*last = k;
	if (i < RRD_VIEW_PAIRS_KEPT) {
		l->kept[2 * i] = k;
		l->kept[2 * i + 1] = val;
	}
}

/* Read a list of n pairs, checking and measuring them, into *l. */
static void read_pairs(rrd_reader *rd, rrd_record_view *v, uint64_t n, rrd_view_pairs *l)
{
	if (n > rd->left)
		rd->failed = 1;
	l->count = rd->failed ? 0 : (size_t)n;
	l->ordered = 1;
	rrd_slice last = { NULL, 0 };
	for (uint64_t i = 0; i < n && !rd->failed; i++) {
		if (i == RRD_VIEW_PAIRS_KEPT)
			l->rest = *rd;
		rrd_slice k, val;
		read_either(rd, v->v1, &k);
		read_either(rd, v->v1, &val);
		if (!k.p || !val.p) {
			rd->failed = 1;
			break;
		}
		count_text(v, &k);
		count_text(v, &val);
		take_pair(l, (size_t)i, &last, k, val);
	}
}

/*
 * Format 2 is read with a cursor of its own, which stays in registers:
 * every step is inline, and the first that finds the bytes are not a
 * record ends the reading (-1). The record's shape is that of
 * read_slice and rrd__read_uvar, which read the pairs a view keeps for
 * later (rrd__view_next).
 */
typedef struct cursor {
	const unsigned char *p, *end;
	/* The bytes hold a NUL somewhere: each string is checked for one.
	 * Most records hold none at all, and one look at the whole answers
	 * for every string. */
	int nul;
} cursor;

/* The 7-bit groups of a varint of n bytes (1 to 8) that lie in w, low
 * first, put together: its value. */
static RRD_ALWAYS_INLINE uint64_t uvar_groups(uint64_t w, unsigned n)
{
	uint64_t x = (n == 8 ? w : w & ((UINT64_C(1) << (8 * n)) - 1)) & UINT64_C(0x7f7f7f7f7f7f7f7f);
	x = (x & UINT64_C(0x007f007f007f007f)) | (x & UINT64_C(0x7f007f007f007f00)) >> 1;
	x = (x & UINT64_C(0x00003fff00003fff)) | (x & UINT64_C(0x3fff00003fff0000)) >> 2;
	return (x & UINT64_C(0x000000000fffffff)) | (x & UINT64_C(0x0fffffff00000000)) >> 4;
}

/* A varint of several bytes at p: where it ends, or NULL when it runs
 * past `end` or past 64 bits. One of eight bytes or fewer (a time's is
 * six) with eight at hand is read from one word. */
static const unsigned char *uvar_long(const unsigned char *p, const unsigned char *end,
				      uint64_t *out)
{
	if (end - p >= 8) {
		uint64_t w = rrd__load_le64(p);
		uint64_t last = ~w & UINT64_C(0x8080808080808080);
		if (last) {
			unsigned n = RRD_CTZ64(last) / 8 + 1;
			*out = uvar_groups(w, n);
			return p + n;
		}
	}
	uint64_t v = 0;
	for (unsigned shift = 0;; shift += 7) {
		if (p == end || shift > 63)
			return NULL;
		unsigned char c = *p++;
		if (shift == 63 && c > 1)
			return NULL;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
	}
	*out = v;
	return p;
}

static RRD_ALWAYS_INLINE int cur_uvar(cursor *c, uint64_t *out)
{
	if (c->p < c->end && c->p[0] < 0x80) {
		*out = *c->p++;
		return 0;
	}
	return (c->p = uvar_long(c->p, c->end, out)) ? 0 : -1;
}

static RRD_ALWAYS_INLINE int cur_svar(cursor *c, int64_t *out)
{
	uint64_t u;
	if (cur_uvar(c, &u))
		return -1;
	*out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return 0;
}

static RRD_ALWAYS_INLINE int cur_slice(cursor *c, rrd_slice *s)
{
	uint64_t n;
	if (cur_uvar(c, &n) || n > (uint64_t)(c->end - c->p) ||
	    (c->nul && rrd__has_nul(c->p, (size_t)n)))
		return -1;
	s->p = (const char *)c->p;
	s->n = (size_t)n;
	c->p += n;
	return 0;
}

static double load_f64(const unsigned char *p)
{
	uint64_t u = rrd__load_le64(p);
	double v;
	memcpy(&v, &u, sizeof v);
	return v;
}

/* A list of pairs, checked and measured, into *l: as read_pairs. */
static int cur_pairs(cursor *c, rrd_record_view *v, rrd_view_pairs *l)
{
	uint64_t n;
	if (cur_uvar(c, &n) || n > (uint64_t)(c->end - c->p))
		return -1;
	l->count = (size_t)n;
	l->ordered = 1;
	rrd_slice last = { NULL, 0 };
	for (size_t i = 0; i < n; i++) {
		if (i == RRD_VIEW_PAIRS_KEPT)
			l->rest = (rrd_reader){ c->p, (size_t)(c->end - c->p), 0 };
		rrd_slice k, val;
		if (cur_slice(c, &k) || cur_slice(c, &val))
			return -1;
		v->text += k.n + val.n + 4; /* as count_text */
		take_pair(l, i, &last, k, val);
	}
	return 0;
}

/* The bytes after the format's: 0, or -1 when they are not a record. */
static int read_v2(const unsigned char *p, const unsigned char *end, rrd_record_view *v)
{
	cursor c = { p, end, rrd__has_nul(p, (size_t)(end - p)) };
	uint64_t has64;
	if (cur_slice(&c, &v->id) || c.end - c.p < 2)
		return -1;
	v->kind = (rrd_kind)c.p[0];
	v->status = (rrd_record_status)c.p[1];
	c.p += 2;
	if (cur_uvar(&c, &has64) || (has64 & ~(uint64_t)HAS_ALL))
		return -1;
	unsigned has = (unsigned)has64;
	if (((has & HAS_SOURCE) && cur_slice(&c, &v->source)) ||
	    ((has & HAS_OWNER) && cur_slice(&c, &v->owner)) ||
	    ((has & HAS_PARTNER) && cur_slice(&c, &v->partner)) ||
	    ((has & HAS_FOLLOW_UP) && cur_slice(&c, &v->follow_up)) ||
	    ((has & HAS_REPLACED_BY) && cur_slice(&c, &v->replaced_by)) ||
	    ((has & HAS_CREATED_AT) && cur_svar(&c, &v->created_at)) ||
	    ((has & HAS_REASSIGNED_AT) && cur_svar(&c, &v->reassigned_at)))
		return -1;
	if (has & HAS_LOCATION) {
		if (c.end - c.p < 16)
			return -1;
		v->has_location = 1;
		v->lat = load_f64(c.p);
		v->lon = load_f64(c.p + 8);
		c.p += 16;
	}
	if (((has & HAS_ATTRS) && cur_pairs(&c, v, &v->attrs)) ||
	    ((has & HAS_ROLES) && cur_pairs(&c, v, &v->roles)))
		return -1;
	return c.p == c.end ? 0 : -1;
}

static void read_v1(rrd_reader *rd, rrd_record_view *v)
{
	v->v1 = 1;
	read_slice_v1(rd, &v->id);
	v->kind = (rrd_kind)rrd__read_u8(rd);
	v->status = (rrd_record_status)rrd__read_u8(rd);
	read_slice_v1(rd, &v->source);
	read_slice_v1(rd, &v->owner);
	read_slice_v1(rd, &v->partner);
	read_slice_v1(rd, &v->follow_up);
	read_slice_v1(rd, &v->replaced_by);
	v->created_at = rrd__read_i64(rd);
	v->reassigned_at = rrd__read_i64(rd);
	v->has_location = rrd__read_u8(rd) != 0;
	v->lat = rrd__read_f64(rd);
	v->lon = rrd__read_f64(rd);
	int64_t n = rrd__read_i64(rd);
	read_pairs(rd, v, n < 0 ? UINT64_MAX : (uint64_t)n, &v->attrs);
	n = rrd__read_i64(rd);
	read_pairs(rd, v, n < 0 ? UINT64_MAX : (uint64_t)n, &v->roles);
}

/* Find and check the fields: 0, or -1 when the bytes are not a record.
 * Only what the format has is set here (a view is large). */
static int read_fields(const void *data, size_t len, rrd_record_view *v)
{
	rrd_reader rd = { data, len, 0 };
	static const rrd_slice none = { NULL, 0 };
	v->id = v->source = v->owner = v->partner = v->follow_up = v->replaced_by = none;
	v->created_at = v->reassigned_at = RRD_TIME_NONE;
	v->has_location = 0;
	v->lat = v->lon = 0;
	v->attrs.count = v->roles.count = 0;
	v->v1 = 0;
	v->text = 0;
	/* The caller saw a format byte. */
	int bad;
	if (((const unsigned char *)data)[0] == RECORD_FORMAT) {
		bad = read_v2((const unsigned char *)data + 1, (const unsigned char *)data + len, v);
	} else {
		rrd__read_u8(&rd);
		read_v1(&rd, v);
		bad = rd.failed || rd.left;
	}
	if (bad || !v->id.p || !v->id.n || v->id.n > RRD_ID_MAX ||
	    !rrd_kind_name(v->kind) || !rrd_record_status_name(v->status))
		return -1;
	const rrd_slice *all[] = { &v->id, &v->source, &v->owner, &v->partner, &v->follow_up,
				   &v->replaced_by };
	for (size_t i = 0; i < 6; i++)
		count_text(v, all[i]);
	return rrd__id_check_bytes(v->id.p, v->id.n, "record id", RRD_ID_STORED) ? -1 : 0;
}

rrd_status rrd__record_view(const void *data, size_t len, rrd_record_view *v)
{
	const unsigned char *bytes = data;
	if (!len || (bytes[0] != RECORD_FORMAT && bytes[0] != RECORD_FORMAT_V1))
		return rrd__fail(RRD_E_STORE, "stored record has an unknown format");
	if (read_fields(data, len, v))
		return rrd__fail(RRD_E_STORE, "stored record is malformed");
	return RRD_OK;
}

void rrd__view_iter(const rrd_record_view *v, const rrd_view_pairs *l, rrd_view_iter *it)
{
	*it = (rrd_view_iter){ l, v->v1, 0, l->rest };
}

int rrd__view_next(rrd_view_iter *it, rrd_slice *key, rrd_slice *value)
{
	size_t i = it->i;
	if (i >= it->l->count)
		return 0;
	if (i < RRD_VIEW_PAIRS_KEPT) {
		*key = it->l->kept[2 * i];
		*value = it->l->kept[2 * i + 1];
	} else {
		/* Checked when the view was made. */
		read_either(&it->rest, it->v1, key);
		read_either(&it->rest, it->v1, value);
	}
	it->i++;
	return 1;
}

/* Copy s to *at (rrd__text_put), moving it on; NULL for an absent one. */
static inline char *put_text(char **at, const rrd_slice *s)
{
	return s->p ? rrd__text_put(at, s->p, s->n) : NULL;
}

/* The pairs of a list into items[0..count), their strings at *at. */
static void put_pairs(const rrd_record_view *v, const rrd_view_pairs *l, rrd_kv *items,
		      char **at)
{
	size_t kept = l->count < RRD_VIEW_PAIRS_KEPT ? l->count : RRD_VIEW_PAIRS_KEPT;
	for (size_t i = 0; i < kept; i++)
		items[i] = (rrd_kv){ put_text(at, &l->kept[2 * i]), put_text(at, &l->kept[2 * i + 1]) };
	if (l->count == kept)
		return;
	rrd_view_iter it;
	rrd__view_iter(v, l, &it);
	rrd_slice k, val;
	for (size_t i = 0; rrd__view_next(&it, &k, &val); i++)
		if (i >= kept)
			items[i] = (rrd_kv){ put_text(at, &k), put_text(at, &val) };
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

/* The room the record `v` describes takes built. */
static size_t record_size(const rrd_record_view *v)
{
	return sizeof(rrd_record) + (v->attrs.count + v->roles.count) * sizeof(rrd_kv) + v->text;
}

/* The record `v` describes, built in `block` (room for record_size(v)). */
static rrd_record *build(const rrd_record_view *v, void *block)
{
	rrd_record *r = block;
	size_t nattrs = v->attrs.count, nroles = v->roles.count, nkv = nattrs + nroles;
	rrd_kv *items = (rrd_kv *)(void *)(r + 1);
	char *at = (char *)(items + nkv);
	*r = (rrd_record){ .kind = v->kind, .status = v->status, .created_at = v->created_at,
			   .reassigned_at = v->reassigned_at, .has_location = v->has_location,
			   .lat = v->lat, .lon = v->lon, .block_end = at + v->text };
	r->id = put_text(&at, &v->id);
	r->source = put_text(&at, &v->source);
	r->owner = put_text(&at, &v->owner);
	r->partner = put_text(&at, &v->partner);
	r->follow_up = put_text(&at, &v->follow_up);
	r->replaced_by = put_text(&at, &v->replaced_by);
	/* Lent from the block (rrd_kvlist). */
	r->attrs = (rrd_kvlist){ .items = nattrs ? items : NULL, .count = nattrs, .lent = block,
				 .lent_end = r->block_end };
	r->roles = (rrd_kvlist){ .items = nroles ? items + nattrs : NULL, .count = nroles,
				 .lent = block, .lent_end = r->block_end };
	put_pairs(v, &v->attrs, items, &at);
	put_pairs(v, &v->roles, items + nattrs, &at);
	/* A list the record does not hold was never read: only one that is
	 * there says whether it is in order. */
	if (nattrs && !v->attrs.ordered)
		sort_pairs(&r->attrs);
	if (nroles && !v->roles.ordered)
		sort_pairs(&r->roles);
	return r;
}

rrd_status rrd__record_decode(const void *data, size_t len, rrd_record **out)
{
	*out = NULL;
	rrd_record_view v;
	rrd_status rc = rrd__record_view(data, len, &v);
	if (rc)
		return rc;
	void *block = rrd__malloc(record_size(&v));
	if (!block)
		return rrd__nomem();
	*out = build(&v, block);
	return RRD_OK;
}

rrd_status rrd__record_build_arena(const rrd_record_view *v, rrd_arena *arena, rrd_record **out)
{
	*out = NULL;
	void *block = rrd__arena_alloc(arena, record_size(v));
	if (!block)
		return rrd__nomem();
	rrd_record *r = build(v, block);
	r->arena = r->attrs.arena = r->roles.arena = arena;
	*out = r;
	return RRD_OK;
}

rrd_status rrd__record_decode_arena(const void *data, size_t len, rrd_arena *arena,
				    rrd_record **out)
{
	*out = NULL;
	rrd_record_view v;
	rrd_status rc = rrd__record_view(data, len, &v);
	return rc ? rc : rrd__record_build_arena(&v, arena, out);
}

rrd_status rrd__record_decode_in(const void *data, size_t len, rrd_buf *room, rrd_record **out)
{
	*out = NULL;
	rrd_record_view v;
	rrd_status rc = rrd__record_view(data, len, &v);
	if (rc)
		return rc;
	room->len = 0;
	room->failed = 0;
	void *block = rrd__buf_room(room, record_size(&v));
	if (!block)
		return rrd__nomem();
	*out = build(&v, block);
	return RRD_OK;
}
