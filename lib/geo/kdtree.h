/*
 * A static 3-D k-d tree over unit vectors, for "nearest eligible agent"
 * queries. Euclidean distance between unit vectors (the chord) is monotone
 * in great-circle distance, so the ordinary k-d tree search is exact on the
 * sphere; distances are compared with rrd__geo_chord2 only.
 *
 * The tree is immutable once built, so concurrent searches are safe.
 */
#ifndef RRD_GEO_KDTREE_H
#define RRD_GEO_KDTREE_H

#include <stddef.h>
#include <stdint.h>

#include "geo/sphere.h"

typedef struct rrd_kdtree rrd_kdtree;

/*
 * Build a tree over n points (finite unit vectors, as from rrd__geo_point).
 * ids[i] is point i's payload: a dense index chosen by the caller, such as a
 * member's join position. Both arrays are copied. n may be 0, and then
 * both may be NULL.
 * Returns 0, or -1 when an allocation fails: nothing is leaked, *out is left
 * alone and no error is recorded (the caller reports RRD_E_NOMEM).
 */
int rrd__kdtree_build(rrd_kdtree **out, const rrd_geo_point *pts,
		      const uint32_t *ids, size_t n);

/* NULL is ignored. */
void rrd__kdtree_free(rrd_kdtree *t);

size_t rrd__kdtree_size(const rrd_kdtree *t);

/*
 * The point nearest to q among those whose id accept(ctx, id) returns
 * nonzero for; accept NULL accepts all. accept must answer the same for the
 * same id throughout one call; it is only asked about points that would beat
 * the best found so far, so it may be called far fewer than n times.
 *
 * Ties (equal rrd__geo_chord2) go to the smallest id, so the answer does not
 * depend on the tree's shape or the order points were given in.
 * Returns 1 and fills *id_out and *chord2_out, or 0 (outputs untouched) when
 * no point is accepted. Never allocates; stack use grows with the tree's
 * depth, which is O(log n).
 */
int rrd__kdtree_nearest(const rrd_kdtree *t, const rrd_geo_point *q,
			int (*accept)(void *ctx, uint32_t id), void *ctx,
			uint32_t *id_out, double *chord2_out);

#endif
