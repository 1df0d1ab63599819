/* The stores the storage interface's tests run on, by name. The
 * conformance suite and the drivers that fail store calls take a store's
 * name as their one argument, and tests/meson.build runs each of them
 * once for every name in `test_stores`: a new store is one entry in the
 * table (stores.c) and one name in that list. */
#ifndef RRD_TEST_STORES_H
#define RRD_TEST_STORES_H

#include "rrdist.h"

typedef struct test_store_kind {
	const char *name;
	/* An empty store of this kind, the test's to close with close();
	 * *state is the kind's own (a file to remove, say). */
	rrd_store *(*open)(void **state);
	void (*close)(rrd_store *st, void *state);
	/* begin() reports a generation (a serial store); otherwise always
	 * RRD_STORE_NO_GENERATION (a concurrent one). */
	int serial;
	/* Writes in a read-only transaction fail and change nothing; a
	 * store that lets them through leaves them to the library. */
	int refuses_read_only_writes;
} test_store_kind;

/* The kind named `name` (NULL: the memory store); the test fails when
 * there is none of that name. */
const test_store_kind *test_store_kind_named(const char *name);

/* A store of a kind, open: what to close it with. */
typedef struct test_store {
	const test_store_kind *kind;
	rrd_store *store;
	void *state;
} test_store;

test_store test_store_open(const test_store_kind *kind);
void test_store_close(test_store *ts);

#endif
