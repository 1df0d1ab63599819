/* The record cache and the one place where ownership changes, so every
 * agent's open count stays equal to what the records say. */
#include <string.h>

#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

static rrd_status mark_dirty_idx(rrd_distributor *d, size_t idx)
{
	rrd_rec_rt *rec = &d->recs[idx];
	if (rec->dirty)
		return RRD_OK;
	if (rrd__dirty_add(&d->dirty_recs, (void *)(uintptr_t)idx))
		return rrd__nomem();
	rec->dirty = 1;
	return RRD_OK;
}

rrd_status rrd__rec_dirty(rrd_distributor *d, rrd_rec_rt *rec)
{
	if (rec->batch) {
		/* Its batch writes it (rrd__rec_batch_write). */
		rec->dirty = 1;
		return RRD_OK;
	}
	return mark_dirty_idx(d, (size_t)(rec - d->recs));
}

static void drop_slot(rrd_distributor *d, uint32_t i)
{
	rrd_rec_rt *rec = &d->recs[i];
	rrd__hashmap_del(&d->rec_map, rec->r->id);
	rrd_record_free(rec->r);
	rec->r = NULL;
	/* rec_free was grown when the slot was taken. */
	d->rec_free[d->nrec_free++] = i;
}

/* A free slot index, growing the arrays; -1 when out of memory. */
static long take_slot(rrd_distributor *d)
{
	if (rrd__hashmap_reserve(&d->rec_map, 1))
		return -1;
	if (d->nrec_free)
		return d->rec_free[--d->nrec_free];
	if (rrd__grow((void **)&d->recs, &d->recs_cap, d->nrecs + 1, sizeof(rrd_rec_rt)) ||
	    rrd__grow((void **)&d->rec_free, &d->rec_free_cap, d->nrecs + 1, sizeof(uint32_t)))
		return -1;
	memset(&d->recs[d->nrecs], 0, sizeof(rrd_rec_rt));
	return (long)d->nrecs++;
}

/* Cache `r`, read from the store with `order`, in place of a stale copy
 * in slot `i` when `cached`, else in a slot of its own. */
static rrd_status rec_place(rrd_distributor *d, int cached, uint32_t i, rrd_record *r,
			    int64_t order, rrd_rec_rt **out)
{
	rrd_record *old = NULL;
	if (!cached) {
		long slot = take_slot(d);
		if (slot < 0) {
			rrd_record_free(r);
			return rrd__nomem();
		}
		i = (uint32_t)slot;
	} else {
		old = d->recs[i].r;
	}
	d->recs[i] = (rrd_rec_rt){ .r = r, .epoch = d->epoch, .order = order };
	/* Reserved above, or present (then it only swaps the key pointer, so
	 * the old record may go only afterwards). */
	rrd__hashmap_put(&d->rec_map, r->id, i);
	rrd_record_free(old);
	if (out)
		*out = &d->recs[i];
	return RRD_OK;
}

/* Cache the record the store holds as `v` (`len` bytes, `order`). */
static rrd_status rec_keep(rrd_distributor *d, int cached, uint32_t i, const void *v, size_t len,
			   int64_t order, rrd_rec_rt **out)
{
	rrd_record *r;
	rrd_status s = rrd__record_decode(v, len, &r);
	return s ? s : rec_place(d, cached, i, r, order, out);
}

/* rrd__rec_get without the message for a record that is not there:
 * RRD_E_NOTFOUND alone, so asking whether a new id is free costs no
 * formatting. `hash` is the id's (rrd__hash_str). `not_stored`: the
 * store is known to hold no such record, so only the cache (this
 * transaction's new records) is asked. */
static rrd_status rec_find(rrd_distributor *d, const char *id, uint32_t hash, int not_stored,
			   rrd_rec_rt **out)
{
	uint32_t i;
	int cached = rrd__hashmap_get_hashed(&d->rec_map, id, hash, &i);
	if (cached && d->recs[i].epoch == d->epoch) {
		*out = &d->recs[i];
		return RRD_OK;
	}
	rrd_store *st = d->store;
	const void *v;
	size_t len;
	int64_t order;
	int rc = not_stored ? RRD_E_NOTFOUND
			    : st->m.get(st->self, RRD_NS_RECORD, id, &v, &len, &order);
	if (rc == RRD_E_NOTFOUND) {
		if (cached)
			drop_slot(d, i);
		return RRD_E_NOTFOUND;
	}
	if (rc)
		return rrd__store_status(rc, "reading a record");
	return rec_keep(d, cached, i, v, len, order, out);
}

/* rrd__rec_uncache of one id, whose hash is given. */
static rrd_rec_rt *uncache(rrd_distributor *d, const char *id, uint32_t hash)
{
	uint32_t i;
	if (!rrd__hashmap_get_hashed(&d->rec_map, id, hash, &i))
		return NULL;
	rrd_rec_rt *rec = &d->recs[i];
	if (rec->epoch == d->epoch && rec->dirty)
		return rec;
	/* Unchanged, as the store has it, or stale already: stale it is, as
	 * another writer's commit would leave it, to be read afresh when
	 * next asked for or to go with the next trim. No epoch is 0. */
	rec->epoch = 0;
	return NULL;
}

/* Ids looked up at a time: their slots, and then the keys there, are
 * asked for before any is compared, so that the cache misses of a large
 * cache overlap. */
#define UNCACHE_CHUNK 16

void rrd__rec_uncache(rrd_distributor *d, const char *const *ids, size_t n, rrd_rec_rt **out)
{
	if (!d->rec_map.count) {
		for (size_t k = 0; k < n; k++)
			out[k] = NULL;
		return;
	}
	uint32_t hash[UNCACHE_CHUNK];
	for (size_t base = 0; base < n; base += UNCACHE_CHUNK) {
		size_t m = n - base < UNCACHE_CHUNK ? n - base : UNCACHE_CHUNK;
		for (size_t i = 0; i < m; i++) {
			hash[i] = rrd__hash_str(ids[base + i]);
			rrd__hashmap_prefetch(&d->rec_map, hash[i]);
		}
		for (size_t i = 0; i < m; i++)
			rrd__hashmap_prefetch_key(&d->rec_map, hash[i]);
		for (size_t i = 0; i < m; i++)
			out[base + i] = uncache(d, ids[base + i], hash[i]);
	}
}

rrd_status rrd__rec_get(rrd_distributor *d, const char *id, rrd_rec_rt **out)
{
	rrd_status rc = rec_find(d, id, rrd__hash_str(id), 0, out);
	return rc == RRD_E_NOTFOUND ? rrd__fail(RRD_E_UNKNOWN_RECORD, "no record \"%s\"", id) : rc;
}

static rrd_status ahead_one(rrd_distributor *d, void *ctx, size_t i, const void *value,
			   size_t len, int64_t order)
{
	const char *const *ids = ctx;
	uint32_t slot;
	int cached = rrd__hashmap_get(&d->rec_map, ids[i], &slot);
	return rec_keep(d, cached, slot, value, len, order, NULL);
}

rrd_status rrd__rec_read_ahead(rrd_distributor *d, const char *const *ids, size_t n)
{
	const char **want = NULL;
	size_t nwant = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t slot;
		if (rrd__hashmap_get(&d->rec_map, ids[i], &slot) && d->recs[slot].epoch == d->epoch)
			continue;
		if (!want && !(want = rrd__malloc(n * sizeof *want)))
			return rrd__nomem();
		want[nwant++] = ids[i];
	}
	rrd_status rc = rrd__get_many(d, RRD_NS_RECORD, nwant, want, ahead_one, want,
				      "reading records");
	rrd__free(want);
	return rc;
}

rrd_status rrd__rec_add(rrd_distributor *d, rrd_record *r, rrd_rec_newness how,
			rrd_rec_rt **out)
{
	rrd_rec_rt *existing;
	/* Hashed once: the id is looked up, then put. */
	uint32_t hash = rrd__hash_str(r->id);
	rrd_status rc = rec_find(d, r->id, hash, how != RRD_REC_ASK, &existing);
	if (rc == RRD_OK)
		return rrd__fail(RRD_E_EXISTS, "a record \"%s\" exists already", r->id);
	if (rc != RRD_E_NOTFOUND)
		return rc;
	int64_t order;
	if ((rc = rrd__order_next(d, "seq.record", &order)))
		return rc;
	long slot = take_slot(d);
	if (slot < 0)
		return rrd__nomem();
	/* Noted as new: the store holds nothing of it. */
	d->recs[slot] = (rrd_rec_rt){ .r = r, .epoch = d->epoch, .order = order, .noted = 1,
				      .unasked = how == RRD_REC_UNASKED };
	if ((rc = mark_dirty_idx(d, (size_t)slot))) {
		d->recs[slot].r = NULL;
		d->rec_free[d->nrec_free++] = (uint32_t)slot;
		return rc;
	}
	/* Absent (rec_find said so), with room (take_slot made it). */
	rrd__hashmap_insert_absent(&d->rec_map, r->id, hash, (uint32_t)slot);
	*out = &d->recs[slot];
	return RRD_OK;
}

void rrd__rec_settle(rrd_distributor *d, rrd_rec_rt *rec)
{
	/* Without room the record merely stays cached until the next trim. */
	if (!rrd__grow((void **)&d->settled, &d->settled_cap, d->nsettled + 1,
		       sizeof *d->settled))
		d->settled[d->nsettled++] = (struct settled_rec){ (long)(rec - d->recs), rec->r };
}

void rrd__rec_trim(rrd_distributor *d)
{
	if (d->in_txn)
		return;
	for (size_t k = 0; k < d->nsettled; k++) {
		long i = d->settled[k].slot;
		const rrd_record *r = d->settled[k].r;
		if ((size_t)i < d->nrecs && d->recs[i].r == r && r->status != RRD_RECORD_OFFERED)
			drop_slot(d, (uint32_t)i);
	}
	d->nsettled = 0;
	size_t cached = d->nrecs - d->nrec_free;
	if (cached <= RRD_REC_CACHE_MAX || cached <= d->rec_trim_at)
		return;
	/* Outside a transaction every cached record is in the store as it
	 * is. Records under offer stay: their claims and deadlines come
	 * soon. The rest go, so the cache does not grow with every record
	 * ever routed. */
	size_t kept = 0;
	/* Cleared rather than freed: the next records fill the same table,
	 * and a fresh one would have to grow (and the heap to coalesce)
	 * every time. */
	rrd__hashmap_clear(&d->rec_map);
	for (size_t i = 0; i < d->nrecs; i++) {
		rrd_record *r = d->recs[i].r;
		if (r && r->status == RRD_RECORD_OFFERED)
			d->recs[kept++] = d->recs[i]; /* no index is held between calls */
		else
			rrd_record_free(r);
	}
	if (rrd__hashmap_reserve(&d->rec_map, kept)) {
		/* Out of memory: forget these too; they are read again. */
		for (size_t i = 0; i < kept; i++)
			rrd_record_free(d->recs[i].r);
		kept = 0;
	}
	for (size_t i = 0; i < kept; i++)
		rrd__hashmap_put(&d->rec_map, d->recs[i].r->id, (uint32_t)i);
	d->nrecs = kept;
	d->nrec_free = 0;
	/* Look again only once the cache has doubled: trimming stays O(1)
	 * a call however many offers are live. */
	d->rec_trim_at = 2 * kept;
}

static int holds_open(rrd_record_status s)
{
	return s == RRD_RECORD_PENDING || s == RRD_RECORD_CLAIMED;
}

rrd_status rrd__rec_transition(rrd_distributor *d, rrd_rec_rt *rec, rrd_agent_rt *owner,
			       rrd_record_status status)
{
	rrd_record *r = rec->r;
	rrd_agent_rt *old = r->owner ? rrd__agent_find(d, r->owner) : NULL;
	rrd_agent_state *ost = NULL, *nst = NULL;
	rrd_status rc;
	/* Everything that can fail comes first. */
	if (old && (rc = rrd__agent_state(d, old, &ost)))
		return rc;
	if (owner && (rc = rrd__agent_state(d, owner, &nst)))
		return rc;
	/* A batch's record (in an arena) frees nothing it holds and lives
	 * within its transaction, and the agents stay until the
	 * configuration is read again, which only a transaction's beginning
	 * does: it takes the agent's id as it is. */
	char *id = NULL;
	if (owner && owner->id != r->owner && !(id = r->arena ? owner->id : rrd__strdup(owner->id)))
		return rrd__nomem();
	int was_open = old && holds_open(r->status);
	int now_open = owner && holds_open(status);
	/* Noted once the record is listed to be written, so that a note
	 * never outlives its transaction. */
	if ((rc = rrd__rec_dirty(d, rec)) || (!rec->noted && (rc = rrd__by_owner_note(d, rec))) ||
	    (was_open && (rc = rrd__agent_state_dirty(d, old))) ||
	    (now_open && (rc = rrd__agent_state_dirty(d, owner)))) {
		/* A batch's record borrowed the agent's own id. */
		if (!r->arena)
			rrd__free(id);
		return rc;
	}
	if (was_open) {
		ost->open--;
		rrd__agent_changed(d, old);
	}
	if (now_open) {
		nst->open++;
		rrd__agent_changed(d, owner);
	}
	if (!owner) {
		rrd__record_release(r, r->owner);
		r->owner = NULL;
	} else if (id) {
		rrd__record_release(r, r->owner);
		r->owner = id;
	}
	r->status = status;
	return RRD_OK;
}

rrd_status rrd__count_assignment(rrd_distributor *d, rrd_agent_rt *a, rrd_time now)
{
	rrd_agent_state *st;
	rrd_status rc = rrd__agent_state(d, a, &st);
	if (!rc)
		rc = rrd__agent_state_dirty(d, a);
	if (rc)
		return rc;
	int64_t day = rrd__agent_day(d, a, now);
	if (st->day != day) {
		st->day = day;
		st->today = 0;
	}
	st->today++;
	st->last = now;
	rrd__agent_changed(d, a);
	return RRD_OK;
}
