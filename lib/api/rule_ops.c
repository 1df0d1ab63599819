/* The ordered list of routing rules. Each rule is stored as JSON with its
 * position as its order; replacing the list rewrites it whole. */
#include <string.h>

#include "config/json_objects.h"
#include "core/config_store.h"
#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

static rrd_status check_rule(rrd_distributor *d, const rrd_rule *r)
{
	int kind = r->kind;
	for (size_t i = 0; i <= r->overflow.count; i++) {
		const char *pid = i ? r->overflow.items[i - 1] : r->pool;
		rrd_pool_rt *p = rrd__pool_find(d, pid);
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

/* A new list of rules: given whole, or the current one (as the store has
 * it when the transaction begins) and one more. */
typedef struct rules_change {
	const rrd_rule *added; /* add_rule's; NULL: `rules` is the list */
	rrd_rule **rules;      /* copies, owned until apply takes them */
	size_t n;
} rules_change;

static rrd_status rules_write(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)now;
	rules_change *c = ctx;
	rrd_status rc;
	if (c->added) {
		/* The list as the store has it now, not as a run before this
		 * one found it. */
		free_rules(c->rules, c->n);
		c->rules = NULL;
		c->n = 0;
		if ((rc = copy_rules(d, 1, &c->rules)))
			return rc;
		c->n = d->nrules + 1;
		if (rrd_rule_dup(&c->rules[c->n - 1], c->added))
			return rrd__nomem();
	}
	rrd_hashmap ids = { 0 };
	rc = rrd__hashmap_reserve(&ids, c->n) ? rrd__nomem() : RRD_OK;
	for (size_t i = 0; !rc && i < c->n; i++) {
		if (rrd__hashmap_get(&ids, c->rules[i]->id, NULL))
			rc = rrd__fail(RRD_E_EXISTS, "a rule \"%s\" exists already", c->rules[i]->id);
		else if (!(rc = check_rule(d, c->rules[i])))
			rrd__hashmap_put(&ids, c->rules[i]->id, (uint32_t)i); /* reserved */
	}
	rrd__hashmap_free(&ids);
	return rc ? rc : rrd__config_put_rules(d, c->rules, c->n);
}

static void rules_apply(rrd_distributor *d, void *ctx)
{
	rules_change *c = ctx;
	free_rules(d->rules, d->nrules);
	d->rules = c->rules;
	d->nrules = d->rules_cap = c->n;
	c->rules = NULL;
}

static const rrd_txn rules_change_run = { .kind = RRD_TXN_CONFIG, .body = rules_write, .apply = rules_apply };

RRD_API rrd_status rrd_distributor_add_rule(rrd_distributor *d, const rrd_rule *rule)
{
	if (!d || !rule)
		return rrd__fail(RRD_E_INVALID, "distributor and rule must not be NULL");
	rules_change c = { .added = rule };
	rrd_status rc = rrd__run(d, &rules_change_run, &c);
	free_rules(c.rules, c.n);
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
	rules_change c = { .rules = rrd__calloc(n + 1, sizeof(rrd_rule *)), .n = n };
	if (!c.rules)
		return rrd__nomem();
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < n; i++)
		if (rrd_rule_dup(&c.rules[i], in[i]))
			rc = rrd__nomem();
	if (!rc)
		rc = rrd__run(d, &rules_change_run, &c);
	free_rules(c.rules, c.n);
	return rc;
}

typedef struct get_rule_args {
	size_t i;
	rrd_rule **out;
} get_rule_args;

static rrd_status get_rule_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	get_rule_args *a = ctx;
	(void)now;
	return a->i < d->nrules ? rrd_rule_dup(a->out, d->rules[a->i])
				: rrd__fail(RRD_E_NOTFOUND, "no rule number %zu", a->i);
}

RRD_API rrd_status rrd_distributor_get_rule(rrd_distributor *d, size_t i, rrd_rule **out)
{
	if (!d || !out)
		return rrd__fail(RRD_E_INVALID, "distributor and out must not be NULL");
	*out = NULL;
	get_rule_args a = { i, out };
	return rrd__read(d, get_rule_body, &a);
}
