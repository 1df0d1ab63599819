/* What the scenario loader's files share; nothing outside lib/sim uses it. */
#ifndef RRD_SIM_SCENARIO_IMPL_H
#define RRD_SIM_SCENARIO_IMPL_H

#include "sim/scenario.h"
#include "sim/split.h"

/* A required (or, with `required` 0, optional) scenario time at
 * path.name. *present says whether it was there. */
rrd_status rrd__sim_read_time(const cJSON *o, const char *path, const char *name,
			      rrd_time start, int required, rrd_time *out, int *present);
/* An optional kind name ("lead", ...) at path.name; *out is left alone
 * when absent. */
rrd_status rrd__sim_read_kind(const cJSON *o, const char *path, const char *name,
			      rrd_kind *out);
/* An optional object at path.name whose every value is a string; *out is
 * it, or NULL when absent or null. */
rrd_status rrd__sim_read_string_map(const cJSON *o, const char *path, const char *name,
				    const cJSON **out);
/* An optional `location`: {"lat": [-90, 90], "lon": [-180, 180]}. */
rrd_status rrd__sim_read_location(const cJSON *o, const char *path, int *has, double *lat,
				  double *lon);

/* A helper's failure as a fault of the document at `path`: anything but
 * RRD_E_NOMEM and RRD_E_PARSE (which already names its path) is reported
 * as RRD_E_PARSE there, so a document's fault is always RRD_E_PARSE. */
rrd_status rrd__sim_as_parse(rrd_status rc, const char *path);

/* Check `events` (an array of n entries, in s->doc) and fill s->events and
 * s->event_json. */
rrd_status rrd__sim_load_events(rrd_scenario *s, const cJSON *events, size_t n);

/* A lead event's fields from its object o (checked at load), or, for a
 * plain lead, from what load kept of it. rrd__sim_read_lead gives -1 when
 * the kind is not one. */
int rrd__sim_read_lead(const cJSON *o, rrd_sim_lead *out);
void rrd__sim_plain_lead(const rrd_sim_event *e, rrd_sim_lead *out);

/* Check the entries that `sp` found in s->text and fill s->events, parsing
 * one entry at a time. The text is known to be JSON, so an entry that
 * fails to parse has run out of memory (RRD_E_NOMEM). *parsed counts the
 * leading entries that parsed. */
rrd_status rrd__sim_load_event_spans(rrd_scenario *s, const rrd_split *sp, size_t *parsed);

#endif
