/*
 * Distributors on a SQLite store: a few hundred submits, one transaction
 * each, then a distributor opened afresh on the file (the process
 * restarted) finds the owners, the counters and the round-robin cursor
 * where they were; two handles on one file, each with its distributor,
 * share one rotation. Every run is compared with the same steps on the
 * memory store. (That an operation failing halfway leaves nothing behind
 * is the store fault drivers' part, run on this store too.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/sqlite_files.h"

#define AGENTS 7
#define LEADS 350

static const char *const agents[AGENTS] = { "ana", "ben", "cy", "dee", "eve", "fay", "gus" };

static void configure(fixture *f)
{
	for (int i = 0; i < AGENTS; i++)
		fix_agent(f, agents[i]);
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, agents[0], agents[1], agents[2], agents[3],
		 agents[4], agents[5], agents[6], NULL);
	fix_pool(f, "busy", RRD_STRATEGY_LEAST_BUSY, agents[1], agents[3], agents[5], NULL);
}

static const char *lead(int i)
{
	static char id[16];
	snprintf(id, sizeof id, "L%04d", i);
	return id;
}

/* Submit leads from..to-1, to "web", and every fifth to "busy". */
static void submit(fixture *f, int from, int to)
{
	for (int i = from; i < to; i++) {
		f->now += 1000;
		assert_int_equal(fix_submit(f, lead(i), i % 5 ? "web" : "busy"), RRD_OK);
	}
}

/* Each lead's owner, and each agent's open count, as one text. */
static char *state_of(fixture *f, int leads)
{
	size_t cap = (size_t)leads * 16 + 256, n = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	for (int i = 0; i < leads; i++)
		n += (size_t)snprintf(s + n, cap - n, "%s=%s ", lead(i), fix_owner(f, lead(i)));
	for (int i = 0; i < AGENTS; i++)
		n += (size_t)snprintf(s + n, cap - n, "%s:%lld ", agents[i],
				      (long long)fix_open_count(f, agents[i]));
	return s;
}

static void test_submits_survive_a_new_distributor(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s", sqlite_test_path("submits.db"));
	rrd_store *st;
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	fixture *f = fix_new_on(st, 0);
	fixture *m = fix_new(0);
	configure(f);
	configure(m);
	submit(f, 0, LEADS);
	submit(m, 0, LEADS);
	char *got = state_of(f, LEADS), *want = state_of(m, LEADS);
	assert_string_equal(got, want);
	free(got);
	rrd_time now = f->now;
	fix_free(f);
	rrd_store_free(st);

	/* A new process: a new handle and a new distributor. */
	assert_int_equal(rrd_store_sqlite_open(&st, path, NULL), RRD_OK);
	f = fix_new_on(st, 0);
	f->now = now;
	got = state_of(f, LEADS);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* The rotation goes on where it stopped. */
	submit(f, LEADS, LEADS + 2 * AGENTS);
	submit(m, LEADS, LEADS + 2 * AGENTS);
	got = state_of(f, LEADS + 2 * AGENTS);
	want = state_of(m, LEADS + 2 * AGENTS);
	assert_string_equal(got, want);
	free(got);
	free(want);
	fix_free(f);
	fix_free(m);
	rrd_store_free(st);
}

/* Two handles on one file, as two processes: submits alternate between
 * their distributors, and the pool's rotation is one. */
static void test_two_handles_share_one_rotation(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s", sqlite_test_path("shared.db"));
	rrd_store *s1, *s2, *mem;
	assert_int_equal(rrd_store_sqlite_open(&s1, path, NULL), RRD_OK);
	assert_int_equal(rrd_store_sqlite_open(&s2, path, NULL), RRD_OK);
	assert_int_equal(rrd_store_memory_new(&mem), RRD_OK);
	fixture *f1 = fix_new_on(s1, 0), *m1 = fix_new_on(mem, 0);
	configure(f1);
	configure(m1);
	fixture *f2 = fix_new_on(s2, 0), *m2 = fix_new_on(mem, 0);
	for (int i = 0; i < 120; i++) {
		fixture *f = i % 3 ? f1 : f2, *m = i % 3 ? m1 : m2;
		f->now = m->now = FIX_START + i * 1000;
		assert_int_equal(fix_submit(f, lead(i), "web"), RRD_OK);
		assert_int_equal(fix_submit(m, lead(i), "web"), RRD_OK);
	}
	char *a = state_of(f1, 120), *b = state_of(f2, 120), *want = state_of(m1, 120);
	assert_string_equal(a, want);
	assert_string_equal(b, want);
	for (int i = 0; i < AGENTS; i++)
		assert_int_equal(fix_open_count(f2, agents[i]), 120 / AGENTS + (i < 120 % AGENTS));
	free(a);
	free(b);
	free(want);
	fix_free(f1);
	fix_free(f2);
	fix_free(m1);
	fix_free(m2);
	rrd_store_free(s1);
	rrd_store_free(s2);
	rrd_store_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_submits_survive_a_new_distributor),
		cmocka_unit_test(test_two_handles_share_one_rotation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
