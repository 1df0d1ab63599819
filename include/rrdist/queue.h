/*
 * librrdist: the manual assignment queue.
 *
 * Records nobody took wait here, oldest first, each with the reason it
 * came: no rule matched, nobody in the pool was eligible, or the pool
 * went round unclaimed; or the host parked them here by hand
 * (rrd_distributor_queue_record). A person assigns them with
 * rrd_distributor_assign (which takes a queued record out of the queue).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_QUEUE_H
#define RRDIST_QUEUE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A snapshot of the queue; it does not change when the queue does. */
typedef struct rrd_queue rrd_queue;

/**
 * Take a snapshot of the queue, oldest first.
 * @param out  receives it; the caller owns it (rrd_queue_free).
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM, store errors.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_distributor_queue(rrd_distributor *dist, rrd_queue **out);

/** Free a snapshot. NULL is ignored. */
RRD_API void rrd_queue_free(rrd_queue *queue);

/** Number of queued records in the snapshot. */
RRD_API size_t rrd_queue_count(const rrd_queue *queue);

/**
 * Entry `i` (0 is the oldest): the record's id (owned by the snapshot),
 * why it is queued, since when, and the pool and rule that queued it
 * (NULL when none). Each output pointer may be NULL.
 * @return RRD_OK or RRD_E_INVALID (index out of range).
 */
RRD_API rrd_status rrd_queue_entry(const rrd_queue *queue, size_t i, const char **record,
				   rrd_queue_reason *reason, rrd_time *since,
				   const char **pool, const char **rule);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_QUEUE_H */
