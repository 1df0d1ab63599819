/* Configuration documents: round trips, references, all or nothing, and
 * checking one for every fault. */
#include <stdlib.h>
#include <string.h>

#include "../support/failing_alloc.h"
#include "../support/fault_log.h"
#include "../support/fixture.h"

static const char doc1[] =
	"{\"format\":\"rrdist-config/1\","
	"\"calendars\":[{\"id\":\"east\",\"timezone\":\"America/New_York\","
	"  \"hours\":{\"mon\":[[\"09:00\",\"17:00\"]]},\"holidays\":[\"2026-12-25\"]}],"
	"\"agents\":[{\"id\":\"alice\",\"types\":[\"salesperson\"],\"calendar\":\"east\","
	"  \"capacity\":{\"open\":25,\"per_day\":40},\"weight\":2,\"skills\":[\"spanish\"],"
	"  \"location\":{\"lat\":40.75,\"lon\":-73.99},\"partner\":\"dealer-12\"},"
	"  {\"id\":\"bob\"},{\"id\":\"carol\"}],"
	"\"pools\":[{\"id\":\"web\",\"kind\":\"lead\",\"strategy\":\"round_robin\","
	"  \"members\":[\"alice\",\"bob\"],\"claim_window\":\"5m\",\"respect_hours\":true}],"
	"\"rules\":[{\"id\":\"z\",\"match\":{\"source\":[\"zillow\"],\"kind\":\"lead\","
	"  \"attrs\":{\"language\":\"es\"}},\"pool\":\"web\",\"calendar\":\"east\",\"max_offers\":3}]}";

static char *save(rrd_distributor *d)
{
	char *text = NULL;
	assert_int_equal(rrd_distributor_save_config(d, &text), RRD_OK);
	assert_non_null(text);
	return text;
}

static void test_round_trip_is_canonical(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(f->dist, doc1, sizeof doc1 - 1), RRD_OK);
	/* What was loaded is what the distributor reports at once. */
	assert_int_equal(rrd_distributor_agent_count(f->dist), 3);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 1);
	char *once = save(f->dist);
	fixture *g = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(g->dist, once, strlen(once)), RRD_OK);
	char *twice = save(g->dist);
	assert_string_equal(once, twice);
	assert_non_null(strstr(once, "\"claim_window\":\t\"5m\""));
	rrd_free(once);
	rrd_free(twice);
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(g->dist, "alice", &a), RRD_OK);
	assert_int_equal(rrd_agent_capacity_per_day(a), 40);
	assert_string_equal(rrd_agent_calendar(a), "east");
	rrd_agent_free(a);
	assert_int_equal(rrd_distributor_rule_count(g->dist), 1);
	fix_free(g);
	fix_free(f);
}

static void test_reload_keeps_join_order_and_replaces_rules(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(f->dist, doc1, sizeof doc1 - 1), RRD_OK);
	static const char doc2[] =
		"{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"web\",\"kind\":\"lead\","
		"\"members\":[\"carol\",\"bob\",\"alice\"]}],\"rules\":[]}";
	assert_int_equal(rrd_distributor_load_config(f->dist, doc2, sizeof doc2 - 1), RRD_OK);
	rrd_pool *p;
	assert_int_equal(rrd_distributor_get_pool(f->dist, "web", &p), RRD_OK);
	/* alice and bob were in already: they keep their places; carol joins. */
	assert_string_equal(rrd_pool_member(p, 0), "alice");
	assert_string_equal(rrd_pool_member(p, 1), "bob");
	assert_string_equal(rrd_pool_member(p, 2), "carol");
	rrd_pool_free(p);
	assert_int_equal(rrd_distributor_rule_count(f->dist), 0);
	fix_free(f);
}

static void test_bad_document_changes_nothing(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	assert_int_equal(rrd_distributor_load_config(f->dist, doc1, sizeof doc1 - 1), RRD_OK);
	char *before = save(f->dist);
	static const struct { const char *doc, *path; } bad[] = {
		{ "{\"format\":\"rrdist-config/2\"}", "$.format" },
		{ "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"dave\"}],"
		  "\"rules\":[{\"id\":\"r\",\"pool\":\"west\"}]}", "$.rules[0].pool: unknown pool \"west\"" },
		{ "{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"web\",\"kind\":\"deal\"}]}",
		  "$.pools[0].kind" },
		{ "{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"x\",\"weight\":0}]}",
		  "$.agents[0].weight" },
		{ "{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"p\",\"kind\":\"lead\","
		  "\"members\":[\"nobody\"]}]}", "$.pools[0].members[0]" },
		{ "{\"format\":", "$" },
		/* A custom strategy the distributor has not heard of. */
		{ "{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"p\",\"kind\":\"lead\","
		  "\"strategy\":\"mystery\",\"members\":[\"nobody\"]}]}", "$.pools[0].members[0]" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(rrd_distributor_load_config(f->dist, bad[i].doc, strlen(bad[i].doc)),
				 RRD_E_PARSE);
		if (!strstr(rrd_error_last(), bad[i].path))
			fail_msg("case %zu: \"%s\" does not name %s", i, rrd_error_last(), bad[i].path);
		char *after = save(f->dist);
		assert_string_equal(before, after);
		rrd_free(after);
	}
	/* Nor does it leave the names of strategies it named behind. */
	rrd_strategy s;
	assert_int_equal(rrd_distributor_strategy_parse(f->dist, "mystery", &s), RRD_E_INVALID);
	rrd_free(before);
	fix_free(f);
}

/* Two agents that cannot be read, an agent that repeats an id, a pool
 * naming an agent that was left out and one naming nobody, a rule naming
 * no pool and one whose pools hold different kinds. */
static const char many_faults[] =
	"{\"format\":\"rrdist-config/1\","
	"\"agents\":[{\"id\":\"a\",\"weight\":0},{\"id\":\"b\"},{\"id\":\"c\",\"capacity\":7},"
	"  {\"id\":\"b\"}],"
	"\"pools\":[{\"id\":\"web\",\"kind\":\"lead\",\"members\":[\"b\",\"a\"]},"
	"  {\"id\":\"deals\",\"kind\":\"deal\",\"members\":[\"zed\"]}],"
	"\"rules\":[{\"id\":\"r\",\"pool\":\"west\"},"
	"  {\"id\":\"s\",\"pool\":\"web\",\"overflow\":[\"deals\"]}]}";

static void test_check_each_reports_every_fault_in_order(void **state)
{
	(void)state;
	fault_log f = FAULT_LOG_INIT;
	assert_int_equal(rrd_config_check_each(many_faults, sizeof many_faults - 1, fault_log_note, &f),
			 RRD_E_PARSE);
	/* What each object has wrong on its own comes first, then how they fit. */
	assert_string_equal(f.text,
			    "$.agents[0].weight: expected an integer from 1 to 1000000\n"
			    "$.agents[2].capacity: expected an object\n"
			    "$.agents[3].id: repeats \"b\"\n"
			    "$.pools[0].members[1]: unknown agent \"a\"\n"
			    "$.pools[1].members[0]: unknown agent \"zed\"\n"
			    "$.rules[0].pool: unknown pool \"west\"\n"
			    "$.rules[1].overflow[0]: pool \"deals\" holds deals, but the rule's "
			    "pool \"web\" holds leads; a rule's pools must all hold one kind\n");
	assert_int_equal(f.n, 7);
	assert_string_equal(rrd_error_last(), "7 faults in the document");
}

/* `doc` is refused by a load into f, with `want`, and by a check, with
 * `want` as its one fault. */
static void refused_alike(fixture *f, const char *doc, const char *want)
{
	assert_int_equal(rrd_distributor_load_config(f->dist, doc, strlen(doc)), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), want);
	fault_log log = FAULT_LOG_INIT;
	assert_int_equal(rrd_config_check_each(doc, strlen(doc), fault_log_note, &log),
			 RRD_E_PARSE);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.last, want);
}

/* A rule's match.kind that is not its pools' kind: every record it routed
 * would be refused. The load and the check refuse it alike, whether the
 * pool is in the document or in the distributor already. */
static void test_rule_whose_kind_is_not_its_pools_is_refused(void **state)
{
	(void)state;
	static const char doc[] =
		"{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"a\"}],"
		"\"pools\":[{\"id\":\"web\",\"kind\":\"lead\",\"members\":[\"a\"]},"
		"  {\"id\":\"deals\",\"kind\":\"deal\",\"members\":[\"a\"]}],"
		"\"rules\":[{\"id\":\"r\",\"pool\":\"web\"},{\"id\":\"s\",\"pool\":\"deals\"},"
		"  {\"id\":\"t\",\"match\":{\"kind\":\"deal\"},\"pool\":\"web\"}]}";
	fixture *f = fix_new(0);
	refused_alike(f, doc, "$.rules[2].match.kind: pool \"web\" holds leads, not deals");
	assert_int_equal(rrd_distributor_rule_count(f->dist), 0);

	assert_int_equal(rrd_distributor_load_config(f->dist, doc1, sizeof doc1 - 1), RRD_OK);
	static const char later[] =
		"{\"format\":\"rrdist-config/1\",\"rules\":[{\"id\":\"t\","
		"\"match\":{\"kind\":\"customer\"},\"pool\":\"web\"}]}";
	assert_int_equal(rrd_distributor_load_config(f->dist, later, sizeof later - 1), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(),
			    "$.rules[0].match.kind: pool \"web\" holds leads, not customers");
	assert_int_equal(rrd_distributor_rule_count(f->dist), 1);
	fix_free(f);
}

/* A calendar with no open hours never opens: a rule's offers through it
 * could never be made. The load and the check refuse it alike. */
static void test_calendar_with_no_open_hours_is_refused(void **state)
{
	(void)state;
	static const char doc[] =
		"{\"format\":\"rrdist-config/1\",\"calendars\":["
		"  {\"id\":\"day\",\"timezone\":\"UTC\",\"hours\":{\"mon\":[[\"09:00\",\"17:00\"]]}},"
		"  {\"id\":\"night\",\"timezone\":\"UTC\",\"hours\":{\"sat\":[]},"
		"   \"holidays\":[\"2026-12-25\"]}]}";
	fixture *f = fix_new(0);
	refused_alike(f, doc, "$.calendars[1].hours: calendar \"night\" has no open hours, so it "
			      "would never open");
	rrd_calendar *c = NULL;
	assert_int_equal(rrd_distributor_get_calendar(f->dist, "day", &c), RRD_E_UNKNOWN_CALENDAR);
	assert_null(c);
	/* No hours at all is the same. */
	refused_alike(f, "{\"format\":\"rrdist-config/1\",\"calendars\":["
			 "{\"id\":\"never\",\"timezone\":\"UTC\"}]}",
		      "$.calendars[0].hours: calendar \"never\" has no open hours, so it would "
		      "never open");
	fix_free(f);
}

static void test_check_each_first_fault_is_the_loaders(void **state)
{
	(void)state;
	static const char *const docs[] = {
		many_faults,
		"{\"format\":\"rrdist-config/1\",\"rules\":[{\"id\":\"r\",\"pool\":\"west\"}],"
		"\"agents\":[{\"id\":\"x\",\"weight\":0}]}",
		"{\"format\":\"rrdist-config/1\",\"agents\":[{\"id\":\"x\",\"calendar\":\"nope\"}],"
		"\"pools\":[{\"id\":\"p\",\"kind\":\"lead\",\"strategy\":\"\"}]}",
		"{\"format\":\"rrdist-config/1\",\"pools\":7}",
		"{\"format\":\"rrdist-config/2\"}",
		"{\"format\":",
		"[]",
	};
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		fixture *fx = fix_new(0);
		assert_int_not_equal(rrd_distributor_load_config(fx->dist, docs[i], strlen(docs[i])),
				     RRD_OK);
		char want[512];
		snprintf(want, sizeof want, "%s\n", rrd_error_last());
		fix_free(fx);
		fault_log f = FAULT_LOG_INIT;
		assert_int_equal(rrd_config_check_each(docs[i], strlen(docs[i]), fault_log_note, &f),
				 RRD_E_PARSE);
		if (strncmp(f.text, want, strlen(want)) != 0)
			fail_msg("case %zu: the check begins \"%s\", the loader says \"%s\"", i,
				 f.text, want);
	}
}

static void test_check_each_takes_what_loads(void **state)
{
	(void)state;
	fault_log f = FAULT_LOG_INIT;
	assert_int_equal(rrd_config_check_each(doc1, sizeof doc1 - 1, fault_log_note, &f), RRD_OK);
	assert_int_equal(f.n, 0);
	/* A custom strategy is a name the check cannot resolve; a load
	 * takes it too, to be registered later. */
	static const char custom[] = "{\"format\":\"rrdist-config/1\",\"pools\":[{\"id\":\"p\","
				     "\"kind\":\"lead\",\"strategy\":\"house_rules\"}]}";
	assert_int_equal(rrd_config_check_each(custom, sizeof custom - 1, fault_log_note, &f), RRD_OK);
	assert_int_equal(f.n, 0);
}

static void test_check_each_refuses_null_arguments(void **state)
{
	(void)state;
	fault_log f = FAULT_LOG_INIT;
	assert_int_equal(rrd_config_check_each(NULL, 0, fault_log_note, &f), RRD_E_INVALID);
	assert_int_equal(rrd_config_check_each(doc1, sizeof doc1 - 1, NULL, NULL), RRD_E_INVALID);
	assert_int_equal(f.n, 0);
}

static void test_check_each_stops_after_100_faults(void **state)
{
	(void)state;
	char *doc = malloc(64 + 300 * 24);
	assert_non_null(doc);
	strcpy(doc, "{\"format\":\"rrdist-config/1\",\"agents\":[");
	for (int i = 0; i < 300; i++)
		strcat(doc, i ? ",{\"id\":\"a\",\"weight\":0}" : "{\"id\":\"a\",\"weight\":0}");
	strcat(doc, "]}");
	fault_log f = FAULT_LOG_INIT;
	assert_int_equal(rrd_config_check_each(doc, strlen(doc), fault_log_note, &f), RRD_E_PARSE);
	assert_int_equal(f.n, 101);
	assert_string_equal(f.last, "$: too many faults; the rest is not checked");
	free(doc);
}

/* Fail allocation 1, 2, ... of a check until it completes: each failure
 * is RRD_E_NOMEM and leaves nothing allocated, and the complete check
 * tells `want` faults. */
static void check_each_under_failing_allocation(const char *doc, int want)
{
	failing_alloc c;
	for (long n = 1;; n++) {
		fault_log f = FAULT_LOG_INIT;
		failing_alloc_install(&c, n);
		rrd_status rc = rrd_config_check_each(doc, strlen(doc), fault_log_note, &f);
		failing_alloc_remove();
		assert_int_equal(c.live, 0);
		/* An agent's reader says "<path>: out of memory" as a fault of
		 * the document; such a run proves only that it freed all. */
		if (rc == RRD_E_NOMEM || strstr(f.text, ": out of memory\n")) {
			assert_true(n < 100000);
			continue;
		}
		assert_int_equal(rc, want ? RRD_E_PARSE : RRD_OK);
		assert_int_equal(f.n, want);
		assert_true(c.requests < n);
		break;
	}
}

static void test_check_each_is_clean_when_allocation_fails(void **state)
{
	(void)state;
	check_each_under_failing_allocation(doc1, 0);
	check_each_under_failing_allocation(many_faults, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_is_canonical),
		cmocka_unit_test(test_reload_keeps_join_order_and_replaces_rules),
		cmocka_unit_test(test_bad_document_changes_nothing),
		cmocka_unit_test(test_check_each_reports_every_fault_in_order),
		cmocka_unit_test(test_rule_whose_kind_is_not_its_pools_is_refused),
		cmocka_unit_test(test_calendar_with_no_open_hours_is_refused),
		cmocka_unit_test(test_check_each_first_fault_is_the_loaders),
		cmocka_unit_test(test_check_each_takes_what_loads),
		cmocka_unit_test(test_check_each_refuses_null_arguments),
		cmocka_unit_test(test_check_each_stops_after_100_faults),
		cmocka_unit_test(test_check_each_is_clean_when_allocation_fails),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
