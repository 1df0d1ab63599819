/*
 * The memory store's block carver: blocks are aligned and apart, a block
 * given back is the next one of its size, sizes past RRD_SLAB_MAX come
 * from the allocator, and clearing lets go of everything (the leak
 * checker of the sanitizer build sees to that).
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_aligned_and_apart),
		cmocka_unit_test(test_freed_block_comes_back),
		cmocka_unit_test(test_large_blocks_from_the_allocator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
