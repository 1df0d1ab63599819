/*
 * The check every document reader runs before cJSON: one JSON value and
 * nothing after it, strings of UTF-8 without U+0000, no key named twice,
 * each refusal placed by path and by line and column; and whatever it
 * accepts, cJSON parses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "config/json_text.h"
#include "../support/failing_alloc.h"

static void expect_ok_n(const char *text, size_t len)
{
	if (rrd__json_text_check(text, len) != RRD_OK)
		fail_msg("refused %.*s: %s", (int)len, text, rrd_error_last());
}

static void expect_ok(const char *text)
{
	expect_ok_n(text, strlen(text));
}

static void expect_refused_n(const char *text, size_t len, const char *message)
{
	rrd_error_clear();
	assert_int_equal(rrd__json_text_check(text, len), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), message);
}

static void expect_refused(const char *text, const char *message)
{
	expect_refused_n(text, strlen(text), message);
}

static void test_json_values_are_accepted(void **state)
{
	(void)state;
	expect_ok("{}");
	expect_ok("[]");
	expect_ok(" \t\r\n{ \"a\" : [ 1 , -0.5e+3 , 2E-2 , true , false , null , \"\" ] } ");
	expect_ok("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20AC \\ud83d\\ude00\"");
	expect_ok("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"");
	expect_ok("0");
	expect_ok("-0");
	/* The same key in two objects is two keys. */
	expect_ok("[{\"a\":1},{\"a\":1,\"b\":{\"a\":2}}]");
	/* A byte order mark, as cJSON skips it. */
	expect_ok("\xEF\xBB\xBF{\"a\":1}");
	/* Blanks and the NUL a caller may count after the value. */
	expect_ok_n("{\"a\":1}\n\0", 9);
	expect_ok_n("{} \0\0 ", 6);
}

static void test_syntax_errors_name_their_line_and_column(void **state)
{
	(void)state;
	expect_refused("", "$: not JSON: the document ends early at line 1, column 1");
	expect_refused("  ", "$: not JSON: the document ends early at line 1, column 3");
	expect_refused("{\n\"a\": ,\n}", "$: not JSON: syntax error at line 2, column 6");
	expect_refused("{\"a\":1,}", "$: not JSON: syntax error at line 1, column 8");
	expect_refused("[1,]", "$: not JSON: syntax error at line 1, column 4");
	expect_refused("{\"a\" 1}", "$: not JSON: syntax error at line 1, column 6");
	expect_refused("{1:2}", "$: not JSON: syntax error at line 1, column 2");
	expect_refused("[tru]", "$: not JSON: syntax error at line 1, column 5");
	expect_refused("[01]", "$: not JSON: syntax error at line 1, column 3");
	expect_refused("[1.]", "$: not JSON: syntax error at line 1, column 4");
	expect_refused("[.5]", "$: not JSON: syntax error at line 1, column 2");
	expect_refused("[+1]", "$: not JSON: syntax error at line 1, column 2");
	expect_refused("[1e]", "$: not JSON: syntax error at line 1, column 4");
	expect_refused("[\"\\q\"]", "$: not JSON: syntax error at line 1, column 3");
	expect_refused("[\"\\u12G4\"]", "$: not JSON: syntax error at line 1, column 3");
	expect_refused("{\"a\":[1,2", "$: not JSON: the document ends early at line 1, column 10");
	expect_refused("\"abc", "$: not JSON: the document ends early at line 1, column 5");
	/* Blanks are JSON's four: cJSON would skip any byte up to 32. */
	expect_refused("\f{}", "$: not JSON: syntax error at line 1, column 1");
	expect_refused_n("\0{}", 3, "$: not JSON: syntax error at line 1, column 1");
}

static void test_text_after_the_value_is_refused(void **state)
{
	(void)state;
	expect_refused("{\"a\":1}{\"a\":2}",
		       "$: not JSON: text after the document at line 1, column 8");
	expect_refused("{}\n\n  x", "$: not JSON: text after the document at line 3, column 3");
	expect_refused("1 2", "$: not JSON: text after the document at line 1, column 3");
	expect_refused_n("{}\0x", 4, "$: not JSON: text after the document at line 1, column 4");
}

static void test_u0000_is_refused_with_its_path(void **state)
{
	(void)state;
	expect_refused("{\"id\":\"L-1\\u0000x\"}",
		       "$.id: a string holds U+0000 (line 1, column 11)");
	expect_refused("{\"a\":[1,{\"b\":\"x\"},\"\\u0000\"]}",
		       "$.a[2]: a string holds U+0000 (line 1, column 20)");
	expect_refused_n("{\"id\":\"L-1\0x\"}", 14, "$.id: a string holds U+0000 (line 1, column 11)");
	/* In a key, the path is the object's. */
	expect_refused("{\"a\":{\"b\\u0000\":1}}",
		       "$.a: a string holds U+0000 (line 1, column 9)");
	expect_ok("\"\\u0001 \\u0100\"");
}

static void test_a_key_named_twice_is_refused_at_the_second(void **state)
{
	(void)state;
	expect_refused("{\"at\":\"+1m\",\"at\":\"-5m\"}",
		       "$.at: the object already has this key (line 1, column 13)");
	expect_refused("{\"events\":[{\"at\":1},\n{\"op\":1,\"x\":{\"z\":1},\"op\":2}]}",
		       "$.events[1].op: the object already has this key (line 2, column 21)");
	/* Keys compare as cJSON keeps them: unescaped. */
	expect_refused("{\"a\":1,\"\\u0061\":2}",
		       "$.\\u0061: the object already has this key (line 1, column 8)");
	expect_refused("{\"\\/\":1,\"/\":2}", "$./: the object already has this key (line 1, column 9)");
	expect_refused("{\"\xf0\x9f\x98\x80\":1,\"\\ud83d\\ude00\":2}",
		       "$.\\ud83d\\ude00: the object already has this key (line 1, column 11)");
	expect_ok("{\"a\":1,\"A\":2,\"a \":3,\"\\u0062\":4}");
}

/* An object of n keys k0..k(n-1), then `last` as its last key. */
static char *many_keys(size_t n, const char *last)
{
	size_t cap = n * 16 + 64;
	char *s = malloc(cap), *p = s;
	assert_non_null(s);
	*p++ = '{';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "\"k%zu\":%zu,", i, i);
	p += sprintf(p, "\"%s\":0}", last);
	return s;
}

static void test_a_key_twice_in_a_large_object_is_refused(void **state)
{
	(void)state;
	char *unique = many_keys(5000, "last");
	expect_ok(unique);
	free(unique);
	/* The hash index, which large objects get, finds the first key as
	 * well as the one just before. */
	const char *const again[] = { "k0", "k16", "k17", "k4999" };
	for (size_t i = 0; i < sizeof again / sizeof *again; i++) {
		char *twice = many_keys(5000, again[i]);
		char want[64];
		snprintf(want, sizeof want, "$.%s: the object already has this key", again[i]);
		assert_int_equal(rrd__json_text_check(twice, strlen(twice)), RRD_E_PARSE);
		assert_non_null(strstr(rrd_error_last(), want));
		free(twice);
	}
}

static void test_bytes_that_are_not_utf8_are_refused(void **state)
{
	(void)state;
	const char *const bad[] = {
		"\"\x80\"",             /* a continuation byte alone */
		"\"\xc3\"",             /* a sequence cut short */
		"\"\xc0\x80\"",         /* overlong */
		"\"\xe0\x80\xaf\"",     /* overlong */
		"\"\xed\xa0\x80\"",     /* a surrogate */
		"\"\xf4\x90\x80\x80\"", /* past U+10FFFF */
		"\"\xff\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		expect_refused(bad[i], "$: not JSON: bytes that are not UTF-8 at line 1, column 2");
	expect_refused("[\"ok\", \xc3\xa9]", "$: not JSON: syntax error at line 1, column 8");
}

static void test_lone_surrogate_escapes_are_refused(void **state)
{
	(void)state;
	expect_refused("\"\\ud83d\"", "$: not JSON: syntax error at line 1, column 2");
	expect_refused("\"\\ud83dx\"", "$: not JSON: syntax error at line 1, column 2");
	expect_refused("\"\\ud83d\\u0041\"", "$: not JSON: syntax error at line 1, column 2");
	expect_refused("\"\\ude00\"", "$: not JSON: syntax error at line 1, column 2");
}

static void test_control_characters_must_be_escaped_in_strings(void **state)
{
	(void)state;
	expect_refused("{\"a\":\"x\ty\"}",
		       "$: not JSON: a control character not escaped in a string at line 1, column 8");
	expect_refused("\"\x1b[2K\"",
		       "$: not JSON: a control character not escaped in a string at line 1, column 2");
	expect_ok("\"x\\ty\\u001b\"");
}

/* cJSON parses `text` when the check accepts it, to the end but for
 * blanks and NULs; and the check refuses what cJSON refuses. */
static void agrees_with_cjson(const char *text, size_t len)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	rrd_status rc = rrd__json_text_check(text, len);
	if (rc == RRD_OK) {
		if (!j)
			fail_msg("accepted, but cJSON refuses: %.*s", (int)len, text);
		for (const char *p = end; p < text + len; p++)
			if (!strchr(" \t\r\n", *p))
				fail_msg("accepted, but cJSON stops early: %.*s", (int)len, text);
	} else {
		assert_int_equal(rc, RRD_E_PARSE);
	}
	cJSON_Delete(j);
}

static void test_cjson_limits_are_kept(void **state)
{
	(void)state;
	char num[80];
	memset(num, '1', sizeof num);
	num[0] = '[';
	num[64] = ']';
	expect_ok_n(num, 65); /* 63 digits */
	agrees_with_cjson(num, 65);
	num[64] = '1';
	num[65] = ']';
	expect_refused_n(num, 66, "$[0]: a number longer than 63 characters (line 1, column 2)");
	agrees_with_cjson(num, 66);
	size_t deep = RRD_JSON_DEPTH_MAX;
	static char nested[2 * RRD_JSON_DEPTH_MAX + 2];
	memset(nested, '[', deep);
	memset(nested + deep, ']', deep);
	expect_ok_n(nested, 2 * deep);
	agrees_with_cjson(nested, 2 * deep);
	memset(nested, '[', deep + 1);
	memset(nested + deep + 1, ']', deep + 1);
	expect_refused_n(nested, 2 * deep + 2,
			 "$: nested deeper than 1000 levels at line 1, column 1001");
	agrees_with_cjson(nested, 2 * deep + 2);
}

static void test_running_out_of_memory_is_not_a_parse_error(void **state)
{
	(void)state;
	char *big = many_keys(100, "last");
	rrd_status rc = RRD_E_NOMEM;
	failing_alloc c;
	for (long n = 1; rc == RRD_E_NOMEM; n++) {
		failing_alloc_install(&c, n);
		rc = rrd__json_text_check(big, strlen(big));
		failing_alloc_remove();
		assert_int_equal(c.live, 0);
		assert_true(rc == RRD_OK || rc == RRD_E_NOMEM);
	}
	free(big);
}

static void test_what_the_check_accepts_cjson_parses(void **state)
{
	(void)state;
	static const char *const seeds[] = {
		"{\"a\":[1,-2.5e+3,true,false,null,\"x\\u00e9\\ud83d\\ude00\"],\"b\":{\"c\":\"\\\"\"}}",
		"[{\"k\":\"v\"},[],{},\"\\\\\",0.25,-0,1E9]",
	};
	static const char swaps[] = "\"\\{}[],:0-e.+ \n\tu/nt";
	char buf[128];
	for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
		size_t n = strlen(seeds[s]);
		for (size_t k = 0; k <= n; k++)
			agrees_with_cjson(seeds[s], k);
		for (size_t at = 0; at < n; at++) {
			for (size_t w = 0; w < sizeof swaps - 1; w++) {
				memcpy(buf, seeds[s], n);
				buf[at] = swaps[w];
				agrees_with_cjson(buf, n);
				/* inserted, and deleted */
				memcpy(buf, seeds[s], at);
				buf[at] = swaps[w];
				memcpy(buf + at + 1, seeds[s] + at, n - at);
				agrees_with_cjson(buf, n + 1);
			}
			memcpy(buf, seeds[s], at);
			memcpy(buf + at, seeds[s] + at + 1, n - at - 1);
			agrees_with_cjson(buf, n - 1);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_values_are_accepted),
		cmocka_unit_test(test_syntax_errors_name_their_line_and_column),
		cmocka_unit_test(test_text_after_the_value_is_refused),
		cmocka_unit_test(test_u0000_is_refused_with_its_path),
		cmocka_unit_test(test_a_key_named_twice_is_refused_at_the_second),
		cmocka_unit_test(test_a_key_twice_in_a_large_object_is_refused),
		cmocka_unit_test(test_bytes_that_are_not_utf8_are_refused),
		cmocka_unit_test(test_lone_surrogate_escapes_are_refused),
		cmocka_unit_test(test_control_characters_must_be_escaped_in_strings),
		cmocka_unit_test(test_cjson_limits_are_kept),
		cmocka_unit_test(test_running_out_of_memory_is_not_a_parse_error),
		cmocka_unit_test(test_what_the_check_accepts_cjson_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
