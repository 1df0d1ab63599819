/*
 * Running out of memory: each public operation, run with its Nth
 * allocation failed for N = 1, 2, ... until it makes fewer than N, must
 * return RRD_E_NOMEM (or succeed), change nothing, emit nothing and leak
 * nothing; and run again without the failure, it must do exactly what it
 * does on a distributor that never saw one. A counter change that finds
 * no memory to be listed for the caches that mirror counters must still
 * reach them (counter_change_without_memory_for_the_list).
 *
 * Every run starts from a freshly built distributor, so runs cannot
 * disturb each other. cJSON and ICU allocate with their own allocators;
 * only the library's own allocations are failed and counted.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "snapshot.h"

/* ---- the counting allocator ----------------------------------------- */

typedef struct counting {
	long requests; /* made while armed */
	long fail_at;  /* the request to refuse; 0: disarmed */
	long failures; /* requests refused */
	long live;     /* blocks handed out and not freed */
} counting;

static counting ctl;

static int refuse(void)
{
	if (!ctl.fail_at)
		return 0;
	if (++ctl.requests == ctl.fail_at) {
		ctl.failures++;
		return 1;
	}
	return 0;
}

static void *c_malloc(size_t size, void *user)
{
	(void)user;
	if (refuse())
		return NULL;
	void *p = malloc(size);
	if (p)
		ctl.live++;
	return p;
}

static void *c_realloc(void *ptr, size_t size, void *user)
{
	(void)user;
	if (refuse())
		return NULL;
	void *p = realloc(ptr, size);
	if (p && !ptr)
		ctl.live++;
	return p;
}

static void c_free(void *ptr, void *user)
{
	(void)user;
	if (ptr) {
		ctl.live--;
		free(ptr);
	}
}

/* The N of the current run; 0 for a run without failures. */
static long fail_n;

/* Operations call these around their one library call, so that building
 * their inputs and reading their outputs is never failed. */
static void arm(void)
{
	ctl.requests = 0;
	ctl.failures = 0;
	ctl.fail_at = fail_n;
}

static void disarm(void)
{
	ctl.fail_at = 0;
}

/* ---- reporting ------------------------------------------------------ */

static const char *op_name;
static int op_failures;

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void report(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	print_error("%s: N=%ld: %s\n", op_name, fail_n, msg);
	op_failures++;
}

/* Outputs of a failed call must be left NULL, or the caller would free
 * or use something it was never given. */
static void no_output(rrd_status rc, const void *out, const char *what)
{
	if (rc != RRD_OK && out)
		report("returned %s but handed out %s", rrd_status_name(rc), what);
}

/* ---- the distributor every run starts from -------------------------- */

static const char *const pool_ids[] = { "web", "wrr", "busy", "recent", "rand", "near",
					"cust", "asleep", "offers", "deals", "grab", "np", NULL };
static const char *const record_ids[] = { "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8",
					  "L9", "L10", "L11", "O1", "O2", "N1", "N2",
					  "N3", "N4", "L3-N", "L4-N", NULL };
static const char *const calendar_ids[] = { "office", "weekend", NULL };
static const char *const strategy_ids[] = { "first_free", "second", NULL };
static const snap_ids ids = { pool_ids, record_ids, calendar_ids, strategy_ids };

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

static void put_pool(fixture *f, const char *id, rrd_kind kind, rrd_strategy s, ...)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, kind), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, s), RRD_OK);
	va_list ap;
	va_start(ap, s);
	const char *m;
	while ((m = va_arg(ap, const char *)))
		assert_int_equal(rrd_pool_add_member(p, m), RRD_OK);
	va_end(ap);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
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

static void submit(fixture *f, const char *id, const char *pool, const char *source, double lat,
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
static fixture *prepare(void)
{
	fixture *f = fix_new(1);
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
	put_pool(f, "web", RRD_KIND_LEAD, RRD_STRATEGY_ROUND_ROBIN, "A", "B", "E", "C", NULL);
	put_pool(f, "wrr", RRD_KIND_LEAD, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, "A", "B", "C", NULL);
	put_pool(f, "busy", RRD_KIND_LEAD, RRD_STRATEGY_LEAST_BUSY, "A", "B", "E", "C", NULL);
	put_pool(f, "recent", RRD_KIND_LEAD, RRD_STRATEGY_LEAST_RECENT, "A", "B", "C", NULL);
	put_pool(f, "rand", RRD_KIND_LEAD, RRD_STRATEGY_RANDOM, "A", "B", "C", "F", NULL);
	put_pool(f, "near", RRD_KIND_LEAD, RRD_STRATEGY_NEAREST, "A", "B", "F", NULL);
	put_pool(f, "cust", RRD_KIND_LEAD, custom, "E", "A", "B", "C", NULL);
	put_pool(f, "asleep", RRD_KIND_LEAD, RRD_STRATEGY_ROUND_ROBIN, "E", NULL);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "offers", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	for (const char *const *m = (const char *const[]){ "A", "B", "C", NULL }; *m; m++)
		assert_int_equal(rrd_pool_add_member(p, *m), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	put_pool(f, "deals", RRD_KIND_DEAL, RRD_STRATEGY_ROUND_ROBIN, "C", NULL);
	put_pool(f, "grab", RRD_KIND_LEAD, RRD_STRATEGY_PIRANHA, "A", "B", NULL);
	add_rule(f, rule("r-zillow", "zillow", "asleep", "web"));
	rrd_rule *u = rule("r-offers", "offers", "offers", NULL);
	assert_int_equal(rrd_rule_set_calendar(u, "office"), RRD_OK);
	assert_int_equal(rrd_rule_set_max_offers(u, 2), RRD_OK);
	add_rule(f, u);
	submit(f, "L1", "web", "web", 0, 0);
	submit(f, "L2", "web", "web", 0, 0);
	import(f, "L3", RRD_RECORD_QUEUED, NULL, NULL, 0, 0);
	import(f, "L4", RRD_RECORD_PENDING, "C", "B", 40.0, -74.5);
	import(f, "L5", RRD_RECORD_CLAIMED, "A", NULL, 0, 0);
	submit(f, "L6", "wrr", "web", 0, 0);
	submit(f, "L7", "busy", "web", 0, 0);
	submit(f, "L8", "near", "web", 42.0, -71.5);
	submit(f, "L9", "cust", "web", 0, 0);
	f->now += 5 * RRD_MINUTE;
	submit(f, "L10", "recent", "web", 0, 0);
	submit(f, "L11", "rand", "web", 0, 0);
	submit(f, "O1", NULL, "offers", 0, 0);
	submit(f, "O2", "grab", "web", 0, 0);
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
typedef rrd_status (*op_fn)(fixture *f, char *out, size_t cap);

static rrd_time fixed_clock(void *user)
{
	return ((const fixture *)user)->now;
}

static rrd_status op_distributor_new(fixture *f, char *out, size_t cap)
{
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.clock = fixed_clock;
	o.clock_user = f;
	o.seed = 7;
	rrd_distributor *d = NULL;
	arm();
	rrd_status rc = rrd_distributor_new(&d, f->store, &o);
	disarm();
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
	arm();
	rrd_status rc = rrd_distributor_put_agent(f->dist, a);
	disarm();
	rrd_agent_free(a);
	return rc;
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
	arm();
	rrd_status rc = rrd_distributor_put_agent(f->dist, a);
	disarm();
	rrd_agent_free(a);
	return rc;
}

static rrd_status op_put_pool_new(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "np", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "C"), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "B"), RRD_OK);
	arm();
	rrd_status rc = rrd_distributor_put_pool(f->dist, p);
	disarm();
	rrd_pool_free(p);
	return rc;
}

static rrd_status op_put_pool_replace(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "C"), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "D"), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	assert_int_equal(rrd_pool_set_respect_hours(p, 1), RRD_OK);
	arm();
	rrd_status rc = rrd_distributor_put_pool(f->dist, p);
	disarm();
	rrd_pool_free(p);
	return rc;
}

static rrd_status op_pool_add_member(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	arm();
	rrd_status rc = rrd_distributor_pool_add_member(f->dist, "web", "D");
	disarm();
	return rc;
}

static rrd_status op_pool_add_member_least_busy(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	arm();
	rrd_status rc = rrd_distributor_pool_add_member(f->dist, "busy", "D");
	disarm();
	return rc;
}

static rrd_status op_pool_remove_member(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	arm();
	rrd_status rc = rrd_distributor_pool_remove_member(f->dist, "web", "B");
	disarm();
	return rc;
}

static rrd_status op_put_calendar_new(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_calendar *c;
	assert_int_equal(rrd_calendar_new(&c, "weekend", "Europe/Berlin"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(c, RRD_SATURDAY, 10 * 60, 14 * 60), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(c, RRD_SUNDAY, 12 * 60, 13 * 60), RRD_OK);
	arm();
	rrd_status rc = rrd_distributor_put_calendar(f->dist, c);
	disarm();
	rrd_calendar_free(c);
	return rc;
}

static rrd_status op_put_calendar_replace(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_calendar *c = office_hours("office", 8 * 60, 12 * 60);
	assert_int_equal(rrd_calendar_add_holiday(c, 2026, 7, 3), RRD_OK);
	arm();
	rrd_status rc = rrd_distributor_put_calendar(f->dist, c);
	disarm();
	rrd_calendar_free(c);
	return rc;
}

static rrd_status submit_n1(fixture *f, const char *pool, const char *source, double lat,
			    double lon)
{
	rrd_record *r = lead("N1", source, lat, lon);
	assert_int_equal(rrd_record_set_attr(r, "make", "volvo"), RRD_OK);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = pool;
	arm();
	rrd_status rc = rrd_distributor_submit(f->dist, r, &o);
	disarm();
	rrd_record_free(r);
	return rc;
}

#define SUBMIT_OP(name, pool, source, lat, lon)                           \
	static rrd_status name(fixture *f, char *out, size_t cap)         \
	{                                                                 \
		(void)out;                                                \
		(void)cap;                                                \
		return submit_n1(f, pool, source, lat, lon);              \
	}

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
	arm();
	rrd_status rc = rrd_distributor_submit_many(f->dist, batch, n, NULL, &failed);
	disarm();
	if (rc == RRD_OK && failed != n)
		report("succeeded with failed = %zu", failed);
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
	arm();
	rrd_status rc = rrd_distributor_add_rule(f->dist, u);
	disarm();
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
	arm();
	rrd_status rc = rrd_distributor_set_rules(f->dist, list, 2);
	disarm();
	rrd_rule_free(a);
	rrd_rule_free(b);
	return rc;
}

static rrd_status op_get_rule(fixture *f, char *out, size_t cap)
{
	rrd_rule *u = NULL;
	arm();
	rrd_status rc = rrd_distributor_get_rule(f->dist, 1, &u);
	disarm();
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
	arm();
	rrd_status rc = rrd_distributor_put_record(f->dist, r);
	disarm();
	rrd_record_free(r);
	return rc;
}

static rrd_status op_put_record_queued(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_record *r = lead("N2", "web", 0, 0);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_QUEUED), RRD_OK);
	arm();
	rrd_status rc = rrd_distributor_put_record(f->dist, r);
	disarm();
	rrd_record_free(r);
	return rc;
}

static rrd_status op_get_record(fixture *f, char *out, size_t cap)
{
	rrd_record *r = NULL;
	arm();
	rrd_status rc = rrd_distributor_get_record(f->dist, "L4", &r);
	disarm();
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
	arm();
	rrd_status rc = rrd_distributor_claim(f->dist, record, agent, &res);
	disarm();
	if (!rc)
		snprintf(out, cap, "result=%d", (int)res);
	return rc;
}

static rrd_status op_claim(fixture *f, char *out, size_t cap)
{
	return claim(f, "L1", "A", out, cap);
}

static rrd_status op_claim_rejected(fixture *f, char *out, size_t cap)
{
	return claim(f, "L1", "B", out, cap);
}

static rrd_status op_claim_offer(fixture *f, char *out, size_t cap)
{
	return claim(f, "O1", "A", out, cap);
}

static rrd_status op_claim_piranha(fixture *f, char *out, size_t cap)
{
	return claim(f, "O2", "A", out, cap);
}

static rrd_status decline(fixture *f, const char *record, const char *agent)
{
	arm();
	rrd_status rc = rrd_distributor_decline(f->dist, record, agent);
	disarm();
	return rc;
}

static rrd_status op_decline(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return decline(f, "O1", "A");
}

/* The last live offer of a piranha pool: it goes round, to the queue. */
static rrd_status op_decline_piranha(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return decline(f, "O2", "A");
}

/* The first deadline in the prepared distributor, found by the clean
 * run; a retry must advance to the same time, not to the deadline the
 * failed attempt may already have moved on to. */
static rrd_time advance_to;

/* Exactly one timer is due: O1's offer expires, and it is offered on. */
static rrd_status op_advance(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	if (!advance_to)
		assert_int_equal(rrd_distributor_next_deadline(f->dist, &advance_to), RRD_OK);
	f->now = advance_to;
	arm();
	rrd_status rc = rrd_distributor_advance(f->dist, advance_to);
	disarm();
	return rc;
}

static rrd_status op_next_deadline(fixture *f, char *out, size_t cap)
{
	rrd_time due = 0;
	arm();
	rrd_status rc = rrd_distributor_next_deadline(f->dist, &due);
	disarm();
	if (!rc)
		snprintf(out, cap, "%lld", (long long)due);
	return rc;
}

static rrd_status op_queue(fixture *f, char *out, size_t cap)
{
	rrd_queue *q = NULL;
	arm();
	rrd_status rc = rrd_distributor_queue(f->dist, &q);
	disarm();
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
	arm();
	rrd_status rc = rrd_distributor_assign(f->dist, "L3", "C", &o);
	disarm();
	return rc;
}

static rrd_status queue_record(fixture *f, const char *record, int force)
{
	rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
	o.force = force;
	arm();
	rrd_status rc = rrd_distributor_queue_record(f->dist, record, &o);
	disarm();
	return rc;
}

static rrd_status op_queue_record(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return queue_record(f, "L4", 0);
}

static rrd_status op_queue_record_queued(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return queue_record(f, "L3", 0);
}

static rrd_status op_queue_record_forced(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return queue_record(f, "O1", 1);
}

static rrd_status op_reassign_to_pool(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	arm();
	rrd_status rc = rrd_distributor_reassign_to_pool(f->dist, "L2", "web", NULL);
	disarm();
	return rc;
}

static rrd_status op_reassign_to_nearest(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	const char *types[] = { "closer" };
	arm();
	rrd_status rc = rrd_distributor_reassign_to_nearest(f->dist, "L4", types, 1, NULL);
	disarm();
	return rc;
}

static rrd_status op_transfer(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
	o.integrations = 1;
	arm();
	rrd_status rc = rrd_distributor_transfer(f->dist, "L4", "north", "A", "L4-N", &o);
	disarm();
	return rc;
}

static rrd_status op_transfer_queued(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	arm();
	rrd_status rc = rrd_distributor_transfer(f->dist, "L3", "north", "B", "L3-N", NULL);
	disarm();
	return rc;
}

static rrd_status op_set_follow_up(fixture *f, char *out, size_t cap)
{
	(void)out;
	(void)cap;
	const char *leads[] = { "L1", "L2", "L5" };
	arm();
	rrd_status rc = rrd_distributor_set_follow_up(f->dist, leads, 3, "called");
	disarm();
	return rc;
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

static rrd_status op_preview(fixture *f, char *out, size_t cap)
{
	rrd_redistribution *rd = bdc_to_closers();
	rrd_plan *plan = NULL;
	arm();
	rrd_status rc = rrd_distributor_preview(f->dist, rd, &plan);
	disarm();
	no_output(rc, plan, "a plan");
	if (!rc) {
		const char *a0 = NULL, *a1 = NULL;
		int64_t n0 = -1, n1 = -1;
		rrd_plan_target(plan, 0, &a0, &n0);
		rrd_plan_target(plan, 1, &a1, &n1);
		snprintf(out, cap, "total=%lld held=%lld %s=%lld %s=%lld",
			 (long long)rrd_plan_total(plan), (long long)rrd_plan_held(plan), a0,
			 (long long)n0, a1, (long long)n1);
	}
	rrd_plan_free(plan);
	rrd_redistribution_free(rd);
	return rc;
}

static rrd_status run_job(fixture *f, rrd_redistribution *rd, char *out, size_t cap)
{
	char job[RRD_JOB_ID_MAX + 1] = "unset";
	arm();
	rrd_status rc = rrd_distributor_redistribute(f->dist, rd, job, sizeof job);
	disarm();
	if (rc && job[0])
		report("returned %s but named job %s", rrd_status_name(rc), job);
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

static rrd_status op_undo(fixture *f, char *out, size_t cap)
{
	int64_t restored = -1;
	arm();
	rrd_status rc = rrd_distributor_undo(f->dist, "J1", &restored);
	disarm();
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
	arm();
	rrd_status rc = dry ? rrd_distributor_explain(f->dist, pool, NULL, &p)
			    : rrd_distributor_next_agent(f->dist, pool, NULL, &p);
	disarm();
	no_output(rc, p, "a pick");
	if (!rc)
		describe_pick(rc, p, out, cap);
	rrd_pick_free(p);
	return rc;
}

static rrd_status op_next_agent(fixture *f, char *out, size_t cap)
{
	return pick(f, "web", 0, out, cap);
}

static rrd_status op_next_agent_weighted(fixture *f, char *out, size_t cap)
{
	return pick(f, "wrr", 0, out, cap);
}

static rrd_status op_next_agent_least_busy(fixture *f, char *out, size_t cap)
{
	return pick(f, "busy", 0, out, cap);
}

static rrd_status op_next_agent_random(fixture *f, char *out, size_t cap)
{
	return pick(f, "rand", 0, out, cap);
}

static rrd_status op_next_agent_custom(fixture *f, char *out, size_t cap)
{
	return pick(f, "cust", 0, out, cap);
}

static rrd_status op_explain(fixture *f, char *out, size_t cap)
{
	return pick(f, "web", 1, out, cap);
}

static rrd_status op_explain_least_recent(fixture *f, char *out, size_t cap)
{
	return pick(f, "recent", 1, out, cap);
}

static rrd_status op_register_strategy(fixture *f, char *out, size_t cap)
{
	rrd_strategy s = -1;
	arm();
	rrd_status rc = rrd_distributor_register_strategy(f->dist, "second", &first_free_methods,
							  NULL, &s);
	disarm();
	if (!rc)
		snprintf(out, cap, "id=%d", s);
	return rc;
}

static rrd_status op_get_agent(fixture *f, char *out, size_t cap)
{
	rrd_agent *a = NULL;
	arm();
	rrd_status rc = rrd_distributor_get_agent(f->dist, "A", &a);
	disarm();
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
	arm();
	rrd_status rc = rrd_distributor_get_pool(f->dist, "web", &p);
	disarm();
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
	arm();
	rrd_status rc = rrd_distributor_get_calendar(f->dist, "office", &c);
	disarm();
	no_output(rc, c, "a calendar");
	if (!rc)
		snprintf(out, cap, "%s %s monday=%zu holidays=%zu", rrd_calendar_id(c),
			 rrd_calendar_timezone(c), rrd_calendar_hours_count(c, RRD_MONDAY),
			 rrd_calendar_holiday_count(c));
	rrd_calendar_free(c);
	return rc;
}

typedef struct op {
	const char *name;
	op_fn run;
	/* Commits in steps, each its own transaction (advance): a failure
	 * may come after a step committed. Only one step is due here, so a
	 * failed run leaves either the state before or the state after. */
	int in_steps;
	/* Changes nothing the snapshot shows, even when it succeeds. */
	int reads;
} op;

#define OP(fn) { #fn + 3, fn, 0, 0 }
#define READ(fn) { #fn + 3, fn, 0, 1 }

static const op ops[] = {
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
	OP(op_reassign_to_nearest),
	OP(op_transfer),
	OP(op_transfer_queued),
	OP(op_set_follow_up),
	READ(op_preview),
	OP(op_redistribute_roles),
	OP(op_redistribute_filter),
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
};

#define NOPS (sizeof ops / sizeof *ops)

/* ---- the driver ----------------------------------------------------- */

/* Most allocations any one operation here makes, with room to spare; a
 * run that still reaches its failure past this is looping. */
#define MAX_N 5000

typedef struct outcome {
	rrd_status rc;
	char *state;
	char result[4096];
} outcome;

static void free_fixture(fixture *f)
{
	fix_free(f);
	if (ctl.live != 0) {
		report("%ld block(s) still allocated after freeing everything", ctl.live);
		ctl.live = 0;
	}
}

static void run_op(void **state)
{
	const op *o = *state;
	op_name = o->name;
	op_failures = 0;
	advance_to = 0;
	ctl = (counting){ 0 };
	const rrd_allocator hooks = { RRD_ALLOCATOR_VERSION, c_malloc, c_realloc, c_free, NULL };
	assert_int_equal(rrd_set_allocator(&hooks), RRD_OK);

	/* What the operation does when nothing fails. */
	outcome clean = { 0 };
	fail_n = 0;
	fixture *f = prepare();
	char *prepared = snap_take(f, &ids);
	clean.rc = o->run(f, clean.result, sizeof clean.result);
	if (clean.rc != RRD_OK)
		fail_msg("%s: fails without any allocation failure: %s (%s)", o->name,
			 rrd_status_name(clean.rc), rrd_error_last());
	clean.state = snap_take(f, &ids);
	free_fixture(f);
	/* A change the snapshot cannot see would pass for "unchanged". */
	int changed = strcmp(prepared, clean.state) != 0;
	free(prepared);
	if (o->reads && changed)
		fail_msg("%s: changed the distributor without any allocation failure", o->name);
	if (!o->reads && !changed)
		fail_msg("%s: the snapshot does not show what it changes", o->name);

	char failed_ns[512] = "";
	long n;
	int reached = 1;
	for (n = 1; reached && n <= MAX_N; n++) {
		int before_failures = op_failures;
		fail_n = n;
		f = prepare();
		char *before = snap_take(f, &ids);
		char result[4096] = "";
		rrd_error_clear();
		rrd_status rc = o->run(f, result, sizeof result);
		char msg[512];
		snprintf(msg, sizeof msg, "%s", rrd_error_last());
		rrd_status last = rrd_error_last_status();
		reached = ctl.requests >= n;
		fail_n = n; /* for messages; the retry below runs unarmed */
		char *after = snap_take(f, &ids);
		char diff[2200];
		if (rc == RRD_E_NOMEM) {
			if (!ctl.failures)
				report("returned out_of_memory, but no allocation was refused");
			if (last != RRD_E_NOMEM || !msg[0])
				report("rrd_error_last() is \"%s\" (%s), not an out-of-memory message", msg,
				       rrd_status_name(last));
			if (!snap_compare(before, after, diff, sizeof diff) &&
			    !(o->in_steps && strcmp(after, clean.state) == 0)) {
				report("expected state unchanged\n  %s", diff);
				if (op_failures == 1)
					print_error("--- before ---\n%s--- after ---\n%s", before, after);
			}
			/* Whatever a failure left behind must not change what a
			 * second attempt does. */
			outcome retry = { 0 };
			long keep = fail_n;
			fail_n = 0;
			retry.rc = o->run(f, retry.result, sizeof retry.result);
			fail_n = keep;
			retry.state = snap_take(f, &ids);
			if (retry.rc != RRD_OK)
				report("retried without the failure, returned %s (%s)",
				       rrd_status_name(retry.rc), rrd_error_last());
			else if (strcmp(retry.result, clean.result) != 0)
				report("retried without the failure, handed back \"%s\", not \"%s\"",
				       retry.result, clean.result);
			else if (!snap_compare(clean.state, retry.state, diff, sizeof diff))
				report("retried without the failure, left a state other than a clean "
				       "run's\n  %s", diff);
			free(retry.state);
		} else if (rc == RRD_OK) {
			/* A failure it worked around must not show. */
			if (strcmp(result, clean.result) != 0)
				report("succeeded, but handed back \"%s\", not \"%s\"", result, clean.result);
			else if (!snap_compare(clean.state, after, diff, sizeof diff))
				report("succeeded, but left a state other than a clean run's\n  %s", diff);
		} else {
			report("returned %s (\"%s\"); want out_of_memory or ok", rrd_status_name(rc), msg);
		}
		free(before);
		free(after);
		free_fixture(f);
		if (op_failures > before_failures) {
			size_t len = strlen(failed_ns);
			if (len < sizeof failed_ns - 16)
				snprintf(failed_ns + len, sizeof failed_ns - len, "%s%ld", len ? "," : "", n);
		}
	}
	free(clean.state);
	assert_int_equal(rrd_set_allocator(NULL), RRD_OK);
	if (reached)
		fail_msg("%s: still allocating after %d allocations", o->name, MAX_N);
	if (op_failures)
		fail_msg("%s: %d problem(s) in runs N=%s (of %ld)", o->name, op_failures, failed_ns,
			 n - 2);
}

/* ---- a counter change that cannot be listed --------------------------- */

/* Whom explain picks in `pool` (static buffer), "-" for nobody. */
static const char *explained(fixture *f, const char *pool)
{
	static char who[RRD_ID_MAX + 1];
	rrd_pick *p = NULL;
	rrd_status rc = rrd_distributor_explain(f->dist, pool, NULL, &p);
	snprintf(who, sizeof who, "%s", rc == RRD_OK ? rrd_pick_agent(p) : "-");
	rrd_pick_free(p);
	return who;
}

/*
 * A, at most 2 open, holds R1 and R3 and B holds R2 (least busy gave
 * them out); a second distributor on the store, which has explained both
 * pools (B each time: it has the fewer open, and A is full), parks R1
 * with allocation n failed. A distributor opened on a store has empty
 * lists of changed members, so A's open count going down is the first
 * allocation of each of its pools' lists.
 */
static rrd_status park_failing(long n, fixture **f, fixture **g)
{
	fail_n = n;
	*f = fix_new(0);
	fix_agent(*f, "A");
	fix_agent(*f, "B");
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent((*f)->dist, "A", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_open(a, 2), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent((*f)->dist, a), RRD_OK);
	rrd_agent_free(a);
	put_pool(*f, "busy", RRD_KIND_LEAD, RRD_STRATEGY_LEAST_BUSY, "A", "B", NULL);
	put_pool(*f, "wrr", RRD_KIND_LEAD, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, "A", "B", NULL);
	submit(*f, "R1", "busy", "web", 0, 0);
	submit(*f, "R2", "busy", "web", 0, 0);
	submit(*f, "R3", "busy", "web", 0, 0);
	*g = fix_new_on((*f)->store, 0);
	assert_string_equal(explained(*g, "busy"), "B");
	assert_string_equal(explained(*g, "wrr"), "B");
	arm();
	rrd_status rc = rrd_distributor_queue_record((*g)->dist, "R1", NULL);
	disarm();
	return rc;
}

/* Both pools pick `want` (A once R1 is parked, B before). */
static void picks(fixture *g, const char *want, const char *after)
{
	if (strcmp(explained(g, "busy"), want) != 0)
		report("%s, then least busy picks %s, not %s", after, explained(g, "busy"), want);
	if (strcmp(explained(g, "wrr"), want) != 0)
		report("%s, then weighted round robin picks %s, not %s", after, explained(g, "wrr"),
		       want);
}

/*
 * Caches that mirror counters learn of changes from their pool's list of
 * changed members; a change a list has no memory to take must make them look at
 * every member rather than pass unseen. Each run fails one allocation of
 * the parking (park_failing): a run that fails must change nothing, and
 * one that gets past its failure must pick as if nothing had failed,
 * even when the first picks after it fail an allocation of their own.
 */
static void counter_change_without_memory_for_the_list(void **state)
{
	(void)state;
	op_name = "counter_change_without_memory_for_the_list";
	op_failures = 0;
	ctl = (counting){ 0 };
	const rrd_allocator hooks = { RRD_ALLOCATOR_VERSION, c_malloc, c_realloc, c_free, NULL };
	assert_int_equal(rrd_set_allocator(&hooks), RRD_OK);
	int got_past = 0, reached = 1;
	long n;
	for (n = 1; reached && n <= MAX_N; n++) {
		fixture *f, *g;
		rrd_status rc = park_failing(n, &f, &g);
		reached = ctl.requests >= n;
		int past = rc == RRD_OK && ctl.failures;
		if (rc != RRD_OK && rc != RRD_E_NOMEM)
			report("returned %s; want out_of_memory or ok", rrd_status_name(rc));
		picks(g, rc == RRD_OK ? "A" : "B", rrd_status_name(rc));
		fix_free(g);
		free_fixture(f);
		got_past += past;
		/* The picks that follow bring the caches up to date: any of
		 * their allocations failing must leave that to the next. */
		int reached_m = past;
		for (long m = 1; reached_m && m <= MAX_N; m++) {
			assert_int_equal(park_failing(n, &f, &g), RRD_OK);
			fail_n = m;
			arm();
			rrd_pick *p = NULL;
			rrd_status brc = rrd_distributor_explain(g->dist, "busy", NULL, &p);
			rrd_pick_free(p);
			p = NULL;
			rrd_status wrc = rrd_distributor_explain(g->dist, "wrr", NULL, &p);
			rrd_pick_free(p);
			disarm();
			reached_m = ctl.requests >= m;
			char after[128];
			snprintf(after, sizeof after, "explains failing allocation %ld: %s and %s", m,
				 rrd_status_name(brc), rrd_status_name(wrc));
			picks(g, "A", after);
			fix_free(g);
			free_fixture(f);
		}
	}
	assert_int_equal(rrd_set_allocator(NULL), RRD_OK);
	if (reached)
		fail_msg("still allocating after %d allocations", MAX_N);
	/* Among the failures parking gets past is the list's allocation. */
	assert_true(got_past >= 1);
	if (op_failures)
		fail_msg("%d problem(s) in %ld runs", op_failures, n - 2);
}

int main(void)
{
	struct CMUnitTest tests[NOPS + 1];
	for (size_t i = 0; i < NOPS; i++)
		tests[i] = (struct CMUnitTest){ ops[i].name, run_op, NULL, NULL, (void *)&ops[i] };
	tests[NOPS] = (struct CMUnitTest)cmocka_unit_test(counter_change_without_memory_for_the_list);
	return cmocka_run_group_tests_name("alloc_failure", tests, NULL, NULL);
}
