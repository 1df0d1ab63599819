/*
 * Events reach the host after the commit that made them true, in commit
 * order, holding no lock: a callback may wait for another thread that is
 * calling the same distributor. One thread delivers at a time, marked by
 * d->delivering under d->mu. A thread that commits while another delivers
 * leaves its batches in the outbox for that thread, which takes them in
 * order before it stops delivering; so does a callback that calls back
 * into the distributor, whose events come after it returns.
 */
#include <string.h>

#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

rrd_status rrd__emit(rrd_distributor *d, const rrd_event *ev)
{
	/* Durable events are kept even with nobody listening yet: another
	 * process may deliver them. */
	if (!d->opts.on_event && !d->opts.durable_events)
		return RRD_OK;
	if (!d->pending) {
		/* Most operations emit a few events: reuse the last batch's
		 * memory rather than allocate a new arena every time. */
		d->pending = d->spare ? d->spare : rrd__calloc(1, sizeof *d->pending);
		d->spare = NULL;
		if (!d->pending)
			return rrd__nomem();
	}
	rrd_status rc = rrd__evbatch_add(d->pending, ev);
	if (!rc) {
		rrd_event *e = &d->pending->events[d->pending->count - 1];
		e->token = d->token;
		e->serial = ++d->event_serial;
	}
	return rc;
}

rrd_status rrd__events_flush(rrd_distributor *d)
{
	rrd_status rc = RRD_OK;
	if (d->nacks) {
		rc = rrd__del_many(d, RRD_NS_OUTBOX, d->nacks, (const char *const *)d->acks,
				   "deleting delivered events");
		if (rc)
			return rc;
		d->acks_sent = d->nacks;
	}
	if (!d->opts.durable_events || !d->pending)
		return RRD_OK;
	/* The transaction's events go in one put_many. */
	rrd_puts *p = &d->commit_puts;
	for (size_t i = 0; !rc && i < d->pending->count; i++) {
		rrd_event *e = &d->pending->events[i];
		size_t from = p->bytes.len;
		rrd__event_encode(e, &p->bytes);
		const char *id = rrd_event_id(e);
		rc = rrd__puts_add(p, id, strlen(id), from, e->at);
	}
	if (rc) {
		rrd__puts_reset(p);
		return rc;
	}
	return rrd__puts_write(d, p, RRD_NS_OUTBOX, "writing an event to the outbox");
}

void rrd__events_committed(rrd_distributor *d)
{
	if (!d->acks_sent)
		return;
	for (size_t i = 0; i < d->acks_sent; i++)
		rrd__free(d->acks[i]);
	memmove(d->acks, d->acks + d->acks_sent, (d->nacks - d->acks_sent) * sizeof *d->acks);
	d->nacks -= d->acks_sent;
	d->acks_sent = 0;
}

/* Under d->mu: a delivered batch's events that are in the outbox (our
 * own when durable, and those read back from it) are to be deleted. A
 * failure to note one only means it is delivered again after a crash. */
static void note_delivered(rrd_distributor *d, rrd_evbatch *batch)
{
	/* Without a listener here, another process's may deliver them. */
	if (!d->opts.on_event || !batch->count)
		return;
	/* A batch is one or the other: read back, or made here (a token). */
	int read_back = batch->events[0].token == NULL;
	if (!d->opts.durable_events && !read_back)
		return;
	if (rrd__grow((void **)&d->acks, &d->acks_cap, d->nacks + batch->count, sizeof *d->acks))
		return;
	for (size_t i = 0; i < batch->count; i++) {
		char *id = rrd__strdup(rrd_event_id(&batch->events[i]));
		if (id)
			d->acks[d->nacks++] = id;
	}
}

static rrd_status ack_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)d;
	(void)ctx;
	(void)now;
	return RRD_OK; /* the commit deletes them (rrd__events_flush) */
}

rrd_status rrd__events_ack_now(rrd_distributor *d)
{
	rrd_txn t = { .kind = RRD_TXN_WRITE, .body = ack_body, .own_clock = 1 };
	return rrd__run(d, &t, NULL);
}

int rrd__event_is_ours(const rrd_distributor *d, const char *id)
{
	if (strncmp(id, d->token, 16) == 0 && id[16] == '-')
		return 1;
	for (size_t i = 0; i < d->nacks; i++)
		if (strcmp(d->acks[i], id) == 0)
			return 1;
	return 0;
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
				if (d->opts.on_event)
					d->opts.on_event(d->opts.event_user, &batch->events[i]);
			rrd_evbatch *next = batch->next;
			pthread_mutex_lock(&d->mu);
			note_delivered(d, batch);
			rrd__evbatch_reset(batch);
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
