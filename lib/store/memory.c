/*
 * The in-memory store: the reference implementation of the storage
 * interface. Transactions keep an undo log, so a rollback restores exactly
 * what was there; the old value of a put is kept by moving its block into
 * the log rather than copying it, which keeps writes on hot paths cheap.
 *
 * Every routed record adds an entry, so an entry's footprint is what a
 * busy store pays in fresh memory: each is one block (header, key, value),
 * carved from the store's slab, that the table's slot points at through
 * its key, with no array of entries beside it to grow and copy.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/slab.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/error.h"
#include "util/hashmap.h"

#define NS_MAX 16

/* One block: this header, the key and its NUL, then the value. A put of
 * another length makes a new block; the table then points at its key. */
typedef struct entry {
	int64_t order;
	uint32_t len;
	uint32_t klen : 31;
	/* Deleted in the open transaction: kept in place until commit, so a
	 * rollback revives it without allocating. */
	uint32_t dead : 1;
	char key[];
} entry;

#define ENTRY_OF(k) ((entry *)(void *)((char *)(k) - offsetof(entry, key)))

static unsigned char *value_of(entry *e)
{
	return (unsigned char *)e->key + e->klen + 1;
}

static size_t entry_size(const entry *e)
{
	return sizeof *e + e->klen + 1 + e->len;
}

/* What the table keeps beside an entry's key: whether its block came from
 * the allocator rather than the slab, so closing the store frees those
 * without visiting every entry. */
static uint32_t slot_value(const entry *e)
{
	return entry_size(e) > RRD_SLAB_MAX;
}

typedef struct table {
	rrd_hashmap map; /* keys are the entries' own keys; values slot_value() */
} table;

typedef struct timer {
	char *key;      /* NULL: free slot */
	rrd_time due;
	int64_t seq;
	int dead;       /* cleared in the open transaction; sunk to the bottom */
	uint32_t pos;   /* index in the heap */
} timer;

typedef struct lock {
	char *name;
	char *owner;
	rrd_time expires;
} lock;

enum undo_kind { UNDO_ENTRY, UNDO_TIMER };

/* Old values up to this size are copied into the log's bytes (small_log),
 * so overwriting them in place costs no allocation: counters and cursors
 * (8-16 bytes) and agents' state (33) are written on every assignment. */
#define INLINE_VALUE 48

/* One write of the open transaction. Compact, as a transaction that
 * rewrites thousands of records logs each of them. */
typedef struct undo {
	union {
		struct { /* UNDO_ENTRY */
			entry *cur;        /* the block the write left in the table */
			entry *old;        /* a put that made a new block: the one before */
			int64_t order;     /* is_small: the order before */
			uint32_t small_at; /* is_small: where the value before lies in small_log */
		};
		struct { /* UNDO_TIMER */
			char *key;         /* an owned copy of the key */
			rrd_time due;
			int64_t seq;
		};
	};
	uint8_t kind;
	uint8_t ns;
	uint8_t existed;   /* the entry or timer was there (alive or not) */
	uint8_t was_dead;  /* ... but deleted earlier in this transaction */
	uint8_t is_delete; /* a delete: the value stayed with the entry */
	uint8_t is_small;  /* the value before is in small_log, overwritten in place */
} undo;

/* Callers write the same few keys again and again (cursors, counters,
 * agents' state), each through a string of their own that lives as long
 * as the object: a small cache from the key's address to its entry is
 * tried before hashing. An item is good while `epoch` is the store's,
 * which moves on whenever a block may have been freed. Room for the
 * state of a few hundred agents, which busy pools write in turn. */
#define HOT_KEYS 512

typedef struct hot_key {
	const char *key;
	entry *e;
	uint64_t epoch;
	int ns;
} hot_key;

/* The last key looked up and not found, with its hash: a new record's id
 * is looked up (is it free?) and then put, and the put skips a second
 * search. Nothing but a put of that key makes it appear, and any put of
 * a new key clears this. Longer keys are not kept. */
#define MISS_KEY_MAX 128

typedef struct memstore {
	pthread_mutex_t mu;
	hot_key hot[HOT_KEYS];
	uint64_t hot_epoch;
	int miss_ns; /* 0: nothing kept */
	uint32_t miss_hash;
	char miss_key[MISS_KEY_MAX];
	rrd_slab slab;
	int in_txn;
	int read_only;    /* the transaction was begun RRD_TXN_READ_ONLY */
	int deleted;      /* the transaction deleted an entry or a timer */
	uint64_t generation;
	table tables[NS_MAX];
	/* Timers live in slots that do not move; the heap orders slot
	 * numbers by (due, seq), so a heap step touches no hash table. */
	timer *slots;
	size_t slot_count, slot_cap;
	uint32_t *free_timers;
	size_t free_timer_count, free_timer_cap;
	uint32_t *heap;
	size_t heap_count, heap_cap;
	rrd_hashmap timer_pos; /* key -> slot */
	undo *log;
	size_t log_count, log_cap;
	rrd_buf small_log; /* values overwritten in place, for the log */
	lock *locks;
	size_t lock_count, lock_cap;
} memstore;

static table *table_of(memstore *s, int ns)
{
	return ns > 0 && ns < NS_MAX ? &s->tables[ns] : NULL;
}

static hot_key *hot_slot(memstore *s, const char *key)
{
	return &s->hot[((uintptr_t)key >> 4) % HOT_KEYS];
}

static int missed(const memstore *s, int ns, const char *key)
{
	return s->miss_ns == ns && rrd__str_eq(s->miss_key, key);
}

/* The entry for key (dead or alive) or NULL, through the hot cache; a
 * key not found is kept as the last miss. `hash` is the key's, or NULL
 * for one not yet computed. Inlined: every get and put starts here. */
static RRD_ALWAYS_INLINE entry *lookup_hashed(memstore *s, const table *t, int ns, const char *key,
			    const uint32_t *hash)
{
	hot_key *h = hot_slot(s, key);
	/* The C library's strcmp here: hot keys (a pool's strategy, an
	 * agent's state) run longer than the ids the table compares. */
	if (h->key == key && h->epoch == s->hot_epoch && h->ns == ns && strcmp(h->e->key, key) == 0)
		return h->e;
	uint32_t hv = hash ? *hash : rrd__hash_str(key);
	const char *k = rrd__hashmap_key_hashed(&t->map, key, hv);
	if (!k) {
		size_t n = strlen(key);
		s->miss_ns = 0;
		if (n < MISS_KEY_MAX) {
			memcpy(s->miss_key, key, n + 1);
			s->miss_hash = hv;
			s->miss_ns = ns;
		}
		return NULL;
	}
	entry *e = ENTRY_OF(k);
	*h = (hot_key){ key, e, s->hot_epoch, ns };
	return e;
}

static entry *lookup(memstore *s, const table *t, int ns, const char *key)
{
	return lookup_hashed(s, t, ns, key, NULL);
}

/* ---- transactions ---------------------------------------------------- */

static int mem_begin(void *self, unsigned int flags, uint64_t *generation)
{
	memstore *s = self;
	pthread_mutex_lock(&s->mu);
	s->in_txn = 1;
	s->read_only = (flags & RRD_TXN_READ_ONLY) != 0;
	if (generation)
		*generation = s->generation;
	return RRD_OK;
}

static void entry_free(memstore *s, entry *e)
{
	rrd__slab_free(&s->slab, e, entry_size(e));
}

static void free_log(memstore *s)
{
	/* Most entries (small overwrites) own nothing: skip the calls. */
	for (size_t i = 0; i < s->log_count; i++) {
		undo *u = &s->log[i];
		if (u->kind == UNDO_TIMER) {
			rrd__free(u->key);
		} else if (u->old) {
			entry_free(s, u->old);
			s->hot_epoch++;
		}
	}
	s->log_count = 0;
	s->small_log.len = 0;
	s->small_log.failed = 0;
}

static void entry_remove(memstore *s, table *t, entry *e);
static void heap_remove(memstore *s, size_t i);

/* What the transaction deleted goes for good once it commits. */
static void purge_dead(memstore *s)
{
	for (size_t i = 0; i < s->log_count; i++) {
		undo *u = &s->log[i];
		if (u->kind == UNDO_ENTRY) {
			/* A block deleted and then replaced belongs to the
			 * replacing put's log entry, which frees it. One
			 * deleted twice (revived in between) is logged twice:
			 * it leaves the table at the first and is freed with
			 * the log, so the second finds it gone. */
			table *t = table_of(s, u->ns);
			if (u->is_delete && u->cur->dead &&
			    rrd__hashmap_key(&t->map, u->cur->key) == u->cur->key) {
				rrd__hashmap_del(&t->map, u->cur->key);
				u->old = u->cur;
			}
		} else {
			uint32_t slot;
			if (rrd__hashmap_get(&s->timer_pos, u->key, &slot) && s->slots[slot].dead)
				heap_remove(s, s->slots[slot].pos);
		}
	}
}

static int mem_commit(void *self)
{
	memstore *s = self;
	if (!s->in_txn)
		return rrd__fail(RRD_E_STATE, "memory store: commit outside a transaction");
	if (s->deleted)
		purge_dead(s);
	s->deleted = 0;
	free_log(s);
	s->generation++;
	s->in_txn = 0;
	pthread_mutex_unlock(&s->mu);
	return RRD_OK;
}

/* ---- timers heap ----------------------------------------------------- */

static int timer_less(const memstore *s, uint32_t x, uint32_t y)
{
	const timer *a = &s->slots[x], *b = &s->slots[y];
	if (a->dead != b->dead)
		return b->dead;
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_swap(memstore *s, size_t a, size_t b)
{
	uint32_t t = s->heap[a];
	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->slots[s->heap[a]].pos = (uint32_t)a;
	s->slots[s->heap[b]].pos = (uint32_t)b;
}

static void heap_fix(memstore *s, size_t i)
{
	while (i > 0 && timer_less(s, s->heap[i], s->heap[(i - 1) / 2])) {
		heap_swap(s, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < s->heap_count && timer_less(s, s->heap[l], s->heap[m]))
			m = l;
		if (r < s->heap_count && timer_less(s, s->heap[r], s->heap[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(s, i, m);
		i = m;
	}
}

/* Remove heap item i and free its timer. */
static void heap_remove(memstore *s, size_t i)
{
	uint32_t slot = s->heap[i];
	timer *t = &s->slots[slot];
	rrd__hashmap_del(&s->timer_pos, t->key);
	rrd__free(t->key);
	t->key = NULL;
	/* free_timers was grown when the slot was taken. */
	s->free_timers[s->free_timer_count++] = slot;
	s->heap_count--;
	if (i != s->heap_count) {
		s->heap[i] = s->heap[s->heap_count];
		s->slots[s->heap[i]].pos = (uint32_t)i;
		heap_fix(s, i);
	}
}

/* Set a timer; 0 or -1 (nothing changed). */
static int heap_set(memstore *s, const char *key, rrd_time due, int64_t seq)
{
	uint32_t slot;
	if (rrd__hashmap_get(&s->timer_pos, key, &slot)) {
		timer *t = &s->slots[slot];
		t->due = due;
		t->seq = seq;
		t->dead = 0;
		heap_fix(s, t->pos);
		return 0;
	}
	char *k = rrd__strdup(key);
	if (!k || rrd__grow((void **)&s->heap, &s->heap_cap, s->heap_count + 1, sizeof(uint32_t)) ||
	    rrd__hashmap_reserve(&s->timer_pos, 1))
		goto nomem;
	if (s->free_timer_count) {
		slot = s->free_timers[--s->free_timer_count];
	} else {
		if (rrd__grow((void **)&s->slots, &s->slot_cap, s->slot_count + 1, sizeof(timer)) ||
		    rrd__grow((void **)&s->free_timers, &s->free_timer_cap, s->slot_count + 1,
			      sizeof(uint32_t)))
			goto nomem;
		slot = (uint32_t)s->slot_count++;
	}
	s->slots[slot] = (timer){ k, due, seq, 0, (uint32_t)s->heap_count };
	s->heap[s->heap_count++] = slot;
	rrd__hashmap_put(&s->timer_pos, k, slot);
	heap_fix(s, s->heap_count - 1);
	return 0;
nomem:
	rrd__free(k);
	return -1;
}

/* ---- entries --------------------------------------------------------- */

static int log_reserve(memstore *s)
{
	return rrd__grow((void **)&s->log, &s->log_cap, s->log_count + 1, sizeof(undo));
}

static void entry_remove(memstore *s, table *t, entry *e)
{
	rrd__hashmap_del(&t->map, e->key);
	entry_free(s, e);
	s->hot_epoch++;
}

/* A block for key and value; NULL when out of memory. */
static entry *entry_new(memstore *s, const char *key, size_t klen, const void *value,
			size_t len, int64_t order)
{
	entry *e = rrd__slab_alloc(&s->slab, sizeof *e + klen + 1 + len);
	if (!e)
		return NULL;
	e->order = order;
	e->len = (uint32_t)len;
	e->klen = (uint32_t)klen;
	e->dead = 0;
	memcpy(e->key, key, klen + 1);
	if (len)
		memcpy(value_of(e), value, len);
	return e;
}

/* The log is undone newest first, so when an entry's turn comes the table
 * holds exactly what its write left: `cur`. */
static void undo_entry(memstore *s, undo *u)
{
	table *t = table_of(s, u->ns);
	entry *e = u->cur;
	if (u->is_delete) {
		e->dead = 0;
	} else if (!u->existed) {
		entry_remove(s, t, e);
	} else if (u->is_small) {
		memcpy(value_of(e), s->small_log.data + u->small_at, e->len);
		e->order = u->order;
		e->dead = (uint32_t)u->was_dead;
	} else {
		/* Equal keys: the slot now points at the old block again,
		 * and putting an existing key never allocates. */
		rrd__hashmap_put(&t->map, u->old->key, slot_value(u->old));
		entry_free(s, e);
		s->hot_epoch++;
		u->old = NULL;
	}
}

static void undo_timer(memstore *s, undo *u)
{
	uint32_t slot;
	if (!rrd__hashmap_get(&s->timer_pos, u->key, &slot))
		return;
	timer *t = &s->slots[slot];
	if (u->existed) {
		t->due = u->due;
		t->seq = u->seq;
		t->dead = u->was_dead;
		heap_fix(s, t->pos);
	} else {
		heap_remove(s, t->pos);
	}
}

static int mem_rollback(void *self)
{
	memstore *s = self;
	if (!s->in_txn)
		return rrd__fail(RRD_E_STATE, "memory store: rollback outside a transaction");
	for (size_t i = s->log_count; i-- > 0;) {
		undo *u = &s->log[i];
		if (u->kind == UNDO_ENTRY)
			undo_entry(s, u);
		else
			undo_timer(s, u);
	}
	free_log(s);
	s->deleted = 0;
	s->in_txn = 0;
	pthread_mutex_unlock(&s->mu);
	return RRD_OK;
}

static int mem_get(void *self, int ns, const char *key, const void **value, size_t *len,
		   int64_t *order)
{
	memstore *s = self;
	table *t = table_of(s, ns);
	if (!t)
		return rrd__fail(RRD_E_INVALID, "memory store: namespace %d", ns);
	entry *e = lookup(s, t, ns, key);
	if (!e || e->dead)
		return RRD_E_NOTFOUND;
	*value = value_of(e);
	*len = e->len;
	if (order)
		*order = e->order;
	return RRD_OK;
}

/* Keys asked about at once: each key's slot is requested from memory
 * before any is read, so the cache misses of a large table overlap
 * instead of coming one after another. */
#define MANY_CHUNK 16

/* Hash the first MANY_CHUNK keys (or all `left` of them, if fewer) into
 * hash[] and ask for each one's slot; how many that was. */
static size_t ask_chunk(const table *t, const char *const *keys, size_t left, uint32_t *hash)
{
	size_t m = left < MANY_CHUNK ? left : MANY_CHUNK;
	for (size_t i = 0; i < m; i++) {
		hash[i] = rrd__hash_str(keys[i]);
		rrd__hashmap_prefetch(&t->map, hash[i]);
	}
	return m;
}

static int mem_has_many(void *self, int ns, size_t n, const char *const *keys,
			unsigned char *present)
{
	memstore *s = self;
	table *t = table_of(s, ns);
	if (!t)
		return rrd__fail(RRD_E_INVALID, "memory store: namespace %d", ns);
	uint32_t hash[MANY_CHUNK];
	for (size_t base = 0; base < n; base += MANY_CHUNK) {
		size_t m = ask_chunk(t, keys + base, n - base, hash);
		for (size_t i = 0; i < m; i++) {
			const char *k = rrd__hashmap_key_hashed(&t->map, keys[base + i], hash[i]);
			present[base + i] = k && !ENTRY_OF(k)->dead;
		}
	}
	return RRD_OK;
}

/* As has_many: a chunk's slots are all requested before any is read, and
 * then the entries those slots point at, so that the cache misses of a
 * large table, and of the blocks its keys lie in, overlap. */
static int mem_get_many(void *self, size_t n, const int *ns, const char *const *keys,
			const void **values, size_t *lens, int64_t *orders, unsigned char *found)
{
	memstore *s = self;
	uint32_t hash[MANY_CHUNK];
	const table *t[MANY_CHUNK];
	for (size_t base = 0; base < n; base += MANY_CHUNK) {
		size_t m = n - base < MANY_CHUNK ? n - base : MANY_CHUNK;
		for (size_t i = 0; i < m; i++) {
			if (!(t[i] = table_of(s, ns[base + i])))
				return rrd__fail(RRD_E_INVALID, "memory store: namespace %d",
						 ns[base + i]);
			hash[i] = rrd__hash_str(keys[base + i]);
			rrd__hashmap_prefetch(&t[i]->map, hash[i]);
		}
		for (size_t i = 0; i < m; i++)
			rrd__hashmap_prefetch_key(&t[i]->map, hash[i]);
		for (size_t i = 0; i < m; i++) {
			size_t j = base + i;
			entry *e = lookup_hashed(s, t[i], ns[j], keys[j], &hash[i]);
			found[j] = e && !e->dead;
			if (!found[j])
				continue;
			values[j] = value_of(e);
			lens[j] = e->len;
			if (orders)
				orders[j] = e->order;
		}
	}
	return RRD_OK;
}

static int need_txn(memstore *s)
{
	if (!s->in_txn)
		return rrd__fail(RRD_E_STATE, "memory store: write outside a transaction");
	/* The reference store holds its callers to the contract. */
	if (s->read_only)
		return rrd__fail(RRD_E_STATE, "memory store: write in a read-only transaction");
	return RRD_OK;
}

/* The table a write to `ns` goes to: RRD_OK, or why there is none (an
 * unknown namespace, no open transaction). */
static int write_table(memstore *s, int ns, table **t)
{
	if (!(*t = table_of(s, ns)))
		return rrd__fail(RRD_E_INVALID, "memory store: namespace %d", ns);
	return need_txn(s);
}

/* One put, the table and transaction checked; `hash` as for lookup_hashed.
 * Inlined into both callers: a single put is the hot path of a submit. */
static RRD_ALWAYS_INLINE int put_entry(memstore *s, table *t, int ns, const char *key,
				       const uint32_t *hash, const void *value, size_t len,
				       int64_t order)
{
	if (len > UINT32_MAX)
		return rrd__fail(RRD_E_INVALID, "memory store: entry too large");
	if (log_reserve(s))
		return rrd__nomem();
	entry *e = missed(s, ns, key) ? NULL : lookup_hashed(s, t, ns, key, hash);
	/* Field by field: `small_at`, `was_dead` and `order` are read only
	 * when `is_small` is set. */
	undo *u = &s->log[s->log_count];
	u->kind = UNDO_ENTRY;
	u->ns = (uint8_t)ns;
	u->old = NULL;
	u->existed = e != NULL;
	u->is_delete = 0;
	u->is_small = 0;
	unsigned char *saved;
	if (e && len == e->len && len <= INLINE_VALUE &&
	    (saved = rrd__buf_room(&s->small_log, INLINE_VALUE))) {
		/* The hot path (counters, cursors, agents' state): overwrite
		 * in place. A fixed size lets the compiler copy without a
		 * call. */
		unsigned char *v = value_of(e);
		if (len == 16) {
			memcpy(saved, v, 16);
			memcpy(v, value, 16);
		} else {
			memcpy(saved, v, len);
			memcpy(v, value, len);
		}
		u->small_at = (uint32_t)s->small_log.len;
		s->small_log.len += len;
		u->is_small = 1;
		u->was_dead = e->dead;
		u->order = e->order;
		e->order = order;
		e->dead = 0;
	} else {
		/* Measured only here: the hot path above never needs it. */
		size_t klen = strlen(key);
		if (klen > INT32_MAX)
			return rrd__fail(RRD_E_INVALID, "memory store: key too long");
		entry *n = entry_new(s, key, klen, value, len, order);
		if (!n || rrd__hashmap_reserve(&t->map, 1)) {
			if (n)
				entry_free(s, n);
			return rrd__nomem();
		}
		if (e) {
			/* An existing key keeps its slot, which now points at
			 * n; other strings of that key may still be cached
			 * with the old block. */
			rrd__hashmap_rekey(&t->map, e->key, hash ? *hash : rrd__hash_str(key), n->key,
					   slot_value(n));
			s->hot_epoch++;
		} else {
			/* lookup_hashed kept the key, with its hash, as the
			 * last miss, unless the key is very long. */
			uint32_t hv;
			if (hash)
				hv = *hash;
			else if (missed(s, ns, key))
				hv = s->miss_hash;
			else
				hv = rrd__hash_str(key);
			rrd__hashmap_insert_absent(&t->map, n->key, hv, slot_value(n));
			s->miss_ns = 0;
		}
		u->old = e;
		e = n;
	}
	u->cur = e;
	*hot_slot(s, key) = (hot_key){ key, e, s->hot_epoch, ns };
	s->log_count++;
	return RRD_OK;
}

static int mem_put(void *self, int ns, const char *key, const void *value, size_t len,
		   int64_t order)
{
	memstore *s = self;
	table *t;
	int rc = write_table(s, ns, &t);
	return rc ? rc : put_entry(s, t, ns, key, NULL, value, len, order);
}

/* put_many, and with `adding` add_many. As has_many: every key's slot of
 * a chunk is requested before any is written, so the table's cache
 * misses overlap. Room for the chunk's keys is made first, so that no
 * doubling of the table moves a slot asked for; room for them all at
 * once would double a table that the keys, most of them there already
 * (records rewritten), never fill. An add's lookup that finds its key
 * free leaves it as the last miss, so the put after it looks no further. */
static RRD_ALWAYS_INLINE int write_many(memstore *s, int adding, int ns, size_t n,
					const char *const *keys, const void *const *values,
					const size_t *lens, const int64_t *orders)
{
	table *t;
	int rc = write_table(s, ns, &t);
	if (rc)
		return rc;
	uint32_t hash[MANY_CHUNK];
	for (size_t base = 0; base < n; base += MANY_CHUNK) {
		if (rrd__hashmap_reserve(&t->map, n - base < MANY_CHUNK ? n - base : MANY_CHUNK))
			return rrd__nomem();
		size_t m = ask_chunk(t, keys + base, n - base, hash);
		for (size_t i = 0; i < m; i++) {
			size_t j = base + i;
			if (adding) {
				entry *e = lookup_hashed(s, t, ns, keys[j], &hash[i]);
				if (e && !e->dead)
					return rrd__fail(RRD_E_EXISTS,
							 "memory store: key \"%s\" is taken", keys[j]);
			}
			if ((rc = put_entry(s, t, ns, keys[j], &hash[i], values[j], lens[j],
					    orders[j])))
				return rc;
		}
	}
	return RRD_OK;
}

static int mem_put_many(void *self, int ns, size_t n, const char *const *keys,
			const void *const *values, const size_t *lens, const int64_t *orders)
{
	return write_many(self, 0, ns, n, keys, values, lens, orders);
}

static int mem_add_many(void *self, int ns, size_t n, const char *const *keys,
			const void *const *values, const size_t *lens, const int64_t *orders)
{
	return write_many(self, 1, ns, n, keys, values, lens, orders);
}

/* One delete, the table and transaction checked. */
static int del_entry(memstore *s, table *t, int ns, const char *key)
{
	entry *e = lookup(s, t, ns, key);
	if (!e || e->dead)
		return RRD_E_NOTFOUND;
	if (log_reserve(s))
		return rrd__nomem();
	/* The value stays with the entry until commit; rollback needs it. */
	s->log[s->log_count++] = (undo){ .kind = UNDO_ENTRY, .ns = ns, .cur = e, .existed = 1,
					 .is_delete = 1 };
	e->dead = 1;
	s->deleted = 1;
	return RRD_OK;
}

static int mem_del(void *self, int ns, const char *key)
{
	memstore *s = self;
	table *t;
	int rc = write_table(s, ns, &t);
	return rc ? rc : del_entry(s, t, ns, key);
}

static int mem_del_many(void *self, int ns, size_t n, const char *const *keys)
{
	memstore *s = self;
	table *t;
	int rc = write_table(s, ns, &t);
	for (size_t i = 0; !rc && i < n; i++)
		if ((rc = del_entry(s, t, ns, keys[i])) == RRD_E_NOTFOUND)
			rc = RRD_OK;
	return rc;
}

/* An entry a scan returns, with its order beside it, so that sorting
 * reads the array alone and not every entry's block. */
typedef struct scan_item {
	uint64_t key;  /* the order, as an unsigned number in the same order */
	entry *e;
} scan_item;

static int scan_cmp(const void *a, const void *b)
{
	const scan_item *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->e->key, y->e->key);
}

/* Few items are sorted by comparison; more (a namespace of records, a
 * big job's journal) by their order's bytes, a pass for each byte in
 * which they differ, then by key where orders are equal. */
#define RADIX_FROM 256

static void radix_sort(scan_item *items, scan_item *tmp, size_t n)
{
	static const unsigned BYTES = sizeof(uint64_t);
	size_t (*count)[256] = rrd__calloc(BYTES, sizeof *count);
	if (!count) {
		qsort(items, n, sizeof *items, scan_cmp);
		return;
	}
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < BYTES; b++)
			count[b][(items[i].key >> (8 * b)) & 0xff]++;
	scan_item *from = items, *to = tmp;
	for (unsigned b = 0; b < BYTES; b++) {
		size_t *c = count[b];
		if (c[(from[0].key >> (8 * b)) & 0xff] == n)
			continue; /* every item has this byte alike */
		size_t at = 0;
		for (unsigned v = 0; v < 256; v++) {
			size_t k = c[v];
			c[v] = at;
			at += k;
		}
		for (size_t i = 0; i < n; i++)
			to[c[(from[i].key >> (8 * b)) & 0xff]++] = from[i];
		scan_item *t = from;
		from = to;
		to = t;
	}
	if (from != items)
		memcpy(items, from, n * sizeof *items);
	rrd__free(count);
	/* Entries of one order go by key. */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && items[j].key == items[i].key)
			j++;
		if (j - i > 1)
			qsort(items + i, j - i, sizeof *items, scan_cmp);
		i = j;
	}
}

/* While a scan looks at one entry, it asks for the one this many places
 * on: a table's entries lie anywhere in memory, in the order of their
 * slots and of the sort alike, and their cache misses then overlap. */
#define SCAN_AHEAD 16

static int mem_scan(void *self, int ns, const char *prefix, rrd_store_each_fn each, void *ctx)
{
	memstore *s = self;
	table *t = table_of(s, ns);
	if (!t)
		return rrd__fail(RRD_E_INVALID, "memory store: namespace %d", ns);
	size_t plen = prefix ? strlen(prefix) : 0;
	size_t cap = t->map.count ? t->map.count : 1;
	scan_item *items = rrd__malloc(cap * sizeof *items);
	if (!items)
		return rrd__nomem();
	size_t n = 0;
	for (size_t i = 0; i < t->map.cap; i++) {
		const char *ahead = i + SCAN_AHEAD < t->map.cap
					    ? rrd__hashmap_key_at(&t->map, i + SCAN_AHEAD, NULL)
					    : NULL;
		if (ahead)
			RRD_PREFETCH(ENTRY_OF(ahead));
		const char *k = rrd__hashmap_key_at(&t->map, i, NULL);
		entry *e = k ? ENTRY_OF(k) : NULL;
		if (e && !e->dead && (!plen || strncmp(k, prefix, plen) == 0))
			items[n++] = (scan_item){ (uint64_t)e->order ^ ((uint64_t)1 << 63), e };
	}
	scan_item *tmp = n >= RADIX_FROM ? rrd__malloc(n * sizeof *tmp) : NULL;
	if (tmp)
		radix_sort(items, tmp, n);
	else
		qsort(items, n, sizeof *items, scan_cmp);
	rrd__free(tmp);
	for (size_t i = 0; i < n; i++) {
		if (i + SCAN_AHEAD < n) {
			/* The block's first two lines: most values end there.
			 * The second may lie past a short entry's end: its
			 * address is reckoned as a number, not a pointer. */
			RRD_PREFETCH(items[i + SCAN_AHEAD].e);
			RRD_PREFETCH((const void *)((uintptr_t)items[i + SCAN_AHEAD].e + 64));
		}
		if (each(ctx, items[i].e->key, value_of(items[i].e), items[i].e->len,
			 items[i].e->order))
			break;
	}
	rrd__free(items);
	return RRD_OK;
}

/* ---- timers ---------------------------------------------------------- */

static int log_timer(memstore *s, const char *key)
{
	char *log_key = rrd__strdup(key);
	if (!log_key || log_reserve(s)) {
		rrd__free(log_key);
		return -1;
	}
	uint32_t pos;
	int existed = rrd__hashmap_get(&s->timer_pos, key, &pos);
	const timer *t = existed ? &s->slots[pos] : NULL;
	s->log[s->log_count++] = (undo){ .kind = UNDO_TIMER, .key = log_key,
					 .existed = existed,
					 .was_dead = t && t->dead,
					 .due = t ? t->due : 0,
					 .seq = t ? t->seq : 0 };
	return 0;
}

static int mem_timer_set(void *self, const char *key, rrd_time due, int64_t seq)
{
	memstore *s = self;
	int rc = need_txn(s);
	if (rc)
		return rc;
	if (log_timer(s, key))
		return rrd__nomem();
	if (heap_set(s, key, due, seq)) {
		s->log_count--;
		rrd__free(s->log[s->log_count].key);
		return rrd__nomem();
	}
	return RRD_OK;
}

static int mem_timer_clear(void *self, const char *key)
{
	memstore *s = self;
	int rc = need_txn(s);
	if (rc)
		return rc;
	uint32_t pos;
	if (!rrd__hashmap_get(&s->timer_pos, key, &pos) || s->slots[pos].dead)
		return RRD_E_NOTFOUND;
	if (log_timer(s, key))
		return rrd__nomem();
	s->slots[pos].dead = 1;
	s->deleted = 1;
	heap_fix(s, s->slots[pos].pos);
	return RRD_OK;
}

static int mem_timer_next(void *self, rrd_time *due)
{
	memstore *s = self;
	const timer *top = s->heap_count ? &s->slots[s->heap[0]] : NULL;
	if (!top || top->dead)
		return RRD_E_NOTFOUND;
	*due = top->due;
	return RRD_OK;
}

static int mem_timer_pop(void *self, rrd_time now, char *key, size_t cap, rrd_time *due)
{
	memstore *s = self;
	int rc = need_txn(s);
	if (rc)
		return rc;
	timer *top = s->heap_count ? &s->slots[s->heap[0]] : NULL;
	if (!top || top->dead || top->due > now)
		return RRD_E_NOTFOUND;
	size_t n = strlen(top->key);
	if (n + 1 > cap)
		return rrd__fail(RRD_E_INVALID, "memory store: timer key buffer too small");
	memcpy(key, top->key, n + 1);
	if (due)
		*due = top->due;
	if (log_timer(s, key))
		return rrd__nomem();
	top->dead = 1;
	s->deleted = 1;
	heap_fix(s, 0);
	return RRD_OK;
}

/* ---- locks ----------------------------------------------------------- */

static int mem_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			    rrd_time expires)
{
	memstore *s = self;
	int rc = RRD_OK;
	pthread_mutex_lock(&s->mu);
	size_t i;
	for (i = 0; i < s->lock_count; i++)
		if (strcmp(s->locks[i].name, name) == 0)
			break;
	if (i < s->lock_count) {
		lock *l = &s->locks[i];
		if (strcmp(l->owner, owner) != 0 && l->expires > now) {
			rc = RRD_E_BUSY;
		} else {
			char *o = rrd__strdup(owner);
			if (!o) {
				rc = rrd__nomem();
			} else {
				rrd__free(l->owner);
				l->owner = o;
				l->expires = expires;
			}
		}
	} else {
		char *n = rrd__strdup(name), *o = rrd__strdup(owner);
		if (!n || !o ||
		    rrd__grow((void **)&s->locks, &s->lock_cap, s->lock_count + 1, sizeof(lock))) {
			rrd__free(n);
			rrd__free(o);
			rc = rrd__nomem();
		} else {
			s->locks[s->lock_count++] = (lock){ n, o, expires };
		}
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int mem_lock_release(void *self, const char *name, const char *owner)
{
	memstore *s = self;
	int rc = RRD_E_NOTFOUND;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->lock_count; i++) {
		lock *l = &s->locks[i];
		if (strcmp(l->name, name) == 0 && strcmp(l->owner, owner) == 0) {
			rrd__free(l->name);
			rrd__free(l->owner);
			s->locks[i] = s->locks[--s->lock_count];
			rc = RRD_OK;
			break;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static void mem_close(void *self)
{
	memstore *s = self;
	if (!s)
		return;
	free_log(s);
	rrd__free(s->log);
	rrd__buf_free(&s->small_log);
	for (int ns = 0; ns < NS_MAX; ns++) {
		table *t = &s->tables[ns];
		for (size_t i = 0; i < t->map.cap; i++) {
			uint32_t large;
			const char *k = rrd__hashmap_key_at(&t->map, i, &large);
			if (k && large)
				rrd__free(ENTRY_OF(k));
		}
		rrd__hashmap_free(&t->map);
	}
	for (size_t i = 0; i < s->slot_count; i++)
		rrd__free(s->slots[i].key);
	rrd__free(s->slots);
	rrd__free(s->free_timers);
	rrd__free(s->heap);
	rrd__hashmap_free(&s->timer_pos);
	for (size_t i = 0; i < s->lock_count; i++) {
		rrd__free(s->locks[i].name);
		rrd__free(s->locks[i].owner);
	}
	rrd__free(s->locks);
	rrd__slab_clear(&s->slab);
	pthread_mutex_destroy(&s->mu);
	rrd__free(s);
}

static const rrd_store_methods memory_methods = {
	.version = RRD_STORE_METHODS_VERSION,
	.close = mem_close,
	.begin = mem_begin,
	.commit = mem_commit,
	.rollback = mem_rollback,
	.get = mem_get,
	.put = mem_put,
	.del = mem_del,
	.scan = mem_scan,
	.timer_set = mem_timer_set,
	.timer_clear = mem_timer_clear,
	.timer_next = mem_timer_next,
	.timer_pop = mem_timer_pop,
	.lock_acquire = mem_lock_acquire,
	.lock_release = mem_lock_release,
	.put_many = mem_put_many,
	.has_many = mem_has_many,
	.get_many = mem_get_many,
	.del_many = mem_del_many,
	.add_many = mem_add_many,
};

RRD_API rrd_status rrd_store_memory_new(rrd_store **out)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	*out = NULL;
	memstore *s = rrd__calloc(1, sizeof *s);
	if (!s)
		return rrd__nomem();
	if (pthread_mutex_init(&s->mu, NULL)) {
		rrd__free(s);
		return rrd__fail(RRD_E_STORE, "memory store: cannot create a mutex");
	}
	rrd_status rc = rrd_store_new(out, &memory_methods, s);
	if (rc)
		mem_close(s);
	else
		(*out)->scans_whole = 1;
	return rc;
}
