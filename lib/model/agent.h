/* The agent value object's layout, shared with the distributor. */
#ifndef RRD_MODEL_AGENT_H
#define RRD_MODEL_AGENT_H

#include "rrdist/agent.h"
#include "util/id.h"
#include "util/strlist.h"

struct rrd_agent {
	char *id;
	int active;
	int paused;
	int64_t weight;
	int64_t cap_open;    /* RRD_UNLIMITED or >= 0 */
	int64_t cap_per_day; /* RRD_UNLIMITED or >= 0 */
	char *calendar;
	char *partner;
	int has_location;
	double lat, lon;
	rrd_strlist types;
	rrd_strlist skills;
	/* Live counters, filled in copies the distributor hands out. */
	int64_t open;
	int64_t today;
	rrd_time last_assigned;
};

/* rrd_agent_new, _add_type and _add_skill with their ids checked by
 * `rule`: RRD_ID_STORED for an agent read back from a store. */
rrd_status rrd__agent_new(rrd_agent **out, const char *id, rrd_id_rule rule);
rrd_status rrd__agent_add_type(rrd_agent *a, const char *type, rrd_id_rule rule);
rrd_status rrd__agent_add_skill(rrd_agent *a, const char *skill, rrd_id_rule rule);

/* Set an optional id field to a copy of `value` (NULL clears), checked by
 * `rule` and named `what` in a refusal. */
rrd_status rrd__set_optional_id(char **field, const char *value, const char *what,
				rrd_id_rule rule);
/* Check lat/lon as the API accepts them. */
rrd_status rrd__check_location(double lat, double lon);

#endif
