/*
 * Strict round robin. The saved state is the join number of the member
 * served last, not a position: members joining later have larger numbers
 * and so come after everyone already in line, and removing a member
 * leaves the cursor meaningful (the next larger number goes next). The
 * state also identifies the agent served last (a 64-bit hash of the id,
 * so the state keeps one size and is rewritten in place): one who left
 * and joined again has a new, larger number, but must not be served again
 * before the others have had their turn.
 */
#include "strategy/strategy.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Position of the first member joined after `cursor`, wrapping to 0. */
static size_t first_after(const rrd_pool_rt *p, int64_t cursor)
{
	size_t i = cursor == INT64_MAX ? p->nmembers : rrd__member_from(p, cursor + 1);
	return i == p->nmembers ? 0 : i;
}

/* Where round robin chose last: usually the cursor, unless the members
 * changed since, which the join number there tells. */
typedef struct rr_hint {
	size_t pos;
} rr_hint;

static rrd_status chosen(rrd_distributor *d, const rrd_pick_req *req, rrd_pool_rt *p,
			 rrd_strat_state *ss, size_t i, size_t *pos)
{
	if (!req->dry_run) {
		unsigned char *b;
		rrd_status rc = rrd__strat_state_room(d, ss, 16, &b);
		if (rc)
			return rc;
		rrd__put_i64(b, p->members[i].seq);
		rrd__put_i64(b + 8, (int64_t)p->members[i].id_hash);
		if (ss->cache.data)
			((rr_hint *)ss->cache.data)->pos = i;
	}
	*pos = i;
	return RRD_OK;
}

rrd_status rrd__pick_round_robin(rrd_distributor *d, const rrd_pick_req *req, size_t *pos)
{
	rrd_pool_rt *p = req->pool;
	rrd_strat_state *ss;
	rrd_status rc = rrd__strat_state(d, p, RRD_STRATEGY_ROUND_ROBIN, &ss);
	if (rc || (rc = rrd__memberships(d)))
		return rc;
	int64_t cursor = INT64_MIN;
	uint64_t last = 0;
	int has_last = 0;
	if (ss->len) {
		rrd_reader r = { ss->data, ss->len, 0 };
		cursor = rrd__read_i64(&r);
		if (r.left) {
			last = (uint64_t)rrd__read_i64(&r);
			has_last = 1;
		}
		if (r.failed || r.left)
			return rrd__fail(RRD_E_STORE, "round robin state of pool \"%s\" is malformed",
					 p->id);
	}
	rr_hint *h = NULL;
	/* Without one (no memory for it), each pick looks for the cursor. */
	(void)rrd__cache_data(&ss->cache, sizeof *h, rrd__free, (void **)&h);
	size_t n = p->nmembers, start = 0;
	size_t hint = h ? h->pos : n;
	/* Usually the cursor is the member chosen last, at the hint. */
	if (hint < n && p->members[hint].seq == cursor)
		start = hint + 1 < n ? hint + 1 : 0;
	else if (n)
		start = first_after(p, cursor);
	long rejoined = -1; /* the last one served, back under a new number */
	/* Without per-record conditions, a plain member is eligible as it is:
	 * no need to visit the agent (what keeps large pools fast). */
	int plain_is_eligible = !req->skills && !req->noffered;
	for (size_t k = 0; k < n; k++) {
		size_t i = start + k < n ? start + k : start + k - n;
		const rrd_member *m = &p->members[i];
		if (!(plain_is_eligible && m->plain)) {
			rrd_agent_rt *a = d->agents[m->agent];
			rrd_skip_reason why = rrd__ineligible(d, req, a, &rc);
			if (rc)
				return rc;
			if (why) {
				if ((rc = rrd__skip(d, req, a->idx, why)))
					return rc;
				continue;
			}
		}
		if (has_last && m->seq != cursor && m->id_hash == last) {
			rejoined = (long)i;
			continue;
		}
		return chosen(d, req, p, ss, i, pos);
	}
	if (rejoined >= 0)
		return chosen(d, req, p, ss, (size_t)rejoined, pos);
	return RRD_E_NO_ELIGIBLE;
}
