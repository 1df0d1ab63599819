/*
 * Locking and transactions: the one runner every operation, read and
 * configuration change goes through, so that beginning, rolling back and
 * committing, and what each does to the caches, are written once.
 */
#include <string.h>

#include "core/config_store.h"
#include "core/core.h"
#include "time/instant.h"
#include "util/alloc.h"
#include "util/compiler.h"
#include "util/error.h"

rrd_time rrd__now(rrd_distributor *d)
{
	if (!d->now_valid) {
		/* Whatever the host's clock says, times stay within bounds. */
		d->now = rrd__time_clamp(d->opts.clock(d->opts.clock_user));
		d->now_valid = 1;
	}
	return d->now;
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
		((rrd_agent_rt *)d->dirty_agents.items[i])->st.dirty = 0;
	for (size_t i = 0; i < d->dirty_states.count; i++)
		((rrd_strat_state *)d->dirty_states.items[i])->dirty = 0;
	for (size_t i = 0; i < d->dirty_recs.count; i++) {
		/* Records are kept by index: the array may have moved. */
		size_t idx = (size_t)(uintptr_t)d->dirty_recs.items[i];
		if (idx < d->nrecs)
			d->recs[idx].dirty = 0;
	}
	for (size_t i = 0; i < d->dirty_meta.count; i++)
		((rrd_meta_counter *)d->dirty_meta.items[i])->dirty = 0;
	d->dirty_agents.count = d->dirty_states.count = 0;
	d->dirty_recs.count = d->dirty_meta.count = 0;
}

static void txn_abort(rrd_distributor *d);

static rrd_status txn_begin(rrd_distributor *d)
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
			txn_abort(d);
			return s;
		}
	}
	return RRD_OK;
}

static rrd_status txn_commit(rrd_distributor *d)
{
	rrd_store *st = d->store;
	rrd_status s = rrd__flush(d);
	if (s) {
		txn_abort(d);
		return s;
	}
	int rc = st->m.commit(st->self);
	if (rc) {
		s = rrd__store_status(rc, "commit");
		txn_abort(d);
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

static void txn_abort(rrd_distributor *d)
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

static void txn_end_read(rrd_distributor *d)
{
	if (d->dirty_agents.count || d->dirty_states.count || d->dirty_recs.count ||
	    d->dirty_meta.count || d->pending) {
		txn_abort(d);
		return;
	}
	rrd_store *st = d->store;
	st->m.rollback(st->self);
	d->in_txn = 0;
}


void rrd__txn_wrote_nothing(rrd_distributor *d)
{
	d->txn_wrote_nothing = 1;
}

/* Write the configuration version that follows the one just read. */
static rrd_status next_config_version(rrd_distributor *d, int64_t *version)
{
	/* Only now, after the reload, is the version the one to follow. */
	*version = d->config_version + 1;
	return rrd__config_version_write(d, *version);
}

/* rrd__run, d->mu held: inlined there, as every call runs through it. */
static RRD_ALWAYS_INLINE rrd_status run_locked(rrd_distributor *d, const rrd_txn *t, void *ctx)
{
	/* A configuration change needs no time, and a body that may need
	 * none reads the clock itself (rrd__now), if at all. */
	rrd_time now = t->kind == RRD_TXN_CONFIG || t->own_clock ? 0 : rrd__now(d);
	int64_t version = 0;
	d->txn_wrote_nothing = 0;
	rrd_status rc = txn_begin(d);
	if (rc)
		return rc;
	if (t->kind == RRD_TXN_CONFIG)
		rc = next_config_version(d, &version);
	if (!rc)
		rc = t->body(d, ctx, now);
	if (!rc && t->finish && t->kind != RRD_TXN_READ)
		rc = t->finish(d, ctx, now);
	if (t->kind == RRD_TXN_READ || (!rc && d->txn_wrote_nothing))
		txn_end_read(d);
	else if (rc)
		txn_abort(d);
	else
		rc = txn_commit(d);
	if (rc)
		return rc;
	if (t->kind == RRD_TXN_CONFIG) {
		d->config_version = version;
		d->config_gen++;
	}
	if (t->apply)
		t->apply(d, ctx);
	return RRD_OK;
}

rrd_status rrd__run(rrd_distributor *d, const rrd_txn *t, void *ctx)
{
	/* What the body gets past (a calendar that cannot answer) leaves
	 * no message when the call succeeds. */
	rrd__error_keep();
	rrd__lock(d);
	rrd_status rc = run_locked(d, t, ctx);
	/* The change is committed whatever happens here: what follows
	 * failing, it runs again after the next operation. */
	const rrd_txn *then = t->then;
	if (!rc && then && (!t->wanted || t->wanted(d)))
		(void)run_locked(d, then, ctx);
	rrd__unlock(d);
	return rrd__error_kept(rc);
}

rrd_status rrd__read(rrd_distributor *d, rrd_txn_fn body, void *ctx)
{
	rrd_txn t = { .kind = RRD_TXN_READ, .body = body };
	return rrd__run(d, &t, ctx);
}

void rrd__config_forget(rrd_distributor *d)
{
	d->generation = UINT64_MAX;
	d->config_version = -1;
}

