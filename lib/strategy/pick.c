/* Running a strategy, and the pick objects that explain its choice. */
#include <string.h>

#include "rrdist/pick.h"
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

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

rrd_status rrd__pick_object(rrd_distributor *d, const pool_rt *pool, rrd_strategy s,
			    const agent_rt *chosen, rrd_pick **out)
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

static rrd_status next_agent(rrd_distributor *d, const char *pool_id, const rrd_record *record,
			     rrd_pick **out, int dry_run)
{
	if (!d || !out)
		return rrd__fail(RRD_E_INVALID, "distributor and out must not be NULL");
	*out = NULL;
	rrd_status rc = rrd__id_check(pool_id, "pool id");
	if (rc)
		return rc;
	/* A pick gets past calendars that cannot answer for a time. */
	rrd__error_keep();
	rrd__lock(d);
	if ((rc = rrd__txn_begin(d)))
		goto unlock;
	pool_rt *p = rrd__pool_find(d, pool_id);
	if (!p) {
		rc = rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", pool_id);
		goto abort;
	}
	if (record && record->kind != p->cfg->kind) {
		rc = rrd__fail(RRD_E_KIND_MISMATCH, "pool \"%s\" takes %ss, not %ss", p->id,
			       rrd_kind_name(p->cfg->kind), rrd_kind_name(record->kind));
		goto abort;
	}
	rrd_pick_req req = { .pool = p, .strategy = p->cfg->strategy, .record = record,
			     .respect_hours = p->cfg->respect_hours, .dry_run = dry_run,
			     .explain = dry_run || d->opts.explain };
	size_t pos = 0;
	rrd_status picked = rrd__pick(d, &req, &pos);
	if (picked && picked != RRD_E_NO_ELIGIBLE) {
		rc = picked;
		goto abort;
	}
	agent_rt *chosen = picked ? NULL : d->agents[p->members[pos].agent];
	if ((rc = rrd__pick_object(d, p, req.strategy, chosen, out)))
		goto abort;
	if (picked) {
		/* Nobody: the pick still says why, and nothing moved. */
		rrd__txn_abort(d);
		rc = rrd__fail(RRD_E_NO_ELIGIBLE, "nobody in pool \"%s\" is eligible", p->id);
		goto unlock;
	}
	if (dry_run) {
		/* Explaining wrote nothing; a commit would only make every other
		 * distributor on the store drop its caches. */
		rrd__txn_end_read(d);
	} else if ((rc = rrd__txn_commit(d))) {
		rrd_pick_free(*out);
		*out = NULL;
	}
	goto unlock;
abort:
	rrd__txn_abort(d);
unlock:
	rrd__unlock(d);
	return rrd__error_kept(rc);
}

RRD_API rrd_status rrd_distributor_next_agent(rrd_distributor *d, const char *pool_id,
					      const rrd_record *record, rrd_pick **out)
{
	return next_agent(d, pool_id, record, out, 0);
}

RRD_API rrd_status rrd_distributor_explain(rrd_distributor *d, const char *pool_id,
					   const rrd_record *record, rrd_pick **out)
{
	return next_agent(d, pool_id, record, out, 1);
}
