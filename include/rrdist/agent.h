/*
 * librrdist: agents (the people, or dealers, who receive records).
 *
 * An rrd_agent is a value object: the host builds one, hands it to a
 * distributor (rrd_distributor_put_agent copies it) and frees its own; the
 * distributor hands back copies (rrd_distributor_get_agent). Nothing here
 * touches a distributor, so these calls are thread-safe on distinct objects.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_AGENT_H
#define RRDIST_AGENT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Create an agent: active, not paused, weight 1, no capacity limits, no
 * types, skills, calendar, partner or location.
 *
 * @param out  receives the agent; the caller owns it (rrd_agent_free).
 * @param id   UTF-8, 1..RRD_ID_MAX bytes, no control characters; copied.
 * @return RRD_OK, RRD_E_INVALID (NULL or bad id), RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_agent_new(rrd_agent **out, const char *id);

/** Free an agent. NULL is ignored. */
RRD_API void rrd_agent_free(rrd_agent *agent);

/** Deep copy. @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM. */
RRD_API rrd_status rrd_agent_dup(rrd_agent **out, const rrd_agent *agent);

/** The agent's id, owned by the agent; NULL for NULL. */
RRD_API const char *rrd_agent_id(const rrd_agent *agent);

/** An inactive agent receives nothing, not even by hand. @return RRD_OK or RRD_E_INVALID. */
RRD_API rrd_status rrd_agent_set_active(rrd_agent *agent, int active);
/** 1 when active, 0 otherwise (and for NULL). */
RRD_API int rrd_agent_active(const rrd_agent *agent);

/** A paused agent receives nothing new from strategies; manual moves still may. */
RRD_API rrd_status rrd_agent_set_paused(rrd_agent *agent, int paused);
RRD_API int rrd_agent_paused(const rrd_agent *agent);

/**
 * Weight for weighted strategies: 1..1000000.
 * @return RRD_OK or RRD_E_INVALID (out of range; unchanged).
 */
RRD_API rrd_status rrd_agent_set_weight(rrd_agent *agent, int64_t weight);
RRD_API int64_t rrd_agent_weight(const rrd_agent *agent);

/**
 * Most records the agent may hold open (pending or claimed), or
 * RRD_UNLIMITED. 0 means none at all.
 * @return RRD_OK or RRD_E_INVALID (negative other than RRD_UNLIMITED).
 */
RRD_API rrd_status rrd_agent_set_capacity_open(rrd_agent *agent, int64_t cap);
RRD_API int64_t rrd_agent_capacity_open(const rrd_agent *agent);

/**
 * Most new assignments per local calendar day (the agent's calendar's zone,
 * UTC without one), or RRD_UNLIMITED.
 */
RRD_API rrd_status rrd_agent_set_capacity_per_day(rrd_agent *agent, int64_t cap);
RRD_API int64_t rrd_agent_capacity_per_day(const rrd_agent *agent);

/**
 * The agent's working calendar (by id), or NULL for none. The distributor
 * checks the reference when the agent is put.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_agent_set_calendar(rrd_agent *agent, const char *calendar_id);
/** Calendar id or NULL; owned by the agent. */
RRD_API const char *rrd_agent_calendar(const rrd_agent *agent);

/** Partner (dealer, branch) the agent works for, or NULL. */
RRD_API rrd_status rrd_agent_set_partner(rrd_agent *agent, const char *partner);
RRD_API const char *rrd_agent_partner(const rrd_agent *agent);

/**
 * Location in WGS84 degrees, for the nearest strategy.
 * @return RRD_OK; RRD_E_INVALID for NaN, infinities, |lat| > 90, |lon| > 180.
 */
RRD_API rrd_status rrd_agent_set_location(rrd_agent *agent, double lat, double lon);
/** Forget the location. */
RRD_API rrd_status rrd_agent_clear_location(rrd_agent *agent);
/** 1 and the coordinates when the agent has a location, else 0. */
RRD_API int rrd_agent_location(const rrd_agent *agent, double *lat, double *lon);

/**
 * Free-form user types ("salesperson", "sales_bdc", "closer", ...).
 * Adding a type the agent has is a no-op.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_agent_add_type(rrd_agent *agent, const char *type);
/** Remove every type. */
RRD_API rrd_status rrd_agent_clear_types(rrd_agent *agent);
RRD_API size_t rrd_agent_type_count(const rrd_agent *agent);
/** Type `i` in the order added; NULL when out of range. Owned by the agent. */
RRD_API const char *rrd_agent_type(const rrd_agent *agent, size_t i);
/** 1 when the agent has `type`. */
RRD_API int rrd_agent_has_type(const rrd_agent *agent, const char *type);

/** Skills ("spanish", ...); same rules as types. */
RRD_API rrd_status rrd_agent_add_skill(rrd_agent *agent, const char *skill);
RRD_API rrd_status rrd_agent_clear_skills(rrd_agent *agent);
RRD_API size_t rrd_agent_skill_count(const rrd_agent *agent);
RRD_API const char *rrd_agent_skill(const rrd_agent *agent, size_t i);
RRD_API int rrd_agent_has_skill(const rrd_agent *agent, const char *skill);

/**
 * Live counters of an agent, as the distributor holds them (read them from
 * a copy returned by rrd_distributor_get_agent; a host-built agent has
 * zeros). `open` counts pending and claimed records; `today` the
 * assignments of the agent's current local day; `last_assigned` the time of
 * the last assignment, or INT64_MIN for never.
 */
RRD_API int64_t rrd_agent_open_count(const rrd_agent *agent);
RRD_API int64_t rrd_agent_assigned_today(const rrd_agent *agent);
RRD_API rrd_time rrd_agent_last_assigned(const rrd_agent *agent);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_AGENT_H */
