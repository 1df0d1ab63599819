/*
 * String-keyed open-addressing hash map to a 32-bit value (a dense index).
 * Keys are borrowed: the caller keeps each key alive while it is mapped,
 * which is what lets interned ids be looked up without copies.
 */
#ifndef RRD_UTIL_HASHMAP_H
#define RRD_UTIL_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

#include "util/compiler.h"

typedef struct rrd_hashmap_slot {
	const char *key; /* NULL: empty; RRD_HASHMAP_TOMBSTONE: deleted */
	uint32_t hash;
	uint32_t value;
} rrd_hashmap_slot;

typedef struct rrd_hashmap {
	rrd_hashmap_slot *slots;
	size_t cap;   /* power of two, or 0 */
	size_t count; /* live keys */
	size_t used;  /* live keys + tombstones */
	unsigned shift; /* 32 - log2(cap): a hash's top bits pick its slot */
} rrd_hashmap;

uint32_t rrd__hash_str(const char *s);
/* 64-bit FNV-1a. Stored state depends on it (round robin, random
 * streams), so it must never change. */
uint64_t rrd__id_hash64(const char *s);

/* Equality of two short strings. Keys here are ids of a few bytes, for
 * which a plain loop beats a call into the C library's vectorised strcmp. */
static inline int rrd__str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}
/* 1 and *value when found, else 0. */
int rrd__hashmap_get(const rrd_hashmap *m, const char *key, uint32_t *value);
/* rrd__hashmap_get with the key's hash (rrd__hash_str) given. */
int rrd__hashmap_get_hashed(const rrd_hashmap *m, const char *key, uint32_t hash,
			    uint32_t *value);
/* The key as it was put (the very pointer) for one equal to `key`, or
 * NULL: lets a caller whose key sits in a larger block find the block. */
const char *rrd__hashmap_key(const rrd_hashmap *m, const char *key);
/* rrd__hashmap_key with the key's hash (rrd__hash_str) given, and the
 * insertion of a key known to be absent, after rrd__hashmap_reserve so
 * that it cannot fail: for a caller that looks a key up and, finding it
 * absent, puts it without a second search. */
const char *rrd__hashmap_key_hashed(const rrd_hashmap *m, const char *key, uint32_t hash);
void rrd__hashmap_insert_absent(rrd_hashmap *m, const char *key, uint32_t hash, uint32_t value);
/* A key's home slot is the top bits of its hash, so that a table's keys
 * lie in hash order (wrapped runs aside): doubling the table then moves
 * them to the new one front to back, a stream instead of a random write
 * per key, which matters once the table outgrows the caches. */
static inline size_t rrd__hashmap_home(uint32_t h, unsigned shift)
{
	return (size_t)((uint64_t)h >> shift);
}

/* Ask for the slot where a search for `hash` starts, ahead of the search:
 * a caller with many keys to look up prefetches them all first. Always
 * inlined: GCC finds a function that only prefetches free of effects,
 * and deletes the calls it has not inlined by then. */
static RRD_ALWAYS_INLINE void rrd__hashmap_prefetch(const rrd_hashmap *m, uint32_t hash)
{
	if (m->cap)
		RRD_PREFETCH(&m->slots[rrd__hashmap_home(hash, m->shift)]);
}
/* The second step, once the slot has come: ask for the key that the
 * slot where the search starts holds, when its hash is `hash`'s, so that
 * comparing it finds it at hand. */
static RRD_ALWAYS_INLINE void rrd__hashmap_prefetch_key(const rrd_hashmap *m, uint32_t hash)
{
	if (!m->cap)
		return;
	const rrd_hashmap_slot *s = &m->slots[rrd__hashmap_home(hash, m->shift)];
	if (s->hash == hash && s->key)
		RRD_PREFETCH(s->key);
}
/* The live key in slot i (0 <= i < m->cap), or NULL: to visit every key.
 * `value` (may be NULL) receives its value. */
const char *rrd__hashmap_key_at(const rrd_hashmap *m, size_t i, uint32_t *value);
/* Insert or overwrite. 0, or -1 on allocation failure (map unchanged). */
int rrd__hashmap_put(rrd_hashmap *m, const char *key, uint32_t value);
/* Point the slot of key `old` (whose hash is `hash`) at `key`, a string
 * equal to it, and `value`: for a caller that moves a key to another
 * block. 0, or -1 when `old` is not in the map. Never allocates. */
int rrd__hashmap_rekey(rrd_hashmap *m, const char *old, uint32_t hash, const char *key,
		       uint32_t value);
/* Make room for `n` keys so that the next puts cannot fail. 0 or -1. */
int rrd__hashmap_reserve(rrd_hashmap *m, size_t n);
/* 1 when removed, 0 when absent. Never allocates. */
int rrd__hashmap_del(rrd_hashmap *m, const char *key);
/* Forget every entry, keeping the table's size. */
void rrd__hashmap_clear(rrd_hashmap *m);
void rrd__hashmap_free(rrd_hashmap *m);

#endif
