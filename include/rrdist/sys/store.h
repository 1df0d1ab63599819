/*
 * librrdist: the storage interface, for authors of store backends.
 *
 * A host that keeps distribution state in its own database implements this
 * table of callbacks; the library ships an in-memory store
 * (rrd_store_memory_new) that is the reference implementation.
 *
 * The model is a transactional key-value store with a few typed extras:
 *
 * - Every distributor operation runs inside one transaction: begin, then
 *   reads and writes, then commit, or rollback on any failure, which must
 *   leave the store exactly as it was. Only one write transaction runs at a
 *   time per store (a SQL store takes BEGIN IMMEDIATE, or locks a row with
 *   SELECT ... FOR UPDATE), which is what makes shared cursors and counters
 *   atomic across processes.
 * - begin() reports the store's generation: a number that every commit
 *   increases by exactly one. A distributor that sees the generation it
 *   left keeps its in-memory copies; any other value (another process or
 *   distributor committed) makes it read state afresh. That is how hot
 *   paths avoid reading the store while several processes stay correct.
 * - Values are opaque bytes that the library encodes (JSON for
 *   configuration, compact versioned binary forms for records, counters
 *   and strategy state). A store keeps them as they are.
 * - Every entry carries an `order` number; scans return entries by
 *   ascending order, then by key (bytewise). The library uses it for the
 *   order calendars, agents and pools were first added in (each keeps its
 *   number when it changes), rule order, record creation order and queue
 *   order.
 * - Timers (offer deadlines) are stored with their due time; timer_pop
 *   hands out each due timer once, whichever process asks.
 *
 * Keys are NUL-terminated UTF-8 without control characters, except that a
 * composite key joins its parts with the unit separator 0x1F.
 *
 * Every callback returns RRD_OK or a negative rrd_status; RRD_E_NOTFOUND
 * where documented, RRD_E_BUSY when the store is locked by another process
 * for too long, anything else as RRD_E_STORE. A callback may set the
 * message with rrd_store_error(). The table begins with a version and only
 * ever grows at the end; an optional callback left NULL means "not
 * supported" and the library falls back or returns RRD_E_UNSUPPORTED.
 *
 * Threading: the library calls one store from one thread at a time for a
 * given distributor, but several distributors (or processes) may share a
 * store; the store must serialise its transactions itself.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_SYS_STORE_H
#define RRDIST_SYS_STORE_H

#include "../common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The namespaces the library keeps entries in. Values are fixed. */
typedef enum rrd_store_ns {
	RRD_NS_META = 1,          /**< store-wide values ("config_version", sequences) */
	RRD_NS_CALENDAR = 2,      /**< calendar id -> JSON */
	RRD_NS_AGENT = 3,         /**< agent id -> JSON (configuration) */
	RRD_NS_POOL = 4,          /**< pool id -> JSON (definition, members, join numbers) */
	RRD_NS_RULE = 5,          /**< rule id -> JSON; order = position */
	RRD_NS_RECORD = 6,        /**< record id -> record (binary); order = creation sequence */
	RRD_NS_AGENT_STATE = 7,   /**< agent id -> counters (open, today, last assignment) */
	RRD_NS_STRATEGY = 8,      /**< pool id 0x1F strategy name [0x1F member] -> strategy state */
	RRD_NS_ROUTING = 9,       /**< record id -> live routing (offers, offered set) */
	RRD_NS_QUEUE = 10,        /**< record id -> queue entry; order = queue sequence */
	RRD_NS_JOB = 11,          /**< job id -> job summary */
	RRD_NS_JOURNAL = 12       /**< job id 0x1F 0x1F batch's first pick -> its records
				   *   before the job (earlier releases: job id 0x1F
				   *   record id -> that record) */
} rrd_store_ns;

/** Flags for begin(). */
#define RRD_TXN_READ_ONLY 1u  /**< the transaction will not write (a hint) */

/** Called by scan for each entry; return nonzero to stop the scan early. */
typedef int (*rrd_store_each_fn)(void *ctx, const char *key, const void *value,
				 size_t len, int64_t order);

typedef struct rrd_store_methods {
	unsigned int version; /**< RRD_STORE_METHODS_VERSION */

	/** Release the store's resources (rrd_store_free calls it). Optional. */
	void (*close)(void *self);

	/** Start a transaction; report the current generation. Required. */
	int (*begin)(void *self, unsigned int flags, uint64_t *generation);
	/** Make the transaction's writes durable and visible; generation += 1. Required. */
	int (*commit)(void *self);
	/** Discard the transaction's writes. Must not fail in a way that keeps them. Required. */
	int (*rollback)(void *self);

	/**
	 * Read an entry. *value stays valid until the next call on this store.
	 * `order` may be NULL. @return RRD_OK or RRD_E_NOTFOUND. Required.
	 */
	int (*get)(void *self, int ns, const char *key, const void **value,
		   size_t *len, int64_t *order);
	/** Insert or replace an entry. Required. */
	int (*put)(void *self, int ns, const char *key, const void *value,
		   size_t len, int64_t order);
	/** Delete an entry. @return RRD_OK, or RRD_E_NOTFOUND when absent. Required. */
	int (*del)(void *self, int ns, const char *key);
	/**
	 * Visit the entries of `ns` whose key starts with `prefix` ("" for
	 * all), by ascending order then key. The callback must not call the
	 * store. Required.
	 */
	int (*scan)(void *self, int ns, const char *prefix, rrd_store_each_fn each,
		    void *ctx);

	/**
	 * Set (or move) the timer named `key` to fire at `due`. `seq` orders
	 * timers due at the same instant (lower first). Required.
	 */
	int (*timer_set)(void *self, const char *key, rrd_time due, int64_t seq);
	/** Remove a timer. @return RRD_OK or RRD_E_NOTFOUND. Required. */
	int (*timer_clear)(void *self, const char *key);
	/** Earliest due time. @return RRD_OK or RRD_E_NOTFOUND (no timers). Required. */
	int (*timer_next)(void *self, rrd_time *due);
	/**
	 * Remove and return the earliest timer due at or before `now` (by due,
	 * then seq), writing its key (NUL-terminated) into `key` of `cap`
	 * bytes (cap > RRD_ID_MAX * 2 + 1). @return RRD_OK or RRD_E_NOTFOUND.
	 * Required.
	 */
	int (*timer_pop)(void *self, rrd_time now, char *key, size_t cap, rrd_time *due);

	/**
	 * Take the store-wide lock `name` for `owner` until `expires` (so a
	 * crashed process does not hold it forever). Runs outside any
	 * transaction and commits at once. The lease covers the instants
	 * before `expires`: a lock is free at `now >= expires` (so also when
	 * `expires == now`), and held at `now < expires`. Taking a lock one
	 * already holds renews it with the new `expires`; so does taking it
	 * again after its lease ran out, when no other owner took it since.
	 * Owners are compared as strings, byte for byte: the library makes
	 * a name of its own for each holder (host, process id, a random
	 * token and a serial), so two processes never share one.
	 * @return RRD_OK, or RRD_E_BUSY when another owner holds it and
	 * `now < expires` of that owner's lease. Required.
	 */
	int (*lock_acquire)(void *self, const char *name, const char *owner,
			    rrd_time now, rrd_time expires);
	/**
	 * Release a lock `owner` holds, whether or not its lease ran out
	 * (unless another owner took it since). The library does not wait
	 * for a release that fails: the lock then stays until its lease ends.
	 * @return RRD_OK or RRD_E_NOTFOUND (`owner` does not hold it). Required.
	 */
	int (*lock_release)(void *self, const char *name, const char *owner);

	/**
	 * Insert or replace many entries of one namespace at once, exactly as
	 * that many puts in array order would (a key given twice keeps its
	 * last value). The library writes the records of a batch or of a bulk
	 * move through it, so a SQL store can write them in one statement.
	 * Optional: without it the library calls put for each entry.
	 */
	int (*put_many)(void *self, int ns, size_t n, const char *const *keys,
			const void *const *values, const size_t *lens,
			const int64_t *orders);

	/* ---- version 2 ---- */

	/**
	 * Whether each of `n` keys of `ns` has an entry, as get would find
	 * it: present[i] is set to 1 or 0. It answers in one call what get
	 * would take n calls for (the ids of a batch of new records), so a
	 * SQL store can ask once. Optional: without it the library calls get
	 * for each key. @return RRD_OK or a failure.
	 */
	int (*has_many)(void *self, int ns, size_t n, const char *const *keys,
			unsigned char *present);
} rrd_store_methods;

#define RRD_STORE_METHODS_VERSION 2

/**
 * Wrap a backend in a store handle.
 *
 * @param out      receives the store; the caller owns it (rrd_store_free),
 *                 and must free it only after every distributor using it.
 * @param methods  the table; copied. Must live only for this call.
 * @param self     the backend's own state, passed to every callback.
 * @return RRD_OK; RRD_E_VERSION (unknown table version); RRD_E_INVALID (a
 *         required callback is NULL); RRD_E_NOMEM.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_store_new(rrd_store **out, const rrd_store_methods *methods,
				 void *self);

/**
 * For a backend's callbacks: set the calling thread's last-error message
 * (what rrd_error_last() will return), and return `status` unchanged.
 */
RRD_API rrd_status rrd_store_error(rrd_status status, const char *message);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_SYS_STORE_H */
