/* The store handle: a backend's table and state, with the library's
 * checks around it. */
#ifndef RRD_STORE_STORE_H
#define RRD_STORE_STORE_H

#include "rrdist/store.h"
#include "rrdist/sys/store.h"

struct rrd_store {
	rrd_store_methods m;
	void *self;
	/* Its scans read every entry of a namespace, whatever the prefix
	 * (the memory store keeps no order): an index read by prefix would
	 * cost as much to read as what it replaces, and its writes more. */
	int scans_whole;
};

/* Turn a backend's return value into a status with a message. Every
 * store call goes through it, so success costs one comparison. */
rrd_status rrd__store_failed(int rc, const char *what);
static inline rrd_status rrd__store_status(int rc, const char *what)
{
	return rc == RRD_OK ? RRD_OK : rrd__store_failed(rc, what);
}

#endif
