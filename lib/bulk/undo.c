/* Undoing a redistribution job from its journal: all of it, or (when a
 * record moved on since) nothing. */
#include <string.h>

#include "bulk/bulk.h"
#include "routing/routing.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

typedef struct undo_args {
	const char *job;
	int64_t restored;
} undo_args;

/* Whether a record is still where the job put it: not deactivated, and
 * with the owner the job gave it (`owner_same`). */
static rrd_status conflict_check(const char *job, const rrd_rd_entry *e, rrd_record_status status,
				 int owner_same)
{
	if (status == RRD_RECORD_DEACTIVATED)
		return rrd__fail(RRD_E_CONFLICT, "job %s: record \"%s\" was deactivated since", job,
				 e->record);
	if (!owner_same)
		return rrd__fail(RRD_E_CONFLICT, "job %s: record \"%s\" changed owner since", job,
				 e->record);
	return RRD_OK;
}

static rrd_status gone(const char *job, const rrd_rd_entry *e)
{
	return rrd__fail(RRD_E_CONFLICT, "job %s: record \"%s\" is gone", job, e->record);
}

/* The records of a chunk of entries, checked in their order. */
typedef struct check_ctx {
	const char *job;
	const rrd_rd_entry *es;
	size_t next; /* the entry whose record comes next */
} check_ctx;

static rrd_status check_one(rrd_distributor *d, void *ctx, size_t i, const void *value,
			    size_t len, int64_t order)
{
	check_ctx *c = ctx;
	(void)d;
	(void)order;
	if (i != c->next)
		return gone(c->job, &c->es[c->next]); /* the store lacks it */
	c->next++;
	rrd_record_view v;
	rrd_status rc = rrd__record_view(value, len, &v);
	return rc ? rc : conflict_check(c->job, &c->es[i], v.status,
					rrd__slice_is(v.owner, c->es[i].new_owner));
}

static rrd_status restore_fields(rrd_rec_rt *rec, const rrd_rd_entry *e)
{
	/* A record of the batch keeps its roles in the batch's arena, and
	 * takes their strings as the journal's chunk holds them: the batch
	 * is written before the next chunk is read. */
	rrd_kvlist roles = { .arena = rec->r->roles.arena };
	for (size_t i = 0; i < e->nroles; i++) {
		const rrd_kv *kv = &e->old_roles[i];
		rrd_status rc = roles.arena ? rrd__kvlist_set_lent(&roles, kv->key, kv->value)
					    : rrd__kvlist_set(&roles, kv->key, kv->value);
		if (rc) {
			rrd__kvlist_clear(&roles);
			return rrd__nomem();
		}
	}
	rrd__kvlist_clear(&rec->r->roles);
	rec->r->roles = roles;
	rec->r->reassigned_at = e->old_reassigned;
	return RRD_OK;
}

static rrd_status restore(rrd_distributor *d, const rrd_rd_entry *e, rrd_rec_rt *rec,
			  rrd_time now)
{
	rrd_status rc = rrd__rec_dirty(d, rec);
	if (rc)
		return rc;
	if (e->queue_entry) {
		rc = rrd__queue_restore(d, rec, e->queue_entry, e->queue_len, e->queue_order, now);
	} else if (e->old_owner) {
		rrd_agent_rt *a = rrd__agent_find(d, e->old_owner);
		if (!a)
			return rrd__fail(RRD_E_STORE, "job journal names no agent \"%s\"", e->old_owner);
		rrd_give gi = { .via = RRD_VIA_UNDO, .notify = 1, .status = e->old_status };
		rc = rrd__give(d, rec, a, &gi, now);
	} else {
		rc = rrd__rec_transition(d, rec, NULL, e->old_status);
	}
	return rc ? rc : restore_fields(rec, e);
}

/* Records an undo reads and writes at a time. */
#define UNDO_CHUNK RRD_REDISTRIBUTE_BATCH

/* The m records of es[0..m) still where the job put it, each looked at
 * where it lies, in their order: the first that is not is refused. */
static rrd_status check_chunk(rrd_distributor *d, const char *job, const rrd_rd_entry *es,
			      const char *const *ids, size_t m)
{
	check_ctx c = { job, es, 0 };
	rrd_status rc = rrd__get_many(d, RRD_NS_RECORD, m, ids, check_one, &c, "reading records");
	if (!rc && c.next < m)
		rc = gone(job, &es[c.next]);
	return rc;
}

/* Whether the record read as `rec` (NULL: none) is still where the job
 * put it. */
static rrd_status still_there(const char *job, const rrd_rd_entry *e, const rrd_rec_rt *rec)
{
	if (!rec)
		return gone(job, e);
	const rrd_record *r = rec->r;
	return conflict_check(job, e, r->status, r->owner && strcmp(r->owner, e->new_owner) == 0);
}

/* The records of es[0..m), read in one go, each still where the job put
 * it, into recs: the first in order that is not, or cannot be read, is
 * refused. */
static rrd_status load_chunk(rrd_distributor *d, rrd_rec_batch *b, const char *job,
			     const rrd_rd_entry *es, const char *const *ids, size_t m,
			     rrd_rec_rt **recs)
{
	rrd_status rc = rrd__rec_batch_load(d, b, ids, m, recs);
	/* A stored record that is not one is named unless one before it
	 * has moved on. */
	size_t read = rc && b->unreadable < m ? b->unreadable : rc ? 0 : m;
	rrd_error_saved cause;
	if (rc)
		rrd__error_save(&cause);
	for (size_t i = 0; i < read; i++) {
		rrd_status c = still_there(job, &es[i], recs[i]);
		if (c)
			return c;
	}
	return rc ? rrd__error_restore(&cause) : RRD_OK;
}

/* Room for m ids and records. */
static rrd_status chunk_room(const char ***ids, rrd_rec_rt ***recs, size_t *cap, size_t m)
{
	size_t c = *cap;
	if (rrd__grow((void **)ids, &c, m, sizeof **ids))
		return rrd__nomem();
	if (rrd__grow((void **)recs, cap, m, sizeof **recs))
		return rrd__nomem();
	return RRD_OK;
}

/* The first stored entry after `from` that a chunk of records leaves
 * out: the entries' records are taken a chunk at a time, as many
 * entries as fill about UNDO_CHUNK records (a batch's entry does). */
static size_t chunk_end(const rrd_rd_entries *es, size_t from)
{
	size_t to = from, m = 0;
	while (to < es->nat && (to == from || m + rrd__rd_entries_held(es, to) <= UNDO_CHUNK))
		m += rrd__rd_entries_held(es, to++);
	return to;
}

/*
 * Every record of the job still where the job put it, then each put
 * back: a chunk of the journal at a time, each chunk's records read in
 * one go and written in one go, so that an undo of any size takes the
 * memory of one chunk. What goes wrong is reported as if the whole
 * journal were read first, then every record checked, then each put
 * back: a damaged journal before a record that moved on, and that before
 * a failure to put one back. So once a record is found moved on, the
 * rest of the journal is still read; once putting back fails, the rest
 * is still checked (a record moved on is named then, a store that fails
 * meanwhile is not: its failure may follow from the first).
 */
static rrd_status restore_all(rrd_distributor *d, const char *job, rrd_rd_entries *es,
			      rrd_time now, size_t *restored)
{
	rrd_rec_batch b = { 0 };
	const char **ids = NULL;
	rrd_rec_rt **recs = NULL;
	size_t cap = 0;
	enum { ALL_WELL, PUT_BACK_FAILED, MOVED_ON } state = ALL_WELL;
	rrd_error_saved cause;
	rrd_status rc = RRD_OK;
	*restored = 0;
	for (size_t from = 0; !rc && from < es->nat;) {
		size_t to = chunk_end(es, from);
		if ((rc = rrd__rd_entries_decode(es, from, to)) ||
		    (rc = chunk_room(&ids, &recs, &cap, es->count)))
			break;
		from = to;
		size_t m = es->count;
		*restored += m;
		for (size_t i = 0; i < m; i++)
			ids[i] = es->items[i].record;
		if (state == MOVED_ON)
			continue; /* only a damaged journal comes before it */
		if (state == PUT_BACK_FAILED) {
			rrd_status c = check_chunk(d, job, es->items, ids, m);
			if (c == RRD_E_RETRY)
				rc = c;
			else if (c == RRD_E_CONFLICT)
				state = MOVED_ON;
			if (c == RRD_E_CONFLICT)
				rrd__error_save(&cause);
			continue;
		}
		rrd_status c = load_chunk(d, &b, job, es->items, ids, m, recs);
		if (c == RRD_E_RETRY || c == RRD_E_NOMEM) {
			rc = c;
			break;
		}
		if (c) {
			state = MOVED_ON;
			rrd__error_save(&cause);
			continue;
		}
		for (size_t i = 0; !c && i < m; i++)
			c = restore(d, &es->items[i], recs[i], now);
		if (!c)
			c = rrd__rec_batch_write(d, &b);
		if (c == RRD_E_RETRY) {
			rc = c; /* the whole undo runs again */
		} else if (c) {
			state = PUT_BACK_FAILED;
			rrd__error_save(&cause);
		}
	}
	if (!rc && state != ALL_WELL)
		rc = rrd__error_restore(&cause);
	rrd__rec_batch_free(&b);
	rrd__free(ids);
	rrd__free(recs);
	return rc;
}

static rrd_status undo_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	undo_args *a = ctx;
	rrd_rd_job job;
	rrd_status rc = rrd__rd_job_get(d, a->job, &job);
	if (rc)
		return rc;
	if (job.state == JOB_UNDONE)
		return rrd__fail(RRD_E_NOTHING_TO_UNDO, "job %s was undone already", a->job);
	rrd_rd_entries es;
	if ((rc = rrd__rd_entries_read(d, a->job, &es)))
		return rc;
	size_t n = 0;
	if (!es.nat)
		rc = rrd__fail(RRD_E_NOTHING_TO_UNDO, "job %s moved nothing", a->job);
	if (!rc)
		rc = restore_all(d, a->job, &es, now, &n);
	rrd__rd_entries_free(&es);
	if (rc)
		return rc;
	job.state = JOB_UNDONE;
	a->restored = (int64_t)n;
	if ((rc = rrd__rd_job_put(d, a->job, &job)))
		return rc;
	rrd_event ev = { .type = RRD_EVENT_UNDONE, .at = now, .job = a->job, .done = (int64_t)n };
	return rrd__emit(d, &ev);
}

RRD_API rrd_status rrd_distributor_undo(rrd_distributor *d, const char *job_id,
					int64_t *restored)
{
	if (restored)
		*restored = 0;
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	rrd_status rc = rrd__id_check(job_id, "job id");
	if (rc)
		return rc;
	if (strlen(job_id) > RRD_JOB_ID_MAX)
		return rrd__fail(RRD_E_UNKNOWN_JOB, "no job \"%s\"", job_id);
	undo_args a = { job_id, 0 };
	rrd_rd_lock lock;
	if ((rc = rrd__rd_lock_take(d, &lock)))
		return rc;
	rc = rrd__operation(d, undo_body, &a);
	rrd__rd_lock_release(d, &lock);
	if (rc)
		return rc;
	if (restored)
		*restored = a.restored;
	return RRD_OK;
}
