/*
 * A kinetic tournament: the highest of n lines (value = slope * t +
 * intercept) at a time t that only moves forward, with ties to the lowest
 * index. Each node keeps the winner of its subtree and the first time at
 * which a winner below it could change, so moving time on recomputes only
 * the nodes whose winner really changes, and changing one line recomputes
 * one path. It is what lets smooth weighted round robin, where every
 * member's score grows at its own rate, pick without visiting everyone.
 */
#ifndef RRD_STRATEGY_KINETIC_H
#define RRD_STRATEGY_KINETIC_H

#include <stddef.h>
#include <stdint.h>

typedef struct rrd_kinetic {
	size_t n, size;      /* lines used; leaves allocated (a power of two) */
	int64_t now;         /* the time every winner holds for */
	int64_t *slope;      /* per line */
	int64_t *icpt;       /* per line */
	uint32_t *win;       /* 2*size nodes: winning line, or RRD_KINETIC_NONE */
	int64_t *melt;       /* 2*size nodes: first time a winner below may change */
} rrd_kinetic;

#define RRD_KINETIC_NONE UINT32_MAX

/* Build over n lines at time `now`. 0, or -1 when out of memory (k is
 * left as it was). Slopes must be positive and every value the lines take
 * must fit comfortably in 62 bits. */
int rrd__kinetic_build(rrd_kinetic *k, const int64_t *slope, const int64_t *icpt, size_t n,
		       int64_t now);
/* Move time on to `now` (never backwards). */
void rrd__kinetic_advance(rrd_kinetic *k, int64_t now);
/* Change line i's intercept; winners stay right for the current time. */
void rrd__kinetic_set(rrd_kinetic *k, size_t i, int64_t icpt);
/* Leave line i out of the contest (off = 1) or put it back (off = 0). */
void rrd__kinetic_leave_out(rrd_kinetic *k, size_t i, int off);
/* The winning line at the current time; n when every line is left out. */
size_t rrd__kinetic_top(const rrd_kinetic *k);
/* Line i's value at time t. */
int64_t rrd__kinetic_value(const rrd_kinetic *k, size_t i, int64_t t);
void rrd__kinetic_free(rrd_kinetic *k);

#endif
