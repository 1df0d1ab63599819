#include "model/rule.h"

#include "rrdist/pool.h"

#include <stdio.h>
#include <string.h>

#include "model/agent.h"
#include "time/instant.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

#define NEED_RULE(r)                                                     \
	do {                                                             \
		if (!(r))                                                \
			return rrd__fail(RRD_E_INVALID, "rule must not be NULL"); \
	} while (0)

RRD_API rrd_status rrd_rule_new(rrd_rule **out, const char *id, const char *pool_id)
{
	return rrd__rule_new(out, id, pool_id, RRD_ID_INPUT);
}

rrd_status rrd__rule_new(rrd_rule **out, const char *id, const char *pool_id, rrd_id_rule rule)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	*out = NULL;
	rrd_status rc = rrd__id_check_as(id, "rule id", rule);
	if (!rc)
		rc = rrd__id_check_as(pool_id, "pool id", rule);
	if (rc)
		return rc;
	rrd_rule *r = rrd__calloc(1, sizeof *r);
	if (!r)
		return rrd__nomem();
	r->id = rrd__strdup(id);
	r->pool = rrd__strdup(pool_id);
	if (!r->id || !r->pool) {
		rrd_rule_free(r);
		return rrd__nomem();
	}
	r->strategy = RRD_STRATEGY_INHERIT;
	r->claim_window = RRD_WINDOW_INHERIT;
	r->max_offers = RRD_UNLIMITED;
	*out = r;
	return RRD_OK;
}

RRD_API void rrd_rule_free(rrd_rule *r)
{
	if (!r)
		return;
	rrd__free(r->id);
	rrd__free(r->pool);
	rrd__free(r->calendar);
	rrd__strlist_clear(&r->sources);
	rrd__strlist_clear(&r->skills);
	rrd__strlist_clear(&r->overflow);
	for (size_t i = 0; i < r->attr_count; i++) {
		rrd__free(r->attrs[i].key);
		rrd__free(r->attrs[i].value);
	}
	rrd__free(r->attrs);
	rrd__free(r);
}

RRD_API rrd_status rrd_rule_dup(rrd_rule **out, const rrd_rule *r)
{
	NEED_RULE(r);
	rrd_status rc = rrd__rule_new(out, r->id, r->pool, RRD_ID_STORED);
	if (rc)
		return rc;
	rrd_rule *c = *out;
	c->kind = r->kind;
	c->strategy = r->strategy;
	c->claim_window = r->claim_window;
	c->max_offers = r->max_offers;
	c->respect_hours = r->respect_hours;
	rc = rrd__strlist_copy(&c->sources, &r->sources);
	if (!rc)
		rc = rrd__strlist_copy(&c->skills, &r->skills);
	if (!rc)
		rc = rrd__strlist_copy(&c->overflow, &r->overflow);
	if (!rc && r->calendar && !(c->calendar = rrd__strdup(r->calendar)))
		rc = RRD_E_NOMEM;
	for (size_t i = 0; !rc && i < r->attr_count; i++)
		rc = rrd__rule_add_attr(c, r->attrs[i].key, r->attrs[i].value, RRD_ID_STORED);
	if (rc) {
		rrd_rule_free(c);
		*out = NULL;
		return rrd__nomem();
	}
	return RRD_OK;
}

RRD_API const char *rrd_rule_id(const rrd_rule *r)
{
	return r ? r->id : NULL;
}

RRD_API const char *rrd_rule_pool(const rrd_rule *r)
{
	return r ? r->pool : NULL;
}

static rrd_status add_checked(rrd_strlist *l, const char *s, const char *what,
			      rrd_id_rule rule)
{
	rrd_status rc = rrd__id_check_as(s, what, rule);
	return rc ? rc : rrd__strlist_add(l, s);
}

RRD_API rrd_status rrd_rule_add_source(rrd_rule *r, const char *source)
{
	return rrd__rule_add_source(r, source, RRD_ID_INPUT);
}

rrd_status rrd__rule_add_source(rrd_rule *r, const char *source, rrd_id_rule rule)
{
	NEED_RULE(r);
	return add_checked(&r->sources, source, "source", rule);
}

RRD_API size_t rrd_rule_source_count(const rrd_rule *r)
{
	return r ? r->sources.count : 0;
}

RRD_API const char *rrd_rule_source(const rrd_rule *r, size_t i)
{
	return r && i < r->sources.count ? r->sources.items[i] : NULL;
}

RRD_API rrd_status rrd_rule_set_kind(rrd_rule *r, int kind)
{
	NEED_RULE(r);
	if (kind != 0 && !rrd_kind_name((rrd_kind)kind))
		return rrd__fail(RRD_E_INVALID, "rule \"%s\": %d is not a record kind", r->id, kind);
	r->kind = kind;
	return RRD_OK;
}

RRD_API int rrd_rule_kind(const rrd_rule *r)
{
	return r ? r->kind : 0;
}

RRD_API rrd_status rrd_rule_add_attr(rrd_rule *r, const char *key, const char *value)
{
	return rrd__rule_add_attr(r, key, value, RRD_ID_INPUT);
}

rrd_status rrd__rule_add_attr(rrd_rule *r, const char *key, const char *value,
			      rrd_id_rule rule)
{
	NEED_RULE(r);
	rrd_status rc = rrd__id_check_as(key, "attribute name", rule);
	if (rc)
		return rc;
	if (!value)
		return rrd__fail(RRD_E_INVALID, "rule \"%s\": attribute \"%s\" needs a value",
				 r->id, key);
	if ((rc = rrd__text_check(value, "attribute value")))
		return rc;
	/* One condition per attribute: a second would be redundant or could
	 * never hold. */
	for (size_t i = 0; i < r->attr_count; i++)
		if (strcmp(r->attrs[i].key, key) == 0)
			return rrd__fail(RRD_E_EXISTS, "rule \"%s\" already matches attribute \"%s\"",
					 r->id, key);
	if (rrd__grow((void **)&r->attrs, &r->attr_cap, r->attr_count + 1, sizeof *r->attrs))
		return rrd__nomem();
	char *k = rrd__strdup(key), *v = rrd__strdup(value);
	if (!k || !v) {
		rrd__free(k);
		rrd__free(v);
		return rrd__nomem();
	}
	r->attrs[r->attr_count].key = k;
	r->attrs[r->attr_count].value = v;
	r->attr_count++;
	return RRD_OK;
}

RRD_API size_t rrd_rule_attr_count(const rrd_rule *r)
{
	return r ? r->attr_count : 0;
}

RRD_API rrd_status rrd_rule_attr(const rrd_rule *r, size_t i, const char **key,
				 const char **value)
{
	if (!r || i >= r->attr_count)
		return rrd__fail(RRD_E_INVALID, "no such rule attribute");
	if (key)
		*key = r->attrs[i].key;
	if (value)
		*value = r->attrs[i].value;
	return RRD_OK;
}

RRD_API rrd_status rrd_rule_set_strategy(rrd_rule *r, rrd_strategy strategy)
{
	NEED_RULE(r);
	if (strategy != RRD_STRATEGY_INHERIT && !rrd_strategy_name(strategy) &&
	    strategy < RRD_STRATEGY_CUSTOM)
		return rrd__fail(RRD_E_INVALID, "rule \"%s\": %d is not a strategy", r->id, strategy);
	r->strategy = strategy;
	return RRD_OK;
}

RRD_API rrd_strategy rrd_rule_strategy(const rrd_rule *r)
{
	return r ? r->strategy : RRD_STRATEGY_INHERIT;
}

RRD_API rrd_status rrd_rule_set_claim_window(rrd_rule *r, rrd_time window)
{
	NEED_RULE(r);
	if (window != RRD_NO_WINDOW && window != RRD_WINDOW_INHERIT) {
		char what[RRD_ID_MAX + 32];
		snprintf(what, sizeof what, "rule \"%s\": claim window", r->id);
		rrd_status rc = rrd__duration_check(window, what);
		if (rc)
			return rc;
	}
	r->claim_window = window;
	return RRD_OK;
}

RRD_API rrd_time rrd_rule_claim_window(const rrd_rule *r)
{
	return r ? r->claim_window : RRD_WINDOW_INHERIT;
}

RRD_API rrd_status rrd_rule_set_calendar(rrd_rule *r, const char *calendar_id)
{
	NEED_RULE(r);
	return rrd__set_optional_id(&r->calendar, calendar_id, "calendar id", RRD_ID_INPUT);
}

RRD_API const char *rrd_rule_calendar(const rrd_rule *r)
{
	return r ? r->calendar : NULL;
}

RRD_API rrd_status rrd_rule_set_max_offers(rrd_rule *r, int64_t max_offers)
{
	NEED_RULE(r);
	if (max_offers < 1 && max_offers != RRD_UNLIMITED)
		return rrd__fail(RRD_E_INVALID, "rule \"%s\": max_offers must be >= 1", r->id);
	r->max_offers = max_offers;
	return RRD_OK;
}

RRD_API int64_t rrd_rule_max_offers(const rrd_rule *r)
{
	return r ? r->max_offers : RRD_UNLIMITED;
}

RRD_API rrd_status rrd_rule_set_respect_hours(rrd_rule *r, int respect)
{
	NEED_RULE(r);
	r->respect_hours = respect != 0;
	return RRD_OK;
}

RRD_API int rrd_rule_respect_hours(const rrd_rule *r)
{
	return r ? r->respect_hours : 0;
}

RRD_API rrd_status rrd_rule_add_skill(rrd_rule *r, const char *skill)
{
	return rrd__rule_add_skill(r, skill, RRD_ID_INPUT);
}

rrd_status rrd__rule_add_skill(rrd_rule *r, const char *skill, rrd_id_rule rule)
{
	NEED_RULE(r);
	return add_checked(&r->skills, skill, "skill", rule);
}

RRD_API size_t rrd_rule_skill_count(const rrd_rule *r)
{
	return r ? r->skills.count : 0;
}

RRD_API const char *rrd_rule_skill(const rrd_rule *r, size_t i)
{
	return r && i < r->skills.count ? r->skills.items[i] : NULL;
}

RRD_API rrd_status rrd_rule_add_overflow(rrd_rule *r, const char *pool_id)
{
	return rrd__rule_add_overflow(r, pool_id, RRD_ID_INPUT);
}

rrd_status rrd__rule_add_overflow(rrd_rule *r, const char *pool_id, rrd_id_rule rule)
{
	NEED_RULE(r);
	return add_checked(&r->overflow, pool_id, "overflow pool id", rule);
}

RRD_API size_t rrd_rule_overflow_count(const rrd_rule *r)
{
	return r ? r->overflow.count : 0;
}

RRD_API const char *rrd_rule_overflow(const rrd_rule *r, size_t i)
{
	return r && i < r->overflow.count ? r->overflow.items[i] : NULL;
}
