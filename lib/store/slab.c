#include "store/slab.h"

#include <stdint.h>

#include "util/alloc.h"

/* Under AddressSanitizer, room not handed out and blocks given back are
 * poisoned, so a stray access into them is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define RRD_SLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RRD_SLAB_ASAN 1
#endif
#endif
#ifdef RRD_SLAB_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define FIRST_CHUNK 4096
/* Large enough for huge pages (rrd__malloc_large) once a store is big. */
#define LARGEST_CHUNK (4 * 1024 * 1024)
/* A chunk's own header: the chunk before it and its size, padded so
 * that blocks start 16-byte aligned. */
typedef struct chunk_head {
	void *before;
	size_t size;
} chunk_head;
#define CHUNK_HEAD 16
_Static_assert(sizeof(chunk_head) <= CHUNK_HEAD, "a chunk's header fits before its blocks");

static size_t class_of(size_t n)
{
	return (n + 15) / 16 - 1;
}

static int new_chunk(rrd_slab *s, size_t need)
{
	size_t size = s->chunk_size ? s->chunk_size : FIRST_CHUNK;
	while (size - CHUNK_HEAD < need)
		size *= 2;
	unsigned char *c = rrd__malloc_large(size);
	if (!c)
		return -1;
	*(chunk_head *)(void *)c = (chunk_head){ s->chunks, size };
	s->chunks = c;
	s->bump = c + CHUNK_HEAD;
	s->end = c + size;
	POISON(s->bump, (size_t)(s->end - s->bump));
	s->chunk_size = size < LARGEST_CHUNK ? size * 2 : size;
	return 0;
}

void *rrd__slab_alloc(rrd_slab *s, size_t n)
{
	if (n > RRD_SLAB_MAX)
		return rrd__malloc(n);
	size_t k = class_of(n), size = (k + 1) * 16;
	void *p = s->free[k];
	if (p) {
		/* The link was left readable when the block was given back. */
		s->free[k] = *(void **)p;
		UNPOISON(p, size);
		return p;
	}
	if ((size_t)(s->end - s->bump) < size && new_chunk(s, size))
		return NULL;
	p = s->bump;
	s->bump += size;
	UNPOISON(p, size);
	return p;
}

void rrd__slab_free(rrd_slab *s, void *p, size_t n)
{
	if (!p)
		return;
	if (n > RRD_SLAB_MAX) {
		rrd__free(p);
		return;
	}
	size_t k = class_of(n), size = (k + 1) * 16;
	*(void **)p = s->free[k];
	s->free[k] = p;
	POISON((unsigned char *)p + sizeof(void *), size - sizeof(void *));
}

void rrd__slab_clear(rrd_slab *s)
{
	void *c = s->chunks;
	while (c) {
		chunk_head h = *(chunk_head *)c;
		/* Handed back to the allocator as it handed it out. */
		UNPOISON(c, h.size);
		rrd__free(c);
		c = h.before;
	}
	*s = (rrd_slab){ 0 };
}
