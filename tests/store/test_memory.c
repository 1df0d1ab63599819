/*
 * What the memory store does beyond the storage interface's contract
 * (which tests/store/test_conformance.c checks on every store): the
 * statuses of its refusals, and how the table's version is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "store/store.h"

static rrd_store *make_store(void)
{
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	return st;
}

/* A namespace the library does not have is a caller's mistake. */
static void test_unknown_namespace(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, 0, "k", "x", 1, 0), RRD_E_INVALID);
	assert_int_equal(st->m.put(st->self, 1000, "k", "x", 1, 0), RRD_E_INVALID);
	const void *v;
	size_t len;
	assert_int_equal(st->m.get(st->self, -1, "k", &v, &len, NULL), RRD_E_INVALID);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd_store_free(st);
}

/* Calls out of place say so with RRD_E_STATE, so that a library that
 * made them would be caught. */
static void test_out_of_place_calls(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	assert_int_equal(st->m.put(st->self, RRD_NS_RECORD, "k", "v", 1, 0), RRD_E_STATE);
	assert_int_equal(st->m.del(st->self, RRD_NS_RECORD, "k"), RRD_E_STATE);
	assert_int_equal(st->m.timer_set(st->self, "t", 1, 0), RRD_E_STATE);
	assert_int_equal(st->m.commit(st->self), RRD_E_STATE);
	assert_int_equal(st->m.rollback(st->self), RRD_E_STATE);
	assert_int_equal(st->m.begin(st->self, RRD_TXN_READ_ONLY, NULL), RRD_OK);
	assert_int_equal(st->m.put(st->self, RRD_NS_RECORD, "k", "v", 1, 0), RRD_E_STATE);
	const char *const keys[] = { "k" };
	assert_int_equal(st->m.del_many(st->self, RRD_NS_RECORD, 1, keys), RRD_E_STATE);
	assert_int_equal(st->m.rollback(st->self), RRD_OK);
	rrd_store_free(st);
}

static void test_timer_key_buffer_too_small(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "a-long-timer-key", 1, 1), RRD_OK);
	char small[4], key[32];
	assert_int_equal(st->m.timer_pop(st->self, 5, small, sizeof small, NULL), RRD_E_INVALID);
	assert_int_equal(st->m.timer_pop(st->self, 5, key, sizeof key, NULL), RRD_OK);
	assert_string_equal(key, "a-long-timer-key");
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	rrd_store_free(st);
}

/* A host built against the first version of the table passes a shorter
 * one: the library reads no further, and what it did not read is NULL. */
static void test_version_1_table(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	struct {
		rrd_store_methods m;
		unsigned char beyond[64];
	} v1;
	memset(&v1, 0xA5, sizeof v1);
	memcpy(&v1.m, &st->m, offsetof(rrd_store_methods, has_many));
	v1.m.version = 1;
	v1.m.close = NULL; /* st closes the backend */
	rrd_store *wrapped = NULL;
	assert_int_equal(rrd_store_new(&wrapped, &v1.m, st->self), RRD_OK);
	assert_null(wrapped->m.has_many);
	assert_null(wrapped->m.get_many);
	assert_true(wrapped->m.get == st->m.get);
	rrd_store_free(wrapped);
	rrd_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_namespace),
		cmocka_unit_test(test_out_of_place_calls),
		cmocka_unit_test(test_timer_key_buffer_too_small),
		cmocka_unit_test(test_version_1_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
