/* Opening and closing a SQLite store: the options, the connection and
 * its settings, the callbacks' table. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sqlite/sqlite_store.h"
#include "util/alloc.h"
#include "util/error.h"

static void sq_close(void *self)
{
	rrd_sqlite *s = self;
	if (!s)
		return;
	rrd__sq_stmt_free_all(s);
	/* An open transaction (a handle freed in the middle of one) ends
	 * with the connection, rolled back, and gives back the mutex. */
	sqlite3_close(s->db);
	if (s->in_txn)
		rrd__sq_leave(s);
	pthread_mutex_destroy(&s->mu);
	rrd__free(s->out);
	rrd__free(s->offsets);
	rrd__free(s->bound);
	rrd__free(s->path);
	rrd__free(s);
}

static const rrd_store_methods sqlite_methods = {
	.version = RRD_STORE_METHODS_VERSION,
	.close = sq_close,
	.begin = rrd__sq_begin,
	.commit = rrd__sq_commit,
	.rollback = rrd__sq_rollback,
	.get = rrd__sq_get,
	.put = rrd__sq_put,
	.del = rrd__sq_del,
	.scan = rrd__sq_scan,
	.timer_set = rrd__sq_timer_set,
	.timer_clear = rrd__sq_timer_clear,
	.timer_next = rrd__sq_timer_next,
	.timer_pop = rrd__sq_timer_pop,
	.lock_acquire = rrd__sq_lock_acquire,
	.lock_release = rrd__sq_lock_release,
	.put_many = rrd__sq_put_many,
	.has_many = rrd__sq_has_many,
	.add_many = rrd__sq_add_many,
	.get_many = rrd__sq_get_many,
	.del_many = rrd__sq_del_many,
};

/* The caller's options read as the version they state, checked. */
static rrd_status read_options(const rrd_store_sqlite_options *given,
			       rrd_store_sqlite_options *o)
{
	static const rrd_store_sqlite_options defaults = RRD_STORE_SQLITE_OPTIONS_INIT;
	*o = defaults;
	if (!given)
		return RRD_OK;
	if (given->version < 1 || given->version > RRD_STORE_SQLITE_OPTIONS_VERSION)
		return rrd__fail(RRD_E_VERSION, "sqlite store options version %u is not one of 1..%u",
				 given->version, RRD_STORE_SQLITE_OPTIONS_VERSION);
	/* Version 1 is the whole table; a later one reads only as much as
	 * the caller's version has. */
	*o = *given;
	if (o->journal != RRD_SQLITE_JOURNAL_WAL && o->journal != RRD_SQLITE_JOURNAL_DELETE)
		return rrd__fail(RRD_E_INVALID, "sqlite store: journal %d is not one of "
						"RRD_SQLITE_JOURNAL_WAL, _DELETE",
				 (int)o->journal);
	if (o->synchronous != RRD_SQLITE_SYNC_OFF && o->synchronous != RRD_SQLITE_SYNC_NORMAL &&
	    o->synchronous != RRD_SQLITE_SYNC_FULL)
		return rrd__fail(RRD_E_INVALID, "sqlite store: synchronous %d is not one of "
						"RRD_SQLITE_SYNC_OFF, _NORMAL, _FULL",
				 (int)o->synchronous);
	if (o->busy_timeout_ms > INT_MAX)
		return rrd__fail(RRD_E_INVALID, "sqlite store: a busy timeout of %u ms is too long",
				 o->busy_timeout_ms);
	return RRD_OK;
}

static int is_memory(const char *path)
{
	return strcmp(path, ":memory:") == 0;
}

/* What the path names, before SQLite is asked: a directory, or nothing
 * when nothing may be made, is refused with its own status. */
static rrd_status check_path(const char *path, int create)
{
	struct stat st;
	if (is_memory(path))
		return RRD_OK;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return rrd__fail(RRD_E_INVALID, "sqlite store: \"%s\" is a directory, not a "
							"database file",
					 path);
		return RRD_OK;
	}
	if (errno == ENOENT && !create)
		return rrd__fail(RRD_E_NOTFOUND, "sqlite store: \"%s\" does not exist", path);
	return RRD_OK;
}

/* Ask for the journal mode, and check that SQLite took it. */
static rrd_status set_journal(rrd_sqlite *s, rrd_sqlite_journal journal)
{
	const char *want = journal == RRD_SQLITE_JOURNAL_WAL ? "wal" : "delete";
	char text[40];
	snprintf(text, sizeof text, "PRAGMA journal_mode = %s", want);
	rrd_sq_cell got;
	rrd_status rc = rrd__sq_query_cell(s, text, "setting the journal mode", &got);
	/* A private database keeps its journal in memory. */
	if (!rc && !is_memory(s->path) && strcmp(got.text, want) != 0)
		rc = rrd__fail(RRD_E_STORE, "sqlite store: \"%s\" cannot use journal mode %s "
					    "(it stays %s)",
			       s->path, want, got.found ? got.text : "unknown");
	return rc;
}

static rrd_status open_connection(rrd_sqlite *s, const rrd_store_sqlite_options *o)
{
	/* The handle's mutex serialises every use of the connection, so
	 * SQLite's own is not needed. */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (o->create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_NOMEM)
			return rrd__nomem();
		return rrd__fail(RRD_E_STORE, "sqlite store: cannot open \"%s\": %s", s->path,
				 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, (int)o->busy_timeout_ms);
	char sync[40];
	snprintf(sync, sizeof sync, "PRAGMA synchronous = %d", (int)o->synchronous);
	/* The version first: a file that is refused is left as it was,
	 * journal mode included. */
	int64_t version;
	rrd_status st = rrd__sq_schema_check(s, &version);
	if (!st)
		st = set_journal(s, o->journal);
	if (!st)
		st = rrd__sq_run_text(s, sync, "setting up the connection");
	if (!st)
		st = rrd__sq_schema_upgrade(s, version);
	/* From here on, a data version that moves is another's commit. */
	rrd__sq_note(s);
	return st;
}

RRD_API rrd_status rrd_store_sqlite_open(rrd_store **out, const char *path,
					 const rrd_store_sqlite_options *opts)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	*out = NULL;
	if (!path || !*path)
		return rrd__fail(RRD_E_INVALID, "sqlite store: the path must not be NULL or empty");
	rrd_store_sqlite_options o;
	rrd_status rc = read_options(opts, &o);
	if (rc || (rc = check_path(path, o.create)))
		return rc;
	rrd_sqlite *s = rrd__calloc(1, sizeof *s);
	if (!s)
		return rrd__nomem();
	pthread_mutexattr_t attr;
	int mu_failed = pthread_mutexattr_init(&attr) ||
			pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) ||
			pthread_mutex_init(&s->mu, &attr);
	pthread_mutexattr_destroy(&attr);
	if (mu_failed) {
		rrd__free(s);
		return rrd__fail(RRD_E_STORE, "sqlite store: cannot create a mutex");
	}
	s->busy_ms = o.busy_timeout_ms;
	if (!(s->path = rrd__strdup(path)))
		rc = rrd__nomem();
	if (!rc)
		rc = open_connection(s, &o);
	if (!rc)
		rc = rrd_store_new(out, &sqlite_methods, s);
	if (rc)
		sq_close(s);
	return rc;
}
