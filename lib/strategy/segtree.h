/*
 * A min segment tree over int64 keys: argmin in O(1), point update in
 * O(log n). Ties go to the lowest index, which is what makes least busy
 * and least recent break ties in join order.
 */
#ifndef RRD_STRATEGY_SEGTREE_H
#define RRD_STRATEGY_SEGTREE_H

#include <stddef.h>
#include <stdint.h>

typedef struct rrd_segtree {
	size_t n, size;   /* leaves used; leaves allocated (a power of two) */
	int64_t *key;     /* size leaves' keys, INT64_MAX past n */
	uint32_t *best;   /* 2*size nodes: index of the smallest leaf below */
} rrd_segtree;

/* 0, or -1 when out of memory (t left empty). */
int rrd__segtree_build(rrd_segtree *t, const int64_t *keys, size_t n);
void rrd__segtree_set(rrd_segtree *t, size_t i, int64_t key);
/* Index of the smallest key (lowest index on ties); n when empty. */
size_t rrd__segtree_argmin(const rrd_segtree *t);
int64_t rrd__segtree_key(const rrd_segtree *t, size_t i);
void rrd__segtree_free(rrd_segtree *t);

/* A Fenwick tree of weights: prefix sums and weighted lookup in O(log n). */
typedef struct rrd_fenwick {
	size_t n;
	uint64_t *sum;    /* 1-based */
	uint64_t *weight; /* current weight of each leaf */
	uint64_t total;
} rrd_fenwick;

int rrd__fenwick_build(rrd_fenwick *f, const uint64_t *weights, size_t n);
void rrd__fenwick_set(rrd_fenwick *f, size_t i, uint64_t weight);
/* The leaf whose cumulative range holds x (x < total). */
size_t rrd__fenwick_find(const rrd_fenwick *f, uint64_t x);
void rrd__fenwick_free(rrd_fenwick *f);

#endif
