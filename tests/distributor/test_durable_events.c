/*
 * Durable events: written to the store's outbox in the transaction that
 * makes them true, deleted once delivered, and delivered again by
 * rrd_distributor_redeliver when the process that made them could not
 * (here: a distributor with no callback, as a crashed one leaves them),
 * with their ids and every field as they were.
 */
#include <stdlib.h>
#include <string.h>

#include "../support/faulty_store.h"
#include "../support/fixture.h"
#include "store/store.h"

/* Entries in the outbox, counted through the storage interface. */
static int count_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	(void)key;
	(void)value;
	(void)len;
	(void)order;
	++*(int *)ctx;
	return 0;
}

static int outbox_size(rrd_store *st)
{
	int n = 0;
	assert_int_equal(st->m.begin(st->self, RRD_TXN_READ_ONLY, NULL), RRD_OK);
	assert_int_equal(st->m.scan(st->self, RRD_NS_OUTBOX, "", count_each, &n), RRD_OK);
	st->m.rollback(st->self);
	return n;
}

static fixture *durable(rrd_store *st, int listen)
{
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.durable_events = 1;
	o.explain = 1;
	/* Without a callback, as a process that crashed before delivering
	 * leaves its events. */
	if (!listen)
		o.on_event = fix_no_events;
	return fix_new_tuned(st, &o);
}

/* Some work that makes events of several kinds, skipped members among
 * them: the configuration is made without events (no durable option). */
static void work(fixture *f)
{
	assert_int_equal(fix_submit(f, "L1", "web"), RRD_OK);
	fix_set_paused(f, "alice", 1);
	assert_int_equal(fix_submit(f, "L2", "web"), RRD_OK);
	assert_int_equal(fix_submit(f, "L3", "web"), RRD_OK);
	fix_set_paused(f, "alice", 0);
	const char *const which[] = { "L1" };
	assert_int_equal(rrd_distributor_set_follow_up(f->dist, which, 1, "call back"), RRD_OK);
	fix_redistribute(f, "L2", "carol");
}

static void configure(rrd_store *st)
{
	fixture *f = fix_new_on(st, 0);
	fix_agent(f, "alice");
	fix_agent(f, "bob");
	fix_agent(f, "carol");
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "alice", "bob", NULL);
	fix_free(f);
}

static void test_delivered_events_leave_the_outbox(void **state)
{
	(void)state;
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	configure(st);
	fixture *f = durable(st, 1);
	assert_int_equal(fix_submit(f, "L1", "web"), RRD_OK);
	assert_int_equal(f->nevents, 1);
	/* Delivered; its entry goes with the next write. */
	assert_int_equal(outbox_size(st), 1);
	assert_int_equal(fix_submit(f, "L2", "web"), RRD_OK);
	assert_int_equal(outbox_size(st), 1);
	fix_free(f);
	assert_int_equal(outbox_size(st), 0);
	rrd_store_free(st);
}

static void test_left_events_are_delivered_again(void **state)
{
	(void)state;
	/* What a listening distributor sees of the work... */
	rrd_store *clean;
	assert_int_equal(rrd_store_memory_new(&clean), RRD_OK);
	configure(clean);
	fixture *seen = fix_new_on(clean, 1);
	work(seen);

	/* ...and what another delivers of it, after the first crashed. */
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	configure(st);
	fixture *crashed = durable(st, 0);
	work(crashed);
	assert_int_equal(outbox_size(st), (int)seen->nevents);
	fixture *other = durable(st, 1);
	other->now = crashed->now;
	size_t n = 99;
	/* Too young yet. */
	assert_int_equal(rrd_distributor_redeliver(other->dist, RRD_HOUR, &n), RRD_OK);
	assert_int_equal(n, 0);
	assert_int_equal(other->nevents, 0);
	assert_int_equal(rrd_distributor_redeliver(other->dist, 0, &n), RRD_OK);
	assert_int_equal(n, seen->nevents);
	assert_int_equal(other->nevents, seen->nevents);
	for (size_t i = 0; i < seen->nevents; i++)
		assert_string_equal(fix_event(other, i), fix_event(seen, i));
	/* Taken once: asked again, nothing comes, and after a write the
	 * entries are gone. */
	assert_int_equal(rrd_distributor_redeliver(other->dist, 0, &n), RRD_OK);
	assert_int_equal(n, 0);
	assert_int_equal(fix_submit(other, "L9", "web"), RRD_OK);
	assert_int_equal(outbox_size(st), 1); /* L9's own, delivered */
	fix_free(other);
	assert_int_equal(outbox_size(st), 0);
	fix_free(crashed);
	fix_free(seen);
	rrd_store_free(st);
	rrd_store_free(clean);
}

/* Ids are unique across distributors, the same when delivered again,
 * and a distributor does not take its own. */
static int64_t ids_seen;
static char ids[8][64];
static void keep_id(void *user, const rrd_event *ev)
{
	(void)user;
	snprintf(ids[ids_seen++ % 8], sizeof ids[0], "%s", rrd_event_id(ev));
}

static void test_ids(void **state)
{
	(void)state;
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	configure(st);
	fixture *a = durable(st, 0), *b = durable(st, 0);
	assert_int_equal(fix_submit(a, "L1", "web"), RRD_OK);
	assert_int_equal(fix_submit(b, "L2", "web"), RRD_OK);
	/* Neither takes its own. */
	size_t n = 9;
	assert_int_equal(rrd_distributor_redeliver(a->dist, 0, &n), RRD_OK);
	assert_int_equal(n, 0); /* a has no callback: b's stay for a listener */
	assert_int_equal(outbox_size(st), 2);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.on_event = keep_id;
	rrd_distributor *c;
	assert_int_equal(rrd_distributor_new(&c, st, &o), RRD_OK);
	ids_seen = 0;
	assert_int_equal(rrd_distributor_redeliver(c, 0, &n), RRD_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids_seen, 2);
	assert_int_equal(strlen(ids[0]), 33);
	assert_string_not_equal(ids[0], ids[1]);
	assert_memory_not_equal(ids[0], ids[1], 16); /* two distributors, two tokens */
	rrd_distributor_free(c);
	assert_int_equal(outbox_size(st), 0);
	fix_free(a);
	fix_free(b);
	rrd_store_free(st);
}

/* A malformed entry: nothing is taken, and the call says which. */
static void test_malformed_entry(void **state)
{
	(void)state;
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	configure(st);
	fixture *crashed = durable(st, 0);
	assert_int_equal(fix_submit(crashed, "L1", "web"), RRD_OK);
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, RRD_NS_OUTBOX, "junk", "\x01\x63", 2, 0), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	fixture *other = durable(st, 1);
	size_t n = 9;
	assert_int_equal(rrd_distributor_redeliver(other->dist, 0, &n), RRD_E_STORE);
	assert_non_null(strstr(rrd_error_last(), "\"junk\""));
	assert_int_equal(n, 0);
	assert_int_equal(other->nevents, 0);
	assert_int_equal(rrd_distributor_redeliver(NULL, 0, &n), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_redeliver(other->dist, -1, &n), RRD_E_INVALID);
	fix_free(other);
	fix_free(crashed);
	rrd_store_free(st);
}

/* A failed write to the outbox fails the operation, which changes
 * nothing. */
static void test_outbox_write_failure(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new();
	configure(fs->store);
	fixture *f = durable(fs->store, 1);
	faulty_store_arm(fs, FAULTY_COMMIT, 0, 1);
	assert_int_equal(fix_submit(f, "L1", "web"), RRD_E_STORE);
	assert_int_equal(f->nevents, 0);
	assert_int_equal(outbox_size(fs->store), 0);
	char *json = fix_record_json(f, "L1");
	assert_string_equal(json, "absent");
	free(json);
	fix_free(f);
	faulty_store_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivered_events_leave_the_outbox),
		cmocka_unit_test(test_left_events_are_delivered_again),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_malformed_entry),
		cmocka_unit_test(test_outbox_write_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
