/* A distributor's observable state as text, so that "nothing changed" can
 * be checked by comparing two strings and a difference can be printed. */
#ifndef RRD_TEST_SNAPSHOT_H
#define RRD_TEST_SNAPSHOT_H

#include "../support/fixture.h"

/* The ids to look at. There is no way to list pools, records or
 * calendars, so the test names them, including ids that must not exist.
 * Each list is NULL-terminated; a NULL list is empty. */
typedef struct snap_ids {
	const char *const *pools;
	const char *const *records;
	const char *const *calendars;
	const char *const *strategies; /* custom strategy names */
} snap_ids;

/*
 * Every agent (in order, with its live counters), then each named pool
 * (definition, members in join order, whom explain would pick next and
 * whom it would pass over), record, calendar and strategy, then the
 * rules, the queue, the next timer and every event the fixture has
 * received. Only calls that change nothing are
 * used. Free the result with free().
 */
char *snap_take(fixture *f, const snap_ids *ids);

/* 1 when equal; otherwise 0, with the first line that differs, before
 * and after, described in buf. */
int snap_compare(const char *before, const char *after, char *buf, size_t cap);

/* 1 when equal; otherwise prints `ctx`, the first line that differs and
 * both snapshots, and returns 0. */
int snap_same(const char *ctx, const char *before, const char *after);

#endif
