/* Documents keep times within years 1 to 9999 and durations within
 * RRD_DURATION_MAX: a value beyond is refused at load with its path, and
 * nothing a run prints lies after 9999-12-31T23:59:59Z. */
#include <stdio.h>
#include <string.h>

#include "rrdist.h"
#include "sim_test.h"

static void test_durations_beyond_the_bound_are_refused(void **state)
{
	(void)state;
	sim_expect_fault_msg("'agents':[{'id':'a'}],"
			     "'pools':[{'id':'p','kind':'lead','members':['a'],"
			     "'claim_window':'36601d'}]",
			     "$.pools[0].claim_window", "at most 36600d");
	sim_expect_fault("'agents':[{'id':'a'}],'pools':[{'id':'p','kind':'lead','members':['a']}],"
			 "'rules':[{'id':'r','pool':'p','claim_window':'36600d1s'}]",
			 "$.rules[0].claim_window");
	sim_expect_fault("'events':[{'at':'+36601d','op':'advance'}]", "$.events[0].at");
	rrd__scenario_free(sim_expect_load(
		"'agents':[{'id':'a'}],"
		"'pools':[{'id':'p','kind':'lead','members':['a'],'claim_window':'36600d'}]"));
}

static void test_times_beyond_the_bound_are_refused(void **state)
{
	(void)state;
	sim_expect_fault("'events':[{'at':'9999-12-31T23:59:59-01:00','op':'advance'}]",
			 "$.events[0].at");
	sim_expect_fault("'events':[{'at':'10000-01-01T00:00:00Z','op':'advance'}]",
			 "$.events[0].at");
	sim_expect_fault("'events':[{'at':'+3000000d','op':'advance'}]", "$.events[0].at");
}

static void test_configuration_refuses_a_duration_beyond_the_bound(void **state)
{
	(void)state;
	rrd_store *st;
	rrd_distributor *d;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	assert_int_equal(rrd_distributor_new(&d, st, NULL), RRD_OK);
	const char *doc = sim_json("{'format':'rrdist-config/1','agents':[{'id':'a'}],"
				   "'pools':[{'id':'p','kind':'lead','members':['a'],"
				   "'claim_window':'36601d'}]}");
	assert_int_equal(rrd_distributor_load_config(d, doc, strlen(doc)), RRD_E_PARSE);
	assert_true(strncmp(rrd_error_last(), "$.pools[0].claim_window: ", 25) == 0);
	doc = sim_json("{'format':'rrdist-config/1','agents':[{'id':'a'}],"
		       "'pools':[{'id':'p','kind':'lead','members':['a'],'claim_window':'36600d'}]}");
	assert_int_equal(rrd_distributor_load_config(d, doc, strlen(doc)), RRD_OK);
	rrd_distributor_free(d);
	rrd_store_free(st);
}

typedef struct lines {
	char text[8192];
	size_t len;
} lines;

static void keep_line(void *user, const char *line, size_t len)
{
	lines *l = user;
	assert_true(l->len + len < sizeof l->text);
	memcpy(l->text + l->len, line, len);
	l->len += len;
	l->text[l->len] = '\0';
}

/* The longest window an hour before the last instant: the deadline is
 * the last instant, which prints as the last second of 9999. */
static void test_a_deadline_at_the_end_prints_in_range(void **state)
{
	(void)state;
	const char *doc = sim_json(
		"{'format':'rrdist-scenario/1','start':'9999-12-31T23:00:00Z',"
		"'agents':[{'id':'a'}],"
		"'pools':[{'id':'p','kind':'lead','members':['a'],'claim_window':'36600d'}],"
		"'rules':[{'id':'r','pool':'p'}],"
		"'events':[{'at':'+0s','op':'lead','id':'L1'},"
		"          {'at':'9999-12-31T23:59:59.999Z','op':'advance'}]}");
	lines out = { "", 0 };
	rrd_simulation_options o = RRD_SIMULATION_OPTIONS_INIT;
	o.on_line = keep_line;
	o.line_user = &out;
	assert_int_equal(rrd_simulate(doc, strlen(doc), &o), RRD_OK);
	if (!strstr(out.text, "\"deadline\":\"9999-12-31T23:59:59Z\""))
		fail_msg("no deadline at the last second in:\n%s", out.text);
	if (!strstr(out.text, "\"offer_expired\""))
		fail_msg("the offer did not expire at the end:\n%s", out.text);
	assert_null(strstr(out.text, "\"1000"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations_beyond_the_bound_are_refused),
		cmocka_unit_test(test_times_beyond_the_bound_are_refused),
		cmocka_unit_test(test_configuration_refuses_a_duration_beyond_the_bound),
		cmocka_unit_test(test_a_deadline_at_the_end_prints_in_range),
	};
	return sim_main(argc, argv, "sim_time_bounds", tests, sizeof tests / sizeof tests[0]);
}
