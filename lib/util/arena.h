/*
 * A bump allocator for many small blocks that go away together: the
 * strings of a batch of events, the fields of a scenario's events, the
 * records of a job's batch. Blocks are carved from chunks that grow from
 * 4 KiB to 1 MiB, so a large arena costs few allocations, and one that
 * is reset and filled again (by a batch of a thousand records) fits in
 * the chunk it keeps; nothing is freed alone.
 */
#ifndef RRD_UTIL_ARENA_H
#define RRD_UTIL_ARENA_H

#include <stddef.h>

typedef struct rrd_arena_chunk rrd_arena_chunk;

typedef struct rrd_arena {
	rrd_arena_chunk *chunks; /* newest first */
} rrd_arena;

/* n bytes aligned for any type, or NULL when out of memory. */
void *rrd__arena_alloc(rrd_arena *a, size_t n);
/* n bytes with no alignment, for text, which packs tighter; NULL when out
 * of memory. */
char *rrd__arena_text(rrd_arena *a, size_t n);
/* A copy of s in the arena; NULL when out of memory. */
char *rrd__arena_strdup(rrd_arena *a, const char *s);
/* Forget every block, keeping the newest chunk for what comes next. */
void rrd__arena_reset(rrd_arena *a);
void rrd__arena_free(rrd_arena *a);

#endif
