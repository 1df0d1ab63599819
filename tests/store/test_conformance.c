/*
 * The storage interface's contract (include/rrdist/sys/store.h), checked
 * through the callbacks alone, on the store named by the one argument
 * (tests/support/stores.c; the memory store when none is given).
 *
 * Reads see the transaction's own writes; a rollback leaves the store
 * exactly as it was (entries of every namespace, whatever mix of new
 * keys, overwrites of the same or another length, deletes and bulk calls
 * came before it, and timers set, moved, cleared and popped); a commit
 * makes all of it visible; a serial store's generation counts commits.
 * Keys are any bytes the contract allows, up to RRD_STORE_KEY_MAX, and
 * compare bytewise; values are any bytes; a prefix scan returns exactly
 * the keys that start with the prefix, by order then key. Timers come
 * out by due time then seq, locks keep other owners out until their
 * lease ends, and a randomised run checks the store against a plain
 * model of what it must hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/stores.h"
#include "store/store.h"

static const test_store_kind *kind;
static test_store current;

static rrd_store *make_store(void)
{
	assert_null(current.store);
	current = test_store_open(kind);
	return current.store;
}

/* After every case: a case that failed halfway leaves its store open,
 * perhaps in a transaction. */
static int close_left_open(void **state)
{
	(void)state;
	if (current.store) {
		(void)current.store->m.rollback(current.store->self);
		test_store_close(&current);
	}
	return 0;
}

static void drop(rrd_store *st)
{
	assert_ptr_equal(st, current.store);
	test_store_close(&current);
}

/* A store without an optional callback has nothing to show of it: the
 * library does without. 1 (and the store dropped) when `has` is 0. */
static int lacks(rrd_store *st, int has)
{
	if (!has)
		drop(st);
	return !has;
}

#define NS RRD_NS_RECORD
#define NS_FIRST RRD_NS_META
#define NS_LAST RRD_NS_BY_OWNER

static void begin(rrd_store *st)
{
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
}

static uint64_t begin_gen(rrd_store *st, unsigned int flags)
{
	uint64_t gen = 0;
	assert_int_equal(st->m.begin(st->self, flags, &gen), RRD_OK);
	return gen;
}

static void commit(rrd_store *st)
{
	assert_int_equal(st->m.commit(st->self), RRD_OK);
}

static void rollback(rrd_store *st)
{
	assert_int_equal(st->m.rollback(st->self), RRD_OK);
}

static void put_bytes(rrd_store *st, int ns, const char *key, const void *value, size_t len,
		      int64_t order)
{
	assert_int_equal(st->m.put(st->self, ns, key, value, len, order), RRD_OK);
}

static void put(rrd_store *st, const char *key, const char *value, int64_t order)
{
	put_bytes(st, NS, key, value, strlen(value), order);
}

static void del(rrd_store *st, const char *key)
{
	assert_int_equal(st->m.del(st->self, NS, key), RRD_OK);
}

/* Text a reader can compare: printable ASCII as it is but for the
 * characters the listings use, everything else as \xHH. */
static size_t esc(char *out, size_t cap, const void *bytes, size_t len)
{
	const unsigned char *b = bytes;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		assert_true(n + 5 < cap);
		unsigned char c = b[i];
		if (c < 0x20 || c >= 0x7F || c == '\\' || c == ' ' || c == '=' || c == '@')
			n += (size_t)snprintf(out + n, cap - n, "\\x%02X", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

/* The value under key as text, or NULL when absent. */
static const char *get_ns(rrd_store *st, int ns, const char *key, int64_t *order)
{
	static char buf[8192];
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, ns, key, &v, &len, order);
	if (rc == RRD_E_NOTFOUND)
		return NULL;
	assert_int_equal(rc, RRD_OK);
	assert_true(len * 4 < sizeof buf);
	esc(buf, sizeof buf, v, len);
	return buf;
}

static const char *get(rrd_store *st, const char *key, int64_t *order)
{
	return get_ns(st, NS, key, order);
}

static void assert_value(rrd_store *st, const char *key, const char *want)
{
	const char *got = get(st, key, NULL);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got ? got : "(absent)", want);
}

/* The entry under key is exactly these bytes. */
static void assert_bytes(rrd_store *st, int ns, const char *key, const void *want, size_t len,
			 int64_t order)
{
	const void *v = NULL;
	size_t got = 0;
	int64_t o = 0;
	assert_int_equal(st->m.get(st->self, ns, key, &v, &got, &o), RRD_OK);
	assert_int_equal(got, len);
	if (len)
		assert_memory_equal(v, want, len);
	assert_int_equal(o, order);
}

typedef struct listing {
	char text[1 << 16];
	size_t len;
	int stop_after; /* 0: never */
	int seen;
} listing;

static int list_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	listing *l = ctx;
	char k[4 * RRD_STORE_KEY_MAX + 8], v[4096];
	esc(k, sizeof k, key, strlen(key));
	assert_true(len * 4 < sizeof v);
	esc(v, sizeof v, value, len);
	int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s%s=%s@%lld",
			 l->len ? " " : "", k, v, (long long)order);
	assert_true(n > 0 && (size_t)n < sizeof l->text - l->len);
	l->len += (size_t)n;
	l->seen++;
	return l->stop_after && l->seen == l->stop_after;
}

/* Every entry of ns under prefix as "key=value@order ...", in scan order. */
static const char *list_ns(rrd_store *st, int ns, const char *prefix, int stop_after)
{
	static listing l;
	memset(&l, 0, sizeof l);
	l.stop_after = stop_after;
	assert_int_equal(st->m.scan(st->self, ns, prefix, list_each, &l), RRD_OK);
	return l.text;
}

static const char *list(rrd_store *st, const char *prefix, int stop_after)
{
	return list_ns(st, NS, prefix, stop_after);
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

/* ---- timers, as the tests see them ----------------------------------- */

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

static void timer_set(rrd_store *st, const char *key, rrd_time due, int64_t seq)
{
	assert_int_equal(st->m.timer_set(st->self, key, due, seq), RRD_OK);
}

/* Every timer as "key@due ...", in the order they come out, popped in
 * the open transaction. */
static const char *pop_all(rrd_store *st)
{
	static char text[1 << 14];
	size_t n = 0;
	text[0] = '\0';
	char key[2 * RRD_ID_MAX + 2];
	rrd_time due;
	int rc;
	while ((rc = st->m.timer_pop(st->self, INT64_MAX, key, sizeof key, &due)) == RRD_OK) {
		char k[4 * sizeof key];
		esc(k, sizeof k, key, strlen(key));
		n += (size_t)snprintf(text + n, sizeof text - n, "%s%s@%lld", n ? " " : "", k,
				      (long long)due);
		assert_true(n < sizeof text);
	}
	assert_int_equal(rc, RRD_E_NOTFOUND);
	return text;
}

/* What the store holds, every namespace and the timers, as text: read
 * in a transaction of its own that ends with rollback. */
static char *everything(rrd_store *st)
{
	size_t cap = 1 << 18, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	text[0] = '\0';
	begin(st);
	for (int ns = NS_FIRST; ns <= NS_LAST; ns++)
		n += (size_t)snprintf(text + n, cap - n, "ns%d: %s\n", ns, list_ns(st, ns, "", 0));
	n += (size_t)snprintf(text + n, cap - n, "timers: %s\n", pop_all(st));
	assert_true(n < cap);
	rollback(st);
	return text;
}

/* ---- entries ---------------------------------------------------------- */

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
	put(st, "a", "two", 6); /* same length */
	assert_string_equal(get(st, "a", &order), "two");
	assert_int_equal(order, 6);
	put(st, "a", "a-much-longer-value-than-before", 7);
	assert_value(st, "a", "a-much-longer-value-than-before");
	put(st, "a", "", 8); /* an empty value is a value */
	assert_value(st, "a", "");
	commit(st);
	begin(st);
	assert_value(st, "a", "");
	assert_string_equal(get(st, "a", &order), "");
	assert_int_equal(order, 8);
	assert_int_equal(st->m.del(st->self, NS, "a"), RRD_OK);
	assert_int_equal(st->m.del(st->self, NS, "a"), RRD_E_NOTFOUND);
	assert_value(st, "a", NULL);
	commit(st);
	begin(st);
	assert_value(st, "a", NULL);
	assert_int_equal(st->m.del(st->self, NS, "a"), RRD_E_NOTFOUND);
	commit(st);
	drop(st);
}

/* The extremes of an order, which a store keeps as a 64-bit integer. */
static void test_orders_are_64_bit(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	put(st, "max", "x", INT64_MAX);
	put(st, "min", "x", INT64_MIN);
	put(st, "minus", "x", -1);
	put(st, "zero", "x", 0);
	put(st, "big", "x", (int64_t)1 << 40);
	commit(st);
	begin(st);
	int64_t order;
	assert_non_null(get(st, "max", &order));
	assert_true(order == INT64_MAX);
	assert_non_null(get(st, "min", &order));
	assert_true(order == INT64_MIN);
	assert_string_equal(list(st, "", 0), "min=x@-9223372036854775808 minus=x@-1 zero=x@0 "
					      "big=x@1099511627776 max=x@9223372036854775807");
	rollback(st);
	drop(st);
}

/* The same key in every namespace is a different entry. */
static void test_namespaces_apart(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	for (int ns = NS_FIRST; ns <= NS_LAST; ns++) {
		char v[16];
		snprintf(v, sizeof v, "v%d", ns);
		put_bytes(st, ns, "k", v, strlen(v), ns);
	}
	commit(st);
	begin(st);
	for (int ns = NS_FIRST; ns <= NS_LAST; ns++) {
		char want[32];
		snprintf(want, sizeof want, "k=v%d@%d", ns, ns);
		assert_string_equal(list_ns(st, ns, "", 0), want);
	}
	assert_int_equal(st->m.del(st->self, RRD_NS_POOL, "k"), RRD_OK);
	assert_null(get_ns(st, RRD_NS_POOL, "k", NULL));
	assert_string_equal(get_ns(st, RRD_NS_AGENT, "k", NULL), "v3");
	assert_string_equal(get_ns(st, RRD_NS_RULE, "k", NULL), "v5");
	assert_int_equal(st->m.del(st->self, RRD_NS_POOL, "k"), RRD_E_NOTFOUND);
	put_bytes(st, RRD_NS_AGENT, "only-agent", "x", 1, 0);
	assert_null(get_ns(st, RRD_NS_CALENDAR, "only-agent", NULL));
	assert_string_equal(list_ns(st, RRD_NS_CALENDAR, "", 0), "k=v2@2");
	commit(st);
	begin(st);
	assert_string_equal(list_ns(st, RRD_NS_POOL, "", 0), "");
	assert_string_equal(list_ns(st, RRD_NS_AGENT, "", 0), "only-agent=x@0 k=v3@3");
	rollback(st);
	drop(st);
}

/* Writes with no read between them, as a store may send them together:
 * the same key in every namespace, some put twice, through put and
 * put_many, one deleted and put again, one put and then deleted. What
 * the commit leaves is what the writes in order say. */
static void test_writes_without_reads(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	put(st, "gone", "before", 1);
	commit(st);
	begin(st);
	for (int ns = NS_FIRST; ns <= NS_LAST; ns++) {
		char v[16];
		snprintf(v, sizeof v, "first%d", ns);
		put_bytes(st, ns, "k", v, strlen(v), ns);
	}
	for (int ns = NS_FIRST; ns <= NS_LAST; ns += 2) {
		char v[16];
		snprintf(v, sizeof v, "second%d", ns);
		if (st->m.put_many) {
			const char *keys[3] = { "k", "other", "k" };
			const void *vals[3] = { "x", "o", v };
			size_t lens[3] = { 1, 1, strlen(v) };
			int64_t orders[3] = { 0, 7, 100 + ns };
			assert_int_equal(st->m.put_many(st->self, ns, 3, keys, vals, lens, orders),
					 RRD_OK);
		} else {
			put_bytes(st, ns, "other", "o", 1, 7);
			put_bytes(st, ns, "k", v, strlen(v), 100 + ns);
		}
	}
	if (st->m.del_many) {
		const char *keys[1] = { "gone" };
		assert_int_equal(st->m.del_many(st->self, NS, 1, keys), RRD_OK);
		put(st, "back", "b1", 2);
		assert_int_equal(st->m.del_many(st->self, NS, 1, (const char *const[]){ "back" }),
				 RRD_OK);
		put(st, "gone", "again", 3);
	} else {
		del(st, "gone");
		put(st, "gone", "again", 3);
	}
	commit(st);
	begin(st);
	for (int ns = NS_FIRST; ns <= NS_LAST; ns++) {
		char want[64];
		int twice = (ns - NS_FIRST) % 2 == 0;
		if (ns == NS)
			snprintf(want, sizeof want, "gone=again@3 %s", twice ? "other=o@7 " : "");
		else
			snprintf(want, sizeof want, "%s", twice ? "other=o@7 " : "");
		size_t n = strlen(want);
		snprintf(want + n, sizeof want - n, twice ? "k=second%d@%d" : "k=first%d@%d", ns,
			 twice ? 100 + ns : ns);
		assert_string_equal(list_ns(st, ns, "", 0), want);
	}
	rollback(st);
	drop(st);
}

/* Every "not found" the contract names. */
static void test_not_found(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	const void *v;
	size_t len;
	assert_int_equal(st->m.get(st->self, NS, "nobody", &v, &len, NULL), RRD_E_NOTFOUND);
	assert_int_equal(st->m.del(st->self, NS, "nobody"), RRD_E_NOTFOUND);
	rrd_time due;
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_E_NOTFOUND);
	assert_null(pop(st, INT64_MAX));
	assert_int_equal(st->m.timer_clear(st->self, "nobody"), RRD_E_NOTFOUND);
	/* Gone in this transaction is gone. */
	put(st, "k", "v", 1);
	timer_set(st, "t", 10, 1);
	commit(st);
	begin(st);
	del(st, "k");
	assert_int_equal(st->m.get(st->self, NS, "k", &v, &len, NULL), RRD_E_NOTFOUND);
	assert_int_equal(st->m.del(st->self, NS, "k"), RRD_E_NOTFOUND);
	assert_int_equal(st->m.timer_clear(st->self, "t"), RRD_OK);
	assert_int_equal(st->m.timer_clear(st->self, "t"), RRD_E_NOTFOUND);
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_E_NOTFOUND);
	assert_null(pop(st, INT64_MAX));
	rollback(st);
	/* Not due yet is not found either. */
	begin(st);
	assert_null(pop(st, 9));
	assert_string_equal(pop(st, 10), "t");
	rollback(st);
	assert_int_equal(st->m.lock_release(st->self, "bulk", "nobody"), RRD_E_NOTFOUND);
	drop(st);
}

/* Writes outside a transaction fail and leave nothing behind; so do
 * commit and rollback, and the store works on afterwards. */
static void test_writes_need_a_transaction(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	put(st, "there", "1", 1);
	timer_set(st, "t", 5, 1);
	commit(st);
	char key[2 * RRD_ID_MAX + 2];
	rrd_time due;
	const char *const keys[] = { "k", "there" };
	const void *const vals[] = { "v", "w" };
	const size_t lens[] = { 1, 1 };
	const int64_t orders[] = { 0, 0 };
	assert_int_not_equal(st->m.put(st->self, NS, "k", "v", 1, 0), RRD_OK);
	assert_int_not_equal(st->m.put(st->self, NS, "there", "v", 1, 0), RRD_OK);
	assert_int_not_equal(st->m.del(st->self, NS, "there"), RRD_OK);
	assert_int_not_equal(st->m.timer_set(st->self, "u", 1, 0), RRD_OK);
	assert_int_not_equal(st->m.timer_clear(st->self, "t"), RRD_OK);
	assert_int_not_equal(st->m.timer_pop(st->self, 100, key, sizeof key, &due), RRD_OK);
	if (st->m.put_many)
		assert_int_not_equal(st->m.put_many(st->self, NS, 2, keys, vals, lens, orders),
				     RRD_OK);
	if (st->m.del_many)
		assert_int_not_equal(st->m.del_many(st->self, NS, 2, keys), RRD_OK);
	assert_int_not_equal(st->m.commit(st->self), RRD_OK);
	/* A rollback with nothing open must do nothing: the library calls
	 * one after a commit that failed. Its status is not checked. */
	(void)st->m.rollback(st->self);
	begin(st);
	assert_string_equal(list(st, "", 0), "there=1@1");
	assert_string_equal(pop_all(st), "t@5");
	rollback(st);
	drop(st);
}

/* A read-only transaction reads what is committed; a store that refuses
 * its writes (the reference store does, so that a library that wrote in
 * one would be caught) leaves nothing of them. */
static void test_read_only_transactions(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	put(st, "a", "1", 1);
	timer_set(st, "t", 5, 1);
	commit(st);
	begin_gen(st, RRD_TXN_READ_ONLY);
	assert_value(st, "a", "1");
	assert_string_equal(list(st, "", 0), "a=1@1");
	rrd_time due = 0;
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_OK);
	assert_int_equal(due, 5);
	if (kind->refuses_read_only_writes) {
		char key[2 * RRD_ID_MAX + 2];
		const char *const keys[] = { "a" };
		const void *const vals[] = { "2" };
		const size_t lens[] = { 1 };
		const int64_t orders[] = { 2 };
		assert_int_not_equal(st->m.put(st->self, NS, "b", "2", 1, 0), RRD_OK);
		assert_int_not_equal(st->m.del(st->self, NS, "a"), RRD_OK);
		assert_int_not_equal(st->m.timer_set(st->self, "u", 5, 1), RRD_OK);
		assert_int_not_equal(st->m.timer_clear(st->self, "t"), RRD_OK);
		assert_int_not_equal(st->m.timer_pop(st->self, 10, key, sizeof key, &due), RRD_OK);
		if (st->m.put_many)
			assert_int_not_equal(
				st->m.put_many(st->self, NS, 1, keys, vals, lens, orders), RRD_OK);
		if (st->m.del_many)
			assert_int_not_equal(st->m.del_many(st->self, NS, 1, keys), RRD_OK);
		assert_value(st, "a", "1");
		assert_value(st, "b", NULL);
	}
	rollback(st);
	begin(st);
	assert_string_equal(list(st, "", 0), "a=1@1");
	assert_string_equal(pop_all(st), "t@5");
	rollback(st);
	drop(st);
}

/* A serial store's generation goes up by one at every commit, one that
 * wrote nothing too, and neither at a rollback nor in a read-only
 * transaction; a concurrent store reports none, ever. */
static void test_generation(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	uint64_t g0 = begin_gen(st, 0);
	put(st, "k", "v", 0);
	commit(st);
	uint64_t g1 = begin_gen(st, 0);
	put(st, "k", "w", 0);
	rollback(st);
	uint64_t g2 = begin_gen(st, RRD_TXN_READ_ONLY);
	rollback(st);
	uint64_t g3 = begin_gen(st, 0);
	commit(st); /* wrote nothing */
	uint64_t g4 = begin_gen(st, 0);
	assert_value(st, "k", "v");
	commit(st); /* only read */
	uint64_t g5 = begin_gen(st, RRD_TXN_READ_ONLY);
	rollback(st);
	uint64_t g6 = begin_gen(st, 0);
	rollback(st);
	if (!kind->serial) {
		const uint64_t all[] = { g0, g1, g2, g3, g4, g5, g6 };
		for (size_t i = 0; i < sizeof all / sizeof *all; i++)
			assert_true(all[i] == RRD_STORE_NO_GENERATION);
	} else {
		assert_true(g0 != RRD_STORE_NO_GENERATION);
		assert_true(g1 == g0 + 1);
		assert_true(g2 == g1);
		assert_true(g3 == g2);
		assert_true(g4 == g3 + 1);
		assert_true(g5 == g4 + 1);
		assert_true(g6 == g5);
	}
	drop(st);
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
	drop(st);
}

static void test_rollback_of_overwrites(void **state)
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
	/* Deleted, revived and deleted again: gone once; and what was
	 * deleted for good can be made again. */
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
	drop(st);
}

/* Every kind of write, in every namespace and through every callback
 * that writes, on top of a committed state. */
static void write_everything(rrd_store *st)
{
	for (int ns = NS_FIRST; ns <= NS_LAST; ns++) {
		put_bytes(st, ns, "new", "fresh", 5, 9);
		put_bytes(st, ns, "same", "5678", 4, 10);
		put_bytes(st, ns, "grow", "a value longer than it was", 26, 11);
		assert_int_equal(st->m.del(st->self, ns, "gone"), RRD_OK);
		put_bytes(st, ns, "revived", "again", 5, 12);
	}
	if (st->m.put_many) {
		const char *const keys[] = { "many1", "same", "many1" };
		const void *const vals[] = { "m", "many", "m2" };
		const size_t lens[] = { 1, 4, 2 };
		const int64_t orders[] = { 20, 21, 22 };
		assert_int_equal(st->m.put_many(st->self, RRD_NS_JOURNAL, 3, keys, vals, lens,
						orders),
				 RRD_OK);
	}
	if (st->m.del_many) {
		const char *const keys[] = { "keep", "missing", "grow" };
		assert_int_equal(st->m.del_many(st->self, RRD_NS_OUTBOX, 3, keys), RRD_OK);
	}
	timer_set(st, "new-timer", 500, 1);
	timer_set(st, "moved", 5, 2);
	assert_int_equal(st->m.timer_clear(st->self, "cleared"), RRD_OK);
	assert_string_equal(pop(st, 1000), "moved");
	assert_string_equal(pop(st, 1000), "popped");
}

static void seed_everything(rrd_store *st)
{
	begin(st);
	for (int ns = NS_FIRST; ns <= NS_LAST; ns++) {
		put_bytes(st, ns, "same", "1234", 4, 1);
		put_bytes(st, ns, "grow", "ab", 2, 2);
		put_bytes(st, ns, "gone", "bye", 3, 3);
		put_bytes(st, ns, "keep", "kept", 4, 4);
		put_bytes(st, ns, "revived", "was", 3, 5);
	}
	assert_int_equal(st->m.del(st->self, RRD_NS_META, "revived"), RRD_OK);
	timer_set(st, "moved", 300, 1);
	timer_set(st, "cleared", 200, 1);
	timer_set(st, "popped", 100, 1);
	timer_set(st, "kept", 400, 1);
	commit(st);
}

static void test_rollback_restores_everything(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	seed_everything(st);
	char *before = everything(st);
	begin(st);
	write_everything(st);
	rollback(st);
	char *after = everything(st);
	assert_string_equal(after, before);
	free(before);
	free(after);
	drop(st);
}

static void test_commit_makes_everything_visible(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	seed_everything(st);
	begin(st);
	write_everything(st);
	/* What the transaction sees of its own writes... */
	char inside[1 << 14];
	size_t n = 0;
	for (int ns = NS_FIRST; ns <= NS_LAST; ns++)
		n += (size_t)snprintf(inside + n, sizeof inside - n, "ns%d: %s\n", ns,
				      list_ns(st, ns, "", 0));
	commit(st);
	/* ... is what everyone sees once it committed. */
	char *after = everything(st);
	assert_memory_equal(after, inside, n);
	assert_string_equal(after + n, "timers: kept@400 new-timer@500\n");
	begin(st);
	assert_string_equal(list_ns(st, RRD_NS_CALENDAR, "", 0),
			    "keep=kept@4 new=fresh@9 same=5678@10 grow=a\\x20value\\x20longer"
			    "\\x20than\\x20it\\x20was@11 revived=again@12");
	if (st->m.put_many)
		assert_string_equal(list_ns(st, RRD_NS_JOURNAL, "", 0),
				    "keep=kept@4 new=fresh@9 grow=a\\x20value\\x20longer\\x20than"
				    "\\x20it\\x20was@11 revived=again@12 same=many@21 many1=m2@22");
	if (st->m.del_many)
		assert_string_equal(list_ns(st, RRD_NS_OUTBOX, "", 0),
				    "new=fresh@9 same=5678@10 revived=again@12");
	rollback(st);
	free(after);
	drop(st);
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
	put(st, two, "a-value-of-another-length", 2);
	assert_value(st, one, "a-value-of-another-length");
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
	drop(st);
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
	drop(st);
}

/* What the library passes in lives only for the call: the store keeps
 * copies of keys and values. */
static void test_inputs_are_copied(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	char *key = strdup("borrowed"), *value = strdup("lent-value");
	assert_non_null(key);
	assert_non_null(value);
	begin(st);
	put_bytes(st, NS, key, value, strlen(value), 1);
	timer_set(st, key, 7, 1);
	memset(key, 'X', strlen(key));
	memset(value, 'Y', strlen(value));
	assert_value(st, "borrowed", "lent-value");
	commit(st);
	free(key);
	free(value);
	begin(st);
	assert_string_equal(list(st, "", 0), "borrowed=lent-value@1");
	assert_string_equal(pop_all(st), "borrowed@7");
	rollback(st);
	drop(st);
}

/* ---- keys and values of every kind ------------------------------------- */

/* Keys a SQL store might mangle: quotes and backslashes (text built into
 * a statement), '%' and '_' (LIKE), '*', '?' and '[' (GLOB), case (a
 * case-blind LIKE), the unit separator and non-ASCII UTF-8 (collation). */
static const char *const odd_keys[] = {
	"plain", "it's", "say \"hi\"", "back\\slash", "\\", "100%", "%", "a_b", "_", "a%b",
	"star*", "what?", "[set]", "\x1f", "pool\x1f" "rr", "pool\x1f" "rr\x1f" "m1",
	"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80", "Ab", "ab", "AB", "a b",
	"a\x1f" "b", "--", "; DROP TABLE x; --", "' OR '1'='1", "$1", "?1", ":name", "NULL",
	"\xc2\xbf" "x", "\xc3\x80", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" "z", "~", "z",
	NULL
};

static size_t nodd(void)
{
	size_t n = 0;
	while (odd_keys[n])
		n++;
	return n;
}

/* A key of exactly RRD_STORE_KEY_MAX bytes: `fill` repeated, then the
 * last byte `last`. */
static char *long_key(char fill, char last)
{
	static char keys[4][RRD_STORE_KEY_MAX + 1];
	static int next;
	char *k = keys[next++ % 4];
	memset(k, fill, RRD_STORE_KEY_MAX);
	k[RRD_STORE_KEY_MAX - 1] = last;
	k[RRD_STORE_KEY_MAX] = '\0';
	return k;
}

/* RRD_STORE_KEY_MAX bytes of two-byte UTF-8 ("é"), the last one a '1'. */
static const char *long_utf8_key(void)
{
	static char k[RRD_STORE_KEY_MAX + 1];
	size_t n = 0;
	while (n + 2 < RRD_STORE_KEY_MAX) {
		k[n++] = (char)0xC3;
		k[n++] = (char)0xA9;
	}
	while (n < RRD_STORE_KEY_MAX)
		k[n++] = '1';
	k[n] = '\0';
	return k;
}

static void test_odd_keys(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	size_t n = nodd();
	begin(st);
	for (size_t i = 0; i < n; i++) {
		char v[24];
		snprintf(v, sizeof v, "v%zu", i);
		put(st, odd_keys[i], v, 0);
	}
	commit(st);
	begin(st);
	for (size_t i = 0; i < n; i++) {
		char v[24];
		snprintf(v, sizeof v, "v%zu", i);
		assert_value(st, odd_keys[i], v);
	}
	int listed = 0;
	assert_int_equal(st->m.scan(st->self, NS, "", count_each, &listed), RRD_OK);
	assert_int_equal(listed, (int)n);
	/* A key one byte short of another, or one that a pattern would
	 * match, is not found. */
	assert_value(st, "a%", NULL);
	assert_value(st, "aXb", NULL);
	assert_value(st, "AB ", NULL);
	assert_value(st, "plai", NULL);
	assert_value(st, "cafe", NULL);
	assert_value(st, "CAF\xc3\xa9", NULL);
	/* Deleting one leaves its lookalikes. */
	del(st, "_");
	del(st, "ab");
	assert_value(st, "a_b", "v7");
	assert_value(st, "Ab", "v19");
	assert_value(st, "AB", "v21");
	commit(st);
	begin(st);
	listed = 0;
	assert_int_equal(st->m.scan(st->self, NS, "", count_each, &listed), RRD_OK);
	assert_int_equal(listed, (int)n - 2);
	rollback(st);
	drop(st);
}

static void test_longest_keys(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	char a[RRD_STORE_KEY_MAX + 1], b[RRD_STORE_KEY_MAX + 1], u[RRD_STORE_KEY_MAX + 1];
	strcpy(a, long_key('k', 'a'));
	strcpy(b, long_key('k', 'b'));
	strcpy(u, long_utf8_key());
	assert_int_equal(strlen(a), RRD_STORE_KEY_MAX);
	assert_int_equal(strlen(u), RRD_STORE_KEY_MAX);
	begin(st);
	put(st, a, "A", 1);
	put(st, b, "B", 2);
	put(st, u, "U", 3);
	timer_set(st, a + RRD_STORE_KEY_MAX - (2 * RRD_ID_MAX + 1), 5, 1);
	commit(st);
	begin(st);
	/* Two keys that differ only in their last byte stay two. */
	assert_value(st, a, "A");
	assert_value(st, b, "B");
	assert_value(st, u, "U");
	char prefix[RRD_STORE_KEY_MAX + 1];
	memcpy(prefix, a, RRD_STORE_KEY_MAX - 1);
	prefix[RRD_STORE_KEY_MAX - 1] = '\0';
	int listed = 0;
	assert_int_equal(st->m.scan(st->self, NS, prefix, count_each, &listed), RRD_OK);
	assert_int_equal(listed, 2);
	listed = 0;
	assert_int_equal(st->m.scan(st->self, NS, a, count_each, &listed), RRD_OK);
	assert_int_equal(listed, 1);
	/* The longest timer key the library makes comes back whole. */
	const char *t = pop(st, 5);
	assert_non_null(t);
	assert_int_equal(strlen(t), 2 * RRD_ID_MAX + 1);
	assert_string_equal(t, a + RRD_STORE_KEY_MAX - (2 * RRD_ID_MAX + 1));
	del(st, a);
	assert_value(st, b, "B");
	commit(st);
	begin(st);
	assert_value(st, a, NULL);
	assert_value(st, b, "B");
	rollback(st);
	drop(st);
}

/* Values: empty, NUL bytes where C strings would end, every byte value,
 * and a large one. */
typedef struct odd_value {
	const char *key;
	unsigned char *bytes;
	size_t len;
} odd_value;

#define NVALUES 6

static void odd_values(odd_value v[NVALUES])
{
	static unsigned char every[256], every_down[512], nuls[] = { 0, 0, 'a', 0, 'b', 0 },
				      big[300000], lone_nul[] = { 0 };
	for (int i = 0; i < 256; i++)
		every[i] = (unsigned char)i;
	for (int i = 0; i < 512; i++)
		every_down[i] = (unsigned char)(255 - i % 256);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i * 7919 % 251);
	v[0] = (odd_value){ "empty", every, 0 };
	v[1] = (odd_value){ "every-byte", every, sizeof every };
	v[2] = (odd_value){ "every-byte-down", every_down, sizeof every_down };
	v[3] = (odd_value){ "nuls", nuls, sizeof nuls };
	v[4] = (odd_value){ "lone-nul", lone_nul, sizeof lone_nul };
	v[5] = (odd_value){ "big", big, sizeof big };
}

typedef struct seen_value {
	const odd_value *want;
	int seen[NVALUES];
} seen_value;

static int check_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	seen_value *s = ctx;
	for (int i = 0; i < NVALUES; i++) {
		if (strcmp(s->want[i].key, key) != 0)
			continue;
		assert_int_equal(len, s->want[i].len);
		if (len)
			assert_memory_equal(value, s->want[i].bytes, len);
		assert_int_equal(order, i);
		s->seen[i]++;
		return 0;
	}
	fail_msg("scan listed a key nobody wrote");
	return 1;
}

static void check_values(rrd_store *st, const odd_value *v)
{
	for (int i = 0; i < NVALUES; i++)
		assert_bytes(st, NS, v[i].key, v[i].bytes, v[i].len, i);
	seen_value s = { v, { 0 } };
	assert_int_equal(st->m.scan(st->self, NS, "", check_each, &s), RRD_OK);
	for (int i = 0; i < NVALUES; i++)
		assert_int_equal(s.seen[i], 1);
	if (st->m.get_many) {
		int ns[NVALUES];
		const char *keys[NVALUES];
		const void *values[NVALUES];
		size_t lens[NVALUES];
		int64_t orders[NVALUES];
		unsigned char found[NVALUES];
		for (int i = 0; i < NVALUES; i++) {
			ns[i] = NS;
			keys[i] = v[i].key;
		}
		assert_int_equal(st->m.get_many(st->self, NVALUES, ns, keys, values, lens, orders,
						found),
				 RRD_OK);
		for (int i = 0; i < NVALUES; i++) {
			assert_int_equal(found[i], 1);
			assert_int_equal(lens[i], v[i].len);
			if (v[i].len)
				assert_memory_equal(values[i], v[i].bytes, v[i].len);
			assert_int_equal(orders[i], i);
		}
	}
}

static void test_values_of_any_bytes(void **state)
{
	(void)state;
	odd_value v[NVALUES];
	odd_values(v);
	rrd_store *st = make_store();
	begin(st);
	for (int i = 0; i < NVALUES; i++)
		put_bytes(st, NS, v[i].key, v[i].bytes, v[i].len, i);
	check_values(st, v);
	commit(st);
	begin(st);
	check_values(st, v);
	/* Through put_many too, over values of other lengths. */
	if (st->m.put_many) {
		const char *keys[NVALUES];
		const void *vals[NVALUES];
		size_t lens[NVALUES];
		int64_t orders[NVALUES];
		for (int i = 0; i < NVALUES; i++) {
			put_bytes(st, NS, v[i].key, "something else", 14, 99);
			keys[i] = v[i].key;
			vals[i] = v[i].bytes;
			lens[i] = v[i].len;
			orders[i] = i;
		}
		assert_int_equal(st->m.put_many(st->self, NS, NVALUES, keys, vals, lens, orders),
				 RRD_OK);
		check_values(st, v);
		commit(st);
		begin(st);
		check_values(st, v);
	}
	rollback(st);
	drop(st);
}

/* ---- scans ------------------------------------------------------------- */

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
	assert_string_equal(list(st, "", 0),
			    "a=z@0 b\\x1F1=y@1 b\\x1F2=x@1 bz=v@1 b\\x1F0=w@2");
	assert_string_equal(list(st, "b\x1f", 0), "b\\x1F1=y@1 b\\x1F2=x@1 b\\x1F0=w@2");
	assert_string_equal(list(st, "", 2), "a=z@0 b\\x1F1=y@1");
	assert_string_equal(list(st, "nothing", 0), "");
	del(st, "a");
	assert_string_equal(list(st, "a", 0), "");
	/* The transaction's own writes, seen by its scans. */
	put(st, "b\x1f" "3", "u", 0);
	assert_string_equal(list(st, "b\x1f", 1), "b\\x1F3=u@0");
	rollback(st);
	drop(st);
}

/* Keys compare as unsigned bytes: control before space before digits
 * before upper case before lower case before any non-ASCII byte, and a
 * key before every key it is a prefix of. */
static void test_keys_compare_bytewise(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	static const char *const in_order[] = {
		"a", "a\x1f", "a\x1f" "b", "a b", "a0", "aB", "a_", "ab", "abc", "a~", "a\xc2\xbf",
		"a\xc3\x80", "a\xc3\xa9", "a\xe6\x97\xa5", "a\xf0\x9f\x98\x80", "a\xf4\x8f\xbf\xbf",
		NULL
	};
	begin(st);
	/* Put in an order unlike the one wanted. */
	for (size_t i = 0; in_order[i]; i += 2)
		put(st, in_order[i], "", 7);
	for (size_t i = 1; in_order[i - 1] && in_order[i]; i += 2)
		put(st, in_order[i], "", 7);
	commit(st);
	begin(st);
	char want[1024] = "";
	size_t n = 0;
	for (size_t i = 0; in_order[i]; i++) {
		char k[64];
		esc(k, sizeof k, in_order[i], strlen(in_order[i]));
		n += (size_t)snprintf(want + n, sizeof want - n, "%s%s=@7", n ? " " : "", k);
	}
	assert_string_equal(list(st, "", 0), want);
	assert_string_equal(list(st, "a", 0), want);
	rollback(st);
	drop(st);
}

/* The keys of the prefix checks: the odd keys, and keys on both sides of
 * where a store that matches a prefix with a range (key >= prefix and
 * key < the prefix with its last byte one up) would cut. */
static const char *const scan_keys[] = {
	"a", "a%", "a%b", "a%%", "ab", "aXb", "a_", "a_b", "aab", "A_b", "a\\", "a\\b", "a\\%",
	"a\x1f", "a\x1f" "b", "a\x1f\x1f", "a ", "a b", "a!", "b", "`", "a'", "a''", "a\"",
	"pool\x1f" "rr", "pool\x1f" "rr\x1f" "m", "pool\x1f" "rrx", "pool\x20" "rr", "pool",
	"poom", "poo\xc3\xa9",
	"\xc2\xbf", "\xc2\xbf" "a", "\xc2\xbf\xc2\xbf", "\xc3\x80", "\xc3\x80" "a",
	"\xc3\xa9", "\xc3\xa9t\xc3\xa9", "\xc3\xa9" "a", "\xc3\xaa", "\xc3\xa8z",
	"\xe6\x97\xa5", "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa6", "\xe6\x97\xa4",
	"\xef\xbf\xbf", "\xef\xbf\xbf" "a", "\xf0\x90\x80\x80",
	"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" "a", "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf",
	"~", "~~", "~a", NULL
};

/* Prefixes with LIKE and GLOB characters, the unit separator, and last
 * bytes whose successor is a byte a key may hold next (0x1F, '~', the
 * largest continuation byte 0xBF, the largest code point): keys and
 * prefixes are whole UTF-8, as the library's are. */
static const char *const scan_prefixes[] = {
	"", "a", "a%", "a_", "a\\", "a\x1f", "a ", "A", "a'", "a\"", "pool\x1f", "pool\x1f" "rr",
	"pool\x1f" "rr\x1f", "pool", "poo", "\xc2\xbf", "\xc3\xa9", "\xe6\x97\xa5", "\xef\xbf\xbf",
	"\xf4\x8f\xbf\xbf", "~", "`",
	"b", "zzz", NULL
};

typedef struct keyset {
	const char *keys[128];
	int n;
} keyset;

static int collect_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	(void)value;
	(void)len;
	(void)order;
	keyset *s = ctx;
	assert_true(s->n < 128);
	/* The store's string lives until the next call: keep our own. */
	for (int i = 0; scan_keys[i]; i++)
		if (strcmp(scan_keys[i], key) == 0) {
			s->keys[s->n++] = scan_keys[i];
			return 0;
		}
	fail_msg("scan listed a key nobody wrote");
	return 1;
}

static int64_t scan_order(size_t i)
{
	return (int64_t)(i * 7 % 5); /* orders that tie, so keys decide */
}

static int by_order_then_key(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t i = 0, j = 0;
	while (scan_keys[i] != x)
		i++;
	while (scan_keys[j] != y)
		j++;
	int64_t ox = scan_order(i), oy = scan_order(j);
	if (ox != oy)
		return ox < oy ? -1 : 1;
	return strcmp(x, y); /* unsigned bytes, as memcmp */
}

static void test_prefix_scans_are_exact(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	for (size_t i = 0; scan_keys[i]; i++)
		put(st, scan_keys[i], "v", scan_order(i));
	commit(st);
	for (int pass = 0; pass < 2; pass++) {
		/* Committed, then with a key of each prefix written and
		 * deleted in the transaction itself. */
		begin(st);
		if (pass)
			for (size_t i = 0; scan_keys[i]; i += 3)
				del(st, scan_keys[i]);
		for (size_t p = 0; scan_prefixes[p]; p++) {
			const char *prefix = scan_prefixes[p];
			keyset want = { .n = 0 }, got = { .n = 0 };
			for (size_t i = 0; scan_keys[i]; i++)
				if (strncmp(scan_keys[i], prefix, strlen(prefix)) == 0 &&
				    !(pass && i % 3 == 0))
					want.keys[want.n++] = scan_keys[i];
			qsort(want.keys, (size_t)want.n, sizeof *want.keys, by_order_then_key);
			assert_int_equal(st->m.scan(st->self, NS, prefix, collect_each, &got), RRD_OK);
			/* Compare as lists of escaped keys. */
			char w[4096] = "", g[4096] = "";
			size_t wn = 0, gn = 0;
			for (int i = 0; i < want.n; i++) {
				wn += esc(w + wn, sizeof w - wn, want.keys[i], strlen(want.keys[i]));
				w[wn++] = '|';
				w[wn] = '\0';
			}
			for (int i = 0; i < got.n; i++) {
				gn += esc(g + gn, sizeof g - gn, got.keys[i], strlen(got.keys[i]));
				g[gn++] = '|';
				g[gn] = '\0';
			}
			char pe[64];
			esc(pe, sizeof pe, prefix, strlen(prefix));
			if (strcmp(w, g) != 0)
				fail_msg("prefix \"%s\" (pass %d): want %s, got %s", pe, pass, w, g);
		}
		rollback(st);
	}
	drop(st);
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
	drop(st);
}

/* ---- timers ------------------------------------------------------------ */

static void test_timers_by_due_then_seq(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	timer_set(st, "late", 300, 1);
	timer_set(st, "tie-b", 200, 8);
	timer_set(st, "tie-a", 200, 7);
	timer_set(st, "tie-neg", 200, -5);
	timer_set(st, "moved", 50, 1);
	timer_set(st, "moved", 250, 1);
	timer_set(st, "early", -1000, 1);
	timer_set(st, "cleared", 10, 1);
	assert_int_equal(st->m.timer_clear(st->self, "cleared"), RRD_OK);
	assert_int_equal(st->m.timer_clear(st->self, "cleared"), RRD_E_NOTFOUND);
	rrd_time due;
	/* The transaction sees its own timers. */
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_OK);
	assert_int_equal(due, -1000);
	commit(st);
	begin(st);
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_OK);
	assert_int_equal(due, -1000);
	assert_string_equal(pop(st, -1000), "early"); /* due at now is due */
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_OK);
	assert_int_equal(due, 200);
	assert_null(pop(st, 199));
	assert_string_equal(pop(st, 1000), "tie-neg");
	assert_string_equal(pop(st, 1000), "tie-a");
	assert_string_equal(pop(st, 1000), "tie-b");
	assert_string_equal(pop(st, 1000), "moved");
	assert_string_equal(pop(st, 1000), "late");
	assert_null(pop(st, 1000));
	commit(st);
	begin(st);
	assert_int_equal(st->m.timer_next(st->self, &due), RRD_E_NOTFOUND);
	rollback(st);
	drop(st);
}

/* What a transaction did to timers, popping included, is undone by its
 * rollback. */
static void test_timers_roll_back(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	begin(st);
	timer_set(st, "a", 100, 1);
	timer_set(st, "b", 200, 1);
	timer_set(st, "c", 300, 1);
	commit(st);
	begin(st);
	assert_string_equal(pop(st, 150), "a");
	timer_set(st, "a", 5, 1); /* popped, then set again */
	timer_set(st, "b", 10, 1);
	timer_set(st, "d", 5, 1);
	assert_int_equal(st->m.timer_clear(st->self, "d"), RRD_OK);
	assert_int_equal(st->m.timer_clear(st->self, "c"), RRD_OK);
	assert_string_equal(pop(st, 1000), "a");
	assert_string_equal(pop(st, 1000), "b");
	rollback(st);
	begin(st);
	assert_string_equal(pop_all(st), "a@100 b@200 c@300");
	rollback(st);
	/* And the same popped and committed is gone. */
	begin(st);
	assert_string_equal(pop(st, 150), "a");
	commit(st);
	begin(st);
	assert_string_equal(pop_all(st), "b@200 c@300");
	rollback(st);
	drop(st);
}

static void test_timer_keys(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	size_t n = nodd();
	begin(st);
	for (size_t i = 0; i < n; i++)
		timer_set(st, odd_keys[i], (rrd_time)(i % 4), (int64_t)i);
	commit(st);
	begin(st);
	for (size_t round = 0; round < 4; round++)
		for (size_t i = round; i < n; i += 4) {
			const char *k = pop(st, 10);
			assert_non_null(k);
			assert_string_equal(k, odd_keys[i]);
		}
	assert_null(pop(st, 10));
	rollback(st);
	drop(st);
}

/* ---- locks ------------------------------------------------------------- */

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
	assert_int_equal(st->m.lock_release(st->self, "bulk", "p2"), RRD_E_NOTFOUND);
	assert_int_equal(st->m.lock_acquire(st->self, "bulk", "p1", 210, 300), RRD_OK);
	drop(st);
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
	drop(st);
}

/* Owners and names are compared byte for byte, odd bytes included; a
 * lock taken or released stays so whatever transactions do after. */
static void test_lock_names_and_owners(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	static const char *const owners[] = { "rrdist:host:1:00ff:1", "rrdist:host:1:00ff:1%",
					      "rrdist:host:1:00FF:1", "it's", "a_b", "a%b",
					      "caf\xc3\xa9", NULL };
	for (size_t i = 0; owners[i]; i++) {
		assert_int_equal(st->m.lock_acquire(st->self, owners[i], owners[i], 0, 100), RRD_OK);
		for (size_t j = 0; owners[j]; j++)
			if (j != i)
				assert_int_equal(st->m.lock_acquire(st->self, owners[i], owners[j],
								    10, 100),
						 RRD_E_BUSY);
	}
	begin(st);
	put(st, "k", "v", 0);
	rollback(st);
	for (size_t i = 0; owners[i]; i++) {
		assert_int_equal(st->m.lock_acquire(st->self, owners[i], "someone", 50, 100),
				 RRD_E_BUSY);
		assert_int_equal(st->m.lock_release(st->self, owners[i], "someone"), RRD_E_NOTFOUND);
		assert_int_equal(st->m.lock_release(st->self, owners[i], owners[i]), RRD_OK);
	}
	begin(st);
	rollback(st);
	for (size_t i = 0; owners[i]; i++)
		assert_int_equal(st->m.lock_acquire(st->self, owners[i], "someone", 50, 100), RRD_OK);
	drop(st);
}

/* ---- the calls on many keys ------------------------------------------- */

/* get_many answers what gets would, over several namespaces, with keys
 * found and not found and one key asked twice. */
static void test_get_many(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	if (lacks(st, st->m.get_many != NULL))
		return;
	begin(st);
	put(st, "a", "1", 5);
	put(st, "b", "22", 6);
	put_bytes(st, RRD_NS_META, "a", "meta", 4, 0);
	put(st, "it's 100%_", "", -3);
	commit(st);
	begin(st);
	const int ns[] = { NS, RRD_NS_META, NS, NS, RRD_NS_AGENT, NS, NS };
	const char *const keys[] = { "a", "a", "zz", "b", "a", "a", "it's 100%_" };
	const void *values[7];
	size_t lens[7];
	int64_t orders[7];
	unsigned char found[7];
	assert_int_equal(st->m.get_many(st->self, 7, ns, keys, values, lens, orders, found), RRD_OK);
	static const unsigned char want_found[] = { 1, 1, 0, 1, 0, 1, 1 };
	static const char *const want[] = { "1", "meta", NULL, "22", NULL, "1", "" };
	static const int64_t want_order[] = { 5, 0, 0, 6, 0, 5, -3 };
	for (int i = 0; i < 7; i++) {
		assert_int_equal(found[i], want_found[i]);
		if (!found[i])
			continue;
		assert_int_equal(lens[i], strlen(want[i]));
		assert_memory_equal(values[i], want[i], lens[i]);
		assert_int_equal(orders[i], want_order[i]);
	}
	/* Without orders, and seeing the transaction's own writes. */
	del(st, "a");
	put(st, "zz", "3", 7);
	assert_int_equal(st->m.get_many(st->self, 3, ns, keys, values, lens, NULL, found), RRD_OK);
	assert_int_equal(found[0], 0);
	assert_int_equal(found[1], 1);
	assert_int_equal(found[2], 1);
	assert_int_equal(lens[2], 1);
	assert_memory_equal(values[2], "3", 1);
	/* None at all. */
	assert_int_equal(st->m.get_many(st->self, 0, ns, keys, values, lens, orders, found), RRD_OK);
	rollback(st);
	drop(st);
}

/* del_many deletes what is there, skips what is not (a key given twice
 * included), and rolls back. */
static void test_del_many(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	if (lacks(st, st->m.del_many != NULL))
		return;
	begin(st);
	put(st, "a", "1", 1);
	put(st, "b", "2", 2);
	put(st, "c", "3", 3);
	put(st, "a_", "4", 4);
	commit(st);
	const char *const keys[] = { "a", "missing", "c", "a", "a%" };
	begin(st);
	assert_int_equal(st->m.del_many(st->self, NS, 5, keys), RRD_OK);
	assert_string_equal(list(st, "", 0), "b=2@2 a_=4@4");
	rollback(st);
	begin(st);
	assert_string_equal(list(st, "", 0), "a=1@1 b=2@2 c=3@3 a_=4@4");
	assert_int_equal(st->m.del_many(st->self, NS, 0, keys), RRD_OK);
	assert_int_equal(st->m.del_many(st->self, RRD_NS_AGENT, 5, keys), RRD_OK);
	assert_int_equal(st->m.del_many(st->self, NS, 5, keys), RRD_OK);
	commit(st);
	begin(st);
	assert_string_equal(list(st, "", 0), "b=2@2 a_=4@4");
	rollback(st);
	drop(st);
}

/* put_many writes as that many puts in order would: a key given twice
 * keeps its last value; none at all writes nothing. */
static void test_put_many(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	if (lacks(st, st->m.put_many != NULL))
		return;
	begin(st);
	put(st, "old", "was", 1);
	commit(st);
	const char *const keys[] = { "new", "old", "new", "a_b", "a%b" };
	const void *const vals[] = { "first", "now", "last", "", "\0\0" };
	const size_t lens[] = { 5, 3, 4, 0, 2 };
	const int64_t orders[] = { 10, 11, 12, 13, 14 };
	begin(st);
	assert_int_equal(st->m.put_many(st->self, NS, 0, keys, vals, lens, orders), RRD_OK);
	assert_string_equal(list(st, "", 0), "old=was@1");
	assert_int_equal(st->m.put_many(st->self, NS, 5, keys, vals, lens, orders), RRD_OK);
	const char *want = "old=now@11 new=last@12 a_b=@13 a%b=\\x00\\x00@14";
	assert_string_equal(list(st, "", 0), want);
	rollback(st);
	begin(st);
	assert_string_equal(list(st, "", 0), "old=was@1");
	assert_int_equal(st->m.put_many(st->self, NS, 5, keys, vals, lens, orders), RRD_OK);
	commit(st);
	begin(st);
	assert_string_equal(list(st, "", 0), want);
	rollback(st);
	drop(st);
}

/* Many more than a handful in one put_many, a key given again far
 * apart: SQL stores write them several rows a statement, in order. */
static void test_put_many_long(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	if (lacks(st, st->m.put_many != NULL))
		return;
	enum { N = 41 };
	char names[N][8];
	const char *keys[N];
	const void *vals[N];
	size_t lens[N];
	int64_t orders[N];
	for (int i = 0; i < N; i++) {
		/* k0 at 0, 15, 16 and 40; k1 at 1 and 17; the rest once. */
		int k = i == 15 || i == 16 || i == 40 ? 0 : i == 17 ? 1 : i;
		snprintf(names[i], sizeof names[i], "k%02d", k);
		keys[i] = names[i];
		vals[i] = names[i] + 1 + (i % 2); /* "02" or "2": lengths differ */
		lens[i] = strlen(vals[i]);
		orders[i] = i;
	}
	begin(st);
	assert_int_equal(st->m.put_many(st->self, NS, N, keys, vals, lens, orders), RRD_OK);
	commit(st);
	begin(st);
	const void *v;
	size_t len;
	int64_t order;
	assert_int_equal(st->m.get(st->self, NS, "k00", &v, &len, &order), RRD_OK);
	assert_int_equal(order, 40);
	assert_int_equal(len, 2);
	assert_memory_equal(v, "00", 2);
	assert_int_equal(st->m.get(st->self, NS, "k01", &v, &len, &order), RRD_OK);
	assert_int_equal(order, 17);
	assert_int_equal(len, 1);
	assert_memory_equal(v, "1", 1);
	assert_int_equal(st->m.get(st->self, NS, "k39", &v, &len, &order), RRD_OK);
	assert_int_equal(order, 39);
	assert_memory_equal(v, "9", 1);
	/* 41 entries given, 37 keys. */
	int n = 0;
	assert_int_equal(st->m.scan(st->self, NS, "", count_each, &n), RRD_OK);
	assert_int_equal(n, N - 4);
	rollback(st);
	drop(st);
}

/* has_many of many keys, some given twice, some there only in the
 * transaction, some deleted in it: SQL stores look for several a
 * statement. */
static void test_has_many_long(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	if (lacks(st, st->m.has_many != NULL))
		return;
	enum { N = 37 };
	begin(st);
	for (int k = 0; k < N; k += 3) {
		char key[8];
		snprintf(key, sizeof key, "h%02d", k);
		put(st, key, "x", k);
	}
	commit(st);
	begin(st);
	put(st, "h01", "new", 1);
	del(st, "h03");
	char names[N][8];
	const char *keys[N];
	unsigned char present[N], want[N];
	for (int i = 0; i < N; i++) {
		/* h00 again at 16 and 32: far apart, in other statements. */
		int k = i == 16 || i == 32 ? 0 : i;
		snprintf(names[i], sizeof names[i], "h%02d", k);
		keys[i] = names[i];
		want[i] = (k % 3 == 0 && k != 3) || k == 1;
	}
	memset(present, 7, sizeof present);
	assert_int_equal(st->m.has_many(st->self, NS, N, keys, present), RRD_OK);
	assert_memory_equal(present, want, sizeof want);
	rollback(st);
	drop(st);
}

/* has_many answers as get would, the transaction's own writes included. */
static void test_has_many(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	if (lacks(st, st->m.has_many != NULL))
		return;
	begin(st);
	put(st, "a", "1", 1);
	put(st, "b", "2", 2);
	commit(st);
	const char *const keys[] = { "a", "b", "c", "a", "A", "a%" };
	unsigned char present[6];
	begin(st);
	del(st, "b");
	put(st, "c", "3", 3);
	memset(present, 7, sizeof present);
	assert_int_equal(st->m.has_many(st->self, NS, 6, keys, present), RRD_OK);
	static const unsigned char want[] = { 1, 0, 1, 1, 0, 0 };
	assert_memory_equal(present, want, sizeof want);
	memset(present, 7, sizeof present);
	assert_int_equal(st->m.has_many(st->self, RRD_NS_AGENT, 6, keys, present), RRD_OK);
	static const unsigned char none[6] = { 0 };
	assert_memory_equal(present, none, sizeof none);
	assert_int_equal(st->m.has_many(st->self, NS, 0, keys, present), RRD_OK);
	rollback(st);
	drop(st);
}

/* add_many of keys[0..n) into `ns`, each with the value `value` and its
 * index as order; then, if the call said RRD_OK, the commit. The status
 * of whichever failed: a networked store may report a key taken only
 * when the adds go out, at the commit. */
#define ADD_MAX 40
static int add_then_commit(rrd_store *st, int ns, size_t n, const char *const *keys,
			   const char *value)
{
	const void *vals[ADD_MAX];
	size_t lens[ADD_MAX];
	int64_t orders[ADD_MAX];
	assert_true(n <= ADD_MAX);
	for (size_t i = 0; i < n; i++) {
		vals[i] = value;
		lens[i] = strlen(value);
		orders[i] = (int64_t)i;
	}
	int rc = st->m.add_many(st->self, ns, n, keys, vals, lens, orders);
	return rc ? rc : st->m.commit(st->self);
}

/* Keys "<letter>00".."<letter>NN", n of them, in names (room for ADD_MAX). */
static void add_keys(char names[][8], const char **keys, char letter, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], 8, "%c%02zu", letter, i);
		keys[i] = names[i];
	}
}

/* A key of NS as text, read in a transaction of its own; NULL: absent. */
static const char *get_alone(rrd_store *st, int ns, const char *key, int64_t *order)
{
	begin(st);
	const char *v = get_ns(st, ns, key, order);
	rollback(st);
	return v;
}

/* add_many puts keys that must be new, as put_many would, more than one
 * SQL statement's worth at a time. A key there already, or given twice,
 * makes it (or the commit after it) fail with RRD_E_EXISTS, and the
 * rollback after that leaves the store as it was. A key deleted in the
 * transaction is free again; a key of another namespace is no bar. */
static void test_add_many(void **state)
{
	(void)state;
	rrd_store *st = make_store();
	if (lacks(st, st->m.add_many != NULL))
		return;
	enum { N = 37 };
	char names[ADD_MAX][8];
	const char *keys[ADD_MAX];
	add_keys(names, keys, 'a', N);
	begin(st);
	assert_int_equal(add_then_commit(st, NS, N, keys, "first"), RRD_OK);
	int64_t order;
	assert_string_equal(get_alone(st, NS, "a00", &order), "first");
	assert_int_equal(order, 0);
	assert_string_equal(get_alone(st, NS, "a36", &order), "first");
	assert_int_equal(order, 36);
	begin(st);
	int n = 0;
	assert_int_equal(st->m.scan(st->self, NS, "", count_each, &n), RRD_OK);
	assert_int_equal(n, N);
	rollback(st);

	/* A taken key last, after a full statement's worth of new ones. */
	add_keys(names, keys, 'b', 20);
	keys[19] = "a07";
	begin(st);
	assert_int_equal(add_then_commit(st, NS, 20, keys, "second"), RRD_E_EXISTS);
	(void)st->m.rollback(st->self);
	assert_null(get_alone(st, NS, "b00", NULL));
	assert_null(get_alone(st, NS, "b18", NULL));
	assert_string_equal(get_alone(st, NS, "a07", NULL), "first");

	/* A key given twice. */
	add_keys(names, keys, 'c', 18);
	keys[17] = "c03";
	begin(st);
	assert_int_equal(add_then_commit(st, NS, 18, keys, "third"), RRD_E_EXISTS);
	(void)st->m.rollback(st->self);
	assert_null(get_alone(st, NS, "c03", NULL));
	assert_null(get_alone(st, NS, "c00", NULL));

	/* Deleted in the transaction: free. Another namespace: free. None:
	 * nothing to do. */
	const char *again[] = { "a01", "a02" };
	begin(st);
	del(st, "a01");
	assert_int_equal(st->m.del_many(st->self, NS, 1, again + 1), RRD_OK);
	assert_int_equal(add_then_commit(st, NS, 2, again, "again"), RRD_OK);
	assert_string_equal(get_alone(st, NS, "a01", NULL), "again");
	assert_string_equal(get_alone(st, NS, "a02", NULL), "again");
	begin(st);
	assert_int_equal(add_then_commit(st, RRD_NS_AGENT, 2, again, "agent"), RRD_OK);
	assert_string_equal(get_alone(st, RRD_NS_AGENT, "a01", NULL), "agent");
	assert_string_equal(get_alone(st, NS, "a01", NULL), "again");
	begin(st);
	assert_int_equal(add_then_commit(st, NS, 0, again, "none"), RRD_OK);
	drop(st);
}

/* ---- against a model --------------------------------------------------- */

#define KEYS 300

typedef struct model_entry {
	int present;
	unsigned char value[1300];
	size_t len;
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

/* Key k of the model: plain for most, odd bytes in the rest. */
static const char *model_key(int k)
{
	static char names[KEYS][24];
	static int made;
	if (!made) {
		static const char *const odd[] = { "'", "\\", "%", "_", "\x1f", "\xc3\xa9", " ",
						   "\"", "*" };
		for (int i = 0; i < KEYS; i++)
			snprintf(names[i], sizeof names[i], "key%s%d", i % 3 ? "" : odd[i / 3 % 9],
				 i);
		made = 1;
	}
	return names[k];
}

/* Prefixes of the model's keys, odd ones included. */
static const char *const model_prefixes[] = { "", "key", "key1", "key%", "key_", "key\\",
					      "key'", "key\x1f", "key\xc3\xa9",
					      "key2", "nokey", NULL };

typedef struct model_scan {
	const model_entry *m;
	int last;      /* model index of the entry before; -1: none */
	int n;
	int stopped;
} model_scan;

static int model_index(const char *key)
{
	for (int k = 0; k < KEYS; k++)
		if (strcmp(model_key(k), key) == 0)
			return k;
	return -1;
}

static int model_less(const model_entry *m, int a, int b)
{
	if (m[a].order != m[b].order)
		return m[a].order < m[b].order;
	return strcmp(model_key(a), model_key(b)) < 0;
}

static int model_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	model_scan *s = ctx;
	int k = model_index(key);
	assert_true(k >= 0);
	assert_true(s->m[k].present);
	assert_int_equal(len, s->m[k].len);
	if (len)
		assert_memory_equal(value, s->m[k].value, len);
	assert_int_equal(order, s->m[k].order);
	if (s->last >= 0)
		assert_true(model_less(s->m, s->last, k));
	s->last = k;
	s->n++;
	return 0;
}

static void model_check(rrd_store *st, const model_entry *m)
{
	/* Each prefix lists exactly the present keys that have it, in
	 * order (each at most once, so none is held twice). */
	for (size_t p = 0; model_prefixes[p]; p++) {
		model_scan s = { m, -1, 0, 0 };
		assert_int_equal(st->m.scan(st->self, NS, model_prefixes[p], model_each, &s),
				 RRD_OK);
		int want = 0;
		size_t plen = strlen(model_prefixes[p]);
		for (int k = 0; k < KEYS; k++)
			want += m[k].present && strncmp(model_key(k), model_prefixes[p], plen) == 0;
		assert_int_equal(s.n, want);
	}
	const char *keys[KEYS];
	int nss[KEYS];
	for (int k = 0; k < KEYS; k++) {
		keys[k] = model_key(k);
		nss[k] = NS;
	}
	/* has_many and get_many, where the store has them, agree with the
	 * model on every key. */
	if (st->m.has_many) {
		unsigned char has[KEYS];
		memset(has, 2, sizeof has);
		assert_int_equal(st->m.has_many(st->self, NS, KEYS, keys, has), RRD_OK);
		for (int k = 0; k < KEYS; k++)
			assert_int_equal(has[k], m[k].present);
	}
	if (st->m.get_many) {
		static const void *values[KEYS];
		static size_t lens[KEYS];
		static int64_t orders[KEYS];
		static unsigned char found[KEYS];
		assert_int_equal(st->m.get_many(st->self, KEYS, nss, keys, values, lens, orders,
						found),
				 RRD_OK);
		for (int k = 0; k < KEYS; k++) {
			assert_int_equal(found[k], m[k].present);
			if (!found[k])
				continue;
			assert_int_equal(lens[k], m[k].len);
			if (lens[k])
				assert_memory_equal(values[k], m[k].value, lens[k]);
			assert_int_equal(orders[k], m[k].order);
		}
	}
	for (int k = 0; k < KEYS; k++) {
		const void *v;
		size_t len;
		int64_t order = -1;
		int rc = st->m.get(st->self, NS, model_key(k), &v, &len, &order);
		if (!m[k].present) {
			assert_int_equal(rc, RRD_E_NOTFOUND);
			continue;
		}
		assert_int_equal(rc, RRD_OK);
		assert_int_equal(len, m[k].len);
		if (len)
			assert_memory_equal(v, m[k].value, len);
		assert_int_equal(order, m[k].order);
	}
}

static void random_value(model_entry *e)
{
	/* Mostly small values, some past any size a backend might keep
	 * apart; any byte, NUL included. */
	e->len = (size_t)(rng() % 8 ? rng() % 70 : 400 + rng() % 900);
	for (size_t j = 0; j < e->len; j++)
		e->value[j] = (unsigned char)(rng() % 4 ? 'a' + rng() % 26 : rng() % 256);
	e->order = (int64_t)(rng() % 1000) - 100;
	e->present = 1;
}

/* put_many of up to 20 keys (some new, some there, some twice: the
 * later value wins, as with puts in order). */
static void put_many_random(rrd_store *st, model_entry *live)
{
	enum { MAX = 20 };
	static model_entry values[MAX];
	const char *keys[MAX];
	const void *vals[MAX];
	size_t lens[MAX];
	int64_t orders[MAX];
	size_t n = 1 + (size_t)(rng() % MAX);
	for (size_t i = 0; i < n; i++) {
		int k = (int)(rng() % KEYS);
		random_value(&values[i]);
		keys[i] = model_key(k);
		vals[i] = values[i].value;
		lens[i] = values[i].len;
		orders[i] = values[i].order;
		live[k] = values[i];
	}
	assert_int_equal(st->m.put_many(st->self, NS, n, keys, vals, lens, orders), RRD_OK);
}

/* del_many of up to 20 keys, present or not. */
static void del_many_random(rrd_store *st, model_entry *live)
{
	enum { MAX = 20 };
	const char *keys[MAX];
	size_t n = 1 + (size_t)(rng() % MAX);
	for (size_t i = 0; i < n; i++) {
		int k = (int)(rng() % KEYS);
		keys[i] = model_key(k);
		live[k].present = 0;
	}
	assert_int_equal(st->m.del_many(st->self, NS, n, keys), RRD_OK);
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
	for (int txn = 0; txn < 300; txn++) {
		memcpy(live, committed, sizeof live);
		begin(st);
		int ops = 1 + (int)(rng() % 40);
		for (int i = 0; i < ops; i++) {
			int k = (int)(rng() % KEYS);
			if (rng() % 3 == 0) {
				int rc = st->m.del(st->self, NS, model_key(k));
				assert_int_equal(rc, live[k].present ? RRD_OK : RRD_E_NOTFOUND);
				live[k].present = 0;
			} else {
				/* Often asked first, as a new record's id is. */
				if (rng() % 2) {
					const void *v;
					size_t len;
					int rc = st->m.get(st->self, NS, model_key(k), &v, &len, NULL);
					assert_int_equal(rc, live[k].present ? RRD_OK : RRD_E_NOTFOUND);
				}
				random_value(&live[k]);
				put_bytes(st, NS, model_key(k), live[k].value, live[k].len,
					  live[k].order);
			}
			if (st->m.put_many && rng() % 8 == 0)
				put_many_random(st, live);
			if (st->m.del_many && rng() % 16 == 0)
				del_many_random(st, live);
		}
		if (rng() % 4 == 0)
			model_check(st, live);
		if (rng() % 4 == 0) {
			rollback(st);
		} else {
			commit(st);
			memcpy(committed, live, sizeof committed);
		}
		if (rng() % 3 == 0) {
			begin_gen(st, RRD_TXN_READ_ONLY);
			model_check(st, committed);
			rollback(st);
		}
	}
	begin(st);
	model_check(st, committed);
	rollback(st);
	drop(st);
}

int main(int argc, char **argv)
{
	kind = test_store_kind_named(argc > 1 ? argv[1] : NULL);
#define CASE(f) cmocka_unit_test_teardown(f, close_left_open)
	const struct CMUnitTest tests[] = {
		CASE(test_put_get_overwrite),
		CASE(test_orders_are_64_bit),
		CASE(test_namespaces_apart),
		CASE(test_writes_without_reads),
		CASE(test_not_found),
		CASE(test_writes_need_a_transaction),
		CASE(test_read_only_transactions),
		CASE(test_generation),
		CASE(test_rollback_of_overwrites),
		CASE(test_rollback_of_delete_then_put),
		CASE(test_commit_of_delete_then_put),
		CASE(test_rollback_restores_everything),
		CASE(test_commit_makes_everything_visible),
		CASE(test_same_key_through_two_strings),
		CASE(test_found_absent_then_put),
		CASE(test_inputs_are_copied),
		CASE(test_odd_keys),
		CASE(test_longest_keys),
		CASE(test_values_of_any_bytes),
		CASE(test_scan_order_prefix_and_stop),
		CASE(test_scan_order_of_many),
		CASE(test_keys_compare_bytewise),
		CASE(test_prefix_scans_are_exact),
		CASE(test_timers_by_due_then_seq),
		CASE(test_timers_roll_back),
		CASE(test_timer_keys),
		CASE(test_locks),
		CASE(test_lock_lease_ends_at_expires),
		CASE(test_lock_names_and_owners),
		CASE(test_get_many),
		CASE(test_del_many),
		CASE(test_put_many),
		CASE(test_put_many_long),
		CASE(test_has_many_long),
		CASE(test_has_many),
		CASE(test_add_many),
		CASE(test_random_against_model),
	};
	char name[64];
	snprintf(name, sizeof name, "conformance(%s)", kind->name);
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}
