/*
 * Documents read on several threads at once: a malformed configuration,
 * record or scenario is RRD_E_PARSE whatever the other threads parse at
 * the same moment, never RRD_E_NOMEM. Threads that read valid documents
 * run alongside, since a parse that succeeds is what would disturb
 * process-wide parse state. Statuses are counted on the workers and
 * asserted on the main thread.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

#define BAD_THREADS 2
#define GOOD_THREADS 2
#define ROUNDS 250000

/* Set when every malformed reader is done: the valid ones read until then. */
static atomic_int done;

static const char bad_config[] = "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\",}]}";
static const char bad_record[] = "{\"id\":\"L-1\",\"kind\":\"lead\",\"source\":}";
static const char bad_scenario[] = "{\"format\":\"rrdist-scenario/1\",\"start\":]";
static const char good_config[] =
	"{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
	"\"pools\":[{\"id\":\"p\",\"kind\":\"lead\",\"members\":[\"a\",\"b\"]}]}";
static const char good_record[] =
	"{\"id\":\"L-1\",\"kind\":\"lead\",\"source\":\"web\",\"attrs\":{\"state\":\"TX\"}}";

typedef struct tally {
	int bad; /* 1: reads the malformed documents */
	long parse, nomem, other;
	char other_message[256];
} tally;

static void no_fault(void *user, const char *message)
{
	(void)user;
	(void)message;
}

static void count(tally *t, rrd_status rc, rrd_status want)
{
	if (rc == want)
		t->parse++;
	else if (rc == RRD_E_NOMEM)
		t->nomem++;
	else if (!t->other++)
		snprintf(t->other_message, sizeof t->other_message, "%s: %s", rrd_status_name(rc),
			 rrd_error_last());
}

static void *bad_reader(tally *t)
{
	rrd_store *store = NULL;
	rrd_distributor *dist = NULL;
	if (rrd_store_memory_new(&store) || rrd_distributor_new(&dist, store, NULL)) {
		t->other = -1;
		rrd_store_free(store);
		return NULL;
	}
	for (int i = 0; i < ROUNDS; i++) {
		count(t, rrd_distributor_load_config(dist, bad_config, sizeof bad_config - 1),
		      RRD_E_PARSE);
		count(t, rrd_config_check_each(bad_config, sizeof bad_config - 1, no_fault, NULL),
		      RRD_E_PARSE);
		rrd_record *r = NULL;
		count(t, rrd_record_from_json(&r, bad_record, sizeof bad_record - 1), RRD_E_PARSE);
		rrd_record_free(r);
		if (i % 16 == 0)
			count(t, rrd_scenario_check(bad_scenario, sizeof bad_scenario - 1, NULL),
			      RRD_E_PARSE);
	}
	rrd_distributor_free(dist);
	rrd_store_free(store);
	return NULL;
}

static void *good_reader(tally *t)
{
	for (long i = 0; !atomic_load(&done); i++) {
		rrd_record *r = NULL;
		count(t, rrd_record_from_json(&r, good_record, sizeof good_record - 1), RRD_OK);
		rrd_record_free(r);
		if (i % 8 == 0)
			count(t, rrd_config_check_each(good_config, sizeof good_config - 1, no_fault,
						       NULL),
			      RRD_OK);
	}
	return NULL;
}

static void *reader(void *arg)
{
	tally *t = arg;
	return t->bad ? bad_reader(t) : good_reader(t);
}

static void test_a_malformed_document_is_a_parse_error_on_every_thread(void **state)
{
	(void)state;
	tally tallies[BAD_THREADS + GOOD_THREADS] = { { 0 } };
	pthread_t th[BAD_THREADS + GOOD_THREADS];
	for (int i = 0; i < BAD_THREADS + GOOD_THREADS; i++) {
		tallies[i].bad = i % 2 == 0;
		assert_int_equal(pthread_create(&th[i], NULL, reader, &tallies[i]), 0);
	}
	for (int i = 0; i < BAD_THREADS + GOOD_THREADS; i += 2)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	atomic_store(&done, 1);
	for (int i = 1; i < BAD_THREADS + GOOD_THREADS; i += 2)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = 0; i < BAD_THREADS + GOOD_THREADS; i++) {
		tally *t = &tallies[i];
		if (t->nomem || t->other)
			fail_msg("%s thread %d: %ld as expected, %ld out of memory, %ld else (%s)",
				 t->bad ? "malformed" : "valid", i, t->parse, t->nomem, t->other,
				 t->other_message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_malformed_document_is_a_parse_error_on_every_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
