/*
 * Records by the batch (core.h): read with one call for all the ids,
 * decoded into one arena, written with one put_many. Whatever a batch
 * record gains while it changes (an owner's id, a role) is carved from
 * the same arena, so emptying the batch frees them all at once.
 */
#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

/* The batch's records, emptied; the arena keeps its newest chunk. */
static void empty(rrd_rec_batch *b)
{
	b->nrecs = 0;
	rrd__arena_reset(&b->arena);
	rrd__puts_reset(&b->puts);
}

typedef struct load_ctx {
	rrd_rec_batch *b;
	rrd_rec_rt **out;
} load_ctx;

static rrd_status load_one(rrd_distributor *d, void *ctx, size_t k, const void *v, size_t len,
			   int64_t order)
{
	load_ctx *c = ctx;
	rrd_rec_batch *b = c->b;
	rrd_record *r;
	rrd_status rc = rrd__record_decode_arena(v, len, &b->arena, &r);
	if (rc) {
		if (rc == RRD_E_STORE)
			b->unreadable = b->at[k];
		return rc;
	}
	/* b->recs has room for every key: nothing handed out moves. */
	rrd_rec_rt *rec = &b->recs[b->nrecs++];
	/* Its strings stay in the arena until the batch is emptied, the
	 * owner it was read with too. */
	*rec = (rrd_rec_rt){ .r = r, .epoch = d->epoch, .batch = 1, .order = order,
			     .was_owner = r->owner, .noted = 1, .was_stored = 1,
			     .was_status = r->status };
	c->out[b->at[k]] = rec;
	return RRD_OK;
}

rrd_status rrd__rec_batch_load(rrd_distributor *d, rrd_rec_batch *b, const char *const *ids,
			       size_t n, rrd_rec_rt **out)
{
	empty(b);
	b->unreadable = n;
	if (rrd__grow((void **)&b->recs, &b->recs_cap, n, sizeof *b->recs) ||
	    rrd__grow((void **)&b->keys, &b->keys_cap, n, sizeof *b->keys) ||
	    rrd__grow((void **)&b->at, &b->at_cap, n, sizeof *b->at))
		return rrd__nomem();
	rrd__rec_uncache(d, ids, n, out);
	size_t m = 0;
	for (size_t k = 0; k < n; k++) {
		if (out[k])
			continue;
		b->keys[m] = ids[k];
		b->at[m++] = k;
	}
	load_ctx c = { b, out };
	return rrd__get_many(d, RRD_NS_RECORD, m, b->keys, load_one, &c, "reading records");
}

rrd_status rrd__rec_batch_write(rrd_distributor *d, rrd_rec_batch *b)
{
	rrd_puts *p = &b->puts;
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < b->nrecs; i++) {
		const rrd_rec_rt *rec = &b->recs[i];
		if (!rec->dirty)
			continue;
		size_t from = p->bytes.len;
		rrd__record_encode(rec->r, &p->bytes);
		rc = rrd__puts_add(p, rec->r->id, rrd__record_id_len(rec->r), from, rec->order);
	}
	/* Their entries in the index by owner, written with them. */
	if (!rc)
		rc = rrd__by_owner_batch(d, b->recs, b->nrecs);
	if (!rc)
		rc = rrd__puts_write(d, p, RRD_NS_RECORD, "writing records");
	if (!rc)
		rc = rrd__by_owner_write(d);
	empty(b);
	return rc;
}

void rrd__rec_batch_free(rrd_rec_batch *b)
{
	rrd__free(b->recs);
	rrd__free(b->keys);
	rrd__free(b->at);
	rrd__arena_free(&b->arena);
	rrd__puts_free(&b->puts);
	*b = (rrd_rec_batch){ 0 };
}
