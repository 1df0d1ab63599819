/*
 * Records arriving, being claimed and being moved by hand. Every change
 * of owner goes through give(), which keeps the counters right and emits
 * the `assigned` event.
 */
#include <string.h>

#include "core/core.h"
#include "api/move_options.h"
#include "api/reassign_list.h"
#include "geo/kdtree.h"
#include "routing/routing.h"
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

static rrd_status kind_check(const rrd_pool_rt *p, const rrd_record *r)
{
	if (p->cfg->kind != r->kind)
		return rrd__fail(RRD_E_KIND_MISMATCH, "pool \"%s\" takes %ss; record \"%s\" is a %s",
				 p->id, rrd_kind_name(p->cfg->kind), r->id, rrd_kind_name(r->kind));
	return RRD_OK;
}

typedef struct submit_args {
	const rrd_record *record; /* the caller's */
	const rrd_submit_options *o;
	unsigned char not_stored; /* the store was asked: no record has this id */
	unsigned char unasked;    /* nobody asks: the commit adds it (add_many) */
	int matched;      /* `rule` is known already (a batch matched it) */
	const rrd_rule_rt *rule;
} submit_args;

/* submit_body with the record's copy, which it owns. */
static rrd_status submit_copy(rrd_distributor *d, submit_args *a, rrd_record *copy,
			      rrd_time now)
{
	rrd_pool_rt *p = NULL;
	rrd_rec_rt *rec;
	rrd_status rc;
	copy->created_at = now;
	const rrd_rule_rt *rule = a->rule;
	if (a->o->pool) {
		if (!(p = rrd__pool_find(d, a->o->pool)))
			rc = rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", a->o->pool);
		else
			rc = kind_check(p, copy);
	} else {
		rc = a->matched ? RRD_OK : rrd__rule_match(d, copy, &rule);
	}
	if (!rc)
		rc = rrd__rec_add(d, copy,
				  a->unasked      ? RRD_REC_UNASKED
				  : a->not_stored ? RRD_REC_ABSENT
						  : RRD_REC_ASK,
				  &rec);
	if (rc) {
		rrd_record_free(copy);
		return rc;
	}
	/* The cache owns the copy now. */
	rrd__rec_settle(d, rec);
	if (a->o->pool || rule)
		return rrd__route(d, rec, rule, p, a->o->notify, now);
	return rrd__queue_push(d, rec, RRD_QUEUE_NO_RULE, NULL, NULL, now);
}

/* The copy is made here, in the transaction, so that a run again after a
 * lost race starts from the caller's record, as the first did. */
static rrd_status submit_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	submit_args *a = ctx;
	rrd_record *copy;
	rrd_status rc = rrd__record_new_from(&copy, a->record->id, a->record);
	return rc ? rc : submit_copy(d, a, copy, now);
}

static void submit_prefetch(rrd_distributor *d, void *ctx)
{
	submit_args *a = ctx;
	rrd__want_absent(d, a->record->id, &a->not_stored);
	rrd__want_route(d, a->record, a->o->pool);
}

/* The caller's options, as a full table of this version; NULL: defaults. */
static rrd_status submit_options(const rrd_submit_options *opts, rrd_submit_options *o)
{
	if (opts && (opts->version < 1 || opts->version > RRD_SUBMIT_OPTIONS_VERSION))
		return rrd__fail(RRD_E_VERSION, "submit options version %u is not one of 1..%u",
				 opts->version, RRD_SUBMIT_OPTIONS_VERSION);
	/* Copy only what the caller's version of the table has. */
	static const size_t submit_size[] = { 0, sizeof(rrd_submit_options) };
	*o = (rrd_submit_options)RRD_SUBMIT_OPTIONS_INIT;
	if (opts)
		memcpy(o, opts, submit_size[opts->version]);
	return o->pool ? rrd__id_check(o->pool, "pool id") : RRD_OK;
}

RRD_API rrd_status rrd_distributor_submit(rrd_distributor *d, const rrd_record *record,
					  const rrd_submit_options *opts)
{
	if (!d || !record)
		return rrd__fail(RRD_E_INVALID, "distributor and record must not be NULL");
	rrd_submit_options o;
	rrd_status rc = submit_options(opts, &o);
	if (rc)
		return rc;
	submit_args a = { record, &o, 0, 0, 0, NULL };
	return rrd__operation_ahead(d, submit_body, submit_prefetch, &a);
}

typedef struct submit_many_args {
	const rrd_record *const *records;
	size_t n;
	const rrd_submit_options *o;
	size_t at; /* the record being submitted; n: none (yet, or any more) */
	unsigned char *stored; /* per record: the store has its id; NULL: not asked */
	const rrd_rule_rt **rules; /* per record: the rule it matched; NULL: not matched */
	/* The store is not asked which ids it holds: the commit adds the
	 * records with add_many, which fails if one is taken. */
	int unasked;
} submit_many_args;

/* Every record's rule, before any is routed: matching changes nothing,
 * and all at once it overlaps the cache misses of many records' rules,
 * which with thousands of rules are most of what a match costs. */
static rrd_status match_all(rrd_distributor *d, submit_many_args *m)
{
	if (m->o->pool)
		return RRD_OK;
	if (!(m->rules = rrd__malloc(m->n * sizeof *m->rules)))
		return rrd__nomem();
	return rrd__rule_match_many(d, m->records, m->n, m->rules);
}

/* Ask the store about every id at once, where it can answer so: one
 * query for a SQL store, overlapped cache misses for the memory store. */
static rrd_status ask_store(rrd_distributor *d, submit_many_args *m)
{
	rrd_store *st = d->store;
	if (!st->m.has_many)
		return RRD_OK;
	const char **ids = rrd__malloc(m->n * sizeof *ids);
	m->stored = rrd__malloc(m->n);
	if (!ids || !m->stored) {
		rrd__free(ids);
		return rrd__nomem();
	}
	for (size_t i = 0; i < m->n; i++)
		ids[i] = m->records[i]->id;
	int rc = st->m.has_many(st->self, RRD_NS_RECORD, m->n, ids, m->stored);
	rrd__free(ids);
	return rrd__store_status(rc, "looking up new records");
}

static rrd_status submit_many_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	submit_many_args *m = ctx;
	/* What a run before this one found is stale: another writer won. */
	rrd__free(m->stored);
	rrd__free(m->rules);
	m->stored = NULL;
	m->rules = NULL;
	/* The options' fault, not a record's. */
	if (m->o->pool && !rrd__pool_find(d, m->o->pool))
		return rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", m->o->pool);
	rrd_status rc = m->unasked ? RRD_OK : ask_store(d, m);
	if (!rc)
		rc = match_all(d, m);
	if (rc)
		return rc;
	for (m->at = 0; m->at < m->n; m->at++) {
		const rrd_record *r = m->records[m->at];
		submit_args a = { r,
				  m->o,
				  m->stored && !m->stored[m->at],
				  (unsigned char)m->unasked,
				  m->rules != NULL,
				  m->rules ? m->rules[m->at] : NULL };
		rc = submit_body(d, &a, now);
		if (rc)
			return rc;
	}
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_submit_many(rrd_distributor *d,
					       const rrd_record *const *records, size_t n,
					       const rrd_submit_options *opts, size_t *failed)
{
	if (failed)
		*failed = n;
	if (!d || (!records && n))
		return rrd__fail(RRD_E_INVALID, "distributor and records must not be NULL");
	for (size_t i = 0; i < n; i++)
		if (!records[i]) {
			if (failed)
				*failed = i;
			return rrd__fail(RRD_E_INVALID, "records[%zu] is NULL", i);
		}
	rrd_submit_options o;
	rrd_status rc = submit_options(opts, &o);
	if (rc || !n)
		return rc;
	submit_many_args m = { records, n, &o, n, NULL, NULL, d->store->m.add_many != NULL };
	rc = rrd__operation(d, submit_many_body, &m);
	if (rc == RRD_E_EXISTS && m.unasked && m.at == n) {
		/* The store held one of the ids: look before writing this
		 * time, to say which, or to succeed if it has gone since. */
		m.unasked = 0;
		rc = rrd__operation(d, submit_many_body, &m);
	}
	rrd__free(m.stored);
	rrd__free(m.rules);
	if (!rc)
		return RRD_OK;
	if (m.at < n) {
		/* Say which record: the host has to find it among thousands. */
		rrd__fail_prefix(rc, "records[%zu]: ", m.at);
		if (failed)
			*failed = m.at;
	}
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

/* put_record_body with the record's copy, which it owns until the record
 * cache takes it (*copy is then NULL). */
static rrd_status put_copy(rrd_distributor *d, rrd_record **copy, rrd_time now)
{
	rrd_record *r = *copy;
	rrd_rec_rt *rec;
	rrd_status rc = check_people(d, r);
	if (rc)
		return rc;
	if (r->created_at == RRD_TIME_NONE)
		r->created_at = now;
	/* Import through the ownership path so open counts include it. */
	rrd_record_status status = r->status;
	rrd_agent_rt *owner = r->owner ? rrd__agent_find(d, r->owner) : NULL;
	rrd__record_release(r, r->owner);
	r->owner = NULL;
	r->status = RRD_RECORD_NEW;
	if ((rc = rrd__rec_add(d, r, RRD_REC_ASK, &rec)))
		return rc;
	*copy = NULL; /* the cache owns it now */
	return status == RRD_RECORD_QUEUED ? rrd__queue_import(d, rec, now)
					   : rrd__rec_transition(d, rec, owner, status);
}

/* Copied in the transaction, as submit_body does. */
static rrd_status put_record_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	rrd_record *copy;
	rrd_status rc = rrd_record_dup(&copy, ctx);
	if (!rc) {
		rc = put_copy(d, &copy, now);
		rrd_record_free(copy);
	}
	return rc;
}

RRD_API rrd_status rrd_distributor_put_record(rrd_distributor *d, const rrd_record *record)
{
	if (!d || !record)
		return rrd__fail(RRD_E_INVALID, "distributor and record must not be NULL");
	if (rrd__record_check_import(record))
		return rrd__fail_prefix(RRD_E_INVALID, "record \"%s\": ", record->id);
	return rrd__operation(d, put_record_body, (void *)record);
}

typedef struct get_args {
	const char *id;
	rrd_record **out;
} get_args;

static rrd_status get_record_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	get_args *a = ctx;
	rrd_rec_rt *rec;
	(void)now;
	rrd_status rc = rrd__rec_get(d, a->id, &rec);
	return rc ? rc : rrd_record_dup(a->out, rec->r);
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
	get_args a = { id, out };
	return rrd__read(d, get_record_body, &a);
}

/* Unknown record, then unknown agent: the order the checks are promised in. */
static rrd_status lookup_pair(rrd_distributor *d, const char *record_id, const char *agent_id,
			      rrd_rec_rt **rec, rrd_agent_rt **a)
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

typedef struct pair_args {
	const char *record, *agent;
	rrd_claim_result *result;
	const rrd_move_options *o;
	rrd_via via;
	int listed;      /* one record of a list: any status will do */
} pair_args;

static rrd_status claim_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	pair_args *a = ctx;
	rrd_rec_rt *rec;
	rrd_agent_rt *ag;
	rrd_status rc = lookup_pair(d, a->record, a->agent, &rec, &ag);
	return rc ? rc : rrd__route_claim(d, rec, ag, a->result, now);
}

RRD_API rrd_status rrd_distributor_claim(rrd_distributor *d, const char *record_id,
					 const char *agent_id, rrd_claim_result *result)
{
	if (!d || !result)
		return rrd__fail(RRD_E_INVALID, "distributor and result must not be NULL");
	pair_args a = { record_id, agent_id, result, NULL, 0, 0 };
	return rrd__operation(d, claim_body, &a);
}

static rrd_status decline_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	pair_args *a = ctx;
	rrd_rec_rt *rec;
	rrd_agent_rt *ag;
	rrd_status rc = lookup_pair(d, a->record, a->agent, &rec, &ag);
	return rc ? rc : rrd__route_decline(d, rec, ag, now);
}

RRD_API rrd_status rrd_distributor_decline(rrd_distributor *d, const char *record_id,
					   const char *agent_id)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	pair_args a = { record_id, agent_id, NULL, NULL, 0, 0 };
	return rrd__operation(d, decline_body, &a);
}

/* What a call that moves one record checks before it begins: the
 * distributor, the options table and the record's id. */
static rrd_status move_start(rrd_distributor *d, const char *record_id,
			     const rrd_move_options *opts, rrd_move_options *o)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	rrd_status rc = rrd__move_options(opts, o);
	return rc ? rc : rrd__id_check(record_id, "record id");
}

/* The guards of a move, after the record and target are known. A record
 * of a list moves whatever its status, but for the live offer. */
static rrd_status movable(const rrd_rec_rt *rec, const rrd_move_options *o, int listed)
{
	rrd_record_status s = rec->r->status;
	if (s == RRD_RECORD_DEACTIVATED)
		return rrd__fail(RRD_E_INVALID, "record \"%s\" is deactivated", rec->r->id);
	if (o->force)
		return RRD_OK;
	if (s == RRD_RECORD_OFFERED)
		return rrd__fail(RRD_E_RULE_BOUND, "record \"%s\" is under a live routing offer",
				 rec->r->id);
	if (!listed && s != RRD_RECORD_PENDING && s != RRD_RECORD_QUEUED)
		return rrd__fail(RRD_E_NOT_PENDING, "record \"%s\" is %s, not pending", rec->r->id,
				 rrd_record_status_name(s));
	return RRD_OK;
}

static rrd_status move_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	pair_args *a = ctx;
	rrd_rec_rt *rec;
	rrd_agent_rt *ag;
	rrd_status rc = lookup_pair(d, a->record, a->agent, &rec, &ag);
	if (rc)
		return rc;
	if (!ag->cfg->active)
		return rrd__fail(RRD_E_INVALID, "agent \"%s\" is inactive", ag->id);
	if ((rc = movable(rec, a->o, a->listed)))
		return rc;
	rrd_give gi = { .via = a->via, .notify = a->o->notify, .integrations = a->o->integrations };
	return rrd__give(d, rec, ag, &gi, now);
}

static rrd_status move_to_agent(rrd_distributor *d, const char *record_id, const char *agent_id,
				const rrd_move_options *opts, rrd_via via)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	rrd_move_options o;
	rrd_status rc = rrd__move_options(opts, &o);
	if (rc)
		return rc;
	pair_args a = { record_id, agent_id, NULL, &o, via, 0 };
	return rrd__operation(d, move_body, &a);
}

RRD_API rrd_status rrd_distributor_assign(rrd_distributor *d, const char *record_id,
					  const char *agent_id, const rrd_move_options *opts)
{
	return move_to_agent(d, record_id, agent_id, opts, RRD_VIA_MANUAL);
}

typedef struct park_args {
	const char *record;
	const rrd_move_options *o;
} park_args;

static rrd_status park_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	park_args *a = ctx;
	rrd_rec_rt *rec;
	rrd_status rc = rrd__rec_get(d, a->record, &rec);
	if (!rc)
		rc = movable(rec, a->o, 0);
	if (!rc && rec->r->status == RRD_RECORD_OFFERED)
		rc = rrd__route_withdraw(d, rec);
	return rc ? rc : rrd__queue_park(d, rec, now);
}

RRD_API rrd_status rrd_distributor_queue_record(rrd_distributor *d, const char *record_id,
						const rrd_move_options *opts)
{
	rrd_move_options o;
	rrd_status rc = move_start(d, record_id, opts, &o);
	if (rc)
		return rc;
	park_args a = { record_id, &o };
	return rrd__operation(d, park_body, &a);
}

RRD_API rrd_status rrd_distributor_reassign_to_agent(rrd_distributor *d, const char *record_id,
						     const char *agent_id,
						     const rrd_move_options *opts)
{
	return move_to_agent(d, record_id, agent_id, opts, RRD_VIA_REASSIGN);
}

typedef struct target_args {
	const char *record;
	const char *pool;
	const char *const *types;
	size_t ntypes;
	const rrd_move_options *o;
	int listed;      /* one record of a list: any status will do */
} target_args;

static rrd_status to_pool_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	target_args *a = ctx;
	rrd_rec_rt *rec;
	rrd_pool_rt *p;
	rrd_status rc = rrd__rec_get(d, a->record, &rec);
	if (rc)
		return rc;
	if (!(p = rrd__pool_find(d, a->pool)))
		return rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", a->pool);
	if ((rc = kind_check(p, rec->r)) || (rc = movable(rec, a->o, a->listed)))
		return rc;
	/* A piranha pool has no "next": its members take turns in join order. */
	rrd_strategy s = p->cfg->strategy == RRD_STRATEGY_PIRANHA ? RRD_STRATEGY_ROUND_ROBIN
								   : p->cfg->strategy;
	rrd_pick_req req = { .pool = p, .strategy = s, .record = rec->r,
			     .respect_hours = p->cfg->respect_hours, .explain = d->opts.explain };
	size_t pos;
	rc = rrd__pick(d, &req, &pos);
	if (rc == RRD_E_NO_ELIGIBLE)
		return rrd__fail(RRD_E_NO_ELIGIBLE, "nobody in pool \"%s\" is eligible", p->id);
	if (rc)
		return rc;
	rrd_give gi = { .pool = p->id, .strategy = rrd__strategy_label(d, s),
			.via = RRD_VIA_REASSIGN, .notify = a->o->notify,
			.integrations = a->o->integrations, .explain = 1 };
	return rrd__give(d, rec, d->agents[p->members[pos].agent], &gi, now);
}

RRD_API rrd_status rrd_distributor_reassign_to_pool(rrd_distributor *d, const char *record_id,
						    const char *pool_id,
						    const rrd_move_options *opts)
{
	rrd_move_options o;
	rrd_status rc = move_start(d, record_id, opts, &o);
	if (!rc)
		rc = rrd__id_check(pool_id, "pool id");
	if (rc)
		return rc;
	target_args a = { record_id, pool_id, NULL, 0, &o, 0 };
	return rrd__operation(d, to_pool_body, &a);
}

/* A tree over every agent with a location, for reassigning to the
 * nearest, kept per distributor with the configuration generation it was
 * built in. */
typedef struct agents_tree {
	uint64_t config; /* 0: never built */
	rrd_kdtree *tree;
} agents_tree;

static void agents_tree_free(void *data)
{
	agents_tree *t = data;
	rrd__kdtree_free(t->tree);
	rrd__free(t);
}

static const rrd_cache_kind agents_tree_kind = { "agents by location", agents_tree_free };

static rrd_status agent_tree(rrd_distributor *d, rrd_kdtree **out)
{
	agents_tree *at;
	rrd_status rc = rrd__cache_of(d, &agents_tree_kind, sizeof *at, (void **)&at);
	if (rc)
		return rc;
	if (!rrd__config_fresh(d, at->config)) {
		rrd_kdtree *t;
		rc = rrd__agents_kdtree(d, NULL, 0, &t);
		if (rc)
			return rc;
		rrd__kdtree_free(at->tree);
		at->tree = t;
		at->config = d->config_gen;
	}
	*out = at->tree;
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
	const rrd_agent_rt *a = nc->d->agents[idx];
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

static rrd_status to_nearest_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	target_args *a = ctx;
	rrd_rec_rt *rec;
	rrd_geo_point q;
	rrd_status rc = rrd__rec_get(d, a->record, &rec);
	if (rc)
		return rc;
	if (!rec->r->has_location || rrd__geo_point(rec->r->lat, rec->r->lon, &q))
		return rrd__fail(RRD_E_INVALID, "record \"%s\" has no location", rec->r->id);
	if ((rc = movable(rec, a->o, a->listed)))
		return rc;
	rrd_kdtree *tree = NULL;
	if ((rc = agent_tree(d, &tree)))
		return rc;
	nearest_ctx nc = { d, a->types, a->ntypes, rec->r->owner };
	uint32_t idx;
	double chord2;
	if (!rrd__kdtree_nearest(tree, &q, accept_agent, &nc, &idx, &chord2))
		return rrd__fail(RRD_E_NO_ELIGIBLE, "no active agent of those types has a location");
	rrd_give gi = { .via = RRD_VIA_REASSIGN, .notify = a->o->notify,
			.integrations = a->o->integrations };
	return rrd__give(d, rec, d->agents[idx], &gi, now);
}

RRD_API rrd_status rrd_distributor_reassign_to_nearest(rrd_distributor *d,
						       const char *record_id,
						       const char *const *types, size_t ntypes,
						       const rrd_move_options *opts)
{
	if (!d || (ntypes && !types))
		return rrd__fail(RRD_E_INVALID, "distributor and types must not be NULL");
	rrd_move_options o;
	rrd_status rc = rrd__move_options(opts, &o);
	if (!rc)
		rc = rrd__id_check(record_id, "record id");
	for (size_t i = 0; !rc && i < ntypes; i++)
		rc = rrd__id_check(types[i], "agent type");
	if (rc)
		return rc;
	target_args a = { record_id, NULL, types, ntypes, &o, 0 };
	return rrd__operation(d, to_nearest_body, &a);
}

/* ---- a list of records ------------------------------------------------- */

typedef struct list_args {
	const char *record;
	const rrd_move_target *to;
	const rrd_move_options *o;
} list_args;

static rrd_status list_item_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	list_args *a = ctx;
	const rrd_move_target *to = a->to;
	if (to->agent) {
		pair_args p = { a->record, to->agent, NULL, a->o, RRD_VIA_REASSIGN, 1 };
		return move_body(d, &p, now);
	}
	rrd_status rc = rrd__id_check(a->record, "record id");
	if (rc)
		return rc;
	target_args t = { a->record, to->pool, to->types, to->ntypes, a->o, 1 };
	return to->pool ? to_pool_body(d, &t, now) : to_nearest_body(d, &t, now);
}

static rrd_status nothing_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)d;
	(void)ctx;
	(void)now;
	return RRD_OK;
}

rrd_status rrd__reassign_list(rrd_distributor *d, const char *const *record_ids, size_t n,
			      const rrd_move_target *to, const rrd_move_options *opts,
			      rrd_move_refused_fn refused, void *user)
{
	if (!d || !to || (n && !record_ids) || (to->ntypes && !to->types) ||
	    !!to->agent + !!to->pool + !!to->nearest != 1)
		return rrd__fail(RRD_E_INVALID, "a distributor, the records and one target "
				 "must be given");
	rrd_move_options o;
	rrd_status rc = rrd__move_options(opts, &o);
	/* The target is the same for every record: checked once. */
	if (!rc && to->pool)
		rc = rrd__id_check(to->pool, "pool id");
	for (size_t i = 0; !rc && to->nearest && i < to->ntypes; i++)
		rc = rrd__id_check(to->types[i], "agent type");
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		list_args a = { record_ids[i], to, &o };
		/* Each record moves on its own, so one refused leaves the
		 * others be; what they free drains once, after the last. */
		if ((rc = rrd__operation_ex(d, list_item_body, &a, 0)) && refused)
			refused(user, i, rc);
	}
	return rrd__operation(d, nothing_body, NULL);
}
