/* Redistribution: selection, spreading, preview, limits, batches, the
 * store's lock, and undo. */
#include <stdlib.h>
#include <string.h>

#include "../support/faulty_store.h"
#include "../support/fixture.h"

static void agent(fixture *f, const char *id, const char *type, int active, int paused)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	if (type)
		assert_int_equal(rrd_agent_add_type(a, type), RRD_OK);
	assert_int_equal(rrd_agent_set_active(a, active), RRD_OK);
	assert_int_equal(rrd_agent_set_paused(a, paused), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

/* A customer; `bdc` holds the sales_bdc role when given. */
static void import(fixture *f, const char *id, rrd_record_status st, const char *owner,
		   const char *bdc, const char *segment)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, st), RRD_OK);
	if (owner) {
		assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
		assert_int_equal(rrd_record_set_role(r, "salesperson", owner), RRD_OK);
	}
	if (bdc)
		assert_int_equal(rrd_record_set_role(r, "sales_bdc", bdc), RRD_OK);
	if (segment)
		assert_int_equal(rrd_record_set_attr(r, "segment", segment), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
}

static rrd_redistribution *describe(void)
{
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	return rd;
}

static void to_agents(rrd_redistribution *rd, const char *a, const char *b)
{
	const char *ids[] = { a, b };
	assert_int_equal(rrd_redistribution_to_agents(rd, ids, b ? 2 : 1), RRD_OK);
}

static rrd_status run(fixture *f, rrd_redistribution *rd, char job[RRD_JOB_ID_MAX + 1])
{
	rrd_status rc = rrd_distributor_redistribute(f->dist, rd, job, RRD_JOB_ID_MAX + 1);
	rrd_redistribution_free(rd);
	return rc;
}

static const char *role(fixture *f, const char *id, const char *name)
{
	static char buf[RRD_ID_MAX + 1];
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, id, &r), RRD_OK);
	const char *v = rrd_record_role(r, name);
	snprintf(buf, sizeof buf, "%s", v ? v : "");
	rrd_record_free(r);
	return buf;
}

/* alice leaves; bob and carol are salespeople, erin is a paused one,
 * frank an inactive one, dan a BDC. */
static fixture *setup(void)
{
	fixture *f = fix_new(0);
	agent(f, "alice", "salesperson", 1, 0);
	agent(f, "bob", "salesperson", 1, 0);
	agent(f, "dan", "sales_bdc", 1, 0);
	agent(f, "erin", "salesperson", 1, 1);
	agent(f, "frank", "salesperson", 0, 0);
	agent(f, "carol", "salesperson", 1, 0);
	return f;
}

static void from_agent_with_roles_takes_those_roles(void **state)
{
	(void)state;
	fixture *f = setup();
	import(f, "C-1", RRD_RECORD_PENDING, "alice", "dan", NULL);
	import(f, "C-2", RRD_RECORD_CLAIMED, "bob", "alice", NULL); /* alice is BDC here */
	import(f, "C-3", RRD_RECORD_PENDING, "bob", "dan", NULL);   /* not alice's */
	import(f, "C-4", RRD_RECORD_DEACTIVATED, "alice", NULL, NULL);
	f->now += RRD_HOUR;

	rrd_redistribution *rd = describe();
	const char *roles[] = { "salesperson", "sales_bdc" };
	const char *types[] = { "salesperson" };
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", roles, 2), RRD_OK);
	assert_int_equal(rrd_redistribution_to_types(rd, types, 1), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_string_equal(job, "J1");
	/* Targets: active, unpaused salespeople but alice, in agent order. */
	assert_int_equal(f->nevents, 4);
	assert_string_equal(fix_event(f, 0), "redistribution_started J1 done=0 total=2 held=0");
	assert_string_equal(fix_event(f, 1), "assigned C-1 bob via=redistribute previous=alice");
	assert_string_equal(fix_event(f, 2), "assigned C-2 carol via=redistribute previous=bob");
	assert_string_equal(fix_event(f, 3), "redistribution_completed J1 done=2 total=2 held=0");
	/* The new owner takes the roles alice held, and only those. */
	assert_string_equal(role(f, "C-1", "salesperson"), "bob");
	assert_string_equal(role(f, "C-1", "sales_bdc"), "dan");
	assert_string_equal(role(f, "C-2", "salesperson"), "bob");
	assert_string_equal(role(f, "C-2", "sales_bdc"), "carol");
	assert_string_equal(fix_owner(f, "C-3"), "bob");
	assert_string_equal(fix_owner(f, "C-4"), "alice");
	/* Status kept; reassignment time set. */
	assert_int_equal(fix_status(f, "C-2"), RRD_RECORD_CLAIMED);
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, "C-2", &r), RRD_OK);
	assert_int_equal(rrd_record_reassigned_at(r), FIX_START + RRD_HOUR);
	rrd_record_free(r);
	fix_free(f);
}

static void from_agent_without_roles_moves_what_it_owns(void **state)
{
	(void)state;
	fixture *f = setup();
	import(f, "C-1", RRD_RECORD_PENDING, "alice", "alice", NULL);
	import(f, "C-2", RRD_RECORD_PENDING, "bob", "alice", NULL);
	rrd_redistribution *rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "carol", NULL);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_string_equal(fix_owner(f, "C-1"), "carol");
	assert_string_equal(role(f, "C-1", "salesperson"), "carol");
	assert_string_equal(role(f, "C-1", "sales_bdc"), "carol");
	assert_string_equal(fix_owner(f, "C-2"), "bob");
	assert_string_equal(role(f, "C-2", "sales_bdc"), "alice");
	fix_free(f);
}

/* Property: over many sizes and target counts, the plan and the job
 * agree, shares differ by at most one, and every record has one owner. */
static void spreads_evenly_as_previewed(void **state)
{
	(void)state;
	srand(11);
	for (int round = 0; round < 20; round++) {
		fixture *f = fix_new(0);
		int ntargets = 1 + rand() % 5, nrec = rand() % 40;
		char id[32];
		agent(f, "src", NULL, 1, 0);
		const char *targets[5];
		char names[5][8];
		for (int i = 0; i < ntargets; i++) {
			snprintf(names[i], sizeof names[i], "t%d", i);
			agent(f, names[i], NULL, 1, 0);
			targets[i] = names[i];
		}
		for (int i = 0; i < nrec; i++) {
			snprintf(id, sizeof id, "R%d", i);
			import(f, id, i % 3 ? RRD_RECORD_PENDING : RRD_RECORD_QUEUED,
			       i % 3 ? "src" : NULL, NULL, NULL);
		}
		rrd_redistribution *rd = describe();
		assert_int_equal(rrd_redistribution_from_filter(rd), RRD_OK);
		assert_int_equal(rrd_redistribution_to_agents(rd, targets, (size_t)ntargets), RRD_OK);
		rrd_plan *plan;
		assert_int_equal(rrd_distributor_preview(f->dist, rd, &plan), RRD_OK);
		assert_int_equal(rrd_plan_total(plan), nrec);
		assert_int_equal(rrd_plan_target_count(plan), ntargets);
		char job[RRD_JOB_ID_MAX + 1];
		assert_int_equal(run(f, rd, job), RRD_OK);
		int64_t lo = INT64_MAX, hi = 0;
		for (int i = 0; i < ntargets; i++) {
			const char *who;
			int64_t n;
			assert_int_equal(rrd_plan_target(plan, (size_t)i, &who, &n), RRD_OK);
			assert_string_equal(who, names[i]);
			rrd_agent *a;
			assert_int_equal(rrd_distributor_get_agent(f->dist, who, &a), RRD_OK);
			assert_int_equal(rrd_agent_open_count(a), n);
			rrd_agent_free(a);
			lo = n < lo ? n : lo;
			hi = n > hi ? n : hi;
		}
		assert_true(hi - lo <= 1);
		rrd_plan_free(plan);
		rrd_queue *q;
		assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
		assert_int_equal(rrd_queue_count(q), 0);
		rrd_queue_free(q);
		fix_free(f);
	}
}

static void held_deactivated_and_queued(void **state)
{
	(void)state;
	fixture *f = setup();
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "bob"), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L-1", RRD_KIND_CUSTOMER), RRD_OK);
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "web";
	assert_int_equal(rrd_distributor_submit(f->dist, r, &so), RRD_OK);
	rrd_record_free(r);
	import(f, "Q-1", RRD_RECORD_QUEUED, NULL, NULL, NULL);
	import(f, "D-1", RRD_RECORD_DEACTIVATED, "alice", NULL, NULL);
	fix_clear_events(f);

	rrd_redistribution *rd = describe();
	const char *ids[] = { "L-1", "Q-1", "D-1" };
	assert_int_equal(rrd_redistribution_from_records(rd, ids, 3), RRD_OK);
	to_agents(rd, "carol", NULL);
	rrd_plan *plan;
	assert_int_equal(rrd_distributor_preview(f->dist, rd, &plan), RRD_OK);
	assert_int_equal(rrd_plan_total(plan), 1);
	assert_int_equal(rrd_plan_held(plan), 1);
	rrd_plan_free(plan);
	assert_int_equal(f->nevents, 0);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_string_equal(fix_event(f, 1), "assigned Q-1 carol via=redistribute");
	assert_string_equal(fix_event(f, 2), "redistribution_completed J1 done=1 total=1 held=1");
	assert_int_equal(fix_status(f, "Q-1"), RRD_RECORD_PENDING);
	assert_int_equal(fix_status(f, "L-1"), RRD_RECORD_OFFERED);
	assert_int_equal(fix_status(f, "D-1"), RRD_RECORD_DEACTIVATED);
	fix_free(f);
}

static void filters(void **state)
{
	(void)state;
	fixture *f = setup();
	import(f, "C-1", RRD_RECORD_PENDING, "alice", NULL, "service");
	import(f, "C-2", RRD_RECORD_CLAIMED, "alice", NULL, "service");
	import(f, "C-3", RRD_RECORD_PENDING, "dan", NULL, "service");
	import(f, "C-4", RRD_RECORD_PENDING, "bob", NULL, "sales");
	struct {
		const char *what;
		const char *expect; /* records moved, in order */
	} cases[] = {
		{ "owner alice", "C-1 C-2" },
		{ "status claimed", "C-2" },
		{ "types sales_bdc", "C-3" },
		{ "attr service", "C-1 C-2 C-3" },
		{ "kind lead", "" },
		{ "owner alice, attr service, status pending", "C-1" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		rrd_redistribution *rd = describe();
		const char *w = cases[i].what;
		if (strstr(w, "owner alice"))
			assert_int_equal(rrd_redistribution_filter_owner(rd, "alice"), RRD_OK);
		if (strstr(w, "status claimed"))
			assert_int_equal(rrd_redistribution_filter_status(rd, RRD_RECORD_CLAIMED), RRD_OK);
		if (strstr(w, "status pending"))
			assert_int_equal(rrd_redistribution_filter_status(rd, RRD_RECORD_PENDING), RRD_OK);
		if (strstr(w, "types sales_bdc")) {
			const char *t[] = { "sales_bdc" };
			assert_int_equal(rrd_redistribution_filter_owner_types(rd, t, 1), RRD_OK);
		}
		if (strstr(w, "attr service"))
			assert_int_equal(rrd_redistribution_filter_attr(rd, "segment", "service"), RRD_OK);
		if (strstr(w, "kind lead"))
			assert_int_equal(rrd_redistribution_filter_kind(rd, RRD_KIND_LEAD), RRD_OK);
		to_agents(rd, "carol", NULL);
		fix_clear_events(f);
		/* Preview, so nothing moves between the cases. */
		rrd_plan *plan;
		assert_int_equal(rrd_distributor_preview(f->dist, rd, &plan), RRD_OK);
		int64_t want = 0;
		for (const char *c = cases[i].expect; *c; c++)
			want += *c == 'C';
		if (rrd_plan_total(plan) != want)
			fail_msg("%s: %lld records, expected %s", w, (long long)rrd_plan_total(plan),
				 cases[i].expect);
		rrd_plan_free(plan);
		rrd_redistribution_free(rd);
	}

	/* Reassigned since: only what moved at or after the time. */
	f->now += RRD_HOUR;
	rrd_move_options mo = RRD_MOVE_OPTIONS_INIT;
	mo.force = 1;
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "C-4", "carol", &mo), RRD_OK);
	rrd_redistribution *rd = describe();
	assert_int_equal(rrd_redistribution_filter_reassigned_since(rd, f->now), RRD_OK);
	to_agents(rd, "bob", NULL);
	char job[RRD_JOB_ID_MAX + 1];
	fix_clear_events(f);
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_int_equal(f->nevents, 3);
	assert_string_equal(fix_event(f, 1), "assigned C-4 bob via=redistribute previous=carol");
	fix_free(f);
}

static void refusals_change_nothing(void **state)
{
	(void)state;
	fixture *f = setup();
	import(f, "C-1", RRD_RECORD_PENDING, "alice", NULL, NULL);
	import(f, "C-2", RRD_RECORD_PENDING, "alice", NULL, NULL);
	char *before = fix_record_json(f, "C-1");
	char job[RRD_JOB_ID_MAX + 1];
	rrd_redistribution *rd;

	rd = describe(); /* no source */
	to_agents(rd, "bob", NULL);
	assert_int_equal(run(f, rd, job), RRD_E_INVALID);
	assert_string_equal(job, "");
	rd = describe(); /* no targets */
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	assert_int_equal(run(f, rd, job), RRD_E_INVALID);
	rd = describe(); /* inactive target */
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "bob", "frank");
	assert_int_equal(run(f, rd, job), RRD_E_INVALID);
	rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "bob", "zed");
	assert_int_equal(run(f, rd, job), RRD_E_UNKNOWN_AGENT);
	rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "zed", NULL, 0), RRD_OK);
	to_agents(rd, "bob", NULL);
	assert_int_equal(run(f, rd, job), RRD_E_UNKNOWN_AGENT);
	rd = describe();
	const char *ids[] = { "C-1", "C-404" };
	assert_int_equal(rrd_redistribution_from_records(rd, ids, 2), RRD_OK);
	to_agents(rd, "bob", NULL);
	assert_int_equal(run(f, rd, job), RRD_E_UNKNOWN_RECORD);
	rd = describe(); /* nobody of that type */
	const char *types[] = { "manager" };
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_types(rd, types, 1), RRD_OK);
	assert_int_equal(run(f, rd, job), RRD_E_NO_ELIGIBLE);

	/* Bad descriptions are refused as they are built. */
	rd = describe();
	const char *twice[] = { "C-1", "C-1" };
	assert_int_equal(rrd_redistribution_from_records(rd, twice, 2), RRD_E_INVALID);
	assert_int_equal(rrd_redistribution_to_agents(rd, twice, 2), RRD_E_INVALID);
	assert_int_equal(rrd_redistribution_to_agents(rd, NULL, 0), RRD_E_INVALID);
	assert_int_equal(rrd_redistribution_from_agent(rd, "", NULL, 0), RRD_E_INVALID);
	assert_int_equal(rrd_redistribution_filter_status(rd, (rrd_record_status)99), RRD_E_INVALID);
	assert_int_equal(rrd_redistribution_filter_kind(rd, (rrd_kind)0), RRD_E_INVALID);
	assert_int_equal(rrd_redistribution_filter_attr(rd, "k", NULL), RRD_E_INVALID);
	assert_int_equal(rrd_redistribution_new(NULL), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_redistribute(f->dist, NULL, job, sizeof job), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_redistribute(f->dist, rd, job, 1), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_redistribute(f->dist, rd, job, RRD_JOB_ID_MAX), RRD_E_INVALID);
	rrd_plan *plan = (rrd_plan *)1;
	assert_int_equal(rrd_distributor_preview(f->dist, rd, &plan), RRD_E_INVALID);
	assert_null(plan);
	rrd_redistribution_free(rd);

	assert_int_equal(f->nevents, 0);
	char *after = fix_record_json(f, "C-1");
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* None of the refused jobs took an id. */
	rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "bob", NULL);
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_string_equal(job, "J1");
	fix_free(f);
}

/* A distributor whose jobs may move at most `max` records (its options'
 * redistribute_max), with agents alice and bob. */
static fixture *limited(int64_t max)
{
	fixture *f = fix_new(0);
	rrd_distributor_free(f->dist);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.redistribute_max = max;
	assert_int_equal(rrd_distributor_new(&f->dist, f->store, &o), RRD_OK);
	agent(f, "alice", NULL, 1, 0);
	agent(f, "bob", NULL, 1, 0);
	return f;
}

/* Moving alice's records to bob is over the limit: refused, its preview
 * too, and C-0 stays hers. */
static void refused_over_the_limit(fixture *f, rrd_redistribution *rd)
{
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "bob", NULL);
	rrd_plan *plan;
	assert_int_equal(rrd_distributor_preview(f->dist, rd, &plan), RRD_E_LIMIT);
	assert_null(plan);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_distributor_redistribute(f->dist, rd, job, sizeof job), RRD_E_LIMIT);
	assert_string_equal(fix_owner(f, "C-0"), "alice");
}

static void limit(void **state)
{
	(void)state;
	fixture *f = limited(3);
	char id[16];
	for (int i = 0; i < 4; i++) {
		snprintf(id, sizeof id, "C-%d", i);
		import(f, id, RRD_RECORD_PENDING, "alice", NULL, NULL);
	}
	rrd_redistribution *rd = describe();
	refused_over_the_limit(f, rd);
	/* Three fit. */
	const char *three[] = { "C-0", "C-1", "C-2" };
	assert_int_equal(rrd_redistribution_from_records(rd, three, 3), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_string_equal(fix_owner(f, "C-2"), "bob");
	assert_string_equal(fix_owner(f, "C-3"), "alice");
	fix_free(f);
}

/* RRD_REDISTRIBUTE_NONE: no job may move a record (0 in the options table
 * keeps meaning the default). A job that would move none is still fine. */
static void limit_none(void **state)
{
	(void)state;
	fixture *f = limited(RRD_REDISTRIBUTE_NONE);
	import(f, "C-0", RRD_RECORD_PENDING, "alice", NULL, NULL);
	rrd_redistribution *rd = describe();
	refused_over_the_limit(f, rd);
	assert_non_null(strstr(rrd_error_last(), "the limit is 0"));
	/* Bob holds nothing: his job moves nothing, and runs. */
	assert_int_equal(rrd_redistribution_from_agent(rd, "bob", NULL, 0), RRD_OK);
	to_agents(rd, "alice", NULL);
	rrd_plan *plan;
	assert_int_equal(rrd_distributor_preview(f->dist, rd, &plan), RRD_OK);
	assert_int_equal(rrd_plan_total(plan), 0);
	rrd_plan_free(plan);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(run(f, rd, job), RRD_OK); /* and frees rd */
	fix_free(f);
}

/* ---- batches and the lock ---------------------------------------------- */

typedef struct busy_probe {
	fixture *f;
	rrd_distributor *other; /* a second distributor on the same store */
	int progress;
	rrd_status nested, other_job, other_undo, submit;
} busy_probe;

static void probe_event(void *user, const rrd_event *ev)
{
	busy_probe *b = user;
	if (rrd_event_type_of(ev) != RRD_EVENT_REDISTRIBUTION_PROGRESS || b->progress++)
		return;
	/* Between two batches: the job holds the store's lock, and other
	 * operations go on. */
	rrd_redistribution *rd;
	const char *to[] = { "bob" };
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_filter(rd), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, to, 1), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	b->other_job = rrd_distributor_redistribute(b->other, rd, job, sizeof job);
	rrd_redistribution_free(rd);
	b->other_undo = rrd_distributor_undo(b->other, "J1", NULL);
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "NEW", RRD_KIND_CUSTOMER), RRD_OK);
	b->submit = rrd_distributor_submit(b->other, r, NULL);
	rrd_record_free(r);
}

static void batches_under_the_store_lock(void **state)
{
	(void)state;
	fixture *f = setup();
	char id[16];
	for (int i = 0; i < 2500; i++) {
		snprintf(id, sizeof id, "C-%04d", i);
		import(f, id, RRD_RECORD_PENDING, "alice", NULL, NULL);
	}
	busy_probe b = { f, NULL, 0, 0, 0, 0, 0 };
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.on_event = probe_event;
	o.event_user = &b;
	rrd_distributor *d;
	assert_int_equal(rrd_distributor_new(&d, f->store, &o), RRD_OK);
	assert_int_equal(rrd_distributor_new(&b.other, f->store, NULL), RRD_OK);

	rrd_redistribution *rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "bob", "carol");
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_distributor_redistribute(d, rd, job, sizeof job), RRD_OK);
	rrd_redistribution_free(rd);
	assert_string_equal(job, "J1");
	assert_int_equal(b.progress, 2); /* at 1000 and 2000 */
	assert_int_equal(b.other_job, RRD_E_BUSY);
	assert_int_equal(b.other_undo, RRD_E_BUSY);
	assert_int_equal(b.submit, RRD_OK);

	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(b.other, "bob", &a), RRD_OK);
	assert_int_equal(rrd_agent_open_count(a), 1250);
	rrd_agent_free(a);
	/* The lock is free again; the journal is in the store, so the other
	 * distributor can undo the job. */
	int64_t restored;
	assert_int_equal(rrd_distributor_undo(b.other, "J1", &restored), RRD_OK);
	assert_int_equal(restored, 2500);
	assert_int_equal(rrd_distributor_get_agent(d, "alice", &a), RRD_OK);
	assert_int_equal(rrd_agent_open_count(a), 2500);
	rrd_agent_free(a);
	rrd_distributor_free(b.other);
	rrd_distributor_free(d);
	fix_free(f);
}

/* Between two batches, a record is moved to dan: by the job's own
 * distributor (`by_other` 0) or by a second one on the store. */
typedef struct mover {
	rrd_distributor *self, *other;
	int by_other;
	int progress;
	rrd_status moved;
} mover;

static void move_between_batches(void *user, const rrd_event *ev)
{
	mover *m = user;
	if (rrd_event_type_of(ev) != RRD_EVENT_REDISTRIBUTION_PROGRESS || m->progress++)
		return;
	m->moved = rrd_distributor_reassign_to_agent(m->by_other ? m->other : m->self, "C-1500",
						     "dan", NULL);
}

static void case_moved_between_batches(int by_other)
{
	fixture *f = setup();
	char id[16];
	for (int i = 0; i < 2000; i++) {
		snprintf(id, sizeof id, "C-%04d", i);
		import(f, id, RRD_RECORD_PENDING, "alice", NULL, NULL);
	}
	mover m = { .by_other = by_other };
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.on_event = move_between_batches;
	o.event_user = &m;
	assert_int_equal(rrd_distributor_new(&m.self, f->store, &o), RRD_OK);
	assert_int_equal(rrd_distributor_new(&m.other, f->store, NULL), RRD_OK);
	/* Both hold C-1500 cached, as it was. */
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(m.self, "C-1500", &r), RRD_OK);
	rrd_record_free(r);
	assert_int_equal(rrd_distributor_get_record(m.other, "C-1500", &r), RRD_OK);
	rrd_record_free(r);
	rrd_redistribution *rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "bob", "carol");
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_distributor_redistribute(m.self, rd, job, sizeof job), RRD_OK);
	rrd_redistribution_free(rd);
	assert_int_equal(m.moved, RRD_OK);
	assert_string_equal(fix_owner(f, "C-1500"), "dan");
	assert_string_equal(fix_owner(f, "C-1501"), "carol");
	assert_int_equal(fix_open_count(f, "alice"), 0);
	assert_int_equal(fix_open_count(f, "dan"), 1);
	assert_int_equal(fix_open_count(f, "bob") + fix_open_count(f, "carol"), 1999);
	/* The undo puts back what the job moved, and only that. */
	int64_t restored;
	assert_int_equal(rrd_distributor_undo(m.other, job, &restored), RRD_OK);
	assert_int_equal(restored, 1999);
	assert_string_equal(fix_owner(f, "C-1500"), "dan");
	assert_int_equal(fix_open_count(f, "alice"), 1999);
	rrd_distributor_free(m.other);
	rrd_distributor_free(m.self);
	fix_free(f);
}

/* A record that changed hands between two batches of a job, through the
 * job's own distributor or another, is left where it went: the job does
 * not take it as it was when chosen. */
static void records_moved_between_batches_stay(void **state)
{
	(void)state;
	case_moved_between_batches(0);
	case_moved_between_batches(1);
}

/* A distributor that holds some of the records cached and reads the
 * others afresh moves and puts back both alike: records, roles, counts
 * and events are those of a run where it holds none. */
static void cached_and_unread_records_move_alike(void **state)
{
	(void)state;
	fixture *f = setup();
	static const char *const ids[] = { "C-1", "C-2", "C-3", "C-4", "C-5", "C-6" };
	for (int i = 0; i < 6; i++)
		import(f, ids[i], i % 3 ? RRD_RECORD_PENDING : RRD_RECORD_CLAIMED, "alice",
		       i % 2 ? "alice" : "dan", NULL);
	char *before[6];
	for (int i = 0; i < 6; i++)
		before[i] = fix_record_json(f, ids[i]);
	/* A second distributor on the store, which has read C-2 and C-5. */
	fixture *g = fix_new_on(f->store, 0);
	g->now = f->now + RRD_HOUR;
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(g->dist, "C-2", &r), RRD_OK);
	rrd_record_free(r);
	assert_int_equal(rrd_distributor_get_record(g->dist, "C-5", &r), RRD_OK);
	rrd_record_free(r);
	rrd_redistribution *rd = describe();
	const char *roles[] = { "salesperson", "sales_bdc" };
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", roles, 2), RRD_OK);
	to_agents(rd, "bob", "carol");
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_distributor_redistribute(g->dist, rd, job, sizeof job), RRD_OK);
	rrd_redistribution_free(rd);
	assert_int_equal(g->nevents, 8);
	for (int i = 0; i < 6; i++) {
		const char *to = i % 2 ? "carol" : "bob";
		char line[96];
		snprintf(line, sizeof line, "assigned %s %s via=redistribute previous=alice", ids[i],
			 to);
		assert_string_equal(fix_event(g, (size_t)i + 1), line);
		/* Both distributors read what the job wrote. */
		assert_string_equal(fix_owner(f, ids[i]), to);
		assert_string_equal(fix_owner(g, ids[i]), to);
		assert_string_equal(role(f, ids[i], "salesperson"), to);
		assert_string_equal(role(f, ids[i], "sales_bdc"), i % 2 ? to : "dan");
		assert_int_equal(fix_status(f, ids[i]), i % 3 ? RRD_RECORD_PENDING
							       : RRD_RECORD_CLAIMED);
	}
	assert_int_equal(fix_open_count(f, "alice"), 0);
	assert_int_equal(fix_open_count(f, "bob"), 3);
	assert_int_equal(fix_open_count(g, "carol"), 3);
	/* g holds C-2 and C-5 still, and now C-1 too; the undo reads the rest. */
	assert_int_equal(rrd_distributor_get_record(g->dist, "C-1", &r), RRD_OK);
	rrd_record_free(r);
	g->now += RRD_HOUR;
	int64_t restored;
	assert_int_equal(rrd_distributor_undo(g->dist, job, &restored), RRD_OK);
	assert_int_equal(restored, 6);
	for (int i = 0; i < 6; i++) {
		char *after = fix_record_json(f, ids[i]);
		assert_string_equal(after, before[i]);
		free(after);
		free(before[i]);
	}
	assert_int_equal(fix_open_count(g, "alice"), 6);
	assert_int_equal(fix_open_count(f, "bob"), 0);
	fix_free(g);
	fix_free(f);
}

/* ---- undo ---------------------------------------------------------------- */

static void undo_restores_everything(void **state)
{
	(void)state;
	fixture *f = setup();
	import(f, "C-1", RRD_RECORD_CLAIMED, "alice", "dan", NULL);
	rrd_pool *p; /* a pool that queues with a reason */
	assert_int_equal(rrd_pool_new(&p, "nobody", RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "erin"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	rrd_record *r;
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "nobody";
	for (const char *const *id = (const char *const[]){ "Q-1", "Q-2", "Q-3", NULL }; *id; id++) {
		assert_int_equal(rrd_record_new(&r, *id, RRD_KIND_CUSTOMER), RRD_OK);
		assert_int_equal(rrd_distributor_submit(f->dist, r, &so), RRD_OK);
		rrd_record_free(r);
	}
	char *c1 = fix_record_json(f, "C-1");
	char *q2 = fix_record_json(f, "Q-2");
	f->now += RRD_HOUR;
	rrd_redistribution *rd = describe();
	const char *ids[] = { "C-1", "Q-2" };
	assert_int_equal(rrd_redistribution_from_records(rd, ids, 2), RRD_OK);
	to_agents(rd, "bob", NULL);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_string_equal(fix_owner(f, "Q-2"), "bob");
	f->now += RRD_HOUR;
	fix_clear_events(f);
	int64_t restored;
	assert_int_equal(rrd_distributor_undo(f->dist, job, &restored), RRD_OK);
	assert_int_equal(restored, 2);
	assert_int_equal(f->nevents, 3);
	assert_string_equal(fix_event(f, 0), "assigned C-1 alice via=undo previous=bob");
	assert_string_equal(fix_event(f, 1), "queued Q-2 reason=no_eligible_agent");
	assert_string_equal(fix_event(f, 2), "undone J1 done=2 total=0 held=0");
	char *c1_after = fix_record_json(f, "C-1");
	char *q2_after = fix_record_json(f, "Q-2");
	assert_string_equal(c1, c1_after);
	assert_string_equal(q2, q2_after);
	/* Q-2 is back in its place in the queue. */
	rrd_queue *q;
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	assert_int_equal(rrd_queue_count(q), 3);
	const char *second;
	rrd_queue_reason why;
	assert_int_equal(rrd_queue_entry(q, 1, &second, &why, NULL, NULL, NULL), RRD_OK);
	assert_string_equal(second, "Q-2");
	assert_int_equal(why, RRD_QUEUE_NO_ELIGIBLE_AGENT);
	rrd_queue_free(q);
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "bob", &a), RRD_OK);
	assert_int_equal(rrd_agent_open_count(a), 0);
	rrd_agent_free(a);

	assert_int_equal(rrd_distributor_undo(f->dist, job, &restored), RRD_E_NOTHING_TO_UNDO);
	assert_int_equal(restored, 0);
	assert_int_equal(rrd_distributor_undo(f->dist, "J7", NULL), RRD_E_UNKNOWN_JOB);
	assert_int_equal(rrd_distributor_undo(f->dist, "", NULL), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_undo(NULL, "J1", NULL), RRD_E_INVALID);
	free(c1);
	free(q2);
	free(c1_after);
	free(q2_after);
	fix_free(f);
}

static void undo_refused_after_a_change(void **state)
{
	(void)state;
	fixture *f = setup();
	import(f, "C-1", RRD_RECORD_PENDING, "alice", NULL, NULL);
	import(f, "C-2", RRD_RECORD_PENDING, "alice", NULL, NULL);
	import(f, "C-3", RRD_RECORD_PENDING, "alice", NULL, NULL);
	rrd_redistribution *rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "bob", NULL);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "C-3", "carol", NULL), RRD_OK);
	fix_clear_events(f);
	assert_int_equal(rrd_distributor_undo(f->dist, job, NULL), RRD_E_CONFLICT);
	assert_non_null(strstr(rrd_error_last(), "C-3"));
	assert_int_equal(f->nevents, 0);
	assert_string_equal(fix_owner(f, "C-1"), "bob");
	/* Put back by hand, the undo goes through. */
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "C-3", "bob", NULL), RRD_OK);
	assert_int_equal(rrd_distributor_undo(f->dist, job, NULL), RRD_OK);
	assert_string_equal(fix_owner(f, "C-3"), "alice");

	/* Deactivated since: refused too. */
	rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "alice", NULL, 0), RRD_OK);
	to_agents(rd, "bob", NULL);
	assert_int_equal(run(f, rd, job), RRD_OK);
	assert_string_equal(job, "J2");
	assert_int_equal(rrd_distributor_transfer(f->dist, "C-1", "p", "carol", "C-1-P", NULL),
			 RRD_OK);
	assert_int_equal(rrd_distributor_undo(f->dist, job, NULL), RRD_E_CONFLICT);
	fix_free(f);
}

/* On a store read afresh each transaction, a batch after the first
 * reads its targets' and its records' owners' counters with the
 * transaction's first read, not one get each: a job of three batches to
 * ten agents asks for counters one at a time in its first batch only. */
static void later_batches_read_counters_in_one_go(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new();
	fs->no_generation = 1;
	fixture *f = fix_new_on(fs->store, 0);
	enum { TARGETS = 10, RECORDS = 2 * RRD_REDISTRIBUTE_BATCH + 10 };
	const char *to[TARGETS];
	char names[TARGETS][8];
	for (int i = 0; i < TARGETS; i++) {
		snprintf(names[i], sizeof names[i], "T%d", i);
		to[i] = names[i];
		agent(f, names[i], NULL, 1, 0);
	}
	agent(f, "S", NULL, 1, 0);
	for (int i = 0; i < RECORDS; i++) {
		char id[16];
		snprintf(id, sizeof id, "C%d", i);
		import(f, id, RRD_RECORD_PENDING, "S", NULL, NULL);
	}
	rrd_redistribution *rd = describe();
	assert_int_equal(rrd_redistribution_from_agent(rd, "S", NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, to, TARGETS), RRD_OK);
	char job[RRD_JOB_ID_MAX + 1];
	long gets = fs->gets;
	assert_int_equal(run(f, rd, job), RRD_OK);
	/* The first batch: the source's and each target's counters, and a
	 * few reads of the job's own; the two later ones: none of those. */
	assert_true(fs->gets - gets <= TARGETS + 8);
	assert_int_equal(fix_open_count(f, "S"), 0);
	for (int i = 0; i < TARGETS; i++)
		assert_int_equal(fix_open_count(f, names[i]), RECORDS / TARGETS);
	fix_free(f);
	faulty_store_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_agent_with_roles_takes_those_roles),
		cmocka_unit_test(from_agent_without_roles_moves_what_it_owns),
		cmocka_unit_test(spreads_evenly_as_previewed),
		cmocka_unit_test(held_deactivated_and_queued),
		cmocka_unit_test(filters),
		cmocka_unit_test(refusals_change_nothing),
		cmocka_unit_test(limit),
		cmocka_unit_test(limit_none),
		cmocka_unit_test(batches_under_the_store_lock),
		cmocka_unit_test(records_moved_between_batches_stay),
		cmocka_unit_test(cached_and_unread_records_move_alike),
		cmocka_unit_test(undo_restores_everything),
		cmocka_unit_test(undo_refused_after_a_change),
		cmocka_unit_test(later_batches_read_counters_in_one_go),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
