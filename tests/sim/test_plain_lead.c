/*
 * Plain leads (no attrs, location or postal code) are read once at load
 * and run without parsing their object again. Which leads are plain, what
 * is read of them, and that a run gives the same lines either way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_test.h"
#include "../support/fixture.h"

static const char *next_string(const char *s)
{
	return s + strlen(s) + 1;
}

static void test_what_is_read_of_a_plain_lead(void **state)
{
	(void)state;
	rrd_scenario *sc = sim_expect_load(
		"'events':["
		"{'at':'+0s','op':'lead','id':'A'},"
		"{'at':'+0s','op':'lead','id':'B','kind':'deal','source':'web','pool':'p',"
		" 'notify':false},"
		"{'at':'+0s','op':'lead','id':'C','pool':'only-pool','source':null,'attrs':null,"
		" 'location':null,'postal_code':null,'notify':null,'partner':'x'},"
		"{'at':'+0s','op':'lead','id':'D','attrs':{}},"
		"{'at':'+0s','op':'lead','id':'E','postal_code':'10001'},"
		"{'at':'+0s','op':'lead','id':'F','location':{'lat':1,'lon':2}},"
		"{'at':'+0s','op':'claim','lead':'A','agent':'x'}]");
	assert_int_equal(sc->event_count, 7);
	const rrd_sim_event *e = sc->events;
	assert_string_equal(e[0].lead, "A");
	assert_int_equal(e[0].lead_kind, RRD_KIND_LEAD);
	assert_int_equal(e[0].lead_has, 0);
	assert_int_equal(e[0].lead_notify, 1);

	assert_string_equal(e[1].lead, "B");
	assert_int_equal(e[1].lead_kind, RRD_KIND_DEAL);
	assert_int_equal(e[1].lead_has, RRD_SIM_LEAD_SOURCE | RRD_SIM_LEAD_POOL);
	assert_string_equal(next_string(e[1].lead), "web");
	assert_string_equal(next_string(next_string(e[1].lead)), "p");
	assert_int_equal(e[1].lead_notify, 0);

	/* Nulls are absent fields; a field a lead does not use is no bar. */
	assert_string_equal(e[2].lead, "C");
	assert_int_equal(e[2].lead_has, RRD_SIM_LEAD_POOL);
	assert_string_equal(next_string(e[2].lead), "only-pool");
	assert_int_equal(e[2].lead_notify, 1);

	for (int i = 3; i < 7; i++)
		assert_null(e[i].lead);
	rrd__scenario_free(sc);
}

static char *run(const char *doc)
{
	fix_output out = { 0 };
	rrd_simulation_options o = RRD_SIMULATION_OPTIONS_INIT;
	o.on_line = fix_collect;
	o.line_user = &out;
	const char *json = sim_json(doc);
	assert_int_equal(rrd_simulate(json, strlen(json), &o), RRD_OK);
	return out.text;
}

#define HEAD                                                                               \
	"{'format':'rrdist-scenario/1','start':'2026-03-02T08:00:00Z',"                   \
	"'agents':[{'id':'a'},{'id':'b'}],"                                                 \
	"'pools':[{'id':'leads','kind':'lead','members':['a','b']},"                        \
	"         {'id':'deals','kind':'deal','strategy':'least_busy','members':['b']}],"   \
	"'rules':[{'id':'web','match':{'source':'web'},'pool':'leads'}],'events':["

/* Each lead is given twice: plain, and with an empty attrs that makes it
 * be read from its object when it runs. */
static const char *const leads[] = {
	"'id':'L1','source':'web'",
	"'id':'L2','source':'web','notify':false",
	"'id':'L3','kind':'deal','pool':'deals'",
	"'id':'L4'",                          /* no rule: queued */
	"'id':'L5','pool':'nowhere'",         /* an error line */
	"'id':'L1','source':'web'",           /* exists: an error line */
	"'id':'L6','kind':'contact','pool':'leads'", /* kind mismatch: an error line */
};

static char *scenario(int parsed)
{
	static char doc[8192];
	size_t n = (size_t)snprintf(doc, sizeof doc, "%s", HEAD);
	for (size_t i = 0; i < sizeof leads / sizeof *leads; i++)
		n += (size_t)snprintf(doc + n, sizeof doc - n, "%s{'at':'+%zus','op':'lead',%s%s}",
				      i ? "," : "", i, leads[i], parsed ? ",'attrs':{}" : "");
	snprintf(doc + n, sizeof doc - n, "]}");
	return doc;
}

static void test_plain_and_parsed_leads_run_alike(void **state)
{
	(void)state;
	char *plain = run(scenario(0));
	char *parsed = run(scenario(1));
	assert_string_equal(plain, parsed);
	/* Both paths did something worth comparing. */
	assert_non_null(strstr(plain, "\"event\":\"assigned\",\"lead\":\"L3\""));
	assert_non_null(strstr(plain, "\"event\":\"queued\",\"lead\":\"L4\""));
	assert_non_null(strstr(plain, "\"event\":\"error\",\"op\":4"));
	assert_non_null(strstr(plain, "\"event\":\"error\",\"op\":5,\"code\":\"invalid_argument\""));
	assert_non_null(strstr(plain, "\"event\":\"error\",\"op\":6"));
	free(plain);
	free(parsed);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_is_read_of_a_plain_lead),
		cmocka_unit_test(test_plain_and_parsed_leads_run_alike),
	};
	return sim_main(argc, argv, "sim_plain_lead", tests, sizeof tests / sizeof *tests);
}
