/*
 * Blocks for the in-memory store's entries, carved from large chunks in
 * sizes that are multiples of 16 bytes up to RRD_SLAB_MAX. A busy store
 * makes an entry for every record it is given, and fresh memory is what an
 * entry costs most: carved blocks carry no allocator header, most take a
 * pointer bump or a pop from a free list, and the store lets go of them
 * all by freeing a few chunks. A freed block waits on its size's list for
 * the next block of that size. Larger blocks come from rrd__malloc.
 *
 * Blocks given back one after another that lie end to end (the old
 * blocks of records written together, which a commit lets go of) join
 * into one free span, which blocks of any size are carved from before a
 * chunk is taken: records that all grow by a few bytes, as a job's do,
 * then take the room their old blocks left rather than fresh memory.
 *
 * Not thread-safe: the store's lock covers it.
 */
#ifndef RRD_STORE_SLAB_H
#define RRD_STORE_SLAB_H

#include <stddef.h>

#define RRD_SLAB_MAX 512
#define RRD_SLAB_CLASSES (RRD_SLAB_MAX / 16)

/* A run of this many blocks given back end to end, or fewer, goes to
 * the size lists as the blocks it is; a longer one, which is larger than
 * any block, becomes a span. */
#define RRD_SLAB_RUN RRD_SLAB_CLASSES

typedef struct rrd_slab_span {
	unsigned char *start, *end;
} rrd_slab_span;

typedef struct rrd_slab {
	void *chunks;                 /* each begins with the address of the one before */
	unsigned char *bump, *end;    /* room left to carve from: a chunk's, or a span's */
	size_t chunk_size;            /* of the next chunk: doubles up to a cap */
	void *free[RRD_SLAB_CLASSES]; /* freed blocks by size, linked through their first word */
	/* The blocks given back last, end to end, lowest first: the first
	 * RRD_SLAB_RUN of them (where each begins), then only its end. */
	unsigned char *run[RRD_SLAB_RUN], *run_end;
	size_t run_len;
	rrd_slab_span *spans;         /* runs of more than RRD_SLAB_RUN blocks, to carve from */
	size_t nspans, spans_cap;
} rrd_slab;

/* A block of n bytes (n > 0), 16-byte aligned; NULL when out of memory. */
void *rrd__slab_alloc(rrd_slab *s, size_t n);
/* Give back a block of n bytes, the n it was asked with. */
void rrd__slab_free(rrd_slab *s, void *p, size_t n);
/* Free every chunk, and so every block of RRD_SLAB_MAX bytes or less;
 * larger blocks are the caller's to free. */
void rrd__slab_clear(rrd_slab *s);

#endif
