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
/* For a block of n bytes just allocated and about to be filled all over (a
 * big hash table, a store's chunk): ask the kernel to back its 2 MiB-aligned
 * middle with huge pages. Filling it then takes a page fault per 2 MiB
 * instead of per 4 KiB, and reading it at random misses the TLB far less;
 * under virtualisation both are dear. Blocks under 4 MiB, and every block
 * of a host's allocator (rrd_set_allocator), are left alone. */
void rrd__alloc_large(void *p, size_t n);
char *rrd__strdup(const char *s);
char *rrd__strndup(const char *s, size_t n);

#endif
