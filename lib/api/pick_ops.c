/* Asking a pool who is next, with or without taking the turn. */
#include "strategy/strategy.h"
#include "util/error.h"
#include "util/id.h"

typedef struct next_args {
	const char *pool;
	const rrd_record *record;
	int dry_run;
	rrd_pick **out;
} next_args;

static rrd_status next_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	next_args *a = ctx;
	(void)now;
	/* A run before this one lost a race: its pick is not the answer. */
	rrd_pick_free(*a->out);
	*a->out = NULL;
	rrd_pool_rt *p = rrd__pool_find(d, a->pool);
	if (!p)
		return rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", a->pool);
	if (a->record && a->record->kind != p->cfg->kind)
		return rrd__fail(RRD_E_KIND_MISMATCH, "pool \"%s\" takes %ss, not %ss", p->id,
				 rrd_kind_name(p->cfg->kind), rrd_kind_name(a->record->kind));
	rrd_pick_req req = { .pool = p, .strategy = p->cfg->strategy, .record = a->record,
			     .respect_hours = p->cfg->respect_hours, .dry_run = a->dry_run,
			     .explain = a->dry_run || d->opts.explain };
	size_t pos = 0;
	rrd_status picked = rrd__pick(d, &req, &pos);
	if (picked && picked != RRD_E_NO_ELIGIBLE)
		return picked;
	rrd_agent_rt *chosen = picked ? NULL : d->agents[p->members[pos].agent];
	rrd_status rc = rrd__pick_object(d, p, req.strategy, chosen, a->out);
	if (!rc && picked)
		/* Nobody: the pick still says why, and nothing moves. */
		rc = rrd__fail(RRD_E_NO_ELIGIBLE, "nobody in pool \"%s\" is eligible", p->id);
	return rc;
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
	/* Explaining writes nothing: a commit would only make every other
	 * distributor on the store drop its caches. A pick that needs no
	 * time reads no clock. */
	static const rrd_txn next = { .kind = RRD_TXN_WRITE, .body = next_body, .own_clock = 1 };
	static const rrd_txn explain = { .kind = RRD_TXN_READ, .body = next_body, .own_clock = 1 };
	next_args a = { pool_id, record, dry_run, out };
	rc = dry_run ? rrd__run(d, &explain, &a) : rrd__run(d, &next, &a);
	if (rc && rc != RRD_E_NO_ELIGIBLE) {
		rrd_pick_free(*out);
		*out = NULL;
	}
	return rc;
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
