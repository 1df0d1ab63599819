/* The buffer a SQLite store handle hands values out of. SQLite's own
 * pointer into a row lasts only until the statement moves on, and a
 * value handed out must last until the next call on the handle, so each
 * is copied here first. */
#include <string.h>

#include "sqlite/sqlite_store.h"
#include "util/alloc.h"
#include "util/error.h"

rrd_status rrd__sq_out_reserve(rrd_sqlite *s, size_t at, size_t n)
{
	if (n > SIZE_MAX - at || rrd__grow((void **)&s->out, &s->out_cap, at + n, 1))
		return rrd__nomem();
	return RRD_OK;
}

rrd_status rrd__sq_out_column(rrd_sqlite *s, sqlite3_stmt *st, int col, size_t at,
			      size_t *len)
{
	/* The blob first, then its length, as SQLite asks. */
	const void *p = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);
	if (!p && n == 0 && sqlite3_errcode(s->db) == SQLITE_NOMEM)
		return rrd__nomem();
	rrd_status rc = rrd__sq_out_reserve(s, at, (size_t)n);
	if (rc)
		return rc;
	if (n)
		memcpy(s->out + at, p, (size_t)n);
	*len = (size_t)n;
	return RRD_OK;
}

const void *rrd__sq_out_at(const rrd_sqlite *s, size_t at, size_t len)
{
	return len ? (const void *)(s->out + at) : "";
}
