/*
 * Smooth weighted round robin: each pick adds every eligible member's
 * weight to its running score, takes the highest score (ties in join
 * order) and takes the eligible members' total weight from it. Ineligible
 * members keep their score.
 *
 * Adding to every score is what would make a pick cost O(n), so scores
 * accrue lazily. The pool counts its picks in ticks; a member's stored
 * score is (tick, score) and stands for score + weight * (ticks since).
 * A pick then touches only the member it chooses, the members it finds
 * ineligible (their score must not grow, so each is settled at the new
 * tick) and the members without a stored score yet. Scores as lines over
 * ticks sit in a kinetic tournament (kinetic.h), which finds the highest
 * without looking at every member. A weight that changes settles the
 * agent's scores at the old weight first (rrd__weighted_reweigh).
 *
 * Whom to look at for eligibility: only members who can be ineligible at
 * all (inactive, paused, with a capacity limit or a calendar: the watch
 * list), those the record was offered to already, and everyone when a
 * rule asks for skills. A pool of agents without limits picks in
 * O(log n); each watched member adds O(1), and O(log n) when ineligible.
 *
 * Stored under RRD_NS_STRATEGY: "pool\x1fweighted_round_robin" holds the
 * tick count, and "pool\x1fweighted_round_robin\x1f<join number>" each
 * member's (tick, score), ordered by join number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Lines start again from a new origin before ticks * weight could grow
 * past what an int64 holds with room to compare. */
#define ORIGIN_SPAN ((int64_t)1 << 31)

typedef struct scored {
	int64_t tick, score;
} scored;

void rrd__wrr_index_free(wrr_index *x)
{
	rrd__kinetic_free(&x->lines);
	rrd__free(x->watch);
	rrd__free(x->unsaved);
	rrd__free(x->gone);
	memset(x, 0, sizeof *x);
}

static void member_key(const strat_state *ss, int64_t seq, char *key, size_t cap)
{
	snprintf(key, cap, "%s\x1f%lld", ss->key, (long long)seq);
}

#define KEY_CAP (RRD_ID_MAX + 64)

static rrd_status read_tick(const pool_rt *p, const strat_state *ss, int64_t *tick)
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

static rrd_status write_scored(rrd_distributor *d, const strat_state *ss, int64_t seq,
			       scored s)
{
	char key[KEY_CAP];
	unsigned char v[16];
	for (int j = 0; j < 8; j++) {
		v[j] = (unsigned char)((uint64_t)s.tick >> (8 * j));
		v[8 + j] = (unsigned char)((uint64_t)s.score >> (8 * j));
	}
	member_key(ss, seq, key, sizeof key);
	rrd_store *st = d->store;
	return rrd__store_status(st->m.put(st->self, RRD_NS_STRATEGY, key, v, sizeof v, seq),
				 "writing weighted score");
}

static int decode_scored(const void *value, size_t len, scored *out)
{
	rrd_reader r = { value, len, 0 };
	out->tick = rrd__read_i64(&r);
	out->score = rrd__read_i64(&r);
	return r.failed || r.left ? -1 : 0;
}

/* ---- building the index --------------------------------------------- */

typedef struct loaded {
	const pool_rt *p;
	scored *by_pos;      /* aligned with members */
	unsigned char *found;
	int64_t *gone;
	size_t ngone, gone_cap;
	size_t prefix_len;
	rrd_status rc;
} loaded;

static long position_of(const pool_rt *p, int64_t seq)
{
	size_t lo = 0, hi = p->nmembers;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->members[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nmembers && p->members[lo].seq == seq ? (long)lo : -1;
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

static int watched(const agent_rt *a)
{
	const rrd_agent *c = a->cfg;
	return !c->active || c->paused || c->cap_open != RRD_UNLIMITED ||
	       c->cap_per_day != RRD_UNLIMITED || a->cal >= 0;
}

static rrd_status build(rrd_distributor *d, pool_rt *p, const strat_state *ss, int64_t tick)
{
	size_t n = p->nmembers, m = n ? n : 1;
	char prefix[KEY_CAP];
	snprintf(prefix, sizeof prefix, "%s\x1f", ss->key);
	loaded l = { .p = p, .prefix_len = strlen(prefix) };
	wrr_index fresh = { .origin = tick };
	int64_t *slope = rrd__malloc(m * sizeof *slope), *icpt = rrd__malloc(m * sizeof *icpt);
	l.by_pos = rrd__malloc(m * sizeof *l.by_pos);
	l.found = rrd__calloc(m, 1);
	fresh.watch = rrd__malloc(m * sizeof *fresh.watch);
	fresh.unsaved = rrd__malloc(m * sizeof *fresh.unsaved);
	rrd_status rc = RRD_OK;
	if (!slope || !icpt || !l.by_pos || !l.found || !fresh.watch || !fresh.unsaved) {
		rc = rrd__nomem();
		goto out;
	}
	rrd_store *st = d->store;
	int src = st->m.scan(st->self, RRD_NS_STRATEGY, prefix, load_each, &l);
	if ((rc = l.rc) || (rc = rrd__store_status(src, "reading weighted scores")))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const agent_rt *a = d->agents[p->members[i].agent];
		/* Joined since the last pick: a score of 0 now. */
		scored s = l.found[i] ? l.by_pos[i] : (scored){ tick, 0 };
		if (!l.found[i])
			fresh.unsaved[fresh.nunsaved++] = (uint32_t)i;
		if (s.tick > tick) {
			rc = rrd__fail(RRD_E_STORE, "weighted score of a member of pool \"%s\" is "
				       "ahead of the pool", p->id);
			goto out;
		}
		slope[i] = a->cfg->weight;
		/* Value at t (tick origin + t): score + weight * (origin + t - s.tick). */
		icpt[i] = s.score + slope[i] * (tick - s.tick);
		fresh.total += slope[i];
		if (watched(a))
			fresh.watch[fresh.nwatch++] = (uint32_t)i;
	}
	if (rrd__kinetic_build(&fresh.lines, slope, icpt, n, 0)) {
		rc = rrd__nomem();
		goto out;
	}
	fresh.gone = l.gone;
	fresh.ngone = l.ngone;
	l.gone = NULL;
	fresh.epoch = d->epoch;
	rrd__wrr_index_free(&p->index.wrr);
	p->index.wrr = fresh;
	memset(&fresh, 0, sizeof fresh);
out:
	rrd__wrr_index_free(&fresh);
	rrd__free(slope);
	rrd__free(icpt);
	rrd__free(l.by_pos);
	rrd__free(l.found);
	rrd__free(l.gone);
	return rc;
}

static rrd_status index_for(rrd_distributor *d, pool_rt *p, const strat_state *ss,
			    int64_t tick, wrr_index **out)
{
	wrr_index *x = &p->index.wrr;
	*out = x;
	if (x->epoch == d->epoch && tick + 1 - x->origin < ORIGIN_SPAN)
		return RRD_OK;
	return build(d, p, ss, tick);
}

/* ---- picking -------------------------------------------------------- */

/* Positions whose eligibility this pick must check, ascending. */
static rrd_status candidates(rrd_distributor *d, const rrd_pick_req *req, const wrr_index *x,
			     uint32_t **out, size_t *count)
{
	const pool_rt *p = req->pool;
	*out = NULL;
	*count = 0;
	if (req->skills) {
		uint32_t *all = rrd__malloc((p->nmembers ? p->nmembers : 1) * sizeof *all);
		if (!all)
			return rrd__nomem();
		for (size_t i = 0; i < p->nmembers; i++)
			all[i] = (uint32_t)i;
		*out = all;
		*count = p->nmembers;
		return RRD_OK;
	}
	size_t cap = x->nwatch + req->noffered;
	uint32_t *c = rrd__malloc((cap ? cap : 1) * sizeof *c);
	if (!c)
		return rrd__nomem();
	size_t n = 0, w = 0;
	/* Offered members are few: find each, sort them, merge with the
	 * watch list (already in join order). */
	for (size_t k = 0; k < req->noffered; k++) {
		long at;
		rrd_status rc = rrd__member_position(d, p, req->offered[k], &at);
		if (rc) {
			rrd__free(c);
			return rc;
		}
		if (at >= 0)
			c[n++] = (uint32_t)at;
	}
	size_t offered = n;
	for (size_t k = 1; k < offered; k++)
		for (size_t j = k; j > 0 && c[j - 1] > c[j]; j--) {
			uint32_t t = c[j];
			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	uint32_t *merged = rrd__malloc((cap ? cap : 1) * sizeof *merged);
	if (!merged) {
		rrd__free(c);
		return rrd__nomem();
	}
	size_t o = 0;
	n = 0;
	while (o < offered || w < x->nwatch) {
		uint32_t next = w < x->nwatch && (o >= offered || x->watch[w] <= c[o]) ? x->watch[w]
										   : c[o];
		while (o < offered && c[o] == next)
			o++;
		while (w < x->nwatch && x->watch[w] == next)
			w++;
		merged[n++] = next;
	}
	rrd__free(c);
	*out = merged;
	*count = n;
	return RRD_OK;
}

static rrd_status save(rrd_distributor *d, pool_rt *p, strat_state *ss, wrr_index *x,
		       int64_t tick, size_t chosen, const uint32_t *out, size_t nout)
{
	int64_t t = tick - x->origin;
	rrd_status rc = RRD_OK;
#define SAVE(i) write_scored(d, ss, p->members[i].seq, \
			     (scored){ tick, rrd__kinetic_value(&x->lines, (i), t) })
	rc = SAVE(chosen);
	for (size_t k = 0; !rc && k < nout; k++)
		rc = SAVE(out[k]);
	for (size_t k = 0; !rc && k < x->nunsaved; k++)
		rc = SAVE(x->unsaved[k]);
#undef SAVE
	rrd_store *st = d->store;
	for (size_t k = 0; !rc && k < x->ngone; k++) {
		char key[KEY_CAP];
		member_key(ss, x->gone[k], key, sizeof key);
		int del = st->m.del(st->self, RRD_NS_STRATEGY, key);
		if (del != RRD_E_NOTFOUND)
			rc = rrd__store_status(del, "removing a weighted score");
	}
	unsigned char b[8];
	for (int j = 0; j < 8; j++)
		b[j] = (unsigned char)((uint64_t)tick >> (8 * j));
	if (!rc)
		rc = rrd__strat_state_set(d, ss, b, sizeof b);
	if (!rc)
		x->nunsaved = x->ngone = 0;
	return rc;
}

rrd_status rrd__pick_weighted(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	pool_rt *p = req->pool;
	strat_state *ss;
	int64_t tick;
	wrr_index *x;
	rrd_status rc = rrd__strat_state(d, p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, &ss);
	if (rc || (rc = read_tick(p, ss, &tick)) || (rc = index_for(d, p, ss, tick, &x)))
		return rc;
	uint32_t *look = NULL, *out = NULL;
	size_t nlook = 0, nout = 0;
	if ((rc = candidates(d, req, x, &look, &nlook)))
		return rc;
	/* Ineligible ones are written over `look` in place, join order kept. */
	out = look;
	int64_t out_weight = 0;
	for (size_t k = 0; k < nlook; k++) {
		agent_rt *a = d->agents[p->members[look[k]].agent];
		rrd_skip_reason why = rrd__ineligible(d, req, a, &rc);
		if (!rc && why)
			rc = rrd__skip(d, req, a->idx, why);
		if (rc)
			goto out;
		if (why) {
			out[nout++] = look[k];
			out_weight += a->cfg->weight;
		}
	}
	int64_t t = tick + 1 - x->origin;
	rrd__kinetic_advance(&x->lines, t);
	for (size_t k = 0; k < nout; k++)
		rrd__kinetic_leave_out(&x->lines, out[k], 1);
	size_t best = rrd__kinetic_top(&x->lines);
	if (best < p->nmembers && !req->dry_run) {
		/* The ineligible keep their score: a line whose value at t is
		 * the one it had at t - 1. */
		for (size_t k = 0; k < nout; k++)
			x->lines.icpt[out[k]] -= x->lines.slope[out[k]];
		rrd__kinetic_set(&x->lines, best, x->lines.icpt[best] - (x->total - out_weight));
	}
	for (size_t k = 0; k < nout; k++)
		rrd__kinetic_leave_out(&x->lines, out[k], 0);
	if (best >= p->nmembers) {
		rc = RRD_E_NO_ELIGIBLE;
	} else {
		if (!req->dry_run)
			rc = save(d, p, ss, x, tick + 1, best, out, nout);
		*pos = best;
	}
out:
	rrd__free(look);
	return rc;
}

/* ---- a weight about to change ----------------------------------------- */

rrd_status rrd__weighted_reweigh(rrd_distributor *d, agent_rt *a)
{
	for (size_t pi = 0; pi < d->npools; pi++) {
		pool_rt *p = d->pools[pi];
		long i = -1;
		for (size_t k = 0; k < p->nmembers && i < 0; k++)
			if (p->members[k].agent == a->idx)
				i = (long)k;
		if (i < 0)
			continue;
		strat_state *ss;
		int64_t tick;
		rrd_status rc = rrd__strat_state(d, p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, &ss);
		if (rc || (rc = read_tick(p, ss, &tick)))
			return rc;
		if (!ss->len)
			continue; /* never picked: every score is 0 */
		char key[KEY_CAP];
		member_key(ss, p->members[i].seq, key, sizeof key);
		const void *v;
		size_t len;
		rrd_store *st = d->store;
		int got = st->m.get(st->self, RRD_NS_STRATEGY, key, &v, &len, NULL);
		scored s = { tick, 0 };
		if (got == RRD_OK && decode_scored(v, len, &s))
			return rrd__fail(RRD_E_STORE, "weighted score in pool \"%s\" is malformed",
					 p->id);
		if (got != RRD_OK && got != RRD_E_NOTFOUND)
			return rrd__store_status(got, "reading a weighted score");
		s.score += a->cfg->weight * (tick - s.tick);
		s.tick = tick;
		if ((rc = write_scored(d, ss, p->members[i].seq, s)))
			return rc;
	}
	return RRD_OK;
}
