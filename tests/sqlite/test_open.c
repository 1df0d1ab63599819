/*
 * Opening a SQLite store: the defaults (a write-ahead log), options
 * checked before anything is made, paths that are refused with their
 * own status (a directory, a file that is not a database, a missing file
 * when nothing may be made, a folder that does not exist), and a file
 * opened again that holds what was committed and nothing that was rolled
 * back.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "rrdist.h"
#include "rrdist/sys/store.h"
#include "store/store.h"

#include "../support/sqlite_files.h"

#define NS RRD_NS_RECORD

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* A setting of the file as SQLite reports it to a connection of its own. */
static void pragma_text(const char *path, const char *pragma, char *out, size_t cap)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, pragma, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_defaults_make_a_file_with_a_write_ahead_log(void **state)
{
	(void)state;
	char path[512], mode[32];
	snprintf(path, sizeof path, "%s", sqlite_test_path("defaults.db"));
	rrd_store *st = NULL;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	assert_non_null(st);
	assert_true(exists(path));
	pragma_text(path, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "wal");
	rrd_store_free(st);
	/* The options' own defaults are the same. */
	rrd_store_sqlite_options o = RRD_STORE_SQLITE_OPTIONS_INIT;
	assert_int_equal(o.journal, RRD_SQLITE_JOURNAL_WAL);
	assert_int_equal(o.synchronous, RRD_SQLITE_SYNC_NORMAL);
	assert_true(o.busy_timeout_ms >= 1000);
	assert_int_equal(o.create, 1);
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_OK);
	rrd_store_free(st);
}

static void test_rollback_journal_on_request(void **state)
{
	(void)state;
	char path[512], mode[32];
	snprintf(path, sizeof path, "%s", sqlite_test_path("delete.db"));
	rrd_store_sqlite_options o = RRD_STORE_SQLITE_OPTIONS_INIT;
	o.journal = RRD_SQLITE_JOURNAL_DELETE;
	o.synchronous = RRD_SQLITE_SYNC_FULL;
	rrd_store *st = NULL;
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_OK);
	pragma_text(path, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "delete");
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, NS, "k", "v", 1, 0), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd_store_free(st);
}

/* Bad arguments and options change nothing: no file is made. */
static void test_bad_arguments_make_nothing(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s", sqlite_test_path("never.db"));
	rrd_store *st = (rrd_store *)&st;
	assert_int_equal(rrd_store_sqlite_open(NULL, path, NULL), RRD_E_INVALID);
	assert_int_equal(rrd_store_sqlite_open(&st, NULL, NULL), RRD_E_INVALID);
	assert_null(st);
	assert_int_equal(rrd_store_sqlite_open(&st, "", NULL), RRD_E_INVALID);
	rrd_store_sqlite_options o = RRD_STORE_SQLITE_OPTIONS_INIT;
	o.version = 0;
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_E_VERSION);
	o.version = RRD_STORE_SQLITE_OPTIONS_VERSION + 1;
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_E_VERSION);
	assert_non_null(strstr(rrd_error_last(), "options version"));
	o.version = RRD_STORE_SQLITE_OPTIONS_VERSION;
	o.journal = (rrd_sqlite_journal)7;
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_E_INVALID);
	o.journal = RRD_SQLITE_JOURNAL_WAL;
	o.synchronous = (rrd_sqlite_sync)3;
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_E_INVALID);
	o.synchronous = (rrd_sqlite_sync)-1;
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_E_INVALID);
	o.synchronous = RRD_SQLITE_SYNC_NORMAL;
	o.busy_timeout_ms = (unsigned)INT_MAX + 1u;
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_E_INVALID);
	assert_null(st);
	assert_false(exists(path));
}

static void test_directory_is_refused(void **state)
{
	(void)state;
	rrd_store *st = (rrd_store *)&st;
	assert_int_equal(rrd_store_sqlite_open(&st, sqlite_test_dir(), NULL), RRD_E_INVALID);
	assert_null(st);
	assert_non_null(strstr(rrd_error_last(), "is a directory"));
}

static void test_file_that_is_not_a_database_is_refused(void **state)
{
	(void)state;
	char path[512], text[2048], back[2048];
	snprintf(path, sizeof path, "%s", sqlite_test_path("notes.txt"));
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = "not a database, only some notes\n"[i % 32];
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof text, f), sizeof text);
	assert_int_equal(fclose(f), 0);
	rrd_store *st = (rrd_store *)&st;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_E_INVALID);
	assert_null(st);
	assert_non_null(strstr(rrd_error_last(), "is not a SQLite database"));
	/* Left exactly as it was. */
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(back, 1, sizeof back, f), sizeof back);
	assert_int_equal(fgetc(f), EOF);
	fclose(f);
	assert_memory_equal(back, text, sizeof text);
}

static void test_missing_file_without_create(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s", sqlite_test_path("missing.db"));
	rrd_store_sqlite_options o = RRD_STORE_SQLITE_OPTIONS_INIT;
	o.create = 0;
	rrd_store *st = (rrd_store *)&st;
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_E_NOTFOUND);
	assert_null(st);
	assert_false(exists(path));
	/* Once made, the same options open it. */
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	rrd_store_free(st);
	assert_int_equal(rrd_store_sqlite_open(&st, path, &o), RRD_OK);
	rrd_store_free(st);
}

static void test_missing_folder_is_a_store_failure(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/no-such-folder/x.db", sqlite_test_dir());
	rrd_store *st = (rrd_store *)&st;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_E_STORE);
	assert_null(st);
	assert_non_null(strstr(rrd_error_last(), "no-such-folder/x.db"));
}

static void test_private_memory_database(void **state)
{
	(void)state;
	rrd_store *st = NULL;
	assert_int_equal(rrd_store_sqlite_open(&st, ":memory:", NULL), RRD_OK);
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, NS, "k", "v", 1, 0), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd_store_free(st);
}

/* ---- opened again ------------------------------------------------------ */

static int has(rrd_store *st, const char *key)
{
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, NS, key, &v, &len, NULL);
	assert_true(rc == RRD_OK || rc == RRD_E_NOTFOUND);
	return rc == RRD_OK;
}

static void test_reopened_file_holds_what_was_committed(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s", sqlite_test_path("reopen.db"));
	rrd_store *st;
	uint64_t gen;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	assert_int_equal(st->m.begin(st->self, 0, &gen), RRD_OK);
	assert_int_equal(st->m.put(st->self, NS, "kept", "1", 1, 1), RRD_OK);
	assert_int_equal(st->m.put(st->self, NS, "deleted later", "2", 1, 2), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "offer", 500, 1), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	/* Rolled back: none of it stays. */
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, NS, "rolled back", "3", 1, 3), RRD_OK);
	assert_int_equal(st->m.del(st->self, NS, "kept"), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "never", 100, 1), RRD_OK);
	char key[2 * RRD_ID_MAX + 2];
	rrd_time due;
	assert_int_equal(st->m.timer_pop(st->self, 1000, key, sizeof key, &due), RRD_OK);
	assert_string_equal(key, "never");
	assert_int_equal(st->m.rollback(st->self), RRD_OK);
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.del(st->self, NS, "deleted later"), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd_store_free(st);

	/* The generation is the handle's: a new one counts from where it
	 * likes, and moves only with commits. */
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	uint64_t first;
	assert_int_equal(st->m.begin(st->self, RRD_TXN_READ_ONLY, &first), RRD_OK);
	assert_true(has(st, "kept"));
	assert_false(has(st, "deleted later"));
	assert_false(has(st, "rolled back"));
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_OK);
	assert_int_equal(due, 500);
	assert_int_equal(st->m.rollback(st->self), RRD_OK);
	assert_int_equal(st->m.begin(st->self, 0, &gen), RRD_OK);
	assert_int_equal(gen, first);
	assert_int_equal(st->m.timer_pop(st->self, 1000, key, sizeof key, &due), RRD_OK);
	assert_string_equal(key, "offer");
	assert_int_equal(st->m.timer_pop(st->self, 1000, key, sizeof key, &due), RRD_E_NOTFOUND);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd_store_free(st);
}

/* A handle freed in the middle of a transaction keeps none of it. */
static void test_handle_freed_in_a_transaction(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s", sqlite_test_path("freed.db"));
	rrd_store *st;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, NS, "half", "x", 1, 0), RRD_OK);
	rrd_store_free(st);
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	uint64_t gen;
	assert_int_equal(st->m.begin(st->self, 0, &gen), RRD_OK);
	assert_false(has(st, "half"));
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_make_a_file_with_a_write_ahead_log),
		cmocka_unit_test(test_rollback_journal_on_request),
		cmocka_unit_test(test_bad_arguments_make_nothing),
		cmocka_unit_test(test_directory_is_refused),
		cmocka_unit_test(test_file_that_is_not_a_database_is_refused),
		cmocka_unit_test(test_missing_file_without_create),
		cmocka_unit_test(test_missing_folder_is_a_store_failure),
		cmocka_unit_test(test_private_memory_database),
		cmocka_unit_test(test_reopened_file_holds_what_was_committed),
		cmocka_unit_test(test_handle_freed_in_a_transaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
