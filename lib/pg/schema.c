/*
 * The store's tables, in a schema of their own (the host names it), and
 * their versions: opening brings an older schema up to date, one step
 * at a time, and refuses a newer one. Processes that open at once take
 * turns on an advisory lock, so one creates and the rest find it made.
 *
 * The only text spliced into SQL is the schema's name, quoted as an
 * identifier by libpq; keys and values are always bound parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/pg.h"
#include "util/alloc.h"
#include "util/error.h"

#define SCHEMA_VERSION 2
#define VERSION_TEXT "2" /* SCHEMA_VERSION, for SQL text */

/* Each step takes the schema from its index to the next version. "{S}"
 * stands for the schema. */
static const char *const migrations[SCHEMA_VERSION] = {
	/* to version 1 */
	"CREATE TABLE {S}.kv ("
	"  ns smallint NOT NULL, key bytea NOT NULL, value bytea NOT NULL,"
	"  ord bigint NOT NULL, PRIMARY KEY (ns, key));"
	"CREATE INDEX kv_order ON {S}.kv (ns, ord, key);"
	"CREATE TABLE {S}.timer ("
	"  key bytea PRIMARY KEY, due bigint NOT NULL, seq bigint NOT NULL);"
	"CREATE INDEX timer_due ON {S}.timer (due, seq, key);"
	"CREATE TABLE {S}.lease ("
	"  name bytea PRIMARY KEY, owner bytea NOT NULL, expires bigint NOT NULL);"
	/* Durable events, as rows of their own for an operator to read. */
	"CREATE VIEW {S}.outbox AS"
	"  SELECT key AS id, value AS event, ord AS at FROM {S}.kv WHERE ns = 13;",
	/* to version 2: the tables are as they were. The library now keeps
	 * an index of records by owner in them (docs/stores.md), which a
	 * library of an earlier version, writing records without it, would
	 * make wrong: this version keeps such a library from opening the
	 * store. */
	"SELECT 1",
};

/* Rows of any namespaces from arrays: an add as it is, a put with ON
 * CONFLICT after it. */
#define ADD_ROWS                                                                      \
	"INSERT INTO {S}.kv (ns, key, value, ord) SELECT w.n, w.k, w.v, w.o"            \
	" FROM unnest($1::int2[], $2::bytea[], $3::bytea[], $4::int8[]) AS w(n, k, v, o)"

static const char *const statements[PG_NSTATEMENTS] = {
	[PG_BEGIN_RW] = "BEGIN ISOLATION LEVEL REPEATABLE READ",
	[PG_BEGIN_RO] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	[PG_COMMIT] = "COMMIT",
	[PG_ROLLBACK] = "ROLLBACK",
	[PG_GET] = "SELECT value, ord FROM {S}.kv WHERE ns = $1::int8 AND key = $2::bytea",
	/* One index lookup a key, whatever the planner guesses of the
	 * array's length: a plain join may scan the whole table instead
	 * (LIMIT keeps the subquery from being folded into one). */
	[PG_GET_MANY] = "SELECT w.i, k.value, k.ord"
			" FROM unnest($1::int2[], $2::bytea[]) WITH ORDINALITY AS w(ns, key, i)"
			" CROSS JOIN LATERAL (SELECT value, ord FROM {S}.kv"
			"  WHERE ns = w.ns AND key = w.key LIMIT 1) k",
	[PG_HAS_MANY] = "SELECT w.i FROM unnest($2::bytea[]) WITH ORDINALITY AS w(key, i)"
			" WHERE EXISTS (SELECT 1 FROM {S}.kv"
			"  WHERE ns = $1::int8 AND key = w.key)",
	/* Every put, single or many: rows of any namespaces (pending.c). */
	[PG_PUT_ROWS] = ADD_ROWS " ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value,"
			" ord = EXCLUDED.ord",
	/* Rows that must be new (add_many): a key taken, or given twice,
	 * fails it with unique_violation. */
	[PG_ADD_ROWS] = ADD_ROWS,
	[PG_DEL] = "DELETE FROM {S}.kv WHERE ns = $1::int8 AND key = $2::bytea",
	[PG_DEL_MANY] = "DELETE FROM {S}.kv WHERE ns = $1::int8 AND key = ANY ($2::bytea[])",
	[PG_SCAN] = "SELECT key, value, ord FROM {S}.kv"
		    " WHERE ns = $1::int8 AND key >= $2::bytea AND key < $3::bytea"
		    " ORDER BY ord, key",
	[PG_SCAN_FROM] = "SELECT key, value, ord FROM {S}.kv"
			 " WHERE ns = $1::int8 AND key >= $2::bytea ORDER BY ord, key",
	[PG_TIMER_SET] = "INSERT INTO {S}.timer (key, due, seq)"
			 " VALUES ($1::bytea, $2::int8, $3::int8)"
			 " ON CONFLICT (key) DO UPDATE SET due = EXCLUDED.due, seq = EXCLUDED.seq",
	[PG_TIMER_CLEAR] = "DELETE FROM {S}.timer WHERE key = $1::bytea",
	[PG_TIMER_NEXT] = "SELECT min(due) FROM {S}.timer",
	/* SKIP LOCKED: a timer another open transaction popped is not
	 * handed out twice, and nobody waits for it. */
	[PG_TIMER_POP] = "DELETE FROM {S}.timer WHERE key = ("
			 "  SELECT key FROM {S}.timer WHERE due <= $1::int8"
			 "  ORDER BY due, seq, key LIMIT 1 FOR UPDATE SKIP LOCKED)"
			 " RETURNING key, due",
	/* Taking turns (hot.c): every writer shares the store's lock, one
	 * that lost too often takes it alone; keys that lose races are
	 * queued for in the order of their ids. */
	[PG_WRITER_LOCK] = "SELECT pg_advisory_xact_lock_shared($1::int8)",
	[PG_ALONE_LOCK] = "SELECT pg_advisory_lock($1::int8)",
	[PG_HOT_LOCK] = "SELECT pg_advisory_lock(k) FROM"
			" (SELECT k FROM unnest($1::int8[]) AS w(k) ORDER BY k) t",
	[PG_UNLOCK_ALL] = "SELECT pg_advisory_unlock_all()",
	[PG_LOCK_ACQUIRE] = "INSERT INTO {S}.lease AS l (name, owner, expires)"
			    " VALUES ($1::bytea, $2::bytea, $3::int8)"
			    " ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner,"
			    " expires = EXCLUDED.expires"
			    " WHERE l.owner = EXCLUDED.owner OR l.expires <= $4::int8"
			    " RETURNING 1",
	[PG_LOCK_RELEASE] = "DELETE FROM {S}.lease WHERE name = $1::bytea AND owner = $2::bytea",
};

/* `text` with the schema's name for each "{S}"; NULL when out of memory. */
static char *with_schema(const char *schema, const char *text)
{
	static const char mark[] = "{S}";
	size_t marks = 0, sn = strlen(schema);
	for (const char *p = text; (p = strstr(p, mark)); p += sizeof mark - 1)
		marks++;
	char *out = rrd__malloc(strlen(text) + marks * sn + 1);
	if (!out)
		return NULL;
	char *o = out;
	for (const char *p = text;;) {
		const char *m = strstr(p, mark);
		size_t n = m ? (size_t)(m - p) : strlen(p);
		memcpy(o, p, n);
		o += n;
		if (!m)
			break;
		memcpy(o, schema, sn);
		o += sn;
		p = m + sizeof mark - 1;
	}
	*o = '\0';
	return out;
}

char *rrd__pg_sql(const pgstore *s, int stmt)
{
	return with_schema(s->schema, statements[stmt]);
}

static int run(pgstore *s, const char *sql, PGresult **out)
{
	PGresult *r = PQexec(s->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
		msg[strcspn(msg, "\n")] = '\0';
		PQclear(r);
		return rrd__fail(RRD_E_STORE, "postgres: preparing the schema: %s", msg);
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return RRD_OK;
}

static int run_with_schema(pgstore *s, const char *format)
{
	char *sql = with_schema(s->schema, format);
	if (!sql)
		return rrd__nomem();
	int rc = run(s, sql, NULL);
	rrd__free(sql);
	return rc;
}

/* The stored version (0: none yet), the schema locked for this
 * transaction. */
static int stored_version(pgstore *s, long *version)
{
	/* Openers of the same schema take turns; the lock ends with the
	 * transaction. */
	const char *params[1] = { s->schema };
	PGresult *r = PQexecParams(s->conn, "SELECT pg_advisory_xact_lock(hashtext($1))", 1, NULL,
				   params, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	if (!ok)
		return rrd__fail(RRD_E_STORE, "postgres: locking the schema: %s",
				 PQerrorMessage(s->conn));
	int rc = run_with_schema(s, "CREATE SCHEMA IF NOT EXISTS {S};"
				    "CREATE TABLE IF NOT EXISTS {S}.meta ("
				    "  name text PRIMARY KEY, value bigint NOT NULL)");
	if (rc)
		return rc;
	char *sql = with_schema(s->schema, "SELECT value FROM {S}.meta WHERE name = 'schema'");
	if (!sql)
		return rrd__nomem();
	rc = run(s, sql, &r);
	rrd__free(sql);
	if (rc)
		return rc;
	*version = PQntuples(r) ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return RRD_OK;
}

int rrd__pg_schema(pgstore *s)
{
	int rc = run(s, "BEGIN", NULL);
	if (rc)
		return rc;
	long version = 0;
	rc = stored_version(s, &version);
	if (!rc && version > SCHEMA_VERSION)
		rc = rrd__fail(RRD_E_VERSION,
			       "postgres: the store's schema is version %ld; this library knows "
			       "versions up to %d",
			       version, SCHEMA_VERSION);
	for (long v = version; !rc && v < SCHEMA_VERSION; v++)
		rc = run_with_schema(s, migrations[v]);
	if (!rc && version < SCHEMA_VERSION)
		rc = run_with_schema(s, "INSERT INTO {S}.meta (name, value)"
					" VALUES ('schema', " VERSION_TEXT ")"
					" ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value");
	if (rc) {
		PQclear(PQexec(s->conn, "ROLLBACK"));
		return rc;
	}
	return run(s, "COMMIT", NULL);
}
