#include "sim/scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/duration.h"
#include "config/json_objects.h"
#include "config/json_read.h"
#include "config/json_text.h"
#include "model/record.h"
#include "sim/rfc3339.h"
#include "sim/scenario_impl.h"
#include "time/calendar.h"
#include "util/alloc.h"
#include "util/error.h"

#define SEED_MAX ((INT64_C(1) << 53) - 1)
#define REDISTRIBUTE_LIMIT (INT64_C(1) << 40)

static const char *const op_names[RRD_SIM_OP_COUNT] = {
	"lead", "claim", "decline", "assign", "reassign", "transfer", "redistribute",
	"undo", "follow_up", "agent", "pool.add", "pool.remove", "advance",
};

const char *rrd__sim_op_name(rrd_sim_op op)
{
	return (unsigned)op < RRD_SIM_OP_COUNT ? op_names[op] : NULL;
}

int rrd__sim_op_parse(const char *name, rrd_sim_op *out)
{
	for (int i = 0; i < RRD_SIM_OP_COUNT; i++)
		if (strcmp(name, op_names[i]) == 0) {
			*out = (rrd_sim_op)i;
			return 0;
		}
	return -1;
}

int rrd__scenario_time(const char *text, rrd_time start, rrd_time *out)
{
	if (!text)
		return -1;
	if (text[0] != '+')
		return rrd__time_parse(text, out);
	rrd_time d;
	if (rrd__duration_parse(text + 1, RRD_UNITS_SCENARIO, &d) || start > RRD_TIME_MAX - d)
		return -1;
	*out = start + d;
	return 0;
}

/* ---- Shared field readers. ---- */

rrd_status rrd__sim_read_time(const cJSON *o, const char *path, const char *name,
			      rrd_time start, int required, rrd_time *out, int *present)
{
	const cJSON *v = rrd__json_get(o, name);
	*present = 0;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			return rrd__json_fail(path, name, "required time is missing");
		return RRD_OK;
	}
	if (!cJSON_IsString(v) || rrd__scenario_time(v->valuestring, start, out))
		return rrd__json_fail(path, name,
				      "expected an RFC 3339 time such as \"2026-03-02T08:00:00Z\" "
				      "or \"+DURATION\" such as \"+90s\", within the years "
				      "1 to 9999");
	*present = 1;
	return RRD_OK;
}

rrd_status rrd__sim_read_kind(const cJSON *o, const char *path, const char *name,
			      rrd_kind *out)
{
	const char *k = NULL;
	rrd_status rc = rrd__json_opt_string(o, path, name, &k);
	if (rc || !k)
		return rc;
	if (rrd_kind_parse(k, out))
		return rrd__json_fail(path, name,
				      "\"%s\" is not one of lead, contact, deal, customer", k);
	return RRD_OK;
}

rrd_status rrd__sim_read_string_map(const cJSON *o, const char *path, const char *name,
				    const cJSON **out)
{
	*out = NULL;
	const cJSON *m = rrd__json_get(o, name);
	if (!m || cJSON_IsNull(m))
		return RRD_OK;
	char at[RRD_PATH_MAX];
	rrd__json_path(at, path, name);
	if (!cJSON_IsObject(m))
		return rrd__json_fail(at, NULL, "expected an object of strings");
	const cJSON *v;
	cJSON_ArrayForEach(v, m) {
		if (!cJSON_IsString(v))
			return rrd__json_fail(at, v->string, "expected a string");
	}
	*out = m;
	return RRD_OK;
}

rrd_status rrd__sim_read_location(const cJSON *o, const char *path, int *has, double *lat,
				  double *lon)
{
	*has = 0;
	const cJSON *loc = rrd__json_get(o, "location");
	if (!loc || cJSON_IsNull(loc))
		return RRD_OK;
	char at[RRD_PATH_MAX];
	rrd__json_path(at, path, "location");
	double la = NAN, lo = NAN;
	rrd_status rc;
	if ((rc = rrd__json_object(loc, at)) || (rc = rrd__json_opt_number(loc, at, "lat", &la)) ||
	    (rc = rrd__json_opt_number(loc, at, "lon", &lo)))
		return rc;
	if (!(la >= -90 && la <= 90 && lo >= -180 && lo <= 180))
		return rrd__json_fail(at, NULL,
				      "expected lat in [-90, 90] and lon in [-180, 180]");
	*has = 1;
	*lat = la;
	*lon = lo;
	return RRD_OK;
}

rrd_status rrd__sim_as_parse(rrd_status rc, const char *path)
{
	if (rc == RRD_OK || rc == RRD_E_NOMEM || rc == RRD_E_PARSE)
		return rc;
	return rrd__json_wrap(path, NULL);
}

/* A setter's refusal, reported at path.name; running out of memory stays
 * what it is. */
static rrd_status at_field(rrd_status rc, const char *path, const char *name)
{
	if (rc == RRD_OK || rc == RRD_E_NOMEM)
		return rc;
	return rrd__json_wrap(path, name);
}

/* ---- The document's sections. ---- */

static rrd_status section(const cJSON *doc, const char *name, size_t max, const cJSON **arr,
			  size_t *n)
{
	*arr = NULL;
	*n = 0;
	const cJSON *a = rrd__json_get(doc, name);
	if (!a || cJSON_IsNull(a))
		return RRD_OK;
	if (!cJSON_IsArray(a))
		return rrd__json_fail("$", name, "expected an array");
	size_t count = 0;
	for (const cJSON *e = a->child; e; e = e->next)
		if (++count > max)
			return rrd__json_fail("$", name, "more than %zu entries", max);
	*arr = a;
	*n = count;
	return RRD_OK;
}

/* The array and index for `n` objects. The array's count grows as objects
 * load, so a failure part way frees exactly what was made. */
static rrd_status reserve(void **items, size_t elem, rrd_hashmap *index, size_t n)
{
	if (!n)
		return RRD_OK;
	if (!(*items = rrd__calloc(n, elem)) || rrd__hashmap_reserve(index, n))
		return rrd__nomem();
	return RRD_OK;
}

static rrd_status claim_id(rrd_hashmap *index, const char *id, size_t i, const char *section_name,
			   const char *path)
{
	uint32_t prev;
	if (rrd__hashmap_get(index, id, &prev))
		return rrd__json_fail(path, "id", "repeats the id \"%s\" of $.%s[%u]", id,
				      section_name, (unsigned)prev);
	if (rrd__hashmap_put(index, id, (uint32_t)i))
		return rrd__nomem();
	return RRD_OK;
}

static int known(const rrd_hashmap *index, const char *id)
{
	return rrd__hashmap_get(index, id, NULL);
}

/* One section of objects: each item is read by `each` at its own path
 * ("$.agents[3]"), so that a check goes on past a faulty one. */
typedef rrd_status (*item_fn)(rrd_scenario *s, const cJSON *e, size_t i, const char *path);

static rrd_status load_section(rrd_scenario *s, const char *name, size_t max, void **items,
			       size_t elem, rrd_hashmap *index, item_fn each)
{
	const cJSON *arr, *e;
	size_t n, i = 0;
	rrd_status rc = rrd__fault(&s->faults, section(s->doc, name, max, &arr, &n));
	if (!rc)
		rc = reserve(items, elem, index, n);
	if (rc)
		return rc;
	char base[RRD_PATH_MAX];
	rrd__json_path(base, "$", name);
	cJSON_ArrayForEach(e, arr) {
		char path[RRD_PATH_MAX];
		rrd__json_path_index(path, base, i);
		if ((rc = rrd__fault(&s->faults, each(s, e, i, path))))
			return rc;
		i++;
	}
	return RRD_OK;
}

static rrd_status calendar_item(rrd_scenario *s, const cJSON *e, size_t i, const char *path)
{
	rrd_calendar *c;
	rrd_status rc = rrd__sim_as_parse(rrd__calendar_from_json(e, path, RRD_FROM_SCENARIO, &c), path);
	if (rc)
		return rc;
	s->calendars[s->calendar_count++] = c;
	if ((rc = claim_id(&s->calendar_index, rrd_calendar_id(c), i, "calendars", path)))
		return rc;
	return at_field(rrd__calendar_check_opens(c), path, "hours");
}

/* Location from `postal_code` when `location` did not give one; an unknown
 * code is a fault either way. */
static rrd_status postal_location(const rrd_scenario *s, const cJSON *o, const char *path,
				  int *has, double *lat, double *lon)
{
	const char *zip = NULL;
	rrd_status rc = rrd__json_opt_string(o, path, "postal_code", &zip);
	if (rc || !zip)
		return rc;
	double la, lo;
	if (!rrd__postal_find(s->postal, zip, &la, &lo))
		return at_field(rrd__postal_unknown(s->postal, zip), path, "postal_code");
	if (!*has) {
		*has = 1;
		*lat = la;
		*lon = lo;
	}
	return RRD_OK;
}

static rrd_status agent_item(rrd_scenario *s, const cJSON *e, size_t i, const char *path)
{
	rrd_agent *a;
	rrd_status rc = rrd__sim_as_parse(rrd__agent_from_json(e, path, RRD_FROM_SCENARIO, &a), path);
	if (rc)
		return rc;
	s->agents[s->agent_count++] = a;
	if ((rc = claim_id(&s->agent_index, rrd_agent_id(a), i, "agents", path)))
		return rc;
	const char *cal = rrd_agent_calendar(a);
	if (cal && !known(&s->calendar_index, cal))
		return rrd__json_fail(path, "calendar", "unknown calendar \"%s\"", cal);
	double lat = 0, lon = 0;
	int has = rrd_agent_location(a, &lat, &lon);
	if ((rc = postal_location(s, e, path, &has, &lat, &lon)))
		return rc;
	if (has && (rc = rrd_agent_set_location(a, lat, lon)))
		return at_field(rc, path, "postal_code");
	return RRD_OK;
}

static rrd_status pool_item(rrd_scenario *s, const cJSON *e, size_t i, const char *path)
{
	char at[RRD_PATH_MAX];
	rrd_pool *p;
	rrd_status rc = rrd__sim_as_parse(rrd__pool_from_json(e, path, NULL, RRD_FROM_SCENARIO, &p), path);
	if (rc)
		return rc;
	s->pools[s->pool_count++] = p;
	if ((rc = claim_id(&s->pool_index, rrd_pool_id(p), i, "pools", path)))
		return rc;
	rrd__json_path(at, path, "members");
	for (size_t m = 0; m < rrd_pool_member_count(p); m++) {
		const char *id = rrd_pool_member(p, m);
		if (!known(&s->agent_index, id)) {
			char elem[RRD_PATH_MAX];
			rrd__json_path_index(elem, at, m);
			return rrd__json_fail(elem, NULL, "unknown agent \"%s\"", id);
		}
	}
	if (rrd_pool_auto_drain(p) && rrd_pool_strategy(p) == RRD_STRATEGY_PIRANHA)
		return rrd__json_fail(path, "auto_drain", "not allowed on a piranha pool");
	return RRD_OK;
}

static const rrd_pool *pool_by_id(const rrd_scenario *s, const char *id)
{
	uint32_t k;
	return rrd__hashmap_get(&s->pool_index, id, &k) ? s->pools[k] : NULL;
}

static int scenario_pool_kind(void *ctx, const char *id, rrd_kind *kind)
{
	const rrd_pool *p = pool_by_id(ctx, id);
	if (!p)
		return -1;
	*kind = rrd_pool_kind(p);
	return 0;
}

static rrd_status rule_item(rrd_scenario *s, const cJSON *e, size_t i, const char *path)
{
	char at[RRD_PATH_MAX];
	rrd_rule *r;
	rrd_status rc = rrd__sim_as_parse(rrd__rule_from_json(e, path, NULL, RRD_FROM_SCENARIO, &r), path);
	if (rc)
		return rc;
	s->rules[s->rule_count++] = r;
	if ((rc = claim_id(&s->rule_index, rrd_rule_id(r), i, "rules", path)))
		return rc;
	if (!pool_by_id(s, rrd_rule_pool(r)))
		return rrd__json_fail(path, "pool", "unknown pool \"%s\"", rrd_rule_pool(r));
	const char *cal = rrd_rule_calendar(r);
	if (cal && !known(&s->calendar_index, cal))
		return rrd__json_fail(path, "calendar", "unknown calendar \"%s\"", cal);
	rrd__json_path(at, path, "overflow");
	for (size_t k = 0; k < rrd_rule_overflow_count(r); k++) {
		const char *id = rrd_rule_overflow(r, k);
		char elem[RRD_PATH_MAX];
		rrd__json_path_index(elem, at, k);
		if (!pool_by_id(s, id))
			return rrd__json_fail(elem, NULL, "unknown pool \"%s\"", id);
	}
	return rrd__rule_check_kinds(r, path, scenario_pool_kind, s);
}

static rrd_status agent_ref(const rrd_scenario *s, const char *id, const char *path,
			    const char *name)
{
	if (!known(&s->agent_index, id))
		return rrd__json_fail(path, name, "unknown agent \"%s\"", id);
	return RRD_OK;
}

static rrd_status record_fields(const rrd_scenario *s, rrd_record *r, const cJSON *o,
				const char *path)
{
	const char *status_name = NULL, *owner = NULL, *source = NULL, *partner = NULL,
		   *follow_up = NULL;
	const cJSON *roles, *attrs, *v;
	rrd_status rc;
	if ((rc = rrd__json_opt_string(o, path, "status", &status_name)) ||
	    (rc = rrd__json_opt_string(o, path, "owner", &owner)) ||
	    (rc = rrd__sim_read_string_map(o, path, "roles", &roles)) ||
	    (rc = rrd__sim_read_string_map(o, path, "attrs", &attrs)) ||
	    (rc = rrd__json_opt_string(o, path, "source", &source)) ||
	    (rc = rrd__json_opt_string(o, path, "partner", &partner)) ||
	    (rc = rrd__json_opt_string(o, path, "follow_up", &follow_up)))
		return rc;
	rrd_record_status status = owner ? RRD_RECORD_PENDING : RRD_RECORD_QUEUED;
	if (status_name && rrd_record_status_parse(status_name, &status))
		return rrd__json_fail(path, "status",
				      "\"%s\" is not one of new, offered, pending, claimed, "
				      "queued, deactivated", status_name);
	if ((rc = rrd_record_set_status(r, status)))
		return at_field(rc, path, "status");
	if (owner) {
		if ((rc = agent_ref(s, owner, path, "owner")) ||
		    (rc = at_field(rrd_record_set_owner(r, owner), path, "owner")))
			return rc;
	}
	if ((rc = at_field(rrd__record_check_import(r), path, "status")))
		return rc;
	if (roles) {
		char at[RRD_PATH_MAX];
		rrd__json_path(at, path, "roles");
		cJSON_ArrayForEach(v, roles) {
			if ((rc = agent_ref(s, v->valuestring, at, v->string)) ||
			    (rc = at_field(rrd_record_set_role(r, v->string, v->valuestring), at,
					   v->string)))
				return rc;
		}
	}
	if (attrs) {
		char at[RRD_PATH_MAX];
		rrd__json_path(at, path, "attrs");
		cJSON_ArrayForEach(v, attrs) {
			if ((rc = at_field(rrd_record_set_attr(r, v->string, v->valuestring), at,
					   v->string)))
				return rc;
		}
	}
	if ((source && (rc = at_field(rrd_record_set_source(r, source), path, "source"))) ||
	    (partner && (rc = at_field(rrd_record_set_partner(r, partner), path, "partner"))) ||
	    (follow_up &&
	     (rc = at_field(rrd_record_set_follow_up(r, follow_up), path, "follow_up"))))
		return rc;
	int has;
	double lat = 0, lon = 0;
	if ((rc = rrd__sim_read_location(o, path, &has, &lat, &lon)) ||
	    (rc = postal_location(s, o, path, &has, &lat, &lon)))
		return rc;
	if (has && (rc = rrd_record_set_location(r, lat, lon)))
		return at_field(rc, path, "location");
	return at_field(rrd_record_set_created_at(r, s->start), path, NULL);
}

static rrd_status record_item(rrd_scenario *s, const cJSON *e, size_t i, const char *path)
{
	const char *id;
	rrd_kind kind = RRD_KIND_LEAD;
	rrd_status rc;
	if ((rc = rrd__json_object(e, path)) || (rc = rrd__json_req_string(e, path, "id", &id)) ||
	    (rc = rrd__sim_read_kind(e, path, "kind", &kind)))
		return rc;
	rrd_record *r;
	if ((rc = rrd_record_new(&r, id, kind)))
		return at_field(rc, path, "id");
	s->records[s->record_count++] = r;
	if ((rc = claim_id(&s->record_index, rrd_record_id(r), i, "records", path)))
		return rc;
	return record_fields(s, r, e, path);
}

/* format, start, seed, limits and explain; `end` once events are known. */
static rrd_status load_head(rrd_scenario *s, const cJSON *doc)
{
	const cJSON *f = rrd__json_get(doc, "format");
	if (!cJSON_IsString(f) || strcmp(f->valuestring, RRD_SCENARIO_FORMAT) != 0)
		return rrd__json_fail("$", "format", "expected \"%s\"", RRD_SCENARIO_FORMAT);
	const cJSON *st = rrd__json_get(doc, "start");
	if (!st || cJSON_IsNull(st))
		return rrd__json_fail("$", "start", "required time is missing");
	/* "+DURATION" would have nothing to count from. */
	if (!cJSON_IsString(st) || rrd__time_parse(st->valuestring, &s->start))
		return rrd__json_fail("$", "start",
				      "expected an RFC 3339 time such as "
				      "\"2026-03-02T08:00:00Z\", within the years 1 to 9999");
	int64_t seed = 0, redistribute_max = RRD_SCENARIO_REDISTRIBUTE_MAX_DEFAULT;
	rrd_status rc = rrd__json_opt_int(doc, "$", "seed", 0, SEED_MAX, &seed);
	if (rc)
		return rc;
	s->seed = (uint64_t)seed;
	const cJSON *limits = rrd__json_get(doc, "limits");
	if (limits && !cJSON_IsNull(limits)) {
		if ((rc = rrd__json_object(limits, "$.limits")) ||
		    (rc = rrd__json_opt_int(limits, "$.limits", "redistribute_max", 0,
					    REDISTRIBUTE_LIMIT, &redistribute_max)))
			return rc;
	}
	s->redistribute_max = redistribute_max;
	return rrd__json_opt_bool(doc, "$", "explain", &s->explain);
}

static rrd_status load_end(rrd_scenario *s, const cJSON *doc)
{
	rrd_time end;
	int present;
	rrd_status rc = rrd__sim_read_time(doc, "$", "end", s->start, 0, &end, &present);
	if (rc)
		return rc;
	rrd_time last = s->event_count ? s->events[s->event_count - 1].at : s->start;
	if (!present) {
		s->end = last;
		return RRD_OK;
	}
	if (end < s->start)
		return rrd__json_fail("$", "end", "earlier than start");
	/* By its place in the document: a check for every fault leaves out
	 * the events with one, so the count of those kept may be fewer. */
	if (end < last)
		return rrd__json_fail("$", "end", "earlier than the last event ($.events[%u].at)",
				      (unsigned)s->events[s->event_count - 1].index);
	s->end = end;
	return RRD_OK;
}

/* The document (or its head), known to be JSON: cJSON can fail on it
 * only for want of memory. */
static rrd_status parse_document(const char *json, size_t len, cJSON **out)
{
	cJSON *doc = cJSON_ParseWithLength(json, len);
	if (!doc)
		return rrd__nomem();
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return rrd__json_fail("$", NULL, "expected an object");
	}
	*out = doc;
	return RRD_OK;
}

/* The document with the events array (sp's) left empty, parsed: everything
 * but the events, at a small part of the cost of the whole. */
static rrd_status parse_head(const char *text, size_t len, const rrd_split *sp, cJSON **out)
{
	size_t tail = len - sp->close, n = sp->open + 2 + tail;
	char *head = rrd__malloc(n);
	if (!head)
		return rrd__nomem();
	memcpy(head, text, sp->open);
	memcpy(head + sp->open, "[]", 2);
	memcpy(head + sp->open + 2, text + sp->close, tail);
	rrd_status rc = parse_document(head, n, out);
	rrd__free(head);
	return rc;
}

/* Whether sp's entries from `from` on each parse as one JSON value. */
static int entries_parse(const char *text, const rrd_split *sp, size_t from)
{
	rrd_sim_entry en;
	for (size_t i = from; i < sp->count; i++) {
		int ok = rrd__sim_entry_read(&en, text + sp->spans[i].off, sp->spans[i].len) != NULL;
		rrd__sim_entry_done(&en);
		if (!ok)
			return 0;
	}
	return 1;
}

/*
 * Load s->text. With `sp`, its events are parsed one at a time from the
 * spans sp found; without, the document is parsed whole.
 *
 * The text was checked to be JSON before it was split, so the head
 * (parse_head) and every entry parse, each to what it is in the whole,
 * unless memory runs out. When one does not, *again is set and the caller
 * loads the document whole instead. That must be known before any other
 * fault is told, since a told fault cannot be taken back.
 */
static rrd_status load(rrd_scenario *s, size_t len, const rrd_split *sp, int *again)
{
	rrd_status rc;
	size_t parsed = 0; /* sp's leading entries known to parse */
	if (!sp) {
		rc = parse_document(s->text, len, &s->doc);
		if (rc && s->faults.fn)
			s->faults.fn(s->faults.user, rrd_error_last());
	} else {
		rc = parse_head(s->text, len, sp, &s->doc);
		if (rc == RRD_E_PARSE || sp->count > RRD_SCENARIO_EVENTS_MAX) {
			*again = 1;
			return RRD_E_PARSE;
		}
		/* A check for every fault tells faults as it goes, so it makes
		 * sure first. A load stopping at its first fault makes sure
		 * only when it has one (below): a good document's entries are
		 * then parsed once here and not twice. */
		if (!rc && s->faults.fn) {
			if (!entries_parse(s->text, sp, 0)) {
				*again = 1;
				return RRD_E_PARSE;
			}
			parsed = sp->count;
		}
	}
	/* Without a format and start, nothing else can be read. */
	if (!rc && (rc = rrd__fault(&s->faults, load_head(s, s->doc))) == RRD_OK &&
	    s->faults.count)
		rc = RRD_E_PARSE;
	if (!rc)
		rc = load_section(s, "calendars", RRD_SCENARIO_CALENDARS_MAX, (void **)&s->calendars,
				  sizeof *s->calendars, &s->calendar_index, calendar_item);
	if (!rc)
		rc = load_section(s, "agents", RRD_SCENARIO_AGENTS_MAX, (void **)&s->agents,
				  sizeof *s->agents, &s->agent_index, agent_item);
	if (!rc)
		rc = load_section(s, "pools", RRD_SCENARIO_POOLS_MAX, (void **)&s->pools,
				  sizeof *s->pools, &s->pool_index, pool_item);
	if (!rc)
		rc = load_section(s, "rules", RRD_SCENARIO_RULES_MAX, (void **)&s->rules,
				  sizeof *s->rules, &s->rule_index, rule_item);
	if (!rc)
		rc = load_section(s, "records", RRD_SCENARIO_RECORDS_MAX, (void **)&s->records,
				  sizeof *s->records, &s->record_index, record_item);
	if (!rc && sp) {
		rc = rrd__sim_load_event_spans(s, sp, &parsed);
	} else if (!rc) {
		const cJSON *events;
		size_t n;
		rc = rrd__fault(&s->faults,
				section(s->doc, "events", RRD_SCENARIO_EVENTS_MAX, &events, &n));
		if (!rc)
			rc = rrd__sim_load_events(s, events, n);
	}
	if (!rc)
		rc = rrd__fault(&s->faults, load_end(s, s->doc));
	if (sp && rc && rc != RRD_E_NOMEM && !entries_parse(s->text, sp, parsed))
		*again = 1;
	return rc;
}

static rrd_status load_as(rrd_scenario **out, const char *json, size_t len,
			  const rrd_postal_table *postal, rrd_fault_fn on_fault, void *user,
			  const rrd_split *sp, int *again)
{
	*again = 0;
	rrd_scenario *s = rrd__calloc(1, sizeof *s);
	if (!s)
		return rrd__nomem();
	s->text = json;
	s->postal = postal;
	s->faults = (rrd_faults){ on_fault, user, 0 };
	rrd_status rc = load(s, len, sp, again);
	if (!rc && sp) {
		/* Everything but the events is built: the head is no longer needed. */
		cJSON_Delete(s->doc);
		s->doc = NULL;
	}
	if (!*again)
		rc = rrd__faults_end(&s->faults, rc);
	if (rc) {
		rrd__scenario_free(s);
		return rc;
	}
	*out = s;
	return RRD_OK;
}

rrd_status rrd__scenario_load(rrd_scenario **out, const char *json, size_t len,
			      const rrd_postal_table *postal)
{
	return rrd__scenario_load_each(out, json, len, postal, NULL, NULL);
}

rrd_status rrd__scenario_load_each(rrd_scenario **out, const char *json, size_t len,
				   const rrd_postal_table *postal, rrd_fault_fn on_fault,
				   void *user)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	*out = NULL;
	if (!json && len)
		return rrd__fail(RRD_E_INVALID, "json must not be NULL");
	if (len > RRD_SCENARIO_BYTES_MAX)
		return rrd__fault_alone(on_fault, user,
					rrd__fail(RRD_E_PARSE, "$: the document is %zu bytes; at "
						  "most %zu are allowed", len,
						  RRD_SCENARIO_BYTES_MAX));
	if (!json)
		json = "";
	/* Everything below parses only what is known to be one JSON value. */
	rrd_status rc = rrd__json_text_check(json, len);
	if (rc) {
		if (on_fault && rc != RRD_E_NOMEM)
			on_fault(user, rrd_error_last());
		return rc;
	}
	rrd_split sp;
	rrd_split_result split = rrd__split_events(json, len, &sp);
	if (split == RRD_SPLIT_NOMEM)
		return rrd__nomem();
	int again = split != RRD_SPLIT_DONE;
	if (!again)
		rc = load_as(out, json, len, postal, on_fault, user, &sp, &again);
	rrd__split_free(&sp);
	if (again)
		rc = load_as(out, json, len, postal, on_fault, user, NULL, &again);
	return rc;
}

void rrd__scenario_free(rrd_scenario *s)
{
	if (!s)
		return;
	rrd__hashmap_free(&s->calendar_index);
	rrd__hashmap_free(&s->agent_index);
	rrd__hashmap_free(&s->pool_index);
	rrd__hashmap_free(&s->rule_index);
	rrd__hashmap_free(&s->record_index);
	for (size_t i = 0; i < s->calendar_count; i++)
		rrd_calendar_free(s->calendars[i]);
	for (size_t i = 0; i < s->agent_count; i++)
		rrd_agent_free(s->agents[i]);
	for (size_t i = 0; i < s->pool_count; i++)
		rrd_pool_free(s->pools[i]);
	for (size_t i = 0; i < s->rule_count; i++)
		rrd_rule_free(s->rules[i]);
	for (size_t i = 0; i < s->record_count; i++)
		rrd_record_free(s->records[i]);
	rrd__free(s->calendars);
	rrd__free(s->agents);
	rrd__free(s->pools);
	rrd__free(s->rules);
	rrd__free(s->records);
	rrd__free(s->events);
	rrd__free(s->event_json);
	rrd__arena_free(&s->arena);
	cJSON_Delete(s->doc);
	rrd__free(s);
}

const cJSON *rrd__scenario_event_json(const rrd_scenario *s, size_t i, rrd_sim_entry *en)
{
	en->owned = NULL;
	if (s->event_json)
		return s->event_json[i];
	const rrd_sim_event *e = &s->events[i];
	return rrd__sim_entry_read(en, s->text + e->off, e->len);
}

static long lookup(const rrd_hashmap *index, const char *id)
{
	uint32_t k;
	return id && rrd__hashmap_get(index, id, &k) ? (long)k : -1;
}

long rrd__scenario_agent(const rrd_scenario *s, const char *id)
{
	return lookup(&s->agent_index, id);
}

long rrd__scenario_pool(const rrd_scenario *s, const char *id)
{
	return lookup(&s->pool_index, id);
}

long rrd__scenario_calendar(const rrd_scenario *s, const char *id)
{
	return lookup(&s->calendar_index, id);
}

long rrd__scenario_rule(const rrd_scenario *s, const char *id)
{
	return lookup(&s->rule_index, id);
}

long rrd__scenario_record(const rrd_scenario *s, const char *id)
{
	return lookup(&s->record_index, id);
}
