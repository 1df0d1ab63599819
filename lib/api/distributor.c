/* Making and freeing a distributor, and its options. */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "util/error.h"

#define REDISTRIBUTE_MAX_DEFAULT 15000
#define MAX_RETRIES_DEFAULT 8

static const size_t options_size[] = {
	0, offsetof(rrd_distributor_options, max_retries), /* version 1 */
	sizeof(rrd_distributor_options)                     /* version 2 */
};

RRD_API rrd_status rrd_distributor_options_init(rrd_distributor_options *opts,
						unsigned int version)
{
	if (!opts)
		return rrd__fail(RRD_E_INVALID, "options must not be NULL");
	if (version < 1 || version > RRD_DISTRIBUTOR_OPTIONS_VERSION)
		return rrd__fail(RRD_E_VERSION, "distributor options version %u is not one of 1..%u",
				 version, RRD_DISTRIBUTOR_OPTIONS_VERSION);
	memset(opts, 0, options_size[version]);
	opts->version = version;
	return RRD_OK;
}

static rrd_time system_clock(void *user)
{
	(void)user;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (rrd_time)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

RRD_API rrd_status rrd_distributor_new(rrd_distributor **out, rrd_store *store,
				       const rrd_distributor_options *opts)
{
	if (!out || !store)
		return rrd__fail(RRD_E_INVALID, "out and store must not be NULL");
	*out = NULL;
	if (opts && (opts->version < 1 || opts->version > RRD_DISTRIBUTOR_OPTIONS_VERSION))
		return rrd__fail(RRD_E_VERSION, "distributor options version %u is not one of 1..%u",
				 opts->version, RRD_DISTRIBUTOR_OPTIONS_VERSION);
	if (opts && opts->redistribute_max < 0 && opts->redistribute_max != RRD_REDISTRIBUTE_NONE)
		return rrd__fail(RRD_E_INVALID,
				 "redistribute_max must not be negative, but RRD_REDISTRIBUTE_NONE");
	if (opts && opts->version >= 2 && opts->max_retries < 0 &&
	    opts->max_retries != RRD_RETRY_NONE)
		return rrd__fail(RRD_E_INVALID, "max_retries must not be negative, but RRD_RETRY_NONE");
	rrd_distributor_options o;
	rrd_distributor_options_init(&o, RRD_DISTRIBUTOR_OPTIONS_VERSION);
	if (opts)
		memcpy(&o, opts, options_size[opts->version]);
	o.version = RRD_DISTRIBUTOR_OPTIONS_VERSION;
	if (!o.clock)
		o.clock = system_clock;
	if (!o.redistribute_max)
		o.redistribute_max = REDISTRIBUTE_MAX_DEFAULT;
	else if (o.redistribute_max == RRD_REDISTRIBUTE_NONE)
		o.redistribute_max = 0; /* from here on, the limit itself */
	if (!o.max_retries)
		o.max_retries = MAX_RETRIES_DEFAULT;
	else if (o.max_retries == RRD_RETRY_NONE)
		o.max_retries = 0;
	return rrd__core_new(out, store, &o);
}

RRD_API void rrd_distributor_free(rrd_distributor *d)
{
	if (d)
		rrd__core_free(d);
}

RRD_API rrd_time rrd_distributor_now(rrd_distributor *d)
{
	if (!d)
		return 0;
	rrd__lock(d);
	rrd_time t = rrd__now(d);
	rrd__unlock(d);
	return t;
}
