/* A durable store that several processes open at once, each with a
 * handle of its own, as application servers do: a PostgreSQL schema of
 * the test's own (through tests/pg/cluster.sh, which sets RRD_TEST_PG),
 * or a SQLite file in a temporary folder. */
#ifndef RRD_TEST_SHARED_STORE_H
#define RRD_TEST_SHARED_STORE_H

#include "rrdist.h"

typedef struct shared_store {
	char kind[16];     /* "postgres" or "sqlite" */
	char where[4096];  /* the connection string, or the file */
	char schema[64];   /* postgres: the schema */
} shared_store;

/* A new, empty store of `kind` named after `name` (letters, digits, '_');
 * the test fails when this build has no store of that kind. */
void shared_store_make(shared_store *s, const char *kind, const char *name);
/* A handle of its own on it, for this process or thread. */
rrd_store *shared_store_open(const shared_store *s);
/* Remove it (the schema, or the file and its companions). */
void shared_store_remove(shared_store *s);

#endif
