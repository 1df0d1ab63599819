/*
 * The scenario runner: a distributor on a fresh store (in memory, or the
 * host's, empty) on a virtual clock, configured from the document, then
 * each event in turn (timers due first), its outcome written as JSON
 * lines, and a summary.
 */
#include <stddef.h>
#include <string.h>

#include "config/json_objects.h"
#include "config/json_read.h"
#include "api/reassign_list.h"
#include "model/agent.h"
#include "model/record.h"
#include "rrdist.h"
#include "sim/empty_store.h"
#include "sim/jsonl.h"
#include "sim/scenario.h"
#include "sim/scenario_impl.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hashmap.h"

typedef struct run {
	const rrd_scenario *sc;
	rrd_simulation_options opts;
	rrd_store *store;
	int own_store; /* the run made it, and frees it */
	rrd_distributor *dist;
	rrd_time now;
	rrd_buf line;
	int failed;           /* out of memory while writing */
	/* assigned events per agent id, for the summary */
	rrd_hashmap assigned_index;
	struct tally { char *agent; int64_t n; } *assigned;
	size_t nassigned, assigned_cap;
} run;

static rrd_time clock_fn(void *user)
{
	return ((run *)user)->now;
}

static void emit_line(run *r)
{
	rrd__jl_end(&r->line);
	if (r->line.failed) {
		r->failed = 1;
		r->line.failed = 0;
		return;
	}
	r->opts.on_line(r->opts.line_user, (const char *)r->line.data, r->line.len);
}

static void count_assigned(run *r, const char *agent)
{
	uint32_t i;
	if (rrd__hashmap_get(&r->assigned_index, agent, &i)) {
		r->assigned[i].n++;
		return;
	}
	char *id = rrd__strdup(agent);
	if (!id || rrd__grow((void **)&r->assigned, &r->assigned_cap, r->nassigned + 1,
			     sizeof *r->assigned) ||
	    rrd__hashmap_put(&r->assigned_index, id, (uint32_t)r->nassigned)) {
		rrd__free(id);
		r->failed = 1;
		return;
	}
	r->assigned[r->nassigned].agent = id;
	r->assigned[r->nassigned++].n = 1;
}

static void skipped(rrd_buf *b, const rrd_event *ev)
{
	size_t n = rrd_event_skipped_count(ev);
	if (!n)
		return;
	rrd__jl_open(b, "skipped", '[');
	for (size_t i = 0; i < n; i++) {
		const char *agent;
		rrd_skip_reason why;
		rrd_event_skipped(ev, i, &agent, &why);
		rrd__jl_item_open(b);
		rrd__jl_str(b, "agent", agent);
		rrd__jl_str(b, "reason", rrd_skip_reason_name(why));
		rrd__jl_close(b, '}');
	}
	rrd__jl_close(b, ']');
}

static void on_event(void *user, const rrd_event *ev)
{
	run *r = user;
	rrd_buf *b = &r->line;
	rrd_event_type type = rrd_event_type_of(ev);
	rrd__jl_begin(b, rrd_event_time(ev), rrd_event_type_name(type));
	rrd_time deadline;
	switch (type) {
	case RRD_EVENT_OFFERED:
		rrd__jl_str(b, "lead", rrd_event_record(ev));
		rrd__jl_str(b, "agent", rrd_event_agent(ev));
		if (rrd_event_deadline(ev, &deadline))
			rrd__jl_time(b, "deadline", deadline);
		rrd__jl_str(b, "rule", rrd_event_rule(ev));
		rrd__jl_str(b, "pool", rrd_event_pool(ev));
		rrd__jl_bool(b, "notify", rrd_event_notify(ev));
		skipped(b, ev);
		break;
	case RRD_EVENT_ASSIGNED:
		rrd__jl_str(b, "lead", rrd_event_record(ev));
		rrd__jl_str(b, "agent", rrd_event_agent(ev));
		rrd__jl_str(b, "previous", rrd_event_previous(ev));
		rrd__jl_str(b, "pool", rrd_event_pool(ev));
		rrd__jl_str(b, "rule", rrd_event_rule(ev));
		rrd__jl_str(b, "strategy", rrd_event_strategy(ev));
		rrd__jl_str(b, "via", rrd_via_name(rrd_event_via(ev)));
		rrd__jl_bool(b, "notify", rrd_event_notify(ev));
		if (rrd_event_via(ev) != RRD_VIA_CLAIM)
			skipped(b, ev);
		count_assigned(r, rrd_event_agent(ev));
		break;
	case RRD_EVENT_CLAIM_REJECTED:
		rrd__jl_str(b, "lead", rrd_event_record(ev));
		rrd__jl_str(b, "agent", rrd_event_agent(ev));
		rrd__jl_str(b, "reason", rrd_claim_result_name(rrd_event_claim_result(ev)));
		break;
	case RRD_EVENT_CLAIMED_BY_OTHER:
		rrd__jl_str(b, "lead", rrd_event_record(ev));
		rrd__jl_str(b, "agent", rrd_event_agent(ev));
		rrd__jl_bool(b, "notify", rrd_event_notify(ev));
		break;
	case RRD_EVENT_QUEUED:
		rrd__jl_str(b, "lead", rrd_event_record(ev));
		rrd__jl_str(b, "reason", rrd_queue_reason_name(rrd_event_queue_reason(ev)));
		break;
	case RRD_EVENT_DEACTIVATED:
		rrd__jl_str(b, "lead", rrd_event_record(ev));
		rrd__jl_str(b, "replaced_by", rrd_event_replaced_by(ev));
		break;
	case RRD_EVENT_FOLLOW_UP_SET:
		rrd__jl_str(b, "lead", rrd_event_record(ev));
		rrd__jl_str(b, "status", rrd_event_follow_up(ev));
		break;
	case RRD_EVENT_REDISTRIBUTION_STARTED:
	case RRD_EVENT_REDISTRIBUTION_PROGRESS:
	case RRD_EVENT_REDISTRIBUTION_COMPLETED:
	case RRD_EVENT_UNDONE: {
		int64_t done, total, held;
		rrd_event_counts(ev, &done, &total, &held);
		rrd__jl_str(b, "job", rrd_event_job(ev));
		if (type == RRD_EVENT_REDISTRIBUTION_PROGRESS)
			rrd__jl_int(b, "done", done);
		if (type == RRD_EVENT_REDISTRIBUTION_COMPLETED)
			rrd__jl_int(b, "moved", done);
		else if (type == RRD_EVENT_UNDONE)
			rrd__jl_int(b, "restored", done);
		else
			rrd__jl_int(b, "total", total);
		if (type == RRD_EVENT_REDISTRIBUTION_COMPLETED && held)
			rrd__jl_int(b, "held", held);
		break;
	}
	default: /* offer_expired, claimed, integration */
		rrd__jl_str(b, "lead", rrd_event_record(ev));
		rrd__jl_str(b, "agent", rrd_event_agent(ev));
		break;
	}
	emit_line(r);
}

static void error_line(run *r, const rrd_sim_event *e, rrd_status rc, const char *code)
{
	rrd_buf *b = &r->line;
	rrd__jl_begin(b, e->at, "error");
	rrd__jl_int(b, "op", e->index);
	rrd__jl_str(b, "code", code ? code : rrd_status_name(rc));
	rrd__jl_str(b, "message", rrd_error_last());
	emit_line(r);
}

/* ---- configuration ----------------------------------------------------- */

static rrd_status config_fail(const char *what, size_t i)
{
	return rrd__fail_prefix(RRD_E_PARSE, "$.%s[%zu]: ", what, i);
}

static rrd_status configure(run *r)
{
	const rrd_scenario *sc = r->sc;
	rrd_status rc;
	for (size_t i = 0; i < sc->calendar_count; i++)
		if ((rc = rrd_distributor_put_calendar(r->dist, sc->calendars[i])))
			return rc == RRD_E_NOMEM ? rc : config_fail("calendars", i);
	for (size_t i = 0; i < sc->agent_count; i++)
		if ((rc = rrd_distributor_put_agent(r->dist, sc->agents[i])))
			return rc == RRD_E_NOMEM ? rc : config_fail("agents", i);
	for (size_t i = 0; i < sc->pool_count; i++)
		if ((rc = rrd_distributor_put_pool(r->dist, sc->pools[i])))
			return rc == RRD_E_NOMEM ? rc : config_fail("pools", i);
	if (sc->rule_count &&
	    (rc = rrd_distributor_set_rules(r->dist, (const rrd_rule *const *)sc->rules,
					    sc->rule_count)))
		return rc == RRD_E_NOMEM ? rc : rrd__fail_prefix(RRD_E_PARSE, "$.rules: ");
	for (size_t i = 0; i < sc->record_count; i++)
		if ((rc = rrd_distributor_put_record(r->dist, sc->records[i])))
			return rc == RRD_E_NOMEM ? rc : config_fail("records", i);
	return RRD_OK;
}

/* ---- events ------------------------------------------------------------ */

/* A location from `location` or `postal_code`; 0 none, 1 set, -1 unknown code. */
static int location_of(const run *r, const cJSON *o, double *lat, double *lon)
{
	const cJSON *loc = rrd__json_get(o, "location");
	if (cJSON_IsObject(loc)) {
		const cJSON *a = rrd__json_get(loc, "lat");
		const cJSON *b = rrd__json_get(loc, "lon");
		*lat = a->valuedouble;
		*lon = b->valuedouble;
		return 1;
	}
	const char *zip = rrd__json_str(o, "postal_code");
	if (!zip)
		return 0;
	return rrd__postal_find(r->sc->postal, zip, lat, lon) ? 1 : -1;
}

static rrd_status submit_lead(run *r, const rrd_sim_lead *f, const char **code)
{
	rrd_record *rec;
	rrd_status rc = rrd_record_new(&rec, f->id, f->kind);
	if (rc)
		return rc;
	if (f->source)
		rc = rrd_record_set_source(rec, f->source);
	const cJSON *attrs = f->o ? rrd__json_get(f->o, "attrs") : NULL, *a;
	cJSON_ArrayForEach(a, attrs) {
		if (!rc && cJSON_IsString(a))
			rc = rrd_record_set_attr(rec, a->string, a->valuestring);
	}
	double lat, lon;
	int where = rc || !f->o ? 0 : location_of(r, f->o, &lat, &lon);
	if (where < 0)
		rc = rrd__postal_unknown(r->sc->postal, rrd__json_str(f->o, "postal_code"));
	else if (where > 0)
		rc = rrd_record_set_location(rec, lat, lon);
	if (!rc) {
		rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
		so.pool = f->pool;
		so.notify = f->notify;
		rc = rrd_distributor_submit(r->dist, rec, &so);
		if (rc == RRD_E_EXISTS)
			*code = "invalid_argument";
	}
	rrd_record_free(rec);
	return rc;
}

static rrd_status op_lead(run *r, const cJSON *o, const char **code)
{
	rrd_sim_lead f;
	return rrd__sim_read_lead(o, &f) ? RRD_E_INVALID : submit_lead(r, &f, code);
}

/* A plain lead, from what load kept of it. */
static void run_plain_lead(run *r, const rrd_sim_event *e)
{
	rrd_sim_lead f;
	rrd__sim_plain_lead(e, &f);
	const char *code = NULL;
	rrd_status rc = submit_lead(r, &f, &code);
	if (rc)
		error_line(r, e, rc, code);
}

static rrd_move_options move_opts(const cJSON *o)
{
	rrd_move_options mo = RRD_MOVE_OPTIONS_INIT;
	mo.notify = rrd__json_flag(o, "notify", 1);
	mo.integrations = rrd__json_flag(o, "integrations", 0);
	mo.force = rrd__json_flag(o, "force", 0);
	return mo;
}

/* The `to` of a reassign event; `types` receives the nearest's types. */
static rrd_status move_target(const cJSON *to, rrd_move_target *t, const char *types[64])
{
	*t = (rrd_move_target){ rrd__json_str(to, "agent"), rrd__json_str(to, "pool"), 0, types,
				0 };
	if (t->agent || t->pool)
		return RRD_OK;
	t->nearest = 1;
	const cJSON *type;
	cJSON_ArrayForEach(type, rrd__json_get(rrd__json_get(to, "nearest"), "types")) {
		if (t->ntypes == 64)
			return rrd__fail(RRD_E_INVALID, "at most 64 types");
		types[t->ntypes++] = type->valuestring;
	}
	return RRD_OK;
}

typedef struct list_event {
	run *r;
	const rrd_sim_event *e;
} list_event;

static void list_refused(void *user, size_t i, rrd_status rc)
{
	list_event *le = user;
	(void)i;
	error_line(le->r, le->e, rc, NULL);
}

static rrd_status string_list(const cJSON *o, const char *name, const char ***out, size_t *n);

static void op_reassign(run *r, const rrd_sim_event *e, const cJSON *o)
{
	rrd_move_options mo = move_opts(o);
	rrd_move_target t;
	const char *types[64];
	const char *lead = rrd__json_str(o, "lead");
	rrd_status rc = move_target(rrd__json_get(o, "to"), &t, types);
	if (!rc && lead) {
		if (t.agent)
			rc = rrd_distributor_reassign_to_agent(r->dist, lead, t.agent, &mo);
		else if (t.pool)
			rc = rrd_distributor_reassign_to_pool(r->dist, lead, t.pool, &mo);
		else
			rc = rrd_distributor_reassign_to_nearest(r->dist, lead, t.types, t.ntypes,
								 &mo);
	} else if (!rc) {
		/* One event: the records move one by one, and what they free
		 * drains after the last. */
		const char **ids;
		size_t n;
		list_event le = { r, e };
		if (!(rc = string_list(o, "leads", &ids, &n)))
			rc = rrd__reassign_list(r->dist, ids, n, &t, &mo, list_refused, &le);
		rrd__free(ids);
	}
	if (rc)
		error_line(r, e, rc, NULL);
}

static rrd_status op_transfer(run *r, const cJSON *o, const char **code)
{
	rrd_move_options mo = move_opts(o);
	rrd_status rc = rrd_distributor_transfer(r->dist, rrd__json_str(o, "lead"),
						 rrd__json_str(o, "partner"), rrd__json_str(o, "agent"),
						 rrd__json_str(o, "new_id"), &mo);
	if (rc == RRD_E_EXISTS)
		*code = "invalid_argument";
	return rc;
}

/* The event's array of strings `name`, borrowed from the document, in a
 * fresh array of pointers (*out NULL when absent). */
static rrd_status string_list(const cJSON *o, const char *name, const char ***out, size_t *n)
{
	const cJSON *arr = rrd__json_get(o, name);
	*out = NULL;
	*n = 0;
	int count = cJSON_GetArraySize(arr);
	if (!cJSON_IsArray(arr) || count <= 0)
		return RRD_OK;
	const char **l = rrd__malloc((size_t)count * sizeof *l);
	if (!l)
		return rrd__nomem();
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		l[(*n)++] = it->valuestring;
	*out = l;
	return RRD_OK;
}

static rrd_status op_follow_up(run *r, const cJSON *o)
{
	const char **ids;
	size_t n;
	rrd_status rc = string_list(o, "leads", &ids, &n);
	if (!rc)
		rc = rrd_distributor_set_follow_up(r->dist, ids, n, rrd__json_str(o, "status"));
	rrd__free(ids);
	return rc;
}

/* The `from` and `to` of a redistribute event, as the library's description. */
static rrd_status describe(const run *r, const cJSON *o, rrd_redistribution *rd)
{
	const cJSON *from = rrd__json_get(o, "from");
	const cJSON *to = rrd__json_get(o, "to");
	const cJSON *filter = rrd__json_get(from, "filter");
	const char **l = NULL;
	size_t n;
	rrd_status rc = RRD_OK;
	if (rrd__json_str(from, "agent")) {
		if (!(rc = string_list(from, "roles", &l, &n)))
			rc = rrd_redistribution_from_agent(rd, rrd__json_str(from, "agent"), l, n);
	} else if (cJSON_IsObject(filter)) {
		const char *kind = rrd__json_str(filter, "kind");
		const char *status = rrd__json_str(filter, "status");
		const char *owner = rrd__json_str(filter, "owner");
		rrd_kind k;
		rrd_record_status st;
		const cJSON *since = rrd__json_get(filter, "reassigned_since");
		rc = rrd_redistribution_from_filter(rd);
		if (!rc && kind && !(rc = rrd_kind_parse(kind, &k)))
			rc = rrd_redistribution_filter_kind(rd, k);
		if (!rc && owner)
			rc = rrd_redistribution_filter_owner(rd, owner);
		if (!rc && status && !(rc = rrd_record_status_parse(status, &st)))
			rc = rrd_redistribution_filter_status(rd, st);
		if (!rc && !(rc = string_list(filter, "types", &l, &n)) && n)
			rc = rrd_redistribution_filter_owner_types(rd, l, n);
		const cJSON *a;
		cJSON_ArrayForEach(a, rrd__json_get(filter, "attrs")) {
			if (!rc && cJSON_IsString(a))
				rc = rrd_redistribution_filter_attr(rd, a->string, a->valuestring);
		}
		rrd_time t;
		int present;
		if (!rc && since &&
		    !(rc = rrd__sim_read_time(filter, "$", "reassigned_since", r->sc->start, 0, &t,
					      &present)) &&
		    present)
			rc = rrd_redistribution_filter_reassigned_since(rd, t);
	} else {
		if (!(rc = string_list(from, "records", &l, &n)))
			rc = rrd_redistribution_from_records(rd, l, n);
	}
	rrd__free(l);
	l = NULL;
	if (rc)
		return rc;
	if (rrd__json_get(to, "agents")) {
		if (!(rc = string_list(to, "agents", &l, &n)))
			rc = rrd_redistribution_to_agents(rd, l, n);
	} else {
		if (!(rc = string_list(to, "types", &l, &n)))
			rc = rrd_redistribution_to_types(rd, l, n);
	}
	rrd__free(l);
	if (!rc)
		rc = rrd_redistribution_set_notify(rd, rrd__json_flag(o, "notify", 1));
	return rc;
}

static void preview_line(run *r, const rrd_sim_event *e, const rrd_plan *plan)
{
	rrd_buf *b = &r->line;
	rrd__jl_begin(b, e->at, "preview");
	rrd__jl_int(b, "total", rrd_plan_total(plan));
	rrd__jl_open(b, "plan", '{');
	for (size_t i = 0; i < rrd_plan_target_count(plan); i++) {
		const char *agent;
		int64_t count;
		rrd_plan_target(plan, i, &agent, &count);
		rrd__jl_int(b, agent, count);
	}
	rrd__jl_close(b, '}');
	if (rrd_plan_held(plan))
		rrd__jl_int(b, "held", rrd_plan_held(plan));
	emit_line(r);
}

static rrd_status op_redistribute(run *r, const rrd_sim_event *e, const cJSON *o)
{
	rrd_redistribution *rd;
	rrd_status rc = rrd_redistribution_new(&rd);
	if (rc)
		return rc;
	if (!(rc = describe(r, o, rd))) {
		if (rrd__json_flag(o, "preview", 0)) {
			rrd_plan *plan;
			if (!(rc = rrd_distributor_preview(r->dist, rd, &plan)))
				preview_line(r, e, plan);
			rrd_plan_free(plan);
		} else {
			char job[RRD_JOB_ID_MAX + 1];
			rc = rrd_distributor_redistribute(r->dist, rd, job, sizeof job);
		}
	}
	rrd_redistribution_free(rd);
	return rc;
}

static rrd_status op_agent(run *r, const cJSON *o, const char **code)
{
	const char *id = rrd__json_str(o, "id");
	rrd_agent *a = NULL;
	rrd_status rc = rrd_distributor_get_agent(r->dist, id, &a);
	if (rc == RRD_E_UNKNOWN_AGENT)
		rc = rrd_agent_new(&a, id);
	if (rc)
		return rc;
	*code = "invalid_argument";
	rc = rrd__agent_apply_json(a, o, "$", RRD_FROM_SCENARIO);
	double lat, lon;
	int where = rc || rrd__json_get(o, "location") ? 0 : location_of(r, o, &lat, &lon);
	if (where < 0)
		rc = rrd__postal_unknown(r->sc->postal, rrd__json_str(o, "postal_code"));
	else if (where > 0)
		rc = rrd_agent_set_location(a, lat, lon);
	if (!rc)
		rc = rrd_distributor_put_agent(r->dist, a);
	if (rc != RRD_E_UNKNOWN_CALENDAR && rc != RRD_E_PARSE)
		*code = NULL;
	rrd_agent_free(a);
	return rc;
}

/* Run e, whose object is o. Nothing here keeps a pointer into o: the
 * object is freed once the event has run. */
static void run_event(run *r, const rrd_sim_event *e, const cJSON *o)
{
	const char *code = NULL;
	rrd_status rc = RRD_OK;
	rrd_claim_result res;
	switch (e->op) {
	case RRD_SIM_LEAD:
		rc = op_lead(r, o, &code);
		break;
	case RRD_SIM_CLAIM:
		rc = rrd_distributor_claim(r->dist, rrd__json_str(o, "lead"), rrd__json_str(o, "agent"),
					   &res);
		break;
	case RRD_SIM_DECLINE:
		rc = rrd_distributor_decline(r->dist, rrd__json_str(o, "lead"),
					     rrd__json_str(o, "agent"));
		break;
	case RRD_SIM_ASSIGN: {
		rrd_move_options mo = move_opts(o);
		rc = rrd_distributor_assign(r->dist, rrd__json_str(o, "lead"), rrd__json_str(o, "agent"),
					    &mo);
		break;
	}
	case RRD_SIM_REASSIGN:
		op_reassign(r, e, o);
		return;
	case RRD_SIM_AGENT:
		rc = op_agent(r, o, &code);
		break;
	case RRD_SIM_POOL_ADD:
		rc = rrd_distributor_pool_add_member(r->dist, rrd__json_str(o, "pool"),
						     rrd__json_str(o, "agent"));
		if (rc == RRD_E_EXISTS)
			code = "invalid_argument";
		break;
	case RRD_SIM_POOL_REMOVE:
		rc = rrd_distributor_pool_remove_member(r->dist, rrd__json_str(o, "pool"),
							rrd__json_str(o, "agent"));
		if (rc == RRD_E_NOTFOUND)
			code = "invalid_argument";
		break;
	case RRD_SIM_TRANSFER:
		rc = op_transfer(r, o, &code);
		break;
	case RRD_SIM_FOLLOW_UP:
		rc = op_follow_up(r, o);
		break;
	case RRD_SIM_REDISTRIBUTE:
		rc = op_redistribute(r, e, o);
		break;
	case RRD_SIM_UNDO:
		rc = rrd_distributor_undo(r->dist, rrd__json_str(o, "job"), NULL);
		break;
	case RRD_SIM_ADVANCE:
		break;
	default:
		rc = rrd__fail(RRD_E_UNSUPPORTED, "\"%s\" is not available in this version",
			       rrd__sim_op_name(e->op));
		break;
	}
	if (rc)
		error_line(r, e, rc, code);
}

static void summary(run *r)
{
	rrd_buf *b = &r->line;
	rrd__jl_begin(b, r->sc->end, "summary");
	size_t n = rrd_distributor_agent_count(r->dist);
	char id[RRD_ID_MAX + 1];
	rrd__jl_open(b, "open", '{');
	for (size_t i = 0; i < n; i++) {
		rrd_agent *a = NULL;
		if (rrd_distributor_agent_at(r->dist, i, id, sizeof id) ||
		    rrd_distributor_get_agent(r->dist, id, &a)) {
			r->failed = 1;
			continue;
		}
		rrd__jl_int(b, id, rrd_agent_open_count(a));
		rrd_agent_free(a);
	}
	rrd__jl_close(b, '}');
	rrd__jl_open(b, "assigned", '{');
	for (size_t i = 0; i < n; i++) {
		uint32_t k;
		if (rrd_distributor_agent_at(r->dist, i, id, sizeof id))
			continue;
		rrd__jl_int(b, id, rrd__hashmap_get(&r->assigned_index, id, &k) ? r->assigned[k].n : 0);
	}
	rrd__jl_close(b, '}');
	rrd_queue *q = NULL;
	if (rrd_distributor_queue(r->dist, &q))
		r->failed = 1;
	rrd__jl_int(b, "queued", (int64_t)rrd_queue_count(q));
	rrd_queue_free(q);
	emit_line(r);
}

static void run_free(run *r)
{
	rrd_distributor_free(r->dist);
	if (r->own_store)
		rrd_store_free(r->store);
	rrd__buf_free(&r->line);
	for (size_t i = 0; i < r->nassigned; i++)
		rrd__free(r->assigned[i].agent);
	rrd__free(r->assigned);
	rrd__hashmap_free(&r->assigned_index);
}

static rrd_status load(const char *json, size_t len, const char *postal_path,
		       rrd_postal_table **postal, rrd_scenario **sc)
{
	*postal = NULL;
	*sc = NULL;
	if (!json)
		return rrd__fail(RRD_E_INVALID, "the scenario text must not be NULL");
	rrd_status rc = postal_path ? rrd__postal_load(postal, postal_path) : RRD_OK;
	if (!rc)
		rc = rrd__scenario_load(sc, json, len, *postal);
	if (rc) {
		rrd__postal_free(*postal);
		*postal = NULL;
	}
	return rc;
}

RRD_API rrd_status rrd_scenario_check(const char *json, size_t len, const char *postal_codes)
{
	rrd_postal_table *postal;
	rrd_scenario *sc;
	rrd_status rc = load(json, len, postal_codes, &postal, &sc);
	rrd__scenario_free(sc);
	rrd__postal_free(postal);
	return rc;
}

RRD_API rrd_status rrd_scenario_check_each(const char *json, size_t len,
					   const char *postal_codes, rrd_fault_fn on_fault,
					   void *user)
{
	if (!on_fault)
		return rrd__fail(RRD_E_INVALID, "on_fault must not be NULL");
	if (!json)
		return rrd__fail(RRD_E_INVALID, "the scenario text must not be NULL");
	rrd_postal_table *postal = NULL;
	rrd_status rc = postal_codes ? rrd__postal_load(&postal, postal_codes) : RRD_OK;
	/* A table that is not one is told like a fault of the document:
	 * RRD_E_PARSE always comes with the faults told. */
	if (rc == RRD_E_PARSE)
		rc = rrd__fault_alone(on_fault, user, rc);
	rrd_scenario *sc = NULL;
	if (!rc)
		rc = rrd__scenario_load_each(&sc, json, len, postal, on_fault, user);
	rrd__scenario_free(sc);
	rrd__postal_free(postal);
	return rc;
}

/* The store of a run: the host's, once found empty, or a fresh one. */
static rrd_status open_store(run *r)
{
	if (r->opts.store) {
		r->store = r->opts.store;
		return rrd__sim_store_empty(r->store);
	}
	r->own_store = 1;
	return rrd_store_memory_new(&r->store);
}

RRD_API rrd_status rrd_simulate(const char *json, size_t len, const rrd_simulation_options *opts)
{
	if (!opts || !opts->on_line)
		return rrd__fail(RRD_E_INVALID, "options with an on_line callback are required");
	if (opts->version < 1 || opts->version > RRD_SIMULATION_OPTIONS_VERSION)
		return rrd__fail(RRD_E_VERSION, "simulation options version %u is not one of 1..%u",
				 opts->version, RRD_SIMULATION_OPTIONS_VERSION);
	/* Only as much of the table as the caller's version has: the rest
	 * keeps its defaults. */
	static const size_t opts_size[] = { 0, offsetof(rrd_simulation_options, store),
					    sizeof(rrd_simulation_options) };
	rrd_simulation_options given = RRD_SIMULATION_OPTIONS_INIT;
	memcpy(&given, opts, opts_size[opts->version]);
	rrd_postal_table *postal;
	rrd_scenario *sc;
	rrd_status rc = load(json, len, given.postal_codes, &postal, &sc);
	if (rc)
		return rc;
	run r = { .sc = sc, .opts = given, .now = sc->start };
	rrd_distributor_options dopts = RRD_DISTRIBUTOR_OPTIONS_INIT;
	dopts.clock = clock_fn;
	dopts.clock_user = &r;
	dopts.on_event = on_event;
	dopts.event_user = &r;
	dopts.explain = sc->explain;
	dopts.seed = sc->seed;
	/* The document's 0 is a limit of none; the options' 0 is the default. */
	dopts.redistribute_max = sc->redistribute_max ? sc->redistribute_max : RRD_REDISTRIBUTE_NONE;
	if (!(rc = open_store(&r)) && !(rc = rrd_distributor_new(&r.dist, r.store, &dopts)) &&
	    !(rc = rrd_distributor_advance(r.dist, sc->start)))
		rc = configure(&r);
	/* Nothing is written for a document that cannot be used, so the
	 * configuration's own lines (none today) would wait; there are none. */
	rrd_sim_entry en;
	for (size_t i = 0; !rc && i < sc->event_count; i++) {
		const rrd_sim_event *e = &sc->events[i];
		if ((rc = rrd_distributor_advance(r.dist, e->at)))
			break;
		r.now = e->at;
		if (e->lead) {
			run_plain_lead(&r, e);
		} else {
			const cJSON *o = rrd__scenario_event_json(sc, i, &en);
			if (o)
				run_event(&r, e, o);
			rrd__sim_entry_done(&en);
			if (!o) {
				rc = rrd__nomem();
				break;
			}
		}
		if (r.opts.on_progress && (i % 1024 == 0 || i + 1 == sc->event_count))
			r.opts.on_progress(r.opts.progress_user, i + 1, sc->event_count);
	}
	if (!rc && !(rc = rrd_distributor_advance(r.dist, sc->end))) {
		r.now = sc->end;
		summary(&r);
	}
	if (!rc && r.failed)
		rc = rrd__nomem();
	run_free(&r);
	rrd__scenario_free(sc);
	rrd__postal_free(postal);
	return rc;
}
