/* Partner transfer: the record's copy goes to the new partner's agent and
 * the original is deactivated, so each partner keeps its own history. */
#include <string.h>

#include "api/move_options.h"
#include "core/core.h"
#include "routing/routing.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

typedef struct transfer_args {
	const char *record, *partner, *agent, *new_id;
	rrd_move_options o;
} transfer_args;

/* The copy the new partner receives: the host's fields of the original,
 * none of its distribution state. */
static rrd_status make_copy(const rrd_record *orig, const char *new_id, const char *partner,
			    rrd_time now, rrd_record **out)
{
	rrd_record *c;
	rrd_status rc = rrd__record_new_from(&c, new_id, orig);
	if (rc)
		return rc;
	if ((rc = rrd_record_set_partner(c, partner)) ||
	    (rc = rrd__set_optional_id(&c->follow_up, orig->follow_up, "follow-up status",
				       RRD_ID_STORED))) {
		rrd_record_free(c);
		return rc;
	}
	c->created_at = now;
	*out = c;
	return RRD_OK;
}

static rrd_status transfer_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	transfer_args *a = ctx;
	rrd_rec_rt *rec;
	rrd_status rc = rrd__rec_get(d, a->record, &rec);
	if (rc)
		return rc;
	if (!a->agent)
		return rrd__fail(RRD_E_INVALID, "a transfer names the agent who receives the record");
	rrd_agent_rt *ag = rrd__agent_find(d, a->agent);
	if (!ag)
		return rrd__fail(RRD_E_UNKNOWN_AGENT, "no agent \"%s\"", a->agent);
	if (!ag->cfg->active)
		return rrd__fail(RRD_E_INVALID, "agent \"%s\" is inactive", ag->id);
	if (ag->cfg->partner && strcmp(ag->cfg->partner, a->partner) != 0)
		return rrd__fail(RRD_E_INVALID, "agent \"%s\" works for partner \"%s\", not \"%s\"",
				 ag->id, ag->cfg->partner, a->partner);
	if (rec->r->status == RRD_RECORD_DEACTIVATED)
		return rrd__fail(RRD_E_INVALID, "record \"%s\" is deactivated", rec->r->id);

	char previous[RRD_ID_MAX + 1] = "";
	int had_owner = rec->r->owner != NULL;
	if (had_owner)
		memcpy(previous, rec->r->owner, strlen(rec->r->owner) + 1);
	rrd_record *copy;
	if ((rc = make_copy(rec->r, a->new_id, a->partner, now, &copy)))
		return rc;
	/* Adding may move the cache, so the original is looked up again. */
	rrd_rec_rt *dup;
	if ((rc = rrd__rec_add(d, copy, RRD_REC_ASK, &dup))) {
		rrd_record_free(copy);
		return rc;
	}
	if ((rc = rrd__rec_get(d, a->record, &rec)))
		return rc;

	rrd_record_status was = rec->r->status;
	if (was == RRD_RECORD_OFFERED && (rc = rrd__route_withdraw(d, rec)))
		return rc;
	if (was == RRD_RECORD_QUEUED && (rc = rrd__queue_remove(d, rec->r->id, -1)))
		return rc;
	rrd_agent_rt *owner = had_owner ? rrd__agent_find(d, previous) : NULL;
	if ((rc = rrd__rec_transition(d, rec, owner, RRD_RECORD_DEACTIVATED)) ||
	    (rc = rrd__record_set_replaced_by(rec->r, a->new_id)))
		return rc;

	rrd_give gi = { .via = RRD_VIA_TRANSFER, .notify = a->o.notify,
			.integrations = a->o.integrations, .previous_set = 1,
			.previous = had_owner ? previous : NULL };
	if ((rc = rrd__rec_get(d, a->new_id, &dup)) || (rc = rrd__give(d, dup, ag, &gi, now)))
		return rc;
	rrd_event ev = { .type = RRD_EVENT_DEACTIVATED, .at = now, .record = a->record,
			 .replaced_by = a->new_id };
	return rrd__emit(d, &ev);
}

RRD_API rrd_status rrd_distributor_transfer(rrd_distributor *d, const char *record_id,
					    const char *partner, const char *agent_id,
					    const char *new_id, const rrd_move_options *opts)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	transfer_args a = { record_id, partner, agent_id, new_id, { 0 } };
	rrd_status rc = rrd__move_options(opts, &a.o);
	if (!rc)
		rc = rrd__id_check(record_id, "record id");
	if (!rc)
		rc = rrd__id_check(partner, "partner");
	if (!rc && agent_id)
		rc = rrd__id_check(agent_id, "agent id");
	if (!rc)
		rc = rrd__id_check(new_id, "new record id");
	if (rc)
		return rc;
	return rrd__operation(d, transfer_body, &a);
}
