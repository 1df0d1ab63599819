/*
 * Least busy (fewest open records) and least recent (oldest last
 * assignment, never first). Ties go to the member who joined first. A
 * min-tree over the members gives the best candidate; one found
 * ineligible is set aside for this pick and the next best is taken, so a
 * pick costs O(log n) for each member passed over.
 */
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"

typedef struct set_aside {
	size_t pos;
	int64_t key;
} set_aside;

static rrd_status pick_min(rrd_distributor *d, const rrd_pick_req *req, int recent, size_t *pos)
{
	rrd_pool_rt *p = req->pool;
	rrd_segtree *t;
	rrd_status rc = rrd__skip_all_ineligible(d, req);
	if (rc || (rc = rrd__index_counts(d, p, recent, &t)))
		return rc;
	set_aside *aside = NULL;
	size_t naside = 0, cap = 0;
	rc = RRD_E_NO_ELIGIBLE;
	for (;;) {
		size_t i = rrd__segtree_argmin(t);
		if (i >= p->nmembers)
			break;
		rrd_status err = RRD_OK;
		if (!rrd__ineligible(d, req, d->agents[p->members[i].agent], &err) && !err) {
			*pos = i;
			rc = RRD_OK;
			break;
		}
		if (err || rrd__grow((void **)&aside, &cap, naside + 1, sizeof *aside)) {
			rc = err ? err : rrd__nomem();
			break;
		}
		aside[naside++] = (set_aside){ i, rrd__segtree_key(t, i) };
		rrd__segtree_set(t, i, INT64_MAX);
	}
	while (naside--)
		rrd__segtree_set(t, aside[naside].pos, aside[naside].key);
	rrd__free(aside);
	return rc;
}

rrd_status rrd__pick_least_busy(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	return pick_min(d, req, 0, pos);
}

rrd_status rrd__pick_least_recent(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	return pick_min(d, req, 1, pos);
}
