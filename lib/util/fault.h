/*
 * Checking a document for every fault rather than the first. Loaders that
 * can do either share this: with a callback, each fault is told and the
 * loader goes on with the next item; without, the first fault ends the
 * load as it always did.
 */
#ifndef RRD_UTIL_FAULT_H
#define RRD_UTIL_FAULT_H

#include <stddef.h>

#include "rrdist/common.h"

/* Faults told before a check gives up on a document: one wrong throughout
 * would bury the first ones. */
#define RRD_FAULTS_MAX 100

typedef struct rrd_faults {
	rrd_fault_fn fn; /* NULL: stop at the first fault */
	void *user;
	size_t count;    /* faults told so far */
} rrd_faults;

/* `rc` from reading one item (or section) of the document. With f->fn set,
 * a fault (anything but RRD_OK and RRD_E_NOMEM) is told with
 * rrd_error_last() and RRD_OK lets the loader go on, until the
 * RRD_FAULTS_MAX-th, which ends the check with RRD_E_PARSE. Without
 * f->fn, `rc` is returned as it is. */
rrd_status rrd__fault(rrd_faults *f, rrd_status rc);

/* The loader's result: `rc`, or, when that is RRD_OK but faults were told,
 * RRD_E_PARSE counting them. */
rrd_status rrd__faults_end(const rrd_faults *f, rrd_status rc);

/* A fault that is the document's only one, as nothing can be read past
 * it: told when fn is set (then RRD_E_PARSE counting it), else `rc` as it
 * is. */
rrd_status rrd__fault_alone(rrd_fault_fn fn, void *user, rrd_status rc);

#endif
