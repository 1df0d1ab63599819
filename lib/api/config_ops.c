/*
 * Configuration changes: calendars, agents, pools and their members.
 * Each is one RRD_TXN_CONFIG transaction (rrd__run): it looks its objects
 * up once the transaction has begun (and reloaded what another
 * distributor changed), writes the object's JSON, and the in-memory copy
 * changes only after the commit, from what the write prepared, so a
 * failure changes nothing.
 */
#include <string.h>

#include "config/json_objects.h"
#include "core/config_store.h"
#include "core/core.h"
#include "routing/routing.h"
#include "strategy/strategy.h"
#include "time/calendar.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

#define NEED(cond, msg)                                          \
	do {                                                     \
		if (!(cond))                                     \
			return rrd__fail(RRD_E_INVALID, msg);    \
	} while (0)

/* ---- calendars ------------------------------------------------------- */

typedef struct put_calendar_args {
	rrd_cal_rt *fresh;   /* the new definition, id and calendar */
	cJSON *json;
	rrd_cal_rt *old;     /* found in write */
} put_calendar_args;

static rrd_status put_calendar_write(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)now;
	put_calendar_args *a = ctx;
	a->old = rrd__cal_find(d, a->fresh->id);
	if (!a->old && (rrd__grow((void **)&d->cals, &d->cals_cap, d->ncals + 1, sizeof(rrd_cal_rt *)) ||
			rrd__hashmap_reserve(&d->cal_map, 1)))
		return rrd__nomem();
	/* A calendar keeps its place; a new one goes last. */
	a->fresh->order = a->old ? a->old->order : 0;
	rrd_status rc = a->old ? RRD_OK
			       : rrd__config_order_new(d->next_order.cal, &a->fresh->order);
	if (!rc)
		rc = rrd__config_put(d, RRD_NS_CALENDAR, a->fresh->id, a->json, a->fresh->order);
	return rc;
}

static void put_calendar_apply(rrd_distributor *d, void *ctx)
{
	put_calendar_args *a = ctx;
	if (a->old) {
		/* Swap contents so agents' indices stay valid. */
		rrd_calendar *c = a->old->cal;
		a->old->cal = a->fresh->cal;
		a->fresh->cal = c;
	} else {
		rrd__hashmap_put(&d->cal_map, a->fresh->id, (uint32_t)d->ncals);
		d->next_order.cal = a->fresh->order + 1;
		d->cals[d->ncals++] = a->fresh;
		a->fresh = NULL;
	}
}

RRD_API rrd_status rrd_distributor_put_calendar(rrd_distributor *d, const rrd_calendar *cal)
{
	NEED(d && cal, "distributor and calendar must not be NULL");
	if (rrd__calendar_check_opens(cal))
		return RRD_E_INVALID;
	put_calendar_args a = { rrd__calloc(1, sizeof(rrd_cal_rt)), rrd__calendar_to_json(cal), NULL };
	rrd_status rc = RRD_OK;
	if (!a.fresh || !a.json || rrd_calendar_dup(&a.fresh->cal, cal) ||
	    !(a.fresh->id = rrd__strdup(rrd_calendar_id(cal))))
		rc = rrd__nomem();
	static const rrd_txn change = { .kind = RRD_TXN_CONFIG, .body = put_calendar_write, .apply = put_calendar_apply };
	if (!rc)
		rc = rrd__run(d, &change, &a);
	cJSON_Delete(a.json);
	rrd__cal_rt_free(a.fresh);
	return rc;
}

/* What a getter asks for and where the copy goes. */
typedef struct get_args {
	const char *id;
	void *out;
} get_args;

static rrd_status get_calendar_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	get_args *a = ctx;
	(void)now;
	rrd_cal_rt *c = rrd__cal_find(d, a->id);
	return c ? rrd_calendar_dup(a->out, c->cal)
		 : rrd__fail(RRD_E_UNKNOWN_CALENDAR, "no calendar \"%s\"", a->id);
}

RRD_API rrd_status rrd_distributor_get_calendar(rrd_distributor *d, const char *id,
						rrd_calendar **out)
{
	NEED(d && id && out, "distributor, id and out must not be NULL");
	*out = NULL;
	rrd_status checked = rrd__id_check(id, "id");
	if (checked)
		return checked;
	get_args a = { id, out };
	return rrd__read(d, get_calendar_body, &a);
}

/* ---- agents ---------------------------------------------------------- */

typedef struct put_agent_args {
	rrd_agent *copy; /* the new definition */
	cJSON *json;
	rrd_agent_rt *old;   /* found in write */
	rrd_agent_rt *fresh; /* made in write when there is no old one */
	long cal;        /* the calendar's index, or -1 */
} put_agent_args;

static rrd_status put_agent_write(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)now;
	put_agent_args *a = ctx;
	/* What a run before this one made is not used: another writer
	 * won, and what it found may have changed. */
	rrd__agent_rt_free(a->fresh);
	a->fresh = NULL;
	a->old = rrd__agent_find(d, a->copy->id);
	a->cal = -1;
	if (a->copy->calendar) {
		rrd_cal_rt *c = rrd__cal_find(d, a->copy->calendar);
		if (!c)
			return rrd__fail(RRD_E_UNKNOWN_CALENDAR, "agent \"%s\": no calendar \"%s\"",
					 a->copy->id, a->copy->calendar);
		uint32_t ci;
		rrd__hashmap_get(&d->cal_map, c->id, &ci);
		a->cal = (long)ci;
	}
	if (!a->old) {
		a->fresh = rrd__calloc(1, sizeof *a->fresh);
		if (!a->fresh || !(a->fresh->id = rrd__strdup(a->copy->id)) ||
		    rrd__grow((void **)&d->agents, &d->agents_cap, d->nagents + 1, sizeof(rrd_agent_rt *)) ||
		    rrd__hashmap_reserve(&d->agent_map, 1))
			return rrd__nomem();
	}
	/* An agent keeps its place; a new one goes last. */
	rrd_status rc = a->old ? RRD_OK
			       : rrd__config_order_new(d->next_order.agent, &a->fresh->order);
	if (!rc)
		rc = rrd__config_put(d, RRD_NS_AGENT, a->copy->id, a->json,
				     (a->old ? a->old : a->fresh)->order);
	if (!rc && a->old && a->old->cfg->weight != a->copy->weight)
		rc = rrd__weighted_reweigh(d, a->old);
	return rc;
}

static void put_agent_apply(rrd_distributor *d, void *ctx)
{
	put_agent_args *a = ctx;
	rrd_agent_rt *to = a->old ? a->old : a->fresh;
	rrd_agent_free(to->cfg);
	to->cfg = a->copy;
	to->cal = a->cal;
	a->copy = NULL;
	if (!a->old) {
		to->id_hash = rrd__id_hash64(to->id);
		to->idx = (uint32_t)d->nagents;
		rrd__hashmap_put(&d->agent_map, to->id, to->idx);
		d->next_order.agent = to->order + 1;
		d->agents[d->nagents++] = to;
		a->fresh = NULL;
	}
}

RRD_API rrd_status rrd_distributor_put_agent(rrd_distributor *d, const rrd_agent *agent)
{
	NEED(d && agent, "distributor and agent must not be NULL");
	put_agent_args a = { 0 };
	rrd_status rc = rrd_agent_dup(&a.copy, agent);
	if (rc)
		return rc;
	static const rrd_txn change = { .kind = RRD_TXN_CONFIG, .body = put_agent_write, .apply = put_agent_apply, .then = &rrd__drain_alone };
	if (!(a.json = rrd__agent_to_json(a.copy)))
		rc = rrd__nomem();
	else
		rc = rrd__run(d, &change, &a);
	cJSON_Delete(a.json);
	rrd_agent_free(a.copy);
	rrd__agent_rt_free(a.fresh);
	return rc;
}

static rrd_status get_agent_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	get_args *g = ctx;
	rrd_agent **out = g->out;
	rrd_agent_rt *a = rrd__agent_find(d, g->id);
	rrd_agent_state *st = NULL;
	if (!a)
		return rrd__fail(RRD_E_UNKNOWN_AGENT, "no agent \"%s\"", g->id);
	rrd_status rc = rrd__agent_state(d, a, &st);
	if (rc || (rc = rrd_agent_dup(out, a->cfg)))
		return rc;
	(*out)->open = st->open;
	(*out)->today = rrd__agent_today(d, a, st, now);
	(*out)->last_assigned = st->last;
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_get_agent(rrd_distributor *d, const char *id, rrd_agent **out)
{
	NEED(d && id && out, "distributor, id and out must not be NULL");
	*out = NULL;
	rrd_status checked = rrd__id_check(id, "id");
	if (checked)
		return checked;
	get_args a = { id, out };
	return rrd__read(d, get_agent_body, &a);
}

typedef struct agent_at_args {
	size_t i;
	char *buf;
	size_t cap;
} agent_at_args;

static rrd_status agent_at_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	agent_at_args *a = ctx;
	(void)now;
	if (a->i >= d->nagents)
		return rrd__fail(RRD_E_NOTFOUND, "no agent number %zu", a->i);
	size_t n = strlen(d->agents[a->i]->id);
	if (n + 1 > a->cap)
		return rrd__fail(RRD_E_INVALID, "buffer of %zu bytes is too small", a->cap);
	memcpy(a->buf, d->agents[a->i]->id, n + 1);
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_agent_at(rrd_distributor *d, size_t i, char *buf, size_t cap)
{
	NEED(d && buf, "distributor and buf must not be NULL");
	agent_at_args a = { i, buf, cap };
	return rrd__read(d, agent_at_body, &a);
}

/* ---- pools ----------------------------------------------------------- */

static rrd_status check_pool(rrd_distributor *d, const rrd_pool *p, const rrd_pool_rt *old)
{
	if (old && old->cfg->kind != p->kind)
		return rrd__fail(RRD_E_INVALID, "pool \"%s\" holds %ss; its kind cannot change",
				 p->id, rrd_kind_name(old->cfg->kind));
	if (p->auto_drain && p->strategy == RRD_STRATEGY_PIRANHA)
		return rrd__fail(RRD_E_INVALID, "pool \"%s\": auto_drain is not allowed with piranha",
				 p->id);
	if (!rrd__strategy_label(d, p->strategy))
		return rrd__fail(RRD_E_INVALID, "pool \"%s\": strategy %d is not registered", p->id,
				 p->strategy);
	for (size_t i = 0; i < p->members.count; i++)
		if (!rrd__agent_find(d, p->members.items[i]))
			return rrd__fail(RRD_E_UNKNOWN_AGENT, "pool \"%s\": no agent \"%s\"", p->id,
					 p->members.items[i]);
	return RRD_OK;
}

/* Members of the new definition: those already in keep their join
 * number; the others join at the end in the order given. */
static rrd_status build_members(rrd_distributor *d, const rrd_pool *p, const rrd_pool_rt *old,
				rrd_pool_rt *into)
{
	size_t n = p->members.count;
	into->members = rrd__calloc(n ? n : 1, sizeof(rrd_member));
	if (!into->members)
		return rrd__nomem();
	into->cap = n ? n : 1;
	into->next_seq = old ? old->next_seq : 0;
	/* Kept members first, in their old order, then newcomers. */
	if (old) {
		for (size_t i = 0; i < old->nmembers; i++) {
			const char *id = d->agents[old->members[i].agent]->id;
			if (rrd__strlist_find(&p->members, id) >= 0)
				into->members[into->nmembers++] = old->members[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		rrd_agent_rt *a = rrd__agent_find(d, p->members.items[i]);
		int kept = 0;
		for (size_t k = 0; old && k < into->nmembers && !kept; k++)
			kept = into->members[k].agent == a->idx;
		if (!kept)
			into->members[into->nmembers++] = (rrd_member){ .agent = a->idx, .seq = ++into->next_seq };
	}
	return RRD_OK;
}

typedef struct put_pool_args {
	const rrd_pool *pool; /* the caller's definition */
	rrd_pool_rt *fresh;       /* made from it in write */
	rrd_pool_rt *old;         /* found in write */
	cJSON *json;
} put_pool_args;

static rrd_status put_pool_write(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)now;
	put_pool_args *a = ctx;
	/* Made afresh in every run: a run again after a lost race builds
	 * the members from the pool as the store has it now. */
	rrd__pool_rt_free(a->fresh);
	cJSON_Delete(a->json);
	a->json = NULL;
	rrd_pool_rt *fresh = a->fresh = rrd__calloc(1, sizeof(rrd_pool_rt));
	if (!fresh)
		return rrd__nomem();
	a->old = rrd__pool_find(d, a->pool->id);
	rrd_status rc = check_pool(d, a->pool, a->old);
	if (!rc && (rrd_pool_dup(&fresh->cfg, a->pool) || !(fresh->id = rrd__strdup(a->pool->id))))
		rc = rrd__nomem();
	if (!rc)
		rc = build_members(d, a->pool, a->old, fresh);
	if (rc)
		return rc;
	rrd__strlist_clear(&fresh->cfg->members);
	if (!a->old && (rrd__grow((void **)&d->pools, &d->pools_cap, d->npools + 1,
				  sizeof(rrd_pool_rt *)) ||
			rrd__hashmap_reserve(&d->pool_map, 1)))
		return rrd__nomem();
	/* A pool keeps its place; a new one goes last. */
	fresh->order = a->old ? a->old->order : 0;
	if (!a->old && (rc = rrd__config_order_new(d->next_order.pool, &fresh->order)))
		return rc;
	if (!(a->json = rrd__pool_rt_to_json(d, fresh)))
		return rrd__nomem();
	return rrd__config_put(d, RRD_NS_POOL, fresh->id, a->json, fresh->order);
}

static void put_pool_apply(rrd_distributor *d, void *ctx)
{
	put_pool_args *a = ctx;
	rrd_pool_rt *old = a->old, *fresh = a->fresh;
	if (old) {
		/* Keep the runtime object (and its cached strategy state);
		 * take the new definition and members. */
		rrd_pool *c = old->cfg;
		rrd_member *m = old->members;
		old->cfg = fresh->cfg;
		old->members = fresh->members;
		old->nmembers = fresh->nmembers;
		old->cap = fresh->cap;
		old->next_seq = fresh->next_seq;
		fresh->cfg = c;
		fresh->members = m;
	} else {
		fresh->idx = (uint32_t)d->npools;
		rrd__hashmap_put(&d->pool_map, fresh->id, fresh->idx);
		d->next_order.pool = fresh->order + 1;
		d->pools[d->npools++] = fresh;
		a->fresh = NULL;
	}
}

RRD_API rrd_status rrd_distributor_put_pool(rrd_distributor *d, const rrd_pool *pool)
{
	NEED(d && pool, "distributor and pool must not be NULL");
	put_pool_args a = { pool, NULL, NULL, NULL };
	static const rrd_txn change = { .kind = RRD_TXN_CONFIG, .body = put_pool_write, .apply = put_pool_apply, .then = &rrd__drain_alone };
	rrd_status rc = rrd__run(d, &change, &a);
	cJSON_Delete(a.json);
	rrd__pool_rt_free(a.fresh);
	return rc;
}

static rrd_status get_pool_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	get_args *a = ctx;
	rrd_pool **out = a->out;
	(void)now;
	rrd_pool_rt *p = rrd__pool_find(d, a->id);
	if (!p)
		return rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", a->id);
	rrd_status rc = rrd_pool_dup(out, p->cfg);
	for (size_t i = 0; !rc && i < p->nmembers; i++)
		if (rrd__strlist_add(&(*out)->members, d->agents[p->members[i].agent]->id))
			rc = rrd__nomem();
	if (rc && *out) {
		rrd_pool_free(*out);
		*out = NULL;
	}
	return rc;
}

RRD_API rrd_status rrd_distributor_get_pool(rrd_distributor *d, const char *id, rrd_pool **out)
{
	NEED(d && id && out, "distributor, id and out must not be NULL");
	*out = NULL;
	rrd_status checked = rrd__id_check(id, "id");
	if (checked)
		return checked;
	get_args a = { id, out };
	return rrd__read(d, get_pool_body, &a);
}

/* Adding or removing one member: the pool's new member list is made
 * and written in write, and takes the old one's place in apply. */
typedef struct member_change {
	const char *pool_id, *agent_id;
	int add;         /* 1: add, 0: remove */
	rrd_pool_rt *p;      /* found in write */
	rrd_member *members; /* the new list; after apply, the old one */
	size_t n, cap;
	int64_t next_seq;
} member_change;

static long member_pos(const rrd_pool_rt *p, uint32_t agent)
{
	for (size_t i = 0; i < p->nmembers; i++)
		if (p->members[i].agent == agent)
			return (long)i;
	return -1;
}

static rrd_status member_write(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)now;
	member_change *c = ctx;
	rrd_pool_rt *p = c->p = rrd__pool_find(d, c->pool_id);
	if (!p)
		return rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", c->pool_id);
	rrd_agent_rt *a = rrd__agent_find(d, c->agent_id);
	if (!a)
		return rrd__fail(RRD_E_UNKNOWN_AGENT, "no agent \"%s\"", c->agent_id);
	long pos = member_pos(p, a->idx);
	if (c->add && pos >= 0)
		return rrd__fail(RRD_E_EXISTS, "agent \"%s\" is already a member of pool \"%s\"",
				 c->agent_id, c->pool_id);
	if (!c->add && pos < 0)
		return rrd__fail(RRD_E_NOTFOUND, "agent \"%s\" is not a member of pool \"%s\"",
				 c->agent_id, c->pool_id);
	c->cap = p->nmembers + 1;
	rrd__free(c->members); /* a run before this one's */
	if (!(c->members = rrd__malloc(c->cap * sizeof(rrd_member))))
		return rrd__nomem();
	c->n = 0;
	for (size_t i = 0; i < p->nmembers; i++)
		if ((long)i != pos)
			c->members[c->n++] = p->members[i];
	c->next_seq = p->next_seq;
	if (c->add)
		c->members[c->n++] = (rrd_member){ .agent = a->idx, .seq = ++c->next_seq };
	rrd_pool_rt view = *p;
	view.members = c->members;
	view.nmembers = c->n;
	view.next_seq = c->next_seq;
	cJSON *json = rrd__pool_rt_to_json(d, &view);
	if (!json)
		return rrd__nomem();
	rrd_status rc = rrd__config_put(d, RRD_NS_POOL, p->id, json, p->order);
	cJSON_Delete(json);
	return rc;
}

static void member_apply(rrd_distributor *d, void *ctx)
{
	member_change *c = ctx;
	rrd_pool_rt *p = c->p;
	rrd_member *old = p->members;
	p->members = c->members;
	p->nmembers = c->n;
	p->cap = c->cap;
	p->next_seq = c->next_seq;
	c->members = old;
}

static rrd_status change_member(rrd_distributor *d, const char *pool_id, const char *agent_id,
				int add)
{
	NEED(d, "distributor must not be NULL");
	rrd_status rc = rrd__id_check(pool_id, "pool id");
	if (!rc)
		rc = rrd__id_check(agent_id, "agent id");
	if (rc)
		return rc;
	member_change c = { .pool_id = pool_id, .agent_id = agent_id, .add = add };
	static const rrd_txn change = { .kind = RRD_TXN_CONFIG, .body = member_write, .apply = member_apply, .then = &rrd__drain_alone };
	rc = rrd__run(d, &change, &c);
	rrd__free(c.members);
	return rc;
}

RRD_API rrd_status rrd_distributor_pool_add_member(rrd_distributor *d, const char *pool_id,
						   const char *agent_id)
{
	return change_member(d, pool_id, agent_id, 1);
}

RRD_API rrd_status rrd_distributor_pool_remove_member(rrd_distributor *d, const char *pool_id,
						      const char *agent_id)
{
	return change_member(d, pool_id, agent_id, 0);
}
