/*
 * Bulk redistribution with the in-memory store, through the public calls
 * only (so the same file measures any revision):
 *   bulk.redistribute<N>.memory  ms to redistribute the N records one
 *                                agent owns over 10 other agents
 *                                (rrd_distributor_redistribute, notify off);
 *   bulk.undo<N>.memory          ms to undo that job (rrd_distributor_undo).
 * Each figure is the median of several runs, each on a fresh store whose
 * records are put (untimed) before the clock starts. N is 15,000 (the
 * default limit) and 1,000,000.
 * Set RRD_BENCH_SMALL=1 for a quick run with smaller sizes, RRD_BENCH_ONLY
 * to "15000" or "1000000" for one size (e.g. under a profiler).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rrdist.h"

#define TARGETS 10

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static void check(rrd_status rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "bench_bulk: %s: %s\n", what, rrd_error_last());
		exit(1);
	}
}

static rrd_time fake_now = 1700000000000;

static rrd_time clock_fn(void *user)
{
	(void)user;
	return fake_now;
}

static void add_agent(rrd_distributor *d, const char *id)
{
	rrd_agent *a;
	check(rrd_agent_new(&a, id), "agent");
	check(rrd_agent_add_type(a, "salesperson"), "type");
	check(rrd_distributor_put_agent(d, a), "put agent");
	rrd_agent_free(a);
}

/* A store where agent "leaver" owns n pending leads, each with its
 * salesperson role and a few attributes, as a CRM would import them, and
 * ten other agents wait for them. */
static rrd_distributor *setup(rrd_store **st, long n)
{
	rrd_distributor *d;
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.clock = clock_fn;
	o.redistribute_max = n;
	check(rrd_store_memory_new(st), "store");
	check(rrd_distributor_new(&d, *st, &o), "distributor");
	add_agent(d, "leaver");
	for (int t = 0; t < TARGETS; t++) {
		char id[32];
		snprintf(id, sizeof id, "agent-%02d", t);
		add_agent(d, id);
	}
	for (long i = 0; i < n; i++) {
		char id[32], company[48];
		snprintf(id, sizeof id, "L%07ld", i);
		snprintf(company, sizeof company, "Company %ld", i);
		rrd_record *r;
		check(rrd_record_new(&r, id, RRD_KIND_LEAD), "record");
		check(rrd_record_set_source(r, "web"), "source");
		check(rrd_record_set_attr(r, "company", company), "attr");
		check(rrd_record_set_attr(r, "segment", i % 3 ? "smb" : "enterprise"), "attr");
		check(rrd_record_set_status(r, RRD_RECORD_PENDING), "status");
		check(rrd_record_set_owner(r, "leaver"), "owner");
		check(rrd_record_set_role(r, "salesperson", "leaver"), "role");
		check(rrd_distributor_put_record(d, r), "put record");
		rrd_record_free(r);
	}
	fake_now += 60000;
	return d;
}

static rrd_redistribution *describe(void)
{
	rrd_redistribution *rd;
	const char *targets[TARGETS];
	char ids[TARGETS][32];
	for (int t = 0; t < TARGETS; t++) {
		snprintf(ids[t], sizeof ids[t], "agent-%02d", t);
		targets[t] = ids[t];
	}
	check(rrd_redistribution_new(&rd), "redistribution");
	check(rrd_redistribution_from_agent(rd, "leaver", NULL, 0), "from");
	check(rrd_redistribution_to_agents(rd, targets, TARGETS), "to");
	check(rrd_redistribution_set_notify(rd, 0), "notify");
	return rd;
}

/* One run: the ms the job took, and its undo's (NULL: no undo). */
static double run_once(long n, double *undo_ms)
{
	rrd_store *st;
	rrd_distributor *d = setup(&st, n);
	rrd_redistribution *rd = describe();
	char job[RRD_JOB_ID_MAX + 1];
	double t0 = now_ms();
	check(rrd_distributor_redistribute(d, rd, job, sizeof job), "redistribute");
	double ms = now_ms() - t0;
	rrd_record *r;
	check(rrd_distributor_get_record(d, "L0000000", &r), "get");
	if (strcmp(rrd_record_owner(r), "agent-00") != 0) {
		fprintf(stderr, "bench_bulk: the job moved nothing\n");
		exit(1);
	}
	rrd_record_free(r);
	if (undo_ms) {
		int64_t restored = 0;
		fake_now += 60000;
		t0 = now_ms();
		check(rrd_distributor_undo(d, job, &restored), "undo");
		*undo_ms = now_ms() - t0;
		if (restored != n) {
			fprintf(stderr, "bench_bulk: the undo restored %lld of %ld\n",
				(long long)restored, n);
			exit(1);
		}
	}
	rrd_redistribution_free(rd);
	rrd_distributor_free(d);
	rrd_store_free(st);
	return ms;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define RUNS_MAX 15

static void bench(long n, int runs, int with_undo)
{
	double job[RUNS_MAX], undo[RUNS_MAX];
	/* A first run, not counted, maps the memory the others reuse. */
	run_once(n, NULL);
	for (int i = 0; i < runs; i++)
		job[i] = run_once(n, with_undo ? &undo[i] : NULL);
	printf("bench bulk.redistribute%ld.memory %.2f ms\n", n, median(job, runs));
	if (with_undo)
		printf("bench bulk.undo%ld.memory %.2f ms\n", n, median(undo, runs));
	fflush(stdout);
}

int main(void)
{
	int small = getenv("RRD_BENCH_SMALL") != NULL;
	const char *only = getenv("RRD_BENCH_ONLY");
	if (!only || strcmp(only, "15000") == 0)
		bench(15000, small ? 3 : 11, 1);
	if (!only || strcmp(only, "1000000") == 0)
		bench(small ? 100000 : 1000000, 3, 0);
	return 0;
}
