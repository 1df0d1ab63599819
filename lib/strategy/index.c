/*
 * The per-pool search structures behind least busy, least recent and
 * random: built from the members when first needed, then kept current by
 * point updates as counters change, so a pick costs O(log n) and not a
 * scan. Anything that changes membership or weights throws them away;
 * so does any change of epoch (a rollback, another writer), because the
 * counters they mirror may then be different.
 */
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"

void rrd__index_invalidate(rrd_distributor *d)
{
	d->memberships_stale = 1;
	d->drainable_epoch = 0; /* pools' auto_drain may have changed */
	for (size_t i = 0; i < d->npools; i++) {
		pool_index *x = &d->pools[i]->index;
		x->busy_epoch = x->recent_epoch = x->weights_epoch = x->wrr.epoch = 0;
	}
}

static int plain(const agent_rt *a)
{
	const rrd_agent *c = a->cfg;
	return c->active && !c->paused && c->cap_open == RRD_UNLIMITED &&
	       c->cap_per_day == RRD_UNLIMITED && a->cal < 0;
}

rrd_status rrd__memberships(rrd_distributor *d)
{
	if (!d->memberships_stale)
		return RRD_OK;
	for (size_t i = 0; i < d->nagents; i++)
		d->agents[i]->nmemberships = 0;
	for (size_t p = 0; p < d->npools; p++) {
		pool_rt *pool = d->pools[p];
		for (size_t k = 0; k < pool->nmembers; k++) {
			agent_rt *a = d->agents[pool->members[k].agent];
			if (rrd__grow((void **)&a->memberships, &a->memberships_cap,
				      a->nmemberships + 1, sizeof(agent_member)))
				return rrd__nomem();
			a->memberships[a->nmemberships++] = (agent_member){ (uint32_t)p, (uint32_t)k };
			pool->members[k].id_hash = a->id_hash;
			pool->members[k].plain = plain(a);
		}
	}
	d->memberships_stale = 0;
	return RRD_OK;
}

size_t rrd__member_from(const pool_rt *p, int64_t seq)
{
	size_t lo = 0, hi = p->nmembers;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->members[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

rrd_status rrd__member_position(rrd_distributor *d, const pool_rt *p, uint32_t agent,
				long *pos)
{
	rrd_status rc;
	*pos = -1;
	if ((rc = rrd__memberships(d)))
		return rc;
	const agent_rt *a = d->agents[agent];
	for (size_t i = 0; i < a->nmemberships; i++)
		if (a->memberships[i].pool == p->idx)
			*pos = (long)a->memberships[i].pos;
	return RRD_OK;
}

void rrd__index_note_agent(rrd_distributor *d, agent_rt *a)
{
	if (d->memberships_stale)
		return; /* no index is current: each rebuilds when next used */
	for (size_t i = 0; i < a->nmemberships; i++) {
		pool_rt *p = d->pools[a->memberships[i].pool];
		size_t pos = a->memberships[i].pos;
		if (p->index.busy_epoch == d->epoch)
			rrd__segtree_set(&p->index.busy, pos, a->st.open);
		if (p->index.recent_epoch == d->epoch)
			rrd__segtree_set(&p->index.recent, pos, a->st.last);
		if (a->cfg->cap_open != RRD_UNLIMITED || a->cfg->cap_per_day != RRD_UNLIMITED)
			rrd__weighted_note_agent(d, p, pos);
	}
}

/* The busy (open counts) or recent (last assignment) tree. */
rrd_status rrd__index_counts(rrd_distributor *d, pool_rt *p, int recent, rrd_segtree **out)
{
	uint64_t *epoch = recent ? &p->index.recent_epoch : &p->index.busy_epoch;
	rrd_segtree *t = recent ? &p->index.recent : &p->index.busy;
	*out = t;
	if (*epoch == d->epoch)
		return RRD_OK;
	rrd_status rc;
	if ((rc = rrd__memberships(d)))
		return rc;
	int64_t *keys = rrd__malloc((p->nmembers ? p->nmembers : 1) * sizeof *keys);
	if (!keys)
		return rrd__nomem();
	for (size_t i = 0; i < p->nmembers; i++) {
		agent_state *st;
		if ((rc = rrd__agent_state(d, d->agents[p->members[i].agent], &st))) {
			rrd__free(keys);
			return rc;
		}
		keys[i] = recent ? st->last : st->open;
	}
	int failed = rrd__segtree_build(t, keys, p->nmembers);
	rrd__free(keys);
	if (failed)
		return rrd__nomem();
	*epoch = d->epoch;
	return RRD_OK;
}

rrd_status rrd__index_weights(rrd_distributor *d, pool_rt *p, rrd_fenwick **out)
{
	*out = &p->index.weights;
	if (p->index.weights_epoch == d->epoch)
		return RRD_OK;
	uint64_t *w = rrd__malloc((p->nmembers ? p->nmembers : 1) * sizeof *w);
	if (!w)
		return rrd__nomem();
	for (size_t i = 0; i < p->nmembers; i++)
		w[i] = (uint64_t)d->agents[p->members[i].agent]->cfg->weight;
	int failed = rrd__fenwick_build(&p->index.weights, w, p->nmembers);
	rrd__free(w);
	if (failed)
		return rrd__nomem();
	p->index.weights_epoch = d->epoch;
	return RRD_OK;
}
