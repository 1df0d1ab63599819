#include "stores.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sqlite_files.h"

static rrd_store *memory_open(void **state)
{
	rrd_store *st;
	*state = NULL;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	return st;
}

static void memory_close(rrd_store *st, void *state)
{
	(void)state;
	rrd_store_free(st);
}

/* A fresh file for every store, removed with its write-ahead log when
 * the store is closed: the fault drivers open thousands. */
static rrd_store *sqlite_open(void **state)
{
	char *path = strdup(sqlite_test_path("store.db"));
	assert_non_null(path);
	rrd_store *st = NULL;
	rrd_status rc = rrd_store_sqlite_open(&st, path, NULL);
	if (rc)
		fail_msg("rrd_store_sqlite_open: %s: %s", rrd_status_name(rc), rrd_error_last());
	*state = path;
	return st;
}

static void sqlite_close(rrd_store *st, void *state)
{
	char *path = state;
	rrd_store_free(st);
	static const char *const endings[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof endings / sizeof *endings; i++) {
		char file[600];
		snprintf(file, sizeof file, "%s%s", path, endings[i]);
		(void)unlink(file);
	}
	free(path);
}

#ifdef RRD_TEST_HAVE_PG
#include <libpq-fe.h>

/* One schema per test process, emptied for every store opened: making a
 * schema costs far more than emptying one, and the fault drivers open a
 * store for every run. */
static PGconn *admin;
static char pg_schema[64];

static void pg_exec(const char *sql)
{
	PGresult *r = PQexec(admin, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

static rrd_store *postgres_open(void **state)
{
	*state = NULL;
	const char *conninfo = getenv("RRD_TEST_PG");
	if (!conninfo)
		fail_msg("RRD_TEST_PG is not set: run this test through tests/pg/cluster.sh");
	char sql[256];
	if (!admin) {
		admin = PQconnectdb(conninfo);
		if (PQstatus(admin) != CONNECTION_OK)
			fail_msg("connecting: %s", PQerrorMessage(admin));
		snprintf(pg_schema, sizeof pg_schema, "t_%ld", (long)getpid());
		snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", pg_schema);
		pg_exec("SET client_min_messages = warning");
		pg_exec(sql);
	} else {
		/* Small tables: deleting beats TRUNCATE's new files. */
		static const char *const tables[] = { "kv", "timer", "lease" };
		for (int i = 0; i < 3; i++) {
			snprintf(sql, sizeof sql, "DELETE FROM %s.%s", pg_schema, tables[i]);
			pg_exec(sql);
		}
	}
	rrd_store_pg_options o = RRD_STORE_PG_OPTIONS_INIT;
	o.schema = pg_schema;
	o.lock_timeout_ms = 2000;
	rrd_store *st = NULL;
	rrd_status rc = rrd_store_pg_open(&st, conninfo, &o);
	if (rc)
		fail_msg("rrd_store_pg_open: %s: %s", rrd_status_name(rc), rrd_error_last());
	return st;
}

static void postgres_close(rrd_store *st, void *state)
{
	(void)state;
	rrd_store_free(st);
}
#endif

static const test_store_kind kinds[] = {
	{ "memory", memory_open, memory_close, 1, 1 },
	{ "sqlite", sqlite_open, sqlite_close, 1, 1 },
#ifdef RRD_TEST_HAVE_PG
	{ "postgres", postgres_open, postgres_close, 0, 1 },
#endif
};

const test_store_kind *test_store_kind_named(const char *name)
{
	if (!name)
		return &kinds[0];
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	fail_msg("no store named \"%s\" to test", name);
	return NULL;
}

test_store test_store_open(const test_store_kind *kind)
{
	test_store ts = { kind, NULL, NULL };
	ts.store = kind->open(&ts.state);
	assert_non_null(ts.store);
	return ts;
}

void test_store_close(test_store *ts)
{
	if (ts->store)
		ts->kind->close(ts->store, ts->state);
	ts->store = NULL;
	ts->state = NULL;
}
