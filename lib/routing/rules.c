/*
 * Matching a record to the first rule whose every condition holds. Rules
 * are indexed by source: a record is tested only against the rules that
 * name its source and those that name none, merged in rule order, so ten
 * thousand rules over many sources route as fast as ten.
 */
#include <string.h>

#include "routing/routing.h"
#include "util/alloc.h"

struct rule_index {
	rrd_hashmap by_id;      /* rule id -> rule number */
	rrd_hashmap by_source;  /* source -> list number */
	uint32_t **lists;       /* rule numbers, ascending, per source */
	size_t *lens;
	size_t nlists;
	uint32_t *any;          /* rules that name no source */
	size_t nany;
};

static int matches(const rrd_rule *rule, const rrd_record *r)
{
	if (rule->kind && rule->kind != (int)r->kind)
		return 0;
	if (rule->sources.count &&
	    (!r->source || rrd__strlist_find(&rule->sources, r->source) < 0))
		return 0;
	for (size_t i = 0; i < rule->attr_count; i++) {
		const char *v = rrd__kvlist_get(&r->attrs, rule->attrs[i].key);
		if (!v || strcmp(v, rule->attrs[i].value) != 0)
			return 0;
	}
	return 1;
}

static void index_free(struct rule_index *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nlists; i++)
		rrd__free(x->lists[i]);
	rrd__free(x->lists);
	rrd__free(x->lens);
	rrd__free(x->any);
	rrd__hashmap_free(&x->by_id);
	rrd__hashmap_free(&x->by_source);
	rrd__free(x);
}

void rrd__rule_index_drop(rrd_distributor *d)
{
	index_free(d->rule_index);
	d->rule_index = NULL;
}

static int append(uint32_t **list, size_t *len, uint32_t v)
{
	/* Lists grow one by one at build time only; doubling by length. */
	size_t cap = *len;
	if ((cap & (cap - 1)) == 0) {
		uint32_t *n = rrd__realloc(*list, (cap ? 2 * cap : 1) * sizeof **list);
		if (!n)
			return -1;
		*list = n;
	}
	(*list)[(*len)++] = v;
	return 0;
}

static struct rule_index *index_build(const rrd_distributor *d)
{
	struct rule_index *x = rrd__calloc(1, sizeof *x);
	if (!x)
		return NULL;
	size_t nsources = 0;
	for (size_t i = 0; i < d->nrules; i++)
		nsources += d->rules[i]->sources.count;
	if (!(x->lists = rrd__calloc(nsources + 1, sizeof *x->lists)) ||
	    !(x->lens = rrd__calloc(nsources + 1, sizeof *x->lens)) ||
	    rrd__hashmap_reserve(&x->by_source, nsources + 1) ||
	    rrd__hashmap_reserve(&x->by_id, d->nrules))
		goto fail;
	for (size_t i = 0; i < d->nrules; i++) {
		rrd__hashmap_put(&x->by_id, d->rules[i]->id, (uint32_t)i);
		const rrd_strlist *src = &d->rules[i]->sources;
		if (!src->count) {
			if (append(&x->any, &x->nany, (uint32_t)i))
				goto fail;
			continue;
		}
		for (size_t k = 0; k < src->count; k++) {
			uint32_t list;
			if (!rrd__hashmap_get(&x->by_source, src->items[k], &list)) {
				list = (uint32_t)x->nlists++;
				rrd__hashmap_put(&x->by_source, src->items[k], list);
			}
			if (append(&x->lists[list], &x->lens[list], (uint32_t)i))
				goto fail;
		}
	}
	return x;
fail:
	index_free(x);
	return NULL;
}

static const rrd_rule *match_scan(rrd_distributor *d, const rrd_record *r)
{
	for (size_t i = 0; i < d->nrules; i++)
		if (matches(d->rules[i], r))
			return d->rules[i];
	return NULL;
}

/* The index, built on first use after the rules change; NULL when there
 * are no rules or no memory for it (then callers scan). */
static struct rule_index *index_of(rrd_distributor *d)
{
	if (!d->rule_index && d->nrules)
		d->rule_index = index_build(d);
	return d->rule_index;
}

const rrd_rule *rrd__rule_find(rrd_distributor *d, const char *id)
{
	if (!id)
		return NULL;
	struct rule_index *x = index_of(d);
	uint32_t i;
	if (x)
		return rrd__hashmap_get(&x->by_id, id, &i) ? d->rules[i] : NULL;
	for (size_t k = 0; k < d->nrules; k++)
		if (strcmp(d->rules[k]->id, id) == 0)
			return d->rules[k];
	return NULL;
}

const rrd_rule *rrd__rule_match(rrd_distributor *d, const rrd_record *r)
{
	struct rule_index *x = index_of(d);
	if (!x) /* no rules, or no memory for the index: scan them */
		return match_scan(d, r);
	const uint32_t *named = NULL;
	size_t nnamed = 0, a = 0, b = 0;
	uint32_t list;
	if (r->source && rrd__hashmap_get(&x->by_source, r->source, &list)) {
		named = x->lists[list];
		nnamed = x->lens[list];
	}
	/* Both lists ascend: merging them visits candidates in rule order. */
	while (a < nnamed || b < x->nany) {
		uint32_t i;
		if (b >= x->nany || (a < nnamed && named[a] < x->any[b]))
			i = named[a++];
		else
			i = x->any[b++];
		if (matches(d->rules[i], r))
			return d->rules[i];
	}
	return NULL;
}
