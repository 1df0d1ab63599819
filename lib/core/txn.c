/*
 * Locking and transactions: the one runner every operation, read and
 * configuration change goes through, so that beginning, rolling back and
 * committing, and what each does to the caches, are written once.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "core/config_store.h"
#include "core/core.h"
#include "time/instant.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/random.h"

/* The bounds of the wait before an operation runs again (back_off). */
#define RETRY_WAIT_FIRST_US 200L
#define RETRY_WAIT_MAX_US 20000L
/* The retry (counting the first as 1) that asks the store to run alone. */
#define RETRY_ALONE_FROM 3

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
			d->recs[idx].dirty = d->recs[idx].noted = 0;
	}
	rrd__by_owner_forget(d);
	for (size_t i = 0; i < d->dirty_meta.count; i++)
		((rrd_meta_counter *)d->dirty_meta.items[i])->dirty = 0;
	d->dirty_agents.count = d->dirty_states.count = 0;
	d->dirty_recs.count = d->dirty_meta.count = 0;
}


rrd_status rrd__txn_begin(rrd_distributor *d, unsigned int flags, const rrd_txn *t, void *ctx)
{
	uint64_t gen = 0;
	rrd_store *st = d->store;
	int rc = st->m.begin(st->self, flags, &gen);
	if (rc)
		return rrd__store_status(rc, "begin");
	d->in_txn = 1;
	if (gen == RRD_STORE_NO_GENERATION) {
		/* What we hold may be stale at every transaction. */
		d->concurrent = 1;
		d->epoch++;
		d->generation = gen;
		rrd_status s = rrd__txn_read_ahead(d, t->prefetch, ctx);
		if (s) {
			/* A reload that failed leaves the configuration half
			 * read: the next transaction reads it all again. */
			d->config_version = -1;
			rrd__txn_abort(d);
		}
		return s;
	}
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
	rrd_status s = rrd__events_flush(d);
	if (!s)
		s = rrd__flush(d);
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
	rrd__events_committed(d);
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
	d->acks_sent = 0;
	clear_dirty_marks(d);
	rrd__evbatch_free(d->pending);
	d->pending = NULL;
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



rrd_status rrd__txn_config_next(rrd_distributor *d, int64_t *version)
{
	/* Only now, after the reload, is the version the one to follow. */
	*version = d->config_version + 1;
	return rrd__config_version_write(d, *version);
}

void rrd__txn_config_done(rrd_distributor *d, int64_t version)
{
	d->config_version = version;
	d->config_gen++;
}

/* Wait before running again after the `i`th lost race (from 0): a random
 * time up to a bound that doubles each time. Writers that lost to one
 * winner all learn it at its commit; run again at once, they would meet
 * again, and the same few could lose every time. Spread apart, one of
 * them reads the winner's work and commits before the next arrives. */
static void back_off(int i)
{
	long bound_us = RETRY_WAIT_FIRST_US << (i < 8 ? i : 8);
	if (bound_us > RETRY_WAIT_MAX_US)
		bound_us = RETRY_WAIT_MAX_US;
	long us = (long)(rrd__random_token() % (uint64_t)bound_us);
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

rrd_status rrd__run_again(rrd_distributor *d, const rrd_txn *t, void *ctx)
{
	rrd_status rc = RRD_E_RETRY;
	for (int i = 0; rc == RRD_E_RETRY && i < d->opts.max_retries; i++) {
		back_off(i);
		if (i + 1 >= RETRY_ALONE_FROM)
			d->begin_flags |= RRD_TXN_EXCLUSIVE;
		rc = rrd__run_once(d, t, ctx);
	}
	d->begin_flags &= ~RRD_TXN_EXCLUSIVE;
	if (rc == RRD_E_RETRY)
		rc = rrd__fail_prefix(RRD_E_RETRY, "ran %d times, and each time another writer "
					       "won; nothing changed: ",
				      d->opts.max_retries + 1);
	return rc;
}

void rrd__run_then(rrd_distributor *d, const rrd_txn *t, void *ctx)
{
	if (!t->wanted || t->wanted(d))
		(void)rrd__run_locked(d, t, ctx);
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

