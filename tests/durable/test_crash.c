/*
 * Processes killed while they work on a durable store, again and again:
 *   test_crash KIND     (KIND: postgres, through tests/pg/cluster.sh; or
 *                        sqlite)
 * - a stream of submits, its process killed with SIGKILL at a random
 *   point (on PostgreSQL, every other time its connection is cut first,
 *   and it goes on on a new one), 24 times: after each, every lead
 *   reported submitted is stored with one owner, nothing else is, the
 *   round robin is strict and the counters agree, and every event of a
 *   committed submit is in the outbox, delivered from there once;
 * - a redistribution of 15,000 records, killed at a random point of a
 *   random batch, 20 times: every record has one owner, the job reads
 *   as stopped (or completed) and lists exactly the records that moved,
 *   the counters agree, the outbox holds one event for each move, and
 *   undo puts everything back for the next round.
 *
 * The kill points come from a seeded generator (RRD_TEST_SEED to repeat
 * a run); what is checked holds whatever the point.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef RRD_TEST_HAVE_PG
#include <libpq-fe.h>
#endif

#include "../support/fixture.h"
#include "../support/shared_store.h"
#include "workers.h"

#define STREAM_KILLS 24
#define JOB_KILLS 20
#define AGENTS 5
#define MOVED 15000
#define TARGETS 10

static const char *kind;
static uint64_t rng;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static rrd_time clock_now;

static rrd_time test_clock(void *user)
{
	(void)user;
	return clock_now;
}

static rrd_time real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (rrd_time)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A distributor on a handle of its own; clock 0: the real one. */
static rrd_distributor *open_distributor(const shared_store *s, rrd_store **st, rrd_time clock,
					 rrd_event_fn on_event, void *user)
{
	*st = shared_store_open(s);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	if (clock) {
		clock_now = clock;
		o.clock = test_clock;
	}
	o.durable_events = 1;
	o.on_event = on_event;
	o.event_user = user;
	rrd_distributor *d = NULL;
	if (rrd_distributor_new(&d, *st, &o)) {
		fprintf(stderr, "%d: %s\n", (int)getpid(), rrd_error_last());
		_exit(2);
	}
	return d;
}

static pid_t spawn(int *out, void (*fn)(const shared_store *, int, void *), const shared_store *s,
		   void *arg)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		fn(s, p[1], arg);
		_exit(0);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* A dead child's server process may still be running what it sent last
 * (a COMMIT, say): wait until no connection but this one is left, so
 * that what the parent reads then is what stays. SQLite has no server. */
static void wait_for_its_server(const shared_store *s)
{
#ifdef RRD_TEST_HAVE_PG
	if (strcmp(kind, "postgres") != 0)
		return;
	PGconn *c = PQconnectdb(s->where);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	for (int tries = 0;; tries++) {
		PGresult *r = PQexec(c, "SELECT count(*) FROM pg_stat_activity"
					" WHERE backend_type = 'client backend'"
					" AND pid <> pg_backend_pid()");
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		int left = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
		if (!left)
			break;
		if (tries == 1000)
			fail_msg("a dead child's connection stays open");
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	PQfinish(c);
#else
	(void)s;
#endif
}

static void kill_and_reap(const shared_store *s, pid_t pid, int out)
{
	kill(pid, SIGKILL);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	close(out);
	wait_for_its_server(s);
}

/* Cut the child's connection from the server's side. */
static void cut_connection(const shared_store *s)
{
#ifdef RRD_TEST_HAVE_PG
	PGconn *c = PQconnectdb(s->where);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
				" WHERE application_name = 'rrd-crash-child'"
				" AND pid <> pg_backend_pid()");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	PQclear(r);
	PQfinish(c);
#else
	(void)s;
#endif
}

/* The events redeliver hands out: per record, how many `assigned`. */
typedef struct outbox_seen {
	char (*ids)[32];
	int *times;
	size_t n, cap;
	int64_t assigned;
	rrd_via via; /* only these (0: any) */
} outbox_seen;

static void seen_event(void *user, const rrd_event *ev)
{
	outbox_seen *o = user;
	if (rrd_event_type_of(ev) != RRD_EVENT_ASSIGNED)
		return;
	if (o->via && rrd_event_via(ev) != o->via)
		return;
	o->assigned++;
	const char *id = rrd_event_record(ev);
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->ids[i], id) == 0) {
			o->times[i]++;
			return;
		}
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 256;
		o->ids = realloc(o->ids, o->cap * sizeof *o->ids);
		o->times = realloc(o->times, o->cap * sizeof *o->times);
		assert_true(o->ids && o->times);
	}
	snprintf(o->ids[o->n], sizeof o->ids[o->n], "%s", id);
	o->times[o->n++] = 1;
}

static int seen_times(const outbox_seen *o, const char *id)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->ids[i], id) == 0)
			return o->times[i];
	return 0;
}

/* ---- a stream of submits ------------------------------------------------ */

static void stream_work(const shared_store *s, int out, void *arg)
{
	int round = *(int *)arg;
	rrd_store *st;
	rrd_distributor *d = open_distributor(s, &st, 0, NULL, NULL);
	for (int i = 0;; i++) {
		char id[32];
		snprintf(id, sizeof id, "K%02d-%05d", round, i);
		rrd_record *r;
		rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
		o.pool = "web";
		rrd_status rc = rrd_record_new(&r, id, RRD_KIND_LEAD);
		if (!rc)
			rc = rrd_distributor_submit(d, r, &o);
		rrd_record_free(r);
		char line[64];
		/* A failure (the connection cut) may or may not have
		 * committed: the parent is told it is unknown. */
		snprintf(line, sizeof line, "%s %s\n", rc ? "?" : "+", id);
		worker_say(out, line);
	}
}

static void test_stream_of_submits_killed(void **state)
{
	(void)state;
	shared_store s;
	shared_store_make(&s, kind, "crash_stream");
	if (strcmp(kind, "postgres") == 0) {
		size_t n = strlen(s.where);
		snprintf(s.where + n, sizeof s.where - n, " application_name=rrd-crash-child");
	}
	rrd_store *st;
	rrd_distributor *d = open_distributor(&s, &st, 0, NULL, NULL);
	durable_team(d, "web", AGENTS, 0);
	rrd_distributor_free(d);
	rrd_store_free(st);

	int64_t total = 0;
	for (int round = 0; round < STREAM_KILLS; round++) {
		int out;
		pid_t pid = spawn(&out, stream_work, &s, &round);
		/* Let it commit a random number of leads, then end it. */
		int want = 1 + (int)(next_random() % 120), got = 0, last = -1;
		int cut = strcmp(kind, "postgres") == 0 && round % 2;
		static char unsure[1 << 16];
		memset(unsure, 0, sizeof unsure);
		char line[64];
		for (;;) {
			if (got == want) {
				kill(pid, SIGKILL);
				/* Then read what it said before it died. */
			}
			worker_read_line(out, line, sizeof line);
			if (!line[0])
				break;
			int n = atoi(strchr(line, '-') + 1);
			assert_true(n >= 0 && n < (int)sizeof unsure);
			if (line[0] == '+')
				last = n;
			else
				unsure[n] = 1;
			got++;
			if (cut && got == want / 2 + 1)
				cut_connection(&s);
		}
		kill_and_reap(&s, pid, out);
		if (got < want)
			fail_msg("round %d: the child stopped after %d leads", round, got);
		assert_true(last >= 0);

		/* A fresh look, on a handle of the parent's own. */
		outbox_seen seen = { 0 };
		d = open_distributor(&s, &st, 0, seen_event, &seen);
		int64_t here = 0;
		for (int i = 0; i <= last + 2; i++) {
			char id[32];
			snprintf(id, sizeof id, "K%02d-%05d", round, i);
			rrd_record *r;
			rrd_status rc = rrd_distributor_get_record(d, id, &r);
			if (rc == RRD_E_UNKNOWN_RECORD) {
				/* Only the one in flight, or one whose submit
				 * failed, may be missing. */
				if (i <= last && !unsure[i])
					fail_msg("round %d: %s was submitted, and is gone", round, id);
				continue;
			}
			assert_int_equal(rc, RRD_OK);
			assert_true(i <= last + 1);
			const char *owner = rrd_record_owner(r);
			assert_non_null(owner);
			assert_true(strncmp(owner, "web.", 4) == 0);
			rrd_record_free(r);
			here++;
		}
		total += here;
		int64_t least = INT64_MAX, most = 0, sum = 0;
		for (int a = 0; a < AGENTS; a++) {
			char agent[16];
			snprintf(agent, sizeof agent, "web.%d", a);
			int64_t n = durable_open_count(d, agent);
			sum += n;
			least = n < least ? n : least;
			most = n > most ? n : most;
		}
		assert_int_equal(sum, total);
		assert_true(most - least <= 1);
		/* Every committed submit's event is in the outbox: delivered
		 * now, once each, for exactly the leads that are there. */
		size_t delivered = 0;
		assert_int_equal(rrd_distributor_redeliver(d, 0, &delivered), RRD_OK);
		assert_int_equal(seen.assigned, here);
		for (int i = 0; i <= last + 1; i++) {
			char id[32];
			snprintf(id, sizeof id, "K%02d-%05d", round, i);
			rrd_record *r;
			int exists = rrd_distributor_get_record(d, id, &r) == RRD_OK;
			if (exists)
				rrd_record_free(r);
			assert_int_equal(seen_times(&seen, id), exists);
		}
		free(seen.ids);
		free(seen.times);
		rrd_distributor_free(d);
		rrd_store_free(st);
	}
	shared_store_remove(&s);
}

/* ---- a redistribution ----------------------------------------------------- */

static rrd_redistribution *spread(void)
{
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, "src.0", NULL, 0), RRD_OK);
	const char *to[TARGETS];
	static char names[TARGETS][16];
	for (int i = 0; i < TARGETS; i++) {
		snprintf(names[i], sizeof names[i], "dst.%d", i);
		to[i] = names[i];
	}
	assert_int_equal(rrd_redistribution_to_agents(rd, to, TARGETS), RRD_OK);
	return rd;
}

/* What the job's process is told, as it is told: "S job" when it starts,
 * "P job" at each batch's end, "A record" for each move. */
static void tell_batches(void *user, const rrd_event *ev)
{
	rrd_event_type t = rrd_event_type_of(ev);
	char line[64];
	if (t == RRD_EVENT_REDISTRIBUTION_STARTED || t == RRD_EVENT_REDISTRIBUTION_PROGRESS)
		snprintf(line, sizeof line, "%c %s\n", t == RRD_EVENT_REDISTRIBUTION_STARTED ? 'S' : 'P',
			 rrd_event_job(ev));
	else if (t == RRD_EVENT_ASSIGNED)
		snprintf(line, sizeof line, "A %s\n", rrd_event_record(ev));
	else
		return;
	worker_say(*(int *)user, line);
}

static void job_work(const shared_store *s, int out, void *arg)
{
	(void)arg;
	rrd_store *st;
	rrd_distributor *d = open_distributor(s, &st, 0, tell_batches, &out);
	rrd_redistribution *rd = spread();
	char id[RRD_JOB_ID_MAX + 1];
	rrd_status rc = rrd_distributor_redistribute(d, rd, id, sizeof id);
	char line[96];
	snprintf(line, sizeof line, "end %s %s\n", rrd_status_name(rc), id);
	worker_say(out, line);
	for (;;)
		pause(); /* until killed: a job that ended is checked alike */
}

static void test_redistribution_killed(void **state)
{
	(void)state;
	shared_store s;
	shared_store_make(&s, kind, "crash_job");
	rrd_store *st;
	rrd_distributor *d = open_distributor(&s, &st, 0, NULL, NULL);
	durable_team(d, "src", 1, 0);
	durable_team(d, "dst", TARGETS, 0);
	enum { CHUNK = 1000 };
	rrd_record *rs[CHUNK];
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "src";
	for (int i = 0; i < MOVED; i += CHUNK) {
		for (int k = 0; k < CHUNK; k++) {
			char id[16];
			snprintf(id, sizeof id, "R%05d", i + k);
			assert_int_equal(rrd_record_new(&rs[k], id, RRD_KIND_LEAD), RRD_OK);
		}
		assert_int_equal(rrd_distributor_submit_many(d, (const rrd_record *const *)rs, CHUNK,
							     &so, NULL),
				 RRD_OK);
		for (int k = 0; k < CHUNK; k++)
			rrd_record_free(rs[k]);
	}
	/* The outbox starts empty: the import's events are delivered. */
	assert_int_equal(rrd_distributor_redeliver(d, 0, NULL), RRD_OK);
	rrd_distributor_free(d);
	rrd_store_free(st);

	for (int round = 0; round < JOB_KILLS; round++) {
		int out;
		pid_t pid = spawn(&out, job_work, &s, NULL);
		/* The job starts, then commits a batch at each "P"; kill it a
		 * random time into a random batch, then read what it was told
		 * before it died. */
		int batches = (int)(next_random() % (MOVED / RRD_REDISTRIBUTE_BATCH + 1));
		int ends = 0, killed = 0;
		char job[RRD_JOB_ID_MAX + 1] = "", line[96] = "";
		char *told = calloc(MOVED, 1);
		assert_non_null(told);
		for (;;) {
			if (!killed && (ends > batches || strncmp(line, "end ", 4) == 0)) {
				struct timespec pause_ts = { 0, (long)(next_random() % 20000) * 1000 };
				nanosleep(&pause_ts, NULL);
				kill(pid, SIGKILL);
				killed = 1;
			}
			worker_read_line(out, line, sizeof line);
			if (!line[0])
				break;
			if (line[0] == 'S' || line[0] == 'P') {
				snprintf(job, sizeof job, "%.*s", RRD_JOB_ID_MAX, line + 2);
				ends++;
			} else if (line[0] == 'A') {
				told[atoi(line + 3)]++;
			}
		}
		kill_and_reap(&s, pid, out);
		if (!killed)
			fail_msg("round %d: the job went silent", round);
		assert_true(job[0] == 'J');

		/* A lease later, as the next process to look would be. */
		outbox_seen seen = { .via = RRD_VIA_REDISTRIBUTE };
		d = open_distributor(&s, &st, real_ms() + RRD_MINUTE + RRD_SECOND, seen_event, &seen);
		rrd_job *j;
		assert_int_equal(rrd_distributor_get_job(d, job, &j), RRD_OK);
		rrd_job_state js = rrd_job_state_of(j);
		assert_true(js == RRD_JOB_STOPPED || js == RRD_JOB_COMPLETED);
		int64_t moved = rrd_job_moved(j);
		assert_int_equal((int64_t)rrd_job_record_count(j), moved);
		assert_int_equal(moved % RRD_REDISTRIBUTE_BATCH == 0 || moved == MOVED, 1);
		/* Exactly the records listed moved, each to one target. */
		char *listed = calloc(MOVED, 1);
		assert_non_null(listed);
		for (size_t i = 0; i < rrd_job_record_count(j); i++) {
			const char *rid, *from, *to;
			assert_int_equal(rrd_job_record(j, i, &rid, &from, &to), RRD_OK);
			assert_string_equal(from, "src.0");
			assert_true(strncmp(to, "dst.", 4) == 0);
			listed[atoi(rid + 1)] = 1;
		}
		rrd_job_free(j);
		for (int i = 0; i < MOVED; i++) {
			char id[16];
			snprintf(id, sizeof id, "R%05d", i);
			rrd_record *r;
			assert_int_equal(rrd_distributor_get_record(d, id, &r), RRD_OK);
			const char *owner = rrd_record_owner(r);
			assert_non_null(owner);
			if (listed[i])
				assert_true(strncmp(owner, "dst.", 4) == 0);
			else
				assert_string_equal(owner, "src.0");
			rrd_record_free(r);
		}
		int64_t at_targets = 0;
		for (int t = 0; t < TARGETS; t++) {
			char agent[16];
			snprintf(agent, sizeof agent, "dst.%d", t);
			at_targets += durable_open_count(d, agent);
		}
		assert_int_equal(at_targets, moved);
		assert_int_equal(durable_open_count(d, "src.0"), MOVED - moved);
		/* Every move's event reached the job's process, or is still
		 * in the outbox (or both, when it died before the outbox
		 * heard of the delivery); no event tells of a move that did
		 * not commit. */
		assert_int_equal(rrd_distributor_redeliver(d, 0, NULL), RRD_OK);
		for (int i = 0; i < MOVED; i++) {
			char id[16];
			snprintf(id, sizeof id, "R%05d", i);
			int events = told[i] + seen_times(&seen, id);
			if (listed[i] ? events < 1 : events != 0)
				fail_msg("round %d: %s moved %d, and %d events tell of it", round, id,
					 listed[i], events);
		}
		free(listed);
		free(told);
		free(seen.ids);
		free(seen.times);
		seen = (outbox_seen){ .via = RRD_VIA_UNDO }; /* counted nowhere */
		/* Back as it was for the next round. */
		if (moved) {
			int64_t restored = 0;
			assert_int_equal(rrd_distributor_undo(d, job, &restored), RRD_OK);
			assert_int_equal(restored, moved);
		}
		assert_int_equal(durable_open_count(d, "src.0"), MOVED);
		assert_int_equal(rrd_distributor_redeliver(d, 0, NULL), RRD_OK);
		rrd_distributor_free(d);
		rrd_store_free(st);
	}
	shared_store_remove(&s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_crash postgres|sqlite\n");
		return 2;
	}
	kind = argv[1];
	const char *seed = getenv("RRD_TEST_SEED");
	rng = seed ? strtoull(seed, NULL, 10) : (uint64_t)time(NULL);
	if (!rng)
		rng = 1;
	fprintf(stderr, "test_crash: RRD_TEST_SEED=%llu\n", (unsigned long long)rng);
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_of_submits_killed),
		cmocka_unit_test(test_redistribution_killed),
	};
	return cmocka_run_group_tests_name(kind, tests, NULL, NULL);
}
