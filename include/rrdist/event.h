/*
 * librrdist: events, what the distributor tells the host.
 *
 * The host sets one callback (rrd_distributor_options.on_event); the
 * distributor calls it for every event, in the order things happened, and
 * only after the change the event reports is committed to the store, so a
 * failed notification never loses an assignment. An rrd_event is valid only
 * during the callback; copy what you keep.
 *
 * Names and fields match the output of the scenario format: each accessor
 * returns NULL, 0 or RRD_TIME_NONE when the event type has no such field.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_EVENT_H
#define RRDIST_EVENT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Event types. Values are fixed; new ones are only added. */
typedef enum rrd_event_type {
	RRD_EVENT_OFFERED = 1,
	RRD_EVENT_OFFER_EXPIRED = 2,
	RRD_EVENT_CLAIMED = 3,
	RRD_EVENT_CLAIM_REJECTED = 4,
	RRD_EVENT_CLAIMED_BY_OTHER = 5,
	RRD_EVENT_ASSIGNED = 6,
	RRD_EVENT_QUEUED = 7,
	RRD_EVENT_INTEGRATION = 8,
	RRD_EVENT_DEACTIVATED = 9,
	RRD_EVENT_FOLLOW_UP_SET = 10,
	RRD_EVENT_REDISTRIBUTION_STARTED = 11,
	RRD_EVENT_REDISTRIBUTION_PROGRESS = 12,
	RRD_EVENT_REDISTRIBUTION_COMPLETED = 13,
	RRD_EVENT_UNDONE = 14
} rrd_event_type;

/** How an assignment came about (`via`). Values are fixed. */
typedef enum rrd_via {
	RRD_VIA_ROUTE = 1,
	RRD_VIA_CLAIM = 2,
	RRD_VIA_MANUAL = 3,
	RRD_VIA_REASSIGN = 4,
	RRD_VIA_REDISTRIBUTE = 5,
	RRD_VIA_TRANSFER = 6,
	RRD_VIA_UNDO = 7,
	RRD_VIA_DRAIN = 8
} rrd_via;

/** Why a claim was rejected. Values are fixed. */
typedef enum rrd_claim_result {
	RRD_CLAIM_WON = 0,             /**< the claim succeeded */
	RRD_CLAIM_ALREADY_CLAIMED = 1, /**< someone (maybe the claimant) holds it */
	RRD_CLAIM_NOT_OFFERED = 2,     /**< never offered to that agent */
	RRD_CLAIM_DECLINED = 3,        /**< that agent declined it, in any pool of its routing */
	RRD_CLAIM_EXPIRED = 4          /**< the agent's offer expired */
} rrd_claim_result;

/**
 * The event callback. `user` is the pointer the host gave in the options.
 *
 * Order: a distributor's events reach the callback one at a time, never
 * two at once, in commit order, each after the commit that made it true.
 *
 * Which thread: one thread at a time delivers a distributor's events.
 * A call that commits while no thread is delivering delivers its events
 * itself before it returns. A call that commits while another thread is
 * delivering returns without waiting: that thread delivers its events
 * after the ones before them, and before its own call returns. So a call
 * may return before its own events are delivered, and the callback may run
 * on a thread for events of other threads' calls. Once every call on the
 * distributor has returned, every event has been delivered.
 *
 * Locks and re-entrancy: the callback runs with no internal lock held. It
 * may call any librrdist function, on this distributor too, and may wait
 * for another thread that calls this distributor (hand the event to a
 * worker and wait for it): that call does not wait for the callback.
 * Events caused by calls made meanwhile, from the callback or from other
 * threads, are delivered after the callback returns, still in order. It
 * must not free the distributor.
 */
typedef void (*rrd_event_fn)(void *user, const rrd_event *event);

RRD_API rrd_event_type rrd_event_type_of(const rrd_event *event);
/**
 * The event's id: unique among the events of every distributor, the same
 * when a durable event is delivered again (rrd_distributor_redeliver), so
 * a host deduplicates on it. Valid as long as the event. NULL for NULL.
 * Added in 1.1.
 */
RRD_API const char *rrd_event_id(const rrd_event *event);
/** "offered", "assigned", ...: the scenario format's names. NULL for an unknown value. */
RRD_API const char *rrd_event_type_name(rrd_event_type type);
/** "route", "claim", ...; NULL for an unknown value. */
RRD_API const char *rrd_via_name(rrd_via via);
/** "already_claimed", ...; NULL for RRD_CLAIM_WON or an unknown value. */
RRD_API const char *rrd_claim_result_name(rrd_claim_result result);

/** When it happened (the distributor's clock). */
RRD_API rrd_time rrd_event_time(const rrd_event *event);
/** The record (lead) concerned, or NULL. */
RRD_API const char *rrd_event_record(const rrd_event *event);
/** The agent concerned, or NULL. */
RRD_API const char *rrd_event_agent(const rrd_event *event);
/** assigned: the previous owner, or NULL. */
RRD_API const char *rrd_event_previous(const rrd_event *event);
/** offered, assigned: the pool, or NULL. */
RRD_API const char *rrd_event_pool(const rrd_event *event);
/** offered, assigned: the rule, or NULL. */
RRD_API const char *rrd_event_rule(const rrd_event *event);
/** assigned: the strategy's name ("round_robin", a custom name), or NULL. */
RRD_API const char *rrd_event_strategy(const rrd_event *event);
/** assigned: how (RRD_VIA_*); 0 for other events. */
RRD_API rrd_via rrd_event_via(const rrd_event *event);
/** queued: why (RRD_QUEUE_*); 0 for other events. */
RRD_API rrd_queue_reason rrd_event_queue_reason(const rrd_event *event);
/** claim_rejected: why; RRD_CLAIM_WON for other events. */
RRD_API rrd_claim_result rrd_event_claim_result(const rrd_event *event);
/** offered: 1 and the deadline when the offer has one, else 0. */
RRD_API int rrd_event_deadline(const rrd_event *event, rrd_time *deadline);
/** offered, assigned, claimed_by_other: whether a person should be told (1/0). */
RRD_API int rrd_event_notify(const rrd_event *event);
/** deactivated: the record that replaced it, or NULL. */
RRD_API const char *rrd_event_replaced_by(const rrd_event *event);
/** follow_up_set: the new follow-up status, or NULL. */
RRD_API const char *rrd_event_follow_up(const rrd_event *event);
/** redistribution_* and undone: the job id ("J1", ...), or NULL. */
RRD_API const char *rrd_event_job(const rrd_event *event);
/**
 * Counts: started (total), progress (done, total), completed (done = moved,
 * held), undone (done = restored). Each pointer may be NULL.
 */
RRD_API void rrd_event_counts(const rrd_event *event, int64_t *done, int64_t *total,
			      int64_t *held);
/**
 * Number of members the pick behind this event passed over (explain on).
 * A piranha offer is a pick: each of its `offered` events lists the
 * members not eligible at that moment, in join order.
 */
RRD_API size_t rrd_event_skipped_count(const rrd_event *event);
/** Skipped member `i`: agent id and reason. @return RRD_OK or RRD_E_INVALID. */
RRD_API rrd_status rrd_event_skipped(const rrd_event *event, size_t i,
				     const char **agent, rrd_skip_reason *reason);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_EVENT_H */
