/* The manual queue: listed oldest first with reasons; assigning from it;
 * parking records in it by hand. */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

static void test_queue_lists_oldest_first_with_reasons(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK); /* no members */
	rrd_pool_free(p);
	assert_int_equal(fix_submit(f, "L1", NULL), RRD_OK);
	f->now += RRD_MINUTE;
	assert_int_equal(fix_submit(f, "L2", "web"), RRD_OK);
	rrd_queue *q;
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	assert_int_equal(rrd_queue_count(q), 2);
	const char *id, *pool, *rule;
	rrd_queue_reason why;
	rrd_time since;
	assert_int_equal(rrd_queue_entry(q, 0, &id, &why, &since, &pool, &rule), RRD_OK);
	assert_string_equal(id, "L1");
	assert_int_equal(why, RRD_QUEUE_NO_RULE);
	assert_true(since == FIX_START);
	assert_null(pool);
	assert_int_equal(rrd_queue_entry(q, 1, &id, &why, &since, &pool, &rule), RRD_OK);
	assert_string_equal(id, "L2");
	assert_int_equal(why, RRD_QUEUE_NO_ELIGIBLE_AGENT);
	assert_string_equal(pool, "web");
	assert_int_equal(rrd_queue_entry(q, 2, &id, NULL, NULL, NULL, NULL), RRD_E_INVALID);
	rrd_queue_free(q);

	rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
	o.notify = 0;
	assert_int_equal(rrd_distributor_assign(f->dist, "L1", "A", &o), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "A");
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	assert_int_equal(rrd_queue_count(q), 1);
	assert_int_equal(rrd_queue_entry(q, 0, &id, NULL, NULL, NULL, NULL), RRD_OK);
	assert_string_equal(id, "L2");
	rrd_queue_free(q);
	fix_free(f);
}

/* ---- parking a record for a person (rrd_distributor_queue_record) ------ */

/* The queue as text: "L1:manual@0 L2:no_rule@60" (record, reason, seconds
 * after FIX_START), oldest first, in a static buffer. */
static const char *queue_text(fixture *f)
{
	static char buf[512];
	rrd_queue *q;
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	buf[0] = '\0';
	for (size_t i = 0; i < rrd_queue_count(q); i++) {
		const char *id;
		rrd_queue_reason why;
		rrd_time since;
		assert_int_equal(rrd_queue_entry(q, i, &id, &why, &since, NULL, NULL), RRD_OK);
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof buf - n, "%s%s:%s@%lld", n ? " " : "", id,
			 rrd_queue_reason_name(why), (long long)((since - FIX_START) / RRD_SECOND));
	}
	rrd_queue_free(q);
	return buf;
}

/* Records queued by several distributors on one store, at the same
 * instant, are listed in the order they were queued: numbers handed out
 * ahead by one distributor never go behind another's later ones. */
static void test_queue_order_across_distributors(void **state)
{
	(void)state;
	fixture *a = fix_new(0);
	fixture *b = fix_new_on(a->store, 0);
	static const char *const ids[] = { "L1", "L2", "L3", "L4", "L5", "L6" };
	/* a, b, a, a, b, then a distributor that came later. */
	fixture *by[] = { a, b, a, a, b, NULL };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(fix_submit(by[i], ids[i], NULL), RRD_OK);
	fixture *c = fix_new_on(a->store, 0);
	assert_int_equal(fix_submit(c, ids[5], NULL), RRD_OK);
	assert_int_equal(fix_submit(a, "L7", NULL), RRD_OK);
	static const char want[] = "L1:no_rule@0 L2:no_rule@0 L3:no_rule@0 L4:no_rule@0 "
				   "L5:no_rule@0 L6:no_rule@0 L7:no_rule@0";
	assert_string_equal(queue_text(a), want);
	assert_string_equal(queue_text(b), want);
	fix_free(c);
	fix_free(b);
	fix_free(a);
}

static void import(fixture *f, const char *id, rrd_record_status st, const char *owner)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, st), RRD_OK);
	if (owner)
		assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
}

/* "floor": an auto-drain pool of A. */
static void floor_pool(fixture *f)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "floor", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_auto_drain(p, 1), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

static void window_pool(fixture *f, const char *id, const char *member)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, member), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

static void test_queue_record_parks_a_pending_record(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "A", NULL);
	assert_int_equal(fix_submit(f, "L1", "web"), RRD_OK);
	assert_int_equal(fix_open_count(f, "A"), 1);
	fix_clear_events(f);
	f->now += RRD_MINUTE;
	assert_int_equal(rrd_distributor_queue_record(f->dist, "L1", NULL), RRD_OK);
	assert_int_equal(f->nevents, 1);
	assert_string_equal(fix_event(f, 0), "queued L1 reason=manual");
	assert_int_equal(fix_open_count(f, "A"), 0);
	assert_int_equal(fix_status(f, "L1"), RRD_RECORD_QUEUED);
	assert_string_equal(fix_owner(f, "L1"), "");
	assert_string_equal(queue_text(f), "L1:manual@60");
	rrd_queue *q;
	const char *pool = "x", *rule = "x";
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	assert_int_equal(rrd_queue_entry(q, 0, NULL, NULL, NULL, &pool, &rule), RRD_OK);
	assert_null(pool);
	assert_null(rule);
	rrd_queue_free(q);
	/* A person assigns it from the queue. */
	assert_int_equal(rrd_distributor_assign(f->dist, "L1", "A", NULL), RRD_OK);
	assert_string_equal(fix_event(f, 1), "assigned L1 A via=manual");
	assert_int_equal(fix_open_count(f, "A"), 1);
	assert_int_equal(fix_status(f, "L1"), RRD_RECORD_PENDING);
	assert_string_equal(queue_text(f), "");
	fix_free(f);
}

static void test_queue_record_refusals_change_nothing(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	window_pool(f, "slow", "A");
	import(f, "P", RRD_RECORD_PENDING, "A");
	import(f, "C", RRD_RECORD_CLAIMED, "A");
	import(f, "N", RRD_RECORD_NEW, NULL);
	import(f, "D", RRD_RECORD_DEACTIVATED, "A");
	assert_int_equal(fix_submit(f, "O", "slow"), RRD_OK); /* offered to A */
	fix_clear_events(f);
	static const char *const leads[] = { "P", "C", "N", "D", "O" };
	char *before[5];
	for (int i = 0; i < 5; i++)
		before[i] = fix_record_json(f, leads[i]);
	int64_t open = fix_open_count(f, "A");
	rrd_move_options stale = RRD_MOVE_OPTIONS_INIT;
	stale.version = 0;
	rrd_move_options forced = RRD_MOVE_OPTIONS_INIT;
	forced.force = 1;
	char long_id[RRD_ID_MAX + 2];
	memset(long_id, 'x', RRD_ID_MAX + 1);
	long_id[RRD_ID_MAX + 1] = '\0';
	struct {
		rrd_distributor *d;
		const char *lead;
		const rrd_move_options *o;
		rrd_status want;
	} cases[] = {
		{ NULL, "P", NULL, RRD_E_INVALID },
		{ f->dist, NULL, NULL, RRD_E_INVALID },
		{ f->dist, "", NULL, RRD_E_INVALID },
		{ f->dist, long_id, NULL, RRD_E_INVALID },
		{ f->dist, "P", &stale, RRD_E_VERSION },
		{ f->dist, "L404", NULL, RRD_E_UNKNOWN_RECORD },
		{ f->dist, "L404", &forced, RRD_E_UNKNOWN_RECORD },
		{ f->dist, "D", NULL, RRD_E_INVALID },
		{ f->dist, "D", &forced, RRD_E_INVALID },
		{ f->dist, "O", NULL, RRD_E_RULE_BOUND },
		{ f->dist, "C", NULL, RRD_E_NOT_PENDING },
		{ f->dist, "N", NULL, RRD_E_NOT_PENDING },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		rrd_error_clear();
		rrd_status rc = rrd_distributor_queue_record(cases[i].d, cases[i].lead, cases[i].o);
		if (rc != cases[i].want)
			fail_msg("case %zu: %s, expected %s", i, rrd_status_name(rc),
				 rrd_status_name(cases[i].want));
		assert_true(*rrd_error_last() != '\0');
	}
	for (int i = 0; i < 5; i++) {
		char *after = fix_record_json(f, leads[i]);
		assert_string_equal(before[i], after);
		free(before[i]);
		free(after);
	}
	assert_int_equal(f->nevents, 0);
	assert_int_equal(fix_open_count(f, "A"), open);
	assert_string_equal(queue_text(f), "");
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	assert_true(due == FIX_START + 5 * RRD_MINUTE);
	fix_free(f);
}

static void test_queue_record_forced(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	window_pool(f, "slow", "A");
	import(f, "C", RRD_RECORD_CLAIMED, "A");
	import(f, "N", RRD_RECORD_NEW, NULL);
	assert_int_equal(fix_submit(f, "O", "slow"), RRD_OK);
	assert_string_equal(fix_event(f, 0), "offered O A pool=slow");
	fix_clear_events(f);
	rrd_move_options forced = RRD_MOVE_OPTIONS_INIT;
	forced.force = 1;
	assert_int_equal(rrd_distributor_queue_record(f->dist, "O", &forced), RRD_OK);
	assert_int_equal(rrd_distributor_queue_record(f->dist, "C", &forced), RRD_OK);
	assert_int_equal(rrd_distributor_queue_record(f->dist, "N", &forced), RRD_OK);
	assert_int_equal(f->nevents, 3);
	assert_string_equal(fix_event(f, 0), "queued O reason=manual");
	assert_string_equal(fix_event(f, 1), "queued C reason=manual");
	assert_string_equal(fix_event(f, 2), "queued N reason=manual");
	assert_int_equal(fix_open_count(f, "A"), 0);
	assert_string_equal(queue_text(f), "O:manual@0 C:manual@0 N:manual@0");
	/* The withdrawn offer's timer is gone: its deadline passes quietly. */
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_E_NOTFOUND);
	f->now = FIX_START + RRD_HOUR;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_int_equal(f->nevents, 3);
	/* A claim of it is rejected: the offer was neither declined nor
	 * held, so by the precedence of reasons it is `expired`. */
	rrd_claim_result res;
	assert_int_equal(rrd_distributor_claim(f->dist, "O", "A", &res), RRD_OK);
	assert_int_equal(res, RRD_CLAIM_EXPIRED);
	assert_int_equal(fix_status(f, "O"), RRD_RECORD_QUEUED);
	fix_free(f);
}

/* A record queued already keeps its place and time; its reason changes. */
static void test_queue_record_of_a_queued_record(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	fix_set_paused(f, "A", 1);
	floor_pool(f);
	assert_int_equal(fix_submit(f, "L1", "floor"), RRD_OK);
	f->now += RRD_MINUTE;
	assert_int_equal(fix_submit(f, "L2", "floor"), RRD_OK);
	f->now += RRD_MINUTE;
	assert_int_equal(fix_submit(f, "L3", NULL), RRD_OK);
	assert_string_equal(queue_text(f),
			    "L1:no_eligible_agent@0 L2:no_eligible_agent@60 L3:no_rule@120");
	fix_clear_events(f);
	f->now += RRD_MINUTE;
	assert_int_equal(rrd_distributor_queue_record(f->dist, "L1", NULL), RRD_OK);
	assert_int_equal(rrd_distributor_queue_record(f->dist, "L3", NULL), RRD_OK);
	assert_string_equal(fix_event(f, 0), "queued L1 reason=manual");
	assert_string_equal(fix_event(f, 1), "queued L3 reason=manual");
	assert_string_equal(queue_text(f),
			    "L1:manual@0 L2:no_eligible_agent@60 L3:manual@120");
	/* A is back: the pool drains L2, which it queued, and leaves L1,
	 * which waits for a person now. */
	fix_set_paused(f, "A", 0);
	assert_int_equal(f->nevents, 3);
	assert_string_equal(fix_event(f, 2), "assigned L2 A via=drain pool=floor");
	assert_string_equal(queue_text(f), "L1:manual@0 L3:manual@120");
	fix_free(f);
}

/* Parking a record of an auto-drain pool's member: the drain that ends
 * the call does not give it straight back, nor does any later one. */
static void test_auto_drain_leaves_a_parked_record(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	floor_pool(f);
	assert_int_equal(fix_submit(f, "L1", "floor"), RRD_OK);
	assert_string_equal(fix_event(f, 0), "assigned L1 A via=route pool=floor");
	assert_int_equal(rrd_distributor_queue_record(f->dist, "L1", NULL), RRD_OK);
	assert_int_equal(f->nevents, 2);
	assert_string_equal(fix_event(f, 1), "queued L1 reason=manual");
	fix_set_paused(f, "A", 1);
	fix_set_paused(f, "A", 0);
	f->now += RRD_DAY;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_int_equal(f->nevents, 2);
	assert_string_equal(queue_text(f), "L1:manual@0");
	assert_int_equal(fix_open_count(f, "A"), 0);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_lists_oldest_first_with_reasons),
		cmocka_unit_test(test_queue_record_parks_a_pending_record),
		cmocka_unit_test(test_queue_record_refusals_change_nothing),
		cmocka_unit_test(test_queue_record_forced),
		cmocka_unit_test(test_queue_record_of_a_queued_record),
		cmocka_unit_test(test_auto_drain_leaves_a_parked_record),
		cmocka_unit_test(test_queue_order_across_distributors),
	};
	return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
