/* Who may receive a record now, and if not, the first reason why not (in
 * the order the scenario format lists them). */
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"

static int outside_hours(rrd_distributor *d, const rrd_agent_rt *a)
{
	int open = 1;
	return a->cal >= 0 &&
	       rrd_calendar_is_open(d->cals[a->cal]->cal, rrd__now(d), &open) == RRD_OK && !open;
}

/* At capacity or the daily cap (0: neither). */
static rrd_skip_reason capacity_reason(rrd_distributor *d, rrd_agent_rt *a, rrd_status *err)
{
	const rrd_agent *c = a->cfg;
	if (c->cap_open == RRD_UNLIMITED && c->cap_per_day == RRD_UNLIMITED)
		return 0;
	rrd_agent_state *st;
	rrd_status rc = rrd__agent_state(d, a, &st);
	if (rc) {
		*err = rc;
		return RRD_SKIP_INACTIVE;
	}
	if (c->cap_open != RRD_UNLIMITED && st->open >= c->cap_open)
		return RRD_SKIP_AT_CAPACITY;
	if (c->cap_per_day != RRD_UNLIMITED &&
	    rrd__agent_today(d, a, st, rrd__now(d)) >= c->cap_per_day)
		return RRD_SKIP_DAILY_CAP;
	return 0;
}

rrd_skip_reason rrd__ineligible(rrd_distributor *d, const rrd_pick_req *req, rrd_agent_rt *a,
				rrd_status *err)
{
	const rrd_agent *c = a->cfg;
	if (!c->active)
		return RRD_SKIP_INACTIVE;
	if (c->paused)
		return RRD_SKIP_PAUSED;
	if (req->skills && !rrd__strlist_contains_all(&c->skills, req->skills))
		return RRD_SKIP_MISSING_SKILL;
	if (req->respect_hours && outside_hours(d, a))
		return RRD_SKIP_OUTSIDE_HOURS;
	rrd_skip_reason full = capacity_reason(d, a, err);
	if (full)
		return full;
	if (req->strategy == RRD_STRATEGY_NEAREST && !c->has_location)
		return RRD_SKIP_NO_LOCATION;
	for (size_t i = 0; i < req->noffered; i++)
		if (req->offered[i] == a->idx)
			return RRD_SKIP_ALREADY_OFFERED;
	return 0;
}

rrd_status rrd__skip(rrd_distributor *d, const rrd_pick_req *req, uint32_t agent,
		     rrd_skip_reason why)
{
	if (!req->explain)
		return RRD_OK;
	if (rrd__grow((void **)&d->skips, &d->skips_cap, d->nskips + 1, sizeof(rrd_skip_entry)))
		return rrd__nomem();
	d->skips[d->nskips++] = (rrd_skip_entry){ agent, why };
	return RRD_OK;
}

rrd_status rrd__skip_all_ineligible(rrd_distributor *d, const rrd_pick_req *req)
{
	if (!req->explain)
		return RRD_OK;
	const rrd_pool_rt *p = req->pool;
	for (size_t i = 0; i < p->nmembers; i++) {
		rrd_status err = RRD_OK;
		rrd_agent_rt *a = d->agents[p->members[i].agent];
		rrd_skip_reason why = rrd__ineligible(d, req, a, &err);
		if (err)
			return err;
		if (why && (err = rrd__skip(d, req, a->idx, why)))
			return err;
	}
	return RRD_OK;
}
