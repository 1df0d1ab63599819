/* Running a strategy, and the pick objects that explain its choice. */
#include <string.h>

#include "rrdist/pick.h"
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"

rrd_status rrd__pick(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	d->nskips = 0;
	switch (req->strategy) {
	case RRD_STRATEGY_ROUND_ROBIN: return rrd__pick_round_robin(d, req, pos);
	case RRD_STRATEGY_WEIGHTED_ROUND_ROBIN: return rrd__pick_weighted(d, req, pos);
	case RRD_STRATEGY_LEAST_BUSY: return rrd__pick_least_busy(d, req, pos);
	case RRD_STRATEGY_LEAST_RECENT: return rrd__pick_least_recent(d, req, pos);
	case RRD_STRATEGY_RANDOM: return rrd__pick_random(d, req, pos);
	case RRD_STRATEGY_NEAREST: return rrd__pick_nearest(d, req, pos);
	case RRD_STRATEGY_PIRANHA:
		return rrd__fail(RRD_E_UNSUPPORTED, "piranha offers to every member; it has no "
				 "single next member");
	default:
		if (rrd__strategy_slot(d, req->strategy) >= RRD_BUILTIN_STRATEGIES)
			return rrd__pick_custom(d, req, pos);
		return rrd__fail(RRD_E_INVALID, "unknown strategy %d", req->strategy);
	}
}

struct rrd_pick {
	char *pool;
	char *agent;
	rrd_strategy strategy;
	rrd_skipped *skipped;
	size_t nskipped;
};

RRD_API void rrd_pick_free(rrd_pick *p)
{
	if (!p)
		return;
	rrd__free(p->pool);
	rrd__free(p->agent);
	/* Skipped ids point into the distributor's agents, which live as long
	 * as it does; the pick copies them to outlive it. */
	for (size_t i = 0; i < p->nskipped; i++)
		rrd__free((char *)p->skipped[i].agent);
	rrd__free(p->skipped);
	rrd__free(p);
}

rrd_status rrd__pick_object(rrd_distributor *d, const rrd_pool_rt *pool, rrd_strategy s,
			    const rrd_agent_rt *chosen, rrd_pick **out)
{
	rrd_pick *p = rrd__calloc(1, sizeof *p);
	if (!p)
		return rrd__nomem();
	p->strategy = s;
	int failed = !(p->pool = rrd__strdup(pool->id)) ||
		     (chosen && !(p->agent = rrd__strdup(chosen->id)));
	if (!failed && d->nskips) {
		p->skipped = rrd__calloc(d->nskips, sizeof *p->skipped);
		failed = !p->skipped;
		for (size_t i = 0; !failed && i < d->nskips; i++) {
			char *id = rrd__strdup(d->agents[d->skips[i].agent]->id);
			failed = !id;
			if (id)
				p->skipped[p->nskipped++] = (rrd_skipped){ id, d->skips[i].reason };
		}
	}
	if (failed) {
		rrd_pick_free(p);
		return rrd__nomem();
	}
	*out = p;
	return RRD_OK;
}

RRD_API const char *rrd_pick_agent(const rrd_pick *p)
{
	return p ? p->agent : NULL;
}

RRD_API const char *rrd_pick_pool(const rrd_pick *p)
{
	return p ? p->pool : NULL;
}

RRD_API rrd_strategy rrd_pick_strategy(const rrd_pick *p)
{
	return p ? p->strategy : 0;
}

RRD_API size_t rrd_pick_skipped_count(const rrd_pick *p)
{
	return p ? p->nskipped : 0;
}

RRD_API rrd_status rrd_pick_skipped(const rrd_pick *p, size_t i, const char **agent,
				    rrd_skip_reason *reason)
{
	if (!p || i >= p->nskipped)
		return rrd__fail(RRD_E_INVALID, "no skipped member %zu", i);
	if (agent)
		*agent = p->skipped[i].agent;
	if (reason)
		*reason = p->skipped[i].reason;
	return RRD_OK;
}
