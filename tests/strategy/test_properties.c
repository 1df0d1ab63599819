/*
 * Properties over many random pools and sequences, with fixed seeds so a
 * failure reproduces: round robin never lets counts differ by more than
 * one, weighted prefixes stay within one of each member's share, weighted
 * round robin under churn equals the scenario format's algorithm run
 * naively, and the nearest and least-busy picks equal a brute-force scan
 * while what they depend on changes between picks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "geo/sphere.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int member_index(const char *id)
{
	return atoi(id + 1);
}

static fixture *pool_of(int n, rrd_strategy s, const int64_t *weights)
{
	fixture *f = fix_new(0);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_strategy(p, s), RRD_OK);
	for (int i = 0; i < n; i++) {
		char id[16];
		snprintf(id, sizeof id, "m%d", i);
		rrd_agent *a;
		assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
		if (weights)
			assert_int_equal(rrd_agent_set_weight(a, weights[i]), RRD_OK);
		assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
		rrd_agent_free(a);
		assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
	}
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	return f;
}

static void test_round_robin_counts_differ_by_at_most_one(void **state)
{
	(void)state;
	rng_state = 0x9E3779B97F4A7C15ull;
	for (int trial = 0; trial < 60; trial++) {
		int n = 1 + (int)(rnd() % 40);
		int picks = (int)(rnd() % 300);
		fixture *f = pool_of(n, RRD_STRATEGY_ROUND_ROBIN, NULL);
		int counts[40] = { 0 };
		for (int k = 0; k < picks; k++) {
			counts[member_index(fix_next(f, "p"))]++;
			int lo = counts[0], hi = counts[0];
			for (int i = 1; i < n; i++) {
				lo = counts[i] < lo ? counts[i] : lo;
				hi = counts[i] > hi ? counts[i] : hi;
			}
			if (hi - lo > 1)
				fail_msg("trial %d: n=%d after %d picks counts differ by %d", trial, n,
					 k + 1, hi - lo);
		}
		fix_free(f);
	}
}

static void test_weighted_prefixes_stay_within_one_of_share(void **state)
{
	(void)state;
	rng_state = 0xD1B54A32D192ED03ull;
	for (int trial = 0; trial < 60; trial++) {
		int n = 1 + (int)(rnd() % 12);
		int64_t w[12], total = 0;
		for (int i = 0; i < n; i++) {
			w[i] = 1 + (int64_t)(rnd() % 9);
			total += w[i];
		}
		fixture *f = pool_of(n, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, w);
		int counts[12] = { 0 };
		int picks = (int)(2 * total + rnd() % 200);
		for (int t = 1; t <= picks; t++) {
			counts[member_index(fix_next(f, "p"))]++;
			for (int i = 0; i < n; i++) {
				double share = (double)t * (double)w[i] / (double)total;
				if (fabs(counts[i] - share) > 1.0)
					fail_msg("trial %d: member %d of weight %lld has %d after %d picks, "
						 "share %.3f", trial, i, (long long)w[i], counts[i], t, share);
			}
		}
		fix_free(f);
	}
}

/*
 * The smooth algorithm exactly as the scenario format states it, over
 * every member, against the library while agents pause, reach capacity or
 * their daily cap, change weight, leave and join again, while the clock
 * crosses days and working hours (the pool respects hours in some trials;
 * in others a rule asks for hours the pool does not, and maybe a skill), with picks
 * made by a second distributor on the same store now and then and
 * explain calls between.
 */
typedef struct wmember {
	int agent;     /* m<agent> */
	int64_t score;
} wmember;

typedef struct wmodel {
	int n;         /* agents m0..m<n-1> */
	int64_t weight[24];
	int paused[24], cap[24], open[24], daycap[24], today[24], hascal[24], spanish[24];
	int64_t day[24];
	int respect;   /* 1: the pool respects hours; 2: a rule does */
	int skill;     /* the rule asks for "es" */
	rrd_time now;
	wmember members[24];
	int nmembers;
} wmodel;

/* The calendar "office": Monday to Friday, 09:00-17:00 UTC. */
static int office_open(rrd_time t)
{
	int64_t day = t / RRD_DAY, minute = (t % RRD_DAY) / RRD_MINUTE;
	int weekday = (int)((day + 3) % 7); /* 1970-01-01 was a Thursday; 0 = Monday */
	return weekday < 5 && minute >= 9 * 60 && minute < 17 * 60;
}

static int wtoday(const wmodel *m, int agent)
{
	return m->day[agent] == m->now / RRD_DAY ? m->today[agent] : 0;
}

/* `routed`: through the rule rather than straight from the pool. */
static int weligible(const wmodel *m, int agent, int routed)
{
	int hours = m->respect == 1 || (m->respect == 2 && routed);
	return !m->paused[agent] && (m->cap[agent] == 0 || m->open[agent] < m->cap[agent]) &&
	       (m->daycap[agent] == 0 || wtoday(m, agent) < m->daycap[agent]) &&
	       (!hours || !m->hascal[agent] || office_open(m->now)) &&
	       (!(m->skill && routed) || m->spanish[agent]);
}

/* The member the algorithm picks (-1: nobody); moves scores if `move`. */
static int wpick(wmodel *m, int move, int routed)
{
	int64_t total = 0, saved[24];
	int best = -1;
	for (int i = 0; i < m->nmembers; i++) {
		saved[i] = m->members[i].score;
		if (!weligible(m, m->members[i].agent, routed))
			continue;
		m->members[i].score += m->weight[m->members[i].agent];
		total += m->weight[m->members[i].agent];
		if (best < 0 || m->members[i].score > m->members[best].score)
			best = i;
	}
	if (best >= 0)
		m->members[best].score -= total;
	if (!move || best < 0)
		for (int i = 0; i < m->nmembers; i++)
			m->members[i].score = saved[i];
	return best < 0 ? -1 : m->members[best].agent;
}

static void wassigned(wmodel *m, int agent)
{
	m->open[agent]++;
	m->today[agent] = wtoday(m, agent) + 1;
	m->day[agent] = m->now / RRD_DAY;
}

static void wput_agent(fixture *f, const wmodel *m, int agent)
{
	char id[16];
	snprintf(id, sizeof id, "m%d", agent);
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	assert_int_equal(rrd_agent_set_weight(a, m->weight[agent]), RRD_OK);
	assert_int_equal(rrd_agent_set_paused(a, m->paused[agent]), RRD_OK);
	if (m->cap[agent])
		assert_int_equal(rrd_agent_set_capacity_open(a, m->cap[agent]), RRD_OK);
	if (m->daycap[agent])
		assert_int_equal(rrd_agent_set_capacity_per_day(a, m->daycap[agent]), RRD_OK);
	if (m->hascal[agent])
		assert_int_equal(rrd_agent_set_calendar(a, "office"), RRD_OK);
	if (m->spanish[agent])
		assert_int_equal(rrd_agent_add_skill(a, "es"), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static rrd_time other_clock(void *user)
{
	return ((fixture *)user)->now;
}

static void test_weighted_equals_the_algorithm_under_churn(void **state)
{
	(void)state;
	rng_state = 0x3C6EF372FE94F82Aull;
	for (int trial = 0; trial < 60; trial++) {
		wmodel m = { .n = 2 + (int)(rnd() % 22), .respect = trial % 3,
			     .skill = trial % 3 == 2 && trial % 2 };
		fixture *f = fix_new(0);
		m.now = f->now;
		rrd_distributor_options o = RRD_DISTRIBUTOR_OPTIONS_INIT;
		o.clock = other_clock;
		o.clock_user = f;
		rrd_distributor *other;
		assert_int_equal(rrd_distributor_new(&other, f->store, &o), RRD_OK);
		rrd_calendar *cal;
		assert_int_equal(rrd_calendar_new(&cal, "office", "UTC"), RRD_OK);
		for (int wd = RRD_MONDAY; wd <= RRD_FRIDAY; wd++)
			assert_int_equal(rrd_calendar_add_hours(cal, (rrd_weekday)wd, 9 * 60, 17 * 60),
					 RRD_OK);
		assert_int_equal(rrd_distributor_put_calendar(f->dist, cal), RRD_OK);
		rrd_calendar_free(cal);
		rrd_pool *p;
		assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
		assert_int_equal(rrd_pool_set_strategy(p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN), RRD_OK);
		assert_int_equal(rrd_pool_set_respect_hours(p, m.respect == 1), RRD_OK);
		for (int a = 0; a < m.n; a++) {
			m.weight[a] = 1 + (int64_t)(rnd() % 9);
			m.cap[a] = rnd() % 4 == 0 ? 1 + (int)(rnd() % 5) : 0;
			m.daycap[a] = rnd() % 4 == 0 ? 1 + (int)(rnd() % 3) : 0;
			m.hascal[a] = rnd() % 3 == 0;
			m.spanish[a] = rnd() % 3 != 0;
			wput_agent(f, &m, a);
			char id[16];
			snprintf(id, sizeof id, "m%d", a);
			assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
			m.members[m.nmembers++] = (wmember){ a, 0 };
		}
		assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
		rrd_pool_free(p);
		rrd_rule *rule;
		assert_int_equal(rrd_rule_new(&rule, "spanish", "p"), RRD_OK);
		assert_int_equal(rrd_rule_add_source(rule, "web"), RRD_OK);
		assert_int_equal(rrd_rule_set_respect_hours(rule, 1), RRD_OK);
		if (m.skill)
			assert_int_equal(rrd_rule_add_skill(rule, "es"), RRD_OK);
		if (m.respect == 2)
			assert_int_equal(rrd_distributor_add_rule(f->dist, rule), RRD_OK);
		rrd_rule_free(rule);
		for (int step = 0; step < 300; step++) {
			int a = (int)(rnd() % (uint64_t)m.n), action = (int)(rnd() % 22);
			char id[16];
			snprintf(id, sizeof id, "m%d", a);
			int pos = -1;
			for (int i = 0; i < m.nmembers; i++)
				if (m.members[i].agent == a)
					pos = i;
			if (action == 0) {
				m.paused[a] = !m.paused[a];
				wput_agent(f, &m, a);
			} else if (action == 1) {
				m.weight[a] = 1 + (int64_t)(rnd() % 9);
				wput_agent(f, &m, a);
			} else if (action == 2 && m.cap[a]) {
				m.cap[a] += 2;
				wput_agent(f, &m, a);
			} else if (action == 3 && pos >= 0) {
				assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "p", id), RRD_OK);
				memmove(m.members + pos, m.members + pos + 1,
					(size_t)(m.nmembers - pos - 1) * sizeof *m.members);
				m.nmembers--;
			} else if (action == 4 && pos < 0) {
				assert_int_equal(rrd_distributor_pool_add_member(f->dist, "p", id), RRD_OK);
				m.members[m.nmembers++] = (wmember){ a, 0 };
			} else if (action <= 6) {
				/* Up to six hours on: across working hours and days. */
				f->now += (rrd_time)(rnd() % 360) * RRD_MINUTE;
				m.now = f->now;
			} else if (action == 7) {
				int want = wpick(&m, 0, 0);
				rrd_pick *pk = NULL;
				rrd_status rc = rrd_distributor_explain(f->dist, "p", NULL, &pk);
				if (want < 0 ? rc != RRD_E_NO_ELIGIBLE
					     : rc != RRD_OK || member_index(rrd_pick_agent(pk)) != want)
					fail_msg("trial %d step %d: explain gave %s, the algorithm m%d",
						 trial, step, rrd_pick_agent(pk), want);
				rrd_pick_free(pk);
			} else if (action < 11) {
				/* A pick through the other distributor on the store. */
				int want = wpick(&m, 1, 0);
				rrd_pick *pk = NULL;
				rrd_status rc = rrd_distributor_next_agent(other, "p", NULL, &pk);
				if (want < 0 ? rc != RRD_E_NO_ELIGIBLE
					     : rc != RRD_OK || member_index(rrd_pick_agent(pk)) != want)
					fail_msg("trial %d step %d: next_agent gave %s, the algorithm m%d",
						 trial, step, rrd_pick_agent(pk), want);
				rrd_pick_free(pk);
			} else {
				/* With the rule, half the leads go through it. */
				int routed = m.respect == 2 && rnd() % 2;
				int want = wpick(&m, 1, routed);
				char lead[32];
				snprintf(lead, sizeof lead, "L%d", step);
				if (routed) {
					rrd_record *r;
					assert_int_equal(rrd_record_new(&r, lead, RRD_KIND_LEAD), RRD_OK);
					assert_int_equal(rrd_record_set_source(r, "web"), RRD_OK);
					assert_int_equal(rrd_distributor_submit(f->dist, r, NULL), RRD_OK);
					rrd_record_free(r);
				} else {
					assert_int_equal(fix_submit(f, lead, "p"), RRD_OK);
				}
				const char *owner = fix_owner(f, lead);
				if (want < 0 ? *owner != 0 : member_index(owner) != want)
					fail_msg("trial %d step %d: %s got the lead, the algorithm says m%d",
						 trial, step, owner, want);
				if (want >= 0)
					wassigned(&m, want);
			}
		}
		rrd_distributor_free(other);
		fix_free(f);
	}
}

/*
 * Least busy against a brute-force scan of the members in join order,
 * while agents pause, records leave their owners (parked in the queue) or
 * arrive with one (imported), members leave and join again, and a second
 * distributor on the store makes picks of its own: each changes what the
 * least-busy tree mirrors in its own way.
 */
static void test_least_busy_equals_brute_force(void **state)
{
	(void)state;
	rng_state = 0x2545F4914F6CDD1Dull;
	for (int trial = 0; trial < 40; trial++) {
		int n = 1 + (int)(rnd() % 30);
		fixture *f = pool_of(n, RRD_STRATEGY_LEAST_BUSY, NULL);
		rrd_distributor *other;
		assert_int_equal(rrd_distributor_new(&other, f->store, NULL), RRD_OK);
		int open[30] = { 0 }, paused[30] = { 0 };
		int members[30], nmembers = n; /* agent numbers in join order */
		for (int i = 0; i < n; i++)
			members[i] = i;
		char held[160][16]; /* records that count as open */
		int holder[160], nheld = 0;
		for (int k = 0; k < 160; k++) {
			int action = (int)(rnd() % 9);
			int i = (int)(rnd() % (uint64_t)n);
			char id[16];
			snprintf(id, sizeof id, "m%d", i);
			int pos = -1;
			for (int m = 0; m < nmembers; m++)
				if (members[m] == i)
					pos = m;
			char lead[32];
			snprintf(lead, sizeof lead, "L%d", k);
			if (action == 0) {
				rrd_agent *a;
				assert_int_equal(rrd_distributor_get_agent(f->dist, id, &a), RRD_OK);
				paused[i] = !paused[i];
				assert_int_equal(rrd_agent_set_paused(a, paused[i]), RRD_OK);
				assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
				rrd_agent_free(a);
				continue;
			}
			if (action == 1 && nheld) {
				int j = (int)(rnd() % (uint64_t)nheld);
				assert_int_equal(rrd_distributor_queue_record(f->dist, held[j], NULL),
						 RRD_OK);
				open[holder[j]]--;
				nheld--;
				memcpy(held[j], held[nheld], sizeof held[j]);
				holder[j] = holder[nheld];
				continue;
			}
			if (action == 2) {
				rrd_record *r;
				assert_int_equal(rrd_record_new(&r, lead, RRD_KIND_LEAD), RRD_OK);
				assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
				assert_int_equal(rrd_record_set_owner(r, id), RRD_OK);
				assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
				rrd_record_free(r);
				open[i]++;
				memcpy(held[nheld], lead, sizeof held[nheld]);
				holder[nheld++] = i;
				continue;
			}
			if (action == 3 && pos >= 0 && nmembers > 1) {
				assert_int_equal(rrd_distributor_pool_remove_member(f->dist, "p", id),
						 RRD_OK);
				memmove(members + pos, members + pos + 1,
					(size_t)(nmembers - pos - 1) * sizeof *members);
				nmembers--;
				continue;
			}
			if (action == 3 && pos < 0) {
				assert_int_equal(rrd_distributor_pool_add_member(f->dist, "p", id), RRD_OK);
				members[nmembers++] = i;
				continue;
			}
			int best = -1;
			for (int m = 0; m < nmembers; m++) {
				int a = members[m];
				if (!paused[a] && (best < 0 || open[a] < open[best]))
					best = a;
			}
			rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
			o.pool = "p";
			rrd_record *r;
			assert_int_equal(rrd_record_new(&r, lead, RRD_KIND_LEAD), RRD_OK);
			/* Now and then through the other distributor. */
			rrd_distributor *d = action == 4 ? other : f->dist;
			assert_int_equal(rrd_distributor_submit(d, r, &o), RRD_OK);
			rrd_record_free(r);
			assert_int_equal(rrd_distributor_get_record(f->dist, lead, &r), RRD_OK);
			if (best < 0) {
				assert_int_equal(rrd_record_status_of(r), RRD_RECORD_QUEUED);
			} else {
				if (member_index(rrd_record_owner(r)) != best)
					fail_msg("trial %d step %d: got %s, brute force says m%d", trial, k,
						 rrd_record_owner(r), best);
				open[best]++;
				memcpy(held[nheld], lead, sizeof held[nheld]);
				holder[nheld++] = best;
			}
			rrd_record_free(r);
		}
		rrd_distributor_free(other);
		fix_free(f);
	}
}

static void test_nearest_equals_brute_force(void **state)
{
	(void)state;
	rng_state = 0x5851F42D4C957F2Dull;
	for (int trial = 0; trial < 25; trial++) {
		int n = 1 + (int)(rnd() % 200);
		fixture *f = fix_new(0);
		rrd_pool *p;
		assert_int_equal(rrd_pool_new(&p, "p", RRD_KIND_LEAD), RRD_OK);
		assert_int_equal(rrd_pool_set_strategy(p, RRD_STRATEGY_NEAREST), RRD_OK);
		double lat[200], lon[200];
		int has[200], paused[200];
		for (int i = 0; i < n; i++) {
			char id[16];
			snprintf(id, sizeof id, "m%d", i);
			rrd_agent *a;
			assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
			/* Clustered, with repeats, so ties happen. */
			lat[i] = 25 + (double)(rnd() % 20) * 1.25;
			lon[i] = -120 + (double)(rnd() % 40) * 1.5;
			has[i] = rnd() % 10 != 0;
			paused[i] = rnd() % 5 == 0;
			if (has[i])
				assert_int_equal(rrd_agent_set_location(a, lat[i], lon[i]), RRD_OK);
			assert_int_equal(rrd_agent_set_paused(a, paused[i]), RRD_OK);
			assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
			rrd_agent_free(a);
			assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
		}
		assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
		rrd_pool_free(p);
		for (int q = 0; q < 100; q++) {
			if (rnd() % 4 == 0) {
				/* An agent moves, or loses or finds its location. */
				int i = (int)(rnd() % (uint64_t)n);
				char id[16];
				snprintf(id, sizeof id, "m%d", i);
				rrd_agent *a;
				assert_int_equal(rrd_distributor_get_agent(f->dist, id, &a), RRD_OK);
				lat[i] = 25 + (double)(rnd() % 20) * 1.25;
				lon[i] = -120 + (double)(rnd() % 40) * 1.5;
				has[i] = rnd() % 10 != 0;
				if (has[i])
					assert_int_equal(rrd_agent_set_location(a, lat[i], lon[i]), RRD_OK);
				else
					assert_int_equal(rrd_agent_clear_location(a), RRD_OK);
				assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
				rrd_agent_free(a);
			}
			double qlat = 20 + (double)(rnd() % 3000) / 100.0;
			double qlon = -125 + (double)(rnd() % 6000) / 100.0;
			rrd_geo_point qp, mp;
			assert_int_equal(rrd__geo_point(qlat, qlon, &qp), 0);
			int best = -1;
			double best_d = 0;
			for (int i = 0; i < n; i++) {
				if (!has[i] || paused[i])
					continue;
				rrd__geo_point(lat[i], lon[i], &mp);
				double dd = rrd__geo_chord2(&qp, &mp);
				if (best < 0 || dd < best_d) {
					best = i;
					best_d = dd;
				}
			}
			rrd_record *r;
			assert_int_equal(rrd_record_new(&r, "q", RRD_KIND_LEAD), RRD_OK);
			assert_int_equal(rrd_record_set_location(r, qlat, qlon), RRD_OK);
			rrd_pick *pk = NULL;
			rrd_status rc = rrd_distributor_explain(f->dist, "p", r, &pk);
			rrd_record_free(r);
			if (best < 0) {
				assert_int_equal(rc, RRD_E_NO_ELIGIBLE);
			} else {
				assert_int_equal(rc, RRD_OK);
				if (member_index(rrd_pick_agent(pk)) != best)
					fail_msg("trial %d query %d: got %s, brute force says m%d", trial, q,
						 rrd_pick_agent(pk), best);
			}
			rrd_pick_free(pk);
		}
		fix_free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin_counts_differ_by_at_most_one),
		cmocka_unit_test(test_weighted_prefixes_stay_within_one_of_share),
		cmocka_unit_test(test_weighted_equals_the_algorithm_under_churn),
		cmocka_unit_test(test_least_busy_equals_brute_force),
		cmocka_unit_test(test_nearest_equals_brute_force),
	};
	return cmocka_run_group_tests_name("properties", tests, NULL, NULL);
}
