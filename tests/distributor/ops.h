/*
 * Every public operation, each run once on a distributor prepared with
 * something of everything (a pool for every strategy, rules, offers, a
 * queue, a job), for the drivers that run them with a fault: the Nth
 * allocation failed (test_alloc_failure.c), the Nth store call failed
 * (test_store_failure.c) or told to run again (test_store_retry.c).
 */
#ifndef RRD_TEST_OPS_H
#define RRD_TEST_OPS_H

#include "snapshot.h"

/* Runs one public call with the fault armed (ops_arm / ops_disarm
 * around it, so that building its inputs and reading its outputs are
 * never failed), describes what the call handed back in `out`, and
 * frees its inputs and outputs. */
typedef rrd_status (*op_fn)(fixture *f, char *out, size_t cap);

typedef struct op {
	const char *name;
	op_fn run;
	/* Commits in steps, each its own transaction (advance): a failure
	 * may come after a step committed. Only one step is due here, so a
	 * failed run leaves either the state before or the state after. */
	int in_steps;
	/* Changes nothing the snapshot shows, even when it succeeds. */
	int reads;
} op;

extern const op ops[];
extern const size_t ops_count;
/* The ids the snapshot looks at. */
extern const snap_ids ops_ids;

/* The distributor every run starts from, on `store` (NULL: a memory
 * store of the fixture's own). */
fixture *ops_prepare(rrd_store *store);
/* Forget what a clean run found (the deadline advance goes to): before
 * each operation's first run. */
void ops_reset(void);

/* Helpers the drivers build their own cases with. */
void ops_submit(fixture *f, const char *id, const char *pool, const char *source, double lat,
		double lon);

/* What the driver supplies: arm and disarm its fault, and report a
 * problem of the running operation (printf-style). */
void ops_arm(void);
void ops_disarm(void);
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void ops_report(const char *fmt, ...);

#endif
