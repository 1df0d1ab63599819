#include "stores.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static rrd_store *memory_open(void **state)
{
	rrd_store *st;
	*state = NULL;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	return st;
}

static void memory_close(rrd_store *st, void *state)
{
	(void)state;
	rrd_store_free(st);
}

static const test_store_kind kinds[] = {
	{ "memory", memory_open, memory_close, 1, 1 },
};

const test_store_kind *test_store_kind_named(const char *name)
{
	if (!name)
		return &kinds[0];
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	fail_msg("no store named \"%s\" to test", name);
	return NULL;
}

test_store test_store_open(const test_store_kind *kind)
{
	test_store ts = { kind, NULL, NULL };
	ts.store = kind->open(&ts.state);
	assert_non_null(ts.store);
	return ts;
}

void test_store_close(test_store *ts)
{
	if (ts->store)
		ts->kind->close(ts->store, ts->state);
	ts->store = NULL;
	ts->state = NULL;
}
