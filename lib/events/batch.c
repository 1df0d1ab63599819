#include <string.h>

#include "events/event.h"
#include "util/alloc.h"
#include "util/error.h"

struct rrd_arena_chunk {
	rrd_arena_chunk *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

static void *arena_alloc(rrd_evbatch *b, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	rrd_arena_chunk *c = b->chunks;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 4096 ? n : 4096;
		c = rrd__malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->next = b->chunks;
		c->used = 0;
		c->cap = cap;
		b->chunks = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static int copy_str(rrd_evbatch *b, const char **s)
{
	if (!*s)
		return 0;
	size_t n = strlen(*s) + 1;
	char *p = arena_alloc(b, n);
	if (!p)
		return -1;
	memcpy(p, *s, n);
	*s = p;
	return 0;
}

rrd_status rrd__evbatch_add(rrd_evbatch *b, const rrd_event *ev)
{
	if (rrd__grow((void **)&b->events, &b->cap, b->count + 1, sizeof(rrd_event)))
		return rrd__nomem();
	/* Strings copied into the arena stay there if a later copy fails;
	 * they are freed with the batch, and the event is not added. */
	rrd_event e = *ev;
	if (copy_str(b, &e.record) || copy_str(b, &e.agent) || copy_str(b, &e.previous) ||
	    copy_str(b, &e.pool) || copy_str(b, &e.rule) || copy_str(b, &e.strategy) ||
	    copy_str(b, &e.replaced_by) || copy_str(b, &e.follow_up) || copy_str(b, &e.job))
		return rrd__nomem();
	if (e.nskipped) {
		rrd_skipped *sk = arena_alloc(b, e.nskipped * sizeof *sk);
		if (!sk)
			return rrd__nomem();
		for (size_t i = 0; i < e.nskipped; i++) {
			sk[i] = ev->skipped[i];
			if (copy_str(b, &sk[i].agent))
				return rrd__nomem();
		}
		e.skipped = sk;
	}
	b->events[b->count++] = e;
	return RRD_OK;
}

void rrd__evbatch_reset(rrd_evbatch *b)
{
	rrd_arena_chunk *keep = b->chunks;
	if (keep) {
		rrd_arena_chunk *c = keep->next;
		while (c) {
			rrd_arena_chunk *next = c->next;
			rrd__free(c);
			c = next;
		}
		keep->next = NULL;
		keep->used = 0;
	}
	b->count = 0;
	b->next = NULL;
}

void rrd__evbatch_free(rrd_evbatch *b)
{
	if (!b)
		return;
	rrd_arena_chunk *c = b->chunks;
	while (c) {
		rrd_arena_chunk *next = c->next;
		rrd__free(c);
		c = next;
	}
	rrd__free(b->events);
	rrd__free(b);
}
