/*
 * The PostgreSQL store: a concurrent store (rrdist/sys/store.h) on one
 * libpq connection, in pipeline mode.
 *
 * Transactions run at REPEATABLE READ, which gives each a snapshot and
 * refuses, with a serialization failure, a write to a row another
 * transaction changed since: the first committer wins, as the interface
 * asks. No row is locked by a read; a write takes its row's lock, and
 * every write is sent without waiting for its answer, just before the
 * COMMIT that follows it in the same round trip. So a row lock is held
 * from the write to the commit, and nothing is computed meanwhile.
 *
 * Round trips: BEGIN goes with the first read (one round trip), the
 * writes with COMMIT (one more). A read-only transaction's rollback is
 * sent without waiting; its answer is read before the next pipeline's.
 */
#ifndef RRD_PG_PG_H
#define RRD_PG_PG_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "rrdist/store.h"
#include "rrdist/sys/store.h"

/* The prepared statements, by number. */
enum {
	PG_BEGIN_RW,
	PG_BEGIN_RO,
	PG_COMMIT,
	PG_ROLLBACK,
	PG_GET,
	PG_GET_MANY,
	PG_HAS_MANY,
	PG_PUT_ROWS,
	PG_ADD_ROWS,
	PG_DEL,
	PG_DEL_MANY,
	PG_SCAN,
	PG_SCAN_FROM,
	PG_TIMER_SET,
	PG_TIMER_CLEAR,
	PG_TIMER_NEXT,
	PG_TIMER_POP,
	PG_LOCK_ACQUIRE,
	PG_LOCK_RELEASE,
	PG_WRITER_LOCK,
	PG_ALONE_LOCK,
	PG_HOT_LOCK,
	PG_UNLOCK_ALL,
	PG_NSTATEMENTS
};

/* Bound parameters, all sent in binary. */
#define PG_PARAMS_MAX 5
typedef struct pg_params {
	int n;
	const char *values[PG_PARAMS_MAX];
	int lengths[PG_PARAMS_MAX];
	int formats[PG_PARAMS_MAX];
	char ints[PG_PARAMS_MAX][8]; /* big-endian integers, pointed to by values */
} pg_params;

/* A growable byte buffer, for array parameters. */
typedef struct pg_bytes {
	char *data;
	size_t len, cap;
	int failed;
} pg_bytes;

/* Keys a handle remembers having lost races on (hot.c), and single
 * writes of one transaction it notes. */
#define PG_HOT_MAX 32
#define PG_WROTE_MAX 16
/* Pipelines a handle leaves unread at most: a transaction's locks and
 * their release, a read-only rollback. */
#define PG_STALE_MAX 4

/* A put not sent yet (pending.c), or a delete: its key (and value) in
 * the bytes. */
typedef struct pg_put {
	int ns;
	int64_t order;
	size_t key, klen, value, vlen;
} pg_put;

/* What waits in a pg_pending: puts, adds (rows that must be new) or
 * deletes. */
typedef enum pg_hold { PG_HOLD_PUTS, PG_HOLD_ADDS, PG_HOLD_DELS } pg_hold;

typedef struct pg_pending {
	pg_bytes bytes;
	pg_put *puts;        /* or, when PG_HOLD_DELS, keys of del_ns to delete */
	size_t n, cap;
	pg_hold kind;        /* of all that wait */
	int del_ns;
	unsigned char *keep; /* which are sent: the last of each row */
	size_t keep_cap;
	size_t *sorted;
	size_t sorted_cap;
	pg_bytes arrays[4];  /* the statement's parameters */
} pg_pending;

typedef struct pgstore {
	pthread_mutex_t mu;     /* held from begin to commit or rollback */
	PGconn *conn;
	char *conninfo;
	char *schema_name;      /* as the host gave it */
	char *schema;           /* quoted identifier; NULL until connected */
	int lock_timeout_ms;
	int in_txn;
	int read_only;
	int began;              /* BEGIN was sent */
	int alone;              /* RRD_TXN_EXCLUSIVE */
	size_t queued;          /* commands sent since the last sync */
	size_t stale[PG_STALE_MAX]; /* pipelines ended unread: their commands */
	size_t nstale;
	int broken;             /* the connection is lost: reconnect at begin */
	uint64_t round_trips;   /* syncs waited for, for tests to count */
	PGresult *held;         /* what handed-out values point into */
	pg_bytes arrays[4];     /* array parameters of the call */
	pg_pending pending;     /* writes not sent yet (pending.c) */
	int64_t hot[PG_HOT_MAX]; /* lock ids of keys that lost races lately */
	size_t nhot, hot_next;
	int64_t wrote[PG_WROTE_MAX]; /* lock ids of this transaction's puts */
	size_t nwrote;
	int64_t turns[PG_HOT_MAX]; /* hot keys to queue for before BEGIN */
	size_t nturns;
	int locked;             /* advisory locks taken for this transaction */
} pgstore;

/* ---- the connection and its pipeline (conn.c) ---------------------- */

/* Connect, prepare every statement, enter pipeline mode. RRD_OK, or
 * RRD_E_STORE with libpq's message. */
int rrd__pg_connect(pgstore *s);
/* Fail with `status` and libpq's `message`, trimmed, after `what`. */
int rrd__pg_fail(int status, const char *what, const char *message);
/* Send statement `stmt`. Nothing is read. */
int rrd__pg_send(pgstore *s, int stmt, const pg_params *p);
/* In a transaction: send BEGIN first if not yet sent. */
int rrd__pg_begin_sent(pgstore *s);
/* Sync, and read the answers to everything sent since the last sync.
 * The last command's result goes to *last (the caller clears it) when
 * `last` is not NULL. The first error decides the status: RRD_E_RETRY
 * for a lost race (serialization failure, deadlock, lock timeout),
 * RRD_E_STORE otherwise, with the server's message. */
int rrd__pg_sync(pgstore *s, PGresult **last);
/* Sync without reading: the answers are read before the next sync's.
 * At most PG_STALE_MAX pipelines stay unread. */
int rrd__pg_sync_later(pgstore *s);
/* A statement whose answer is needed: begin if in a transaction, send,
 * sync, and the result in *out (kept in s->held, which it replaces). */
int rrd__pg_ask(pgstore *s, int stmt, const pg_params *p, PGresult **out);
/* A write: sent, its answer read with the next sync. Many unread
 * answers are read at once now and then, so that neither side's buffers
 * fill up. */
int rrd__pg_write(pgstore *s, int stmt, const pg_params *p);
/* Send the writes that wait (rrd__pg_pending_send), then read the
 * answers at once if many are unread, as rrd__pg_write does. */
int rrd__pg_flush_writes(pgstore *s);
/* Rows a command changed. */
long rrd__pg_changed(PGresult *r);

/* ---- writes that wait (pending.c) ---------------------------------- */

/* Hold a put (its bytes copied) until something else is sent; sent now
 * when many wait. In a write transaction whose BEGIN was sent. */
int rrd__pg_pending_put(pgstore *s, int ns, const char *key, size_t klen, const void *value,
			size_t vlen, int64_t order);
/* Hold an add likewise: adds in a row go out as one statement of their
 * own, which fails with RRD_E_EXISTS when a key is taken. */
int rrd__pg_pending_add(pgstore *s, int ns, const char *key, size_t klen, const void *value,
			size_t vlen, int64_t order);
/* Hold a delete (a key of `ns`, copied) likewise: deletes of one
 * namespace in a row go out as one statement. */
int rrd__pg_pending_del(pgstore *s, int ns, const char *key, size_t klen);
/* Send what waits as one statement (rrd__pg_send does, before any
 * other statement, and a sync). Its answer comes with the next sync. */
int rrd__pg_pending_send(pgstore *s);
/* Forget them: the transaction rolls back. */
void rrd__pg_pending_drop(pgstore *s);
void rrd__pg_pending_free(pgstore *s);

/* ---- parameters and results (params.c) ------------------------------ */

void rrd__pg_params_init(pg_params *p);
void rrd__pg_param_int(pg_params *p, int64_t v);
void rrd__pg_param_bytes(pg_params *p, const void *data, size_t len);
/* Arrays, built in s->arrays[slot]: each element's bytes and length. */
void rrd__pg_array_begin(pg_bytes *b, uint32_t oid, size_t n);
void rrd__pg_array_item(pg_bytes *b, const void *data, size_t len);
void rrd__pg_array_int2(pg_bytes *b, int v);
void rrd__pg_array_int8(pg_bytes *b, int64_t v);
/* The array as a parameter; RRD_E_NOMEM when building it ran out. */
int rrd__pg_param_array(pg_params *p, pg_bytes *b);
/* A binary int8, int4 or int2 column of row `row`. */
int64_t rrd__pg_int(PGresult *r, int row, int col);
#define PG_OID_BYTEA 17
#define PG_OID_INT8 20
#define PG_OID_INT2 21

/* ---- the schema (schema.c) ------------------------------------------ */

/* Create the tables, or bring an older schema up to date; refuse a newer
 * one with RRD_E_VERSION. Before pipeline mode, in one transaction. */
int rrd__pg_schema(pgstore *s);
/* The statements' text, with the schema's name. */
char *rrd__pg_sql(const pgstore *s, int stmt);

/* ---- the table of callbacks (entries.c, timers.c) ------------------- */

int rrd__pg_get(void *self, int ns, const char *key, const void **value, size_t *len,
		int64_t *order);
int rrd__pg_get_many(void *self, size_t n, const int *ns, const char *const *keys,
		     const void **values, size_t *lens, int64_t *orders, unsigned char *found);
int rrd__pg_has_many(void *self, int ns, size_t n, const char *const *keys,
		     unsigned char *present);
int rrd__pg_put(void *self, int ns, const char *key, const void *value, size_t len,
		int64_t order);
int rrd__pg_put_many(void *self, int ns, size_t n, const char *const *keys,
		     const void *const *values, const size_t *lens, const int64_t *orders);
int rrd__pg_add_many(void *self, int ns, size_t n, const char *const *keys,
		     const void *const *values, const size_t *lens, const int64_t *orders);
int rrd__pg_del(void *self, int ns, const char *key);
int rrd__pg_del_many(void *self, int ns, size_t n, const char *const *keys);
int rrd__pg_scan(void *self, int ns, const char *prefix, rrd_store_each_fn each, void *ctx);
int rrd__pg_timer_set(void *self, const char *key, rrd_time due, int64_t seq);
int rrd__pg_timer_clear(void *self, const char *key);
int rrd__pg_timer_next(void *self, rrd_time *due);
int rrd__pg_timer_pop(void *self, rrd_time now, char *key, size_t cap, rrd_time *due);
int rrd__pg_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			 rrd_time expires);
int rrd__pg_lock_release(void *self, const char *name, const char *owner);

/* ---- keys that lose races (hot.c) ---------------------------------- */

/* Note a key this transaction writes. */
void rrd__pg_hot_wrote(pgstore *s, int ns, const char *key);
/* This transaction lost a race: the keys it wrote are hot. */
void rrd__pg_hot_lost(pgstore *s);
/* Before a write transaction's first read of these keys (namespaces in
 * `ns`, or all `one_ns` when it is NULL): note the hot ones. */
void rrd__pg_hot_want(pgstore *s, size_t n, const int *ns, const char *const *keys, int one_ns);
/* Before a write transaction's BEGIN: take the store's lock alone for
 * RRD_TXN_EXCLUSIVE, and the noted keys' turns. */
int rrd__pg_locks_take(pgstore *s);
/* Just after a write transaction's BEGIN (but one that runs alone):
 * share the store's lock until its end. */
int rrd__pg_writer_share(pgstore *s);
/* At the transaction's end: give them back. */
void rrd__pg_locks_give(pgstore *s);

/* Refuse a call outside a transaction, or a write in a read-only one. */
int rrd__pg_need_txn(pgstore *s, int write);

#endif
