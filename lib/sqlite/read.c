/* Reading entries of the SQLite store: get, one or many, and scans by
 * prefix. Keys are blobs, so they compare as bytes (memcmp), and a
 * prefix is a range of keys. */
#include <string.h>

#include "sqlite/sqlite_store.h"
#include "util/alloc.h"
#include "util/error.h"

/* Look up one entry with the prepared get statement. When found, its
 * value goes into s->out at `at` (*len bytes) and *found is 1. */
static rrd_status read_one(rrd_sqlite *s, sqlite3_stmt *st, int ns, const char *key,
			   size_t at, size_t *len, int64_t *order, unsigned char *found)
{
	sqlite3_bind_int(st, 1, ns);
	rrd__sq_bind_key(st, 2, key);
	int src = sqlite3_step(st);
	rrd_status rc = RRD_OK;
	*found = 0;
	if (src == SQLITE_ROW) {
		if (!(rc = rrd__sq_out_column(s, st, 0, at, len))) {
			*found = 1;
			if (order)
				*order = sqlite3_column_int64(st, 1);
		}
	} else if (src != SQLITE_DONE) {
		rc = rrd__sq_fail(s, src, "reading an entry");
	}
	sqlite3_reset(st);
	return rc;
}

int rrd__sq_get(void *self, int ns, const char *key, const void **value, size_t *len,
		int64_t *order)
{
	rrd_sqlite *s = self;
	rrd_status rc = rrd__sq_check_ns(ns);
	if (rc)
		return rc;
	rrd__sq_enter(s);
	sqlite3_stmt *st = rrd__sq_stmt(s, RRD_SQ_GET, &rc);
	unsigned char found = 0;
	size_t n = 0;
	if (st && !(rc = read_one(s, st, ns, key, 0, &n, order, &found))) {
		if (found) {
			*value = rrd__sq_out_at(s, 0, n);
			*len = n;
		} else {
			rc = RRD_E_NOTFOUND;
		}
	}
	rrd__sq_leave(s);
	return rc;
}

int rrd__sq_get_many(void *self, size_t n, const int *ns, const char *const *keys,
		     const void **values, size_t *lens, int64_t *orders, unsigned char *found)
{
	rrd_sqlite *s = self;
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < n; i++)
		rc = rrd__sq_check_ns(ns[i]);
	if (rc)
		return rc;
	rrd__sq_enter(s);
	sqlite3_stmt *st = rrd__sq_stmt(s, RRD_SQ_GET, &rc);
	if (st && rrd__grow((void **)&s->offsets, &s->offsets_cap, n, sizeof *s->offsets))
		rc = rrd__nomem();
	/* Every value is appended to s->out, which may move as it grows:
	 * the pointers are set once all are in. */
	size_t at = 0;
	for (size_t i = 0; st && !rc && i < n; i++) {
		s->offsets[i] = at;
		rc = read_one(s, st, ns[i], keys[i], at, &lens[i], orders ? &orders[i] : NULL,
			      &found[i]);
		if (!rc && found[i])
			at += lens[i];
	}
	for (size_t i = 0; st && !rc && i < n; i++)
		if (found[i])
			values[i] = rrd__sq_out_at(s, s->offsets[i], lens[i]);
	rrd__sq_leave(s);
	return rc;
}

int rrd__sq_has_many(void *self, int ns, size_t n, const char *const *keys,
		     unsigned char *present)
{
	rrd_sqlite *s = self;
	rrd_status rc = rrd__sq_check_ns(ns);
	if (rc)
		return rc;
	rrd__sq_enter(s);
	sqlite3_stmt *st = rrd__sq_stmt(s, RRD_SQ_HAS, &rc);
	for (size_t i = 0; st && !rc && i < n; i++) {
		sqlite3_bind_int(st, 1, ns);
		rrd__sq_bind_key(st, 2, keys[i]);
		int src = sqlite3_step(st);
		present[i] = src == SQLITE_ROW;
		if (src != SQLITE_ROW && src != SQLITE_DONE)
			rc = rrd__sq_fail(s, src, "looking for entries");
		sqlite3_reset(st);
	}
	rrd__sq_leave(s);
	return rc;
}

/* The least byte string greater than every string that starts with the
 * prefix's `n` bytes: the prefix with its trailing 0xFF bytes dropped and
 * its last byte raised by one. 0 when there is none (all 0xFF). */
static size_t successor(const unsigned char *prefix, size_t n, unsigned char *out)
{
	while (n > 0 && prefix[n - 1] == 0xFF)
		n--;
	if (n == 0)
		return 0;
	memcpy(out, prefix, n);
	out[n - 1]++;
	return n;
}

/* The statement for the entries of `ns` whose key starts with prefix,
 * bound; NULL with *rc set. */
static sqlite3_stmt *scan_statement(rrd_sqlite *s, int ns, const char *prefix, rrd_status *rc)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	if (plen == 0) {
		sqlite3_stmt *st = rrd__sq_stmt(s, RRD_SQ_SCAN_ALL, rc);
		if (st)
			sqlite3_bind_int(st, 1, ns);
		return st;
	}
	if (plen > RRD_STORE_KEY_MAX) {
		/* No key is that long: a range that holds none. */
		*rc = RRD_OK;
		return NULL;
	}
	if (rrd__grow((void **)&s->bound, &s->bound_cap, plen, 1)) {
		*rc = rrd__nomem();
		return NULL;
	}
	size_t blen = successor((const unsigned char *)prefix, plen, s->bound);
	sqlite3_stmt *st = rrd__sq_stmt(s, blen ? RRD_SQ_SCAN_RANGE : RRD_SQ_SCAN_FROM, rc);
	if (!st)
		return NULL;
	sqlite3_bind_int(st, 1, ns);
	sqlite3_bind_blob(st, 2, prefix, (int)plen, SQLITE_STATIC);
	if (blen)
		sqlite3_bind_blob(st, 3, s->bound, (int)blen, SQLITE_STATIC);
	return st;
}

/* Copy the current row's key (with a NUL after it) and value into
 * s->out, and hand them to `each`; its answer, or -1 with *rc set. */
static int visit(rrd_sqlite *s, sqlite3_stmt *st, rrd_store_each_fn each, void *ctx,
		 rrd_status *rc)
{
	size_t klen, vlen;
	if ((*rc = rrd__sq_out_column(s, st, 0, 0, &klen)) ||
	    (*rc = rrd__sq_out_reserve(s, klen, 1)))
		return -1;
	s->out[klen] = '\0';
	if ((*rc = rrd__sq_out_column(s, st, 1, klen + 1, &vlen)))
		return -1;
	return each(ctx, (const char *)s->out, rrd__sq_out_at(s, klen + 1, vlen), vlen,
		    sqlite3_column_int64(st, 2));
}

int rrd__sq_scan(void *self, int ns, const char *prefix, rrd_store_each_fn each, void *ctx)
{
	rrd_sqlite *s = self;
	rrd_status rc = rrd__sq_check_ns(ns);
	if (rc)
		return rc;
	rrd__sq_enter(s);
	sqlite3_stmt *st = scan_statement(s, ns, prefix, &rc);
	if (st) {
		int src;
		while ((src = sqlite3_step(st)) == SQLITE_ROW)
			if (visit(s, st, each, ctx, &rc))
				break;
		if (src != SQLITE_ROW && src != SQLITE_DONE)
			rc = rrd__sq_fail(s, src, "scanning entries");
		sqlite3_reset(st);
	}
	rrd__sq_leave(s);
	return rc;
}
