/*
 * Events reach the host after the commit that made them true, in commit
 * order, holding no lock: a callback may wait for another thread that is
 * calling the same distributor. One thread delivers at a time, marked by
 * d->delivering under d->mu. A thread that commits while another delivers
 * leaves its batches in the outbox for that thread, which takes them in
 * order before it stops delivering; so does a callback that calls back
 * into the distributor, whose events come after it returns.
 */
#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

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

int rrd__deliver_claim(rrd_distributor *d)
{
	if (d->delivering || !d->outbox)
		return 0;
	d->delivering = 1;
	return 1;
}

void rrd__deliver_claimed(rrd_distributor *d)
{
	pthread_mutex_lock(&d->mu);
	for (;;) {
		rrd_evbatch *batch = d->outbox;
		d->outbox = d->outbox_tail = NULL;
		if (!batch)
			break;
		pthread_mutex_unlock(&d->mu);
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
		pthread_mutex_lock(&d->mu);
	}
	/* Under the lock that every commit holds: whoever commits after
	 * this finds nobody delivering and delivers itself. */
	d->delivering = 0;
	pthread_mutex_unlock(&d->mu);
}

void rrd__deliver(rrd_distributor *d)
{
	pthread_mutex_lock(&d->mu);
	int mine = rrd__deliver_claim(d);
	pthread_mutex_unlock(&d->mu);
	if (mine)
		rrd__deliver_claimed(d);
}
