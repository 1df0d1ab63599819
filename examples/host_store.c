/*
 * Embedding librrdist on the host's own storage: a store written against
 * rrdist/sys/store.h, an event callback that prints what a person would be
 * told, then a round robin pool and a few leads.
 *
 *   ./host_store
 *
 * The store keeps everything in plain arrays and makes each transaction a
 * snapshot: begin copies the whole state, rollback puts the copy back,
 * commit throws it away. That costs a copy per operation, which a real
 * backend (a SQL database) would not pay, but it is plainly correct, and
 * correctness is what the interface asks for. Each commit prints a line,
 * so the output shows that every call that changes something is one
 * transaction.
 *
 * The program exits with status 1 when a librrdist call fails or when the
 * leads did not end up where round robin must put them.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* recursive mutexes */
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rrdist.h>
#include <rrdist/sys/store.h>

/* ==== the store ========================================================= */

/* Namespaces are small fixed numbers (rrd_store_ns); room for a few more
 * keeps a newer library's namespace from being refused outright. */
#define NS_LIMIT 32

typedef struct entry {
	char *key;
	unsigned char *value;
	size_t len;
	int64_t order;
} entry;

typedef struct table {
	entry *items;
	size_t count, cap;
} table;

typedef struct timer {
	char *key;
	rrd_time due;
	int64_t seq;
} timer;

/* Everything a transaction may change, so one copy of it is a snapshot. */
typedef struct data {
	table ns[NS_LIMIT];
	timer *timers;
	size_t ntimers, tcap;
} data;

typedef struct lock {
	char *name;
	char *owner;
	rrd_time expires;
} lock;

typedef struct host_store {
	/*
	 * Held from begin to commit or rollback, which serialises transactions
	 * between threads. Recursive, because every callback takes it too:
	 * inside a transaction that is the thread already holding it, and a
	 * call made outside one (timer_next, the locks) still waits for
	 * another thread's transaction to finish.
	 */
	pthread_mutex_t mu;
	int in_txn;
	data live;
	data saved;         /* the state at begin, while in_txn */
	size_t writes;      /* in the open transaction, for the commit line */
	size_t committed;   /* writes made durable, in all */
	uint64_t generation;
	lock *locks;        /* outside transactions: they commit at once */
	size_t nlocks, lcap;
} host_store;

static int fail(const char *message)
{
	/* The interface wants RRD_E_STORE for anything it does not name. */
	return rrd_store_error(RRD_E_STORE, message);
}

static int out_of_memory(void)
{
	return fail("host store: out of memory");
}

/* Make room for `need` items of `size` bytes; 0, or -1 with nothing changed. */
static int grow(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 8;
	while (n < need)
		n *= 2;
	void *p = realloc(*items, n * size);
	if (!p)
		return -1;
	*items = p;
	*cap = n;
	return 0;
}

static char *copy_string(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	return p ? memcpy(p, s, n) : NULL;
}

static unsigned char *copy_bytes(const void *v, size_t len)
{
	/* malloc(0) may return NULL; an empty value is still a value. */
	unsigned char *p = malloc(len ? len : 1);
	if (p && len)
		memcpy(p, v, len);
	return p;
}

static void data_free(data *d)
{
	for (int n = 0; n < NS_LIMIT; n++) {
		for (size_t i = 0; i < d->ns[n].count; i++) {
			free(d->ns[n].items[i].key);
			free(d->ns[n].items[i].value);
		}
		free(d->ns[n].items);
	}
	for (size_t i = 0; i < d->ntimers; i++)
		free(d->timers[i].key);
	free(d->timers);
	memset(d, 0, sizeof *d);
}

/* A deep copy of `src` into an empty `dst`; 0, or -1 with `dst` empty. */
static int data_copy(data *dst, const data *src)
{
	memset(dst, 0, sizeof *dst);
	for (int n = 0; n < NS_LIMIT; n++) {
		const table *s = &src->ns[n];
		table *t = &dst->ns[n];
		if (grow((void **)&t->items, &t->cap, s->count, sizeof(entry)))
			goto fail;
		for (size_t i = 0; i < s->count; i++) {
			entry e = { copy_string(s->items[i].key),
				    copy_bytes(s->items[i].value, s->items[i].len),
				    s->items[i].len, s->items[i].order };
			if (!e.key || !e.value) {
				free(e.key);
				free(e.value);
				goto fail;
			}
			t->items[t->count++] = e;
		}
	}
	if (grow((void **)&dst->timers, &dst->tcap, src->ntimers, sizeof(timer)))
		goto fail;
	for (size_t i = 0; i < src->ntimers; i++) {
		timer tm = src->timers[i];
		tm.key = copy_string(tm.key);
		if (!tm.key)
			goto fail;
		dst->timers[dst->ntimers++] = tm;
	}
	return 0;
fail:
	data_free(dst);
	return -1;
}

static table *table_of(host_store *s, int ns)
{
	return ns >= 1 && ns < NS_LIMIT ? &s->live.ns[ns] : NULL;
}

static entry *find_entry(table *t, const char *key)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->items[i].key, key) == 0)
			return &t->items[i];
	return NULL;
}

static timer *find_timer(host_store *s, const char *key)
{
	for (size_t i = 0; i < s->live.ntimers; i++)
		if (strcmp(s->live.timers[i].key, key) == 0)
			return &s->live.timers[i];
	return NULL;
}

static void remove_timer(host_store *s, timer *t)
{
	free(t->key);
	*t = s->live.timers[--s->live.ntimers];
}

/* Every callback but begin runs between these two. */
static void enter(host_store *s)
{
	pthread_mutex_lock(&s->mu);
}

static int leave(host_store *s, int rc)
{
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* Reads and writes belong to a transaction; the library never does
 * otherwise, and a store that let it would hide a bug. */
static int outside_txn(host_store *s, const char *what)
{
	if (s->in_txn)
		return 0;
	char msg[128];
	snprintf(msg, sizeof msg, "host store: %s outside a transaction", what);
	return fail(msg);
}

/* What every entry call checks first, with the lock taken: a transaction
 * is open and the namespace is known. RRD_OK and *t, or the status to give
 * back through leave(). */
static int open_table(host_store *s, const char *what, int ns, table **t)
{
	enter(s);
	int rc = outside_txn(s, what);
	if (!rc && !(*t = table_of(s, ns)))
		rc = fail("host store: unknown namespace");
	return rc;
}

/* ---- transactions ---------------------------------------------------- */

static int hs_begin(void *self, unsigned int flags, uint64_t *generation)
{
	host_store *s = self;
	(void)flags; /* a read-only hint; a snapshot serves reads too */
	pthread_mutex_lock(&s->mu);
	if (s->in_txn) /* the same thread, since the mutex is recursive */
		return leave(s, fail("host store: begin inside a transaction"));
	if (data_copy(&s->saved, &s->live))
		return leave(s, out_of_memory());
	s->in_txn = 1;
	s->writes = 0;
	if (generation)
		*generation = s->generation;
	/* The mutex stays held until commit or rollback. */
	return RRD_OK;
}

static int hs_commit(void *self)
{
	host_store *s = self;
	enter(s);
	if (s->in_txn != 1)
		return leave(s, fail("host store: commit outside a transaction"));
	data_free(&s->saved);
	s->in_txn = 0;
	s->generation++;
	s->committed += s->writes;
	printf("store: commit #%llu (%zu write%s)\n", (unsigned long long)s->generation,
	       s->writes, s->writes == 1 ? "" : "s");
	pthread_mutex_unlock(&s->mu); /* the one taken by begin */
	return leave(s, RRD_OK);
}

static int hs_rollback(void *self)
{
	host_store *s = self;
	enter(s);
	if (!s->in_txn)
		return leave(s, fail("host store: rollback outside a transaction"));
	data_free(&s->live);
	s->live = s->saved;
	memset(&s->saved, 0, sizeof s->saved);
	s->in_txn = 0;
	/* The library also ends read-only operations with a rollback; only a
	 * discarded write is worth a line. */
	if (s->writes)
		printf("store: rollback (%zu write%s discarded)\n", s->writes,
		       s->writes == 1 ? "" : "s");
	pthread_mutex_unlock(&s->mu);
	return leave(s, RRD_OK);
}

/* ---- entries --------------------------------------------------------- */

static int hs_get(void *self, int ns, const char *key, const void **value, size_t *len,
		  int64_t *order)
{
	host_store *s = self;
	table *t;
	int rc = open_table(s, "get", ns, &t);
	if (rc)
		return leave(s, rc);
	entry *e = find_entry(t, key);
	if (!e)
		return leave(s, RRD_E_NOTFOUND);
	/* Only a later call can change or free the entry, which is exactly as
	 * long as the interface asks the pointer to live. */
	*value = e->value;
	*len = e->len;
	if (order)
		*order = e->order;
	return leave(s, RRD_OK);
}

static int hs_put(void *self, int ns, const char *key, const void *value, size_t len,
		  int64_t order)
{
	host_store *s = self;
	table *t;
	int rc = open_table(s, "put", ns, &t);
	if (rc)
		return leave(s, rc);
	unsigned char *v = copy_bytes(value, len);
	if (!v)
		return leave(s, out_of_memory());
	entry *e = find_entry(t, key);
	if (e) {
		free(e->value);
	} else {
		char *k = copy_string(key);
		if (!k || grow((void **)&t->items, &t->cap, t->count + 1, sizeof(entry))) {
			free(k);
			free(v);
			return leave(s, out_of_memory());
		}
		e = &t->items[t->count++];
		e->key = k;
	}
	e->value = v;
	e->len = len;
	e->order = order;
	s->writes++;
	return leave(s, RRD_OK);
}

static int hs_del(void *self, int ns, const char *key)
{
	host_store *s = self;
	table *t;
	int rc = open_table(s, "del", ns, &t);
	if (rc)
		return leave(s, rc);
	entry *e = find_entry(t, key);
	if (!e)
		return leave(s, RRD_E_NOTFOUND);
	free(e->key);
	free(e->value);
	*e = t->items[--t->count]; /* order lives in the entries, not the array */
	s->writes++;
	return leave(s, RRD_OK);
}

static int scan_cmp(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	/* strcmp compares as unsigned char: bytewise, as the interface says. */
	return strcmp(x->key, y->key);
}

static int hs_scan(void *self, int ns, const char *prefix, rrd_store_each_fn each, void *ctx)
{
	host_store *s = self;
	table *t;
	int rc = open_table(s, "scan", ns, &t);
	if (rc)
		return leave(s, rc);
	size_t plen = prefix ? strlen(prefix) : 0;
	entry **hits = malloc((t->count ? t->count : 1) * sizeof *hits);
	if (!hits)
		return leave(s, out_of_memory());
	size_t n = 0;
	for (size_t i = 0; i < t->count; i++)
		if (strncmp(t->items[i].key, prefix ? prefix : "", plen) == 0)
			hits[n++] = &t->items[i];
	qsort(hits, n, sizeof *hits, scan_cmp);
	for (size_t i = 0; i < n; i++)
		if (each(ctx, hits[i]->key, hits[i]->value, hits[i]->len, hits[i]->order))
			break;
	free(hits);
	return leave(s, RRD_OK);
}

/* ---- timers ---------------------------------------------------------- */

static int timer_before(const timer *a, const timer *b)
{
	if (a->due != b->due)
		return a->due < b->due;
	if (a->seq != b->seq)
		return a->seq < b->seq;
	return strcmp(a->key, b->key) < 0; /* only so equal timers pop in a fixed order */
}

static timer *earliest(host_store *s)
{
	timer *best = NULL;
	for (size_t i = 0; i < s->live.ntimers; i++)
		if (!best || timer_before(&s->live.timers[i], best))
			best = &s->live.timers[i];
	return best;
}

static int hs_timer_set(void *self, const char *key, rrd_time due, int64_t seq)
{
	host_store *s = self;
	enter(s);
	if (outside_txn(s, "timer_set"))
		return leave(s, RRD_E_STORE);
	timer *t = find_timer(s, key);
	if (!t) {
		char *k = copy_string(key);
		if (!k || grow((void **)&s->live.timers, &s->live.tcap, s->live.ntimers + 1,
			       sizeof(timer))) {
			free(k);
			return leave(s, out_of_memory());
		}
		t = &s->live.timers[s->live.ntimers++];
		t->key = k;
	}
	t->due = due;
	t->seq = seq;
	s->writes++;
	return leave(s, RRD_OK);
}

static int hs_timer_clear(void *self, const char *key)
{
	host_store *s = self;
	enter(s);
	if (outside_txn(s, "timer_clear"))
		return leave(s, RRD_E_STORE);
	timer *t = find_timer(s, key);
	if (!t)
		return leave(s, RRD_E_NOTFOUND);
	remove_timer(s, t);
	s->writes++;
	return leave(s, RRD_OK);
}

/* The one read allowed outside a transaction: an event loop asks it to
 * know how long to sleep. */
static int hs_timer_next(void *self, rrd_time *due)
{
	host_store *s = self;
	enter(s);
	timer *t = earliest(s);
	if (!t)
		return leave(s, RRD_E_NOTFOUND);
	*due = t->due;
	return leave(s, RRD_OK);
}

static int hs_timer_pop(void *self, rrd_time now, char *key, size_t cap, rrd_time *due)
{
	host_store *s = self;
	enter(s);
	/* Popping is a write: it must roll back with the transaction, or a
	 * failed operation would lose the timer. */
	if (outside_txn(s, "timer_pop"))
		return leave(s, RRD_E_STORE);
	timer *t = earliest(s);
	if (!t || t->due > now)
		return leave(s, RRD_E_NOTFOUND);
	size_t n = strlen(t->key) + 1;
	if (n > cap)
		return leave(s, fail("host store: timer key buffer too small"));
	memcpy(key, t->key, n);
	if (due)
		*due = t->due;
	remove_timer(s, t);
	s->writes++;
	return leave(s, RRD_OK);
}

/* ---- locks ----------------------------------------------------------- */

static int hs_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			   rrd_time expires)
{
	host_store *s = self;
	enter(s);
	lock *l = NULL;
	for (size_t i = 0; i < s->nlocks; i++)
		if (strcmp(s->locks[i].name, name) == 0)
			l = &s->locks[i];
	if (l && strcmp(l->owner, owner) != 0 && l->expires > now)
		return leave(s, RRD_E_BUSY);
	/* Free, expired (its holder may have crashed), or ours to renew. */
	char *o = copy_string(owner);
	if (!o)
		return leave(s, out_of_memory());
	if (!l) {
		char *n = copy_string(name);
		if (!n || grow((void **)&s->locks, &s->lcap, s->nlocks + 1, sizeof(lock))) {
			free(n);
			free(o);
			return leave(s, out_of_memory());
		}
		l = &s->locks[s->nlocks++];
		l->name = n;
		l->owner = NULL;
	}
	free(l->owner);
	l->owner = o;
	l->expires = expires;
	return leave(s, RRD_OK);
}

static int hs_lock_release(void *self, const char *name, const char *owner)
{
	host_store *s = self;
	enter(s);
	for (size_t i = 0; i < s->nlocks; i++) {
		lock *l = &s->locks[i];
		if (strcmp(l->name, name) == 0 && strcmp(l->owner, owner) == 0) {
			free(l->name);
			free(l->owner);
			*l = s->locks[--s->nlocks];
			return leave(s, RRD_OK);
		}
	}
	return leave(s, RRD_E_NOTFOUND);
}

static void hs_close(void *self)
{
	host_store *s = self;
	data_free(&s->live);
	data_free(&s->saved);
	for (size_t i = 0; i < s->nlocks; i++) {
		free(s->locks[i].name);
		free(s->locks[i].owner);
	}
	free(s->locks);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* Create the host's store. On success the rrd_store owns `*backend` and
 * frees it through close. */
static rrd_status host_store_new(rrd_store **out, host_store **backend)
{
	static const rrd_store_methods methods = {
		.version = RRD_STORE_METHODS_VERSION,
		.close = hs_close,
		.begin = hs_begin,
		.commit = hs_commit,
		.rollback = hs_rollback,
		.get = hs_get,
		.put = hs_put,
		.del = hs_del,
		.scan = hs_scan,
		.timer_set = hs_timer_set,
		.timer_clear = hs_timer_clear,
		.timer_next = hs_timer_next,
		.timer_pop = hs_timer_pop,
		.lock_acquire = hs_lock_acquire,
		.lock_release = hs_lock_release,
		/* Optional: without them the library writes one put and asks
		 * one get at a time, which is all an array could do anyway. */
		.put_many = NULL,
		.has_many = NULL,
	};
	host_store *s = calloc(1, sizeof *s);
	if (!s)
		return RRD_E_NOMEM;
	pthread_mutexattr_t attr;
	if (pthread_mutexattr_init(&attr)) {
		free(s);
		return RRD_E_STORE;
	}
	int bad = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) ||
		  pthread_mutex_init(&s->mu, &attr);
	pthread_mutexattr_destroy(&attr);
	if (bad) {
		free(s);
		return RRD_E_STORE;
	}
	rrd_status rc = rrd_store_new(out, &methods, s);
	if (rc != RRD_OK) {
		hs_close(s);
		return rc;
	}
	*backend = s;
	return RRD_OK;
}

/* ==== the host ========================================================== */

static int failures;

static void check(rrd_status rc, const char *what)
{
	if (rc != RRD_OK) {
		fprintf(stderr, "host_store: %s: %s (%s)\n", what, rrd_error_last(),
			rrd_status_name(rc));
		exit(1);
	}
}

static void expect(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "host_store: expected %s\n", what);
		failures++;
	}
}

/* The host's messaging: a line on stdout for each notification. */
static void on_event(void *user, const rrd_event *ev)
{
	const host_store *s = user;
	/* Events report committed changes only. This program has one thread,
	 * so a transaction open now could only be the one being reported. */
	expect(!s->in_txn, "no transaction open while an event is delivered");
	switch (rrd_event_type_of(ev)) {
	case RRD_EVENT_ASSIGNED:
		printf("  to %s: lead %s is yours (%s", rrd_event_agent(ev), rrd_event_record(ev),
		       rrd_via_name(rrd_event_via(ev)));
		if (rrd_event_previous(ev))
			printf(", was %s's", rrd_event_previous(ev));
		printf(")\n");
		for (size_t i = 0; i < rrd_event_skipped_count(ev); i++) {
			const char *who;
			rrd_skip_reason why;
			if (rrd_event_skipped(ev, i, &who, &why) == RRD_OK)
				printf("    passed over %s: %s\n", who, rrd_skip_reason_name(why));
		}
		break;
	case RRD_EVENT_QUEUED:
		printf("  to managers: lead %s waits in the queue (%s)\n", rrd_event_record(ev),
		       rrd_queue_reason_name(rrd_event_queue_reason(ev)));
		break;
	default:
		printf("  %s %s\n", rrd_event_type_name(rrd_event_type_of(ev)),
		       rrd_event_record(ev) ? rrd_event_record(ev) : "");
	}
}

static void add_agent(rrd_distributor *d, const char *id, int paused)
{
	rrd_agent *a;
	check(rrd_agent_new(&a, id), "new agent");
	check(rrd_agent_set_paused(a, paused), "pause agent");
	printf("put agent %s%s\n", id, paused ? " (paused)" : "");
	check(rrd_distributor_put_agent(d, a), "put agent");
	rrd_agent_free(a);
}

static void submit(rrd_distributor *d, const host_store *s, const char *id)
{
	rrd_submit_options opts = RRD_SUBMIT_OPTIONS_INIT;
	opts.pool = "web";
	rrd_record *lead;
	check(rrd_record_new(&lead, id, RRD_KIND_LEAD), "new lead");
	check(rrd_record_set_source(lead, "web form"), "lead source");
	uint64_t before = s->generation;
	printf("submit %s\n", id);
	check(rrd_distributor_submit(d, lead, &opts), "submit");
	expect(s->generation == before + 1, "one commit per submit");
	rrd_record_free(lead);
}

int main(void)
{
	rrd_store *store;
	host_store *backend;
	check(host_store_new(&store, &backend), "host store");

	rrd_distributor_options opts = RRD_DISTRIBUTOR_OPTIONS_INIT;
	opts.on_event = on_event;
	opts.event_user = backend;
	opts.explain = 1; /* events name the members a pick passed over */
	rrd_distributor *dist;
	printf("new distributor\n"); /* reads the (empty) store in one transaction */
	check(rrd_distributor_new(&dist, store, &opts), "distributor");

	add_agent(dist, "ann", 0);
	add_agent(dist, "ben", 0);
	add_agent(dist, "dan", 1); /* on leave: round robin passes over him */
	add_agent(dist, "cat", 0);

	rrd_pool *pool;
	check(rrd_pool_new(&pool, "web", RRD_KIND_LEAD), "new pool");
	check(rrd_pool_set_strategy(pool, RRD_STRATEGY_ROUND_ROBIN), "strategy");
	const char *members[] = { "ann", "ben", "dan", "cat" };
	for (size_t i = 0; i < sizeof members / sizeof *members; i++)
		check(rrd_pool_add_member(pool, members[i]), "add member");
	printf("put pool web: round robin over ann, ben, dan, cat\n");
	check(rrd_distributor_put_pool(dist, pool), "put pool");
	rrd_pool_free(pool);

	const char *leads[] = { "L-1", "L-2", "L-3", "L-4", "L-5" };
	const size_t nleads = sizeof leads / sizeof *leads;
	for (size_t i = 0; i < nleads; i++)
		submit(dist, backend, leads[i]);

	/* A failed call changes nothing: no commit, and the store as it was. */
	uint64_t before = backend->generation;
	rrd_record *dup;
	check(rrd_record_new(&dup, "L-1", RRD_KIND_LEAD), "new lead");
	rrd_status rc = rrd_distributor_submit(dist, dup, NULL);
	printf("submit L-1 again: %s (%s)\n", rrd_status_name(rc), rrd_error_last());
	expect(rc == RRD_E_EXISTS, "a second L-1 to be refused");
	expect(backend->generation == before, "no commit for a refused call");
	rrd_record_free(dup);

	/* Ask who is next without moving anything, then move L-1 there. */
	size_t committed = backend->committed;
	rrd_pick *pick;
	printf("explain web\n");
	check(rrd_distributor_explain(dist, "web", NULL, &pick), "explain");
	printf("  next: %s\n", rrd_pick_agent(pick));
	for (size_t i = 0; i < rrd_pick_skipped_count(pick); i++) {
		const char *who;
		rrd_skip_reason why;
		if (rrd_pick_skipped(pick, i, &who, &why) == RRD_OK)
			printf("    would pass over %s: %s\n", who, rrd_skip_reason_name(why));
	}
	expect(rrd_pick_agent(pick) && strcmp(rrd_pick_agent(pick), "cat") == 0,
	       "cat to be next in web");
	rrd_pick_free(pick);
	expect(backend->committed == committed, "explain to write nothing");

	printf("reassign L-1 to web\n");
	rrd_move_options move = RRD_MOVE_OPTIONS_INIT;
	check(rrd_distributor_reassign_to_pool(dist, "L-1", "web", &move), "reassign");

	/*
	 * Round robin over ann, ben, dan, cat with dan paused: ann, ben, cat,
	 * ann, ben for the five leads; the reassignment takes the next turn,
	 * cat's (the cursor is after ben, and dan is still passed over).
	 */
	const char *expected[] = { "cat", "ben", "cat", "ann", "ben" };
	printf("\nsummary\n");
	for (size_t i = 0; i < nleads; i++) {
		rrd_record *r;
		check(rrd_distributor_get_record(dist, leads[i], &r), "get record");
		const char *owner = rrd_record_owner(r);
		printf("  %s: %s, %s\n", leads[i], owner ? owner : "(nobody)",
		       rrd_record_status_name(rrd_record_status_of(r)));
		if (!owner || strcmp(owner, expected[i]) != 0) {
			fprintf(stderr, "host_store: %s belongs to %s, not %s\n", leads[i],
				owner ? owner : "nobody", expected[i]);
			failures++;
		}
		rrd_record_free(r);
	}
	const int64_t open_expected[] = { 1, 2, 0, 2 };
	for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
		rrd_agent *a;
		check(rrd_distributor_get_agent(dist, members[i], &a), "get agent");
		printf("  %s holds %lld open lead(s)\n", members[i],
		       (long long)rrd_agent_open_count(a));
		expect(rrd_agent_open_count(a) == open_expected[i], "open counts 1, 2, 0, 2");
		rrd_agent_free(a);
	}
	printf("  %llu commits in all\n", (unsigned long long)backend->generation);

	rrd_distributor_free(dist);
	rrd_store_free(store);
	if (failures) {
		fprintf(stderr, "host_store: %d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
