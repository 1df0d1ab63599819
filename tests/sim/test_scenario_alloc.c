#include <stdlib.h>
#include <string.h>

#include "sim_test.h"
#include "../support/failing_alloc.h"


/*
 * rrd__agent_apply_json (lib/config/json_agent.c) reports a failed copy of
 * an agent's calendar or partner as RRD_E_PARSE "<path>: out of memory"
 * rather than RRD_E_NOMEM. Such a failure must still free everything; it is
 * told apart from a real fault of the document by its message.
 */
static int nomem_reported_as_parse(rrd_status rc)
{
	const char *msg = rrd_error_last(), *tail = ": out of memory";
	size_t n = strlen(msg), k = strlen(tail);
	return rc == RRD_E_PARSE && n > k && strcmp(msg + n - k, tail) == 0;
}

/*
 * Fail allocation 1, then 2, ... until the load succeeds. Each failure
 * must be RRD_E_NOMEM (or `other`, the document's own fault, once the
 * allocations it needs have all succeeded) and leave nothing allocated.
 * Returns how many allocations a successful load took.
 */
static long fail_each(const char *json, rrd_status expect)
{
	failing_alloc c;
	for (long n = 1;; n++) {
		failing_alloc_install(&c, n);
		rrd_scenario *s = (rrd_scenario *)1;
		rrd_status rc = rrd__scenario_load(&s, json, strlen(json), sim_postal);
		if (rc == RRD_E_NOMEM || nomem_reported_as_parse(rc)) {
			assert_int_equal(rrd_error_last_status(), rc);
			assert_null(s);
			assert_int_equal(c.live, 0);
			assert_true(n < 100000);
			continue;
		}
		assert_int_equal(rc, expect);
		if (rc == RRD_OK) {
			assert_non_null(s);
			rrd__scenario_free(s);
		} else {
			assert_null(s);
		}
		assert_int_equal(c.live, 0);
		/* The failing request must have been the last one made. */
		assert_true(c.requests < n);
		failing_alloc_remove();
		return n - 1;
	}
}

static void test_every_allocation_failure_of_a_full_load_is_clean(void **state)
{
	(void)state;
	assert_non_null(sim_postal);
	long n = fail_each(sim_json(SIM_FULL_DOC), RRD_OK);
	/* Enough to have reached every section, not a trivially short run. */
	assert_true(n > 50);
}

static void test_allocation_failures_before_a_late_fault_are_clean(void **state)
{
	(void)state;
	/* The same document, refused only at its very end. */
	char *doc = strdup(sim_json(SIM_FULL_DOC));
	assert_non_null(doc);
	char *end = strstr(doc, "\"+1d\"");
	assert_non_null(end);
	memcpy(end, "\"+1s\"", 5);
	fail_each(doc, RRD_E_PARSE);
	assert_non_null(strstr(rrd_error_last(), "$.end: "));
	free(doc);
}

static void test_every_allocation_failure_of_the_postal_table_is_clean(void **state)
{
	const char *path = *state;
	failing_alloc c;
	for (long n = 1;; n++) {
		failing_alloc_install(&c, n);
		rrd_postal_table *t = (rrd_postal_table *)1;
		rrd_status rc = rrd__postal_load(&t, path);
		if (rc == RRD_E_NOMEM) {
			assert_null(t);
			assert_int_equal(c.live, 0);
			continue;
		}
		assert_int_equal(rc, RRD_OK);
		rrd__postal_free(t);
		assert_int_equal(c.live, 0);
		break;
	}
	failing_alloc_remove();
}

static const char *csv_path;

static int give_path(void **state)
{
	*state = (void *)csv_path;
	return csv_path ? 0 : -1;
}

int main(int argc, char **argv)
{
	csv_path = argc > 1 ? argv[1] : NULL;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_failure_of_a_full_load_is_clean),
		cmocka_unit_test(test_allocation_failures_before_a_late_fault_are_clean),
		cmocka_unit_test_setup(test_every_allocation_failure_of_the_postal_table_is_clean,
				       give_path),
	};
	return sim_main(argc, argv, "sim_scenario_alloc", tests, sizeof tests / sizeof *tests);
}
