/*
 * Many entries of one namespace at once: written with one put_many when
 * the store has it, read with one call for all the keys. Everything that
 * reads or writes entries by the batch goes through here, so a store's
 * bulk calls are taken up in this file alone; a store without them gets
 * one call a key.
 */
#include <stdint.h>

#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

/* Room for `need` entries in each array. -1 when out of memory: the
 * arrays that grew keep their room, and `cap` what all have. */
static int reserve(rrd_puts *p, size_t need)
{
	if (need <= p->cap)
		return 0;
	size_t cap = p->cap ? p->cap : 64;
	while (cap < need)
		cap *= 2;
	const char **keys = rrd__realloc(p->keys, cap * sizeof *keys);
	if (!keys)
		return -1;
	p->keys = keys;
	const void **values = rrd__realloc(p->values, cap * sizeof *values);
	if (!values)
		return -1;
	p->values = values;
	size_t *lens = rrd__realloc(p->lens, cap * sizeof *lens);
	if (!lens)
		return -1;
	p->lens = lens;
	int64_t *orders = rrd__realloc(p->orders, cap * sizeof *orders);
	if (!orders)
		return -1;
	p->orders = orders;
	p->cap = cap;
	return 0;
}

rrd_status rrd__puts_add(rrd_puts *p, const char *key, size_t from, int64_t order)
{
	if (reserve(p, p->n + 1))
		return rrd__nomem();
	size_t at = p->key_bytes.len;
	rrd__buf_put(&p->key_bytes, key, strlen(key) + 1);
	if (p->key_bytes.failed || p->bytes.failed)
		return rrd__nomem();
	/* Offsets until the buffers stop moving (rrd__puts_write). */
	p->keys[p->n] = (const char *)(uintptr_t)at;
	p->values[p->n] = (const void *)(uintptr_t)from;
	p->lens[p->n] = p->bytes.len - from;
	p->orders[p->n++] = order;
	return RRD_OK;
}

void rrd__puts_reset(rrd_puts *p)
{
	p->n = 0;
	p->bytes.len = p->key_bytes.len = 0;
	p->bytes.failed = p->key_bytes.failed = 0;
}

rrd_status rrd__puts_write(rrd_distributor *d, rrd_puts *p, int ns, const char *what)
{
	rrd_store *st = d->store;
	rrd_status rc = p->bytes.failed || p->key_bytes.failed ? rrd__nomem() : RRD_OK;
	for (size_t i = 0; !rc && i < p->n; i++) {
		p->keys[i] = (const char *)p->key_bytes.data + (uintptr_t)p->keys[i];
		p->values[i] = p->bytes.data + (uintptr_t)p->values[i];
	}
	if (rc || !p->n) {
	} else if (p->n > 1 && st->m.put_many) {
		rc = rrd__store_status(st->m.put_many(st->self, ns, p->n, p->keys, p->values,
						      p->lens, p->orders),
				       what);
	} else {
		for (size_t i = 0; !rc && i < p->n; i++)
			rc = rrd__store_status(st->m.put(st->self, ns, p->keys[i], p->values[i],
							 p->lens[i], p->orders[i]),
					       what);
	}
	rrd__puts_reset(p);
	return rc;
}

void rrd__puts_free(rrd_puts *p)
{
	rrd__buf_free(&p->bytes);
	rrd__buf_free(&p->key_bytes);
	rrd__free(p->keys);
	rrd__free(p->values);
	rrd__free(p->lens);
	rrd__free(p->orders);
	memset(p, 0, sizeof *p);
}

rrd_status rrd__get_many(rrd_distributor *d, int ns, size_t n, const char *const *keys,
			 rrd_found_fn found, void *ctx, const char *what)
{
	rrd_store *st = d->store;
	for (size_t i = 0; i < n; i++) {
		const void *v;
		size_t len;
		int64_t order;
		int rc = st->m.get(st->self, ns, keys[i], &v, &len, &order);
		if (rc == RRD_E_NOTFOUND)
			continue;
		if (rc)
			return rrd__store_status(rc, what);
		rrd_status s = found(d, ctx, i, v, len, order);
		if (s)
			return s;
	}
	return RRD_OK;
}
