/* The manual queue: records nobody took, oldest first, each with why. */
#include "routing/routing.h"
#include "util/buf.h"
#include "util/error.h"

#define QUEUE_FORMAT 1

rrd_status rrd__queue_push(rrd_distributor *d, rec_rt *rec, rrd_queue_reason reason,
			   const char *pool, const char *rule, rrd_time now)
{
	int64_t seq;
	rrd_status rc = rrd__meta_counter_next(d, &d->queue_seq, &seq);
	if (rc || (rc = rrd__rec_transition(d, rec, NULL, RRD_RECORD_QUEUED)))
		return rc;
	rrd_buf b = { 0 };
	rrd__buf_u8(&b, QUEUE_FORMAT);
	rrd__buf_u8(&b, (uint8_t)reason);
	rrd__buf_i64(&b, now);
	rrd__buf_str(&b, pool);
	rrd__buf_str(&b, rule);
	rrd_store *st = d->store;
	rc = b.failed ? rrd__nomem()
		      : rrd__store_status(st->m.put(st->self, RRD_NS_QUEUE, rec->r->id, b.data,
						    b.len, seq),
					  "queueing a record");
	rrd__buf_free(&b);
	if (rc)
		return rc;
	rrd_event ev = { .type = RRD_EVENT_QUEUED, .at = now, .record = rec->r->id,
			 .queue_reason = reason };
	return rrd__emit(d, &ev);
}

rrd_status rrd__queue_remove(rrd_distributor *d, const char *record_id)
{
	rrd_store *st = d->store;
	int rc = st->m.del(st->self, RRD_NS_QUEUE, record_id);
	if (rc == RRD_E_NOTFOUND)
		return RRD_OK;
	return rrd__store_status(rc, "taking a record from the queue");
}
