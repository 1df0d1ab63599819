/* The SQLite store in a library built without SQLite: its symbol is
 * there, as the ABI promises, and says why it cannot open anything. */
#include "rrdist/store.h"
#include "util/error.h"

RRD_API rrd_status rrd_store_sqlite_open(rrd_store **out, const char *path,
					 const rrd_store_sqlite_options *opts)
{
	(void)path;
	(void)opts;
	if (out)
		*out = NULL;
	return rrd__fail(RRD_E_UNSUPPORTED, "this librrdist was built without SQLite "
					    "(meson option -Dsqlite=disabled, or libsqlite3-dev "
					    "missing): no SQLite store can be opened");
}
