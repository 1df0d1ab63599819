/*
 * The distributor's private state, shared by the files of lib/distributor
 * and lib/strategy.
 *
 * Configuration (calendars, agents, pools, rules) is held in memory and
 * reloaded when the store's configuration version moves. Hot state (agent
 * counters, strategy state, records) is cached with the epoch it was read
 * in: the epoch moves whenever the store's generation is not the one this
 * distributor left (another writer committed) and after every rollback, so
 * a stale copy is never used and a failed operation leaves nothing behind.
 * Every change to hot state is written to the store before the commit.
 */
#ifndef RRD_DISTRIBUTOR_DIST_H
#define RRD_DISTRIBUTOR_DIST_H

#include <pthread.h>

#include "events/event.h"
#include "model/agent.h"
#include "model/pool.h"
#include "model/record.h"
#include "model/rule.h"
#include "rrdist/calendar.h"
#include "rrdist/distributor.h"
#include "rrdist/pick.h"
#include "store/store.h"
#include "util/hashmap.h"

#define RRD_BUILTIN_STRATEGIES 8 /* ids 1..7 */

typedef struct rrd_dirty_list {
	void **items;
	size_t count, cap;
} rrd_dirty_list;

struct rrd_kdtree;

#include "strategy/kinetic.h"
#include "strategy/segtree.h"

/* Smooth weighted round robin's scores as lines over the pool's ticks
 * (strategy/weighted.c). */
typedef struct wrr_index {
	uint64_t epoch;
	rrd_kinetic lines;   /* members not held: score at tick origin + t */
	int64_t origin;
	int64_t live;        /* weights of the members not held, added up */
	unsigned char *flag; /* per member: WRR_* bits */
	int64_t *kept;       /* per member: the score a held member keeps */
	uint32_t *recheck;   /* members whose counters changed since the last pick */
	size_t nrecheck;
	uint32_t *daily;     /* members held by their daily cap */
	size_t ndaily;
	rrd_time day_due;    /* when one of them may start a new day */
	uint32_t *hours;     /* members with a calendar */
	size_t nhours;
	rrd_time hours_due;  /* when one of their calendars opens or closes */
	uint32_t *unsaved;   /* members whose stored score is out of date */
	size_t nunsaved;
	int64_t *gone;       /* join numbers of stored scores of former members */
	size_t ngone;
} wrr_index;

/* Search structures over a pool's members, each valid while its epoch is
 * the distributor's (0: not built). Kept current as counters change. */
typedef struct pool_index {
	uint64_t busy_epoch;    /* open counts */
	rrd_segtree busy;
	uint64_t recent_epoch;  /* last assignment times */
	rrd_segtree recent;
	uint64_t weights_epoch; /* weights */
	rrd_fenwick weights;
	wrr_index wrr;
} pool_index;

/* Where an agent is a member: pool index and position. */
typedef struct agent_member {
	uint32_t pool;
	uint32_t pos;
} agent_member;

/* Hot counters of an agent (RRD_NS_AGENT_STATE). */
typedef struct agent_state {
	uint64_t epoch; /* 0: never loaded */
	int dirty;
	int64_t open;
	int64_t today;  /* assignments on local day `day` */
	int64_t day;
	rrd_time last;  /* INT64_MIN: never */
} agent_state;

/*
 * The store lists calendars, agents and pools by their order number, then
 * by id, and loading keeps that order in d->cals, d->agents and d->pools,
 * which decides ties and the order of targets. An object keeps the number
 * it was first stored with whenever it is written again; one new to the
 * store takes the next free number of its kind, one past the largest any
 * has (read at load, moved on when a newcomer's change commits), so it is
 * listed after every object there before it, as every distributor sees.
 */
typedef struct config_orders {
	int64_t cal, agent, pool;
} config_orders;

typedef struct agent_rt {
	char *id;        /* stable for the distributor's life: map key */
	uint64_t id_hash;/* rrd__id_hash64(id), which round robin keeps */
	uint32_t idx;    /* position in d->agents: order of first addition */
	int64_t order;   /* its number in the store (config_orders) */
	rrd_agent *cfg;
	long cal;        /* calendar index, or -1 */
	agent_state st;
	agent_member *memberships;
	size_t nmemberships, memberships_cap;
} agent_rt;

typedef struct cal_rt {
	char *id;
	int64_t order;   /* its number in the store (config_orders) */
	rrd_calendar *cal;
} cal_rt;

/* Saved bytes of one strategy for one pool (RRD_NS_STRATEGY). */
typedef struct strat_state {
	uint64_t epoch;
	int dirty;
	char *key;       /* "pool\x1fstrategy" */
	unsigned char *data;
	size_t len, cap;
} strat_state;

typedef struct member {
	uint32_t agent;  /* agent index */
	int64_t seq;     /* join number: later joins have larger ones */
	/* Copies from the agent, so a round robin pass over the members
	 * need not visit each agent; valid while memberships_stale is 0. */
	uint64_t id_hash;
	int plain;       /* active, unpaused, no capacity limit, no calendar */
} member;


typedef struct pool_rt {
	char *id;
	uint32_t idx;
	int64_t order;   /* its number in the store (config_orders) */
	rrd_pool *cfg;   /* definition; its member list is not kept current */
	member *members; /* join order */
	size_t nmembers, cap;
	int64_t next_seq;
	strat_state *states; /* indexed by strategy slot */
	size_t nstates;
	/* Spatial index over members with a location, built when needed. */
	struct rrd_kdtree *tree;
	int tree_stale;
	pool_index index;
	size_t rr_hint;      /* position round robin chose last, if still there */
} pool_rt;

typedef struct rec_rt {
	rrd_record *r;   /* NULL: slot free */
	uint64_t epoch;
	int dirty;
	int64_t order;   /* creation sequence */
} rec_rt;

typedef struct custom_strategy {
	char *name;
	int registered; /* 0: named by stored configuration, no callbacks yet */
	rrd_strategy_methods m;
	void *user;
} custom_strategy;

/* A stored counter in RRD_NS_META (sequences). */
typedef struct meta_counter {
	const char *key;
	uint64_t epoch;
	int dirty;
	int64_t value;
} meta_counter;

typedef struct skip_entry {
	uint32_t agent;
	rrd_skip_reason reason;
} skip_entry;

struct rrd_distributor {
	pthread_mutex_t mu;      /* serialises every operation */
	rrd_store *store;
	rrd_distributor_options opts;

	uint64_t generation;     /* the store's generation after our last commit */
	uint64_t epoch;          /* moves when cached hot state may be stale */
	int64_t config_version;
	int in_txn;
	/* The clock is read once per operation, when first needed, so one
	 * operation sees one time and a pick that needs none reads none. */
	int now_valid;
	rrd_time now;
	/* How far advance() has processed time (INT64_MIN: not yet called). */
	rrd_time advanced_to;

	cal_rt **cals;
	size_t ncals, cals_cap;
	rrd_hashmap cal_map;

	agent_rt **agents;
	size_t nagents, agents_cap;
	rrd_hashmap agent_map;

	pool_rt **pools;
	size_t npools, pools_cap;
	rrd_hashmap pool_map;
	uint32_t pool_hint;  /* the pool found last (rrd__pool_find) */

	config_orders next_order; /* for the next newcomer of each kind */

	rrd_rule **rules;
	size_t nrules, rules_cap;
	/* Rules by source, so routing looks at the rules that can match a
	 * record's source rather than at all of them. Built when needed. */
	struct rule_index *rule_index;

	rec_rt *recs;
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

	custom_strategy *customs;
	size_t ncustoms, customs_cap;

	meta_counter record_seq;
	meta_counter queue_seq;
	meta_counter timer_seq;
	meta_counter job_seq;

	/* Spatial index over every agent with a location (reassignment to
	 * the nearest agent), rebuilt after agents change. */
	struct rrd_kdtree *agent_tree;
	int agent_tree_stale;
	/* agent_rt.memberships (and the copies in each member) must be
	 * rebuilt before an index is built or a member's copies are read. */
	int memberships_stale;
	/* How many queued records auto-drain pools could take back, as known
	 * in epoch drainable_epoch (0: unknown, count them again), so that
	 * draining after every operation costs nothing when there are none. */
	int64_t drainable;
	uint64_t drainable_epoch;

	/* Written before commit. */
	rrd_dirty_list dirty_agents, dirty_states, dirty_recs, dirty_meta;

	rrd_evbatch *pending;    /* events of the open transaction */
	rrd_evbatch *outbox;     /* committed, not yet delivered (a list) */
	rrd_evbatch *outbox_tail;
	rrd_evbatch *spare;      /* a delivered batch kept for the next operation */
	int delivering;          /* a thread is delivering the outbox (emit.c) */

	skip_entry *skips;       /* what the last pick passed over */
	size_t nskips, skips_cap;

	rrd_buf scratch;         /* encoding buffer */
};

/* ---- locking and transactions (distributor.c) ----------------------- */

void rrd__lock(rrd_distributor *d);
/* Unlock, then deliver what committed meanwhile, unless another thread is
 * delivering: it delivers ours too, after its own. */
void rrd__unlock(rrd_distributor *d);
rrd_status rrd__txn_begin(rrd_distributor *d);
/* Flush dirty state, commit; on failure rolls back. */
rrd_status rrd__txn_commit(rrd_distributor *d);
void rrd__txn_abort(rrd_distributor *d);
/* One operation: lock, transaction, `body`, auto-drain, commit (or roll
 * back on any failure), unlock and deliver the events. */
typedef rrd_status (*rrd_op_fn)(rrd_distributor *d, void *ctx, rrd_time now);
rrd_status rrd__operation(rrd_distributor *d, rrd_op_fn body, void *ctx);
/* The same, draining only when `drain` is 1 (a bulk job's inner batches
 * leave draining to its last). */
rrd_status rrd__operation_ex(rrd_distributor *d, rrd_op_fn body, void *ctx, int drain);
/* Run `body` in a transaction that only reads: locked, with the caches
 * checked against the store first, and nothing written. For getters. */
rrd_status rrd__read(rrd_distributor *d, rrd_op_fn body, void *ctx);
/*
 * A configuration change, the one way to make one. Locked, it begins
 * (reloading the configuration when another distributor changed it, which
 * frees every cached calendar, agent and pool), writes the next
 * configuration version, runs `write`, commits, then runs `apply`, and
 * lets auto-drain pools take back what they can when `drain` is set.
 *
 * `write` looks up the objects it needs (only now are they current),
 * checks, prepares and writes the change to the store; what it changes in
 * memory must be invisible until `apply` (spare capacity, say), since a
 * failure rolls the store back and nothing else. `apply`, after the
 * commit and before anything else can run, makes the in-memory
 * configuration what was written, from what `write` prepared; it cannot
 * fail. Pointers to cached objects live from `write` to `apply`, never
 * across a transaction's beginning.
 */
typedef struct rrd_config_change {
	rrd_status (*write)(rrd_distributor *d, void *ctx);
	void (*apply)(rrd_distributor *d, void *ctx); /* NULL: nothing to do */
	int drain;
} rrd_config_change;
rrd_status rrd__config_change(rrd_distributor *d, const rrd_config_change *change, void *ctx);
/* The next transaction reloads the configuration and hot state, as after
 * another writer's change: for a change (a whole document) that is
 * simpler to read back than to apply in memory. */
void rrd__config_forget(rrd_distributor *d);
/* Begin and end a read: brings cached configuration up to date. */
rrd_status rrd__refresh(rrd_distributor *d);
/* End a transaction that only read: roll back, keep the caches. */
void rrd__txn_end_read(rrd_distributor *d);
/* Remember an item to write before commit. -1 when out of memory. */
int rrd__dirty_add(rrd_dirty_list *l, void *item);
rrd_time rrd__now(rrd_distributor *d);
/* Reload configuration from the store. */
rrd_status rrd__config_load(rrd_distributor *d);
void rrd__config_clear(rrd_distributor *d);

/* ---- lookups (lookup.c) --------------------------------------------- */

/* Cached configuration objects by id, NULL when there is none. Only inside
 * a transaction: beginning one may reload the configuration and free
 * every object found before (debug builds assert it). */
agent_rt *rrd__agent_find(rrd_distributor *d, const char *id);
pool_rt *rrd__pool_find(rrd_distributor *d, const char *id);
cal_rt *rrd__cal_find(rrd_distributor *d, const char *id);
const char *rrd__strategy_label(rrd_distributor *d, rrd_strategy s);
/* The id of custom strategy `name`, making a slot (not yet registered)
 * when it is new, for a name `rule` lets through: RRD_ID_STORED for one
 * the stored configuration names. */
rrd_status rrd__custom_intern(rrd_distributor *d, const char *name, rrd_id_rule rule,
			      rrd_strategy *out);
/* Drop the names interned since there were `count` (a refused document's). */
void rrd__custom_forget_since(rrd_distributor *d, size_t count);
/* Slot of a strategy in pool_rt.states, or -1 for an unknown id. */
long rrd__strategy_slot(rrd_distributor *d, rrd_strategy s);

/* ---- hot state (state.c) -------------------------------------------- */

/* The agent's counters, loaded if stale. */
rrd_status rrd__agent_state(rrd_distributor *d, agent_rt *a, agent_state **out);
rrd_status rrd__agent_state_dirty(rrd_distributor *d, agent_rt *a);
/* The agent's local day number at `t` (its calendar's zone, else UTC). */
int64_t rrd__agent_day(rrd_distributor *d, agent_rt *a, rrd_time t);
/* Assignments today, after any day change. */
int64_t rrd__agent_today(rrd_distributor *d, agent_rt *a, agent_state *st, rrd_time now);
rrd_status rrd__strat_state(rrd_distributor *d, pool_rt *p, rrd_strategy s, strat_state **out);
rrd_status rrd__strat_state_set(rrd_distributor *d, strat_state *ss, const void *data,
				size_t len);
/* Make the state `len` bytes long and changed; the caller writes them at *out. */
rrd_status rrd__strat_state_room(rrd_distributor *d, strat_state *ss, size_t len,
				 unsigned char **out);
rrd_status rrd__meta_counter_next(rrd_distributor *d, meta_counter *c, int64_t *out);
rrd_status rrd__flush(rrd_distributor *d);

/* ---- records (records.c) -------------------------------------------- */

/* The cached record, loaded if stale. RRD_E_UNKNOWN_RECORD when absent. */
rrd_status rrd__rec_get(rrd_distributor *d, const char *id, rec_rt **out);
/* Add a new record (takes ownership of r on success). `not_stored`: the
 * caller has asked the store, which holds no record of that id. */
rrd_status rrd__rec_add(rrd_distributor *d, rrd_record *r, int not_stored, rec_rt **out);
/* Records cached past this many (and past twice what the last trim
 * kept) are dropped between operations, except those under offer. */
#define RRD_REC_CACHE_MAX 8192
void rrd__rec_trim(rrd_distributor *d);
/* Drop `rec` from the cache when the call ends, unless it is then under
 * offer: a host seldom asks for a record it has just submitted, and freed
 * at once its memory is still warm for the next one. */
void rrd__rec_settle(rrd_distributor *d, rec_rt *rec);
rrd_status rrd__rec_dirty(rrd_distributor *d, rec_rt *rec);
/* Give `rec` to `agent` (NULL: nobody) with `status`, keeping every
 * agent's open count right. */
rrd_status rrd__rec_transition(rrd_distributor *d, rec_rt *rec, agent_rt *owner,
			       rrd_record_status status);
/* A new assignment: counts it for the agent's day and last-assigned time. */
rrd_status rrd__count_assignment(rrd_distributor *d, agent_rt *a, rrd_time now);

/* Forget the rule index (the rules changed). */
void rrd__rule_index_drop(rrd_distributor *d);

/* ---- search structures (strategy/index.c) --------------------------- */

/* Configuration changed (members, weights): every index is rebuilt. */
void rrd__index_invalidate(rrd_distributor *d);
/* Bring agent_rt.memberships and the copies in every member up to date. */
rrd_status rrd__memberships(rrd_distributor *d);
/* The first position in p->members whose join number is `seq` or more
 * (p->nmembers when none): members are in join-number order. */
size_t rrd__member_from(const pool_rt *p, int64_t seq);
/* Where `agent` (an agent index) is in p->members: *pos, or -1. */
rrd_status rrd__member_position(rrd_distributor *d, const pool_rt *p, uint32_t agent,
				long *pos);
/* An agent's open count or last assignment changed. */
void rrd__index_note_agent(rrd_distributor *d, agent_rt *a);

/* Weighted round robin (strategy/weighted.c). Scores accrue lazily at
 * each member's weight, so a weight about to change must first settle the
 * agent's scores at the old one; call inside the transaction that stores
 * the new weight. */
rrd_status rrd__weighted_reweigh(rrd_distributor *d, agent_rt *a);
/* The counters of the member at `pos` changed: look at it before the next pick. */
void rrd__weighted_note_agent(rrd_distributor *d, pool_rt *p, size_t pos);
void rrd__wrr_index_free(wrr_index *x);

/* ---- giving a record to an agent (give.c) ---------------------------- */

typedef struct rrd_give {
	const char *pool;
	const char *rule;
	const char *strategy;
	rrd_via via;
	int notify;
	int integrations;
	int explain;         /* attach d->skips to the event */
	rrd_record_status status; /* 0: pending */
	/* The `previous` the event names, when not the record's owner (a
	 * transferred copy names the original's). */
	int previous_set;
	const char *previous;
} rrd_give;

/* Give `rec` to `a`: withdraws live offers, takes it out of the queue,
 * counts the assignment and emits `assigned` (and `integration`). */
rrd_status rrd__give(rrd_distributor *d, rec_rt *rec, agent_rt *a, const rrd_give *gi,
		     rrd_time now);

/* The caller's move options (any version), completed with the defaults. */
rrd_status rrd__move_options(const rrd_move_options *opts, rrd_move_options *o);

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

#endif
