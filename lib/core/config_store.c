#include "core/config_store.h"

#include <string.h>

#include "config/json_objects.h"
#include "config/json_read.h"
#include "config/json_text.h"
#include "model/names.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define VERSION_KEY RRD_CONFIG_VERSION_KEY

rrd_status rrd__config_version_read(rrd_distributor *d, int64_t *out)
{
	rrd_store *st = d->store;
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, RRD_NS_META, VERSION_KEY, &v, &len, NULL);
	if (rc && rc != RRD_E_NOTFOUND)
		return rrd__store_status(rc, "reading the configuration version");
	return rrd__config_version_take(rc == RRD_OK, v, len, out);
}

rrd_status rrd__config_version_take(int found, const void *v, size_t len, int64_t *out)
{
	if (!found) {
		*out = 0;
		return RRD_OK;
	}
	rrd_reader r = { v, len, 0 };
	*out = rrd__read_i64(&r);
	if (r.failed)
		return rrd__fail(RRD_E_STORE, "stored configuration version is malformed");
	return RRD_OK;
}

rrd_status rrd__config_version_write(rrd_distributor *d, int64_t version)
{
	rrd_store *st = d->store;
	unsigned char b[8];
	rrd__put_i64(b, version);
	return rrd__store_status(st->m.put(st->self, RRD_NS_META, VERSION_KEY, b, 8, 0),
				 "writing the configuration version");
}

rrd_status rrd__config_put(rrd_distributor *d, rrd_store_ns ns, const char *id,
			   const cJSON *json, int64_t order)
{
	char *text = rrd__json_print(json);
	if (!text)
		return rrd__nomem();
	rrd_store *st = d->store;
	int rc = st->m.put(st->self, ns, id, text, strlen(text), order);
	rrd__free(text);
	return rrd__store_status(rc, "writing configuration");
}

rrd_status rrd__config_order_new(int64_t next, int64_t *out)
{
	/* One past the newcomer must still be a number. */
	if (next == INT64_MAX)
		return rrd__fail(RRD_E_STORE, "the store has no order number left for a newcomer");
	*out = next;
	return RRD_OK;
}

static const char *custom_name(void *ctx, rrd_strategy s)
{
	return rrd__strategy_label(ctx, s);
}

rrd_status rrd__config_put_rules(rrd_distributor *d, rrd_rule *const *rules, size_t n)
{
	rrd_strategy_names names = { NULL, custom_name, d };
	rrd_store *st = d->store;
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < d->nrules; i++) {
		int drc = st->m.del(st->self, RRD_NS_RULE, d->rules[i]->id);
		if (drc && drc != RRD_E_NOTFOUND)
			rc = rrd__store_status(drc, "removing a rule");
	}
	/* A rule's position is its order. */
	for (size_t i = 0; !rc && i < n; i++) {
		cJSON *json = rrd__rule_to_json(rules[i], &names);
		rc = json ? rrd__config_put(d, RRD_NS_RULE, rules[i]->id, json, (int64_t)i)
			  : rrd__nomem();
		cJSON_Delete(json);
	}
	return rc;
}

cJSON *rrd__pool_rt_to_json(rrd_distributor *d, const rrd_pool_rt *p)
{
	rrd_strategy_names names = { NULL, custom_name, d };
	cJSON *o = rrd__pool_to_json(p->cfg, &names);
	if (!o)
		return NULL;
	cJSON *members = cJSON_CreateArray();
	cJSON *join = cJSON_CreateArray();
	if (!members || !join) {
		cJSON_Delete(members);
		cJSON_Delete(join);
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(o, "members", members);
	cJSON_AddItemToObject(o, "join", join);
	for (size_t i = 0; i < p->nmembers; i++) {
		cJSON *id = cJSON_CreateString(d->agents[p->members[i].agent]->id);
		cJSON *seq = cJSON_CreateNumber((double)p->members[i].seq);
		if (!id || !seq) {
			cJSON_Delete(id);
			cJSON_Delete(seq);
			cJSON_Delete(o);
			return NULL;
		}
		cJSON_AddItemToArray(members, id);
		cJSON_AddItemToArray(join, seq);
	}
	if (!cJSON_AddNumberToObject(o, "next_join", (double)p->next_seq)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

void rrd__agent_rt_free(rrd_agent_rt *a)
{
	if (!a)
		return;
	rrd__free(a->id);
	rrd_agent_free(a->cfg);
	rrd__free(a->memberships);
	rrd__buf_free(&a->st.recent);
	rrd__free(a);
}

void rrd__pool_rt_free(rrd_pool_rt *p)
{
	if (!p)
		return;
	rrd__free(p->id);
	rrd_pool_free(p->cfg);
	rrd__free(p->members);
	for (size_t i = 0; i < p->nstates; i++) {
		if (!p->states[i])
			continue;
		rrd__free(p->states[i]->key);
		rrd__free(p->states[i]->data);
		rrd__cache_clear(&p->states[i]->cache);
		rrd__free(p->states[i]);
	}
	rrd__free(p->states);
	rrd__free(p->changed.pos);
	rrd__free(p);
}

void rrd__cal_rt_free(rrd_cal_rt *c)
{
	if (!c)
		return;
	rrd__free(c->id);
	rrd_calendar_free(c->cal);
	rrd__free(c);
}

void rrd__config_clear(rrd_distributor *d)
{
	for (size_t i = 0; i < d->ncals; i++)
		rrd__cal_rt_free(d->cals[i]);
	for (size_t i = 0; i < d->nagents; i++)
		rrd__agent_rt_free(d->agents[i]);
	for (size_t i = 0; i < d->npools; i++)
		rrd__pool_rt_free(d->pools[i]);
	for (size_t i = 0; i < d->nrules; i++)
		rrd_rule_free(d->rules[i]);
	rrd__free(d->cals);
	rrd__free(d->agents);
	rrd__free(d->pools);
	rrd__free(d->rules);
	rrd__hashmap_free(&d->cal_map);
	rrd__hashmap_free(&d->agent_map);
	rrd__hashmap_free(&d->pool_map);
	d->cals = NULL;
	d->agents = NULL;
	d->pools = NULL;
	d->rules = NULL;
	d->ncals = d->nagents = d->npools = d->nrules = 0;
	d->next_order = (rrd_config_orders){ 0 };
	d->cals_cap = d->agents_cap = d->pools_cap = d->rules_cap = 0;
}

/* ---- loading --------------------------------------------------------- */

typedef struct load_ctx {
	rrd_distributor *d;
	rrd_status rc;
	rrd_store_ns ns;
} load_ctx;

static rrd_status corrupt(const char *what, const char *key)
{
	return rrd__fail_prefix(RRD_E_STORE, "stored %s \"%s\" cannot be used: ", what, key);
}

/* A newcomer goes after the object stored last, whatever gaps an earlier
 * writer left between the numbers. */
static void note_order(int64_t *next, int64_t order)
{
	if (order >= *next)
		*next = order == INT64_MAX ? INT64_MAX : order + 1;
}

static rrd_status load_calendar(rrd_distributor *d, const char *key, const cJSON *o,
				int64_t order)
{
	rrd_cal_rt *c = rrd__calloc(1, sizeof *c);
	if (!c)
		return rrd__nomem();
	rrd_status rc = rrd__calendar_from_json(o, "$", RRD_FROM_STORE, &c->cal);
	if (!rc && !(c->id = rrd__strdup(rrd_calendar_id(c->cal))))
		rc = rrd__nomem();
	if (!rc && rrd__grow((void **)&d->cals, &d->cals_cap, d->ncals + 1, sizeof(rrd_cal_rt *)))
		rc = rrd__nomem();
	if (!rc && rrd__hashmap_put(&d->cal_map, c->id, (uint32_t)d->ncals))
		rc = rrd__nomem();
	if (rc) {
		rrd__cal_rt_free(c);
		return rc == RRD_E_NOMEM ? rc : corrupt("calendar", key);
	}
	c->order = order;
	note_order(&d->next_order.cal, order);
	d->cals[d->ncals++] = c;
	return RRD_OK;
}

static rrd_status load_agent(rrd_distributor *d, const char *key, const cJSON *o,
			     int64_t order)
{
	rrd_agent_rt *a = rrd__calloc(1, sizeof *a);
	if (!a)
		return rrd__nomem();
	a->cal = -1;
	rrd_status rc = rrd__agent_from_json(o, "$", RRD_FROM_STORE, &a->cfg);
	if (!rc && !(a->id = rrd__strdup(a->cfg->id)))
		rc = rrd__nomem();
	if (!rc)
		a->id_hash = rrd__id_hash64(a->id);
	if (!rc && a->cfg->calendar) {
		uint32_t ci;
		if (!rrd__hashmap_get(&d->cal_map, a->cfg->calendar, &ci))
			rc = rrd__fail(RRD_E_STORE, "unknown calendar \"%s\"", a->cfg->calendar);
		a->cal = (long)ci;
	}
	if (!rc && rrd__grow((void **)&d->agents, &d->agents_cap, d->nagents + 1, sizeof(rrd_agent_rt *)))
		rc = rrd__nomem();
	if (!rc && rrd__hashmap_put(&d->agent_map, a->id, (uint32_t)d->nagents))
		rc = rrd__nomem();
	if (rc) {
		rrd__agent_rt_free(a);
		return rc == RRD_E_NOMEM ? rc : corrupt("agent", key);
	}
	a->idx = (uint32_t)d->nagents;
	a->order = order;
	note_order(&d->next_order.agent, order);
	d->agents[d->nagents++] = a;
	return RRD_OK;
}

/* A custom strategy named in the store gets its id now; the host
 * registers its callbacks under that name after opening the distributor. */
static rrd_status parse_strategy(void *ctx, const char *name, rrd_strategy *out)
{
	if ((*out = rrd__builtin_strategy(name)))
		return RRD_OK;
	return rrd__custom_intern(ctx, name, RRD_ID_STORED, out);
}

static rrd_status load_pool(rrd_distributor *d, const char *key, const cJSON *o,
			    int64_t order)
{
	rrd_pool_rt *p = rrd__calloc(1, sizeof *p);
	if (!p)
		return rrd__nomem();
	rrd_strategy_names names = { parse_strategy, NULL, d };
	rrd_status rc = rrd__pool_from_json(o, "$", &names, RRD_FROM_STORE, &p->cfg);
	if (!rc && !(p->id = rrd__strdup(p->cfg->id)))
		rc = rrd__nomem();
	const cJSON *join = rrd__json_get(o, "join");
	size_t n = rc ? 0 : p->cfg->members.count;
	if (!rc && (!cJSON_IsArray(join) || (size_t)cJSON_GetArraySize(join) != n))
		rc = rrd__fail(RRD_E_STORE, "join numbers do not match the members");
	if (!rc && n && !(p->members = rrd__calloc(n, sizeof(rrd_member))))
		rc = rrd__nomem();
	p->cap = n;
	const cJSON *seq = join ? join->child : NULL;
	for (size_t i = 0; !rc && i < n; i++, seq = seq->next) {
		uint32_t ai;
		if (!rrd__hashmap_get(&d->agent_map, p->cfg->members.items[i], &ai))
			rc = rrd__fail(RRD_E_STORE, "unknown member \"%s\"", p->cfg->members.items[i]);
		else if (!cJSON_IsNumber(seq) || !(seq->valuedouble >= 0) ||
			 seq->valuedouble > 0x1p62)
			rc = rrd__fail(RRD_E_STORE, "join numbers must be numbers from 0 to 2^62");
		else
			p->members[p->nmembers++] = (rrd_member){ .agent = ai, .seq = (int64_t)seq->valuedouble };
	}
	int64_t next = 0;
	if (!rc)
		rc = rrd__json_opt_int(o, "$", "next_join", 0, INT64_MAX / 2, &next);
	p->next_seq = next;
	/* The runtime list is the truth; the description's copy would only
	 * drift, so it is emptied. */
	if (p->cfg)
		rrd__strlist_clear(&p->cfg->members);
	if (!rc && rrd__grow((void **)&d->pools, &d->pools_cap, d->npools + 1, sizeof(rrd_pool_rt *)))
		rc = rrd__nomem();
	if (!rc && rrd__hashmap_put(&d->pool_map, p->id, (uint32_t)d->npools))
		rc = rrd__nomem();
	if (rc) {
		rrd__pool_rt_free(p);
		return rc == RRD_E_NOMEM ? rc : corrupt("pool", key);
	}
	p->idx = (uint32_t)d->npools;
	p->order = order;
	note_order(&d->next_order.pool, order);
	d->pools[d->npools++] = p;
	return RRD_OK;
}

static rrd_status load_rule(rrd_distributor *d, const char *key, const cJSON *o)
{
	rrd_strategy_names names = { parse_strategy, NULL, d };
	rrd_rule *r;
	rrd_status rc = rrd__rule_from_json(o, "$", &names, RRD_FROM_STORE, &r);
	if (!rc && rrd__grow((void **)&d->rules, &d->rules_cap, d->nrules + 1, sizeof(rrd_rule *))) {
		rrd_rule_free(r);
		rc = rrd__nomem();
	}
	if (rc)
		return rc == RRD_E_NOMEM ? rc : corrupt("rule", key);
	d->rules[d->nrules++] = r;
	return RRD_OK;
}

static int load_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	load_ctx *lc = ctx;
	cJSON *o = cJSON_ParseWithLength(value, len);
	if (!o) {
		/* cJSON fails on JSON only for want of memory. */
		rrd_status text = rrd__json_text_check(value, len);
		lc->rc = text == RRD_E_PARSE
				 ? rrd__fail(RRD_E_STORE, "stored configuration \"%s\" is not JSON", key)
				 : rrd__nomem();
		return 1;
	}
	switch (lc->ns) {
	case RRD_NS_CALENDAR: lc->rc = load_calendar(lc->d, key, o, order); break;
	case RRD_NS_AGENT: lc->rc = load_agent(lc->d, key, o, order); break;
	case RRD_NS_POOL: lc->rc = load_pool(lc->d, key, o, order); break;
	/* A rule's order is its position, which the list it is read into keeps. */
	default: lc->rc = load_rule(lc->d, key, o); break;
	}
	cJSON_Delete(o);
	return lc->rc != RRD_OK;
}

rrd_status rrd__config_load(rrd_distributor *d)
{
	int64_t version;
	rrd_status rc = rrd__config_version_read(d, &version);
	if (rc)
		return rc;
	rrd__config_clear(d);
	/* Cached hot state refers to the old objects, and so does every
	 * cache built from them. */
	d->epoch++;
	d->config_gen++;
	static const rrd_store_ns order[] = { RRD_NS_CALENDAR, RRD_NS_AGENT, RRD_NS_POOL,
					      RRD_NS_RULE };
	rrd_store *st = d->store;
	for (size_t i = 0; i < 4; i++) {
		load_ctx lc = { d, RRD_OK, order[i] };
		int src = st->m.scan(st->self, order[i], "", load_each, &lc);
		if (!lc.rc && src)
			lc.rc = rrd__store_status(src, "reading configuration");
		if (lc.rc) {
			rrd__config_clear(d);
			d->config_version = -1;
			return lc.rc;
		}
	}
	d->config_version = version;
	return RRD_OK;
}
