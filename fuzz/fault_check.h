/*
 * What the harnesses share about checking a document for every fault: the
 * check goes on past faulty items where the load stops at the first, and
 * the two must still agree on whether there is any.
 */
#ifndef RRD_FUZZ_FAULT_CHECK_H
#define RRD_FUZZ_FAULT_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "rrdist/common.h"

/* An rrd_fault_fn: `user` is a size_t counting the faults. */
static void count_fault(void *user, const char *message)
{
	if (!*message)
		abort(); /* every fault says what it is */
	++*(size_t *)user;
}

/* Abort unless the load (load_rc) and the check (check_rc, with `faults`
 * told) agree; out of memory on either side proves nothing. */
static void faults_agree(const char *harness, rrd_status load_rc, rrd_status check_rc,
			 size_t faults)
{
	if (load_rc == RRD_E_NOMEM || check_rc == RRD_E_NOMEM)
		return;
	if ((load_rc == RRD_OK) == (check_rc == RRD_OK) && (load_rc == RRD_OK) == (faults == 0))
		return;
	fprintf(stderr, "%s: load says %s, the check %s with %zu faults\n", harness,
		rrd_status_name(load_rc), rrd_status_name(check_rc), faults);
	abort();
}

#endif
