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
 * The text must be one JSON value, followed by nothing but blanks (or the
 * NUL ending a C string, if `len` counts it), whose strings are UTF-8
 * without U+0000 (escaped or not) and whose objects name no key twice.
 *
 * @return RRD_OK; RRD_E_PARSE (rrd_error_last() names the JSON path of the
 *         fault, e.g. `$.rules[2].pool: unknown pool "west"`, or the line
 *         and column of a fault in the text; nothing changed);
 *         RRD_E_INVALID; RRD_E_NOMEM (memory ran out: never for a text
 *         that is malformed); store errors.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_distributor_load_config(rrd_distributor *dist, const char *json,
					       size_t len);

/**
 * Check a configuration document on its own, without loading it anywhere,
 * and tell `on_fault` of every fault rather than only the first.
 * References must name something in the document itself, so a document
 * with no fault here is one that rrd_distributor_load_config takes into a
 * new, empty distributor.
 *
 * Each calendar, agent, pool and rule is checked on its own, and one that
 * cannot be read is left out, so what refers to it may fault too. Faults
 * come in two rounds, each in document order (calendars, agents, pools,
 * rules): first each object's own fields, then how the objects fit
 * together (repeated ids, references that name nothing, and the like).
 * The messages are those rrd_distributor_load_config gives,
 * and the first one told is the fault it would report, e.g.
 * `$.rules[2].pool: unknown pool "west"`. A text that is not one JSON
 * value as rrd_distributor_load_config takes it, or whose `format` is not
 * "rrdist-config/1", has that one fault. After 100 faults the check stops.
 *
 * @param json      `len` bytes of JSON (no NUL needed); borrowed for the call.
 * @param on_fault  called with each message, which is valid during the
 *                  call only; `user` is passed to it untouched.
 * @return RRD_OK (no fault); RRD_E_PARSE (at least one; rrd_error_last()
 *         counts them); RRD_E_INVALID (json or on_fault is NULL);
 *         RRD_E_NOMEM.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_config_check_each(const char *json, size_t len, rrd_fault_fn on_fault,
					 void *user);

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
