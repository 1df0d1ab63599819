/*
 * Seeded weighted random. Each pool has its own stream (seeded from the
 * distributor's seed and the pool id), saved in the store, so the choices
 * are the same for the same seed and history. A draw is weighted over the
 * members not yet set aside in this pick; a drawn member who is not
 * eligible is set aside and the draw repeated. That is exactly a weighted
 * draw over the eligible members, at O(log n) a draw.
 */
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hashmap.h"

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* A uniform draw in [0, bound) without modulo bias. */
static uint64_t draw(uint64_t *state, uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t x;
	do
		x = splitmix64(state);
	while (x >= limit);
	return x % bound;
}

/* The stream's start for a pool: part of what makes a recorded run replay
 * the same. */
static uint64_t pool_seed(uint64_t seed, const char *pool)
{
	return seed ^ rrd__id_hash64(pool);
}

typedef struct set_aside {
	size_t pos;
	uint64_t weight;
} set_aside;

rrd_status rrd__pick_random(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	rrd_pool_rt *p = req->pool;
	rrd_strat_state *ss;
	rrd_fenwick *f;
	rrd_status rc = rrd__strat_state(d, p, RRD_STRATEGY_RANDOM, &ss);
	if (rc || (rc = rrd__skip_all_ineligible(d, req)) || (rc = rrd__index_weights(d, p, &f)))
		return rc;
	uint64_t state;
	if (ss->len) {
		rrd_reader r = { ss->data, ss->len, 0 };
		state = (uint64_t)rrd__read_i64(&r);
		if (r.failed)
			return rrd__fail(RRD_E_STORE, "random state of pool \"%s\" is malformed", p->id);
	} else {
		state = pool_seed(d->opts.seed, p->id);
	}
	set_aside *aside = NULL;
	size_t naside = 0, cap = 0;
	rc = RRD_E_NO_ELIGIBLE;
	while (f->total) {
		size_t i = rrd__fenwick_find(f, draw(&state, f->total));
		rrd_status err = RRD_OK;
		if (!rrd__ineligible(d, req, d->agents[p->members[i].agent], &err) && !err) {
			*pos = i;
			rc = RRD_OK;
			break;
		}
		if (err || rrd__grow((void **)&aside, &cap, naside + 1, sizeof *aside)) {
			rc = err ? err : rrd__nomem();
			break;
		}
		aside[naside++] = (set_aside){ i, f->weight[i] };
		rrd__fenwick_set(f, i, 0);
	}
	while (naside--)
		rrd__fenwick_set(f, aside[naside].pos, aside[naside].weight);
	rrd__free(aside);
	if (rc == RRD_OK && !req->dry_run) {
		unsigned char b[8];
		rrd__put_i64(b, (int64_t)state);
		rc = rrd__strat_state_set(d, ss, b, 8);
	}
	return rc;
}
