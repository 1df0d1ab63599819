/*
 * librrdist: configuration documents.
 *
 * A distributor's calendars, agents, pools and rules as one JSON document
 * in a versioned format of its own, "rrdist-config/1":
 *
 *   { "format": "rrdist-config/1",
 *     "calendars": [...], "agents": [...], "pools": [...], "rules": [...] }
 *
 * Each object has the shape the scenario format gives it
 * (docs/scenario-format.md), except that agents take coordinates as
 * `location` only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_CONFIG_H
#define RRDIST_CONFIG_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Load a configuration document into a distributor, whole or not at all.
 * Calendars, agents and pools are added or replaced by id (pools keep the
 * join order of members they already had; newcomers join at the end);
 * when the document has `rules`, they replace every rule. References must
 * name something in the document or already in the distributor.
 *
 * @return RRD_OK; RRD_E_PARSE (rrd_error_last() names the JSON path of the
 *         fault, e.g. `$.rules[2].pool: unknown pool "west"`; nothing
 *         changed); RRD_E_INVALID; RRD_E_NOMEM; store errors.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_distributor_load_config(rrd_distributor *dist, const char *json,
					       size_t len);

/**
 * The distributor's configuration as a document, in canonical form
 * (indented; objects in the order they were first added, rules in order).
 * @param out  receives a NUL-terminated string; free it with rrd_free.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM, store errors.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_distributor_save_config(rrd_distributor *dist, char **out);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_CONFIG_H */
