/*
 * The driver that runs every operation of ops.h with a fault: first
 * cleanly, then once for each N = 1, 2, ... with the Nth countable event
 * (an allocation, a store call) failed, until the operation makes fewer
 * than N. A run that fails must say so with the fault's status and
 * message, leave the distributor as it was (as the snapshot shows: no
 * event either), and run again without the fault exactly as a clean run
 * does; a run that gets past its fault must end exactly as a clean run.
 * Every run starts from a freshly prepared distributor, and leaves no
 * block of the library's allocator behind once it is freed.
 */
#ifndef RRD_TEST_FAULT_DRIVER_H
#define RRD_TEST_FAULT_DRIVER_H

#include "../support/failing_alloc.h"
#include "ops.h"

typedef struct fault_kind {
	const char *what; /* what is failed, for messages: "allocation" */
	/* What a run that does not get past its fault returns; RRD_OK:
	 * every run must get past it, ending as a clean run does. */
	rrd_status fails_with;
	/* What rrd_error_last() then says, in part; NULL: anything. */
	const char *message;
	/* Before each run: the store to prepare on (NULL: the fixture's
	 * own memory store). After each run, its fixture freed: close. */
	rrd_store *(*open)(void);
	void (*close)(void);
	/* Fail the nth event from now on (0: none), and stop. */
	void (*arm)(long n);
	void (*disarm)(void);
	/* Events counted, and refused, between arm and disarm. */
	long (*made)(void);
	long (*refused)(void);
	/* What was refused, for a report (NULL: nothing to add). */
	const char *(*which)(void);
	/* Called before the operation runs, once the state it starts from
	 * is taken (NULL: nothing). */
	void (*before)(fixture *f);
} fault_kind;

/* The N of the running run; 0 for a run without a fault. */
extern long fault_n;

/* The library's allocator during a run, which counts the blocks it hands
 * out (a kind that fails allocations arms it). fault_alloc_start puts
 * it in place; fault_alloc_end, everything freed, reports the blocks
 * left and puts the C library's back. */
extern failing_alloc fault_alloc;
void fault_alloc_start(void);
void fault_alloc_end(void);

/* For a driver's own cases: start reporting problems of `name`, and
 * how many there were since. */
void fault_case_start(const char *name);
int fault_case_problems(void);

/* Run every operation under `kind`, then `extra` (nextra cases), as a
 * cmocka group named `group`; main's return value. */
int fault_main(const fault_kind *kind, const char *group, const struct CMUnitTest *extra,
	       size_t nextra);

#endif
