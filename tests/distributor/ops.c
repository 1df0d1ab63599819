/* The operations the fault drivers run (ops.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

/* The call, with the fault armed while it runs (and only then). */
#define ARMED(call) (ops_arm(), disarmed(call))

static rrd_status disarmed(rrd_status rc)
{
	ops_disarm();
	return rc;
}

/* An operation that is `helper` with these arguments. */
#define OP_WITH(name, helper, ...)                                \
	static rrd_status name(fixture *f, char *out, size_t cap) \
	{                                                         \
		return helper(f, __VA_ARGS__, out, cap);          \
	}

/* Outputs of a failed call must be left NULL, or the caller would free
 * or use something it was never given. */
static void no_output(rrd_status rc, const void *out, const char *what)
{
	if (rc != RRD_OK && out)
		ops_report("returned %s but handed out %s", rrd_status_name(rc), what);
}

/* ---- the distributor every run starts from -------------------------- */

static const char *const pool_ids[] = { "web", "wrr", "busy", "recent", "rand", "near",
					"cust", "asleep", "offers", "deals", "grab", "np", NULL };
static const char *const record_ids[] = { "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8",
					  "L9", "L10", "L11", "O1", "O2", "N1", "N2",
					  "N3", "N4", "L3-N", "L4-N", NULL };
static const char *const calendar_ids[] = { "office", "weekend", NULL };
static const char *const strategy_ids[] = { "first_free", "second", NULL };
const snap_ids ops_ids = { pool_ids, record_ids, calendar_ids, strategy_ids };

/* A host strategy with saved state: the first eligible member at or
 * after the saved position, which then moves past it. */
static int first_free(void *user, rrd_strategy_ctx *ctx, size_t *chosen)
{
	(void)user;
	const void *data = NULL;
	size_t len = 0, start = 0;
	if (rrd_strategy_ctx_state(ctx, &data, &len) == RRD_OK && len == sizeof(uint32_t)) {
		uint32_t v;
		memcpy(&v, data, sizeof v);
		start = v;
	}
	size_t n = rrd_strategy_ctx_member_count(ctx);
	for (size_t k = 0; k < n; k++) {
		size_t i = (start + k) % n;
		if (!rrd_strategy_ctx_eligible(ctx, i))
			continue;
		uint32_t next = (uint32_t)((i + 1) % n);
		rrd_status rc = rrd_strategy_ctx_set_state(ctx, &next, sizeof next);
		if (rc)
			return rc;
		*chosen = i;
		return RRD_OK;
	}
	return RRD_E_NO_ELIGIBLE;
}

static const rrd_strategy_methods first_free_methods = { RRD_STRATEGY_METHODS_VERSION,
							 first_free, NULL };

static void put_agent(fixture *f, const char *id, const char *calendar, double lat, double lon,
		      const char *type, int64_t weight, int paused)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	if (calendar)
		assert_int_equal(rrd_agent_set_calendar(a, calendar), RRD_OK);
	if (lat != 0 || lon != 0)
		assert_int_equal(rrd_agent_set_location(a, lat, lon), RRD_OK);
	if (type)
		assert_int_equal(rrd_agent_add_type(a, type), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, weight), RRD_OK);
	assert_int_equal(rrd_agent_set_paused(a, paused), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static rrd_calendar *office_hours(const char *id, int from, int to)
{
	rrd_calendar *c;
	assert_int_equal(rrd_calendar_new(&c, id, "America/New_York"), RRD_OK);
	for (int d = RRD_MONDAY; d <= RRD_FRIDAY; d++)
		assert_int_equal(rrd_calendar_add_hours(c, (rrd_weekday)d, from, to), RRD_OK);
	assert_int_equal(rrd_calendar_add_holiday(c, 2026, 12, 25), RRD_OK);
	return c;
}

static rrd_record *lead(const char *id, const char *source, double lat, double lon)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_source(r, source), RRD_OK);
	assert_int_equal(rrd_record_set_attr(r, "zip", "10001"), RRD_OK);
	if (lat != 0 || lon != 0)
		assert_int_equal(rrd_record_set_location(r, lat, lon), RRD_OK);
	return r;
}

void ops_submit(fixture *f, const char *id, const char *pool, const char *source, double lat,
		double lon)
{
	rrd_record *r = lead(id, source, lat, lon);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = pool;
	assert_int_equal(rrd_distributor_submit(f->dist, r, &o), RRD_OK);
	rrd_record_free(r);
}

static void import(fixture *f, const char *id, rrd_record_status st, const char *owner,
		   const char *bdc, double lat, double lon)
{
	rrd_record *r = lead(id, "web", lat, lon);
	assert_int_equal(rrd_record_set_status(r, st), RRD_OK);
	if (owner)
		assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
	if (bdc)
		assert_int_equal(rrd_record_set_role(r, "sales_bdc", bdc), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
}

static rrd_rule *rule(const char *id, const char *source, const char *pool, const char *overflow)
{
	rrd_rule *u;
	assert_int_equal(rrd_rule_new(&u, id, pool), RRD_OK);
	assert_int_equal(rrd_rule_add_source(u, source), RRD_OK);
	if (overflow)
		assert_int_equal(rrd_rule_add_overflow(u, overflow), RRD_OK);
	return u;
}

static void add_rule(fixture *f, rrd_rule *u)
{
	assert_int_equal(rrd_distributor_add_rule(f->dist, u), RRD_OK);
	rrd_rule_free(u);
}

/*
 * Agents A (office hours, closer, weight 3, New York), B (Boston, at
 * most 5 open), C, E (paused), F (closer, Philadelphia) and D (in no
 * pool); a pool for every strategy, with records already routed through
 * most of them so that each has state to keep; a queued, a claimed and
 * an imported record with a role. Rules send source "zillow" to a pool
 * where nobody is eligible and on to web, and source "offers" to a pool
 * with a claim window counted in office hours, where O1 is on offer; O2
 * is on offer in the piranha pool, where B declined it and A has not. Explaining is on, so
 * events carry whom each pick passed over.
 */
fixture *ops_prepare(rrd_store *store)
{
	fixture *f = store ? fix_new_on(store, 1) : fix_new(1);
	rrd_calendar *c = office_hours("office", 9 * 60, 17 * 60);
	assert_int_equal(rrd_distributor_put_calendar(f->dist, c), RRD_OK);
	rrd_calendar_free(c);
	put_agent(f, "A", "office", 40.7128, -74.0060, "closer", 3, 0);
	put_agent(f, "B", NULL, 42.3601, -71.0589, NULL, 1, 0);
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "B", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_open(a, 5), RRD_OK);
	assert_int_equal(rrd_agent_add_skill(a, "spanish"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	put_agent(f, "C", NULL, 0, 0, NULL, 1, 0);
	put_agent(f, "E", NULL, 0, 0, NULL, 1, 1);
	put_agent(f, "F", NULL, 39.9526, -75.1652, "closer", 2, 0);
	put_agent(f, "D", NULL, 0, 0, NULL, 1, 0);
	rrd_strategy custom;
	assert_int_equal(rrd_distributor_register_strategy(f->dist, "first_free", &first_free_methods,
							   NULL, &custom),
			 RRD_OK);
	fix_put_pool(f, fix_pool_of("web", RRD_KIND_LEAD, RRD_STRATEGY_ROUND_ROBIN,
					"A", "B", "E", "C", NULL));
	fix_put_pool(f, fix_pool_of("wrr", RRD_KIND_LEAD, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN,
					"A", "B", "C", NULL));
	fix_put_pool(f, fix_pool_of("busy", RRD_KIND_LEAD, RRD_STRATEGY_LEAST_BUSY,
					"A", "B", "E", "C", NULL));
	fix_put_pool(f, fix_pool_of("recent", RRD_KIND_LEAD, RRD_STRATEGY_LEAST_RECENT,
					"A", "B", "C", NULL));
	fix_put_pool(f, fix_pool_of("rand", RRD_KIND_LEAD, RRD_STRATEGY_RANDOM,
					"A", "B", "C", "F", NULL));
	fix_put_pool(f, fix_pool_of("near", RRD_KIND_LEAD, RRD_STRATEGY_NEAREST,
					"A", "B", "F", NULL));
	fix_put_pool(f, fix_pool_of("cust", RRD_KIND_LEAD, custom, "E", "A", "B", "C", NULL));
	fix_put_pool(f, fix_pool_of("asleep", RRD_KIND_LEAD, RRD_STRATEGY_ROUND_ROBIN, "E", NULL));
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "offers", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	for (const char *const *m = (const char *const[]){ "A", "B", "C", NULL }; *m; m++)
		assert_int_equal(rrd_pool_add_member(p, *m), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	fix_put_pool(f, fix_pool_of("deals", RRD_KIND_DEAL, RRD_STRATEGY_ROUND_ROBIN, "C", NULL));
	fix_put_pool(f, fix_pool_of("grab", RRD_KIND_LEAD, RRD_STRATEGY_PIRANHA, "A", "B", NULL));
	add_rule(f, rule("r-zillow", "zillow", "asleep", "web"));
	rrd_rule *u = rule("r-offers", "offers", "offers", NULL);
	assert_int_equal(rrd_rule_set_calendar(u, "office"), RRD_OK);
	assert_int_equal(rrd_rule_set_max_offers(u, 2), RRD_OK);
	add_rule(f, u);
	ops_submit(f, "L1", "web", "web", 0, 0);
	ops_submit(f, "L2", "web", "web", 0, 0);
	import(f, "L3", RRD_RECORD_QUEUED, NULL, NULL, 0, 0);
	import(f, "L4", RRD_RECORD_PENDING, "C", "B", 40.0, -74.5);
	import(f, "L5", RRD_RECORD_CLAIMED, "A", NULL, 0, 0);
	ops_submit(f, "L6", "wrr", "web", 0, 0);
	ops_submit(f, "L7", "busy", "web", 0, 0);
	ops_submit(f, "L8", "near", "web", 42.0, -71.5);
	ops_submit(f, "L9", "cust", "web", 0, 0);
	f->now += 5 * RRD_MINUTE;
	ops_submit(f, "L10", "recent", "web", 0, 0);
	ops_submit(f, "L11", "rand", "web", 0, 0);
	ops_submit(f, "O1", NULL, "offers", 0, 0);
	ops_submit(f, "O2", "grab", "web", 0, 0);
	assert_int_equal(rrd_distributor_decline(f->dist, "O2", "B"), RRD_OK);
	/* Job J1, for undo: L1 to F. */
	rrd_redistribution *rd;
	const char *l1[] = { "L1" }, *to[] = { "F" };
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_records(rd, l1, 1), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, to, 1), RRD_OK);
	assert_int_equal(rrd_distributor_redistribute(f->dist, rd, job, sizeof job), RRD_OK);
	assert_string_equal(job, "J1");
	rrd_redistribution_free(rd);
	return f;
}

/* ---- the operations ------------------------------------------------- */

/* Each runs one public call with the failure armed, describes what the
 * call handed back in `out`, and frees its inputs and outputs. */

static rrd_time fixed_clock(void *user)
{
	return ((const fixture *)user)->now;
}

/* armed_put_agent(f, a) and the like: put with the fault armed, then
 * free what was put. */
#define ARMED_PUT(what)                                                      \
	static rrd_status armed_put_##what(fixture *f, rrd_##what *x)        \
	{                                                                    \
		rrd_status rc = ARMED(rrd_distributor_put_##what(f->dist, x)); \
		rrd_##what##_free(x);                                        \
		return rc;                                                   \
	}
ARMED_PUT(agent)
ARMED_PUT(pool)
ARMED_PUT(calendar)
ARMED_PUT(record)

static rrd_status op_distributor_new(fixture *f, char *out, size_t cap)
{
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.clock = fixed_clock;
	o.clock_user = f;
	o.seed = 7;
	rrd_distributor *d = NULL;
	rrd_status rc = ARMED(rrd_distributor_new(&d, f->store, &o));
	no_output(rc, d, "a distributor");
	if (!rc) {
		/* The configuration it loaded, seen through it. */
		rrd_pick *p = NULL;
		rrd_status prc = rrd_distributor_explain(d, "web", NULL, &p);
		snprintf(out, cap, "agents=%zu explain(web)=%s:%s", rrd_distributor_agent_count(d),
			 rrd_status_name(prc), rrd_pick_agent(p) ? rrd_pick_agent(p) : "-");
		rrd_pick_free(p);
		rrd_distributor_free(d);
	}
	return rc;
}

static rrd_status op_put_agent_new(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "G"), RRD_OK);
	assert_int_equal(rrd_agent_set_calendar(a, "office"), RRD_OK);
	assert_int_equal(rrd_agent_set_partner(a, "north"), RRD_OK);
	assert_int_equal(rrd_agent_set_location(a, 41.0, -73.0), RRD_OK);
	assert_int_equal(rrd_agent_add_type(a, "closer"), RRD_OK);
	assert_int_equal(rrd_agent_add_skill(a, "spanish"), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, 5), RRD_OK);
	return armed_put_agent(f, a);
}

static rrd_status op_put_agent_update(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "B", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, 4), RRD_OK);
	assert_int_equal(rrd_agent_set_location(a, 40.0, -75.0), RRD_OK);
	assert_int_equal(rrd_agent_set_calendar(a, "office"), RRD_OK);
	assert_int_equal(rrd_agent_add_type(a, "closer"), RRD_OK);
	return armed_put_agent(f, a);
}

static rrd_status op_put_pool_new(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return armed_put_pool(f, fix_pool_of("np", RRD_KIND_LEAD, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN,
					     "C", "A", "B", NULL));
}

static rrd_status op_put_pool_replace(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_pool *p = fix_pool_of("web", RRD_KIND_LEAD, RRD_STRATEGY_ROUND_ROBIN, "C", "D", "A",
				  NULL);
	assert_int_equal(rrd_pool_set_respect_hours(p, 1), RRD_OK);
	return armed_put_pool(f, p);
}

static rrd_status member(fixture *f, const char *pool, const char *agent, int add, char *out,
			 size_t cap)
{
	(void)out;
	(void)cap;
	return ARMED(add ? rrd_distributor_pool_add_member(f->dist, pool, agent)
			 : rrd_distributor_pool_remove_member(f->dist, pool, agent));
}

OP_WITH(op_pool_add_member, member, "web", "D", 1)
OP_WITH(op_pool_add_member_least_busy, member, "busy", "D", 1)
OP_WITH(op_pool_remove_member, member, "web", "B", 0)

static rrd_status op_put_calendar_new(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_calendar *c;
	assert_int_equal(rrd_calendar_new(&c, "weekend", "Europe/Berlin"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(c, RRD_SATURDAY, 10 * 60, 14 * 60), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(c, RRD_SUNDAY, 12 * 60, 13 * 60), RRD_OK);
	return armed_put_calendar(f, c);
}

static rrd_status op_put_calendar_replace(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_calendar *c = office_hours("office", 8 * 60, 12 * 60);
	assert_int_equal(rrd_calendar_add_holiday(c, 2026, 7, 3), RRD_OK);
	return armed_put_calendar(f, c);
}

static rrd_status submit_n1(fixture *f, const char *pool, const char *source, double lat,
			    double lon, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_record *r = lead("N1", source, lat, lon);
	assert_int_equal(rrd_record_set_attr(r, "make", "volvo"), RRD_OK);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = pool;
	rrd_status rc = ARMED(rrd_distributor_submit(f->dist, r, &o));
	rrd_record_free(r);
	return rc;
}

#define SUBMIT_OP(name, pool, source, lat, lon) OP_WITH(name, submit_n1, pool, source, lat, lon)

SUBMIT_OP(op_submit_round_robin, "web", "web", 0, 0)
SUBMIT_OP(op_submit_weighted, "wrr", "web", 0, 0)
SUBMIT_OP(op_submit_least_busy, "busy", "web", 0, 0)
SUBMIT_OP(op_submit_least_recent, "recent", "web", 0, 0)
SUBMIT_OP(op_submit_random, "rand", "web", 0, 0)
SUBMIT_OP(op_submit_nearest, "near", "web", 40.5, -74.2)
SUBMIT_OP(op_submit_custom, "cust", "web", 0, 0)
SUBMIT_OP(op_submit_nobody_eligible, "asleep", "web", 0, 0)
SUBMIT_OP(op_submit_piranha, "grab", "web", 0, 0)
/* Routed by the rules: through a pool where nobody is eligible to its
 * overflow pool; to an offer with a deadline; and matching no rule. */
SUBMIT_OP(op_submit_routed_overflow, NULL, "zillow", 0, 0)
SUBMIT_OP(op_submit_routed_offer, NULL, "offers", 0, 0)
SUBMIT_OP(op_submit_routed_unmatched, NULL, "walk-in", 0, 0)

/* A batch routed three ways: to an overflow pool (twice, so the pool's
 * cursor moves twice in one transaction), to an offer, and to the queue
 * for want of a rule. */
static rrd_status op_submit_many(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	const rrd_record *batch[] = { lead("N1", "zillow", 0, 0), lead("N2", "offers", 0, 0),
				      lead("N3", "walk-in", 0, 0), lead("N4", "zillow", 0, 0) };
	size_t n = sizeof batch / sizeof *batch, failed = 0;
	rrd_status rc = ARMED(rrd_distributor_submit_many(f->dist, batch, n, NULL, &failed));
	if (rc == RRD_OK && failed != n)
		ops_report("succeeded with failed = %zu", failed);
	for (size_t i = 0; i < n; i++)
		rrd_record_free((rrd_record *)batch[i]);
	return rc;
}

static rrd_status op_add_rule(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_rule *u = rule("r-new", "new", "web", "busy");
	assert_int_equal(rrd_rule_add_attr(u, "zip", "10001"), RRD_OK);
	assert_int_equal(rrd_rule_add_skill(u, "spanish"), RRD_OK);
	rrd_status rc = ARMED(rrd_distributor_add_rule(f->dist, u));
	rrd_rule_free(u);
	return rc;
}

static rrd_status op_set_rules(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_rule *a = rule("r-a", "a", "wrr", "web");
	rrd_rule *b = rule("r-b", "b", "rand", NULL);
	assert_int_equal(rrd_rule_set_strategy(b, RRD_STRATEGY_LEAST_BUSY), RRD_OK);
	const rrd_rule *list[] = { a, b };
	rrd_status rc = ARMED(rrd_distributor_set_rules(f->dist, list, 2));
	rrd_rule_free(a);
	rrd_rule_free(b);
	return rc;
}

static rrd_status op_get_rule(fixture *f, char *out, size_t cap)
{
	rrd_rule *u = NULL;
	rrd_status rc = ARMED(rrd_distributor_get_rule(f->dist, 1, &u));
	no_output(rc, u, "a rule");
	if (!rc)
		snprintf(out, cap, "%s pool=%s calendar=%s max_offers=%lld", rrd_rule_id(u),
			 rrd_rule_pool(u), rrd_rule_calendar(u), (long long)rrd_rule_max_offers(u));
	rrd_rule_free(u);
	return rc;
}

static rrd_status op_put_record(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_record *r = lead("N2", "web", 41.5, -72.5);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, "B"), RRD_OK);
	assert_int_equal(rrd_record_set_role(r, "salesperson", "C"), RRD_OK);
	assert_int_equal(rrd_record_set_partner(r, "north"), RRD_OK);
	assert_int_equal(rrd_record_set_follow_up(r, "called"), RRD_OK);
	assert_int_equal(rrd_record_set_created_at(r, FIX_START - RRD_DAY), RRD_OK);
	return armed_put_record(f, r);
}

static rrd_status op_put_record_queued(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_record *r = lead("N2", "web", 0, 0);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_QUEUED), RRD_OK);
	return armed_put_record(f, r);
}

static rrd_status op_get_record(fixture *f, char *out, size_t cap)
{
	rrd_record *r = NULL;
	rrd_status rc = ARMED(rrd_distributor_get_record(f->dist, "L4", &r));
	no_output(rc, r, "a record");
	if (!rc) {
		char *json = NULL;
		assert_int_equal(rrd_record_to_json(r, &json), RRD_OK);
		snprintf(out, cap, "%s", json);
		rrd_free(json);
	}
	rrd_record_free(r);
	return rc;
}

static rrd_status claim(fixture *f, const char *record, const char *agent, char *out, size_t cap)
{
	rrd_claim_result res = (rrd_claim_result)-1;
	rrd_status rc = ARMED(rrd_distributor_claim(f->dist, record, agent, &res));
	if (!rc)
		snprintf(out, cap, "result=%d", (int)res);
	return rc;
}

OP_WITH(op_claim, claim, "L1", "A")

OP_WITH(op_claim_rejected, claim, "L1", "B")

OP_WITH(op_claim_offer, claim, "O1", "A")

OP_WITH(op_claim_piranha, claim, "O2", "A")

static rrd_status decline(fixture *f, const char *record, const char *agent, char *out,
			  size_t cap)
{
	(void)out;
	(void)cap;
	return ARMED(rrd_distributor_decline(f->dist, record, agent));
}

OP_WITH(op_decline, decline, "O1", "A")

/* The last live offer of a piranha pool: it goes round, to the queue. */
OP_WITH(op_decline_piranha, decline, "O2", "A")

/* The first deadline in the prepared distributor, found by the clean
 * run; a retry must advance to the same time, not to the deadline the
 * failed attempt may already have moved on to. */
static rrd_time advance_to;

void ops_reset(void)
{
	advance_to = 0;
}

/* Exactly one timer is due: O1's offer expires, and it is offered on. */
static rrd_status op_advance(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	if (!advance_to)
		assert_int_equal(rrd_distributor_next_deadline(f->dist, &advance_to), RRD_OK);
	f->now = advance_to;
	return ARMED(rrd_distributor_advance(f->dist, advance_to));
}

static rrd_status op_next_deadline(fixture *f, char *out, size_t cap)
{
	rrd_time due = 0;
	rrd_status rc = ARMED(rrd_distributor_next_deadline(f->dist, &due));
	if (!rc)
		snprintf(out, cap, "%lld", (long long)due);
	return rc;
}

static rrd_status op_queue(fixture *f, char *out, size_t cap)
{
	rrd_queue *q = NULL;
	rrd_status rc = ARMED(rrd_distributor_queue(f->dist, &q));
	no_output(rc, q, "a queue");
	int n = 0;
	for (size_t i = 0; !rc && i < rrd_queue_count(q) && n >= 0 && (size_t)n < cap; i++) {
		const char *record = NULL, *pool = NULL, *rule_id = NULL;
		rrd_queue_reason why = 0;
		rrd_time since = 0;
		assert_int_equal(rrd_queue_entry(q, i, &record, &why, &since, &pool, &rule_id), RRD_OK);
		n += snprintf(out + n, cap - (size_t)n, "%s:%d:%lld:%s:%s,", record, (int)why,
			      (long long)since, pool ? pool : "-", rule_id ? rule_id : "-");
	}
	rrd_queue_free(q);
	return rc;
}

static rrd_status op_assign(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
	o.integrations = 1;
	return ARMED(rrd_distributor_assign(f->dist, "L3", "C", &o));
}

static rrd_status queue_record(fixture *f, const char *record, int force, char *out,
			       size_t cap)
{
	(void)out;
	(void)cap;
	rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
	o.force = force;
	return ARMED(rrd_distributor_queue_record(f->dist, record, &o));
}

OP_WITH(op_queue_record, queue_record, "L4", 0)

OP_WITH(op_queue_record_queued, queue_record, "L3", 0)

OP_WITH(op_queue_record_forced, queue_record, "O1", 1)

static rrd_status op_reassign_to_pool(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return ARMED(rrd_distributor_reassign_to_pool(f->dist, "L2", "web", NULL));
}

static rrd_status op_reassign_to_agent(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return ARMED(rrd_distributor_reassign_to_agent(f->dist, "L2", "C", NULL));
}

static rrd_status op_reassign_to_nearest(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	const char *types[] = { "closer" };
	return ARMED(rrd_distributor_reassign_to_nearest(f->dist, "L4", types, 1, NULL));
}

static rrd_status op_transfer(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
	o.integrations = 1;
	return ARMED(rrd_distributor_transfer(f->dist, "L4", "north", "A", "L4-N", &o));
}

static rrd_status op_transfer_queued(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return ARMED(rrd_distributor_transfer(f->dist, "L3", "north", "B", "L3-N", NULL));
}

static rrd_status op_set_follow_up(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	const char *leads[] = { "L1", "L2", "L5" };
	return ARMED(rrd_distributor_set_follow_up(f->dist, leads, 3, "called"));
}

/* B's sales_bdc records (L4) to the closers. */
static rrd_redistribution *bdc_to_closers(void)
{
	rrd_redistribution *rd;
	const char *roles[] = { "sales_bdc" }, *types[] = { "closer" };
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, "B", roles, 1), RRD_OK);
	assert_int_equal(rrd_redistribution_to_types(rd, types, 1), RRD_OK);
	return rd;
}

/* The preview of `rd` (freed): its totals and each target's count. */
static rrd_status preview(fixture *f, rrd_redistribution *rd, char *out, size_t cap)
{
	rrd_plan *plan = NULL;
	rrd_status rc = ARMED(rrd_distributor_preview(f->dist, rd, &plan));
	no_output(rc, plan, "a plan");
	if (!rc) {
		int n = snprintf(out, cap, "total=%lld held=%lld", (long long)rrd_plan_total(plan),
				 (long long)rrd_plan_held(plan));
		for (size_t i = 0; n >= 0 && (size_t)n < cap && i < rrd_plan_target_count(plan); i++) {
			const char *a = NULL;
			int64_t k = -1;
			rrd_plan_target(plan, i, &a, &k);
			n += snprintf(out + n, cap - (size_t)n, " %s=%lld", a, (long long)k);
		}
	}
	rrd_plan_free(plan);
	rrd_redistribution_free(rd);
	return rc;
}

static rrd_status op_preview(fixture *f, char *out, size_t cap)
{
	return preview(f, bdc_to_closers(), out, cap);
}

static rrd_status run_job(fixture *f, rrd_redistribution *rd, char *out, size_t cap)
{
	char job[RRD_JOB_ID_MAX + 1] = "unset";
	rrd_status rc = ARMED(rrd_distributor_redistribute(f->dist, rd, job, sizeof job));
	if (rc && job[0])
		ops_report("returned %s but named job %s", rrd_status_name(rc), job);
	snprintf(out, cap, "job=%s", job);
	rrd_redistribution_free(rd);
	return rc;
}

static rrd_status op_redistribute_roles(fixture *f, char *out, size_t cap)
{
	return run_job(f, bdc_to_closers(), out, cap);
}

static rrd_status op_redistribute_filter(fixture *f, char *out, size_t cap)
{
	rrd_redistribution *rd;
	const char *types[] = { "closer" };
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_filter_status(rd, RRD_RECORD_QUEUED), RRD_OK);
	assert_int_equal(rrd_redistribution_filter_kind(rd, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_redistribution_to_types(rd, types, 1), RRD_OK);
	return run_job(f, rd, out, cap);
}

/* A's records (L2, L5 and what the prepared submits gave it), read from
 * the index of records by owner, to C and F. */
static rrd_redistribution *a_to_c_and_f(void)
{
	rrd_redistribution *rd;
	const char *to[] = { "C", "F" };
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, "A", NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, to, 2), RRD_OK);
	return rd;
}

static rrd_status op_preview_agent(fixture *f, char *out, size_t cap)
{
	return preview(f, a_to_c_and_f(), out, cap);
}

static rrd_status op_redistribute_agent(fixture *f, char *out, size_t cap)
{
	return run_job(f, a_to_c_and_f(), out, cap);
}

/* B's leads: the index names them, and each is read for its kind. */
static rrd_status op_redistribute_owner(fixture *f, char *out, size_t cap)
{
	rrd_redistribution *rd;
	const char *to[] = { "F" };
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_filter_owner(rd, "B"), RRD_OK);
	assert_int_equal(rrd_redistribution_filter_kind(rd, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, to, 1), RRD_OK);
	return run_job(f, rd, out, cap);
}

static rrd_status op_undo(fixture *f, char *out, size_t cap)
{
	int64_t restored = -1;
	rrd_status rc = ARMED(rrd_distributor_undo(f->dist, "J1", &restored));
	snprintf(out, cap, "restored=%lld", (long long)restored);
	return rc;
}

static void describe_pick(rrd_status rc, rrd_pick *p, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s agent=%s pool=%s strategy=%d skipped=", rrd_status_name(rc),
			 rrd_pick_agent(p) ? rrd_pick_agent(p) : "-",
			 rrd_pick_pool(p) ? rrd_pick_pool(p) : "-", rrd_pick_strategy(p));
	for (size_t i = 0; i < rrd_pick_skipped_count(p) && n > 0 && (size_t)n < cap; i++) {
		const char *who = NULL;
		rrd_skip_reason why = 0;
		rrd_pick_skipped(p, i, &who, &why);
		n += snprintf(out + n, cap - (size_t)n, "%s:%d,", who, (int)why);
	}
}

static rrd_status pick(fixture *f, const char *pool, int dry, char *out, size_t cap)
{
	rrd_pick *p = NULL;
	rrd_status rc = ARMED(dry ? rrd_distributor_explain(f->dist, pool, NULL, &p)
			    : rrd_distributor_next_agent(f->dist, pool, NULL, &p));
	no_output(rc, p, "a pick");
	if (!rc)
		describe_pick(rc, p, out, cap);
	rrd_pick_free(p);
	return rc;
}

OP_WITH(op_next_agent, pick, "web", 0)

OP_WITH(op_next_agent_weighted, pick, "wrr", 0)

OP_WITH(op_next_agent_least_busy, pick, "busy", 0)

OP_WITH(op_next_agent_random, pick, "rand", 0)

OP_WITH(op_next_agent_custom, pick, "cust", 0)

OP_WITH(op_explain, pick, "web", 1)

OP_WITH(op_explain_least_recent, pick, "recent", 1)

static rrd_status op_register_strategy(fixture *f, char *out, size_t cap)
{
	rrd_strategy s = -1;
	rrd_status rc = ARMED(rrd_distributor_register_strategy(f->dist, "second", &first_free_methods,
								  NULL, &s));
	if (!rc)
		snprintf(out, cap, "id=%d", s);
	return rc;
}

static rrd_status op_get_agent(fixture *f, char *out, size_t cap)
{
	rrd_agent *a = NULL;
	rrd_status rc = ARMED(rrd_distributor_get_agent(f->dist, "A", &a));
	no_output(rc, a, "an agent");
	if (!rc)
		snprintf(out, cap, "%s open=%lld today=%lld last=%lld types=%zu cal=%s",
			 rrd_agent_id(a), (long long)rrd_agent_open_count(a),
			 (long long)rrd_agent_assigned_today(a), (long long)rrd_agent_last_assigned(a),
			 rrd_agent_type_count(a), rrd_agent_calendar(a));
	rrd_agent_free(a);
	return rc;
}

static rrd_status op_get_pool(fixture *f, char *out, size_t cap)
{
	rrd_pool *p = NULL;
	rrd_status rc = ARMED(rrd_distributor_get_pool(f->dist, "web", &p));
	no_output(rc, p, "a pool");
	if (!rc) {
		int n = snprintf(out, cap, "%s strategy=%d members=", rrd_pool_id(p),
				 rrd_pool_strategy(p));
		for (size_t i = 0; i < rrd_pool_member_count(p) && n > 0 && (size_t)n < cap; i++)
			n += snprintf(out + n, cap - (size_t)n, "%s,", rrd_pool_member(p, i));
	}
	rrd_pool_free(p);
	return rc;
}

static rrd_status op_get_calendar(fixture *f, char *out, size_t cap)
{
	rrd_calendar *c = NULL;
	rrd_status rc = ARMED(rrd_distributor_get_calendar(f->dist, "office", &c));
	no_output(rc, c, "a calendar");
	if (!rc)
		snprintf(out, cap, "%s %s monday=%zu holidays=%zu", rrd_calendar_id(c),
			 rrd_calendar_timezone(c), rrd_calendar_hours_count(c, RRD_MONDAY),
			 rrd_calendar_holiday_count(c));
	rrd_calendar_free(c);
	return rc;
}

/* A document that adds a calendar and a pool of the host's strategy,
 * changes an agent's weight and replaces the rules. */
static const char config_doc[] =
	"{\"format\":\"rrdist-config/1\","
	"\"calendars\":[{\"id\":\"weekend\",\"timezone\":\"Europe/Berlin\","
	"  \"hours\":{\"sat\":[[\"10:00\",\"14:00\"]]}}],"
	"\"agents\":[{\"id\":\"B\",\"weight\":4,\"capacity\":{\"open\":5}}],"
	"\"pools\":[{\"id\":\"np\",\"kind\":\"lead\",\"strategy\":\"first_free\","
	"  \"members\":[\"C\",\"A\"]}],"
	"\"rules\":[{\"id\":\"r-zillow\",\"match\":{\"source\":[\"zillow\"]},"
	"  \"pool\":\"np\",\"overflow\":[\"web\"]}]}";

static rrd_status op_load_config(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return ARMED(rrd_distributor_load_config(f->dist, config_doc, sizeof config_doc - 1));
}

static rrd_status op_save_config(fixture *f, char *out, size_t cap)
{
	char *text = NULL;
	rrd_status rc = ARMED(rrd_distributor_save_config(f->dist, &text));
	no_output(rc, text, "a document");
	if (!rc)
		snprintf(out, cap, "%s", text);
	rrd_free(text);
	return rc;
}

static rrd_status op_agent_at(fixture *f, char *out, size_t cap)
{
	char id[RRD_ID_MAX + 1] = "";
	rrd_status rc = ARMED(rrd_distributor_agent_at(f->dist, 2, id, sizeof id));
	snprintf(out, cap, "%s", id);
	return rc;
}

#define OP(fn) { #fn + 3, fn, 0, 0 }
#define READ(fn) { #fn + 3, fn, 0, 1 }

const op ops[] = {
	READ(op_distributor_new),
	OP(op_put_agent_new),
	OP(op_put_agent_update),
	OP(op_put_pool_new),
	OP(op_put_pool_replace),
	OP(op_pool_add_member),
	OP(op_pool_add_member_least_busy),
	OP(op_pool_remove_member),
	OP(op_put_calendar_new),
	OP(op_put_calendar_replace),
	OP(op_submit_round_robin),
	OP(op_submit_weighted),
	OP(op_submit_least_busy),
	OP(op_submit_least_recent),
	OP(op_submit_random),
	OP(op_submit_nearest),
	OP(op_submit_custom),
	OP(op_submit_nobody_eligible),
	OP(op_submit_piranha),
	OP(op_submit_routed_overflow),
	OP(op_submit_routed_offer),
	OP(op_submit_routed_unmatched),
	OP(op_submit_many),
	OP(op_add_rule),
	OP(op_set_rules),
	READ(op_get_rule),
	OP(op_put_record),
	OP(op_put_record_queued),
	READ(op_get_record),
	OP(op_claim),
	OP(op_claim_rejected),
	OP(op_claim_offer),
	OP(op_claim_piranha),
	OP(op_decline),
	OP(op_decline_piranha),
	{ "advance", op_advance, 1, 0 },
	READ(op_next_deadline),
	READ(op_queue),
	OP(op_assign),
	OP(op_queue_record),
	OP(op_queue_record_queued),
	OP(op_queue_record_forced),
	OP(op_reassign_to_pool),
	OP(op_reassign_to_agent),
	OP(op_reassign_to_nearest),
	OP(op_transfer),
	OP(op_transfer_queued),
	OP(op_set_follow_up),
	READ(op_preview),
	OP(op_redistribute_roles),
	OP(op_redistribute_filter),
	READ(op_preview_agent),
	OP(op_redistribute_agent),
	OP(op_redistribute_owner),
	OP(op_undo),
	OP(op_next_agent),
	OP(op_next_agent_weighted),
	READ(op_next_agent_least_busy),
	OP(op_next_agent_random),
	OP(op_next_agent_custom),
	READ(op_explain),
	READ(op_explain_least_recent),
	OP(op_register_strategy),
	READ(op_get_agent),
	READ(op_get_pool),
	READ(op_get_calendar),
	OP(op_load_config),
	READ(op_save_config),
	READ(op_agent_at),
};

const size_t ops_count = sizeof ops / sizeof *ops;
