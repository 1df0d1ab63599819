/* Time from the host: firing due timers, and saying when the next is due. */
#include "distributor/dist.h"
#include "routing/routing.h"
#include "util/error.h"

RRD_API rrd_status rrd_distributor_advance(rrd_distributor *d, rrd_time now)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	/* Each timer is its own transaction: what fired stays fired if a
	 * later one fails, and other threads get a turn in between. */
	for (;;) {
		rrd__lock(d);
		rrd_status rc = rrd__txn_begin(d);
		if (rc) {
			rrd__unlock(d);
			return rc;
		}
		char key[2 * RRD_ID_MAX + 2];
		rrd_time due;
		rrd_store *st = d->store;
		int prc = st->m.timer_pop(st->self, now, key, sizeof key, &due);
		if (prc == RRD_E_NOTFOUND) {
			rrd__txn_end_read(d);
			rrd__unlock(d);
			return RRD_OK;
		}
		rc = rrd__store_status(prc, "taking a due timer");
		if (!rc) {
			/* What a timer causes happens at its due time. */
			d->now = due;
			d->now_valid = 1;
			rc = rrd__route_timer(d, key, due);
		}
		if (rc)
			rrd__txn_abort(d);
		else
			rc = rrd__txn_commit(d);
		rrd__unlock(d);
		if (rc)
			return rc;
	}
}

RRD_API rrd_status rrd_distributor_next_deadline(rrd_distributor *d, rrd_time *out)
{
	if (!d || !out)
		return rrd__fail(RRD_E_INVALID, "distributor and out must not be NULL");
	rrd__lock(d);
	rrd_status rc = rrd__txn_begin(d);
	if (!rc) {
		rrd_store *st = d->store;
		int trc = st->m.timer_next(st->self, out);
		rc = trc == RRD_E_NOTFOUND ? rrd__fail(RRD_E_NOTFOUND, "no timer is set")
					   : rrd__store_status(trc, "reading the next timer");
		rrd__txn_end_read(d);
	}
	rrd__unlock(d);
	return rc;
}
