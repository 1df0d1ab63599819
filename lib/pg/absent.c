/* rrd_store_pg_open in a build without libpq. */
#include "rrdist/store.h"
#include "util/error.h"

RRD_API rrd_status rrd_store_pg_open(rrd_store **out, const char *conninfo,
				     const rrd_store_pg_options *opts)
{
	(void)conninfo;
	(void)opts;
	if (out)
		*out = NULL;
	return rrd__fail(RRD_E_UNSUPPORTED, "this librrdist was built without PostgreSQL (libpq)");
}
