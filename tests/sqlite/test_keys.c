/*
 * Keys at the SQLite store's edges, beyond what the conformance suite
 * (tests/store/test_conformance.c, run on this store too) asks of every
 * store: a key longer than RRD_STORE_KEY_MAX, or empty, is refused by
 * each call that writes one and found by none that reads; a prefix of
 * 0xFF bytes, which has no successor to end its range of keys, still
 * lists exactly the keys that start with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rrdist.h"
#include "rrdist/sys/store.h"
#include "store/store.h"

#include "../support/sqlite_files.h"

#define NS RRD_NS_JOURNAL

static char longest[RRD_STORE_KEY_MAX + 1];
static char too_long[RRD_STORE_KEY_MAX + 2];

static rrd_store *store;

static int setup(void **state)
{
	(void)state;
	memset(longest, 'k', RRD_STORE_KEY_MAX);
	memset(too_long, 'k', RRD_STORE_KEY_MAX + 1);
	store = sqlite_test_store();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rrd_store_free(store);
	return 0;
}

static int count_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	(void)key;
	(void)value;
	(void)len;
	(void)order;
	++*(size_t *)ctx;
	return 0;
}

/* Bytes past any UTF-8 (0xFF), where a prefix has no successor. */
static void test_prefix_of_0xff_bytes(void **state)
{
	(void)state;
	static const char *const keys[] = { "\xff", "\xff\xff", "\xff\xff" "a", "\xfe\xff", "\xfe" };
	assert_int_equal(store->m.begin(store->self, 0, NULL), RRD_OK);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(store->m.put(store->self, RRD_NS_META, keys[i], "v", 1, 0), RRD_OK);
	static const struct {
		const char *prefix;
		size_t n;
	} cases[] = { { "\xff", 3 }, { "\xff\xff", 2 }, { "\xfe", 2 }, { "\xfe\xff", 1 },
		      { "\xff\xff\xff", 0 } };
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		size_t n = 0;
		assert_int_equal(store->m.scan(store->self, RRD_NS_META, cases[c].prefix, count_each,
					       &n),
				 RRD_OK);
		assert_int_equal(n, cases[c].n);
	}
	assert_int_equal(store->m.rollback(store->self), RRD_OK);
}

static void test_key_lengths(void **state)
{
	(void)state;
	assert_int_equal(store->m.begin(store->self, 0, NULL), RRD_OK);
	assert_int_equal(store->m.put(store->self, NS, longest, "x", 1, 0), RRD_OK);
	assert_int_equal(store->m.put(store->self, NS, too_long, "x", 1, 0), RRD_E_INVALID);
	assert_non_null(strstr(rrd_error_last(), "1024 bytes"));
	assert_int_equal(store->m.put(store->self, NS, "", "x", 1, 0), RRD_E_INVALID);
	const char *const many[] = { "fine", too_long };
	const void *vals[] = { "1", "2" };
	const size_t lens[] = { 1, 1 };
	const int64_t orders[] = { 0, 0 };
	assert_int_equal(store->m.put_many(store->self, NS, 2, many, vals, lens, orders),
			 RRD_E_INVALID);
	assert_int_equal(store->m.timer_set(store->self, too_long, 1, 1), RRD_E_INVALID);
	assert_int_equal(store->m.timer_set(store->self, "", 1, 1), RRD_E_INVALID);
	/* A key longer than any is simply not there. */
	const void *v;
	size_t len;
	assert_int_equal(store->m.get(store->self, NS, too_long, &v, &len, NULL), RRD_E_NOTFOUND);
	size_t listed = 0;
	assert_int_equal(store->m.scan(store->self, NS, too_long, count_each, &listed), RRD_OK);
	assert_int_equal(listed, 0);
	assert_int_equal(store->m.rollback(store->self), RRD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prefix_of_0xff_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_lengths, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
