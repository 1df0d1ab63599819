/* Which pools each agent is a member of, and where: built from the
 * configuration when first needed in a configuration generation. */
#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

/* Eligible for any record, whatever its counters: round robin need not
 * look at the agent. */
static int plain(const rrd_agent_rt *a)
{
	const rrd_agent *c = a->cfg;
	return c->active && !c->paused && c->cap_open == RRD_UNLIMITED &&
	       c->cap_per_day == RRD_UNLIMITED && a->cal < 0;
}

rrd_status rrd__memberships_build(rrd_distributor *d)
{
	for (size_t i = 0; i < d->nagents; i++)
		d->agents[i]->nmemberships = 0;
	for (size_t p = 0; p < d->npools; p++) {
		rrd_pool_rt *pool = d->pools[p];
		for (size_t k = 0; k < pool->nmembers; k++) {
			rrd_agent_rt *a = d->agents[pool->members[k].agent];
			if (rrd__grow((void **)&a->memberships, &a->memberships_cap,
				      a->nmemberships + 1, sizeof(rrd_membership)))
				return rrd__nomem();
			a->memberships[a->nmemberships++] = (rrd_membership){ (uint32_t)p, (uint32_t)k };
			pool->members[k].id_hash = a->id_hash;
			pool->members[k].plain = plain(a);
		}
	}
	d->memberships_gen = d->config_gen;
	return RRD_OK;
}

size_t rrd__member_from(const rrd_pool_rt *p, int64_t seq)
{
	size_t lo = 0, hi = p->nmembers;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->members[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

rrd_status rrd__member_position(rrd_distributor *d, const rrd_pool_rt *p, uint32_t agent,
				long *pos)
{
	rrd_status rc;
	*pos = -1;
	if ((rc = rrd__memberships(d)))
		return rc;
	const rrd_agent_rt *a = d->agents[agent];
	for (size_t i = 0; i < a->nmemberships; i++)
		if (a->memberships[i].pool == p->idx)
			*pos = (long)a->memberships[i].pos;
	return RRD_OK;
}
