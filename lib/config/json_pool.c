#include <string.h>

#include "config/duration.h"
#include "config/json_objects.h"
#include "config/json_read.h"
#include "model/agent.h"
#include "model/names.h"
#include "model/pool.h"
#include "model/rule.h"

static const char *strategy_to_name(const rrd_strategy_names *names, rrd_strategy s)
{
	const char *n = rrd_strategy_name(s);
	if (!n && names && names->name)
		n = names->name(names->ctx, s);
	return n;
}

static rrd_status strategy_from(const cJSON *o, const char *path,
				const rrd_strategy_names *names, rrd_strategy *out)
{
	const char *name = NULL;
	rrd_status rc = rrd__json_opt_string(o, path, "strategy", &name);
	if (rc || !name)
		return rc;
	if ((*out = rrd__builtin_strategy(name)))
		return RRD_OK;
	if (names && names->parse) {
		rrd_status prc = names->parse(names->ctx, name, out);
		if (prc == RRD_OK || prc == RRD_E_NOMEM)
			return prc;
	}
	return rrd__json_fail(path, "strategy", "unknown strategy \"%s\"", name);
}

static int add_window(cJSON *o, rrd_time w)
{
	char buf[32];
	rrd__duration_format(w, buf, sizeof buf);
	return cJSON_AddStringToObject(o, "claim_window", buf) != NULL;
}

cJSON *rrd__pool_to_json(const rrd_pool *p, const rrd_strategy_names *names)
{
	cJSON *o = cJSON_CreateObject();
	const char *sname = strategy_to_name(names, p->strategy);
	int ok = o && sname && cJSON_AddStringToObject(o, "id", p->id) &&
		 cJSON_AddStringToObject(o, "kind", rrd_kind_name(p->kind)) &&
		 cJSON_AddStringToObject(o, "strategy", sname) &&
		 rrd__json_add_strlist(o, "members", &p->members) &&
		 (p->claim_window == RRD_NO_WINDOW || add_window(o, p->claim_window)) &&
		 cJSON_AddBoolToObject(o, "respect_hours", p->respect_hours) &&
		 cJSON_AddBoolToObject(o, "auto_drain", p->auto_drain);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* A pool's or a rule's lists are filled through rrd__json_opt_strings,
 * whose callback takes one pointer: the object and the rule its ids
 * follow. */
typedef struct pool_lists {
	rrd_pool *p;
	rrd_id_rule rule;
} pool_lists;

typedef struct rule_lists {
	rrd_rule *r;
	rrd_id_rule rule;
} rule_lists;

static rrd_status add_member(void *obj, const char *s)
{
	pool_lists *l = obj;
	return rrd__pool_add_member(l->p, s, l->rule);
}

static rrd_duration_units units_of(rrd_json_origin origin)
{
	return origin == RRD_FROM_SCENARIO ? RRD_UNITS_SCENARIO : RRD_UNITS_CONFIG;
}

rrd_status rrd__pool_from_json(const cJSON *o, const char *path,
			       const rrd_strategy_names *names, rrd_json_origin origin,
			       rrd_pool **out)
{
	*out = NULL;
	const char *id, *kind_name = "lead";
	rrd_status rc = rrd__json_object(o, path);
	if (rc || (rc = rrd__json_req_string(o, path, "id", &id)) ||
	    (rc = rrd__json_req_string(o, path, "kind", &kind_name)))
		return rc;
	rrd_kind kind;
	if (rrd_kind_parse(kind_name, &kind))
		return rrd__json_fail(path, "kind", "\"%s\" is not one of lead, contact, deal, "
				      "customer", kind_name);
	rrd_id_rule rule = rrd__json_id_rule(origin);
	rrd_pool *p;
	if ((rc = rrd__pool_new(&p, id, kind, rule)))
		return rc == RRD_E_NOMEM ? rc : rrd__json_wrap(path, "id");
	pool_lists lists = { p, rule };
	if ((rc = strategy_from(o, path, names, &p->strategy)) ||
	    (rc = rrd__json_opt_duration(o, path, "claim_window", units_of(origin),
					  &p->claim_window)) ||
	    (rc = rrd__json_opt_bool(o, path, "respect_hours", &p->respect_hours)) ||
	    (rc = rrd__json_opt_bool(o, path, "auto_drain", &p->auto_drain)) ||
	    (rc = rrd__json_opt_strings(o, path, "members", &lists, add_member))) {
		rrd_pool_free(p);
		return rc;
	}
	*out = p;
	return RRD_OK;
}

cJSON *rrd__rule_to_json(const rrd_rule *r, const rrd_strategy_names *names)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *match = o ? cJSON_AddObjectToObject(o, "match") : NULL;
	int ok = o && match && cJSON_AddStringToObject(o, "id", r->id);
	if (ok && r->sources.count)
		ok = rrd__json_add_strlist(match, "source", &r->sources);
	if (ok && r->kind)
		ok = cJSON_AddStringToObject(match, "kind", rrd_kind_name((rrd_kind)r->kind)) != NULL;
	if (ok && r->attr_count) {
		cJSON *attrs = cJSON_AddObjectToObject(match, "attrs");
		ok = attrs != NULL;
		for (size_t i = 0; ok && i < r->attr_count; i++)
			ok = cJSON_AddStringToObject(attrs, r->attrs[i].key, r->attrs[i].value) != NULL;
	}
	ok = ok && cJSON_AddStringToObject(o, "pool", r->pool);
	if (ok && r->strategy != RRD_STRATEGY_INHERIT) {
		const char *n = strategy_to_name(names, r->strategy);
		ok = n && cJSON_AddStringToObject(o, "strategy", n);
	}
	if (ok && r->claim_window >= 0)
		ok = add_window(o, r->claim_window);
	if (ok && r->calendar)
		ok = cJSON_AddStringToObject(o, "calendar", r->calendar) != NULL;
	if (ok && r->max_offers != RRD_UNLIMITED)
		ok = cJSON_AddNumberToObject(o, "max_offers", (double)r->max_offers) != NULL;
	if (ok && r->respect_hours)
		ok = cJSON_AddBoolToObject(o, "respect_hours", 1) != NULL;
	if (ok && r->skills.count)
		ok = rrd__json_add_strlist(o, "skills", &r->skills);
	if (ok && r->overflow.count)
		ok = rrd__json_add_strlist(o, "overflow", &r->overflow);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static rrd_status add_source(void *obj, const char *s)
{
	rule_lists *l = obj;
	return rrd__rule_add_source(l->r, s, l->rule);
}

static rrd_status add_skill(void *obj, const char *s)
{
	rule_lists *l = obj;
	return rrd__rule_add_skill(l->r, s, l->rule);
}

static rrd_status add_overflow(void *obj, const char *s)
{
	rule_lists *l = obj;
	return rrd__rule_add_overflow(l->r, s, l->rule);
}

static rrd_status parse_match(rule_lists *lists, const cJSON *m, const char *path)
{
	rrd_rule *r = lists->r;
	rrd_status rc = rrd__json_object(m, path);
	if (rc)
		return rc;
	/* "source" may be one string or a list of them. */
	const cJSON *src = rrd__json_get(m, "source");
	if (cJSON_IsString(src)) {
		if ((rc = add_source(lists, src->valuestring)))
			return rc == RRD_E_NOMEM ? rc : rrd__json_wrap(path, "source");
	} else if ((rc = rrd__json_opt_strings(m, path, "source", lists, add_source))) {
		return rc;
	}
	const char *kind_name = NULL;
	if ((rc = rrd__json_opt_string(m, path, "kind", &kind_name)))
		return rc;
	if (kind_name) {
		rrd_kind k;
		if (rrd_kind_parse(kind_name, &k))
			return rrd__json_fail(path, "kind", "\"%s\" is not one of lead, contact, "
					      "deal, customer", kind_name);
		r->kind = (int)k;
	}
	const cJSON *attrs = rrd__json_get(m, "attrs");
	if (attrs && !cJSON_IsNull(attrs)) {
		char at[RRD_PATH_MAX];
		rrd__json_path(at, path, "attrs");
		if ((rc = rrd__json_object(attrs, at)))
			return rc;
		const cJSON *a;
		cJSON_ArrayForEach(a, attrs) {
			if (!cJSON_IsString(a))
				return rrd__json_fail(at, a->string, "expected a string");
			if ((rc = rrd__rule_add_attr(r, a->string, a->valuestring, lists->rule)))
				return rc == RRD_E_NOMEM ? rc
							 : rrd__json_wrap(at, a->string);
		}
	}
	return RRD_OK;
}

rrd_status rrd__rule_from_json(const cJSON *o, const char *path,
			       const rrd_strategy_names *names, rrd_json_origin origin,
			       rrd_rule **out)
{
	*out = NULL;
	const char *id, *pool, *cal = NULL;
	rrd_status rc = rrd__json_object(o, path);
	if (rc || (rc = rrd__json_req_string(o, path, "id", &id)) ||
	    (rc = rrd__json_req_string(o, path, "pool", &pool)))
		return rc;
	rrd_id_rule rule = rrd__json_id_rule(origin);
	rrd_rule *r;
	if ((rc = rrd__rule_new(&r, id, pool, rule)))
		return rc == RRD_E_NOMEM ? rc : rrd__json_wrap(path, NULL);
	rule_lists lists = { r, rule };
	const cJSON *m = rrd__json_get(o, "match");
	char at[RRD_PATH_MAX];
	rrd__json_path(at, path, "match");
	if ((m && (rc = parse_match(&lists, m, at))) ||
	    (rc = strategy_from(o, path, names, &r->strategy)) ||
	    (rc = rrd__json_opt_duration(o, path, "claim_window", units_of(origin),
					  &r->claim_window)) ||
	    (rc = rrd__json_opt_string(o, path, "calendar", &cal)) ||
	    (rc = rrd__json_opt_int(o, path, "max_offers", 1, INT64_C(1) << 40, &r->max_offers)) ||
	    (rc = rrd__json_opt_bool(o, path, "respect_hours", &r->respect_hours)) ||
	    (rc = rrd__json_opt_strings(o, path, "skills", &lists, add_skill)) ||
	    (rc = rrd__json_opt_strings(o, path, "overflow", &lists, add_overflow))) {
		rrd_rule_free(r);
		return rc;
	}
	if (cal && (rc = rrd__set_optional_id(&r->calendar, cal, "calendar id", rule))) {
		rrd_rule_free(r);
		return rc == RRD_E_NOMEM ? rc : rrd__json_wrap(path, "calendar");
	}
	*out = r;
	return RRD_OK;
}

rrd_status rrd__rule_check_kinds(const rrd_rule *r, const char *path, rrd_pool_kind_fn kind_of,
				 void *ctx)
{
	rrd_kind first, k;
	if (kind_of(ctx, r->pool, &first))
		return RRD_OK;
	char at[RRD_PATH_MAX];
	for (size_t i = 0; i < r->overflow.count; i++) {
		const char *id = r->overflow.items[i];
		if (kind_of(ctx, id, &k) || k == first)
			continue;
		char elem[RRD_PATH_MAX];
		rrd__json_path(at, path, "overflow");
		rrd__json_path_index(elem, at, i);
		return rrd__json_fail(elem, NULL,
				      "pool \"%s\" holds %ss, but the rule's pool \"%s\" holds %ss; "
				      "a rule's pools must all hold one kind",
				      id, rrd_kind_name(k), r->pool, rrd_kind_name(first));
	}
	if (r->kind && (rrd_kind)r->kind != first) {
		rrd__json_path(at, path, "match");
		return rrd__json_fail(at, "kind", "pool \"%s\" holds %ss, not %ss", r->pool,
				      rrd_kind_name(first), rrd_kind_name((rrd_kind)r->kind));
	}
	return RRD_OK;
}
