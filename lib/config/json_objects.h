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
#include "util/id.h"

/* Strategy names beyond the built-in ones (custom strategies). */
typedef struct rrd_strategy_names {
	rrd_status (*parse)(void *ctx, const char *name, rrd_strategy *out);
	const char *(*name)(void *ctx, rrd_strategy s);
	void *ctx;
} rrd_strategy_names;

/* What a JSON object is read from, which decides what it may hold. */
typedef enum rrd_json_origin {
	/* A scenario file: durations in the scenario format's units (d h m s). */
	RRD_FROM_SCENARIO,
	/* A configuration document: durations may also count milliseconds
	 * ("1s500ms"), since that is how the API sets a claim window. */
	RRD_FROM_CONFIG,
	/* The configuration a store keeps: as a document, and its ids may
	 * hold what earlier releases stored (RRD_ID_STORED). */
	RRD_FROM_STORE
} rrd_json_origin;

/* The rule an object's ids are checked by. */
static inline rrd_id_rule rrd__json_id_rule(rrd_json_origin origin)
{
	return origin == RRD_FROM_STORE ? RRD_ID_STORED : RRD_ID_INPUT;
}

/* Each *_to_json returns a new object, or NULL when out of memory. */
cJSON *rrd__agent_to_json(const rrd_agent *a);
rrd_status rrd__agent_from_json(const cJSON *o, const char *path, rrd_json_origin origin,
				rrd_agent **out);
/* Replace the fields that `o` names (an update); the id is not touched. */
rrd_status rrd__agent_apply_json(rrd_agent *a, const cJSON *o, const char *path,
				 rrd_json_origin origin);

cJSON *rrd__calendar_to_json(const rrd_calendar *c);
rrd_status rrd__calendar_from_json(const cJSON *o, const char *path, rrd_json_origin origin,
				   rrd_calendar **out);

cJSON *rrd__pool_to_json(const rrd_pool *p, const rrd_strategy_names *names);
rrd_status rrd__pool_from_json(const cJSON *o, const char *path,
			       const rrd_strategy_names *names, rrd_json_origin origin,
			       rrd_pool **out);

cJSON *rrd__rule_to_json(const rrd_rule *r, const rrd_strategy_names *names);
rrd_status rrd__rule_from_json(const cJSON *o, const char *path,
			       const rrd_strategy_names *names, rrd_json_origin origin,
			       rrd_rule **out);

/* A pool's kind by its id, for rrd__rule_check_kinds: 0 with *kind set,
 * or -1 for a pool the caller reports as unknown itself. */
typedef int (*rrd_pool_kind_fn)(void *ctx, const char *pool, rrd_kind *kind);

/* The rule's pools all hold one kind, and its match.kind (when it has one)
 * is that kind: else every record it routed would be refused by a pool.
 * Both document loaders refuse such a rule: RRD_E_PARSE at the rule's
 * path .overflow[k] or .match.kind. */
rrd_status rrd__rule_check_kinds(const rrd_rule *r, const char *path, rrd_pool_kind_fn kind_of,
				 void *ctx);

/* Print compactly into a library-allocated string (rrd__free), or NULL. */
char *rrd__json_print(const cJSON *o);

#endif
