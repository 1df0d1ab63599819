/*
 * A distributor called from several threads at once, with single submits
 * and batches: every record ends with exactly one owner, counters agree
 * with the records, and events arrive in commit order (so a round robin
 * pool's assignments, read in event order, are a perfect rotation), even
 * when the event callback itself calls back into the distributor.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

#define THREADS 4
#define PER_THREAD 300
#define AGENTS 5

#define MAX_ASSIGNED (THREADS * PER_THREAD + 64)

typedef struct shared {
	rrd_store *store;
	rrd_distributor *dist;
	pthread_mutex_t mu;
	char owners[MAX_ASSIGNED][8]; /* agent of each assigned event, in order */
	int nassigned;
	int reentrant_calls;
} shared;

static shared S;

static void on_event(void *user, const rrd_event *ev)
{
	shared *s = user;
	if (rrd_event_type_of(ev) != RRD_EVENT_ASSIGNED || rrd_event_via(ev) != RRD_VIA_ROUTE)
		return;
	/* Calling back in from the callback is allowed; this reads state.
	 * The callback runs on worker threads, where a failed assertion
	 * cannot stop the test: it records, the main thread asserts. */
	rrd_record *r = NULL;
	rrd_status rc = rrd_distributor_get_record(s->dist, rrd_event_record(ev), &r);
	rrd_record_free(r);
	pthread_mutex_lock(&s->mu);
	if (s->nassigned < MAX_ASSIGNED)
		snprintf(s->owners[s->nassigned], 8, "%s", rrd_event_agent(ev));
	s->nassigned++;
	if (rc == RRD_OK)
		s->reentrant_calls++;
	pthread_mutex_unlock(&s->mu);
}

/* Records T<t>-<first> ... in one rrd_distributor_submit_many. */
#define BATCH 10

static rrd_status submit_batch(int t, int first)
{
	rrd_record *rs[BATCH] = { NULL };
	rrd_status rc = RRD_OK;
	for (int k = 0; !rc && k < BATCH; k++) {
		char id[32];
		snprintf(id, sizeof id, "T%d-%d", t, first + k);
		rc = rrd_record_new(&rs[k], id, RRD_KIND_LEAD);
	}
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "p";
	if (!rc)
		rc = rrd_distributor_submit_many(S.dist, (const rrd_record *const *)rs, BATCH, &o,
						 NULL);
	for (int k = 0; k < BATCH; k++)
		rrd_record_free(rs[k]);
	return rc;
}

/* Odd threads submit in batches, the others one by one. */
static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int i = 0; i < PER_THREAD; i++) {
		char id[32];
		snprintf(id, sizeof id, "T%d-%d", t, i);
		if (t % 2) {
			if (i % BATCH == 0 && submit_batch(t, i))
				return (void *)2;
		} else {
			rrd_record *r;
			if (rrd_record_new(&r, id, RRD_KIND_LEAD))
				return (void *)1;
			rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
			o.pool = "p";
			rrd_status rc = rrd_distributor_submit(S.dist, r, &o);
			rrd_record_free(r);
			if (rc)
				return (void *)2;
		}
		rrd_record *got;
		if (rrd_distributor_get_record(S.dist, id, &got))
			return (void *)3;
		char owner[16];
		snprintf(owner, sizeof owner, "%s", rrd_record_owner(got));
		rrd_record_free(got);
		if (i % 3 == 0) {
			rrd_claim_result res;
			if (rrd_distributor_claim(S.dist, id, owner, &res) || res != RRD_CLAIM_WON)
				return (void *)4;
		}
		if (i % 7 == 0) {
			/* A manual move to another agent, racing the others. */
			char to[8];
			snprintf(to, sizeof to, "a%d", (t + i) % AGENTS);
			rrd_move_options mo = RRD_MOVE_OPTIONS_INIT;
			mo.force = 1;
			if (rrd_distributor_assign(S.dist, id, to, &mo))
				return (void *)5;
		}
	}
	return NULL;
}

static void test_threads_keep_every_record_owned_once(void **state)
{
	(void)state;
	memset(&S, 0, sizeof S);
	pthread_mutex_init(&S.mu, NULL);
	assert_int_equal(rrd_store_memory_new(&S.store), RRD_OK);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.on_event = on_event;
	o.event_user = &S;
	assert_int_equal(rrd_distributor_new(&S.dist, S.store, &o), RRD_OK);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
	for (int i = 0; i < AGENTS; i++) {
		char id[8];
		snprintf(id, sizeof id, "a%d", i);
		rrd_agent *a;
		assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
		assert_int_equal(rrd_distributor_put_agent(S.dist, a), RRD_OK);
		rrd_agent_free(a);
		assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
	}
	assert_int_equal(rrd_distributor_put_pool(S.dist, p), RRD_OK);
	rrd_pool_free(p);

	pthread_t th[THREADS];
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t), 0);
	for (int t = 0; t < THREADS; t++) {
		void *ret;
		assert_int_equal(pthread_join(th[t], &ret), 0);
		assert_null(ret);
	}

	/* Every record has exactly one owner, and the counters agree. */
	int64_t open_by_records[AGENTS] = { 0 };
	for (int t = 0; t < THREADS; t++) {
		for (int i = 0; i < PER_THREAD; i++) {
			char id[32];
			snprintf(id, sizeof id, "T%d-%d", t, i);
			rrd_record *r;
			assert_int_equal(rrd_distributor_get_record(S.dist, id, &r), RRD_OK);
			assert_non_null(rrd_record_owner(r));
			rrd_record_status st = rrd_record_status_of(r);
			assert_true(st == RRD_RECORD_PENDING || st == RRD_RECORD_CLAIMED);
			open_by_records[atoi(rrd_record_owner(r) + 1)]++;
			rrd_record_free(r);
		}
	}
	for (int i = 0; i < AGENTS; i++) {
		char id[8];
		snprintf(id, sizeof id, "a%d", i);
		rrd_agent *a;
		assert_int_equal(rrd_distributor_get_agent(S.dist, id, &a), RRD_OK);
		assert_int_equal(rrd_agent_open_count(a), open_by_records[i]);
		rrd_agent_free(a);
	}
	/* Events came in commit order: the routed assignments rotate. Each
	 * callback read its record back. */
	pthread_mutex_lock(&S.mu);
	int nassigned = S.nassigned, reentrant_calls = S.reentrant_calls;
	pthread_mutex_unlock(&S.mu);
	assert_int_equal(nassigned, THREADS * PER_THREAD);
	assert_int_equal(reentrant_calls, THREADS * PER_THREAD);
	for (int k = 0; k < nassigned; k++) {
		char want[8];
		snprintf(want, sizeof want, "a%d", k % AGENTS);
		if (strcmp(S.owners[k], want) != 0)
			fail_msg("assignment %d went to %s; the rotation says %s", k, S.owners[k], want);
	}
	rrd_distributor_free(S.dist);
	rrd_store_free(S.store);
	pthread_mutex_destroy(&S.mu);
}

/* ---- offers raced by claims, declines and advance ---------------------- */

#define OFFER_THREADS 3
#define OFFER_LEADS 200

static _Atomic rrd_time virtual_now;
static rrd_distributor *offer_dist;

static rrd_time virtual_clock(void *user)
{
	(void)user;
	return virtual_now;
}

static void *offer_worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	uint64_t s = 0x9E3779B97F4A7C15ull * (uint64_t)(t + 1);
	for (int i = 0; i < OFFER_LEADS; i++) {
		char id[32];
		snprintf(id, sizeof id, "O%d-%d", t, i);
		rrd_record *r;
		if (rrd_record_new(&r, id, RRD_KIND_LEAD))
			return (void *)1;
		rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
		o.pool = "w";
		rrd_status rc = rrd_distributor_submit(offer_dist, r, &o);
		rrd_record_free(r);
		if (rc)
			return (void *)2;
		/* Someone, maybe not the one offered, tries to claim or decline
		 * an earlier lead of this thread. */
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		char other[32], agent[8];
		snprintf(other, sizeof other, "O%d-%d", t, (int)(s % (uint64_t)(i + 1)));
		snprintf(agent, sizeof agent, "a%d", (int)((s >> 32) % AGENTS));
		rrd_claim_result res;
		if (s % 3 == 0)
			rc = rrd_distributor_claim(offer_dist, other, agent, &res);
		else if (s % 3 == 1 && rrd_distributor_decline(offer_dist, other, agent) == RRD_E_INVALID)
			rc = RRD_OK; /* no live offer for that agent: refused, fine */
		if (rc) {
			fprintf(stderr, "offer worker: %s: %s\n", rrd_status_name(rc), rrd_error_last());
			return (void *)3;
		}
	}
	return NULL;
}

static void *advancer(void *arg)
{
	(void)arg;
	for (int k = 0; k < 400; k++) {
		rrd_time t = virtual_now + 20 * RRD_SECOND;
		virtual_now = t;
		if (rrd_distributor_advance(offer_dist, t))
			return (void *)4;
	}
	return NULL;
}

static void test_offers_raced_end_owned_once_or_queued(void **state)
{
	(void)state;
	virtual_now = FIX_START;
	rrd_store *store;
	assert_int_equal(rrd_store_memory_new(&store), RRD_OK);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.clock = virtual_clock;
	assert_int_equal(rrd_distributor_new(&offer_dist, store, &o), RRD_OK);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "w", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, RRD_MINUTE), RRD_OK);
	for (int i = 0; i < AGENTS; i++) {
		char id[8];
		snprintf(id, sizeof id, "a%d", i);
		rrd_agent *a;
		assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
		assert_int_equal(rrd_distributor_put_agent(offer_dist, a), RRD_OK);
		rrd_agent_free(a);
		assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
	}
	assert_int_equal(rrd_distributor_put_pool(offer_dist, p), RRD_OK);
	rrd_pool_free(p);

	pthread_t th[OFFER_THREADS + 1];
	for (int t = 0; t < OFFER_THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, offer_worker, (void *)(intptr_t)t), 0);
	assert_int_equal(pthread_create(&th[OFFER_THREADS], NULL, advancer, NULL), 0);
	for (int t = 0; t <= OFFER_THREADS; t++) {
		void *ret;
		assert_int_equal(pthread_join(th[t], &ret), 0);
		if (ret)
			fail_msg("thread %d stopped with %d: %s", t, (int)(intptr_t)ret, rrd_error_last());
	}
	/* Let every offer run out. */
	virtual_now += RRD_DAY;
	assert_int_equal(rrd_distributor_advance(offer_dist, virtual_now), RRD_OK);

	rrd_queue *q;
	assert_int_equal(rrd_distributor_queue(offer_dist, &q), RRD_OK);
	size_t queued = 0;
	int64_t open[AGENTS] = { 0 };
	for (int t = 0; t < OFFER_THREADS; t++) {
		for (int i = 0; i < OFFER_LEADS; i++) {
			char id[32];
			snprintf(id, sizeof id, "O%d-%d", t, i);
			rrd_record *r;
			assert_int_equal(rrd_distributor_get_record(offer_dist, id, &r), RRD_OK);
			rrd_record_status st = rrd_record_status_of(r);
			if (st == RRD_RECORD_QUEUED) {
				assert_null(rrd_record_owner(r));
				queued++;
			} else {
				if (st != RRD_RECORD_CLAIMED && st != RRD_RECORD_PENDING)
					fail_msg("%s ended %s", id, rrd_record_status_name(st));
				assert_non_null(rrd_record_owner(r));
				open[atoi(rrd_record_owner(r) + 1)]++;
			}
			rrd_record_free(r);
		}
	}
	assert_int_equal(rrd_queue_count(q), queued);
	rrd_queue_free(q);
	for (int i = 0; i < AGENTS; i++) {
		char id[8];
		snprintf(id, sizeof id, "a%d", i);
		rrd_agent *a;
		assert_int_equal(rrd_distributor_get_agent(offer_dist, id, &a), RRD_OK);
		assert_int_equal(rrd_agent_open_count(a), open[i]);
		rrd_agent_free(a);
	}
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(offer_dist, &due), RRD_E_NOTFOUND);
	rrd_distributor_free(offer_dist);
	rrd_store_free(store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_keep_every_record_owned_once),
		cmocka_unit_test(test_offers_raced_end_owned_once_or_queued),
	};
	return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
