/* Times and durations have bounds: a call given a time outside
 * RRD_TIME_MIN..RRD_TIME_MAX, or a duration outside 0..RRD_DURATION_MAX,
 * is refused and changes nothing, and arithmetic near the ends stays in
 * range (a deadline past the last instant is the last instant). */
#include <string.h>

#include "../support/fixture.h"
#include "sim/rfc3339.h"

static void refused(rrd_status rc, const char *fragment)
{
	assert_int_equal(rc, RRD_E_INVALID);
	if (!strstr(rrd_error_last(), fragment))
		fail_msg("\"%s\" does not say \"%s\"", rrd_error_last(), fragment);
}

static void test_bounds_are_years_1_to_9999(void **state)
{
	(void)state;
	char buf[RRD_TIME_TEXT_MAX];
	rrd_time t;
	assert_int_equal(rrd__time_parse("0001-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, RRD_TIME_MIN);
	assert_int_equal(rrd__time_parse("9999-12-31T23:59:59.999Z", &t), 0);
	assert_int_equal(t, RRD_TIME_MAX);
	rrd__time_format(RRD_TIME_MAX, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	assert_int_equal(RRD_DURATION_MAX, 36600 * RRD_DAY);
	/* Any time plus any duration fits in an rrd_time. */
	assert_true(RRD_TIME_MAX < INT64_MAX - RRD_DURATION_MAX);
	assert_true(RRD_TIME_MIN > INT64_MIN + RRD_DURATION_MAX);
}

static void test_claim_windows(void **state)
{
	(void)state;
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	refused(rrd_pool_set_claim_window(p, INT64_MAX), "claim window");
	refused(rrd_pool_set_claim_window(p, RRD_DURATION_MAX + 1), "claim window");
	refused(rrd_pool_set_claim_window(p, RRD_WINDOW_INHERIT), "claim window");
	assert_int_equal(rrd_pool_claim_window(p), 5 * RRD_MINUTE);
	assert_int_equal(rrd_pool_set_claim_window(p, RRD_DURATION_MAX), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, RRD_NO_WINDOW), RRD_OK);
	rrd_pool_free(p);

	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "all", "web"), RRD_OK);
	refused(rrd_rule_set_claim_window(r, INT64_MAX), "claim window");
	refused(rrd_rule_set_claim_window(r, RRD_DURATION_MAX + 1), "claim window");
	refused(rrd_rule_set_claim_window(r, INT64_MIN), "claim window");
	assert_int_equal(rrd_rule_claim_window(r), RRD_WINDOW_INHERIT);
	assert_int_equal(rrd_rule_set_claim_window(r, RRD_DURATION_MAX), RRD_OK);
	assert_int_equal(rrd_rule_set_claim_window(r, RRD_NO_WINDOW), RRD_OK);
	assert_int_equal(rrd_rule_set_claim_window(r, RRD_WINDOW_INHERIT), RRD_OK);
	rrd_rule_free(r);
}

static void test_record_times(void **state)
{
	(void)state;
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_created_at(r, RRD_TIME_MAX), RRD_OK);
	refused(rrd_record_set_created_at(r, RRD_TIME_MAX + 1), "9999");
	refused(rrd_record_set_created_at(r, RRD_TIME_MIN - 1), "9999");
	assert_int_equal(rrd_record_created_at(r), RRD_TIME_MAX);
	assert_int_equal(rrd_record_set_reassigned_at(r, RRD_TIME_MIN), RRD_OK);
	refused(rrd_record_set_reassigned_at(r, INT64_MAX), "9999");
	assert_int_equal(rrd_record_reassigned_at(r), RRD_TIME_MIN);
	/* "None" stays a value one may set. */
	assert_int_equal(rrd_record_set_reassigned_at(r, RRD_TIME_NONE), RRD_OK);
	assert_int_equal(rrd_record_set_created_at(r, RRD_TIME_NONE), RRD_OK);
	rrd_record_free(r);
}

static void test_record_times_in_json(void **state)
{
	(void)state;
	rrd_record *r = NULL;
	const char *late = "{\"id\":\"L1\",\"kind\":\"lead\",\"created_at\":253402300800000}";
	assert_int_equal(rrd_record_from_json(&r, late, strlen(late)), RRD_E_PARSE);
	assert_null(r);
	const char *early = "{\"id\":\"L1\",\"kind\":\"lead\","
			    "\"reassigned_at\":-62135596800001}";
	assert_int_equal(rrd_record_from_json(&r, early, strlen(early)), RRD_E_PARSE);
	const char *last = "{\"id\":\"L1\",\"kind\":\"lead\",\"created_at\":253402300799999}";
	assert_int_equal(rrd_record_from_json(&r, last, strlen(last)), RRD_OK);
	assert_int_equal(rrd_record_created_at(r), RRD_TIME_MAX);
	rrd_record_free(r);
}

static void test_redistribution_since(void **state)
{
	(void)state;
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_filter(rd), RRD_OK);
	refused(rrd_redistribution_filter_reassigned_since(rd, RRD_TIME_MAX + 1), "9999");
	refused(rrd_redistribution_filter_reassigned_since(rd, INT64_MIN), "9999");
	assert_int_equal(rrd_redistribution_filter_reassigned_since(rd, RRD_TIME_MIN), RRD_OK);
	rrd_redistribution_free(rd);
}

static void test_calendar_open_time(void **state)
{
	(void)state;
	rrd_calendar *cal;
	assert_int_equal(rrd_calendar_new(&cal, "east", "America/New_York"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 9 * 60, 17 * 60), RRD_OK);
	rrd_time out = 7;
	refused(rrd_calendar_add_open_time(cal, FIX_START, INT64_MAX, &out), "duration");
	refused(rrd_calendar_add_open_time(cal, FIX_START, RRD_DURATION_MAX + 1, &out),
		"duration");
	assert_int_equal(out, 7);
	/* Within the bound, but more open time than ten years hold. */
	assert_int_equal(rrd_calendar_add_open_time(cal, FIX_START, RRD_DURATION_MAX, &out),
			 RRD_E_NOTFOUND);
	rrd_calendar_free(cal);
}

static void test_advance(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	refused(rrd_distributor_advance(f->dist, RRD_TIME_MAX + 1), "9999");
	refused(rrd_distributor_advance(f->dist, INT64_MIN), "9999");
	assert_int_equal(rrd_distributor_advance(f->dist, RRD_TIME_MIN), RRD_OK);
	assert_int_equal(rrd_distributor_advance(f->dist, RRD_TIME_MAX), RRD_OK);
	fix_free(f);
}

/* A pool whose window is the longest there is, and the clock at `now`. */
static fixture *late_offer(rrd_time now)
{
	fixture *f = fix_new(0);
	f->now = now;
	fix_agent(f, "A");
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, RRD_DURATION_MAX), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	return f;
}

static rrd_time deadline_of(fixture *f, const char *lead)
{
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, lead, &r), RRD_OK);
	assert_int_equal(rrd_record_status_of(r), RRD_RECORD_OFFERED);
	rrd_record_free(r);
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	return due;
}

static void test_deadline_past_the_last_instant_is_the_last_instant(void **state)
{
	(void)state;
	fixture *f = late_offer(RRD_TIME_MAX - RRD_HOUR);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	assert_int_equal(deadline_of(f, "L1"), RRD_TIME_MAX);
	/* It expires when the clock gets there, not at once. */
	assert_int_equal(rrd_distributor_advance(f->dist, f->now + RRD_MINUTE), RRD_OK);
	assert_int_equal(f->nevents, 1);
	f->now = RRD_TIME_MAX;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	assert_int_equal(f->nevents, 3);
	assert_string_equal(fix_event(f, 1), "offer_expired L1 A");
	fix_free(f);
}

/* A host clock that says something out of range is taken as the nearest
 * bound, so nothing the distributor computes from it leaves the range. */
static void test_clock_beyond_the_range_is_taken_at_the_bound(void **state)
{
	(void)state;
	fixture *f = late_offer(INT64_MAX);
	assert_int_equal(rrd_distributor_now(f->dist), RRD_TIME_MAX);
	assert_int_equal(fix_submit(f, "L1", "p"), RRD_OK);
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, "L1", &r), RRD_OK);
	assert_int_equal(rrd_record_created_at(r), RRD_TIME_MAX);
	rrd_record_free(r);
	assert_int_equal(deadline_of(f, "L1"), RRD_TIME_MAX);
	f->now = INT64_MIN;
	assert_int_equal(rrd_distributor_now(f->dist), RRD_TIME_MIN);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds_are_years_1_to_9999),
		cmocka_unit_test(test_claim_windows),
		cmocka_unit_test(test_record_times),
		cmocka_unit_test(test_record_times_in_json),
		cmocka_unit_test(test_redistribution_since),
		cmocka_unit_test(test_calendar_open_time),
		cmocka_unit_test(test_advance),
		cmocka_unit_test(test_deadline_past_the_last_instant_is_the_last_instant),
		cmocka_unit_test(test_clock_beyond_the_range_is_taken_at_the_bound),
	};
	return cmocka_run_group_tests_name("time_bounds", tests, NULL, NULL);
}
