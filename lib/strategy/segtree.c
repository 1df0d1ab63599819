#include "strategy/segtree.h"

#include <string.h>

#include "util/alloc.h"

static uint32_t better(const rrd_segtree *t, uint32_t a, uint32_t b)
{
	return t->key[b] < t->key[a] ? b : a; /* a is to the left of b */
}

int rrd__segtree_build(rrd_segtree *t, const int64_t *keys, size_t n)
{
	size_t size = 1;
	while (size < n)
		size *= 2;
	int64_t *key = rrd__malloc(size * sizeof *key);
	uint32_t *best = rrd__malloc(2 * size * sizeof *best);
	if (!key || !best) {
		/* The old tree stays as it was; the caller rebuilds later. */
		rrd__free(key);
		rrd__free(best);
		return -1;
	}
	rrd__segtree_free(t);
	t->n = n;
	t->size = size;
	t->key = key;
	t->best = best;
	for (size_t i = 0; i < size; i++) {
		key[i] = i < n ? keys[i] : INT64_MAX;
		best[size + i] = (uint32_t)i;
	}
	for (size_t i = size - 1; i >= 1; i--)
		best[i] = better(t, best[2 * i], best[2 * i + 1]);
	return 0;
}

void rrd__segtree_set(rrd_segtree *t, size_t i, int64_t key)
{
	t->key[i] = key;
	for (size_t p = (t->size + i) / 2; p >= 1; p /= 2)
		t->best[p] = better(t, t->best[2 * p], t->best[2 * p + 1]);
}

size_t rrd__segtree_argmin(const rrd_segtree *t)
{
	if (!t->n)
		return 0;
	uint32_t b = t->size > 1 ? t->best[1] : 0;
	return t->key[b] == INT64_MAX ? t->n : b;
}

int64_t rrd__segtree_key(const rrd_segtree *t, size_t i)
{
	return t->key[i];
}

void rrd__segtree_free(rrd_segtree *t)
{
	rrd__free(t->key);
	rrd__free(t->best);
	memset(t, 0, sizeof *t);
}

int rrd__fenwick_build(rrd_fenwick *f, const uint64_t *weights, size_t n)
{
	uint64_t *sum = rrd__calloc(n + 1, sizeof *sum);
	uint64_t *w = rrd__malloc((n ? n : 1) * sizeof *w);
	if (!sum || !w) {
		rrd__free(sum);
		rrd__free(w);
		return -1;
	}
	rrd__fenwick_free(f);
	f->n = n;
	f->sum = sum;
	f->weight = w;
	f->total = 0;
	for (size_t i = 0; i < n; i++) {
		w[i] = weights[i];
		f->total += weights[i];
		sum[i + 1] += weights[i];
		size_t parent = (i + 1) + ((i + 1) & (~(i + 1) + 1));
		if (parent <= n)
			sum[parent] += sum[i + 1];
	}
	return 0;
}

void rrd__fenwick_set(rrd_fenwick *f, size_t i, uint64_t weight)
{
	uint64_t old = f->weight[i];
	f->weight[i] = weight;
	f->total = f->total - old + weight;
	for (size_t k = i + 1; k <= f->n; k += k & (~k + 1))
		f->sum[k] = f->sum[k] - old + weight;
}

size_t rrd__fenwick_find(const rrd_fenwick *f, uint64_t x)
{
	size_t pos = 0, step = 1;
	while (step * 2 <= f->n)
		step *= 2;
	for (; step; step /= 2) {
		if (pos + step <= f->n && f->sum[pos + step] <= x) {
			pos += step;
			x -= f->sum[pos];
		}
	}
	return pos; /* 0-based index of the leaf */
}

void rrd__fenwick_free(rrd_fenwick *f)
{
	rrd__free(f->sum);
	rrd__free(f->weight);
	memset(f, 0, sizeof *f);
}
