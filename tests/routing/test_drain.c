/* Auto-drain: queued records come back as soon as someone can take them. */
#include <string.h>

#include "../support/faulty_store.h"
#include "../support/fixture.h"
#include "store/store.h"

static void drain_pool(fixture *f, int respect_hours, const char *member)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_auto_drain(p, 1), RRD_OK);
	assert_int_equal(rrd_pool_set_respect_hours(p, respect_hours), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, member), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

static size_t queued(fixture *f)
{
	rrd_queue *q;
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	size_t n = rrd_queue_count(q);
	rrd_queue_free(q);
	return n;
}

static void test_unpausing_drains_oldest_first(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	fix_set_paused(f, "A", 1);
	drain_pool(f, 0, "A");
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_int_equal(fix_submit(f, "L2", "p"), RRD_OK);
	assert_string_equal(fix_event(f, 1), "queued L2 reason=no_eligible_agent");
	fix_set_paused(f, "A", 0);
	assert_string_equal(fix_event(f, 2), "assigned L1 A via=drain pool=p");
	assert_string_equal(fix_event(f, 3), "assigned L2 A via=drain pool=p");
	assert_int_equal(queued(f), 0);
	fix_free(f);
}

static void test_calendar_opening_drains_at_that_instant(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	rrd_calendar *cal;
	assert_int_equal(rrd_calendar_new(&cal, "east", "America/New_York"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 9 * 60, 17 * 60), RRD_OK);
	assert_int_equal(rrd_distributor_put_calendar(f->dist, cal), RRD_OK);
	rrd_calendar_free(cal);
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "A"), RRD_OK);
	assert_int_equal(rrd_agent_set_calendar(a, "east"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	drain_pool(f, 1, "A");
	/* 08:00Z Monday is 03:00 in New York: closed. */
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_string_equal(fix_event(f, 0), "queued L1 reason=no_eligible_agent");
	/* An event loop learns when to call back: the opening, 14:00Z. */
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	assert_true(due == FIX_START + 6 * RRD_HOUR);
	f->now = FIX_START + 10 * RRD_HOUR;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_int_equal(f->nevents, 2);
	assert_string_equal(fix_event(f, 1), "assigned L1 A via=drain pool=p");
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_E_NOTFOUND);
	rrd_agent *got;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "A", &got), RRD_OK);
	/* 09:00 EST is 14:00Z: the drain happened at the opening. */
	assert_true(rrd_agent_last_assigned(got) == FIX_START + 6 * RRD_HOUR);
	rrd_agent_free(got);
	fix_free(f);
}

/* At f->now, A takes one record a day; L1 went to A, L2 waits. */
static void daily_cap_reached(fixture *f)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "A"), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_per_day(a, 1), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	drain_pool(f, 0, "A");
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_int_equal(fix_submit(f, "L2", "p"), RRD_OK);
	assert_string_equal(fix_event(f, 1), "queued L2 reason=no_eligible_agent");
}

static void test_new_day_drains_an_agent_at_daily_cap(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	daily_cap_reached(f);
	f->now = FIX_START + RRD_DAY;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_string_equal(fix_event(f, 2), "assigned L2 A via=drain pool=p");
	rrd_agent *got;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "A", &got), RRD_OK);
	/* UTC midnight after the start. */
	assert_true(rrd_agent_last_assigned(got) == FIX_START + 16 * RRD_HOUR);
	rrd_agent_free(got);
	fix_free(f);
}

/* Before 1970 a day still begins at midnight, not at the next day's end:
 * the member's new day comes at 1969-12-31T00:00Z, not at the epoch. */
static void test_new_day_before_1970_drains_at_that_midnight(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	f->now = -RRD_DAY - 12 * RRD_HOUR; /* 1969-12-30T12:00Z */
	daily_cap_reached(f);
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	assert_int_equal(due, -RRD_DAY);
	f->now = -RRD_DAY + RRD_HOUR;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_int_equal(f->nevents, 3);
	assert_string_equal(fix_event(f, 2), "assigned L2 A via=drain pool=p");
	rrd_agent *got;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "A", &got), RRD_OK);
	assert_int_equal(rrd_agent_last_assigned(got), -RRD_DAY);
	assert_int_equal(rrd_agent_assigned_today(got), 1);
	rrd_agent_free(got);
	fix_free(f);
}

/* The new day that would free A starts after the last instant there is:
 * it never comes, so nothing is due. */
static void test_no_new_day_after_the_last_instant(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	f->now = RRD_TIME_MAX - RRD_HOUR;
	daily_cap_reached(f);
	rrd_time due = 0;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_E_NOTFOUND);
	assert_int_equal(due, 0);
	assert_int_equal(rrd_distributor_advance(f->dist, RRD_TIME_MAX), RRD_OK);
	assert_int_equal(f->nevents, 2);
	fix_free(f);
}

static void test_draining_again_after_the_queue_emptied(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	fix_set_paused(f, "A", 1);
	drain_pool(f, 0, "A");
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	fix_set_paused(f, "A", 0);
	assert_string_equal(fix_event(f, 1), "assigned L1 A via=drain pool=p");
	/* The queue is empty now; it fills again and drains again. */
	fix_set_paused(f, "A", 1);
	assert_int_equal(fix_submit(f, "L2", "p"), RRD_OK);
	assert_int_equal(fix_submit(f, "L3", NULL), RRD_OK); /* no rule: not drainable */
	assert_string_equal(fix_event(f, 2), "queued L2 reason=no_eligible_agent");
	fix_set_paused(f, "A", 0);
	assert_string_equal(fix_event(f, 4), "assigned L2 A via=drain pool=p");
	assert_int_equal(f->nevents, 5);
	assert_int_equal(queued(f), 1); /* L3 stays for a person */
	/* Taking the drainable one by hand leaves nothing to drain either. */
	fix_set_paused(f, "A", 1);
	assert_int_equal(fix_submit(f, "L4", "p"), RRD_OK);
	assert_int_equal(rrd_distributor_assign(f->dist, "L4", "A", NULL), RRD_OK);
	fix_set_paused(f, "A", 0);
	assert_string_equal(fix_event(f, f->nevents - 1), "assigned L4 A via=manual");
	fix_free(f);
}

/* An agent with room for one open record. */
static void agent_with_room_for_one(fixture *f, const char *id)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_open(a, 1), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static void test_turning_auto_drain_on_drains_what_waits(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	fix_set_paused(f, "A", 1);
	fix_pool(f, "p", RRD_STRATEGY_ROUND_ROBIN, "A", NULL);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	fix_set_paused(f, "A", 0);
	assert_int_equal(fix_status(f, "L1"), RRD_RECORD_QUEUED); /* nobody drains p yet */
	drain_pool(f, 0, "A");
	assert_string_equal(fix_event(f, f->nevents - 1), "assigned L1 A via=drain pool=p");
	fix_free(f);
}

/* Another distributor on the store queues a record; this one frees the
 * agent and must see the record to drain. */
static void test_draining_what_another_distributor_queued(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	agent_with_room_for_one(f, "A");
	drain_pool(f, 0, "A");
	assert_int_equal(fix_submit(f, "R1", "p"), RRD_OK);
	assert_string_equal(fix_owner(f, "R1"), "A");
	fixture *g = fix_new_on(f->store, 0);
	assert_int_equal(fix_submit(g, "L1", "p"), RRD_OK);
	assert_int_equal(fix_status(g, "L1"), RRD_RECORD_QUEUED);
	assert_int_equal(rrd_distributor_queue_record(f->dist, "R1", NULL), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "A");
	fix_free(g);
	fix_free(f);
}

/* Undoing a job that took a record from the queue puts it back where
 * auto-drain finds it. */
static void test_undo_puts_back_a_record_to_drain(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	agent_with_room_for_one(f, "A");
	fix_agent(f, "B");
	drain_pool(f, 0, "A");
	assert_int_equal(fix_submit(f, "R1", "p"), RRD_OK);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK); /* A is full */
	assert_int_equal(fix_status(f, "L1"), RRD_RECORD_QUEUED);
	char job[RRD_JOB_ID_MAX + 1];
	snprintf(job, sizeof job, "%s", fix_redistribute(f, "L1", "B"));
	assert_string_equal(fix_owner(f, "L1"), "B");
	assert_int_equal(rrd_distributor_undo(f->dist, job, NULL), RRD_OK);
	assert_int_equal(fix_status(f, "L1"), RRD_RECORD_QUEUED); /* A is still full */
	assert_int_equal(rrd_distributor_queue_record(f->dist, "R1", NULL), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "A");
	fix_free(f);
}

/* With nothing left to drain, an operation does not read the queue. */
static void test_nothing_to_drain_reads_no_queue(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new();
	fixture *f = fix_new_on(fs->store, 0);
	fix_agent(f, "A");
	fix_set_paused(f, "A", 1);
	drain_pool(f, 0, "A");
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	fix_set_paused(f, "A", 0);
	assert_string_equal(fix_owner(f, "L1"), "A");
	long scans = fs->scans[RRD_NS_QUEUE];
	assert_int_equal(fix_submit(f, "L2", "p"), RRD_OK);
	assert_string_equal(fix_owner(f, "L2"), "A");
	assert_int_equal(fs->scans[RRD_NS_QUEUE], scans);
	fix_free(f);
	faulty_store_free(fs);
}

/* While nobody in an auto-drain pool can take a record (paused, at
 * capacity), operations do not read the backlog; the first that frees
 * someone does, and gets every waiting record in one read. */
static void test_a_backlog_waits_unread_while_nobody_is_free(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new();
	fs->no_generation = 1; /* as a concurrent store: each transaction reads afresh */
	fixture *f = fix_new_on(fs->store, 0);
	fix_agent(f, "A");
	fix_agent(f, "B");
	fix_set_paused(f, "A", 1);
	fix_set_paused(f, "B", 1);
	drain_pool(f, 0, "A");
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "p", "B"), RRD_OK);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	long scans = fs->scans[RRD_NS_QUEUE];
	char id[16];
	for (int i = 2; i <= 40; i++) {
		snprintf(id, sizeof id, "L%d", i);
		assert_int_equal(fix_submit(f, id, "p"), RRD_OK);
		assert_int_equal(fix_status(f, id), RRD_RECORD_QUEUED);
	}
	fix_set_paused(f, "B", 1); /* a change that frees nobody */
	assert_int_equal(fs->scans[RRD_NS_QUEUE], scans);
	long gets = fs->gets, get_manys = fs->get_manys;
	fix_set_paused(f, "A", 0);
	assert_true(fs->scans[RRD_NS_QUEUE] > scans);
	/* Each record read in one go, not one at a time. */
	assert_true(fs->get_manys > get_manys);
	assert_true(fs->gets - gets < 40);
	for (int i = 1; i <= 40; i++) {
		snprintf(id, sizeof id, "L%d", i);
		assert_string_equal(fix_owner(f, id), "A");
	}
	assert_int_equal(queued(f), 0);
	fix_free(f);
	faulty_store_free(fs);
}

/* A member at capacity frees nobody either; a record taken from them
 * (to the manual queue) frees a place, and the oldest waiting record
 * takes it. */
static void test_a_full_pool_drains_as_places_free(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "A"), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_open(a, 1), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	drain_pool(f, 0, "A");
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_int_equal(fix_submit(f, "L2", "p"), RRD_OK);
	assert_int_equal(fix_submit(f, "L3", "p"), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "A");
	assert_int_equal(fix_status(f, "L2"), RRD_RECORD_QUEUED);
	assert_int_equal(fix_status(f, "L3"), RRD_RECORD_QUEUED);
	assert_int_equal(rrd_distributor_queue_record(f->dist, "L1", NULL), RRD_OK);
	assert_int_equal(fix_status(f, "L1"), RRD_RECORD_QUEUED);
	assert_string_equal(fix_owner(f, "L2"), "A");
	assert_int_equal(fix_status(f, "L3"), RRD_RECORD_QUEUED);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unpausing_drains_oldest_first),
		cmocka_unit_test(test_calendar_opening_drains_at_that_instant),
		cmocka_unit_test(test_new_day_drains_an_agent_at_daily_cap),
		cmocka_unit_test(test_new_day_before_1970_drains_at_that_midnight),
		cmocka_unit_test(test_no_new_day_after_the_last_instant),
		cmocka_unit_test(test_draining_again_after_the_queue_emptied),
		cmocka_unit_test(test_turning_auto_drain_on_drains_what_waits),
		cmocka_unit_test(test_draining_what_another_distributor_queued),
		cmocka_unit_test(test_undo_puts_back_a_record_to_drain),
		cmocka_unit_test(test_nothing_to_drain_reads_no_queue),
		cmocka_unit_test(test_a_backlog_waits_unread_while_nobody_is_free),
		cmocka_unit_test(test_a_full_pool_drains_as_places_free),
	};
	return cmocka_run_group_tests_name("drain", tests, NULL, NULL);
}
