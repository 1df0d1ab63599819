/*
 * The SQLite store's tables and their version: files of versions 1 and
 * 2, made here by hand as those releases made them, are upgraded when
 * opened and keep everything in them but the generation, which a library
 * of version 2 still running on the file then finds missing; a file of a
 * newer version is refused, unchanged, with a message naming both
 * versions; a host's own tables in the file are left alone; a file whose
 * version cannot be read is a store failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "rrdist.h"
#include "rrdist/sys/store.h"
#include "store/store.h"

#include "../support/sqlite_files.h"

/* The version this library writes. */
#define LATEST 4

static char path[512];

static sqlite3 *db_open(void)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static void db_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

/* One integer the query selects, or -1 when it selects nothing. */
static int64_t db_int(const char *sql)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int64_t schema_version(void)
{
	return db_int("SELECT value FROM rrd_store_info WHERE name = 'schema_version'");
}

static int64_t objects(void)
{
	return db_int("SELECT count(*) FROM sqlite_master");
}

/* What a library before version 3 read at every begin: -1 once gone. */
static const char old_generation[] = "SELECT value FROM rrd_store_info WHERE name = 'generation'";

/* A file as version 1 of the store left it: its tables, a generation of
 * 41, two entries (one of them with a NUL in its value), two timers and a
 * lock. Written out here, not taken from the library, so that it stays
 * what version 1 was. */
static void make_version_1(const char *name)
{
	snprintf(path, sizeof path, "%s", sqlite_test_path(name));
	sqlite3 *db = db_open();
	db_exec(db, "PRAGMA journal_mode = wal");
	db_exec(db, "BEGIN");
	db_exec(db, "CREATE TABLE rrd_store_info (name TEXT PRIMARY KEY, value INTEGER NOT NULL) "
		    "WITHOUT ROWID");
	db_exec(db, "INSERT INTO rrd_store_info (name, value) VALUES ('schema_version', 1), "
		    "('generation', 41)");
	db_exec(db, "CREATE TABLE rrd_entry (ns INTEGER NOT NULL, key BLOB NOT NULL, "
		    "value BLOB NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID");
	db_exec(db, "CREATE TABLE rrd_timer (key BLOB PRIMARY KEY, due INTEGER NOT NULL, "
		    "seq INTEGER NOT NULL) WITHOUT ROWID");
	db_exec(db, "CREATE TABLE rrd_lock (name BLOB PRIMARY KEY, owner BLOB NOT NULL, "
		    "expires INTEGER NOT NULL) WITHOUT ROWID");
	db_exec(db, "INSERT INTO rrd_entry VALUES (6, CAST('L1' AS BLOB), x'0100ff', 3), "
		    "(1, CAST('seq' AS BLOB), x'2a', 0)");
	db_exec(db, "INSERT INTO rrd_timer VALUES (CAST('late' AS BLOB), 900, 1), "
		    "(CAST('soon' AS BLOB), 100, 2)");
	db_exec(db, "INSERT INTO rrd_lock VALUES (CAST('bulk' AS BLOB), CAST('p1' AS BLOB), 500)");
	db_exec(db, "COMMIT");
	sqlite3_close(db);
}

static void test_version_1_is_upgraded_and_keeps_everything(void **state)
{
	(void)state;
	make_version_1("v1.db");
	assert_int_equal(schema_version(), 1);
	rrd_store *st = NULL;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	assert_int_equal(schema_version(), LATEST);
	assert_int_equal(db_int("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
				"AND name = 'rrd_timer_due'"),
			 1);
	assert_int_equal(db_int(old_generation), -1);
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	const void *v;
	size_t len;
	int64_t order;
	assert_int_equal(st->m.get(st->self, RRD_NS_RECORD, "L1", &v, &len, &order), RRD_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "\x01\x00\xff", 3);
	assert_int_equal(order, 3);
	assert_int_equal(st->m.get(st->self, RRD_NS_META, "seq", &v, &len, NULL), RRD_OK);
	assert_memory_equal(v, "\x2a", 1);
	char key[2 * RRD_ID_MAX + 2];
	rrd_time due;
	assert_int_equal(st->m.timer_pop(st->self, 1000, key, sizeof key, &due), RRD_OK);
	assert_string_equal(key, "soon");
	assert_int_equal(st->m.timer_pop(st->self, 1000, key, sizeof key, &due), RRD_OK);
	assert_string_equal(key, "late");
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p2", 499, 600), RRD_E_BUSY);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p2", 500, 600), RRD_OK);
	rrd_store_free(st);
	/* Opened again: nothing left to do. */
	int64_t before = objects();
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	rrd_store_free(st);
	assert_int_equal(schema_version(), LATEST);
	assert_int_equal(objects(), before);
}

/* Version 1 with what version 2 added: the index of timers by due time. */
static void make_version_2(void)
{
	make_version_1("v2.db");
	sqlite3 *db = db_open();
	db_exec(db, "CREATE INDEX rrd_timer_due ON rrd_timer (due, seq, key)");
	db_exec(db, "UPDATE rrd_store_info SET value = 2 WHERE name = 'schema_version'");
	sqlite3_close(db);
}

/* A library of version 2 runs on the file while a newer one opens it:
 * the upgrade takes the generation away, so the older one's next
 * transaction finds none and fails, rather than trust its caches while
 * the newer one's commits no longer move the number it reads. */
static void test_version_2_is_upgraded_and_an_older_library_stops(void **state)
{
	(void)state;
	make_version_2();
	sqlite3 *older = db_open();
	sqlite3_stmt *gen;
	assert_int_equal(sqlite3_prepare_v2(older, old_generation, -1, &gen, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(gen), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(gen, 0), 41);
	sqlite3_reset(gen);

	rrd_store *st = NULL;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	assert_int_equal(schema_version(), LATEST);
	assert_int_equal(sqlite3_step(gen), SQLITE_DONE);
	sqlite3_finalize(gen);
	sqlite3_close(older);

	/* Everything else is there, and a second handle sees the first's
	 * commits by its generation moving. */
	rrd_store *other = NULL;
	assert_int_equal(rrd_store_sqlite_open(&other, path, NULL), RRD_OK);
	uint64_t g0, g1;
	assert_int_equal(other->m.begin(other->self, RRD_TXN_READ_ONLY, &g0), RRD_OK);
	const void *v;
	size_t len;
	assert_int_equal(other->m.get(other->self, RRD_NS_RECORD, "L1", &v, &len, NULL), RRD_OK);
	assert_memory_equal(v, "\x01\x00\xff", 3);
	assert_int_equal(other->m.rollback(other->self), RRD_OK);
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, RRD_NS_RECORD, "L2", "y", 1, 4), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	assert_int_equal(other->m.begin(other->self, 0, &g1), RRD_OK);
	assert_true(g1 != g0);
	assert_int_equal(other->m.get(other->self, RRD_NS_RECORD, "L2", &v, &len, NULL), RRD_OK);
	assert_int_equal(other->m.commit(other->self), RRD_OK);
	rrd_store_free(other);
	rrd_store_free(st);
	assert_int_equal(db_int("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
				"AND name = 'rrd_timer_due'"),
			 1);
}

static void test_newer_version_is_refused_unchanged(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "%s", sqlite_test_path("newer.db"));
	rrd_store *st = NULL;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	rrd_store_free(st);
	sqlite3 *db = db_open();
	db_exec(db, "UPDATE rrd_store_info SET value = 7 WHERE name = 'schema_version'");
	db_exec(db, "DROP TABLE rrd_lock");
	db_exec(db, "PRAGMA journal_mode = delete");
	sqlite3_close(db);
	int64_t before = objects();
	st = (rrd_store *)&st;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_E_VERSION);
	assert_null(st);
	char want[64];
	snprintf(want, sizeof want, "version 7, newer than this library's %d", LATEST);
	assert_non_null(strstr(rrd_error_last(), want));
	assert_int_equal(schema_version(), 7);
	assert_int_equal(objects(), before);
	/* Not even its journal mode changed. */
	db = db_open();
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "delete");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void test_host_tables_are_left_alone(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "%s", sqlite_test_path("host.db"));
	sqlite3 *db = db_open();
	db_exec(db, "CREATE TABLE crm_lead (id TEXT PRIMARY KEY, owner TEXT)");
	db_exec(db, "INSERT INTO crm_lead VALUES ('L1', 'ana')");
	sqlite3_close(db);
	rrd_store *st = NULL;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, RRD_NS_RECORD, "L1", "x", 1, 0), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd_store_free(st);
	assert_int_equal(schema_version(), LATEST);
	assert_int_equal(db_int("SELECT count(*) FROM crm_lead WHERE owner = 'ana'"), 1);
}

static void test_missing_version_is_a_store_failure(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "%s", sqlite_test_path("no-version.db"));
	rrd_store *st = NULL;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	rrd_store_free(st);
	sqlite3 *db = db_open();
	db_exec(db, "DELETE FROM rrd_store_info WHERE name = 'schema_version'");
	sqlite3_close(db);
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_E_STORE);
	assert_null(st);
	assert_non_null(strstr(rrd_error_last(), "no schema version"));
}

/* Two handles made on one new file: the second finds the tables made. */
static void test_two_handles_on_a_new_file(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "%s", sqlite_test_path("twice.db"));
	rrd_store *a = NULL, *b = NULL;
	assert_int_equal(rrd_store_sqlite_open(&a, path, NULL), RRD_OK);
	assert_int_equal(rrd_store_sqlite_open(&b, path, NULL), RRD_OK);
	assert_int_equal(schema_version(), LATEST);
	assert_int_equal(db_int("SELECT count(*) FROM rrd_store_info"), 1);
	rrd_store_free(a);
	rrd_store_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_1_is_upgraded_and_keeps_everything),
		cmocka_unit_test(test_version_2_is_upgraded_and_an_older_library_stops),
		cmocka_unit_test(test_newer_version_is_refused_unchanged),
		cmocka_unit_test(test_host_tables_are_left_alone),
		cmocka_unit_test(test_missing_version_is_a_store_failure),
		cmocka_unit_test(test_two_handles_on_a_new_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
