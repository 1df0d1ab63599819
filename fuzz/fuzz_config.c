/*
 * libFuzzer harness: configuration objects, configuration documents and
 * records as JSON.
 *
 * The same bytes go to every reader (agents, calendars, pools, rules,
 * records, whole documents): one corpus then serves them all, and an input
 * that one reader takes is a near miss for the others. Whatever a reader
 * takes is written back and read again, and must come out the same: stores
 * keep configuration and records in this form, so a value that does not
 * survive the trip is lost or changed on the next load. Checking a
 * document for every fault (rrd_config_check_each, `rrdist check`) must
 * agree with loading it (rrd_distributor_load_config, `rrdist config`) on
 * whether there is any, and on the first; a document that loads is saved,
 * and what is saved is checked and loaded again to the same. Every input
 * is also read by the JSON text check, whose verdict cJSON must bear out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config/json_objects.h"
#include "fault_check.h"
#include "text_check.h"
#include "rrdist/config.h"
#include "rrdist/distributor.h"
#include "rrdist/record.h"
#include "rrdist/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The second reading must take what the first writing gave, and write it
 * out again the same. Out of memory proves nothing either way. */
static void judge(const char *what, rrd_status rc, const cJSON *first, const cJSON *second)
{
	if (rc == RRD_E_NOMEM || (rc == RRD_OK && !second))
		return;
	if (rc == RRD_OK && cJSON_Compare(first, second, 1))
		return;
	char *a = cJSON_PrintUnformatted(first);
	char *b = second ? cJSON_PrintUnformatted(second) : NULL;
	fprintf(stderr, "fuzz_config: %s does not survive being written and read again:\n"
		"  written: %s\n  again:   %s\n",
		what, a ? a : "?", b ? b : rrd_error_last());
	cJSON_free(a);
	cJSON_free(b);
	abort();
}

static void agent_trip(const rrd_agent *a)
{
	cJSON *j1 = rrd__agent_to_json(a), *j2 = NULL;
	if (!j1)
		return;
	rrd_agent *b = NULL;
	rrd_status rc = rrd__agent_from_json(j1, "$", RRD_FROM_CONFIG, &b);
	if (rc == RRD_OK)
		j2 = rrd__agent_to_json(b);
	judge("an agent", rc, j1, j2);
	cJSON_Delete(j1);
	cJSON_Delete(j2);
	rrd_agent_free(b);
}

static void calendar_trip(const rrd_calendar *c)
{
	cJSON *j1 = rrd__calendar_to_json(c), *j2 = NULL;
	if (!j1)
		return;
	rrd_calendar *d = NULL;
	rrd_status rc = rrd__calendar_from_json(j1, "$", RRD_FROM_CONFIG, &d);
	if (rc == RRD_OK)
		j2 = rrd__calendar_to_json(d);
	judge("a calendar", rc, j1, j2);
	cJSON_Delete(j1);
	cJSON_Delete(j2);
	rrd_calendar_free(d);
}

static void pool_trip(const rrd_pool *p)
{
	cJSON *j1 = rrd__pool_to_json(p, NULL), *j2 = NULL;
	if (!j1)
		return;
	rrd_pool *q = NULL;
	rrd_status rc = rrd__pool_from_json(j1, "$", NULL, RRD_FROM_CONFIG, &q);
	if (rc == RRD_OK)
		j2 = rrd__pool_to_json(q, NULL);
	judge("a pool", rc, j1, j2);
	cJSON_Delete(j1);
	cJSON_Delete(j2);
	rrd_pool_free(q);
}

static void rule_trip(const rrd_rule *r)
{
	cJSON *j1 = rrd__rule_to_json(r, NULL), *j2 = NULL;
	if (!j1)
		return;
	rrd_rule *s = NULL;
	rrd_status rc = rrd__rule_from_json(j1, "$", NULL, RRD_FROM_CONFIG, &s);
	if (rc == RRD_OK)
		j2 = rrd__rule_to_json(s, NULL);
	judge("a rule", rc, j1, j2);
	cJSON_Delete(j1);
	cJSON_Delete(j2);
	rrd_rule_free(s);
}

static void record_trip(const rrd_record *r)
{
	char *t1 = NULL, *t2 = NULL;
	rrd_record *s = NULL;
	if (rrd_record_to_json(r, &t1) != RRD_OK)
		return;
	rrd_status rc = rrd_record_from_json(&s, t1, strlen(t1));
	if (rc == RRD_OK && rrd_record_to_json(s, &t2) == RRD_OK && strcmp(t1, t2) != 0) {
		fprintf(stderr, "fuzz_config: a record does not survive being written and "
			"read again:\n  written: %s\n  again:   %s\n", t1, t2);
		abort();
	}
	if (rc != RRD_OK && rc != RRD_E_NOMEM) {
		fprintf(stderr, "fuzz_config: a record's own JSON is refused: %s\n  written: %s\n",
			rrd_error_last(), t1);
		abort();
	}
	rrd_free(t1);
	rrd_free(t2);
	rrd_record_free(s);
}

/* Load `text` into a new distributor on a new store: the status, and
 * with RRD_OK, the configuration saved back (rrd_free it) in *saved, or
 * NULL when memory ran out. */
static rrd_status load_and_save(const char *text, size_t size, char **saved)
{
	rrd_store *store;
	rrd_distributor *dist;
	*saved = NULL;
	rrd_status rc = rrd_store_memory_new(&store);
	if (rc)
		return rc;
	if (!(rc = rrd_distributor_new(&dist, store, NULL))) {
		if (!(rc = rrd_distributor_load_config(dist, text, size)))
			rrd_distributor_save_config(dist, saved);
		rrd_distributor_free(dist);
	}
	rrd_store_free(store);
	return rc;
}

/* The input as a whole configuration document: the check for every fault
 * must agree with a load, into a new distributor since the check assumes
 * an empty one; what loads is saved, and the saved document must check
 * clean and load to itself. */
static void document_check(const char *text, size_t size)
{
	char *saved;
	rrd_status rc = load_and_save(text, size, &saved);
	char message[512];
	snprintf(message, sizeof message, "%s", rrd_error_last());
	fault_tally faults = { 0, "" };
	rrd_status all_rc = rrd_config_check_each(text, size, count_fault, &faults);
	faults_agree("fuzz_config", rc, message, all_rc, &faults);
	if (!saved)
		return;
	fault_tally again = { 0, "" };
	char *resaved = NULL;
	rrd_status check_rc = rrd_config_check_each(saved, strlen(saved), count_fault, &again);
	rrd_status load_rc = load_and_save(saved, strlen(saved), &resaved);
	if ((check_rc != RRD_OK && check_rc != RRD_E_NOMEM) ||
	    (load_rc != RRD_OK && load_rc != RRD_E_NOMEM) ||
	    (resaved && strcmp(saved, resaved) != 0)) {
		fprintf(stderr, "fuzz_config: a saved configuration does not come back the same:\n"
			"  saved: %s\n  check: %s %s\n  again: %s\n", saved,
			rrd_status_name(check_rc), again.first, resaved ? resaved : rrd_error_last());
		abort();
	}
	rrd_free(saved);
	rrd_free(resaved);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	text_check_agrees("fuzz_config", text, size);
	cJSON *o = cJSON_ParseWithLength(text, size);
	if (o) {
		rrd_agent *a;
		if (rrd__agent_from_json(o, "$", RRD_FROM_CONFIG, &a) == RRD_OK) {
			agent_trip(a);
			rrd_agent_free(a);
		}
		/* An update reads the same fields without requiring the id. */
		if (rrd_agent_new(&a, "fuzz") == RRD_OK) {
			if (rrd__agent_apply_json(a, o, "$", RRD_FROM_CONFIG) == RRD_OK)
				agent_trip(a);
			rrd_agent_free(a);
		}
		rrd_calendar *c;
		if (rrd__calendar_from_json(o, "$", RRD_FROM_CONFIG, &c) == RRD_OK) {
			calendar_trip(c);
			rrd_calendar_free(c);
		}
		rrd_pool *p;
		if (rrd__pool_from_json(o, "$", NULL, RRD_FROM_CONFIG, &p) == RRD_OK) {
			pool_trip(p);
			rrd_pool_free(p);
		}
		rrd_rule *r;
		if (rrd__rule_from_json(o, "$", NULL, RRD_FROM_CONFIG, &r) == RRD_OK) {
			rule_trip(r);
			rrd_rule_free(r);
		}
		cJSON_Delete(o);
	}
	document_check(text, size);
	rrd_record *rec;
	if (rrd_record_from_json(&rec, text, size) == RRD_OK) {
		record_trip(rec);
		rrd_record_free(rec);
	}
	return 0;
}
