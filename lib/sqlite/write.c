/* Writing entries of the SQLite store: put and del, one or many. An
 * entry is a row of rrd_entry keyed by (ns, key). */
#include "sqlite/sqlite_store.h"
#include "util/error.h"

/* Bind one entry at parameters at+1 .. at+4 of st. */
static rrd_status bind_entry(sqlite3_stmt *st, int at, int ns, const char *key,
			     const void *value, size_t len, int64_t order)
{
	size_t klen;
	rrd_status rc = rrd__sq_check_key(key, &klen);
	if (rc)
		return rc;
	if (len > (size_t)INT32_MAX)
		return rrd__fail(RRD_E_INVALID, "sqlite store: a value of %zu bytes", len);
	sqlite3_bind_int(st, at + 1, ns);
	sqlite3_bind_blob(st, at + 2, key, (int)klen, SQLITE_STATIC);
	/* A blob bound from NULL would be SQL's NULL: an empty value is
	 * bound from a pointer that is not. */
	sqlite3_bind_blob(st, at + 3, len ? value : "", (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, at + 4, order);
	return RRD_OK;
}

/* One put or add, the handle entered and the transaction checked. */
static rrd_status put_one(rrd_sqlite *s, sqlite3_stmt *st, int ns, const char *key,
			  const void *value, size_t len, int64_t order)
{
	rrd_status rc = bind_entry(st, 0, ns, key, value, len, order);
	return rc ? rc : rrd__sq_exec(s, st, "writing an entry");
}

/* RRD_SQ_PUT_ROWS_N puts or adds in one statement, from entry `from` on. */
static rrd_status put_rows(rrd_sqlite *s, sqlite3_stmt *st, int ns, size_t from,
			   const char *const *keys, const void *const *values,
			   const size_t *lens, const int64_t *orders)
{
	rrd_status rc = RRD_OK;
	for (int r = 0; !rc && r < RRD_SQ_PUT_ROWS_N; r++) {
		size_t i = from + (size_t)r;
		rc = bind_entry(st, 4 * r, ns, keys[i], values[i], lens[i], orders[i]);
	}
	return rc ? rc : rrd__sq_exec(s, st, "writing entries");
}

/* Whether the handle (entered) may write to `ns` now. */
static rrd_status writable(rrd_sqlite *s, int ns)
{
	rrd_status rc = rrd__sq_check_ns(ns);
	return rc ? rc : rrd__sq_check_writable(s);
}

int rrd__sq_put(void *self, int ns, const char *key, const void *value, size_t len,
		int64_t order)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = writable(s, ns);
	sqlite3_stmt *st = rc ? NULL : rrd__sq_stmt(s, RRD_SQ_PUT, &rc);
	if (st)
		rc = put_one(s, st, ns, key, value, len, order);
	rrd__sq_leave(s);
	return rc;
}

/* put_many and add_many: `one` and `rows` are the statements of one
 * entry and of RRD_SQ_PUT_ROWS_N. */
static int write_many(void *self, rrd_sq_stmt one, rrd_sq_stmt rows, int ns, size_t n,
		      const char *const *keys, const void *const *values, const size_t *lens,
		      const int64_t *orders)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = writable(s, ns);
	size_t i = 0;
	/* In array order, so a key given twice keeps its last value. */
	if (!rc && n >= RRD_SQ_PUT_ROWS_N) {
		sqlite3_stmt *st = rrd__sq_stmt(s, rows, &rc);
		for (; st && !rc && n - i >= RRD_SQ_PUT_ROWS_N; i += RRD_SQ_PUT_ROWS_N)
			rc = put_rows(s, st, ns, i, keys, values, lens, orders);
	}
	sqlite3_stmt *st = rc || i == n ? NULL : rrd__sq_stmt(s, one, &rc);
	for (; st && !rc && i < n; i++)
		rc = put_one(s, st, ns, keys[i], values[i], lens[i], orders[i]);
	rrd__sq_leave(s);
	return rc;
}

int rrd__sq_put_many(void *self, int ns, size_t n, const char *const *keys,
		     const void *const *values, const size_t *lens, const int64_t *orders)
{
	return write_many(self, RRD_SQ_PUT, RRD_SQ_PUT_ROWS, ns, n, keys, values, lens, orders);
}

int rrd__sq_add_many(void *self, int ns, size_t n, const char *const *keys,
		     const void *const *values, const size_t *lens, const int64_t *orders)
{
	return write_many(self, RRD_SQ_ADD, RRD_SQ_ADD_ROWS, ns, n, keys, values, lens, orders);
}

/* One delete: RRD_OK, or RRD_E_NOTFOUND when there was nothing. */
static rrd_status del_one(rrd_sqlite *s, sqlite3_stmt *st, int ns, const char *key)
{
	sqlite3_bind_int(st, 1, ns);
	rrd__sq_bind_key(st, 2, key);
	rrd_status rc = rrd__sq_exec(s, st, "deleting an entry");
	if (!rc && sqlite3_changes(s->db) == 0)
		rc = RRD_E_NOTFOUND;
	return rc;
}

int rrd__sq_del(void *self, int ns, const char *key)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = writable(s, ns);
	sqlite3_stmt *st = rc ? NULL : rrd__sq_stmt(s, RRD_SQ_DEL, &rc);
	if (st)
		rc = del_one(s, st, ns, key);
	rrd__sq_leave(s);
	return rc;
}

int rrd__sq_del_many(void *self, int ns, size_t n, const char *const *keys)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = writable(s, ns);
	sqlite3_stmt *st = rc ? NULL : rrd__sq_stmt(s, RRD_SQ_DEL, &rc);
	for (size_t i = 0; st && !rc && i < n; i++)
		if ((rc = del_one(s, st, ns, keys[i])) == RRD_E_NOTFOUND)
			rc = RRD_OK;
	rrd__sq_leave(s);
	return rc;
}
