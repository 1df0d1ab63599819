/* The agent value object's layout, shared with the distributor. */
#ifndef RRD_MODEL_AGENT_H
#define RRD_MODEL_AGENT_H

#include "rrdist/agent.h"
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

/* Set an optional string field to a copy of `value` (NULL clears). */
rrd_status rrd__set_optional_id(char **field, const char *value, const char *what);
/* Check lat/lon as the API accepts them. */
rrd_status rrd__check_location(double lat, double lon);

#endif
