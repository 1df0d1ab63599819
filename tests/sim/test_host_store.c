/*
 * A run on a store the host gives (rrd_simulation_options.store): the
 * same lines as on the run's own memory store, and the run's state left
 * in the store; a store that holds anything is refused before a line is
 * written; a caller of the first version of the options, which has no
 * store, gets a memory store whatever follows its table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_test.h"
#include "../support/fixture.h"
#include "store/store.h"

static const char doc[] =
	"{\"format\":\"rrdist-scenario/1\",\"start\":\"2026-03-02T08:00:00Z\","
	"\"agents\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
	"\"pools\":[{\"id\":\"web\",\"kind\":\"lead\",\"members\":[\"a\",\"b\"],"
	"\"claim_window\":\"5m\"}],"
	"\"rules\":[{\"id\":\"r\",\"pool\":\"web\"}],"
	"\"events\":[{\"at\":\"+1m\",\"op\":\"lead\",\"id\":\"L1\"},"
	"{\"at\":\"+2m\",\"op\":\"lead\",\"id\":\"L2\"},"
	"{\"at\":\"+3m\",\"op\":\"claim\",\"lead\":\"L1\",\"agent\":\"a\"}]}";

/* The lines of a run with these options (the text is the caller's). */
static char *run(rrd_simulation_options *o, rrd_status want)
{
	fix_output out = { NULL, 0 };
	o->on_line = fix_collect;
	o->line_user = &out;
	assert_int_equal(rrd_simulate(doc, strlen(doc), o), want);
	return out.text;
}

static void test_the_run_keeps_its_state_in_the_hosts_store(void **state)
{
	(void)state;
	rrd_simulation_options o = RRD_SIMULATION_OPTIONS_INIT;
	assert_null(o.store);
	char *own = run(&o, RRD_OK);
	assert_non_null(own);
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	o.store = st;
	char *given = run(&o, RRD_OK);
	assert_string_equal(given, own);
	/* Still the host's, holding what the run left. */
	fixture *f = fix_new_on(st, 0);
	assert_int_equal(rrd_distributor_agent_count(f->dist), 2);
	assert_string_equal(fix_owner(f, "L1"), "a");
	fix_free(f);
	free(own);
	free(given);
	/* Run again on it: refused, and nothing written. */
	char *again = run(&o, RRD_E_STATE);
	assert_null(again);
	assert_non_null(strstr(rrd_error_last(), "holds entries already"));
	rrd_store_free(st);
}

/* Anything at all in the store, not only a configuration, is refused. */
static void test_a_store_with_one_entry_is_refused(void **state)
{
	(void)state;
	static const int namespaces[] = { RRD_NS_META, RRD_NS_RECORD, RRD_NS_OUTBOX };
	for (size_t i = 0; i < 3; i++) {
		rrd_store *st;
		assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
		assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
		assert_int_equal(st->m.put(st->self, namespaces[i], "k", "v", 1, 0), RRD_OK);
		assert_int_equal(st->m.commit(st->self), RRD_OK);
		rrd_simulation_options o = RRD_SIMULATION_OPTIONS_INIT;
		o.store = st;
		assert_null(run(&o, RRD_E_STATE));
		rrd_store_free(st);
	}
}

/* A program built against the first version passes a table that ends
 * before `store`: what lies after it is not read. */
static void test_first_version_of_the_options(void **state)
{
	(void)state;
	rrd_simulation_options o = RRD_SIMULATION_OPTIONS_INIT;
	char *want = run(&o, RRD_OK);
	struct {
		rrd_simulation_options o;
		unsigned char beyond[64];
	} v1;
	memset(&v1, 0xA5, sizeof v1);
	memcpy(&v1.o, &o, offsetof(rrd_simulation_options, store));
	v1.o.version = 1;
	v1.o.postal_codes = NULL;
	v1.o.on_progress = NULL;
	char *got = run(&v1.o, RRD_OK);
	assert_string_equal(got, want);
	free(want);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_run_keeps_its_state_in_the_hosts_store),
		cmocka_unit_test(test_a_store_with_one_entry_is_refused),
		cmocka_unit_test(test_first_version_of_the_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
