/*
 * Keys and values that SQL could mistake for something else reach the
 * SQLite store's file as they are: keys with quotes, backslashes, '%',
 * '_', the unit separator 0x1F, SQL of their own, and the longest key
 * allowed; values with NUL bytes and every byte value. Keys compare as
 * bytes, and a prefix scan returns exactly the keys that start with the
 * prefix (none that LIKE would also match), by order then key.
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

/* Keys as hostile as keys may be, and a few that only differ from them
 * where LIKE would not see it. */
static const char *const hostile[] = {
	"it's", "quote\"d", "back\\slash", "\\", "\\%", "100%", "%", "%%", "_", "__",
	"under_score", "underXscore", "a", "a%", "a_", "a_b", "ab", "aXb", "a\x1f", "a\x1f" "1",
	"a\x1f" "2", "a\x1f" "1\x1f" "x", "a\x1fz", "A", "a\xc3\xa9", "\xe2\x82\xac", "\x1f",
	"'; DROP TABLE rrd_entry; --", "x' OR '1'='1", "?", "?1", ":name", "$1", "*", "[",
	"job\x1f" "rec", longest, NULL
};

static size_t nkeys(void)
{
	size_t n = 0;
	while (hostile[n])
		n++;
	return n;
}

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

/* The value of key i: its length varies, and it holds every byte value
 * from (i * 7) on, NUL among them. */
static size_t value_of(size_t i, unsigned char *out)
{
	size_t len = 256 + i;
	for (size_t j = 0; j < len; j++)
		out[j] = (unsigned char)(i * 7 + j);
	return len;
}

static int by_bytes(const void *a, const void *b)
{
	/* strcmp compares as unsigned char, as memcmp does. */
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct listing {
	const char *keys[64];
	size_t n;
} listing;

static int collect(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	listing *l = ctx;
	(void)order;
	assert_true(l->n < 64);
	/* The key as it was put, and its value with it. */
	size_t i = 0;
	while (hostile[i] && strcmp(hostile[i], key) != 0)
		i++;
	assert_non_null(hostile[i]);
	unsigned char want[512];
	assert_int_equal(len, value_of(i, want));
	assert_memory_equal(value, want, len);
	l->keys[l->n++] = hostile[i];
	return 0;
}

static void put_all(void)
{
	unsigned char v[512];
	assert_int_equal(store->m.begin(store->self, 0, NULL), RRD_OK);
	for (size_t i = 0; hostile[i]; i++)
		assert_int_equal(store->m.put(store->self, NS, hostile[i], v, value_of(i, v), 0),
				 RRD_OK);
	assert_int_equal(store->m.commit(store->self), RRD_OK);
}

static void test_every_key_and_byte_comes_back(void **state)
{
	(void)state;
	put_all();
	unsigned char want[512];
	assert_int_equal(store->m.begin(store->self, RRD_TXN_READ_ONLY, NULL), RRD_OK);
	size_t n = nkeys();
	for (size_t i = 0; i < n; i++) {
		const void *v;
		size_t len;
		assert_int_equal(store->m.get(store->self, NS, hostile[i], &v, &len, NULL), RRD_OK);
		assert_int_equal(len, value_of(i, want));
		assert_memory_equal(v, want, len);
	}
	/* All at once, with keys that are not there: the SQL they hold did
	 * nothing, and a LIKE pattern matched nothing. */
	const char *keys[64];
	int ns[64];
	const void *values[64];
	size_t lens[64];
	unsigned char found[64];
	for (size_t i = 0; i < n; i++) {
		keys[i] = hostile[i];
		ns[i] = NS;
	}
	keys[n] = "a%b";
	keys[n + 1] = "u_der_score";
	ns[n] = ns[n + 1] = NS;
	assert_int_equal(store->m.get_many(store->self, n + 2, ns, keys, values, lens, NULL, found),
			 RRD_OK);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(found[i], 1);
		assert_int_equal(lens[i], value_of(i, want));
		assert_memory_equal(values[i], want, lens[i]);
	}
	assert_int_equal(found[n], 0);
	assert_int_equal(found[n + 1], 0);
	unsigned char present[64];
	assert_int_equal(store->m.has_many(store->self, NS, n + 2, keys, present), RRD_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(present[i], 1);
	assert_int_equal(present[n], 0);
	assert_int_equal(present[n + 1], 0);
	assert_int_equal(store->m.rollback(store->self), RRD_OK);
}

/* Every prefix of every key: the scan lists exactly the keys that start
 * with it, bytewise sorted (all have order 0). */
static void test_prefix_scans_return_exactly_the_matching_keys(void **state)
{
	(void)state;
	put_all();
	size_t n = nkeys();
	assert_int_equal(store->m.begin(store->self, RRD_TXN_READ_ONLY, NULL), RRD_OK);
	char prefix[RRD_STORE_KEY_MAX + 1];
	for (size_t i = 0; i < n; i++) {
		size_t klen = strlen(hostile[i]);
		for (size_t p = 0; p <= klen; p++) {
			/* The longest key's prefixes: a few are enough. */
			if (hostile[i] == longest && p > 2 && p < klen - 1)
				continue;
			memcpy(prefix, hostile[i], p);
			prefix[p] = '\0';
			const char *want[64];
			size_t nwant = 0;
			for (size_t k = 0; k < n; k++)
				if (strncmp(hostile[k], prefix, p) == 0)
					want[nwant++] = hostile[k];
			qsort(want, nwant, sizeof *want, by_bytes);
			listing got = { .n = 0 };
			assert_int_equal(store->m.scan(store->self, NS, prefix, collect, &got), RRD_OK);
			if (got.n != nwant)
				fail_msg("prefix \"%s\": %zu keys, not %zu", prefix, got.n, nwant);
			for (size_t k = 0; k < nwant; k++)
				assert_string_equal(got.keys[k], want[k]);
		}
	}
	/* Prefixes that no key starts with, LIKE's wildcards among them. */
	static const char *const none[] = { "%a", "_a", "u_d", "a%b", "\\\\", "bz", "\x7f",
					    "\xf4\x8f\xbf\xbf", "\xff", NULL };
	for (size_t i = 0; none[i]; i++) {
		listing got = { .n = 0 };
		assert_int_equal(store->m.scan(store->self, NS, none[i], collect, &got), RRD_OK);
		assert_int_equal(got.n, 0);
	}
	assert_int_equal(store->m.rollback(store->self), RRD_OK);
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
	listing got = { .n = 0 };
	assert_int_equal(store->m.scan(store->self, NS, too_long, collect, &got), RRD_OK);
	assert_int_equal(got.n, 0);
	assert_int_equal(store->m.rollback(store->self), RRD_OK);
}

/* Empty values, and values of NUL bytes only, are values. */
static void test_empty_and_nul_values(void **state)
{
	(void)state;
	static const char nuls[5] = { 0 };
	assert_int_equal(store->m.begin(store->self, 0, NULL), RRD_OK);
	assert_int_equal(store->m.put(store->self, RRD_NS_META, "empty", NULL, 0, 1), RRD_OK);
	assert_int_equal(store->m.put(store->self, RRD_NS_META, "nuls", nuls, 5, 2), RRD_OK);
	assert_int_equal(store->m.commit(store->self), RRD_OK);
	assert_int_equal(store->m.begin(store->self, RRD_TXN_READ_ONLY, NULL), RRD_OK);
	const void *v = NULL;
	size_t len = 99;
	int64_t order;
	assert_int_equal(store->m.get(store->self, RRD_NS_META, "empty", &v, &len, &order), RRD_OK);
	assert_non_null(v);
	assert_int_equal(len, 0);
	assert_int_equal(order, 1);
	assert_int_equal(store->m.get(store->self, RRD_NS_META, "nuls", &v, &len, &order), RRD_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(v, nuls, 5);
	assert_int_equal(store->m.rollback(store->self), RRD_OK);
}

/* Timers, lock names and owners are keys too. */
static void test_hostile_timer_keys_and_lock_owners(void **state)
{
	(void)state;
	assert_int_equal(store->m.begin(store->self, 0, NULL), RRD_OK);
	for (size_t i = 0; hostile[i] && hostile[i] != longest; i++)
		assert_int_equal(store->m.timer_set(store->self, hostile[i], 100, (int64_t)i),
				 RRD_OK);
	char key[2 * RRD_ID_MAX + 2];
	rrd_time due;
	for (size_t i = 0; hostile[i] && hostile[i] != longest; i++) {
		assert_int_equal(store->m.timer_pop(store->self, 100, key, sizeof key, &due), RRD_OK);
		assert_string_equal(key, hostile[i]);
	}
	assert_int_equal(store->m.timer_pop(store->self, 100, key, sizeof key, &due),
			 RRD_E_NOTFOUND);
	assert_int_equal(store->m.commit(store->self), RRD_OK);
	assert_int_equal(store->m.lock_acquire(store->self, "it's", "p_", 0, 100), RRD_OK);
	assert_int_equal(store->m.lock_acquire(store->self, "it's", "p%", 0, 100), RRD_E_BUSY);
	assert_int_equal(store->m.lock_acquire(store->self, "it_s", "p%", 0, 100), RRD_OK);
	assert_int_equal(store->m.lock_release(store->self, "it's", "pX"), RRD_E_NOTFOUND);
	assert_int_equal(store->m.lock_release(store->self, "it's", "p_"), RRD_OK);
	assert_int_equal(store->m.lock_release(store->self, "it_s", "p%"), RRD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_key_and_byte_comes_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_scans_return_exactly_the_matching_keys,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_of_0xff_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_nul_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_timer_keys_and_lock_owners, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
