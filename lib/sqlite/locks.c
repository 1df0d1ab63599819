/* The store-wide locks of the SQLite store: rows of rrd_lock, each with
 * its owner and the end of its lease. Taking and releasing one are each
 * a single statement in a write transaction of its own, outside the
 * library's, so two connections cannot both take a lock. */
#include "sqlite/sqlite_store.h"
#include "util/error.h"

/* Run the lock statement `id` for name and owner (and, to take one, the
 * times): RRD_OK when it changed the row, else `unchanged`. Locks are
 * taken between transactions: inside one, the statement would wait for
 * that transaction's commit to take effect. It runs in a transaction of
 * its own, which looks at the data version first and notes it after:
 * a lock is no entry, and moves no generation of this handle. */
static rrd_status run_lock(rrd_sqlite *s, rrd_sq_stmt id, const char *name, const char *owner,
			   const rrd_time *times, rrd_status unchanged, const char *what)
{
	if (s->in_txn)
		return rrd__fail(RRD_E_STATE, "sqlite store: a lock taken or released inside a "
					      "transaction");
	rrd_status rc = RRD_OK;
	sqlite3_stmt *st = rrd__sq_stmt(s, id, &rc);
	if (!st || (rc = rrd__sq_run(s, RRD_SQ_BEGIN_WRITE, what)))
		return rc;
	rrd__sq_look(s);
	rrd__sq_bind_key(st, 1, name);
	rrd__sq_bind_key(st, 2, owner);
	if (times) {
		sqlite3_bind_int64(st, 3, times[0]);
		sqlite3_bind_int64(st, 4, times[1]);
	}
	rc = rrd__sq_exec(s, st, what);
	int changed = !rc && sqlite3_changes(s->db) != 0;
	if (!rc)
		rc = rrd__sq_run(s, RRD_SQ_COMMIT, what);
	if (rc) {
		rrd__sq_roll_back_open(s);
		return rc;
	}
	rrd__sq_note(s);
	return changed ? RRD_OK : unchanged;
}

int rrd__sq_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			 rrd_time expires)
{
	rrd_sqlite *s = self;
	const rrd_time times[2] = { now, expires };
	rrd__sq_enter(s);
	/* Another owner's lease still runs: the row stayed as it was. */
	rrd_status rc = run_lock(s, RRD_SQ_LOCK_TAKE, name, owner, times, RRD_E_BUSY,
				 "taking a lock");
	rrd__sq_leave(s);
	return rc;
}

int rrd__sq_lock_release(void *self, const char *name, const char *owner)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	rrd_status rc = run_lock(s, RRD_SQ_LOCK_RELEASE, name, owner, NULL, RRD_E_NOTFOUND,
				 "releasing a lock");
	rrd__sq_leave(s);
	return rc;
}
