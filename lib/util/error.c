#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A fixed buffer per thread: recording an error must never allocate,
 * since running out of memory is one of the errors it records. */
static _Thread_local char last_message[512];
static _Thread_local rrd_status last_status = RRD_OK;

/* Inside calls that keep the error: how deep, and the error from before
 * the outermost one, once something failed. */
static _Thread_local unsigned keep_depth;
static _Thread_local int kept;
static _Thread_local char kept_message[sizeof last_message];
static _Thread_local rrd_status kept_status;

/* Before the last error changes. */
static void keep_first(void)
{
	if (keep_depth && !kept) {
		memcpy(kept_message, last_message, sizeof kept_message);
		kept_status = last_status;
		kept = 1;
	}
}

rrd_status rrd__fail(rrd_status status, const char *fmt, ...)
{
	keep_first();
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_message, sizeof last_message, fmt, ap);
	va_end(ap);
	last_status = status;
	return status;
}

rrd_status rrd__fail_prefix(rrd_status status, const char *fmt, ...)
{
	/* Formatted apart and then moved in: the message cannot be an
	 * argument of its own formatting. */
	char prefix[sizeof last_message];
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	size_t p = w < 0 ? 0 : (size_t)w < sizeof prefix ? (size_t)w : sizeof prefix - 1;
	size_t m = strlen(last_message);
	if (m > sizeof last_message - 1 - p)
		m = sizeof last_message - 1 - p;
	memmove(last_message + p, last_message, m);
	memcpy(last_message, prefix, p);
	last_message[p + m] = '\0';
	last_status = status;
	return status;
}

rrd_status rrd__nomem(void)
{
	return rrd__fail(RRD_E_NOMEM, "out of memory");
}

void rrd__error_save(rrd_error_saved *e)
{
	e->status = last_status;
	snprintf(e->message, sizeof e->message, "%s", last_message);
}

rrd_status rrd__error_restore(const rrd_error_saved *e)
{
	return rrd__fail(e->status, "%s", e->message);
}

void rrd__error_keep(void)
{
	if (!keep_depth++)
		kept = 0;
}

rrd_status rrd__error_kept(rrd_status rc)
{
	if (--keep_depth || !kept)
		return rc;
	kept = 0;
	if (rc == RRD_OK) {
		memcpy(last_message, kept_message, sizeof last_message);
		last_status = kept_status;
	}
	return rc;
}

RRD_API const char *rrd_error_last(void)
{
	return last_message;
}

RRD_API rrd_status rrd_error_last_status(void)
{
	return last_status;
}

RRD_API void rrd_error_clear(void)
{
	keep_first();
	last_message[0] = '\0';
	last_status = RRD_OK;
}
