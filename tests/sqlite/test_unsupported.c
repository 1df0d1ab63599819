/* A library built without SQLite still has rrd_store_sqlite_open, and it
 * says why it opens nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rrdist.h"

static void test_open_says_sqlite_is_not_built(void **state)
{
	(void)state;
	rrd_store *st = (rrd_store *)&st;
	assert_int_equal(rrd_store_sqlite_open(&st, "never-made.db", NULL), RRD_E_UNSUPPORTED);
	assert_null(st);
	assert_non_null(strstr(rrd_error_last(), "built without SQLite"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_says_sqlite_is_not_built),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
