/*
 * Picks per second for each strategy at 10, 1,000 and 100,000 agents,
 * with the in-memory store. Two figures each:
 *   pick.<strategy>.n<N>        one store transaction around the strategy
 *                               (what every assignment pays to choose);
 *   next_agent.<strategy>.n<N>  the public rrd_distributor_next_agent,
 *                               which also allocates the pick it returns.
 * Every agent is eligible and has a location; the distributor's explain
 * option is off. weighted_round_robin.limits gives every agent a capacity
 * and a daily cap that are never reached. Each figure is the median of
 * five runs of 0.1 s.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rrdist.h"
#include "strategy/strategy.h"

#define RUN_SECONDS 0.1
#define RUNS 5 /* each figure is the median of this many runs */

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check(rrd_status rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "bench_picks: %s: %s\n", what, rrd_error_last());
		exit(1);
	}
}

static uint64_t rng = 88172645463325252ull;

static double unit(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) * 0x1p-53;
}

static rrd_distributor *setup(rrd_store **store, int n, rrd_strategy s, int limits)
{
	rrd_distributor *d;
	check(rrd_store_memory_new(store), "store");
	check(rrd_distributor_new(&d, *store, NULL), "distributor");
	rrd_pool *p;
	check(rrd_pool_new(&p, "p", RRD_KIND_LEAD), "pool");
	check(rrd_pool_set_strategy(p, s), "strategy");
	for (int i = 0; i < n; i++) {
		char id[32];
		snprintf(id, sizeof id, "agent-%d", i);
		rrd_agent *a;
		check(rrd_agent_new(&a, id), "agent");
		check(rrd_agent_set_weight(a, 1 + i % 5), "weight");
		check(rrd_agent_set_location(a, 25 + 24 * unit(), -124 + 57 * unit()), "location");
		if (limits) {
			check(rrd_agent_set_capacity_open(a, 1000000000), "capacity");
			check(rrd_agent_set_capacity_per_day(a, 1000000000), "daily cap");
		}
		check(rrd_distributor_put_agent(d, a), "put agent");
		rrd_agent_free(a);
		check(rrd_pool_add_member(p, id), "member");
	}
	check(rrd_distributor_put_pool(d, p), "put pool");
	rrd_pool_free(p);
	return d;
}

typedef struct run {
	rrd_distributor *d;
	rrd_record *rec;
	int internal;
} run;

static rrd_status pick_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	run *r = ctx;
	(void)now;
	rrd_pool_rt *p = rrd__pool_find(d, "p");
	rrd_pick_req req = { .pool = p, .strategy = p->cfg->strategy, .record = r->rec };
	size_t pos;
	return rrd__pick(d, &req, &pos);
}

static void one(run *r)
{
	if (r->internal) {
		static const rrd_txn pick = { .kind = RRD_TXN_WRITE, .body = pick_body,
					      .own_clock = 1 };
		check(rrd__run(r->d, &pick, r), "pick");
	} else {
		rrd_pick *pk;
		check(rrd_distributor_next_agent(r->d, "p", r->rec, &pk), "next_agent");
		rrd_pick_free(pk);
	}
}

static double rate(run *r)
{
	long done = 0, batch = 64;
	double start = now_seconds(), elapsed;
	do {
		for (long i = 0; i < batch; i++)
			one(r);
		done += batch;
		elapsed = now_seconds() - start;
		if (batch < (1 << 16))
			batch *= 2;
	} while (elapsed < RUN_SECONDS);
	return (double)done / elapsed;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_rate(run *r)
{
	double v[RUNS];
	for (int i = 0; i < RUNS; i++)
		v[i] = rate(r);
	qsort(v, RUNS, sizeof *v, by_value);
	return v[RUNS / 2];
}

int main(void)
{
	/* Each strategy; then weighted round robin again with a capacity and
	 * a daily cap (never reached) on every agent, which it must not look
	 * at on every pick. */
	static const struct {
		rrd_strategy strategy;
		int limits;
	} variants[] = {
		{ RRD_STRATEGY_ROUND_ROBIN, 0 }, { RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, 0 },
		{ RRD_STRATEGY_LEAST_BUSY, 0 }, { RRD_STRATEGY_LEAST_RECENT, 0 },
		{ RRD_STRATEGY_RANDOM, 0 }, { RRD_STRATEGY_NEAREST, 0 },
		{ RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, 1 },
	};
	static const int sizes[] = { 10, 1000, 100000 };
	/* To look at one figure (e.g. under a profiler): a variant name, a
	 * pool size, and "pick" or "next_agent". */
	const char *only = getenv("RRD_BENCH_ONLY");
	const char *only_n = getenv("RRD_BENCH_N");
	const char *only_kind = getenv("RRD_BENCH_KIND");
	for (size_t s = 0; s < sizeof variants / sizeof *variants; s++) {
		char name[64];
		snprintf(name, sizeof name, "%s%s", rrd_strategy_name(variants[s].strategy),
			 variants[s].limits ? ".limits" : "");
		if (only && strcmp(only, name) != 0)
			continue;
		for (size_t k = 0; k < 3; k++) {
			if (only_n && atoi(only_n) != sizes[k])
				continue;
			rrd_store *store;
			rrd_distributor *d = setup(&store, sizes[k], variants[s].strategy,
						   variants[s].limits);
			rrd_record *rec;
			check(rrd_record_new(&rec, "probe", RRD_KIND_LEAD), "record");
			check(rrd_record_set_location(rec, 39.0, -95.0), "location");
			run internal = { d, rec, 1 }, api = { d, rec, 0 };
			if (!only_kind || strcmp(only_kind, "pick") == 0)
				printf("bench pick.%s.n%d %.0f picks/s\n", name, sizes[k],
				       median_rate(&internal));
			if (!only_kind || strcmp(only_kind, "next_agent") == 0)
				printf("bench next_agent.%s.n%d %.0f picks/s\n", name, sizes[k],
				       median_rate(&api));
			fflush(stdout);
			rrd_record_free(rec);
			rrd_distributor_free(d);
			rrd_store_free(store);
		}
	}
	return 0;
}
