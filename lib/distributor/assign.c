/*
 * Records arriving, being claimed and being moved by hand. Every change
 * of owner goes through give(), which keeps the counters right and emits
 * the `assigned` event.
 */
#include <string.h>

#include "distributor/dist.h"
#include "geo/kdtree.h"
#include "routing/routing.h"
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

static rrd_status kind_check(const pool_rt *p, const rrd_record *r)
{
	if (p->cfg->kind != r->kind)
		return rrd__fail(RRD_E_KIND_MISMATCH, "pool \"%s\" takes %ss; record \"%s\" is a %s",
				 p->id, rrd_kind_name(p->cfg->kind), r->id, rrd_kind_name(r->kind));
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_submit(rrd_distributor *d, const rrd_record *record,
					  const rrd_submit_options *opts)
{
	if (!d || !record)
		return rrd__fail(RRD_E_INVALID, "distributor and record must not be NULL");
	if (opts && (opts->version < 1 || opts->version > RRD_SUBMIT_OPTIONS_VERSION))
		return rrd__fail(RRD_E_VERSION, "submit options version %u is not one of 1..%u",
				 opts->version, RRD_SUBMIT_OPTIONS_VERSION);
	/* Copy only what the caller's version of the table has. */
	static const size_t submit_size[] = { 0, sizeof(rrd_submit_options) };
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	if (opts)
		memcpy(&o, opts, submit_size[opts->version]);
	rrd_status rc = o.pool ? rrd__id_check(o.pool, "pool id") : RRD_OK;
	if (rc)
		return rc;
	rrd_record *copy;
	if ((rc = rrd_record_new(&copy, record->id, record->kind)))
		return rc;
	if ((record->source && (rc = rrd_record_set_source(copy, record->source))))
		goto fail_copy;
	for (size_t i = 0; i < record->attrs.count; i++)
		if ((rc = rrd__kvlist_set(&copy->attrs, record->attrs.items[i].key,
					  record->attrs.items[i].value)))
			goto fail_copy;
	copy->has_location = record->has_location;
	copy->lat = record->lat;
	copy->lon = record->lon;
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	copy->created_at = now;
	pool_rt *p = NULL;
	rec_rt *rec;
	if ((rc = rrd__txn_begin(d)))
		goto unlock;
	if (o.pool && !(p = rrd__pool_find(d, o.pool))) {
		rc = rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", o.pool);
		goto abort;
	}
	if (p && (rc = kind_check(p, copy)))
		goto abort;
	if ((rc = rrd__rec_add(d, copy, &rec)))
		goto abort;
	copy = NULL; /* the cache owns it now */
	if (p) {
		rc = rrd__route(d, rec, NULL, p, o.notify, now);
	} else {
		const rrd_rule *rule = rrd__rule_match(d, rec->r);
		rc = rule ? rrd__route(d, rec, rule, NULL, o.notify, now)
			  : rrd__queue_push(d, rec, RRD_QUEUE_NO_RULE, NULL, NULL, now);
	}
	if (rc)
		goto abort;
	if ((rc = rrd__drain(d, now)))
		goto abort;
	rc = rrd__txn_commit(d);
	goto unlock;
abort:
	rrd__txn_abort(d);
unlock:
	rrd__unlock(d);
fail_copy:
	rrd_record_free(copy);
	return rc;
}

static rrd_status check_people(rrd_distributor *d, const rrd_record *r)
{
	if (r->owner && !rrd__agent_find(d, r->owner))
		return rrd__fail(RRD_E_UNKNOWN_AGENT, "record \"%s\": no agent \"%s\"", r->id, r->owner);
	for (size_t i = 0; i < r->roles.count; i++)
		if (!rrd__agent_find(d, r->roles.items[i].value))
			return rrd__fail(RRD_E_UNKNOWN_AGENT, "record \"%s\": role %s names no agent \"%s\"",
					 r->id, r->roles.items[i].key, r->roles.items[i].value);
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_put_record(rrd_distributor *d, const rrd_record *record)
{
	if (!d || !record)
		return rrd__fail(RRD_E_INVALID, "distributor and record must not be NULL");
	rrd_record *copy;
	rrd_status rc = rrd_record_dup(&copy, record);
	if (rc)
		return rc;
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	if (copy->created_at == RRD_TIME_NONE)
		copy->created_at = now;
	rec_rt *rec;
	if ((rc = check_people(d, copy)) || (rc = rrd__txn_begin(d)))
		goto unlock;
	/* Import through the ownership path so open counts include it. */
	rrd_record_status status = copy->status;
	agent_rt *owner = copy->owner ? rrd__agent_find(d, copy->owner) : NULL;
	rrd__free(copy->owner);
	copy->owner = NULL;
	copy->status = RRD_RECORD_NEW;
	if ((rc = rrd__rec_add(d, copy, &rec)))
		goto abort;
	copy = NULL;
	if (status == RRD_RECORD_QUEUED)
		rc = rrd__queue_import(d, rec, now);
	else
		rc = rrd__rec_transition(d, rec, owner, status);
	if (rc)
		goto abort;
	if ((rc = rrd__drain(d, now)))
		goto abort;
	rc = rrd__txn_commit(d);
	goto unlock;
abort:
	rrd__txn_abort(d);
unlock:
	rrd__unlock(d);
	rrd_record_free(copy);
	return rc;
}

RRD_API rrd_status rrd_distributor_get_record(rrd_distributor *d, const char *id,
					      rrd_record **out)
{
	if (!d || !id || !out)
		return rrd__fail(RRD_E_INVALID, "distributor, id and out must not be NULL");
	*out = NULL;
	rrd_status rc = rrd__id_check(id, "record id");
	if (rc)
		return rc;
	rrd__lock(d);
	rc = rrd__txn_begin(d);
	if (!rc) {
		rec_rt *rec;
		if (!(rc = rrd__rec_get(d, id, &rec)))
			rc = rrd_record_dup(out, rec->r);
		rrd__txn_end_read(d);
	}
	rrd__unlock(d);
	return rc;
}

/* Unknown record, then unknown agent: the order the checks are promised in. */
static rrd_status lookup_pair(rrd_distributor *d, const char *record_id, const char *agent_id,
			      rec_rt **rec, agent_rt **a)
{
	rrd_status rc = rrd__id_check(record_id, "record id");
	if (!rc)
		rc = rrd__id_check(agent_id, "agent id");
	if (!rc)
		rc = rrd__rec_get(d, record_id, rec);
	if (!rc && !(*a = rrd__agent_find(d, agent_id)))
		rc = rrd__fail(RRD_E_UNKNOWN_AGENT, "no agent \"%s\"", agent_id);
	return rc;
}

RRD_API rrd_status rrd_distributor_claim(rrd_distributor *d, const char *record_id,
					 const char *agent_id, rrd_claim_result *result)
{
	if (!d || !result)
		return rrd__fail(RRD_E_INVALID, "distributor and result must not be NULL");
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	rec_rt *rec;
	agent_rt *a;
	rrd_status rc = rrd__txn_begin(d);
	if (rc)
		goto unlock;
	if ((rc = lookup_pair(d, record_id, agent_id, &rec, &a)))
		goto abort;
	if ((rc = rrd__route_claim(d, rec, a, result, now)))
		goto abort;
	if ((rc = rrd__drain(d, now)))
		goto abort;
	rc = rrd__txn_commit(d);
	goto unlock;
abort:
	rrd__txn_abort(d);
unlock:
	rrd__unlock(d);
	return rc;
}

RRD_API rrd_status rrd_distributor_decline(rrd_distributor *d, const char *record_id,
					   const char *agent_id)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	rec_rt *rec;
	agent_rt *a;
	rrd_status rc = rrd__txn_begin(d);
	if (rc)
		goto unlock;
	if ((rc = lookup_pair(d, record_id, agent_id, &rec, &a)) ||
	    (rc = rrd__route_decline(d, rec, a, now)))
		goto abort;
	if ((rc = rrd__drain(d, now)))
		goto abort;
	rc = rrd__txn_commit(d);
	goto unlock;
abort:
	rrd__txn_abort(d);
unlock:
	rrd__unlock(d);
	return rc;
}

static rrd_status move_options(const rrd_move_options *opts, rrd_move_options *o)
{
	rrd_move_options def = RRD_MOVE_OPTIONS_INIT;
	*o = def;
	if (!opts)
		return RRD_OK;
	static const size_t move_size[] = { 0, sizeof(rrd_move_options) };
	if (opts->version < 1 || opts->version > RRD_MOVE_OPTIONS_VERSION)
		return rrd__fail(RRD_E_VERSION, "move options version %u is not one of 1..%u",
				 opts->version, RRD_MOVE_OPTIONS_VERSION);
	memcpy(o, opts, move_size[opts->version]);
	return RRD_OK;
}

/* The guards of a single-record move, after the record and target are known. */
static rrd_status movable(const rec_rt *rec, const rrd_move_options *o)
{
	rrd_record_status s = rec->r->status;
	if (s == RRD_RECORD_DEACTIVATED)
		return rrd__fail(RRD_E_INVALID, "record \"%s\" is deactivated", rec->r->id);
	if (o->force)
		return RRD_OK;
	if (s == RRD_RECORD_OFFERED)
		return rrd__fail(RRD_E_RULE_BOUND, "record \"%s\" is under a live routing offer",
				 rec->r->id);
	if (s != RRD_RECORD_PENDING && s != RRD_RECORD_QUEUED)
		return rrd__fail(RRD_E_NOT_PENDING, "record \"%s\" is %s, not pending", rec->r->id,
				 rrd_record_status_name(s));
	return RRD_OK;
}

static rrd_status move_to_agent(rrd_distributor *d, const char *record_id, const char *agent_id,
				 const rrd_move_options *opts, rrd_via via)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	rrd_move_options o;
	rrd_status rc = move_options(opts, &o);
	if (rc)
		return rc;
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	rec_rt *rec;
	agent_rt *a;
	if ((rc = rrd__txn_begin(d)))
		goto unlock;
	if ((rc = lookup_pair(d, record_id, agent_id, &rec, &a)))
		goto abort;
	if (!a->cfg->active) {
		rc = rrd__fail(RRD_E_INVALID, "agent \"%s\" is inactive", a->id);
		goto abort;
	}
	if ((rc = movable(rec, &o)))
		goto abort;
	rrd_give gi = { NULL, NULL, NULL, via, o.notify, o.integrations, 0, 0 };
	if ((rc = rrd__give(d, rec, a, &gi, now)))
		goto abort;
	if ((rc = rrd__drain(d, now)))
		goto abort;
	rc = rrd__txn_commit(d);
	goto unlock;
abort:
	rrd__txn_abort(d);
unlock:
	rrd__unlock(d);
	return rc;
}

RRD_API rrd_status rrd_distributor_assign(rrd_distributor *d, const char *record_id,
					  const char *agent_id, const rrd_move_options *opts)
{
	return move_to_agent(d, record_id, agent_id, opts, RRD_VIA_MANUAL);
}

RRD_API rrd_status rrd_distributor_reassign_to_agent(rrd_distributor *d, const char *record_id,
						     const char *agent_id,
						     const rrd_move_options *opts)
{
	return move_to_agent(d, record_id, agent_id, opts, RRD_VIA_REASSIGN);
}

RRD_API rrd_status rrd_distributor_reassign_to_pool(rrd_distributor *d, const char *record_id,
						    const char *pool_id,
						    const rrd_move_options *opts)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	rrd_move_options o;
	rrd_status rc = move_options(opts, &o);
	if (!rc)
		rc = rrd__id_check(record_id, "record id");
	if (!rc)
		rc = rrd__id_check(pool_id, "pool id");
	if (rc)
		return rc;
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	rec_rt *rec;
	pool_rt *p;
	if ((rc = rrd__txn_begin(d)))
		goto unlock;
	if ((rc = rrd__rec_get(d, record_id, &rec)))
		goto abort;
	if (!(p = rrd__pool_find(d, pool_id))) {
		rc = rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", pool_id);
		goto abort;
	}
	if ((rc = kind_check(p, rec->r)) || (rc = movable(rec, &o)))
		goto abort;
	/* A piranha pool has no "next": its members take turns in join order. */
	rrd_strategy s = p->cfg->strategy == RRD_STRATEGY_PIRANHA ? RRD_STRATEGY_ROUND_ROBIN
								   : p->cfg->strategy;
	rrd_pick_req req = { .pool = p, .strategy = s, .record = rec->r,
			     .respect_hours = p->cfg->respect_hours, .explain = d->opts.explain };
	size_t pos;
	rc = rrd__pick(d, &req, &pos);
	if (rc == RRD_E_NO_ELIGIBLE)
		rc = rrd__fail(RRD_E_NO_ELIGIBLE, "nobody in pool \"%s\" is eligible", p->id);
	if (rc)
		goto abort;
	rrd_give gi = { p->id, NULL, rrd__strategy_label(d, s), RRD_VIA_REASSIGN, o.notify,
			 o.integrations, 1, 0 };
	if ((rc = rrd__give(d, rec, d->agents[p->members[pos].agent], &gi, now)))
		goto abort;
	if ((rc = rrd__drain(d, now)))
		goto abort;
	rc = rrd__txn_commit(d);
	goto unlock;
abort:
	rrd__txn_abort(d);
unlock:
	rrd__unlock(d);
	return rc;
}

static rrd_status build_agent_tree(rrd_distributor *d)
{
	size_t n = 0;
	rrd_geo_point *pts = rrd__malloc((d->nagents ? d->nagents : 1) * sizeof *pts);
	uint32_t *ids = rrd__malloc((d->nagents ? d->nagents : 1) * sizeof *ids);
	rrd_kdtree *t = NULL;
	int failed = !pts || !ids;
	for (size_t i = 0; !failed && i < d->nagents; i++) {
		const rrd_agent *c = d->agents[i]->cfg;
		if (c->has_location && rrd__geo_point(c->lat, c->lon, &pts[n]) == 0)
			ids[n++] = (uint32_t)i;
	}
	if (!failed)
		failed = rrd__kdtree_build(&t, pts, ids, n) != 0;
	rrd__free(pts);
	rrd__free(ids);
	if (failed)
		return rrd__nomem();
	rrd__kdtree_free(d->agent_tree);
	d->agent_tree = t;
	d->agent_tree_stale = 0;
	return RRD_OK;
}

typedef struct nearest_ctx {
	rrd_distributor *d;
	const char *const *types;
	size_t ntypes;
	const char *owner;
} nearest_ctx;

static int accept_agent(void *ctx, uint32_t idx)
{
	nearest_ctx *nc = ctx;
	const agent_rt *a = nc->d->agents[idx];
	if (!a->cfg->active || a->cfg->paused)
		return 0;
	if (nc->owner && strcmp(nc->owner, a->id) == 0)
		return 0;
	if (!nc->ntypes)
		return 1;
	for (size_t i = 0; i < nc->ntypes; i++)
		if (rrd__strlist_find(&a->cfg->types, nc->types[i]) >= 0)
			return 1;
	return 0;
}

RRD_API rrd_status rrd_distributor_reassign_to_nearest(rrd_distributor *d,
						       const char *record_id,
						       const char *const *types, size_t ntypes,
						       const rrd_move_options *opts)
{
	if (!d || (ntypes && !types))
		return rrd__fail(RRD_E_INVALID, "distributor and types must not be NULL");
	rrd_move_options o;
	rrd_status rc = move_options(opts, &o);
	if (!rc)
		rc = rrd__id_check(record_id, "record id");
	for (size_t i = 0; !rc && i < ntypes; i++)
		rc = rrd__id_check(types[i], "agent type");
	if (rc)
		return rc;
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	rec_rt *rec;
	rrd_geo_point q;
	if ((rc = rrd__txn_begin(d)))
		goto unlock;
	if ((rc = rrd__rec_get(d, record_id, &rec)))
		goto abort;
	if (!rec->r->has_location || rrd__geo_point(rec->r->lat, rec->r->lon, &q)) {
		rc = rrd__fail(RRD_E_INVALID, "record \"%s\" has no location", rec->r->id);
		goto abort;
	}
	if ((rc = movable(rec, &o)))
		goto abort;
	if ((d->agent_tree_stale || !d->agent_tree) && (rc = build_agent_tree(d)))
		goto abort;
	nearest_ctx nc = { d, types, ntypes, rec->r->owner };
	uint32_t idx;
	double chord2;
	if (!rrd__kdtree_nearest(d->agent_tree, &q, accept_agent, &nc, &idx, &chord2)) {
		rc = rrd__fail(RRD_E_NO_ELIGIBLE, "no active agent of those types has a location");
		goto abort;
	}
	rrd_give gi = { NULL, NULL, NULL, RRD_VIA_REASSIGN, o.notify, o.integrations, 0, 0 };
	if ((rc = rrd__give(d, rec, d->agents[idx], &gi, now)))
		goto abort;
	if ((rc = rrd__drain(d, now)))
		goto abort;
	rc = rrd__txn_commit(d);
	goto unlock;
abort:
	rrd__txn_abort(d);
unlock:
	rrd__unlock(d);
	return rc;
}
