/*
 * Several distributors on one store, each driven by its own thread, with
 * configuration changes (agents, calendars, pools, members) mixed into
 * submits. Every configuration change of one distributor makes the others
 * reload theirs at their next call. Nothing may crash, every call must
 * succeed, each thread must read back what it changed, and at the end the
 * store holds every change once: each agent listed once, the shared pool
 * with its own members, every record owned, counters that agree.
 *
 * Worker threads only record what they saw; the main thread asserts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

#define DISTS 4
#define ROUNDS 30 /* each round: a submit, then five configuration calls */
#define AGENTS 4

typedef struct worker {
	int t;
	rrd_distributor *dist;
	pthread_mutex_t mu;
	int assigned;    /* routed assignments the callback saw */
	char failure[512];
} worker;

static worker W[DISTS];
static pthread_barrier_t start_together;

static void on_event(void *user, const rrd_event *ev)
{
	worker *w = user;
	if (rrd_event_type_of(ev) != RRD_EVENT_ASSIGNED || rrd_event_via(ev) != RRD_VIA_ROUTE)
		return;
	pthread_mutex_lock(&w->mu);
	w->assigned++;
	pthread_mutex_unlock(&w->mu);
}

/* Stop the worker with a message for the main thread. */
#define CHECK(w, cond, ...)                                                     \
	do {                                                                    \
		if (!(cond)) {                                                  \
			snprintf((w)->failure, sizeof (w)->failure, __VA_ARGS__); \
			return NULL;                                            \
		}                                                               \
	} while (0)

#define CALL(w, expr)                                                           \
	do {                                                                    \
		rrd_status rc_ = (expr);                                        \
		CHECK(w, rc_ == RRD_OK, "%s: %s: %s", #expr, rrd_status_name(rc_), \
		      rrd_error_last());                                        \
	} while (0)

static rrd_status put_agent(rrd_distributor *d, const char *id, int64_t weight,
			    const char *calendar)
{
	rrd_agent *a;
	rrd_status rc = rrd_agent_new(&a, id);
	if (!rc)
		rc = rrd_agent_set_weight(a, weight);
	if (!rc && calendar)
		rc = rrd_agent_set_calendar(a, calendar);
	if (!rc)
		rc = rrd_distributor_put_agent(d, a);
	rrd_agent_free(a);
	return rc;
}

static rrd_status put_calendar(rrd_distributor *d, const char *id, int start)
{
	rrd_calendar *c;
	rrd_status rc = rrd_calendar_new(&c, id, "UTC");
	for (int day = RRD_MONDAY; !rc && day <= RRD_SUNDAY; day++)
		rc = rrd_calendar_add_hours(c, (rrd_weekday)day, start, 24 * 60);
	if (!rc)
		rc = rrd_distributor_put_calendar(d, c);
	rrd_calendar_free(c);
	return rc;
}

static rrd_status put_pool(rrd_distributor *d, const char *id, rrd_strategy s, const char *m1,
			   const char *m2)
{
	rrd_pool *p;
	rrd_status rc = rrd_pool_new(&p, id, RRD_KIND_LEAD);
	if (!rc)
		rc = rrd_pool_set_strategy(p, s);
	if (!rc)
		rc = rrd_pool_add_member(p, m1);
	if (!rc)
		rc = rrd_pool_add_member(p, m2);
	if (!rc)
		rc = rrd_distributor_put_pool(d, p);
	rrd_pool_free(p);
	return rc;
}

static rrd_status submit(rrd_distributor *d, const char *id)
{
	rrd_record *r;
	rrd_status rc = rrd_record_new(&r, id, RRD_KIND_LEAD);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "p";
	if (!rc)
		rc = rrd_distributor_submit(d, r, &o);
	rrd_record_free(r);
	return rc;
}

/* 1 when `id` is among pool p's members exactly once. */
static int member_once(const rrd_pool *p, const char *id)
{
	int n = 0;
	for (size_t i = 0; i < rrd_pool_member_count(p); i++)
		n += strcmp(rrd_pool_member(p, i), id) == 0;
	return n == 1;
}

/* Each thread owns agent x<t>, calendar c<t> and pool q<t>, and moves x<t>
 * in and out of the shared pool p; a0.. belong to nobody. */
static void *run(void *arg)
{
	worker *w = arg;
	rrd_distributor *d = w->dist;
	char x[8], cal[8], q[8];
	snprintf(x, sizeof x, "x%d", w->t);
	snprintf(cal, sizeof cal, "c%d", w->t);
	snprintf(q, sizeof q, "q%d", w->t);
	pthread_barrier_wait(&start_together);
	for (int i = 0; i < ROUNDS; i++) {
		char id[32];
		snprintf(id, sizeof id, "R%d-%d", w->t, i);
		CALL(w, submit(d, id));

		CALL(w, put_calendar(d, cal, 60 * (i % 8)));
		CALL(w, put_agent(d, x, 1 + i % 3, i % 2 ? cal : NULL));
		rrd_agent *a;
		CALL(w, rrd_distributor_get_agent(d, x, &a));
		int64_t weight = rrd_agent_weight(a);
		rrd_agent_free(a);
		CHECK(w, weight == 1 + i % 3, "%s has weight %lld, put %d", x, (long long)weight,
		      1 + i % 3);

		rrd_strategy s = i % 2 ? RRD_STRATEGY_LEAST_BUSY : RRD_STRATEGY_ROUND_ROBIN;
		CALL(w, put_pool(d, q, s, "a0", x));
		rrd_pool *p;
		CALL(w, rrd_distributor_get_pool(d, q, &p));
		rrd_strategy got = rrd_pool_strategy(p);
		rrd_pool_free(p);
		CHECK(w, got == s, "%s has strategy %d, put %d", q, got, s);

		CALL(w, rrd_distributor_pool_add_member(d, "p", x));
		CALL(w, rrd_distributor_get_pool(d, "p", &p));
		int ok = member_once(p, x) && member_once(p, "a0") && member_once(p, "a3");
		rrd_pool_free(p);
		CHECK(w, ok, "pool p lost a member or lists one twice after adding %s", x);
		CALL(w, rrd_distributor_pool_remove_member(d, "p", x));
	}
	return NULL;
}

static void test_distributors_on_one_store_keep_every_change(void **state)
{
	(void)state;
	rrd_store *store;
	assert_int_equal(rrd_store_memory_new(&store), RRD_OK);
	rrd_distributor *setup;
	assert_int_equal(rrd_distributor_new(&setup, store, NULL), RRD_OK);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
	for (int i = 0; i < AGENTS; i++) {
		char id[8];
		snprintf(id, sizeof id, "a%d", i);
		assert_int_equal(put_agent(setup, id, 1, NULL), RRD_OK);
		assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
	}
	assert_int_equal(rrd_distributor_put_pool(setup, p), RRD_OK);
	rrd_pool_free(p);

	pthread_t th[DISTS];
	for (int t = 0; t < DISTS; t++) {
		worker *w = &W[t];
		memset(w, 0, sizeof *w);
		w->t = t;
		pthread_mutex_init(&w->mu, NULL);
		rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
		o.on_event = on_event;
		o.event_user = w;
		assert_int_equal(rrd_distributor_new(&w->dist, store, &o), RRD_OK);
	}
	assert_int_equal(pthread_barrier_init(&start_together, NULL, DISTS), 0);
	for (int t = 0; t < DISTS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, run, &W[t]), 0);
	for (int t = 0; t < DISTS; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
	pthread_barrier_destroy(&start_together);
	for (int t = 0; t < DISTS; t++) {
		if (W[t].failure[0])
			fail_msg("distributor %d: %s", t, W[t].failure);
		pthread_mutex_lock(&W[t].mu);
		int assigned = W[t].assigned;
		pthread_mutex_unlock(&W[t].mu);
		assert_int_equal(assigned, ROUNDS);
	}

	/* What the store holds, as a distributor that cached nothing reads it. */
	rrd_distributor *check;
	assert_int_equal(rrd_distributor_new(&check, store, NULL), RRD_OK);
	assert_int_equal(rrd_distributor_agent_count(check), AGENTS + DISTS);
	/* a0.. first, then each x<t> once, in the order the threads added them. */
	int seen[DISTS] = { 0 };
	for (size_t i = 0; i < AGENTS + DISTS; i++) {
		char id[RRD_ID_MAX + 1];
		assert_int_equal(rrd_distributor_agent_at(check, i, id, sizeof id), RRD_OK);
		if (i < AGENTS) {
			char want[8];
			snprintf(want, sizeof want, "a%zu", i);
			assert_string_equal(id, want);
			continue;
		}
		assert_int_equal(id[0], 'x');
		int t = atoi(id + 1);
		assert_true(t >= 0 && t < DISTS);
		if (seen[t]++)
			fail_msg("agent %s is listed twice", id);
	}
	assert_int_equal(rrd_distributor_get_pool(check, "p", &p), RRD_OK);
	assert_int_equal(rrd_pool_member_count(p), AGENTS);
	for (size_t i = 0; i < AGENTS; i++) {
		char want[8];
		snprintf(want, sizeof want, "a%zu", i);
		assert_string_equal(rrd_pool_member(p, i), want);
	}
	rrd_pool_free(p);
	for (int t = 0; t < DISTS; t++) {
		char q[8], x[8];
		snprintf(q, sizeof q, "q%d", t);
		snprintf(x, sizeof x, "x%d", t);
		assert_int_equal(rrd_distributor_get_pool(check, q, &p), RRD_OK);
		assert_int_equal(rrd_pool_member_count(p), 2);
		assert_string_equal(rrd_pool_member(p, 1), x);
		rrd_pool_free(p);
	}

	/* Every record is owned, and each agent's open count is its records. */
	int64_t open[AGENTS + DISTS] = { 0 };
	for (int t = 0; t < DISTS; t++) {
		for (int i = 0; i < ROUNDS; i++) {
			char id[32];
			snprintf(id, sizeof id, "R%d-%d", t, i);
			rrd_record *r;
			assert_int_equal(rrd_distributor_get_record(check, id, &r), RRD_OK);
			const char *owner = rrd_record_owner(r);
			assert_non_null(owner);
			open[(owner[0] == 'a' ? 0 : AGENTS) + atoi(owner + 1)]++;
			rrd_record_free(r);
		}
	}
	for (int i = 0; i < AGENTS + DISTS; i++) {
		char id[8];
		snprintf(id, sizeof id, i < AGENTS ? "a%d" : "x%d", i < AGENTS ? i : i - AGENTS);
		rrd_agent *a;
		assert_int_equal(rrd_distributor_get_agent(check, id, &a), RRD_OK);
		assert_int_equal(rrd_agent_open_count(a), open[i]);
		rrd_agent_free(a);
	}
	rrd_distributor_free(check);
	for (int t = 0; t < DISTS; t++) {
		rrd_distributor_free(W[t].dist);
		pthread_mutex_destroy(&W[t].mu);
	}
	rrd_distributor_free(setup);
	rrd_store_free(store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distributors_on_one_store_keep_every_change),
	};
	return cmocka_run_group_tests_name("distributors", tests, NULL, NULL);
}
