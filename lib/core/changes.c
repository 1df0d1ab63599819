/*
 * The list of agents whose counters changed. A cache that mirrors
 * counters (a least-busy tree, weighted scores) keeps its position in the
 * list and, when next used, looks at the agents added since: O(changes)
 * rather than a rebuild. The list is kept short: past a bound it starts
 * again, and a cache left behind looks at every member once.
 */
#include "core/core.h"
#include "util/alloc.h"

/* Longer than this, and starting again costs less than keeping on. */
static size_t bound(const rrd_distributor *d)
{
	return 1024 + 2 * d->nagents;
}

void rrd__changes_reset(rrd_distributor *d)
{
	d->changes.start += d->changes.count;
	d->changes.count = 0;
}

void rrd__agent_changed(rrd_distributor *d, const rrd_agent_rt *a)
{
	rrd_changes *c = &d->changes;
	/* An assignment changes an agent's counters twice in a row: once
	 * listed will do, unless a cache has read that entry since. */
	if (c->count && c->agents[c->count - 1] == a->idx && c->start + c->count > c->read_to)
		return;
	if (c->count >= bound(d))
		rrd__changes_reset(d);
	if (rrd__grow((void **)&c->agents, &c->cap, c->count + 1, sizeof *c->agents)) {
		/* Out of memory: a position nobody can have seen, so every
		 * cache is behind and looks at everyone. */
		c->start += c->count + 1;
		c->count = 0;
		return;
	}
	c->agents[c->count++] = a->idx;
}
