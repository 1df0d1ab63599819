/* Routing: which rule a record matches, and the manual queue. */
#ifndef RRD_ROUTING_ROUTING_H
#define RRD_ROUTING_ROUTING_H

#include "distributor/dist.h"

/* The first rule whose every condition holds, or NULL. */
const rrd_rule *rrd__rule_match(rrd_distributor *d, const rrd_record *r);

/* Put a record in the manual queue (status queued) and emit `queued`.
 * `pool`/`rule` name what queued it (may be NULL). */
rrd_status rrd__queue_push(rrd_distributor *d, rec_rt *rec, rrd_queue_reason reason,
			   const char *pool, const char *rule, rrd_time now);
/* Take a record out of the queue if it is there. */
rrd_status rrd__queue_remove(rrd_distributor *d, const char *record_id);

#endif
