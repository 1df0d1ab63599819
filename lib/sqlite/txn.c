/* Transactions of the SQLite store, and the generation.
 *
 * A write transaction begins with BEGIN IMMEDIATE, which waits (up to
 * the busy timeout) for the database's write lock; a read-only one is a
 * deferred transaction whose first statement takes its snapshot.
 *
 * The generation lives in the handle, not in the file: writing it at
 * every commit cost a statement and a page of its own. What the library
 * needs of it (rrdist/sys/store.h) comes from SQLite's data version of
 * the file (SQLITE_FCNTL_DATA_VERSION), which moves whenever the file
 * changes, by this connection or any other, and which a connection
 * reads afresh as a transaction takes its snapshot. Once the snapshot is
 * taken, a data version other than the one the handle noted last means
 * another connection committed: the generation goes up by one. A commit
 * through the handle adds exactly one, empty or not, and notes the data
 * version it left, so that only others' commits move it again.
 *
 * The handle's mutex is held from begin to the end of the transaction,
 * so distributors sharing the handle take turns. */
#include "sqlite/sqlite_store.h"
#include "util/error.h"

static unsigned int data_version(rrd_sqlite *s)
{
	unsigned int v = 0;
	/* Only fails for a database name that is not attached. */
	(void)sqlite3_file_control(s->db, "main", SQLITE_FCNTL_DATA_VERSION, &v);
	return v;
}

void rrd__sq_look(rrd_sqlite *s)
{
	unsigned int v = data_version(s);
	if (v != s->data_version) {
		s->generation++;
		s->data_version = v;
	}
}

void rrd__sq_note(rrd_sqlite *s)
{
	s->data_version = data_version(s);
}

void rrd__sq_roll_back_open(rrd_sqlite *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)rrd__sq_run(s, RRD_SQ_ROLLBACK, "rolling back");
}

int rrd__sq_begin(void *self, unsigned int flags, uint64_t *generation)
{
	rrd_sqlite *s = self;
	rrd__sq_enter(s);
	if (s->in_txn) {
		rrd__sq_leave(s);
		return rrd__fail(RRD_E_STATE, "sqlite store: begin inside a transaction");
	}
	/* A rollback that failed may have left one open: none of its
	 * writes may reach this transaction's commit. */
	rrd__sq_roll_back_open(s);
	int read_only = (flags & RRD_TXN_READ_ONLY) != 0;
	rrd_status rc = rrd__sq_run(s, read_only ? RRD_SQ_BEGIN_READ : RRD_SQ_BEGIN_WRITE,
				    "beginning a transaction");
	if (!rc && read_only)
		rc = rrd__sq_run(s, RRD_SQ_SNAPSHOT, "beginning a transaction");
	if (rc) {
		rrd__sq_roll_back_open(s);
		rrd__sq_leave(s);
		return rc;
	}
	rrd__sq_look(s);
	s->in_txn = 1;
	s->read_only = read_only;
	if (generation)
		*generation = s->generation;
	/* The mutex stays taken until commit or rollback. */
	return RRD_OK;
}

/* The transaction is over: give the handle to the next. */
static void end(rrd_sqlite *s)
{
	s->in_txn = 0;
	s->read_only = 0;
	rrd__sq_leave(s); /* this call's */
	rrd__sq_leave(s); /* begin's */
}

/* Enter the handle for `call` (commit, rollback) of the open
 * transaction; RRD_E_STATE, not entered, when there is none. */
static rrd_status enter_txn(rrd_sqlite *s, const char *call)
{
	rrd__sq_enter(s);
	if (s->in_txn)
		return RRD_OK;
	rrd__sq_leave(s);
	return rrd__fail(RRD_E_STATE, "sqlite store: %s outside a transaction", call);
}

int rrd__sq_commit(void *self)
{
	rrd_sqlite *s = self;
	rrd_status rc = enter_txn(s, "commit");
	if (rc)
		return rc;
	rc = rrd__sq_run(s, RRD_SQ_COMMIT, "committing");
	/* One that failed too: what a distributor kept of the transaction
	 * is not trusted, whatever became of it in the file. */
	if (!s->read_only)
		s->generation++;
	if (rc) {
		/* Still the library's transaction: it calls rollback next. */
		rrd__sq_leave(s);
		return rc;
	}
	rrd__sq_note(s);
	end(s);
	return RRD_OK;
}

int rrd__sq_rollback(void *self)
{
	rrd_sqlite *s = self;
	rrd_status rc = enter_txn(s, "rollback");
	if (rc)
		return rc;
	/* After a failed commit SQLite may have ended the transaction
	 * already; then there is nothing to undo. */
	if (!sqlite3_get_autocommit(s->db))
		rc = rrd__sq_run(s, RRD_SQ_ROLLBACK, "rolling back");
	end(s);
	return rc;
}
