/* The rule value object's layout, shared with routing. */
#ifndef RRD_MODEL_RULE_H
#define RRD_MODEL_RULE_H

#include "rrdist/rule.h"
#include "util/id.h"
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

/* rrd_rule_new, _add_source, _add_attr, _add_skill and _add_overflow with
 * their ids checked by `rule`: RRD_ID_STORED for a rule read back from a
 * store. The calendar is set with rrd__set_optional_id (model/agent.h). */
rrd_status rrd__rule_new(rrd_rule **out, const char *id, const char *pool_id, rrd_id_rule rule);
rrd_status rrd__rule_add_source(rrd_rule *r, const char *source, rrd_id_rule rule);
rrd_status rrd__rule_add_attr(rrd_rule *r, const char *key, const char *value,
			      rrd_id_rule rule);
rrd_status rrd__rule_add_skill(rrd_rule *r, const char *skill, rrd_id_rule rule);
rrd_status rrd__rule_add_overflow(rrd_rule *r, const char *pool_id, rrd_id_rule rule);

#endif
