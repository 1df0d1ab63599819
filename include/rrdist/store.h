/*
 * librrdist: the stores that ship with the library.
 *
 * A store keeps a distributor's configuration and state. Several
 * distributors may share one store; each operation is one store
 * transaction. Backend authors implementing their own store include
 * rrdist/sys/store.h.
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
