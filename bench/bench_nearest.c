/*
 * Nearest-agent lookups: build cost and query rate, unfiltered and with
 * half the agents ineligible (the common case once capacity and hours are
 * checked).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "geo/kdtree.h"
#include "geo/sphere.h"
#include "util/alloc.h"

#define RUN_SECONDS 0.3
#define QUERY_COUNT 4096 /* a power of two, for cheap wrap-around */

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

static rrd_geo_point random_point(uint64_t *s)
{
	double lat = asin(2.0 * next_unit(s) - 1.0) * (180.0 / 3.14159265358979323846);
	double lon = 360.0 * next_unit(s) - 180.0;
	rrd_geo_point p = { 0.0, 0.0, 1.0 };
	(void)rrd__geo_point(lat, lon, &p);
	return p;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Rejects about half the ids, scattered rather than a contiguous range. */
static int accept_half(void *ctx, uint32_t id)
{
	(void)ctx;
	return ((id * 0x9e3779b9u) >> 31) == 0;
}

/* Keeps the optimiser from discarding the queries. */
static volatile uint64_t sink;

static int bench_build(const rrd_geo_point *pts, const uint32_t *ids, size_t n)
{
	unsigned long runs = 0;
	double start = now_seconds(), elapsed;
	do {
		rrd_kdtree *t;
		if (rrd__kdtree_build(&t, pts, ids, n) < 0)
			return -1;
		sink += rrd__kdtree_size(t);
		rrd__kdtree_free(t);
		runs++;
		elapsed = now_seconds() - start;
	} while (elapsed < RUN_SECONDS);
	printf("bench geo.build.n%zu %.6f ms\n", n, elapsed * 1e3 / (double)runs);
	return 0;
}

static void bench_queries(const char *name, const rrd_kdtree *t, size_t n,
			  const rrd_geo_point *queries,
			  int (*accept)(void *, uint32_t))
{
	unsigned long done = 0;
	double start = now_seconds(), elapsed;
	do {
		for (int i = 0; i < 1024; i++) {
			uint32_t id = 0;
			double d;
			const rrd_geo_point *q = &queries[done & (QUERY_COUNT - 1)];
			sink += (uint64_t)rrd__kdtree_nearest(t, q, accept, NULL, &id, &d) + id;
			done++;
		}
		elapsed = now_seconds() - start;
	} while (elapsed < RUN_SECONDS);
	printf("bench geo.%s.n%zu %.0f queries/s\n", name, n, (double)done / elapsed);
}

static int bench_size(size_t n, uint64_t *rng, const rrd_geo_point *queries)
{
	rrd_geo_point *pts = rrd__malloc(n * sizeof *pts);
	uint32_t *ids = rrd__malloc(n * sizeof *ids);
	rrd_kdtree *t = NULL;
	int rc = -1;
	if (!pts || !ids)
		goto out;
	for (size_t i = 0; i < n; i++) {
		pts[i] = random_point(rng);
		ids[i] = (uint32_t)i;
	}
	if (bench_build(pts, ids, n) < 0 || rrd__kdtree_build(&t, pts, ids, n) < 0)
		goto out;
	bench_queries("nearest", t, n, queries, NULL);
	bench_queries("nearest_filtered", t, n, queries, accept_half);
	rc = 0;
out:
	rrd__kdtree_free(t);
	rrd__free(pts);
	rrd__free(ids);
	return rc;
}

int main(void)
{
	static rrd_geo_point queries[QUERY_COUNT];
	static const size_t sizes[] = { 10, 1000, 100000 };
	uint64_t rng = 0x6e6561726573ull;
	for (size_t i = 0; i < QUERY_COUNT; i++)
		queries[i] = random_point(&rng);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		if (bench_size(sizes[i], &rng, queries) < 0) {
			fprintf(stderr, "bench_nearest: out of memory\n");
			return 1;
		}
	}
	return 0;
}
