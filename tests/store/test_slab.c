/*
 * The memory store's block carver: blocks are aligned and apart, a block
 * given back is the next one of its size, sizes past RRD_SLAB_MAX come
 * from the allocator, and clearing lets go of everything (the leak
 * checker of the sanitizer build sees to that). Blocks given back end to
 * end make room for blocks of another size; a few of them go back to
 * their sizes' lists as they were. Live blocks never overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "store/slab.h"

static void test_blocks_aligned_and_apart(void **state)
{
	(void)state;
	rrd_slab s = { 0 };
	enum { N = 20000 };
	static unsigned char *p[N];
	for (int i = 0; i < N; i++) {
		size_t n = 1 + (size_t)(i * 7) % RRD_SLAB_MAX;
		p[i] = rrd__slab_alloc(&s, n);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		memset(p[i], i & 0xff, n);
	}
	for (int i = 0; i < N; i++) {
		size_t n = 1 + (size_t)(i * 7) % RRD_SLAB_MAX;
		for (size_t j = 0; j < n; j++)
			assert_int_equal(p[i][j], i & 0xff);
	}
	rrd__slab_clear(&s);
	assert_null(s.chunks);
}

static void test_freed_block_comes_back(void **state)
{
	(void)state;
	rrd_slab s = { 0 };
	void *a = rrd__slab_alloc(&s, 40), *b = rrd__slab_alloc(&s, 40);
	void *other = rrd__slab_alloc(&s, 100);
	rrd__slab_free(&s, a, 40);
	/* Another size does not take it; the same size class does. */
	void *c = rrd__slab_alloc(&s, 90);
	assert_true(c != a);
	assert_ptr_equal(rrd__slab_alloc(&s, 33), a);
	rrd__slab_free(&s, b, 40);
	rrd__slab_free(&s, other, 100);
	rrd__slab_clear(&s);
}

static void test_large_blocks_from_the_allocator(void **state)
{
	(void)state;
	rrd_slab s = { 0 };
	unsigned char *big = rrd__slab_alloc(&s, RRD_SLAB_MAX + 1);
	assert_non_null(big);
	memset(big, 1, RRD_SLAB_MAX + 1);
	assert_null(s.chunks); /* no chunk was needed */
	rrd__slab_free(&s, big, RRD_SLAB_MAX + 1);
	rrd__slab_clear(&s);
}

/* Records written together give back their old blocks end to end: the
 * larger blocks that take their place come from that room, not from a
 * new chunk. */
static void test_a_long_run_given_back_makes_room_for_any_size(void **state)
{
	(void)state;
	rrd_slab s = { 0 };
	/* More than a run that goes back as blocks, fewer than the first
	 * chunk holds. */
	enum { N = RRD_SLAB_RUN + 2 };
	unsigned char *old[N];
	for (int i = 0; i < N; i++)
		old[i] = rrd__slab_alloc(&s, 112);
	/* They lie end to end in the first chunk. */
	for (int i = 1; i < N; i++)
		if (old[i] != old[i - 1] + 112)
			fail_msg("blocks %d and %d do not lie end to end", i - 1, i);
	void *chunks = s.chunks;
	for (int i = 0; i < N; i++)
		rrd__slab_free(&s, old[i], 112);
	/* Fill what is left of the chunk first, then the run's room. */
	size_t room = (size_t)(s.end - s.bump), fits = N * 112 / 128;
	for (size_t i = 0; i < room / 128; i++)
		assert_non_null(rrd__slab_alloc(&s, 128));
	for (size_t i = 0; i < fits; i++) {
		unsigned char *p = rrd__slab_alloc(&s, 128);
		assert_true(p >= old[0] && p + 128 <= old[N - 1] + 112);
		memset(p, 7, 128);
	}
	assert_ptr_equal(s.chunks, chunks);
	rrd__slab_clear(&s);
}

/* A few blocks given back end to end go back to their sizes' lists. */
static void test_a_short_run_goes_back_as_blocks(void **state)
{
	(void)state;
	rrd_slab s = { 0 };
	void *a = rrd__slab_alloc(&s, 48), *b = rrd__slab_alloc(&s, 48);
	void *c = rrd__slab_alloc(&s, 64);
	rrd__slab_free(&s, a, 48);
	rrd__slab_free(&s, b, 48);
	rrd__slab_free(&s, c, 64);
	assert_ptr_equal(rrd__slab_alloc(&s, 64), c);
	assert_ptr_equal(rrd__slab_alloc(&s, 40), b);
	assert_ptr_equal(rrd__slab_alloc(&s, 33), a);
	rrd__slab_clear(&s);
}

/* Blocks of every size taken and given back in runs, in random order
 * and end to end: each live block keeps what was written in it, so no
 * two overlap. */
static void test_live_blocks_never_overlap(void **state)
{
	(void)state;
	rrd_slab s = { 0 };
	enum { N = 3000, ROUNDS = 40 };
	static unsigned char *p[N];
	static size_t len[N];
	uint32_t seed = 7;
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < N; i++) {
			if (p[i])
				continue;
			seed = seed * 1664525u + 1013904223u;
			len[i] = 1 + (seed >> 8) % (r % 2 ? 200 : RRD_SLAB_MAX);
			p[i] = rrd__slab_alloc(&s, len[i]);
			assert_non_null(p[i]);
			memset(p[i], i & 0xff, len[i]);
		}
		for (int i = 0; i < N; i++)
			for (size_t j = 0; j < len[i]; j++)
				if (p[i][j] != (i & 0xff))
					fail_msg("block %d was overwritten", i);
		/* Give back a stretch in the order the blocks were taken, and
		 * a few here and there. */
		seed = seed * 1664525u + 1013904223u;
		int from = (int)((seed >> 8) % N), to = from + (int)((seed >> 20) % 400);
		for (int i = from; i < to && i < N; i++) {
			rrd__slab_free(&s, p[i], len[i]);
			p[i] = NULL;
		}
		for (int k = 0; k < 50; k++) {
			seed = seed * 1664525u + 1013904223u;
			int i = (int)((seed >> 8) % N);
			rrd__slab_free(&s, p[i], len[i]);
			p[i] = NULL;
		}
	}
	rrd__slab_clear(&s);
	memset(p, 0, sizeof p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_aligned_and_apart),
		cmocka_unit_test(test_freed_block_comes_back),
		cmocka_unit_test(test_large_blocks_from_the_allocator),
		cmocka_unit_test(test_a_long_run_given_back_makes_room_for_any_size),
		cmocka_unit_test(test_a_short_run_goes_back_as_blocks),
		cmocka_unit_test(test_live_blocks_never_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
