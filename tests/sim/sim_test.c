#include "sim_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rrd_postal_table *sim_postal;

const char *sim_json(const char *text)
{
	static char buf[1 << 16];
	size_t n = strlen(text);
	assert_true(n < sizeof buf);
	for (size_t i = 0; i <= n; i++)
		buf[i] = text[i] == '\'' ? '"' : text[i];
	return buf;
}

rrd_status sim_load(const char *text, rrd_scenario **out)
{
	const char *json = sim_json(text);
	return rrd__scenario_load(out, json, strlen(json), sim_postal);
}

static const char *wrap(const char *body)
{
	static char buf[1 << 16];
	int w = snprintf(buf, sizeof buf,
			 "{'format':'rrdist-scenario/1','start':'2026-03-02T08:00:00Z'%s%s}",
			 *body ? "," : "", body);
	assert_true(w > 0 && (size_t)w < sizeof buf);
	return buf;
}

void sim_expect_fault_msg(const char *body, const char *path, const char *fragment)
{
	rrd_scenario *s = (rrd_scenario *)1;
	rrd_status rc = sim_load(wrap(body), &s);
	const char *msg = rrd_error_last();
	size_t n = strlen(path);
	if (rc != RRD_E_PARSE || strncmp(msg, path, n) != 0 || msg[n] != ':' ||
	    msg[n + 1] != ' ' || (fragment && !strstr(msg, fragment)))
		fail_msg("expected RRD_E_PARSE at %s%s%s; got %s: %s", path,
			 fragment ? " saying " : "", fragment ? fragment : "",
			 rrd_status_name(rc), msg);
	assert_null(s);
	assert_int_equal(rrd_error_last_status(), RRD_E_PARSE);
}

void sim_expect_fault(const char *body, const char *path)
{
	sim_expect_fault_msg(body, path, NULL);
}

rrd_scenario *sim_expect_load(const char *body)
{
	rrd_scenario *s = NULL;
	rrd_status rc = sim_load(wrap(body), &s);
	if (rc)
		fail_msg("expected the document to load; got %s: %s", rrd_status_name(rc),
			 rrd_error_last());
	assert_non_null(s);
	return s;
}

int sim_main(int argc, char **argv, const char *name, const struct CMUnitTest *tests,
	     size_t count)
{
	if (argc > 1 && rrd__postal_load(&sim_postal, argv[1]) != RRD_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], rrd_error_last());
		return 1;
	}
	int rc = _cmocka_run_group_tests(name, tests, count, NULL, NULL);
	rrd__postal_free(sim_postal);
	return rc;
}
