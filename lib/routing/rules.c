/*
 * Matching a record to the first rule whose every condition holds. Rules
 * are indexed by source: a record is tested only against the rules that
 * name its source and those that name none, merged in rule order, so ten
 * thousand rules over many sources route as fast as ten.
 */
#include <string.h>

#include "routing/routing.h"
#include "util/alloc.h"

/* Laid out for a lookup that touches few cache lines: the sources' names
 * in one block, every list in one array. */
struct rule_index {
	rrd_hashmap by_id;      /* rule id -> rule number */
	rrd_hashmap by_source;  /* source (in `names`) -> list number */
	char *names;            /* each source once, NUL-terminated */
	uint32_t *flat;         /* rule numbers, ascending within each list */
	size_t *start;          /* list k is flat[start[k] .. start[k + 1]) */
	size_t nlists;
	uint32_t *any;          /* rules that name no source */
	size_t nany;
	/* Each rule's own pool, resolved when the index is built; NULL for a
	 * pool that did not exist then (looked up again when used). Pools
	 * are only ever freed with the rules' index. */
	pool_rt **pool_of;
};

/* Every condition but the source's. */
static int matches_rest(const rrd_rule *rule, const rrd_record *r)
{
	if (rule->kind && rule->kind != (int)r->kind)
		return 0;
	for (size_t i = 0; i < rule->attr_count; i++) {
		const char *v = rrd__kvlist_get(&r->attrs, rule->attrs[i].key);
		if (!v || strcmp(v, rule->attrs[i].value) != 0)
			return 0;
	}
	return 1;
}

static int matches(const rrd_rule *rule, const rrd_record *r)
{
	if (rule->sources.count &&
	    (!r->source || rrd__strlist_find(&rule->sources, r->source) < 0))
		return 0;
	return matches_rest(rule, r);
}

static void index_free(struct rule_index *x)
{
	if (!x)
		return;
	rrd__free(x->names);
	rrd__free(x->flat);
	rrd__free(x->start);
	rrd__free(x->any);
	rrd__free(x->pool_of);
	rrd__hashmap_free(&x->by_id);
	rrd__hashmap_free(&x->by_source);
	rrd__free(x);
}

void rrd__rule_index_drop(rrd_distributor *d)
{
	index_free(d->rule_index);
	d->rule_index = NULL;
}

static struct rule_index *index_build(rrd_distributor *d)
{
	struct rule_index *x = rrd__calloc(1, sizeof *x);
	if (!x)
		return NULL;
	size_t nsources = 0, chars = 0;
	for (size_t i = 0; i < d->nrules; i++) {
		const rrd_strlist *src = &d->rules[i]->sources;
		nsources += src->count;
		for (size_t k = 0; k < src->count; k++)
			chars += strlen(src->items[k]) + 1;
	}
	size_t *count = rrd__calloc(nsources + 1, sizeof *count);
	uint32_t *list_of = rrd__calloc(nsources + 1, sizeof *list_of);
	if (!count || !list_of || !(x->names = rrd__malloc(chars + 1)) ||
	    !(x->flat = rrd__calloc(nsources + 1, sizeof *x->flat)) ||
	    !(x->start = rrd__calloc(nsources + 2, sizeof *x->start)) ||
	    !(x->any = rrd__calloc(d->nrules + 1, sizeof *x->any)) ||
	    !(x->pool_of = rrd__calloc(d->nrules + 1, sizeof *x->pool_of)) ||
	    rrd__hashmap_reserve(&x->by_source, nsources + 1) ||
	    rrd__hashmap_reserve(&x->by_id, d->nrules))
		goto fail;
	/* First pass: number the distinct sources and count each list. */
	size_t used = 0, n = 0;
	for (size_t i = 0; i < d->nrules; i++) {
		const rrd_rule *rule = d->rules[i];
		rrd__hashmap_put(&x->by_id, rule->id, (uint32_t)i);
		x->pool_of[i] = rrd__pool_find(d, rule->pool);
		if (!rule->sources.count)
			x->any[x->nany++] = (uint32_t)i;
		for (size_t k = 0; k < rule->sources.count; k++, n++) {
			const char *name = rule->sources.items[k];
			uint32_t list;
			if (!rrd__hashmap_get(&x->by_source, name, &list)) {
				size_t len = strlen(name) + 1;
				memcpy(x->names + used, name, len);
				list = (uint32_t)x->nlists++;
				rrd__hashmap_put(&x->by_source, x->names + used, list);
				used += len;
			}
			list_of[n] = list;
			count[list]++;
		}
	}
	for (size_t k = 0; k < x->nlists; k++)
		x->start[k + 1] = x->start[k] + count[k];
	/* Second pass: fill the lists, in rule order. */
	memset(count, 0, (nsources + 1) * sizeof *count);
	n = 0;
	for (size_t i = 0; i < d->nrules; i++)
		for (size_t k = 0; k < d->rules[i]->sources.count; k++, n++) {
			uint32_t list = list_of[n];
			x->flat[x->start[list] + count[list]++] = (uint32_t)i;
		}
	rrd__free(count);
	rrd__free(list_of);
	return x;
fail:
	rrd__free(count);
	rrd__free(list_of);
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

const rrd_rule *rrd__rule_match(rrd_distributor *d, const rrd_record *r, pool_rt **pool)
{
	*pool = NULL;
	struct rule_index *x = index_of(d);
	if (!x) /* no rules, or no memory for the index: scan them */
		return match_scan(d, r);
	const uint32_t *named = NULL;
	size_t nnamed = 0, a = 0, b = 0;
	uint32_t list;
	if (r->source && rrd__hashmap_get(&x->by_source, r->source, &list)) {
		named = x->flat + x->start[list];
		nnamed = x->start[list + 1] - x->start[list];
	}
	/* Both lists ascend: merging them visits candidates in rule order.
	 * A rule on the record's source list names that source (no need to
	 * look again); one on the other list names none. */
	while (a < nnamed || b < x->nany) {
		uint32_t i;
		if (b >= x->nany || (a < nnamed && named[a] < x->any[b]))
			i = named[a++];
		else
			i = x->any[b++];
		if (matches_rest(d->rules[i], r)) {
			*pool = x->pool_of[i];
			return d->rules[i];
		}
	}
	return NULL;
}
