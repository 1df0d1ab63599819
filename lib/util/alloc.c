/* madvise's MADV_HUGEPAGE is outside POSIX. */
#define _DEFAULT_SOURCE
#include "util/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rrdist/common.h"
#include "util/error.h"

static void *std_malloc(size_t size, void *user)
{
	(void)user;
	return malloc(size);
}

static void *std_realloc(void *ptr, size_t size, void *user)
{
	(void)user;
	return realloc(ptr, size);
}

static void std_free(void *ptr, void *user)
{
	(void)user;
	free(ptr);
}

static rrd_allocator current = {
	RRD_ALLOCATOR_VERSION, std_malloc, std_realloc, std_free, NULL
};

RRD_API rrd_status rrd_set_allocator(const rrd_allocator *allocator)
{
	if (!allocator) {
		current.malloc = std_malloc;
		current.realloc = std_realloc;
		current.free = std_free;
		current.user = NULL;
		return RRD_OK;
	}
	if (allocator->version < 1 || allocator->version > RRD_ALLOCATOR_VERSION)
		return rrd__fail(RRD_E_VERSION, "allocator table version %u is not one of 1..%u",
				 allocator->version, RRD_ALLOCATOR_VERSION);
	if (!allocator->malloc || !allocator->realloc || !allocator->free)
		return rrd__fail(RRD_E_INVALID, "allocator hooks must not be NULL");
	current = *allocator;
	return RRD_OK;
}

void *rrd__malloc(size_t size)
{
	return current.malloc(size ? size : 1, current.user);
}

void *rrd__calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	size_t n = count * size;
	/* The C library's calloc knows when its memory is fresh from the
	 * kernel, already zero, and skips the clearing pass that would touch
	 * every page of a large table before it is used. */
	if (current.malloc == std_malloc)
		return calloc(1, n ? n : 1);
	void *p = rrd__malloc(n);
	if (p && n)
		memset(p, 0, n);
	return p;
}

void *rrd__realloc(void *ptr, size_t size)
{
	return current.realloc(ptr, size ? size : 1, current.user);
}

int rrd__grow_slow(void **items, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -1;
		ncap *= 2;
	}
	void *p = rrd__realloc(*items, ncap * elem);
	if (!p)
		return -1;
	*items = p;
	*cap = ncap;
	return 0;
}

void rrd__free(void *ptr)
{
	if (ptr)
		current.free(ptr, current.user);
}

RRD_API void rrd_free(void *ptr)
{
	rrd__free(ptr);
}

char *rrd__strndup(const char *s, size_t n)
{
	char *p = rrd__malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *rrd__strdup(const char *s)
{
	return rrd__strndup(s, strlen(s));
}

#define HUGE_PAGE ((size_t)2 << 20)

/* A block of the C library's, aligned on a huge page and advised huge
 * from end to end; NULL when the library's allocator is a host's or the
 * block is too small for a huge page (the caller then allocates as
 * usual) or on failure (the caller then tries as usual). */
static void *huge_block(size_t n)
{
#ifdef MADV_HUGEPAGE
	/* A host's allocator manages its own memory. */
	if (current.malloc != std_malloc || n < HUGE_PAGE || n > SIZE_MAX - HUGE_PAGE)
		return NULL;
	size_t whole = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	void *p = aligned_alloc(HUGE_PAGE, whole);
	/* Advice only: where the kernel has no huge pages, nothing changes. */
	if (p)
		(void)madvise(p, whole, MADV_HUGEPAGE);
	return p;
#else
	(void)n;
	return NULL;
#endif
}

void *rrd__malloc_large(size_t n)
{
	void *p = huge_block(n);
	return p ? p : rrd__malloc(n);
}

void *rrd__calloc_large(size_t count, size_t size)
{
	/* An overflowing size is left to rrd__calloc to refuse. */
	void *p = size && count > SIZE_MAX / size ? NULL : huge_block(count * size);
	if (!p)
		return rrd__calloc(count, size);
	/* Cleared by hand: the first touch of each 2 MiB faults it in whole. */
	memset(p, 0, count * size);
	return p;
}
