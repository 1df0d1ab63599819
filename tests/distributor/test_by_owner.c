/*
 * The index of records by owner, on the store named by the one argument
 * (tests/support/stores.h) behind a table of this version (the memory
 * store's own handle keeps none: its scans read everything anyway):
 *
 * - after each public operation (ops.h), run one after another on one
 *   distributor, its entries say exactly what the records say;
 * - a redistribution of one agent's records, or of an owner's, reads the
 *   index and no record it does not take, and does exactly what the scan
 *   of every record does on a store whose table predates the index: the
 *   same records, in the same (creation) order, to the same agents;
 * - a store written without it (an earlier table, entries left over) is
 *   given a complete one when a distributor starts on it, once;
 * - the longest ids fit in its keys, and an owner no agent id could be
 *   has no entry.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/by_owner_check.h"
#include "../support/stores.h"
#include "../support/faulty_store.h"
#include "model/record.h"
#include "ops.h"
#include "store/store.h"

static const test_store_kind *kind;

/* ops.c asks for these: nothing is failed here, and a problem is one. */
void ops_arm(void)
{
}

void ops_disarm(void)
{
}

void ops_report(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fail();
}

/* A store of the kind, seen through a table of `version`: this one's,
 * where the library keeps the index, or 2, as a host's store written
 * before it, where it keeps none. */
typedef struct table {
	test_store ts;
	rrd_store *store;
} table;

static table table_open(unsigned int version)
{
	table t = { test_store_open(kind), NULL };
	rrd_store_methods m = t.ts.store->m;
	m.version = version;
	m.close = NULL; /* the store behind closes */
	assert_int_equal(rrd_store_new(&t.store, &m, t.ts.store->self), RRD_OK);
	return t;
}

static void table_close(table *t)
{
	rrd_store_free(t->store);
	test_store_close(&t->ts);
}

/* Each public operation on the distributor ops.h prepares. */
static void test_every_operation_keeps_it(void **state)
{
	(void)state;
	for (size_t i = 0; i < ops_count; i++) {
		table t = table_open(RRD_STORE_METHODS_VERSION);
		fixture *f = ops_prepare(t.store);
		by_owner_agrees(t.store, "prepared");
		char out[4096];
		ops_reset();
		(void)ops[i].run(f, out, sizeof out);
		char when[128];
		snprintf(when, sizeof when, "after %s", ops[i].name);
		by_owner_agrees(t.store, when);
		fix_free(f);
		table_close(&t);
	}
}

/* ---- the selection ---------------------------------------------------- */

static rrd_record *lead(const char *id, const char *source)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	if (source)
		assert_int_equal(rrd_record_set_source(r, source), RRD_OK);
	return r;
}

static void submit(fixture *f, const char *id, const char *pool, const char *source)
{
	rrd_record *r = lead(id, source);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = pool;
	if (rrd_distributor_submit(f->dist, r, &o) != RRD_OK)
		fail_msg("submit %s: %s", id, rrd_error_last());
	rrd_record_free(r);
}

static void import(fixture *f, const char *id, rrd_kind k, rrd_record_status status,
		   const char *owner)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, k), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, status), RRD_OK);
	if (owner)
		assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
	if (rrd_distributor_put_record(f->dist, r) != RRD_OK)
		fail_msg("put %s: %s", id, rrd_error_last());
	rrd_record_free(r);
}

/* After each step of a book's making, when `st` is given. */
static void step(rrd_store *st, const char *what)
{
	if (st)
		by_owner_agrees(st, what);
}

/*
 * A book in which creation order is not the ids' order and records come
 * and go: A and B in a round-robin pool, A alone in one with a claim
 * window; leads imported for A, pending and claimed, a contact of A's,
 * one on offer and one taken from an offer, one let go at its deadline,
 * one deactivated by a transfer, some reassigned away from A and one
 * back to it, one queued and assigned again. With `st`, the index is
 * checked after every step.
 */
static void build_book(fixture *f, rrd_store *st)
{
	fix_agent(f, "A");
	fix_agent(f, "B");
	fix_agent(f, "C");
	fix_agent(f, "D");
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, "A", "B", NULL);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "offers", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "A"), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	step(st, "configured");
	static const char *const ids[] = { "z9", "a1", "m5", "b2", "y8", "c3", "x7", "d4",
					   "w6", "e5", "v4", "f6" };
	rrd_record *many[sizeof ids / sizeof *ids];
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
		many[i] = lead(ids[i], NULL);
	rrd_submit_options o = RRD_SUBMIT_OPTIONS_INIT;
	o.pool = "web";
	assert_int_equal(rrd_distributor_submit(f->dist, many[0], &o), RRD_OK);
	step(st, "submitted");
	size_t failed = 0;
	assert_int_equal(rrd_distributor_submit_many(f->dist, (const rrd_record *const *)many + 1,
						     sizeof ids / sizeof *ids - 1, &o, &failed),
			 RRD_OK);
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
		rrd_record_free(many[i]);
	step(st, "submitted many");
	import(f, "k-claimed", RRD_KIND_LEAD, RRD_RECORD_CLAIMED, "A");
	import(f, "k-contact", RRD_KIND_CONTACT, RRD_RECORD_PENDING, "A");
	import(f, "k-b", RRD_KIND_LEAD, RRD_RECORD_PENDING, "B");
	import(f, "k-queued", RRD_KIND_LEAD, RRD_RECORD_QUEUED, NULL);
	step(st, "imported");
	submit(f, "o-taken", "offers", NULL);
	step(st, "offered");
	rrd_claim_result cr;
	assert_int_equal(rrd_distributor_claim(f->dist, "o-taken", "A", &cr), RRD_OK);
	step(st, "claimed");
	submit(f, "o-let-go", "offers", NULL);
	f->now += 10 * RRD_MINUTE;
	assert_int_equal(rrd_distributor_advance(f->dist, f->now), RRD_OK);
	step(st, "an offer expired");
	submit(f, "o-offered", "offers", NULL);
	assert_int_equal(rrd_distributor_transfer(f->dist, "c3", "north", "C", "c3-copy", NULL),
			 RRD_OK);
	step(st, "transferred");
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "y8", "C", NULL), RRD_OK);
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "b2", "A", NULL), RRD_OK);
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "x7", "D", NULL), RRD_OK);
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "x7", "A", NULL), RRD_OK);
	step(st, "reassigned to agents");
	assert_int_equal(rrd_distributor_reassign_to_pool(f->dist, "d4", "web", NULL), RRD_OK);
	step(st, "reassigned to a pool");
	assert_int_equal(rrd_distributor_queue_record(f->dist, "e5", NULL), RRD_OK);
	step(st, "queued");
	assert_int_equal(rrd_distributor_assign(f->dist, "k-queued", "A", NULL), RRD_OK);
	step(st, "assigned");
	const char *follow[] = { "a1", "m5" };
	assert_int_equal(rrd_distributor_set_follow_up(f->dist, follow, 2, "called"), RRD_OK);
	step(st, "followed up");
	/* Enough for A alone that its list moves to RRD_NS_BY_OWNER, more
	 * than once, while some of its records move on. */
	fix_pool(f, "solo", RRD_STRATEGY_ROUND_ROBIN, "A", NULL);
	for (int i = 0; i < 70; i++) {
		char id[32];
		snprintf(id, sizeof id, "s%02d-%s", (i * 37) % 70, i % 3 ? "lead" : "deal-of-a-longer-name");
		submit(f, id, "solo", NULL);
		if (i % 10 == 9)
			assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, id, "B", NULL), RRD_OK);
		if (i % 10 == 4) {
			char copy[40];
			snprintf(copy, sizeof copy, "%s-copy", id);
			assert_int_equal(rrd_distributor_transfer(f->dist, id, "north", "A", copy, NULL),
					 RRD_OK);
		}
		step(st, id);
	}
	/* Early ones lie in A's blocks by now: one leaves, one changes. */
	assert_int_equal(rrd_distributor_reassign_to_agent(f->dist, "s37-lead", "C", NULL), RRD_OK);
	step(st, "reassigned from a block");
	assert_int_equal(rrd_distributor_transfer(f->dist, "s04-lead", "north", "D", "s04-copy", NULL),
			 RRD_OK);
	step(st, "deactivated in a block");
	submit(f, "a0", "web", NULL);
	step(st, "submitted last");
}

/* The job of the last redistribution run() ran. */
static char last_job[RRD_JOB_ID_MAX + 1];

/* What a redistribution did, as text: its plan, then each moved record
 * of its job in order, then every event. */
static char *run(fixture *f, rrd_redistribution *rd)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	rrd_plan *plan = NULL;
	assert_int_equal(rrd_distributor_preview(f->dist, rd, &plan), RRD_OK);
	fprintf(out, "plan total=%lld held=%lld\n", (long long)rrd_plan_total(plan),
		(long long)rrd_plan_held(plan));
	rrd_plan_free(plan);
	fix_clear_events(f);
	char *job = last_job;
	if (rrd_distributor_redistribute(f->dist, rd, job, sizeof last_job) != RRD_OK)
		fail_msg("redistribute: %s", rrd_error_last());
	rrd_job *j;
	assert_int_equal(rrd_distributor_get_job(f->dist, job, &j), RRD_OK);
	for (size_t i = 0; i < rrd_job_record_count(j); i++) {
		const char *id, *from, *to;
		assert_int_equal(rrd_job_record(j, i, &id, &from, &to), RRD_OK);
		fprintf(out, "moved %s %s -> %s\n", id, from ? from : "-", to);
	}
	rrd_job_free(j);
	for (size_t i = 0; i < f->nevents; i++)
		fprintf(out, "%s\n", fix_event(f, i));
	fclose(out);
	return text;
}

static rrd_redistribution *from_agent(const char *agent, const char *const *to, size_t n)
{
	rrd_redistribution *rd;
	assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
	assert_int_equal(rrd_redistribution_from_agent(rd, agent, NULL, 0), RRD_OK);
	assert_int_equal(rrd_redistribution_to_agents(rd, to, n), RRD_OK);
	return rd;
}

/* The redistributions compared: each, on a fresh book. */
static rrd_redistribution *case_of(int i)
{
	static const char *const to[] = { "C", "D" };
	rrd_redistribution *rd;
	switch (i) {
	case 0:
		return from_agent("A", to, 2);
	case 1: /* the index alone: owner and status */
		assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
		assert_int_equal(rrd_redistribution_filter_owner(rd, "A"), RRD_OK);
		assert_int_equal(rrd_redistribution_filter_status(rd, RRD_RECORD_PENDING), RRD_OK);
		break;
	case 2: /* each record listed is read for its kind */
		assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
		assert_int_equal(rrd_redistribution_filter_owner(rd, "A"), RRD_OK);
		assert_int_equal(rrd_redistribution_filter_kind(rd, RRD_KIND_LEAD), RRD_OK);
		break;
	default: /* the owner's types leave all out */
		assert_int_equal(rrd_redistribution_new(&rd), RRD_OK);
		assert_int_equal(rrd_redistribution_filter_owner(rd, "A"), RRD_OK);
		const char *types[] = { "closer" };
		assert_int_equal(rrd_redistribution_filter_owner_types(rd, types, 1), RRD_OK);
		break;
	}
	if (i)
		assert_int_equal(rrd_redistribution_to_agents(rd, to, 2), RRD_OK);
	return rd;
}

static void test_selection_is_the_scans(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		/* Through the index, counting what is scanned (the faulty
		 * store's table is of this version). */
		faulty_store *fs = faulty_store_new_on(kind);
		fixture *f = fix_new_on(fs->store, 0);
		build_book(f, i ? NULL : fs->store);
		/* Both parts hold some. */
		by_owner_counts n = by_owner_count(fs->store);
		assert_true(n.listed > 0 && n.listed < n.entries && n.blocks > 1);
		long scans = fs->scans[RRD_NS_RECORD];
		rrd_redistribution *rd = case_of(i);
		char *indexed = run(f, rd);
		rrd_redistribution_free(rd);
		if (fs->scans[RRD_NS_RECORD] != scans)
			fail_msg("case %d scanned every record", i);
		by_owner_agrees(fs->store, "moved");
		int64_t restored;
		assert_int_equal(rrd_distributor_undo(f->dist, last_job, &restored), i == 3 ?
				 RRD_E_NOTHING_TO_UNDO : RRD_OK);
		by_owner_agrees(fs->store, "undone");
		fix_free(f);
		faulty_store_free(fs);
		/* By the scan of every record. */
		table o = table_open(2);
		f = fix_new_on(o.store, 0);
		build_book(f, NULL);
		assert_int_equal(by_owner_count(o.store).entries, 0);
		rd = case_of(i);
		char *scanned = run(f, rd);
		rrd_redistribution_free(rd);
		fix_free(f);
		table_close(&o);
		if (strcmp(indexed, scanned) != 0)
			fail_msg("case %d: through the index\n%s\nby the scan\n%s", i, indexed, scanned);
		if (i == 0 && !strstr(indexed, "moved k-claimed A -> "))
			fail_msg("case 0 moved none of A's: %s", indexed);
		free(indexed);
		free(scanned);
	}
}

/* ---- stores from before it ------------------------------------------ */

static void put_raw(rrd_store *st, int ns, const char *key, const void *value, size_t len,
		    int64_t order)
{
	assert_int_equal(st->m.put(st->self, ns, key, value, len, order), RRD_OK);
}

/* A pending lead of `owner`, written as the codec writes it, with no
 * check of the owner. */
static void put_record(rrd_store *st, const char *id, const char *owner, int64_t order)
{
	rrd_record *r;
	assert_int_equal(rrd__record_alloc(&r, id, strlen(id), RRD_KIND_LEAD, NULL, 0), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, RRD_RECORD_PENDING), RRD_OK);
	assert_non_null(r->owner = strdup(owner));
	rrd_buf b = { 0 };
	rrd__record_encode(r, &b);
	assert_false(b.failed);
	put_raw(st, RRD_NS_RECORD, id, b.data, b.len, order);
	rrd__buf_free(&b);
	rrd_record_free(r);
}

/* The store `st` behind a table that counts the writes. */
static rrd_store_methods behind;
static long writes;

static int count_put(void *self, int ns, const char *key, const void *value, size_t len,
		     int64_t order)
{
	writes++;
	return behind.put(self, ns, key, value, len, order);
}

static int count_del(void *self, int ns, const char *key)
{
	writes++;
	return behind.del(self, ns, key);
}

static int count_put_many(void *self, int ns, size_t n, const char *const *keys,
			  const void *const *values, const size_t *lens, const int64_t *orders)
{
	writes++;
	return behind.put_many(self, ns, n, keys, values, lens, orders);
}

static int count_del_many(void *self, int ns, size_t n, const char *const *keys)
{
	writes++;
	return behind.del_many(self, ns, n, keys);
}

static rrd_store *counting(rrd_store *st)
{
	behind = st->m;
	rrd_store_methods m = st->m;
	m.close = NULL;
	m.put = count_put;
	m.del = count_del;
	m.put_many = st->m.put_many ? count_put_many : NULL;
	m.del_many = st->m.del_many ? count_del_many : NULL;
	writes = 0;
	rrd_store *out;
	assert_int_equal(rrd_store_new(&out, &m, st->self), RRD_OK);
	return out;
}

static void test_an_old_store_gets_it_built(void **state)
{
	(void)state;
	table t = table_open(RRD_STORE_METHODS_VERSION);
	rrd_store *st = t.store;
	/* Written through a table that predates the index... */
	rrd_store_methods m = st->m;
	m.version = 2;
	m.close = NULL;
	rrd_store *old;
	assert_int_equal(rrd_store_new(&old, &m, st->self), RRD_OK);
	fixture *f = fix_new_on(old, 0);
	build_book(f, NULL);
	fix_free(f);
	rrd_store_free(old);
	assert_int_equal(by_owner_count(st).entries, 0);
	/* ...with entries nobody kept up to date, and records of owners no
	 * agent could be. */
	char long_owner[RRD_ID_MAX + 2];
	memset(long_owner, 'o', sizeof long_owner - 1);
	long_owner[sizeof long_owner - 1] = '\0';
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	/* A block of A's naming a record that is gone, one of D's naming
	 * a record it does not own, and a list of B's. */
	put_raw(st, RRD_NS_BY_OWNER, "A\x1F" "b\x1F" "0000000000000000", "\x02\x02\x04gone", 7, 0);
	put_raw(st, RRD_NS_BY_OWNER, "A\x1F" "d\x1F" "0000000000000000", "\x02\x02", 2, 0);
	put_raw(st, RRD_NS_BY_OWNER, "D\x1F" "b\x1F" "0000000000000000", "\x04\x02\x02" "a1", 5, 0);
	put_raw(st, RRD_NS_BY_OWNER, "D\x1F" "d\x1F" "0000000000000000", "\x04\x04", 2, 0);
	const void *v;
	size_t len;
	assert_int_equal(st->m.get(st->self, RRD_NS_AGENT_STATE, "B", &v, &len, NULL), RRD_OK);
	unsigned char b[64];
	assert_true(len == 33);
	memcpy(b, v, 33);
	memcpy(b + 33, "\x05\x02\x02\x02z9", 6);
	put_raw(st, RRD_NS_AGENT_STATE, "B", b, 39, 0);
	put_record(st, "q-sep", "A\x1FQ", 1000);
	put_record(st, "q-long", long_owner, 1001);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	assert_non_null(by_owner_differs(st));
	/* A distributor's start builds it... */
	f = fix_new_on(st, 0);
	by_owner_agrees(st, "built");
	size_t n = by_owner_count(st).entries;
	fix_free(f);
	/* ...once: the next start finds it complete and writes nothing. */
	rrd_store *counted = counting(st);
	f = fix_new_on(counted, 0);
	assert_int_equal(writes, 0);
	by_owner_agrees(st, "started again");
	/* by_owner_agrees: every record with an owner that an agent could
	 * be, and only those; not the two whose owners no agent could be,
	 * nothing of what was there before. */
	assert_int_equal(by_owner_count(st).entries, n);
	assert_true(n > 10);
	const char *to[] = { "C", "D" };
	rrd_redistribution *rd = from_agent("A", to, 2);
	char *text = run(f, rd);
	rrd_redistribution_free(rd);
	if (!strstr(text, "moved k-claimed A -> ") || strstr(text, "q-sep") || strstr(text, "gone"))
		fail_msg("moved from the built index:\n%s", text);
	free(text);
	by_owner_agrees(st, "moved");
	fix_free(f);
	rrd_store_free(counted);
	table_close(&t);
}

/* An index that lists a record twice, as a release without the index can
 * leave one: the record is still one, moved once, and the counters say
 * so. */
static void test_a_record_listed_twice_moves_once(void **state)
{
	(void)state;
	table t = table_open(RRD_STORE_METHODS_VERSION);
	rrd_store *st = t.store;
	fixture *f = fix_new_on(st, 0);
	build_book(f, NULL);
	int64_t a_open = fix_open_count(f, "A"), others = fix_open_count(f, "C") + fix_open_count(f, "D");
	/* Every entry of A's list written twice: the counters, the next
	 * block's id (below 128, so one byte), the entries, and again. */
	assert_int_equal(st->m.begin(st->self, 0, NULL), RRD_OK);
	const void *v;
	size_t len;
	assert_int_equal(st->m.get(st->self, RRD_NS_AGENT_STATE, "A", &v, &len, NULL), RRD_OK);
	const size_t head = 33 + 1;
	unsigned char row[4096];
	assert_true(len > head && ((const unsigned char *)v)[33] < 0x80);
	assert_true(2 * len - head <= sizeof row);
	memcpy(row, v, len);
	memcpy(row + len, (const unsigned char *)v + head, len - head);
	put_raw(st, RRD_NS_AGENT_STATE, "A", row, 2 * len - head, 0);
	assert_int_equal(st->m.commit(st->self), RRD_OK);
	assert_non_null(by_owner_differs(st));

	const char *to[] = { "C", "D" };
	rrd_redistribution *rd = from_agent("A", to, 2);
	char *text = run(f, rd);
	rrd_redistribution_free(rd);
	/* Each record moved appears once in the job. */
	size_t moved = 0;
	for (const char *p = strstr(text, "moved "); p; p = strstr(p + 1, "moved ")) {
		const char *end = strchr(p, '\n');
		assert_non_null(end);
		char line[128];
		size_t n = (size_t)(end - p);
		assert_true(n < sizeof line);
		memcpy(line, p, n);
		line[n] = '\0';
		const char *again = strstr(end, line);
		if (again)
			fail_msg("moved twice:\n%s", text);
		moved++;
	}
	assert_true(moved > 0);
	/* What A had open went to C and D, once each record. */
	assert_int_equal(fix_open_count(f, "A"), 0);
	assert_int_equal(fix_open_count(f, "C") + fix_open_count(f, "D"), others + a_open);
	free(text);
	fix_free(f);
	table_close(&t);
}

/* ---- keys ------------------------------------------------------------- */

/* An id of `n` bytes: a run of four-byte characters, then ASCII. */
static void long_id(char *buf, size_t n, char last)
{
	size_t i = 0;
	for (; i + 4 <= n - 1; i += 4)
		memcpy(buf + i, "\xF0\x9F\x98\x80", 4);
	for (; i < n - 1; i++)
		buf[i] = 'x';
	buf[n - 1] = last;
	buf[n] = '\0';
}

static void test_longest_ids_fit(void **state)
{
	(void)state;
	char agent[RRD_ID_MAX + 1], other[RRD_ID_MAX + 1], record[RRD_ID_MAX + 1];
	long_id(agent, RRD_ID_MAX, 'a');
	long_id(other, RRD_ID_MAX, 'b');
	long_id(record, RRD_ID_MAX, 'r');
	table t = table_open(RRD_STORE_METHODS_VERSION);
	fixture *f = fix_new_on(t.store, 0);
	fix_agent(f, agent);
	fix_agent(f, other);
	fix_pool(f, "web", RRD_STRATEGY_ROUND_ROBIN, agent, NULL);
	submit(f, record, "web", NULL);
	by_owner_agrees(t.store, "submitted");
	const char *to[] = { other };
	rrd_redistribution *rd = from_agent(agent, to, 1);
	char job[RRD_JOB_ID_MAX + 1];
	assert_int_equal(rrd_distributor_redistribute(f->dist, rd, job, sizeof job), RRD_OK);
	rrd_redistribution_free(rd);
	assert_string_equal(fix_owner(f, record), other);
	by_owner_agrees(t.store, "moved");
	int64_t restored;
	assert_int_equal(rrd_distributor_undo(f->dist, job, &restored), RRD_OK);
	assert_int_equal(restored, 1);
	by_owner_agrees(t.store, "undone");
	fix_free(f);
	table_close(&t);
}

/* The memory store's own handle keeps none, and its redistributions
 * read every record, as they always did. */
static void test_the_memory_store_keeps_none(void **state)
{
	(void)state;
	rrd_store *st;
	assert_int_equal(rrd_store_memory_new(&st), RRD_OK);
	fixture *f = fix_new_on(st, 0);
	build_book(f, NULL);
	assert_int_equal(by_owner_count(st).entries, 0);
	assert_false(by_owner_kept(st));
	const char *to[] = { "C", "D" };
	rrd_redistribution *rd = from_agent("A", to, 2);
	char *text = run(f, rd);
	rrd_redistribution_free(rd);
	if (!strstr(text, "moved k-claimed A -> "))
		fail_msg("moved:\n%s", text);
	free(text);
	assert_int_equal(by_owner_count(st).entries, 0);
	fix_free(f);
	rrd_store_free(st);
}

int main(int argc, char **argv)
{
	kind = test_store_kind_named(argc > 1 ? argv[1] : NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_operation_keeps_it),
		cmocka_unit_test(test_selection_is_the_scans),
		cmocka_unit_test(test_an_old_store_gets_it_built),
		cmocka_unit_test(test_a_record_listed_twice_moves_once),
		cmocka_unit_test(test_longest_ids_fit),
		cmocka_unit_test(test_the_memory_store_keeps_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
