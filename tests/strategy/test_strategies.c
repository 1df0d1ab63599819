/* Each strategy's choices, ties, eligibility and explanations. */
#include <stdlib.h>
#include <string.h>

#include "../support/faulty_store.h"
#include "../support/fixture.h"
#include "store/store.h"

static int teardown(void **state)
{
	fix_free(*state);
	return 0;
}

static void set_agent(fixture *f, const char *id, const char *field, int64_t v)
{
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, id, &a), RRD_OK);
	if (strcmp(field, "weight") == 0)
		assert_int_equal(rrd_agent_set_weight(a, v), RRD_OK);
	else if (strcmp(field, "paused") == 0)
		assert_int_equal(rrd_agent_set_paused(a, (int)v), RRD_OK);
	else if (strcmp(field, "active") == 0)
		assert_int_equal(rrd_agent_set_active(a, (int)v), RRD_OK);
	else if (strcmp(field, "open") == 0)
		assert_int_equal(rrd_agent_set_capacity_open(a, v), RRD_OK);
	else if (strcmp(field, "per_day") == 0)
		assert_int_equal(rrd_agent_set_capacity_per_day(a, v), RRD_OK);
	else
		fail_msg("unknown field %s", field);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static int record_seq;

static void submit_n(fixture *f, const char *pool, int n, char *owners, size_t cap)
{
	owners[0] = '\0';
	for (int i = 0; i < n; i++) {
		char id[32];
		snprintf(id, sizeof id, "R%d", ++record_seq);
		assert_int_equal(fix_submit(f, id, pool), RRD_OK);
		strncat(owners, fix_owner(f, id), cap - strlen(owners) - 1);
	}
}

static int setup_abc(void **state)
{
	fixture *f = fix_new(1);
	record_seq = 0;
	fix_agent(f, "a");
	fix_agent(f, "b");
	fix_agent(f, "c");
	*state = f;
	return 0;
}

static void test_weighted_is_smooth(void **state)
{
	fixture *f = *state;
	set_agent(f, "a", "weight", 5);
	fix_pool(f, "w", RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, "a", "b", "c", NULL);
	char seq[64];
	submit_n(f, "w", 7, seq, sizeof seq);
	/* The well-known smooth sequence for weights 5, 1, 1. */
	assert_string_equal(seq, "aabacaa");
}

static void test_weighted_ineligible_member_keeps_its_score(void **state)
{
	fixture *f = *state;
	fix_pool(f, "w", RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, "a", "b", "c", NULL);
	char seq[64];
	submit_n(f, "w", 1, seq, sizeof seq);
	assert_string_equal(seq, "a");
	set_agent(f, "b", "paused", 1);
	/* Scores after "a": a=-2 b=1 c=1. With b out, only a and c gain and
	 * lose the total of 2: a=-1 c=2 -> c (c=0); a=0 c=1 -> c (c=-1). */
	submit_n(f, "w", 2, seq, sizeof seq);
	assert_string_equal(seq, "cc");
	set_agent(f, "b", "paused", 0);
	/* b kept its 1: a=1 b=2 c=0 -> b. */
	submit_n(f, "w", 1, seq, sizeof seq);
	assert_string_equal(seq, "b");
}

static int collect_key(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	char *keys = ctx;
	(void)value;
	(void)len;
	(void)order;
	size_t n = strlen(keys);
	snprintf(keys + n, 256 - n, "%s|", key);
	return 0;
}

/* Stored state outlives the library that wrote it: each member's score is
 * under "pool\x1fweighted_round_robin\x1f<join number>" (from 1). */
static void test_weighted_scores_are_stored_under_their_join_numbers(void **state)
{
	fixture *f = *state;
	fix_pool(f, "w", RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, "a", "b", "c", NULL);
	char seq[64];
	submit_n(f, "w", 3, seq, sizeof seq);
	rrd_store *st = f->store;
	char keys[256] = "";
	assert_int_equal(st->m.begin(st->self, RRD_TXN_READ_ONLY, NULL), RRD_OK);
	assert_int_equal(st->m.scan(st->self, RRD_NS_STRATEGY, "w\x1f", collect_key, keys), RRD_OK);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	assert_string_equal(keys, "w\x1fweighted_round_robin|"
				  "w\x1fweighted_round_robin\x1f" "1|"
				  "w\x1fweighted_round_robin\x1f" "2|"
				  "w\x1fweighted_round_robin\x1f" "3|");
}

static void test_least_busy_takes_fewest_open_ties_in_join_order(void **state)
{
	fixture *f = *state;
	fix_pool(f, "p", RRD_STRATEGY_LEAST_BUSY, "a", "b", "c", NULL);
	rrd_record *r;
	const char *owners[] = { "a", "a", "b" };
	for (int i = 0; i < 3; i++) {
		char id[16];
		snprintf(id, sizeof id, "old%d", i);
		assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
		assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
		assert_int_equal(rrd_record_set_owner(r, owners[i]), RRD_OK);
		assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
		rrd_record_free(r);
	}
	char seq[64];
	/* open a=2 b=1 c=0: c; then b and c tie at 1 -> b; then c; then a,b,c tie -> a. */
	submit_n(f, "p", 4, seq, sizeof seq);
	assert_string_equal(seq, "cbca");
}

static void test_least_busy_skips_full_agent(void **state)
{
	fixture *f = *state;
	set_agent(f, "a", "open", 0);
	fix_pool(f, "p", RRD_STRATEGY_LEAST_BUSY, "a", "b", "c", NULL);
	char seq[64];
	submit_n(f, "p", 3, seq, sizeof seq);
	assert_string_equal(seq, "bcb");
	assert_string_equal(fix_event(f, 0), "assigned R1 b via=route pool=p skip=a:at_capacity");
}

static void test_least_recent_never_assigned_first(void **state)
{
	fixture *f = *state;
	fix_pool(f, "p", RRD_STRATEGY_LEAST_RECENT, "a", "b", "c", NULL);
	char seq[64];
	submit_n(f, "p", 2, seq, sizeof seq);
	assert_string_equal(seq, "ab");
	f->now += RRD_MINUTE;
	/* A manual assignment counts as the agent's last assignment too. */
	assert_int_equal(fix_submit(f, "X", "p"), RRD_OK); /* c, never assigned */
	f->now += RRD_MINUTE;
	assert_int_equal(rrd_distributor_assign(f->dist, "X", "a", NULL), RRD_OK);
	f->now += RRD_MINUTE;
	submit_n(f, "p", 3, seq, sizeof seq);
	assert_string_equal(seq, "bca");
}

static void test_random_is_deterministic_for_a_seed(void **state)
{
	fixture *f = *state;
	set_agent(f, "b", "weight", 2);
	set_agent(f, "c", "weight", 3);
	fix_pool(f, "p", RRD_STRATEGY_RANDOM, "a", "b", "c", NULL);
	fixture *g = fix_new(0);
	fix_agent(g, "a");
	fix_agent(g, "b");
	fix_agent(g, "c");
	set_agent(g, "b", "weight", 2);
	set_agent(g, "c", "weight", 3);
	fix_pool(g, "p", RRD_STRATEGY_RANDOM, "a", "b", "c", NULL);
	int counts[3] = { 0 };
	for (int i = 0; i < 3000; i++) {
		char x[RRD_ID_MAX + 1];
		snprintf(x, sizeof x, "%s", fix_next(f, "p"));
		assert_string_equal(x, fix_next(g, "p"));
		counts[x[0] - 'a']++;
	}
	fix_free(g);
	/* Weights 1:2:3 of 3000 draws: 500, 1000, 1500, give or take. */
	assert_in_range(counts[0], 420, 580);
	assert_in_range(counts[1], 900, 1100);
	assert_in_range(counts[2], 1380, 1620);
}

static void test_random_never_picks_ineligible(void **state)
{
	fixture *f = *state;
	set_agent(f, "c", "weight", 100);
	set_agent(f, "c", "paused", 1);
	fix_pool(f, "p", RRD_STRATEGY_RANDOM, "a", "b", "c", NULL);
	for (int i = 0; i < 200; i++)
		assert_string_not_equal(fix_next(f, "p"), "c");
}

static void test_round_robin_explains_skips_from_the_cursor(void **state)
{
	fixture *f = *state;
	fix_agent(f, "d");
	fix_pool(f, "p", RRD_STRATEGY_ROUND_ROBIN, "a", "b", "c", "d", NULL);
	char seq[64];
	submit_n(f, "p", 2, seq, sizeof seq);
	assert_string_equal(seq, "ab");
	set_agent(f, "c", "paused", 1);
	set_agent(f, "d", "active", 0);
	set_agent(f, "b", "per_day", 1);
	fix_clear_events(f);
	submit_n(f, "p", 1, seq, sizeof seq);
	assert_string_equal(seq, "a");
	/* From the cursor on, wrapping: c, d, then a is chosen. */
	assert_string_equal(fix_event(f, 0),
			    "assigned R3 a via=route pool=p skip=c:paused skip=d:inactive");
	rrd_pick *p;
	assert_int_equal(rrd_distributor_explain(f->dist, "p", NULL, &p), RRD_OK);
	assert_string_equal(rrd_pick_agent(p), "a");
	assert_int_equal(rrd_pick_skipped_count(p), 3);
	const char *who;
	rrd_skip_reason why;
	assert_int_equal(rrd_pick_skipped(p, 0, &who, &why), RRD_OK);
	assert_string_equal(who, "b");
	assert_int_equal(why, RRD_SKIP_DAILY_CAP);
	rrd_pick_free(p);
	/* Explaining moved nothing. */
	assert_string_equal(fix_next(f, "p"), "a");
}

static void test_daily_cap_resets_at_midnight(void **state)
{
	fixture *f = *state;
	set_agent(f, "a", "per_day", 1);
	fix_pool(f, "p", RRD_STRATEGY_ROUND_ROBIN, "a", "b", NULL);
	char seq[64];
	submit_n(f, "p", 3, seq, sizeof seq);
	assert_string_equal(seq, "abb");
	f->now += RRD_DAY;
	submit_n(f, "p", 1, seq, sizeof seq);
	assert_string_equal(seq, "a");
}

static void test_nobody_eligible_explains_everyone(void **state)
{
	fixture *f = *state;
	fix_pool(f, "p", RRD_STRATEGY_LEAST_BUSY, "a", "b", NULL);
	set_agent(f, "a", "paused", 1);
	set_agent(f, "b", "active", 0);
	rrd_pick *p = NULL;
	assert_int_equal(rrd_distributor_explain(f->dist, "p", NULL, &p), RRD_E_NO_ELIGIBLE);
	assert_non_null(p);
	assert_null(rrd_pick_agent(p));
	assert_int_equal(rrd_pick_skipped_count(p), 2);
	rrd_pick_free(p);
}

static void test_piranha_has_no_next_agent(void **state)
{
	fixture *f = *state;
	fix_pool(f, "p", RRD_STRATEGY_PIRANHA, "a", "b", NULL);
	rrd_pick *p = NULL;
	assert_int_equal(rrd_distributor_next_agent(f->dist, "p", NULL, &p), RRD_E_UNSUPPORTED);
	assert_null(p);
	/* A reassignment into it makes no offer: its members take turns. */
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "X", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_QUEUED), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
	assert_int_equal(rrd_distributor_reassign_to_pool(f->dist, "X", "p", NULL), RRD_OK);
	assert_string_equal(fix_owner(f, "X"), "a");
	assert_int_equal(rrd_distributor_reassign_to_pool(f->dist, "X", "p", NULL), RRD_OK);
	assert_string_equal(fix_owner(f, "X"), "b");
}

/* A host strategy: the member after the last one chosen, counting from
 * the end (a reverse rotation), with its cursor kept by the library. */
static int reverse_pick(void *user, rrd_strategy_ctx *ctx, size_t *chosen)
{
	(*(int *)user)++;
	size_t n = rrd_strategy_ctx_member_count(ctx);
	const void *data;
	size_t len;
	assert_int_equal(rrd_strategy_ctx_state(ctx, &data, &len), RRD_OK);
	size_t last = n;
	if (len == sizeof last)
		memcpy(&last, data, sizeof last);
	for (size_t k = 1; k <= n; k++) {
		size_t i = (last + n - k) % n;
		if (rrd_strategy_ctx_eligible(ctx, i)) {
			*chosen = i;
			return rrd_strategy_ctx_set_state(ctx, &i, sizeof i);
		}
	}
	return RRD_E_NO_ELIGIBLE;
}

static void release(void *user)
{
	*(int *)user = -1000;
}

static void test_custom_strategy_state_is_shared_by_every_path(void **state)
{
	fixture *f = *state;
	static int calls;
	calls = 0;
	rrd_strategy_methods m = { RRD_STRATEGY_METHODS_VERSION, reverse_pick, release };
	rrd_strategy id;
	assert_int_equal(rrd_distributor_register_strategy(f->dist, "reverse", &m, &calls, &id),
			 RRD_OK);
	assert_true(id >= RRD_STRATEGY_CUSTOM);
	assert_int_equal(rrd_distributor_register_strategy(f->dist, "reverse", &m, &calls, &id),
			 RRD_E_EXISTS);
	assert_int_equal(rrd_distributor_register_strategy(f->dist, "round_robin", &m, &calls, &id),
			 RRD_E_EXISTS);
	fix_pool(f, "p", id, "a", "b", "c", NULL);
	char seq[64];
	submit_n(f, "p", 2, seq, sizeof seq);
	assert_string_equal(seq, "cb");
	assert_string_equal(fix_next(f, "p"), "a");
	submit_n(f, "p", 1, seq, sizeof seq);
	assert_string_equal(seq, "c");
	rrd_strategy parsed;
	assert_int_equal(rrd_distributor_strategy_parse(f->dist, "reverse", &parsed), RRD_OK);
	assert_int_equal(parsed, id);
	assert_int_equal(calls, 4);
	rrd_distributor_free(f->dist);
	f->dist = NULL;
	assert_int_equal(calls, -1000);
}

static void test_two_distributors_share_one_cursor(void **state)
{
	fixture *f = *state;
	fix_pool(f, "p", RRD_STRATEGY_ROUND_ROBIN, "a", "b", "c", NULL);
	rrd_distributor *other;
	assert_int_equal(rrd_distributor_new(&other, f->store, NULL), RRD_OK);
	assert_string_equal(fix_next(f, "p"), "a");
	rrd_pick *p;
	assert_int_equal(rrd_distributor_next_agent(other, "p", NULL, &p), RRD_OK);
	assert_string_equal(rrd_pick_agent(p), "b");
	rrd_pick_free(p);
	assert_string_equal(fix_next(f, "p"), "c");
	/* A member added through one is seen by the other. */
	fix_agent(f, "d");
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "p", "d"), RRD_OK);
	assert_int_equal(rrd_distributor_next_agent(other, "p", NULL, &p), RRD_OK);
	assert_string_equal(rrd_pick_agent(p), "d");
	rrd_pick_free(p);
	rrd_distributor_free(other);
}

/* A job that gives b a record holding no open count (a new one) still
 * makes it b's latest assignment. */
static void test_least_recent_counts_a_job_that_moves_a_new_record(void **state)
{
	fixture *f = *state;
	fix_pool(f, "p", RRD_STRATEGY_LEAST_RECENT, "a", "b", NULL);
	char seq[64];
	submit_n(f, "p", 1, seq, sizeof seq);
	assert_string_equal(seq, "a");
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "N", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
	f->now += RRD_MINUTE;
	fix_redistribute(f, "N", "b");
	assert_string_equal(fix_owner(f, "N"), "b");
	assert_int_equal(fix_open_count(f, "b"), 0);
	f->now += RRD_MINUTE;
	submit_n(f, "p", 1, seq, sizeof seq);
	assert_string_equal(seq, "a");
}

static void test_random_draws_a_member_added_after_a_draw(void **state)
{
	fixture *f = *state;
	fix_pool(f, "p", RRD_STRATEGY_RANDOM, "a", "b", NULL);
	assert_string_not_equal(fix_next(f, "p"), "");
	set_agent(f, "c", "weight", 1000000);
	assert_int_equal(rrd_distributor_pool_add_member(f->dist, "p", "c"), RRD_OK);
	int drawn = 0;
	for (int i = 0; i < 20; i++)
		drawn += strcmp(fix_next(f, "p"), "c") == 0;
	/* A million to two, each time. */
	assert_int_equal(drawn, 20);
}

/* A pick whose commit fails counts for nobody: the next one sees the
 * counters as the store has them. */
static void test_least_busy_forgets_a_rolled_back_assignment(void **state)
{
	(void)state;
	faulty_store *fs = faulty_store_new();
	fixture *f = fix_new_on(fs->store, 0);
	fix_agent(f, "a");
	fix_agent(f, "b");
	fix_pool(f, "p", RRD_STRATEGY_LEAST_BUSY, "a", "b", NULL);
	assert_int_equal(fix_submit(f, "R1", "p"), RRD_OK);
	assert_string_equal(fix_owner(f, "R1"), "a");
	faulty_store_arm(fs, FAULTY_COMMIT, 0, 1);
	assert_int_equal(fix_submit(f, "R2", "p"), RRD_E_STORE);
	faulty_store_disarm(fs, FAULTY_COMMIT);
	assert_int_equal(fix_submit(f, "R3", "p"), RRD_OK);
	assert_string_equal(fix_owner(f, "R3"), "b");
	char *gone = fix_record_json(f, "R2");
	assert_string_equal(gone, "absent");
	free(gone);
	fix_free(f);
	faulty_store_free(fs);
}

/*
 * Weighted round robin holds a member at capacity until its counters
 * change. When more of the pool's members' counters change than its list
 * of changed members keeps, the list starts again past the change that
 * freed the member, and the index must look at every member rather than
 * at what is left.
 */
static void test_weighted_releases_a_member_after_many_other_changes(void **state)
{
	fixture *f = *state;
	set_agent(f, "a", "weight", 5);
	set_agent(f, "a", "open", 1);
	fix_agent(f, "e");
	fix_pool(f, "w", RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, "a", "b", "e", NULL);
	fix_pool(f, "q", RRD_STRATEGY_ROUND_ROBIN, "b", "e", NULL);
	assert_int_equal(fix_submit(f, "W1", "w"), RRD_OK);
	assert_string_equal(fix_owner(f, "W1"), "a"); /* a -2, b 1, e 1 */
	assert_int_equal(fix_submit(f, "W2", "w"), RRD_OK);
	assert_string_equal(fix_owner(f, "W2"), "b"); /* a full: a -2, b 0, e 2 */
	assert_int_equal(rrd_distributor_queue_record(f->dist, "W1", NULL), RRD_OK);
	/* b and e in turn through the other pool, each assignment a change
	 * of a member of w: more than w's list keeps (64, and two for each
	 * member). */
	char seq[64];
	for (int i = 0; i < 200; i++)
		submit_n(f, "q", 1, seq, sizeof seq);
	assert_int_equal(fix_open_count(f, "b") + fix_open_count(f, "e"), 201);
	/* a is free again: a 3, b 1, e 3, and a joined first. */
	assert_int_equal(fix_submit(f, "W3", "w"), RRD_OK);
	assert_string_equal(fix_owner(f, "W3"), "a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup_abc, teardown)
		T(test_weighted_is_smooth),
		T(test_weighted_ineligible_member_keeps_its_score),
		T(test_weighted_scores_are_stored_under_their_join_numbers),
		T(test_least_busy_takes_fewest_open_ties_in_join_order),
		T(test_least_busy_skips_full_agent),
		T(test_least_recent_never_assigned_first),
		T(test_random_is_deterministic_for_a_seed),
		T(test_random_never_picks_ineligible),
		T(test_round_robin_explains_skips_from_the_cursor),
		T(test_daily_cap_resets_at_midnight),
		T(test_nobody_eligible_explains_everyone),
		T(test_piranha_has_no_next_agent),
		T(test_custom_strategy_state_is_shared_by_every_path),
		T(test_two_distributors_share_one_cursor),
		T(test_least_recent_counts_a_job_that_moves_a_new_record),
		T(test_random_draws_a_member_added_after_a_draw),
		cmocka_unit_test(test_least_busy_forgets_a_rolled_back_assignment),
		T(test_weighted_releases_a_member_after_many_other_changes),
#undef T
	};
	return cmocka_run_group_tests_name("strategies", tests, NULL, NULL);
}
