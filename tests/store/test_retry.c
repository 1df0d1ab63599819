/*
 * A store that loses races: RRD_E_RETRY from a callback makes the library
 * run the whole operation again, up to max_retries times, and then fail
 * with RRD_E_RETRY having changed nothing; from the fourth run on it asks
 * the store to run it alone. Reads begin read-only, and a
 * store that keeps no generation is read afresh at every transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/faulty_store.h"
#include "../support/fixture.h"

typedef struct world {
	faulty_store *fs;
	fixture *f;
} world;

static world *make(int max_retries)
{
	world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	w->fs = faulty_store_new();
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.max_retries = max_retries;
	w->f = fix_new_tuned(w->fs->store, &o);
	fix_agent(w->f, "alice");
	fix_agent(w->f, "bob");
	fix_pool(w->f, "web", RRD_STRATEGY_ROUND_ROBIN, "alice", "bob", NULL);
	fix_clear_events(w->f);
	return w;
}

static rrd_status submit_routed(fixture *f, const char *id)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	rrd_status rc = rrd_distributor_submit(f->dist, r, NULL);
	rrd_record_free(r);
	return rc;
}

static void assert_absent(fixture *f, const char *record)
{
	char *json = fix_record_json(f, record);
	assert_string_equal(json, "absent");
	free(json);
}

static void unmake(world *w)
{
	fix_free(w->f);
	faulty_store_free(w->fs);
	free(w);
}

/* Lost races that end before the retries do cost nothing but time: the
 * lead goes to the member it would have gone to, once, with one event. */
static void test_lost_races_are_run_again(void **state)
{
	(void)state;
	for (int where = 0; where < 2; where++) {
		world *w = make(0);
		w->fs->status = RRD_E_RETRY;
		faulty_call kind = where ? FAULTY_COMMIT : FAULTY_BEGIN;
		faulty_store_arm(w->fs, kind, 0, 3);
		long before = w->fs->calls[kind];
		assert_int_equal(fix_submit(w->f, "L1", "web"), RRD_OK);
		assert_int_equal(w->fs->failed[kind], 3);
		assert_int_equal(w->fs->calls[kind] - before, 4);
		assert_string_equal(fix_owner(w->f, "L1"), "alice");
		assert_int_equal(fix_open_count(w->f, "alice"), 1);
		assert_int_equal(w->f->nevents, 1);
		assert_string_equal(fix_event(w->f, 0), "assigned L1 alice via=route pool=web");
		/* The cursor moved once. */
		assert_int_equal(fix_submit(w->f, "L2", "web"), RRD_OK);
		assert_string_equal(fix_owner(w->f, "L2"), "bob");
		unmake(w);
	}
}

/* After max_retries runs again, the call fails with RRD_E_RETRY and the
 * store's message, and nothing changed. */
static void test_retries_run_out(void **state)
{
	(void)state;
	static const int limits[] = { 0, 2, RRD_RETRY_NONE };
	static const long commits[] = { 9, 3, 1 };
	for (size_t i = 0; i < 3; i++) {
		world *w = make(limits[i]);
		w->fs->status = RRD_E_RETRY;
		faulty_store_arm(w->fs, FAULTY_COMMIT, 0, 0);
		long before = w->fs->calls[FAULTY_COMMIT];
		assert_int_equal(fix_submit(w->f, "L1", "web"), RRD_E_RETRY);
		assert_int_equal(rrd_error_last_status(), RRD_E_RETRY);
		assert_non_null(strstr(rrd_error_last(), "the test's store refused the call"));
		assert_int_equal(w->fs->calls[FAULTY_COMMIT] - before, commits[i]);
		faulty_store_disarm(w->fs, FAULTY_COMMIT);
		assert_int_equal(w->f->nevents, 0);
		assert_absent(w->f, "L1");
		assert_int_equal(fix_open_count(w->f, "alice"), 0);
		assert_int_equal(fix_submit(w->f, "L1", "web"), RRD_OK);
		assert_string_equal(fix_owner(w->f, "L1"), "alice");
		unmake(w);
	}
}

/* An operation that lost three races asks the store to run its fourth
 * try alone (RRD_TXN_EXCLUSIVE), and only that try; one that won by its
 * third does not ask. */
static void test_fourth_run_is_alone(void **state)
{
	(void)state;
	for (long lost = 2; lost <= 4; lost++) {
		world *w = make(0);
		w->fs->status = RRD_E_RETRY;
		faulty_store_arm(w->fs, FAULTY_COMMIT, 0, lost);
		assert_int_equal(fix_submit(w->f, "L1", "web"), RRD_OK);
		assert_int_equal(w->fs->failed[FAULTY_COMMIT], lost);
		/* Runs 4, 5, ... are alone: lost 2 needs none, 3 one, 4 two. */
		assert_int_equal(w->fs->exclusive_begins, lost - 2);
		assert_string_equal(fix_owner(w->f, "L1"), "alice");
		assert_int_equal(fix_submit(w->f, "L2", "web"), RRD_OK);
		assert_int_equal(w->fs->exclusive_begins, lost - 2);
		unmake(w);
	}
}

/* A store whose table predates RRD_E_RETRY said "busy" for it. */
static void test_busy_of_an_older_table_is_retry(void **state)
{
	(void)state;
	world *w = make(RRD_RETRY_NONE);
	w->fs->status = RRD_E_BUSY;
	faulty_store_arm(w->fs, FAULTY_BEGIN, 0, 1);
	assert_int_equal(fix_submit(w->f, "L1", "web"), RRD_E_RETRY);
	assert_absent(w->f, "L1");
	unmake(w);
}

/* Getters begin read-only; operations that may write do not. */
static void test_reads_begin_read_only(void **state)
{
	(void)state;
	world *w = make(0);
	long ro = w->fs->read_only_begins, all = w->fs->calls[FAULTY_BEGIN];
	rrd_agent *a = NULL;
	assert_int_equal(rrd_distributor_get_agent(w->f->dist, "alice", &a), RRD_OK);
	rrd_agent_free(a);
	rrd_pool *p = NULL;
	assert_int_equal(rrd_distributor_get_pool(w->f->dist, "web", &p), RRD_OK);
	rrd_pool_free(p);
	assert_int_equal(w->fs->read_only_begins - ro, 2);
	assert_int_equal(w->fs->calls[FAULTY_BEGIN] - all, 2);
	ro = w->fs->read_only_begins;
	assert_int_equal(fix_submit(w->f, "L1", "web"), RRD_OK);
	assert_int_equal(w->fs->read_only_begins, ro);
	unmake(w);
}

/* Two distributors on a store that keeps no generation: each sees what
 * the other committed, counters and configuration alike. */
static void test_no_generation_reads_afresh(void **state)
{
	(void)state;
	world *w = make(0);
	w->fs->no_generation = 1;
	fixture *g = fix_new_on(w->fs->store, 0);
	assert_int_equal(fix_submit(w->f, "L1", "web"), RRD_OK);
	assert_int_equal(fix_submit(g, "L2", "web"), RRD_OK);
	assert_int_equal(fix_submit(w->f, "L3", "web"), RRD_OK);
	assert_string_equal(fix_owner(w->f, "L1"), "alice");
	assert_string_equal(fix_owner(w->f, "L2"), "bob");
	assert_string_equal(fix_owner(w->f, "L3"), "alice");
	assert_int_equal(fix_open_count(g, "alice"), 2);
	fix_set_paused(g, "alice", 1);
	assert_int_equal(fix_submit(w->f, "L4", "web"), RRD_OK);
	assert_string_equal(fix_owner(w->f, "L4"), "bob");
	fix_free(g);
	unmake(w);
}

/* On a store that keeps no generation, a submit reads what it needs in
 * one call: the configuration's version, the record's id, the pool's
 * cursor and its members' counters. */
static void test_no_generation_submit_reads_once(void **state)
{
	(void)state;
	world *w = make(0);
	w->fs->no_generation = 1;
	for (int i = 0; i < 5; i++) {
		char id[8];
		snprintf(id, sizeof id, "M%d", i);
		fix_agent(w->f, id);
	}
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "seven", RRD_KIND_LEAD), RRD_OK);
	static const char *const members[] = { "alice", "bob", "M0", "M1", "M2", "M3", "M4" };
	for (int i = 0; i < 7; i++)
		assert_int_equal(rrd_pool_add_member(p, members[i]), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(w->f->dist, p), RRD_OK);
	rrd_pool_free(p);
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "all", "seven"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(w->f->dist, r), RRD_OK);
	rrd_rule_free(r);
	for (int i = 0; i < 20; i++) {
		char id[8];
		snprintf(id, sizeof id, "L%d", i);
		long gets = w->fs->gets, many = w->fs->get_manys, scans = w->fs->scans_all;
		if (i % 2)
			assert_int_equal(fix_submit(w->f, id, "seven"), RRD_OK);
		else
			assert_int_equal(submit_routed(w->f, id), RRD_OK);
		assert_int_equal(w->fs->gets - gets, 0);
		assert_int_equal(w->fs->get_manys - many, 1);
		assert_int_equal(w->fs->scans_all - scans, 0);
		assert_string_equal(fix_owner(w->f, id), members[i % 7]);
	}
	unmake(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_races_are_run_again),
		cmocka_unit_test(test_retries_run_out),
		cmocka_unit_test(test_fourth_run_is_alone),
		cmocka_unit_test(test_busy_of_an_older_table_is_retry),
		cmocka_unit_test(test_reads_begin_read_only),
		cmocka_unit_test(test_no_generation_reads_afresh),
		cmocka_unit_test(test_no_generation_submit_reads_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
