/*
 * A redistribution of more than one batch whose store says, once, that a
 * batch's transaction lost a race (at its begin, or at its commit): the
 * batch runs again from where it began, and the job ends exactly as it
 * does when nothing is lost: every record with the same new owner, the
 * same events, the same job, which undoes the same number of records.
 */
#include <stdlib.h>
#include <string.h>

#include "../support/faulty_store.h"
#include "../support/fixture.h"

#define RECORDS (RRD_REDISTRIBUTE_BATCH + 5)

/* alice holds RECORDS records (C-0000...), which bob and carol are to
 * take. */
static fixture *prepare(faulty_store *fs)
{
	fixture *f = fix_new_on(fs->store, 0);
	fix_agent(f, "alice");
	fix_agent(f, "bob");
	fix_agent(f, "carol");
	for (int i = 0; i < RECORDS; i++) {
		char id[16];
		snprintf(id, sizeof id, "C-%04d", i);
		rrd_record *r;
		assert_int_equal(rrd_record_new(&r, id, RRD_KIND_CUSTOMER), RRD_OK);
		assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
		assert_int_equal(rrd_record_set_owner(r, "alice"), RRD_OK);
		assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
		rrd_record_free(r);
	}
	fix_clear_events(f);
	return f;
}

/* What the job left: its id, the events, every record's owner, and how
 * many records undoing it restores. Free with free(). */
static char *run_job(faulty_store *fs, fixture *f)
{
	rrd_redistribution *rd;
	const char *to[] = { "bob", "carol" };
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, to, 2), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_distributor_redistribute(f->dist, rd, job, sizeof job), RRD_OK);
	rrd_redistribution_free(rd);
	faulty_store_disarm(fs, FAULTY_BEGIN);
	faulty_store_disarm(fs, FAULTY_COMMIT);
	size_t cap = 64 + f->nevents * 96 + RECORDS * 24, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "job %s\n", job);
	for (size_t i = 0; i < f->nevents; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s\n", fix_event(f, i));
	for (int i = 0; i < RECORDS; i++) {
		char id[16];
		snprintf(id, sizeof id, "C-%04d", i);
		n += (size_t)snprintf(text + n, cap - n, "%s:%s\n", id, fix_owner(f, id));
	}
	int64_t restored = -1;
	assert_int_equal(rrd_distributor_undo(f->dist, job, &restored), RRD_OK);
	n += (size_t)snprintf(text + n, cap - n, "undo restored %lld\n", (long long)restored);
	assert_true(n < cap);
	return text;
}

/* The clean run's outcome, and the one with call `skip` + 1 of `kind`
 * (from the job's start) losing a race once. */
static void case_lost_race(faulty_call kind, long skip)
{
	faulty_store *fs = faulty_store_new();
	fixture *f = prepare(fs);
	char *clean = run_job(fs, f);
	fix_free(f);
	faulty_store_free(fs);

	fs = faulty_store_new();
	f = prepare(fs);
	fs->status = RRD_E_RETRY;
	faulty_store_arm(fs, kind, skip, 1);
	char *raced = run_job(fs, f);
	assert_int_equal(fs->failed[kind], 1);
	assert_string_equal(raced, clean);
	fix_free(f);
	faulty_store_free(fs);
	free(clean);
	free(raced);
}

static void test_first_batch_commit_lost(void **state)
{
	(void)state;
	case_lost_race(FAULTY_COMMIT, 0);
}

static void test_second_batch_commit_lost(void **state)
{
	(void)state;
	case_lost_race(FAULTY_COMMIT, 1);
}

static void test_second_batch_begin_lost(void **state)
{
	(void)state;
	case_lost_race(FAULTY_BEGIN, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_batch_commit_lost),
		cmocka_unit_test(test_second_batch_commit_lost),
		cmocka_unit_test(test_second_batch_begin_lost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
