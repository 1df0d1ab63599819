/*
 * A batch's new records on a store with add_many, on the store named by
 * the one argument (tests/support/stores.h): the library does not ask
 * the store whether each id is taken (no has_many, no get); it adds the
 * records, and the store's add finds out. When it finds an id taken, the
 * batch changes nothing, and a second run, which asks first, names the
 * record as the store without add_many would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/faulty_store.h"
#include "../support/fixture.h"
#include "../support/stores.h"
#include "store/store.h"

static const test_store_kind *kind;

#define N 40

static rrd_record *lead(const char *id)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	return r;
}

/* Leads "<prefix>0".."<prefix><n-1>". */
static rrd_record **leads(const char *prefix, size_t n)
{
	rrd_record **rs = calloc(n, sizeof *rs);
	assert_non_null(rs);
	for (size_t i = 0; i < n; i++) {
		char id[32];
		snprintf(id, sizeof id, "%s%zu", prefix, i);
		rs[i] = lead(id);
	}
	return rs;
}

static void free_leads(rrd_record **rs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rrd_record_free(rs[i]);
	free(rs);
}

/* A distributor on `fs`, with agents ana and ben in round-robin "web". */
static fixture *on(faulty_store *fs, int first)
{
	fixture *f = fix_new_on(fs->store, 0);
	if (first) {
		fix_agent(f, "ana");
		fix_agent(f, "ben");
		fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "ana", "ben", NULL);
	}
	return f;
}

static const rrd_submit_options *to_web(void)
{
	static rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "web";
	return &o;
}

static void test_new_records_are_added_unasked(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new_on(kind);
	assert_non_null(fs->store->m.add_many);
	fixture *f = on(fs, 1);
	rrd_record **rs = leads("L", N);
	long gets = fs->gets, get_manys = fs->get_manys;
	size_t failed = 99;
	assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)rs, N,
						     to_web(), &failed),
			 RRD_OK);
	assert_int_equal(fs->has_manys, 0);
	assert_int_equal(fs->add_manys, 1);
	/* The pool's cursor, its agents' counters, a block of order
	 * numbers: a handful of reads, whatever the batch's size; no record. */
	assert_true(fs->gets - gets + fs->get_manys - get_manys < 10);
	for (size_t i = 0; i < N; i++)
		assert_string_equal(fix_owner(f, rrd_record_id(rs[i])), i % 2 ? "ben" : "ana");
	assert_int_equal(fix_open_count(f, "ana"), N / 2);
	assert_int_equal(fix_open_count(f, "ben"), N / 2);
	assert_int_equal(f->nevents, N);
	free_leads(rs, N);
	fix_free(f);
	faulty_store_free(fs);
}

/* "L7" is stored by another distributor, so this one's cache does not
 * know it: only the store's add finds it taken. */
static void test_a_taken_id_is_named_and_nothing_changes(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new_on(kind);
	fixture *other = on(fs, 1);
	assert_int_equal(fix_submit(other, "L7", "web"), RRD_OK);
	fixture *f = on(fs, 0);
	rrd_record **rs = leads("L", N);
	long adds = fs->add_manys;
	size_t failed = 99;
	assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)rs, N,
						     to_web(), &failed),
			 RRD_E_EXISTS);
	assert_int_equal(failed, 7);
	assert_non_null(strstr(rrd_error_last(), "records[7]"));
	assert_non_null(strstr(rrd_error_last(), "\"L7\""));
	/* One add that failed, then a run that asked first and wrote nothing. */
	assert_int_equal(fs->add_manys - adds, 1);
	assert_int_equal(fs->has_manys, 1);
	assert_int_equal(f->nevents, 0);
	rrd_record *got = NULL;
	assert_int_equal(rrd_distributor_get_record(f->dist, "L0", &got), RRD_E_UNKNOWN_RECORD);
	assert_int_equal(rrd_distributor_get_record(f->dist, "L39", &got), RRD_E_UNKNOWN_RECORD);
	assert_int_equal(fix_open_count(f, "ana") + fix_open_count(f, "ben"), 1);
	/* The round robin's cursor did not move either: L7 went to ana. */
	assert_int_equal(fix_submit(f, "M0", "web"), RRD_OK);
	assert_string_equal(fix_owner(f, "M0"), "ben");
	/* Without L7 the rest goes in, unasked again. */
	rrd_record_free(rs[7]);
	rs[7] = rs[N - 1];
	long has = fs->has_manys;
	assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)rs,
						     N - 1, to_web(), &failed),
			 RRD_OK);
	assert_int_equal(fs->has_manys, has);
	assert_int_equal(fix_open_count(f, "ana") + fix_open_count(f, "ben"), N + 1);
	free_leads(rs, N - 1);
	fix_free(f);
	fix_free(other);
	faulty_store_free(fs);
}

/* A store that fails the add as it would any write: the batch fails
 * with the store's message, nothing changes, and no second run hides
 * it. The add's place among the store's calls depends on the store, so
 * each call is failed in turn until the add is (each failure changing
 * nothing too). */
static void test_an_add_that_fails_changes_nothing(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new_on(kind);
	fixture *f = on(fs, 1);
	rrd_record **rs = leads("L", N);
	int added = 0;
	for (long skip = 0; skip < 200 && !added; skip++) {
		long has = fs->has_manys;
		fs->refused = NULL;
		faulty_store_arm(fs, FAULTY_OTHER, skip, 1);
		size_t failed = 99;
		rrd_status rc = rrd_distributor_submit_many(f->dist, (const rrd_record *const *)rs,
							    N, to_web(), &failed);
		faulty_store_disarm(fs, FAULTY_OTHER);
		assert_non_null(fs->refused);
		assert_int_equal(rc, RRD_E_STORE);
		assert_non_null(strstr(rrd_error_last(), FAULTY_MESSAGE));
		added = strcmp(fs->refused, "add_many") == 0;
		if (added)
			assert_int_equal(fs->has_manys, has);
		assert_int_equal(f->nevents, 0);
		assert_int_equal(fix_open_count(f, "ana") + fix_open_count(f, "ben"), 0);
		rrd_record *got = NULL;
		assert_int_equal(rrd_distributor_get_record(f->dist, "L0", &got),
				 RRD_E_UNKNOWN_RECORD);
	}
	assert_true(added);
	free_leads(rs, N);
	fix_free(f);
	faulty_store_free(fs);
}

int main(int argc, char **argv)
{
	kind = test_store_kind_named(argc > 1 ? argv[1] : NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_records_are_added_unasked),
		cmocka_unit_test(test_a_taken_id_is_named_and_nothing_changes),
		cmocka_unit_test(test_an_add_that_fails_changes_nothing),
	};
	char name[64];
	snprintf(name, sizeof name, "new_records(%s)", kind->name);
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}
