#include "geo/kdtree.h"

#include <math.h>

#include "util/alloc.h"

/*
 * Layout: one flat array, the tree implicit in it. A range [lo, hi) longer
 * than LEAF_SIZE is split at m = lo + (hi - lo) / 2: the entry at m is the
 * inner node, with every entry in [lo, m) at or below it on its split axis
 * and every entry in (m, hi) at or above. Shorter ranges are leaves, scanned
 * linearly; that is cheaper than descending further and keeps the recursion
 * shallow. Being a median split, the depth is about log2(n / LEAF_SIZE).
 */
#define LEAF_SIZE 8

struct kd_node {
	rrd_geo_point p;
	uint32_t id;
	uint32_t axis; /* split axis (0 x, 1 y, 2 z); meaningful on inner nodes only */
};

struct rrd_kdtree {
	size_t n;
	struct kd_node nodes[];
};

/* Fields by name: indexing &p->x as an array would run past the x member. */
static inline double coord(const rrd_geo_point *p, unsigned axis)
{
	return axis == 0 ? p->x : axis == 1 ? p->y : p->z;
}

static inline void swap_nodes(struct kd_node *v, size_t i, size_t j)
{
	struct kd_node t = v[i];
	v[i] = v[j];
	v[j] = t;
}

static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/*
 * Reorder v[lo, hi) so that v[k] holds the value it would have if sorted on
 * `axis`, with nothing greater before it and nothing smaller after.
 * Random pivots keep sorted input (agents entered by region) linear in
 * expectation, and the three-way partition keeps runs of equal coordinates
 * (many agents at one office) from going quadratic.
 */
static void select_kth(struct kd_node *v, size_t lo, size_t hi, size_t k,
		       unsigned axis, uint64_t *rng)
{
	while (hi - lo > 1) {
		size_t pick = lo + (size_t)(next_random(rng) % (hi - lo));
		double pivot = coord(&v[pick].p, axis);
		size_t lt = lo, i = lo, gt = hi;
		while (i < gt) {
			double c = coord(&v[i].p, axis);
			if (c < pivot)
				swap_nodes(v, lt++, i++);
			else if (c > pivot)
				swap_nodes(v, i, --gt);
			else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return;
	}
}

static unsigned widest_axis(const struct kd_node *v, size_t lo, size_t hi)
{
	double min[3], max[3];
	for (unsigned a = 0; a < 3; a++)
		min[a] = max[a] = coord(&v[lo].p, a);
	for (size_t i = lo + 1; i < hi; i++) {
		for (unsigned a = 0; a < 3; a++) {
			double c = coord(&v[i].p, a);
			if (c < min[a])
				min[a] = c;
			if (c > max[a])
				max[a] = c;
		}
	}
	unsigned best = 0;
	for (unsigned a = 1; a < 3; a++)
		if (max[a] - min[a] > max[best] - min[best])
			best = a;
	return best;
}

static void build_range(struct kd_node *v, size_t lo, size_t hi, uint64_t *rng)
{
	/* Recurse on the left half only; the right half loops, so the stack
	 * holds at most one frame per level. */
	while (hi - lo > LEAF_SIZE) {
		unsigned axis = widest_axis(v, lo, hi);
		size_t m = lo + (hi - lo) / 2;
		select_kth(v, lo, hi, m, axis, rng);
		v[m].axis = axis;
		build_range(v, lo, m, rng);
		lo = m + 1;
	}
}

int rrd__kdtree_build(rrd_kdtree **out, const rrd_geo_point *pts,
		      const uint32_t *ids, size_t n)
{
	if (n > (SIZE_MAX - sizeof(rrd_kdtree)) / sizeof(struct kd_node))
		return -1;
	rrd_kdtree *t = rrd__malloc(sizeof(rrd_kdtree) + n * sizeof(struct kd_node));
	if (!t)
		return -1;
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		t->nodes[i].p = pts[i];
		t->nodes[i].id = ids[i];
		t->nodes[i].axis = 0;
	}
	/* A fixed seed: the same input always gives the same tree. */
	uint64_t rng = 0x9e3779b97f4a7c15u;
	build_range(t->nodes, 0, n, &rng);
	*out = t;
	return 0;
}

void rrd__kdtree_free(rrd_kdtree *t)
{
	rrd__free(t);
}

size_t rrd__kdtree_size(const rrd_kdtree *t)
{
	return t->n;
}

struct search {
	const struct kd_node *nodes;
	rrd_geo_point q;
	int (*accept)(void *ctx, uint32_t id);
	void *ctx;
	double best;
	uint32_t best_id;
	int found;
};

static inline void consider(struct search *s, const struct kd_node *nd)
{
	double d = rrd__geo_chord2(&s->q, &nd->p);
	/* Distance first: accept() is the host's and may cost more than a chord. */
	if (d > s->best || (d == s->best && s->found && nd->id >= s->best_id))
		return;
	if (s->accept && !s->accept(s->ctx, nd->id))
		return;
	s->best = d;
	s->best_id = nd->id;
	s->found = 1;
}

/*
 * off[a] is how far q lies outside the current cell along axis a (0 when
 * inside), so the sum of the off[a]^2 is a lower bound on the squared chord
 * to any point in the cell.
 *
 * The bound must hold in floating point, not only in exact arithmetic, or a
 * tie could be pruned. It does: for a point p beyond a split plane s,
 * |q - p| >= |q - s| exactly, rounding is monotone, and the bound is summed
 * in the same order as rrd__geo_chord2, so the computed bound never exceeds
 * the computed chord2. A subtree is skipped only when its bound is strictly
 * greater than the best so far, so an equally near point with a smaller id
 * is still reached.
 */
static void search_range(struct search *s, size_t lo, size_t hi, const double *off_in)
{
	double off[3] = { off_in[0], off_in[1], off_in[2] };
	for (;;) {
		if (hi - lo <= LEAF_SIZE) {
			for (size_t i = lo; i < hi; i++)
				consider(s, &s->nodes[i]);
			return;
		}
		size_t m = lo + (hi - lo) / 2;
		const struct kd_node *nd = &s->nodes[m];
		unsigned axis = nd->axis;
		double diff = coord(&s->q, axis) - coord(&nd->p, axis);
		size_t near_lo, near_hi, far_lo, far_hi;
		if (diff < 0) {
			near_lo = lo, near_hi = m;
			far_lo = m + 1, far_hi = hi;
		} else {
			near_lo = m + 1, near_hi = hi;
			far_lo = lo, far_hi = m;
		}
		search_range(s, near_lo, near_hi, off);
		consider(s, nd);
		off[axis] = diff;
		double bound = off[0] * off[0] + off[1] * off[1] + off[2] * off[2];
		if (bound > s->best)
			return;
		lo = far_lo;
		hi = far_hi;
	}
}

int rrd__kdtree_nearest(const rrd_kdtree *t, const rrd_geo_point *q,
			int (*accept)(void *ctx, uint32_t id), void *ctx,
			uint32_t *id_out, double *chord2_out)
{
	struct search s = {
		.nodes = t->nodes,
		.q = *q,
		.accept = accept,
		.ctx = ctx,
		.best = INFINITY,
		.best_id = 0,
		.found = 0,
	};
	static const double inside[3] = { 0.0, 0.0, 0.0 };
	search_range(&s, 0, t->n, inside);
	if (!s.found)
		return 0;
	*id_out = s.best_id;
	*chord2_out = s.best;
	return 1;
}
