/* A distributor's life in the core: made with its configuration read,
 * freed with every cache the layers above hung off it. */
#include <string.h>

#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/random.h"

/* The first transaction reads everything: forced by a generation that
 * no store has. */
static rrd_status first_read(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)ctx;
	(void)now;
	rrd_status rc = d->config_version < 0 ? rrd__config_load(d) : RRD_OK;
	return rc ? rc : rrd__by_owner_look(d);
}

rrd_status rrd__core_new(rrd_distributor **out, rrd_store *store,
			 const rrd_distributor_options *opts)
{
	rrd_distributor *d = rrd__calloc(1, sizeof *d);
	if (!d)
		return rrd__nomem();
	d->opts = *opts;
	d->store = store;
	d->epoch = 1;
	d->config_gen = 1;
	d->config_version = -1;
	d->advanced_to = INT64_MIN;
	if (pthread_mutex_init(&d->mu, NULL)) {
		rrd__free(d);
		return rrd__fail(RRD_E_STATE, "cannot create a mutex");
	}
	d->generation = UINT64_MAX;
	rrd__event_token(d->token, rrd__random_token());
	rrd_txn t = { .kind = RRD_TXN_WRITE, .body = first_read, .own_clock = 1 };
	rrd_status rc = rrd__run(d, &t, NULL);
	/* A store that holds records from before the index: once. */
	if (!rc && d->by_owner == RRD_BY_OWNER_KEPT)
		rc = rrd__by_owner_build(d);
	if (rc) {
		rrd__core_free(d);
		return rc;
	}
	*out = d;
	return RRD_OK;
}

void rrd__core_free(rrd_distributor *d)
{
	rrd__deliver(d);
	/* What was delivered need not be delivered again after a restart:
	 * worth a transaction, not a failure. */
	if (d->nacks)
		(void)rrd__events_ack_now(d);
	for (size_t i = 0; i < d->nacks; i++)
		rrd__free(d->acks[i]);
	rrd__free(d->acks);
	rrd__config_clear(d);
	for (size_t i = 0; i < d->nrecs; i++)
		rrd_record_free(d->recs[i].r);
	rrd__free(d->recs);
	rrd__free(d->rec_free);
	rrd__free(d->settled);
	rrd__arena_free(&d->by_owner_noted);
	rrd__by_owner_free(d);
	rrd__hashmap_free(&d->rec_map);
	for (size_t i = 0; i < d->ncustoms; i++) {
		if (d->customs[i].m.release)
			d->customs[i].m.release(d->customs[i].user);
		rrd__free(d->customs[i].name);
	}
	rrd__free(d->customs);
	for (size_t i = 0; i < d->ncaches; i++)
		d->caches[i].kind->free(d->caches[i].data);
	rrd__free(d->caches);
	rrd__free(d->dirty_agents.items);
	rrd__free(d->dirty_states.items);
	rrd__free(d->dirty_recs.items);
	rrd__free(d->dirty_meta.items);
	rrd__free(d->wants);
	rrd__evbatch_free(d->pending);
	rrd__evbatch_free(d->spare);
	while (d->outbox) {
		rrd_evbatch *next = d->outbox->next;
		rrd__evbatch_free(d->outbox);
		d->outbox = next;
	}
	rrd__free(d->skips);
	rrd__puts_free(&d->commit_puts);
	rrd__get_arrays_free(&d->get_arrays);
	pthread_mutex_destroy(&d->mu);
	rrd__free(d);
}
