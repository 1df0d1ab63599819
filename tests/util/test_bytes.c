/*
 * The inline readers and writers of short strings agree with the C
 * library's at every length and every place a NUL may lie.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/bytes.h"

#define LONGEST 200

static void test_has_nul_agrees_with_memchr_at_every_length_and_place(void **state)
{
	(void)state;
	unsigned char bytes[LONGEST];
	for (size_t n = 0; n <= LONGEST; n++) {
		/* Bytes whose words come near a zero byte's pattern (0x80,
		 * 0x01) without holding one. */
		for (size_t i = 0; i < n; i++)
			bytes[i] = (unsigned char)(i % 3 == 0 ? 0x80 : i % 3 == 1 ? 0x01 : 'a' + i % 26);
		assert_false(rrd__has_nul(bytes, n));
		for (size_t at = 0; at < n; at++) {
			unsigned char keep = bytes[at];
			bytes[at] = 0;
			assert_int_equal(rrd__has_nul(bytes, n), memchr(bytes, 0, n) != NULL);
			assert_true(rrd__has_nul(bytes, n));
			bytes[at] = keep;
		}
	}
}

static void test_has_nul_reads_only_its_bytes(void **state)
{
	(void)state;
	/* A NUL just before or after the bytes is not theirs. */
	unsigned char bytes[LONGEST + 2];
	for (size_t n = 0; n <= LONGEST; n++) {
		memset(bytes, 'x', sizeof bytes);
		bytes[0] = 0;
		bytes[n + 1] = 0;
		assert_false(rrd__has_nul(bytes + 1, n));
	}
}

static void test_copy_short_copies_exactly_n_bytes(void **state)
{
	(void)state;
	unsigned char from[LONGEST], to[LONGEST + 2];
	for (size_t i = 0; i < LONGEST; i++)
		from[i] = (unsigned char)(i * 7 + 1);
	for (size_t n = 0; n <= LONGEST; n++) {
		memset(to, 0xEE, sizeof to);
		rrd__copy_short(to + 1, from, n);
		assert_int_equal(to[0], 0xEE);
		assert_memory_equal(to + 1, from, n);
		assert_int_equal(to[n + 1], 0xEE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has_nul_agrees_with_memchr_at_every_length_and_place),
		cmocka_unit_test(test_has_nul_reads_only_its_bytes),
		cmocka_unit_test(test_copy_short_copies_exactly_n_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
