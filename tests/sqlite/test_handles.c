/*
 * Several handles on one SQLite file, in one process, as several
 * processes would have: each sees what the others committed, and its
 * own generation moves with it; a read-only transaction reads a
 * snapshot while another handle writes; a handle that waits for the
 * write lock past its busy timeout gets RRD_E_RETRY; a commit that fails
 * is rolled back harmlessly; locks keep other handles out until their
 * lease ends, and outlive the handle that took them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rrdist.h"
#include "rrdist/sys/store.h"
#include "store/store.h"

#include "../support/sqlite_files.h"

#define NS RRD_NS_RECORD

static char path[512];

/* A second handle on the file of the last one made, or on a fresh file. */
static rrd_store *open_on(const char *file, unsigned busy_ms, rrd_sqlite_journal journal)
{
	rrd_store_sqlite_options o = RRD_STORE_SQLITE_OPTIONS_INIT;
	o.busy_timeout_ms = busy_ms;
	o.journal = journal;
	rrd_store *st = NULL;
	rrd_status rc = rrd_store_sqlite_open(&st, file, &o);
	if (rc)
		fail_msg("rrd_store_sqlite_open: %s", rrd_error_last());
	return st;
}

static rrd_store *fresh(const char *name, unsigned busy_ms, rrd_sqlite_journal journal)
{
	snprintf(path, sizeof path, "%s", sqlite_test_path(name));
	return open_on(path, busy_ms, journal);
}

static uint64_t begin(rrd_store *st, unsigned flags)
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

static void put(rrd_store *st, const char *key, const char *value)
{
	assert_int_equal(st->m.put(st->self, NS, key, value, strlen(value), 0), RRD_OK);
}

/* The value as a string (static buffer), or NULL when absent. */
static const char *get(rrd_store *st, const char *key)
{
	static char buf[256];
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, NS, key, &v, &len, NULL);
	if (rc == RRD_E_NOTFOUND)
		return NULL;
	assert_int_equal(rc, RRD_OK);
	assert_true(len < sizeof buf);
	memcpy(buf, v, len);
	buf[len] = '\0';
	return buf;
}

/* Each handle keeps its own generation: its commits add one, and a
 * change another handle committed moves it at the next begin. */
static void test_each_handle_sees_the_others_commits(void **state)
{
	(void)state;
	rrd_store *a = fresh("two.db", 5000, RRD_SQLITE_JOURNAL_WAL);
	rrd_store *b = open_on(path, 5000, RRD_SQLITE_JOURNAL_WAL);
	uint64_t gb0 = begin(b, RRD_TXN_READ_ONLY);
	rollback(b);
	uint64_t ga0 = begin(a, 0);
	put(a, "from a", "1");
	commit(a);
	uint64_t gb1 = begin(b, 0);
	assert_true(gb1 > gb0);
	assert_string_equal(get(b, "from a"), "1");
	put(b, "from b", "2");
	commit(b);
	uint64_t ga1 = begin(a, 0);
	assert_true(ga1 > ga0 + 1);
	assert_string_equal(get(a, "from b"), "2");
	commit(a);
	/* a's commit changed nothing in the file: b's number is its own. */
	assert_int_equal(begin(b, 0), gb1 + 1);
	put(b, "never", "3");
	/* A transaction of b that rolls back moves nothing. */
	rollback(b);
	assert_int_equal(begin(a, RRD_TXN_READ_ONLY), ga1 + 1);
	assert_null(get(a, "never"));
	rollback(a);
	assert_int_equal(begin(b, RRD_TXN_READ_ONLY), gb1 + 1);
	rollback(b);
	rrd_store_free(a);
	rrd_store_free(b);
}

/* Taking and releasing a lock commit in the file, yet move no
 * generation of the handle that did; another handle's lock moves it
 * at most once, however the lock went. */
static void test_locks_move_no_generation_of_their_own(void **state)
{
	(void)state;
	rrd_store *a = fresh("lock-gen.db", 5000, RRD_SQLITE_JOURNAL_WAL);
	rrd_store *b = open_on(path, 5000, RRD_SQLITE_JOURNAL_WAL);
	uint64_t g = begin(a, 0);
	commit(a);
	assert_int_equal(a->m.lock_acquire(a->self, "bulk", "a", 0, 100), RRD_OK);
	assert_int_equal(begin(a, 0), g + 1);
	commit(a);
	assert_int_equal(a->m.lock_acquire(a->self, "bulk", "a", 1, 100), RRD_OK);
	assert_int_equal(a->m.lock_release(a->self, "bulk", "a"), RRD_OK);
	assert_int_equal(a->m.lock_release(a->self, "bulk", "a"), RRD_E_NOTFOUND);
	assert_int_equal(begin(a, RRD_TXN_READ_ONLY), g + 2);
	rollback(a);
	/* b's commit between a's lock calls is still seen. */
	assert_int_equal(a->m.lock_acquire(a->self, "bulk", "a", 2, 100), RRD_OK);
	begin(b, 0);
	put(b, "k", "b's");
	commit(b);
	assert_int_equal(a->m.lock_release(a->self, "bulk", "a"), RRD_OK);
	assert_int_equal(begin(a, 0), g + 3);
	assert_string_equal(get(a, "k"), "b's");
	commit(a);
	rrd_store_free(a);
	rrd_store_free(b);
}

/* With the write-ahead log, a reader needs no lock: it sees what was
 * committed when it began, and the generation of that. */
static void test_read_only_snapshot_while_another_writes(void **state)
{
	(void)state;
	rrd_store *a = fresh("snapshot.db", 0, RRD_SQLITE_JOURNAL_WAL);
	rrd_store *b = open_on(path, 0, RRD_SQLITE_JOURNAL_WAL);
	uint64_t g = begin(a, 0);
	put(a, "k", "old");
	commit(a);
	assert_int_equal(begin(a, 0), g + 1);
	put(a, "k", "new");
	uint64_t gb = begin(b, RRD_TXN_READ_ONLY);
	assert_string_equal(get(b, "k"), "old");
	commit(a);
	/* Still the snapshot it began with. */
	assert_string_equal(get(b, "k"), "old");
	rollback(b);
	assert_int_equal(begin(b, RRD_TXN_READ_ONLY), gb + 1);
	assert_string_equal(get(b, "k"), "new");
	rollback(b);
	rrd_store_free(a);
	rrd_store_free(b);
}

static void test_write_lock_held_past_the_timeout_means_retry(void **state)
{
	(void)state;
	rrd_store *a = fresh("busy.db", 0, RRD_SQLITE_JOURNAL_WAL);
	rrd_store *b = open_on(path, 0, RRD_SQLITE_JOURNAL_WAL);
	begin(a, 0);
	put(a, "k", "a's");
	uint64_t gb = 99;
	assert_int_equal(b->m.begin(b->self, 0, &gb), RRD_E_RETRY);
	assert_non_null(strstr(rrd_error_last(), "busy timeout"));
	assert_int_equal(gb, 99);
	/* b holds no transaction: nothing to end, and its writes are refused. */
	assert_int_equal(b->m.rollback(b->self), RRD_E_STATE);
	assert_int_equal(b->m.put(b->self, NS, "k", "b", 1, 0), RRD_E_STATE);
	/* Locks are taken outside transactions: they wait for the write
	 * lock too. */
	assert_int_equal(b->m.lock_acquire(b->self, "bulk", "b", 0, 10), RRD_E_RETRY);
	commit(a);
	begin(b, 0);
	assert_string_equal(get(b, "k"), "a's");
	commit(b);
	assert_int_equal(b->m.lock_acquire(b->self, "bulk", "b", 0, 10), RRD_OK);
	rrd_store_free(a);
	rrd_store_free(b);
}

/* With a rollback journal, a commit waits for readers to finish; one that
 * waited too long fails, and the rollback after it leaves the file as it
 * was. */
static void test_rollback_after_a_failed_commit(void **state)
{
	(void)state;
	rrd_store *a = fresh("failed-commit.db", 0, RRD_SQLITE_JOURNAL_DELETE);
	rrd_store *b = open_on(path, 0, RRD_SQLITE_JOURNAL_DELETE);
	uint64_t g = begin(a, 0);
	put(a, "k", "before");
	commit(a);
	assert_int_equal(begin(a, 0), g + 1);
	put(a, "k", "after");
	assert_int_equal(a->m.timer_set(a->self, "t", 5, 1), RRD_OK);
	begin(b, RRD_TXN_READ_ONLY);
	assert_string_equal(get(b, "k"), "before");
	assert_int_equal(a->m.commit(a->self), RRD_E_RETRY);
	rollback(a);
	assert_int_equal(a->m.rollback(a->self), RRD_E_STATE);
	rollback(b);
	/* The failed commit moved the generation: a distributor trusts
	 * nothing it kept of that transaction. */
	assert_int_equal(begin(a, 0), g + 2);
	assert_string_equal(get(a, "k"), "before");
	rrd_time due;
	assert_int_equal(a->m.timer_next(a->self, &due), RRD_E_NOTFOUND);
	commit(a);
	rrd_store_free(a);
	rrd_store_free(b);
}

static void test_locks_between_handles(void **state)
{
	(void)state;
	rrd_store *a = fresh("locks.db", 5000, RRD_SQLITE_JOURNAL_WAL);
	rrd_store *b = open_on(path, 5000, RRD_SQLITE_JOURNAL_WAL);
	assert_int_equal(a->m.lock_acquire(a->self, "bulk", "a", 0, 100), RRD_OK);
	assert_int_equal(b->m.lock_acquire(b->self, "bulk", "b", 99, 199), RRD_E_BUSY);
	assert_int_equal(b->m.lock_release(b->self, "bulk", "b"), RRD_E_NOTFOUND);
	assert_int_equal(b->m.lock_acquire(b->self, "other", "b", 99, 199), RRD_OK);
	/* Freed, a handle leaves its lock to run out. */
	rrd_store_free(a);
	a = open_on(path, 5000, RRD_SQLITE_JOURNAL_WAL);
	assert_int_equal(b->m.lock_acquire(b->self, "bulk", "b", 50, 150), RRD_E_BUSY);
	assert_int_equal(b->m.lock_acquire(b->self, "bulk", "b", 100, 200), RRD_OK);
	assert_int_equal(a->m.lock_release(a->self, "bulk", "a"), RRD_E_NOTFOUND);
	assert_int_equal(a->m.lock_acquire(a->self, "bulk", "a", 150, 250), RRD_E_BUSY);
	assert_int_equal(b->m.lock_release(b->self, "bulk", "b"), RRD_OK);
	assert_int_equal(a->m.lock_acquire(a->self, "bulk", "a", 150, 250), RRD_OK);
	/* Not inside a transaction, where it could not commit at once. */
	begin(a, 0);
	assert_int_equal(a->m.lock_acquire(a->self, "x", "a", 0, 10), RRD_E_STATE);
	assert_int_equal(a->m.lock_release(a->self, "bulk", "a"), RRD_E_STATE);
	commit(a);
	assert_int_equal(a->m.lock_release(a->self, "bulk", "a"), RRD_OK);
	rrd_store_free(a);
	rrd_store_free(b);
}

/* A timer popped in one handle's open transaction is not handed to
 * another; a rollback gives it back. */
static void test_timer_popped_once(void **state)
{
	(void)state;
	rrd_store *a = fresh("timers.db", 0, RRD_SQLITE_JOURNAL_WAL);
	rrd_store *b = open_on(path, 0, RRD_SQLITE_JOURNAL_WAL);
	begin(a, 0);
	assert_int_equal(a->m.timer_set(a->self, "t", 10, 1), RRD_OK);
	commit(a);
	char key[2 * RRD_ID_MAX + 2];
	rrd_time due;
	begin(a, 0);
	assert_int_equal(a->m.timer_pop(a->self, 20, key, sizeof key, &due), RRD_OK);
	assert_string_equal(key, "t");
	/* b cannot even begin while a holds the write lock. */
	assert_int_equal(b->m.begin(b->self, 0, NULL), RRD_E_RETRY);
	rollback(a);
	begin(b, 0);
	assert_int_equal(b->m.timer_pop(b->self, 20, key, sizeof key, &due), RRD_OK);
	assert_string_equal(key, "t");
	assert_int_equal(due, 10);
	commit(b);
	begin(a, 0);
	assert_int_equal(a->m.timer_pop(a->self, 20, key, sizeof key, &due), RRD_E_NOTFOUND);
	commit(a);
	rrd_store_free(a);
	rrd_store_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_handle_sees_the_others_commits),
		cmocka_unit_test(test_locks_move_no_generation_of_their_own),
		cmocka_unit_test(test_read_only_snapshot_while_another_writes),
		cmocka_unit_test(test_write_lock_held_past_the_timeout_means_retry),
		cmocka_unit_test(test_rollback_after_a_failed_commit),
		cmocka_unit_test(test_locks_between_handles),
		cmocka_unit_test(test_timer_popped_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
