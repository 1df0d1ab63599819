/*
 * The per-pool search structures behind least busy, least recent and
 * random: built from the members when first needed, then kept current,
 * so a pick costs O(log n) and not a scan. Each hangs off its strategy's
 * part of the pool (rrd__strat_cache). A tree of counters is built again
 * when the configuration or the epoch moved (a rollback, another writer),
 * and otherwise brought up to date from the agents whose counters changed
 * since it last looked; the weights depend on the configuration alone.
 */
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"

typedef struct counts_index {
	rrd_stamp stamp;  /* {0, 0}: never built */
	uint64_t seen;    /* position in the changed-agents list */
	rrd_segtree tree; /* per member: open count, or last assignment */
} counts_index;

static void counts_free(void *data)
{
	counts_index *x = data;
	rrd__segtree_free(&x->tree);
	rrd__free(x);
}

typedef struct weights_index {
	uint64_t config;  /* 0: never built */
	rrd_fenwick weights;
} weights_index;

static void weights_free(void *data)
{
	weights_index *x = data;
	rrd__fenwick_free(&x->weights);
	rrd__free(x);
}

static int64_t count_of(const rrd_agent_rt *a, int recent)
{
	return recent ? a->st.last : a->st.open;
}

static rrd_status counts_build(rrd_distributor *d, rrd_pool_rt *p, int recent, counts_index *x)
{
	/* Not current until built, whatever stops the build. */
	x->stamp = (rrd_stamp){ 0, 0 };
	rrd_status rc;
	if ((rc = rrd__memberships(d)))
		return rc;
	int64_t *keys = rrd__malloc((p->nmembers ? p->nmembers : 1) * sizeof *keys);
	if (!keys)
		return rrd__nomem();
	for (size_t i = 0; i < p->nmembers; i++) {
		rrd_agent_rt *a = d->agents[p->members[i].agent];
		rrd_agent_state *st;
		if ((rc = rrd__agent_state(d, a, &st))) {
			rrd__free(keys);
			return rc;
		}
		keys[i] = count_of(a, recent);
	}
	int failed = rrd__segtree_build(&x->tree, keys, p->nmembers);
	rrd__free(keys);
	if (failed)
		return rrd__nomem();
	x->stamp = rrd__stamp_now(d);
	x->seen = rrd__changes_end(p);
	return RRD_OK;
}

rrd_status rrd__index_counts(rrd_distributor *d, rrd_pool_rt *p, int recent, rrd_segtree **out)
{
	counts_index *x;
	rrd_strategy s = recent ? RRD_STRATEGY_LEAST_RECENT : RRD_STRATEGY_LEAST_BUSY;
	rrd_status rc = rrd__strat_cache(d, p, s, sizeof *x, counts_free, (void **)&x);
	if (rc)
		return rc;
	*out = &x->tree;
	/* Most picks: nothing changed in the pool since the last. */
	if (x->seen == p->changed.start + p->changed.count && rrd__stamp_fresh(d, x->stamp))
		return RRD_OK;
	const uint32_t *changed;
	size_t n;
	if (!rrd__stamp_fresh(d, x->stamp) || !rrd__changes_since(p, &x->seen, &changed, &n))
		return counts_build(d, p, recent, x);
	for (size_t k = 0; k < n; k++)
		rrd__segtree_set(&x->tree, changed[k],
				 count_of(d->agents[p->members[changed[k]].agent], recent));
	return RRD_OK;
}

rrd_status rrd__index_weights(rrd_distributor *d, rrd_pool_rt *p, rrd_fenwick **out)
{
	weights_index *x;
	rrd_status rc = rrd__strat_cache(d, p, RRD_STRATEGY_RANDOM, sizeof *x, weights_free,
					 (void **)&x);
	if (rc)
		return rc;
	*out = &x->weights;
	if (rrd__config_fresh(d, x->config))
		return RRD_OK;
	uint64_t *w = rrd__malloc((p->nmembers ? p->nmembers : 1) * sizeof *w);
	if (!w)
		return rrd__nomem();
	for (size_t i = 0; i < p->nmembers; i++)
		w[i] = (uint64_t)d->agents[p->members[i].agent]->cfg->weight;
	int failed = rrd__fenwick_build(&x->weights, w, p->nmembers);
	rrd__free(w);
	if (failed) {
		x->config = 0;
		return rrd__nomem();
	}
	x->config = d->config_gen;
	return RRD_OK;
}
