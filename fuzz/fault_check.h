/*
 * What the harnesses share about checking a document for every fault: the
 * check goes on past faulty items where the load stops at the first, and
 * the two must still agree on whether there is any.
 */
#ifndef RRD_FUZZ_FAULT_CHECK_H
#define RRD_FUZZ_FAULT_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rrdist/common.h"

/* The faults a check told: how many, and the first. */
typedef struct fault_tally {
	size_t count;
	char first[512];
} fault_tally;

/* An rrd_fault_fn: `user` is a fault_tally. */
static void count_fault(void *user, const char *message)
{
	fault_tally *t = user;
	if (!*message)
		abort(); /* every fault says what it is */
	if (!t->count++)
		snprintf(t->first, sizeof t->first, "%s", message);
}

/* Abort unless the load (load_rc, with load_message) and the check
 * (check_rc, with `faults` told) agree: on whether there is a fault, and
 * on the first one, which the check tells as the load reports it. Out of
 * memory on either side proves nothing. */
static void faults_agree(const char *harness, rrd_status load_rc, const char *load_message,
			 rrd_status check_rc, const fault_tally *faults)
{
	if (load_rc == RRD_E_NOMEM || check_rc == RRD_E_NOMEM)
		return;
	int load_ok = load_rc == RRD_OK;
	if (load_ok == (check_rc == RRD_OK) && load_ok == (faults->count == 0) &&
	    (load_ok || strcmp(load_message, faults->first) == 0))
		return;
	fprintf(stderr, "%s: load says %s (%s), the check %s with %zu faults, the first %s\n",
		harness, rrd_status_name(load_rc), load_ok ? "" : load_message,
		rrd_status_name(check_rc), faults->count, faults->count ? faults->first : "none");
	abort();
}

#endif
