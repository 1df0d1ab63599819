#include "store/store.h"

#include <stddef.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

/* Which callbacks a table must provide: all of the version 1 table but
 * close and put_many. Later versions add only optional ones. */
static int has_required(const rrd_store_methods *m)
{
	return m->begin && m->commit && m->rollback && m->get && m->put && m->del &&
	       m->scan && m->timer_set && m->timer_clear && m->timer_next && m->timer_pop &&
	       m->lock_acquire && m->lock_release;
}

RRD_API rrd_status rrd_store_new(rrd_store **out, const rrd_store_methods *methods,
				 void *self)
{
	if (!out || !methods)
		return rrd__fail(RRD_E_INVALID, "out and methods must not be NULL");
	*out = NULL;
	if (methods->version < 1 || methods->version > RRD_STORE_METHODS_VERSION)
		return rrd__fail(RRD_E_VERSION, "store methods version %u is not one of 1..%u",
				 methods->version, RRD_STORE_METHODS_VERSION);
	if (!has_required(methods))
		return rrd__fail(RRD_E_INVALID, "a required store callback is NULL");
	rrd_store *st = rrd__calloc(1, sizeof *st);
	if (!st)
		return rrd__nomem();
	/* Read only as much as the caller's version of the table has; the
	 * callbacks it does not know stay NULL. */
	static const size_t table_size[] = { 0, offsetof(rrd_store_methods, has_many),
					     offsetof(rrd_store_methods, get_many),
					     offsetof(rrd_store_methods, add_many),
					     sizeof(rrd_store_methods) };
	memcpy(&st->m, methods, table_size[methods->version]);
	st->self = self;
	*out = st;
	return RRD_OK;
}

RRD_API void rrd_store_free(rrd_store *st)
{
	if (!st)
		return;
	if (st->m.close)
		st->m.close(st->self);
	rrd__free(st);
}

RRD_API rrd_status rrd_store_error(rrd_status status, const char *message)
{
	return rrd__fail(status, "%s", message ? message : "store error");
}

rrd_status rrd__store_failed(int rc, const char *what)
{
	/* A backend that set a message keeps it; otherwise say what failed. */
	int own = rrd_error_last_status() == rc && *rrd_error_last();
	/* Before RRD_E_RETRY, a store's "busy" (a lock it waited for too
	 * long) meant what "retry" says now; only lock_acquire, which does
	 * not come here, says "busy" about the redistribution lock. */
	if (rc == RRD_E_BUSY)
		rc = RRD_E_RETRY;
	rrd_status s = rc < 0 && rc >= RRD_E_RETRY ? (rrd_status)rc : RRD_E_STORE;
	if (own)
		return rrd__fail(s, "%s", rrd_error_last());
	return rrd__fail(s, "store: %s failed (%s)", what, rrd_status_name((rrd_status)rc));
}
