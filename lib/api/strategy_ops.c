/* Custom strategies: registering a host's, and finding one by name. */
#include "core/core.h"
#include "model/names.h"
#include "util/error.h"
#include "util/id.h"

RRD_API rrd_status rrd_distributor_strategy_parse(rrd_distributor *d, const char *name,
						  rrd_strategy *out)
{
	if (!d || !name || !out)
		return rrd__fail(RRD_E_INVALID, "distributor, name and out must not be NULL");
	if ((*out = rrd__builtin_strategy(name)))
		return RRD_OK;
	rrd__lock(d);
	long i = rrd__custom_index(d, name);
	rrd__unlock(d);
	if (i < 0)
		return rrd__fail(RRD_E_INVALID, "unknown strategy \"%s\"", name);
	*out = RRD_STRATEGY_CUSTOM + (rrd_strategy)i;
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_register_strategy(rrd_distributor *d, const char *name,
						     const rrd_strategy_methods *m, void *user,
						     rrd_strategy *out)
{
	if (!d || !m || !out)
		return rrd__fail(RRD_E_INVALID, "distributor, methods and out must not be NULL");
	if (m->version < 1 || m->version > RRD_STRATEGY_METHODS_VERSION)
		return rrd__fail(RRD_E_VERSION, "strategy methods version %u is not one of 1..%u",
				 m->version, RRD_STRATEGY_METHODS_VERSION);
	if (!m->pick)
		return rrd__fail(RRD_E_INVALID, "a strategy needs a pick callback");
	rrd_status rc = rrd__id_check(name, "strategy name");
	if (rc)
		return rc;
	rrd_strategy s;
	if (rrd__builtin_strategy(name))
		return rrd__fail(RRD_E_EXISTS, "\"%s\" is a built-in strategy", name);
	rrd__lock(d);
	rc = rrd__custom_intern(d, name, RRD_ID_INPUT, &s);
	if (!rc && d->customs[s - RRD_STRATEGY_CUSTOM].registered)
		rc = rrd__fail(RRD_E_EXISTS, "strategy \"%s\" is registered already", name);
	if (!rc) {
		rrd_custom_strategy *c = &d->customs[s - RRD_STRATEGY_CUSTOM];
		c->m = *m;
		c->user = user;
		c->registered = 1;
		*out = s;
	}
	rrd__unlock(d);
	return rc;
}
