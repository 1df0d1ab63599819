/*
 * Routing: a record goes through its rule's pool, then each overflow pool
 * (the "steps"), until someone takes it; otherwise to the queue.
 *
 * At each step the pool's strategy (or the rule's) picks. Without a claim
 * window the pick gets the record at once. With one, the pick gets an
 * offer with a deadline (counted in open time when the rule has a
 * calendar), stored with a timer; an offer that expires or is declined
 * passes to the next pick, never to someone offered at that step before,
 * until nobody is left or max_offers is reached: the step has gone round.
 * Piranha offers to every eligible member at once; the first claim wins.
 */
#include <string.h>

#include "routing/offer_state.h"
#include "routing/routing.h"
#include "strategy/strategy.h"
#include "time/instant.h"
#include "util/alloc.h"
#include "util/error.h"

typedef struct route_ctx {
	rrd_distributor *d;
	rrd_rec_rt *rec;
	const rrd_rule_rt *rule;  /* NULL: one step, `direct` */
	rrd_pool_rt *direct;      /* with a rule: its own pool, if known */
	int notify;
	rrd_time now;
	rrd_offer_state *s;
} route_ctx;

static size_t step_count(const route_ctx *c)
{
	return c->rule ? 1 + c->rule->noverflow : 1;
}

static rrd_pool_rt *step_pool(const route_ctx *c, size_t step)
{
	if (!c->rule || (step == 0 && c->direct))
		return c->direct;
	const char *id = step ? c->rule->cfg->overflow.items[step - 1] : c->rule->cfg->pool;
	return rrd__pool_find(c->d, id);
}

/* A rule's strategy overrides its own pool's; overflow pools use theirs. */
static rrd_strategy step_strategy(const route_ctx *c, const rrd_pool_rt *p)
{
	if (c->rule && c->rule->strategy != RRD_STRATEGY_INHERIT && c->s->step == 0)
		return c->rule->strategy;
	return p->cfg->strategy;
}

static rrd_time step_window(const route_ctx *c, const rrd_pool_rt *p)
{
	if (c->rule && c->rule->claim_window != RRD_WINDOW_INHERIT)
		return c->rule->claim_window;
	return p->cfg->claim_window;
}

static rrd_status deadline_of(const route_ctx *c, rrd_time window, rrd_time *out)
{
	if (c->rule && c->rule->has_calendar) {
		rrd_cal_rt *cal = rrd__cal_find(c->d, c->rule->cfg->calendar);
		if (cal) {
			rrd_status rc = rrd_calendar_add_open_time(cal->cal, c->now, window, out);
			if (rc == RRD_E_NOTFOUND)
				return rrd__fail(RRD_E_INVALID, "calendar \"%s\" never opens again",
						 cal->id);
			return rc;
		}
	}
	*out = rrd__time_after(c->now, window);
	return RRD_OK;
}

static rrd_status set_timer(rrd_distributor *d, const char *record, rrd_time due)
{
	int64_t seq;
	rrd_status rc = rrd__order_next(d, "seq.timer", &seq);
	if (rc)
		return rc;
	rrd_store *st = d->store;
	return rrd__store_status(st->m.timer_set(st->self, record, due, seq), "setting a timer");
}

static rrd_status clear_timer(rrd_distributor *d, const char *record)
{
	rrd_store *st = d->store;
	int rc = st->m.timer_clear(st->self, record);
	return rc == RRD_E_NOTFOUND ? RRD_OK : rrd__store_status(rc, "clearing a timer");
}

/* The agents offered the record at this step, as indices, for the
 * strategy's already-offered check. */
static rrd_status offered_at_step(const route_ctx *c, uint32_t **out, size_t *n)
{
	*n = 0;
	*out = NULL;
	if (!c->s->count) /* the usual case: nobody offered it yet */
		return RRD_OK;
	*out = rrd__malloc(c->s->count * sizeof **out);
	if (!*out)
		return rrd__nomem();
	for (size_t i = 0; i < c->s->count; i++) {
		if (c->s->entries[i].step != c->s->step)
			continue;
		rrd_agent_rt *a = rrd__agent_find(c->d, c->s->entries[i].agent);
		if (a)
			(*out)[(*n)++] = a->idx;
	}
	return RRD_OK;
}

/* An `offered` event; with explain, it names whom the pick passed over
 * (d->skips). */
static rrd_status emit_offered(const route_ctx *c, const rrd_pool_rt *p, rrd_agent_rt *a)
{
	rrd_distributor *d = c->d;
	rrd_skipped *sk = NULL;
	size_t nsk = d->opts.explain ? d->nskips : 0;
	if (nsk && !(sk = rrd__malloc(nsk * sizeof *sk)))
		return rrd__nomem();
	for (size_t i = 0; i < nsk; i++)
		sk[i] = (rrd_skipped){ d->agents[d->skips[i].agent]->id, d->skips[i].reason };
	rrd_event ev = { .type = RRD_EVENT_OFFERED, .at = c->now, .record = c->rec->r->id,
			 .agent = a->id, .pool = p->id, .rule = c->rule ? c->rule->id : NULL,
			 .has_deadline = c->s->has_deadline, .deadline = c->s->deadline,
			 .notify = c->notify, .skipped = sk, .nskipped = nsk };
	rrd_status rc = rrd__emit(d, &ev);
	rrd__free(sk);
	return rc;
}

static rrd_status start_offer(route_ctx *c, const rrd_pool_rt *p, rrd_time window)
{
	c->s->active = 1;
	c->s->has_deadline = window != RRD_NO_WINDOW;
	rrd_status rc = RRD_OK;
	if (c->s->has_deadline && (rc = deadline_of(c, window, &c->s->deadline)))
		return rc;
	c->s->pool = p->id;
	if (c->s->has_deadline && (rc = set_timer(c->d, c->rec->r->id, c->s->deadline)))
		return rc;
	return rrd__rec_transition(c->d, c->rec, NULL, RRD_RECORD_OFFERED);
}

rrd_pick_req rrd__routing_req(rrd_pool_rt *p, const rrd_rule_rt *rule, rrd_strategy s,
			      const rrd_record *r)
{
	return (rrd_pick_req){ .pool = p, .strategy = s, .record = r,
			       .respect_hours = p->cfg->respect_hours || (rule && rule->respect_hours),
			       .skills = rule && rule->has_skills ? &rule->cfg->skills : NULL };
}

/* The pick a step makes: the routing's filters, and nobody offered the
 * record at this step before. The caller frees req->offered. */
static rrd_status step_request(route_ctx *c, rrd_pool_rt *p, rrd_strategy s, rrd_pick_req *req)
{
	uint32_t *offered;
	size_t noffered;
	rrd_status rc = offered_at_step(c, &offered, &noffered);
	if (rc)
		return rc;
	*req = rrd__routing_req(p, c->rule, s, c->rec->r);
	req->offered = offered;
	req->noffered = noffered;
	return RRD_OK;
}

/* Piranha: offer to every member eligible now. RRD_E_NO_ELIGIBLE if none. */
static rrd_status offer_to_all(route_ctx *c, rrd_pool_rt *p, rrd_time window)
{
	rrd_distributor *d = c->d;
	rrd_pick_req req;
	rrd_status rc = step_request(c, p, RRD_STRATEGY_PIRANHA, &req);
	if (rc)
		return rc;
	/* Offering to all is a pick too: each offer names the members it
	 * passed over. */
	req.explain = d->opts.explain;
	d->nskips = 0;
	size_t first = c->s->count;
	for (size_t i = 0; !rc && i < p->nmembers; i++) {
		rrd_agent_rt *a = d->agents[p->members[i].agent];
		rrd_skip_reason why = rrd__ineligible(d, &req, a, &rc);
		if (!rc)
			rc = why ? rrd__skip(d, &req, a->idx, why)
				 : rrd__offer_add(c->s, a->id, c->s->step, OFFER_LIVE);
	}
	rrd__free((uint32_t *)req.offered);
	if (rc)
		return rc;
	if (c->s->count == first)
		return RRD_E_NO_ELIGIBLE;
	c->s->piranha = 1;
	c->s->offers += (int64_t)(c->s->count - first);
	if ((rc = start_offer(c, p, window)))
		return rc;
	for (size_t i = first; !rc && i < c->s->count; i++)
		rc = emit_offered(c, p, rrd__agent_find(d, c->s->entries[i].agent));
	return rc;
}

/* One offer (or, without a window, the assignment) by the strategy. */
static rrd_status offer_to_one(route_ctx *c, rrd_pool_rt *p, rrd_strategy s, rrd_time window)
{
	rrd_distributor *d = c->d;
	int64_t max = c->rule ? c->rule->max_offers : RRD_UNLIMITED;
	if (window != RRD_NO_WINDOW && max != RRD_UNLIMITED && c->s->offers >= max)
		return RRD_E_NO_ELIGIBLE;
	rrd_pick_req req;
	rrd_status rc = step_request(c, p, s, &req);
	if (rc)
		return rc;
	req.explain = d->opts.explain;
	size_t pos;
	rc = rrd__pick(d, &req, &pos);
	rrd__free((uint32_t *)req.offered);
	if (rc)
		return rc;
	rrd_agent_rt *a = d->agents[p->members[pos].agent];
	if (window == RRD_NO_WINDOW) {
		rrd_give gi = { .pool = p->id, .rule = c->rule ? c->rule->id : NULL,
				.strategy = rrd__strategy_label(d, s), .via = RRD_VIA_ROUTE,
				.notify = c->notify, .explain = 1 };
		c->s->active = 0;
		return rrd__give(d, c->rec, a, &gi, c->now);
	}
	c->s->piranha = 0;
	c->s->offers++;
	if ((rc = rrd__offer_add(c->s, a->id, c->s->step, OFFER_LIVE)) ||
	    (rc = start_offer(c, p, window)))
		return rc;
	return emit_offered(c, p, a);
}

/*
 * Try the current step and those after it. `fresh` says the current step
 * has made no offer yet in this attempt (so nobody eligible means
 * no_eligible_agent rather than pool_exhausted).
 */
static rrd_status advance_steps(route_ctx *c, int fresh)
{
	rrd_queue_reason reason = RRD_QUEUE_NO_ELIGIBLE_AGENT;
	const char *last_pool = NULL;
	for (;;) {
		rrd_pool_rt *p = step_pool(c, c->s->step);
		if (!p)
			return rrd__fail(RRD_E_UNKNOWN_POOL, "rule \"%s\" names a pool that is gone",
					 c->rule ? c->rule->id : "");
		if (p->cfg->kind != c->rec->r->kind)
			return rrd__fail(RRD_E_KIND_MISMATCH, "pool \"%s\" takes %ss; record \"%s\" is a %s",
					 p->id, rrd_kind_name(p->cfg->kind), c->rec->r->id,
					 rrd_kind_name(c->rec->r->kind));
		last_pool = p->id;
		rrd_strategy s = step_strategy(c, p);
		rrd_time window = step_window(c, p);
		rrd_status rc = s == RRD_STRATEGY_PIRANHA ? offer_to_all(c, p, window)
							  : offer_to_one(c, p, s, window);
		if (rc != RRD_E_NO_ELIGIBLE)
			return rc;
		reason = fresh && c->s->offers == 0 ? RRD_QUEUE_NO_ELIGIBLE_AGENT
						    : RRD_QUEUE_POOL_EXHAUSTED;
		if (c->s->step + 1 >= step_count(c))
			break;
		c->s->step++;
		c->s->offers = 0;
		fresh = 1;
	}
	c->s->active = 0;
	c->s->has_deadline = 0;
	return rrd__queue_push(c->d, c->rec, reason, last_pool, c->rule ? c->rule->id : NULL,
			       c->now);
}

static rrd_status finish(route_ctx *c, rrd_status rc)
{
	/* A routing that made no offer leaves nothing worth keeping. */
	if (!rc && (c->s->count || c->s->active || c->s->loaded))
		rc = rrd__offer_state_save(c->d, c->rec->r->id, c->s);
	return rc;
}

rrd_status rrd__route(rrd_distributor *d, rrd_rec_rt *rec, const rrd_rule_rt *rule, rrd_pool_rt *pool,
		      int notify, rrd_time now)
{
	rrd_offer_state s = { 0 };
	/* A new record has no history to read. */
	if (rec->r->status != RRD_RECORD_NEW) {
		rrd_status rc = rrd__offer_state_load(d, rec->r->id, &s);
		if (rc)
			return rc;
	}
	/* Earlier offers stay as history for claims, at no step. */
	for (size_t i = 0; i < s.count; i++)
		s.entries[i].step = UINT32_MAX;
	s.rule = rule ? rule->id : NULL;
	route_ctx c = { d, rec, rule, rule ? rule->pool : pool, notify, now, &s };
	s.step = 0;
	s.offers = 0;
	s.active = 0;
	rrd_status rc = finish(&c, advance_steps(&c, 1));
	rrd__offer_state_clear(&s);
	return rc;
}

/* Load the routing and the rule it follows; a missing rule (removed
 * since) leaves only the current pool. */
static rrd_status resume(rrd_distributor *d, rrd_rec_rt *rec, rrd_offer_state *s, route_ctx *c,
			 rrd_time now)
{
	rrd_status rc = rrd__offer_state_load(d, rec->r->id, s);
	if (rc)
		return rc;
	const rrd_rule_rt *rule;
	if ((rc = rrd__rule_find(d, s->rule, &rule))) {
		rrd__offer_state_clear(s);
		return rc;
	}
	/* With its rule, the chain is looked up by name: the rule may have
	 * changed since. */
	rrd_pool_rt *direct = !rule && s->pool ? rrd__pool_find(d, s->pool) : NULL;
	*c = (route_ctx){ d, rec, rule, direct, 1, now, s };
	if (!rule && s->step) {
		/* Without its rule the chain is just the current pool. */
		s->step = 0;
	}
	return RRD_OK;
}

rrd_status rrd__route_timer(rrd_distributor *d, const char *record, rrd_time now)
{
	rrd_rec_rt *rec;
	rrd_status rc = rrd__rec_get(d, record, &rec);
	if (rc == RRD_E_UNKNOWN_RECORD)
		return RRD_OK; /* a timer outliving its record does nothing */
	if (rc)
		return rc;
	rrd_offer_state s;
	route_ctx c;
	if ((rc = resume(d, rec, &s, &c, now)))
		return rc;
	if (!s.active || !s.has_deadline || s.deadline > now) {
		rrd__offer_state_clear(&s);
		return RRD_OK;
	}
	for (size_t i = 0; !rc && i < s.count; i++) {
		if (s.entries[i].status != OFFER_LIVE)
			continue;
		s.entries[i].status = OFFER_EXPIRED;
		rrd_event ev = { .type = RRD_EVENT_OFFER_EXPIRED, .at = now, .record = record,
				 .agent = s.entries[i].agent };
		rc = rrd__emit(d, &ev);
	}
	if (!rc) {
		s.active = 0;
		if (s.piranha) {
			/* A piranha pool whose window passed unclaimed has gone round. */
			if (s.step + 1 < step_count(&c)) {
				s.step++;
				s.offers = 0;
				rc = finish(&c, advance_steps(&c, 1));
			} else {
				rc = finish(&c, rrd__queue_push(d, rec, RRD_QUEUE_POOL_EXHAUSTED,
								s.pool, s.rule, now));
			}
		} else {
			rc = finish(&c, advance_steps(&c, 0));
		}
	}
	rrd__offer_state_clear(&s);
	return rc;
}

rrd_status rrd__route_withdraw(rrd_distributor *d, rrd_rec_rt *rec)
{
	rrd_offer_state s;
	rrd_status rc = rrd__offer_state_load(d, rec->r->id, &s);
	if (rc)
		return rc;
	if (s.active) {
		rrd__offer_close_all(&s, OFFER_CLOSED);
		s.active = 0;
		if (!(rc = clear_timer(d, rec->r->id)))
			rc = rrd__offer_state_save(d, rec->r->id, &s);
	}
	rrd__offer_state_clear(&s);
	return rc;
}

rrd_status rrd__route_decline(rrd_distributor *d, rrd_rec_rt *rec, rrd_agent_rt *a, rrd_time now)
{
	rrd_offer_state s;
	route_ctx c;
	rrd_status rc = resume(d, rec, &s, &c, now);
	if (rc)
		return rc;
	rrd_offer_entry *e = s.active ? rrd__offer_find(&s, a->id, s.step) : NULL;
	if (!e || e->status != OFFER_LIVE) {
		rrd__offer_state_clear(&s);
		return rrd__fail(RRD_E_INVALID, "agent \"%s\" has no live offer of record \"%s\"",
				 a->id, rec->r->id);
	}
	e->status = OFFER_DECLINED;
	if (s.piranha && rrd__offer_live_count(&s) > 0) {
		rc = rrd__offer_state_save(d, rec->r->id, &s);
	} else {
		s.active = 0;
		rc = clear_timer(d, rec->r->id);
		if (!rc && s.piranha) {
			/* Every member declined: the pool has gone round. */
			if (s.step + 1 < step_count(&c)) {
				s.step++;
				s.offers = 0;
				rc = finish(&c, advance_steps(&c, 1));
			} else {
				rc = finish(&c, rrd__queue_push(d, rec, RRD_QUEUE_POOL_EXHAUSTED,
								s.pool, s.rule, now));
			}
		} else if (!rc) {
			rc = finish(&c, advance_steps(&c, 0));
		}
	}
	rrd__offer_state_clear(&s);
	return rc;
}

static rrd_status emit_simple(rrd_distributor *d, rrd_event_type type, const char *record,
			      const char *agent, rrd_time now, int notify)
{
	rrd_event ev = { .type = type, .at = now, .record = record, .agent = agent,
			 .notify = notify };
	return rrd__emit(d, &ev);
}

rrd_status rrd__route_claim(rrd_distributor *d, rrd_rec_rt *rec, rrd_agent_rt *a,
			    rrd_claim_result *result, rrd_time now)
{
	rrd_record *r = rec->r;
	int holds = r->owner && strcmp(r->owner, a->id) == 0;
	if (holds && r->status == RRD_RECORD_PENDING) {
		*result = RRD_CLAIM_WON;
		rrd_status rc = rrd__rec_transition(d, rec, a, RRD_RECORD_CLAIMED);
		return rc ? rc : emit_simple(d, RRD_EVENT_CLAIMED, r->id, a->id, now, 1);
	}
	rrd_offer_state s;
	route_ctx c;
	rrd_status rc = resume(d, rec, &s, &c, now);
	if (rc)
		return rc;
	rrd_offer_entry *live = s.active ? rrd__offer_find(&s, a->id, s.step) : NULL;
	if (live && live->status == OFFER_LIVE && r->status == RRD_RECORD_OFFERED) {
		*result = RRD_CLAIM_WON;
		live->status = OFFER_CLOSED;
		s.active = 0;
		rrd_pool_rt *p = s.pool ? rrd__pool_find(d, s.pool) : NULL;
		rrd_strategy strat = p ? step_strategy(&c, p) : RRD_STRATEGY_ROUND_ROBIN;
		rrd_give gi = { .pool = s.pool, .rule = s.rule,
				.strategy = p ? rrd__strategy_label(d, strat) : NULL,
				.via = RRD_VIA_CLAIM, .notify = 1, .status = RRD_RECORD_CLAIMED };
		if (!(rc = clear_timer(d, r->id)) &&
		    !(rc = emit_simple(d, RRD_EVENT_CLAIMED, r->id, a->id, now, 1)))
			rc = rrd__give(d, rec, a, &gi, now);
		/* The others learn someone was quicker, in join order. */
		for (size_t i = 0; !rc && i < s.count; i++) {
			if (s.entries[i].status != OFFER_LIVE)
				continue;
			s.entries[i].status = OFFER_CLOSED;
			rc = emit_simple(d, RRD_EVENT_CLAIMED_BY_OTHER, r->id, s.entries[i].agent,
					 now, 1);
		}
		if (!rc)
			rc = rrd__offer_state_save(d, r->id, &s);
	} else {
		uint8_t past = rrd__offer_outcome(&s, a->id);
		if (!past && !holds)
			*result = RRD_CLAIM_NOT_OFFERED;
		else if (r->owner)
			*result = RRD_CLAIM_ALREADY_CLAIMED;
		else if (past == OFFER_DECLINED)
			*result = RRD_CLAIM_DECLINED;
		else
			*result = RRD_CLAIM_EXPIRED;
		rrd_event ev = { .type = RRD_EVENT_CLAIM_REJECTED, .at = now, .record = r->id,
				 .agent = a->id, .claim_result = *result };
		rc = rrd__emit(d, &ev);
	}
	rrd__offer_state_clear(&s);
	return rc;
}
