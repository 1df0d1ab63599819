/*
 * The kinetic tournament against a scan of every line: random lines,
 * time moving on by random steps, intercepts changing and lines left out
 * and put back, with many ties (small slopes and intercepts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "strategy/kinetic.h"

static uint64_t rng_state = 0x8F1BBCDCA62C1D6Dull;

static int64_t rnd(int64_t below)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (int64_t)(rng_state % (uint64_t)below);
}

static size_t scan(const rrd_kinetic *k, const int *off, int64_t t)
{
	size_t best = k->n;
	for (size_t i = 0; i < k->n; i++)
		if (!off[i] && (best == k->n || rrd__kinetic_value(k, i, t) >
						    rrd__kinetic_value(k, best, t)))
			best = i;
	return best;
}

static void test_top_equals_a_scan(void **state)
{
	(void)state;
	for (int trial = 0; trial < 300; trial++) {
		size_t n = (size_t)rnd(40);
		int64_t slope[40], icpt[40];
		int off[40] = { 0 };
		for (size_t i = 0; i < n; i++) {
			slope[i] = 1 + rnd(4);
			icpt[i] = rnd(60) - 30;
		}
		rrd_kinetic k = { 0 };
		int64_t t = rnd(5);
		assert_int_equal(rrd__kinetic_build(&k, slope, icpt, n, t), 0);
		for (int step = 0; step < 200; step++) {
			int64_t r = rnd(10);
			if (r < 4) {
				t += rnd(4);
				rrd__kinetic_advance(&k, t);
			} else if (n && r < 8) {
				size_t i = (size_t)rnd((int64_t)n);
				rrd__kinetic_set(&k, i, k.icpt[i] - rnd(3 * (int64_t)n) + rnd(6));
			} else if (n) {
				size_t i = (size_t)rnd((int64_t)n);
				off[i] = !off[i];
				rrd__kinetic_leave_out(&k, i, off[i]);
			}
			size_t want = scan(&k, off, t), got = rrd__kinetic_top(&k);
			if (got != want)
				fail_msg("trial %d step %d t=%lld: top %zu, a scan says %zu", trial,
					 step, (long long)t, got, want);
		}
		rrd__kinetic_free(&k);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_equals_a_scan),
	};
	return cmocka_run_group_tests_name("kinetic", tests, NULL, NULL);
}
