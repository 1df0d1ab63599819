/*
 * What SQLite itself costs the SQLite store, with no library around it:
 * the same table, the same settings (WAL, synchronous NORMAL), the rows
 * and transactions bench_durable makes the store write, and nothing else.
 * No key-value layout can do less than this, so these figures bound what
 * the store can reach; durable.py prints them beside the store's own.
 *
 *   floor.sqlite.submit          leads/s: a transaction a lead that asks
 *                                whether the record is new and writes it,
 *                                its agent's counters and the pool's cursor
 *                                (rows of the sizes the store writes);
 *   floor.sqlite.submit_many1000 leads/s: 1,000 leads a transaction,
 *                                each record inserted unasked (an insert
 *                                that would fail on a taken key, as the
 *                                store's add_many), the counters and the
 *                                cursor written once;
 *   floor.sqlite.rewrite15000    ms: 15,000 of 105,000 records of ~111
 *                                bytes read and written again by key, in
 *                                15 transactions of 1,000, as a
 *                                redistribution of bench_durable does.
 *
 * usage: floor_sqlite [FOLDER]   (the file floor.db in it, made afresh
 * for the submits and again for the rewrite; default a new folder under
 * /tmp). Each figure is the median of RRD_BENCH_ROUNDS (5) timed runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RECORDS 105000
#define MOVED 15000
#define BATCH 1000
#define SUBMITS 20000
#define TEAMS 100
#define RECORD_BYTES 111
#define COUNTERS_BYTES 230
#define CURSOR_BYTES 16

static sqlite3 *db;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "floor_sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no database");
	exit(1);
}

static void exec_sql(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

static void step_done(sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		die(what);
	sqlite3_reset(st);
}

static sqlite3_stmt *put, *add, *get;

/* Write one row with `st`, as the store's put (or add) does. */
static void write_row(sqlite3_stmt *st, int ns, const char *key, int klen,
		      const unsigned char *value, int vlen, long ord)
{
	sqlite3_bind_int(st, 1, ns);
	sqlite3_bind_blob(st, 2, key, klen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, value, vlen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ord);
	step_done(st, "a write");
}

static void put_row(int ns, const char *key, int klen, const unsigned char *value, int vlen,
		    long ord)
{
	write_row(put, ns, key, klen, value, vlen, ord);
}

static void get_row(int ns, const char *key, int klen)
{
	sqlite3_bind_int(get, 1, ns);
	sqlite3_bind_blob(get, 2, key, klen, SQLITE_STATIC);
	step_done(get, "a get");
}

static void open_fresh(const char *dir)
{
	char path[4096], side[4200];
	snprintf(path, sizeof path, "%s/floor.db", dir);
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path);
	sqlite3_busy_timeout(db, 5000);
	exec_sql("PRAGMA journal_mode = WAL");
	exec_sql("PRAGMA synchronous = NORMAL");
	/* The store's table (lib/sqlite/schema.c). */
	exec_sql("CREATE TABLE rrd_entry (ns INTEGER NOT NULL, key BLOB NOT NULL, "
		 "value BLOB NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID");
	put = prep("INSERT INTO rrd_entry(ns, key, value, ord) VALUES (?1, ?2, ?3, ?4) "
		   "ON CONFLICT(ns, key) DO UPDATE SET value = excluded.value, ord = excluded.ord");
	add = prep("INSERT INTO rrd_entry(ns, key, value, ord) VALUES (?1, ?2, ?3, ?4)");
	get = prep("SELECT value FROM rrd_entry WHERE ns = ?1 AND key = ?2");
}

static void close_db(void)
{
	sqlite3_finalize(put);
	sqlite3_finalize(add);
	sqlite3_finalize(get);
	sqlite3_close(db);
	db = NULL;
}

static int record_key(char *key, long i)
{
	return snprintf(key, 32, "L0-%ld", i);
}

static void fill(unsigned char *v, size_t n, long seed)
{
	for (size_t i = 0; i < n; i++)
		v[i] = (unsigned char)('a' + (seed + (long)i) % 26);
}

/* 105,000 records, and the counters and cursors of bench_durable's
 * teams (the pool "solo" and 100 others of 10 agents), checkpointed: what
 * every figure starts from. Other teams' rows lie between the pool's
 * cursor and its agents', as they do in the store. */
static void history(void)
{
	unsigned char v[RECORD_BYTES], counters[COUNTERS_BYTES], cursor[CURSOR_BYTES];
	char key[32];
	exec_sql("BEGIN");
	for (long i = 0; i < RECORDS; i++) {
		fill(v, sizeof v, i);
		put_row(6, key, record_key(key, i), v, sizeof v, i);
	}
	for (int t = 0; t <= TEAMS; t++) {
		char team[16];
		if (t)
			snprintf(team, sizeof team, "t%d", t);
		else
			snprintf(team, sizeof team, "solo");
		for (int a = 0; a < 10; a++) {
			int alen = snprintf(key, sizeof key, "%s.%d", team, a);
			fill(counters, sizeof counters, a);
			put_row(7, key, alen, counters, sizeof counters, 0);
		}
		int clen = snprintf(key, sizeof key, "%s\x1Frr", team);
		fill(cursor, sizeof cursor, t);
		put_row(8, key, clen, cursor, sizeof cursor, 0);
	}
	exec_sql("COMMIT");
	exec_sql("PRAGMA wal_checkpoint(TRUNCATE)");
}

static double submits(long *serial)
{
	unsigned char rec[RECORD_BYTES], counters[COUNTERS_BYTES], cursor[CURSOR_BYTES];
	char key[32], agent[16];
	double t0 = now_s();
	for (long n = 0; n < SUBMITS; n++, (*serial)++) {
		long i = RECORDS + *serial;
		int klen = record_key(key, i);
		int alen = snprintf(agent, sizeof agent, "solo.%ld", i % 10);
		fill(rec, sizeof rec, i);
		fill(counters, sizeof counters, i);
		fill(cursor, sizeof cursor, i);
		exec_sql("BEGIN IMMEDIATE");
		get_row(6, key, klen);
		put_row(6, key, klen, rec, sizeof rec, i);
		put_row(7, agent, alen, counters, sizeof counters, 0);
		put_row(8, "solo\x1Frr", 7, cursor, sizeof cursor, 0);
		exec_sql("COMMIT");
	}
	return SUBMITS / (now_s() - t0);
}

static double submit_many(long *serial)
{
	unsigned char rec[RECORD_BYTES], counters[COUNTERS_BYTES], cursor[CURSOR_BYTES];
	char key[32], agent[16];
	double t0 = now_s();
	for (long n = 0; n < SUBMITS * 10; n += BATCH) {
		exec_sql("BEGIN IMMEDIATE");
		for (long k = 0; k < BATCH; k++, (*serial)++) {
			long i = RECORDS + *serial;
			int klen = record_key(key, i);
			fill(rec, sizeof rec, i);
			write_row(add, 6, key, klen, rec, sizeof rec, i);
		}
		for (int a = 0; a < 10; a++) {
			int alen = snprintf(agent, sizeof agent, "solo.%d", a);
			fill(counters, sizeof counters, a + n);
			put_row(7, agent, alen, counters, sizeof counters, 0);
		}
		fill(cursor, sizeof cursor, n);
		put_row(8, "solo\x1Frr", 7, cursor, sizeof cursor, 0);
		exec_sql("COMMIT");
	}
	return SUBMITS * 10 / (now_s() - t0);
}

static double rewrite(int round)
{
	unsigned char v[RECORD_BYTES];
	char key[32];
	double t0 = now_s();
	long moved = 0;
	/* Every 7th run of 1,000, as bench_durable lays the source's out. */
	for (long b = 0; moved < MOVED; b += 7) {
		exec_sql("BEGIN IMMEDIATE");
		for (long i = b * BATCH; i < (b + 1) * BATCH; i++) {
			int klen = record_key(key, i);
			get_row(6, key, klen);
			fill(v, sizeof v, i + round);
			put_row(6, key, klen, v, sizeof v, i);
		}
		exec_sql("COMMIT");
		moved += BATCH;
	}
	return (now_s() - t0) * 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/rrd-floor.XXXXXX";
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
	if (!dir) {
		perror("mkdtemp");
		return 1;
	}
	const char *r = getenv("RRD_BENCH_ROUNDS");
	int rounds = r && atoi(r) > 0 ? atoi(r) : 5;
	if (rounds > 99)
		rounds = 99;
	double rate[99], many[99], ms[99];
	long serial = 0;
	open_fresh(dir);
	history();
	submits(&serial); /* warm-up */
	for (int i = 0; i < rounds; i++) {
		rate[i] = submits(&serial);
		many[i] = submit_many(&serial);
	}
	close_db();
	/* The rewrite on a table of 105,000 records, as the baseline's,
	 * not on one the submits made larger. */
	open_fresh(dir);
	history();
	for (int i = 0; i < rounds; i++)
		ms[i] = rewrite(i);
	close_db();
	printf("bench floor.sqlite.submit %.0f leads/s\n", median(rate, rounds));
	printf("bench floor.sqlite.submit_many1000 %.0f leads/s\n", median(many, rounds));
	printf("bench floor.sqlite.rewrite15000 %.1f ms\n", median(ms, rounds));
	return 0;
}
