/* Finding configuration objects by id, and strategies by name. */
#include <assert.h>
#include <string.h>

#include "core/core.h"
#include "model/names.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

rrd_agent_rt *rrd__agent_find_slow(rrd_distributor *d, const char *id)
{
	assert(d->in_txn);
	uint32_t i;
	if (!id || !rrd__hashmap_get(&d->agent_map, id, &i))
		return NULL;
	d->agent_hint[1] = d->agent_hint[0];
	d->agent_hint[0] = i;
	return d->agents[i];
}

rrd_pool_rt *rrd__pool_find_slow(rrd_distributor *d, const char *id)
{
	assert(d->in_txn);
	uint32_t i;
	if (!id || !rrd__hashmap_get(&d->pool_map, id, &i))
		return NULL;
	d->pool_hint = i;
	return d->pools[i];
}

rrd_cal_rt *rrd__cal_find(rrd_distributor *d, const char *id)
{
	assert(d->in_txn);
	uint32_t i;
	return id && rrd__hashmap_get(&d->cal_map, id, &i) ? d->cals[i] : NULL;
}

const char *rrd__strategy_label(rrd_distributor *d, rrd_strategy s)
{
	const char *n = rrd_strategy_name(s);
	if (n)
		return n;
	if (s >= RRD_STRATEGY_CUSTOM && (size_t)(s - RRD_STRATEGY_CUSTOM) < d->ncustoms)
		return d->customs[s - RRD_STRATEGY_CUSTOM].name;
	return NULL;
}

long rrd__strategy_slot(rrd_distributor *d, rrd_strategy s)
{
	if (rrd_strategy_name(s))
		return s;
	if (s >= RRD_STRATEGY_CUSTOM && (size_t)(s - RRD_STRATEGY_CUSTOM) < d->ncustoms)
		return RRD_BUILTIN_STRATEGIES + (s - RRD_STRATEGY_CUSTOM);
	return -1;
}

long rrd__custom_index(rrd_distributor *d, const char *name)
{
	for (size_t i = 0; i < d->ncustoms; i++)
		if (strcmp(d->customs[i].name, name) == 0)
			return (long)i;
	return -1;
}

rrd_status rrd__custom_intern(rrd_distributor *d, const char *name, rrd_id_rule rule,
			      rrd_strategy *out)
{
	long i = rrd__custom_index(d, name);
	if (i < 0) {
		rrd_status rc = rrd__id_check_as(name, "strategy name", rule);
		if (rc)
			return rc;
		char *copy = rrd__strdup(name);
		if (!copy || rrd__grow((void **)&d->customs, &d->customs_cap, d->ncustoms + 1,
				       sizeof *d->customs)) {
			rrd__free(copy);
			return rrd__nomem();
		}
		memset(&d->customs[d->ncustoms], 0, sizeof *d->customs);
		d->customs[d->ncustoms].name = copy;
		i = (long)d->ncustoms++;
	}
	*out = RRD_STRATEGY_CUSTOM + (rrd_strategy)i;
	return RRD_OK;
}

void rrd__custom_forget_since(rrd_distributor *d, size_t count)
{
	/* Only names nothing registered or stored refers to are dropped. */
	while (d->ncustoms > count && !d->customs[d->ncustoms - 1].registered)
		rrd__free(d->customs[--d->ncustoms].name);
}
