/* The store-wide locks of the SQLite store: rows of rrd_lock, each with
 * its owner and the end of its lease. Taking and releasing one are each
 * a single statement outside any transaction, which SQLite commits at
 * once, so two connections cannot both take a lock. */
#include "sqlite/sqlite_store.h"
#include "util/error.h"

/* Locks are taken between transactions: inside one, the statement would
 * wait for that transaction's commit to take effect. */
static rrd_status outside_txn(const rrd_sqlite *s)
{
	if (s->in_txn)
		return rrd__fail(RRD_E_STATE, "sqlite store: a lock taken or released inside a "
					      "transaction");
	return RRD_OK;
}

int rrd__sq_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			 rrd_time expires)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = outside_txn(s);
	sqlite3_stmt *st = rc ? NULL : rrd__sq_stmt(s, RRD_SQ_LOCK_TAKE, &rc);
	if (st) {
		rrd__sq_bind_key(st, 1, name);
		rrd__sq_bind_key(st, 2, owner);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, expires);
		rc = rrd__sq_exec(s, st, "taking a lock");
		/* Another owner's lease still runs: the row stayed as it was. */
		if (!rc && sqlite3_changes(s->db) == 0)
			rc = RRD_E_BUSY;
	}
	rrd__sq_leave(s);
	return rc;
}

int rrd__sq_lock_release(void *self, const char *name, const char *owner)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = outside_txn(s);
	sqlite3_stmt *st = rc ? NULL : rrd__sq_stmt(s, RRD_SQ_LOCK_RELEASE, &rc);
	if (st) {
		rrd__sq_bind_key(st, 1, name);
		rrd__sq_bind_key(st, 2, owner);
		rc = rrd__sq_exec(s, st, "releasing a lock");
		if (!rc && sqlite3_changes(s->db) == 0)
			rc = RRD_E_NOTFOUND;
	}
	rrd__sq_leave(s);
	return rc;
}
