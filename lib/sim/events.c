/*
 * The `events` array: times, ops and the JSON types of each op's fields.
 * What an event names (a lead, agent, pool, job, calendar or postal code) is
 * looked up only when it runs, where an unknown one is an `error` event and
 * not a fault of the file.
 */
#include <stdio.h>
#include <string.h>

#include "config/json_objects.h"
#include "config/json_read.h"
#include "sim/scenario_impl.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

static const cJSON *field(const cJSON *o, const char *name)
{
	const cJSON *v = rrd__json_get(o, name);
	return v && !cJSON_IsNull(v) ? v : NULL;
}

static rrd_status req_string(const cJSON *e, const char *path, const char *name)
{
	const char *s;
	return rrd__json_req_string(e, path, name, &s);
}

static rrd_status opt_string(const cJSON *e, const char *path, const char *name)
{
	const char *s = NULL;
	return rrd__json_opt_string(e, path, name, &s);
}

/* A string the event creates an object under, so it must be a valid id. */
static rrd_status id_string(const cJSON *e, const char *path, const char *name, int required)
{
	const char *s = NULL;
	rrd_status rc = required ? rrd__json_req_string(e, path, name, &s)
				 : rrd__json_opt_string(e, path, name, &s);
	if (rc || !s)
		return rc;
	if (rrd__id_check(s, name))
		return rrd__json_wrap(path, name);
	return RRD_OK;
}

static rrd_status strings(const cJSON *e, const char *path, const char *name, int required)
{
	const cJSON *a = field(e, name);
	if (!a) {
		if (required)
			return rrd__json_fail(path, name, "required array of strings is missing");
		return RRD_OK;
	}
	char at[RRD_PATH_MAX];
	rrd__json_path(at, path, name);
	if (!cJSON_IsArray(a))
		return rrd__json_fail(at, NULL, "expected an array of strings");
	size_t i = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, a) {
		if (!cJSON_IsString(v)) {
			char elem[RRD_PATH_MAX];
			rrd__json_path_index(elem, at, i);
			return rrd__json_fail(elem, NULL, "expected a string");
		}
		i++;
	}
	return RRD_OK;
}

/* An optional object at path.name; *at receives its path. */
static rrd_status opt_object(const cJSON *e, const char *path, const char *name,
			     const cJSON **out, char at[RRD_PATH_MAX])
{
	*out = field(e, name);
	rrd__json_path(at, path, name);
	if (*out && !cJSON_IsObject(*out))
		return rrd__json_fail(at, NULL, "expected an object");
	return RRD_OK;
}

static rrd_status req_object(const cJSON *e, const char *path, const char *name,
			     const cJSON **out, char at[RRD_PATH_MAX])
{
	rrd_status rc = opt_object(e, path, name, out, at);
	if (!rc && !*out)
		return rrd__json_fail(path, name, "required object is missing");
	return rc;
}

/* Exactly one of `names` (NULL-terminated) is present in o. */
static rrd_status one_of(const cJSON *o, const char *at, const char *const *names,
			 const char *list)
{
	int n = 0;
	for (size_t i = 0; names[i]; i++)
		n += field(o, names[i]) != NULL;
	if (n != 1)
		return rrd__json_fail(at, NULL, "expected exactly one of %s", list);
	return RRD_OK;
}

static rrd_status check_status(const cJSON *o, const char *path, const char *name)
{
	const char *s = NULL;
	rrd_record_status st;
	rrd_status rc = rrd__json_opt_string(o, path, name, &s);
	if (rc || !s)
		return rc;
	if (rrd_record_status_parse(s, &st))
		return rrd__json_fail(path, name,
				      "\"%s\" is not one of new, offered, pending, claimed, "
				      "queued, deactivated", s);
	return RRD_OK;
}

static rrd_status check_lead(const cJSON *e, const char *path, rrd_time start)
{
	rrd_kind kind;
	const cJSON *attrs;
	int has;
	double lat, lon;
	rrd_status rc;
	(void)start;
	if ((rc = id_string(e, path, "id", 1)) ||
	    (rc = rrd__sim_read_kind(e, path, "kind", &kind)) ||
	    (rc = opt_string(e, path, "source")) ||
	    (rc = rrd__sim_read_string_map(e, path, "attrs", &attrs)) ||
	    (rc = rrd__sim_read_location(e, path, &has, &lat, &lon)) ||
	    (rc = opt_string(e, path, "postal_code")) || (rc = opt_string(e, path, "pool")) ||
	    (rc = opt_string(e, path, "partner")))
		return rc;
	return RRD_OK;
}

/* claim, decline, assign */
static rrd_status check_lead_agent(const cJSON *e, const char *path, rrd_time start)
{
	rrd_status rc;
	(void)start;
	if ((rc = req_string(e, path, "lead")) || (rc = req_string(e, path, "agent")))
		return rc;
	return RRD_OK;
}

static rrd_status check_reassign(const cJSON *e, const char *path, rrd_time start)
{
	static const char *const which[] = { "lead", "leads", NULL };
	static const char *const targets[] = { "agent", "pool", "nearest", NULL };
	char at[RRD_PATH_MAX], nat[RRD_PATH_MAX];
	const cJSON *to, *nearest;
	rrd_status rc;
	(void)start;
	if ((rc = one_of(e, path, which, "lead, leads")) || (rc = opt_string(e, path, "lead")) ||
	    (rc = strings(e, path, "leads", 0)) || (rc = req_object(e, path, "to", &to, at)) ||
	    (rc = one_of(to, at, targets, "agent, pool, nearest")) ||
	    (rc = opt_string(to, at, "agent")) || (rc = opt_string(to, at, "pool")) ||
	    (rc = opt_object(to, at, "nearest", &nearest, nat)))
		return rc;
	if (nearest && (rc = strings(nearest, nat, "types", 0)))
		return rc;
	return RRD_OK;
}

static rrd_status check_transfer(const cJSON *e, const char *path, rrd_time start)
{
	rrd_status rc;
	(void)start;
	/* A missing `agent` is the run's error to report, not the file's. */
	if ((rc = req_string(e, path, "lead")) || (rc = req_string(e, path, "partner")) ||
	    (rc = opt_string(e, path, "agent")) || (rc = id_string(e, path, "new_id", 1)))
		return rc;
	return RRD_OK;
}

static rrd_status check_filter(const cJSON *f, const char *path, rrd_time start)
{
	rrd_kind kind;
	const cJSON *attrs;
	rrd_time since;
	int present;
	rrd_status rc;
	if ((rc = rrd__sim_read_kind(f, path, "kind", &kind)) ||
	    (rc = opt_string(f, path, "owner")) || (rc = check_status(f, path, "status")) ||
	    (rc = strings(f, path, "types", 0)) ||
	    (rc = rrd__sim_read_string_map(f, path, "attrs", &attrs)) ||
	    (rc = rrd__sim_read_time(f, path, "reassigned_since", start, 0, &since, &present)))
		return rc;
	return RRD_OK;
}

static rrd_status check_redistribute(const cJSON *e, const char *path, rrd_time start)
{
	static const char *const sources[] = { "agent", "records", "filter", NULL };
	static const char *const targets[] = { "agents", "types", NULL };
	char from_at[RRD_PATH_MAX], to_at[RRD_PATH_MAX], filter_at[RRD_PATH_MAX];
	const cJSON *from, *to, *filter;
	rrd_status rc;
	if ((rc = req_object(e, path, "from", &from, from_at)) ||
	    (rc = one_of(from, from_at, sources, "agent, records, filter")) ||
	    (rc = opt_string(from, from_at, "agent")) ||
	    (rc = strings(from, from_at, "roles", 0)) ||
	    (rc = strings(from, from_at, "records", 0)) ||
	    (rc = opt_object(from, from_at, "filter", &filter, filter_at)) ||
	    (filter && (rc = check_filter(filter, filter_at, start))) ||
	    (rc = req_object(e, path, "to", &to, to_at)) ||
	    (rc = one_of(to, to_at, targets, "agents, types")) ||
	    (rc = strings(to, to_at, "agents", 0)) || (rc = strings(to, to_at, "types", 0)))
		return rc;
	return RRD_OK;
}

static rrd_status check_undo(const cJSON *e, const char *path, rrd_time start)
{
	(void)start;
	return req_string(e, path, "job");
}

static rrd_status check_follow_up(const cJSON *e, const char *path, rrd_time start)
{
	rrd_status rc;
	(void)start;
	if ((rc = strings(e, path, "leads", 1)) || (rc = req_string(e, path, "status")))
		return rc;
	return RRD_OK;
}

/* The agent fields are read as the `agents` section reads them, so an
 * update is held to the same rules; the copy built is thrown away. */
static rrd_status check_agent(const cJSON *e, const char *path, rrd_time start)
{
	rrd_agent *a;
	rrd_status rc;
	(void)start;
	if ((rc = rrd__sim_as_parse(rrd__agent_from_json(e, path, RRD_FROM_SCENARIO, &a), path)))
		return rc;
	rrd_agent_free(a);
	return opt_string(e, path, "postal_code");
}

static rrd_status check_pool_member(const cJSON *e, const char *path, rrd_time start)
{
	rrd_status rc;
	(void)start;
	if ((rc = req_string(e, path, "pool")) || (rc = req_string(e, path, "agent")))
		return rc;
	return RRD_OK;
}

static rrd_status check_nothing(const cJSON *e, const char *path, rrd_time start)
{
	(void)e;
	(void)path;
	(void)start;
	return RRD_OK;
}

typedef rrd_status (*op_check)(const cJSON *e, const char *path, rrd_time start);

static const op_check checks[RRD_SIM_OP_COUNT] = {
	[RRD_SIM_LEAD] = check_lead,
	[RRD_SIM_CLAIM] = check_lead_agent,
	[RRD_SIM_DECLINE] = check_lead_agent,
	[RRD_SIM_ASSIGN] = check_lead_agent,
	[RRD_SIM_REASSIGN] = check_reassign,
	[RRD_SIM_TRANSFER] = check_transfer,
	[RRD_SIM_REDISTRIBUTE] = check_redistribute,
	[RRD_SIM_UNDO] = check_undo,
	[RRD_SIM_FOLLOW_UP] = check_follow_up,
	[RRD_SIM_AGENT] = check_agent,
	[RRD_SIM_POOL_ADD] = check_pool_member,
	[RRD_SIM_POOL_REMOVE] = check_pool_member,
	[RRD_SIM_ADVANCE] = check_nothing,
};

/* Flags any op may carry; each must be a boolean wherever it appears. */
static rrd_status check_flags(const cJSON *e, const char *path)
{
	static const char *const flags[] = { "notify", "force", "integrations", "preview" };
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
		const cJSON *v = field(e, flags[i]);
		if (v && !cJSON_IsBool(v))
			return rrd__json_fail(path, flags[i], "expected true or false");
	}
	return RRD_OK;
}

static rrd_status check_event(const cJSON *e, const char *path, rrd_time start, rrd_time prev,
			      size_t i, rrd_sim_event *out)
{
	rrd_status rc = rrd__json_object(e, path);
	rrd_time at;
	int present;
	if (rc || (rc = rrd__sim_read_time(e, path, "at", start, 1, &at, &present)))
		return rc;
	if (at < prev)
		return rrd__json_fail(path, "at", "%s",
				      i ? "earlier than the event before it" : "earlier than start");
	const char *op_name;
	rrd_sim_op op;
	if ((rc = rrd__json_req_string(e, path, "op", &op_name)))
		return rc;
	if (rrd__sim_op_parse(op_name, &op))
		return rrd__json_fail(path, "op", "unknown op \"%s\"", op_name);
	if ((rc = check_flags(e, path)) || (rc = checks[op](e, path, start)))
		return rc;
	out->at = at;
	out->index = (uint32_t)i;
	out->op = (uint8_t)op;
	return RRD_OK;
}

int rrd__sim_read_lead(const cJSON *o, rrd_sim_lead *out)
{
	const char *kind = rrd__json_str(o, "kind");
	*out = (rrd_sim_lead){ rrd__json_str(o, "id"), rrd__json_str(o, "source"),
			       rrd__json_str(o, "pool"), RRD_KIND_LEAD,
			       rrd__json_flag(o, "notify", 1), o };
	return kind && rrd_kind_parse(kind, &out->kind) ? -1 : 0;
}

/* For a plain lead (checked already), its fields packed into the
 * scenario's arena; anything else is left to be read from its object when
 * it runs. */
static rrd_status keep_plain_lead(rrd_scenario *s, const cJSON *e, rrd_sim_event *ev)
{
	rrd_sim_lead f;
	ev->lead = NULL;
	if (field(e, "attrs") || field(e, "location") || field(e, "postal_code") ||
	    rrd__sim_read_lead(e, &f))
		return RRD_OK;
	size_t nid = strlen(f.id) + 1, nsrc = f.source ? strlen(f.source) + 1 : 0;
	size_t npool = f.pool ? strlen(f.pool) + 1 : 0;
	char *text = rrd__arena_text(&s->arena, nid + nsrc + npool);
	if (!text)
		return rrd__nomem();
	memcpy(text, f.id, nid);
	if (f.source)
		memcpy(text + nid, f.source, nsrc);
	if (f.pool)
		memcpy(text + nid + nsrc, f.pool, npool);
	ev->lead = text;
	ev->lead_kind = (uint8_t)f.kind;
	ev->lead_has = (uint8_t)((f.source ? RRD_SIM_LEAD_SOURCE : 0) |
				 (f.pool ? RRD_SIM_LEAD_POOL : 0));
	ev->lead_notify = (uint8_t)f.notify;
	return RRD_OK;
}

void rrd__sim_plain_lead(const rrd_sim_event *e, rrd_sim_lead *out)
{
	*out = (rrd_sim_lead){ e->lead, NULL, NULL, (rrd_kind)e->lead_kind, e->lead_notify, NULL };
	const char *next = e->lead + strlen(e->lead) + 1;
	if (e->lead_has & RRD_SIM_LEAD_SOURCE) {
		out->source = next;
		next += strlen(next) + 1;
	}
	if (e->lead_has & RRD_SIM_LEAD_POOL)
		out->pool = next;
}

/* Check entry i, whose text is at off (len bytes), and append it to
 * s->events when it is sound. The caller has put anything else the event
 * needs at s->event_count, which a faulty entry leaves to the next. */
static rrd_status add_event(rrd_scenario *s, const cJSON *e, size_t i, uint32_t off,
			    uint32_t len, rrd_time *prev)
{
	char path[RRD_PATH_MAX];
	rrd__json_path_index(path, "$.events", i);
	rrd_sim_event *ev = &s->events[s->event_count];
	rrd_status rc = check_event(e, path, s->start, *prev, i, ev);
	if (rc)
		return rrd__fault(&s->faults, rc);
	ev->lead = NULL;
	if (ev->op == RRD_SIM_LEAD && (rc = keep_plain_lead(s, e, ev)))
		return rc;
	ev->off = off;
	ev->len = len;
	*prev = ev->at;
	s->event_count++;
	return RRD_OK;
}

rrd_status rrd__sim_load_events(rrd_scenario *s, const cJSON *events, size_t n)
{
	if (!n)
		return RRD_OK;
	if (!(s->events = rrd__malloc(n * sizeof *s->events)) ||
	    !(s->event_json = rrd__malloc(n * sizeof *s->event_json)))
		return rrd__nomem();
	rrd_time prev = s->start;
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, events) {
		s->event_json[s->event_count] = e;
		rrd_status rc = add_event(s, e, i++, 0, 0, &prev);
		if (rc)
			return rc;
	}
	return RRD_OK;
}

const cJSON *rrd__sim_entry_read(rrd_sim_entry *en, const char *text, size_t len)
{
	en->owned = NULL;
	const cJSON *flat = rrd__flat_parse(&en->flat, text, len);
	if (flat)
		return flat;
	const char *end = NULL;
	en->owned = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	/* The text must be the value, not merely begin with one: "1x" is not. */
	if (en->owned && end != text + len) {
		cJSON_Delete(en->owned);
		en->owned = NULL;
	}
	return en->owned;
}

void rrd__sim_entry_done(rrd_sim_entry *en)
{
	cJSON_Delete(en->owned);
	en->owned = NULL;
}

rrd_status rrd__sim_load_event_spans(rrd_scenario *s, const rrd_split *sp, size_t *parsed)
{
	if (!sp->count)
		return RRD_OK;
	if (!(s->events = rrd__malloc(sp->count * sizeof *s->events)))
		return rrd__nomem();
	rrd_time prev = s->start;
	rrd_sim_entry en;
	for (size_t i = 0; i < sp->count; i++) {
		rrd_split_span span = sp->spans[i];
		/* Each entry is read, checked and let go before the next, so
		 * the next reuses the same memory. */
		const cJSON *e = rrd__sim_entry_read(&en, s->text + span.off, span.len);
		/* The whole text was checked to be JSON before it was split: an
		 * entry can fail to parse only for want of memory. */
		if (!e)
			return rrd__nomem();
		if (i >= *parsed)
			*parsed = i + 1;
		rrd_status rc = add_event(s, e, i, span.off, span.len, &prev);
		rrd__sim_entry_done(&en);
		if (rc)
			return rc;
	}
	return RRD_OK;
}
