/* A job's journal: what undo reads back, in the form this release writes
 * and in the form earlier releases wrote, and jobs of many batches. */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "store/store.h"
#include "util/buf.h"

static void agent(fixture *f, const char *id)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	assert_int_equal(rrd_agent_add_type(a, "salesperson"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static void import(fixture *f, const char *id, rrd_record_status st, const char *owner,
		   const char *bdc)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, st), RRD_OK);
	assert_int_equal(rrd_record_set_attr(r, "segment", "smb"), RRD_OK);
	if (owner) {
		assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
		assert_int_equal(rrd_record_set_role(r, "salesperson", owner), RRD_OK);
	}
	if (bdc)
		assert_int_equal(rrd_record_set_role(r, "sales_bdc", bdc), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
}

/* A queue entry as the store holds it: its bytes (malloc) and order. */
typedef struct stored {
	unsigned char *data;
	size_t len;
	int64_t order;
} stored;

static stored read_entry(rrd_store *st, int ns, const char *key)
{
	stored s = { 0 };
	const void *v;
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.get(st->self, ns, key, &v, &s.len, &s.order), RRD_OK);
	assert_non_null(s.data = malloc(s.len ? s.len : 1));
	memcpy(s.data, v, s.len);
	assert_int_equal(st->m.rollback(st->self), RRD_OK);
	return s;
}

/* A journal entry in format 1, as releases before this one wrote it:
 * fixed 8-byte integers and lengths, the record's id in the value too. */
static void put_v1_entry(rrd_store *st, const char *job, int64_t seq, const char *record,
			 const char *old_owner, rrd_record_status old_status,
			 const char *const *roles, size_t nroles, rrd_time old_reassigned,
			 const stored *queued, const char *new_owner)
{
	rrd_buf b = { 0 };
	rrd__buf_u8(&b, 1);
	rrd__buf_str(&b, record);
	rrd__buf_str(&b, old_owner);
	rrd__buf_u8(&b, (uint8_t)old_status);
	rrd__buf_i64(&b, (int64_t)nroles);
	for (size_t i = 0; i < nroles; i++) {
		rrd__buf_str(&b, roles[2 * i]);
		rrd__buf_str(&b, roles[2 * i + 1]);
	}
	rrd__buf_i64(&b, old_reassigned);
	rrd__buf_i64(&b, queued ? (int64_t)queued->len : -1);
	if (queued)
		rrd__buf_put(&b, queued->data, queued->len);
	rrd__buf_i64(&b, queued ? queued->order : 0);
	rrd__buf_str(&b, new_owner);
	assert_false(b.failed);
	char key[64];
	snprintf(key, sizeof key, "%s\x1f%s", job, record);
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, RRD_NS_JOURNAL, key, b.data, b.len, seq), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd__buf_free(&b);
}

static rrd_status redistribute(fixture *f, const char *const *ids, size_t n, const char *to,
			       char job[RRD_JOB_ID_MAX + 1])
{
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_records(rd, ids, n), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, &to, 1), RRD_OK);
	rrd_status rc = rrd_distributor_redistribute(f->dist, rd, job, RRD_JOB_ID_MAX + 1);
	rrd_redistribution_free(rd);
	return rc;
}

/* A pool that queues what it is given: its only member is paused. */
static void queue_pool(fixture *f)
{
	agent(f, "erin");
	fix_set_paused(f, "erin", 1);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "nobody", RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "erin"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

static void submit_queued(fixture *f, const char *id)
{
	rrd_record *r;
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "nobody";
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_distributor_submit(f->dist, r, &so), RRD_OK);
	rrd_record_free(r);
	assert_int_equal(fix_status(f, id), RRD_RECORD_QUEUED);
}

/* A job an earlier release journalled is undone as exactly as one of
 * this release: owner, status, roles, reassignment time, queue place. */
static void undo_reads_the_earlier_journal_form(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	agent(f, "alice");
	agent(f, "bob");
	agent(f, "dan");
	queue_pool(f);
	import(f, "C-1", RRD_RECORD_CLAIMED, "alice", "dan");
	submit_queued(f, "Q-1");
	submit_queued(f, "Q-2");
	char *c1 = fix_record_json(f, "C-1");
	char *q1 = fix_record_json(f, "Q-1");
	stored q1_entry = read_entry(f->store, RRD_NS_QUEUE, "Q-1");
	f->now += RRD_HOUR;
	char job[RRD_JOB_ID_MAX + 1];
	const char *ids[] = { "C-1", "Q-1" };
	assert_int_equal(redistribute(f, ids, 2, "bob", job), RRD_OK);
	assert_string_equal(fix_owner(f, "C-1"), "bob");
	assert_string_equal(fix_owner(f, "Q-1"), "bob");

	/* The same journal as an earlier release would have written it: an
	 * entry for each record in place of the batch's one. */
	rrd_store *st = f->store;
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.del(st->self, RRD_NS_JOURNAL, "J1\x1f\x1f" "0"), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	const char *roles[] = { "sales_bdc", "dan", "salesperson", "alice" };
	put_v1_entry(f->store, job, 0, "C-1", "alice", RRD_RECORD_CLAIMED, roles, 2,
		     RRD_TIME_NONE, NULL, "bob");
	put_v1_entry(f->store, job, 1, "Q-1", NULL, RRD_RECORD_QUEUED, NULL, 0, RRD_TIME_NONE,
		     &q1_entry, "bob");

	f->now += RRD_HOUR;
	fix_clear_events(f);
	int64_t restored;
	assert_int_equal(rrd_distributor_undo(f->dist, job, &restored), RRD_OK);
	assert_int_equal(restored, 2);
	assert_string_equal(fix_event(f, 0), "assigned C-1 alice via=undo previous=bob");
	assert_string_equal(fix_event(f, 1), "queued Q-1 reason=no_eligible_agent");
	char *c1_after = fix_record_json(f, "C-1");
	char *q1_after = fix_record_json(f, "Q-1");
	assert_string_equal(c1, c1_after);
	assert_string_equal(q1, q1_after);
	/* Q-1 is first in the queue again, before Q-2. */
	rrd_queue *q;
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	assert_int_equal(rrd_queue_count(q), 2);
	const char *first;
	assert_int_equal(rrd_queue_entry(q, 0, &first, NULL, NULL, NULL, NULL), RRD_OK);
	assert_string_equal(first, "Q-1");
	rrd_queue_free(q);
	assert_int_equal(fix_open_count(f, "bob"), 0);
	assert_int_equal(fix_open_count(f, "alice"), 1);
	free(c1);
	free(q1);
	free(c1_after);
	free(q1_after);
	free(q1_entry.data);
	fix_free(f);
}

/* A journal entry that is not one is refused, and nothing changes. */
static void undo_refuses_a_damaged_entry(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	agent(f, "alice");
	agent(f, "bob");
	import(f, "C-1", RRD_RECORD_PENDING, "alice", NULL);
	import(f, "C-2", RRD_RECORD_PENDING, "alice", NULL);
	char job[RRD_JOB_ID_MAX + 1];
	const char *ids[] = { "C-1", "C-2" };
	assert_int_equal(redistribute(f, ids, 2, "bob", job), RRD_OK);
	stored e = read_entry(f->store, RRD_NS_JOURNAL, "J1\x1f\x1f" "0");
	rrd_store *st = f->store;
	/* Cut short, then with a byte too many, then of an unknown format. */
	const size_t lens[] = { e.len - 1, e.len + 1, e.len };
	for (size_t k = 0; k < 3; k++) {
		unsigned char bad[256];
		assert_true(e.len + 1 <= sizeof bad);
		memcpy(bad, e.data, e.len);
		bad[e.len] = 0;
		if (k == 2)
			bad[0] = 9;
		assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
		assert_int_equal(st->m.put(st->self, RRD_NS_JOURNAL, "J1\x1f\x1f" "0", bad, lens[k], 0),
				 RRD_OK);
		assert_int_equal(st->m.commit(st->self), RRD_OK);
		assert_int_equal(rrd_distributor_undo(f->dist, job, NULL), RRD_E_STORE);
		assert_string_equal(fix_owner(f, "C-1"), "bob");
		assert_string_equal(fix_owner(f, "C-2"), "bob");
	}
	free(e.data);
	fix_free(f);
}

/* A record that moved on since the job is what an undo refuses, before
 * any other failure and wherever it lies: here a journalled queue entry
 * that is damaged comes in an earlier chunk of records than the record
 * that moved on. */
static void undo_names_a_moved_record_first(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	agent(f, "alice");
	agent(f, "bob");
	agent(f, "carol");
	enum { N = RRD_REDISTRIBUTE_BATCH + 1 };
	for (int i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof id, "C-%04d", i);
		import(f, id, RRD_RECORD_PENDING, "alice", NULL);
	}
	rrd_redistribution *rd;
	const char *to = "bob";
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, &to, 1), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_distributor_redistribute(f->dist, rd, job, sizeof job), RRD_OK);
	rrd_redistribution_free(rd);
	/* The journal as an earlier release would have written it, but for
	 * the first record's queue entry, which is damaged. */
	rrd_store *st = f->store;
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.del(st->self, RRD_NS_JOURNAL, "J1\x1f\x1f" "0"), RRD_OK);
	assert_int_equal(st->m.del(st->self, RRD_NS_JOURNAL, "J1\x1f\x1f" "1000"), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	unsigned char junk[] = { 1, 2 };
	stored damaged = { junk, sizeof junk, 1 };
	for (int i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof id, "C-%04d", i);
		put_v1_entry(st, job, i, id, "alice", RRD_RECORD_PENDING, NULL, 0, RRD_TIME_NONE,
			     i ? NULL : &damaged, "bob");
	}
	/* The last record, in the second chunk, moves on. */
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "C-1000", "carol", NULL),
			 RRD_OK);
	fix_clear_events(f);
	assert_int_equal(rrd_distributor_undo(f->dist, job, NULL), RRD_E_CONFLICT);
	assert_non_null(strstr(rrd_error_last(), "C-1000"));
	/* Put back, the damaged entry is what fails; nothing changes. */
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "C-1000", "bob", NULL),
			 RRD_OK);
	fix_clear_events(f);
	assert_int_equal(rrd_distributor_undo(f->dist, job, NULL), RRD_E_STORE);
	assert_non_null(strstr(rrd_error_last(), "damaged"));
	assert_int_equal(f->nevents, 0);
	assert_string_equal(fix_owner(f, "C-0000"), "bob");
	assert_string_equal(fix_owner(f, "C-0999"), "bob");
	assert_int_equal(fix_open_count(f, "bob"), N);
	assert_int_equal(fix_open_count(f, "alice"), 0);
	fix_free(f);
}

/* A job of several batches is undone record for record. */
static void a_job_of_many_batches_is_undone_exactly(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	agent(f, "alice");
	agent(f, "bob");
	agent(f, "carol");
	agent(f, "dan");
	enum { N = 2 * RRD_REDISTRIBUTE_BATCH + 7 };
	char **before = calloc(N, sizeof *before);
	assert_non_null(before);
	for (int i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof id, "C-%04d", i);
		import(f, id, i % 5 ? RRD_RECORD_PENDING : RRD_RECORD_CLAIMED, "alice",
		       i % 3 ? NULL : "dan");
		before[i] = fix_record_json(f, id);
	}
	f->now += RRD_HOUR;
	rrd_redistribution *rd;
	const char *to[] = { "bob", "carol" };
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, to, 2), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_distributor_redistribute(f->dist, rd, job, sizeof job), RRD_OK);
	rrd_redistribution_free(rd);
	assert_int_equal(fix_open_count(f, "alice"), 0);
	assert_int_equal(fix_open_count(f, "bob") + fix_open_count(f, "carol"), N);
	assert_string_equal(fix_owner(f, "C-0000"), "bob");
	assert_string_equal(fix_owner(f, "C-0001"), "carol");
	assert_string_equal(fix_owner(f, "C-2006"), "bob");
	f->now += RRD_HOUR;
	int64_t restored;
	assert_int_equal(rrd_distributor_undo(f->dist, job, &restored), RRD_OK);
	assert_int_equal(restored, N);
	for (int i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof id, "C-%04d", i);
		char *after = fix_record_json(f, id);
		assert_string_equal(before[i], after);
		free(after);
		free(before[i]);
	}
	free(before);
	assert_int_equal(fix_open_count(f, "alice"), N);
	assert_int_equal(fix_open_count(f, "bob"), 0);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(undo_reads_the_earlier_journal_form),
		cmocka_unit_test(undo_refuses_a_damaged_entry),
		cmocka_unit_test(a_job_of_many_batches_is_undone_exactly),
		cmocka_unit_test(undo_names_a_moved_record_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
