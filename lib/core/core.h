/*
 * The core of a distributor: its transactions, the configuration and hot
 * state it caches and how those caches stay true, records, lookups, and
 * the events it emits. Every layer above includes this header: the
 * strategies (lib/strategy), routing (lib/routing), redistribution
 * (lib/bulk) and the public operations (lib/api). The core names none of
 * them; what they keep per pool or per distributor hangs off it as an
 * rrd_cache, which it frees without looking inside.
 *
 * Two numbers say whether something cached may be used. The epoch moves
 * whenever hot state (counters, strategy state, records) may differ from
 * the store: another writer committed, or a transaction rolled back. The
 * configuration generation moves whenever the configuration does: a
 * change committed here, or one read back from the store. A cache built
 * from the configuration keeps the generation it was built at; one built
 * from counters keeps the epoch too (rrd_stamp). Counter changes within
 * an epoch go to one list of changed members per pool, which a cache
 * that mirrors counters works through when it is next used.
 */
#ifndef RRD_CORE_CORE_H
#define RRD_CORE_CORE_H

#include <assert.h>
#include <pthread.h>
#include <string.h>

#include "events/event.h"
#include "model/agent.h"
#include "model/pool.h"
#include "model/record.h"
#include "model/rule.h"
#include "rrdist/calendar.h"
#include "rrdist/distributor.h"
#include "rrdist/pick.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/error.h"
#include "util/hashmap.h"

#define RRD_BUILTIN_STRATEGIES 8 /* ids 1..7 */
#define RRD_SEQUENCES_MAX 8      /* stored sequences a distributor may use */
#define RRD_ORDER_BLOCK 1024     /* order numbers a serial store's write reserves */

typedef struct rrd_dirty_list {
	void **items;
	size_t count, cap;
} rrd_dirty_list;

/* Something a layer above keeps, built from the core's state: the core
 * frees `data` with `free` when what it hangs off goes, and never looks
 * inside. Whether it is still current is its owner's to check, against
 * the stamp it keeps (rrd__stamp_fresh). */
typedef struct rrd_cache {
	void *data;
	void (*free)(void *data);
} rrd_cache;

/* What a cache was built from: the configuration generation, and for a
 * cache that mirrors hot state, the epoch. */
typedef struct rrd_stamp {
	uint64_t config;
	uint64_t epoch;
} rrd_stamp;

/* A kind of cache kept per distributor (rrd__cache_find): its address is
 * its identity. */
typedef struct rrd_cache_kind {
	const char *name;
	void (*free)(void *data);
} rrd_cache_kind;

typedef struct rrd_dist_cache {
	const rrd_cache_kind *kind;
	void *data;
} rrd_dist_cache;

/* A pool's members whose counters changed, in order, for the caches that
 * mirror them. Entries count from the pool's creation: entry i of `pos`
 * is entry start + i. The list starts again (start moves past it) when it
 * grows long and when memory runs out; a cache that had not caught up
 * then looks at every member. */
typedef struct rrd_changes {
	uint32_t *pos;    /* member positions */
	size_t count, cap;
	uint64_t start;
	uint64_t read_to; /* the furthest any cache has read */
} rrd_changes;

/* Where an agent is a member: pool index and position. */
typedef struct rrd_membership {
	uint32_t pool;
	uint32_t pos;
} rrd_membership;

/* Hot counters of an agent (RRD_NS_AGENT_STATE): these, in this many
 * bytes, then what the index of records by owner keeps there (by_owner.c). */
#define RRD_AGENT_STATE_SIZE 33
typedef struct rrd_agent_state {
	uint64_t epoch; /* 0: never loaded */
	int dirty;
	int64_t open;
	int64_t today;  /* assignments on local day `day` */
	int64_t day;
	rrd_time last;  /* INT64_MIN: never */
	rrd_buf recent; /* the list, as stored */
	int64_t recent_min; /* its least order: INT64_MAX when empty */
	uint64_t next_block; /* the id of its next block of entries */
} rrd_agent_state;

/*
 * The store lists calendars, agents and pools by their order number, then
 * by id, and loading keeps that order in d->cals, d->agents and d->pools,
 * which decides ties and the order of targets. An object keeps the number
 * it was first stored with whenever it is written again; one new to the
 * store takes the next free number of its kind, one past the largest any
 * has (read at load, moved on when a newcomer's change commits), so it is
 * listed after every object there before it, as every distributor sees.
 */
typedef struct rrd_config_orders {
	int64_t cal, agent, pool;
} rrd_config_orders;

typedef struct rrd_agent_rt {
	char *id;        /* stable for the distributor's life: map key */
	uint64_t id_hash;/* rrd__id_hash64(id), which round robin keeps */
	uint32_t idx;    /* position in d->agents: order of first addition */
	int64_t order;   /* its number in the store (rrd_config_orders) */
	rrd_agent *cfg;
	long cal;        /* calendar index, or -1 */
	rrd_agent_state st;
	rrd_membership *memberships;
	size_t nmemberships, memberships_cap;
} rrd_agent_rt;

typedef struct rrd_cal_rt {
	char *id;
	int64_t order;   /* its number in the store (rrd_config_orders) */
	rrd_calendar *cal;
} rrd_cal_rt;

/* One strategy's part of one pool: its saved bytes (RRD_NS_STRATEGY),
 * read when first needed in an epoch, and the search structures it keeps
 * over the pool's members. */
typedef struct rrd_strat_state {
	uint64_t epoch;  /* of `data`; 0: not read */
	int dirty;
	char *key;       /* "pool\x1fstrategy" */
	unsigned char *data;
	size_t len, cap;
	rrd_cache cache; /* the strategy's own (rrd__strat_cache) */
} rrd_strat_state;

typedef struct rrd_member {
	uint32_t agent;  /* agent index */
	int64_t seq;     /* join number: later joins have larger ones */
	/* Copies from the agent, so a round robin pass over the members
	 * need not visit each agent; current after rrd__memberships. */
	uint64_t id_hash;
	int plain;       /* active, unpaused, no capacity limit, no calendar */
} rrd_member;


typedef struct rrd_pool_rt {
	char *id;
	uint32_t idx;
	int64_t order;   /* its number in the store (rrd_config_orders) */
	rrd_pool *cfg;   /* definition; its member list is not kept current */
	rrd_member *members; /* join order */
	size_t nmembers, cap;
	int64_t next_seq;
	rrd_strat_state **states; /* by strategy slot; NULL: not used yet */
	rrd_changes changed;  /* members whose counters changed */
	size_t nstates;
} rrd_pool_rt;

typedef struct rrd_rec_rt {
	rrd_record *r;   /* NULL: slot free */
	uint64_t epoch;
	int64_t order;   /* creation sequence */
	/* When `noted`: the owner and status the store holds, for the index
	 * of records by owner (by_owner.c); `was_stored` 0 for a record new
	 * to the store. A batch's record notes them as it is read, the
	 * cache's when its owner or status first changes in a transaction
	 * (the owner then lies in d->by_owner_noted). */
	const char *was_owner;
	unsigned char dirty;
	unsigned char batch; /* one of an rrd_rec_batch's, not the cache's */
	unsigned char noted;
	unsigned char was_stored;
	/* New, and nobody asked the store whether it holds the id: the
	 * commit writes it with add_many, which finds out. */
	unsigned char unasked;
	rrd_record_status was_status;
} rrd_rec_rt;

typedef struct rrd_custom_strategy {
	char *name;
	int registered; /* 0: named by stored configuration, no callbacks yet */
	rrd_strategy_methods m;
	void *user;
} rrd_custom_strategy;

/* A stored counter in RRD_NS_META: a sequence (rrd__sequence_next). */
typedef struct rrd_meta_counter {
	const char *key;
	uint64_t epoch;
	int dirty;
	int64_t value;  /* the last number handed out */
	int64_t stored; /* what the store holds, or will at commit */
} rrd_meta_counter;

/* Entries of one namespace written together (rrd__puts_write): their
 * keys and values one after another in two buffers, and per entry the
 * arrays a store's put_many takes. */
typedef struct rrd_puts {
	rrd_buf bytes;      /* the values */
	rrd_buf key_bytes;  /* the keys, each with its NUL */
	const char **keys;
	const void **values;
	size_t *lens;
	int64_t *orders;
	size_t n, cap;
} rrd_puts;

/* The arrays of the store's get_many for up to RRD_GET_MANY_CHUNK keys
 * (rrd__get_many), made when first needed. */
#define RRD_GET_MANY_CHUNK 1024
typedef struct rrd_get_arrays {
	int *ns;
	const void **values;
	size_t *lens;
	int64_t *orders;
	unsigned char *found;
} rrd_get_arrays;

/* What a distributor knows of its store's index of records by owner. */
typedef enum rrd_by_owner_state {
	RRD_BY_OWNER_NONE,     /* not kept: an older table, or the memory store */
	RRD_BY_OWNER_KEPT,     /* kept by every write, not yet known complete */
	RRD_BY_OWNER_COMPLETE  /* every record is in it: selections read it */
} rrd_by_owner_state;

typedef struct rrd_skip_entry {
	uint32_t agent;
	rrd_skip_reason reason;
} rrd_skip_entry;

struct rrd_distributor {
	pthread_mutex_t mu;      /* serialises every operation */
	rrd_store *store;
	rrd_distributor_options opts;

	uint64_t generation;     /* the store's generation after our last commit */
	uint64_t epoch;          /* moves when cached hot state may be stale */
	uint64_t config_gen;     /* moves when the configuration changes */
	int64_t config_version;
	int in_txn;
	/* Flags every begin() adds: RRD_TXN_EXCLUSIVE while an operation
	 * that lost several races runs again. */
	unsigned int begin_flags;
	int txn_wrote_nothing;   /* rrd__txn_wrote_nothing */
	/* The clock is read once per operation, when first needed, so one
	 * operation sees one time and a pick that needs none reads none. */
	int now_valid;
	rrd_time now;
	/* How far advance() has processed time (INT64_MIN: not yet called). */
	rrd_time advanced_to;

	rrd_cal_rt **cals;
	size_t ncals, cals_cap;
	rrd_hashmap cal_map;

	rrd_agent_rt **agents;
	size_t nagents, agents_cap;
	rrd_hashmap agent_map;
	/* The two agents found last, the latest first (rrd__agent_find). */
	uint32_t agent_hint[2];

	rrd_pool_rt **pools;
	size_t npools, pools_cap;
	rrd_hashmap pool_map;
	uint32_t pool_hint;  /* the pool found last (rrd__pool_find) */

	rrd_config_orders next_order; /* for the next newcomer of each kind */

	rrd_rule **rules;
	size_t nrules, rules_cap;

	rrd_rec_rt *recs;
	size_t nrecs, recs_cap;
	rrd_hashmap rec_map;
	uint32_t *rec_free;
	size_t nrec_free, rec_free_cap;
	size_t rec_trim_at;  /* rrd__rec_trim waits until more are cached */
	/* Records the running call submitted and routed, to drop from the
	 * cache when it ends (slot and record, so a slot taken by another
	 * record since is left be). */
	struct settled_rec {
		long slot;
		const rrd_record *r;
	} *settled;
	size_t nsettled, settled_cap;

	rrd_custom_strategy *customs;
	size_t ncustoms, customs_cap;

	/* The sequences in use, each a stored counter. A fixed array: a
	 * changed one is listed (by address) to be written before commit. */
	rrd_meta_counter sequences[RRD_SEQUENCES_MAX];
	size_t nsequences;

	/* rrd_agent_rt.memberships and the copies in each member were built in
	 * this configuration generation (rrd__memberships). */
	uint64_t memberships_gen;
	rrd_dist_cache *caches;  /* the layers' own (rrd__cache_find) */
	size_t ncaches, caches_cap;

	/* Written before commit. */
	rrd_dirty_list dirty_agents, dirty_states, dirty_recs, dirty_meta;

	/* The store keeps no generation (RRD_STORE_NO_GENERATION): every
	 * transaction reads afresh, what it will need first (prefetch.c). */
	int concurrent;
	struct rrd_want *wants;
	size_t nwants, wants_cap;
	int64_t last_order;      /* rrd__order_next on a concurrent store */

	rrd_evbatch *pending;    /* events of the open transaction */
	rrd_evbatch *outbox;     /* committed, not yet delivered (a list) */
	rrd_evbatch *outbox_tail;
	rrd_evbatch *spare;      /* a delivered batch kept for the next operation */
	int delivering;          /* a thread is delivering the outbox (emit.c) */
	char token[17];          /* 16 hex digits: this distributor's event ids */
	uint64_t event_serial;   /* of the last event made */
	/* Durable events delivered, whose outbox entries the next write
	 * transaction deletes: the first `acks_sent` go with the open one. */
	char **acks;
	size_t nacks, acks_cap, acks_sent;

	/* What the last pick passed over, as its strategy found it: the
	 * `assigned` event and the pick object carry it. */
	rrd_skip_entry *skips;
	size_t nskips, skips_cap;

	/* What a commit writes, a namespace at a time: its events, then
	 * its records (rrd__puts_write empties it after each). */
	rrd_puts commit_puts;
	/* The index of records by owner (by_owner.c): whether the store
	 * keeps it, the owners noted in the open transaction, and what the
	 * transaction read and changed of it. */
	rrd_by_owner_state by_owner;
	rrd_arena by_owner_noted;
	struct rrd_by_owner_work *by_owner_work;
	rrd_get_arrays get_arrays;
};

/* ---- locking and transactions (txn.c) ------------------------------ */

/* d->mu, which every call on the distributor holds while it runs. */
void rrd__lock(rrd_distributor *d);
/* Unlock, then deliver what committed meanwhile, unless another thread is
 * delivering: it delivers ours too, after its own. */
void rrd__unlock(rrd_distributor *d);

typedef enum rrd_txn_kind {
	RRD_TXN_WRITE = 1, /* commits what the body wrote */
	RRD_TXN_READ,      /* rolls back, keeping the caches: a body that
			    * writes makes it drop them instead */
	RRD_TXN_CONFIG     /* a configuration change (below) */
} rrd_txn_kind;

typedef rrd_status (*rrd_txn_fn)(rrd_distributor *d, void *ctx, rrd_time now);

/*
 * A transaction, the one way to run one. rrd__run locks the distributor,
 * begins (which first brings every cache in line with what another
 * distributor committed: the configuration is read again when it
 * changed, freeing every cached calendar, agent and pool), runs `body`
 * and then `finish`, and commits; any failure rolls it back, and the
 * caches with it. It then runs `apply`, unlocks and delivers the events
 * the commit made true. `now` is the operation's one time (rrd__now),
 * read before the transaction begins.
 *
 * For RRD_TXN_CONFIG it also writes the next configuration version
 * before `body`, and after the commit moves d->config_gen, so that every
 * cache built from the old configuration is built again when next used.
 * `body` looks up the objects it needs (only now are they current),
 * checks, and writes the change to the store; what it changes in memory
 * must be invisible until `apply` (spare capacity, say), since a failure
 * rolls back the store and nothing else. `apply` then makes the
 * in-memory configuration what was written. Pointers to cached objects
 * live from `body` to `apply`, never across a transaction's beginning.
 *
 * `then`, when set and its `wanted` says so (NULL: always), runs after
 * `apply` as a transaction of its own, under the same lock: work that
 * the change makes possible, which the layer above names. The change
 * stands whatever becomes of it, so its failure is not the call's.
 */
typedef struct rrd_txn {
	rrd_txn_kind kind;
	rrd_txn_fn body;
	rrd_txn_fn finish;                            /* after body; NULL: none */
	void (*apply)(rrd_distributor *d, void *ctx); /* cannot fail; NULL: none */
	const struct rrd_txn *then;                   /* NULL: none */
	/* As another's `then`: whether there is work for it (NULL: always). */
	int (*wanted)(rrd_distributor *d);
	/* The body reads the clock itself, if at all, rather than being
	 * given `now` (0): a pick that needs no time reads none. Always so
	 * for RRD_TXN_CONFIG. */
	int own_clock;
	/* On a concurrent store, before the body: say what it will read
	 * (rrd__want_*), from the configuration cached. NULL: nothing. */
	void (*prefetch)(rrd_distributor *d, void *ctx);
} rrd_txn;

/* The operation's time: the host's clock, read once per operation. */
rrd_time rrd__now(rrd_distributor *d);

/* The runner's steps, for rrd__run alone: tests/layering fails when a
 * file outside lib/core names one. */
rrd_status rrd__txn_begin(rrd_distributor *d, unsigned int flags, const rrd_txn *t, void *ctx);
/* Write what changed, commit; on failure, roll back. */
rrd_status rrd__txn_commit(rrd_distributor *d);
/* Roll back and drop every cached value the transaction may have moved. */
void rrd__txn_abort(rrd_distributor *d);
/* End a transaction that only read: roll back, keep the caches (drop
 * them after all if something was written). */
void rrd__txn_end_read(rrd_distributor *d);
/* RRD_TXN_CONFIG: write the next configuration version, and once the
 * change committed, take it and move the generation. */
rrd_status rrd__txn_config_next(rrd_distributor *d, int64_t *version);
void rrd__txn_config_done(rrd_distributor *d, int64_t version);
/* A transaction's `then`, under the lock, when its `wanted` says so. */
void rrd__run_then(rrd_distributor *d, const rrd_txn *then, void *ctx);

/* One run of `t`, d->mu held. Inline, like rrd__run, so that a call
 * whose transaction is a constant runs its steps directly: every call on
 * a distributor runs through here. */
static RRD_ALWAYS_INLINE rrd_status rrd__run_once(rrd_distributor *d, const rrd_txn *t,
						  void *ctx)
{
	/* A configuration change needs no time, and a body that may need
	 * none reads the clock itself (rrd__now), if at all. */
	rrd_time now = t->kind == RRD_TXN_CONFIG || t->own_clock ? 0 : rrd__now(d);
	int64_t version = 0;
	d->txn_wrote_nothing = 0;
	rrd_status rc = rrd__txn_begin(
		d, (t->kind == RRD_TXN_READ ? RRD_TXN_READ_ONLY : 0) | d->begin_flags, t, ctx);
	if (rc)
		return rc;
	if (t->kind == RRD_TXN_CONFIG)
		rc = rrd__txn_config_next(d, &version);
	if (!rc)
		rc = t->body(d, ctx, now);
	if (!rc && t->finish && t->kind != RRD_TXN_READ)
		rc = t->finish(d, ctx, now);
	if (t->kind == RRD_TXN_READ || (!rc && d->txn_wrote_nothing))
		rrd__txn_end_read(d);
	else if (rc)
		rrd__txn_abort(d);
	else
		rc = rrd__txn_commit(d);
	if (rc)
		return rc;
	if (t->kind == RRD_TXN_CONFIG)
		rrd__txn_config_done(d, version);
	if (t->apply)
		t->apply(d, ctx);
	return RRD_OK;
}

/* rrd__run_once again, after it lost a race in the store (txn.c). */
rrd_status rrd__run_again(rrd_distributor *d, const rrd_txn *t, void *ctx);

/* rrd__run, d->mu held: once, and again while the store says another
 * writer won a race, up to the options' max_retries. Every body runs
 * from the start each time, so none may keep anything of a failed run:
 * what it found is read again, what it built is built again. */
static RRD_ALWAYS_INLINE rrd_status rrd__run_locked(rrd_distributor *d, const rrd_txn *t,
						    void *ctx)
{
	rrd_status rc = rrd__run_once(d, t, ctx);
	if (RRD_UNLIKELY(rc == RRD_E_RETRY))
		rc = rrd__run_again(d, t, ctx);
	return rc;
}

/* Run `t` with `ctx`. The status of the body, of finish or of the commit;
 * on success, the last error is what it was before the call unless
 * something on the way failed and was got past. */
static RRD_ALWAYS_INLINE rrd_status rrd__run(rrd_distributor *d, const rrd_txn *t, void *ctx)
{
	/* What the body gets past (a calendar that cannot answer) leaves
	 * no message when the call succeeds. */
	rrd__error_keep();
	rrd__lock(d);
	rrd_status rc = rrd__run_locked(d, t, ctx);
	/* The change is committed whatever happens here: what follows
	 * failing, it runs again after the next operation. */
	if (!rc && t->then)
		rrd__run_then(d, t->then, ctx);
	rrd__unlock(d);
	return rrd__error_kept(rc);
}

/* A body that found nothing to do: its RRD_TXN_WRITE transaction ends as
 * a read, so other distributors on the store keep their caches. */
static inline void rrd__txn_wrote_nothing(rrd_distributor *d)
{
	d->txn_wrote_nothing = 1;
}
/* rrd__run of a read-only `body`: for getters. */
rrd_status rrd__read(rrd_distributor *d, rrd_txn_fn body, void *ctx);
/* The next transaction reads the configuration and hot state again, as
 * after another writer's change: for a change (a whole document) that is
 * simpler to read back than to apply in memory. */
void rrd__config_forget(rrd_distributor *d);
/* Remember an item to write before commit. -1 when out of memory. */
int rrd__dirty_add(rrd_dirty_list *l, void *item);

/* ---- many entries at once (many.c) ----------------------------------- */

/* Add an entry to `p`: its value is what the caller appended to p->bytes
 * from offset `from` on; `key`, of klen bytes, is copied. RRD_E_NOMEM
 * when that, or an append to p->bytes, ran out of memory. */
rrd_status rrd__puts_add(rrd_puts *p, const char *key, size_t klen, size_t from, int64_t order);
/* Write p's entries into `ns` (`what` names them in a failure's message)
 * with one put_many, or one put each when the store has none, and empty
 * `p` for its next use, whatever the outcome. */
rrd_status rrd__puts_write(rrd_distributor *d, rrd_puts *p, int ns, const char *what);
/* rrd__puts_write of entries that must be new, with the store's add_many
 * (which the caller has checked it has): RRD_E_EXISTS when a key is taken. */
rrd_status rrd__puts_insert(rrd_distributor *d, rrd_puts *p, int ns, const char *what);
/* Empty `p`, keeping its memory. */
void rrd__puts_reset(rrd_puts *p);
void rrd__puts_free(rrd_puts *p);

/* rrd__get_many calls it for each key found, with the key's place in the
 * keys and the value, which lives until it returns; it must not call the
 * store. A status other than RRD_OK ends the reading with that status. */
typedef rrd_status (*rrd_found_fn)(rrd_distributor *d, void *ctx, size_t i, const void *value,
				   size_t len, int64_t order);
/* Read the entries of `ns` named by keys[0..n) with the store's get_many,
 * a chunk of keys a call (one get each when the store has none): `found`
 * for each one the store holds, in the keys' order; absent ones are
 * passed over. */
rrd_status rrd__get_many(rrd_distributor *d, int ns, size_t n, const char *const *keys,
			 rrd_found_fn found, void *ctx, const char *what);
void rrd__get_arrays_free(rrd_get_arrays *a);
/* Delete the entries of `ns` named by keys[0..n), those there: one
 * del_many, or one del each when the store has none. */
rrd_status rrd__del_many(rrd_distributor *d, int ns, size_t n, const char *const *keys,
			 const char *what);

/* Delete the entries of `ns` whose keys p holds (its values are not
 * looked at), those there, and empty `p` whatever the outcome. */
rrd_status rrd__puts_delete(rrd_distributor *d, rrd_puts *p, int ns, const char *what);

/* ---- records by owner (by_owner.c) ---------------------------------- */

/*
 * An index of every stored record that has an owner, by owner, with its
 * status: a redistribution of one agent's records reads that agent's
 * entries instead of every record. Whatever writes a record changes its
 * entry in the same transaction: the records written at commit
 * (rrd__flush) and by a batch (rrd__rec_batch_write). An owner that no
 * agent id could equal (too long, control characters) has no entries,
 * and is never looked up either. How the entries lie (a list after an
 * agent's counters, blocks in RRD_NS_BY_OWNER) is by_owner.c's.
 *
 * A store whose table predates RRD_NS_BY_OWNER never sees it, nor does
 * the memory store, whose scans read everything anyway. On a store that
 * may hold records from before it, a distributor's start builds it once,
 * and a marker in RRD_NS_META says it is complete.
 */

/* What a transaction read and changed of the index (by_owner.c). */
typedef struct rrd_by_owner_work rrd_by_owner_work;

/* The bytes an agent's list stays within, but between the changes of
 * one commit: about 25 entries of records with ids of a dozen bytes,
 * which a SQL store keeps in the row, on the page, it did. */
#define RRD_BY_OWNER_LIST_MAX 512
/* What the index keeps after an agent's counters, read from `len` bytes
 * (none: nothing) into st. RRD_OK; RRD_E_STORE when they are not such;
 * RRD_E_NOMEM. No message is set. */
rrd_status rrd__by_owner_state_read(rrd_agent_state *st, const void *bytes, size_t len);
/* How many bytes it takes after the counters, and those bytes, at `to`. */
size_t rrd__by_owner_state_len(const rrd_agent_state *st);
void rrd__by_owner_state_put(const rrd_agent_state *st, unsigned char *to);
/* At a distributor's start, in its first transaction: whether the store
 * keeps the index, and whether the marker says it is complete. */
rrd_status rrd__by_owner_look(rrd_distributor *d);
/* When it is kept but not known complete: build it, in a transaction
 * of its own. */
rrd_status rrd__by_owner_build(rrd_distributor *d);
/* Note the owner and status the store holds of a cached record whose
 * owner or status is about to change, once a transaction. */
rrd_status rrd__by_owner_note(rrd_distributor *d, rrd_rec_rt *rec);
/* Forget what was noted and read: the transaction ended. */
void rrd__by_owner_forget(rrd_distributor *d);
void rrd__by_owner_free(rrd_distributor *d);
/* Before a commit writes anything: the changes that the records it
 * writes need, from what was noted to what they hold now, made to the
 * agents' lists (which their counters then carry) and to the blocks,
 * which rrd__by_owner_write writes. */
rrd_status rrd__by_owner_commit(rrd_distributor *d);
/* The same for the records a batch writes, recs[0..n) (the changed ones
 * among them). */
rrd_status rrd__by_owner_batch(rrd_distributor *d, const rrd_rec_rt *recs, size_t n);
/* Write the blocks changed. */
rrd_status rrd__by_owner_write(rrd_distributor *d);
/* Whether the index lists every record of `owner`. */
int rrd__by_owner_lists(const rrd_distributor *d, const char *owner);
/* Each record of `owner` (rrd__by_owner_lists must say so), in creation
 * order: its id (valid for the call) and status. A status other than
 * RRD_OK from `each` stops the listing with it. */
typedef rrd_status (*rrd_owned_fn)(void *ctx, const char *record, rrd_record_status status);
rrd_status rrd__by_owner_each(rrd_distributor *d, const char *owner, rrd_owned_fn each,
			      void *ctx);

/* ---- the distributor's life (distributor.c) ------------------------- */

/* A distributor on `store` with `opts` (complete, of this version), its
 * configuration read. The caller checked the options. */
rrd_status rrd__core_new(rrd_distributor **out, rrd_store *store,
			 const rrd_distributor_options *opts);
/* Deliver what is left, then free everything, caches included. */
void rrd__core_free(rrd_distributor *d);

/* ---- configuration storage (config_store.c) -------------------------- */

/* Read the configuration from the store, in place of the cached one. */
rrd_status rrd__config_load(rrd_distributor *d);
void rrd__config_clear(rrd_distributor *d);

/* ---- caches (cache.c) -------------------------------------------------- */

/* The stamp of state built now. */
static inline rrd_stamp rrd__stamp_now(const rrd_distributor *d)
{
	return (rrd_stamp){ d->config_gen, d->epoch };
}
/* Whether a cache built from the configuration alone at `gen` is current. */
static inline int rrd__config_fresh(const rrd_distributor *d, uint64_t gen)
{
	return gen == d->config_gen;
}
/* Whether a cache that mirrors hot state, stamped `s`, is current. */
static inline int rrd__stamp_fresh(const rrd_distributor *d, rrd_stamp s)
{
	return s.config == d->config_gen && s.epoch == d->epoch;
}
/* The distributor's cache of `kind`, NULL when there is none yet. */
void *rrd__cache_find(rrd_distributor *d, const rrd_cache_kind *kind);
/* The distributor's cache of `kind`, made (`size` bytes, zeroed) when
 * there is none yet. RRD_E_NOMEM: none made. */
rrd_status rrd__cache_of(rrd_distributor *d, const rrd_cache_kind *kind, size_t size,
			 void **out);
/* c's data, made (`size` bytes, zeroed, freed with `free_fn`) when there
 * is none yet. RRD_E_NOMEM: none made. */
rrd_status rrd__cache_make(rrd_cache *c, size_t size, void (*free_fn)(void *), void **out);
static inline rrd_status rrd__cache_data(rrd_cache *c, size_t size, void (*free_fn)(void *),
					 void **out)
{
	if (c->data) {
		*out = c->data;
		return RRD_OK;
	}
	return rrd__cache_make(c, size, free_fn, out);
}
/* Free a cache's data, leaving it empty. */
void rrd__cache_clear(rrd_cache *c);

/* ---- changed members (changes.c) -------------------------------------- */

/* The agent's open count, day count or last assignment changed: listed in
 * each of its pools. A cache built in this configuration generation built
 * the memberships; while they are not current, no such cache is, and
 * there is nothing to list. */
void rrd__agent_changed(rrd_distributor *d, const rrd_agent_rt *a);
/* The entry after the pool's last change: where a cache built now starts. */
static inline uint64_t rrd__changes_end(rrd_pool_rt *p)
{
	return p->changed.read_to = p->changed.start + p->changed.count;
}
/* The positions of p's members (in order, possibly repeated) whose
 * counters changed from entry *seen on, in *pos and *n, and *seen moved
 * past them. 0 when the list no longer reaches back to *seen: the caller
 * must look at every member (and *seen is moved all the same). */
static inline int rrd__changes_since(rrd_pool_rt *p, uint64_t *seen, const uint32_t **pos,
				     size_t *n)
{
	const rrd_changes *c = &p->changed;
	uint64_t from = *seen;
	*seen = p->changed.read_to = c->start + c->count;
	*pos = c->pos;
	*n = 0;
	if (from < c->start || from > *seen)
		return 0;
	/* An empty list may have no array yet, and NULL + 0 is undefined. */
	if (from == *seen)
		return 1;
	*pos = c->pos + (from - c->start);
	*n = (size_t)(*seen - from);
	return 1;
}

/* ---- memberships (memberships.c) -------------------------------------- */

/* Bring rrd_agent_rt.memberships and the copies in every member up to date
 * with the configuration: rrd__memberships, which a pick calls, looks at
 * one number when they are. */
rrd_status rrd__memberships_build(rrd_distributor *d);
static inline rrd_status rrd__memberships(rrd_distributor *d)
{
	return d->memberships_gen == d->config_gen ? RRD_OK : rrd__memberships_build(d);
}
/* The first position in p->members whose join number is `seq` or more
 * (p->nmembers when none): members are in join-number order. */
size_t rrd__member_from(const rrd_pool_rt *p, int64_t seq);
/* Where `agent` (an agent index) is in p->members: *pos, or -1. */
rrd_status rrd__member_position(rrd_distributor *d, const rrd_pool_rt *p, uint32_t agent,
				long *pos);

/* ---- lookups (lookup.c) --------------------------------------------- */

/* Cached configuration objects by id, NULL when there is none. Only inside
 * a transaction: beginning one may reload the configuration and free
 * every object found before (debug builds assert it). */
rrd_agent_rt *rrd__agent_find_slow(rrd_distributor *d, const char *id);
/* A job moves record after record from one agent, or back to it: the two
 * agents found last are looked at first, inline. */
static inline rrd_agent_rt *rrd__agent_find(rrd_distributor *d, const char *id)
{
	assert(d->in_txn);
	uint32_t *h = d->agent_hint;
	if (id && h[0] < d->nagents && rrd__str_eq(d->agents[h[0]]->id, id))
		return d->agents[h[0]];
	if (id && h[1] < d->nagents && rrd__str_eq(d->agents[h[1]]->id, id)) {
		uint32_t i = h[1];
		h[1] = h[0];
		h[0] = i;
		return d->agents[i];
	}
	return rrd__agent_find_slow(d, id);
}
rrd_pool_rt *rrd__pool_find_slow(rrd_distributor *d, const char *id);
/* Hosts tend to send run after run to the same pool: the pool found last
 * is looked at first, inline. */
static inline rrd_pool_rt *rrd__pool_find(rrd_distributor *d, const char *id)
{
	assert(d->in_txn);
	if (id && d->pool_hint < d->npools && strcmp(d->pools[d->pool_hint]->id, id) == 0)
		return d->pools[d->pool_hint];
	return rrd__pool_find_slow(d, id);
}
rrd_cal_rt *rrd__cal_find(rrd_distributor *d, const char *id);
const char *rrd__strategy_label(rrd_distributor *d, rrd_strategy s);
/* The id of custom strategy `name`, making a slot (not yet registered)
 * when it is new, for a name `rule` lets through: RRD_ID_STORED for one
 * the stored configuration names. */
rrd_status rrd__custom_intern(rrd_distributor *d, const char *name, rrd_id_rule rule,
			      rrd_strategy *out);
/* The custom strategy named `name`: its index in d->customs, or -1. */
long rrd__custom_index(rrd_distributor *d, const char *name);
/* Drop the names interned since there were `count` (a refused document's). */
void rrd__custom_forget_since(rrd_distributor *d, size_t count);
/* Slot of a strategy in rrd_pool_rt.states, or -1 for an unknown id. */
long rrd__strategy_slot(rrd_distributor *d, rrd_strategy s);

/* ---- hot state (state.c) -------------------------------------------- */

/* The agent's counters, loaded if stale. */
rrd_status rrd__agent_state(rrd_distributor *d, rrd_agent_rt *a, rrd_agent_state **out);
rrd_status rrd__agent_state_dirty(rrd_distributor *d, rrd_agent_rt *a);
/* The agent's local day number at `t` (its calendar's zone, else UTC). */
int64_t rrd__agent_day(rrd_distributor *d, rrd_agent_rt *a, rrd_time t);
/* Assignments today, after any day change. */
int64_t rrd__agent_today(rrd_distributor *d, rrd_agent_rt *a, rrd_agent_state *st, rrd_time now);
/* The pool's part of strategy `s`, its saved bytes read if stale. Every
 * pick asks, so a built-in strategy's part, read in this epoch, is found
 * inline; rrd__strat_state_slow does the rest. */
rrd_status rrd__strat_state_slow(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s,
				 rrd_strat_state **out);
/* A built-in strategy's part of the pool, once made; NULL otherwise (a
 * custom strategy's, or one not made yet). A built-in's slot is its id. */
static inline rrd_strat_state *rrd__strat_made(const rrd_pool_rt *p, rrd_strategy s)
{
	return s > 0 && s < RRD_BUILTIN_STRATEGIES && (size_t)s < p->nstates ? p->states[s] : NULL;
}
static inline rrd_status rrd__strat_state(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s,
					  rrd_strat_state **out)
{
	rrd_strat_state *ss = rrd__strat_made(p, s);
	if (ss && ss->epoch == d->epoch) {
		*out = ss;
		return RRD_OK;
	}
	return rrd__strat_state_slow(d, p, s, out);
}
/* The cache strategy `s` keeps for the pool (its bytes are not read),
 * made (`size` bytes, zeroed, freed with `free_fn`) when there is none. */
rrd_status rrd__strat_cache_slow(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s,
				 size_t size, void (*free_fn)(void *), void **out);
static inline rrd_status rrd__strat_cache(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s,
					  size_t size, void (*free_fn)(void *), void **out)
{
	rrd_strat_state *ss = rrd__strat_made(p, s);
	if (ss && ss->cache.data) {
		*out = ss->cache.data;
		return RRD_OK;
	}
	return rrd__strat_cache_slow(d, p, s, size, free_fn, out);
}
rrd_status rrd__strat_state_set(rrd_distributor *d, rrd_strat_state *ss, const void *data,
				size_t len);
/* Make the state `len` bytes long and changed; the caller writes them at *out. */
rrd_status rrd__strat_state_room(rrd_distributor *d, rrd_strat_state *ss, size_t len,
				 unsigned char **out);
/* The next number of the stored sequence named `key` (1, 2, ...): each
 * layer names its own ("seq.record", ...). `key` must outlive the
 * distributor (a literal). */
rrd_status rrd__sequence_next(rrd_distributor *d, const char *key, int64_t *out);
/* The next order number of sequence `key`, for what only needs its order
 * (records, the queue, timers). On a serial store, numbers increase in
 * commit order across every distributor, with gaps: the stored counter
 * is the end of a block of RRD_ORDER_BLOCK numbers reserved at once, so
 * only one operation in a block writes it. A concurrent store, where a
 * stored counter would make every operation wait for every other, gets
 * the clock's milliseconds times 1024, past the last this distributor
 * gave: increasing within a distributor, and with time across them. */
rrd_status rrd__order_next(rrd_distributor *d, const char *key, int64_t *out);
/* What a stored value says, for a read made elsewhere (prefetch.c). */
rrd_status rrd__agent_state_take(rrd_distributor *d, rrd_agent_rt *a, int found, const void *v,
				 size_t len);
rrd_status rrd__strat_state_take(rrd_distributor *d, rrd_strat_state *ss, int found,
				 const void *v, size_t len);
/* The pool's slot of strategy `s`, made with its key if new; not read. */
rrd_status rrd__strat_slot(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s,
			   rrd_strat_state **out);

/* ---- reading ahead (prefetch.c) ------------------------------------- */

/* Members of a pool whose counters are read ahead, at most: enough for
 * the pools a submit is usually sent to, bounded for the rest. */
#define RRD_PREFETCH_MEMBERS 64
/* For a txn's prefetch: the agent's counters; the pool's strategy state
 * and its first members' counters; whether a record is absent (the flag
 * is set to 1 if it is, else left 0). */
void rrd__want_agent(rrd_distributor *d, rrd_agent_rt *a);
void rrd__want_pool(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s);
void rrd__want_absent(rrd_distributor *d, const char *record, unsigned char *absent);
/* The runner's step on a concurrent store: the configuration version and
 * what `prefetch` wants, in one read; the configuration reloaded if it
 * moved. */
rrd_status rrd__txn_read_ahead(rrd_distributor *d, void (*prefetch)(rrd_distributor *, void *),
			       void *ctx);
rrd_status rrd__flush(rrd_distributor *d);

/* ---- records (records.c) -------------------------------------------- */

/* The cached record, loaded if stale. RRD_E_UNKNOWN_RECORD when absent. */
rrd_status rrd__rec_get(rrd_distributor *d, const char *id, rrd_rec_rt **out);
/* Read into the cache, in one go (rrd__get_many), those of records
 * ids[0..n) this transaction has not read yet, ahead of rrd__rec_get of
 * each: a networked store answers one question, not n. An id the store
 * has no record of is left for rrd__rec_get to report. */
rrd_status rrd__rec_read_ahead(rrd_distributor *d, const char *const *ids, size_t n);
/* Leave records ids[0..n) to a caller that reads and writes them itself
 * (rrd_rec_batch): the cache's copy of each goes stale, unless this
 * transaction changed it and has yet to write it; that copy is out[k], to
 * be changed in the cache. out[k] is NULL otherwise. */
void rrd__rec_uncache(rrd_distributor *d, const char *const *ids, size_t n, rrd_rec_rt **out);
/* What rrd__rec_add is told of the store and a new record's id. */
typedef enum rrd_rec_newness {
	RRD_REC_ASK,     /* nothing: it asks the store */
	RRD_REC_ABSENT,  /* the caller asked: the store holds no such record */
	/* Nobody asks: the commit writes the record with the store's
	 * add_many, which fails with RRD_E_EXISTS if the id is taken. Only
	 * for a store that has add_many. */
	RRD_REC_UNASKED,
} rrd_rec_newness;
/* Add a new record (takes ownership of r on success); its id is looked
 * for in the cache, and in the store as `how` says. */
rrd_status rrd__rec_add(rrd_distributor *d, rrd_record *r, rrd_rec_newness how,
			rrd_rec_rt **out);
/* Records cached past this many (and past twice what the last trim
 * kept) are dropped between operations, except those under offer. */
#define RRD_REC_CACHE_MAX 8192
void rrd__rec_trim(rrd_distributor *d);
/* Drop `rec` from the cache when the call ends, unless it is then under
 * offer: a host seldom asks for a record it has just submitted, and freed
 * at once its memory is still warm for the next one. */
void rrd__rec_settle(rrd_distributor *d, rrd_rec_rt *rec);
rrd_status rrd__rec_dirty(rrd_distributor *d, rrd_rec_rt *rec);
/* Give `rec` to `agent` (NULL: nobody) with `status`, keeping every
 * agent's open count right. */
rrd_status rrd__rec_transition(rrd_distributor *d, rrd_rec_rt *rec, rrd_agent_rt *owner,
			       rrd_record_status status);
/* A new assignment: counts it for the agent's day and last-assigned time. */
rrd_status rrd__count_assignment(rrd_distributor *d, rrd_agent_rt *a, rrd_time now);

/* ---- records by the batch (rec_batch.c) ------------------------------ */

/*
 * Records a job reads, changes and writes many at a time: read from the
 * store in one go into the batch's arena, and written together by
 * rrd__rec_batch_write. The cache's copies of them go stale, unless the
 * transaction changed one (which stays the cache's, written at commit
 * like any other). A batch of thousands so costs no allocation and no
 * cache slot a record, and leaves nothing to trim.

 */
typedef struct rrd_rec_batch {
	rrd_rec_rt *recs;     /* the batch's records, those of the cache aside */
	size_t nrecs, recs_cap;
	const char **keys;    /* the ids to read, in one go */
	size_t *at;           /* each one's place in the caller's list */
	size_t keys_cap, at_cap;
	rrd_arena arena;      /* the records read, and everything they gain */
	rrd_puts puts;        /* their writing */
	/* After a load that failed on a stored record that is not one: its
	 * place in the ids (the records before it were read); else the
	 * number of ids. */
	size_t unreadable;
} rrd_rec_batch;

/* The records ids[0..n) (no id twice) into out[k], NULL for one the
 * store does not hold: read into `b`, in place of what `b` held, or the
 * cache's (rrd__rec_uncache). out[k] holds until
 * the next load into `b` or its writing, and a cached one until the
 * cache takes in another record. */
rrd_status rrd__rec_batch_load(rrd_distributor *d, rrd_rec_batch *b, const char *const *ids,
			       size_t n, rrd_rec_rt **out);
/* Write b's records that changed (rrd__rec_dirty) with one put_many, and
 * empty `b`, whatever the outcome. */
rrd_status rrd__rec_batch_write(rrd_distributor *d, rrd_rec_batch *b);
void rrd__rec_batch_free(rrd_rec_batch *b);

/* ---- events (emit.c) ------------------------------------------------- */

/* Queue an event for delivery after commit (strings are copied). */
rrd_status rrd__emit(rrd_distributor *d, const rrd_event *ev);
/* Under d->mu: 1 when there is something to deliver and nobody is
 * delivering, and the caller now is; then, d->mu released, it calls
 * rrd__deliver_claimed, which delivers until the outbox stays empty. */
int rrd__deliver_claim(rrd_distributor *d);
void rrd__deliver_claimed(rrd_distributor *d);
/* Deliver committed events unless another thread is (which then does);
 * called without d->mu. */
void rrd__deliver(rrd_distributor *d);
/* Before commit: write the transaction's events to the store's outbox
 * (durable events), and delete the entries of those delivered since. */
rrd_status rrd__events_flush(rrd_distributor *d);
/* After commit: the deleted entries are no longer to be deleted. */
void rrd__events_committed(rrd_distributor *d);
/* Delete the outbox entries of events delivered and not yet deleted, in
 * a transaction of their own. */
rrd_status rrd__events_ack_now(rrd_distributor *d);
/* Whether `id` is one of this distributor's own, or delivered and waiting
 * to be deleted: not to be delivered again. */
int rrd__event_is_ours(const rrd_distributor *d, const char *id);

#endif
