/*
 * Timers are rows: any process may pop a due one, and the pop skips rows
 * another open transaction popped (FOR UPDATE SKIP LOCKED), so each fires
 * once. The redistribution lock is a leased row: a holder renews it every
 * batch, and one that died holds it no longer than its lease.
 */
#include <string.h>

#include "pg/pg.h"
#include "util/error.h"

int rrd__pg_timer_set(void *self, const char *key, rrd_time due, int64_t seq)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 1);
	if (rc)
		return rc;
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_bytes(&p, key, strlen(key));
	rrd__pg_param_int(&p, due);
	rrd__pg_param_int(&p, seq);
	return rrd__pg_write(s, PG_TIMER_SET, &p);
}

int rrd__pg_timer_clear(void *self, const char *key)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 1);
	if (rc)
		return rc;
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_bytes(&p, key, strlen(key));
	PGresult *r;
	if ((rc = rrd__pg_ask(s, PG_TIMER_CLEAR, &p, &r)))
		return rc;
	return rrd__pg_changed(r) ? RRD_OK : RRD_E_NOTFOUND;
}

int rrd__pg_timer_next(void *self, rrd_time *due)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 0);
	if (rc)
		return rc;
	PGresult *r;
	if ((rc = rrd__pg_ask(s, PG_TIMER_NEXT, NULL, &r)))
		return rc;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
		return RRD_E_NOTFOUND;
	*due = rrd__pg_int(r, 0, 0);
	return RRD_OK;
}

int rrd__pg_timer_pop(void *self, rrd_time now, char *key, size_t cap, rrd_time *due)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 1);
	if (rc)
		return rc;
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_int(&p, now);
	PGresult *r;
	if ((rc = rrd__pg_ask(s, PG_TIMER_POP, &p, &r)))
		return rc;
	if (PQntuples(r) == 0)
		return RRD_E_NOTFOUND;
	size_t n = (size_t)PQgetlength(r, 0, 0);
	if (n >= cap)
		return rrd__fail(RRD_E_INVALID, "postgres store: a timer key of %zu bytes", n);
	memcpy(key, PQgetvalue(r, 0, 0), n);
	key[n] = '\0';
	*due = rrd__pg_int(r, 0, 1);
	return RRD_OK;
}

/* The lock calls come outside any transaction; each is one of its own,
 * committed by the sync that ends it. */
static int outside(pgstore *s)
{
	pthread_mutex_lock(&s->mu);
	if (s->broken && rrd__pg_connect(s)) {
		pthread_mutex_unlock(&s->mu);
		return RRD_E_STORE;
	}
	return RRD_OK;
}

int rrd__pg_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			 rrd_time expires)
{
	pgstore *s = self;
	int rc = outside(s);
	if (rc)
		return rc;
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_bytes(&p, name, strlen(name));
	rrd__pg_param_bytes(&p, owner, strlen(owner));
	rrd__pg_param_int(&p, expires);
	rrd__pg_param_int(&p, now);
	PGresult *r;
	rc = rrd__pg_ask(s, PG_LOCK_ACQUIRE, &p, &r);
	if (!rc && PQntuples(r) == 0)
		rc = RRD_E_BUSY;
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int rrd__pg_lock_release(void *self, const char *name, const char *owner)
{
	pgstore *s = self;
	int rc = outside(s);
	if (rc)
		return rc;
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_bytes(&p, name, strlen(name));
	rrd__pg_param_bytes(&p, owner, strlen(owner));
	PGresult *r;
	rc = rrd__pg_ask(s, PG_LOCK_RELEASE, &p, &r);
	if (!rc && !rrd__pg_changed(r))
		rc = RRD_E_NOTFOUND;
	pthread_mutex_unlock(&s->mu);
	return rc;
}
