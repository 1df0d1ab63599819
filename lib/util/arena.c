#include "util/arena.h"

#include <stdalign.h>
#include <string.h>

#include "util/alloc.h"

struct rrd_arena_chunk {
	rrd_arena_chunk *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

#define FIRST_CHUNK 4096
#define LARGEST_CHUNK (1024 * 1024)

static void *carve(rrd_arena *a, size_t n, size_t align)
{
	rrd_arena_chunk *c = a->chunks;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || at > c->cap || c->cap - at < n) {
		/* Each chunk twice the last, up to a cap: a big arena takes few
		 * allocations, a small one stays small. */
		size_t cap = c ? (c->cap < LARGEST_CHUNK ? 2 * c->cap : c->cap) : FIRST_CHUNK;
		if (cap < n)
			cap = n;
		rrd_arena_chunk *fresh = rrd__malloc(sizeof *fresh + cap);
		if (!fresh)
			return NULL;
		fresh->next = c;
		fresh->used = 0;
		fresh->cap = cap;
		a->chunks = c = fresh;
		at = 0;
	}
	c->used = at + n;
	return c->data + at;
}

void *rrd__arena_alloc(rrd_arena *a, size_t n)
{
	return carve(a, n, alignof(max_align_t));
}

char *rrd__arena_text(rrd_arena *a, size_t n)
{
	return carve(a, n, 1);
}

char *rrd__arena_strdup(rrd_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = rrd__arena_text(a, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void rrd__arena_reset(rrd_arena *a)
{
	rrd_arena_chunk *keep = a->chunks;
	if (!keep)
		return;
	rrd_arena_chunk *c = keep->next;
	while (c) {
		rrd_arena_chunk *next = c->next;
		rrd__free(c);
		c = next;
	}
	keep->next = NULL;
	keep->used = 0;
}

void rrd__arena_free(rrd_arena *a)
{
	rrd__arena_reset(a);
	rrd__free(a->chunks);
	a->chunks = NULL;
}
