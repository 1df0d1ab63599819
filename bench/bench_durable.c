/*
 * Durable stores, shaped like the CRM-style baseline in
 * ../shared/bench/peer/ so that the figures compare one to one:
 *
 *   bench_durable KIND WHERE rr
 *     durable.pg.submit.conn1.teams1        one submit a transaction, one
 *     durable.pg.submit.conn1.teams100      connection, to one team (pool)
 *                                           or to one of 100 at random;
 *     durable.pg.submit.procs4.teams1       the same from 4 processes,
 *     durable.pg.submit.procs4.teams100     each with its own connection;
 *     durable.pg.submit_many1000.conn1.teams1
 *                                           submit_many, 1,000 a call;
 *     durable.sqlite.submit.teams1, durable.sqlite.submit.teams100,
 *     durable.sqlite.submit_many1000.teams1 the same on one SQLite
 *                                           connection;
 *   bench_durable KIND WHERE redistribute
 *     durable.KIND.redistribute15000        15,000 records of one agent
 *                                           spread over 10, notify off;
 *     durable.KIND.drain15000               a backlog of 15,000 queued
 *                                           records taken, in the one
 *                                           transaction that frees its
 *                                           pool's only agent.
 *
 * KIND is "pg" (WHERE: a libpq connection string; the store lives in the
 * schema rrd_bench, made afresh) or "sqlite" (WHERE: a folder; the file
 * rrd_bench.db in it, made afresh). Teams have 10 agents in strict round
 * robin, and the store starts with 50,000 leads, as the baseline's. Each
 * figure is one timed run of about RRD_BENCH_RUN_SECONDS (1.5) seconds,
 * sized by a pilot and after an untimed warm-up; scripts/bench --suite
 * durable runs this program several times, alternating with the
 * baseline's, and reports medians. After the runs every team's counts are
 * checked: nothing lost or doubled, no agent more than one ahead.
 * RRD_BENCH_ONLY=TEXT runs only the figures whose names hold TEXT.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rrdist.h"

#define AGENTS_PER_TEAM 10
#define TEAMS 100
#define HISTORY 50000
#define BATCH 1000
#define PROCS 4
#define MOVED 15000
#define OTHERS 90000 /* records of 20 other agents beside the moved ones */

static const char *kind, *where;
static long serial; /* makes every lead id of this program's life new */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check(rrd_status rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "bench_durable[%d]: %s: %s: %s\n", (int)getpid(), what,
			rrd_status_name(rc), rrd_error_last());
		exit(1);
	}
}

static double run_seconds(void)
{
	const char *v = getenv("RRD_BENCH_RUN_SECONDS");
	double d = v ? strtod(v, NULL) : 0;
	return d > 0 ? d : 1.5;
}

/* xorshift64*: the teams leads go to, as the baseline spreads them. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ---- stores -------------------------------------------------------------- */

static rrd_store *open_store(void)
{
	rrd_store *st = NULL;
	if (strcmp(kind, "pg") == 0) {
		rrd_store_pg_options o = RRD_STORE_PG_OPTIONS_INIT;
		o.schema = "rrd_bench";
		check(rrd_store_pg_open(&st, where, &o), "opening the PostgreSQL store");
	} else if (strcmp(kind, "sqlite") == 0) {
		char path[4096];
		snprintf(path, sizeof path, "%s/rrd_bench.db", where);
		check(rrd_store_sqlite_open(&st, path, NULL), "opening the SQLite store");
	} else {
		fprintf(stderr, "bench_durable: no store kind \"%s\" in this build\n", kind);
		exit(2);
	}
	return st;
}

/* Remove what an earlier run left: the schema, or the file. */
static void wipe(void)
{
	if (strcmp(kind, "pg") == 0) {
		char cmd[4096];
		/* psql is part of the server packages the cluster needs. */
		snprintf(cmd, sizeof cmd,
			 "psql -q -X -v ON_ERROR_STOP=1 -d '%s' -c 'SET client_min_messages = warning' "
			 "-c 'DROP SCHEMA IF EXISTS rrd_bench CASCADE' >/dev/null",
			 where);
		if (system(cmd) != 0) {
			fprintf(stderr, "bench_durable: could not drop the schema rrd_bench\n");
			exit(1);
		}
	} else {
		static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
		for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/rrd_bench.db%s", where, tails[i]);
			if (unlink(path) && errno != ENOENT) {
				perror(path);
				exit(1);
			}
		}
	}
}

static rrd_distributor *distributor(rrd_store *st)
{
	rrd_distributor *d;
	check(rrd_distributor_new(&d, st, NULL), "making a distributor");
	return d;
}

/* ---- the teams ----------------------------------------------------------- */

static void team(rrd_distributor *d, const char *pool, int agents)
{
	rrd_pool *p;
	check(rrd_pool_new(&p, pool, RRD_KIND_LEAD), "a pool");
	for (int i = 0; i < agents; i++) {
		char id[32];
		snprintf(id, sizeof id, "%s.%d", pool, i);
		rrd_agent *a;
		check(rrd_agent_new(&a, id), "an agent");
		check(rrd_distributor_put_agent(d, a), "adding an agent");
		rrd_agent_free(a);
		check(rrd_pool_add_member(p, id), "a member");
	}
	check(rrd_distributor_put_pool(d, p), "adding a pool");
	rrd_pool_free(p);
}

static rrd_record *lead(int worker, long i)
{
	char id[64], first[48], email[64];
	snprintf(id, sizeof id, "L%ld-%d-%ld", serial, worker, i);
	snprintf(first, sizeof first, "Lead%d-%ld", worker, i);
	snprintf(email, sizeof email, "lead%d-%ld@example.com", worker, i);
	rrd_record *r;
	check(rrd_record_new(&r, id, RRD_KIND_LEAD), "a record");
	check(rrd_record_set_source(r, "Web Site"), "its source");
	check(rrd_record_set_attr(r, "first_name", first), "an attribute");
	check(rrd_record_set_attr(r, "last_name", "Test"), "an attribute");
	check(rrd_record_set_attr(r, "email", email), "an attribute");
	return r;
}

static void team_name(char *buf, size_t cap, int teams, uint64_t *rng)
{
	if (teams == 1)
		snprintf(buf, cap, "solo");
	else
		snprintf(buf, cap, "t%d", (int)(rng_next(rng) % TEAMS) + 1);
}

/* `n` records, `batch` a call (1: one submit each), to teams drawn from
 * `rng`. */
static void submit_leads(rrd_distributor *d, int worker, long n, int teams, int batch,
			 uint64_t *rng)
{
	rrd_record *rs[BATCH];
	char pool[16];
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = pool;
	for (long i = 0; i < n;) {
		int k = 0;
		team_name(pool, sizeof pool, teams, rng);
		for (; k < batch && i < n; k++, i++)
			rs[k] = lead(worker, i);
		if (k == 1)
			check(rrd_distributor_submit(d, rs[0], &o), "submitting");
		else
			check(rrd_distributor_submit_many(d, (const rrd_record *const *)rs, (size_t)k,
							  &o, NULL),
			      "submitting many");
		for (int j = 0; j < k; j++)
			rrd_record_free(rs[j]);
	}
	serial++;
}

static int read_full(int fd, char *buf, int n)
{
	int got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, (size_t)(n - got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (int)k;
	}
	return got;
}

/* `n` leads from `procs` processes started together, each with a store
 * handle and distributor of its own; the wall seconds from "go" to the
 * last one's end. With one process the caller's distributor does it. */
static double timed(rrd_distributor *d, int procs, long n, int teams, int batch)
{
	uint64_t seed = 0x9E3779B97F4A7C15ULL * (uint64_t)(serial + 1);
	if (procs == 1) {
		double t0 = now_s();
		submit_leads(d, 0, n, teams, batch, &seed);
		return now_s() - t0;
	}
	int ready[2], go[2];
	pid_t pid[PROCS];
	if (pipe(ready) || pipe(go)) {
		perror("pipe");
		exit(1);
	}
	fflush(NULL);
	for (int w = 0; w < procs; w++) {
		long share = n / procs + (w < n % procs);
		if ((pid[w] = fork()) < 0) {
			perror("fork");
			exit(1);
		}
		if (pid[w] == 0) {
			close(ready[0]);
			close(go[1]);
			rrd_store *st = open_store();
			rrd_distributor *own = distributor(st);
			uint64_t rng = seed + (uint64_t)w * 0x100000001B3ULL;
			char b = 'r';
			if (write(ready[1], &b, 1) != 1 || read_full(go[0], &b, 1) != 1)
				_exit(1);
			submit_leads(own, w + 1, share, teams, batch, &rng);
			rrd_distributor_free(own);
			rrd_store_free(st);
			_exit(0);
		}
	}
	close(ready[1]);
	close(go[0]);
	char buf[PROCS];
	int ok = read_full(ready[0], buf, procs) == procs;
	close(ready[0]);
	double t0 = now_s();
	memset(buf, 'g', sizeof buf);
	if (ok && write(go[1], buf, (size_t)procs) != procs)
		ok = 0;
	close(go[1]);
	for (int w = 0; w < procs; w++) {
		int st;
		while (waitpid(pid[w], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ok = 0;
	}
	double t = now_s() - t0;
	if (!ok) {
		fprintf(stderr, "bench_durable: a worker failed\n");
		exit(1);
	}
	serial++;
	return t;
}

static int64_t open_count(rrd_distributor *d, const char *agent)
{
	rrd_agent *a;
	check(rrd_distributor_get_agent(d, agent, &a), "reading an agent");
	int64_t n = rrd_agent_open_count(a);
	rrd_agent_free(a);
	return n;
}

/* Every team's agents within one of each other, and `total` leads in all. */
static void verify(rrd_distributor *d, long total)
{
	long sum = 0;
	for (int t = 0; t <= TEAMS; t++) {
		char pool[16];
		snprintf(pool, sizeof pool, t ? "t%d" : "solo", t);
		int64_t least = INT64_MAX, most = 0;
		for (int i = 0; i < AGENTS_PER_TEAM; i++) {
			char id[32];
			snprintf(id, sizeof id, "%s.%d", pool, i);
			int64_t n = open_count(d, id);
			sum += n;
			least = n < least ? n : least;
			most = n > most ? n : most;
		}
		if (most - least > 1) {
			fprintf(stderr, "bench_durable: team %s is out of turn: %lld to %lld leads\n",
				pool, (long long)least, (long long)most);
			exit(1);
		}
	}
	if (sum != total) {
		fprintf(stderr, "bench_durable: %ld leads counted, %ld submitted\n", sum, total);
		exit(1);
	}
}

static void figure(rrd_distributor *d, const char *name, int procs, int teams, int batch,
		   long *total)
{
	const char *only = getenv("RRD_BENCH_ONLY");
	if (only && !strstr(name, only))
		return;
	long n = batch > 1 ? batch : 100;
	double t;
	for (;;) {
		t = timed(d, procs, n, teams, batch);
		*total += n;
		if (t >= 0.25 || n >= 4000000)
			break;
		n *= 4;
	}
	long runs = (long)((double)n / t * run_seconds());
	if (batch > 1)
		runs = (runs + batch - 1) / batch * batch;
	if (runs < 4 * procs)
		runs = 4 * procs;
	double warm = (double)runs / timed(d, procs, runs, teams, batch);
	*total += runs;
	double rate = (double)runs / timed(d, procs, runs, teams, batch);
	*total += runs;
	fprintf(stderr, "# %s: %ld leads a run (warm-up %.0f leads/s)\n", name, runs, warm);
	printf("bench %s %.0f leads/s\n", name, rate);
	fflush(stdout);
}

static void rr(void)
{
	wipe();
	rrd_store *st = open_store();
	rrd_distributor *d = distributor(st);
	team(d, "solo", AGENTS_PER_TEAM);
	for (int t = 1; t <= TEAMS; t++) {
		char pool[16];
		snprintf(pool, sizeof pool, "t%d", t);
		team(d, pool, AGENTS_PER_TEAM);
	}
	/* The history: as many leads as the baseline's table starts with. */
	long total = 0;
	uint64_t rng = 1;
	submit_leads(d, 0, HISTORY, TEAMS, BATCH, &rng);
	total += HISTORY;
	char name[96];
	int multi = strcmp(kind, "pg") == 0;
	for (int p = 1; p <= (multi ? PROCS : 1); p += PROCS - 1)
		for (int teams = 1; teams <= TEAMS; teams += TEAMS - 1) {
			if (multi)
				snprintf(name, sizeof name, "durable.%s.submit.%s%d.teams%d", kind,
					 p == 1 ? "conn" : "procs", p, teams);
			else
				snprintf(name, sizeof name, "durable.%s.submit.teams%d", kind, teams);
			figure(d, name, p, teams, 1, &total);
		}
	snprintf(name, sizeof name, "durable.%s.submit_many%d.%steams1", kind, BATCH,
		 multi ? "conn1." : "");
	figure(d, name, 1, 1, BATCH, &total);
	verify(d, total);
	rrd_distributor_free(d);
	rrd_store_free(st);
}

/* ---- the drain ----------------------------------------------------------- */

static void set_paused(rrd_distributor *d, const char *id, int paused)
{
	rrd_agent *a;
	check(rrd_distributor_get_agent(d, id, &a), "reading an agent");
	check(rrd_agent_set_paused(a, paused), "pausing an agent");
	check(rrd_distributor_put_agent(d, a), "writing an agent");
	rrd_agent_free(a);
}

/* A weekend's backlog: the records queue while the pool's one agent is
 * paused, and all come back when the agent is not. */
static void drain(rrd_distributor *d)
{
	team(d, "backlog", 1);
	set_paused(d, "backlog.0", 1);
	rrd_pool *p;
	check(rrd_distributor_get_pool(d, "backlog", &p), "reading a pool");
	check(rrd_pool_set_auto_drain(p, 1), "auto-drain");
	check(rrd_distributor_put_pool(d, p), "writing a pool");
	rrd_pool_free(p);
	rrd_record *rs[BATCH];
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.notify = 0;
	o.pool = "backlog";
	for (long i = 0; i < MOVED; i += BATCH) {
		for (int k = 0; k < BATCH; k++)
			rs[k] = lead(1, i + k);
		check(rrd_distributor_submit_many(d, (const rrd_record *const *)rs, BATCH, &o, NULL),
		      "queueing");
		for (int k = 0; k < BATCH; k++)
			rrd_record_free(rs[k]);
	}
	double t0 = now_s();
	set_paused(d, "backlog.0", 0);
	double t = now_s() - t0;
	if (open_count(d, "backlog.0") != MOVED) {
		fprintf(stderr, "bench_durable: the drain gave %lld records, not %d\n",
			(long long)open_count(d, "backlog.0"), MOVED);
		exit(1);
	}
	printf("bench durable.%s.drain%d %.1f ms\n", kind, MOVED, t * 1e3);
	fflush(stdout);
}

/* ---- the redistribution -------------------------------------------------- */

static double move_once(rrd_distributor *d)
{
	rrd_redistribution *rd;
	check(rrd_redistribution_new(&rd), "a redistribution");
	check(rrd_redistribution_from_agent(rd, "from.0", NULL, 0), "its source");
	const char *to[10];
	char names[10][32];
	for (int i = 0; i < 10; i++) {
		snprintf(names[i], sizeof names[i], "to.%d", i);
		to[i] = names[i];
	}
	check(rrd_redistribution_to_agents(rd, to, 10), "its targets");
	check(rrd_redistribution_set_notify(rd, 0), "notify off");
	char job[RRD_JOB_ID_MAX + 1];
	double t0 = now_s();
	check(rrd_distributor_redistribute(d, rd, job, sizeof job), "redistributing");
	double t = now_s() - t0;
	rrd_redistribution_free(rd);
	int64_t restored;
	if (open_count(d, "from.0") != 0) {
		fprintf(stderr, "bench_durable: the redistribution left records behind\n");
		exit(1);
	}
	/* Back as they were for the next run, outside the clock. */
	check(rrd_distributor_undo(d, job, &restored), "undoing");
	if (restored != MOVED) {
		fprintf(stderr, "bench_durable: %lld records moved back, not %d\n",
			(long long)restored, MOVED);
		exit(1);
	}
	return t;
}

static void redistribute(void)
{
	wipe();
	rrd_store *st = open_store();
	rrd_distributor *d = distributor(st);
	team(d, "from", 1);
	team(d, "to", 10);
	team(d, "rest", 20);
	rrd_record *rs[BATCH];
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.notify = 0;
	/* The moved records among the others, as the baseline's every 7th. */
	for (long i = 0; i < MOVED + OTHERS; i += BATCH) {
		for (int k = 0; k < BATCH; k++)
			rs[k] = lead(0, i + k);
		o.pool = (i / BATCH) % 7 == 0 ? "from" : "rest";
		check(rrd_distributor_submit_many(d, (const rrd_record *const *)rs, BATCH, &o, NULL),
		      "importing");
		for (int k = 0; k < BATCH; k++)
			rrd_record_free(rs[k]);
	}
	if (open_count(d, "from.0") != MOVED) {
		fprintf(stderr, "bench_durable: the source holds %lld records, not %d\n",
			(long long)open_count(d, "from.0"), MOVED);
		exit(1);
	}
	move_once(d); /* warm-up */
	double t = move_once(d);
	char name[96];
	snprintf(name, sizeof name, "durable.%s.redistribute%d", kind, MOVED);
	printf("bench %s %.1f ms\n", name, t * 1e3);
	fflush(stdout);
	drain(d);
	rrd_distributor_free(d);
	rrd_store_free(st);
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[3], "rr") && strcmp(argv[3], "redistribute"))) {
		fprintf(stderr, "usage: bench_durable pg|sqlite CONNINFO|FOLDER rr|redistribute\n");
		return 2;
	}
	kind = argv[1];
	where = argv[2];
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[3], "rr") == 0)
		rr();
	else
		redistribute();
	return 0;
}
