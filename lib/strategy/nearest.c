/*
 * Nearest: the eligible member closest to the record (great-circle
 * distance; ties to the member who joined first). A k-d tree over the
 * members with a location answers in about O(log n), asking eligibility
 * only of members that could beat the best found so far.
 */
#include "geo/kdtree.h"
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/error.h"

rrd_status rrd__agents_kdtree(rrd_distributor *d, const rrd_member *members, size_t n,
			       rrd_kdtree **out)
{
	size_t count = members ? n : d->nagents, used = 0;
	rrd_geo_point *pts = rrd__malloc((count ? count : 1) * sizeof *pts);
	uint32_t *ids = rrd__malloc((count ? count : 1) * sizeof *ids);
	rrd_kdtree *t = NULL;
	int failed = !pts || !ids;
	for (size_t i = 0; !failed && i < count; i++) {
		const rrd_agent *c = d->agents[members ? members[i].agent : i]->cfg;
		if (c->has_location && rrd__geo_point(c->lat, c->lon, &pts[used]) == 0)
			ids[used++] = (uint32_t)i;
	}
	if (!failed)
		failed = rrd__kdtree_build(&t, pts, ids, used) != 0;
	rrd__free(pts);
	rrd__free(ids);
	if (failed)
		return rrd__nomem();
	*out = t;
	return RRD_OK;
}

/* The tree over a pool's members with a location, as of configuration
 * generation `config` (0: never built). */
typedef struct members_tree {
	uint64_t config;
	rrd_kdtree *tree;
} members_tree;

static void members_tree_free(void *data)
{
	members_tree *t = data;
	rrd__kdtree_free(t->tree);
	rrd__free(t);
}

static rrd_status pool_tree(rrd_distributor *d, rrd_pool_rt *p, rrd_kdtree **out)
{
	members_tree *mt;
	rrd_status rc = rrd__strat_cache(d, p, RRD_STRATEGY_NEAREST, sizeof *mt, members_tree_free,
					 (void **)&mt);
	if (rc)
		return rc;
	if (!rrd__config_fresh(d, mt->config)) {
		rrd_kdtree *t;
		if ((rc = rrd__agents_kdtree(d, p->members, p->nmembers, &t)))
			return rc;
		rrd__kdtree_free(mt->tree);
		mt->tree = t;
		mt->config = d->config_gen;
	}
	*out = mt->tree;
	return RRD_OK;
}

typedef struct accept_ctx {
	rrd_distributor *d;
	const rrd_pick_req *req;
	rrd_status err;
} accept_ctx;

static int accept_member(void *ctx, uint32_t pos)
{
	accept_ctx *ac = ctx;
	if (ac->err)
		return 0;
	rrd_agent_rt *a = ac->d->agents[ac->req->pool->members[pos].agent];
	return !rrd__ineligible(ac->d, ac->req, a, &ac->err) && !ac->err;
}

rrd_status rrd__pick_nearest(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	rrd_pool_rt *p = req->pool;
	rrd_status rc = rrd__skip_all_ineligible(d, req);
	if (rc)
		return rc;
	const rrd_record *r = req->record;
	rrd_geo_point q;
	if (!r || !r->has_location || rrd__geo_point(r->lat, r->lon, &q))
		return RRD_E_NO_ELIGIBLE;
	rrd_kdtree *tree = NULL;
	if ((rc = pool_tree(d, p, &tree)))
		return rc;
	accept_ctx ac = { d, req, RRD_OK };
	uint32_t id;
	double chord2;
	int found = rrd__kdtree_nearest(tree, &q, accept_member, &ac, &id, &chord2);
	if (ac.err)
		return ac.err;
	if (!found)
		return RRD_E_NO_ELIGIBLE;
	*pos = id;
	return RRD_OK;
}
