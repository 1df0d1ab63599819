/*
 * The storage interface's contract, checked through the callbacks
 * themselves: reads see the transaction's own writes, a rollback leaves
 * the store exactly as it was (whatever mix of new keys, overwrites of
 * the same or another length and deletes came before it), scans go by
 * order then key, timers come out by due time then seq, and locks keep
 * other owners out until they expire. A randomised run checks the
 * in-memory store against a plain model of what it must hold.
 *
 * Every case takes the store from make_store(), so a backend passes the
 * same contract by adding its own factory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store/store.h"

static rrd_store *make_store(void)
{
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	return st;
}

#define NS RRD_NS_RECORD

static void begin(rrd_store *st)
{
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
}

static void commit(rrd_store *st)
{
	assert_int_equal(st->m.commit(st->self), RRD_OK);
}

static void rollback(rrd_store *st)
{
	assert_int_equal(st->m.rollback(st->self), RRD_OK);
}

static void put(rrd_store *st, const char *key, const char *value, int64_t order)
{
	assert_int_equal(st->m.put(st->self, NS, key, value, strlen(value), order), RRD_OK);
}

static void del(rrd_store *st, const char *key)
{
	assert_int_equal(st->m.del(st->self, NS, key), RRD_OK);
}

/* The value under key as a string, or NULL when absent. */
static const char *get(rrd_store *st, const char *key, int64_t *order)
{
	static char buf[2048];
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, NS, key, &v, &len, order);
	if (rc == RRD_E_NOTFOUND)
		return NULL;
	assert_int_equal(rc, RRD_OK);
	assert_true(len < sizeof buf);
	memcpy(buf, v, len);
	buf[len] = '\0';
	return buf;
}

static void assert_value(rrd_store *st, const char *key, const char *want)
{
	const char *got = get(st, key, NULL);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got ? got : "(absent)", want);
}

typedef struct listing {
	char text[4096];
	size_t len;
	int stop_after; /* 0: never */
	int seen;
} listing;

static int list_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	listing *l = ctx;
	int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s%s=%.*s@%lld",
			 l->len ? " " : "", key, (int)len, (const char *)value, (long long)order);
	assert_true(n > 0 && (size_t)n < sizeof l->text - l->len);
	l->len += (size_t)n;
	l->seen++;
	return l->stop_after && l->seen == l->stop_after;
}

/* Every entry under prefix as "key=value@order ...", in scan order. */
static const char *list(rrd_store *st, const char *prefix, int stop_after)
{
	static listing l;
	memset(&l, 0, sizeof l);
	l.stop_after = stop_after;
	assert_int_equal(st->m.scan(st->self, NS, prefix, list_each, &l), RRD_OK);
	return l.text;
}

static int count_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	(void)key;
	(void)value;
	(void)len;
	(void)order;
	++*(int *)ctx;
	return 0;
}

static void test_put_get_overwrite(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	assert_value(st, "a", NULL);
	put(st, "a", "one", 5);
	int64_t order = 0;
	assert_string_equal(get(st, "a", &order), "one");
	assert_int_equal(order, 5);
	put(st, "a", "two", 6); /* same length: in place */
	assert_string_equal(get(st, "a", &order), "two");
	assert_int_equal(order, 6);
	put(st, "a", "a much longer value than before", 7);
	assert_value(st, "a", "a much longer value than before");
	put(st, "a", "", 8); /* an empty value is a value */
	assert_value(st, "a", "");
	commit(st);
	begin(st);
	assert_value(st, "a", "");
	assert_int_equal(st->m.del(st->self, NS, "a"), RRD_OK);
	assert_int_equal(st->m.del(st->self, NS, "a"), RRD_E_NOTFOUND);
	assert_value(st, "a", NULL);
	commit(st);
	begin(st);
	assert_value(st, "a", NULL);
	assert_int_equal(st->m.del(st->self, NS, "a"), RRD_E_NOTFOUND);
	commit(st);
	rrd_store_free(st);
}

static void test_namespaces_apart(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	assert_int_equal(st->m.put(st->self, RRD_NS_AGENT, "k", "agent", 5, 0), RRD_OK);
	assert_int_equal(st->m.put(st->self, RRD_NS_POOL, "k", "pool!", 5, 0), RRD_OK);
	const void *v;
	size_t len;
	assert_int_equal(st->m.get(st->self, RRD_NS_AGENT, "k", &v, &len, NULL), RRD_OK);
	assert_memory_equal(v, "agent", 5);
	assert_int_equal(st->m.get(st->self, RRD_NS_POOL, "k", &v, &len, NULL), RRD_OK);
	assert_memory_equal(v, "pool!", 5);
	assert_int_equal(st->m.get(st->self, RRD_NS_RULE, "k", &v, &len, NULL), RRD_E_NOTFOUND);
	/* Absent in one namespace says nothing of another. */
	assert_int_equal(st->m.put(st->self, RRD_NS_POOL, "k", "again", 5, 0), RRD_OK);
	int listed = 0;
	assert_int_equal(st->m.scan(st->self, RRD_NS_POOL, "", count_each, &listed), RRD_OK);
	assert_int_equal(listed, 1);
	assert_int_equal(st->m.put(st->self, 0, "k", "x", 1, 0), RRD_E_INVALID);
	assert_int_equal(st->m.put(st->self, 1000, "k", "x", 1, 0), RRD_E_INVALID);
	commit(st);
	rrd_store_free(st);
}

static void test_writes_need_a_transaction(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	assert_int_equal(st->m.put(st->self, NS, "k", "v", 1, 0), RRD_E_STATE);
	assert_int_equal(st->m.del(st->self, NS, "k"), RRD_E_STATE);
	assert_int_equal(st->m.timer_set(st->self, "t", 1, 0), RRD_E_STATE);
	assert_int_equal(st->m.commit(st->self), RRD_E_STATE);
	assert_int_equal(st->m.rollback(st->self), RRD_E_STATE);
	begin(st);
	assert_value(st, "k", NULL);
	commit(st);
	rrd_store_free(st);
}

static void test_generation_counts_commits(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	uint64_t g0, g1, g2;
	assert_int_equal(st->m.begin(st->self, 0, &g0), RRD_OK);
	put(st, "k", "v", 0);
	commit(st);
	assert_int_equal(st->m.begin(st->self, 0, &g1), RRD_OK);
	put(st, "k", "w", 0);
	rollback(st);
	assert_int_equal(st->m.begin(st->self, RRD_TXN_READ_ONLY, &g2), RRD_OK);
	commit(st);
	assert_int_equal(g1, g0 + 1);
	assert_int_equal(g2, g1);
	rrd_store_free(st);
}

/* Apply a list of writes: "+key=value@order" puts, "-key" deletes;
 * values have no blanks. */
static void apply(rrd_store *st, const char *ops)
{
	char buf[512];
	assert_true(strlen(ops) < sizeof buf);
	strcpy(buf, ops);
	for (char *op = strtok(buf, " "); op; op = strtok(NULL, " ")) {
		if (op[0] == '-') {
			del(st, op + 1);
			continue;
		}
		assert_int_equal(op[0], '+');
		char *eq = strchr(op, '='), *at = strrchr(op, '@');
		assert_true(eq && at && eq < at);
		*eq = *at = '\0';
		put(st, op + 1, eq + 1, strtoll(at + 1, NULL, 10));
	}
}

#define SEED "+same=1234@1 +grow=ab@2 +gone=bye@3"
#define SEEDED "same=1234@1 grow=ab@2 gone=bye@3"

/* From the committed seed, apply `ops` in one transaction, check what it
 * sees, end it, and check what is left. */
static void case_from_seed(const char *ops, const char *inside, int keep, const char *after)
{
	rrd_store *st = make_store();
	begin(st);
	apply(st, SEED);
	commit(st);
	begin(st);
	apply(st, ops);
	assert_string_equal(list(st, "", 0), inside);
	if (keep)
		commit(st);
	else
		rollback(st);
	begin(st);
	assert_string_equal(list(st, "", 0), after);
	commit(st);
	rrd_store_free(st);
}

static void test_rollback_restores_everything(void **state)
{
	(void)state;
	case_from_seed("+new=fresh@9 +same=5678@10 +same=9999@11 "
		       "+grow=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz@12 "
		       "+grow=x@13 -gone",
		       "new=fresh@9 same=9999@11 grow=x@13", 0, SEEDED);
}

/* Deleted, then written again at the same length and at another. */
static const char delete_then_put[] = "-same +same=abcd@20 -grow +grow=longer_than_it_was@21 "
				      "-grow +new=n@22 -new +new=again@23";

static void test_rollback_of_delete_then_put(void **state)
{
	(void)state;
	case_from_seed(delete_then_put, "gone=bye@3 same=abcd@20 new=again@23", 0, SEEDED);
}

static void test_commit_of_delete_then_put(void **state)
{
	(void)state;
	case_from_seed(delete_then_put, "gone=bye@3 same=abcd@20 new=again@23", 1,
		       "gone=bye@3 same=abcd@20 new=again@23");
	/* Deleted, revived in place and deleted again: gone once; and what
	 * was deleted for good can be made again. */
	case_from_seed("-gone +new=n@22 -new -same +same=4321@24 -same", "grow=ab@2", 1, "grow=ab@2");
	rrd_store *st = make_store();
	begin(st);
	apply(st, "+k=1@1");
	commit(st);
	begin(st);
	apply(st, "-k +k=2@2 -k");
	commit(st);
	begin(st);
	assert_string_equal(list(st, "", 0), "");
	apply(st, "+k=back@3");
	commit(st);
	begin(st);
	assert_string_equal(list(st, "", 0), "k=back@3");
	commit(st);
	rrd_store_free(st);
}

/* A backend may remember where a key's string led; the same key through
 * another string must still see every write. */
static void test_same_key_through_two_strings(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	char one[] = "shared", two[] = "shared";
	begin(st);
	put(st, one, "aa", 1);
	assert_value(st, one, "aa");
	put(st, two, "a value of another length", 2);
	assert_value(st, one, "a value of another length");
	put(st, one, "bb", 3);
	assert_value(st, two, "bb");
	commit(st);
	begin(st);
	del(st, two);
	assert_value(st, one, NULL);
	put(st, two, "back", 4);
	assert_value(st, one, "back");
	rollback(st);
	begin(st);
	assert_value(st, one, "bb");
	del(st, one);
	commit(st);
	begin(st);
	assert_value(st, two, NULL);
	put(st, two, "new", 5);
	assert_value(st, one, "new");
	commit(st);
	rrd_store_free(st);
}

/* A backend may remember that a key was just found absent; putting it
 * next must still make exactly one entry, whichever string names it. */
static void test_found_absent_then_put(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	char a1[] = "a", a2[] = "a";
	begin(st);
	assert_value(st, a1, NULL);
	put(st, a2, "1", 1);
	assert_value(st, a1, "1");
	assert_value(st, "b", NULL);
	put(st, "c", "3", 3);
	put(st, "b", "2", 2);
	assert_string_equal(list(st, "", 0), "a=1@1 b=2@2 c=3@3");
	commit(st);
	begin(st);
	assert_value(st, "d", NULL);
	put(st, "d", "4", 4);
	rollback(st);
	begin(st);
	assert_value(st, "d", NULL);
	put(st, "d", "5", 5);
	put(st, "d", "6", 6);
	del(st, "a");
	commit(st);
	begin(st);
	assert_value(st, "a", NULL);
	put(st, "a", "7", 7);
	assert_string_equal(list(st, "", 0), "b=2@2 c=3@3 d=6@6 a=7@7");
	commit(st);
	rrd_store_free(st);
}

static void test_scan_order_prefix_and_stop(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	put(st, "b\x1f" "2", "x", 1);
	put(st, "b\x1f" "1", "y", 1);
	put(st, "a", "z", 0);
	put(st, "b\x1f" "0", "w", 2);
	put(st, "bz", "v", 1);
	commit(st);
	begin(st);
	/* By order, then key bytewise (0x1F sorts before letters). */
	assert_string_equal(list(st, "", 0), "a=z@0 b\x1f" "1=y@1 b\x1f" "2=x@1 bz=v@1 b\x1f" "0=w@2");
	assert_string_equal(list(st, "b\x1f", 0), "b\x1f" "1=y@1 b\x1f" "2=x@1 b\x1f" "0=w@2");
	assert_string_equal(list(st, "", 2), "a=z@0 b\x1f" "1=y@1");
	assert_string_equal(list(st, "nothing", 0), "");
	del(st, "a");
	assert_string_equal(list(st, "a", 0), "");
	commit(st);
	rrd_store_free(st);
}

static uint64_t rng(void);

typedef struct ordered {
	int64_t order;
	char key[16];
	int seen, sorted;
} ordered;

static int check_order(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	ordered *o = ctx;
	(void)value;
	(void)len;
	if (o->seen && (order < o->order || (order == o->order && strcmp(o->key, key) >= 0)))
		o->sorted = 0;
	o->order = order;
	snprintf(o->key, sizeof o->key, "%s", key);
	o->seen++;
	return 0;
}

/* Many entries (orders of every size and sign, many alike) still come
 * by order, then key. */
static void test_scan_order_of_many(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	static const int64_t orders[] = { INT64_MIN, -70000, -1, 0, 1, 255, 256, 65537,
					  (int64_t)1 << 40, INT64_MAX };
	enum { N = 3000 };
	begin(st);
	for (int i = 0; i < N; i++) {
		char key[16];
		snprintf(key, sizeof key, "k%d", (i * 7919) % N);
		int64_t order = i % 3 ? orders[rng() % 10] : (int64_t)(rng() % 100000) - 50000;
		put(st, key, "v", order);
	}
	commit(st);
	begin(st);
	ordered o = { .sorted = 1 };
	assert_int_equal(st->m.scan(st->self, NS, "", check_order, &o), RRD_OK);
	assert_int_equal(o.seen, N);
	assert_true(o.sorted);
	o = (ordered){ .sorted = 1 };
	assert_int_equal(st->m.scan(st->self, NS, "k1", check_order, &o), RRD_OK);
	assert_int_equal(o.seen, 1111); /* k1, k10..k19, k100..k199, k1000..k1999 */
	assert_true(o.sorted);
	rollback(st);
	rrd_store_free(st);
}

/* ---- timers ---------------------------------------------------------- */

static const char *pop(rrd_store *st, rrd_time now)
{
	static char key[2 * RRD_ID_MAX + 2];
	rrd_time due;
	int rc = st->m.timer_pop(st->self, now, key, sizeof key, &due);
	if (rc == RRD_E_NOTFOUND)
		return NULL;
	assert_int_equal(rc, RRD_OK);
	assert_true(due <= now);
	return key;
}

static void test_timers_by_due_then_seq(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	assert_int_equal(st->m.timer_set(st->self, "late", 300, 1), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "tie-b", 200, 8), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "tie-a", 200, 7), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "moved", 50, 1), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "moved", 250, 1), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "cleared", 10, 1), RRD_OK);
	assert_int_equal(st->m.timer_clear(st->self, "cleared"), RRD_OK);
	assert_int_equal(st->m.timer_clear(st->self, "cleared"), RRD_E_NOTFOUND);
	commit(st);
	rrd_time due;
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_OK);
	assert_int_equal(due, 200);
	begin(st);
	assert_null(pop(st, 199));
	assert_string_equal(pop(st, 1000), "tie-a");
	assert_string_equal(pop(st, 1000), "tie-b");
	assert_string_equal(pop(st, 1000), "moved");
	assert_string_equal(pop(st, 1000), "late");
	assert_null(pop(st, 1000));
	commit(st);
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_E_NOTFOUND);
	rrd_store_free(st);
}

static void test_timers_roll_back(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	assert_int_equal(st->m.timer_set(st->self, "a", 100, 1), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "b", 200, 1), RRD_OK);
	commit(st);
	begin(st);
	assert_string_equal(pop(st, 150), "a");
	assert_int_equal(st->m.timer_set(st->self, "b", 10, 1), RRD_OK);
	assert_int_equal(st->m.timer_set(st->self, "c", 5, 1), RRD_OK);
	assert_int_equal(st->m.timer_clear(st->self, "c"), RRD_OK);
	rollback(st);
	begin(st);
	assert_string_equal(pop(st, 1000), "a");
	assert_string_equal(pop(st, 1000), "b");
	assert_null(pop(st, 1000));
	commit(st);
	rrd_store_free(st);
}

static void test_timer_key_buffer_too_small(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	assert_int_equal(st->m.timer_set(st->self, "a-long-timer-key", 1, 1), RRD_OK);
	char small[4];
	assert_int_equal(st->m.timer_pop(st->self, 5, small, sizeof small, NULL), RRD_E_INVALID);
	assert_string_equal(pop(st, 5), "a-long-timer-key");
	commit(st);
	rrd_store_free(st);
}

/* ---- locks ----------------------------------------------------------- */

static void test_locks(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1", 0, 100), RRD_OK);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p2", 50, 150), RRD_E_BUSY);
	assert_int_equal(st->m.lock_acquire(st->self, "other", "p2", 50, 150), RRD_OK);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1", 60, 200), RRD_OK); /* renew */
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p2", 150, 300), RRD_E_BUSY);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p2", 200, 300), RRD_OK); /* expired */
	assert_int_equal(st->m.lock_release(st->self, "bulk", "p1"), RRD_E_NOTFOUND);
	assert_int_equal(st->m.lock_release(st->self, "bulk", "p2"), RRD_OK);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1", 210, 300), RRD_OK);
	rrd_store_free(st);
}

/* A lease covers the instants before its end: held at expires - 1, free
 * at expires. A holder may renew or release a lease that ran out while
 * nobody else took the lock. */
static void test_lock_lease_ends_at_expires(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1", 0, 100), RRD_OK);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p2", 99, 199), RRD_E_BUSY);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p2", 100, 200), RRD_OK);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1", 150, 250), RRD_E_BUSY);
	assert_int_equal(st->m.lock_release(st->self, "bulk", "p1"), RRD_E_NOTFOUND);
	/* p2's lease ran out and nobody took the lock: still p2's. */
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p2", 300, 400), RRD_OK);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1", 399, 500), RRD_E_BUSY);
	assert_int_equal(st->m.lock_release(st->self, "bulk", "p2"), RRD_OK);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1", 399, 500), RRD_OK);
	/* An owner that only differs after a byte others share is another. */
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1x", 400, 600), RRD_E_BUSY);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p", 400, 600), RRD_E_BUSY);
	rrd_store_free(st);
}

/* ---- against a model ------------------------------------------------- */

#define KEYS 300

typedef struct model_entry {
	int present;
	char value[1300];
	int64_t order;
} model_entry;

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void model_check(rrd_store *st, const model_entry *m)
{
	/* No key is held twice. */
	int listed = 0, present = 0;
	assert_int_equal(st->m.scan(st->self, NS, "", count_each, &listed), RRD_OK);
	for (int k = 0; k < KEYS; k++)
		present += m[k].present;
	assert_int_equal(listed, present);
	/* has_many, where the store has it, agrees with get on every key. */
	static char names[KEYS][16];
	const char *keys[KEYS];
	unsigned char has[KEYS];
	for (int k = 0; k < KEYS; k++) {
		snprintf(names[k], sizeof names[k], "key%d", k);
		keys[k] = names[k];
		has[k] = 2;
	}
	if (st->m.has_many) {
		assert_int_equal(st->m.has_many(st->self, NS, KEYS, keys, has), RRD_OK);
		for (int k = 0; k < KEYS; k++)
			assert_int_equal(has[k], m[k].present);
	}
	for (int k = 0; k < KEYS; k++) {
		char key[16];
		snprintf(key, sizeof key, "key%d", k);
		int64_t order = -1;
		const char *got = get(st, key, &order);
		if (!m[k].present) {
			assert_null(got);
		} else {
			assert_non_null(got);
			assert_string_equal(got, m[k].value);
			assert_int_equal(order, m[k].order);
		}
	}
}

/* put_many, where the store has it, of up to 20 keys (some new, some
 * there, some twice: the later value wins, as with puts in order). */
static void put_many_random(rrd_store *st, model_entry *live)
{
	enum { MAX = 20 };
	static char names[MAX][16], values[MAX][80];
	const char *keys[MAX];
	const void *vals[MAX];
	size_t lens[MAX];
	int64_t orders[MAX];
	size_t n = 1 + (size_t)(rng() % MAX);
	for (size_t i = 0; i < n; i++) {
		int k = (int)(rng() % KEYS);
		snprintf(names[i], sizeof names[i], "key%d", k);
		int len = (int)(rng() % 70);
		for (int j = 0; j < len; j++)
			values[i][j] = (char)('A' + rng() % 26);
		values[i][len] = '\0';
		keys[i] = names[i];
		vals[i] = values[i];
		lens[i] = (size_t)len;
		orders[i] = (int64_t)(rng() % 1000);
		live[k].present = 1;
		memcpy(live[k].value, values[i], (size_t)len + 1);
		live[k].order = orders[i];
	}
	assert_int_equal(st->m.put_many(st->self, NS, n, keys, vals, lens, orders), RRD_OK);
}

/* Random puts (of many lengths, so some overwrite in place and some
 * replace; some many at once), deletes, commits and rollbacks; after
 * each transaction the store holds exactly what the model says. */
static void test_random_against_model(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	static model_entry committed[KEYS], live[KEYS];
	memset(committed, 0, sizeof committed);
	for (int txn = 0; txn < 400; txn++) {
		memcpy(live, committed, sizeof live);
		begin(st);
		int ops = 1 + (int)(rng() % 40);
		for (int i = 0; i < ops; i++) {
			int k = (int)(rng() % KEYS);
			char key[16];
			snprintf(key, sizeof key, "key%d", k);
			if (rng() % 3 == 0) {
				int rc = st->m.del(st->self, NS, key);
				assert_int_equal(rc, live[k].present ? RRD_OK : RRD_E_NOTFOUND);
				live[k].present = 0;
			} else {
				/* Mostly small values, some past any size a
				 * backend might keep apart. */
				int len = (int)(rng() % 8 ? rng() % 70 : 400 + rng() % 900);
				for (int j = 0; j < len; j++)
					live[k].value[j] = (char)('a' + rng() % 26);
				live[k].value[len] = '\0';
				live[k].order = (int64_t)(rng() % 1000);
				/* Often asked first, as a new record's id is. */
				if (rng() % 2) {
					const char *was = get(st, key, NULL);
					if (live[k].present)
						assert_non_null(was);
					else
						assert_null(was);
				}
				live[k].present = 1;
				put(st, key, live[k].value, live[k].order);
			}
			if (st->m.put_many && rng() % 8 == 0)
				put_many_random(st, live);
		}
		model_check(st, live);
		if (rng() % 4 == 0) {
			rollback(st);
		} else {
			commit(st);
			memcpy(committed, live, sizeof committed);
		}
		begin(st);
		model_check(st, committed);
		commit(st);
	}
	rrd_store_free(st);
}

/* A host built against the first version of the table passes a shorter
 * one: the library reads no further, and what it did not read is NULL. */
static void test_version_1_table(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	struct {
		rrd_store_methods m;
		unsigned char beyond[64];
	} v1;
	memset(&v1, 0xA5, sizeof v1);
	memcpy(&v1.m, &st->m, offsetof(rrd_store_methods, has_many));
	v1.m.version = 1;
	v1.m.close = NULL; /* st closes the backend */
	rrd_store *wrapped = NULL;
	assert_int_equal(rrd_store_new(&wrapped, &v1.m, st->self), RRD_OK);
	assert_null(wrapped->m.has_many);
	assert_true(wrapped->m.get == st->m.get);
	rrd_store_free(wrapped);
	rrd_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_overwrite),
		cmocka_unit_test(test_namespaces_apart),
		cmocka_unit_test(test_writes_need_a_transaction),
		cmocka_unit_test(test_generation_counts_commits),
		cmocka_unit_test(test_rollback_restores_everything),
		cmocka_unit_test(test_rollback_of_delete_then_put),
		cmocka_unit_test(test_commit_of_delete_then_put),
		cmocka_unit_test(test_same_key_through_two_strings),
		cmocka_unit_test(test_found_absent_then_put),
		cmocka_unit_test(test_scan_order_prefix_and_stop),
		cmocka_unit_test(test_scan_order_of_many),
		cmocka_unit_test(test_timers_by_due_then_seq),
		cmocka_unit_test(test_timers_roll_back),
		cmocka_unit_test(test_timer_key_buffer_too_small),
		cmocka_unit_test(test_locks),
		cmocka_unit_test(test_lock_lease_ends_at_expires),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_version_1_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
