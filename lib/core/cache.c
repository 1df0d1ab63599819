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

rrd_status rrd__cache_add(rrd_distributor *d, const rrd_cache_kind *kind, void *data)
{
	if (rrd__grow((void **)&d->caches, &d->caches_cap, d->ncaches + 1, sizeof *d->caches))
		return rrd__nomem();
	d->caches[d->ncaches++] = (rrd_dist_cache){ kind, data };
	return RRD_OK;
}

void rrd__cache_clear(rrd_cache *c)
{
	if (c->data)
		c->free(c->data);
	c->data = NULL;
}
