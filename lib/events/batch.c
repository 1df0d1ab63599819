#include <string.h>

#include "events/event.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"

static int copy_str(rrd_evbatch *b, const char **s)
{
	if (!*s)
		return 0;
	char *p = rrd__arena_strdup(&b->arena, *s);
	if (!p)
		return -1;
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
		rrd_skipped *sk = rrd__arena_alloc(&b->arena, e.nskipped * sizeof *sk);
		if (!sk)
			return rrd__nomem();
		for (size_t i = 0; i < e.nskipped; i++) {
			sk[i] = ev->skipped[i];
			if (copy_str(b, &sk[i].agent))
				return rrd__nomem();
		}
		e.skipped = sk;
	}
	if (copy_str(b, &e.id))
		return rrd__nomem();
	b->events[b->count++] = e;
	return RRD_OK;
}

rrd_status rrd__evbatch_push(rrd_evbatch *b, const rrd_event *ev)
{
	if (rrd__grow((void **)&b->events, &b->cap, b->count + 1, sizeof(rrd_event)))
		return rrd__nomem();
	b->events[b->count++] = *ev;
	return RRD_OK;
}

void rrd__evbatch_reset(rrd_evbatch *b)
{
	rrd__arena_reset(&b->arena);
	b->count = 0;
	b->next = NULL;
}

void rrd__evbatch_free(rrd_evbatch *b)
{
	if (!b)
		return;
	rrd__arena_free(&b->arena);
	rrd__free(b->events);
	rrd__free(b);
}
