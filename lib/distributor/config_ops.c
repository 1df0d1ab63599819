/*
 * Configuration changes: calendars, agents, pools and their members.
 * Each is one transaction that writes the object's JSON and moves the
 * configuration version; the in-memory copy changes only after the commit,
 * from objects prepared before it, so a failure changes nothing.
 */
#include <string.h>

#include "config/json_objects.h"
#include "distributor/config_store.h"
#include "distributor/dist.h"
#include "geo/kdtree.h"
#include "routing/routing.h"
#include "time/calendar.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

#define NEED(cond, msg)                                          \
	do {                                                     \
		if (!(cond))                                     \
			return rrd__fail(RRD_E_INVALID, msg);    \
	} while (0)

/* Begin, and bump the configuration version in the same transaction. */
static rrd_status config_begin(rrd_distributor *d, int64_t *version)
{
	rrd_status rc = rrd__txn_begin(d);
	if (rc)
		return rc;
	*version = d->config_version + 1;
	if ((rc = rrd__config_version_write(d, *version)))
		rrd__txn_abort(d);
	return rc;
}

static rrd_status config_commit(rrd_distributor *d, int64_t version)
{
	rrd_status rc = rrd__txn_commit(d);
	if (!rc)
		d->config_version = version;
	return rc;
}

/* A configuration change may make someone eligible for what auto-drain
 * pools queued. The change itself is committed whatever happens here; a
 * drain that fails now runs again after the next operation. */
static void drain_after(rrd_distributor *d, rrd_status rc)
{
	if (rc != RRD_OK)
		return;
	rrd__error_keep();
	(void)rrd__drain_now(d);
	rrd__error_kept(RRD_OK);
}

static void mark_trees_stale(rrd_distributor *d)
{
	d->agent_tree_stale = 1;
	rrd__index_invalidate(d);
	for (size_t i = 0; i < d->npools; i++)
		d->pools[i]->tree_stale = 1;
}

/* ---- calendars ------------------------------------------------------- */

RRD_API rrd_status rrd_distributor_put_calendar(rrd_distributor *d, const rrd_calendar *cal)
{
	NEED(d && cal, "distributor and calendar must not be NULL");
	if (rrd__calendar_check_opens(cal))
		return RRD_E_INVALID;
	cal_rt *fresh = rrd__calloc(1, sizeof *fresh);
	cJSON *json = rrd__calendar_to_json(cal);
	rrd_status rc = RRD_OK;
	if (!fresh || !json || rrd_calendar_dup(&fresh->cal, cal) ||
	    !(fresh->id = rrd__strdup(rrd_calendar_id(cal))))
		rc = rrd__nomem();
	rrd__lock(d);
	int64_t version;
	cal_rt *old = rc ? NULL : rrd__cal_find(d, fresh->id);
	if (!rc && !old &&
	    (rrd__grow((void **)&d->cals, &d->cals_cap, d->ncals + 1, sizeof(cal_rt *)) ||
	     rrd__hashmap_reserve(&d->cal_map, 1)))
		rc = rrd__nomem();
	if (!rc && !(rc = config_begin(d, &version))) {
		/* A calendar keeps its place; a new one goes last. */
		uint32_t order = (uint32_t)d->ncals;
		if (old)
			rrd__hashmap_get(&d->cal_map, old->id, &order);
		rc = rrd__config_put(d, RRD_NS_CALENDAR, fresh->id, json, order);
		if (rc)
			rrd__txn_abort(d);
		else
			rc = config_commit(d, version);
		if (!rc) {
			if (old) {
				/* Swap contents so agents' indices stay valid. */
				rrd_calendar *c = old->cal;
				old->cal = fresh->cal;
				fresh->cal = c;
			} else {
				rrd__hashmap_put(&d->cal_map, fresh->id, (uint32_t)d->ncals);
				d->cals[d->ncals++] = fresh;
				fresh = NULL;
			}
		}
	}
	rrd__unlock(d);
	cJSON_Delete(json);
	rrd__cal_rt_free(fresh);
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
	cal_rt *c = rrd__cal_find(d, a->id);
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

RRD_API rrd_status rrd_distributor_put_agent(rrd_distributor *d, const rrd_agent *agent)
{
	NEED(d && agent, "distributor and agent must not be NULL");
	rrd_agent *copy = NULL;
	agent_rt *fresh = NULL;
	cJSON *json = NULL;
	rrd_status rc = rrd_agent_dup(&copy, agent);
	if (rc)
		return rc;
	rrd__lock(d);
	int64_t version;
	agent_rt *old = rrd__agent_find(d, copy->id);
	long cal = -1;
	if (copy->calendar) {
		cal_rt *c = rrd__cal_find(d, copy->calendar);
		if (!c) {
			rc = rrd__fail(RRD_E_UNKNOWN_CALENDAR, "agent \"%s\": no calendar \"%s\"",
				       copy->id, copy->calendar);
			goto out;
		}
		uint32_t ci;
		rrd__hashmap_get(&d->cal_map, c->id, &ci);
		cal = (long)ci;
	}
	if (!old) {
		fresh = rrd__calloc(1, sizeof *fresh);
		if (!fresh || !(fresh->id = rrd__strdup(copy->id)) ||
		    rrd__grow((void **)&d->agents, &d->agents_cap, d->nagents + 1, sizeof(agent_rt *)) ||
		    rrd__hashmap_reserve(&d->agent_map, 1)) {
			rc = rrd__nomem();
			goto out;
		}
	}
	if (!(json = rrd__agent_to_json(copy))) {
		rc = rrd__nomem();
		goto out;
	}
	if ((rc = config_begin(d, &version)))
		goto out;
	rc = rrd__config_put(d, RRD_NS_AGENT, copy->id, json, old ? old->idx : (int64_t)d->nagents);
	if (!rc && old && old->cfg->weight != copy->weight)
		rc = rrd__weighted_reweigh(d, old);
	if (rc) {
		rrd__txn_abort(d);
		goto out;
	}
	if ((rc = config_commit(d, version)))
		goto out;
	agent_rt *a = old ? old : fresh;
	rrd_agent_free(a->cfg);
	a->cfg = copy;
	a->cal = cal;
	copy = NULL;
	if (!old) {
		fresh->id_hash = rrd__id_hash64(fresh->id);
		fresh->idx = (uint32_t)d->nagents;
		rrd__hashmap_put(&d->agent_map, fresh->id, fresh->idx);
		d->agents[d->nagents++] = fresh;
		fresh = NULL;
	}
	mark_trees_stale(d);
	drain_after(d, rc);
out:
	rrd__unlock(d);
	cJSON_Delete(json);
	rrd_agent_free(copy);
	rrd__agent_rt_free(fresh);
	return rc;
}

static rrd_status get_agent_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	get_args *g = ctx;
	rrd_agent **out = g->out;
	agent_rt *a = rrd__agent_find(d, g->id);
	agent_state *st = NULL;
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

RRD_API size_t rrd_distributor_agent_count(rrd_distributor *d)
{
	if (!d)
		return 0;
	rrd__lock(d);
	rrd__refresh(d); /* on a store failure, the count last known */
	size_t n = d->nagents;
	rrd__unlock(d);
	return n;
}

RRD_API rrd_status rrd_distributor_agent_at(rrd_distributor *d, size_t i, char *buf, size_t cap)
{
	NEED(d && buf, "distributor and buf must not be NULL");
	rrd__lock(d);
	rrd_status rc = rrd__refresh(d);
	if (rc) {
		/* reported below */
	} else if (i >= d->nagents) {
		rc = rrd__fail(RRD_E_NOTFOUND, "no agent number %zu", i);
	} else {
		size_t n = strlen(d->agents[i]->id);
		if (n + 1 > cap)
			rc = rrd__fail(RRD_E_INVALID, "buffer of %zu bytes is too small", cap);
		else
			memcpy(buf, d->agents[i]->id, n + 1);
	}
	rrd__unlock(d);
	return rc;
}

/* ---- pools ----------------------------------------------------------- */

static rrd_status check_pool(rrd_distributor *d, const rrd_pool *p, const pool_rt *old)
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
static rrd_status build_members(rrd_distributor *d, const rrd_pool *p, const pool_rt *old,
				pool_rt *into)
{
	size_t n = p->members.count;
	into->members = rrd__calloc(n ? n : 1, sizeof(member));
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
		agent_rt *a = rrd__agent_find(d, p->members.items[i]);
		int kept = 0;
		for (size_t k = 0; old && k < into->nmembers && !kept; k++)
			kept = into->members[k].agent == a->idx;
		if (!kept)
			into->members[into->nmembers++] = (member){ .agent = a->idx, .seq = ++into->next_seq };
	}
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_put_pool(rrd_distributor *d, const rrd_pool *pool)
{
	NEED(d && pool, "distributor and pool must not be NULL");
	pool_rt *fresh = rrd__calloc(1, sizeof *fresh);
	if (!fresh)
		return rrd__nomem();
	cJSON *json = NULL;
	rrd__lock(d);
	int64_t version;
	pool_rt *old = rrd__pool_find(d, pool->id);
	rrd_status rc = check_pool(d, pool, old);
	if (!rc && (rrd_pool_dup(&fresh->cfg, pool) || !(fresh->id = rrd__strdup(pool->id))))
		rc = rrd__nomem();
	if (!rc)
		rc = build_members(d, pool, old, fresh);
	if (!rc) {
		rrd__strlist_clear(&fresh->cfg->members);
		fresh->tree_stale = 1;
		if (!old && (rrd__grow((void **)&d->pools, &d->pools_cap, d->npools + 1,
				       sizeof(pool_rt *)) ||
			     rrd__hashmap_reserve(&d->pool_map, 1)))
			rc = rrd__nomem();
	}
	if (!rc && !(json = rrd__pool_rt_to_json(d, fresh)))
		rc = rrd__nomem();
	if (!rc && !(rc = config_begin(d, &version))) {
		rc = rrd__config_put(d, RRD_NS_POOL, fresh->id, json,
				     old ? (int64_t)old->idx : (int64_t)d->npools);
		if (rc)
			rrd__txn_abort(d);
		else
			rc = config_commit(d, version);
	}
	if (!rc) {
		if (old) {
			/* Keep the runtime object (and its cached strategy
			 * state); take the new definition and members. */
			rrd_pool *c = old->cfg;
			member *m = old->members;
			old->cfg = fresh->cfg;
			old->members = fresh->members;
			old->nmembers = fresh->nmembers;
			old->cap = fresh->cap;
			old->next_seq = fresh->next_seq;
			old->tree_stale = 1;
			rrd__index_invalidate(d);
			fresh->cfg = c;
			fresh->members = m;
		} else {
			fresh->idx = (uint32_t)d->npools;
			rrd__hashmap_put(&d->pool_map, fresh->id, fresh->idx);
			d->pools[d->npools++] = fresh;
			fresh = NULL;
			rrd__index_invalidate(d);
		}
	}
	drain_after(d, rc);
	rrd__unlock(d);
	cJSON_Delete(json);
	rrd__pool_rt_free(fresh);
	return rc;
}

static rrd_status get_pool_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	get_args *a = ctx;
	rrd_pool **out = a->out;
	(void)now;
	pool_rt *p = rrd__pool_find(d, a->id);
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

/* Write a pool whose members changed; `after` is applied only on commit. */
static rrd_status store_members(rrd_distributor *d, pool_rt *p, const member *members,
				size_t n, int64_t next_seq)
{
	pool_rt view = *p;
	view.members = (member *)members;
	view.nmembers = n;
	view.next_seq = next_seq;
	cJSON *json = rrd__pool_rt_to_json(d, &view);
	if (!json)
		return rrd__nomem();
	int64_t version;
	rrd_status rc = config_begin(d, &version);
	if (!rc) {
		rc = rrd__config_put(d, RRD_NS_POOL, p->id, json, p->idx);
		if (rc)
			rrd__txn_abort(d);
		else
			rc = config_commit(d, version);
	}
	cJSON_Delete(json);
	return rc;
}

static rrd_status member_args(rrd_distributor *d, const char *pool_id, const char *agent_id,
			      pool_rt **p, agent_rt **a)
{
	rrd_status rc = rrd__id_check(pool_id, "pool id");
	if (!rc)
		rc = rrd__id_check(agent_id, "agent id");
	if (rc)
		return rc;
	if (!(*p = rrd__pool_find(d, pool_id)))
		return rrd__fail(RRD_E_UNKNOWN_POOL, "no pool \"%s\"", pool_id);
	if (!(*a = rrd__agent_find(d, agent_id)))
		return rrd__fail(RRD_E_UNKNOWN_AGENT, "no agent \"%s\"", agent_id);
	return RRD_OK;
}

static long member_pos(const pool_rt *p, uint32_t agent)
{
	for (size_t i = 0; i < p->nmembers; i++)
		if (p->members[i].agent == agent)
			return (long)i;
	return -1;
}

RRD_API rrd_status rrd_distributor_pool_add_member(rrd_distributor *d, const char *pool_id,
						   const char *agent_id)
{
	NEED(d, "distributor must not be NULL");
	rrd__lock(d);
	pool_rt *p;
	agent_rt *a;
	rrd_status rc = member_args(d, pool_id, agent_id, &p, &a);
	if (!rc && member_pos(p, a->idx) >= 0)
		rc = rrd__fail(RRD_E_EXISTS, "agent \"%s\" is already a member of pool \"%s\"",
			       agent_id, pool_id);
	if (!rc && rrd__grow((void **)&p->members, &p->cap, p->nmembers + 1, sizeof(member)))
		rc = rrd__nomem();
	if (!rc) {
		/* Written past the live count; it counts only after the commit. */
		p->members[p->nmembers] = (member){ .agent = a->idx, .seq = p->next_seq + 1 };
		rc = store_members(d, p, p->members, p->nmembers + 1, p->next_seq + 1);
		if (!rc) {
			p->nmembers++;
			p->next_seq++;
			p->tree_stale = 1;
			rrd__index_invalidate(d);
		}
	}
	drain_after(d, rc);
	rrd__unlock(d);
	return rc;
}

RRD_API rrd_status rrd_distributor_pool_remove_member(rrd_distributor *d, const char *pool_id,
						      const char *agent_id)
{
	NEED(d, "distributor must not be NULL");
	rrd__lock(d);
	pool_rt *p;
	agent_rt *a;
	member *rest = NULL;
	rrd_status rc = member_args(d, pool_id, agent_id, &p, &a);
	long pos = rc ? -1 : member_pos(p, a->idx);
	if (!rc && pos < 0)
		rc = rrd__fail(RRD_E_NOTFOUND, "agent \"%s\" is not a member of pool \"%s\"",
			       agent_id, pool_id);
	if (!rc && !(rest = rrd__malloc((p->nmembers ? p->nmembers : 1) * sizeof(member))))
		rc = rrd__nomem();
	if (!rc) {
		size_t n = 0;
		for (size_t i = 0; i < p->nmembers; i++)
			if ((long)i != pos)
				rest[n++] = p->members[i];
		rc = store_members(d, p, rest, n, p->next_seq);
		if (!rc) {
			memcpy(p->members, rest, n * sizeof(member));
			p->nmembers = n;
			p->tree_stale = 1;
			rrd__index_invalidate(d);
		}
	}
	drain_after(d, rc);
	rrd__free(rest);
	rrd__unlock(d);
	return rc;
}
