/*
 * librrdist: picks, and why a strategy passed members over.
 *
 * Every product we know of can say who got a record; few can say why the
 * others did not. A pick records the members a strategy passed over, in the
 * order it met them, each with the first reason that applied.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_PICK_H
#define RRDIST_PICK_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Free a pick. NULL is ignored. */
RRD_API void rrd_pick_free(rrd_pick *pick);

/** The chosen agent's id, or NULL when nobody was eligible. Owned by the pick. */
RRD_API const char *rrd_pick_agent(const rrd_pick *pick);

/** The pool the pick was made in. Owned by the pick. */
RRD_API const char *rrd_pick_pool(const rrd_pick *pick);

/** The strategy that made the pick. */
RRD_API rrd_strategy rrd_pick_strategy(const rrd_pick *pick);

/**
 * Members passed over. For round robin: the members between the cursor and
 * the one chosen, in the order met (wrapping). For other strategies: every
 * member not eligible, in join order.
 */
RRD_API size_t rrd_pick_skipped_count(const rrd_pick *pick);

/**
 * Skipped member `i`: its id (owned by the pick) and the reason.
 * @return RRD_OK or RRD_E_INVALID (NULL pick or index out of range).
 */
RRD_API rrd_status rrd_pick_skipped(const rrd_pick *pick, size_t i,
				    const char **agent, rrd_skip_reason *reason);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_PICK_H */
