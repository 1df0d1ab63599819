/* The pool value object's layout, shared with the distributor. */
#ifndef RRD_MODEL_POOL_H
#define RRD_MODEL_POOL_H

#include "rrdist/pool.h"
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

#endif
