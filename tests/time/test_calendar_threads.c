#include <pthread.h>

#include "calendar_test.h"
#include "rrdist/common.h"

#define THREADS 4
#define QUERIES 3000

/* One query and what a single thread answered to it. */
typedef struct query {
	rrd_time t;
	rrd_time duration;
	int open;
	rrd_status add_rc;
	rrd_time add;
	rrd_time next_open;
	rrd_time next_close;
	int64_t day;
	rrd_time next_day;
} query;

static query queries[QUERIES];

typedef struct worker {
	const rrd_calendar *cal;
	pthread_barrier_t *start;
	int first; /* where in the list this thread begins */
	int mismatches;
} worker;

static uint64_t next_u64(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void answer(const rrd_calendar *cal, query *q)
{
	if (rrd_calendar_is_open(cal, q->t, &q->open) != RRD_OK)
		q->open = -1;
	q->add_rc = rrd_calendar_add_open_time(cal, q->t, q->duration, &q->add);
	if (q->add_rc != RRD_OK)
		q->add = 0;
	if (rrd_calendar_next_open(cal, q->t, &q->next_open) != RRD_OK)
		q->next_open = -1;
	if (rrd_calendar_next_close(cal, q->t, &q->next_close) != RRD_OK)
		q->next_close = -1;
	if (rrd_calendar_local_day(cal, q->t, &q->day, &q->next_day) != RRD_OK)
		q->day = -1;
}

static void *run(void *arg)
{
	worker *w = arg;
	pthread_barrier_wait(w->start);
	/* Two passes: a hot one in order (answers come from remembered
	 * spans) and one striding through the list (they keep missing). */
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < QUERIES; k++) {
			int i = pass == 0 ? (w->first + k) % QUERIES
					  : (int)(((long)w->first + (long)k * 7919) % QUERIES);
			query q = { .t = queries[i].t, .duration = queries[i].duration };
			answer(w->cal, &q);
			const query *want = &queries[i];
			if (q.open != want->open || q.add_rc != want->add_rc ||
			    q.add != want->add || q.next_open != want->next_open ||
			    q.next_close != want->next_close || q.day != want->day ||
			    q.next_day != want->next_day)
				w->mismatches++;
		}
	}
	return NULL;
}

static void test_concurrent_queries_match_single_thread_answers(void **state)
{
	(void)state;
	rrd_calendar *cal = tt_office("America/New_York");
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_SATURDAY, 600, 720), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 3, 9), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 11, 26), RRD_OK);

	/* Deterministic times through 2026, half of them in runs a few
	 * minutes apart like repeated eligibility checks. */
	uint64_t seed = 0x9E3779B97F4A7C15u;
	rrd_time base = tt_utc(2026, 1, 1, 0, 0);
	rrd_time t = base;
	for (int i = 0; i < QUERIES; i++) {
		if (i % 2)
			t += (rrd_time)(next_u64(&seed) % (10 * RRD_MINUTE));
		else
			t = base + (rrd_time)(next_u64(&seed) % (365 * RRD_DAY));
		queries[i].t = t;
		queries[i].duration = (rrd_time)(next_u64(&seed) % (3 * RRD_DAY));
	}

	/* The reference answers come from a separate copy, so the shared
	 * calendar starts with nothing remembered. */
	rrd_calendar *ref = NULL;
	assert_int_equal(rrd_calendar_dup(&ref, cal), RRD_OK);
	for (int i = 0; i < QUERIES; i++) {
		answer(ref, &queries[i]);
		assert_true(queries[i].open == 0 || queries[i].open == 1);
		assert_int_equal(queries[i].add_rc, RRD_OK);
	}
	rrd_calendar_free(ref);

	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
	pthread_t tid[THREADS];
	worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (worker){ cal, &start, i * (QUERIES / THREADS), 0 };
		assert_int_equal(pthread_create(&tid[i], NULL, run, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(tid[i], NULL), 0);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(w[i].mismatches, 0);
	rrd_calendar_free(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_queries_match_single_thread_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
