/* Transactions of the SQLite store, and the generation.
 *
 * A write transaction begins with BEGIN IMMEDIATE, which waits (up to
 * the busy timeout) for the database's write lock, and only then reads
 * the generation: no other connection can commit between that read and
 * this transaction's end, so the number is exact. Commit adds one to it
 * in the same transaction. (Reading and adding in one statement at
 * begin, UPDATE ... RETURNING, saves a statement but made a submit about
 * a third slower: SQLite gathers what it returns in an ephemeral table,
 * made and freed every time.) A read-only transaction is a deferred one:
 * it reads a snapshot, and the generation it reports is the snapshot's.
 *
 * The handle's mutex is held from begin to the end of the transaction,
 * so distributors sharing the handle take turns. */
#include "sqlite/sqlite_store.h"
#include "util/error.h"

/* Read the generation in the open transaction. */
static rrd_status read_generation(rrd_sqlite *s, uint64_t *generation)
{
	rrd_status rc = RRD_OK;
	sqlite3_stmt *st = rrd__sq_stmt(s, RRD_SQ_GENERATION, &rc);
	if (!st)
		return rc;
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*generation = (uint64_t)sqlite3_column_int64(st, 0);
	else if (src == SQLITE_DONE)
		rc = rrd__fail(RRD_E_STORE, "sqlite store: the generation is missing from "
					    "rrd_store_info");
	else
		rc = rrd__sq_fail(s, src, "reading the generation");
	sqlite3_reset(st);
	return rc;
}

/* End what SQLite still holds open of a transaction, if anything. */
static void roll_back_open(rrd_sqlite *s)
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
	roll_back_open(s);
	int read_only = (flags & RRD_TXN_READ_ONLY) != 0;
	uint64_t gen = 0;
	rrd_status rc = rrd__sq_run(s, read_only ? RRD_SQ_BEGIN_READ : RRD_SQ_BEGIN_WRITE,
				    "beginning a transaction");
	if (!rc)
		rc = read_generation(s, &gen);
	if (rc) {
		roll_back_open(s);
		rrd__sq_leave(s);
		return rc;
	}
	s->in_txn = 1;
	s->read_only = read_only;
	if (generation)
		*generation = gen;
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
	if (!s->read_only)
		rc = rrd__sq_run(s, RRD_SQ_GENERATION_BUMP, "moving the generation");
	if (!rc)
		rc = rrd__sq_run(s, RRD_SQ_COMMIT, "committing");
	if (rc) {
		/* Still the library's transaction: it calls rollback next. */
		rrd__sq_leave(s);
		return rc;
	}
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
