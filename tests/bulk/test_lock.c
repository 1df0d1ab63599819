/* The store's redistribution lock: owner names that no two processes
 * share, a lease renewed before every batch, and a job whose work
 * committed reported as done even when the lock cannot be given back;
 * and what rrd_distributor_get_job tells of a job at each point, a job
 * whose process ended mid-way included. */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/faulty_store.h"
#include "../support/fixture.h"
#include "bulk/bulk.h"

/* ---- owners -------------------------------------------------------------- */

typedef struct owner_parts {
	char host[RD_OWNER_MAX], pid[32], token[32], serial[32];
} owner_parts;

/* Split "rrdist:<host>:<pid>:<token>:<serial>", checking each part's form. */
static owner_parts parts_of(const char *owner)
{
	owner_parts p;
	memset(&p, 0, sizeof p);
	assert_true(strncmp(owner, "rrdist:", 7) == 0);
	char copy[RD_OWNER_MAX];
	snprintf(copy, sizeof copy, "%s", owner + 7);
	char *fields[4];
	char *save = NULL;
	size_t n = 0;
	for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
		assert_true(n < 4);
		fields[n++] = t;
	}
	assert_int_equal(n, 4);
	snprintf(p.host, sizeof p.host, "%s", fields[0]);
	snprintf(p.pid, sizeof p.pid, "%s", fields[1]);
	snprintf(p.token, sizeof p.token, "%s", fields[2]);
	snprintf(p.serial, sizeof p.serial, "%s", fields[3]);
	assert_true(strlen(p.host) > 0);
	assert_int_equal(strlen(p.token), 16);
	assert_int_equal(strspn(p.token, "0123456789abcdef"), 16);
	assert_true(strspn(p.pid, "0123456789") == strlen(p.pid) && strlen(p.pid) > 0);
	assert_true(strspn(p.serial, "0123456789") == strlen(p.serial) && strlen(p.serial) > 0);
	return p;
}

static void test_owner_names_host_process_token_and_call(void **state)
{
	(void)state;
	char a[RD_OWNER_MAX], b[RD_OWNER_MAX];
	rrd__rd_lock_owner(a, sizeof a);
	rrd__rd_lock_owner(b, sizeof b);
	owner_parts pa = parts_of(a), pb = parts_of(b);
	char pid[32];
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	assert_string_equal(pa.pid, pid);
	/* One process: one host, pid and token; each call its own serial. */
	assert_string_equal(pa.host, pb.host);
	assert_string_equal(pa.pid, pb.pid);
	assert_string_equal(pa.token, pb.token);
	assert_string_not_equal(pa.serial, pb.serial);
	assert_string_not_equal(a, b);
}

/* Pre-forked workers share the parent's address layout and everything it
 * had computed; each still names itself apart. */
static void test_forked_child_names_itself_apart(void **state)
{
	(void)state;
	char parent[RD_OWNER_MAX], child[RD_OWNER_MAX] = "";
	rrd__rd_lock_owner(parent, sizeof parent); /* used before the fork */
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char mine[RD_OWNER_MAX];
		rrd__rd_lock_owner(mine, sizeof mine);
		ssize_t w = write(fd[1], mine, strlen(mine) + 1);
		_exit(w == (ssize_t)(strlen(mine) + 1) ? 0 : 1);
	}
	close(fd[1]);
	size_t got = 0;
	ssize_t r;
	while ((r = read(fd[0], child + got, sizeof child - 1 - got)) > 0)
		got += (size_t)r;
	close(fd[0]);
	child[got] = '\0';
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	rrd__rd_lock_owner(parent, sizeof parent); /* the same serial as the child's */
	assert_string_not_equal(parent, child);
	owner_parts pp = parts_of(parent), pc = parts_of(child);
	char child_pid[32];
	snprintf(child_pid, sizeof child_pid, "%ld", (long)pid);
	assert_string_equal(pc.pid, child_pid);
	assert_string_not_equal(pp.token, pc.token);
	assert_string_equal(pp.serial, pc.serial);
}

/* ---- the lease ----------------------------------------------------------- */

/* A second distributor on the store, reading the same clock: another
 * process in a real deployment. */
typedef struct world {
	faulty_store *fs;
	fixture *f;          /* f->dist runs the job; f->now is the clock */
	rrd_distributor *other;
	/* Between batches (at each progress event of f->dist's job): */
	rrd_time step;       /* move the clock on this much */
	int intrude;         /* take the lock under another name */
	int intruded;        /* what the store said to that */
	int progress;
	rrd_status other_job[4];
	/* What the other distributor read of the job at the first batch. */
	rrd_job_state seen_state;
	int64_t seen_moved;
	size_t seen_records;
} world;

static rrd_time world_clock(void *user)
{
	return ((world *)user)->f->now;
}

static void agent(fixture *f, const char *id)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static void import(fixture *f, const char *id, const char *owner)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
}

static rrd_status job(rrd_distributor *d, const char *from, const char *to, char *id)
{
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, from, NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, &to, 1), RRD_OK);
	char ignored[RRD_JOB_ID_MAX + 1];
	rrd_status rc = rrd_distributor_redistribute(d, rd, id ? id : ignored,
						     RRD_JOB_ID_MAX + 1);
	rrd_redistribution_free(rd);
	return rc;
}

static void between_batches(void *user, const rrd_event *ev)
{
	world *w = user;
	if (rrd_event_type_of(ev) != RRD_EVENT_REDISTRIBUTION_PROGRESS)
		return;
	w->f->now += w->step;
	if (w->intrude) {
		rrd_store *in = w->fs->inner;
		w->intruded = in->m.lock_acquire(in->self, "redistribute", "intruder", w->f->now,
						 w->f->now + RRD_RD_LEASE);
	}
	if (w->progress < 4)
		w->other_job[w->progress] = job(w->other, "dan", "erin", NULL);
	if (!w->progress) {
		rrd_job *j;
		assert_int_equal(rrd_distributor_get_job(w->other, rrd_event_job(ev), &j), RRD_OK);
		w->seen_state = rrd_job_state_of(j);
		w->seen_moved = rrd_job_moved(j);
		w->seen_records = rrd_job_record_count(j);
		rrd_job_free(j);
	}
	w->progress++;
}

/* alice holds `n` records (C-0000...); bob takes them; dan holds one
 * that erin may take in another job. */
static world *world_new(int n, int probe)
{
	world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	w->fs = faulty_store_new();
	w->f = fix_new_on(w->fs->store, 0);
	const char *agents[] = { "alice", "bob", "carol", "dan", "erin" };
	for (size_t i = 0; i < 5; i++)
		agent(w->f, agents[i]);
	char id[16];
	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof id, "C-%04d", i);
		import(w->f, id, "alice");
	}
	import(w->f, "D-1", "dan");
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.clock = world_clock;
	o.clock_user = w;
	assert_int_equal(rrd_distributor_new(&w->other, w->fs->store, &o), RRD_OK);
	if (probe) {
		/* The job runs on a distributor of its own, whose events the
		 * probe sees. */
		rrd_distributor_free(w->f->dist);
		o.on_event = between_batches;
		o.event_user = w;
		assert_int_equal(rrd_distributor_new(&w->f->dist, w->fs->store, &o), RRD_OK);
	}
	return w;
}

static void world_free(world *w)
{
	rrd_distributor_free(w->other);
	fix_free(w->f);
	faulty_store_free(w->fs);
	free(w);
}

static int64_t open_count(rrd_distributor *d, const char *agent_id)
{
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(d, agent_id, &a), RRD_OK);
	int64_t n = rrd_agent_open_count(a);
	rrd_agent_free(a);
	return n;
}

static const char *set_error(fixture *f)
{
	static char message[512];
	rrd_agent *a = NULL;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "nobody", &a), RRD_E_UNKNOWN_AGENT);
	snprintf(message, sizeof message, "%s", rrd_error_last());
	return message;
}

/* The job moved its records and sent its events: it succeeded, whether
 * or not the store then gave the lock back. */
static void test_job_that_cannot_release_the_lock_succeeds(void **state)
{
	(void)state;
	world *w = world_new(3, 0);
	fixture *f = w->f;
	const char *message = set_error(f);
	faulty_store_arm(w->fs, FAULTY_LOCK_RELEASE, 0, 0);
	char id[RRD_JOB_ID_MAX + 1];
	assert_int_equal(job(f->dist, "alice", "bob", id), RRD_OK);
	assert_string_equal(id, "J1");
	assert_int_equal(w->fs->failed[FAULTY_LOCK_RELEASE], 1);
	assert_string_equal(rrd_error_last(), message);
	assert_int_equal(rrd_error_last_status(), RRD_E_UNKNOWN_AGENT);
	assert_int_equal(open_count(f->dist, "bob"), 3);
	assert_int_equal(open_count(f->dist, "alice"), 0);
	assert_string_equal(fix_event(f, 4), "redistribution_completed J1 done=3 total=3 held=0");
	/* The lock stays with a name nobody will use again, for its lease. */
	f->now += RRD_RD_LEASE - 1;
	assert_int_equal(job(w->other, "dan", "erin", NULL), RRD_E_BUSY);
	f->now += 1;
	assert_int_equal(job(w->other, "dan", "erin", id), RRD_OK);
	assert_string_equal(id, "J2");
	assert_int_equal(open_count(w->other, "erin"), 1);
	world_free(w);
}

static void test_undo_that_cannot_release_the_lock_succeeds(void **state)
{
	(void)state;
	world *w = world_new(3, 0);
	fixture *f = w->f;
	assert_int_equal(job(f->dist, "alice", "bob", NULL), RRD_OK);
	const char *message = set_error(f);
	faulty_store_arm(w->fs, FAULTY_LOCK_RELEASE, 0, 0);
	int64_t restored = 0;
	assert_int_equal(rrd_distributor_undo(f->dist, "J1", &restored), RRD_OK);
	assert_int_equal(restored, 3);
	assert_string_equal(rrd_error_last(), message);
	assert_int_equal(open_count(f->dist, "alice"), 3);
	assert_int_equal(open_count(f->dist, "bob"), 0);
	f->now += RRD_RD_LEASE - 1;
	assert_int_equal(job(w->other, "dan", "erin", NULL), RRD_E_BUSY);
	f->now += 1;
	assert_int_equal(job(w->other, "dan", "erin", NULL), RRD_OK);
	world_free(w);
}

/* A job renews its lease before each batch, so one that runs longer than
 * a lease keeps other jobs out to its end. */
static void test_job_renews_its_lease_before_each_batch(void **state)
{
	(void)state;
	world *w = world_new(2500, 1);
	w->step = RRD_RD_LEASE - 1;
	long acquires = w->fs->calls[FAULTY_LOCK_ACQUIRE];
	assert_true(2 * w->step > RRD_RD_LEASE);
	char id[RRD_JOB_ID_MAX + 1];
	assert_int_equal(job(w->f->dist, "alice", "bob", id), RRD_OK);
	assert_int_equal(w->progress, 2);
	/* Taken once and renewed before the second and third batches; the
	 * other distributor tried between them, and was kept out. */
	assert_int_equal(w->fs->calls[FAULTY_LOCK_ACQUIRE] - acquires, 3 + 2);
	assert_int_equal(w->other_job[0], RRD_E_BUSY);
	assert_int_equal(w->other_job[1], RRD_E_BUSY);
	assert_int_equal(open_count(w->other, "bob"), 2500);
	assert_int_equal(open_count(w->other, "erin"), 0);
	world_free(w);
}

/* A renewal that fails stops the job between batches: the batches before
 * it stay done, once each, and can be undone; the lock goes back. */
static void test_job_whose_renewal_fails_stops_cleanly(void **state)
{
	(void)state;
	world *w = world_new(2500, 0);
	fixture *f = w->f;
	faulty_store_arm(w->fs, FAULTY_LOCK_ACQUIRE, 1, 1);
	char id[RRD_JOB_ID_MAX + 1];
	assert_int_equal(job(f->dist, "alice", "bob", id), RRD_E_STORE);
	assert_string_equal(id, "J1");
	assert_int_equal(w->fs->failed[FAULTY_LOCK_ACQUIRE], 1);
	assert_int_equal(open_count(f->dist, "bob"), 1000);
	assert_int_equal(open_count(f->dist, "alice"), 1500);
	assert_int_equal(f->nevents, 1 + 1000 + 1); /* started, assigned, progress */
	assert_string_equal(fix_event(f, 1001), "redistribution_progress J1 done=1000 total=2500 "
						"held=0");
	assert_int_equal(job(w->other, "dan", "erin", NULL), RRD_OK);
	int64_t restored = 0;
	assert_int_equal(rrd_distributor_undo(f->dist, "J1", &restored), RRD_OK);
	assert_int_equal(restored, 1000);
	assert_int_equal(open_count(f->dist, "alice"), 2500);
	world_free(w);
}

/* A job that finds, between batches, that another took the lock after its
 * lease ran out stops there. */
static void test_job_that_lost_its_lock_stops(void **state)
{
	(void)state;
	world *w = world_new(2500, 1);
	w->step = RRD_RD_LEASE;
	w->intrude = 1;
	char id[RRD_JOB_ID_MAX + 1];
	assert_int_equal(job(w->f->dist, "alice", "bob", id), RRD_E_BUSY);
	assert_int_equal(w->intruded, RRD_OK);
	assert_string_equal(id, "J1");
	assert_int_equal(w->progress, 1);
	assert_int_equal(w->other_job[0], RRD_E_BUSY); /* the intruder has it */
	assert_int_equal(open_count(w->other, "bob"), 1000);
	assert_int_equal(open_count(w->other, "alice"), 1500);
	world_free(w);
}


/* ---- a job's state --------------------------------------------------------- */

static rrd_job *get_job(rrd_distributor *d, const char *id)
{
	rrd_job *j = NULL;
	rrd_status rc = rrd_distributor_get_job(d, id, &j);
	if (rc)
		fail_msg("get_job %s: %s: %s", id, rrd_status_name(rc), rrd_error_last());
	return j;
}

/* Every record the job lists went from `from` to `to`, and is `to`'s now;
 * no record is listed twice. */
static void check_moves(rrd_distributor *d, const rrd_job *j, const char *from, const char *to)
{
	size_t n = rrd_job_record_count(j);
	for (size_t i = 0; i < n; i++) {
		const char *id, *was, *now;
		assert_int_equal(rrd_job_record(j, i, &id, &was, &now), RRD_OK);
		assert_string_equal(was, from);
		assert_string_equal(now, to);
		char expect[32];
		snprintf(expect, sizeof expect, "C-%04zu", i); /* moved in order */
		assert_string_equal(id, expect);
		rrd_record *r;
		assert_int_equal(rrd_distributor_get_record(d, id, &r), RRD_OK);
		assert_string_equal(rrd_record_owner(r), to);
		rrd_record_free(r);
	}
}

/* Running while its batches run, completed after, undone after undo; the
 * moved records listed each time. */
static void test_job_state_through_its_life(void **state)
{
	(void)state;
	world *w = world_new(2500, 1);
	char id[RRD_JOB_ID_MAX + 1];
	assert_int_equal(job(w->f->dist, "alice", "bob", id), RRD_OK);
	assert_int_equal(w->seen_state, RRD_JOB_RUNNING);
	assert_int_equal(w->seen_moved, 1000);
	assert_int_equal(w->seen_records, 1000);
	rrd_job *j = get_job(w->other, id);
	assert_string_equal(rrd_job_id(j), "J1");
	assert_int_equal(rrd_job_state_of(j), RRD_JOB_COMPLETED);
	assert_int_equal(rrd_job_started(j), w->f->now);
	assert_int_equal(rrd_job_total(j), 2500);
	assert_int_equal(rrd_job_moved(j), 2500);
	assert_int_equal(rrd_job_held(j), 0);
	assert_int_equal(rrd_job_record_count(j), 2500);
	check_moves(w->other, j, "alice", "bob");
	const char *rid = "x";
	assert_int_equal(rrd_job_record(j, 2500, &rid, NULL, NULL), RRD_E_INVALID);
	assert_string_equal(rid, "x");
	rrd_job_free(j);
	assert_int_equal(rrd_distributor_undo(w->f->dist, id, NULL), RRD_OK);
	j = get_job(w->other, id);
	assert_int_equal(rrd_job_state_of(j), RRD_JOB_UNDONE);
	assert_int_equal(rrd_job_record_count(j), 2500);
	rrd_job_free(j);
	world_free(w);
}

/* A batch that fails stops the job: stopped at once, with what its first
 * batch moved; running the same redistribution again moves the rest. */
static void test_job_stopped_by_a_failed_batch(void **state)
{
	(void)state;
	world *w = world_new(2500, 0);
	faulty_store_arm(w->fs, FAULTY_BEGIN, 1, 1);
	char id[RRD_JOB_ID_MAX + 1];
	assert_int_equal(job(w->f->dist, "alice", "bob", id), RRD_E_STORE);
	assert_string_equal(id, "J1");
	rrd_job *j = get_job(w->other, id);
	assert_int_equal(rrd_job_state_of(j), RRD_JOB_STOPPED);
	assert_int_equal(rrd_job_moved(j), 1000);
	assert_int_equal(rrd_job_total(j), 2500);
	assert_int_equal(rrd_job_record_count(j), 1000);
	check_moves(w->other, j, "alice", "bob");
	rrd_job_free(j);
	assert_int_equal(job(w->f->dist, "alice", "bob", id), RRD_OK);
	assert_string_equal(id, "J2");
	assert_int_equal(open_count(w->other, "alice"), 0);
	assert_int_equal(open_count(w->other, "bob"), 2500);
	world_free(w);
}

/* A process that ends mid-job writes nothing more, and gives no lock
 * back: its job reads as running while the lease of its last batch
 * lasts, and as stopped from the instant it ends, when another job may
 * take the lock; undo then puts back what it moved. */
static void test_job_whose_process_ended_is_stopped_after_its_lease(void **state)
{
	(void)state;
	world *w = world_new(2500, 0);
	fixture *f = w->f;
	faulty_store_arm(w->fs, FAULTY_BEGIN, 1, 0);
	faulty_store_arm(w->fs, FAULTY_LOCK_RELEASE, 0, 0);
	char id[RRD_JOB_ID_MAX + 1];
	assert_int_equal(job(f->dist, "alice", "bob", id), RRD_E_STORE);
	faulty_store_disarm(w->fs, FAULTY_BEGIN);
	faulty_store_disarm(w->fs, FAULTY_LOCK_RELEASE);
	f->now += RRD_RD_LEASE - 1;
	rrd_job *j = get_job(w->other, id);
	assert_int_equal(rrd_job_state_of(j), RRD_JOB_RUNNING);
	assert_int_equal(rrd_job_moved(j), 1000);
	rrd_job_free(j);
	assert_int_equal(job(w->other, "dan", "erin", NULL), RRD_E_BUSY);
	f->now += 1;
	j = get_job(w->other, id);
	assert_int_equal(rrd_job_state_of(j), RRD_JOB_STOPPED);
	assert_int_equal(rrd_job_record_count(j), 1000);
	check_moves(w->other, j, "alice", "bob");
	rrd_job_free(j);
	int64_t restored = 0;
	assert_int_equal(rrd_distributor_undo(w->other, id, &restored), RRD_OK);
	assert_int_equal(restored, 1000);
	assert_int_equal(open_count(w->other, "alice"), 2500);
	world_free(w);
}

static void test_job_bad_input(void **state)
{
	(void)state;
	world *w = world_new(1, 0);
	rrd_job *j = (rrd_job *)&j;
	assert_int_equal(rrd_distributor_get_job(NULL, "J1", &j), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_get_job(w->other, "J1", NULL), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_get_job(w->other, NULL, &j), RRD_E_INVALID);
	assert_null(j);
	assert_int_equal(rrd_distributor_get_job(w->other, "", &j), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_get_job(w->other, "J1", &j), RRD_E_UNKNOWN_JOB);
	assert_non_null(strstr(rrd_error_last(), "J1"));
	assert_int_equal(rrd_distributor_get_job(w->other, "J12345678901234567890123456", &j),
			 RRD_E_UNKNOWN_JOB);
	assert_null(j);
	assert_null(rrd_job_id(NULL));
	assert_int_equal(rrd_job_state_of(NULL), 0);
	assert_int_equal(rrd_job_record_count(NULL), 0);
	assert_int_equal(rrd_job_record(NULL, 0, NULL, NULL, NULL), RRD_E_INVALID);
	rrd_job_free(NULL);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner_names_host_process_token_and_call),
		cmocka_unit_test(test_forked_child_names_itself_apart),
		cmocka_unit_test(test_job_that_cannot_release_the_lock_succeeds),
		cmocka_unit_test(test_undo_that_cannot_release_the_lock_succeeds),
		cmocka_unit_test(test_job_renews_its_lease_before_each_batch),
		cmocka_unit_test(test_job_whose_renewal_fails_stops_cleanly),
		cmocka_unit_test(test_job_that_lost_its_lock_stops),
		cmocka_unit_test(test_job_state_through_its_life),
		cmocka_unit_test(test_job_stopped_by_a_failed_batch),
		cmocka_unit_test(test_job_whose_process_ended_is_stopped_after_its_lease),
		cmocka_unit_test(test_job_bad_input),
	};
	return cmocka_run_group_tests_name("lock", tests, NULL, NULL);
}
