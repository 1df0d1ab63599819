/* A redistribution's preview, as handed to the host. */
#include "bulk/bulk.h"
#include "util/alloc.h"
#include "util/error.h"

RRD_API int64_t rrd_plan_total(const rrd_plan *p)
{
	return p ? p->total : 0;
}

RRD_API int64_t rrd_plan_held(const rrd_plan *p)
{
	return p ? p->held : 0;
}

RRD_API size_t rrd_plan_target_count(const rrd_plan *p)
{
	return p ? p->n : 0;
}

RRD_API rrd_status rrd_plan_target(const rrd_plan *p, size_t i, const char **agent_id,
				   int64_t *count)
{
	if (!p || i >= p->n)
		return rrd__fail(RRD_E_INVALID, "no target %zu in the plan", i);
	if (agent_id)
		*agent_id = p->agents[i];
	if (count)
		*count = p->counts[i];
	return RRD_OK;
}

RRD_API void rrd_plan_free(rrd_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		rrd__free(p->agents[i]);
	rrd__free(p->agents);
	rrd__free(p->counts);
	rrd__free(p);
}
