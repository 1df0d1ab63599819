/*
 * A host that hands each event to a worker thread and waits for it: the
 * worker calls the same distributor, which commits and emits, and must
 * return while the first thread's callback is still waiting. The events
 * of the worker's call come after that callback returns, in commit order.
 *
 * The waits are bounded (HANG_MS) only to turn a deadlock into a failure
 * rather than a test that never ends; no outcome depends on timing.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "../support/fixture.h"

#define HANG_MS 10000

typedef struct handoff {
	rrd_distributor *dist;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int handed;          /* the callback gave the worker its event */
	int worker_returned; /* the worker's call returned */
	rrd_status worker_rc;
	int timed_out;       /* the callback gave up waiting for the worker */
	char order[4][16];   /* records of the assigned events, in delivery order */
	int nevents;
	pthread_t deliverer[4];
} handoff;

static handoff H;

/* Wait on H.cv until *flag is set; 0 when it was, -1 after HANG_MS. */
static int wait_for(const int *flag)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HANG_MS / 1000;
	while (!*flag)
		if (pthread_cond_timedwait(&H.cv, &H.mu, &until) == ETIMEDOUT)
			return *flag ? 0 : -1;
	return 0;
}

static void on_event(void *user, const rrd_event *ev)
{
	(void)user;
	if (rrd_event_type_of(ev) != RRD_EVENT_ASSIGNED)
		return;
	pthread_mutex_lock(&H.mu);
	int first = H.nevents == 0;
	if (H.nevents < 4) {
		snprintf(H.order[H.nevents], sizeof H.order[0], "%s", rrd_event_record(ev));
		H.deliverer[H.nevents] = pthread_self();
	}
	H.nevents++;
	if (first) {
		H.handed = 1;
		pthread_cond_broadcast(&H.cv);
		if (wait_for(&H.worker_returned))
			H.timed_out = 1;
	}
	pthread_mutex_unlock(&H.mu);
}

static rrd_status submit(const char *id)
{
	rrd_record *r;
	rrd_status rc = rrd_record_new(&r, id, RRD_KIND_LEAD);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "p";
	if (!rc)
		rc = rrd_distributor_submit(H.dist, r, &o);
	rrd_record_free(r);
	return rc;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&H.mu);
	int handed = !wait_for(&H.handed);
	pthread_mutex_unlock(&H.mu);
	if (!handed)
		return NULL;
	rrd_status rc = submit("W1");
	pthread_mutex_lock(&H.mu);
	H.worker_rc = rc;
	H.worker_returned = 1;
	pthread_cond_broadcast(&H.cv);
	pthread_mutex_unlock(&H.mu);
	return NULL;
}

static void test_callback_may_wait_for_a_call_on_another_thread(void **state)
{
	(void)state;
	memset(&H, 0, sizeof H);
	pthread_mutex_init(&H.mu, NULL);
	pthread_cond_init(&H.cv, NULL);
	rrd_store *store;
	assert_int_equal(rrd_store_memory_new(&store), RRD_OK);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.on_event = on_event;
	assert_int_equal(rrd_distributor_new(&H.dist, store, &o), RRD_OK);
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "a0"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(H.dist, a), RRD_OK);
	rrd_agent_free(a);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "a0"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(H.dist, p), RRD_OK);
	rrd_pool_free(p);

	pthread_t w;
	assert_int_equal(pthread_create(&w, NULL, worker, NULL), 0);
	/* This thread's submit delivers its event, whose callback waits for
	 * the worker's submit to return. */
	assert_int_equal(submit("A1"), RRD_OK);
	assert_int_equal(pthread_join(w, NULL), 0);

	pthread_mutex_lock(&H.mu);
	assert_false(H.timed_out);
	assert_true(H.worker_returned);
	assert_int_equal(H.worker_rc, RRD_OK);
	/* The worker's event came after the callback returned, delivered by
	 * the thread that was delivering then. */
	assert_int_equal(H.nevents, 2);
	assert_string_equal(H.order[0], "A1");
	assert_string_equal(H.order[1], "W1");
	assert_true(pthread_equal(H.deliverer[1], pthread_self()));
	pthread_mutex_unlock(&H.mu);

	rrd_distributor_free(H.dist);
	rrd_store_free(store);
	pthread_cond_destroy(&H.cv);
	pthread_mutex_destroy(&H.mu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback_may_wait_for_a_call_on_another_thread),
	};
	return cmocka_run_group_tests_name("event handoff", tests, NULL, NULL);
}
