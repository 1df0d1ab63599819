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

/* The free room [p, end) (whole 16-byte units, poisoned) to the list of
 * its size when it is one block's worth, else to the spans. Room the
 * spans cannot take (out of memory) waits for its chunk to go. */
static void give_back(rrd_slab *s, unsigned char *p, unsigned char *end)
{
	size_t size = (size_t)(end - p);
	if (!size)
		return;
	if (size <= RRD_SLAB_MAX) {
		size_t k = size / 16 - 1;
		UNPOISON(p, sizeof(void *));
		*(void **)(void *)p = s->free[k];
		s->free[k] = p;
		return;
	}
	if (!rrd__grow((void **)&s->spans, &s->spans_cap, s->nspans + 1, sizeof *s->spans))
		s->spans[s->nspans++] = (rrd_slab_span){ p, end };
}

/* The run of blocks given back last goes where it belongs: a short one
 * to the size lists, block by block, as each was given back; a long one
 * to the spans whole. */
static void close_run(rrd_slab *s)
{
	size_t n = s->run_len;
	if (n > RRD_SLAB_RUN) {
		give_back(s, s->run[0], s->run_end);
	} else {
		for (size_t i = 0; i < n; i++)
			give_back(s, s->run[i], i + 1 < n ? s->run[i + 1] : s->run_end);
	}
	s->run_len = 0;
}

/* Room for a block of `size` to carve from: the newest chunk's, or the
 * last span's, or a new chunk's. 0, or -1 when out of memory. */
static int find_room(rrd_slab *s, size_t size)
{
	while (s->nspans) {
		rrd_slab_span sp = s->spans[--s->nspans];
		if ((size_t)(sp.end - sp.start) < size) {
			give_back(s, sp.start, sp.end);
			continue;
		}
		/* What is left where blocks were carved until now stays free. */
		give_back(s, s->bump, s->end);
		s->bump = sp.start;
		s->end = sp.end;
		return 0;
	}
	give_back(s, s->bump, s->end);
	s->bump = s->end = NULL;
	return new_chunk(s, size);
}

void *rrd__slab_alloc(rrd_slab *s, size_t n)
{
	if (n > RRD_SLAB_MAX)
		return rrd__malloc(n);
	if (s->run_len)
		close_run(s);
	size_t k = class_of(n), size = (k + 1) * 16;
	void *p = s->free[k];
	if (p) {
		/* The link was left readable when the block was given back. */
		s->free[k] = *(void **)p;
		UNPOISON(p, size);
		return p;
	}
	if ((size_t)(s->end - s->bump) < size && find_room(s, size))
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
	size_t size = (class_of(n) + 1) * 16;
	unsigned char *b = p;
	POISON(b, size);
	if (s->run_len && b == s->run_end) {
		if (s->run_len < RRD_SLAB_RUN)
			s->run[s->run_len] = b;
		s->run_len++;
	} else {
		if (s->run_len)
			close_run(s);
		s->run[0] = b;
		s->run_len = 1;
	}
	s->run_end = b + size;
}

void rrd__slab_clear(rrd_slab *s)
{
	rrd__free(s->spans);
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
