/* The manual queue: records nobody took, oldest first, each with why. */
#include <string.h>

#include "routing/routing.h"
#include "rrdist/queue.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define QUEUE_FORMAT 1

/* Whether a queue entry is one an auto-drain pool may take back. */
static int drainable_entry(rrd_distributor *d, rrd_queue_reason reason, const char *pool)
{
	rrd_pool_rt *p = reason == RRD_QUEUE_NO_ELIGIBLE_AGENT && pool ? rrd__pool_find(d, pool) : NULL;
	return p && p->cfg->auto_drain;
}

/* A queue entry's leading fields: the format byte (returned), the reason
 * and when the wait began; its pool and rule follow. */
static uint8_t read_head(rrd_reader *r, rrd_queue_reason *reason, rrd_time *since)
{
	uint8_t format = rrd__read_u8(r);
	*reason = (rrd_queue_reason)rrd__read_u8(r);
	*since = rrd__read_i64(r);
	return format;
}

/* Write a record's queue entry at place `order` in the queue. */
static rrd_status put_entry(rrd_distributor *d, const char *record, rrd_queue_reason reason,
			    rrd_time since, const char *pool, const char *rule, int64_t order)
{
	rrd_buf b = { 0 };
	rrd__buf_u8(&b, QUEUE_FORMAT);
	rrd__buf_u8(&b, (uint8_t)reason);
	rrd__buf_i64(&b, since);
	rrd__buf_str(&b, pool);
	rrd__buf_str(&b, rule);
	rrd_store *st = d->store;
	rrd_status rc = b.failed ? rrd__nomem()
				 : rrd__store_status(st->m.put(st->self, RRD_NS_QUEUE, record, b.data,
							       b.len, order),
						     "queueing a record");
	rrd__buf_free(&b);
	if (!rc && drainable_entry(d, reason, pool))
		rrd__drainable_add(d, 1);
	return rc;
}

static rrd_status emit_queued(rrd_distributor *d, const rrd_rec_rt *rec, rrd_queue_reason reason,
			      rrd_time now)
{
	rrd_event ev = { .type = RRD_EVENT_QUEUED, .at = now, .record = rec->r->id,
			 .queue_reason = reason };
	return rrd__emit(d, &ev);
}

static rrd_status push(rrd_distributor *d, rrd_rec_rt *rec, rrd_queue_reason reason,
		       const char *pool, const char *rule, rrd_time now, int emit)
{
	int64_t seq;
	rrd_status rc = rrd__order_next(d, "seq.queue", &seq);
	if (rc || (rc = rrd__rec_transition(d, rec, NULL, RRD_RECORD_QUEUED)) ||
	    (rc = put_entry(d, rec->r->id, reason, now, pool, rule, seq)) || !emit)
		return rc;
	return emit_queued(d, rec, reason, now);
}

rrd_status rrd__queue_push(rrd_distributor *d, rrd_rec_rt *rec, rrd_queue_reason reason,
			   const char *pool, const char *rule, rrd_time now)
{
	return push(d, rec, reason, pool, rule, now, 1);
}

rrd_status rrd__queue_import(rrd_distributor *d, rrd_rec_rt *rec, rrd_time now)
{
	return push(d, rec, RRD_QUEUE_UNKNOWN, NULL, NULL, now, 0);
}

rrd_status rrd__queue_park(rrd_distributor *d, rrd_rec_rt *rec, rrd_time now)
{
	rrd_store *st = d->store;
	const void *v;
	size_t len;
	int64_t order;
	int grc = rec->r->status == RRD_RECORD_QUEUED
			  ? st->m.get(st->self, RRD_NS_QUEUE, rec->r->id, &v, &len, &order)
			  : RRD_E_NOTFOUND;
	if (grc == RRD_E_NOTFOUND)
		return push(d, rec, RRD_QUEUE_MANUAL, NULL, NULL, now, 1);
	if (grc)
		return rrd__store_status(grc, "reading the queue");
	/* Queued already: it keeps its place and the time its wait began. */
	rrd_reader r = { v, len, 0 };
	rrd_queue_reason reason;
	rrd_time since;
	read_head(&r, &reason, &since);
	if (r.failed)
		return rrd__fail(RRD_E_STORE, "queue entry \"%s\" is malformed", rec->r->id);
	rrd_status rc = rrd__queue_remove(d, rec->r->id, -1);
	if (!rc)
		rc = put_entry(d, rec->r->id, RRD_QUEUE_MANUAL, since, NULL, NULL, order);
	return rc ? rc : emit_queued(d, rec, RRD_QUEUE_MANUAL, now);
}

rrd_status rrd__queue_remove(rrd_distributor *d, const char *record_id, int drainable)
{
	rrd_store *st = d->store;
	if (rrd__drainable_known(d) && drainable >= 0) {
		rrd__drainable_add(d, -drainable);
	} else if (rrd__drainable_known(d)) {
		/* Keep the count of drainable entries: see what leaves. */
		const void *v;
		size_t len;
		int grc = st->m.get(st->self, RRD_NS_QUEUE, record_id, &v, &len, NULL);
		if (grc == RRD_OK) {
			rrd_reader r = { v, len, 0 };
			int nomem = 0;
			rrd_queue_reason reason;
			rrd_time since;
			read_head(&r, &reason, &since);
			char *pool = rrd__read_str(&r, &nomem);
			if (r.failed)
				rrd__drainable_unknown(d); /* count again next time */
			else if (drainable_entry(d, reason, pool))
				rrd__drainable_add(d, -1);
			rrd__free(pool);
		} else if (grc != RRD_E_NOTFOUND) {
			rrd__drainable_unknown(d);
		}
	}
	/* Whether there was an entry does not matter here, so the delete
	 * need not wait for its answer (a networked store sends it with the
	 * next statement that does). */
	return rrd__del_many(d, RRD_NS_QUEUE, 1, &record_id, "taking a record from the queue");
}

rrd_status rrd__queue_entry_copy(rrd_distributor *d, const char *record_id,
				 unsigned char **data, size_t *len, int64_t *order)
{
	rrd_store *st = d->store;
	const void *v;
	int rc = st->m.get(st->self, RRD_NS_QUEUE, record_id, &v, len, order);
	if (rc)
		return rc == RRD_E_NOTFOUND ? rrd__fail(RRD_E_NOTFOUND, "record \"%s\" is not queued",
							record_id)
					    : rrd__store_status(rc, "reading the queue");
	if (!(*data = rrd__malloc(*len ? *len : 1)))
		return rrd__nomem();
	memcpy(*data, v, *len);
	return RRD_OK;
}

rrd_status rrd__queue_restore(rrd_distributor *d, rrd_rec_rt *rec, const void *data, size_t len,
			      int64_t order, rrd_time now)
{
	rrd_reader r = { data, len, 0 };
	int nomem = 0;
	rrd_queue_reason reason;
	rrd_time since;
	read_head(&r, &reason, &since);
	char *pool = rrd__read_str(&r, &nomem);
	if (nomem)
		return rrd__nomem();
	rrd_status rc = r.failed ? rrd__fail(RRD_E_STORE, "a journalled queue entry is damaged")
				 : rrd__rec_transition(d, rec, NULL, RRD_RECORD_QUEUED);
	rrd_store *st = d->store;
	if (!rc)
		rc = rrd__store_status(st->m.put(st->self, RRD_NS_QUEUE, rec->r->id, data, len, order),
				       "queueing a record");
	if (!rc && drainable_entry(d, reason, pool))
		rrd__drainable_add(d, 1);
	rrd__free(pool);
	return rc ? rc : emit_queued(d, rec, reason, now);
}

/* ---- the public snapshot ----------------------------------------------- */

typedef struct queue_item {
	char *record, *pool, *rule;
	rrd_queue_reason reason;
	rrd_time since;
} queue_item;

struct rrd_queue {
	queue_item *items;
	size_t count, cap;
};

/* Empty the queue's entries, keeping their room. */
static void queue_clear(rrd_queue *q)
{
	for (size_t i = 0; i < q->count; i++) {
		rrd__free(q->items[i].record);
		rrd__free(q->items[i].pool);
		rrd__free(q->items[i].rule);
	}
	q->count = 0;
}

RRD_API void rrd_queue_free(rrd_queue *q)
{
	if (!q)
		return;
	queue_clear(q);
	rrd__free(q->items);
	rrd__free(q);
}

typedef struct scan_ctx {
	rrd_queue *q;
	rrd_status rc;
} scan_ctx;

static int collect(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	scan_ctx *sc = ctx;
	(void)order;
	rrd_reader r = { value, len, 0 };
	int nomem = 0;
	queue_item it = { 0 };
	if (read_head(&r, &it.reason, &it.since) != QUEUE_FORMAT) {
		sc->rc = rrd__fail(RRD_E_STORE, "queue entry \"%s\" has an unknown format", key);
		return 1;
	}
	it.pool = rrd__read_str(&r, &nomem);
	it.rule = rrd__read_str(&r, &nomem);
	it.record = r.failed ? NULL : rrd__strdup(key);
	if (r.failed || !it.record ||
	    rrd__grow((void **)&sc->q->items, &sc->q->cap, sc->q->count + 1, sizeof it)) {
		rrd__free(it.pool);
		rrd__free(it.rule);
		rrd__free(it.record);
		sc->rc = nomem || !r.failed ? rrd__nomem()
					    : rrd__fail(RRD_E_STORE, "queue entry \"%s\" is malformed", key);
		return 1;
	}
	sc->q->items[sc->q->count++] = it;
	return 0;
}

static rrd_status read_queue(rrd_distributor *d, void *ctx, rrd_time now)
{
	queue_clear(ctx); /* what a run before this one read */
	scan_ctx sc = { ctx, RRD_OK };
	rrd_store *st = d->store;
	(void)now;
	int src = st->m.scan(st->self, RRD_NS_QUEUE, "", collect, &sc);
	return sc.rc ? sc.rc : rrd__store_status(src, "reading the queue");
}

RRD_API rrd_status rrd_distributor_queue(rrd_distributor *d, rrd_queue **out)
{
	if (!d || !out)
		return rrd__fail(RRD_E_INVALID, "distributor and out must not be NULL");
	*out = NULL;
	rrd_queue *q = rrd__calloc(1, sizeof *q);
	if (!q)
		return rrd__nomem();
	rrd_status rc = rrd__read(d, read_queue, q);
	if (rc) {
		rrd_queue_free(q);
		return rc;
	}
	*out = q;
	return RRD_OK;
}

RRD_API size_t rrd_queue_count(const rrd_queue *q)
{
	return q ? q->count : 0;
}

RRD_API rrd_status rrd_queue_entry(const rrd_queue *q, size_t i, const char **record,
				   rrd_queue_reason *reason, rrd_time *since, const char **pool,
				   const char **rule)
{
	if (!q || i >= q->count)
		return rrd__fail(RRD_E_INVALID, "no queue entry %zu", i);
	const queue_item *it = &q->items[i];
	if (record)
		*record = it->record;
	if (reason)
		*reason = it->reason;
	if (since)
		*since = it->since;
	if (pool)
		*pool = it->pool;
	if (rule)
		*rule = it->rule;
	return RRD_OK;
}
