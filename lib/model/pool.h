/* The pool value object's layout, shared with the distributor. */
#ifndef RRD_MODEL_POOL_H
#define RRD_MODEL_POOL_H

#include "rrdist/pool.h"
#include "util/id.h"
#include "util/strlist.h"

struct rrd_pool {
	char *id;
	rrd_kind kind;
	rrd_strategy strategy;
	rrd_time claim_window; /* RRD_NO_WINDOW or >= 0 */
	int respect_hours;
	int auto_drain;
	rrd_strlist members;   /* join order */
};

/* rrd_pool_new and rrd_pool_add_member with their ids checked by `rule`:
 * RRD_ID_STORED for a pool read back from a store. */
rrd_status rrd__pool_new(rrd_pool **out, const char *id, rrd_kind kind, rrd_id_rule rule);
rrd_status rrd__pool_add_member(rrd_pool *p, const char *agent_id, rrd_id_rule rule);

#endif
