/*
 * librrdist: custom strategies, for hosts with a rule of their own.
 *
 * A host registers a table of callbacks under a name; pools and rules then
 * use the returned strategy id like a built-in one. The pick callback sees
 * the pool's members in join order through an rrd_strategy_ctx and keeps
 * whatever state it needs as bytes through rrd_strategy_ctx_state /
 * rrd_strategy_ctx_set_state. That state lives in the store, one per pool
 * and strategy, read and written inside the operation's transaction, so a
 * custom cursor is shared by every path and every process exactly like the
 * round robin one.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_SYS_STRATEGY_H
#define RRDIST_SYS_STRATEGY_H

#include "../common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a pick callback sees; valid only during the callback. */
typedef struct rrd_strategy_ctx rrd_strategy_ctx;

typedef struct rrd_strategy_methods {
	unsigned int version; /**< RRD_STRATEGY_METHODS_VERSION */

	/**
	 * Choose a member. Call rrd_strategy_ctx_eligible() for each member
	 * considered (it records why one is passed over, for explanations),
	 * set *chosen to the chosen member's index and return RRD_OK; return
	 * RRD_E_NO_ELIGIBLE when nobody fits. Any other failure aborts the
	 * operation (nothing changes).
	 *
	 * Runs with the distributor's lock held, inside the store transaction:
	 * it may call the rrd_strategy_ctx_* functions and functions that touch
	 * no distributor, nothing else of librrdist. Required.
	 */
	int (*pick)(void *user, rrd_strategy_ctx *ctx, size_t *chosen);

	/** Called once when the distributor is freed. Optional. */
	void (*release)(void *user);
} rrd_strategy_methods;

#define RRD_STRATEGY_METHODS_VERSION 1

/** Number of members in the pool (eligible or not), in join order. */
RRD_API size_t rrd_strategy_ctx_member_count(const rrd_strategy_ctx *ctx);
/** Member `i`'s agent id; NULL when out of range. */
RRD_API const char *rrd_strategy_ctx_member(const rrd_strategy_ctx *ctx, size_t i);
/**
 * 1 when member `i` may receive the record now (active, unpaused, under
 * capacity, skills, hours as the rule or pool asks, not offered it before
 * in this routing), else 0. Records the reason for explanations.
 */
RRD_API int rrd_strategy_ctx_eligible(rrd_strategy_ctx *ctx, size_t i);
/** Member `i`'s weight (>= 1), open records and last assignment time (RRD_TIME_NONE). */
RRD_API int64_t rrd_strategy_ctx_weight(const rrd_strategy_ctx *ctx, size_t i);
RRD_API int64_t rrd_strategy_ctx_open(const rrd_strategy_ctx *ctx, size_t i);
RRD_API rrd_time rrd_strategy_ctx_last_assigned(const rrd_strategy_ctx *ctx, size_t i);
/** The record being placed, or NULL for a bare "who is next" pick. */
RRD_API const rrd_record *rrd_strategy_ctx_record(const rrd_strategy_ctx *ctx);
/** The distributor's clock. */
RRD_API rrd_time rrd_strategy_ctx_now(const rrd_strategy_ctx *ctx);
/**
 * The strategy's saved state for this pool: bytes owned by the library,
 * valid during the callback; *len = 0 when none was saved yet.
 */
RRD_API rrd_status rrd_strategy_ctx_state(const rrd_strategy_ctx *ctx,
					  const void **data, size_t *len);
/**
 * Replace the saved state (copied; at most 1 MiB). It is written with the
 * operation's transaction, so it is kept only if the operation commits.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_strategy_ctx_set_state(rrd_strategy_ctx *ctx,
					      const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_SYS_STRATEGY_H */
