/* Claim windows, declines, expiry, piranha, max_offers, overflow and
 * open-time deadlines, driven by an explicit clock. */
#include <string.h>

#include "../support/fixture.h"
#include "core/core.h" /* RRD_REC_CACHE_MAX */

static void window_pool(fixture *f, const char *id, rrd_strategy s, rrd_time window, ...)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, s), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, window), RRD_OK);
	va_list ap;
	va_start(ap, window);
	const char *m;
	while ((m = va_arg(ap, const char *)))
		assert_int_equal(rrd_pool_add_member(p, m), RRD_OK);
	va_end(ap);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
}

static int setup(void **state)
{
	fixture *f = fix_new(0);
	fix_agent(f, "A");
	fix_agent(f, "B");
	fix_agent(f, "C");
	window_pool(f, "rr", RRD_STRATEGY_ROUND_ROBIN, 5 * RRD_MINUTE, "A", "B", "C", NULL);
	window_pool(f, "pir", RRD_STRATEGY_PIRANHA, 10 * RRD_MINUTE, "A", "B", "C", NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix_free(*state);
	return 0;
}

static rrd_claim_result claim(fixture *f, const char *lead, const char *agent)
{
	rrd_claim_result r;
	assert_int_equal(rrd_distributor_claim(f->dist, lead, agent, &r), RRD_OK);
	return r;
}

static void advance_to(fixture *f, rrd_time t)
{
	f->now = t;
	assert_int_equal(rrd_distributor_advance(f->dist, t), RRD_OK);
}

static void test_offer_expires_and_passes_on(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "rr"), RRD_OK);
	assert_string_equal(fix_event(f, 0), "offered L1 A pool=rr");
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	assert_true(due == FIX_START + 5 * RRD_MINUTE);
	advance_to(f, FIX_START + 5 * RRD_MINUTE - 1);
	assert_int_equal(f->nevents, 1);
	advance_to(f, FIX_START + 5 * RRD_MINUTE);
	assert_string_equal(fix_event(f, 1), "offer_expired L1 A");
	assert_string_equal(fix_event(f, 2), "offered L1 B pool=rr");
	assert_int_equal(claim(f, "L1", "B"), RRD_CLAIM_WON);
	assert_string_equal(fix_event(f, 3), "claimed L1 B");
	assert_string_equal(fix_event(f, 4), "assigned L1 B via=claim pool=rr");
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, "L1", &r), RRD_OK);
	assert_int_equal(rrd_record_status_of(r), RRD_RECORD_CLAIMED);
	rrd_record_free(r);
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_E_NOTFOUND);
	/* Who is told what, afterwards. */
	assert_int_equal(claim(f, "L1", "A"), RRD_CLAIM_ALREADY_CLAIMED);
	assert_int_equal(claim(f, "L1", "C"), RRD_CLAIM_NOT_OFFERED);
	assert_int_equal(claim(f, "L1", "B"), RRD_CLAIM_ALREADY_CLAIMED);
	/* The cursor moved with every offer: the next lead starts at C. */
	assert_int_equal(fix_submit(f, "L2", "rr"), RRD_OK);
	assert_string_equal(fix_event(f, f->nevents - 1), "offered L2 C pool=rr");
}

static void test_claim_at_the_deadline_is_too_late(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "rr"), RRD_OK);
	advance_to(f, FIX_START + 5 * RRD_MINUTE);
	assert_int_equal(claim(f, "L1", "A"), RRD_CLAIM_EXPIRED);
	assert_string_equal(fix_event(f, f->nevents - 1), "claim_rejected L1 A reason=expired");
}

static void test_decline_moves_on_at_once(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "rr"), RRD_OK);
	f->now += RRD_MINUTE;
	assert_int_equal(rrd_distributor_decline(f->dist, "L1", "A"), RRD_OK);
	assert_string_equal(fix_event(f, 1), "offered L1 B pool=rr");
	assert_int_equal(claim(f, "L1", "A"), RRD_CLAIM_DECLINED);
	/* Nobody but a live offeree may decline. */
	assert_int_equal(rrd_distributor_decline(f->dist, "L1", "C"), RRD_E_INVALID);
	/* The new offer's deadline counts from the decline. */
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	assert_true(due == FIX_START + 6 * RRD_MINUTE);
}

static void test_everyone_expires_then_queue(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "rr"), RRD_OK);
	advance_to(f, FIX_START + 60 * RRD_MINUTE);
	assert_string_equal(fix_event(f, 5), "offer_expired L1 C");
	assert_string_equal(fix_event(f, 6), "queued L1 reason=pool_exhausted");
	assert_int_equal(f->nevents, 7);
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, "L1", &r), RRD_OK);
	assert_int_equal(rrd_record_status_of(r), RRD_RECORD_QUEUED);
	rrd_record_free(r);
}

static void test_members_turning_ineligible_while_offer_is_out(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "rr"), RRD_OK);
	const char *others[] = { "B", "C" };
	for (int i = 0; i < 2; i++) {
		rrd_agent *a;
		assert_int_equal(rrd_distributor_get_agent(f->dist, others[i], &a), RRD_OK);
		assert_int_equal(rrd_agent_set_paused(a, 1), RRD_OK);
		assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
		rrd_agent_free(a);
	}
	advance_to(f, FIX_START + 5 * RRD_MINUTE);
	assert_string_equal(fix_event(f, 1), "offer_expired L1 A");
	assert_string_equal(fix_event(f, 2), "queued L1 reason=pool_exhausted");
}

static void test_max_offers_bounds_each_pool(void **state)
{
	fixture *f = *state;
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "two", "rr"), RRD_OK);
	assert_int_equal(rrd_rule_set_max_offers(r, 2), RRD_OK);
	assert_int_equal(rrd_rule_add_overflow(r, "pir"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
	rrd_record *rec;
	assert_int_equal(rrd_record_new(&rec, "L1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_submit(f->dist, rec, NULL), RRD_OK);
	rrd_record_free(rec);
	advance_to(f, FIX_START + 10 * RRD_MINUTE);
	/* A, then B, then max_offers: overflow to the piranha pool, with
	 * the rule's window? No window on the rule, so the pool's own 10m. */
	assert_string_equal(fix_event(f, 0), "offered L1 A pool=rr");
	assert_string_equal(fix_event(f, 2), "offered L1 B pool=rr");
	assert_string_equal(fix_event(f, 3), "offer_expired L1 B");
	assert_string_equal(fix_event(f, 4), "offered L1 A pool=pir");
	assert_string_equal(fix_event(f, 5), "offered L1 B pool=pir");
	assert_string_equal(fix_event(f, 6), "offered L1 C pool=pir");
	assert_int_equal(f->nevents, 7);
}

static void test_piranha_first_claim_wins(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "pir"), RRD_OK);
	assert_int_equal(f->nevents, 3);
	assert_string_equal(fix_event(f, 2), "offered L1 C pool=pir");
	f->now += RRD_MINUTE;
	/* Two claims at the same instant: exactly one wins. */
	assert_int_equal(claim(f, "L1", "C"), RRD_CLAIM_WON);
	assert_int_equal(claim(f, "L1", "A"), RRD_CLAIM_ALREADY_CLAIMED);
	assert_string_equal(fix_event(f, 3), "claimed L1 C");
	assert_string_equal(fix_event(f, 4), "assigned L1 C via=claim pool=pir");
	assert_string_equal(fix_event(f, 5), "claimed_by_other L1 A");
	assert_string_equal(fix_event(f, 6), "claimed_by_other L1 B");
	assert_string_equal(fix_event(f, 7), "claim_rejected L1 A reason=already_claimed");
	advance_to(f, FIX_START + RRD_HOUR);
	assert_int_equal(f->nevents, 8);
}

static void test_piranha_unclaimed_goes_to_queue(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "pir"), RRD_OK);
	assert_int_equal(rrd_distributor_decline(f->dist, "L1", "B"), RRD_OK);
	advance_to(f, FIX_START + 10 * RRD_MINUTE);
	assert_string_equal(fix_event(f, 3), "offer_expired L1 A");
	assert_string_equal(fix_event(f, 4), "offer_expired L1 C");
	assert_string_equal(fix_event(f, 5), "queued L1 reason=pool_exhausted");
	assert_int_equal(claim(f, "L1", "B"), RRD_CLAIM_DECLINED);
	assert_int_equal(claim(f, "L1", "C"), RRD_CLAIM_EXPIRED);
}

static void test_manual_move_is_refused_then_forced(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "rr"), RRD_OK);
	assert_int_equal(rrd_distributor_assign(f->dist, "L1", "C", NULL), RRD_E_RULE_BOUND);
	rrd_move_options o = RRD_MOVE_OPTIONS_INIT;
	o.force = 1;
	assert_int_equal(rrd_distributor_assign(f->dist, "L1", "C", &o), RRD_OK);
	assert_string_equal(fix_owner(f, "L1"), "C");
	/* The withdrawn offer's timer is gone and A's claim is refused. */
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_E_NOTFOUND);
	assert_int_equal(claim(f, "L1", "A"), RRD_CLAIM_ALREADY_CLAIMED);
}

static void test_window_counts_open_time_only(void **state)
{
	fixture *f = *state;
	rrd_calendar *cal;
	assert_int_equal(rrd_calendar_new(&cal, "east", "America/New_York"), RRD_OK);
	for (int day = RRD_MONDAY; day <= RRD_FRIDAY; day++)
		assert_int_equal(rrd_calendar_add_hours(cal, (rrd_weekday)day, 9 * 60, 17 * 60), RRD_OK);
	assert_int_equal(rrd_distributor_put_calendar(f->dist, cal), RRD_OK);
	rrd_calendar_free(cal);
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "office", "rr"), RRD_OK);
	assert_int_equal(rrd_rule_set_calendar(r, "east"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
	/* Monday 2026-03-02 16:58 EST is 21:58Z. */
	f->now = FIX_START + 13 * RRD_HOUR + 58 * RRD_MINUTE;
	rrd_record *rec;
	assert_int_equal(rrd_record_new(&rec, "L1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_submit(f->dist, rec, NULL), RRD_OK);
	rrd_record_free(rec);
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	/* Tuesday 09:03 EST is 14:03Z. */
	assert_true(due == FIX_START + RRD_DAY + 6 * RRD_HOUR + 3 * RRD_MINUTE);
}

static void test_overflow_pools_use_their_own_strategy(void **state)
{
	fixture *f = *state;
	window_pool(f, "empty", RRD_STRATEGY_ROUND_ROBIN, 5 * RRD_MINUTE, NULL);
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "hot", "empty"), RRD_OK);
	assert_int_equal(rrd_rule_set_strategy(r, RRD_STRATEGY_PIRANHA), RRD_OK);
	assert_int_equal(rrd_rule_add_overflow(r, "rr"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
	rrd_record *rec;
	assert_int_equal(rrd_record_new(&rec, "L1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_submit(f->dist, rec, NULL), RRD_OK);
	rrd_record_free(rec);
	/* The rule's piranha governs its own pool; "rr" goes round robin. */
	assert_int_equal(f->nevents, 1);
	assert_string_equal(fix_event(f, 0), "offered L1 A pool=rr");
}

/* A decline is remembered for the whole routing: an agent who declined in
 * a rule's pool and then let the overflow pool's offer pass is told
 * `declined`, whichever pool offered it last. */
static void test_decline_outlasts_overflow_expiry(void **state)
{
	fixture *f = *state;
	rrd_rule *r;
	assert_int_equal(rrd_rule_new(&r, "chain", "rr"), RRD_OK);
	assert_int_equal(rrd_rule_add_overflow(r, "pir"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, r), RRD_OK);
	rrd_rule_free(r);
	rrd_record *rec;
	assert_int_equal(rrd_record_new(&rec, "L1", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_submit(f->dist, rec, NULL), RRD_OK);
	rrd_record_free(rec);
	assert_string_equal(fix_event(f, 0), "offered L1 A pool=rr");
	assert_int_equal(rrd_distributor_decline(f->dist, "L1", "A"), RRD_OK);
	assert_string_equal(fix_event(f, 1), "offered L1 B pool=rr");
	advance_to(f, FIX_START + 5 * RRD_MINUTE);
	assert_string_equal(fix_event(f, 3), "offered L1 C pool=rr");
	assert_int_equal(rrd_distributor_decline(f->dist, "L1", "C"), RRD_OK);
	/* "rr" has gone round: the overflow pool offers to all three. */
	assert_string_equal(fix_event(f, 4), "offered L1 A pool=pir");
	assert_string_equal(fix_event(f, 6), "offered L1 C pool=pir");
	assert_int_equal(rrd_distributor_decline(f->dist, "L1", "C"), RRD_OK);
	advance_to(f, FIX_START + 15 * RRD_MINUTE);
	assert_string_equal(fix_event(f, 7), "offer_expired L1 A");
	assert_string_equal(fix_event(f, 8), "offer_expired L1 B");
	assert_string_equal(fix_event(f, 9), "queued L1 reason=pool_exhausted");
	/* A declined in "rr", then let "pir" expire; B let both expire; C
	 * declined in both. */
	assert_int_equal(claim(f, "L1", "A"), RRD_CLAIM_DECLINED);
	assert_int_equal(claim(f, "L1", "B"), RRD_CLAIM_EXPIRED);
	assert_int_equal(claim(f, "L1", "C"), RRD_CLAIM_DECLINED);
}

/* With explain, a piranha offer is a pick like any other: each of its
 * `offered` events names the members not eligible at that moment, in
 * join order. */
static void test_piranha_offers_explain_who_was_skipped(void **state)
{
	(void)state;
	fixture *f = fix_new(1);
	fix_agent(f, "A");
	fix_agent(f, "B");
	fix_agent(f, "C");
	fix_agent(f, "D");
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "B", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_paused(a, 1), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	assert_int_equal(rrd_distributor_get_agent(f->dist, "D", &a), RRD_OK);
	assert_int_equal(rrd_agent_set_active(a, 0), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
	window_pool(f, "pir", RRD_STRATEGY_PIRANHA, 10 * RRD_MINUTE, "D", "A", "B", "C", NULL);
	assert_int_equal(fix_submit(f, "L1", "pir"), RRD_OK);
	assert_int_equal(f->nevents, 2);
	assert_string_equal(fix_event(f, 0),
			    "offered L1 A pool=pir skip=D:inactive skip=B:paused");
	assert_string_equal(fix_event(f, 1),
			    "offered L1 C pool=pir skip=D:inactive skip=B:paused");
	/* Without explain the events carry nothing. */
	fixture *plain = fix_new(0);
	fix_agent(plain, "A");
	window_pool(plain, "pir", RRD_STRATEGY_PIRANHA, 10 * RRD_MINUTE, "A", NULL);
	assert_int_equal(fix_submit(plain, "L1", "pir"), RRD_OK);
	assert_string_equal(fix_event(plain, 0), "offered L1 A pool=pir");
	fix_free(plain);
	fix_free(f);
}

static rrd_time fixture_clock(void *user)
{
	return ((fixture *)user)->now;
}

static void test_reopened_distributor_rearms_offers(void **state)
{
	fixture *f = *state;
	assert_int_equal(fix_submit(f, "L1", "rr"), RRD_OK);
	/* The host restarts: a new distributor on the same store. */
	rrd_distributor_free(f->dist);
	rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
	o.clock = fixture_clock;
	o.clock_user = f;
	assert_int_equal(rrd_distributor_new(&f->dist, f->store, &o), RRD_OK);
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_OK);
	assert_true(due == FIX_START + 5 * RRD_MINUTE);
	f->now = due;
	assert_int_equal(rrd_distributor_advance(f->dist, due), RRD_OK);
	rrd_claim_result r;
	assert_int_equal(rrd_distributor_claim(f->dist, "L1", "A", &r), RRD_OK);
	assert_int_equal(r, RRD_CLAIM_EXPIRED);
	/* The offer passed on to B, who can still claim it. */
	assert_int_equal(rrd_distributor_claim(f->dist, "L1", "B", &r), RRD_OK);
	assert_int_equal(r, RRD_CLAIM_WON);
}

/* More records than the distributor keeps in memory: assigned ones are
 * read back from the store when claimed or looked up, offers made while
 * the cache is full are claimed, declined and expire as usual. */
static void test_records_beyond_the_record_cache(void **state)
{
	fixture *f = *state;
	fix_pool(f, "direct", RRD_STRATEGY_ROUND_ROBIN, "A", "B", "C", NULL);
	static const char *const turn[] = { "A", "B", "C" };
	int n = RRD_REC_CACHE_MAX + 500;
	char id[32];
	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof id, "D%d", i);
		assert_int_equal(fix_submit(f, id, "direct"), RRD_OK);
	}
	for (int i = 0; i < n; i += 499) {
		snprintf(id, sizeof id, "D%d", i);
		assert_string_equal(fix_owner(f, id), turn[i % 3]);
	}
	assert_int_equal(claim(f, "D0", "A"), RRD_CLAIM_WON);
	assert_int_equal(claim(f, "D0", "B"), RRD_CLAIM_NOT_OFFERED);
	/* Round robin offers L<i> to A, B, C in turn. */
	for (int i = 0; i < 30; i++) {
		snprintf(id, sizeof id, "L%d", i);
		assert_int_equal(fix_submit(f, id, "rr"), RRD_OK);
	}
	assert_int_equal(claim(f, "L0", "A"), RRD_CLAIM_WON);
	assert_int_equal(claim(f, "L0", "A"), RRD_CLAIM_ALREADY_CLAIMED);
	assert_int_equal(rrd_distributor_decline(f->dist, "L1", "B"), RRD_OK);
	advance_to(f, FIX_START + 5 * RRD_MINUTE);
	assert_string_equal(fix_owner(f, "L0"), "A");
	/* L2 was C's: it expired and went to the next in line, A or B, who
	 * alone can claim it. */
	assert_int_equal(claim(f, "L2", "C"), RRD_CLAIM_EXPIRED);
	rrd_claim_result a = claim(f, "L2", "A"), b = claim(f, "L2", "B");
	assert_true((a == RRD_CLAIM_WON) != (b == RRD_CLAIM_WON));
	assert_string_equal(fix_owner(f, "L2"), a == RRD_CLAIM_WON ? "A" : "B");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_offer_expires_and_passes_on),
		T(test_records_beyond_the_record_cache),
		T(test_claim_at_the_deadline_is_too_late),
		T(test_decline_moves_on_at_once),
		T(test_everyone_expires_then_queue),
		T(test_members_turning_ineligible_while_offer_is_out),
		T(test_max_offers_bounds_each_pool),
		T(test_piranha_first_claim_wins),
		T(test_piranha_unclaimed_goes_to_queue),
		T(test_manual_move_is_refused_then_forced),
		T(test_window_counts_open_time_only),
		T(test_reopened_distributor_rearms_offers),
		T(test_overflow_pools_use_their_own_strategy),
		T(test_decline_outlasts_overflow_expiry),
		cmocka_unit_test(test_piranha_offers_explain_who_was_skipped),
#undef T
	};
	return cmocka_run_group_tests_name("offers", tests, NULL, NULL);
}
