/*
 * The lists of members whose counters changed, one per pool. A cache that
 * mirrors counters (a least-busy tree, weighted scores) keeps its place in
 * its pool's list and, when next used, looks at the members listed since:
 * O(changes in the pool) rather than a rebuild, and nothing for changes
 * in other pools. A list is kept short: past a bound it starts again, and
 * a cache left behind looks at every member once.
 */
#include "core/core.h"
#include "util/alloc.h"

/* Longer than this, and starting again costs less than keeping on. */
static size_t bound(const rrd_pool_rt *p)
{
	return 64 + 2 * p->nmembers;
}

static void note(rrd_pool_rt *p, uint32_t pos)
{
	rrd_changes *c = &p->changed;
	/* An assignment changes an agent's counters twice in a row: once
	 * listed will do, unless a cache has read that entry since. */
	if (c->count && c->pos[c->count - 1] == pos && c->start + c->count > c->read_to)
		return;
	if (c->count >= bound(p)) {
		c->start += c->count;
		c->count = 0;
	}
	if (rrd__grow((void **)&c->pos, &c->cap, c->count + 1, sizeof *c->pos)) {
		/* Out of memory: an entry nobody can have read, so every
		 * cache is behind and looks at every member. */
		c->start += c->count + 1;
		c->count = 0;
		return;
	}
	c->pos[c->count++] = pos;
}

void rrd__agent_changed(rrd_distributor *d, const rrd_agent_rt *a)
{
	if (!rrd__config_fresh(d, d->memberships_gen))
		return;
	for (size_t i = 0; i < a->nmemberships; i++)
		note(d->pools[a->memberships[i].pool], a->memberships[i].pos);
}
