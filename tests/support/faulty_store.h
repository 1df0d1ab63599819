/* A store for tests that passes every call to another store (the memory
 * store, or any kind of tests/support/stores.h), counts the calls of each
 * kind (and the scans of each namespace), and fails the ones a test arms,
 * so a test can make one chosen call of the storage interface fail. */
#ifndef RRD_TEST_FAULTY_STORE_H
#define RRD_TEST_FAULTY_STORE_H

#include "rrdist.h"
#include "stores.h"

typedef enum faulty_call {
	FAULTY_BEGIN,
	FAULTY_COMMIT,
	FAULTY_LOCK_ACQUIRE,
	FAULTY_LOCK_RELEASE,
	FAULTY_OTHER, /* every other callback, counted together */
	/* Every callback, counted in one sequence: each call counts here
	 * and under its own kind, and fails when either is armed for it. */
	FAULTY_ANY,
	FAULTY_CALLS
} faulty_call;

typedef struct faulty_store {
	rrd_store *store;  /* what distributors are given */
	rrd_store *inner;  /* the store behind it */
	test_store behind; /* how to close it */
	long calls[FAULTY_CALLS];
	/* Calls of a kind numbered fail_from..fail_to (counting from 1; 0 in
	 * fail_to: no end) return `status` without reaching the inner store,
	 * but for rollback, which the inner store still does: a rollback
	 * that fails must still keep none of the transaction's writes.
	 * fail_from 0: none fail. */
	long fail_from[FAULTY_CALLS], fail_to[FAULTY_CALLS];
	long failed[FAULTY_CALLS]; /* calls refused so far */
	const char *refused;       /* the callback refused last, by name */
	long scans[16];            /* scans of each namespace (rrd_store_ns) */
	int status;                /* what a refused call returns; 0: RRD_E_STORE */
	/* lock_acquire and lock_release, which run outside transactions,
	 * count in no sequence of FAULTY_ANY (for a status that only a
	 * transaction's callbacks may return). */
	int any_spares_locks;
	int no_generation;         /* begin reports RRD_STORE_NO_GENERATION */
	long read_only_begins;     /* begins with RRD_TXN_READ_ONLY */
	long exclusive_begins;     /* begins with RRD_TXN_EXCLUSIVE, refused ones too */
	long get_manys;            /* calls of get_many */
	long has_manys;            /* calls of has_many */
	long add_manys;            /* calls of add_many */
	long gets;                 /* calls of get */
	long scans_all;            /* calls of scan */
} faulty_store;

/* The message a refused call leaves for rrd_error_last(). */
#define FAULTY_MESSAGE "the test's store refused the call"

/* In front of a memory store. */
faulty_store *faulty_store_new(void);
/* In front of a new store of `kind`. */
faulty_store *faulty_store_new_on(const test_store_kind *kind);
/* Frees the store and the one behind it; free its distributors first. */
void faulty_store_free(faulty_store *fs);
/* Fail `count` calls of `kind` (0: all of them) after the next `skip`. */
void faulty_store_arm(faulty_store *fs, faulty_call kind, long skip, long count);
/* Fail no more calls of `kind`. */
void faulty_store_disarm(faulty_store *fs, faulty_call kind);

#endif
