/* A call that succeeds leaves rrd_error_last() as it was, even when it
 * met failures on its way that it got past. */
#include <string.h>

#include "../support/fixture.h"
#include "../support/faulty_store.h"

/* 9999-12-31T00:00:00Z: calendars answer for times up to two days
 * before the end of the year 9999 and refuse later ones, which some
 * calls ask about and get past. */
#define LAST_DAY ((rrd_time)253402214400000)

/* Make a call fail, and return its message (a static copy). */
static const char *set_error(fixture *f)
{
	static char message[512];
	rrd_agent *a = NULL;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "nobody", &a), RRD_E_UNKNOWN_AGENT);
	snprintf(message, sizeof message, "%s", rrd_error_last());
	assert_true(strlen(message) > 0);
	return message;
}

static void assert_error_is(const char *message)
{
	assert_string_equal(rrd_error_last(), message);
	assert_int_equal(rrd_error_last_status(), RRD_E_UNKNOWN_AGENT);
}

static void agent_on(fixture *f, const char *id, const char *calendar, int paused)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	if (calendar)
		assert_int_equal(rrd_agent_set_calendar(a, calendar), RRD_OK);
	assert_int_equal(rrd_agent_set_paused(a, paused), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static void calendar(fixture *f)
{
	rrd_calendar *cal;
	assert_int_equal(rrd_calendar_new(&cal, "east", "America/New_York"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 9 * 60, 17 * 60), RRD_OK);
	assert_int_equal(rrd_distributor_put_calendar(f->dist, cal), RRD_OK);
	rrd_calendar_free(cal);
}

static void pool(fixture *f, const char *id, const char *member, int auto_drain,
		 rrd_time window)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_auto_drain(p, auto_drain), RRD_OK);
	assert_int_equal(rrd_pool_set_respect_hours(p, 1), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, window), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, member), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

static void test_advance(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	const char *message = set_error(f);
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_error_is(message);
	f->now += RRD_MINUTE;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_error_is(message);
	fix_free(f);
}

/* A queued record waits for a member whose calendar cannot answer for
 * the last days of 9999; another record's offer is due. */
static fixture *late_drain_and_offer(void)
{
	fixture *f = fix_new(0);
	f->now = LAST_DAY;
	calendar(f);
	agent_on(f, "A", "east", 1);
	agent_on(f, "B", NULL, 0);
	pool(f, "p", "A", 1, RRD_NO_WINDOW);
	pool(f, "q", "B", 0, RRD_HOUR);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_int_equal(fix_submit(f, "L2", "q"), RRD_OK);
	assert_string_equal(fix_event(f, 0), "queued L1 reason=no_eligible_agent");
	return f;
}

static void test_next_deadline(void **state)
{
	(void)state;
	fixture *f = late_drain_and_offer();
	const char *message = set_error(f);
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	assert_int_equal(due, LAST_DAY + RRD_HOUR);
	assert_error_is(message);
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	assert_error_is(message);
	fix_free(f);
}

static void test_advance_near_the_end_of_time(void **state)
{
	(void)state;
	fixture *f = late_drain_and_offer();
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	const char *message = set_error(f);
	f->now += RRD_MINUTE;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_error_is(message);
	f->now += 2 * RRD_HOUR; /* the offer expires */
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_error_is(message);
	fix_free(f);
}

/* A member whose calendar cannot answer for the last days of 9999. */
static fixture *late_member(void)
{
	fixture *f = fix_new(0);
	f->now = LAST_DAY;
	calendar(f);
	agent_on(f, "A", "east", 0);
	pool(f, "p", "A", 0, RRD_NO_WINDOW);
	return f;
}

static void test_submit(void **state)
{
	(void)state;
	fixture *f = late_member();
	const char *message = set_error(f);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_error_is(message);
	assert_int_equal(fix_submit(f, "L2", "p"), RRD_OK);
	assert_error_is(message);
	fix_free(f);
}

static void test_next_agent(void **state)
{
	(void)state;
	fixture *f = late_member();
	const char *message = set_error(f);
	assert_string_equal(fix_next(f, "p"), "A");
	assert_error_is(message);
	assert_string_equal(fix_next(f, "p"), "A");
	assert_error_is(message);
	fix_free(f);
}

/* A configuration call commits, then drains; a drain that fails is done
 * again after the next operation, and the call succeeded. */
static void test_configuration_call_whose_drain_fails(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new();
	fixture *f = fix_new_on(fs->store, 0);
	agent_on(f, "A", NULL, 1);
	pool(f, "p", "A", 1, RRD_NO_WINDOW);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_string_equal(fix_event(f, 0), "queued L1 reason=no_eligible_agent");
	const char *message = set_error(f);
	for (int i = 0; i < 2; i++) {
		faulty_store_arm(fs, FAULTY_BEGIN, 1, 1); /* the call's own begins, not its drain's */
		agent_on(f, "A", NULL, 0);
		assert_int_equal(fs->failed[FAULTY_BEGIN], i + 1);
		assert_error_is(message);
	}
	assert_int_equal(f->nevents, 1);
	assert_int_equal(fix_submit(f, "L2", NULL), RRD_OK);
	assert_string_equal(fix_event(f, 2), "assigned L1 A via=drain pool=p");
	fix_free(f);
	faulty_store_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advance),
		cmocka_unit_test(test_next_deadline),
		cmocka_unit_test(test_advance_near_the_end_of_time),
		cmocka_unit_test(test_submit),
		cmocka_unit_test(test_next_agent),
		cmocka_unit_test(test_configuration_call_whose_drain_fails),
	};
	return cmocka_run_group_tests_name("error_last", tests, NULL, NULL);
}
