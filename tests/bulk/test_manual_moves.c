/*
 * Records moved by hand, one at a time and as a scenario's `leads` list:
 * when auto-drain pools take back what the moves freed, and that a
 * deactivated record never moves, whatever asks and with or without force.
 */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

/* ---- scenarios --------------------------------------------------------- */

typedef struct output {
	char *text;
	size_t len;
} output;

static void collect(void *user, const char *line, size_t len)
{
	output *o = user;
	o->text = realloc(o->text, o->len + len + 1);
	assert_non_null(o->text);
	memcpy(o->text + o->len, line, len);
	o->len += len;
	o->text[o->len] = '\0';
}

/* The lines a scenario writes; `doc` is JSON with ' for ". Free the text. */
static char *simulate(const char *doc)
{
	char *json = strdup(doc);
	assert_non_null(json);
	for (char *c = json; *c; c++)
		if (*c == '\'')
			*c = '"';
	output out = { 0 };
	rrd_simulation_options o = RRD_SIMULATION_OPTIONS_INIT;
	o.on_line = collect;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_lead_drains_after_its_move),
		cmocka_unit_test(deactivated_record_never_moves_in_a_scenario),
		cmocka_unit_test(deactivated_record_never_moves_by_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
