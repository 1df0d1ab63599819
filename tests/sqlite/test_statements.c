/*
 * What a SQLite store runs for an operation, statement by statement, as
 * SQLite's own trace (sqlite3_trace_v2) reports it. A plain round-robin
 * submit, once the distributor knows the pool and its agents, runs
 * BEGIN IMMEDIATE, the library's own calls (is the record there? then
 * its writes) and COMMIT: nothing else, however many agents the pool
 * has. A read runs BEGIN, a statement that takes its snapshot, its
 * reads and ROLLBACK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/sqlite_files.h"
#include "sqlite/sqlite_store.h"
#include "store/store.h"

/* The statements run while tracing, a line each: the SQL's first words,
 * up to the first key or value it was given. */
typedef struct trace {
	char text[4096];
	size_t len;
	int count;
} trace;

static trace seen;

static int on_statement(unsigned type, void *ctx, void *stmt, void *sql)
{
	(void)type;
	(void)ctx;
	(void)stmt;
	const char *s = sql;
	size_t n = strcspn(s, "(?");
	while (n > 0 && s[n - 1] == ' ')
		n--;
	int w = snprintf(seen.text + seen.len, sizeof seen.text - seen.len, "%.*s\n", (int)n, s);
	assert_true(w > 0 && (size_t)w < sizeof seen.text - seen.len);
	seen.len += (size_t)w;
	seen.count++;
	return 0;
}

static void trace_on(rrd_store *st)
{
	memset(&seen, 0, sizeof seen);
	rrd_sqlite *s = st->self;
	assert_int_equal(sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_statement, NULL), SQLITE_OK);
}

static void trace_off(rrd_store *st)
{
	rrd_sqlite *s = st->self;
	assert_int_equal(sqlite3_trace_v2(s->db, 0, NULL, NULL), SQLITE_OK);
}

/* A round-robin pool "web" of `agents` agents, and a rule sending every
 * lead there. */
static fixture *round_robin(rrd_store *st, int agents)
{
	fixture *f = fix_new_on(st, 0);
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	for (int i = 0; i < agents; i++) {
		char id[16];
		snprintf(id, sizeof id, "a%d", i);
		fix_agent(f, id);
		assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
	}
	fix_put_pool(f, p);
	rrd_rule *rule;
	assert_int_equal(rrd_rule_new(&rule, "all", "web"), RRD_OK);
	assert_int_equal(rrd_distributor_add_rule(f->dist, rule), RRD_OK);
	rrd_rule_free(rule);
	return f;
}

static void submit(fixture *f, int i)
{
	char id[16];
	snprintf(id, sizeof id, "L%d", i);
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_distributor_submit(f->dist, r, NULL), RRD_OK);
	rrd_record_free(r);
}

#define PUT "INSERT INTO rrd_entry\n"

/* BEGIN IMMEDIATE, is the record there?, its owner's counter, the
 * pool's cursor, the record, COMMIT. (The sequence that orders records
 * is written once for a block of them, at the first submit here.) */
static const char plain_submit[] = "BEGIN IMMEDIATE\n"
				   "SELECT value, ord FROM rrd_entry WHERE ns =\n" PUT PUT PUT
				   "COMMIT\n";

static void test_round_robin_submit(void **state)
{
	(void)state;
	static const int sizes[] = { 2, 7, 100 };
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		rrd_store *st = sqlite_test_store();
		fixture *f = round_robin(st, sizes[k]);
		/* Once round every agent: the distributor has read each one's
		 * counter, and keeps it while the generation is its own. */
		int i = 0;
		for (; i < sizes[k]; i++)
			submit(f, i);
		for (int n = 0; n < 2 * sizes[k]; n++, i++) {
			trace_on(st);
			submit(f, i);
			trace_off(st);
			if (strcmp(seen.text, plain_submit) != 0)
				fail_msg("submit %d to a pool of %d ran %d statements:\n%s", i, sizes[k],
					 seen.count, seen.text);
		}
		fix_free(f);
		rrd_store_free(st);
	}
}

/* A read takes no write lock and writes nothing. */
static void test_read(void **state)
{
	(void)state;
	rrd_store *st = sqlite_test_store();
	fixture *f = round_robin(st, 3);
	submit(f, 0);
	trace_on(st);
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, "L0", &r), RRD_OK);
	rrd_record_free(r);
	trace_off(st);
	assert_string_equal(seen.text, "BEGIN\n"
				       "SELECT 1 FROM rrd_store_info LIMIT 0\n"
				       "SELECT value, ord FROM rrd_entry WHERE ns =\n"
				       "ROLLBACK\n");
	fix_free(f);
	rrd_store_free(st);
}

/* Another handle's commit moves the generation: the distributor reads
 * afresh, and its submit still commits once. */
static void test_submit_after_another_handle_wrote(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s", sqlite_test_path("two.db"));
	rrd_store *a, *b;
	assert_int_equal(rrd_store_sqlite_open(&a, path, NULL), RRD_OK);
	assert_int_equal(rrd_store_sqlite_open(&b, path, NULL), RRD_OK);
	fixture *fa = round_robin(a, 3), *fb = fix_new_on(b, 0);
	for (int i = 0; i < 6; i++)
		submit(i % 2 ? fb : fa, i);
	trace_on(a);
	submit(fa, 6);
	trace_off(a);
	assert_true(seen.count > 8);
	assert_non_null(strstr(seen.text, "BEGIN IMMEDIATE\n"));
	const char *commit = strstr(seen.text, "COMMIT\n");
	assert_non_null(commit);
	assert_string_equal(commit, "COMMIT\n");
	assert_string_equal(fix_owner(fb, "L6"), "a0");
	fix_free(fa);
	fix_free(fb);
	rrd_store_free(a);
	rrd_store_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin_submit),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_submit_after_another_handle_wrote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
