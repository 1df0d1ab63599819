#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#ifdef RRD_TEST_HAVE_PG
#include <libpq-fe.h>
#endif

#include "shared_store.h"

#ifdef RRD_TEST_HAVE_PG
static void pg_run(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connecting: %s", PQerrorMessage(c));
	PGresult *r = PQexec(c, "SET client_min_messages = warning");
	PQclear(r);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}
#endif

static void drop(shared_store *s)
{
	if (strcmp(s->kind, "postgres") == 0) {
#ifdef RRD_TEST_HAVE_PG
		char sql[128];
		snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", s->schema);
		pg_run(s->where, sql);
#endif
		return;
	}
	static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s%s", s->where, tails[i]);
		unlink(path);
	}
}

void shared_store_make(shared_store *s, const char *kind, const char *name)
{
	memset(s, 0, sizeof *s);
	snprintf(s->kind, sizeof s->kind, "%s", kind);
	if (strcmp(kind, "postgres") == 0) {
#ifdef RRD_TEST_HAVE_PG
		const char *conninfo = getenv("RRD_TEST_PG");
		if (!conninfo)
			fail_msg("RRD_TEST_PG is not set: run this test through tests/pg/cluster.sh");
		snprintf(s->where, sizeof s->where, "%s", conninfo);
		snprintf(s->schema, sizeof s->schema, "%s", name);
#else
		fail_msg("this build has no PostgreSQL store");
#endif
	} else if (strcmp(kind, "sqlite") == 0) {
		const char *tmp = getenv("TMPDIR");
		snprintf(s->where, sizeof s->where, "%s/rrd-%s-%ld.db", tmp ? tmp : "/tmp", name,
			 (long)getpid());
	} else {
		fail_msg("no shared store of kind \"%s\"", kind);
	}
	drop(s);
}

rrd_store *shared_store_open(const shared_store *s)
{
	rrd_store *st = NULL;
	rrd_status rc = RRD_E_UNSUPPORTED;
	if (strcmp(s->kind, "postgres") == 0) {
		rrd_store_pg_options o = RRD_STORE_PG_OPTIONS_INIT;
		o.schema = s->schema;
		rc = rrd_store_pg_open(&st, s->where, &o);
	} else {
		rc = rrd_store_sqlite_open(&st, s->where, NULL);
	}
	if (rc)
		fail_msg("opening the %s store: %s: %s", s->kind, rrd_status_name(rc),
			 rrd_error_last());
	return st;
}

void shared_store_remove(shared_store *s)
{
	drop(s);
}
