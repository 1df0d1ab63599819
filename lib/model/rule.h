/* The rule value object's layout, shared with routing. */
#ifndef RRD_MODEL_RULE_H
#define RRD_MODEL_RULE_H

#include "rrdist/rule.h"
#include "util/strlist.h"

typedef struct rrd_kv {
	char *key;
	char *value;
} rrd_kv;

struct rrd_rule {
	char *id;
	char *pool;
	rrd_strlist sources;
	int kind;             /* 0: any */
	rrd_kv *attrs;
	size_t attr_count;
	size_t attr_cap;
	rrd_strategy strategy; /* RRD_STRATEGY_INHERIT or an id */
	rrd_time claim_window; /* RRD_WINDOW_INHERIT, RRD_NO_WINDOW or >= 0 */
	char *calendar;
	int64_t max_offers;   /* RRD_UNLIMITED or >= 1 */
	int respect_hours;
	rrd_strlist skills;
	rrd_strlist overflow;
};

#endif
