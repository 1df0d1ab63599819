#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "geo/sphere.h"

#define HALF_CIRCUMFERENCE_KM (3.14159265358979323846 * RRD_GEO_EARTH_RADIUS_KM)

static void test_distance_new_york_to_los_angeles(void **state)
{
	(void)state;
	double km = rrd__geo_distance_km(40.7128, -74.0060, 34.0522, -118.2437);
	assert_true(fabs(km - 3936.0) <= 5.0);
}

static void test_distance_is_symmetric(void **state)
{
	(void)state;
	double there = rrd__geo_distance_km(40.7128, -74.0060, 34.0522, -118.2437);
	double back = rrd__geo_distance_km(34.0522, -118.2437, 40.7128, -74.0060);
	assert_true(there == back);
}

static void test_distance_same_point_is_zero(void **state)
{
	(void)state;
	assert_true(rrd__geo_distance_km(40.7128, -74.0060, 40.7128, -74.0060) == 0.0);
	assert_true(rrd__geo_distance_km(90.0, 0.0, 90.0, 0.0) == 0.0);
}

static void test_distance_antipodes_is_half_circumference(void **state)
{
	(void)state;
	double km = rrd__geo_distance_km(0.0, 0.0, 0.0, 180.0);
	assert_true(fabs(km - 20015.0) <= 1.0);
	assert_true(fabs(km - HALF_CIRCUMFERENCE_KM) <= 1e-6);
	km = rrd__geo_distance_km(90.0, 0.0, -90.0, 0.0);
	assert_true(fabs(km - HALF_CIRCUMFERENCE_KM) <= 1e-6);
	/* Near the antipode asin is steep, so coordinate rounding shows. */
	km = rrd__geo_distance_km(40.7128, -74.0060, -40.7128, 105.9940);
	assert_true(fabs(km - HALF_CIRCUMFERENCE_KM) <= 0.01);
}

static void test_distance_across_antimeridian_is_short(void **state)
{
	(void)state;
	/* One degree of longitude on the equator, straddling lon 180. */
	double km = rrd__geo_distance_km(0.0, 179.5, 0.0, -179.5);
	assert_true(fabs(km - 2.0 * HALF_CIRCUMFERENCE_KM / 360.0) <= 1e-6);
	assert_true(rrd__geo_distance_km(0.0, 180.0, 0.0, -180.0) < 1e-9);
}

static void test_distance_of_invalid_coordinates_is_nan(void **state)
{
	(void)state;
	assert_true(isnan(rrd__geo_distance_km(91.0, 0.0, 0.0, 0.0)));
	assert_true(isnan(rrd__geo_distance_km(0.0, 0.0, 0.0, NAN)));
}

static void test_km_from_chord2_clamps_chords_past_the_diameter(void **state)
{
	(void)state;
	double km = rrd__geo_km_from_chord2(4.0 + 1e-12);
	assert_false(isnan(km));
	assert_true(fabs(km - HALF_CIRCUMFERENCE_KM) <= 1e-6);
	assert_true(rrd__geo_km_from_chord2(0.0) == 0.0);
}

static void test_point_is_a_unit_vector(void **state)
{
	(void)state;
	static const double coords[][2] = {
		{ 0, 0 }, { 90, 0 }, { -90, 180 }, { 40.7128, -74.0060 },
		{ -33.8688, 151.2093 }, { 64.1466, -21.9426 }, { 0, -180 },
	};
	for (size_t i = 0; i < sizeof coords / sizeof coords[0]; i++) {
		rrd_geo_point p;
		assert_int_equal(rrd__geo_point(coords[i][0], coords[i][1], &p), 0);
		double norm2 = p.x * p.x + p.y * p.y + p.z * p.z;
		assert_true(fabs(norm2 - 1.0) <= 1e-15);
	}
}

static void test_point_axes(void **state)
{
	(void)state;
	rrd_geo_point p;
	assert_int_equal(rrd__geo_point(0.0, 0.0, &p), 0);
	assert_true(p.x == 1.0 && p.y == 0.0 && p.z == 0.0);
	assert_int_equal(rrd__geo_point(90.0, 0.0, &p), 0);
	assert_true(p.z == 1.0);
	assert_int_equal(rrd__geo_point(0.0, 90.0, &p), 0);
	assert_true(fabs(p.y - 1.0) <= 1e-15 && fabs(p.x) <= 1e-15);
}

static void test_point_accepts_the_range_bounds(void **state)
{
	(void)state;
	rrd_geo_point p;
	assert_int_equal(rrd__geo_point(90.0, 180.0, &p), 0);
	assert_int_equal(rrd__geo_point(-90.0, -180.0, &p), 0);
}

static void assert_rejected(double lat, double lon)
{
	rrd_geo_point p = { 7.0, 8.0, 9.0 };
	assert_int_equal(rrd__geo_point(lat, lon, &p), -1);
	/* Left alone on failure. */
	assert_true(p.x == 7.0 && p.y == 8.0 && p.z == 9.0);
}

static void test_point_rejects_nan(void **state)
{
	(void)state;
	assert_rejected(NAN, 0.0);
	assert_rejected(0.0, NAN);
}

static void test_point_rejects_infinity(void **state)
{
	(void)state;
	assert_rejected(INFINITY, 0.0);
	assert_rejected(0.0, -INFINITY);
}

static void test_point_rejects_latitude_91(void **state)
{
	(void)state;
	assert_rejected(91.0, 0.0);
	assert_rejected(-91.0, 0.0);
	assert_rejected(nextafter(90.0, 100.0), 0.0);
}

static void test_point_rejects_longitude_minus_181(void **state)
{
	(void)state;
	assert_rejected(0.0, -181.0);
	assert_rejected(0.0, 181.0);
	assert_rejected(0.0, nextafter(-180.0, -200.0));
}

static void test_chord2_is_symmetric_bit_for_bit(void **state)
{
	(void)state;
	rrd_geo_point a, b;
	assert_int_equal(rrd__geo_point(12.345, 67.891, &a), 0);
	assert_int_equal(rrd__geo_point(-48.7, -150.25, &b), 0);
	assert_true(rrd__geo_chord2(&a, &b) == rrd__geo_chord2(&b, &a));
}

static void test_chord2_orders_like_great_circle_distance(void **state)
{
	(void)state;
	rrd_geo_point origin, near, far;
	assert_int_equal(rrd__geo_point(0.0, 0.0, &origin), 0);
	assert_int_equal(rrd__geo_point(0.0, 10.0, &near), 0);
	assert_int_equal(rrd__geo_point(0.0, 170.0, &far), 0);
	assert_true(rrd__geo_chord2(&origin, &near) < rrd__geo_chord2(&origin, &far));
	assert_true(rrd__geo_km_from_chord2(rrd__geo_chord2(&origin, &near)) <
		    rrd__geo_km_from_chord2(rrd__geo_chord2(&origin, &far)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance_new_york_to_los_angeles),
		cmocka_unit_test(test_distance_is_symmetric),
		cmocka_unit_test(test_distance_same_point_is_zero),
		cmocka_unit_test(test_distance_antipodes_is_half_circumference),
		cmocka_unit_test(test_distance_across_antimeridian_is_short),
		cmocka_unit_test(test_distance_of_invalid_coordinates_is_nan),
		cmocka_unit_test(test_km_from_chord2_clamps_chords_past_the_diameter),
		cmocka_unit_test(test_point_is_a_unit_vector),
		cmocka_unit_test(test_point_axes),
		cmocka_unit_test(test_point_accepts_the_range_bounds),
		cmocka_unit_test(test_point_rejects_nan),
		cmocka_unit_test(test_point_rejects_infinity),
		cmocka_unit_test(test_point_rejects_latitude_91),
		cmocka_unit_test(test_point_rejects_longitude_minus_181),
		cmocka_unit_test(test_chord2_is_symmetric_bit_for_bit),
		cmocka_unit_test(test_chord2_orders_like_great_circle_distance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
