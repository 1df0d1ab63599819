/*
 * Every allocation in the library goes through these, so that a host's
 * allocator (rrd_set_allocator) sees all of it and tests can fail any one.
 */
#ifndef RRD_UTIL_ALLOC_H
#define RRD_UTIL_ALLOC_H

#include <stddef.h>

void *rrd__malloc(size_t size);
void *rrd__calloc(size_t count, size_t size);
void *rrd__realloc(void *ptr, size_t size);
/* Grow an array of `elem`-sized items to hold at least `need`; doubles.
 * Returns 0, or -1 (nothing changed) when the allocation fails. The check
 * is inline: most calls, on hot paths, find room already. */
int rrd__grow_slow(void **items, size_t *cap, size_t need, size_t elem);
static inline int rrd__grow(void **items, size_t *cap, size_t need, size_t elem)
{
	return need <= *cap ? 0 : rrd__grow_slow(items, cap, need, elem);
}
void rrd__free(void *ptr);
/* rrd__malloc and rrd__calloc for a block that will be filled all over (a
 * big hash table, a store's chunk): from 2 MiB up, the block is aligned on
 * a huge page and the kernel is asked to back all of it with huge pages.
 * Filling it then takes a page fault per 2 MiB instead of per 4 KiB, and
 * reading it at random misses the TLB far less; under virtualisation both
 * are dear. Smaller blocks, and every block when a host's allocator is
 * set (rrd_set_allocator), are allocated as usual. Freed by rrd__free. */
void *rrd__malloc_large(size_t n);
void *rrd__calloc_large(size_t count, size_t size);
char *rrd__strdup(const char *s);
char *rrd__strndup(const char *s, size_t n);

#endif
