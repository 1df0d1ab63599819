/*
 * librrdist: pools, the ordered groups of agents that records go to.
 *
 * An rrd_pool is a value object describing a pool: its id, record kind,
 * strategy, claim window and initial members in join order. A distributor
 * copies it (rrd_distributor_put_pool); live membership changes go through
 * the distributor (rrd_distributor_pool_add_member / _remove_member) so
 * every process sharing a store sees them, and the pool's cursor is kept
 * in the store.
 *
 * Membership semantics, for every strategy: an agent added goes to the end
 * of the join order; a removed agent is skipped and the order goes on
 * without them; the round robin cursor never serves an agent twice before
 * the others have had their turn.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_POOL_H
#define RRDIST_POOL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** No claim window: a routed record is assigned at once. */
#define RRD_NO_WINDOW ((rrd_time)-1)

/**
 * Create a pool description: round robin, no claim window, no members.
 *
 * @param out   receives the pool; the caller owns it (rrd_pool_free).
 * @param id    UTF-8, 1..RRD_ID_MAX bytes; copied.
 * @param kind  the one record kind the pool takes.
 * @return RRD_OK, RRD_E_INVALID (bad id or kind), RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_pool_new(rrd_pool **out, const char *id, rrd_kind kind);

/** Free a pool description. NULL is ignored. */
RRD_API void rrd_pool_free(rrd_pool *pool);

/** Deep copy. @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM. */
RRD_API rrd_status rrd_pool_dup(rrd_pool **out, const rrd_pool *pool);

RRD_API const char *rrd_pool_id(const rrd_pool *pool);
RRD_API rrd_kind rrd_pool_kind(const rrd_pool *pool);

/**
 * The pool's strategy: a built-in RRD_STRATEGY_* or a custom id registered
 * on the distributor the pool is put into (checked then).
 * @return RRD_OK or RRD_E_INVALID (not a known built-in or custom range).
 */
RRD_API rrd_status rrd_pool_set_strategy(rrd_pool *pool, rrd_strategy strategy);
RRD_API rrd_strategy rrd_pool_strategy(const rrd_pool *pool);

/**
 * Claim window in milliseconds, 0 to RRD_DURATION_MAX, or RRD_NO_WINDOW.
 * An offer's deadline is the window after the offer (RRD_TIME_MAX at the
 * latest).
 * @return RRD_OK or RRD_E_INVALID (negative, or longer than
 *         RRD_DURATION_MAX; the pool is unchanged).
 */
RRD_API rrd_status rrd_pool_set_claim_window(rrd_pool *pool, rrd_time window);
RRD_API rrd_time rrd_pool_claim_window(const rrd_pool *pool);

/** Only agents whose own calendar is open are eligible (1) or not (0). */
RRD_API rrd_status rrd_pool_set_respect_hours(rrd_pool *pool, int respect);
RRD_API int rrd_pool_respect_hours(const rrd_pool *pool);

/**
 * Take back, oldest first, records this pool queued for want of an
 * eligible member, as soon as one becomes eligible. Not allowed on a
 * piranha pool (refused when the pool is put). Draining runs after every
 * operation and timer, and when a member's calendar opens or a new local
 * day frees a member at their daily cap (see rrd_distributor_advance).
 */
RRD_API rrd_status rrd_pool_set_auto_drain(rrd_pool *pool, int auto_drain);
RRD_API int rrd_pool_auto_drain(const rrd_pool *pool);

/**
 * Append a member (by agent id) to the description's join order.
 * @return RRD_OK; RRD_E_EXISTS (already a member); RRD_E_INVALID; RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_pool_add_member(rrd_pool *pool, const char *agent_id);
/** Remove a member from the description. @return RRD_OK, RRD_E_NOTFOUND, RRD_E_INVALID. */
RRD_API rrd_status rrd_pool_remove_member(rrd_pool *pool, const char *agent_id);
RRD_API size_t rrd_pool_member_count(const rrd_pool *pool);
/** Member `i` in join order; NULL when out of range. Owned by the pool. */
RRD_API const char *rrd_pool_member(const rrd_pool *pool, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_POOL_H */
