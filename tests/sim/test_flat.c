#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/flat.h"
#include "sim_test.h"

/* cJSON's reading of exactly these bytes, or NULL. */
static cJSON *cjson_exact(const char *text, size_t len)
{
	const char *end = NULL;
	cJSON *c = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (c && end != text + len) {
		cJSON_Delete(c);
		return NULL;
	}
	return c;
}

/* The two trees are the same: members, keys, types, values and links. */
static void expect_same_tree(const cJSON *flat, const cJSON *c)
{
	assert_int_equal(flat->type, c->type);
	assert_null(flat->string);
	assert_null(flat->next);
	assert_null(flat->prev);
	const cJSON *a = flat->child, *b = c->child;
	if (!b) {
		assert_null(a);
		return;
	}
	assert_ptr_equal(a->prev, cJSON_GetArrayItem(flat, cJSON_GetArraySize(flat) - 1));
	assert_int_equal(cJSON_GetArraySize(flat), cJSON_GetArraySize(c));
	for (; a && b; a = a->next, b = b->next) {
		assert_int_equal(a->type, b->type);
		assert_string_equal(a->string, b->string);
		assert_int_equal(a->valueint, b->valueint);
		assert_null(a->child);
		if (b->valuestring)
			assert_string_equal(a->valuestring, b->valuestring);
		else
			assert_null(a->valuestring);
		if (a->next)
			assert_ptr_equal(a->next->prev, a);
	}
	assert_null(a);
	assert_null(b);
	char *pa = cJSON_PrintUnformatted(flat), *pb = cJSON_PrintUnformatted(c);
	assert_non_null(pa);
	assert_non_null(pb);
	assert_string_equal(pa, pb);
	cJSON_free(pa);
	cJSON_free(pb);
}

/* `text` is flat: read, and the same as cJSON's tree. */
static void expect_flat(const char *text)
{
	rrd_flat f;
	const cJSON *o = rrd__flat_parse(&f, text, strlen(text));
	if (!o)
		fail_msg("not read as flat: %s", text);
	cJSON *c = cjson_exact(text, strlen(text));
	assert_non_null(c);
	expect_same_tree(o, c);
	cJSON_Delete(c);
}

static void expect_not_flat(const char *text, size_t len)
{
	rrd_flat f;
	if (rrd__flat_parse(&f, text, len))
		fail_msg("read as flat: %.*s", (int)len, text);
}

static void test_an_event_of_strings_reads_as_cjson_does(void **state)
{
	(void)state;
	expect_flat("{\"at\":\"+5s\",\"op\":\"lead\",\"id\":\"L1\",\"source\":\"web\"}");
	expect_flat("{ \"op\" : \"claim\" ,\n\t\"lead\":\"L1\",\r\n\"agent\":\"a\" }");
	expect_flat("{\"notify\":false,\"force\":true,\"pool\":null}");
	expect_flat("{}");
	expect_flat("{ \t}");
	expect_flat("{\"\":\"\"}");
	expect_flat("{\"name\":\"Zo\xc3\xab \xe2\x82\xac\"}");
}

static void test_duplicate_keys_are_kept_in_order(void **state)
{
	(void)state;
	static const char text[] = "{\"id\":\"first\",\"id\":\"second\"}";
	expect_flat(text);
	rrd_flat f;
	const cJSON *o = rrd__flat_parse(&f, text, sizeof text - 1);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "id")->valuestring, "first");
	assert_string_equal(o->child->next->valuestring, "second");
}

static void test_what_it_does_not_take_is_left_to_cjson(void **state)
{
	(void)state;
	static const char *const others[] = {
		"{\"id\":\"L\\u0031\"}",         /* an escape in a value */
		"{\"i\\u0064\":\"L1\"}",         /* and in a key */
		"{\"weight\":2}",                /* a number */
		"{\"attrs\":{\"k\":\"v\"}}",     /* an object */
		"{\"leads\":[\"a\"]}",           /* an array */
		" {\"id\":\"L1\"}",              /* a blank before */
		"{\"id\":\"L1\"} ",              /* and after */
		"\xef\xbb\xbf{\"id\":\"L1\"}",   /* a byte-order mark */
		"{\"id\":\"L1\"\f}",             /* a blank JSON does not have */
		"{\"id\":\"a\x01\"}",            /* a control byte */
		"[\"id\"]",
		"\"id\"",
		"",
	};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++)
		expect_not_flat(others[i], strlen(others[i]));
}

static void test_what_is_not_json_is_not_read(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"{",
		"{\"id\"",
		"{\"id\":",
		"{\"id\":\"L1\"",
		"{\"id\":\"L1",
		"{\"id\":\"L1\",}",
		"{\"id\" \"L1\"}",
		"{\"id\":\"L1\" \"op\":\"x\"}",
		"{\"id\":tru}",
		"{\"id\":truex}",
		"{\"id\":nul}",
		"{id:\"L1\"}",
		"{,}",
		"{\"id\":\"L1\"}}",
		"{\"id\":\"L1\"}x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		expect_not_flat(bad[i], strlen(bad[i]));
		cJSON *c = cjson_exact(bad[i], strlen(bad[i]));
		assert_null(c);
	}
}

static void test_only_the_bytes_given_are_read(void **state)
{
	(void)state;
	/* A span of a larger text: what follows it is not part of it. */
	static const char text[] = "{\"id\":\"L1\"},{\"id\":\"L2\"}";
	rrd_flat f;
	const cJSON *o = rrd__flat_parse(&f, text, 11);
	assert_non_null(o);
	assert_string_equal(o->child->valuestring, "L1");
	expect_not_flat(text, 10);
	expect_not_flat(text, 12);
}

static void test_limits_send_larger_objects_to_cjson(void **state)
{
	(void)state;
	char text[4 * RRD_FLAT_TEXT];
	size_t n = 0;
	/* As many members as fit, then one more. */
	for (int extra = 0; extra < 2; extra++) {
		n = (size_t)snprintf(text, sizeof text, "{");
		for (int i = 0; i < RRD_FLAT_MEMBERS + extra; i++)
			n += (size_t)snprintf(text + n, sizeof text - n, "%s\"k%d\":\"v\"", i ? "," : "", i);
		n += (size_t)snprintf(text + n, sizeof text - n, "}");
		if (extra)
			expect_not_flat(text, n);
		else
			expect_flat(text);
	}
	/* Keys and values filling the text room exactly, then one byte more:
	 * one member "k": "vvv...", whose NULs take two bytes. */
	for (int extra = 0; extra < 2; extra++) {
		size_t vlen = RRD_FLAT_TEXT - 2 - 1 + (size_t)extra;
		n = (size_t)snprintf(text, sizeof text, "{\"k\":\"");
		memset(text + n, 'v', vlen);
		n += vlen;
		n += (size_t)snprintf(text + n, sizeof text - n, "\"}");
		if (extra)
			expect_not_flat(text, n);
		else
			expect_flat(text);
	}
}

/* Random texts near the shape of an event: whatever the reader takes,
 * cJSON takes the same way, and it takes the common ones. */
static void test_random_texts_read_as_cjson_reads_them(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"{", "}", "\"", ":", ",", " ", "\n", "\t", "\f", "\\", "\\\"", "true", "false",
		"null", "1", "[", "]", "id", "op", "lead", "\x01", "\xc3\xa9", "\"k\":\"v\"",
		"\"at\":\"+1s\"", ",\"x\":true",
	};
	const size_t npieces = sizeof pieces / sizeof *pieces;
	unsigned seed = 12345;
	size_t taken = 0, valid = 0;
	for (int round = 0; round < 200000; round++) {
		char text[256];
		size_t n = 0;
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 2) {
			/* A well-formed object, then maybe one change. */
			n = (size_t)snprintf(text, sizeof text, "{\"at\":\"+%us\",\"op\":\"lead\",\"id\":\"L%u\"%s}",
					     (seed >> 8) % 100, seed % 1000, (seed >> 20) % 2 ? ",\"notify\":false" : "");
			if ((seed >> 24) % 4) {
				seed = seed * 1103515245u + 12345u;
				size_t at = (seed >> 8) % n;
				const char *p = pieces[(seed >> 16) % npieces];
				size_t k = strlen(p);
				if ((seed >> 28) % 2) { /* replace a byte */
					memmove(text + at + k, text + at + 1, n - at - 1);
					n = n - 1 + k;
				} else { /* insert */
					memmove(text + at + k, text + at, n - at);
					n += k;
				}
				memcpy(text + at, p, k);
			}
		} else {
			int count = 1 + (int)((seed >> 8) % 12);
			for (int i = 0; i < count && n + 16 < sizeof text; i++) {
				seed = seed * 1103515245u + 12345u;
				const char *p = pieces[(seed >> 16) % npieces];
				size_t k = strlen(p);
				memcpy(text + n, p, k);
				n += k;
			}
		}
		rrd_flat f;
		const cJSON *o = rrd__flat_parse(&f, text, n);
		cJSON *c = cjson_exact(text, n);
		valid += c != NULL;
		if (o) {
			if (!c)
				fail_msg("read as flat, but cJSON refuses: %.*s", (int)n, text);
			expect_same_tree(o, c);
			taken++;
		}
		cJSON_Delete(c);
	}
	/* Most of the JSON made here is flat; the reader must take it. */
	if (taken * 2 < valid)
		fail_msg("took %zu of %zu JSON texts", taken, valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_event_of_strings_reads_as_cjson_does),
		cmocka_unit_test(test_duplicate_keys_are_kept_in_order),
		cmocka_unit_test(test_what_it_does_not_take_is_left_to_cjson),
		cmocka_unit_test(test_what_is_not_json_is_not_read),
		cmocka_unit_test(test_only_the_bytes_given_are_read),
		cmocka_unit_test(test_limits_send_larger_objects_to_cjson),
		cmocka_unit_test(test_random_texts_read_as_cjson_reads_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
