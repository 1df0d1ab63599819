/*
 * Configuration documents ("rrdist-config/1"): calendars, agents, pools
 * and rules in the shapes scenario files use. Loading checks the whole
 * document first, then writes it in one transaction, so a document is
 * taken whole or not at all; the distributor then rereads its
 * configuration from the store like any other process would. Checking a
 * document for every fault runs the same reading and checks without a
 * distributor, going on past each fault.
 */
#include <stdlib.h>
#include <string.h>

#include "config/json_objects.h"
#include "config/json_read.h"
#include "config/json_text.h"
#include "core/config_store.h"
#include "core/core.h"
#include "strategy/strategy.h"
#include "model/names.h"
#include "rrdist/config.h"
#include "time/calendar.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fault.h"
#include "util/id.h"

#define CONFIG_FORMAT "rrdist-config/1"

/* The document's objects by their index in it. When every fault is
 * wanted, an object that could not be read is left out: its slot stays
 * NULL, so the others keep their index and what refers to it faults. */
typedef struct doc {
	rrd_calendar **cals;
	size_t ncals;
	rrd_agent **agents;
	size_t nagents;
	rrd_pool **pools;
	size_t npools;
	rrd_rule **rules;
	size_t nrules;
	int has_rules;
	rrd_faults faults;
} doc;

static void doc_free(doc *x)
{
	for (size_t i = 0; i < x->ncals; i++)
		rrd_calendar_free(x->cals[i]);
	for (size_t i = 0; i < x->nagents; i++)
		rrd_agent_free(x->agents[i]);
	for (size_t i = 0; i < x->npools; i++)
		rrd_pool_free(x->pools[i]);
	for (size_t i = 0; i < x->nrules; i++)
		rrd_rule_free(x->rules[i]);
	rrd__free(x->cals);
	rrd__free(x->agents);
	rrd__free(x->pools);
	rrd__free(x->rules);
}

static rrd_status names_parse(void *ctx, const char *name, rrd_strategy *out)
{
	/* A check has no distributor to keep the name in: whatever a custom
	 * strategy could be called will do, as a load would take it. */
	if (!ctx) {
		*out = RRD_STRATEGY_CUSTOM;
		return rrd__id_check(name, "strategy name");
	}
	return rrd__custom_intern(ctx, name, RRD_ID_INPUT, out);
}

static const char *names_label(void *ctx, rrd_strategy s)
{
	return rrd__strategy_label(ctx, s);
}

/* Parse one array of objects into *items; each fault goes to `faults`. */
static rrd_status parse_array(rrd_distributor *d, const cJSON *root, const char *name,
			      void ***items, size_t *n, int kind, rrd_faults *faults)
{
	const cJSON *arr = rrd__json_get(root, name);
	char path[RRD_PATH_MAX];
	rrd__json_path(path, "$", name);
	if (!arr)
		return RRD_OK;
	if (!cJSON_IsArray(arr))
		return rrd__fault(faults, rrd__json_fail(path, NULL, "expected an array"));
	size_t count = (size_t)cJSON_GetArraySize(arr), i = 0;
	if (!(*items = rrd__calloc(count + 1, sizeof(void *))))
		return rrd__nomem();
	rrd_strategy_names names = { names_parse, names_label, d };
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		char at[RRD_PATH_MAX];
		rrd__json_path_index(at, path, i);
		rrd_status rc;
		switch (kind) {
		case 0: rc = rrd__calendar_from_json(e, at, RRD_FROM_CONFIG,
						     (rrd_calendar **)&(*items)[i]); break;
		case 1: rc = rrd__agent_from_json(e, at, RRD_FROM_CONFIG,
						  (rrd_agent **)&(*items)[i]); break;
		case 2: rc = rrd__pool_from_json(e, at, &names, RRD_FROM_CONFIG,
						 (rrd_pool **)&(*items)[i]); break;
		default: rc = rrd__rule_from_json(e, at, &names, RRD_FROM_CONFIG,
						  (rrd_rule **)&(*items)[i]); break;
		}
		if ((rc = rrd__fault(faults, rc)))
			return rc;
		*n = ++i;
	}
	return RRD_OK;
}

static int in_doc_cal(const doc *x, const char *id)
{
	for (size_t i = 0; i < x->ncals; i++)
		if (x->cals[i] && strcmp(rrd_calendar_id(x->cals[i]), id) == 0)
			return 1;
	return 0;
}

static const rrd_pool *in_doc_pool(const doc *x, const char *id)
{
	for (size_t i = 0; i < x->npools; i++)
		if (x->pools[i] && strcmp(x->pools[i]->id, id) == 0)
			return x->pools[i];
	return NULL;
}

/* The distributor's own objects count as well when loading into one; a
 * check (no distributor) has only the document. */
static int known_cal(rrd_distributor *d, const doc *x, const char *id)
{
	return in_doc_cal(x, id) || (d && rrd__cal_find(d, id));
}

/* Each object's references, one object at a time: its first fault ends
 * its own check, not the others'. `agents` holds the ids met so far. */
static rrd_status agent_refs(rrd_distributor *d, const doc *x, rrd_hashmap *agents, size_t i)
{
	const rrd_agent *a = x->agents[i];
	if (rrd__hashmap_get(agents, a->id, NULL))
		return rrd__fail(RRD_E_PARSE, "$.agents[%zu].id: repeats \"%s\"", i, a->id);
	rrd__hashmap_put(agents, a->id, (uint32_t)i);
	if (a->calendar && !known_cal(d, x, a->calendar))
		return rrd__fail(RRD_E_PARSE, "$.agents[%zu].calendar: unknown calendar \"%s\"", i,
				 a->calendar);
	return RRD_OK;
}

static rrd_status cal_refs(const doc *x, size_t i)
{
	const char *id = rrd_calendar_id(x->cals[i]);
	for (size_t k = 0; k < i; k++)
		if (x->cals[k] && strcmp(rrd_calendar_id(x->cals[k]), id) == 0)
			return rrd__fail(RRD_E_PARSE, "$.calendars[%zu].id: repeats \"%s\"", i, id);
	if (rrd__calendar_check_opens(x->cals[i]))
		return rrd__fail_prefix(RRD_E_PARSE, "$.calendars[%zu].hours: ", i);
	return RRD_OK;
}

static rrd_status pool_refs(rrd_distributor *d, const doc *x, const rrd_hashmap *agents,
			    size_t i)
{
	const rrd_pool *p = x->pools[i];
	for (size_t k = 0; k < i; k++)
		if (x->pools[k] && strcmp(x->pools[k]->id, p->id) == 0)
			return rrd__fail(RRD_E_PARSE, "$.pools[%zu].id: repeats \"%s\"", i, p->id);
	rrd_pool_rt *old = d ? rrd__pool_find(d, p->id) : NULL;
	if (old && old->cfg->kind != p->kind)
		return rrd__fail(RRD_E_PARSE, "$.pools[%zu].kind: pool \"%s\" holds %ss", i, p->id,
				 rrd_kind_name(old->cfg->kind));
	if (p->auto_drain && p->strategy == RRD_STRATEGY_PIRANHA)
		return rrd__fail(RRD_E_PARSE, "$.pools[%zu].auto_drain: not allowed with piranha", i);
	for (size_t k = 0; k < p->members.count; k++) {
		const char *id = p->members.items[k];
		if (!rrd__hashmap_get(agents, id, NULL) && !(d && rrd__agent_find(d, id)))
			return rrd__fail(RRD_E_PARSE, "$.pools[%zu].members[%zu]: unknown agent \"%s\"",
					 i, k, id);
	}
	return RRD_OK;
}

typedef struct kind_ctx {
	rrd_distributor *d;
	const doc *x;
} kind_ctx;

static int doc_pool_kind(void *ctx, const char *id, rrd_kind *kind)
{
	const kind_ctx *k = ctx;
	const rrd_pool *p = in_doc_pool(k->x, id);
	rrd_pool_rt *old = p || !k->d ? NULL : rrd__pool_find(k->d, id);
	if (!p && !old)
		return -1;
	*kind = p ? p->kind : old->cfg->kind;
	return 0;
}

static rrd_status rule_refs(rrd_distributor *d, const doc *x, size_t i)
{
	const rrd_rule *r = x->rules[i];
	kind_ctx kinds = { d, x };
	rrd_kind kind;
	for (size_t k = 0; k <= r->overflow.count; k++) {
		const char *pid = k ? r->overflow.items[k - 1] : r->pool;
		if (doc_pool_kind(&kinds, pid, &kind))
			return rrd__fail(RRD_E_PARSE, "$.rules[%zu].%s: unknown pool \"%s\"", i,
					 k ? "overflow" : "pool", pid);
	}
	char path[RRD_PATH_MAX];
	rrd__json_path_index(path, "$.rules", i);
	rrd_status rc = rrd__rule_check_kinds(r, path, doc_pool_kind, &kinds);
	if (rc)
		return rc;
	if (r->calendar && !known_cal(d, x, r->calendar))
		return rrd__fail(RRD_E_PARSE, "$.rules[%zu].calendar: unknown calendar \"%s\"", i,
				 r->calendar);
	for (size_t k = 0; k < i; k++)
		if (x->rules[k] && strcmp(x->rules[k]->id, r->id) == 0)
			return rrd__fail(RRD_E_PARSE, "$.rules[%zu].id: repeats \"%s\"", i, r->id);
	return RRD_OK;
}

/* References must name something in the document or the distributor. */
static rrd_status check_refs(rrd_distributor *d, doc *x)
{
	rrd_hashmap agents = { 0 };
	rrd_status rc = rrd__hashmap_reserve(&agents, x->nagents + 1) ? rrd__nomem() : RRD_OK;
	for (size_t i = 0; !rc && i < x->ncals; i++)
		if (x->cals[i])
			rc = rrd__fault(&x->faults, cal_refs(x, i));
	for (size_t i = 0; !rc && i < x->nagents; i++)
		if (x->agents[i])
			rc = rrd__fault(&x->faults, agent_refs(d, x, &agents, i));
	for (size_t i = 0; !rc && i < x->npools; i++)
		if (x->pools[i])
			rc = rrd__fault(&x->faults, pool_refs(d, x, &agents, i));
	for (size_t i = 0; !rc && i < x->nrules; i++)
		if (x->rules[i])
			rc = rrd__fault(&x->faults, rule_refs(d, x, i));
	rrd__hashmap_free(&agents);
	return rc;
}

/* The document's JSON and format; without them nothing else can be read.
 * *root is the caller's to delete, whatever the result. */
static rrd_status read_root(const char *json, size_t len, cJSON **root)
{
	const char *format = NULL;
	rrd_status rc = rrd__json_parse(json, len, root);
	if (!rc)
		rc = rrd__json_object(*root, "$");
	if (!rc)
		rc = rrd__json_req_string(*root, "$", "format", &format);
	if (!rc && strcmp(format, CONFIG_FORMAT) != 0)
		rc = rrd__fail(RRD_E_PARSE, "$.format: expected \"%s\"", CONFIG_FORMAT);
	return rc;
}

/* Every object of the document into x, then their references checked:
 * all parse faults come before any reference fault. With x->faults.fn
 * set, each fault is told and reading goes on; d may then be NULL. */
static rrd_status read_doc(rrd_distributor *d, const cJSON *root, doc *x)
{
	rrd_status rc = parse_array(d, root, "calendars", (void ***)&x->cals, &x->ncals, 0,
				    &x->faults);
	if (!rc)
		rc = parse_array(d, root, "agents", (void ***)&x->agents, &x->nagents, 1, &x->faults);
	if (!rc)
		rc = parse_array(d, root, "pools", (void ***)&x->pools, &x->npools, 2, &x->faults);
	x->has_rules = rrd__json_get(root, "rules") != NULL;
	if (!rc)
		rc = parse_array(d, root, "rules", (void ***)&x->rules, &x->nrules, 3, &x->faults);
	if (!rc)
		rc = check_refs(d, x);
	return rrd__faults_end(&x->faults, rc);
}

typedef struct joined {
	const char *id;
	int64_t seq;
} joined;

static int by_seq(const void *a, const void *b)
{
	int64_t x = ((const joined *)a)->seq, y = ((const joined *)b)->seq;
	return (x > y) - (x < y);
}

/* A pool's stored form: members already in keep their join numbers (and
 * so their place), newcomers join at the end in the order given. */
static cJSON *pool_json(rrd_distributor *d, const rrd_pool *p)
{
	rrd_strategy_names names = { NULL, names_label, d };
	rrd_pool_rt *old = rrd__pool_find(d, p->id);
	int64_t next = old ? old->next_seq : 0;
	size_t n = p->members.count;
	joined *js = rrd__malloc((n ? n : 1) * sizeof *js);
	if (!js)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		js[i] = (joined){ p->members.items[i], -1 };
		for (size_t k = 0; old && k < old->nmembers && js[i].seq < 0; k++)
			if (strcmp(d->agents[old->members[k].agent]->id, js[i].id) == 0)
				js[i].seq = old->members[k].seq;
	}
	for (size_t i = 0; i < n; i++)
		if (js[i].seq < 0)
			js[i].seq = ++next;
	qsort(js, n, sizeof *js, by_seq);
	cJSON *o = rrd__pool_to_json(p, &names);
	cJSON *members = cJSON_CreateArray(), *join = cJSON_CreateArray();
	int ok = o && members && join;
	for (size_t i = 0; ok && i < n; i++) {
		cJSON *id = cJSON_CreateString(js[i].id), *seq = cJSON_CreateNumber((double)js[i].seq);
		ok = id && seq;
		if (ok) {
			cJSON_AddItemToArray(members, id);
			cJSON_AddItemToArray(join, seq);
		} else {
			cJSON_Delete(id);
			cJSON_Delete(seq);
		}
	}
	rrd__free(js);
	if (ok) {
		cJSON_ReplaceItemInObjectCaseSensitive(o, "members", members);
		cJSON_AddItemToObject(o, "join", join);
		members = join = NULL;
		ok = cJSON_AddNumberToObject(o, "next_join", (double)next) != NULL;
	}
	cJSON_Delete(members);
	cJSON_Delete(join);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* One calendar, agent or pool of a document (`json`, which this takes):
 * where it is when it replaces one (`kept`, its order number), else after
 * every other, at the next free number of its kind, which moves on. */
static rrd_status write_object(rrd_distributor *d, rrd_store_ns ns, const char *id,
			       cJSON *json, const int64_t *kept, int64_t *next)
{
	int64_t order = kept ? *kept : 0;
	rrd_status rc = RRD_OK;
	if (!json)
		rc = rrd__nomem();
	else if (!kept && !(rc = rrd__config_order_new(*next, &order)))
		(*next)++;
	if (!rc)
		rc = rrd__config_put(d, ns, id, json, order);
	cJSON_Delete(json);
	return rc;
}

/* The distributor's own next numbers move when it rereads the store after
 * the commit; a document refused moves nothing. */
static rrd_status write_doc(rrd_distributor *d, const doc *x)
{
	rrd_config_orders next = d->next_order;
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < x->ncals; i++) {
		const char *id = rrd_calendar_id(x->cals[i]);
		rrd_cal_rt *old = rrd__cal_find(d, id);
		rc = write_object(d, RRD_NS_CALENDAR, id, rrd__calendar_to_json(x->cals[i]),
				  old ? &old->order : NULL, &next.cal);
	}
	for (size_t i = 0; !rc && i < x->nagents; i++) {
		const rrd_agent *a = x->agents[i];
		rrd_agent_rt *old = rrd__agent_find(d, a->id);
		rc = write_object(d, RRD_NS_AGENT, a->id, rrd__agent_to_json(a),
				  old ? &old->order : NULL, &next.agent);
		if (!rc && old && old->cfg->weight != a->weight)
			rc = rrd__weighted_reweigh(d, old);
	}
	for (size_t i = 0; !rc && i < x->npools; i++) {
		const rrd_pool *p = x->pools[i];
		rrd_pool_rt *old = rrd__pool_find(d, p->id);
		rc = write_object(d, RRD_NS_POOL, p->id, pool_json(d, p), old ? &old->order : NULL,
				  &next.pool);
	}
	if (!rc && x->has_rules)
		rc = rrd__config_put_rules(d, x->rules, x->nrules);
	return rc;
}

typedef struct load_args {
	const cJSON *root;
	doc x;
} load_args;

static rrd_status load_write(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)now;
	load_args *a = ctx;
	/* The document is read against the configuration as it is now,
	 * not as a run before this one found it. */
	doc_free(&a->x);
	a->x = (doc){ 0 };
	/* Reading names the custom strategies the document uses; a
	 * document refused must not leave them behind. */
	size_t customs = d->ncustoms;
	rrd_status rc = read_doc(d, a->root, &a->x);
	if (!rc)
		rc = write_doc(d, &a->x);
	if (rc)
		rrd__custom_forget_since(d, customs);
	return rc;
}

static void load_apply(rrd_distributor *d, void *ctx)
{
	(void)ctx;
	rrd__config_forget(d); /* reread it all at the next call */
}

RRD_API rrd_status rrd_distributor_load_config(rrd_distributor *d, const char *json, size_t len)
{
	if (!d || !json)
		return rrd__fail(RRD_E_INVALID, "distributor and json must not be NULL");
	cJSON *root;
	rrd_status rc = read_root(json, len, &root);
	if (rc) {
		cJSON_Delete(root);
		return rc;
	}
	/* The checks see the configuration as the store has it when the
	 * transaction begins, other processes' changes included. */
	load_args a = { root, { 0 } };
	static const rrd_txn change = { .kind = RRD_TXN_CONFIG, .body = load_write, .apply = load_apply };
	rc = rrd__run(d, &change, &a);
	doc_free(&a.x);
	cJSON_Delete(root);
	return rc;
}

RRD_API rrd_status rrd_config_check_each(const char *json, size_t len, rrd_fault_fn on_fault,
					 void *user)
{
	if (!json || !on_fault)
		return rrd__fail(RRD_E_INVALID, "json and on_fault must not be NULL");
	cJSON *root;
	doc x = { .faults = { on_fault, user, 0 } };
	rrd_status rc = read_root(json, len, &root);
	/* A document that is not one has that single fault. */
	if (rc)
		rc = rrd__faults_end(&x.faults, rrd__fault(&x.faults, rc));
	else
		rc = read_doc(NULL, root, &x);
	doc_free(&x);
	cJSON_Delete(root);
	return rc;
}

static int add_all(cJSON *arr, cJSON *item)
{
	if (!item)
		return 0;
	cJSON_AddItemToArray(arr, item);
	return 1;
}

/* The configuration as a document, in *ctx (NULL: out of memory). */
static rrd_status save_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)now;
	rrd_strategy_names names = { NULL, names_label, d };
	cJSON *root = cJSON_CreateObject();
	cJSON *cals = cJSON_CreateArray(), *agents = cJSON_CreateArray();
	cJSON *pools = cJSON_CreateArray(), *rules = cJSON_CreateArray();
	int ok = root && cals && agents && pools && rules &&
		 cJSON_AddStringToObject(root, "format", CONFIG_FORMAT);
	if (ok) {
		cJSON_AddItemToObject(root, "calendars", cals);
		cJSON_AddItemToObject(root, "agents", agents);
		cJSON_AddItemToObject(root, "pools", pools);
		cJSON_AddItemToObject(root, "rules", rules);
	} else {
		cJSON_Delete(cals);
		cJSON_Delete(agents);
		cJSON_Delete(pools);
		cJSON_Delete(rules);
	}
	for (size_t i = 0; ok && i < d->ncals; i++)
		ok = add_all(cals, rrd__calendar_to_json(d->cals[i]->cal));
	for (size_t i = 0; ok && i < d->nagents; i++)
		ok = add_all(agents, rrd__agent_to_json(d->agents[i]->cfg));
	for (size_t i = 0; ok && i < d->npools; i++) {
		cJSON *p = rrd__pool_rt_to_json(d, d->pools[i]);
		/* Join numbers are the store's business, not the document's. */
		if (p) {
			cJSON_DeleteItemFromObjectCaseSensitive(p, "join");
			cJSON_DeleteItemFromObjectCaseSensitive(p, "next_join");
		}
		ok = add_all(pools, p);
	}
	for (size_t i = 0; ok && i < d->nrules; i++)
		ok = add_all(rules, rrd__rule_to_json(d->rules[i], &names));
	if (!ok) {
		cJSON_Delete(root);
		root = NULL;
	}
	*(cJSON **)ctx = root;
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_save_config(rrd_distributor *d, char **out)
{
	if (!d || !out)
		return rrd__fail(RRD_E_INVALID, "distributor and out must not be NULL");
	*out = NULL;
	cJSON *root = NULL;
	rrd_status rc = rrd__read(d, save_body, &root);
	if (rc)
		return rc;
	char *text = root ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!text)
		return rrd__nomem();
	*out = rrd__strdup(text);
	cJSON_free(text);
	return *out ? RRD_OK : rrd__nomem();
}
