/*
 * The two duration grammars: a scenario's units are d h m s; a
 * configuration's are those and ms. Units come in any order in both, as
 * scenarios have always read them. Whatever is written reads back exactly,
 * and whole seconds are written as the scenario format writes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/duration.h"

static rrd_time parsed(const char *text, rrd_duration_units units)
{
	rrd_time d = -1;
	if (rrd__duration_parse(text, units, &d))
		fail_msg("\"%s\" was refused", text);
	return d;
}

static void refused(const char *text, rrd_duration_units units)
{
	rrd_time d = 42;
	if (!rrd__duration_parse(text, units, &d))
		fail_msg("\"%s\" was read as %lld", text, (long long)d);
	assert_int_equal(d, 42);
}

static void test_both_grammars_read_seconds_and_up(void **state)
{
	(void)state;
	static const rrd_duration_units both[] = { RRD_UNITS_SCENARIO, RRD_UNITS_CONFIG };
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(parsed("90s", both[i]), 90 * RRD_SECOND);
		assert_int_equal(parsed("1h30m", both[i]), 90 * RRD_MINUTE);
		assert_int_equal(parsed("30m1h", both[i]), 90 * RRD_MINUTE);
		assert_int_equal(parsed("0s", both[i]), 0);
		assert_int_equal(parsed("36600d", both[i]), RRD_DURATION_MAX);
		refused("36600d1s", both[i]);
		refused("99999999999999999999s", both[i]);
		refused("", both[i]);
		refused("5", both[i]);
		refused("s", both[i]);
		refused("-5m", both[i]);
		refused("5 m", both[i]);
	}
}

static void test_only_a_configuration_reads_milliseconds(void **state)
{
	(void)state;
	refused("500ms", RRD_UNITS_SCENARIO);
	refused("1s500ms", RRD_UNITS_SCENARIO);
	assert_int_equal(parsed("500ms", RRD_UNITS_CONFIG), 500);
	assert_int_equal(parsed("1s500ms", RRD_UNITS_CONFIG), 1500);
	/* Any order, as for the other units: "ms" is one unit, never
	 * minutes followed by something else. */
	assert_int_equal(parsed("1ms500s", RRD_UNITS_CONFIG), 500 * RRD_SECOND + 1);
	assert_int_equal(parsed("1m1ms", RRD_UNITS_CONFIG), RRD_MINUTE + 1);
	assert_int_equal(parsed("3162240000000ms", RRD_UNITS_CONFIG), RRD_DURATION_MAX);
	refused("3162240000001ms", RRD_UNITS_CONFIG);
	refused("36600d1ms", RRD_UNITS_CONFIG);
	refused("5mss", RRD_UNITS_CONFIG);
	refused("5msm", RRD_UNITS_CONFIG);
	refused("ms", RRD_UNITS_CONFIG);
}

static void test_what_is_written_reads_back(void **state)
{
	(void)state;
	static const struct { rrd_time d; const char *text; int whole; } cases[] = {
		{ 0, "0s", 1 },
		{ 1, "1ms", 0 },
		{ 999, "999ms", 0 },
		{ 1500, "1s500ms", 0 },
		{ 90 * RRD_SECOND, "1m30s", 1 },
		{ RRD_HOUR + 7, "1h7ms", 0 },
		{ RRD_DAY + RRD_SECOND, "1d1s", 1 },
		{ RRD_DURATION_MAX, "36600d", 1 },
		{ RRD_DURATION_MAX - 1, "36599d23h59m59s999ms", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[32];
		rrd__duration_format(cases[i].d, buf, sizeof buf);
		assert_string_equal(buf, cases[i].text);
		assert_int_equal(parsed(buf, RRD_UNITS_CONFIG), cases[i].d);
		/* Whole seconds are what scenarios read too. */
		if (cases[i].whole)
			assert_int_equal(parsed(buf, RRD_UNITS_SCENARIO), cases[i].d);
		else
			refused(buf, RRD_UNITS_SCENARIO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_grammars_read_seconds_and_up),
		cmocka_unit_test(test_only_a_configuration_reads_milliseconds),
		cmocka_unit_test(test_what_is_written_reads_back),
	};
	return cmocka_run_group_tests_name("config_duration", tests, NULL, NULL);
}
