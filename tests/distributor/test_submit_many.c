/*
 * rrd_distributor_submit_many: a batch routes exactly as the same submits
 * one by one, and any failure leaves everything as it was, naming the
 * record at fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "snapshot.h"
#include "store/store.h"

#define NRECORDS 60

static char record_names[NRECORDS + 2][16];
static const char *record_ids[NRECORDS + 3];
static const char *const pool_ids[] = { "web", "busy", "grab", "offers", "asleep", "nope",
					NULL };
static snap_ids ids = { pool_ids, record_ids, NULL, NULL };

static const char *const sources[] = { "zillow", "trulia", "hot", "form", "late", "walk-in" };

/* A lead pool of two members whose picks get offers with this window. */
static void window_pool(fixture *f, const char *id, rrd_strategy s, rrd_time window,
			const char *m1, const char *m2)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, s), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, window), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, m1), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, m2), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

/* Pools of every kind of step a record can take: a pick at once, a pick
 * by load, a piranha offer, a single offer, a pool where nobody is
 * eligible (to an overflow pool), and no rule at all. */
static fixture *build(void)
{
	fixture *f = fix_new(0);
	fix_agent(f, "ana");
	fix_agent(f, "ben");
	fix_agent(f, "cy");
	fix_agent(f, "dee");
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "zed"), RRD_OK);
	assert_int_equal(rrd_agent_set_paused(a, 1), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "ben", "cy", "dee", NULL);
	fix_pool(f, "busy", RRD_STRATEGY_LEAST_BUSY, "ana", "dee", NULL);
	fix_pool(f, "asleep", RRD_STRATEGY_ROUND_ROBIN, "zed", NULL);
	window_pool(f, "offers", RRD_STRATEGY_ROUND_ROBIN, 5 * RRD_MINUTE, "ben", "cy");
	window_pool(f, "grab", RRD_STRATEGY_PIRANHA, RRD_MINUTE, "ana", "cy");
	const char *const rules[][3] = { { "r1", "zillow", "web" },  { "r2", "trulia", "busy" },
					 { "r3", "hot", "grab" },    { "r4", "form", "offers" },
					 { "r5", "late", "asleep" } };
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
		rrd_rule *r;
		assert_int_equal(rrd_rule_new(&r, rules[i][0], rules[i][2]), RRD_OK);
		assert_int_equal(rrd_rule_add_source(r, rules[i][1]), RRD_OK);
		if (strcmp(rules[i][2], "asleep") == 0)
			assert_int_equal(rrd_rule_add_overflow(r, "web"), RRD_OK);
		assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
		rrd_rule_free(r);
	}
	return f;
}

/* Record i: id "B<i>", its source cycling through every route above. */
static rrd_record *record(size_t i)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, record_ids[i], RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_source(r, sources[i % 6]), RRD_OK);
	assert_int_equal(rrd_record_set_attr(r, "n", record_ids[i]), RRD_OK);
	return r;
}

static int setup_ids(void **state)
{
	(void)state;
	for (size_t i = 0; i < NRECORDS + 2; i++) {
		snprintf(record_names[i], sizeof record_names[i], "B%zu", i);
		record_ids[i] = record_names[i];
	}
	record_ids[NRECORDS + 2] = NULL;
	return 0;
}

static void free_all(rrd_record **rs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rrd_record_free(rs[i]);
}

static void test_batch_routes_as_one_by_one(void **state)
{
	(void)state;
	fixture *one = build(), *many = build();
	rrd_record *rs[NRECORDS];
	for (size_t i = 0; i < NRECORDS; i++)
		rs[i] = record(i);
	for (size_t i = 0; i < NRECORDS; i++)
		assert_int_equal(rrd_distributor_submit(one->dist, rs[i], NULL), RRD_OK);
	size_t failed = 0;
	assert_int_equal(rrd_distributor_submit_many(many->dist, (const rrd_record *const *)rs,
						     NRECORDS, NULL, &failed),
			 RRD_OK);
	assert_int_equal(failed, NRECORDS);
	/* Every route was taken, so the comparison covers each. */
	char *a = snap_take(one, &ids), *b = snap_take(many, &ids);
	assert_non_null(strstr(a, "offered"));
	assert_non_null(strstr(a, "no_rule"));
	assert_true(snap_same("batch against one by one", a, b));
	free(a);
	free(b);
	/* The callers' records are untouched and still theirs. */
	assert_null(rrd_record_owner(rs[0]));
	free_all(rs, NRECORDS);
	fix_free(one);
	fix_free(many);
}

static void test_batch_with_pool_option(void **state)
{
	(void)state;
	fixture *one = build(), *many = build();
	rrd_record *rs[12];
	for (size_t i = 0; i < 12; i++)
		rs[i] = record(i);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "busy";
	o.notify = 0;
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(rrd_distributor_submit(one->dist, rs[i], &o), RRD_OK);
	assert_int_equal(rrd_distributor_submit_many(many->dist, (const rrd_record *const *)rs,
						     12, &o, NULL),
			 RRD_OK);
	char *a = snap_take(one, &ids), *b = snap_take(many, &ids);
	assert_true(snap_same("batch to one pool", a, b));
	free(a);
	free(b);
	/* Least busy alternates between its two members. */
	assert_string_equal(fix_owner(many, "B0"), "ana");
	assert_string_equal(fix_owner(many, "B1"), "dee");
	free_all(rs, 12);
	fix_free(one);
	fix_free(many);
}

/* A failing batch: the status, the index, the message, and no change. */
static void expect_refused(fixture *f, rrd_record **rs, size_t n, const rrd_submit_options *o,
			   rrd_status want, size_t want_failed, const char *want_msg)
{
	char *before = snap_take(f, &ids);
	size_t failed = 12345;
	assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)rs, n, o,
						     &failed),
			 want);
	assert_int_equal(failed, want_failed);
	if (!strstr(rrd_error_last(), want_msg))
		fail_msg("message \"%s\" lacks \"%s\"", rrd_error_last(), want_msg);
	char *after = snap_take(f, &ids);
	assert_true(snap_same("after a refused batch", before, after));
	free(before);
	free(after);
}

static void test_existing_id_refuses_the_whole_batch(void **state)
{
	(void)state;
	fixture *f = build();
	rrd_record *rs[8];
	for (size_t i = 0; i < 8; i++)
		rs[i] = record(i);
	assert_int_equal(rrd_distributor_submit(f->dist, rs[5], NULL), RRD_OK);
	fix_clear_events(f);
	/* Records 0 to 4 route (offers and timers too) before 5 fails. */
	expect_refused(f, rs, 8, NULL, RRD_E_EXISTS, 5, "records[5]: a record \"B5\" exists");
	char *json = fix_record_json(f, "B0");
	assert_string_equal(json, "absent");
	free(json);
	assert_int_equal(f->nevents, 0);
	/* Without the culprit the same batch goes through. */
	rrd_record *culprit = rs[5];
	rs[5] = rs[7];
	assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)rs, 7,
						     NULL, NULL),
			 RRD_OK);
	assert_string_equal(fix_owner(f, "B0"), "ben");
	rrd_record_free(culprit);
	free_all(rs, 7);
	fix_free(f);
}

static void test_same_id_twice_in_a_batch(void **state)
{
	(void)state;
	fixture *f = build();
	rrd_record *rs[3] = { record(0), record(1), record(0) };
	expect_refused(f, rs, 3, NULL, RRD_E_EXISTS, 2, "records[2]: a record \"B0\" exists");
	free_all(rs, 3);
	fix_free(f);
}

static void test_kind_mismatch_names_the_record(void **state)
{
	(void)state;
	fixture *f = build();
	rrd_record *rs[3] = { record(0), NULL, record(2) };
	assert_int_equal(rrd_record_new(&rs[1], "B1", RRD_KIND_DEAL), RRD_OK);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "web";
	expect_refused(f, rs, 3, &o, RRD_E_KIND_MISMATCH, 1, "records[1]: pool \"web\" takes");
	free_all(rs, 3);
	fix_free(f);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	fixture *f = build();
	rrd_record *rs[3] = { record(0), NULL, record(2) };
	/* A NULL record, found before anything runs. */
	expect_refused(f, rs, 3, NULL, RRD_E_INVALID, 1, "records[1] is NULL");
	rs[1] = record(1);
	/* Faults of the call, not of a record: `failed` is n. */
	expect_refused(f, NULL, 3, NULL, RRD_E_INVALID, 3, "must not be NULL");
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.version = 0;
	expect_refused(f, rs, 3, &o, RRD_E_VERSION, 3, "version 0");
	o = (rrd_submit_options)RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "nope";
	expect_refused(f, rs, 3, &o, RRD_E_UNKNOWN_POOL, 3, "no pool \"nope\"");
	o.pool = "bad\x01id";
	expect_refused(f, rs, 3, &o, RRD_E_INVALID, 3, "pool id");
	size_t failed = 0;
	assert_int_equal(rrd_distributor_submit_many(NULL, (const rrd_record *const *)rs, 3, NULL,
						     &failed),
			 RRD_E_INVALID);
	assert_int_equal(failed, 3);
	/* Nothing to submit is not an error, and changes nothing. */
	char *before = snap_take(f, &ids);
	assert_int_equal(rrd_distributor_submit_many(f->dist, NULL, 0, NULL, &failed), RRD_OK);
	assert_int_equal(failed, 0);
	char *after = snap_take(f, &ids);
	assert_true(snap_same("empty batch", before, after));
	free(before);
	free(after);
	free_all(rs, 3);
	fix_free(f);
}

/* A batch larger than the record cache: every record is stored with one
 * owner, the open counts add up, and the cache does not keep them all. */
static void test_large_batch(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "ana");
	fix_agent(f, "ben");
	fix_agent(f, "cy");
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "ana", "ben", "cy", NULL);
	enum { N = 20000 };
	rrd_record **rs = calloc(N, sizeof *rs);
	assert_non_null(rs);
	for (size_t i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof id, "X%zu", i);
		assert_int_equal(rrd_record_new(&rs[i], id, RRD_KIND_LEAD), RRD_OK);
	}
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "web";
	assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)rs, N,
						     &o, NULL),
			 RRD_OK);
	assert_int_equal(f->nevents, N);
	const char *const agents[] = { "ana", "ben", "cy" };
	for (size_t i = 0; i < N; i += 997)
		assert_string_equal(fix_owner(f, rrd_record_id(rs[i])), agents[i % 3]);
	for (size_t k = 0; k < 3; k++) {
		rrd_agent *a;
		assert_int_equal(rrd_distributor_get_agent(f->dist, agents[k], &a), RRD_OK);
		assert_int_equal(rrd_agent_open_count(a), N / 3 + (k < N % 3));
		rrd_agent_free(a);
	}
	free_all(rs, N);
	free(rs);
	fix_free(f);
}

/* A store without has_many (a host's, built against the first version of
 * the table) is asked record by record, with the same outcome. */
static void test_store_without_has_many(void **state)
{
	(void)state;
	rrd_store *mem, *st;
	assert_int_equal(rrd_store_memory_new(&mem), RRD_OK);
	rrd_store_methods v1 = mem->m;
	v1.version = 1;
	v1.close = NULL; /* `mem` closes the backend */
	assert_int_equal(rrd_store_new(&st, &v1, mem->self), RRD_OK);
	assert_null(st->m.has_many);
	rrd_distributor *d;
	assert_int_equal(rrd_distributor_new(&d, st, NULL), RRD_OK);
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "ana"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(d, a), RRD_OK);
	rrd_agent_free(a);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "ana"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(d, p), RRD_OK);
	rrd_pool_free(p);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "web";
	rrd_record *rs[3] = { record(0), record(1), record(2) };
	assert_int_equal(rrd_distributor_submit(d, rs[1], &o), RRD_OK);
	size_t failed = 0;
	assert_int_equal(rrd_distributor_submit_many(d, (const rrd_record *const *)rs, 3, &o,
						     &failed),
			 RRD_E_EXISTS);
	assert_int_equal(failed, 1);
	rrd_record *got = NULL;
	assert_int_equal(rrd_distributor_get_record(d, "B0", &got), RRD_E_UNKNOWN_RECORD);
	rrd_record_free(rs[1]);
	rs[1] = rs[2];
	assert_int_equal(rrd_distributor_submit_many(d, (const rrd_record *const *)rs, 2, &o,
						     &failed),
			 RRD_OK);
	assert_int_equal(rrd_distributor_get_record(d, "B2", &got), RRD_OK);
	assert_string_equal(rrd_record_owner(got), "ana");
	rrd_record_free(got);
	rrd_record_free(rs[0]);
	rrd_record_free(rs[2]);
	rrd_distributor_free(d);
	rrd_store_free(st);
	rrd_store_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_routes_as_one_by_one),
		cmocka_unit_test(test_batch_with_pool_option),
		cmocka_unit_test(test_existing_id_refuses_the_whole_batch),
		cmocka_unit_test(test_same_id_twice_in_a_batch),
		cmocka_unit_test(test_kind_mismatch_names_the_record),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_large_batch),
		cmocka_unit_test(test_store_without_has_many),
	};
	return cmocka_run_group_tests(tests, setup_ids, NULL);
}
