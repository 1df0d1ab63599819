/*
 * Smooth weighted round robin: each pick adds every eligible member's
 * weight to its running score, takes the highest score (ties in join
 * order) and takes the eligible members' total weight from it. Ineligible
 * members keep their score.
 *
 * Adding to every score is what would make a pick cost O(n), so scores
 * accrue lazily. The pool counts its picks in ticks; a member's stored
 * score is (tick, score, held) and stands for score + weight * (ticks
 * since), or for score alone while the member is held. The scores of the
 * members not held, as lines over ticks, sit in a kinetic tournament
 * (kinetic.h), which finds the highest without looking at everyone.
 *
 * A member is held while it cannot take anything whatever the record:
 * inactive, paused, outside its hours in a pool that respects them, at
 * capacity, at its daily cap. That changes only with the configuration
 * (the index is rebuilt and looks at everyone), with the agent's counters
 * (the agents whose counters changed are looked at again before the next
 * pick), when its calendar opens or closes, and for a daily cap when the
 * agent's day ends. What depends on the record (skills a rule asks for,
 * working hours a rule asks for, an offer made already) is looked at
 * during the pick for those it can concern, and such a member's score is settled at the
 * new tick so that it does not grow. A pick so costs O(log n), plus
 * O(log n) for each member whose state it changes or settles. A weight
 * that changes settles the agent's scores at the old one first
 * (rrd__weighted_reweigh).
 *
 * Stored under RRD_NS_STRATEGY: "pool\x1fweighted_round_robin" holds the
 * tick count, and "pool\x1fweighted_round_robin\x1f<join number>" each
 * member's (tick, score, held), ordered by join number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy/kinetic.h"
#include "strategy/strategy.h"
#include "time/civil.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/decimal.h"
#include "util/error.h"

/* Lines start again from a new origin before ticks * weight could grow
 * past what an int64 holds with room to compare. */
#define ORIGIN_SPAN ((int64_t)1 << 31)

/* wrr_index.flag bits */
#define WRR_HELD 1u      /* out of the tournament; score kept */
#define WRR_RECHECK 2u   /* in recheck */
#define WRR_DAILY 4u     /* in daily */
#define WRR_UNSAVED 8u   /* in unsaved */
#define WRR_OUT 16u      /* left out of this pick only */

/* Smooth weighted round robin's scores as lines over the pool's ticks,
 * kept as the strategy's cache of the pool. */
typedef struct wrr_index {
	rrd_stamp stamp;     /* {0, 0}: never built */
	uint64_t seen;       /* position in the changed-agents list */
	rrd_kinetic lines;   /* members not held: score at tick origin + t */
	int64_t origin;
	int64_t live;        /* weights of the members not held, added up */
	unsigned char *flag; /* per member: WRR_* bits */
	int64_t *kept;       /* per member: the score a held member keeps */
	uint32_t *recheck;   /* members whose counters changed since the last pick */
	size_t nrecheck;
	uint32_t *daily;     /* members held by their daily cap */
	size_t ndaily;
	rrd_time day_due;    /* when one of them may start a new day */
	uint32_t *hours;     /* members with a calendar */
	size_t nhours;
	rrd_time hours_due;  /* when one of their calendars opens or closes */
	uint32_t *unsaved;   /* members whose stored score is out of date */
	size_t nunsaved;
	int64_t *gone;       /* join numbers of stored scores of former members */
	size_t ngone;
} wrr_index;

typedef struct scored {
	int64_t tick, score;
	int held;
} scored;

static void wrr_index_clear(wrr_index *x)
{
	rrd__kinetic_free(&x->lines);
	rrd__free(x->flag);
	rrd__free(x->kept);
	rrd__free(x->recheck);
	rrd__free(x->daily);
	rrd__free(x->hours);
	rrd__free(x->unsaved);
	rrd__free(x->gone);
	memset(x, 0, sizeof *x);
}

#define KEY_CAP (RRD_ID_MAX + 64)
/* pool id, separator, this strategy's name, separator, the digits and a
 * sign, NUL */
_Static_assert(KEY_CAP >=
		       RRD_ID_MAX + 1 + sizeof "weighted_round_robin" + 1 + RRD_DECIMAL_MAX + 1 + 1,
	       "a member's key fits");

/* Written by hand rather than with snprintf: it is made on every pick.
 * The pool's id is at most RRD_ID_MAX bytes, so key, separator, a join
 * number's digits and the NUL always fit in KEY_CAP. */
static void member_key(const rrd_strat_state *ss, int64_t seq, char key[KEY_CAP])
{
	char digits[RRD_DECIMAL_MAX + 1], *end = digits + sizeof digits;
	char *d = rrd__decimal(end, seq < 0 ? 0 - (uint64_t)seq : (uint64_t)seq);
	if (seq < 0)
		*--d = '-';
	size_t nk = strlen(ss->key), nd = (size_t)(end - d);
	memcpy(key, ss->key, nk);
	key[nk++] = '\x1f';
	memcpy(key + nk, d, nd);
	key[nk + nd] = '\0';
}

static rrd_status read_tick(const rrd_pool_rt *p, const rrd_strat_state *ss, int64_t *tick)
{
	*tick = 0;
	if (!ss->len)
		return RRD_OK;
	rrd_reader r = { ss->data, ss->len, 0 };
	*tick = rrd__read_i64(&r);
	if (r.failed || r.left || *tick < 0)
		return rrd__fail(RRD_E_STORE, "weighted state of pool \"%s\" is malformed", p->id);
	return RRD_OK;
}

static rrd_status write_scored(rrd_distributor *d, const rrd_strat_state *ss, int64_t seq,
			       scored s)
{
	char key[KEY_CAP];
	unsigned char v[17];
	rrd__put_i64(v, s.tick);
	rrd__put_i64(v + 8, s.score);
	v[16] = (unsigned char)(s.held != 0);
	member_key(ss, seq, key);
	rrd_store *st = d->store;
	return rrd__store_status(st->m.put(st->self, RRD_NS_STRATEGY, key, v, sizeof v, seq),
				 "writing weighted score");
}

static int decode_scored(const void *value, size_t len, scored *out)
{
	rrd_reader r = { value, len, 0 };
	out->tick = rrd__read_i64(&r);
	out->score = rrd__read_i64(&r);
	uint8_t held = rrd__read_u8(&r);
	out->held = held;
	return r.failed || r.left || held > 1 ? -1 : 0;
}

/* Why the agent can take nothing from the pool now, whatever the record
 * (0: it can): eligibility asked without a record, skills or offers. */
static rrd_skip_reason held_reason(rrd_distributor *d, rrd_pool_rt *p, rrd_agent_rt *a,
				   rrd_status *err)
{
	rrd_pick_req any = { .pool = p, .strategy = RRD_STRATEGY_WEIGHTED_ROUND_ROBIN,
			     .respect_hours = p->cfg->respect_hours };
	return rrd__ineligible(d, &any, a, err);
}

static void mark(wrr_index *x, size_t i, unsigned bit, uint32_t *list, size_t *count)
{
	if (x->flag[i] & bit)
		return;
	x->flag[i] |= bit;
	list[(*count)++] = (uint32_t)i;
}

/* When the agent's local day after `now` begins. */
static rrd_time day_end(rrd_distributor *d, const rrd_agent_rt *a, rrd_time now)
{
	rrd_time next;
	if (a->cal >= 0 && rrd_calendar_local_day(d->cals[a->cal]->cal, now, NULL, &next) == RRD_OK)
		return next;
	return (rrd__utc_day(now) + 1) * RRD_DAY;
}

/* Hold or release member i as its state now says, at tick `tick`, before
 * that tick's pick adds anything. */
static rrd_status settle(rrd_distributor *d, rrd_pool_rt *p, wrr_index *x, size_t i,
			 int64_t tick)
{
	rrd_agent_rt *a = d->agents[p->members[i].agent];
	rrd_status rc = RRD_OK;
	rrd_skip_reason why = held_reason(d, p, a, &rc);
	if (rc)
		return rc;
	int64_t w = a->cfg->weight, t = tick - x->origin;
	int held = (x->flag[i] & WRR_HELD) != 0;
	if (why && !held) {
		x->kept[i] = rrd__kinetic_value(&x->lines, i, t);
		x->flag[i] |= WRR_HELD;
		x->live -= w;
		rrd__kinetic_leave_out(&x->lines, i, 1);
		mark(x, i, WRR_UNSAVED, x->unsaved, &x->nunsaved);
	} else if (!why && held) {
		x->lines.icpt[i] = x->kept[i] - w * t;
		x->flag[i] &= ~WRR_HELD;
		x->live += w;
		rrd__kinetic_leave_out(&x->lines, i, 0);
		mark(x, i, WRR_UNSAVED, x->unsaved, &x->nunsaved);
	}
	if (p->cfg->respect_hours && a->cal >= 0) {
		/* Look again when its calendar next opens or closes. */
		const rrd_calendar *cal = d->cals[a->cal]->cal;
		rrd_time now = rrd__now(d), change;
		int open = 0;
		rrd_status found = rrd_calendar_is_open(cal, now, &open);
		if (found == RRD_OK)
			found = open ? rrd_calendar_next_close(cal, now, &change)
				     : rrd_calendar_next_open(cal, now, &change);
		if (found == RRD_OK && change < x->hours_due)
			x->hours_due = change;
	}
	if (why == RRD_SKIP_DAILY_CAP) {
		mark(x, i, WRR_DAILY, x->daily, &x->ndaily);
		rrd_time end = day_end(d, a, rrd__now(d));
		if (end < x->day_due)
			x->day_due = end;
	}
	return RRD_OK;
}

/* ---- building the index --------------------------------------------- */

typedef struct loaded {
	const rrd_pool_rt *p;
	scored *by_pos;      /* aligned with members */
	unsigned char *found;
	int64_t *gone;
	size_t ngone, gone_cap;
	size_t prefix_len;
	rrd_status rc;
} loaded;

static long position_of(const rrd_pool_rt *p, int64_t seq)
{
	size_t i = rrd__member_from(p, seq);
	return i < p->nmembers && p->members[i].seq == seq ? (long)i : -1;
}

static int load_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	(void)order;
	loaded *l = ctx;
	char *end;
	long long seq = strtoll(key + l->prefix_len, &end, 10);
	scored s;
	if (*end || end == key + l->prefix_len || decode_scored(value, len, &s)) {
		l->rc = rrd__fail(RRD_E_STORE, "weighted score \"%s\" of pool \"%s\" is malformed",
				  key + l->prefix_len, l->p->id);
		return 1;
	}
	long i = position_of(l->p, seq);
	if (i >= 0) {
		l->by_pos[i] = s;
		l->found[i] = 1;
	} else if (rrd__grow((void **)&l->gone, &l->gone_cap, l->ngone + 1, sizeof *l->gone)) {
		l->rc = rrd__nomem();
		return 1;
	} else {
		l->gone[l->ngone++] = seq;
	}
	return 0;
}

/* Every member as stored, at tick `tick`; then each held or released as
 * its state is now. */
static rrd_status build(rrd_distributor *d, rrd_pool_rt *p, const rrd_strat_state *ss, int64_t tick,
			wrr_index *x)
{
	size_t n = p->nmembers, m = n ? n : 1;
	char prefix[KEY_CAP];
	snprintf(prefix, sizeof prefix, "%s\x1f", ss->key);
	loaded l = { .p = p, .prefix_len = strlen(prefix) };
	wrr_index fresh = { .origin = tick, .day_due = INT64_MAX, .hours_due = INT64_MAX };
	int64_t *slope = rrd__malloc(m * sizeof *slope), *icpt = rrd__malloc(m * sizeof *icpt);
	l.by_pos = rrd__malloc(m * sizeof *l.by_pos);
	l.found = rrd__calloc(m, 1);
	fresh.flag = rrd__calloc(m, 1);
	fresh.kept = rrd__malloc(m * sizeof *fresh.kept);
	fresh.recheck = rrd__malloc(m * sizeof *fresh.recheck);
	fresh.daily = rrd__malloc(m * sizeof *fresh.daily);
	fresh.hours = rrd__malloc(m * sizeof *fresh.hours);
	fresh.unsaved = rrd__malloc(m * sizeof *fresh.unsaved);
	/* Counters that change later reach this index through the
	 * memberships (catch_up). */
	rrd_status rc = rrd__memberships(d);
	if (rc)
		goto out;
	if (!slope || !icpt || !l.by_pos || !l.found || !fresh.flag || !fresh.kept ||
	    !fresh.recheck || !fresh.daily || !fresh.hours || !fresh.unsaved) {
		rc = rrd__nomem();
		goto out;
	}
	rrd_store *st = d->store;
	int src = st->m.scan(st->self, RRD_NS_STRATEGY, prefix, load_each, &l);
	if ((rc = l.rc) || (rc = rrd__store_status(src, "reading weighted scores")))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const rrd_agent_rt *a = d->agents[p->members[i].agent];
		/* Joined since the last pick: a score of 0 now. */
		scored s = l.found[i] ? l.by_pos[i] : (scored){ tick, 0, 0 };
		if (s.tick > tick) {
			rc = rrd__fail(RRD_E_STORE, "weighted score of a member of pool \"%s\" is "
				       "ahead of the pool", p->id);
			goto out;
		}
		slope[i] = a->cfg->weight;
		icpt[i] = s.held ? s.score : s.score + slope[i] * (tick - s.tick);
		fresh.live += slope[i];
		if (!l.found[i])
			mark(&fresh, i, WRR_UNSAVED, fresh.unsaved, &fresh.nunsaved);
		if (s.held) {
			/* As stored: settle() below releases it if it may take
			 * records again. */
			fresh.flag[i] |= WRR_HELD;
			fresh.kept[i] = icpt[i];
			fresh.live -= slope[i];
		}
		if (a->cal >= 0)
			fresh.hours[fresh.nhours++] = (uint32_t)i;
	}
	if (rrd__kinetic_build(&fresh.lines, slope, icpt, n, 0)) {
		rc = rrd__nomem();
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (fresh.flag[i] & WRR_HELD)
			rrd__kinetic_leave_out(&fresh.lines, i, 1);
	for (size_t i = 0; !rc && i < n; i++)
		rc = settle(d, p, &fresh, i, tick);
	if (rc)
		goto out;
	fresh.gone = l.gone;
	fresh.ngone = l.ngone;
	l.gone = NULL;
	fresh.stamp = rrd__stamp_now(d);
	fresh.seen = rrd__changes_end(p);
	wrr_index_clear(x);
	*x = fresh;
	memset(&fresh, 0, sizeof fresh);
out:
	wrr_index_clear(&fresh);
	rrd__free(slope);
	rrd__free(icpt);
	rrd__free(l.by_pos);
	rrd__free(l.found);
	rrd__free(l.gone);
	return rc;
}

static void wrr_index_free(void *data)
{
	wrr_index_clear(data);
	rrd__free(data);
}

/* Members whose agent's counters changed since the index last looked,
 * marked to be looked at. Only capacity and daily caps make counters
 * matter: an agent without either is held or not whatever they say. */
static void catch_up(rrd_distributor *d, rrd_pool_rt *p, wrr_index *x)
{
	const uint32_t *changed;
	size_t n;
	if (!rrd__changes_since(p, &x->seen, &changed, &n)) {
		for (size_t i = 0; i < p->nmembers; i++)
			mark(x, i, WRR_RECHECK, x->recheck, &x->nrecheck);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const rrd_agent *c = d->agents[p->members[changed[k]].agent]->cfg;
		if (c->cap_open != RRD_UNLIMITED || c->cap_per_day != RRD_UNLIMITED)
			mark(x, changed[k], WRR_RECHECK, x->recheck, &x->nrecheck);
	}
}

/* The index, current, with every member whose state may have changed
 * since the last pick settled at `tick`. */
static rrd_status index_for(rrd_distributor *d, rrd_pool_rt *p, const rrd_strat_state *ss,
			    int64_t tick, wrr_index **out)
{
	wrr_index *x;
	rrd_status rc = rrd__strat_cache(d, p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, sizeof *x,
					 wrr_index_free, (void **)&x);
	if (rc)
		return rc;
	*out = x;
	if (!rrd__stamp_fresh(d, x->stamp) || tick + 1 - x->origin >= ORIGIN_SPAN)
		return build(d, p, ss, tick, x);
	catch_up(d, p, x);
	if (x->ndaily && rrd__now(d) >= x->day_due) {
		size_t n = x->ndaily;
		x->ndaily = 0;
		x->day_due = INT64_MAX;
		for (size_t k = 0; k < n; k++) {
			x->flag[x->daily[k]] &= ~WRR_DAILY;
			mark(x, x->daily[k], WRR_RECHECK, x->recheck, &x->nrecheck);
		}
	}
	if (x->hours_due != INT64_MAX && rrd__now(d) >= x->hours_due) {
		x->hours_due = INT64_MAX;
		for (size_t k = 0; k < x->nhours; k++)
			mark(x, x->hours[k], WRR_RECHECK, x->recheck, &x->nrecheck);
	}
	while (!rc && x->nrecheck) {
		uint32_t i = x->recheck[--x->nrecheck];
		x->flag[i] &= ~WRR_RECHECK;
		rc = settle(d, p, x, i, tick);
	}
	return rc;
}

/* ---- picking -------------------------------------------------------- */

/* Leave member i out of this pick, once. */
static void leave_out(wrr_index *x, size_t i, uint32_t *out, size_t *nout)
{
	if (x->flag[i] & (WRR_HELD | WRR_OUT))
		return;
	x->flag[i] |= WRR_OUT;
	out[(*nout)++] = (uint32_t)i;
	rrd__kinetic_leave_out(&x->lines, i, 1);
}

/* Members this record cannot go to, though they may take others: those
 * it was offered to, those outside hours when a rule asks for hours the
 * pool does not, everyone without the skills a rule asks for. */
static rrd_status record_conditions(rrd_distributor *d, const rrd_pick_req *req, wrr_index *x,
				    uint32_t *out, size_t *nout)
{
	const rrd_pool_rt *p = req->pool;
	rrd_status rc = RRD_OK;
	for (size_t k = 0; !rc && k < req->noffered; k++) {
		long at;
		if (!(rc = rrd__member_position(d, p, req->offered[k], &at)) && at >= 0)
			leave_out(x, (size_t)at, out, nout);
	}
	int hours = req->respect_hours && !p->cfg->respect_hours;
	size_t n = req->skills ? p->nmembers : hours ? x->nhours : 0;
	for (size_t k = 0; !rc && k < n; k++) {
		size_t i = req->skills ? k : x->hours[k];
		if (x->flag[i] & (WRR_HELD | WRR_OUT))
			continue;
		rrd_skip_reason why = rrd__ineligible(d, req, d->agents[p->members[i].agent], &rc);
		if (!rc && why)
			leave_out(x, i, out, nout);
	}
	return rc;
}

/* Explain: every member passed over, in join order, with its first reason. */
static rrd_status explain(rrd_distributor *d, const rrd_pick_req *req, const wrr_index *x)
{
	const rrd_pool_rt *p = req->pool;
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < p->nmembers; i++) {
		if (!(x->flag[i] & (WRR_HELD | WRR_OUT)))
			continue;
		rrd_agent_rt *a = d->agents[p->members[i].agent];
		rrd_skip_reason why = rrd__ineligible(d, req, a, &rc);
		if (!rc)
			rc = rrd__skip(d, req, a->idx, why ? why : RRD_SKIP_INACTIVE);
	}
	return rc;
}

static scored current(const wrr_index *x, size_t i, int64_t tick)
{
	if (x->flag[i] & WRR_HELD)
		return (scored){ tick, x->kept[i], 1 };
	return (scored){ tick, rrd__kinetic_value(&x->lines, i, tick - x->origin), 0 };
}

static rrd_status save(rrd_distributor *d, rrd_pool_rt *p, rrd_strat_state *ss, wrr_index *x,
		       int64_t tick, size_t chosen, const uint32_t *out, size_t nout)
{
	rrd_status rc = write_scored(d, ss, p->members[chosen].seq, current(x, chosen, tick));
	for (size_t k = 0; !rc && k < nout; k++)
		rc = write_scored(d, ss, p->members[out[k]].seq, current(x, out[k], tick));
	for (size_t k = 0; !rc && k < x->nunsaved; k++)
		rc = write_scored(d, ss, p->members[x->unsaved[k]].seq,
				  current(x, x->unsaved[k], tick));
	rrd_store *st = d->store;
	for (size_t k = 0; !rc && k < x->ngone; k++) {
		char key[KEY_CAP];
		member_key(ss, x->gone[k], key);
		int del = st->m.del(st->self, RRD_NS_STRATEGY, key);
		if (del != RRD_E_NOTFOUND)
			rc = rrd__store_status(del, "removing a weighted score");
	}
	unsigned char *b;
	if (!rc && !(rc = rrd__strat_state_room(d, ss, 8, &b)))
		rrd__put_i64(b, tick);
	if (!rc) {
		for (size_t k = 0; k < x->nunsaved; k++)
			x->flag[x->unsaved[k]] &= ~WRR_UNSAVED;
		x->nunsaved = x->ngone = 0;
	}
	return rc;
}

rrd_status rrd__pick_weighted(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	rrd_pool_rt *p = req->pool;
	rrd_strat_state *ss;
	int64_t tick;
	wrr_index *x = NULL;
	rrd_status rc = rrd__strat_state(d, p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, &ss);
	if (rc || (rc = read_tick(p, ss, &tick)) || (rc = index_for(d, p, ss, tick, &x)))
		return rc;
	/* Most picks leave nobody out for the record: no allocation then. */
	size_t cap = req->skills ? p->nmembers : req->noffered + x->nhours, nout = 0;
	uint32_t *out = NULL;
	if (cap && !(out = rrd__malloc(cap * sizeof *out)))
		return rrd__nomem();
	int64_t t = tick + 1 - x->origin;
	rrd__kinetic_advance(&x->lines, t);
	rc = record_conditions(d, req, x, out, &nout);
	if (!rc && req->explain)
		rc = explain(d, req, x);
	size_t best = rrd__kinetic_top(&x->lines);
	int64_t out_weight = 0;
	for (size_t k = 0; k < nout; k++)
		out_weight += x->lines.slope[out[k]];
	if (!rc && best < p->nmembers && !req->dry_run) {
		/* Those left out keep their score: a line whose value at t is
		 * the one it had at t - 1. */
		for (size_t k = 0; k < nout; k++)
			x->lines.icpt[out[k]] -= x->lines.slope[out[k]];
		rrd__kinetic_set(&x->lines, best, x->lines.icpt[best] - (x->live - out_weight));
	}
	for (size_t k = 0; k < nout; k++) {
		x->flag[out[k]] &= ~WRR_OUT;
		rrd__kinetic_leave_out(&x->lines, out[k], 0);
	}
	if (!rc && best >= p->nmembers)
		rc = RRD_E_NO_ELIGIBLE;
	if (!rc && !req->dry_run)
		rc = save(d, p, ss, x, tick + 1, best, out, nout);
	if (!rc)
		*pos = best;
	rrd__free(out);
	return rc;
}

/* ---- a weight about to change ----------------------------------------- */

rrd_status rrd__weighted_reweigh(rrd_distributor *d, rrd_agent_rt *a)
{
	rrd_status rc = rrd__memberships(d);
	for (size_t k = 0; !rc && k < a->nmemberships; k++) {
		rrd_pool_rt *p = d->pools[a->memberships[k].pool];
		size_t i = a->memberships[k].pos;
		rrd_strat_state *ss;
		int64_t tick;
		if ((rc = rrd__strat_state(d, p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, &ss)) ||
		    (rc = read_tick(p, ss, &tick)))
			return rc;
		if (!ss->len)
			continue; /* never picked: every score is 0 */
		char key[KEY_CAP];
		member_key(ss, p->members[i].seq, key);
		const void *v;
		size_t len;
		rrd_store *st = d->store;
		int got = st->m.get(st->self, RRD_NS_STRATEGY, key, &v, &len, NULL);
		scored s = { tick, 0, 0 };
		if (got == RRD_OK && decode_scored(v, len, &s))
			return rrd__fail(RRD_E_STORE, "weighted score in pool \"%s\" is malformed",
					 p->id);
		if (got != RRD_OK && got != RRD_E_NOTFOUND)
			return rrd__store_status(got, "reading a weighted score");
		if (!s.held)
			s.score += a->cfg->weight * (tick - s.tick);
		s.tick = tick;
		rc = write_scored(d, ss, p->members[i].seq, s);
	}
	return rc;
}
