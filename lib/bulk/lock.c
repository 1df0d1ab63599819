/*
 * The store's redistribution lock, which lets one job at a time run on a
 * store, across threads, processes and hosts. A job holds it under an
 * owner name of its own, for a short lease that it renews before each
 * batch. A process that dies holding it, or a release that fails, keeps
 * other jobs out until the lease runs out, and no longer.
 *
 * Owner names must never be shared: the store lets a second acquire by
 * the same name through as a renewal. Workers forked from one parent
 * have the same addresses and the same memory, so a name is made of the
 * host, the process id, a random token drawn afresh in every process and
 * a serial number per job.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "bulk/bulk.h"
#include "util/error.h"
#include "util/random.h"

#define LOCK_NAME "redistribute"
#define HOST_MAX 64

/* The token and the process it was drawn in (0: none yet). The token is
 * stored before its pid, so a thread that sees its own pid reads a token
 * drawn in its own process; two threads drawing at once both draw
 * fresh ones, and either will do. No mutex: a fork while another thread
 * held one would leave it held in the child. */
static atomic_uint_least64_t token;
static atomic_long token_pid;
static atomic_ullong serial;

/* The host's name, with anything but letters, digits, '-' and '.' as '_'
 * (a ':' would make the owner ambiguous; the store refuses control
 * characters). */
static void host_name(char out[HOST_MAX + 1])
{
	if (gethostname(out, HOST_MAX + 1) != 0 || !out[0])
		snprintf(out, HOST_MAX + 1, "unknown");
	out[HOST_MAX] = '\0';
	for (char *p = out; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			*p = '_';
	}
}

void rrd__rd_lock_owner(char *buf, size_t cap)
{
	long pid = (long)getpid();
	if (atomic_load(&token_pid) != pid) {
		atomic_store(&token, rrd__random_token());
		atomic_store(&token_pid, pid);
	}
	char host[HOST_MAX + 1];
	host_name(host);
	snprintf(buf, cap, "rrdist:%s:%ld:%016llx:%llu", host, pid,
		 (unsigned long long)atomic_load(&token),
		 (unsigned long long)atomic_fetch_add(&serial, 1));
}

static rrd_status acquire(rrd_distributor *d, const rrd_rd_lock *l, int renew)
{
	rrd_store *st = d->store;
	rrd__lock(d);
	rrd_time now = rrd__now(d);
	int rc = st->m.lock_acquire(st->self, LOCK_NAME, l->owner, now, now + RRD_RD_LEASE);
	rrd__unlock(d);
	if (rc == RRD_E_BUSY)
		return rrd__fail(RRD_E_BUSY, renew ? "another redistribution took the store's lock "
						     "after this job's lease ran out"
						   : "another redistribution is running on this store");
	return rrd__store_status(rc, renew ? "renewing the redistribution lock"
					   : "taking the redistribution lock");
}

rrd_status rrd__rd_lock_take(rrd_distributor *d, rrd_rd_lock *l)
{
	rrd__rd_lock_owner(l->owner, sizeof l->owner);
	return acquire(d, l, 0);
}

rrd_status rrd__rd_lock_renew(rrd_distributor *d, const rrd_rd_lock *l)
{
	return acquire(d, l, 1);
}

void rrd__rd_lock_release(rrd_distributor *d, const rrd_rd_lock *l)
{
	rrd_store *st = d->store;
	rrd__error_keep();
	rrd__lock(d);
	st->m.lock_release(st->self, LOCK_NAME, l->owner);
	rrd__unlock(d);
	rrd__error_kept(RRD_OK);
}
