#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_test.h"

/* Write `text` to a fresh temporary file; its path goes in path[64]. */
static void temp_csv(char path[64], const char *text)
{
	snprintf(path, 64, "/tmp/rrd-postal-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

static rrd_status load_text(const char *text, rrd_postal_table **t, char path[64])
{
	temp_csv(path, text);
	rrd_status rc = rrd__postal_load(t, path);
	unlink(path);
	return rc;
}

static void test_shipped_table_loads_every_line(void **state)
{
	(void)state;
	assert_non_null(sim_postal);
	/* One header line, then one centroid per line. */
	assert_int_equal(rrd__postal_count(sim_postal), 33791);
}

static void test_new_york_10001_is_near_midtown(void **state)
{
	(void)state;
	double lat = 0, lon = 0;
	assert_true(rrd__postal_find(sim_postal, "10001", &lat, &lon));
	assert_true(fabs(lat - 40.75065) < 1e-9);
	assert_true(fabs(lon - -73.997293) < 1e-9);
}

static void test_codes_with_leading_zeros_are_found(void **state)
{
	(void)state;
	double lat = 0, lon = 0;
	assert_true(rrd__postal_find(sim_postal, "08902", &lat, &lon));
	assert_true(fabs(lat - 40.441513) < 1e-9);
}

static void test_unknown_code_is_not_found(void **state)
{
	(void)state;
	double lat = 7, lon = 7;
	assert_false(rrd__postal_find(sim_postal, "00000", &lat, &lon));
	assert_false(rrd__postal_find(sim_postal, "1000", &lat, &lon));
	assert_false(rrd__postal_find(sim_postal, "100011", &lat, &lon));
	assert_false(rrd__postal_find(sim_postal, "", &lat, &lon));
	assert_true(lat == 7 && lon == 7);
}

static void test_null_table_finds_nothing(void **state)
{
	(void)state;
	assert_false(rrd__postal_find(NULL, "10001", NULL, NULL));
	assert_int_equal(rrd__postal_count(NULL), 0);
	rrd__postal_free(NULL);
}

static void test_header_is_optional_and_crlf_is_accepted(void **state)
{
	(void)state;
	char path[64];
	rrd_postal_table *t = NULL;
	assert_int_equal(load_text("12345,1.5,-2.25\r\n\r\n54321,-0.5,179\r\n", &t, path), RRD_OK);
	assert_int_equal(rrd__postal_count(t), 2);
	double lat, lon;
	assert_true(rrd__postal_find(t, "12345", &lat, &lon));
	assert_true(lat == 1.5 && lon == -2.25);
	assert_true(rrd__postal_find(t, "54321", &lat, &lon));
	assert_true(lat == -0.5 && lon == 179);
	rrd__postal_free(t);
}

static void test_decimals_read_exactly_as_strtod_would(void **state)
{
	(void)state;
	char path[64];
	rrd_postal_table *t = NULL;
	assert_int_equal(load_text("zip,lat,lon\n1,40.75065,-73.997293\n2,0.1,-0.3\n", &t, path),
			 RRD_OK);
	double lat, lon;
	assert_true(rrd__postal_find(t, "1", &lat, &lon));
	assert_true(lat == strtod("40.75065", NULL) && lon == strtod("-73.997293", NULL));
	assert_true(rrd__postal_find(t, "2", &lat, &lon));
	assert_true(lat == 0.1 && lon == -0.3);
	rrd__postal_free(t);
}

static void test_malformed_line_is_named(void **state)
{
	(void)state;
	char path[64], want[96];
	rrd_postal_table *t = (rrd_postal_table *)1;
	assert_int_equal(load_text("zip,lat,lon\n10001,40.7,-73.9\n10002,forty,-73.9\n", &t, path),
			 RRD_E_PARSE);
	assert_null(t);
	snprintf(want, sizeof want, "%s:3: ", path);
	assert_non_null(strstr(rrd_error_last(), want));
}

static void test_missing_column_is_refused(void **state)
{
	(void)state;
	char path[64], want[96];
	rrd_postal_table *t;
	assert_int_equal(load_text("10001,40.7\n", &t, path), RRD_E_PARSE);
	snprintf(want, sizeof want, "%s:1: ", path);
	assert_non_null(strstr(rrd_error_last(), want));
}

static void test_coordinates_out_of_range_are_refused(void **state)
{
	(void)state;
	char path[64], want[96];
	rrd_postal_table *t;
	assert_int_equal(load_text("zip,lat,lon\n10001,91,0\n", &t, path), RRD_E_PARSE);
	snprintf(want, sizeof want, "%s:2: ", path);
	assert_non_null(strstr(rrd_error_last(), want));
}

static void test_repeated_code_names_both_lines(void **state)
{
	(void)state;
	char path[64], want[128];
	rrd_postal_table *t;
	assert_int_equal(load_text("zip,lat,lon\n10001,1,1\n10002,2,2\n10001,3,3\n", &t, path),
			 RRD_E_PARSE);
	snprintf(want, sizeof want, "%s:4: postal code \"10001\" repeats line 2", path);
	assert_string_equal(rrd_error_last(), want);
}

static void test_overlong_line_is_refused(void **state)
{
	(void)state;
	char text[600], path[64], want[96];
	memset(text, '1', 500);
	strcpy(text + 500, ",1,1\n");
	rrd_postal_table *t;
	assert_int_equal(load_text(text, &t, path), RRD_E_PARSE);
	snprintf(want, sizeof want, "%s:1: ", path);
	assert_non_null(strstr(rrd_error_last(), want));
}

static void test_missing_file_is_not_found(void **state)
{
	(void)state;
	rrd_postal_table *t = (rrd_postal_table *)1;
	assert_int_equal(rrd__postal_load(&t, "/nonexistent/zcta.csv"), RRD_E_NOTFOUND);
	assert_null(t);
	assert_non_null(strstr(rrd_error_last(), "/nonexistent/zcta.csv"));
}

/* A table with no codes would make every code unknown while looking
 * like a table was given: refused, whether the file is empty or holds
 * only the header and blank lines. */
static void test_table_without_codes_is_refused(void **state)
{
	(void)state;
	static const char *const texts[] = { "", "zip,lat,lon\n", "\n\r\n", "zip,lat,lon\r\n\n" };
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		char path[64], want[128];
		rrd_postal_table *t = (rrd_postal_table *)1;
		assert_int_equal(load_text(texts[i], &t, path), RRD_E_PARSE);
		assert_null(t);
		snprintf(want, sizeof want, "no postal codes in %s", path);
		assert_string_equal(rrd_error_last(), want);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_table_loads_every_line),
		cmocka_unit_test(test_new_york_10001_is_near_midtown),
		cmocka_unit_test(test_codes_with_leading_zeros_are_found),
		cmocka_unit_test(test_unknown_code_is_not_found),
		cmocka_unit_test(test_null_table_finds_nothing),
		cmocka_unit_test(test_header_is_optional_and_crlf_is_accepted),
		cmocka_unit_test(test_decimals_read_exactly_as_strtod_would),
		cmocka_unit_test(test_malformed_line_is_named),
		cmocka_unit_test(test_missing_column_is_refused),
		cmocka_unit_test(test_coordinates_out_of_range_are_refused),
		cmocka_unit_test(test_repeated_code_names_both_lines),
		cmocka_unit_test(test_overlong_line_is_refused),
		cmocka_unit_test(test_missing_file_is_not_found),
		cmocka_unit_test(test_table_without_codes_is_refused),
	};
	return sim_main(argc, argv, "sim_postal", tests, sizeof tests / sizeof *tests);
}
