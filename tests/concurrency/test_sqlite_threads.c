/*
 * Threads on a SQLite store: distributors, each driven by its own thread,
 * first sharing one handle (which serialises their transactions), then
 * each with a handle of its own on one file (where SQLite's write lock
 * does). Every submit succeeds, every record has one owner, and the one
 * round-robin pool they all submit to stays strict: no agent gets two
 * more than another.
 *
 * Worker threads only record what they saw; the main thread asserts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/sqlite_files.h"

#define THREADS 4
#define LEADS 60 /* per thread */
#define AGENTS 7

static const char *const agents[AGENTS] = { "ana", "ben", "cy", "dee", "eve", "fay", "gus" };

typedef struct worker {
	int t;
	fixture *f;
	char failure[512];
} worker;

static pthread_barrier_t start_together;

static void *work(void *arg)
{
	worker *w = arg;
	pthread_barrier_wait(&start_together);
	for (int i = 0; i < LEADS; i++) {
		char id[32];
		snprintf(id, sizeof id, "T%d-L%03d", w->t, i);
		rrd_record *r;
		rrd_status rc = rrd_record_new(&r, id, RRD_KIND_LEAD);
		rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
		o.pool = "web";
		if (!rc)
			rc = rrd_distributor_submit(w->f->dist, r, &o);
		rrd_record_free(r);
		if (rc) {
			snprintf(w->failure, sizeof w->failure, "submit %s: %s: %s", id,
				 rrd_status_name(rc), rrd_error_last());
			return NULL;
		}
	}
	return NULL;
}

/* Run the workers on their distributors, then check what the store holds
 * through the first. */
static void run_and_check(worker *w)
{
	pthread_t th[THREADS];
	assert_int_equal(pthread_barrier_init(&start_together, NULL, THREADS), 0);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, work, &w[t]), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&start_together);
	for (int t = 0; t < THREADS; t++)
		if (w[t].failure[0])
			fail_msg("thread %d: %s", t, w[t].failure);
	fixture *f = w[0].f;
	int64_t total = 0, least = INT64_MAX, most = 0;
	for (int i = 0; i < AGENTS; i++) {
		int64_t n = fix_open_count(f, agents[i]);
		total += n;
		least = n < least ? n : least;
		most = n > most ? n : most;
	}
	assert_int_equal(total, THREADS * LEADS);
	assert_true(most - least <= 1);
	int64_t owned[AGENTS] = { 0 };
	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < LEADS; i++) {
			char id[32];
			snprintf(id, sizeof id, "T%d-L%03d", t, i);
			const char *owner = fix_owner(f, id);
			int a = 0;
			while (a < AGENTS && strcmp(agents[a], owner) != 0)
				a++;
			assert_true(a < AGENTS);
			owned[a]++;
		}
	for (int i = 0; i < AGENTS; i++)
		assert_int_equal(owned[i], fix_open_count(f, agents[i]));
}

static void configure(fixture *f)
{
	for (int i = 0; i < AGENTS; i++)
		fix_agent(f, agents[i]);
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, agents[0], agents[1], agents[2], agents[3],
		 agents[4], agents[5], agents[6], NULL);
}

static void test_distributors_share_one_handle(void **state)
{
	(void)state;
	rrd_store *st = sqlite_test_store();
	worker w[THREADS];
	memset(w, 0, sizeof w);
	for (int t = 0; t < THREADS; t++) {
		w[t].t = t;
		w[t].f = fix_new_on(st, 0);
		if (t == 0)
			configure(w[t].f);
	}
	run_and_check(w);
	for (int t = 0; t < THREADS; t++)
		fix_free(w[t].f);
	rrd_store_free(st);
}

static void test_each_distributor_with_its_own_handle(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s", sqlite_test_path("threads.db"));
	rrd_store *st[THREADS];
	worker w[THREADS];
	memset(w, 0, sizeof w);
	for (int t = 0; t < THREADS; t++) {
		assert_int_equal(rrd_store_sqlite_open(&st[t], path, NULL), RRD_OK);
		w[t].t = t;
		w[t].f = fix_new_on(st[t], 0);
		if (t == 0)
			configure(w[t].f);
	}
	run_and_check(w);
	for (int t = 0; t < THREADS; t++) {
		fix_free(w[t].f);
		rrd_store_free(st[t]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distributors_share_one_handle),
		cmocka_unit_test(test_each_distributor_with_its_own_handle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
