/* The ordered list of routing rules. Each rule is stored as JSON with its
 * position as its order; replacing the list rewrites it whole. */
#include <string.h>

#include "config/json_objects.h"
#include "distributor/config_store.h"
#include "distributor/dist.h"
#include "util/alloc.h"
#include "util/error.h"

static rrd_status check_rule(rrd_distributor *d, const rrd_rule *r)
{
	int kind = r->kind;
	for (size_t i = 0; i <= r->overflow.count; i++) {
		const char *pid = i ? r->overflow.items[i - 1] : r->pool;
		pool_rt *p = rrd__pool_find(d, pid);
		if (!p)
			return rrd__fail(RRD_E_UNKNOWN_POOL, "rule \"%s\": no pool \"%s\"", r->id, pid);
		if (kind && (int)p->cfg->kind != kind)
			return rrd__fail(RRD_E_KIND_MISMATCH,
					 "rule \"%s\": pool \"%s\" holds %ss, not %ss", r->id, pid,
					 rrd_kind_name(p->cfg->kind), rrd_kind_name((rrd_kind)kind));
		kind = (int)p->cfg->kind;
	}
	if (r->calendar && !rrd__cal_find(d, r->calendar))
		return rrd__fail(RRD_E_UNKNOWN_CALENDAR, "rule \"%s\": no calendar \"%s\"", r->id,
				 r->calendar);
	if (r->strategy != RRD_STRATEGY_INHERIT && !rrd__strategy_label(d, r->strategy))
		return rrd__fail(RRD_E_INVALID, "rule \"%s\": strategy %d is not registered", r->id,
				 r->strategy);
	return RRD_OK;
}

static const char *label(void *ctx, rrd_strategy s)
{
	return rrd__strategy_label(ctx, s);
}

/* Make `rules` (copies, owned) the whole list. Takes ownership on success. */
static rrd_status replace_rules(rrd_distributor *d, rrd_rule **rules, size_t n)
{
	rrd_hashmap ids = { 0 };
	rrd_status rc = rrd__hashmap_reserve(&ids, n) ? rrd__nomem() : RRD_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		if (rrd__hashmap_get(&ids, rules[i]->id, NULL))
			rc = rrd__fail(RRD_E_EXISTS, "a rule \"%s\" exists already", rules[i]->id);
		else if (!(rc = check_rule(d, rules[i])))
			rrd__hashmap_put(&ids, rules[i]->id, (uint32_t)i); /* reserved */
	}
	rrd__hashmap_free(&ids);
	if (rc)
		return rc;
	rrd_strategy_names names = { NULL, label, d };
	if ((rc = rrd__txn_begin(d)))
		return rc;
	int64_t version = d->config_version + 1;
	rrd_store *st = d->store;
	for (size_t i = 0; !rc && i < d->nrules; i++) {
		int drc = st->m.del(st->self, RRD_NS_RULE, d->rules[i]->id);
		if (drc && drc != RRD_E_NOTFOUND)
			rc = rrd__store_status(drc, "removing a rule");
	}
	for (size_t i = 0; !rc && i < n; i++) {
		cJSON *json = rrd__rule_to_json(rules[i], &names);
		rc = json ? rrd__config_put(d, RRD_NS_RULE, rules[i]->id, json, (int64_t)i)
			  : rrd__nomem();
		cJSON_Delete(json);
	}
	if (!rc)
		rc = rrd__config_version_write(d, version);
	if (rc) {
		rrd__txn_abort(d);
		return rc;
	}
	if ((rc = rrd__txn_commit(d)))
		return rc;
	d->config_version = version;
	for (size_t i = 0; i < d->nrules; i++)
		rrd_rule_free(d->rules[i]);
	rrd__free(d->rules);
	d->rules = rules;
	d->nrules = d->rules_cap = n;
	rrd__rule_index_drop(d);
	return RRD_OK;
}

/* Copies of the current rules plus room for `extra` more. */
static rrd_status copy_rules(rrd_distributor *d, size_t extra, rrd_rule ***out)
{
	rrd_rule **rules = rrd__calloc(d->nrules + extra + 1, sizeof *rules);
	if (!rules)
		return rrd__nomem();
	for (size_t i = 0; i < d->nrules; i++) {
		if (rrd_rule_dup(&rules[i], d->rules[i])) {
			while (i--)
				rrd_rule_free(rules[i]);
			rrd__free(rules);
			return rrd__nomem();
		}
	}
	*out = rules;
	return RRD_OK;
}

static void free_rules(rrd_rule **rules, size_t n)
{
	for (size_t i = 0; rules && i < n; i++)
		rrd_rule_free(rules[i]);
	rrd__free(rules);
}

RRD_API rrd_status rrd_distributor_add_rule(rrd_distributor *d, const rrd_rule *rule)
{
	if (!d || !rule)
		return rrd__fail(RRD_E_INVALID, "distributor and rule must not be NULL");
	rrd__lock(d);
	rrd_rule **rules = NULL;
	size_t n = d->nrules + 1;
	rrd_status rc = copy_rules(d, 1, &rules);
	if (!rc && rrd_rule_dup(&rules[n - 1], rule))
		rc = rrd__nomem();
	if (!rc)
		rc = replace_rules(d, rules, n);
	if (rc)
		free_rules(rules, n);
	rrd__unlock(d);
	return rc;
}

RRD_API rrd_status rrd_distributor_set_rules(rrd_distributor *d, const rrd_rule *const *in,
					     size_t n)
{
	if (!d || (n && !in))
		return rrd__fail(RRD_E_INVALID, "distributor and rules must not be NULL");
	for (size_t i = 0; i < n; i++)
		if (!in[i])
			return rrd__fail(RRD_E_INVALID, "rule %zu is NULL", i);
	rrd_rule **rules = rrd__calloc(n + 1, sizeof *rules);
	if (!rules)
		return rrd__nomem();
	for (size_t i = 0; i < n; i++) {
		if (rrd_rule_dup(&rules[i], in[i])) {
			free_rules(rules, n);
			return rrd__nomem();
		}
	}
	rrd__lock(d);
	rrd_status rc = replace_rules(d, rules, n);
	rrd__unlock(d);
	if (rc)
		free_rules(rules, n);
	return rc;
}

RRD_API size_t rrd_distributor_rule_count(rrd_distributor *d)
{
	if (!d)
		return 0;
	rrd__lock(d);
	rrd__refresh(d); /* on a store failure, the count last known */
	size_t n = d->nrules;
	rrd__unlock(d);
	return n;
}

RRD_API rrd_status rrd_distributor_get_rule(rrd_distributor *d, size_t i, rrd_rule **out)
{
	if (!d || !out)
		return rrd__fail(RRD_E_INVALID, "distributor and out must not be NULL");
	*out = NULL;
	rrd__lock(d);
	rrd_status rc = rrd__refresh(d);
	if (!rc)
		rc = i < d->nrules ? rrd_rule_dup(out, d->rules[i])
				   : rrd__fail(RRD_E_NOTFOUND, "no rule number %zu", i);
	rrd__unlock(d);
	return rc;
}
