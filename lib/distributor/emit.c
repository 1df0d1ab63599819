/*
 * Events reach the host after the commit that made them true, in commit
 * order, with no distributor lock held. One thread delivers at a time
 * (emit_mu); a callback that calls back into the distributor adds events
 * that the loop below delivers after the current callback returns.
 */
#include "distributor/dist.h"
#include "util/alloc.h"
#include "util/error.h"

static _Thread_local rrd_distributor *delivering;

rrd_status rrd__emit(rrd_distributor *d, const rrd_event *ev)
{
	if (!d->opts.on_event)
		return RRD_OK;
	if (!d->pending) {
		/* Most operations emit a few events: reuse the last batch's
		 * memory rather than allocate a new arena every time. */
		d->pending = d->spare ? d->spare : rrd__calloc(1, sizeof *d->pending);
		d->spare = NULL;
		if (!d->pending)
			return rrd__nomem();
	}
	return rrd__evbatch_add(d->pending, ev);
}

void rrd__deliver(rrd_distributor *d)
{
	if (delivering == d)
		return;
	pthread_mutex_lock(&d->emit_mu);
	rrd_distributor *outer = delivering;
	delivering = d;
	for (;;) {
		pthread_mutex_lock(&d->mu);
		rrd_evbatch *batch = d->outbox;
		d->outbox = d->outbox_tail = NULL;
		pthread_mutex_unlock(&d->mu);
		if (!batch)
			break;
		while (batch) {
			for (size_t i = 0; i < batch->count; i++)
				d->opts.on_event(d->opts.event_user, &batch->events[i]);
			rrd_evbatch *next = batch->next;
			rrd__evbatch_reset(batch);
			pthread_mutex_lock(&d->mu);
			if (!d->spare) {
				d->spare = batch;
				batch = NULL;
			}
			pthread_mutex_unlock(&d->mu);
			rrd__evbatch_free(batch);
			batch = next;
		}
	}
	delivering = outer;
	pthread_mutex_unlock(&d->emit_mu);
}
