/*
 * Typed reads of JSON fields that name the JSON path of any fault, e.g.
 * "$.agents[2].weight: expected an integer from 1 to 1000000". Absent
 * fields leave the output as it was, so callers preset defaults.
 */
#ifndef RRD_CONFIG_JSON_READ_H
#define RRD_CONFIG_JSON_READ_H

#include <cjson/cJSON.h>

#include "config/duration.h"
#include "rrdist/common.h"
#include "util/error.h"

#define RRD_PATH_MAX 320

/* The first member of object `o` named `name`, or NULL: what
 * cJSON_GetObjectItemCaseSensitive answers, found with a first-byte test
 * before each strcmp, since loading a scenario looks up a dozen names,
 * most of them absent, in each of its events. */
cJSON *rrd__json_get(const cJSON *o, const char *name);

/* The string member `name` of o, or NULL when it is absent or not a
 * string; the boolean member, or dflt. For reading a document that has
 * been checked already. */
const char *rrd__json_str(const cJSON *o, const char *name);
int rrd__json_flag(const cJSON *o, const char *name, int dflt);

/* Record a parse failure at path[.name]. */
rrd_status rrd__json_fail(const char *path, const char *name, const char *fmt, ...)
	RRD_PRINTF(3, 4);
/* Pass this thread's last error on as a parse failure at path[.name]:
 * "$.agents[2].calendar: " before the message. */
rrd_status rrd__json_wrap(const char *path, const char *name);
/* Append ".name" or "[i]" to a path into buf. */
void rrd__json_path(char *buf, const char *path, const char *name);
void rrd__json_path_index(char *buf, const char *path, size_t i);

rrd_status rrd__json_object(const cJSON *v, const char *path);
rrd_status rrd__json_opt_bool(const cJSON *o, const char *path, const char *name, int *out);
rrd_status rrd__json_opt_int(const cJSON *o, const char *path, const char *name, int64_t min,
			     int64_t max, int64_t *out);
rrd_status rrd__json_opt_number(const cJSON *o, const char *path, const char *name,
				double *out);
/* *out points into the document; NULL stays NULL when absent or null. */
rrd_status rrd__json_opt_string(const cJSON *o, const char *path, const char *name,
				const char **out);
rrd_status rrd__json_req_string(const cJSON *o, const char *path, const char *name,
				const char **out);
/* A duration string ("5m") in `units`; negative or malformed values are
 * refused. */
rrd_status rrd__json_opt_duration(const cJSON *o, const char *path, const char *name,
				  rrd_duration_units units, rrd_time *out);
/* An array of strings: calls add(obj, s) for each; maps its failures to
 * the element's path. */
rrd_status rrd__json_opt_strings(const cJSON *o, const char *path, const char *name,
				 void *obj, rrd_status (*add)(void *obj, const char *s));

/* Add `name`: an array of the list's strings. 1, or 0 when out of memory. */
struct rrd_strlist;
int rrd__json_add_strlist(cJSON *o, const char *name, const struct rrd_strlist *l);

#endif
