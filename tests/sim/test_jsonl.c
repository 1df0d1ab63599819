/*
 * The output line writer: members in the order written, strings and keys
 * escaped as JSON needs (quotes, backslashes, control bytes; UTF-8 passes
 * as it is), times in RFC 3339, and lines longer than the buffer grown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/jsonl.h"

/* 2026-03-02T08:00:00Z */
#define T0 ((rrd_time)1772438400000)

static void assert_line(rrd_buf *b, const char *want)
{
	assert_false(b->failed);
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->data, want, b->len);
}

static void test_members_in_order(void **state)
{
	(void)state;
	rrd_buf b = { 0 };
	rrd__jl_begin(&b, T0 + 1500, "assigned");
	rrd__jl_str(&b, "lead", "L1");
	rrd__jl_str(&b, "previous", NULL);
	rrd__jl_int(&b, "n", -42);
	rrd__jl_bool(&b, "notify", 1);
	rrd__jl_bool(&b, "force", 0);
	rrd__jl_time(&b, "deadline", T0 + 300000);
	rrd__jl_open(&b, "skipped", '[');
	rrd__jl_item_open(&b);
	rrd__jl_str(&b, "agent", "a");
	rrd__jl_close(&b, '}');
	rrd__jl_item_open(&b);
	rrd__jl_str(&b, "agent", "b");
	rrd__jl_close(&b, '}');
	rrd__jl_close(&b, ']');
	rrd__jl_open(&b, "counts", '{');
	rrd__jl_int(&b, "a", 1);
	rrd__jl_close(&b, '}');
	rrd__jl_end(&b);
	assert_line(&b, "{\"at\":\"2026-03-02T08:00:01Z\",\"event\":\"assigned\",\"lead\":\"L1\","
			"\"previous\":null,\"n\":-42,\"notify\":true,\"force\":false,"
			"\"deadline\":\"2026-03-02T08:05:00Z\",\"skipped\":[{\"agent\":\"a\"},"
			"{\"agent\":\"b\"}],\"counts\":{\"a\":1}}\n");
	rrd__buf_free(&b);
}

static void test_escapes_in_values_and_keys(void **state)
{
	(void)state;
	rrd_buf b = { 0 };
	rrd__jl_begin(&b, T0, "summary");
	rrd__jl_str(&b, "lead", "say \"hi\"\\now\ttab\x01");
	rrd__jl_int(&b, "agent \"q\"", 3);
	rrd__jl_str(&b, "name", "Jos\xc3\xa9");
	rrd__jl_end(&b);
	assert_line(&b, "{\"at\":\"2026-03-02T08:00:00Z\",\"event\":\"summary\","
			"\"lead\":\"say \\\"hi\\\"\\\\now\\u0009tab\\u0001\","
			"\"agent \\\"q\\\"\":3,\"name\":\"Jos\xc3\xa9\"}\n");
	rrd__buf_free(&b);
}

static void test_long_line_grows(void **state)
{
	(void)state;
	char *big = malloc(100001);
	assert_non_null(big);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	rrd_buf b = { 0 };
	rrd__jl_begin(&b, T0, "error");
	rrd__jl_str(&b, "message", big);
	rrd__jl_str(&b, big, "k");
	rrd__jl_end(&b);
	assert_false(b.failed);
	size_t head = strlen("{\"at\":\"2026-03-02T08:00:00Z\",\"event\":\"error\",\"message\":\"");
	assert_int_equal(b.len, head + 100000 + 3 + 100000 + 7);
	assert_memory_equal(b.data + head, big, 100000);
	assert_memory_equal(b.data + b.len - 7, "\":\"k\"}\n", 7);
	rrd__buf_free(&b);
	free(big);
}

/* A new line starts from empty whatever the last one left. */
static void test_begin_resets(void **state)
{
	(void)state;
	rrd_buf b = { 0 };
	rrd__jl_begin(&b, T0, "one");
	rrd__jl_str(&b, "lead", "L1");
	rrd__jl_end(&b);
	rrd__jl_begin(&b, T0, "two");
	rrd__jl_end(&b);
	assert_line(&b, "{\"at\":\"2026-03-02T08:00:00Z\",\"event\":\"two\"}\n");
	rrd__buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_in_order),
		cmocka_unit_test(test_escapes_in_values_and_keys),
		cmocka_unit_test(test_long_line_grows),
		cmocka_unit_test(test_begin_resets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
