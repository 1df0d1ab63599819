/*
 * A list of records moved by hand as one event (a scenario's `leads`
 * list): the guards of a list and one drain after the whole of it.
 */
#ifndef RRD_DISTRIBUTOR_REASSIGN_LIST_H
#define RRD_DISTRIBUTOR_REASSIGN_LIST_H

#include "rrdist/distributor.h"

/* Where the records go: an agent, the next member of a pool, or the
 * nearest active agent of any of `types` (all agents when ntypes is 0).
 * Exactly one of agent, pool and nearest is set. */
typedef struct rrd_move_target {
	const char *agent;
	const char *pool;
	int nearest;
	const char *const *types;
	size_t ntypes;
} rrd_move_target;

/* Told of each record that stayed where it was: its index in the list and
 * why (rrd_error_last() has the message during the call). */
typedef void (*rrd_move_refused_fn)(void *user, size_t i, rrd_status rc);

/*
 * Reassign `record_ids[0..n)` to `to`, in list order, each in its own
 * transaction with the checks of rrd_distributor_reassign_to_* but for
 * the status: a record moves whatever its status, except a deactivated
 * one (RRD_E_INVALID) and, without `force`, one under a live offer
 * (RRD_E_RULE_BOUND); with `force` the offer is withdrawn. A refused
 * record leaves the others be and goes to `refused` (may be NULL).
 * Auto-drain pools drain once, after the last record.
 * Returns RRD_OK, RRD_E_INVALID or RRD_E_VERSION (bad arguments or target
 * ids, nothing moved), or the status of the final drain's operation.
 */
rrd_status rrd__reassign_list(rrd_distributor *d, const char *const *record_ids, size_t n,
			      const rrd_move_target *to, const rrd_move_options *opts,
			      rrd_move_refused_fn refused, void *user);

#endif
