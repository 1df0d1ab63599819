/* The one way a record changes hands: counters, reassignment time, the
 * queue, live offers and the `assigned` event, together. */
#include <string.h>

#include "core/core.h"
#include "routing/routing.h"
#include "util/alloc.h"
#include "util/error.h"

rrd_status rrd__give(rrd_distributor *d, rrd_rec_rt *rec, rrd_agent_rt *a, const rrd_give *gi,
		      rrd_time now)
{
	char previous[RRD_ID_MAX + 1]; /* read only when had_owner: not cleared */
	int had_owner = rec->r->owner != NULL;
	if (had_owner)
		memcpy(previous, rec->r->owner, strlen(rec->r->owner) + 1);
	rrd_status rc = RRD_OK;
	int was_queued = rec->r->status == RRD_RECORD_QUEUED;
	if (rec->r->status == RRD_RECORD_OFFERED && gi->via != RRD_VIA_CLAIM)
		rc = rrd__route_withdraw(d, rec);
	if (!rc)
		rc = rrd__rec_transition(d, rec, a, gi->status ? gi->status : RRD_RECORD_PENDING);
	if (!rc)
		rc = rrd__count_assignment(d, a, now);
	if (!rc &&
	    (gi->via == RRD_VIA_MANUAL || gi->via == RRD_VIA_REASSIGN ||
	     gi->via == RRD_VIA_REDISTRIBUTE || gi->via == RRD_VIA_TRANSFER))
		rec->r->reassigned_at = now;
	/* A drain takes only entries it read as drainable. */
	if (!rc && was_queued)
		rc = rrd__queue_remove(d, rec->r->id, gi->via == RRD_VIA_DRAIN ? 1 : -1);
	if (rc)
		return rc;
	rrd_skipped *sk = NULL;
	size_t nsk = gi->explain && d->opts.explain ? d->nskips : 0;
	if (nsk && !(sk = rrd__malloc(nsk * sizeof *sk)))
		return rrd__nomem();
	for (size_t i = 0; i < nsk; i++)
		sk[i] = (rrd_skipped){ d->agents[d->skips[i].agent]->id, d->skips[i].reason };
	const char *prev = gi->previous_set ? gi->previous : had_owner ? previous : NULL;
	rrd_event ev = { .type = RRD_EVENT_ASSIGNED, .at = now, .record = rec->r->id,
			 .agent = a->id, .previous = prev,
			 .pool = gi->pool, .rule = gi->rule, .strategy = gi->strategy,
			 .via = gi->via, .notify = gi->notify, .skipped = sk, .nskipped = nsk };
	rc = rrd__emit(d, &ev);
	rrd__free(sk);
	if (!rc && gi->integrations) {
		rrd_event in = { .type = RRD_EVENT_INTEGRATION, .at = now, .record = rec->r->id,
				 .agent = a->id };
		rc = rrd__emit(d, &in);
	}
	return rc;
}

