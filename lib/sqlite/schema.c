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
 * version and, until version 3, the generation). Keys, names and owners
 * are blobs, so they compare as bytes. */
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

/* Version 3: no generation in the file; each handle keeps its own
 * (txn.c). The row goes, so that a library of an older version still
 * running on the file stops at its next transaction with "the
 * generation is missing", rather than trust what it keeps in memory
 * while others' commits no longer tell it anything. */
static const char *const step_3[] = {
	"DELETE FROM rrd_store_info WHERE name = 'generation'",
	NULL
};

/* Version 4: the tables are as they were. The library now keeps an index
 * of records by owner in them (docs/stores.md), which a library of an
 * earlier version, writing records without it, would make wrong: this
 * version keeps such a library from opening the file. */
static const char *const step_4[] = { NULL };

static const char *const *const steps[] = { step_1, step_2, step_3, step_4 };

#define LATEST ((int)(sizeof steps / sizeof *steps))

/* The version of the file's tables, in an open transaction; 0 when it
 * has none yet. */
static rrd_status read_version(rrd_sqlite *s, int64_t *version)
{
	static const char what[] = "reading the schema version";
	rrd_sq_cell tables, v;
	rrd_status rc = rrd__sq_query_cell(s, "SELECT count(*) FROM sqlite_master "
					      "WHERE type = 'table' AND name = 'rrd_store_info'",
					   what, &tables);
	*version = 0;
	if (rc || !tables.num)
		return rc;
	rc = rrd__sq_query_cell(s, "SELECT value FROM rrd_store_info WHERE name = 'schema_version'",
				what, &v);
	*version = v.num;
	if (!rc && (!v.found || *version < 1))
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
			rc = rrd__sq_run_text(s, *q, "upgrading the tables");
	if (!rc) {
		char set[96];
		snprintf(set, sizeof set,
			 "UPDATE rrd_store_info SET value = %d WHERE name = 'schema_version'", LATEST);
		rc = rrd__sq_run_text(s, set, "upgrading the tables");
	}
	return rc;
}

rrd_status rrd__sq_schema_check(rrd_sqlite *s, int64_t *version)
{
	/* A read, which waits for no writer, and changes nothing in a
	 * file that is refused. */
	rrd_status rc = rrd__sq_run_text(s, "BEGIN", "reading the schema version");
	if (!rc) {
		rc = read_version(s, version);
		(void)rrd__sq_run_text(s, "COMMIT", "reading the schema version");
	}
	return rc ? rc : check_not_newer(s, *version);
}

rrd_status rrd__sq_schema_upgrade(rrd_sqlite *s, int64_t version)
{
	if (version == LATEST)
		return RRD_OK;
	/* Another connection may be upgrading at the same moment: ask
	 * again under the write lock, and upgrade from what is there. */
	rrd_status rc = rrd__sq_run_text(s, "BEGIN IMMEDIATE", "upgrading the tables");
	if (rc)
		return rc;
	if (!(rc = read_version(s, &version)) && !(rc = check_not_newer(s, version)) &&
	    version < LATEST)
		rc = migrate(s, version);
	if (!rc)
		rc = rrd__sq_run_text(s, "COMMIT", "upgrading the tables");
	if (rc && !sqlite3_get_autocommit(s->db))
		(void)rrd__sq_run_text(s, "ROLLBACK", "upgrading the tables");
	return rc;
}
