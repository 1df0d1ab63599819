/*
 * The string-keyed hash map under every index of the library: what is put
 * is found, what is deleted is gone, growth and deleted slots lose nothing,
 * and each live key is visited once. A random run is checked against a
 * plain array.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/hashmap.h"

static void test_empty_map_finds_nothing(void **state)
{
	(void)state;
	rrd_hashmap m = { 0 };
	uint32_t v = 7;
	assert_int_equal(rrd__hashmap_get(&m, "a", &v), 0);
	assert_int_equal(v, 7);
	assert_null(rrd__hashmap_key(&m, "a"));
	assert_int_equal(rrd__hashmap_del(&m, "a"), 0);
	rrd__hashmap_free(&m);
}

static void test_put_overwrites_and_keeps_the_newest_key_pointer(void **state)
{
	(void)state;
	rrd_hashmap m = { 0 };
	char a1[] = "agent", a2[] = "agent";
	assert_int_equal(rrd__hashmap_put(&m, a1, 1), 0);
	assert_int_equal(rrd__hashmap_put(&m, a2, 2), 0);
	assert_int_equal(m.count, 1);
	uint32_t v;
	assert_int_equal(rrd__hashmap_get(&m, "agent", &v), 1);
	assert_int_equal(v, 2);
	assert_ptr_equal(rrd__hashmap_key(&m, "agent"), a2);
	rrd__hashmap_free(&m);
}

/* Keys that differ only at the end, as ids do ("L1", "L2", ...). */
static char keys[20000][16];

static void test_many_keys_survive_growth_and_deletes(void **state)
{
	(void)state;
	rrd_hashmap m = { 0 };
	enum { N = 20000 };
	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof keys[i], "L%d", i);
		assert_int_equal(rrd__hashmap_put(&m, keys[i], (uint32_t)i), 0);
	}
	assert_int_equal(m.count, N);
	for (int i = 0; i < N; i += 2)
		assert_int_equal(rrd__hashmap_del(&m, keys[i]), 1);
	/* Deleted slots are passed over, not mistaken for the end. */
	for (int i = 0; i < N; i++) {
		uint32_t v;
		char probe[16];
		snprintf(probe, sizeof probe, "L%d", i);
		int found = rrd__hashmap_get(&m, probe, &v);
		assert_int_equal(found, i % 2);
		if (found)
			assert_int_equal(v, (uint32_t)i);
	}
	/* Each live key once, with its value. */
	static unsigned char seen[N];
	memset(seen, 0, sizeof seen);
	size_t live = 0;
	for (size_t i = 0; i < m.cap; i++) {
		uint32_t v;
		const char *k = rrd__hashmap_key_at(&m, i, &v);
		if (!k)
			continue;
		assert_ptr_equal(k, keys[v]);
		assert_int_equal(seen[v], 0);
		seen[v] = 1;
		live++;
	}
	assert_int_equal(live, N / 2);
	rrd__hashmap_clear(&m);
	assert_int_equal(m.count, 0);
	assert_int_equal(rrd__hashmap_get(&m, keys[1], NULL), 0);
	rrd__hashmap_free(&m);
}

static void test_insert_absent_after_reserve(void **state)
{
	(void)state;
	rrd_hashmap m = { 0 };
	for (int i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof keys[i], "k%d", i);
		uint32_t h = rrd__hash_str(keys[i]);
		assert_null(rrd__hashmap_key_hashed(&m, keys[i], h));
		assert_int_equal(rrd__hashmap_reserve(&m, 1), 0);
		rrd__hashmap_insert_absent(&m, keys[i], h, (uint32_t)i);
	}
	for (int i = 0; i < 1000; i++) {
		uint32_t v;
		assert_int_equal(rrd__hashmap_get(&m, keys[i], &v), 1);
		assert_int_equal(v, (uint32_t)i);
	}
	rrd__hashmap_free(&m);
}

/* Random puts and deletes over a small key space, as the record cache
 * sees them (keys come and go, deleted slots pile up), against an array. */
static void test_random_run_against_a_model(void **state)
{
	(void)state;
	enum { KEYS = 3000, STEPS = 200000 };
	static int64_t model[KEYS];
	for (int i = 0; i < KEYS; i++) {
		model[i] = -1;
		snprintf(keys[i], sizeof keys[i], "id-%d", i);
	}
	rrd_hashmap m = { 0 };
	uint32_t seed = 99;
	size_t live = 0;
	for (int s = 0; s < STEPS; s++) {
		seed = seed * 1664525u + 1013904223u;
		int k = (int)((seed >> 8) % KEYS);
		switch ((seed >> 28) % 3) {
		case 0:
			assert_int_equal(rrd__hashmap_put(&m, keys[k], (uint32_t)s), 0);
			live += model[k] < 0;
			model[k] = s;
			break;
		case 1:
			assert_int_equal(rrd__hashmap_del(&m, keys[k]), model[k] >= 0);
			live -= model[k] >= 0;
			model[k] = -1;
			break;
		default: {
			uint32_t v;
			int found = rrd__hashmap_get(&m, keys[k], &v);
			assert_int_equal(found, model[k] >= 0);
			if (found)
				assert_int_equal(v, (uint32_t)model[k]);
		}
		}
		assert_int_equal(m.count, live);
		/* The load stays under 3/4, deleted slots included. */
		assert_true(!m.cap || m.used * 4 < m.cap * 3);
		if (s % 997 == 0) {
			/* `used` counts exactly the slots not empty. */
			size_t taken = 0;
			for (size_t i = 0; i < m.cap; i++)
				taken += m.slots[i].key != NULL;
			assert_int_equal(taken, m.used);
		}
	}
	rrd__hashmap_free(&m);
}

/* One key in at a time, as a submit passes through the record cache:
 * each delete leaves the table clean, so it never has to be rebuilt. */
static void test_keys_coming_and_going_leave_no_tombstones(void **state)
{
	(void)state;
	rrd_hashmap m = { 0 };
	for (int i = 0; i < 100000; i++) {
		snprintf(keys[0], sizeof keys[0], "L%d", i);
		assert_int_equal(rrd__hashmap_put(&m, keys[0], (uint32_t)i), 0);
		assert_int_equal(rrd__hashmap_del(&m, keys[0]), 1);
		assert_int_equal(m.used, 0);
	}
	assert_true(m.cap <= 16);
	rrd__hashmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_map_finds_nothing),
		cmocka_unit_test(test_put_overwrites_and_keeps_the_newest_key_pointer),
		cmocka_unit_test(test_many_keys_survive_growth_and_deletes),
		cmocka_unit_test(test_insert_absent_after_reserve),
		cmocka_unit_test(test_random_run_against_a_model),
		cmocka_unit_test(test_keys_coming_and_going_leave_no_tombstones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
