/* The accessors a host reads events with. */
#include "events/event.h"
#include "util/error.h"

static const char *const type_names[] = {
	NULL, "offered", "offer_expired", "claimed", "claim_rejected", "claimed_by_other",
	"assigned", "queued", "integration", "deactivated", "follow_up_set",
	"redistribution_started", "redistribution_progress", "redistribution_completed",
	"undone"
};

RRD_API const char *rrd_event_type_name(rrd_event_type type)
{
	if (type < RRD_EVENT_OFFERED || type > RRD_EVENT_UNDONE)
		return NULL;
	return type_names[type];
}

static const char *const via_names[] = {
	NULL, "route", "claim", "manual", "reassign", "redistribute", "transfer", "undo", "drain"
};

RRD_API const char *rrd_via_name(rrd_via via)
{
	if (via < RRD_VIA_ROUTE || via > RRD_VIA_DRAIN)
		return NULL;
	return via_names[via];
}

static const char *const claim_names[] = {
	NULL, "already_claimed", "not_offered", "declined", "expired"
};

RRD_API const char *rrd_claim_result_name(rrd_claim_result result)
{
	if (result < RRD_CLAIM_ALREADY_CLAIMED || result > RRD_CLAIM_EXPIRED)
		return NULL;
	return claim_names[result];
}

RRD_API rrd_event_type rrd_event_type_of(const rrd_event *e)
{
	return e ? e->type : (rrd_event_type)0;
}

RRD_API const char *rrd_event_id(const rrd_event *e)
{
	if (!e)
		return NULL;
	if (!e->id) {
		/* Formatted when first asked: the host's callback is the one
		 * reader of an event, and events are never const objects. */
		rrd_event *m = (rrd_event *)e;
		rrd__event_id_format(m->idbuf, m->token, m->serial);
		m->id = m->idbuf;
	}
	return e->id;
}

RRD_API rrd_time rrd_event_time(const rrd_event *e)
{
	return e ? e->at : 0;
}

RRD_API const char *rrd_event_record(const rrd_event *e)
{
	return e ? e->record : NULL;
}

RRD_API const char *rrd_event_agent(const rrd_event *e)
{
	return e ? e->agent : NULL;
}

RRD_API const char *rrd_event_previous(const rrd_event *e)
{
	return e ? e->previous : NULL;
}

RRD_API const char *rrd_event_pool(const rrd_event *e)
{
	return e ? e->pool : NULL;
}

RRD_API const char *rrd_event_rule(const rrd_event *e)
{
	return e ? e->rule : NULL;
}

RRD_API const char *rrd_event_strategy(const rrd_event *e)
{
	return e ? e->strategy : NULL;
}

RRD_API rrd_via rrd_event_via(const rrd_event *e)
{
	return e ? e->via : (rrd_via)0;
}

RRD_API rrd_queue_reason rrd_event_queue_reason(const rrd_event *e)
{
	return e ? e->queue_reason : (rrd_queue_reason)0;
}

RRD_API rrd_claim_result rrd_event_claim_result(const rrd_event *e)
{
	return e ? e->claim_result : RRD_CLAIM_WON;
}

RRD_API int rrd_event_deadline(const rrd_event *e, rrd_time *deadline)
{
	if (!e || !e->has_deadline)
		return 0;
	if (deadline)
		*deadline = e->deadline;
	return 1;
}

RRD_API int rrd_event_notify(const rrd_event *e)
{
	return e ? e->notify : 0;
}

RRD_API const char *rrd_event_replaced_by(const rrd_event *e)
{
	return e ? e->replaced_by : NULL;
}

RRD_API const char *rrd_event_follow_up(const rrd_event *e)
{
	return e ? e->follow_up : NULL;
}

RRD_API const char *rrd_event_job(const rrd_event *e)
{
	return e ? e->job : NULL;
}

RRD_API void rrd_event_counts(const rrd_event *e, int64_t *done, int64_t *total,
			      int64_t *held)
{
	if (done)
		*done = e ? e->done : 0;
	if (total)
		*total = e ? e->total : 0;
	if (held)
		*held = e ? e->held : 0;
}

RRD_API size_t rrd_event_skipped_count(const rrd_event *e)
{
	return e ? e->nskipped : 0;
}

RRD_API rrd_status rrd_event_skipped(const rrd_event *e, size_t i, const char **agent,
				     rrd_skip_reason *reason)
{
	if (!e || i >= e->nskipped)
		return rrd__fail(RRD_E_INVALID, "no skipped member %zu", i);
	if (agent)
		*agent = e->skipped[i].agent;
	if (reason)
		*reason = e->skipped[i].reason;
	return RRD_OK;
}
