/* Timers of the SQLite store: rows of rrd_timer, named by key, found by
 * due time then seq. Popping one deletes its row in the transaction, so
 * a rollback puts it back, and the write lock that the transaction holds
 * keeps any other connection from popping it meanwhile. */
#include <string.h>

#include "sqlite/sqlite_store.h"
#include "util/error.h"

int rrd__sq_timer_set(void *self, const char *key, rrd_time due, int64_t seq)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	size_t klen;
	rrd_status rc = rrd__sq_check_writable(s);
	if (!rc)
		rc = rrd__sq_check_key(key, &klen);
	sqlite3_stmt *st = rc ? NULL : rrd__sq_stmt(s, RRD_SQ_TIMER_SET, &rc);
	if (st) {
		sqlite3_bind_blob(st, 1, key, (int)klen, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, due);
		sqlite3_bind_int64(st, 3, seq);
		rc = rrd__sq_exec(s, st, "setting a timer");
	}
	rrd__sq_leave(s);
	return rc;
}

/* Delete the timer `key`: RRD_OK, or RRD_E_NOTFOUND when there is none. */
static rrd_status clear(rrd_sqlite *s, const char *key)
{
	rrd_status rc = RRD_OK;
	sqlite3_stmt *st = rrd__sq_stmt(s, RRD_SQ_TIMER_CLEAR, &rc);
	if (!st)
		return rc;
	rrd__sq_bind_key(st, 1, key);
	rc = rrd__sq_exec(s, st, "clearing a timer");
	if (!rc && sqlite3_changes(s->db) == 0)
		rc = RRD_E_NOTFOUND;
	return rc;
}

int rrd__sq_timer_clear(void *self, const char *key)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = rrd__sq_check_writable(s);
	if (!rc)
		rc = clear(s, key);
	rrd__sq_leave(s);
	return rc;
}

int rrd__sq_timer_next(void *self, rrd_time *due)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = RRD_OK;
	sqlite3_stmt *st = rrd__sq_stmt(s, RRD_SQ_TIMER_NEXT, &rc);
	if (st) {
		int src = sqlite3_step(st);
		if (src != SQLITE_ROW)
			rc = rrd__sq_fail(s, src, "reading the next timer");
		else if (sqlite3_column_type(st, 0) == SQLITE_NULL) /* min() of no rows */
			rc = RRD_E_NOTFOUND;
		else
			*due = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	rrd__sq_leave(s);
	return rc;
}

/* The earliest timer due at or before `now`: its key copied into `key`
 * (cap bytes) and its due time. */
static rrd_status first_due(rrd_sqlite *s, rrd_time now, char *key, size_t cap, rrd_time *due)
{
	rrd_status rc = RRD_OK;
	sqlite3_stmt *st = rrd__sq_stmt(s, RRD_SQ_TIMER_FIRST, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		const void *k = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		if (n + 1 > cap) {
			rc = rrd__fail(RRD_E_INVALID, "sqlite store: a timer's key of %zu bytes does "
						      "not fit in %zu",
				       n, cap);
		} else {
			memcpy(key, k, n);
			key[n] = '\0';
			*due = sqlite3_column_int64(st, 1);
		}
	} else if (src == SQLITE_DONE) {
		rc = RRD_E_NOTFOUND;
	} else {
		rc = rrd__sq_fail(s, src, "finding a due timer");
	}
	sqlite3_reset(st);
	return rc;
}

int rrd__sq_timer_pop(void *self, rrd_time now, char *key, size_t cap, rrd_time *due)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_time when = 0;
	rrd_status rc = rrd__sq_check_writable(s);
	if (!rc)
		rc = first_due(s, now, key, cap, &when);
	if (!rc)
		rc = clear(s, key);
	if (!rc && due)
		*due = when;
	rrd__sq_leave(s);
	return rc;
}
