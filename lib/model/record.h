/* The record value object's layout and its compact stored form. */
#ifndef RRD_MODEL_RECORD_H
#define RRD_MODEL_RECORD_H

#include "model/rule.h"
#include "rrdist/record.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/bytes.h"

/* Sorted by key, so iteration and encoding are deterministic. A list read
 * from a store lies in its record's own block: its items are lent (cap 0,
 * items not NULL) until rrd__kvlist_set gives it an array of its own, and
 * the strings in [lent, lent_end) are never freed here. A list with an
 * arena takes what it gains from there, and frees nothing. */
typedef struct rrd_kvlist {
	rrd_kv *items;
	size_t count;
	size_t cap;
	const char *lent, *lent_end;
	rrd_arena *arena;
} rrd_kvlist;

struct rrd_record {
	/* The id, and the source when the record was made as a copy, live in
	 * the record's own allocation: a record copied for routing costs one
	 * allocation, not three. A record read from a store has every string
	 * and its lists there too. A string in the block (from the record up
	 * to block_end) is never freed on its own: rrd__record_release. Each
	 * comes after a byte holding its length (rrd__text_len). */
	char *id;
	char *block_end;
	rrd_kind kind;
	char *source;
	rrd_kvlist attrs;
	int has_location;
	double lat, lon;
	rrd_record_status status;
	char *owner;
	rrd_kvlist roles;
	char *partner;
	char *follow_up;
	char *replaced_by;
	rrd_time created_at;
	rrd_time reassigned_at;
	/* Not NULL: the record lives in this arena, with everything it holds
	 * and gains (rrd__record_decode_arena); nothing of it is freed
	 * alone, and rrd_record_free leaves it be. */
	rrd_arena *arena;
};

/* A string in a record's block comes after a byte holding its length,
 * or RRD_TEXT_LONG for one that long or longer: writing a record out,
 * which every commit of a changed record does, measures none of those.
 * The length of s, which lies in the block [lo, hi) or elsewhere. */
#define RRD_TEXT_LONG 255
static inline size_t rrd__text_len(const void *lo, const void *hi, const char *s)
{
	if ((const void *)s > lo && (const void *)s < hi && (unsigned char)s[-1] != RRD_TEXT_LONG)
		return (unsigned char)s[-1];
	return strlen(s);
}
/* The length of r's id, which its block holds. */
static inline size_t rrd__record_id_len(const rrd_record *r)
{
	return rrd__text_len(r, r->block_end, r->id);
}
/* Put s (n bytes) into a block at *at, after its length byte and with a
 * NUL after it, moving *at on; the copy of s. */
static inline char *rrd__text_put(char **at, const char *s, size_t n)
{
	char *to = *at;
	*to++ = (char)(unsigned char)(n < RRD_TEXT_LONG ? n : RRD_TEXT_LONG);
	rrd__copy_short(to, s, n);
	to[n] = '\0';
	*at = to + n + 1;
	return to;
}

const char *rrd__kvlist_get(const rrd_kvlist *l, const char *key);
/* value NULL removes. RRD_OK or RRD_E_NOMEM (unchanged). */
rrd_status rrd__kvlist_set(rrd_kvlist *l, const char *key, const char *value);
/* The same on a list in an arena, which frees nothing it holds, with key
 * and value not copied: the caller lends them for as long as the list
 * lives. */
rrd_status rrd__kvlist_set_lent(rrd_kvlist *l, const char *key, const char *value);
void rrd__kvlist_clear(rrd_kvlist *l);

/* Let go of a string field's value `s` (before it is replaced): freed,
 * unless it lies in the record's own block or its arena. */
void rrd__record_release(rrd_record *r, char *s);
/* A copy of s for one of r's fields: in r's arena when it has one.
 * NULL when out of memory. */
char *rrd__record_strdup(rrd_record *r, const char *s);
rrd_status rrd__record_set_replaced_by(rrd_record *r, const char *id);
/* A blank record (status new, no times) whose id and source (NULL: none)
 * are copied into its own block; lengths exclude any NUL. Nothing is
 * checked: callers pass a valid id. RRD_OK or RRD_E_NOMEM. */
rrd_status rrd__record_alloc(rrd_record **out, const char *id, size_t nid, rrd_kind kind,
			     const char *source, size_t nsrc);
/* A new record named `id` with the host's fields of `r` (kind, source,
 * attributes, location) and none of its distribution state. `id` is
 * checked unless it is r->id itself. */
rrd_status rrd__record_new_from(rrd_record **out, const char *id, const rrd_record *r);

/* Whether a record may be imported as it is (a scenario's `records`,
 * rrd_distributor_put_record): its status and owner must agree, else it
 * would be stuck. A pending or claimed record has an owner; a new or
 * queued one has none; an offered one cannot be imported, since its
 * offer cannot come with it. RRD_OK, or RRD_E_INVALID saying which. */
rrd_status rrd__record_check_import(const rrd_record *r);

/* ---- records as they lie in a store's bytes (record_codec.c) ---- */

/* A string where it lies in the bytes: n bytes at p, no NUL among them
 * and none after. p NULL: absent. */
typedef struct rrd_slice {
	const char *p;
	size_t n;
} rrd_slice;

/* How s compares with the nb bytes at b, as strcmp would (<0, 0, >0).
 * Inline, as are the others here: a job's selection compares a few
 * slices of every record it looks at, and most differ at once. */
static inline int rrd__slice_cmp(rrd_slice s, const char *b, size_t nb)
{
	if (s.n && nb && s.p[0] != b[0])
		return (unsigned char)s.p[0] < (unsigned char)b[0] ? -1 : 1;
	int c = memcmp(s.p, b, s.n < nb ? s.n : nb);
	return c ? c : (s.n > nb) - (s.n < nb);
}
/* Whether s holds the string str (neither absent). */
static inline int rrd__slice_is(rrd_slice s, const char *str)
{
	if (!s.p || !str)
		return 0;
	/* s holds no NUL: a shorter str differs at its NUL, and nothing
	 * past that is read. */
	for (size_t i = 0; i < s.n; i++)
		if (str[i] != s.p[i])
			return 0;
	return str[s.n] == '\0';
}

/* The first pairs of a list are kept where they were found, so that
 * copying them reads the bytes no second time; the rest are read again
 * from where these end. */
#define RRD_VIEW_PAIRS_KEPT 8

typedef struct rrd_view_pairs {
	size_t count;
	/* Each key after the one before, as the encoder writes them: a
	 * built record's list is the pairs as they are. Otherwise it is
	 * sorted, the later of two equal keys winning. */
	int ordered;
	rrd_slice kept[2 * RRD_VIEW_PAIRS_KEPT];
	rrd_reader rest;   /* the pairs after the kept ones */
} rrd_view_pairs;

/* A stored record's fields as they lie in its bytes, checked as
 * rrd__record_decode checks them but not copied: for a reader that looks
 * at many records and keeps few (a redistribution's selection). It lives
 * as long as the bytes. */
typedef struct rrd_record_view {
	rrd_slice id, source, owner, partner, follow_up, replaced_by;
	rrd_kind kind;
	rrd_record_status status;
	rrd_time created_at, reassigned_at;
	int has_location;
	double lat, lon;
	rrd_view_pairs attrs, roles;
	int v1;            /* format 1: strings have 8-byte lengths */
	size_t text;       /* room for every string in a block (rrd__text_put) */
} rrd_record_view;

/* RRD_OK, or RRD_E_STORE for bytes that are not a record. */
rrd_status rrd__record_view(const void *data, size_t len, rrd_record_view *v);

/* The pairs of a view's list, one after another (rrd__view_next), as they
 * lie: when the list is not `ordered`, a key may come twice. */
typedef struct rrd_view_iter {
	const rrd_view_pairs *l;
	int v1;
	size_t i;
	rrd_reader rest;
} rrd_view_iter;
void rrd__view_iter(const rrd_record_view *v, const rrd_view_pairs *l, rrd_view_iter *it);
/* The next pair into *key and *value; 0 when there is none left. */
int rrd__view_next(rrd_view_iter *it, rrd_slice *key, rrd_slice *value);

/* The record v describes, built in `arena` (rrd__record_decode_arena). */
rrd_status rrd__record_build_arena(const rrd_record_view *v, rrd_arena *arena, rrd_record **out);

/* The form records take in a store. */
void rrd__record_encode(const rrd_record *r, rrd_buf *out);
/* RRD_OK, RRD_E_NOMEM, or RRD_E_STORE for bytes that are not a record. */
rrd_status rrd__record_decode(const void *data, size_t len, rrd_record **out);
/* The same, built in `room` (grown as needed) rather than allocated: for
 * a reader that looks at many records one after another. The record lives
 * until `room` is used again; it must not be freed or changed. */
rrd_status rrd__record_decode_in(const void *data, size_t len, rrd_buf *room, rrd_record **out);
/* The same, built in `arena` with everything it gains later: for a batch
 * of records that go away together. */
rrd_status rrd__record_decode_arena(const void *data, size_t len, rrd_arena *arena,
				    rrd_record **out);

#endif
