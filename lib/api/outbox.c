/* Durable events left in the store's outbox, delivered again. */
#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

typedef struct redeliver_args {
	int64_t min_age;
	rrd_time until;     /* entries at or before this instant */
	rrd_evbatch *batch; /* what the scan took */
	rrd_status failed;  /* of the scan's callback */
	size_t taken;
	rrd_distributor *d;
} redeliver_args;

static int take_entry(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	redeliver_args *a = ctx;
	/* In the order they happened: the rest are younger still. */
	if (order > a->until)
		return 1;
	if (rrd__event_is_ours(a->d, key))
		return 0;
	a->failed = rrd__event_decode(value, len, key, a->batch);
	return a->failed != RRD_OK;
}

static rrd_status redeliver_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	redeliver_args *a = ctx;
	/* A run before this one found what may have changed since. */
	rrd__evbatch_reset(a->batch);
	a->failed = RRD_OK;
	a->d = d;
	a->until = now - a->min_age;
	rrd_store *st = d->store;
	rrd_status rc = rrd__store_status(st->m.scan(st->self, RRD_NS_OUTBOX, "", take_entry, a),
					  "reading the outbox");
	return rc ? rc : a->failed;
}

/* Under d->mu, after the transaction: the batch joins the committed
 * events, delivered when the call unlocks. */
static void redeliver_apply(rrd_distributor *d, void *ctx)
{
	redeliver_args *a = ctx;
	a->taken = a->batch->count;
	if (!a->taken)
		return;
	if (d->outbox_tail)
		d->outbox_tail->next = a->batch;
	else
		d->outbox = a->batch;
	d->outbox_tail = a->batch;
	a->batch = NULL;
}

RRD_API rrd_status rrd_distributor_redeliver(rrd_distributor *d, int64_t min_age, size_t *count)
{
	if (count)
		*count = 0;
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	if (min_age < 0 || min_age > RRD_DURATION_MAX)
		return rrd__fail(RRD_E_INVALID, "min_age must be 0 to %lld ms",
				 (long long)RRD_DURATION_MAX);
	/* Nobody to deliver to: leave them to a distributor that listens. */
	if (!d->opts.on_event)
		return RRD_OK;
	redeliver_args a = { .min_age = min_age, .batch = rrd__calloc(1, sizeof(rrd_evbatch)) };
	if (!a.batch)
		return rrd__nomem();
	rrd_txn t = { .kind = RRD_TXN_READ, .body = redeliver_body, .apply = redeliver_apply };
	rrd_status rc = rrd__run(d, &t, &a);
	rrd__evbatch_free(a.batch);
	if (!rc && count)
		*count = a.taken;
	return rc;
}
