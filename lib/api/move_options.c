/* The options of a call that moves records by hand. */
#include <string.h>

#include "api/move_options.h"
#include "util/error.h"

rrd_status rrd__move_options(const rrd_move_options *opts, rrd_move_options *o)
{
	rrd_move_options def = RRD_MOVE_OPTIONS_INIT;
	*o = def;
	if (!opts)
		return RRD_OK;
	static const size_t move_size[] = { 0, sizeof(rrd_move_options) };
	if (opts->version < 1 || opts->version > RRD_MOVE_OPTIONS_VERSION)
		return rrd__fail(RRD_E_VERSION, "move options version %u is not one of 1..%u",
				 opts->version, RRD_MOVE_OPTIONS_VERSION);
	memcpy(o, opts, move_size[opts->version]);
	return RRD_OK;
}
