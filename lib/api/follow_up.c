/* Follow-up statuses set on many records at once: all of them or none. */
#include "routing/routing.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

typedef struct follow_up_args {
	const char *const *ids;
	size_t n;
	const char *status;
} follow_up_args;

static rrd_status follow_up_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	follow_up_args *a = ctx;
	rrd_rec_rt *rec;
	rrd_status rc;
	/* Every id is checked before the first is changed. */
	for (size_t i = 0; i < a->n; i++)
		if ((rc = rrd__rec_get(d, a->ids[i], &rec)))
			return rc;
	for (size_t i = 0; i < a->n; i++) {
		if ((rc = rrd__rec_get(d, a->ids[i], &rec)) || (rc = rrd__rec_dirty(d, rec)) ||
		    (rc = rrd_record_set_follow_up(rec->r, a->status)))
			return rc;
		rrd_event ev = { .type = RRD_EVENT_FOLLOW_UP_SET, .at = now, .record = rec->r->id,
				 .follow_up = a->status };
		if ((rc = rrd__emit(d, &ev)))
			return rc;
	}
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_set_follow_up(rrd_distributor *d,
						 const char *const *record_ids, size_t n,
						 const char *status)
{
	if (!d || !record_ids || !n)
		return rrd__fail(RRD_E_INVALID, "distributor and a non-empty list of records are needed");
	rrd_status rc = status ? rrd__id_check(status, "follow-up status") : RRD_OK;
	for (size_t i = 0; !rc && i < n; i++)
		rc = rrd__id_check(record_ids[i], "record id");
	if (rc)
		return rc;
	follow_up_args a = { record_ids, n, status };
	return rrd__operation(d, follow_up_body, &a);
}
