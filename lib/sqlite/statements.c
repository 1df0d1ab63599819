/* The statements a SQLite store handle prepares once and keeps, the
 * checks every callback makes, and how SQLite's failures are reported. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sqlite/sqlite_store.h"
#include "util/error.h"

/* RRD_SQ_PUT_ROWS_N rows of four parameters. VALUES inserts its rows in
 * order, so a key given twice keeps its last value, as put_many must. */
#define PUT_ROW4 "(?, ?, ?, ?)"
#define PUT_ROWS                                                                           \
	PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 ","     \
		PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 \
		"," PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4 "," PUT_ROW4
_Static_assert(RRD_SQ_PUT_ROWS_N == 16, "PUT_ROWS spells out RRD_SQ_PUT_ROWS_N rows");

/* An add inserts; a put is the same insert, replacing what is there. */
#define ADD_ONE "INSERT INTO rrd_entry(ns, key, value, ord) VALUES (?1, ?2, ?3, ?4)"
#define ADD_ROWS "INSERT INTO rrd_entry(ns, key, value, ord) VALUES " PUT_ROWS
#define REPLACE "ON CONFLICT(ns, key) DO UPDATE SET value = excluded.value, ord = excluded.ord"

/* Keys, values, names and owners are blobs and always parameters; a
 * prefix is matched by a range of keys, compared as bytes (memcmp),
 * never with LIKE. */
static const char *const sql[RRD_SQ_STMT_COUNT] = {
	[RRD_SQ_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[RRD_SQ_BEGIN_READ] = "BEGIN",
	[RRD_SQ_COMMIT] = "COMMIT",
	[RRD_SQ_ROLLBACK] = "ROLLBACK",
	/* Reads a table, so a deferred transaction takes its snapshot. */
	[RRD_SQ_SNAPSHOT] = "SELECT 1 FROM rrd_store_info LIMIT 0",
	[RRD_SQ_GET] = "SELECT value, ord FROM rrd_entry WHERE ns = ?1 AND key = ?2",
	[RRD_SQ_HAS] = "SELECT 1 FROM rrd_entry WHERE ns = ?1 AND key = ?2",
	[RRD_SQ_PUT] = ADD_ONE " " REPLACE,
	[RRD_SQ_PUT_ROWS] = ADD_ROWS " " REPLACE,
	/* No ON CONFLICT: a key taken fails the statement with
	 * SQLITE_CONSTRAINT_PRIMARYKEY, and SQLite undoes that statement. */
	[RRD_SQ_ADD] = ADD_ONE,
	[RRD_SQ_ADD_ROWS] = ADD_ROWS,
	[RRD_SQ_DEL] = "DELETE FROM rrd_entry WHERE ns = ?1 AND key = ?2",
	[RRD_SQ_SCAN_ALL] = "SELECT key, value, ord FROM rrd_entry WHERE ns = ?1 "
			    "ORDER BY ord, key",
	[RRD_SQ_SCAN_FROM] = "SELECT key, value, ord FROM rrd_entry WHERE ns = ?1 "
			     "AND key >= ?2 ORDER BY ord, key",
	[RRD_SQ_SCAN_RANGE] = "SELECT key, value, ord FROM rrd_entry WHERE ns = ?1 "
			      "AND key >= ?2 AND key < ?3 ORDER BY ord, key",
	[RRD_SQ_TIMER_SET] = "INSERT INTO rrd_timer(key, due, seq) VALUES (?1, ?2, ?3) "
			     "ON CONFLICT(key) DO UPDATE SET due = excluded.due, seq = excluded.seq",
	[RRD_SQ_TIMER_CLEAR] = "DELETE FROM rrd_timer WHERE key = ?1",
	[RRD_SQ_TIMER_NEXT] = "SELECT min(due) FROM rrd_timer",
	[RRD_SQ_TIMER_FIRST] = "SELECT key, due FROM rrd_timer WHERE due <= ?1 "
			       "ORDER BY due, seq, key LIMIT 1",
	/* Taken when free, held by the same owner, or its lease ended
	 * (?3 is now); otherwise nothing changes. */
	[RRD_SQ_LOCK_TAKE] = "INSERT INTO rrd_lock(name, owner, expires) VALUES (?1, ?2, ?4) "
			     "ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, "
			     "expires = excluded.expires "
			     "WHERE rrd_lock.owner = excluded.owner OR rrd_lock.expires <= ?3",
	[RRD_SQ_LOCK_RELEASE] = "DELETE FROM rrd_lock WHERE name = ?1 AND owner = ?2",
};

sqlite3_stmt *rrd__sq_stmt(rrd_sqlite *s, rrd_sq_stmt id, rrd_status *rc)
{
	if (s->stmt[id])
		return s->stmt[id];
	int src = sqlite3_prepare_v3(s->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
				     NULL);
	if (src != SQLITE_OK) {
		*rc = rrd__sq_fail(s, src, "preparing a statement");
		s->stmt[id] = NULL;
	}
	return s->stmt[id];
}

void rrd__sq_stmt_free_all(rrd_sqlite *s)
{
	for (int i = 0; i < RRD_SQ_STMT_COUNT; i++) {
		sqlite3_finalize(s->stmt[i]);
		s->stmt[i] = NULL;
	}
}

rrd_status rrd__sq_fail(rrd_sqlite *s, int rc, const char *what)
{
	const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return rrd__fail(RRD_E_RETRY,
				 "sqlite store: %s: another connection held the database "
				 "longer than the busy timeout of %u ms (%s)",
				 what, s->busy_ms, msg);
	case SQLITE_NOMEM:
		return rrd__nomem();
	case SQLITE_CONSTRAINT:
		/* Only an add (no ON CONFLICT) can meet a key taken. */
		if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return rrd__fail(RRD_E_EXISTS, "sqlite store: %s: a key is taken (%s)",
					 what, msg);
		return rrd__fail(RRD_E_STORE, "sqlite store: %s: %s", what, msg);
	case SQLITE_NOTADB:
		/* Found when the file is first read, as it is opened. */
		return rrd__fail(RRD_E_INVALID, "sqlite store: \"%s\" is not a SQLite database",
				 s->path);
	default:
		return rrd__fail(RRD_E_STORE, "sqlite store: %s: %s", what, msg);
	}
}

rrd_status rrd__sq_exec(rrd_sqlite *s, sqlite3_stmt *st, const char *what)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	/* The message belongs to this failure only until the next call. */
	rrd_status status = rc == SQLITE_DONE ? RRD_OK : rrd__sq_fail(s, rc, what);
	sqlite3_reset(st);
	return status;
}

rrd_status rrd__sq_run(rrd_sqlite *s, rrd_sq_stmt id, const char *what)
{
	rrd_status rc = RRD_OK;
	sqlite3_stmt *st = rrd__sq_stmt(s, id, &rc);
	return st ? rrd__sq_exec(s, st, what) : rc;
}

rrd_status rrd__sq_run_text(rrd_sqlite *s, const char *text, const char *what)
{
	int rc = sqlite3_exec(s->db, text, NULL, NULL, NULL);
	return rc == SQLITE_OK ? RRD_OK : rrd__sq_fail(s, rc, what);
}

rrd_status rrd__sq_query_cell(rrd_sqlite *s, const char *text, const char *what,
			      rrd_sq_cell *cell)
{
	memset(cell, 0, sizeof *cell);
	sqlite3_stmt *st;
	int src = sqlite3_prepare_v2(s->db, text, -1, &st, NULL);
	if (src != SQLITE_OK)
		return rrd__sq_fail(s, src, what);
	src = sqlite3_step(st);
	rrd_status rc = RRD_OK;
	if (src == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		cell->found = 1;
		cell->num = sqlite3_column_int64(st, 0);
		snprintf(cell->text, sizeof cell->text, "%s", t ? (const char *)t : "");
	} else if (src != SQLITE_DONE) {
		rc = rrd__sq_fail(s, src, what);
	}
	sqlite3_finalize(st);
	return rc;
}

int rrd__sq_bind_key(sqlite3_stmt *st, int col, const char *key)
{
	size_t n = strlen(key);
	return sqlite3_bind_blob(st, col, key, n > INT_MAX ? INT_MAX : (int)n, SQLITE_STATIC);
}

rrd_status rrd__sq_check_ns(int ns)
{
	if (ns <= 0 || ns >= RRD_SQ_NS_MAX)
		return rrd__fail(RRD_E_INVALID, "sqlite store: namespace %d", ns);
	return RRD_OK;
}

rrd_status rrd__sq_check_writable(const rrd_sqlite *s)
{
	if (!s->in_txn)
		return rrd__fail(RRD_E_STATE, "sqlite store: write outside a transaction");
	if (s->read_only)
		return rrd__fail(RRD_E_STATE, "sqlite store: write in a read-only transaction");
	return RRD_OK;
}

rrd_status rrd__sq_check_key(const char *key, size_t *len)
{
	*len = strlen(key);
	if (*len == 0 || *len > RRD_STORE_KEY_MAX)
		return rrd__fail(RRD_E_INVALID, "sqlite store: a key of %zu bytes (1 to %d allowed)",
				 *len, RRD_STORE_KEY_MAX);
	return RRD_OK;
}
