/*
 * Taking turns, so that writers that keep losing races win in the end.
 *
 * First committer wins keeps every transaction correct, but not fair:
 * when several processes write one key (the cursor of a busy pool, its
 * agents' counters), the one that just committed starts its next
 * transaction at once, reads the fresh row and wins again, while the
 * others, who learned of their loss only at its commit, lose the next
 * race too, and may run out of retries. Two remedies, both with session
 * advisory locks taken before BEGIN (so that the snapshot comes after
 * the wait) and given back after COMMIT or ROLLBACK, in the pipelines
 * the transaction sends anyway: no round trip is added.
 *
 * - Hot keys. A handle remembers the keys its transactions wrote when
 *   they lost a race (the latest PG_HOT_MAX). A write transaction whose
 *   first read asks for one of them queues for it first (in the order of
 *   the lock ids, so that two never wait for each other): writers of a
 *   hot key take turns, first come first served, each reading what the
 *   one before committed.
 * - Running alone. Every write transaction holds the store's lock
 *   shared, from just after its BEGIN to its end (a transaction-level
 *   lock: no statement to give it back); one begun with
 *   RRD_TXN_EXCLUSIVE (an operation that lost several races) takes it
 *   alone before its BEGIN, and once it waits, new writers queue behind
 *   it. It then meets no other writer, and cannot lose.
 *
 * A lock is only a way to take turns: one that could not be taken is
 * passed over, and REPEATABLE READ still checks every transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "pg/pg.h"
#include "util/hashmap.h"

/* The advisory lock's number for a key: the schema in the high half, so
 * that stores in other schemas of the database do not share it. Two keys
 * that collide only take turns they need not take. */
static int64_t lock_id(const pgstore *s, int ns, const char *key)
{
	uint64_t hi = rrd__hash_str(s->schema_name);
	uint64_t lo = rrd__hash_str(key) ^ (uint32_t)ns * 0x9E3779B9u;
	return (int64_t)(hi << 32 | (lo & 0xFFFFFFFFu));
}

void rrd__pg_hot_wrote(pgstore *s, int ns, const char *key)
{
	if (s->nwrote < PG_WROTE_MAX)
		s->wrote[s->nwrote++] = lock_id(s, ns, key);
}

static int is_hot(const pgstore *s, int64_t id)
{
	for (size_t i = 0; i < s->nhot; i++)
		if (s->hot[i] == id)
			return 1;
	return 0;
}

void rrd__pg_hot_lost(pgstore *s)
{
	for (size_t i = 0; i < s->nwrote; i++) {
		if (is_hot(s, s->wrote[i]))
			continue;
		if (s->nhot < PG_HOT_MAX)
			s->nhot++;
		s->hot[s->hot_next] = s->wrote[i];
		s->hot_next = (s->hot_next + 1) % PG_HOT_MAX;
	}
	s->nwrote = 0;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void rrd__pg_hot_want(pgstore *s, size_t n, const int *ns, const char *const *keys, int one_ns)
{
	if (s->began || s->read_only)
		return;
	for (size_t i = 0; i < n && s->nhot && s->nturns < PG_HOT_MAX; i++) {
		int64_t id = lock_id(s, ns ? ns[i] : one_ns, keys[i]);
		if (!is_hot(s, id))
			continue;
		size_t j = 0;
		while (j < s->nturns && s->turns[j] != id)
			j++;
		if (j == s->nturns)
			s->turns[s->nturns++] = id;
	}
}

/* The store's own lock: namespace 0 holds no key. */
static void store_lock_param(pgstore *s, pg_params *p)
{
	rrd__pg_params_init(p);
	rrd__pg_param_int(p, lock_id(s, 0, ""));
}

int rrd__pg_locks_take(pgstore *s)
{
	if (!s->alone && !s->nturns)
		return RRD_OK;
	pg_params p;
	int rc = RRD_OK;
	if (s->alone) {
		store_lock_param(s, &p);
		rc = rrd__pg_send(s, PG_ALONE_LOCK, &p);
	}
	/* Alone, it needs no turn; and queueing for one held by a writer
	 * that waits for the store's lock would make the two wait for each
	 * other. */
	if (!rc && s->nturns && !s->alone) {
		qsort(s->turns, s->nturns, sizeof *s->turns, by_value);
		pg_bytes *b = &s->arrays[3];
		rrd__pg_array_begin(b, PG_OID_INT8, s->nturns);
		for (size_t i = 0; i < s->nturns; i++)
			rrd__pg_array_int8(b, s->turns[i]);
		rrd__pg_params_init(&p);
		rc = rrd__pg_param_array(&p, b);
		if (!rc)
			rc = rrd__pg_send(s, PG_HOT_LOCK, &p);
	}
	/* A pipeline of their own, ended before BEGIN: the snapshot comes
	 * after the locks. Their answers are read with the transaction's
	 * first. */
	if (!rc)
		rc = rrd__pg_sync_later(s);
	if (!rc)
		s->locked = 1;
	return rc;
}

int rrd__pg_writer_share(pgstore *s)
{
	/* A transaction-level lock, gone at COMMIT or ROLLBACK with no
	 * statement of its own. Taken after BEGIN, it may make the snapshot
	 * wait for one running alone; that one is rare, and a transaction
	 * that then loses its race runs again. */
	pg_params p;
	store_lock_param(s, &p);
	return rrd__pg_send(s, PG_WRITER_LOCK, &p);
}

void rrd__pg_locks_give(pgstore *s)
{
	s->nwrote = 0;
	s->nturns = 0;
	if (!s->locked || s->broken)
		return;
	s->locked = 0;
	/* Sent after the transaction's end, read with the next pipeline:
	 * the turn passes on as soon as the server has committed. */
	if (!rrd__pg_send(s, PG_UNLOCK_ALL, NULL))
		(void)rrd__pg_sync_later(s);
}
