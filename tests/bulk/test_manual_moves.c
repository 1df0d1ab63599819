/*
 * Records moved by hand, one at a time and as a scenario's `leads` list:
 * when auto-drain pools take back what the moves freed, that a
 * deactivated record never moves, whatever asks and with or without force,
 * and that the nearest agent is found where agents are now.
 */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "api/reassign_list.h"

/* ---- scenarios --------------------------------------------------------- */

/* The lines a scenario writes; `doc` is JSON with ' for ". Free the text. */
static char *simulate(const char *doc)
{
	char *json = strdup(doc);
	assert_non_null(json);
	for (char *c = json; *c; c++)
		if (*c == '\'')
			*c = '"';
	fix_output out = { 0 };
	rrd_simulation_options o = RRD_SIMULATION_OPTIONS_INIT;
	o.on_line = fix_collect;
	o.line_user = &out;
	rrd_status rc = rrd_simulate(json, strlen(json), &o);
	if (rc)
		fail_msg("simulate: %s: %s", rrd_status_name(rc), rrd_error_last());
	free(json);
	return out.text;
}

static void expect_lines(const char *doc, const char *want)
{
	char *got = simulate(doc);
	assert_string_equal(got, want);
	free(got);
}

/* alice may hold one record open and holds R-1; Q-1 found her full and
 * waits in the queue for the auto-drain pool "floor". */
#define FULL_FLOOR                                                                     \
	"{'format':'rrdist-scenario/1','start':'2026-03-02T08:00:00Z',"                  \
	"'agents':[{'id':'alice','capacity':{'open':1}},{'id':'bob'},{'id':'carol'}],"   \
	"'pools':[{'id':'floor','kind':'lead','members':['alice'],'auto_drain':true}],"  \
	"'records':[{'id':'R-1','status':'pending','owner':'alice'},"                     \
	"           {'id':'R-2','status':'pending','owner':'carol'}],"                    \
	"'events':[{'at':'+0s','op':'lead','id':'Q-1','pool':'floor'},"

#define QUEUED_Q1 \
	"{'at':'2026-03-02T08:00:00Z','event':'queued','lead':'Q-1','reason':'no_eligible_agent'}\n"

static const char *lines(const char *text)
{
	static char buf[4096];
	size_t n = strlen(text);
	assert_true(n < sizeof buf);
	for (size_t i = 0; i <= n; i++)
		buf[i] = text[i] == '\'' ? '"' : text[i];
	return buf;
}

/* Moving R-1 frees alice. Draining between the records of the list would
 * give her Q-1, which the list then moves on to bob; after the whole
 * event, Q-1 goes from the queue to bob and alice gets nothing. */
static void list_drains_after_the_whole_event(void **state)
{
	(void)state;
	expect_lines(FULL_FLOOR
		     "{'at':'+1m','op':'reassign','leads':['R-1','Q-1'],'to':{'agent':'bob'}}]}",
		     lines(QUEUED_Q1
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'R-1','agent':'bob',"
			   "'previous':'alice','pool':null,'rule':null,'strategy':null,"
			   "'via':'reassign','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'Q-1','agent':'bob',"
			   "'previous':null,'pool':null,'rule':null,'strategy':null,"
			   "'via':'reassign','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'summary',"
			   "'open':{'alice':0,'bob':2,'carol':1},"
			   "'assigned':{'alice':0,'bob':2,'carol':0},'queued':0}\n"));
}

/* What the list freed drains once its last record has moved, refused
 * records included. */
static void list_drains_once_after_its_last_record(void **state)
{
	(void)state;
	expect_lines(FULL_FLOOR
		     "{'at':'+1m','op':'reassign','leads':['R-1','R-404','R-2'],"
		     " 'to':{'agent':'bob'},'force':true}]}",
		     lines(QUEUED_Q1
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'R-1','agent':'bob',"
			   "'previous':'alice','pool':null,'rule':null,'strategy':null,"
			   "'via':'reassign','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'error','op':1,'code':'unknown_lead',"
			   "'message':'no record \\'R-404\\''}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'R-2','agent':'bob',"
			   "'previous':'carol','pool':null,'rule':null,'strategy':null,"
			   "'via':'reassign','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'Q-1','agent':'alice',"
			   "'previous':null,'pool':'floor','rule':null,'strategy':'round_robin',"
			   "'via':'drain','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'summary',"
			   "'open':{'alice':1,'bob':2,'carol':0},"
			   "'assigned':{'alice':1,'bob':2,'carol':0},'queued':0}\n"));
}

/* The other bulk events drain after the whole event too: the job moves
 * Q-1 from the queue to bob before alice, freed by R-1, could take it; the
 * undo puts both back, and alice, full again, takes nothing. */
static void redistribute_and_undo_drain_after_the_whole_event(void **state)
{
	(void)state;
	expect_lines(FULL_FLOOR
		     "{'at':'+1m','op':'redistribute','from':{'records':['R-1','Q-1']},"
		     " 'to':{'agents':['bob']}},"
		     "{'at':'+2m','op':'undo','job':'J1'}]}",
		     lines(QUEUED_Q1
			   "{'at':'2026-03-02T08:01:00Z','event':'redistribution_started','job':'J1',"
			   "'total':2}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'R-1','agent':'bob',"
			   "'previous':'alice','pool':null,'rule':null,'strategy':null,"
			   "'via':'redistribute','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'Q-1','agent':'bob',"
			   "'previous':null,'pool':null,'rule':null,'strategy':null,"
			   "'via':'redistribute','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'redistribution_completed','job':'J1',"
			   "'moved':2}\n"
			   "{'at':'2026-03-02T08:02:00Z','event':'assigned','lead':'R-1','agent':'alice',"
			   "'previous':'bob','pool':null,'rule':null,'strategy':null,"
			   "'via':'undo','notify':true}\n"
			   "{'at':'2026-03-02T08:02:00Z','event':'queued','lead':'Q-1',"
			   "'reason':'no_eligible_agent'}\n"
			   "{'at':'2026-03-02T08:02:00Z','event':'undone','job':'J1','restored':2}\n"
			   "{'at':'2026-03-02T08:02:00Z','event':'summary',"
			   "'open':{'alice':1,'bob':0,'carol':1},"
			   "'assigned':{'alice':1,'bob':2,'carol':0},'queued':1}\n"));
}

/* A single record's move is its own event: it drains right after. */
static void one_lead_drains_after_its_move(void **state)
{
	(void)state;
	expect_lines(FULL_FLOOR
		     "{'at':'+1m','op':'reassign','lead':'R-1','to':{'agent':'bob'}},"
		     "{'at':'+1m','op':'reassign','lead':'Q-1','to':{'agent':'bob'}}]}",
		     lines(QUEUED_Q1
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'R-1','agent':'bob',"
			   "'previous':'alice','pool':null,'rule':null,'strategy':null,"
			   "'via':'reassign','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'Q-1','agent':'alice',"
			   "'previous':null,'pool':'floor','rule':null,'strategy':'round_robin',"
			   "'via':'drain','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'assigned','lead':'Q-1','agent':'bob',"
			   "'previous':'alice','pool':null,'rule':null,'strategy':null,"
			   "'via':'reassign','notify':true}\n"
			   "{'at':'2026-03-02T08:01:00Z','event':'summary',"
			   "'open':{'alice':0,'bob':2,'carol':1},"
			   "'assigned':{'alice':1,'bob':2,'carol':0},'queued':0}\n"));
}

#define DEACTIVATED_ERROR(op)                                                          \
	"{'at':'2026-03-02T08:00:00Z','event':'error','op':" #op ",'code':'invalid_argument'," \
	"'message':'record \\'D-1\\' is deactivated'}\n"

/* One lead (to an agent, a pool, the nearest; with and without force), a
 * leads list (with and without force), an assign and a transfer: each is
 * an invalid_argument error and D-1 stays as it was. */
static void deactivated_record_never_moves_in_a_scenario(void **state)
{
	(void)state;
	expect_lines(
		"{'format':'rrdist-scenario/1','start':'2026-03-02T08:00:00Z',"
		"'agents':[{'id':'alice','location':{'lat':40.7,'lon':-74}},"
		"          {'id':'bob','location':{'lat':40.8,'lon':-74}}],"
		"'pools':[{'id':'team','kind':'lead','members':['alice','bob']}],"
		"'records':[{'id':'D-1','status':'deactivated','owner':'alice',"
		"            'location':{'lat':40.7,'lon':-74}}],"
		"'events':["
		"{'at':'+0s','op':'reassign','lead':'D-1','to':{'agent':'bob'}},"
		"{'at':'+0s','op':'reassign','lead':'D-1','to':{'agent':'bob'},'force':true},"
		"{'at':'+0s','op':'reassign','lead':'D-1','to':{'pool':'team'}},"
		"{'at':'+0s','op':'reassign','lead':'D-1','to':{'pool':'team'},'force':true},"
		"{'at':'+0s','op':'reassign','lead':'D-1','to':{'nearest':{'types':[]}}},"
		"{'at':'+0s','op':'reassign','lead':'D-1','to':{'nearest':{'types':[]}},'force':true},"
		"{'at':'+0s','op':'reassign','leads':['D-1'],'to':{'agent':'bob'}},"
		"{'at':'+0s','op':'reassign','leads':['D-1'],'to':{'agent':'bob'},'force':true},"
		"{'at':'+0s','op':'assign','lead':'D-1','agent':'bob'},"
		"{'at':'+0s','op':'assign','lead':'D-1','agent':'bob','force':true},"
		"{'at':'+0s','op':'transfer','lead':'D-1','partner':'p','agent':'bob',"
		" 'new_id':'D-1-B'},"
		"{'at':'+0s','op':'redistribute','from':{'records':['D-1']},"
		" 'to':{'agents':['bob']}}]}",
		lines(DEACTIVATED_ERROR(0) DEACTIVATED_ERROR(1) DEACTIVATED_ERROR(2)
		      DEACTIVATED_ERROR(3) DEACTIVATED_ERROR(4) DEACTIVATED_ERROR(5)
		      DEACTIVATED_ERROR(6) DEACTIVATED_ERROR(7) DEACTIVATED_ERROR(8)
		      DEACTIVATED_ERROR(9) DEACTIVATED_ERROR(10)
		      /* redistribute never selects it: a job that moves nothing */
		      "{'at':'2026-03-02T08:00:00Z','event':'redistribution_started','job':'J1',"
		      "'total':0}\n"
		      "{'at':'2026-03-02T08:00:00Z','event':'redistribution_completed','job':'J1',"
		      "'moved':0}\n"
		      "{'at':'2026-03-02T08:00:00Z','event':'summary','open':{'alice':0,'bob':0},"
		      "'assigned':{'alice':0,'bob':0},'queued':0}\n"));
}

/* ---- the library's calls ----------------------------------------------- */

static void deactivated_record_never_moves_by_call(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "alice");
	fix_agent(f, "bob");
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "bob", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_location(a, 40.8, -74), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	fix_pool(f, "team", RRD_STRATEGY_ROUND_ROBIN, "alice", "bob", NULL);
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "D-1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_DEACTIVATED), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, "alice"), RRD_OK);
	assert_int_equal(rrd_record_set_location(r, 40.7, -74), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
	char *before = fix_record_json(f, "D-1");
	for (int force = 0; force <= 1; force++) {
		rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
		o.force = force;
		assert_int_equal(rrd_distributor_assign(f->dist, "D-1", "bob", &o), RRD_E_INVALID);
		assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "D-1", "bob", &o),
				 RRD_E_INVALID);
		assert_int_equal(rrd_distributor_reassign_to_pool(f->dist, "D-1", "team", &o),
				 RRD_E_INVALID);
		assert_int_equal(rrd_distributor_reassign_to_nearest(f->dist, "D-1", NULL, 0, &o),
				 RRD_E_INVALID);
		assert_int_equal(rrd_distributor_transfer(f->dist, "D-1", "p", "bob", "D-1-B", &o),
				 RRD_E_INVALID);
	}
	char *after = fix_record_json(f, "D-1");
	assert_string_equal(before, after);
	char *copy = fix_record_json(f, "D-1-B");
	assert_string_equal(copy, "absent");
	assert_int_equal(f->nevents, 0);
	free(before);
	free(after);
	free(copy);
	fix_free(f);
}

static void note_refusal(void *user, size_t i, rrd_status rc)
{
	char *log = user;
	size_t n = strlen(log);
	snprintf(log + n, 256 - n, "%zu:%s ", i, rrd_status_name(rc));
}

/* The list call itself: the guards of a list, refusals told by index, and
 * a target that is not exactly one thing refused with nothing moved. */
static void list_call_guards_and_refusals(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "alice");
	fix_agent(f, "bob");
	fix_pool(f, "team", RRD_STRATEGY_ROUND_ROBIN, "alice", NULL);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "slow", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "alice"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	assert_int_equal(fix_submit(f, "L-1", "team"), RRD_OK);   /* pending, alice */
	assert_int_equal(fix_submit(f, "L-2", "slow"), RRD_OK);   /* offered to alice */
	rrd_claim_result won;
	assert_int_equal(rrd_distributor_claim(f->dist, "L-1", "alice", &won), RRD_OK);
	fix_clear_events(f);

	const char *ids[] = { "L-1", "L-2", "", "L-9" };
	rrd_move_target both = { .agent = "bob", .pool = "team" };
	rrd_move_target none = { 0 };
	assert_int_equal(rrd__reassign_list(f->dist, ids, 4, &both, NULL, NULL, NULL),
			 RRD_E_INVALID);
	assert_int_equal(rrd__reassign_list(f->dist, ids, 4, &none, NULL, NULL, NULL),
			 RRD_E_INVALID);
	assert_int_equal(rrd__reassign_list(f->dist, NULL, 4, &none, NULL, NULL, NULL),
			 RRD_E_INVALID);
	assert_int_equal(f->nevents, 0);

	/* The claimed L-1 moves; L-2 is held by its offer; the bad and the
	 * unknown id are told by their index. */
	char log[256] = "";
	rrd_move_target to_bob = { .agent = "bob" };
	assert_int_equal(rrd__reassign_list(f->dist, ids, 4, &to_bob, NULL, note_refusal, log),
			 RRD_OK);
	assert_string_equal(log, "1:rule_bound 2:invalid_argument 3:unknown_lead ");
	assert_int_equal(f->nevents, 1);
	assert_string_equal(fix_event(f, 0), "assigned L-1 bob via=reassign previous=alice");
	assert_string_equal(fix_owner(f, "L-2"), "");

	/* Forced, the offer is withdrawn and its timer never fires. */
	rrd_move_options forced = RRD_MOVE_OPTIONS_INIT;
	forced.force = 1;
	assert_int_equal(rrd__reassign_list(f->dist, ids + 1, 1, &to_bob, &forced, NULL, NULL),
			 RRD_OK);
	assert_string_equal(fix_owner(f, "L-2"), "bob");
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_E_NOTFOUND);
	fix_free(f);
}

/* A record near New York, pending for alice, reassigned to the nearest
 * agent: who that is (static buffer). */
static const char *nearest_for(fixture *f, const char *id)
{
	static char to[RRD_ID_MAX + 1];
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_location(r, 40.7, -74.0), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_int_equal(rrd_record_set_owner(r, "alice"), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
	assert_int_equal(rrd_distributor_reassign_to_nearest(f->dist, id, NULL, 0, NULL), RRD_OK);
	snprintf(to, sizeof to, "%s", fix_owner(f, id));
	return to;
}

static void put_agent_at(fixture *f, const char *id, double lat, double lon)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	assert_int_equal(rrd_agent_set_location(a, lat, lon), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static void nearest_is_where_the_agent_is_now(void **state)
{
	(void)state;
	fixture *f = fix_new(0);
	fix_agent(f, "alice");
	put_agent_at(f, "newark", 40.73, -74.17);
	put_agent_at(f, "boston", 42.36, -71.06);
	assert_string_equal(nearest_for(f, "L-1"), "newark");
	put_agent_at(f, "newark", 34.05, -118.24); /* to Los Angeles */
	assert_string_equal(nearest_for(f, "L-2"), "boston");
	put_agent_at(f, "albany", 42.65, -73.75);
	assert_string_equal(nearest_for(f, "L-3"), "albany");
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_drains_after_the_whole_event),
		cmocka_unit_test(list_drains_once_after_its_last_record),
		cmocka_unit_test(redistribute_and_undo_drain_after_the_whole_event),
		cmocka_unit_test(one_lead_drains_after_its_move),
		cmocka_unit_test(deactivated_record_never_moves_in_a_scenario),
		cmocka_unit_test(deactivated_record_never_moves_by_call),
		cmocka_unit_test(list_call_guards_and_refusals),
		cmocka_unit_test(nearest_is_where_the_agent_is_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
