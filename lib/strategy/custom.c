/* Host strategies: the context their pick callback sees. */
#include "rrdist/sys/strategy.h"
#include "strategy/strategy.h"
#include "util/error.h"

struct rrd_strategy_ctx {
	rrd_distributor *d;
	const rrd_pick_req *req;
	rrd_strat_state *ss;
	rrd_status err; /* a failure inside an accessor aborts the pick */
};

static rrd_agent_rt *member_at(const rrd_strategy_ctx *c, size_t i)
{
	if (!c || i >= c->req->pool->nmembers)
		return NULL;
	return c->d->agents[c->req->pool->members[i].agent];
}

RRD_API size_t rrd_strategy_ctx_member_count(const rrd_strategy_ctx *c)
{
	return c ? c->req->pool->nmembers : 0;
}

RRD_API const char *rrd_strategy_ctx_member(const rrd_strategy_ctx *c, size_t i)
{
	rrd_agent_rt *a = member_at(c, i);
	return a ? a->id : NULL;
}

RRD_API int rrd_strategy_ctx_eligible(rrd_strategy_ctx *c, size_t i)
{
	rrd_agent_rt *a = member_at(c, i);
	if (!a || c->err)
		return 0;
	rrd_skip_reason why = rrd__ineligible(c->d, c->req, a, &c->err);
	if (c->err)
		return 0;
	if (why) {
		rrd_status rc = rrd__skip(c->d, c->req, a->idx, why);
		if (rc)
			c->err = rc;
		return 0;
	}
	return 1;
}

RRD_API int64_t rrd_strategy_ctx_weight(const rrd_strategy_ctx *c, size_t i)
{
	rrd_agent_rt *a = member_at(c, i);
	return a ? a->cfg->weight : 0;
}

static rrd_agent_state *state_of(const rrd_strategy_ctx *c, size_t i)
{
	rrd_agent_rt *a = member_at(c, i);
	rrd_agent_state *st;
	if (!a || c->err)
		return NULL;
	rrd_status rc = rrd__agent_state(c->d, a, &st);
	if (rc) {
		((rrd_strategy_ctx *)c)->err = rc;
		return NULL;
	}
	return st;
}

RRD_API int64_t rrd_strategy_ctx_open(const rrd_strategy_ctx *c, size_t i)
{
	rrd_agent_state *st = state_of(c, i);
	return st ? st->open : 0;
}

RRD_API rrd_time rrd_strategy_ctx_last_assigned(const rrd_strategy_ctx *c, size_t i)
{
	rrd_agent_state *st = state_of(c, i);
	return st ? st->last : INT64_MIN;
}

RRD_API const rrd_record *rrd_strategy_ctx_record(const rrd_strategy_ctx *c)
{
	return c ? c->req->record : NULL;
}

RRD_API rrd_time rrd_strategy_ctx_now(const rrd_strategy_ctx *c)
{
	return c ? rrd__now(c->d) : 0;
}

RRD_API rrd_status rrd_strategy_ctx_state(const rrd_strategy_ctx *c, const void **data,
					  size_t *len)
{
	if (!c || !data || !len)
		return rrd__fail(RRD_E_INVALID, "context, data and len must not be NULL");
	*data = c->ss->data;
	*len = c->ss->len;
	return RRD_OK;
}

RRD_API rrd_status rrd_strategy_ctx_set_state(rrd_strategy_ctx *c, const void *data, size_t len)
{
	if (!c || (!data && len))
		return rrd__fail(RRD_E_INVALID, "context must not be NULL, nor data with a length");
	if (len > (1u << 20))
		return rrd__fail(RRD_E_INVALID, "strategy state is limited to 1 MiB");
	if (c->req->dry_run)
		return RRD_OK; /* explaining moves no state */
	rrd_status rc = rrd__strat_state_set(c->d, c->ss, data, len);
	if (rc)
		c->err = rc;
	return rc;
}

rrd_status rrd__pick_custom(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	size_t k = (size_t)(req->strategy - RRD_STRATEGY_CUSTOM);
	rrd_custom_strategy *cs = &d->customs[k];
	if (!cs->registered)
		return rrd__fail(RRD_E_UNSUPPORTED,
				 "strategy \"%s\" is not registered on this distributor", cs->name);
	rrd_strategy_ctx c = { d, req, NULL, RRD_OK };
	rrd_status rc = rrd__strat_state(d, req->pool, req->strategy, &c.ss);
	if (rc)
		return rc;
	size_t chosen = (size_t)-1;
	int cb = cs->m.pick(cs->user, &c, &chosen);
	if (c.err)
		return c.err;
	if (cb == RRD_E_NO_ELIGIBLE)
		return RRD_E_NO_ELIGIBLE;
	if (cb)
		return rrd__fail(RRD_E_CALLBACK, "strategy \"%s\" failed (%d)", cs->name, cb);
	if (chosen >= req->pool->nmembers)
		return rrd__fail(RRD_E_CALLBACK, "strategy \"%s\" chose member %zu of %zu", cs->name,
				 chosen, req->pool->nmembers);
	/* A host strategy may not hand a record to someone who may not take it. */
	rrd_agent_rt *a = d->agents[req->pool->members[chosen].agent];
	rrd_skip_reason why = rrd__ineligible(d, req, a, &rc);
	if (rc)
		return rc;
	if (why)
		return rrd__fail(RRD_E_CALLBACK, "strategy \"%s\" chose \"%s\", who is not eligible (%s)",
				 cs->name, a->id, rrd_skip_reason_name(why));
	*pos = chosen;
	return RRD_OK;
}
