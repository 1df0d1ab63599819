/*
 * librrdist: records (leads, contacts, deals, customers).
 *
 * An rrd_record is a value object. A host builds one to submit it
 * (rrd_distributor_submit) or to import an existing record
 * (rrd_distributor_put_record); rrd_distributor_get_record hands back a copy
 * of the stored state. The record's own fields (id, kind, source,
 * attributes, location) are the host's; the distribution fields (status,
 * owner, roles, times) are the distributor's and are only read back,
 * except on import.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_RECORD_H
#define RRDIST_RECORD_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** "Never" for optional times (reassignment time, last assignment). */
#define RRD_TIME_NONE INT64_MIN

/**
 * Create a record with status RRD_RECORD_NEW, no owner, no source.
 * @param out  receives the record; the caller owns it (rrd_record_free).
 * @param id   1..RRD_ID_MAX bytes; copied.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_record_new(rrd_record **out, const char *id, rrd_kind kind);
RRD_API void rrd_record_free(rrd_record *record);
RRD_API rrd_status rrd_record_dup(rrd_record **out, const rrd_record *record);

RRD_API const char *rrd_record_id(const rrd_record *record);
RRD_API rrd_kind rrd_record_kind(const rrd_record *record);

/** Where the record came from ("zillow", "web", ...), for rule matching; NULL clears. */
RRD_API rrd_status rrd_record_set_source(rrd_record *record, const char *source);
RRD_API const char *rrd_record_source(const rrd_record *record);

/**
 * Set (or replace) an attribute; a NULL value removes it. The key is a
 * name (UTF-8, no control characters); the value is any UTF-8 text.
 * @return RRD_OK, RRD_E_INVALID (bad key, value not UTF-8; nothing
 *         changed), RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_record_set_attr(rrd_record *record, const char *key, const char *value);
/** The attribute's value, or NULL. Owned by the record. */
RRD_API const char *rrd_record_attr(const rrd_record *record, const char *key);
RRD_API size_t rrd_record_attr_count(const rrd_record *record);
/** Attribute `i`, in key order. @return RRD_OK or RRD_E_INVALID. */
RRD_API rrd_status rrd_record_attr_at(const rrd_record *record, size_t i,
				      const char **key, const char **value);

/** Location for nearest routing (WGS84 degrees). RRD_E_INVALID for NaN or out of range. */
RRD_API rrd_status rrd_record_set_location(rrd_record *record, double lat, double lon);
RRD_API rrd_status rrd_record_clear_location(rrd_record *record);
RRD_API int rrd_record_location(const rrd_record *record, double *lat, double *lon);

/** Status (import only; the distributor owns it afterwards). */
RRD_API rrd_status rrd_record_set_status(rrd_record *record, rrd_record_status status);
RRD_API rrd_record_status rrd_record_status_of(const rrd_record *record);

/** Owner agent id or NULL (import only). */
RRD_API rrd_status rrd_record_set_owner(rrd_record *record, const char *agent_id);
RRD_API const char *rrd_record_owner(const rrd_record *record);

/** The agent holding `role` ("salesperson", "sales_bdc", ...); NULL agent removes the role. */
RRD_API rrd_status rrd_record_set_role(rrd_record *record, const char *role, const char *agent_id);
RRD_API const char *rrd_record_role(const rrd_record *record, const char *role);
RRD_API size_t rrd_record_role_count(const rrd_record *record);
/** Role `i`, in role-name order. @return RRD_OK or RRD_E_INVALID. */
RRD_API rrd_status rrd_record_role_at(const rrd_record *record, size_t i,
				      const char **role, const char **agent_id);

/** The partner (dealer, branch) the record belongs to, or NULL. */
RRD_API rrd_status rrd_record_set_partner(rrd_record *record, const char *partner);
RRD_API const char *rrd_record_partner(const rrd_record *record);

/** Follow-up status, a free-form host value, or NULL. */
RRD_API rrd_status rrd_record_set_follow_up(rrd_record *record, const char *status);
RRD_API const char *rrd_record_follow_up(const rrd_record *record);

/**
 * When the record was created (set by the distributor on submit, or on
 * import): RRD_TIME_MIN to RRD_TIME_MAX, or RRD_TIME_NONE.
 * @return RRD_OK or RRD_E_INVALID (another value; unchanged).
 */
RRD_API rrd_status rrd_record_set_created_at(rrd_record *record, rrd_time t);
RRD_API rrd_time rrd_record_created_at(const rrd_record *record);

/**
 * When the record last changed owner by hand or in bulk (RRD_TIME_MIN to
 * RRD_TIME_MAX), or RRD_TIME_NONE.
 * @return RRD_OK or RRD_E_INVALID (another value; unchanged).
 */
RRD_API rrd_status rrd_record_set_reassigned_at(rrd_record *record, rrd_time t);
RRD_API rrd_time rrd_record_reassigned_at(const rrd_record *record);

/** The record that replaced this one (partner transfer), or NULL. */
RRD_API const char *rrd_record_replaced_by(const rrd_record *record);

/**
 * Serialise a record as one JSON object (the form stores keep).
 * @param out receives a NUL-terminated string; free it with rrd_free.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_record_to_json(const rrd_record *record, char **out);

/**
 * Parse what rrd_record_to_json wrote. The text must be one JSON value,
 * followed by nothing but blanks (or the NUL ending a C string, if `len`
 * counts it), whose strings are UTF-8 without U+0000 (escaped or not) and
 * whose objects name no key twice.
 * @return RRD_OK, RRD_E_PARSE (with the fault in rrd_error_last),
 *         RRD_E_NOMEM (memory ran out: never for a text that is malformed).
 */
RRD_API rrd_status rrd_record_from_json(rrd_record **out, const char *json, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_RECORD_H */
