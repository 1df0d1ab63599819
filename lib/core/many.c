/*
 * Many entries of one namespace at once: written with one put_many, read
 * with one get_many a chunk of keys and deleted with one del_many, when
 * the store has them. Everything that reads, writes or deletes entries by
 * the batch goes through here, so a store's bulk calls are taken up in
 * this file alone; a store without them gets one call a key.
 */
#include <stdint.h>

#include "core/core.h"
#include "util/alloc.h"
#include "util/bytes.h"
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

rrd_status rrd__puts_add(rrd_puts *p, const char *key, size_t klen, size_t from, int64_t order)
{
	if (reserve(p, p->n + 1))
		return rrd__nomem();
	size_t at = p->key_bytes.len;
	unsigned char *to = rrd__buf_room(&p->key_bytes, klen + 1);
	if (to) {
		rrd__copy_short(to, key, klen);
		to[klen] = '\0';
		p->key_bytes.len += klen + 1;
	}
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

/* Entries a put_many or del_many is given at most: what one job batch
 * writes goes in one call, and what is bigger (building an index) in
 * calls of a size a networked store sends without strain. */
#define PUT_MANY_CHUNK 4096

/* The offsets p's entries hold turned into pointers, the buffers no
 * longer moving. RRD_E_NOMEM when an append to them failed. */
static rrd_status resolve(rrd_puts *p)
{
	if (p->bytes.failed || p->key_bytes.failed)
		return rrd__nomem();
	for (size_t i = 0; i < p->n; i++) {
		p->keys[i] = (const char *)p->key_bytes.data + (uintptr_t)p->keys[i];
		p->values[i] = p->bytes.data + (uintptr_t)p->values[i];
	}
	return RRD_OK;
}

rrd_status rrd__puts_write(rrd_distributor *d, rrd_puts *p, int ns, const char *what)
{
	rrd_store *st = d->store;
	rrd_status rc = resolve(p);
	if (rc || !p->n) {
	} else if (p->n > 1 && st->m.put_many) {
		for (size_t at = 0; !rc && at < p->n; at += PUT_MANY_CHUNK) {
			size_t m = p->n - at < PUT_MANY_CHUNK ? p->n - at : PUT_MANY_CHUNK;
			rc = rrd__store_status(st->m.put_many(st->self, ns, m, p->keys + at,
							      p->values + at, p->lens + at,
							      p->orders + at),
					       what);
		}
	} else {
		for (size_t i = 0; !rc && i < p->n; i++)
			rc = rrd__store_status(st->m.put(st->self, ns, p->keys[i], p->values[i],
							 p->lens[i], p->orders[i]),
					       what);
	}
	rrd__puts_reset(p);
	return rc;
}

rrd_status rrd__puts_insert(rrd_distributor *d, rrd_puts *p, int ns, const char *what)
{
	rrd_store *st = d->store;
	rrd_status rc = resolve(p);
	for (size_t at = 0; !rc && at < p->n; at += PUT_MANY_CHUNK) {
		size_t m = p->n - at < PUT_MANY_CHUNK ? p->n - at : PUT_MANY_CHUNK;
		rc = rrd__store_status(st->m.add_many(st->self, ns, m, p->keys + at,
						      p->values + at, p->lens + at, p->orders + at),
				       what);
	}
	rrd__puts_reset(p);
	return rc;
}

rrd_status rrd__puts_delete(rrd_distributor *d, rrd_puts *p, int ns, const char *what)
{
	rrd_status rc = resolve(p);
	for (size_t at = 0; !rc && at < p->n; at += PUT_MANY_CHUNK) {
		size_t m = p->n - at < PUT_MANY_CHUNK ? p->n - at : PUT_MANY_CHUNK;
		rc = rrd__del_many(d, ns, m, p->keys + at, what);
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

/* The get_many arrays of d, made when first needed: one block. */
static rrd_status get_arrays(rrd_distributor *d, rrd_get_arrays **out)
{
	rrd_get_arrays *a = &d->get_arrays;
	if (!a->values) {
		/* Widest first, so that each array is aligned for its type. */
		size_t each = sizeof(const void *) + sizeof(size_t) + sizeof(int64_t) + sizeof(int) + 1;
		unsigned char *block = rrd__malloc(RRD_GET_MANY_CHUNK * each);
		if (!block)
			return rrd__nomem();
		a->values = (const void **)(void *)block;
		a->lens = (size_t *)(void *)(a->values + RRD_GET_MANY_CHUNK);
		a->orders = (int64_t *)(void *)(a->lens + RRD_GET_MANY_CHUNK);
		a->ns = (int *)(void *)(a->orders + RRD_GET_MANY_CHUNK);
		a->found = (unsigned char *)(a->ns + RRD_GET_MANY_CHUNK);
	}
	*out = a;
	return RRD_OK;
}

void rrd__get_arrays_free(rrd_get_arrays *a)
{
	rrd__free(a->values); /* the block */
	memset(a, 0, sizeof *a);
}

/* Without get_many: one get a key, each value taken as it comes. */
static rrd_status get_each(rrd_distributor *d, int ns, size_t n, const char *const *keys,
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

rrd_status rrd__get_many(rrd_distributor *d, int ns, size_t n, const char *const *keys,
			 rrd_found_fn found, void *ctx, const char *what)
{
	rrd_store *st = d->store;
	if (!n)
		return RRD_OK;
	if (!st->m.get_many)
		return get_each(d, ns, n, keys, found, ctx, what);
	rrd_get_arrays *a = NULL;
	rrd_status rc = get_arrays(d, &a);
	for (size_t base = 0; !rc && base < n; base += RRD_GET_MANY_CHUNK) {
		size_t m = n - base < RRD_GET_MANY_CHUNK ? n - base : RRD_GET_MANY_CHUNK;
		for (size_t i = 0; i < m; i++)
			a->ns[i] = ns;
		rc = rrd__store_status(st->m.get_many(st->self, m, a->ns, keys + base, a->values,
						      a->lens, a->orders, a->found),
				       what);
		for (size_t i = 0; !rc && i < m; i++)
			if (a->found[i])
				rc = found(d, ctx, base + i, a->values[i], a->lens[i], a->orders[i]);
	}
	return rc;
}

rrd_status rrd__del_many(rrd_distributor *d, int ns, size_t n, const char *const *keys,
			 const char *what)
{
	rrd_store *st = d->store;
	if (!n)
		return RRD_OK;
	if (st->m.del_many)
		return rrd__store_status(st->m.del_many(st->self, ns, n, keys), what);
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		int r = st->m.del(st->self, ns, keys[i]);
		rc = r == RRD_E_NOTFOUND ? RRD_OK : rrd__store_status(r, what);
	}
	return rc;
}
