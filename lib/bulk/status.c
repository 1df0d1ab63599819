/*
 * What a job did, for a host that finds one after a crash: its summary
 * and the records it moved, read in one read-only transaction.
 *
 * A job's summary says "running" until its last batch commits. A process
 * that dies mid-job leaves it so; the job is then running only while the
 * lease its last batch renewed lasts, and stopped after that, when no
 * batch of it can commit any more (the next would need the lock back).
 */
#include <string.h>

#include "bulk/bulk.h"
#include "util/alloc.h"
#include "util/error.h"

typedef struct job_move {
	char *record, *from, *to;
} job_move;

struct rrd_job {
	char id[RRD_JOB_ID_MAX + 1];
	rrd_job_state state;
	rrd_time started;
	int64_t total, moved, held;
	job_move *moves;
	size_t nmoves;
};

static rrd_job_state state_now(const rrd_rd_job *j, rrd_time now)
{
	switch (j->state) {
	case JOB_COMPLETED:
		return RRD_JOB_COMPLETED;
	case JOB_UNDONE:
		return RRD_JOB_UNDONE;
	case JOB_RUNNING:
		return now < j->renewed + RRD_RD_LEASE ? RRD_JOB_RUNNING : RRD_JOB_STOPPED;
	default:
		return RRD_JOB_STOPPED;
	}
}

static void clear_moves(rrd_job *job)
{
	for (size_t i = 0; i < job->nmoves; i++) {
		rrd__free(job->moves[i].record);
		rrd__free(job->moves[i].from);
		rrd__free(job->moves[i].to);
	}
	rrd__free(job->moves);
	job->moves = NULL;
	job->nmoves = 0;
}

static rrd_status copy_moves(rrd_job *job, const rrd_rd_entry *es, size_t n)
{
	job->moves = rrd__calloc(n ? n : 1, sizeof *job->moves);
	if (!job->moves)
		return rrd__nomem();
	for (size_t i = 0; i < n; i++) {
		job_move *m = &job->moves[i];
		job->nmoves = i + 1;
		m->record = rrd__strdup(es[i].record);
		m->to = rrd__strdup(es[i].new_owner ? es[i].new_owner : "");
		m->from = es[i].old_owner ? rrd__strdup(es[i].old_owner) : NULL;
		if (!m->record || !m->to || (es[i].old_owner && !m->from))
			return rrd__nomem();
	}
	return RRD_OK;
}

typedef struct get_args {
	const char *id;
	rrd_job *job;
} get_args;

static rrd_status get_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	get_args *a = ctx;
	rrd_job *job = a->job;
	clear_moves(job); /* a run before this one's, which lost a race */
	rrd_rd_job j;
	rrd_status rc = rrd__rd_job_get(d, a->id, &j);
	if (rc)
		return rc;
	job->state = state_now(&j, now);
	job->started = j.started;
	job->total = j.total;
	job->moved = j.moved;
	job->held = j.held;
	rrd_rd_entries es;
	if ((rc = rrd__rd_entries(d, a->id, &es)))
		return rc;
	rc = copy_moves(job, es.items, es.count);
	rrd__rd_entries_free(&es);
	return rc;
}

RRD_API rrd_status rrd_distributor_get_job(rrd_distributor *d, const char *job_id, rrd_job **out)
{
	if (!d || !out)
		return rrd__fail(RRD_E_INVALID, "distributor and out must not be NULL");
	*out = NULL;
	rrd_status rc = rrd__id_check(job_id, "job id");
	if (rc)
		return rc;
	if (strlen(job_id) > RRD_JOB_ID_MAX)
		return rrd__fail(RRD_E_UNKNOWN_JOB, "no job \"%s\"", job_id);
	rrd_job *job = rrd__calloc(1, sizeof *job);
	if (!job)
		return rrd__nomem();
	memcpy(job->id, job_id, strlen(job_id) + 1);
	get_args a = { job_id, job };
	if ((rc = rrd__read(d, get_body, &a))) {
		rrd_job_free(job);
		return rc;
	}
	*out = job;
	return RRD_OK;
}

RRD_API const char *rrd_job_id(const rrd_job *job)
{
	return job ? job->id : NULL;
}

RRD_API rrd_job_state rrd_job_state_of(const rrd_job *job)
{
	return job ? job->state : (rrd_job_state)0;
}

RRD_API rrd_time rrd_job_started(const rrd_job *job)
{
	return job ? job->started : 0;
}

RRD_API int64_t rrd_job_total(const rrd_job *job)
{
	return job ? job->total : 0;
}

RRD_API int64_t rrd_job_moved(const rrd_job *job)
{
	return job ? job->moved : 0;
}

RRD_API int64_t rrd_job_held(const rrd_job *job)
{
	return job ? job->held : 0;
}

RRD_API size_t rrd_job_record_count(const rrd_job *job)
{
	return job ? job->nmoves : 0;
}

RRD_API rrd_status rrd_job_record(const rrd_job *job, size_t i, const char **record_id,
				  const char **from_agent, const char **to_agent)
{
	if (!job || i >= job->nmoves)
		return rrd__fail(RRD_E_INVALID, "no moved record %zu in the job", i);
	const job_move *m = &job->moves[i];
	if (record_id)
		*record_id = m->record;
	if (from_agent)
		*from_agent = m->from;
	if (to_agent)
		*to_agent = m->to;
	return RRD_OK;
}

RRD_API void rrd_job_free(rrd_job *job)
{
	if (!job)
		return;
	clear_moves(job);
	rrd__free(job);
}
