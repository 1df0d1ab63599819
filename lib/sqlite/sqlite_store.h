/*
 * The SQLite store: one SQLite connection behind the storage interface.
 * It is a serial store (rrdist/sys/store.h): a write transaction holds
 * the database's write lock from begin (BEGIN IMMEDIATE) to its end, and
 * the generation is a number the handle keeps in memory, moved by its
 * own commits and by SQLite's data version (txn.c).
 *
 * What reaches SQL from outside (keys, values, names, owners) is only
 * ever bound as a parameter; every statement's text is a constant here.
 */
#ifndef RRD_SQLITE_SQLITE_STORE_H
#define RRD_SQLITE_SQLITE_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "rrdist/store.h"
#include "rrdist/sys/store.h"

/* The statements a handle prepares once and keeps. */
typedef enum rrd_sq_stmt {
	RRD_SQ_BEGIN_WRITE,
	RRD_SQ_BEGIN_READ,
	RRD_SQ_COMMIT,
	RRD_SQ_ROLLBACK,
	RRD_SQ_SNAPSHOT,
	RRD_SQ_GET,
	RRD_SQ_HAS,
	RRD_SQ_PUT,
	RRD_SQ_PUT_ROWS, /* RRD_SQ_PUT_ROWS_N rows in one statement */
	RRD_SQ_ADD,      /* as RRD_SQ_PUT, failing when the key is taken */
	RRD_SQ_ADD_ROWS,
	RRD_SQ_DEL,
	RRD_SQ_SCAN_ALL,
	RRD_SQ_SCAN_FROM,
	RRD_SQ_SCAN_RANGE,
	RRD_SQ_TIMER_SET,
	RRD_SQ_TIMER_CLEAR,
	RRD_SQ_TIMER_NEXT,
	RRD_SQ_TIMER_FIRST,
	RRD_SQ_LOCK_TAKE,
	RRD_SQ_LOCK_RELEASE,
	RRD_SQ_STMT_COUNT
} rrd_sq_stmt;

typedef struct rrd_sqlite {
	sqlite3 *db;
	/* Recursive: begin takes it and keeps it until commit or rollback,
	 * so the distributors sharing the handle take turns a transaction
	 * at a time, and every callback takes it again around itself, so a
	 * call from another thread outside a transaction waits its turn. */
	pthread_mutex_t mu;
	int in_txn;    /* begin succeeded; commit or rollback has not ended it */
	int read_only; /* ... and it was begun RRD_TXN_READ_ONLY */
	unsigned busy_ms;
	/* The generation begin reports, and SQLite's data version of the
	 * file when the handle last looked: one that moved since means
	 * another connection committed (txn.c). */
	uint64_t generation;
	unsigned int data_version;
	char *path;
	sqlite3_stmt *stmt[RRD_SQ_STMT_COUNT];
	/* What get, get_many and scan hand out, kept until the next call. */
	unsigned char *out;
	size_t out_cap;
	size_t *offsets; /* get_many: where each value starts in `out` */
	size_t offsets_cap;
	/* A prefix scan's upper bound: the prefix's successor. */
	unsigned char *bound;
	size_t bound_cap;
} rrd_sqlite;

/* The namespaces the store accepts: those of rrd_store_ns and room for
 * more, as the memory store has. */
#define RRD_SQ_NS_MAX 16
/* Rows of one RRD_SQ_PUT_ROWS statement: put_many writes that many at a
 * time, each statement's own cost (bind, step, reset) shared by all. */
#define RRD_SQ_PUT_ROWS_N 16

static inline void rrd__sq_enter(rrd_sqlite *s)
{
	pthread_mutex_lock(&s->mu);
}

static inline void rrd__sq_leave(rrd_sqlite *s)
{
	pthread_mutex_unlock(&s->mu);
}

/* statements.c: the prepared statements and SQLite's failures. */

/* The statement `id`, prepared on first use and kept; NULL on failure,
 * with *rc set. A statement is always reset after use. */
sqlite3_stmt *rrd__sq_stmt(rrd_sqlite *s, rrd_sq_stmt id, rrd_status *rc);
void rrd__sq_stmt_free_all(rrd_sqlite *s);
/* The status for SQLite's result `rc` while doing `what`, with SQLite's
 * message: RRD_E_RETRY for a lock held by another connection past the
 * busy timeout, RRD_E_NOMEM, RRD_E_INVALID for a file that is not a
 * database, else RRD_E_STORE. */
rrd_status rrd__sq_fail(rrd_sqlite *s, int rc, const char *what);
/* Step `st` (bound already) to its end and reset it: RRD_OK or a failure. */
rrd_status rrd__sq_exec(rrd_sqlite *s, sqlite3_stmt *st, const char *what);
/* Run the statement `id`, which takes no parameters. */
rrd_status rrd__sq_run(rrd_sqlite *s, rrd_sq_stmt id, const char *what);
/* Run SQL that is run once and kept nowhere (setting up, the tables). */
rrd_status rrd__sq_run_text(rrd_sqlite *s, const char *text, const char *what);
/* The first column of the row that such SQL selects, as a number and as
 * text (cut to fit); found is 0 when it selects nothing. */
typedef struct rrd_sq_cell {
	int found;
	int64_t num;
	char text[16];
} rrd_sq_cell;
rrd_status rrd__sq_query_cell(rrd_sqlite *s, const char *text, const char *what,
			      rrd_sq_cell *cell);
/* Bind a key (or a name or owner), its bytes without the NUL, as a blob. */
int rrd__sq_bind_key(sqlite3_stmt *st, int col, const char *key);

/* Checks every callback makes. */
rrd_status rrd__sq_check_ns(int ns);
/* A write needs an open transaction that was not begun read-only. */
rrd_status rrd__sq_check_writable(const rrd_sqlite *s);
/* A key written: 1 to RRD_STORE_KEY_MAX bytes. Its length in *len. */
rrd_status rrd__sq_check_key(const char *key, size_t *len);

/* values.c: the buffers values are handed out of. */

/* Make room for `n` bytes in s->out from `at`; RRD_OK or RRD_E_NOMEM. */
rrd_status rrd__sq_out_reserve(rrd_sqlite *s, size_t at, size_t n);
/* Copy column `col` of the current row into s->out at `at`; its length. */
rrd_status rrd__sq_out_column(rrd_sqlite *s, sqlite3_stmt *st, int col, size_t at,
			      size_t *len);
/* The value of `len` bytes at `at` in s->out, never NULL. */
const void *rrd__sq_out_at(const rrd_sqlite *s, size_t at, size_t len);

/* schema.c: the tables, their version and the migrations. */

/* The version of the file's tables (0: none yet), read in a transaction
 * of its own; tables newer than this library's are refused. */
rrd_status rrd__sq_schema_check(rrd_sqlite *s, int64_t *version);
/* Make the tables, or upgrade those of an older version, in one
 * transaction; nothing to do when they are of this library's version. */
rrd_status rrd__sq_schema_upgrade(rrd_sqlite *s, int64_t version);

/* txn.c: the generation. */

/* In a transaction whose snapshot is taken: move the generation when
 * the file's data version moved since the handle noted it, and note it. */
void rrd__sq_look(rrd_sqlite *s);
/* Note the data version, which the handle's own change just moved. */
void rrd__sq_note(rrd_sqlite *s);
/* End what SQLite still holds open of a transaction, if anything. */
void rrd__sq_roll_back_open(rrd_sqlite *s);

/* The callbacks, by file. */
int rrd__sq_begin(void *self, unsigned int flags, uint64_t *generation);
int rrd__sq_commit(void *self);
int rrd__sq_rollback(void *self);
int rrd__sq_get(void *self, int ns, const char *key, const void **value, size_t *len,
		int64_t *order);
int rrd__sq_put(void *self, int ns, const char *key, const void *value, size_t len,
		int64_t order);
int rrd__sq_del(void *self, int ns, const char *key);
int rrd__sq_scan(void *self, int ns, const char *prefix, rrd_store_each_fn each, void *ctx);
int rrd__sq_put_many(void *self, int ns, size_t n, const char *const *keys,
		     const void *const *values, const size_t *lens, const int64_t *orders);
int rrd__sq_add_many(void *self, int ns, size_t n, const char *const *keys,
		     const void *const *values, const size_t *lens, const int64_t *orders);
int rrd__sq_has_many(void *self, int ns, size_t n, const char *const *keys,
		     unsigned char *present);
int rrd__sq_get_many(void *self, size_t n, const int *ns, const char *const *keys,
		     const void **values, size_t *lens, int64_t *orders, unsigned char *found);
int rrd__sq_del_many(void *self, int ns, size_t n, const char *const *keys);
int rrd__sq_timer_set(void *self, const char *key, rrd_time due, int64_t seq);
int rrd__sq_timer_clear(void *self, const char *key);
int rrd__sq_timer_next(void *self, rrd_time *due);
int rrd__sq_timer_pop(void *self, rrd_time now, char *key, size_t cap, rrd_time *due);
int rrd__sq_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			 rrd_time expires);
int rrd__sq_lock_release(void *self, const char *name, const char *owner);

#endif
