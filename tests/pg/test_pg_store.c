/*
 * The PostgreSQL store against a throwaway cluster (tests/pg/cluster.sh
 * sets RRD_TEST_PG): what is committed is there for another handle, what
 * is rolled back is not, hostile keys and values come back as they went,
 * two writers of one key make the later one lose (RRD_E_RETRY), timers
 * fire once across handles, the schema's version is checked, and
 * distributors on two handles share one round robin.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "../support/by_owner_check.h"

#include "pg/pg.h"
#include "rrdist.h"
#include "store/store.h"

static const char *conninfo(void)
{
	const char *c = getenv("RRD_TEST_PG");
	if (!c)
		fail_msg("RRD_TEST_PG is not set: run this test through tests/pg/cluster.sh");
	return c;
}

/* A store in a schema of the test's own, emptied first. */
static rrd_store *open_in(const char *schema)
{
	rrd_store_pg_options o = RRD_STORE_PG_OPTIONS_INIT;
	o.schema = schema;
	o.lock_timeout_ms = 2000;
	rrd_store *st = NULL;
	rrd_status rc = rrd_store_pg_open(&st, conninfo(), &o);
	if (rc)
		fail_msg("open %s: %s: %s", schema, rrd_status_name(rc), rrd_error_last());
	return st;
}

static void sql(const char *text)
{
	PGconn *c = PQconnectdb(conninfo());
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, text);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", text, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

/* The one number `text` selects. */
static long sql_number(const char *text)
{
	PGconn *c = PQconnectdb(conninfo());
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, text);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s", text, PQresultErrorMessage(r));
	long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	PQfinish(c);
	return n;
}

static rrd_store *fresh(const char *schema)
{
	char text[256];
	snprintf(text, sizeof text, "DROP SCHEMA IF EXISTS %s CASCADE", schema);
	sql(text);
	return open_in(schema);
}

#define NS RRD_NS_RECORD

static void ok(int rc)
{
	if (rc)
		fail_msg("%s: %s", rrd_status_name((rrd_status)rc), rrd_error_last());
}

static void put(rrd_store *st, const char *key, const void *v, size_t len)
{
	ok(st->m.put(st->self, NS, key, v, len, 1));
}

static void test_commit_and_rollback(void **state)
{
	(void)state;
	rrd_store *a = fresh("t_commit"), *b = open_in("t_commit");
	uint64_t gen = 0;
	ok(a->m.begin(a->self, 0, &gen));
	assert_true(gen == RRD_STORE_NO_GENERATION);
	put(a, "kept", "1", 1);
	ok(a->m.commit(a->self));
	ok(a->m.begin(a->self, 0, &gen));
	put(a, "dropped", "2", 1);
	ok(a->m.rollback(a->self));
	ok(b->m.begin(b->self, RRD_TXN_READ_ONLY, &gen));
	const void *v;
	size_t len;
	ok(b->m.get(b->self, NS, "kept", &v, &len, NULL));
	assert_int_equal(len, 1);
	assert_memory_equal(v, "1", 1);
	assert_int_equal(b->m.get(b->self, NS, "dropped", &v, &len, NULL), RRD_E_NOTFOUND);
	/* A read-only transaction refuses writes. */
	assert_int_equal(b->m.put(b->self, NS, "x", "1", 1, 0), RRD_E_STATE);
	ok(b->m.rollback(b->self));
	rrd_store_free(a);
	rrd_store_free(b);
}

typedef struct listing {
	char keys[64][64];
	int n;
} listing;

static int list_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	(void)value;
	(void)len;
	(void)order;
	listing *l = ctx;
	snprintf(l->keys[l->n++], sizeof l->keys[0], "%s", key);
	return l->n == 64;
}

static void test_hostile_keys_and_values(void **state)
{
	(void)state;
	rrd_store *st = fresh("t_hostile");
	static const char *const keys[] = { "a'b", "a\"b", "a\\b", "a%b", "a_b", "a\x1f" "b",
					    "a\xc3\xa9", "ab", "a", "b", "a\x7f" };
	unsigned char every[256];
	for (int i = 0; i < 256; i++)
		every[i] = (unsigned char)i;
	ok(st->m.begin(st->self, 0, NULL));
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		put(st, keys[i], every, sizeof every);
	put(st, "empty", "", 0);
	char longest[RRD_STORE_KEY_MAX + 1];
	memset(longest, 'k', RRD_STORE_KEY_MAX);
	longest[RRD_STORE_KEY_MAX] = '\0';
	put(st, longest, "L", 1);
	ok(st->m.commit(st->self));
	ok(st->m.begin(st->self, RRD_TXN_READ_ONLY, NULL));
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const void *v;
		size_t len;
		ok(st->m.get(st->self, NS, keys[i], &v, &len, NULL));
		assert_int_equal(len, 256);
		assert_memory_equal(v, every, 256);
	}
	const void *v;
	size_t len;
	ok(st->m.get(st->self, NS, "empty", &v, &len, NULL));
	assert_int_equal(len, 0);
	ok(st->m.get(st->self, NS, longest, &v, &len, NULL));
	assert_int_equal(len, 1);
	/* Prefixes with LIKE's wildcards match themselves only. */
	static const struct {
		const char *prefix;
		int count;
	} scans[] = { { "a%", 1 }, { "a_", 1 }, { "a\x1f", 1 }, { "a", 10 }, { "", 13 },
		      { "a\xc3", 1 }, { "zz", 0 } };
	for (size_t i = 0; i < sizeof scans / sizeof *scans; i++) {
		listing l = { 0 };
		ok(st->m.scan(st->self, NS, scans[i].prefix, list_each, &l));
		if (l.n != scans[i].count)
			fail_msg("prefix #%zu: %d keys, want %d", i, l.n, scans[i].count);
		for (int k = 0; k < l.n; k++)
			assert_memory_equal(l.keys[k], scans[i].prefix, strlen(scans[i].prefix));
	}
	ok(st->m.rollback(st->self));
	rrd_store_free(st);
}

/* Two transactions write one key: the second to commit loses and
 * changes nothing; a writer of another key is not held up. */
static void test_first_committer_wins(void **state)
{
	(void)state;
	rrd_store *a = fresh("t_race"), *b = open_in("t_race");
	ok(a->m.begin(a->self, 0, NULL));
	put(a, "k", "0", 1);
	ok(a->m.commit(a->self));
	const void *v;
	size_t len;
	ok(a->m.begin(a->self, 0, NULL));
	ok(a->m.get(a->self, NS, "k", &v, &len, NULL));
	ok(b->m.begin(b->self, 0, NULL));
	ok(b->m.get(b->self, NS, "k", &v, &len, NULL));
	put(b, "k", "b", 1);
	ok(b->m.commit(b->self));
	put(a, "k", "a", 1);
	put(a, "other", "a", 1);
	assert_int_equal(a->m.commit(a->self), RRD_E_RETRY);
	a->m.rollback(a->self);
	ok(a->m.begin(a->self, RRD_TXN_READ_ONLY, NULL));
	ok(a->m.get(a->self, NS, "k", &v, &len, NULL));
	assert_memory_equal(v, "b", 1);
	assert_int_equal(a->m.get(a->self, NS, "other", &v, &len, NULL), RRD_E_NOTFOUND);
	ok(a->m.rollback(a->self));
	rrd_store_free(a);
	rrd_store_free(b);
}

/* A timer popped by one open transaction is not handed to another, and
 * comes back when the first rolls back. */
static void test_timers_fire_once(void **state)
{
	(void)state;
	rrd_store *a = fresh("t_timers"), *b = open_in("t_timers");
	ok(a->m.begin(a->self, 0, NULL));
	ok(a->m.timer_set(a->self, "t1", 10, 1));
	ok(a->m.timer_set(a->self, "t2", 10, 2));
	ok(a->m.commit(a->self));
	char key[600];
	rrd_time due;
	ok(a->m.begin(a->self, 0, NULL));
	ok(a->m.timer_pop(a->self, 10, key, sizeof key, &due));
	assert_string_equal(key, "t1");
	ok(b->m.begin(b->self, 0, NULL));
	ok(b->m.timer_pop(b->self, 10, key, sizeof key, &due));
	assert_string_equal(key, "t2");
	assert_int_equal(b->m.timer_pop(b->self, 10, key, sizeof key, &due), RRD_E_NOTFOUND);
	ok(b->m.commit(b->self));
	ok(a->m.rollback(a->self));
	ok(b->m.begin(b->self, 0, NULL));
	ok(b->m.timer_next(b->self, &due));
	assert_true(due == 10);
	ok(b->m.timer_pop(b->self, 10, key, sizeof key, &due));
	assert_string_equal(key, "t1");
	ok(b->m.commit(b->self));
	rrd_store_free(a);
	rrd_store_free(b);
}

static void test_lease(void **state)
{
	(void)state;
	rrd_store *a = fresh("t_lease"), *b = open_in("t_lease");
	ok(a->m.lock_acquire(a->self, "redistribute", "one", 100, 200));
	assert_int_equal(b->m.lock_acquire(b->self, "redistribute", "two", 199, 300), RRD_E_BUSY);
	ok(b->m.lock_acquire(b->self, "redistribute", "two", 200, 300));
	assert_int_equal(a->m.lock_release(a->self, "redistribute", "one"), RRD_E_NOTFOUND);
	ok(b->m.lock_release(b->self, "redistribute", "two"));
	ok(a->m.lock_acquire(a->self, "redistribute", "one", 201, 300));
	rrd_store_free(a);
	rrd_store_free(b);
}

static void test_schema_versions(void **state)
{
	(void)state;
	/* Version 2, the tables of version 1 unchanged: a release from
	 * before the index of records by owner (version 1) refuses it. */
	rrd_store *st = fresh("t_schema");
	ok(st->m.begin(st->self, 0, NULL));
	put(st, "kept", "v", 1);
	ok(st->m.commit(st->self));
	rrd_store_free(st);
	assert_int_equal(sql_number("SELECT value FROM t_schema.meta WHERE name = 'schema'"), 2);
	/* A store of version 1 is brought to 2 on open, its entries kept. */
	sql("UPDATE t_schema.meta SET value = 1 WHERE name = 'schema'");
	rrd_store_free(open_in("t_schema"));
	assert_int_equal(sql_number("SELECT value FROM t_schema.meta WHERE name = 'schema'"), 2);
	assert_int_equal(sql_number("SELECT count(*) FROM t_schema.kv WHERE key = 'kept'::bytea"), 1);
	sql("UPDATE t_schema.meta SET value = 99 WHERE name = 'schema'");
	rrd_store_pg_options o = RRD_STORE_PG_OPTIONS_INIT;
	o.schema = "t_schema";
	st = NULL;
	assert_int_equal(rrd_store_pg_open(&st, conninfo(), &o), RRD_E_VERSION);
	assert_null(st);
	assert_non_null(strstr(rrd_error_last(), "99"));
	/* Bad arguments change nothing. */
	assert_int_equal(rrd_store_pg_open(NULL, conninfo(), NULL), RRD_E_INVALID);
	assert_int_equal(rrd_store_pg_open(&st, NULL, NULL), RRD_E_INVALID);
	o.schema = "";
	assert_int_equal(rrd_store_pg_open(&st, conninfo(), &o), RRD_E_INVALID);
	o.schema = NULL;
	o.version = 2;
	assert_int_equal(rrd_store_pg_open(&st, conninfo(), &o), RRD_E_VERSION);
	assert_int_equal(rrd_store_pg_open(&st, "host=/nonexistent port=1", NULL), RRD_E_STORE);
	assert_null(st);
}

/* Distributors on two handles share one cursor and the counters. */
static void test_two_distributors_one_round_robin(void **state)
{
	(void)state;
	rrd_store *sa = fresh("t_rr"), *sb = open_in("t_rr");
	rrd_distributor *a, *b;
	ok(rrd_distributor_new(&a, sa, NULL));
	static const char *const people[] = { "ann", "bo", "cy" };
	rrd_pool *p;
	ok(rrd_pool_new(&p, "web", RRD_KIND_LEAD));
	for (int i = 0; i < 3; i++) {
		rrd_agent *ag;
		ok(rrd_agent_new(&ag, people[i]));
		ok(rrd_distributor_put_agent(a, ag));
		rrd_agent_free(ag);
		ok(rrd_pool_add_member(p, people[i]));
	}
	ok(rrd_distributor_put_pool(a, p));
	rrd_pool_free(p);
	ok(rrd_distributor_new(&b, sb, NULL));
	rrd_submit_options so = RRD_SUBMIT_OPTIONS_INIT;
	so.pool = "web";
	for (int i = 0; i < 12; i++) {
		char id[16];
		snprintf(id, sizeof id, "L%d", i);
		rrd_record *r;
		ok(rrd_record_new(&r, id, RRD_KIND_LEAD));
		ok(rrd_distributor_submit(i % 2 ? b : a, r, &so));
		rrd_record_free(r);
		ok(rrd_distributor_get_record(i % 2 ? a : b, id, &r));
		assert_string_equal(rrd_record_owner(r), people[i % 3]);
		rrd_record_free(r);
	}
	rrd_agent *ag;
	ok(rrd_distributor_get_agent(a, "bo", &ag));
	assert_int_equal(rrd_agent_open_count(ag), 4);
	rrd_agent_free(ag);
	rrd_distributor_free(a);
	rrd_distributor_free(b);
	rrd_store_free(sa);
	rrd_store_free(sb);
}

/* A plain round-robin submit: the reads in one round trip, the writes
 * and the commit in another; so too the submits that turn an agent's
 * list of records into a block of the index by owner (every 35 or so
 * of its records), which writes it blind. */
static void test_submit_takes_two_round_trips(void **state)
{
	(void)state;
	rrd_store *st = fresh("t_trips");
	rrd_distributor *d;
	ok(rrd_distributor_new(&d, st, NULL));
	rrd_pool *p;
	ok(rrd_pool_new(&p, "web", RRD_KIND_LEAD));
	for (int i = 0; i < 7; i++) {
		char id[8];
		snprintf(id, sizeof id, "a%d", i);
		rrd_agent *ag;
		ok(rrd_agent_new(&ag, id));
		ok(rrd_distributor_put_agent(d, ag));
		rrd_agent_free(ag);
		ok(rrd_pool_add_member(p, id));
	}
	ok(rrd_distributor_put_pool(d, p));
	rrd_pool_free(p);
	rrd_rule *rule;
	ok(rrd_rule_new(&rule, "all", "web"));
	ok(rrd_distributor_add_rule(d, rule));
	rrd_rule_free(rule);
	pgstore *s = st->self;
	for (int i = 0; i < 400; i++) {
		char id[16];
		snprintf(id, sizeof id, "L%d", i);
		rrd_record *r;
		ok(rrd_record_new(&r, id, RRD_KIND_LEAD));
		uint64_t before = s->round_trips;
		ok(rrd_distributor_submit(d, r, NULL));
		rrd_record_free(r);
		assert_int_equal(s->round_trips - before, 2);
	}
	/* The index by owner has blocks by now, and says what the records
	 * say. */
	assert_true(by_owner_count(st).blocks > 0);
	by_owner_agrees(st, "after the submits");
	rrd_distributor_free(d);
	rrd_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_and_rollback),
		cmocka_unit_test(test_hostile_keys_and_values),
		cmocka_unit_test(test_first_committer_wins),
		cmocka_unit_test(test_timers_fire_once),
		cmocka_unit_test(test_lease),
		cmocka_unit_test(test_schema_versions),
		cmocka_unit_test(test_two_distributors_one_round_robin),
		cmocka_unit_test(test_submit_takes_two_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
