/*
 * Configuration objects (agents, calendars, pools, rules) as JSON, in the
 * shape the scenario format uses. The stores keep configuration in this
 * form, and the configuration documents and scenario files are read with
 * these same functions.
 */
#ifndef RRD_CONFIG_JSON_OBJECTS_H
#define RRD_CONFIG_JSON_OBJECTS_H

#include <cjson/cJSON.h>

#include "rrdist/agent.h"
#include "rrdist/calendar.h"
#include "rrdist/pool.h"
#include "rrdist/rule.h"

/* Strategy names beyond the built-in ones (custom strategies). */
typedef struct rrd_strategy_names {
	rrd_status (*parse)(void *ctx, const char *name, rrd_strategy *out);
	const char *(*name)(void *ctx, rrd_strategy s);
	void *ctx;
} rrd_strategy_names;

/* Each *_to_json returns a new object, or NULL when out of memory. */
cJSON *rrd__agent_to_json(const rrd_agent *a);
rrd_status rrd__agent_from_json(const cJSON *o, const char *path, rrd_agent **out);
/* Replace the fields that `o` names (an update); the id is not touched. */
rrd_status rrd__agent_apply_json(rrd_agent *a, const cJSON *o, const char *path);

cJSON *rrd__calendar_to_json(const rrd_calendar *c);
rrd_status rrd__calendar_from_json(const cJSON *o, const char *path, rrd_calendar **out);

cJSON *rrd__pool_to_json(const rrd_pool *p, const rrd_strategy_names *names);
rrd_status rrd__pool_from_json(const cJSON *o, const char *path,
			       const rrd_strategy_names *names, rrd_pool **out);

cJSON *rrd__rule_to_json(const rrd_rule *r, const rrd_strategy_names *names);
rrd_status rrd__rule_from_json(const cJSON *o, const char *path,
			       const rrd_strategy_names *names, rrd_rule **out);

/* Print compactly into a library-allocated string (rrd__free), or NULL. */
char *rrd__json_print(const cJSON *o);

#endif
