/*
 * librrdist: the distributor, which decides who gets each record.
 *
 * A distributor works on a store (rrd_store_memory_new, or the host's own
 * through rrdist/sys/store.h) and tells the host what happened through one
 * event callback. Every operation is one store transaction: it either
 * happens whole, or fails with a status, a message (rrd_error_last) and no
 * change at all. Events go out only after the commit.
 *
 * Threading: every rrd_distributor_* call is safe from any thread; the
 * distributor serialises them. Callbacks (events, clock, custom strategies)
 * follow the rules written beside each.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_DISTRIBUTOR_H
#define RRDIST_DISTRIBUTOR_H

#include "common.h"
#include "event.h"
#include "sys/strategy.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The distributor's clock: current UTC time. Called with the lock held;
 * must not call the library. A time before RRD_TIME_MIN or after
 * RRD_TIME_MAX is taken as that bound.
 */
typedef rrd_time (*rrd_clock_fn)(void *user);

typedef struct rrd_distributor_options {
	unsigned int version;       /**< RRD_DISTRIBUTOR_OPTIONS_VERSION */
	rrd_clock_fn clock;         /**< NULL: the system's real-time clock */
	void *clock_user;
	rrd_event_fn on_event;      /**< NULL: events are dropped */
	void *event_user;
	int explain;                /**< 1: events carry the members a pick skipped */
	uint64_t seed;              /**< seed of the random strategy */
	int64_t redistribute_max;   /**< most records one redistribution may move; 0: 15000;
				     RRD_REDISTRIBUTE_NONE: none */
	/* ---- version 2 (1.1) ---- */
	/**
	 * How many times an operation runs again, from the start, when the
	 * store reports that it lost a race with another writer (RRD_E_RETRY,
	 * see rrdist/sys/store.h); then it fails with RRD_E_RETRY, having
	 * changed nothing. 0: 8. RRD_RETRY_NONE: never.
	 */
	int max_retries;
	/**
	 * 1: events are durable. Each is written to the store's outbox in
	 * the transaction that makes it true, delivered after commit, and
	 * its entry deleted once the callback has returned (in the
	 * distributor's next write transaction, or when it is freed). A
	 * crash between commit and that deletion leaves the entry, which
	 * rrd_distributor_redeliver() delivers again: delivery is at least
	 * once, and rrd_event_id() is what to deduplicate on. Without an
	 * on_event callback, entries stay for another process to deliver.
	 * 0 (the default): events live in memory only.
	 */
	int durable_events;
} rrd_distributor_options;

/** For rrd_distributor_options.max_retries: an operation runs once. */
#define RRD_RETRY_NONE (-1)

/**
 * For rrd_distributor_options.redistribute_max: no redistribution may move
 * a record. A job or preview that would move one fails with RRD_E_LIMIT;
 * one that would move none still runs. (0 cannot say this: in the options
 * table it has always meant the default, 15,000.) Added in 1.1; a 1.0
 * library refuses it with RRD_E_INVALID, as any other negative value.
 */
#define RRD_REDISTRIBUTE_NONE (-1)

#define RRD_DISTRIBUTOR_OPTIONS_VERSION 2
#define RRD_DISTRIBUTOR_OPTIONS_INIT { RRD_DISTRIBUTOR_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0 }

/**
 * Fill `opts` with the defaults of table `version`.
 * @return RRD_OK, RRD_E_INVALID (NULL), RRD_E_VERSION.
 */
RRD_API rrd_status rrd_distributor_options_init(rrd_distributor_options *opts,
						unsigned int version);

/**
 * Create a distributor on a store, loading the configuration it holds.
 *
 * @param out    receives the distributor; the caller owns it
 *               (rrd_distributor_free).
 * @param store  borrowed: must outlive the distributor. Several
 *               distributors may share one store.
 * @param opts   NULL for the defaults; copied.
 * @return RRD_OK; RRD_E_INVALID; RRD_E_VERSION (options table);
 *         RRD_E_NOMEM; RRD_E_STORE and others from the store.
 */
RRD_API rrd_status rrd_distributor_new(rrd_distributor **out, rrd_store *store,
				       const rrd_distributor_options *opts);

/**
 * Free a distributor. NULL is ignored. No call on it may be running or
 * start afterwards; not from its own event callback.
 */
RRD_API void rrd_distributor_free(rrd_distributor *dist);

/** The distributor's current time (its clock). */
RRD_API rrd_time rrd_distributor_now(rrd_distributor *dist);

/**
 * Deliver again the events left in the store's outbox (durable events,
 * rrd_distributor_options.durable_events) by distributors that did not
 * see them delivered: a process that crashed, or one with no callback.
 * Entries at least `min_age` ms old by this distributor's clock are
 * delivered to this distributor's callback, in the order they happened,
 * as its own events are (after the call's transaction, on this thread or
 * the one delivering), and their entries deleted as for its own. The
 * distributor's own events are never taken: it delivers them itself.
 *
 * Several processes may call it at once; an event may then reach two of
 * them. Run it when a process starts and now and then after, with a
 * `min_age` longer than an operation takes, so that the events of a live
 * process are left to it. A distributor without a callback takes none.
 *
 * @param count  may be NULL; receives how many events were taken.
 * @return RRD_OK; RRD_E_INVALID (NULL distributor, negative min_age);
 *         RRD_E_STORE (an entry that is not an event: nothing is taken)
 *         and others from the store.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_distributor_redeliver(rrd_distributor *dist, int64_t min_age,
					     size_t *count);

/* ---- configuration ----------------------------------------------------- */

/**
 * Add a calendar, or replace the one with its id. The calendar is copied;
 * the caller still owns it.
 *
 * A calendar with no open hours on any day is refused: it would never
 * open, so a claim window counted in its open time would never end and
 * every record routed through it would fail. (Configuration documents and
 * scenarios refuse one too.)
 *
 * @return RRD_OK; RRD_E_INVALID (NULL arguments, or no open hours; the
 *         distributor is unchanged); RRD_E_NOMEM; store errors.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_distributor_put_calendar(rrd_distributor *dist,
						const rrd_calendar *cal);

/**
 * A copy of calendar `id`. @param out receives it; the caller owns it.
 * @return RRD_OK, RRD_E_UNKNOWN_CALENDAR, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_distributor_get_calendar(rrd_distributor *dist, const char *id,
						rrd_calendar **out);

/**
 * Add an agent, or update the one with its id (its live counters stay).
 * The agent is copied. Agents are never removed, only made inactive, so
 * history keeps its references.
 * @return RRD_OK; RRD_E_INVALID; RRD_E_UNKNOWN_CALENDAR (the agent names a
 *         calendar the distributor lacks); RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_put_agent(rrd_distributor *dist,
					     const rrd_agent *agent);

/**
 * A copy of agent `id`, with its live counters (rrd_agent_open_count ...).
 * @return RRD_OK, RRD_E_UNKNOWN_AGENT, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_distributor_get_agent(rrd_distributor *dist, const char *id,
					     rrd_agent **out);

/**
 * Number of agents, as the store has them now (other distributors' changes
 * included). The result is a count, not a status, so a store failure is
 * reported through the last error: when the store cannot be read, the
 * count is what the distributor knows after the failure (0 if it failed
 * while reading the configuration again), and rrd_error_last_status()
 * says what failed; when the read succeeds, the last error is left as it
 * was. To tell the two apart, call rrd_error_clear() first and look at
 * rrd_error_last_status() after. 0 for a NULL distributor. Thread-safe.
 */
RRD_API size_t rrd_distributor_agent_count(rrd_distributor *dist);

/**
 * Agent id number `i`, in the order agents were first added. The string is
 * copied into `buf` of `cap` bytes (RRD_ID_MAX + 1 always suffices).
 * @return RRD_OK, RRD_E_NOTFOUND (i out of range), RRD_E_INVALID.
 */
RRD_API rrd_status rrd_distributor_agent_at(rrd_distributor *dist, size_t i,
					    char *buf, size_t cap);

/**
 * Add a pool, or replace the definition of the pool with its id (strategy,
 * window, flags, members). Replacing keeps the pool's cursor and strategy
 * state; members already in the pool keep their place in the join order,
 * new ones join at the end. Members must be existing agents.
 * @return RRD_OK; RRD_E_INVALID (e.g. auto_drain on a piranha pool, an
 *         unregistered custom strategy, kind changed on replace);
 *         RRD_E_UNKNOWN_AGENT; RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_put_pool(rrd_distributor *dist, const rrd_pool *pool);

/**
 * A copy of pool `id`, members in join order.
 * @return RRD_OK, RRD_E_UNKNOWN_POOL, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_distributor_get_pool(rrd_distributor *dist, const char *id,
					    rrd_pool **out);

/**
 * Add an agent to the end of a pool's join order.
 * @return RRD_OK; RRD_E_UNKNOWN_POOL; RRD_E_UNKNOWN_AGENT; RRD_E_EXISTS
 *         (already a member); RRD_E_INVALID; RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_pool_add_member(rrd_distributor *dist,
						   const char *pool_id,
						   const char *agent_id);

/**
 * Remove an agent from a pool. The rotation goes on from where it was: the
 * member after the removed one is next if the removed one was.
 * @return RRD_OK; RRD_E_UNKNOWN_POOL; RRD_E_NOTFOUND (not a member);
 *         RRD_E_INVALID; RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_pool_remove_member(rrd_distributor *dist,
						      const char *pool_id,
						      const char *agent_id);

/**
 * Append a routing rule (copied); rules are tried in the order added.
 * The rule's pool and overflow pools must exist and hold one record kind
 * (the rule's kind, if it names one); its calendar must exist; its
 * strategy must be built in or registered.
 * @return RRD_OK; RRD_E_EXISTS (a rule with that id); RRD_E_UNKNOWN_POOL;
 *         RRD_E_UNKNOWN_CALENDAR; RRD_E_KIND_MISMATCH (pools of different
 *         kinds); RRD_E_INVALID; RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_add_rule(rrd_distributor *dist, const rrd_rule *rule);

/**
 * Replace every rule with `rules[0..n)` (copied), in that order, in one
 * transaction: either all are taken or none. n may be 0 (no rules: every
 * routed record goes to the queue).
 * @return as rrd_distributor_add_rule, for the first rule that fails.
 */
RRD_API rrd_status rrd_distributor_set_rules(rrd_distributor *dist,
					     const rrd_rule *const *rules, size_t n);

/**
 * Number of rules, as the store has them now. A store failure is reported
 * as rrd_distributor_agent_count reports it: through the last error, with
 * the count known after the failure. 0 for a NULL distributor.
 * Thread-safe.
 */
RRD_API size_t rrd_distributor_rule_count(rrd_distributor *dist);

/**
 * A copy of rule number `i` (0 is tried first).
 * @return RRD_OK, RRD_E_NOTFOUND (out of range), RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_distributor_get_rule(rrd_distributor *dist, size_t i, rrd_rule **out);

/**
 * Register a custom strategy under `name` (not a built-in name).
 * @param methods  copied.
 * @param user     passed to the callbacks; the host keeps it alive until
 *                 the distributor is freed (then `release` is called).
 * @param out      receives the strategy id (RRD_STRATEGY_CUSTOM or more).
 * @return RRD_OK, RRD_E_INVALID, RRD_E_EXISTS, RRD_E_VERSION, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_distributor_register_strategy(rrd_distributor *dist,
						     const char *name,
						     const rrd_strategy_methods *methods,
						     void *user, rrd_strategy *out);

/**
 * Find a strategy by name: built-in or registered on this distributor.
 * @return RRD_OK or RRD_E_INVALID.
 */
RRD_API rrd_status rrd_distributor_strategy_parse(rrd_distributor *dist,
						  const char *name, rrd_strategy *out);

/* ---- records ----------------------------------------------------------- */

/** Options for rrd_distributor_submit. */
typedef struct rrd_submit_options {
	unsigned int version;  /**< RRD_SUBMIT_OPTIONS_VERSION */
	const char *pool;      /**< send straight to this pool; NULL: route by the rules */
	int notify;            /**< events say "notify" (1, default) or not (0) */
} rrd_submit_options;

#define RRD_SUBMIT_OPTIONS_VERSION 1
#define RRD_SUBMIT_OPTIONS_INIT { RRD_SUBMIT_OPTIONS_VERSION, NULL, 1 }

/**
 * A new record arrives: store it and give it to someone. The record's id,
 * kind, source, attributes and location are taken from `record` (copied);
 * its distribution fields are set by the distributor.
 *
 * With `opts->pool`, it goes to that pool; without, to the first rule that
 * matches (then the rule's overflow pools), or to the queue
 * (RRD_QUEUE_NO_RULE) when none does. A pool without a claim window gives
 * it to its strategy's pick at once; with one, the pick gets an offer
 * that passes on when it expires or is declined; a piranha pool offers it
 * to every eligible member. Nobody eligible at the first offer queues it
 * with RRD_QUEUE_NO_ELIGIBLE_AGENT; a pool gone round (every offer
 * expired or declined, or max_offers reached) with
 * RRD_QUEUE_POOL_EXHAUSTED. What happened is told through events.
 *
 * @return RRD_OK (assigned, offered or queued); RRD_E_INVALID;
 *         RRD_E_EXISTS (a record has that id); RRD_E_UNKNOWN_POOL;
 *         RRD_E_KIND_MISMATCH; RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_submit(rrd_distributor *dist,
					  const rrd_record *record,
					  const rrd_submit_options *opts);

/**
 * Several new records arrive together (an import, a backlog from a web
 * form): each is stored and routed as rrd_distributor_submit would, in
 * array order, with the same options, all in one store transaction. It is
 * all or nothing: on any failure no record is stored, the store is left
 * as it was, and no event is sent. On success the events are those the
 * same submits one by one would send, in the order of `records`, all at
 * the one time the call read from the clock.
 *
 * One transaction for the lot costs one lock, one commit, and one write of
 * each agent's counters and each pool's cursor, rather than one of each
 * per record; an import is faster this way. Other calls wait while the
 * batch runs, so batches of some hundreds to a few thousand records keep
 * their wait short.
 *
 * @param records  `n` records, none NULL (NULL only when `n` is 0); read,
 *                 not kept: each is copied, as by rrd_distributor_submit,
 *                 and the caller still owns them.
 * @param opts     applied to every record; NULL for the defaults.
 * @param failed   optional; set to the index in `records` of the record
 *                 that made the call fail, or to `n` when it succeeded or
 *                 the failure was not one record's (bad options, the
 *                 commit). rrd_error_last() names the record too.
 * @return RRD_OK (every record assigned, offered or queued); RRD_E_INVALID
 *         (NULL arguments, a NULL record); RRD_E_VERSION; RRD_E_EXISTS (a
 *         record has that id, in the store or earlier in `records`);
 *         RRD_E_UNKNOWN_POOL; RRD_E_KIND_MISMATCH; RRD_E_NOMEM; store
 *         errors. Submitting no records (`n` 0) succeeds and does nothing.
 */
RRD_API rrd_status rrd_distributor_submit_many(rrd_distributor *dist,
					       const rrd_record *const *records, size_t n,
					       const rrd_submit_options *opts, size_t *failed);

/**
 * Import an existing record as it is (status, owner, roles, times), without
 * routing it and without events. The record is copied; the caller still
 * owns it. Its owner and role holders must be known agents. A record
 * imported as queued joins the queue (RRD_QUEUE_UNKNOWN).
 *
 * Its status and owner must agree, else nothing could ever move it again:
 * a pending or claimed record needs an owner; a new or queued one has none;
 * an offered one cannot be imported (there is no offer to import with it);
 * a deactivated one may keep its last owner or have none.
 *
 * @return RRD_OK; RRD_E_INVALID (NULL arguments, or a status and owner that
 *         disagree: the message says which); RRD_E_EXISTS;
 *         RRD_E_UNKNOWN_AGENT; RRD_E_NOMEM; store errors. A refused record
 *         changes nothing.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_distributor_put_record(rrd_distributor *dist,
					      const rrd_record *record);

/**
 * A copy of the stored record `id`.
 * @return RRD_OK, RRD_E_UNKNOWN_RECORD, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_distributor_get_record(rrd_distributor *dist, const char *id,
					      rrd_record **out);

/**
 * The owner claims a record assigned to them, or an agent claims a record
 * offered to them.
 * @param result  receives RRD_CLAIM_WON or why the claim was rejected (a
 *                rejection is an outcome, reported with RRD_OK and a
 *                claim_rejected event).
 * @return RRD_OK; RRD_E_UNKNOWN_RECORD; RRD_E_UNKNOWN_AGENT; RRD_E_INVALID;
 *         RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_claim(rrd_distributor *dist, const char *record_id,
					 const char *agent_id, rrd_claim_result *result);

/**
 * An agent passes on a record offered to them. The offer moves on at once
 * (to the next member; for piranha, the others keep theirs).
 * @return RRD_OK; RRD_E_UNKNOWN_RECORD; RRD_E_UNKNOWN_AGENT; RRD_E_INVALID
 *         (the agent has no live offer of the record); RRD_E_NOMEM; store
 *         errors.
 */
RRD_API rrd_status rrd_distributor_decline(rrd_distributor *dist, const char *record_id,
					   const char *agent_id);

/* ---- time -------------------------------------------------------------- */

/**
 * Fire every timer due at or before `now`, in due order (timers due at
 * the same instant in the order they were set). What a timer causes
 * (offer_expired, the next offer, queueing) is stamped with its due time.
 * A claim at exactly a deadline comes too late once the timer fired, so
 * call this before handling input stamped at `now`. Each timer is one
 * transaction; with several processes on one store, each timer fires once.
 * @return RRD_OK; RRD_E_INVALID (`now` outside RRD_TIME_MIN..RRD_TIME_MAX;
 *         nothing fires); RRD_E_NOMEM and store errors (timers fired
 *         before the failure stay fired; the failing one is still due).
 */
RRD_API rrd_status rrd_distributor_advance(rrd_distributor *dist, rrd_time now);

/**
 * When rrd_distributor_advance next has work, so an event loop can sleep
 * until then: the earliest offer deadline, or the earliest instant (a
 * member's calendar opening, a new local day for a member at their daily
 * cap) at which an auto-drain pool could take a queued record back. It
 * is never after RRD_TIME_MAX: what could only happen later is not due.
 * @return RRD_OK; RRD_E_NOTFOUND (nothing is due); RRD_E_INVALID; store
 *         errors.
 */
RRD_API rrd_status rrd_distributor_next_deadline(rrd_distributor *dist, rrd_time *out);

/** Options for manual moves. */
typedef struct rrd_move_options {
	unsigned int version;  /**< RRD_MOVE_OPTIONS_VERSION */
	int notify;            /**< 1 (default): events say "notify" */
	int integrations;      /**< 1: push to the new owner's integrated CRM (integration event) */
	int force;             /**< 1: move even when not pending or bound by a live offer */
} rrd_move_options;

#define RRD_MOVE_OPTIONS_VERSION 1
#define RRD_MOVE_OPTIONS_INIT { RRD_MOVE_OPTIONS_VERSION, 1, 0, 0 }

/**
 * Give one record to an agent by hand (e.g. from the queue). The target
 * must be active; paused or full agents may still be given records by
 * hand. The record becomes pending for its new owner.
 * Checks, in order: unknown record, unknown agent, inactive target
 * (RRD_E_INVALID), live offer (RRD_E_RULE_BOUND), not pending or queued
 * (RRD_E_NOT_PENDING); `force` skips the last two.
 * @return RRD_OK or the status of the first check that failed;
 *         RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_assign(rrd_distributor *dist, const char *record_id,
					  const char *agent_id,
					  const rrd_move_options *opts);

/**
 * Park one record in the manual queue, for a person to assign by hand
 * (rrd_distributor_assign): the record leaves its owner, whose open count
 * drops, becomes queued with reason RRD_QUEUE_MANUAL (no pool, no rule),
 * and a `queued` event says so. Auto-drain pools never take a parked
 * record back: it waits for a person. A record queued already keeps its
 * place and its time in the queue; only its reason becomes
 * RRD_QUEUE_MANUAL, and the `queued` event is sent again.
 *
 * Checks, in order: unknown record (RRD_E_UNKNOWN_RECORD), deactivated
 * (RRD_E_INVALID, even with `force`), live offer (RRD_E_RULE_BOUND), not
 * pending or queued (RRD_E_NOT_PENDING). `opts->force` skips the last two:
 * a live offer is withdrawn (its deadline no longer fires and a claim of
 * it is rejected) and a new or claimed record is parked too.
 * `opts->notify` and `opts->integrations` do not apply: no agent is told.
 *
 * @param record_id  read during the call, not kept.
 * @param opts       NULL for the defaults; read during the call, not kept.
 * @return RRD_OK or the status of the first failed check; RRD_E_INVALID
 *         (a NULL distributor, a bad id); RRD_E_VERSION (options table);
 *         RRD_E_NOMEM; store errors. A failed call changes nothing.
 * Thread-safe: yes, as every call on a distributor.
 * Since 1.1 (version node RRDIST_1.1).
 */
RRD_API rrd_status rrd_distributor_queue_record(rrd_distributor *dist, const char *record_id,
						const rrd_move_options *opts);

/**
 * Reassign one record to an agent: as rrd_distributor_assign, but the
 * `assigned` event says `reassign` rather than `manual`.
 * @return as rrd_distributor_assign.
 */
RRD_API rrd_status rrd_distributor_reassign_to_agent(rrd_distributor *dist,
						     const char *record_id,
						     const char *agent_id,
						     const rrd_move_options *opts);

/**
 * Reassign one record to the next member of a pool (moving the pool's
 * cursor as any assignment does). Reassignments make no offers, even in
 * piranha pools or pools with a claim window. Same guards as
 * rrd_distributor_assign.
 * @return RRD_OK; RRD_E_UNKNOWN_RECORD; RRD_E_UNKNOWN_POOL;
 *         RRD_E_KIND_MISMATCH; RRD_E_RULE_BOUND; RRD_E_NOT_PENDING;
 *         RRD_E_NO_ELIGIBLE (the record stays where it was); RRD_E_NOMEM;
 *         store errors.
 */
RRD_API rrd_status rrd_distributor_reassign_to_pool(rrd_distributor *dist,
						    const char *record_id,
						    const char *pool_id,
						    const rrd_move_options *opts);

/**
 * Reassign one record to the nearest active, unpaused agent having any of
 * `types` (all agents when ntypes is 0), never its current owner; ties go
 * to the agent added first.
 * @return RRD_OK; RRD_E_UNKNOWN_RECORD; RRD_E_INVALID (the record has no
 *         location); RRD_E_RULE_BOUND; RRD_E_NOT_PENDING; RRD_E_NO_ELIGIBLE;
 *         RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_reassign_to_nearest(rrd_distributor *dist,
						       const char *record_id,
						       const char *const *types,
						       size_t ntypes,
						       const rrd_move_options *opts);

/**
 * Hand a record to another partner (dealer, branch). A copy named `new_id`
 * is created with the original's kind, source, attributes, location and
 * follow-up status, belonging to `partner`, and given to `agent_id`
 * (pending; an `assigned` event with via transfer whose previous owner is
 * the original's). Then the original is deactivated: it keeps its owner,
 * roles and history, names the copy as replaced_by, stops counting as
 * open, and a `deactivated` event follows. Whatever the original's status
 * (but deactivated), a live offer of it is withdrawn and a queued one
 * leaves the queue. `opts->force` is not needed and is ignored.
 *
 * Checks, in order: unknown record (RRD_E_UNKNOWN_RECORD), no agent
 * (RRD_E_INVALID), unknown agent (RRD_E_UNKNOWN_AGENT), inactive agent or
 * an agent of another partner (RRD_E_INVALID), a deactivated original
 * (RRD_E_INVALID), `new_id` taken (RRD_E_EXISTS).
 * @return RRD_OK or the first failed check; RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_transfer(rrd_distributor *dist, const char *record_id,
					    const char *partner, const char *agent_id,
					    const char *new_id, const rrd_move_options *opts);

/**
 * Set the follow-up status (a free-form host value; NULL clears it) of
 * `record_ids[0..n)` in one transaction, emitting `follow_up_set` for each
 * in list order. Owners and statuses are left alone; deactivated records
 * take it too, as it is the host's bookkeeping.
 * @return RRD_OK; RRD_E_INVALID (a bad id or status, n = 0);
 *         RRD_E_UNKNOWN_RECORD (nothing changed); RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_set_follow_up(rrd_distributor *dist,
						 const char *const *record_ids, size_t n,
						 const char *status);

/* ---- picks ------------------------------------------------------------- */

/**
 * Who is next in a pool: runs the pool's strategy and moves its state (the
 * cursor, scores, random stream) exactly as an assignment would, but
 * creates no record and changes no counter. For hosts that keep records
 * themselves. The pick lists whom the strategy passed over only when the
 * distributor's `explain` option is on (rrd_distributor_explain always
 * does), since finding every ineligible member costs a pass over the pool.
 *
 * @param record  what is being placed (its kind must match the pool; its
 *                location feeds `nearest`), or NULL.
 * @param out     receives the pick; the caller owns it (rrd_pick_free).
 * @return RRD_OK; RRD_E_NO_ELIGIBLE (nobody; state unchanged, and *out
 *         still receives the pick with its skipped list);
 *         RRD_E_UNKNOWN_POOL; RRD_E_KIND_MISMATCH; RRD_E_INVALID;
 *         RRD_E_UNSUPPORTED (piranha offers to all, it has no "next");
 *         RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_next_agent(rrd_distributor *dist, const char *pool_id,
					      const rrd_record *record, rrd_pick **out);

/**
 * Like rrd_distributor_next_agent, but changes nothing: what the pool would
 * pick now, and whom it would pass over and why.
 * @return as rrd_distributor_next_agent.
 */
RRD_API rrd_status rrd_distributor_explain(rrd_distributor *dist, const char *pool_id,
					   const rrd_record *record, rrd_pick **out);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_DISTRIBUTOR_H */
