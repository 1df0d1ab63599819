/* A store for tests that passes every call to an in-memory store, counts
 * the calls of each kind (and the scans of each namespace), and fails the
 * ones a test arms, so a test can make one chosen call of the storage
 * interface fail. */
#ifndef RRD_TEST_FAULTY_STORE_H
#define RRD_TEST_FAULTY_STORE_H

#include "rrdist.h"

typedef enum faulty_call {
	FAULTY_BEGIN,
	FAULTY_COMMIT,
	FAULTY_LOCK_ACQUIRE,
	FAULTY_LOCK_RELEASE,
	FAULTY_OTHER, /* every other callback: counted together, never failed */
	FAULTY_CALLS
} faulty_call;

typedef struct faulty_store {
	rrd_store *store;  /* what distributors are given */
	rrd_store *inner;  /* the memory store behind it */
	long calls[FAULTY_CALLS];
	/* Calls of a kind numbered fail_from..fail_to (counting from 1; 0 in
	 * fail_to: no end) return RRD_E_STORE without reaching the inner
	 * store. fail_from 0: none fail. */
	long fail_from[FAULTY_CALLS], fail_to[FAULTY_CALLS];
	long failed[FAULTY_CALLS]; /* calls refused so far */
	long scans[16];            /* scans of each namespace (rrd_store_ns) */
	int status;                /* what a refused call returns; 0: RRD_E_STORE */
	int no_generation;         /* begin reports RRD_STORE_NO_GENERATION */
	long read_only_begins;     /* begins with RRD_TXN_READ_ONLY */
	long get_manys;            /* calls of get_many */
	long gets;                 /* calls of get */
	long scans_all;            /* calls of scan */
} faulty_store;

faulty_store *faulty_store_new(void);
/* Frees the store; free its distributors first. */
void faulty_store_free(faulty_store *fs);
/* Fail `count` calls of `kind` (0: all of them) after the next `skip`. */
void faulty_store_arm(faulty_store *fs, faulty_call kind, long skip, long count);
/* Fail no more calls of `kind`. */
void faulty_store_disarm(faulty_store *fs, faulty_call kind);

#endif
