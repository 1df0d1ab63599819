/* Least busy (fewest open records) and least recent (oldest last
 * assignment, never first). Ties go to the member who joined first. */
#include "strategy/strategy.h"

typedef int64_t (*key_fn)(const agent_state *st);

static int64_t open_key(const agent_state *st)
{
	return st->open;
}

static int64_t recent_key(const agent_state *st)
{
	return st->last;
}

static rrd_status pick_min(rrd_distributor *d, const rrd_pick_req *req, key_fn key,
			   size_t *pos)
{
	pool_rt *p = req->pool;
	rrd_status rc = rrd__skip_all_ineligible(d, req);
	if (rc)
		return rc;
	long best = -1;
	int64_t best_key = 0;
	for (size_t i = 0; i < p->nmembers; i++) {
		agent_rt *a = d->agents[p->members[i].agent];
		if (rrd__ineligible(d, req, a, &rc) || rc) {
			if (rc)
				return rc;
			continue;
		}
		agent_state *st;
		if ((rc = rrd__agent_state(d, a, &st)))
			return rc;
		int64_t k = key(st);
		if (best < 0 || k < best_key) {
			best = (long)i;
			best_key = k;
		}
	}
	if (best < 0)
		return RRD_E_NO_ELIGIBLE;
	*pos = (size_t)best;
	return RRD_OK;
}

rrd_status rrd__pick_least_busy(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	return pick_min(d, req, open_key, pos);
}

rrd_status rrd__pick_least_recent(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	return pick_min(d, req, recent_key, pos);
}
