/*
 * Smooth weighted round robin: each pick adds every eligible member's
 * weight to its running score, takes the highest score (ties in join
 * order) and takes the eligible members' total weight from it. Ineligible
 * members keep their score. The saved state is (join number, score) pairs,
 * so scores follow members through joins and removals.
 */
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Scores aligned with p->members; both lists are in join-number order. */
static rrd_status load_scores(const pool_rt *p, const strat_state *ss, int64_t *scores)
{
	rrd_reader r = { ss->data, ss->len, 0 };
	size_t n = ss->len / 16, j = 0;
	for (size_t i = 0; i < p->nmembers; i++)
		scores[i] = 0;
	for (size_t k = 0; k < n; k++) {
		int64_t seq = rrd__read_i64(&r), score = rrd__read_i64(&r);
		while (j < p->nmembers && p->members[j].seq < seq)
			j++;
		if (j < p->nmembers && p->members[j].seq == seq)
			scores[j] = score;
	}
	if (r.failed || ss->len % 16)
		return rrd__fail(RRD_E_STORE, "weighted state of pool \"%s\" is malformed", p->id);
	return RRD_OK;
}

rrd_status rrd__pick_weighted(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	pool_rt *p = req->pool;
	strat_state *ss;
	rrd_status rc = rrd__strat_state(d, p, RRD_STRATEGY_WEIGHTED_ROUND_ROBIN, &ss);
	if (rc)
		return rc;
	size_t n = p->nmembers;
	int64_t *scores = rrd__malloc((n ? n : 1) * sizeof *scores);
	unsigned char *eligible = rrd__malloc(n ? n : 1);
	if (!scores || !eligible) {
		rc = rrd__nomem();
		goto out;
	}
	if ((rc = load_scores(p, ss, scores)))
		goto out;
	int64_t total = 0;
	long best = -1;
	for (size_t i = 0; i < n; i++) {
		agent_rt *a = d->agents[p->members[i].agent];
		rrd_skip_reason why = rrd__ineligible(d, req, a, &rc);
		if (rc)
			goto out;
		eligible[i] = !why;
		if (why) {
			if ((rc = rrd__skip(d, req, a->idx, why)))
				goto out;
			continue;
		}
		scores[i] += a->cfg->weight;
		total += a->cfg->weight;
		if (best < 0 || scores[i] > scores[best])
			best = (long)i;
	}
	if (best < 0) {
		rc = RRD_E_NO_ELIGIBLE;
		goto out;
	}
	scores[best] -= total;
	if (!req->dry_run) {
		rrd_buf b = { 0 };
		for (size_t i = 0; i < n; i++) {
			rrd__buf_i64(&b, p->members[i].seq);
			rrd__buf_i64(&b, scores[i]);
		}
		rc = b.failed ? rrd__nomem() : rrd__strat_state_set(d, ss, b.data, b.len);
		rrd__buf_free(&b);
		if (rc)
			goto out;
	}
	*pos = (size_t)best;
out:
	rrd__free(scores);
	rrd__free(eligible);
	return rc;
}
