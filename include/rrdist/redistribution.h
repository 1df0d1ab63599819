/*
 * librrdist: bulk redistribution, its preview and its undo.
 *
 * A redistribution moves many existing records at once, e.g. when an agent
 * leaves: it selects records (those an agent holds, a list, or a filter),
 * spreads them evenly over target agents in round robin, and can be undone.
 * The host describes it with an rrd_redistribution (a value object built
 * with the calls below), asks what it would do (rrd_distributor_preview),
 * runs it as a job (rrd_distributor_redistribute) and may reverse the job
 * later (rrd_distributor_undo).
 *
 * Selection: records are taken in creation order (list order for a list);
 * deactivated records are never selected; records a live routing offer
 * governs are left where they are and counted as `held`. A record moves
 * with its status kept, except that a queued one leaves the queue and
 * becomes pending. Each move emits `assigned` (via redistribute) and sets
 * the record's reassignment time.
 *
 * Limits and locking: a job may move at most the distributor's
 * `redistribute_max` records (RRD_E_LIMIT, nothing moved); one job (or
 * undo) runs at a time per store, across processes and hosts
 * (RRD_E_BUSY), guarded by the store's lock. A job runs in batches of
 * RRD_REDISTRIBUTE_BATCH records, each one transaction, so other
 * operations go on between them; the events of a batch
 * (`redistribution_started`, `assigned`, `redistribution_progress` every
 * RRD_REDISTRIBUTE_BATCH records, `redistribution_completed`) are
 * delivered as it commits. The lock is held for a lease of one minute
 * (by the distributor's clock), renewed before each batch: a process
 * that dies during a job, or a lock the store fails to give back, keeps
 * other jobs out for a minute at most. A batch, event callbacks
 * included, must take far less than that.
 *
 * Threading: an rrd_redistribution is a plain value; do not change one
 * while a call reads it. The rrd_distributor_* calls are thread-safe.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_REDISTRIBUTION_H
#define RRDIST_REDISTRIBUTION_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Records one batch of a job moves in one transaction. */
#define RRD_REDISTRIBUTE_BATCH 1000
/** Longest job id ("J1", "J2", ...), without the NUL. */
#define RRD_JOB_ID_MAX 24

typedef struct rrd_redistribution rrd_redistribution;
typedef struct rrd_plan rrd_plan;

/**
 * A new, empty description: no source, no targets, notify on.
 * @param out  receives it; the caller owns it (rrd_redistribution_free).
 * @return RRD_OK, RRD_E_INVALID (NULL), RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_redistribution_new(rrd_redistribution **out);
/** Free a description. NULL is ignored. */
RRD_API void rrd_redistribution_free(rrd_redistribution *rd);

/*
 * The source: exactly one of from_agent, from_records, from_filter. Each
 * replaces any source set before. Strings are copied.
 */

/**
 * The records `agent_id` holds. With roles (nroles > 0): the records in
 * which the agent holds any of those roles; each moved record's new owner
 * also takes those of its roles the agent held. Without: the records the
 * agent owns, and every role the agent held in them.
 * @return RRD_OK, RRD_E_INVALID (bad id or role), RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_redistribution_from_agent(rrd_redistribution *rd, const char *agent_id,
						 const char *const *roles, size_t nroles);

/**
 * The records `ids[0..n)`, in that order. Every id must name a record
 * when the job runs (RRD_E_UNKNOWN_RECORD), once (RRD_E_INVALID).
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_redistribution_from_records(rrd_redistribution *rd,
						   const char *const *ids, size_t n);

/**
 * Every record, narrowed by the rrd_redistribution_filter_* conditions
 * (all must hold). Calling a filter_* function also makes the filter the
 * source, so this call is only needed for "every record".
 * @return RRD_OK, RRD_E_INVALID (NULL).
 */
RRD_API rrd_status rrd_redistribution_from_filter(rrd_redistribution *rd);

/** Filter: records of this kind. @return RRD_OK, RRD_E_INVALID. */
RRD_API rrd_status rrd_redistribution_filter_kind(rrd_redistribution *rd, rrd_kind kind);
/**
 * Filter: records `agent_id` owns. That agent is also left out of `to_types`
 * targets. @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_redistribution_filter_owner(rrd_redistribution *rd,
						   const char *agent_id);
/** Filter: records with this status. @return RRD_OK, RRD_E_INVALID. */
RRD_API rrd_status rrd_redistribution_filter_status(rrd_redistribution *rd,
						    rrd_record_status status);
/**
 * Filter: records whose owner has any of `types` (replaces earlier types).
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_redistribution_filter_owner_types(rrd_redistribution *rd,
							 const char *const *types, size_t n);
/**
 * Filter: records whose attribute `key` equals `value` (one condition per
 * key; a later call for a key replaces it). `key` is a name (UTF-8, no
 * control characters); `value` is any UTF-8 text.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_redistribution_filter_attr(rrd_redistribution *rd, const char *key,
						  const char *value);
/**
 * Filter: records reassigned at or after `t` (RRD_TIME_MIN to RRD_TIME_MAX).
 * @return RRD_OK, RRD_E_INVALID (a time out of range; unchanged).
 */
RRD_API rrd_status rrd_redistribution_filter_reassigned_since(rrd_redistribution *rd,
							      rrd_time t);

/*
 * The targets: exactly one of to_agents, to_types; each replaces the other.
 */

/**
 * These agents, in this order. When the job runs each must exist
 * (RRD_E_UNKNOWN_AGENT) and be active (RRD_E_INVALID), paused or full
 * ones included; none may repeat (RRD_E_INVALID).
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_redistribution_to_agents(rrd_redistribution *rd,
						const char *const *ids, size_t n);
/**
 * Every active, unpaused agent having any of `types`, in the order agents
 * were added, except the source agent (from_agent, filter_owner). None
 * found when the job runs: RRD_E_NO_ELIGIBLE.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_redistribution_to_types(rrd_redistribution *rd,
					       const char *const *types, size_t n);

/** Whether `assigned` events say "notify" (1, the default) or not (0). */
RRD_API rrd_status rrd_redistribution_set_notify(rrd_redistribution *rd, int notify);

/**
 * What the redistribution would do now, changing nothing: how many records
 * it would move, how many each target would get, how many are held.
 * @param out  receives the plan; the caller owns it (rrd_plan_free).
 * @return RRD_OK; RRD_E_INVALID (no source or no targets, an inactive or
 *         repeated target, a repeated record); RRD_E_UNKNOWN_AGENT;
 *         RRD_E_UNKNOWN_RECORD; RRD_E_NO_ELIGIBLE (no target);
 *         RRD_E_LIMIT (more than redistribute_max records; no plan);
 *         RRD_E_NOMEM; store errors.
 */
RRD_API rrd_status rrd_distributor_preview(rrd_distributor *dist,
					   const rrd_redistribution *rd, rrd_plan **out);

/** Records the plan moves. */
RRD_API int64_t rrd_plan_total(const rrd_plan *plan);
/** Records left where they are because a live offer governs them. */
RRD_API int64_t rrd_plan_held(const rrd_plan *plan);
/** Number of targets. */
RRD_API size_t rrd_plan_target_count(const rrd_plan *plan);
/**
 * Target `i` (in round-robin order) and how many records it gets. The
 * string is owned by the plan.
 * @return RRD_OK, RRD_E_INVALID (out of range).
 */
RRD_API rrd_status rrd_plan_target(const rrd_plan *plan, size_t i, const char **agent_id,
				   int64_t *count);
/** Free a plan. NULL is ignored. */
RRD_API void rrd_plan_free(rrd_plan *plan);

/**
 * Run the redistribution as a job. Its id ("J1", "J2", ... in the order
 * jobs start in the store) is written to `job_id` of `cap` bytes (at
 * least RRD_JOB_ID_MAX + 1, else RRD_E_INVALID); it is "" when no job
 * started, and set even when a batch after the first fails.
 *
 * A record that changed owner or status, or came under a live offer,
 * between the selection and its batch is left where it is. If a batch
 * fails, or the lock's lease cannot be renewed before one, the job stops
 * there: the batches before it stay done and the job can be undone.
 * Auto-drain pools drain once, after the whole job. A job whose batches
 * all committed succeeds, even if the store then fails to release the
 * lock (which then runs out with its lease).
 *
 * @return RRD_OK; the preview's errors (nothing moved, no job);
 *         RRD_E_BUSY (another job holds the store's lock, or took it
 *         between two batches after this job's lease ran out); RRD_E_NOMEM
 *         and store errors (nothing moved when the first batch fails).
 */
RRD_API rrd_status rrd_distributor_redistribute(rrd_distributor *dist,
						const rrd_redistribution *rd, char *job_id,
						size_t cap);

/**
 * Reverse a job: every record it moved goes back to its owner, status,
 * roles and reassignment time (a queued one back to its place in the
 * queue, with a `queued` event whose reason is its old one), with an
 * `assigned` event (via undo) for each, then `undone`. One transaction,
 * under the store's lock; an undo that committed succeeds even if the
 * store then fails to release the lock.
 * @param restored  receives how many records went back; may be NULL.
 * @return RRD_OK; RRD_E_UNKNOWN_JOB; RRD_E_NOTHING_TO_UNDO (undone
 *         already, or it moved nothing); RRD_E_CONFLICT (a record of the
 *         job changed owner or was deactivated since: nothing changes);
 *         RRD_E_BUSY (a job is running); RRD_E_INVALID; RRD_E_NOMEM;
 *         store errors.
 */
RRD_API rrd_status rrd_distributor_undo(rrd_distributor *dist, const char *job_id,
					int64_t *restored);

/** Where a job stands, as rrd_job_state_of() reports it. Fixed values. */
typedef enum rrd_job_state {
	/** Its batches are running: the lock's lease has not run out. */
	RRD_JOB_RUNNING = 1,
	/** Every batch committed. */
	RRD_JOB_COMPLETED = 2,
	/**
	 * It ended before its last batch: a batch failed, or the process
	 * running it ended (its lease ran out with the job unfinished). The
	 * records it moved are rrd_job_record()'s; the rest are where they
	 * were. Undo it, or run the redistribution again to move the rest.
	 */
	RRD_JOB_STOPPED = 3,
	/** rrd_distributor_undo() reversed it. */
	RRD_JOB_UNDONE = 4
} rrd_job_state;

/** What a job did, read from the store by rrd_distributor_get_job(). */
typedef struct rrd_job rrd_job;

/**
 * Read a job's summary and the records it moved, as the store holds
 * them now (one read-only transaction), so that after a crash a host can
 * tell what happened to a job and undo it or run the rest.
 * @param out  receives the job; the caller owns it (rrd_job_free).
 * @return RRD_OK; RRD_E_INVALID (NULL, or an id that is not one);
 *         RRD_E_UNKNOWN_JOB; RRD_E_NOMEM; store errors.
 * Thread-safe.
 */
RRD_API rrd_status rrd_distributor_get_job(rrd_distributor *dist, const char *job_id,
					   rrd_job **out);
/** The job's id. Owned by the job. */
RRD_API const char *rrd_job_id(const rrd_job *job);
/** Where the job stands (0 for NULL). */
RRD_API rrd_job_state rrd_job_state_of(const rrd_job *job);
/** When it started, by the distributor's clock. */
RRD_API rrd_time rrd_job_started(const rrd_job *job);
/** Records its selection chose to move. */
RRD_API int64_t rrd_job_total(const rrd_job *job);
/** Records its committed batches moved (undone ones included). */
RRD_API int64_t rrd_job_moved(const rrd_job *job);
/** Records left where they were because a live offer governed them. */
RRD_API int64_t rrd_job_held(const rrd_job *job);
/** Number of records it moved that rrd_job_record() lists. */
RRD_API size_t rrd_job_record_count(const rrd_job *job);
/**
 * Moved record `i`, in the order the job moved them: its id, its owner
 * before (NULL when it had none) and the agent the job gave it to. The
 * strings are owned by the job; any pointer argument may be NULL.
 * @return RRD_OK, RRD_E_INVALID (NULL job, or `i` out of range).
 */
RRD_API rrd_status rrd_job_record(const rrd_job *job, size_t i, const char **record_id,
				  const char **from_agent, const char **to_agent);
/** Free a job. NULL is ignored. */
RRD_API void rrd_job_free(rrd_job *job);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_REDISTRIBUTION_H */
