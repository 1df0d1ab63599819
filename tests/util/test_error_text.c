/*
 * Messages quote input, and input may hold anything: every message is kept
 * with its control characters (C0, DEL, C1) and the bytes that are not
 * UTF-8 written as escapes, so that printing rrd_error_last() cannot move
 * a terminal's cursor, erase a line or forge one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rrdist.h"
#include "util/error.h"

/* Nothing a terminal acts on: no C0 or DEL byte, no C1 control (C2 80 to
 * C2 9F in UTF-8), and only bytes from 0x80 up that form UTF-8. */
static void assert_inert(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			fail_msg("byte 0x%02x at %zu in %s", *p, (size_t)(p - (const unsigned char *)s), s);
		if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			fail_msg("a C1 control at %zu in %s", (size_t)(p - (const unsigned char *)s), s);
	}
}

static void test_control_characters_are_escaped(void **state)
{
	(void)state;
	rrd__fail(RRD_E_PARSE, "kind \"%s\"", "\x1b[2K\rx.json: ok");
	assert_string_equal(rrd_error_last(), "kind \"\\u001b[2K\\rx.json: ok\"");
	rrd__fail(RRD_E_PARSE, "%s", "\b\t\n\f\r\x01\x1f\x7f");
	assert_string_equal(rrd_error_last(), "\\b\\t\\n\\f\\r\\u0001\\u001f\\u007f");
	/* C1 controls, such as U+009B (CSI), are controls too. */
	rrd__fail(RRD_E_PARSE, "%s", "a\xc2\x9b" "31mb\xc2\x80\xc2\x9f");
	assert_string_equal(rrd_error_last(), "a\\u009b31mb\\u0080\\u009f");
	assert_int_equal(rrd_error_last_status(), RRD_E_PARSE);
}

static void test_text_stays_as_it_is(void **state)
{
	(void)state;
	/* Printable text, UTF-8 included, and the backslashes and quotes
	 * in it, are not changed: escaping an escaped message again leaves
	 * it as it is. */
	static const char text[] = "caf\xc3\xa9 \xc2\xa0 \xe2\x82\xac \xf0\x9f\x98\x80 \\u001b \"q\"";
	rrd__fail(RRD_E_INVALID, "%s", text);
	assert_string_equal(rrd_error_last(), text);
}

static void test_bytes_that_are_not_utf8_are_escaped(void **state)
{
	(void)state;
	rrd__fail(RRD_E_INVALID, "%s", "a\xff" "b\xc3" "c\xe2\x82" "d\xed\xa0\x80");
	assert_string_equal(rrd_error_last(), "a\\xffb\\xc3c\\xe2\\x82d\\xed\\xa0\\x80");
}

static void test_a_long_message_is_cut_between_characters(void **state)
{
	(void)state;
	char in[2000];
	for (size_t n = 0; n < 16; n++) {
		/* Runs of escapes and of 3-byte characters, shifted so that
		 * the cut falls at every place within them. */
		size_t k = 0;
		for (; k < n; k++)
			in[k] = 'x';
		while (k + 4 < sizeof in) {
			memcpy(in + k, "\x1b\xe2\x82\xac", 4);
			k += 4;
		}
		in[k] = '\0';
		rrd__fail(RRD_E_PARSE, "%s", in);
		const char *m = rrd_error_last();
		size_t len = strlen(m);
		assert_true(len < 512);
		assert_true(len > 480);
		assert_inert(m);
		/* Ends with a whole escape or a whole character. */
		assert_true(strcmp(m + len - 6, "\\u001b") == 0 ||
			    strcmp(m + len - 3, "\xe2\x82\xac") == 0);
	}
}

static void test_a_message_may_quote_the_last_one(void **state)
{
	(void)state;
	rrd__fail(RRD_E_INVALID, "agent id \"%s\" is unknown", "ann\x1b");
	rrd__fail(RRD_E_PARSE, "record JSON: %s", rrd_error_last());
	assert_string_equal(rrd_error_last(), "record JSON: agent id \"ann\\u001b\" is unknown");
	rrd_error_saved saved;
	rrd__error_save(&saved);
	rrd__fail(RRD_E_STORE, "another");
	assert_int_equal(rrd__error_restore(&saved), RRD_E_PARSE);
	assert_string_equal(rrd_error_last(), "record JSON: agent id \"ann\\u001b\" is unknown");
}

static void test_library_messages_quoting_input_are_inert(void **state)
{
	(void)state;
	rrd_kind k;
	assert_int_equal(rrd_kind_parse("\x1b[2K\rx.json: ok", &k), RRD_E_INVALID);
	assert_inert(rrd_error_last());
	assert_non_null(strstr(rrd_error_last(), "\\u001b[2K\\rx.json: ok"));
	rrd_record *r;
	static const char json[] = "{\"id\":\"L-1\",\"kind\":\"\\u001b[2K\\rx.json: ok\\u009b\\u007f\"}";
	assert_int_equal(rrd_record_from_json(&r, json, sizeof json - 1), RRD_E_PARSE);
	assert_inert(rrd_error_last());
	assert_non_null(strstr(rrd_error_last(), "\\u001b[2K\\rx.json: ok\\u009b\\u007f"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_characters_are_escaped),
		cmocka_unit_test(test_text_stays_as_it_is),
		cmocka_unit_test(test_bytes_that_are_not_utf8_are_escaped),
		cmocka_unit_test(test_a_long_message_is_cut_between_characters),
		cmocka_unit_test(test_a_message_may_quote_the_last_one),
		cmocka_unit_test(test_library_messages_quoting_input_are_inert),
	};
	return cmocka_run_group_tests_name("error_text", tests, NULL, NULL);
}
