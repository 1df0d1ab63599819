/* The SQLite store's tables, the version of their layout that the file
 * records, and the steps that bring a file from each version to the next.
 *
 * Version n is what the first n steps make. A step is only ever added at
 * the end, never changed once released: a file of version k is upgraded
 * by running steps k+1 to the last, in one transaction, when it is
 * opened. A file of a version newer than the last step is refused, since
 * its tables may mean what this library cannot know. */
#include <stdio.h>

#include "sqlite/sqlite_store.h"
#include "util/error.h"

/* Version 1: entries, timers, locks, and the store's own numbers (the
 * version and the generation). Keys, names and owners are blobs, so they
 * compare as bytes. */
static const char *const step_1[] = {
	"CREATE TABLE rrd_store_info (name TEXT PRIMARY KEY, value INTEGER NOT NULL) "
	"WITHOUT ROWID",
	"INSERT INTO rrd_store_info (name, value) VALUES ('schema_version', 1), "
	"('generation', 0)",
	"CREATE TABLE rrd_entry (ns INTEGER NOT NULL, key BLOB NOT NULL, "
	"value BLOB NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID",
	"CREATE TABLE rrd_timer (key BLOB PRIMARY KEY, due INTEGER NOT NULL, "
	"seq INTEGER NOT NULL) WITHOUT ROWID",
	"CREATE TABLE rrd_lock (name BLOB PRIMARY KEY, owner BLOB NOT NULL, "
	"expires INTEGER NOT NULL) WITHOUT ROWID",
	NULL
};

/* Version 2: timers found by due time through an index, so that taking
 * the next due one reads a few pages however many offers are open. */
static const char *const step_2[] = {
	"CREATE INDEX rrd_timer_due ON rrd_timer (due, seq, key)",
	NULL
};

static const char *const *const steps[] = { step_1, step_2 };

#define LATEST ((int)(sizeof steps / sizeof *steps))

/* Run static SQL (no parameters). */
static rrd_status exec(rrd_sqlite *s, const char *text, const char *what)
{
	int rc = sqlite3_exec(s->db, text, NULL, NULL, NULL);
	return rc == SQLITE_OK ? RRD_OK : rrd__sq_fail(s, rc, what);
}

/* One integer the statement `text` selects into *out; *found says
 * whether there was a row. */
static rrd_status select_int(rrd_sqlite *s, const char *text, int64_t *out, int *found)
{
	sqlite3_stmt *st;
	int src = sqlite3_prepare_v2(s->db, text, -1, &st, NULL);
	if (src != SQLITE_OK)
		return rrd__sq_fail(s, src, "reading the schema version");
	src = sqlite3_step(st);
	rrd_status rc = RRD_OK;
	*found = src == SQLITE_ROW;
	if (*found)
		*out = sqlite3_column_int64(st, 0);
	else if (src != SQLITE_DONE)
		rc = rrd__sq_fail(s, src, "reading the schema version");
	sqlite3_finalize(st);
	return rc;
}

/* The version of the file's tables, in an open transaction; 0 when it
 * has none yet. */
static rrd_status read_version(rrd_sqlite *s, int64_t *version)
{
	int64_t tables = 0;
	int found;
	rrd_status rc = select_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
				      "AND name = 'rrd_store_info'",
				   &tables, &found);
	*version = 0;
	if (rc || !tables)
		return rc;
	rc = select_int(s, "SELECT value FROM rrd_store_info WHERE name = 'schema_version'",
			version, &found);
	if (!rc && (!found || *version < 1))
		rc = rrd__fail(RRD_E_STORE, "sqlite store: \"%s\" has rrd_store_info but no "
					    "schema version in it",
				s->path);
	return rc;
}

static rrd_status check_not_newer(const rrd_sqlite *s, int64_t version)
{
	if (version > LATEST)
		return rrd__fail(RRD_E_VERSION, "sqlite store: \"%s\" has tables of version %lld, "
						"newer than this library's %d: open it with a newer "
						"librrdist",
				 s->path, (long long)version, LATEST);
	return RRD_OK;
}

/* Bring the tables from `version` to the latest, in the open write
 * transaction. */
static rrd_status migrate(rrd_sqlite *s, int64_t version)
{
	rrd_status rc = RRD_OK;
	for (int64_t v = version; !rc && v < LATEST; v++)
		for (const char *const *q = steps[v]; !rc && *q; q++)
			rc = exec(s, *q, "upgrading the tables");
	if (!rc) {
		char set[96];
		snprintf(set, sizeof set,
			 "UPDATE rrd_store_info SET value = %d WHERE name = 'schema_version'", LATEST);
		rc = exec(s, set, "upgrading the tables");
	}
	return rc;
}

rrd_status rrd__sq_schema_check(rrd_sqlite *s, int64_t *version)
{
	/* A read, which waits for no writer, and changes nothing in a
	 * file that is refused. */
	rrd_status rc = exec(s, "BEGIN", "reading the schema version");
	if (!rc) {
		rc = read_version(s, version);
		(void)exec(s, "COMMIT", "reading the schema version");
	}
	return rc ? rc : check_not_newer(s, *version);
}

rrd_status rrd__sq_schema_upgrade(rrd_sqlite *s, int64_t version)
{
	if (version == LATEST)
		return RRD_OK;
	/* Another connection may be upgrading at the same moment: ask
	 * again under the write lock, and upgrade from what is there. */
	rrd_status rc = exec(s, "BEGIN IMMEDIATE", "upgrading the tables");
	if (rc)
		return rc;
	if (!(rc = read_version(s, &version)) && !(rc = check_not_newer(s, version)) &&
	    version < LATEST)
		rc = migrate(s, version);
	if (!rc)
		rc = exec(s, "COMMIT", "upgrading the tables");
	if (rc && !sqlite3_get_autocommit(s->db))
		(void)exec(s, "ROLLBACK", "upgrading the tables");
	return rc;
}
