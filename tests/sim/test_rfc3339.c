#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/rfc3339.h"
#include "sim/scenario.h"

/* 2026-03-02T08:00:00Z */
#define T0 ((rrd_time)1772438400000)

static rrd_time parse_ok(const char *text)
{
	rrd_time t = 0;
	if (rrd__time_parse(text, &t))
		fail_msg("\"%s\" should parse", text);
	return t;
}

static void refused(const char *text)
{
	rrd_time t = 12345;
	if (rrd__time_parse(text, &t) == 0)
		fail_msg("\"%s\" should be refused", text);
	assert_int_equal(t, 12345);
}

static const char *fmt(rrd_time t)
{
	static char buf[RRD_TIME_TEXT_MAX];
	size_t n = rrd__time_format(t, buf);
	assert_int_equal(n, strlen(buf));
	return buf;
}

static void test_utc_time_parses(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-03-02T08:00:00Z"), T0);
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1000);
}

static void test_offsets_name_the_same_instant(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-03-02T09:00:00+01:00"), T0);
	assert_int_equal(parse_ok("2026-03-02T03:00:00-05:00"), T0);
	assert_int_equal(parse_ok("2026-03-02T13:45:00+05:45"), T0);
	assert_int_equal(parse_ok("2026-03-02T08:00:00-00:00"), T0);
	/* An offset can move the instant across a day boundary. */
	assert_int_equal(parse_ok("2026-03-01T23:30:00-08:30"), T0);
}

static void test_lower_case_t_and_z_are_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-03-02t08:00:00z"), T0);
}

static void test_fractional_seconds_keep_milliseconds(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-03-02T08:00:00.5Z"), T0 + 500);
	assert_int_equal(parse_ok("2026-03-02T08:00:00.25Z"), T0 + 250);
	assert_int_equal(parse_ok("2026-03-02T08:00:00.123Z"), T0 + 123);
	/* Finer digits are dropped, never rounded up. */
	assert_int_equal(parse_ok("2026-03-02T08:00:00.999999999Z"), T0 + 999);
	assert_int_equal(parse_ok("1969-12-31T23:59:59.5Z"), -500);
}

static void test_leap_days_follow_the_gregorian_rules(void **state)
{
	(void)state;
	parse_ok("2024-02-29T00:00:00Z");
	parse_ok("2000-02-29T00:00:00Z");
	refused("2023-02-29T00:00:00Z");
	refused("2100-02-29T00:00:00Z");
}

static void test_dates_and_clock_times_that_do_not_exist_are_refused(void **state)
{
	(void)state;
	refused("2026-02-30T08:00:00Z");
	refused("2026-04-31T08:00:00Z");
	refused("2026-13-01T08:00:00Z");
	refused("2026-00-01T08:00:00Z");
	refused("2026-01-00T08:00:00Z");
	refused("2026-03-02T24:00:00Z");
	refused("2026-03-02T08:60:00Z");
	refused("2026-03-02T08:00:60Z");
}

static void test_malformed_text_is_refused(void **state)
{
	(void)state;
	refused("");
	refused("2026");
	refused("2026-03-02");
	refused("2026-03-02T08:00:00");
	refused("2026-03-02T08:00Z");
	refused("2026-3-02T08:00:00Z");
	refused("2026-03-02 08:00:00Z");
	refused("2026-03-02T08:00:00.Z");
	refused("2026-03-02T08:00:00ZZ");
	refused("2026-03-02T08:00:00Z ");
	refused(" 2026-03-02T08:00:00Z");
	refused("2026-03-02T08:00:00+0100");
	refused("2026-03-02T08:00:00+01");
	refused("2026-03-02T08:00:00+24:00");
	refused("2026-03-02T08:00:00+01:60");
	refused("+2026-03-02T08:00:00Z");
	refused("2026-03-02T08:00:00UTC");
	assert_int_equal(rrd__time_parse(NULL, &(rrd_time){ 0 }), -1);
}

static void test_range_is_years_1_to_9999(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("0001-01-01T00:00:00Z"), RRD_TIME_MIN);
	assert_int_equal(parse_ok("9999-12-31T23:59:59.999Z"), RRD_TIME_MAX);
	refused("0000-12-31T23:59:59Z");
	assert_int_equal(parse_ok("0000-12-31T23:00:00-01:00"), RRD_TIME_MIN);
	refused("0000-02-30T23:00:00-01:00");
	refused("0001-01-01T00:00:00+00:01");
	refused("9999-12-31T23:59:59-00:01");
}

static void test_format_writes_utc_seconds(void **state)
{
	(void)state;
	assert_string_equal(fmt(T0), "2026-03-02T08:00:00Z");
	assert_string_equal(fmt(0), "1970-01-01T00:00:00Z");
	assert_string_equal(fmt(RRD_TIME_MIN), "0001-01-01T00:00:00Z");
	assert_string_equal(fmt(RRD_TIME_MAX), "9999-12-31T23:59:59Z");
	assert_string_equal(fmt(parse_ok("2024-02-29T23:59:59Z")), "2024-02-29T23:59:59Z");
}

static void test_format_rounds_down_to_the_second(void **state)
{
	(void)state;
	assert_string_equal(fmt(T0 + 999), "2026-03-02T08:00:00Z");
	assert_string_equal(fmt(-1), "1969-12-31T23:59:59Z");
	assert_string_equal(fmt(-1000), "1969-12-31T23:59:59Z");
	assert_string_equal(fmt(-1001), "1969-12-31T23:59:58Z");
}

/* Times are kept within the bounds; were one not, it would still print as
 * the nearest bound, never as a year past 9999. */
static void test_format_never_writes_a_year_outside_1_to_9999(void **state)
{
	(void)state;
	assert_string_equal(fmt(INT64_MAX), "9999-12-31T23:59:59Z");
	assert_string_equal(fmt(RRD_TIME_MAX + 1), "9999-12-31T23:59:59Z");
	assert_string_equal(fmt(RRD_TIME_MAX + 100 * 366 * 86400000LL), "9999-12-31T23:59:59Z");
	assert_string_equal(fmt(INT64_MIN), "0001-01-01T00:00:00Z");
	assert_string_equal(fmt(RRD_TIME_MIN - 1), "0001-01-01T00:00:00Z");
}

static void test_format_then_parse_round_trips_across_the_range(void **state)
{
	(void)state;
	/* A fixed sequence spread over the whole range, with odd millisecond
	 * parts, so leap years, month ends and negative times all come up. */
	uint64_t x = 88172645463325252u;
	rrd_time span = RRD_TIME_MAX - RRD_TIME_MIN;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		rrd_time t = RRD_TIME_MIN + (rrd_time)(x % (uint64_t)span);
		char buf[RRD_TIME_TEXT_MAX];
		assert_int_equal(rrd__time_format(t, buf), 20);
		rrd_time back;
		assert_int_equal(rrd__time_parse(buf, &back), 0);
		rrd_time floor_t = t - ((t % 1000) + 1000) % 1000;
		assert_int_equal(back, floor_t);
	}
}

static void test_every_day_of_four_centuries_round_trips(void **state)
{
	(void)state;
	rrd_time day = 86400000;
	rrd_time t = parse_ok("1900-01-01T12:34:56Z");
	for (int i = 0; i < 146097; i++, t += day) {
		char buf[RRD_TIME_TEXT_MAX];
		rrd__time_format(t, buf);
		assert_int_equal(parse_ok(buf), t);
	}
}

static void test_scenario_time_counts_plus_durations_from_start(void **state)
{
	(void)state;
	rrd_time t;
	assert_int_equal(rrd__scenario_time("+1h30m", T0, &t), 0);
	assert_int_equal(t, T0 + 90 * 60000);
	assert_int_equal(rrd__scenario_time("+0s", T0, &t), 0);
	assert_int_equal(t, T0);
	assert_int_equal(rrd__scenario_time("2026-03-02T09:00:00+01:00", 0, &t), 0);
	assert_int_equal(t, T0);
	assert_int_equal(rrd__scenario_time("+", T0, &t), -1);
	assert_int_equal(rrd__scenario_time("-5m", T0, &t), -1);
	assert_int_equal(rrd__scenario_time("+5", T0, &t), -1);
	assert_int_equal(rrd__scenario_time("+1d", RRD_TIME_MAX, &t), -1);
	assert_int_equal(rrd__scenario_time(NULL, T0, &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utc_time_parses),
		cmocka_unit_test(test_offsets_name_the_same_instant),
		cmocka_unit_test(test_lower_case_t_and_z_are_accepted),
		cmocka_unit_test(test_fractional_seconds_keep_milliseconds),
		cmocka_unit_test(test_leap_days_follow_the_gregorian_rules),
		cmocka_unit_test(test_dates_and_clock_times_that_do_not_exist_are_refused),
		cmocka_unit_test(test_malformed_text_is_refused),
		cmocka_unit_test(test_range_is_years_1_to_9999),
		cmocka_unit_test(test_format_writes_utc_seconds),
		cmocka_unit_test(test_format_rounds_down_to_the_second),
		cmocka_unit_test(test_format_never_writes_a_year_outside_1_to_9999),
		cmocka_unit_test(test_format_then_parse_round_trips_across_the_range),
		cmocka_unit_test(test_every_day_of_four_centuries_round_trips),
		cmocka_unit_test(test_scenario_time_counts_plus_durations_from_start),
	};
	return cmocka_run_group_tests_name("sim_rfc3339", tests, NULL, NULL);
}
