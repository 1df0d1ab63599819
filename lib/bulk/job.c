/*
 * Running a redistribution: its preview, and the job that moves the
 * records in batches under the store's lock, journalling each record as
 * it was so the job can be undone.
 */
#include <stdio.h>
#include <string.h>

#include "bulk/bulk.h"
#include "routing/routing.h"
#include "util/alloc.h"
#include "util/error.h"

/* ---- preview ------------------------------------------------------------ */

static rrd_status make_plan(const rrd_rd_selection *s, rrd_plan **out)
{
	rrd_plan *p = rrd__calloc(1, sizeof *p);
	if (!p)
		return rrd__nomem();
	p->agents = rrd__calloc(s->ntargets ? s->ntargets : 1, sizeof(char *));
	p->counts = rrd__calloc(s->ntargets ? s->ntargets : 1, sizeof(int64_t));
	if (!p->agents || !p->counts) {
		rrd_plan_free(p);
		return rrd__nomem();
	}
	for (size_t i = 0; i < s->ntargets; i++) {
		if (!(p->agents[i] = rrd__strdup(s->targets[i]))) {
			rrd_plan_free(p);
			return rrd__nomem();
		}
		p->n = i + 1;
		/* Round robin over the picks gives each target its share. */
		p->counts[i] = (int64_t)(s->npicks / s->ntargets + (i < s->npicks % s->ntargets));
	}
	p->total = (int64_t)s->npicks;
	p->held = s->held;
	*out = p;
	return RRD_OK;
}

typedef struct preview_args {
	const rrd_redistribution *rd;
	rrd_plan **out;
} preview_args;

static rrd_status preview_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	preview_args *a = ctx;
	rrd_rd_selection s;
	(void)now;
	rrd_status rc = rrd__rd_select(d, a->rd, &s);
	if (!rc) {
		rc = make_plan(&s, a->out);
		rrd__rd_selection_free(&s);
	}
	return rc;
}

RRD_API rrd_status rrd_distributor_preview(rrd_distributor *d, const rrd_redistribution *rd,
					   rrd_plan **out)
{
	if (!d || !rd || !out)
		return rrd__fail(RRD_E_INVALID, "distributor, redistribution and out must not be NULL");
	*out = NULL;
	preview_args a = { rd, out };
	return rrd__read(d, preview_body, &a);
}

/* ---- the job ------------------------------------------------------------ */

typedef struct job_run {
	const rrd_redistribution *rd;
	rrd_rd_selection sel;
	int selected;
	char id[RRD_JOB_ID_MAX + 1];
	size_t next;       /* next pick to move: where the batch begins */
	size_t end;        /* where the running batch ends */
	rrd_rd_job job;
	rrd_rd_job before; /* the summary as the running batch began */
	rrd_rd_lock lock;
	rrd_buf journal;   /* the batch's entry, written once it is over */
	rrd_rec_batch batch; /* the batch's records, read and written together */
	/* The batch's record ids and their records: room for
	 * RRD_REDISTRIBUTE_BATCH of each. */
	const char **ids;
	rrd_rec_rt **recs;
	/* Each target as the batch found it, when first needed: one for
	 * each of sel.targets, which each transaction looks up again. */
	rrd_agent_rt **to;
} job_run;

static int same_owner(const char *a, const char *b)
{
	return a == b || (a && b && rrd__str_eq(a, b));
}

/* Move picked record i, `rec` (NULL: gone since it was chosen),
 * journalling it first. *moved: 1 moved, 0 left alone. */
static rrd_status move_one(rrd_distributor *d, job_run *jr, size_t i, rrd_rec_rt *rec,
			   rrd_time now, int *moved)
{
	const rrd_rd_pick *pk = &jr->sel.picks[i];
	rrd_status rc;
	*moved = 0;
	if (!rec)
		return RRD_OK;
	if (rec->r->status != pk->status || !same_owner(rec->r->owner, pk->owner))
		return RRD_OK; /* changed since it was chosen */
	size_t t = i % jr->sel.ntargets;
	if (!jr->to[t] && !(jr->to[t] = rrd__agent_find(d, jr->sel.targets[t])))
		return rrd__fail(RRD_E_UNKNOWN_AGENT, "no agent \"%s\"", jr->sel.targets[t]);
	rrd_agent_rt *to = jr->to[t];
	rrd_rd_entry e = { .record = rec->r->id, .old_owner = rec->r->owner,
			   .old_status = rec->r->status, .old_roles = rec->r->roles.items,
			   .nroles = rec->r->roles.count, .old_reassigned = rec->r->reassigned_at,
			   .new_owner = to->id, .from = rec->r };
	unsigned char *queued = NULL;
	if (rec->r->status == RRD_RECORD_QUEUED &&
	    (rc = rrd__queue_entry_copy(d, rec->r->id, &queued, &e.queue_len, &e.queue_order)))
		return rc;
	e.queue_entry = queued;
	/* Encoded now, before the record changes; written with the batch. */
	rrd__rd_entry_add(&jr->journal, &e);
	rrd__free(queued);
	if (jr->journal.failed)
		return rrd__nomem();
	rrd_record_status keep = rec->r->status == RRD_RECORD_QUEUED ? RRD_RECORD_PENDING
								     : rec->r->status;
	rrd_give gi = { .via = RRD_VIA_REDISTRIBUTE, .notify = jr->rd->notify, .status = keep };
	/* Roles first: give() emits the event, and nothing may fail after. */
	if ((rc = rrd__rec_dirty(d, rec)))
		return rc;
	/* A batch's record (in an arena) takes the agent's id as it is, for
	 * the reason rrd__rec_transition gives. */
	rrd_kvlist *roles = &rec->r->roles;
	for (size_t k = 0; k < roles->count; k++)
		if (rrd__rd_takes_role(jr->rd, roles->items[k].key, roles->items[k].value) &&
		    (rc = roles->arena ? rrd__kvlist_set_lent(roles, roles->items[k].key, to->id)
				       : rrd__kvlist_set(roles, roles->items[k].key, to->id)))
			return rc;
	if ((rc = rrd__give(d, rec, to, &gi, now)))
		return rc;
	*moved = 1;
	return RRD_OK;
}

/* The records of picks [jr->next, end) into jr->recs. */
static rrd_status load_records(rrd_distributor *d, job_run *jr, size_t end)
{
	size_t n = end - jr->next;
	for (size_t i = 0; i < n; i++)
		jr->ids[i] = jr->sel.picks[jr->next + i].id;
	return rrd__rec_batch_load(d, &jr->batch, jr->ids, n, jr->recs);
}

static rrd_status emit_counts(rrd_distributor *d, rrd_event_type type, const char *job,
			      int64_t done, int64_t total, int64_t held, rrd_time now)
{
	rrd_event ev = { .type = type, .at = now, .job = job, .done = done, .total = total,
			 .held = held };
	return rrd__emit(d, &ev);
}

static rrd_status start(rrd_distributor *d, job_run *jr, rrd_time now)
{
	rrd_status rc = rrd__rd_select(d, jr->rd, &jr->sel);
	if (rc)
		return rc;
	jr->selected = 1;
	int64_t n;
	if ((rc = rrd__sequence_next(d, "seq.job", &n)))
		return rc;
	snprintf(jr->id, sizeof jr->id, "J%lld", (long long)n);
	jr->job = (rrd_rd_job){ JOB_RUNNING, now, (int64_t)jr->sel.npicks, 0, jr->sel.held, now };
	if ((rc = rrd__rd_job_put(d, jr->id, &jr->job)))
		return rc;
	return emit_counts(d, RRD_EVENT_REDISTRIBUTION_STARTED, jr->id, 0, jr->job.total, 0, now);
}

/* A batch that did not commit (it failed, or lost a race and runs
 * again) undoes what it counted, and a job whose first batch did not
 * commit never started. */
static void batch_undone(job_run *jr)
{
	jr->job = jr->before;
	if (!jr->next) {
		rrd__rd_selection_free(&jr->sel);
		jr->selected = 0;
		jr->id[0] = '\0';
	}
}

static rrd_status batch_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	job_run *jr = ctx;
	rrd_status rc = RRD_OK;
	batch_undone(jr); /* a run before this one's */
	if (!jr->selected)
		rc = start(d, jr, now);
	size_t end = jr->next + RRD_REDISTRIBUTE_BATCH;
	if (end > jr->sel.npicks)
		end = jr->sel.npicks;
	/* The batch's records are read in one go, and written in one go with
	 * its journal, which takes one entry. */
	jr->journal.len = 0;
	jr->journal.failed = 0;
	if (!rc)
		rc = load_records(d, jr, end);
	rrd__free(jr->to);
	jr->to = rc ? NULL : rrd__calloc(jr->sel.ntargets, sizeof *jr->to);
	if (!rc && !jr->to)
		rc = rrd__nomem();
	size_t i = jr->next;
	for (; !rc && i < end; i++) {
		int moved;
		if (!(rc = move_one(d, jr, i, jr->recs[i - jr->next], now, &moved)))
			jr->job.moved += moved;
		if (!rc && (i + 1) % RRD_REDISTRIBUTE_BATCH == 0)
			rc = emit_counts(d, RRD_EVENT_REDISTRIBUTION_PROGRESS, jr->id,
					 (int64_t)(i + 1), jr->job.total, 0, now);
	}
	if (!rc)
		rc = rrd__rec_batch_write(d, &jr->batch);
	if (!rc)
		rc = rrd__rd_entries_write(d, jr->id, (int64_t)jr->next, &jr->journal);
	if (!rc && end == jr->sel.npicks) {
		jr->job.state = JOB_COMPLETED;
		rc = emit_counts(d, RRD_EVENT_REDISTRIBUTION_COMPLETED, jr->id, jr->job.moved,
				 jr->job.total, jr->job.held, now);
		/* Auto-drain pools drain once the whole job is done. */
		if (!rc)
			rc = rrd__drain(d, now);
	}
	jr->job.renewed = now;
	if (!rc)
		rc = rrd__rd_job_put(d, jr->id, &jr->job);
	jr->end = end;
	return rc;
}

/* Runs of one owner among a batch's records whose counters are read
 * ahead, at most. */
#define OWNERS_AHEAD 64

/* On a concurrent store, the counters a batch changes come with the
 * transaction's first read rather than one round trip each: its
 * targets', and its records' owners' as the selection found them. The
 * first batch selects first, so it knows none yet. */
static void batch_wants(rrd_distributor *d, void *ctx)
{
	job_run *jr = ctx;
	if (!jr->selected)
		return;
	for (size_t t = 0; t < jr->sel.ntargets; t++) {
		rrd_agent_rt *a = rrd__agent_find(d, jr->sel.targets[t]);
		if (a)
			rrd__want_agent(d, a);
	}
	size_t end = jr->next + RRD_REDISTRIBUTE_BATCH;
	if (end > jr->sel.npicks)
		end = jr->sel.npicks;
	/* A job's records mostly share a few owners: each run of one is
	 * asked for once, and a batch of many owners reads the rest when
	 * needed, as without this. */
	const char *last = NULL;
	size_t runs = 0;
	for (size_t i = jr->next; i < end && runs < OWNERS_AHEAD; i++) {
		const char *owner = jr->sel.picks[i].owner;
		if (!owner || same_owner(owner, last))
			continue;
		last = owner;
		runs++;
		rrd_agent_rt *a = rrd__agent_find(d, owner);
		if (a)
			rrd__want_agent(d, a);
	}
}

static const rrd_txn batch_txn = { .kind = RRD_TXN_WRITE, .body = batch_body,
				   .prefetch = batch_wants };

/* The job failed after some batches committed: say so in its summary. */
static rrd_status mark_failed(rrd_distributor *d, void *ctx, rrd_time now)
{
	job_run *jr = ctx;
	(void)now;
	jr->job.state = JOB_FAILED;
	return rrd__rd_job_put(d, jr->id, &jr->job);
}

static rrd_status run_job(rrd_distributor *d, job_run *jr)
{
	rrd_status rc;
	do {
		/* The lease must outlast the batch: a job that has lost the
		 * lock, or cannot tell, stops with what it has done. */
		if (jr->next > 0 && (rc = rrd__rd_lock_renew(d, &jr->lock)))
			break;
		jr->before = jr->job;
		rc = rrd__run(d, &batch_txn, jr);
		if (rc)
			batch_undone(jr);
		else
			jr->next = jr->end;
	} while (!rc && jr->next < jr->sel.npicks);
	if (rc && jr->next > 0) {
		rrd_error_saved cause;
		rrd__error_save(&cause);
		rrd__operation_ex(d, mark_failed, jr, 0);
		rrd__error_restore(&cause);
	}
	return rc;
}

RRD_API rrd_status rrd_distributor_redistribute(rrd_distributor *d,
						const rrd_redistribution *rd, char *job_id,
						size_t cap)
{
	if (!d || !rd || !job_id || cap <= RRD_JOB_ID_MAX)
		return rrd__fail(RRD_E_INVALID, "distributor, redistribution and job_id of "
				 "RRD_JOB_ID_MAX + 1 bytes must be given");
	job_id[0] = '\0';
	job_run jr = { .rd = rd };
	jr.ids = rrd__malloc(RRD_REDISTRIBUTE_BATCH * sizeof *jr.ids);
	jr.recs = rrd__malloc(RRD_REDISTRIBUTE_BATCH * sizeof *jr.recs);
	rrd_status rc = jr.ids && jr.recs ? rrd__rd_lock_take(d, &jr.lock) : rrd__nomem();
	if (!rc) {
		rc = run_job(d, &jr);
		rrd__rd_lock_release(d, &jr.lock);
	}
	if (jr.id[0])
		snprintf(job_id, cap, "%s", jr.id);
	rrd__rd_selection_free(&jr.sel);
	rrd__buf_free(&jr.journal);
	rrd__rec_batch_free(&jr.batch);
	rrd__free(jr.to);
	rrd__free(jr.ids);
	rrd__free(jr.recs);
	return rc;
}
