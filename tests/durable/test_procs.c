/*
 * Several processes on one durable store, each with a handle and a
 * distributor of its own, as application servers share a database:
 *   test_procs KIND     (KIND: postgres, through tests/pg/cluster.sh; or
 *                        sqlite)
 * - 4 processes x 10,000 leads on one strict round-robin pool: every
 *   lead stored once with one owner, no agent more than one ahead, and
 *   the agents' counters agree with the records;
 * - the same over 100 pools, checked pool by pool;
 * - due claim-window timers advanced from 2 processes at once: each
 *   expires once;
 * - 2 processes start a redistribution at the same moment: one runs, the
 *   other is told busy (the one that runs waits, mid-job, until the
 *   other has its answer, so the two surely overlap);
 * - a process killed in the middle of a job: its lock keeps others out
 *   until its lease ends and no longer; the job then reads as stopped,
 *   listing what moved, and running the redistribution again moves the
 *   rest.
 *
 * Workers only report what they saw, through pipes; the parent asserts.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/shared_store.h"
#include "workers.h"

#define PROCS 4
#define LEADS 10000 /* per process */
#define TEAMS 100

static const char *kind;

/* ---- workers ------------------------------------------------------------ */

static rrd_time fixed_now;

static rrd_time fixed_clock(void *user)
{
	(void)user;
	return fixed_now;
}

/* A worker's distributor on a handle of its own; `clock` 0: the real
 * clock. */
static rrd_distributor *worker_distributor(const shared_store *s, rrd_store **st, rrd_time clock,
					   rrd_event_fn on_event, void *user)
{
	*st = shared_store_open(s);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	if (clock) {
		fixed_now = clock;
		o.clock = fixed_clock;
	}
	o.on_event = on_event;
	o.event_user = user;
	rrd_distributor *d = NULL;
	if (rrd_distributor_new(&d, *st, &o)) {
		fprintf(stderr, "worker %d: %s\n", (int)getpid(), rrd_error_last());
		_exit(2);
	}
	return d;
}

typedef void (*work_fn)(int w, const shared_store *s, int out);

typedef struct crew {
	int n;
	pid_t pid[PROCS];
	int out[PROCS]; /* what each writes */
	int go;         /* write end: one byte a worker starts them */
} crew;

/* Start `n` workers, each waiting for the word to go. */
static void crew_start(crew *c, int n, const shared_store *s, work_fn fn)
{
	int go[2];
	assert_int_equal(pipe(go), 0);
	c->n = n;
	fflush(NULL);
	for (int w = 0; w < n; w++) {
		int out[2];
		assert_int_equal(pipe(out), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(go[1]);
			close(out[0]);
			char b;
			if (!worker_read_byte(go[0], &b, 60000))
				_exit(3);
			fn(w, s, out[1]);
			_exit(0);
		}
		close(out[1]);
		c->pid[w] = pid;
		c->out[w] = out[0];
	}
	close(go[0]);
	c->go = go[1];
}

static void crew_go(crew *c)
{
	char b[PROCS];
	memset(b, 'g', sizeof b);
	assert_int_equal(write(c->go, b, (size_t)c->n), c->n);
	close(c->go);
}

/* Wait for every worker; each must have ended by itself, with 0. */
static void crew_wait(crew *c)
{
	for (int w = 0; w < c->n; w++) {
		int st;
		while (waitpid(c->pid[w], &st, 0) < 0 && errno == EINTR)
			;
		close(c->out[w]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("worker %d ended with %d", w, st);
	}
}

/* ---- setting up, from the parent ----------------------------------------- */

static rrd_distributor *parent_distributor(const shared_store *s, rrd_store **st, rrd_time clock)
{
	*st = shared_store_open(s);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	if (clock) {
		fixed_now = clock;
		o.clock = fixed_clock;
	}
	rrd_distributor *d;
	assert_int_equal(rrd_distributor_new(&d, *st, &o), RRD_OK);
	return d;
}

static rrd_status submit_one(rrd_distributor *d, const char *id, const char *pool)
{
	rrd_record *r;
	rrd_status rc = rrd_record_new(&r, id, RRD_KIND_LEAD);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = pool;
	if (!rc)
		rc = rrd_distributor_submit(d, r, &o);
	rrd_record_free(r);
	return rc;
}

/* ---- many leads ------------------------------------------------------------ */

static void pool_of(int w, int i, int teams, char *pool, size_t cap)
{
	if (teams == 1)
		snprintf(pool, cap, "hot");
	else
		snprintf(pool, cap, "t%d", (i * 7 + w) % teams);
}

static int work_teams;

static void submit_work(int w, const shared_store *s, int out)
{
	rrd_store *st;
	rrd_distributor *d = worker_distributor(s, &st, 0, NULL, NULL);
	for (int i = 0; i < LEADS; i++) {
		char id[32], pool[16];
		snprintf(id, sizeof id, "W%d-%05d", w, i);
		pool_of(w, i, work_teams, pool, sizeof pool);
		rrd_status rc = submit_one(d, id, pool);
		if (rc) {
			char text[600];
			snprintf(text, sizeof text, "%s: %s: %s\n", id, rrd_status_name(rc),
				 rrd_error_last());
			worker_say(out, text);
			_exit(5);
		}
	}
	rrd_distributor_free(d);
	rrd_store_free(st);
}

/* Every lead has one owner, a member of its pool; each pool's members
 * are within one of each other, and their counters agree. */
static void check_leads(rrd_distributor *d, int teams, int agents)
{
	int64_t *owned = calloc((size_t)(teams * agents), sizeof *owned);
	assert_non_null(owned);
	for (int w = 0; w < PROCS; w++)
		for (int i = 0; i < LEADS; i++) {
			char id[32], pool[16], prefix[24];
			snprintf(id, sizeof id, "W%d-%05d", w, i);
			pool_of(w, i, teams, pool, sizeof pool);
			rrd_record *r;
			rrd_status rc = rrd_distributor_get_record(d, id, &r);
			if (rc)
				fail_msg("%s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
			const char *owner = rrd_record_owner(r);
			snprintf(prefix, sizeof prefix, "%s.", pool);
			if (!owner || strncmp(owner, prefix, strlen(prefix)) != 0)
				fail_msg("%s of pool %s is owned by %s", id, pool, owner ? owner : "nobody");
			int t = teams == 1 ? 0 : atoi(pool + 1);
			owned[t * agents + atoi(owner + strlen(prefix))]++;
			rrd_record_free(r);
		}
	for (int t = 0; t < teams; t++) {
		int64_t least = INT64_MAX, most = 0, sum = 0;
		char pool[16];
		if (teams == 1)
			snprintf(pool, sizeof pool, "hot");
		else
			snprintf(pool, sizeof pool, "t%d", t);
		for (int a = 0; a < agents; a++) {
			char agent[32];
			snprintf(agent, sizeof agent, "%s.%d", pool, a);
			int64_t n = owned[t * agents + a];
			assert_int_equal(durable_open_count(d, agent), n);
			least = n < least ? n : least;
			most = n > most ? n : most;
			sum += n;
		}
		if (most - least > 1)
			fail_msg("team %d: %lld to %lld leads", t, (long long)least, (long long)most);
		assert_int_equal(sum, (int64_t)PROCS * LEADS / teams);
	}
	free(owned);
}

static void run_leads(const char *name, int teams, int agents)
{
	shared_store s;
	shared_store_make(&s, kind, name);
	rrd_store *st;
	rrd_distributor *d = parent_distributor(&s, &st, 0);
	for (int t = 0; t < teams; t++) {
		char pool[16];
		if (teams == 1)
			snprintf(pool, sizeof pool, "hot");
		else
			snprintf(pool, sizeof pool, "t%d", t);
		durable_team(d, pool, agents, 0);
	}
	work_teams = teams;
	crew c;
	crew_start(&c, PROCS, &s, submit_work);
	crew_go(&c);
	for (int w = 0; w < PROCS; w++) {
		char text[600] = "";
		ssize_t n = read(c.out[w], text, sizeof text - 1);
		if (n > 0)
			fail_msg("worker %d: %s", w, text);
	}
	crew_wait(&c);
	check_leads(d, teams, agents);
	rrd_distributor_free(d);
	rrd_store_free(st);
	shared_store_remove(&s);
}

static void test_one_hot_pool(void **state)
{
	(void)state;
	run_leads("procs_hot", 1, 7);
}

static void test_a_hundred_pools(void **state)
{
	(void)state;
	run_leads("procs_teams", TEAMS, 4);
}

/* ---- timers ------------------------------------------------------------ */

#define OFFERS 500
#define WINDOW (60 * RRD_SECOND)

/* The records whose offers expired here, one a line. */
static void tell_expiry(void *user, const rrd_event *ev)
{
	if (rrd_event_type_of(ev) != RRD_EVENT_OFFER_EXPIRED)
		return;
	char line[64];
	snprintf(line, sizeof line, "%s\n", rrd_event_record(ev));
	worker_say(*(int *)user, line);
}

static void advance_work(int w, const shared_store *s, int out)
{
	(void)w;
	rrd_store *st;
	rrd_time later = FIX_START + WINDOW + RRD_SECOND;
	rrd_distributor *d = worker_distributor(s, &st, later, tell_expiry, &out);
	rrd_status rc = rrd_distributor_advance(d, later);
	if (rc) {
		char text[600];
		snprintf(text, sizeof text, "advance: %s: %s\n", rrd_status_name(rc),
			 rrd_error_last());
		worker_say(out, text);
	}
	rrd_distributor_free(d);
	rrd_store_free(st);
}

static void test_timers_fire_once_from_two_processes(void **state)
{
	(void)state;
	shared_store s;
	shared_store_make(&s, kind, "procs_timers");
	rrd_store *st;
	rrd_distributor *d = parent_distributor(&s, &st, FIX_START);
	durable_team(d, "claim", 3, WINDOW);
	for (int i = 0; i < OFFERS; i++) {
		char id[16];
		snprintf(id, sizeof id, "O%03d", i);
		assert_int_equal(submit_one(d, id, "claim"), RRD_OK);
	}
	crew c;
	crew_start(&c, 2, &s, advance_work);
	crew_go(&c);
	int expired[OFFERS] = { 0 }, by[2] = { 0, 0 };
	for (int w = 0; w < 2; w++) {
		char line[600];
		for (;;) {
			worker_read_line(c.out[w], line, sizeof line);
			if (!line[0])
				break;
			if (line[0] != 'O' || strspn(line + 1, "0123456789") != 3)
				fail_msg("worker %d: %s", w, line);
			expired[atoi(line + 1)]++;
			by[w]++;
		}
	}
	crew_wait(&c);
	/* Each offer expired once, in one process or the other. */
	for (int i = 0; i < OFFERS; i++)
		if (expired[i] != 1)
			fail_msg("the offer of O%03d expired %d times", i, expired[i]);
	assert_int_equal(by[0] + by[1], OFFERS);
	/* And was passed on: offered again, none left to expire now. */
	for (int i = 0; i < OFFERS; i++) {
		char id[16];
		snprintf(id, sizeof id, "O%03d", i);
		rrd_record *r;
		assert_int_equal(rrd_distributor_get_record(d, id, &r), RRD_OK);
		assert_int_equal(rrd_record_status_of(r), RRD_RECORD_OFFERED);
		rrd_record_free(r);
	}
	rrd_distributor_free(d);
	rrd_store_free(st);
	shared_store_remove(&s);
}

/* ---- redistribution ------------------------------------------------------ */

#define HELD 2500

static rrd_status job(rrd_distributor *d, char *id)
{
	rrd_redistribution *rd;
	rrd_status rc = rrd_redistribution_new(&rd);
	const char *to[] = { "dst.0", "dst.1" };
	if (!rc)
		rc = rrd_redistribution_from_agent(rd, "src.0", NULL, 0);
	if (!rc)
		rc = rrd_redistribution_to_agents(rd, to, 2);
	char ignored[RRD_JOB_ID_MAX + 1];
	if (!rc)
		rc = rrd_distributor_redistribute(d, rd, id ? id : ignored, RRD_JOB_ID_MAX + 1);
	rrd_redistribution_free(rd);
	return rc;
}

/* src.0 holds HELD leads; dst.0 and dst.1 take them. */
static rrd_distributor *job_world(shared_store *s, const char *name, rrd_store **st)
{
	shared_store_make(s, kind, name);
	rrd_distributor *d = parent_distributor(s, st, 0);
	durable_team(d, "src", 1, 0);
	durable_team(d, "dst", 2, 0);
	rrd_record *rs[HELD];
	for (int i = 0; i < HELD; i++) {
		char id[16];
		snprintf(id, sizeof id, "J%04d", i);
		assert_int_equal(rrd_record_new(&rs[i], id, RRD_KIND_LEAD), RRD_OK);
	}
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "src";
	assert_int_equal(rrd_distributor_submit_many(d, (const rrd_record *const *)rs, HELD, &o,
						     NULL),
			 RRD_OK);
	for (int i = 0; i < HELD; i++)
		rrd_record_free(rs[i]);
	return d;
}

typedef struct mid_job {
	int out, in;   /* to the parent; from it */
	int stop;      /* 1: wait for the parent's word at the first batch; 2: forever */
	int told;
} mid_job;

/* At the first batch's end, the job holds the lock: say so, and wait. */
static void at_progress(void *user, const rrd_event *ev)
{
	mid_job *m = user;
	if (rrd_event_type_of(ev) != RRD_EVENT_REDISTRIBUTION_PROGRESS || m->told)
		return;
	m->told = 1;
	char text[64];
	snprintf(text, sizeof text, "P%s\n", rrd_event_job(ev));
	worker_say(m->out, text);
	if (m->stop == 2)
		for (;;)
			pause();
	char b;
	if (!worker_read_byte(m->in, &b, 60000))
		_exit(6);
}

static int word[2][2]; /* parent -> worker w */

static void race_work(int w, const shared_store *s, int out)
{
	mid_job m = { out, word[w][0], 1, 0 };
	rrd_store *st;
	rrd_distributor *d = worker_distributor(s, &st, 0, at_progress, &m);
	rrd_status rc = job(d, NULL);
	char text[64];
	snprintf(text, sizeof text, "R%s\n", rrd_status_name(rc));
	worker_say(out, text);
	rrd_distributor_free(d);
	rrd_store_free(st);
}

static void test_two_jobs_at_once_one_runs(void **state)
{
	(void)state;
	shared_store s;
	rrd_store *st;
	rrd_distributor *d = job_world(&s, "procs_race", &st);
	for (int w = 0; w < 2; w++)
		assert_int_equal(pipe(word[w]), 0);
	crew c;
	crew_start(&c, 2, &s, race_work);
	crew_go(&c);
	/* Whoever took the lock stops after its first batch; the other
	 * must then have its answer, without waiting for the first. */
	struct pollfd p[2] = { { c.out[0], POLLIN, 0 }, { c.out[1], POLLIN, 0 } };
	assert_true(poll(p, 2, 120000) > 0);
	int first = (p[0].revents & POLLIN) ? 0 : 1;
	char line[64];
	worker_read_line(c.out[first], line, sizeof line);
	if (line[0] == 'R') {
		/* The other one is running: this one was kept out. */
		assert_string_equal(line, "Rbusy");
		worker_read_line(c.out[!first], line, sizeof line);
		assert_int_equal(line[0], 'P');
		assert_int_equal(write(word[!first][1], "c", 1), 1);
		worker_read_line(c.out[!first], line, sizeof line);
		assert_string_equal(line, "Rok");
	} else {
		assert_int_equal(line[0], 'P');
		worker_read_line(c.out[!first], line, sizeof line);
		assert_string_equal(line, "Rbusy");
		assert_int_equal(write(word[first][1], "c", 1), 1);
		worker_read_line(c.out[first], line, sizeof line);
		assert_string_equal(line, "Rok");
	}
	crew_wait(&c);
	assert_int_equal(durable_open_count(d, "src.0"), 0);
	assert_int_equal(durable_open_count(d, "dst.0") + durable_open_count(d, "dst.1"), HELD);
	rrd_distributor_free(d);
	rrd_store_free(st);
	shared_store_remove(&s);
}

static void killed_work(int w, const shared_store *s, int out)
{
	(void)w;
	mid_job m = { out, -1, 2, 0 };
	rrd_store *st;
	rrd_distributor *d = worker_distributor(s, &st, 0, at_progress, &m);
	(void)job(d, NULL);
	worker_say(out, "Rdone\n"); /* never: it is killed first */
}

static void test_killed_worker_leaves_a_stopped_job(void **state)
{
	(void)state;
	shared_store s;
	rrd_store *st;
	rrd_distributor *d = job_world(&s, "procs_killed", &st);
	crew c;
	crew_start(&c, 1, &s, killed_work);
	crew_go(&c);
	char line[64];
	worker_read_line(c.out[0], line, sizeof line);
	assert_int_equal(line[0], 'P');
	const char *id = line + 1;
	assert_int_equal(kill(c.pid[0], SIGKILL), 0);
	int wst;
	while (waitpid(c.pid[0], &wst, 0) < 0 && errno == EINTR)
		;
	assert_true(WIFSIGNALED(wst));
	close(c.out[0]);

	/* Within the lease: the job may still be running, for all anyone
	 * can tell, and keeps other jobs out. */
	rrd_job *j;
	assert_int_equal(rrd_distributor_get_job(d, id, &j), RRD_OK);
	assert_int_equal(rrd_job_state_of(j), RRD_JOB_RUNNING);
	assert_int_equal(rrd_job_moved(j), RRD_REDISTRIBUTE_BATCH);
	rrd_job_free(j);
	assert_int_equal(job(d, NULL), RRD_E_BUSY);

	/* Once the lease is over (a clock a lease ahead): stopped, with what
	 * it moved, and the lock is free. */
	rrd_store *st2;
	rrd_distributor *later = parent_distributor(&s, &st2,
						    rrd_distributor_now(d) + RRD_MINUTE + RRD_SECOND);
	assert_int_equal(rrd_distributor_get_job(later, id, &j), RRD_OK);
	assert_int_equal(rrd_job_state_of(j), RRD_JOB_STOPPED);
	assert_int_equal(rrd_job_record_count(j), RRD_REDISTRIBUTE_BATCH);
	for (size_t i = 0; i < rrd_job_record_count(j); i++) {
		const char *rid, *from, *to;
		assert_int_equal(rrd_job_record(j, i, &rid, &from, &to), RRD_OK);
		assert_string_equal(from, "src.0");
		rrd_record *r;
		assert_int_equal(rrd_distributor_get_record(later, rid, &r), RRD_OK);
		assert_string_equal(rrd_record_owner(r), to);
		rrd_record_free(r);
	}
	rrd_job_free(j);
	assert_int_equal(durable_open_count(later, "src.0"), HELD - RRD_REDISTRIBUTE_BATCH);
	char again[RRD_JOB_ID_MAX + 1];
	assert_int_equal(job(later, again), RRD_OK);
	assert_string_not_equal(again, id);
	assert_int_equal(durable_open_count(later, "src.0"), 0);
	assert_int_equal(durable_open_count(later, "dst.0") + durable_open_count(later, "dst.1"), HELD);
	rrd_distributor_free(later);
	rrd_store_free(st2);
	rrd_distributor_free(d);
	rrd_store_free(st);
	shared_store_remove(&s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_procs postgres|sqlite\n");
		return 2;
	}
	kind = argv[1];
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_hot_pool),
		cmocka_unit_test(test_a_hundred_pools),
		cmocka_unit_test(test_timers_fire_once_from_two_processes),
		cmocka_unit_test(test_two_jobs_at_once_one_runs),
		cmocka_unit_test(test_killed_worker_leaves_a_stopped_job),
	};
	return cmocka_run_group_tests_name(kind, tests, NULL, NULL);
}
