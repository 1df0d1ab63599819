/*
 * Auto-drain: a pool that asks for it takes back, oldest first, the
 * records it queued for want of an eligible member, as soon as someone
 * can take them, so a backlog never sits while agents are free. Draining
 * runs after every operation and every timer, and at the instants a
 * member may become eligible again by the clock alone: their calendar
 * opening, or a new local day for a member at their daily cap.
 */
#include <string.h>

#include "routing/routing.h"
#include "strategy/strategy.h"
#include "time/civil.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

typedef struct drain_item {
	char *record;
	char *pool;
	char *rule;
} drain_item;

typedef struct drain_list {
	drain_item *items;
	size_t count, cap;
	rrd_distributor *d;
	rrd_status rc;
} drain_list;

/* How many queued records auto-drain pools could take back, as counted
 * under `stamp`, so that draining after every operation costs nothing
 * when there are none. Kept per distributor. */
typedef struct drain_count {
	rrd_stamp stamp; /* {0, 0}: unknown, count again */
	int64_t n;
} drain_count;

static const rrd_cache_kind drain_kind = { "drainable records", rrd__free };

static drain_count *count_known(rrd_distributor *d)
{
	drain_count *c = rrd__cache_find(d, &drain_kind);
	return c && rrd__stamp_fresh(d, c->stamp) ? c : NULL;
}

int rrd__drainable_known(rrd_distributor *d)
{
	return count_known(d) != NULL;
}

void rrd__drainable_add(rrd_distributor *d, int64_t delta)
{
	drain_count *c = count_known(d);
	if (c)
		c->n += delta;
}

void rrd__drainable_unknown(rrd_distributor *d)
{
	drain_count *c = rrd__cache_find(d, &drain_kind);
	if (c)
		c->stamp = (rrd_stamp){ 0, 0 };
}

/* Counted: `n` from now on, kept current as entries come and go. Without
 * the memory to keep it, it stays unknown and is counted each time. */
static void drainable_counted(rrd_distributor *d, int64_t n)
{
	drain_count *c;
	if (rrd__cache_of(d, &drain_kind, sizeof *c, (void **)&c) == RRD_OK)
		*c = (drain_count){ rrd__stamp_now(d), n };
}

static int none_drainable(rrd_distributor *d)
{
	drain_count *c = count_known(d);
	return c && c->n == 0;
}

static int any_auto_drain(rrd_distributor *d)
{
	for (size_t i = 0; i < d->npools; i++)
		if (d->pools[i]->cfg->auto_drain)
			return 1;
	return 0;
}

static void free_list(drain_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		rrd__free(l->items[i].record);
		rrd__free(l->items[i].pool);
		rrd__free(l->items[i].rule);
	}
	rrd__free(l->items);
}

static int collect(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	drain_list *l = ctx;
	(void)order;
	rrd_reader r = { value, len, 0 };
	int nomem = 0;
	rrd__read_u8(&r);
	rrd_queue_reason reason = (rrd_queue_reason)rrd__read_u8(&r);
	rrd__read_i64(&r);
	char *pool = rrd__read_str(&r, &nomem);
	char *rule = rrd__read_str(&r, &nomem);
	rrd_pool_rt *p = pool ? rrd__pool_find(l->d, pool) : NULL;
	if (r.failed || reason != RRD_QUEUE_NO_ELIGIBLE_AGENT || !p || !p->cfg->auto_drain) {
		rrd__free(pool);
		rrd__free(rule);
		if (nomem)
			l->rc = rrd__nomem();
		return nomem;
	}
	char *record = rrd__strdup(key);
	if (!record || rrd__grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items)) {
		rrd__free(record);
		rrd__free(pool);
		rrd__free(rule);
		l->rc = rrd__nomem();
		return 1;
	}
	l->items[l->count++] = (drain_item){ record, pool, rule };
	return 0;
}

/* Queued records that auto-drain pools may take back, in queue order. */
static rrd_status drainable(rrd_distributor *d, drain_list *l)
{
	memset(l, 0, sizeof *l);
	l->d = d;
	if (!any_auto_drain(d))
		return RRD_OK;
	rrd_store *st = d->store;
	int src = st->m.scan(st->self, RRD_NS_QUEUE, "", collect, l);
	if (!l->rc && src)
		l->rc = rrd__store_status(src, "reading the queue");
	if (l->rc)
		free_list(l);
	return l->rc;
}

/* Whether some member of p could take some record now: one active, not
 * paused, below both caps. A pick, whatever the record, strategy or
 * rule, passes over everyone else (rrd__ineligible), and moves nothing
 * when it finds nobody; so a pool where this is 0 takes nothing back,
 * and its queue need not be read. */
static rrd_status may_take(rrd_distributor *d, rrd_pool_rt *p, int *out)
{
	rrd_pick_req req = { .pool = p, .strategy = RRD_STRATEGY_ROUND_ROBIN };
	*out = 0;
	for (size_t m = 0; m < p->nmembers && !*out; m++) {
		rrd_status err = RRD_OK;
		*out = !rrd__ineligible(d, &req, d->agents[p->members[m].agent], &err);
		if (err)
			return err;
	}
	return RRD_OK;
}

/* The drain list's records of the pools that may take some, read in
 * one go. */
static rrd_status read_ahead(rrd_distributor *d, const drain_list *l, const unsigned char *open)
{
	const char **ids = rrd__malloc(l->count * sizeof *ids);
	if (!ids)
		return rrd__nomem();
	size_t n = 0;
	for (size_t i = 0; i < l->count; i++) {
		rrd_pool_rt *p = rrd__pool_find(d, l->items[i].pool);
		if (p && open[p->idx])
			ids[n++] = l->items[i].record;
	}
	rrd_status rc = rrd__rec_read_ahead(d, ids, n);
	rrd__free(ids);
	return rc;
}

rrd_status rrd__drain(rrd_distributor *d, rrd_time now)
{
	if (none_drainable(d))
		return RRD_OK;
	/* A backlog that waits for someone to be free is read only once
	 * someone is: not by every operation while nobody is. */
	unsigned char *open = rrd__calloc(d->npools ? d->npools : 1, 1);
	if (!open)
		return rrd__nomem();
	int any = 0;
	rrd_status rc = RRD_OK;
	for (size_t pi = 0; !rc && pi < d->npools; pi++) {
		int may = 0;
		if (d->pools[pi]->cfg->auto_drain && !(rc = may_take(d, d->pools[pi], &may)))
			any |= open[pi] = (unsigned char)may;
	}
	if (rc || !any) {
		rrd__free(open);
		return rc;
	}
	drain_list l;
	if ((rc = drainable(d, &l))) {
		rrd__free(open);
		return rc;
	}
	/* Known from here on; giving records back keeps it current. */
	drainable_counted(d, (int64_t)l.count);
	if (l.count)
		rc = read_ahead(d, &l, open);
	/* Pools drain in their order; each takes its records oldest first. */
	for (size_t pi = 0; !rc && pi < d->npools && l.count; pi++) {
		rrd_pool_rt *p = d->pools[pi];
		if (!open[pi])
			continue;
		for (size_t i = 0; !rc && i < l.count; i++) {
			if (strcmp(l.items[i].pool, p->id) != 0)
				continue;
			rrd_rec_rt *rec;
			if ((rc = rrd__rec_get(d, l.items[i].record, &rec)))
				break;
			const rrd_rule_rt *rule;
			if ((rc = rrd__rule_find(d, l.items[i].rule, &rule)))
				break;
			rrd_pick_req req = rrd__routing_req(p, rule, p->cfg->strategy, rec->r);
			req.explain = d->opts.explain;
			size_t pos;
			rc = rrd__pick(d, &req, &pos);
			if (rc == RRD_E_NO_ELIGIBLE) {
				/* Nobody for this one (skills, location): try the next. */
				rc = RRD_OK;
				continue;
			}
			if (rc)
				break;
			rrd_give gi = { .pool = p->id, .rule = rule ? rule->id : NULL,
					.strategy = rrd__strategy_label(d, p->cfg->strategy),
					.via = RRD_VIA_DRAIN, .notify = 1, .explain = 1 };
			rc = rrd__give(d, rec, d->agents[p->members[pos].agent], &gi, now);
		}
	}
	free_list(&l);
	rrd__free(open);
	return rc;
}

rrd_status rrd__drain_wakeup(rrd_distributor *d, rrd_time from, rrd_time *out)
{
	if (none_drainable(d))
		return RRD_E_NOTFOUND;
	drain_list l;
	rrd_status rc = drainable(d, &l);
	if (rc)
		return rc;
	int found = 0;
	rrd_time best = 0;
	for (size_t pi = 0; !rc && pi < d->npools && l.count; pi++) {
		rrd_pool_rt *p = d->pools[pi];
		int waiting = 0, hours = p->cfg->respect_hours;
		for (size_t i = 0; i < l.count; i++) {
			if (strcmp(l.items[i].pool, p->id) != 0)
				continue;
			waiting = 1;
			const rrd_rule_rt *rule;
			if ((rc = rrd__rule_find(d, l.items[i].rule, &rule)))
				break;
			hours |= rule && rule->respect_hours;
		}
		if (rc)
			break;
		if (!waiting)
			continue;
		for (size_t m = 0; m < p->nmembers; m++) {
			rrd_agent_rt *a = d->agents[p->members[m].agent];
			rrd_time t;
			if (hours && a->cal >= 0) {
				int open = 1;
				const rrd_calendar *cal = d->cals[a->cal]->cal;
				if (rrd_calendar_is_open(cal, from, &open) == RRD_OK && !open &&
				    rrd_calendar_next_open(cal, from, &t) == RRD_OK &&
				    (!found || t < best)) {
					best = t;
					found = 1;
				}
			}
			if (a->cfg->cap_per_day != RRD_UNLIMITED) {
				rrd_agent_state *st;
				if ((rc = rrd__agent_state(d, a, &st)))
					break;
				if (rrd__agent_today(d, a, st, from) < a->cfg->cap_per_day)
					continue;
				if (a->cal >= 0) {
					if (rrd_calendar_local_day(d->cals[a->cal]->cal, from, NULL, &t))
						continue;
				} else {
					t = (rrd__utc_day(from) + 1) * RRD_DAY;
				}
				if (!found || t < best) {
					best = t;
					found = 1;
				}
			}
		}
	}
	free_list(&l);
	if (rc)
		return rc;
	if (!found)
		return RRD_E_NOTFOUND;
	*out = best;
	return RRD_OK;
}

static rrd_status drain_step(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)ctx;
	return rrd__drain(d, now);
}

const rrd_txn rrd__drain_alone = { .kind = RRD_TXN_WRITE, .body = drain_step,
				   .wanted = any_auto_drain };

rrd_status rrd__operation_ex(rrd_distributor *d, rrd_txn_fn body, void *ctx, int drain)
{
	rrd_txn t = { .kind = RRD_TXN_WRITE, .body = body, .finish = drain ? drain_step : NULL };
	return rrd__run(d, &t, ctx);
}

rrd_status rrd__operation(rrd_distributor *d, rrd_txn_fn body, void *ctx)
{
	return rrd__operation_ex(d, body, ctx, 1);
}

rrd_status rrd__operation_ahead(rrd_distributor *d, rrd_txn_fn body,
				void (*prefetch)(rrd_distributor *d, void *ctx), void *ctx)
{
	rrd_txn t = { .kind = RRD_TXN_WRITE, .body = body, .finish = drain_step,
		      .prefetch = prefetch };
	return rrd__run(d, &t, ctx);
}

void rrd__want_route(rrd_distributor *d, const rrd_record *r, const char *pool)
{
	rrd_pool_rt *p = NULL;
	rrd_strategy s = RRD_STRATEGY_INHERIT;
	if (pool) {
		p = rrd__pool_find(d, pool);
	} else {
		const rrd_rule_rt *rule = NULL;
		if (rrd__rule_match(d, r, &rule) == RRD_OK && rule) {
			p = rule->pool;
			s = rule->strategy;
		}
	}
	if (p)
		rrd__want_pool(d, p, s == RRD_STRATEGY_INHERIT ? p->cfg->strategy : s);
}
