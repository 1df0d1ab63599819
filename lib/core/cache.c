/* Caches the layers above keep per distributor, kept and freed by kind. */
#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

void *rrd__cache_find(rrd_distributor *d, const rrd_cache_kind *kind)
{
	/* A handful at most: a scan beats any table. */
	for (size_t i = 0; i < d->ncaches; i++)
		if (d->caches[i].kind == kind)
			return d->caches[i].data;
	return NULL;
}

/* Keep `data` as the cache of `kind` (none yet). RRD_E_NOMEM: not kept,
 * and the caller still owns it. */
static rrd_status cache_add(rrd_distributor *d, const rrd_cache_kind *kind, void *data)
{
	if (rrd__grow((void **)&d->caches, &d->caches_cap, d->ncaches + 1, sizeof *d->caches))
		return rrd__nomem();
	d->caches[d->ncaches++] = (rrd_dist_cache){ kind, data };
	return RRD_OK;
}

rrd_status rrd__cache_of(rrd_distributor *d, const rrd_cache_kind *kind, size_t size,
			 void **out)
{
	void *data = rrd__cache_find(d, kind);
	if (!data) {
		if (!(data = rrd__calloc(1, size)))
			return rrd__nomem();
		if (cache_add(d, kind, data)) {
			rrd__free(data);
			return rrd__nomem();
		}
	}
	*out = data;
	return RRD_OK;
}

rrd_status rrd__cache_make(rrd_cache *c, size_t size, void (*free_fn)(void *), void **out)
{
	if (!(c->data = rrd__calloc(1, size)))
		return rrd__nomem();
	c->free = free_fn;
	*out = c->data;
	return RRD_OK;
}

void rrd__cache_clear(rrd_cache *c)
{
	if (c->data)
		c->free(c->data);
	c->data = NULL;
}
