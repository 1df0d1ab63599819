/*
 * Bad input: every refused call returns the documented status, says why
 * in rrd_error_last(), and leaves the distributor exactly as it was.
 *
 * Checks here do not stop at the first failure: each one that fails is
 * printed and counted, and the test fails at its end, so one run lists
 * every function that mishandles a given input.
 */
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "rrdist/sys/store.h"
#include "snapshot.h"

static int failures;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void check(int ok, const char *fmt, ...)
{
	if (ok)
		return;
	char msg[2048], shown[4 * sizeof msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Messages quote the bad ids; keep their bytes off the terminal. */
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			n += (size_t)snprintf(shown + n, sizeof shown - n, "\\x%02x", *p);
		else
			shown[n++] = (char)*p;
	}
	shown[n] = '\0';
	print_error("%s\n", shown);
	failures++;
}

static void finish(void)
{
	if (failures)
		fail_msg("%d check(s) failed; each is printed above", failures);
}

/* ---- the world every test starts from ------------------------------- */

/* Ids the snapshot looks at, with some no refused call may create: np,
 * N1, D-1, nocal and nostrategy. */
static const char *const pool_ids[] = { "web", "idle", "grab", "dealdesk", "np", NULL };
static const char *const record_ids[] = { "P1", "K1", "G1", "N1", "D-1", NULL };
static const char *const calendar_ids[] = { "office", "nocal", NULL };
static const char *const strategy_ids[] = { "mine", "nostrategy", NULL };
static const snap_ids ids = { pool_ids, record_ids, calendar_ids, strategy_ids };

typedef struct world {
	fixture *f;
	rrd_distributor *d;
	char *before;
} world;

static void import(fixture *f, const char *id, rrd_record_status st, const char *owner,
		   int located)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, st), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
	if (located)
		assert_int_equal(rrd_record_set_location(r, 40.7128, -74.0060), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
}

static void add_pool(fixture *f, const char *id, rrd_kind kind, rrd_strategy s, const char *member)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, kind), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, s), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, member), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

/*
 * Agents A, B, C and D (inactive, a member of no pool but "idle");
 * pools web (round robin over A, B, C), idle (only D), grab (piranha) and
 * dealdesk (deals); rule r-web (source zillow to web); records P1 (pending, C), K1 (claimed, B) and G1
 * (pending, A). K1 and G1 have a location, but no agent has one.
 */
static int setup(void **state)
{
	failures = 0;
	world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	fixture *f = w->f = fix_new(0);
	w->d = f->dist;
	rrd_calendar *cal;
	assert_int_equal(rrd_calendar_new(&cal, "office", "America/New_York"), RRD_OK);
	assert_int_equal(rrd_calendar_add_hours(cal, RRD_MONDAY, 9 * 60, 17 * 60), RRD_OK);
	assert_int_equal(rrd_distributor_put_calendar(f->dist, cal), RRD_OK);
	rrd_calendar_free(cal);
	fix_agent(f, "A");
	fix_agent(f, "B");
	fix_agent(f, "C");
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "D"), RRD_OK);
	assert_int_equal(rrd_agent_set_active(a, 0), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "A", "B", "C", NULL);
	add_pool(f, "idle", RRD_KIND_LEAD, RRD_STRATEGY_ROUND_ROBIN, "D");
	add_pool(f, "grab", RRD_KIND_LEAD, RRD_STRATEGY_PIRANHA, "A");
	add_pool(f, "dealdesk", RRD_KIND_DEAL, RRD_STRATEGY_ROUND_ROBIN, "A");
	rrd_rule *u;
	assert_int_equal(rrd_rule_new(&u, "r-web", "web"), RRD_OK);
	assert_int_equal(rrd_rule_add_source(u, "zillow"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, u), RRD_OK);
	rrd_rule_free(u);
	import(f, "P1", RRD_RECORD_PENDING, "C", 0);
	import(f, "K1", RRD_RECORD_CLAIMED, "B", 1);
	import(f, "G1", RRD_RECORD_PENDING, "A", 1);
	fix_clear_events(f);
	w->before = snap_take(f, &ids);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;
	fix_free(w->f);
	free(w->before);
	free(w);
	return 0;
}

/* Take the current state as the one refusals must keep. */
static void rebase(world *w)
{
	free(w->before);
	w->before = snap_take(w->f, &ids);
}

static void unchanged(world *w, const char *what)
{
	char ctx[600];
	snprintf(ctx, sizeof ctx, "%s: expected the distributor unchanged", what);
	char *now = snap_take(w->f, &ids);
	if (!snap_same(ctx, w->before, now))
		failures++;
	free(now);
}

/* 1 when `msg` holds a C0 or C1 control character or DEL unescaped: a
 * message quoting a bad id must not pass its controls on to a terminal. */
static int raw_control(const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 1;
	return 0;
}

/*
 * The call returned `got`; it should have refused with `want`, set the
 * last error to a message mentioning `needle` (when not NULL) and, when
 * `w` is given, changed nothing.
 */
static void refused(world *w, const char *what, rrd_status got, rrd_status want,
		    const char *needle)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s", rrd_error_last());
	rrd_status last = rrd_error_last_status();
	check(got == want, "%s: returned %s, want %s (message: \"%s\")", what,
	      rrd_status_name(got), rrd_status_name(want), msg);
	if (got != RRD_OK) {
		check(last == got, "%s: rrd_error_last_status() is %s, the call returned %s", what,
		      rrd_status_name(last), rrd_status_name(got));
		check(msg[0] != '\0', "%s: rrd_error_last() is empty", what);
		if (needle)
			check(strstr(msg, needle) != NULL,
			      "%s: message \"%s\" does not mention \"%s\"", what, msg, needle);
		check(!raw_control(msg), "%s: message \"%s\" holds a control character as it is",
		      what, msg);
	}
	if (w)
		unchanged(w, what);
}

/* The last error is cleared first, so a message left by an earlier call
 * cannot pass for this one's. */
#define REFUSED_AS(w, what, want, needle, call)                         \
	do {                                                            \
		rrd_error_clear();                                      \
		rrd_status rc_ = (call);                                \
		refused((w), (what), rc_, (want), (needle));            \
	} while (0)
#define REFUSED(w, want, needle, call) REFUSED_AS(w, #call, want, needle, call)

/* An object a refused call handed out anyway: report it and free it. */
#define NO_OUTPUT(what, ptr, free_fn)                                            \
	do {                                                                     \
		check((ptr) == NULL, "%s: a refused call handed out an object", what); \
		free_fn(ptr);                                                    \
		(ptr) = NULL;                                                    \
	} while (0)

/* ---- malformed ids -------------------------------------------------- */

typedef struct bad_id {
	const char *label;
	const char *id;
	const char *needle; /* what the message should say */
} bad_id;

static char long_id[RRD_ID_MAX + 2];

#define NBAD 14

static const bad_id *bad_ids(void)
{
	static bad_id t[NBAD];
	memset(long_id, 'x', RRD_ID_MAX + 1);
	long_id[RRD_ID_MAX + 1] = '\0';
	bad_id v[NBAD] = {
		{ "an empty id", "", "empty" },
		{ "a 256-byte id", long_id, "255" },
		{ "an id with a tab", "ag\tent", "control" },
		{ "an id ending in a newline", "agent\n", "control" },
		{ "an id with DEL", "ag\x7f" "ent", "control" },
		{ "an id with ESC", "\x1b[1m", "control" },
		{ "an id with NEL (U+0085)", "ag\xc2\x85" "ent", "control" },
		{ "an id with CSI (U+009B)", "\xc2\x9b" "1m", "control" },
		{ "an id with a 0xff byte", "ag\xff", "UTF-8" },
		{ "an overlong encoding", "\xc0\xaf", "UTF-8" },
		{ "a UTF-16 surrogate", "\xed\xa0\x80", "UTF-8" },
		{ "a truncated sequence", "ab\xe2\x82", "UTF-8" },
		{ "a stray continuation byte", "\x80" "abc", "UTF-8" },
		{ "a code point above U+10FFFF", "\xf4\x90\x80\x80", "UTF-8" },
	};
	memcpy(t, v, sizeof t);
	return t;
}

static int pick_nothing(void *user, rrd_strategy_ctx *ctx, size_t *chosen)
{
	(void)user;
	(void)ctx;
	(void)chosen;
	return RRD_E_NO_ELIGIBLE;
}

static void test_malformed_ids_are_refused_by_the_distributor(void **state)
{
	world *w = *state;
	rrd_distributor *d = w->d;
	const bad_id *bad = bad_ids();
	rrd_strategy_methods m = { RRD_STRATEGY_METHODS_VERSION, pick_nothing, NULL };
	for (int i = 0; i < NBAD; i++) {
		const char *id = bad[i].id, *nd = bad[i].needle;
		char what[200];
#define AS(name) (snprintf(what, sizeof what, "%s with %s", name, bad[i].label), what)
		rrd_agent *a = NULL;
		REFUSED_AS(w, AS("get_agent"), RRD_E_INVALID, nd,
			   rrd_distributor_get_agent(d, id, &a));
		NO_OUTPUT(what, a, rrd_agent_free);
		rrd_pool *p = NULL;
		REFUSED_AS(w, AS("get_pool"), RRD_E_INVALID, nd, rrd_distributor_get_pool(d, id, &p));
		NO_OUTPUT(what, p, rrd_pool_free);
		rrd_calendar *c = NULL;
		REFUSED_AS(w, AS("get_calendar"), RRD_E_INVALID, nd,
			   rrd_distributor_get_calendar(d, id, &c));
		NO_OUTPUT(what, c, rrd_calendar_free);
		rrd_record *r = NULL;
		REFUSED_AS(w, AS("get_record"), RRD_E_INVALID, nd,
			   rrd_distributor_get_record(d, id, &r));
		NO_OUTPUT(what, r, rrd_record_free);

		REFUSED_AS(w, AS("pool_add_member (pool id)"), RRD_E_INVALID, nd,
			   rrd_distributor_pool_add_member(d, id, "A"));
		REFUSED_AS(w, AS("pool_add_member (agent id)"), RRD_E_INVALID, nd,
			   rrd_distributor_pool_add_member(d, "web", id));
		REFUSED_AS(w, AS("pool_remove_member (pool id)"), RRD_E_INVALID, nd,
			   rrd_distributor_pool_remove_member(d, id, "A"));
		REFUSED_AS(w, AS("pool_remove_member (agent id)"), RRD_E_INVALID, nd,
			   rrd_distributor_pool_remove_member(d, "web", id));

		assert_int_equal(rrd_record_new(&r, "N1", RRD_KIND_LEAD), RRD_OK);
		rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
		so.pool = id;
		REFUSED_AS(w, AS("submit (pool id)"), RRD_E_INVALID, nd,
			   rrd_distributor_submit(d, r, &so));
		rrd_record_free(r);

		rrd_claim_result res = RRD_CLAIM_WON;
		REFUSED_AS(w, AS("claim (record id)"), RRD_E_INVALID, nd,
			   rrd_distributor_claim(d, id, "C", &res));
		REFUSED_AS(w, AS("claim (agent id)"), RRD_E_INVALID, nd,
			   rrd_distributor_claim(d, "P1", id, &res));
		REFUSED_AS(w, AS("decline (record id)"), RRD_E_INVALID, nd,
			   rrd_distributor_decline(d, id, "C"));
		REFUSED_AS(w, AS("decline (agent id)"), RRD_E_INVALID, nd,
			   rrd_distributor_decline(d, "P1", id));
		REFUSED_AS(w, AS("assign (record id)"), RRD_E_INVALID, nd,
			   rrd_distributor_assign(d, id, "A", NULL));
		REFUSED_AS(w, AS("assign (agent id)"), RRD_E_INVALID, nd,
			   rrd_distributor_assign(d, "P1", id, NULL));
		REFUSED_AS(w, AS("reassign_to_pool (record id)"), RRD_E_INVALID, nd,
			   rrd_distributor_reassign_to_pool(d, id, "web", NULL));
		REFUSED_AS(w, AS("reassign_to_pool (pool id)"), RRD_E_INVALID, nd,
			   rrd_distributor_reassign_to_pool(d, "P1", id, NULL));
		REFUSED_AS(w, AS("reassign_to_nearest (record id)"), RRD_E_INVALID, nd,
			   rrd_distributor_reassign_to_nearest(d, id, NULL, 0, NULL));
		const char *types[] = { "closer", id };
		REFUSED_AS(w, AS("reassign_to_nearest (type)"), RRD_E_INVALID, nd,
			   rrd_distributor_reassign_to_nearest(d, "G1", types, 2, NULL));
		REFUSED_AS(w, AS("reassign_to_agent (record id)"), RRD_E_INVALID, nd,
			   rrd_distributor_reassign_to_agent(d, id, "A", NULL));
		REFUSED_AS(w, AS("reassign_to_agent (agent id)"), RRD_E_INVALID, nd,
			   rrd_distributor_reassign_to_agent(d, "P1", id, NULL));
		REFUSED_AS(w, AS("queue_record"), RRD_E_INVALID, nd,
			   rrd_distributor_queue_record(d, id, NULL));
		REFUSED_AS(w, AS("transfer (record id)"), RRD_E_INVALID, nd,
			   rrd_distributor_transfer(d, id, "north", "A", NULL, NULL));
		REFUSED_AS(w, AS("transfer (partner)"), RRD_E_INVALID, nd,
			   rrd_distributor_transfer(d, "P1", id, "A", NULL, NULL));
		REFUSED_AS(w, AS("transfer (agent id)"), RRD_E_INVALID, nd,
			   rrd_distributor_transfer(d, "P1", "north", id, NULL, NULL));
		REFUSED_AS(w, AS("transfer (new id)"), RRD_E_INVALID, nd,
			   rrd_distributor_transfer(d, "P1", "north", "A", id, NULL));
		const char *records[] = { "P1", id };
		REFUSED_AS(w, AS("set_follow_up (record id)"), RRD_E_INVALID, nd,
			   rrd_distributor_set_follow_up(d, records, 2, "called"));
		REFUSED_AS(w, AS("set_follow_up (status)"), RRD_E_INVALID, nd,
			   rrd_distributor_set_follow_up(d, records, 1, id));
		REFUSED_AS(w, AS("undo"), RRD_E_INVALID, nd, rrd_distributor_undo(d, id, NULL));

		rrd_pick *pick = NULL;
		REFUSED_AS(w, AS("next_agent"), RRD_E_INVALID, nd,
			   rrd_distributor_next_agent(d, id, NULL, &pick));
		NO_OUTPUT(what, pick, rrd_pick_free);
		REFUSED_AS(w, AS("explain"), RRD_E_INVALID, nd,
			   rrd_distributor_explain(d, id, NULL, &pick));
		NO_OUTPUT(what, pick, rrd_pick_free);

		rrd_strategy s = -1;
		REFUSED_AS(w, AS("register_strategy"), RRD_E_INVALID, nd,
			   rrd_distributor_register_strategy(d, id, &m, NULL, &s));
		check(s == -1, "%s: wrote a strategy id", what);
		/* Nor was the name kept for later. */
		REFUSED_AS(w, AS("strategy_parse"), RRD_E_INVALID, NULL,
			   rrd_distributor_strategy_parse(d, id, &s));
#undef AS
	}
	finish();
}

static void test_malformed_ids_are_refused_by_value_objects(void **state)
{
	(void)state;
	const bad_id *bad = bad_ids();
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "A"), RRD_OK);
	assert_int_equal(rrd_agent_set_calendar(a, "office"), RRD_OK);
	assert_int_equal(rrd_agent_set_partner(a, "north"), RRD_OK);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, "A"), RRD_OK);
	assert_int_equal(rrd_record_set_partner(r, "north"), RRD_OK);
	rrd_rule *u;
	assert_int_equal(rrd_rule_new(&u, "r1", "web"), RRD_OK);
	assert_int_equal(rrd_rule_set_calendar(u, "office"), RRD_OK);
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	for (int i = 0; i < NBAD; i++) {
		const char *id = bad[i].id, *nd = bad[i].needle;
		char what[200];
#define AS(name) (snprintf(what, sizeof what, "%s with %s", name, bad[i].label), what)
		rrd_agent *na = NULL;
		REFUSED_AS(NULL, AS("rrd_agent_new"), RRD_E_INVALID, nd, rrd_agent_new(&na, id));
		NO_OUTPUT(what, na, rrd_agent_free);
		rrd_pool *np = NULL;
		REFUSED_AS(NULL, AS("rrd_pool_new"), RRD_E_INVALID, nd,
			   rrd_pool_new(&np, id, RRD_KIND_LEAD));
		NO_OUTPUT(what, np, rrd_pool_free);
		rrd_record *nr = NULL;
		REFUSED_AS(NULL, AS("rrd_record_new"), RRD_E_INVALID, nd,
			   rrd_record_new(&nr, id, RRD_KIND_LEAD));
		NO_OUTPUT(what, nr, rrd_record_free);
		rrd_calendar *nc = NULL;
		REFUSED_AS(NULL, AS("rrd_calendar_new"), RRD_E_INVALID, nd,
			   rrd_calendar_new(&nc, id, "UTC"));
		NO_OUTPUT(what, nc, rrd_calendar_free);
		rrd_rule *nu = NULL;
		REFUSED_AS(NULL, AS("rrd_rule_new (rule id)"), RRD_E_INVALID, nd,
			   rrd_rule_new(&nu, id, "web"));
		NO_OUTPUT(what, nu, rrd_rule_free);
		REFUSED_AS(NULL, AS("rrd_rule_new (pool id)"), RRD_E_INVALID, nd,
			   rrd_rule_new(&nu, "r1", id));
		NO_OUTPUT(what, nu, rrd_rule_free);
		REFUSED_AS(NULL, AS("rrd_rule_add_overflow"), RRD_E_INVALID, nd,
			   rrd_rule_add_overflow(u, id));
		REFUSED_AS(NULL, AS("rrd_rule_set_calendar"), RRD_E_INVALID, nd,
			   rrd_rule_set_calendar(u, id));
		REFUSED_AS(NULL, AS("rrd_rule_add_skill"), RRD_E_INVALID, nd, rrd_rule_add_skill(u, id));
		REFUSED_AS(NULL, AS("rrd_rule_add_source"), RRD_E_INVALID, nd,
			   rrd_rule_add_source(u, id));
		REFUSED_AS(NULL, AS("rrd_rule_add_attr"), RRD_E_INVALID, nd,
			   rrd_rule_add_attr(u, id, "v"));
		check(rrd_rule_overflow_count(u) == 0 && rrd_rule_skill_count(u) == 0 &&
			      rrd_rule_source_count(u) == 0 && rrd_rule_attr_count(u) == 0 &&
			      strcmp(rrd_rule_calendar(u), "office") == 0,
		      "%s: the rule changed", what);

		REFUSED_AS(NULL, AS("rrd_agent_set_calendar"), RRD_E_INVALID, nd,
			   rrd_agent_set_calendar(a, id));
		check(strcmp(rrd_agent_calendar(a), "office") == 0, "%s: calendar changed", what);
		REFUSED_AS(NULL, AS("rrd_agent_set_partner"), RRD_E_INVALID, nd,
			   rrd_agent_set_partner(a, id));
		check(strcmp(rrd_agent_partner(a), "north") == 0, "%s: partner changed", what);
		REFUSED_AS(NULL, AS("rrd_agent_add_type"), RRD_E_INVALID, nd, rrd_agent_add_type(a, id));
		REFUSED_AS(NULL, AS("rrd_agent_add_skill"), RRD_E_INVALID, nd,
			   rrd_agent_add_skill(a, id));
		check(rrd_agent_type_count(a) == 0 && rrd_agent_skill_count(a) == 0,
		      "%s: a type or skill was added", what);

		REFUSED_AS(NULL, AS("rrd_pool_add_member"), RRD_E_INVALID, nd,
			   rrd_pool_add_member(p, id));
		check(rrd_pool_member_count(p) == 0, "%s: a member was added", what);

		REFUSED_AS(NULL, AS("rrd_record_set_owner"), RRD_E_INVALID, nd,
			   rrd_record_set_owner(r, id));
		check(strcmp(rrd_record_owner(r), "A") == 0, "%s: owner changed", what);
		REFUSED_AS(NULL, AS("rrd_record_set_partner"), RRD_E_INVALID, nd,
			   rrd_record_set_partner(r, id));
		check(strcmp(rrd_record_partner(r), "north") == 0, "%s: partner changed", what);
		REFUSED_AS(NULL, AS("rrd_record_set_role (agent id)"), RRD_E_INVALID, nd,
			   rrd_record_set_role(r, "salesperson", id));
		REFUSED_AS(NULL, AS("rrd_record_set_role (role)"), RRD_E_INVALID, nd,
			   rrd_record_set_role(r, id, "A"));
		check(rrd_record_role_count(r) == 0, "%s: a role was set", what);
		REFUSED_AS(NULL, AS("rrd_record_set_source"), RRD_E_INVALID, nd,
			   rrd_record_set_source(r, id));
		check(rrd_record_source(r) == NULL, "%s: source changed", what);
		REFUSED_AS(NULL, AS("rrd_record_set_follow_up"), RRD_E_INVALID, nd,
			   rrd_record_set_follow_up(r, id));
		check(rrd_record_follow_up(r) == NULL, "%s: follow-up changed", what);
		REFUSED_AS(NULL, AS("rrd_record_set_attr"), RRD_E_INVALID, nd,
			   rrd_record_set_attr(r, id, "v"));
		check(rrd_record_attr_count(r) == 0, "%s: an attribute was set", what);

		const char *one[] = { id };
		REFUSED_AS(NULL, AS("rrd_redistribution_from_agent"), RRD_E_INVALID, nd,
			   rrd_redistribution_from_agent(rd, id, NULL, 0));
		REFUSED_AS(NULL, AS("rrd_redistribution_from_agent (role)"), RRD_E_INVALID, nd,
			   rrd_redistribution_from_agent(rd, "A", one, 1));
		REFUSED_AS(NULL, AS("rrd_redistribution_from_records"), RRD_E_INVALID, nd,
			   rrd_redistribution_from_records(rd, one, 1));
		REFUSED_AS(NULL, AS("rrd_redistribution_filter_owner"), RRD_E_INVALID, nd,
			   rrd_redistribution_filter_owner(rd, id));
		REFUSED_AS(NULL, AS("rrd_redistribution_filter_owner_types"), RRD_E_INVALID, nd,
			   rrd_redistribution_filter_owner_types(rd, one, 1));
		REFUSED_AS(NULL, AS("rrd_redistribution_filter_attr"), RRD_E_INVALID, nd,
			   rrd_redistribution_filter_attr(rd, id, "v"));
		REFUSED_AS(NULL, AS("rrd_redistribution_to_agents"), RRD_E_INVALID, nd,
			   rrd_redistribution_to_agents(rd, one, 1));
		REFUSED_AS(NULL, AS("rrd_redistribution_to_types"), RRD_E_INVALID, nd,
			   rrd_redistribution_to_types(rd, one, 1));
#undef AS
	}
	rrd_agent_free(a);
	rrd_pool_free(p);
	rrd_record_free(r);
	rrd_rule_free(u);
	rrd_redistribution_free(rd);
	finish();
}

static void test_ids_at_the_limits_are_accepted(void **state)
{
	world *w = *state;
	char max_id[RRD_ID_MAX + 1];
	memset(max_id, 'm', RRD_ID_MAX);
	max_id[RRD_ID_MAX] = '\0';
	/* Multi-byte UTF-8 is fine, and so is the longest id. */
	const char *names[] = { max_id, "Jos\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x99\x82" };
	for (size_t i = 0; i < 4; i++) {
		fix_agent(w->f, names[i]);
		assert_int_equal(rrd_distributor_pool_add_member(w->d, "web", names[i]), RRD_OK);
		rrd_agent *a = NULL;
		assert_int_equal(rrd_distributor_get_agent(w->d, names[i], &a), RRD_OK);
		assert_string_equal(rrd_agent_id(a), names[i]);
		rrd_agent_free(a);
	}
	char buf[RRD_ID_MAX + 1];
	assert_int_equal(rrd_distributor_agent_at(w->d, 4, buf, sizeof buf), RRD_OK);
	assert_string_equal(buf, max_id);
	assert_int_equal(fix_submit(w->f, max_id, "web"), RRD_OK);
	assert_string_equal(fix_owner(w->f, max_id), "A");
}

/* ---- NULL handles and out pointers ---------------------------------- */

static void test_null_handles_and_out_pointers(void **state)
{
	world *w = *state;
	rrd_distributor *d = w->d;
	rrd_agent *a, *ag = NULL;
	assert_int_equal(rrd_agent_new(&a, "E"), RRD_OK);
	rrd_pool *p, *pg = NULL;
	assert_int_equal(rrd_pool_new(&p, "np", RRD_KIND_LEAD), RRD_OK);
	rrd_record *r, *rg = NULL;
	assert_int_equal(rrd_record_new(&r, "N1", RRD_KIND_LEAD), RRD_OK);
	rrd_calendar *c, *cg = NULL;
	assert_int_equal(rrd_calendar_new(&c, "nocal", "UTC"), RRD_OK);
	rrd_pick *pick = NULL;
	rrd_strategy s = -1;
	rrd_claim_result res = RRD_CLAIM_WON;
	rrd_strategy_methods m = { RRD_STRATEGY_METHODS_VERSION, pick_nothing, NULL };
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	rrd_distributor *nd = NULL;
	char buf[RRD_ID_MAX + 1];
	const char *one_null[] = { NULL };

	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_options_init(NULL, 1));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_new(NULL, w->f->store, &o));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_new(&nd, NULL, &o));
	NO_OUTPUT("rrd_distributor_new", nd, rrd_distributor_free);
	rrd_distributor_free(NULL);
	check(rrd_distributor_now(NULL) == 0, "rrd_distributor_now(NULL) is not 0");

	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_put_calendar(NULL, c));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_put_calendar(d, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_calendar(NULL, "office", &cg));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_calendar(d, NULL, &cg));
	NO_OUTPUT("get_calendar", cg, rrd_calendar_free);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_calendar(d, "office", NULL));

	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_put_agent(NULL, a));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_put_agent(d, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_agent(NULL, "A", &ag));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_agent(d, NULL, &ag));
	NO_OUTPUT("get_agent", ag, rrd_agent_free);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_agent(d, "A", NULL));
	check(rrd_distributor_agent_count(NULL) == 0, "rrd_distributor_agent_count(NULL) is not 0");
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_agent_at(NULL, 0, buf, sizeof buf));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_agent_at(d, 0, NULL, sizeof buf));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_agent_at(d, 0, buf, 1));
	REFUSED(w, RRD_E_NOTFOUND, "4", rrd_distributor_agent_at(d, 4, buf, sizeof buf));

	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_put_pool(NULL, p));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_put_pool(d, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_pool(NULL, "web", &pg));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_pool(d, NULL, &pg));
	NO_OUTPUT("get_pool", pg, rrd_pool_free);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_pool(d, "web", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_pool_add_member(NULL, "web", "D"));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_pool_add_member(d, NULL, "D"));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_pool_add_member(d, "web", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_pool_remove_member(NULL, "web", "A"));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_pool_remove_member(d, NULL, "A"));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_pool_remove_member(d, "web", NULL));

	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_register_strategy(NULL, "mine", &m, NULL, &s));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_register_strategy(d, "mine", NULL, NULL, &s));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_register_strategy(d, "mine", &m, NULL, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_register_strategy(d, NULL, &m, NULL, &s));
	check(s == -1, "register_strategy: a refused call wrote a strategy id");
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_strategy_parse(NULL, "round_robin", &s));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_strategy_parse(d, NULL, &s));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_strategy_parse(d, "round_robin", NULL));

	rrd_rule *u, *ug = NULL;
	assert_int_equal(rrd_rule_new(&u, "r-new", "web"), RRD_OK);
	const rrd_rule *rules[] = { u, NULL };
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_add_rule(NULL, u));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_add_rule(d, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_set_rules(NULL, rules, 1));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_set_rules(d, NULL, 1));
	REFUSED(w, RRD_E_INVALID, "1", rrd_distributor_set_rules(d, rules, 2));
	check(rrd_distributor_rule_count(NULL) == 0, "rrd_distributor_rule_count(NULL) is not 0");
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_rule(NULL, 0, &ug));
	NO_OUTPUT("get_rule", ug, rrd_rule_free);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_rule(d, 0, NULL));
	rrd_rule_free(u);

	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_submit(NULL, r, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_submit(d, NULL, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_put_record(NULL, r));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_put_record(d, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_record(NULL, "P1", &rg));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_record(d, NULL, &rg));
	NO_OUTPUT("get_record", rg, rrd_record_free);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_get_record(d, "P1", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_claim(NULL, "P1", "C", &res));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_claim(d, NULL, "C", &res));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_claim(d, "P1", NULL, &res));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_claim(d, "P1", "C", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_decline(NULL, "P1", "C"));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_decline(d, NULL, "C"));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_decline(d, "P1", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_advance(NULL, FIX_START));
	rrd_time due = 12345;
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_next_deadline(NULL, &due));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_next_deadline(d, NULL));
	check(due == 12345, "next_deadline: a refused call wrote a time");
	rrd_queue *q = NULL;
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_queue(NULL, &q));
	NO_OUTPUT("rrd_distributor_queue", q, rrd_queue_free);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_queue(d, NULL));
	check(rrd_queue_count(NULL) == 0, "rrd_queue_count(NULL) is not 0");
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_queue_entry(NULL, 0, NULL, NULL, NULL, NULL, NULL));
	rrd_queue_free(NULL);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_assign(NULL, "P1", "A", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_assign(d, NULL, "A", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_assign(d, "P1", NULL, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_reassign_to_pool(NULL, "P1", "web", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_reassign_to_pool(d, NULL, "web", NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_reassign_to_pool(d, "P1", NULL, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_reassign_to_nearest(NULL, "G1", NULL, 0, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_reassign_to_nearest(d, NULL, NULL, 0, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_reassign_to_nearest(d, "G1", NULL, 1, NULL));
	REFUSED(w, RRD_E_INVALID, NULL,
		rrd_distributor_reassign_to_nearest(d, "G1", one_null, 1, NULL));

	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_next_agent(NULL, "web", NULL, &pick));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_next_agent(d, NULL, NULL, &pick));
	NO_OUTPUT("next_agent", pick, rrd_pick_free);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_next_agent(d, "web", NULL, NULL));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_explain(NULL, "web", NULL, &pick));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_explain(d, NULL, NULL, &pick));
	NO_OUTPUT("explain", pick, rrd_pick_free);
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_explain(d, "web", NULL, NULL));

	/* Readers of value objects and picks answer NULL for NULL. */
	const char *who = NULL;
	rrd_skip_reason why = 0;
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_pick_skipped(NULL, 0, &who, &why));
	check(rrd_pick_agent(NULL) == NULL && rrd_pick_pool(NULL) == NULL &&
		      rrd_pick_skipped_count(NULL) == 0,
	      "pick readers do not answer NULL/0 for a NULL pick");
	rrd_pick_free(NULL);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_store_memory_new(NULL));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_agent_new(NULL, "A"));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_agent_new(&ag, NULL));
	NO_OUTPUT("rrd_agent_new", ag, rrd_agent_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_agent_dup(&ag, NULL));
	NO_OUTPUT("rrd_agent_dup", ag, rrd_agent_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_agent_set_weight(NULL, 2));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_agent_set_location(NULL, 1, 1));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_pool_new(NULL, "np", RRD_KIND_LEAD));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_pool_new(&pg, NULL, RRD_KIND_LEAD));
	NO_OUTPUT("rrd_pool_new", pg, rrd_pool_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_pool_dup(&pg, NULL));
	NO_OUTPUT("rrd_pool_dup", pg, rrd_pool_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_pool_set_strategy(NULL, RRD_STRATEGY_RANDOM));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_pool_add_member(NULL, "A"));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_pool_remove_member(p, NULL));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_new(NULL, "N1", RRD_KIND_LEAD));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_new(&rg, NULL, RRD_KIND_LEAD));
	NO_OUTPUT("rrd_record_new", rg, rrd_record_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_dup(&rg, NULL));
	NO_OUTPUT("rrd_record_dup", rg, rrd_record_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_set_status(NULL, RRD_RECORD_PENDING));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_set_location(NULL, 1, 1));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_set_role(r, NULL, "A"));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_calendar_new(NULL, "nocal", "UTC"));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_calendar_new(&cg, NULL, "UTC"));
	NO_OUTPUT("rrd_calendar_new", cg, rrd_calendar_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_calendar_new(&cg, "nocal", NULL));
	NO_OUTPUT("rrd_calendar_new", cg, rrd_calendar_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_calendar_dup(&cg, NULL));
	NO_OUTPUT("rrd_calendar_dup", cg, rrd_calendar_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_calendar_add_hours(NULL, RRD_MONDAY, 0, 60));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_kind_parse(NULL, &(rrd_kind){ 0 }));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_kind_parse("lead", NULL));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_strategy_parse(NULL, &s));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_strategy_parse("random", NULL));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_status_parse(NULL, &(rrd_record_status){ 0 }));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_status_parse("pending", NULL));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_rule_new(NULL, "r1", "web"));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_rule_new(&ug, "r1", NULL));
	NO_OUTPUT("rrd_rule_new", ug, rrd_rule_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_rule_dup(&ug, NULL));
	NO_OUTPUT("rrd_rule_dup", ug, rrd_rule_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_rule_add_source(NULL, "web"));

	rrd_agent_free(a);
	rrd_pool_free(p);
	rrd_record_free(r);
	rrd_calendar_free(c);
	finish();
}

/* ---- unknown and duplicate ids -------------------------------------- */

static void test_unknown_ids(void **state)
{
	world *w = *state;
	rrd_distributor *d = w->d;
	rrd_agent *a = NULL;
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody", rrd_distributor_get_agent(d, "nobody", &a));
	NO_OUTPUT("get_agent", a, rrd_agent_free);
	rrd_pool *p = NULL;
	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool", rrd_distributor_get_pool(d, "nopool", &p));
	NO_OUTPUT("get_pool", p, rrd_pool_free);
	rrd_calendar *c = NULL;
	REFUSED(w, RRD_E_UNKNOWN_CALENDAR, "nocal", rrd_distributor_get_calendar(d, "nocal", &c));
	NO_OUTPUT("get_calendar", c, rrd_calendar_free);
	rrd_record *r = NULL;
	REFUSED(w, RRD_E_UNKNOWN_RECORD, "nolead", rrd_distributor_get_record(d, "nolead", &r));
	NO_OUTPUT("get_record", r, rrd_record_free);

	/* An agent naming a calendar the distributor lacks is not added. */
	assert_int_equal(rrd_agent_new(&a, "E"), RRD_OK);
	assert_int_equal(rrd_agent_set_calendar(a, "nocal"), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_CALENDAR, "nocal", rrd_distributor_put_agent(d, a));
	rrd_agent_free(a);
	/* Nor is an update of an existing agent to such a calendar. */
	assert_int_equal(rrd_distributor_get_agent(d, "A", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_calendar(a, "nocal"), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, 9), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_CALENDAR, "nocal", rrd_distributor_put_agent(d, a));
	rrd_agent_free(a);

	/* A pool naming an agent the distributor lacks: neither created nor replaced. */
	assert_int_equal(rrd_pool_new(&p, "np", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "nobody"), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody", rrd_distributor_put_pool(d, p));
	rrd_pool_free(p);
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "C"), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "nobody"), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody", rrd_distributor_put_pool(d, p));
	rrd_pool_free(p);

	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool", rrd_distributor_pool_add_member(d, "nopool", "A"));
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody", rrd_distributor_pool_add_member(d, "web", "nobody"));
	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool", rrd_distributor_pool_remove_member(d, "nopool", "A"));
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody",
		rrd_distributor_pool_remove_member(d, "web", "nobody"));
	REFUSED(w, RRD_E_NOTFOUND, "D", rrd_distributor_pool_remove_member(d, "web", "D"));

	assert_int_equal(rrd_record_new(&r, "N1", RRD_KIND_LEAD), RRD_OK);
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "nopool";
	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool", rrd_distributor_submit(d, r, &so));
	/* Imports must name known agents, as owner and in every role. */
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, "nobody"), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody", rrd_distributor_put_record(d, r));
	assert_int_equal(rrd_record_set_owner(r, "A"), RRD_OK);
	assert_int_equal(rrd_record_set_role(r, "sales_bdc", "ghost"), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "ghost", rrd_distributor_put_record(d, r));
	rrd_record_free(r);

	rrd_claim_result res = RRD_CLAIM_WON;
	REFUSED(w, RRD_E_UNKNOWN_RECORD, "nolead", rrd_distributor_claim(d, "nolead", "C", &res));
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody", rrd_distributor_claim(d, "P1", "nobody", &res));
	/* Records are checked before agents. */
	REFUSED(w, RRD_E_UNKNOWN_RECORD, "nolead",
		rrd_distributor_claim(d, "nolead", "nobody", &res));
	REFUSED(w, RRD_E_UNKNOWN_RECORD, "nolead", rrd_distributor_assign(d, "nolead", "A", NULL));
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody", rrd_distributor_assign(d, "P1", "nobody", NULL));
	REFUSED(w, RRD_E_UNKNOWN_RECORD, "nolead",
		rrd_distributor_assign(d, "nolead", "nobody", NULL));
	REFUSED(w, RRD_E_UNKNOWN_RECORD, "nolead",
		rrd_distributor_reassign_to_pool(d, "nolead", "web", NULL));
	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool",
		rrd_distributor_reassign_to_pool(d, "P1", "nopool", NULL));
	REFUSED(w, RRD_E_UNKNOWN_RECORD, "nolead",
		rrd_distributor_reassign_to_nearest(d, "nolead", NULL, 0, NULL));

	REFUSED(w, RRD_E_UNKNOWN_RECORD, "nolead", rrd_distributor_decline(d, "nolead", "C"));
	REFUSED(w, RRD_E_UNKNOWN_AGENT, "nobody", rrd_distributor_decline(d, "P1", "nobody"));

	/* Rules must name pools and calendars that exist; a list with one
	 * bad rule is refused whole. */
	rrd_rule *u, *ok;
	assert_int_equal(rrd_rule_new(&u, "r-new", "nopool"), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool", rrd_distributor_add_rule(d, u));
	rrd_rule_free(u);
	assert_int_equal(rrd_rule_new(&u, "r-new", "web"), RRD_OK);
	assert_int_equal(rrd_rule_add_overflow(u, "nopool"), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool", rrd_distributor_add_rule(d, u));
	rrd_rule_free(u);
	assert_int_equal(rrd_rule_new(&u, "r-new", "web"), RRD_OK);
	assert_int_equal(rrd_rule_set_calendar(u, "nocal"), RRD_OK);
	REFUSED(w, RRD_E_UNKNOWN_CALENDAR, "nocal", rrd_distributor_add_rule(d, u));
	assert_int_equal(rrd_rule_new(&ok, "r-ok", "idle"), RRD_OK);
	const rrd_rule *list[] = { ok, u };
	REFUSED(w, RRD_E_UNKNOWN_CALENDAR, "nocal", rrd_distributor_set_rules(d, list, 2));
	rrd_rule_free(u);
	rrd_rule_free(ok);
	rrd_rule *ug = NULL;
	REFUSED(w, RRD_E_NOTFOUND, "1", rrd_distributor_get_rule(d, 1, &ug));
	NO_OUTPUT("get_rule", ug, rrd_rule_free);

	rrd_pick *pick = NULL;
	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool", rrd_distributor_next_agent(d, "nopool", NULL, &pick));
	NO_OUTPUT("next_agent", pick, rrd_pick_free);
	REFUSED(w, RRD_E_UNKNOWN_POOL, "nopool", rrd_distributor_explain(d, "nopool", NULL, &pick));
	NO_OUTPUT("explain", pick, rrd_pick_free);
	rrd_strategy s = -1;
	REFUSED(w, RRD_E_INVALID, "nostrategy", rrd_distributor_strategy_parse(d, "nostrategy", &s));
	finish();
}

/* An imported record's status and owner must agree: a pending or claimed
 * record has an owner, a new or queued one has none, and an offered one
 * cannot be imported (there is no offer to bring along). Refused, they
 * change nothing; agreeing ones still import. */
static void test_imported_status_and_owner_must_agree(void **state)
{
	world *w = *state;
	rrd_distributor *d = w->d;
	static const struct {
		rrd_record_status status;
		const char *owner, *needle;
	} bad[] = {
		{ RRD_RECORD_PENDING, NULL, "a pending record needs an owner" },
		{ RRD_RECORD_CLAIMED, NULL, "a claimed record needs an owner" },
		{ RRD_RECORD_NEW, "A", "a new record has no owner" },
		{ RRD_RECORD_QUEUED, "A", "a queued record has no owner" },
		{ RRD_RECORD_OFFERED, "A", "an offered record cannot be imported" },
		{ RRD_RECORD_OFFERED, NULL, "an offered record cannot be imported" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		rrd_record *r;
		assert_int_equal(rrd_record_new(&r, "N1", RRD_KIND_LEAD), RRD_OK);
		assert_int_equal(rrd_record_set_status(r, bad[i].status), RRD_OK);
		assert_int_equal(rrd_record_set_owner(r, bad[i].owner), RRD_OK);
		REFUSED(w, RRD_E_INVALID, bad[i].needle, rrd_distributor_put_record(d, r));
		rrd_record_free(r);
	}
	finish();
	static const struct {
		const char *id;
		rrd_record_status status;
		const char *owner;
	} good[] = {
		{ "N1", RRD_RECORD_NEW, NULL },
		{ "D-1", RRD_RECORD_DEACTIVATED, "A" },
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		rrd_record *r;
		assert_int_equal(rrd_record_new(&r, good[i].id, RRD_KIND_LEAD), RRD_OK);
		assert_int_equal(rrd_record_set_status(r, good[i].status), RRD_OK);
		assert_int_equal(rrd_record_set_owner(r, good[i].owner), RRD_OK);
		assert_int_equal(rrd_distributor_put_record(d, r), RRD_OK);
		rrd_record_free(r);
	}
}

/* A calendar with no open hours never opens: every offer counted in its
 * open time would wait for ever. Refused, new or replacing one, holidays
 * or not; the distributor keeps what it had. */
static void test_calendar_with_no_open_hours_is_refused(void **state)
{
	world *w = *state;
	rrd_distributor *d = w->d;
	const char *const cal_ids[] = { "nocal", "office" };
	for (size_t i = 0; i < 2; i++) {
		rrd_calendar *cal;
		assert_int_equal(rrd_calendar_new(&cal, cal_ids[i], "America/New_York"), RRD_OK);
		REFUSED(w, RRD_E_INVALID, "has no open hours",
			rrd_distributor_put_calendar(d, cal));
		assert_int_equal(rrd_calendar_add_holiday(cal, 2026, 12, 25), RRD_OK);
		REFUSED(w, RRD_E_INVALID, "has no open hours",
			rrd_distributor_put_calendar(d, cal));
		rrd_calendar_free(cal);
	}
	finish();
}

static void test_duplicate_ids(void **state)
{
	world *w = *state;
	rrd_distributor *d = w->d;
	/* A new record may not reuse an id, whatever the record says. */
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "P1", RRD_KIND_LEAD), RRD_OK);
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "web";
	REFUSED(w, RRD_E_EXISTS, "P1", rrd_distributor_submit(d, r, &so));
	REFUSED(w, RRD_E_EXISTS, "P1", rrd_distributor_submit(d, r, NULL));
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, "A"), RRD_OK);
	REFUSED(w, RRD_E_EXISTS, "P1", rrd_distributor_put_record(d, r));
	rrd_record_free(r);

	REFUSED(w, RRD_E_EXISTS, "B", rrd_distributor_pool_add_member(d, "web", "B"));

	rrd_rule *u, *v;
	assert_int_equal(rrd_rule_new(&u, "r-web", "idle"), RRD_OK);
	REFUSED(w, RRD_E_EXISTS, "r-web", rrd_distributor_add_rule(d, u));
	rrd_rule_free(u);
	assert_int_equal(rrd_rule_new(&u, "r-twice", "web"), RRD_OK);
	assert_int_equal(rrd_rule_new(&v, "r-twice", "idle"), RRD_OK);
	const rrd_rule *list[] = { u, v };
	REFUSED(w, RRD_E_EXISTS, "r-twice", rrd_distributor_set_rules(d, list, 2));
	rrd_rule_free(u);
	rrd_rule_free(v);

	rrd_strategy_methods m = { RRD_STRATEGY_METHODS_VERSION, pick_nothing, NULL };
	rrd_strategy s = -1;
	REFUSED(w, RRD_E_EXISTS, "round_robin",
		rrd_distributor_register_strategy(d, "round_robin", &m, NULL, &s));
	REFUSED(w, RRD_E_EXISTS, "nearest",
		rrd_distributor_register_strategy(d, "nearest", &m, NULL, &s));
	check(s == -1, "register_strategy: a refused call wrote a strategy id");
	assert_int_equal(rrd_distributor_register_strategy(d, "mine", &m, NULL, &s), RRD_OK);
	assert_int_equal(s, RRD_STRATEGY_CUSTOM);
	rebase(w);
	s = -1;
	REFUSED(w, RRD_E_EXISTS, "mine", rrd_distributor_register_strategy(d, "mine", &m, NULL, &s));
	check(s == -1, "register_strategy: a refused call wrote a strategy id");

	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "np", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	REFUSED(NULL, RRD_E_EXISTS, "A", rrd_pool_add_member(p, "A"));
	check(rrd_pool_member_count(p) == 1, "rrd_pool_add_member: a duplicate was added");
	REFUSED(NULL, RRD_E_NOTFOUND, "B", rrd_pool_remove_member(p, "B"));
	rrd_pool_free(p);
	finish();
}

/*
 * Runs fn in a child process. A crash inside the library may happen with
 * the distributor's lock held, and recovering from it in this process
 * would leave the teardown waiting on that lock forever; in a child it
 * is simply reported. The child's own failed checks count here too.
 */
static void in_child(void (*fn)(world *), world *w, const char *what)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
			signal(sigs[i], SIG_DFL);
		failures = 0;
		fn(w);
		fflush(stdout);
		fflush(stderr);
		_exit(failures ? 1 : 0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		check(0, "%s: crashed with signal %d", what, WTERMSIG(st));
	else
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: checks failed (printed above)",
		      what);
}

static void register_without_a_name(world *w)
{
	rrd_strategy_methods m = { RRD_STRATEGY_METHODS_VERSION, pick_nothing, NULL };
	rrd_strategy s = -1;
	/* The name lookup must not compare the registered names with NULL. */
	REFUSED(w, RRD_E_INVALID, "name", rrd_distributor_register_strategy(w->d, NULL, &m, NULL, &s));
	check(s == -1, "register_strategy: a refused call wrote a strategy id");
}

static void test_register_strategy_without_a_name_after_another(void **state)
{
	world *w = *state;
	rrd_strategy_methods m = { RRD_STRATEGY_METHODS_VERSION, pick_nothing, NULL };
	rrd_strategy s = -1;
	/* Before any registration there is nothing to compare with. */
	register_without_a_name(w);
	assert_int_equal(rrd_distributor_register_strategy(w->d, "mine", &m, NULL, &s), RRD_OK);
	rebase(w);
	in_child(register_without_a_name, w, "register_strategy(NULL name) after \"mine\"");
	finish();
}

/* ---- other refusals the distributor documents ----------------------- */

static void test_documented_refusals_change_nothing(void **state)
{
	world *w = *state;
	rrd_distributor *d = w->d;
	rrd_pool *p;
	/* A pool's kind is fixed once put. */
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_DEAL), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	REFUSED(w, RRD_E_INVALID, "web", rrd_distributor_put_pool(d, p));
	rrd_pool_free(p);
	/* Piranha offers to everyone; draining its queue one by one is refused. */
	assert_int_equal(rrd_pool_new(&p, "np", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, RRD_STRATEGY_PIRANHA), RRD_OK);
	assert_int_equal(rrd_pool_set_auto_drain(p, 1), RRD_OK);
	REFUSED(w, RRD_E_INVALID, "auto_drain", rrd_distributor_put_pool(d, p));
	/* A custom strategy id nobody registered. */
	assert_int_equal(rrd_pool_set_auto_drain(p, 0), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, RRD_STRATEGY_CUSTOM + 7), RRD_OK);
	REFUSED(w, RRD_E_INVALID, "1007", rrd_distributor_put_pool(d, p));
	rrd_pool_free(p);

	/* A rule's pools hold one kind, the rule's if it names one. */
	rrd_rule *u;
	assert_int_equal(rrd_rule_new(&u, "r-new", "web"), RRD_OK);
	assert_int_equal(rrd_rule_set_kind(u, RRD_KIND_DEAL), RRD_OK);
	REFUSED(w, RRD_E_KIND_MISMATCH, "web", rrd_distributor_add_rule(d, u));
	rrd_rule_free(u);
	assert_int_equal(rrd_rule_new(&u, "r-new", "web"), RRD_OK);
	assert_int_equal(rrd_rule_add_overflow(u, "dealdesk"), RRD_OK);
	REFUSED(w, RRD_E_KIND_MISMATCH, "dealdesk", rrd_distributor_add_rule(d, u));
	rrd_rule_free(u);
	assert_int_equal(rrd_rule_new(&u, "r-new", "web"), RRD_OK);
	assert_int_equal(rrd_rule_set_strategy(u, RRD_STRATEGY_CUSTOM + 3), RRD_OK);
	REFUSED(w, RRD_E_INVALID, "1003", rrd_distributor_add_rule(d, u));
	rrd_rule_free(u);

	/* Declining needs a live offer to that agent. */
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_decline(d, "P1", "C"));
	REFUSED(w, RRD_E_INVALID, NULL, rrd_distributor_decline(d, "P1", "A"));
	rrd_time due = 12345;
	REFUSED(w, RRD_E_NOTFOUND, NULL, rrd_distributor_next_deadline(d, &due));
	check(due == 12345, "next_deadline: wrote a time with no timer set");

	/* Kinds must match. */
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "D-1", RRD_KIND_DEAL), RRD_OK);
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "web";
	REFUSED(w, RRD_E_KIND_MISMATCH, "D-1", rrd_distributor_submit(d, r, &so));
	rrd_pick *pick = NULL;
	REFUSED(w, RRD_E_KIND_MISMATCH, "web", rrd_distributor_next_agent(d, "web", r, &pick));
	NO_OUTPUT("next_agent", pick, rrd_pick_free);
	REFUSED(w, RRD_E_KIND_MISMATCH, "web", rrd_distributor_explain(d, "web", r, &pick));
	NO_OUTPUT("explain", pick, rrd_pick_free);
	rrd_record_free(r);
	REFUSED(w, RRD_E_KIND_MISMATCH, "dealdesk",
		rrd_distributor_reassign_to_pool(d, "P1", "dealdesk", NULL));

	/* Manual moves: an inactive target, a record that is not pending. */
	REFUSED(w, RRD_E_INVALID, "D", rrd_distributor_assign(d, "P1", "D", NULL));
	REFUSED(w, RRD_E_NOT_PENDING, "K1", rrd_distributor_assign(d, "K1", "A", NULL));
	REFUSED(w, RRD_E_NOT_PENDING, "K1", rrd_distributor_reassign_to_pool(d, "K1", "web", NULL));
	REFUSED(w, RRD_E_NOT_PENDING, "K1",
		rrd_distributor_reassign_to_nearest(d, "K1", NULL, 0, NULL));
	/* Nobody eligible: the record stays with its owner. */
	REFUSED(w, RRD_E_NO_ELIGIBLE, "idle", rrd_distributor_reassign_to_pool(d, "P1", "idle", NULL));
	/* Nearest needs a location on the record, and an agent with one. */
	REFUSED(w, RRD_E_INVALID, "location",
		rrd_distributor_reassign_to_nearest(d, "P1", NULL, 0, NULL));
	REFUSED(w, RRD_E_NO_ELIGIBLE, NULL,
		rrd_distributor_reassign_to_nearest(d, "G1", NULL, 0, NULL));

	/* Piranha has no single next member. */
	REFUSED(w, RRD_E_UNSUPPORTED, NULL, rrd_distributor_next_agent(d, "grab", NULL, &pick));
	NO_OUTPUT("next_agent", pick, rrd_pick_free);
	REFUSED(w, RRD_E_UNSUPPORTED, NULL, rrd_distributor_explain(d, "grab", NULL, &pick));
	NO_OUTPUT("explain", pick, rrd_pick_free);

	/* Nobody eligible still hands out the pick; explaining says why. */
	REFUSED(w, RRD_E_NO_ELIGIBLE, "idle", rrd_distributor_next_agent(d, "idle", NULL, &pick));
	check(pick != NULL && rrd_pick_agent(pick) == NULL,
	      "next_agent: no pick, or one naming an agent, for RRD_E_NO_ELIGIBLE");
	rrd_pick_free(pick);
	pick = NULL;
	REFUSED(w, RRD_E_NO_ELIGIBLE, "idle", rrd_distributor_explain(d, "idle", NULL, &pick));
	check(pick != NULL, "explain: no pick for RRD_E_NO_ELIGIBLE");
	if (pick) {
		const char *who = NULL;
		rrd_skip_reason why = 0;
		check(rrd_pick_agent(pick) == NULL, "explain: a pick names an agent");
		check(rrd_pick_skipped_count(pick) == 1 &&
			      rrd_pick_skipped(pick, 0, &who, &why) == RRD_OK &&
			      strcmp(who, "D") == 0 && why == RRD_SKIP_INACTIVE,
		      "explain: the pick does not say D is inactive");
		REFUSED(NULL, RRD_E_INVALID, NULL, rrd_pick_skipped(pick, 1, &who, &why));
		rrd_pick_free(pick);
	}
	finish();
}

/* ---- numbers out of range ------------------------------------------- */

static void test_weights_and_capacities_out_of_range(void **state)
{
	(void)state;
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "A"), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, 7), RRD_OK);
	const int64_t bad_weights[] = { 0, -1, 1000001, INT64_MIN, INT64_MAX };
	for (size_t i = 0; i < sizeof bad_weights / sizeof *bad_weights; i++) {
		char what[80];
		snprintf(what, sizeof what, "rrd_agent_set_weight(%lld)", (long long)bad_weights[i]);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "weight", rrd_agent_set_weight(a, bad_weights[i]));
		check(rrd_agent_weight(a) == 7, "%s: weight changed to %lld", what,
		      (long long)rrd_agent_weight(a));
	}
	assert_int_equal(rrd_agent_set_weight(a, 1), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, 1000000), RRD_OK);
	assert_int_equal(rrd_agent_weight(a), 1000000);

	assert_int_equal(rrd_agent_set_capacity_open(a, 5), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_per_day(a, 6), RRD_OK);
	const int64_t bad_caps[] = { -2, -1000, INT64_MIN };
	for (size_t i = 0; i < sizeof bad_caps / sizeof *bad_caps; i++) {
		char what[80];
		snprintf(what, sizeof what, "rrd_agent_set_capacity_open(%lld)", (long long)bad_caps[i]);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "capacity",
			   rrd_agent_set_capacity_open(a, bad_caps[i]));
		check(rrd_agent_capacity_open(a) == 5, "%s: capacity changed", what);
		snprintf(what, sizeof what, "rrd_agent_set_capacity_per_day(%lld)",
			 (long long)bad_caps[i]);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "capacity",
			   rrd_agent_set_capacity_per_day(a, bad_caps[i]));
		check(rrd_agent_capacity_per_day(a) == 6, "%s: capacity changed", what);
	}
	/* RRD_UNLIMITED and zero are both meaningful. */
	assert_int_equal(rrd_agent_set_capacity_open(a, RRD_UNLIMITED), RRD_OK);
	assert_int_equal(rrd_agent_capacity_open(a), RRD_UNLIMITED);
	assert_int_equal(rrd_agent_set_capacity_open(a, 0), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_per_day(a, RRD_UNLIMITED), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_per_day(a, 0), RRD_OK);
	rrd_agent_free(a);

	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	REFUSED(NULL, RRD_E_INVALID, "window", rrd_pool_set_claim_window(p, -2));
	REFUSED(NULL, RRD_E_INVALID, "window", rrd_pool_set_claim_window(p, INT64_MIN));
	check(rrd_pool_claim_window(p) == 5 * RRD_MINUTE, "rrd_pool_set_claim_window: changed");
	assert_int_equal(rrd_pool_set_claim_window(p, RRD_NO_WINDOW), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 0), RRD_OK);
	rrd_pool_free(p);

	rrd_rule *u;
	assert_int_equal(rrd_rule_new(&u, "r1", "web"), RRD_OK);
	REFUSED(NULL, RRD_E_INVALID, "max_offers", rrd_rule_set_max_offers(u, 0));
	REFUSED(NULL, RRD_E_INVALID, "max_offers", rrd_rule_set_max_offers(u, -2));
	check(rrd_rule_max_offers(u) == RRD_UNLIMITED, "rrd_rule_set_max_offers: changed");
	REFUSED(NULL, RRD_E_INVALID, "window", rrd_rule_set_claim_window(u, -3));
	check(rrd_rule_claim_window(u) == RRD_WINDOW_INHERIT, "rrd_rule_set_claim_window: changed");
	rrd_rule_free(u);
	finish();
}

static void test_coordinates_out_of_range(void **state)
{
	(void)state;
	const struct {
		double lat, lon;
	} bad[] = {
		{ NAN, 0 }, { 0, NAN }, { INFINITY, 0 }, { -INFINITY, 0 }, { 0, INFINITY },
		{ 0, -INFINITY }, { 90.000001, 0 }, { -90.5, 0 }, { 0, 180.000001 }, { 0, -181 },
		{ 1e300, 1e300 },
	};
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, "A"), RRD_OK);
	assert_int_equal(rrd_agent_set_location(a, 10, 20), RRD_OK);
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_location(r, -10, -20), RRD_OK);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char what[120];
		double lat = 0, lon = 0;
		snprintf(what, sizeof what, "rrd_agent_set_location(%g, %g)", bad[i].lat, bad[i].lon);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "latitude",
			   rrd_agent_set_location(a, bad[i].lat, bad[i].lon));
		check(rrd_agent_location(a, &lat, &lon) && lat == 10 && lon == 20,
		      "%s: location changed", what);
		snprintf(what, sizeof what, "rrd_record_set_location(%g, %g)", bad[i].lat, bad[i].lon);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "latitude",
			   rrd_record_set_location(r, bad[i].lat, bad[i].lon));
		check(rrd_record_location(r, &lat, &lon) && lat == -10 && lon == -20,
		      "%s: location changed", what);
	}
	/* The edges of the ranges are places. */
	assert_int_equal(rrd_agent_set_location(a, 90, 180), RRD_OK);
	assert_int_equal(rrd_agent_set_location(a, -90, -180), RRD_OK);
	assert_int_equal(rrd_record_set_location(r, 90, -180), RRD_OK);
	rrd_agent_free(a);
	rrd_record_free(r);
	finish();
}

/* ---- unknown enum values -------------------------------------------- */

static void test_unknown_kinds_strategies_and_statuses(void **state)
{
	(void)state;
	const int bad_kinds[] = { 0, 5, -1, INT_MAX };
	for (size_t i = 0; i < sizeof bad_kinds / sizeof *bad_kinds; i++) {
		char what[80];
		rrd_pool *p = NULL;
		rrd_record *r = NULL;
		snprintf(what, sizeof what, "rrd_pool_new(kind %d)", bad_kinds[i]);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "kind", rrd_pool_new(&p, "np", (rrd_kind)bad_kinds[i]));
		NO_OUTPUT(what, p, rrd_pool_free);
		snprintf(what, sizeof what, "rrd_record_new(kind %d)", bad_kinds[i]);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "kind",
			   rrd_record_new(&r, "N1", (rrd_kind)bad_kinds[i]));
		NO_OUTPUT(what, r, rrd_record_free);
		check(rrd_kind_name((rrd_kind)bad_kinds[i]) == NULL, "rrd_kind_name(%d) is not NULL",
		      bad_kinds[i]);
	}
	rrd_kind k = RRD_KIND_DEAL;
	REFUSED(NULL, RRD_E_INVALID, "Lead", rrd_kind_parse("Lead", &k));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_kind_parse("", &k));
	check(k == RRD_KIND_DEAL, "rrd_kind_parse: a refused call wrote a kind");

	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "np", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, RRD_STRATEGY_LEAST_BUSY), RRD_OK);
	const int bad_strategies[] = { 0, -1, 8, 999, INT_MIN };
	for (size_t i = 0; i < sizeof bad_strategies / sizeof *bad_strategies; i++) {
		char what[80];
		snprintf(what, sizeof what, "rrd_pool_set_strategy(%d)", bad_strategies[i]);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "strategy",
			   rrd_pool_set_strategy(p, bad_strategies[i]));
		check(rrd_pool_strategy(p) == RRD_STRATEGY_LEAST_BUSY, "%s: strategy changed", what);
		check(rrd_strategy_name(bad_strategies[i]) == NULL, "rrd_strategy_name(%d) is not NULL",
		      bad_strategies[i]);
	}
	rrd_pool_free(p);
	check(rrd_strategy_name(RRD_STRATEGY_CUSTOM) == NULL,
	      "rrd_strategy_name(RRD_STRATEGY_CUSTOM) is not NULL");
	rrd_strategy s = RRD_STRATEGY_RANDOM;
	REFUSED(NULL, RRD_E_INVALID, "Round_Robin", rrd_strategy_parse("Round_Robin", &s));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_strategy_parse("", &s));
	check(s == RRD_STRATEGY_RANDOM, "rrd_strategy_parse: a refused call wrote a strategy");

	rrd_rule *u;
	assert_int_equal(rrd_rule_new(&u, "r1", "web"), RRD_OK);
	REFUSED(NULL, RRD_E_INVALID, "kind", rrd_rule_set_kind(u, 5));
	REFUSED(NULL, RRD_E_INVALID, "strategy", rrd_rule_set_strategy(u, 8));
	check(rrd_rule_kind(u) == 0 && rrd_rule_strategy(u) == RRD_STRATEGY_INHERIT,
	      "rrd_rule setters: a refused call changed the rule");
	rrd_rule_free(u);

	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "N1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_CLAIMED), RRD_OK);
	const int bad_statuses[] = { 0, 7, -1, INT_MAX };
	for (size_t i = 0; i < sizeof bad_statuses / sizeof *bad_statuses; i++) {
		char what[80];
		snprintf(what, sizeof what, "rrd_record_set_status(%d)", bad_statuses[i]);
		REFUSED_AS(NULL, what, RRD_E_INVALID, "status",
			   rrd_record_set_status(r, (rrd_record_status)bad_statuses[i]));
		check(rrd_record_status_of(r) == RRD_RECORD_CLAIMED, "%s: status changed", what);
		check(rrd_record_status_name((rrd_record_status)bad_statuses[i]) == NULL,
		      "rrd_record_status_name(%d) is not NULL", bad_statuses[i]);
	}
	rrd_record_free(r);
	rrd_record_status rs = RRD_RECORD_QUEUED;
	REFUSED(NULL, RRD_E_INVALID, "Pending", rrd_record_status_parse("Pending", &rs));
	check(rs == RRD_RECORD_QUEUED, "rrd_record_status_parse: a refused call wrote a status");

	rrd_calendar *c;
	REFUSED(NULL, RRD_E_INVALID, "Mars/Olympus_Mons",
		rrd_calendar_new(&c, "nocal", "Mars/Olympus_Mons"));
	assert_int_equal(rrd_calendar_new(&c, "nocal", "UTC"), RRD_OK);
	REFUSED(NULL, RRD_E_INVALID, "7", rrd_calendar_add_hours(c, (rrd_weekday)7, 0, 60));
	REFUSED(NULL, RRD_E_INVALID, "-1", rrd_calendar_add_hours(c, (rrd_weekday)-1, 0, 60));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_calendar_add_hours(c, RRD_MONDAY, 60, 60));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_calendar_add_hours(c, RRD_MONDAY, -1, 60));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_calendar_add_hours(c, RRD_MONDAY, 0, 1441));
	REFUSED(NULL, RRD_E_INVALID, "2026-02-30", rrd_calendar_add_holiday(c, 2026, 2, 30));
	check(rrd_calendar_hours_count(c, RRD_MONDAY) == 0 && rrd_calendar_holiday_count(c) == 0,
	      "calendar: a refused call added hours or a holiday");
	rrd_calendar_free(c);

	/* Names of values outside each enum. */
	check(rrd_skip_reason_name((rrd_skip_reason)0) == NULL &&
		      rrd_skip_reason_name((rrd_skip_reason)9) == NULL,
	      "rrd_skip_reason_name of an unknown value is not NULL");
	check(rrd_queue_reason_name((rrd_queue_reason)0) == NULL &&
		      rrd_queue_reason_name((rrd_queue_reason)5) == NULL,
	      "rrd_queue_reason_name of an unknown value is not NULL");
	check(rrd_event_type_name((rrd_event_type)0) == NULL &&
		      rrd_event_type_name((rrd_event_type)15) == NULL,
	      "rrd_event_type_name of an unknown value is not NULL");
	check(rrd_via_name((rrd_via)0) == NULL && rrd_via_name((rrd_via)9) == NULL,
	      "rrd_via_name of an unknown value is not NULL");
	check(rrd_claim_result_name(RRD_CLAIM_WON) == NULL &&
		      rrd_claim_result_name((rrd_claim_result)5) == NULL,
	      "rrd_claim_result_name of RRD_CLAIM_WON or an unknown value is not NULL");
	check(strcmp(rrd_status_name((rrd_status)1), "unknown_status") == 0 &&
		      strcmp(rrd_status_name((rrd_status)-27), "unknown_status") == 0 &&
		      strcmp(rrd_status_name((rrd_status)INT_MIN), "unknown_status") == 0,
	      "rrd_status_name of an unknown value is not \"unknown_status\"");
	finish();
}

/* ---- record documents ----------------------------------------------- */

static void test_record_documents_that_are_not_records(void **state)
{
	(void)state;
	const struct {
		const char *doc, *needle;
	} bad[] = {
		{ "{", NULL },
		{ "[]", NULL },
		{ "{\"kind\":\"lead\"}", "id" },
		{ "{\"id\":\"L1\"}", "kind" },
		{ "{\"id\":\"\",\"kind\":\"lead\"}", "empty" },
		{ "{\"id\":\"L\\u0001\",\"kind\":\"lead\"}", "control" },
		{ "{\"id\":\"L1\",\"kind\":\"robot\"}", "robot" },
		{ "{\"id\":\"L1\",\"kind\":\"lead\",\"status\":\"lost\"}", "lost" },
		{ "{\"id\":\"L1\",\"kind\":\"lead\",\"owner\":7}", NULL },
		{ "{\"id\":\"L1\",\"kind\":\"lead\",\"owner\":\"\"}", "empty" },
		{ "{\"id\":\"L1\",\"kind\":\"lead\",\"created_at\":1.5}", NULL },
		/* Beyond what a 64-bit time holds: refused, not converted. */
		{ "{\"id\":\"L1\",\"kind\":\"lead\",\"created_at\":1e300}", "9999" },
		{ "{\"id\":\"L1\",\"kind\":\"lead\",\"reassigned_at\":-46116860184273187904}",
		  "9999" },
		{ "{\"id\":\"L1\",\"kind\":\"lead\",\"location\":{\"lat\":100,\"lon\":0}}",
		  "latitude" },
		{ "{\"id\":\"L1\",\"kind\":\"lead\",\"attrs\":{\"zip\":1}}", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char what[200];
		snprintf(what, sizeof what, "rrd_record_from_json(%s)", bad[i].doc);
		rrd_record *r = NULL;
		REFUSED_AS(NULL, what, RRD_E_PARSE, bad[i].needle,
			   rrd_record_from_json(&r, bad[i].doc, strlen(bad[i].doc)));
		NO_OUTPUT(what, r, rrd_record_free);
	}
	/* The length bounds the document: a cut one is not a record. */
	const char *whole = "{\"id\":\"L1\",\"kind\":\"lead\"}";
	rrd_record *r = NULL;
	REFUSED(NULL, RRD_E_PARSE, NULL, rrd_record_from_json(&r, whole, strlen(whole) - 1));
	NO_OUTPUT("rrd_record_from_json (cut short)", r, rrd_record_free);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_from_json(NULL, whole, strlen(whole)));
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_from_json(&r, NULL, 0));
	NO_OUTPUT("rrd_record_from_json (NULL text)", r, rrd_record_free);
	char *text = NULL;
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_to_json(NULL, &text));
	check(text == NULL, "rrd_record_to_json: a refused call handed out text");
	assert_int_equal(rrd_record_from_json(&r, whole, strlen(whole)), RRD_OK);
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_record_to_json(r, NULL));
	rrd_record_free(r);
	finish();
}

/* ---- tables of an unknown version ----------------------------------- */

static void test_option_tables_of_unknown_versions(void **state)
{
	world *w = *state;
	rrd_distributor *d = w->d;
	rrd_distributor_options o;
	memset(&o, 0xAB, sizeof o);
	REFUSED(w, RRD_E_VERSION, "0", rrd_distributor_options_init(&o, 0));
	REFUSED(w, RRD_E_VERSION, "3", rrd_distributor_options_init(&o, 3));
	REFUSED(w, RRD_E_VERSION, NULL, rrd_distributor_options_init(&o, UINT_MAX));
	assert_int_equal(rrd_distributor_options_init(&o, RRD_DISTRIBUTOR_OPTIONS_VERSION), RRD_OK);
	assert_int_equal(o.version, RRD_DISTRIBUTOR_OPTIONS_VERSION);
	assert_null(o.clock);
	assert_null(o.on_event);

	rrd_distributor *nd = NULL;
	o.version = 0;
	REFUSED(w, RRD_E_VERSION, "0", rrd_distributor_new(&nd, w->f->store, &o));
	NO_OUTPUT("rrd_distributor_new", nd, rrd_distributor_free);
	o.version = RRD_DISTRIBUTOR_OPTIONS_VERSION + 1;
	REFUSED(w, RRD_E_VERSION, "3", rrd_distributor_new(&nd, w->f->store, &o));
	NO_OUTPUT("rrd_distributor_new", nd, rrd_distributor_free);
	o.version = RRD_DISTRIBUTOR_OPTIONS_VERSION;
	/* Negative, other than RRD_REDISTRIBUTE_NONE. */
	o.redistribute_max = -2;
	REFUSED(w, RRD_E_INVALID, "redistribute_max", rrd_distributor_new(&nd, w->f->store, &o));
	NO_OUTPUT("rrd_distributor_new", nd, rrd_distributor_free);
	o.redistribute_max = INT64_MIN;
	REFUSED(w, RRD_E_INVALID, "redistribute_max", rrd_distributor_new(&nd, w->f->store, &o));
	NO_OUTPUT("rrd_distributor_new", nd, rrd_distributor_free);
	o.redistribute_max = 0;
	/* Negative, other than RRD_RETRY_NONE. */
	o.max_retries = -2;
	REFUSED(w, RRD_E_INVALID, "max_retries", rrd_distributor_new(&nd, w->f->store, &o));
	NO_OUTPUT("rrd_distributor_new", nd, rrd_distributor_free);
	o.max_retries = INT_MIN;
	REFUSED(w, RRD_E_INVALID, "max_retries", rrd_distributor_new(&nd, w->f->store, &o));
	NO_OUTPUT("rrd_distributor_new", nd, rrd_distributor_free);
	o.max_retries = 0;

	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "N1", RRD_KIND_LEAD), RRD_OK);
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "web";
	so.version = 0;
	REFUSED(w, RRD_E_VERSION, "0", rrd_distributor_submit(d, r, &so));
	so.version = RRD_SUBMIT_OPTIONS_VERSION + 1;
	REFUSED(w, RRD_E_VERSION, "2", rrd_distributor_submit(d, r, &so));
	rrd_record_free(r);

	rrd_move_options mo = RRD_MOVE_OPTIONS_INIT;
	const unsigned versions[] = { 0, RRD_MOVE_OPTIONS_VERSION + 1 };
	for (size_t i = 0; i < 2; i++) {
		mo.version = versions[i];
		char what[120];
		snprintf(what, sizeof what, "assign with move options version %u", versions[i]);
		REFUSED_AS(w, what, RRD_E_VERSION, "version", rrd_distributor_assign(d, "P1", "A", &mo));
		snprintf(what, sizeof what, "reassign_to_pool with move options version %u", versions[i]);
		REFUSED_AS(w, what, RRD_E_VERSION, "version",
			   rrd_distributor_reassign_to_pool(d, "P1", "web", &mo));
		snprintf(what, sizeof what, "reassign_to_nearest with move options version %u",
			 versions[i]);
		REFUSED_AS(w, what, RRD_E_VERSION, "version",
			   rrd_distributor_reassign_to_nearest(d, "G1", NULL, 0, &mo));
	}

	rrd_strategy s = -1;
	rrd_strategy_methods m = { 0, pick_nothing, NULL };
	REFUSED(w, RRD_E_VERSION, "0", rrd_distributor_register_strategy(d, "mine", &m, NULL, &s));
	m.version = RRD_STRATEGY_METHODS_VERSION + 1;
	REFUSED(w, RRD_E_VERSION, "2", rrd_distributor_register_strategy(d, "mine", &m, NULL, &s));
	m.version = RRD_STRATEGY_METHODS_VERSION;
	m.pick = NULL;
	REFUSED(w, RRD_E_INVALID, "pick", rrd_distributor_register_strategy(d, "mine", &m, NULL, &s));
	check(s == -1, "register_strategy: a refused call wrote a strategy id");

	rrd_store_methods sm;
	memset(&sm, 0, sizeof sm);
	rrd_store *st = NULL;
	REFUSED(NULL, RRD_E_VERSION, "0", rrd_store_new(&st, &sm, NULL));
	NO_OUTPUT("rrd_store_new", st, rrd_store_free);
	sm.version = RRD_STORE_METHODS_VERSION;
	REFUSED(NULL, RRD_E_INVALID, NULL, rrd_store_new(&st, &sm, NULL));
	NO_OUTPUT("rrd_store_new", st, rrd_store_free);
	finish();
}

/* ---- the allocator -------------------------------------------------- */

static long counted;

static void *c_malloc(size_t size, void *user)
{
	(void)user;
	counted++;
	return malloc(size);
}

static void *c_realloc(void *ptr, size_t size, void *user)
{
	(void)user;
	counted++;
	return realloc(ptr, size);
}

static void c_free(void *ptr, void *user)
{
	(void)user;
	free(ptr);
}

/* Whether allocations go through the counting hooks now. */
static int counting_is_installed(void)
{
	long before = counted;
	rrd_agent *a = NULL;
	assert_int_equal(rrd_agent_new(&a, "probe"), RRD_OK);
	rrd_agent_free(a);
	return counted > before;
}

static void test_allocator_tables_are_checked(void **state)
{
	(void)state;
	failures = 0;
	const rrd_allocator good = { RRD_ALLOCATOR_VERSION, c_malloc, c_realloc, c_free, NULL };
	rrd_allocator bad[] = {
		{ 0, c_malloc, c_realloc, c_free, NULL },
		{ RRD_ALLOCATOR_VERSION + 1, c_malloc, c_realloc, c_free, NULL },
		{ RRD_ALLOCATOR_VERSION, NULL, c_realloc, c_free, NULL },
		{ RRD_ALLOCATOR_VERSION, c_malloc, NULL, c_free, NULL },
		{ RRD_ALLOCATOR_VERSION, c_malloc, c_realloc, NULL, NULL },
		{ RRD_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL },
	};
	const rrd_status want[] = { RRD_E_VERSION, RRD_E_VERSION, RRD_E_INVALID,
				    RRD_E_INVALID, RRD_E_INVALID, RRD_E_INVALID };
	const char *needle[] = { "version", "version", "NULL", "NULL", "NULL", "NULL" };
	/* Refused over the default allocator: it stays, and still works. */
	for (size_t i = 0; i < 6; i++) {
		char what[80];
		snprintf(what, sizeof what, "rrd_set_allocator(bad table %zu) over the default", i);
		REFUSED_AS(NULL, what, want[i], needle[i], rrd_set_allocator(&bad[i]));
		check(!counting_is_installed(), "%s: the refused table was installed", what);
	}
	/* Refused over a host allocator: that one stays. */
	assert_int_equal(rrd_set_allocator(&good), RRD_OK);
	for (size_t i = 0; i < 6; i++) {
		char what[80];
		snprintf(what, sizeof what, "rrd_set_allocator(bad table %zu) over a host's", i);
		REFUSED_AS(NULL, what, want[i], needle[i], rrd_set_allocator(&bad[i]));
		check(counting_is_installed(), "%s: the host's allocator was dropped", what);
	}
	assert_int_equal(rrd_set_allocator(NULL), RRD_OK);
	check(!counting_is_installed(), "rrd_set_allocator(NULL) kept the host's allocator");
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_malformed_ids_are_refused_by_the_distributor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_ids_are_refused_by_value_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_at_the_limits_are_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_handles_and_out_pointers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calendar_with_no_open_hours_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_imported_status_and_owner_must_agree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_strategy_without_a_name_after_another, setup, teardown),
		cmocka_unit_test_setup_teardown(test_documented_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weights_and_capacities_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coordinates_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_kinds_strategies_and_statuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_documents_that_are_not_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_option_tables_of_unknown_versions, setup, teardown),
		cmocka_unit_test(test_allocator_tables_are_checked),
	};
	return cmocka_run_group_tests_name("bad_input", tests, NULL, NULL);
}
