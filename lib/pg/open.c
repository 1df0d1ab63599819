/*
 * Opening a PostgreSQL store, and its transactions. A handle is one
 * connection: distributors that share it take turns, one transaction at
 * a time (its mutex is held from begin to commit or rollback). A handle
 * whose connection broke connects again at its next begin.
 */
#include <stdlib.h>
#include <string.h>

#include "pg/pg.h"
#include "util/alloc.h"
#include "util/error.h"

#define SCHEMA_DEFAULT "rrdist"
#define SCHEMA_MAX 63 /* PostgreSQL's longest identifier */
#define LOCK_TIMEOUT_DEFAULT 10000

static int pg_begin(void *self, unsigned int flags, uint64_t *generation)
{
	pgstore *s = self;
	pthread_mutex_lock(&s->mu);
	if (s->broken) {
		int rc = rrd__pg_connect(s);
		if (rc) {
			pthread_mutex_unlock(&s->mu);
			return rc;
		}
	}
	PQclear(s->held);
	s->held = NULL;
	s->in_txn = 1;
	s->began = 0;
	s->nwrote = 0;
	s->nturns = 0;
	rrd__pg_pending_drop(s);
	s->alone = (flags & RRD_TXN_EXCLUSIVE) != 0;
	s->read_only = (flags & RRD_TXN_READ_ONLY) != 0;
	if (generation)
		*generation = RRD_STORE_NO_GENERATION;
	return RRD_OK;
}

static void end(pgstore *s)
{
	rrd__pg_locks_give(s);
	s->in_txn = 0;
	s->began = 0;
	pthread_mutex_unlock(&s->mu);
}

static int pg_commit(void *self)
{
	pgstore *s = self;
	if (!s->in_txn)
		return rrd__fail(RRD_E_STATE, "postgres store: commit outside a transaction");
	if (!s->began) {
		/* Nothing was sent: nothing to commit. */
		end(s);
		return RRD_OK;
	}
	int rc = rrd__pg_send(s, PG_COMMIT, NULL);
	if (!rc)
		rc = rrd__pg_sync(s, NULL);
	if (rc)
		return rc; /* the library rolls back */
	end(s);
	return RRD_OK;
}

static int pg_rollback(void *self)
{
	pgstore *s = self;
	if (!s->in_txn)
		return rrd__fail(RRD_E_STATE, "postgres store: rollback outside a transaction");
	/* A read-only transaction holds no lock: its rollback is sent
	 * without waiting, and its answer read with the next pipeline's. One
	 * that wrote waits, so that its row locks are gone (a timer it
	 * popped is back) before the caller goes on. A lost connection
	 * rolled back by itself. */
	rrd__pg_pending_drop(s);
	if (s->began && !s->broken) {
		if (s->queued)
			(void)rrd__pg_sync(s, NULL); /* what a failure left unread */
		if (!s->broken && !rrd__pg_send(s, PG_ROLLBACK, NULL))
			(void)(s->read_only ? rrd__pg_sync_later(s) : rrd__pg_sync(s, NULL));
	}
	end(s);
	return RRD_OK;
}

static void pg_close(void *self)
{
	pgstore *s = self;
	PQclear(s->held);
	if (s->conn)
		PQfinish(s->conn);
	for (size_t i = 0; i < sizeof s->arrays / sizeof *s->arrays; i++)
		rrd__free(s->arrays[i].data);
	rrd__pg_pending_free(s);
	rrd__free(s->conninfo);
	rrd__free(s->schema);
	rrd__free(s->schema_name);
	pthread_mutex_destroy(&s->mu);
	rrd__free(s);
}

static const rrd_store_methods pg_methods = {
	.version = RRD_STORE_METHODS_VERSION,
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.get = rrd__pg_get,
	.put = rrd__pg_put,
	.del = rrd__pg_del,
	.scan = rrd__pg_scan,
	.timer_set = rrd__pg_timer_set,
	.timer_clear = rrd__pg_timer_clear,
	.timer_next = rrd__pg_timer_next,
	.timer_pop = rrd__pg_timer_pop,
	.lock_acquire = rrd__pg_lock_acquire,
	.lock_release = rrd__pg_lock_release,
	.put_many = rrd__pg_put_many,
	.has_many = rrd__pg_has_many,
	.get_many = rrd__pg_get_many,
	.del_many = rrd__pg_del_many,
	.add_many = rrd__pg_add_many,
};

/* The options, checked, as a full table of this version. */
static int options(const rrd_store_pg_options *opts, rrd_store_pg_options *o)
{
	*o = (rrd_store_pg_options)RRD_STORE_PG_OPTIONS_INIT;
	if (!opts)
		return RRD_OK;
	if (opts->version < 1 || opts->version > RRD_STORE_PG_OPTIONS_VERSION)
		return rrd__fail(RRD_E_VERSION, "postgres options version %u is not one of 1..%u",
				 opts->version, RRD_STORE_PG_OPTIONS_VERSION);
	*o = *opts;
	if (o->schema && (!o->schema[0] || strlen(o->schema) > SCHEMA_MAX))
		return rrd__fail(RRD_E_INVALID, "postgres options: schema must be 1 to %d bytes",
				 SCHEMA_MAX);
	if (o->lock_timeout_ms < 0)
		return rrd__fail(RRD_E_INVALID, "postgres options: lock_timeout_ms must not be "
						"negative");
	return RRD_OK;
}

RRD_API rrd_status rrd_store_pg_open(rrd_store **out, const char *conninfo,
				     const rrd_store_pg_options *opts)
{
	if (!out || !conninfo)
		return rrd__fail(RRD_E_INVALID, "out and conninfo must not be NULL");
	*out = NULL;
	rrd_store_pg_options o;
	int rc = options(opts, &o);
	if (rc)
		return rc;
	pgstore *s = rrd__calloc(1, sizeof *s);
	if (!s)
		return rrd__nomem();
	if (pthread_mutex_init(&s->mu, NULL)) {
		rrd__free(s);
		return rrd__fail(RRD_E_STORE, "postgres store: cannot create a mutex");
	}
	s->lock_timeout_ms = o.lock_timeout_ms ? o.lock_timeout_ms : LOCK_TIMEOUT_DEFAULT;
	s->conninfo = rrd__strdup(conninfo);
	s->schema_name = rrd__strdup(o.schema ? o.schema : SCHEMA_DEFAULT);
	rc = s->conninfo && s->schema_name ? rrd__pg_connect(s) : rrd__nomem();
	if (!rc)
		rc = rrd_store_new(out, &pg_methods, s);
	if (rc) {
		pg_close(s);
		return (rrd_status)rc;
	}
	return RRD_OK;
}
