/*
 * librrdist: the stores that ship with the library.
 *
 * A store keeps a distributor's configuration and state. Several
 * distributors may share one store; each operation is one store
 * transaction. The library ships an in-memory store, a SQLite store and
 * a PostgreSQL store. Backend authors implementing their own store
 * include rrdist/sys/store.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_STORE_H
#define RRDIST_STORE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Create an empty in-memory store: the reference store, for tests,
 * simulation and hosts that persist nothing.
 *
 * @param out  receives the store; the caller owns it (rrd_store_free).
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 * Thread-safe: yes; the store serialises its own transactions, so several
 * distributors (in several threads) may share it.
 */
RRD_API rrd_status rrd_store_memory_new(rrd_store **out);

/** How a SQLite store keeps its journal (rrd_store_sqlite_options.journal). */
typedef enum rrd_sqlite_journal {
	/** Write-ahead log: readers never wait for the writer, and a commit
	 * writes only the log. The default; the file must be on a local file
	 * system (not NFS), as SQLite's WAL needs shared memory. */
	RRD_SQLITE_JOURNAL_WAL = 0,
	/** A rollback journal deleted at each commit: for file systems that
	 * cannot share memory. Readers and the writer wait for each other. */
	RRD_SQLITE_JOURNAL_DELETE = 1
} rrd_sqlite_journal;

/** When a SQLite store waits for the disk (rrd_store_sqlite_options.synchronous).
 * The numbers are SQLite's own (PRAGMA synchronous). */
typedef enum rrd_sqlite_sync {
	/** Never: an operating system crash or a power loss may lose
	 * commits or damage the file. A crash of the process loses nothing. */
	RRD_SQLITE_SYNC_OFF = 0,
	/** The default. With the WAL, a power loss may lose the last commits
	 * but never damages the file; a crash of the process loses nothing. */
	RRD_SQLITE_SYNC_NORMAL = 1,
	/** At every commit: a commit survives a power loss too. */
	RRD_SQLITE_SYNC_FULL = 2
} rrd_sqlite_sync;

/** Options of rrd_store_sqlite_open. Start from RRD_STORE_SQLITE_OPTIONS_INIT. */
typedef struct rrd_store_sqlite_options {
	unsigned int version;          /**< RRD_STORE_SQLITE_OPTIONS_VERSION */
	rrd_sqlite_journal journal;    /**< default RRD_SQLITE_JOURNAL_WAL */
	rrd_sqlite_sync synchronous;   /**< default RRD_SQLITE_SYNC_NORMAL */
	/**
	 * How long a transaction waits for another connection's write lock
	 * before its operation fails with RRD_E_RETRY, in milliseconds
	 * (default 5000; 0 does not wait).
	 */
	unsigned int busy_timeout_ms;
	/** Nonzero (the default): make the file when there is none. 0: a
	 * missing file is refused with RRD_E_NOTFOUND. */
	int create;
} rrd_store_sqlite_options;

#define RRD_STORE_SQLITE_OPTIONS_VERSION 1
#define RRD_STORE_SQLITE_OPTIONS_INIT                                                 \
	{ RRD_STORE_SQLITE_OPTIONS_VERSION, RRD_SQLITE_JOURNAL_WAL, RRD_SQLITE_SYNC_NORMAL, \
	  5000, 1 }

/**
 * Open a store kept in a SQLite database file: the embedded, durable
 * store. What a commit made visible survives the process; distributors
 * opened again on the file (after a restart, or in another process) carry
 * on where it left off.
 *
 * The store keeps its tables (named rrd_*) in the file, and makes them the
 * first time. The file records the version of their layout: one written
 * by an older library is upgraded on open, in one transaction; one
 * written by a newer library is refused, unchanged.
 *
 * @param out   receives the store; the caller owns it (rrd_store_free,
 *              which closes the file), and frees it only after every
 *              distributor using it.
 * @param path  the database file, as the operating system names it (not a
 *              URI); copied. ":memory:" makes a private database that
 *              lives as long as the handle.
 * @param opts  NULL for the defaults: the write-ahead log, synchronous
 *              NORMAL, a busy timeout of 5 seconds, the file made if
 *              missing. Read only during the call.
 * @return RRD_OK; RRD_E_INVALID (out or path NULL, path empty, a
 *         directory, or a file that is not a SQLite database; an option
 *         out of range); RRD_E_NOTFOUND (no such file and opts->create is
 *         0); RRD_E_VERSION (an unknown options version, or a file whose
 *         layout is newer than this library's: the message names both
 *         versions); RRD_E_RETRY (another connection held the file's
 *         write lock past the busy timeout while the tables were made or
 *         upgraded); RRD_E_UNSUPPORTED (the library was built without
 *         SQLite); RRD_E_STORE (SQLite failed: the file cannot be opened
 *         or is damaged; rrd_error_last() has SQLite's message);
 *         RRD_E_NOMEM. On failure *out is NULL and nothing was changed
 *         but, when `create` allowed it, an empty database file.
 *
 * Thread-safe: yes. A handle is one SQLite connection and serialises
 * what goes through it: several distributors, in several threads, may
 * share it, and take turns transaction by transaction. For work in
 * parallel, open a handle per thread or per process on the same file:
 * SQLite lets one of them write at a time (the others wait up to the busy
 * timeout, then report RRD_E_RETRY, which the distributor retries), and
 * with the write-ahead log readers never wait.
 */
RRD_API rrd_status rrd_store_sqlite_open(rrd_store **out, const char *path,
					 const rrd_store_sqlite_options *opts);

/** Options of rrd_store_pg_open. */
typedef struct rrd_store_pg_options {
	unsigned int version; /**< RRD_STORE_PG_OPTIONS_VERSION */
	/** The PostgreSQL schema the store's tables are in, made if missing;
	 *  several stores may share a database, each in its own. NULL:
	 *  "rrdist". */
	const char *schema;
	/** How long a statement waits for another transaction's row lock
	 *  before the operation is run again (RRD_E_RETRY). 0: 10,000 ms. */
	int lock_timeout_ms;
} rrd_store_pg_options;

#define RRD_STORE_PG_OPTIONS_VERSION 1
#define RRD_STORE_PG_OPTIONS_INIT { RRD_STORE_PG_OPTIONS_VERSION, NULL, 0 }

/**
 * Open a store in a PostgreSQL database, for several application servers
 * sharing one store: their distributors share cursors, counters, offers,
 * timers, jobs and durable events through the database.
 *
 * It is a concurrent store (rrdist/sys/store.h): operations that touch
 * different pools and agents run at the same time, each transaction at
 * REPEATABLE READ, and one that lost a race with another writer is run
 * again by the library (rrd_distributor_options.max_retries). A plain
 * round-robin submit takes two round trips. The tables live in the
 * options' schema, created on first open; an older schema is brought up
 * to date, a newer one refused. Commits are as durable as the server's
 * synchronous_commit makes them.
 *
 * @param out       receives the store; the caller owns it (rrd_store_free).
 * @param conninfo  a libpq connection string or URI ("" for libpq's
 *                  defaults and PG* environment variables); copied.
 * @param opts      NULL for the defaults; copied.
 * @return RRD_OK; RRD_E_INVALID; RRD_E_VERSION (an options table of an
 *         unknown version, or a schema newer than this library);
 *         RRD_E_STORE (connecting or preparing failed; rrd_error_last()
 *         has the server's message); RRD_E_NOMEM; RRD_E_UNSUPPORTED (built
 *         without libpq).
 * Threading: a handle is one connection. Distributors that share a handle
 * take turns on it, a transaction at a time; for work in parallel, give
 * each worker thread (or process) a handle of its own, and its own
 * distributor on it. A handle whose connection is lost connects again at
 * its next transaction.
 */
RRD_API rrd_status rrd_store_pg_open(rrd_store **out, const char *conninfo,
				     const rrd_store_pg_options *opts);

/**
 * Close a store and free its handle. Free every distributor using it
 * first. NULL is ignored.
 */
RRD_API void rrd_store_free(rrd_store *store);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_STORE_H */
