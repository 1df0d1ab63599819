/* How many agents and rules there are. A count is not a status, so a
 * store that fails is reported through the last error (the header says
 * how to tell), with the count known after the failure. */
#include "core/core.h"

typedef struct count_args {
	size_t (*of)(const rrd_distributor *d);
	size_t n;
} count_args;

static rrd_status count_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	count_args *a = ctx;
	(void)now;
	a->n = a->of(d);
	return RRD_OK;
}

static size_t count(rrd_distributor *d, size_t (*of)(const rrd_distributor *d))
{
	if (!d)
		return 0;
	count_args a = { of, 0 };
	if (rrd__read(d, count_body, &a)) {
		rrd__lock(d);
		a.n = of(d);
		rrd__unlock(d);
	}
	return a.n;
}

static size_t agents_of(const rrd_distributor *d)
{
	return d->nagents;
}

static size_t rules_of(const rrd_distributor *d)
{
	return d->nrules;
}

RRD_API size_t rrd_distributor_agent_count(rrd_distributor *d)
{
	return count(d, agents_of);
}

RRD_API size_t rrd_distributor_rule_count(rrd_distributor *d)
{
	return count(d, rules_of);
}
