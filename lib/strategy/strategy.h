/*
 * Strategies: given a pool and what is being placed, choose a member.
 * Each strategy reads and (unless dry_run) moves its own saved state; the
 * eligibility filter is common to all of them.
 */
#ifndef RRD_STRATEGY_STRATEGY_H
#define RRD_STRATEGY_STRATEGY_H

#include "core/core.h"
#include "strategy/segtree.h"

struct rrd_kdtree;

typedef struct rrd_pick_req {
	rrd_pool_rt *pool;
	rrd_strategy strategy;
	const rrd_record *record;  /* may be NULL */
	int respect_hours;
	const rrd_strlist *skills; /* may be NULL */
	const uint32_t *offered;   /* agents offered this record already */
	size_t noffered;
	int dry_run;               /* choose, but move no state */
	int explain;               /* collect what was passed over in d->skips */
} rrd_pick_req;

/*
 * Run the strategy. On RRD_OK, *pos is the chosen member's position in
 * req->pool->members. RRD_E_NO_ELIGIBLE when nobody fits (no state moved).
 * With explain, d->skips holds what was passed over.
 */
rrd_status rrd__pick(rrd_distributor *d, const rrd_pick_req *req, size_t *pos);

/* 0 when the agent may take the record now, else the first reason it may
 * not. *err is set when reading the agent's state failed. */
rrd_skip_reason rrd__ineligible(rrd_distributor *d, const rrd_pick_req *req, rrd_agent_rt *a,
				rrd_status *err);

/* Record a passed-over member (explain only). */
rrd_status rrd__skip(rrd_distributor *d, const rrd_pick_req *req, uint32_t agent,
		     rrd_skip_reason why);
/* Every ineligible member, in join order (explain for most strategies). */
rrd_status rrd__skip_all_ineligible(rrd_distributor *d, const rrd_pick_req *req);

/* One function per strategy; same contract as rrd__pick. */
rrd_status rrd__pick_round_robin(rrd_distributor *d, const rrd_pick_req *req, size_t *pos);
rrd_status rrd__pick_weighted(rrd_distributor *d, const rrd_pick_req *req, size_t *pos);
rrd_status rrd__pick_least_busy(rrd_distributor *d, const rrd_pick_req *req, size_t *pos);
rrd_status rrd__pick_least_recent(rrd_distributor *d, const rrd_pick_req *req, size_t *pos);
rrd_status rrd__pick_random(rrd_distributor *d, const rrd_pick_req *req, size_t *pos);
rrd_status rrd__pick_nearest(rrd_distributor *d, const rrd_pick_req *req, size_t *pos);
rrd_status rrd__pick_custom(rrd_distributor *d, const rrd_pick_req *req, size_t *pos);

/* The pool's search structures, built or refreshed as needed. */
rrd_status rrd__index_counts(rrd_distributor *d, rrd_pool_rt *p, int recent, rrd_segtree **out);
rrd_status rrd__index_weights(rrd_distributor *d, rrd_pool_rt *p, rrd_fenwick **out);

/* A k-d tree over the agents with a location among `members` (ids are
 * positions in it), or over every agent when members is NULL (ids are
 * agent indices). */
rrd_status rrd__agents_kdtree(rrd_distributor *d, const rrd_member *members, size_t n,
			      struct rrd_kdtree **out);

/* Weighted round robin's scores accrue lazily at each member's weight, so
 * a weight about to change must first settle the agent's scores at the
 * old one: call inside the transaction that stores the new weight. */
rrd_status rrd__weighted_reweigh(rrd_distributor *d, rrd_agent_rt *a);

/* Build a public pick object from the last pick (chosen may be NULL). */
rrd_status rrd__pick_object(rrd_distributor *d, const rrd_pool_rt *p, rrd_strategy s,
			    const rrd_agent_rt *chosen, rrd_pick **out);

#endif
