/*
 * Scenario files (`rrdist simulate`), loaded and checked.
 *
 * rrd__scenario_load turns a document into an rrd_scenario whose
 * configuration (calendars, agents, pools, rules, records) is already built
 * as the library's value objects, with every reference outside `events`
 * resolved, and whose events are sorted out far enough to run: each has its
 * absolute time, its op, its index and where its JSON object is. A
 * document that cannot be used fails with RRD_E_PARSE and a message naming
 * the JSON path of the first fault, e.g. `$.rules[2].pool: unknown pool
 * "west"`; nothing is left allocated.
 *
 * The scenario is immutable once loaded; several threads may read one.
 */
#ifndef RRD_SIM_SCENARIO_H
#define RRD_SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "rrdist/agent.h"
#include "rrdist/calendar.h"
#include "rrdist/pool.h"
#include "rrdist/record.h"
#include "rrdist/rule.h"
#include "rrdist/simulation.h"
#include "sim/flat.h"
#include "util/arena.h"
#include "util/fault.h"
#include "util/hashmap.h"

#define RRD_SCENARIO_FORMAT "rrdist-scenario/1"

/* Absurd sizes are refused rather than attempted. */
#define RRD_SCENARIO_BYTES_MAX ((size_t)256 << 20)
#define RRD_SCENARIO_CALENDARS_MAX 100000
#define RRD_SCENARIO_AGENTS_MAX 1000000
#define RRD_SCENARIO_POOLS_MAX 100000
#define RRD_SCENARIO_RULES_MAX 100000
#define RRD_SCENARIO_RECORDS_MAX 10000000
#define RRD_SCENARIO_EVENTS_MAX 100000000

#define RRD_SCENARIO_REDISTRIBUTE_MAX_DEFAULT 15000

/* ---- Postal codes: US ZCTA centroids (data/us-zcta-centroids.csv). ---- */

typedef struct rrd_postal_table rrd_postal_table;

/*
 * Read a "zip,lat,lon" CSV (an optional "zip,lat,lon" header line, blank
 * lines ignored). Faults name the file and line, e.g. "x.csv:12: expected
 * zip,lat,lon ...": RRD_E_PARSE, also for a file without a single code;
 * RRD_E_NOTFOUND when the file cannot be opened; RRD_E_NOMEM. The table is immutable: safe to share between
 * threads.
 */
rrd_status rrd__postal_load(rrd_postal_table **out, const char *csv_path);
/* 1 and the centroid when `zip` is in the table, else 0. NULL table: 0. */
int rrd__postal_find(const rrd_postal_table *t, const char *zip, double *lat, double *lon);
/* Record that `zip` is not in table t, as RRD_E_INVALID. With no table (t
 * NULL) the message says so and how to give one: the code may well exist. */
rrd_status rrd__postal_unknown(const rrd_postal_table *t, const char *zip);
size_t rrd__postal_count(const rrd_postal_table *t);
void rrd__postal_free(rrd_postal_table *t);

/* ---- The loaded document. ---- */

typedef enum rrd_sim_op {
	RRD_SIM_LEAD,
	RRD_SIM_CLAIM,
	RRD_SIM_DECLINE,
	RRD_SIM_ASSIGN,
	RRD_SIM_REASSIGN,
	RRD_SIM_TRANSFER,
	RRD_SIM_REDISTRIBUTE,
	RRD_SIM_UNDO,
	RRD_SIM_FOLLOW_UP,
	RRD_SIM_AGENT,
	RRD_SIM_POOL_ADD,
	RRD_SIM_POOL_REMOVE,
	RRD_SIM_ADVANCE
} rrd_sim_op;

#define RRD_SIM_OP_COUNT 13

/* "lead", ..., "pool.add", "pool.remove", "advance"; NULL for another value. */
const char *rrd__sim_op_name(rrd_sim_op op);
/* 0 and *out for a known op name, else -1. */
int rrd__sim_op_parse(const char *name, rrd_sim_op *out);

/*
 * One entry of `events`. Its op-specific fields are read from its JSON
 * object (rrd__scenario_event_json). What load has checked about them:
 * every field the format names for the op has the right JSON type where
 * present, the required ones are there, kinds, statuses and locations are
 * valid, and the ids that an event creates (a lead's `id`, a transfer's
 * `new_id`, an agent's `id`) are valid ids. Load does not resolve the
 * lead, agent, pool, job, calendar or postal code an event names: those
 * give `error` events when the event runs.
 */
typedef struct rrd_sim_event {
	rrd_time at;         /* absolute; never earlier than the event before or start */
	uint32_t off, len;   /* its object's text in `text` (0, 0 when `doc` holds it) */
	uint32_t index;      /* position in `events`: error.op */
	uint8_t op;          /* rrd_sim_op */
	/* A plain lead (no attrs, location or postal code, which is what
	 * most of a long scenario is) is read once, at load, so that running
	 * it needs no second parse: `lead` is its id, then its source and its
	 * pool when lead_has says so, each NUL-terminated, in the scenario's
	 * arena. NULL for any other event. */
	uint8_t lead_kind;   /* rrd_kind */
	uint8_t lead_has;    /* RRD_SIM_LEAD_* */
	uint8_t lead_notify;
	const char *lead;
} rrd_sim_event;

#define RRD_SIM_LEAD_SOURCE 1u
#define RRD_SIM_LEAD_POOL 2u

/* A lead event's fields, as a run submits the lead. */
typedef struct rrd_sim_lead {
	const char *id, *source, *pool; /* source and pool NULL when absent */
	rrd_kind kind;
	int notify;
	const cJSON *o; /* its object, for attrs and location; NULL for a plain lead */
} rrd_sim_lead;

typedef struct rrd_scenario {
	rrd_time start;
	rrd_time end;              /* `end`, or the last event's time (start without events) */
	uint64_t seed;             /* 0 .. 2^53 - 1 */
	int64_t redistribute_max;  /* limits.redistribute_max, >= 0; 0: no job may move one */
	int explain;

	/* In document order. Agents carry their location, from `location` or,
	 * failing that, from `postal_code`. Records carry kind, status (default:
	 * `pending` with an owner, `queued` without), owner, roles, attrs,
	 * source, partner, follow_up, location likewise, and created_at =
	 * start. */
	rrd_calendar **calendars;
	size_t calendar_count;
	rrd_agent **agents;
	size_t agent_count;
	rrd_pool **pools;
	size_t pool_count;
	rrd_rule **rules;
	size_t rule_count;
	rrd_record **records;
	size_t record_count;
	rrd_sim_event *events;
	size_t event_count;

	/* Id to index in the arrays above. Keys borrow the objects' ids. */
	rrd_hashmap calendar_index;
	rrd_hashmap agent_index;
	rrd_hashmap pool_index;
	rrd_hashmap rule_index;
	rrd_hashmap record_index;

	/* The table given to load (borrowed: it must outlive the scenario),
	 * for resolving postal codes inside events at run time. May be NULL. */
	const rrd_postal_table *postal;

	/* The document as given to load, borrowed: it must outlive the
	 * scenario. Events are parsed again from it, one at a time, as they
	 * are used, so that a long scenario is never held parsed whole. */
	const char *text;
	/* NULL, or, when the document could not be split (rrd__split_events),
	 * the document parsed whole, with event_json[i] the object of
	 * events[i]. */
	cJSON *doc;
	const cJSON **event_json;
	rrd_arena arena; /* plain leads' fields */

	/* Checking for every fault: each is told here and loading goes on. */
	rrd_faults faults;
} rrd_scenario;

/*
 * Load a scenario from `len` bytes of JSON (no NUL needed), which must stay
 * as they are for as long as the scenario is used. `postal` may be NULL:
 * then every postal_code outside events is unknown.
 * @return RRD_OK; RRD_E_PARSE with the path of the fault in rrd_error_last();
 *         RRD_E_NOMEM; RRD_E_INVALID for NULL arguments.
 */
rrd_status rrd__scenario_load(rrd_scenario **out, const char *json, size_t len,
			      const rrd_postal_table *postal);
/* The same, telling `on_fault` (when not NULL) of every fault rather than
 * stopping at the first: then RRD_E_PARSE means there was at least one. */
rrd_status rrd__scenario_load_each(rrd_scenario **out, const char *json, size_t len,
				   const rrd_postal_table *postal, rrd_fault_fn on_fault,
				   void *user);
void rrd__scenario_free(rrd_scenario *s);

/* One event's object read from its text: a flat one (sim/flat.h) into
 * `flat`, any other by cJSON into `owned`. */
typedef struct rrd_sim_entry {
	cJSON *owned;
	rrd_flat flat;
} rrd_sim_entry;

/* The one JSON value that the `len` bytes at `text` are, read into *en, or
 * NULL (not JSON, more than one value, or out of memory). It lives until
 * rrd__sim_entry_done(en), which must follow either way. */
const cJSON *rrd__sim_entry_read(rrd_sim_entry *en, const char *text, size_t len);
void rrd__sim_entry_done(rrd_sim_entry *en);

/* The object of events[i]: held by the scenario, or read from its text
 * into *en. NULL when it cannot be read, which for a loaded scenario means
 * that memory ran out. Call rrd__sim_entry_done(en) after either way. */
const cJSON *rrd__scenario_event_json(const rrd_scenario *s, size_t i, rrd_sim_entry *en);

/* Index of the object with that id, or -1. */
long rrd__scenario_agent(const rrd_scenario *s, const char *id);
long rrd__scenario_pool(const rrd_scenario *s, const char *id);
long rrd__scenario_calendar(const rrd_scenario *s, const char *id);
long rrd__scenario_rule(const rrd_scenario *s, const char *id);
long rrd__scenario_record(const rrd_scenario *s, const char *id);

/*
 * A time as scenarios write it: an RFC 3339 timestamp, or "+DURATION"
 * after `start` (for `reassigned_since` and the like). 0 or -1.
 */
int rrd__scenario_time(const char *text, rrd_time start, rrd_time *out);

#endif
