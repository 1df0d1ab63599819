/*
 * Entries: reads wait for their answer (one round trip, with the BEGIN
 * when they are the first), writes do not (their answers come with the
 * next sync, at the latest the COMMIT's); puts wait to go out together
 * (pending.c), and so do del_many's deletes. A single delete is the
 * exception: its caller must know whether there was an entry.
 */
#include <stdlib.h>
#include <string.h>

#include "pg/pg.h"
#include "util/alloc.h"
#include "util/error.h"

static int bad_ns(int ns)
{
	return rrd__fail(RRD_E_INVALID, "postgres store: namespace %d", ns);
}

static int ns_ok(int ns)
{
	return ns >= RRD_NS_META && ns <= RRD_NS_BY_OWNER;
}

int rrd__pg_get(void *self, int ns, const char *key, const void **value, size_t *len,
		int64_t *order)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 0);
	if (rc)
		return rc;
	if (!ns_ok(ns))
		return bad_ns(ns);
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_int(&p, ns);
	rrd__pg_param_bytes(&p, key, strlen(key));
	PGresult *r;
	rrd__pg_hot_want(s, 1, NULL, &key, ns);
	if ((rc = rrd__pg_ask(s, PG_GET, &p, &r)))
		return rc;
	if (PQntuples(r) == 0)
		return RRD_E_NOTFOUND;
	*value = PQgetvalue(r, 0, 0);
	*len = (size_t)PQgetlength(r, 0, 0);
	if (order)
		*order = rrd__pg_int(r, 0, 1);
	return RRD_OK;
}

int rrd__pg_get_many(void *self, size_t n, const int *ns, const char *const *keys,
		     const void **values, size_t *lens, int64_t *orders, unsigned char *found)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 0);
	if (rc)
		return rc;
	memset(found, 0, n);
	if (!n)
		return RRD_OK;
	pg_bytes *nss = &s->arrays[0], *ks = &s->arrays[1];
	rrd__pg_array_begin(nss, PG_OID_INT2, n);
	rrd__pg_array_begin(ks, PG_OID_BYTEA, n);
	for (size_t i = 0; i < n; i++) {
		if (!ns_ok(ns[i]))
			return bad_ns(ns[i]);
		rrd__pg_array_int2(nss, ns[i]);
		rrd__pg_array_item(ks, keys[i], strlen(keys[i]));
	}
	pg_params p;
	rrd__pg_params_init(&p);
	PGresult *r;
	rrd__pg_hot_want(s, n, ns, keys, 0);
	if ((rc = rrd__pg_param_array(&p, nss)) || (rc = rrd__pg_param_array(&p, ks)) ||
	    (rc = rrd__pg_ask(s, PG_GET_MANY, &p, &r)))
		return rc;
	for (int row = 0; row < PQntuples(r); row++) {
		int64_t i = rrd__pg_int(r, row, 0) - 1;
		if (i < 0 || (size_t)i >= n)
			return rrd__fail(RRD_E_STORE, "postgres store: a row of no key asked for");
		found[i] = 1;
		values[i] = PQgetvalue(r, row, 1);
		lens[i] = (size_t)PQgetlength(r, row, 1);
		if (orders)
			orders[i] = rrd__pg_int(r, row, 2);
	}
	return RRD_OK;
}

int rrd__pg_has_many(void *self, int ns, size_t n, const char *const *keys,
		     unsigned char *present)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 0);
	if (rc)
		return rc;
	if (!ns_ok(ns))
		return bad_ns(ns);
	memset(present, 0, n);
	if (!n)
		return RRD_OK;
	pg_bytes *ks = &s->arrays[1];
	rrd__pg_array_begin(ks, PG_OID_BYTEA, n);
	for (size_t i = 0; i < n; i++)
		rrd__pg_array_item(ks, keys[i], strlen(keys[i]));
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_int(&p, ns);
	PGresult *r;
	if ((rc = rrd__pg_param_array(&p, ks)) || (rc = rrd__pg_ask(s, PG_HAS_MANY, &p, &r)))
		return rc;
	for (int row = 0; row < PQntuples(r); row++) {
		int64_t i = rrd__pg_int(r, row, 0) - 1;
		if (i >= 0 && (size_t)i < n)
			present[i] = 1;
	}
	return RRD_OK;
}

int rrd__pg_put(void *self, int ns, const char *key, const void *value, size_t len,
		int64_t order)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 1);
	if (rc)
		return rc;
	if (!ns_ok(ns))
		return bad_ns(ns);
	if (len > INT32_MAX)
		return rrd__fail(RRD_E_INVALID, "postgres store: a value of %zu bytes", len);
	rrd__pg_hot_wrote(s, ns, key);
	if ((rc = rrd__pg_begin_sent(s)))
		return rc;
	return rrd__pg_pending_put(s, ns, key, strlen(key), value, len, order);
}

/* put_many (`adding` 0) and add_many (1). */
static int write_many(pgstore *s, int adding, int ns, size_t n, const char *const *keys,
		      const void *const *values, const size_t *lens, const int64_t *orders)
{
	int rc = rrd__pg_need_txn(s, 1);
	if (rc)
		return rc;
	if (!ns_ok(ns))
		return bad_ns(ns);
	for (size_t i = 0; i < n; i++)
		if (lens[i] > INT32_MAX)
			return rrd__fail(RRD_E_INVALID, "postgres store: a value of %zu bytes",
					 lens[i]);
	if (n && (rc = rrd__pg_begin_sent(s)))
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = (adding ? rrd__pg_pending_add : rrd__pg_pending_put)(
			s, ns, keys[i], strlen(keys[i]), values[i], lens[i], orders[i]);
	return rc;
}

int rrd__pg_put_many(void *self, int ns, size_t n, const char *const *keys,
		     const void *const *values, const size_t *lens, const int64_t *orders)
{
	return write_many(self, 0, ns, n, keys, values, lens, orders);
}

/* The adds wait with the other writes; a key taken fails the statement,
 * and the next sync reports it as RRD_E_EXISTS. */
int rrd__pg_add_many(void *self, int ns, size_t n, const char *const *keys,
		     const void *const *values, const size_t *lens, const int64_t *orders)
{
	return write_many(self, 1, ns, n, keys, values, lens, orders);
}

int rrd__pg_del(void *self, int ns, const char *key)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 1);
	if (rc)
		return rc;
	if (!ns_ok(ns))
		return bad_ns(ns);
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_int(&p, ns);
	rrd__pg_param_bytes(&p, key, strlen(key));
	PGresult *r;
	if ((rc = rrd__pg_ask(s, PG_DEL, &p, &r)))
		return rc;
	return rrd__pg_changed(r) ? RRD_OK : RRD_E_NOTFOUND;
}

int rrd__pg_del_many(void *self, int ns, size_t n, const char *const *keys)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 1);
	if (rc)
		return rc;
	if (!ns_ok(ns))
		return bad_ns(ns);
	if (n && (rc = rrd__pg_begin_sent(s)))
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = rrd__pg_pending_del(s, ns, keys[i], strlen(keys[i]));
	return rc;
}

int rrd__pg_scan(void *self, int ns, const char *prefix, rrd_store_each_fn each, void *ctx)
{
	pgstore *s = self;
	int rc = rrd__pg_need_txn(s, 0);
	if (rc)
		return rc;
	if (!ns_ok(ns))
		return bad_ns(ns);
	/* Keys from the prefix up to, not including, the first key past
	 * every key that starts with it: the prefix with its last byte
	 * below 0xFF raised by one, and what follows that byte dropped. */
	size_t n = strlen(prefix);
	unsigned char *upper = rrd__malloc(n + 1);
	if (!upper)
		return rrd__nomem();
	memcpy(upper, prefix, n);
	size_t un = n;
	while (un && upper[un - 1] == 0xFF)
		un--;
	if (un)
		upper[un - 1]++;
	pg_params p;
	rrd__pg_params_init(&p);
	rrd__pg_param_int(&p, ns);
	rrd__pg_param_bytes(&p, prefix, n);
	if (un)
		rrd__pg_param_bytes(&p, upper, un);
	PGresult *r;
	rc = rrd__pg_ask(s, un ? PG_SCAN : PG_SCAN_FROM, &p, &r);
	rrd__free(upper);
	if (rc)
		return rc;
	for (int row = 0; row < PQntuples(r); row++) {
		/* libpq ends every value with a NUL, so a key is a string. */
		if (each(ctx, PQgetvalue(r, row, 0), PQgetvalue(r, row, 1),
			 (size_t)PQgetlength(r, row, 1), rrd__pg_int(r, row, 2)))
			break;
	}
	return RRD_OK;
}
