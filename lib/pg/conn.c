/*
 * The connection and its pipeline: statements go out without waiting,
 * and a sync reads every answer at once. The first error of a pipeline
 * decides what the caller is told; the server skips what follows it up
 * to the sync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/pg.h"
#include "util/alloc.h"
#include "util/error.h"

/* Answers left unread before they are read at once (see rrd__pg_write). */
#define PG_UNREAD_MAX 256

static const char *const statement_names[PG_NSTATEMENTS] = {
	"rrd_begin_rw", "rrd_begin_ro", "rrd_commit", "rrd_rollback", "rrd_get",
	"rrd_get_many", "rrd_has_many", "rrd_put_rows", "rrd_add_rows", "rrd_del",
	"rrd_del_many", "rrd_scan", "rrd_scan_from", "rrd_timer_set", "rrd_timer_clear",
	"rrd_timer_next", "rrd_timer_pop", "rrd_lock_acquire", "rrd_lock_release",
	"rrd_writer_lock", "rrd_alone_lock", "rrd_hot_lock", "rrd_unlock_all",
};

/* The server's message, without libpq's trailing newline. */
int rrd__pg_fail(int status, const char *what, const char *message)
{
	char text[512];
	snprintf(text, sizeof text, "%s", message ? message : "");
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	return rrd__fail(status, "postgres: %s: %s", what, text[0] ? text : "no message");
}

/* Whether the error is a key taken by an add (add_many). */
static int key_taken(const PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	return state && strcmp(state, "23505") == 0; /* unique_violation */
}

/* Whether the error means that another writer won: try again. */
static int lost_race(const PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	return state && (strcmp(state, "40001") == 0 ||  /* serialization_failure */
			 strcmp(state, "40P01") == 0 ||  /* deadlock_detected */
			 strcmp(state, "55P03") == 0);   /* lock_not_available */
}

/* A library does not write to the host's stderr: the server's notices
 * ("schema ... already exists, skipping") are dropped. */
static void no_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int rrd__pg_connect(pgstore *s)
{
	if (s->conn)
		PQfinish(s->conn);
	s->conn = PQconnectdb(s->conninfo);
	s->queued = s->nstale = 0;
	s->began = 0;
	rrd__pg_pending_drop(s);
	s->locked = 0; /* a new session holds no advisory lock */
	s->broken = 1;
	if (!s->conn)
		return rrd__nomem();
	if (PQstatus(s->conn) != CONNECTION_OK)
		return rrd__pg_fail(RRD_E_STORE, "connecting", PQerrorMessage(s->conn));
	PQsetNoticeProcessor(s->conn, no_notice, NULL);
	if (!s->schema) {
		/* Quoted by libpq, for the connection's encoding. */
		const char *name = s->schema_name;
		char *q = PQescapeIdentifier(s->conn, name, strlen(name));
		if (!q)
			return rrd__pg_fail(RRD_E_INVALID, "schema", PQerrorMessage(s->conn));
		s->schema = rrd__strdup(q);
		PQfreemem(q);
		if (!s->schema)
			return rrd__nomem();
	}
	/* Every statement is prepared once and run with new parameters
	 * each time, and no plan of ours depends on their values (keys
	 * come from arrays, looked up one by one through the primary key).
	 * Left to choose, the server plans get_many afresh at every run
	 * (a custom plan, ~60 us, more than running it); the generic plan
	 * is made once. plan_cache_mode exists from PostgreSQL 12 on. */
	char sql[128];
	snprintf(sql, sizeof sql, "SET lock_timeout = %d%s", s->lock_timeout_ms,
		 PQserverVersion(s->conn) >= 120000 ? "; SET plan_cache_mode = force_generic_plan"
						    : "");
	PGresult *r = PQexec(s->conn, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok)
		return rrd__pg_fail(RRD_E_STORE, "setting the session", PQerrorMessage(s->conn));
	int rc = rrd__pg_schema(s);
	if (rc)
		return rc;
	for (int i = 0; i < PG_NSTATEMENTS; i++) {
		char *text = rrd__pg_sql(s, i);
		if (!text)
			return rrd__nomem();
		r = PQprepare(s->conn, statement_names[i], text, 0, NULL);
		rrd__free(text);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			rc = rrd__pg_fail(RRD_E_STORE, statement_names[i], PQresultErrorMessage(r));
		PQclear(r);
		if (!ok)
			return rc;
	}
	if (!PQenterPipelineMode(s->conn))
		return rrd__pg_fail(RRD_E_STORE, "entering pipeline mode", PQerrorMessage(s->conn));
	s->broken = 0;
	return RRD_OK;
}

int rrd__pg_send(pgstore *s, int stmt, const pg_params *p)
{
	/* Writes that wait go first, in the order they were made. */
	int rc = s->pending.n ? rrd__pg_pending_send(s) : RRD_OK;
	if (rc)
		return rc;
	if (!PQsendQueryPrepared(s->conn, statement_names[stmt], p ? p->n : 0,
				 p ? p->values : NULL, p ? p->lengths : NULL,
				 p ? p->formats : NULL, 1)) {
		s->broken = PQstatus(s->conn) != CONNECTION_OK;
		return rrd__pg_fail(RRD_E_STORE, statement_names[stmt], PQerrorMessage(s->conn));
	}
	s->queued++;
	return RRD_OK;
}

int rrd__pg_begin_sent(pgstore *s)
{
	if (!s->in_txn || s->began)
		return RRD_OK;
	int rc = s->read_only ? RRD_OK : rrd__pg_locks_take(s);
	if (!rc)
		rc = rrd__pg_send(s, s->read_only ? PG_BEGIN_RO : PG_BEGIN_RW, NULL);
	if (!rc && !s->read_only && !s->alone)
		rc = rrd__pg_writer_share(s);
	if (!rc)
		s->began = 1;
	return rc;
}

/* Read one pipeline's answers: `n` commands, then the sync. */
static int read_answers(pgstore *s, size_t n, PGresult **last)
{
	int status = RRD_OK;
	for (size_t i = 0; i < n; i++) {
		PGresult *r = PQgetResult(s->conn);
		if (!r) {
			s->broken = 1;
			return status ? status
				      : rrd__pg_fail(RRD_E_STORE, "reading", PQerrorMessage(s->conn));
		}
		ExecStatusType st = PQresultStatus(r);
		if (!status && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
		    st != PGRES_PIPELINE_ABORTED)
			status = rrd__pg_fail(lost_race(r)   ? RRD_E_RETRY
					      : key_taken(r) ? RRD_E_EXISTS
							     : RRD_E_STORE,
					      "statement", PQresultErrorMessage(r));
		if (last && i == n - 1 && !status) {
			*last = r;
		} else {
			PQclear(r);
		}
		/* Each command's results end with a NULL. */
		while ((r = PQgetResult(s->conn)))
			PQclear(r);
	}
	PGresult *r = PQgetResult(s->conn);
	if (!r || PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
		PQclear(r);
		s->broken = 1;
		if (last && *last) {
			PQclear(*last);
			*last = NULL;
		}
		return status ? status
			      : rrd__pg_fail(RRD_E_STORE, "reading the end of a pipeline",
					  PQerrorMessage(s->conn));
	}
	PQclear(r);
	return status;
}

/* Answers of pipelines ended without reading them: read and dropped. A
 * rollback that failed is no news (the server drops the transaction
 * anyway), nor is a lock that could not be taken (it was only a way to
 * take turns). */
static int read_stale(pgstore *s)
{
	for (size_t i = 0; i < s->nstale; i++)
		if (read_answers(s, s->stale[i], NULL) && s->broken) {
			s->nstale = 0;
			return rrd__pg_fail(RRD_E_STORE, "reading", PQerrorMessage(s->conn));
		}
	s->nstale = 0;
	return RRD_OK;
}

int rrd__pg_sync(pgstore *s, PGresult **last)
{
	if (last)
		*last = NULL;
	int prc = s->pending.n ? rrd__pg_pending_send(s) : RRD_OK;
	if (prc)
		return prc;
	size_t n = s->queued;
	s->queued = 0;
	if (!PQpipelineSync(s->conn)) {
		s->broken = 1;
		return rrd__pg_fail(RRD_E_STORE, "sending", PQerrorMessage(s->conn));
	}
	s->round_trips++;
	int rc = read_stale(s);
	if (!rc)
		rc = read_answers(s, n, last);
	if (rc == RRD_E_RETRY && s->in_txn && !s->read_only)
		rrd__pg_hot_lost(s);
	return rc;
}

int rrd__pg_sync_later(pgstore *s)
{
	int prc = s->pending.n ? rrd__pg_pending_send(s) : RRD_OK;
	if (prc)
		return prc;
	if (s->nstale == PG_STALE_MAX) {
		/* Not expected: read what is there first. */
		int rc = read_stale(s);
		if (rc)
			return rc;
	}
	if (!PQpipelineSync(s->conn)) {
		s->broken = 1;
		return rrd__pg_fail(RRD_E_STORE, "sending", PQerrorMessage(s->conn));
	}
	s->stale[s->nstale++] = s->queued;
	s->queued = 0;
	return RRD_OK;
}

int rrd__pg_ask(pgstore *s, int stmt, const pg_params *p, PGresult **out)
{
	PQclear(s->held);
	s->held = NULL;
	int rc = rrd__pg_begin_sent(s);
	if (!rc)
		rc = rrd__pg_send(s, stmt, p);
	if (!rc)
		rc = rrd__pg_sync(s, &s->held);
	*out = s->held;
	return rc;
}

int rrd__pg_write(pgstore *s, int stmt, const pg_params *p)
{
	int rc = rrd__pg_begin_sent(s);
	if (!rc)
		rc = rrd__pg_send(s, stmt, p);
	if (!rc && s->queued >= PG_UNREAD_MAX)
		rc = rrd__pg_sync(s, NULL);
	return rc;
}

int rrd__pg_flush_writes(pgstore *s)
{
	int rc = rrd__pg_pending_send(s);
	if (!rc && s->queued >= PG_UNREAD_MAX)
		rc = rrd__pg_sync(s, NULL);
	return rc;
}

long rrd__pg_changed(PGresult *r)
{
	return r ? strtol(PQcmdTuples(r), NULL, 10) : 0;
}

int rrd__pg_need_txn(pgstore *s, int write)
{
	if (!s->in_txn)
		return rrd__fail(RRD_E_STATE, "postgres store: call outside a transaction");
	if (write && s->read_only)
		return rrd__fail(RRD_E_STATE, "postgres store: write in a read-only transaction");
	return RRD_OK;
}
