/* A distributor's life: creation, locking, transactions and teardown. */
#include <string.h>
#include <time.h>

#include "distributor/config_store.h"
#include "distributor/dist.h"
#include "geo/kdtree.h"
#include "routing/routing.h"
#include "time/instant.h"
#include "util/alloc.h"
#include "util/error.h"

#define REDISTRIBUTE_MAX_DEFAULT 15000

static const size_t options_size[] = {
	0, sizeof(rrd_distributor_options) /* version 1 */
};

RRD_API rrd_status rrd_distributor_options_init(rrd_distributor_options *opts,
						unsigned int version)
{
	if (!opts)
		return rrd__fail(RRD_E_INVALID, "options must not be NULL");
	if (version < 1 || version > RRD_DISTRIBUTOR_OPTIONS_VERSION)
		return rrd__fail(RRD_E_VERSION, "distributor options version %u is not one of 1..%u",
				 version, RRD_DISTRIBUTOR_OPTIONS_VERSION);
	memset(opts, 0, options_size[version]);
	opts->version = version;
	return RRD_OK;
}

static rrd_time system_clock(void *user)
{
	(void)user;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (rrd_time)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

rrd_time rrd__now(rrd_distributor *d)
{
	if (!d->now_valid) {
		/* Whatever the host's clock says, times stay within bounds. */
		d->now = rrd__time_clamp(d->opts.clock(d->opts.clock_user));
		d->now_valid = 1;
	}
	return d->now;
}

RRD_API rrd_time rrd_distributor_now(rrd_distributor *d)
{
	if (!d)
		return 0;
	rrd__lock(d);
	rrd_time t = rrd__now(d);
	rrd__unlock(d);
	return t;
}

void rrd__lock(rrd_distributor *d)
{
	pthread_mutex_lock(&d->mu);
}

void rrd__unlock(rrd_distributor *d)
{
	rrd__rec_trim(d);
	int deliver = rrd__deliver_claim(d);
	d->now_valid = 0;
	pthread_mutex_unlock(&d->mu);
	if (deliver)
		rrd__deliver_claimed(d);
}

int rrd__dirty_add(rrd_dirty_list *l, void *item)
{
	if (rrd__grow((void **)&l->items, &l->cap, l->count + 1, sizeof(void *)))
		return -1;
	l->items[l->count++] = item;
	return 0;
}

static void clear_dirty_marks(rrd_distributor *d)
{
	for (size_t i = 0; i < d->dirty_agents.count; i++)
		((agent_rt *)d->dirty_agents.items[i])->st.dirty = 0;
	for (size_t i = 0; i < d->dirty_states.count; i++)
		((strat_state *)d->dirty_states.items[i])->dirty = 0;
	for (size_t i = 0; i < d->dirty_recs.count; i++) {
		/* Records are kept by index: the array may have moved. */
		size_t idx = (size_t)(uintptr_t)d->dirty_recs.items[i];
		if (idx < d->nrecs)
			d->recs[idx].dirty = 0;
	}
	for (size_t i = 0; i < d->dirty_meta.count; i++)
		((meta_counter *)d->dirty_meta.items[i])->dirty = 0;
	d->dirty_agents.count = d->dirty_states.count = 0;
	d->dirty_recs.count = d->dirty_meta.count = 0;
}

rrd_status rrd__txn_begin(rrd_distributor *d)
{
	uint64_t gen = 0;
	rrd_store *st = d->store;
	int rc = st->m.begin(st->self, 0, &gen);
	if (rc)
		return rrd__store_status(rc, "begin");
	d->in_txn = 1;
	if (gen != d->generation) {
		/* Someone else committed: what we cached may be stale. */
		d->epoch++;
		d->generation = gen;
		int64_t version;
		rrd_status s = rrd__config_version_read(d, &version);
		if (!s && version != d->config_version)
			s = rrd__config_load(d);
		if (s) {
			/* The next transaction reads it all again: what is
			 * cached is stale, or gone with the load that failed. */
			d->generation = UINT64_MAX;
			rrd__txn_abort(d);
			return s;
		}
	}
	return RRD_OK;
}

rrd_status rrd__txn_commit(rrd_distributor *d)
{
	rrd_store *st = d->store;
	rrd_status s = rrd__flush(d);
	if (s) {
		rrd__txn_abort(d);
		return s;
	}
	int rc = st->m.commit(st->self);
	if (rc) {
		s = rrd__store_status(rc, "commit");
		rrd__txn_abort(d);
		return s;
	}
	d->in_txn = 0;
	d->generation++;
	clear_dirty_marks(d);
	if (d->pending) {
		if (d->outbox_tail)
			d->outbox_tail->next = d->pending;
		else
			d->outbox = d->pending;
		d->outbox_tail = d->pending;
		d->pending = NULL;
	}
	return RRD_OK;
}

void rrd__txn_abort(rrd_distributor *d)
{
	rrd_store *st = d->store;
	if (d->in_txn) {
		/* Keep the message of the failure that made us roll back. */
		rrd_error_saved cause;
		rrd__error_save(&cause);
		st->m.rollback(st->self);
		rrd__error_restore(&cause);
	}
	d->in_txn = 0;
	d->epoch++;
	clear_dirty_marks(d);
	rrd__evbatch_free(d->pending);
	d->pending = NULL;
}

rrd_status rrd__refresh(rrd_distributor *d)
{
	rrd_status rc = rrd__txn_begin(d);
	if (!rc)
		rrd__txn_end_read(d);
	return rc;
}

void rrd__txn_end_read(rrd_distributor *d)
{
	if (d->dirty_agents.count || d->dirty_states.count || d->dirty_recs.count ||
	    d->dirty_meta.count || d->pending) {
		rrd__txn_abort(d);
		return;
	}
	rrd_store *st = d->store;
	st->m.rollback(st->self);
	d->in_txn = 0;
}

rrd_status rrd__operation(rrd_distributor *d, rrd_op_fn body, void *ctx)
{
	return rrd__operation_ex(d, body, ctx, 1);
}

rrd_status rrd__operation_ex(rrd_distributor *d, rrd_op_fn body, void *ctx, int drain)
{
	/* What the body gets past (a calendar that cannot answer) leaves
	 * no message when the operation succeeds. */
	rrd__error_keep();
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	rrd_status rc = rrd__txn_begin(d);
	if (!rc) {
		/* Every operation ends by letting auto-drain pools take back
		 * what someone can take now. */
		if ((rc = body(d, ctx, now)) || (drain && (rc = rrd__drain(d, now))))
			rrd__txn_abort(d);
		else
			rc = rrd__txn_commit(d);
	}
	rrd__unlock(d);
	return rrd__error_kept(rc);
}

rrd_status rrd__config_change(rrd_distributor *d, const rrd_config_change *change, void *ctx)
{
	rrd__error_keep();
	rrd__lock(d);
	int64_t version = 0;
	rrd_status rc = rrd__txn_begin(d);
	if (!rc) {
		/* Only now, after the reload, is the version the one to follow. */
		version = d->config_version + 1;
		if ((rc = rrd__config_version_write(d, version)) || (rc = change->write(d, ctx)))
			rrd__txn_abort(d);
		else
			rc = rrd__txn_commit(d);
	}
	if (!rc) {
		d->config_version = version;
		if (change->apply)
			change->apply(d, ctx);
	}
	/* The change is committed whatever happens here; a drain that fails
	 * now runs again after the next operation, and the call succeeded. */
	if (!rc && change->drain)
		(void)rrd__drain_now(d);
	rrd__unlock(d);
	return rrd__error_kept(rc);
}

void rrd__config_forget(rrd_distributor *d)
{
	d->generation = UINT64_MAX;
	d->config_version = -1;
}

rrd_status rrd__read(rrd_distributor *d, rrd_op_fn body, void *ctx)
{
	rrd__error_keep();
	rrd__lock(d);
	rrd_status rc = rrd__txn_begin(d);
	if (!rc) {
		rc = body(d, ctx, rrd__now(d));
		rrd__txn_end_read(d);
	}
	rrd__unlock(d);
	return rrd__error_kept(rc);
}

RRD_API rrd_status rrd_distributor_new(rrd_distributor **out, rrd_store *store,
				       const rrd_distributor_options *opts)
{
	if (!out || !store)
		return rrd__fail(RRD_E_INVALID, "out and store must not be NULL");
	*out = NULL;
	if (opts && (opts->version < 1 || opts->version > RRD_DISTRIBUTOR_OPTIONS_VERSION))
		return rrd__fail(RRD_E_VERSION, "distributor options version %u is not one of 1..%u",
				 opts->version, RRD_DISTRIBUTOR_OPTIONS_VERSION);
	if (opts && opts->redistribute_max < 0 && opts->redistribute_max != RRD_REDISTRIBUTE_NONE)
		return rrd__fail(RRD_E_INVALID,
				 "redistribute_max must not be negative, but RRD_REDISTRIBUTE_NONE");
	rrd_distributor *d = rrd__calloc(1, sizeof *d);
	if (!d)
		return rrd__nomem();
	rrd_distributor_options_init(&d->opts, RRD_DISTRIBUTOR_OPTIONS_VERSION);
	if (opts)
		memcpy(&d->opts, opts, options_size[opts->version]);
	d->opts.version = RRD_DISTRIBUTOR_OPTIONS_VERSION;
	if (!d->opts.clock)
		d->opts.clock = system_clock;
	if (!d->opts.redistribute_max)
		d->opts.redistribute_max = REDISTRIBUTE_MAX_DEFAULT;
	else if (d->opts.redistribute_max == RRD_REDISTRIBUTE_NONE)
		d->opts.redistribute_max = 0; /* from here on, the limit itself */
	d->store = store;
	d->epoch = 1;
	d->config_version = -1;
	d->record_seq.key = "seq.record";
	d->queue_seq.key = "seq.queue";
	d->timer_seq.key = "seq.timer";
	d->job_seq.key = "seq.job";
	d->agent_tree_stale = 1;
	d->advanced_to = INT64_MIN;
	if (pthread_mutex_init(&d->mu, NULL)) {
		rrd__free(d);
		return rrd__fail(RRD_E_STATE, "cannot create a mutex");
	}
	/* Force the first transaction to read everything. */
	d->generation = UINT64_MAX;
	rrd_status rc = rrd__txn_begin(d);
	if (!rc && d->config_version < 0)
		rc = rrd__config_load(d);
	if (!rc)
		rc = rrd__txn_commit(d);
	else if (d->in_txn)
		rrd__txn_abort(d);
	if (rc) {
		rrd_distributor_free(d);
		return rc;
	}
	*out = d;
	return RRD_OK;
}

RRD_API void rrd_distributor_free(rrd_distributor *d)
{
	if (!d)
		return;
	rrd__deliver(d);
	rrd__config_clear(d);
	for (size_t i = 0; i < d->nrecs; i++)
		rrd_record_free(d->recs[i].r);
	rrd__free(d->recs);
	rrd__free(d->rec_free);
	rrd__free(d->settled);
	rrd__hashmap_free(&d->rec_map);
	for (size_t i = 0; i < d->ncustoms; i++) {
		if (d->customs[i].m.release)
			d->customs[i].m.release(d->customs[i].user);
		rrd__free(d->customs[i].name);
	}
	rrd__free(d->customs);
	rrd__free(d->dirty_agents.items);
	rrd__free(d->dirty_states.items);
	rrd__free(d->dirty_recs.items);
	rrd__free(d->dirty_meta.items);
	rrd__evbatch_free(d->pending);
	rrd__evbatch_free(d->spare);
	while (d->outbox) {
		rrd_evbatch *next = d->outbox->next;
		rrd__evbatch_free(d->outbox);
		d->outbox = next;
	}
	rrd__free(d->skips);
	rrd__buf_free(&d->scratch);
	rrd__kdtree_free(d->agent_tree);
	pthread_mutex_destroy(&d->mu);
	rrd__free(d);
}
