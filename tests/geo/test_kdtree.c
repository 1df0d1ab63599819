#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "geo/kdtree.h"
#include "geo/sphere.h"
#include "rrdist/common.h"
#include "util/alloc.h"

/* cmocka hands tests no argv, so main parks the data file's path here. */
static const char *zcta_path;

/* ---- helpers ---------------------------------------------------------- */

/* A local generator so every run sees the same trees and queries. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static double next_unit(uint64_t *s)
{
	return (double)(next_u64(s) >> 11) * 0x1p-53;
}

static size_t next_below(uint64_t *s, size_t n)
{
	return (size_t)(next_u64(s) % n);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53u;
	x ^= x >> 33;
	return x;
}

static rrd_geo_point point_at(double lat, double lon)
{
	rrd_geo_point p;
	assert_int_equal(rrd__geo_point(lat, lon, &p), 0);
	return p;
}

/* Uniform on the sphere, as latitude and longitude. */
static void random_lat_lon(uint64_t *s, double *lat, double *lon)
{
	*lat = asin(2.0 * next_unit(s) - 1.0) * (180.0 / 3.14159265358979323846);
	*lon = 360.0 * next_unit(s) - 180.0;
}

static void jitter_lat_lon(uint64_t *s, double spread, double *lat, double *lon)
{
	double a = *lat + (2.0 * next_unit(s) - 1.0) * spread;
	double o = *lon + (2.0 * next_unit(s) - 1.0) * spread;
	if (a > 90.0)
		a = 90.0;
	if (a < -90.0)
		a = -90.0;
	if (o > 180.0)
		o -= 360.0;
	if (o < -180.0)
		o += 360.0;
	*lat = a;
	*lon = o;
}

/* Accepts about `percent` % of ids, chosen by a salted hash. */
struct id_filter {
	uint64_t salt;
	unsigned percent;
};

static int accept_by_hash(void *ctx, uint32_t id)
{
	const struct id_filter *f = ctx;
	return mix(id ^ f->salt) % 100 < f->percent;
}

static int accept_none(void *ctx, uint32_t id)
{
	(void)ctx;
	(void)id;
	return 0;
}

static int reject_one(void *ctx, uint32_t id)
{
	return id != *(const uint32_t *)ctx;
}

struct answer {
	int found;
	uint32_t id;
	double chord2;
	/* Brute force only: whether another accepted point had the same chord2. */
	int tied;
};

static struct answer brute_force(const rrd_geo_point *pts, const uint32_t *ids,
				 size_t n, const rrd_geo_point *q,
				 int (*accept)(void *, uint32_t), void *ctx)
{
	struct answer a = { 0, 0, INFINITY, 0 };
	for (size_t i = 0; i < n; i++) {
		if (accept && !accept(ctx, ids[i]))
			continue;
		double d = rrd__geo_chord2(q, &pts[i]);
		if (a.found && d == a.chord2) {
			a.tied = 1;
			if (ids[i] < a.id)
				a.id = ids[i];
		} else if (d < a.chord2) {
			a.found = 1;
			a.id = ids[i];
			a.chord2 = d;
			a.tied = 0;
		}
	}
	return a;
}

static struct answer tree_answer(const rrd_kdtree *t, const rrd_geo_point *q,
				 int (*accept)(void *, uint32_t), void *ctx)
{
	struct answer a = { 0, 0, 0.0, 0 };
	a.found = rrd__kdtree_nearest(t, q, accept, ctx, &a.id, &a.chord2);
	return a;
}

static void assert_same_answer(struct answer tree, struct answer brute)
{
	assert_int_equal(tree.found, brute.found);
	if (!brute.found)
		return;
	assert_int_equal(tree.id, brute.id);
	/* Bit-identical: both sides call rrd__geo_chord2 on the same inputs. */
	assert_true(tree.chord2 == brute.chord2);
}

static rrd_kdtree *build_or_fail(const rrd_geo_point *pts, const uint32_t *ids, size_t n)
{
	rrd_kdtree *t = NULL;
	assert_int_equal(rrd__kdtree_build(&t, pts, ids, n), 0);
	assert_non_null(t);
	assert_int_equal(rrd__kdtree_size(t), n);
	return t;
}

/* ---- small cases ------------------------------------------------------ */

static void test_empty_tree_finds_nothing(void **state)
{
	(void)state;
	rrd_kdtree *t = build_or_fail(NULL, NULL, 0);
	rrd_geo_point q = point_at(10.0, 20.0);
	uint32_t id = 77;
	double d = -1.0;
	assert_int_equal(rrd__kdtree_nearest(t, &q, NULL, NULL, &id, &d), 0);
	assert_int_equal(id, 77);
	assert_true(d == -1.0);
	rrd__kdtree_free(t);
}

static void test_free_ignores_null(void **state)
{
	(void)state;
	rrd__kdtree_free(NULL);
}

static void test_single_point_is_found_from_anywhere(void **state)
{
	(void)state;
	rrd_geo_point p = point_at(40.7128, -74.0060);
	uint32_t pid = 42;
	rrd_kdtree *t = build_or_fail(&p, &pid, 1);

	static const double queries[][2] = {
		{ 40.7128, -74.0060 }, { 34.0522, -118.2437 }, { -40.7128, 105.994 },
		{ 90.0, 0.0 }, { -90.0, 0.0 },
	};
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		rrd_geo_point q = point_at(queries[i][0], queries[i][1]);
		uint32_t id = 0;
		double d = -1.0;
		assert_int_equal(rrd__kdtree_nearest(t, &q, NULL, NULL, &id, &d), 1);
		assert_int_equal(id, 42);
		assert_true(d == rrd__geo_chord2(&q, &p));
	}
	rrd__kdtree_free(t);
}

static void test_build_copies_its_input(void **state)
{
	(void)state;
	rrd_geo_point pts[20];
	uint32_t ids[20];
	for (uint32_t i = 0; i < 20; i++) {
		pts[i] = point_at(-50.0 + 5.0 * i, 3.0 * i);
		ids[i] = i;
	}
	rrd_kdtree *t = build_or_fail(pts, ids, 20);
	rrd_geo_point q = pts[7];
	memset(pts, 0, sizeof pts);
	memset(ids, 0xff, sizeof ids);

	uint32_t id = 0;
	double d = -1.0;
	assert_int_equal(rrd__kdtree_nearest(t, &q, NULL, NULL, &id, &d), 1);
	assert_int_equal(id, 7);
	assert_true(d == 0.0);
	rrd__kdtree_free(t);
}

static void test_accept_rejecting_everything_finds_nothing(void **state)
{
	(void)state;
	enum { N = 300 };
	static rrd_geo_point pts[N];
	static uint32_t ids[N];
	uint64_t rng = 12345;
	for (uint32_t i = 0; i < N; i++) {
		double lat, lon;
		random_lat_lon(&rng, &lat, &lon);
		pts[i] = point_at(lat, lon);
		ids[i] = i;
	}
	rrd_kdtree *t = build_or_fail(pts, ids, N);
	for (int i = 0; i < 20; i++) {
		double lat, lon;
		random_lat_lon(&rng, &lat, &lon);
		rrd_geo_point q = point_at(lat, lon);
		uint32_t id = 77;
		double d = -1.0;
		assert_int_equal(rrd__kdtree_nearest(t, &q, accept_none, NULL, &id, &d), 0);
		assert_int_equal(id, 77);
		assert_true(d == -1.0);
	}
	rrd__kdtree_free(t);
}

static void test_accept_filters_out_the_nearest(void **state)
{
	(void)state;
	rrd_geo_point pts[3] = {
		point_at(0.0, 0.0), point_at(0.0, 10.0), point_at(0.0, 20.0),
	};
	uint32_t ids[3] = { 0, 1, 2 };
	rrd_kdtree *t = build_or_fail(pts, ids, 3);
	rrd_geo_point q = point_at(0.0, 1.0);
	uint32_t rejected = 0, id = 99;
	double d = -1.0;
	assert_int_equal(rrd__kdtree_nearest(t, &q, reject_one, &rejected, &id, &d), 1);
	assert_int_equal(id, 1);
	assert_true(d == rrd__geo_chord2(&q, &pts[1]));
	rrd__kdtree_free(t);
}

static void test_tie_at_identical_coordinates_goes_to_smallest_id(void **state)
{
	(void)state;
	rrd_geo_point p = point_at(51.5074, -0.1278);
	rrd_geo_point pts[3] = { p, p, p };
	uint32_t ids[3] = { 5, 2, 9 };
	rrd_kdtree *t = build_or_fail(pts, ids, 3);

	rrd_geo_point queries[2] = { p, point_at(48.8566, 2.3522) };
	for (int i = 0; i < 2; i++) {
		uint32_t id = 0;
		double d = -1.0;
		assert_int_equal(rrd__kdtree_nearest(t, &queries[i], NULL, NULL, &id, &d), 1);
		assert_int_equal(id, 2);
		assert_true(d == rrd__geo_chord2(&queries[i], &p));
	}
	rrd__kdtree_free(t);
}

static void test_tie_skips_a_rejected_smallest_id(void **state)
{
	(void)state;
	rrd_geo_point p = point_at(51.5074, -0.1278);
	rrd_geo_point pts[3] = { p, p, p };
	uint32_t ids[3] = { 5, 2, 9 };
	rrd_kdtree *t = build_or_fail(pts, ids, 3);

	uint32_t rejected = 2, id = 0;
	double d = -1.0;
	assert_int_equal(rrd__kdtree_nearest(t, &p, reject_one, &rejected, &id, &d), 1);
	assert_int_equal(id, 5);
	assert_true(d == 0.0);
	rrd__kdtree_free(t);
}

/*
 * Duplicates spread over a tree big enough that they land in different
 * subtrees, so a search that pruned on equality would miss the small id.
 */
static void test_tie_among_many_duplicates_goes_to_smallest_id(void **state)
{
	(void)state;
	enum { N = 2000, COPIES = 300 };
	static rrd_geo_point pts[N];
	static uint32_t ids[N];
	uint64_t rng = 99;
	rrd_geo_point office = point_at(37.7749, -122.4194);
	for (uint32_t i = 0; i < N; i++) {
		if (i < COPIES) {
			pts[i] = office;
		} else {
			double lat = 37.7749, lon = -122.4194;
			jitter_lat_lon(&rng, 1.0, &lat, &lon);
			pts[i] = point_at(lat, lon);
		}
		ids[i] = (i * 7919u) % N + 10;
	}
	uint32_t smallest = UINT32_MAX;
	for (uint32_t i = 0; i < COPIES; i++)
		if (ids[i] < smallest)
			smallest = ids[i];

	rrd_kdtree *t = build_or_fail(pts, ids, N);
	uint32_t id = 0;
	double d = -1.0;
	assert_int_equal(rrd__kdtree_nearest(t, &office, NULL, NULL, &id, &d), 1);
	assert_int_equal(id, smallest);
	assert_true(d == 0.0);

	uint32_t second = UINT32_MAX;
	for (uint32_t i = 0; i < COPIES; i++)
		if (ids[i] != smallest && ids[i] < second)
			second = ids[i];
	assert_int_equal(rrd__kdtree_nearest(t, &office, reject_one, &smallest, &id, &d), 1);
	assert_int_equal(id, second);
	rrd__kdtree_free(t);
}

/*
 * Distinct points at exactly equal chords: the four grid neighbours of the
 * origin (one degree of latitude or longitude away) are bit-for-bit equidistant from it.
 */
static void test_tie_between_distinct_equidistant_points(void **state)
{
	(void)state;
	enum { SIDE = 21, N = SIDE * SIDE };
	static rrd_geo_point pts[N];
	static uint32_t ids[N];
	uint32_t origin_id = 0, neighbour_ids[4];
	rrd_geo_point neighbours[4];
	int k = 0;
	for (int i = 0; i < SIDE; i++) {
		for (int j = 0; j < SIDE; j++) {
			size_t n = (size_t)(i * SIDE + j);
			int lat = i - SIDE / 2, lon = j - SIDE / 2;
			pts[n] = point_at(lat, lon);
			ids[n] = (uint32_t)((n * 7919u) % N);
			if (lat == 0 && lon == 0)
				origin_id = ids[n];
			if (abs(lat) + abs(lon) == 1) {
				neighbour_ids[k] = ids[n];
				neighbours[k++] = pts[n];
			}
		}
	}
	assert_int_equal(k, 4);
	rrd_geo_point q = point_at(0.0, 0.0);
	double tie = rrd__geo_chord2(&q, &neighbours[0]);
	for (int i = 1; i < 4; i++)
		assert_true(rrd__geo_chord2(&q, &neighbours[i]) == tie);
	uint32_t smallest = neighbour_ids[0];
	for (int i = 1; i < 4; i++)
		if (neighbour_ids[i] < smallest)
			smallest = neighbour_ids[i];

	rrd_kdtree *t = build_or_fail(pts, ids, N);
	uint32_t id = 0;
	double d = -1.0;
	assert_int_equal(rrd__kdtree_nearest(t, &q, reject_one, &origin_id, &id, &d), 1);
	assert_int_equal(id, smallest);
	assert_true(d == tie);
	rrd__kdtree_free(t);
}

/* ---- property test against brute force -------------------------------- */

enum shape { UNIFORM, CLUSTERED, DUPLICATED, GRID, MIXED, SHAPES };

static void random_grid_lat_lon(uint64_t *rng, double *lat, double *lon)
{
	*lat = (double)((int)next_below(rng, 11) - 5);
	*lon = (double)((int)next_below(rng, 11) - 5);
}

static void generate(uint64_t *rng, enum shape shape, size_t n,
		     double (*ll)[2], rrd_geo_point *pts, uint32_t *ids)
{
	double centres[12][2];
	size_t ncentres = 1 + next_below(rng, 12);
	for (size_t c = 0; c < ncentres; c++)
		random_lat_lon(rng, &centres[c][0], &centres[c][1]);
	/* Points at the poles and on the antimeridian, where lat/lon seams are. */
	static const double seams[][2] = {
		{ 90, 0 }, { -90, 45 }, { 0, 180 }, { 0, -180 }, { 89.999, 179.999 },
	};

	for (size_t i = 0; i < n; i++) {
		enum shape s = shape == MIXED ? (enum shape)next_below(rng, MIXED) : shape;
		double lat, lon;
		size_t c = next_below(rng, ncentres);
		switch (s) {
		case UNIFORM:
			if (next_below(rng, 50) == 0) {
				size_t k = next_below(rng, sizeof seams / sizeof seams[0]);
				lat = seams[k][0];
				lon = seams[k][1];
			} else {
				random_lat_lon(rng, &lat, &lon);
			}
			break;
		case CLUSTERED:
			lat = centres[c][0];
			lon = centres[c][1];
			jitter_lat_lon(rng, 0.02, &lat, &lon);
			break;
		case DUPLICATED:
			lat = centres[c][0];
			lon = centres[c][1];
			break;
		default:
			random_grid_lat_lon(rng, &lat, &lon);
			break;
		}
		ll[i][0] = lat;
		ll[i][1] = lon;
		pts[i] = point_at(lat, lon);
	}

	/* Ids shuffled, so the smallest id is not simply the first point; and
	 * sometimes near UINT32_MAX, so no id may serve as a sentinel. */
	int high = next_below(rng, 4) == 0;
	for (size_t i = 0; i < n; i++)
		ids[i] = (uint32_t)i;
	for (size_t i = n; i > 1; i--) {
		size_t j = next_below(rng, i);
		uint32_t t = ids[i - 1];
		ids[i - 1] = ids[j];
		ids[j] = t;
	}
	if (high)
		for (size_t i = 0; i < n; i++)
			ids[i] = UINT32_MAX - ids[i];
}

static rrd_geo_point random_query(uint64_t *rng, size_t n, double (*ll)[2])
{
	double lat, lon;
	size_t k = next_below(rng, n);
	switch (next_below(rng, 4)) {
	case 0: /* exactly on a point */
		lat = ll[k][0];
		lon = ll[k][1];
		break;
	case 1: /* on the grid, where distinct points tie */
		random_grid_lat_lon(rng, &lat, &lon);
		break;
	case 2: /* close to a point */
		lat = ll[k][0];
		lon = ll[k][1];
		jitter_lat_lon(rng, 0.05, &lat, &lon);
		break;
	default:
		random_lat_lon(rng, &lat, &lon);
		break;
	}
	return point_at(lat, lon);
}

static void test_nearest_matches_brute_force_on_random_trees(void **state)
{
	(void)state;
	enum { TREES = 200, QUERIES = 200, MAX_N = 2000 };
	double (*ll)[2] = rrd__malloc(MAX_N * sizeof *ll);
	rrd_geo_point *pts = rrd__malloc(MAX_N * sizeof *pts);
	uint32_t *ids = rrd__malloc(MAX_N * sizeof *ids);
	assert_non_null(ll);
	assert_non_null(pts);
	assert_non_null(ids);

	unsigned long ties = 0, misses = 0;
	for (int tree = 0; tree < TREES; tree++) {
		uint64_t rng = mix(0x5eed0000u + (uint64_t)tree) | 1;
		/* A quarter small, where leaves and the root split dominate. */
		size_t n = 1 + next_below(&rng, tree % 4 == 0 ? 40 : MAX_N);
		enum shape shape = (enum shape)(tree % SHAPES);
		generate(&rng, shape, n, ll, pts, ids);
		rrd_kdtree *t = build_or_fail(pts, ids, n);

		struct id_filter filter = { next_u64(&rng), 30 };
		for (int qi = 0; qi < QUERIES; qi++) {
			rrd_geo_point q = random_query(&rng, n, ll);
			int filtered = next_below(&rng, 4) != 0;
			int (*accept)(void *, uint32_t) = filtered ? accept_by_hash : NULL;
			void *ctx = filtered ? &filter : NULL;

			struct answer want = brute_force(pts, ids, n, &q, accept, ctx);
			struct answer got = tree_answer(t, &q, accept, ctx);
			if (got.found != want.found || got.id != want.id ||
			    (want.found && got.chord2 != want.chord2))
				print_error("tree %d (n=%zu, shape %d) query %d differs\n",
					    tree, n, (int)shape, qi);
			assert_same_answer(got, want);
			ties += (unsigned long)want.tied;
			misses += (unsigned long)!want.found;
		}
		rrd__kdtree_free(t);
	}
	/* The test is only as good as its ties and its empty answers. */
	assert_true(ties > 1000);
	assert_true(misses > 100);
	rrd__free(ll);
	rrd__free(pts);
	rrd__free(ids);
}

/* ---- real data --------------------------------------------------------- */

struct zcta {
	double (*ll)[2];
	rrd_geo_point *pts;
	uint32_t *ids;
	size_t n;
};

/* Parses one data row; returns 0 for a blank line, -1 for a malformed one. */
static int parse_row(const char *line, double *lat, double *lon)
{
	if (line[0] == '\n' || line[0] == '\r' || line[0] == '\0')
		return 0;
	const char *p = strchr(line, ',');
	if (!p)
		return -1;
	char *end;
	*lat = strtod(p + 1, &end);
	if (*end != ',')
		return -1;
	*lon = strtod(end + 1, &end);
	if (*end != '\n' && *end != '\r' && *end != '\0')
		return -1;
	return 1;
}

static void load_zcta(struct zcta *z)
{
	if (!zcta_path)
		fail_msg("pass the path of us-zcta-centroids.csv as the first argument");
	FILE *f = fopen(zcta_path, "r");
	if (!f)
		fail_msg("cannot open %s", zcta_path);

	char line[256];
	size_t rows = 0;
	assert_non_null(fgets(line, sizeof line, f));
	assert_int_equal(strncmp(line, "zip,lat,lon", 11), 0);
	while (fgets(line, sizeof line, f))
		rows++;
	rewind(f);
	assert_non_null(fgets(line, sizeof line, f));

	z->ll = rrd__malloc(rows * sizeof *z->ll);
	z->pts = rrd__malloc(rows * sizeof *z->pts);
	z->ids = rrd__malloc(rows * sizeof *z->ids);
	assert_non_null(z->ll);
	assert_non_null(z->pts);
	assert_non_null(z->ids);
	z->n = 0;
	unsigned long lineno = 1;
	while (z->n < rows && fgets(line, sizeof line, f)) {
		lineno++;
		double lat = 0.0, lon = 0.0;
		int rc = parse_row(line, &lat, &lon);
		if (rc < 0)
			fail_msg("%s:%lu: malformed row", zcta_path, lineno);
		if (rc == 0)
			continue;
		if (rrd__geo_point(lat, lon, &z->pts[z->n]) != 0)
			fail_msg("%s:%lu: coordinates out of range", zcta_path, lineno);
		z->ll[z->n][0] = lat;
		z->ll[z->n][1] = lon;
		z->ids[z->n] = (uint32_t)z->n;
		z->n++;
	}
	fclose(f);
}

static void test_nearest_matches_brute_force_on_zcta_centroids(void **state)
{
	(void)state;
	struct zcta z;
	load_zcta(&z);
	assert_int_equal(z.n, 33791);

	rrd_kdtree *t = build_or_fail(z.pts, z.ids, z.n);
	uint64_t rng = 0x2c7a;
	for (int i = 0; i < 1000; i++) {
		double lat, lon;
		size_t k = next_below(&rng, z.n);
		switch (i % 4) {
		case 0: /* somewhere in the contiguous states */
			lat = 24.0 + 26.0 * next_unit(&rng);
			lon = -125.0 + 59.0 * next_unit(&rng);
			break;
		case 1: /* on a centroid */
			lat = z.ll[k][0];
			lon = z.ll[k][1];
			break;
		case 2: /* near a centroid */
			lat = z.ll[k][0];
			lon = z.ll[k][1];
			jitter_lat_lon(&rng, 0.1, &lat, &lon);
			break;
		default: /* anywhere, mostly far from every centroid */
			random_lat_lon(&rng, &lat, &lon);
			break;
		}
		rrd_geo_point q = point_at(lat, lon);
		/* Unfiltered, 30 %, and 1 % (long searches past rejected points). */
		struct id_filter filter = { mix((uint64_t)i), i % 3 == 1 ? 30u : 1u };
		int (*accept)(void *, uint32_t) = i % 3 == 0 ? NULL : accept_by_hash;
		void *ctx = accept ? &filter : NULL;
		assert_same_answer(tree_answer(t, &q, accept, ctx),
				   brute_force(z.pts, z.ids, z.n, &q, accept, ctx));
	}
	rrd__kdtree_free(t);
	rrd__free(z.ll);
	rrd__free(z.pts);
	rrd__free(z.ids);
}

/* ---- allocation failure ------------------------------------------------ */

/* Fails the fail_at-th allocation and counts blocks still live. This is the
 * host allocator itself, so it calls the C library directly. */
struct counting {
	unsigned long calls;
	unsigned long fail_at;
	long live;
};

static struct counting counter;

static void *counting_malloc(size_t size, void *user)
{
	struct counting *c = user;
	if (++c->calls == c->fail_at)
		return NULL;
	void *p = malloc(size);
	if (p)
		c->live++;
	return p;
}

static void *counting_realloc(void *ptr, size_t size, void *user)
{
	struct counting *c = user;
	if (!ptr)
		return counting_malloc(size, user);
	if (++c->calls == c->fail_at)
		return NULL;
	return realloc(ptr, size);
}

static void counting_free(void *ptr, void *user)
{
	struct counting *c = user;
	if (ptr) {
		c->live--;
		free(ptr);
	}
}

static int restore_allocator(void **state)
{
	(void)state;
	return rrd_set_allocator(NULL) == RRD_OK ? 0 : -1;
}

static void check_build_survives_each_failure(const rrd_geo_point *pts,
					      const uint32_t *ids, size_t n)
{
	static const rrd_allocator counting_allocator = {
		RRD_ALLOCATOR_VERSION, counting_malloc, counting_realloc,
		counting_free, &counter,
	};
	static char marker;
	rrd_kdtree *const untouched = (rrd_kdtree *)(void *)&marker;

	for (unsigned long fail_at = 1; fail_at < 100; fail_at++) {
		counter = (struct counting){ 0, fail_at, 0 };
		assert_int_equal(rrd_set_allocator(&counting_allocator), RRD_OK);
		rrd_kdtree *t = untouched;
		int rc = rrd__kdtree_build(&t, pts, ids, n);
		if (rc == 0) {
			assert_true(counter.calls < fail_at);
			assert_int_equal(rrd__kdtree_size(t), n);
			rrd__kdtree_free(t);
			assert_int_equal(counter.live, 0);
			assert_int_equal(rrd_set_allocator(NULL), RRD_OK);
			return;
		}
		assert_int_equal(rc, -1);
		assert_ptr_equal(t, untouched);
		assert_int_equal(counter.live, 0);
		assert_int_equal(rrd_set_allocator(NULL), RRD_OK);
	}
	fail_msg("build never succeeded");
}

static void test_build_failure_leaks_nothing(void **state)
{
	(void)state;
	enum { N = 500 };
	static rrd_geo_point pts[N];
	static uint32_t ids[N];
	uint64_t rng = 4242;
	for (uint32_t i = 0; i < N; i++) {
		double lat, lon;
		random_lat_lon(&rng, &lat, &lon);
		pts[i] = point_at(lat, lon);
		ids[i] = i;
	}
	check_build_survives_each_failure(NULL, NULL, 0);
	check_build_survives_each_failure(pts, ids, 1);
	check_build_survives_each_failure(pts, ids, N);
}

int main(int argc, char **argv)
{
	zcta_path = argc > 1 ? argv[1] : NULL;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_tree_finds_nothing),
		cmocka_unit_test(test_free_ignores_null),
		cmocka_unit_test(test_single_point_is_found_from_anywhere),
		cmocka_unit_test(test_build_copies_its_input),
		cmocka_unit_test(test_accept_rejecting_everything_finds_nothing),
		cmocka_unit_test(test_accept_filters_out_the_nearest),
		cmocka_unit_test(test_tie_at_identical_coordinates_goes_to_smallest_id),
		cmocka_unit_test(test_tie_skips_a_rejected_smallest_id),
		cmocka_unit_test(test_tie_among_many_duplicates_goes_to_smallest_id),
		cmocka_unit_test(test_tie_between_distinct_equidistant_points),
		cmocka_unit_test(test_nearest_matches_brute_force_on_random_trees),
		cmocka_unit_test(test_nearest_matches_brute_force_on_zcta_centroids),
		cmocka_unit_test_teardown(test_build_failure_leaks_nothing, restore_allocator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
