#include "model/pool.h"

#include <stdio.h>

#include "time/instant.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

#define NEED_POOL(p)                                                     \
	do {                                                             \
		if (!(p))                                                \
			return rrd__fail(RRD_E_INVALID, "pool must not be NULL"); \
	} while (0)

RRD_API rrd_status rrd_pool_new(rrd_pool **out, const char *id, rrd_kind kind)
{
	return rrd__pool_new(out, id, kind, RRD_ID_INPUT);
}

rrd_status rrd__pool_new(rrd_pool **out, const char *id, rrd_kind kind, rrd_id_rule rule)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	*out = NULL;
	rrd_status rc = rrd__id_check_as(id, "pool id", rule);
	if (rc)
		return rc;
	if (!rrd_kind_name(kind))
		return rrd__fail(RRD_E_INVALID, "pool \"%s\": %d is not a record kind", id, (int)kind);
	rrd_pool *p = rrd__calloc(1, sizeof *p);
	if (!p || !(p->id = rrd__strdup(id))) {
		rrd__free(p);
		return rrd__nomem();
	}
	p->kind = kind;
	p->strategy = RRD_STRATEGY_ROUND_ROBIN;
	p->claim_window = RRD_NO_WINDOW;
	*out = p;
	return RRD_OK;
}

RRD_API void rrd_pool_free(rrd_pool *p)
{
	if (!p)
		return;
	rrd__free(p->id);
	rrd__strlist_clear(&p->members);
	rrd__free(p);
}

RRD_API rrd_status rrd_pool_dup(rrd_pool **out, const rrd_pool *p)
{
	NEED_POOL(p);
	rrd_status rc = rrd__pool_new(out, p->id, p->kind, RRD_ID_STORED);
	if (rc)
		return rc;
	rrd_pool *c = *out;
	c->strategy = p->strategy;
	c->claim_window = p->claim_window;
	c->respect_hours = p->respect_hours;
	c->auto_drain = p->auto_drain;
	if (rrd__strlist_copy(&c->members, &p->members)) {
		rrd_pool_free(c);
		*out = NULL;
		return rrd__nomem();
	}
	return RRD_OK;
}

RRD_API const char *rrd_pool_id(const rrd_pool *p)
{
	return p ? p->id : NULL;
}

RRD_API rrd_kind rrd_pool_kind(const rrd_pool *p)
{
	return p ? p->kind : (rrd_kind)0;
}

RRD_API rrd_status rrd_pool_set_strategy(rrd_pool *p, rrd_strategy strategy)
{
	NEED_POOL(p);
	if (!rrd_strategy_name(strategy) && strategy < RRD_STRATEGY_CUSTOM)
		return rrd__fail(RRD_E_INVALID, "pool \"%s\": %d is not a strategy", p->id, strategy);
	p->strategy = strategy;
	return RRD_OK;
}

RRD_API rrd_strategy rrd_pool_strategy(const rrd_pool *p)
{
	return p ? p->strategy : 0;
}

RRD_API rrd_status rrd_pool_set_claim_window(rrd_pool *p, rrd_time window)
{
	NEED_POOL(p);
	if (window != RRD_NO_WINDOW) {
		char what[RRD_ID_MAX + 32];
		snprintf(what, sizeof what, "pool \"%s\": claim window", p->id);
		rrd_status rc = rrd__duration_check(window, what);
		if (rc)
			return rc;
	}
	p->claim_window = window;
	return RRD_OK;
}

RRD_API rrd_time rrd_pool_claim_window(const rrd_pool *p)
{
	return p ? p->claim_window : RRD_NO_WINDOW;
}

RRD_API rrd_status rrd_pool_set_respect_hours(rrd_pool *p, int respect)
{
	NEED_POOL(p);
	p->respect_hours = respect != 0;
	return RRD_OK;
}

RRD_API int rrd_pool_respect_hours(const rrd_pool *p)
{
	return p ? p->respect_hours : 0;
}

RRD_API rrd_status rrd_pool_set_auto_drain(rrd_pool *p, int auto_drain)
{
	NEED_POOL(p);
	p->auto_drain = auto_drain != 0;
	return RRD_OK;
}

RRD_API int rrd_pool_auto_drain(const rrd_pool *p)
{
	return p ? p->auto_drain : 0;
}

RRD_API rrd_status rrd_pool_add_member(rrd_pool *p, const char *agent_id)
{
	return rrd__pool_add_member(p, agent_id, RRD_ID_INPUT);
}

rrd_status rrd__pool_add_member(rrd_pool *p, const char *agent_id, rrd_id_rule rule)
{
	NEED_POOL(p);
	rrd_status rc = rrd__id_check_as(agent_id, "agent id", rule);
	if (rc)
		return rc;
	if (rrd__strlist_find(&p->members, agent_id) >= 0)
		return rrd__fail(RRD_E_EXISTS, "agent \"%s\" is already a member of pool \"%s\"",
				 agent_id, p->id);
	return rrd__strlist_add(&p->members, agent_id);
}

RRD_API rrd_status rrd_pool_remove_member(rrd_pool *p, const char *agent_id)
{
	NEED_POOL(p);
	if (!agent_id)
		return rrd__fail(RRD_E_INVALID, "agent id must not be NULL");
	if (!rrd__strlist_remove(&p->members, agent_id))
		return rrd__fail(RRD_E_NOTFOUND, "agent \"%s\" is not a member of pool \"%s\"",
				 agent_id, p->id);
	return RRD_OK;
}

RRD_API size_t rrd_pool_member_count(const rrd_pool *p)
{
	return p ? p->members.count : 0;
}

RRD_API const char *rrd_pool_member(const rrd_pool *p, size_t i)
{
	return p && i < p->members.count ? p->members.items[i] : NULL;
}
