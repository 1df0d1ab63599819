/*
 * librrdist: the storage interface, for authors of store backends.
 *
 * A host that keeps distribution state in its own database implements this
 * table of callbacks. The library ships three stores written against it:
 * memory (rrd_store_memory_new, the reference), SQLite and PostgreSQL
 * (rrdist/store.h).
 *
 * The model is a transactional key-value store with a few typed extras.
 *
 * TRANSACTIONS
 *
 * Every distributor operation runs as one transaction: begin, reads and
 * writes, then commit, or rollback on any failure. Every callback but
 * close, lock_acquire and lock_release runs inside a transaction, between
 * begin and its commit or rollback, and is part of it: the writes, the
 * timers set, cleared and popped, all become visible together at commit
 * and are all undone by rollback. begin(RRD_TXN_READ_ONLY) opens a
 * transaction that will only read; the library ends it with rollback.
 *
 * A store is one of two kinds, which begin() tells by the generation it
 * reports.
 *
 * - A serial store runs one write transaction at a time, store-wide: its
 *   begin() waits for the write lock (a SQL store takes BEGIN IMMEDIATE),
 *   then reports the generation, a number that tells a distributor
 *   whether anyone else committed since it last looked. The handle may
 *   keep it in memory; the library needs only this of it:
 *   - every commit through the handle, whether the transaction wrote
 *     anything or not, adds exactly one to it;
 *   - it moves whenever anyone else committed a change: another
 *     distributor on the handle, another handle or another process on
 *     the same data. A begin after such a commit reports a number that
 *     the handle never reported nor left before;
 *   - it never goes back while the handle lives, and a rollback leaves
 *     it as it was.
 *   A distributor that finds the generation it left after its own last
 *   commit knows that nobody else wrote since, and keeps what it holds in
 *   memory; any other value makes it read afresh. That is how the memory
 *   and SQLite stores make hot paths read nothing. A read-only
 *   transaction need not take the write lock; it reports the generation
 *   as of the snapshot it reads.
 * - A concurrent store (RRD_STORE_NO_GENERATION) runs transactions at the
 *   same time, and contention comes only from the keys they write. The
 *   store must give each transaction a consistent view (a snapshot taken
 *   at its first read) and must refuse, with RRD_E_RETRY, a transaction
 *   that writes or deletes a key that another transaction wrote, deleted
 *   or inserted and committed after this one's snapshot was taken; so
 *   must it refuse the insertion of a key another transaction inserted
 *   meanwhile ("first committer wins", what PostgreSQL's REPEATABLE READ
 *   does). It may refuse at the write or at commit. The library then
 *   reads afresh in every transaction, asking for the keys it expects to
 *   need in one get_many, and writes only at the end, so a networked
 *   store can send the reads in one round trip and the writes with the
 *   commit in another, holding a row lock only while it commits.
 *
 * What the library does with the answers:
 * - RRD_E_RETRY (a serialization failure, a deadlock, a lock wait that
 *   timed out) from any callback inside a transaction makes the library
 *   roll back and run the whole operation again from the start, a bounded
 *   number of times (rrd_distributor_options.max_retries), after a
 *   random wait that grows with each lost race. From the fourth run on it
 *   begins with RRD_TXN_EXCLUSIVE, which a store that honours it makes
 *   the last. When the retries run out the operation returns
 *   RRD_E_RETRY, having changed nothing; the host may try again later.
 * - After a failed commit the library calls rollback, which must succeed
 *   as a no-op when the store already ended the transaction. A store
 *   whose commit cannot tell whether the transaction committed (a
 *   connection lost during COMMIT) returns RRD_E_STORE; the library then
 *   drops everything it holds in memory and reads afresh.
 * - rollback must leave the store exactly as it was before begin. Its
 *   return value is not checked: a rollback that fails must still never
 *   keep any of the transaction's writes.
 *
 * What must be durable: everything a commit made visible (not a serial
 * store's generation, which a distributor only compares with what the
 * same handle reported before). The library never keeps in memory what
 * it cannot read back: a process that dies at any instant leaves the
 * store as of its last commit.
 *
 * ENTRIES
 *
 * - Values are opaque bytes that the library encodes (JSON for
 *   configuration, compact versioned binary forms for records, counters
 *   and strategy state). They may hold any byte, NUL included; a store
 *   keeps them as they are (a SQL store binds them as blobs).
 * - Keys are NUL-terminated byte strings of 1 to RRD_STORE_KEY_MAX bytes:
 *   UTF-8 without control characters, except that a composite key joins
 *   its parts with the unit separator 0x1F. They may hold quotes,
 *   backslashes, '%' and '_': a SQL store passes keys only as bound
 *   parameters and matches a prefix by comparing bytes, never with LIKE.
 *   Keys compare bytewise, as unsigned bytes (memcmp): PostgreSQL needs a
 *   bytea column or COLLATE "C".
 * - The namespaces are those of rrd_store_ns, and the list only grows. A
 *   store whose table is version 3 or later accepts every one of them
 *   (keep room for a few more, and a newer library will find it): the
 *   library writes RRD_NS_BY_OWNER only to such a store, and a prefix
 *   scan of it should cost what it returns (keys kept in order, as a SQL
 *   store's B-tree keeps them), since the library reads it to avoid
 *   reading every record.
 * - Every entry carries an `order` number; scans return entries by
 *   ascending order, then by key. The library uses it for the order
 *   calendars, agents and pools were first added in (each keeps its
 *   number when it changes), rule order, record creation order, queue
 *   order and outbox order.
 * - Timers (offer deadlines) are stored with their due time; timer_pop
 *   hands out each due timer once, whichever process asks: a timer that
 *   one open transaction popped is not handed to another (a SQL store
 *   uses FOR UPDATE SKIP LOCKED, or its write lock), and comes back if
 *   that transaction rolls back.
 *
 * LIFETIMES
 *
 * A value handed out by get, get_many or scan belongs to the store and
 * stays valid until the next call on the same store handle, whichever
 * distributor makes it; the library copies what it keeps before calling
 * again. Everything the library passes in (keys, values, arrays) is valid
 * only for the call; the store copies what it keeps.
 *
 * STATUSES
 *
 * Every callback returns RRD_OK or a negative rrd_status: RRD_E_NOTFOUND
 * and RRD_E_EXISTS where documented; RRD_E_RETRY when the transaction
 * lost a race with another writer (above), or waited for a lock longer
 * than the store's timeout; RRD_E_BUSY only from lock_acquire;
 * RRD_E_NOMEM; anything else as RRD_E_STORE. A callback may set the message with rrd_store_error().
 * Tables of version 1 and 2 predate RRD_E_RETRY: their RRD_E_BUSY from a
 * callback other than lock_acquire means it, and the library reads it so.
 *
 * The table begins with a version and only ever grows at the end; an
 * optional callback left NULL means "not supported" and the library falls
 * back or returns RRD_E_UNSUPPORTED.
 *
 * THREADING
 *
 * The library calls a store handle from one thread at a time for a given
 * distributor, and one transaction at a time per handle. Several
 * distributors may share one handle, in which case the store must
 * serialise their transactions itself (the memory store does). Handles
 * that share one database (one per thread, or per process) are how a
 * store lets work run in parallel.
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
	RRD_NS_AGENT_STATE = 7,   /**< agent id -> counters (open, today, last assignment),
				   *   then (tables of version 3 on) the newest part of the
				   *   index of its records (RRD_NS_BY_OWNER) */
	RRD_NS_STRATEGY = 8,      /**< pool id 0x1F strategy name [0x1F member] -> strategy state */
	RRD_NS_ROUTING = 9,       /**< record id -> live routing (offers, offered set) */
	RRD_NS_QUEUE = 10,        /**< record id -> queue entry; order = queue sequence */
	RRD_NS_JOB = 11,          /**< job id -> job summary */
	RRD_NS_JOURNAL = 12,      /**< job id 0x1F 0x1F batch's first pick -> its records
				   *   before the job (earlier releases: job id 0x1F
				   *   record id -> that record) */
	RRD_NS_OUTBOX = 13,       /**< event id -> event not yet acknowledged; order = time */
	RRD_NS_BY_OWNER = 14      /**< owner id 0x1F 'b' 0x1F block id -> a block of the
				   *   index of the owner's records (their orders, statuses
				   *   and ids), owner id 0x1F 'd' 0x1F block id -> the orders
				   *   it spans; order 0. The library keeps it in the same
				   *   transactions as the records, in a store whose table
				   *   is version 3 or later (not the memory store), and
				   *   reads an owner's records from it instead of every
				   *   record */
} rrd_store_ns;

/** The longest key the library writes, in bytes, without the NUL. */
#define RRD_STORE_KEY_MAX 1023

/** Flags for begin(). A store ignores the flags it does not know. */
#define RRD_TXN_READ_ONLY 1u  /**< the transaction will only read; it ends with rollback */
/**
 * The operation has lost several races in a row (a concurrent store
 * only): run this transaction with no other write transaction at the
 * same time, so that it cannot lose again. A store may, for example,
 * have every write transaction take a store-wide lock shared and this
 * one take it exclusively, before its snapshot; once it waits for the
 * lock, new writers queue behind it. A store that cannot may ignore it:
 * the operation then runs again as usual, up to its retries.
 */
#define RRD_TXN_EXCLUSIVE 2u

/** The generation a concurrent store reports from begin(): it keeps none. */
#define RRD_STORE_NO_GENERATION UINT64_MAX

/** Called by scan for each entry; return nonzero to stop the scan early. */
typedef int (*rrd_store_each_fn)(void *ctx, const char *key, const void *value,
				 size_t len, int64_t order);

typedef struct rrd_store_methods {
	unsigned int version; /**< RRD_STORE_METHODS_VERSION */

	/** Release the store's resources (rrd_store_free calls it). Optional. */
	void (*close)(void *self);

	/**
	 * Start a transaction (flags: RRD_TXN_READ_ONLY, RRD_TXN_EXCLUSIVE,
	 * or 0) and report the
	 * generation: a serial store's, read once it holds its write lock
	 * (or, read-only, of the snapshot it reads), or
	 * RRD_STORE_NO_GENERATION. A networked store may defer its BEGIN to
	 * the first statement. @return RRD_OK, RRD_E_RETRY (the write lock
	 * stayed taken longer than the store waits) or a failure. Required.
	 */
	int (*begin)(void *self, unsigned int flags, uint64_t *generation);
	/**
	 * Make the transaction's writes durable and visible, all of them or
	 * none; a serial store's generation goes up by one, even when the
	 * transaction wrote nothing (and may when the commit failed).
	 * @return RRD_OK, RRD_E_RETRY (lost a race; nothing was written) or
	 * a failure (the library then calls rollback). Required.
	 */
	int (*commit)(void *self);
	/**
	 * Discard the transaction: the store is as it was before begin. Also
	 * called after a failed commit, where it must do nothing if the store
	 * already ended the transaction. Its status is not checked. Required.
	 */
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
	 * bytes (cap > RRD_ID_MAX * 2 + 1). The removal is part of the
	 * transaction: rollback puts the timer back. @return RRD_OK or
	 * RRD_E_NOTFOUND. Required.
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

	/* ---- version 3 ---- */

	/**
	 * Read `n` entries, each of its own namespace, in one call: what n
	 * gets would return, in the same order. For entry i, found[i] is set
	 * to 1 and values[i], lens[i] and (when `orders` is not NULL)
	 * orders[i] to the entry, or found[i] to 0 when there is none. The
	 * values stay valid until the next call on this store. A key may
	 * appear twice. A concurrent store reads them all from one snapshot,
	 * in one round trip; the library asks in one call for every key an
	 * operation is known to need. Optional: without it the library calls
	 * get for each key. @return RRD_OK (whether or not each was found),
	 * RRD_E_RETRY or a failure.
	 */
	int (*get_many)(void *self, size_t n, const int *ns, const char *const *keys,
			const void **values, size_t *lens, int64_t *orders,
			unsigned char *found);
	/**
	 * Delete the entries of `n` keys of `ns`, as that many dels would,
	 * except that a key with no entry is not an error. The library
	 * clears a job's journal and acknowledged events through it.
	 * Optional: without it the library calls del for each key.
	 * @return RRD_OK, RRD_E_RETRY or a failure.
	 */
	int (*del_many)(void *self, int ns, size_t n, const char *const *keys);

	/* ---- version 4 ---- */

	/**
	 * Insert `n` entries of `ns` that must be new: as put_many, except
	 * that when one of the keys has an entry already, or is given twice,
	 * it returns RRD_E_EXISTS. The library then rolls the transaction
	 * back, so what the call wrote before it found one need not be
	 * undone. The library writes a batch's new records through it, so
	 * that it need not first ask whether each id is taken: a SQL store's
	 * insert finds out anyway, in the same statement. A networked store
	 * may send it without waiting and report RRD_E_EXISTS from a later
	 * call of the transaction (commit included). Optional: without it
	 * the library asks with has_many and writes with put_many.
	 * @return RRD_OK, RRD_E_EXISTS, RRD_E_RETRY or a failure.
	 */
	int (*add_many)(void *self, int ns, size_t n, const char *const *keys,
			const void *const *values, const size_t *lens,
			const int64_t *orders);
} rrd_store_methods;

#define RRD_STORE_METHODS_VERSION 4

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
