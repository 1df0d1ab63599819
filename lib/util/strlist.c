#include "util/strlist.h"

#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

#define INDEX_FROM 32

static int reindex(rrd_strlist *l)
{
	rrd__hashmap_free(&l->index);
	if (l->count < INDEX_FROM)
		return 0;
	if (rrd__hashmap_reserve(&l->index, l->count))
		return -1;
	for (size_t i = 0; i < l->count; i++)
		rrd__hashmap_put(&l->index, l->items[i], (uint32_t)i);
	return 0;
}

long rrd__strlist_find(const rrd_strlist *l, const char *s)
{
	if (l->index.cap) {
		uint32_t v;
		return rrd__hashmap_get(&l->index, s, &v) ? (long)v : -1;
	}
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i], s) == 0)
			return (long)i;
	return -1;
}

rrd_status rrd__strlist_add(rrd_strlist *l, const char *s)
{
	if (rrd__strlist_find(l, s) >= 0)
		return RRD_OK;
	if (rrd__grow((void **)&l->items, &l->cap, l->count + 1, sizeof(char *)))
		return rrd__nomem();
	char *copy = rrd__strdup(s);
	if (!copy)
		return rrd__nomem();
	if (l->count + 1 >= INDEX_FROM &&
	    rrd__hashmap_reserve(&l->index, l->index.count ? 1 : l->count + 1)) {
		rrd__free(copy);
		return rrd__nomem();
	}
	l->items[l->count++] = copy;
	/* Room was reserved above, so none of these puts can fail. */
	if (l->index.cap && l->index.count + 1 < l->count) {
		for (size_t i = 0; i < l->count; i++)
			rrd__hashmap_put(&l->index, l->items[i], (uint32_t)i);
	} else if (l->index.cap) {
		rrd__hashmap_put(&l->index, copy, (uint32_t)(l->count - 1));
	}
	return RRD_OK;
}

int rrd__strlist_remove(rrd_strlist *l, const char *s)
{
	long i = rrd__strlist_find(l, s);
	if (i < 0)
		return 0;
	rrd__free(l->items[i]);
	memmove(&l->items[i], &l->items[i + 1], (l->count - (size_t)i - 1) * sizeof(char *));
	l->count--;
	/* Indices after i moved. Rebuilding into a smaller table cannot need
	 * more memory than the reserve made; if it fails, scanning still works. */
	if (reindex(l))
		rrd__hashmap_free(&l->index);
	return 1;
}

void rrd__strlist_clear(rrd_strlist *l)
{
	for (size_t i = 0; i < l->count; i++)
		rrd__free(l->items[i]);
	rrd__free(l->items);
	rrd__hashmap_free(&l->index);
	l->items = NULL;
	l->count = l->cap = 0;
}

rrd_status rrd__strlist_copy(rrd_strlist *dst, const rrd_strlist *src)
{
	for (size_t i = 0; i < src->count; i++) {
		if (rrd__strlist_add(dst, src->items[i]) != RRD_OK) {
			rrd__strlist_clear(dst);
			return RRD_E_NOMEM;
		}
	}
	return RRD_OK;
}

int rrd__strlist_contains_all(const rrd_strlist *have, const rrd_strlist *need)
{
	for (size_t i = 0; i < need->count; i++)
		if (rrd__strlist_find(have, need->items[i]) < 0)
			return 0;
	return 1;
}
