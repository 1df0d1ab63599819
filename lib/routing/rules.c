/*
 * Matching a record to the first rule whose every condition holds. Rules
 * are indexed by source: a record is tested only against the rules that
 * name its source and those that name none, merged in rule order, so ten
 * thousand rules over many sources route as fast as ten. With that many,
 * what a lookup costs is its cache misses, so the index is laid out to
 * take few: a source's rule list sits beside its name, and what routing
 * reads of a rule fills one cache line (rrd_rule_rt).
 */
#include <stddef.h>
#include <string.h>

#include "routing/routing.h"
#include "util/alloc.h"
#include "util/compiler.h"
#include "util/error.h"

/* One source's entry, laid out just before its name: the lookup compares
 * the name, so the same cache line brings the rules that name it. */
typedef struct source_entry {
	uint32_t count; /* rules naming the source */
	uint32_t first; /* the first of them */
	uint32_t start; /* all of them: flat[start .. start + count) */
	char name[];
} source_entry;

#define SOURCE_OF(k) ((const source_entry *)(const void *)((k) - offsetof(source_entry, name)))

struct rule_index {
	rrd_hashmap by_id;      /* rule id -> rule number */
	rrd_hashmap by_source;  /* the names in `sources` (values unused) */
	unsigned char *sources; /* every source's entry, in one block */
	uint32_t *flat;         /* rule numbers, ascending within each source */
	uint32_t *any;          /* rules that name no source */
	size_t nany;
	rrd_rule_rt *rules;         /* by rule number, a cache line each */
	void *rules_block;      /* the allocation `rules` is aligned within */
};

/* Every condition but the source's. */
static int matches_rest(const rrd_rule_rt *rule, const rrd_record *r)
{
	if (rule->kind && rule->kind != (int)r->kind)
		return 0;
	for (size_t i = 0; i < rule->attr_count; i++) {
		const rrd_kv *want = &rule->cfg->attrs[i];
		const char *v = rrd__kvlist_get(&r->attrs, want->key);
		if (!v || strcmp(v, want->value) != 0)
			return 0;
	}
	return 1;
}

static void index_free(struct rule_index *x)
{
	if (!x)
		return;
	rrd__free(x->sources);
	rrd__free(x->flat);
	rrd__free(x->any);
	rrd__free(x->rules_block);
	rrd__hashmap_free(&x->by_id);
	rrd__hashmap_free(&x->by_source);
	rrd__free(x);
}

/* The index, kept per distributor, with the configuration generation it
 * was built in: the rules, and the pools its copies point to. */
typedef struct rules_cache {
	uint64_t config; /* 0: never built */
	struct rule_index *index;
} rules_cache;

static void rules_cache_free(void *data)
{
	rules_cache *c = data;
	index_free(c->index);
	rrd__free(c);
}

static const rrd_cache_kind rules_kind = { "rule index", rules_cache_free };

static rrd_rule_rt hot_copy(rrd_distributor *d, const rrd_rule *rule)
{
	return (rrd_rule_rt){
		.cfg = rule,
		.pool = rrd__pool_find(d, rule->pool),
		.id = rule->id,
		.claim_window = rule->claim_window,
		.max_offers = rule->max_offers,
		.kind = rule->kind,
		.strategy = rule->strategy,
		.attr_count = (uint32_t)rule->attr_count,
		.noverflow = (uint32_t)rule->overflow.count,
		.has_skills = rule->skills.count != 0,
		.has_calendar = rule->calendar != NULL,
		.respect_hours = rule->respect_hours != 0,
	};
}

#define LINE 64
_Static_assert(sizeof(rrd_rule_rt) <= LINE, "a rule's routing copy fits in a cache line");

static size_t entry_size(size_t name_len)
{
	/* Keep each entry's counters aligned. */
	size_t n = offsetof(source_entry, name) + name_len + 1;
	return (n + _Alignof(source_entry) - 1) & ~(size_t)(_Alignof(source_entry) - 1);
}

static source_entry *entry_at(struct rule_index *x, size_t off)
{
	return (source_entry *)(void *)(x->sources + off);
}

static struct rule_index *index_build(rrd_distributor *d)
{
	struct rule_index *x = rrd__calloc(1, sizeof *x);
	if (!x)
		return NULL;
	size_t nsources = 0, bytes = 0, n = d->nrules;
	for (size_t i = 0; i < n; i++) {
		const rrd_strlist *src = &d->rules[i]->sources;
		nsources += src->count;
		for (size_t k = 0; k < src->count; k++)
			bytes += entry_size(strlen(src->items[k]));
	}
	/* Where each (rule, source) pair's entry is, in rule order. */
	size_t *at = rrd__calloc(nsources + 1, sizeof *at);
	if (!at || !(x->sources = rrd__malloc(bytes + 1)) ||
	    !(x->flat = rrd__calloc(nsources + 1, sizeof *x->flat)) ||
	    !(x->any = rrd__calloc(n + 1, sizeof *x->any)) ||
	    !(x->rules_block = rrd__malloc((n + 1) * sizeof(rrd_rule_rt) + LINE)) ||
	    rrd__hashmap_reserve(&x->by_source, nsources + 1) ||
	    rrd__hashmap_reserve(&x->by_id, n))
		goto fail;
	x->rules = (rrd_rule_rt *)(((uintptr_t)x->rules_block + LINE - 1) & ~(uintptr_t)(LINE - 1));
	/* First pass: an entry for each distinct source, counting its rules. */
	size_t used = 0, m = 0;
	for (size_t i = 0; i < n; i++) {
		const rrd_rule *rule = d->rules[i];
		rrd__hashmap_put(&x->by_id, rule->id, (uint32_t)i);
		x->rules[i] = hot_copy(d, rule);
		if (!rule->sources.count)
			x->any[x->nany++] = (uint32_t)i;
		for (size_t k = 0; k < rule->sources.count; k++, m++) {
			const char *name = rule->sources.items[k];
			const char *key = rrd__hashmap_key(&x->by_source, name);
			size_t off;
			if (key) {
				off = (size_t)((const unsigned char *)SOURCE_OF(key) - x->sources);
			} else {
				size_t len = strlen(name);
				source_entry *e = entry_at(x, used);
				*e = (source_entry){ 0, (uint32_t)i, 0 };
				memcpy(e->name, name, len + 1);
				rrd__hashmap_put(&x->by_source, e->name, 0);
				off = used;
				used += entry_size(len);
			}
			entry_at(x, off)->count++;
			at[m] = off;
		}
	}
	/* Each source's run of flat; its count then counts the run filled. */
	size_t next = 0;
	for (size_t off = 0; off < used; off += entry_size(strlen(entry_at(x, off)->name))) {
		source_entry *e = entry_at(x, off);
		e->start = (uint32_t)next;
		next += e->count;
		e->count = 0;
	}
	/* Second pass: fill the runs, in rule order. */
	m = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < d->rules[i]->sources.count; k++, m++) {
			source_entry *e = entry_at(x, at[m]);
			x->flat[e->start + e->count++] = (uint32_t)i;
		}
	rrd__free(at);
	return x;
fail:
	rrd__free(at);
	index_free(x);
	return NULL;
}

/* The index, built on first use after the rules change; NULL when there
 * are no rules. */
/* The index of the rules as they are now; NULL when there are none. */
static rrd_status index_of(rrd_distributor *d, struct rule_index **out)
{
	rules_cache *c;
	rrd_status rc = rrd__cache_of(d, &rules_kind, sizeof *c, (void **)&c);
	if (rc)
		return rc;
	if (!rrd__config_fresh(d, c->config)) {
		index_free(c->index);
		c->index = NULL;
		if (d->nrules && !(c->index = index_build(d)))
			return rrd__nomem();
		c->config = d->config_gen;
	}
	*out = c->index;
	return RRD_OK;
}

rrd_status rrd__rule_find(rrd_distributor *d, const char *id, const rrd_rule_rt **out)
{
	*out = NULL;
	struct rule_index *x = NULL;
	rrd_status rc = index_of(d, &x);
	uint32_t i;
	if (!rc && x && id && rrd__hashmap_get(&x->by_id, id, &i))
		*out = &x->rules[i];
	return rc;
}

/* The first rule that matches r, whose source's entry is e (NULL: the
 * record has no source, or no rule names it). */
static const rrd_rule_rt *match_in(const struct rule_index *x, const rrd_record *r,
			       const source_entry *e)
{
	size_t nnamed = e ? e->count : 0, a = 0, b = 0;
	/* Both lists ascend: merging them visits candidates in rule order.
	 * A rule on the record's source list names that source (no need to
	 * look again); one on the other list names none. The first named
	 * rule is read from the entry: most sources have one. */
	while (a < nnamed || b < x->nany) {
		uint32_t named = a >= nnamed ? 0 : a == 0 ? e->first : x->flat[e->start + a];
		uint32_t i;
		if (b >= x->nany || (a < nnamed && named < x->any[b])) {
			i = named;
			a++;
		} else {
			i = x->any[b++];
		}
		if (matches_rest(&x->rules[i], r))
			return &x->rules[i];
	}
	return NULL;
}

static const source_entry *entry_of(const struct rule_index *x, const char *source,
				    uint32_t hash)
{
	const char *key = rrd__hashmap_key_hashed(&x->by_source, source, hash);
	return key ? SOURCE_OF(key) : NULL;
}

rrd_status rrd__rule_match(rrd_distributor *d, const rrd_record *r, const rrd_rule_rt **out)
{
	*out = NULL;
	struct rule_index *x = NULL;
	rrd_status rc = index_of(d, &x);
	if (rc || !x)
		return rc;
	const source_entry *e = r->source ? entry_of(x, r->source, rrd__hash_str(r->source)) : NULL;
	*out = match_in(x, r, e);
	return RRD_OK;
}

/* Records matched this many at a time: each step is asked of memory for
 * all of them before any of them needs it. */
#define MATCH_CHUNK 16

rrd_status rrd__rule_match_many(rrd_distributor *d, const rrd_record *const *records,
				size_t n, const rrd_rule_rt **out)
{
	struct rule_index *x = NULL;
	rrd_status rc = index_of(d, &x);
	if (rc || !x) {
		for (size_t i = 0; i < n; i++)
			out[i] = NULL;
		return rc;
	}
	uint32_t hash[MATCH_CHUNK];
	const source_entry *e[MATCH_CHUNK];
	for (size_t base = 0; base < n; base += MATCH_CHUNK) {
		const rrd_record *const *r = records + base;
		size_t m = n - base < MATCH_CHUNK ? n - base : MATCH_CHUNK;
		for (size_t i = 0; i < m; i++)
			if (r[i]->source) {
				hash[i] = rrd__hash_str(r[i]->source);
				rrd__hashmap_prefetch(&x->by_source, hash[i]);
			}
		for (size_t i = 0; i < m; i++) {
			e[i] = r[i]->source ? entry_of(x, r[i]->source, hash[i]) : NULL;
			if (e[i])
				RRD_PREFETCH(&x->rules[e[i]->first]);
		}
		for (size_t i = 0; i < m; i++)
			out[base + i] = match_in(x, r[i], e[i]);
	}
	return RRD_OK;
}
