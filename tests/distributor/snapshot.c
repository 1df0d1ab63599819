#include "snapshot.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
	char *s;
	size_t len, cap;
} text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void add(text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		while (t->len + (size_t)n + 1 > cap)
			cap *= 2;
		t->s = realloc(t->s, cap);
		assert_non_null(t->s);
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

static void add_agent(text *t, fixture *f, const char *id)
{
	rrd_agent *a = NULL;
	rrd_status rc = rrd_distributor_get_agent(f->dist, id, &a);
	if (rc) {
		add(t, "agent %s: %s\n", id, rrd_status_name(rc));
		return;
	}
	add(t, "agent %s active=%d paused=%d weight=%" PRId64 " cap_open=%" PRId64
	       " cap_day=%" PRId64 " calendar=%s partner=%s",
	    rrd_agent_id(a), rrd_agent_active(a), rrd_agent_paused(a), rrd_agent_weight(a),
	    rrd_agent_capacity_open(a), rrd_agent_capacity_per_day(a),
	    or_dash(rrd_agent_calendar(a)), or_dash(rrd_agent_partner(a)));
	double lat, lon;
	if (rrd_agent_location(a, &lat, &lon))
		add(t, " location=%.6f,%.6f", lat, lon);
	add(t, " types=");
	for (size_t i = 0; i < rrd_agent_type_count(a); i++)
		add(t, "%s%s", i ? "," : "", rrd_agent_type(a, i));
	add(t, " skills=");
	for (size_t i = 0; i < rrd_agent_skill_count(a); i++)
		add(t, "%s%s", i ? "," : "", rrd_agent_skill(a, i));
	add(t, " open=%" PRId64 " today=%" PRId64 " last=%" PRId64 "\n", rrd_agent_open_count(a),
	    rrd_agent_assigned_today(a), rrd_agent_last_assigned(a));
	rrd_agent_free(a);
}

static void add_pool(text *t, fixture *f, const char *id)
{
	rrd_pool *p = NULL;
	rrd_status rc = rrd_distributor_get_pool(f->dist, id, &p);
	if (rc) {
		add(t, "pool %s: %s\n", id, rrd_status_name(rc));
		return;
	}
	add(t, "pool %s kind=%s strategy=%d window=%" PRId64 " hours=%d drain=%d members=",
	    rrd_pool_id(p), or_dash(rrd_kind_name(rrd_pool_kind(p))), rrd_pool_strategy(p),
	    rrd_pool_claim_window(p), rrd_pool_respect_hours(p), rrd_pool_auto_drain(p));
	for (size_t i = 0; i < rrd_pool_member_count(p); i++)
		add(t, "%s%s", i ? "," : "", rrd_pool_member(p, i));
	rrd_pool_free(p);
	/* Explaining moves nothing, so it shows the strategy's state (the
	 * round robin cursor, weighted scores) without disturbing it. */
	rrd_pick *pick = NULL;
	rc = rrd_distributor_explain(f->dist, id, NULL, &pick);
	add(t, " explain=%s next=%s skipped=", rrd_status_name(rc), or_dash(rrd_pick_agent(pick)));
	for (size_t i = 0; i < rrd_pick_skipped_count(pick); i++) {
		const char *who = NULL;
		rrd_skip_reason why = 0;
		rrd_pick_skipped(pick, i, &who, &why);
		add(t, "%s%s:%s", i ? "," : "", who, or_dash(rrd_skip_reason_name(why)));
	}
	add(t, "\n");
	rrd_pick_free(pick);
}

static void add_record(text *t, fixture *f, const char *id)
{
	rrd_record *r = NULL;
	rrd_status rc = rrd_distributor_get_record(f->dist, id, &r);
	if (rc) {
		add(t, "record %s: %s\n", id, rrd_status_name(rc));
		return;
	}
	add(t, "record %s kind=%s status=%s owner=%s source=%s partner=%s follow_up=%s"
	       " created=%" PRId64 " reassigned=%" PRId64 " replaced_by=%s",
	    rrd_record_id(r), or_dash(rrd_kind_name(rrd_record_kind(r))),
	    or_dash(rrd_record_status_name(rrd_record_status_of(r))), or_dash(rrd_record_owner(r)),
	    or_dash(rrd_record_source(r)), or_dash(rrd_record_partner(r)),
	    or_dash(rrd_record_follow_up(r)), rrd_record_created_at(r),
	    rrd_record_reassigned_at(r), or_dash(rrd_record_replaced_by(r)));
	double lat, lon;
	if (rrd_record_location(r, &lat, &lon))
		add(t, " location=%.6f,%.6f", lat, lon);
	add(t, " attrs=");
	for (size_t i = 0; i < rrd_record_attr_count(r); i++) {
		const char *k = NULL, *v = NULL;
		rrd_record_attr_at(r, i, &k, &v);
		add(t, "%s%s=%s", i ? "," : "", k, v);
	}
	add(t, " roles=");
	for (size_t i = 0; i < rrd_record_role_count(r); i++) {
		const char *k = NULL, *v = NULL;
		rrd_record_role_at(r, i, &k, &v);
		add(t, "%s%s=%s", i ? "," : "", k, v);
	}
	add(t, "\n");
	rrd_record_free(r);
}

static void add_calendar(text *t, fixture *f, const char *id)
{
	rrd_calendar *c = NULL;
	rrd_status rc = rrd_distributor_get_calendar(f->dist, id, &c);
	if (rc) {
		add(t, "calendar %s: %s\n", id, rrd_status_name(rc));
		return;
	}
	add(t, "calendar %s zone=%s hours=", rrd_calendar_id(c), rrd_calendar_timezone(c));
	for (int d = RRD_MONDAY; d <= RRD_SUNDAY; d++) {
		for (size_t i = 0; i < rrd_calendar_hours_count(c, (rrd_weekday)d); i++) {
			int from = 0, to = 0;
			rrd_calendar_hours(c, (rrd_weekday)d, i, &from, &to);
			add(t, "%d:%d-%d;", d, from, to);
		}
	}
	add(t, " holidays=");
	for (size_t i = 0; i < rrd_calendar_holiday_count(c); i++) {
		int y = 0, m = 0, day = 0;
		rrd_calendar_holiday(c, i, &y, &m, &day);
		add(t, "%04d-%02d-%02d;", y, m, day);
	}
	add(t, "\n");
	rrd_calendar_free(c);
}

static void add_rule(text *t, fixture *f, size_t i)
{
	rrd_rule *u = NULL;
	rrd_status rc = rrd_distributor_get_rule(f->dist, i, &u);
	if (rc) {
		add(t, "rule #%zu: %s\n", i, rrd_status_name(rc));
		return;
	}
	add(t, "rule %s pool=%s kind=%d strategy=%d window=%" PRId64 " calendar=%s max_offers=%" PRId64
	       " hours=%d sources=",
	    rrd_rule_id(u), rrd_rule_pool(u), rrd_rule_kind(u), rrd_rule_strategy(u),
	    rrd_rule_claim_window(u), or_dash(rrd_rule_calendar(u)), rrd_rule_max_offers(u),
	    rrd_rule_respect_hours(u));
	for (size_t k = 0; k < rrd_rule_source_count(u); k++)
		add(t, "%s%s", k ? "," : "", rrd_rule_source(u, k));
	add(t, " attrs=");
	for (size_t k = 0; k < rrd_rule_attr_count(u); k++) {
		const char *key = NULL, *value = NULL;
		rrd_rule_attr(u, k, &key, &value);
		add(t, "%s%s=%s", k ? "," : "", key, value);
	}
	add(t, " skills=");
	for (size_t k = 0; k < rrd_rule_skill_count(u); k++)
		add(t, "%s%s", k ? "," : "", rrd_rule_skill(u, k));
	add(t, " overflow=");
	for (size_t k = 0; k < rrd_rule_overflow_count(u); k++)
		add(t, "%s%s", k ? "," : "", rrd_rule_overflow(u, k));
	add(t, "\n");
	rrd_rule_free(u);
}

static void add_queue(text *t, fixture *f)
{
	rrd_queue *q = NULL;
	rrd_status rc = rrd_distributor_queue(f->dist, &q);
	add(t, "queue %s %zu\n", rrd_status_name(rc), rrd_queue_count(q));
	for (size_t i = 0; i < rrd_queue_count(q); i++) {
		const char *record = NULL, *pool = NULL, *rule = NULL;
		rrd_queue_reason why = 0;
		rrd_time since = 0;
		rrd_queue_entry(q, i, &record, &why, &since, &pool, &rule);
		add(t, "queued %s reason=%s since=%" PRId64 " pool=%s rule=%s\n", record,
		    or_dash(rrd_queue_reason_name(why)), since, or_dash(pool), or_dash(rule));
	}
	rrd_queue_free(q);
}

char *snap_take(fixture *f, const snap_ids *ids)
{
	text t = { 0 };
	size_t n = rrd_distributor_agent_count(f->dist);
	add(&t, "agents %zu\n", n);
	for (size_t i = 0; i < n; i++) {
		char id[RRD_ID_MAX + 1];
		rrd_status rc = rrd_distributor_agent_at(f->dist, i, id, sizeof id);
		if (rc)
			add(&t, "agent #%zu: %s\n", i, rrd_status_name(rc));
		else
			add_agent(&t, f, id);
	}
	for (const char *const *p = ids ? ids->pools : NULL; p && *p; p++)
		add_pool(&t, f, *p);
	for (const char *const *p = ids ? ids->records : NULL; p && *p; p++)
		add_record(&t, f, *p);
	for (const char *const *p = ids ? ids->calendars : NULL; p && *p; p++)
		add_calendar(&t, f, *p);
	for (const char *const *p = ids ? ids->strategies : NULL; p && *p; p++) {
		rrd_strategy s = 0;
		rrd_status rc = rrd_distributor_strategy_parse(f->dist, *p, &s);
		add(&t, "strategy %s: %s %d\n", *p, rrd_status_name(rc), rc ? 0 : s);
	}
	size_t nrules = rrd_distributor_rule_count(f->dist);
	add(&t, "rules %zu\n", nrules);
	for (size_t i = 0; i < nrules; i++)
		add_rule(&t, f, i);
	add_queue(&t, f);
	rrd_time due = 0;
	rrd_status drc = rrd_distributor_next_deadline(f->dist, &due);
	add(&t, "next_deadline %s %" PRId64 "\n", rrd_status_name(drc), drc ? (rrd_time)0 : due);
	add(&t, "events %zu\n", f->nevents);
	for (size_t i = 0; i < f->nevents; i++)
		add(&t, "event %s\n", fix_event(f, i));
	return t.s;
}

/* Line `i` (from 0) of s, into buf. */
static void line_of(const char *s, size_t i, char *buf, size_t cap)
{
	while (i-- > 0 && s) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s || !*s) {
		snprintf(buf, cap, "(no such line)");
		return;
	}
	size_t n = strcspn(s, "\n");
	snprintf(buf, cap, "%.*s", (int)n, s);
}

int snap_compare(const char *before, const char *after, char *buf, size_t cap)
{
	if (strcmp(before, after) == 0)
		return 1;
	size_t line = 0;
	for (size_t i = 0; before[i] && before[i] == after[i]; i++)
		if (before[i] == '\n')
			line++;
	char b[1024], a[1024];
	line_of(before, line, b, sizeof b);
	line_of(after, line, a, sizeof a);
	snprintf(buf, cap, "first difference, line %zu:\n  before: %s\n  after:  %s", line + 1, b,
		 a);
	return 0;
}

int snap_same(const char *ctx, const char *before, const char *after)
{
	char diff[2200];
	if (snap_compare(before, after, diff, sizeof diff))
		return 1;
	print_error("%s\n  %s\n--- before ---\n%s--- after ---\n%s", ctx, diff, before, after);
	return 0;
}
