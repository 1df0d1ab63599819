/*
 * Blocks for the in-memory store's entries, carved from large chunks in
 * sizes that are multiples of 16 bytes up to RRD_SLAB_MAX. A busy store
 * makes an entry for every record it is given, and fresh memory is what an
 * entry costs most: carved blocks carry no allocator header, most take a
 * pointer bump or a pop from a free list, and the store lets go of them
 * all by freeing a few chunks. A freed block waits on its size's list for
 * the next block of that size. Larger blocks come from rrd__malloc.
 *
 * Not thread-safe: the store's lock covers it.
 */
#ifndef RRD_STORE_SLAB_H
#define RRD_STORE_SLAB_H

#include <stddef.h>

#define RRD_SLAB_MAX 512
#define RRD_SLAB_CLASSES (RRD_SLAB_MAX / 16)

typedef struct rrd_slab {
	void *chunks;                 /* each begins with the address of the one before */
	unsigned char *bump, *end;    /* room left in the newest chunk */
	size_t chunk_size;            /* of the next chunk: doubles up to a cap */
	void *free[RRD_SLAB_CLASSES]; /* freed blocks by size, linked through their first word */
} rrd_slab;

/* A block of n bytes (n > 0), 16-byte aligned; NULL when out of memory. */
void *rrd__slab_alloc(rrd_slab *s, size_t n);
/* Give back a block of n bytes, the n it was asked with. */
void rrd__slab_free(rrd_slab *s, void *p, size_t n);
/* Free every chunk, and so every block of RRD_SLAB_MAX bytes or less;
 * larger blocks are the caller's to free. */
void rrd__slab_clear(rrd_slab *s);

#endif
