/* Routing: which rule a record matches, offers and claim windows, the
 * manual queue and auto-drain, and the one way a record changes hands. */
#ifndef RRD_ROUTING_ROUTING_H
#define RRD_ROUTING_ROUTING_H

#include "core/core.h"
#include "strategy/strategy.h"

/* A rule as routing reads it, copied when the rule index is built: what
 * every routed record needs, in one cache line, so that among thousands
 * of rules a record's route misses the cache once for its rule. The rest
 * (attributes, overflow pools, calendar, skills) is read from `cfg`.
 * Valid until the rules or the pools change. */
typedef struct rrd_rule_rt {
	const rrd_rule *cfg;
	rrd_pool_rt *pool; /* its own pool; NULL: none when the index was built */
	const char *id;
	rrd_time claim_window;
	int64_t max_offers;
	int kind;
	rrd_strategy strategy;
	uint32_t attr_count;
	uint32_t noverflow;
	unsigned has_skills : 1, has_calendar : 1, respect_hours : 1;
} rrd_rule_rt;

/* The rule named `id` (may be NULL) in *out, or NULL when there is none.
 * RRD_OK, or RRD_E_NOMEM when the rule index cannot be built. */
rrd_status rrd__rule_find(rrd_distributor *d, const char *id, const rrd_rule_rt **out);
/* The first rule whose every condition holds in *out, or NULL. RRD_OK,
 * or RRD_E_NOMEM when the rule index cannot be built. */
rrd_status rrd__rule_match(rrd_distributor *d, const rrd_record *r, const rrd_rule_rt **out);
/* rrd__rule_match for each of n records, into out[0 .. n): faster than one
 * by one, as the cache misses of many records overlap. */
rrd_status rrd__rule_match_many(rrd_distributor *d, const rrd_record *const *records,
				size_t n, const rrd_rule_rt **out);

/* Put a record in the manual queue (status queued) and emit `queued`.
 * `pool`/`rule` name what queued it (may be NULL). */
rrd_status rrd__queue_push(rrd_distributor *d, rrd_rec_rt *rec, rrd_queue_reason reason,
			   const char *pool, const char *rule, rrd_time now);
/* The same without the event: for records imported as they are. */
rrd_status rrd__queue_import(rrd_distributor *d, rrd_rec_rt *rec, rrd_time now);
/* Park a record for a person (RRD_QUEUE_MANUAL, no pool or rule) and emit
 * `queued`; one queued already keeps its place and its time. */
rrd_status rrd__queue_park(rrd_distributor *d, rrd_rec_rt *rec, rrd_time now);
/* A copy (rrd__malloc) of a queued record's entry and its place in the
 * queue; RRD_E_NOTFOUND when it is not queued. */
rrd_status rrd__queue_entry_copy(rrd_distributor *d, const char *record_id,
				 unsigned char **data, size_t *len, int64_t *order);
/* Put a record back in the queue with an entry and place it had, and
 * emit `queued` with its old reason. */
rrd_status rrd__queue_restore(rrd_distributor *d, rrd_rec_rt *rec, const void *data, size_t len,
			      int64_t order, rrd_time now);
/* Take a record out of the queue if it is there. `drainable` says
 * whether its entry is one an auto-drain pool may take back, when the
 * caller knows (1 or 0); -1 has the entry read, to keep that count. */
rrd_status rrd__queue_remove(rrd_distributor *d, const char *record_id, int drainable);

/* A pick in pool `p` for a record routed by `rule` (may be NULL): the
 * rule's and the pool's hours and the rule's skills apply. */
rrd_pick_req rrd__routing_req(rrd_pool_rt *p, const rrd_rule_rt *rule, rrd_strategy s,
			      const rrd_record *r);

/* Route a new record: by `rule`, or straight to `pool` when rule is NULL.
 * Assigns, offers, or queues. */
rrd_status rrd__route(rrd_distributor *d, rrd_rec_rt *rec, const rrd_rule_rt *rule, rrd_pool_rt *pool,
		      int notify, rrd_time now);
/* An offer's deadline passed (the timer named by the record's id). */
rrd_status rrd__route_timer(rrd_distributor *d, const char *record, rrd_time now);
/* An agent claims a record: wins a live offer, claims what they hold, or
 * is told why not. */
rrd_status rrd__route_claim(rrd_distributor *d, rrd_rec_rt *rec, rrd_agent_rt *a,
			    rrd_claim_result *result, rrd_time now);
/* An agent passes on a live offer. */
rrd_status rrd__route_decline(rrd_distributor *d, rrd_rec_rt *rec, rrd_agent_rt *a, rrd_time now);
/* Auto-drain pools take back what someone can take now. */
rrd_status rrd__drain(rrd_distributor *d, rrd_time now);
/* The count of what auto-drain pools could take back, kept as the queue
 * changes: whether it is known now, a change to it, and that it is not. */
int rrd__drainable_known(rrd_distributor *d);
void rrd__drainable_add(rrd_distributor *d, int64_t delta);
void rrd__drainable_unknown(rrd_distributor *d);
/* The first instant after `from` when, by the clock alone, a member of a
 * pool with records to drain may become eligible. RRD_E_NOTFOUND: none. */
rrd_status rrd__drain_wakeup(rrd_distributor *d, rrd_time from, rrd_time *out);
/* Draining in a transaction of its own, when there is an auto-drain
 * pool: the `then` of a configuration change that may let one take
 * records back. */
extern const rrd_txn rrd__drain_alone;
/* An operation: `body`, then auto-drain (rrd__drain), in one write
 * transaction (rrd__run). */
rrd_status rrd__operation(rrd_distributor *d, rrd_txn_fn body, void *ctx);
/* rrd__operation with a txn's prefetch, for a concurrent store. */
rrd_status rrd__operation_ahead(rrd_distributor *d, rrd_txn_fn body,
				void (*prefetch)(rrd_distributor *d, void *ctx), void *ctx);
/* For a prefetch: what routing `r` (straight to `pool`, or NULL: by the
 * rules) reads first, as the configuration cached says. */
void rrd__want_route(rrd_distributor *d, const rrd_record *r, const char *pool);
/* The same, draining only when `drain` is 1 (a bulk job's inner batches
 * leave draining to its last). */
rrd_status rrd__operation_ex(rrd_distributor *d, rrd_txn_fn body, void *ctx, int drain);

/* The record is moved by hand: its live offers end. */
rrd_status rrd__route_withdraw(rrd_distributor *d, rrd_rec_rt *rec);

/* ---- giving a record to an agent (give.c) ---------------------------- */

typedef struct rrd_give {
	const char *pool;
	const char *rule;
	const char *strategy;
	rrd_via via;
	int notify;
	int integrations;
	int explain;         /* attach d->skips to the event */
	rrd_record_status status; /* 0: pending */
	/* The `previous` the event names, when not the record's owner (a
	 * transferred copy names the original's). */
	int previous_set;
	const char *previous;
} rrd_give;

/* Give `rec` to `a`: withdraws live offers, takes it out of the queue,
 * counts the assignment and emits `assigned` (and `integration`). */
rrd_status rrd__give(rrd_distributor *d, rrd_rec_rt *rec, rrd_agent_rt *a, const rrd_give *gi,
		     rrd_time now);

#endif
