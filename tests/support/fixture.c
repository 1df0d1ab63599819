#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rrd_time clock_fn(void *user)
{
	return ((fixture *)user)->now;
}

static void on_event(void *user, const rrd_event *ev)
{
	fixture *f = user;
	char line[1024];
	int n = snprintf(line, sizeof line, "%s", rrd_event_type_name(rrd_event_type_of(ev)));
#define ADD(fmt, ...) n += snprintf(line + n, sizeof line - (size_t)n, fmt, __VA_ARGS__)
	if (rrd_event_record(ev))
		ADD(" %s", rrd_event_record(ev));
	if (rrd_event_agent(ev))
		ADD(" %s", rrd_event_agent(ev));
	if (rrd_event_via(ev))
		ADD(" via=%s", rrd_via_name(rrd_event_via(ev)));
	if (rrd_event_previous(ev))
		ADD(" previous=%s", rrd_event_previous(ev));
	if (rrd_event_pool(ev))
		ADD(" pool=%s", rrd_event_pool(ev));
	if (rrd_event_queue_reason(ev))
		ADD(" reason=%s", rrd_queue_reason_name(rrd_event_queue_reason(ev)));
	if (rrd_event_claim_result(ev))
		ADD(" reason=%s", rrd_claim_result_name(rrd_event_claim_result(ev)));
	if (rrd_event_replaced_by(ev))
		ADD(" replaced_by=%s", rrd_event_replaced_by(ev));
	if (rrd_event_follow_up(ev))
		ADD(" follow_up=%s", rrd_event_follow_up(ev));
	if (rrd_event_job(ev)) {
		int64_t done, total, held;
		rrd_event_counts(ev, &done, &total, &held);
		ADD(" %s done=%lld total=%lld held=%lld", rrd_event_job(ev), (long long)done,
		    (long long)total, (long long)held);
	}
	for (size_t i = 0; i < rrd_event_skipped_count(ev); i++) {
		const char *a;
		rrd_skip_reason r;
		rrd_event_skipped(ev, i, &a, &r);
		ADD(" skip=%s:%s", a, rrd_skip_reason_name(r));
	}
#undef ADD
	if (f->nevents == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->events = realloc(f->events, f->cap * sizeof *f->events);
		assert_non_null(f->events);
	}
	f->events[f->nevents] = strdup(line);
	assert_non_null(f->events[f->nevents]);
	f->nevents++;
}

fixture *fix_new(int explain)
{
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	fixture *f = fix_new_on(st, explain);
	f->own_store = 1;
	return f;
}

void fix_no_events(void *user, const rrd_event *event)
{
	(void)user;
	(void)event;
}

fixture *fix_new_on(rrd_store *store, int explain)
{
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.explain = explain;
	return fix_new_tuned(store, &o);
}

fixture *fix_new_tuned(rrd_store *store, const rrd_distributor_options *opts)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->now = FIX_START;
	f->store = store;
	rrd_distributor_options o = *opts;
	o.clock = clock_fn;
	o.clock_user = f;
	o.on_event = opts->on_event == fix_no_events ? NULL : on_event;
	o.event_user = f;
	o.seed = 7;
	assert_int_equal(rrd_distributor_new(&f->dist, f->store, &o), RRD_OK);
	return f;
}

void fix_clear_events(fixture *f)
{
	for (size_t i = 0; i < f->nevents; i++)
		free(f->events[i]);
	f->nevents = 0;
}

void fix_free(fixture *f)
{
	if (!f)
		return;
	rrd_distributor_free(f->dist);
	if (f->own_store)
		rrd_store_free(f->store);
	fix_clear_events(f);
	free(f->events);
	free(f);
}

void fix_agent(fixture *f, const char *id)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static rrd_pool *pool_of(const char *id, rrd_kind kind, rrd_strategy s, va_list members)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, kind), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, s), RRD_OK);
	const char *m;
	while ((m = va_arg(members, const char *)))
		assert_int_equal(rrd_pool_add_member(p, m), RRD_OK);
	return p;
}

rrd_pool *fix_pool_of(const char *id, rrd_kind kind, rrd_strategy s, ...)
{
	va_list ap;
	va_start(ap, s);
	rrd_pool *p = pool_of(id, kind, s, ap);
	va_end(ap);
	return p;
}

void fix_put_pool(fixture *f, rrd_pool *p)
{
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

void fix_pool(fixture *f, const char *id, rrd_strategy s, ...)
{
	va_list ap;
	va_start(ap, s);
	rrd_pool *p = pool_of(id, RRD_KIND_LEAD, s, ap);
	va_end(ap);
	fix_put_pool(f, p);
}

rrd_status fix_submit(fixture *f, const char *lead, const char *pool)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, lead, RRD_KIND_LEAD), RRD_OK);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = pool;
	rrd_status rc = rrd_distributor_submit(f->dist, r, &o);
	rrd_record_free(r);
	return rc;
}

const char *fix_owner(fixture *f, const char *lead)
{
	static char buf[RRD_ID_MAX + 1];
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, lead, &r), RRD_OK);
	snprintf(buf, sizeof buf, "%s", rrd_record_owner(r) ? rrd_record_owner(r) : "");
	rrd_record_free(r);
	return buf;
}

rrd_record_status fix_status(fixture *f, const char *lead)
{
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, lead, &r), RRD_OK);
	rrd_record_status st = rrd_record_status_of(r);
	rrd_record_free(r);
	return st;
}

int64_t fix_open_count(fixture *f, const char *agent)
{
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, agent, &a), RRD_OK);
	int64_t n = rrd_agent_open_count(a);
	rrd_agent_free(a);
	return n;
}

void fix_set_paused(fixture *f, const char *agent, int paused)
{
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, agent, &a), RRD_OK);
	assert_int_equal(rrd_agent_set_paused(a, paused), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

char *fix_record_json(fixture *f, const char *lead)
{
	rrd_record *r = NULL;
	char *json = NULL;
	if (rrd_distributor_get_record(f->dist, lead, &r) != RRD_OK)
		return strdup("absent");
	assert_int_equal(rrd_record_to_json(r, &json), RRD_OK);
	char *copy = strdup(json);
	assert_non_null(copy);
	rrd_free(json);
	rrd_record_free(r);
	return copy;
}

const char *fix_event(const fixture *f, size_t i)
{
	return i < f->nevents ? f->events[i] : "(none)";
}

const char *fix_redistribute(fixture *f, const char *record, const char *agent)
{
	static char job[RRD_JOB_ID_MAX + 1];
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_records(rd, &record, 1), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, &agent, 1), RRD_OK);
	rrd_status rc = rrd_distributor_redistribute(f->dist, rd, job, sizeof job);
	rrd_redistribution_free(rd);
	if (rc)
		fail_msg("redistribute %s to %s: %s: %s", record, agent, rrd_status_name(rc),
			 rrd_error_last());
	return job;
}

const char *fix_next(fixture *f, const char *pool)
{
	static char buf[RRD_ID_MAX + 1];
	rrd_pick *p = NULL;
	rrd_status rc = rrd_distributor_next_agent(f->dist, pool, NULL, &p);
	assert_true(rc == RRD_OK || rc == RRD_E_NO_ELIGIBLE);
	snprintf(buf, sizeof buf, "%s", rrd_pick_agent(p) ? rrd_pick_agent(p) : "");
	rrd_pick_free(p);
	return buf;
}

const char *fix_agents(rrd_distributor *d)
{
	static char out[512];
	out[0] = '\0';
	size_t n = rrd_distributor_agent_count(d);
	for (size_t i = 0; i < n; i++) {
		char id[RRD_ID_MAX + 1];
		assert_int_equal(rrd_distributor_agent_at(d, i, id, sizeof id), RRD_OK);
		assert_true(strlen(out) + strlen(id) + 2 <= sizeof out);
		if (i)
			strcat(out, ",");
		strcat(out, id);
	}
	return out;
}

void fix_collect(void *user, const char *line, size_t len)
{
	fix_output *o = user;
	o->text = realloc(o->text, o->len + len + 1);
	assert_non_null(o->text);
	memcpy(o->text + o->len, line, len);
	o->len += len;
	o->text[o->len] = '\0';
}
