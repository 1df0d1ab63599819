/*
 * Seeded weighted random. Each pool has its own stream (seeded from the
 * distributor's seed and the pool id), saved in the store, so the choices
 * are the same for the same seed and history whatever else happens.
 */
#include "strategy/strategy.h"
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

rrd_status rrd__pick_random(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	pool_rt *p = req->pool;
	strat_state *ss;
	rrd_status rc = rrd__strat_state(d, p, RRD_STRATEGY_RANDOM, &ss);
	if (rc || (rc = rrd__skip_all_ineligible(d, req)))
		return rc;
	uint64_t state;
	if (ss->len) {
		rrd_reader r = { ss->data, ss->len, 0 };
		state = (uint64_t)rrd__read_i64(&r);
		if (r.failed)
			return rrd__fail(RRD_E_STORE, "random state of pool \"%s\" is malformed", p->id);
	} else {
		state = d->opts.seed ^ ((uint64_t)rrd__hash_str(p->id) << 32);
	}
	uint64_t total = 0;
	for (size_t i = 0; i < p->nmembers; i++) {
		agent_rt *a = d->agents[p->members[i].agent];
		if (!rrd__ineligible(d, req, a, &rc) && !rc)
			total += (uint64_t)a->cfg->weight;
		if (rc)
			return rc;
	}
	if (!total)
		return RRD_E_NO_ELIGIBLE;
	uint64_t x = draw(&state, total);
	for (size_t i = 0; i < p->nmembers; i++) {
		agent_rt *a = d->agents[p->members[i].agent];
		if (rrd__ineligible(d, req, a, &rc) || rc)
			continue;
		if (x < (uint64_t)a->cfg->weight) {
			*pos = i;
			break;
		}
		x -= (uint64_t)a->cfg->weight;
	}
	if (rc)
		return rc;
	if (!req->dry_run) {
		unsigned char b[8];
		for (int j = 0; j < 8; j++)
			b[j] = (unsigned char)(state >> (8 * j));
		if ((rc = rrd__strat_state_set(d, ss, b, 8)))
			return rc;
	}
	return RRD_OK;
}
