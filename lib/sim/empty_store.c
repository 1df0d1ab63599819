#include "sim/empty_store.h"

#include "store/store.h"
#include "util/error.h"

static int found_one(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	(void)key;
	(void)value;
	(void)len;
	(void)order;
	*(int *)ctx = 1;
	return 1;
}

rrd_status rrd__sim_store_empty(rrd_store *store)
{
	rrd_status rc = rrd__store_status(store->m.begin(store->self, RRD_TXN_READ_ONLY, NULL),
					  "begin");
	if (rc)
		return rc;
	int found = 0;
	for (int ns = RRD_NS_META; !rc && !found && ns <= RRD_NS_BY_OWNER; ns++)
		rc = rrd__store_status(store->m.scan(store->self, ns, "", found_one, &found),
				       "reading the store");
	store->m.rollback(store->self);
	if (!rc && found)
		rc = rrd__fail(RRD_E_STATE, "the store holds entries already: a scenario runs on an "
					    "empty store");
	return rc;
}
