/* The record value object's layout and its compact stored form. */
#ifndef RRD_MODEL_RECORD_H
#define RRD_MODEL_RECORD_H

#include "model/rule.h"
#include "rrdist/record.h"
#include "util/arena.h"
#include "util/buf.h"

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
	 * to block_end) is never freed on its own: rrd__record_release. */
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

const char *rrd__kvlist_get(const rrd_kvlist *l, const char *key);
/* value NULL removes. RRD_OK or RRD_E_NOMEM (unchanged). */
rrd_status rrd__kvlist_set(rrd_kvlist *l, const char *key, const char *value);
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
