/*
 * Running out of memory: each public operation (ops.h), run with its Nth
 * allocation failed for N = 1, 2, ... until it makes fewer than N, must
 * return RRD_E_NOMEM (or succeed), change nothing, emit nothing and leak
 * nothing; and run again without the failure, it must do exactly what it
 * does on a distributor that never saw one (fault_driver.h). A counter
 * change that finds no memory to be listed for the caches that mirror
 * counters must still reach them
 * (counter_change_without_memory_for_the_list).
 *
 * cJSON and ICU allocate with their own allocators; only the library's
 * own allocations are failed and counted.
 */
#include <string.h>

#include "fault_driver.h"

/* ---- the fault ------------------------------------------------------- */

static long base, made_at_disarm;
static int armed;

static rrd_store *alloc_open(void)
{
	return NULL;
}

static void alloc_close(void)
{
}

static void alloc_arm(long n)
{
	base = fault_alloc.requests;
	fault_alloc.failures = 0;
	fault_alloc.fail_at = n ? base + n : 0;
	armed = 1;
}

static void alloc_disarm(void)
{
	fault_alloc.fail_at = 0;
	made_at_disarm = fault_alloc.requests - base;
	armed = 0;
}

static long alloc_made(void)
{
	return armed ? fault_alloc.requests - base : made_at_disarm;
}

static long alloc_refused(void)
{
	return fault_alloc.failures;
}

static const fault_kind out_of_memory = {
	"allocation", RRD_E_NOMEM, NULL, alloc_open, alloc_close, alloc_arm, alloc_disarm,
	alloc_made, alloc_refused, NULL, NULL
};

/* ---- a counter change that cannot be listed --------------------------- */

/* Most allocations the parking and the picks after it make, with room
 * to spare. */
#define MAX_N 5000

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
	fault_n = n;
	*f = fix_new(0);
	fix_agent(*f, "A");
	fix_agent(*f, "B");
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent((*f)->dist, "A", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_capacity_open(a, 2), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent((*f)->dist, a), RRD_OK);
	rrd_agent_free(a);
	fix_put_pool(*f, fix_pool_of("busy", RRD_KIND_LEAD, RRD_STRATEGY_LEAST_BUSY,
					"A", "B", NULL));
	fix_put_pool(*f, fix_pool_of("wrr", RRD_KIND_LEAD, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN,
					"A", "B", NULL));
	ops_submit(*f, "R1", "busy", "web", 0, 0);
	ops_submit(*f, "R2", "busy", "web", 0, 0);
	ops_submit(*f, "R3", "busy", "web", 0, 0);
	*g = fix_new_on((*f)->store, 0);
	assert_string_equal(explained(*g, "busy"), "B");
	assert_string_equal(explained(*g, "wrr"), "B");
	ops_arm();
	rrd_status rc = rrd_distributor_queue_record((*g)->dist, "R1", NULL);
	ops_disarm();
	return rc;
}

/* Both pools pick `want` (A once R1 is parked, B before). */
static void picks(fixture *g, const char *want, const char *after)
{
	if (strcmp(explained(g, "busy"), want) != 0)
		ops_report("%s, then least busy picks %s, not %s", after, explained(g, "busy"), want);
	if (strcmp(explained(g, "wrr"), want) != 0)
		ops_report("%s, then weighted round robin picks %s, not %s", after,
			   explained(g, "wrr"), want);
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
	fault_case_start("counter_change_without_memory_for_the_list");
	int got_past = 0, reached = 1;
	long n;
	for (n = 1; reached && n <= MAX_N; n++) {
		fixture *f, *g;
		fault_alloc_start();
		rrd_status rc = park_failing(n, &f, &g);
		reached = alloc_made() >= n;
		int past = rc == RRD_OK && alloc_refused();
		if (rc != RRD_OK && rc != RRD_E_NOMEM)
			ops_report("returned %s; want out_of_memory or ok", rrd_status_name(rc));
		picks(g, rc == RRD_OK ? "A" : "B", rrd_status_name(rc));
		fix_free(g);
		fix_free(f);
		fault_alloc_end();
		got_past += past;
		/* The picks that follow bring the caches up to date: any of
		 * their allocations failing must leave that to the next. */
		int reached_m = past;
		for (long m = 1; reached_m && m <= MAX_N; m++) {
			fault_alloc_start();
			assert_int_equal(park_failing(n, &f, &g), RRD_OK);
			fault_n = m;
			ops_arm();
			rrd_pick *p = NULL;
			rrd_status brc = rrd_distributor_explain(g->dist, "busy", NULL, &p);
			rrd_pick_free(p);
			p = NULL;
			rrd_status wrc = rrd_distributor_explain(g->dist, "wrr", NULL, &p);
			rrd_pick_free(p);
			ops_disarm();
			reached_m = alloc_made() >= m;
			char after[128];
			snprintf(after, sizeof after, "explains failing allocation %ld: %s and %s", m,
				 rrd_status_name(brc), rrd_status_name(wrc));
			picks(g, "A", after);
			fix_free(g);
			fix_free(f);
			fault_alloc_end();
		}
	}
	fault_n = 0;
	if (reached)
		fail_msg("still allocating after %d allocations", MAX_N);
	/* Among the failures parking gets past is the list's allocation. */
	assert_true(got_past >= 1);
	if (fault_case_problems())
		fail_msg("%d problem(s) in %ld runs", fault_case_problems(), n - 2);
}

int main(void)
{
	const struct CMUnitTest extra[] = {
		cmocka_unit_test(counter_change_without_memory_for_the_list),
	};
	return fault_main(&out_of_memory, "alloc_failure", extra, sizeof extra / sizeof *extra);
}
