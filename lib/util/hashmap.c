#include "util/hashmap.h"

#include <string.h>

#include "util/alloc.h"

static const char tombstone_mark;
#define TOMBSTONE (&tombstone_mark)

uint32_t rrd__hash_str(const char *s)
{
	/* FNV-1a: ids are short, so a simple byte hash is as fast as any. */
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	/* Ids often differ only in their last characters ("L1", "L2", ...);
	 * a final mix spreads that over every bit, the top ones the table
	 * indexes by among them. */
	h ^= h >> 16;
	h *= 0x85EBCA6Bu;
	h ^= h >> 13;
	h *= 0xC2B2AE35u;
	h ^= h >> 16;
	return h;
}

static long find_slot(const rrd_hashmap *m, const char *key, uint32_t h)
{
	if (!m->cap)
		return -1;
	size_t mask = m->cap - 1;
	for (size_t i = rrd__hashmap_home(h, m->shift);; i = (i + 1) & mask) {
		const rrd_hashmap_slot *s = &m->slots[i];
		if (!s->key)
			return -1;
		if (s->key != TOMBSTONE && s->hash == h &&
		    (s->key == key || rrd__str_eq(s->key, key)))
			return (long)i;
	}
}

uint64_t rrd__id_hash64(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	return h;
}

int rrd__hashmap_get(const rrd_hashmap *m, const char *key, uint32_t *value)
{
	return rrd__hashmap_get_hashed(m, key, rrd__hash_str(key), value);
}

int rrd__hashmap_get_hashed(const rrd_hashmap *m, const char *key, uint32_t hash,
			    uint32_t *value)
{
	long i = find_slot(m, key, hash);
	if (i < 0)
		return 0;
	if (value)
		*value = m->slots[i].value;
	return 1;
}

const char *rrd__hashmap_key(const rrd_hashmap *m, const char *key)
{
	return rrd__hashmap_key_hashed(m, key, rrd__hash_str(key));
}

const char *rrd__hashmap_key_hashed(const rrd_hashmap *m, const char *key, uint32_t hash)
{
	long i = find_slot(m, key, hash);
	return i < 0 ? NULL : m->slots[i].key;
}

const char *rrd__hashmap_key_at(const rrd_hashmap *m, size_t i, uint32_t *value)
{
	const char *k = m->slots[i].key;
	if (!k || k == TOMBSTONE)
		return NULL;
	if (value)
		*value = m->slots[i].value;
	return k;
}

static void insert_fresh(rrd_hashmap_slot *slots, size_t cap, unsigned shift,
			 const rrd_hashmap_slot *s)
{
	size_t mask = cap - 1;
	size_t i = rrd__hashmap_home(s->hash, shift);
	while (slots[i].key)
		i = (i + 1) & mask;
	slots[i] = *s;
}

static int rehash(rrd_hashmap *m, size_t ncap)
{
	rrd_hashmap_slot *ns = rrd__calloc_large(ncap, sizeof *ns);
	if (!ns)
		return -1;
	/* Past 2^32 slots a 32-bit hash reaches only the first 2^32 homes;
	 * probing still finds every key. */
	unsigned shift = 32;
	for (size_t c = ncap; c > 1 && shift; c >>= 1)
		shift--;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key && m->slots[i].key != TOMBSTONE)
			insert_fresh(ns, ncap, shift, &m->slots[i]);
	rrd__free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	m->shift = shift;
	m->used = m->count;
	return 0;
}

int rrd__hashmap_reserve(rrd_hashmap *m, size_t n)
{
	/* Keep the load (tombstones included) under 3/4. */
	size_t need = m->used + n;
	if (m->cap && need * 4 < m->cap * 3)
		return 0;
	size_t ncap = m->cap ? m->cap : 16;
	while ((m->count + n) * 4 >= ncap * 3)
		ncap *= 2;
	return rehash(m, ncap);
}

int rrd__hashmap_rekey(rrd_hashmap *m, const char *old, uint32_t hash, const char *key,
		       uint32_t value)
{
	/* The search meets `old` itself, so compares no string but for a
	 * key of the same hash on the way. */
	long i = find_slot(m, old, hash);
	if (i < 0)
		return -1;
	m->slots[i].key = key;
	m->slots[i].value = value;
	return 0;
}

int rrd__hashmap_put(rrd_hashmap *m, const char *key, uint32_t value)
{
	uint32_t h = rrd__hash_str(key);
	long i = find_slot(m, key, h);
	if (i >= 0) {
		m->slots[i].key = key;
		m->slots[i].value = value;
		return 0;
	}
	if (rrd__hashmap_reserve(m, 1))
		return -1;
	rrd__hashmap_insert_absent(m, key, h, value);
	return 0;
}

void rrd__hashmap_insert_absent(rrd_hashmap *m, const char *key, uint32_t hash, uint32_t value)
{
	rrd_hashmap_slot s = { key, hash, value };
	insert_fresh(m->slots, m->cap, m->shift, &s);
	m->count++;
	m->used++;
}

int rrd__hashmap_del(rrd_hashmap *m, const char *key)
{
	long i = find_slot(m, key, rrd__hash_str(key));
	if (i < 0)
		return 0;
	m->count--;
	size_t mask = m->cap - 1, j = (size_t)i;
	if (m->slots[(j + 1) & mask].key) {
		m->slots[j].key = TOMBSTONE;
		return 1;
	}
	/* No search goes past an empty slot, so one just before an empty
	 * slot needs no tombstone, and neither do the tombstones before it:
	 * a map whose keys come and go (the record cache) then stays clean
	 * instead of filling with tombstones until it is rebuilt. */
	do {
		m->slots[j].key = NULL;
		m->used--;
		j = (j - 1) & mask;
	} while (m->slots[j].key == TOMBSTONE);
	return 1;
}

void rrd__hashmap_clear(rrd_hashmap *m)
{
	if (m->cap)
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->count = m->used = 0;
}

void rrd__hashmap_free(rrd_hashmap *m)
{
	rrd__free(m->slots);
	memset(m, 0, sizeof *m);
}
