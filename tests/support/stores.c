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

static const test_store_kind kinds[] = {
	{ "memory", memory_open, memory_close, 1, 1 },
	{ "sqlite", sqlite_open, sqlite_close, 1, 1 },
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
