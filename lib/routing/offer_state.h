/*
 * A record's routing: which rule and pool govern it, the offers made and
 * what became of each. It is kept after the routing ends, because a later
 * claim is answered from it (declined, expired, not offered).
 */
#ifndef RRD_ROUTING_OFFER_STATE_H
#define RRD_ROUTING_OFFER_STATE_H

#include "core/core.h"

enum offer_status {
	OFFER_LIVE = 1,
	OFFER_DECLINED = 2,
	OFFER_EXPIRED = 3,
	OFFER_CLOSED = 4 /* someone else won, or the record was moved */
};

typedef struct rrd_offer_entry {
	char *agent;
	uint32_t step;  /* which pool of the rule's chain (0: its pool) */
	uint8_t status;
} rrd_offer_entry;

typedef struct rrd_offer_state {
	int active;         /* a live offer governs the record */
	/* Ids that point into `read` (as loaded) or borrow the distributor's
	 * rule and pool ids, which outlive the operation. */
	const char *rule;   /* NULL: sent straight to a pool */
	const char *pool;   /* the pool of the current step */
	char *read_rule, *read_pool;
	uint32_t step;
	int piranha;
	int has_deadline;
	rrd_time deadline;
	int64_t offers;     /* offers made at this step */
	rrd_offer_entry *entries;
	size_t count, cap;
	int loaded;         /* read from the store (not new) */
} rrd_offer_state;

/* Load a record's state; an empty state when it has none. */
rrd_status rrd__offer_state_load(rrd_distributor *d, const char *record, rrd_offer_state *out);
rrd_status rrd__offer_state_save(rrd_distributor *d, const char *record, const rrd_offer_state *s);
void rrd__offer_state_clear(rrd_offer_state *s);

/* The entry for agent at `step`, or NULL. */
rrd_offer_entry *rrd__offer_find(rrd_offer_state *s, const char *agent, uint32_t step);
/* What became of the agent's offers of the record, at any step: 0 when it
 * had none, OFFER_DECLINED when it declined one (a decline outlasts the
 * offers of later pools), else the status of its latest. */
uint8_t rrd__offer_outcome(const rrd_offer_state *s, const char *agent);
rrd_status rrd__offer_add(rrd_offer_state *s, const char *agent, uint32_t step, uint8_t status);
/* Set every live entry to `status`. */
void rrd__offer_close_all(rrd_offer_state *s, uint8_t status);
size_t rrd__offer_live_count(const rrd_offer_state *s);

#endif
