#include "util/fault.h"

#include "util/error.h"

rrd_status rrd__fault(rrd_faults *f, rrd_status rc)
{
	if (rc == RRD_OK || rc == RRD_E_NOMEM || !f->fn)
		return rc;
	f->fn(f->user, rrd_error_last());
	if (++f->count == RRD_FAULTS_MAX) {
		f->fn(f->user, "$: too many faults; the rest is not checked");
		return rrd__fail(RRD_E_PARSE, "$: too many faults");
	}
	return RRD_OK;
}

rrd_status rrd__faults_end(const rrd_faults *f, rrd_status rc)
{
	if (rc == RRD_OK && f->count)
		return rrd__fail(RRD_E_PARSE, "%zu fault%s in the document", f->count,
				 f->count == 1 ? "" : "s");
	return rc;
}

rrd_status rrd__fault_alone(rrd_fault_fn fn, void *user, rrd_status rc)
{
	rrd_faults f = { fn, user, 0 };
	return rrd__faults_end(&f, rrd__fault(&f, rc));
}
