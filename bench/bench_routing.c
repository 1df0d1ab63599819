/*
 * Routing throughput with the in-memory store:
 *   route.rules<N>     records submitted one by one and routed by N rules
 *                      (each rule names its own source, and one of ten
 *                      pools; records spread over every source), per
 *                      second, each stored with its new owner;
 *   route.batch<B>.rules<N>
 *                      the same, submitted B records a call
 *                      (rrd_distributor_submit_many);
 *   expire.pending<N>  offers expired per second by advance() when N
 *                      offers are pending (each expiry finds nobody else
 *                      and queues the record).
 * Set RRD_BENCH_SMALL=1 for a quick run with smaller sizes, RRD_BENCH_ONLY
 * to "route" or "expire" for one half.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rrdist.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check(rrd_status rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "bench_routing: %s: %s\n", what, rrd_error_last());
		exit(1);
	}
}

/* Records a call for the batch figures: an import's chunk. */
#define BATCH 1000

static rrd_time fake_now;

static rrd_time clock_fn(void *user)
{
	(void)user;
	return fake_now;
}

static rrd_distributor *fresh(rrd_store **st)
{
	rrd_distributor *d;
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.clock = clock_fn;
	check(rrd_store_memory_new(st), "store");
	check(rrd_distributor_new(&d, *st, &o), "distributor");
	return d;
}

static void add_pool(rrd_distributor *d, const char *id, int members, rrd_time window)
{
	rrd_pool *p;
	check(rrd_pool_new(&p, id, RRD_KIND_LEAD), "pool");
	check(rrd_pool_set_claim_window(p, window), "window");
	for (int m = 0; m < members; m++) {
		char aid[64];
		snprintf(aid, sizeof aid, "%s-a%d", id, m);
		rrd_agent *a;
		check(rrd_agent_new(&a, aid), "agent");
		check(rrd_distributor_put_agent(d, a), "put agent");
		rrd_agent_free(a);
		check(rrd_pool_add_member(p, aid), "member");
	}
	check(rrd_distributor_put_pool(d, p), "put pool");
	rrd_pool_free(p);
}

/* Records L<from> ... L<from + n - 1>, spread over the sources of
 * `nrules` rules, into out[0 .. n). */
static void make_records(int nrules, long from, long n, rrd_record **out)
{
	for (long i = 0; i < n; i++) {
		char id[32], src[32];
		long k = from + i;
		snprintf(id, sizeof id, "L%ld", k);
		snprintf(src, sizeof src, "source%ld", (k * 7919) % nrules);
		check(rrd_record_new(&out[i], id, RRD_KIND_LEAD), "record");
		check(rrd_record_set_source(out[i], src), "source");
	}
}

/* batch 0: one rrd_distributor_submit a record; otherwise
 * rrd_distributor_submit_many with `batch` records a call. `quiet`: a
 * warm-up, printing nothing. */
static void bench_rules(int nrules, long records, long batch, int quiet)
{
	rrd_store *st;
	rrd_distributor *d = fresh(&st);
	rrd_rule **rules = calloc((size_t)nrules, sizeof *rules);
	/* The same ten pools of ten agents whatever the number of rules, so
	 * the figures differ by the rules alone. */
	int npools = 10;
	for (int i = 0; i < npools; i++) {
		char id[32];
		snprintf(id, sizeof id, "pool%d", i);
		add_pool(d, id, 10, RRD_NO_WINDOW);
	}
	for (int i = 0; i < nrules; i++) {
		char id[32], pool[32], src[32];
		snprintf(id, sizeof id, "rule%d", i);
		snprintf(pool, sizeof pool, "pool%d", i % npools);
		snprintf(src, sizeof src, "source%d", i);
		check(rrd_rule_new(&rules[i], id, pool), "rule");
		check(rrd_rule_add_source(rules[i], src), "source");
	}
	check(rrd_distributor_set_rules(d, (const rrd_rule *const *)rules, (size_t)nrules), "rules");
	for (int i = 0; i < nrules; i++)
		rrd_rule_free(rules[i]);
	free(rules);
	/* The records are made a chunk at a time with the clock stopped, as
	 * a host makes them (one from a web form, a chunk of an import) and
	 * hands them over while they are still in its cache: making them is
	 * the host's work, not the library's. */
	rrd_record *chunk[BATCH];
	double secs = 0;
	for (long n = 0; n < records; n += BATCH) {
		long k = records - n < BATCH ? records - n : BATCH;
		make_records(nrules, n, k, chunk);
		double start = now_seconds();
		if (batch) {
			for (long i = 0; i < k; i += batch) {
				size_t m = (size_t)(k - i < batch ? k - i : batch);
				check(rrd_distributor_submit_many(d, (const rrd_record *const *)chunk + i,
								  m, NULL, NULL),
				      "submit_many");
			}
		} else {
			for (long i = 0; i < k; i++)
				check(rrd_distributor_submit(d, chunk[i], NULL), "submit");
		}
		secs += now_seconds() - start;
		for (long i = 0; i < k; i++)
			rrd_record_free(chunk[i]);
	}
	if (!quiet && batch)
		printf("bench route.batch%ld.rules%d %.0f records/s\n", batch, nrules,
		       (double)records / secs);
	else if (!quiet)
		printf("bench route.rules%d %.0f records/s\n", nrules, (double)records / secs);
	fflush(stdout);
	rrd_distributor_free(d);
	rrd_store_free(st);
}

static void bench_expiry(long pending)
{
	rrd_store *st;
	rrd_distributor *d = fresh(&st);
	add_pool(d, "p", 1, RRD_MINUTE);
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "p";
	for (long n = 0; n < pending; n++) {
		char id[32];
		snprintf(id, sizeof id, "L%ld", n);
		rrd_record *r;
		check(rrd_record_new(&r, id, RRD_KIND_LEAD), "record");
		fake_now = n; /* distinct deadlines, one millisecond apart */
		check(rrd_distributor_submit(d, r, &so), "submit");
		rrd_record_free(r);
	}
	double start = now_seconds();
	fake_now = pending + RRD_MINUTE;
	check(rrd_distributor_advance(d, fake_now), "advance");
	double secs = now_seconds() - start;
	rrd_time due;
	if (rrd_distributor_next_deadline(d, &due) != RRD_E_NOTFOUND) {
		fprintf(stderr, "bench_routing: timers left after advance\n");
		exit(1);
	}
	printf("bench expire.pending%ld %.0f offers/s\n", pending, (double)pending / secs);
	fflush(stdout);
	rrd_distributor_free(d);
	rrd_store_free(st);
}

int main(void)
{
	int small = getenv("RRD_BENCH_SMALL") != NULL;
	/* RRD_BENCH_ONLY=route or expire runs one half (e.g. under a profiler). */
	const char *only = getenv("RRD_BENCH_ONLY");
	if (!only || strcmp(only, "route") == 0) {
		long n = small ? 20000 : 300000;
		/* The first time a process fills this much memory, the
		 * kernel (and under virtualisation, the host) pays to map it;
		 * later figures reuse what earlier ones freed. A warm-up pays
		 * that for all of them, so that they compare. */
		bench_rules(10, n, 0, 1);
		bench_rules(10, n, 0, 0);
		bench_rules(10000, n, 0, 0);
		bench_rules(10, n, BATCH, 0);
		bench_rules(10000, n, BATCH, 0);
	}
	if (!only || strcmp(only, "expire") == 0)
		bench_expiry(small ? 10000 : 1000000);
	return 0;
}
